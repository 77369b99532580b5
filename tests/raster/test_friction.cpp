// Friction surfaces from land cover, a speed table, roads and barriers.

#include <cmath>
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
  REQUIRE(r.warnings.size() == 1);
  CHECK(r.warnings[0].code == "raster.land_cover_class_unknown");
  CHECK(r.warnings[0].message.find("77") != std::string::npos);

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

TEST_CASE("without land cover every cell walks at the default speed", "[raster][friction]") {
  FrictionInputs in;
  in.grid = make_grid(3, 3, 100.0);
  in.default_speed_kmh = 4.0;
  const FrictionResult r = build_friction(in);
  for (const float f : r.surface.seconds_per_metre) CHECK(f == Approx(0.9));
  CHECK(r.stats.default_cells == 9);
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
