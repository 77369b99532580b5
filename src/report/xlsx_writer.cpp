// XLSX rendering of report::Table with libxlsxwriter. Only this file includes xlsxwriter.h.

#include <xlsxwriter.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>

#include "core/error.hpp"
#include "core/text.hpp"
#include "core/version.hpp"
#include "report/utf8.hpp"
#include "report/writers.hpp"

namespace carereach::report {
namespace {

constexpr std::size_t kMaxSheetName = 31;  // Excel's limit, in characters
constexpr double kMinWidth = 6.0;          // column widths in character cells
constexpr double kMaxWidth = 60.0;
constexpr std::size_t kHeaderWrapAbove = 12;  // headers wider than this may wrap onto two lines
constexpr double kTitleHeight = 24.0;         // points
constexpr double kTitleFontSize = 14.0;
constexpr lxw_row_t kTitleRow = 0;
constexpr lxw_row_t kHeaderRow = 1;
constexpr lxw_row_t kFirstDataRow = 2;
constexpr std::uint8_t kPaperA4 = 9;
constexpr lxw_color_t kMarkerColor = 0xC00000;  // dark red
constexpr lxw_color_t kBeyondFill = 0xD9D9D9;   // light grey: a number beyond the search limit (no text in it)
constexpr double kLineHeight = 16.0;            // points per line of an 11 pt header (CJK fonts included)
constexpr std::size_t kMaxFrozenColumns = 3;    // leading name columns kept in view when scrolling right

// Owns the workbook until workbook_close() (which writes and frees it); on an exception it is freed unwritten.
struct WorkbookDeleter {
  void operator()(lxw_workbook* wb) const { lxw_workbook_free(wb); }
};
using WorkbookPtr = std::unique_ptr<lxw_workbook, WorkbookDeleter>;

[[noreturn]] void fail(const std::filesystem::path& path, const std::string& what, const std::string& hint = {}) {
  throw OutputError("cannot write the workbook: " + what, Location{path.string(), "", "", "", 0}, hint);
}

void check(lxw_error err, const std::filesystem::path& path, const std::string& step) {
  if (err != LXW_NO_ERROR) fail(path, step + ": " + lxw_strerror(err));
}

/// A text as Excel must find it in the sheet XML to show it unchanged. Excel reads "_xHHHH_" (four hex digits) as
/// the character U+HHHH — libxlsxwriter writes control characters that way — so a literal "_x0041_" in a name
/// would show as "A": its underscore is written as "_x005F_" (ECMA-376 ST_Xstring).
std::string excel_literal(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (is_excel_escape(s, i)) {
      out += "_x005F_";
      continue;
    }
    out += s[i];
  }
  return out;
}

/// Writes a text cell: always a string cell (worksheet_write_string: never a formula, whatever the text starts
/// with), as excel_literal.
lxw_error write_text(lxw_worksheet* ws, lxw_row_t row, lxw_col_t col, const std::string& text, lxw_format* format) {
  return worksheet_write_string(ws, row, col, excel_literal(text).c_str(), format);
}

/// Excel sheet names: at most 31 characters, none of []:*?/\, not starting or ending with an apostrophe, unique
/// without regard to (ASCII) case.
std::string sheet_name(const std::string& wanted, std::size_t index, std::set<std::string>& used) {
  std::string s;
  for (char c : wanted) s += std::string_view("[]:*?/\\").find(c) == std::string_view::npos ? c : '_';
  while (!s.empty() && (s.front() == '\'' || s.front() == ' ')) s.erase(0, 1);
  if (s.empty()) s = "Sheet" + std::to_string(index + 1);
  std::string name = first_code_points(s, kMaxSheetName);
  for (int n = 2; used.contains(ascii_lower(name)) || name.back() == '\''; ++n) {
    const std::string suffix = "(" + std::to_string(n) + ")";
    name = first_code_points(s, kMaxSheetName - suffix.size());
    while (!name.empty() && name.back() == '\'') name.pop_back();
    name += suffix;
  }
  used.insert(ascii_lower(name));
  return name;
}

std::string number_format(ColumnKind kind, int decimals, const std::string& marker) {
  std::string f;
  const std::string zeros(static_cast<std::size_t>(std::clamp(decimals, 0, 9)), '0');
  const std::string frac = zeros.empty() ? "" : "." + zeros;
  f = kind == ColumnKind::kPercent ? "0" + frac + "%" : "#,##0" + frac;
  if (!marker.empty()) {
    std::string m;
    for (char c : marker)
      if (c != '"') m += c;
    f += "\" " + m + "\"";  // literal text in the number format: the cell stays a number
  }
  return f;
}

struct Style {
  bool bold = false;
  bool header = false;  // wrapped, bottom border, centred
  bool title = false;
  bool right = false;
  bool red = false;
  bool border = false;  // thin border on every side (the table's cells)
  bool beyond = false;  // grey fill: a number beyond the search limit, left empty
  std::string num_format;
  auto operator<=>(const Style&) const = default;

