// report.html: the page model rendered to HTML — sections in order, tables with units, totals and markers,
// escaping of every text from inputs, headline bars, language, determinism. Expected strings are written by hand.

#include <catch2/catch.hpp>

#include <cmath>
#include <stdexcept>
#include <string>

#include "report/html_report.hpp"

using namespace carereach::report;

namespace {

const std::string kMalicious = "<img src=x onerror=alert(1)>";
const std::string kEscaped = "&lt;img src=x onerror=alert(1)&gt;";

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

Table small_table(const std::string& name) {
  Table t;
  t.id = "coverage_county";
  t.title_zh = "附表3 服务圈覆盖情况";
  t.title_en = "Table 3 Coverage";
  t.columns = {{"name", "名称", "Name", "", "", ColumnKind::kText},
               {"pop", "常住人口", "Population", "人", "persons", ColumnKind::kInteger},
               {"share", "覆盖率", "Share covered", "%", "%", ColumnKind::kPercent, 1}};
  Row total;
  total.total = true;
  total.cells = {Cell::text("合计", "Total"), Cell::num(1234567.4), Cell::num(0.8766)};
  Row zone;
  zone.cells = {Cell::text(name), Cell::num(std::nan("")), Cell::num(0.5).marked("✗")};
  t.rows = {total, zone};
  t.notes_zh = {"注：覆盖率 = 覆盖人口 ÷ 常住人口。"};
  t.notes_en = {"Note: share = covered ÷ population."};
  return t;
}

HtmlReport model(const std::string& name, Lang lang = Lang::kZh) {
  HtmlReport r;
  r.lang = lang;
  r.title = "安徽省亳州市医疗卫生服务可及性分析报告 " + name;
  r.subtitle = "基线 " + name;
  r.facts = {{"研究区域", name}, {"报告日期", "2026-11-24"}};
  r.headlines = {{"15分钟中医药服务圈", 0.156, 0.9, "15.6%（目标 90%）", false},
                 {"急救半径", 1.2, 0.9, "100%", true},
                 {"未计算", std::nan(""), 0.9, "—", false}};
  r.findings = {{"15分钟中医药服务圈 " + name, "tcm_15min", {"覆盖率 15.6%。", name + " 未达标。"}}};
  r.map_groups = {{"map-tcm 15min", "地图 " + name,
                   {{"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"carereach-map\"></svg>", "图注 " + name}}}};
  r.maps_note = "说明 " + name;
  r.tables = {small_table(name)};
  r.method = {{"出行方式", "", {"步行 5 千米/小时 " + name}}};
  r.warnings = {"facilities.csv, row 3: " + name + " is outside the study area"};
  r.warnings_note = "run.json";
  r.footer = "carereach " + name;
  return r;
}

}  // namespace

TEST_CASE("a table in HTML: caption, units in the header, numbers right-aligned and grouped, totals, markers, notes",
          "[report][html]") {
  const std::string html = to_html(small_table("谯城区"), Lang::kZh);
  INFO(html);
  CHECK(html.find("<table class=\"report-table\" id=\"table-coverage_county\">") != std::string::npos);
  CHECK(html.find("<caption>附表3 服务圈覆盖情况</caption>") != std::string::npos);
  CHECK(html.find("<thead><tr><th>名称</th><th>常住人口（人）</th><th>覆盖率（%）</th></tr></thead>") !=
        std::string::npos);
  // 1,234,567.4 rounds to 1,234,567; 0.8766 is 87.66 % → 87.7 (one decimal, the nearest).
  CHECK(html.find("<tr class=\"total\"><td>合计</td><td class=\"num\">1,234,567</td><td class=\"num\">87.7</td></tr>") !=
        std::string::npos);
  // NaN is an empty cell; the marker follows the value in its own span.
  CHECK(html.find("<tr><td>谯城区</td><td class=\"num\"></td><td class=\"num\">50.0<span class=\"marker\">✗</span></td></tr>") !=
        std::string::npos);
  CHECK(html.find("<p class=\"table-note\">注：覆盖率 = 覆盖人口 ÷ 常住人口。</p>") != std::string::npos);

  const std::string en = to_html(small_table("Qiaocheng"), Lang::kEn);
  CHECK(en.find("<caption>Table 3 Coverage</caption>") != std::string::npos);
  CHECK(en.find("<th>Population (persons)</th>") != std::string::npos);
  CHECK(en.find("<td>Total</td>") != std::string::npos);

  Table bad = small_table("x");
  bad.rows[1].cells.pop_back();
  CHECK_THROWS_AS(to_html(bad, Lang::kZh), std::invalid_argument);
}

TEST_CASE("the page has its sections in order, with a table of contents", "[report][html]") {
  const std::string html = render_html_report(model("亳州"));
  CHECK(html.rfind("<!DOCTYPE html>\n<html lang=\"zh-CN\">", 0) == 0);
  CHECK(html.find("<meta charset=\"utf-8\">") != std::string::npos);
  std::size_t last = 0;
  for (const char* id : {"overview", "findings", "maps", "tables", "method", "warnings"}) {
    const auto at = html.find(std::string("<section class=\"report-section\" id=\"") + id + "\">");
    INFO(id);
    REQUIRE(at != std::string::npos);
    CHECK(at > last);
    last = at;
    CHECK(html.find(std::string("<a href=\"#") + id + "\">") != std::string::npos);
  }
  CHECK(html.find("<h2>主要发现</h2>") != std::string::npos);
  // The map's anchor keeps letters, digits, - and _ only.
  CHECK(html.find("<h3 id=\"map-tcm_15min\">") != std::string::npos);
  CHECK(html.find("<figure class=\"report-map\">\n<svg") != std::string::npos);
  // Self-contained: no script, no external resource; fonts named in CSS with fall-backs; A4 print.
  CHECK(html.find("<script") == std::string::npos);
  CHECK(count(html, "http://") == count(html, "http://www.w3.org/2000/svg"));
  CHECK(html.find("https://") == std::string::npos);
  CHECK(html.find("font-family: \"Noto Sans CJK SC\", \"Noto Sans SC\"") != std::string::npos);
  CHECK(html.find("sans-serif;") != std::string::npos);
  CHECK(html.find("@page { size: A4;") != std::string::npos);
  CHECK(html.find("break-inside: avoid") != std::string::npos);
  CHECK(html.substr(html.size() - 8) == "</html>\n");
}

