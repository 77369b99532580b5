// The appendix builders on a small hand-made run: two counties, three townships (one approximate), a walking time
// standard reported at both levels with two gaps, a distance standard reported by county, and two density
// indicators by county. Every expected value below is worked out by hand from these figures.

#include <catch2/catch.hpp>

#include <limits>

#include "report/appendix.hpp"
#include "report/writers.hpp"

using namespace carereach;
using namespace carereach::report;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

analysis::CoverageStats stats(double total, double covered, double mean, double p50, double p90, double max,
                              std::uint32_t n) {
  analysis::CoverageStats s;
  s.pop_total = total;
  s.pop_covered = covered;
  s.pop_uncovered = total - covered;
  s.pop_reached = total;
  s.mean = mean;
  s.p50 = p50;
  s.p90 = p90;
  s.max = max;
  s.n_facilities = n;
  return s;
}

Zone zone(std::uint32_t id, std::string code, std::string name, std::string parent = {}, bool approx = false) {
  Zone z;
  z.id = ZoneId{id};
  z.code = std::move(code);
  z.name = std::move(name);
  z.parent_code = std::move(parent);
  z.approximate = approx;
  return z;
}

analysis::ZoneDensity density(double pop, std::vector<double> totals, std::vector<double> value,
                              std::vector<std::int8_t> below) {
  analysis::ZoneDensity z;
  z.population = pop;
  z.totals = std::move(totals);
  z.reporting = {1, 1, 1, 1, 1, 1};
  z.value = std::move(value);
  z.below_target = std::move(below);
  return z;
}

RunTables sample_run() {
  RunTables run;
  run.scenario_zh = "2025年现状";
  run.scenario_en = "2025 baseline";
  run.region_zh = "亳州市";
  run.region_en = "Bozhou";
  run.levels = {ZoneLevel{"county", "区县", "County", {zone(0, "341602", "谯城区"), zone(1, "341621", "涡阳县")}},
                ZoneLevel{"township",
                          "乡镇",
                          "Township",
                          {zone(0, "341602001", "花戏楼街道", "341602"), zone(1, "341621100", "城关镇", "341621"),
                           zone(2, "341621200", "新兴镇", "341621", true)}}};

  StandardTables tcm;
  tcm.id = "tcm_15min";
  tcm.name_zh = "15分钟中医药服务圈";
  tcm.name_en = "15-minute TCM service circle";
  tcm.mode_zh = "步行";
  tcm.mode_en = "walking";
  tcm.threshold_zh = "15 分钟";
  tcm.threshold_en = "15 min";
  tcm.unit = analysis::CoverageUnit::kMinutes;
  tcm.target_share = 0.9;
  tcm.source_zh = "地方规划假设";
  const auto t0 = stats(1000, 950, 6.25, 5, 12, 18, 2);
  const auto t1 = stats(2000, 1500, 10, 9, kInf, 28.5, 1);
  const auto t2 = stats(500, 100, 14.5, kInf, kInf, 27, 0);
  const auto total = stats(3500, 2550, 8, 7, kInf, 28.5, 3);
  tcm.coverage = {analysis::LevelCoverage{{t0, stats(2500, 1600, 11, 10, kInf, 28.5, 1)}, total},
                  analysis::LevelCoverage{{t0, t1, t2}, total}};
  analysis::GapArea g1;
  g1.rank = 1;
  g1.population = 400;
  g1.area_km2 = 3.5;
  g1.min_value = 16.2;
  g1.mean_value = 21.0;
  g1.main_zone = {1, 2};
  analysis::GapArea g2;
  g2.rank = 2;
  g2.population = 300;
  g2.area_km2 = 1.25;
  g2.min_value = 15.5;
  g2.mean_value = 17.25;
  g2.main_zone = {1, 1};
  tcm.gaps = {g1, g2};

  StandardTables er;
  er.id = "emergency_radius";
  er.name_zh = "急救半径";
  er.name_en = "Emergency radius";
  er.mode_zh = "直线距离";
  er.mode_en = "straight line";
  er.threshold_zh = "5 千米（城区） / 15 千米（乡村）";
  er.threshold_en = "5 km (urban) / 15 km (rural)";
  er.unit = analysis::CoverageUnit::kMetres;
  er.target_share = 0.95;
  er.coverage = {analysis::LevelCoverage{
                     {stats(1000, 1000, 2500, 2000, 4000, 4800, 1), stats(2500, 2000, 8000, 7000, 16000, 21000, 1)},
                     stats(3500, 3000, 6428.571, 5000, 15000, 21000, 2)},
                 std::nullopt};
  run.standards = {tcm, er};

  analysis::DensityIndicator beds;
  beds.id = "beds_per_1000";
  beds.name_zh = "每千常住人口医疗卫生机构床位数";
  beds.name_en = "Beds per 1,000 residents";
  beds.unit_zh = "张/千人";
  beds.unit_en = "beds per 1,000";
  beds.target = 6.0;
  beds.target_source = "《“十四五”卫生健康规划》";
  analysis::DensityIndicator ratio;
  ratio.id = "nurse_doctor_ratio";
  ratio.name_zh = "医护比";
  ratio.name_en = "Nurses per doctor";
  ratio.nurse_doctor_ratio = true;
  run.density.indicators = {beds, ratio};
  run.density.by_level = {analysis::LevelDensity{{density(1000, {8, 3, 4, 1, 2, 1}, {8.0, 4.0 / 3.0}, {0, -1}),
                                                  density(2500, {10, 4, 5, 2, 3, 1}, {4.0, 1.25}, {1, -1})},
                                                 density(3500, {18, 7, 9, 3, 5, 2}, {18.0 / 3.5, 9.0 / 7.0}, {1, -1})},
                          std::nullopt};
  run.sources_zh = {"第七次全国人口普查", "市卫生健康委机构名录（2024年）"};
  run.sources_en = {"7th national census", "Municipal health commission facility list (2024)"};
  return run;
}

