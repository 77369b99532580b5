#pragma once
// Facility siting (选址): which candidate sites to open so that more of the population is within a standard's
// threshold. Maximal covering for a budget of new sites (MCLP), the fewest sites that reach a target share
// (set covering with a share, LSCP-like), minimum numbers of new sites per zone. Solved greedily (lazy evaluation)
// and, when COIN-OR CBC is built in, exactly on a reduced model; every result states its optimality gap.
// Pure: plain inputs (what each candidate covers, persons per cell), plain results; no files, no printing.
// docs/method/siting.md gives the rules.

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace carereach::analysis {

inline constexpr std::uint32_t kNoSitingZone = std::numeric_limits<std::uint32_t>::max();

enum class SitingObjective {
  kBudget,       ///< MCLP: at most `budget` new sites, as many persons covered as possible
  kTargetShare,  ///< the fewest new sites so that covered (existing + new) ≥ target_share × total
};

enum class SitingMethod { kGreedy, kExact, kAuto };

const char* to_string(SitingMethod m);

/// The siting problem on demand cells: the populated cells no fixed existing facility covers. Cell indexes are the
/// caller's own (e.g. Grid::index), any order. "Sites" are the candidates (new sites or upgrades) and, with
/// closures allowed, the existing facilities that may be closed (closable): the model keeps or closes each of those.
struct SitingProblem {
  /// Per demand cell: its persons (> 0). Cells with persons ≤ 0 are ignored.
  std::vector<std::uint32_t> cells;
  std::vector<double> persons;
  /// Per candidate: the demand cells (values of `cells`) it would cover within the threshold. Cells not in `cells`
  /// (already covered, unpopulated) are ignored.
  std::vector<std::vector<std::uint32_t>> covers;
  /// Persons the existing facilities that stay (every existing one but the closable) cover already.
  double covered_before = 0.0;
  double total = 0.0;           ///< every person of the study area (the denominator of shares)

  SitingObjective objective = SitingObjective::kBudget;
  std::uint32_t budget = 0;      ///< kBudget: at most this many new sites
  double target_share = 0.9;     ///< kTargetShare: 0–1

  /// Per-zone minimums: per candidate its zone (kNoSitingZone: none), and per zone the number of new sites it must
  /// get at least. Empty: no zone minimums.
  std::vector<std::uint32_t> candidate_zone;
  std::vector<std::uint32_t> zone_required;

  /// Closures: per candidate, non-zero when it is an existing facility that may be closed (open today; the model
  /// keeps or closes it). Empty: none. kBudget: every closure frees one new site (open sites, kept and new,
  /// ≤ budget + the closable ones); a closable facility is closed only when its place goes to a new site.
  /// kTargetShare: the fewest open sites (kept and new) reaching the share. A closable facility in a zone counts
  /// towards the zone's minimum while it is kept.
  std::vector<char> closable;
  /// Capacities: per candidate the persons it can serve at most (≥ 0, finite). Empty: uncapacitated. A demand
  /// cell's persons may be split among the open sites covering it (capacitated MCLP); the fixed facilities'
  /// coverage (covered_before) is not capacitated.
  std::vector<double> capacity;
};

struct SitingOptions {
  SitingMethod method = SitingMethod::kAuto;
  double time_limit_s = 60.0;  ///< exact: the solver's time limit
  /// A relative optimality gap accepted (0–1; 0: prove optimality). Exact and auto: when the Lagrangian bound
  /// (siting_bound.hpp) already proves the greedy solution within it, the solver is not run; otherwise the solver
  /// stops within it (kBudget). The result's gap is always the proven one.
  double accept_gap = 0.0;
  /// After greedy, a local search (no zone minimums): 2-for-1 swaps, drops and drop-and-repair for the target,
  /// 1-for-1 swaps that add persons for a budget (docs/method/siting.md). Never worse than greedy; false: greedy alone.
  bool local_search = true;
};

/// One chosen site, in the order of the coverage curve.
struct SitingPick {
  std::uint32_t candidate = 0;  ///< index into SitingProblem::covers
  double gain = 0.0;            ///< persons newly covered when it is added after the picks before it
  double assigned = 0.0;        ///< with capacities: persons the final assignment gives it (≤ its capacity)
};

/// A closable existing facility that the solution closes.
struct SitingClosure {
  std::uint32_t candidate = 0;  ///< index into SitingProblem::covers
  double loss = 0.0;            ///< persons no longer covered when it is closed after the closures before it
};

/// How far the demand reduction took the model.
struct SitingReduction {
  std::size_t demand_cells = 0;        ///< demand cells with persons
  std::size_t coverable_cells = 0;     ///< of them, covered by at least one candidate
  std::size_t demand_rows = 0;         ///< rows after merging cells covered by the same candidates
  std::size_t candidates = 0;          ///< candidates given
  std::size_t candidates_kept = 0;     ///< after removing those covering nothing and the dominated ones
};

struct SitingResult {
  /// The new sites (candidates that are not closable), ordered: each the largest marginal gain among the remaining
  /// chosen sites, after the closures.
  std::vector<SitingPick> chosen;
  std::vector<SitingClosure> closed;  ///< the closable facilities closed (candidate order), each with its loss
  std::size_t kept = 0;               ///< the closable facilities kept open
  /// Persons covered today: the fixed facilities' coverage and that of every closable facility (with capacities,
  /// as the model assigns them).
  double covered_before = 0.0;
  double covered_after = 0.0;      ///< covered_before − Σ losses + Σ gains
  double total = 0.0;
  /// kTargetShare: the target is reached (false: even every useful candidate falls short; chosen is then every
  /// candidate that adds persons, greedy order).
  bool target_reached = true;
  SitingMethod method_used = SitingMethod::kGreedy;  ///< kGreedy or kExact (never kAuto)
  bool proven_optimal = false;
  /// The bound the gap is measured against: kBudget an upper bound on the persons the new sites can cover; kTargetShare
  /// a lower bound on the number of new sites. Not set when no bound is known (no solver built in).
  std::optional<double> bound;
  /// Relative gap: kBudget (bound − persons the open sites cover) / bound; kTargetShare (open sites − bound) / open
  /// sites (open sites: new and kept). 0 when proven optimal. With capacities the bound is the LP relaxation's (Clp)
  /// when the solver is built in, else the uncapacitated Lagrangian bound (valid, looser).
  std::optional<double> gap;
  /// Exact: the solver was stopped by SitingOptions::time_limit_s (counted from the model's construction; the solver
  /// checks the clock at every simplex iteration and branch-and-cut event, so it stops within a fraction of a second
  /// of it). The result is then the better of the solver's best and greedy's, with the gap proven at that point.
  bool time_limit_reached = false;
  std::string note;  ///< why the method used differs from the method asked (no solver, time limit), or ""
  SitingReduction reduction;
  /// The greedy solution, always computed (the result itself when method_used is kGreedy): its number of sites and
  /// the persons it adds, for comparison with the exact one.
  std::size_t greedy_sites = 0;  ///< open sites (new, and kept closable ones)
  double greedy_gain = 0.0;      ///< persons its open sites cover beyond covered_before of the problem
  bool capacitated = false;
  /// The same after the local search (equal to greedy's without it): the solution the bound is first measured
  /// against, the solver's start, and the result when method_used is kGreedy.
  std::size_t local_search_sites = 0;
  double local_search_gain = 0.0;
  /// Seconds spent: reduction, greedy, bound or exact solve (wall clock).
  double reduce_s = 0.0, greedy_s = 0.0, solver_s = 0.0;

  [[nodiscard]] double share_before() const { return total > 0 ? covered_before / total : 0.0; }
  [[nodiscard]] double share_after() const { return total > 0 ? covered_after / total : 0.0; }
};

/// Whether the exact solver is built in (COIN-OR CBC).
bool siting_solver_available();

/// The reduced model: demand rows (cells covered by exactly the same candidates, persons summed) and the candidates
/// kept (covering at least one row and not dominated: a candidate whose rows are a subset of another kept
/// candidate's rows, in the same zone, with a capacity no larger, is removed; of equal ones the first is kept).
/// Closable facilities are never removed. Cells no candidate covers are left out. Exposed for the tests.
struct ReducedSiting {
  std::vector<double> row_persons;
  std::vector<std::uint32_t> kept;                      ///< original candidate indexes, ascending
  std::vector<std::vector<std::uint32_t>> covers;       ///< per kept candidate: its rows, ascending
  SitingReduction stats;
};
ReducedSiting reduce_siting(const SitingProblem& problem);

/// Solves the problem. Throws std::invalid_argument for an inconsistent problem (sizes, a target share outside
/// 0–1) — the caller checks the planner's input (budget, zone minimums) before and says what is wrong;
/// a zone minimum that the zone's candidates cannot meet, or minimums above the budget, throw
/// std::invalid_argument too.
SitingResult solve_siting(const SitingProblem& problem, const SitingOptions& options = {});

/// Persons the given candidates (indexes into SitingProblem::covers) cover beyond covered_before: the union of their
/// cells, or with capacities the largest assignment (a maximum flow from the cells to the sites). For the tables
/// and the tests.
double siting_coverage(const SitingProblem& problem, const std::vector<std::uint32_t>& open);

}  // namespace carereach::analysis
