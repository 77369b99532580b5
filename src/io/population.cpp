#include "io/population.hpp"

#include <cpl_conv.h>
#include <gdal_priv.h>
#include <ogr_geometry.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <sstream>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/crs_name.hpp"
#include "core/error.hpp"
#include "io/crs_check.hpp"
#include "io/input_checks.hpp"
#include "io/ogr_transform.hpp"
#include "io/raster_source.hpp"
#include "io/resources.hpp"
#include "io/vector_source.hpp"

namespace carereach::io {

namespace {

/// Sub-pixels per side at most (k ≤ 32, so at most 1,024 parts per source pixel).
constexpr int kMaxSplit = 32;
/// A sub-pixel is at most this fraction of a cell side (when kMaxSplit allows).
constexpr double kSubPixelsPerCell = 3.0;
/// Memory for one block of raster rows (values as doubles).
constexpr std::size_t kBlockBytes = 32u << 20;
/// Samples per side of the grid outline when finding the part of the raster that covers the grid.
constexpr int kOutlineSamples = 64;
/// Source pixels added around that part (covers pixels that straddle the grid edge).
constexpr int kWindowMarginPixels = 2;
/// Codes or rows listed in one warning at most.
constexpr std::size_t kListedItems = 10;

std::string format_number(double v, int decimals) {
  std::ostringstream s;
  s.setf(std::ios::fixed);
  s.precision(decimals);
  s << v;
  std::string out = s.str();
  if (out.find('.') != std::string::npos) {
    while (!out.empty() && out.back() == '0') out.pop_back();
    if (!out.empty() && out.back() == '.') out.pop_back();
  }
  return out == "-0" ? "0" : out;
}


/// "1,348": an integer with thousands separators, for the method sentences.
std::string grouped(double v) {
  std::string digits = format_number(std::round(v), 0);
  const bool negative = !digits.empty() && digits[0] == '-';
  if (negative) digits.erase(0, 1);
  for (std::size_t at = digits.size(); at > 3; at -= 3) digits.insert(at - 3, ",");
  return negative ? "-" + digits : digits;
}

/// Persons in a message: whole numbers with thousands separators ("12,345"); one decimal below 100 ("2.5").
std::string format_persons(double v) { return std::abs(v) >= 100.0 ? grouped(v) : format_number(v, 1); }

std::string format_share(double part, double whole) {
  if (!(whole > 0)) return "0%";
  const double pct = 100.0 * part / whole;
  return format_number(pct, pct >= 10.0 ? 1 : (pct >= 0.01 ? 2 : 4)) + "%";
}

std::string join_listed(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size() && i < kListedItems; ++i) {
    if (i) out += ", ";
    out += items[i];
  }
  if (items.size() > kListedItems) out += ", … (" + std::to_string(items.size()) + " in all)";
  return out;
}

std::string plural(std::size_t n, const std::string& one, const std::string& many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string shown_path(const SourceSpec& src) {
  return src.path_as_written.empty() ? src.path.string() : src.path_as_written;
}

Location at_file(const SourceSpec& src, const std::string& field = {}) {
  Location at;
  at.file = shown_path(src);
  at.field = field;
  return at;
}

Location at_key(const std::string& key, int line) {
  Location at;
  at.field = key;
  at.line = line;
  return at;
}

/// "WorldPop (2020)" / "pop.tif (2020)": how the source is named in the method sentence.
std::string source_label(const PopulationSpec& spec) {
  std::string label = spec.label.empty() ? spec.source.path.filename().string() : spec.label;
  if (!spec.year.empty()) label += " (" + spec.year + ")";
  return label;
}

/// "第七次全国人口普查（2020）": the source in a Chinese method sentence.
std::string source_label_zh(const PopulationSpec& spec) {
  std::string label = spec.label.empty() ? spec.source.path.filename().string() : spec.label;
  if (!spec.year.empty()) label += "（" + spec.year + "）";
  return label;
}

// ---------------------------------------------------------------------------------------------------------
// Rasters

/// The result of resampling a raster onto the grid.
struct Resampled {
  std::vector<double> per_cell;   ///< mass per grid cell (only cells inside the mask)
  double input_total = 0;         ///< sum of the valid pixels read
  double outside_total = 0;       ///< mass that landed off the grid or on cells outside the mask (incl. unplaced)
  double unplaced_total = 0;      ///< mass of pixels whose corners could not be converted to the analysis CRS
  std::size_t unplaced_pixels = 0;
  std::size_t negative_pixels = 0;
  double negative_sum = 0;        ///< sum of the negative values that were set to 0
  double mean_pixel_size_m = 0;   ///< mean side of the placed pixels, in the analysis CRS
  int max_split = 1;              ///< largest k used
  bool aligned = false;           ///< the pixels are the grid's cells: copied one to one
};

struct Window {
  int x0 = 0, y0 = 0, width = 0, height = 0;
};

/// The part of the raster (pixel window) that can put mass on the grid, plus a margin. Falls back to the whole
/// raster when the grid outline cannot be converted into the raster's CRS.
Window raster_window(const RasterSource& in, const Grid& grid, const geo::CrsSpec& analysis_crs) {
  const int w = in.ds->GetRasterXSize();
  const int h = in.ds->GetRasterYSize();
  const Window whole{0, 0, w, h};
  double inv[6];
  if (!GDALInvGeoTransform(const_cast<double*>(in.gt), inv)) return whole;
  std::vector<double> xs, ys;
  const double x0 = grid.origin_x_m, x1 = grid.max_x_m(), y0 = grid.min_y_m(), y1 = grid.origin_y_m;
  for (int i = 0; i <= kOutlineSamples; ++i) {
    const double t = static_cast<double>(i) / kOutlineSamples;
    for (int j = 0; j <= kOutlineSamples; ++j) {
      // the outline densely, the inside on a coarser lattice
      const double u = static_cast<double>(j) / kOutlineSamples;
      const bool outline = i == 0 || i == kOutlineSamples || j == 0 || j == kOutlineSamples;
      if (!outline && (i % 8 != 0 || j % 8 != 0)) continue;
      xs.push_back(x0 + (x1 - x0) * t);
      ys.push_back(y0 + (y1 - y0) * u);
    }
  }
  try {
    const geo::Transformer to_source(analysis_crs, in.crs);
    if (to_source.transform(std::span<double>(xs), std::span<double>(ys)) != 0) return whole;
  } catch (const CrsError&) {
    return whole;
  }
  double min_px = std::numeric_limits<double>::infinity(), max_px = -min_px;
  double min_py = min_px, max_py = -min_px;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    const double px = inv[0] + xs[i] * inv[1] + ys[i] * inv[2];
    const double py = inv[3] + xs[i] * inv[4] + ys[i] * inv[5];
    min_px = std::min(min_px, px);
    max_px = std::max(max_px, px);
    min_py = std::min(min_py, py);
    max_py = std::max(max_py, py);
  }
  if (!std::isfinite(min_px) || !std::isfinite(max_px) || !std::isfinite(min_py) || !std::isfinite(max_py))
    return whole;
  auto clamp_to = [](double v, int hi) { return static_cast<int>(std::clamp(v, 0.0, static_cast<double>(hi))); };
  const int c0 = clamp_to(std::floor(min_px) - kWindowMarginPixels, w);
  const int c1 = clamp_to(std::ceil(max_px) + kWindowMarginPixels, w);
  const int r0 = clamp_to(std::floor(min_py) - kWindowMarginPixels, h);
  const int r1 = clamp_to(std::ceil(max_py) + kWindowMarginPixels, h);
  return Window{c0, r0, std::max(0, c1 - c0), std::max(0, r1 - r0)};
}

/// Resamples a raster of persons (or weights) per pixel onto the grid, preserving mass: each source pixel is
/// split into k×k sub-pixels (k from the pixel's size in the analysis CRS, so a sub-pixel is at most a third of a
/// cell, k ≤ kMaxSplit), each sub-pixel's share v/k² goes to the cell containing its centre. Sub-pixel centres
/// are interpolated bilinearly between the pixel's corners, which are converted to the analysis CRS once (a
/// lattice row at a time). Mass on cells outside `mask` (when given) or off the grid goes to outside_total.
Resampled resample_raster(RasterSource& in, const Grid& grid, const geo::CrsSpec& analysis_crs, const ZoneRaster* mask) {
  Resampled out;
  out.per_cell.assign(grid.cell_count(), 0.0);
  const Window win = raster_window(in, grid, analysis_crs);
  if (win.width == 0 || win.height == 0)
    throw InputError("does not overlap the analysis grid", at_file(in.source),
                     "check that the raster covers the study area and that its coordinate system (" + in.crs.display() +
                         ") is right; declare crs = \"…\" in " + in.source.key + " if the file's own is wrong");

  const geo::Transformer to_grid(in.crs, analysis_crs);
  const bool identity = to_grid.is_identity();

  require_raster_window(in.source, "raster", win.width, win.height,
                        in.crs.is_projected_metric() ? std::abs(in.gt[1]) : 0.0, memory_available());
  int has_scale = 0, has_offset = 0;
  const double scale = in.band->GetScale(&has_scale);
  const double offset = in.band->GetOffset(&has_offset);
  const bool rescale = (has_scale && scale != 1.0) || (has_offset && offset != 0.0);
  const int mask_flags = in.band->GetMaskFlags();
  const bool use_mask_band = (mask_flags & GMF_ALL_VALID) == 0 && (mask_flags & GMF_NODATA) == 0;
  GDALRasterBand* mask_band = use_mask_band ? in.band->GetMaskBand() : nullptr;

  // A raster in the analysis CRS whose pixels are the grid's cells (same size, edges on the grid's lines) is
  // copied cell for cell: the general method would give the same result, much more slowly.
  const double cs_m = grid.cell_size_m;
  const double col_shift = (in.gt[0] - grid.origin_x_m) / cs_m;
  const double row_shift = (grid.origin_y_m - in.gt[3]) / cs_m;
  auto whole = [](double v) { return std::abs(v - std::round(v)) < 1e-9; };
  const bool aligned = identity && in.gt[2] == 0.0 && in.gt[4] == 0.0 && std::abs(in.gt[1] - cs_m) < 1e-9 * cs_m &&
                       std::abs(in.gt[5] + cs_m) < 1e-9 * cs_m && whole(col_shift) && whole(row_shift);
  const auto aligned_col_shift = static_cast<std::int64_t>(std::llround(col_shift));
  const auto aligned_row_shift = static_cast<std::int64_t>(std::llround(row_shift));
  out.aligned = aligned;

  const auto cols = static_cast<std::size_t>(win.width);
  const std::size_t block_rows =
      std::clamp<std::size_t>(kBlockBytes / (cols * sizeof(double)), 1, static_cast<std::size_t>(win.height));
  std::vector<double> values(cols * block_rows);
  std::vector<unsigned char> valid(mask_band != nullptr ? cols * block_rows : 0);

  // Pixel-corner lattice: the corners above (top) and below (bottom) the current pixel row, in grid coordinates.
  std::vector<double> top_x(cols + 1), top_y(cols + 1), bot_x(cols + 1), bot_y(cols + 1);
  auto corner_row = [&](int pixel_row, std::vector<double>& xs, std::vector<double>& ys) {
    for (std::size_t c = 0; c <= cols; ++c) {
      const double px = win.x0 + static_cast<double>(c);
      const double py = static_cast<double>(pixel_row);
      xs[c] = in.gt[0] + px * in.gt[1] + py * in.gt[2];
      ys[c] = in.gt[3] + px * in.gt[4] + py * in.gt[5];
    }
    if (!identity) to_grid.transform(std::span<double>(xs), std::span<double>(ys));
  };
  corner_row(win.y0, top_x, top_y);

  CompensatedSum input, outside, unplaced, negative, size_sum;
  std::size_t sized = 0;
  const double cs = grid.cell_size_m;
  const double gx0 = grid.origin_x_m, gx1 = grid.max_x_m(), gy0 = grid.min_y_m(), gy1 = grid.origin_y_m;

  auto deposit_cell = [&](std::size_t cell, double v) {
    if (mask == nullptr || mask->covers(cell)) out.per_cell[cell] += v;
    else outside.add(v);
  };

  for (int block0 = 0; block0 < win.height; block0 += static_cast<int>(block_rows)) {
    const int nrows = std::min(static_cast<int>(block_rows), win.height - block0);
    // Each value with the sign of the band's type; no-data pixels come as NaN.
    read_band_window(in, win.x0, win.y0 + block0, win.width, nrows, values.data());
    if (mask_band != nullptr &&
        mask_band->RasterIO(GF_Read, win.x0, win.y0 + block0, win.width, nrows, valid.data(), win.width, nrows,
                            GDT_Byte, 0, 0, nullptr) != CE_None)
      throw InputError("its mask cannot be read (" + last_gdal_error() + ")", at_file(in.source),
                       "check that the file is complete (not truncated) and readable");

    for (int rb = 0; rb < nrows; ++rb) {
      const int pixel_row = win.y0 + block0 + rb;
      if (!aligned) corner_row(pixel_row + 1, bot_x, bot_y);
      const double* row = values.data() + static_cast<std::size_t>(rb) * cols;
      for (std::size_t c = 0; c < cols; ++c) {
        double v = row[c];
        if (!std::isfinite(v)) continue;
        if (mask_band != nullptr && valid[static_cast<std::size_t>(rb) * cols + c] == 0) continue;
        if (rescale) v = v * (has_scale ? scale : 1.0) + (has_offset ? offset : 0.0);
        if (v < 0) {
          ++out.negative_pixels;
          negative.add(v);
          continue;
        }
        if (v == 0) continue;
        input.add(v);

        if (aligned) {
          // Pixels are the grid's cells: no splitting, no lattice.
          const std::int64_t gr = pixel_row + aligned_row_shift;
          const std::int64_t gc = static_cast<std::int64_t>(win.x0) + static_cast<std::int64_t>(c) + aligned_col_shift;
          if (gr >= 0 && gc >= 0 && gr < static_cast<std::int64_t>(grid.rows) && gc < static_cast<std::int64_t>(grid.cols))
            deposit_cell(grid.index(static_cast<std::uint32_t>(gc), static_cast<std::uint32_t>(gr)), v);
          else
            outside.add(v);
          continue;
        }

        const double x00 = top_x[c], y00 = top_y[c], x10 = top_x[c + 1], y10 = top_y[c + 1];
        const double x01 = bot_x[c], y01 = bot_y[c], x11 = bot_x[c + 1], y11 = bot_y[c + 1];
        if (!std::isfinite(x00) || !std::isfinite(y00) || !std::isfinite(x10) || !std::isfinite(y10) ||
            !std::isfinite(x01) || !std::isfinite(y01) || !std::isfinite(x11) || !std::isfinite(y11)) {
          ++out.unplaced_pixels;
          unplaced.add(v);
          outside.add(v);
          continue;
        }
        const double side = std::max({std::hypot(x10 - x00, y10 - y00), std::hypot(x01 - x00, y01 - y00),
                                      std::hypot(x11 - x10, y11 - y10), std::hypot(x11 - x01, y11 - y01)});
        size_sum.add(side);
        ++sized;
        const int k = static_cast<int>(std::clamp(std::ceil(kSubPixelsPerCell * side / cs), 1.0,
                                                  static_cast<double>(kMaxSplit)));
        out.max_split = std::max(out.max_split, k);

        // The sub-pixel centres lie in the bilinear patch spanned by the four outermost ones: when their bounding
        // box is inside one cell, or entirely off the grid, the whole pixel goes there at once.
        const double a = 0.5 / k, b = 1.0 - a;
        auto bx = [&](double u, double w) { return (1 - w) * ((1 - u) * x00 + u * x10) + w * ((1 - u) * x01 + u * x11); };
        auto by = [&](double u, double w) { return (1 - w) * ((1 - u) * y00 + u * y10) + w * ((1 - u) * y01 + u * y11); };
        const double qx[4] = {bx(a, a), bx(b, a), bx(a, b), bx(b, b)};
        const double qy[4] = {by(a, a), by(b, a), by(a, b), by(b, b)};
        const double min_x = std::min({qx[0], qx[1], qx[2], qx[3]}), max_x = std::max({qx[0], qx[1], qx[2], qx[3]});
        const double min_y = std::min({qy[0], qy[1], qy[2], qy[3]}), max_y = std::max({qy[0], qy[1], qy[2], qy[3]});
        if (max_x < gx0 || min_x >= gx1 || min_y > gy1 || max_y <= gy0) {
          outside.add(v);
          continue;
        }
        const std::optional<std::size_t> lo = grid.cell_at(min_x, max_y);
        const std::optional<std::size_t> hi = grid.cell_at(max_x, min_y);
        if (lo && hi && *lo == *hi) {
          deposit_cell(*lo, v);
          continue;
        }
        const double share = v / (static_cast<double>(k) * k);
        for (int j = 0; j < k; ++j) {
          const double w = (j + 0.5) / k;
          const double lx = x00 + (x01 - x00) * w, ly = y00 + (y01 - y00) * w;
          const double rx = x10 + (x11 - x10) * w, ry = y10 + (y11 - y10) * w;
          for (int i = 0; i < k; ++i) {
            const double u = (i + 0.5) / k;
            const std::optional<std::size_t> cell = grid.cell_at(lx + (rx - lx) * u, ly + (ry - ly) * u);
            if (cell) deposit_cell(*cell, share);
            else outside.add(share);
          }
        }
      }
      std::swap(top_x, bot_x);
      std::swap(top_y, bot_y);
    }
  }
  out.input_total = input.value();
  out.outside_total = outside.value();
  out.unplaced_total = unplaced.value();
  out.negative_sum = negative.value();
  out.mean_pixel_size_m = sized > 0 ? size_sum.value() / static_cast<double>(sized) : 0.0;
  return out;
}

void warn_raster_problems(const Resampled& r, const RasterSource& in, const std::string& what, Diagnostics& diag) {
  // Refused, as a negative count in a table is (population.count_negative): a negative number of persons (or
  // weight) has no meaning, and counting it as 0 would change the total without anyone deciding it.
  if (r.negative_pixels > 0)
    diag.error(ExitCode::kInput, "population.negative_values"_code,
               plural(r.negative_pixels, "pixel has", "pixels have") + " a negative " + what + " (sum " +
                   format_persons(r.negative_sum) + ", read as " + band_type_name(in) + ")",
               at_file(in.source),
               "negative values are usually no-data markers: declare the raster's no-data value (gdal_edit.py "
               "-a_nodata VALUE FILE), or set them to 0 if there is nobody");
  if (r.unplaced_pixels > 0)
    diag.warn("population.unplaced_pixels"_code,
              plural(r.unplaced_pixels, "pixel", "pixels") + " (" + format_persons(r.unplaced_total) +
                  (what == "weight" ? " of weight" : " persons") +
                  ") could not be converted from " + in.crs.display() + " to the analysis coordinate system and were left out",
              at_file(in.source), "check the raster's coordinate system");
}

// ---------------------------------------------------------------------------------------------------------
// Counts in tables

/// Parses a persons count; reports an error naming the row and field and returns nullopt when it is bad.
std::optional<double> read_count(const VectorSource& src, const OGRFeature& f, int field, const std::string& field_name,
                                 Diagnostics& diag) {
  const std::string text = VectorSource::text(f, field);
  const std::string hint = "write the number of persons as a number of 0 or more, or remove the row";
  if (text.empty()) {
    diag.error(ExitCode::kInput, "population.count_empty"_code, "the persons count is empty", src.where(f, field_name), hint);
    return std::nullopt;
  }
  const std::optional<double> v = parse_number(text);
  if (!v) {
    diag.error(ExitCode::kInput, "population.count_not_a_number"_code, "persons count '" + text + "' is not a number",
               src.where(f, field_name), hint);
    return std::nullopt;
  }
  if (*v < 0) {
    diag.error(ExitCode::kInput, "population.count_negative"_code, "persons count " + text + " is negative",
               src.where(f, field_name), hint);
    return std::nullopt;
  }
  return v;
}

void check_inputs(const Grid& grid, const std::vector<LoadedZoneLevel>& levels, const std::vector<ZoneRaster>& rasters,
                  const ZoneRaster& study_area) {
  if (study_area.zone_of_cell.size() != grid.cell_count())
    throw std::invalid_argument("load_population: the study-area raster does not match the grid");
  if (rasters.size() != levels.size())
    throw std::invalid_argument("load_population: one zone raster per zone level is needed");
  for (const ZoneRaster& r : rasters)  // seat levels have an empty raster
    if (!r.zone_of_cell.empty() && r.zone_of_cell.size() != grid.cell_count())
      throw std::invalid_argument("load_population: the raster of zone level '" + r.level + "' does not match the grid");
}

std::string cells_phrase(const Grid& grid) { return format_number(grid.cell_size_m, 1) + " m cells"; }

void warn_outside(double outside, double input, const std::string& what, const Location& where, Diagnostics& diag) {
  if (!(outside > 0)) return;
  diag.warn("population.outside_study_area"_code,
            format_persons(outside) + " persons (" + format_share(outside, input) + " of the " + format_persons(input) +
                " " + what + ") lie outside the study area and are not part of the population surface",
            where,
            "expected when the source covers more than the study area; otherwise check its coordinate system and "
            "the study-area zone level");
}

// ---------------------------------------------------------------------------------------------------------
// Counts of areas (zones, polygons) spread over the cells whose centres they contain

/// A weight raster (population.weights) resampled onto every cell of the grid.
struct Weights {
  std::vector<double> per_cell;
  std::string name;  ///< the file name, for messages
};

std::optional<Weights> load_weights(const PopulationSpec& spec, const Grid& grid, const geo::CrsSpec& analysis_crs,
                                    Diagnostics& diag) {
  if (!spec.weights) return std::nullopt;
  RasterSource in = open_raster(*spec.weights, spec.weights_band, "population.weights_band", spec.weights->line, "weights");
  Resampled r = resample_raster(in, grid, analysis_crs, nullptr);
  warn_raster_problems(r, in, "weight", diag);
  return Weights{std::move(r.per_cell), spec.weights->path.filename().string()};
}

/// Areas with a persons count each: area a holds totals[a] persons; its cells are the runs whose polygon is a
/// (lattice cells, possibly off the grid); shapes[a] gives the point on surface of an area without cells.
struct Areas {
  std::span<const double> totals;
  std::span<const CellRun> runs;
  std::span<const geo::Geometry> shapes;
};

/// A weight surface over the grid's cells: the product of up to two per-cell factors (a missing factor is 1), so
/// that "kernel surface × weights raster" needs no third array.
struct Surface {
  const std::vector<double>* a = nullptr;
  const std::vector<double>* b = nullptr;
  [[nodiscard]] double at(std::size_t i) const { return (a ? (*a)[i] : 1.0) * (b ? (*b)[i] : 1.0); }
};

/// Which surface an area is spread by: given the area's index and the sum of every surface over its cells on the
/// grid, an index into the surfaces, or kUniform.
using SurfaceChoice = std::function<int(std::size_t area, std::span<const double> sums)>;
constexpr int kUniform = -1;
constexpr int kNotSpread = -2;  ///< no persons, or no cell on the grid

struct Spread {
  double outside = 0;                       ///< persons on cells outside the study area or off the grid
  std::size_t areas_reaching_outside = 0;   ///< areas that put persons there
  std::vector<std::size_t> without_cells;   ///< areas with persons and no cell centre (put at their point on surface)
  std::vector<int> choice;                  ///< per area: the surface it was spread by, kUniform or kNotSpread
};

/// The columns [first, second) of a run that lie on the grid (first == second when none does).
std::pair<std::uint32_t, std::uint32_t> on_grid(const CellRun& run, const Grid& grid) {
  if (run.row < 0 || run.row >= static_cast<std::int64_t>(grid.rows)) return {0, 0};
  const auto cols = static_cast<std::int64_t>(grid.cols);
  const auto b = static_cast<std::uint32_t>(std::clamp<std::int64_t>(run.col_begin, 0, cols));
  const auto e = static_cast<std::uint32_t>(std::clamp<std::int64_t>(run.col_end, 0, cols));
  return {b, std::max(b, e)};
}

/// Adds each area's persons to `persons` (docs/method/population.md, "Spreading a count over an area"): over
/// its cells uniformly, or in proportion to the surface `choose` picks for it; the share of its cells off the
/// grid and of its cells outside the study area goes to Spread::outside; an area without cells puts its count
/// in the cell holding its point on surface. Each area is spread on its own, so overlapping areas both count in
/// the cells they share.
Spread spread_over_cells(const Areas& areas, std::span<const Surface> surfaces, const SurfaceChoice& choose,
                         const Grid& grid, const ZoneRaster& study_area, std::vector<double>& persons) {
  const std::size_t n = areas.totals.size();
  const std::size_t k = surfaces.size();
  std::vector<std::int64_t> cells_on(n, 0), cells_off(n, 0);
  std::vector<double> sums(n * k, 0.0);  // sums[a * k + s]: surface s over area a's cells on the grid
  for (const CellRun& run : areas.runs) {
    const auto [b, e] = on_grid(run, grid);
    cells_on[run.polygon] += e - b;
    cells_off[run.polygon] += (run.col_end - run.col_begin) - (e - b);
    if (k == 0 || b == e || !(areas.totals[run.polygon] > 0)) continue;
    const std::size_t row_start = grid.index(0, static_cast<std::uint32_t>(run.row));
    for (std::size_t s = 0; s < k; ++s) {
      double sum = 0;
      for (std::uint32_t c = b; c < e; ++c) sum += surfaces[s].at(row_start + c);
      sums[run.polygon * k + s] += sum;
    }
  }

  Spread out;
  out.choice.assign(n, kNotSpread);
  CompensatedSum outside;
  std::vector<double> factor(n, 0.0);  // persons per cell, or per unit of the chosen surface
  std::vector<bool> reaches_outside(n, false);
  for (std::size_t a = 0; a < n; ++a) {
    const double total = areas.totals[a];
    if (!(total > 0)) continue;
    const std::int64_t cells = cells_on[a] + cells_off[a];
    if (cells == 0) {
      // Smaller than a cell (or between centres): the whole count goes to the cell containing a point inside it.
      out.without_cells.push_back(a);
      const auto [px, py] = areas.shapes[a].point_on_surface();
      const std::optional<std::size_t> cell = grid.cell_at(px, py);
      if (cell && study_area.covers(*cell)) {
        persons[*cell] += total;
      } else {
        outside.add(total);
        reaches_outside[a] = true;
      }
      continue;
    }
    // Cells off the grid have no weight: they take their share of the count by number, and it is outside.
    const double on_total =
        cells_off[a] == 0 ? total : total * (static_cast<double>(cells_on[a]) / static_cast<double>(cells));
    if (cells_off[a] > 0) {
      outside.add(total - on_total);
      reaches_outside[a] = true;
    }
    if (cells_on[a] == 0) continue;
    int chosen = k == 0 ? kUniform : choose(a, std::span<const double>(sums.data() + a * k, k));
    if (chosen != kUniform && !(sums[a * k + static_cast<std::size_t>(chosen)] > 0)) chosen = kUniform;
    out.choice[a] = chosen;
    factor[a] = chosen == kUniform ? on_total / static_cast<double>(cells_on[a])
                                   : on_total / sums[a * k + static_cast<std::size_t>(chosen)];
  }
  for (const CellRun& run : areas.runs) {
    const double f = factor[run.polygon];
    if (f == 0) continue;
    const auto [b, e] = on_grid(run, grid);
    if (b == e) continue;
    const int chosen = out.choice[run.polygon];
    const Surface* surface = chosen >= 0 ? &surfaces[static_cast<std::size_t>(chosen)] : nullptr;
    const std::size_t row_start = grid.index(0, static_cast<std::uint32_t>(run.row));
    for (std::uint32_t c = b; c < e; ++c) {
      const std::size_t i = row_start + c;
      const double share = surface != nullptr ? surface->at(i) * f : f;
      if (study_area.covers(i)) {
        persons[i] += share;
      } else {
        outside.add(share);
        reaches_outside[run.polygon] = true;
      }
    }
  }
  out.outside = outside.value();
  out.areas_reaching_outside =
      static_cast<std::size_t>(std::count(reaches_outside.begin(), reaches_outside.end(), true));
  return out;
}

/// The cells of each zone of a zone raster as runs (zone indices below zone_count; kNone cells belong to none).
std::vector<CellRun> runs_of(const ZoneRaster& raster, const Grid& grid, std::size_t zone_count) {
  std::vector<CellRun> runs;
  for (std::uint32_t r = 0; r < grid.rows; ++r) {
    const std::size_t row_start = grid.index(0, r);
    for (std::uint32_t c = 0; c < grid.cols;) {
      const std::uint32_t z = raster.zone_of_cell[row_start + c];
      std::uint32_t e = c + 1;
      while (e < grid.cols && raster.zone_of_cell[row_start + e] == z) ++e;
      if (z < zone_count) runs.push_back(CellRun{z, r, c, e});
      c = e;
    }
  }
  return runs;
}

/// Cells of the grid whose centre lies in more than one area (from the runs, without a per-cell array).
std::size_t overlapping_cells(std::span<const CellRun> runs, const Grid& grid) {
  std::size_t overlap = 0;
  std::vector<std::pair<std::uint32_t, int>> events;  // (column, +1 at a run's start / −1 after its end)
  for (std::size_t i = 0; i < runs.size();) {
    const std::int64_t row = runs[i].row;
    events.clear();
    for (; i < runs.size() && runs[i].row == row; ++i) {
      const auto [b, e] = on_grid(runs[i], grid);
      if (b == e) continue;
      events.emplace_back(b, 1);
      events.emplace_back(e, -1);
    }
    std::sort(events.begin(), events.end());  // at equal columns, ends (−1) before starts (+1)
    int depth = 0;
    std::uint32_t from = 0;
    for (const auto& [col, step] : events) {
      if (depth >= 2) overlap += col - from;
      depth += step;
      from = col;
    }
  }
  return overlap;
}

// ---------------------------------------------------------------------------------------------------------
// The four kinds

PopulationLoad load_raster(const PopulationSpec& spec, const Grid& grid, const geo::CrsSpec& analysis_crs,
                           const ZoneRaster& study_area, Diagnostics& diag) {
  RasterSource in = open_raster(spec.source, spec.band, "population.band", spec.source.line, "persons per pixel");
  Resampled r = resample_raster(in, grid, analysis_crs, &study_area);
  warn_raster_problems(r, in, "persons count", diag);
  warn_outside(r.outside_total - r.unplaced_total, r.input_total, "persons read from the raster", at_file(spec.source), diag);

  PopulationLoad out;
  out.surface.grid = grid;
  out.surface.persons = std::move(r.per_cell);
  out.input_total = r.input_total;
  out.outside_total = r.outside_total;
  const std::string cells_zh = " " + format_number(grid.cell_size_m, 1) + " 米格网";
  if (r.aligned)
    out.method_zh = source_label_zh(spec) + "人口栅格（" + crs_name_zh(in.crs.display()) + "），像元即" + cells_zh + "，逐格复制";
  else
    out.method_zh = source_label_zh(spec) + "人口栅格（约 " + format_number(r.mean_pixel_size_m, 0) + " m 像元，" +
                    crs_name_zh(in.crs.display()) + "）按总量守恒重采样到" + cells_zh;
  if (r.aligned)
    out.method = source_label(spec) + " raster of persons per pixel (" + in.crs.display() +
                 ") whose pixels are the " + cells_phrase(grid) + ": copied cell for cell";
  else
    out.method = source_label(spec) + " raster of persons per pixel (about " + format_number(r.mean_pixel_size_m, 0) +
                 " m pixels, " + in.crs.display() + ") resampled onto the " + cells_phrase(grid) +
                 " with the total preserved: each pixel split into up to " + std::to_string(r.max_split) + "×" +
                 std::to_string(r.max_split) + " parts, each counted in the cell containing its centre";
  return out;
}

PopulationLoad load_points(const PopulationSpec& spec, const Grid& grid, const geo::CrsSpec& analysis_crs,
                           const ZoneRaster& study_area, Diagnostics& diag) {
  VectorSource src(spec.source, diag);
  const int count_idx = src.field_index(spec.count_field, "population.count_field");
  const geo::Transformer to_grid(src.crs(), analysis_crs);
  src.check_coordinates_reach(analysis_and_output_targets(analysis_crs, nullptr));

  PopulationLoad out;
  out.surface.grid = grid;
  out.surface.persons.assign(grid.cell_count(), 0.0);
  CompensatedSum input, outside;
  std::size_t points = 0, outside_points = 0, rows = 0;
  PointSample sample(kOffsetSampleCap);
  OGRLayer& layer = src.layer();
  layer.ResetReading();
  for (const auto& f : layer) {
    ++rows;
    const std::optional<double> count = read_count(src, *f, count_idx, spec.count_field, diag);
    const std::optional<std::pair<double, double>> p = src.point(*f, diag, Severity::kError);
    if (!count || !p) continue;
    double x = p->first, y = p->second;
    if (!to_grid.transform(x, y)) {
      diag.error(ExitCode::kInput, "coordinate.not_convertible"_code,
                 "the point cannot be converted to the analysis coordinate system", src.where(*f),
                 "check the coordinates and the source's coordinate system");
      continue;
    }
    ++points;
    sample.add(x, y);
    input.add(*count);
    const std::optional<std::size_t> cell = grid.cell_at(x, y);
    if (cell && study_area.covers(*cell)) {
      out.surface.persons[*cell] += *count;
    } else {
      ++outside_points;
      outside.add(*count);
    }
  }
  if (rows == 0)
    throw InputError("has no rows", src.where_file(), "give a points layer with one row per settlement");
  out.input_total = input.value();
  out.outside_total = outside.value();
  out.point_sample_m = sample.take();
  if (outside_points > 0)
    diag.warn("population.outside_study_area"_code,
              plural(outside_points, "point", "points") + " with " + format_persons(out.outside_total) + " persons (" +
                  format_share(out.outside_total, out.input_total) + " of the points' total) " +
                  (outside_points == 1 ? "lies" : "lie") +
                  " outside the study area and are not part of the population surface",
              src.where_file(spec.count_field),
              "expected when the points cover more than the study area; otherwise check their coordinate system");
  out.method = source_label(spec) + ": " + plural(points, "point", "points") +
               " with a persons count, each counted in the " + format_number(grid.cell_size_m, 1) +
               " m cell that contains it";
  out.method_zh = source_label_zh(spec) + "：" + grouped(static_cast<double>(points)) + " 个人口点，各计入所在的 " +
                  format_number(grid.cell_size_m, 1) + " 米格网";
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Zone totals: a census table, optionally weighted by settlement points and a weights raster, optionally refined
// by the totals of a finer level (docs/method/population.md, "Census totals")

/// Kernels are cut off at this many bandwidths: exp(−4²/2) = e⁻⁸ = 0.03 % of the peak, and 0.03 % of a 2-D
/// Gaussian's mass lies beyond.
constexpr double kKernelCutoff = 4.0;
/// A derived bandwidth is rounded to this many metres.
constexpr double kBandwidthRounding_m = 10.0;

/// A term inside Chinese text: spaced from the Chinese around it when it begins or ends with ASCII ("按 households
/// 加权", but "按户数加权").
std::string zh_term(const std::string& text) {
  if (text.empty()) return text;
  const bool ascii_front = static_cast<unsigned char>(text.front()) < 0x80;
  const bool ascii_back = static_cast<unsigned char>(text.back()) < 0x80;
  return (ascii_front ? " " : "") + text + (ascii_back ? " " : "");
}

std::string zone_label(const Zone& z) { return z.name.empty() ? z.code : z.code + " " + z.name; }

/// A table of persons per zone code (population.source, or population.finer_totals.source).
struct ZoneTable {
  std::vector<double> total;  ///< per zone of the level
  std::vector<bool> has_row;
  double input = 0;           ///< valid counts, including rows whose code matches no zone
  double unknown_persons = 0;
  Location where_codes;       ///< the code column, for messages
  Location where_counts;      ///< the count column, for messages
};

std::unordered_map<std::string, std::uint32_t> codes_of(const std::vector<Zone>& zones) {
  std::unordered_map<std::string, std::uint32_t> by_code;
  for (std::size_t z = 0; z < zones.size(); ++z)
    by_code.emplace(normalise_zone_code(zones[z].code), static_cast<std::uint32_t>(z));
  return by_code;
}

/// Reads a table of (code, persons) rows for the zones of one level: errors for empty or duplicate codes and bad
/// counts (naming the row and field), a warning for codes that match no zone.
ZoneTable read_zone_table(const SourceSpec& source, const std::string& code_field, const std::string& count_field,
                          const std::string& key, const std::string& level_name, const std::vector<Zone>& zones,
                          const std::unordered_map<std::string, std::uint32_t>& zone_by_code, Diagnostics& diag) {
  VectorSource src(source, diag);
  const int code_idx = src.field_index(code_field, key + ".code_field");
  const int count_idx = src.field_index(count_field, key + ".count_field");
  ZoneTable t;
  t.total.assign(zones.size(), 0.0);
  t.has_row.assign(zones.size(), false);
  t.where_codes = src.where_file(code_field);
  t.where_counts = src.where_file(count_field);
  std::unordered_map<std::string, std::string> first_row_of_code;
  std::vector<std::string> unknown_codes;
  CompensatedSum input, unknown_persons;
  std::size_t rows = 0;
  OGRLayer& layer = src.layer();
  layer.ResetReading();
  for (const auto& f : layer) {
    ++rows;
    const std::string code = normalise_zone_code(VectorSource::text(*f, code_idx));
    const std::optional<double> count = read_count(src, *f, count_idx, count_field, diag);
    if (code.empty()) {
      diag.error(ExitCode::kInput, "population.code_empty"_code, "the zone code is empty", src.where(*f, code_field),
                 "fill in the zone code or remove the row");
      continue;
    }
    if (const auto [it, fresh] = first_row_of_code.emplace(code, src.feature_label(*f)); !fresh) {
      diag.error(ExitCode::kInput, "population.duplicate_code"_code,
                 "zone code " + code + " appears again (first in " + it->second + ")", src.where(*f, code_field),
                 "give one row per zone: remove or sum the duplicate rows");
      continue;
    }
    if (!count) continue;
    input.add(*count);
    const auto zone = zone_by_code.find(code);
    if (zone == zone_by_code.end()) {
      unknown_codes.push_back(code);
      unknown_persons.add(*count);
      continue;
    }
    t.total[zone->second] = *count;
    t.has_row[zone->second] = true;
  }
  if (rows == 0) throw InputError("has no rows", src.where_file(), "give one row per zone with its persons count");
  t.input = input.value();
  t.unknown_persons = unknown_persons.value();
  if (!unknown_codes.empty())
    diag.warn("population.unknown_code"_code,
              plural(unknown_codes.size(), "row has a zone code that matches", "rows have zone codes that match") + " no " +
                  level_name + " zone: " + join_listed(unknown_codes) + "; their " +
                  format_persons(t.unknown_persons) + " persons are not placed",
              t.where_codes,
              "check that the table and the zone layer use the same codes (and the same year's boundaries)");
  return t;
}

/// A settlement point (population.settlements) in the analysis CRS.
struct Settlement {
  double x = 0, y = 0;
  double weight = 1;
  std::string label;  ///< "row 12", with its code when code_field is given
  std::string code;   ///< normalised code_field value, or ""
};

struct Settlements {
  std::vector<Settlement> points;  ///< the points with a weight above 0
  std::size_t rows = 0;            ///< rows read (after the filter)
  std::size_t zero_weight = 0;     ///< points with weight 0 (left out)
  std::vector<std::pair<std::string, std::string>> without_coordinates;  ///< (row label, code) of rows left out
  std::vector<std::pair<double, double>> sample;
  Location where;
  std::string file;  ///< the file name, for the method sentence
};

Settlements read_settlements(const SettlementSpec& spec, const geo::CrsSpec& analysis_crs, Diagnostics& diag) {
  VectorSource src(spec.source, diag);
  const std::string key = spec.source.key.empty() ? "population.settlements" : spec.source.key;
  const int weight_i = src.field_index(spec.weight_field, key + ".weight_field", true);
  const int code_i = src.field_index(spec.code_field, key + ".code_field", true);
  const int filter_i = src.field_index(spec.filter_field, key + ".filter_field", true);
  const bool xy = spec.source.is_table_with_xy();
  const int x_i = xy ? src.field_index(spec.source.x_field, key + ".x_field") : -1;
  const int y_i = xy ? src.field_index(spec.source.y_field, key + ".y_field") : -1;
  const geo::Transformer to_grid(src.crs(), analysis_crs);
  src.check_coordinates_reach(analysis_and_output_targets(analysis_crs, nullptr));

  Settlements out;
  out.where = src.where_file();
  out.file = spec.source.path.filename().string();
  PointSample sample(kOffsetSampleCap);
  OGRLayer& layer = src.layer();
  layer.ResetReading();
  for (const auto& f : layer) {
    if (filter_i >= 0) {
      const std::string value = VectorSource::code(*f, filter_i);
      if (std::find(spec.filter_values.begin(), spec.filter_values.end(), value) == spec.filter_values.end()) continue;
    }
    ++out.rows;
    // Villages whose coordinates were never found (geocoding gaps) are common: left out with a warning.
    const OGRGeometry* g = f->GetGeometryRef();
    const bool no_coordinates = xy ? VectorSource::text(*f, x_i).empty() && VectorSource::text(*f, y_i).empty()
                                   : g == nullptr || g->IsEmpty();
    if (no_coordinates) {
      const std::string code = code_i >= 0 ? normalise_zone_code(VectorSource::code(*f, code_i)) : std::string();
      out.without_coordinates.emplace_back(src.feature_label(*f) + (code.empty() ? "" : " (" + code + ")"), code);
      continue;
    }
    double weight = 1;
    if (weight_i >= 0) {
      const std::string text = VectorSource::text(*f, weight_i);
      const std::optional<double> v = text.empty() ? std::nullopt : parse_number(text);
      if (!v || *v < 0) {
        diag.error(ExitCode::kInput, "population.settlement_weight_invalid"_code,
                   text.empty() ? "the settlement's weight is empty" : "settlement weight '" + text + "' is not a number of 0 or more",
                   src.where(*f, spec.weight_field),
                   "give each settlement a weight of 0 or more (e.g. its households), or leave weight_field out for "
                   "equal weights");
        continue;
      }
      weight = *v;
    }
    const std::optional<std::pair<double, double>> p = src.point(*f, diag, Severity::kError);
    if (!p) continue;
    double x = p->first, y = p->second;
    if (!to_grid.transform(x, y)) {
      diag.error(ExitCode::kInput, "coordinate.not_convertible"_code,
                 "the point cannot be converted to the analysis coordinate system", src.where(*f),
                 "check the coordinates and the source's coordinate system");
      continue;
    }
    sample.add(x, y);
    if (!(weight > 0)) {
      ++out.zero_weight;
      continue;
    }
    Settlement s;
    s.x = x;
    s.y = y;
    s.weight = weight;
    s.code = code_i >= 0 ? normalise_zone_code(VectorSource::code(*f, code_i)) : std::string();
    s.label = src.feature_label(*f) + (s.code.empty() ? "" : " (" + s.code + ")");
    out.points.push_back(std::move(s));
  }
  if (out.rows == 0)
    throw InputError(filter_i >= 0 ? "no row has " + spec.filter_field + " in the filter values" : "has no rows",
                     src.where_file(filter_i >= 0 ? spec.filter_field : std::string()),
                     filter_i >= 0 ? "check " + key + ".filter_values" : "give one row per settlement");
  out.sample = sample.take();
  return out;
}

/// Calls visit(cell, k) for every grid cell whose centre lies within kKernelCutoff·h of (x, y), with the
/// Gaussian k = exp(−d² / (2h²)), d the distance from (x, y) to the cell centre. The kernel is separable:
/// exp(−(dx² + dy²)/(2h²)) = exp(−dx²/(2h²)) · exp(−dy²/(2h²)), so one exp per column and per row.
template <class Visit>
void for_kernel_cells(const Grid& grid, double x, double y, double h, std::vector<double>& scratch, Visit&& visit) {
  const double r = kKernelCutoff * h, r2 = r * r, cs = grid.cell_size_m;
  // centre_x(c) = origin_x + (c + ½)·cs lies within r of x for c in [c_lo, c_hi]; rows likewise (y downwards).
  const double c_lo = std::max(0.0, std::ceil((x - r - grid.origin_x_m) / cs - 0.5));
  const double c_hi = std::min(static_cast<double>(grid.cols) - 1, std::floor((x + r - grid.origin_x_m) / cs - 0.5));
  const double r_lo = std::max(0.0, std::ceil((grid.origin_y_m - y - r) / cs - 0.5));
  const double r_hi = std::min(static_cast<double>(grid.rows) - 1, std::floor((grid.origin_y_m - y + r) / cs - 0.5));
  if (!(c_lo <= c_hi) || !(r_lo <= r_hi)) return;
  const auto c0 = static_cast<std::uint32_t>(c_lo), c1 = static_cast<std::uint32_t>(c_hi);
  const auto r0 = static_cast<std::uint32_t>(r_lo), r1 = static_cast<std::uint32_t>(r_hi);
  const std::size_t n = c1 - c0 + 1;
  const double inv = 1.0 / (2.0 * h * h);
  scratch.resize(2 * n);
  for (std::uint32_t c = c0; c <= c1; ++c) {
    const double dx = grid.centre_x_m(c) - x;
    scratch[c - c0] = dx * dx;
    scratch[n + (c - c0)] = std::exp(-dx * dx * inv);
  }
  for (std::uint32_t row = r0; row <= r1; ++row) {
    const double dy = grid.centre_y_m(row) - y;
    const double dy2 = dy * dy;
    if (dy2 > r2) continue;
    const double ey = std::exp(-dy2 * inv);
    const std::size_t row_start = grid.index(0, row);
    for (std::uint32_t c = c0; c <= c1; ++c)
      if (scratch[c - c0] + dy2 <= r2) visit(row_start + c, ey * scratch[n + (c - c0)]);
  }
}

/// The bandwidth derived from the points' spacing: the Gaussian whose mean squared distance from its centre
/// (2h²) equals that of persons spread evenly over a square of the area per point (A/n · 1/6), so h = √(A/(12n));
/// rounded to 10 m, and at least half a cell.
double derived_bandwidth(std::size_t points, std::size_t area_cells, double cell_m) {
  const double area = static_cast<double>(area_cells) * cell_m * cell_m;
  const double h = std::round(std::sqrt(area / (12.0 * static_cast<double>(std::max<std::size_t>(points, 1)))) /
                              kBandwidthRounding_m) *
                   kBandwidthRounding_m;
  return std::max(h, cell_m / 2);
}

std::uint32_t zone_at(const ZoneRaster& raster, const Grid& grid, double x, double y) {
  const std::optional<std::size_t> cell = grid.cell_at(x, y);
  return cell ? raster.zone_of_cell[*cell] : ZoneRaster::kNone;
}

/// The zone a settlement's code names: the zone whose code is the settlement's code, or the longest leading part
/// of it (a 12-digit village code names its county by its first 6 digits); kNone when none.
std::uint32_t zone_of_code(const std::string& code, const std::unordered_map<std::string, std::uint32_t>& by_code) {
  for (std::size_t len = code.size(); len > 0; --len) {
    const auto it = by_code.find(code.substr(0, len));
    if (it != by_code.end()) return it->second;
  }
  return ZoneRaster::kNone;
}

/// Which surface a zone (or finer zone) is spread by: the settlement surface (× weights) where the zone holds a
/// settlement point, else the weights raster, else uniformly.
struct SurfaceSet {
  std::vector<Surface> list;
  int kernel_weights = kUniform;  ///< settlements × weights raster
  int kernel = kUniform;          ///< settlements alone
  int weights = kUniform;         ///< weights raster alone

  SurfaceSet(const std::vector<double>* kernel_surface, const std::vector<double>* weights_raster) {
    if (kernel_surface != nullptr && weights_raster != nullptr) {
      kernel_weights = static_cast<int>(list.size());
      list.push_back(Surface{kernel_surface, weights_raster});
    }
    if (kernel_surface != nullptr) {
      kernel = static_cast<int>(list.size());
      list.push_back(Surface{kernel_surface, nullptr});
    }
    if (weights_raster != nullptr) {
      weights = static_cast<int>(list.size());
      list.push_back(Surface{weights_raster, nullptr});
    }
  }
  [[nodiscard]] SurfaceChoice chooser(const std::vector<std::size_t>& points_in_area) const {
    return [this, &points_in_area](std::size_t a, std::span<const double> sums) {
      if (kernel != kUniform && points_in_area[a] > 0) {
        if (kernel_weights != kUniform && sums[static_cast<std::size_t>(kernel_weights)] > 0) return kernel_weights;
        return kernel;
      }
      if (weights != kUniform && sums[static_cast<std::size_t>(weights)] > 0) return weights;
      return kUniform;
    };
  }
};

/// How the areas of one spread went, for the warnings and the method sentence.
struct SpreadTally {
  std::size_t by_kernel = 0, by_weights = 0, uniform = 0;
  std::vector<std::string> without_points_weights;  ///< no settlement point: spread by the weights raster
  std::vector<std::string> without_points_uniform;  ///< no settlement point (or no weight): spread uniformly
  std::vector<std::string> kernel_no_weight;        ///< settlement points, but no weight near them: kernel alone
  std::vector<std::string> weights_zero;            ///< no settlements given and no weight: uniformly
};

SpreadTally tally(const Spread& spread, const SurfaceSet& set, bool settlements_given,
                  const std::vector<std::size_t>& points_in_area, const std::function<std::string(std::size_t)>& name) {
  SpreadTally t;
  for (std::size_t a = 0; a < spread.choice.size(); ++a) {
    const int c = spread.choice[a];
    if (c == kNotSpread) continue;
    // The indices of absent surfaces are kUniform: compare only with a surface that is there.
    const bool by_weights = c != kUniform && c == set.weights;
    if (c == kUniform) ++t.uniform;
    else if (by_weights) ++t.by_weights;
    else ++t.by_kernel;
    if (settlements_given && points_in_area[a] == 0)
      (by_weights ? t.without_points_weights : t.without_points_uniform).push_back(name(a));
    else if (settlements_given && set.kernel_weights != kUniform && c == set.kernel)
      t.kernel_no_weight.push_back(name(a));
    else if (!settlements_given && set.weights != kUniform && c == kUniform)
      t.weights_zero.push_back(name(a));
  }
  return t;
}

/// Finer totals: what they did per zone of the main level.
struct FinerOutcome {
  std::vector<bool> by_finer;             ///< per main zone: spread by its finer zones' totals
  std::vector<double> scaled;             ///< per finer zone: its total scaled to its main zone's total (0: not used)
  std::vector<std::uint32_t> parent;      ///< per finer zone: its main zone, or kNone
  std::vector<std::string> differ;        ///< main zones whose finer totals were scaled (with the figures)
  std::vector<std::string> unused;        ///< main zones whose finer totals were not used (with the reason)
  std::vector<std::string> without_parent;  ///< finer zones with a total and no main zone
  std::vector<std::string> seats_outside;   ///< seats outside the main zone their parent code names
  double without_parent_persons = 0;
  std::size_t finer_zones_used = 0;
};

/// The main zone of each finer zone: the zone its parent code names; else (seats) the zone holding the seat;
/// else (polygons) the zone holding most of its cells, or the one holding its point on surface.
std::vector<std::uint32_t> parents_of(const LoadedZoneLevel& finer, const ZoneRaster* finer_raster,
                                      const std::vector<Zone>& zones, const ZoneRaster& raster, const Grid& grid,
                                      const std::unordered_map<std::string, std::uint32_t>& zone_by_code,
                                      std::vector<std::string>& seats_outside) {
  const std::vector<Zone>& fz = finer.level.zones;
  std::vector<std::uint32_t> parent(fz.size(), ZoneRaster::kNone);
  bool need_cells = false;
  for (std::size_t t = 0; t < fz.size(); ++t) {
    if (const auto it = zone_by_code.find(normalise_zone_code(fz[t].parent_code)); it != zone_by_code.end())
      parent[t] = it->second;
    if (finer.kind == ZoneGeometryKind::kSeats) {
      const std::uint32_t here = zone_at(raster, grid, finer.seats_m[t].first, finer.seats_m[t].second);
      if (parent[t] == ZoneRaster::kNone) parent[t] = here;
      else if (here != parent[t])
        seats_outside.push_back(zone_label(fz[t]) + " (of " + zone_label(zones[parent[t]]) + ") lies " +
                                (here == ZoneRaster::kNone ? "outside every " + raster.level : "in " + zone_label(zones[here])));
    } else if (parent[t] == ZoneRaster::kNone) {
      need_cells = true;
    }
  }
  if (!need_cells || finer_raster == nullptr) return parent;
  // Polygons without a parent code: the main zone holding most of their cells.
  std::vector<std::map<std::uint32_t, std::size_t>> tally(fz.size());
  for (std::size_t i = 0; i < grid.cell_count(); ++i) {
    const std::uint32_t t = finer_raster->zone_of_cell[i];
    if (t == ZoneRaster::kNone || parent[t] != ZoneRaster::kNone) continue;
    const std::uint32_t z = raster.zone_of_cell[i];
    if (z != ZoneRaster::kNone) ++tally[t][z];
  }
  for (std::size_t t = 0; t < fz.size(); ++t) {
    if (parent[t] != ZoneRaster::kNone) continue;
    std::size_t best = 0;
    for (const auto& [z, n] : tally[t])
      if (n > best) {
        best = n;
        parent[t] = z;
      }
    if (best == 0 && t < finer.polygons.size()) {
      const auto [px, py] = finer.polygons[t].point_on_surface();
      parent[t] = zone_at(raster, grid, px, py);
    }
  }
  return parent;
}

/// Decides, per main zone, whether its finer totals are used (all its finer zones have a total, it has a total of
/// its own, the finer totals sum to more than 0), and scales them to the main zone's total.
FinerOutcome reconcile(const ZoneTable& main, const ZoneTable& finer_table, const std::vector<Zone>& zones,
                       const std::vector<Zone>& finer_zones, std::vector<std::uint32_t> parent,
                       std::vector<std::string> seats_outside, const std::string& finer_name) {
  FinerOutcome out;
  out.parent = std::move(parent);
  out.seats_outside = std::move(seats_outside);
  out.by_finer.assign(zones.size(), false);
  out.scaled.assign(finer_zones.size(), 0.0);
  std::vector<std::vector<std::uint32_t>> children(zones.size());
  CompensatedSum without_parent;
  for (std::size_t t = 0; t < finer_zones.size(); ++t) {
    if (out.parent[t] != ZoneRaster::kNone) {
      children[out.parent[t]].push_back(static_cast<std::uint32_t>(t));
    } else if (finer_table.has_row[t]) {
      out.without_parent.push_back(zone_label(finer_zones[t]));
      without_parent.add(finer_table.total[t]);
    }
  }
  out.without_parent_persons = without_parent.value();
  for (std::size_t z = 0; z < zones.size(); ++z) {
    const auto& kids = children[z];
    std::vector<std::string> missing;
    CompensatedSum sum;
    for (const std::uint32_t t : kids) {
      if (finer_table.has_row[t]) sum.add(finer_table.total[t]);
      else missing.push_back(zone_label(finer_zones[t]));
    }
    if (missing.size() == kids.size()) continue;  // no finer total for this zone: spread at its own level
    const std::string name = zone_label(zones[z]);
    if (!missing.empty()) {
      out.unused.push_back(name + ": " + std::to_string(missing.size()) + " of its " + std::to_string(kids.size()) + " " +
                           finer_name + " zones have no total (" + join_listed(missing) + ")");
      continue;
    }
    if (!main.has_row[z]) {
      out.unused.push_back(name + ": it has no total in the main table");
      continue;
    }
    const double own = main.total[z], s = sum.value();
    if (!(s > 0)) {
      if (own > 0) out.unused.push_back(name + ": its " + finer_name + " totals sum to 0");
      continue;
    }
    out.by_finer[z] = true;
    const double factor = own / s;
    for (const std::uint32_t t : kids) out.scaled[t] = finer_table.total[t] * factor;
    out.finer_zones_used += kids.size();
    if (std::abs(own - s) > 0.5)
      out.differ.push_back(name + ": total " + grouped(own) + ", " + finer_name + " totals " + grouped(s) + " (" +
                           (own > s ? "+" : "−") + format_share(std::abs(own - s), s) + "), scaled by " +
                           format_number(factor, 4));
  }
  return out;
}

/// Spreads the scaled totals of finer zones given as seats: each around its seat's settlements (the points of
/// its main zone nearer its seat than any other seat of that zone) or, without any, around the seat itself, by
/// the Gaussian kernel (× the weights raster), over the cells of its main zone only. A main zone one of whose
/// seats gives no weight on its cells (a seat far outside it) falls back to its own level: by_finer is cleared.
void spread_seats(const LoadedZoneLevel& finer, FinerOutcome& fin, const std::vector<Zone>& zones,
                  const ZoneRaster& raster, const Grid& grid, const ZoneRaster& study_area, double h,
                  const Settlements* settle, const std::vector<double>* weights, std::vector<double>& persons,
                  CompensatedSum& outside, std::vector<std::string>& alone, std::vector<std::string>& kernel_no_weight) {
  const std::vector<Zone>& fz = finer.level.zones;
  std::vector<std::vector<std::uint32_t>> kids(zones.size()), points_of(zones.size());
  for (std::size_t t = 0; t < fz.size(); ++t)
    if (fin.parent[t] != ZoneRaster::kNone && fin.by_finer[fin.parent[t]])
      kids[fin.parent[t]].push_back(static_cast<std::uint32_t>(t));
  if (settle != nullptr)
    for (std::size_t p = 0; p < settle->points.size(); ++p) {
      const std::uint32_t z = zone_at(raster, grid, settle->points[p].x, settle->points[p].y);
      if (z != ZoneRaster::kNone) points_of[z].push_back(static_cast<std::uint32_t>(p));
    }
  std::vector<double> acc(grid.cell_count(), 0.0), scratch;
  std::vector<std::size_t> touched;
  for (std::size_t z = 0; z < zones.size(); ++z) {
    if (!fin.by_finer[z] || kids[z].empty()) continue;
    const auto& k = kids[z];
    std::vector<std::vector<std::uint32_t>> own(k.size());
    for (const std::uint32_t p : points_of[z]) {
      const Settlement& s = settle->points[p];
      std::size_t best = 0;
      double best_d2 = std::numeric_limits<double>::infinity();
      for (std::size_t j = 0; j < k.size(); ++j) {
        const double dx = finer.seats_m[k[j]].first - s.x, dy = finer.seats_m[k[j]].second - s.y;
        if (dx * dx + dy * dy < best_d2) {
          best_d2 = dx * dx + dy * dy;
          best = j;
        }
      }
      own[best].push_back(p);
    }
    // Each seat's weights over the cells of zone z, as (cell, kernel sum) pairs.
    std::vector<std::vector<std::pair<std::size_t, double>>> cells(k.size());
    std::vector<double> sum_k(k.size(), 0.0), sum_kw(k.size(), 0.0);
    std::vector<std::string> unreachable;
    for (std::size_t j = 0; j < k.size(); ++j) {
      auto add = [&](double x, double y, double m) {
        for_kernel_cells(grid, x, y, h, scratch, [&](std::size_t i, double kv) {
          if (raster.zone_of_cell[i] != z) return;
          if (acc[i] == 0) touched.push_back(i);
          acc[i] += m * kv;
        });
      };
      if (own[j].empty()) add(finer.seats_m[k[j]].first, finer.seats_m[k[j]].second, 1.0);
      for (const std::uint32_t p : own[j]) add(settle->points[p].x, settle->points[p].y, settle->points[p].weight);
      for (const std::size_t i : touched) {
        cells[j].emplace_back(i, acc[i]);
        sum_k[j] += acc[i];
        if (weights != nullptr) sum_kw[j] += acc[i] * (*weights)[i];
        acc[i] = 0;
      }
      touched.clear();
      if (settle != nullptr && own[j].empty()) alone.push_back(zone_label(fz[k[j]]));
      if (!(sum_k[j] > 0) && fin.scaled[k[j]] > 0) unreachable.push_back(zone_label(fz[k[j]]));
    }
    if (!unreachable.empty()) {
      fin.by_finer[z] = false;
      fin.unused.push_back(zone_label(zones[z]) + ": the kernel of " + join_listed(unreachable) +
                           " puts no weight on its cells (the seat lies too far outside it)");
      continue;
    }
    for (std::size_t j = 0; j < k.size(); ++j) {
      const double total = fin.scaled[k[j]];
      if (!(total > 0)) continue;
      const bool by_weights = weights != nullptr && sum_kw[j] > 0;
      if (weights != nullptr && !by_weights) kernel_no_weight.push_back(zone_label(fz[k[j]]));
      const double f = total / (by_weights ? sum_kw[j] : sum_k[j]);
      for (const auto& [i, w] : cells[j]) {
        const double share = (by_weights ? w * (*weights)[i] : w) * f;
        if (study_area.covers(i)) persons[i] += share;
        else outside.add(share);
      }
    }
  }
}

PopulationLoad load_zone_totals(const PopulationSpec& spec, const Grid& grid, const geo::CrsSpec& analysis_crs,
                                const std::vector<LoadedZoneLevel>& levels, const std::vector<ZoneRaster>& rasters,
                                const ZoneRaster& study_area, Diagnostics& diag) {
  auto level_index = [&](const std::string& name, const std::string& key, int line) {
    std::vector<std::string> names;
    for (std::size_t i = 0; i < levels.size(); ++i) {
      names.push_back(levels[i].level.level);
      if (levels[i].level.level == name) return i;
    }
    throw ScenarioError(key + " names the zone level '" + name + "', which the scenario does not define",
                        at_key(key, line),
                        names.empty() ? "define the zone level under [[zones]]"
                                      : "use one of the zone levels: " + join_listed(names));
  };
  const std::size_t li = level_index(spec.level, "population.level", spec.source.line);
  const LoadedZoneLevel& level = levels[li];
  const ZoneRaster& raster = rasters[li];
  if (level.kind == ZoneGeometryKind::kSeats || raster.zone_of_cell.empty())
    throw ScenarioError("population.level names the zone level '" + spec.level +
                            "', which has seats (points), not boundaries: its totals cannot be spread over its area",
                        at_key("population.level", spec.source.line),
                        "give the totals of a zone level with boundary polygons, and the seats' totals under "
                        "[population.finer_totals]; or give a population raster");
  const std::vector<Zone>& zones = level.level.zones;
  const std::string& level_name = spec.level;
  const auto zone_by_code = codes_of(zones);
  const ZoneTable table =
      read_zone_table(spec.source, spec.code_field, spec.count_field, "population", level_name, zones, zone_by_code, diag);

  const std::optional<Weights> weights = load_weights(spec, grid, analysis_crs, diag);
  const std::vector<double>* weights_cells = weights ? &weights->per_cell : nullptr;
  std::optional<Settlements> settle;
  if (spec.settlements) settle = read_settlements(*spec.settlements, analysis_crs, diag);

  // The finer level.
  const LoadedZoneLevel* finer = nullptr;
  const ZoneRaster* finer_raster = nullptr;
  if (spec.finer) {
    const std::size_t fi = level_index(spec.finer->level, "population.finer_totals.level", spec.finer->source.line);
    finer = &levels[fi];
    if (finer->kind == ZoneGeometryKind::kPolygons) finer_raster = &rasters[fi];
  }
  const bool finer_seats = finer != nullptr && finer->kind == ZoneGeometryKind::kSeats;

  // The bandwidth: given, or from the spacing of the kernel's points in the study area (the settlements, or the
  // finer level's seats when there are no settlements).
  const std::size_t area_cells = study_area.covered_cells();
  std::optional<double> bandwidth;
  bool bandwidth_derived = false;
  if (settle || finer_seats) {
    std::size_t points_in_area = 0;
    if (settle) {
      for (const Settlement& s : settle->points)
        if (const auto cell = grid.cell_at(s.x, s.y); cell && study_area.covers(*cell)) ++points_in_area;
    } else {
      for (const auto& [x, y] : finer->seats_m)
        if (const auto cell = grid.cell_at(x, y); cell && study_area.covers(*cell)) ++points_in_area;
    }
    if (settle && spec.settlements->bandwidth_m) {
      bandwidth = *spec.settlements->bandwidth_m;
    } else {
      bandwidth = derived_bandwidth(points_in_area, area_cells, grid.cell_size_m);
      bandwidth_derived = true;
    }
  }

  // The settlement surface: the sum of the points' kernels over every cell of the grid.
  std::vector<double> kernel_surface;
  if (settle) {
    kernel_surface.assign(grid.cell_count(), 0.0);
    std::vector<double> scratch;
    for (const Settlement& s : settle->points)
      for_kernel_cells(grid, s.x, s.y, *bandwidth, scratch,
                       [&](std::size_t i, double k) { kernel_surface[i] += s.weight * k; });
  }

  // Settlement points per zone, and the points outside their zone.
  std::vector<std::size_t> points_in_zone(zones.size(), 0);
  std::vector<std::string> outside_zone, unknown_zone;
  if (settle) {
    for (const Settlement& s : settle->points) {
      const std::uint32_t here = zone_at(raster, grid, s.x, s.y);
      if (here != ZoneRaster::kNone) ++points_in_zone[here];
      if (!s.code.empty()) {
        // A point whose code names no zone and which lies in none belongs to another region: nothing to say.
        const std::uint32_t named = zone_of_code(s.code, zone_by_code);
        if (named == ZoneRaster::kNone && here != ZoneRaster::kNone)
          unknown_zone.push_back(s.label + " lies in " + zone_label(zones[here]));
        else if (named != ZoneRaster::kNone && here != named)
          outside_zone.push_back(s.label + " of " + zone_label(zones[named]) + " lies " +
                                 (here == ZoneRaster::kNone ? "outside it" : "in " + zone_label(zones[here])));
      } else if (here == ZoneRaster::kNone) {
        outside_zone.push_back(s.label);
      }
    }
  }

  // Finer totals, reconciled with the main table.
  std::optional<FinerOutcome> fin;
  std::optional<ZoneTable> finer_table;
  std::string finer_name;
  if (finer != nullptr) {
    finer_name = spec.finer->level;
    const auto finer_by_code = codes_of(finer->level.zones);
    finer_table = read_zone_table(spec.finer->source, spec.finer->code_field, spec.finer->count_field,
                                  "population.finer_totals", finer_name, finer->level.zones, finer_by_code, diag);
    std::vector<std::string> seats_outside;
    std::vector<std::uint32_t> parent =
        parents_of(*finer, finer_raster, zones, raster, grid, zone_by_code, seats_outside);
    fin = reconcile(table, *finer_table, zones, finer->level.zones, std::move(parent), std::move(seats_outside),
                    finer_name);
  }

  PopulationLoad out;
  out.surface.grid = grid;
  out.surface.persons.assign(grid.cell_count(), 0.0);
  CompensatedSum outside;
  const SurfaceSet surfaces(settle ? &kernel_surface : nullptr, weights_cells);

  // 1. Finer zones given as seats (may send a main zone back to its own level).
  std::vector<std::string> seats_alone, seats_no_weight;
  if (fin && finer_seats)
    spread_seats(*finer, *fin, zones, raster, grid, study_area, *bandwidth, settle ? &*settle : nullptr,
                 weights_cells, out.surface.persons, outside, seats_alone, seats_no_weight);

  // 2. Main zones not spread by finer totals.
  std::vector<double> main_totals = table.total;
  if (fin)
    for (std::size_t z = 0; z < zones.size(); ++z)
      if (fin->by_finer[z]) main_totals[z] = 0;
  const std::vector<CellRun> runs = runs_of(raster, grid, zones.size());
  const Spread spread = spread_over_cells(Areas{main_totals, runs, level.polygons}, surfaces.list,
                                          surfaces.chooser(points_in_zone), grid, study_area, out.surface.persons);
  outside.add(spread.outside);
  const SpreadTally main_tally = tally(spread, surfaces, settle.has_value(), points_in_zone,
                                       [&](std::size_t z) { return zone_label(zones[z]); });

  // 3. Finer zones given as polygons.
  std::optional<SpreadTally> finer_tally;
  std::vector<std::string> finer_small;
  if (fin && finer_raster != nullptr) {
    const std::vector<Zone>& fz = finer->level.zones;
    std::vector<double> totals(fz.size(), 0.0);
    for (std::size_t t = 0; t < fz.size(); ++t)
      if (fin->parent[t] != ZoneRaster::kNone && fin->by_finer[fin->parent[t]]) totals[t] = fin->scaled[t];
    std::vector<std::size_t> points_in_finer(fz.size(), 0);
    if (settle)
      for (const Settlement& s : settle->points)
        if (const std::uint32_t t = zone_at(*finer_raster, grid, s.x, s.y); t != ZoneRaster::kNone) ++points_in_finer[t];
    const std::vector<CellRun> finer_runs = runs_of(*finer_raster, grid, fz.size());
    const Spread fs = spread_over_cells(Areas{totals, finer_runs, finer->polygons}, surfaces.list,
                                        surfaces.chooser(points_in_finer), grid, study_area, out.surface.persons);
    outside.add(fs.outside);
    finer_tally = tally(fs, surfaces, settle.has_value(), points_in_finer,
                        [&](std::size_t t) { return zone_label(fz[t]); });
    for (const std::size_t t : fs.without_cells) finer_small.push_back(fz[t].code);
  }

  out.input_total = table.input;
  out.outside_total = outside.value() + table.unknown_persons;
  if (settle) out.settlement_sample_m = settle->sample;

  // Warnings.
  std::vector<std::string> missing_zones, small_zones;
  for (std::size_t z = 0; z < zones.size(); ++z)
    if (!table.has_row[z]) missing_zones.push_back(zones[z].code);
  for (const std::size_t z : spread.without_cells) small_zones.push_back(zones[z].code);
  if (!missing_zones.empty())
    diag.warn("population.zone_without_total"_code,
              plural(missing_zones.size(), level_name + " zone has no row in the table and gets",
                     level_name + " zones have no row in the table and get") +
                  " no population: " + join_listed(missing_zones),
              table.where_codes, "add a row for each zone, or check the codes");
  if (!main_tally.weights_zero.empty())
    diag.warn("population.weights_zero"_code,
              plural(main_tally.weights_zero.size(), "zone has", "zones have") + " no weight in " + weights->name +
                  "; their persons were spread uniformly: " + join_listed(main_tally.weights_zero),
              at_file(*spec.weights), "check that the weight raster covers every zone");
  auto warn_small = [&](const std::vector<std::string>& codes, const std::string& name, const Location& where) {
    if (codes.empty()) return;
    diag.warn("population.zone_without_cells"_code,
              plural(codes.size(), name + " zone contains", name + " zones contain") +
                  " no cell centre; each one's persons were put in the cell containing a point inside it: " +
                  join_listed(codes),
              where, "a smaller cell size (analysis.cell_size_m) resolves small zones");
  };
  warn_small(small_zones, level_name, table.where_codes);
  if (finer_table) warn_small(finer_small, finer_name, finer_table->where_codes);
  if (settle) {
    const SettlementSpec& ss = *spec.settlements;
    const std::string settle_key = ss.source.key.empty() ? "population.settlements" : ss.source.key;
    // Rows without coordinates: with code_field, only those of the study area's zones matter.
    std::vector<std::string> no_xy;
    for (const auto& [label, code] : settle->without_coordinates)
      if (ss.code_field.empty() || zone_of_code(code, zone_by_code) != ZoneRaster::kNone) no_xy.push_back(label);
    if (!no_xy.empty())
      diag.warn("population.settlement_no_coordinates"_code,
                plural(no_xy.size(), "settlement has", "settlements have") + " no coordinates and " +
                    (no_xy.size() == 1 ? "was" : "were") + " left out of the settlement surface: " + join_listed(no_xy),
                settle->where, "add their coordinates (or leave the rows out) so that their people are placed near them");
    auto warn_without = [&](const SpreadTally& t, const std::string& name, const Location& where) {
      if (!t.without_points_weights.empty())
        diag.warn("population.zone_without_settlements"_code,
                  plural(t.without_points_weights.size(), name + " zone holds", name + " zones hold") +
                      " no settlement point; " + (t.without_points_weights.size() == 1 ? "its" : "their") +
                      " persons were spread by " + weights->name + " alone: " + join_listed(t.without_points_weights),
                  where, "add the settlements of those zones to " + settle->file + " (" + settle_key + ")");
      if (!t.without_points_uniform.empty())
        diag.warn("population.zone_without_settlements"_code,
                  plural(t.without_points_uniform.size(), name + " zone holds", name + " zones hold") +
                      " no settlement point; " + (t.without_points_uniform.size() == 1 ? "its" : "their") +
                      " persons were spread uniformly: " + join_listed(t.without_points_uniform),
                  where, "add the settlements of those zones to " + settle->file + " (" + settle_key + ")");
      if (!t.kernel_no_weight.empty())
        diag.warn("population.weights_zero"_code,
                  plural(t.kernel_no_weight.size(), name + " zone has", name + " zones have") + " no weight in " +
                      weights->name + " near " + (t.kernel_no_weight.size() == 1 ? "its" : "their") +
                      " settlements; spread by the settlement surface alone: " + join_listed(t.kernel_no_weight),
                  at_file(*spec.weights), "check that the weight raster covers the settlements");
    };
    warn_without(main_tally, level_name, table.where_codes);
    if (finer_tally) warn_without(*finer_tally, finer_name, finer_table->where_codes);
    if (!seats_alone.empty())
      diag.warn("population.zone_without_settlements"_code,
                plural(seats_alone.size(), finer_name + " seat has", finer_name + " seats have") +
                    " no settlement point nearer to it than to another seat of its " + level_name + "; " +
                    (seats_alone.size() == 1 ? "its" : "their") + " persons were spread around the seat alone: " +
                    join_listed(seats_alone),
                finer_table->where_codes, "add the settlements of those zones to " + settle->file);
    if (!outside_zone.empty())
      diag.warn("population.settlement_outside_zone"_code,
                plural(outside_zone.size(), "settlement point lies", "settlement points lie") + " outside " +
                    (ss.code_field.empty() ? "every " + level_name + " zone" : "the " + level_name + " its code names") +
                    ": " + join_listed(outside_zone) +
                    "; each still weights the cells within " + format_number(kKernelCutoff * *bandwidth, 0) +
                    " m of it",
                settle->where,
                ss.code_field.empty()
                    ? "expected when the file covers more than the study area; otherwise check the points' coordinate "
                      "system"
                    : "check the points' coordinates, their coordinate system (crs = \"gcj02\" for Amap) and codes");
    if (!unknown_zone.empty())
      diag.warn("population.settlement_outside_zone"_code,
                plural(unknown_zone.size(), "settlement point has a code", "settlement points have codes") +
                    " that name no " + level_name + " zone, but " + (unknown_zone.size() == 1 ? "lies" : "lie") +
                    " in one: " + join_listed(unknown_zone),
                settle->where, "check " + settle_key + ".code_field and the points' codes and coordinates");
  }
  if (fin) {
    const Location& where = finer_table->where_counts;
    if (!fin->seats_outside.empty())
      diag.warn("population.finer_seat_outside_parent"_code,
                plural(fin->seats_outside.size(), finer_name + " seat lies", finer_name + " seats lie") +
                    " outside the " + level_name + " its parent code names: " + join_listed(fin->seats_outside) +
                    "; " + (fin->seats_outside.size() == 1 ? "its" : "their") + " totals are spread within that " +
                    level_name,
                where, "check the seats' coordinates, their coordinate system (crs = \"gcj02\" for Amap) and parent codes");
    if (!fin->without_parent.empty())
      diag.warn("population.finer_zone_without_parent"_code,
                plural(fin->without_parent.size(), finer_name + " zone with a total lies", finer_name +
                                                                                            " zones with a total lie") +
                    " in no " + level_name + " zone, so " + (fin->without_parent.size() == 1 ? "its" : "their") + " " +
                    format_persons(fin->without_parent_persons) + " persons are not used: " +
                    join_listed(fin->without_parent),
                where, "give the " + finer_name + " level a parent_field naming its " + level_name +
                           " codes, or check its coordinates");
    if (!fin->unused.empty())
      diag.warn("population.finer_totals_unused"_code,
                "the " + finer_name + " totals of " + plural(fin->unused.size(), level_name + " zone", level_name + " zones") +
                    " were not used; each of those is spread at the " + level_name + " level: " +
                    join_listed(fin->unused),
                where, "give a total for every " + finer_name + " zone of those " + level_name + " zones");
    if (!fin->differ.empty())
      diag.warn("population.finer_totals_differ"_code,
                "the " + finer_name + " totals of " +
                    plural(fin->differ.size(), level_name + " zone do", level_name + " zones do") +
                    " not add up to its total in the main table; they were scaled to it: " + join_listed(fin->differ),
                where, "expected when the two tables come from different years or sources; otherwise check both");
    if (!seats_no_weight.empty())
      diag.warn("population.weights_zero"_code,
                plural(seats_no_weight.size(), finer_name + " zone has", finer_name + " zones have") + " no weight in " +
                    weights->name + " near " + (seats_no_weight.size() == 1 ? "its" : "their") +
                    " settlements; spread by the kernel alone: " + join_listed(seats_no_weight),
                at_file(*spec.weights), "check that the weight raster covers the settlements");
  }
  warn_outside(outside.value(), out.input_total, "persons in the table", table.where_counts, diag);

  // The method, in English and in Chinese.
  const std::string cells_en = cells_phrase(grid);
  const std::string cells_zh = " " + format_number(grid.cell_size_m, 1) + " 米格网";
  const std::string level_zh = level.level.label_zh.empty() ? level_name : level.level.label_zh;
  std::string en = source_label(spec) + " " + level_name + " totals spread over each " + level_name + "'s " + cells_en;
  std::string zh = source_label_zh(spec) + level_zh + "人口总数";
  const std::string weights_en = weights ? weights->name + " (resampled onto the grid with the total preserved)" : "";
  std::size_t used_points = 0;  // points whose kernel reaches the grid
  if (settle) {
    const double r = kKernelCutoff * *bandwidth;
    for (const Settlement& s : settle->points)
      if (s.x >= grid.origin_x_m - r && s.x <= grid.max_x_m() + r && s.y >= grid.min_y_m() - r &&
          s.y <= grid.origin_y_m + r)
        ++used_points;
  }
  if (settle) {
    const SettlementSpec& ss = *spec.settlements;
    const std::string label_en = ss.label.empty() ? "settlements" : ss.label;
    const std::string label_zh = ss.label.empty() ? "居民点" : ss.label;
    const std::string bw = grouped(*bandwidth) + " m";
    en += " in proportion to the settlement surface: a Gaussian kernel (bandwidth " + bw +
          (bandwidth_derived ? ", from the points' spacing" : "") + ", cut off at " +
          format_number(kKernelCutoff, 0) + " bandwidths) around each of " + grouped(static_cast<double>(used_points)) +
          " points of " + settle->file + " (" + label_en + ", " +
          (ss.weight_field.empty() ? "equal weights" : "weighted by " + ss.weight_field) + ")";
    if (weights) en += ", multiplied by " + weights_en;
    zh += "按" + zh_term(label_zh) + "位置加权分配到" + cells_zh + "（高斯核，带宽 " + bw +
          (bandwidth_derived ? "，由点间距推算" : "") + "；" + grouped(static_cast<double>(used_points)) + " 个点，" +
          (ss.weight_field.empty() ? "等权" : "按" + zh_term(ss.weight_field) + "加权") + "）";
    if (weights) zh += "，并乘以 " + weights->name + " 权重";
    const std::size_t without = main_tally.without_points_weights.size() + main_tally.without_points_uniform.size();
    if (without > 0) {
      en += "; " + plural(without, level_name + " zone without a settlement point", level_name + " zones without a settlement point") +
            " spread " + (main_tally.without_points_uniform.empty() ? "by " + weights->name : "uniformly");
      zh += "；" + std::to_string(without) + " 个" + level_zh + "无" + zh_term(label_zh) + "，" +
            (main_tally.without_points_uniform.empty() ? "按 " + weights->name + " 权重分配" : "均匀分配");
    }
  } else if (weights) {
    en += " in proportion to " + weights_en;
    zh += "按 " + weights->name + " 权重分配到" + cells_zh;
  } else {
    en = source_label(spec) + " " + level_name + " totals spread uniformly over each " + level_name + "'s " + cells_en;
    zh += "均匀分配到" + cells_zh;
  }
  if (fin) {
    const std::size_t by_finer =
        static_cast<std::size_t>(std::count(fin->by_finer.begin(), fin->by_finer.end(), true));
    std::size_t finer_used = 0;
    for (std::size_t t = 0; t < fin->parent.size(); ++t)
      if (fin->parent[t] != ZoneRaster::kNone && fin->by_finer[fin->parent[t]]) ++finer_used;
    const std::string finer_zh = finer->level.label_zh.empty() ? finer_name : finer->level.label_zh;
    const std::string file = spec.finer->source.path.filename().string();
    if (by_finer > 0) {
      en += "; in " + grouped(static_cast<double>(by_finer)) + " of " + grouped(static_cast<double>(zones.size())) +
            " " + level_name + " zones, by the totals of their " + grouped(static_cast<double>(finer_used)) + " " +
            finer_name + " zones in " + file + " (scaled to the " + level_name + " totals), ";
      zh += "；其中 " + grouped(static_cast<double>(by_finer)) + " 个" + level_zh + "按所辖 " +
            grouped(static_cast<double>(finer_used)) + " 个" + finer_zh + "的人口总数（" + file + "，按" + level_zh +
            "总数校准）";
      if (finer_seats) {
        en += "each spread around its seat" + std::string(settle ? "'s nearest settlements" : "") +
              " by a Gaussian kernel (bandwidth " + grouped(*bandwidth) + " m" +
              (bandwidth_derived && !settle ? ", from the seats' spacing" : "") + ") within its " + level_name;
        zh += "围绕" + finer_zh + "驻地" + (settle ? "及其最近的" + (spec.settlements->label.empty() ? std::string("居民点")
                                                                                                        : spec.settlements->label)
                                                    : std::string()) +
              "分配（高斯核，带宽 " + grouped(*bandwidth) + " m" +
              (bandwidth_derived && !settle ? "，由驻地间距推算" : "") + "），限于所在" + level_zh;
      } else {
        en += "each spread within its " + finer_name + " in the same way";
        zh += "在各" + finer_zh + "内按同样方法分配";
      }
    } else {
      en += "; the " + finer_name + " totals of " + file + " were not used (see the warnings)";
      zh += "；" + file + " 的" + finer_zh + "人口总数未使用（见警告）";
    }
  }
  out.method = en;
  out.method_zh = zh;
  return out;
}

/// The polygon of a feature in the analysis CRS, valid (repaired when it was not: `repaired` is set), or
/// nullopt after an error naming the feature.
std::optional<geo::Geometry> read_polygon(const VectorSource& src, const OGRFeature& f,
                                          OGRCoordinateTransformation& to_grid, bool& repaired, Diagnostics& diag) {
  const OGRGeometry* g = f.GetGeometryRef();
  if (g == nullptr || g->IsEmpty()) {
    diag.error(ExitCode::kInput, "population.no_geometry"_code, "the feature has no polygon", src.where(f),
               "give the feature its polygon, or remove it");
    return std::nullopt;
  }
  std::unique_ptr<OGRGeometry> poly;
  const OGRwkbGeometryType type = wkbFlatten(g->getGeometryType());
  if (type == wkbPolygon || type == wkbMultiPolygon) poly.reset(g->clone());
  else if (type == wkbCurvePolygon || type == wkbMultiSurface) poly.reset(g->getLinearGeometry());  // arcs as segments
  if (poly == nullptr) {
    diag.error(ExitCode::kInput, "population.not_polygon"_code,
               std::string("the feature is a ") + OGRGeometryTypeToName(type) + ", not a polygon", src.where(f),
               "give one polygon (or multipolygon) per area");
    return std::nullopt;
  }
  if (const geo::CoordinateCheck* check = src.coordinate_check()) {
    if (auto problem = geometry_problem(*poly, *check)) {
      report_coordinate(*problem, geometry_where(src, f), Severity::kError, diag, "the polygon's ");
      return std::nullopt;
    }
  }
  if (poly->transform(&to_grid) != OGRERR_NONE) {
    diag.error(ExitCode::kInput, "coordinate.not_convertible"_code,
               "the polygon cannot be converted to the analysis coordinate system", src.where(f),
               "check the coordinates and the source's coordinate system");
    return std::nullopt;
  }
  geo::Geometry geom;
  try {
    geom = to_geos(*poly);
    if (!geom.is_valid()) {
      geom = geom.make_valid_polygonal();
      repaired = true;
    }
  } catch (const std::exception& e) {
    diag.error(ExitCode::kInput, "population.bad_geometry"_code, std::string("the polygon cannot be read: ") + e.what(),
               src.where(f), "fix the polygon in a GIS, or remove the feature");
    return std::nullopt;
  }
  if (geom.is_empty() || !(geom.area() > 0)) {
    diag.error(ExitCode::kInput, "population.empty_polygon"_code, "the polygon has no area", src.where(f),
               "fix the polygon in a GIS, or remove the feature");
    return std::nullopt;
  }
  return geom;
}

PopulationLoad load_polygons(const PopulationSpec& spec, const Grid& grid, const geo::CrsSpec& analysis_crs,
                             const ZoneRaster& study_area, Diagnostics& diag) {
  VectorSource src(spec.source, diag);
  if (src.is_table())
    throw InputError("is a table, which holds no polygons", src.where_file(),
                     "give a polygon layer (GeoPackage, Shapefile, GeoJSON …) with a persons count per polygon, or use "
                     "kind = \"points\" (with x_field and y_field) or kind = \"zone_totals\" for a table");
  if (const OGRwkbGeometryType gtype = wkbFlatten(src.layer().GetGeomType());
      gtype != wkbUnknown && gtype != wkbPolygon && gtype != wkbMultiPolygon && gtype != wkbCurvePolygon &&
      gtype != wkbMultiSurface && gtype != wkbGeometryCollection)
    throw InputError(std::string("holds ") + (gtype == wkbNone ? "no geometries" : OGRGeometryTypeToName(gtype)) +
                         ", not polygons",
                     src.where_file(), "give a polygon layer, or use kind = \"points\" for one point per settlement");
  const int count_idx = src.field_index(spec.count_field, "population.count_field");
  OgrTransformAdapter to_grid(src.crs(), analysis_crs);
  src.check_coordinates_reach(analysis_and_output_targets(analysis_crs, nullptr));

  // The polygons with their counts. Polygons whose extent misses the grid are outside as a whole.
  const double gx0 = grid.origin_x_m, gx1 = grid.max_x_m(), gy0 = grid.min_y_m(), gy1 = grid.origin_y_m;
  std::vector<double> totals;
  std::vector<geo::Geometry> shapes;
  std::vector<std::string> labels;
  std::vector<std::string> repaired;
  LatticeWindow window = LatticeWindow::of(grid);
  CompensatedSum input, off_grid;
  std::size_t rows = 0, polygons = 0, off_grid_polygons = 0;
  OGRLayer& layer = src.layer();
  layer.ResetReading();
  for (const auto& f : layer) {
    ++rows;
    const std::optional<double> count = read_count(src, *f, count_idx, spec.count_field, diag);
    bool was_repaired = false;
    std::optional<geo::Geometry> geom = read_polygon(src, *f, to_grid, was_repaired, diag);
    if (was_repaired) repaired.push_back(src.feature_label(*f));
    if (!count || !geom) continue;
    ++polygons;
    input.add(*count);
    if (!(*count > 0)) continue;
    const geo::Envelope env = geom->envelope();
    if (env.max_x < gx0 || env.min_x > gx1 || env.max_y < gy0 || env.min_y > gy1) {
      ++off_grid_polygons;
      off_grid.add(*count);
      continue;
    }
    if (env.min_x < gx0 || env.max_x > gx1 || env.min_y < gy0 || env.max_y > gy1) window = window.widened(grid, env);
    totals.push_back(*count);
    shapes.push_back(std::move(*geom));
    labels.push_back(src.feature_label(*f));
  }
  if (rows == 0)
    throw InputError("has no features", src.where_file(), "give a polygon layer with one feature per area");

  // Their cells (over the grid, widened to the polygons that reach beyond it), and the counts spread over them.
  std::vector<CellRun> runs;
  rasterize_polygons(shapes, grid, window, [&](const CellRun& run) { runs.push_back(run); });
  const std::optional<Weights> weights = load_weights(spec, grid, analysis_crs, diag);

  PopulationLoad out;
  out.surface.grid = grid;
  out.surface.persons.assign(grid.cell_count(), 0.0);
  std::vector<Surface> surfaces;
  if (weights) surfaces.push_back(Surface{&weights->per_cell, nullptr});
  const Spread spread = spread_over_cells(Areas{totals, runs, shapes}, surfaces,
                                          [](std::size_t, std::span<const double>) { return 0; }, grid, study_area,
                                          out.surface.persons);
  std::vector<std::size_t> zero_weight;
  if (weights)
    for (std::size_t a = 0; a < spread.choice.size(); ++a)
      if (spread.choice[a] == kUniform) zero_weight.push_back(a);
  out.input_total = input.value();
  out.outside_total = spread.outside + off_grid.value();

  auto listed = [&](const std::vector<std::size_t>& indices) {
    std::vector<std::string> names;
    for (const std::size_t i : indices) names.push_back(labels[i]);
    return join_listed(names);
  };
  if (!repaired.empty())
    diag.warn("population.polygons_repaired"_code,
              plural(repaired.size(), "invalid polygon was", "invalid polygons were") +
                  " repaired (self-intersections, bad rings) before spreading: " + join_listed(repaired),
              src.where_file(), "check those polygons in a GIS if their counts matter");
  if (!spread.without_cells.empty())
    diag.warn("population.polygon_without_cells"_code,
              plural(spread.without_cells.size(), "polygon contains", "polygons contain") +
                  " no cell centre; each one's persons were put in the cell containing a point inside it: " +
                  listed(spread.without_cells),
              src.where_file(spec.count_field),
              "expected for polygons smaller than a cell; a smaller cell size (analysis.cell_size_m) resolves them");
  if (!zero_weight.empty())
    diag.warn("population.weights_zero"_code,
              plural(zero_weight.size(), "polygon has", "polygons have") + " no weight in " + weights->name +
                  "; their persons were spread uniformly: " + listed(zero_weight),
              at_file(*spec.weights), "check that the weight raster covers every polygon");
  if (const std::size_t overlap = overlapping_cells(runs, grid); overlap > 0)
    diag.warn("population.polygons_overlap"_code,
              plural(overlap, "cell has its", "cells have their") +
                  " centre in more than one polygon; each polygon's count was spread over its own cells, so such a "
                  "cell holds the sum of their shares",
              src.where_file(), "expected only where the polygons overlap on purpose; otherwise check for duplicates");
  if (out.outside_total > 0) {
    const std::size_t reaching = spread.areas_reaching_outside + off_grid_polygons;
    diag.warn("population.outside_study_area"_code,
              plural(reaching, "polygon lies", "polygons lie") + " wholly or partly outside the study area: " +
                  format_persons(out.outside_total) + " persons (" +
                  format_share(out.outside_total, out.input_total) + " of the " + format_persons(out.input_total) +
                  " persons in the polygons) are not part of the population surface",
              src.where_file(spec.count_field),
              "expected when the polygons cover more than the study area; otherwise check their coordinate system "
              "and the study-area zone level");
  }

  std::string how = ", each spread ";
  if (weights)
    how += "over the " + cells_phrase(grid) + " whose centres it contains, in proportion to " + weights->name +
           " (resampled onto the grid with the total preserved)";
  else
    how += "uniformly over the " + cells_phrase(grid) + " whose centres it contains";
  out.method = source_label(spec) + ": " + plural(polygons, "polygon", "polygons") + " with a persons count" + how;
  out.method_zh = source_label_zh(spec) + "：" + grouped(static_cast<double>(polygons)) + " 个人口面，各" +
                  (weights ? "按 " + weights->name + " 权重" : std::string("均匀")) + "分配到其所含中心的 " +
                  format_number(grid.cell_size_m, 1) + " 米格网";
  return out;
}

}  // namespace

std::string normalise_zone_code(const std::string& code) {
  std::string s = code;
  auto not_space = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  if (s.empty()) return s;
  // "341602.0", "341602.000": an integer written as a real.
  if (const std::size_t dot = s.find('.'); dot != std::string::npos && dot > 0) {
    const bool digits_before = std::all_of(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(dot),
                                           [](unsigned char c) { return std::isdigit(c) != 0; });
    const bool zeros_after = std::all_of(s.begin() + static_cast<std::ptrdiff_t>(dot) + 1, s.end(),
                                         [](char c) { return c == '0'; });
    if (digits_before && zeros_after) return s.substr(0, dot);
  }
  // "3.41602E+05": scientific notation of an integer (as spreadsheets write long codes).
  if (s.find_first_of("eE") != std::string::npos) {
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    if (end != s.c_str() && *end == '\0' && std::isfinite(v) && v >= 0 && v < 1e15 && v == std::floor(v))
      return format_number(v, 0);
  }
  return s;
}

PopulationLoad load_population(const PopulationSpec& spec, const Grid& grid, const geo::CrsSpec& analysis_crs,
                               const std::vector<LoadedZoneLevel>& levels, const std::vector<ZoneRaster>& rasters,
                               const ZoneRaster& study_area, Diagnostics& diag) {
  check_inputs(grid, levels, rasters, study_area);
  PopulationLoad out;
  switch (spec.kind) {
    case PopulationKind::kRaster:
      out = load_raster(spec, grid, analysis_crs, study_area, diag);
      break;
    case PopulationKind::kPoints:
      out = load_points(spec, grid, analysis_crs, study_area, diag);
      break;
    case PopulationKind::kZoneTotals:
      out = load_zone_totals(spec, grid, analysis_crs, levels, rasters, study_area, diag);
      break;
    case PopulationKind::kPolygons:
      out = load_polygons(spec, grid, analysis_crs, study_area, diag);
      break;
  }
  if (!(out.surface.total() > 0) && !diag.has_errors())
    diag.error(ExitCode::kInput, "population.empty"_code,
               "no person of the population source lies in the study area (" + format_persons(out.input_total) +
                   " persons read, " + format_persons(out.outside_total) + " outside)",
               at_file(spec.source),
               "check the source's coordinate system, that it covers the study area, and its no-data value");
  return out;
}

}  // namespace carereach::io
