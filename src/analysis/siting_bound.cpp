#include "analysis/siting_bound.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

namespace carereach::analysis {

namespace {

/// The inner maximum of the Lagrangian: every zone's required number of its best candidates by value c, then the
/// best of the rest (value > 0) up to the budget. Sets pick[j] and returns Σ c_j over the picks.
class InnerMax {
 public:
  InnerMax(const CoverModel& m, std::uint32_t budget) : budget_(budget), pick_(m.covers.size(), 0) {
    const std::size_t n = m.covers.size();
    if (!m.zone_required.empty()) {
      zone_members_.resize(m.zone_required.size());
      for (std::size_t j = 0; j < n; ++j) {
        const std::uint32_t z = m.candidate_zone[j];
        if (z == kNoBoundZone) continue;
        if (z >= m.zone_required.size()) throw std::invalid_argument("mclp_upper_bound: a candidate's zone is out of range");
        zone_members_[z].push_back(static_cast<std::uint32_t>(j));
      }
      for (std::size_t z = 0; z < m.zone_required.size(); ++z) {
        if (zone_members_[z].size() < m.zone_required[z])
          throw std::invalid_argument("mclp_upper_bound: zone " + std::to_string(z) + " has fewer candidates than required");
        required_ += m.zone_required[z];
      }
      zone_required_.assign(m.zone_required.begin(), m.zone_required.end());
    }
    if (required_ > budget_) throw std::invalid_argument("mclp_upper_bound: the zone minimums exceed the budget");
    rest_.reserve(n);
  }

  double operator()(const std::vector<double>& c) {
    std::fill(pick_.begin(), pick_.end(), std::uint8_t{0});
    double sum = 0.0;
    const auto by_value = [&c](std::uint32_t a, std::uint32_t b) { return c[a] > c[b] || (c[a] == c[b] && a < b); };
    for (std::size_t z = 0; z < zone_members_.size(); ++z) {
      auto& members = zone_members_[z];
      const std::size_t r = zone_required_[z];
      if (r == 0) continue;
      std::nth_element(members.begin(), members.begin() + static_cast<std::ptrdiff_t>(r - 1), members.end(), by_value);
      for (std::size_t k = 0; k < r; ++k) {
        pick_[members[k]] = 1;
        sum += c[members[k]];
      }
    }
    rest_.clear();
    for (std::size_t j = 0; j < c.size(); ++j)
      if (pick_[j] == 0 && c[j] > 0.0) rest_.push_back(static_cast<std::uint32_t>(j));
    const std::size_t free_slots = std::min<std::size_t>(budget_ - required_, rest_.size());
    if (free_slots > 0) {
      std::nth_element(rest_.begin(), rest_.begin() + static_cast<std::ptrdiff_t>(free_slots - 1), rest_.end(), by_value);
      for (std::size_t k = 0; k < free_slots; ++k) {
        pick_[rest_[k]] = 1;
        sum += c[rest_[k]];
      }
    }
    return sum;
  }

  [[nodiscard]] const std::vector<std::uint8_t>& pick() const { return pick_; }

