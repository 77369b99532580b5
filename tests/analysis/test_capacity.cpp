// Capacity-aware coverage (analysis::capacity_coverage): cases worked out by hand (two facilities competing for one
// village, capacity exactly met, the ring that crosses the capacity, zero capacity, ties in order), and random small
// grids against a naive reference written here independently (full time matrix, O(n²) scans, no sorted lists).

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <stdexcept>
#include <vector>

#include "analysis/capacity.hpp"

using namespace carereach;
using carereach::analysis::CapacityInput;
using carereach::analysis::CapacityOrder;
using carereach::analysis::CapacityStatus;
using carereach::analysis::FacilityReach;
using carereach::analysis::ReachedCell;

namespace {

FacilityReach reach(std::uint32_t id, std::vector<ReachedCell> cells, bool joined = true) {
  std::sort(cells.begin(), cells.end(), [](const ReachedCell& a, const ReachedCell& b) {
    return a.minutes != b.minutes ? a.minutes < b.minutes : a.cell < b.cell;
  });
  return FacilityReach{id, joined, std::move(cells)};
}

analysis::CapacityResult run(const std::vector<FacilityReach>& r, const std::vector<double>& cap,
                             const std::vector<double>& persons, CapacityOrder order = CapacityOrder::kPopulation,
                             const std::vector<double>& values = {}) {
  CapacityInput in;
  in.reach = r;
  in.capacity = cap;
  in.persons = persons;
  in.order = order;
  in.order_value = values;
  return analysis::capacity_coverage(in);
}

}  // namespace

TEST_CASE("capacity: two facilities compete for one village; the first in order takes its capacity, the other the rest",
          "[capacity]") {
  // One village (cell 0, 100 persons), 5 min from A (id 0) and 3 min from B (id 1). Both have 100 persons within the
  // threshold: a tie, so A (the smaller id) goes first and takes 60; B takes the 40 left and reaches its threshold
  // with 40 of its 80 unused.
  const std::vector<double> persons{100.0};
  const auto res = run({reach(0, {{0, 5.0f}}), reach(1, {{0, 3.0f}})}, {60.0, 80.0}, persons);
  REQUIRE(res.order == std::vector<std::uint32_t>{0, 1});
  CHECK(res.facilities[0].served == Approx(60.0));
  CHECK(res.facilities[0].status == CapacityStatus::kCapacityReached);
  CHECK(res.facilities[0].reached_min == 5.0f);
  CHECK(res.facilities[1].served == Approx(40.0));
  CHECK(res.facilities[1].status == CapacityStatus::kThresholdFirst);
  CHECK(res.facilities[1].population_within == Approx(100.0));
  CHECK(res.residual[0] == Approx(0.0).margin(1e-9));
  CHECK(res.within[0] == 1);
  CHECK(res.main_facility[0] == 0u);  // A took 60 of the 100
}

TEST_CASE("capacity: a capacity met exactly by whole rings leaves the farther cells untouched", "[capacity]") {
  // Rings at 1, 2 and 3 min hold 30, 20 and 50 persons; capacity 50 = 30 + 20: reached at 2 min.
  const std::vector<double> persons{30.0, 20.0, 50.0, 7.0};
  const auto res = run({reach(4, {{0, 1.0f}, {1, 2.0f}, {2, 3.0f}})}, {50.0}, persons);
  CHECK(res.facilities[0].served == 50.0);
  CHECK(res.facilities[0].status == CapacityStatus::kCapacityReached);
  CHECK(res.facilities[0].reached_min == 2.0f);
  CHECK(res.facilities[0].cells_taken == 2u);
  CHECK(res.residual == std::vector<double>{0.0, 0.0, 50.0, 7.0});
  CHECK(res.within == std::vector<std::uint8_t>{1, 1, 1, 0});
  CHECK(res.main_facility[2] == analysis::kNoFacilityIndex);
}

TEST_CASE("capacity: the ring that crosses the capacity gives the same fraction of each of its cells", "[capacity]") {
  // Ring 1 min: 10 persons; ring 2 min: cells of 30 and 10 (40). Capacity 30: ring 1 whole, then 20 of 40 from
  // ring 2, half of each cell: 15 and 5 taken, 15 and 5 left.
  const std::vector<double> persons{10.0, 30.0, 10.0};
  const auto res = run({reach(0, {{0, 1.0f}, {2, 2.0f}, {1, 2.0f}})}, {30.0}, persons);
  CHECK(res.facilities[0].served == Approx(30.0));
  CHECK(res.facilities[0].reached_min == 2.0f);
  CHECK(res.residual[0] == 0.0);
  CHECK(res.residual[1] == Approx(15.0));
  CHECK(res.residual[2] == Approx(5.0));
}

