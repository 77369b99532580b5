// GCJ-02 facilities declared as WGS 84 (EPSG:4326): `validate` prints the warning with the fix, and `run` keeps it
// in run.json and in the report's warnings. The GCJ-02 file is made from the true WGS 84 one by
// `carereach convert-coords --to gcj02`; the true positions lie on the scenario's roads.

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <string>

#include "fixture.hpp"

using namespace carereach::test;
using json = nlohmann::json;

namespace {

std::string fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.7f", v);
  return buf;
}

/// The fixture's two counties (116.0–116.2°E, 33.5–33.6°N) with a road grid at irregular spacings, and 40
/// facilities on those roads written in WGS 84 (facilities_wgs84.csv) and in GCJ-02 (facilities.csv, declared as
/// EPSG:4326 by the fixture's scenario).
struct RoadFixture : Fixture {
  RoadFixture() {
    const double lon_gaps[] = {0.011, 0.007, 0.013, 0.009, 0.012, 0.006, 0.010, 0.014, 0.008, 0.011,
                               0.009, 0.013, 0.007, 0.012, 0.010, 0.009, 0.011, 0.008};
    const double lat_gaps[] = {0.008, 0.012, 0.006, 0.011, 0.009, 0.013, 0.007, 0.010, 0.012};
    std::vector<double> lons{116.0}, lats{33.5};
    for (double g : lon_gaps) lons.push_back(lons.back() + g);
    for (double g : lat_gaps) lats.push_back(lats.back() + g);
    std::string roads = R"({"type":"FeatureCollection","features":[)";
    const auto line = [&](double x0, double y0, double x1, double y1) {
      if (roads.back() == '}') roads += ",";
      roads += R"({"type":"Feature","properties":{"highway":"tertiary"},"geometry":{"type":"LineString",)"
               R"("coordinates":[[)" + fmt(x0) + "," + fmt(y0) + "],[" + fmt(x1) + "," + fmt(y1) + "]]}}";
    };
    for (double lon : lons) line(lon, 33.49, lon, 33.61);
    for (double lat : lats) line(115.99, lat, 116.21, lat);
    dir.write("roads.geojson", roads + "]}");

    std::string csv = "机构代码,机构名称,机构类别,标签,经度,纬度\n";
    for (int i = 0; i < 40; ++i) {
      const double t = 0.1 + 0.8 * (static_cast<double>((i * 37) % 40) / 40.0);  // along the road
      const bool vertical = i % 2 == 0;
      const double lon = vertical ? lons[1 + static_cast<std::size_t>(i) % (lons.size() - 2)] : 116.0 + 0.2 * t;
      const double lat = vertical ? 33.5 + 0.1 * t : lats[1 + static_cast<std::size_t>(i) % (lats.size() - 2)];
      csv += "V" + std::to_string(i) + ",村卫生室" + std::to_string(i) + ",村卫生室,," + fmt(lon) + "," + fmt(lat) + "\n";
    }
    dir.write("facilities_wgs84.csv", csv);
    const CliResult c = run_cli({"convert-coords", "--from", "EPSG:4326", "--to", "gcj02", "--x-field", "经度",
                                 "--y-field", "纬度", (dir / "facilities_wgs84.csv").string(),
                                 (dir / "facilities.csv").string(), "--overwrite"});
    INFO(c.all());
    REQUIRE(c.code == 0);
    set_scenario(scenario_toml() + "\n[roads]\nsource = \"roads.geojson\"\nclass_field = \"highway\"\n");
  }
};

}  // namespace

TEST_CASE("validate and run warn about GCJ-02 facilities declared as WGS 84, with the fix", "[cli][gcj02]") {
  const RoadFixture fx;

  const CliResult v = run_cli({"validate", fx.scenario()});
  INFO(v.all());
  CHECK(v.code == 0);  // a warning, not an error
  CHECK_THAT(v.out, Catch::Contains("facilities.csv, field 'facilities[0].crs': the facilities look like GCJ-02") &&
                        Catch::Contains("declared as WGS 84") && Catch::Contains("nearest road") &&
                        Catch::Contains("hint: declare crs = \"gcj02\" on facilities[0]"));

  const auto out = fx.dir / "out";
  const CliResult r = run_cli({"run", fx.scenario(), "--out", out.string()});
  INFO(r.all());
  REQUIRE(r.code == 0);
  const json run = json::parse(slurp(out / "run.json"));
  const json* warning = nullptr;
  for (const json& w : run["warnings"])
    if (w["code"] == "crs.offset_suspected") warning = &w;
  REQUIRE(warning != nullptr);
  CHECK((*warning)["where"]["file"] == "facilities.csv");
  CHECK((*warning)["where"]["field"] == "facilities[0].crs");
  CHECK_THAT((*warning)["message"].get<std::string>(), Catch::Contains("of 40 facilities nearer a road as GCJ-02"));
  CHECK_THAT((*warning)["hint"].get<std::string>(), Catch::Contains("crs = \"gcj02\""));
  // The report lists it in Chinese, with where it is (the English message with its figures stays in run.json).
  const std::string html = slurp(out / "report.html");
  CHECK_THAT(html, Catch::Contains("【坐标系疑似声明有误（火星坐标/百度坐标偏移）】该数据的坐标看起来属于另一坐标系") &&
                       Catch::Contains("（位置：文件 facilities.csv，字段 facilities[0].crs）"));
  CHECK_THAT(html, !Catch::Contains("facilities look like GCJ-02"));
}

TEST_CASE("no offset warning when the facilities are declared as what they are", "[cli][gcj02]") {
  const RoadFixture fx;
  SECTION("GCJ-02 declared as gcj02") {
    fx.set_scenario(replace_all(fx.scenario_toml(), "crs = \"EPSG:4326\"", "crs = \"gcj02\"") +
                    "\n[roads]\nsource = \"roads.geojson\"\nclass_field = \"highway\"\n");
  }
  SECTION("WGS 84 declared as EPSG:4326") {
    fx.set_scenario(replace_all(fx.scenario_toml(), "facilities.csv", "facilities_wgs84.csv") +
                    "\n[roads]\nsource = \"roads.geojson\"\nclass_field = \"highway\"\n");
  }
  const CliResult v = run_cli({"validate", fx.scenario()});
  INFO(v.all());
  CHECK(v.code == 0);
  CHECK_THAT(v.out, !Catch::Contains("look like"));
}
