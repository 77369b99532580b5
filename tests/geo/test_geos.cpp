// The GEOS wrappers: repair, validity reasons, prepared point tests, union, WKB/WKT, errors as exceptions.

#include <catch2/catch.hpp>

#include <cstdint>
#include <cmath>
#include <limits>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#define GEOS_USE_ONLY_R_API
#include <geos_c.h>

#include "geo/geos.hpp"
#include "geo/rings.hpp"

using carereach::geo::Envelope;
using carereach::geo::GeometryError;
using carereach::geo::Geometry;
using carereach::geo::PreparedGeometry;

namespace {
constexpr int kPolygonType = 3;       // GEOS_POLYGON
constexpr int kMultiPolygonType = 6;  // GEOS_MULTIPOLYGON
constexpr const char* kBowTie = "POLYGON((0 0,2 2,2 0,0 2,0 0))";
}  // namespace

TEST_CASE("A bow-tie is invalid, with a reason", "[geo][geos]") {
  const Geometry bow_tie = Geometry::from_wkt(kBowTie);
  std::string reason;
  CHECK_FALSE(bow_tie.is_valid(&reason));
  CHECK(reason.find("Self-intersection") != std::string::npos);
  CHECK(reason.find('1') != std::string::npos);  // the crossing is at (1 1)
  CHECK_FALSE(bow_tie.is_valid());
}

TEST_CASE("make_valid_polygonal repairs a bow-tie into two triangles of total area 2", "[geo][geos]") {
  const Geometry repaired = Geometry::from_wkt(kBowTie).make_valid_polygonal();
  CHECK(repaired.is_valid());
  CHECK(repaired.is_polygonal());
  CHECK(repaired.type_id() == kMultiPolygonType);
  CHECK(repaired.area() == Approx(2.0));
  const Envelope env = repaired.envelope();
  CHECK(env.min_x == 0.0);
  CHECK(env.max_x == 2.0);
  CHECK(env.max_y == 2.0);
}

TEST_CASE("make_valid_polygonal keeps valid polygons and drops non-polygonal parts", "[geo][geos]") {
  const Geometry square = Geometry::from_wkt("POLYGON((0 0,1 0,1 1,0 1,0 0))");
  const Geometry kept = square.make_valid_polygonal();
  CHECK(kept.type_id() == kPolygonType);
  CHECK(kept.area() == Approx(1.0));

  // A polygon with a dangling spike: MakeValid returns the square plus a line; only the square is kept.
  const Geometry spiked = Geometry::from_wkt("POLYGON((0 0,1 0,1 1,3 1,1 1,0 1,0 0))");
  const Geometry cleaned = spiked.make_valid_polygonal();
  CHECK(cleaned.is_polygonal());
  CHECK(cleaned.is_valid());
  CHECK(cleaned.area() == Approx(1.0));

  // A ring collapsed to a line has no area left: the result is an empty polygon, not an error.
  const Geometry collapsed = Geometry::from_wkt("POLYGON((0 0,1 1,2 2,0 0))").make_valid_polygonal();
  CHECK(collapsed.is_empty());
  CHECK(collapsed.is_polygonal());
}

TEST_CASE("PreparedGeometry::covers counts the boundary as inside", "[geo][geos]") {
  const Geometry square = Geometry::from_wkt("POLYGON((0 0,10 0,10 10,0 10,0 0),(4 4,6 4,6 6,4 6,4 4))");
  PreparedGeometry prepared(square);
  CHECK(prepared.covers(1.0, 1.0));
  CHECK(prepared.covers(0.0, 5.0));   // on the outer boundary
  CHECK(prepared.covers(4.0, 5.0));   // on the hole's boundary
  CHECK_FALSE(prepared.covers(5.0, 5.0));  // in the hole
  CHECK_FALSE(prepared.covers(10.5, 5.0));
  PreparedGeometry moved = std::move(prepared);
  CHECK(moved.covers(1.0, 1.0));
}

