// Planning indicators on the command line (docs/method/indicators.md): presence per county (三级医院县城全覆盖) and
// shares of facilities (乡镇卫生院设中医馆) with what is still missing, per-zone targets, zone totals from a yearbook
// (the Qujing figures), facility counts and zone codes on every facility, and compare flipping a county to met.
// Two square counties (甲县 100001, 乙县 100002); every expected figure is counted by hand from the rows below.

#include <catch2/catch.hpp>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli_runner.hpp"
#include "fixture.hpp"

using carereach::test::Fixture;
using carereach::test::run_cli;
using carereach::test::slurp;
namespace fs = std::filesystem;

namespace {

// 甲县 (116.0–116.1 E): F1 甲镇卫生院 with a 中医馆, F4 甲县人民医院 (三级甲等), F6 丁镇卫生院 (written 卫生院, an
// office term for 乡镇卫生院) without. 乙县 (116.1–116.2 E): F2 中医院 (二级), F3 村卫生站 (Guangdong's term for a
// 村卫生室), F5 乙镇卫生院 without a 中医馆.
const char* const kFacilities =
    "机构代码,机构名称,机构类别,等级,标签,经度,纬度\n"
    "F1,甲镇卫生院,乡镇卫生院,一级,中医馆,116.05,33.55\n"
    "F2,乙县中医院,中医医院,二级,县级医院,116.15,33.55\n"
    "F3,丙村卫生站,村卫生站,,,116.12,33.52\n"
    "F4,甲县人民医院,综合医院,三级甲等,胸痛中心,116.03,33.56\n"
    "F5,乙镇卫生院,乡镇卫生院,一级,,116.17,33.57\n"
    "F6,丁镇卫生院,卫生院,一级,,116.07,33.53\n";

std::string scenario(const std::string& more) {
  std::string s = Fixture::scenario_toml();
  s = carereach::test::replace_all(s, "tags = \"标签\"\n", "tags = \"标签\"\nlevel = \"等级\"\n");
  return s + R"(
[indicators.county_tertiary]
kind = "presence"
name_zh = "三级医院县城全覆盖"
name_en = "A tertiary hospital in every county"
level = "county"
types = ["综合医院"]
min_level = "三级"
source_zh = "信阳市大别山区域医疗中心三年行动方案"

[indicators.thc_tcm_hall]
kind = "share"
name_zh = "乡镇卫生院设中医馆"
level = "county"
types = ["乡镇卫生院"]
with_tags_any = ["中医馆"]
target_share = 1
)" + more;
}

/// The rows of a CSV written by carereach (BOM, CRLF; no quoted commas in these tests), header included.
std::vector<std::vector<std::string>> csv(const fs::path& p) {
  std::string text = slurp(p);
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);
  std::vector<std::vector<std::string>> rows;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(at, end - at);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::vector<std::string> cells;
    std::size_t from = 0;
    for (std::size_t comma; (comma = line.find(',', from)) != std::string::npos; from = comma + 1)
      cells.push_back(line.substr(from, comma - from));
    cells.push_back(line.substr(from));
    rows.push_back(cells);
    at = end + 1;
  }
  return rows;
}

/// The cell of `column` (by header) in the first row whose cells contain all of `keys`.
std::string cell(const std::vector<std::vector<std::string>>& rows, const std::vector<std::string>& keys,
                 const std::string& column) {
  REQUIRE(!rows.empty());
  std::size_t c = 0;
  while (c < rows[0].size() && rows[0][c] != column) ++c;
  INFO("column " << column);
  REQUIRE(c < rows[0].size());
  for (std::size_t r = 1; r < rows.size(); ++r) {
    bool all = true;
    for (const auto& k : keys) all = all && std::find(rows[r].begin(), rows[r].end(), k) != rows[r].end();
    if (all) return c < rows[r].size() ? rows[r][c] : std::string();
  }
  FAIL("no row with the keys");
  return {};
}

