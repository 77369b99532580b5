#pragma once
// Small text helpers shared by every layer (input values, file names, keys).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostics.hpp"

namespace carereach {

/// Lower-cases ASCII letters only (Chinese text is left as it is).
std::string ascii_lower(std::string_view s);
/// Strips ASCII whitespace and the ideographic space U+3000 from both ends.
std::string_view trim(std::string_view s);
/// Text for XML content or a double-quoted attribute value: & < > " ' escaped, a line feed as &#xa; (so that an
/// attribute keeps it). Other bytes, UTF-8 included, are kept.
std::string xml_escape(std::string_view s);

/// Length (1–4) of the valid UTF-8 sequence starting at s[i], or 0 when the bytes there are not valid UTF-8
/// (RFC 3629: shortest form only, no surrogates U+D800–DFFF, nothing above U+10FFFF).
std::size_t utf8_sequence_length(std::string_view s, std::size_t i);

/// `s` with every byte that is not part of valid UTF-8 replaced by U+FFFD (one per byte); valid text unchanged.
std::string valid_utf8(std::string_view s);

/// Longest text carereach takes from an input or the scenario into its outputs (a name, code, id, label or source),
/// in UTF-16 code units (a character beyond U+FFFF counts twice; a "_xHHHH_" sequence counts as the 13 units the
/// workbook stores for it). An Excel cell holds at most 32,767; outputs combine a few texts in one cell (a region
/// and a level label in a title, a zone name and "(approx.)"), so each stays far below that.
inline constexpr std::size_t kMaxInputText = 4000;

/// Why a text taken from an input (a zone or facility name, a code, an id) cannot go unchanged into every output —
/// an XLSX cell, the XML of report.html and the SVG maps, a GeoPackage, a CSV — or kNone when it can.
struct TextFault {
  enum Kind {
    kNone,
    kNotUtf8,  ///< bytes that are not UTF-8 (XML and Excel refuse them)
    kControl,  ///< NUL or another character XML 1.0 cannot carry: C0 controls other than tab, LF and CR; U+FFFE, U+FFFF
    kTooLong,  ///< more than kMaxInputText UTF-16 code units
  };
  Kind kind = kNone;
  std::string message;  ///< "holds the control character U+0001 at character 5", "is 40000 characters long …"
  [[nodiscard]] ProblemCode code() const;  ///< "text.not_utf8", "text.control_character", "text.too_long"
  explicit operator bool() const { return kind != kNone; }
};
TextFault output_text_fault(std::string_view s);

/// Whether s[i] starts "_xHHHH_" (four hex digits), which Excel's XML reads as the character U+HHHH: a workbook
/// writes the underscore of such a literal text as "_x005F_".
bool is_excel_escape(std::string_view s, std::size_t i);

/// The Levenshtein distance between two UTF-8 texts, counted in characters (code points): the fewest insertions,
/// deletions and substitutions of one character that turn `a` into `b`. Bytes that are not UTF-8 count as one
/// character each.
std::size_t edit_distance(std::string_view a, std::string_view b);

/// Up to `k` of `terms` nearest to `value` by edit_distance (ties: the earlier term), leaving out terms with nothing
/// in common (a distance as large as the longer text): the "did you mean" of an unknown value.
std::vector<std::string> nearest_terms(std::string_view value, const std::vector<std::string>& terms, std::size_t k = 3);

/// A text cell for a CSV file that Excel and WPS open without running it as a formula ("CSV injection", OWASP):
/// a text starting with = + - @, a tab or a carriage return gets a leading apostrophe ("=SUM(A1)" →
/// "'=SUM(A1)"); any other text is returned unchanged. For text cells only: numbers (-3.5) are written as they are.
std::string formula_safe(std::string_view s);

}  // namespace carereach
