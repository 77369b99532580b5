#pragma once
// Cells to polygons: the outline of every label of a label grid (service areas by threshold, catchments by
// facility, gap clusters by id), on exact cell edges; and a smoother outline of such polygons for maps that never
// gives up covered area. docs/layers.md and docs/method/polygons.md describe the rules.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "core/grid.hpp"
#include "geo/geos.hpp"

namespace carereach::io {

struct LabelledPolygon {
  std::uint32_t label = 0;
  std::size_t cell_count = 0;  ///< cells carrying the label; polygon area = cell_count × cell_size_m²
  geo::Geometry polygon;       ///< Polygon or MultiPolygon in the grid's CRS, valid, on exact cell edges
};

/// One valid (multi)polygon per distinct label other than `no_label`, sorted by label, made of the label's cells
/// with their exact edges, traced along the cell edges (geo::trace_cell_polygons, which states the rules) without
/// GDAL or any overlay. Cells are joined through shared edges only (4-connectivity): two cells touching at a corner
/// are two parts of a MultiPolygon, and a hole whose cells touch the outside at a corner is a hole that touches the
/// shell at that point (both valid). Polygons of different labels share their boundary vertices exactly.
/// label_of_cell is row-major like the grid (grid.index(col, row)). Throws std::invalid_argument when label_of_cell
/// does not hold grid.cell_count() values, std::runtime_error when GEOS fails (out of memory).
std::vector<LabelledPolygon> polygonize_labels(const Grid& grid, std::span<const std::uint32_t> label_of_cell,
                                               std::uint32_t no_label);

/// Labels on a grid (row-major like the grid), 0 = none.
struct LabelGrid {
  Grid grid;
  std::vector<std::uint32_t> labels;
};

/// The labels on a grid `factor` times coarser, for drawing at a scale where single cells cannot be seen (same
/// origin; the last row and column of blocks may reach past the grid): each block takes the label most of its
/// labelled cells carry (ties: the smaller label), 0 when none of its cells is labelled. factor 1 copies. Throws
/// std::invalid_argument when labels does not hold grid.cell_count() values or factor is 0.
LabelGrid coarsen_labels(const Grid& grid, const std::vector<std::uint32_t>& labels, std::uint32_t factor);

/// A smoother outline of a polygon made of cells (from polygonize_labels) that keeps every covered point:
///   result = union(original, C(original)) made valid,
/// where C cuts the corners of every ring (shells and holes) with two passes of Chaikin's algorithm whose cut
/// along an edge is min(edge length / 4, cell_size_m / 4). Convex corners keep their cell edges (the cut falls
/// inside and the union restores them); concave corners (notches of a staircase, corners of holes) are filled by
/// a small bevel. Area gained per concave right-angled corner: 5/128 cell² when both edges beside it are one cell
/// long, at most 3/64 cell²; nothing added lies more than cell_size_m / 8 from the original. Collinear vertices are
/// dropped before cutting, so the result does not depend on how the outline was split into vertices.
/// A null or empty geometry is returned as is. Throws std::invalid_argument when cell_size_m is not a positive
/// number, std::runtime_error when GEOS fails.
/// This is the general form, by overlay, for any (multi)polygon; for outlines traced by geo::trace_cell_polygons,
/// geo::smooth_cell_polygons builds the same point set directly (the service areas of `carereach run` use it).
geo::Geometry smooth_without_loss(const geo::Geometry& cells_polygon, double cell_size_m);

}  // namespace carereach::io