std::string cell(const Table& t, std::size_t row, const std::string& key, Lang lang = Lang::kZh) {
  const std::size_t c = t.column_index(key);
  REQUIRE(c < t.columns.size());
  REQUIRE(row < t.rows.size());
  return format_cell(t.rows[row].cells[c], t.columns[c], lang);
}

std::vector<std::string> keys(const Table& t) {
  std::vector<std::string> k;
  for (const auto& c : t.columns) k.push_back(c.key);
  return k;
}

}  // namespace

TEST_CASE("appendix: the tables in 附表 order, numbered per level", "[report][appendix]") {
  const auto tables = appendix_tables(sample_run());
  REQUIRE(tables.size() == 5);
  CHECK(tables[0].id == "summary");
  CHECK(tables[1].id == "density_county");
  CHECK(tables[2].id == "coverage_county");
  CHECK(tables[3].id == "coverage_township");
  CHECK(tables[4].id == "gaps");
  CHECK(tables[0].sheet_zh == "附表1 主要指标");
  CHECK(tables[1].sheet_zh == "附表2 医疗资源配置（区县）");
  CHECK(tables[2].sheet_zh == "附表3-1 服务圈覆盖情况（区县）");
  CHECK(tables[3].sheet_zh == "附表3-2 服务圈覆盖情况（乡镇）");
  CHECK(tables[4].sheet_zh == "附表4 服务缺口清单");
  CHECK(tables[3].sheet_en == "Table 3-2 Coverage (Township)");
  CHECK(tables[3].title_zh == "附表3-2 亳州市各乡镇服务圈覆盖情况");
  CHECK(tables[3].title_en == "Table 3-2 Service coverage by township, Bozhou");
  for (const Table& t : tables) {
    INFO(t.id);
    CHECK(t.notes_zh.back() == "资料来源：第七次全国人口普查；市卫生健康委机构名录（2024年）。");
    CHECK(t.notes_en.back() == "Source: 7th national census; Municipal health commission facility list (2024).");
    for (const auto& n : t.notes_zh) CHECK((n.starts_with("注：") || n.starts_with("资料来源：")));
    for (const auto& n : t.notes_en) CHECK((n.starts_with("Note: ") || n.starts_with("Source: ")));
  }
}

