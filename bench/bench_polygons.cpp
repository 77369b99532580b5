// The polygons of label grids, the old way and the new way in the same rounds (docs/performance.md, "Polygons"): on
// seeded synthetic grids of catchments (Voronoi regions of random seeds, some cells left
// out), travel-time bands and a service area,
//   - polygons: GDALPolygonize on an in-memory raster, each part read into GEOS and checked (the way before), against
//     geo::trace_cell_polygons and polygons_geometry (io::polygonize_labels now);
//   - smoothing of the service area: io::smooth_without_loss (the overlay union) against geo::smooth_cell_polygons;
//   - map bands: each band's polygon simplified by GEOS (TopologyPreserveSimplify, drawable_rings) against
//     geo::simplify_cell_polygons of the traced bands.
// Prints medians and ranges of the wall times and the area by which the results differ. Nothing is asserted.

#include <gdal_alg.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "core/grid.hpp"
#include "geo/cell_polygons.hpp"
#include "geo/geos.hpp"
#include "geo/rings.hpp"
#include "io/ogr_transform.hpp"
#include "io/polygonize.hpp"
#include "io/vector_source.hpp"

namespace {

using namespace carereach;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

struct Grids {
  Grid grid;
  std::vector<std::uint32_t> catchments;  ///< nearest seed + 1, 10 % of cells 0
  std::vector<std::uint32_t> bands;       ///< 1 … 5 by distance to the nearest seed, with noise; empty cells 0
  std::vector<std::uint32_t> covered;     ///< 1 where band 1, else 0
};

Grids make_grids(std::uint32_t size, std::uint32_t seeds, std::uint32_t seed) {
  Grids g;
  g.grid.origin_x_m = 400000.0;
  g.grid.origin_y_m = 3800000.0;
  g.grid.cell_size_m = 100.0;
  g.grid.cols = g.grid.rows = size;
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<std::pair<double, double>> at(seeds);
  for (auto& p : at) p = {u(rng) * size, u(rng) * size};
  // Nearest seed per cell through a coarse bucket index (exact: the 3 x 3 buckets around always hold it at this
  // density, checked against all seeds when they do not).
  const std::size_t n = g.grid.cell_count();
  g.catchments.assign(n, 0);
  g.bands.assign(n, 0);
  g.covered.assign(n, 0);
  const double spacing = size / std::sqrt(static_cast<double>(seeds));
  for (std::uint32_t r = 0; r < size; ++r)
    for (std::uint32_t c = 0; c < size; ++c) {
      double best = 1e300;
      std::uint32_t k = 0;
      for (std::uint32_t s = 0; s < seeds; ++s) {
        const double dx = c + 0.5 - at[s].first, dy = r + 0.5 - at[s].second;
        if (std::abs(dx) > 3 * spacing || std::abs(dy) > 3 * spacing) continue;
        const double d = dx * dx + dy * dy;
        if (d < best) best = d, k = s;
      }
      const std::size_t i = g.grid.index(c, r);
      const bool empty = u(rng) < 0.1;
      if (!empty) g.catchments[i] = k + 1;
      const double minutes = std::sqrt(best) * 0.6 * (0.8 + 0.4 * u(rng));  // noisy travel time
      if (!empty) g.bands[i] = minutes <= 15 ? 1 : minutes <= 20 ? 2 : minutes <= 25 ? 3 : minutes <= 30 ? 4 : 5;
      if (!empty && minutes <= 15) g.covered[i] = 1;
    }
  return g;
}

/// The way before: GDALPolygonize (4-connectedness) on an in-memory Int32 raster, each part read into GEOS, checked
/// and repaired when not valid, the parts of a label gathered.
std::vector<geo::Geometry> gdal_polygonize(const Grid& grid, const std::vector<std::uint32_t>& labels,
                                           std::uint32_t max_label) {
  io::ensure_gdal();
  GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("MEM");
  GDALDriver* memory = GetGDALDriverManager()->GetDriverByName("Memory");
  const int cols = static_cast<int>(grid.cols), rows = static_cast<int>(grid.rows);
  std::vector<std::int32_t> index(labels.size());
  for (std::size_t i = 0; i < labels.size(); ++i) index[i] = labels[i] == 0 ? -1 : static_cast<std::int32_t>(labels[i]);
  GDALDatasetUniquePtr raster(mem->Create("", cols, rows, 1, GDT_Int32, nullptr));
  double gt[6] = {grid.origin_x_m, grid.cell_size_m, 0.0, grid.origin_y_m, 0.0, -grid.cell_size_m};
  raster->SetGeoTransform(gt);
  GDALRasterBand* band = raster->GetRasterBand(1);
  band->SetNoDataValue(-1);
  if (band->RasterIO(GF_Write, 0, 0, cols, rows, index.data(), cols, rows, GDT_Int32, 0, 0) != CE_None)
    throw std::runtime_error("RasterIO");
  GDALDatasetUniquePtr vector(memory->Create("", 0, 0, 0, GDT_Unknown, nullptr));
  OGRLayer* layer = vector->CreateLayer("cells", nullptr, wkbPolygon, nullptr);
  OGRFieldDefn field("index", OFTInteger);
  layer->CreateField(&field);
  if (GDALPolygonize(GDALRasterBand::ToHandle(band), GDALRasterBand::ToHandle(band->GetMaskBand()),
                     OGRLayer::ToHandle(layer), 0, nullptr, nullptr, nullptr) != CE_None)
    throw std::runtime_error("GDALPolygonize");
  std::vector<std::vector<geo::Geometry>> parts(max_label + 1);
  layer->ResetReading();
  for (auto& feature : *layer) {
    const int k = feature->GetFieldAsInteger(0);
    geo::Geometry part = io::to_geos(*feature->GetGeometryRef());
    if (!part.is_valid()) part = part.make_valid_polygonal();
    parts[static_cast<std::size_t>(k)].push_back(std::move(part));
  }
  std::vector<geo::Geometry> out;
  for (auto& p : parts)
    if (!p.empty()) out.push_back(p.size() == 1 ? std::move(p.front()) : geo::Geometry::multi_polygon(std::move(p)));
  return out;
}

double symmetric_difference(const geo::Geometry& a, const geo::Geometry& b) {
  const auto oa = io::to_ogr(a), ob = io::to_ogr(b);
  const std::unique_ptr<OGRGeometry> d(oa->SymDifference(ob.get()));
  return d == nullptr || d->IsEmpty() ? 0.0 : io::to_geos(*d).area();
}

struct Timing {
  std::vector<double> s;
  void add(double x) { s.push_back(x); }
  [[nodiscard]] double median() const {
    std::vector<double> v = s;
    std::sort(v.begin(), v.end());
    return v.empty() ? NAN : v.size() % 2 == 1 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
  }
  [[nodiscard]] std::string text() const {
    char buf[96];
    std::snprintf(buf, sizeof buf, "%.3f (%.3f–%.3f)", median(), *std::min_element(s.begin(), s.end()),
                  *std::max_element(s.begin(), s.end()));
    return buf;
  }
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Polygons of label grids: GDALPolygonize and overlays against tracing along the cell edges"};
  std::uint32_t size = 1000, seeds = 200, seed = 1;
  int runs = 3;
  app.add_option("--size", size, "cells per side (default 1000)");
  app.add_option("--seeds", seeds, "catchments (default 200)");
  app.add_option("--seed", seed, "random seed (default 1)");
  app.add_option("--runs", runs, "alternating rounds (default 3)");
  CLI11_PARSE(app, argc, argv);

