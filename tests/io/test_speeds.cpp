// Speed profiles in TOML: the shipped profile (compiled in from data/speeds.toml and listed in
// docs/method/speeds.md), a scenario's overrides, and every kind of mistake as a ScenarioError with key and line.

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include "core/error.hpp"
#include "io/speeds.hpp"

using namespace carereach;
namespace fs = std::filesystem;

namespace {

const fs::path kRepo = fs::path(CAREREACH_TEST_DATA).parent_path().parent_path();

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

double speed(const SpeedProfile& p, TravelMode m, RoadClass c) {
  return p.mode(m).speed_kmh[road_class_index(c)];
}

ScenarioError scenario_error(const std::function<void()>& f) {
  try {
    f();
  } catch (const ScenarioError& e) {
    return e;
  }
  FAIL("expected a ScenarioError");
  throw std::logic_error("unreachable");
}

// Applies a scenario's [travel] table (given as TOML text) to the shipped profile.
SpeedProfile with_travel(const std::string& text) {
  const toml::table root = toml::parse(std::string_view(text), std::string_view("scenario.toml"));
  SpeedProfile p = io::default_speed_profile();
  io::TomlTable top(root, "", "scenario.toml");
  if (auto travel = top.table("travel")) {
    io::apply_speed_overrides(p, *travel);
    travel->finish();
  }
  top.finish();
  return p;
}

std::vector<std::string> cells(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  std::string cell;
  std::getline(ss, cell, '|');
  while (std::getline(ss, cell, '|')) {
    const auto b = cell.find_first_not_of(' ');
    const auto e = cell.find_last_not_of(' ');
    out.push_back(b == std::string::npos ? "" : cell.substr(b, e - b + 1));
  }
  return out;
}

}  // namespace

TEST_CASE("speeds: the shipped profile", "[speeds]") {
  const SpeedProfile p = io::default_speed_profile();
  CHECK(p.source == "data/speeds.toml");
  CHECK(p.access_speed_kmh == 5.0);
  CHECK(p.max_access_distance_m == 1000.0);
  CHECK(speed(p, TravelMode::kWalk, RoadClass::kResidential) == 5.0);
  CHECK(speed(p, TravelMode::kWalk, RoadClass::kSteps) == 2.5);
  CHECK(speed(p, TravelMode::kBicycle, RoadClass::kPrimary) == 15.0);
  CHECK(speed(p, TravelMode::kEbike, RoadClass::kPrimary) == 20.0);
  CHECK(speed(p, TravelMode::kCar, RoadClass::kMotorway) == 100.0);
  CHECK(speed(p, TravelMode::kCar, RoadClass::kResidential) == 25.0);
  CHECK(p.mode(TravelMode::kCar).link_factor == 0.75);
  CHECK(p.mode(TravelMode::kCar).cap_at_maxspeed);
  CHECK_FALSE(p.mode(TravelMode::kWalk).cap_at_maxspeed);
  for (const TravelMode m : {TravelMode::kWalk, TravelMode::kBicycle, TravelMode::kEbike, TravelMode::kCar})
    for (std::size_t c = 0; c < kRoadClassCount; ++c) {
      INFO(to_string(m) << " " << road_class_name(road_class_at(c)));
      CHECK(p.mode(m).speed_kmh[c] > 0.0);
      CHECK(p.mode(m).speed_kmh[c] <= 200.0);
    }
}

TEST_CASE("speeds: the compiled-in profile is the current data/speeds.toml", "[speeds]") {
  const std::string text = read(kRepo / "data/speeds.toml");
  REQUIRE_FALSE(text.empty());
  const SpeedProfile from_file = io::parse_speed_profile(text, "data/speeds.toml");
  const SpeedProfile compiled = io::default_speed_profile();
  for (std::size_t m = 0; m < kTravelModeCount; ++m) {
    CHECK(from_file.modes[m].speed_kmh == compiled.modes[m].speed_kmh);
    CHECK(from_file.modes[m].link_factor == compiled.modes[m].link_factor);
    CHECK(from_file.modes[m].cap_at_maxspeed == compiled.modes[m].cap_at_maxspeed);
  }
  CHECK(from_file.access_speed_kmh == compiled.access_speed_kmh);
  CHECK(from_file.max_access_distance_m == compiled.max_access_distance_m);
}