TEST_CASE("附表3 by township: each standard's total row first, parents resolved, approximate zones marked",
          "[report][appendix]") {
  const Table t = coverage_table(sample_run(), 1);
  // Only the time standard reports townships, so there are no distance columns.
  CHECK(keys(t) == std::vector<std::string>{"standard", "code", "parent", "name", "pop_total", "pop_covered",
                                            "share_covered", "pop_uncovered", "mean_time_min", "p50_time_min",
                                            "p90_time_min", "max_time_min", "n_facilities", "target_share",
                                            "meets_target"});
  REQUIRE(t.rows.size() == 4);
  CHECK(t.rows[0].total);
  CHECK_FALSE(t.rows[1].total);
  CHECK(to_csv(t, Lang::kZh) ==
        "\xEF\xBB\xBF"
        "服务标准,区划代码,区县,乡镇,常住人口（人）,覆盖人口（人）,覆盖率（%）,未覆盖人口（人）,平均时间（分钟）,"
        "中位时间（分钟）,90%人口时间（分钟）,最长时间（分钟）,机构数（个）,目标覆盖率（%）,是否达标\r\n"
        "15分钟中医药服务圈,,,合计,3500,2550,72.9,950,8.0,7.0,＞上限,28.5,3,90.0,否\r\n"
        "15分钟中医药服务圈,341602001,谯城区,花戏楼街道,1000,950,95.0,50,6.2,5.0,12.0,18.0,2,90.0,是\r\n"
        "15分钟中医药服务圈,341621100,涡阳县,城关镇,2000,1500,75.0,500,10.0,9.0,＞上限,28.5,1,90.0,否\r\n"
        "15分钟中医药服务圈,341621200,涡阳县,新兴镇〔近似〕,500,100,20.0,400,14.5,＞上限,＞上限,27.0,0,90.0,否\r\n");
  // The shares below target carry the marker (shown in Markdown and XLSX).
  CHECK(t.rows[0].cells[t.column_index("share_covered")].marker == "✗");
  CHECK(t.rows[1].cells[t.column_index("share_covered")].marker.empty());
  CHECK(cell(t, 3, "name", Lang::kEn) == "新兴镇 (approx.)");
  CHECK(cell(t, 0, "name", Lang::kEn) == "Total");
  CHECK(cell(t, 0, "meets_target", Lang::kEn) == "No");
  CHECK_THAT(t.notes_zh, Catch::VectorContains(std::string(
                             "注：名称后标〔近似〕的区划，其边界由驻地位置推算，并非勘定界线，相应数值仅供参考。")));
  CHECK_THAT(t.notes_zh, Catch::VectorContains(
                             std::string("注：15分钟中医药服务圈按步行 15 分钟（路网法）计算，依据：地方规划假设。")));
}

TEST_CASE("附表3 by county: time and distance columns, distances in km", "[report][appendix]") {
  const Table t = coverage_table(sample_run(), 0);
  CHECK(t.column_index("parent") == t.columns.size());  // the top level has no parent column
  CHECK(t.column_index("mean_distance_km") < t.columns.size());
  REQUIRE(t.rows.size() == 6);  // 2 standards × (total + 2 counties)
  CHECK(cell(t, 1, "name") == "谯城区");
  CHECK(cell(t, 2, "pop_uncovered") == "900");
  CHECK(cell(t, 2, "mean_time_min") == "11.0");
  CHECK(cell(t, 2, "mean_distance_km").empty());
  CHECK(t.rows[3].total);
  CHECK(cell(t, 3, "standard") == "急救半径");
  CHECK(cell(t, 3, "standard", Lang::kEn) == "Emergency radius");
  CHECK(cell(t, 3, "share_covered") == "85.7");
  CHECK(cell(t, 3, "mean_distance_km") == "6.43");
  CHECK(cell(t, 3, "p90_distance_km") == "15.00");
  CHECK(cell(t, 3, "mean_time_min").empty());
  CHECK(cell(t, 3, "target_share") == "95.0");
  CHECK(cell(t, 4, "meets_target") == "是");
  CHECK(cell(t, 5, "max_distance_km") == "21.00");
  CHECK(cell(t, 5, "meets_target") == "否");
  CHECK(column_header(t.columns[t.column_index("mean_distance_km")], Lang::kZh) == "平均距离（千米）");
  CHECK(column_header(t.columns[t.column_index("mean_distance_km")], Lang::kEn) == "Mean distance (km)");
}

