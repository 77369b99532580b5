// Resource density per zone (density.hpp; docs/method/density.md).

#include "analysis/density.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "analysis/coverage.hpp"

namespace carereach::analysis {

namespace {

constexpr std::size_t kAttributes = kDensityAttributes;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::optional<double> attribute_of(const Facility& f, DensityAttribute a) {
  switch (a) {
    case DensityAttribute::kBeds: return f.beds;
    case DensityAttribute::kDoctors: return f.doctors;
    case DensityAttribute::kNurses: return f.nurses;
    case DensityAttribute::kGps: return f.gps;
    case DensityAttribute::kTcmBeds: return f.tcm_beds;
    case DensityAttribute::kTcmDoctors: return f.tcm_doctors;
  }
  return std::nullopt;
}

/// The indicators' values and flags of a zone whose population and totals are set. `available`: per attribute,
/// whether the zone's figure is known (a zone total, or facilities of the level that give it).
void evaluate(ZoneDensity& z, std::span<const DensityIndicator> indicators, const std::vector<bool>& available) {
  z.value.assign(indicators.size(), kNaN);
  z.below_target.assign(indicators.size(), -1);
  const auto total = [&](DensityAttribute a) { return z.totals[static_cast<std::size_t>(a)]; };
  const auto has = [&](DensityAttribute a) { return available[static_cast<std::size_t>(a)]; };
  for (std::size_t i = 0; i < indicators.size(); ++i) {
    const DensityIndicator& ind = indicators[i];
    double v = kNaN;
    if (ind.nurse_doctor_ratio) {
      if (has(DensityAttribute::kNurses) && has(DensityAttribute::kDoctors) && total(DensityAttribute::kDoctors) > 0)
        v = total(DensityAttribute::kNurses) / total(DensityAttribute::kDoctors);
    } else if (has(ind.attribute) && z.population > 0) {
      v = total(ind.attribute) * ind.per_persons / z.population;
    }
    z.value[i] = v;
    const std::optional<double> target = z.target(i, ind);
    if (target && !std::isnan(v)) z.below_target[i] = v < *target ? 1 : 0;
  }
}

void check_value(double v, const std::string& what) {
  if (!std::isfinite(v) || v < 0) throw std::invalid_argument("zone density: " + what + " is not a number of 0 or more");
}

}  // namespace

LevelDensity zone_density(std::span<const Facility> facilities, std::span<const std::uint32_t> facility_zone,
                          std::span<const double> zone_population, std::span<const DensityIndicator> indicators,
                          bool include_planned, const DensityZoneInputs* inputs) {
  if (facility_zone.size() != facilities.size())
    throw std::invalid_argument("zone density: " + std::to_string(facility_zone.size()) + " facility zones for " +
                                std::to_string(facilities.size()) + " facilities");
  const std::size_t zones = zone_population.size();  // finish_zone_density checks the zone inputs' sizes
  LevelDensity out;
  out.zones.resize(zones);
  for (std::size_t z = 0; z < zones; ++z) {
    out.zones[z].population = zone_population[z];
    out.zones[z].grid_population = zone_population[z];
    out.zones[z].totals.assign(kAttributes, 0.0);
    out.zones[z].reporting.assign(kAttributes, 0);
    out.zones[z].from_zone_total.assign(kAttributes, 0);
  }
  // Facilities in facility order: a zone's totals are summed in that order.
  for (std::size_t f = 0; f < facilities.size(); ++f) {
    const Facility& fac = facilities[f];
    const std::uint32_t z = facility_zone[f];
    if (z == kNoZone) continue;
    if (z >= zones)
      throw std::invalid_argument("zone density: facility " + fac.source_id + " has zone " + std::to_string(z) +
                                  " of " + std::to_string(zones));
    if (fac.status == FacilityStatus::kClosed || (fac.status == FacilityStatus::kPlanned && !include_planned)) continue;
    for (std::size_t a = 0; a < kAttributes; ++a) {
      const std::optional<double> v = attribute_of(fac, static_cast<DensityAttribute>(a));
      if (!v || !std::isfinite(*v)) continue;
      out.zones[z].totals[a] += *v;
      ++out.zones[z].reporting[a];
    }
  }
  return finish_zone_density(std::move(out.zones), indicators, inputs);
}

LevelDensity finish_zone_density(std::vector<ZoneDensity> zones_in, std::span<const DensityIndicator> indicators,
                                 const DensityZoneInputs* inputs) {
  const std::size_t zones = zones_in.size();
  if (inputs != nullptr)
    for (const std::size_t n : {inputs->totals.size(), inputs->population.size(), inputs->targets.size()})
      if (n != 0 && n != zones)
        throw std::invalid_argument("zone density: zone inputs for " + std::to_string(n) + " zones, expected " +
                                    std::to_string(zones));
  LevelDensity out;
  out.zones = std::move(zones_in);
  for (ZoneDensity& z : out.zones) {
    if (z.totals.size() != kAttributes || z.reporting.size() != kAttributes)
      throw std::invalid_argument("zone density: a zone's totals are not one per attribute");
    z.grid_population = z.population;
    z.from_zone_total.assign(kAttributes, 0);
  }
  // Zone totals replace the facilities' sums where given (kept beside them); a given population replaces the grid's.
  std::vector<bool> given(kAttributes, false);
  for (std::size_t z = 0; z < zones; ++z) {
    ZoneDensity& zd = out.zones[z];
    zd.facility_totals = zd.totals;
    if (inputs == nullptr) continue;
    if (!inputs->totals.empty()) {
      const auto& row = inputs->totals[z];
      for (std::size_t a = 0; a < kAttributes && a < row.size(); ++a) {
        if (!row[a]) continue;
        check_value(*row[a], "a zone total");
        zd.totals[a] = *row[a];
        zd.from_zone_total[a] = 1;
        given[a] = true;
        out.zone_inputs = true;
      }
    }
    if (!inputs->population.empty() && inputs->population[z]) {
      check_value(*inputs->population[z], "a zone population");
      zd.population = *inputs->population[z];
      zd.population_given = true;
      out.zone_inputs = true;
    }
    if (!inputs->targets.empty()) {
      zd.zone_target.assign(indicators.size(), std::nullopt);
      for (std::size_t i = 0; i < indicators.size() && i < inputs->targets[z].size(); ++i) {
        if (!inputs->targets[z][i]) continue;
        check_value(*inputs->targets[z][i], "a zone target");
        zd.zone_target[i] = inputs->targets[z][i];
      }
    }
  }
  // The total: the zones' sums in zone order.
  ZoneDensity& t = out.total;
  t.totals.assign(kAttributes, 0.0);
  t.facility_totals.assign(kAttributes, 0.0);
  t.reporting.assign(kAttributes, 0);
  t.from_zone_total.assign(kAttributes, 0);
  for (const ZoneDensity& z : out.zones) {
    t.population += z.population;
    t.grid_population += z.grid_population;
    t.population_given = t.population_given || z.population_given;
    for (std::size_t a = 0; a < kAttributes; ++a) {
      t.totals[a] += z.totals[a];
      t.facility_totals[a] += z.facility_totals[a];
      t.reporting[a] += z.reporting[a];
      t.from_zone_total[a] = static_cast<std::uint8_t>(t.from_zone_total[a] | z.from_zone_total[a]);
    }
  }
  // An attribute that no counted facility of the level gives is unknown, not zero: in a zone whose figure is the
  // facilities' sum, unless a facility of some zone without a zone total for it gives one (the facilities of zones
  // whose figure is a zone total do not vouch for the others); a zone total is known where given.
  std::vector<bool> by_facilities(kAttributes, false);
  for (const ZoneDensity& z : out.zones)
    for (std::size_t a = 0; a < kAttributes; ++a)
      if (z.from_zone_total[a] == 0 && z.reporting[a] > 0) by_facilities[a] = true;
  for (ZoneDensity& z : out.zones) {
    std::vector<bool> available(kAttributes);
    for (std::size_t a = 0; a < kAttributes; ++a) available[a] = by_facilities[a] || z.from_zone_total[a] != 0;
    evaluate(z, indicators, available);
  }
  std::vector<bool> available(kAttributes);
  for (std::size_t a = 0; a < kAttributes; ++a) available[a] = by_facilities[a] || given[a];
  evaluate(t, indicators, available);
  return out;
}

}  // namespace carereach::analysis
