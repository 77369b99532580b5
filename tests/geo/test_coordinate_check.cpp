// The one coordinate check of every input (docs/method/coordinates.md, "Which coordinates are accepted"). Expected
// verdicts follow from the rule and plain geography, never from the code: latitude 95 does not exist; 1e8 m is more
// than twice the Earth's circumference; a Transverse Mercator zone cannot describe a point 180° from its meridian.

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <vector>

#include "geo/coordinate_check.hpp"
#include "geo/crs.hpp"

using carereach::geo::CoordinateCheck;
using carereach::geo::CoordinateFault;
using carereach::geo::CrsSpec;
using carereach::geo::coordinate_text;

namespace {

CrsSpec crs(const char* text) { return CrsSpec::parse(text); }

}  // namespace

TEST_CASE("geographic coordinates: longitude -180…180, latitude -90…90, finite", "[geo][coordinate-check]") {
  const CoordinateCheck check(crs("EPSG:4326"));
  CHECK_FALSE(check.check(116.05, 33.55));
  CHECK_FALSE(check.check(-180.0, -90.0));
  CHECK_FALSE(check.check(180.0, 90.0));

  auto lon = check.check(216.05, 33.55);
  REQUIRE(lon);
  CHECK(lon->fault == CoordinateFault::kOutOfRange);
  CHECK(lon->axis == 'x');
  CHECK(std::string(lon->code()) == "coordinate.out_of_range");
  CHECK_THAT(lon->message, Catch::Contains("longitude 216.05 is out of range"));

  auto lat = check.check(116.05, 90.5);
  REQUIRE(lat);
  CHECK(lat->axis == 'y');
  CHECK_THAT(lat->message, Catch::Contains("latitude 90.5"));

  auto swapped = check.check(33.55, 116.05);
  REQUIRE(swapped);
  CHECK_THAT(swapped->hint, Catch::Contains("swapped"));

  auto metres = check.check(409000, 3710000);
  REQUIRE(metres);
  CHECK_THAT(metres->hint, Catch::Contains("projected"));

  auto nan = check.check(std::numeric_limits<double>::quiet_NaN(), 33.5);
  REQUIRE(nan);
  CHECK(nan->fault == CoordinateFault::kNotFinite);
  CHECK(std::string(nan->code()) == "coordinate.not_a_number");
  CHECK(nan->axis == 'x');
  auto inf = check.check(116.0, -std::numeric_limits<double>::infinity());
  REQUIRE(inf);
  CHECK(inf->axis == 'y');
}

TEST_CASE("the Chinese web-map systems are checked as longitude/latitude", "[geo][coordinate-check]") {
  for (const char* c : {"gcj02", "bd09"}) {
    const CoordinateCheck check(crs(c), {{crs("EPSG:4548"), "the analysis CRS"}});
    CHECK_FALSE(check.check(116.05, 33.55));
    CHECK(check.check(6e247, 33.55));
  }
}

TEST_CASE("projected coordinates: beyond ±1e8 refused before any conversion", "[geo][coordinate-check]") {
  const CoordinateCheck check(crs("EPSG:4548"));  // CGCS2000 / 3-degree Gauss-Kruger CM 117E
  CHECK_FALSE(check.check(409000, 3710000));
  for (double bad : {-1e308, 6e247, 1.000001e8}) {
    auto x = check.check(bad, 3710000);
    REQUIRE(x);
    CHECK(x->fault == CoordinateFault::kOutOfRange);
    CHECK(x->axis == 'x');
    CHECK_THAT(x->message, Catch::Contains(coordinate_text(bad)));
  }
  auto y = check.check(409000, -1e308);
  REQUIRE(y);
  CHECK(y->axis == 'y');
}

TEST_CASE("projected coordinates: the point must have a longitude/latitude and lie near the CRS's area of use",
          "[geo][coordinate-check]") {
  const CoordinateCheck check(crs("EPSG:4548"));
  // 5e7 m east: more than the Earth's circumference from the central meridian.
  auto far = check.check(5e7, 3710000);
  REQUIRE(far);
  CHECK(far->fault != CoordinateFault::kNotFinite);
  // 2e7 m east of the false easting on the equator is 180° of longitude round the Earth from 117°E: a place, but
  // one the zone (used from 115.5°E to 118.5°E) does not describe.
  auto other_side = check.check(20500000, 0);
  REQUIRE(other_side);
}

TEST_CASE("targets: the point must convert to each CRS the run needs, and near its area of use",
          "[geo][coordinate-check]") {
  const CoordinateCheck check(crs("EPSG:4326"), {{crs("EPSG:4548"), "the analysis CRS"},
                                                 {crs("EPSG:4490"), "the output CRS"}});
  CHECK_FALSE(check.check(116.05, 33.55));
  // Xinjiang (80°E) is 35.5° beyond the western edge (115.5°E) of the CM 117E zone: more than the 30° allowed.
  auto west = check.check(80.0, 40.0);
  REQUIRE(west);
  CHECK(west->fault == CoordinateFault::kOutOfRange);
  CHECK_THAT(west->message, Catch::Contains("the analysis CRS"));
  // 90°E is 25.5° beyond it: accepted (a study area may reach that far from its zone).
  CHECK_FALSE(check.check(90.0, 40.0));
  // 63°W is 180° from the zone's meridian.
  CHECK(check.check(-63.0, 0.0));
  // The geographic output CRS (EPSG:4490) has no limit beyond longitude/latitude.
  const CoordinateCheck world(crs("EPSG:4326"), {{crs("EPSG:4490"), "the output CRS"}});
  CHECK_FALSE(world.check(-51.2, -30.05));
}

TEST_CASE("an area of use across the antimeridian", "[geo][coordinate-check]") {
  // EPSG:3832 (WGS 84 / PDC Mercator) is used across the Pacific, from 98.69°E eastwards to 68°W.
  const CoordinateCheck check(crs("EPSG:4326"), {{crs("EPSG:3832"), "the analysis CRS"}});
  CHECK_FALSE(check.check(179.9, 0.0));
  CHECK_FALSE(check.check(-179.9, 0.0));
  CHECK_FALSE(check.check(-100.0, 10.0));
  // 10°E is 58.69° west of 98.69°E and 78° east of 68°W: refused.
  CHECK(check.check(10.0, 10.0));
}

TEST_CASE("first_problem names the first refused point of a sequence", "[geo][coordinate-check]") {
  const CoordinateCheck check(crs("EPSG:4548"));
  const std::vector<double> x = {409000, 410000, 6e247, -1e308};
  const std::vector<double> y = {3710000, 3710000, 3710000, 3710000};
  auto r = check.first_problem(x, y);
  REQUIRE(r);
  CHECK(r->index == 2);
  CHECK_FALSE(check.first_problem(std::vector<double>(x.begin(), x.begin() + 2),
                                  std::vector<double>(y.begin(), y.begin() + 2)));
  CHECK_FALSE(check.first_problem({}, {}));
}

TEST_CASE("coordinate_text: the shortest form that reads back to the same number", "[geo][coordinate-check]") {
  CHECK(coordinate_text(6e247) == "6e+247");
  CHECK(coordinate_text(-1e308) == "-1e+308");
  CHECK(coordinate_text(115.7826) == "115.7826");
  CHECK(coordinate_text(std::nan("")) == "nan");
}
