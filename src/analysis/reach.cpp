#include "analysis/reach.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include "core/travel_time.hpp"

namespace carereach::analysis {

std::vector<FacilityReach> facility_reach(TravelModel& model, const Standard& standard,
                                          std::span<const Facility> facilities, double limit_min, Diagnostics& diag,
                                          ProgressSink* progress, ReachMethod method) {
  if (!standard.threshold_min)
    throw std::invalid_argument("standard " + standard.id + " is a distance standard, not a time standard");
  if (!(limit_min > 0.0) || !std::isfinite(limit_min))
    throw std::invalid_argument("standard " + standard.id + ": the reach limit must be a positive number of minutes");
  const std::size_t n = facilities.size();
  std::vector<FacilityReach> out(n);
  ProgressStep step(progress, "reach of each facility " + standard.id);
  const float limit = static_cast<float>(limit_min);
  const std::vector<double>& persons = model.population().persons;

  // One facility: its cells, sorted; its warnings in its own list (merged in facility order below).
  auto one = [&](std::size_t k, Diagnostics& d) {
    const Facility& f = facilities[k];
    FacilityReach& r = out[k];
    r.facility = f.id.value;
    std::vector<std::pair<std::uint32_t, float>> found;
    if (method == ReachMethod::kLocal) {
      r.joined = model.reach_one(standard, f, limit_min, d, found);
    } else {
      const Facility* single[] = {&f};
      StandardTravel t = model.compute_facilities(standard, single, limit_min, d, nullptr);
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
  };

  if (method == ReachMethod::kWholeGrid) {
    // The reference: one facility after the other (each search is parallel inside).
    for (std::size_t k = 0; k < n; ++k) {
      one(k, diag);
      step.update(k + 1, n);
    }
    return out;
  }
  // The mode's structures first (with their warnings), then the facilities in parallel, in chunks so that the
  // progress is reported from this thread; each facility's warnings are kept and added in facility order, so the
  // result and the warnings do not depend on the threads.
  model.prepare_reach(standard, diag);
  constexpr std::size_t kChunk = 512;
  std::vector<Diagnostics> local(std::min(n, kChunk));
  for (std::size_t begin = 0; begin < n; begin += kChunk) {
    const std::size_t end = std::min(n, begin + kChunk);
    for (std::size_t k = begin; k < end; ++k) local[k - begin] = Diagnostics{};
    tbb::parallel_for(tbb::blocked_range<std::size_t>(begin, end, 1), [&](const tbb::blocked_range<std::size_t>& r) {
      for (std::size_t k = r.begin(); k != r.end(); ++k) one(k, local[k - begin]);
    });
    for (std::size_t k = begin; k < end; ++k)
      for (const Problem& p : local[k - begin].all()) diag.add(p);
    step.update(end, n);
  }
  return out;
}

}  // namespace carereach::analysis
