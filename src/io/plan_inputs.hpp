#pragma once
// What the planning indicators read beside the zones and facilities (docs/method/indicators.md): the seats of the
// zones of a polygon level ([zones.seats]), per-zone targets ([[zone_targets]]) and resource totals per zone
// ([[density.zone_totals]], e.g. a statistical yearbook's beds, doctors and nurses per county).

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/diagnostics.hpp"
#include "geo/crs.hpp"
#include "io/scenario.hpp"
#include "io/zones.hpp"

namespace carereach::io {

/// Per zone of `level`, its seat in the analysis CRS (nullopt: no seat given). Errors (exit 4) for a seat row without
/// a code or a code given twice ("zones.seat_duplicate"); a warning for codes that match no zone
/// ("zones.seat_unknown_code"); coordinates pass the same checks as the zones' (coordinate.*).
std::vector<std::optional<std::pair<double, double>>> load_zone_seats(const ZoneSeatsSpec& spec,
                                                                      const LoadedZoneLevel& level,
                                                                      const geo::CrsSpec& analysis_crs, Diagnostics& diag,
                                                                      const geo::CrsSpec* output_crs = nullptr);

/// The per-zone targets of one level, from every [[zone_targets]] of it.
struct LoadedZoneTargets {
  std::string level;
  std::vector<std::string> labels;  ///< where they come from, one per table, in order
  /// id → per zone of the level the target, or nullopt where the scenario-wide one applies.
  std::map<std::string, std::vector<std::optional<double>>> by_id;
};

/// Reads every [[zone_targets]] (inline or a table) against the loaded zone levels, merged per level (in the order of
/// the levels). Errors (exit 4): a value that is not a number or not valid for its kind ("targets.bad_value"), a
/// zone and id given twice ("targets.duplicate_zone"). Warnings: codes that match no zone of the level
/// ("targets.unknown_zone"), columns that look like ids but name nothing ("targets.unknown_column"). A table without
/// any target column is an InputError. Levels that failed to load are skipped.
std::vector<LoadedZoneTargets> load_zone_targets(const Scenario& scenario, const std::vector<LoadedZoneLevel>& levels,
                                                 Diagnostics& diag);

/// Resource totals per zone of one level ([[density.zone_totals]]).
struct LoadedZoneTotals {
  std::string level;
  std::string label;             ///< where they come from (统计年鉴 …)
  std::string year;
  std::string population_label;  ///< how the tables name the population given (empty: none given)
  std::vector<std::string> fields;  ///< per DensityAttribute: the column read ("" none), for messages
  std::vector<std::vector<std::optional<double>>> totals;  ///< per zone, per DensityAttribute
  std::vector<std::optional<double>> population;           ///< per zone
};

/// Reads a table of zone totals for the zones of a loaded level. Errors (exit 4): a value that is not a number of 0
/// or more ("zone_totals.bad_number"), a code given twice ("zone_totals.duplicate_code"). Warnings: codes that match
/// no zone ("zone_totals.unknown_code"), zones without a row ("zone_totals.missing_zone": their resources are the
/// facilities' and their population the grid's). An empty cell gives no value for that zone.
LoadedZoneTotals load_zone_totals(const ZoneTotalsSpec& spec, const LoadedZoneLevel& level, Diagnostics& diag);

}  // namespace carereach::io
