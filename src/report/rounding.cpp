#include "report/rounding.hpp"

#include <algorithm>
#include <cmath>
#include <queue>
#include <stdexcept>
#include <string>

namespace carereach::report {

namespace {

// Quotas are weight × n / Σ weights with exact remainders: products of micro-persons and persons reach 10^24.
__extension__ using Wide = __int128;

constexpr std::int64_t kMicro = 1'000'000;

/// micro / 10^6 rounded half to even, in whole numbers (no double on the way).
std::int64_t micro_to_whole(Wide micro) {
  if (micro < 0) throw std::invalid_argument("rounding: a negative figure");
  const auto q = static_cast<std::int64_t>(micro / kMicro);
  const auto r = static_cast<std::int64_t>(micro % kMicro);
  if (r > kMicro / 2) return q + 1;
  if (r < kMicro / 2) return q;
  return q % 2 == 0 ? q : q + 1;
}

Wide sum(std::span<const std::int64_t> v) {
  Wide s = 0;
  for (const std::int64_t x : v) s += x;
  return s;
}

}  // namespace

std::int64_t round_half_even(double v) {
  if (!std::isfinite(v) || std::abs(v) > 9e15)
    throw std::invalid_argument("round_half_even: not a finite number within ±9e15");
  const double f = std::floor(v);
  const double d = v - f;  // exact for |v| < 2^52
  const auto whole = static_cast<std::int64_t>(f);
  if (d > 0.5) return whole + 1;
  if (d < 0.5) return whole;
  return whole % 2 == 0 ? whole : whole + 1;
}

std::int64_t to_micro(double v) {
  if (!std::isfinite(v) || std::abs(v) >= 9e12) throw std::invalid_argument("to_micro: not a finite number below 9e12");
  return round_half_even(v * static_cast<double>(kMicro));
}

std::vector<std::int64_t> apportion(std::span<const std::int64_t> weights, std::int64_t n,
                                    std::span<const std::int64_t> lo, std::span<const std::int64_t> hi) {
  const std::size_t k = weights.size();
  if (n < 0) throw std::invalid_argument("apportion: a negative number to split");
  if ((!lo.empty() && lo.size() != k) || (!hi.empty() && hi.size() != k))
    throw std::invalid_argument("apportion: bounds do not match the weights");
  Wide total_weight = 0;
  Wide sum_lo = 0;
  Wide sum_hi = 0;
  for (std::size_t i = 0; i < k; ++i) {
    if (weights[i] < 0) throw std::invalid_argument("apportion: a negative weight");
    total_weight += weights[i];
    const std::int64_t l = lo.empty() ? 0 : lo[i];
    const std::int64_t h = hi.empty() ? n : hi[i];
    if (l < 0 || l > h) throw std::invalid_argument("apportion: bounds out of order");
    sum_lo += l;
    sum_hi += h;
  }
  if (sum_lo > n || sum_hi < n || (k == 0 && n > 0))
    throw std::invalid_argument("apportion: the bounds cannot hold " + std::to_string(n));

  // key[i] = (quota − x) × Σ weights: how far part i is below its quota, exactly.
  std::vector<std::int64_t> x(k, 0);
  std::vector<Wide> key(k, 0);
  Wide given = 0;
  for (std::size_t i = 0; i < k; ++i) {
    Wide whole = 0;
    Wide rem = 0;
    if (total_weight > 0) {
      const Wide q = static_cast<Wide>(weights[i]) * n;
      whole = q / total_weight;
      rem = q % total_weight;
    }
    const std::int64_t l = lo.empty() ? 0 : lo[i];
    const std::int64_t h = hi.empty() ? n : hi[i];
    x[i] = static_cast<std::int64_t>(std::clamp<Wide>(whole, l, h));
    key[i] = (whole - x[i]) * total_weight + rem;
    given += x[i];
  }

  // Add the units left to the parts furthest below their quota (ties: larger weight, then smaller index), or take
  // the units too many from those furthest above (ties: smaller weight, then larger index).
  auto below_first = [&](std::size_t a, std::size_t b) {  // true when a comes after b
    if (key[a] != key[b]) return key[a] < key[b];
    if (weights[a] != weights[b]) return weights[a] < weights[b];
    return a > b;
  };
  auto above_first = [&](std::size_t a, std::size_t b) { return below_first(b, a); };
  if (given < n) {
    std::priority_queue<std::size_t, std::vector<std::size_t>, decltype(below_first)> queue(below_first);
    for (std::size_t i = 0; i < k; ++i)
      if (x[i] < (hi.empty() ? n : hi[i])) queue.push(i);
    for (; given < n; ++given) {
      const std::size_t i = queue.top();
      queue.pop();
      ++x[i];
      key[i] -= total_weight;
      if (x[i] < (hi.empty() ? n : hi[i])) queue.push(i);
    }
  } else if (given > n) {
    std::priority_queue<std::size_t, std::vector<std::size_t>, decltype(above_first)> queue(above_first);
    for (std::size_t i = 0; i < k; ++i)
      if (x[i] > (lo.empty() ? 0 : lo[i])) queue.push(i);
    for (; given > n; --given) {
      const std::size_t i = queue.top();
      queue.pop();
      --x[i];
      key[i] += total_weight;
      if (x[i] > (lo.empty() ? 0 : lo[i])) queue.push(i);
    }
  }
  return x;
}

std::vector<std::int64_t> round_to_total(std::span<const double> exact) {
  std::vector<std::int64_t> micro(exact.size());
  for (std::size_t i = 0; i < exact.size(); ++i) {
    micro[i] = to_micro(exact[i]);
    if (micro[i] < 0) throw std::invalid_argument("round_to_total: a negative value");
  }
  return apportion(micro, micro_to_whole(sum(micro)));
}

namespace {

/// One group of zones apportioned together: the children of one parent (or a top level, or the zones without a
/// parent), with an optional share of their parent that no child holds.
struct Group {
  std::vector<std::size_t> zones;
  std::int64_t rest_total = 0;  ///< micro-persons of the parent outside every child (0: none)
  std::int64_t rest_part = 0;
  std::int64_t n_total = 0;  ///< the whole persons to split
  std::int64_t n_part = 0;
};

/// The rounded figures of a group that stands on its own: its sums rounded half to even (the part held to the total:
/// all of it when every zone is covered completely, none when nobody is).
void anchor(Group& g, const std::vector<std::int64_t>& t, const std::vector<std::int64_t>& c, bool has_part) {
  Wide st = 0;
  Wide sc = 0;
  for (const std::size_t z : g.zones) {
    st += t[z];
    if (has_part) sc += c[z];
  }
  g.n_total = micro_to_whole(st);
  if (has_part) g.n_part = sc == st ? g.n_total : std::min(micro_to_whole(sc), g.n_total);
}

void split(const Group& g, const std::vector<std::int64_t>& t, const std::vector<std::int64_t>& c, bool has_part,
           RoundedLevel& out) {
  const bool rest = g.rest_total > 0;
  const std::size_t k = g.zones.size() + (rest ? 1 : 0);
  std::vector<std::int64_t> wt(k);
  std::vector<std::int64_t> wc(k);
  for (std::size_t i = 0; i < g.zones.size(); ++i) {
    wt[i] = t[g.zones[i]];
    if (has_part) wc[i] = c[g.zones[i]];
  }
  if (rest) {
    wt.back() = g.rest_total;
    wc.back() = g.rest_part;
  }
  if (k == 0) return;
  const std::vector<std::int64_t> totals = apportion(wt, g.n_total);
  for (std::size_t i = 0; i < g.zones.size(); ++i) out.total[g.zones[i]] = totals[i];
  if (!has_part) return;
  // A part completely covered keeps its whole total, a part with nobody covered keeps none (when the parent's part
  // allows it; otherwise only 0 … total).
  std::vector<std::int64_t> lo(k);
  std::vector<std::int64_t> hi(k);
  Wide sum_lo = 0;
  Wide sum_hi = 0;
  for (std::size_t i = 0; i < k; ++i) {
    lo[i] = wc[i] == wt[i] && wt[i] > 0 ? totals[i] : 0;
    hi[i] = wc[i] == 0 ? 0 : totals[i];
    sum_lo += lo[i];
    sum_hi += hi[i];
  }
  if (sum_lo > g.n_part || sum_hi < g.n_part) {
    std::fill(lo.begin(), lo.end(), 0);
    hi = totals;
  }
  const std::vector<std::int64_t> parts = apportion(wc, g.n_part, lo, hi);
  for (std::size_t i = 0; i < g.zones.size(); ++i) out.part[g.zones[i]] = parts[i];
}

}  // namespace

std::vector<RoundedLevel> round_levels(std::span<const ExactLevel> levels) {
  std::vector<RoundedLevel> out(levels.size());
  std::vector<std::int64_t> prev_t;  // micro-persons of the previous level
  std::vector<std::int64_t> prev_c;
  for (std::size_t k = 0; k < levels.size(); ++k) {
    const ExactLevel& level = levels[k];
    const std::size_t n = level.total.size();
    const bool has_part = !level.part.empty();
    const bool top = level.parent.empty();
    if (has_part && level.part.size() != n) throw std::invalid_argument("round_levels: parts do not match the zones");
    if (!top && level.parent.size() != n) throw std::invalid_argument("round_levels: parents do not match the zones");
    if (!top && k == 0) throw std::invalid_argument("round_levels: the first level has no parent level");
    if (!top && has_part != !out[k - 1].part.empty() && has_part)
      throw std::invalid_argument("round_levels: a level with parts under a level without");

    std::vector<std::int64_t> t(n);
    std::vector<std::int64_t> c(has_part ? n : 0);
    for (std::size_t z = 0; z < n; ++z) {
      t[z] = to_micro(level.total[z]);
      if (t[z] < 0) throw std::invalid_argument("round_levels: a negative total");
      if (has_part) {
        c[z] = std::clamp<std::int64_t>(to_micro(level.part[z]), 0, t[z]);
        if (t[z] - c[z] <= 1) c[z] = t[z];  // covered completely (sums of the same cells in another order)
      }
    }
    RoundedLevel& r = out[k];
    r.total.assign(n, 0);
    if (has_part) r.part.assign(n, 0);

    std::vector<Group> groups;
    if (top) {
      Group g;
      for (std::size_t z = 0; z < n; ++z) g.zones.push_back(z);
      anchor(g, t, c, has_part);
      groups.push_back(std::move(g));
    } else {
      const RoundedLevel& parent = out[k - 1];
      std::vector<Group> by_parent(parent.total.size());
      Group orphans;
      for (std::size_t z = 0; z < n; ++z) {
        const std::uint32_t p = level.parent[z];
        if (p == kNoParent) {
          orphans.zones.push_back(z);
        } else {
          if (p >= by_parent.size()) throw std::invalid_argument("round_levels: a parent index out of range");
          by_parent[p].zones.push_back(z);
        }
      }
      for (std::size_t p = 0; p < by_parent.size(); ++p) {
        Group& g = by_parent[p];
        Wide st = 0;
        Wide sc = 0;
        for (const std::size_t z : g.zones) {
          st += t[z];
          if (has_part) sc += c[z];
        }
        const Wide rest = prev_t[p] - st;
        const auto tolerance = static_cast<Wide>(g.zones.size() + 1);  // a micro-person per sum
        if (rest < -tolerance) {
          // The children hold more people than their parent: their boundaries do not fit it. Round them on their
          // own rather than squeeze them into the parent's figure.
          anchor(g, t, c, has_part);
        } else {
          g.n_total = parent.total[p];
          g.n_part = has_part ? parent.part[p] : 0;
          if (rest > tolerance) {
            g.rest_total = static_cast<std::int64_t>(rest);
            if (has_part) g.rest_part = static_cast<std::int64_t>(std::clamp<Wide>(prev_c[p] - sc, 0, rest));
          }
        }
        groups.push_back(std::move(g));
      }
      if (!orphans.zones.empty()) {
        anchor(orphans, t, c, has_part);
        groups.push_back(std::move(orphans));
        r.adds_to_parent = false;
      }
    }
    for (const Group& g : groups) split(g, t, c, has_part, r);

    for (std::size_t z = 0; z < n; ++z) {
      r.level_total += r.total[z];
      if (has_part) r.level_part += r.part[z];
    }
    if (!top) {
      const RoundedLevel& parent = out[k - 1];
      std::vector<std::int64_t> sum_t(parent.total.size(), 0);
      std::vector<std::int64_t> sum_c(parent.total.size(), 0);
      for (std::size_t z = 0; z < n; ++z) {
        const std::uint32_t p = level.parent[z];
        if (p == kNoParent) continue;
        sum_t[p] += r.total[z];
        if (has_part) sum_c[p] += r.part[z];
      }
      for (std::size_t p = 0; p < parent.total.size(); ++p)
        if (sum_t[p] != parent.total[p] || (has_part && sum_c[p] != parent.part[p])) r.adds_to_parent = false;
    }
    prev_t = std::move(t);
    prev_c = std::move(c);
  }
  return out;
}

}  // namespace carereach::report