TEST_CASE("union_all of two adjacent squares has the sum of their areas", "[geo][geos]") {
  std::vector<Geometry> parts;
  parts.push_back(Geometry::from_wkt("POLYGON((0 0,1 0,1 1,0 1,0 0))"));
  parts.push_back(Geometry::from_wkt("POLYGON((1 0,3 0,3 1,1 1,1 0))"));
  const Geometry merged = Geometry::union_all(std::move(parts));
  CHECK(merged.type_id() == kPolygonType);  // one polygon: the shared edge dissolved
  CHECK(merged.area() == Approx(3.0));
  CHECK(merged.is_valid());

  // Overlapping parts are counted once; null entries are ignored.
  std::vector<Geometry> overlapping;
  overlapping.push_back(Geometry::from_wkt("POLYGON((0 0,2 0,2 2,0 2,0 0))"));
  overlapping.push_back(Geometry::from_wkt("POLYGON((1 1,3 1,3 3,1 3,1 1))"));
  overlapping.emplace_back();
  CHECK(Geometry::union_all(std::move(overlapping)).area() == Approx(7.0));

  CHECK(Geometry::union_all({}).is_empty());
}

TEST_CASE("multi_polygon gathers polygons touching at corners into one valid MultiPolygon", "[geo][geos]") {
  // Two unit squares meeting at the point (1 1), a 3×3 square with a 1×1 hole, and an island in that hole (given
  // inside a MultiPolygon, 0.5 × 0.5): no interiors overlap, so the gathered geometry is their union, area 2 + 8 +
  // 0.25.
  std::vector<Geometry> parts;
  parts.push_back(Geometry::from_wkt("POLYGON((0 0,1 0,1 1,0 1,0 0))"));
  parts.push_back(Geometry::from_wkt("POLYGON((1 1,2 1,2 2,1 2,1 1))"));
  parts.emplace_back();  // null: skipped
  parts.push_back(Geometry::from_wkt("POLYGON((10 0,13 0,13 3,10 3,10 0),(11 1,11 2,12 2,12 1,11 1))"));
  parts.push_back(Geometry::from_wkt("MULTIPOLYGON(((11.25 1.25,11.75 1.25,11.75 1.75,11.25 1.75,11.25 1.25)))"));
  parts.push_back(Geometry::from_wkt("POLYGON EMPTY"));  // empty: skipped
  std::vector<Geometry> copies;
  for (const Geometry& p : parts) copies.push_back(p.null() ? Geometry() : p.clone());
  const Geometry gathered = Geometry::multi_polygon(std::move(parts));
  CHECK(gathered.type_id() == kMultiPolygonType);
  CHECK(gathered.is_valid());
  CHECK(gathered.area() == Approx(2.0 + 8.0 + 0.25));
  // The same point set as the overlay union (computed by GEOS's union, not by the code under test).
  const Geometry unioned = Geometry::union_all(std::move(copies));
  CHECK(GEOSEquals_r(carereach::geo::geos_context(), gathered.get(), unioned.get()) == 1);

  // One polygon stays a Polygon; nothing gives an empty Polygon; a line is refused.
  std::vector<Geometry> one;
  one.push_back(Geometry::from_wkt("MULTIPOLYGON(((0 0,1 0,1 1,0 1,0 0)))"));
  CHECK(Geometry::multi_polygon(std::move(one)).type_id() == kPolygonType);
  const Geometry none = Geometry::multi_polygon({});
  CHECK(none.type_id() == kPolygonType);
  CHECK(none.is_empty());
  std::vector<Geometry> line;
  line.push_back(Geometry::from_wkt("LINESTRING(0 0,1 1)"));
  CHECK_THROWS_AS(Geometry::multi_polygon(std::move(line)), std::invalid_argument);
}

