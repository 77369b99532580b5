// Friction surfaces from land cover, a speed table, roads and barriers.

#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "raster/friction.hpp"
#include "raster/raster_test_support.hpp"

using namespace carereach;
using namespace carereach::raster;
using carereach::raster::test::make_grid;

namespace {

// AccessMod-style scenario table.
const std::vector<SpeedClass> kTable = {
    {1, "built-up", 5.0, SpeedMode::kWalking}, {2, "cropland", 4.0, SpeedMode::kWalking},
    {3, "forest", 2.0, SpeedMode::kWalking},   {4, "water", 0.0, SpeedMode::kWalking},
    {5, "ferry", 20.0, SpeedMode::kMotorized},
};
constexpr std::int32_t kNoData = -9999;

}  // namespace

TEST_CASE("speed modes are AccessMod's names", "[raster][friction]") {
  CHECK(std::string(to_string(SpeedMode::kMotorized)) == "MOTORIZED");
  CHECK(parse_speed_mode("walking") == SpeedMode::kWalking);
  CHECK(parse_speed_mode("BICYCLING") == SpeedMode::kBicycling);
  CHECK(parse_speed_mode("Motorised") == SpeedMode::kMotorized);
  CHECK_FALSE(parse_speed_mode("car").has_value());
}

TEST_CASE("friction is 3.6 / speed seconds per metre; speed 0 is impassable", "[raster][friction]") {
  CHECK(friction_at_speed(5.0) == Approx(0.72));
  CHECK(friction_at_speed(100.0) == Approx(0.036));
  CHECK(friction_at_speed(0.0) == FrictionSurface::kImpassable);
  CHECK(friction_at_speed(-3.0) == FrictionSurface::kImpassable);
}

TEST_CASE("land cover, roads, barriers and no-data each give their cell's speed", "[raster][friction]") {
  // 4 × 2 grid:
  //   row 0: built-up | cropland + road 60 km/h | water + road 40 (bridge) | class 77 (not in the table)
  //   row 1: forest + barrier | no-data | ferry | water + barrier + road 30
  const std::vector<std::int32_t> lc = {1, 2, 4, 77, 3, kNoData, 5, 4};
  const std::vector<float> road = {0, 60, 40, 0, 0, 0, 0, 30};
  const std::vector<std::uint8_t> barrier = {0, 0, 0, 0, 1, 0, 0, 1};
  FrictionInputs in;
  in.grid = make_grid(4, 2, 100.0);
  in.land_cover = lc;
  in.land_cover_nodata = kNoData;
  in.speed_table = kTable;
  in.road_speed_kmh = road;
  in.barrier = barrier;
  in.no_land_cover_default_speed = true;  // the no-data cell is walked (the default makes it impassable: below)
  const FrictionResult r = build_friction(in);
  const auto& f = r.surface.seconds_per_metre;
  CHECK(f[0] == Approx(3.6 / 5.0));
  CHECK(f[1] == Approx(3.6 / 60.0));
  CHECK(r.surface.mode[1] == SpeedMode::kMotorized);
  CHECK(f[2] == Approx(3.6 / 40.0));  // the road crosses the water
  CHECK(f[3] == FrictionSurface::kImpassable);
  CHECK(f[4] == FrictionSurface::kImpassable);  // barrier
  CHECK(f[5] == Approx(3.6 / 5.0));             // no land cover: walking 5 km/h
  CHECK(r.surface.mode[5] == SpeedMode::kWalking);
  CHECK(f[6] == Approx(3.6 / 20.0));
  CHECK(r.surface.mode[6] == SpeedMode::kMotorized);
  CHECK(f[7] == Approx(3.6 / 30.0));  // a road across a barrier (bridge)
  CHECK(r.stats.road_cells == 3);
  CHECK(r.stats.barrier_cells == 1);
  CHECK(r.stats.land_cover_cells == 2);
  CHECK(r.stats.default_cells == 1);
  CHECK(r.stats.unknown_class_cells == 1);
  CHECK(r.stats.impassable_class_cells == 0);
  CHECK(r.stats.passable_cells == 6);
  // A motorised traveller (the default): roads and the ferry are its speed sources, the walking classes and the
  // walked no-data cell are not.
  CHECK(r.stats.source_cells == 4);
  REQUIRE(r.warnings.size() == 2);
  CHECK(r.warnings[0].code == "raster.land_cover_class_unknown");
  CHECK(r.warnings[0].message.find("77") != std::string::npos);
  CHECK(r.warnings[1].code == "raster.no_land_cover");

  in.roads_cross_barriers = false;
  const FrictionResult strict = build_friction(in);
  CHECK(strict.surface.seconds_per_metre[7] == FrictionSurface::kImpassable);
  CHECK(strict.surface.seconds_per_metre[2] == Approx(3.6 / 40.0));  // water is not a barrier
  CHECK(strict.stats.barrier_cells == 2);
}

