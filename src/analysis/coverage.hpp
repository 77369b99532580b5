#pragma once
// Coverage of a service standard: per cell, whether the population there is within the standard (travel time or
// straight-line distance to the nearest selected facility); per zone, the population-weighted figures planners
// report; per facility, its catchment; and the gap areas (connected clusters of populated cells outside the
// standard). Pure: plain arrays in, plain structs out. docs/method/coverage.md states every rule.

#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "core/facility.hpp"
#include "core/grid.hpp"
#include "core/population.hpp"
#include "core/travel_time.hpp"

namespace carereach::analysis {

inline constexpr std::uint32_t kNoZone = std::numeric_limits<std::uint32_t>::max();

/// What a cell's value measures: minutes of travel (time standard) or metres in a straight line (distance
/// standard).
enum class CoverageUnit { kMinutes, kMetres };

/// One standard's per-cell values: the measure to the nearest selected facility and which facility it is.
struct CellMeasure {
  Grid grid;
  CoverageUnit unit = CoverageUnit::kMinutes;
  std::vector<float> value;            ///< per cell; +inf where not reached (beyond the search limit, no access)
  std::vector<std::uint32_t> nearest;  ///< per cell: FacilityId value, or TravelTimeField::kNoFacility
};

/// Minutes from a travel-time field (a copy: the field may be released afterwards).
CellMeasure measure_from_travel_time(const TravelTimeField& field);

/// Straight-line metres from every cell centre to the nearest of the given facilities (positions in the analysis
/// CRS), exact (ties: the smaller FacilityId value); cells farther than limit_m are +inf. Only cells with
/// population > 0 are computed when `populated_only` (the others are +inf).
CellMeasure measure_straight_line(const PopulationGrid& population, std::span<const Facility> facilities,
                                  double limit_m, bool populated_only = true);

/// For every cell of the grid, the straight line from its centre to the nearest of the points (x_m[i], y_m[i]) within
/// limit_m (inclusive), exact (ties: the smaller id): value[cell] = scale × metres and nearest[cell] = ids[i]; cells
/// with no point within the limit get +inf and TravelTimeField::kNoFacility. Every cell is written. Used by the
/// straight-line estimate (estimate.hpp) with scale = circuity ÷ speed in minutes per metre.
void straight_line_to_points(const Grid& grid, std::span<const double> x_m, std::span<const double> y_m,
                             std::span<const std::uint32_t> ids, double limit_m, double scale, std::span<float> value,
                             std::span<std::uint32_t> nearest);

/// The nearest of a set of points to the centres of some cells, in a straight line: exact Euclidean distance, ties to
/// the smaller point index, only points within limit_m (inclusive). Shared by measure_straight_line and the seat
/// zones (seat_zones.hpp).
struct NearestPoints {
  std::vector<std::uint32_t> point;  ///< per given cell: index into the points, or TravelTimeField::kNoFacility
  std::vector<float> distance_m;     ///< per given cell: metres, or +inf beyond the limit
};

/// For each cell of `cells` (grid indices), the nearest of the points (x_m[i], y_m[i]) to the cell centre. Points
/// with a non-finite coordinate are never chosen.
NearestPoints nearest_points(const Grid& grid, std::span<const std::uint32_t> cells, std::span<const double> x_m,
                             std::span<const double> y_m,
                             double limit_m = std::numeric_limits<double>::infinity());

/// The threshold each cell is held to: one value for all, or one per zone class (a distance standard with urban
/// and rural radii). A cell with an unknown class (kNoZone) is held to `fallback`.
struct CellThreshold {
  float uniform = std::numeric_limits<float>::infinity();
  std::vector<std::uint8_t> class_of_cell;  ///< empty: every cell uses `uniform`
  std::vector<float> by_class;              ///< threshold per class index
  float fallback = std::numeric_limits<float>::infinity();

