// E2SFCA (analysis::e2sfca): two facilities and three cells worked out by hand, the Gaussian weight by hand, and a
// brute-force double loop over a dense time matrix on random small inputs, with the conservation property
// Σ_cells P·A = Σ_j S_j (over the facilities that reach someone).

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "analysis/coverage.hpp"
#include "analysis/e2sfca.hpp"

using namespace carereach;
using carereach::analysis::DecayKind;
using carereach::analysis::E2sfcaDecay;
using carereach::analysis::FacilityReach;

namespace {

FacilityReach reach(std::uint32_t id, std::vector<std::pair<std::uint32_t, float>> cells) {
  FacilityReach r;
  r.facility = id;
  for (const auto& [c, m] : cells) r.cells.push_back({c, m});
  return r;
}

E2sfcaDecay step(std::vector<double> bands, std::vector<double> weights) {
  E2sfcaDecay d;
  d.kind = DecayKind::kStep;
  d.bands_min = std::move(bands);
  d.weights = std::move(weights);
  return d;
}

}  // namespace

// Bands ≤ 10 min weight 1, ≤ 20 min weight 0.5. Cells: P = 100, 200, 300.
// F0 (S = 10) reaches c0 in 5 min, c1 in 15: demand 100 + 100 = 200, R0 = 0.05.
// F1 (S = 6) reaches c1 in 8 min, c2 in 18, c0 in 25 (weight 0): demand 200 + 150 = 350, R1 = 6/350.
// A0 = 0.05; A1 = 0.025 + 6/350; A2 = 3/350. Σ P·A = 5 + (5 + 1200/350) + 900/350 = 16 = 10 + 6.
TEST_CASE("e2sfca: two facilities and three cells, by hand", "[analysis][e2sfca]") {
  const std::vector<FacilityReach> r = {reach(0, {{0, 5.0f}, {1, 15.0f}}), reach(1, {{1, 8.0f}, {2, 18.0f}, {0, 25.0f}})};
  const std::vector<double> supply = {10, 6};
  const std::vector<double> persons = {100, 200, 300};
  const auto res = analysis::e2sfca(r, supply, persons, step({10, 20}, {1.0, 0.5}));
  CHECK(res.demand[0] == Approx(200));
  CHECK(res.demand[1] == Approx(350));
  CHECK(res.ratio[0] == Approx(0.05));
  CHECK(res.ratio[1] == Approx(6.0 / 350));
  CHECK(res.accessibility[0] == Approx(0.05));
  CHECK(res.accessibility[1] == Approx(0.025 + 6.0 / 350));
  CHECK(res.accessibility[2] == Approx(3.0 / 350));
  CHECK(res.population_weighted_total == Approx(16.0));
  CHECK(res.supply_reaching_population == Approx(16.0));
  // Zones {c0, c1} and {c2}: (100·0.05 + 200·A1) / 300 and A2.
  const std::vector<std::uint32_t> zone = {0, 0, 1};
  const auto z = analysis::zone_accessibility(res.accessibility, persons, zone, 2);
  CHECK(z[0] == Approx((5.0 + 200 * (0.025 + 6.0 / 350)) / 300));
  CHECK(z[1] == Approx(3.0 / 350));
}

TEST_CASE("e2sfca: a facility that reaches nobody keeps its supply out of the total", "[analysis][e2sfca]") {
  // F1 reaches c0 only beyond the last band (weight 0): its catchment holds nobody.
  const std::vector<FacilityReach> r = {reach(0, {{0, 5.0f}}), reach(1, {{0, 30.0f}})};
  const std::vector<double> supply = {4, 9};
  const std::vector<double> persons = {50};
  const auto res = analysis::e2sfca(r, supply, persons, step({10, 20}, {1.0, 0.5}));
  CHECK_FALSE(res.reaches_nobody[0]);
  CHECK(res.reaches_nobody[1]);
  CHECK(res.ratio[1] == 0.0);
  CHECK(res.accessibility[0] == Approx(4.0 / 50));
  CHECK(res.supply_reaching_population == Approx(4.0));
  CHECK(res.population_weighted_total == Approx(4.0));
  const std::vector<double> negative = {-1, 2};
  CHECK_THROWS_AS(analysis::e2sfca(r, negative, persons, step({10}, {1.0})), std::invalid_argument);
}