TEST_CASE("WKB and WKT round trips", "[geo][geos]") {
  const Geometry original = Geometry::from_wkt("MULTIPOLYGON(((0 0,4 0,4 3,0 3,0 0)),((10 10,11 10,11 11,10 10)))");
  const std::vector<unsigned char> wkb = original.to_wkb();
  REQUIRE(wkb.size() > 9);
  CHECK(wkb[0] == 1);  // little-endian (NDR)
  const Geometry copy = Geometry::from_wkb(wkb);
  CHECK(copy.to_wkb() == wkb);
  CHECK(copy.area() == Approx(12.5));
  CHECK(copy.to_wkt(0) == "MULTIPOLYGON (((0 0, 4 0, 4 3, 0 3, 0 0)), ((10 10, 11 10, 11 11, 10 10)))");

  const Geometry point = Geometry::point(500000.25, 3700000.5);
  CHECK(point.to_wkt(2) == "POINT (500000.25 3700000.5)");
  CHECK(Geometry::from_wkb(point.to_wkb()).centroid() == std::pair{500000.25, 3700000.5});
}

TEST_CASE("Measures: centroid, point on surface, distance, envelope", "[geo][geos]") {
  const Geometry l_shape = Geometry::from_wkt("POLYGON((0 0,3 0,3 1,1 1,1 3,0 3,0 0))");
  const auto [cx, cy] = l_shape.centroid();
  // By hand: a 3x1 bar (area 3, centroid (1.5, 0.5)) and a 1x2 bar (area 2, centroid (0.5, 2)).
  CHECK(cx == Approx(1.1));
  CHECK(cy == Approx(1.1));
  const auto [px, py] = l_shape.point_on_surface();
  CHECK(PreparedGeometry(l_shape).covers(px, py));
  CHECK(l_shape.distance(Geometry::point(5.0, 0.0)) == Approx(2.0));

  Envelope env = l_shape.envelope();
  env.expand(Geometry::point(-1.0, 7.0).envelope());
  CHECK(env.min_x == -1.0);
  CHECK(env.max_y == 7.0);
  CHECK(Geometry::from_wkt("POLYGON EMPTY").envelope().empty());
  Envelope none = Geometry::from_wkt("POLYGON EMPTY").envelope();
  none.expand(env);
  CHECK(none.min_x == -1.0);
}

TEST_CASE("GEOS failures become GeometryError (an input error) with GEOS's message", "[geo][geos][errors]") {
  try {
    (void)Geometry::from_wkt("POLYGON((0 0,1 0");
    FAIL("no exception");
  } catch (const GeometryError& e) {
    const std::string message = e.what();
    CHECK(message.find("WKT") != std::string::npos);
    CHECK(message.find("ParseException") != std::string::npos);
    CHECK(e.exit_code() == carereach::ExitCode::kInput);
    CHECK_FALSE(e.hint().empty());
  }
  const std::vector<unsigned char> garbage{1, 2, 3};
  CHECK_THROWS_AS(Geometry::from_wkb(garbage), GeometryError);
  CHECK_THROWS_AS(Geometry::from_wkt("POINT EMPTY").centroid(), GeometryError);
  // Still a std::runtime_error for callers that catch those.
  CHECK_THROWS_AS(Geometry::from_wkb(garbage), std::runtime_error);
  CHECK_THROWS_AS(Geometry().area(), std::runtime_error);
  CHECK(Geometry().type_id() == -1);
  CHECK(Geometry().is_empty());
}

TEST_CASE("Each thread has its own GEOS context", "[geo][geos]") {
  double area_in_thread = 0.0;
  std::thread worker([&area_in_thread] {
    area_in_thread = Geometry::from_wkt(kBowTie).make_valid_polygonal().area();
  });
  worker.join();
  CHECK(area_in_thread == Approx(2.0));
  CHECK(Geometry::from_wkt(kBowTie).make_valid_polygonal().area() == Approx(2.0));
}

