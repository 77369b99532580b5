#pragma once
// Internal UTF-8 helpers of the report layer (display widths, sheet-name cuts). Invalid bytes count as one
// narrow character each, so malformed text never throws or loops.

#include <cstddef>
#include <string>
#include <string_view>

namespace carereach::report {

/// The code point starting at s[i]; advances i past it (by one byte on invalid input, returning U+FFFD).
inline char32_t next_code_point(std::string_view s, std::size_t& i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80u) {
    ++i;
    return b0;
  }
  std::size_t len = 0;
  char32_t cp = 0;
  if ((b0 & 0xE0u) == 0xC0u) {
    len = 2;
    cp = b0 & 0x1Fu;
  } else if ((b0 & 0xF0u) == 0xE0u) {
    len = 3;
    cp = b0 & 0x0Fu;
  } else if ((b0 & 0xF8u) == 0xF0u) {
    len = 4;
    cp = b0 & 0x07u;
  }
  if (len == 0 || i + len > s.size()) {
    ++i;
    return U'\uFFFD';
  }
  for (std::size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0u) != 0x80u) {
      ++i;
      return U'\uFFFD';
    }
    cp = (cp << 6) | (b & 0x3Fu);
  }
  i += len;
  return cp;
}

/// East Asian Wide (W) and Full-width (F) ranges (Unicode UAX #11), enough for Chinese tables.
inline bool is_wide(char32_t cp) {
  return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) || (cp >= 0x3041 && cp <= 0x33FF) ||
         (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xA000 && cp <= 0xA4CF) ||
         (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) ||
         (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
}

/// The first `n` code points of s (whole characters only).
inline std::string first_code_points(std::string_view s, std::size_t n) {
  std::size_t i = 0;
  for (std::size_t k = 0; k < n && i < s.size(); ++k) next_code_point(s, i);
  return std::string(s.substr(0, i));
}

}  // namespace carereach::report
