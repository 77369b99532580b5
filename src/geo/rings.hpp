#pragma once
// Plain coordinates out of GEOS geometries, for code that draws them (the report's SVG maps) and must not see the
// GEOS API. Coordinates are copied as they are: no transformation, no rounding, no reordering.

#include <vector>

namespace carereach::geo {

class Geometry;

/// One ring's vertices in order, x and y in the geometry's CRS (metres in the analysis CRS). Rings read from GEOS
/// are closed: the last vertex repeats the first. Rings built by hand may leave the closing vertex out.
struct Ring {
  std::vector<double> x, y;
};

/// A polygon: its outer ring and its holes, in the order GEOS keeps them (orientation as stored).
struct PolygonRings {
  Ring shell;
  std::vector<Ring> holes;
};

/// The polygons of a Polygon (one) or a MultiPolygon (one per non-empty part, in order). Empty for a null or empty
/// geometry and for every other type (points, lines, collections). Throws std::runtime_error when GEOS fails.
std::vector<PolygonRings> polygon_rings(const Geometry& g);

}  // namespace carereach::geo