TEST_CASE("speeds: docs/method/speeds.md lists exactly the shipped values", "[speeds][docs]") {
  std::ifstream in(kRepo / "docs/method/speeds.md");
  REQUIRE(in);
  const SpeedProfile p = io::default_speed_profile();
  const TravelMode columns[] = {TravelMode::kWalk, TravelMode::kBicycle, TravelMode::kEbike, TravelMode::kCar};
  std::size_t classes = 0;
  std::size_t keys = 0;
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("| `", 0) != 0) continue;
    const auto c = cells(line);
    const std::string key = c[0].substr(1, c[0].size() - 2);
    INFO(line);
    if (c.size() == 6) {  // class or per-mode key: walk, bicycle, ebike, car, source
      for (std::size_t i = 0; i < 4; ++i) {
        const ModeSpeeds& ms = p.mode(columns[i]);
        if (key == "link_factor") {
          CHECK(std::stod(c[i + 1]) == ms.link_factor);
        } else if (key == "cap_at_maxspeed") {
          CHECK(c[i + 1] == (ms.cap_at_maxspeed ? "true" : "false"));
        } else {
          const auto parsed = parse_road_class(key);
          REQUIRE(parsed);
          CHECK(std::stod(c[i + 1]) == ms.speed_kmh[road_class_index(parsed->road_class)]);
        }
      }
      if (key != "link_factor" && key != "cap_at_maxspeed")
        ++classes;
      else
        ++keys;
    } else if (c.size() == 4) {  // key, default, unit, source
      if (key == "access_speed_kmh")
        CHECK(std::stod(c[1]) == p.access_speed_kmh);
      else if (key == "max_access_distance_m")
        CHECK(std::stod(c[1]) == p.max_access_distance_m);
      else
        FAIL("unexpected key " << key);
      ++keys;
    }
  }
  CHECK(classes == kRoadClassCount);
  CHECK(keys == 4);
}

TEST_CASE("speeds: a scenario overrides any value and keeps the rest", "[speeds]") {
  const SpeedProfile p = with_travel(R"(
[travel]
access_speed_kmh = 4
max_access_distance_m = 500.0

[travel.speeds.car]
primary = 60
link_factor = 0.5
cap_at_maxspeed = false

[travel.speeds.walk]
steps = 2
)");
  const SpeedProfile d = io::default_speed_profile();
  CHECK(p.access_speed_kmh == 4.0);
  CHECK(p.max_access_distance_m == 500.0);
  CHECK(speed(p, TravelMode::kCar, RoadClass::kPrimary) == 60.0);
  CHECK(speed(p, TravelMode::kCar, RoadClass::kSecondary) == speed(d, TravelMode::kCar, RoadClass::kSecondary));
  CHECK(p.mode(TravelMode::kCar).link_factor == 0.5);
  CHECK_FALSE(p.mode(TravelMode::kCar).cap_at_maxspeed);
  CHECK(speed(p, TravelMode::kWalk, RoadClass::kSteps) == 2.0);
  CHECK(speed(p, TravelMode::kWalk, RoadClass::kFootway) == 5.0);
  CHECK(p.mode(TravelMode::kBicycle).speed_kmh == d.mode(TravelMode::kBicycle).speed_kmh);
  CHECK(p.source == "data/speeds.toml + scenario.toml");
  // No speed keys: nothing changes, not even the source.
  CHECK(with_travel("[travel]\n").source == "data/speeds.toml");
}

TEST_CASE("speeds: the TomlTable overload leaves other [travel] keys to the caller", "[speeds]") {
  const toml::table root = toml::parse("[travel]\ndirection = \"to_facility\"\naccess_speed_kmh = 4.5\n");
  io::TomlTable travel(*root["travel"].as_table(), "travel", "scenario.toml");
  SpeedProfile p = io::default_speed_profile();
  io::apply_speed_overrides(p, travel);
  CHECK(p.access_speed_kmh == 4.5);
  CHECK(travel.remaining() == std::vector<std::string>{"direction"});
  // The toml::table overload reads the whole table: the other key is an error there.
  const ScenarioError e =
      scenario_error([&] { io::apply_speed_overrides(p, *root["travel"].as_table(), "travel", "scenario.toml"); });
  CHECK(e.where().field == "travel.direction");
  CHECK(e.where().line == 2);
  CHECK_THAT(e.message(), Catch::Contains("unknown key"));
}

