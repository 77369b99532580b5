#pragma once
// Travel times per service standard: picks the facilities a standard counts, runs the network or the raster
// engine for its mode, and keeps what every standard can share (the graph, snapping index and cell connectors of a
// mode; the friction surface of a mode) so that they are built once. Pure: no files, no printing.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/diagnostics.hpp"
#include "core/facility.hpp"
#include "core/landcover.hpp"
#include "core/population.hpp"
#include "core/progress.hpp"
#include "core/road_data.hpp"
#include "core/speeds.hpp"
#include "core/standard.hpp"
#include "core/travel_time.hpp"

namespace carereach::analysis {

struct TravelSettings {
  SpeedProfile profile;
  std::uint32_t connectors_per_cell = 3;
  bool snap_to_nodes = false;       ///< facilities and cells join the nearest graph node (comparisons with peers)
  double search_limit_min = 120.0;  ///< times are computed up to max(this, the standard's threshold)
  int raster_neighbours = 16;
  bool raster_anisotropic = false;
  bool raster_burn_roads = true;
  double raster_default_speed_kmh = 5.0;
};

/// How one facility of a standard joins the network (network engine) or the grid (raster engine).
struct FacilityAccess {
  std::uint32_t facility = 0;  ///< FacilityId value
  double snap_distance_m = 0.0;  ///< straight line to the road point (or node) it joins; 0 for the raster engine
  double access_leg_s = 0.0;     ///< the walk over that distance at the access speed
  bool beyond_max_access = false;
  bool joined = true;            ///< false: not joined to the network (or outside the grid)
};

/// What one standard's computation gives.
struct StandardTravel {
  TravelTimeField field;
  double limit_min = 0.0;             ///< times beyond this are kUnreached
  std::size_t facilities_used = 0;    ///< facilities the standard's selector chose
  std::vector<FacilityAccess> access;  ///< one per chosen facility, in facility order
  std::vector<double> node_time_s;    ///< network engine: seconds per graph node (infinite when not reached)
  std::vector<double> node_x_m, node_y_m;  ///< network engine: graph node positions (for comparisons)
  std::map<std::string, double> timings_s;  ///< "graph", "connectors", "friction", "search": only the steps this standard ran (a mode's graph and connectors are built by its first standard)
};

class TravelModel {
 public:
  /// roads may be null (raster engine only); raster may be null (no land cover, DEM or barriers). The referenced
  /// data must outlive the model.
  TravelModel(const RoadData* roads, const PopulationGrid& population, const RasterTravelData* raster,
              TravelSettings settings);
  ~TravelModel();
  TravelModel(const TravelModel&) = delete;
  TravelModel& operator=(const TravelModel&) = delete;

  /// Travel times for a time standard. Problems it can live with (facilities far from roads, cells without
  /// access, facilities outside the grid) are warnings in diag; a standard that selects no facility gives an
  /// all-unreached field and a warning. Throws std::invalid_argument for a distance standard or a network
  /// standard without roads.
  StandardTravel compute(const Standard& standard, std::span<const Facility> facilities, Diagnostics& diag,
                         ProgressSink* progress = nullptr);

  /// Frees what was kept for a mode (graph, connectors, friction): call when no later standard uses it.
  void release(TravelMode mode);

  [[nodiscard]] const TravelSettings& settings() const { return settings_; }

 private:
  struct NetworkMode;
  struct RasterMode;
  NetworkMode& network_mode(TravelMode mode, StandardTravel& out, Diagnostics& diag, ProgressSink* progress);
  RasterMode& raster_mode(TravelMode mode, StandardTravel& out, Diagnostics& diag);
  StandardTravel compute_network(const Standard& st, const std::vector<const Facility*>& chosen, double limit_s,
                                 Diagnostics& diag, ProgressSink* progress);
  StandardTravel compute_raster(const Standard& st, const std::vector<const Facility*>& chosen, double limit_s,
                                Diagnostics& diag, ProgressSink* progress);

  const RoadData* roads_;
  const PopulationGrid& population_;
  const RasterTravelData* raster_;
  TravelSettings settings_;
  std::map<TravelMode, std::unique_ptr<NetworkMode>> network_;
  std::map<TravelMode, std::unique_ptr<RasterMode>> raster_modes_;
};

}  // namespace carereach::analysis