TEST_CASE("附表4: gaps per standard, total first, zones named at every level", "[report][appendix]") {
  const Table t = gaps_table(sample_run());
  CHECK(to_csv(t, Lang::kZh) ==
        "\xEF\xBB\xBF"
        "服务标准,序号,人口（人）,面积（平方千米）,区县,乡镇,最短时间（分钟）,平均时间（分钟）,最近距离（千米）,"
        "平均距离（千米）\r\n"
        "15分钟中医药服务圈,合计,700,4.75,,,15.5,,,\r\n"
        "15分钟中医药服务圈,1,400,3.50,涡阳县,新兴镇〔近似〕,16.2,21.0,,\r\n"
        "15分钟中医药服务圈,2,300,1.25,涡阳县,城关镇,15.5,17.2,,\r\n"
        "急救半径,合计,0,0.00,,,,,,\r\n");
  CHECK(t.rows[0].total);
  CHECK(t.rows[3].total);
  CHECK(column_header(t.columns[3], Lang::kEn) == "Area (km²)");
  CHECK(cell(t, 0, "rank", Lang::kEn) == "Total");
}

TEST_CASE("附表2: resources and per-1,000 values by county, total first, below-target flags", "[report][appendix]") {
  const Table t = density_table(sample_run(), 0);
  CHECK(keys(t) == std::vector<std::string>{"code", "name", "population", "beds", "doctors", "nurses", "gps",
                                            "tcm_beds", "tcm_doctors", "beds_per_1000", "nurse_doctor_ratio",
                                            "below_target"});
  REQUIRE(t.rows.size() == 3);
  CHECK(t.rows[0].total);
  CHECK(to_csv(t, Lang::kZh) ==
        "\xEF\xBB\xBF"
        "区划代码,区县,常住人口（人）,床位数（张）,执业（助理）医师（人）,注册护士（人）,全科医生（人）,"
        "中医类床位（张）,中医类执业（助理）医师（人）,每千常住人口医疗卫生机构床位数（张/千人）,医护比,"
        "未达标指标数（项）\r\n"
        ",合计,3500,18,7,9,3,5,2,5.14,1.29,1\r\n"
        "341602,谯城区,1000,8,3,4,1,2,1,8.00,1.33,0\r\n"
        "341621,涡阳县,2500,10,4,5,2,3,1,4.00,1.25,1\r\n");
  CHECK(t.rows[0].cells[t.column_index("beds_per_1000")].marker == "✗");
  CHECK(t.rows[1].cells[t.column_index("beds_per_1000")].marker.empty());
  CHECK(t.rows[2].cells[t.column_index("beds_per_1000")].marker == "✗");
  CHECK_THAT(t.notes_zh, Catch::VectorContains(std::string(
                             "注：每千常住人口医疗卫生机构床位数目标值 ≥ 6.00 张/千人（《“十四五”卫生健康规划》）。")));
  CHECK_THROWS_AS(density_table(sample_run(), 1), std::invalid_argument);  // not computed by township
}