  // (GCC warns about designated initializers that leave members out, hence these setters.)
  Style& set_bold(bool b = true) {
    bold = b;
    return *this;
  }
  Style& set_header() {
    header = true;
    return *this;
  }
  Style& set_title() {
    title = true;
    return *this;
  }
  Style& set_right() {
    right = true;
    return *this;
  }
  Style& set_red(bool r) {
    red = r;
    return *this;
  }
  Style& set_border() {
    border = true;
    return *this;
  }
  Style& set_beyond() {
    beyond = true;
    return *this;
  }
  Style& set_num_format(std::string f) {
    num_format = std::move(f);
    return *this;
  }
};

class Formats {
 public:
  explicit Formats(lxw_workbook* wb) : wb_(wb) {}
  lxw_format* get(const Style& s) {
    auto it = cache_.find(s);
    if (it != cache_.end()) return it->second;
    lxw_format* f = workbook_add_format(wb_);
    format_set_align(f, LXW_ALIGN_VERTICAL_CENTER);
    if (s.bold) format_set_bold(f);
    if (s.title) {
      format_set_font_size(f, kTitleFontSize);
      format_set_align(f, LXW_ALIGN_CENTER);
    }
    if (s.header) {
      format_set_text_wrap(f);
      format_set_bottom(f, LXW_BORDER_THIN);
      format_set_align(f, LXW_ALIGN_CENTER);
    }
    if (s.border) format_set_border(f, LXW_BORDER_THIN);
    if (s.beyond) {
      format_set_pattern(f, LXW_PATTERN_SOLID);
      format_set_bg_color(f, kBeyondFill);
    }
    if (s.right) format_set_align(f, LXW_ALIGN_RIGHT);
    if (s.red) format_set_font_color(f, kMarkerColor);
    if (!s.num_format.empty()) format_set_num_format(f, s.num_format.c_str());
    cache_.emplace(s, f);
    return f;
  }