namespace {

/// A line string from coordinates, through WKB (the WKT reader's handling of "nan" and "inf" is not part of the test).
Geometry line_from(const std::vector<std::pair<double, double>>& points) {
  std::vector<unsigned char> wkb{1, 2, 0, 0, 0};  // little-endian, type 2 (LineString)
  const auto append = [&wkb](const void* p, std::size_t n) {
    const auto* b = static_cast<const unsigned char*>(p);
    wkb.insert(wkb.end(), b, b + n);
  };
  const auto count = static_cast<std::uint32_t>(points.size());
  append(&count, 4);
  for (const auto& [x, y] : points) {
    append(&x, 8);
    append(&y, 8);
  }
  return Geometry::from_wkb(wkb);
}

/// The message of the GeometryError `f` throws ("" when it throws none).
template <typename F>
std::string geometry_error(F&& f) {
  try {
    f();
  } catch (const GeometryError& e) {
    return e.what();
  }
  return {};
}

}  // namespace

// GEOS 3.11's MakeValid dereferences a null pointer on a line string that starts with a NaN point (a segmentation
// fault, found by the fuzz target fuzz_repair; tests/fuzz/corpus/fuzz_repair/crash_make_valid_nan_line). Loaders
// reject NaN coordinates before they get here, so the wrapper is the last guard: without it this test crashes.
TEST_CASE("make_valid_polygonal refuses a NaN coordinate with a GeometryError instead of crashing GEOS",
          "[geo][geos][errors]") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const Geometry line = line_from({{nan, nan}, {1.0, 1.0}});
  CHECK_FALSE(line.all_coordinates_finite());
  const std::string message = geometry_error([&] { (void)line.make_valid_polygonal(); });
  CHECK(message.find("not a finite number") != std::string::npos);
  CHECK(message.find("MakeValid") != std::string::npos);
}

TEST_CASE("all_coordinates_finite looks at every coordinate of every part", "[geo][geos]") {
  const double inf = std::numeric_limits<double>::infinity();
  CHECK(Geometry::from_wkt("POLYGON((0 0,1 0,1 1,0 1,0 0),(0.2 0.2,0.2 0.8,0.8 0.8,0.2 0.2))").all_coordinates_finite());
  CHECK(Geometry::from_wkt("POLYGON EMPTY").all_coordinates_finite());
  CHECK(Geometry::from_wkt("GEOMETRYCOLLECTION EMPTY").all_coordinates_finite());
  CHECK_FALSE(line_from({{0.0, 0.0}, {1.0, inf}}).all_coordinates_finite());
  CHECK_FALSE(line_from({{0.0, 0.0}, {1.0, 1.0}, {-inf, 2.0}}).all_coordinates_finite());
  // A non-finite coordinate deep in a collection: the last vertex of the second part.
  std::vector<Geometry> parts;
  parts.push_back(Geometry::from_wkt("POINT(3 3)"));
  parts.push_back(line_from({{0.0, 0.0}, {1.0, std::nan("")}}));
  const std::string message = geometry_error([&] { (void)Geometry::union_all(std::move(parts)); });
  CHECK(message.find("not a finite number") != std::string::npos);
}

TEST_CASE("simplified refuses a NaN coordinate with a GeometryError", "[geo][geos][errors]") {
  const Geometry line = line_from({{0.0, 0.0}, {0.5, std::nan("")}, {1.0, 1.0}});
  CHECK(geometry_error([&] { (void)line.simplified(0.1); }).find("not a finite number") != std::string::npos);
}