TEST_CASE("speeds: mistakes in overrides name the key and line", "[speeds]") {
  struct Case {
    std::string text;
    std::string key;
    int line;
    std::string message;
    std::string hint;
  };
  const Case cases[] = {
      {"[travel.speeds.bike]\nprimary = 10\n", "travel.speeds.bike", 1, "is not a travel mode", "walk, bicycle"},
      {"[travel.speeds.mixed]\nprimary = 10\n", "travel.speeds.mixed", 1, "has no speeds of its own", "car speeds"},
      {"[travel.speeds.car]\nprimay = 10\n", "travel.speeds.car.primay", 2, "is not a road class", "'primary'"},
      {"[travel.speeds.car]\nprimary_link = 40\n", "travel.speeds.car.primary_link", 2, "is not a class",
       "link_factor"},
      {"[travel.speeds.car]\nhighway = 40\n", "travel.speeds.car.highway", 2, "is not a road class", "motorway, trunk"},
      {"[travel.speeds.car]\n\nprimary = 0\n", "travel.speeds.car.primary", 3, "above 0 and at most 200 km/h, not 0",
       ""},
      {"[travel.speeds.car]\nprimary = -5\n", "travel.speeds.car.primary", 2, "not -5", ""},
      {"[travel.speeds.car]\nmotorway = 250\n", "travel.speeds.car.motorway", 2, "not 250", ""},
      {"[travel.speeds.car]\nprimary = \"fast\"\n", "travel.speeds.car.primary", 2, "must be a number", ""},
      {"[travel.speeds.car]\nlink_factor = 1.5\n", "travel.speeds.car.link_factor", 2, "at most 1, not 1.5", ""},
      {"[travel.speeds.car]\ncap_at_maxspeed = 1\n", "travel.speeds.car.cap_at_maxspeed", 2, "true or false", ""},
      {"[travel]\nspeeds = 5\n", "travel.speeds", 2, "must be a table", ""},
      {"[travel]\nspeeds.car = 5\n", "travel.speeds.car", 2, "must be a table", ""},
      {"[travel]\naccess_speed_kmh = 0\n", "travel.access_speed_kmh", 2, "not 0", ""},
      {"[travel]\nmax_access_distance_m = -1\n", "travel.max_access_distance_m", 2, "not -1", ""},
      {"[travel]\nmax_acess_distance_m = 10\n", "travel.max_acess_distance_m", 2, "unknown key",
       "'max_access_distance_m'"},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    const ScenarioError e = scenario_error([&] { with_travel(c.text); });
    CHECK(e.where().file == "scenario.toml");
    CHECK(e.where().field == c.key);
    CHECK(e.where().line == c.line);
    CHECK_THAT(e.message(), Catch::Contains(c.message));
    CHECK_THAT(e.hint(), Catch::Contains(c.hint));
  }
}

TEST_CASE("speeds: a profile file must be complete", "[speeds]") {
  std::string text = read(kRepo / "data/speeds.toml");
  REQUIRE_FALSE(text.empty());
  const auto without = [&](const std::string& line) {
    std::string t = text;
    const auto at = t.find(line);
    REQUIRE(at != std::string::npos);
    return t.erase(at, line.size());
  };
  const ScenarioError no_class =
      scenario_error([&] { io::parse_speed_profile(without("other = 25.0\n"), "my_speeds.toml"); });
  CHECK(no_class.where().file == "my_speeds.toml");
  CHECK(no_class.where().field == "speeds.car");
  CHECK(no_class.where().line > 0);
  CHECK_THAT(no_class.message(), Catch::Contains("no speed for class 'other'"));

  const ScenarioError no_access =
      scenario_error([&] { io::parse_speed_profile(without("access_speed_kmh = 5.0\n"), "my_speeds.toml"); });
  CHECK(no_access.where().field == "access_speed_kmh");
  CHECK_THAT(no_access.message(), Catch::Contains("is required"));

  const ScenarioError no_mode = scenario_error([&] {
    io::parse_speed_profile("access_speed_kmh = 5\nmax_access_distance_m = 900\n[speeds.walk]\nsteps = 2\n", "p.toml");
  });
  CHECK(no_mode.where().field == "speeds.walk");  // walk comes first: its classes are missing
  CHECK_THAT(no_mode.message(), Catch::Contains("no speed for class 'motorway'"));

  const ScenarioError bad_toml =
      scenario_error([&] { io::parse_speed_profile("access_speed_kmh = 5\n[speeds\n", "p.toml"); });
  CHECK(bad_toml.where().line == 2);
  CHECK_THAT(bad_toml.message(), Catch::Contains("not valid TOML"));
}

