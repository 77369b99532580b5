// Zone rasters: a cell belongs to the zone whose polygon contains the cell centre. Expected cells are worked
// out by hand or by a brute-force point-in-polygon test written here.

#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/grid.hpp"
#include "geo/geos.hpp"
#include "io/zone_raster.hpp"
#include "io/zones.hpp"

using carereach::Grid;
using carereach::Zone;
using carereach::ZoneId;
using carereach::io::LoadedZoneLevel;
using carereach::io::rasterize_zones;
using carereach::io::ZoneRaster;
namespace geo = carereach::geo;

namespace {

LoadedZoneLevel make_level(const std::vector<std::string>& wkts, const std::string& name = "county") {
  LoadedZoneLevel level;
  level.level.level = name;
  for (std::size_t i = 0; i < wkts.size(); ++i) {
    Zone z;
    z.id = ZoneId{static_cast<std::uint32_t>(i)};
    z.code = std::to_string(100 + i);
    level.level.zones.push_back(z);
    level.polygons.push_back(geo::Geometry::from_wkt(wkts[i]));
  }
  return level;
}

/// 10 x 10 cells of 100 m over x 0…1000, y 0…1000: cell centres at x = 50 + 100 c, y = 950 - 100 r.
Grid ten_by_ten() {
  Grid g;
  g.origin_x_m = 0;
  g.origin_y_m = 1000;
  g.cell_size_m = 100;
  g.cols = 10;
  g.rows = 10;
  return g;
}

/// Crossing-number point-in-polygon test of a simple ring (the test's own, independent of the library).
bool inside_ring(const std::vector<std::pair<double, double>>& ring, double x, double y) {
  bool in = false;
  for (std::size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++) {
    const auto [xi, yi] = ring[i];
    const auto [xj, yj] = ring[j];
    if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) in = !in;
  }
  return in;
}

/// Distance-free test that (x, y) is not on any edge of the ring (so any point-in-polygon rule agrees).
bool off_boundary(const std::vector<std::pair<double, double>>& ring, double x, double y) {
  for (std::size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++) {
    const auto [xi, yi] = ring[i];
    const auto [xj, yj] = ring[j];
    const double cross = (xj - xi) * (y - yi) - (yj - yi) * (x - xi);
    if (std::abs(cross) < 1e-6) return false;
  }
  return true;
}

}  // namespace

TEST_CASE("a square zone covers exactly the cells whose centres it contains", "[zone_raster]") {
  const Grid grid = ten_by_ten();
  // x 200…500, y 500…800: centres x = 250, 350, 450 (cols 2-4), y = 750, 650, 550 (rows 2-4).
  const LoadedZoneLevel level = make_level({"POLYGON((200 800, 500 800, 500 500, 200 500, 200 800))"});
  const ZoneRaster r = rasterize_zones(level, grid);
  REQUIRE(r.zone_of_cell.size() == 100);
  CHECK(r.level == "county");
  CHECK(r.cells_in(0) == 9);
  for (std::uint32_t row = 0; row < 10; ++row)
    for (std::uint32_t col = 0; col < 10; ++col) {
      const bool expected = col >= 2 && col <= 4 && row >= 2 && row <= 4;
      INFO("col " << col << " row " << row);
      CHECK((r.zone_of_cell[grid.index(col, row)] == 0) == expected);
    }
  CHECK(r.covered_cells() == 9);
  CHECK(r.overlapping_cells == 0);
}

TEST_CASE("a centre on a zone boundary: in on the left and bottom edges, out on the right and top", "[zone_raster]") {
  const Grid grid = ten_by_ten();
  // x 150…350 has centres 150 (left edge: in), 250 (in), 350 (right edge: out) -> cols 1, 2.
  // y 450…650 has centres 650 (top edge: out, row 3), 550 (in, row 4), 450 (bottom edge: in, row 5) -> rows 4, 5.
  const LoadedZoneLevel level = make_level({"POLYGON((150 450, 350 450, 350 650, 150 650, 150 450))"});
  const ZoneRaster r = rasterize_zones(level, grid);
  CHECK(r.cells_in(0) == 4);
  CHECK(r.zone_of_cell[grid.index(1, 4)] == 0);
  CHECK(r.zone_of_cell[grid.index(2, 4)] == 0);
  CHECK(r.zone_of_cell[grid.index(1, 5)] == 0);
  CHECK(r.zone_of_cell[grid.index(2, 5)] == 0);
}

