#pragma once
// Bridges the scenario (io) and the travel-time model (analysis) for the commands that compute travel times.

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "analysis/travel.hpp"
#include "io/load.hpp"

namespace carereach::pipeline {

/// The model settings the scenario's [travel] and [raster] tables give.
analysis::TravelSettings travel_settings(const io::Scenario& scenario);

/// A model over the loaded scenario's roads, population and raster inputs. Throws UsageError when there is no
/// population surface (the grid of the travel times).
analysis::TravelModel make_travel_model(const io::LoadedScenario& loaded);

/// Why a standard's travel times cannot be computed from this scenario (empty when they can), in English and
/// Chinese with a hint: a distance standard, the network engine without roads, or the raster engine without any
/// speed source for the standard's mode (analysis::raster_sources).
analysis::NotComputed why_not_computable(const io::LoadedScenario& loaded, const Standard& standard);

/// What `validate` says of a standard: how it will be computed — engine, mode, the speeds per road class (network
/// engine), the speed sources (raster engine), the circuity and speed (estimate), the fallbacks — or why it will not
/// be. The first line starts "computed" or "not computed"; the others explain it. No indentation.
std::vector<std::string> standard_plan(const io::LoadedScenario& loaded, const Standard& standard);

/// "直线距离估算（绕行系数 1.3，机动车 35 千米/小时）" (Chinese) or "straight-line estimate (…)" for an estimate standard;
/// "" for the others.
std::string estimate_label(const Standard& standard, bool chinese);

/// GDAL metadata written into a standard's travel-time raster.
std::map<std::string, std::string> raster_metadata(const io::LoadedScenario& loaded, const Standard& standard,
                                                   const analysis::StandardTravel& travel);

/// Population within the threshold of a time standard, and the population total.
struct Reach {
  double persons_within = 0.0;
  double persons_total = 0.0;
  [[nodiscard]] double share() const { return persons_total > 0 ? persons_within / persons_total : 0.0; }
};
Reach population_within(const PopulationGrid& population, const TravelTimeField& field, double threshold_min);

/// The [travel] settings as recorded in run.json.
nlohmann::ordered_json travel_settings_json(const analysis::TravelSettings& settings, const io::Scenario& scenario);

}  // namespace carereach::pipeline
