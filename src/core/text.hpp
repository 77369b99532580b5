#pragma once
// Small text helpers shared by every layer (input values, file names, keys).

#include <string>
#include <string_view>

namespace carereach {

/// Lower-cases ASCII letters only (Chinese text is left as it is).
std::string ascii_lower(std::string_view s);
/// Strips ASCII whitespace and the ideographic space U+3000 from both ends.
std::string_view trim(std::string_view s);

}  // namespace carereach
