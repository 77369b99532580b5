// The straight-line estimate (analysis::estimate_travel_times, docs/method/estimate.md): hand-computed cells, the
// search limit, ties, facilities outside the grid, and every cell of random grids against a brute force over all
// facilities written here without the engine's code.

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <stdexcept>
#include <vector>

#include "analysis/estimate.hpp"
#include "core/grid.hpp"
#include "core/travel_time.hpp"

using namespace carereach;
using carereach::analysis::EstimateParameters;
using carereach::analysis::estimate_travel_times;

namespace {

Grid grid(std::uint32_t cols, std::uint32_t rows, double cell_m, double x0 = 0.0, double y_top = 0.0) {
  Grid g;
  g.origin_x_m = x0;
  g.origin_y_m = y_top;
  g.cell_size_m = cell_m;
  g.cols = cols;
  g.rows = rows;
  return g;
}

EstimateParameters params(double circuity, double speed_kmh, double limit_min = 120.0) {
  EstimateParameters p;
  p.circuity = circuity;
  p.speed_kmh = speed_kmh;
  p.limit_min = limit_min;
  return p;
}

}  // namespace

TEST_CASE("estimate: hand-computed cells", "[analysis][estimate]") {
  // Cells of 100 m, top-left corner (0, 1000): cell (col, row) has its centre at (100 col + 50, 950 − 100 row).
  const Grid g = grid(50, 10, 100.0, 0.0, 1000.0);
  // One facility at the centre of cell (0, 0): (50, 950).
  const std::vector<double> x = {50.0}, y = {950.0};
  const std::vector<std::uint32_t> ids = {4};
  const TravelTimeField f = estimate_travel_times(g, x, y, ids, params(1.3, 30.0));
  // Cell (30, 0): 3 km east. 3,000 m × 1.3 = 3,900 m at 30 km/h (8.333 m/s): 468 s = 7.8 min.
  CHECK(f.minutes[g.index(30, 0)] == Approx(7.8).epsilon(1e-6));
  CHECK(f.nearest[g.index(30, 0)] == 4U);
  // Cell (3, 4): 300 m east, 400 m south, 500 m: 500 × 1.3 = 650 m at 5 km/h (1.3889 m/s): 468 s = 7.8 min.
  const TravelTimeField walk = estimate_travel_times(g, x, y, ids, params(1.3, 5.0));
  CHECK(walk.minutes[g.index(3, 4)] == Approx(7.8).epsilon(1e-6));
  // The facility's own cell: 0.
  CHECK(f.minutes[g.index(0, 0)] == 0.0F);
  // Circuity 1 at 36 km/h (10 m/s): cell (49, 9) is √(4900² + 900²) = 4,981.97 m: 498.197 s.
  const TravelTimeField direct = estimate_travel_times(g, x, y, ids, params(1.0, 36.0));
  CHECK(direct.minutes[g.index(49, 9)] == Approx(std::hypot(4900.0, 900.0) / 10.0 / 60.0).epsilon(1e-6));
}

TEST_CASE("estimate: the search limit and a facility outside the grid", "[analysis][estimate]") {
  const Grid g = grid(40, 1, 100.0, 0.0, 100.0);
  // A facility 1 km west of the grid, at (−1000, 50): people near the border may use it. Cell 0's centre (50, 50)
  // is 1,050 m away: 1,050 × 1.5 ÷ 10 m/s = 157.5 s = 2.625 min; cell c is (1,050 + 100 c) m away.
  const std::vector<double> x = {-1000.0}, y = {50.0};
  const std::vector<std::uint32_t> ids = {0};
  // Limit 10 min = 600 s = 4,000 m of straight line at 1.5 × ÷ 10 m/s: cells up to 1,050 + 100 c ≤ 4,000, c ≤ 29.
  const TravelTimeField f = estimate_travel_times(g, x, y, ids, params(1.5, 36.0, 10.0));
  CHECK(f.minutes[0] == Approx(2.625).epsilon(1e-6));
  CHECK(f.minutes[29] == Approx((1050.0 + 2900.0) * 1.5 / 10.0 / 60.0).epsilon(1e-6));
  CHECK(f.nearest[29] == 0U);
  CHECK(f.minutes[30] == TravelTimeField::kUnreached);
  CHECK(f.nearest[30] == TravelTimeField::kNoFacility);
  CHECK(f.minutes[39] == TravelTimeField::kUnreached);
}