/// Field values of a layer of a GeoPackage, per feature by `key_field`.
std::map<std::string, std::map<std::string, std::string>> layer_fields(const fs::path& gpkg, const std::string& layer,
                                                                       const std::string& key_field) {
  GDALAllRegister();
  std::unique_ptr<GDALDataset> ds(
      static_cast<GDALDataset*>(GDALOpenEx(gpkg.string().c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr)));
  REQUIRE(ds);
  OGRLayer* l = ds->GetLayerByName(layer.c_str());
  REQUIRE(l != nullptr);
  std::map<std::string, std::map<std::string, std::string>> out;
  for (auto& f : *l) {
    std::map<std::string, std::string> values;
    for (int i = 0; i < f->GetFieldCount(); ++i)
      values[f->GetFieldDefnRef(i)->GetNameRef()] = f->IsFieldSetAndNotNull(i) ? f->GetFieldAsString(i) : "<null>";
    out[values[key_field]] = values;
  }
  return out;
}

}  // namespace

TEST_CASE("run: presence and share indicators per county, with what is missing, in every output", "[cli][indicators]") {
  Fixture fx;
  fx.set_facilities(kFacilities);
  fx.set_scenario(scenario(""));
  const fs::path out = fx.dir / "out";
  const auto r = run_cli({"run", fx.scenario(), "--out", out.string()});
  INFO(r.all());
  REQUIRE(r.code == 0);

  CHECK(r.out.find("county_tertiary 三级医院县城全覆盖: 1 of 2 county zones met, 1 facility still missing") !=
        std::string::npos);
  CHECK(r.out.find("thc_tcm_hall 乡镇卫生院设中医馆: 0 of 2 county zones met, 2 facilities still missing") !=
        std::string::npos);

  // 附表5: 甲县 has 1 三级 general hospital (met); 乙县 none (1 missing). Shares: 甲县 1 of 2 township centres has
  // a 中医馆 (50 %, 1 missing: 丁镇卫生院); 乙县 0 of 1 (1 missing: 乙镇卫生院); overall 1 of 3.
  const auto t = csv(out / "tables/indicators.csv");
  CHECK(cell(t, {"三级医院县城全覆盖", "甲县"}, "现有数（个）") == "1");
  CHECK(cell(t, {"三级医院县城全覆盖", "甲县"}, "是否达标") == "是");
  CHECK(cell(t, {"三级医院县城全覆盖", "甲县"}, "相关机构") == "甲县人民医院");
  CHECK(cell(t, {"三级医院县城全覆盖", "乙县"}, "是否达标") == "否");
  CHECK(cell(t, {"三级医院县城全覆盖", "乙县"}, "尚缺（个）") == "1");
  CHECK(cell(t, {"三级医院县城全覆盖", "合计"}, "是否达标") == "1 / 2 达标");
  CHECK(cell(t, {"乡镇卫生院设中医馆", "甲县"}, "应有机构数（个）") == "2");
  CHECK(cell(t, {"乡镇卫生院设中医馆", "甲县"}, "比例（%）") == "50.0");
  CHECK(cell(t, {"乡镇卫生院设中医馆", "甲县"}, "尚缺（个）") == "1");
  CHECK(cell(t, {"乡镇卫生院设中医馆", "甲县"}, "相关机构") == "丁镇卫生院");
  CHECK(cell(t, {"乡镇卫生院设中医馆", "乙县"}, "相关机构") == "乙镇卫生院");
  CHECK(cell(t, {"乡镇卫生院设中医馆", "合计"}, "比例（%）") == "33.3");
  CHECK(cell(t, {"乡镇卫生院设中医馆", "合计"}, "尚缺（个）") == "2");
  CHECK(cell(t, {"乡镇卫生院设中医馆", "合计"}, "目标比例（%）") == "100.0");

  // The findings: 规划指标 first, naming the counties that fail and what they lack.
  const std::string md = slurp(out / "report.md");
  const auto indicators_at = md.find("### 规划指标");
  REQUIRE(indicators_at != std::string::npos);
  CHECK(indicators_at < md.find("### 15分钟中医药服务圈"));
  CHECK(md.find("未达标 1 个：乙县（现有 0，尚缺 1）", indicators_at) != std::string::npos);
  CHECK(md.find("甲县（现有 1/2，尚缺 1）", indicators_at) != std::string::npos);
  const std::string html = slurp(out / "report.html");
  const auto findings = html.find("id=\"findings\"");
  REQUIRE(findings != std::string::npos);
  const auto first_finding = html.find("<div class=\"finding\">\n<h3>", findings);
  REQUIRE(first_finding != std::string::npos);
  CHECK(html.compare(first_finding, std::string("<div class=\"finding\">\n<h3>规划指标</h3>").size(),
                     "<div class=\"finding\">\n<h3>规划指标</h3>") == 0);
  CHECK(html.find("规划指标分区达标情况") != std::string::npos);  // the table

  // layers.gpkg: the indicators on the county zones, the zones on the facilities.
  const auto zones = layer_fields(out / "layers.gpkg", "zones_county", "code");
  CHECK(zones.at("100001").at("county_tertiary_met") == "1");
  CHECK(zones.at("100002").at("county_tertiary_met") == "0");
  CHECK(zones.at("100002").at("county_tertiary_missing") == "1");
  CHECK(zones.at("100001").at("thc_tcm_hall_of") == "2");
  CHECK(zones.at("100001").at("thc_tcm_hall_count") == "1");
  const auto facilities = layer_fields(out / "layers.gpkg", "facilities", "facility_id");
  CHECK(facilities.at("F6").at("county_code") == "100001");
  CHECK(facilities.at("F3").at("county_name") == "乙县");

  // facility_zones.csv: the same zone codes; 卫生院 and 村卫生站 read as their types.
  const auto fl = csv(out / "facility_zones.csv");
  CHECK(cell(fl, {"F6"}, "区县代码") == "100001");
  CHECK(cell(fl, {"F6"}, "机构类别") == "乡镇卫生院");
  CHECK(cell(fl, {"F3"}, "机构类别") == "村卫生室");
  CHECK(cell(fl, {"F3"}, "区县") == "乙县");
  // … and per indicator where each facility stands (the whole list behind 相关机构).
  CHECK(cell(fl, {"F4"}, "三级医院县城全覆盖") == "计入");
  CHECK(cell(fl, {"F2"}, "三级医院县城全覆盖").empty());
  CHECK(cell(fl, {"F1"}, "乡镇卫生院设中医馆") == "已具备");
  CHECK(cell(fl, {"F6"}, "乡镇卫生院设中医馆") == "尚不具备");
  CHECK(cell(fl, {"F5"}, "乡镇卫生院设中医馆") == "尚不具备");
  CHECK(cell(fl, {"F3"}, "乡镇卫生院设中医馆").empty());

  // 附表6 医疗卫生机构数: 甲县 3 (2 township centres, 1 general hospital, one 三级, one 胸痛中心); 乙县 3.
  const auto fc = csv(out / "tables/facility_counts_county.csv");
  CHECK(cell(fc, {"甲县"}, "机构总数（个）") == "3");
  CHECK(cell(fc, {"甲县"}, "类别：乡镇卫生院（个）") == "2");
  CHECK(cell(fc, {"乙县"}, "类别：乡镇卫生院（个）") == "1");
  CHECK(cell(fc, {"甲县"}, "等级：三级（个）") == "1");
  CHECK(cell(fc, {"甲县"}, "标签：胸痛中心（个）") == "1");
  CHECK(cell(fc, {"合计"}, "类别：村卫生室（个）") == "1");

  // run.json
  const auto run = nlohmann::json::parse(slurp(out / "run.json"));
  REQUIRE(run["indicators"].size() == 2);
  CHECK(run["indicators"][0]["zones_met"] == 1);
  CHECK(run["indicators"][0]["zones"][1]["met"] == false);
  CHECK(run["indicators"][1]["missing"] == 2);
}

