#pragma once
// A capacity-aware coverage ([capacity.<id>], docs/scenario.md; docs/method/capacity.md): which facilities, by which
// time standard's engine and mode, within what time, with what capacity, in which order.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/facility.hpp"
#include "core/standard.hpp"

namespace carereach {

/// The facility attributes a capacity (or an order) can be read from: "beds", "doctors", "nurses", "gps",
/// "tcm_beds", "tcm_doctors", "capacity". Returns nullopt for another name.
std::optional<double> facility_attribute(const Facility& f, const std::string& name);
/// True for the names facility_attribute knows.
bool is_facility_attribute(const std::string& name);
/// "beds, doctors, nurses, gps, tcm_beds, tcm_doctors, capacity".
std::string facility_attribute_names();
/// Chinese label of an attribute: 床位数, 执业（助理）医师数 …
const char* facility_attribute_label_zh(const std::string& name);

struct CapacitySpec {
  std::string id;
  std::string name_zh;
  std::string name_en;
  std::string standard;                  ///< a time standard's id: engine, mode (and threshold unless threshold_min)
  std::optional<FacilitySelector> select;  ///< types / tags_any / min_level given: these, else the standard's
  std::optional<double> threshold_min;   ///< else the standard's threshold
  /// Capacity in units: from a facility attribute (`field`) or from a table by type (and type/level).
  std::string field;                     ///< a facility attribute name, or "" with a table
  std::map<std::string, double> table;   ///< "type" or "type/level" (taxonomy id / 0–3) → units
  double persons_per_unit = 1.0;         ///< persons one unit serves
  std::string order = "population";      ///< "population", or a facility attribute name, or "capacity"
  std::string source_zh;                 ///< where persons_per_unit comes from
  std::string source_en;
  int line = 0;                          ///< line of [capacity.<id>]
};

/// The units of a facility from a capacity table: "type/level" first, then "type"; nullopt when neither is listed.
std::optional<double> capacity_table_units(const CapacitySpec& spec, const Facility& f);

}  // namespace carereach
