#include "core/grid.hpp"

#include <algorithm>
#include <stdexcept>

namespace carereach {

Grid Grid::covering(double min_x_m, double min_y_m, double max_x_m, double max_y_m, double cell_size_m) {
  if (!(cell_size_m > 0)) throw std::invalid_argument("Grid::covering: cell size must be positive");
  if (!(max_x_m >= min_x_m && max_y_m >= min_y_m)) throw std::invalid_argument("Grid::covering: empty extent");
  Grid g;
  g.cell_size_m = cell_size_m;
  const double x0 = std::floor(min_x_m / cell_size_m) * cell_size_m;
  const double y0 = std::ceil(max_y_m / cell_size_m) * cell_size_m;
  const double x1 = std::ceil(max_x_m / cell_size_m) * cell_size_m;
  const double y1 = std::floor(min_y_m / cell_size_m) * cell_size_m;
  g.origin_x_m = x0;
  g.origin_y_m = y0;
  g.cols = static_cast<std::uint32_t>(std::max(1.0, std::round((x1 - x0) / cell_size_m)));
  g.rows = static_cast<std::uint32_t>(std::max(1.0, std::round((y0 - y1) / cell_size_m)));
  return g;
}

}  // namespace carereach
