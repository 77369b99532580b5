#include "io/population.hpp"

#include <cpl_conv.h>
#include <gdal_priv.h>
#include <ogr_geometry.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <filesystem>
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

std::string format_persons(double v) { return format_number(v, std::abs(v) >= 100.0 ? 0 : 1); }

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
              plural(r.unplaced_pixels, "pixel", "pixels") + " (" + format_persons(r.unplaced_total) + " " + what +
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

struct Spread {
  double outside = 0;                       ///< persons on cells outside the study area or off the grid
  std::size_t areas_reaching_outside = 0;   ///< areas that put persons there
  std::vector<std::size_t> without_cells;   ///< areas with persons and no cell centre (put at their point on surface)
  std::vector<std::size_t> zero_weight;     ///< areas with persons whose cells have no weight (spread uniformly)
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
/// its cells uniformly, or in proportion to the weights; the share of its cells off the grid and of its cells
/// outside the study area goes to Spread::outside; an area without cells puts its count in the cell holding its
/// point on surface. Each area is spread on its own, so overlapping areas both count in the cells they share.
Spread spread_over_cells(const Areas& areas, const Weights* weights, const Grid& grid, const ZoneRaster& study_area,
                         std::vector<double>& persons) {
  const std::size_t n = areas.totals.size();
  std::vector<std::int64_t> cells_on(n, 0), cells_off(n, 0);
  std::vector<double> weight_sum(weights != nullptr ? n : 0, 0.0);
  for (const CellRun& run : areas.runs) {
    const auto [b, e] = on_grid(run, grid);
    cells_on[run.polygon] += e - b;
    cells_off[run.polygon] += (run.col_end - run.col_begin) - (e - b);
    if (weights == nullptr || b == e) continue;
    const std::size_t row_start = grid.index(0, static_cast<std::uint32_t>(run.row));
    for (std::uint32_t c = b; c < e; ++c) weight_sum[run.polygon] += weights->per_cell[row_start + c];
  }

  Spread out;
  CompensatedSum outside;
  std::vector<double> factor(n, 0.0);  // persons per cell, or per unit of weight
  std::vector<bool> by_weight(n, false), reaches_outside(n, false);
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
    if (weights != nullptr && weight_sum[a] > 0) {
      by_weight[a] = true;
      factor[a] = on_total / weight_sum[a];
    } else {
      if (weights != nullptr) out.zero_weight.push_back(a);
      factor[a] = on_total / static_cast<double>(cells_on[a]);
    }
  }
  for (const CellRun& run : areas.runs) {
    const double f = factor[run.polygon];
    if (f == 0) continue;
    const auto [b, e] = on_grid(run, grid);
    if (b == e) continue;
    const std::size_t row_start = grid.index(0, static_cast<std::uint32_t>(run.row));
    for (std::uint32_t c = b; c < e; ++c) {
      const std::size_t i = row_start + c;
      const double share = by_weight[run.polygon] ? weights->per_cell[i] * f : f;
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
                  format_share(out.outside_total, out.input_total) +
                  " of the points' total) lie outside the study area and are not part of the population surface",
              src.where_file(spec.count_field),
              "expected when the points cover more than the study area; otherwise check their coordinate system");
  out.method = source_label(spec) + ": " + plural(points, "point", "points") +
               " with a persons count, each counted in the " + format_number(grid.cell_size_m, 1) +
               " m cell that contains it";
  return out;
}

PopulationLoad load_zone_totals(const PopulationSpec& spec, const Grid& grid, const geo::CrsSpec& analysis_crs,
                                const std::vector<LoadedZoneLevel>& levels, const std::vector<ZoneRaster>& rasters,
                                const ZoneRaster& study_area, Diagnostics& diag) {
  std::size_t li = levels.size();
  std::vector<std::string> names;
  for (std::size_t i = 0; i < levels.size(); ++i) {
    names.push_back(levels[i].level.level);
    if (levels[i].level.level == spec.level) li = i;
  }
  if (li == levels.size())
    throw ScenarioError("population.level names the zone level '" + spec.level + "', which the scenario does not define",
                        at_key("population.level", spec.source.line),
                        names.empty() ? "define the zone level under [[zones]]"
                                      : "use one of the zone levels: " + join_listed(names));
  const LoadedZoneLevel& level = levels[li];
  const ZoneRaster& raster = rasters[li];
  if (level.kind == ZoneGeometryKind::kSeats || raster.zone_of_cell.empty())
    throw ScenarioError("population.level names the zone level '" + spec.level +
                            "', which has seats (points), not boundaries: its totals cannot be spread over its area",
                        at_key("population.level", spec.source.line),
                        "give the totals of a zone level with boundary polygons, or give a population raster");
  const std::vector<Zone>& zones = level.level.zones;

  // Zone codes as compared with the table.
  std::unordered_map<std::string, std::uint32_t> zone_by_code;
  for (std::size_t z = 0; z < zones.size(); ++z)
    zone_by_code.emplace(normalise_zone_code(zones[z].code), static_cast<std::uint32_t>(z));

  // The table.
  VectorSource src(spec.source, diag);
  const int code_idx = src.field_index(spec.code_field, "population.code_field");
  const int count_idx = src.field_index(spec.count_field, "population.count_field");
  std::vector<double> total(zones.size(), 0.0);
  std::vector<bool> has_row(zones.size(), false);
  std::unordered_map<std::string, std::string> first_row_of_code;
  std::vector<std::string> unknown_codes;
  CompensatedSum input, unknown_persons;
  std::size_t rows = 0;
  OGRLayer& layer = src.layer();
  layer.ResetReading();
  for (const auto& f : layer) {
    ++rows;
    const std::string code = normalise_zone_code(VectorSource::text(*f, code_idx));
    const std::optional<double> count = read_count(src, *f, count_idx, spec.count_field, diag);
    if (code.empty()) {
      diag.error(ExitCode::kInput, "population.code_empty"_code, "the zone code is empty", src.where(*f, spec.code_field),
                 "fill in the zone code or remove the row");
      continue;
    }
    if (const auto [it, fresh] = first_row_of_code.emplace(code, src.feature_label(*f)); !fresh) {
      diag.error(ExitCode::kInput, "population.duplicate_code"_code,
                 "zone code " + code + " appears again (first in " + it->second + ")", src.where(*f, spec.code_field),
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
    total[zone->second] = *count;
    has_row[zone->second] = true;
  }
  if (rows == 0) throw InputError("has no rows", src.where_file(), "give one row per zone with its persons count");

  const std::optional<Weights> weights = load_weights(spec, grid, analysis_crs, diag);
  const std::vector<CellRun> runs = runs_of(raster, grid, zones.size());
  const Areas areas{total, runs, level.polygons};

  PopulationLoad out;
  out.surface.grid = grid;
  out.surface.persons.assign(grid.cell_count(), 0.0);
  const Spread spread =
      spread_over_cells(areas, weights ? &*weights : nullptr, grid, study_area, out.surface.persons);
  std::vector<std::string> zero_weight_zones, small_zones, missing_zones;
  for (std::size_t z = 0; z < zones.size(); ++z)
    if (!has_row[z]) missing_zones.push_back(zones[z].code);
  for (const std::size_t z : spread.zero_weight) zero_weight_zones.push_back(zones[z].code);
  for (const std::size_t z : spread.without_cells) small_zones.push_back(zones[z].code);

  out.input_total = input.value();
  out.outside_total = spread.outside + unknown_persons.value();
  const std::string level_name = spec.level;
  if (!unknown_codes.empty())
    diag.warn("population.unknown_code"_code,
              plural(unknown_codes.size(), "row has a zone code", "rows have zone codes") + " that match no " +
                  level_name + " zone: " + join_listed(unknown_codes) + "; their " +
                  format_persons(unknown_persons.value()) + " persons are not placed",
              src.where_file(spec.code_field),
              "check that the table and the zone layer use the same codes (and the same year's boundaries)");
  if (!missing_zones.empty())
    diag.warn("population.zone_without_total"_code,
              plural(missing_zones.size(), level_name + " zone has", level_name + " zones have") +
                  " no row in the table and get no population: " + join_listed(missing_zones),
              src.where_file(spec.code_field), "add a row for each zone, or check the codes");
  if (!zero_weight_zones.empty())
    diag.warn("population.weights_zero"_code,
              plural(zero_weight_zones.size(), "zone has", "zones have") + " no weight in " + weights->name +
                  "; their persons were spread uniformly: " + join_listed(zero_weight_zones),
              at_file(*spec.weights), "check that the weight raster covers every zone");
  if (!small_zones.empty())
    diag.warn("population.zone_without_cells"_code,
              plural(small_zones.size(), level_name + " zone contains", level_name + " zones contain") +
                  " no cell centre; each one's persons were put in the cell containing a point inside it: " +
                  join_listed(small_zones),
              src.where_file(spec.code_field), "a smaller cell size (analysis.cell_size_m) resolves small zones");
  warn_outside(spread.outside, out.input_total, "persons in the table", src.where_file(spec.count_field), diag);

  std::string how = " totals spread ";
  if (weights)
    how += "over each " + level_name + "'s " + cells_phrase(grid) + " in proportion to " + weights->name +
           " (resampled onto the grid with the total preserved)";
  else
    how += "uniformly over each " + level_name + "'s " + cells_phrase(grid);
  out.method = source_label(spec) + " " + level_name + how;
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
  const Spread spread = spread_over_cells(Areas{totals, runs, shapes}, weights ? &*weights : nullptr, grid, study_area,
                                          out.surface.persons);
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
  if (!spread.zero_weight.empty())
    diag.warn("population.weights_zero"_code,
              plural(spread.zero_weight.size(), "polygon has", "polygons have") + " no weight in " + weights->name +
                  "; their persons were spread uniformly: " + listed(spread.zero_weight),
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