TEST_CASE("附表1: one row per standard, then the density totals against their targets", "[report][appendix]") {
  const Table t = summary_table(sample_run());
  REQUIRE(t.rows.size() == 4);
  CHECK(cell(t, 0, "item") == "15分钟中医药服务圈");
  CHECK(cell(t, 0, "standard") == "步行 15 分钟");
  CHECK(cell(t, 0, "pop_total") == "3500");
  CHECK(cell(t, 0, "pop_covered") == "2550");
  CHECK(cell(t, 0, "value") == "72.9");
  CHECK(t.rows[0].cells[t.column_index("value")].marker == "✗");
  CHECK(cell(t, 0, "target") == "90.0");
  CHECK(cell(t, 0, "unit") == "%");
  CHECK(cell(t, 0, "meets") == "否");
  CHECK(cell(t, 1, "standard") == "直线距离 5 千米（城区） / 15 千米（乡村）");
  CHECK(cell(t, 1, "standard", Lang::kEn) == "straight line 5 km (urban) / 15 km (rural)");
  CHECK(cell(t, 1, "value") == "85.7");
  CHECK(cell(t, 1, "target") == "95.0");
  CHECK(cell(t, 2, "item") == "每千常住人口医疗卫生机构床位数");
  CHECK(cell(t, 2, "standard") == "每千常住人口");
  CHECK(cell(t, 2, "pop_covered").empty());
  CHECK(cell(t, 2, "value") == "5.14");
  CHECK(cell(t, 2, "target") == "6.00");
  CHECK(cell(t, 2, "unit") == "张/千人");
  CHECK(cell(t, 2, "meets") == "否");
  CHECK(cell(t, 2, "meets", Lang::kEn) == "No");
  CHECK(cell(t, 3, "value") == "1.29");
  CHECK(cell(t, 3, "target").empty());
  CHECK(cell(t, 3, "meets") == "—");
  CHECK(column_header(t.columns[t.column_index("pop_covered")], Lang::kZh) == "覆盖人口（人）");
}

TEST_CASE("report.md: findings per standard and per indicator, then the tables", "[report][appendix]") {
  const std::string zh = report_markdown(sample_run(), Lang::kZh);
  CHECK(zh.starts_with(
      "# 亳州市医疗卫生服务可及性分析报告\n\n情景：2025年现状\n\n## 主要发现\n\n### 15分钟中医药服务圈\n"));
  CHECK_THAT(zh,
             Catch::Contains("- 覆盖率 72.9%（2,550 / 3,500 人），低于目标 17.1 个百分点；服务标准以外 950 人。\n"));
  CHECK_THAT(zh, Catch::Contains("- 未达标乡镇 2 个（共 3 个）：城关镇（75.0%）、新兴镇〔近似〕（20.0%）。\n"));
  CHECK_THAT(zh, Catch::Contains("- 服务缺口 2 处，最大的：涡阳县新兴镇 400 人，3.50 平方千米，最近处 16.2 分钟；"
                                 "涡阳县城关镇 300 人，1.25 平方千米，最近处 15.5 分钟。\n"));
  CHECK_THAT(zh, Catch::Contains("- 未达标区县 1 个（共 2 个）：涡阳县（80.0%）。\n- 无服务缺口。\n"));
  CHECK_THAT(
      zh, Catch::Contains(
              "- 每千常住人口医疗卫生机构床位数：5.14 张/千人，目标 ≥ 6.00，未达标；低于目标的区县 1 个：涡阳县。\n"));
  CHECK_THAT(zh, Catch::Contains("- 医护比：1.29。\n"));
  CHECK_THAT(zh, Catch::Contains("## 附表\n\n### 附表1 亳州市医疗卫生服务主要指标\n"));
  CHECK_THAT(zh, Catch::Contains("### 附表4 亳州市服务缺口清单\n"));

  const std::string en = report_markdown(sample_run(), Lang::kEn);
  CHECK(en.starts_with("# Access to health services, Bozhou\n\nScenario: 2025 baseline\n\n## Main findings\n"));
  CHECK_THAT(en, Catch::Contains("- Share covered 72.9% (2,550 of 3,500 people), 17.1 percentage points below the "
                                 "target; 950 people outside the standard.\n"));
  CHECK_THAT(en,
             Catch::Contains("- 2 of 3 township zones below the target: 城关镇 (75.0%), 新兴镇 (approx.) (20.0%).\n"));
  CHECK_THAT(en, Catch::Contains("the largest: 新兴镇, 涡阳县: 400 people, 3.50 km², nearest edge 16.2 min"));
  CHECK_THAT(en, Catch::Contains("### Table 3-2 Service coverage by township, Bozhou\n"));
}

