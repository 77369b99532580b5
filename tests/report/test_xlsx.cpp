// The XLSX writer: the workbook is written to a temporary folder and unpacked with /usr/bin/unzip (Debian package
// unzip) to check the sheet XML.

#include <catch2/catch.hpp>

#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <limits>

#include "core/error.hpp"
#include "report/table.hpp"
#include "report/writers.hpp"
#include "temp_dir.hpp"

using namespace carereach::report;
using carereach::test::TempDir;
namespace fs = std::filesystem;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr const char* kUnzip = "/usr/bin/unzip";


std::string read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// One member of the zip archive, through `unzip -p` (paths are from mkdtemp: no quotes in them).
std::string unzip_member(const fs::path& archive, const std::string& member) {
  REQUIRE(fs::exists(kUnzip));  // Debian package unzip (scripts/install-deps.sh --tests)
  const std::string cmd = std::string(kUnzip) + " -p '" + archive.string() + "' '" + member + "'";
  FILE* pipe = popen(cmd.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string out;
  std::array<char, 4096> buf{};
  for (std::size_t n; (n = fread(buf.data(), 1, buf.size(), pipe)) > 0;) out.append(buf.data(), n);
  const int rc = pclose(pipe);
  INFO(cmd);
  REQUIRE(rc == 0);
  return out;
}

Column col(std::string key, std::string zh, std::string en, std::string uzh, std::string uen, ColumnKind kind,
           int decimals = 0) {
  return Column{std::move(key), std::move(zh), std::move(en), std::move(uzh), std::move(uen), kind, decimals, 0};
}

std::vector<Table> sample_tables() {
  Table a;
  a.id = "coverage";
  a.sheet_zh = "附表3 服务圈覆盖情况";
  a.sheet_en = "Table 3 Coverage";
  a.title_zh = "附表3 各乡镇服务圈覆盖情况";
  a.title_en = "Table 3 Service coverage by township";
  a.columns = {col("name", "乡镇", "Township", "", "", ColumnKind::kText),
               col("pop_total", "常住人口", "Population", "人", "persons", ColumnKind::kInteger),
               col("share_covered", "覆盖率", "Share covered", "%", "%", ColumnKind::kPercent, 1),
               col("p90_time_min", "90%人口时间", "90th percentile time", "分钟", "min", ColumnKind::kNumber, 1)};
  a.rows.push_back(
      Row{{Cell::text("合计", "Total"), Cell::num(12345.6), Cell::num(0.8734).marked("✗"), Cell::num(kInf)}, true});
  a.rows.push_back(Row{{Cell::text("城关镇"), Cell::num(2000), Cell::num(0.95), Cell::num(12.25)}, false});
  a.notes_zh = {"注：示例。", "资料来源：手工编制。"};
  a.notes_en = {"Note: an example.", "Source: made by hand."};

  Table b;  // a sheet name too long for Excel, and one that repeats it
  b.id = "long";
  b.sheet_zh = "附表4 一个非常非常非常非常非常非常非常非常非常非常长的工作表名称";  // 33 characters
  b.title_zh = "长名称";
  b.columns = {col("x", "值", "Value", "", "", ColumnKind::kNumber, 2)};
  b.rows.push_back(Row{{Cell::num(1.5)}, false});
  Table c = b;
  c.id = "long2";
  return {a, b, c};
}

}  // namespace

