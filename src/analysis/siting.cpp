#include "analysis/siting.hpp"

#include "analysis/siting_bound.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <deque>
#include <functional>
#include <limits>
#include <memory>
#include <numeric>
#include <optional>
#include <queue>
#include <span>
#include <stdexcept>
#include <unordered_map>

#ifdef CAREREACH_HAVE_CBC
#include <CbcEventHandler.hpp>
#include <CbcModel.hpp>
#include <CbcSolver.hpp>
#include <ClpEventHandler.hpp>
#include <ClpSimplex.hpp>
#include <CoinPackedMatrix.hpp>
#include <OsiClpSolverInterface.hpp>
#endif

namespace carereach::analysis {

const char* to_string(SitingMethod m) {
  switch (m) {
    case SitingMethod::kGreedy: return "greedy";
    case SitingMethod::kExact: return "exact";
    case SitingMethod::kAuto: return "auto";
  }
  return "?";
}

bool siting_solver_available() {
#ifdef CAREREACH_HAVE_CBC
  return true;
#else
  return false;
#endif
}

namespace {

struct VectorHash {
  std::size_t operator()(const std::vector<std::uint32_t>& v) const noexcept {
    std::uint64_t h = 1469598103934665603ull;
    for (std::uint32_t x : v) {
      h ^= x;
      h *= 1099511628211ull;
    }
    return static_cast<std::size_t>(h);
  }
};

bool has_zones(const SitingProblem& p) { return !p.zone_required.empty(); }
bool has_closures(const SitingProblem& p) { return !p.closable.empty(); }
bool has_capacity(const SitingProblem& p) { return !p.capacity.empty(); }
bool is_closable(const SitingProblem& p, std::size_t j) { return has_closures(p) && p.closable[j] != 0; }

/// kBudget: the open sites allowed — the budget of new sites, plus one per closable facility (its own place).
std::uint64_t open_slots(const SitingProblem& p) {
  std::uint64_t n = p.budget;
  for (std::size_t j = 0; j < p.closable.size(); ++j)
    if (p.closable[j] != 0) ++n;
  return n;
}

void check_problem(const SitingProblem& p) {
  if (p.cells.size() != p.persons.size())
    throw std::invalid_argument("siting: cells and persons differ in size");
  if (has_zones(p) && p.candidate_zone.size() != p.covers.size())
    throw std::invalid_argument("siting: candidate_zone must give one zone per candidate");
  if (has_closures(p) && p.closable.size() != p.covers.size())
    throw std::invalid_argument("siting: closable must give one flag per candidate");
  if (has_capacity(p)) {
    if (p.capacity.size() != p.covers.size()) throw std::invalid_argument("siting: capacity must give one value per candidate");
    for (const double c : p.capacity)
      if (!(c >= 0.0) || !std::isfinite(c)) throw std::invalid_argument("siting: a capacity is negative or not finite");
  }
  if (p.objective == SitingObjective::kTargetShare && !(p.target_share >= 0.0 && p.target_share <= 1.0))
    throw std::invalid_argument("siting: the target share must be between 0 and 1");
  if (has_zones(p)) {
    std::vector<std::uint64_t> in_zone(p.zone_required.size(), 0);
    for (std::uint32_t z : p.candidate_zone)
      if (z < in_zone.size()) ++in_zone[z];
    std::uint64_t sum = 0;
    for (std::size_t z = 0; z < in_zone.size(); ++z) {
      if (in_zone[z] < p.zone_required[z])
        throw std::invalid_argument("siting: zone " + std::to_string(z) + " needs " + std::to_string(p.zone_required[z]) +
                                    " new sites but has " + std::to_string(in_zone[z]) + " candidates");
      sum += p.zone_required[z];
    }
    if (p.objective == SitingObjective::kBudget && sum > open_slots(p))
      throw std::invalid_argument("siting: the zone minimums need " + std::to_string(sum) + " sites, more than the budget");
  }
}

bool is_subset(const std::vector<std::uint32_t>& a, const std::vector<std::uint32_t>& b) {
  return std::includes(b.begin(), b.end(), a.begin(), a.end());
}

/// The reduced model with what the methods need besides rows and covers: per kept candidate whether it is closable
/// and its capacity; with capacities, per row the kept candidates covering it (with the row's position in their
/// list) and per kept candidate the positions of its rows, those covered by the fewest candidates first.
struct Sites {
  const ReducedSiting& r;
  bool capacitated = false;
  std::vector<char> closable;
  std::vector<double> cap;
  std::vector<std::vector<std::pair<std::uint32_t, std::uint32_t>>> row_sites;
  std::vector<std::vector<std::uint32_t>> fill_order;
  double eps = 1e-9;  ///< persons below this are nobody (rounding of the flows)
  std::size_t closable_count = 0;

  Sites(const SitingProblem& p, const ReducedSiting& red) : r(red), capacitated(has_capacity(p)) {
    const std::size_t n = r.kept.size();
    closable.assign(n, 0);
    for (std::size_t j = 0; j < n; ++j)
      if (is_closable(p, r.kept[j])) {
        closable[j] = 1;
        ++closable_count;
      }
    double wmax = 1.0;
    for (const double w : r.row_persons) wmax = std::max(wmax, w);
    eps = 1e-9 * wmax;
    if (!capacitated) return;
    cap.resize(n);
    for (std::size_t j = 0; j < n; ++j) cap[j] = p.capacity[r.kept[j]];
    row_sites.resize(r.row_persons.size());
    for (std::size_t j = 0; j < n; ++j)
      for (std::size_t q = 0; q < r.covers[j].size(); ++q)
        row_sites[r.covers[j][q]].push_back({static_cast<std::uint32_t>(j), static_cast<std::uint32_t>(q)});
    fill_order.resize(n);
    for (std::size_t j = 0; j < n; ++j) {
      auto& order = fill_order[j];
      order.resize(r.covers[j].size());
      std::iota(order.begin(), order.end(), 0U);
      const auto& cov = r.covers[j];
      std::stable_sort(order.begin(), order.end(),
                       [&](std::uint32_t a, std::uint32_t b) { return row_sites[cov[a]].size() < row_sites[cov[b]].size(); });
    }
  }
};

/// Greedy on the reduced model (rows, covers of kept candidates). `must` per zone: picks among a zone's candidates
/// until the zone has its minimum (largest gain first among the candidates of zones still short), then free picks
/// while `more(picks, covered)` says so and some candidate adds persons. Lazy evaluation: a candidate's gain only
/// falls as rows are covered, so a stale gain is an upper bound; the top of the heap is re-evaluated and taken when
/// it still beats the next stale value.
struct GreedyState {
  const ReducedSiting& r;
  std::vector<char> covered;
  std::vector<char> taken;
  double gained = 0.0;
  explicit GreedyState(const Sites& m) : GreedyState(m.r) {}
  explicit GreedyState(const ReducedSiting& red) : r(red), covered(red.row_persons.size(), 0), taken(red.kept.size(), 0) {}
  double gain(std::size_t j) const {
    double g = 0.0;
    for (std::uint32_t row : r.covers[j])
      if (!covered[row]) g += r.row_persons[row];
    return g;
  }
  void take(std::size_t j) {
    taken[j] = 1;
    for (std::uint32_t row : r.covers[j])
      if (!covered[row]) {
        covered[row] = 1;
        gained += r.row_persons[row];
      }
  }
};

/// The greedy state with capacities: the persons left in each row; a site's gain is min(its capacity, the persons
/// left in its rows), and taking it assigns that many, from its rows covered by the fewest candidates first (those
/// the others can serve least). A gain only falls as persons are assigned, so lazy evaluation holds. The assignment
/// is never revised here: the persons a chosen set covers are then computed exactly (Assignment).
struct CapGreedyState {
  const Sites& m;
  const ReducedSiting& r;
  std::vector<double> left;
  std::vector<char> taken;
  double gained = 0.0;
  explicit CapGreedyState(const Sites& s) : m(s), r(s.r), left(s.r.row_persons), taken(s.r.kept.size(), 0) {}
  double gain(std::size_t j) const {
    double g = 0.0;
    for (std::uint32_t row : r.covers[j]) g += left[row];
    return std::min(g, m.cap[j]);
  }
  void take(std::size_t j) {
    taken[j] = 1;
    double c = m.cap[j];
    for (const std::uint32_t q : m.fill_order[j]) {
      if (c <= 0.0) break;
      const std::uint32_t row = r.covers[j][q];
      const double t = std::min(c, left[row]);
      left[row] -= t;
      c -= t;
      gained += t;
    }
  }
};

/// The largest assignment of persons to open sites (each row's persons at most, each site's capacity at most, along
/// the coverage): a maximum flow, grown one site at a time. Adding a site first takes the persons left in its rows
/// (fewest covering candidates first), then augmenting paths — from a row with persons left, to an open site, back
/// along an assignment to another row, … to a site with capacity left — until none is left (Ford & Fulkerson,
/// breadth first): the flow is maximal after every addition.
class Assignment {
 public:
  explicit Assignment(const Sites& m)
      : m_(m), left_(m.r.row_persons), cap_left_(m.r.kept.size(), 0.0), open_(m.r.kept.size(), 0), flow_(m.r.kept.size()) {}

