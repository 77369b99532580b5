// Capacity-aware coverage in `carereach run` ([capacity.<id>], 附表8): the outputs on the fixture, figures that add
// up, and every kind of bad input with its exit code (docs/exit-codes.md) and no output folder.
//
// The fixture's two counties hold 1,000 and 2,000 persons spread evenly over ~93 km² each. By car on the
// straight-line estimate (35 km/h, circuity 1.3), 10 minutes reach ~4.5 km: some 600 persons around 甲镇卫生院 and
// over 1,000 around 乙县中医院, far more than their capacities of 5 × 50 = 250 and 10 × 50 = 500 persons; 丙村卫生室
// has 0 beds. So (worked out by hand): 250 + 500 + 0 = 750 persons served, two facilities at capacity.

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "fixture.hpp"

using namespace carereach::test;

namespace {

std::string facilities_with_beds(const std::string& f1, const std::string& f2, const std::string& f3) {
  return "机构代码,机构名称,机构类别,标签,床位数,经度,纬度\n"
         "F1,甲镇卫生院,乡镇卫生院,中医馆," + f1 + ",116.05,33.55\n"
         "F2,乙县中医院,中医医院,县级医院," + f2 + ",116.15,33.55\n"
         "F3,丙村卫生室,村卫生室,," + f3 + ",116.12,33.52\n";
}

std::string scenario_with(const std::string& capacity, const std::string& facility_extra = "beds = \"床位数\"\n") {
  return Fixture::scenario_toml() + facility_extra +
         "\n[standards.county_hospital_30min]\nengine = \"estimate\"\n\n" + capacity;
}

const std::string kCapacity = R"([capacity.beds10]
name_zh = "床位服务能力（机动车10分钟）"
name_en = "Beds within 10 minutes by car"
standard = "county_hospital_30min"
types = ["乡镇卫生院", "中医医院", "村卫生室"]
threshold_min = 10
field = "beds"
persons_per_unit = 50
source = "test assumption"
)";

CliResult run_scenario(const Fixture& fx, const std::vector<std::string>& extra = {}) {
  const auto out = fx.dir / "out";
  std::vector<std::string> args{"run", fx.scenario(), "--out", out.string()};
  args.insert(args.end(), extra.begin(), extra.end());
  auto r = run_cli(args);
  if (r.code != 0) CHECK_FALSE(std::filesystem::exists(out));
  return r;
}

/// CSV rows (the byte-order mark and CRLF removed), split at commas (the fixture's texts hold none).
std::vector<std::vector<std::string>> read_csv(const std::filesystem::path& p) {
  std::string text = slurp(p);
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::vector<std::string> cells;
    std::string cell;
    std::istringstream ls(line);
    while (std::getline(ls, cell, ',')) cells.push_back(cell);
    if (!line.empty() && line.back() == ',') cells.emplace_back();
    rows.push_back(cells);
  }
  return rows;
}

std::size_t col(const std::vector<std::string>& header, const std::string& starts) {
  for (std::size_t i = 0; i < header.size(); ++i)
    if (header[i].rfind(starts, 0) == 0) return i;
  FAIL("no column " << starts);
  return 0;
}

}  // namespace

