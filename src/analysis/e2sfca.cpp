#include "analysis/e2sfca.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include "analysis/coverage.hpp"
#include "core/population.hpp"

namespace carereach::analysis {

double E2sfcaDecay::weight(double minutes) const {
  if (kind == DecayKind::kGaussian) {
    if (!(minutes <= t0_min)) return 0.0;
    const double r = minutes / t0_min;
    const double floor = std::exp(-0.5);
    return (std::exp(-0.5 * r * r) - floor) / (1.0 - floor);
  }
  for (std::size_t b = 0; b < bands_min.size(); ++b)
    if (minutes <= bands_min[b]) return weights[b];
  return 0.0;
}

double E2sfcaDecay::limit_min() const {
  if (kind == DecayKind::kGaussian) return t0_min;
  return bands_min.empty() ? 0.0 : bands_min.back();
}

E2sfcaResult e2sfca(std::span<const FacilityReach> reaches, std::span<const double> supply,
                    std::span<const double> persons, const E2sfcaDecay& decay) {
  if (supply.size() != reaches.size())
    throw std::invalid_argument("e2sfca: " + std::to_string(supply.size()) + " supplies for " +
                                std::to_string(reaches.size()) + " facilities");
  E2sfcaResult r;
  const std::size_t n = reaches.size();
  r.supply.assign(supply.begin(), supply.end());
  r.demand.assign(n, 0.0);
  r.ratio.assign(n, 0.0);
  r.reaches_nobody.assign(n, true);
  r.accessibility.assign(persons.size(), 0.0);
  // Step 1: per facility, the weighted population of its catchment and its ratio.
  for (std::size_t j = 0; j < n; ++j) {
    if (!(supply[j] >= 0.0) || !std::isfinite(supply[j]))
      throw std::invalid_argument("e2sfca: the supply of facility " + std::to_string(reaches[j].facility) +
                                  " is not a number of 0 or more");
    CompensatedSum d;
    for (const ReachedCell& c : reaches[j].cells) {
      if (c.cell >= persons.size()) throw std::invalid_argument("e2sfca: a reached cell is outside the grid");
      d.add(persons[c.cell] * decay.weight(static_cast<double>(c.minutes)));
    }
    r.demand[j] = d.value();
    if (r.demand[j] > 0.0) {
      r.reaches_nobody[j] = false;
      r.ratio[j] = supply[j] / r.demand[j];
    }
  }
  // Step 2: per cell, the ratios of the facilities that reach it, weighted by the same decay.
  for (std::size_t j = 0; j < n; ++j) {
    if (r.reaches_nobody[j]) continue;
    for (const ReachedCell& c : reaches[j].cells)
      r.accessibility[c.cell] += r.ratio[j] * decay.weight(static_cast<double>(c.minutes));
  }
  CompensatedSum total;
  for (std::size_t i = 0; i < persons.size(); ++i)
    if (persons[i] > 0.0) total.add(persons[i] * r.accessibility[i]);
  r.population_weighted_total = total.value();
  CompensatedSum s;
  for (std::size_t j = 0; j < n; ++j)
    if (!r.reaches_nobody[j]) s.add(supply[j]);
  r.supply_reaching_population = s.value();
  return r;
}

std::vector<double> zone_accessibility(std::span<const double> accessibility, std::span<const double> persons,
                                       std::span<const std::uint32_t> zone_of_cell, std::size_t zones) {
  if (accessibility.size() != persons.size() || zone_of_cell.size() != persons.size())
    throw std::invalid_argument("zone_accessibility: the per-cell inputs differ in size");
  std::vector<CompensatedSum> pa(zones);
  std::vector<CompensatedSum> p(zones);
  for (std::size_t i = 0; i < persons.size(); ++i) {
    const std::uint32_t z = zone_of_cell[i];
    if (z == kNoZone || z >= zones || !(persons[i] > 0.0)) continue;
    pa[z].add(persons[i] * accessibility[i]);
    p[z].add(persons[i]);
  }
  std::vector<double> out(zones, 0.0);
  for (std::size_t z = 0; z < zones; ++z)
    if (p[z].value() > 0.0) out[z] = pa[z].value() / p[z].value();
  return out;
}

}  // namespace carereach::analysis
