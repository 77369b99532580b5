#pragma once
// The synthetic population surface: persons per cell over the extent, from a rural floor that varies smoothly
// (with empty patches) plus one decaying density kernel per settlement.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "synthetic/layout.hpp"
#include "synthetic/spec.hpp"

namespace carereach::synthetic {

struct PopulationRaster {
  double origin_x_m = 0.0;  ///< left edge
  double origin_y_m = 0.0;  ///< top edge
  double cell_size_m = 100.0;
  std::uint32_t cols = 0;
  std::uint32_t rows = 0;
  std::vector<float> persons;  ///< row-major from the top row

  /// Persons in the cell containing (x, y); 0 outside.
  [[nodiscard]] float at(double x_m, double y_m) const;
  [[nodiscard]] double total() const;
};

/// Kernel radii (metres): density falls as exp(-distance / radius) around the settlement's centre.
inline constexpr double kCountyTownRadiusM = 1100.0;
inline constexpr double kTownRadiusM = 320.0;
inline constexpr double kVillageRadiusM = 110.0;

PopulationRaster make_population(const SyntheticSpec& spec, const Layout& layout);

}  // namespace carereach::synthetic
