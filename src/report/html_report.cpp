// report.html: the page around the model — fixed headings per language, the CSS (screen and A4 print), the
// sections in order, and the appendix tables as HTML.

#include "report/html_report.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <stdexcept>

#include "report/html_escape.hpp"

namespace carereach::report {

namespace {

// Fonts: the Noto CJK faces Debian and most Linux desktops ship (fonts-noto-cjk), then the Source Han names of
// the same design, then what Windows and macOS have. Numbers use tabular figures so columns line up.
constexpr const char* kCss = R"css(
:root { --ink: #222; --muted: #5f6368; --rule: #d0d4d9; --accent: #1f5f8b; --bad: #b3261e; --good: #1a7f37; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { font-family: "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN",
         "Microsoft YaHei", "PingFang SC", "Hiragino Sans GB", "WenQuanYi Micro Hei", sans-serif;
       color: var(--ink); background: #fff; margin: 0 auto; padding: 24px 32px 48px; max-width: 1120px;
       font-size: 15px; line-height: 1.6; }
h1 { font-size: 26px; line-height: 1.3; margin: 8px 0 4px; color: var(--accent); }
h2 { font-size: 20px; margin: 32px 0 12px; padding-bottom: 4px; border-bottom: 2px solid var(--accent); }
h3 { font-size: 16px; margin: 20px 0 8px; }
p.subtitle { font-size: 17px; margin: 0 0 16px; color: var(--muted); }
nav.report-toc { margin: 12px 0 8px; padding: 8px 12px; background: #f4f6f8; border-radius: 4px; font-size: 14px; }
nav.report-toc a { color: var(--accent); text-decoration: none; margin-right: 18px; white-space: nowrap; }
table.facts { border-collapse: collapse; margin: 8px 0; }
table.facts th { text-align: left; font-weight: normal; color: var(--muted); padding: 2px 16px 2px 0;
                 vertical-align: top; white-space: nowrap; }
table.facts td { padding: 2px 0; }
.headlines { margin: 8px 0 16px; }
ul.headline-sentences { margin: 8px 0 12px; padding-left: 1.2em; font-size: 16px; }
ul.headline-sentences li { margin: 4px 0; }
.headline { display: grid; grid-template-columns: 15em 1fr 13em; gap: 12px; align-items: center; margin: 6px 0; }
.headline .bar { position: relative; height: 14px; background: #eceff1; border-radius: 2px; }
.headline .fill { position: absolute; left: 0; top: 0; bottom: 0; background: var(--bad); border-radius: 2px; }
.headline.meets .fill { background: var(--good); }
.headline .baseline { position: absolute; left: 0; top: -2px; bottom: -2px; border-right: 2px dashed #555; }
.headline .target { position: absolute; top: -4px; bottom: -4px; width: 2px; background: var(--ink); }
.headline .value { font-variant-numeric: tabular-nums; }
.finding { break-inside: avoid; }
.finding ul, .method ul { margin: 4px 0 12px; padding-left: 1.4em; }
figure.report-map { margin: 12px 0 24px; break-inside: avoid; }
figure.report-map svg { display: block; max-width: 100%; height: auto; border: 1px solid var(--rule); }
figure.report-map figcaption { font-size: 13px; color: var(--muted); margin-top: 4px; }
p.note, p.table-note { font-size: 13px; color: var(--muted); margin: 4px 0 8px; }
.table-wrap { overflow-x: auto; margin: 16px 0 4px; }
table.report-table { border-collapse: collapse; font-size: 13px; font-variant-numeric: tabular-nums; width: 100%; }
table.report-table caption { text-align: left; font-weight: bold; font-size: 15px; padding: 4px 0 6px; }
table.report-table th { background: #eef2f5; border-top: 1.5px solid var(--ink); border-bottom: 1px solid var(--ink);
                        padding: 4px 6px; text-align: center; vertical-align: bottom; font-weight: bold; }
table.report-table td { border-bottom: 1px solid var(--rule); padding: 3px 6px; vertical-align: top; }
table.report-table td { white-space: nowrap; }
table.report-table td.num { text-align: right; }
table.report-table td.long { white-space: normal; min-width: 14em; }
table.report-table tr.total td { font-weight: bold; background: #f7f9fa; }
table.report-table .marker { color: var(--bad); margin-left: 2px; }
table.report-table tbody tr:last-child td { border-bottom: 1.5px solid var(--ink); }
ul.warnings li { margin: 2px 0; }
footer { margin-top: 40px; font-size: 12px; color: var(--muted); border-top: 1px solid var(--rule); padding-top: 8px; }
@page { size: A4; margin: 14mm 12mm; }
@page tables { size: A4 landscape; margin: 12mm 12mm; }
@media print {
  body { padding: 0; max-width: none; font-size: 10pt; }
  nav.report-toc { display: none; }
  h2 { break-after: avoid; }
  h3 { break-after: avoid; }
  section.report-section { break-before: page; }
  section#overview { break-before: auto; }
  section#summary { break-before: auto; break-inside: avoid; }
  .table-wrap { overflow: visible; }
  section#tables { page: tables; }
  table.report-table { font-size: 7.5pt; }
  table.report-table th, table.report-table td { padding: 2px 3px; }
  table.report-table thead { display: table-header-group; }
  table.report-table tr { break-inside: avoid; }
  table.report-table caption { break-after: avoid; }
  figure.report-map svg { border: none; }
  .headline { grid-template-columns: 12em 1fr 11em; }
}
)css";

/// Text cells wider than this (in character cells, a CJK character counting 2) may wrap.
constexpr std::size_t kLongTextWidth = 24;

struct Labels {
  const char* toc;
  const char* overview;
  const char* findings;
  const char* maps;
  const char* tables;
  const char* method;
  const char* warnings;
  const char* no_warnings;
  const char* target;
};

const Labels& labels(Lang lang) {
  static const Labels zh{"目录", "概况", "主要发现", "地图", "附表", "方法与假设", "警告", "本次运行没有警告。", "目标"};
  static const Labels en{"Contents", "Overview", "Key findings", "Maps", "Appendix tables", "Method and assumptions",
                         "Warnings", "The run gave no warnings.", "target"};
  return lang == Lang::kZh ? zh : en;
}

/// An id usable in href="#…": letters, digits, '-' and '_' kept, everything else '_'.
std::string anchor(const std::string& s) {
  std::string out;
  for (const unsigned char c : s)
    out += (std::isalnum(c) != 0 || c == '-' || c == '_') ? static_cast<char>(c) : '_';
  return out;
}

/// A CSS percentage for a share, clamped to 0–100, with one decimal.
std::string css_percent(double share) {
  const double p = std::clamp(share, 0.0, 1.0) * 100.0;
  return format_fixed(p, 1) + "%";
}

void open_section(std::string& out, const char* id, const char* heading) {
  out += "<section class=\"report-section\" id=\"";
  out += id;
  out += "\">\n<h2>";
  out += heading;
  out += "</h2>\n";
}

/// Page 1's headline summary: one sentence per standard, then the bars of share covered against target.
void summary_section(std::string& out, const HtmlReport& r) {
  if (r.summary.empty() && r.headlines.empty()) return;
  const Labels& L = labels(r.lang);
  open_section(out, "summary", r.lang == Lang::kZh ? "要点" : "At a glance");
  if (!r.summary.empty()) {
    out += "<ul class=\"headline-sentences\">\n";
    for (const auto& line : r.summary) out += "<li class=\"headline-sentence\">" + escape_html(line) + "</li>\n";
    out += "</ul>\n";
  }
  if (!r.headlines.empty()) {
    out += "<div class=\"headlines\">\n";
    for (const auto& h : r.headlines) {
      out += h.meets ? "<div class=\"headline meets\">" : "<div class=\"headline\">";
      out += "<span class=\"label\">" + escape_html(h.label) + "</span><span class=\"bar\">";
      if (std::isfinite(h.share))
        out += "<span class=\"fill\" style=\"width:" + css_percent(h.share) + "\"></span>";
      if (std::isfinite(h.baseline))
        out += "<span class=\"baseline\" style=\"width:" + css_percent(h.baseline) + "\"></span>";
      out += "<span class=\"target\" style=\"left:" + css_percent(h.target) + "\" title=\"" + L.target + " " +
             css_percent(h.target) + "\"></span></span>";
      out += "<span class=\"value\">" + escape_html(h.value_text) + "</span></div>\n";
    }
    out += "</div>\n";
  }
  out += "</section>\n";
}

void findings_block(std::string& out, const Findings& f, const char* cls) {
  out += "<div class=\"";
  out += cls;
  out += "\">\n<h3>" + escape_html(f.title) + "</h3>\n<ul>\n";
  for (const auto& item : f.items) out += "<li>" + escape_html(item) + "</li>\n";
  out += "</ul>\n</div>\n";
}

}  // namespace

std::string to_html(const Table& table, Lang lang) {
  check_shape(table);
  std::string out = "<div class=\"table-wrap\">\n<table class=\"report-table\" id=\"table-" + anchor(table.id) +
                    "\">\n<caption>" + escape_html(table.title(lang)) + "</caption>\n<thead><tr>";
  for (const Column& c : table.columns) out += "<th>" + escape_html(column_header(c, lang)) + "</th>";
  out += "</tr></thead>\n<tbody>\n";
  for (const Row& row : table.rows) {
    out += row.total ? "<tr class=\"total\">" : "<tr>";
    for (std::size_t c = 0; c < table.columns.size(); ++c) {
      const Cell& cell = row.cells[c];
      const bool number = table.columns[c].kind != ColumnKind::kText || cell.type == Cell::Type::kNumber;
      const std::string text = format_cell(cell, table.columns[c], lang, true);
      // Short texts (codes, names) stay on one line; long ones (sources, notes) wrap in a wider column.
      out += number ? "<td class=\"num\">" : display_width(text) > kLongTextWidth ? "<td class=\"long\">" : "<td>";
      out += escape_html(text);
      if (!text.empty() && !cell.marker.empty()) out += "<span class=\"marker\">" + escape_html(cell.marker) + "</span>";
      out += "</td>";
    }
    out += "</tr>\n";
  }
  out += "</tbody>\n</table>\n</div>\n";
  for (const auto& note : table.notes(lang)) out += "<p class=\"table-note\">" + escape_html(note) + "</p>\n";
  return out;
}

std::string render_html_report(const HtmlReport& r) {
  const Labels& L = labels(r.lang);
  const bool zh = r.lang == Lang::kZh;
  std::string out;
  out.reserve(1 << 20);
  out += "<!DOCTYPE html>\n<html lang=\"";
  out += zh ? "zh-CN" : "en";
  out += "\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<meta name=\"generator\" content=\"carereach\">\n";
  out += "<title>" + escape_html(r.title) + (r.subtitle.empty() ? "" : " — " + escape_html(r.subtitle)) + "</title>\n";
  out += "<style>";
  out += kCss;
  out += "</style>\n</head>\n<body>\n";

  // --- title block
  out += "<header>\n<h1>" + escape_html(r.title) + "</h1>\n";
  if (!r.subtitle.empty()) out += "<p class=\"subtitle\">" + escape_html(r.subtitle) + "</p>\n";
  out += "</header>\n";
  out += "<nav class=\"report-toc\" aria-label=\"";
  out += L.toc;
  out += "\">";
  const std::vector<std::pair<const char*, const char*>> toc = {
      {"overview", L.overview}, {"findings", L.findings}, {"maps", L.maps},
      {"tables", L.tables},     {"method", L.method},     {"warnings", L.warnings}};
  for (const auto& [id, text] : toc) {
    if (std::string_view(id) == "maps" && r.map_groups.empty()) continue;
    if (std::string_view(id) == "tables" && r.tables.empty()) continue;
    if (std::string_view(id) == "method" && r.method.empty()) continue;
    out += "<a href=\"#";
    out += id;
    out += "\">";
    out += text;
    out += "</a>";
  }
  out += "</nav>\n";

  summary_section(out, r);

  open_section(out, "overview", L.overview);
  out += "<table class=\"facts\">\n";
  for (const auto& f : r.facts)
    out += "<tr><th scope=\"row\">" + escape_html(f.label) + "</th><td>" + escape_html(f.value) + "</td></tr>\n";
  out += "</table>\n</section>\n";

  // --- key findings: the sentences (the bars are on page 1, in the summary)
  open_section(out, "findings", L.findings);
  for (const auto& f : r.findings) findings_block(out, f, "finding");
  out += "</section>\n";

  // --- maps
  if (!r.map_groups.empty()) {
    open_section(out, "maps", L.maps);
    if (!r.maps_note.empty()) out += "<p class=\"note\">" + escape_html(r.maps_note) + "</p>\n";
    for (const auto& g : r.map_groups) {
      out += "<h3 id=\"" + anchor(g.id) + "\">" + escape_html(g.title) + "</h3>\n";
      for (const auto& m : g.maps) {
        out += "<figure class=\"report-map\">\n" + m.svg;
        if (!m.svg.empty() && m.svg.back() != '\n') out += "\n";
        if (!m.caption.empty()) out += "<figcaption>" + escape_html(m.caption) + "</figcaption>\n";
        out += "</figure>\n";
      }
    }
    out += "</section>\n";
  }

  // --- appendix tables
  if (!r.tables.empty()) {
    open_section(out, "tables", L.tables);
    for (const auto& t : r.tables) out += to_html(t, r.lang);
    out += "</section>\n";
  }

  // --- method and assumptions
  if (!r.method.empty()) {
    open_section(out, "method", L.method);
    for (const auto& m : r.method) findings_block(out, m, "method");
    out += "</section>\n";
  }

  // --- warnings
  open_section(out, "warnings", L.warnings);
  if (r.warnings.empty()) {
    out += "<p>";
    out += L.no_warnings;
    out += "</p>\n";
  } else {
    out += "<ul class=\"warnings\">\n";
    for (const auto& w : r.warnings) out += "<li>" + escape_html(w) + "</li>\n";
    out += "</ul>\n";
  }
  if (!r.warnings_note.empty()) out += "<p class=\"note\">" + escape_html(r.warnings_note) + "</p>\n";
  out += "</section>\n";

  if (!r.footer.empty()) out += "<footer>" + escape_html(r.footer) + "</footer>\n";
  out += "</body>\n</html>\n";
  return out;
}

}  // namespace carereach::report
