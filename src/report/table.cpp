#include "report/table.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <stdexcept>

#include "report/utf8.hpp"

namespace carereach::report {

const std::string& pick(Lang lang, const std::string& zh, const std::string& en) {
  return lang == Lang::kEn && !en.empty() ? en : zh;
}

std::string column_header(const Column& column, Lang lang) {
  const std::string& header = pick(lang, column.header_zh, column.header_en);
  const std::string& unit = pick(lang, column.unit_zh, column.unit_en);
  if (unit.empty()) return header;
  // Chinese tables put the unit in full-width parentheses: 覆盖人口（人）.
  return lang == Lang::kZh ? header + "（" + unit + "）" : header + " (" + unit + ")";
}

Column text_col(std::string key, std::string zh, std::string en, int width) {
  return Column{std::move(key), std::move(zh), std::move(en), {}, {}, ColumnKind::kText, 0, width};
}

Column int_col(std::string key, std::string zh, std::string en, std::string unit_zh, std::string unit_en) {
  return Column{std::move(key),     std::move(zh),        std::move(en), std::move(unit_zh),
                std::move(unit_en), ColumnKind::kInteger, 0,             0};
}

Column num_col(std::string key, std::string zh, std::string en, std::string unit_zh, std::string unit_en, int decimals) {
  return Column{std::move(key),     std::move(zh),       std::move(en), std::move(unit_zh),
                std::move(unit_en), ColumnKind::kNumber, decimals,      0};
}

Column pct_col(std::string key, std::string zh, std::string en) {
  return Column{std::move(key), std::move(zh), std::move(en), "%", "%", ColumnKind::kPercent, kPercentDecimals, 0};
}

Cell Cell::text(std::string zh, std::string en) {
  Cell c;
  c.type = Type::kText;
  c.text_zh = std::move(zh);
  c.text_en = std::move(en);
  return c;
}

Cell Cell::num(double value, int decimals_override) {
  Cell c;
  c.type = Type::kNumber;
  c.number = value;
  c.decimals = decimals_override;
  return c;
}

Cell Cell::marked(std::string m) const {
  Cell c = *this;
  c.marker = std::move(m);
  return c;
}

std::size_t Table::column_index(std::string_view key) const {
  for (std::size_t i = 0; i < columns.size(); ++i)
    if (columns[i].key == key) return i;
  return columns.size();
}

std::string format_fixed(double value, int decimals, bool group_thousands) {
  if (!std::isfinite(value)) throw std::invalid_argument("format_fixed: not a finite number");
  decimals = std::clamp(decimals, 0, 9);
  // std::to_chars is locale-independent and rounds the exact binary value correctly (unlike value * 10^d).
  std::array<char, 400> buf{};  // the largest double has 309 integer digits
  const auto res = std::to_chars(buf.data(), buf.data() + buf.size(), value, std::chars_format::fixed, decimals);
  if (res.ec != std::errc()) throw std::invalid_argument("format_fixed: number too long");
  std::string s(buf.data(), res.ptr);
  if (s.front() == '-' && s.find_first_not_of("-0.") == std::string::npos) s.erase(0, 1);  // "-0.0" → "0.0"
  if (!group_thousands) return s;
  const std::size_t start = s.front() == '-' ? 1 : 0;
  const std::size_t dot = std::min(s.find('.'), s.size());
  std::string out = s.substr(0, start);
  for (std::size_t i = start; i < dot; ++i) {
    out += s[i];
    const std::size_t left = dot - i - 1;
    if (left > 0 && left % 3 == 0) out += ',';
  }
  out += s.substr(dot);
  return out;
}

int cell_decimals(const Cell& cell, const Column& column) {
  if (cell.decimals >= 0) return cell.decimals;
  switch (column.kind) {
    case ColumnKind::kInteger:
      return 0;
    case ColumnKind::kNumber:
    case ColumnKind::kPercent:
      return column.decimals;
    case ColumnKind::kText:
      return 0;
  }
  return 0;
}

std::string format_cell(const Cell& cell, const Column& column, Lang lang, bool group_thousands) {
  switch (cell.type) {
    case Cell::Type::kEmpty:
      return {};
    case Cell::Type::kText:
      return pick(lang, cell.text_zh, cell.text_en);
    case Cell::Type::kNumber:
      break;
  }
  const double v = cell.number;
  if (std::isnan(v)) return {};
  if (std::isinf(v)) {
    if (v > 0) return lang == Lang::kZh ? "＞上限" : "> limit";
    return lang == Lang::kZh ? "＜下限" : "< limit";
  }
  const bool percent = column.kind == ColumnKind::kPercent;
  return format_fixed(percent ? v * 100.0 : v, cell_decimals(cell, column), group_thousands);
}

std::size_t display_width(std::string_view utf8) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < utf8.size();) width += is_wide(next_code_point(utf8, i)) ? 2 : 1;
  return width;
}

void check_shape(const Table& table) {
  for (std::size_t r = 0; r < table.rows.size(); ++r)
    if (table.rows[r].cells.size() != table.columns.size())
      throw std::invalid_argument("table '" + table.id + "': row " + std::to_string(r + 1) + " has " +
                                  std::to_string(table.rows[r].cells.size()) + " cells for " +
                                  std::to_string(table.columns.size()) + " columns");
}

}  // namespace carereach::report
