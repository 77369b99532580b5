#pragma once
// Loading a whole scenario: analysis CRS, zones, study area and grid, zone rasters, population surface,
// facilities and roads, with checksums and timings. `validate` and `run` both start here.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/diagnostics.hpp"
#include "core/facility.hpp"
#include "core/grid.hpp"
#include "core/landcover.hpp"
#include "core/progress.hpp"
#include "core/road_data.hpp"
#include "geo/crs.hpp"
#include "geo/geos.hpp"
#include "io/changes.hpp"
#include "io/plan_inputs.hpp"
#include "io/population.hpp"
#include "io/resources.hpp"
#include "io/scenario.hpp"
#include "io/tile.hpp"
#include "io/zone_raster.hpp"
#include "io/zones.hpp"

namespace carereach::io {

struct InputFile {
  std::string role;             ///< "scenario", "zones:county", "population", "facilities[0]", "roads" …
  std::string path_as_written;  ///< as the scenario names it
  std::filesystem::path path;
  std::string sha256;
  std::uintmax_t bytes = 0;
};

struct StepTiming {
  std::string step;
  double seconds = 0.0;
};

struct LoadedScenario {
  Scenario scenario;
  geo::CrsSpec analysis_crs;
  std::string analysis_crs_choice;  ///< how it was chosen, for summaries
  geo::CrsSpec output_crs;
  std::vector<LoadedZoneLevel> zones;   ///< in scenario order; a level that failed to load is missing
  std::vector<ZoneRaster> zone_rasters;  ///< aligned with zones; empty for seat levels
  std::optional<std::size_t> study_area_level;  ///< index into zones
  geo::Geometry study_area;             ///< union of the study-area polygons, analysis CRS
  std::optional<Grid> grid;
  std::optional<PopulationLoad> population;
  std::vector<Facility> facilities;
  std::optional<RoadData> roads;
  std::optional<RasterTravelData> raster;  ///< [raster] inputs on the grid, when the scenario names any
  ChangeSummary changes;                   ///< what the scenario's [changes] did to the facilities
  std::vector<LoadedZoneTargets> zone_targets;  ///< per-zone targets per level ([[zone_targets]])
  std::vector<LoadedZoneTotals> zone_totals;    ///< resource totals per zone ([[density.zone_totals]])
  std::vector<InputFile> inputs;
  std::vector<StepTiming> timings;
  std::optional<MemoryEstimate> memory;  ///< what `run` needs (set with the grid), io/resources.hpp
  MemoryAvailable memory_available;
  std::optional<TileLoad> tile;  ///< a tile scenario ([tile]): its own region, window and what was left out

  [[nodiscard]] const LoadedZoneLevel* zone_level(const std::string& level) const;
};

struct LoadOptions {
  /// Record an input that fails to load in diag and go on with the others (validate), instead of throwing (run).
  bool keep_going = false;
  bool checksums = true;
  /// Ids of the standards the command computes, for the memory estimate (empty: all of them).
  std::vector<std::string> standards{};
};

/// Loads every input of the scenario. Without keep_going, the first fatal problem throws; problems of single
/// features are in diag either way (the caller decides whether errors stop the work: diag.throw_if_errors()).
/// Before anything is read, every input path is checked (io/input_access.hpp: no devices, pipes or network
/// paths unless allowed); with a refused path nothing else is loaded. Before the grid is allocated, the memory of
/// a run is estimated and a scenario that would not fit is refused (io/resources.hpp).
LoadedScenario load_scenario(Scenario scenario, Diagnostics& diag, const LoadOptions& options, ProgressSink* progress);

/// The analysis CRS the scenario's run uses ([analysis] crs: "auto" from the centre of the study-area level, or as
/// given) and how it was chosen; not for [analysis] align_to (the raster's CRS). Throws CrsError.
std::pair<geo::CrsSpec, std::string> choose_scenario_crs(const Scenario& scenario);

}  // namespace carereach::io
