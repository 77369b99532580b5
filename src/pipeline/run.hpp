#pragma once
// A whole run of a scenario as a library call — what `carereach run` does, without the command line:
//
//   pipeline::RunConfig config;
//   config.scenario = "geodata/bozhou/scenario.toml";
//   config.out = "out/bozhou";
//   pipeline::RunObserver quiet;                       // or a subclass that shows progress
//   const pipeline::RunResult r = pipeline::run_scenario(config, quiet);
//
// The stages can also be called one by one: load_run (read the scenario, open the output folder, load every
// input), analyse_loaded_run (the analyses of every standard; each standard's travel-time GeoTIFF is written while
// its cells are in memory) and write_run (tables, layers, QGIS project, report, run.json; the folder is swapped
// in). Everything is written into a temporary folder beside the output folder and renamed when complete
// (docs/output-folders.md); an interrupted or failed run leaves an earlier output as it was. Problems that stop the
// run are carereach::Error exceptions; warnings are in the result's Diagnostics (and in run.json).

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/diagnostics.hpp"
#include "io/load.hpp"
#include "io/output_folder.hpp"
#include "io/run_manifest.hpp"
#include "pipeline/observer.hpp"
#include "pipeline/run_analysis.hpp"
#include "pipeline/run_layers.hpp"
#include "pipeline/run_report.hpp"
#include "report/appendix.hpp"
#include "report/table.hpp"

namespace carereach::pipeline {

/// What a run is asked to do: the options of `carereach run`.
struct RunConfig {
  std::filesystem::path scenario;  ///< the scenario file (.toml; docs/scenario.md)
  std::filesystem::path out;       ///< the output folder (written beside it and renamed when complete)
  bool overwrite = false;          ///< replace the output folder if carereach wrote it, unchanged
  report::Lang lang = report::Lang::kZh;  ///< language of the tables and report
  /// Recorded in run.json "carereach.arguments". Empty: made from the fields above, as the command line gives them
  /// (`SCENARIO --out DIR [--overwrite] [--allow-network] [--lang en]`).
  std::vector<std::string> arguments;
  /// Only recorded in run.json's arguments: whether inputs may be read from the network is the process's setting
  /// (io::allow_network / io::lock_network_for_process), made by the front end before the run.
  bool allow_network = false;
};

/// A standard's line of the summary: its published coverage over the study area.
struct StandardSummary {
  std::string id;
  std::string name_zh;
  std::string not_computed;       ///< why it was not computed (empty: computed)
  double share_covered = 0.0;     ///< published persons within the standard over the population (0–1)
  double target_share = 0.0;      ///< the standard's target (0–1)
  std::size_t gap_areas = 0;
};

/// A capacity coverage's line of the summary ([capacity.<id>]).
struct CapacitySummary {
  std::string id;
  std::string name_zh;
  std::string not_computed;       ///< empty: computed
  std::int64_t persons_served = 0;
  std::size_t facilities = 0;
  std::size_t facilities_at_capacity = 0;
};

/// A siting's line of the summary ([siting.<id>]), from the published (whole-person) figures of 附表12.
struct SitingSummary {
  std::string id;
  std::string name_zh;
  std::string not_computed;       ///< empty: computed
  std::size_t sites = 0;
  double share_before = 0.0;
  double share_after = 0.0;
  std::string method_en;          ///< the method with its optimality gap
};

/// A planning indicator's line of the summary.
struct IndicatorSummary {
  std::string id;
  std::string name_zh;
  std::string level;              ///< the zone level it is assessed on
  std::size_t zones_met = 0;
  std::size_t zones_not_met = 0;
  std::size_t zones_not_assessed = 0;
  std::size_t missing = 0;        ///< facilities still to build
};

/// What a finished run gives back.
struct RunResult {
  std::filesystem::path folder;          ///< the output folder, as given (io::OutputDir::target)
  std::vector<std::string> outputs;      ///< files written, relative to the folder (run.json "outputs")
  std::vector<StandardSummary> standards;
  std::vector<CapacitySummary> capacity;
  std::vector<SitingSummary> siting;
  std::vector<IndicatorSummary> indicators;
  nlohmann::ordered_json coverage;       ///< run.json's "coverage" section (null: none computed)
  std::vector<io::StepTiming> timings;   ///< the steps after loading, as in run.json's timings_s
  Diagnostics diagnostics;               ///< the warnings of the run (errors stop it with an exception)
};

/// Stage 1: the scenario read and loaded, the output folder open (nothing written into it yet). Keep it in place
/// (do not move it) between the stages: the later stages refer to its scenario.
struct LoadedRun {
  RunConfig config;
  io::RunInfo info;
  std::unique_ptr<io::OutputDir> dir;
  Diagnostics diag;
  io::LoadedScenario loaded;
};

/// Stage 2: the analyses of every standard, with what the output files need of the cells that are gone.
struct AnalysedRun {
  std::unique_ptr<RunLayers> layers;
  std::unique_ptr<RunReport> report;
  RunAnalysis analysis;
  report::Table access;                  ///< facility_access.csv
  report::RunTables tables;              ///< the tables' figures (report/published.hpp)
};

/// Reads the scenario, refuses an output folder it may not replace (before any work), opens it (its recovery
/// notes go to observer.status) and loads every input. Throws the first error of the inputs.
std::unique_ptr<LoadedRun> load_run(const RunConfig& config, RunObserver& observer);

/// The analyses of every standard (run_analysis.hpp). Writes each standard's travel-time GeoTIFF and its QGIS style
/// into the output folder while its cells are in memory. Needs a population (loaded.population). The gap areas'
/// cell lists (GapArea::cells) are emptied once their polygons are made: the outputs need only their figures.
AnalysedRun analyse_loaded_run(LoadedRun& run, RunObserver& observer);

/// Writes the rest — tables, facility lists, layers.gpkg, project.qgs, report.html, the rasters of capacity and
/// accessibility — and run.json, then swaps the output folder in. `analysed` is null when the scenario has no
/// population (run.json alone is written).
RunResult write_run(LoadedRun& run, AnalysedRun* analysed, RunObserver& observer);

/// All three stages.
RunResult run_scenario(const RunConfig& config, RunObserver& observer);

}  // namespace carereach::pipeline
