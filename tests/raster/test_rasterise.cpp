// Lines onto the grid: the cells a segment passes through, road speeds per cell, barrier masks.

#include <algorithm>
#include <cstdlib>
#include <random>
#include <set>
#include <vector>

#include <catch2/catch.hpp>

#include "raster/rasterise.hpp"

using namespace carereach;
using namespace carereach::raster;

namespace {

/// 10 × 10 cells of 10 m; x from 0 to 100, y from 100 (row 0 at the top) down to 0.
Grid small_grid() {
  Grid g;
  g.origin_x_m = 0.0;
  g.origin_y_m = 100.0;
  g.cell_size_m = 10.0;
  g.cols = 10;
  g.rows = 10;
  return g;
}

using ColRow = std::pair<std::uint32_t, std::uint32_t>;

std::vector<ColRow> segment_cells(const Grid& g, double x0, double y0, double x1, double y1) {
  std::vector<std::size_t> cells;
  cells_on_segment(g, x0, y0, x1, y1, cells);
  std::vector<ColRow> out;
  for (const std::size_t c : cells)
    out.emplace_back(static_cast<std::uint32_t>(c % g.cols), static_cast<std::uint32_t>(c / g.cols));
  return out;
}

/// A RoadData with one way per polyline, all residential, all modes, both ways.
RoadData roads_of(const std::vector<std::vector<std::pair<double, double>>>& lines) {
  RoadData r;
  for (const auto& line : lines) {
    for (const auto& [x, y] : line) {
      r.way_nodes.push_back(static_cast<std::uint32_t>(r.node_x_m.size()));
      r.node_x_m.push_back(x);
      r.node_y_m.push_back(y);
    }
    r.way_offset.push_back(static_cast<std::uint32_t>(r.way_nodes.size()));
    r.way_class.push_back(RoadClass::kResidential);
    r.way_flags.push_back(0);
    r.way_oneway.push_back(road_oneway::kBoth);
    r.way_maxspeed_kmh.push_back(0.0F);
    r.way_access.push_back(road_access::kAll);
    r.way_speed_kmh.push_back(0.0F);
    r.way_source_id.push_back(static_cast<std::int64_t>(r.way_class.size()));
    r.way_name.push_back(0);
  }
  return r;
}

}  // namespace

TEST_CASE("a segment inside one row lists the cells it crosses, in order", "[raster][rasterise]") {
  const Grid g = small_grid();
  CHECK(segment_cells(g, 5, 95, 35, 95) == std::vector<ColRow>{{0, 0}, {1, 0}, {2, 0}, {3, 0}});
  CHECK(segment_cells(g, 35, 95, 5, 95) == std::vector<ColRow>{{3, 0}, {2, 0}, {1, 0}, {0, 0}});
  // A point: the cell holding it.
  CHECK(segment_cells(g, 42, 57, 42, 57) == std::vector<ColRow>{{4, 4}});
}

TEST_CASE("a diagonal through cell corners stays 4-connected", "[raster][rasterise]") {
  const Grid g = small_grid();
  // (0,100) → (30,70) passes exactly through the corners (10,90) and (20,80) and ends on the corner (30,70).
  CHECK(segment_cells(g, 0, 100, 30, 70) == std::vector<ColRow>{{0, 0}, {1, 0}, {1, 1}, {2, 1}, {2, 2}});
  // A shallow line: (5, 95) → (45, 85): rows 0 and 1, crossing the row edge y = 90 at x = 25.
  CHECK(segment_cells(g, 5, 95, 45, 85) == std::vector<ColRow>{{0, 0}, {1, 0}, {2, 0}, {2, 1}, {3, 1}, {4, 1}});
}