TEST_CASE("two zones sharing an edge through cell centres: every cell in exactly one", "[zone_raster]") {
  const Grid grid = ten_by_ten();
  // The diagonal y = x passes through the 10 centres with c + r = 9. Below it (x > y): 45 centres, above: 45.
  // A centre on the diagonal goes to the zone to its right, i.e. A (the lower-right triangle): A = 55, B = 45.
  // The rings run in opposite directions along the shared edge, as in real data.
  const LoadedZoneLevel level = make_level({"POLYGON((0 0, 1000 0, 1000 1000, 0 0))",
                                            "POLYGON((0 0, 0 1000, 1000 1000, 0 0))"});
  const ZoneRaster r = rasterize_zones(level, grid);
  CHECK(r.covered_cells() == 100);
  CHECK(r.overlapping_cells == 0);
  CHECK(r.cells_in(0) == 55);
  CHECK(r.cells_in(1) == 45);
  const std::vector<std::size_t> counts = r.cells_per_zone();
  REQUIRE(counts.size() == 2);
  CHECK(counts[0] == 55);
  CHECK(counts[1] == 45);
  for (std::uint32_t row = 0; row < 10; ++row)
    for (std::uint32_t col = 0; col < 10; ++col) {
      INFO("col " << col << " row " << row);
      CHECK(r.zone_of_cell[grid.index(col, row)] == (col + row >= 9 ? 0u : 1u));
    }
}

TEST_CASE("two zones sharing a slanted edge: cells split as a point-in-polygon test says", "[zone_raster]") {
  const Grid grid = ten_by_ten();
  const std::vector<std::pair<double, double>> lower = {{0, 0}, {1000, 0}, {1000, 330}, {0, 710}};
  const LoadedZoneLevel level = make_level({"POLYGON((0 0, 1000 0, 1000 330, 0 710, 0 0))",
                                            "POLYGON((0 710, 1000 330, 1000 1000, 0 1000, 0 710))"});
  const ZoneRaster r = rasterize_zones(level, grid);
  CHECK(r.covered_cells() == 100);
  CHECK(r.overlapping_cells == 0);
  std::size_t expected_lower = 0;
  for (std::uint32_t row = 0; row < 10; ++row)
    for (std::uint32_t col = 0; col < 10; ++col) {
      const double x = grid.centre_x_m(col), y = grid.centre_y_m(row);
      REQUIRE(off_boundary(lower, x, y));
      const bool in_lower = inside_ring(lower, x, y);
      expected_lower += in_lower ? 1 : 0;
      INFO("col " << col << " row " << row);
      CHECK(r.zone_of_cell[grid.index(col, row)] == (in_lower ? 0u : 1u));
    }
  CHECK(r.cells_in(0) == expected_lower);
}

TEST_CASE("a triangle: the centre-rule cells equal a brute-force point-in-polygon count", "[zone_raster]") {
  Grid grid;
  grid.origin_x_m = 500000;
  grid.origin_y_m = 3400000;
  grid.cell_size_m = 30;
  grid.cols = 80;
  grid.rows = 70;
  const double x0 = grid.origin_x_m, y0 = grid.origin_y_m;
  const std::vector<std::pair<double, double>> tri = {
      {x0 + 131.7, y0 - 2011.3}, {x0 + 2333.9, y0 - 1707.1}, {x0 + 941.2, y0 - 37.4}};
  std::string wkt = "POLYGON((";
  for (const auto& [x, y] : tri) wkt += std::to_string(x) + " " + std::to_string(y) + ", ";
  wkt += std::to_string(tri[0].first) + " " + std::to_string(tri[0].second) + "))";
  const LoadedZoneLevel level = make_level({wkt});
  const ZoneRaster r = rasterize_zones(level, grid);

  std::size_t expected = 0;
  for (std::uint32_t row = 0; row < grid.rows; ++row)
    for (std::uint32_t col = 0; col < grid.cols; ++col) {
      const double x = grid.centre_x_m(col), y = grid.centre_y_m(row);
      REQUIRE(off_boundary(tri, x, y));
      const bool in = inside_ring(tri, x, y);
      expected += in ? 1 : 0;
      if ((r.zone_of_cell[grid.index(col, row)] == 0) != in) FAIL("cell col " << col << " row " << row << " differs");
    }
  CHECK(r.cells_in(0) == expected);
  // The triangle's area / cell area is an estimate of the count (shoelace): within a perimeter's worth of cells.
  const double area = 0.5 * std::abs((tri[1].first - tri[0].first) * (tri[2].second - tri[0].second) -
                                     (tri[2].first - tri[0].first) * (tri[1].second - tri[0].second));
  CHECK(std::abs(static_cast<double>(expected) - area / (30.0 * 30.0)) < 200);
  CHECK(expected > 1000);
}

