// The table model, number formatting and the CSV and Markdown writers. Expected texts are written out by hand.

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "report/table.hpp"
#include "report/writers.hpp"

using namespace carereach::report;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

Column col(std::string key, std::string zh, std::string en, std::string uzh, std::string uen, ColumnKind kind,
           int decimals = 0) {
  return Column{std::move(key), std::move(zh), std::move(en), std::move(uzh), std::move(uen), kind, decimals, 0};
}

/// Name, population, share, mean time: the shape of a coverage table.
Table sample() {
  Table t;
  t.id = "sample";
  t.sheet_zh = "附表9 示例";
  t.sheet_en = "Table 9 Sample";
  t.title_zh = "附表9 示例表";
  t.title_en = "Table 9 Sample table";
  t.columns = {col("name", "名称", "Name", "", "", ColumnKind::kText),
               col("pop", "人口", "Population", "人", "persons", ColumnKind::kInteger),
               col("share", "覆盖率", "Share covered", "%", "%", ColumnKind::kPercent, 1),
               col("mean_time_min", "平均时间", "Mean time", "分钟", "min", ColumnKind::kNumber, 1)};
  t.rows.push_back(
      Row{{Cell::text("合计", "Total"), Cell::num(12345.6), Cell::num(0.873).marked("✗"), Cell::num(12.25)}, true});
  t.rows.push_back(Row{{Cell::text("甲,乙"), Cell::num(100), Cell::num(kNaN), Cell::num(kInf)}, false});
  t.rows.push_back(Row{{Cell::text("说\"明\""), Cell::num(-0.2), Cell::num(1.0), Cell::empty()}, false});
  t.rows.push_back(Row{{Cell::text("两\n行"), Cell::num(1234567.0), Cell::num(0.0), Cell::num(0.04)}, false});
  t.notes_zh = {"注：示例。", "资料来源：手工编制。"};
  t.notes_en = {"Note: an example.", "Source: made by hand."};
  return t;
}

}  // namespace

TEST_CASE("fixed decimals do not depend on the locale and never show -0", "[report][format]") {
  CHECK(format_fixed(1234.5678, 2) == "1234.57");
  CHECK(format_fixed(1234.5678, 2, true) == "1,234.57");
  CHECK(format_fixed(-1234567.891, 1, true) == "-1,234,567.9");
  CHECK(format_fixed(999.96, 1, true) == "1,000.0");
  CHECK(format_fixed(1e6, 0, true) == "1,000,000");
  CHECK(format_fixed(123.0, 0, true) == "123");
  CHECK(format_fixed(-0.04, 1) == "0.0");
  CHECK(format_fixed(-0.0, 0) == "0");
  CHECK(format_fixed(2.5, 0) == "2");  // the exact tie rounds to even, like printf
  CHECK(format_fixed(3.5, 0) == "4");
  CHECK(format_fixed(0.1, 3) == "0.100");
  CHECK_THROWS_AS(format_fixed(kInf, 1), std::invalid_argument);
}

TEST_CASE("cells render by column kind; +inf and NaN have fixed renderings", "[report][format]") {
  const Table t = sample();
  const auto& c = t.columns;
  CHECK(format_cell(Cell::num(12345.6), c[1], Lang::kZh) == "12346");
  CHECK(format_cell(Cell::num(12345.6), c[1], Lang::kZh, true) == "12,346");
  CHECK(format_cell(Cell::num(0.873), c[2], Lang::kZh) == "87.3");
  CHECK(format_cell(Cell::num(1.0), c[2], Lang::kEn) == "100.0");
  CHECK(format_cell(Cell::num(12.25), c[3], Lang::kZh) == "12.2");
  CHECK(format_cell(Cell::num(12.25, 2), c[3], Lang::kZh) == "12.25");  // the cell's decimals win
  CHECK(format_cell(Cell::num(kInf), c[3], Lang::kZh) == "＞上限");
  CHECK(format_cell(Cell::num(kInf), c[3], Lang::kEn) == "> limit");
  CHECK(format_cell(Cell::num(-kInf), c[3], Lang::kZh) == "＜下限");
  CHECK(format_cell(Cell::num(kNaN), c[3], Lang::kZh).empty());
  CHECK(format_cell(Cell::empty(), c[1], Lang::kZh).empty());
  CHECK(format_cell(Cell::text("合计", "Total"), c[0], Lang::kEn) == "Total");
  CHECK(format_cell(Cell::text("谯城区"), c[0], Lang::kEn) == "谯城区");   // no English: the Chinese text
  CHECK(format_cell(Cell::num(7.0).marked("✗"), c[1], Lang::kZh) == "7");  // no marker here
}

