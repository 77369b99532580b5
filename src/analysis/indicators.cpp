#include "analysis/indicators.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "analysis/coverage.hpp"

namespace carereach::analysis {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void check_target(const PlanIndicator& ind, double t) {
  if (ind.kind == IndicatorKind::kPresence) {
    if (!(t >= 0 && t <= 1e6 && std::floor(t) == t))
      throw std::invalid_argument("indicator " + ind.id + ": a presence target must be a whole number of 0 or more");
  } else if (!(t >= 0 && t <= 1)) {
    throw std::invalid_argument("indicator " + ind.id + ": a share target must be between 0 and 1");
  }
}

/// The facilities of A that must have B for `count` of `of` to reach the share `target`: ⌈target × of⌉ − count.
/// The product is rounded to 1e-9 first so that 0.3 × 10 (2.9999999999999996 in binary) asks for 3, not 4.
std::uint32_t still_needed(double target, std::uint32_t of, std::uint32_t count) {
  const double product = std::round(target * of * 1e9) / 1e9;
  const auto needed = static_cast<std::uint32_t>(std::ceil(product));
  return needed > count ? needed - count : 0;
}

}  // namespace

IndicatorResult evaluate_indicator(const PlanIndicator& ind, std::span<const Facility> facilities,
                                   std::span<const std::uint32_t> facility_zone, std::size_t zones,
                                   std::span<const std::optional<std::pair<double, double>>> zone_seats,
                                   std::span<const std::optional<double>> zone_targets) {
  if (facility_zone.size() != facilities.size())
    throw std::invalid_argument("indicator " + ind.id + ": " + std::to_string(facility_zone.size()) +
                                " facility zones for " + std::to_string(facilities.size()) + " facilities");
  if (!zone_seats.empty() && zone_seats.size() != zones)
    throw std::invalid_argument("indicator " + ind.id + ": seats for " + std::to_string(zone_seats.size()) +
                                " zones, expected " + std::to_string(zones));
  if (!zone_targets.empty() && zone_targets.size() != zones)
    throw std::invalid_argument("indicator " + ind.id + ": targets for " + std::to_string(zone_targets.size()) +
                                " zones, expected " + std::to_string(zones));
  const bool presence = ind.kind == IndicatorKind::kPresence;
  std::vector<ZoneIndicator> counted(zones);
  std::vector<std::uint8_t> seated(zones, 0);
  for (std::size_t z = 0; z < zones && z < zone_seats.size(); ++z) seated[z] = zone_seats[z] ? 1 : 0;
  const double within2 = ind.within_m ? *ind.within_m * *ind.within_m : 0.0;
  for (std::size_t f = 0; f < facilities.size(); ++f) {
    const std::uint32_t z = facility_zone[f];
    if (z == kNoZone) continue;
    if (z >= zones) throw std::invalid_argument("indicator " + ind.id + ": facility zone out of range");
    const Facility& fac = facilities[f];
    if (!ind.select.matches(fac)) continue;
    ZoneIndicator& r = counted[z];
    if (presence) {
      if (ind.within_m) {
        if (zone_seats.empty() || !zone_seats[z]) continue;
        const double dx = fac.x_m - zone_seats[z]->first;
        const double dy = fac.y_m - zone_seats[z]->second;
        if (dx * dx + dy * dy > within2) continue;
      }
      ++r.count;
      r.facilities.push_back(static_cast<std::uint32_t>(f));
    } else {
      ++r.of;
      if (ind.with.matches(fac)) ++r.count;
      else r.facilities.push_back(static_cast<std::uint32_t>(f));
    }
  }
  return finish_indicator(ind, std::move(counted), seated, zone_targets);
}

IndicatorResult finish_indicator(const PlanIndicator& ind, std::vector<ZoneIndicator> zones,
                                 std::span<const std::uint8_t> seated,
                                 std::span<const std::optional<double>> zone_targets) {
  if (!zone_targets.empty() && zone_targets.size() != zones.size())
    throw std::invalid_argument("indicator " + ind.id + ": targets for " + std::to_string(zone_targets.size()) +
                                " zones, expected " + std::to_string(zones.size()));
  const bool presence = ind.kind == IndicatorKind::kPresence;
  const double default_target = presence ? ind.min_count : ind.target_share;
  check_target(ind, default_target);
  IndicatorResult out;
  out.zones = std::move(zones);
  for (std::size_t z = 0; z < out.zones.size(); ++z) {
    ZoneIndicator& r = out.zones[z];
    r.target = default_target;
    r.zone_target = false;
    if (!zone_targets.empty() && zone_targets[z]) {
      check_target(ind, *zone_targets[z]);
      r.target = *zone_targets[z];
      r.zone_target = true;
    }
  }
  for (std::size_t z = 0; z < out.zones.size(); ++z) {
    ZoneIndicator& r = out.zones[z];
    if (presence) {
      r.share = kNaN;
      if (ind.within_m && (z >= seated.size() || seated[z] == 0)) {
        r.met = -1;
      } else {
        const auto target = static_cast<std::uint32_t>(r.target);
        r.met = r.count >= target ? 1 : 0;
        r.missing = r.count >= target ? 0 : target - r.count;
      }
    } else {
      out.of += r.of;
      out.count += r.count;
      if (r.of == 0) {
        r.share = kNaN;
        r.met = -1;
      } else {
        r.share = static_cast<double>(r.count) / r.of;
        r.missing = still_needed(r.target, r.of, r.count);
        r.met = r.missing == 0 ? 1 : 0;
      }
    }
    out.missing += r.missing;
    if (r.met == 1) ++out.zones_met;
    else if (r.met == 0) ++out.zones_not_met;
    else ++out.zones_not_assessed;
  }
  out.share = out.of == 0 ? kNaN : static_cast<double>(out.count) / out.of;
  return out;
}

}  // namespace carereach::analysis