  /// Opens kept candidate j; returns the persons the assignment gains.
  double add(std::uint32_t j) {
    const double before = total_;
    open_[j] = 1;
    cap_left_[j] = m_.cap[j];
    flow_[j].assign(m_.r.covers[j].size(), 0.0);
    for (const std::uint32_t q : m_.fill_order[j]) {
      if (cap_left_[j] <= m_.eps) break;
      const std::uint32_t row = m_.r.covers[j][q];
      const double t = std::min(cap_left_[j], left_[row]);
      if (t <= 0.0) continue;
      left_[row] -= t;
      cap_left_[j] -= t;
      flow_[j][q] += t;
      total_ += t;
    }
    while (augment()) {
    }
    return total_ - before;
  }
  [[nodiscard]] double total() const { return total_; }
  /// Persons assigned to kept candidate j.
  [[nodiscard]] double used(std::size_t j) const { return open_[j] ? m_.cap[j] - cap_left_[j] : 0.0; }
  /// Persons of row covers[j][q] assigned to j.
  [[nodiscard]] double flow(std::size_t j, std::size_t q) const { return open_[j] ? flow_[j][q] : 0.0; }

 private:
  bool augment() {
    const ReducedSiting& r = m_.r;
    const std::size_t rows = r.row_persons.size(), n = r.kept.size();
    constexpr std::int64_t kUnseen = -2, kSource = -1;
    std::vector<std::int64_t> row_from(rows, kUnseen);  // the site whose assignment leads back to it, or the source
    std::vector<std::uint32_t> row_pos(rows, 0);         // its position in that site's rows
    std::vector<std::int64_t> site_from(n, -1);          // the row it is reached from
    std::vector<std::uint32_t> site_pos(n, 0);           // that row's position in its rows
    std::deque<std::uint32_t> queue;
    for (std::size_t i = 0; i < rows; ++i)
      if (left_[i] > m_.eps) {
        row_from[i] = kSource;
        queue.push_back(static_cast<std::uint32_t>(i));
      }
    while (!queue.empty()) {
      const std::uint32_t row = queue.front();
      queue.pop_front();
      for (const auto& [k, pos] : m_.row_sites[row]) {
        if (!open_[k] || site_from[k] >= 0) continue;
        site_from[k] = row;
        site_pos[k] = pos;
        if (cap_left_[k] > m_.eps) {
          push(k, row_from, row_pos, site_from, site_pos);
          return true;
        }
        const auto& cov = r.covers[k];
        for (std::size_t q = 0; q < cov.size(); ++q)
          if (flow_[k][q] > m_.eps && row_from[cov[q]] == kUnseen) {
            row_from[cov[q]] = k;
            row_pos[cov[q]] = static_cast<std::uint32_t>(q);
            queue.push_back(cov[q]);
          }
      }
    }
    return false;
  }

  void push(std::uint32_t sink, const std::vector<std::int64_t>& row_from, const std::vector<std::uint32_t>& row_pos,
            const std::vector<std::int64_t>& site_from, const std::vector<std::uint32_t>& site_pos) {
    double delta = cap_left_[sink];
    for (std::uint32_t k = sink;;) {
      const auto row = static_cast<std::uint32_t>(site_from[k]);
      if (row_from[row] < 0) {
        delta = std::min(delta, left_[row]);
        break;
      }
      const auto back = static_cast<std::uint32_t>(row_from[row]);
      delta = std::min(delta, flow_[back][row_pos[row]]);
      k = back;
    }
    for (std::uint32_t k = sink;;) {
      const auto row = static_cast<std::uint32_t>(site_from[k]);
      flow_[k][site_pos[k]] += delta;
      if (row_from[row] < 0) {
        left_[row] -= delta;
        break;
      }
      const auto back = static_cast<std::uint32_t>(row_from[row]);
      flow_[back][row_pos[row]] -= delta;
      k = back;
    }
    cap_left_[sink] -= delta;
    total_ += delta;
  }

  const Sites& m_;
  std::vector<double> left_;
  std::vector<double> cap_left_;
  std::vector<char> open_;
  std::vector<std::vector<double>> flow_;
  double total_ = 0.0;
};

struct HeapEntry {
  double gain;
  std::uint32_t j;
  bool operator<(const HeapEntry& o) const {  // max-heap on gain, then the lower index first
    if (gain != o.gain) return gain < o.gain;
    return j > o.j;
  }
};

/// Lazy greedy picks among the candidates `allowed` says yes to, while `go()` holds, appended to picks.
template <typename State, typename Allowed, typename Go>
void lazy_greedy(State& s, Allowed allowed, Go go, bool stop_at_zero_gain, std::vector<std::uint32_t>& picks) {
  std::priority_queue<HeapEntry> heap;
  for (std::size_t j = 0; j < s.r.kept.size(); ++j)
    if (!s.taken[j] && allowed(j)) heap.push({s.gain(j), static_cast<std::uint32_t>(j)});
  while (!heap.empty() && go()) {
    HeapEntry top = heap.top();
    heap.pop();
    if (s.taken[top.j] || !allowed(top.j)) continue;
    const double g = s.gain(top.j);
    if (!heap.empty() && HeapEntry{g, top.j} < heap.top()) {
      heap.push({g, top.j});
      continue;
    }
    if (stop_at_zero_gain && g <= 0.0) break;
    s.take(top.j);
    picks.push_back(top.j);
  }
}

/// kBudget with closures: the places left unused (the greedy stops where nobody is gained) go back to the closable
/// facilities not chosen, in candidate order — a facility is closed only when its place went to a new site.
void keep_unused(const SitingProblem& p, const Sites& m, std::vector<std::uint32_t>& picks) {
  if (p.objective != SitingObjective::kBudget || m.closable_count == 0) return;
  std::vector<char> in(m.r.kept.size(), 0);
  for (const auto j : picks) in[j] = 1;
  const std::uint64_t slots = open_slots(p);
  for (std::size_t j = 0; j < m.r.kept.size() && picks.size() < slots; ++j)
    if (m.closable[j] != 0 && in[j] == 0) picks.push_back(static_cast<std::uint32_t>(j));
}

/// The greedy solution (kept-candidate indexes, in pick order): first the zone minimums (each pick the largest
/// gain among the candidates of the zones still short), then free picks up to the open places, or until the need
/// is met.
template <typename State>
std::vector<std::uint32_t> greedy_with(State s, const SitingProblem& p, const Sites& m, double need) {
  const ReducedSiting& r = m.r;
  std::vector<std::uint32_t> picks;
  if (has_zones(p)) {
    std::vector<std::uint32_t> short_by(p.zone_required);
    std::uint64_t missing = 0;
    for (auto v : short_by) missing += v;
    auto zone_of = [&](std::size_t j) { return p.candidate_zone[r.kept[j]]; };
    while (missing > 0) {
      const std::size_t before = picks.size();
      lazy_greedy(
          s, [&](std::size_t j) { const auto z = zone_of(j); return z < short_by.size() && short_by[z] > 0; },
          [&] { return picks.size() == before; }, false, picks);
      if (picks.size() == before) throw std::invalid_argument("siting: a zone minimum cannot be met");
      --short_by[zone_of(picks.back())];
      --missing;
    }
  }
  auto all = [](std::size_t) { return true; };
  if (p.objective == SitingObjective::kBudget) {
    const std::uint64_t slots = open_slots(p);
    lazy_greedy(s, all, [&] { return picks.size() < slots; }, true, picks);
    keep_unused(p, m, picks);
  } else {
    lazy_greedy(s, all, [&] { return s.gained < need; }, true, picks);
  }
  return picks;
}

std::vector<std::uint32_t> greedy(const SitingProblem& p, const Sites& m, double need) {
  if (m.capacitated) return greedy_with(CapGreedyState(m), p, m, need);
  return greedy_with(GreedyState(m), p, m, need);
}

/// Persons a set of kept candidates covers (rows): the union of their rows, or with capacities the maximum
/// assignment.
double covered_by(const Sites& m, const std::vector<std::uint32_t>& picks) {
  if (m.capacitated) {
    Assignment a(m);
    for (const auto j : picks) a.add(j);
    return a.total();
  }
  GreedyState s(m);
  for (auto j : picks) s.take(j);
  return s.gained;
}

#ifdef CAREREACH_HAVE_CBC
int no_callback(CbcModel*, int) { return 0; }

/// The integer model on the reduced problem: columns x_j (kept candidates, binary) then y_r (rows, 0–1).
/// kBudget: min −Σ w_r y_r; kTargetShare: min Σ x_j − Σ w_r y_r / (2 W) (the fewest sites, then the most persons).
/// Rows: y_r − Σ_{j covers r} x_j ≤ 0; kBudget Σ x ≤ budget + closable facilities; kTargetShare Σ w y ≥ need; per zone Σ x ≥ required.
struct Model {
  std::vector<double> collb, colub, obj, rowlb, rowub;
  CoinPackedMatrix matrix{true, 0, 0};  // column-ordered
  int n = 0;  // candidate columns
  bool target = false;

