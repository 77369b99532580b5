// The Huff model (analysis::huff): cases by hand, a brute-force per-cell loop on random inputs, and a calibration
// that recovers the decay parameter from rates generated with it.

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <optional>
#include <random>
#include <vector>

#include "analysis/coverage.hpp"
#include "analysis/huff.hpp"

using namespace carereach;
using carereach::analysis::FacilityReach;
using carereach::analysis::HuffDecay;

namespace {

FacilityReach reach(std::uint32_t id, std::vector<std::pair<std::uint32_t, float>> cells) {
  FacilityReach r;
  r.facility = id;
  for (const auto& [c, m] : cells) r.cells.push_back({c, m});
  return r;
}

}  // namespace

// Zone 0: cell 0 (100 persons) reaches F0 (zone 0, attractiveness 2) in 10 min and F1 (zone 1, attractiveness 1)
// in 20 min. Zone 1: cell 1 (50 persons) reaches F1 in 5 min. Cell 2 (zone 1, 30 persons) reaches nothing.
// Exponential, β = 0.1: weights 2e^(−1) = 0.7357589 and e^(−2) = 0.1353353; cell 0 goes to F0 with 0.8446375.
TEST_CASE("huff: two zones and two facilities, by hand", "[analysis][huff]") {
  const std::vector<FacilityReach> r = {reach(0, {{0, 10.0f}}), reach(1, {{0, 20.0f}, {1, 5.0f}})};
  const std::vector<double> attr = {2, 1};
  const std::vector<double> persons = {100, 50, 30};
  const std::vector<std::uint32_t> zone = {0, 1, 1};
  const std::vector<std::uint32_t> fzone = {0, 1};
  const auto in = analysis::prepare_huff(r, attr, persons, zone, fzone, 2);
  const auto res = analysis::huff(in, HuffDecay::kExponential, 0.1);
  const double p0 = 2 * std::exp(-1.0) / (2 * std::exp(-1.0) + std::exp(-2.0));
  REQUIRE(res.stay_share[0].has_value());
  CHECK(*res.stay_share[0] == Approx(p0));
  CHECK(*res.stay_share[1] == Approx(1.0));
  CHECK(res.flows[0][1] == Approx(100 * (1 - p0)));
  CHECK(res.flows[0][2] == 0.0);
  CHECK(res.visits[0] == Approx(100 * p0));
  CHECK(res.visits[1] == Approx(100 * (1 - p0) + 50));
  CHECK(res.population[1] == Approx(80));
  CHECK(res.reached_population[1] == Approx(50));
  // Power decay, β = 2: 2·10^(−2) = 0.02 against 20^(−2) = 0.0025.
  const auto pw = analysis::huff(in, HuffDecay::kPower, 2.0);
  CHECK(*pw.stay_share[0] == Approx(0.02 / 0.0225));
  // A facility in no zone: the flow goes to the last column.
  const std::vector<std::uint32_t> outside = {0, analysis::kNoZone};
  const auto o = analysis::huff(analysis::prepare_huff(r, attr, persons, zone, outside, 2), HuffDecay::kExponential, 0.1);
  CHECK(o.flows[0][2] == Approx(100 * (1 - p0)));
  REQUIRE(o.stay_share[1].has_value());
  CHECK(*o.stay_share[1] == 0.0);
}

TEST_CASE("huff: the power decay counts times under a minute as one minute", "[analysis][huff]") {
  CHECK(analysis::huff_decay(HuffDecay::kPower, 2.0, 0.25) == Approx(1.0));
  CHECK(analysis::huff_decay(HuffDecay::kPower, 2.0, 4.0) == Approx(1.0 / 16));
  CHECK(analysis::huff_decay(HuffDecay::kExponential, 0.5, 2.0) == Approx(std::exp(-1.0)));
}

