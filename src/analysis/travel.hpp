#pragma once
// Travel times per service standard: picks the facilities a standard counts, runs the network or the raster
// engine for its mode (or the straight-line estimate where there are no roads), and keeps what every standard can share (the graph, snapping index and cell connectors of a
// mode; the friction surface of a mode) so that they are built once. Pure: no files, no printing.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
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
#include "raster/friction.hpp"
#include "raster/rasterise.hpp"

namespace carereach::network {
struct FacilitySources;
}  // namespace carereach::network

namespace carereach::analysis {

struct TravelSettings {
  SpeedProfile profile;
  std::uint32_t connectors_per_cell = 3;
  bool snap_to_nodes = false;       ///< facilities and cells join the nearest graph node (comparisons with peers)
  double search_limit_min = 120.0;  ///< times are computed up to max(this, the standard's threshold)
  int raster_neighbours = 16;
  bool raster_anisotropic = false;
  bool raster_burn_roads = true;
  /// [raster.road_modes]: a travel mode per road class (nullopt: the standard's own), as AccessMod's scenario table.
  raster::RoadClassModes raster_road_modes{};
  bool raster_no_land_cover_default_speed = false;  ///< [raster] no_land_cover = "default_speed"
  double raster_default_speed_kmh = 5.0;            ///< … at this speed, walking
  /// [raster.bicycle]: with raster_anisotropic, bicycling cells follow the power balance on the slope.
  std::optional<BicyclePowerModel> raster_bicycle;
};

/// Why a standard's travel times cannot be computed, in the two languages of the reports (empty when they can).
struct NotComputed {
  std::string en;    ///< "the raster engine has no speed for mode car: …" (no full stop)
  std::string zh;    ///< the same in Chinese
  std::string hint;  ///< what to do (English, as every hint)
  [[nodiscard]] bool empty() const { return en.empty(); }
};

/// What the raster engine has to go on for one mode, read from the inputs before any friction surface is built
/// (docs/method/raster-travel-time.md, "Speed sources of a mode"): validate lists it, and a standard without any
/// speed source for its mode is not computed.
struct RasterSources {
  raster::SpeedMode raster_mode = raster::SpeedMode::kWalking;  ///< AccessMod's mode of the standard's mode
  bool roads = false;                 ///< the scenario has roads
  bool burn_roads = true;             ///< [raster] burn_roads
  std::size_t road_ways = 0;          ///< ways the mode may use (burned in when burn_roads)
  std::size_t own_class_cells = 0;    ///< land-cover cells of a passable class of raster_mode
  std::size_t slowed_class_cells = 0; ///< of a faster mode's class: crossed at the mode's own speed
  std::size_t slower_class_cells = 0; ///< of a slower mode's class: walked (or cycled) to the vehicle
  std::size_t no_land_cover_cells = 0;  ///< every cell when there is no land cover
  bool land_cover = false;            ///< a land-cover raster was given
  std::size_t friction_cells = 0;     ///< cells with a value of a friction surface given directly (every mode's)
  bool default_speed = false;         ///< no_land_cover = "default_speed"
  double default_speed_kmh = 5.0;
  NotComputed missing;                ///< not empty: no speed source for the mode at all
};
RasterSources raster_sources(const RoadData* roads, const RasterTravelData* raster, std::size_t cell_count,
                             TravelMode mode, const TravelSettings& settings);

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
  /// Not empty: the engine found nothing to compute with (the raster engine without a speed source for the mode);
  /// the field is then all unreached, and the standard is reported "not computed" with this reason.
  NotComputed not_computed;
  std::optional<raster::FrictionStats> friction;  ///< raster engine: where the cells' speeds came from
  double circuity = 0.0;             ///< estimate engine: the circuity used
  double estimate_speed_kmh = 0.0;   ///< estimate engine: the speed used
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
  /// all-unreached field and a warning; a raster standard without any speed source for its mode gives an
  /// all-unreached field and StandardTravel::not_computed. Throws std::invalid_argument for a distance standard, a
  /// network standard without roads, or an estimate of mode mixed.
  StandardTravel compute(const Standard& standard, std::span<const Facility> facilities, Diagnostics& diag,
                         ProgressSink* progress = nullptr);

