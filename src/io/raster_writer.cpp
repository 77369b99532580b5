#include "io/raster_writer.hpp"

#include <cpl_string.h>
#include <gdal_priv.h>
#include <gdal_rat.h>
#include <ogr_spatialref.h>
#include <cpl_conv.h>

#include <cmath>
#include <limits>
#include <optional>
#include <random>
#include <stdexcept>

#include "core/error.hpp"
#include "io/output_folder.hpp"
#include "io/vector_source.hpp"

namespace carereach::io {

namespace fs = std::filesystem;

namespace {

fs::path temp_beside(const fs::path& file) {
  std::random_device rd;
  return file.parent_path() / ("." + file.stem().string() + ".tmp-" + std::to_string(rd() % 1000000) + ".tif");
}

struct DatasetCloser {
  void operator()(GDALDataset* ds) const { GDALClose(ds); }
};
using DatasetPtr = std::unique_ptr<GDALDataset, DatasetCloser>;

/// Creates `path` (the temporary file beside `file`); errors name `file`, the file the user asked for.
DatasetPtr create(const fs::path& path, const fs::path& file, const Grid& grid, GDALDataType type,
                  const geo::CrsSpec& crs) {
  ensure_gdal();
  GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GTiff");
  CPLStringList options;
  options.AddNameValue("TILED", "YES");
  options.AddNameValue("BLOCKXSIZE", "256");
  options.AddNameValue("BLOCKYSIZE", "256");
  options.AddNameValue("COMPRESS", "DEFLATE");
  options.AddNameValue("PREDICTOR", "2");
  options.AddNameValue("BIGTIFF", "IF_SAFER");
  options.AddNameValue("NUM_THREADS", "ALL_CPUS");  // tiles compressed in parallel; the bytes do not change
  DatasetPtr ds(drv->Create(path.string().c_str(), static_cast<int>(grid.cols), static_cast<int>(grid.rows), 1, type,
                            options.List()));
  if (!ds)
    throw OutputError("cannot be created (" + last_gdal_error() + ")", Location{file.string(), {}, {}, {}, 0},
                      "check that its folder exists and can be written");
  double gt[6] = {grid.origin_x_m, grid.cell_size_m, 0.0, grid.origin_y_m, 0.0, -grid.cell_size_m};
  ds->SetGeoTransform(gt);
  OGRSpatialReference srs;
  srs.importFromWkt(crs.wkt().c_str());
  ds->SetSpatialRef(&srs);
  return ds;
}

/// A Float32 minutes raster held in memory (GDAL's MEM driver), to be copied to a Cloud-Optimized GeoTIFF.
DatasetPtr create_in_memory(const fs::path& file, const Grid& grid, const geo::CrsSpec& crs) {
  ensure_gdal();
  GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("MEM");
  DatasetPtr ds(drv == nullptr ? nullptr
                               : drv->Create("", static_cast<int>(grid.cols), static_cast<int>(grid.rows), 1,
                                             GDT_Float32, nullptr));
  if (!ds)
    throw OutputError("cannot be prepared (" + last_gdal_error() + ")", Location{file.string(), {}, {}, {}, 0},
                      "check the free memory");
  double gt[6] = {grid.origin_x_m, grid.cell_size_m, 0.0, grid.origin_y_m, 0.0, -grid.cell_size_m};
  ds->SetGeoTransform(gt);
  OGRSpatialReference srs;
  srs.importFromWkt(crs.wkt().c_str());
  ds->SetSpatialRef(&srs);
  return ds;
}

/// Copies a minutes raster from memory to `tmp` as a Cloud-Optimized GeoTIFF (COG): 256 × 256 tiles, DEFLATE with
/// the floating-point predictor, overviews (averaged, no-data aware) until the smallest fits one tile, and the
/// band's statistics (minimum, maximum, mean, standard deviation of the reached cells) in the file, so that GIS
/// software opens it with a sensible stretch without scanning it. Errors name `file`.
DatasetPtr copy_to_cog(GDALDataset& mem, const fs::path& tmp, const fs::path& file) {
  GDALRasterBand* band = mem.GetRasterBand(1);
  double mn = 0.0, mx = 0.0, mean = 0.0, sd = 0.0;
  CPLErrorReset();
  CPLPushErrorHandler(CPLQuietErrorHandler);  // a raster with no reached cell has no statistics: not an error
  const CPLErr stats = band->ComputeStatistics(FALSE, &mn, &mx, &mean, &sd, nullptr, nullptr);
  CPLPopErrorHandler();
  CPLErrorReset();
  if (stats == CE_None) band->SetStatistics(mn, mx, mean, sd);
  GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("COG");
  CPLStringList options;
  options.AddNameValue("BLOCKSIZE", "256");
  options.AddNameValue("COMPRESS", "DEFLATE");
  options.AddNameValue("PREDICTOR", "YES");
  options.AddNameValue("OVERVIEW_COMPRESS", "DEFLATE");
  options.AddNameValue("OVERVIEW_PREDICTOR", "YES");
  options.AddNameValue("RESAMPLING", "AVERAGE");
  options.AddNameValue("BIGTIFF", "IF_SAFER");
  options.AddNameValue("NUM_THREADS", "ALL_CPUS");  // tiles compressed in parallel; the bytes do not change
  DatasetPtr ds(drv == nullptr ? nullptr
                               : drv->CreateCopy(tmp.string().c_str(), &mem, FALSE, options.List(), nullptr, nullptr));
  if (!ds)
    throw OutputError("cannot be created (" + last_gdal_error() + ")", Location{file.string(), {}, {}, {}, 0},
                      "check that its folder exists and can be written, and the disk space");
  return ds;
}

void set_metadata(GDALDataset& ds, const std::map<std::string, std::string>& metadata) {
  for (const auto& [k, v] : metadata) ds.SetMetadataItem(k.c_str(), v.c_str());
}

void finish(DatasetPtr ds, const fs::path& tmp, const fs::path& file) {
  CPLErrorReset();
  GDALDataset* raw = ds.release();
  GDALClose(raw);
  if (CPLGetLastErrorType() == CE_Failure) {
    std::error_code ec;
    fs::remove(tmp, ec);
    throw OutputError("cannot be written (" + last_gdal_error() + ")", Location{file.string(), {}, {}, {}, 0},
                      "check the disk space");
  }
  std::error_code ec;
  fs::rename(tmp, file, ec);
  if (ec) throw OutputError("cannot be written: " + ec.message(), Location{file.string(), {}, {}, {}, 0});
  // GDAL keeps what GeoTIFF cannot hold (a raster attribute table) in FILE.aux.xml: it moves with the file. A
  // FILE.aux.xml left by an earlier file of that name (statistics GIS software computed, an attribute table)
  // describes the old data and goes.
  const fs::path aux_tmp(tmp.string() + ".aux.xml");
  const fs::path aux(file.string() + ".aux.xml");
  if (fs::exists(aux_tmp, ec)) fs::rename(aux_tmp, aux, ec);
  else fs::remove(aux, ec);
}

void write_band(GDALDataset& ds, const Grid& grid, GDALDataType type, void* data, const fs::path& file) {
  if (ds.GetRasterBand(1)->RasterIO(GF_Write, 0, 0, static_cast<int>(grid.cols), static_cast<int>(grid.rows), data,
                                    static_cast<int>(grid.cols), static_cast<int>(grid.rows), type, 0, 0) != CE_None)
    throw OutputError("cannot be written (" + last_gdal_error() + ")", Location{file.string(), {}, {}, {}, 0});
}

/// Writes one Float32 band (`values`, one per cell, already with the no-data value where there is none) as a
/// Cloud-Optimized GeoTIFF beside `file`, then renames it: the one path of every Float32 output raster.
void write_float_cog(const fs::path& file, const Grid& grid, const geo::CrsSpec& crs,
                     const std::map<std::string, std::string>& metadata, std::vector<float> values,
                     const std::string& description, const std::string& unit, std::optional<double> nodata) {
  const fs::path tmp = temp_beside(file);
  // Removed if interrupted: the file, GDAL's side-car and the COG driver's temporary overviews.
  const ScopedTemporary registered(tmp), registered_aux(tmp.string() + ".aux.xml"),
      registered_ovr(tmp.string() + ".ovr.tmp");
  DatasetPtr mem = create_in_memory(file, grid, crs);
  set_metadata(*mem, metadata);
  GDALRasterBand* band = mem->GetRasterBand(1);
  if (nodata) band->SetNoDataValue(*nodata);
  band->SetDescription(description.c_str());
  band->SetUnitType(unit.c_str());
  write_band(*mem, grid, GDT_Float32, values.data(), file);
  values = {};
  DatasetPtr ds = copy_to_cog(*mem, tmp, file);
  mem.reset();
  finish(std::move(ds), tmp, file);
}

}  // namespace

void write_travel_time_geotiff(const fs::path& file, const TravelTimeField& field, const geo::CrsSpec& crs,
                               const std::map<std::string, std::string>& metadata) {
  std::vector<float> values(field.minutes.size());
  for (std::size_t i = 0; i < values.size(); ++i)
    values[i] = field.reached(i) ? field.minutes[i] : static_cast<float>(kTravelTimeNoData);
  write_float_cog(file, field.grid, crs, metadata, std::move(values), "travel time to the nearest facility (minutes)",
                  "min", kTravelTimeNoData);
}

void write_nearest_facility_geotiff(const fs::path& file, const TravelTimeField& field, const geo::CrsSpec& crs,
                                    const std::vector<Facility>& facilities,
                                    const std::map<std::string, std::string>& metadata) {
  const fs::path tmp = temp_beside(file);
  const ScopedTemporary registered(tmp), registered_aux(tmp.string() + ".aux.xml");  // removed if interrupted
  DatasetPtr ds = create(tmp, file, field.grid, GDT_UInt32, crs);
  std::map<std::string, std::string> own = metadata;
  own["CAREREACH_UNITS"] = "facility index + 1 (0 = no facility within the search limit)";
  set_metadata(*ds, own);
  GDALRasterBand* band = ds->GetRasterBand(1);
  band->SetNoDataValue(0);
  band->SetDescription("nearest facility (facility index + 1; see the attribute table)");
  std::vector<std::uint32_t> values(field.nearest.size());
  std::vector<bool> used(facilities.size(), false);
  for (std::size_t i = 0; i < values.size(); ++i) {
    const std::uint32_t f = field.nearest[i];
    values[i] = f == TravelTimeField::kNoFacility || !field.reached(i) ? 0U : f + 1U;
    if (values[i] != 0 && f < used.size()) used[f] = true;
  }
  write_band(*ds, field.grid, GDT_UInt32, values.data(), file);
  GDALDefaultRasterAttributeTable rat;
  rat.CreateColumn("value", GFT_Integer, GFU_MinMax);
  rat.CreateColumn("facility_id", GFT_String, GFU_Name);
  rat.CreateColumn("name", GFT_String, GFU_Generic);
  rat.CreateColumn("type", GFT_String, GFU_Generic);
  int row = 0;
  for (std::size_t f = 0; f < facilities.size(); ++f) {
    if (!used[f]) continue;
    rat.SetValue(row, 0, static_cast<int>(f + 1));
    rat.SetValue(row, 1, facilities[f].source_id.c_str());
    rat.SetValue(row, 2, facilities[f].name.c_str());
    rat.SetValue(row, 3, facilities[f].type.c_str());
    ++row;
  }
  band->SetDefaultRAT(&rat);
  finish(std::move(ds), tmp, file);
}

MinutesRaster read_travel_time_geotiff(const fs::path& file) {
  ensure_gdal();
  const Location at{file.string(), {}, {}, {}, 0};
  std::error_code ec;
  if (!fs::exists(file, ec))
    throw InputError("file not found", at, "give the folder of a finished `carereach run`");
  DatasetPtr ds(GDALDataset::Open(file.string().c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY, nullptr, nullptr, nullptr));
  if (!ds) throw InputError("cannot be opened as a raster (" + last_gdal_error() + ")", at);
  double gt[6];
  if (ds->GetGeoTransform(gt) != CE_None || gt[2] != 0 || gt[4] != 0 || gt[1] <= 0 || gt[5] != -gt[1])
    throw InputError("is not a north-up raster of square cells", at, "compare the travel-time rasters of carereach runs");
  MinutesRaster r;
  r.grid.origin_x_m = gt[0];
  r.grid.origin_y_m = gt[3];
  r.grid.cell_size_m = gt[1];
  r.grid.cols = static_cast<std::uint32_t>(ds->GetRasterXSize());
  r.grid.rows = static_cast<std::uint32_t>(ds->GetRasterYSize());
  if (const OGRSpatialReference* srs = ds->GetSpatialRef(); srs != nullptr) {
    char* wkt = nullptr;
    srs->exportToWkt(&wkt);
    r.crs_wkt = wkt != nullptr ? wkt : "";
    CPLFree(wkt);
  }
  GDALRasterBand* band = ds->GetRasterBand(1);
  int has_nodata = 0;
  const double nodata = band->GetNoDataValue(&has_nodata);
  r.minutes.resize(r.grid.cell_count());
  if (band->RasterIO(GF_Read, 0, 0, static_cast<int>(r.grid.cols), static_cast<int>(r.grid.rows), r.minutes.data(),
                     static_cast<int>(r.grid.cols), static_cast<int>(r.grid.rows), GDT_Float32, 0, 0) != CE_None)
    throw InputError("cannot be read (" + last_gdal_error() + ")", at);
  for (float& v : r.minutes)
    if (!std::isfinite(v) || (has_nodata && static_cast<double>(v) == nodata)) v = std::numeric_limits<float>::infinity();
  return r;
}

void write_minutes_difference_geotiff(const fs::path& file, const Grid& grid, const std::vector<float>& values,
                                      const std::string& crs_wkt, const std::map<std::string, std::string>& metadata) {
  std::vector<float> out(values.size());
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = std::isnan(values[i]) ? static_cast<float>(kTravelTimeNoData) : values[i];
  write_float_cog(file, grid, geo::CrsSpec::from_wkt(crs_wkt), metadata, std::move(out),
                  "change of the travel time (minutes, B - A)", "min", kTravelTimeNoData);
}

}  // namespace carereach::io

namespace carereach::io {

void write_persons_geotiff(const fs::path& file, const Grid& grid, const std::vector<double>& persons,
                           const geo::CrsSpec& crs, const std::string& description,
                           const std::map<std::string, std::string>& metadata) {
  if (persons.size() != grid.cell_count())
    throw std::invalid_argument("write_persons_geotiff: one value per cell is needed");
  std::vector<float> values(persons.size());
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = persons[i] > 0.0 ? static_cast<float>(persons[i]) : 0.0f;
  write_float_cog(file, grid, crs, metadata, std::move(values), description, "persons", std::nullopt);  // 0 is nobody
}

void write_index_geotiff(const fs::path& file, const Grid& grid, const std::vector<float>& values,
                         const geo::CrsSpec& crs, const std::string& description, const std::string& unit,
                         const std::map<std::string, std::string>& metadata) {
  std::vector<float> out(values.size());
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = std::isnan(values[i]) ? static_cast<float>(kTravelTimeNoData) : values[i];
  write_float_cog(file, grid, crs, metadata, std::move(out), description, unit, kTravelTimeNoData);
}

}  // namespace carereach::io
