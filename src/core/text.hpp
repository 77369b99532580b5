#pragma once
// Small text helpers shared by every layer (input values, file names, keys).

#include <string>
#include <string_view>

namespace carereach {

/// Lower-cases ASCII letters only (Chinese text is left as it is).
std::string ascii_lower(std::string_view s);
/// Strips ASCII whitespace and the ideographic space U+3000 from both ends.
std::string_view trim(std::string_view s);
/// Text for XML content or a double-quoted attribute value: & < > " ' escaped, a line feed as &#xa; (so that an
/// attribute keeps it). Other bytes, UTF-8 included, are kept.
std::string xml_escape(std::string_view s);

}  // namespace carereach