TEST_CASE("XLSX: sheets, title, header with units, number formats, frozen pane, notes", "[report][xlsx]") {
  const TempDir dir;
  const fs::path file = dir.path() / "appendix.xlsx";
  XlsxOptions options;
  options.created_unix_s = 1740787200;  // 2025-03-01T00:00:00Z, the run's date
  write_xlsx(file, sample_tables(), Lang::kZh, options);
  REQUIRE(fs::exists(file));

  const std::string workbook = unzip_member(file, "xl/workbook.xml");
  CHECK_THAT(workbook, Catch::Contains("<sheet name=\"附表3 服务圈覆盖情况\" sheetId=\"1\""));
  // Cut to 31 characters, then numbered when the cut name repeats.
  CHECK_THAT(
      workbook,
      Catch::Contains("<sheet name=\"附表4 一个非常非常非常非常非常非常非常非常非常非常长的工作表\" sheetId=\"2\""));
  CHECK_THAT(workbook, Catch::Contains(
                           "<sheet name=\"附表4 一个非常非常非常非常非常非常非常非常非常非常长的(2)\" sheetId=\"3\""));
  // The title and header rows repeat on every printed page.
  CHECK_THAT(workbook, Catch::Contains("_xlnm.Print_Titles"));

  const std::string strings = unzip_member(file, "xl/sharedStrings.xml");
  CHECK_THAT(strings, Catch::Contains("<t>附表3 各乡镇服务圈覆盖情况</t>"));
  CHECK_THAT(strings, Catch::Contains("<t>常住人口（人）</t>"));
  CHECK_THAT(strings, Catch::Contains("<t>覆盖率</t>"));  // a percent column shows % in its cells instead
  CHECK_THAT(strings, Catch::Contains("<t>90%人口时间（分钟）</t>"));
  // No text in a numeric column: the time beyond the search limit is an empty grey cell, explained by a note.
  CHECK_THAT(strings, !Catch::Contains("<t>＞上限</t>"));
  CHECK_THAT(strings, Catch::Contains("注：灰色空白单元格表示超出计算上限（＞上限"));
  CHECK_THAT(strings, Catch::Contains("<t>注：示例。</t>"));
  CHECK_THAT(strings, Catch::Contains("<t>资料来源：手工编制。</t>"));

  const std::string sheet = unzip_member(file, "xl/worksheets/sheet1.xml");
  // Title and header rows frozen, and the one leading name column (乡镇).
  CHECK_THAT(sheet, Catch::Contains("<pane xSplit=\"1\" ySplit=\"2\" topLeftCell=\"B3\""));
  // A filter over the header and the two data rows; pages numbered in the footer.
  CHECK_THAT(sheet, Catch::Contains("<autoFilter ref=\"A2:D4\"/>"));
  CHECK_THAT(sheet, Catch::Contains("<oddFooter>&amp;C第 &amp;P 页 共 &amp;N 页</oddFooter>"));
  // The header row fits its most wrapped header: "90%人口时间（分钟）" is 19 character cells wide (3 + 8 + 8; a CJK
  // character counts 2); it wraps (over 12) so its column is 10 + 2 = 12 wide with 10 usable cells: 2 lines of
  // 16 pt + 4 pt = 36 pt.
  CHECK(std::regex_search(sheet, std::regex("<row r=\"2\"[^>]* ht=\"36\" customHeight=\"1\"")));
  // The cell beyond the limit (D3) is written empty, with a style (its border and grey fill).
  CHECK(std::regex_search(sheet, std::regex("<c r=\"D3\" s=\"[0-9]+\"/>")));
  CHECK_THAT(sheet, Catch::Contains("<mergeCell ref=\"A1:D1\"/>"));
  // Numbers are stored rounded as shown: 12345.6 persons → 12346, 87.34 % → 0.873.
  CHECK(std::regex_search(sheet, std::regex("<c r=\"B3\" s=\"[0-9]+\"><v>12346</v></c>")));
  CHECK_THAT(sheet, Catch::Contains("<v>0.873</v>"));
  CHECK_THAT(sheet, Catch::Contains("<v>12.2</v>"));
  CHECK_THAT(sheet, Catch::Contains("<pageSetup paperSize=\"9\" fitToHeight=\"0\" orientation=\"landscape\"/>"));
  CHECK_THAT(sheet, Catch::Contains("<pageSetUpPr fitToPage=\"1\"/>"));
  // Notes start one row below the table: rows 3–4 hold the data, row 6 the first note.
  CHECK_THAT(sheet, Catch::Contains("<row r=\"6\""));
  CHECK_THAT(sheet, Catch::Contains("<row r=\"7\""));

  const std::string styles = unzip_member(file, "xl/styles.xml");
  CHECK_THAT(styles, Catch::Contains("formatCode=\"#,##0\""));
  CHECK_THAT(styles, Catch::Contains("formatCode=\"#,##0.0\""));
  CHECK_THAT(styles, Catch::Contains("formatCode=\"0.0%&quot; ✗&quot;\""));  // the marker keeps the cell a number
  CHECK_THAT(styles, Catch::Contains("<b/>"));
  CHECK_THAT(styles, Catch::Contains("wrapText=\"1\""));
  CHECK_THAT(styles, Catch::Contains("<fgColor rgb=\"FFD9D9D9\"/>"));  // the grey of cells beyond the limit
  CHECK_THAT(styles, Catch::Contains("<left style=\"thin\">"));        // cell borders

  const std::string core = unzip_member(file, "docProps/core.xml");
  CHECK_THAT(core, Catch::Contains("<dc:title>附表3 各乡镇服务圈覆盖情况</dc:title>"));
  CHECK_THAT(core, Catch::Contains(">2025-03-01T00:00:00Z</dcterms:created>"));
}

TEST_CASE("XLSX in English uses the English sheet names and headers", "[report][xlsx]") {
  const TempDir dir;
  const fs::path file = dir.path() / "appendix_en.xlsx";
  write_xlsx(file, sample_tables(), Lang::kEn);
  CHECK_THAT(unzip_member(file, "xl/workbook.xml"), Catch::Contains("<sheet name=\"Table 3 Coverage\""));
  const std::string strings = unzip_member(file, "xl/sharedStrings.xml");
  CHECK_THAT(strings, Catch::Contains("<t>Population (persons)</t>"));
  CHECK_THAT(strings, !Catch::Contains("<t>&gt; limit</t>"));
  CHECK_THAT(strings, Catch::Contains("<t>Note: a grey empty cell is beyond the upper limit of the computation"));
  CHECK_THAT(unzip_member(file, "xl/worksheets/sheet1.xml"), Catch::Contains("<oddFooter>&amp;CPage &amp;P of &amp;N</oddFooter>"));
  CHECK_THAT(strings, Catch::Contains("<t>Total</t>"));
  // No date given: the fixed one, never the clock.
  CHECK_THAT(unzip_member(file, "docProps/core.xml"), Catch::Contains(">2000-01-01T00:00:00Z</dcterms:created>"));
}

