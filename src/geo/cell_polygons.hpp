#pragma once
// Polygons of a labelled grid traced along the cell edges: each 4-connected region of one label becomes one polygon
// (its outer ring and its holes), with no overlay and no GEOS work. Regions of different labels share their boundary
// vertices exactly (the same integer grid corner gives the same coordinates), so they neither overlap nor leave gaps.
// Pure computation: no files, no GDAL. docs/method/polygons.md describes the rules.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "core/grid.hpp"
#include "geo/rings.hpp"

namespace carereach::geo {

class Geometry;

/// The polygons of one label: its 4-connected regions, each an outer ring and its holes.
struct CellPolygons {
  std::uint32_t label = 0;
  std::size_t cell_count = 0;          ///< cells carrying the label; area = cell_count × cell_size_m²
  std::vector<PolygonRings> polygons;  ///< one per 4-connected region, in the order of their first cell (row-major)
};

/// Traces the outline of every label other than `no_label` (labels row-major like the grid: grid.index(col, row)),
/// sorted by label. Rules:
///  - cells are joined through shared edges only (4-connectivity): cells of one label touching at a corner only are
///    two polygons of that label, which touch at that point;
///  - at a corner where two cells of the label meet diagonally and the two others are not the label (a pinch): when
///    the two cells belong to different regions, each region's ring turns towards its own cell and the two rings
///    touch there; when they belong to the same region (joined elsewhere), the ring crosses over to the other cell,
///    so that the non-label cells on either side get rings of their own: the region's outer ring touches one of its
///    holes there, or two holes touch. Every ring is simple (visits no point twice), and every polygon valid in the
///    OGC sense (GDALPolygonize with its default 4-connectedness gives the same point sets);
///  - rings are closed (the last vertex repeats the first), keep only the corners where the outline turns (no
///    collinear vertex), outer rings counter-clockwise and holes clockwise (x east, y north); a vertex at grid corner
///    (i, j) is (origin_x_m + i × cell_size_m, origin_y_m − j × cell_size_m).
/// Throws std::invalid_argument when labels does not hold grid.cell_count() values or the grid has more than 2^32 − 1
/// cells.
std::vector<CellPolygons> trace_cell_polygons(const Grid& grid, std::span<const std::uint32_t> labels,
                                              std::uint32_t no_label);

/// A GEOS Polygon (one polygon) or MultiPolygon (several, in order; an empty Polygon for none) holding the rings as
/// they are. Nothing is checked or repaired: the caller guarantees validity, as trace_cell_polygons and
/// smooth_cell_polygons do. Throws std::runtime_error when GEOS fails and std::invalid_argument for a ring of fewer
/// than 4 vertices or whose x and y differ in length.
Geometry polygons_geometry(const std::vector<PolygonRings>& polygons);

/// A smoother outline of traced cell polygons (from trace_cell_polygons, at cell size `cell_size_m`) that keeps every
/// covered point: the same point set as io::smooth_without_loss gives (the union of the polygons with their
/// corner-cut copies, two passes of Chaikin's algorithm whose cut along an edge is min(edge / 4, cell_size_m / 4)),
/// built without an overlay. Where the outline turns away from the region (a concave corner), the corner is replaced
/// by the four points of the cut curve that lie outside (a bevel within cell_size_m / 2 of the corner, inside the
/// empty cell there); convex corners stay. Bevels lie in empty cells, never reach another ring or each other, so the
/// result is valid when the input is. Throws std::invalid_argument when cell_size_m is not a positive finite number.
std::vector<PolygonRings> smooth_cell_polygons(const std::vector<PolygonRings>& polygons, double cell_size_m);

/// Simplifies the outlines of every label of one trace (from trace_cell_polygons of `grid` and `labels`) together, for
/// drawing at a small scale: every stretch of outline between two labels (or a label and no label) that runs from
/// one node to the next — a node is a grid corner where three or more labels (no label counting as one) meet, or
/// two meet diagonally — is simplified once by Douglas–Peucker to `tolerance_m`, node to node, in a direction fixed
/// by its coordinates, so that the two labels on either side get exactly the same vertices there: no gap or overlap
/// between neighbouring labels appears, unlike simplifying each label by itself. A ring without a node is one
/// stretch, started at its smallest vertex. Vertices are only dropped, never moved (nodes the edges of a ring pass
/// straight through are added to it). A ring without a node that would keep fewer than 3 distinct vertices is kept
/// as it was, so small islands do not vanish; a ring with nodes that would (a region narrower than the tolerance
/// between other labels, whose neighbours now share the simplified stretch) is emptied: x and y empty, and a
/// polygon whose outer ring is empty is to be left out (drawable_cell_polygons does). Unlike GEOS's
/// topology-preserving simplification, rings are not checked against each other: a simplified outline may cross
/// another by up to the
/// tolerance (a fraction of a pixel for the report's maps). Throws std::invalid_argument for a negative or
/// non-finite tolerance or when labels does not hold grid.cell_count() values.
void simplify_cell_polygons(std::vector<CellPolygons>& traced, const Grid& grid, std::span<const std::uint32_t> labels,
                            std::uint32_t no_label, double tolerance_m);

/// The polygons without those simplify_cell_polygons emptied: a polygon whose outer ring is empty is left out, and
/// so is an empty hole.
std::vector<PolygonRings> drawable_cell_polygons(std::vector<PolygonRings> polygons);

}  // namespace carereach::geo