TEST_CASE("speeds: the straight-line estimate per mode, overridden like the speeds", "[speeds][estimate]") {
  const SpeedProfile d = io::default_speed_profile();
  for (const TravelMode m : {TravelMode::kWalk, TravelMode::kBicycle, TravelMode::kEbike, TravelMode::kCar}) {
    INFO(to_string(m));
    CHECK(d.estimate[mode_index(m)].speed_kmh > 0.0);
    CHECK(d.estimate[mode_index(m)].circuity >= 1.0);
  }
  const SpeedProfile p = with_travel("[travel.estimate.car]\nspeed_kmh = 40\n[travel.estimate.walk]\ncircuity = 1.5\n");
  CHECK(p.estimate[mode_index(TravelMode::kCar)].speed_kmh == 40.0);
  CHECK(p.estimate[mode_index(TravelMode::kCar)].circuity == d.estimate[mode_index(TravelMode::kCar)].circuity);
  CHECK(p.estimate[mode_index(TravelMode::kWalk)].circuity == 1.5);
  CHECK(p.estimate[mode_index(TravelMode::kWalk)].speed_kmh == d.estimate[mode_index(TravelMode::kWalk)].speed_kmh);
  CHECK(p.source == "data/speeds.toml + scenario.toml");

  struct Case {
    std::string text, key, message;
  };
  const Case cases[] = {
      {"[travel.estimate.mixed]\nspeed_kmh = 30\n", "travel.estimate.mixed", "has no straight-line estimate"},
      {"[travel.estimate.horse]\nspeed_kmh = 30\n", "travel.estimate.horse", "is not a travel mode"},
      {"[travel.estimate.car]\ncircuity = 0.8\n", "travel.estimate.car.circuity", "at least 1 and at most 5, not 0.8"},
      {"[travel.estimate.car]\nspeed_kmh = 0\n", "travel.estimate.car.speed_kmh", "above 0 and at most 200 km/h, not 0"},
      {"[travel.estimate.car]\nspeed = 30\n", "travel.estimate.car.speed", "is not a key of the estimate"},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    const ScenarioError e = scenario_error([&] { with_travel(c.text); });
    CHECK(e.where().field == c.key);
    CHECK_THAT(e.message(), Catch::Contains(c.message));
  }

  // A profile file without [estimate] tables keeps the shipped estimate; the shipped file must have them.
  std::string text = read(kRepo / "data/speeds.toml");
  const auto at = text.find("[estimate.walk]");
  REQUIRE(at != std::string::npos);
  const SpeedProfile file = io::parse_speed_profile(text.substr(0, at), "my_speeds.toml");
  CHECK(file.estimate[mode_index(TravelMode::kCar)].speed_kmh == d.estimate[mode_index(TravelMode::kCar)].speed_kmh);
  const ScenarioError shipped = scenario_error([&] { io::parse_speed_profile(text.substr(0, at), "data/speeds.toml"); });
  CHECK_THAT(shipped.message(), Catch::Contains("needs speed_kmh and circuity"));
}

TEST_CASE("speeds: docs/method/estimate.md lists exactly the shipped estimate", "[speeds][estimate][docs]") {
  // The table of defaults: | mode | speed_kmh | circuity | source |, the mode in backquotes.
  std::ifstream in(kRepo / "docs/method/estimate.md");
  REQUIRE(in);
  const SpeedProfile p = io::default_speed_profile();
  std::size_t rows = 0;
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("| `", 0) != 0) continue;
    const auto c = cells(line);
    const auto mode = parse_travel_mode(c[0].substr(1, c[0].size() - 2));
    if (!mode || c.size() != 4) continue;
    INFO(line);
    CHECK(std::stod(c[1]) == p.estimate[mode_index(*mode)].speed_kmh);
    CHECK(std::stod(c[2]) == p.estimate[mode_index(*mode)].circuity);
    ++rows;
  }
  CHECK(rows == 4);
}
