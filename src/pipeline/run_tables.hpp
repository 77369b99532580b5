#pragma once
// The tables of `carereach run`: the analysis results as report::RunTables, and their files — tables/*.csv,
// appendix.xlsx and report.md — in the language asked for.

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "pipeline/run_analysis.hpp"
#include "io/load.hpp"
#include "report/appendix.hpp"
#include "report/table.hpp"

namespace carereach::pipeline {

/// A computed standard's labels and results as the tables take them: its coverage per level (nullopt where it does
/// not report the level) and its gap areas.
report::StandardTables standard_tables(const StandardOutcome& o, std::size_t level_count);

/// The sentence the key findings open with (数据说明): which data are modelled. The scenario's [scenario] data_note
/// (and data_note_en) when given; otherwise said from what the scenario marks modelled — [population] modelled,
/// [[facilities]] modelled, [roads] modelled — naming each by its label (or file); empty when nothing is.
struct DataNote {
  std::string zh;
  std::string en;
};
DataNote data_note(const io::Scenario& s);

/// The per-zone targets ([[zone_targets]]) of a standard, per level of `levels` (st.zone_targets and its label).
void add_zone_targets(report::StandardTables& st, const std::vector<io::LoadedZoneTargets>& zone_targets,
                      const std::vector<ZoneLevel>& levels);

/// The data sources every table lists (t.sources_zh, t.sources_en), as the scenario labels them; the population by
/// how it was put on the grid (io::PopulationLoad::method_zh / method; empty: by its label or file).
void add_sources(report::RunTables& t, const io::Scenario& s, const std::string& population_method_zh,
                 const std::string& population_method_en);

/// Where each level's density figures come from (t.zone_totals_label_zh, zone_totals_population_zh,
/// density_targets_label), per entry of t.levels (set first).
void add_density_labels(report::RunTables& t, const std::vector<io::LoadedZoneTotals>& zone_totals,
                        const std::vector<io::LoadedZoneTargets>& zone_targets);

/// The name 附表5 lists a facility by (its name, else its id).
std::string indicator_facility_name(const Facility& f);

/// One planning indicator of 附表5: its labels (what it counts, its target and where per-zone targets come from) with
/// its result on the zones of levels[level] and, per zone, the names of the facilities it lists.
report::IndicatorTables indicator_tables(const PlanIndicator& indicator, std::size_t level, const Taxonomy& taxonomy,
                                         const std::vector<io::LoadedZoneTargets>& zone_targets,
                                         analysis::IndicatorResult result,
                                         std::vector<std::vector<std::string>> facility_names);

/// Whether a facility falls in a column of 附表6 (key "type_<id>", "level_<n>", "tag_<id>").
bool in_count_column(const Facility& f, const std::string& key);

/// 附表6's columns (keys, headers, groups; no counts): the types, levels (三级 first) and tags in taxonomy order for
/// which `present(key)` holds.
report::FacilityCountTables facility_count_columns(const Taxonomy& taxonomy,
                                                   const std::function<bool(const std::string&)>& present);

/// 附表6's counts: the facilities not closed per zone of every level. A tile counts only the facilities in its own
/// cells (each facility in exactly one tile): its tile.json hands them to a merge.
report::FacilityCountTables facility_counts(const io::LoadedScenario& loaded, const RunAnalysis& analysis);

/// The run's results with the labels of the scenario (names, levels, standards, data sources).
report::RunTables make_run_tables(const io::LoadedScenario& loaded, const RunAnalysis& analysis);

/// The tables of the accessibility models (附表9–11) from the run's results, into t.access_models.
void add_access_model_tables(report::RunTables& t, const io::LoadedScenario& loaded, const RunAnalysis& analysis);

/// facility_access.csv without rows: per time standard, how each selected facility joins the roads — standard,
/// facility_id, name, type, mode, engine, snap_distance_m, access_leg_s, beyond_max_access, joined (column keys),
/// with Chinese and English headers and values like the other tables (report::to_csv writes it in the run's
/// language, with a byte-order mark and CRLF line ends).
report::Table facility_access_table();

/// The rows of one standard's facilities.
void add_facility_access(report::Table& table, const io::LoadedScenario& loaded, const Standard& standard,
                         const analysis::StandardTravel& travel);

/// facility_zones.csv: every facility with its type, level, tags, status and, per zone level, the code and name of the
/// zone it lies in (empty outside every zone), so that no spatial join is needed.
report::Table facility_list_table(const io::LoadedScenario& loaded, const RunAnalysis& analysis);

/// Writes tables/<id>.csv for every appendix table, appendix.xlsx and report.md into `dir`; appends the files
/// written (relative to dir) to `outputs`.
void write_run_tables(const report::RunTables& tables, const std::filesystem::path& dir, report::Lang lang,
                      std::vector<std::string>& outputs);

}  // namespace carereach::pipeline
