// report.html of `carereach run`: written with the other outputs, every name from the inputs escaped, the same
// bytes for the same inputs and date, maps with legends, and the appendix tables in it with the numbers of
// tables/*.csv (the browser checks of the page are tests/report/check_report_in_browser.py).

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include "cli_runner.hpp"
#include "fixture.hpp"

using namespace carereach::test;
namespace fs = std::filesystem;

namespace {

const std::string kMarkup = "<img src=x onerror=alert(1)>";
const std::string kEscaped = "&lt;img src=x onerror=alert(1)&gt;";

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

/// Sets SOURCE_DATE_EPOCH for the runs of one test and restores it after.
struct SourceDate {
  explicit SourceDate(const char* value) { setenv("SOURCE_DATE_EPOCH", value, 1); }
  ~SourceDate() { unsetenv("SOURCE_DATE_EPOCH"); }
  SourceDate(const SourceDate&) = delete;
  SourceDate& operator=(const SourceDate&) = delete;
};

/// Gives the fixture's facility, zone and scenario names markup.
void add_markup(const Fixture& f) {
  f.set_facilities(replace_all(Fixture::facilities_csv(), "甲镇卫生院", kMarkup));
  f.set_zones(replace_all(Fixture::zones_geojson(), "甲县", kMarkup));
  f.set_scenario(replace_all(Fixture::scenario_toml(), "name = \"测试情景\"", "name = \"测试情景 " + kMarkup + "\""));
}

/// The cells of each <tr> of the HTML table with this id: tags removed (markers dropped), entities of & < >
/// decoded, thousands separators removed from numbers.
std::vector<std::vector<std::string>> html_rows(const std::string& html, const std::string& id) {
  const auto start = html.find("<table class=\"report-table\" id=\"table-" + id + "\">");
  REQUIRE(start != std::string::npos);
  const auto body = html.find("<tbody>", start);
  const auto end = html.find("</tbody>", body);
  const std::string tbody = html.substr(body, end - body);
  std::vector<std::vector<std::string>> rows;
  const std::regex row_re("<tr[^>]*>(.*?)</tr>");
  const std::regex cell_re("<td[^>]*>(.*?)</td>");
  const std::regex marker_re("<span class=\"marker\">.*?</span>");
  for (auto r = std::sregex_iterator(tbody.begin(), tbody.end(), row_re); r != std::sregex_iterator(); ++r) {
    const std::string row = (*r)[1];
    std::vector<std::string> cells;
    for (auto c = std::sregex_iterator(row.begin(), row.end(), cell_re); c != std::sregex_iterator(); ++c) {
      std::string text = std::regex_replace(std::string((*c)[1]), marker_re, "");
      const bool numeric = std::string((*c)[0]).find("class=\"num\"") != std::string::npos;
      if (numeric) text = replace_all(text, ",", "");
      text = replace_all(replace_all(replace_all(text, "&lt;", "<"), "&gt;", ">"), "&amp;", "&");
      cells.push_back(text);
    }
    rows.push_back(cells);
  }
  return rows;
}

/// The rows of a CSV written by carereach (BOM, CRLF, RFC 4180 quotes), without its header.
std::vector<std::vector<std::string>> csv_rows(const std::string& csv) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false;
  std::size_t i = csv.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0;
  for (; i < csv.size(); ++i) {
    const char c = csv[i];
    if (quoted) {
      if (c == '"' && i + 1 < csv.size() && csv[i + 1] == '"') field += '"', ++i;
      else if (c == '"') quoted = false;
      else field += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      row.push_back(field), field.clear();
    } else if (c == '\r') {
    } else if (c == '\n') {
      row.push_back(field), field.clear();
      rows.push_back(row), row.clear();
    } else {
      field += c;
    }
  }
  if (!rows.empty()) rows.erase(rows.begin());
  return rows;
}

}  // namespace

TEST_CASE("report.html: names from inputs are escaped and run nothing", "[cli][report][html]") {
  const Fixture f;
  add_markup(f);
  TempDir tmp;
  const CliResult r = run_cli({"-q", "run", f.scenario(), "--out", (tmp / "out").string()});
  INFO(r.all());
  REQUIRE(r.code == 0);
  const std::string html = slurp(tmp / "out" / "report.html");
  CHECK(html.find("<img") == std::string::npos);
  CHECK(html.find("onerror=alert(1)>") == std::string::npos);
  CHECK(html.find("<script") == std::string::npos);
  // The scenario name (title, subtitle, facts), the zone name (tables, findings, map tooltips) and the facility name
  // (map tooltips) all show as text.
  CHECK(count(html, "测试情景 " + kEscaped) >= 2);
  CHECK(count(html, kEscaped + "</td>") >= 1);
  CHECK(html.find("<title>" + kEscaped) != std::string::npos);

  // The warnings section: as many as run.json holds, each with its kind in Chinese (the fixture has no roads, so
  // its time standards are not computed).
  const auto run = nlohmann::json::parse(slurp(tmp / "out" / "run.json"));
  REQUIRE(run["warnings"].size() > 0);
  CHECK(html.find("共 " + std::to_string(run["warnings"].size()) + " 条警告") != std::string::npos);
  CHECK(html.find("<li>【服务标准未计算】") != std::string::npos);
}

