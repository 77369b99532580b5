// Texts from the inputs in the report files: CSV cells a spreadsheet would run as formulas are neutralised (text
// cells only), Markdown shows markup characters as written and keeps its table columns, XLSX stores such texts as
// plain string cells. The Markdown reading is the test's own: CommonMark's rules that a backslash before ASCII
// punctuation stands for that character and that an unescaped "|" separates the cells of a table row.

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "report/table.hpp"
#include "report/writers.hpp"
#include "temp_dir.hpp"

using namespace carereach::report;
using carereach::test::TempDir;
namespace fs = std::filesystem;

namespace {

const std::string kHyperlink = "=HYPERLINK(\"http://x\",\"y\")";
const std::string kScript = "<script>alert(1)</script>|*x*";

Column col(std::string key, std::string zh, ColumnKind kind, int decimals = 0) {
  return Column{std::move(key), std::move(zh), std::move(zh), "", "", kind, decimals, 0};
}

Table names_table() {
  Table t;
  t.id = "names";
  t.sheet_zh = "名称";
  t.title_zh = "名称";
  t.columns = {col("name", "名称", ColumnKind::kText), col("value", "数值", ColumnKind::kNumber, 1)};
  for (const std::string& name : {kHyperlink, std::string("-1+2"), std::string("@SUM(A1)"), std::string("\tTab"),
                                  kScript, std::string("_x0041_")})
    t.rows.push_back(Row{{Cell::text(name), Cell::num(-3.5)}, false});
  return t;
}

/// The cells of a Markdown table row: split at "|" not preceded by a backslash, without the outer pipes, trimmed,
/// with backslash escapes of ASCII punctuation read as the character (CommonMark).
std::vector<std::string> markdown_cells(const std::string& line) {
  std::vector<std::string> cells;
  std::string cell;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '\\' && i + 1 < line.size() && std::ispunct(static_cast<unsigned char>(line[i + 1])) != 0) {
      cell += line[++i];
    } else if (c == '|') {
      cells.push_back(cell);
      cell.clear();
    } else {
      cell += c;
    }
  }
  cells.push_back(cell);
  REQUIRE(cells.size() >= 2);
  REQUIRE(cells.front().find_first_not_of(' ') == std::string::npos);  // before the first pipe
  REQUIRE(cells.back().find_first_not_of(' ') == std::string::npos);   // after the last pipe
  cells.erase(cells.begin());
  cells.pop_back();
  for (auto& s : cells) {
    s.erase(0, s.find_first_not_of(' '));
    s.erase(s.find_last_not_of(' ') + 1);
  }
  return cells;
}

/// The text of an XML element's content with the five predefined entities read back.
std::string xml_text(std::string s) {
  const std::array<std::pair<std::string, std::string>, 5> entities = {
      {{"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&apos;", "'"}, {"&amp;", "&"}}};
  for (const auto& [from, to] : entities)
    for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
      s.replace(at, from.size(), to);
  return s;
}

std::string unzip_member(const fs::path& archive, const std::string& member) {
  const std::string cmd = "/usr/bin/unzip -p '" + archive.string() + "' '" + member + "'";
  FILE* pipe = popen(cmd.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string out;
  std::array<char, 4096> buf{};
  for (std::size_t n; (n = fread(buf.data(), 1, buf.size(), pipe)) > 0;) out.append(buf.data(), n);
  REQUIRE(pclose(pipe) == 0);
  return out;
}

/// The texts of the shared strings (<si><t>…</t></si>), entities read back.
std::vector<std::string> shared_strings(const std::string& xml) {
  std::vector<std::string> out;
  for (std::size_t at = xml.find("<t"); at != std::string::npos; at = xml.find("<t", at + 1)) {
    const std::size_t open_end = xml.find('>', at);
    if (xml.compare(at, 3, "<t>") != 0 && xml.compare(at, 3, "<t ") != 0) continue;
    const std::size_t close = xml.find("</t>", open_end);
    out.push_back(xml_text(xml.substr(open_end + 1, close - open_end - 1)));
  }
  return out;
}

}  // namespace

