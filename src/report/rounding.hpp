#pragma once
// Whole numbers that add up, as a statistics office publishes them (强制平衡, forced totals): the exact figures of a
// run (persons spread over cells carry fractions) are rounded so that every published table adds up exactly —
// across its columns (covered + not covered = population, per row) and down its levels (the townships of a county
// add up to the county, the counties to the total). docs/method/coverage.md, "Published figures", states the rule:
//
//   1. every exact figure is first taken to a millionth (micro-persons, whole numbers from here on, so that sums of
//      the same cells added in another order are equal and no tie depends on the last bit of a double);
//   2. the grand total is rounded to the nearest whole number, halves to the even one (GB/T 8170-2008 数值修约);
//   3. each level is apportioned from the level above by the largest remainder (Hamilton's method): a zone's quota
//      is its share of its parent's published figure; it gets the whole part of its quota, and the units left over go
//      one each to the largest remainders (ties: the larger exact figure, then the earlier zone);
//   4. a part of the figure (persons covered) is apportioned the same way from the parent's published part, each
//      zone's part held between 0 and its published total (a zone covered completely keeps its published total
//      covered, a zone with nobody covered keeps 0), and the rest (not covered) is the difference.
//
// Where a level does not nest in the one above (a parent whose children hold fewer or more people than it does:
// boundaries that do not fit), the shortfall is apportioned as a part of its own that no child shows, or the
// children are rounded as a group of their own; RoundedLevel::adds_to_parent then says the level does not add up
// to its parent, and the tables say so in a note.

#include <cstdint>
#include <limits>
#include <span>
#include <vector>

namespace carereach::report {

/// `v` rounded to the nearest whole number, halves to the even one (GB/T 8170-2008: 四舍六入五成双). Finite values
/// within ±9e15 only (std::invalid_argument otherwise).
std::int64_t round_half_even(double v);

/// An exact figure in millionths (micro-persons), rounded half to even. Finite values with |v| < 9e12 only.
std::int64_t to_micro(double v);

/// Splits the whole number `n` ≥ 0 into one whole part per weight (weights ≥ 0, in any unit) by the largest
/// remainder: part i's quota is weight[i] × n / Σ weights; it gets the whole part of its quota, and the units left
/// go one each to the largest remainders (ties: the larger weight, then the smaller index). With bounds (lo, hi:
/// empty, or one per weight) each part stays within [lo, hi]: parts start at their quota's whole part held to the
/// bounds, then units are added to (or taken from) the parts furthest below (above) their quota that may still
/// move. When every weight is 0 the quotas are all 0 and the units go by index. Throws std::invalid_argument when
/// the bounds cannot hold n (Σ lo > n or Σ hi < n), a weight is negative or n is negative.
std::vector<std::int64_t> apportion(std::span<const std::int64_t> weights, std::int64_t n,
                                    std::span<const std::int64_t> lo = {}, std::span<const std::int64_t> hi = {});

/// Whole parts of exact values (any unit, ≥ 0) that add up to the rounded sum: the sum is rounded half to even,
/// then apportioned over the values by the largest remainder (gap areas, catchments: one list without levels).
std::vector<std::int64_t> round_to_total(std::span<const double> exact);

inline constexpr std::uint32_t kNoParent = std::numeric_limits<std::uint32_t>::max();

/// One level of exact figures: per zone a total (persons) and optionally a part of it (persons covered, at most
/// the total), and the zone's parent in the previous level.
struct ExactLevel {
  std::vector<double> total;
  std::vector<double> part;           ///< empty: no part; else one per zone, 0 ≤ part ≤ total
  std::vector<std::uint32_t> parent;  ///< empty: the level is rounded from its own total (a top level); else
                                      ///< per zone the index of its parent in the previous level, or kNoParent
};

struct RoundedLevel {
  std::vector<std::int64_t> total;  ///< per zone
  std::vector<std::int64_t> part;   ///< per zone (empty when the level has no part)
  std::int64_t level_total = 0;     ///< Σ total: the level's total row
  std::int64_t level_part = 0;      ///< Σ part
  /// Every parent's published figures equal the sums of its children's, and every zone has a parent (always true
  /// for a top level).
  bool adds_to_parent = true;
};

/// The published figures of nested levels, coarse to fine (the rule above). levels[0] must be a top level (parent
/// empty); a later level with parents is apportioned from the previous level, one without from its own total.
/// Throws std::invalid_argument when sizes do not match, a parent index is out of range, or a value is negative or
/// not finite.
std::vector<RoundedLevel> round_levels(std::span<const ExactLevel> levels);

}  // namespace carereach::report
