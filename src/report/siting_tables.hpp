#pragma once
// 附表12 选址方案 (facility siting, docs/method/siting.md): per siting the coverage curve — the chosen sites in
// order, each with its zone, the persons it adds and the persons covered after it — and per zone level the sites to
// build (or upgrade) with the persons they add; the method and its optimality gap stated in the notes. Whole persons:
// the cumulative figures are rounded and each gain is the difference of two of them, so the gains add up.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "report/table.hpp"

namespace carereach::report {

struct RunTables;
struct Findings;

struct SitingSiteRow {
  std::string id;
  std::string name;
  bool upgrade = false;
  std::string type_zh;
  std::string type_en;
  std::vector<std::uint32_t> zone;  ///< per RunTables::levels entry: its zone index, or kNoZoneIndex
  double gain = 0.0;                ///< persons newly covered (exact); a closure: minus the persons it loses
  std::optional<double> capacity;   ///< with capacities: persons it serves at most
  double assigned = 0.0;            ///< with capacities: persons the model assigns to it
};

struct SitingTables {
  std::string id;
  std::string name_zh;
  std::string name_en;
  std::string standard_id;
  std::string standard_zh;
  std::string standard_en;
  double threshold_min = 0.0;
  std::string mode_zh;
  std::string mode_en;
  bool budget_objective = false;  ///< MCLP (budget) rather than the fewest sites for a target share
  std::uint32_t budget = 0;
  double target_share = 0.9;
  bool target_reached = true;
  std::string candidates_text;  ///< existing:村卫生室 …
  std::size_t candidates = 0;
  std::string per_zone_zh;      ///< "每个乡镇至少 1 处" ("" without a minimum)
  std::string per_zone_en;
  std::string method_zh;        ///< the method with its gap: "精确求解（COIN-OR CBC），已证明最优（差距 0）"
  std::string method_en;
  bool exact = false;
  bool proven_optimal = false;
  std::optional<double> gap;
  std::size_t coverable_cells = 0, demand_rows = 0, candidates_kept = 0;
  std::string not_computed_zh;  ///< not empty: not computed, and why
  std::string not_computed_en;
  double total = 0.0;   ///< every person of the grid
  double before = 0.0;  ///< covered by the existing facilities
  std::vector<SitingSiteRow> sites;  ///< in the order of the coverage curve
  /// Closures (docs/method/siting.md): the facilities the model could close ("" / 0: none), those it closes
  /// (before the new sites in the curve; gain = minus the persons lost) and how many it keeps.
  std::string closable_text;
  std::size_t closable = 0;
  std::vector<SitingSiteRow> closed;
  std::size_t kept = 0;
  /// Capacities: how they were given ("每处至多 500 人"), "" without.
  std::string capacity_zh;
  std::string capacity_en;
  /// Per RunTables::levels entry, per zone: facilities the standard counts today.
  std::vector<std::vector<std::uint32_t>> existing;
};

/// The published whole persons of a siting.
struct SitingPublished {
  std::int64_t total = 0, before = 0;
  std::vector<std::int64_t> closed_cumulative;  ///< after each closure
  std::vector<std::int64_t> closed_change;      ///< each closure's change (≤ 0)
  std::vector<std::int64_t> cumulative;  ///< after each site (after the closures)
  std::vector<std::int64_t> gain;
  [[nodiscard]] std::int64_t after_closures() const { return closed_cumulative.empty() ? before : closed_cumulative.back(); }
  [[nodiscard]] std::int64_t after() const { return cumulative.empty() ? after_closures() : cumulative.back(); }
  [[nodiscard]] double share(std::int64_t v) const {
    return total > 0 ? static_cast<double>(v) / static_cast<double>(total) : 0.0;
  }
};
SitingPublished publish_siting(const SitingTables& s);

/// The coverage curve of s (id "siting_<id>"): rank, site_id, name, action, gain, covered, share, type, zone (the
/// finest level). Row 0 is the existing facilities.
Table siting_curve_table(const RunTables& run, const SitingTables& s);

/// The sites per zone of level `level` (id "siting_<id>_<level>"): code, name, existing, sites, gain; total row first.
Table siting_zone_table(const RunTables& run, const SitingTables& s, std::size_t level);

/// Every siting table of run.siting in order (per siting its curve, then a zone table per level), numbered 附表12-1 …
/// (附表12 when there is one).
std::vector<Table> siting_tables(const RunTables& run);

/// The key findings on each siting: 达到 90 % 需新建 N 处 with the list, the coverage before and after, the method and
/// its gap. Labelled modelled.
std::vector<Findings> siting_findings(const RunTables& run, Lang lang);

}  // namespace carereach::report