  const Grids g = make_grids(size, seeds, seed);
  const double cell = g.grid.cell_size_m;
  const double tolerance = cell;  // one pixel at about one cell per pixel, as the report's band maps
  Timing poly_old, poly_new, smooth_old, smooth_new, map_old, map_new;
  double poly_diff = 0, smooth_diff = 0;
  std::size_t map_vertices_old = 0, map_vertices_new = 0;
  for (int round = 0; round < runs; ++round) {
    // Polygons of the catchments.
    auto t0 = Clock::now();
    const std::vector<geo::Geometry> before = gdal_polygonize(g.grid, g.catchments, seeds);
    poly_old.add(seconds_since(t0));
    t0 = Clock::now();
    const std::vector<io::LabelledPolygon> after = io::polygonize_labels(g.grid, g.catchments, 0);
    poly_new.add(seconds_since(t0));
    if (round == 0)
      for (std::size_t k = 0; k < before.size() && k < after.size(); ++k)
        poly_diff += symmetric_difference(before[k], after[k].polygon);

    // Smoothing of the service area.
    const auto covered = io::polygonize_labels(g.grid, g.covered, 0);
    t0 = Clock::now();
    const geo::Geometry smooth_before = io::smooth_without_loss(covered.at(0).polygon, cell);
    smooth_old.add(seconds_since(t0));
    t0 = Clock::now();
    const auto traced_covered = geo::trace_cell_polygons(g.grid, g.covered, 0);
    const geo::Geometry smooth_after =
        geo::polygons_geometry(geo::smooth_cell_polygons(traced_covered.at(0).polygons, cell));
    smooth_new.add(seconds_since(t0));
    if (round == 0) smooth_diff = symmetric_difference(smooth_before, smooth_after);

    // Map bands: GEOS simplification of each band (after tracing) against the shared-boundary simplification.
    const auto bands = io::polygonize_labels(g.grid, g.bands, 0);
    t0 = Clock::now();
    std::size_t v_old = 0;
    for (const auto& b : bands)
      for (const auto& p : geo::polygon_rings(b.polygon.simplified(tolerance))) {
        v_old += p.shell.x.size();
        for (const auto& h : p.holes) v_old += h.x.size();
      }
    map_old.add(seconds_since(t0));
    t0 = Clock::now();
    auto traced = geo::trace_cell_polygons(g.grid, g.bands, 0);
    geo::simplify_cell_polygons(traced, g.grid, g.bands, 0, tolerance);
    std::size_t v_new = 0;
    for (auto& t : traced)
      for (const auto& p : geo::drawable_cell_polygons(std::move(t.polygons))) {
        v_new += p.shell.x.size();
        for (const auto& h : p.holes) v_new += h.x.size();
      }
    map_new.add(seconds_since(t0));
    map_vertices_old = v_old;
    map_vertices_new = v_new;
  }
  std::printf("### Polygons of a %u x %u grid (%u catchments, 10 %% of cells empty; seed %u), %d alternating rounds\n\n",
              size, size, seeds, seed, runs);
  std::printf("| step | before, s | now, s | ratio | results |\n|---|---:|---:|---:|---|\n");
  std::printf("| catchment polygons: GDALPolygonize + GEOS reading and checks / tracing | %s | %s | %.1fx | symmetric "
              "difference %.3g m² in all |\n",
              poly_old.text().c_str(), poly_new.text().c_str(), poly_old.median() / poly_new.median(), poly_diff);
  std::printf("| service area smoothing: overlay union / bevels (tracing included) | %s | %s | %.1fx | symmetric "
              "difference %.3g m² |\n",
              smooth_old.text().c_str(), smooth_new.text().c_str(), smooth_old.median() / smooth_new.median(),
              smooth_diff);
  std::printf("| map bands to one cell: GEOS per band / shared boundaries (tracing included) | %s | %s | %.1fx | "
              "vertices %zu / %zu |\n",
              map_old.text().c_str(), map_new.text().c_str(), map_old.median() / map_new.median(), map_vertices_old,
              map_vertices_new);
  return 0;
}