  /// A column with its entries (rows and coefficients), bounds and cost.
  void add_column(const std::vector<int>& idx, const std::vector<double>& val, double lb, double ub, double cost) {
    matrix.appendCol(static_cast<int>(idx.size()), idx.data(), val.data());
    collb.push_back(lb);
    colub.push_back(ub);
    obj.push_back(cost);
  }
};

/// The per-zone minimums' constraint rows (Σ sites of the zone ≥ required), numbered from `next` on: zone → row,
/// or kNoSitingZone for a zone without a minimum. Empty without zone minimums.
std::vector<std::uint32_t> zone_rows(const SitingProblem& p, int& next) {
  std::vector<std::uint32_t> zone_row;
  if (!has_zones(p)) return zone_row;
  zone_row.assign(p.zone_required.size(), kNoSitingZone);
  for (std::size_t z = 0; z < p.zone_required.size(); ++z)
    if (p.zone_required[z] > 0) zone_row[z] = static_cast<std::uint32_t>(next++);
  return zone_row;
}

/// The zone rows' bounds: at least the zone's required number of sites.
void bound_zone_rows(const SitingProblem& p, const std::vector<std::uint32_t>& zone_row, Model& m) {
  for (std::size_t z = 0; z < zone_row.size(); ++z)
    if (zone_row[z] != kNoSitingZone) {
      m.rowlb[zone_row[z]] = p.zone_required[z];
      m.rowub[zone_row[z]] = COIN_DBL_MAX;
    }
}

/// Kept candidate j's entry in its zone's row, when its zone has a minimum.
void add_zone_entry(const SitingProblem& p, const ReducedSiting& r, std::size_t j, const std::vector<std::uint32_t>& zone_row,
                    std::vector<int>& idx, std::vector<double>& val) {
  if (!has_zones(p)) return;
  const std::uint32_t z = p.candidate_zone[r.kept[j]];
  if (z < zone_row.size() && zone_row[z] != kNoSitingZone) {
    idx.push_back(static_cast<int>(zone_row[z]));
    val.push_back(1.0);
  }
}

Model build_model(const SitingProblem& p, const ReducedSiting& r, double need) {
  Model m;
  const int n = static_cast<int>(r.kept.size());
  const int rows = static_cast<int>(r.row_persons.size());
  m.n = n;
  m.target = p.objective == SitingObjective::kTargetShare;
  double W = 1.0;
  for (double w : r.row_persons) W += w;
  // Constraint rows: [0, rows) cover rows; then budget or need; then zones.
  int next = rows + 1;
  const std::vector<std::uint32_t> zone_row = zone_rows(p, next);
  m.rowlb.assign(static_cast<std::size_t>(next), -COIN_DBL_MAX);
  m.rowub.assign(static_cast<std::size_t>(next), 0.0);
  if (p.objective == SitingObjective::kBudget) {
    m.rowub[static_cast<std::size_t>(rows)] = static_cast<double>(open_slots(p));
  } else {
    m.rowlb[static_cast<std::size_t>(rows)] = need;
    m.rowub[static_cast<std::size_t>(rows)] = COIN_DBL_MAX;
  }
  bound_zone_rows(p, zone_row, m);
  m.matrix.setDimensions(next, 0);
  // Room for every column and element at once: appendCol on a matrix without room copies it each time (quadratic:
  // 143 s for the 77,033 columns of the prefecture's budget-500 model, measured 2026-12-07).
  std::size_t elements = 2 * static_cast<std::size_t>(rows) + static_cast<std::size_t>(n) * 2;
  for (const auto& c : r.covers) elements += c.size();
  m.matrix.reserve(n + rows, static_cast<CoinBigIndex>(elements));
  for (int j = 0; j < n; ++j) {
    std::vector<int> idx;
    std::vector<double> val;
    for (std::uint32_t row : r.covers[static_cast<std::size_t>(j)]) {
      idx.push_back(static_cast<int>(row));
      val.push_back(-1.0);
    }
    if (p.objective == SitingObjective::kBudget) {
      idx.push_back(rows);
      val.push_back(1.0);
    }
    add_zone_entry(p, r, static_cast<std::size_t>(j), zone_row, idx, val);
    m.add_column(idx, val, 0.0, 1.0, p.objective == SitingObjective::kBudget ? 0.0 : 1.0);
  }
  for (int row = 0; row < rows; ++row) {
    std::vector<int> idx{row};
    std::vector<double> val{1.0};
    const double w = r.row_persons[static_cast<std::size_t>(row)];
    if (p.objective == SitingObjective::kTargetShare) {
      idx.push_back(rows);
      val.push_back(w);
    }
    m.add_column(idx, val, 0.0, 1.0, p.objective == SitingObjective::kBudget ? -w : -w / (2.0 * W));
  }
  return m;
}

/// The capacitated model (docs/method/siting.md, "Capacities"): columns y_j (kept candidates, binary) then x_jq, the
/// persons of row covers[j][q] assigned to j (0 ≤ x ≤ w). Rows: per demand row Σ_j x ≤ w_r; per site
/// Σ_q x_jq − C_j y_j ≤ 0; per pair x_jq − w_r y_j ≤ 0 (no assignment to a closed site; tightens the LP); kBudget
/// Σ y ≤ budget + closable facilities, kTargetShare Σ x ≥ need; per zone Σ y ≥ required. Objective: kBudget
/// min −Σ x; kTargetShare min Σ y − Σ x / (2 W).
Model build_capacitated_model(const SitingProblem& p, const Sites& s, double need) {
  const ReducedSiting& r = s.r;
  Model m;
  const int n = static_cast<int>(r.kept.size());
  const int rows = static_cast<int>(r.row_persons.size());
  m.n = n;
  m.target = p.objective == SitingObjective::kTargetShare;
  double W = 1.0;
  for (double w : r.row_persons) W += w;
  int pairs = 0;
  for (const auto& c : r.covers) pairs += static_cast<int>(c.size());
  const int cap_row0 = rows, link_row0 = rows + n, extra = rows + n + pairs;
  int next = extra + 1;
  const std::vector<std::uint32_t> zone_row = zone_rows(p, next);
  m.rowlb.assign(static_cast<std::size_t>(next), -COIN_DBL_MAX);
  m.rowub.assign(static_cast<std::size_t>(next), 0.0);
  for (int row = 0; row < rows; ++row) m.rowub[static_cast<std::size_t>(row)] = r.row_persons[static_cast<std::size_t>(row)];
  if (m.target) {
    m.rowlb[static_cast<std::size_t>(extra)] = need;
    m.rowub[static_cast<std::size_t>(extra)] = COIN_DBL_MAX;
  } else {
    m.rowub[static_cast<std::size_t>(extra)] = static_cast<double>(open_slots(p));
  }
  bound_zone_rows(p, zone_row, m);
  m.matrix.setDimensions(next, 0);
  // Room for every column and element at once (appendCol without room copies the matrix each time): y_j has its
  // capacity row, a link row per pair, the budget row and a zone row; x_jq its demand, capacity, link and need rows.
  m.matrix.reserve(n + pairs, static_cast<CoinBigIndex>(3 * static_cast<std::size_t>(n) + 5 * static_cast<std::size_t>(pairs)));
  int link = link_row0;
  for (int j = 0; j < n; ++j) {
    const auto ju = static_cast<std::size_t>(j);
    std::vector<int> idx{cap_row0 + j};
    std::vector<double> val{-s.cap[ju]};
    for (const std::uint32_t row : r.covers[ju]) {
      idx.push_back(link++);
      val.push_back(-r.row_persons[row]);
    }
    if (!m.target) {
      idx.push_back(extra);
      val.push_back(1.0);
    }
    add_zone_entry(p, r, ju, zone_row, idx, val);
    m.add_column(idx, val, 0.0, 1.0, m.target ? 1.0 : 0.0);
  }
  link = link_row0;
  for (int j = 0; j < n; ++j)
    for (const std::uint32_t row : r.covers[static_cast<std::size_t>(j)]) {
      std::vector<int> idx{static_cast<int>(row), cap_row0 + j, link++};
      std::vector<double> val{1.0, 1.0, 1.0};
      if (m.target) {
        idx.push_back(extra);
        val.push_back(1.0);
      }
      m.add_column(idx, val, 0.0, r.row_persons[row], m.target ? -1.0 / (2.0 * W) : -1.0);
    }
  return m;
}

void load(OsiClpSolverInterface& solver, const Model& m) {
  solver.loadProblem(m.matrix, m.collb.data(), m.colub.data(), m.obj.data(), m.rowlb.data(), m.rowub.data());
  solver.messageHandler()->setLogLevel(0);
  solver.getModelPtr()->messageHandler()->setLogLevel(0);
}


/// The LP relaxation's optimum (Clp), or nothing when Clp does not prove it within the time limit (an unfinished LP
/// bounds nothing).
std::optional<double> lp_optimum(const Model& m, double time_limit_s) {
  OsiClpSolverInterface solver;
  load(solver, m);
  solver.getModelPtr()->setMaximumSeconds(std::max(1.0, time_limit_s));
  solver.initialSolve();
  if (!solver.isProvenOptimal()) return std::nullopt;
  return solver.getObjValue();
}

struct ExactOutcome {
  bool finished = false;  ///< the search ended within the accepted gap (not at the time limit)
  bool solved = false;          ///< a feasible solution was found
  bool proven_optimal = false;
  std::vector<std::uint32_t> picks;  ///< kept-candidate indexes
  double best_possible = 0.0;   ///< the solver's bound on the objective (minimisation); ±inf: none to trust
  bool timed_out = false;       ///< stopped by the time limit
};

/// The wall-clock deadline of one exact solve. CBC's own limit (-sec) is checked only between its steps, and a root
/// heuristic (a dive) or a cut pass can run far past it; so every branch-and-cut event (CbcDeadline) and every
/// simplex iteration (ClpDeadline) checks the clock too. Shared by the copies CBC and Clp clone of the handlers.
struct Deadline {
  std::chrono::steady_clock::time_point at;
  bool passed = false;    ///< the deadline was seen passed
  bool lp_cut = false;    ///< a simplex solve was stopped short: CBC's bound may rest on an unfinished LP
  bool over() {
    if (!passed && std::chrono::steady_clock::now() >= at) passed = true;
    return passed;
  }
};

class CbcDeadline final : public CbcEventHandler {
 public:
  explicit CbcDeadline(std::shared_ptr<Deadline> d) : deadline_(std::move(d)) {}
  using CbcEventHandler::event;
  CbcAction event(CbcEvent) override { return deadline_->over() ? stop : noAction; }
  CbcEventHandler* clone() const override { return new CbcDeadline(*this); }

