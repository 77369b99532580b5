#pragma once
// `carereach traveltime` as a library call: the travel time of every cell of a scenario's grid to the nearest
// facility of one time standard, written as a GeoTIFF in minutes (and optionally the nearest facility of each cell,
// and for the network engine every graph node's time). Problems are carereach::Error exceptions: UsageError for a
// standard the scenario does not have or that is not a time standard, ScenarioError when its travel times cannot
// be computed, and the loaders' errors.

#include <cstddef>
#include <string>

#include "core/diagnostics.hpp"
#include "core/standard.hpp"
#include "pipeline/observer.hpp"
#include "pipeline/travel_setup.hpp"

namespace carereach::pipeline {

/// The options of `carereach traveltime`. The output paths are written as given; checking that they may be written
/// (exist, folder, two options naming one file) is the front end's (the command line does it before calling).
struct TravelTimeConfig {
  std::string scenario;    ///< the scenario file (.toml)
  std::string standard;    ///< id of the time standard
  std::string out;         ///< travel-time GeoTIFF (Float32 minutes, no-data where not reached)
  std::string nearest;     ///< also the nearest facility of each cell (UInt32 GeoTIFF); empty: not written
  std::string snap;        ///< how facilities and cells join the roads: "edge", "node", or empty (the scenario's)
  std::string node_times;  ///< network engine: every graph node's time (CSV x_m,y_m,time_s); empty: not written
};

struct TravelTimeResult {
  Standard standard;                  ///< the standard, as the scenario gives it
  std::size_t facilities_used = 0;    ///< facilities the travel times start from
  Reach reach;                        ///< persons within the threshold, and the population
  Diagnostics diagnostics;            ///< the warnings
};

TravelTimeResult compute_travel_times(const TravelTimeConfig& config, RunObserver& observer);

}  // namespace carereach::pipeline
