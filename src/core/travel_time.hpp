#pragma once
// The result every coverage figure rests on: for each grid cell, the minutes to the nearest facility that meets
// a standard, and which facility that is.

#include <cstdint>
#include <limits>
#include <vector>

#include "core/default_init.hpp"
#include "core/grid.hpp"

namespace carereach {

struct TravelTimeField {
  /// Minutes for a cell that was not reached within the search limit, or was not computed (no population, no
  /// access): never a large number, always this. Written as no-data in rasters.
  static constexpr float kUnreached = std::numeric_limits<float>::infinity();
  static constexpr std::uint32_t kNoFacility = std::numeric_limits<std::uint32_t>::max();

  Grid grid;
  // Per cell (Grid::index order). The engines size these and then write every cell (resize does not zero them).
  UninitVector<float> minutes;          ///< minutes, or kUnreached
  UninitVector<std::uint32_t> nearest;  ///< FacilityId value of the nearest facility, or kNoFacility

  [[nodiscard]] bool reached(std::size_t cell) const { return minutes[cell] != kUnreached; }
};

}  // namespace carereach