 private:
  std::shared_ptr<Deadline> deadline_;
};

class ClpDeadline final : public ClpEventHandler {
 public:
  explicit ClpDeadline(std::shared_ptr<Deadline> d) : deadline_(std::move(d)) {}
  int event(Event e) override {
    if (e != endOfIteration || !deadline_->over()) return -1;
    deadline_->lp_cut = true;
    return 0;  // Clp: stopped by the event handler (status 5)
  }
  ClpEventHandler* clone() const override { return new ClpDeadline(*this); }

 private:
  std::shared_ptr<Deadline> deadline_;
};

ExactOutcome exact(const Model& m, std::chrono::steady_clock::time_point deadline_at, double accept_gap,
                   const std::vector<double>& start) {
  auto deadline = std::make_shared<Deadline>();
  deadline->at = deadline_at;
  OsiClpSolverInterface solver;
  load(solver, m);
  const ClpDeadline lp_handler(deadline);
  solver.getModelPtr()->passInEventHandler(&lp_handler);  // cloned into the solver (and from it into CBC's copies)
  for (int j = 0; j < m.n; ++j) solver.setInteger(j);
  CbcModel model(solver);
  model.setLogLevel(0);
  model.messageHandler()->setLogLevel(0);
  CbcSolverUsefulData data;
  data.noPrinting_ = true;
  CbcMain0(model, data);
  const CbcDeadline bb_handler(deadline);
  model.passInEventHandler(&bb_handler);
  // The greedy solution as the first incumbent (x_j of its picks, y_r of the rows they cover, from `start`): the
  // search starts from a good solution instead of finding one; CBC checks it against the constraints.
  if (!start.empty() && static_cast<int>(start.size()) == model.getNumCols()) {
    model.setLogLevel(0);
    model.messageHandler()->setLogLevel(0);
    model.solver()->messageHandler()->setLogLevel(0);
    if (auto* clp = dynamic_cast<OsiClpSolverInterface*>(model.solver())) clp->getModelPtr()->messageHandler()->setLogLevel(0);
    double objective = 0.0;
    for (std::size_t c = 0; c < start.size(); ++c) objective += start[c] * m.obj[c];
    model.setBestSolution(start.data(), model.getNumCols(), objective, true);
  }
  const double left_s = std::chrono::duration<double>(deadline_at - std::chrono::steady_clock::now()).count();
  const std::string seconds = std::to_string(std::max(0.1, left_s));
  // Wall-clock seconds; kBudget to the accepted relative gap (0: optimality); kTargetShare until no solution with fewer sites can exist (the
  // objective is sites − a coverage term below 0.5, so an absolute gap under 0.5 proves the number of sites).
  const char* gap_key = m.target ? "-allowableGap" : "-ratioGap";
  const std::string ratio = std::to_string(std::max(0.0, accept_gap));
  const char* gap_value = m.target ? "0.49" : ratio.c_str();
  const char* argv[] = {"carereach", "-log", "0", "-slog", "0", "-timeMode", "elapsed", "-sec", seconds.c_str(),
                        gap_key, gap_value, "-solve", "-quit"};
  CbcMain1(static_cast<int>(std::size(argv)), argv, model, no_callback, data);
  ExactOutcome out;
  const double* x = model.bestSolution();
  if (x != nullptr && model.getNumCols() >= m.n) {
    out.solved = true;
    for (int j = 0; j < m.n; ++j)
      if (x[j] > 0.5) out.picks.push_back(static_cast<std::uint32_t>(j));
  }
  // With a gap accepted, a finished search proves only that gap: the bound below says how close it is.
  out.timed_out = deadline->passed || model.maximumSecondsReached();
  out.finished = out.solved && model.isProvenOptimal() && !out.timed_out;
  out.proven_optimal = out.finished && (m.target || accept_gap <= 0.0);
  // An LP stopped short by the deadline may have pruned a node as if solved: CBC's bound then proves nothing.
  out.best_possible = deadline->lp_cut ? std::numeric_limits<double>::infinity() : model.getBestPossibleObjValue();
  return out;
}
#endif

/// The chosen sites of the local search: per row how many chosen sites cover it, per candidate the persons it would
/// add (not chosen: `gain`) or covers alone (chosen: `own`), and the persons covered; kept up to date per row as
/// sites go in and out.
class ChosenSet {
 public:
  ChosenSet(const ReducedSiting& r, const std::vector<std::uint32_t>& picks)
      : r_(&r), by_row_(r.row_persons.size()), s_{std::vector<std::uint32_t>(r.row_persons.size(), 0),
                                                  std::vector<char>(r.kept.size(), 0), std::vector<double>(r.kept.size(), 0.0),
                                                  std::vector<double>(r.kept.size(), 0.0), 0.0, {}} {
    for (std::size_t j = 0; j < r.kept.size(); ++j)
      for (const std::uint32_t row : r.covers[j]) by_row_[row].push_back(static_cast<std::uint32_t>(j));
    for (const std::uint32_t j : picks) s_.in[j] = 1;
    for (std::size_t row = 0; row < by_row_.size(); ++row) {
      for (const std::uint32_t j : by_row_[row]) s_.count[row] += s_.in[j] != 0 ? 1U : 0U;
      const double w = r.row_persons[row];
      if (s_.count[row] > 0) s_.covered += w;
      for (const std::uint32_t j : by_row_[row]) {
        if (s_.count[row] == 0) s_.gain[j] += w;
        else if (s_.count[row] == 1 && s_.in[j] != 0) s_.own[j] += w;
      }
    }
    while (leaves_ < r.kept.size()) leaves_ *= 2;
    s_.tree.assign(2 * leaves_, static_cast<std::uint32_t>(r.kept.size()));
    for (std::size_t j = 0; j < r.kept.size(); ++j) s_.tree[leaves_ + j] = static_cast<std::uint32_t>(j);
    for (std::size_t at = leaves_ - 1; at >= 1; --at) s_.tree[at] = better(s_.tree[2 * at], s_.tree[2 * at + 1]);
  }

