#pragma once
// The planning report as one self-contained HTML page (report.html of `carereach run` and compare.html of
// `carereach compare`): a title block, the headline summary, the key findings, the maps (inline SVG from svg_map), the appendix tables,
// the method and assumptions, and the run's warnings. Everything is in the page: no script, no image file, no font
// download, no link outside it — it opens offline, prints to A4 and can be mailed as one file.
//
// Page 1 (printed) holds the title, the headline summary (a sentence and a bar per standard) and the overview.
// The page is built from a plain model filled by the caller in one language; the renderer adds the fixed headings
// of that language, escapes every text (names from inputs may hold markup) and writes the same bytes for the same
// model. docs/report.md shows each section.

#include <limits>
#include <string>
#include <vector>

#include "report/appendix.hpp"
#include "report/table.hpp"

namespace carereach::report {

/// One line of the title block: 研究区域 — 安徽省亳州市.
struct ReportFact {
  std::string label;
  std::string value;
};

/// A standard's share against its target, drawn as a bar at the head of the findings.
struct Headline {
  std::string label;        ///< the standard's name
  double share = 0.0;       ///< 0–1 (NaN: not computed; the bar is left out)
  double target = 0.0;      ///< 0–1
  std::string value_text;   ///< shown beside the bar, e.g. "15.6%（目标 90%）"
  bool meets = false;
  /// A comparison's baseline share (0–1), drawn as a dashed mark on the bar; NaN: none.
  double baseline = std::numeric_limits<double>::quiet_NaN();
};

struct MapFigure {
  std::string svg;      ///< one <svg class="carereach-map"> element (render_svg); inserted as it is
  std::string caption;  ///< under the map (escaped)
};

/// The maps of one standard (travel-time bands, share per zone, gap areas), or the density map.
struct MapGroup {
  std::string id;     ///< anchor, e.g. "map-tcm_15min" (letters, digits, - and _ only; others become _)
  std::string title;  ///< heading (escaped)
  std::vector<MapFigure> maps;
};

struct HtmlReport {
  Lang lang = Lang::kZh;
  std::string title;     ///< h1, e.g. 安徽省亳州市医疗卫生服务可及性分析报告
  std::string subtitle;  ///< the scenario's name
  std::vector<ReportFact> facts;      ///< the title block: area, date, data sources, CRS, cell size …
  /// Page 1's headline summary (section "summary", before the overview): one sentence per standard
  /// (report::headline_sentences), then the headline bars.
  std::vector<std::string> summary;
  std::vector<Headline> headlines;    ///< share against target per standard (page 1, after the summary sentences)
  std::vector<Findings> findings;     ///< key findings (key_findings()), first in the page
  std::vector<MapGroup> map_groups;
  std::string maps_note;              ///< a paragraph before the maps (how to read them)
  std::vector<Table> tables;          ///< the appendix tables, in order
  std::vector<Findings> method;       ///< method and assumptions, one block per subject
  std::vector<std::string> warnings;  ///< the run's warnings as sentences (empty: "no warnings" is said)
  std::string warnings_note;          ///< after the list, e.g. where all of them are (run.json)
  std::string footer;                 ///< e.g. "carereach 0.4.0 · run.json holds the inputs and their checksums"
};

/// The whole page (UTF-8, LF line ends). Throws std::invalid_argument when a table row does not have one cell per
/// column.
std::string render_html_report(const HtmlReport& report);

/// A table as an HTML <table class="report-table"> with its caption, a header row with units (repeated on every
/// printed page), numbers right-aligned with thousands separators and their markers, total rows in bold (class
/// "total"), then the notes as <p class="table-note">. Every text is escaped.
std::string to_html(const Table& table, Lang lang);

}  // namespace carereach::report
