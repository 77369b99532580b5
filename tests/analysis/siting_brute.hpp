#pragma once
// What the siting tests' brute forces share: whether an open set (a bit per candidate) meets the zone minimums.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "analysis/siting.hpp"

namespace carereach::analysis::test {

/// Every zone with a minimum has at least that many open candidates in `mask`.
inline bool zones_met(const SitingProblem& p, std::uint32_t mask) {
  if (p.zone_required.empty()) return true;
  std::vector<std::uint32_t> count(p.zone_required.size(), 0);
  for (std::size_t j = 0; j < p.covers.size(); ++j)
    if ((mask & (1u << j)) && p.candidate_zone[j] < count.size()) ++count[p.candidate_zone[j]];
  for (std::size_t z = 0; z < count.size(); ++z)
    if (count[z] < p.zone_required[z]) return false;
  return true;
}

}  // namespace carereach::analysis::test