  [[nodiscard]] float at(std::size_t cell) const {
    if (class_of_cell.empty()) return uniform;
    const std::uint8_t c = class_of_cell[cell];
    return c < by_class.size() ? by_class[c] : fallback;
  }
};

/// Population-weighted figures of a set of cells (a zone, or the whole study area). Values in the measure's unit.
struct CoverageStats {
  double pop_total = 0.0;
  double pop_covered = 0.0;    ///< value finite and ≤ threshold (an unreached cell is never covered)
  double pop_uncovered = 0.0;  ///< pop_total − pop_covered, exactly
  double pop_reached = 0.0;    ///< value finite (within the search limit)
  /// Over the reached population only (NaN when nobody is reached).
  double mean = std::numeric_limits<double>::quiet_NaN();
  /// Weighted quantiles over the whole population of the cells, unreached cells counting as +inf: a quantile that
  /// falls on unreached population is +inf ("beyond the search limit"); NaN when pop_total is 0.
  double p50 = std::numeric_limits<double>::quiet_NaN();
  double p90 = std::numeric_limits<double>::quiet_NaN();
  double max = std::numeric_limits<double>::quiet_NaN();  ///< largest finite value (NaN when nobody is reached)
  std::uint32_t n_facilities = 0;  ///< selected facilities located in the zone
  [[nodiscard]] double share_covered() const { return pop_total > 0 ? pop_covered / pop_total : 0.0; }
};

/// Whether a share of the population covered meets a standard's target share (both 0–1). A share equal to the
/// target meets it; shares within 1e-9 below count as equal, since a share is a ratio of sums of persons and the
/// target is written with few digits. Every output that says "meets" (tables, layers, run.json, reports) uses this.
[[nodiscard]] inline bool meets_target(double share, double target) { return share + 1e-9 >= target; }

/// Coverage of one standard for the zones of one level (and the total over every cell of the grid).
struct LevelCoverage {
  std::vector<CoverageStats> zones;  ///< indexed by zone
  /// Over the cells that belong to some zone of the level. The population figures are the sums of the zones'
  /// (in zone order), so the zones add up to the total exactly.
  CoverageStats total;
};

/// Per-zone coverage. zone_of_cell: per cell the zone index or kNoZone; facility_zone: for each selected facility
/// the zone it lies in (or kNoZone), to count n_facilities.
LevelCoverage zone_coverage(const PopulationGrid& population, const CellMeasure& measure,
                            const CellThreshold& threshold, std::span<const std::uint32_t> zone_of_cell,
                            std::size_t zone_count, std::span<const std::uint32_t> facility_zone);

/// Whether each cell's population is covered (value finite and ≤ threshold); unpopulated cells are false.
std::vector<std::uint8_t> covered_cells(const PopulationGrid& population, const CellMeasure& measure,
                                        const CellThreshold& threshold);

/// A facility's catchment: the cells for which it is the nearest selected facility.
struct Catchment {
  std::uint32_t facility = 0;       ///< FacilityId value
  double pop_within = 0.0;          ///< population of its cells within the threshold
  double pop_nearest = 0.0;         ///< population of all its cells (also beyond the threshold, within the limit)
  std::size_t cells_within = 0;
  double mean_within = std::numeric_limits<double>::quiet_NaN();  ///< population-weighted, in the measure's unit
};

/// One catchment per facility id value in `facility_ids` (in that order), also for facilities with no cell.
std::vector<Catchment> catchments(const PopulationGrid& population, const CellMeasure& measure,
                                  const CellThreshold& threshold, std::span<const std::uint32_t> facility_ids);

/// A gap area: a connected cluster (8-connected) of populated cells outside the standard.
struct GapArea {
  std::uint32_t rank = 0;          ///< 1 = the most population; ties: the smaller first cell index
  std::vector<std::uint32_t> cells;  ///< sorted cell indices
  double population = 0.0;
  double area_km2 = 0.0;           ///< cells × cell area
  /// Of the cells' values (measure unit): the smallest (the best-served edge of the gap) and the population-
  /// weighted mean over the reached ones; +inf / NaN when none is reached.
  double min_value = std::numeric_limits<double>::infinity();
  double mean_value = std::numeric_limits<double>::quiet_NaN();
  /// Per zone level given to gap_areas, the zone holding most of the gap's population (kNoZone if none).
  std::vector<std::uint32_t> main_zone;
};

/// Gap areas with at least min_population persons, sorted by rank. zone_levels: per level, the zone of each
/// cell (for main_zone). split_zone (optional, per cell): cells of different zones are not neighbours, so that a
/// gap never spans two zones of that level (pass the finest level: each gap then lies in one township).
std::vector<GapArea> gap_areas(const PopulationGrid& population, const CellMeasure& measure,
                               const CellThreshold& threshold,
                               std::span<const std::span<const std::uint32_t>> zone_levels,
                               double min_population = 0.0, std::span<const std::uint32_t> split_zone = {});

}  // namespace carereach::analysis
