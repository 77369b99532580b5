// Boundary tracing of labelled grids, and the smoothing of traced outlines without overlay.

#define GEOS_USE_ONLY_R_API
#include "geo/cell_polygons.hpp"

#include <geos_c.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>

#include "geo/geos.hpp"

namespace carereach::geo {

namespace {

/// The distinct labels other than no_label, sorted.
std::vector<std::uint32_t> distinct_labels(std::span<const std::uint32_t> labels, std::uint32_t no_label) {
  std::vector<std::uint32_t> out;
  std::size_t compact_at = 4096;  // sort and deduplicate now and then to bound the memory on noisy grids
  for (const std::uint32_t l : labels) {
    if (l == no_label) continue;
    if (!out.empty() && out.back() == l) continue;  // label grids hold runs of one label
    out.push_back(l);
    if (out.size() > compact_at) {
      std::sort(out.begin(), out.end());
      out.erase(std::unique(out.begin(), out.end()), out.end());
      compact_at = std::max<std::size_t>(4096, 2 * out.size());
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

/// Union–find over the cells, each set a 4-connected region of one label, whose root is its first cell in row-major
/// order (the smaller root wins every union). Once a region has been given its index, the root's entry holds
/// kAssigned | index.
class Regions {
 public:
  static constexpr std::uint32_t kAssigned = 0x80000000U;

  explicit Regions(std::size_t cells) : parent_(cells) {
    for (std::size_t i = 0; i < cells; ++i) parent_[i] = static_cast<std::uint32_t>(i);
  }
  std::uint32_t find(std::uint32_t x) {
    for (;;) {
      const std::uint32_t y = parent_[x];
      if (y == x || (y & kAssigned) != 0) return x;
      const std::uint32_t z = parent_[y];
      if (z == y || (z & kAssigned) != 0) return y;
      parent_[x] = z;  // path halving
      x = z;
    }
  }
  void unite(std::uint32_t a, std::uint32_t b) {
    const std::uint32_t ra = find(a);
    const std::uint32_t rb = find(b);
    if (ra < rb) parent_[rb] = ra;
    else if (rb < ra) parent_[ra] = rb;
  }
  /// The index given to the region whose root is `root`, or kAssigned when it has none yet.
  [[nodiscard]] std::uint32_t index_of_root(std::uint32_t root) const {
    const std::uint32_t v = parent_[root];
    return (v & kAssigned) != 0 ? (v & ~kAssigned) : kAssigned;
  }
  void assign(std::uint32_t root, std::uint32_t index) { parent_[root] = kAssigned | index; }

 private:
  std::vector<std::uint32_t> parent_;
};

/// Closed ring of grid corners (i, j) → coordinates.
Ring to_coordinates(const std::vector<std::pair<std::uint32_t, std::uint32_t>>& corners, const Grid& grid) {
  Ring ring;
  ring.x.reserve(corners.size() + 1);
  ring.y.reserve(corners.size() + 1);
  for (const auto& [i, j] : corners) {
    ring.x.push_back(grid.origin_x_m + static_cast<double>(i) * grid.cell_size_m);
    ring.y.push_back(grid.origin_y_m - static_cast<double>(j) * grid.cell_size_m);
  }
  ring.x.push_back(ring.x.front());
  ring.y.push_back(ring.y.front());
  return ring;
}

}  // namespace

std::vector<CellPolygons> trace_cell_polygons(const Grid& grid, std::span<const std::uint32_t> labels,
                                              std::uint32_t no_label) {
  if (labels.size() != grid.cell_count())
    throw std::invalid_argument("trace_cell_polygons: " + std::to_string(labels.size()) + " labels for " +
                                std::to_string(grid.cell_count()) + " cells");
  if (grid.cell_count() >= Regions::kAssigned)
    throw std::invalid_argument("trace_cell_polygons: the grid has more than 2^31 cells");
  std::vector<CellPolygons> out;
  const std::vector<std::uint32_t> distinct = distinct_labels(labels, no_label);
  if (distinct.empty()) return out;
  out.resize(distinct.size());
  for (std::size_t k = 0; k < distinct.size(); ++k) out[k].label = distinct[k];
  const auto index_of_label = [&](std::uint32_t l) {
    return static_cast<std::size_t>(std::lower_bound(distinct.begin(), distinct.end(), l) - distinct.begin());
  };

  const std::uint32_t cols = grid.cols;
  const std::uint32_t rows = grid.rows;
  // Cell counts, and the 4-connected regions.
  Regions regions(labels.size());
  {
    std::uint32_t last = no_label;
    std::size_t last_k = 0;
    for (std::uint32_t r = 0; r < rows; ++r)
      for (std::uint32_t c = 0; c < cols; ++c) {
        const auto i = static_cast<std::uint32_t>(grid.index(c, r));
        const std::uint32_t l = labels[i];
        if (l == no_label) continue;
        if (l != last) {
          last = l;
          last_k = index_of_label(l);
        }
        ++out[last_k].cell_count;
        if (c > 0 && labels[i - 1] == l) regions.unite(i, i - 1);
        if (r > 0 && labels[i - cols] == l) regions.unite(i, i - cols);
      }
  }

  const auto cell = [&](std::int64_t c, std::int64_t r) {
    return static_cast<std::uint32_t>(static_cast<std::size_t>(r) * cols + static_cast<std::size_t>(c));
  };
  // The label at (c, r), no_label outside the grid.
  const auto at = [&](std::int64_t c, std::int64_t r) {
    if (c < 0 || r < 0 || c >= static_cast<std::int64_t>(cols) || r >= static_cast<std::int64_t>(rows)) return no_label;
    return labels[static_cast<std::size_t>(r) * cols + static_cast<std::size_t>(c)];
  };

  // Every ring holds at least one top side (an edge running west with its cell to the south). Scanning the cells in
  // row-major order, the first unvisited boundary top side of a region is the top of its first cell, on its outer
  // ring; the region's later rings are its holes.
  std::vector<std::uint8_t> top_done(labels.size(), 0);
  std::vector<std::pair<std::uint32_t, std::uint32_t>> region_slot;  // per region: label index, polygon index
  std::vector<std::pair<std::uint32_t, std::uint32_t>> corners;
  for (std::uint32_t r0 = 0; r0 < rows; ++r0)
    for (std::uint32_t c0 = 0; c0 < cols; ++c0) {
      const auto i0 = static_cast<std::uint32_t>(grid.index(c0, r0));
      const std::uint32_t l = labels[i0];
      if (l == no_label || top_done[i0] != 0 || at(c0, static_cast<std::int64_t>(r0) - 1) == l) continue;
      // Walk with the region on the left. Sides: 0 bottom (running east), 1 right (north), 2 top (west), 3 left
      // (south). At the end of a side: turn right when the cell ahead on the right is the label and the cell ahead
      // is too (an inner corner), or the cell ahead is not but the diagonal cell is of the same region (a pinch
      // within one region: the ring keeps to its own side, the empty cells on either side of the pinch get rings
      // of their own); else turn left when the cell ahead is not the label (also at a pinch between two regions,
      // whose rings thus stay apart); else go straight on. No ring visits a corner twice.
      corners.clear();
      std::int64_t c = c0, r = r0;
      int s = 2;
      top_done[i0] = 1;
      do {
        std::int64_t ic = 0, jc = 0;         // the corner at the end of the side
        std::int64_t ac = 0, ar = 0;         // the cell ahead
        std::int64_t bc = 0, br = 0;         // the cell ahead on the right
        switch (s) {
          case 0: ic = c + 1, jc = r + 1, ac = c + 1, ar = r, bc = c + 1, br = r + 1; break;
          case 1: ic = c + 1, jc = r, ac = c, ar = r - 1, bc = c + 1, br = r - 1; break;
          case 2: ic = c, jc = r, ac = c - 1, ar = r, bc = c - 1, br = r - 1; break;
          default: ic = c, jc = r + 1, ac = c, ar = r + 1, bc = c - 1, br = r + 1; break;
        }
        const bool ahead = at(ac, ar) == l;
        bool right = at(bc, br) == l;
        if (!ahead && right)  // a pinch: cross to the diagonal cell only when it is of the same region
          right = regions.find(cell(c, r)) == regions.find(cell(bc, br));
        if (right) {
          corners.emplace_back(static_cast<std::uint32_t>(ic), static_cast<std::uint32_t>(jc));
          c = bc, r = br;
          s = (s + 3) % 4;
        } else if (!ahead) {
          corners.emplace_back(static_cast<std::uint32_t>(ic), static_cast<std::uint32_t>(jc));
          s = (s + 1) % 4;
        } else {
          c = ac, r = ar;
        }
        if (s == 2) top_done[static_cast<std::size_t>(r) * cols + static_cast<std::size_t>(c)] = 1;
      } while (!(c == c0 && r == r0 && s == 2));

      const std::uint32_t root = regions.find(i0);
      std::uint32_t slot = regions.index_of_root(root);
      if (slot == Regions::kAssigned) {  // the region's first ring: its outer ring
        slot = static_cast<std::uint32_t>(region_slot.size());
        regions.assign(root, slot);
        const auto k = static_cast<std::uint32_t>(index_of_label(l));
        region_slot.emplace_back(k, static_cast<std::uint32_t>(out[k].polygons.size()));
        out[k].polygons.emplace_back();
        out[k].polygons.back().shell = to_coordinates(corners, grid);
      } else {
        const auto [k, p] = region_slot[slot];
        out[k].polygons[p].holes.push_back(to_coordinates(corners, grid));
      }
    }
  return out;
}

Geometry polygons_geometry(const std::vector<PolygonRings>& polygons) {
  GEOSContextHandle_t ctx = geos_context();
  const auto fail = [](const char* what) {
    throw std::runtime_error(std::string("GEOS failed building a polygon from traced rings: ") + what);
  };
  const auto ring_of = [&](const Ring& ring) {
    if (ring.x.size() != ring.y.size() || ring.x.size() < 4)
      throw std::invalid_argument("polygons_geometry: a ring needs at least 4 vertices, as many x as y");
    GEOSCoordSequence* seq =
        GEOSCoordSeq_copyFromArrays_r(ctx, ring.x.data(), ring.y.data(), nullptr, nullptr,
                                      static_cast<unsigned int>(ring.x.size()));
    if (seq == nullptr) fail("coordinates");
    GEOSGeometry* g = GEOSGeom_createLinearRing_r(ctx, seq);  // takes the sequence, also when it fails
    if (g == nullptr) fail("ring");
    return Geometry(g);
  };
  std::vector<Geometry> parts;
  parts.reserve(polygons.size());
  for (const PolygonRings& p : polygons) {
    Geometry shell = ring_of(p.shell);
    std::vector<Geometry> holes;
    holes.reserve(p.holes.size());
    for (const Ring& h : p.holes) holes.push_back(ring_of(h));
    std::vector<GEOSGeometry*> raw(holes.size());
    for (std::size_t i = 0; i < holes.size(); ++i) raw[i] = holes[i].release();
    // GEOSGeom_createPolygon takes the rings, also when it fails.
    GEOSGeometry* polygon =
        GEOSGeom_createPolygon_r(ctx, shell.release(), raw.data(), static_cast<unsigned int>(raw.size()));
    if (polygon == nullptr) fail("polygon");
    parts.emplace_back(polygon);
  }
  if (parts.empty()) {
    GEOSGeometry* empty = GEOSGeom_createEmptyPolygon_r(ctx);
    if (empty == nullptr) fail("empty polygon");
    return Geometry(empty);
  }
  if (parts.size() == 1) return std::move(parts.front());
  std::vector<GEOSGeometry*> raw(parts.size());
  for (std::size_t i = 0; i < parts.size(); ++i) raw[i] = parts[i].release();
  GEOSGeometry* multi =
      GEOSGeom_createCollection_r(ctx, GEOS_MULTIPOLYGON, raw.data(), static_cast<unsigned int>(raw.size()));
  if (multi == nullptr) fail("multipolygon");
  return Geometry(multi);
}

namespace {

struct Point {
  double x = 0;
  double y = 0;
};

/// The two points one pass of Chaikin's algorithm puts on the edge a → b: at distance d from a and from b,
/// d = min(|ab| / 4, cap) (computed as io::smooth_without_loss computes them).
std::pair<Point, Point> cut(const Point& a, const Point& b, double cap) {
  const double dx = b.x - a.x;
  const double dy = b.y - a.y;
  const double len = std::hypot(dx, dy);
  const double t = std::min(len / 4.0, cap) / len;
  return {{a.x + t * dx, a.y + t * dy}, {b.x - t * dx, b.y - t * dy}};
}

Ring smooth_ring(const Ring& ring, double cap) {
  // The ring's corners, without the closing vertex (traced rings have no collinear or repeated vertex).
  const std::size_t n = ring.x.size() - 1;
  Ring out;
  out.x.reserve(2 * n + 1);
  out.y.reserve(2 * n + 1);
  const auto corner = [&](std::size_t i) { return Point{ring.x[i % n], ring.y[i % n]}; };
  for (std::size_t i = 0; i < n; ++i) {
    const Point p = corner(i + n - 1);
    const Point q = corner(i);
    const Point r = corner(i + 1);
    const double cross = (q.x - p.x) * (r.y - q.y) - (q.y - p.y) * (r.x - q.x);
    if (cross >= 0.0) {  // a left turn: a convex corner of the region, whose cut falls inside: kept
      out.x.push_back(q.x);
      out.y.push_back(q.y);
      continue;
    }
    // A right turn: a concave corner. Of the curve two passes cut here, the part outside the region: the last
    // point the second pass puts on the edge p → q, the two on the first pass's corner cut, the first on q → r.
    const auto [a1, a2] = cut(p, q, cap);
    const auto [b1, b2] = cut(q, r, cap);
    const Point x1 = cut(a1, a2, cap).second;
    const auto [x2, x3] = cut(a2, b1, cap);
    const Point x4 = cut(b1, b2, cap).first;
    for (const Point& v : {x1, x2, x3, x4}) {
      out.x.push_back(v.x);
      out.y.push_back(v.y);
    }
  }
  out.x.push_back(out.x.front());
  out.y.push_back(out.y.front());
  return out;
}

}  // namespace

std::vector<PolygonRings> smooth_cell_polygons(const std::vector<PolygonRings>& polygons, double cell_size_m) {
  if (!(cell_size_m > 0.0) || !std::isfinite(cell_size_m))
    throw std::invalid_argument("smooth_cell_polygons: the cell size must be a positive number of metres");
  const double cap = cell_size_m / 4.0;
  std::vector<PolygonRings> out;
  out.reserve(polygons.size());
  for (const PolygonRings& p : polygons) {
    PolygonRings s;
    s.shell = smooth_ring(p.shell, cap);
    s.holes.reserve(p.holes.size());
    for (const Ring& h : p.holes) s.holes.push_back(smooth_ring(h, cap));
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace carereach::geo

namespace carereach::geo {

namespace {

/// Douglas–Peucker on the points (x, y)[0 … n-1], keeping the first and last: keep[k] set for every kept point. The
/// farthest point of a stretch is the first of the largest distance, so the result depends only on the sequence.
void douglas_peucker(const std::vector<double>& x, const std::vector<double>& y, double tolerance,
                     std::vector<char>& keep) {
  const std::size_t n = x.size();
  keep.assign(n, 0);
  if (n == 0) return;
  keep.front() = 1;
  keep.back() = 1;
  std::vector<std::pair<std::size_t, std::size_t>> stack;
  if (n > 2) stack.emplace_back(0, n - 1);
  const double tol2 = tolerance * tolerance;
  while (!stack.empty()) {
    const auto [a, b] = stack.back();
    stack.pop_back();
    const double dx = x[b] - x[a], dy = y[b] - y[a];
    const double len2 = dx * dx + dy * dy;
    double worst = -1.0;
    std::size_t at = a;
    for (std::size_t k = a + 1; k < b; ++k) {
      double ex = x[k] - x[a], ey = y[k] - y[a];
      double d2 = 0.0;
      if (len2 > 0.0) {
        const double t = std::clamp((ex * dx + ey * dy) / len2, 0.0, 1.0);
        ex -= t * dx;
        ey -= t * dy;
      }
      d2 = ex * ex + ey * ey;
      if (d2 > worst) worst = d2, at = k;
    }
    if (worst > tol2) {
      keep[at] = 1;
      if (at - a > 1) stack.emplace_back(a, at);
      if (b - at > 1) stack.emplace_back(at, b);
    }
  }
}

bool less_xy(double ax, double ay, double bx, double by) { return ax < bx || (ax == bx && ay < by); }

/// The points of a stretch (first to last, both kept) simplified in a direction fixed by the coordinates: the same
/// result whichever way round it is given. `closed`: first and last are the same point (a loop).
void simplify_stretch(std::vector<double>& x, std::vector<double>& y, double tolerance) {
  const std::size_t n = x.size();
  if (n <= 2) return;
  bool reverse = less_xy(x.back(), y.back(), x.front(), y.front());
  if (x.front() == x.back() && y.front() == y.back())  // a loop: by its second and second to last points
    reverse = less_xy(x[n - 2], y[n - 2], x[1], y[1]);
  if (reverse) {
    std::reverse(x.begin(), x.end());
    std::reverse(y.begin(), y.end());
  }
  std::vector<char> keep;
  douglas_peucker(x, y, tolerance, keep);
  std::vector<double> kx, ky;
  for (std::size_t k = 0; k < n; ++k)
    if (keep[k] != 0) kx.push_back(x[k]), ky.push_back(y[k]);
  // A loop keeps at least 3 distinct points (4 with the repeated one), or all of them.
  const bool loop = x.front() == x.back() && y.front() == y.back();
  if (loop && kx.size() < 4) {  // kept whole, in the order it was given
    if (reverse) {
      std::reverse(x.begin(), x.end());
      std::reverse(y.begin(), y.end());
    }
    return;
  }
  if (reverse) {
    std::reverse(kx.begin(), kx.end());
    std::reverse(ky.begin(), ky.end());
  }
  x = std::move(kx);
  y = std::move(ky);
}

}  // namespace

void simplify_cell_polygons(std::vector<CellPolygons>& traced, const Grid& grid, std::span<const std::uint32_t> labels,
                            std::uint32_t no_label, double tolerance_m) {
  if (!(tolerance_m >= 0.0) || !std::isfinite(tolerance_m))
    throw std::invalid_argument("simplify_cell_polygons: the tolerance must be a finite number >= 0");
  if (labels.size() != grid.cell_count())
    throw std::invalid_argument("simplify_cell_polygons: one label per cell is needed");
  if (tolerance_m == 0.0) return;
  const auto at = [&](std::int64_t c, std::int64_t r) {
    if (c < 0 || r < 0 || c >= static_cast<std::int64_t>(grid.cols) || r >= static_cast<std::int64_t>(grid.rows))
      return no_label;
    return labels[static_cast<std::size_t>(r) * grid.cols + static_cast<std::size_t>(c)];
  };
  // A node: three or more labels around the corner, or two meeting diagonally.
  const auto is_node = [&](double x, double y) {
    const auto i = static_cast<std::int64_t>(std::llround((x - grid.origin_x_m) / grid.cell_size_m));
    const auto j = static_cast<std::int64_t>(std::llround((grid.origin_y_m - y) / grid.cell_size_m));
    const std::uint32_t nw = at(i - 1, j - 1), ne = at(i, j - 1), sw = at(i - 1, j), se = at(i, j);
    if (nw == se && ne == sw && nw != ne) return true;
    std::uint32_t seen[4] = {nw, 0, 0, 0};
    std::size_t distinct = 1;
    for (const std::uint32_t v : {ne, sw, se})
      if (std::find(seen, seen + distinct, v) == seen + distinct) seen[distinct++] = v;
    return distinct >= 3;
  };
  const auto simplify_ring = [&](Ring& ring) {
    // The ring's vertices and the nodes its edges pass straight through (where a third label meets it from the
    // other side: a vertex of the other labels' rings, not of this one), each with its node flag.
    const std::size_t n = ring.x.size() - 1;  // closed
    std::vector<double> vx, vy;
    std::vector<char> node;
    vx.reserve(n);
    vy.reserve(n);
    node.reserve(n);
    for (std::size_t k = 0; k < n; ++k) {
      vx.push_back(ring.x[k]);
      vy.push_back(ring.y[k]);
      node.push_back(is_node(ring.x[k], ring.y[k]) ? 1 : 0);
      const double dx = ring.x[k + 1] - ring.x[k], dy = ring.y[k + 1] - ring.y[k];
      const auto steps = static_cast<std::int64_t>(std::llround(std::max(std::abs(dx), std::abs(dy)) / grid.cell_size_m));
      for (std::int64_t m = 1; m < steps; ++m) {
        // Grid corners along the edge, computed as the tracer computes vertices.
        const auto i = std::llround((ring.x[k] - grid.origin_x_m) / grid.cell_size_m) +
                       (dx > 0 ? m : dx < 0 ? -m : 0);
        const auto j = std::llround((grid.origin_y_m - ring.y[k]) / grid.cell_size_m) +
                       (dy < 0 ? m : dy > 0 ? -m : 0);
        const double x = grid.origin_x_m + static_cast<double>(i) * grid.cell_size_m;
        const double y = grid.origin_y_m - static_cast<double>(j) * grid.cell_size_m;
        if (!is_node(x, y)) continue;
        vx.push_back(x);
        vy.push_back(y);
        node.push_back(1);
      }
    }
    const std::size_t m = vx.size();
    std::size_t first_node = m;
    for (std::size_t k = 0; k < m && first_node == m; ++k)
      if (node[k] != 0) first_node = k;
    Ring out;
    if (first_node == m) {  // one loop, from its smallest vertex
      std::size_t start = 0;
      for (std::size_t k = 1; k < m; ++k)
        if (less_xy(vx[k], vy[k], vx[start], vy[start])) start = k;
      for (std::size_t k = 0; k <= m; ++k) {
        out.x.push_back(vx[(start + k) % m]);
        out.y.push_back(vy[(start + k) % m]);
      }
      simplify_stretch(out.x, out.y, tolerance_m);
    } else {  // stretches from node to node
      std::vector<double> sx, sy;
      for (std::size_t k = 0; k <= m; ++k) {
        const std::size_t v = (first_node + k) % m;
        sx.push_back(vx[v]);
        sy.push_back(vy[v]);
        if (k > 0 && node[v] != 0) {
          simplify_stretch(sx, sy, tolerance_m);
          const std::size_t skip = out.x.empty() ? 0 : 1;  // the node already ends the previous stretch
          out.x.insert(out.x.end(), sx.begin() + static_cast<std::ptrdiff_t>(skip), sx.end());
          out.y.insert(out.y.end(), sy.begin() + static_cast<std::ptrdiff_t>(skip), sy.end());
          sx.assign(1, vx[v]);
          sy.assign(1, vy[v]);
        }
      }
      if (out.x.size() < 4) out = {};  // fewer than 3 distinct vertices: emptied
    }
    ring = std::move(out);
  };
  for (CellPolygons& t : traced)
    for (PolygonRings& p : t.polygons) {
      simplify_ring(p.shell);
      for (Ring& h : p.holes) simplify_ring(h);
    }
}

std::vector<PolygonRings> drawable_cell_polygons(std::vector<PolygonRings> polygons) {
  std::vector<PolygonRings> out;
  out.reserve(polygons.size());
  for (PolygonRings& p : polygons) {
    if (p.shell.x.empty()) continue;
    std::erase_if(p.holes, [](const Ring& h) { return h.x.empty(); });
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace carereach::geo