  [[nodiscard]] std::size_t candidates() const { return s_.in.size(); }
  [[nodiscard]] double covered() const { return s_.covered; }
  [[nodiscard]] double own(std::uint32_t j) const { return s_.own[j]; }

  void add(std::uint32_t c) {
    for (const std::uint32_t row : r_->covers[c]) {
      const double w = r_->row_persons[row];
      if (s_.count[row] == 0) {
        s_.covered += w;
        for (const std::uint32_t j : by_row_[row]) {
          s_.gain[j] -= w;
          update(j);
        }
        s_.own[c] += w;
      } else if (s_.count[row] == 1) {
        s_.own[owner(row)] -= w;
      }
      ++s_.count[row];
    }
    s_.in[c] = 1;
    s_.gain[c] = 0.0;
    update(c);
  }

  void remove(std::uint32_t a) {
    s_.in[a] = 0;
    s_.own[a] = 0.0;
    for (const std::uint32_t row : r_->covers[a]) {
      const double w = r_->row_persons[row];
      --s_.count[row];
      if (s_.count[row] == 0) {
        s_.covered -= w;
        for (const std::uint32_t j : by_row_[row]) {
          s_.gain[j] += w;
          update(j);
        }
      } else if (s_.count[row] == 1) {
        s_.own[owner(row)] += w;
      }
    }
    double g = 0.0;  // its own gain, now that it is out
    for (const std::uint32_t row : r_->covers[a])
      if (s_.count[row] == 0) g += r_->row_persons[row];
    s_.gain[a] = g;
    update(a);
  }

  /// The candidate outside the set with the largest gain (ties: the lowest index), other than `except`; or
  /// candidates() when there is none. From the tournament tree over the candidates, with `except` left out
  /// while it is asked.
  [[nodiscard]] std::uint32_t best_outside(std::uint32_t except) {
    const auto none = static_cast<std::uint32_t>(candidates());
    excluded_ = except;
    if (except < none) update(except);
    const std::uint32_t c = s_.tree[1];
    excluded_ = none;
    if (except < none) update(except);
    return c == none || s_.in[c] != 0 || c == except ? none : c;
  }

  /// The chosen site with the fewest persons of its own (ties: the lowest index), among `picks`.
  [[nodiscard]] std::size_t least_own(const std::vector<std::uint32_t>& picks) const {
    std::size_t at = 0;
    for (std::size_t i = 1; i < picks.size(); ++i)
      if (s_.own[picks[i]] < s_.own[picks[at]] || (s_.own[picks[i]] == s_.own[picks[at]] && picks[i] < picks[at])) at = i;
    return at;
  }

  /// The whole state, to go back to after a move that did not work out.
  struct State {
    std::vector<std::uint32_t> count;  // chosen sites covering each row
    std::vector<char> in;
    std::vector<double> gain;  // not chosen: persons it would add
    std::vector<double> own;   // chosen: persons only it covers
    double covered = 0.0;
    /// A tournament tree: leaves_ + j is candidate j (candidates() past the last), each inner node the better of
    /// its two children (the larger gain of a candidate outside the set, ties the lower index).
    std::vector<std::uint32_t> tree;
  };
  [[nodiscard]] State save() const { return s_; }
  void restore(State s) { s_ = std::move(s); }

 private:
  /// The better of two candidates for best_outside (candidates() is worse than any).
  [[nodiscard]] std::uint32_t better(std::uint32_t a, std::uint32_t b) const {
    const auto none = static_cast<std::uint32_t>(candidates());
    const bool a_out = a != none && s_.in[a] == 0 && a != excluded_;
    const bool b_out = b != none && s_.in[b] == 0 && b != excluded_;
    if (!b_out) return a_out ? a : std::min(a, b);
    if (!a_out) return b;
    return s_.gain[b] > s_.gain[a] || (s_.gain[b] == s_.gain[a] && b < a) ? b : a;
  }

  /// Candidate j's gain or membership changed: its path to the root again.
  void update(std::uint32_t j) {
    for (std::size_t at = (leaves_ + j) / 2; at >= 1; at /= 2) s_.tree[at] = better(s_.tree[2 * at], s_.tree[2 * at + 1]);
  }

  std::uint32_t owner(std::uint32_t row) const {  // the one chosen site covering a row of count 1
    for (const std::uint32_t j : by_row_[row])
      if (s_.in[j] != 0) return j;
    return static_cast<std::uint32_t>(candidates());
  }

