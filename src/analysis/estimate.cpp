#include "analysis/estimate.hpp"

#include <cmath>
#include <stdexcept>

#include "analysis/coverage.hpp"
#include "core/units.hpp"

namespace carereach::analysis {

TravelTimeField estimate_travel_times(const Grid& grid, std::span<const double> x_m, std::span<const double> y_m,
                                      std::span<const std::uint32_t> ids, const EstimateParameters& p) {
  if (!(p.circuity >= 1.0) || !std::isfinite(p.circuity))
    throw std::invalid_argument("straight-line estimate: the circuity must be at least 1");
  if (!(p.speed_kmh > 0.0) || !std::isfinite(p.speed_kmh))
    throw std::invalid_argument("straight-line estimate: the speed must be a positive number of km/h");
  if (!(p.limit_min > 0.0)) throw std::invalid_argument("straight-line estimate: the limit must be positive");
  // Minutes per metre of straight line, and the straight line the limit allows.
  const double min_per_m = p.circuity / units::kmh_to_mps(p.speed_kmh) / units::kSecPerMin;
  const double limit_m = std::isinf(p.limit_min) ? p.limit_min : p.limit_min / min_per_m;
  TravelTimeField field;
  field.grid = grid;
  field.minutes.resize(grid.cell_count());
  field.nearest.resize(grid.cell_count());
  straight_line_to_points(grid, x_m, y_m, ids, limit_m, min_per_m, field.minutes, field.nearest);
  // The distance limit holds within rounding; the time limit is the rule.
  const auto limit = static_cast<float>(p.limit_min);
  for (std::size_t c = 0; c < field.minutes.size(); ++c)
    if (field.minutes[c] > limit) {
      field.minutes[c] = TravelTimeField::kUnreached;
      field.nearest[c] = TravelTimeField::kNoFacility;
    }
  return field;
}

}  // namespace carereach::analysis