  /// The travel times of exactly the given facilities (the standard's selector is not applied), searched up to
  /// limit_min rather than the settings' search limit: the building block of the per-facility analyses
  /// (analysis/reach.hpp). Warnings as compute().
  StandardTravel compute_facilities(const Standard& standard, std::span<const Facility* const> facilities,
                                    double limit_min, Diagnostics& diag, ProgressSink* progress = nullptr);

  /// The populated cells one facility alone reaches within limit_min, appended (unsorted) to `cells` as (cell,
  /// minutes): the times compute_facilities gives with that facility alone, searched only in the part of the grid
  /// it can reach (the network's nodes it reaches and the band of rows within the limit at the fastest speed; the
  /// raster's window within the limit at the fastest cell). Returns false when the facility cannot be joined.
  /// Call prepare_reach(standard) first (it builds the mode's structures, with their warnings); then reach_one may
  /// run for several facilities at once on different threads (network and raster engines).
  bool reach_one(const Standard& standard, const Facility& facility, double limit_min, Diagnostics& diag,
                 std::vector<std::pair<std::uint32_t, float>>& cells);
  void prepare_reach(const Standard& standard, Diagnostics& diag);
  /// The raster engine's check of a standard's facilities against its friction surface: a facility whose cell cannot
  /// be entered (a barrier, a land-cover class of speed 0 or unknown, no land cover) is not joined, with the warning
  /// facility.on_barrier naming it (the search would otherwise start there and reach nobody). Returns the ids of
  /// those facilities (FacilityId values); the friction surface of the mode is built and kept. Other warnings of the
  /// friction surface are not added to diag. Nothing for other engines, or a mode without speed sources.
  std::vector<std::uint32_t> check_raster_facilities(const Standard& standard, std::span<const Facility> facilities,
                                                     Diagnostics& diag);

  /// Frees what was kept for a mode (graph, connectors, friction): call when no later standard uses it. The model
  /// keeps the network structures of one mode at a time anyway: a standard of another mode releases them before
  /// its own are built.
  void release(TravelMode mode);

  /// The network modes whose graph, snapping index and connectors are held now (0 or 1), and the bytes those
  /// structures hold (capacities). A progress sink may ask while a mode's structures are being built: the other
  /// mode's are already gone then.
  [[nodiscard]] std::size_t network_modes_held() const { return network_.size(); }
  [[nodiscard]] std::size_t network_memory_bytes() const;

  [[nodiscard]] const TravelSettings& settings() const { return settings_; }
  [[nodiscard]] const PopulationGrid& population() const { return population_; }

 private:
  struct NetworkMode;
  struct RasterMode;
  NetworkMode& network_mode(TravelMode mode, StandardTravel& out, Diagnostics& diag, ProgressSink* progress);
  RasterMode& raster_mode(TravelMode mode, StandardTravel& out, Diagnostics& diag);
  StandardTravel compute_network(const Standard& st, const std::vector<const Facility*>& chosen, double limit_s,
                                 Diagnostics& diag, ProgressSink* progress);
  StandardTravel compute_raster(const Standard& st, const std::vector<const Facility*>& chosen, double limit_s,
                                Diagnostics& diag, ProgressSink* progress);
  void warn_network_access(const Standard& st, const std::vector<const Facility*>& chosen,
                           const network::FacilitySources& sources, Diagnostics& diag) const;
  void warn_on_barrier(const Facility& f, const Standard& st, std::size_t cell, Diagnostics& diag) const;
  StandardTravel compute_estimate(const Standard& st, const std::vector<const Facility*>& chosen, double limit_s,
                                  ProgressSink* progress);

  const RoadData* roads_;
  const PopulationGrid& population_;
  const RasterTravelData* raster_;
  TravelSettings settings_;
  std::map<TravelMode, std::unique_ptr<NetworkMode>> network_;
  std::map<TravelMode, std::unique_ptr<RasterMode>> raster_modes_;
};

}  // namespace carereach::analysis
