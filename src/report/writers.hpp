#pragma once
// Renderings of report::Table: CSV and Markdown text, and XLSX workbooks (libxlsxwriter). Equal tables give equal
// bytes in all three (the XLSX creation date is an option, never the clock).

#include <cstdint>
#include <filesystem>
#include <span>
#include <string_view>
#include <string>

#include "report/table.hpp"

namespace carereach::report {

/// The table as CSV for Excel and WPS: UTF-8 with a byte-order mark (without it Excel on Chinese Windows reads the
/// file as GBK and garbles every Chinese character), CRLF line ends, RFC 4180 quoting (fields holding a comma,
/// quote, CR or LF are quoted, quotes doubled). One header line "列名（单位）" / "Column (unit)", then the rows;
/// no title and no notes (so the file stays a plain table for joins and scripts), no markers, no thousands
/// separators. Text cells that a spreadsheet would run as a formula (=, +, -, @, tab, CR first) get a leading
/// apostrophe (formula_safe); number cells are written as numbers.
std::string to_csv(const Table& table, Lang lang);

/// One CSV field (RFC 4180 quoting as to_csv) holding a text: formula_safe, then quoted when it needs to be.
std::string csv_text(std::string_view text);
/// One CSV field holding a number or a fixed keyword written by carereach: quoted when needed, never changed.
std::string csv_plain(std::string_view text);

/// Text for Markdown (report.md): every character CommonMark or GitHub would read as markup — \ ` * _ [ ] < > # |
/// ~ & — escaped with a backslash, line breaks as "<br>", so a name like `<script>` or `a|b` shows as written and
/// a table keeps its columns.
std::string markdown_text(std::string_view text);

/// The table as a Markdown section: "### title", a blank line, a pipe table (numbers right-aligned, with thousands
/// separators, markers after the value, total rows in bold, columns padded to equal display width), a blank line,
/// then each note as its own paragraph. Titles, cells and notes go through markdown_text. LF line ends.
std::string to_markdown(const Table& table, Lang lang);

struct XlsxOptions {
  /// 2000-01-01T00:00:00Z: the creation date written when the caller gives none.
  static constexpr std::int64_t kFixedCreated = 946684800;

  std::string title;    ///< workbook title property (empty: the first table's title)
  std::string subject;  ///< e.g. the scenario name
  std::string author = "carereach";
  /// Creation time in docProps/core.xml, seconds since 1970-01-01 UTC: pass the run's date. libxlsxwriter would
  /// write the current time for 0, so 0 (or less) is replaced by kFixedCreated: equal inputs give equal files.
  std::int64_t created_unix_s = kFixedCreated;
};

/// Writes one sheet per table to `path` (overwritten): the title in row 1 (bold, merged over the columns), the
/// header row with units (bold, wrapped, bottom border; percent columns show "%" in their cells instead), the rows
/// (total rows bold; #,##0 for integers, #,##0.0… for numbers, 0.0% for percent; markers kept in the number format
/// so the cell stays a number, in red), column widths from the content (CJK characters count double), panes frozen
/// below the header, the notes under the table, A4 landscape one page wide with the title and header repeated.
/// Sheet names are cut to 31 characters, characters Excel forbids ([]:*?/\) replaced by "_", duplicates numbered.
/// Throws OutputError naming the path when the file cannot be written, std::invalid_argument when `tables` is
/// empty or a row does not have one cell per column.
void write_xlsx(const std::filesystem::path& path, std::span<const Table> tables, Lang lang,
                const XlsxOptions& options = {});

}  // namespace carereach::report
