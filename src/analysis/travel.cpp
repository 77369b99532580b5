#include "analysis/travel.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "core/units.hpp"
#include "network/connectors.hpp"
#include "network/graph.hpp"
#include "network/search.hpp"
#include "network/snap.hpp"
#include "raster/cost_distance.hpp"
#include "raster/friction.hpp"
#include "raster/rasterise.hpp"

namespace carereach::analysis {

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::string format(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string facility_label(const Facility& f) { return "'" + f.source_id + "' " + f.name; }

Location facility_location(const Facility& f) { return Location{f.source_file, {}, f.source_feature, {}, 0}; }

raster::SpeedMode raster_mode_of(TravelMode mode) {
  switch (mode) {
    case TravelMode::kWalk: return raster::SpeedMode::kWalking;
    case TravelMode::kBicycle:
    case TravelMode::kEbike: return raster::SpeedMode::kBicycling;
    case TravelMode::kCar:
    case TravelMode::kMixed: return raster::SpeedMode::kMotorized;
  }
  return raster::SpeedMode::kWalking;
}

}  // namespace

struct TravelModel::NetworkMode {
  network::RoadGraph graph;
  std::unique_ptr<network::SnapIndex> index;
  network::ConnectorOptions options;
  network::CellConnectors connectors;
  std::unique_ptr<network::NodeSearch> search;
};

struct TravelModel::RasterMode {
  raster::FrictionSurface friction;
};

TravelModel::TravelModel(const RoadData* roads, const PopulationGrid& population, const RasterTravelData* raster,
                         TravelSettings settings)
    : roads_(roads), population_(population), raster_(raster), settings_(std::move(settings)) {}

TravelModel::~TravelModel() = default;

TravelModel::NetworkMode& TravelModel::network_mode(TravelMode mode, StandardTravel& out, Diagnostics& diag,
                                                    ProgressSink* progress) {
  if (auto it = network_.find(mode); it != network_.end()) return *it->second;
  auto m = std::make_unique<NetworkMode>();
  const std::string mode_name = to_string(mode);
  {
    ProgressStep step(progress, "road graph (" + mode_name + ")");
    const auto t0 = std::chrono::steady_clock::now();
    m->graph = network::build_graph(*roads_, mode, settings_.profile);
    out.timings_s["graph"] = seconds_since(t0);
  }
  const network::GraphStats& gs = m->graph.stats;
  if (gs.pieces_dropped > 0)
    diag.warn("roads.islands_dropped"_code,
              std::to_string(gs.pieces_dropped) + " road pieces (" + format(gs.length_dropped_km, 1) + " km, " +
                  std::to_string(gs.nodes_dropped) + " junctions) in " + std::to_string(gs.components - 1) +
                  " pieces of network not connected to the main one were left out for mode " + mode_name,
              {}, "check the road data for gaps; modelled or clipped networks often have small islands");
  {
    ProgressStep step(progress, "cell connectors (" + mode_name + ")");
    const auto t0 = std::chrono::steady_clock::now();
    m->index = std::make_unique<network::SnapIndex>(*roads_, m->graph);
    m->options = network::ConnectorOptions::from_profile(
        settings_.profile, settings_.snap_to_nodes ? network::SnapMode::kNode : network::SnapMode::kEdge,
        settings_.connectors_per_cell);
    m->connectors = network::build_cell_connectors(population_, m->graph, *m->index, m->options, progress);
    m->search = std::make_unique<network::NodeSearch>(m->graph);
    out.timings_s["connectors"] = seconds_since(t0);
  }
  if (m->connectors.cells_without_access > 0)
    diag.warn("cells.no_road_access"_code,
              std::to_string(m->connectors.cells_without_access) + " populated cells are farther than " +
                  format(m->options.max_access_distance_m, 0) + " m from any road usable by mode " + mode_name +
                  ": they reach facilities only by walking straight to one within that distance",
              {}, "raise [travel] max_access_distance_m, or add the missing roads");
  return *network_.emplace(mode, std::move(m)).first->second;
}

TravelModel::RasterMode& TravelModel::raster_mode(TravelMode mode, StandardTravel& out, Diagnostics& diag) {
  if (auto it = raster_modes_.find(mode); it != raster_modes_.end()) return *it->second;
  const auto t0 = std::chrono::steady_clock::now();
  auto m = std::make_unique<RasterMode>();
  const Grid& grid = population_.grid;
  raster::RoadRaster roads;
  if (roads_ != nullptr && settings_.raster_burn_roads) roads = raster::rasterise_roads(*roads_, grid, mode, settings_.profile);
  std::vector<raster::SpeedClass> table;
  if (raster_ != nullptr)
    for (const auto& c : raster_->classes)
      table.push_back({c.value, c.label, c.speed_kmh, raster::parse_speed_mode(c.mode).value_or(raster::SpeedMode::kWalking)});
  raster::FrictionInputs in;
  in.grid = grid;
  if (raster_ != nullptr) {
    in.land_cover = raster_->landcover;
    in.land_cover_nodata = RasterTravelData::kNoClass;
    in.barrier = raster_->barrier;
  }
  in.speed_table = table;
  in.road_speed_kmh = roads.speed_kmh;
  in.road_mode = raster_mode_of(mode);
  in.default_speed_kmh = settings_.raster_default_speed_kmh;
  raster::FrictionResult fr = raster::build_friction(in);
  for (auto& w : fr.warnings) {
    // Unknown land-cover classes were reported once at load (raster.unknown_class, per class with its cells);
    // the friction of each mode would repeat them.
    if (w.code == "raster.land_cover_class_unknown") continue;
    diag.add(std::move(w));
  }
  m->friction = std::move(fr.surface);
  out.timings_s["friction"] = seconds_since(t0);
  return *raster_modes_.emplace(mode, std::move(m)).first->second;
}

void TravelModel::release(TravelMode mode) {
  network_.erase(mode);
  raster_modes_.erase(mode);
}

StandardTravel TravelModel::compute(const Standard& standard, std::span<const Facility> facilities, Diagnostics& diag,
                                    ProgressSink* progress) {
  if (!standard.threshold_min)
    throw std::invalid_argument("standard " + standard.id + " is a distance standard, not a time standard");
  std::vector<const Facility*> chosen;
  for (const auto& f : facilities)
    if (standard.select.matches(f)) chosen.push_back(&f);
  const double limit_s = std::max(settings_.search_limit_min, *standard.threshold_min) * units::kSecPerMin;
  StandardTravel out = standard.engine == TravelEngine::kNetwork
                           ? compute_network(standard, chosen, limit_s, diag, progress)
                           : compute_raster(standard, chosen, limit_s, diag, progress);
  out.limit_min = limit_s / units::kSecPerMin;
  out.facilities_used = chosen.size();
  if (chosen.empty())
    diag.warn("standard.no_facilities"_code, "standard " + standard.id + " (" + standard.name_zh + ") selects no facility: "
                                            "nobody is covered",
              {}, "check the standard's types, tags and min_level against the facilities' types and tags");
  return out;
}

StandardTravel TravelModel::compute_network(const Standard& st, const std::vector<const Facility*>& chosen,
                                            double limit_s, Diagnostics& diag, ProgressSink* progress) {
  if (roads_ == nullptr)
    throw std::invalid_argument("standard " + st.id + " uses the network engine, and the scenario has no roads");
  StandardTravel out;
  NetworkMode& m = network_mode(st.mode, out, diag, progress);
  ProgressStep step(progress, "travel times " + st.id);
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<network::PointM> positions;
  std::vector<std::uint32_t> ids;
  for (const Facility* f : chosen) {
    positions.push_back({f->x_m, f->y_m});
    ids.push_back(f->id.value);
  }
  const network::FacilitySources sources = network::snap_facilities(*m.index, m.graph, positions, ids, m.options);
  for (const std::uint32_t i : sources.beyond_max_access) {
    const Facility& f = *chosen[i];
    if (settings_.snap_to_nodes)
      diag.warn("facility.far_from_road"_code,
                "facility " + facility_label(f) + " is " + format(sources.facilities[i].distance_m, 0) +
                    " m from the nearest graph node usable by mode " + to_string(st.mode) + " (standard " + st.id +
                    "); with snap = node it starts there at 0 s, as if it stood on that node",
                facility_location(f), "check its coordinates, or use snap = edge, which counts the walk");
    else
      diag.warn("facility.far_from_road"_code,
                "facility " + facility_label(f) + " is " + format(sources.facilities[i].distance_m, 0) +
                    " m from the nearest road usable by mode " + to_string(st.mode) + " (standard " + st.id +
                    "); the walk there is counted",
                facility_location(f), "check its coordinates, or add the road that serves it");
  }
  for (const std::uint32_t i : sources.not_joined)
    diag.warn("facility.not_joined"_code,
              "facility " + facility_label(*chosen[i]) + " cannot be joined to the road network of mode " +
                  to_string(st.mode) + " (standard " + st.id + "): only cells within walking distance reach it",
              facility_location(*chosen[i]));
  for (std::size_t i = 0; i < sources.facilities.size(); ++i) {
    const network::SnappedFacility& sf = sources.facilities[i];
    out.access.push_back({sf.facility, sf.distance_m, sf.leg_s, false, true});
  }
  for (const std::uint32_t i : sources.beyond_max_access) out.access[i].beyond_max_access = true;
  for (const std::uint32_t i : sources.not_joined) out.access[i].joined = false;
  network::NetworkTravelTimes result = network::network_travel_times(*m.search, m.connectors, sources, limit_s);
  out.field = std::move(result.field);
  out.node_time_s.resize(m.graph.node_count());
  for (std::size_t v = 0; v < m.graph.node_count(); ++v) out.node_time_s[v] = result.nodes.time_s(v);
  out.node_x_m = m.graph.node_x_m;
  out.node_y_m = m.graph.node_y_m;
  out.timings_s["search"] = seconds_since(t0);
  return out;
}

StandardTravel TravelModel::compute_raster(const Standard& st, const std::vector<const Facility*>& chosen,
                                           double limit_s, Diagnostics& diag, ProgressSink* progress) {
  StandardTravel out;
  RasterMode& m = raster_mode(st.mode, out, diag);
  const auto t0 = std::chrono::steady_clock::now();
  const Grid& grid = population_.grid;
  std::vector<raster::CostSource> sources;
  for (const Facility* f : chosen) {
    const auto cell = grid.cell_at(f->x_m, f->y_m);
    out.access.push_back({f->id.value, 0.0, 0.0, false, cell.has_value()});
    if (!cell) {
      diag.warn("facility.outside_grid"_code,
                "facility " + facility_label(*f) + " lies outside the analysis grid: the raster engine (standard " +
                    st.id + ") cannot start from it",
                facility_location(*f), "the grid covers the study area's extent; facilities beyond it are left out");
      continue;
    }
    sources.push_back({*cell, 0.0, f->id.value});
  }
  raster::CostDistanceOptions options;
  options.neighbourhood = settings_.raster_neighbours == 8 ? raster::Neighbourhood::k8 : raster::Neighbourhood::k16;
  options.limit_s = limit_s;
  if (settings_.raster_anisotropic && raster_ != nullptr) options.elevation_m = raster_->elevation_m;
  raster::CostDistanceResult r = raster::cost_distance(m.friction, sources, options, progress);
  for (auto& w : r.warnings) diag.add(std::move(w));
  out.field = std::move(r.field);
  out.timings_s["search"] = seconds_since(t0);
  return out;
}

}  // namespace carereach::analysis
