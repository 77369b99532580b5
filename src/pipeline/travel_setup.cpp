#include "pipeline/travel_setup.hpp"

#include <algorithm>
#include <array>
#include <cstdio>

#include "core/error.hpp"
#include "raster/friction.hpp"
#include "report/writers.hpp"

namespace carereach::pipeline {

analysis::TravelSettings travel_settings(const io::Scenario& scenario) {
  analysis::TravelSettings s;
  s.profile = scenario.travel.profile;
  s.connectors_per_cell = scenario.travel.connectors_per_cell;
  s.snap_to_nodes = scenario.travel.snap == io::SnapRule::kNode;
  s.search_limit_min = scenario.travel.search_limit_min;
  s.raster_neighbours = scenario.raster.neighbours;
  s.raster_anisotropic = scenario.raster.anisotropic;
  s.raster_burn_roads = scenario.raster.burn_roads;
  for (std::size_t c = 0; c < kRoadClassCount; ++c)
    if (!scenario.raster.road_modes[c].empty()) s.raster_road_modes[c] = raster::parse_speed_mode(scenario.raster.road_modes[c]);
  s.raster_no_land_cover_default_speed = scenario.raster.no_land_cover_default_speed;
  s.raster_default_speed_kmh = scenario.raster.default_speed_kmh;
  s.raster_bicycle = scenario.raster.bicycle;
  return s;
}

analysis::TravelModel make_travel_model(const io::LoadedScenario& loaded) {
  if (!loaded.population)
    throw ScenarioError("travel times need a population surface (its grid holds the times)",
                        Location{loaded.scenario.file.string(), {}, {}, "population", 0},
                        "add a [population] table (docs/scenario.md)");
  return analysis::TravelModel(loaded.roads ? &*loaded.roads : nullptr, loaded.population->surface,
                               loaded.raster ? &*loaded.raster : nullptr, travel_settings(loaded.scenario));
}

analysis::NotComputed why_not_computable(const io::LoadedScenario& loaded, const Standard& standard) {
  analysis::NotComputed out;
  if (!standard.threshold_min) {
    out.en = "a distance standard: evaluated with coverage, not as a travel time";
    out.zh = "距离标准：按直线距离评估覆盖，不计算出行时间";
    out.hint = "distance standards are evaluated by `carereach run`";
    return out;
  }
  if (standard.engine == TravelEngine::kNetwork && !loaded.roads && loaded.scenario.roads) {
    // The scenario names roads, but loading stopped before them (an error above, e.g. a run too large to fit).
    out.en = "the network engine needs roads, and the scenario's [roads] were not loaded (see the error above)";
    out.zh = "路网法需要道路数据，情景中的道路（[roads]）未能读入（见上方的错误）";
    out.hint = "mend the error that stopped the loading";
    return out;
  }
  if (standard.engine == TravelEngine::kNetwork && !loaded.roads) {
    out.en = "the network engine needs roads, and the scenario has no [roads]";
    out.zh = "路网法需要道路数据，情景中没有道路（[roads]）";
    out.hint = "add a [roads] source, or set engine = \"estimate\" for this standard (a straight-line estimate, "
               "docs/method/estimate.md)";
    return out;
  }
  if (standard.engine == TravelEngine::kRaster) {
    const std::size_t cells = loaded.grid ? loaded.grid->cell_count() : 0;
    return analysis::raster_sources(loaded.roads ? &*loaded.roads : nullptr, loaded.raster ? &*loaded.raster : nullptr,
                                    cells, standard.mode, travel_settings(loaded.scenario))
        .missing;
  }
  return out;
}

namespace {

std::string number_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

std::string count_text(std::size_t n) {
  std::string digits = std::to_string(n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

/// "motorway 100, primary 55 …" for the classes the roads hold (every class without roads).
std::string class_speeds(const io::LoadedScenario& loaded, const SpeedProfile& profile, TravelMode mode) {
  std::array<double, kRoadClassCount> length{};
  if (loaded.roads) length = summarise(*loaded.roads).length_km_by_class;
  const bool any = std::any_of(length.begin(), length.end(), [](double v) { return v > 0; });
  std::string out;
  for (std::size_t c = 0; c < kRoadClassCount; ++c) {
    if (any && !(length[c] > 0)) continue;
    out += (out.empty() ? "" : ", ") + std::string(road_class_name(road_class_at(c))) + " " +
           number_text(profile.mode(mode).speed_kmh[c]);
  }
  return out;
}

}  // namespace

std::string estimate_label(const Standard& standard, bool chinese) {
  if (standard.engine != TravelEngine::kEstimate || !standard.circuity || !standard.estimate_speed_kmh) return {};
  return chinese ? estimate_label_zh(standard.mode, *standard.circuity, *standard.estimate_speed_kmh)
                 : estimate_label_en(standard.mode, *standard.circuity, *standard.estimate_speed_kmh);
}

std::vector<std::string> standard_plan(const io::LoadedScenario& loaded, const Standard& standard) {
  std::vector<std::string> out;
  if (!standard.threshold_min) {
    out.push_back("computed 计算: straight-line distance 直线距离 from each cell to the nearest facility (a distance "
                  "standard: no roads, no travel time)");
    return out;
  }
  if (const analysis::NotComputed why = why_not_computable(loaded, standard); !why.empty()) {
    out.push_back("not computed 未计算: " + why.en);
    out.push_back("  " + why.zh);
    out.push_back("hint: " + why.hint);
    return out;
  }
  const analysis::TravelSettings settings = travel_settings(loaded.scenario);
  const SpeedProfile& profile = settings.profile;
  switch (standard.engine) {
    case TravelEngine::kNetwork: {
      out.push_back("computed 计算: road network 路网法, shortest time by " + std::string(to_string(standard.mode)) + " " +
                    to_label_zh(standard.mode));
      const std::vector<TravelMode> modes = standard.mode == TravelMode::kMixed
                                                ? std::vector<TravelMode>{TravelMode::kCar, TravelMode::kWalk}
                                                : std::vector<TravelMode>{standard.mode};
      for (const TravelMode m : modes)
        out.push_back(std::string(to_string(m)) + " speeds 速度 (km/h, " + profile.source + "): " +
                      class_speeds(loaded, profile, m));
      out.push_back("off the roads 道路以外: walking " + number_text(profile.access_speed_kmh) +
                    " km/h, cells farther than " + number_text(profile.max_access_distance_m) +
                    " m from a usable road are not reached");
      break;
    }
    case TravelEngine::kRaster: {
      const std::size_t cells = loaded.grid ? loaded.grid->cell_count() : 0;
      const analysis::RasterSources src = analysis::raster_sources(
          loaded.roads ? &*loaded.roads : nullptr, loaded.raster ? &*loaded.raster : nullptr, cells, standard.mode, settings);
      out.push_back("computed 计算: raster cost distance 栅格成本距离法 by " + std::string(to_string(standard.mode)) + " " +
                    to_label_zh(standard.mode) + " (" + raster::to_string(src.raster_mode) + ")");
      if (standard.direction == TripDirection::kFromFacility)
        out.push_back("direction 方向: from the facilities 自机构出发 (outreach; slopes taken in that direction)");
      if (src.roads && src.burn_roads && src.road_ways > 0)
        out.push_back("roads 道路: " + count_text(src.road_ways) + " ways burned in at the " + to_string(standard.mode) +
                      " speeds (km/h): " + class_speeds(loaded, profile, standard.mode == TravelMode::kMixed ? TravelMode::kCar : standard.mode));
      else
        out.push_back(std::string("roads 道路: none burned in") + (!src.roads ? " (no [roads])" : !src.burn_roads ? " (burn_roads = false)" : " (none usable by the mode)"));
      if (src.friction_cells > 0)
        out.push_back("friction surface 摩擦面: " + count_text(src.friction_cells) +
                      " cells at their seconds per metre ([raster.friction]), in the mode of the standard");
      else if (src.land_cover)
        out.push_back("land cover 土地覆盖: " + count_text(src.own_class_cells) + " cells of " +
                      raster::to_string(src.raster_mode) + " classes at their speed; " + count_text(src.slower_class_cells) +
                      " cells of slower classes (the walk to the vehicle); " + count_text(src.slowed_class_cells) +
                      " cells of faster classes crossed at the mode's own speed");
      else
        out.push_back("land cover 土地覆盖: none");
      if (src.no_land_cover_cells > 0)
        out.push_back("cells without land cover 无土地覆盖的格网: " + count_text(src.no_land_cover_cells) +
                      (src.default_speed ? ", walked at " + number_text(src.default_speed_kmh) +
                                               " km/h (no_land_cover = \"default_speed\")"
                                         : ", impassable (no_land_cover = \"impassable\")"));
      break;
    }
    case TravelEngine::kEstimate:
      out.push_back("computed 计算: " + estimate_label(standard, false) + " / " + estimate_label(standard, true));
      out.push_back("no roads are used 不使用道路: minutes = straight-line distance × " +
                    number_text(standard.circuity.value_or(0)) + " ÷ " +
                    number_text(standard.estimate_speed_kmh.value_or(0)) + " km/h (docs/method/estimate.md)");
      break;
  }
  return out;
}

std::map<std::string, std::string> raster_metadata(const io::LoadedScenario& loaded, const Standard& standard,
                                                   const analysis::StandardTravel& travel) {
  auto number = [](double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return std::string(buf);
  };
  std::map<std::string, std::string> m;
  m["CAREREACH_SCENARIO"] = loaded.scenario.info.name;
  m["CAREREACH_STANDARD"] = standard.id;
  m["CAREREACH_STANDARD_NAME_ZH"] = standard.name_zh;
  m["CAREREACH_STANDARD_NAME_EN"] = standard.name_en;
  m["CAREREACH_MODE"] = to_string(standard.mode);
  m["CAREREACH_ENGINE"] = to_string(standard.engine);
  m["CAREREACH_DIRECTION"] = to_string(standard.direction);
  if (standard.engine == TravelEngine::kEstimate) {
    // A straight-line estimate says so wherever the raster goes.
    m["CAREREACH_CIRCUITY"] = number(travel.circuity);
    m["CAREREACH_ESTIMATE_SPEED_KMH"] = number(travel.estimate_speed_kmh);
    m["CAREREACH_METHOD_ZH"] = estimate_label_zh(standard.mode, travel.circuity, travel.estimate_speed_kmh);
    m["CAREREACH_METHOD_EN"] = estimate_label_en(standard.mode, travel.circuity, travel.estimate_speed_kmh);
  }
  if (standard.threshold_min) m["CAREREACH_THRESHOLD_MIN"] = number(*standard.threshold_min);
  m["CAREREACH_SEARCH_LIMIT_MIN"] = number(travel.limit_min);
  m["CAREREACH_FACILITIES"] = std::to_string(travel.facilities_used);
  m["CAREREACH_UNITS"] = "minutes";
  return m;
}

Reach population_within(const PopulationGrid& population, const TravelTimeField& field, double threshold_min) {
  Reach r;
  for (std::size_t i = 0; i < population.persons.size(); ++i) {
    const double p = population.persons[i];
    if (p <= 0) continue;
    r.persons_total += p;
    if (field.reached(i) && field.minutes[i] <= threshold_min) r.persons_within += p;
  }
  return r;
}

nlohmann::ordered_json travel_settings_json(const analysis::TravelSettings& settings, const io::Scenario& scenario) {
  nlohmann::ordered_json j;
  j["speed_profile"] = settings.profile.source;
  j["access_speed_kmh"] = settings.profile.access_speed_kmh;
  j["max_access_distance_m"] = settings.profile.max_access_distance_m;
  j["connectors_per_cell"] = settings.connectors_per_cell;
  j["snap"] = settings.snap_to_nodes ? "node" : "edge";
  j["search_limit_min"] = settings.search_limit_min;
  nlohmann::ordered_json raster;
  raster["neighbours"] = settings.raster_neighbours;
  raster["anisotropic"] = settings.raster_anisotropic;
  raster["burn_roads"] = settings.raster_burn_roads;
  raster["no_land_cover"] = settings.raster_no_land_cover_default_speed ? "default_speed" : "impassable";
  raster["default_speed_kmh"] = settings.raster_default_speed_kmh;
  raster["land_cover_classes"] = scenario.raster.classes.size();
  nlohmann::ordered_json road_modes = nlohmann::ordered_json::object();
  for (std::size_t c = 0; c < kRoadClassCount; ++c)
    if (const auto& m = settings.raster_road_modes[c]) road_modes[std::string(road_class_name(road_class_at(c)))] = raster::to_string(*m);
  if (!road_modes.empty()) raster["road_modes"] = road_modes;
  j["raster"] = raster;
  nlohmann::ordered_json speeds;
  for (TravelMode m : {TravelMode::kWalk, TravelMode::kBicycle, TravelMode::kEbike, TravelMode::kCar}) {
    nlohmann::ordered_json mode;
    for (std::size_t c = 0; c < kRoadClassCount; ++c)
      mode[std::string(road_class_name(road_class_at(c)))] = settings.profile.mode(m).speed_kmh[c];
    mode["link_factor"] = settings.profile.mode(m).link_factor;
    mode["cap_at_maxspeed"] = settings.profile.mode(m).cap_at_maxspeed;
    speeds[to_string(m)] = mode;
  }
  j["speeds_kmh"] = speeds;
  nlohmann::ordered_json estimate;
  for (TravelMode m : {TravelMode::kWalk, TravelMode::kBicycle, TravelMode::kEbike, TravelMode::kCar}) {
    nlohmann::ordered_json mode;
    mode["speed_kmh"] = settings.profile.estimate[mode_index(m)].speed_kmh;
    mode["circuity"] = settings.profile.estimate[mode_index(m)].circuity;
    estimate[to_string(m)] = mode;
  }
  j["estimate"] = estimate;
  return j;
}

}  // namespace carereach::pipeline