TEST_CASE("segments on cell edges and grid edges follow the half-open rule", "[raster][rasterise]") {
  const Grid g = small_grid();
  // Along the row edge y = 80: the cells below it (row 2).
  CHECK(segment_cells(g, 12, 80, 28, 80) == std::vector<ColRow>{{1, 2}, {2, 2}});
  // Ending exactly on a column edge: the cell beyond it is only touched, not crossed.
  CHECK(segment_cells(g, 5, 95, 20, 95) == std::vector<ColRow>{{0, 0}, {1, 0}});
  CHECK(segment_cells(g, 20, 95, 5, 95) == std::vector<ColRow>{{1, 0}, {0, 0}});
  // Partly outside: clipped. Entirely outside, or along the south edge of the grid: nothing.
  CHECK(segment_cells(g, -50, 95, 25, 95) == std::vector<ColRow>{{0, 0}, {1, 0}, {2, 0}});
  CHECK(segment_cells(g, 95, 5, 150, 5) == std::vector<ColRow>{{9, 9}});
  CHECK(segment_cells(g, -50, 150, -10, 120).empty());
  CHECK(segment_cells(g, 10, 0, 50, 0).empty());
}

TEST_CASE("random segments: every cell a point of the segment lies in is listed, 4-connected", "[raster][rasterise]") {
  const Grid g = small_grid();
  std::mt19937 rng(17);
  std::uniform_real_distribution<double> coord(-20.0, 120.0);
  for (int n = 0; n < 500; ++n) {
    const double x0 = coord(rng), y0 = coord(rng), x1 = coord(rng), y1 = coord(rng);
    std::vector<std::size_t> cells;
    cells_on_segment(g, x0, y0, x1, y1, cells);
    const std::set<std::size_t> listed(cells.begin(), cells.end());
    REQUIRE(listed.size() == cells.size());  // each once
    for (int k = 1; k < 4000; ++k) {         // interior points of the segment
      const double t = k / 4000.0;
      if (const auto c = g.cell_at(x0 + t * (x1 - x0), y0 + t * (y1 - y0))) {
        INFO("segment " << x0 << "," << y0 << " → " << x1 << "," << y1 << " t " << t);
        REQUIRE(listed.count(*c) == 1);
      }
    }
    for (std::size_t i = 1; i < cells.size(); ++i) {
      const long dc = std::labs(long(cells[i] % 10) - long(cells[i - 1] % 10));
      const long dr = std::labs(long(cells[i] / 10) - long(cells[i - 1] / 10));
      REQUIRE(dc + dr == 1);
    }
  }
}

TEST_CASE("roads burn the fastest speed into every cell they pass through", "[raster][rasterise]") {
  const Grid g = small_grid();
  // Way 0 along row 5 (y = 45) from x = 5 to 95; way 1 down column 4 (x = 45) from y = 95 to 5, crossing it.
  RoadData roads = roads_of({{{5, 45}, {95, 45}}, {{45, 95}, {45, 5}}, {{200, 200}, {300, 300}}});
  const std::vector<float> speeds = {30.0F, 60.0F, 80.0F};
  const RoadRaster rr = rasterise_way_speeds(roads, g, speeds);
  CHECK(rr.ways_used == 2);  // the third way is outside the grid
  CHECK(rr.cells_with_road == 19);
  CHECK(rr.speed_kmh[g.index(0, 5)] == 30.0F);
  CHECK(rr.speed_kmh[g.index(4, 5)] == 60.0F);  // the crossing: the faster road
  CHECK(rr.speed_kmh[g.index(4, 0)] == 60.0F);
  CHECK(rr.speed_kmh[g.index(0, 0)] == 0.0F);

  std::array<double, kRoadClassCount> by_class{};
  by_class[road_class_index(RoadClass::kResidential)] = 25.0;
  const RoadRaster rc = rasterise_roads(roads, g, by_class);
  CHECK(rc.speed_kmh[g.index(4, 5)] == 25.0F);
  by_class[road_class_index(RoadClass::kResidential)] = 0.0;
  CHECK(rasterise_roads(roads, g, by_class).cells_with_road == 0);
}

