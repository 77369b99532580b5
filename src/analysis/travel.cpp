#include "analysis/travel.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "analysis/estimate.hpp"
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

void warn_outside_grid(const Standard& st, const Facility& f, Diagnostics& diag) {
  diag.warn("facility.outside_grid"_code,
            "facility " + facility_label(f) + " lies outside the analysis grid: the raster engine (standard " + st.id +
                ") cannot start from it",
            facility_location(f), "the grid covers the study area's extent; facilities beyond it are left out");
}


using raster::raster_mode_of;

const char* raster_mode_zh(raster::SpeedMode m) {
  switch (m) {
    case raster::SpeedMode::kWalking: return "步行（WALKING）";
    case raster::SpeedMode::kBicycling: return "骑行（BICYCLING）";
    case raster::SpeedMode::kMotorized: return "机动车（MOTORIZED）";
  }
  return "?";
}

/// The reason a raster standard of `mode` is not computed: what is missing, part by part.
NotComputed no_raster_speed(TravelMode mode, const RasterSources& s, bool roads_outside_grid) {
  std::vector<std::string> en, zh;
  const std::string m = to_string(mode);
  const std::string m_zh = to_label_zh(mode);
  if (!s.roads) {
    en.push_back("the scenario has no roads");
    zh.push_back("情景没有道路数据");
  } else if (!s.burn_roads) {
    en.push_back("the roads are not burned in (burn_roads = false)");
    zh.push_back("道路未烧录入摩擦面（burn_roads = false）");
  } else if (s.road_ways == 0) {
    en.push_back("no road may be used by " + m);
    zh.push_back("没有" + m_zh + "可通行的道路");
  } else if (roads_outside_grid) {
    en.push_back("no road usable by " + m + " crosses the analysis grid");
    zh.push_back("没有" + m_zh + "可通行的道路经过分析网格");
  }
  const std::string class_mode = raster::to_string(s.raster_mode);
  if (!s.land_cover) {
    en.push_back("there is no land cover");
    zh.push_back("没有土地覆盖数据");
  } else {
    en.push_back("the land cover has no passable " + class_mode + " class");
    zh.push_back("土地覆盖中没有可通行的" + std::string(raster_mode_zh(s.raster_mode)) + "类别");
  }
  if (mode == TravelMode::kWalk && !s.default_speed) {
    en.push_back("cells without land cover are impassable (no_land_cover = \"impassable\")");
    zh.push_back("无土地覆盖的格网不可通行");
  } else if (mode != TravelMode::kWalk && s.default_speed) {
    en.push_back("cells without land cover are walked at " + format(s.default_speed_kmh, 1) + " km/h, which is no " +
                 m + " speed");
    zh.push_back("无土地覆盖的格网按步行 " + format(s.default_speed_kmh, 1) + " 千米/小时计，不是" + m_zh + "的速度");
  }
  NotComputed out;
  std::string en_text, zh_text;
  for (std::size_t i = 0; i < en.size(); ++i) en_text += (i == 0 ? "" : "; ") + en[i];
  for (std::size_t i = 0; i < zh.size(); ++i) zh_text += (i == 0 ? "" : "；") + zh[i];
  out.en = "the raster engine has no speed for mode " + m + " (" + class_mode + "): " + en_text;
  out.zh = "栅格引擎没有" + m_zh + "的速度来源：" + zh_text;
  out.hint = mode == TravelMode::kWalk
                 ? "add a land cover, set [raster] no_land_cover = \"default_speed\", add [roads], or set engine = "
                   "\"estimate\" for this standard (a straight-line estimate, docs/method/estimate.md)"
                 : "add [roads] (burned in at the mode's speeds), a land cover with " + class_mode +
                       " classes, or set engine = \"estimate\" for this standard (a straight-line estimate, "
                       "docs/method/estimate.md)";
  return out;
}

/// The traveller's own speed off the roads, for land-cover classes of a faster mode: the mode's speed on an ordinary
/// road (class "other" of the speed profile); cars have no faster mode.
double own_speed_kmh(TravelMode mode, const SpeedProfile& profile) {
  const TravelMode m = mode == TravelMode::kMixed ? TravelMode::kCar : mode;
  const double v = profile.mode(m).speed_kmh[static_cast<std::size_t>(RoadClass::kOther)];
  return v > 0.0 ? v : profile.access_speed_kmh;
}

}  // namespace

