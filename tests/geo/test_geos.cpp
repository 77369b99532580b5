// The GEOS wrappers: repair, validity reasons, prepared point tests, union, WKB/WKT, errors as exceptions.

#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "geo/geos.hpp"

using carereach::geo::Envelope;
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

TEST_CASE("GEOS failures become std::runtime_error with GEOS's message", "[geo][geos][errors]") {
  try {
    (void)Geometry::from_wkt("POLYGON((0 0,1 0");
    FAIL("no exception");
  } catch (const std::runtime_error& e) {
    const std::string message = e.what();
    CHECK(message.find("WKT") != std::string::npos);
    CHECK(message.find("ParseException") != std::string::npos);
  }
  const std::vector<unsigned char> garbage{1, 2, 3};
  CHECK_THROWS_AS(Geometry::from_wkb(garbage), std::runtime_error);
  CHECK_THROWS_AS(Geometry::from_wkt("POINT EMPTY").centroid(), std::runtime_error);
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