TEST_CASE("run: a county's own target replaces the scenario-wide one, and the table says which applied",
          "[cli][indicators]") {
  Fixture fx;
  fx.set_facilities(kFacilities);
  // 乙县 is held to 0 % (it plans no 中医馆 yet): met with 0 of 1; 甲县 keeps 100 %: 1 missing.
  fx.set_scenario(scenario(R"(
[[zone_targets]]
level = "county"
label = "乙县“十四五”规划"
[zone_targets.zones]
"100002" = { thc_tcm_hall = 0, emergency_radius = 0 }
)"));
  const fs::path out = fx.dir / "out";
  const auto r = run_cli({"run", fx.scenario(), "--out", out.string()});
  INFO(r.all());
  REQUIRE(r.code == 0);
  const auto t = csv(out / "tables/indicators.csv");
  CHECK(cell(t, {"乡镇卫生院设中医馆", "乙县"}, "是否达标") == "是");
  CHECK(cell(t, {"乡镇卫生院设中医馆", "乙县"}, "目标比例（%）") == "0.0");
  CHECK(cell(t, {"乡镇卫生院设中医馆", "乙县"}, "目标来源") == "本区划目标（乙县“十四五”规划）");
  CHECK(cell(t, {"乡镇卫生院设中医馆", "甲县"}, "目标来源") == "全域目标");
  CHECK(cell(t, {"乡镇卫生院设中医馆", "甲县"}, "是否达标") == "否");
  // The emergency radius covers nobody here (no zone class: the rural radius from no 急救 facility): 乙县's own
  // target of 0 % is met, 甲县 keeps 100 % and fails; the coverage table shows the target that applied.
  const auto c = csv(out / "tables/coverage_county.csv");
  CHECK(cell(c, {"急救半径", "乙县"}, "目标覆盖率（%）") == "0.0");
  CHECK(cell(c, {"急救半径", "乙县"}, "是否达标") == "是");
  CHECK(cell(c, {"急救半径", "甲县"}, "目标覆盖率（%）") == "100.0");
  CHECK(cell(c, {"急救半径", "甲县"}, "是否达标") == "否");
}

TEST_CASE("run: zone totals from a yearbook give the published densities (Qujing), naming the population",
          "[cli][indicators][density]") {
  // 曲靖 2021: 35,300 beds, 11,816 doctors, 20,594 nurses for about 6.15 million residents → 5.74, 1.92 and 3.35
  // per 1,000 (35,300 ÷ 6,150 = 5.740; 11,816 ÷ 6,150 = 1.921; 20,594 ÷ 6,150 = 3.349). Given for 甲县 only: 乙县
  // keeps its facilities (which give no beds: no value) and its population on the grid (2,000).
  Fixture fx;
  fx.set_facilities(kFacilities);
  fx.dir.write("yearbook.csv", "code,床位数,执业（助理）医师,注册护士,常住人口\n100001,35300,11816,20594,6150000\n");
  fx.set_scenario(scenario(R"(
[[density.zone_totals]]
level = "county"
source = "yearbook.csv"
code_field = "code"
label = "曲靖市统计年鉴"
year = "2021"
[density.zone_totals.fields]
beds = "床位数"
doctors = "执业（助理）医师"
nurses = "注册护士"
population = "常住人口"

[[zone_targets]]
level = "county"
label = "甲县规划"
[zone_targets.zones]
"100001" = { beds_per_1000 = 5.5 }
)"));
  const fs::path out = fx.dir / "out";
  const auto r = run_cli({"run", fx.scenario(), "--out", out.string()});
  INFO(r.all());
  REQUIRE(r.code == 0);
  CHECK(r.all().find("1 county zone has no row: 100002 乙县") != std::string::npos);
  const auto d = csv(out / "tables/density_county.csv");
  CHECK(cell(d, {"甲县"}, "常住人口（人）") == "6150000");
  CHECK(cell(d, {"甲县"}, "床位数（张）") == "35300");
  CHECK(cell(d, {"甲县"}, "每千常住人口医疗卫生机构床位数（张/千人）") == "5.74");
  CHECK(cell(d, {"甲县"}, "每千常住人口执业（助理）医师数（人/千人）") == "1.92");
  CHECK(cell(d, {"甲县"}, "每千常住人口注册护士数（人/千人）") == "3.35");
  CHECK(cell(d, {"甲县"}, "人口口径（分母）") == "统计年鉴常住人口");
  CHECK(cell(d, {"甲县"}, "资源数来源") == "曲靖市统计年鉴（2021）");
  CHECK(cell(d, {"乙县"}, "人口口径（分母）") == "格网常住人口");
  CHECK(cell(d, {"乙县"}, "资源数来源") == "机构数据");
  CHECK(cell(d, {"乙县"}, "常住人口（人）") == "2000");
  CHECK(cell(d, {"乙县"}, "每千常住人口医疗卫生机构床位数（张/千人）").empty());
  // 甲县's own bed target (5.5) applies: 5.74 meets it; 乙县 keeps the national 7.4.
  CHECK(cell(d, {"甲县"}, "每千常住人口医疗卫生机构床位数目标值（张/千人）") == "5.50");
  CHECK(cell(d, {"乙县"}, "每千常住人口医疗卫生机构床位数目标值（张/千人）") == "7.40");
  // Below target in 甲县: doctors 1.92 < 3.2 and nurses 3.35 < 3.8 — not beds (5.74 ≥ its own 5.5, though below the
  // national 7.4), not the nurse:doctor ratio (20,594 ÷ 11,816 = 1.74 ≥ 1.2); GPs and TCM have no value.
  CHECK(cell(d, {"甲县"}, "未达标指标数（项）") == "2");
  CHECK(slurp(out / "report.md").find("曲靖市统计年鉴（2021）") != std::string::npos);
}

TEST_CASE("compare: a scenario adding a 三级 hospital in 乙县 flips it to met", "[cli][indicators][compare]") {
  Fixture fx;
  fx.set_facilities(kFacilities);
  fx.set_scenario(scenario(""));
  const fs::path a = fx.dir / "a";
  const fs::path b = fx.dir / "b";
  REQUIRE(run_cli({"run", fx.scenario(), "--out", a.string()}).code == 0);
  fx.dir.write("scenario_b.toml", scenario(R"(
[changes]
label_zh = "乙县新建三级医院"
[[changes.add]]
id = "N1"
name = "乙县新人民医院"
type = "综合医院"
level = "三级"
x = 116.16
y = 33.56
)"));
  const auto rb = run_cli({"run", (fx.dir / "scenario_b.toml").string(), "--out", b.string()});
  INFO(rb.all());
  REQUIRE(rb.code == 0);
  const fs::path c = fx.dir / "c";
  const auto rc = run_cli({"compare", a.string(), b.string(), "--out", c.string()});
  INFO(rc.all());
  REQUIRE(rc.code == 0);
  CHECK(rc.out.find("county_tertiary 三级医院县城全覆盖: 1 → 2 zones met (newly met 新达标: 乙县)") != std::string::npos);
  const auto t = csv(c / "tables/compare_indicators.csv");
  CHECK(cell(t, {"三级医院县城全覆盖", "乙县"}, "达标 A") == "否");
  CHECK(cell(t, {"三级医院县城全覆盖", "乙县"}, "达标 B") == "是");
  CHECK(cell(t, {"三级医院县城全覆盖", "乙县"}, "变化") == "新达标");
  CHECK(cell(t, {"三级医院县城全覆盖", "甲县"}, "变化").empty());
  CHECK(slurp(c / "compare.md").find("规划指标分区达标情况对比") != std::string::npos);
}

TEST_CASE("run: an unknown facility type is reported once, with its count, first rows and the nearest terms",
          "[cli][indicators][taxonomy]") {
  Fixture fx;
  fx.set_facilities("机构代码,机构名称,机构类别,标签,经度,纬度\n"
                    "F1,甲,乡镇卫生所,,116.05,33.55\n"
                    "F2,乙,乡镇卫生所,,116.06,33.55\n"
                    "F3,丙,乡镇卫生所,,116.07,33.55\n"
                    "F4,丁,乡镇卫生所,,116.08,33.55\n"
                    "F5,戊,乡镇卫生院,,116.09,33.55\n");
  const auto r = run_cli({"run", fx.scenario(), "--out", (fx.dir / "out").string()});
  INFO(r.all());
  CHECK(r.code == 4);
  const std::string all = r.all();
  const std::string message = "unknown facility type '乡镇卫生所' (4 rows)";
  const auto at = all.find(message);
  REQUIRE(at != std::string::npos);
  CHECK(all.find(message, at + 1) == std::string::npos);  // once, not once per row
  CHECK(all.find("row 2, row 3, row 4 and 1 more") != std::string::npos);
  CHECK(all.find("nearest known types: 乡镇卫生院 (township_health_center)") != std::string::npos);
}

TEST_CASE("run: a presence indicator counted near the county seat; a county without a seat is not assessed",
          "[cli][indicators]") {
  // 甲县's seat at (116.09 E, 33.51 N) lies about 7.9 km from 甲县人民医院 (116.03, 33.56): 0.06° of longitude at
  // 33.5° N is 5.57 km and 0.05° of latitude 5.55 km, √(5.57² + 5.55²) ≈ 7.9 km. Within 3 km of the seat it does not
  // count (not met); within 10 km it does. 乙县 has no seat: not assessed, with a warning.
  Fixture fx;
  fx.set_facilities(kFacilities);
  fx.dir.write("seats.csv", "code,lon,lat\n100001,116.09,33.51\n");
  auto with_seats = [&](const std::string& within) {
    std::string s = scenario(R"(
[indicators.county_tertiary_town]
kind = "presence"
name_zh = "县城三级医院"
level = "county"
types = ["综合医院"]
min_level = "三级"
within_m = )" + within + "\n");
    s = carereach::test::replace_all(s, "name_field = \"name\"\n",
                                     "name_field = \"name\"\n[zones.seats]\nsource = \"seats.csv\"\ncode_field = \"code\"\n"
                                     "x_field = \"lon\"\ny_field = \"lat\"\ncrs = \"EPSG:4326\"\n");
    return s;
  };
  fx.set_scenario(with_seats("3000"));
  fs::path out = fx.dir / "near";
  auto r = run_cli({"run", fx.scenario(), "--out", out.string()});
  INFO(r.all());
  REQUIRE(r.code == 0);
  CHECK(r.all().find("1 county zone has no seat and is not assessed: 乙县") != std::string::npos);
  auto t = csv(out / "tables/indicators.csv");
  CHECK(cell(t, {"县城三级医院", "甲县"}, "是否达标") == "否");
  CHECK(cell(t, {"县城三级医院", "乙县"}, "是否达标") == "未评估");
  CHECK(cell(t, {"三级医院县城全覆盖", "甲县"}, "是否达标") == "是");  // the same hospital, anywhere in the county

  fx.set_scenario(with_seats("10000"));
  out = fx.dir / "far";
  r = run_cli({"run", fx.scenario(), "--out", out.string()});
  REQUIRE(r.code == 0);
  t = csv(out / "tables/indicators.csv");
  CHECK(cell(t, {"县城三级医院", "甲县"}, "是否达标") == "是");
  CHECK(cell(t, {"县城三级医院", "甲县"}, "相关机构") == "甲县人民医院");
}

TEST_CASE("run: a share indicator lacking in many facilities names the first 20 in 附表5 and points to the list",
          "[cli][indicators]") {
  // 25 township health centres in 甲县, none with a 中医馆: 25 missing; the cell names 20 of them.
  std::string rows = "机构代码,机构名称,机构类别,等级,标签,经度,纬度\n";
  for (int i = 0; i < 25; ++i)
    rows += "T" + std::to_string(i) + ",卫生院" + std::to_string(i) + ",乡镇卫生院,一级,,116.0" +
            std::to_string(1 + i % 9) + ",33.5" + std::to_string(1 + i % 8) + "\n";
  Fixture fx;
  fx.set_facilities(rows);
  fx.set_scenario(scenario(""));
  const fs::path out = fx.dir / "out";
  const auto r = run_cli({"run", fx.scenario(), "--out", out.string()});
  INFO(r.all());
  REQUIRE(r.code == 0);
  const auto t = csv(out / "tables/indicators.csv");
  CHECK(cell(t, {"乡镇卫生院设中医馆", "甲县"}, "尚缺（个）") == "25");
  const std::string listed = cell(t, {"乡镇卫生院设中医馆", "甲县"}, "相关机构");
  const std::string head = listed.substr(0, listed.find(" 等 "));
  std::size_t names = 0;
  for (std::size_t at = 0; (at = head.find("卫生院", at)) != std::string::npos; at += 1) ++names;
  CHECK(names == 20);
  CHECK(listed.find(" 等 25 个（完整名单见 facility_zones.csv 的“乡镇卫生院设中医馆”列）") != std::string::npos);
  std::size_t lacking = 0;
  for (const auto& row : csv(out / "facility_zones.csv"))
    lacking += static_cast<std::size_t>(std::count(row.begin(), row.end(), "尚不具备"));
  CHECK(lacking == 25);
}

TEST_CASE("validate: lists each planning indicator with the facilities it counts", "[cli][indicators][validate]") {
  Fixture fx;
  fx.set_facilities(kFacilities);
  fx.set_scenario(scenario(""));
  const auto r = run_cli({"validate", fx.scenario()});
  INFO(r.all());
  REQUIRE(r.code == 0);
  // By hand from kFacilities: one 三级 general hospital (F4); three township centres (F1, F5, F6), one with a 中医馆.
  CHECK(r.out.find("Planning indicators 规划指标: 2") != std::string::npos);
  CHECK(r.out.find("county_tertiary 三级医院县城全覆盖: presence 存在 per county, at least 1, 1 facility match") !=
        std::string::npos);
  CHECK(r.out.find("thc_tcm_hall 乡镇卫生院设中医馆: share 比例 per county, target 100 %, 3 facilities match, 1 of them "
                   "already have it") != std::string::npos);
}