TEST_CASE("describe_standard: labels of time and distance standards", "[report][appendix]") {
  Standard walk;
  walk.id = "tcm_15min";
  walk.name_zh = "15分钟中医药服务圈";
  walk.mode = TravelMode::kWalk;
  walk.threshold_min = 15.0;
  walk.target_share = 0.9;
  const StandardTables w = describe_standard(walk);
  CHECK(w.mode_zh == "步行");
  CHECK(w.mode_en == "walking");
  CHECK(w.threshold_zh == "15 分钟");
  CHECK(w.threshold_en == "15 min");
  CHECK(w.unit == analysis::CoverageUnit::kMinutes);

  Standard er;
  er.id = "emergency_radius";
  er.distance_m_by_zone_class = {{"rural", 15000.0}, {"urban", 5000.0}};
  er.target_share = 0.95;
  const StandardTables e = describe_standard(er);
  CHECK(e.unit == analysis::CoverageUnit::kMetres);
  CHECK(e.mode_zh == "直线距离");
  CHECK(e.threshold_zh == "5 千米（城区） / 15 千米（乡村）");
  CHECK(e.threshold_en == "5 km (urban) / 15 km (rural)");
  CHECK(e.target_share == 0.95);

  er.distance_m_by_zone_class.clear();
  er.distance_m = 7500.0;
  CHECK(describe_standard(er).threshold_zh == "7.5 千米");
}

TEST_CASE("builders reject results that do not match the levels", "[report][appendix]") {
  RunTables run = sample_run();
  run.standards[0].coverage[1]->zones.pop_back();
  CHECK_THROWS_AS(coverage_table(run, 1), std::invalid_argument);
  run = sample_run();
  run.standards[0].gaps[0].main_zone = {1, 7};
  CHECK_THROWS_AS(gaps_table(run), std::invalid_argument);
  run = sample_run();
  run.standards[1].coverage.pop_back();
  CHECK_THROWS_AS(appendix_tables(run), std::invalid_argument);
  CHECK_THROWS_AS(coverage_table(sample_run(), 2), std::invalid_argument);
}

TEST_CASE("key_findings: the five largest gap areas are named, the sixth is not", "[report][appendix]") {
  RunTables run = sample_run();
  // Seven gaps of 700, 600, … 100 people, all in 涡阳县城关镇 (main zones 1, 1).
  std::vector<analysis::GapArea> gaps;
  for (std::uint32_t i = 0; i < 7; ++i) {
    analysis::GapArea g;
    g.rank = i + 1;
    g.population = 700.0 - 100.0 * i;
    g.area_km2 = 1.0;
    g.min_value = 20.0;
    g.main_zone = {1, 1};
    gaps.push_back(g);
  }
  run.standards[0].gaps = gaps;
  const auto findings = key_findings(run, Lang::kZh);
  REQUIRE(findings.size() >= 1);
  CHECK(findings[0].title == "15分钟中医药服务圈");
  CHECK(findings[0].standard_id == run.standards[0].id);
  const std::string& last = findings[0].items.back();
  CHECK_THAT(last, Catch::StartsWith("服务缺口 7 处，最大的："));
  for (const char* shown : {" 700 人", " 600 人", " 500 人", " 400 人", " 300 人"}) CHECK_THAT(last, Catch::Contains(shown));
  CHECK_THAT(last, !Catch::Contains(" 200 人"));
  CHECK_THAT(last, !Catch::Contains(" 100 人"));
}

