#include "io/raster_source.hpp"

#include <cpl_conv.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <span>

#include "core/error.hpp"
#include "io/vector_source.hpp"

namespace carereach::io {

namespace {

std::string shown_path(const SourceSpec& src) {
  return src.path_as_written.empty() ? src.path.string() : src.path_as_written;
}

Location at_file(const SourceSpec& src) { return Location{shown_path(src), {}, {}, {}, 0}; }

/// Rows of the raster read at once when sampling.
constexpr std::size_t kSampleBlockBytes = 32u << 20;

}  // namespace

RasterSource open_raster(const SourceSpec& src, int band_no, const std::string& band_key, int band_line,
                         const std::string& content) {
  ensure_gdal();
  RasterSource in;
  in.source = src;
  const std::string path = src.path.string();
  const bool virtual_path = path.starts_with("/vsi");  // /vsimem/, /vsizip/, /vsicurl/ … are GDAL's to check
  std::error_code ec;
  if (!virtual_path && !std::filesystem::exists(src.path, ec))
    throw InputError("file not found (resolved to " + path + ")", at_file(src),
                     "check the path in the scenario (" + src.key + "); relative paths are relative to the scenario file");
  CPLErrorReset();
  GDALDataset* raw = GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY, nullptr, nullptr, nullptr);
  if (raw == nullptr) {
    const std::string why = last_gdal_error();
    throw InputError("cannot be opened as a raster" + (why.empty() ? std::string() : " (" + why + ")"), at_file(src),
                     "give a raster GDAL can read (GeoTIFF, …) of " + content + "; 'gdalinfo' shows what GDAL makes of it");
  }
  in.ds.reset(raw);
  const int bands = in.ds->GetRasterCount();
  if (band_no < 1 || band_no > bands)
    throw ScenarioError("band " + std::to_string(band_no) + " does not exist: " + shown_path(src) + " has " +
                            std::to_string(bands) + (bands == 1 ? " band" : " bands"),
                        Location{{}, {}, {}, band_key, band_line},
                        "set " + band_key + " to a band from 1 to " + std::to_string(bands));
  in.band = in.ds->GetRasterBand(band_no);
  if (in.ds->GetGeoTransform(in.gt) != CE_None)
    throw InputError("has no georeferencing (no geotransform): its pixels cannot be placed", at_file(src),
                     "give a georeferenced raster (GeoTIFF with its coordinates), or georeference it with gdal_translate "
                     "-a_ullr / gdalwarp first");
  if (!src.crs.empty()) {
    try {
      in.crs = geo::CrsSpec::parse(src.crs);
    } catch (const CrsError& e) {
      throw CrsError(e.message(), Location{{}, {}, {}, src.key + ".crs", src.line}, e.hint());
    }
  } else if (const OGRSpatialReference* srs = in.ds->GetSpatialRef(); srs != nullptr && !srs->IsEmpty()) {
    char* wkt = nullptr;
    const char* options[] = {"FORMAT=WKT2_2019", nullptr};
    srs->exportToWkt(&wkt, options);
    std::string text = wkt != nullptr ? wkt : "";
    CPLFree(wkt);
    in.crs = geo::CrsSpec::from_wkt(std::move(text));
  } else {
    throw CrsError("has no coordinate system and the scenario declares none", at_file(src),
                   "add crs = \"EPSG:4326\" (or the raster's CRS) to " + src.key);
  }
  return in;
}

