#pragma once
// Resource density per zone (per 1,000 常住人口 or per 10,000): beds, 执业(助理)医师, 注册护士, GPs, TCM beds, TCM
// doctors, and the doctor:nurse ratio, against targets. The resources are the facilities' own figures, or totals
// given per zone (statistical yearbooks) where the scenario has them; the population is the zone's population on
// the grid, or the one the yearbook divides by; the target is the indicator's, or one set for the zone.
// docs/method/density.md names the targets and sources and states every rule.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/density_indicator.hpp"
#include "core/facility.hpp"

namespace carereach::analysis {

using carereach::default_density_indicators;
using carereach::DensityAttribute;
using carereach::DensityIndicator;

struct ZoneDensity {
  double population = 0.0;           ///< the population the values divide by
  std::vector<double> totals;        ///< per DensityAttribute (6): what the values use (zone totals or facility sums)
  std::vector<std::uint32_t> reporting;  ///< per DensityAttribute: facilities that gave a value
  /// Per indicator; NaN when the population (or, for the ratio, doctors) is 0, or when neither a counted facility nor
  /// a zone total of the level gives the attribute (an attribute missing from the data is unknown, not zero).
  std::vector<double> value;
  std::vector<std::int8_t> below_target;  ///< per indicator: 1 below, 0 at or above, -1 no target or no value
  /// Per DensityAttribute: the sum over the zone's facilities that give a value (equal to `totals` unless a zone
  /// total replaced it). Empty in results made before zone totals existed: then the same as `totals`.
  std::vector<double> facility_totals;
  /// Per DensityAttribute: 1 when `totals` holds a zone total given for the zone (yearbook), 0 for the facilities'
  /// sum. Empty: 0 for all.
  std::vector<std::uint8_t> from_zone_total;
  bool population_given = false;  ///< `population` is the zone total's population, not the grid's
  double grid_population = 0.0;   ///< the zone's population on the grid (equal to `population` unless given)
  /// Per indicator: the target set for this zone (per-zone targets), nullopt where the indicator's applies. Empty:
  /// the indicator's target everywhere.
  std::vector<std::optional<double>> zone_target;

  /// The target that applies to indicator i: the zone's, else the indicator's.
  [[nodiscard]] std::optional<double> target(std::size_t i, const DensityIndicator& ind) const {
    return i < zone_target.size() && zone_target[i] ? zone_target[i] : ind.target;
  }
};

struct LevelDensity {
  std::vector<ZoneDensity> zones;
  ZoneDensity total;  ///< over every zone (population and totals are the zones' sums)
  /// Some zone's resources or population come from zone totals: the level does not add up to the levels above or
  /// below it (their figures have another source), and the published figures round it on its own.
  bool zone_inputs = false;
};

/// What a scenario gives per zone instead of (or beside) the facilities and the grid, for one level. Every vector is
/// empty or holds one entry per zone.
struct DensityZoneInputs {
  /// Per zone, per DensityAttribute: a total (yearbook) that replaces the facilities' sum, or nullopt.
  std::vector<std::vector<std::optional<double>>> totals;
  /// Per zone: the population the zone totals divide by (yearbook 常住人口), or nullopt for the grid's.
  std::vector<std::optional<double>> population;
  /// Per zone, per indicator: the zone's own target, or nullopt.
  std::vector<std::vector<std::optional<double>>> targets;
};

/// Density per zone. zone_population: per zone the population (from the population surface); facility_zone: per
/// facility (in `facilities` order) its zone or kNoZone. Closed facilities do not count; planned ones count only
/// when include_planned. `inputs` (optional): zone totals, populations and targets of the level. Throws
/// std::invalid_argument when sizes do not match or a value is negative or not finite.
LevelDensity zone_density(std::span<const Facility> facilities, std::span<const std::uint32_t> facility_zone,
                          std::span<const double> zone_population, std::span<const DensityIndicator> indicators,
                          bool include_planned = false, const DensityZoneInputs* inputs = nullptr);

/// The rest of zone_density once each zone's population on the grid (`population`), facilities' sums (`totals`, one
/// per DensityAttribute) and reporting counts (`reporting`) are set: the zone totals and targets of `inputs`, the
/// total over the zones (in zone order) and the values. zone_density sums the facilities and calls it; a merge of
/// tiles gives it the tiles' sums (docs/method/tiles.md#merging). Throws std::invalid_argument as zone_density.
LevelDensity finish_zone_density(std::vector<ZoneDensity> zones, std::span<const DensityIndicator> indicators,
                                 const DensityZoneInputs* inputs = nullptr);

}  // namespace carereach::analysis
