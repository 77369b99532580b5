// carereach traveltime SCENARIO --standard ID --out FILE.tif — the travel time of every cell to the nearest
// facility of one standard, as a GeoTIFF in minutes (and optionally the nearest facility): the output paths are
// checked here, the work is pipeline::compute_travel_times.

#include <cstdio>
#include <filesystem>

#include "cli/command.hpp"
#include "cli/progress.hpp"
#include "cli/summary.hpp"
#include "core/error.hpp"
#include "io/input_access.hpp"
#include "pipeline/traveltime.hpp"

namespace carereach::cli {

namespace {

namespace fs = std::filesystem;

void refuse_existing(const std::string& path, bool overwrite) {
  std::error_code ec;
  if (!path.empty() && fs::exists(path, ec) && !overwrite)
    throw OutputError("already exists", Location{path, {}, {}, {}, 0}, "choose another file, or add --overwrite");
}

/// The folder of an output must exist: checked before any work, so that a mistyped folder fails at once and no
/// output of the command is written.
void require_folder(const std::string& path) {
  if (path.empty()) return;
  const fs::path folder = fs::path(path).parent_path();
  std::error_code ec;
  if (!folder.empty() && !fs::is_directory(folder, ec))
    throw OutputError("cannot be written: the folder " + folder.string() + " does not exist",
                      Location{path, {}, {}, {}, 0}, "create the folder first, or choose another file");
}

/// Two options naming one file would silently keep only the last one written.
void refuse_same_file(const std::string& a, const char* a_option, const std::string& b, const char* b_option) {
  if (a.empty() || b.empty()) return;
  if (fs::absolute(a).lexically_normal() == fs::absolute(b).lexically_normal())
    throw UsageError(std::string(a_option) + " and " + b_option + " name the same file " + b,
                     "give each output its own file");
}

class TravelTimeCommand final : public Command {
 public:
  const char* name() const override { return "traveltime"; }
  const char* summary() const override {
    return "Travel time of every populated cell to the nearest facility of a standard (GeoTIFF, minutes)";
  }
  void setup(CLI::App& app) override {
    app.add_option("scenario", scenario_, "Scenario file (.toml); see docs/scenario.md")->required();
    app.add_option("-s,--standard", standard_, "Id of the service standard, e.g. tcm_15min")->required();
    app.add_option("-o,--out", out_, "Travel-time GeoTIFF to write (Float32 minutes, no-data where not reached)")
        ->required();
    app.add_option("--nearest", nearest_, "Also write the nearest facility of each cell (UInt32 GeoTIFF)");
    app.add_option("--snap", snap_, "How facilities and cells join the roads: edge (default) or node")
        ->check(CLI::IsMember({"edge", "node"}));
    app.add_option("--node-times", node_times_, "Network engine: write every graph node's time (CSV x_m,y_m,time_s)");
    app.add_flag("--overwrite", overwrite_, "Replace output files that exist");
    app.add_flag("--allow-network", allow_network_, "Let inputs be read from the network (URLs, /vsicurl/ …): off by default, as a scenario or file from someone else must not reach servers");
    app.footer("The analysis grid, CRS, speeds and search limit come from the scenario (docs/method/network.md, "
               "docs/method/raster-travel-time.md).");
  }

  int run(Console& console) override {
    io::lock_network_for_process(allow_network_);
    refuse_same_file(out_, "--out", nearest_, "--nearest");
    refuse_same_file(out_, "--out", node_times_, "--node-times");
    refuse_same_file(nearest_, "--nearest", node_times_, "--node-times");
    for (const std::string* p : {&out_, &nearest_, &node_times_}) {
      refuse_existing(*p, overwrite_);
      require_folder(*p);
    }
    pipeline::TravelTimeConfig config;
    config.scenario = scenario_;
    config.standard = standard_;
    config.out = out_;
    config.nearest = nearest_;
    config.snap = snap_;
    config.node_times = node_times_;
    ConsoleProgress progress(console);
    const pipeline::TravelTimeResult result = pipeline::compute_travel_times(config, progress);
    const Standard* standard = &result.standard;

    for (const auto& p : result.diagnostics.all()) console.problem(p);
    const pipeline::Reach& reach = result.reach;
    char share[32];
    std::snprintf(share, sizeof share, "%.1f %%", 100.0 * reach.share());
    console.out(standard->id + " " + standard->name_zh + ": " + grouped(double(result.facilities_used)) +
                (result.facilities_used == 1 ? " facility; " : " facilities; ") + grouped(reach.persons_within) + " of " + grouped(reach.persons_total) + " persons (" +
                share + ") within " + grouped(*standard->threshold_min) + " min by " + to_string(standard->mode) +
                (standard->engine == TravelEngine::kEstimate ? ", " + pipeline::estimate_label(*standard, false) : std::string()));
    console.out("Travel times written to " + out_ + (nearest_.empty() ? "" : " and " + nearest_));
    return 0;
  }

 private:
  std::string scenario_;
  std::string standard_;
  std::string out_;
  std::string nearest_;
  std::string snap_;
  std::string node_times_;
  bool overwrite_ = false;
  bool allow_network_ = false;
};

}  // namespace

std::unique_ptr<Command> make_traveltime_command() { return std::make_unique<TravelTimeCommand>(); }

}  // namespace carereach::cli
