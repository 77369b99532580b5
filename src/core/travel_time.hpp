#pragma once
// The result every coverage figure rests on: for each grid cell, the minutes to the nearest facility that meets
// a standard, and which facility that is.

#include <cstdint>
#include <limits>
#include <vector>

#include "core/grid.hpp"

namespace carereach {

struct TravelTimeField {
  /// Minutes for a cell that was not reached within the search limit, or was not computed (no population, no
  /// access): never a large number, always this. Written as no-data in rasters.
  static constexpr float kUnreached = std::numeric_limits<float>::infinity();
  static constexpr std::uint32_t kNoFacility = std::numeric_limits<std::uint32_t>::max();

  Grid grid;
  std::vector<float> minutes;          ///< per cell (Grid::index order)
  std::vector<std::uint32_t> nearest;  ///< per cell: FacilityId value of the nearest facility, or kNoFacility

  [[nodiscard]] bool reached(std::size_t cell) const { return minutes[cell] != kUnreached; }
};

}  // namespace carereach