RasterSources raster_sources(const RoadData* roads, const RasterTravelData* raster, std::size_t cell_count,
                             TravelMode mode, const TravelSettings& settings) {
  RasterSources s;
  s.raster_mode = raster_mode_of(mode);
  s.roads = roads != nullptr;
  s.burn_roads = settings.raster_burn_roads;
  s.default_speed = settings.raster_no_land_cover_default_speed;
  s.default_speed_kmh = settings.raster_default_speed_kmh;
  if (roads != nullptr) {
    // Ways of a slower mode ([raster.road_modes]: a track walked in a car standard) are not the mode's own speed.
    const raster::WayModes ways = raster::way_speeds_with_modes(*roads, mode, settings.profile, settings.raster_road_modes);
    for (std::size_t w = 0; w < ways.speed_kmh.size(); ++w)
      s.road_ways += ways.speed_kmh[w] > 0.0F && ways.mode[w] == s.raster_mode ? 1 : 0;
  }
  s.land_cover = raster != nullptr && !raster->landcover.empty();
  if (raster != nullptr && !raster->friction_s_per_m.empty()) {
    // A friction surface given directly: every cell with a value is a speed source of every mode.
    for (const float f : raster->friction_s_per_m) {
      if (std::isnan(f)) ++s.no_land_cover_cells;
      else ++s.friction_cells;
    }
  } else if (!s.land_cover) {
    s.no_land_cover_cells = cell_count;
  } else {
    std::map<std::int32_t, const LandCoverClass*> table;
    for (const auto& c : raster->classes) table[c.value] = &c;
    std::map<std::int32_t, std::size_t> cells_of_class;
    for (const std::int32_t c : raster->landcover) {
      if (c == RasterTravelData::kNoClass) ++s.no_land_cover_cells;
      else ++cells_of_class[c];
    }
    for (const auto& [value, n] : cells_of_class) {
      const auto it = table.find(value);
      if (it == table.end() || !(it->second->speed_kmh > 0.0)) continue;
      const raster::SpeedMode cm = raster::parse_speed_mode(it->second->mode).value_or(raster::SpeedMode::kWalking);
      if (cm == s.raster_mode) s.own_class_cells += n;
      else if (cm < s.raster_mode) s.slower_class_cells += n;
      else s.slowed_class_cells += n;
    }
  }
  const bool any = (s.burn_roads && s.road_ways > 0) || s.own_class_cells > 0 || s.slowed_class_cells > 0 ||
                   s.friction_cells > 0 ||
                   (mode == TravelMode::kWalk && s.default_speed && s.no_land_cover_cells > 0);
  if (!any) s.missing = no_raster_speed(mode, s, false);
  return s;
}

struct TravelModel::NetworkMode {
  network::RoadGraph graph;
  std::unique_ptr<network::SnapIndex> index;
  network::ConnectorOptions options;
  network::CellConnectors connectors;
  std::unique_ptr<network::NodeSearch> search;
  // reach_one: the fastest straight-line progress any move makes (m/s), and working arrays for one facility at a
  // time, one set per thread that runs reach_one at once (taken from the pool and put back).
  double max_speed_mps = 0.0;
  struct ReachScratch {
    std::unique_ptr<network::NodeSearch> search;
    network::NodeTimes labels;  ///< every node unreached between runs
    std::vector<std::uint32_t> touched;
    TravelTimeField band;       ///< the cells of the band of rows a run assigned
  };
  std::mutex pool_mutex;
  std::vector<std::unique_ptr<ReachScratch>> pool;
};

struct TravelModel::RasterMode {
  raster::FrictionSurface friction;
  raster::FrictionStats stats;
  float min_seconds_per_metre = -1.0F;  ///< reach_one: the fastest cell (set by prepare_reach)
};

TravelModel::TravelModel(const RoadData* roads, const PopulationGrid& population, const RasterTravelData* raster,
                         TravelSettings settings)
    : roads_(roads), population_(population), raster_(raster), settings_(std::move(settings)) {}

TravelModel::~TravelModel() = default;

