// HTML/XML escaping with strict UTF-8 validation (RFC 3629: shortest form only, no surrogates, at most U+10FFFF).

#include "report/html_escape.hpp"

#include <cstddef>

namespace carereach::report {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

/// Length of the valid UTF-8 sequence starting at s[i] (1–4), or 0 when the bytes there are not valid UTF-8.
/// The second byte's range rules out overlong forms, surrogates (U+D800–DFFF) and values above U+10FFFF.
std::size_t valid_sequence_length(std::string_view s, std::size_t i) {
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

}  // namespace

std::string escape_html(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t len = valid_sequence_length(text, i);
    if (len == 0) {
      out += kReplacement;
      ++i;
      continue;
    }
    if (len == 1) {
      const char c = text[i];
      switch (c) {
        case '&':
          out += "&amp;";
          break;
        case '<':
          out += "&lt;";
          break;
        case '>':
          out += "&gt;";
          break;
        case '"':
          out += "&quot;";
          break;
        case '\'':
          out += "&#39;";
          break;
        case '\t':
        case '\n':
        case '\r':
          out += c;
          break;
        default:
          if (static_cast<unsigned char>(c) < 0x20u) {
            out += kReplacement;  // C0 control: not allowed in XML 1.0
          } else {
            out += c;
          }
      }
      ++i;
      continue;
    }
    const std::string_view sequence = text.substr(i, len);
    if (sequence == "\xEF\xBF\xBE" || sequence == "\xEF\xBF\xBF") {
      out += kReplacement;  // U+FFFE, U+FFFF: not characters in XML 1.0
    } else {
      out += sequence;
    }
    i += len;
  }
  return out;
}

}  // namespace carereach::report
