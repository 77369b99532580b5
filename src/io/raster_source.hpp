#pragma once
// Opening a raster named in the scenario (population, weights, land cover, DEM) with errors that name the file,
// the key and the band; and sampling a raster at the centres of the analysis grid's cells.

#include <cstdint>
#include <string>
#include <vector>

#include <gdal_priv.h>

#include "core/grid.hpp"
#include "geo/crs.hpp"
#include "io/scenario.hpp"

namespace carereach::io {

struct RasterSource {
  GDALDatasetUniquePtr ds;
  GDALRasterBand* band = nullptr;
  geo::CrsSpec crs;
  double gt[6] = {0, 1, 0, 0, 0, 1};
  SourceSpec source;
  GDALDataType type = GDT_Unknown;  ///< the band's type
  bool signed_byte = false;         ///< a Byte band marked PIXELTYPE=SIGNEDBYTE: Int8 in GDAL 3.6
};

/// "Byte", "Int8" (signed byte), "UInt16" … "Float64": the band's type as carereach reads it.
std::string band_type_name(const RasterSource& in);

/// Reads a window of the band as doubles, each value with the sign and range of the band's own type (Int8 stored
/// as a signed Byte band included); pixels equal to the band's no-data value — compared in the band's type, so a
/// Float32 no-data of -3.4e38 or an Int64 one of -9223372036854775808 match exactly — become NaN. Throws
/// InputError when GDAL cannot read the window.
void read_band_window(const RasterSource& in, int x0, int y0, int width, int height, double* out);

/// Opens band `band_no` of src (key `band_key` at `band_line` names the band setting in messages). `content`
/// says what the raster should hold, for the hint when it cannot be opened ("persons per pixel", "land-cover
/// classes"). Throws InputError (missing, unreadable, not georeferenced, complex values), ScenarioError (no such
/// band) or CrsError (no CRS and none declared).
RasterSource open_raster(const SourceSpec& src, int band_no, const std::string& band_key, int band_line,
                         const std::string& content);

enum class Sampling { kNearest, kBilinear };

/// The raster's value at every cell centre of the grid (nearest pixel, or bilinear between the four nearest
/// pixel centres). Cells whose centre falls outside the raster, on no-data, or (bilinear) next to no-data get
/// `missing`. Reads the raster in blocks of rows; converts the cell centres a row at a time. A window of more
/// pixels than io::kMaxRasterWindowPixels is refused before it is read (CodedError raster.window_too_large).
std::vector<double> sample_at_cell_centres(RasterSource& raster, const Grid& grid, const geo::CrsSpec& analysis_crs,
                                           Sampling sampling, double missing);

}  // namespace carereach::io
