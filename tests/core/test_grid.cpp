#include <catch2/catch.hpp>

#include "core/grid.hpp"

using namespace carereach;

TEST_CASE("grid covering an extent snaps outwards to the cell size", "[grid]") {
  const Grid g = Grid::covering(1050.0, 2020.0, 1390.0, 2310.0, 100.0);
  CHECK(g.origin_x_m == 1000.0);
  CHECK(g.origin_y_m == 2400.0);
  CHECK(g.cols == 4);  // 1000..1400
  CHECK(g.rows == 4);  // 2000..2400
  CHECK(g.cell_count() == 16);
  CHECK(g.cell_area_km2() == Approx(0.01));
}

TEST_CASE("cells are half-open, row 0 at the top", "[grid]") {
  Grid g;
  g.origin_x_m = 0;
  g.origin_y_m = 300;
  g.cell_size_m = 100;
  g.cols = 3;
  g.rows = 3;
  CHECK(g.cell_at(50, 250) == std::optional<std::size_t>(0));
  CHECK(g.cell_at(250, 50) == std::optional<std::size_t>(8));
  CHECK(g.cell_at(100, 250) == std::optional<std::size_t>(1));  // on the edge: the cell to the right
  CHECK(g.cell_at(50, 200) == std::optional<std::size_t>(3));   // on the edge: the cell below
  CHECK_FALSE(g.cell_at(300, 50).has_value());
  CHECK_FALSE(g.cell_at(-0.001, 50).has_value());
  CHECK_FALSE(g.cell_at(50, 300.001).has_value());
  CHECK(g.centre_x_m(2) == 250);
  CHECK(g.centre_y_m(0) == 250);
}

TEST_CASE("grid rejects empty extents", "[grid]") {
  CHECK_THROWS(Grid::covering(0, 0, 10, 10, 0));
  CHECK_THROWS(Grid::covering(10, 0, 0, 10, 100));
}
