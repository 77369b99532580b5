// How the appendix and report.md name the method of each standard: a straight-line estimate says so wherever the
// standard is described, and a standard that could not be computed is listed "未计算" / "not computed" with its
// reason in the report's language, never left out.

#include <catch2/catch.hpp>

#include "report/appendix.hpp"
#include "report/writers.hpp"

using namespace carereach;
using namespace carereach::report;

namespace {

analysis::CoverageStats stats(double total, double covered) {
  analysis::CoverageStats s;
  s.pop_total = total;
  s.pop_covered = covered;
  s.pop_uncovered = total - covered;
  s.pop_reached = total;
  s.mean = s.p50 = s.p90 = s.max = 10.0;
  s.n_facilities = 1;
  return s;
}

/// One county; a car standard computed by the straight-line estimate (circuity 1.3, 35 km/h; 800 of 1,000 people
/// covered) and a walking standard on the network engine that could not be computed (no roads).
RunTables run_with_estimate_and_skipped() {
  RunTables run;
  run.scenario_zh = "信阳市 现状";
  run.region_zh = "信阳市";
  Zone z;
  z.id = ZoneId{0};
  z.code = "411502";
  z.name = "浉河区";
  run.levels = {ZoneLevel{"county", "区县", "County", {z}}};

  Standard car;
  car.id = "county_hospital_30min";
  car.name_zh = "县级医院30分钟可达";
  car.name_en = "County hospital within 30 minutes";
  car.mode = TravelMode::kCar;
  car.engine = TravelEngine::kEstimate;
  car.threshold_min = 30.0;
  car.circuity = 1.3;
  car.estimate_speed_kmh = 35.0;
  StandardTables est = describe_standard(car);
  est.coverage = {analysis::LevelCoverage{{stats(1000, 800)}, stats(1000, 800)}};

  Standard walk;
  walk.id = "tcm_15min";
  walk.name_zh = "15分钟中医药服务圈";
  walk.name_en = "15-minute TCM service circle";
  walk.mode = TravelMode::kWalk;
  walk.threshold_min = 15.0;
  StandardTables skipped = describe_standard(walk);
  skipped.not_computed_zh = "路网法需要道路数据，情景中没有道路（[roads]）";
  skipped.not_computed_en = "the network engine needs roads, and the scenario has no [roads]";
  run.standards = {est, skipped};
  return run;
}

std::string cell(const Table& t, std::size_t row, const std::string& key, Lang lang = Lang::kZh) {
  const std::size_t c = t.column_index(key);
  REQUIRE(c < t.columns.size());
  REQUIRE(row < t.rows.size());
  return format_cell(t.rows[row].cells[c], t.columns[c], lang);
}

}  // namespace

TEST_CASE("describe_standard: an estimate standard carries its label", "[report][estimate]") {
  const RunTables run = run_with_estimate_and_skipped();
  CHECK(run.standards[0].estimate_zh == "直线距离估算（绕行系数 1.3，机动车 35 千米/小时）");
  CHECK(run.standards[0].estimate_en == "straight-line estimate (circuity 1.3, car 35 km/h)");
  CHECK(run.standards[1].estimate_zh.empty());
}

TEST_CASE("附表1: the estimate is named in its note, the skipped standard says 未计算 with its reason", "[report][estimate]") {
  const Table t = summary_table(run_with_estimate_and_skipped());
  REQUIRE(t.rows.size() == 2);
  CHECK(cell(t, 0, "value") == "80.0");
  // The measure of an estimate names it (the CSV has no notes); a network standard keeps mode and threshold.
  CHECK(cell(t, 0, "standard") == "机动车 30 分钟，直线距离估算（绕行系数 1.3，机动车 35 千米/小时）");
  CHECK(cell(t, 0, "standard", Lang::kEn) == "car, 30 min, straight-line estimate (circuity 1.3, car 35 km/h)");
  CHECK(cell(t, 1, "standard") == "步行 15 分钟");
  CHECK(cell(t, 1, "item") == "15分钟中医药服务圈");
  CHECK(cell(t, 1, "value").empty());
  CHECK(cell(t, 1, "meets") == "未计算");
  CHECK(cell(t, 1, "meets", Lang::kEn) == "Not computed");
  CHECK_THAT(t.notes_zh, Catch::VectorContains(std::string(
                             "注：县级医院30分钟可达按机动车 30 分钟，直线距离估算（绕行系数 1.3，机动车 35 千米/小时）计算。")));
  CHECK_THAT(t.notes_zh, Catch::VectorContains(std::string(
                             "注：15分钟中医药服务圈（步行 15 分钟（路网法））未计算：路网法需要道路数据，情景中没有道路（[roads]）。")));
  CHECK_THAT(t.notes_en,
             Catch::VectorContains(std::string("Note: 15-minute TCM service circle (walking, 15 min (road network)) was "
                                               "not computed: the network engine needs roads, and the scenario has no "
                                               "[roads].")));
}

TEST_CASE("附表3 and 附表4 leave the skipped standard out; the estimate is in them", "[report][estimate]") {
  const RunTables run = run_with_estimate_and_skipped();
  const Table cov = coverage_table(run, 0);
  REQUIRE(cov.rows.size() == 2);  // the estimate's total and its county
  CHECK(cell(cov, 0, "standard") == "县级医院30分钟可达");
  const Table gaps = gaps_table(run);
  REQUIRE(gaps.rows.size() == 1);  // the estimate's total row only (no gaps), none for the skipped standard
  CHECK(cell(gaps, 0, "standard") == "县级医院30分钟可达");
}

TEST_CASE("key findings and report.md: every standard appears, the skipped one with 未计算 and its reason",
          "[report][estimate]") {
  const RunTables run = run_with_estimate_and_skipped();
  const std::vector<Findings> zh = key_findings(run, Lang::kZh);
  REQUIRE(zh.size() == 2);
  CHECK(zh[0].title == "县级医院30分钟可达");
  REQUIRE(zh[0].items.size() >= 2);
  CHECK(zh[0].items[0].find("直线距离估算（绕行系数 1.3，机动车 35 千米/小时）") != std::string::npos);
  CHECK(zh[0].items[1] == "本项为直线距离估算，未使用道路网络：出行时间 = 直线距离 × 绕行系数 ÷ 速度，结果为近似值。");
  CHECK(zh[1].title == "15分钟中医药服务圈");
  REQUIRE(zh[1].items.size() == 2);
  CHECK(zh[1].items[1] == "未计算：路网法需要道路数据，情景中没有道路（[roads]）。");

  const std::vector<Findings> en = key_findings(run, Lang::kEn);
  REQUIRE(en.size() == 2);
  CHECK(en[0].items[0].find("straight-line estimate (circuity 1.3, car 35 km/h)") != std::string::npos);
  CHECK(en[1].items[1] == "Not computed: the network engine needs roads, and the scenario has no [roads].");

  const std::string md = report_markdown(run, Lang::kZh);
  CHECK_THAT(md, Catch::Contains("### 15分钟中医药服务圈\n\n- 口径："));
  CHECK_THAT(md, Catch::Contains("- 未计算：路网法需要道路数据，情景中没有道路（\\[roads\\]）。\n"));
}
