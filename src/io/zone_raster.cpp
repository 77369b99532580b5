#include "io/zone_raster.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <ogr_geometry.h>

#include "io/ogr_transform.hpp"

namespace carereach::io {

namespace {

// A polygon edge that crosses the horizontal line through the centres of window rows first_row … last_row. The
// end points are stored in a canonical order (ya < yb) so that two polygons sharing the edge compute
// bit-identical crossings, whichever direction their rings run.
struct Edge {
  double xa, ya, xb, yb;
  std::uint32_t polygon;
  std::uint32_t first_row;
  std::uint32_t last_row;
};

// Centres of the window's rows and columns (r, c relative to the window), computed as Grid::centre_y_m and
// Grid::centre_x_m compute them, so that a window equal to the grid gives the grid's centres bit for bit.
struct Centres {
  const Grid& grid;
  const LatticeWindow& window;
  [[nodiscard]] double y(std::int64_t r) const {
    return grid.origin_y_m - (static_cast<double>(window.row0 + r) + 0.5) * grid.cell_size_m;
  }
  [[nodiscard]] double x(std::int64_t c) const {
    return grid.origin_x_m + (static_cast<double>(window.col0 + c) + 0.5) * grid.cell_size_m;
  }
};

// Window rows whose centre line y_c satisfies ya <= y_c < yb (half-open: a centre on the upper end belongs to
// the edge above). Returns false when there is none.
bool rows_crossed(const Centres& at, double ya, double yb, std::uint32_t& first, std::uint32_t& last) {
  const std::int64_t rows = at.window.rows;
  auto clamp_row = [](double t, double lo, double hi) { return static_cast<std::int64_t>(std::clamp(t, lo, hi)); };
  const double cs = at.grid.cell_size_m;
  const double row0 = static_cast<double>(at.window.row0);
  // First row with y_c < yb (y_c decreases with the row).
  std::int64_t lo =
      clamp_row(std::floor((at.grid.origin_y_m - yb) / cs - 0.5) - 1.0 - row0, 0.0, static_cast<double>(rows));
  while (lo < rows && !(at.y(lo) < yb)) ++lo;
  while (lo > 0 && at.y(lo - 1) < yb) --lo;
  // Last row with y_c >= ya.
  std::int64_t hi =
      clamp_row(std::floor((at.grid.origin_y_m - ya) / cs - 0.5) + 1.0 - row0, -1.0, static_cast<double>(rows - 1));
  while (hi >= 0 && !(at.y(hi) >= ya)) --hi;
  while (hi + 1 < rows && at.y(hi + 1) >= ya) ++hi;
  if (lo > hi || lo >= rows || hi < 0) return false;
  first = static_cast<std::uint32_t>(lo);
  last = static_cast<std::uint32_t>(hi);
  return true;
}

void add_ring(const OGRLinearRing& ring, std::uint32_t polygon, const Centres& at, std::vector<Edge>& edges) {
  const int n = ring.getNumPoints();
  if (n < 3) return;
  for (int i = 0; i < n; ++i) {
    const int j = (i + 1) % n;  // closes the ring when the last point does not repeat the first
    if (j == 0 && ring.getX(0) == ring.getX(n - 1) && ring.getY(0) == ring.getY(n - 1)) continue;
    double x1 = ring.getX(i), y1 = ring.getY(i), x2 = ring.getX(j), y2 = ring.getY(j);
    if (!std::isfinite(x1) || !std::isfinite(y1) || !std::isfinite(x2) || !std::isfinite(y2)) continue;
    if (y1 == y2) continue;  // horizontal edges never cross a centre line under the half-open rule
    if (y1 > y2) {
      std::swap(x1, x2);
      std::swap(y1, y2);
    }
    Edge e{x1, y1, x2, y2, polygon, 0, 0};
    if (rows_crossed(at, y1, y2, e.first_row, e.last_row)) edges.push_back(e);
  }
}

void add_geometry(const OGRGeometry& g, std::uint32_t polygon, const Centres& at, std::vector<Edge>& edges) {
  switch (wkbFlatten(g.getGeometryType())) {
    case wkbPolygon: {
      const OGRPolygon* p = g.toPolygon();
      if (const OGRLinearRing* outer = p->getExteriorRing(); outer != nullptr) add_ring(*outer, polygon, at, edges);
      for (int i = 0; i < p->getNumInteriorRings(); ++i) add_ring(*p->getInteriorRing(i), polygon, at, edges);
      break;
    }
    case wkbMultiPolygon:
    case wkbGeometryCollection: {
      const OGRGeometryCollection* c = g.toGeometryCollection();
      for (int i = 0; i < c->getNumGeometries(); ++i) add_geometry(*c->getGeometryRef(i), polygon, at, edges);
      break;
    }
    default:
      break;  // points and lines cover no cell centre
  }
}

// First window column whose centre x is >= x (window.cols when there is none).
std::int64_t first_col_from(const Centres& at, double x) {
  const double t =
      std::ceil((x - at.grid.origin_x_m) / at.grid.cell_size_m - 0.5) - static_cast<double>(at.window.col0);
  auto c = static_cast<std::int64_t>(std::clamp(t, 0.0, static_cast<double>(at.window.cols)));
  while (c > 0 && at.x(c - 1) >= x) --c;
  while (c < at.window.cols && at.x(c) < x) ++c;
  return c;
}

}  // namespace

LatticeWindow LatticeWindow::of(const Grid& grid) {
  return LatticeWindow{0, 0, static_cast<std::int64_t>(grid.cols), static_cast<std::int64_t>(grid.rows)};
}

LatticeWindow LatticeWindow::widened(const Grid& grid, const geo::Envelope& env) const {
  if (env.empty() || !std::isfinite(env.min_x) || !std::isfinite(env.max_x) || !std::isfinite(env.min_y) ||
      !std::isfinite(env.max_y))
    return *this;
  const double cs = grid.cell_size_m;
  // One cell to spare on each side: the loops of the fill settle the exact rows and columns.
  const auto c_lo = static_cast<std::int64_t>(std::floor((env.min_x - grid.origin_x_m) / cs) - 1.0);
  const auto c_hi = static_cast<std::int64_t>(std::ceil((env.max_x - grid.origin_x_m) / cs) + 1.0);
  const auto r_lo = static_cast<std::int64_t>(std::floor((grid.origin_y_m - env.max_y) / cs) - 1.0);
  const auto r_hi = static_cast<std::int64_t>(std::ceil((grid.origin_y_m - env.min_y) / cs) + 1.0);
  LatticeWindow w;
  w.col0 = std::min(col0, c_lo);
  w.row0 = std::min(row0, r_lo);
  w.cols = std::max(col0 + cols, c_hi) - w.col0;
  w.rows = std::max(row0 + rows, r_hi) - w.row0;
  return w;
}

void rasterize_polygons(std::span<const geo::Geometry> polygons, const Grid& grid, const LatticeWindow& window,
                        const std::function<void(const CellRun&)>& visit) {
  if (polygons.size() >= std::numeric_limits<std::uint32_t>::max())
    throw std::invalid_argument("rasterize_polygons: too many polygons");
  if (window.rows >= std::numeric_limits<std::uint32_t>::max() || window.cols < 0 || window.rows < 0)
    throw std::invalid_argument("rasterize_polygons: the window is too large");
  if (window.rows == 0 || window.cols == 0) return;
  const Centres at{grid, window};
  const double cs = grid.cell_size_m;
  const double top = grid.origin_y_m - static_cast<double>(window.row0) * cs;
  const double bottom = grid.origin_y_m - static_cast<double>(window.row0 + window.rows) * cs;
  const double left = grid.origin_x_m + static_cast<double>(window.col0) * cs;
  const double right = grid.origin_x_m + static_cast<double>(window.col0 + window.cols) * cs;

  // 1. The edges that cross at least one row-centre line, with the rows they cross.
  std::vector<Edge> edges;
  for (std::size_t i = 0; i < polygons.size(); ++i) {
    const geo::Geometry& poly = polygons[i];
    if (poly.null() || poly.is_empty()) continue;
    const geo::Envelope env = poly.envelope();
    if (env.empty() || env.max_y < bottom || env.min_y > top || env.max_x < left || env.min_x > right) continue;
    const std::unique_ptr<OGRGeometry> g = to_ogr(poly);
    add_geometry(*g, static_cast<std::uint32_t>(i), at, edges);
  }

  // 2. Edges bucketed by their first row (counting sort).
  const auto n_rows = static_cast<std::size_t>(window.rows);
  std::vector<std::uint32_t> bucket_start(n_rows + 1, 0);
  for (const Edge& e : edges) ++bucket_start[e.first_row + 1];
  for (std::size_t r = 0; r < n_rows; ++r) bucket_start[r + 1] += bucket_start[r];
  std::vector<std::uint32_t> by_row(edges.size());
  {
    std::vector<std::uint32_t> next(bucket_start.begin(), bucket_start.end() - 1);
    for (std::size_t i = 0; i < edges.size(); ++i) by_row[next[edges[i].first_row]++] = static_cast<std::uint32_t>(i);
  }

  // 3. Row by row: crossings of the centre line, paired per polygon (even-odd, so holes and multipolygons
  //    work); the cells whose centre x lies in [x_in, x_out) belong to the polygon.
  std::vector<std::uint32_t> active;
  std::vector<std::pair<std::uint32_t, double>> crossings;
  for (std::uint32_t r = 0; r < n_rows; ++r) {
    std::erase_if(active, [&](std::uint32_t i) { return edges[i].last_row < r; });
    for (std::uint32_t k = bucket_start[r]; k < bucket_start[r + 1]; ++k) active.push_back(by_row[k]);
    if (active.empty()) continue;
    const double yc = at.y(r);
    crossings.clear();
    for (const std::uint32_t i : active) {
      const Edge& e = edges[i];
      if (!(e.ya <= yc && yc < e.yb)) continue;
      const double x = e.xa + (yc - e.ya) * (e.xb - e.xa) / (e.yb - e.ya);
      crossings.emplace_back(e.polygon, x);
    }
    std::sort(crossings.begin(), crossings.end());
    for (std::size_t i = 0; i + 1 < crossings.size();) {
      const std::uint32_t polygon = crossings[i].first;
      if (crossings[i + 1].first != polygon) {  // cannot happen with closed rings; skip the stray crossing
        ++i;
        continue;
      }
      const std::int64_t c0 = first_col_from(at, crossings[i].second);
      const std::int64_t c1 = first_col_from(at, crossings[i + 1].second);
      if (c0 < c1) visit(CellRun{polygon, window.row0 + r, window.col0 + c0, window.col0 + c1});
      i += 2;
    }
  }
}

std::size_t ZoneRaster::cells_in(std::uint32_t zone) const {
  return static_cast<std::size_t>(std::count(zone_of_cell.begin(), zone_of_cell.end(), zone));
}

std::vector<std::size_t> ZoneRaster::cells_per_zone() const {
  std::vector<std::size_t> counts(zone_count, 0);
  for (const std::uint32_t z : zone_of_cell) {
    if (z == kNone) continue;
    if (z >= counts.size()) counts.resize(static_cast<std::size_t>(z) + 1, 0);
    ++counts[z];
  }
  return counts;
}

std::size_t ZoneRaster::covered_cells() const {
  return static_cast<std::size_t>(
      std::count_if(zone_of_cell.begin(), zone_of_cell.end(), [](std::uint32_t z) { return z != kNone; }));
}

ZoneRaster rasterize_zones(const LoadedZoneLevel& zones, const Grid& grid) {
  const std::size_t n_zones = zones.level.zones.size();
  if (zones.polygons.size() != n_zones)
    throw std::invalid_argument("rasterize_zones: zone level '" + zones.level.level + "' has " +
                                std::to_string(zones.polygons.size()) + " polygons for " + std::to_string(n_zones) +
                                " zones (a seats level has no boundaries to rasterise)");
  if (n_zones >= ZoneRaster::kNone) throw std::invalid_argument("rasterize_zones: too many zones");

  ZoneRaster out;
  out.level = zones.level.level;
  out.zone_count = n_zones;
  out.zone_of_cell.assign(grid.cell_count(), ZoneRaster::kNone);
  if (grid.cell_count() == 0) return out;

  // Within a row the runs come by zone index, so the lower index keeps a cell that two zones claim.
  rasterize_polygons(zones.polygons, grid, LatticeWindow::of(grid), [&](const CellRun& run) {
    const std::size_t row_start = grid.index(0, static_cast<std::uint32_t>(run.row));
    for (std::int64_t c = run.col_begin; c < run.col_end; ++c) {
      std::uint32_t& cell = out.zone_of_cell[row_start + static_cast<std::size_t>(c)];
      if (cell == ZoneRaster::kNone) cell = run.polygon;
      else if (cell != run.polygon) ++out.overlapping_cells;
    }
  });
  return out;
}

}  // namespace carereach::io
