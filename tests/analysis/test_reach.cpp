// What each facility reaches by itself (analysis::facility_reach): a network scene worked out by hand, and a
// uniform raster grid where every cell's time is the 16-neighbour distance from the facility alone.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "analysis/reach.hpp"
#include "analysis/travel.hpp"
#include "core/diagnostics.hpp"
#include "core/facility.hpp"
#include "core/landcover.hpp"
#include "core/population.hpp"
#include "core/standard.hpp"
#include "network/ascii_map.hpp"

using namespace carereach;
using carereach::analysis::FacilityReach;
using carereach::analysis::ReachedCell;
using carereach::analysis::TravelModel;
using carereach::analysis::TravelSettings;
using carereach::testing::AsciiMap;
using carereach::testing::AsciiNetwork;
using carereach::testing::test_speed_profile;

namespace {

PopulationGrid grid_population(std::uint32_t cols, std::uint32_t rows, double cell_m, double x0, double y_top,
                               std::vector<double> persons) {
  PopulationGrid p;
  p.grid.origin_x_m = x0;
  p.grid.origin_y_m = y_top;
  p.grid.cell_size_m = cell_m;
  p.grid.cols = cols;
  p.grid.rows = rows;
  p.persons = std::move(persons);
  return p;
}

Facility facility(std::uint32_t id, const std::string& type, double x, double y) {
  Facility f;
  f.id = FacilityId{id};
  f.source_id = "F" + std::to_string(id);
  f.name = f.source_id;
  f.type = type;
  f.x_m = x;
  f.y_m = y;
  f.source_file = "facilities.csv";
  f.source_feature = "row " + std::to_string(id + 2);
  return f;
}

Standard time_standard(std::vector<std::string> types, double threshold_min, TravelEngine engine) {
  Standard s;
  s.id = "s";
  s.name_zh = "s";
  s.name_en = "s";
  s.select.types = std::move(types);
  s.mode = TravelMode::kWalk;
  s.engine = engine;
  s.threshold_min = threshold_min;
  return s;
}

double knight_distance(int dx, int dy) {
  const int big = std::max(std::abs(dx), std::abs(dy));
  const int small = std::min(std::abs(dx), std::abs(dy));
  double best = std::numeric_limits<double>::infinity();
  for (int knights = 0; 2 * knights <= big && knights <= small; ++knights) {
    const int diagonals = small - knights;
    const int straights = big - 2 * knights - diagonals;
    if (straights >= 0) best = std::min(best, straights + std::sqrt(2.0) * diagonals + std::sqrt(5.0) * knights);
  }
  return best;
}

}  // namespace

