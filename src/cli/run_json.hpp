#pragma once
// The coverage section of run.json: per standard and zone level the population figures of every zone, so that
// `carereach compare` and other tools can read a run's results without parsing its tables.

#include <nlohmann/json.hpp>

#include "cli/run_analysis.hpp"

namespace carereach::cli {

/// The figures over the whole study area for one standard: the total of its first reported level.
const analysis::CoverageStats& total_of(const RunAnalysis& analysis, const StandardOutcome& outcome);

/// JSON of coverage statistics: NaN as null, +inf as the string "beyond_limit".
nlohmann::ordered_json stats_json(const analysis::CoverageStats& s);

/// How a computed time standard's times were found, added to its run.json entries: for the estimate engine
/// "method_zh", "method_en" (the label every output shows), "circuity" and "estimate_speed_kmh"; for the raster
/// engine "speed_sources" (the cells of each kind of the friction surface, the cells without land cover and their
/// persons, and how they were treated).
void add_method_json(nlohmann::ordered_json& j, const StandardOutcome& outcome);

/// The coverage section: an array with one entry per standard.
nlohmann::ordered_json coverage_json(const RunAnalysis& analysis);

}  // namespace carereach::cli