TravelModel::NetworkMode& TravelModel::network_mode(TravelMode mode, StandardTravel& out, Diagnostics& diag,
                                                    ProgressSink* progress) {
  if (auto it = network_.find(mode); it != network_.end()) return *it->second;
  // One mode's graph, snapping index and connectors at a time: another mode's are released before these are
  // built (and built again, the same, when a later standard needs them), so that the peak memory is that of the
  // largest mode, not of the modes together.
  network_.clear();
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
  if (roads_ != nullptr && settings_.raster_burn_roads) {
    const bool class_modes = std::any_of(settings_.raster_road_modes.begin(), settings_.raster_road_modes.end(),
                                         [](const auto& class_mode) { return class_mode.has_value(); });
    roads = class_modes ? raster::rasterise_way_modes(*roads_, grid,
                                                      raster::way_speeds_with_modes(*roads_, mode, settings_.profile,
                                                                                    settings_.raster_road_modes))
                        : raster::rasterise_roads(*roads_, grid, mode, settings_.profile);
  }
  std::vector<raster::SpeedClass> table;
  if (raster_ != nullptr)
    for (const auto& c : raster_->classes)
      table.push_back({c.value, c.label, c.speed_kmh, raster::parse_speed_mode(c.mode).value_or(raster::SpeedMode::kWalking)});
  raster::FrictionInputs in;
  in.grid = grid;
  if (raster_ != nullptr) {
    in.land_cover = raster_->landcover;
    in.friction_s_per_m = raster_->friction_s_per_m;
    in.land_cover_nodata = RasterTravelData::kNoClass;
    in.barrier = raster_->barrier;
  }
  in.speed_table = table;
  in.road_speed_kmh = roads.speed_kmh;
  in.road_mode = roads.mode;
  in.travel_mode = raster_mode_of(mode);
  in.faster_class_speed_kmh = own_speed_kmh(mode, settings_.profile);
  in.no_land_cover_default_speed = settings_.raster_no_land_cover_default_speed;
  in.default_speed_kmh = settings_.raster_default_speed_kmh;
  in.persons = population_.persons;
  raster::FrictionResult fr = raster::build_friction(in);
  for (auto& w : fr.warnings) {
    // Unknown land-cover classes were reported once at load (raster.unknown_class, per class with its cells);
    // the friction of each mode would repeat them.
    if (w.code == "raster.land_cover_class_unknown") continue;
    w.message += " (friction surface of mode " + std::string(to_string(mode)) + ")";
    diag.add(std::move(w));
  }
  m->stats = fr.stats;
  m->friction = std::move(fr.surface);
  out.timings_s["friction"] = seconds_since(t0);
  return *raster_modes_.emplace(mode, std::move(m)).first->second;
}

std::size_t TravelModel::network_memory_bytes() const {
  std::size_t bytes = 0;
  for (const auto& [mode, m] : network_) {
    bytes += m->graph.memory_bytes() + m->connectors.memory_bytes();
    if (m->index) bytes += m->index->memory_bytes();
    if (m->search) bytes += m->search->memory_bytes();
  }
  return bytes;
}

void TravelModel::warn_on_barrier(const Facility& f, const Standard& st, std::size_t cell, Diagnostics& diag) const {
  const bool barrier = raster_ != nullptr && !raster_->barrier.empty() && raster_->barrier[cell] != 0;
  std::string what;
  if (barrier) {
    what = "stands on a barrier cell (a barrier line or polygon of [raster] barriers, not crossed by a road there)";
  } else if (raster_ != nullptr && !raster_->friction_s_per_m.empty()) {
    what = "stands on a cell without a friction value (no-data in [raster.friction]), which cannot be crossed "
           "(no_land_cover = \"impassable\")";
  } else if (raster_ == nullptr || raster_->landcover.empty() ||
             raster_->landcover[cell] == RasterTravelData::kNoClass) {
    what = "stands on a cell without land cover, which cannot be crossed (no_land_cover = \"impassable\")";
  } else {
    what = "stands on a cell of land-cover class " + std::to_string(raster_->landcover[cell]) +
           ", which cannot be crossed (speed 0, or not in the speed table)";
  }
  const Grid& grid = population_.grid;
  diag.warn("facility.on_barrier"_code,
            "facility " + facility_label(f) + " " + what + " (cell column " + std::to_string(cell % grid.cols) +
                ", row " + std::to_string(cell / grid.cols) + "): the raster engine (standard " + st.id +
                ") does not start from it, and it counts for nobody",
            facility_location(f),
            "check its coordinates (a facility on a river bank may have been placed in the river), or the barrier "
            "and land-cover layers; AccessMod also refuses to start from a barrier");
}

