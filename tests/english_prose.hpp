#pragma once
// The rule by which tests find English prose in an output that should be Chinese (docs/report.md, "Language").
//
// A text is cut into tokens: maximal runs of the ASCII characters letters, digits and _ . : / - [ ] @ # % + ' and
// the superscript ². A token is English prose when it holds at least two ASCII letters and is none of:
//   - an identifier, code, file name, path or number: a token holding a digit or one of _ . : / [ ] @ #
//     (tcm_15min, facility.outside_study_area, facilities.csv, data/speeds.toml, EPSG:4548, ZY341602, UTF-8,
//     [[facilities]], 115.7826);
//   - a unit: km, km², m, min, s, h;
//   - a proper name carereach does not translate: the names of software and formats (carereach, QGIS, GDAL, PROJ,
//     GIS, Excel, WPS, Shapefile, GeoPackage, WKT, OpenStreetMap, OSM, AccessMod) and of coordinate systems and encodings
//     (WGS, UTM, GBK, CGCS, EPSG).
// Markdown escapes (a backslash before a character) are removed first, so township\_seats.csv is the file name.
// Single letters (N, E in 117°E) and text outside ASCII are never prose.

#include <algorithm>
#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace carereach::test {

inline bool is_token_char(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("_.:/-[]@#%+'").find(static_cast<char>(c)) != std::string_view::npos;
}

/// The English words (tokens of prose, by the rule above) in `text`, in order.
inline std::vector<std::string> english_words(std::string_view text) {
  static constexpr std::array<std::string_view, 23> kAllowed = {
      "km",  "m",   "min",           "s",   "h",   "carereach", "QGIS", "GDAL", "PROJ",      "GIS",        "Excel",
      "WPS", "WKT", "OpenStreetMap", "OSM", "WGS", "UTM",       "GBK",  "CGCS", "Shapefile", "GeoPackage", "EPSG",
      "AccessMod"};
  std::string plain;  // without Markdown escapes
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) ++i;
    plain += text[i];
  }
  std::vector<std::string> out;
  for (std::size_t i = 0; i < plain.size();) {
    if (!is_token_char(static_cast<unsigned char>(plain[i]))) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < plain.size() && (is_token_char(static_cast<unsigned char>(plain[j])) || plain.compare(j, 2, "²") == 0))
      j += plain.compare(j, 2, "²") == 0 ? 2 : 1;
    std::string token = plain.substr(i, j - i);
    i = j;
    // Trailing sentence punctuation is not part of a word ("end." "a:"), nor quotes and hyphens around it.
    while (!token.empty() && std::string_view(".:-'+").find(token.back()) != std::string_view::npos) token.pop_back();
    while (!token.empty() && std::string_view("-'+").find(token.front()) != std::string_view::npos) token.erase(0, 1);
    const auto letters = std::count_if(token.begin(), token.end(),
                                       [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); });
    if (letters < 2) continue;
    if (token.find_first_of("0123456789_.:/[]@#") != std::string::npos) continue;  // identifier, file, code
    std::string bare = token;
    if (bare.size() > 2 && bare.compare(bare.size() - 2, 2, "²") == 0) bare.resize(bare.size() - 2);
    if (std::find(kAllowed.begin(), kAllowed.end(), bare) != kAllowed.end()) continue;
    out.push_back(token);
  }
  return out;
}

}  // namespace carereach::test
