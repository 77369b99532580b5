// Every kind of bad input gives a clear message naming the place, a documented exit code (docs/exit-codes.md),
// and no output folder.

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "fixture.hpp"

using namespace carereach::test;

namespace {

// Runs `carereach run` into a fresh folder and checks that a failing run leaves nothing behind.
CliResult run_scenario(const Fixture& fx) {
  const auto out = fx.dir / "out";
  auto r = run_cli({"run", fx.scenario(), "--out", out.string()});
  if (r.code != 0) {
    CHECK_FALSE(std::filesystem::exists(out));
    // No temporary folder is left beside it either.
    for (const auto& e : std::filesystem::directory_iterator(fx.dir.path()))
      CHECK(e.path().filename().string().find(".tmp-") == std::string::npos);
  }
  return r;
}

}  // namespace

TEST_CASE("the fixture itself is good", "[cli][bad-input]") {
  Fixture fx;
  const auto v = run_cli({"validate", fx.scenario()});
  INFO(v.all());
  CHECK(v.code == 0);
  CHECK_THAT(v.out, Catch::Contains("The scenario can run"));
  const auto r = run_scenario(fx);
  INFO(r.all());
  REQUIRE(r.code == 0);
  CHECK(std::filesystem::exists(fx.dir / "out" / "run.json"));
}

TEST_CASE("missing scenario file", "[cli][bad-input]") {
  Fixture fx;
  const auto r = run_cli({"validate", (fx.dir / "nope.toml").string()});
  CHECK(r.code == 4);
  CHECK_THAT(r.err, Catch::Contains("nope.toml") && Catch::Contains("not found"));
}

TEST_CASE("missing data file", "[cli][bad-input]") {
  Fixture fx;
  fx.set_scenario(replace_all(Fixture::scenario_toml(), "census.csv", "missing_census.csv"));
  const auto r = run_scenario(fx);
  CHECK(r.code == 4);
  CHECK_THAT(r.err, Catch::Contains("missing_census.csv") && Catch::Contains("not found") &&
                        Catch::Contains("population.source"));
}

TEST_CASE("unreadable data file", "[cli][bad-input]") {
  Fixture fx;
  fx.dir.write("broken.gpkg", "this is not a GeoPackage");
  fx.set_scenario(replace_all(Fixture::scenario_toml(), "zones.geojson", "broken.gpkg"));
  const auto r = run_scenario(fx);
  CHECK(r.code == 4);
  CHECK_THAT(r.err, Catch::Contains("broken.gpkg") && Catch::Contains("cannot be opened"));
}

TEST_CASE("a layer that does not exist", "[cli][bad-input]") {
  Fixture fx;
  fx.set_scenario(replace_all(Fixture::scenario_toml(), "source = \"zones.geojson\"",
                              "source = \"zones.geojson\"\nlayer = \"counties\""));
  const auto r = run_scenario(fx);
  CHECK(r.code == 4);
  CHECK_THAT(r.err, Catch::Contains("zones.geojson") && Catch::Contains("no layer 'counties'"));
  CHECK_THAT(r.err, Catch::Contains("the layers are: zones"));
}

TEST_CASE("a field that does not exist", "[cli][bad-input]") {
  Fixture fx;
  fx.set_scenario(replace_all(Fixture::scenario_toml(), "name = \"机构名称\"", "name = \"名称\""));
  const auto r = run_scenario(fx);
  CHECK(r.code == 4);
  CHECK_THAT(r.err, Catch::Contains("facilities.csv") && Catch::Contains("no field '名称'") &&
                        Catch::Contains("facilities[0].fields.name") && Catch::Contains("机构名称"));
}