TEST_CASE("estimate: ties go to the smaller facility id; no facility reaches nothing", "[analysis][estimate]") {
  const Grid g = grid(3, 1, 100.0, 0.0, 100.0);
  // Facilities 7 and 3 both 100 m from cell 1's centre (150, 50).
  const std::vector<double> x = {50.0, 250.0}, y = {50.0, 50.0};
  const std::vector<std::uint32_t> ids = {7, 3};
  const TravelTimeField f = estimate_travel_times(g, x, y, ids, params(1.2, 5.0));
  CHECK(f.nearest[1] == 3U);
  CHECK(f.nearest[0] == 7U);
  CHECK(f.nearest[2] == 3U);

  const TravelTimeField none = estimate_travel_times(g, {}, {}, {}, params(1.2, 5.0));
  for (std::size_t c = 0; c < 3; ++c) {
    CHECK(none.minutes[c] == TravelTimeField::kUnreached);
    CHECK(none.nearest[c] == TravelTimeField::kNoFacility);
  }
}

TEST_CASE("estimate: bad parameters are refused", "[analysis][estimate]") {
  const Grid g = grid(2, 2, 100.0);
  const std::vector<double> x = {0.0}, y = {0.0};
  const std::vector<std::uint32_t> ids = {0};
  CHECK_THROWS_AS(estimate_travel_times(g, x, y, ids, params(0.9, 5.0)), std::invalid_argument);
  CHECK_THROWS_AS(estimate_travel_times(g, x, y, ids, params(1.3, 0.0)), std::invalid_argument);
  CHECK_THROWS_AS(estimate_travel_times(g, x, y, ids, params(1.3, 5.0, 0.0)), std::invalid_argument);
  const std::vector<std::uint32_t> two = {0, 1};
  CHECK_THROWS_AS(estimate_travel_times(g, x, y, two, params(1.3, 5.0)), std::invalid_argument);
}

TEST_CASE("estimate: every cell of random grids equals a brute force over all facilities", "[analysis][estimate]") {
  std::mt19937_64 rng(20240611);
  for (int trial = 0; trial < 6; ++trial) {
    std::uniform_int_distribution<std::uint32_t> size(5, 90);
    const Grid g = grid(size(rng), size(rng), 250.0, 400000.0, 3500000.0);
    const double w = g.cols * g.cell_size_m, h = g.rows * g.cell_size_m;
    // Facilities over and around the grid (a fifth outside it), some in clusters, with shuffled ids.
    std::uniform_int_distribution<int> count(trial == 0 ? 1 : 2, trial < 3 ? 12 : 400);
    const int n = count(rng);
    std::uniform_real_distribution<double> ux(-0.2 * w, 1.2 * w), uy(-0.2 * h, 1.2 * h);
    std::vector<double> x, y;
    std::vector<std::uint32_t> ids;
    for (int i = 0; i < n; ++i) {
      x.push_back(g.origin_x_m + ux(rng));
      y.push_back(g.origin_y_m - uy(rng));
      ids.push_back(static_cast<std::uint32_t>((i * 7919) % 100003));
    }
    std::uniform_real_distribution<double> ucirc(1.0, 2.0), uspeed(3.0, 60.0), ulimit(2.0, 90.0);
    const EstimateParameters p = params(ucirc(rng), uspeed(rng), ulimit(rng));
    const TravelTimeField f = estimate_travel_times(g, x, y, ids, p);
    INFO("trial " << trial << ": " << g.cols << " × " << g.rows << ", " << n << " facilities");
    for (std::uint32_t row = 0; row < g.rows; ++row)
      for (std::uint32_t col = 0; col < g.cols; ++col) {
        // Brute force: the smallest distance, ties to the smaller id; minutes = d × circuity ÷ (v / 3.6) ÷ 60.
        const double cx = g.origin_x_m + (col + 0.5) * g.cell_size_m;
        const double cy = g.origin_y_m - (row + 0.5) * g.cell_size_m;
        double best = std::numeric_limits<double>::infinity();
        std::uint32_t best_id = TravelTimeField::kNoFacility;
        for (int i = 0; i < n; ++i) {
          const double d = std::hypot(x[i] - cx, y[i] - cy);
          if (d < best || (d == best && ids[i] < best_id)) {
            best = d;
            best_id = ids[i];
          }
        }
        const double minutes = best * p.circuity / (p.speed_kmh / 3.6) / 60.0;
        const std::size_t c = g.index(col, row);
        if (minutes > p.limit_min * (1 + 1e-9)) {
          REQUIRE(f.minutes[c] == TravelTimeField::kUnreached);
          REQUIRE(f.nearest[c] == TravelTimeField::kNoFacility);
        } else if (minutes < p.limit_min * (1 - 1e-9)) {
          REQUIRE(f.minutes[c] == Approx(minutes).epsilon(1e-6).margin(1e-6));
          REQUIRE(f.nearest[c] == best_id);
        }
      }
  }
}