std::vector<std::uint32_t> TravelModel::check_raster_facilities(const Standard& standard,
                                                                std::span<const Facility> facilities,
                                                                Diagnostics& diag) {
  std::vector<std::uint32_t> out;
  if (standard.engine != TravelEngine::kRaster || !standard.threshold_min) return out;
  StandardTravel scratch;
  Diagnostics ignored;
  RasterMode& m = raster_mode(standard.mode, scratch, ignored);
  if (m.stats.source_cells == 0) return out;
  const Grid& grid = population_.grid;
  for (const auto& f : facilities) {
    if (!standard.select.matches(f)) continue;
    const auto cell = grid.cell_at(f.x_m, f.y_m);
    if (!cell || m.friction.passable(*cell)) continue;
    warn_on_barrier(f, standard, *cell, diag);
    out.push_back(f.id.value);
  }
  return out;
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
  StandardTravel out = standard.engine == TravelEngine::kNetwork  ? compute_network(standard, chosen, limit_s, diag, progress)
                       : standard.engine == TravelEngine::kRaster ? compute_raster(standard, chosen, limit_s, diag, progress)
                                                                  : compute_estimate(standard, chosen, limit_s, progress);
  out.limit_min = limit_s / units::kSecPerMin;
  out.facilities_used = chosen.size();
  if (chosen.empty())
    diag.warn("standard.no_facilities"_code, "standard " + standard.id + " (" + standard.name_zh + ") selects no facility: "
                                            "nobody is covered",
              {}, "check the standard's types, tags and min_level against the facilities' types and tags");
  return out;
}

StandardTravel TravelModel::compute_facilities(const Standard& standard, std::span<const Facility* const> facilities,
                                               double limit_min, Diagnostics& diag, ProgressSink* progress) {
  if (!standard.threshold_min)
    throw std::invalid_argument("standard " + standard.id + " is a distance standard, not a time standard");
  if (!(limit_min > 0.0) || !std::isfinite(limit_min))
    throw std::invalid_argument("standard " + standard.id + ": the search limit must be a positive number of minutes");
  const std::vector<const Facility*> chosen(facilities.begin(), facilities.end());
  const double limit_s = limit_min * units::kSecPerMin;
  StandardTravel out = standard.engine == TravelEngine::kNetwork  ? compute_network(standard, chosen, limit_s, diag, progress)
                       : standard.engine == TravelEngine::kRaster ? compute_raster(standard, chosen, limit_s, diag, progress)
                                                                  : compute_estimate(standard, chosen, limit_s, progress);
  out.limit_min = limit_min;
  out.facilities_used = chosen.size();
  return out;
}

