// Inputs that used to pass loading and fail only when an output was written (exit 6, or an internal error) are
// found when the scenario is loaded: `validate` reports them, `run` stops with the input (4) or scenario (3) code
// and a message naming the file, feature and field, and nothing is written. Coordinates pass one range check
// (docs/method/coordinates.md, "Which coordinates are accepted"), texts one text check (docs/exit-codes.md).

#include <catch2/catch.hpp>

#include "fixture.hpp"

using namespace carereach::test;

namespace {

/// `carereach validate` and `carereach run` on the fixture: both must fail with `code` and name `expected`.
void check_refused(const Fixture& fx, int code, const std::vector<std::string>& expected) {
  const auto v = run_cli({"validate", fx.scenario()});
  INFO("validate:\n" << v.all());
  CHECK(v.code == code);
  const auto out = fx.dir / "out";
  const auto r = run_cli({"run", fx.scenario(), "--out", out.string()});
  INFO("run:\n" << r.all());
  CHECK(r.code == code);
  CHECK_FALSE(std::filesystem::exists(out));
  for (const auto& e : expected) {
    CHECK_THAT(v.all(), Catch::Contains(e));
    CHECK_THAT(r.err, Catch::Contains(e));
  }
}

/// A township level in EPSG:4548 (CGCS2000 / 3-degree Gauss-Kruger CM 117E, which is also the analysis CRS), one
/// square inside county 100001 with an extra vertex at (x, 3711000).
std::string township_scenario(Fixture& fx, const std::string& x) {
  fx.dir.write("towns.geojson",
               R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4548"}},)"
               R"("features":[{"type":"Feature","properties":{"code":"100001001","name":"甲镇"},)"
               R"("geometry":{"type":"Polygon","coordinates":[[[408000,3709000],[412000,3709000],[)" +
                   x + R"(,3711000],[412000,3713000],[408000,3713000],[408000,3709000]]]}}]})");
  return replace_all(Fixture::scenario_toml(), "cell_size_m = 500", "cell_size_m = 500\ncrs = \"EPSG:4548\"") +
         "\n[[zones]]\nlevel = \"township\"\nsource = \"towns.geojson\"\ncode_field = \"code\"\nname_field = \"name\"\n";
}

}  // namespace

TEST_CASE("a zone name longer than 4,000 characters is an input error at load", "[cli][input-checks]") {
  // 40,000 characters: more than an Excel cell holds; the run used to end at appendix.xlsx with exit code 6.
  Fixture fx;
  fx.set_zones(replace_all(Fixture::zones_geojson(), "甲县", std::string(40000, 'x')));
  check_refused(fx, 4, {"zones.geojson", "feature 0", "field 'name'", "40000 characters"});
}

TEST_CASE("a zone name of 4,000 characters is accepted", "[cli][input-checks]") {
  Fixture fx;
  fx.set_zones(replace_all(Fixture::zones_geojson(), "甲县", std::string(4000, 'x')));
  const auto r = run_cli({"run", fx.scenario(), "--out", (fx.dir / "out").string()});
  INFO(r.all());
  CHECK(r.code == 0);
}

TEST_CASE("a vertex at 6e247 in a zone level is an input error at load", "[cli][input-checks]") {
  // The township level is in the analysis CRS itself, so nothing converted it before the layers were written in
  // the output CRS (EPSG:4490): the run used to end with exit code 6 naming the temporary folder.
  Fixture fx;
  fx.set_scenario(township_scenario(fx, "6e247"));
  check_refused(fx, 4,
                {"towns.geojson", "feature 0", "field 'geometry'", "zone 100001001", "vertex 3", "6e+247"});
}

TEST_CASE("-1e308 in a projected zone level is refused like NaN", "[cli][input-checks]") {
  Fixture fx;
  fx.set_scenario(township_scenario(fx, "-1e308"));
  check_refused(fx, 4, {"towns.geojson", "feature 0", "vertex 3", "-1e+308", "out of range"});
}

TEST_CASE("an easting outside the projection's domain is refused: it has no longitude/latitude",
          "[cli][input-checks]") {
  // 5e7 m east in a Gauss-Kruger zone is below the ±1e8 limit but no place on Earth: 50,000 km from the central
  // meridian, more than the Earth's circumference.
  Fixture fx;
  fx.set_scenario(township_scenario(fx, "5e7"));
  check_refused(fx, 4, {"towns.geojson", "feature 0", "vertex 3", "longitude/latitude"});
}

TEST_CASE("a zone name that is not UTF-8 is an input error at load", "[cli][input-checks]") {
  // Used to end with an internal error (exit 1) when run.json was written.
  Fixture fx;
  fx.set_zones(replace_all(Fixture::zones_geojson(), "甲县", "\xFF\xFE" "A"));
  check_refused(fx, 4, {"zones.geojson", "feature 0", "field 'name'", "neither UTF-8"});
}

TEST_CASE("a control character in a zone name is an input error at load", "[cli][input-checks]") {
  Fixture fx;
  fx.set_zones(replace_all(Fixture::zones_geojson(), "甲县", "甲\\u0001县"));
  check_refused(fx, 4, {"zones.geojson", "feature 0", "field 'name'", "U+0001"});
}

