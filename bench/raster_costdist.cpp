// carereach-raster-costdist: the raster engine's cost-distance on GeoTIFF inputs, for timing it and for comparing
// it cell by cell with GRASS r.cost (scripts/crosscheck_grass_rcost.sh drives it). Three subcommands:
//   make-friction  a seeded synthetic friction surface (seconds per metre, Float32) and a start raster (Int32
//                  facility numbers), EPSG:32650, in the shape of a prefecture: land-cover patches, lakes, rivers
//                  as barrier lines, a road network burned in over them (bridges);
//   run            reads a friction GeoTIFF and a start raster, runs the engine --runs times and prints the median
//                  time of the engine call (files excluded) and of the whole command; writes minutes and nearest;
//   compare        compares two travel-time rasters (minutes) and two nearest rasters cell by cell.
// docs/method/raster-travel-time.md ("Cross-check with GRASS") has the commands and figures.

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include <cpl_string.h>
#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <CLI/CLI.hpp>

#include "core/grid.hpp"
#include "raster/cost_distance.hpp"
#include "raster/friction.hpp"
#include "raster/rasterise.hpp"

namespace fs = std::filesystem;
using namespace carereach;
using namespace carereach::raster;

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

double median(std::vector<double> v) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

double peak_rss_mb() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_maxrss) / 1024.0;
}

/// SplitMix64: the same numbers on every platform and standard library.
class Random {
 public:
  explicit Random(std::uint64_t seed) : state_(seed * 0x9E3779B97F4A7C15ULL + 0x632BE59BD9B4E019ULL) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30U)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27U)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31U);
  }
  double uniform() { return static_cast<double>(next() >> 11U) * (1.0 / 9007199254740992.0); }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }

 private:
  std::uint64_t state_;
};

// ------------------------------------------------------------------------------------------------ GeoTIFF I/O

struct Raster {
  Grid grid;
  std::string wkt;
};

Raster read_grid(GDALDataset& ds, const std::string& path) {
  double gt[6];
  if (ds.GetGeoTransform(gt) != CE_None || gt[2] != 0.0 || gt[4] != 0.0 || std::fabs(gt[1] + gt[5]) > 1e-9 * gt[1]) {
    throw std::runtime_error(path + ": needs a north-up geotransform with square pixels");
  }
  Raster r;
  r.grid.origin_x_m = gt[0];
  r.grid.origin_y_m = gt[3];
  r.grid.cell_size_m = gt[1];
  r.grid.cols = static_cast<std::uint32_t>(ds.GetRasterXSize());
  r.grid.rows = static_cast<std::uint32_t>(ds.GetRasterYSize());
  if (const char* wkt = ds.GetProjectionRef()) r.wkt = wkt;
  return r;
}

