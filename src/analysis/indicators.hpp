#pragma once
// Planning indicators (规划指标) per zone: presence ("every county has at least one tertiary hospital", optionally
// within a distance of the county seat) and shares of facilities ("every 乡镇卫生院 has a 中医馆"), each against
// the indicator's target or the zone's own one. Plain results; docs/method/indicators.md states every rule.

#include <cstdint>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "core/facility.hpp"
#include "core/indicator.hpp"

namespace carereach::analysis {

/// One zone's result.
struct ZoneIndicator {
  /// presence: facilities of the zone that match the selector (and lie within within_m of the seat);
  /// share: facilities matching A that also match B.
  std::uint32_t count = 0;
  std::uint32_t of = 0;  ///< share: facilities matching A (the denominator); presence: unused (0)
  /// share: count ÷ of (NaN when the zone has no facility matching A); presence: NaN.
  double share = 0.0;
  double target = 0.0;       ///< the target that applied: a count (presence) or a share (share)
  bool zone_target = false;  ///< the target is the zone's own (per-zone targets), not the indicator's
  /// 1 met, 0 not met, -1 not assessed: a share indicator's zone without any facility matching A, or a presence
  /// indicator counted near the seat in a zone without a seat.
  std::int8_t met = -1;
  /// The number still to build: presence: target − count (0 when met); share: the facilities of A that must still
  /// gain B to reach the target, ⌈target × of⌉ − count (0 when met).
  std::uint32_t missing = 0;
  /// presence: the facilities counted; share: the facilities of A without B (where the missing ones are to be
  /// built). Indices into the facilities given, ascending.
  std::vector<std::uint32_t> facilities;
};

struct IndicatorResult {
  std::vector<ZoneIndicator> zones;
  std::uint32_t zones_met = 0;
  std::uint32_t zones_not_met = 0;
  std::uint32_t zones_not_assessed = 0;
  std::uint32_t missing = 0;  ///< the zones' missing facilities summed
  /// Over the whole level (share indicators): facilities of A and those with B, in zones; NaN share without any.
  std::uint32_t count = 0;
  std::uint32_t of = 0;
  double share = 0.0;
};

/// Evaluates one indicator on the zones of its level. facility_zone: per facility its zone or kNoZone (facilities
/// outside every zone are not counted). zone_seats: empty, or per zone its seat in the facilities' CRS (needed when
/// the indicator has within_m: a zone without a seat is not assessed). zone_targets: empty, or per zone its own
/// target (nullopt: the indicator's). Throws std::invalid_argument when the sizes do not match or a target is not
/// valid (a negative or fractional count, a share outside 0–1).
IndicatorResult evaluate_indicator(const PlanIndicator& indicator, std::span<const Facility> facilities,
                                   std::span<const std::uint32_t> facility_zone, std::size_t zones,
                                   std::span<const std::optional<std::pair<double, double>>> zone_seats = {},
                                   std::span<const std::optional<double>> zone_targets = {});

/// The rest of evaluate_indicator once each zone's count, of and facilities are set (the rest of each ZoneIndicator is
/// replaced): the targets, met, missing and the level's sums. seated: per zone 1 when it has a seat (read only for an
/// indicator with within_m: a zone without one is not assessed). evaluate_indicator counts and calls it; a merge of
/// tiles gives it the tiles' counts (docs/method/tiles.md#merging). Throws std::invalid_argument as evaluate_indicator.
IndicatorResult finish_indicator(const PlanIndicator& indicator, std::vector<ZoneIndicator> zones,
                                 std::span<const std::uint8_t> seated,
                                 std::span<const std::optional<double>> zone_targets = {});

}  // namespace carereach::analysis
