#pragma once
// Bridges the scenario (io) and the travel-time model (analysis) for the commands that compute travel times.

#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "analysis/travel.hpp"
#include "io/load.hpp"

namespace carereach::cli {

/// The model settings the scenario's [travel] and [raster] tables give.
analysis::TravelSettings travel_settings(const io::Scenario& scenario);

/// A model over the loaded scenario's roads, population and raster inputs. Throws UsageError when there is no
/// population surface (the grid of the travel times).
analysis::TravelModel make_travel_model(const io::LoadedScenario& loaded);

/// Why a standard's travel times cannot be computed from this scenario ("" when they can): a distance standard,
/// or the network engine without roads.
std::string why_not_computable(const io::LoadedScenario& loaded, const Standard& standard);

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

}  // namespace carereach::cli