namespace {

struct RandomCase {
  std::vector<FacilityReach> reaches;
  std::vector<double> attr;
  std::vector<double> persons;
  std::vector<std::uint32_t> zone;
  std::vector<std::uint32_t> fzone;
  std::vector<std::vector<double>> t;  ///< [facility][cell], NaN: not reached
};

RandomCase random_case(std::mt19937& rng, std::size_t zones, std::size_t cells_per_zone, std::size_t fac) {
  std::uniform_real_distribution<double> u(0.0, 1.0);
  RandomCase c;
  const std::size_t cells = zones * cells_per_zone;
  for (std::size_t i = 0; i < cells; ++i) {
    c.persons.push_back(std::floor(u(rng) * 1000));
    c.zone.push_back(static_cast<std::uint32_t>(i / cells_per_zone));
  }
  for (std::size_t j = 0; j < fac; ++j) {
    const auto fz = static_cast<std::uint32_t>(j % zones);
    c.fzone.push_back(fz);
    c.attr.push_back(1 + std::floor(u(rng) * 500));
    FacilityReach r;
    r.facility = static_cast<std::uint32_t>(j);
    std::vector<double> row(cells, std::nan(""));
    for (std::size_t i = 0; i < cells; ++i) {
      // Closer within its own zone.
      const double m = (c.zone[i] == fz ? 2 + u(rng) * 20 : 15 + u(rng) * 60);
      if (m > 70) continue;
      row[i] = static_cast<double>(static_cast<float>(m));
      if (c.persons[i] > 0) r.cells.push_back({static_cast<std::uint32_t>(i), static_cast<float>(m)});
    }
    c.t.push_back(row);
    c.reaches.push_back(std::move(r));
  }
  return c;
}

}  // namespace

TEST_CASE("huff: a brute-force loop on random inputs", "[analysis][huff]") {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 10; ++trial) {
    const RandomCase c = random_case(rng, 3, 6, 5);
    const HuffDecay decay = trial % 2 == 0 ? HuffDecay::kExponential : HuffDecay::kPower;
    const double beta = trial % 2 == 0 ? 0.08 : 1.5;
    const auto res = analysis::huff(analysis::prepare_huff(c.reaches, c.attr, c.persons, c.zone, c.fzone, 3), decay, beta);
    std::vector<double> stay(3, 0.0);
    std::vector<double> reached(3, 0.0);
    for (std::size_t i = 0; i < c.persons.size(); ++i) {
      if (!(c.persons[i] > 0)) continue;
      double sum = 0.0;
      double own = 0.0;
      for (std::size_t j = 0; j < c.attr.size(); ++j) {
        if (std::isnan(c.t[j][i])) continue;
        const double f = decay == HuffDecay::kExponential ? std::exp(-beta * c.t[j][i])
                                                          : std::pow(std::max(c.t[j][i], 1.0), -beta);
        sum += c.attr[j] * f;
        if (c.fzone[j] == c.zone[i]) own += c.attr[j] * f;
      }
      if (sum > 0) {
        reached[c.zone[i]] += c.persons[i];
        stay[c.zone[i]] += c.persons[i] * own / sum;
      }
    }
    for (std::size_t z = 0; z < 3; ++z) {
      INFO("trial " << trial << " zone " << z);
      REQUIRE(res.stay_share[z].has_value());
      CHECK(*res.stay_share[z] == Approx(stay[z] / reached[z]).epsilon(1e-9));
      double row = 0.0;
      for (const double v : res.flows[z]) row += v;
      CHECK(row == Approx(reached[z]));
    }
  }
}

TEST_CASE("huff: calibration recovers the decay parameter the rates were made with", "[analysis][huff]") {
  std::mt19937 rng(11);
  const RandomCase c = random_case(rng, 4, 8, 8);
  const auto in = analysis::prepare_huff(c.reaches, c.attr, c.persons, c.zone, c.fzone, 4);
  for (const auto& [decay, beta, lo, hi] :
       {std::tuple{HuffDecay::kExponential, 0.07, 0.001, 1.0}, std::tuple{HuffDecay::kPower, 1.8, 0.05, 5.0}}) {
    const auto truth = analysis::huff(in, decay, beta);
    std::vector<std::optional<double>> observed(truth.stay_share.begin(), truth.stay_share.end());
    observed[2].reset();  // a county without an observed rate is left out of the fit
    const auto fit = analysis::calibrate_huff(in, decay, observed, lo, hi);
    CHECK(fit.beta == Approx(beta).epsilon(1e-4));
    CHECK(fit.sse < 1e-12);
    CHECK(fit.zones_used == 3);
    CHECK_FALSE(fit.residuals[2].has_value());
    REQUIRE(fit.residuals[0].has_value());
    CHECK(std::abs(*fit.residuals[0]) < 1e-6);
  }
  // No observed rate at all: refused.
  const std::vector<std::optional<double>> none(4);
  CHECK_THROWS_AS(analysis::calibrate_huff(in, HuffDecay::kExponential, none, 0.001, 1.0), std::invalid_argument);
}
