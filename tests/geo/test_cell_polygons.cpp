// Polygons traced along cell edges (geo::trace_cell_polygons) and their smoothing without overlay
// (geo::smooth_cell_polygons). References: areas counted from the cells, the overlay union of the cells' squares
// (GEOS), and for the smoothing the overlay union of each ring with its corner-cut copy, computed here on its own.

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <map>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

#define GEOS_USE_ONLY_R_API
#include <geos_c.h>

#include "core/grid.hpp"
#include "geo/cell_polygons.hpp"
#include "geo/geos.hpp"
#include "geo/rings.hpp"

using carereach::Grid;
namespace geo = carereach::geo;

namespace {

constexpr std::uint32_t kNone = 0;

struct Labels {
  Grid grid;
  std::vector<std::uint32_t> labels;
};

/// A grid from rows of text, row 0 at the top: '.' = no label, a digit = that label.
Labels from_text(const std::vector<std::string>& rows, double cell = 100.0) {
  Labels g;
  g.grid.origin_x_m = 1000.0;
  g.grid.origin_y_m = 5000.0;
  g.grid.cell_size_m = cell;
  g.grid.rows = static_cast<std::uint32_t>(rows.size());
  g.grid.cols = static_cast<std::uint32_t>(rows.front().size());
  for (const std::string& row : rows)
    for (const char c : row) g.labels.push_back(c == '.' ? kNone : static_cast<std::uint32_t>(c - '0'));
  return g;
}

/// A seeded random grid: `empty_in_6` of six draws leave a cell unlabelled, the others pick one of `labels`.
Labels random_grid(std::uint32_t seed, std::uint32_t cols, std::uint32_t rows, int empty_in_6, int labels) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> six(0, 5);
  std::uniform_int_distribution<int> pick(1, labels);
  Labels g;
  g.grid.origin_x_m = 438123.7;
  g.grid.origin_y_m = 3520417.3;
  g.grid.cell_size_m = 30.0;
  g.grid.cols = cols;
  g.grid.rows = rows;
  g.labels.resize(g.grid.cell_count());
  for (auto& l : g.labels) l = six(rng) < empty_in_6 ? kNone : static_cast<std::uint32_t>(pick(rng));
  return g;
}

GEOSContextHandle_t ctx() { return geo::geos_context(); }

double area_of(GEOSGeometry* g) {
  REQUIRE(g != nullptr);
  double a = 0;
  REQUIRE(GEOSArea_r(ctx(), g, &a) == 1);
  GEOSGeom_destroy_r(ctx(), g);
  return a;
}
double symmetric_difference_area(const geo::Geometry& a, const geo::Geometry& b) {
  return area_of(GEOSSymDifference_r(ctx(), a.get(), b.get()));
}
double intersection_area(const geo::Geometry& a, const geo::Geometry& b) {
  return area_of(GEOSIntersection_r(ctx(), a.get(), b.get()));
}

/// The squares of the cells of `label` (every labelled cell for kNone), unioned by GEOS's overlay.
geo::Geometry cell_squares(const Labels& g, std::uint32_t label) {
  std::vector<geo::Geometry> squares;
  const Grid& grid = g.grid;
  for (std::uint32_t r = 0; r < grid.rows; ++r)
    for (std::uint32_t c = 0; c < grid.cols; ++c) {
      const std::uint32_t l = g.labels[grid.index(c, r)];
      if (l == kNone || (label != kNone && l != label)) continue;
      geo::PolygonRings p;
      const double x0 = grid.origin_x_m + c * grid.cell_size_m, x1 = grid.origin_x_m + (c + 1) * grid.cell_size_m;
      const double y0 = grid.origin_y_m - (r + 1) * grid.cell_size_m, y1 = grid.origin_y_m - r * grid.cell_size_m;
      p.shell.x = {x0, x1, x1, x0, x0};
      p.shell.y = {y0, y0, y1, y1, y0};
      squares.push_back(geo::polygons_geometry({p}));
    }
  return geo::Geometry::union_all(std::move(squares));
}

/// Twice the signed area of a closed ring (positive: counter-clockwise).
double signed_area2(const geo::Ring& r) {
  double s = 0;
  for (std::size_t i = 0; i + 1 < r.x.size(); ++i) s += r.x[i] * r.y[i + 1] - r.x[i + 1] * r.y[i];
  return s;
}

