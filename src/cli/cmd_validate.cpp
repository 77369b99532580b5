// carereach validate SCENARIO.toml — loads every input and reports what it found and every problem.

#include <limits>
#include <optional>

#include "cli/command.hpp"
#include "cli/json_summary.hpp"
#include "cli/progress.hpp"
#include "cli/summary.hpp"
#include "pipeline/travel_setup.hpp"
#include "io/input_access.hpp"
#include "io/load.hpp"
#include "io/run_manifest.hpp"
#include "io/scenario.hpp"
#include "io/tile.hpp"

namespace carereach::cli {

namespace {

class ValidateCommand final : public Command {
 public:
  const char* name() const override { return "validate"; }
  const char* summary() const override {
    return "Check a scenario: load every input, print a summary and every problem (exit 0 when it can run)";
  }
  void setup(CLI::App& app) override {
    app.add_option("scenario", scenario_, "Scenario file (.toml); see docs/scenario.md")->required();
    app.add_flag("--all", all_, "List every problem (by default at most 20 of each kind)");
    app.add_flag("--json", json_, "Print a JSON summary on stdout (status, exit code, counts, every error and warning with its code and location; docs/cli/validate.md); the readable summary goes to stderr");
    app.add_flag("--allow-network", allow_network_, "Let inputs be read from the network (URLs, /vsicurl/ …): off by default, as a scenario or file from someone else must not reach servers");
    app.footer("Exit codes: 0 the scenario can run (warnings allowed); otherwise the code of the first error "
               "(docs/exit-codes.md).");
  }
  int run(Console& console) override {
    Diagnostics diag;
    std::optional<io::LoadedScenario> loaded;
    const int code = check(console, diag, loaded);
    if (json_) print_json(validate_json(code, loaded ? &*loaded : nullptr, diag, console.lang()));
    return code;
  }

  /// The JSON summary of validate (docs/cli/validate.md).
  nlohmann::ordered_json validate_json(int code, const io::LoadedScenario* loaded, const Diagnostics& diag,
                                       MessageLang lang) const {
    nlohmann::ordered_json j = summary_head("validate", code, scenario_);
    if (loaded != nullptr) j["counts"] = io::scenario_counts(*loaded);
    j["errors"] = problems_json(diag, Severity::kError, lang);
    j["warnings"] = problems_json(diag, Severity::kWarning, lang);
    return j;
  }

  int check(Console& console, Diagnostics& diag, std::optional<io::LoadedScenario>& loaded_out) {
    io::lock_network_for_process(allow_network_);
    io::Scenario scenario = io::read_scenario(scenario_);
    // A tile refuses what cannot be computed tile by tile, as `run` does (docs/method/tiles.md).
    if (scenario.tile) io::check_tileable(scenario, scenario.tile->file.string());
    ConsoleProgress progress(console);
    io::LoadOptions options;
    options.keep_going = true;
    options.checksums = false;
    const io::LoadedScenario& loaded = loaded_out.emplace(io::load_scenario(std::move(scenario), diag, options, &progress));
    print_summary(console, loaded);
    if (loaded.population && diag.error_count() == 0) {
      // Facilities that the raster engine cannot start from (on a barrier or an impassable cell): listed before the
      // run, as the run will leave them out.
      analysis::TravelModel model = pipeline::make_travel_model(loaded);
      for (const auto& st : loaded.scenario.standards)
        if (st.engine == TravelEngine::kRaster && st.threshold_min && pipeline::why_not_computable(loaded, st).empty())
          model.check_raster_facilities(st, loaded.facilities, diag);
    }
    if (loaded.memory)
      console.out("Memory 内存: about " + io::describe_bytes(loaded.memory->bytes) + " needed by `run`; " +
                  io::describe_bytes(loaded.memory_available.bytes) + " available (" + loaded.memory_available.source + ")");
    console.out("Problems 问题: " + grouped(double(diag.error_count())) + " error(s), " +
                grouped(double(diag.warning_count())) + " warning(s)");
    print_problems(console, diag, all_ ? std::numeric_limits<std::size_t>::max() : 20, "(--all lists them)");
    if (const Problem* first = diag.first_error()) {
      console.out("The scenario cannot run until the errors are fixed. 情景存在错误，无法运行。");
      return static_cast<int>(first->kind);
    }
    std::size_t skipped = 0;
    for (const auto& st : loaded.scenario.standards)
      skipped += st.threshold_min && !pipeline::why_not_computable(loaded, st).empty() ? 1 : 0;
    if (skipped > 0) {
      // The run succeeds, but these standards will say "not computed" in every output: say so here, not only above.
      console.out("The scenario can run, but " + std::to_string(skipped) + " of " +
                  std::to_string(loaded.scenario.standards.size()) +
                  " standards will not be computed (see \"not computed\" above). 情景可以运行，但有 " +
                  std::to_string(skipped) + " 项服务标准无法计算（见上文“未计算”）。");
      return 0;
    }
    console.out("The scenario can run. 情景检查通过。");
    return 0;
  }

 private:
  std::string scenario_;
  bool all_ = false;
  bool json_ = false;
  bool allow_network_ = false;
};

}  // namespace

std::unique_ptr<Command> make_validate_command() { return std::make_unique<ValidateCommand>(); }

}  // namespace carereach::cli