  const ReducedSiting* r_;
  std::vector<std::vector<std::uint32_t>> by_row_;
  State s_;
  std::size_t leaves_ = 1;
  std::uint32_t excluded_ = std::numeric_limits<std::uint32_t>::max();  // best_outside's `except` while it asks
};

/// Passes of 1-for-1 swaps that cover more persons: per chosen site a, a out and the candidate with the largest gain
/// in, kept when the set then covers more than before, undone otherwise. Until a pass changes nothing (at most
/// `max_passes`), or the set covers `enough` persons. Returns whether anything changed.
bool swap_passes(ChosenSet& set, std::vector<std::uint32_t>& picks, double enough, int max_passes) {
  const double eps = 1e-9;
  bool any = false;
  for (int pass = 0; pass < max_passes; ++pass) {
    bool changed = false;
    for (std::size_t i = 0; i < picks.size(); ++i) {
      const std::uint32_t a = picks[i];
      const double before = set.covered();
      set.remove(a);
      const std::uint32_t c = set.best_outside(a);
      if (c != set.candidates()) {
        set.add(c);
        if (set.covered() > before + eps) {
          picks[i] = c;
          changed = any = true;
          if (set.covered() >= enough) return true;
          continue;
        }
        set.remove(c);
      }
      set.add(a);
    }
    if (!changed) break;
  }
  return any;
}

/// A local search after greedy (no zone minimums): greedy's early picks can be made redundant by later ones.
///  - budget: swap passes (swap_passes) until one changes nothing (at most `max_passes`);
///  - target: per chosen site a, a out and the candidate with the largest gain c in; if some chosen site j now covers
///    no more persons of its own than the surplus over the need, it is dropped — a 2-for-1 swap (a and j out, c in)
///    that keeps the need met; otherwise undone; after each pass, the sites the need can do without are dropped;
///    passes until one changes nothing (at most `max_passes`). Then drop and repair: the chosen site with the fewest
///    persons of its own goes, and swap passes try to cover the need again with one site less; kept when they do,
///    and tried again; undone (and the search ends) when they do not.
/// Each kept step leaves a feasible solution, so the result is never worse than greedy's.
std::vector<std::uint32_t> local_search(const ReducedSiting& r, std::vector<std::uint32_t> picks, bool target,
                                        double need, int max_passes = 10) {
  if (picks.empty()) return picks;
  ChosenSet set(r, picks);
  const std::size_t n = set.candidates();
  if (!target) {
    swap_passes(set, picks, std::numeric_limits<double>::infinity(), max_passes);
    return picks;
  }
  const auto drop_unneeded = [&] {  // plain drops: sites the need can do without
    bool any = false;
    for (;;) {
      std::uint32_t drop = static_cast<std::uint32_t>(n);
      for (const std::uint32_t j : picks)
        if (set.covered() - set.own(j) >= need && (drop == n || set.own(j) < set.own(drop))) drop = j;
      if (drop == n) return any;
      set.remove(drop);
      picks.erase(std::find(picks.begin(), picks.end(), drop));
      any = true;
    }
  };
  for (int pass = 0; pass < max_passes; ++pass) {
    bool changed = false;
    for (std::size_t i = 0; i < picks.size(); ++i) {
      const std::uint32_t a = picks[i];
      set.remove(a);
      const std::uint32_t c = set.best_outside(a);
      if (c == n) {
        set.add(a);
        continue;
      }
      set.add(c);
      std::uint32_t drop = static_cast<std::uint32_t>(n);
      for (const std::uint32_t j : picks)
        if (j != a && set.covered() - set.own(j) >= need && (drop == n || set.own(j) < set.own(drop))) drop = j;
      if (set.covered() - set.own(c) >= need && (drop == n || set.own(c) < set.own(drop))) drop = c;  // a was not needed at all
      if (drop != n) {
        set.remove(drop);
        picks[i] = c;
        picks.erase(std::find(picks.begin(), picks.end(), drop));
        changed = true;
        continue;
      }
      set.remove(c);
      set.add(a);
    }
    changed = drop_unneeded() || changed;
    if (!changed) break;
  }
  // Drop and repair.
  while (picks.size() > 1) {
    ChosenSet::State saved = set.save();
    std::vector<std::uint32_t> saved_picks = picks;
    const std::size_t at = set.least_own(picks);
    set.remove(picks[at]);
    picks.erase(picks.begin() + static_cast<std::ptrdiff_t>(at));
    if (set.covered() < need) swap_passes(set, picks, need, max_passes);
    if (set.covered() < need) {
      set.restore(std::move(saved));
      picks = std::move(saved_picks);
      break;
    }
    drop_unneeded();
  }
  return picks;
}

/// A chosen set in the order of the coverage curve: the closures first (closable facilities not chosen, in candidate
/// order, each with the persons lost when it closes after the ones before it, from today's coverage), then the new
/// sites, each next the one with the largest marginal gain among the remaining ones after the kept facilities
/// (ties: the lower original index; with capacities the greedy's gain orders them and the gains are exact). Sites
/// that add nothing are dropped unless a zone minimum needs them.
struct Ordered {
  std::vector<SitingPick> chosen;
  std::vector<SitingClosure> closed;
  std::size_t kept = 0;
  double today = 0.0;  ///< persons every closable facility covers (beyond the fixed ones)
  double value = 0.0;  ///< persons the open sites cover
};

Ordered order_picks(const SitingProblem& p, const Sites& m, std::vector<std::uint32_t> picks) {
  const ReducedSiting& r = m.r;
  Ordered out;
  std::vector<char> in(r.kept.size(), 0);
  for (auto j : picks) in[j] = 1;
  std::vector<std::uint32_t> base, closed;
  for (std::size_t j = 0; j < r.kept.size(); ++j)
    if (m.closable[j] != 0) (in[j] != 0 ? base : closed).push_back(static_cast<std::uint32_t>(j));
  out.kept = base.size();
  // Closures, one after another from today's coverage.
  {
    std::vector<std::uint32_t> open = base;
    open.insert(open.end(), closed.begin(), closed.end());
    double prev = covered_by(m, open);
    out.today = prev;
    for (const std::uint32_t j : closed) {
      open.erase(std::find(open.begin(), open.end(), j));
      const double now = covered_by(m, open);
      out.closed.push_back({r.kept[j], std::max(0.0, prev - now)});
      prev = now;
    }
  }
  // New sites in greedy order after the kept ones.
  auto is_new = [&](std::size_t j) { return in[j] != 0 && m.closable[j] == 0; };
  std::vector<std::uint32_t> ordered;
  if (m.capacitated) {
    CapGreedyState s(m);
    for (const auto j : base) s.take(j);
    lazy_greedy(s, is_new, [] { return true; }, false, ordered);
  } else {
    GreedyState s(m);
    for (const auto j : base) s.take(j);
    lazy_greedy(s, is_new, [] { return true; }, false, ordered);
  }
  std::vector<std::uint32_t> zone_count(p.zone_required.size(), 0);
  auto zone = [&](std::size_t j) { return has_zones(p) ? p.candidate_zone[r.kept[j]] : kNoSitingZone; };
  for (const auto j : picks)
    if (zone(j) < zone_count.size()) ++zone_count[zone(j)];
  // The gains, re-evaluated in that order (exactly: the union of rows, or the maximum assignment).
  std::optional<Assignment> a;
  std::optional<GreedyState> t;
  if (m.capacitated) a.emplace(m);
  else t.emplace(m);
  auto add = [&](std::uint32_t j) {
    if (a) return a->add(j);
    const double before = t->gained;
    t->take(j);
    return t->gained - before;
  };
  for (const auto j : base) add(j);
  std::vector<std::uint32_t> new_sites;
  for (const auto j : ordered) {
    const double g = add(j);
    if (g <= m.eps) {
      const std::uint32_t z = zone(j);
      if (z >= zone_count.size() || zone_count[z] > p.zone_required[z]) {
        if (z < zone_count.size()) --zone_count[z];
        continue;  // adds nothing and no zone needs it
      }
    }
    out.chosen.push_back({r.kept[j], std::max(0.0, g), 0.0});
    new_sites.push_back(j);
  }
  out.value = a ? a->total() : t->gained;
  if (a)
    for (std::size_t i = 0; i < new_sites.size(); ++i) out.chosen[i].assigned = a->used(new_sites[i]);
  return out;
}

}  // namespace

ReducedSiting reduce_siting(const SitingProblem& p) {
  check_problem(p);
  ReducedSiting r;
  const std::size_t n = p.covers.size();
  r.stats.candidates = n;
  std::unordered_map<std::uint32_t, std::uint32_t> demand;  // cell → demand index
  demand.reserve(p.cells.size() * 2);
  std::vector<double> persons;
  for (std::size_t i = 0; i < p.cells.size(); ++i) {
    if (!(p.persons[i] > 0.0)) continue;
    auto [it, fresh] = demand.emplace(p.cells[i], static_cast<std::uint32_t>(persons.size()));
    if (fresh) persons.push_back(p.persons[i]);
    else persons[it->second] += p.persons[i];
  }
  r.stats.demand_cells = persons.size();
  // Per demand cell, the candidates covering it (ascending: candidates are visited in order).
  std::vector<std::vector<std::uint32_t>> by_cell(persons.size());
  for (std::size_t j = 0; j < n; ++j) {
    for (std::uint32_t c : p.covers[j]) {
      auto it = demand.find(c);
      if (it == demand.end()) continue;
      auto& list = by_cell[it->second];
      if (list.empty() || list.back() != j) list.push_back(static_cast<std::uint32_t>(j));
    }
  }
  // Rows: cells with the same candidate set.
  std::unordered_map<std::vector<std::uint32_t>, std::uint32_t, VectorHash> row_of;
  std::vector<std::vector<std::uint32_t>> row_cands;
  std::vector<double> row_persons;
  for (std::size_t c = 0; c < by_cell.size(); ++c) {
    if (by_cell[c].empty()) continue;
    ++r.stats.coverable_cells;
    auto [it, fresh] = row_of.emplace(by_cell[c], static_cast<std::uint32_t>(row_persons.size()));
    if (fresh) {
      row_persons.push_back(persons[c]);
      row_cands.push_back(by_cell[c]);
    } else {
      row_persons[it->second] += persons[c];
    }
  }
  std::vector<std::vector<std::uint32_t>> cand_rows(n);
  for (std::size_t row = 0; row < row_cands.size(); ++row)
    for (std::uint32_t j : row_cands[row]) cand_rows[j].push_back(static_cast<std::uint32_t>(row));
  // Dominated candidates: a is dominated by b when a's rows ⊊ b's rows, or equal and b < a; b must be in a's zone
  // when that zone has a minimum, and such a zone keeps at least its minimum of candidates. Closable facilities are
  // never removed (not choosing one closes it). With capacities b must also have at least a's capacity and enough
  // for every person of its rows: otherwise a and b open together can serve more than b alone.
  std::vector<double> demand_of(n, 0.0);
  if (has_capacity(p))
    for (std::size_t j = 0; j < n; ++j)
      for (const std::uint32_t row : cand_rows[j]) demand_of[j] += row_persons[row];
  std::vector<std::uint32_t> zone_left(p.zone_required.size(), 0);
  if (has_zones(p))
    for (std::uint32_t z : p.candidate_zone)
      if (z < zone_left.size()) ++zone_left[z];
  auto zone_of = [&](std::size_t j) { return has_zones(p) ? p.candidate_zone[j] : kNoSitingZone; };
  auto can_dominate = [&](std::size_t b, std::size_t a) {
    return !has_capacity(p) || (p.capacity[b] >= p.capacity[a] && p.capacity[b] >= demand_of[b]);
  };
  std::vector<char> removed(n, 0);
  for (std::size_t a = 0; a < n; ++a) {
    if (is_closable(p, a)) continue;
    const std::uint32_t za = zone_of(a);
    const bool needed_zone = za < zone_left.size() && p.zone_required[za] > 0;
    if (needed_zone && zone_left[za] <= p.zone_required[za]) continue;
    bool dominated = cand_rows[a].empty();
    if (!dominated) {
      std::uint32_t pivot = cand_rows[a][0];
      for (std::uint32_t row : cand_rows[a])
        if (row_cands[row].size() < row_cands[pivot].size()) pivot = row;
      for (std::uint32_t b : row_cands[pivot]) {
        if (b == a || cand_rows[b].size() < cand_rows[a].size()) continue;
        if (cand_rows[b].size() == cand_rows[a].size() && b > a && !is_closable(p, b)) continue;
        if (needed_zone && zone_of(b) != za) continue;
        if (!can_dominate(b, a)) continue;
        if (is_subset(cand_rows[a], cand_rows[b])) {
          dominated = true;
          break;
        }
      }
    }
    if (dominated) {
      removed[a] = 1;
      if (za < zone_left.size()) --zone_left[za];
    }
  }
  for (std::size_t j = 0; j < n; ++j)
    if (!removed[j]) {
      r.kept.push_back(static_cast<std::uint32_t>(j));
      r.covers.push_back(std::move(cand_rows[j]));
    }
  r.row_persons = std::move(row_persons);
  r.stats.demand_rows = r.row_persons.size();
  r.stats.candidates_kept = r.kept.size();
  return r;
}

double siting_coverage(const SitingProblem& p, const std::vector<std::uint32_t>& open) {
  check_problem(p);
  // Each demand cell a row of its own, the open candidates as the kept ones.
  ReducedSiting r;
  std::unordered_map<std::uint32_t, std::uint32_t> row_of;
  for (std::size_t i = 0; i < p.cells.size(); ++i) {
    if (!(p.persons[i] > 0.0)) continue;
    auto [it, fresh] = row_of.emplace(p.cells[i], static_cast<std::uint32_t>(r.row_persons.size()));
    if (fresh) r.row_persons.push_back(p.persons[i]);
    else r.row_persons[it->second] += p.persons[i];
  }
  SitingProblem q;
  for (const std::uint32_t j : open) {
    if (j >= p.covers.size()) throw std::invalid_argument("siting_coverage: a candidate index is out of range");
    std::vector<std::uint32_t> rows;
    for (const std::uint32_t c : p.covers[j])
      if (auto it = row_of.find(c); it != row_of.end()) rows.push_back(it->second);
    std::sort(rows.begin(), rows.end());
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
    r.kept.push_back(j);
    r.covers.push_back(std::move(rows));
    if (has_capacity(p)) q.capacity.push_back(p.capacity[j]);
  }
  // Sites reads capacities by original index: a problem whose candidates are the open ones, in order.
  q.covers.resize(open.size());
  ReducedSiting local = r;
  for (std::size_t k = 0; k < local.kept.size(); ++k) local.kept[k] = static_cast<std::uint32_t>(k);
  const Sites m(q, local);
  std::vector<std::uint32_t> all(open.size());
  std::iota(all.begin(), all.end(), 0U);
  return covered_by(m, all);
}

SitingResult solve_siting(const SitingProblem& p, const SitingOptions& options) {
  using Clock = std::chrono::steady_clock;
  auto since = [](Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); };
  auto t0 = Clock::now();
  const ReducedSiting r = reduce_siting(p);
  const Sites sites(p, r);
  SitingResult out;
  out.reduce_s = since(t0);
  out.reduction = r.stats;
  out.capacitated = sites.capacitated;
  out.total = p.total;
  double coverable = 0.0;
  for (double w : r.row_persons) coverable += w;
  if (sites.capacitated) {
    // Every site open: the most the candidates can cover at all.
    std::vector<std::uint32_t> every(r.kept.size());
    std::iota(every.begin(), every.end(), 0U);
    coverable = covered_by(sites, every);
  }
  double need = 0.0;
  if (p.objective == SitingObjective::kTargetShare) {
    need = p.target_share * p.total - p.covered_before;
    // Float noise must not ask for one more site: a need below a millionth of a person is met.
    if (need <= 1e-6) need = 0.0;
    if (need > coverable + 1e-6) out.target_reached = false;
  }