std::unique_ptr<GDALDataset> open_raster(const std::string& path) {
  std::unique_ptr<GDALDataset> ds(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
  if (!ds) throw std::runtime_error(path + ": cannot open");
  return ds;
}

template <class T>
std::vector<T> read_band(GDALDataset& ds, GDALDataType type, const std::string& path, double* nodata,
                         bool* has_nodata) {
  GDALRasterBand* band = ds.GetRasterBand(1);
  std::vector<T> v(static_cast<std::size_t>(ds.GetRasterXSize()) * static_cast<std::size_t>(ds.GetRasterYSize()));
  if (band->RasterIO(GF_Read, 0, 0, ds.GetRasterXSize(), ds.GetRasterYSize(), v.data(), ds.GetRasterXSize(),
                     ds.GetRasterYSize(), type, 0, 0) != CE_None) {
    throw std::runtime_error(path + ": cannot read band 1");
  }
  int ok = 0;
  *nodata = band->GetNoDataValue(&ok);
  *has_nodata = ok != 0;
  return v;
}

template <class T>
void write_raster(const std::string& path, const Raster& like, const std::vector<T>& data, GDALDataType type,
                  double nodata) {
  GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GTiff");
  CPLStringList opts;
  opts.AddNameValue("TILED", "YES");
  opts.AddNameValue("COMPRESS", "DEFLATE");
  std::unique_ptr<GDALDataset> ds(drv->Create(path.c_str(), static_cast<int>(like.grid.cols),
                                              static_cast<int>(like.grid.rows), 1, type, opts.List()));
  if (!ds) throw std::runtime_error(path + ": cannot create");
  double gt[6] = {like.grid.origin_x_m, like.grid.cell_size_m, 0.0, like.grid.origin_y_m, 0.0, -like.grid.cell_size_m};
  ds->SetGeoTransform(gt);
  if (!like.wkt.empty()) ds->SetProjection(like.wkt.c_str());
  GDALRasterBand* band = ds->GetRasterBand(1);
  band->SetNoDataValue(nodata);
  if (band->RasterIO(GF_Write, 0, 0, static_cast<int>(like.grid.cols), static_cast<int>(like.grid.rows),
                     const_cast<T*>(data.data()), static_cast<int>(like.grid.cols), static_cast<int>(like.grid.rows),
                     type, 0, 0) != CE_None) {
    throw std::runtime_error(path + ": cannot write");
  }
}

// ------------------------------------------------------------------------------------------------ make-friction

struct MakeOptions {
  std::uint32_t cols = 2000;
  std::uint32_t rows = 2000;
  double cell_size_m = 100.0;
  std::uint64_t seed = 1;
  std::uint32_t sources = 188;
  std::string out;
};

/// Smooth noise in [0, 1): random values on a lattice every `spacing` cells, interpolated bilinearly.
std::vector<float> value_noise(std::uint32_t cols, std::uint32_t rows, std::uint32_t spacing, Random& rng) {
  const std::uint32_t lc = cols / spacing + 2;
  const std::uint32_t lr = rows / spacing + 2;
  std::vector<double> lattice(static_cast<std::size_t>(lc) * lr);
  for (double& v : lattice) v = rng.uniform();
  std::vector<float> out(static_cast<std::size_t>(cols) * rows);
  for (std::uint32_t r = 0; r < rows; ++r) {
    const double fr = static_cast<double>(r) / spacing;
    const auto r0 = static_cast<std::uint32_t>(fr);
    const double tr = fr - r0;
    for (std::uint32_t c = 0; c < cols; ++c) {
      const double fc = static_cast<double>(c) / spacing;
      const auto c0 = static_cast<std::uint32_t>(fc);
      const double tc = fc - c0;
      const auto at = [&](std::uint32_t rr, std::uint32_t cc) {
        return lattice[static_cast<std::size_t>(rr) * lc + cc];
      };
      const double top = at(r0, c0) * (1 - tc) + at(r0, c0 + 1) * tc;
      const double bottom = at(r0 + 1, c0) * (1 - tc) + at(r0 + 1, c0 + 1) * tc;
      out[static_cast<std::size_t>(r) * cols + c] = static_cast<float>(top * (1 - tr) + bottom * tr);
    }
  }
  return out;
}

/// A wandering polyline from one side of the grid to the other (rivers, long roads).
void wandering_line(const Grid& g, Random& rng, double step_m, double wander, std::vector<double>& xs,
                    std::vector<double>& ys) {
  xs.clear();
  ys.clear();
  const double w = g.cols * g.cell_size_m;
  const double h = g.rows * g.cell_size_m;
  const bool west_east = rng.uniform() < 0.5;
  double x = west_east ? g.origin_x_m : g.origin_x_m + rng.uniform(0.0, w);
  double y = west_east ? g.origin_y_m - rng.uniform(0.0, h) : g.origin_y_m;
  double angle = west_east ? 0.0 : -1.5707963267948966;  // east, or south
  angle += rng.uniform(-0.5, 0.5);
  const double base = angle;
  for (int i = 0; i < 100000; ++i) {
    xs.push_back(x);
    ys.push_back(y);
    if (x < g.origin_x_m - 1 || x > g.origin_x_m + w + 1 || y > g.origin_y_m + 1 || y < g.origin_y_m - h - 1) break;
    angle += rng.uniform(-wander, wander);
    angle = base + std::clamp(angle - base, -0.8, 0.8);
    x += step_m * std::cos(angle);
    y += step_m * std::sin(angle);
  }
}

int make_friction(const MakeOptions& o) {
  Grid g;
  g.cols = o.cols;
  g.rows = o.rows;
  g.cell_size_m = o.cell_size_m;
  g.origin_x_m = 400000.0;  // EPSG:32650 (UTM 50N), as the peers' bundles
  g.origin_y_m = 3700000.0;
  Random rng(o.seed);
  const std::size_t cells = g.cell_count();

  // Land cover from smooth noise: lakes (impassable), forest 2 km/h, cropland 4 km/h, open land 5 km/h.
  const std::vector<float> noise = value_noise(g.cols, g.rows, 40, rng);
  const std::vector<float> detail = value_noise(g.cols, g.rows, 7, rng);
  std::vector<float> speed(cells);
  for (std::size_t i = 0; i < cells; ++i) {
    const double v = 0.8 * noise[i] + 0.2 * detail[i];
    speed[i] = v < 0.12 ? 0.0F : v < 0.35 ? 2.0F : v < 0.6 ? 4.0F : 5.0F;
  }
  // Rivers: barrier lines, 4-connected.
  std::vector<double> xs;
  std::vector<double> ys;
  std::vector<std::size_t> line;
  const std::uint32_t rivers = std::max<std::uint32_t>(1, (g.cols + g.rows) / 400);
  for (std::uint32_t k = 0; k < rivers; ++k) {
    wandering_line(g, rng, 3.0 * g.cell_size_m, 0.25, xs, ys);
    line.clear();
    cells_on_polyline(g, xs, ys, line);
    for (const std::size_t c : line) speed[c] = 0.0F;
  }
  // Roads over everything (bridges): long arterials across the grid, and local roads.
  const double area_km2 = g.cols * g.rows * g.cell_size_m * g.cell_size_m / 1e6;
  const auto arterials = static_cast<std::uint32_t>(std::max(3.0, area_km2 / 1300.0));
  const float arterial_speeds[] = {100.0F, 70.0F, 50.0F};
  for (std::uint32_t k = 0; k < arterials; ++k) {
    wandering_line(g, rng, 1000.0, 0.08, xs, ys);
    line.clear();
    cells_on_polyline(g, xs, ys, line);
    const float v = arterial_speeds[k % 3];
    for (const std::size_t c : line) speed[c] = std::max(speed[c], v);
  }
  const auto locals = static_cast<std::uint32_t>(area_km2 / 13.0);
  const float local_speeds[] = {40.0F, 25.0F, 25.0F, 15.0F};
  for (std::uint32_t k = 0; k < locals; ++k) {
    const double x0 = g.origin_x_m + rng.uniform(0.0, g.cols * g.cell_size_m);
    const double y0 = g.origin_y_m - rng.uniform(0.0, g.rows * g.cell_size_m);
    const double len = rng.uniform(3000.0, 12000.0);
    const double a = rng.uniform(0.0, 6.283185307179586);
    xs = {x0, x0 + 0.5 * len * std::cos(a), x0 + len * std::cos(a + rng.uniform(-0.3, 0.3))};
    ys = {y0, y0 + 0.5 * len * std::sin(a), y0 + len * std::sin(a + rng.uniform(-0.3, 0.3))};
    line.clear();
    cells_on_polyline(g, xs, ys, line);
    const float v = local_speeds[k % 4];
    for (const std::size_t c : line) speed[c] = std::max(speed[c], v);
  }

  constexpr float kNoData = -1.0F;
  std::vector<float> friction(cells);
  std::size_t impassable = 0;
  for (std::size_t i = 0; i < cells; ++i) {
    const float f = friction_at_speed(speed[i]);
    if (f == FrictionSurface::kImpassable) {
      friction[i] = kNoData;
      ++impassable;
    } else {
      friction[i] = f;
    }
  }
  // Facilities on passable cells, numbered from 1.
  std::vector<std::int32_t> start(cells, 0);
  std::uint32_t placed = 0;
  while (placed < o.sources) {
    const auto c = static_cast<std::size_t>(rng.next() % cells);
    if (friction[c] == kNoData || start[c] != 0) continue;
    start[c] = static_cast<std::int32_t>(++placed);
  }

  OGRSpatialReference srs;
  srs.importFromEPSG(32650);
  char* wkt = nullptr;
  srs.exportToWkt(&wkt);
  Raster like{g, wkt != nullptr ? wkt : ""};
  CPLFree(wkt);
  fs::create_directories(o.out);
  write_raster(o.out + "/friction_s_per_m.tif", like, friction, GDT_Float32, kNoData);
  write_raster(o.out + "/sources.tif", like, start, GDT_Int32, 0.0);
  std::cout << "make-friction: " << g.cols << " x " << g.rows << " cells of " << g.cell_size_m << " m, " << impassable
            << " impassable, " << placed << " sources, seed " << o.seed << " -> " << o.out << '\n';
  return 0;
}

// ------------------------------------------------------------------------------------------------ run

struct RunOptions {
  std::string friction;
  std::string sources;
  int neighbours = 16;
  double limit_min = 0.0;
  int runs = 5;
  std::string out;
  std::string nearest;
};

int run(const RunOptions& o) {
  const auto t_all = Clock::now();
  auto fds = open_raster(o.friction);
  const Raster r = read_grid(*fds, o.friction);
  double nodata = 0.0;
  bool has_nodata = false;
  FrictionSurface surface;
  surface.grid = r.grid;
  surface.seconds_per_metre = read_band<float>(*fds, GDT_Float32, o.friction, &nodata, &has_nodata);
  for (float& f : surface.seconds_per_metre) {
    if ((has_nodata && f == static_cast<float>(nodata)) || std::isnan(f)) f = FrictionSurface::kImpassable;
  }
  auto sds = open_raster(o.sources);
  const Raster rs = read_grid(*sds, o.sources);
  if (rs.grid.cols != r.grid.cols || rs.grid.rows != r.grid.rows) {
    throw std::runtime_error(o.sources + ": not the friction raster's grid");
  }
  double snodata = 0.0;
  bool s_has_nodata = false;
  const std::vector<std::int32_t> start = read_band<std::int32_t>(*sds, GDT_Int32, o.sources, &snodata, &s_has_nodata);
  std::vector<CostSource> sources;
  for (std::size_t i = 0; i < start.size(); ++i) {
    if (start[i] != 0 && !(s_has_nodata && start[i] == static_cast<std::int32_t>(snodata))) {
      sources.push_back({i, 0.0, static_cast<std::uint32_t>(start[i])});
    }
  }
  const double read_s = seconds_since(t_all);

  CostDistanceOptions opt;
  opt.neighbourhood = o.neighbours == 8 ? Neighbourhood::k8 : Neighbourhood::k16;
  if (o.limit_min > 0.0) opt.limit_s = o.limit_min * 60.0;
  std::vector<double> times;
  CostDistanceResult result;
  for (int k = 0; k < o.runs; ++k) {
    const auto t0 = Clock::now();
    result = cost_distance(surface, sources, opt);
    times.push_back(seconds_since(t0));
  }
  const auto t_write = Clock::now();
  if (!o.out.empty()) {
    std::vector<float> minutes(result.field.minutes.begin(), result.field.minutes.end());
    for (float& m : minutes) {
      if (m == TravelTimeField::kUnreached) m = -1.0F;
    }
    write_raster(o.out, r, minutes, GDT_Float32, -1.0);
  }
  if (!o.nearest.empty()) {
    std::vector<std::int32_t> nearest(result.field.nearest.size(), 0);
    for (std::size_t i = 0; i < nearest.size(); ++i) {
      if (result.field.nearest[i] != TravelTimeField::kNoFacility)
        nearest[i] = static_cast<std::int32_t>(result.field.nearest[i]);
    }
    write_raster(o.nearest, r, nearest, GDT_Int32, 0.0);
  }
  const double write_s = seconds_since(t_write);
  const auto& st = result.stats;
  std::printf(
      "run: cells=%zu sources=%zu neighbours=%d runs=%d engine_median_s=%.4f engine_min_s=%.4f engine_first_s=%.4f "
      "read_s=%.3f "
      "write_s=%.3f reached=%zu expansions=%zu re_expansions=%zu pushes=%zu bucket_width_s=%.3f buckets=%zu "
      "engine_memory_mb=%.1f peak_rss_mb=%.1f warnings=%zu setup_s=%.3f search_s=%.3f output_s=%.3f\n",
      r.grid.cell_count(), st.sources_used, o.neighbours, o.runs, median(times),
      *std::min_element(times.begin(), times.end()), times.front(), read_s, write_s, st.cells_reached, st.expansions,
      st.re_expansions, st.pushes, st.bucket_width_s, st.buckets, static_cast<double>(st.memory_bytes) / 1048576.0,
      peak_rss_mb(), result.warnings.size(), st.setup_s, st.search_s, st.output_s);
  for (const Problem& p : result.warnings) std::printf("warning: %s\n", p.message.c_str());
  return 0;
}

// ------------------------------------------------------------------------------------------------ compare

struct CompareOptions {
  std::string ours;
  std::string other;
  std::string ours_nearest;
  std::string other_nearest;
  double limit_min = 0.0;
  double tolerance_min = 0.01;
};

int compare(const CompareOptions& o) {
  auto a_ds = open_raster(o.ours);
  auto b_ds = open_raster(o.other);
  const Raster ra = read_grid(*a_ds, o.ours);
  const Raster rb = read_grid(*b_ds, o.other);
  if (ra.grid.cols != rb.grid.cols || ra.grid.rows != rb.grid.rows ||
      std::fabs(ra.grid.origin_x_m - rb.grid.origin_x_m) > 1e-6 ||
      std::fabs(ra.grid.origin_y_m - rb.grid.origin_y_m) > 1e-6) {
    throw std::runtime_error("the two rasters are not on the same grid");
  }
  double na = 0;
  double nb = 0;
  bool ha = false;
  bool hb = false;
  const std::vector<double> a = read_band<double>(*a_ds, GDT_Float64, o.ours, &na, &ha);
  const std::vector<double> b = read_band<double>(*b_ds, GDT_Float64, o.other, &nb, &hb);
  const double limit = o.limit_min > 0.0 ? o.limit_min : std::numeric_limits<double>::infinity();
  const auto value = [&](double v, bool has, double nd) {
    if ((has && v == nd) || std::isnan(v) || v < 0.0 || v > limit) return std::numeric_limits<double>::quiet_NaN();
    return v;
  };
  std::size_t both = 0;
  std::size_t only_a = 0;
  std::size_t only_b = 0;
  std::size_t over_tol = 0;
  double max_abs = 0.0;
  double sum_abs = 0.0;
  std::size_t worst = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double va = value(a[i], ha, na);
    const double vb = value(b[i], hb, nb);
    if (std::isnan(va) && std::isnan(vb)) continue;
    if (std::isnan(va)) {
      ++only_b;
      continue;
    }
    if (std::isnan(vb)) {
      ++only_a;
      continue;
    }
    ++both;
    const double d = std::fabs(va - vb);
    sum_abs += d;
    if (d > o.tolerance_min) ++over_tol;
    if (d > max_abs) {
      max_abs = d;
      worst = i;
    }
  }
  std::printf(
      "compare: cells_both=%zu only_ours=%zu only_other=%zu max_abs_diff_min=%.6f mean_abs_diff_min=%.8f "
      "cells_over_%.3f_min=%zu worst_cell=%zu(col %zu row %zu)\n",
      both, only_a, only_b, max_abs, both > 0 ? sum_abs / static_cast<double>(both) : 0.0, o.tolerance_min, over_tol,
      worst, worst % ra.grid.cols, worst / ra.grid.cols);
  int status = (only_a == 0 && only_b == 0 && max_abs <= o.tolerance_min) ? 0 : 1;

  if (!o.ours_nearest.empty() && !o.other_nearest.empty()) {
    auto an = open_raster(o.ours_nearest);
    auto bn = open_raster(o.other_nearest);
    double nan_ = 0;
    double nbn = 0;
    bool han = false;
    bool hbn = false;
    const std::vector<std::int32_t> fa = read_band<std::int32_t>(*an, GDT_Int32, o.ours_nearest, &nan_, &han);
    const std::vector<std::int32_t> fb = read_band<std::int32_t>(*bn, GDT_Int32, o.other_nearest, &nbn, &hbn);
    std::size_t same = 0;
    std::size_t compared = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (std::isnan(value(a[i], ha, na)) || std::isnan(value(b[i], hb, nb))) continue;
      ++compared;
      if (fa[i] == fb[i]) ++same;
    }
    std::printf("compare: nearest_same=%zu of %zu (%.4f%%)\n", same, compared,
                compared > 0 ? 100.0 * static_cast<double>(same) / static_cast<double>(compared) : 100.0);
  }
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  GDALAllRegister();
  CLI::App app{
      "The raster engine's cost-distance on GeoTIFF inputs: synthetic friction surfaces, timed runs and "
      "cell-by-cell comparison (with GRASS r.cost, see scripts/crosscheck_grass_rcost.sh).",
      "carereach-raster-costdist"};
  app.require_subcommand(1);

  MakeOptions mk;
  CLI::App* make_cmd =
      app.add_subcommand("make-friction", "Write a seeded synthetic friction GeoTIFF and start raster");
  make_cmd->add_option("--cols", mk.cols, "Columns")->capture_default_str();
  make_cmd->add_option("--rows", mk.rows, "Rows")->capture_default_str();
  make_cmd->add_option("--cell-size-m", mk.cell_size_m, "Cell size in metres")->capture_default_str();
  make_cmd->add_option("--seed", mk.seed, "Seed")->capture_default_str();
  make_cmd->add_option("--sources", mk.sources, "Number of facilities")->capture_default_str();
  make_cmd->add_option("--out", mk.out, "Output folder (friction_s_per_m.tif, sources.tif)")->required();

  RunOptions ro;
  CLI::App* run_cmd = app.add_subcommand("run", "Time the engine on a friction GeoTIFF and a start raster");
  run_cmd->add_option("--friction", ro.friction, "Friction, seconds per metre (no-data = impassable)")->required();
  run_cmd->add_option("--sources", ro.sources, "Start raster: facility number per cell, 0 or no-data elsewhere")
      ->required();
  run_cmd->add_option("--neighbours", ro.neighbours, "8 or 16")->check(CLI::IsMember({8, 16}))->capture_default_str();
  run_cmd->add_option("--limit-min", ro.limit_min, "Limit in minutes (0 = none)")->capture_default_str();
  run_cmd->add_option("--runs", ro.runs, "Timed runs (the median is reported)")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  run_cmd->add_option("--out", ro.out, "Travel time in minutes (Float32, -1 = not reached)");
  run_cmd->add_option("--nearest", ro.nearest, "Nearest facility number (Int32, 0 = none)");

  CompareOptions co;
  CLI::App* cmp_cmd = app.add_subcommand("compare", "Compare two travel-time rasters in minutes, cell by cell");
  cmp_cmd->add_option("ours", co.ours, "carereach minutes")->required();
  cmp_cmd->add_option("other", co.other, "the other tool's minutes")->required();
  cmp_cmd->add_option("--ours-nearest", co.ours_nearest, "carereach nearest facility raster");
  cmp_cmd->add_option("--other-nearest", co.other_nearest, "the other tool's nearest facility raster");
  cmp_cmd->add_option("--limit-min", co.limit_min, "Cells above this in either raster count as not reached")
      ->capture_default_str();
  cmp_cmd->add_option("--tolerance-min", co.tolerance_min, "Largest acceptable difference")->capture_default_str();

  CLI11_PARSE(app, argc, argv);
  try {
    if (make_cmd->parsed()) return make_friction(mk);
    if (run_cmd->parsed()) return run(ro);
    if (cmp_cmd->parsed()) return compare(co);
  } catch (const std::exception& e) {
    std::cerr << "carereach-raster-costdist: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