namespace {

/// A strip of unit cells along the diagonal, three cells wide and `columns` long, outlined as polygonize outlines
/// cells: column i covers x in [i, i+1], y in [i, i+3]. Its ring has 4·columns + 1 vertices (the last closes it), on
/// staircases whose corners lie 0.71 (√2 / 2) from the diagonal; its area is 3·columns, its perimeter
/// 2·columns·2 + 6.
std::vector<std::pair<int, int>> diagonal_strip_vertices(int columns) {
  std::vector<std::pair<int, int>> v;
  for (int i = 0; i < columns; ++i) {  // the lower staircase, left to right
    v.emplace_back(i, i);
    v.emplace_back(i + 1, i);
  }
  for (int i = columns - 1; i >= 0; --i) {  // the upper staircase, right to left
    v.emplace_back(i + 1, i + 3);
    v.emplace_back(i, i + 3);
  }
  v.emplace_back(0, 0);
  return v;
}

std::string ring_wkt(const std::vector<std::pair<int, int>>& v) {
  std::string wkt = "(";
  for (const auto& [x, y] : v) wkt += std::to_string(x) + " " + std::to_string(y) + ",";
  wkt.back() = ')';
  return wkt;
}

Geometry diagonal_strip(int columns) { return Geometry::from_wkt("POLYGON(" + ring_wkt(diagonal_strip_vertices(columns)) + ")"); }

/// Checks what every simplification of the strip must give, whatever GEOS drops: a valid polygon whose vertices are
/// vertices of the strip (none moves), with the given input vertices kept, and an area within tolerance × perimeter
/// of the strip's.
void check_simplified_strip(const Geometry& simple, int columns, double tolerance, const std::vector<std::size_t>& kept) {
  const auto input = diagonal_strip_vertices(columns);
  const std::set<std::pair<int, int>> vertices(input.begin(), input.end());
  CHECK(simple.is_valid());
  const auto rings = carereach::geo::polygon_rings(simple);
  REQUIRE(rings.size() == 1);
  const carereach::geo::Ring& shell = rings.front().shell;
  std::set<std::pair<int, int>> out;
  std::size_t moved = 0;
  for (std::size_t i = 0; i < shell.x.size(); ++i) {
    const std::pair<int, int> p{static_cast<int>(shell.x[i]), static_cast<int>(shell.y[i])};
    if (p.first != shell.x[i] || p.second != shell.y[i] || vertices.count(p) == 0) ++moved;
    out.insert(p);
  }
  CHECK(moved == 0);
  std::size_t lost = 0;
  for (const std::size_t i : kept) lost += out.count(input[i]) == 0 ? 1 : 0;
  CHECK(lost == 0);
  const double perimeter = 4.0 * columns + 6.0;
  CHECK(std::abs(simple.area() - 3.0 * columns) <= tolerance * perimeter);
}

}  // namespace

// The outlines of the report maps (cli/report_maps.cpp): a band of cells along a diagonal, simplified to half a
// cell. Most corners lie beyond the tolerance at the same distance, and GEOS's Douglas–Peucker then splits the
// ring about one vertex at a time: simplifying this ring of 64,001 vertices whole takes minutes (25 s for 16,000
// vertices, growing with the square; docs/fuzzing.md). The guard cuts it into pieces of 512 vertices; the
// assertions say it took that path, kept the ends of the pieces, and gave an outline that is still right.
TEST_CASE("simplified cuts long rings into pieces: a diagonal staircase of 64,001 vertices", "[geo][geos][simplify]") {
  constexpr int kColumns = 16000;
  const Geometry strip = diagonal_strip(kColumns);
  REQUIRE(strip.area() == Approx(3.0 * kColumns));
  REQUIRE(strip.is_valid());

  // 64,000 segments; a piece starts every 512 vertices: ⌈64000 / 512⌉ = 125 pieces, whose ends are vertices 0, 512,
  // 1024 … 64,000.
  std::vector<std::size_t> piece_ends;
  for (std::size_t i = 0; i <= 4 * kColumns; i += Geometry::kSimplifyPieceVertices) piece_ends.push_back(i);
  Geometry::SimplifyStats stats;
  const Geometry half = strip.simplified(0.5, &stats);
  CHECK(stats.rings_in_pieces == 1);
  CHECK(stats.pieces == 125);
  check_simplified_strip(half, kColumns, 0.5, piece_ends);

  // At a whole cell the staircases collapse onto their diagonals (corners 0.71 away): few vertices are left, about
  // the piece ends, two per piece at most beyond them.
  const Geometry coarse = strip.simplified(1.0, &stats);
  CHECK(stats.pieces == 125);
  check_simplified_strip(coarse, kColumns, 1.0, piece_ends);
  CHECK(carereach::geo::polygon_rings(coarse).front().shell.x.size() <= 3 * stats.pieces + 1);
}