TEST_CASE("a class with speed 0 is impassable", "[raster][friction]") {
  const std::vector<std::int32_t> lc = {4, 1};
  FrictionInputs in;
  in.grid = make_grid(2, 1, 100.0);
  in.land_cover = lc;
  in.speed_table = kTable;
  const FrictionResult r = build_friction(in);
  CHECK(r.surface.seconds_per_metre[0] == FrictionSurface::kImpassable);
  CHECK(r.stats.impassable_class_cells == 1);
  CHECK(r.warnings.empty());
}

TEST_CASE("without land cover every cell walks at the default speed when the scenario opts in", "[raster][friction]") {
  FrictionInputs in;
  in.grid = make_grid(3, 3, 100.0);
  in.default_speed_kmh = 4.0;
  in.no_land_cover_default_speed = true;
  const FrictionResult r = build_friction(in);
  for (const float f : r.surface.seconds_per_metre) CHECK(f == Approx(0.9));
  CHECK(r.stats.default_cells == 9);
  CHECK(r.stats.no_land_cover_cells == 9);
  // Walking cells: a source for a walker only.
  CHECK(r.stats.source_cells == 0);
  in.travel_mode = SpeedMode::kWalking;
  CHECK(build_friction(in).stats.source_cells == 9);
}

TEST_CASE("cells without land cover are impassable unless the scenario opts in, and are counted with their people",
          "[raster][friction]") {
  // 3 × 1: cropland | no-data (12 persons) | outside the land cover (no-data too, 0 persons); a road in no cell.
  const std::vector<std::int32_t> lc = {2, kNoData, kNoData};
  const std::vector<double> persons = {5.0, 12.0, 0.0};
  FrictionInputs in;
  in.grid = make_grid(3, 1, 100.0);
  in.land_cover = lc;
  in.land_cover_nodata = kNoData;
  in.speed_table = kTable;
  in.persons = persons;
  in.travel_mode = SpeedMode::kWalking;

  const FrictionResult closed = build_friction(in);
  CHECK(closed.surface.seconds_per_metre[0] == Approx(3.6 / 4.0));
  CHECK(closed.surface.seconds_per_metre[1] == FrictionSurface::kImpassable);
  CHECK(closed.surface.seconds_per_metre[2] == FrictionSurface::kImpassable);
  CHECK(closed.stats.no_land_cover_cells == 2);
  CHECK(closed.stats.no_land_cover_populated_cells == 1);
  CHECK(closed.stats.no_land_cover_persons == 12.0);
  CHECK(closed.stats.default_cells == 0);
  CHECK(closed.stats.passable_cells == 1);
  REQUIRE(closed.warnings.size() == 1);
  CHECK(closed.warnings[0].code == "raster.no_land_cover");
  CHECK(closed.warnings[0].message.find("2 cells") != std::string::npos);
  CHECK(closed.warnings[0].message.find("12 persons") != std::string::npos);
  CHECK(closed.warnings[0].message.find("cannot be crossed") != std::string::npos);
  CHECK(closed.warnings[0].hint.find("no_land_cover = \"default_speed\"") != std::string::npos);

  in.no_land_cover_default_speed = true;
  in.default_speed_kmh = 3.0;
  const FrictionResult open = build_friction(in);
  CHECK(open.surface.seconds_per_metre[1] == Approx(3.6 / 3.0));
  CHECK(open.surface.mode[1] == SpeedMode::kWalking);
  CHECK(open.stats.default_cells == 2);
  CHECK(open.stats.no_land_cover_cells == 2);
  REQUIRE(open.warnings.size() == 1);
  CHECK(open.warnings[0].message.find("walked at 3 km/h") != std::string::npos);

  // Roads and barriers come first: a road cell or a barrier cell without land cover is not counted.
  const std::vector<float> road = {0, 40, 0};
  const std::vector<std::uint8_t> barrier = {0, 0, 1};
  in.road_speed_kmh = road;
  in.barrier = barrier;
  const FrictionResult both = build_friction(in);
  CHECK(both.stats.no_land_cover_cells == 0);
  CHECK(both.warnings.empty());
}