// The scene (walking at 1 m/s, max access distance 300 m):  A (0, 0) ---- B (1000, 0) ---- C (2000, 0).
// V1 at (100, 120) joins A — B at (100, 0) with a leg of 120 s; T1 at (1400, 80) joins B — C at (1400, 0), 80 s.
// Populated cells: (1, 1) centre (150, 50) and (15, 0) centre (1550, 150) of a 20 × 2 grid of 100 m, top y = 200.
// V1 alone: cell (1, 1) walks straight to V1, √(50² + 70²) = 86.02 s; cell (15, 0) joins B — C at (1550, 0)
// (150 s), then B (550 s) and A — B to V1 (900 + 120 s): 1720 s; via C it is longer.
// T1 alone: cell (1, 1) 1380 s (test_travel.cpp works it out); cell (15, 0) walks straight, √(150² + 70²) s.
TEST_CASE("facility_reach: each facility alone on a road network, by hand", "[analysis][reach]") {
  const AsciiNetwork net = AsciiMap("A---------B---------C", 100.0).way("AB").way("BC").build();
  std::vector<double> persons(40, 0.0);
  persons[20 + 1] = 100;
  persons[15] = 50;
  const PopulationGrid pop = grid_population(20, 2, 100.0, 0.0, 200.0, persons);
  const std::vector<Facility> fac = {facility(0, "village_clinic", 100, 120),
                                     facility(1, "township_health_center", 1400, 80)};
  TravelSettings set;
  set.profile = test_speed_profile();
  set.profile.max_access_distance_m = 300.0;
  TravelModel model(&net.roads, pop, nullptr, set);
  // The standard selects township health centres only: facility_reach takes the facilities as given.
  const Standard st = time_standard({"township_health_center"}, 15, TravelEngine::kNetwork);
  const auto c11 = static_cast<std::uint32_t>(pop.grid.index(1, 1));
  const auto c15 = static_cast<std::uint32_t>(pop.grid.index(15, 0));

  SECTION("limit 30 minutes: both cells for both facilities, nearest first") {
    Diagnostics diag;
    const std::vector<FacilityReach> r = analysis::facility_reach(model, st, fac, 30.0, diag);
    REQUIRE(r.size() == 2);
    CHECK(r[0].facility == 0);
    CHECK(r[0].joined);
    REQUIRE(r[0].cells.size() == 2);
    CHECK(r[0].cells[0].cell == c11);
    CHECK(r[0].cells[0].minutes == Approx(std::hypot(50.0, 70.0) / 60.0).epsilon(1e-6));
    CHECK(r[0].cells[1].cell == c15);
    CHECK(r[0].cells[1].minutes == Approx(1720.0 / 60.0).epsilon(1e-6));
    REQUIRE(r[1].cells.size() == 2);
    CHECK(r[1].cells[0].cell == c15);
    CHECK(r[1].cells[0].minutes == Approx(std::hypot(150.0, 70.0) / 60.0).epsilon(1e-6));
    CHECK(r[1].cells[1].cell == c11);
    CHECK(r[1].cells[1].minutes == Approx(1380.0 / 60.0).epsilon(1e-6));
    CHECK(diag.all().empty());
  }
  SECTION("limit 25 minutes: V1 no longer reaches cell (15, 0) (28.7 min); T1 still reaches cell (1, 1) (23 min)") {
    Diagnostics diag;
    const std::vector<FacilityReach> r = analysis::facility_reach(model, st, fac, 25.0, diag);
    REQUIRE(r.size() == 2);
    REQUIRE(r[0].cells.size() == 1);
    CHECK(r[0].cells[0].cell == c11);
    CHECK(r[1].cells.size() == 2);
  }
  SECTION("a limit that is not a positive number of minutes is refused") {
    Diagnostics diag;
    CHECK_THROWS_AS(analysis::facility_reach(model, st, fac, 0.0, diag), std::invalid_argument);
    CHECK_THROWS_AS(analysis::facility_reach(model, st, fac, std::nan(""), diag), std::invalid_argument);
  }
}

TEST_CASE("facility_reach on a uniform raster: the 16-neighbour distance from each facility alone",
          "[analysis][reach][raster]") {
  // 15 × 9 cells of 100 m walked at 3.6 km/h = 1 s/m; facilities in cells (3, 4) and (11, 4). Cell (7, 0) has
  // nobody, so no facility reaches it. A limit of 10 minutes is 600 m: 6 cell lengths.
  std::vector<double> persons(15 * 9, 2.0);
  PopulationGrid pop = grid_population(15, 9, 100.0, 0.0, 900.0, persons);
  pop.persons[pop.grid.index(7, 0)] = 0.0;
  TravelSettings set;
  set.profile = test_speed_profile();
  set.raster_no_land_cover_default_speed = true;
  set.raster_default_speed_kmh = 3.6;
  TravelModel model(nullptr, pop, nullptr, set);
  const std::vector<Facility> fac = {facility(0, "a", 350, 450), facility(1, "a", 1150, 450)};
  const Standard st = time_standard({"a"}, 10, TravelEngine::kRaster);
  Diagnostics diag;
  const std::vector<FacilityReach> r = analysis::facility_reach(model, st, fac, 10.0, diag);
  REQUIRE(r.size() == 2);
  const int fcol[] = {3, 11};
  for (std::size_t k = 0; k < 2; ++k) {
    INFO("facility " << k);
    std::vector<ReachedCell> expected;
    for (std::uint32_t row = 0; row < 9; ++row)
      for (std::uint32_t col = 0; col < 15; ++col) {
        const double seconds = 100.0 * knight_distance(static_cast<int>(col) - fcol[k], static_cast<int>(row) - 4);
        if (seconds > 600.0 + 1e-6 || (col == 7 && row == 0)) continue;
        expected.push_back({static_cast<std::uint32_t>(pop.grid.index(col, row)), static_cast<float>(seconds / 60.0)});
      }
    std::sort(expected.begin(), expected.end(), [](const ReachedCell& a, const ReachedCell& b) {
      return a.minutes != b.minutes ? a.minutes < b.minutes : a.cell < b.cell;
    });
    REQUIRE(r[k].cells.size() == expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
      INFO("entry " << i);
      CHECK(r[k].cells[i].cell == expected[i].cell);
      CHECK(r[k].cells[i].minutes == Approx(expected[i].minutes).epsilon(1e-5));
    }
  }
  // A facility outside the grid reaches nothing and is marked not joined.
  const std::vector<Facility> outside = {facility(2, "a", -500, 450)};
  Diagnostics diag2;
  const std::vector<FacilityReach> o = analysis::facility_reach(model, st, outside, 10.0, diag2);
  REQUIRE(o.size() == 1);
  CHECK_FALSE(o[0].joined);
  CHECK(o[0].cells.empty());
  CHECK(diag2.count("facility.outside_grid") == 1);
}

