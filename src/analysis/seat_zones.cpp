// Approximate zones from zone seats (seat_zones.hpp; docs/method/coverage.md, "Township zones from seats").

#include "analysis/seat_zones.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "analysis/coverage.hpp"

namespace carereach::analysis {

SeatAllocation allocate_to_seats(const Grid& grid, std::span<const std::uint32_t> parent_of_cell,
                                 std::size_t parent_count, std::span<const Seat> seats, const SeatTravel& travel) {
  constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();
  const std::size_t n = grid.cell_count();
  if (parent_of_cell.size() != n)
    throw std::invalid_argument("seat zones: " + std::to_string(parent_of_cell.size()) + " parent entries for " +
                                std::to_string(n) + " cells");
  if (n > kNone) throw std::invalid_argument("seat zones: more than 2^32 cells");

  // The cells of each parent (counting sort, in cell order) and the seats of each parent (ascending index). Seats
  // whose parent is not one of the parents get no cells.
  std::vector<std::size_t> offset(parent_count + 1, 0);
  for (std::size_t c = 0; c < n; ++c) {
    const std::uint32_t p = parent_of_cell[c];
    if (p == kNone) continue;
    if (p >= parent_count)
      throw std::invalid_argument("seat zones: cell " + std::to_string(c) + " has parent " + std::to_string(p) +
                                  " of " + std::to_string(parent_count));
    ++offset[p + 1];
  }
  for (std::size_t p = 0; p < parent_count; ++p) offset[p + 1] += offset[p];
  std::vector<std::uint32_t> cells(offset[parent_count]);
  {
    std::vector<std::size_t> cursor(offset.begin(), offset.end() - 1);
    for (std::size_t c = 0; c < n; ++c)
      if (parent_of_cell[c] != kNone) cells[cursor[parent_of_cell[c]]++] = static_cast<std::uint32_t>(c);
  }
  std::vector<std::vector<std::uint32_t>> seats_of(parent_count);
  for (std::size_t s = 0; s < seats.size(); ++s)
    if (seats[s].parent < parent_count) seats_of[seats[s].parent].push_back(static_cast<std::uint32_t>(s));

  SeatAllocation out;
  out.zone_of_cell.assign(n, kNone);
  std::vector<float> minutes;
  std::vector<std::uint32_t> nearest;
  std::vector<std::uint32_t> by_distance;
  std::vector<double> xs, ys;
  for (std::size_t p = 0; p < parent_count; ++p) {
    const std::span<const std::uint32_t> own(cells.data() + offset[p], offset[p + 1] - offset[p]);
    if (own.empty()) continue;
    const std::vector<std::uint32_t>& mine = seats_of[p];
    if (mine.empty()) {
      out.parents_without_seat.push_back(static_cast<std::uint32_t>(p));
      continue;
    }

    // By travel time: the callback answers for every cell of the grid; only this parent's cells are read, and
    // only an answer that is one of this parent's seats is taken.
    by_distance.clear();
    bool have_travel = false;
    if (travel) {
      minutes.clear();
      nearest.clear();
      travel(mine, minutes, nearest);
      have_travel = minutes.size() == n && nearest.size() == n;
    }
    for (const std::uint32_t c : own) {
      const std::uint32_t s = have_travel ? nearest[c] : kNone;
      if (have_travel && std::isfinite(minutes[c]) && s < seats.size() && seats[s].parent == p) {
        out.zone_of_cell[c] = s;
        ++out.cells_by_travel;
      } else {
        by_distance.push_back(c);
      }
    }

    // The rest in a straight line to the nearest seat of the parent (ties: the smaller seat index, as `mine` is
    // ascending).
    if (by_distance.empty()) continue;
    xs.resize(mine.size());
    ys.resize(mine.size());
    for (std::size_t k = 0; k < mine.size(); ++k) {
      xs[k] = seats[mine[k]].x_m;
      ys[k] = seats[mine[k]].y_m;
    }
    const NearestPoints np = nearest_points(grid, by_distance, xs, ys);
    for (std::size_t k = 0; k < by_distance.size(); ++k) {
      if (np.point[k] == kNone) continue;  // every seat of the parent has a non-finite position
      out.zone_of_cell[by_distance[k]] = mine[np.point[k]];
      ++out.cells_by_distance;
    }
  }
  return out;
}

}  // namespace carereach::analysis
