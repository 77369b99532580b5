#include "core/text.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>

namespace carereach {

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string_view trim(std::string_view s) {
  static constexpr std::string_view kIdeographicSpace = "\xE3\x80\x80";
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; };
  for (bool changed = true; changed && !s.empty();) {
    changed = false;
    while (!s.empty() && is_space(s.front())) {
      s.remove_prefix(1);
      changed = true;
    }
    while (!s.empty() && is_space(s.back())) {
      s.remove_suffix(1);
      changed = true;
    }
    if (s.starts_with(kIdeographicSpace)) {
      s.remove_prefix(kIdeographicSpace.size());
      changed = true;
    }
    if (s.ends_with(kIdeographicSpace)) {
      s.remove_suffix(kIdeographicSpace.size());
      changed = true;
    }
  }
  return s;
}

std::string xml_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (const char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      case '\n': out += "&#xa;"; break;
      default: out += c;
    }
  }
  return out;
}

std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const auto cont = [&](std::size_t k) { return i + k < s.size() && (byte(k) & 0xC0u) == 0x80u; };
  const unsigned char b0 = byte(0);
  if (b0 < 0x80u) return 1;
  if (b0 >= 0xC2u && b0 <= 0xDFu) return cont(1) ? 2 : 0;
  if (b0 >= 0xE0u && b0 <= 0xEFu) {
    if (!cont(1) || !cont(2)) return 0;
    const unsigned char b1 = byte(1);
    if (b0 == 0xE0u && b1 < 0xA0u) return 0;  // overlong
    if (b0 == 0xEDu && b1 > 0x9Fu) return 0;  // surrogate
    return 3;
  }
  if (b0 >= 0xF0u && b0 <= 0xF4u) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    const unsigned char b1 = byte(1);
    if (b0 == 0xF0u && b1 < 0x90u) return 0;  // overlong
    if (b0 == 0xF4u && b1 > 0x8Fu) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;  // continuation byte without a lead, 0xC0, 0xC1, 0xF5–0xFF
}

std::string valid_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t len = utf8_sequence_length(s, i);
    if (len == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(s.substr(i, len));
      i += len;
    }
  }
  return out;
}

ProblemCode TextFault::code() const {
  switch (kind) {
    case kNotUtf8: return "text.not_utf8"_code;
    case kControl: return "text.control_character"_code;
    case kTooLong: return "text.too_long"_code;
    case kNone: break;
  }
  return {};
}

bool is_excel_escape(std::string_view s, std::size_t i) {
  auto hex = [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); };
  return i + 6 < s.size() && s[i] == '_' && s[i + 1] == 'x' && hex(s[i + 2]) && hex(s[i + 3]) && hex(s[i + 4]) &&
         hex(s[i + 5]) && s[i + 6] == '_';
}

TextFault output_text_fault(std::string_view s) {
  static constexpr std::string_view kU_FFFE = "\xEF\xBF\xBE";
  static constexpr std::string_view kU_FFFF = "\xEF\xBF\xBF";
  std::size_t units = 0;  // UTF-16 code units so far
  std::size_t chars = 0;  // characters so far
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t len = utf8_sequence_length(s, i);
    if (len == 0)
      return {TextFault::kNotUtf8, "is not UTF-8 text (byte " + std::to_string(i + 1) + " of " +
                                       std::to_string(s.size()) + " is not part of a UTF-8 character)"};
    ++chars;
    const auto c = static_cast<unsigned char>(s[i]);
    const std::string_view seq = s.substr(i, len);
    if ((len == 1 && c < 0x20u && c != '\t' && c != '\n' && c != '\r') || seq == kU_FFFE || seq == kU_FFFF) {
      char cp[16];
      std::snprintf(cp, sizeof cp, "U+%04X", len == 1 ? static_cast<unsigned>(c) : (seq == kU_FFFE ? 0xFFFEu : 0xFFFFu));
      return {TextFault::kControl, std::string("holds the control character ") + cp + " at character " +
                                       std::to_string(chars) + ", which XML and Excel cannot carry"};
    }
    units += len == 4 ? 2 : 1;
    if (is_excel_escape(s, i)) units += 6;  // written as _x005F_xHHHH_
    i += len;
  }
  if (units > kMaxInputText)
    return {TextFault::kTooLong,
            "is " + std::to_string(units) +
                " characters long, more than the 4,000 carereach takes for a name, code, id or label (outputs "
                "combine such texts in one spreadsheet cell, which holds at most 32,767 characters)"};
  return {};
}

std::string formula_safe(std::string_view s) {
  if (!s.empty() && std::string_view("=+-@\t\r").find(s.front()) != std::string_view::npos)
    return "'" + std::string(s);
  return std::string(s);
}

namespace {

/// The code points of UTF-8 text (a byte that is not UTF-8 stands for itself).
std::vector<std::uint32_t> code_points(std::string_view s) {
  std::vector<std::uint32_t> out;
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = utf8_sequence_length(s, i);
    if (n == 0) {
      out.push_back(0x110000u + static_cast<unsigned char>(s[i]));
      ++i;
      continue;
    }
    std::uint32_t cp = n == 1 ? static_cast<unsigned char>(s[i]) : static_cast<unsigned char>(s[i]) & (0xFFu >> (n + 1));
    for (std::size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3Fu);
    out.push_back(cp);
    i += n;
  }
  return out;
}

}  // namespace

std::size_t edit_distance(std::string_view a, std::string_view b) {
  const std::vector<std::uint32_t> x = code_points(a);
  const std::vector<std::uint32_t> y = code_points(b);
  std::vector<std::size_t> row(y.size() + 1);
  for (std::size_t j = 0; j <= y.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= x.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= y.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({above + 1, row[j - 1] + 1, diagonal + (x[i - 1] == y[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[y.size()];
}

std::vector<std::string> nearest_terms(std::string_view value, const std::vector<std::string>& terms, std::size_t k) {
  const std::size_t len = code_points(value).size();
  std::vector<std::pair<std::size_t, std::size_t>> scored;  // (distance, index)
  for (std::size_t i = 0; i < terms.size(); ++i) {
    const std::size_t d = edit_distance(value, terms[i]);
    if (d < std::max(len, code_points(terms[i]).size())) scored.emplace_back(d, i);
  }
  std::stable_sort(scored.begin(), scored.end(), [](const auto& p, const auto& q) { return p.first < q.first; });
  std::vector<std::string> out;
  for (const auto& [d, i] : scored) {
    if (out.size() >= k) break;
    if (std::find(out.begin(), out.end(), terms[i]) == out.end()) out.push_back(terms[i]);
  }
  return out;
}

}  // namespace carereach