TEST_CASE("CSV rows with bad coordinates", "[cli][bad-input]") {
  struct Case {
    std::string row;
    std::string expected;
  };
  const Case cases[] = {
      {"F9,空坐标,村卫生室,,,33.5", "empty coordinate"},
      {"F9,文字坐标,村卫生室,,东经116度,33.5", "is not a number"},
      {"F9,越界坐标,村卫生室,,216.05,33.55", "out of range"},
      {"F9,颠倒坐标,村卫生室,,33.55,116.05", "out of range"},
  };
  for (const auto& c : cases) {
    Fixture fx;
    fx.set_facilities(Fixture::facilities_csv() + c.row + "\n");
    const auto r = run_scenario(fx);
    INFO(c.row << "\n" << r.all());
    CHECK(r.code == 4);
    CHECK_THAT(r.err, Catch::Contains("facilities.csv") && Catch::Contains("row 5") && Catch::Contains(c.expected));
  }
  // Swapped longitude/latitude get a hint that says so.
  Fixture fx;
  fx.set_facilities(Fixture::facilities_csv() + "F9,颠倒坐标,村卫生室,,33.55,116.05\n");
  CHECK_THAT(run_scenario(fx).err, Catch::Contains("swapped"));
}

TEST_CASE("bad rows can be left out with on_invalid = skip", "[cli][bad-input]") {
  Fixture fx;
  fx.set_facilities(Fixture::facilities_csv() + "F9,空坐标,村卫生室,,,33.5\n");
  fx.set_scenario(replace_all(Fixture::scenario_toml(), "y_field = \"纬度\"", "y_field = \"纬度\"\non_invalid = \"skip\""));
  const auto r = run_scenario(fx);
  INFO(r.all());
  REQUIRE(r.code == 0);
  const auto run = nlohmann::json::parse(slurp(fx.dir / "out" / "run.json"));
  CHECK(run["counts"]["facilities"]["total"] == 3);
  bool found = false;
  for (const auto& w : run["warnings"])
    if (w["code"] == "coordinate.empty") {
      found = true;
      CHECK(w["where"]["feature"] == "row 5");
      CHECK_THAT(w["message"].get<std::string>(), Catch::Contains("row left out"));
    }
  CHECK(found);
}

TEST_CASE("a source with no CRS and none declared", "[cli][bad-input]") {
  Fixture fx;
  fx.set_scenario(replace_all(Fixture::scenario_toml(), "crs = \"EPSG:4326\"\n", ""));
  const auto r = run_scenario(fx);
  CHECK(r.code == 5);
  CHECK_THAT(r.err, Catch::Contains("facilities.csv") && Catch::Contains("no coordinate system") &&
                        Catch::Contains("gcj02"));
}

TEST_CASE("an unknown CRS", "[cli][bad-input]") {
  Fixture fx;
  fx.set_scenario(replace_all(Fixture::scenario_toml(), "crs = \"EPSG:4326\"", "crs = \"EPSG:99999\""));
  const auto r = run_scenario(fx);
  CHECK(r.code == 5);
  CHECK_THAT(r.err, Catch::Contains("EPSG:99999"));
}

TEST_CASE("a geographic analysis CRS is refused", "[cli][bad-input]") {
  Fixture fx;
  fx.set_scenario(replace_all(Fixture::scenario_toml(), "cell_size_m = 500", "cell_size_m = 500\ncrs = \"EPSG:4326\""));
  const auto r = run_scenario(fx);
  CHECK(r.code == 5);
  CHECK_THAT(r.err, Catch::Contains("analysis.crs") && Catch::Contains("not a projected CRS in metres"));
}

TEST_CASE("an empty layer", "[cli][bad-input]") {
  Fixture fx;
  fx.set_facilities("机构代码,机构名称,机构类别,标签,经度,纬度\n");
  const auto r = run_scenario(fx);
  CHECK(r.code == 4);
  CHECK_THAT(r.err, Catch::Contains("facilities.csv") && Catch::Contains("empty"));

  Fixture fz;
  fz.set_zones(R"({"type":"FeatureCollection","features":[]})");
  const auto z = run_scenario(fz);
  CHECK(z.code == 4);
  CHECK_THAT(z.err, Catch::Contains("zones.geojson") && Catch::Contains("empty"));
}