TEST_CASE("report.html: the same inputs and date give the same bytes; the date is the run's", "[cli][report][html]") {
  const Fixture f;
  TempDir tmp;
  {
    const SourceDate date("1767225600");  // 2026-01-01T00:00:00Z
    for (const char* out : {"a", "b"}) {
      const CliResult r = run_cli({"-q", "run", f.scenario(), "--out", (tmp / out).string()});
      INFO(r.all());
      REQUIRE(r.code == 0);
    }
  }
  const std::string a = slurp(tmp / "a" / "report.html");
  CHECK(a == slurp(tmp / "b" / "report.html"));
  CHECK(a.find("<td>2026-01-01</td>") != std::string::npos);
  // Without SOURCE_DATE_EPOCH the date is the day the run started.
  const CliResult r = run_cli({"-q", "run", f.scenario(), "--out", (tmp / "c").string()});
  REQUIRE(r.code == 0);
  const std::string started = slurp(tmp / "c" / "run.json");
  const auto at = started.find("\"started_at\": \"");
  REQUIRE(at != std::string::npos);
  const std::string day = started.substr(at + 15, 10);
  CHECK(slurp(tmp / "c" / "report.html").find("<td>" + day + "</td>") != std::string::npos);
}

TEST_CASE("report.html of the Bozhou demo: every section, three maps per standard and one of density, each with a "
          "legend; the tables hold the numbers of tables/*.csv", "[cli][report][html][demo]") {
  TempDir tmp;
  const fs::path out = tmp / "out";
  const CliResult r = run_cli({"-q", "run", (fs::path(CAREREACH_GEODATA) / "bozhou" / "scenario.toml").string(),
                               "--out", out.string()});
  INFO(r.all());
  REQUIRE(r.code == 0);
  const std::string html = slurp(out / "report.html");
  for (const char* id : {"overview", "findings", "maps", "tables", "method", "warnings"})
    CHECK(html.find(std::string("<section class=\"report-section\" id=\"") + id + "\">") != std::string::npos);
  // 7 standards (the profile's 5 and the scenario's 2 variants) × (bands, share per township, gaps) + density
  // + the accessibility index ([accessibility.thc_beds]).
  CHECK(count(html, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"carereach-map\"") == 23);
  CHECK(count(html, "<g class=\"map-legend\">") == 23);
  CHECK(count(html, "<g class=\"map-scale-bar\">") == 23);
  CHECK(html.find("15分钟中医药服务圈 — 出行时间") != std::string::npos);
  CHECK(html.find("急救半径 — 直线距离") != std::string::npos);
  CHECK(html.find("医疗资源配置 — 各区县未达标指标数") != std::string::npos);
  // The five largest gaps of each standard are numbered on its gap map.
  CHECK(count(html, "<g class=\"map-layer map-labels\"") == 7);

  // Every appendix table, row by row and cell by cell, as in its CSV (the CSV has no markers and no separators);
  // the gap list with each standard's total row and its 20 largest gaps.
  std::size_t tables = 0;
  for (const auto& entry : fs::directory_iterator(out / "tables")) {
    const std::string id = entry.path().stem().string();
    INFO("table " << id);
    auto from_csv = csv_rows(slurp(entry.path()));
    if (id == "gaps") {
      std::vector<std::vector<std::string>> cut;
      std::map<std::string, std::size_t> per_standard;
      for (auto& row : from_csv)
        if (per_standard[row.at(0)]++ <= 20) cut.push_back(row);
      CHECK(cut.size() < from_csv.size());
      from_csv = cut;
    }
    const auto from_html = html_rows(html, id);
    CHECK(from_html == from_csv);
    ++tables;
  }
  // summary, coverage and density per county and township, gaps, 附表5 规划指标 (the demo's three indicators),
  // 附表6 医疗卫生机构数 for the two zone levels, and a sensitivity table (附表7) for each of the two standards with a
  // variant, 附表8 机构服务能力与负荷 of the demo's capacity coverage (its facilities, then per county and township),
  // 附表9 (per zone, per facility), 附表10 and 附表11 (referral, summary) of the demo's accessibility models.
  CHECK(tables == 19);
}
