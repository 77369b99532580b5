#pragma once
// The analysis of `carereach run` after loading: zone levels on the grid (seat levels derived from their seats),
// then per service standard the travel times (or straight-line distances), coverage per zone level, gap areas and
// catchments, and per level the resource density. Plain results for the writers (GeoTIFFs, layers, tables).

#include <cstdint>
#include <functional>
#include <limits>
#include <span>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "analysis/coverage.hpp"
#include "analysis/density.hpp"
#include "analysis/e2sfca.hpp"
#include "analysis/huff.hpp"
#include "analysis/referral.hpp"
#include "analysis/indicators.hpp"
#include "analysis/seat_zones.hpp"
#include "analysis/travel.hpp"
#include "pipeline/run_capacity.hpp"
#include "pipeline/run_siting.hpp"
#include "core/diagnostics.hpp"
#include "core/progress.hpp"
#include "core/zone.hpp"
#include "io/load.hpp"

namespace carereach::pipeline {

/// One zone level on the analysis grid.
struct LevelOnGrid {
  ZoneLevel level;                          ///< codes, names, classes; approximate for seat-derived zones
  bool from_seats = false;
  std::vector<std::uint32_t> zone_of_cell;  ///< per cell: zone index or analysis::kNoZone
  std::vector<double> population;           ///< per zone
  std::optional<std::size_t> parent_level;  ///< index of the parent level (seat levels: the level the seats belong to)
  std::vector<std::uint32_t> parent_of_zone;  ///< per zone: index in the parent level, or kNoZone
  analysis::SeatAllocation allocation;      ///< seat levels: how the cells were allocated (zone_of_cell moved out)
};

/// A tile run's values of one zone for a merge (tile.json, docs/method/tiles.md#merging): what the zone's mean,
/// quantiles and maximum need beyond its population sums.
struct TileZoneValues {
  double weighted = 0.0;  ///< Σ persons × value over the reached populated cells (compensated, in cell order)
  double max = std::numeric_limits<double>::quiet_NaN();  ///< largest finite value (NaN: nobody reached)
  std::uint64_t cells_unreached = 0;  ///< populated cells not reached (value +inf)
  /// The reached persons by the value as the coverage table shows it (report::coverage_value_text), in value order:
  /// per bin its smallest value and its persons (compensated, in cell order).
  std::vector<std::pair<double, double>> bins;
};

/// Per zone of one level, the values of a tile's own cells (zone_of_cell as for zone_coverage).
std::vector<TileZoneValues> tile_zone_values(const PopulationGrid& population, const analysis::CellMeasure& measure,
                                             std::span<const std::uint32_t> zone_of_cell, std::size_t zone_count);

/// What one service standard gave.
struct StandardOutcome {
  const Standard* standard = nullptr;
  std::string not_computed;       ///< why not, in English ("" when computed)
  std::string not_computed_zh;    ///< the same in Chinese (reports in Chinese)
  std::string not_computed_hint;  ///< what to do (English)
  analysis::CoverageUnit unit = analysis::CoverageUnit::kMinutes;
  double limit = 0.0;        ///< search limit in the unit (minutes, or metres for distance standards)
  std::vector<std::uint32_t> facility_ids;  ///< the selected facilities (FacilityId values, ascending)
  std::vector<analysis::LevelCoverage> levels;  ///< aligned with the levels; empty zones for unreported levels
  std::vector<bool> reported;                   ///< per level: in the standard's report_levels
  std::vector<analysis::GapArea> gaps;
  std::vector<analysis::Catchment> catchments;  ///< aligned with facility_ids
  double unclassified_population = 0.0;  ///< distance standards by zone class: persons held to the fallback radius
  std::vector<analysis::FacilityAccess> access;  ///< time standards: how each selected facility joins
  std::optional<raster::FrictionStats> friction;  ///< raster engine: where the cells' speeds came from
  double circuity = 0.0;                          ///< estimate engine: the circuity used
  double estimate_speed_kmh = 0.0;                ///< estimate engine: the speed used
  std::map<std::string, double> timings_s;
  /// Tile runs only: per level (empty for unreported levels) per zone the values a merge needs.
  std::vector<std::vector<TileZoneValues>> tile_values;
};

/// Everything the per-standard writer needs at the moment the standard is done (its cells are dropped after).
struct StandardCells {
  const analysis::CellMeasure& measure;
  const analysis::CellThreshold& threshold;
  const analysis::StandardTravel* travel;  ///< time standards: the travel result (for the GeoTIFF metadata)
};

/// What one planning indicator ([indicators.<id>]) gave on the zones of its level.
struct IndicatorOutcome {
  const PlanIndicator* indicator = nullptr;
  std::size_t level = 0;  ///< index in RunAnalysis::levels
  analysis::IndicatorResult result;
};

/// What one [referral.<id>] gave (docs/method/referral.md).
struct ReferralOutcome {
  const ReferralSpec* spec = nullptr;
  const Standard* standard = nullptr;
  std::string not_computed;  ///< why not, in English ("" when computed)
  std::string not_computed_zh;
  double limit_min = 0.0;    ///< the search limit
  std::size_t level = 0;     ///< index in RunAnalysis::levels of the summary level
  std::size_t targets = 0;   ///< facilities of the target group
  std::vector<analysis::ReferralRow> rows;  ///< one per source facility, in facility order
};

/// What one [accessibility.<id>] gave (docs/method/accessibility.md).
struct AccessibilityOutcome {
  const AccessibilitySpec* spec = nullptr;
  const Standard* standard = nullptr;
  std::string not_computed;
  std::string not_computed_zh;
  analysis::E2sfcaDecay decay;
  std::vector<std::uint32_t> facility_ids;  ///< the facilities (FacilityId values, ascending)
  std::size_t supply_missing = 0;           ///< facilities without the supply attribute (counted as 0)
  std::size_t not_joined = 0;               ///< facilities that reach nothing (not joined, outside the grid)
  analysis::E2sfcaResult result;            ///< aligned with facility_ids; accessibility per grid cell
  std::vector<std::vector<double>> zone_value;  ///< per level, per zone: population-weighted mean accessibility
};

/// What one [huff.<id>] gave (docs/method/huff.md).
struct HuffOutcome {
  const HuffSpec* spec = nullptr;
  const Standard* standard = nullptr;
  std::string not_computed;
  std::string not_computed_zh;
  double limit_min = 0.0;
  std::size_t level = 0;  ///< index in RunAnalysis::levels
  analysis::HuffDecay decay = analysis::HuffDecay::kExponential;
  double beta = 0.0;       ///< the parameter used (the fitted one when calibrated)
  bool calibrated = false;
  std::vector<std::uint32_t> facility_ids;
  std::vector<double> attractiveness;  ///< aligned with facility_ids
  std::size_t attractiveness_missing = 0;
  analysis::HuffResult result;
  std::vector<std::optional<double>> observed;  ///< per zone of the level
  std::optional<analysis::HuffFit> fit;
};

struct RunAnalysis {
  std::vector<LevelOnGrid> levels;
  std::vector<StandardOutcome> standards;
  std::vector<analysis::DensityIndicator> indicators;
  std::vector<analysis::LevelDensity> density;  ///< aligned with levels
  std::vector<std::uint32_t> facility_zone_lowest;  ///< per facility: zone at the lowest level (kNoZone outside)
  std::vector<std::vector<std::uint32_t>> facility_zone;  ///< per level, per facility: its zone (kNoZone outside)
  std::vector<IndicatorOutcome> plan_indicators;          ///< per [indicators.<id>], in the scenario's order
  std::vector<CapacityOutcome> capacity;                  ///< per [capacity.<id>], in the scenario's order
  analysis::TravelSettings travel_settings;
  std::vector<ReferralOutcome> referrals;          ///< per [referral.<id>], in the scenario's order
  std::vector<AccessibilityOutcome> accessibility;  ///< per [accessibility.<id>]
  std::vector<HuffOutcome> huff;                    ///< per [huff.<id>]
  std::vector<SitingOutcome> siting;                ///< per [siting.<id>] (pipeline/run_siting.hpp)
};

/// The density indicators with the scenario's local targets ([density] targets). Throws ScenarioError for an id
/// that is not a density indicator.
std::vector<analysis::DensityIndicator> density_indicators(const io::Scenario& s);

/// Zone totals ([[density.zone_totals]]) and per-zone density targets ([[zone_targets]]) of one level, for
/// analysis::zone_density (a run) or analysis::finish_zone_density (a merge of tiles).
analysis::DensityZoneInputs density_inputs(const std::vector<io::LoadedZoneTotals>& zone_totals,
                                           const std::vector<io::LoadedZoneTargets>& zone_targets,
                                           const std::string& level, std::size_t zones,
                                           const std::vector<analysis::DensityIndicator>& indicators);

/// Runs the analysis. on_standard is called for each computed standard while its cells are in memory (write the
/// GeoTIFF and the polygon layers there); the outcome is then complete except for what the caller adds.
RunAnalysis analyse_run(const io::LoadedScenario& loaded, Diagnostics& diag, ProgressSink* progress,
                        const std::function<void(StandardOutcome&, const StandardCells&)>& on_standard);

}  // namespace carereach::pipeline
