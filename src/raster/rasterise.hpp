#pragma once
// Lines onto the analysis grid: every cell a segment passes through (a "supercover" line, 4-connected, so a
// barrier line cannot be crossed diagonally and a road is continuous for the 8/16-neighbour search).
// Roads become a per-cell speed (the fastest road of the mode in the cell), barriers a per-cell mask.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/grid.hpp"
#include "core/road_data.hpp"
#include "core/speeds.hpp"
#include "core/standard.hpp"
#include "raster/friction.hpp"

namespace carereach::raster {

/// Appends to `cells` the Grid::index of every cell that the segment (x0, y0)–(x1, y1) (analysis CRS, metres)
/// passes through (a piece of positive length inside the cell), in order from the first point, each once. Parts
/// outside the grid are left out. Cells are half-open as in Grid::cell_at: a segment running exactly along a cell
/// edge belongs to the cells to the right of / below it. Where the segment passes exactly through a cell corner, one
/// of the two cells beside the corner is listed too (the one across the column edge), so the line stays
/// 4-connected. A zero-length segment lists the cell holding its point.
void cells_on_segment(const Grid& grid, double x0_m, double y0_m, double x1_m, double y1_m,
                      std::vector<std::size_t>& cells);

/// Appends the cells of a polyline: the cells of each segment in turn; where two segments meet exactly on a cell
/// corner, the cell across the column edge joins them, so the whole line stays 4-connected. A cell can appear more
/// than once (a vertex inside a cell ends one segment and starts the next there).
void cells_on_polyline(const Grid& grid, std::span<const double> xs_m, std::span<const double> ys_m,
                       std::vector<std::size_t>& cells);

/// Road speeds rasterised onto a grid.
struct RoadRaster {
  std::vector<float> speed_kmh;  ///< per cell: the fastest road rasterised into it; 0 = no road
  /// Per cell: the mode of that fastest road, or empty when every road is travelled in the standard's own mode
  /// (no [raster.road_modes]).
  std::vector<SpeedMode> mode;
  std::size_t ways_used = 0;     ///< ways with a speed > 0 that touch the grid
  std::size_t cells_with_road = 0;
};

/// Burns every way with speed way_speed_kmh[w] > 0 into every cell its segments pass through, keeping the
/// highest speed per cell. way_speed_kmh has one entry per way of `roads` (0 = the way is not used).
RoadRaster rasterise_way_speeds(const RoadData& roads, const Grid& grid, std::span<const float> way_speed_kmh);

/// As rasterise_way_speeds, with each way at the speed of its class (0 = the class is not used).
RoadRaster rasterise_roads(const RoadData& roads, const Grid& grid,
                           const std::array<double, kRoadClassCount>& speed_kmh_by_class);

/// The speed of every way for one travel mode, by the rule of docs/method/speeds.md ("How the speed of a road is
/// found"): 0 when the mode may not use the way (access bits, class speed 0); otherwise the class speed of the mode,
/// times link_factor on *_link ways; a line layer's own speed replaces it for cars and caps it for the other modes;
/// capped at the way's maxspeed when the mode caps. kMixed takes the faster of the car speed (ways open to cars) and
/// the walking speed (ways open to walking).
std::vector<float> way_speeds_for_mode(const RoadData& roads, TravelMode mode, const SpeedProfile& profile);

/// rasterise_way_speeds with way_speeds_for_mode.
RoadRaster rasterise_roads(const RoadData& roads, const Grid& grid, TravelMode mode, const SpeedProfile& profile);

/// A travel mode per road class ([raster.road_modes], as AccessMod's scenario table gives every class of its merged
/// land cover a mode); nullopt: the class is travelled in the standard's own mode.
using RoadClassModes = std::array<std::optional<SpeedMode>, kRoadClassCount>;

/// The raster mode of a standard's travel mode: walk → WALKING, bicycle and e-bike → BICYCLING, car and mixed →
/// MOTORIZED.
SpeedMode raster_mode_of(TravelMode mode);

/// The speed and raster mode of every way for a standard of travel mode `mode`, with a mode per road class
/// (docs/method/raster-travel-time.md, "A mode per road class"). For a way whose class has a mode m:
///  - m is the standard's own raster mode, or no mode is given: the way's speed for `mode`, in the standard's mode;
///  - m is slower (a track walked by a car standard): the way's speed for m's mode (walking → walk, bicycling →
///    bicycle, by the same rule and access bits) and mode m, so the slope rules of m apply there;
///  - m is faster (a motorized class for a walker): the way's speed for `mode`, in the standard's mode — a class
///    cannot make a traveller faster than the mode they travel in.
struct WayModes {
  std::vector<float> speed_kmh;
  std::vector<SpeedMode> mode;
};
WayModes way_speeds_with_modes(const RoadData& roads, TravelMode mode, const SpeedProfile& profile,
                               const RoadClassModes& class_modes);

/// Burns every way with speed > 0 into the cells it passes through, keeping per cell the fastest way's speed and
/// its mode (equal speeds: the faster mode). RoadRaster::mode is filled.
RoadRaster rasterise_way_modes(const RoadData& roads, const Grid& grid, const WayModes& ways);

/// Sets mask[cell] = 1 for every cell the polyline (xs[i], ys[i]) passes through (barrier lines: rivers, cliffs,
/// walls). mask has one entry per grid cell.
void mark_polyline(const Grid& grid, std::span<const double> xs_m, std::span<const double> ys_m,
                   std::vector<std::uint8_t>& mask);

}  // namespace carereach::raster
