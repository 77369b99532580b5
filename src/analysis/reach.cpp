#include "analysis/reach.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "core/travel_time.hpp"

namespace carereach::analysis {

std::vector<FacilityReach> facility_reach(TravelModel& model, const Standard& standard,
                                          std::span<const Facility> facilities, double limit_min, Diagnostics& diag,
                                          ProgressSink* progress, ReachMethod method) {
  if (!standard.threshold_min)
    throw std::invalid_argument("standard " + standard.id + " is a distance standard, not a time standard");
  if (!(limit_min > 0.0) || !std::isfinite(limit_min))
    throw std::invalid_argument("standard " + standard.id + ": the reach limit must be a positive number of minutes");
  std::vector<FacilityReach> out;
  out.reserve(facilities.size());
  ProgressStep step(progress, "reach of each facility " + standard.id);
  const float limit = static_cast<float>(limit_min);
  const std::vector<double>& persons = model.population().persons;
  std::vector<std::pair<std::uint32_t, float>> found;
  for (const Facility& f : facilities) {
    FacilityReach r;
    r.facility = f.id.value;
    found.clear();
    if (method == ReachMethod::kLocal) {
      r.joined = model.reach_one(standard, f, limit_min, diag, found);
    } else {
      const Facility* one[] = {&f};
      StandardTravel t = model.compute_facilities(standard, one, limit_min, diag, nullptr);
      r.joined = t.access.empty() || t.access.front().joined;
      const TravelTimeField& field = t.field;
      for (std::size_t c = 0; c < field.minutes.size(); ++c) {
        const float m = field.minutes[c];
        if (m == TravelTimeField::kUnreached || m > limit || !(persons[c] > 0.0)) continue;
        found.emplace_back(static_cast<std::uint32_t>(c), m);
      }
    }
    r.cells.reserve(found.size());
    for (const auto& [cell, minutes] : found) r.cells.push_back({cell, minutes});
    std::sort(r.cells.begin(), r.cells.end(), [](const ReachedCell& a, const ReachedCell& b) {
      return a.minutes != b.minutes ? a.minutes < b.minutes : a.cell < b.cell;
    });
    out.push_back(std::move(r));
    step.update(out.size(), facilities.size());
  }
  return out;
}

}  // namespace carereach::analysis
