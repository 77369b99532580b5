#include "analysis/capacity.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>

#include "core/population.hpp"

namespace carereach::analysis {

CapacityResult capacity_coverage(const CapacityInput& in) {
  const std::size_t n = in.reach.size();
  if (in.capacity.size() != n) throw std::invalid_argument("capacity_coverage: one capacity per facility is needed");
  if (in.order == CapacityOrder::kValue && in.order_value.size() != n)
    throw std::invalid_argument("capacity_coverage: one order value per facility is needed");
  const std::size_t cells = in.persons.size();
  CapacityResult out;
  out.facilities.resize(n);
  out.residual.assign(in.persons.begin(), in.persons.end());
  out.within.assign(cells, 0);
  out.main_facility.assign(cells, kNoFacilityIndex);
  std::vector<double> main_taken(cells, 0.0);

  // Initial population within the threshold of each facility (the population order, and the table's column).
  for (std::size_t i = 0; i < n; ++i) {
    const double cap = in.capacity[i];
    if (!(cap >= 0.0) || !std::isfinite(cap))
      throw std::invalid_argument("capacity_coverage: capacity of facility " + std::to_string(in.reach[i].facility) +
                                  " is negative or not a number");
    FacilityCapacity& f = out.facilities[i];
    f.facility = in.reach[i].facility;
    f.capacity = cap;
    CompensatedSum sum;
    for (const ReachedCell& c : in.reach[i].cells) {
      if (c.cell >= cells) throw std::invalid_argument("capacity_coverage: a reached cell is outside the grid");
      if (in.persons[c.cell] > 0.0) sum.add(in.persons[c.cell]);
      out.within[c.cell] = 1;
    }
    f.population_within = sum.value();
  }

  out.order.resize(n);
  std::iota(out.order.begin(), out.order.end(), 0u);
  std::sort(out.order.begin(), out.order.end(), [&](std::uint32_t a, std::uint32_t b) {
    const double va = in.order == CapacityOrder::kValue ? in.order_value[a] : out.facilities[a].population_within;
    const double vb = in.order == CapacityOrder::kValue ? in.order_value[b] : out.facilities[b].population_within;
    if (va != vb) return va > vb;
    return out.facilities[a].facility < out.facilities[b].facility;
  });

  for (std::uint32_t rank = 0; rank < n; ++rank) {
    const std::uint32_t i = out.order[rank];
    FacilityCapacity& f = out.facilities[i];
    f.rank = rank;
    const FacilityReach& r = in.reach[i];
    if (!r.joined) {
      f.status = CapacityStatus::kNotJoined;
      continue;
    }
    if (f.capacity == 0.0) {
      f.status = CapacityStatus::kNoCapacity;
      continue;
    }
    double left = f.capacity;
    const std::vector<ReachedCell>& list = r.cells;
    f.status = CapacityStatus::kThresholdFirst;
    std::size_t a = 0;
    while (a < list.size()) {
      // One ring: the cells of equal travel time.
      std::size_t b = a;
      CompensatedSum ring;
      while (b < list.size() && list[b].minutes == list[a].minutes) {
        if (out.residual[list[b].cell] > 0.0) ring.add(out.residual[list[b].cell]);
        ++b;
      }
      const double ring_pop = ring.value();
      if (ring_pop > 0.0) {
        const bool whole = ring_pop <= left;
        const double share = whole ? 1.0 : left / ring_pop;
        for (std::size_t k = a; k < b; ++k) {
          const std::uint32_t c = list[k].cell;
          const double have = out.residual[c];
          if (!(have > 0.0)) continue;
          const double take = whole ? have : have * share;
          out.residual[c] = whole ? 0.0 : std::max(0.0, have - take);
          f.served += take;
          ++f.cells_taken;
          if (take > main_taken[c] ||
              (take == main_taken[c] && out.main_facility[c] != kNoFacilityIndex &&
               out.facilities[out.main_facility[c]].facility > f.facility)) {
            main_taken[c] = take;
            out.main_facility[c] = i;
          }
        }
        f.last_min = list[a].minutes;
        if (whole) {
          left -= ring_pop;
          if (left <= 0.0) {
            f.status = CapacityStatus::kCapacityReached;
            f.reached_min = list[a].minutes;
            break;
          }
        } else {
          left = 0.0;
          f.served = f.capacity;  // met exactly (the ring's parts add up to `left` up to rounding)
          f.status = CapacityStatus::kCapacityReached;
          f.reached_min = list[a].minutes;
          break;
        }
      }
      a = b;
    }
  }
  return out;
}

}  // namespace carereach::analysis