TEST_CASE("way speeds per mode follow access, links, maxspeed and the line layer's speed (docs/method/speeds.md)",
          "[raster][rasterise]") {
  RoadData roads = roads_of({{{0, 0}, {1, 0}}, {{0, 1}, {1, 1}}, {{0, 2}, {1, 2}}, {{0, 3}, {1, 3}}, {{0, 4}, {1, 4}}});
  roads.way_class = {RoadClass::kMotorway, RoadClass::kFootway, RoadClass::kPrimary, RoadClass::kPrimary,
                     RoadClass::kResidential};
  roads.way_access = {road_access::kCar, road_access::kFoot, road_access::kAll, road_access::kAll, road_access::kAll};
  roads.way_flags[3] = road_flag::kLink;
  roads.way_maxspeed_kmh[2] = 40.0F;
  roads.way_speed_kmh[4] = 33.0F;
  SpeedProfile p;
  ModeSpeeds& car = p.mode(TravelMode::kCar);
  car.speed_kmh[road_class_index(RoadClass::kMotorway)] = 100.0;
  car.speed_kmh[road_class_index(RoadClass::kPrimary)] = 60.0;
  car.speed_kmh[road_class_index(RoadClass::kResidential)] = 25.0;
  car.link_factor = 0.5;
  car.cap_at_maxspeed = true;
  ModeSpeeds& walk = p.mode(TravelMode::kWalk);
  for (double& v : walk.speed_kmh) v = 5.0;

  const std::vector<float> c = way_speeds_for_mode(roads, TravelMode::kCar, p);
  CHECK(c == std::vector<float>{100.0F, 0.0F, 40.0F, 30.0F, 33.0F});
  const std::vector<float> w = way_speeds_for_mode(roads, TravelMode::kWalk, p);
  CHECK(w == std::vector<float>{0.0F, 5.0F, 5.0F, 5.0F, 5.0F});  // a layer's 33 km/h caps walking, never raises it
  roads.way_speed_kmh[4] = 3.0F;
  CHECK(way_speeds_for_mode(roads, TravelMode::kWalk, p)[4] == 3.0F);
  roads.way_speed_kmh[4] = 33.0F;
  const std::vector<float> m = way_speeds_for_mode(roads, TravelMode::kMixed, p);
  CHECK(m == std::vector<float>{100.0F, 5.0F, 40.0F, 30.0F, 33.0F});
}