/// Checks the form of every ring: closed, at least 4 corners, no collinear or repeated vertex, every vertex a grid
/// corner computed as origin + i × cell, edges along the grid; outer rings counter-clockwise, holes clockwise.
void check_rings(const std::vector<geo::CellPolygons>& traced, const Grid& grid) {
  const auto check_ring = [&](const geo::Ring& r, bool shell) {
    REQUIRE(r.x.size() == r.y.size());
    REQUIRE(r.x.size() >= 5);
    CHECK(r.x.front() == r.x.back());
    CHECK(r.y.front() == r.y.back());
    CHECK((signed_area2(r) > 0) == shell);
    const std::size_t n = r.x.size() - 1;
    for (std::size_t k = 0; k < n; ++k) {
      const double i = std::round((r.x[k] - grid.origin_x_m) / grid.cell_size_m);
      const double j = std::round((grid.origin_y_m - r.y[k]) / grid.cell_size_m);
      CHECK(r.x[k] == grid.origin_x_m + i * grid.cell_size_m);
      CHECK(r.y[k] == grid.origin_y_m - j * grid.cell_size_m);
      const std::size_t prev = (k + n - 1) % n, next = (k + 1) % n;
      const bool in_x = r.y[prev] == r.y[k], out_x = r.y[next] == r.y[k];
      CHECK((in_x || r.x[prev] == r.x[k]));  // edges along the grid
      CHECK(in_x != out_x);                   // every vertex a turn
    }
  };
  for (const auto& t : traced)
    for (const auto& p : t.polygons) {
      check_ring(p.shell, true);
      for (const auto& h : p.holes) check_ring(h, false);
    }
}

std::size_t holes_of(const geo::CellPolygons& t) {
  std::size_t n = 0;
  for (const auto& p : t.polygons) n += p.holes.size();
  return n;
}

}  // namespace

TEST_CASE("trace_cell_polygons: one cell, a bar, coordinates and orientation by hand", "[cell_polygons]") {
  const Labels g = from_text({"..", ".3"});
  const auto traced = geo::trace_cell_polygons(g.grid, g.labels, kNone);
  REQUIRE(traced.size() == 1);
  CHECK(traced[0].label == 3);
  CHECK(traced[0].cell_count == 1);
  REQUIRE(traced[0].polygons.size() == 1);
  // Cell (1, 1): x 1100…1200, y 4800…4900; counter-clockwise from the corner at the top left.
  const geo::Ring& r = traced[0].polygons[0].shell;
  CHECK(r.x == std::vector<double>{1100, 1100, 1200, 1200, 1100});
  CHECK(r.y == std::vector<double>{4900, 4800, 4800, 4900, 4900});
  // A bar of three cells: four corners only.
  const Labels bar = from_text({"111"});
  const auto b = geo::trace_cell_polygons(bar.grid, bar.labels, kNone);
  REQUIRE(b.size() == 1);
  CHECK(b[0].polygons.at(0).shell.x.size() == 5);
  CHECK(geo::polygons_geometry(b[0].polygons).area() == Approx(3e4).epsilon(1e-12));
  check_rings(b, bar.grid);
}

