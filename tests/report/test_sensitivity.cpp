// Variants of a standard (variant_of) and the data note: the sensitivity table (附表7) shows a base and its variants
// side by side; the key findings open with the data note (数据说明), give a variant no block of its own and name its
// share in its base's block. Expected figures are the hand-made coverage below.

#include <catch2/catch.hpp>

#include <algorithm>

#include "report/appendix.hpp"

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

/// Two counties (1,000 and 3,000 persons); the 15-minute TCM circle by walking (covers 600 and 1,200: 1,800 of
/// 4,000 = 45.0 %) and its e-bike variant (1,000 and 2,700: 3,700 of 4,000 = 92.5 %), target 90 %.
RunTables run_with_variant(const std::string& note_zh = {}, const std::string& note_en = {}) {
  RunTables run;
  run.scenario_zh = "亳州市 基线";
  run.region_zh = "亳州市";
  Zone a;
  a.id = ZoneId{0};
  a.code = "341602";
  a.name = "谯城区";
  Zone b = a;
  b.id = ZoneId{1};
  b.code = "341621";
  b.name = "涡阳县";
  run.levels = {ZoneLevel{"county", "区县", "County", {a, b}}};

  Standard walk;
  walk.id = "tcm_15min";
  walk.name_zh = "15分钟中医药服务圈";
  walk.name_en = "15-minute TCM service circle";
  walk.mode = TravelMode::kWalk;
  walk.threshold_min = 15.0;
  walk.target_share = 0.9;
  StandardTables base = describe_standard(walk);
  base.coverage = {analysis::LevelCoverage{{stats(1000, 600), stats(3000, 1200)}, stats(4000, 1800)}};

  Standard ebike = walk;
  ebike.id = "tcm_15min_ebike";
  ebike.name_zh = "15分钟中医药服务圈（电动自行车）";
  ebike.name_en = "15-minute TCM service circle (e-bike)";
  ebike.mode = TravelMode::kEbike;
  ebike.variant_of = "tcm_15min";
  StandardTables variant = describe_standard(ebike);
  variant.coverage = {analysis::LevelCoverage{{stats(1000, 1000), stats(3000, 2700)}, stats(4000, 3700)}};

  run.standards = {base, variant};
  run.data_note_zh = note_zh;
  run.data_note_en = note_en;
  return run;
}

std::string cell(const Table& t, std::size_t row, const std::string& key, Lang lang = Lang::kZh) {
  const std::size_t c = t.column_index(key);
  REQUIRE(c < t.columns.size());
  REQUIRE(row < t.rows.size());
  return format_cell(t.rows[row].cells[c], t.columns[c], lang);
}

}  // namespace

TEST_CASE("附表7: a base standard and its variant side by side, per zone", "[report][sensitivity]") {
  const RunTables run = run_with_variant();
  CHECK(run.standards[1].variant_of == "tcm_15min");
  CHECK(sensitivity_bases(run) == std::vector<std::size_t>{0});
  const Table t = sensitivity_table(run, 0);
  CHECK(t.id == "sensitivity_tcm_15min");
  REQUIRE(t.rows.size() == 3);  // total, 谯城区, 涡阳县
  CHECK(cell(t, 0, "pop_total") == "4000");
  CHECK(cell(t, 0, "pop_covered_tcm_15min") == "1800");
  CHECK(cell(t, 0, "share_tcm_15min") == "45.0");
  CHECK(cell(t, 0, "pop_covered_tcm_15min_ebike") == "3700");
  CHECK(cell(t, 0, "share_tcm_15min_ebike") == "92.5");
  CHECK(cell(t, 1, "name") == "谯城区");
  CHECK(cell(t, 1, "share_tcm_15min") == "60.0");
  CHECK(cell(t, 1, "share_tcm_15min_ebike") == "100.0");
  CHECK(cell(t, 2, "pop_covered_tcm_15min_ebike") == "2700");
  CHECK(cell(t, 2, "share_tcm_15min_ebike") == "90.0");
  // A variant is not a base; an index out of range is refused.
  CHECK_THROWS_AS(sensitivity_table(run, 1), std::invalid_argument);
  CHECK_THROWS_AS(sensitivity_table(run, 2), std::invalid_argument);
  // The appendix holds it after the gap list, numbered 附表7.
  const std::vector<Table> all = appendix_tables(run);
  REQUIRE_FALSE(all.empty());
  CHECK(all.back().id == "sensitivity_tcm_15min");
  CHECK(all.back().title_zh.rfind("附表7 亳州市15分钟中医药服务圈敏感性分析", 0) == 0);
}

TEST_CASE("key findings: the data note first; a variant only in its base's block", "[report][sensitivity]") {
  const std::string note = "本演示的道路为模拟数据。";
  const RunTables run = run_with_variant(note, "The roads are modelled.");
  const std::vector<Findings> zh = key_findings(run, Lang::kZh);
  REQUIRE(zh.size() == 2);  // the data note, the base standard (no block for the variant)
  CHECK(zh[0].title == "数据说明");
  CHECK(zh[0].items == std::vector<std::string>{note});
  CHECK(zh[1].title == "15分钟中医药服务圈");
  CHECK(std::any_of(zh[1].items.begin(), zh[1].items.end(), [](const std::string& s) {
    return s == "敏感性分析（附表7）：按电动自行车 15 分钟（路网法）计，覆盖率 92.5%（3,700 人），达到目标。";
  }));
  const std::vector<Findings> en = key_findings(run, Lang::kEn);
  REQUIRE(en.size() == 2);
  CHECK(en[0].title == "About the data");
  CHECK(en[0].items == std::vector<std::string>{"The roads are modelled."});
  // Without a note there is no such block.
  const std::vector<Findings> plain = key_findings(run_with_variant(), Lang::kZh);
  REQUIRE(plain.size() == 1);
  CHECK(plain[0].title == "15分钟中医药服务圈");
}
