#pragma once
// 附表8 机构服务能力与负荷 (capacity-aware coverage, docs/method/capacity.md): per [capacity.<id>] a table of the
// facilities in processing order (capacity, population within the threshold, population served, capacity used, the
// time at which the capacity was used up or "threshold reached first"), and per zone level the population covered
// with capacity beside the population covered without it. Whole persons as every table publishes them
// (report/published.hpp): the zones add up to the total, the facilities' persons served add up to the total served.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analysis/capacity.hpp"
#include "analysis/coverage.hpp"
#include "report/table.hpp"

namespace carereach::report {

struct RunTables;
struct Findings;

struct CapacityFacilityRow {
  std::string id;
  std::string name;
  std::string type_zh;
  std::string type_en;
  std::string zone;         ///< the zone of the finest level it lies in ("" outside)
  double units = 0.0;       ///< beds, doctors … (or the table's units)
  double capacity = 0.0;    ///< persons
  double population_within = 0.0;
  double served = 0.0;
  analysis::CapacityStatus status = analysis::CapacityStatus::kThresholdFirst;
  float reached_min = 0.0f;
};

struct CapacityTables {
  std::string id;
  std::string name_zh;
  std::string name_en;
  std::string standard_id;
  std::string mode_zh;   ///< 机动车
  std::string mode_en;   ///< car
  double threshold_min = 0.0;
  std::string units_zh;  ///< 床位数 (the capacity field) or 按机构类别 (table)
  std::string units_en;  ///< beds
  double persons_per_unit = 1.0;
  std::string order_zh;  ///< how the facilities were ordered
  std::string order_en;
  std::string source_zh;  ///< where persons_per_unit comes from
  std::string source_en;
  std::string not_computed_zh;  ///< not empty: not computed, and why
  std::string not_computed_en;
  std::vector<CapacityFacilityRow> facilities;  ///< in processing order
  /// Per RunTables::levels entry: persons within the threshold of some facility (without capacity) and persons a
  /// facility took (with capacity); pop_total is the zone's population. nullopt: not computed.
  std::vector<std::optional<analysis::LevelCoverage>> without;
  std::vector<std::optional<analysis::LevelCoverage>> with;
};

/// Whole persons served per facility row, adding up to the published total served (the first level's published
/// coverage with capacity when the facilities' sum equals its exact figure, else their own rounded sum).
std::vector<std::int64_t> published_served(const RunTables& run, const CapacityTables& c);

/// 附表8 机构服务能力与负荷 of run.capacity[k] (id "capacity_<id>"). Columns: rank, facility_id, name, type, zone,
/// units, capacity, pop_within, served, used (%), reached_min, status. Total row first.
Table capacity_facility_table(const RunTables& run, std::size_t k);

/// The zones of level `level` for run.capacity[k] (id "capacity_<id>_<level>"). Columns: code, [parent], name,
/// pop_total, covered_without, share_without, covered_with, share_with, beyond_capacity. Total row first.
Table capacity_zone_table(const RunTables& run, std::size_t k, std::size_t level);

/// Every capacity table in order (per capacity: its facility table, then its zone tables), numbered 附表8-1 …
/// (附表8 when there is one).
std::vector<Table> capacity_tables(const RunTables& run);

/// The report's findings on each capacity coverage (机构服务能力与负荷): capacity and persons served, the population
/// covered with capacity against without, the facilities at capacity and the most loaded ones. Labelled modelled.
std::vector<Findings> capacity_findings(const RunTables& run, Lang lang);

/// The status of a facility row as the tables show it: "能力用尽" / "capacity reached" …
std::string capacity_status_text(analysis::CapacityStatus s, Lang lang);

}  // namespace carereach::report
