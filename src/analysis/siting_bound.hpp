#pragma once
// Upper bounds for maximal covering (MCLP) without a solver: the Lagrangian relaxation of the coverage rows,
// minimised by subgradient steps. Cheap (one pass over the coverage lists per step) and, at its optimum, equal to
// the LP relaxation's bound, so a greedy solution's optimality gap can be stated in seconds where the LP or the
// exact solve of a prefecture takes minutes. docs/method/siting.md, "Bounds". Pure: no files, no printing.

#include <cstdint>
#include <span>
#include <vector>

namespace carereach::analysis {

/// A covering model on demand rows: row i has weight (persons) row_weight[i] ≥ 0, candidate j covers the rows
/// covers[j]. Per-zone minimums: candidate j lies in zone candidate_zone[j] (or kNoBoundZone), and every zone z must
/// get at least zone_required[z] candidates (both empty: no minimums). Zones hold disjoint candidates.
struct CoverModel {
  std::span<const double> row_weight;
  std::span<const std::vector<std::uint32_t>> covers;
  std::span<const std::uint32_t> candidate_zone;
  std::span<const std::uint32_t> zone_required;
};
inline constexpr std::uint32_t kNoBoundZone = 0xFFFFFFFFu;

struct CoverBound {
  double bound = 0.0;   ///< an upper bound on the weight any `budget` candidates (meeting the minimums) cover
  int iterations = 0;   ///< subgradient steps taken
};

/// An upper bound on max Σ_i w_i y_i subject to y_i ≤ Σ_{j covers i} x_j, Σ_j x_j ≤ budget, the zone minimums,
/// x, y ∈ {0, 1}. Relaxing the coverage rows with multipliers 0 ≤ λ_i ≤ w_i gives
///   L(λ) = Σ_i (w_i − λ_i) + max over feasible x of Σ_j x_j Σ_{i ∈ covers[j]} λ_i,
/// an upper bound for every λ; the inner maximum takes every zone's required number of its best candidates, then
/// the best of the rest up to the budget (optimal for disjoint zones). The bound starts from λ = w (the best
/// `budget` single coverages summed) and is lowered by subgradient steps (Polyak's step towards `lower_bound`, the
/// weight of a known solution), stopping after `max_iterations`, when the bound is within `stop_gap` (relative) of
/// lower_bound, or when the steps no longer lower it. The result is the least bound seen. Throws
/// std::invalid_argument for inconsistent sizes or minimums above the budget.
CoverBound mclp_upper_bound(const CoverModel& model, std::uint32_t budget, double lower_bound, int max_iterations = 1000,
                            double stop_gap = 1e-4);

/// A lower bound on the number of candidates needed to cover at least `need` weight: one more than the largest k
/// (0 ≤ k < upper) whose mclp_upper_bound is below need, found by bisection; `upper` is a number of candidates known
/// to suffice (a solution's). `known[k − 1]`, when given, is the weight some k candidates are known to cover (e.g.
/// a greedy solution's first k): the steps for k aim at it. Returns upper when no smaller k can be excluded.
std::uint32_t fewest_sites_lower_bound(const CoverModel& model, double need, std::uint32_t upper,
                                       std::span<const double> known = {}, int max_iterations = 1000);

}  // namespace carereach::analysis