std::vector<double> sample_at_cell_centres(RasterSource& raster, const Grid& grid, const geo::CrsSpec& analysis_crs,
                                           Sampling sampling, double missing) {
  std::vector<double> out(grid.cell_count(), missing);
  const int width = raster.ds->GetRasterXSize();
  const int height = raster.ds->GetRasterYSize();
  double inv[6];
  if (!GDALInvGeoTransform(raster.gt, inv))
    throw InputError("has a geotransform that cannot be inverted", at_file(raster.source), "check its georeferencing");
  int has_nodata = 0;
  const double nodata = raster.band->GetNoDataValue(&has_nodata);
  auto valid = [&](double v) { return std::isfinite(v) && !(has_nodata && v == nodata); };

  // Pixel coordinates (fractional) of every cell centre, one grid row at a time, then the rows of the raster
  // they need are read in blocks. For simplicity and bounded memory the raster is read as a whole window of
  // the rows the grid touches, in blocks of at most kSampleBlockBytes.
  const geo::Transformer to_raster(analysis_crs, raster.crs);
  const bool identity = to_raster.is_identity();
  std::vector<double> px(grid.cell_count());
  std::vector<double> py(grid.cell_count());
  std::vector<double> xs(grid.cols);
  std::vector<double> ys(grid.cols);
  double min_row = std::numeric_limits<double>::infinity();
  double max_row = -std::numeric_limits<double>::infinity();
  for (std::uint32_t r = 0; r < grid.rows; ++r) {
    for (std::uint32_t c = 0; c < grid.cols; ++c) {
      xs[c] = grid.centre_x_m(c);
      ys[c] = grid.centre_y_m(r);
    }
    if (!identity) to_raster.transform(std::span<double>(xs), std::span<double>(ys));
    for (std::uint32_t c = 0; c < grid.cols; ++c) {
      const std::size_t i = grid.index(c, r);
      px[i] = inv[0] + xs[c] * inv[1] + ys[c] * inv[2];
      py[i] = inv[3] + xs[c] * inv[4] + ys[c] * inv[5];
      if (std::isfinite(py[i])) {
        min_row = std::min(min_row, py[i]);
        max_row = std::max(max_row, py[i]);
      }
    }
  }
  if (!(max_row >= min_row)) return out;
  const int row0 = std::clamp(static_cast<int>(std::floor(min_row)) - 1, 0, height - 1);
  const int row1 = std::clamp(static_cast<int>(std::floor(max_row)) + 1, 0, height - 1);
  const std::size_t rows_per_block =
      std::max<std::size_t>(2, kSampleBlockBytes / (static_cast<std::size_t>(width) * sizeof(double)));
  std::vector<double> block;
  // Cells are visited block by block of raster rows; bilinear samples need two rows, so blocks overlap by one.
  for (int b0 = row0; b0 <= row1; b0 += static_cast<int>(rows_per_block) - 1) {
    const int b1 = std::min(row1, b0 + static_cast<int>(rows_per_block) - 1);
    const int nrows = b1 - b0 + 1;
    block.resize(static_cast<std::size_t>(width) * static_cast<std::size_t>(nrows));
    if (raster.band->RasterIO(GF_Read, 0, b0, width, nrows, block.data(), width, nrows, GDT_Float64, 0, 0) != CE_None)
      throw InputError("cannot be read (" + last_gdal_error() + ")", at_file(raster.source),
                       "check that the file is complete and readable");
    auto at = [&](int col, int row) { return block[static_cast<std::size_t>(row - b0) * width + col]; };
    for (std::size_t i = 0; i < out.size(); ++i) {
      if (!std::isfinite(px[i]) || !std::isfinite(py[i])) continue;
      if (sampling == Sampling::kNearest) {
        const double fr = std::floor(py[i]);
        const double fc = std::floor(px[i]);
        if (fr < b0 || fr > b1 || fc < 0 || fc >= width) continue;
        const double v = at(static_cast<int>(fc), static_cast<int>(fr));
        if (valid(v)) out[i] = v;
        continue;
      }
      // Bilinear between the four pixel centres around the point (pixel centres at k + 0.5).
      const double u = px[i] - 0.5;
      const double w = py[i] - 0.5;
      const double c0 = std::floor(u);
      const double r0 = std::floor(w);
      if (r0 < b0 || r0 + 1 > b1) {
        // The last raster row (or the first) may hold the point with no row beyond: use the nearest row.
        if (!(r0 == row1 || r0 + 1 == row0)) continue;
      }
      const int ci = static_cast<int>(c0);
      const int ri = static_cast<int>(r0);
      const int cl = std::clamp(ci, 0, width - 1), ch = std::clamp(ci + 1, 0, width - 1);
      const int rl = std::clamp(ri, b0, b1), rh = std::clamp(ri + 1, b0, b1);
      if (u < -0.5 || u > width - 0.5 || w < -0.5 || w > height - 0.5) continue;
      const double fu = std::clamp(u - c0, 0.0, 1.0);
      const double fw = std::clamp(w - r0, 0.0, 1.0);
      // A pixel with no weight (the point on its neighbour's centre line) does not take part, so a no-data
      // neighbour spoils only the cells it actually contributes to.
      const double pix[4] = {at(cl, rl), at(ch, rl), at(cl, rh), at(ch, rh)};
      const double wt[4] = {(1 - fu) * (1 - fw), fu * (1 - fw), (1 - fu) * fw, fu * fw};
      double sum = 0.0;
      bool ok = true;
      for (int k = 0; k < 4 && ok; ++k) {
        if (wt[k] == 0.0) continue;
        if (!valid(pix[k])) ok = false;
        else sum += wt[k] * pix[k];
      }
      if (ok) out[i] = sum;
    }
  }
  return out;
}

}  // namespace carereach::io
