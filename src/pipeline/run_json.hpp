#pragma once
// The coverage section of run.json: per standard and zone level the population figures of every zone, so that
// `carereach compare` and other tools can read a run's results without parsing its tables. Persons are the
// published whole numbers (report/published.hpp: they add up across columns and levels, as in the tables) and the
// share is theirs; "exact" keeps the unrounded figures of the analysis for tools that need them.

#include <nlohmann/json.hpp>

#include "pipeline/run_analysis.hpp"
#include "report/appendix.hpp"
#include "report/published.hpp"

namespace carereach::pipeline {

/// The figures over the whole study area for one standard: the total of its first reported level.
const analysis::CoverageStats& total_of(const RunAnalysis& analysis, const StandardOutcome& outcome);

/// The published figures over the whole study area for one standard: the total of its first reported level (zero
/// when it reports none).
report::PublishedCounts published_total(const report::RunTables& tables, const std::string& standard_id);

/// How a computed time standard's times were found, added to its run.json entries: for the estimate engine
/// "method_zh", "method_en" (the label every output shows), "circuity" and "estimate_speed_kmh"; for the raster
/// engine "speed_sources" (the cells of each kind of the friction surface, the cells without land cover and their
/// persons, and how they were treated).
void add_method_json(nlohmann::ordered_json& j, const StandardOutcome& outcome);

/// JSON of coverage statistics: the published persons and share, the exact figures under "exact"; NaN as null,
/// +inf as the string "beyond_limit".
nlohmann::ordered_json stats_json(const analysis::CoverageStats& s, const report::PublishedCounts& p);

/// The coverage section: an array with one entry per standard. `tables`: make_run_tables of the same analysis.
nlohmann::ordered_json coverage_json(const RunAnalysis& analysis, const report::RunTables& tables);

/// The indicators section of run.json: per planning indicator its kind, level, target and per zone the count (and
/// facilities assessed), the target that applied, met (true/false/null) and what is missing; null without any.
nlohmann::ordered_json indicators_json(const RunAnalysis& analysis);

/// A digest of the coverage section (coverage_json) for the command line's JSON summary: per standard its id, names,
/// status ("computed" or "not computed" with the reason), and over the study area the published population, persons
/// covered and share, the target share and whether it is met; the threshold in minutes or metres.
nlohmann::ordered_json coverage_digest_json(const nlohmann::ordered_json& coverage);

}  // namespace carereach::pipeline
