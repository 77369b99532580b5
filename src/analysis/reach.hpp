#pragma once
// What each facility reaches by itself: per facility, the populated cells within a time limit and their travel
// times, as if that facility were the standard's only one. The building block of the analyses that look at
// facilities one by one — capacity-aware coverage, the accessibility index (E2SFCA), the Huff model of where
// residents seek care, facility siting — where the standard's travel field (the time to the *nearest* facility)
// is not enough. Pure: no files, no printing. docs/method/reach.md gives the rules.

#include <cstdint>
#include <span>
#include <vector>

#include "analysis/travel.hpp"
#include "core/diagnostics.hpp"
#include "core/facility.hpp"
#include "core/progress.hpp"
#include "core/standard.hpp"

namespace carereach::analysis {

/// One populated cell a facility reaches, with its travel time (towards the facility, as the standard's field).
struct ReachedCell {
  std::uint32_t cell = 0;  ///< Grid::index
  float minutes = 0.0f;    ///< travel time in minutes, ≤ the limit

  friend bool operator==(const ReachedCell&, const ReachedCell&) = default;
};

/// What one facility reaches by itself.
struct FacilityReach {
  std::uint32_t facility = 0;       ///< FacilityId value
  bool joined = true;               ///< false: not joined to the network or outside the grid (reaches nothing)
  std::vector<ReachedCell> cells;   ///< populated cells with minutes ≤ limit, sorted by (minutes, cell)
};

/// Per facility (in the order given, not filtered by the standard's selector), the populated cells it reaches
/// alone within limit_min by the standard's engine and mode, with the times the standard's travel field would give
/// if it were the only facility. Cells are those with population > 0. Per-facility warnings (far from a road,
/// not joined, outside the grid) go to diag once per facility, as the standard's own computation gives them.
/// Throws std::invalid_argument for a distance standard or a limit that is not a positive number of minutes.
///
/// Each facility is searched only where it can reach (TravelModel::reach_one: the nodes its search reaches and
/// the band of rows within the limit at the fastest speed; the raster window within the limit); with
/// ReachMethod::kWholeGrid, by the standard's whole-grid computation with that facility alone — the same result,
/// slower, kept as the reference the tests compare with.
enum class ReachMethod { kLocal, kWholeGrid };
std::vector<FacilityReach> facility_reach(TravelModel& model, const Standard& standard,
                                          std::span<const Facility> facilities, double limit_min, Diagnostics& diag,
                                          ProgressSink* progress = nullptr, ReachMethod method = ReachMethod::kLocal);

}  // namespace carereach::analysis