TEST_CASE("a mode per road class: slower classes at the slower mode's speed and mode, faster ones not faster",
          "[raster][rasterise]") {
  // Way 0: a track (walking class) along row 4 (y = 55); way 1: a primary road (no class mode) down column 4; way 2:
  // a residential street (class mode motorized) along row 7 (y = 25); way 3: a cycleway (bicycling class) along
  // row 1 (y = 85). Rows count from the top (y = 100).
  const Grid g = small_grid();
  RoadData roads = roads_of({{{5, 55}, {95, 55}}, {{45, 95}, {45, 5}}, {{5, 25}, {95, 25}}, {{5, 85}, {95, 85}}});
  roads.way_class = {RoadClass::kTrack, RoadClass::kPrimary, RoadClass::kResidential, RoadClass::kCycleway};
  SpeedProfile p;
  p.mode(TravelMode::kCar).speed_kmh[road_class_index(RoadClass::kTrack)] = 20.0;
  p.mode(TravelMode::kCar).speed_kmh[road_class_index(RoadClass::kPrimary)] = 60.0;
  p.mode(TravelMode::kCar).speed_kmh[road_class_index(RoadClass::kResidential)] = 30.0;
  p.mode(TravelMode::kCar).speed_kmh[road_class_index(RoadClass::kCycleway)] = 0.0;  // closed to cars
  for (double& v : p.mode(TravelMode::kWalk).speed_kmh) v = 4.0;
  for (double& v : p.mode(TravelMode::kBicycle).speed_kmh) v = 14.0;
  RoadClassModes modes{};
  modes[road_class_index(RoadClass::kTrack)] = SpeedMode::kWalking;
  modes[road_class_index(RoadClass::kResidential)] = SpeedMode::kMotorized;
  modes[road_class_index(RoadClass::kCycleway)] = SpeedMode::kBicycling;

  SECTION("a car walks the track, cycles the cycleway and drives the rest") {
    const WayModes w = way_speeds_with_modes(roads, TravelMode::kCar, p, modes);
    CHECK(w.speed_kmh == std::vector<float>{4.0F, 60.0F, 30.0F, 14.0F});
    CHECK(w.mode == std::vector<SpeedMode>{SpeedMode::kWalking, SpeedMode::kMotorized, SpeedMode::kMotorized,
                                           SpeedMode::kBicycling});
    const RoadRaster rr = rasterise_way_modes(roads, g, w);
    REQUIRE(rr.mode.size() == g.cell_count());
    CHECK(rr.speed_kmh[g.index(0, 4)] == 4.0F);
    CHECK(rr.mode[g.index(0, 4)] == SpeedMode::kWalking);
    CHECK(rr.speed_kmh[g.index(4, 4)] == 60.0F);  // the crossing: the faster road and its mode
    CHECK(rr.mode[g.index(4, 4)] == SpeedMode::kMotorized);
    CHECK(rr.mode[g.index(0, 1)] == SpeedMode::kBicycling);
    CHECK(rr.speed_kmh[g.index(0, 7)] == 30.0F);
    // Without class modes: the same speeds as rasterise_roads, every road the car's.
    const RoadRaster plain = rasterise_roads(roads, g, TravelMode::kCar, p);
    const RoadRaster none = rasterise_way_modes(roads, g, way_speeds_with_modes(roads, TravelMode::kCar, p, {}));
    CHECK(none.speed_kmh == plain.speed_kmh);
    for (std::size_t c = 0; c < g.cell_count(); ++c)
      if (none.speed_kmh[c] > 0.0F) CHECK(none.mode[c] == SpeedMode::kMotorized);
  }
  SECTION("a walker is not made faster by a motorized class: the walking speed, in the walking mode") {
    const WayModes w = way_speeds_with_modes(roads, TravelMode::kWalk, p, modes);
    CHECK(w.speed_kmh == std::vector<float>{4.0F, 4.0F, 4.0F, 4.0F});
    CHECK(w.mode == std::vector<SpeedMode>(4, SpeedMode::kWalking));
  }
  SECTION("equal speeds in one cell: the faster mode") {
    const std::vector<SpeedMode> m = {SpeedMode::kWalking, SpeedMode::kMotorized, SpeedMode::kWalking,
                                      SpeedMode::kBicycling};
    const WayModes w{{10.0F, 10.0F, 10.0F, 10.0F}, m};
    CHECK(rasterise_way_modes(roads, g, w).mode[g.index(4, 4)] == SpeedMode::kMotorized);
  }
  CHECK(raster_mode_of(TravelMode::kMixed) == SpeedMode::kMotorized);
  CHECK(raster_mode_of(TravelMode::kEbike) == SpeedMode::kBicycling);
}

TEST_CASE("barrier polylines mark a 4-connected mask", "[raster][rasterise]") {
  const Grid g = small_grid();
  std::vector<std::uint8_t> mask(g.cell_count(), 0);
  const std::vector<double> xs = {0.0, 30.0, 30.0};
  const std::vector<double> ys = {100.0, 70.0, 50.0};
  mark_polyline(g, xs, ys, mask);
  std::vector<ColRow> marked;
  for (std::size_t i = 0; i < mask.size(); ++i) {
    if (mask[i] != 0) marked.emplace_back(static_cast<std::uint32_t>(i % 10), static_cast<std::uint32_t>(i / 10));
  }
  // The diagonal to the corner (30,70), then down the column edge x = 30 (cells to the right: column 3). The two
  // segments meet on a corner between (2,2) and (3,3): (3,2) joins them, so no diagonal step can slip through.
  CHECK(marked == std::vector<ColRow>{{0, 0}, {1, 0}, {1, 1}, {2, 1}, {2, 2}, {3, 2}, {3, 3}, {3, 4}});
}
