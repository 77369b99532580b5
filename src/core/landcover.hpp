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

/// AccessMod's bicycling model on slopes (r.walk.accessmod's bicycle function, after the power balance of
/// kreuzotter.de): the rider keeps the power that moves the bicycle at the cell's table speed on flat ground, and the
/// slope changes the speed that power gives. docs/method/raster-travel-time.md, "Bicycling on slopes". The defaults
/// are AccessMod's constants: 80 kg rider and 12 kg bicycle, drag area 0.4 m², rolling resistance 0.008, dynamic
/// rolling resistance 0.2 N·s/m, no wind, and the air density at 350 m and 20 °C.
struct BicyclePowerModel {
  double mass_kg = 92.0;
  double cda_m2 = 0.4;
  double rolling_resistance = 0.008;
  double dynamic_rolling_ns_m = 0.2;
  /// ρ0 · (273.15 / 293.15) · exp(−ρ0 · g · 350 / p0), ρ0 = 1.225 kg/m³, p0 = 101,325 Pa, g = 9.81 m/s².
  double air_density_kg_m3 = 1.0950140045541992;
};

struct RasterTravelData {
  static constexpr std::int32_t kNoClass = std::numeric_limits<std::int32_t>::min();
  std::vector<std::int32_t> landcover;  ///< per cell: the class at the cell centre, kNoClass where none; empty = none
  std::vector<LandCoverClass> classes;  ///< the speed table
  /// per cell: seconds per metre of a friction surface given directly ([raster.friction]), NaN where none; empty =
  /// none (then the land cover gives the speeds)
  std::vector<float> friction_s_per_m;
  std::vector<float> elevation_m;       ///< per cell (bilinear at the centre), NaN where none; empty = no DEM
  std::vector<std::uint8_t> barrier;    ///< per cell, 1 = a barrier; empty = none
  std::size_t barrier_cells = 0;
};

}  // namespace carereach
