#include "io/speeds.hpp"

#include <array>
#include <cmath>
#include <limits>
#include <sstream>

#include "core/error.hpp"
#include "io/speeds_toml.hpp"  // generated from data/speeds.toml (src/io/CMakeLists.txt)

namespace carereach::io {

namespace {

constexpr double kMaxSpeedKmh = 200.0;
constexpr double kMaxAccessDistanceM = 100000.0;
constexpr double kMaxCircuity = 5.0;
constexpr const char* kShippedFile = "data/speeds.toml";
constexpr std::array<TravelMode, 4> kModesWithSpeeds{TravelMode::kWalk, TravelMode::kBicycle, TravelMode::kEbike,
                                                     TravelMode::kCar};
constexpr const char* kModesHint = "the modes with speeds are walk, bicycle, ebike and car";
constexpr const char* kMixedHint =
    "mode mixed drives at the car speeds where cars may go and walks at the walk speeds elsewhere: set "
    "[travel.speeds.car] and [travel.speeds.walk] instead";

std::string number_text(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

std::string class_names() {
  std::string out;
  for (std::size_t c = 0; c < kRoadClassCount; ++c)
    out += (c == 0 ? "" : ", ") + std::string(road_class_name(road_class_at(c)));
  return out;
}

double checked_speed(TomlTable& t, const std::string& key) {
  const double v = *t.number(key);
  if (!(v > 0.0) || v > kMaxSpeedKmh)
    t.fail(key, "must be a speed above 0 and at most " + number_text(kMaxSpeedKmh) + " km/h, not " + number_text(v),
           "speeds are km/h; a mode may not use a class when the roads' access says so (docs/method/speeds.md)");
  return v;
}

[[noreturn]] void unknown_mode_key(TomlTable& t, const std::string& key) {
  // A *_link value: links have no speed of their own.
  const auto parsed = parse_road_class(key);
  if (parsed && parsed->link)
    t.fail(key, "is not a class of the speed profile",
           "*_link ways run at link_factor × the speed of their class (" +
               std::string(road_class_name(parsed->road_class)) + "): set link_factor");
  std::string best;
  std::size_t best_distance = 3;
  const auto consider = [&](const std::string& candidate) {
    const std::size_t d = edit_distance(key, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  };
  for (std::size_t c = 0; c < kRoadClassCount; ++c) consider(std::string(road_class_name(road_class_at(c))));
  consider("link_factor");
  consider("cap_at_maxspeed");
  t.fail(key, "is not a road class or key of the speed profile",
         best.empty() ? "the keys are link_factor, cap_at_maxspeed and the classes " + class_names()
                      : "did you mean '" + best + "'?");
}

void apply_mode(ModeSpeeds& speeds, TomlTable& t) {
  if (const auto v = t.number("link_factor")) {
    if (!(*v > 0.0) || *v > 1.0)
      t.fail("link_factor", "must be above 0 and at most 1, not " + number_text(*v),
             "a *_link way (ramp, 匝道) runs at link_factor × the speed of its class");
    speeds.link_factor = *v;
  }
  speeds.cap_at_maxspeed = t.boolean("cap_at_maxspeed", speeds.cap_at_maxspeed);
  for (std::size_t c = 0; c < kRoadClassCount; ++c) {
    const std::string name(road_class_name(road_class_at(c)));
    if (t.has(name)) speeds.speed_kmh[c] = checked_speed(t, name);
  }
  for (const std::string& key : t.remaining()) unknown_mode_key(t, key);
}

/// [estimate.<mode>]: speed_kmh and circuity, any of them.
void apply_estimate(EstimateSpeed& estimate, TomlTable& t) {
  if (const auto v = t.number("speed_kmh")) {
    if (!(*v > 0.0) || *v > kMaxSpeedKmh)
      t.fail("speed_kmh", "must be a speed above 0 and at most " + number_text(kMaxSpeedKmh) + " km/h, not " + number_text(*v),
             "the average speed of a whole trip by the mode, e.g. 35 for cars on county roads");
    estimate.speed_kmh = *v;
  }
  if (const auto v = t.number("circuity")) {
    if (!(*v >= 1.0) || *v > kMaxCircuity)
      t.fail("circuity", "must be at least 1 and at most " + number_text(kMaxCircuity) + ", not " + number_text(*v),
             "road distance ÷ straight-line distance: 1.2–1.4 on dense road networks, more in hills "
             "(docs/method/estimate.md)");
    estimate.circuity = *v;
  }
  for (const std::string& key : t.remaining())
    t.fail(key, "is not a key of the estimate", "the keys of [estimate.<mode>] are speed_kmh and circuity");
}

}  // namespace

void apply_speed_overrides(SpeedProfile& profile, TomlTable& travel) {
  bool changed = false;
  if (const auto v = travel.number("access_speed_kmh")) {
    if (!(*v > 0.0) || *v > kMaxSpeedKmh)
      travel.fail("access_speed_kmh",
                  "must be a speed above 0 and at most " + number_text(kMaxSpeedKmh) + " km/h, not " + number_text(*v),
                  "the walking speed off the network, e.g. 5");
    profile.access_speed_kmh = *v;
    changed = true;
  }
  if (const auto v = travel.number("max_access_distance_m")) {
    if (!(*v > 0.0) || *v > kMaxAccessDistanceM)
      travel.fail(
          "max_access_distance_m",
          "must be a distance above 0 and at most " + number_text(kMaxAccessDistanceM) + " m, not " + number_text(*v),
          "metres from a cell to the nearest road it may walk to, e.g. 1000");
    profile.max_access_distance_m = *v;
    changed = true;
  }
  if (auto speeds = travel.table("speeds")) {
    for (const std::string& key : speeds->remaining()) {
      if (key == "mixed") speeds->fail(key, "has no speeds of its own", kMixedHint);
      const auto mode = parse_travel_mode(key);
      if (!mode) speeds->fail(key, "is not a travel mode", kModesHint);
      auto table = speeds->table(key);
      apply_mode(profile.mode(*mode), *table);
      changed = true;
    }
    speeds->finish();
  }
  if (auto estimate = travel.table("estimate")) {
    for (const std::string& key : estimate->remaining()) {
      if (key == "mixed")
        estimate->fail(key, "has no straight-line estimate",
                       "a straight-line estimate has one speed: use mode car (or walk) for such a standard");
      const auto mode = parse_travel_mode(key);
      if (!mode) estimate->fail(key, "is not a travel mode", kModesHint);
      auto table = estimate->table(key);
      apply_estimate(profile.estimate[mode_index(*mode)], *table);
      table->finish();
      changed = true;
    }
    estimate->finish();
  }
  if (changed) {
    const std::string file = travel.where().file;
    profile.source = profile.source.empty() ? file : profile.source + " + " + file;
  }
}

void apply_speed_overrides(SpeedProfile& profile, const toml::table& travel, const std::string& key_path,
                           const std::string& file) {
  TomlTable t(travel, key_path, file);
  apply_speed_overrides(profile, t);
  t.finish();
}

SpeedProfile parse_speed_profile(const std::string& toml_text, const std::string& file_for_messages) {
  toml::table root;
  try {
    root = toml::parse(toml_text, file_for_messages);
  } catch (const toml::parse_error& e) {
    Location at;
    at.file = file_for_messages;
    at.line = static_cast<int>(e.source().begin.line);
    throw ScenarioError("is not valid TOML: " + std::string(e.description()) + " (column " +
                            std::to_string(e.source().begin.column) + ")",
                        at);
  }
  // Start from "not given" so that missing values can be named; link_factor and cap_at_maxspeed have defaults.
  constexpr double kUnset = std::numeric_limits<double>::quiet_NaN();
  SpeedProfile p;
  for (const TravelMode m : kModesWithSpeeds) {
    p.mode(m).speed_kmh.fill(kUnset);
    p.estimate[mode_index(m)] = {kUnset, kUnset};
  }
  p.access_speed_kmh = kUnset;
  p.max_access_distance_m = kUnset;
  p.source.clear();
  TomlTable top(root, "", file_for_messages);
  apply_speed_overrides(p, top);
  top.finish();

  const auto missing = [&](const std::string& key, const std::string& what, const std::string& hint) {
    Location at;
    at.file = file_for_messages;
    at.field = key;
    const toml::node* n = root.at_path(key).node();
    at.line = n != nullptr ? static_cast<int>(n->source().begin.line) : 0;
    throw ScenarioError(what, at, hint);
  };
  if (std::isnan(p.access_speed_kmh)) missing("access_speed_kmh", "is required", "e.g. access_speed_kmh = 5.0");
  if (std::isnan(p.max_access_distance_m))
    missing("max_access_distance_m", "is required", "e.g. max_access_distance_m = 1000.0");
  for (const TravelMode m : kModesWithSpeeds) {
    const std::string key = std::string("speeds.") + to_string(m);
    if (!root.at_path(key))
      missing(key, "is required", "add a [" + key + "] table with a speed for every class: " + class_names());
    for (std::size_t c = 0; c < kRoadClassCount; ++c)
      if (std::isnan(p.mode(m).speed_kmh[c]))
        missing(key, "has no speed for class '" + std::string(road_class_name(road_class_at(c))) + "'",
                "a profile file gives every class a speed: " + class_names());
  }
  // The estimate of a mode is optional in a profile file: what it does not give is the shipped value (the shipped
  // file itself gives every one).
  for (const TravelMode m : kModesWithSpeeds) {
    EstimateSpeed& e = p.estimate[mode_index(m)];
    if (!std::isnan(e.speed_kmh) && !std::isnan(e.circuity)) continue;
    const std::string key = std::string("estimate.") + to_string(m);
    if (file_for_messages == kShippedFile)
      missing(key, "needs speed_kmh and circuity", "the shipped profile gives the estimate of every mode");
    const EstimateSpeed shipped = default_speed_profile().estimate[mode_index(m)];
    if (std::isnan(e.speed_kmh)) e.speed_kmh = shipped.speed_kmh;
    if (std::isnan(e.circuity)) e.circuity = shipped.circuity;
  }
  p.source = file_for_messages;
  return p;
}

SpeedProfile default_speed_profile() {
  static const SpeedProfile shipped = parse_speed_profile(embedded::kSpeedsToml, kShippedFile);
  return shipped;
}

}  // namespace carereach::io
