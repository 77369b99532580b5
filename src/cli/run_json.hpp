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

/// The coverage section: an array with one entry per standard.
nlohmann::ordered_json coverage_json(const RunAnalysis& analysis);

}  // namespace carereach::cli
