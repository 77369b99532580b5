// The report's zone and gap outlines from cell polygons (pipeline/report_maps.hpp): simplified with each boundary
// between two zones simplified once for both, so that neighbouring zones keep sharing their edges — which
// simplifying each zone's polygon by itself (GEOS, zone_shapes) does not give.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "geo/cell_polygons.hpp"
#include "io/polygonize.hpp"
#include "pipeline/report_maps.hpp"

using namespace carereach;

namespace {

constexpr std::uint32_t kNone = UINT32_MAX;

/// 60 × 40 cells of 100 m, every cell in one of three zones whose borders wander (a seeded staircase), so that the
/// borders have many corners to drop.
struct Zones {
  Grid grid;
  std::vector<std::uint32_t> labels;
};

Zones three_zones() {
  Zones z;
  z.grid.cols = 60;
  z.grid.rows = 40;
  z.grid.cell_size_m = 100.0;
  z.grid.origin_x_m = 500000.0;
  z.grid.origin_y_m = 3700000.0;
  z.labels.assign(z.grid.cell_count(), 0);
  std::uint64_t state = 12345;
  const auto next = [&] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<int>((state >> 33) % 3) - 1;  // −1, 0, 1
  };
  int border1 = 20;  // zone 0 left of it, zone 1 right (rows 0–19), zone 2 below a wandering row border
  int border2 = 20;
  std::vector<int> row_border(z.grid.cols);
  for (std::uint32_t c = 0; c < z.grid.cols; ++c) {
    border2 = std::clamp(border2 + next(), 12, 28);
    row_border[c] = border2;
  }
  for (std::uint32_t r = 0; r < z.grid.rows; ++r) {
    border1 = std::clamp(border1 + next(), 10, 50);
    for (std::uint32_t c = 0; c < z.grid.cols; ++c) {
      std::uint32_t label = static_cast<int>(c) < border1 ? 0U : 1U;
      if (static_cast<int>(r) >= row_border[c]) label = 2;
      z.labels[z.grid.index(c, r)] = label;
    }
  }
  return z;
}

io::LayerData zone_layer(std::size_t zones) {
  io::LayerData l;
  l.name = "zones_township";
  l.fields = {{"code", "代码", io::FieldDef::Type::kString}, {"name", "名称", io::FieldDef::Type::kString}};
  for (std::size_t i = 0; i < zones; ++i) {
    io::LayerFeature f;
    f.values = {std::string("99000") + std::to_string(i), "zone " + std::to_string(i)};
    l.features.push_back(std::move(f));
  }
  return l;
}

/// The shell and the holes of a polygon.
std::vector<const geo::Ring*> rings_of(const geo::PolygonRings& p) {
  std::vector<const geo::Ring*> out{&p.shell};
  for (const auto& h : p.holes) out.push_back(&h);
  return out;
}

using Segment = std::pair<std::pair<double, double>, std::pair<double, double>>;

/// The undirected segments of every ring of a zone.
std::set<Segment> segments(const std::vector<geo::PolygonRings>& polygons) {
  std::set<Segment> out;
  for (const auto& p : polygons)
    for (const geo::Ring* ring : rings_of(p))
      for (std::size_t i = 0; i + 1 < ring->x.size(); ++i) {
        std::pair<double, double> a{ring->x[i], ring->y[i]}, b{ring->x[i + 1], ring->y[i + 1]};
        if (b < a) std::swap(a, b);
        out.insert({a, b});
      }
  return out;
}

std::size_t vertices(const std::vector<geo::PolygonRings>& polygons) {
  std::size_t n = 0;
  for (const auto& p : polygons)
    for (const geo::Ring* ring : rings_of(p)) n += ring->x.size();
  return n;
}

/// How many segments of the zones lie inside the grid (not along its edge) and belong to one zone only: a gap or
/// an overlap between neighbours on the map.
std::size_t unshared_inner_segments(const std::vector<std::vector<geo::PolygonRings>>& zones, const Grid& g) {
  std::map<Segment, int> count;
  for (const auto& z : zones)
    for (const auto& s : segments(z)) ++count[s];
  const double x0 = g.origin_x_m, x1 = g.max_x_m(), y0 = g.min_y_m(), y1 = g.origin_y_m;
  std::size_t unshared = 0;
  for (const auto& [s, n] : count) {
    const auto& [a, b] = s;
    const bool on_edge = (a.first == x0 && b.first == x0) || (a.first == x1 && b.first == x1) ||
                         (a.second == y0 && b.second == y0) || (a.second == y1 && b.second == y1);
    if (!on_edge && n != 2) ++unshared;
  }
  return unshared;
}

}  // namespace

