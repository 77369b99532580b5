#pragma once
// `carereach compare` as a library call: two finished runs (their run.json, travel-time GeoTIFFs and layers.gpkg)
// compared into an output folder — tables/compare_<level>.csv, tables/compare_indicators.csv, compare.md,
// compare.html, travel_time_diff_<standard>.tif, layers.gpkg (areas newly covered and no longer covered) and
// compare.json. Written into a temporary folder beside the output folder and renamed when complete
// (docs/output-folders.md). Problems are carereach::Error exceptions (InputError for a folder that is not a
// finished run, or runs on different grids).

#include <filesystem>
#include <string>
#include <vector>

#include "pipeline/compare_report.hpp"
#include "pipeline/observer.hpp"
#include "report/table.hpp"

namespace carereach::pipeline {

/// The options of `carereach compare`.
struct CompareConfig {
  std::string run_a;              ///< folder of the first run (the baseline), as written (recorded in compare.json)
  std::string run_b;              ///< folder of the second run (the scenario)
  std::filesystem::path out;      ///< the output folder
  bool overwrite = false;         ///< replace the output folder if carereach wrote it, unchanged
  report::Lang lang = report::Lang::kZh;
  /// Recorded in compare.json "carereach.arguments". Empty: made from the fields above as the command line gives
  /// them (`RUN_A RUN_B --out DIR [--overwrite] [--lang en]`).
  std::vector<std::string> arguments;
};

struct CompareResult {
  std::filesystem::path folder;             ///< the output folder, as given
  std::vector<std::string> outputs;         ///< files written, relative to it (compare.json "outputs")
  std::vector<StandardChange> changes;      ///< per standard compared: the change per zone level
  std::vector<std::string> warnings;        ///< what was not compared, and why ("<id>: …")
  /// Per planning indicator compared, a line: "<id> <name>: 1 → 2 zones met (newly met 新达标: 乙县)".
  std::vector<std::string> indicator_lines;
};

/// Compares run_b with run_a and writes the output folder; status messages and progress go to the observer.
CompareResult compare_runs(const CompareConfig& config, RunObserver& observer);

}  // namespace carereach::pipeline
