#pragma once
// Service standards (服务标准): which facilities count, by which mode, within what time or distance, and what
// share of the population should be within it. docs/method/standards.md documents the shipped profile.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/facility.hpp"

namespace carereach {

enum class TravelMode { kWalk, kBicycle, kEbike, kCar, kMixed };
/// How a time standard's travel times are found: shortest paths on the road network, accumulated cost on a friction
/// raster, or a straight-line estimate (distance × circuity ÷ speed, docs/method/estimate.md) where there is neither.
enum class TravelEngine { kNetwork, kRaster, kEstimate };
/// Which way the trips of a standard go: patients travel to the facility (the default), or a team leaves the facility
/// for every cell (outreach, ambulances). Only slope-dependent (anisotropic raster) costs differ between the two.
enum class TripDirection { kTowardsFacility, kFromFacility };

const char* to_string(TravelMode m);
const char* to_string(TravelEngine e);
const char* to_string(TripDirection d);  ///< "towards", "from"
const char* to_label_zh(TravelMode m);
/// "walking", "bicycle", "e-bike", "car", "walking + car": the mode as reports name it in English.
const char* to_label_en(TravelMode m);
std::optional<TravelMode> parse_travel_mode(const std::string& s);
std::optional<TravelEngine> parse_travel_engine(const std::string& s);

/// Which facilities a standard counts. Every non-empty condition must hold; within a list, any entry matches.
struct FacilitySelector {
  std::vector<std::string> types;     ///< taxonomy ids; empty = any type
  std::vector<std::string> tags_any;  ///< at least one of these tags; empty = no condition
  FacilityLevel min_level = FacilityLevel::kUnrated;
  bool include_planned = false;  ///< planned facilities count (scenario runs); closed ones never do

  [[nodiscard]] bool matches(const Facility& f) const;
};

struct Standard {
  std::string id;  ///< "tcm_15min"
  std::string name_zh;
  std::string name_en;
  FacilitySelector select;
  TravelMode mode = TravelMode::kWalk;
  TravelEngine engine = TravelEngine::kNetwork;
  std::optional<double> threshold_min;  ///< a time standard …
  std::optional<double> distance_m;     ///< … or a distance standard (one value for every zone)
  std::map<std::string, double> distance_m_by_zone_class;  ///< … or per zone class ("urban", "rural")
  double target_share = 0.9;            ///< share of the population that should be covered, 0–1
  std::vector<std::string> report_levels;  ///< zone levels to report; empty = every level
  /// Where the threshold and target come from (policy text or "local assumption"), in Chinese and in English: each
  /// report shows the text of its language (the other one when only one is given).
  std::string source_zh;
  std::string source_en;
  /// engine = estimate: the detour factor (road distance ÷ straight-line distance) and the speed, km/h. The scenario
  /// fills both from the speed profile ([estimate.<mode>] of data/speeds.toml) when the standard gives none.
  std::optional<double> circuity;
  std::optional<double> estimate_speed_kmh;
  /// Not empty: this standard is a variant of the standard with this id — the same service measured under another
  /// assumption (another mode, threshold or engine) — for the sensitivity table (敏感性分析) of the reports. A
  /// variant is computed like any standard; the reports show it beside its base (docs/method/standards.md).
  std::string variant_of;
  /// [standards.<id>] direction: towards the facility (patients) or from it (outreach). The network engine searches
  /// towards facilities only: the scenario refuses "from" there.
  TripDirection direction = TripDirection::kTowardsFacility;

  [[nodiscard]] bool is_distance() const { return !threshold_min && (distance_m || !distance_m_by_zone_class.empty()); }
};

/// The label of a straight-line estimate in reports and metadata: "直线距离估算（绕行系数 1.3，机动车 35 千米/小时）" and
/// "straight-line estimate (circuity 1.3, car 35 km/h)"; numbers in their shortest form.
std::string estimate_label_zh(TravelMode mode, double circuity, double speed_kmh);
std::string estimate_label_en(TravelMode mode, double circuity, double speed_kmh);

/// The shipped profile (docs/method/standards.md).
std::vector<Standard> default_standards();

}  // namespace carereach