TEST_CASE("zone outlines from cells share their simplified borders; each zone simplified alone does not",
          "[pipeline][report_maps]") {
  const Zones z = three_zones();
  std::vector<io::LayerData> layers;
  layers.push_back(zone_layer(4));  // zone 3 has no cells
  std::vector<geo::CellPolygons> traced = geo::trace_cell_polygons(z.grid, z.labels, kNone);
  for (const auto& t : traced) layers[0].features[t.label].geometry = geo::polygons_geometry(t.polygons);
  std::size_t traced_vertices = 0;
  for (const auto& t : traced) traced_vertices += vertices(t.polygons);

  pipeline::MapFrame frame;
  frame.tolerance_m = 150.0;  // simplified to 300 m: three cells
  const auto shapes =
      pipeline::zone_shapes_from_cells(layers, "zones_township", traced, z.grid, z.labels, kNone, frame, 1.0);
  REQUIRE(shapes);
  REQUIRE(shapes->rings.size() == 4);
  CHECK(shapes->names == std::vector<std::string>{"zone 0", "zone 1", "zone 2", "zone 3"});
  CHECK(shapes->codes == std::vector<std::string>{"990000", "990001", "990002", "990003"});
  CHECK(shapes->rings[3].empty());
  std::size_t simplified_vertices = 0;
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK_FALSE(shapes->rings[i].empty());
    simplified_vertices += vertices(shapes->rings[i]);
  }
  CHECK(simplified_vertices < traced_vertices / 2);  // the staircases are gone
  // Every kept vertex is a grid corner (vertices are only dropped).
  for (const auto& zone : shapes->rings)
    for (const auto& p : zone)
      for (const geo::Ring* ring : rings_of(p))
        for (std::size_t i = 0; i < ring->x.size(); ++i) {
          const double cx = (ring->x[i] - z.grid.origin_x_m) / z.grid.cell_size_m;
          const double cy = (z.grid.origin_y_m - ring->y[i]) / z.grid.cell_size_m;
          CHECK(cx == std::round(cx));
          CHECK(cy == std::round(cy));
        }
  // Neighbouring zones share every simplified border segment.
  CHECK(unshared_inner_segments({shapes->rings[0], shapes->rings[1], shapes->rings[2]}, z.grid) == 0);

  // The same zones simplified one by one (zone_shapes: GEOS per polygon) leave borders that do not match.
  const auto alone = pipeline::zone_shapes(layers, "zones_township", frame, 1.0);
  REQUIRE(alone);
  CHECK(unshared_inner_segments({alone->rings[0], alone->rings[1], alone->rings[2]}, z.grid) > 0);

  // A layer that is not there gives nothing.
  CHECK_FALSE(pipeline::zone_shapes_from_cells(layers, "zones_county", traced, z.grid, z.labels, kNone, frame, 1.0));
}

TEST_CASE("drawable_cell_rings: rings per label, no label and absent labels empty", "[pipeline][report_maps]") {
  // Two gap areas (labels 1 and 3) on empty ground (0); label 2 has no cells.
  Grid g;
  g.cols = 30;
  g.rows = 20;
  g.cell_size_m = 100.0;
  g.origin_x_m = 0.0;
  g.origin_y_m = 2000.0;
  std::vector<std::uint32_t> labels(g.cell_count(), 0);
  for (std::uint32_t r = 2; r < 12; ++r)
    for (std::uint32_t c = 2; c < 5 + r; ++c) labels[g.index(c, r)] = 1;  // a staircase triangle
  for (std::uint32_t r = 14; r < 18; ++r)
    for (std::uint32_t c = 20; c < 26; ++c) labels[g.index(c, r)] = 3;  // a rectangle
  pipeline::MapFrame frame;
  frame.tolerance_m = 60.0;
  const auto rings = pipeline::drawable_cell_rings(geo::trace_cell_polygons(g, labels, 0), g, labels, 0, 3, frame, 1.0);
  REQUIRE(rings.size() == 4);
  CHECK(rings[0].empty());
  CHECK(rings[2].empty());
  REQUIRE(rings[1].size() == 1);
  REQUIRE(rings[3].size() == 1);
  // The rectangle keeps its 4 corners (closed ring: 5 points); the triangle's staircase (10 steps) becomes a
  // few segments.
  CHECK(rings[3][0].shell.x.size() == 5);
  CHECK(rings[1][0].shell.x.size() < 10);
  // Area of the simplified triangle close to its 10 rows of 5 … 14 cells (95 cells), within a cell per step.
  const auto& t = rings[1][0].shell;
  double a = 0.0;
  for (std::size_t i = 0; i + 1 < t.x.size(); ++i) a += t.x[i] * t.y[i + 1] - t.x[i + 1] * t.y[i];
  CHECK(std::abs(a / 2.0) == Approx(95.0 * 10000.0).margin(10 * 10000.0));
}