TEST_CASE("capacity coverage: 附表8, the zone table and the residual raster add up", "[cli][capacity]") {
  Fixture fx;
  fx.set_facilities(facilities_with_beds("5", "10", "0"));
  fx.set_scenario(scenario_with(kCapacity));
  const auto r = run_scenario(fx);
  INFO(r.all());
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("capacity beds10") && Catch::Contains("750 persons served") &&
                        Catch::Contains("capacity_residual_beds10.tif — persons no facility serves"));
  const auto out = fx.dir / "out";

  // 附表8: the facilities in processing order, the total row first.
  const auto t = read_csv(out / "tables" / "capacity_beds10.csv");
  REQUIRE(t.size() == 5);  // header, total, three facilities
  const auto& h = t[0];
  const std::size_t served = col(h, "服务人口"), capacity = col(h, "服务能力"), status = col(h, "说明"),
                    name = col(h, "机构名称"), used = col(h, "能力使用率");
  CHECK(t[1][name] == "合计");
  CHECK(t[1][served] == "750");
  CHECK(t[1][capacity] == "750");
  CHECK(t[1][used] == "100.0");
  long sum = 0;
  for (std::size_t i = 2; i < t.size(); ++i) sum += std::stol(t[i][served]);
  CHECK(sum == 750);
  // 乙县中医院 has the most persons within 10 minutes: first; 丙村卫生室 takes nobody.
  CHECK(t[2][name] == "乙县中医院");
  CHECK(t[2][served] == "500");
  CHECK(t[2][status] == "能力用尽");
  bool zero_seen = false;
  for (std::size_t i = 2; i < t.size(); ++i)
    if (t[i][name] == "丙村卫生室") {
      zero_seen = true;
      CHECK(t[i][served] == "0");
      CHECK(t[i][status] == "服务能力为0");
    }
  CHECK(zero_seen);

  // Zones: with capacity 750 in all, never more than without; the zones add up to the total.
  const auto z = read_csv(out / "tables" / "capacity_beds10_county.csv");
  REQUIRE(z.size() == 4);
  const std::size_t with = col(z[0], "获得服务人口"), without = col(z[0], "阈值内人口"), pop = col(z[0], "总人口");
  CHECK(z[1][with] == "750");
  CHECK(z[1][pop] == "3000");
  CHECK(std::stol(z[2][with]) + std::stol(z[3][with]) == 750);
  CHECK(std::stol(z[2][without]) + std::stol(z[3][without]) == std::stol(z[1][without]));
  for (std::size_t i = 1; i < 4; ++i) CHECK(std::stol(z[i][with]) <= std::stol(z[i][without]));

  // The residual population: everybody but the 750 served.
  GDALAllRegister();
  GDALDataset* ds = GDALDataset::FromHandle(GDALOpen((out / "capacity_residual_beds10.tif").string().c_str(), GA_ReadOnly));
  REQUIRE(ds != nullptr);
  const int w = ds->GetRasterXSize(), hgt = ds->GetRasterYSize();
  std::vector<float> v(static_cast<std::size_t>(w) * static_cast<std::size_t>(hgt));
  REQUIRE(ds->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, w, hgt, v.data(), w, hgt, GDT_Float32, 0, 0) == CE_None);
  GDALClose(GDALDataset::ToHandle(ds));
  double residual = 0.0;
  for (float x : v) residual += x;
  CHECK(residual == Approx(2250.0).margin(0.5));

  // The capacity catchments in layers.gpkg: one polygon per facility that served somebody (not 丙村卫生室), with the
  // persons served as 附表8 shows them.
  GDALDataset* gpkg = GDALDataset::FromHandle(GDALOpenEx((out / "layers.gpkg").string().c_str(), GDAL_OF_VECTOR,
                                                         nullptr, nullptr, nullptr));
  REQUIRE(gpkg != nullptr);
  OGRLayer* layer = gpkg->GetLayerByName("capacity_beds10");
  REQUIRE(layer != nullptr);
  CHECK(layer->GetFeatureCount() == 2);
  long layer_served = 0;
  for (auto& feature : *layer) {
    layer_served += static_cast<long>(feature->GetFieldAsInteger64("served"));
    CHECK(std::string(feature->GetFieldAsString("facility_id")) != "F3");
  }
  CHECK(layer_served == 750);
  GDALClose(GDALDataset::ToHandle(gpkg));

  // run.json and the report.
  const auto j = nlohmann::json::parse(slurp(out / "run.json"));
  const auto& c = j["travel"]["capacity"][0];
  CHECK(c["id"] == "beds10");
  CHECK(c["persons_served"] == 750);
  CHECK(c["facilities_at_capacity"] == 2);
  const std::string html = slurp(out / "report.html");
  CHECK_THAT(html, Catch::Contains("机构服务能力与负荷") && Catch::Contains("附表8"));
}

TEST_CASE("capacity coverage from a table by type gives the same figures; English labels", "[cli][capacity]") {
  Fixture fx;
  fx.set_facilities(facilities_with_beds("", "", ""));
  std::string cap = replace_all(kCapacity, "field = \"beds\"\n", "");
  cap += "[capacity.beds10.table]\n\"乡镇卫生院\" = 5\n\"中医医院/未定级\" = 10\n\"中医医院\" = 99\n\"村卫生室\" = 0\n";
  fx.set_scenario(scenario_with(cap));
  const auto r = run_scenario(fx, {"--lang", "en"});
  INFO(r.all());
  REQUIRE(r.code == 0);
  const auto t = read_csv(fx.dir / "out" / "tables" / "capacity_beds10.csv");
  const std::size_t served = col(t[0], "Population served");
  CHECK(t[1][served] == "750");  // the type/level entry (10) wins over the type's (99)
  CHECK_THAT(slurp(fx.dir / "out" / "report.html"), Catch::Contains("Facility capacity and load"));
}