TEST_CASE("trace_cell_polygons: holes, islands, and the two pinch rules", "[cell_polygons]") {
  // A hole: one polygon, one clockwise interior ring.
  const Labels ring = from_text({"111", "1.1", "111"});
  const auto t1 = geo::trace_cell_polygons(ring.grid, ring.labels, kNone);
  REQUIRE(t1.size() == 1);
  CHECK(t1[0].polygons.size() == 1);
  CHECK(holes_of(t1[0]) == 1);
  check_rings(t1, ring.grid);

  // Two regions of one label meeting at a corner: two polygons whose rings touch at that point only.
  const Labels diagonal = from_text({"1.", ".1"});
  const auto t2 = geo::trace_cell_polygons(diagonal.grid, diagonal.labels, kNone);
  REQUIRE(t2.size() == 1);
  REQUIRE(t2[0].polygons.size() == 2);
  for (const auto& p : t2[0].polygons) CHECK(p.shell.x.size() == 5);  // each its own square
  const geo::Geometry g2 = geo::polygons_geometry(t2[0].polygons);
  CHECK(g2.is_valid());
  CHECK(g2.area() == Approx(2e4).epsilon(1e-12));
  check_rings(t2, diagonal.grid);

  // One region meeting itself at a corner (the hole at row 1, column 1 touches the empty cell at row 2, column 2):
  // the hole gets its own ring, touching the outer ring at (1200, 4800); the lone cell at the bottom right is a
  // second polygon touching the first at (1300, 4700).
  const Labels pinch = from_text({"111.", "1.1.", "11..", "...1"});
  const auto t3 = geo::trace_cell_polygons(pinch.grid, pinch.labels, kNone);
  REQUIRE(t3.size() == 1);
  CHECK(t3[0].cell_count == 8);
  REQUIRE(t3[0].polygons.size() == 2);
  CHECK(t3[0].polygons[0].holes.size() == 1);
  CHECK(t3[0].polygons[0].holes[0].x.size() == 5);  // the hole is one cell
  CHECK(t3[0].polygons[1].shell.x.size() == 5);
  std::string reason;
  CHECK(geo::polygons_geometry(t3[0].polygons).is_valid(&reason));
  INFO(reason);
  check_rings(t3, pinch.grid);

  // Two holes of one region touching at a corner: two rings.
  const Labels two_holes = from_text({"1111", "1.11", "11.1", "1111"});
  const auto t4 = geo::trace_cell_polygons(two_holes.grid, two_holes.labels, kNone);
  REQUIRE(t4.size() == 1);
  REQUIRE(t4[0].polygons.size() == 1);
  CHECK(t4[0].polygons[0].holes.size() == 2);
  CHECK(geo::polygons_geometry(t4[0].polygons).is_valid());
  check_rings(t4, two_holes.grid);

  // A checkerboard: every cell its own polygon.
  const Labels board = from_text({"1212", "2121", "1212"});
  const auto t5 = geo::trace_cell_polygons(board.grid, board.labels, kNone);
  REQUIRE(t5.size() == 2);
  CHECK(t5[0].polygons.size() == 6);
  CHECK(t5[1].polygons.size() == 6);
  for (const auto& t : t5) CHECK(geo::polygons_geometry(t.polygons).is_valid());
}

TEST_CASE("trace_cell_polygons: empty grids, other no-label values, bad sizes", "[cell_polygons]") {
  const Labels g = from_text({"...", "..."});
  CHECK(geo::trace_cell_polygons(g.grid, g.labels, kNone).empty());
  const Labels h = from_text({"09", "90"});
  const auto t = geo::trace_cell_polygons(h.grid, h.labels, 9);
  REQUIRE(t.size() == 1);
  CHECK(t[0].label == 0);
  CHECK(t[0].polygons.size() == 2);
  const std::vector<std::uint32_t> too_few(3, 1);
  CHECK_THROWS_AS(geo::trace_cell_polygons(h.grid, too_few, kNone), std::invalid_argument);
  CHECK(geo::polygons_geometry({}).is_empty());
}

TEST_CASE("trace_cell_polygons: random grids against the overlay union of the cells' squares", "[cell_polygons]") {
  // Seeded grids from dense to sparse, two to five labels: each label's polygons are valid, have the label's cell
  // area, and are the same point set as the union of its squares; labels do not overlap; together they cover the
  // labelled cells without a gap.
  struct Case {
    std::uint32_t seed;
    int empty_in_6;
    int labels;
  };
  const std::vector<Case> cases = {{1, 0, 2}, {2, 1, 3}, {3, 2, 4}, {4, 3, 2}, {5, 4, 5}, {6, 3, 3}, {7, 5, 1}};
  for (const Case& k : cases) {
    INFO("seed " << k.seed);
    const Labels g = random_grid(k.seed, 33, 27, k.empty_in_6, k.labels);
    const auto traced = geo::trace_cell_polygons(g.grid, g.labels, kNone);
    check_rings(traced, g.grid);
    const double cell_area = g.grid.cell_size_m * g.grid.cell_size_m;
    std::vector<geo::Geometry> polygons;
    for (const auto& t : traced) {
      INFO("label " << t.label);
      const auto cells = static_cast<std::size_t>(std::count(g.labels.begin(), g.labels.end(), t.label));
      CHECK(t.cell_count == cells);
      geo::Geometry p = geo::polygons_geometry(t.polygons);
      std::string reason;
      CHECK(p.is_valid(&reason));
      INFO(reason);
      CHECK(p.area() == Approx(static_cast<double>(cells) * cell_area).epsilon(1e-12));
      CHECK(symmetric_difference_area(p, cell_squares(g, t.label)) == Approx(0.0).margin(1e-6));
      // Each polygon is one 4-connected region: as many polygons as regions counted by a flood fill here.
      std::vector<int> seen(g.labels.size(), 0);
      std::size_t regions = 0;
      for (std::size_t i = 0; i < g.labels.size(); ++i) {
        if (g.labels[i] != t.label || seen[i] != 0) continue;
        ++regions;
        std::vector<std::size_t> stack{i};
        seen[i] = 1;
        while (!stack.empty()) {
          const std::size_t x = stack.back();
          stack.pop_back();
          const std::size_t c = x % g.grid.cols, r = x / g.grid.cols;
          const auto visit = [&](std::size_t y) {
            if (g.labels[y] == t.label && seen[y] == 0) seen[y] = 1, stack.push_back(y);
          };
          if (c > 0) visit(x - 1);
          if (c + 1 < g.grid.cols) visit(x + 1);
          if (r > 0) visit(x - g.grid.cols);
          if (r + 1 < g.grid.rows) visit(x + g.grid.cols);
        }
      }
      CHECK(t.polygons.size() == regions);
      polygons.push_back(std::move(p));
    }
    for (std::size_t i = 0; i < polygons.size(); ++i)
      for (std::size_t j = i + 1; j < polygons.size(); ++j)
        CHECK(intersection_area(polygons[i], polygons[j]) == Approx(0.0).margin(1e-6));
    const geo::Geometry together = geo::Geometry::union_all(std::move(polygons));
    CHECK(symmetric_difference_area(together, cell_squares(g, kNone)) == Approx(0.0).margin(1e-6));
  }
}

