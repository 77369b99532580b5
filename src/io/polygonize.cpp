#include "io/polygonize.hpp"

#include <ogr_geometry.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

#include "core/error.hpp"
#include "geo/cell_polygons.hpp"
#include "io/ogr_transform.hpp"

namespace carereach::io {

std::vector<LabelledPolygon> polygonize_labels(const Grid& grid, std::span<const std::uint32_t> label_of_cell,
                                               std::uint32_t no_label) {
  if (label_of_cell.size() != grid.cell_count())
    throw std::invalid_argument("polygonize_labels: " + std::to_string(label_of_cell.size()) + " labels for " +
                                std::to_string(grid.cell_count()) + " cells");
  // Traced along the cell edges (geo::trace_cell_polygons): the 4-connected regions of a label never share an edge,
  // so gathered as they are they form a valid MultiPolygon, the union of the label's cells, without any overlay.
  std::vector<LabelledPolygon> out;
  for (geo::CellPolygons& traced : geo::trace_cell_polygons(grid, label_of_cell, no_label)) {
    LabelledPolygon lp;
    lp.label = traced.label;
    lp.cell_count = traced.cell_count;
    lp.polygon = geo::polygons_geometry(traced.polygons);
    std::vector<geo::PolygonRings>().swap(traced.polygons);
    out.push_back(std::move(lp));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// smooth_without_loss

namespace {

struct Point {
  double x = 0;
  double y = 0;
};
using Ring = std::vector<Point>;  ///< open: the first point is not repeated at the end

/// The ring's vertices without the closing point, repeated points and collinear (straight-through) vertices.
Ring ring_vertices(const OGRLinearRing& ring) {
  Ring pts;
  const int n = ring.getNumPoints();
  pts.reserve(static_cast<std::size_t>(std::max(n, 0)));
  for (int i = 0; i < n; ++i) {
    const Point p{ring.getX(i), ring.getY(i)};
    if (!pts.empty() && pts.back().x == p.x && pts.back().y == p.y) continue;
    pts.push_back(p);
  }
  while (pts.size() > 1 && pts.front().x == pts.back().x && pts.front().y == pts.back().y) pts.pop_back();
  if (pts.size() < 3) return pts;
  Ring kept;
  kept.reserve(pts.size());
  const std::size_t m = pts.size();
  for (std::size_t i = 0; i < m; ++i) {
    const Point& a = pts[(i + m - 1) % m];
    const Point& b = pts[i];
    const Point& c = pts[(i + 1) % m];
    const double cross = (b.x - a.x) * (c.y - b.y) - (b.y - a.y) * (c.x - b.x);
    const double dot = (b.x - a.x) * (c.x - b.x) + (b.y - a.y) * (c.y - b.y);
    if (cross == 0.0 && dot > 0.0) continue;  // b lies on the straight line a→c
    kept.push_back(b);
  }
  return kept;
}

/// One pass of Chaikin's corner cutting: every edge a→b gives the points at distance d from a and from b,
/// d = min(|ab| / 4, cap).
Ring chaikin(const Ring& ring, double cap) {
  Ring out;
  out.reserve(ring.size() * 2);
  const std::size_t n = ring.size();
  for (std::size_t i = 0; i < n; ++i) {
    const Point& a = ring[i];
    const Point& b = ring[(i + 1) % n];
    const double dx = b.x - a.x;
    const double dy = b.y - a.y;
    const double len = std::hypot(dx, dy);
    if (!(len > 0.0)) continue;
    const double t = std::min(len / 4.0, cap) / len;
    out.push_back({a.x + t * dx, a.y + t * dy});
    out.push_back({b.x - t * dx, b.y - t * dy});
  }
  return out;
}

std::unique_ptr<OGRLinearRing> to_ring(const Ring& pts) {
  auto ring = std::make_unique<OGRLinearRing>();
  ring->setNumPoints(static_cast<int>(pts.size() + 1), FALSE);
  for (std::size_t i = 0; i < pts.size(); ++i) ring->setPoint(static_cast<int>(i), pts[i].x, pts[i].y);
  ring->setPoint(static_cast<int>(pts.size()), pts.front().x, pts.front().y);
  return ring;
}

/// The polygon with every ring smoothed (rings too small to smooth are kept), as a valid GEOS geometry.
geo::Geometry smooth_polygon(const OGRPolygon& polygon, double cap) {
  OGRPolygon smoothed;
  for (const OGRLinearRing* ring : polygon) {
    Ring pts = ring_vertices(*ring);
    if (pts.size() >= 3) {
      pts = chaikin(chaikin(pts, cap), cap);
      smoothed.addRingDirectly(to_ring(pts).release());
    } else {
      smoothed.addRingDirectly(ring->clone());
    }
  }
  geo::Geometry g = to_geos(smoothed);
  if (!g.is_valid()) g = g.make_valid_polygonal();
  return g;
}

}  // namespace

geo::Geometry smooth_without_loss(const geo::Geometry& cells_polygon, double cell_size_m) {
  if (!(cell_size_m > 0.0) || !std::isfinite(cell_size_m))
    throw std::invalid_argument("smooth_without_loss: the cell size must be a positive number of metres");
  if (cells_polygon.null() || cells_polygon.is_empty()) return cells_polygon.clone();
  const double cap = cell_size_m / 4.0;
  const std::unique_ptr<OGRGeometry> ogr = to_ogr(cells_polygon);
  const OGRwkbGeometryType type = wkbFlatten(ogr->getGeometryType());
  if (type != wkbPolygon && type != wkbMultiPolygon)
    throw std::invalid_argument("smooth_without_loss: the geometry is not a polygon or multipolygon");
  // The union of the whole outline with every smoothed part, by one overlay of everything.
  const auto whole_union = [&] {
    std::vector<geo::Geometry> pieces;
    pieces.push_back(cells_polygon.clone());
    if (type == wkbPolygon) {
      pieces.push_back(smooth_polygon(*ogr->toPolygon(), cap));
    } else {
      for (const OGRPolygon* part : *ogr->toMultiPolygon()) pieces.push_back(smooth_polygon(*part, cap));
    }
    geo::Geometry result = geo::Geometry::union_all(std::move(pieces));
    if (!result.is_valid()) result = result.make_valid_polygonal();
    return result;
  };
  if (type == wkbPolygon) return whole_union();

  // A MultiPolygon (the parts of a label, which touch at corners only): each part united with its own smoothed
  // outline, and the results gathered without a further overlay. What smoothing adds to a part lies at its concave
  // corners, within cell_size_m / 8 of it, in cells the part does not hold and no other part reaches, so the
  // results keep apart as the parts do and gathered they are the same union, at a fraction of the work of noding
  // every part against every other. Should they ever overlap or share an edge, the gathered MultiPolygon is not
  // valid (its parts' interiors must be disjoint): then the union is computed as a whole.
  std::vector<geo::Geometry> united;
  for (const OGRPolygon* part : *ogr->toMultiPolygon()) {
    std::vector<geo::Geometry> pieces;
    pieces.push_back(to_geos(*part));
    pieces.push_back(smooth_polygon(*part, cap));
    geo::Geometry one = geo::Geometry::union_all(std::move(pieces));
    if (!one.is_valid()) one = one.make_valid_polygonal();
    united.push_back(std::move(one));
  }
  geo::Geometry gathered = geo::Geometry::multi_polygon(std::move(united));
  if (gathered.is_valid()) return gathered;
  return whole_union();
}

LabelGrid coarsen_labels(const Grid& grid, const std::vector<std::uint32_t>& labels, std::uint32_t factor) {
  if (labels.size() != grid.cell_count()) throw std::invalid_argument("coarsen_labels: one label per cell is needed");
  if (factor == 0) throw std::invalid_argument("coarsen_labels: factor must be at least 1");
  LabelGrid out;
  out.grid = grid;
  if (factor == 1) {
    out.labels = labels;
    return out;
  }
  out.grid.cell_size_m = grid.cell_size_m * factor;
  out.grid.cols = (grid.cols + factor - 1) / factor;
  out.grid.rows = (grid.rows + factor - 1) / factor;
  out.labels.assign(out.grid.cell_count(), 0);
  // Label counts of one block: few distinct labels per block, so a short list searched linearly.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> count;
  for (std::uint32_t br = 0; br < out.grid.rows; ++br)
    for (std::uint32_t bc = 0; bc < out.grid.cols; ++bc) {
      count.clear();
      for (std::uint32_t r = br * factor; r < std::min(grid.rows, (br + 1) * factor); ++r)
        for (std::uint32_t c = bc * factor; c < std::min(grid.cols, (bc + 1) * factor); ++c) {
          const std::uint32_t l = labels[grid.index(c, r)];
          if (l == 0) continue;
          auto it = std::find_if(count.begin(), count.end(), [l](const auto& e) { return e.first == l; });
          if (it == count.end()) count.emplace_back(l, 1);
          else ++it->second;
        }
      std::uint32_t best = 0, best_n = 0;
      for (const auto& [l, n] : count)  // a tie keeps the smaller label
        if (n > best_n || (n == best_n && l < best)) best = l, best_n = n;
      out.labels[out.grid.index(bc, br)] = best;
    }
  return out;
}

}  // namespace carereach::io