TEST_CASE("headline_sentences: share, persons and target from the published figures, and the zone with most people "
          "outside", "[report][appendix]") {
  // By hand from sample_run(): tcm by county 谯城区 950 of 1,000, 涡阳县 1,600 of 2,500: 2,550 of 3,500 = 72.857 %;
  // outside 50 + 900 = 950, 涡阳县 900 / 950 = 94.74 %. The emergency radius: 3,000 of 3,500 = 85.71 %, target
  // 95 %; outside only in 涡阳县 (500 of 500).
  const RunTables run = sample_run();
  const std::vector<std::string> zh = headline_sentences(run, Lang::kZh);
  REQUIRE(zh.size() == 2);
  CHECK(zh[0] == "15分钟中医药服务圈：覆盖 72.9% 的常住人口（2,550 人），低于目标 90.0%；未覆盖人口最多的区县是涡阳县（900 "
                 "人，占未覆盖人口的 94.7%）。");
  CHECK(zh[1] == "急救半径：覆盖 85.7% 的常住人口（3,000 人），低于目标 95.0%；未覆盖人口最多的区县是涡阳县（500 人，占未覆盖"
                 "人口的 100.0%）。");
  const std::vector<std::string> en = headline_sentences(run, Lang::kEn);
  REQUIRE(en.size() == 2);
  CHECK(en[0] == "15-minute TCM service circle: 72.9% of residents covered (2,550 people), below the target of 90.0%; "
                 "most people outside live in 涡阳县 (900, 94.7% of those outside).");
  // Met, nobody outside: no zone named. Not computed: the reason.
  RunTables met = sample_run();
  met.standards[0].target_share = 0.7;
  CHECK_THAT(headline_sentences(met, Lang::kZh)[0],
             Catch::StartsWith("15分钟中医药服务圈：覆盖 72.9% 的常住人口（2,550 人），达到目标 70.0%；"));
  RunTables all_in = sample_run();
  const auto full = [](double pop) {
    analysis::CoverageStats c;
    c.pop_total = pop;
    c.pop_covered = pop;
    c.pop_reached = pop;
    return c;
  };
  all_in.standards[1].coverage = {analysis::LevelCoverage{{full(1000), full(2500)}, full(3500)}, std::nullopt};
  CHECK(headline_sentences(all_in, Lang::kZh)[1] == "急救半径：覆盖 100.0% 的常住人口（3,500 人），达到目标 95.0%。");
  RunTables skipped = sample_run();
  skipped.standards[1].not_computed_zh = "没有道路数据";
  skipped.standards[1].not_computed_en = "no roads";
  skipped.standards[1].coverage = {std::nullopt, std::nullopt};
  CHECK(headline_sentences(skipped, Lang::kZh)[1] == "急救半径：未计算（没有道路数据）。");
}

TEST_CASE("gaps_table: a limit per standard keeps the total of every gap and says so", "[report][appendix]") {
  const RunTables run = sample_run();
  // sample_run: the TCM circle has two gaps of 400 and 300 persons.
  const Table full = gaps_table(run);
  const Table cut = gaps_table(run, 1);
  CHECK(cut.rows.size() == full.rows.size() - 1);
  const std::size_t pop = cut.column_index("population");
  const std::size_t rank = cut.column_index("rank");
  REQUIRE(cut.rows[0].total);
  CHECK(cut.rows[0].cells[pop].number == 700.0);  // 400 + 300: the total still counts both
  CHECK(cut.rows[1].cells[rank].number == 1.0);
  CHECK(cut.notes_zh.front().starts_with("注：本报告每个服务标准列出人口最多的 1 处缺口"));
  CHECK(cut.notes_en.front().starts_with("Note: this report lists the 1 gaps"));
  // No limit reached: no such note.
  CHECK(gaps_table(run, 2).notes_zh == full.notes_zh);
  CHECK(full.notes_zh.front().find("本报告") == std::string::npos);
}
