#include "core/population.hpp"

#include <algorithm>

namespace carereach {

double PopulationGrid::total() const {
  CompensatedSum sum;
  for (const double v : persons) sum.add(v);
  return sum.value();
}

std::size_t PopulationGrid::populated_cells() const {
  return static_cast<std::size_t>(std::count_if(persons.begin(), persons.end(), [](double v) { return v > 0.0; }));
}

}  // namespace carereach
