// Plain coordinates out of GEOS polygons (geo/rings.hpp) and the drawing simplification (Geometry::simplified).
// Expected values are the coordinates written into the WKT by hand.

#include <catch2/catch.hpp>

#include <stdexcept>
#include <utility>
#include <vector>

#include "geo/geos.hpp"
#include "geo/rings.hpp"

using carereach::geo::Geometry;
using carereach::geo::polygon_rings;
using carereach::geo::Ring;

namespace {
std::vector<std::pair<double, double>> vertices(const Ring& r) {
  std::vector<std::pair<double, double>> v;
  for (std::size_t i = 0; i < r.x.size(); ++i) v.emplace_back(r.x[i], r.y[i]);
  return v;
}
using V = std::vector<std::pair<double, double>>;
}  // namespace

TEST_CASE("polygon_rings: a polygon with a hole gives its shell and hole as stored, closed", "[geo][rings]") {
  const Geometry g = Geometry::from_wkt("POLYGON((0 0,10 0,10 10,0 10,0 0),(2 2,2 4,4 4,4 2,2 2))");
  const auto polys = polygon_rings(g);
  REQUIRE(polys.size() == 1);
  CHECK(vertices(polys[0].shell) == V{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}});
  REQUIRE(polys[0].holes.size() == 1);
  CHECK(vertices(polys[0].holes[0]) == V{{2, 2}, {2, 4}, {4, 4}, {4, 2}, {2, 2}});
}

TEST_CASE("polygon_rings: a multipolygon gives one entry per non-empty part, in order", "[geo][rings]") {
  const Geometry g = Geometry::from_wkt(
      "MULTIPOLYGON(((0 0,1 0,1 1,0 0)),EMPTY,((5 5,7 5,7 8,5 5)))");
  const auto polys = polygon_rings(g);
  REQUIRE(polys.size() == 2);
  CHECK(vertices(polys[0].shell) == V{{0, 0}, {1, 0}, {1, 1}, {0, 0}});
  CHECK(vertices(polys[1].shell) == V{{5, 5}, {7, 5}, {7, 8}, {5, 5}});
  CHECK(polys[1].holes.empty());
}

TEST_CASE("polygon_rings: other types and empty geometries give nothing", "[geo][rings]") {
  CHECK(polygon_rings(Geometry()).empty());
  CHECK(polygon_rings(Geometry::from_wkt("POLYGON EMPTY")).empty());
  CHECK(polygon_rings(Geometry::from_wkt("LINESTRING(0 0,1 1)")).empty());
  CHECK(polygon_rings(Geometry::point(1, 2)).empty());
}

TEST_CASE("simplified drops vertices within the tolerance and keeps the others in place", "[geo][geos]") {
  // A square whose bottom edge has a 0.1 bump at x = 5: within 0.5 it goes, within 0.05 it stays.
  const Geometry g = Geometry::from_wkt("POLYGON((0 0,5 0.1,10 0,10 10,0 10,0 0))");
  const auto coarse = polygon_rings(g.simplified(0.5));
  REQUIRE(coarse.size() == 1);
  CHECK(vertices(coarse[0].shell) == V{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}});
  const auto fine = polygon_rings(g.simplified(0.05));
  REQUIRE(fine.size() == 1);
  CHECK(fine[0].shell.x.size() == 6);
  // A hole stays inside its shell and the result stays valid.
  const Geometry holed =
      Geometry::from_wkt("POLYGON((0 0,100 0,100 100,0 100,0 0),(1 1,1 50,2 50.5,1 51,1 99,99 99,99 1,1 1))");
  const Geometry s = holed.simplified(3.0);
  CHECK(s.is_valid());
  REQUIRE(polygon_rings(s).size() == 1);
  CHECK(polygon_rings(s)[0].holes.size() == 1);
  CHECK_THROWS_AS(g.simplified(-1.0), std::invalid_argument);
  CHECK_THROWS_AS(Geometry().simplified(1.0), std::runtime_error);
}