  t0 = Clock::now();
  std::vector<std::uint32_t> greedy_picks = greedy(p, sites, out.target_reached ? need : coverable + 1.0);
  double greedy_gain = covered_by(sites, greedy_picks);
  out.greedy_sites = greedy_picks.size();
  out.greedy_gain = greedy_gain;
  const std::vector<std::uint32_t> greedy_order = greedy_picks;  // the aims of the fewest-sites bound
  // The local search improves on greedy (fewer sites for the target, more persons for a budget); from here on
  // "greedy" is greedy followed by it.
  // Not with capacities: its gains are those of the covering model, not of the assignment.
  if (options.local_search && !has_zones(p) && out.target_reached && !sites.capacitated) {
    greedy_picks = local_search(r, std::move(greedy_picks), p.objective == SitingObjective::kTargetShare, need);
    greedy_gain = covered_by(sites, greedy_picks);
  }
  out.local_search_sites = greedy_picks.size();
  out.local_search_gain = greedy_gain;
  out.greedy_s = since(t0);
  t0 = Clock::now();
  std::vector<std::uint32_t> picks = greedy_picks;
  out.method_used = SitingMethod::kGreedy;

  const bool want_exact = options.method != SitingMethod::kGreedy;
  // The cheap bound: the Lagrangian one (siting_bound.hpp), seconds where the LP or the exact solve takes minutes;
  // with capacities it bounds the uncapacitated model (valid, looser), and the LP relaxation (Clp) tightens it.
  // kBudget: an upper bound on the persons the open sites can cover; kTargetShare: a lower bound on open sites.
  std::optional<double> lagrangian;
  bool capacity_lp_bound = false;  // with capacities: a bound of the capacitated model (Clp's LP, CBC's) is known
  const bool bound_needed = out.target_reached && !r.kept.empty() &&
                            !(p.objective == SitingObjective::kTargetShare && need <= 0.0 && !has_zones(p));
  if (bound_needed) {
    std::vector<std::uint32_t> kept_zone;
    if (has_zones(p))
      for (const std::uint32_t j : r.kept) kept_zone.push_back(p.candidate_zone[j]);
    const CoverModel cm{r.row_persons, r.covers, kept_zone,
                        has_zones(p) ? std::span<const std::uint32_t>(p.zone_required) : std::span<const std::uint32_t>()};
    const auto slots = static_cast<std::uint32_t>(std::min<std::uint64_t>(open_slots(p), r.kept.size()));
    if (p.objective == SitingObjective::kBudget) {
      lagrangian = mclp_upper_bound(cm, slots, greedy_gain).bound;
      if (sites.capacitated) {
        // No more than the largest capacities of as many sites can be served.
        std::vector<double> caps = sites.cap;
        std::sort(caps.begin(), caps.end(), std::greater<>());
        double sum = 0.0;
        for (std::size_t k = 0; k < caps.size() && k < slots; ++k) sum += caps[k];
        lagrangian = std::min(*lagrangian, sum);
      }
    } else {
      // What the greedy solution's first k sites cover, for each k: the aim of the bound's steps for k sites.
      std::vector<double> curve;
      if (sites.capacitated) {
        Assignment a(sites);
        for (const std::uint32_t j : greedy_order) {
          a.add(j);
          curve.push_back(a.total());
        }
      } else {
        GreedyState s(sites);
        for (const std::uint32_t j : greedy_order) {
          s.take(j);
          curve.push_back(s.gained);
        }
      }
      lagrangian = fewest_sites_lower_bound(cm, need, static_cast<std::uint32_t>(greedy_picks.size()), curve);
    }
#ifdef CAREREACH_HAVE_CBC
    if (sites.capacitated) {
      const Model lp = build_capacitated_model(p, sites, need);
      if (const auto v = lp_optimum(lp, options.time_limit_s)) {
        capacity_lp_bound = true;
        if (p.objective == SitingObjective::kBudget) lagrangian = std::min(*lagrangian, -*v + 1e-9 * std::max(1.0, coverable));
        else lagrangian = std::max(*lagrangian, std::ceil(*v - 1e-6));
      }
    }
#endif
  }
  const auto relative_gap = [&](double bound) {
    if (p.objective == SitingObjective::kBudget) return bound > 0.0 ? std::max(0.0, bound - greedy_gain) / bound : 0.0;
    const double k = static_cast<double>(greedy_picks.size());
    return k > 0.0 ? std::max(0.0, k - bound) / k : 0.0;
  };
  const bool greedy_close_enough =
      lagrangian && options.accept_gap > 0.0 && relative_gap(*lagrangian) <= options.accept_gap;
  if (!out.target_reached) {
    out.note = "the target cannot be reached: every candidate together covers too few persons";
  } else if (!bound_needed) {
    out.proven_optimal = true;  // nothing to choose, or nothing needed
    if (want_exact && siting_solver_available()) out.method_used = SitingMethod::kExact;
  } else if (want_exact && !greedy_close_enough) {
#ifdef CAREREACH_HAVE_CBC
    // The time limit counts from here: building the model, CBC's preprocessing, root and search.
    const auto deadline_at =
        Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(options.time_limit_s));
    const Model m = sites.capacitated ? build_capacitated_model(p, sites, need) : build_model(p, r, need);
    std::vector<double> start(m.collb.size(), 0.0);
    if (sites.capacitated) {
      // y_j of the greedy picks and the maximum assignment to them.
      Assignment a(sites);
      for (const std::uint32_t j : greedy_picks) a.add(j);
      std::size_t col = static_cast<std::size_t>(m.n);
      for (std::size_t j = 0; j < r.kept.size(); ++j)
        for (std::size_t q = 0; q < r.covers[j].size(); ++q) start[col++] = a.flow(j, q);
      for (const std::uint32_t j : greedy_picks) start[j] = 1.0;
    } else {
      for (const std::uint32_t j : greedy_picks) {
        start[j] = 1.0;
        for (const std::uint32_t row : r.covers[j]) start[static_cast<std::size_t>(m.n) + row] = 1.0;
      }
    }
    const bool lp_bound_before = capacity_lp_bound;  // the capacitated LP's bound tightened the cheap one
    ExactOutcome e = exact(m, deadline_at, options.accept_gap, start);
    out.time_limit_reached = e.timed_out;
    if (e.solved) {
      keep_unused(p, sites, e.picks);
      const double e_gain = covered_by(sites, e.picks);
      // The solver's tolerances may accept a coverage a hair below the need: such a solution does not count.
      const bool meets = p.objective == SitingObjective::kBudget ? e.picks.size() <= open_slots(p) : e_gain >= need;
      const bool better = meets && (p.objective == SitingObjective::kBudget
                                        ? e_gain >= greedy_gain
                                        : (e.picks.size() < greedy_picks.size() ||
                                           (e.picks.size() == greedy_picks.size() && e_gain >= greedy_gain)));
      if (better) {
        picks = e.picks;
        out.method_used = SitingMethod::kExact;
      }
    }
    out.proven_optimal = e.proven_optimal && out.method_used == SitingMethod::kExact;
    if (std::abs(e.best_possible) < 1e30) {
      if (sites.capacitated) capacity_lp_bound = true;  // the solver's bound is the capacitated model's
      if (p.objective == SitingObjective::kBudget) out.bound = -e.best_possible;
      else out.bound = std::ceil(e.best_possible - 1e-6);
    }
    if (!e.finished) {
      char limit_text[32];
      std::snprintf(limit_text, sizeof limit_text, "%g s", options.time_limit_s);
      const std::string limit = limit_text;
      const std::string cheap = lp_bound_before ? "the tighter of the Lagrangian bound and the LP relaxation's (Clp)"
                                                : "the Lagrangian bound";
      const std::string against = std::abs(e.best_possible) < 1e30 ? "the tighter of the solver's bound and " + cheap
                                                                   : cheap + " (the solver was stopped inside an LP)";
      out.note = e.solved ? "the solver's time limit (" + limit +
                                ") was reached before optimality was proven; the better of its best solution and the greedy one, gap against " + against
                          : "the solver found no solution within its time limit (" + limit +
                                "): the greedy solution, gap against " + against;
    }
#else
    out.note = "no exact solver is built in (COIN-OR CBC): the greedy solution, gap against the Lagrangian bound";
#endif
  }
  // The tighter of the solver's bound and the cheap one.
  if (lagrangian && !out.proven_optimal) {
    if (!out.bound) out.bound = lagrangian;
    else if (p.objective == SitingObjective::kBudget) out.bound = std::min(*out.bound, *lagrangian);
    else out.bound = std::max(*out.bound, *lagrangian);
  }

  out.solver_s = since(t0);
  const Ordered ordered = order_picks(p, sites, picks);
  out.chosen = ordered.chosen;
  out.closed = ordered.closed;
  out.kept = ordered.kept;
  out.covered_before = p.covered_before + ordered.today;
  const double gain = ordered.value;  // persons the open sites cover: the objective
  out.covered_after = p.covered_before + gain;
  const double open_sites = static_cast<double>(ordered.chosen.size() + ordered.kept);
  if (out.proven_optimal) {
    out.gap = 0.0;
    out.bound = p.objective == SitingObjective::kBudget ? gain : open_sites;
  } else if (out.bound) {
    if (p.objective == SitingObjective::kBudget) {
      const double b = std::max(*out.bound, gain);
      out.bound = b;
      out.gap = b > 0.0 ? (b - gain) / b : 0.0;
      if (*out.gap < 1e-9) {
        out.gap = 0.0;
        out.proven_optimal = true;
      }
    } else if (out.target_reached) {
      const double k = open_sites;
      const double b = std::min(std::max(*out.bound, 0.0), k);
      out.bound = b;
      out.gap = k > 0.0 ? (k - b) / k : 0.0;
      if (*out.gap == 0.0) out.proven_optimal = true;
    } else {
      out.bound.reset();
    }
  }
  if (out.proven_optimal && out.target_reached) out.note.clear();  // the bound proved it after all
  // With capacities and no finished LP, the gap is measured against the uncapacitated bound: valid, but looser.
  if (sites.capacitated && !capacity_lp_bound && !out.proven_optimal && out.gap)
    out.note += std::string(out.note.empty() ? "" : "; ") +
                "with capacities the gap is against the uncapacitated bound (the LP relaxation was not solved): a "
                "looser bound";
  return out;
}

}  // namespace carereach::analysis