 private:
  lxw_workbook* wb_;
  std::map<Style, lxw_format*> cache_;
};

/// The value stored for a number cell: rounded exactly as the text renderings round it, so copying a cell from
/// the workbook gives the figure of the CSV (a percent is stored as a share: 87.3 % → 0.873).
double stored_value(const Cell& cell, const Column& column) {
  const bool percent = column.kind == ColumnKind::kPercent;
  const std::string text = format_fixed(percent ? cell.number * 100.0 : cell.number, cell_decimals(cell, column));
  double v = 0.0;
  std::from_chars(text.data(), text.data() + text.size(), v);
  return percent ? v / 100.0 : v;
}

void write_sheet(lxw_workbook* wb, Formats& formats, const Table& table, const std::string& name, Lang lang,
                 const std::filesystem::path& path) {
  lxw_worksheet* ws = workbook_add_worksheet(wb, name.c_str());
  if (ws == nullptr) fail(path, "cannot add the sheet '" + name + "'");
  const std::size_t ncol = table.columns.size();
  const auto last_col = static_cast<lxw_col_t>(ncol - 1);

  // Row 1: the title, merged over the table's width.
  const std::string& title = table.title(lang);
  lxw_format* title_format = formats.get(Style().set_bold().set_title());
  check(worksheet_set_row(ws, kTitleRow, kTitleHeight, nullptr), path, "title row");
  if (ncol > 1)
    check(worksheet_merge_range(ws, kTitleRow, 0, kTitleRow, last_col, excel_literal(title).c_str(), title_format), path,
          "title");
  else
    check(write_text(ws, kTitleRow, 0, title, title_format), path, "title");

  // Row 2: headers with units (a percent column shows "%" in every cell, so its header has no unit).
  std::vector<std::size_t> width(ncol, 0);
  std::vector<std::size_t> header_width(ncol, 0);
  lxw_format* header_format = formats.get(Style().set_bold().set_header().set_border());
  for (std::size_t c = 0; c < ncol; ++c) {
    const Column& col = table.columns[c];
    const std::string header =
        col.kind == ColumnKind::kPercent ? pick(lang, col.header_zh, col.header_en) : column_header(col, lang);
    check(write_text(ws, kHeaderRow, static_cast<lxw_col_t>(c), header, header_format), path,
          "header");
    const std::size_t hw = display_width(header);
    header_width[c] = hw;
    width[c] = hw > kHeaderWrapAbove ? (hw + 1) / 2 : hw;  // long headers wrap onto two lines
  }

  // The rows. Every cell of the table is written (empty ones blank) so that each has its border. A number beyond
  // the search limit (+inf) or below a lower limit (−inf) leaves its cell empty and grey — no text in a numeric
  // column, so that sums, sorting and filters work — and a note under the table says what the grey cells mean.
  lxw_row_t r = kFirstDataRow;
  bool above = false, below = false;
  for (const Row& row : table.rows) {
    for (std::size_t c = 0; c < ncol; ++c) {
      const Cell& cell = row.cells[c];
      const Column& col = table.columns[c];
      const auto cc = static_cast<lxw_col_t>(c);
      std::string shown;
      if (cell.type == Cell::Type::kText) {
        shown = pick(lang, cell.text_zh, cell.text_en);
        if (!cell.marker.empty()) shown += " " + cell.marker;
        check(write_text(ws, r, cc, shown,
                         formats.get(Style().set_bold(row.total).set_red(!cell.marker.empty()).set_border())),
              path, "cell");
      } else if (cell.type == Cell::Type::kNumber && std::isinf(cell.number)) {
        (cell.number > 0 ? above : below) = true;
        check(worksheet_write_blank(ws, r, cc, formats.get(Style().set_bold(row.total).set_border().set_beyond())),
              path, "cell");
      } else if (cell.type == Cell::Type::kNumber && !std::isnan(cell.number)) {
        const ColumnKind kind = col.kind == ColumnKind::kText ? ColumnKind::kNumber : col.kind;
        const int decimals = cell_decimals(cell, col);
        shown = format_cell(cell, col, lang, true) + (kind == ColumnKind::kPercent ? "%" : "");
        if (!cell.marker.empty()) shown += " " + cell.marker;
        const Style style = Style()
                                .set_bold(row.total)
                                .set_red(!cell.marker.empty())
                                .set_border()
                                .set_num_format(number_format(kind, decimals, cell.marker));
        check(worksheet_write_number(ws, r, cc, stored_value(cell, col), formats.get(style)), path, "cell");
      } else {
        check(worksheet_write_blank(ws, r, cc, formats.get(Style().set_bold(row.total).set_border())), path, "cell");
      }
      width[c] = std::max(width[c], display_width(shown));
    }
    ++r;
  }
  const lxw_row_t last_data_row = r - 1;

  // Notes under the table, after one empty row; each note spills over the empty cells to its right.
  std::vector<std::string> notes = table.notes(lang);
  if (above || below) {
    const std::string what_zh = above && below ? "超出计算上限（＞上限）或低于下限（＜下限）"
                                : above        ? "超出计算上限（＞上限，如出行时间超过搜索上限）"
                                               : "低于下限（＜下限）";
    const std::string what_en = above && below ? "beyond the upper limit of the computation (> limit) or below its lower limit (< limit)"
                                : above        ? "beyond the upper limit of the computation (> limit, such as a travel time beyond the search limit)"
                                               : "below the lower limit (< limit)";
    const std::string csv_zh = above && below ? "“＞上限”或“＜下限”" : above ? "“＞上限”" : "“＜下限”";
    const std::string csv_en = above && below ? "\"> limit\" or \"< limit\"" : above ? "\"> limit\"" : "\"< limit\"";
    notes.push_back(lang == Lang::kZh ? "注：灰色空白单元格表示" + what_zh + "，不是零；tables/*.csv 中记为" + csv_zh + "。"
                                      : "Note: a grey empty cell is " + what_en + ", not zero; the CSV tables show " +
                                            csv_en + ".");
  }
  if (!notes.empty()) ++r;
  for (const std::string& note : notes) {
    check(write_text(ws, r, 0, note, nullptr), path, "note");
    ++r;
  }

  // Column widths; the header row as tall as its most wrapped header (a header wider than its column wraps onto
  // as many lines as it needs, which a fixed height would cut off or print over the first row).
  std::size_t header_lines = 1;
  for (std::size_t c = 0; c < ncol; ++c) {
    const double w =
        std::clamp(static_cast<double>(std::max(width[c], static_cast<std::size_t>(table.columns[c].width))) + 2.0,
                   kMinWidth, kMaxWidth);
    check(worksheet_set_column(ws, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c), w, nullptr), path,
          "column width");
    const auto usable = static_cast<std::size_t>(std::max(1.0, w - 2.0));
    header_lines = std::max(header_lines, (header_width[c] + usable - 1) / usable);
  }
  check(worksheet_set_row(ws, kHeaderRow, kLineHeight * static_cast<double>(header_lines) + 4.0, nullptr), path,
        "header row");