TEST_CASE("an invalid polygon is repaired and counted as a warning", "[cli][bad-input]") {
  Fixture fx;
  // County 100002 as a bow-tie: the two triangles of the square, crossing at its centre.
  const std::string bowtie = "[[[116.1,33.5],[116.2,33.6],[116.2,33.5],[116.1,33.6],[116.1,33.5]]]";
  fx.set_zones(R"({"type":"FeatureCollection","features":[)" + Fixture::feature("100001", "甲县", Fixture::square(116.0, 33.5, 0.1)) +
               "," + Fixture::feature("100002", "乙县", bowtie) + "]}");
  const auto v = run_cli({"validate", fx.scenario()});
  INFO(v.all());
  CHECK(v.code == 0);
  CHECK_THAT(v.out, Catch::Contains("invalid polygon") && Catch::Contains("100002") && Catch::Contains("repaired"));
  const auto r = run_scenario(fx);
  REQUIRE(r.code == 0);
  const auto run = nlohmann::json::parse(slurp(fx.dir / "out" / "run.json"));
  CHECK(run["counts"]["zones"]["county"]["repaired_polygons"] == 1);
  // The repaired county is the two triangles: half the square's area.
  const double a = run["counts"]["zones"]["county"]["area_km2"].get<double>();
  CHECK(a > 0);
}

TEST_CASE("duplicate facility ids", "[cli][bad-input]") {
  Fixture fx;
  fx.set_facilities(Fixture::facilities_csv() + "F2,重复,村卫生室,,116.11,33.51\n");
  const auto r = run_scenario(fx);
  CHECK(r.code == 4);
  CHECK_THAT(r.err, Catch::Contains("duplicate facility id 'F2'") && Catch::Contains("row 5") &&
                        Catch::Contains("row 3"));
}

TEST_CASE("facilities outside the study area are warnings", "[cli][bad-input]") {
  Fixture fx;
  fx.set_facilities(Fixture::facilities_csv() + "F9,界外卫生院,乡镇卫生院,,116.35,33.55\n");
  const auto r = run_scenario(fx);
  INFO(r.all());
  REQUIRE(r.code == 0);
  const auto run = nlohmann::json::parse(slurp(fx.dir / "out" / "run.json"));
  bool found = false;
  for (const auto& w : run["warnings"]) {
    if (w["code"] != "facility.outside_study_area") continue;
    found = true;
    // 0.15° of longitude beyond the edge at 33.55°N ≈ 0.15 × 111.32 × cos(33.55°) ≈ 13.9 km.
    CHECK_THAT(w["message"].get<std::string>(), Catch::Contains("F9") && Catch::Contains("13.9 km"));
    CHECK(w["where"]["feature"] == "row 5");
  }
  CHECK(found);
}

TEST_CASE("an unknown facility type", "[cli][bad-input]") {
  Fixture fx;
  fx.set_facilities(Fixture::facilities_csv() + "F9,宠物医院,宠物医院,,116.11,33.51\n");
  const auto r = run_scenario(fx);
  CHECK(r.code == 4);
  CHECK_THAT(r.err, Catch::Contains("unknown facility type '宠物医院'") && Catch::Contains("row 5") &&
                        Catch::Contains("type_map"));
}

TEST_CASE("a malformed TOML file", "[cli][bad-input]") {
  Fixture fx;
  fx.set_scenario(replace_all(Fixture::scenario_toml(), "cell_size_m = 500", "cell_size_m = = 500"));
  const auto r = run_scenario(fx);
  CHECK(r.code == 3);
  CHECK_THAT(r.err, Catch::Contains("scenario.toml") && Catch::Contains("line 6") && Catch::Contains("not valid TOML"));
}

