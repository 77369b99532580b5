#pragma once
// Approximate zones from zone seats: township boundaries are not published in China, township seats (乡镇驻地) are.
// Each cell of a parent zone (county) goes to the seat of that parent it reaches first (travel time), or, without
// a travel time, to the nearest seat of that parent in a straight line (Voronoi within the parent). The zones are
// marked approximate in every output. docs/method/coverage.md ("Township zones from seats").

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "core/grid.hpp"

namespace carereach::analysis {

struct Seat {
  double x_m = 0.0;  ///< analysis CRS
  double y_m = 0.0;
  std::uint32_t parent = 0;  ///< index of the parent zone (county) the seat belongs to
};

/// Travel minutes from every cell to the nearest of a set of seats (given by index into the seat list), with
/// which seat (index) is nearest; +inf / UINT32_MAX where not reached. Supplied by the caller (the network engine
/// through TravelModel); may be empty (straight-line allocation only).
using SeatTravel = std::function<void(std::span<const std::uint32_t> seats, std::vector<float>& minutes,
                                      std::vector<std::uint32_t>& nearest_seat)>;

struct SeatAllocation {
  std::vector<std::uint32_t> zone_of_cell;  ///< per cell: seat index, or UINT32_MAX (outside every parent)
  std::size_t cells_by_travel = 0;          ///< cells allocated by travel time
  std::size_t cells_by_distance = 0;        ///< cells allocated in a straight line (not reached, or no travel)
  std::vector<std::uint32_t> parents_without_seat;  ///< parent zones with cells but no seat: their cells stay unallocated
};

/// Allocates the cells of each parent zone (parent_of_cell: per cell the parent index or UINT32_MAX) to the seats
/// of that parent. Ties: the smaller seat index.
SeatAllocation allocate_to_seats(const Grid& grid, std::span<const std::uint32_t> parent_of_cell,
                                 std::size_t parent_count, std::span<const Seat> seats, const SeatTravel& travel);

}  // namespace carereach::analysis