namespace {

/// Reference of the smoothing, by overlay: each ring's corners (collinear vertices dropped) cut by two passes of
/// Chaikin's algorithm, cut = min(edge / 4, cell / 4); the corner-cut polygons united with the original.
geo::Ring chaikin(const geo::Ring& ring, double cap) {
  geo::Ring out;
  const std::size_t n = ring.x.size() - 1;  // closed
  for (std::size_t i = 0; i < n; ++i) {
    const double ax = ring.x[i], ay = ring.y[i], bx = ring.x[i + 1], by = ring.y[i + 1];
    const double len = std::hypot(bx - ax, by - ay);
    const double d = std::min(len / 4.0, cap);
    out.x.push_back(ax + (bx - ax) * d / len);
    out.y.push_back(ay + (by - ay) * d / len);
    out.x.push_back(bx - (bx - ax) * d / len);
    out.y.push_back(by - (by - ay) * d / len);
  }
  out.x.push_back(out.x.front());
  out.y.push_back(out.y.front());
  return out;
}

geo::Geometry smoothed_by_overlay(const std::vector<geo::PolygonRings>& polygons, double cell) {
  std::vector<geo::Geometry> pieces;
  pieces.push_back(geo::polygons_geometry(polygons));
  for (const auto& p : polygons) {
    geo::PolygonRings s;
    s.shell = chaikin(chaikin(p.shell, cell / 4), cell / 4);
    for (const auto& h : p.holes) s.holes.push_back(chaikin(chaikin(h, cell / 4), cell / 4));
    geo::Geometry g = geo::polygons_geometry({s});
    if (!g.is_valid()) g = g.make_valid_polygonal();
    pieces.push_back(std::move(g));
  }
  return geo::Geometry::union_all(std::move(pieces));
}

}  // namespace

TEST_CASE("smooth_cell_polygons: a staircase gains 5/128 cell² per concave corner, convex corners stay",
          "[cell_polygons][smooth]") {
  // Three steps: concave corners at two places, each between edges one cell long: 2 × 5/128 cell².
  const Labels stairs = from_text({"1..", "11.", "111"});
  const auto traced = geo::trace_cell_polygons(stairs.grid, stairs.labels, kNone);
  const auto smooth = geo::smooth_cell_polygons(traced.at(0).polygons, 100.0);
  const geo::Geometry g = geo::polygons_geometry(smooth);
  CHECK(g.is_valid());
  CHECK(g.area() == Approx(6e4 + 2 * 5.0 / 128.0 * 1e4).epsilon(1e-12));
  // A box has no concave corner: unchanged.
  const Labels box = from_text({"11", "11"});
  const auto b = geo::trace_cell_polygons(box.grid, box.labels, kNone);
  CHECK(geo::smooth_cell_polygons(b.at(0).polygons, 100.0).at(0).shell.x == b.at(0).polygons.at(0).shell.x);
  CHECK_THROWS_AS(geo::smooth_cell_polygons(b.at(0).polygons, 0.0), std::invalid_argument);
  CHECK_THROWS_AS(geo::smooth_cell_polygons(b.at(0).polygons, NAN), std::invalid_argument);
}