// The local search (only the nodes a facility reaches, the band of rows within the limit at the fastest speed,
// the raster window) must give exactly what the whole-grid computation with the facility alone gives, on a
// network with a fast primary road, a one-way street and cells far from any road, for every engine and snapping.
TEST_CASE("facility_reach: the local search equals the whole-grid computation", "[analysis][reach]") {
  const auto map = R"(
      A-----B-----C-----D
      |     |     |     |
      E-----F-----G-----H
      |     |     |     |
      I-----J-----K-----L
  )";
  const AsciiNetwork net = AsciiMap(map, 200.0, 1000.0, 1000.0)
                               .way("ABCD", {.cls = RoadClass::kPrimary})
                               .way("EFGH", {.oneway = road_oneway::kForward})
                               .way("IJKL")
                               .way("AEI")
                               .way("BFJ")
                               .way("CGK")
                               .way("DHL")
                               .build();
  // 60 × 30 cells of 100 m from (0, 2600) down to y = −400: the network spans x 1000 … 4600, y 1000 … 1800.
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::vector<double> persons(60 * 30);
  for (double& p : persons) p = unit(rng) < 0.7 ? std::floor(1.0 + 50.0 * unit(rng)) : 0.0;
  const PopulationGrid pop = grid_population(60, 30, 100.0, 0.0, 2600.0, persons);
  std::vector<Facility> fac;
  for (std::uint32_t i = 0; i < 12; ++i)
    fac.push_back(facility(i, "a", 500.0 + 4500.0 * unit(rng), 600.0 + 1600.0 * unit(rng)));

  struct Case {
    const char* name;
    TravelEngine engine;
    TravelMode mode;
    bool snap_to_nodes;
    double limit_min;
  };
  const Case cases[] = {
      {"network, walk, edge snapping, 8 min", TravelEngine::kNetwork, TravelMode::kWalk, false, 8.0},
      {"network, car, edge snapping, 3 min", TravelEngine::kNetwork, TravelMode::kCar, false, 3.0},
      {"network, car, node snapping, 3 min", TravelEngine::kNetwork, TravelMode::kCar, true, 3.0},
      {"raster, walk on burned roads, 10 min", TravelEngine::kRaster, TravelMode::kWalk, false, 10.0},
      {"raster, car on burned roads, 4 min", TravelEngine::kRaster, TravelMode::kCar, false, 4.0},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    TravelSettings set;
    set.profile = test_speed_profile();
    set.profile.max_access_distance_m = 400.0;
    set.snap_to_nodes = c.snap_to_nodes;
    set.raster_no_land_cover_default_speed = true;
    set.raster_default_speed_kmh = 3.6;
    // One model each, so that both build the mode's structures (and give its warnings) themselves.
    TravelModel model_local(&net.roads, pop, nullptr, set);
    TravelModel model_whole(&net.roads, pop, nullptr, set);
    Standard st = time_standard({"a"}, c.limit_min, c.engine);
    st.mode = c.mode;
    Diagnostics d_local, d_whole;
    const auto local = analysis::facility_reach(model_local, st, fac, c.limit_min, d_local, nullptr,
                                                analysis::ReachMethod::kLocal);
    const auto whole = analysis::facility_reach(model_whole, st, fac, c.limit_min, d_whole, nullptr,
                                                analysis::ReachMethod::kWholeGrid);
    REQUIRE(local.size() == whole.size());
    std::size_t reached = 0;
    for (std::size_t k = 0; k < local.size(); ++k) {
      INFO("facility " << k);
      CHECK(local[k].joined == whole[k].joined);
      CHECK(local[k].cells == whole[k].cells);
      reached += whole[k].cells.size();
    }
    CHECK(reached > 0);  // the case reaches something
    // The same warnings.
    REQUIRE(d_local.all().size() == d_whole.all().size());
    for (std::size_t i = 0; i < d_local.all().size(); ++i) CHECK(d_local.all()[i].message == d_whole.all()[i].message);
  }
}

