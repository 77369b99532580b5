// HTML/XML escaping with strict UTF-8 validation (RFC 3629: shortest form only, no surrogates, at most U+10FFFF).

#include "report/html_escape.hpp"

#include <cstddef>

#include "core/text.hpp"

namespace carereach::report {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

}  // namespace

std::string escape_html(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t len = utf8_sequence_length(text, i);
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
