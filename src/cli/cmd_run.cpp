// carereach run SCENARIO.toml --out DIR — the main job: loads the scenario and writes the run folder.

#include <filesystem>

#include "cli/command.hpp"
#include "cli/progress.hpp"
#include "cli/summary.hpp"
#include "cli/versions.hpp"
#include "io/files.hpp"
#include "io/load.hpp"
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
    info.finished_at = io::utc_now_iso8601();
    io::write_file_atomically(dir.path() / "run.json", io::make_run_manifest(loaded, diag, info).dump(2) + "\n");
    dir.commit();

    if (diag.warning_count() > 0) {
      console.info("Warnings 警告: " + grouped(double(diag.warning_count())));
      print_problems(console, diag, 5, "(all of them are in run.json)", ProblemStream::kStatus);
    }
    console.out("Outputs written to 输出目录: " + std::filesystem::absolute(dir.target()).lexically_normal().string());
    console.out("  run.json — inputs with checksums, settings, coordinate systems, counts, warnings and timings");
    return 0;
  }

 private:
  std::string scenario_;
  std::string out_;
  bool overwrite_ = false;
};

}  // namespace

std::unique_ptr<Command> make_run_command() { return std::make_unique<RunCommand>(); }

}  // namespace carereach::cli
