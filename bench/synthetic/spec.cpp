#include "synthetic/spec.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace carereach::synthetic {

namespace {

std::size_t rounded(double v) {
  return static_cast<std::size_t>(std::llround(std::max(0.0, v)));
}

std::optional<double> parse_positive(std::string_view s) {
  double v = 0.0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(v) || v <= 0.0) return std::nullopt;
  return v;
}

}  // namespace

std::size_t SyntheticSpec::county_count() const {
  return std::max<std::size_t>(2, rounded(area_km2() / km2_per_county));
}

std::size_t SyntheticSpec::township_count() const {
  return std::max(county_count() + 1, rounded(area_km2() / km2_per_township));
}

std::size_t SyntheticSpec::village_count() const {
  return std::max(2 * township_count(), rounded(area_km2() / km2_per_village));
}

std::optional<SyntheticSpec> preset(std::string_view size_name) {
  SyntheticSpec s;
  s.size_name = std::string(size_name);
  if (size_name == "tiny") {
    s.width_km = 3.0;
    s.height_km = 2.0;
    s.road_nodes_target = rounded(s.area_km2() * s.road_nodes_per_km2);
  } else if (size_name == "prefecture") {
    s.width_km = 100.0;
    s.height_km = 100.0;
    s.road_nodes_target = 300'000;
  } else if (size_name == "province") {
    s.width_km = 388.0;
    s.height_km = 388.0;
    s.road_nodes_target = 3'000'000;
  } else {
    return std::nullopt;
  }
  return s;
}

std::optional<std::pair<double, double>> parse_extent_km(std::string_view text) {
  const auto x = text.find_first_of("xX");
  if (x == std::string_view::npos) {
    const auto side = parse_positive(text);
    if (!side) return std::nullopt;
    return std::pair{*side, *side};
  }
  const auto w = parse_positive(text.substr(0, x));
  const auto h = parse_positive(text.substr(x + 1));
  if (!w || !h) return std::nullopt;
  return std::pair{*w, *h};
}

}  // namespace carereach::synthetic
