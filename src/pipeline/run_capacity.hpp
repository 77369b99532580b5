#pragma once
// Capacity-aware coverage in `carereach run` ([capacity.<id>], docs/method/capacity.md): the capacity of each
// facility (checked before anything is computed), the per-facility reach while the travel model holds the standard's
// mode, the engine (analysis/capacity.hpp), and the per-zone population covered with and without capacity.

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "analysis/capacity.hpp"
#include "analysis/travel.hpp"
#include "core/capacity_spec.hpp"
#include "core/diagnostics.hpp"
#include "core/progress.hpp"
#include "io/load.hpp"

namespace carereach::pipeline {

struct CapacityOutcome {
  const CapacitySpec* spec = nullptr;
  const Standard* standard = nullptr;
  double threshold_min = 0.0;
  std::string not_computed;     ///< why not (English; "" when computed)
  std::string not_computed_zh;
  std::vector<std::uint32_t> facility_ids;  ///< the facilities (FacilityId values, ascending)
  std::vector<double> units;                ///< per facility: beds, doctors … (or the table's units)
  std::vector<double> capacity;             ///< per facility: units × persons_per_unit
  analysis::CapacityResult result;          ///< facilities aligned with facility_ids
  /// Per zone level (aligned with RunAnalysis::levels), per zone: persons within the threshold of some facility
  /// (coverage without capacity) and persons a facility took (coverage with capacity).
  std::vector<std::vector<double>> covered_without;
  std::vector<std::vector<double>> covered_with;
  std::map<std::string, double> timings_s;
  [[nodiscard]] bool computed() const { return not_computed.empty() && !covered_with.empty(); }
};

/// The facilities and capacities of every [capacity.<id>], before any travel time is computed. Throws InputError
/// naming the facility (source file, row), the field and the [capacity.<id>] for a facility without a value of the
/// capacity field (a missing, negative or non-numeric value left out by on_invalid = "skip"), and for a facility
/// whose type the capacity table does not list.
std::vector<CapacityOutcome> prepare_capacity(const io::LoadedScenario& loaded);

/// Computes the capacity coverages on standard `standard` (its index in the scenario's standards) while `model`
/// still holds the standard's mode; zone_of_cell per zone level, zone counts per level.
void compute_capacity(std::vector<CapacityOutcome>& outcomes, const Standard& standard, analysis::TravelModel& model,
                      const io::LoadedScenario& loaded, std::span<const std::span<const std::uint32_t>> zone_of_cell,
                      std::span<const std::size_t> zones_per_level, Diagnostics& diag, ProgressSink* progress);

/// After every standard: the capacity coverages whose standard was not computed say so.
void finish_capacity(std::vector<CapacityOutcome>& outcomes, const std::string& standard_id, const std::string& why_en,
                     const std::string& why_zh);

}  // namespace carereach::pipeline
