#pragma once
// Static maps for the HTML report: a small map model (layers of polygons and points in the analysis CRS, a legend,
// labels given by the caller in the report's language) and a renderer to one standalone <svg> element. The output
// is deterministic — equal specs give equal bytes — and every text is escaped. docs/report-maps.md describes what a
// map holds and the rules (extent and aspect, scale bar, classes).
//
// Layout of the SVG (px, y down): a title band at the top; below it the map frame on the left, drawn at one scale in
// x and y so the extent keeps its aspect, north up; a panel on the right with the north arrow, the legend and the
// scale bar; the CRS note under the map. Map coordinates are metres in a projected CRS (the run's analysis CRS).

#include <span>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "geo/rings.hpp"

namespace carereach::report {

/// A rectangle in map coordinates (metres in the analysis CRS).
struct MapExtent {
  double min_x = 0, min_y = 0, max_x = 0, max_y = 0;
};

/// Polygons drawn as SVG paths (shell and holes in one path, fill-rule evenodd). A MultiPolygon feature is several
/// entries (geo::polygon_rings gives one per part) with the same fill and title.
struct MapLayerPolygons {
  std::vector<geo::PolygonRings> polygons;
  std::vector<std::string> fill;   ///< CSS colours: one per polygon, or one for all; empty: no fill ("none")
  std::string stroke = "#ffffff";  ///< outline colour; "none": no outline
  double stroke_width_px = 0.5;
  std::vector<std::string> titles;  ///< tooltips (escaped here): empty, or one per polygon ("" for none)
  double fill_opacity = 1.0;        ///< 0–1, for a layer laid over another (e.g. gap areas over travel times)
};

enum class PointShape { kCircle, kSquare, kTriangle, kDiamond };

/// Point symbols of a fixed size in px (facilities, candidate sites).
struct MapLayerPoints {
  std::vector<std::pair<double, double>> points;  ///< (x, y) in metres
  std::vector<std::string> fill;                  ///< one per point, or one for all
  double radius_px = 4.0;  ///< circle radius; half the side of the square; half the width of triangle and diamond
  PointShape shape = PointShape::kCircle;
  std::string stroke = "#333333";
  double stroke_width_px = 0.75;
  std::vector<std::string> titles;  ///< tooltips (escaped here): empty, or one per point ("" for none)
};

/// Text labels centred on points (ranks of gap areas, place names), with a white halo so they read over any fill.
struct MapLayerLabels {
  std::vector<std::pair<double, double>> points;  ///< (x, y) in metres
  std::vector<std::string> texts;                 ///< one per point (escaped here)
  double font_px = 12.0;
  std::string fill = "#222222";
  bool bold = true;
};

/// Layers are drawn in order: the first is at the bottom.
using MapLayer = std::variant<MapLayerPolygons, MapLayerPoints, MapLayerLabels>;

struct LegendEntry {
  std::string colour;
  std::string label;   ///< escaped here
  bool point = false;  ///< a point symbol (shape below) rather than an area swatch
  PointShape shape = PointShape::kCircle;
};

struct MapSpec {
  std::string title;      ///< above the map (escaped); also the SVG's <title> and aria-label
  double width_px = 800;  ///< width of the whole SVG; its height follows from the extent (see MapLayout)
  /// What must be shown, in metres. The drawn extent adds margin_fraction of the width on the left and right and of
  /// the height at the top and bottom, so the aspect is kept exactly (an extent thinner than 1:20 is widened).
  MapExtent extent;
  double margin_fraction = 0.05;
  /// The map frame is never taller than this: a tall extent is drawn at a smaller scale, centred in its column.
  double max_map_height_px = 900;
  std::vector<MapLayer> layers;
  std::string legend_title;  ///< e.g. "出行时间（分钟）" / "Travel time (min)"
  std::vector<LegendEntry> legend;
  std::string crs_note;           ///< e.g. "CGCS2000 / 3-degree Gauss-Kruger CM 117E (EPSG:4548)"
  std::string north_label = "N";  ///< above the north arrow
};

/// Where render_svg puts things (px, origin top left, y down), and the map scale. Exposed for tests and for the
/// HTML page (which may size its container from width_px and height_px).
struct MapLayout {
  double width_px = 0, height_px = 0;  ///< the whole SVG (height rounded up to a whole px)
  double map_x_px = 0, map_y_px = 0, map_width_px = 0, map_height_px = 0;  ///< the map frame (drawing area)
  MapExtent map_extent;                       ///< the extent shown in the frame: the spec's extent with its margins
  double px_per_m = 0;                        ///< the same in x and y
  double panel_x_px = 0, panel_width_px = 0;  ///< the right-hand panel (north arrow, legend, scale bar)
  double scale_bar_m = 0;                     ///< a round length: 1, 2 or 5 × 10^k m
  double scale_bar_px = 0;                    ///< scale_bar_m × px_per_m
};

/// The layout of a spec. Throws std::invalid_argument when the extent is not finite or has min > max, when
/// width_px is not a number ≥ 300, when margin_fraction is not in [0, 1) or max_map_height_px is not > 0.
MapLayout layout_map(const MapSpec& spec);

/// The map as one <svg> element (with xmlns, so it is also a valid standalone .svg file; no XML declaration, so it
/// can be inlined in HTML). Coordinates are rounded to 0.1 px. Class names for styling and checks: carereach-map
/// (root), map-title, map-drawing (the clipped map frame holding one map-layer group per layer), map-frame,
/// map-north-arrow, map-legend, map-scale-bar, map-crs. Throws std::invalid_argument as layout_map does, and when a
/// layer's fills or titles do not match its features in number or a coordinate is not finite (naming the layer and
/// feature).
std::string render_svg(const MapSpec& spec);

/// The longest length of the form 1, 2 or 5 × 10^k metres that is ≤ max_length_m (which must be > 0 and finite,
/// else std::invalid_argument).
double round_scale_length_m(double max_length_m);

/// A scale bar length as shown: "500 m" below 1 km, "2 km" from 1 km on (no thousands separator, decimals only
/// when needed: "0.5 m").
std::string scale_label(double length_m);

/// Which class a value exactly on a break belongs to.
enum class ClassBounds {
  kUpperInclusive,  ///< classes (b[i-1], b[i]]: 15 min is in "0–15 min", as coverage counts T ≤ threshold
  kLowerInclusive,  ///< classes [b[i-1], b[i]): a share of 0.9 is in "≥ 90 %", as a target is met at equality
};

/// The colour of each value's class: breaks b[0] < b[1] < … cut the line into breaks.size() + 1 classes, class i
/// taking colours[i]; below b[0] is class 0, above the last break the last class (+inf included, −inf in class 0).
/// NaN gets no_data_colour. Throws std::invalid_argument when colours.size() != breaks.size() + 1 or the breaks are
/// not strictly increasing finite numbers.
std::vector<std::string> class_colours(std::span<const double> values, std::span<const double> breaks,
                                       std::span<const std::string> colours, std::string no_data_colour,
                                       ClassBounds bounds = ClassBounds::kUpperInclusive);

}  // namespace carereach::report