TEST_CASE("headline bars: the share's width (clamped to 100 %), the target's mark, met or not", "[report][html]") {
  const std::string html = render_html_report(model("x"));
  CHECK(html.find("<div class=\"headline\"><span class=\"label\">15分钟中医药服务圈</span><span class=\"bar\"><span "
                  "class=\"fill\" style=\"width:15.6%\"></span><span class=\"target\" style=\"left:90.0%\"") !=
        std::string::npos);
  CHECK(html.find("<div class=\"headline meets\"><span class=\"label\">急救半径</span><span class=\"bar\"><span "
                  "class=\"fill\" style=\"width:100.0%\">") != std::string::npos);
  // A comparison's baseline: a dashed mark at its share.
  HtmlReport compare = model("x");
  compare.headlines = {{"15分钟中医药服务圈", 0.172, 0.9, "15.6% → 17.2%", false, 0.156}};
  CHECK(render_html_report(compare).find("<span class=\"fill\" style=\"width:17.2%\"></span><span class=\"baseline\" "
                                         "style=\"width:15.6%\"></span><span class=\"target\"") != std::string::npos);
  // Not computed: no fill at all.
  CHECK(html.find("<span class=\"label\">未计算</span><span class=\"bar\"><span class=\"target\"") != std::string::npos);
}

TEST_CASE("page 1: the headline sentences and the bars come before the overview, in a section that does not break "
          "before it", "[report][html]") {
  HtmlReport r = model("x");
  r.summary = {"15分钟中医药服务圈：覆盖 15.6% 的常住人口（156 人），低于目标 90.0%。", "急救半径：<未计算>。"};
  const std::string html = render_html_report(r);
  const auto summary = html.find("<section class=\"report-section\" id=\"summary\">\n<h2>要点</h2>");
  const auto sentence = html.find("<li class=\"headline-sentence\">15分钟中医药服务圈：覆盖 15.6% 的常住人口（156 人），低于目标 "
                                  "90.0%。</li>");
  const auto escaped = html.find("<li class=\"headline-sentence\">急救半径：&lt;未计算&gt;。</li>");
  const auto bars = html.find("<div class=\"headlines\">");
  const auto overview = html.find("<section class=\"report-section\" id=\"overview\">");
  const auto findings = html.find("<section class=\"report-section\" id=\"findings\">");
  REQUIRE(summary != std::string::npos);
  REQUIRE(sentence != std::string::npos);
  CHECK(escaped > sentence);
  CHECK(bars > escaped);
  CHECK(overview > bars);
  CHECK(findings > overview);
  CHECK(count(html, "<div class=\"headlines\">") == 1);  // the bars are not repeated in the findings
  CHECK(html.find("section#summary { break-before: auto;") != std::string::npos);
  CHECK(html.find("section#overview { break-before: auto; }") != std::string::npos);
  // English heading; no summary and no bars: no section.
  CHECK(render_html_report(model("x", Lang::kEn)).find("id=\"summary\">\n<h2>At a glance</h2>") != std::string::npos);
  HtmlReport bare = model("x");
  bare.headlines.clear();
  CHECK(render_html_report(bare).find("id=\"summary\"") == std::string::npos);
}

TEST_CASE("every text from inputs is escaped in the page", "[report][html]") {
  const std::string html = render_html_report(model(kMalicious));
  INFO(html.substr(0, 2000));
  CHECK(html.find("<img") == std::string::npos);
  CHECK(html.find("onerror=alert(1)>") == std::string::npos);
  // <title> (title and subtitle), h1, subtitle, fact, finding title and item, map heading, caption, maps note, table
  // cell, method, warning, footer.
  CHECK(count(html, kEscaped) == 14);
}

TEST_CASE("the same model gives the same bytes; the language sets the fixed headings", "[report][html]") {
  CHECK(render_html_report(model("亳州")) == render_html_report(model("亳州")));
  CHECK(render_html_report(model("亳州")) != render_html_report(model("谯城")));
  const std::string en = render_html_report(model("Porto Alegre", Lang::kEn));
  CHECK(en.rfind("<!DOCTYPE html>\n<html lang=\"en\">", 0) == 0);
  CHECK(en.find("<h2>Key findings</h2>") != std::string::npos);
  CHECK(en.find("<h2>Method and assumptions</h2>") != std::string::npos);
  HtmlReport quiet = model("x", Lang::kEn);
  quiet.warnings.clear();
  CHECK(render_html_report(quiet).find("<p>The run gave no warnings.</p>") != std::string::npos);
  quiet.map_groups.clear();
  const std::string no_maps = render_html_report(quiet);
  CHECK(no_maps.find("id=\"maps\"") == std::string::npos);
  CHECK(no_maps.find("href=\"#maps\"") == std::string::npos);
}