TEST_CASE("unknown keys and wrong types in the scenario", "[cli][bad-input]") {
  Fixture fx;
  fx.set_scenario(replace_all(Fixture::scenario_toml(), "cell_size_m = 500", "cel_size_m = 500"));
  auto r = run_scenario(fx);
  CHECK(r.code == 3);
  CHECK_THAT(r.err, Catch::Contains("line 6") && Catch::Contains("analysis.cel_size_m") &&
                        Catch::Contains("unknown key") && Catch::Contains("did you mean 'cell_size_m'"));

  fx.set_scenario(replace_all(Fixture::scenario_toml(), "cell_size_m = 500", "cell_size_m = \"500\""));
  r = run_scenario(fx);
  CHECK(r.code == 3);
  CHECK_THAT(r.err, Catch::Contains("analysis.cell_size_m") && Catch::Contains("must be a number"));

  fx.set_scenario(Fixture::scenario_toml() + "\n[standards.tcm_15min]\nthreshold_min = -5\n");
  r = run_scenario(fx);
  CHECK(r.code == 3);
  CHECK_THAT(r.err, Catch::Contains("standards.tcm_15min.threshold_min"));
}

TEST_CASE("an existing output folder is never touched without --overwrite", "[cli][output]") {
  Fixture fx;
  const auto out = fx.dir / "out";
  std::filesystem::create_directories(out);
  fx.dir.write("out/keep.txt", "precious");
  auto r = run_cli({"run", fx.scenario(), "--out", out.string()});
  CHECK(r.code == 6);
  CHECK_THAT(r.err, Catch::Contains("already exists") && Catch::Contains("--overwrite"));
  CHECK(slurp(out / "keep.txt") == "precious");
  // Not a carereach output: refused even with --overwrite.
  r = run_cli({"run", fx.scenario(), "--out", out.string(), "--overwrite"});
  CHECK(r.code == 6);
  CHECK(slurp(out / "keep.txt") == "precious");
  // An earlier carereach output is replaced with --overwrite, and kept intact when the new run fails.
  const auto out2 = fx.dir / "out2";
  REQUIRE(run_cli({"run", fx.scenario(), "--out", out2.string()}).code == 0);
  const std::string first = slurp(out2 / "run.json");
  fx.set_facilities(Fixture::facilities_csv() + "F2,重复,村卫生室,,116.11,33.51\n");
  CHECK(run_cli({"run", fx.scenario(), "--out", out2.string(), "--overwrite"}).code == 4);
  CHECK(slurp(out2 / "run.json") == first);
  fx.set_facilities(Fixture::facilities_csv());
  CHECK(run_cli({"run", fx.scenario(), "--out", out2.string(), "--overwrite"}).code == 0);
}

TEST_CASE("the automatic analysis CRS is chosen for the zones the filter keeps, not the whole file", "[cli][crs]") {
  // A file of counties far apart (as the shared five-prefecture outlines are), filtered to two near 116°E: the
  // centre of the kept counties (116.1°E) picks the Gauss-Krüger zone of 117°E (EPSG:4548); the centre of the whole
  // file (108°E) would pick 108°E (EPSG:4545).
  Fixture fx;
  fx.set_zones(R"({"type":"FeatureCollection","features":[)" + Fixture::feature("100001", "甲县", Fixture::square(116.0, 33.5, 0.1)) +
               "," + Fixture::feature("100002", "乙县", Fixture::square(116.1, 33.5, 0.1)) + "," +
               Fixture::feature("200001", "丙县", Fixture::square(100.0, 30.0, 0.1)) + "]}");
  fx.set_scenario(replace_all(Fixture::scenario_toml(), "name_field = \"name\"\n",
                              "name_field = \"name\"\nfilter_field = \"code\"\nfilter_values = [\"100001\", \"100002\"]\n"));
  const auto r = run_cli({"validate", fx.scenario()});
  INFO(r.all());
  CHECK(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("EPSG:4548") && Catch::Contains("116.100°E"));
}
