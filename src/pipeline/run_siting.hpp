#pragma once
// Facility siting in a run ([siting.<id>]) and in `carereach site` (docs/method/siting.md): the candidates (checked
// before any travel time is computed), each candidate's reach while the travel model holds the standard's mode, the
// siting problem on the cells the standard leaves uncovered, the solve (analysis/siting.hpp); then the result as
// tables (附表12 选址方案, report/siting_tables.hpp), a layer of the chosen sites and a scenario [changes].

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "analysis/coverage.hpp"
#include "analysis/siting.hpp"
#include "analysis/travel.hpp"
#include "core/diagnostics.hpp"
#include "core/facility.hpp"
#include "core/progress.hpp"
#include "core/siting_spec.hpp"
#include "core/zone.hpp"
#include "io/scenario.hpp"
#include "io/layers.hpp"
#include "io/load.hpp"
#include "report/siting_tables.hpp"

namespace carereach::pipeline {

/// One candidate: an existing facility to upgrade, or a new site.
struct SitingCandidate {
  Facility facility;     ///< position (and, for an upgrade, the facility as it is)
  bool upgrade = false;
  std::size_t cell = 0;  ///< grid cell of the position
  bool closable = false;  ///< an existing facility of the standard that the model may close (closable)
};

struct SitingOutcome {
  const SitingSpec* spec = nullptr;
  const Standard* standard = nullptr;
  std::string not_computed;  ///< why not (English; "" when computed)
  std::string not_computed_zh;
  std::vector<std::string> site_tags;  ///< tags the sites get
  /// The sites of the model: the candidates, then the existing facilities that may be closed (closable: true);
  /// problem and result index this list.
  std::vector<SitingCandidate> candidates;
  std::size_t candidates_given = 0;  ///< the candidates proper (the first ones of `candidates`)
  analysis::SitingProblem problem;  ///< its covers are released after the solve
  analysis::SitingResult result;
  bool solved = false;
  /// Per zone level (aligned with RunAnalysis::levels): per candidate its zone, per zone the facilities the
  /// standard counts today.
  std::vector<std::vector<std::uint32_t>> candidate_zone;
  std::vector<std::vector<std::uint32_t>> existing_in_zone;
  double reach_s = 0.0, solve_s = 0.0;
  [[nodiscard]] bool computed() const { return not_computed.empty() && solved; }
};

/// The zone levels on the grid as siting needs them (RunAnalysis::levels without including run_analysis.hpp).
struct SitingLevels {
  std::vector<const ZoneLevel*> levels;
  std::vector<std::span<const std::uint32_t>> zone_of_cell;
  const std::vector<std::vector<std::uint32_t>>* facility_zone = nullptr;  ///< per level, per facility
};

/// The candidates of every [siting.<id>] (or the command's one spec), before any travel time is computed. Throws
/// UsageError (the command: spec.from_cli) or ScenarioError naming [siting.<id>] and the key for candidates that
/// give nothing to site (no facility to upgrade, sites the standard would not count, no populated cell), a budget
/// larger than the candidates; InputError for a candidate layer missing, empty or wholly outside the study area.
std::vector<SitingOutcome> prepare_siting(const io::LoadedScenario& loaded, std::span<const SitingSpec> specs,
                                          Diagnostics& diag);

/// Solves the sitings on `standard` while `model` still holds its mode: `measure` and `threshold` are the standard's
/// own (the existing coverage). Throws as prepare_siting for a per-zone minimum the candidates cannot meet.
void compute_siting(std::vector<SitingOutcome>& outcomes, const Standard& standard, analysis::TravelModel& model,
                    const io::LoadedScenario& loaded, const analysis::CellMeasure& measure,
                    const analysis::CellThreshold& threshold, std::span<const std::uint32_t> standard_facility_ids,
                    const SitingLevels& levels, Diagnostics& diag, ProgressSink* progress);

/// After every standard: the sitings whose standard was not computed say so.
void finish_siting(std::vector<SitingOutcome>& outcomes, const std::string& standard_id, const std::string& why_en,
                   const std::string& why_zh);

/// The labels and results of one siting for 附表12.
report::SitingTables siting_tables_of(const io::LoadedScenario& loaded, const SitingOutcome& o);

/// The chosen sites as a point layer named `name` (rank, id, name, action, type, persons added and covered, share,
/// the zone of every level), with the published whole persons of `t`.
io::LayerData siting_layer(const SitingOutcome& o, const report::SitingTables& t, std::span<const ZoneLevel> levels,
                           const std::string& name);

/// The result as scenario changes: the upgraded facilities get the site tags, the new sites are added.
io::ScenarioChanges siting_changes(const SitingOutcome& o, const io::LoadedScenario& loaded);

}  // namespace carereach::pipeline