  // The title and header rows and the leading name columns (codes, names: up to three text columns) stay in view;
  // a filter on the header row; the footer numbers the printed pages.
  std::size_t frozen = 0;
  while (frozen < kMaxFrozenColumns && frozen + 1 < ncol && table.columns[frozen].kind == ColumnKind::kText) ++frozen;
  worksheet_freeze_panes(ws, kFirstDataRow, static_cast<lxw_col_t>(frozen));
  if (!table.rows.empty())
    check(worksheet_autofilter(ws, kHeaderRow, 0, last_data_row, last_col), path, "filter");
  const std::string footer = lang == Lang::kZh ? "&C第 &P 页 共 &N 页" : "&CPage &P of &N";
  check(worksheet_set_footer(ws, footer.c_str()), path, "footer");
  worksheet_set_landscape(ws);
  worksheet_set_paper(ws, kPaperA4);
  worksheet_fit_to_pages(ws, 1, 0);
  check(worksheet_repeat_rows(ws, kTitleRow, kHeaderRow), path, "print titles");
}

}  // namespace

void write_xlsx(const std::filesystem::path& path, std::span<const Table> tables, Lang lang,
                const XlsxOptions& options) {
  if (tables.empty()) throw std::invalid_argument("write_xlsx: no tables");
  for (const Table& t : tables)
    if (t.columns.empty()) throw std::invalid_argument("write_xlsx: table '" + t.id + "' has no columns");
  for (const Table& t : tables) check_shape(t);  // before the file is touched

  // Open the file once first: a missing folder or a file locked by Excel fails here with the system's reason,
  // before any work (libxlsxwriter would only notice in workbook_close and print to stderr itself).
  if (FILE* probe = std::fopen(path.string().c_str(), "wb")) {
    std::fclose(probe);
  } else {
    const int err = errno;
    fail(path, std::strerror(err),
         "check that the folder exists and is writable, and that the file is not open in "
         "Excel or WPS");
  }

  WorkbookPtr wb(workbook_new(path.string().c_str()));
  if (!wb) fail(path, "out of memory");

  // Document properties. The creation time is never the clock: equal inputs give byte-identical files (the zip
  // entries of libxlsxwriter carry a fixed date already).
  std::string title = options.title.empty() ? tables.front().title(lang) : options.title;
  std::string subject = options.subject;
  std::string author = options.author;
  std::string comments = std::string("carereach ") + kVersion;
  lxw_doc_properties props{};
  props.title = title.data();
  props.subject = subject.empty() ? nullptr : subject.data();
  props.author = author.empty() ? nullptr : author.data();
  props.comments = comments.data();
  props.created = static_cast<time_t>(options.created_unix_s > 0 ? options.created_unix_s : XlsxOptions::kFixedCreated);
  check(workbook_set_properties(wb.get(), &props), path, "document properties");

  Formats formats(wb.get());
  std::set<std::string> used;
  for (std::size_t i = 0; i < tables.size(); ++i)
    write_sheet(wb.get(), formats, tables[i], sheet_name(tables[i].sheet(lang), i, used), lang, path);

  const lxw_error err = workbook_close(wb.release());  // writes the file and frees the workbook
  if (err != LXW_NO_ERROR) {
    std::error_code ignored;
    std::filesystem::remove(path, ignored);  // no half-written workbook
    fail(path, lxw_strerror(err), "check the free space of the folder and of the temporary folder");
  }
}

}  // namespace carereach::report