TEST_CASE("smooth_cell_polygons: random areas, the same point set as the overlay union, valid",
          "[cell_polygons][smooth]") {
  // One label (a service area) on seeded grids, dense to sparse: holes, pinches within a region and between
  // regions, one-cell gaps. The bevelled outline equals the union of the cells with their corner-cut copies.
  for (std::uint32_t seed = 11; seed < 19; ++seed) {
    INFO("seed " << seed);
    const Labels g = random_grid(seed, 29, 23, static_cast<int>(seed % 5) + 1, 1);
    const auto traced = geo::trace_cell_polygons(g.grid, g.labels, kNone);
    REQUIRE(traced.size() == 1);
    const double cell = g.grid.cell_size_m;
    const geo::Geometry smooth = geo::polygons_geometry(geo::smooth_cell_polygons(traced[0].polygons, cell));
    std::string reason;
    CHECK(smooth.is_valid(&reason));
    INFO(reason);
    const geo::Geometry reference = smoothed_by_overlay(traced[0].polygons, cell);
    CHECK(symmetric_difference_area(smooth, reference) == Approx(0.0).margin(1e-6 * cell * cell));
    CHECK(smooth.area() == Approx(reference.area()).epsilon(1e-12));
    // Nothing covered is lost.
    const geo::Geometry cells = geo::polygons_geometry(traced[0].polygons);
    CHECK(intersection_area(cells, smooth) == Approx(cells.area()).epsilon(1e-12));
  }
}

namespace {

/// A seeded grid of blobs: every cell labelled (1 … labels) by the nearest of `seeds` random points, with a little
/// noise, as travel-time bands look; `holes_in_6` of six noisy cells are left unlabelled.
Labels blob_grid(std::uint32_t seed, std::uint32_t cols, std::uint32_t rows, int labels, int holes_in_6) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<std::pair<double, double>> centres(12);
  for (auto& c : centres) c = {u(rng) * cols, u(rng) * rows};
  Labels g;
  g.grid.origin_x_m = 500000.0;
  g.grid.origin_y_m = 3800000.0;
  g.grid.cell_size_m = 250.0;
  g.grid.cols = cols;
  g.grid.rows = rows;
  for (std::uint32_t r = 0; r < rows; ++r)
    for (std::uint32_t c = 0; c < cols; ++c) {
      std::size_t best = 0;
      double best_d = 1e300;
      for (std::size_t k = 0; k < centres.size(); ++k) {
        const double d = std::hypot(c + 0.5 - centres[k].first, r + 0.5 - centres[k].second) + 3.0 * u(rng);
        if (d < best_d) best_d = d, best = k;
      }
      const bool hole = u(rng) < 0.08 && u(rng) * 6 < holes_in_6;
      g.labels.push_back(hole ? kNone : static_cast<std::uint32_t>(best % static_cast<std::size_t>(labels)) + 1);
    }
  return g;
}

double point_to_ring(double px, double py, const geo::Ring& r) {
  double best = 1e300;
  for (std::size_t k = 0; k + 1 < r.x.size(); ++k) {
    const double dx = r.x[k + 1] - r.x[k], dy = r.y[k + 1] - r.y[k];
    const double len2 = dx * dx + dy * dy;
    const double t = len2 > 0 ? std::clamp(((px - r.x[k]) * dx + (py - r.y[k]) * dy) / len2, 0.0, 1.0) : 0.0;
    best = std::min(best, std::hypot(px - r.x[k] - t * dx, py - r.y[k] - t * dy));
  }
  return best;
}

}  // namespace