TEST_CASE("XLSX: the same tables give byte-identical files", "[report][xlsx]") {
  const TempDir dir;
  const auto tables = sample_tables();
  write_xlsx(dir.path() / "a.xlsx", tables, Lang::kZh);
  write_xlsx(dir.path() / "b.xlsx", tables, Lang::kZh);
  const std::string a = read_bytes(dir.path() / "a.xlsx");
  const std::string b = read_bytes(dir.path() / "b.xlsx");
  REQUIRE(a.size() > 30);
  CHECK(a == b);
  // The zip entries carry a fixed date too (DOS date 1980-01-01 = 0x0021, time 0), so a later run gives the same
  // bytes: bytes 10–13 of the first local file header.
  CHECK(a.substr(0, 4) == std::string("PK\x03\x04", 4));
  CHECK(a.substr(10, 4) == std::string("\x00\x00\x21\x00", 4));
}

TEST_CASE("XLSX: a file that cannot be written is an OutputError naming the path", "[report][xlsx]") {
  const TempDir dir;
  const fs::path file = dir.path() / "no-such-folder" / "appendix.xlsx";
  try {
    write_xlsx(file, sample_tables(), Lang::kZh);
    FAIL("expected an OutputError");
  } catch (const carereach::OutputError& e) {
    CHECK(e.exit_code() == carereach::ExitCode::kOutput);
    CHECK_THAT(e.what(), Catch::Contains(file.string()) && Catch::Contains("No such file or directory"));
  }
  CHECK_FALSE(fs::exists(file));
  CHECK_THROWS_AS(write_xlsx(dir.path() / "x.xlsx", std::vector<Table>{}, Lang::kZh), std::invalid_argument);
}

TEST_CASE("write_xlsx: a row without one cell per column is refused before the file is touched", "[report][xlsx]") {
  const TempDir dir;
  Table t;
  t.id = "bad";
  t.title_zh = "坏表";
  t.columns = {{"a", "甲", "A", "", "", ColumnKind::kText}, {"b", "乙", "B", "", "", ColumnKind::kInteger}};
  Row row;
  row.cells = {Cell::text("x")};
  t.rows = {row};
  const auto file = dir.path() / "bad.xlsx";
  CHECK_THROWS_AS(write_xlsx(file, std::vector<Table>{t}, Lang::kZh), std::invalid_argument);
  CHECK_FALSE(std::filesystem::exists(file));
}

TEST_CASE("XLSX: codes are text cells, so 12-digit codes survive Excel", "[report][xlsx]") {
  Table t;
  t.id = "codes";
  t.sheet_zh = "附表";
  t.title_zh = "代码";
  t.columns = {col("code", "代码", "Code", "", "", ColumnKind::kText),
               col("name", "名称", "Name", "", "", ColumnKind::kText),
               col("n", "数量", "Count", "", "", ColumnKind::kInteger)};
  t.rows.push_back(Row{{Cell::text("341621100000"), Cell::text("城关镇"), Cell::num(3)}, false});
  t.rows.push_back(Row{{Cell::text("012345678901"), Cell::text("某村"), Cell::num(NAN)}, false});
  const TempDir dir;
  const fs::path file = dir.path() / "codes.xlsx";
  write_xlsx(file, std::vector<Table>{t}, Lang::kZh, XlsxOptions{});
  const std::string sheet = unzip_member(file, "xl/worksheets/sheet1.xml");
  const std::string strings = unzip_member(file, "xl/sharedStrings.xml");
  // Both codes are shared strings (t="s"), the leading zero kept; never numbers.
  CHECK(std::regex_search(sheet, std::regex("<c r=\"A3\" s=\"[0-9]+\" t=\"s\">")));
  CHECK(std::regex_search(sheet, std::regex("<c r=\"A4\" s=\"[0-9]+\" t=\"s\">")));
  CHECK_THAT(strings, Catch::Contains("<t>341621100000</t>"));
  CHECK_THAT(strings, Catch::Contains("<t>012345678901</t>"));
  // Two leading text columns (code and name) stay in view; the missing count (C4) is an empty bordered cell.
  CHECK_THAT(sheet, Catch::Contains("<pane xSplit=\"2\" ySplit=\"2\" topLeftCell=\"C3\""));
  CHECK(std::regex_search(sheet, std::regex("<c r=\"C4\" s=\"[0-9]+\"/>")));
  // No grey-cell note: nothing is beyond a limit.
  CHECK_THAT(strings, !Catch::Contains("灰色空白单元格"));
}
