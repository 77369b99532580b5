// carereach run SCENARIO.toml --out DIR — the main job: loads the scenario and writes the run folder
// (pipeline::run_scenario; this file parses the options and prints the result).

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "cli/command.hpp"
#include "cli/json_summary.hpp"
#include "cli/progress.hpp"
#include "cli/summary.hpp"
#include "io/input_access.hpp"
#include "pipeline/run.hpp"
#include "pipeline/run_json.hpp"
#include "report/table.hpp"

namespace carereach::cli {

namespace {

class RunCommand final : public Command {
 public:
  const char* name() const override { return "run"; }
  const char* summary() const override { return "Run a scenario: coverage tables, layers and travel times of every service standard, in one folder"; }
  void setup(CLI::App& app) override {
    app.add_option("scenario", scenario_, "Scenario file (.toml); see docs/scenario.md")->required();
    app.add_option("-o,--out", out_, "Output folder (written beside it and renamed when complete)")->required();
    app.add_flag("--overwrite", overwrite_, "Replace the output folder if carereach wrote it, unchanged (docs/output-folders.md)");
    app.add_option("--lang", lang_, "Language of the tables and report: zh (default) or en")
        ->check(CLI::IsMember({"zh", "en"}));
    app.add_flag("--json", json_, "Print a JSON summary on stdout (status, exit code, output folder, per standard population, covered and share, every warning; docs/cli/run.md); the readable lines go to stderr");
    app.add_flag("--allow-network", allow_network_, "Let inputs be read from the network (URLs, /vsicurl/ …): off by default, as a scenario or file from someone else must not reach servers");
  }
  int run(Console& console) override {
    io::lock_network_for_process(allow_network_);
    pipeline::RunConfig config;
    config.scenario = scenario_;
    config.out = out_;
    config.overwrite = overwrite_;
    config.allow_network = allow_network_;
    config.lang = lang_ == "en" ? report::Lang::kEn : report::Lang::kZh;
    ConsoleProgress progress(console);
    const pipeline::RunResult result = pipeline::run_scenario(config, progress);

    const Diagnostics& diag = result.diagnostics;
    if (diag.warning_count() > 0) {
      console.info("Warnings 警告: " + grouped(double(diag.warning_count())));
      print_problems(console, diag, 5, "(all of them are in run.json)", ProblemStream::kStatus);
    }
    console.out("Outputs written to 输出目录: " + std::filesystem::absolute(result.folder).lexically_normal().string());
    const std::vector<std::string>& outputs = result.outputs;
    if (std::find(outputs.begin(), outputs.end(), "layers.gpkg") != outputs.end()) {
      console.out("  report.html — the planning report: findings, maps, tables, method (opens offline, prints to A4)");
      console.out("  map.html — the interactive map: zones by share covered per standard, facilities (opens offline)");
      console.out("  report.md, appendix.xlsx, tables/*.csv — 规划附表: coverage, gaps and resource density per zone");
      console.out("  layers.gpkg — facilities, zones, service areas, catchments and gap areas (styled for QGIS)");
      console.out("  project.qgz (and project.qgs) — the QGIS project: every layer and raster styled, one group per standard");
      console.out("  styles/*.sld — the same styles as OGC SLD, for GIS that do not read QGIS styles");
      console.out("  facility_zones.csv — every facility with the code and name of its zone at every level");
      for (const auto& f : outputs)
        if (f.starts_with("travel_time_") && f.ends_with(".tif"))
          console.out("  " + f + " — minutes to the nearest facility (" + f.substr(12, f.size() - 16) +
                      "; Cloud-Optimized GeoTIFF, styled by the .qml beside it)");
      for (const auto& f : outputs)
        if (f.starts_with("capacity_residual_") && f.ends_with(".tif"))
          console.out("  " + f + " — persons no facility serves within its capacity (" + f.substr(18, f.size() - 22) + ")");
    }
    console.out("  run.json — inputs with checksums, settings, coordinate systems, counts, results, warnings, timings");
    std::vector<std::string> summary_lines;
    for (const auto& s : result.standards) {
      if (!s.not_computed.empty()) {
        summary_lines.push_back("  " + s.id + " " + s.name_zh + ": not computed 未计算 — " + s.not_computed);
        continue;
      }
      char share[32];
      std::snprintf(share, sizeof share, "%.1f %%", 100.0 * s.share_covered);
      summary_lines.push_back("  " + s.id + " " + s.name_zh + ": " + share + " of the population covered (target " +
                              std::to_string(static_cast<int>(std::lround(s.target_share * 100))) + " %), " +
                              grouped(double(s.gap_areas)) + " gap areas");
    }
    for (const auto& c : result.capacity) {
      if (!c.not_computed.empty()) {
        summary_lines.push_back("  capacity " + c.id + ": not computed 未计算 — " + c.not_computed);
        continue;
      }
      summary_lines.push_back("  capacity " + c.id + " " + c.name_zh + ": " + grouped(double(c.persons_served)) +
                              " persons served 服务人口, " + std::to_string(c.facilities_at_capacity) + " of " +
                              std::to_string(c.facilities) + " facilities at capacity 能力用尽");
    }
    for (const auto& st : result.siting) {
      if (!st.not_computed.empty()) {
        summary_lines.push_back("  siting " + st.id + ": not computed 未计算 — " + st.not_computed);
        continue;
      }
      char shares[64];
      std::snprintf(shares, sizeof shares, "%.1f %% → %.1f %%", 100.0 * st.share_before, 100.0 * st.share_after);
      summary_lines.push_back("  siting 选址 " + st.id + " " + st.name_zh + ": " + std::to_string(st.sites) +
                              " sites 处, " + shares + " (" + st.method_en + ")");
    }
    if (!summary_lines.empty()) console.out("Coverage 覆盖情况:");
    for (const auto& line : summary_lines) console.out(line);
    if (!result.indicators.empty()) console.out("Planning indicators 规划指标:");
    for (const auto& r : result.indicators)
      console.out("  " + r.id + " " + r.name_zh + ": " + std::to_string(r.zones_met) + " of " +
                  std::to_string(r.zones_met + r.zones_not_met) + " " + r.level + " zones met" +
                  (r.zones_not_assessed > 0 ? ", " + std::to_string(r.zones_not_assessed) + " not assessed" : "") +
                  (r.missing > 0 ? ", " + std::to_string(r.missing) + (r.missing == 1 ? " facility" : " facilities") + " still missing" : ""));
    for (const auto& t : result.timings) console.debug("step '" + t.step + "' took " + report::format_fixed(t.seconds, 3) + " s");
    if (json_) print_json(run_summary_json(result, console.lang()));
    return 0;
  }

  /// The JSON summary of a finished run (docs/cli/run.md).
  nlohmann::ordered_json run_summary_json(const pipeline::RunResult& result, MessageLang lang) const {
    nlohmann::ordered_json j = summary_head("run", 0, scenario_);
    j["output"] = std::filesystem::absolute(result.folder).lexically_normal().string();
    j["outputs"] = result.outputs;
    j["standards"] = pipeline::coverage_digest_json(result.coverage);
    j["errors"] = nlohmann::ordered_json::array();
    j["warnings"] = problems_json(result.diagnostics, Severity::kWarning, lang);
    return j;
  }

 private:
  std::string scenario_;
  std::string out_;
  bool overwrite_ = false;
  bool allow_network_ = false;
  bool json_ = false;
  std::string lang_ = "zh";
};

}  // namespace

std::unique_ptr<Command> make_run_command() { return std::make_unique<RunCommand>(); }

}  // namespace carereach::cli