 private:
  std::uint32_t budget_;
  std::uint32_t required_ = 0;
  std::vector<std::vector<std::uint32_t>> zone_members_;
  std::vector<std::uint32_t> zone_required_;
  std::vector<std::uint8_t> pick_;
  std::vector<std::uint32_t> rest_;
};

CoverBound bound_from(const CoverModel& model, std::uint32_t budget, double lower_bound, int max_iterations,
                      double stop_gap, std::vector<double>& lambda,
                      double stop_below = -std::numeric_limits<double>::infinity());

}  // namespace

CoverBound mclp_upper_bound(const CoverModel& model, std::uint32_t budget, double lower_bound, int max_iterations,
                            double stop_gap) {
  std::vector<double> lambda(model.row_weight.begin(), model.row_weight.end());
  return bound_from(model, budget, lower_bound, max_iterations, stop_gap, lambda);
}

namespace {

/// mclp_upper_bound from the multipliers `lambda` (one per row, within [0, w]), left at the best ones found; it also
/// stops as soon as the bound falls below `stop_below`.
CoverBound bound_from(const CoverModel& model, std::uint32_t budget, double lower_bound, int max_iterations,
                      double stop_gap, std::vector<double>& lambda, double stop_below) {
  const std::size_t n = model.covers.size();
  const std::size_t m = model.row_weight.size();
  if (!model.zone_required.empty() && model.candidate_zone.size() != n)
    throw std::invalid_argument("mclp_upper_bound: candidate_zone must have one entry per candidate");
  double total = 0.0;
  for (const double w : model.row_weight) {
    if (!(w >= 0.0) || !std::isfinite(w)) throw std::invalid_argument("mclp_upper_bound: a row weight is negative or not finite");
    total += w;
  }
  for (const auto& rows : model.covers)
    for (const std::uint32_t i : rows)
      if (i >= m) throw std::invalid_argument("mclp_upper_bound: a covered row is out of range");

  if (lambda.size() != m) throw std::invalid_argument("mclp_upper_bound: not one multiplier per row");
  InnerMax inner(model, budget);
  std::vector<double> best_lambda = lambda;
  std::vector<double> c(n, 0.0);
  std::vector<std::uint32_t> covered(m, 0);
  CoverBound out;
  out.bound = std::numeric_limits<double>::infinity();
  double theta = 2.0;
  int since_improvement = 0;
  constexpr std::size_t kRowBlock = 4096;
  const std::size_t row_blocks = (m + kRowBlock - 1) / kRowBlock;
  std::vector<double> rest_part(row_blocks);
  std::vector<double> length2_part(row_blocks);
  for (int it = 0; it < std::max(1, max_iterations); ++it) {
    out.iterations = it + 1;
    // Each candidate's sum in its own order, whatever the threads: the same bound on every machine.
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 1024), [&](const tbb::blocked_range<std::size_t>& r) {
      for (std::size_t j = r.begin(); j < r.end(); ++j) {
        double s = 0.0;
        for (const std::uint32_t i : model.covers[j]) s += lambda[i];
        c[j] = s;
      }
    });
    double value = inner(c);
    // The rows the picks cover (counted into `covered`, which the multipliers' step sets back to 0).
    const auto& pick = inner.pick();
    for (std::size_t j = 0; j < n; ++j)
      if (pick[j] != 0)
        for (const std::uint32_t i : model.covers[j]) ++covered[i];
    // Σ (w_i − λ_i) and the squared length of the subgradient of L at λ, (rows covered by the picks) − y with
    // y_i = 1 where w_i > λ_i, in one pass over the rows: blocks of rows in parallel, each summed in order and the
    // blocks' sums added in order, so the sums are the same on every machine (the squared length is a sum of whole
    // numbers: exact in any order). A step that the box [0, w_i] would undo at once does not count towards it.
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, row_blocks), [&](const tbb::blocked_range<std::size_t>& r) {
      for (std::size_t b = r.begin(); b < r.end(); ++b) {
        double rest = 0.0;
        double length2 = 0.0;
        const std::size_t end = std::min(m, (b + 1) * kRowBlock);
        for (std::size_t i = b * kRowBlock; i < end; ++i) {
          rest += model.row_weight[i] - lambda[i];
          const double g = static_cast<double>(covered[i]) - (model.row_weight[i] > lambda[i] ? 1.0 : 0.0);
          if ((g > 0.0 && lambda[i] <= 0.0) || (g < 0.0 && lambda[i] >= model.row_weight[i])) continue;
          length2 += g * g;
        }
        rest_part[b] = rest;
        length2_part[b] = length2;
      }
    });
    double norm2 = 0.0;
    for (std::size_t b = 0; b < row_blocks; ++b) {
      value += rest_part[b];
      norm2 += length2_part[b];
    }
    if (value < out.bound - 1e-12 * std::max(1.0, total)) {
      out.bound = value;
      best_lambda = lambda;
      since_improvement = 0;
    } else if (++since_improvement >= 20) {
      theta /= 2.0;
      since_improvement = 0;
      if (theta < 1e-4) break;
    }
    if (out.bound - lower_bound <= stop_gap * std::max(out.bound, 1e-12) || out.bound < stop_below) break;
    if (norm2 == 0.0) break;  // λ is optimal: the bound is the LP relaxation's
    const double step = theta * std::max(value - lower_bound, 1e-9 * std::max(1.0, total)) / norm2;
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, m, 4096), [&](const tbb::blocked_range<std::size_t>& r) {
      for (std::size_t i = r.begin(); i < r.end(); ++i) {
        const double g = static_cast<double>(covered[i]) - (model.row_weight[i] > lambda[i] ? 1.0 : 0.0);
        lambda[i] = std::clamp(lambda[i] - step * g, 0.0, model.row_weight[i]);
        covered[i] = 0;
      }
    });
  }
  // Every L(λ) bounds the optimum in exact arithmetic; a margin of a billionth of the total weight covers the
  // rounding of the sums; no bound exceeds the weight of every row.
  out.bound = std::min(out.bound + 1e-9 * total, total);
  lambda = std::move(best_lambda);
  return out;
}

}  // namespace

std::uint32_t fewest_sites_lower_bound(const CoverModel& model, double need, std::uint32_t upper,
                                       std::span<const double> known, int max_iterations) {
  if (!(need > 0.0)) return 0;
  std::uint32_t required = 0;
  for (const std::uint32_t r : model.zone_required) required += r;
  // k below the zone minimums is infeasible whatever it covers; the search starts at the minimums.
  std::int64_t excluded = static_cast<std::int64_t>(required) - 1;  // the largest k known not to reach need
  std::int64_t enough = upper;                                      // a k known (or assumed) to reach it
  // The multipliers of one k start the next: neighbouring budgets have nearly the same best multipliers.
  std::vector<double> lambda(model.row_weight.begin(), model.row_weight.end());
  while (enough - excluded > 1) {
    const auto k = static_cast<std::uint32_t>((excluded + enough) / 2);
    // Polyak's steps aim at what k sites are known to cover (below need), or at need itself.
    const double aim = k >= 1 && k <= known.size() ? std::min(known[k - 1], need) : need;
    const CoverBound b = bound_from(model, k, aim, max_iterations, 1e-4, lambda, need);
    if (b.bound < need) excluded = k;
    else enough = k;
  }
  return static_cast<std::uint32_t>(excluded + 1);
}

}  // namespace carereach::analysis
