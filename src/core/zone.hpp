#pragma once
// Administrative zones (区划) at one level: prefecture, county (区县), township (乡镇). Geometry lives in the
// geo layer; here only what every layer needs.

#include <string>
#include <vector>

#include "core/ids.hpp"

namespace carereach {

struct Zone {
  ZoneId id;                ///< dense index within its level
  std::string code;         ///< e.g. 6-digit adcode 341602, 9-digit township code 341602001
  std::string name;
  std::string parent_code;  ///< code of the zone one level up, when known
  double area_km2 = 0.0;    ///< area in the analysis CRS
  bool approximate = false;  ///< true for zones derived from seats (not surveyed boundaries)
  /// "urban" or "rural" (for standards with one distance per zone class, such as the emergency radius); empty
  /// when unknown. From the scenario's class_field, or from the name (…街道 / …办事处 urban, …镇 / …乡 rural).
  std::string zone_class;
};

struct ZoneLevel {
  std::string level;     ///< identifier used in the scenario: "county", "township" …
  std::string label_zh;  ///< 区县, 乡镇 …
  std::string label_en;
  std::vector<Zone> zones;
};

}  // namespace carereach