TEST_CASE("simplified leaves rings of up to 512 vertices whole", "[geo][geos][simplify]") {
  const Geometry strip = diagonal_strip(100);  // 401 vertices
  Geometry::SimplifyStats stats;
  stats.pieces = 7;  // reset by the call
  const Geometry s = strip.simplified(0.5, &stats);
  CHECK(stats.rings_in_pieces == 0);
  CHECK(stats.pieces == 0);
  check_simplified_strip(s, 100, 0.5, {0});
  const Geometry holed = Geometry::from_wkt("POLYGON((0 0,10 0,10 10,0 10,0 0),(2 2,2 8,8 8,8 2,2 2))");
  const Geometry h = holed.simplified(1.0, &stats);
  CHECK(stats.rings_in_pieces == 0);
  CHECK(h.area() == Approx(100.0 - 36.0));
}

TEST_CASE("simplified in pieces keeps holes and parts of a multipolygon in their places", "[geo][geos][simplify]") {
  // A strip of 1,201 vertices (3 pieces) and a unit square beside it, as a multipolygon: the pieces of one ring and a
  // whole ring in one GEOS call, joined back to the right parts.
  const auto strip = diagonal_strip_vertices(300);
  const Geometry multi =
      Geometry::from_wkt("MULTIPOLYGON((" + ring_wkt(strip) + "),((400 0,401 0,401 1,400 1,400 0)))");
  REQUIRE(multi.is_valid());
  Geometry::SimplifyStats stats;
  const Geometry s = multi.simplified(0.5, &stats);
  CHECK(stats.rings_in_pieces == 1);
  CHECK(stats.pieces == 3);
  CHECK(s.type_id() == kMultiPolygonType);
  CHECK(s.is_valid());
  CHECK(std::abs(s.area() - 901.0) <= 0.5 * (4.0 * 300 + 6.0));
  const auto parts = carereach::geo::polygon_rings(s);
  REQUIRE(parts.size() == 2);
  CHECK(parts[1].shell.x.size() == 5);  // the square, untouched
  CHECK(parts[1].shell.x.front() == 400.0);

  // The strip as the hole of a square: the hole stays inside, the shell untouched.
  const Geometry holed = Geometry::from_wkt("POLYGON((-10 -10,400 -10,400 400,-10 400,-10 -10)," + ring_wkt(strip) + ")");
  REQUIRE(holed.is_valid());
  const Geometry h = holed.simplified(0.5, &stats);
  CHECK(stats.rings_in_pieces == 1);
  CHECK(h.is_valid());
  const auto rings = carereach::geo::polygon_rings(h);
  REQUIRE(rings.size() == 1);
  CHECK(rings.front().shell.x.size() == 5);
  REQUIRE(rings.front().holes.size() == 1);
  CHECK(std::abs(h.area() - (410.0 * 410.0 - 900.0)) <= 0.5 * (4.0 * 300 + 6.0));
}

// Found by fuzz_outline (tests/fuzz/corpus/fuzz_outline/timeout_quadtree_*): a ring whose coordinates span
// 1e-214 … 1e266. GEOS's TopologyPreserveSimplify puts the segments in a quadtree that doubles a cell until it
// holds a segment; here the doubling overflows to infinity and the loop never ends. Without the guard this test
// hangs; with it the geometry is refused before GEOS sees it.
TEST_CASE("simplified and make_valid_polygonal refuse coordinates beyond 1e12 (GEOS's quadtree would not end)",
          "[geo][geos][errors][simplify]") {
  const std::vector<std::pair<double, double>> ring{{-3.858494559978426e-173, 7.857723901477123e+266},
                                                    {-1.718195552987484e-23, -1.2088074475378541e-161},
                                                    {-14.94141256870402, -2.0053588443239942e+171},
                                                    {-4.407167481371242e+30, 3.3414605330080404e-214},
                                                    {-7.874829577192404e+34, 9.891687298401527e-18},
                                                    {-2.3399558134707613e+30, 4.329907320920981e+178},
                                                    {-4.554115336619367e+31, -5.421564083782481e+72},
                                                    {374285.792281517, 3714008.3903986705},
                                                    {-3.858494559978426e-173, 7.857723901477123e+266}};
  std::vector<unsigned char> wkb{1, 3, 0, 0, 0, 1, 0, 0, 0};  // little-endian Polygon, one ring
  const auto append = [&wkb](const void* p, std::size_t n) {
    const auto* b = static_cast<const unsigned char*>(p);
    wkb.insert(wkb.end(), b, b + n);
  };
  const auto count = static_cast<std::uint32_t>(ring.size());
  append(&count, 4);
  for (const auto& [x, y] : ring) {
    append(&x, 8);
    append(&y, 8);
  }
  const Geometry g = Geometry::from_wkb(wkb);
  CHECK_FALSE(g.all_coordinates_finite());
  CHECK(geometry_error([&] { (void)g.simplified(1000.0); }).find("1e12") != std::string::npos);
  CHECK(geometry_error([&] { (void)g.make_valid_polygonal(); }).find("1e12") != std::string::npos);
  // The limit itself is allowed; a Gauss–Krüger square far from its origin is fine.
  CHECK(Geometry::from_wkt("POLYGON((0 0,1e12 0,1e12 1e12,0 0))").all_coordinates_finite());
  CHECK_FALSE(Geometry::from_wkt("POLYGON((0 0,1.000001e12 0,1e12 1e12,0 0))").all_coordinates_finite());
}

