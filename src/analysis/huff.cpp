#include "analysis/huff.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "analysis/coverage.hpp"
#include "core/population.hpp"

namespace carereach::analysis {

double huff_decay(HuffDecay decay, double beta, double minutes) {
  if (decay == HuffDecay::kExponential) return std::exp(-beta * minutes);
  return std::pow(std::max(minutes, 1.0), -beta);
}

HuffInputs prepare_huff(std::span<const FacilityReach> reaches, std::span<const double> attractiveness,
                        std::span<const double> persons, std::span<const std::uint32_t> zone_of_cell,
                        std::span<const std::uint32_t> facility_zone, std::size_t zones) {
  if (attractiveness.size() != reaches.size() || facility_zone.size() != reaches.size())
    throw std::invalid_argument("huff: attractiveness and facility zones must be given per facility");
  if (zone_of_cell.size() != persons.size()) throw std::invalid_argument("huff: zone_of_cell and persons differ in size");
  HuffInputs in;
  in.zones = zones;
  in.attractiveness.assign(attractiveness.begin(), attractiveness.end());
  in.facility_zone.assign(facility_zone.begin(), facility_zone.end());
  for (std::size_t j = 0; j < attractiveness.size(); ++j)
    if (!(attractiveness[j] >= 0.0) || !std::isfinite(attractiveness[j]))
      throw std::invalid_argument("huff: the attractiveness of facility " + std::to_string(reaches[j].facility) +
                                  " is not a number of 0 or more");
  const auto resident = [&](std::size_t c) {
    return persons[c] > 0.0 && zone_of_cell[c] != kNoZone && zone_of_cell[c] < zones;
  };
  std::vector<CompensatedSum> zp(zones);
  for (std::size_t c = 0; c < persons.size(); ++c)
    if (resident(c)) zp[zone_of_cell[c]].add(persons[c]);
  for (auto& s : zp) in.zone_population.push_back(s.value());
  // Entries per cell (a counting sort by cell), for the residents of a zone only.
  std::vector<std::uint32_t> count(persons.size(), 0);
  for (std::size_t j = 0; j < reaches.size(); ++j) {
    if (!(attractiveness[j] > 0.0)) continue;
    for (const ReachedCell& c : reaches[j].cells) {
      if (c.cell >= persons.size()) throw std::invalid_argument("huff: a reached cell is outside the grid");
      if (resident(c.cell)) ++count[c.cell];
    }
  }
  std::vector<std::size_t> slot(persons.size(), 0);
  in.first.push_back(0);
  for (std::size_t c = 0; c < persons.size(); ++c) {
    if (count[c] == 0) continue;
    slot[c] = in.first.back();
    in.cell_persons.push_back(persons[c]);
    in.cell_zone.push_back(zone_of_cell[c]);
    in.first.push_back(in.first.back() + count[c]);
  }
  in.entries.resize(in.first.back());
  for (std::size_t j = 0; j < reaches.size(); ++j) {
    if (!(attractiveness[j] > 0.0)) continue;
    for (const ReachedCell& c : reaches[j].cells)
      if (count[c.cell] > 0) in.entries[slot[c.cell]++] = {static_cast<std::uint32_t>(j), c.minutes};
  }
  return in;
}

namespace {

/// The model on prepared inputs; without `full`, the per-facility visits are left out (calibration).
HuffResult evaluate(const HuffInputs& in, HuffDecay decay, double beta, bool full) {
  const std::size_t zones = in.zones;
  const std::size_t nf = in.attractiveness.size();
  std::vector<CompensatedSum> visits(full ? nf : 0);
  std::vector<std::vector<CompensatedSum>> flows(zones, std::vector<CompensatedSum>(zones + 1));
  std::vector<CompensatedSum> reached(zones);
  std::vector<double> w;
  for (std::size_t i = 0; i + 1 < in.first.size(); ++i) {
    const std::size_t b = in.first[i];
    const std::size_t e = in.first[i + 1];
    w.assign(e - b, 0.0);
    double sum = 0.0;
    for (std::size_t k = b; k < e; ++k) {
      const auto& en = in.entries[k];
      w[k - b] = in.attractiveness[en.facility] * huff_decay(decay, beta, static_cast<double>(en.minutes));
      sum += w[k - b];
    }
    if (!(sum > 0.0) || !std::isfinite(sum)) continue;  // every weight underflowed: no choice modelled
    const double p = in.cell_persons[i];
    const std::uint32_t z = in.cell_zone[i];
    reached[z].add(p);
    for (std::size_t k = b; k < e; ++k) {
      const auto& en = in.entries[k];
      const double v = p * w[k - b] / sum;
      const std::uint32_t d = in.facility_zone[en.facility];
      flows[z][d < zones ? d : zones].add(v);
      if (full) visits[en.facility].add(v);
    }
  }
  HuffResult r;
  for (auto& v : visits) r.visits.push_back(v.value());
  r.population = in.zone_population;
  r.flows.assign(zones, std::vector<double>(zones + 1, 0.0));
  r.stay_share.assign(zones, std::nullopt);
  for (std::size_t z = 0; z < zones; ++z) {
    for (std::size_t d = 0; d <= zones; ++d) r.flows[z][d] = flows[z][d].value();
    r.reached_population.push_back(reached[z].value());
    if (r.reached_population[z] > 0.0) r.stay_share[z] = r.flows[z][z] / r.reached_population[z];
  }
  return r;
}

double squared_error(const HuffInputs& in, HuffDecay decay, double beta, std::span<const std::optional<double>> observed) {
  const HuffResult r = evaluate(in, decay, beta, false);
  double sse = 0.0;
  for (std::size_t z = 0; z < observed.size(); ++z)
    if (observed[z] && r.stay_share[z]) sse += (*r.stay_share[z] - *observed[z]) * (*r.stay_share[z] - *observed[z]);
  return sse;
}

}  // namespace

HuffResult huff(const HuffInputs& in, HuffDecay decay, double beta) { return evaluate(in, decay, beta, true); }

HuffFit calibrate_huff(const HuffInputs& in, HuffDecay decay, std::span<const std::optional<double>> observed,
                       double beta_lo, double beta_hi) {
  if (!(beta_lo > 0.0 && beta_lo < beta_hi) || !std::isfinite(beta_hi))
    throw std::invalid_argument("huff calibration: the range of the decay parameter must be 0 < lo < hi");
  if (observed.size() != in.zones) throw std::invalid_argument("huff calibration: one observed rate per zone");
  const std::size_t usable = [&] {
    const HuffResult r = evaluate(in, decay, beta_lo, false);
    std::size_t n = 0;
    for (std::size_t z = 0; z < in.zones; ++z) n += observed[z] && r.stay_share[z] ? 1 : 0;
    return n;
  }();
  if (usable == 0)
    throw std::invalid_argument("huff calibration: no zone has both an observed rate and residents within reach of a "
                                "facility");
  // Coarse scan on a log scale, then a golden-section search between the neighbours of the best value.
  constexpr int kScan = 41;
  const double ratio = std::log(beta_hi / beta_lo);
  std::vector<double> b(kScan);
  std::vector<double> e(kScan);
  std::size_t best = 0;
  for (int k = 0; k < kScan; ++k) {
    b[static_cast<std::size_t>(k)] = beta_lo * std::exp(ratio * k / (kScan - 1));
    e[static_cast<std::size_t>(k)] = squared_error(in, decay, b[static_cast<std::size_t>(k)], observed);
    if (e[static_cast<std::size_t>(k)] < e[best]) best = static_cast<std::size_t>(k);
  }
  double lo = b[best == 0 ? 0 : best - 1];
  double hi = b[best + 1 == kScan ? best : best + 1];
  const double g = (std::sqrt(5.0) - 1.0) / 2.0;
  double x1 = hi - g * (hi - lo);
  double x2 = lo + g * (hi - lo);
  double f1 = squared_error(in, decay, x1, observed);
  double f2 = squared_error(in, decay, x2, observed);
  for (int it = 0; it < 60 && (hi - lo) > 1e-9 * hi; ++it) {
    if (f1 <= f2) {
      hi = x2;
      x2 = x1;
      f2 = f1;
      x1 = hi - g * (hi - lo);
      f1 = squared_error(in, decay, x1, observed);
    } else {
      lo = x1;
      x1 = x2;
      f1 = f2;
      x2 = lo + g * (hi - lo);
      f2 = squared_error(in, decay, x2, observed);
    }
  }
  HuffFit fit;
  fit.beta = f1 <= f2 ? x1 : x2;
  if (e[best] < std::min(f1, f2)) fit.beta = b[best];
  const HuffResult r = evaluate(in, decay, fit.beta, false);
  fit.modelled = r.stay_share;
  fit.residuals.assign(in.zones, std::nullopt);
  for (std::size_t z = 0; z < in.zones; ++z)
    if (observed[z] && r.stay_share[z]) {
      fit.residuals[z] = *r.stay_share[z] - *observed[z];
      fit.sse += *fit.residuals[z] * *fit.residuals[z];
      ++fit.zones_used;
    }
  return fit;
}

}  // namespace carereach::analysis
