// CSV and Markdown renderings of report::Table.

#include "report/writers.hpp"

#include "core/text.hpp"

namespace carereach::report {

std::string csv_plain(std::string_view s) {
  // RFC 4180: a field holding a comma, a quote, CR or LF is enclosed in quotes, and quotes inside are doubled.
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string csv_text(std::string_view s) { return csv_plain(formula_safe(s)); }

std::string markdown_text(std::string_view s) {
  static constexpr std::string_view kMarkup = "\\`*_[]<>#|~&";
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '\r') {
      if (i + 1 < s.size() && s[i + 1] == '\n') ++i;
      out += "<br>";
    } else if (c == '\n') {
      out += "<br>";
    } else {
      if (kMarkup.find(c) != std::string_view::npos) out += '\\';
      out += c;
    }
  }
  return out;
}

namespace {

std::string pad(const std::string& s, std::size_t width, bool right) {
  const std::size_t w = display_width(s);
  if (w >= width) return s;
  const std::string fill(width - w, ' ');
  return right ? fill + s : s + fill;
}

}  // namespace

std::string to_csv(const Table& table, Lang lang) {
  check_shape(table);
  // Excel and WPS need the BOM to read UTF-8 and expect CRLF (the RFC 4180 line end).
  static constexpr std::string_view kBom = "\xEF\xBB\xBF";
  static constexpr std::string_view kEol = "\r\n";
  std::string out(kBom);
  for (std::size_t c = 0; c < table.columns.size(); ++c) {
    if (c > 0) out += ',';
    out += csv_plain(column_header(table.columns[c], lang));
  }
  out += kEol;
  for (const Row& row : table.rows) {
    for (std::size_t c = 0; c < table.columns.size(); ++c) {
      if (c > 0) out += ',';
      const Cell& cell = row.cells[c];
      const std::string shown = format_cell(cell, table.columns[c], lang, false);
      out += cell.type == Cell::Type::kText ? csv_text(shown) : csv_plain(shown);
    }
    out += kEol;
  }
  return out;
}

std::string to_markdown(const Table& table, Lang lang) {
  check_shape(table);
  const std::size_t ncol = table.columns.size();
  std::vector<std::vector<std::string>> text(table.rows.size() + 1, std::vector<std::string>(ncol));
  std::vector<bool> right(ncol);
  std::vector<std::size_t> width(ncol, 3);  // "---" is the shortest delimiter
  for (std::size_t c = 0; c < ncol; ++c) {
    right[c] = table.columns[c].kind != ColumnKind::kText;
    text[0][c] = markdown_text(column_header(table.columns[c], lang));
  }
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    const Row& row = table.rows[r];
    for (std::size_t c = 0; c < ncol; ++c) {
      std::string s = format_cell(row.cells[c], table.columns[c], lang, true);
      if (!s.empty() && !row.cells[c].marker.empty()) s += " " + row.cells[c].marker;
      s = markdown_text(s);
      if (row.total && !s.empty()) s = "**" + s + "**";
      text[r + 1][c] = std::move(s);
    }
  }
  for (const auto& line : text)
    for (std::size_t c = 0; c < ncol; ++c) width[c] = std::max(width[c], display_width(line[c]));

  std::string out = "### " + markdown_text(table.title(lang)) + "\n\n";
  auto emit = [&](const std::vector<std::string>& line) {
    out += '|';
    for (std::size_t c = 0; c < ncol; ++c) out += " " + pad(line[c], width[c], right[c]) + " |";
    out += '\n';
  };
  emit(text[0]);
  out += '|';
  for (std::size_t c = 0; c < ncol; ++c)
    out += " " + (right[c] ? std::string(width[c] - 1, '-') + ":" : std::string(width[c], '-')) + " |";
  out += '\n';
  for (std::size_t r = 1; r < text.size(); ++r) emit(text[r]);
  for (const std::string& note : table.notes(lang)) out += "\n" + markdown_text(note) + "\n";
  return out;
}

}  // namespace carereach::report
