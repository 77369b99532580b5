#pragma once
// Language-neutral tables for planning appendices (规划附表). One Table renders as a CSV file (tables/<id>.csv), a
// Markdown section (report.md) and an XLSX sheet (appendix.xlsx); it carries the Chinese and the English labels and
// the writer picks one language. Numbers are stored unrounded and formatted here with fixed decimals, without the
// C/C++ locale, so equal inputs give byte-identical tables on every machine.
//
// Rendering rules shared by every writer:
//   - a number column shows fixed decimals (kInteger: 0); kPercent holds a share (0.873) and shows 87.3;
//   - NaN is an empty cell; +inf is the text "＞上限" / "> limit" (beyond the search limit); −inf "＜下限" / "< limit";
//   - thousands separators only in Markdown and in XLSX number formats, never in CSV;
//   - a cell's marker (such as "✗" for below target) is shown after the value in Markdown and XLSX; CSV leaves it
//     out so that numeric columns stay numeric (the tables carry explicit flag columns).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace carereach::report {

enum class Lang { kZh, kEn };

/// `en` in English when it is not empty, `zh` otherwise.
const std::string& pick(Lang lang, const std::string& zh, const std::string& en);

enum class ColumnKind {
  kText,     ///< text as given
  kInteger,  ///< a number rounded to a whole number (persons, counts); XLSX #,##0
  kNumber,   ///< a number with `decimals` fixed decimals; XLSX #,##0.0…
  kPercent,  ///< a share (0.873) shown as 87.3 with `decimals` (CSV, Markdown: the unit "%" is in the header) and
             ///< as 87.3% in XLSX (0.0%, where the header leaves the unit out)
};

struct Column {
  std::string key;        ///< machine name, e.g. "pop_covered" (not shown; tests and callers find columns by it)
  std::string header_zh;  ///< 覆盖人口
  std::string header_en;  ///< Population covered
  std::string unit_zh;    ///< 人 (empty: no unit)
  std::string unit_en;    ///< persons
  ColumnKind kind = ColumnKind::kText;
  int decimals = 0;  ///< kNumber and kPercent
  int width = 0;     ///< minimum XLSX width in character cells (a CJK character counts 2); 0: from the content
};

/// "覆盖人口（人）" / "Population covered (persons)"; the bare header when the column has no unit.
std::string column_header(const Column& column, Lang lang);

/// Decimals of a share in percent wherever the tables show one (61.3 %).
inline constexpr int kPercentDecimals = 1;

/// Columns of each kind in one call: text (names, codes), whole numbers with a unit, numbers with a unit and
/// decimals, shares in percent (kPercentDecimals).
Column text_col(std::string key, std::string zh, std::string en, int width = 0);
Column int_col(std::string key, std::string zh, std::string en, std::string unit_zh, std::string unit_en);
Column num_col(std::string key, std::string zh, std::string en, std::string unit_zh, std::string unit_en, int decimals);
Column pct_col(std::string key, std::string zh, std::string en);

struct Cell {
  enum class Type { kEmpty, kText, kNumber };
  Type type = Type::kEmpty;
  std::string text_zh;  ///< kText
  std::string text_en;  ///< kText; empty: text_zh in both languages (names of places)
  double number = 0.0;  ///< kNumber (NaN: empty; ±inf: "＞上限" / "＜下限")
  int decimals = -1;    ///< kNumber: overrides the column's decimals when ≥ 0 (a column mixing % and per-1,000)
  std::string marker;   ///< shown after the value in Markdown and XLSX, e.g. "✗"

  static Cell empty() { return {}; }
  static Cell text(std::string zh, std::string en = {});
  static Cell num(double value, int decimals_override = -1);
  /// A copy with the marker set.
  [[nodiscard]] Cell marked(std::string m) const;
};

struct Row {
  std::vector<Cell> cells;  ///< one per column
  bool total = false;       ///< a total row (合计): bold in XLSX and Markdown; comes first in its block
};

struct Table {
  std::string id;        ///< file stem, e.g. "coverage_township"
  std::string sheet_zh;  ///< "附表3 服务圈覆盖情况" (XLSX sheet name; cut to 31 characters there)
  std::string sheet_en;  ///< "Table 3 Coverage"
  std::string title_zh;  ///< the full title above the table
  std::string title_en;
  std::vector<Column> columns;
  std::vector<Row> rows;
  std::vector<std::string> notes_zh;  ///< whole lines: "注：…", "资料来源：…"
  std::vector<std::string> notes_en;  ///< "Note: …", "Source: …"

  [[nodiscard]] const std::string& sheet(Lang lang) const { return pick(lang, sheet_zh, sheet_en); }
  [[nodiscard]] const std::string& title(Lang lang) const { return pick(lang, title_zh, title_en); }
  [[nodiscard]] const std::vector<std::string>& notes(Lang lang) const {
    return lang == Lang::kEn && !notes_en.empty() ? notes_en : notes_zh;
  }
  /// Index of the column with this key, or columns.size() when there is none.
  [[nodiscard]] std::size_t column_index(std::string_view key) const;
};

/// Throws std::invalid_argument naming the table and row when a row does not have one cell per column (every
/// writer checks this before it writes anything).
void check_shape(const Table& table);

/// Fixed-point text of `value` with `decimals` decimals (0–9), "." as decimal mark, no exponent, "-0" written as
/// "0"; with group_thousands the integer part is grouped by "," (12,345.6). Rounds the exact binary value to the
/// nearest (ties to even), like printf, but never depends on the locale. Finite values only.
std::string format_fixed(double value, int decimals, bool group_thousands = false);

/// The shown text of a cell under a column (without its marker): the rendering rules above. A number in a text
/// column is shown with the cell's decimals override (or 0).
std::string format_cell(const Cell& cell, const Column& column, Lang lang, bool group_thousands = false);

/// The effective decimals of a number cell under a column (kInteger: 0; kPercent: of the percentage).
int cell_decimals(const Cell& cell, const Column& column);

/// Width of UTF-8 text in character cells: East Asian wide and full-width characters count 2, others 1.
std::size_t display_width(std::string_view utf8);

}  // namespace carereach::report