TEST_CASE("capacity: zero capacity takes nobody; a facility not joined reaches nobody", "[capacity]") {
  const std::vector<double> persons{10.0, 20.0};
  const auto res = run({reach(0, {{0, 1.0f}, {1, 2.0f}}), reach(1, {}, false), reach(2, {{1, 1.0f}})},
                       {0.0, 50.0, 5.0}, persons);
  CHECK(res.facilities[0].served == 0.0);
  CHECK(res.facilities[0].status == CapacityStatus::kNoCapacity);
  CHECK(res.facilities[0].population_within == Approx(30.0));
  CHECK(res.facilities[1].status == CapacityStatus::kNotJoined);
  CHECK(res.facilities[1].served == 0.0);
  CHECK(res.facilities[2].served == Approx(5.0));
  CHECK(res.residual == std::vector<double>{10.0, 15.0});
  // Order by population within: 30 (id 0), 20 (id 2), 0 (id 1).
  CHECK(res.order == std::vector<std::uint32_t>{0, 2, 1});
}

TEST_CASE("capacity: ties in order go to the smaller facility id, whatever the input order", "[capacity]") {
  // Input order: ids 9, 3, 5. Order values 2, 2, 7 → 5 first, then 3 (smaller id than 9), then 9. All three reach
  // the same cell of 10 persons, capacity 6 each: 5 takes 6, 3 takes 4, 9 takes nothing.
  const std::vector<double> persons{10.0};
  const auto res = run({reach(9, {{0, 1.0f}}), reach(3, {{0, 1.0f}}), reach(5, {{0, 1.0f}})}, {6.0, 6.0, 6.0},
                       persons, CapacityOrder::kValue, {2.0, 2.0, 7.0});
  REQUIRE(res.order == std::vector<std::uint32_t>{2, 1, 0});
  CHECK(res.facilities[2].served == Approx(6.0));
  CHECK(res.facilities[1].served == Approx(4.0));
  CHECK(res.facilities[0].served == 0.0);
  CHECK(res.facilities[0].status == CapacityStatus::kThresholdFirst);
  CHECK(res.facilities[0].rank == 2u);
  // Population order with equal populations: by id as well.
  const auto byp = run({reach(9, {{0, 1.0f}}), reach(3, {{0, 1.0f}})}, {1.0, 1.0}, persons);
  CHECK(byp.order == std::vector<std::uint32_t>{1, 0});
}

TEST_CASE("capacity: a negative or non-finite capacity is refused", "[capacity]") {
  const std::vector<double> persons{10.0};
  CHECK_THROWS_AS(run({reach(0, {{0, 1.0f}})}, {-1.0}, persons), std::invalid_argument);
  CHECK_THROWS_AS(run({reach(0, {{0, 1.0f}})}, {std::numeric_limits<double>::quiet_NaN()}, persons),
                  std::invalid_argument);
  CHECK_THROWS_AS(run({reach(0, {{0, 1.0f}})}, {1.0, 2.0}, persons), std::invalid_argument);
  CHECK_THROWS_AS(run({reach(0, {{3, 1.0f}})}, {1.0}, persons), std::invalid_argument);
}

