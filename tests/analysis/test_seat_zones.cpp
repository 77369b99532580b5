// Approximate zones from seats (analysis/seat_zones.hpp): each cell of a parent goes to a seat of that parent, by
// travel time when the callback reaches it, else in a straight line. Expected values worked out by hand, or by a
// brute force written here.

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <span>
#include <stdexcept>
#include <vector>

#include "analysis/seat_zones.hpp"

using namespace carereach;
using carereach::analysis::Seat;
using carereach::analysis::SeatAllocation;
using carereach::analysis::SeatTravel;

namespace {

constexpr std::uint32_t X = std::numeric_limits<std::uint32_t>::max();
constexpr float kInf = std::numeric_limits<float>::infinity();

// 6 × 2 cells of 1 km, top-left corner (0, 2000): cell (c, r) has its centre at (500 + 1000 c, 1500 − 1000 r).
//   parents:  0 0 0 | 1 1 1        seats: s0 (500, 1500) parent 0    s1 (1500, 500) parent 0
//             - 0 0 | 1 2 2               s2 (3100, 1500) parent 1   s3 (5500, 1500) parent 1
//                                         s4 (4500, 500) parent X (belongs to no parent: gets no cell)
// Parent 2 has cells and no seat; parent 3 has neither.
Grid grid_6x2() {
  Grid g;
  g.origin_x_m = 0;
  g.origin_y_m = 2000;
  g.cell_size_m = 1000;
  g.cols = 6;
  g.rows = 2;
  return g;
}
const std::vector<std::uint32_t> kParents = {0, 0, 0, 1, 1, 1,  //
                                             X, 0, 0, 1, 2, 2};
const std::vector<Seat> kSeats = {{500, 1500, 0}, {1500, 500, 0}, {3100, 1500, 1}, {5500, 1500, 1}, {4500, 500, X}};

}  // namespace

TEST_CASE("seat zones: straight-line allocation within each parent, worked by hand", "[seat_zones]") {
  // Parent 0 (seats s0, s1):
  //   (0,0) (500,1500): s0 0 → s0
  //   (1,0) (1500,1500): s0 1000, s1 1000 → tie → the smaller index, s0
  //   (2,0) (2500,1500): s0 2000, s1 √2 km = 1414; s2 of parent 1 is only 600 m away but belongs to the other
  //         parent → s1
  //   (1,1) (1500,500): s1 0 → s1;  (2,1) (2500,500): s0 2236, s1 1000 → s1
  // Parent 1 (s2, s3):
  //   (3,0) (3500,1500): s2 400, s3 2000 → s2;  (4,0) (4500,1500): s2 1400, s3 1000 → s3;  (5,0) → s3
  //   (3,1) (3500,500): s2 √(400² + 1000²) = 1077, s3 √(2000² + 1000²) = 2236 → s2
  // Parent 2: no seat → (4,1) (5,1) stay unallocated although s3 and s4 are near; (0,1) is outside every parent.
  const SeatAllocation a = analysis::allocate_to_seats(grid_6x2(), kParents, 4, kSeats, SeatTravel{});
  CHECK(a.zone_of_cell == std::vector<std::uint32_t>{0, 0, 1, 2, 3, 3,  //
                                                     X, 1, 1, 2, X, X});
  CHECK(a.cells_by_travel == 0);
  CHECK(a.cells_by_distance == 9);
  CHECK(a.parents_without_seat == std::vector<std::uint32_t>{2});
}

TEST_CASE("seat zones: by travel time, once per parent, unreached cells in a straight line", "[seat_zones]") {
  // The fake network: per call, the seats it was given and an answer for every cell of the grid.
  //   parent 0 (seats {0, 1}): (0,0) unreached → straight line → s0; (1,0) s1 at 5 min; (2,0) s0 at 7 min (the road
  //     goes that way, although s1 is nearer in a line); (1,1) s1 at 2; (2,1) answered with s3, not a seat of this
  //     parent → straight line → s1; (3,0), a cell of parent 1, answered with s0 → not read for parent 0.
  //   parent 1 (seats {2, 3}): (3,0) s3 at 12 (not the nearer s2); (4,0) s2 at 11; (5,0) unreached → s3 in a line;
  //     (3,1) s2 at 9.
  // By travel: (1,0) (2,0) (1,1) (3,0) (4,0) (3,1) = 6; by distance: (0,0) (2,1) (5,0) = 3.
  const Grid g = grid_6x2();
  std::vector<std::vector<std::uint32_t>> calls;
  const SeatTravel travel = [&](std::span<const std::uint32_t> seats, std::vector<float>& minutes,
                                std::vector<std::uint32_t>& nearest) {
    calls.emplace_back(seats.begin(), seats.end());
    minutes.assign(g.cell_count(), kInf);
    nearest.assign(g.cell_count(), X);
    auto set = [&](std::uint32_t col, std::uint32_t row, std::uint32_t seat, float min) {
      minutes[g.index(col, row)] = min;
      nearest[g.index(col, row)] = seat;
    };
    if (seats.front() == 0) {
      set(1, 0, 1, 5);
      set(2, 0, 0, 7);
      set(1, 1, 1, 2);
      set(2, 1, 3, 4);
      set(3, 0, 0, 1);
    } else {
      set(3, 0, 3, 12);
      set(4, 0, 2, 11);
      set(3, 1, 2, 9);
    }
  };
  const SeatAllocation a = analysis::allocate_to_seats(g, kParents, 4, kSeats, travel);
  REQUIRE(calls.size() == 2);  // parents 0 and 1; not parent 2 (no seat) nor 3 (no cell)
  CHECK(calls[0] == std::vector<std::uint32_t>{0, 1});
  CHECK(calls[1] == std::vector<std::uint32_t>{2, 3});
  CHECK(a.zone_of_cell == std::vector<std::uint32_t>{0, 1, 0, 3, 2, 3,  //
                                                     X, 1, 1, 2, X, X});
  CHECK(a.cells_by_travel == 6);
  CHECK(a.cells_by_distance == 3);
  CHECK(a.parents_without_seat == std::vector<std::uint32_t>{2});
}

