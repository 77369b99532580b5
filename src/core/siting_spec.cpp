#include "core/siting_spec.hpp"

#include <cmath>
#include <cstdlib>

namespace carereach {

std::string parse_siting_candidates(const std::string& text, SitingCandidates& out) {
  const auto colon = text.find(':');
  const std::string kind = text.substr(0, colon);
  const std::string arg = colon == std::string::npos ? std::string() : text.substr(colon + 1);
  SitingCandidates c;
  c.text = text;
  if (arg.empty()) return "'" + text + "' names no candidates";
  if (kind == "existing") {
    c.kind = SitingCandidates::Kind::kExisting;
    std::size_t at = 0;
    while (at <= arg.size()) {
      const auto comma = arg.find(',', at);
      const std::string item = arg.substr(at, comma == std::string::npos ? std::string::npos : comma - at);
      if (!item.empty()) c.selector.push_back(item);
      if (comma == std::string::npos) break;
      at = comma + 1;
    }
    if (c.selector.empty()) return "'" + text + "' names no facility type or tag";
  } else if (kind == "layer") {
    c.kind = SitingCandidates::Kind::kLayer;
    c.file = arg;
    c.path = arg;
  } else if (kind == "grid") {
    c.kind = SitingCandidates::Kind::kGrid;
    char* end = nullptr;
    c.spacing_m = std::strtod(arg.c_str(), &end);
    if (end == arg.c_str() || *end != '\0' || !(c.spacing_m > 0.0) || !std::isfinite(c.spacing_m))
      return "grid:" + arg + " is not a spacing in metres";
  } else {
    return "'" + text + "': unknown kind '" + kind + "'";
  }
  out = std::move(c);
  return {};
}

std::string parse_siting_closable(const std::string& text, SitingClosable& out) {
  const auto colon = text.find(':');
  const std::string kind = text.substr(0, colon);
  const std::string arg = colon == std::string::npos ? std::string() : text.substr(colon + 1);
  if (kind != "existing" && kind != "ids") return "'" + text + "': unknown kind '" + kind + "' (existing:<types or tags> or ids:<ids>)";
  SitingClosable c;
  c.text = text;
  std::size_t at = 0;
  while (at <= arg.size()) {
    const auto comma = arg.find(',', at);
    const std::string item = arg.substr(at, comma == std::string::npos ? std::string::npos : comma - at);
    if (!item.empty()) (kind == "ids" ? c.ids : c.selector).push_back(item);
    if (comma == std::string::npos) break;
    at = comma + 1;
  }
  if (c.ids.empty() && c.selector.empty())
    return "'" + text + "' names no " + (kind == "ids" ? std::string("facility id") : std::string("facility type or tag"));
  out = std::move(c);
  return {};
}

std::string parse_siting_per_zone(const std::string& text, std::string& level, std::uint32_t& k) {
  const auto colon = text.rfind(':');
  char* end = nullptr;
  const std::string count = colon == std::string::npos ? std::string() : text.substr(colon + 1);
  const long v = count.empty() ? -1 : std::strtol(count.c_str(), &end, 10);
  if (colon == std::string::npos || colon == 0 || end == count.c_str() || *end != '\0' || v < 1 || v > 1000)
    return "'" + text + "' is not LEVEL:K";
  level = text.substr(0, colon);
  k = static_cast<std::uint32_t>(v);
  return {};
}

}  // namespace carereach