TEST_CASE("e2sfca: the Gaussian weight by hand", "[analysis][e2sfca]") {
  E2sfcaDecay g;
  g.kind = DecayKind::kGaussian;
  g.t0_min = 20;
  CHECK(g.weight(0) == Approx(1.0));
  CHECK(g.weight(20) == Approx(0.0).margin(1e-12));
  CHECK(g.weight(21) == 0.0);
  // (e^(−1/8) − e^(−1/2)) / (1 − e^(−1/2)) = (0.8824969 − 0.6065307) / 0.3934693
  CHECK(g.weight(10) == Approx((0.8824969026 - 0.6065306597) / 0.3934693403).epsilon(1e-8));
  CHECK(g.limit_min() == 20);
}

TEST_CASE("e2sfca: a brute-force double loop on random small inputs", "[analysis][e2sfca]") {
  std::mt19937 rng(20261207);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (int trial = 0; trial < 30; ++trial) {
    const std::size_t cells = 3 + static_cast<std::size_t>(u(rng) * 12);
    const std::size_t fac = 1 + static_cast<std::size_t>(u(rng) * 5);
    const bool gaussian = trial % 2 == 1;
    std::vector<double> persons(cells);
    for (auto& p : persons) p = u(rng) < 0.2 ? 0.0 : std::floor(1 + u(rng) * 500);
    // Dense times (NaN: not reached); the reach lists hold the populated cells within 30 minutes.
    std::vector<std::vector<double>> t(fac, std::vector<double>(cells));
    std::vector<FacilityReach> reaches(fac);
    std::vector<double> supply(fac);
    for (std::size_t j = 0; j < fac; ++j) {
      reaches[j].facility = static_cast<std::uint32_t>(j);
      supply[j] = std::floor(u(rng) * 50);
      for (std::size_t i = 0; i < cells; ++i) {
        const float m = static_cast<float>(u(rng) * 45);
        t[j][i] = static_cast<double>(m);
        if (m <= 30.0f && persons[i] > 0) reaches[j].cells.push_back({static_cast<std::uint32_t>(i), m});
      }
    }
    E2sfcaDecay d = step({10, 20, 30}, {1.0, 0.68, 0.22});
    if (gaussian) {
      d.kind = DecayKind::kGaussian;
      d.t0_min = 30;
    }
    const auto w = [&](double m) {
      if (gaussian) return m > 30 ? 0.0 : (std::exp(-0.5 * (m / 30) * (m / 30)) - std::exp(-0.5)) / (1 - std::exp(-0.5));
      return m <= 10 ? 1.0 : m <= 20 ? 0.68 : m <= 30 ? 0.22 : 0.0;
    };
    const auto res = analysis::e2sfca(reaches, supply, persons, d);
    double supply_used = 0.0;
    double pa = 0.0;
    for (std::size_t i = 0; i < cells; ++i) {
      double a = 0.0;
      if (persons[i] > 0)
        for (std::size_t j = 0; j < fac; ++j) {
          double demand = 0.0;
          for (std::size_t k = 0; k < cells; ++k) demand += persons[k] * w(t[j][k]);
          if (demand > 0) a += supply[j] * w(t[j][i]) / demand;
        }
      INFO("trial " << trial << " cell " << i);
      CHECK(res.accessibility[i] == Approx(a).epsilon(1e-9).margin(1e-12));
      pa += persons[i] * a;
    }
    for (std::size_t j = 0; j < fac; ++j) {
      double demand = 0.0;
      for (std::size_t k = 0; k < cells; ++k) demand += persons[k] * w(t[j][k]);
      if (demand > 0) supply_used += supply[j];
    }
    CHECK(res.supply_reaching_population == Approx(supply_used));
    CHECK(res.population_weighted_total == Approx(supply_used).margin(1e-9));
    CHECK(pa == Approx(supply_used).margin(1e-9));
  }
}
