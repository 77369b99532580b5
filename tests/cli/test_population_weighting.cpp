// Census totals spread by settlement points and by township totals, end to end: the scenario keys
// ([population.settlements], [population.finer_totals]), the method in run.json, validate and the report, the
// warnings, and the county totals kept exactly (docs/method/population.md, "Census totals weighted by
// settlements").

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <string>

#include "fixture.hpp"

using namespace carereach::test;
using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

/// The fixture's scenario with a [population.settlements] table added after the census keys.
std::string with_population_tables(const std::string& tables) {
  return replace_all(Fixture::scenario_toml(), "count_field = \"pop\"\n", "count_field = \"pop\"\n\n" + tables);
}

const std::string kVillages =
    "名称,户数,经度,纬度\n"
    "甲村,120,116.03,33.53\n"
    "乙村,60,116.07,33.57\n";

const std::string kSettlements = R"([population.settlements]
source = "villages.csv"
crs = "EPSG:4326"
x_field = "经度"
y_field = "纬度"
weight_field = "户数"
label = "村委会"
bandwidth_m = 1000
)";

bool has_warning(const json& run, const std::string& code, const std::string& text) {
  for (const auto& w : run["warnings"])
    if (w["code"] == code && w["message"].get<std::string>().find(text) != std::string::npos) return true;
  return false;
}

/// The persons of each county zone in run.json (from the first standard's county level).
std::map<std::string, double> county_totals(const json& run) {
  std::map<std::string, double> out;
  for (const auto& st : run["coverage"]) {
    if (!st.contains("levels")) continue;
    for (const auto& level : st["levels"]) {
      if (level["level"] != "county") continue;
      for (const auto& z : level["zones"]) out[z["code"].get<std::string>()] = z["pop_total"].get<double>();
      return out;
    }
  }
  return out;
}

}  // namespace

TEST_CASE("census totals weighted by village points: the method is stated, the county totals kept",
          "[cli][population]") {
  // 甲县 (100001) holds both villages; 乙县 (100002) none, so it is spread uniformly with a warning naming it.
  // With a 1 km bandwidth the kernels are cut off at 4 km: cells of 甲县 further than that from both villages get
  // nobody, so fewer cells are populated than the study area has.
  Fixture fx;
  fx.dir.write("villages.csv", kVillages);
  fx.set_scenario(with_population_tables(kSettlements));

  const auto v = run_cli({"validate", fx.scenario()});
  INFO(v.all());
  REQUIRE(v.code == 0);
  CHECK_THAT(v.out, Catch::Contains("Gaussian kernel (bandwidth 1,000 m, cut off at 4 bandwidths) around each of 2 "
                                    "points of villages.csv (村委会, weighted by 户数)"));

  const fs::path out = fx.dir / "out";
  const auto r = run_cli({"-q", "run", fx.scenario(), "--out", out.string()});
  INFO(r.all());
  REQUIRE(r.code == 0);
  const json run = json::parse(slurp(out / "run.json"));
  const json& pop = run["counts"]["population"];
  CHECK_THAT(pop["method"].get<std::string>(), Catch::Contains("in proportion to the settlement surface"));
  CHECK_THAT(pop["method_zh"].get<std::string>(), Catch::Contains("按村委会位置加权分配") && Catch::Contains("高斯核，带宽 1,000 m"));
  CHECK(pop["grid_total"].get<double>() == Approx(3000).epsilon(1e-9));
  CHECK(pop["populated_cells"].get<double>() < run["counts"]["grid"]["cells_in_study_area"].get<double>());
  CHECK(has_warning(run, "population.zone_without_settlements", "100002"));
  CHECK_FALSE(has_warning(run, "population.zone_without_settlements", "100001"));
  const auto counties = county_totals(run);
  REQUIRE(counties.size() == 2);
  CHECK(counties.at("100001") == Approx(1000).epsilon(1e-9));
  CHECK(counties.at("100002") == Approx(2000).epsilon(1e-9));
  // The report's data sources say how the persons were placed, in the report's language.
  const std::string md = slurp(out / "report.md");
  CHECK_THAT(md, Catch::Contains("按村委会位置加权分配") && Catch::Contains("高斯核，带宽 1,000 m"));
  // The settlement file is an input with its checksum.
  bool listed = false;
  for (const auto& in : run["inputs"]) listed = listed || in["path"] == "villages.csv";
  CHECK(listed);

  const fs::path out_en = fx.dir / "out_en";
  const auto r_en = run_cli({"-q", "run", fx.scenario(), "--out", out_en.string(), "--lang", "en"});
  REQUIRE(r_en.code == 0);
  CHECK_THAT(slurp(out_en / "report.md"), Catch::Contains("Gaussian kernel (bandwidth 1,000 m"));
}