TEST_CASE("speed sources of a mode: own classes, slower classes walked, faster classes slowed", "[raster][friction]") {
  // 5 × 1: built-up (WALKING 5) | cropland (WALKING 4) | ferry (MOTORIZED 20) | track (BICYCLING 12) | road 50.
  const std::vector<SpeedClass> table = {{1, "built-up", 5.0, SpeedMode::kWalking},
                                         {2, "cropland", 4.0, SpeedMode::kWalking},
                                         {5, "ferry", 20.0, SpeedMode::kMotorized},
                                         {6, "track", 12.0, SpeedMode::kBicycling}};
  const std::vector<std::int32_t> lc = {1, 2, 5, 6, 1};
  const std::vector<float> road = {0, 0, 0, 0, 50};
  FrictionInputs in;
  in.grid = make_grid(5, 1, 100.0);
  in.land_cover = lc;
  in.speed_table = table;
  in.road_speed_kmh = road;

  SECTION("a car: the road and the ferry are its own; built-up, cropland and track are the way to the car") {
    in.travel_mode = SpeedMode::kMotorized;
    const FrictionResult r = build_friction(in);
    CHECK(r.surface.seconds_per_metre[2] == Approx(3.6 / 20.0));
    CHECK(r.surface.seconds_per_metre[3] == Approx(3.6 / 12.0));
    CHECK(r.surface.mode[3] == SpeedMode::kBicycling);
    CHECK(r.stats.source_cells == 2);
    CHECK(r.stats.other_mode_cells == 3);
    CHECK(r.stats.slowed_cells == 0);
    CHECK(r.warnings.empty());
  }
  SECTION("a walker crosses the ferry and the track at 5 km/h, their own speed, with a warning per class") {
    in.travel_mode = SpeedMode::kWalking;
    in.faster_class_speed_kmh = 5.0;
    const FrictionResult r = build_friction(in);
    CHECK(r.surface.seconds_per_metre[1] == Approx(3.6 / 4.0));
    CHECK(r.surface.seconds_per_metre[2] == Approx(3.6 / 5.0));  // min(20, 5)
    CHECK(r.surface.mode[2] == SpeedMode::kWalking);
    CHECK(r.surface.seconds_per_metre[3] == Approx(3.6 / 5.0));  // min(12, 5)
    CHECK(r.stats.slowed_cells == 2);
    CHECK(r.stats.other_mode_cells == 0);
    CHECK(r.stats.source_cells == 5);
    REQUIRE(r.warnings.size() == 2);
    CHECK(r.warnings[0].code == "raster.class_mode_slowed");
    CHECK(r.warnings[0].message.find("class 5 (ferry) is a MOTORIZED class at 20 km/h") != std::string::npos);
    CHECK(r.warnings[0].message.find("at 5 km/h") != std::string::npos);
    CHECK(r.warnings[1].message.find("class 6 (track)") != std::string::npos);
  }
  SECTION("a cyclist: the track is its own, the ferry slowed to 15 km/h, the walking classes walked") {
    in.travel_mode = SpeedMode::kBicycling;
    in.faster_class_speed_kmh = 15.0;
    const FrictionResult r = build_friction(in);
    CHECK(r.surface.seconds_per_metre[2] == Approx(3.6 / 15.0));
    CHECK(r.surface.seconds_per_metre[3] == Approx(3.6 / 12.0));
    CHECK(r.stats.source_cells == 3);  // road, ferry (slowed), track
    CHECK(r.stats.other_mode_cells == 2);
  }
  SECTION("a car without roads and without motorised classes has no speed source") {
    in.travel_mode = SpeedMode::kMotorized;
    in.road_speed_kmh = {};
    const std::vector<std::int32_t> walking_only = {1, 2, 1, 2, 1};
    in.land_cover = walking_only;
    const FrictionResult r = build_friction(in);
    CHECK(r.stats.passable_cells == 5);
    CHECK(r.stats.source_cells == 0);
  }
}

