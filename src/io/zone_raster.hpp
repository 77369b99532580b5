#pragma once
// Zone rasters: which zone each cell of the analysis grid belongs to. A cell belongs to the zone whose polygon
// contains the cell centre (docs/method/population.md, "Cells of a zone").

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "core/grid.hpp"
#include "io/zones.hpp"

namespace carereach::io {

struct ZoneRaster {
  std::string level;                        ///< the zone level ("county", "township" …)
  std::vector<std::uint32_t> zone_of_cell;  ///< per cell, row-major as Grid::index: zone index, or kNone
  static constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();
  std::size_t zone_count = 0;               ///< zones of the level (zone indices are 0 … zone_count-1)
  std::size_t overlapping_cells = 0;        ///< cells whose centre lies in two zones (kept by the lower index)

  /// Cells of one zone (one pass over the grid: use cells_per_zone() for many zones).
  [[nodiscard]] std::size_t cells_in(std::uint32_t zone) const;
  /// Cells of every zone, indexed by zone (one pass).
  [[nodiscard]] std::vector<std::size_t> cells_per_zone() const;
  /// Cells that belong to some zone.
  [[nodiscard]] std::size_t covered_cells() const;
  [[nodiscard]] bool covers(std::size_t cell) const { return zone_of_cell[cell] != kNone; }
};

/// Assigns each grid cell to the zone whose polygon contains its centre: an exact scanline fill over the polygon
/// edges (no GDAL rasteriser, no per-cell point-in-polygon test). A centre on a zone boundary belongs to exactly
/// one of the zones sharing it (the one to its right, or above on a horizontal edge), so zones that share edges
/// never both claim a cell and never both miss one. Throws std::invalid_argument when the level has no polygons
/// (a seats level) or the polygon count differs from the zone count.
ZoneRaster rasterize_zones(const LoadedZoneLevel& zones, const Grid& grid);

/// The study-area mask: the raster of the study-area level, whose covered cells make up the study area.
/// (The same as rasterize_zones; named for readability at call sites.)
inline ZoneRaster study_area_mask(const LoadedZoneLevel& study_area_level, const Grid& grid) {
  return rasterize_zones(study_area_level, grid);
}

}  // namespace carereach::io