TEST_CASE("capacity coverage: bad input", "[cli][capacity][bad-input]") {
  Fixture fx;
  SECTION("a facility without a capacity value: exit 4 naming the facility, its row and the column") {
    fx.set_facilities(facilities_with_beds("5", "", "0"));
    fx.set_scenario(scenario_with(kCapacity));
    const auto r = run_scenario(fx);
    CHECK(r.code == 4);
    CHECK_THAT(r.err, Catch::Contains("F2") && Catch::Contains("床位数") && Catch::Contains("row 3") &&
                          Catch::Contains("[capacity.beds10]"));
  }
  SECTION("a non-numeric or negative capacity value: exit 4 naming the row and the column") {
    for (const std::string bad : {"many", "-5"}) {
      fx.set_facilities(facilities_with_beds("5", bad, "0"));
      fx.set_scenario(scenario_with(kCapacity));
      const auto r = run_scenario(fx);
      INFO(bad);
      CHECK(r.code == 4);
      CHECK_THAT(r.err, Catch::Contains("'" + bad + "'") && Catch::Contains("床位数") && Catch::Contains("row 3"));
    }
  }
  SECTION("a negative value skipped by on_invalid = skip is still refused by the capacity coverage") {
    fx.set_facilities(facilities_with_beds("5", "-5", "0"));
    fx.set_scenario(replace_all(scenario_with(kCapacity), "y_field = \"纬度\"\n", "y_field = \"纬度\"\non_invalid = \"skip\"\n"));
    const auto r = run_scenario(fx);
    CHECK(r.code == 4);
    CHECK_THAT(r.err, Catch::Contains("F2") && Catch::Contains("has no 床位数"));
  }
  SECTION("the capacity column is not mapped: exit 4 saying so") {
    fx.set_facilities(facilities_with_beds("5", "10", "0"));
    fx.set_scenario(scenario_with(kCapacity, ""));
    const auto r = run_scenario(fx);
    CHECK(r.code == 4);
    CHECK_THAT(r.err, Catch::Contains("no column is mapped to fields.beds"));
  }
  SECTION("an unknown standard, a distance standard, an unknown field, field and table together: exit 3") {
    fx.set_facilities(facilities_with_beds("5", "10", "0"));
    const std::vector<std::pair<std::string, std::string>> cases{
        {replace_all(kCapacity, "standard = \"county_hospital_30min\"", "standard = \"nope\""), "no standard 'nope'"},
        {replace_all(kCapacity, "standard = \"county_hospital_30min\"", "standard = \"emergency_radius\""),
         "is a distance standard"},
        {replace_all(kCapacity, "field = \"beds\"", "field = \"床位\""), "is not a facility attribute"},
        {kCapacity + "[capacity.beds10.table]\n\"乡镇卫生院\" = 5\n", "one of them"},
        {replace_all(kCapacity, "persons_per_unit = 50", "persons_per_unit = -1"), "persons_per_unit"},
        {replace_all(kCapacity, "persons_per_unit = 50", "persons_per_unit = 50\norder = \"size\""), "order"},
    };
    for (const auto& [text, message] : cases) {
      fx.set_scenario(scenario_with(text));
      const auto r = run_scenario(fx);
      INFO(message);
      CHECK(r.code == 3);
      CHECK_THAT(r.err, Catch::Contains(message) && Catch::Contains("capacity.beds10"));
    }
  }
  SECTION("a type missing from the capacity table: exit 3 naming the facility") {
    fx.set_facilities(facilities_with_beds("", "", ""));
    std::string cap = replace_all(kCapacity, "field = \"beds\"\n", "");
    fx.set_scenario(scenario_with(cap + "[capacity.beds10.table]\n\"乡镇卫生院\" = 5\n\"村卫生室\" = 0\n"));
    const auto r = run_scenario(fx);
    CHECK(r.code == 3);
    CHECK_THAT(r.err, Catch::Contains("F2") && Catch::Contains("tcm_hospital"));
  }
}

TEST_CASE("capacity coverage on a standard that is not computed says so, with the reason", "[cli][capacity]") {
  // The fixture has no roads: primary_care_15min (walking on the network) is not computed, nor is its capacity.
  Fixture fx;
  fx.set_facilities(facilities_with_beds("5", "10", "0"));
  fx.set_scenario(scenario_with(replace_all(kCapacity, "standard = \"county_hospital_30min\"",
                                            "standard = \"primary_care_15min\"")));
  const auto r = run_scenario(fx);
  INFO(r.all());
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("capacity beds10: not computed"));
  const auto out = fx.dir / "out";
  const auto j = nlohmann::json::parse(slurp(out / "run.json"));
  CHECK_THAT(j["travel"]["capacity"][0]["status"].get<std::string>(),
             Catch::StartsWith("not computed: its standard primary_care_15min was not computed"));
  CHECK_FALSE(std::filesystem::exists(out / "capacity_residual_beds10.tif"));
  CHECK_THAT(slurp(out / "tables" / "capacity_beds10.csv"), Catch::Contains("未计算"));
  CHECK_THAT(slurp(out / "report.html"), Catch::Contains("未计算：所依据的服务标准 primary_care_15min 未计算"));
}