TEST_CASE("seat zones: a callback that answers nothing leaves every cell to the straight line", "[seat_zones]") {
  const SeatTravel silent = [](std::span<const std::uint32_t>, std::vector<float>&, std::vector<std::uint32_t>&) {};
  const SeatAllocation a = analysis::allocate_to_seats(grid_6x2(), kParents, 4, kSeats, silent);
  // The straight-line allocation worked out by hand in the first test.
  CHECK(a.zone_of_cell == std::vector<std::uint32_t>{0, 0, 1, 2, 3, 3,  //
                                                     X, 1, 1, 2, X, X});
  CHECK(a.cells_by_travel == 0);
  CHECK(a.cells_by_distance == 9);
}

TEST_CASE("seat zones: straight-line allocation equals a brute force on random parents and seats", "[seat_zones]") {
  std::mt19937 rng(4242);
  Grid g;
  g.origin_x_m = 100000;
  g.origin_y_m = 200000;
  g.cell_size_m = 200;
  g.cols = 73;
  g.rows = 51;
  const std::size_t n = g.cell_count();
  const std::uint32_t parents = 5;
  std::vector<std::uint32_t> parent_of_cell(n);
  std::uniform_int_distribution<std::uint32_t> pick(0, parents);
  for (std::size_t c = 0; c < n; ++c) {
    // Parents in vertical bands with noise, and some cells outside (pick = parents).
    const std::uint32_t p = pick(rng);
    parent_of_cell[c] = p == parents ? X : static_cast<std::uint32_t>((c % g.cols) * (parents - 1) / g.cols + (p == 0 ? 1 : 0));
  }
  std::vector<Seat> seats;
  std::uniform_real_distribution<double> sx(g.origin_x_m, g.max_x_m()), sy(g.min_y_m(), g.origin_y_m);
  std::uniform_int_distribution<int> cx(0, static_cast<int>(g.cols)), cy(0, static_cast<int>(g.rows));
  for (int i = 0; i < 40; ++i) {
    // Half on cell corners (ties between seats), half anywhere; parent 4 gets none.
    const bool corner = i % 2 == 0;
    seats.push_back({corner ? g.origin_x_m + g.cell_size_m * cx(rng) : sx(rng),
                     corner ? g.origin_y_m - g.cell_size_m * cy(rng) : sy(rng), static_cast<std::uint32_t>(i % 4)});
  }
  const SeatAllocation a = analysis::allocate_to_seats(g, parent_of_cell, parents, seats, SeatTravel{});
  std::size_t allocated = 0;
  for (std::uint32_t row = 0; row < g.rows; ++row)
    for (std::uint32_t col = 0; col < g.cols; ++col) {
      const std::size_t c = g.index(col, row);
      std::uint32_t want = X;
      double best = std::numeric_limits<double>::infinity();
      if (parent_of_cell[c] != X)
        for (std::uint32_t s = 0; s < seats.size(); ++s) {
          if (seats[s].parent != parent_of_cell[c]) continue;
          const double dx = seats[s].x_m - g.centre_x_m(col), dy = seats[s].y_m - g.centre_y_m(row);
          const double d2 = dx * dx + dy * dy;
          if (d2 < best) {  // seats in ascending order: a later seat at the same distance does not win
            best = d2;
            want = s;
          }
        }
      if (want != X) ++allocated;
      CHECK(a.zone_of_cell[c] == want);
    }
  CHECK(a.cells_by_distance == allocated);
  CHECK(a.parents_without_seat == std::vector<std::uint32_t>{4});
}

TEST_CASE("seat zones: inconsistent inputs are refused", "[seat_zones]") {
  CHECK_THROWS_AS(analysis::allocate_to_seats(grid_6x2(), std::vector<std::uint32_t>(11, 0), 1, kSeats, SeatTravel{}),
                  std::invalid_argument);
  CHECK_THROWS_AS(analysis::allocate_to_seats(grid_6x2(), kParents, 2, kSeats, SeatTravel{}),  // parent 2 of 2
                  std::invalid_argument);
}
