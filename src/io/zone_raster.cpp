#include "io/zone_raster.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <ogr_geometry.h>

#include "io/ogr_transform.hpp"

namespace carereach::io {

namespace {

// A polygon edge that crosses the horizontal line through the centres of rows first_row … last_row. The end
// points are stored in a canonical order (ya < yb) so that two zones sharing the edge compute bit-identical
// crossings, whichever direction their rings run.
struct Edge {
  double xa, ya, xb, yb;
  std::uint32_t zone;
  std::uint32_t first_row;
  std::uint32_t last_row;
};

// Rows whose centre line y_c satisfies ya <= y_c < yb (half-open: a centre on the upper end belongs to the
// edge above). Returns false when there is none.
bool rows_crossed(const Grid& grid, double ya, double yb, std::uint32_t& first, std::uint32_t& last) {
  const auto rows = static_cast<std::int64_t>(grid.rows);
  auto yc = [&](std::int64_t r) { return grid.centre_y_m(static_cast<std::uint32_t>(r)); };
  auto clamp_row = [&](double t, double lo, double hi) { return static_cast<std::int64_t>(std::clamp(t, lo, hi)); };
  const double cs = grid.cell_size_m;
  // First row with y_c < yb (y_c decreases with the row).
  std::int64_t lo = clamp_row(std::floor((grid.origin_y_m - yb) / cs - 0.5) - 1.0, 0.0, static_cast<double>(rows));
  while (lo < rows && !(yc(lo) < yb)) ++lo;
  while (lo > 0 && yc(lo - 1) < yb) --lo;
  // Last row with y_c >= ya.
  std::int64_t hi = clamp_row(std::floor((grid.origin_y_m - ya) / cs - 0.5) + 1.0, -1.0, static_cast<double>(rows - 1));
  while (hi >= 0 && !(yc(hi) >= ya)) --hi;
  while (hi + 1 < rows && yc(hi + 1) >= ya) ++hi;
  if (lo > hi || lo >= rows || hi < 0) return false;
  first = static_cast<std::uint32_t>(lo);
  last = static_cast<std::uint32_t>(hi);
  return true;
}

void add_ring(const OGRLinearRing& ring, std::uint32_t zone, const Grid& grid, std::vector<Edge>& edges) {
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
    Edge e{x1, y1, x2, y2, zone, 0, 0};
    if (rows_crossed(grid, y1, y2, e.first_row, e.last_row)) edges.push_back(e);
  }
}

void add_geometry(const OGRGeometry& g, std::uint32_t zone, const Grid& grid, std::vector<Edge>& edges) {
  switch (wkbFlatten(g.getGeometryType())) {
    case wkbPolygon: {
      const OGRPolygon* p = g.toPolygon();
      if (const OGRLinearRing* outer = p->getExteriorRing(); outer != nullptr) add_ring(*outer, zone, grid, edges);
      for (int i = 0; i < p->getNumInteriorRings(); ++i) add_ring(*p->getInteriorRing(i), zone, grid, edges);
      break;
    }
    case wkbMultiPolygon:
    case wkbGeometryCollection: {
      const OGRGeometryCollection* c = g.toGeometryCollection();
      for (int i = 0; i < c->getNumGeometries(); ++i) add_geometry(*c->getGeometryRef(i), zone, grid, edges);
      break;
    }
    default:
      break;  // points and lines cover no cell centre
  }
}

// First column whose centre x is >= x (cols when there is none).
std::uint32_t first_col_from(const Grid& grid, double x) {
  const double t = std::ceil((x - grid.origin_x_m) / grid.cell_size_m - 0.5);
  auto c = static_cast<std::uint32_t>(std::clamp(t, 0.0, static_cast<double>(grid.cols)));
  while (c > 0 && grid.centre_x_m(c - 1) >= x) --c;
  while (c < grid.cols && grid.centre_x_m(c) < x) ++c;
  return c;
}

}  // namespace

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

  // 1. The edges that cross at least one row-centre line, with the rows they cross.
  std::vector<Edge> edges;
  for (std::size_t z = 0; z < n_zones; ++z) {
    const geo::Geometry& poly = zones.polygons[z];
    if (poly.null() || poly.is_empty()) continue;
    const geo::Envelope env = poly.envelope();
    if (env.empty() || env.max_y < grid.min_y_m() || env.min_y > grid.origin_y_m) continue;
    const std::unique_ptr<OGRGeometry> g = to_ogr(poly);
    add_geometry(*g, static_cast<std::uint32_t>(z), grid, edges);
  }

  // 2. Edges bucketed by their first row (counting sort).
  std::vector<std::uint32_t> bucket_start(static_cast<std::size_t>(grid.rows) + 1, 0);
  for (const Edge& e : edges) ++bucket_start[e.first_row + 1];
  for (std::size_t r = 0; r < grid.rows; ++r) bucket_start[r + 1] += bucket_start[r];
  std::vector<std::uint32_t> by_row(edges.size());
  {
    std::vector<std::uint32_t> next(bucket_start.begin(), bucket_start.end() - 1);
    for (std::size_t i = 0; i < edges.size(); ++i) by_row[next[edges[i].first_row]++] = static_cast<std::uint32_t>(i);
  }

  // 3. Row by row: crossings of the centre line, paired per zone (even-odd, so holes and multipolygons work);
  //    the cells whose centre x lies in [x_in, x_out) belong to the zone.
  std::vector<std::uint32_t> active;
  std::vector<std::pair<std::uint32_t, double>> crossings;
  for (std::uint32_t r = 0; r < grid.rows; ++r) {
    std::erase_if(active, [&](std::uint32_t i) { return edges[i].last_row < r; });
    for (std::uint32_t k = bucket_start[r]; k < bucket_start[r + 1]; ++k) active.push_back(by_row[k]);
    if (active.empty()) continue;
    const double yc = grid.centre_y_m(r);
    crossings.clear();
    for (const std::uint32_t i : active) {
      const Edge& e = edges[i];
      if (!(e.ya <= yc && yc < e.yb)) continue;
      const double x = e.xa + (yc - e.ya) * (e.xb - e.xa) / (e.yb - e.ya);
      crossings.emplace_back(e.zone, x);
    }
    std::sort(crossings.begin(), crossings.end());
    const std::size_t row_start = grid.index(0, r);
    for (std::size_t i = 0; i + 1 < crossings.size();) {
      const std::uint32_t zone = crossings[i].first;
      if (crossings[i + 1].first != zone) {  // cannot happen with closed rings; skip the stray crossing
        ++i;
        continue;
      }
      const std::uint32_t c0 = first_col_from(grid, crossings[i].second);
      const std::uint32_t c1 = first_col_from(grid, crossings[i + 1].second);
      for (std::uint32_t c = c0; c < c1; ++c) {
        std::uint32_t& cell = out.zone_of_cell[row_start + c];
        if (cell == ZoneRaster::kNone) cell = zone;
        else if (cell != zone) ++out.overlapping_cells;
      }
      i += 2;
    }
  }
  return out;
}

}  // namespace carereach::io
