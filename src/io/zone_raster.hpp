#pragma once
// Zone rasters: which zone each cell of the analysis grid belongs to. A cell belongs to the zone whose polygon
// contains the cell centre (docs/method/population.md, "Cells of a polygon"). The same scanline fill gives the
// cells of any list of polygons (population polygons), independently of one another.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "core/grid.hpp"
#include "geo/geos.hpp"
#include "io/zones.hpp"

namespace carereach::io {

/// A part of the grid's lattice: the grid's rows and columns, continued beyond its edges when the window is
/// wider than the grid. Cell centres follow Grid::centre_x_m / centre_y_m for every (also negative) index.
struct LatticeWindow {
  std::int64_t col0 = 0;  ///< first column (negative: left of the grid)
  std::int64_t row0 = 0;  ///< first row (negative: above the grid)
  std::int64_t cols = 0;
  std::int64_t rows = 0;

  /// The grid itself.
  static LatticeWindow of(const Grid& grid);
  /// This window widened to hold every cell whose centre may lie in env (an envelope in the grid's CRS).
  [[nodiscard]] LatticeWindow widened(const Grid& grid, const geo::Envelope& env) const;
};

/// Cells of one lattice row whose centres lie inside polygon `polygon`: columns col_begin … col_end − 1 of row
/// `row` (lattice indices: on the grid when 0 ≤ col < grid.cols and 0 ≤ row < grid.rows).
struct CellRun {
  std::uint32_t polygon = 0;
  std::int64_t row = 0;
  std::int64_t col_begin = 0;
  std::int64_t col_end = 0;
};

/// The cell-centre rule for a list of polygons (in the grid's CRS) over a window of the lattice: calls
/// visit(run) for every run of cells whose centres a polygon contains, row by row, and within a row by polygon
/// index, then column. Each polygon is rasterised on its own: the runs of one polygon never overlap, runs of
/// overlapping polygons do. Boundary rule as for rasterize_zones. Null, empty and non-polygonal geometries give
/// no run.
void rasterize_polygons(std::span<const geo::Geometry> polygons, const Grid& grid, const LatticeWindow& window,
                        const std::function<void(const CellRun&)>& visit);

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
