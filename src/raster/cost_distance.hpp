#pragma once
// Cumulative travel time over a friction surface from a set of source cells (the facilities of a standard):
// a bounded multi-source shortest-path search on the grid with 8 or 16 neighbours (knight's move). The isotropic
// step rule is GRASS r.cost's, so results can be compared cell by cell; the anisotropic rule adds Tobler's hiking
// function on a DEM for walking cells. docs/method/raster-travel-time.md gives the rules, with worked examples.

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <vector>

#include "core/diagnostics.hpp"
#include "core/landcover.hpp"
#include "core/progress.hpp"
#include "core/travel_time.hpp"
#include "raster/friction.hpp"

namespace carereach::raster {

enum class Neighbourhood : std::uint8_t {
  k8 = 8,    ///< the 4 orthogonal and 4 diagonal neighbours (r.cost without -k)
  k16 = 16,  ///< plus the 8 knight's moves (r.cost -k): more accurate directions
};

/// Which way the traveller goes. It matters only for anisotropic (slope-dependent) searches.
enum class TravelDirection : std::uint8_t {
  kTowardsSources,  ///< patients travel from every cell to the facility (the default)
  kFromSources,     ///< from the facility outwards (outreach teams)
};

/// A cell where the search starts: a facility's cell.
struct CostSource {
  std::size_t cell = 0;    ///< Grid::index
  double initial_s = 0.0;  ///< seconds already spent on arrival at the cell (0 for a facility in the cell)
  std::uint32_t facility = TravelTimeField::kNoFacility;  ///< reported as the nearest facility (FacilityId value)
};

/// Tobler's hiking function: the walking speed on a slope (rise over run, signed, in the direction of travel):
/// 6·exp(−3.5·|slope + 0.05|) km/h. Flat ground gives 6·exp(−0.175) ≈ 5.04 km/h; the fastest is 6 km/h on a
/// gentle descent (slope −0.05).
double tobler_speed_kmh(double slope);
/// Speed on flat ground by Tobler's function, 6·exp(−0.175) km/h.
double tobler_flat_speed_kmh();
/// The factor that turns a walking cell's flat-ground time into its time on a slope:
/// tobler(0) / tobler(slope) = exp(3.5·(|slope + 0.05| − 0.05)). 1 on flat ground.
double tobler_time_factor(double slope);

/// The power (watts) that moves a bicycle at speed_ms (m/s) up a slope (rise over run, signed; negative downhill):
/// v · (½·CdA·ρ·v² + m·g·(Cr·cos β + sin β) + CrV·cos β·v), β = atan(slope), g = 9.81 m/s², no wind.
double bicycle_power_w(double speed_ms, double slope, const BicyclePowerModel& model);
/// The speed on a slope at the power that gives flat_speed_kmh on flat ground: the one positive root of
/// bicycle_power_w(v, slope) = bicycle_power_w(flat, 0) (the power balance is a cubic with one sign change). Equal to
/// flat_speed_kmh on flat ground; NaN for a NaN slope.
double bicycle_speed_kmh(double flat_speed_kmh, double slope, const BicyclePowerModel& model);

struct CostDistanceOptions {
  Neighbourhood neighbourhood = Neighbourhood::k16;
  /// Seconds: cells farther than this are not reached (TravelTimeField::kUnreached). Infinity = no limit.
  double limit_s = std::numeric_limits<double>::infinity();
  /// Anisotropic walking: elevation in metres per cell (Grid::index order; NaN = no data, not crossed). Empty =
  /// isotropic, the r.cost rule.
  std::span<const float> elevation_m;
  TravelDirection direction = TravelDirection::kTowardsSources;
  /// With elevation_m: bicycling cells follow the power balance on the slope (their friction is their flat-ground
  /// speed, as AccessMod's table speed). Absent: bicycling cells keep their speed on any slope.
  std::optional<BicyclePowerModel> bicycle;
};

struct CostDistanceStats {
  std::size_t sources_used = 0;   ///< sources that started the search (after merging sources in one cell)
  std::size_t cells_reached = 0;  ///< within the limit
  std::size_t expansions = 0;     ///< cells taken from the queue and expanded
  std::size_t re_expansions = 0;  ///< expansions of a cell already expanded (label correction; usually 0)
  std::size_t pushes = 0;         ///< cells put into the queue (a cell improved within its bucket is not put again)
  double bucket_width_s = 0.0;    ///< width of one bucket of the queue
  std::size_t buckets = 0;        ///< buckets in the queue's circular window
  std::size_t memory_bytes = 0;   ///< working arrays and queue at their largest
  double setup_s = 0.0;           ///< wall time: working arrays and sources
  double search_s = 0.0;          ///< wall time: the search
  double output_s = 0.0;          ///< wall time: minutes and nearest facility onto the grid
};

struct CostDistanceResult {
  TravelTimeField field;  ///< minutes (Float32) and nearest facility per cell
  CostDistanceStats stats;
  std::vector<Problem> warnings;
};

/// Travel time from every cell to its nearest source (or from the sources, see TravelDirection), in minutes.
///
/// Step costs (seconds; f = seconds per metre of a cell, s = cell size in metres, u the cell the step leaves,
/// v the cell it enters):
///   orthogonal move   s    · (f_u + f_v) / 2
///   diagonal move     s√2  · (f_u + f_v) / 2
///   knight's move     s√5  · (f_u + f_v + f_a + f_b) / 4, where a and b are the two cells the move passes
///                     between (both orthogonal / diagonal neighbours of u on the move's side).
/// A step that touches an impassable cell (one of the two, or of the four for a knight's move) is not taken.
/// Anisotropic walking multiplies each walking cell's f by tobler_time_factor(slope), where slope is the rise
/// between the centres of the cells the traveller leaves and enters, over their horizontal distance.
///
/// The nearest facility of a cell is the one whose path gives its time; among equal times, the smallest facility
/// number. The result does not depend on the order of `sources`. Sources outside the grid are skipped with a
/// warning; a source on an impassable cell gets its initial time but spreads nowhere (as in r.cost), with a
/// warning. The search runs in parallel over bands of rows (TBB) and gives the same bytes as a serial run.
/// Throws std::invalid_argument when an array does not have one entry per cell, or a facility number is 2^31 − 1
/// or more (other than TravelTimeField::kNoFacility).
CostDistanceResult cost_distance(const FrictionSurface& friction, std::span<const CostSource> sources,
                                 const CostDistanceOptions& options = {}, ProgressSink* progress = nullptr);

}  // namespace carereach::raster
