// carereach traveltime SCENARIO --standard ID --out FILE.tif — the travel time of every cell to the nearest
// facility of one standard, as a GeoTIFF in minutes (and optionally the nearest facility).

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "cli/command.hpp"
#include "cli/progress.hpp"
#include "cli/summary.hpp"
#include "pipeline/travel_setup.hpp"
#include "core/error.hpp"
#include "io/files.hpp"
#include "io/input_access.hpp"
#include "io/load.hpp"
#include "io/output_folder.hpp"
#include "io/raster_writer.hpp"
#include "io/scenario.hpp"

namespace carereach::cli {
using namespace carereach::pipeline;  // the run's stages (src/pipeline)

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
    io::Scenario scenario = io::read_scenario(scenario_);
    const auto inputs = io::scenario_input_paths(scenario);
    io::refuse_input_as_output(out_, out_, inputs);
    if (!nearest_.empty()) io::refuse_input_as_output(nearest_, nearest_, inputs);
    if (!node_times_.empty()) io::refuse_input_as_output(node_times_, node_times_, inputs);
    if (!snap_.empty()) scenario.travel.snap = snap_ == "node" ? io::SnapRule::kNode : io::SnapRule::kEdge;
    const Standard* standard = nullptr;
    std::string ids;
    for (const auto& s : scenario.standards) {
      ids += (ids.empty() ? "" : ", ") + s.id;
      if (s.id == standard_) standard = &s;
    }
    if (standard == nullptr) throw UsageError("the scenario has no standard '" + standard_ + "'", "its standards: " + ids);
    if (!standard->threshold_min)
      throw UsageError("'" + standard_ + "' is a distance standard, not a time standard",
                       "distance standards are evaluated by `carereach run`");
    if (!node_times_.empty() && standard->engine != TravelEngine::kNetwork)
      throw UsageError("--node-times needs a standard computed with the network engine; '" + standard_ +
                       "' uses the " + to_string(standard->engine) + " engine");

    Diagnostics diag;
    ConsoleProgress progress(console);
    io::LoadOptions options;
    options.checksums = false;
    options.standards = {standard_};
    const io::LoadedScenario loaded = io::load_scenario(std::move(scenario), diag, options, &progress);
    diag.throw_if_errors();
    if (const analysis::NotComputed why = why_not_computable(loaded, *standard); !why.empty())
      throw ScenarioError("travel times of standard " + standard_ + " cannot be computed: " + why.en,
                          Location{scenario_, {}, {}, "standards." + standard_, 0}, why.hint);
    analysis::TravelModel model = make_travel_model(loaded);
    const analysis::StandardTravel travel = model.compute(*standard, loaded.facilities, diag, &progress);
    if (!travel.not_computed.empty())
      throw ScenarioError("travel times of standard " + standard_ + " cannot be computed: " + travel.not_computed.en,
                          Location{scenario_, {}, {}, "standards." + standard_, 0}, travel.not_computed.hint);

    const auto metadata = raster_metadata(loaded, *standard, travel);
    io::write_travel_time_geotiff(out_, travel.field, loaded.analysis_crs, metadata);
    if (!nearest_.empty())
      io::write_nearest_facility_geotiff(nearest_, travel.field, loaded.analysis_crs, loaded.facilities, metadata);
    if (!node_times_.empty()) write_node_times(travel);

    for (const auto& p : diag.all()) console.problem(p);
    const Reach reach = population_within(loaded.population->surface, travel.field, *standard->threshold_min);
    char share[32];
    std::snprintf(share, sizeof share, "%.1f %%", 100.0 * reach.share());
    console.out(standard->id + " " + standard->name_zh + ": " + grouped(double(travel.facilities_used)) +
                (travel.facilities_used == 1 ? " facility; " : " facilities; ") + grouped(reach.persons_within) + " of " + grouped(reach.persons_total) + " persons (" +
                share + ") within " + grouped(*standard->threshold_min) + " min by " + to_string(standard->mode) +
                (standard->engine == TravelEngine::kEstimate ? ", " + estimate_label(*standard, false) : std::string()));
    console.out("Travel times written to " + out_ + (nearest_.empty() ? "" : " and " + nearest_));
    return 0;
  }

 private:
  void write_node_times(const analysis::StandardTravel& travel) const {
    std::string text = "x_m,y_m,time_s\n";
    char line[96];
    for (std::size_t v = 0; v < travel.node_time_s.size(); ++v) {
      const double t = travel.node_time_s[v];
      if (std::isfinite(t)) std::snprintf(line, sizeof line, "%.2f,%.2f,%.4f\n", travel.node_x_m[v], travel.node_y_m[v], t);
      else std::snprintf(line, sizeof line, "%.2f,%.2f,\n", travel.node_x_m[v], travel.node_y_m[v]);
      text += line;
    }
    io::write_file_atomically(node_times_, text);
  }

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
