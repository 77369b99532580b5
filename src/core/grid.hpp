#pragma once
// The analysis grid: square cells in the projected analysis CRS (metres), north-up, row 0 at the top.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace carereach {

struct Grid {
  double origin_x_m = 0.0;  ///< x of the left edge of column 0
  double origin_y_m = 0.0;  ///< y of the top edge of row 0
  double cell_size_m = 100.0;
  std::uint32_t cols = 0;
  std::uint32_t rows = 0;

  [[nodiscard]] std::size_t cell_count() const { return static_cast<std::size_t>(cols) * rows; }
  [[nodiscard]] double cell_area_km2() const { return cell_size_m * cell_size_m / 1.0e6; }
  [[nodiscard]] double max_x_m() const { return origin_x_m + cols * cell_size_m; }
  [[nodiscard]] double min_y_m() const { return origin_y_m - rows * cell_size_m; }
  [[nodiscard]] std::size_t index(std::uint32_t col, std::uint32_t row) const {
    return static_cast<std::size_t>(row) * cols + col;
  }
  [[nodiscard]] double centre_x_m(std::uint32_t col) const { return origin_x_m + (col + 0.5) * cell_size_m; }
  [[nodiscard]] double centre_y_m(std::uint32_t row) const { return origin_y_m - (row + 0.5) * cell_size_m; }
  /// Index of the cell containing (x, y); nullopt outside the grid. A point on a shared edge belongs to the
  /// cell to its right / below (half-open cells).
  [[nodiscard]] std::optional<std::size_t> cell_at(double x_m, double y_m) const {
    const double c = std::floor((x_m - origin_x_m) / cell_size_m);
    const double r = std::floor((origin_y_m - y_m) / cell_size_m);
    if (!(c >= 0 && r >= 0 && c < cols && r < rows)) return std::nullopt;
    return index(static_cast<std::uint32_t>(c), static_cast<std::uint32_t>(r));
  }
  /// The grid over [min_x, max_x] x [min_y, max_y], edges snapped outwards to multiples of the cell size.
  static Grid covering(double min_x_m, double min_y_m, double max_x_m, double max_y_m, double cell_size_m);
};

}  // namespace carereach
