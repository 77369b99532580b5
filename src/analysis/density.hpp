#pragma once
// Resource density per zone (per 1,000 常住人口 or per 10,000): beds, 执业(助理)医师, 注册护士, GPs, TCM beds, TCM
// doctors, and the doctor:nurse ratio, against targets. docs/method/density.md names the targets and sources.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/facility.hpp"

namespace carereach::analysis {

enum class DensityAttribute { kBeds, kDoctors, kNurses, kGps, kTcmBeds, kTcmDoctors };

/// One indicator: a facility attribute per `per_persons` residents, or (ratio) nurses per doctor.
struct DensityIndicator {
  std::string id;       ///< "beds_per_1000"
  std::string name_zh;  ///< 每千常住人口医疗卫生机构床位数
  std::string name_en;
  std::string unit_zh;  ///< 张/千人
  std::string unit_en;  ///< beds per 1,000
  DensityAttribute attribute = DensityAttribute::kBeds;
  bool nurse_doctor_ratio = false;  ///< true: nurses ÷ doctors (医护比 1:x), attribute unused
  double per_persons = 1000.0;
  std::optional<double> target;      ///< at least this (none: reported without a target)
  std::string target_source;         ///< where the target comes from
};

/// The shipped indicators and national targets (docs/method/density.md).
std::vector<DensityIndicator> default_density_indicators();

struct ZoneDensity {
  double population = 0.0;
  std::vector<double> totals;        ///< per DensityAttribute (6): sum over the zone's facilities with a value
  std::vector<std::uint32_t> reporting;  ///< per DensityAttribute: facilities that gave a value
  /// Per indicator; NaN when the population (or, for the ratio, doctors) is 0, or when no counted facility of the
  /// level gives the attribute (an attribute missing from the data is unknown, not zero).
  std::vector<double> value;
  std::vector<std::int8_t> below_target;  ///< per indicator: 1 below, 0 at or above, -1 no target or no value
};

struct LevelDensity {
  std::vector<ZoneDensity> zones;
  ZoneDensity total;  ///< over every zone (population and totals are the zones' sums)
};

/// Density per zone. zone_population: per zone the population (from the population surface); facility_zone: per
/// facility (in `facilities` order) its zone or kNoZone. Closed facilities do not count; planned ones count only
/// when include_planned.
LevelDensity zone_density(std::span<const Facility> facilities, std::span<const std::uint32_t> facility_zone,
                          std::span<const double> zone_population, std::span<const DensityIndicator> indicators,
                          bool include_planned = false);

}  // namespace carereach::analysis
