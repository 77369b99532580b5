#pragma once
// The straight-line estimate of travel times (engine = "estimate", docs/method/estimate.md): where there is no road
// network to search, the time from a cell to a facility is estimated as the straight-line distance from the cell
// centre to the facility, times a circuity (detour) factor, at the mode's average speed. Pure: plain data in, a
// TravelTimeField out, as the network and raster engines give.

#include <cstdint>
#include <span>

#include "core/grid.hpp"
#include "core/travel_time.hpp"

namespace carereach::analysis {

struct EstimateParameters {
  double circuity = 1.3;     ///< road distance ÷ straight-line distance, ≥ 1
  double speed_kmh = 35.0;   ///< average speed of the whole trip, km/h
  double limit_min = 120.0;  ///< times beyond this are TravelTimeField::kUnreached
};

/// Minutes from every cell centre of the grid to the nearest of the facilities (x_m[i], y_m[i], FacilityId value
/// ids[i]) along a straight line:  minutes = distance_m × circuity ÷ (speed_kmh ÷ 3.6) ÷ 60.  The nearest facility is
/// exact (ties: the smaller id) — the nearest in a straight line is the nearest in time, the factor being the same for
/// every facility. Cells whose time exceeds limit_min are kUnreached with kNoFacility; every cell is computed,
/// populated or not. Facilities outside the grid count (people near the border may use them). Throws
/// std::invalid_argument for a circuity below 1, a speed or limit that is not positive, or arrays of different
/// lengths.
TravelTimeField estimate_travel_times(const Grid& grid, std::span<const double> x_m, std::span<const double> y_m,
                                      std::span<const std::uint32_t> ids, const EstimateParameters& parameters);

}  // namespace carereach::analysis