TEST_CASE("township totals given per seat refine the county totals, scaled to them with a warning",
          "[cli][population]") {
  // Township seats of 甲县: 甲一镇 at the west, 甲二镇 at the east; their census totals add up to 900 of the county's
  // 1,000, so they are scaled by 1000/900 with a warning. 乙县 has no township: spread at the county level.
  Fixture fx;
  fx.dir.write("towns.csv",
               "code,name,county,lon,lat\n"
               "100001001,甲一镇,100001,116.02,33.55\n"
               "100001002,甲二镇,100001,116.08,33.55\n");
  fx.dir.write("towns_pop.csv", "乡镇代码,常住人口\n100001001,300\n100001002,600\n");
  std::string toml = with_population_tables(R"([population.finer_totals]
source = "towns_pop.csv"
level = "township"
code_field = "乡镇代码"
count_field = "常住人口"
)");
  toml = replace_all(toml, "[population]\n", R"([[zones]]
level = "township"
geometry = "seats"
source = "towns.csv"
crs = "EPSG:4326"
x_field = "lon"
y_field = "lat"
code_field = "code"
name_field = "name"
parent_field = "county"
parent_level = "county"

[population]
)");
  fx.set_scenario(toml);
  const fs::path out = fx.dir / "out";
  const auto r = run_cli({"-q", "run", fx.scenario(), "--out", out.string()});
  INFO(r.all());
  REQUIRE(r.code == 0);
  const json run = json::parse(slurp(out / "run.json"));
  CHECK(has_warning(run, "population.finer_totals_differ", "100001 甲县: total 1,000, township totals 900 (+11.1%)"));
  CHECK_THAT(run["counts"]["population"]["method"].get<std::string>(),
             Catch::Contains("in 1 of 2 county zones, by the totals of their 2 township zones in towns_pop.csv") &&
                 Catch::Contains("each spread around its seat by a Gaussian kernel"));
  const auto counties = county_totals(run);
  REQUIRE(counties.size() == 2);
  CHECK(counties.at("100001") == Approx(1000).epsilon(1e-9));
  CHECK(counties.at("100002") == Approx(2000).epsilon(1e-9));
}

TEST_CASE("settlement keys that cannot work are scenario errors", "[cli][population]") {
  Fixture fx;
  fx.dir.write("villages.csv", kVillages);

  SECTION("a bandwidth below half a cell") {
    fx.set_scenario(with_population_tables(replace_all(kSettlements, "bandwidth_m = 1000", "bandwidth_m = 100")));
    const auto r = run_cli({"validate", fx.scenario()});
    CHECK(r.code == 3);
    CHECK_THAT(r.err, Catch::Contains("population.settlements.bandwidth_m") && Catch::Contains("half the cell size (250 m)"));
  }
  SECTION("settlements for a population that is not zone totals") {
    std::string toml = with_population_tables(kSettlements);
    toml = replace_all(toml, "kind = \"zone_totals\"", "kind = \"points\"");
    fx.set_scenario(toml);
    const auto r = run_cli({"validate", fx.scenario()});
    CHECK(r.code == 3);
    CHECK_THAT(r.err, Catch::Contains("settlements") && Catch::Contains("applies to kind = \"zone_totals\" only"));
  }
  SECTION("a settlement weight that is not a number names the row and the field") {
    fx.dir.write("villages.csv", "名称,户数,经度,纬度\n甲村,许多,116.03,33.53\n");
    fx.set_scenario(with_population_tables(kSettlements));
    const auto r = run_cli({"validate", fx.scenario()});
    CHECK(r.code == 4);
    CHECK_THAT(r.all(), Catch::Contains("villages.csv") && Catch::Contains("row 2") && Catch::Contains("户数") &&
                            Catch::Contains("settlement weight '许多' is not a number"));
  }
}