// The raster engine with what changes a search: barriers, an impassable class, a facility on each of them, slopes
// walked by Tobler's function towards and from the facilities. The local window must give the whole grid's times,
// and a facility on a barrier or in water reaches nothing (flagged, not joined), as in the standard's computation.
TEST_CASE("facility_reach on a raster with barriers, water and slopes equals the whole-grid computation",
          "[analysis][reach][raster]") {
  const std::uint32_t cols = 40, rows = 24;
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::vector<double> persons(cols * rows);
  for (double& p : persons) p = unit(rng) < 0.8 ? 1.0 + std::floor(20.0 * unit(rng)) : 0.0;
  const PopulationGrid pop = grid_population(cols, rows, 100.0, 0.0, 2400.0, persons);
  RasterTravelData raster;
  raster.landcover.assign(cols * rows, 1);
  raster.barrier.assign(cols * rows, 0);
  raster.elevation_m.resize(cols * rows);
  for (std::uint32_t r = 0; r < rows; ++r)
    for (std::uint32_t c = 0; c < cols; ++c) {
      const std::size_t i = pop.grid.index(c, r);
      if (c == 20 && r != 12) raster.barrier[i] = 1;  // a wall with one gap
      if (r >= 3 && r <= 5 && c >= 5 && c <= 12) raster.landcover[i] = 9;  // a lake
      if (c >= 30) raster.landcover[i] = 2;  // faster ground
      raster.elevation_m[i] = static_cast<float>(3.0 * c + 40.0 * std::sin(0.3 * r));
    }
  raster.barrier_cells = static_cast<std::size_t>(std::count(raster.barrier.begin(), raster.barrier.end(), 1));
  raster.classes = {{1, "farmland", 4.0, "walking"}, {2, "grassland", 6.0, "walking"}, {9, "water", 0.0, "walking"}};
  std::vector<Facility> fac;
  for (std::uint32_t i = 0; i < 10; ++i) fac.push_back(facility(i, "a", 4000.0 * unit(rng), 2400.0 * unit(rng)));
  fac.push_back(facility(10, "a", 2050.0, 150.0));  // on the wall
  fac.push_back(facility(11, "a", 850.0, 1950.0));  // in the lake (row 4, column 8)
  for (const bool anisotropic : {false, true})
    for (const TripDirection direction : {TripDirection::kTowardsFacility, TripDirection::kFromFacility}) {
      if (!anisotropic && direction == TripDirection::kFromFacility) continue;
      INFO("anisotropic " << anisotropic << ", from the facility " << (direction == TripDirection::kFromFacility));
      TravelSettings set;
      set.profile = test_speed_profile();
      set.raster_anisotropic = anisotropic;
      TravelModel model_local(nullptr, pop, &raster, set);
      TravelModel model_whole(nullptr, pop, &raster, set);
      Standard st = time_standard({"a"}, 12.0, TravelEngine::kRaster);
      st.direction = direction;
      Diagnostics d_local, d_whole;
      const auto local = analysis::facility_reach(model_local, st, fac, 12.0, d_local, nullptr,
                                                  analysis::ReachMethod::kLocal);
      const auto whole = analysis::facility_reach(model_whole, st, fac, 12.0, d_whole, nullptr,
                                                  analysis::ReachMethod::kWholeGrid);
      REQUIRE(local.size() == whole.size());
      for (std::size_t k = 0; k < local.size(); ++k) {
        INFO("facility " << k);
        CHECK(local[k].joined == whole[k].joined);
        CHECK(local[k].cells == whole[k].cells);
      }
      CHECK_FALSE(local[10].joined);
      CHECK(local[10].cells.empty());
      CHECK_FALSE(local[11].joined);
      CHECK(d_local.count("facility.on_barrier") == 2);
      CHECK(d_whole.count("facility.on_barrier") == 2);
    }
}