TEST_CASE("column headers carry their units in both languages", "[report][format]") {
  const Table t = sample();
  CHECK(column_header(t.columns[0], Lang::kZh) == "名称");
  CHECK(column_header(t.columns[1], Lang::kZh) == "人口（人）");
  CHECK(column_header(t.columns[1], Lang::kEn) == "Population (persons)");
  CHECK(column_header(t.columns[2], Lang::kZh) == "覆盖率（%）");
  CHECK(column_header(t.columns[3], Lang::kEn) == "Mean time (min)");
  CHECK(t.column_index("share") == 2);
  CHECK(t.column_index("nope") == 4);
}

TEST_CASE("display width counts CJK and full-width characters double", "[report][format]") {
  CHECK(display_width("abc") == 3);
  CHECK(display_width("合计ab") == 6);
  CHECK(display_width("＞上限") == 6);
  CHECK(display_width("100 ✗") == 5);
  CHECK(display_width("\xFF\xFE") == 2);  // invalid bytes count one each
}

TEST_CASE("CSV: BOM, CRLF, RFC 4180 quoting, fixed decimals, total row first", "[report][csv]") {
  const std::string zh = to_csv(sample(), Lang::kZh);
  const std::string expected_zh =
      "\xEF\xBB\xBF"
      "名称,人口（人）,覆盖率（%）,平均时间（分钟）\r\n"
      "合计,12346,87.3,12.2\r\n"
      "\"甲,乙\",100,,＞上限\r\n"
      "\"说\"\"明\"\"\",0,100.0,\r\n"
      "\"两\n行\",1234567,0.0,0.0\r\n";
  CHECK(zh == expected_zh);

  const std::string en = to_csv(sample(), Lang::kEn);
  const std::string expected_en =
      "\xEF\xBB\xBF"
      "Name,Population (persons),Share covered (%),Mean time (min)\r\n"
      "Total,12346,87.3,12.2\r\n"
      "\"甲,乙\",100,,> limit\r\n"
      "\"说\"\"明\"\"\",0,100.0,\r\n"
      "\"两\n行\",1234567,0.0,0.0\r\n";
  CHECK(en == expected_en);
}

TEST_CASE("CSV and Markdown reject a row with the wrong number of cells", "[report][csv]") {
  Table t = sample();
  t.rows[1].cells.pop_back();
  CHECK_THROWS_AS(to_csv(t, Lang::kZh), std::invalid_argument);
  CHECK_THROWS_AS(to_markdown(t, Lang::kZh), std::invalid_argument);
}

TEST_CASE("Markdown: title, padded pipe table with right-aligned numbers, bold total, notes", "[report][markdown]") {
  Table t;
  t.title_zh = "表 标题";
  t.columns = {col("name", "名称", "Name", "", "", ColumnKind::kText),
               col("pop", "人口", "Population", "人", "persons", ColumnKind::kInteger)};
  t.rows.push_back(Row{{Cell::text("合计"), Cell::num(12345.6)}, true});
  t.rows.push_back(Row{{Cell::text("a|b"), Cell::num(100).marked("✗")}, false});
  t.rows.push_back(Row{{Cell::text("x\ny"), Cell::num(kNaN)}, false});
  t.notes_zh = {"注：测试。"};
  const std::string expected =
      "### 表 标题\n"
      "\n"
      "| 名称     | 人口（人） |\n"
      "| -------- | ---------: |\n"
      "| **合计** | **12,346** |\n"
      "| a\\|b     |      100 ✗ |\n"
      "| x<br>y   |            |\n"
      "\n"
      "注：测试。\n";
  CHECK(to_markdown(t, Lang::kZh) == expected);
}

TEST_CASE("Markdown of the sample in English", "[report][markdown]") {
  const std::string md = to_markdown(sample(), Lang::kEn);
  CHECK(md.starts_with("### Table 9 Sample table\n\n| Name "));
  CHECK_THAT(md, Catch::Contains("| **Total** |"));
  CHECK_THAT(md, Catch::Contains(" **12,346** |"));
  CHECK_THAT(md, Catch::Contains("**87.3 ✗**"));
  CHECK_THAT(md, Catch::Contains("> limit |"));
  CHECK_THAT(md, Catch::Contains("1,234,567"));
  CHECK_THAT(md, Catch::EndsWith("\nNote: an example.\n\nSource: made by hand.\n"));
}