TEST_CASE("CSV: text cells that start a formula get an apostrophe; numbers stay numbers", "[report][csv]") {
  const std::string csv = to_csv(names_table(), Lang::kZh);
  const std::string expected = "\xEF\xBB\xBF"
                               "名称,数值\r\n"
                               "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",-3.5\r\n"
                               "'-1+2,-3.5\r\n"
                               "'@SUM(A1),-3.5\r\n"
                               "'\tTab,-3.5\r\n"
                               "<script>alert(1)</script>|*x*,-3.5\r\n"
                               "_x0041_,-3.5\r\n";
  CHECK(csv == expected);
}

TEST_CASE("CSV fields: csv_text neutralises, csv_plain only quotes", "[report][csv]") {
  CHECK(csv_text("=1+1") == "'=1+1");
  CHECK(csv_text("-2,5") == "\"'-2,5\"");
  CHECK(csv_text("甲镇卫生院") == "甲镇卫生院");
  CHECK(csv_plain("-3.5") == "-3.5");
  CHECK(csv_plain("a,b") == "\"a,b\"");
}

TEST_CASE("markdown_text escapes every markup character and keeps the text readable", "[report][markdown]") {
  CHECK(markdown_text("甲镇卫生院") == "甲镇卫生院");
  CHECK(markdown_text(kScript) == "\\<script\\>alert(1)\\</script\\>\\|\\*x\\*");
  CHECK(markdown_text("a_b [c](d) `e` # ~f~ &amp; \\") == "a\\_b \\[c\\](d) \\`e\\` \\# \\~f\\~ \\&amp; \\\\");
  CHECK(markdown_text("one\ntwo\r\nthree") == "one<br>two<br>three");
}

TEST_CASE("Markdown table: a name with markup keeps the column count and reads as written", "[report][markdown]") {
  const Table t = names_table();
  const std::string md = to_markdown(t, Lang::kZh);
  // No raw HTML: every "<" is escaped (the table has no line breaks, so no "<br>" either).
  for (std::size_t at = md.find('<'); at != std::string::npos; at = md.find('<', at + 1)) CHECK((at > 0 && md[at - 1] == '\\'));
  std::vector<std::string> lines;
  for (std::size_t at = 0, nl; (nl = md.find('\n', at)) != std::string::npos; at = nl + 1) lines.push_back(md.substr(at, nl - at));
  std::vector<std::vector<std::string>> rows;
  for (const auto& line : lines)
    if (line.starts_with("|")) rows.push_back(markdown_cells(line));
  REQUIRE(rows.size() == 2 + t.rows.size());  // header, delimiter, rows
  for (const auto& r : rows) CHECK(r.size() == 2);
  CHECK(rows[2][0] == kHyperlink);
  CHECK(rows[3][0] == "-1+2");
  CHECK(rows[6][0] == kScript);
  CHECK(rows[7][0] == "_x0041_");
  CHECK(rows[6][1] == "-3.5");
}

TEST_CASE("XLSX: formula-like names are string cells with the exact text", "[report][xlsx]") {
  const TempDir dir;
  const fs::path file = dir.path() / "names.xlsx";
  write_xlsx(file, std::vector<Table>{names_table()}, Lang::kZh);
  const std::string sheet = unzip_member(file, "xl/worksheets/sheet1.xml");
  CHECK(sheet.find("<f>") == std::string::npos);  // no formula anywhere
  const std::vector<std::string> strings = shared_strings(unzip_member(file, "xl/sharedStrings.xml"));
  for (const std::string& name : {kHyperlink, std::string("-1+2"), std::string("@SUM(A1)"), std::string("\tTab"), kScript})
    CHECK(std::find(strings.begin(), strings.end(), name) != strings.end());
  // Excel would read "_x0041_" as "A": its underscore is stored as _x005F_.
  CHECK(std::find(strings.begin(), strings.end(), "_x005F_x0041_") != strings.end());
  CHECK(std::find(strings.begin(), strings.end(), "_x0041_") == strings.end());
  // Every data cell of the name column is a shared string (t="s"): rows 3 to 8, column A.
  for (int r = 3; r <= 8; ++r) {
    const std::size_t at = sheet.find("<c r=\"A" + std::to_string(r) + "\"");
    REQUIRE(at != std::string::npos);
    const std::string cell = sheet.substr(at, sheet.find("</c>", at) - at);
    CHECK_THAT(cell, Catch::Contains("t=\"s\""));
  }
}