StandardTravel TravelModel::compute_network(const Standard& st, const std::vector<const Facility*>& chosen,
                                            double limit_s, Diagnostics& diag, ProgressSink* progress) {
  if (roads_ == nullptr)
    throw std::invalid_argument("standard " + st.id + " uses the network engine, and the scenario has no roads");
  if (st.direction == TripDirection::kFromFacility)
    throw std::invalid_argument("standard " + st.id + ": the network engine searches towards the facilities only");
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
  warn_network_access(st, chosen, sources, diag);
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

void TravelModel::warn_network_access(const Standard& st, const std::vector<const Facility*>& chosen,
                                      const network::FacilitySources& sources, Diagnostics& diag) const {
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
}

StandardTravel TravelModel::compute_raster(const Standard& st, const std::vector<const Facility*>& chosen,
                                           double limit_s, Diagnostics& diag, ProgressSink* progress) {
  StandardTravel out;
  RasterMode& m = raster_mode(st.mode, out, diag);
  out.friction = m.stats;
  const Grid& grid = population_.grid;
  if (m.stats.source_cells == 0) {
    // No cell has a speed of the standard's mode: a search would give a walk (or nothing) labelled with the mode.
    const RasterSources sources = raster_sources(roads_, raster_, grid.cell_count(), st.mode, settings_);
    out.not_computed = no_raster_speed(st.mode, sources, sources.burn_roads && sources.road_ways > 0);
    out.field.grid = grid;
    out.field.minutes.assign(grid.cell_count(), TravelTimeField::kUnreached);
    out.field.nearest.assign(grid.cell_count(), TravelTimeField::kNoFacility);
    for (const Facility* f : chosen) out.access.push_back({f->id.value, 0.0, 0.0, false, false});
    return out;
  }
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<raster::CostSource> sources;
  for (const Facility* f : chosen) {
    const auto cell = grid.cell_at(f->x_m, f->y_m);
    out.access.push_back({f->id.value, 0.0, 0.0, false, cell.has_value()});
    if (!cell) {
      warn_outside_grid(st, *f, diag);
      continue;
    }
    if (!m.friction.passable(*cell)) {
      warn_on_barrier(*f, st, *cell, diag);
      out.access.back().joined = false;
      continue;
    }
    sources.push_back({*cell, 0.0, f->id.value});
  }
  raster::CostDistanceOptions options;
  options.neighbourhood = settings_.raster_neighbours == 8 ? raster::Neighbourhood::k8 : raster::Neighbourhood::k16;
  options.limit_s = limit_s;
  if (settings_.raster_anisotropic && raster_ != nullptr) options.elevation_m = raster_->elevation_m;
  // E-bikes are assisted by a motor: the rider's power balance does not describe them, they keep their speeds.
  if (settings_.raster_anisotropic && raster_ != nullptr && !raster_->elevation_m.empty() &&
      st.mode != TravelMode::kEbike)
    options.bicycle = settings_.raster_bicycle;
  options.direction = st.direction == TripDirection::kFromFacility ? raster::TravelDirection::kFromSources
                                                                   : raster::TravelDirection::kTowardsSources;
  raster::CostDistanceResult r = raster::cost_distance(m.friction, sources, options, progress);
  for (auto& w : r.warnings) diag.add(std::move(w));
  out.field = std::move(r.field);
  out.timings_s["search"] = seconds_since(t0);
  return out;
}

namespace {

/// Grid rows whose cells can lie within radius_m of the band y_min … y_max (one more each side against rounding),
/// clipped to the grid; first > last when none.
std::pair<std::int64_t, std::int64_t> rows_within(const Grid& grid, double y_min, double y_max, double radius_m) {
  const double cs = grid.cell_size_m;
  const double first = std::floor((grid.origin_y_m - (y_max + radius_m)) / cs) - 1.0;
  const double last = std::ceil((grid.origin_y_m - (y_min - radius_m)) / cs) + 1.0;
  const double lo = std::max(first, 0.0);
  const double hi = std::min(last, static_cast<double>(grid.rows) - 1.0);
  return {static_cast<std::int64_t>(lo), static_cast<std::int64_t>(hi)};
}

/// The grid columns whose cells can lie within radius_m of some x in [x_min, x_max] (one more each side against
/// rounding), clipped to the grid; first > last when none.
std::pair<std::int64_t, std::int64_t> cols_within(const Grid& grid, double x_min, double x_max, double radius_m) {
  const double cs = grid.cell_size_m;
  const double first = std::floor((x_min - radius_m - grid.origin_x_m) / cs) - 1.0;
  const double last = std::ceil((x_max + radius_m - grid.origin_x_m) / cs) + 1.0;
  const double lo = std::max(first, 0.0);
  const double hi = std::min(last, static_cast<double>(grid.cols) - 1.0);
  return {static_cast<std::int64_t>(lo), static_cast<std::int64_t>(hi)};
}

}  // namespace

void TravelModel::prepare_reach(const Standard& st, Diagnostics& diag) {
  if (!st.threshold_min)
    throw std::invalid_argument("standard " + st.id + " is a distance standard, not a time standard");
  StandardTravel unused;
  if (st.engine == TravelEngine::kNetwork) {
    if (roads_ == nullptr)
      throw std::invalid_argument("standard " + st.id + " uses the network engine, and the scenario has no roads");
    NetworkMode& m = network_mode(st.mode, unused, diag, nullptr);
    if (m.max_speed_mps > 0.0) return;
    // A cell's time is the sum of moves (the walk to the road, runs along pieces, the facility's leg), none of
    // which gets farther in a straight line than its time at the fastest speed of any piece or of the walk.
    double v = units::kmh_to_mps(m.options.access_speed_kmh);
    for (const network::Piece& p : m.graph.pieces) {
      for (const float t : {p.forward_s, p.backward_s})
        if (t != network::kNoPassage && t > 0.0F) v = std::max(v, static_cast<double>(p.length_m) / t);
    }
    m.max_speed_mps = v;
  } else if (st.engine == TravelEngine::kRaster) {
    RasterMode& m = raster_mode(st.mode, unused, diag);
    if (m.min_seconds_per_metre >= 0.0F) return;
    float lo = raster::FrictionSurface::kImpassable;
    for (const float v : m.friction.seconds_per_metre) lo = std::min(lo, v);
    m.min_seconds_per_metre = lo;
  }
}

bool TravelModel::reach_one(const Standard& st, const Facility& f, double limit_min, Diagnostics& diag,
                            std::vector<std::pair<std::uint32_t, float>>& cells) {
  if (!st.threshold_min)
    throw std::invalid_argument("standard " + st.id + " is a distance standard, not a time standard");
  if (!(limit_min > 0.0) || !std::isfinite(limit_min))
    throw std::invalid_argument("standard " + st.id + ": the search limit must be a positive number of minutes");
  const double limit_s = limit_min * units::kSecPerMin;
  const auto limit = static_cast<float>(limit_min);
  const Grid& grid = population_.grid;
  const std::vector<double>& persons = population_.persons;

  if (st.engine == TravelEngine::kNetwork) {
    if (st.direction == TripDirection::kFromFacility)
      throw std::invalid_argument("standard " + st.id + ": the network engine searches towards the facilities only");
    const auto it = network_.find(st.mode);
    if (it == network_.end() || it->second->max_speed_mps <= 0.0)
      throw std::logic_error("reach_one: prepare_reach was not called for standard " + st.id);
    NetworkMode& m = *it->second;
    // Working arrays from the pool (made for the first run of each thread), put back at the end.
    std::unique_ptr<NetworkMode::ReachScratch> scratch;
    {
      const std::lock_guard<std::mutex> lock(m.pool_mutex);
      if (!m.pool.empty()) {
        scratch = std::move(m.pool.back());
        m.pool.pop_back();
      }
    }
    if (!scratch) {
      scratch = std::make_unique<NetworkMode::ReachScratch>();
      scratch->search = std::make_unique<network::NodeSearch>(m.graph);
      scratch->labels.node.assign(m.graph.node_count(), network::NodeLabel{});
      scratch->band.grid = grid;
      scratch->band.minutes.resize(grid.cell_count());
      scratch->band.nearest.resize(grid.cell_count());
    }
    struct PutBack {
      NetworkMode& mode;
      std::unique_ptr<NetworkMode::ReachScratch>& s;
      ~PutBack() {
        const std::lock_guard<std::mutex> lock(mode.pool_mutex);
        mode.pool.push_back(std::move(s));
      }
    } put_back{m, scratch};
    const network::PointM position{f.x_m, f.y_m};
    const std::uint32_t id = f.id.value;
    const network::FacilitySources sources =
        network::snap_facilities(*m.index, m.graph, std::span(&position, 1), std::span(&id, 1), m.options);
    const std::vector<const Facility*> chosen = {&f};
    warn_network_access(st, chosen, sources, diag);
    const bool joined = sources.not_joined.empty();
    network::NodeSearch::reset_local(scratch->labels, scratch->touched);
    scratch->search->run_local(sources.sources, limit_s, scratch->labels, scratch->touched);
    // The rectangle of cells the facility (and, with snap = node, the nodes it starts from) can reach within the
    // limit: every point of a path within the limit lies within limit × the fastest speed of where it starts; the
    // slack covers the cells' own walk within the maximum access distance.
    double y_min = f.y_m, y_max = f.y_m, x_min = f.x_m, x_max = f.x_m;
    for (const network::Source& src : sources.sources) {
      y_min = std::min(y_min, m.graph.node_y_m[src.node]);
      y_max = std::max(y_max, m.graph.node_y_m[src.node]);
      x_min = std::min(x_min, m.graph.node_x_m[src.node]);
      x_max = std::max(x_max, m.graph.node_x_m[src.node]);
    }
    const double radius = limit_s * m.max_speed_mps + m.options.max_access_distance_m + grid.cell_size_m;
    const auto [r0, r1] = rows_within(grid, y_min, y_max, radius);
    const auto [c0, c1] = cols_within(grid, x_min, x_max, radius);
    if (r0 <= r1 && c0 <= c1) {
      network::AssignOptions options;
      options.parallel = false;
      options.first_row = static_cast<std::uint32_t>(r0);
      options.last_row = static_cast<std::uint32_t>(r1);
      options.first_col = static_cast<std::uint32_t>(c0);
      options.last_col = static_cast<std::uint32_t>(c1);
      network::assign_cells(m.graph, m.connectors, sources, scratch->labels, limit_s, scratch->band, options);
      for (auto r = static_cast<std::uint32_t>(r0); r <= static_cast<std::uint32_t>(r1); ++r) {
        const std::size_t g0 = grid.index(static_cast<std::uint32_t>(c0), r);
        const std::size_t g1 = grid.index(static_cast<std::uint32_t>(c1), r) + 1;
        for (std::size_t g = g0; g < g1; ++g) {
          const float t = scratch->band.minutes[g];
          if (t != TravelTimeField::kUnreached && t <= limit && persons[g] > 0.0)
            cells.emplace_back(static_cast<std::uint32_t>(g), t);
        }
      }
    }
    network::NodeSearch::reset_local(scratch->labels, scratch->touched);
    return joined;
  }

  if (st.engine == TravelEngine::kRaster) {
    const auto it = raster_modes_.find(st.mode);
    if (it == raster_modes_.end() || it->second->min_seconds_per_metre < 0.0F)
      throw std::logic_error("reach_one: prepare_reach was not called for standard " + st.id);
    const RasterMode& m = *it->second;
    if (m.stats.source_cells == 0) return false;  // nothing of the mode: compute() says why (not computed)
    const auto cell = grid.cell_at(f.x_m, f.y_m);
    if (!cell) {
      warn_outside_grid(st, f, diag);
      return false;
    }
    if (!m.friction.passable(*cell)) {  // as compute_raster: flagged, not joined
      warn_on_barrier(f, st, *cell, diag);
      return false;
    }
    // Every cell of a path within the limit lies within limit / (fastest seconds per metre) of the facility — on
    // slopes, Tobler's fastest descent is faster than flat ground by tobler_time_factor(−0.05) — so the search
    // on that window (and three cells more for the knight's moves) gives the whole grid's times.
    const bool anisotropic = settings_.raster_anisotropic && raster_ != nullptr && !raster_->elevation_m.empty();
    // Bicycling on slopes (AccessMod's power balance) has no top speed downhill: the whole grid is the window.
    const bool bicycle = anisotropic && st.mode != TravelMode::kEbike && settings_.raster_bicycle.has_value();
    const double fastest = static_cast<double>(m.min_seconds_per_metre) * (anisotropic ? raster::tobler_time_factor(-0.05) : 1.0);
    const double reach_m = fastest > 0.0 && !bicycle ? limit_s / fastest : std::numeric_limits<double>::infinity();
    const auto col = static_cast<std::int64_t>(*cell % grid.cols);
    const auto row = static_cast<std::int64_t>(*cell / grid.cols);
    const double span = std::min(std::ceil(reach_m / grid.cell_size_m) + 3.0,
                                 static_cast<double>(std::max(grid.cols, grid.rows)));
    const auto reach_cells = static_cast<std::int64_t>(span);
    const std::int64_t c0 = std::max<std::int64_t>(0, col - reach_cells);
    const std::int64_t c1 = std::min<std::int64_t>(grid.cols - 1, col + reach_cells);
    const std::int64_t w0 = std::max<std::int64_t>(0, row - reach_cells);
    const std::int64_t w1 = std::min<std::int64_t>(grid.rows - 1, row + reach_cells);
    raster::FrictionSurface window;
    window.grid = grid;
    window.grid.cols = static_cast<std::uint32_t>(c1 - c0 + 1);
    window.grid.rows = static_cast<std::uint32_t>(w1 - w0 + 1);
    window.grid.origin_x_m = grid.origin_x_m + static_cast<double>(c0) * grid.cell_size_m;
    window.grid.origin_y_m = grid.origin_y_m - static_cast<double>(w0) * grid.cell_size_m;
    const std::size_t wc = window.grid.cell_count();
    window.seconds_per_metre.resize(wc);
    if (!m.friction.mode.empty()) window.mode.resize(wc);
    std::vector<float> elevation;
    if (anisotropic) elevation.resize(wc);
    for (std::int64_t r = w0; r <= w1; ++r)
      for (std::int64_t c = c0; c <= c1; ++c) {
        const std::size_t from = grid.index(static_cast<std::uint32_t>(c), static_cast<std::uint32_t>(r));
        const std::size_t to = window.grid.index(static_cast<std::uint32_t>(c - c0), static_cast<std::uint32_t>(r - w0));
        window.seconds_per_metre[to] = m.friction.seconds_per_metre[from];
        if (!window.mode.empty()) window.mode[to] = m.friction.mode[from];
        if (anisotropic) elevation[to] = raster_->elevation_m[from];
      }
    const raster::CostSource source{window.grid.index(static_cast<std::uint32_t>(col - c0), static_cast<std::uint32_t>(row - w0)), 0.0, f.id.value};
    raster::CostDistanceOptions options;
    options.neighbourhood = settings_.raster_neighbours == 8 ? raster::Neighbourhood::k8 : raster::Neighbourhood::k16;
    options.limit_s = limit_s;
    if (anisotropic) options.elevation_m = elevation;
    if (bicycle) options.bicycle = settings_.raster_bicycle;
    options.direction = st.direction == TripDirection::kFromFacility ? raster::TravelDirection::kFromSources
                                                                     : raster::TravelDirection::kTowardsSources;
    raster::CostDistanceResult r = raster::cost_distance(window, std::span(&source, 1), options, nullptr);
    for (auto& w : r.warnings) diag.add(std::move(w));
    for (std::int64_t rr = w0; rr <= w1; ++rr)
      for (std::int64_t c = c0; c <= c1; ++c) {
        const std::size_t g = grid.index(static_cast<std::uint32_t>(c), static_cast<std::uint32_t>(rr));
        const float t = r.field.minutes[window.grid.index(static_cast<std::uint32_t>(c - c0), static_cast<std::uint32_t>(rr - w0))];
        if (t != TravelTimeField::kUnreached && t <= limit && persons[g] > 0.0)
          cells.emplace_back(static_cast<std::uint32_t>(g), t);
      }
    return true;
  }

  // The straight-line estimate: the standard's own computation with the one facility.
  const Facility* one[] = {&f};
  StandardTravel t = compute_facilities(st, one, limit_min, diag, nullptr);
  for (std::size_t g = 0; g < t.field.minutes.size(); ++g) {
    const float m = t.field.minutes[g];
    if (m != TravelTimeField::kUnreached && m <= limit && persons[g] > 0.0) cells.emplace_back(static_cast<std::uint32_t>(g), m);
  }
  return true;
}

StandardTravel TravelModel::compute_estimate(const Standard& st, const std::vector<const Facility*>& chosen,
                                             double limit_s, ProgressSink* progress) {
  if (st.mode == TravelMode::kMixed)
    throw std::invalid_argument("standard " + st.id + ": a straight-line estimate has one speed, and mode mixed has two");
  StandardTravel out;
  ProgressStep step(progress, "travel times " + st.id + " (straight-line estimate)");
  const auto t0 = std::chrono::steady_clock::now();
  const EstimateSpeed& shipped = settings_.profile.estimate[mode_index(st.mode)];
  EstimateParameters p;
  p.circuity = st.circuity.value_or(shipped.circuity);
  p.speed_kmh = st.estimate_speed_kmh.value_or(shipped.speed_kmh);
  p.limit_min = limit_s / units::kSecPerMin;
  std::vector<double> xs, ys;
  std::vector<std::uint32_t> ids;
  for (const Facility* f : chosen) {
    xs.push_back(f->x_m);
    ys.push_back(f->y_m);
    ids.push_back(f->id.value);
    out.access.push_back({f->id.value, 0.0, 0.0, false, true});
  }
  out.field = estimate_travel_times(population_.grid, xs, ys, ids, p);
  out.circuity = p.circuity;
  out.estimate_speed_kmh = p.speed_kmh;
  out.timings_s["search"] = seconds_since(t0);
  return out;
}

}  // namespace carereach::analysis