namespace {

/// The naive reference: a full facility × cell time matrix (∞ = beyond the threshold); the order found by repeated
/// scans for the largest remaining key; each facility repeatedly scans all cells for the smallest unvisited time
/// with residual persons, then takes every cell of that time whole or by the same fraction.
struct Naive {
  std::vector<double> residual;
  std::vector<double> served;
  std::vector<std::size_t> order;
};

Naive naive(const std::vector<std::vector<float>>& time, const std::vector<std::uint32_t>& ids,
            const std::vector<double>& cap, const std::vector<double>& persons) {
  const std::size_t nf = time.size(), nc = persons.size();
  const float inf = std::numeric_limits<float>::infinity();
  std::vector<double> key(nf, 0.0);
  for (std::size_t f = 0; f < nf; ++f)
    for (std::size_t c = 0; c < nc; ++c)
      if (time[f][c] != inf) key[f] += persons[c];
  Naive out;
  std::vector<bool> done(nf, false);
  for (std::size_t k = 0; k < nf; ++k) {
    std::size_t best = nf;
    for (std::size_t f = 0; f < nf; ++f) {
      if (done[f]) continue;
      if (best == nf || key[f] > key[best] + 1e-9 || (std::abs(key[f] - key[best]) <= 1e-9 && ids[f] < ids[best]))
        best = f;
    }
    done[best] = true;
    out.order.push_back(best);
  }
  out.residual = persons;
  out.served.assign(nf, 0.0);
  for (std::size_t f : out.order) {
    double left = cap[f];
    std::vector<bool> visited(nc, false);
    while (left > 0.0) {
      float tmin = inf;
      for (std::size_t c = 0; c < nc; ++c)
        if (!visited[c] && time[f][c] < tmin) tmin = time[f][c];
      if (tmin == inf) break;
      double ring = 0.0;
      for (std::size_t c = 0; c < nc; ++c)
        if (time[f][c] == tmin) ring += out.residual[c];
      const double share = ring <= left ? 1.0 : left / ring;
      for (std::size_t c = 0; c < nc; ++c)
        if (time[f][c] == tmin) {
          visited[c] = true;
          const double take = out.residual[c] * share;
          out.residual[c] -= take;
          out.served[f] += take;
          left -= take;
        }
      if (share < 1.0) left = 0.0;
    }
  }
  return out;
}

}  // namespace

TEST_CASE("capacity: random small grids agree with the naive reference", "[capacity]") {
  std::mt19937 rng(20261207);
  for (int trial = 0; trial < 200; ++trial) {
    const int w = 3 + static_cast<int>(rng() % 8), h = 3 + static_cast<int>(rng() % 8);
    const std::size_t nc = static_cast<std::size_t>(w * h);
    std::vector<double> persons(nc);
    for (auto& p : persons) p = rng() % 4 == 0 ? 0.0 : static_cast<double>(rng() % 40) + 0.25 * static_cast<double>(rng() % 4);
    const std::size_t nf = 1 + rng() % 6;
    const float threshold = 1.0f + static_cast<float>(rng() % 12);
    std::vector<std::vector<float>> time(nf, std::vector<float>(nc, std::numeric_limits<float>::infinity()));
    std::vector<FacilityReach> lists;
    std::vector<double> cap(nf);
    std::vector<std::uint32_t> ids(nf);
    std::vector<std::uint32_t> pool{0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    std::shuffle(pool.begin(), pool.end(), rng);
    for (std::size_t f = 0; f < nf; ++f) {
      ids[f] = pool[f];
      const int fx = static_cast<int>(rng() % static_cast<unsigned>(w)), fy = static_cast<int>(rng() % static_cast<unsigned>(h));
      const double speed = 0.5 + 0.5 * static_cast<double>(rng() % 3);
      cap[f] = rng() % 5 == 0 ? 0.0 : static_cast<double>(rng() % 300);
      FacilityReach r;
      r.facility = ids[f];
      r.joined = rng() % 10 != 0;
      for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
          const std::size_t c = static_cast<std::size_t>(y * w + x);
          // Times on a half-minute grid: many cells share a ring.
          const float t = static_cast<float>(std::round(2.0 * std::hypot(x - fx, y - fy) / speed) / 2.0);
          if (t > threshold || !(persons[c] > 0.0) || !r.joined) continue;
          time[f][c] = t;
          r.cells.push_back({static_cast<std::uint32_t>(c), t});
        }
      std::sort(r.cells.begin(), r.cells.end(), [](const ReachedCell& a, const ReachedCell& b) {
        return a.minutes != b.minutes ? a.minutes < b.minutes : a.cell < b.cell;
      });
      lists.push_back(std::move(r));
    }
    const Naive ref = naive(time, ids, cap, persons);
    const auto res = run(lists, cap, persons);
    INFO("trial " << trial);
    REQUIRE(res.order.size() == nf);
    for (std::size_t k = 0; k < nf; ++k) CHECK(res.order[k] == ref.order[k]);
    double total_served = 0.0;
    for (std::size_t f = 0; f < nf; ++f) {
      CHECK(res.facilities[f].served == Approx(ref.served[f]).margin(1e-6));
      CHECK(res.facilities[f].served <= cap[f] + 1e-9);
      total_served += res.facilities[f].served;
    }
    double before = 0.0, after = 0.0;
    for (std::size_t c = 0; c < nc; ++c) {
      CHECK(res.residual[c] == Approx(ref.residual[c]).margin(1e-6));
      CHECK(res.residual[c] >= 0.0);
      before += persons[c];
      after += res.residual[c];
    }
    CHECK(before - after == Approx(total_served).margin(1e-6));
  }
}
