#pragma once
// Inputs of the raster (AccessMod-compatible) engine on the analysis grid, as plain data: land-cover classes with
// their speed table, elevation and barrier cells.

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace carereach {

/// A land-cover class of the speed table (AccessMod's travel scenario table).
struct LandCoverClass {
  std::int32_t value = 0;
  std::string label;
  double speed_kmh = 0.0;  ///< 0 = cannot be crossed (water)
  std::string mode;        ///< "walking", "bicycling" or "motorized"
};

struct RasterTravelData {
  static constexpr std::int32_t kNoClass = std::numeric_limits<std::int32_t>::min();
  std::vector<std::int32_t> landcover;  ///< per cell: the class at the cell centre, kNoClass where none; empty = none
  std::vector<LandCoverClass> classes;  ///< the speed table
  std::vector<float> elevation_m;       ///< per cell (bilinear at the centre), NaN where none; empty = no DEM
  std::vector<std::uint8_t> barrier;    ///< per cell, 1 = a barrier; empty = none
  std::size_t barrier_cells = 0;
};

}  // namespace carereach
