#include "cli/travel_setup.hpp"

#include <cstdio>

#include "core/error.hpp"
#include "report/writers.hpp"

namespace carereach::cli {

analysis::TravelSettings travel_settings(const io::Scenario& scenario) {
  analysis::TravelSettings s;
  s.profile = scenario.travel.profile;
  s.connectors_per_cell = scenario.travel.connectors_per_cell;
  s.snap_to_nodes = scenario.travel.snap == io::SnapRule::kNode;
  s.search_limit_min = scenario.travel.search_limit_min;
  s.raster_neighbours = scenario.raster.neighbours;
  s.raster_anisotropic = scenario.raster.anisotropic;
  s.raster_burn_roads = scenario.raster.burn_roads;
  s.raster_default_speed_kmh = scenario.raster.default_speed_kmh;
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

std::string why_not_computable(const io::LoadedScenario& loaded, const Standard& standard) {
  if (!standard.threshold_min) return "a distance standard: evaluated with coverage, not as a travel time";
  if (standard.engine == TravelEngine::kNetwork && !loaded.roads)
    return "the network engine needs roads, and the scenario has no [roads]";
  return {};
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
  raster["default_speed_kmh"] = settings.raster_default_speed_kmh;
  raster["land_cover_classes"] = scenario.raster.classes.size();
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
  return j;
}

}  // namespace carereach::cli