TEST_CASE("road cells of a slower mode keep that mode and are not the traveller's own speed", "[raster][friction]") {
  // 3 × 1: a walked track (4 km/h) | a road (60 km/h) | built-up land (walking 5).
  const std::vector<std::int32_t> lc = {1, 1, 1};
  const std::vector<float> road = {4.0F, 60.0F, 0.0F};
  const std::vector<SpeedMode> road_mode = {SpeedMode::kWalking, SpeedMode::kMotorized, SpeedMode::kWalking};
  FrictionInputs in;
  in.grid = make_grid(3, 1, 100.0);
  in.land_cover = lc;
  in.speed_table = kTable;
  in.road_speed_kmh = road;
  in.road_mode = road_mode;
  in.travel_mode = SpeedMode::kMotorized;
  const FrictionResult r = build_friction(in);
  CHECK(r.surface.seconds_per_metre[0] == Approx(3.6 / 4.0));
  CHECK(r.surface.mode[0] == SpeedMode::kWalking);
  CHECK(r.surface.mode[1] == SpeedMode::kMotorized);
  CHECK(r.surface.mode[2] == SpeedMode::kWalking);  // the land cover's class (rule 6), not the road's
  CHECK(r.stats.road_cells == 2);
  CHECK(r.stats.road_other_mode_cells == 1);
  CHECK(r.stats.source_cells == 1);  // only the driven road
  // A road mode faster than the traveller's is a programming error (the rasteriser never gives one).
  in.travel_mode = SpeedMode::kWalking;
  CHECK_THROWS_AS(build_friction(in), std::invalid_argument);
}

TEST_CASE("bad speed tables and arrays are refused", "[raster][friction]") {
  FrictionInputs in;
  in.grid = make_grid(2, 1, 100.0);
  const std::vector<SpeedClass> twice = {{1, "a", 5.0, SpeedMode::kWalking}, {1, "b", 4.0, SpeedMode::kWalking}};
  in.speed_table = twice;
  CHECK_THROWS_AS(build_friction(in), ScenarioError);
  const std::vector<SpeedClass> negative = {{1, "a", -5.0, SpeedMode::kWalking}};
  in.speed_table = negative;
  CHECK_THROWS_AS(build_friction(in), ScenarioError);
  in.speed_table = {};
  const std::vector<std::int32_t> short_lc = {1};
  in.land_cover = short_lc;
  CHECK_THROWS_AS(build_friction(in), std::invalid_argument);
  in.land_cover = {};
  in.default_speed_kmh = 0.0;
  CHECK_THROWS_AS(build_friction(in), ScenarioError);
}

TEST_CASE("a friction surface given in seconds per metre: its values, under roads and barriers", "[raster][friction]") {
  // 5 cells: 0.9 s/m | 0.9 + barrier | NaN (no data) | 0.9 + road 36 km/h | 0.2 + barrier + road 72 km/h (a bridge)
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const std::vector<float> friction = {0.9F, 0.9F, nan, 0.9F, 0.2F};
  const std::vector<float> road = {0, 0, 0, 36, 72};
  const std::vector<std::uint8_t> barrier = {0, 1, 0, 0, 1};
  FrictionInputs in;
  in.grid = make_grid(5, 1, 100.0);
  in.friction_s_per_m = friction;
  in.road_speed_kmh = road;
  in.barrier = barrier;
  in.travel_mode = SpeedMode::kBicycling;
  const FrictionResult r = build_friction(in);
  const auto& f = r.surface.seconds_per_metre;
  CHECK(f[0] == Approx(0.9));
  CHECK(r.surface.mode[0] == SpeedMode::kBicycling);  // the traveller's own mode
  CHECK(f[1] == FrictionSurface::kImpassable);
  CHECK(f[2] == FrictionSurface::kImpassable);  // no data: no_land_cover = "impassable"
  CHECK(f[3] == Approx(3.6 / 36.0));            // the road over the friction
  CHECK(f[4] == Approx(3.6 / 72.0));            // the bridge over the barrier
  CHECK(r.stats.friction_cells == 1);
  CHECK(r.stats.no_land_cover_cells == 1);
  CHECK(r.stats.source_cells == 3);
  REQUIRE(r.warnings.size() == 1);
  CHECK(r.warnings[0].code == "raster.no_land_cover");

  SECTION("0, negative or infinite values, or a land cover as well, are refused") {
    for (const float bad : {0.0F, -1.0F, std::numeric_limits<float>::infinity()}) {
      std::vector<float> b = friction;
      b[0] = bad;
      FrictionInputs wrong = in;
      wrong.friction_s_per_m = b;
      CHECK_THROWS_AS(build_friction(wrong), std::invalid_argument);
    }
    const std::vector<std::int32_t> lc(5, 1);
    FrictionInputs both = in;
    both.land_cover = lc;
    both.speed_table = kTable;
    CHECK_THROWS_AS(build_friction(both), std::invalid_argument);
  }
}
