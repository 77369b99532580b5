// carereach traveltime as a library call (pipeline/traveltime.hpp). Moved here from the command line
// (cli/cmd_traveltime.cpp), which checks the output paths, calls compute_travel_times and prints the result.

#include "pipeline/traveltime.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>

#include "core/error.hpp"
#include "io/files.hpp"
#include "io/load.hpp"
#include "io/output_folder.hpp"
#include "io/raster_writer.hpp"
#include "io/scenario.hpp"

namespace carereach::pipeline {

namespace {

/// The travel-time model's run for one standard, with the options' names kept from the command line.
class TravelTimeJob {
 public:
  explicit TravelTimeJob(const TravelTimeConfig& c)
      : scenario_(c.scenario), standard_(c.standard), out_(c.out), nearest_(c.nearest), snap_(c.snap),
        node_times_(c.node_times) {}

  TravelTimeResult run(RunObserver& observer) {
    TravelTimeResult result;
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

    Diagnostics& diag = result.diagnostics;
    ProgressSink& progress = observer;
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

    result.standard = *standard;
    result.facilities_used = travel.facilities_used;
    result.reach = population_within(loaded.population->surface, travel.field, *standard->threshold_min);
    return result;
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
};

}  // namespace

TravelTimeResult compute_travel_times(const TravelTimeConfig& config, RunObserver& observer) {
  return TravelTimeJob(config).run(observer);
}

}  // namespace carereach::pipeline
