// carereach run SCENARIO.toml --out DIR — the main job: loads the scenario and writes the run folder.

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "cli/command.hpp"
#include "cli/progress.hpp"
#include "cli/summary.hpp"
#include "cli/travel_setup.hpp"
#include "cli/versions.hpp"
#include "io/files.hpp"
#include "io/load.hpp"
#include "io/raster_writer.hpp"
#include "io/run_manifest.hpp"
#include "io/scenario.hpp"

namespace carereach::cli {

namespace {

class RunCommand final : public Command {
 public:
  const char* name() const override { return "run"; }
  const char* summary() const override { return "Run a scenario and write its outputs (run.json …) to a folder"; }
  void setup(CLI::App& app) override {
    app.add_option("scenario", scenario_, "Scenario file (.toml); see docs/scenario.md")->required();
    app.add_option("-o,--out", out_, "Output folder (written beside it and renamed when complete)")->required();
    app.add_flag("--overwrite", overwrite_, "Replace the output folder if it holds an earlier carereach output");
  }
  int run(Console& console) override {
    io::RunInfo info;
    info.command = "run";
    info.arguments = {scenario_, "--out", out_};
    if (overwrite_) info.arguments.emplace_back("--overwrite");
    info.started_at = io::utc_now_iso8601();
    info.versions = versions();

    io::Scenario scenario = io::read_scenario(scenario_);
    io::OutputDir dir(out_, overwrite_);  // refuses an existing folder before any work is done
    Diagnostics diag;
    ConsoleProgress progress(console);
    const io::LoadedScenario loaded = io::load_scenario(std::move(scenario), diag, io::LoadOptions{}, &progress);
    diag.throw_if_errors();

    info.outputs = {"run.json"};
    if (loaded.population) write_travel_times(loaded, dir, info, diag, progress);
    info.finished_at = io::utc_now_iso8601();
    io::write_file_atomically(dir.path() / "run.json", io::make_run_manifest(loaded, diag, info).dump(2) + "\n");
    dir.commit();

    if (diag.warning_count() > 0) {
      console.info("Warnings 警告: " + grouped(double(diag.warning_count())));
      print_problems(console, diag, 5, "(all of them are in run.json)", ProblemStream::kStatus);
    }
    console.out("Outputs written to 输出目录: " + std::filesystem::absolute(dir.target()).lexically_normal().string());
    console.out("  run.json — inputs with checksums, settings, coordinate systems, counts, warnings and timings");
    for (const auto& line : travel_lines_) console.out(line);
    return 0;
  }

  /// travel_time_<standard>.tif for every time standard, and the travel section of run.json.
  void write_travel_times(const io::LoadedScenario& loaded, const io::OutputDir& dir, io::RunInfo& info,
                          Diagnostics& diag, ProgressSink& progress) {
    analysis::TravelModel model = make_travel_model(loaded);
    nlohmann::ordered_json standards = nlohmann::ordered_json::array();
    std::string access_csv;
    const auto& all = loaded.scenario.standards;
    for (std::size_t i = 0; i < all.size(); ++i) {
      const Standard& st = all[i];
      nlohmann::ordered_json j;
      j["id"] = st.id;
      if (const std::string why = why_not_computable(loaded, st); !why.empty()) {
        j["status"] = "not computed: " + why;
        if (st.threshold_min)
          diag.warn("standard.not_computed", "travel times of standard " + st.id + " (" + st.name_zh +
                                                 ") were not computed: " + why,
                    Location{loaded.scenario.file.filename().string(), {}, {}, "standards." + st.id, 0},
                    "add a [roads] source, or set engine = \"raster\" for this standard");
        standards.push_back(j);
        continue;
      }
      const auto t0 = std::chrono::steady_clock::now();
      const analysis::StandardTravel travel = model.compute(st, loaded.facilities, diag, &progress);
      const std::string file = "travel_time_" + st.id + ".tif";
      io::write_travel_time_geotiff(dir.path() / file, travel.field, loaded.analysis_crs,
                                    raster_metadata(loaded, st, travel));
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      info.outputs.push_back(file);
      info.timings.push_back({"travel times " + st.id, seconds});
      access_csv += facility_access_rows(loaded, st, travel, access_csv.empty());
      // Memory: what a mode keeps (connectors above all) is freed once no later standard needs it.
      if (std::none_of(all.begin() + static_cast<std::ptrdiff_t>(i) + 1, all.end(),
                       [&](const Standard& later) { return later.mode == st.mode; }))
        model.release(st.mode);
      const Reach reach = population_within(loaded.population->surface, travel.field, *st.threshold_min);
      j["file"] = file;
      j["engine"] = to_string(st.engine);
      j["mode"] = to_string(st.mode);
      j["threshold_min"] = *st.threshold_min;
      j["search_limit_min"] = travel.limit_min;
      j["facilities"] = travel.facilities_used;
      j["persons_within_threshold"] = reach.persons_within;
      j["share_within_threshold"] = reach.share();
      j["timings_s"] = travel.timings_s;
      standards.push_back(j);
      char share[32];
      std::snprintf(share, sizeof share, "%.1f %%", 100.0 * reach.share());
      travel_lines_.push_back("  " + file + " — " + st.name_zh + ": " + share + " of the population within " +
                              grouped(*st.threshold_min) + " min (" + to_string(st.mode) + ")");
    }
    if (!access_csv.empty()) {
      io::write_file_atomically(dir.path() / "facility_access.csv", "\xEF\xBB\xBF" + access_csv);
      info.outputs.push_back("facility_access.csv");
    }
    info.travel = travel_settings_json(model.settings(), loaded.scenario);
    info.travel["standards"] = standards;
  }

 private:
  std::string scenario_;
  std::string out_;
  bool overwrite_ = false;
  std::vector<std::string> travel_lines_;
};

}  // namespace

std::unique_ptr<Command> make_run_command() { return std::make_unique<RunCommand>(); }

}  // namespace carereach::cli
