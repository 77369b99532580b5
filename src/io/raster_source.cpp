#include "io/raster_source.hpp"

#include <cpl_conv.h>
#include <cpl_string.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <optional>
#include <type_traits>
#include <span>
#include <vector>

#include "core/error.hpp"
#include "io/resources.hpp"
#include "io/vector_source.hpp"

namespace carereach::io {

namespace {

std::string shown_path(const SourceSpec& src) {
  return src.path_as_written.empty() ? src.path.string() : src.path_as_written;
}

Location at_file(const SourceSpec& src) { return Location{shown_path(src), {}, {}, {}, 0}; }

/// Rows of the raster read at once when sampling.
constexpr std::size_t kSampleBlockBytes = 32u << 20;

/// What to do when GDAL could not read: a source on the network that was refused (a VRT's, say) needs the flag or a
/// local copy; anything else a complete file.
std::string unreadable_hint(const std::string& why, const std::string& otherwise) {
  if (why.find("--allow-network") != std::string::npos)
    return "the raster refers to data on the network: copy it to this computer and refer to the copy, or run with "
           "--allow-network if you trust it";
  return otherwise;
}

/// The no-data value of the band as a value of type T, when it is one (a no-data value outside T's range, or not
/// a whole number for an integer type, matches no pixel).
template <class T>
std::optional<T> nodata_as(const RasterSource& in) {
  int has = 0;
  if constexpr (std::is_same_v<T, std::int64_t>) {
    const std::int64_t v = in.band->GetNoDataValueAsInt64(&has);
    return has ? std::optional<T>(v) : std::nullopt;
  } else if constexpr (std::is_same_v<T, std::uint64_t>) {
    const std::uint64_t v = in.band->GetNoDataValueAsUInt64(&has);
    return has ? std::optional<T>(v) : std::nullopt;
  } else {
    const double v = in.band->GetNoDataValue(&has);
    if (!has) return std::nullopt;
    if constexpr (std::is_floating_point_v<T>) {
      if (std::isnan(v)) return std::nullopt;  // NaN pixels are not values anyway
      if (std::isfinite(v) && std::abs(v) > double(std::numeric_limits<T>::max())) return std::nullopt;
      return static_cast<T>(v);
    } else {
      if (!std::isfinite(v) || std::floor(v) != v || v < double(std::numeric_limits<T>::lowest()) ||
          v > double(std::numeric_limits<T>::max()))
        return std::nullopt;
      return static_cast<T>(v);
    }
  }
}

/// Reads the window as T (GDAL type `type`, the band's own: no conversion by GDAL) and converts to double.
template <class T>
void read_as(const RasterSource& in, GDALDataType type, int x0, int y0, int w, int h, double* out) {
  const std::size_t n = static_cast<std::size_t>(w) * static_cast<std::size_t>(h);
  const std::optional<T> nodata = nodata_as<T>(in);
  std::vector<T> buf(n);
  CPLErrorReset();
  if (in.band->RasterIO(GF_Read, x0, y0, w, h, buf.data(), w, h, type, 0, 0, nullptr) != CE_None) {
    const std::string why = last_gdal_error();
    throw InputError("cannot be read (rows " + std::to_string(y0) + "–" + std::to_string(y0 + h - 1) + ": " + why + ")",
                     at_file(in.source),
                     unreadable_hint(why, "check that the file is complete (not truncated) and readable"));
  }
  for (std::size_t i = 0; i < n; ++i)
    out[i] = nodata && buf[i] == *nodata ? std::numeric_limits<double>::quiet_NaN() : static_cast<double>(buf[i]);
}

}  // namespace

std::string band_type_name(const RasterSource& in) {
  return in.signed_byte ? "Int8" : GDALGetDataTypeName(in.type);
}

void read_band_window(const RasterSource& in, int x0, int y0, int width, int height, double* out) {
  switch (in.type) {
    case GDT_Byte:
      // GDAL 3.6 has no Int8 type: a signed byte band is a Byte band with PIXELTYPE=SIGNEDBYTE, and GDAL would
      // give its values as 0–255. Read the bytes and take their sign.
      if (in.signed_byte) read_as<std::int8_t>(in, GDT_Byte, x0, y0, width, height, out);
      else read_as<std::uint8_t>(in, GDT_Byte, x0, y0, width, height, out);
      return;
    case GDT_UInt16: read_as<std::uint16_t>(in, in.type, x0, y0, width, height, out); return;
    case GDT_Int16: read_as<std::int16_t>(in, in.type, x0, y0, width, height, out); return;
    case GDT_UInt32: read_as<std::uint32_t>(in, in.type, x0, y0, width, height, out); return;
    case GDT_Int32: read_as<std::int32_t>(in, in.type, x0, y0, width, height, out); return;
    case GDT_UInt64: read_as<std::uint64_t>(in, in.type, x0, y0, width, height, out); return;
    case GDT_Int64: read_as<std::int64_t>(in, in.type, x0, y0, width, height, out); return;
    case GDT_Float32: read_as<float>(in, in.type, x0, y0, width, height, out); return;
    case GDT_Float64: read_as<double>(in, in.type, x0, y0, width, height, out); return;
    default:
      throw InputError("has values of type " + band_type_name(in) + ", which carereach does not read", at_file(in.source),
                       "give a band of real numbers (Byte, Int8 … Int64, Float32, Float64)");
  }
}

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
                     unreadable_hint(why, "give a raster GDAL can read (GeoTIFF, …) of " + content +
                                              "; 'gdalinfo' shows what GDAL makes of it"));
  }
  in.ds.reset(raw);
  const int bands = in.ds->GetRasterCount();
  if (band_no < 1 || band_no > bands)
    throw ScenarioError("band " + std::to_string(band_no) + " does not exist: " + shown_path(src) + " has " +
                            std::to_string(bands) + (bands == 1 ? " band" : " bands"),
                        Location{{}, {}, {}, band_key, band_line},
                        "set " + band_key + " to a band from 1 to " + std::to_string(bands));
  in.band = in.ds->GetRasterBand(band_no);
  in.type = in.band->GetRasterDataType();
  if (in.type == GDT_Byte) {
    // Int8 in GDAL 3.6: a Byte band with PIXELTYPE=SIGNEDBYTE in its IMAGE_STRUCTURE metadata (the band's, or
    // the dataset's for some drivers).
    const char* pt = in.band->GetMetadataItem("PIXELTYPE", "IMAGE_STRUCTURE");
    if (pt == nullptr) pt = in.ds->GetMetadataItem("PIXELTYPE", "IMAGE_STRUCTURE");
    in.signed_byte = pt != nullptr && EQUAL(pt, "SIGNEDBYTE");
  }
  if (GDALDataTypeIsComplex(in.type) || in.type == GDT_Unknown)
    throw InputError("band " + std::to_string(band_no) + " holds " +
                         (in.type == GDT_Unknown ? std::string("values of an unknown type")
                                                 : std::string("complex numbers (") + GDALGetDataTypeName(in.type) + ")") +
                         ", not " + content,
                     at_file(src), "give a band of real numbers (Byte, Int8 … Int64, Float32, Float64)");
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
  auto valid = [](double v) { return std::isfinite(v); };  // no-data pixels are read as NaN

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
  const int row0 = static_cast<int>(std::clamp(std::floor(min_row) - 1, 0.0, double(height - 1)));
  const int row1 = static_cast<int>(std::clamp(std::floor(max_row) + 1, 0.0, double(height - 1)));
  require_raster_window(raster.source, "raster", width, row1 - row0 + 1,
                        raster.crs.is_projected_metric() ? std::abs(raster.gt[1]) : 0.0, memory_available());
  const std::size_t rows_per_block =
      std::max<std::size_t>(2, kSampleBlockBytes / (static_cast<std::size_t>(width) * sizeof(double)));
  std::vector<double> block;
  // Cells are visited block by block of raster rows; bilinear samples need two rows, so blocks overlap by one.
  for (int b0 = row0; b0 <= row1; b0 += static_cast<int>(rows_per_block) - 1) {
    const int b1 = std::min(row1, b0 + static_cast<int>(rows_per_block) - 1);
    const int nrows = b1 - b0 + 1;
    block.resize(static_cast<std::size_t>(width) * static_cast<std::size_t>(nrows));
    read_band_window(raster, 0, b0, width, nrows, block.data());
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