TEST_CASE("holes and multipolygons", "[zone_raster]") {
  const Grid grid = ten_by_ten();
  // The hole 300…700 holds the centres 350…650 in x and y: 4 x 4 = 16 of the square's 100.
  // The multipolygon: x 0…200, y 0…200 (2 x 2 = 4 cells) and x 800…1000, y 800…1000 (4 cells).
  const std::string holed = "POLYGON((0 0, 1000 0, 1000 1000, 0 1000, 0 0), (300 300, 300 700, 700 700, 700 300, 300 300))";
  const std::string multi_wkt =
      "MULTIPOLYGON(((0 0, 200 0, 200 200, 0 200, 0 0)), ((800 800, 1000 800, 1000 1000, 800 1000, 800 800)))";
  const ZoneRaster square = rasterize_zones(make_level({holed}), grid);
  CHECK(square.cells_in(0) == 84);
  CHECK(square.zone_of_cell[grid.index(4, 4)] == ZoneRaster::kNone);
  const ZoneRaster multi = rasterize_zones(make_level({multi_wkt}), grid);
  CHECK(multi.cells_in(0) == 8);
  CHECK(multi.zone_of_cell[grid.index(0, 9)] == 0);
  CHECK(multi.zone_of_cell[grid.index(9, 0)] == 0);
  // Together they overlap on the 8 cells of the multipolygon, which the lower index (the square) keeps.
  const ZoneRaster both = rasterize_zones(make_level({holed, multi_wkt}), grid);
  CHECK(both.overlapping_cells == 8);
  CHECK(both.cells_in(0) == 84);
  CHECK(both.cells_in(1) == 0);
}

TEST_CASE("zones partly off the grid, zones smaller than a cell, empty levels", "[zone_raster]") {
  const Grid grid = ten_by_ten();
  // Zone 0, x -500…250, y 850…2000: centres x = 50, 150 (250 is on the right edge: out), y = 950, 850 (850 is
  // on the bottom edge: in) -> cols 0-1 x rows 0-1. Zone 1, x 560…640, y 560…640, holds no centre (50 + 100 k).
  const LoadedZoneLevel level = make_level({"POLYGON((-500 850, 250 850, 250 2000, -500 2000, -500 850))",
                                            "POLYGON((560 560, 640 560, 640 640, 560 640, 560 560))"});
  const ZoneRaster r = rasterize_zones(level, grid);
  CHECK(r.cells_in(0) == 4);
  CHECK(r.zone_of_cell[grid.index(0, 0)] == 0);
  CHECK(r.zone_of_cell[grid.index(1, 1)] == 0);
  CHECK(r.cells_in(1) == 0);
  CHECK(r.cells_per_zone() == std::vector<std::size_t>{4, 0});

  LoadedZoneLevel seats;
  seats.level.level = "village";
  seats.kind = carereach::io::ZoneGeometryKind::kSeats;
  seats.level.zones.resize(2);
  seats.seats_m = {{100, 100}, {300, 300}};
  CHECK_THROWS_AS(rasterize_zones(seats, grid), std::invalid_argument);
}

TEST_CASE("rasterising a province-sized grid with thousands of zones is fast", "[.][zone_raster][perf]") {
  // 4,000 x 4,000 cells of 100 m, 2,500 square zones of 80 x 80 cells whose edges carry a vertex every 10 m
  // (as detailed boundaries do). Hidden: run with test_io "[perf]".
  Grid grid;
  grid.origin_x_m = 0;
  grid.origin_y_m = 400000;
  grid.cell_size_m = 100;
  grid.cols = 4000;
  grid.rows = 4000;
  std::vector<std::string> wkts;
  const double side = 8000;
  for (int j = 0; j < 50; ++j)
    for (int i = 0; i < 50; ++i) {
      const double x0 = i * side, y0 = j * side;
      std::string w = "POLYGON((";
      auto add = [&](double x, double y) { w += std::to_string(x) + " " + std::to_string(y) + ","; };
      for (int k = 0; k < 800; ++k) add(x0 + k * 10.0, y0);
      for (int k = 0; k < 800; ++k) add(x0 + side, y0 + k * 10.0);
      for (int k = 0; k < 800; ++k) add(x0 + side - k * 10.0, y0 + side);
      for (int k = 0; k < 800; ++k) add(x0, y0 + side - k * 10.0);
      w += std::to_string(x0) + " " + std::to_string(y0) + "))";
      wkts.push_back(std::move(w));
    }
  const LoadedZoneLevel level = make_level(wkts);
  const auto t0 = std::chrono::steady_clock::now();
  const ZoneRaster r = rasterize_zones(level, grid);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  WARN("rasterised " << grid.cell_count() << " cells, " << wkts.size() << " zones in " << seconds << " s");
  CHECK(r.covered_cells() == grid.cell_count());
  CHECK(r.overlapping_cells == 0);
  CHECK(r.cells_in(0) == 6400);
  CHECK(seconds < 10);
}
