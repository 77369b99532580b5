// 附表12 选址方案: the coverage curve's whole persons add up (each gain the difference of two rounded cumulative
// figures), the zone tables count every site and add up its gains, the tables are numbered 12-1 … , a siting not
// computed says why; the findings say 达到 N % 需新建 K 处 and name the method with its gap.

#include <catch2/catch.hpp>

#include "report/appendix.hpp"
#include "report/siting_tables.hpp"

using namespace carereach;
using namespace carereach::report;

namespace {

RunTables run_with_siting() {
  RunTables run;
  run.region_zh = "某市";
  ZoneLevel county;
  county.level = "county";
  county.label_zh = "区县";
  county.label_en = "County";
  county.zones = {Zone{}, Zone{}};
  county.zones[0].code = "1";
  county.zones[0].name = "甲县";
  county.zones[1].code = "2";
  county.zones[1].name = "乙县";
  run.levels = {county};
  SitingTables s;
  s.id = "tcm";
  s.name_zh = "15分钟中医药服务圈";
  s.name_en = "15-minute TCM circle";
  s.standard_zh = s.name_zh;
  s.standard_en = s.name_en;
  s.threshold_min = 15;
  s.mode_zh = "步行";
  s.mode_en = "walking";
  s.target_share = 0.9;
  s.candidates_text = "existing:村卫生室";
  s.candidates = 5;
  s.method_zh = "精确求解（COIN-OR CBC），已证明最优（差距 0）";
  s.method_en = "exact (COIN-OR CBC), proven optimal (gap 0)";
  s.total = 100.0;
  s.before = 10.4;
  // gains 0.4 each: cumulative 10.8, 11.2, 11.6 → 11, 11, 12 (half-even); gains 1, 0, 1 (by hand)
  for (int i = 0; i < 3; ++i) {
    SitingSiteRow r;
    r.id = "F" + std::to_string(i + 1);
    r.name = "村" + std::to_string(i + 1);
    r.upgrade = true;
    r.zone = {static_cast<std::uint32_t>(i == 2 ? 1 : 0)};
    r.gain = 0.4;
    s.sites.push_back(r);
  }
  s.existing = {{1, 0}};
  run.siting.push_back(s);
  return run;
}

}  // namespace

TEST_CASE("siting tables: whole persons add up along the curve and across the zones", "[report][siting]") {
  const RunTables run = run_with_siting();
  const SitingPublished pub = publish_siting(run.siting[0]);
  CHECK(pub.before == 10);
  CHECK(pub.cumulative == std::vector<std::int64_t>{11, 11, 12});
  CHECK(pub.gain == std::vector<std::int64_t>{1, 0, 1});

  const std::vector<Table> tables = siting_tables(run);
  REQUIRE(tables.size() == 2);
  CHECK(tables[0].id == "siting_tcm");
  CHECK(tables[0].title_zh.starts_with("附表12-1 "));
  CHECK(tables[1].id == "siting_tcm_county");
  CHECK(tables[1].title_en.starts_with("Table 12-2 "));
  const Table& curve = tables[0];
  REQUIRE(curve.rows.size() == 4);
  CHECK(curve.rows[0].cells[curve.column_index("covered")].number == 10);
  CHECK(curve.rows[3].cells[curve.column_index("covered")].number == 12);
  CHECK(curve.rows[1].cells[curve.column_index("zone")].text_zh == "甲县");
  CHECK(curve.rows[3].cells[curve.column_index("zone")].text_zh == "乙县");
  const Table& zones = tables[1];
  REQUIRE(zones.rows.size() == 3);
  const std::size_t sites = zones.column_index("sites"), gain = zones.column_index("gain"),
                    existing = zones.column_index("existing");
  CHECK(zones.rows[0].total);
  CHECK(zones.rows[0].cells[sites].number == 3);
  CHECK(zones.rows[1].cells[sites].number == 2);
  CHECK(zones.rows[2].cells[sites].number == 1);
  CHECK(zones.rows[1].cells[gain].number == 1);  // 1 + 0
  CHECK(zones.rows[2].cells[gain].number == 1);
  CHECK(zones.rows[0].cells[gain].number == 2);  // 12 − 10
  CHECK(zones.rows[0].cells[existing].number == 1);
  // the method and its gap in the notes, in each language
  bool gap_zh = false, gap_en = false;
  for (const auto& n : curve.notes_zh) gap_zh = gap_zh || n.find("已证明最优（差距 0）") != std::string::npos;
  for (const auto& n : curve.notes_en) gap_en = gap_en || n.find("proven optimal (gap 0)") != std::string::npos;
  CHECK(gap_zh);
  CHECK(gap_en);
}

TEST_CASE("siting findings: the sites needed for the target, the method; not computed says why", "[report][siting]") {
  RunTables run = run_with_siting();
  auto zh = siting_findings(run, Lang::kZh);
  REQUIRE(zh.size() == 1);
  CHECK(zh[0].title == "选址方案：15分钟中医药服务圈");
  CHECK(zh[0].items[0] == "【模型结果】达到 90 % 需新建（升级）3 处，15分钟中医药服务圈覆盖率由 10.0 % 提高到 12.0 %。");
  CHECK(zh[0].items.back() == "求解方法：精确求解（COIN-OR CBC），已证明最优（差距 0）。");
  auto en = siting_findings(run, Lang::kEn);
  CHECK(en[0].items[0] == "[Modelled] Reaching 90 % needs 3 new (upgraded) sites; the coverage of 15-minute TCM circle rises from 10.0 % to 12.0 %.");

  run.siting[0].not_computed_zh = "所依据的服务标准 tcm 未计算：没有道路";
  run.siting[0].not_computed_en = "its standard tcm was not computed: no roads";
  run.siting[0].sites.clear();
  const auto tables = siting_tables(run);
  REQUIRE(tables.size() == 1);
  CHECK(tables[0].title_zh.starts_with("附表12 "));
  CHECK(siting_findings(run, Lang::kEn)[0].items[0] == "Not computed: its standard tcm was not computed: no roads.");
}