TEST_CASE("simplify_cell_polygons: shared boundaries simplified once for both sides, within the tolerance",
          "[cell_polygons][simplify]") {
  for (std::uint32_t seed = 21; seed < 27; ++seed) {
    INFO("seed " << seed);
    const Labels g = blob_grid(seed, 60, 45, 3 + static_cast<int>(seed % 3), static_cast<int>(seed % 2) * 6);
    const auto original = geo::trace_cell_polygons(g.grid, g.labels, kNone);
    auto simplified = original;
    const double tolerance = 1.1 * g.grid.cell_size_m;
    geo::simplify_cell_polygons(simplified, g.grid, g.labels, kNone, tolerance);
    REQUIRE(simplified.size() == original.size());
    std::size_t before = 0, after = 0, emptied = 0, rings = 0;
    // Undirected segments of every label's simplified rings: a segment between two labels appears twice (once in
    // each), a segment once only lies along no label (empty cells or beyond the grid).
    std::map<std::array<double, 4>, int> segments;
    const auto add_segments = [&](const geo::Ring& r) {
      for (std::size_t k = 0; k + 1 < r.x.size(); ++k) {
        std::array<double, 4> s{r.x[k], r.y[k], r.x[k + 1], r.y[k + 1]};
        if (std::make_pair(s[2], s[3]) < std::make_pair(s[0], s[1])) s = {s[2], s[3], s[0], s[1]};
        ++segments[s];
      }
    };
    for (std::size_t t = 0; t < original.size(); ++t) {
      REQUIRE(simplified[t].polygons.size() == original[t].polygons.size());
      for (std::size_t p = 0; p < original[t].polygons.size(); ++p) {
        const auto& o = original[t].polygons[p];
        const auto& s = simplified[t].polygons[p];
        REQUIRE(s.holes.size() == o.holes.size());
        const auto check = [&](const geo::Ring& orig, const geo::Ring& simp) {
          before += orig.x.size();
          after += simp.x.size();
          if (simp.x.empty()) {  // emptied: a region narrower than the tolerance between others
            ++emptied;
            return;
          }
          CHECK(simp.x.size() >= 4);
          CHECK(simp.x.front() == simp.x.back());
          CHECK(simp.y.front() == simp.y.back());
          // Every kept vertex lies on the original ring (a vertex, or a node on an edge); every original vertex lies
          // within the tolerance of the simplified ring.
          for (std::size_t k = 0; k < simp.x.size(); ++k) CHECK(point_to_ring(simp.x[k], simp.y[k], orig) == 0.0);
          for (std::size_t k = 0; k < orig.x.size(); ++k)
            CHECK(point_to_ring(orig.x[k], orig.y[k], simp) <= tolerance * (1 + 1e-12));
          add_segments(simp);
        };
        check(o.shell, s.shell);
        for (std::size_t h = 0; h < o.holes.size(); ++h) check(o.holes[h], s.holes[h]);
        rings += 1 + o.holes.size();
      }
    }
    CHECK(after < before * 9 / 10);  // the case is about simplifying: staircase corners go
    // Which segments border no label: both ends on the grid's border or at a corner of an unlabelled cell.
    const auto next_to_none = [&](double x, double y) {
      const auto i = static_cast<std::int64_t>(std::llround((x - g.grid.origin_x_m) / g.grid.cell_size_m));
      const auto j = static_cast<std::int64_t>(std::llround((g.grid.origin_y_m - y) / g.grid.cell_size_m));
      for (std::int64_t dj = -1; dj <= 0; ++dj)
        for (std::int64_t di = -1; di <= 0; ++di) {
          const std::int64_t c = i + di, r = j + dj;
          if (c < 0 || r < 0 || c >= g.grid.cols || r >= g.grid.rows) return true;
          if (g.labels[static_cast<std::size_t>(r) * g.grid.cols + static_cast<std::size_t>(c)] == kNone) return true;
        }
      return false;
    };
    std::size_t shared = 0;
    for (const auto& [s, count] : segments) {
      CHECK(count <= 2);
      if (count == 2) ++shared;
      if (count == 1) CHECK((next_to_none(s[0], s[1]) && next_to_none(s[2], s[3])));
    }
    CHECK(shared > 0);
    CHECK(emptied * 4 < rings);  // most regions are wider (this grid is noisier than travel-time bands)
    // drawable_cell_polygons leaves out the emptied rings, and a polygon with its outer ring.
    for (auto& t : simplified) {
      std::size_t empty_shells = 0;
      for (const auto& p : t.polygons) empty_shells += p.shell.x.empty() ? 1 : 0;
      const std::size_t n = t.polygons.size();
      const auto kept = geo::drawable_cell_polygons(std::move(t.polygons));
      CHECK(kept.size() == n - empty_shells);
      for (const auto& p : kept)
        for (const auto& h : p.holes) CHECK(!h.x.empty());
    }
  }
  std::vector<geo::CellPolygons> none;
  const Labels g = from_text({"1"});
  CHECK_THROWS_AS(geo::simplify_cell_polygons(none, g.grid, g.labels, kNone, -1.0), std::invalid_argument);
  CHECK_THROWS_AS(geo::simplify_cell_polygons(none, g.grid, {}, kNone, 1.0), std::invalid_argument);
}
