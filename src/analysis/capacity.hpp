#pragma once
// Capacity-aware coverage (AccessMod's "geographic coverage"): facilities are taken one after the other; each takes
// the residual population of the cells it reaches, nearest first, until its capacity is used up or its threshold is
// reached, and what it takes is removed before the next facility. Pure: plain inputs (each facility's reach list,
// persons per cell, capacities), plain results. docs/method/capacity.md gives the exact rule.
//
// Cost: O(cells + Σ reach list lengths + F log F); the reach lists (analysis::facility_reach) are the input.

#include <cstdint>
#include <span>
#include <vector>

#include "analysis/reach.hpp"

namespace carereach::analysis {

/// How the facilities are ordered: by the population within the threshold (on the initial population, largest
/// first, as AccessMod's "population within the travel time" order), or by a value per facility (largest first).
/// Ties: the smaller facility id first.
enum class CapacityOrder { kPopulation, kValue };

/// How a facility's processing ended.
enum class CapacityStatus {
  kCapacityReached,   ///< its capacity was used up within the threshold (capacity > 0)
  kThresholdFirst,    ///< the threshold was reached with capacity left ("threshold reached first")
  kNoCapacity,        ///< capacity 0: takes nobody
  kNotJoined,         ///< not joined to the network or outside the grid: reaches nobody
};

struct CapacityInput {
  std::span<const FacilityReach> reach;  ///< one per facility, cells sorted by (minutes, cell) within the threshold
  std::span<const double> capacity;      ///< persons, ≥ 0, aligned with reach
  std::span<const double> order_value;   ///< kValue: one per facility (larger first); kPopulation: unused
  CapacityOrder order = CapacityOrder::kPopulation;
  std::span<const double> persons;       ///< per grid cell, the initial population
};

struct FacilityCapacity {
  std::uint32_t facility = 0;      ///< FacilityId value (as in the reach list)
  std::uint32_t rank = 0;          ///< processing position, 0 = first
  double capacity = 0.0;           ///< persons
  double population_within = 0.0;  ///< initial population of the cells within the threshold
  double served = 0.0;             ///< persons taken (≤ capacity, ≤ residual within the threshold)
  CapacityStatus status = CapacityStatus::kThresholdFirst;
  float reached_min = 0.0f;        ///< kCapacityReached: the travel time at which the capacity was used up
  float last_min = 0.0f;           ///< the travel time of the farthest cell the facility took persons from (0: none)
  std::uint32_t cells_taken = 0;   ///< cells it took persons from (the crossing ring's cells included)
};

struct CapacityResult {
  std::vector<FacilityCapacity> facilities;  ///< aligned with the input (not in processing order)
  std::vector<std::uint32_t> order;          ///< indices into facilities, in processing order
  std::vector<double> residual;              ///< per cell: the persons no facility took
  std::vector<std::uint8_t> within;          ///< per cell: 1 when within the threshold of at least one facility
  /// per cell: the facility (index into `facilities`) that took the most persons there, or kNoFacilityIndex
  std::vector<std::uint32_t> main_facility;
};

inline constexpr std::uint32_t kNoFacilityIndex = 0xFFFFFFFFu;

/// Runs the capacity-aware coverage. Rule (docs/method/capacity.md): a facility takes its cells in rings of equal
/// travel time, nearest first; a ring whose residual population fits in the capacity left is taken whole; the first
/// ring that does not fit gives the same fraction of each of its cells' residual population (capacity left ÷ ring
/// residual), so the capacity is met exactly, and the facility stops. Throws std::invalid_argument when the spans
/// do not match, a capacity is negative or not finite, or a reach list names a cell outside `persons`.
CapacityResult capacity_coverage(const CapacityInput& in);

}  // namespace carereach::analysis
