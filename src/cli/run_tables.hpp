#pragma once
// The tables of `carereach run`: the analysis results as report::RunTables, and their files — tables/*.csv,
// appendix.xlsx and report.md — in the language asked for.

#include <filesystem>
#include <string>
#include <vector>

#include "cli/run_analysis.hpp"
#include "io/load.hpp"
#include "report/appendix.hpp"
#include "report/table.hpp"

namespace carereach::cli {

/// The run's results with the labels of the scenario (names, levels, standards, data sources).
report::RunTables make_run_tables(const io::LoadedScenario& loaded, const RunAnalysis& analysis);

/// Writes tables/<id>.csv for every appendix table, appendix.xlsx and report.md into `dir`; appends the files
/// written (relative to dir) to `outputs`.
void write_run_tables(const report::RunTables& tables, const std::filesystem::path& dir, report::Lang lang,
                      std::vector<std::string>& outputs);

}  // namespace carereach::cli