namespace {

/// A polygon from rings of coordinates (each closed here), through WKB: exact doubles, tiny ones included.
Geometry polygon_from(const std::vector<std::vector<std::pair<double, double>>>& rings) {
  std::vector<unsigned char> wkb{1, 3, 0, 0, 0};  // little-endian, type 3 (Polygon)
  const auto append = [&wkb](const void* p, std::size_t n) {
    const auto* b = static_cast<const unsigned char*>(p);
    wkb.insert(wkb.end(), b, b + n);
  };
  const auto ring_count = static_cast<std::uint32_t>(rings.size());
  append(&ring_count, 4);
  for (auto ring : rings) {
    ring.push_back(ring.front());
    const auto count = static_cast<std::uint32_t>(ring.size());
    append(&count, 4);
    for (const auto& [x, y] : ring) {
      append(&x, 8);
      append(&y, 8);
    }
  }
  return Geometry::from_wkb(wkb);
}

}  // namespace

// Found by a run of the outline simplification without the guards (docs/fuzzing.md), minimised; also in
// tests/fuzz/corpus/fuzz_outline/timeout_tiny_coordinates. Coordinates of 1e-260 … 1e-308 square to zero in GEOS's
// distances and TopologyPreserveSimplify never returns. Snapped to zero (anything within 1e-100 of it) the rings
// are degenerate and GEOS is done at once. Without the snap this test hangs.
TEST_CASE("simplified snaps coordinates within 1e-100 of zero to zero (GEOS would loop for ever)",
          "[geo][geos][simplify]") {
  const Geometry g = polygon_from({{{0.0, 0x1.000060b020002p-863}, {0.0, 0.0}, {0.0, 0.0}},
                                   {{0.0, 0.0}, {0x1.e0001002d0032p-1021, 0x1.f0032002e0000p-1021},
                                    {0x1.00001006f0032p-1020, 0x1.0013200300000p-415}}});
  CHECK(g.all_coordinates_finite());  // tiny, not absurd: accepted
  const Geometry s = g.simplified(1e-200);
  // Every coordinate is within 1e-100 of zero: all become 0, and the degenerate rings leave nothing to draw.
  CHECK((carereach::geo::polygon_rings(s).empty() || s.area() == 0.0));
  const Envelope env = s.envelope();
  CHECK((env.empty() || (env.min_x == 0.0 && env.max_x == 0.0 && env.min_y == 0.0 && env.max_y == 0.0)));
  // Larger coordinates keep their value: a unit square 1e-99 from the origin is not moved.
  const Geometry square = Geometry::from_wkt("POLYGON((1e-99 1e-99,1 1e-99,1 1,1e-99 1,1e-99 1e-99))");
  CHECK(square.simplified(0.1).envelope().min_x == 1e-99);
}