TEST_CASE("facility names and ids are checked like zone names", "[cli][input-checks]") {
  Fixture fx;
  fx.set_facilities(Fixture::facilities_csv() + "F9," + std::string(5000, 'y') + ",村卫生室,,116.05,33.55\n");
  check_refused(fx, 4, {"facilities.csv", "row 5", "field '机构名称'"});
  Fixture fx2;
  fx2.set_facilities(Fixture::facilities_csv() + std::string(4001, 'F') + ",长编号,村卫生室,,116.05,33.55\n");
  check_refused(fx2, 4, {"facilities.csv", "row 5", "field '机构代码'"});
}

TEST_CASE("facility x/y columns in a projected CRS are range-checked", "[cli][input-checks]") {
  // Before, only geographic coordinates were range-checked: -1e308 in a projected CRS was accepted.
  Fixture fx;
  fx.set_facilities("机构代码,机构名称,机构类别,标签,x,y\n"
                    "F1,甲镇卫生院,乡镇卫生院,,409000,3710000\n"
                    "F2,坏坐标,村卫生室,,-1e308,3710000\n");
  fx.set_scenario(replace_all(replace_all(replace_all(Fixture::scenario_toml(), "crs = \"EPSG:4326\"", "crs = \"EPSG:4548\""),
                                          "x_field = \"经度\"", "x_field = \"x\""),
                              "y_field = \"纬度\"", "y_field = \"y\""));
  check_refused(fx, 4, {"facilities.csv", "row 3", "field 'x'", "-1e+308"});
}

TEST_CASE("positions the output CRS cannot hold are refused at load", "[cli][input-checks]") {
  // UTM zone 19N (EPSG:32619, central meridian 69°W) for layers of a study area at 116°E, 185° from that meridian:
  // PROJ still gives numbers (northings beyond the pole), which used to be written into layers.gpkg.
  Fixture fx;
  fx.set_scenario(replace_all(Fixture::scenario_toml(), "cell_size_m = 500", "cell_size_m = 500\noutput_crs = \"EPSG:32619\""));
  check_refused(fx, 4, {"zones.geojson", "feature 0", "the output CRS EPSG:32619", "analysis.output_crs"});
}

TEST_CASE("a facility on the far side of the Earth from the analysis CRS is refused", "[cli][input-checks]") {
  // 63°W is 180° from the central meridian (117°E) of the analysis CRS EPSG:4548.
  Fixture fx;
  fx.set_facilities(Fixture::facilities_csv() + "F9,对跖点,村卫生室,,-63.0,0.0\n");
  fx.set_scenario(replace_all(Fixture::scenario_toml(), "cell_size_m = 500", "cell_size_m = 500\ncrs = \"EPSG:4548\""));
  check_refused(fx, 4, {"facilities.csv", "row 5", "field '经度/纬度'", "the analysis CRS EPSG:4548"});
}

TEST_CASE("control characters in scenario texts are scenario errors", "[cli][input-checks]") {
  // TOML escapes can write NUL: the name used to be cut at it in appendix.xlsx and written raw into report.md.
  Fixture fx;
  fx.set_scenario(replace_all(Fixture::scenario_toml(), "name = \"测试情景\"", "name = \"测试\\u0000情景\""));
  check_refused(fx, 3, {"scenario.toml", "line 2", "scenario.name", "U+0000"});
}

TEST_CASE("a standard id longer than 64 characters is a scenario error", "[cli][input-checks]") {
  // It names travel_time_<id>.tif: 300 characters used to end the run with exit code 6 (file name too long).
  Fixture fx;
  fx.set_scenario(Fixture::scenario_toml() + "\n[standards." + std::string(300, 's') +
                  "]\nname_zh = \"x\"\nname_en = \"x\"\ntypes = [\"village_clinic\"]\nthreshold_min = 20\n"
                  "mode = \"walk\"\nengine = \"raster\"\n");
  check_refused(fx, 3, {"scenario.toml", "at most 64 characters"});
}

TEST_CASE("an added facility outside the plausible range is a scenario error naming the key", "[cli][input-checks]") {
  Fixture fx;
  fx.set_scenario(Fixture::scenario_toml() +
                  "\n[changes]\n[[changes.add]]\nid = \"N1\"\nname = \"新院\"\ntype = \"村卫生室\"\nx = 116.05\n"
                  "y = 1e300\ncrs = \"EPSG:4326\"\n");
  check_refused(fx, 3, {"scenario.toml", "changes.add[0].y", "latitude 1e+300 is out of range"});
}

TEST_CASE("bytes that are not UTF-8 in a column read only for a warning are refused at load", "[cli][input-checks]") {
  // An unknown tag is only a warning, and its message quotes the value: writing run.json used to end with an
  // internal error (exit 1). Text that is not valid in the declared encoding is now an input error at load.
  Fixture fx;
  fx.set_facilities(replace_all(Fixture::facilities_csv(), "中医馆", "\xFF\xFE"));
  fx.set_scenario(replace_all(Fixture::scenario_toml(), "crs = \"EPSG:4326\"", "crs = \"EPSG:4326\"\nencoding = \"utf-8\""));
  const auto out = fx.dir / "out";
  const auto r = run_cli({"run", fx.scenario(), "--out", out.string()});
  INFO(r.all());
  CHECK(r.code == 4);
  CHECK_THAT(r.err, Catch::Contains("row 2") && Catch::Contains("标签") && Catch::Contains("FF FE"));
  CHECK_FALSE(std::filesystem::exists(out));
}
