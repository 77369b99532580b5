#pragma once
// GeoTIFF outputs of the travel-time engines: minutes (Float32, Cloud-Optimized GeoTIFF with overviews and
// statistics) and the nearest facility (UInt32 with a raster attribute table, tiled), compressed, no-data where a
// cell was not reached.

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/facility.hpp"
#include "core/travel_time.hpp"
#include "geo/crs.hpp"

namespace carereach::io {

/// No-data value of travel-time rasters (minutes are never negative).
inline constexpr double kTravelTimeNoData = -9999.0;

/// Writes T in minutes as a Cloud-Optimized GeoTIFF: Float32, 256×256 tiles, DEFLATE with the floating-point
/// predictor, averaged overviews until the smallest fits one tile, the band's statistics, no-data
/// kTravelTimeNoData where the cell was not reached. `metadata` goes into the GDAL metadata (standard id, mode …).
/// The file is written beside its final name and renamed. Throws OutputError.
void write_travel_time_geotiff(const std::filesystem::path& file, const TravelTimeField& field, const geo::CrsSpec& crs,
                               const std::map<std::string, std::string>& metadata);

/// Writes F: UInt32 values = facility index + 1 (0 = no facility within the limit), with a raster attribute table
/// (value, facility id, name, type) so GIS software shows the facility of each cell.
void write_nearest_facility_geotiff(const std::filesystem::path& file, const TravelTimeField& field,
                                    const geo::CrsSpec& crs, const std::vector<Facility>& facilities,
                                    const std::map<std::string, std::string>& metadata);

/// A travel-time raster as written by write_travel_time_geotiff: its grid (from the geotransform; square cells,
/// north up) and minutes per cell, +inf where no-data.
struct MinutesRaster {
  Grid grid;
  std::vector<float> minutes;
  std::string crs_wkt;
};

/// Reads a travel-time GeoTIFF of a run. Throws InputError naming the file when it cannot be read or is not a
/// north-up raster of square cells.
MinutesRaster read_travel_time_geotiff(const std::filesystem::path& file);

/// Writes a Float32 difference raster (minutes, B − A) with no-data where `values` is NaN; same layout as the
/// travel-time rasters (COG). Throws OutputError.
void write_minutes_difference_geotiff(const std::filesystem::path& file, const Grid& grid, const std::vector<float>& values,
                                      const std::string& crs_wkt, const std::map<std::string, std::string>& metadata);

/// Writes persons per cell (Float32, same layout as the travel-time rasters, no no-data value: 0 is nobody), e.g. the
/// residual population of a capacity coverage. The file is written beside its final name and renamed. Throws
/// OutputError.
void write_persons_geotiff(const std::filesystem::path& file, const Grid& grid, const std::vector<double>& persons,
                           const geo::CrsSpec& crs, const std::string& description,
                           const std::map<std::string, std::string>& metadata);
/// Writes a Float32 index raster (the accessibility index of docs/method/accessibility.md) with no-data where
/// `values` is NaN, the band described by `description` in `unit`; same layout as the travel-time rasters.
/// Throws OutputError.
void write_index_geotiff(const std::filesystem::path& file, const Grid& grid, const std::vector<float>& values,
                         const geo::CrsSpec& crs, const std::string& description, const std::string& unit,
                         const std::map<std::string, std::string>& metadata);

}  // namespace carereach::io
