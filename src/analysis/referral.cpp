#include "analysis/referral.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include "core/population.hpp"
#include "core/travel_time.hpp"

namespace carereach::analysis {

std::vector<ReferralRow> referral_times(const RoadData* roads, const RasterTravelData* raster, const Grid& grid,
                                        const TravelSettings& settings, const Standard& standard,
                                        std::span<const Facility* const> from, std::span<const Facility* const> to,
                                        double limit_min, Diagnostics& diag) {
  if (!standard.threshold_min)
    throw std::invalid_argument("standard " + standard.id + " is a distance standard, not a time standard");
  if (!(limit_min > 0.0) || !std::isfinite(limit_min))
    throw std::invalid_argument("standard " + standard.id + ": the referral limit must be a positive number of minutes");
  std::vector<ReferralRow> out(from.size());
  PopulationGrid sources;
  sources.grid = grid;
  sources.persons.assign(grid.cell_count(), 0.0);
  std::vector<std::size_t> cell_of(from.size(), SIZE_MAX);
  for (std::size_t i = 0; i < from.size(); ++i) {
    out[i].from = from[i]->id.value;
    if (auto c = grid.cell_at(from[i]->x_m, from[i]->y_m)) {
      cell_of[i] = *c;
      sources.persons[*c] = 1.0;
    } else {
      out[i].status = ReferralStatus::kOutsideGrid;
    }
  }
  if (to.empty()) return out;
  TravelModel model(roads, sources, raster, settings);
  // The model's own warnings speak of "populated cells" and repeat the road checks of the standards; only those
  // about the target facilities (far from a road, not joined, outside the grid) are passed on.
  Diagnostics local;
  const StandardTravel t = model.compute_facilities(standard, to, limit_min, local, nullptr);
  for (const Problem& p : local.all())
    if (p.code.view().starts_with("facility.")) diag.add(p);
  for (std::size_t i = 0; i < from.size(); ++i) {
    if (cell_of[i] == SIZE_MAX) continue;
    const float m = t.field.minutes[cell_of[i]];
    if (m == TravelTimeField::kUnreached || static_cast<double>(m) > limit_min) continue;
    out[i].minutes = static_cast<double>(m);
    out[i].to = t.field.nearest[cell_of[i]];
    out[i].status = ReferralStatus::kReached;
  }
  return out;
}

}  // namespace carereach::analysis
