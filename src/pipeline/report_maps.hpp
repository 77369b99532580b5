#pragma once
// Building blocks of the report's maps, shared by `run` (report.html) and `compare` (compare.html): the map frame
// (extent, size, the simplification tolerance of half a pixel, CRS note), geometries to drawable rings, zone
// layers filled by class, outlines, facility symbols. The drawing itself is report::render_svg.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/grid.hpp"
#include "geo/cell_polygons.hpp"
#include "geo/crs.hpp"
#include "geo/geos.hpp"
#include "geo/rings.hpp"
#include "io/layers.hpp"
#include "report/svg_map.hpp"
#include "report/table.hpp"

namespace carereach::pipeline {

/// The text in the report's language: `en` in English unless it is empty (names without a translation), else `zh`
/// (report::pick, as a copy so that temporaries may be passed).
inline std::string in_lang(report::Lang lang, const std::string& zh, const std::string& en) {
  return report::pick(lang, zh, en);
}

/// Width of every map in the report, px (the page scales it down on narrow screens and in print).
constexpr double kReportMapWidthPx = 960.0;

/// What every map of one report shares.
struct MapFrame {
  report::MapExtent extent;  ///< the study area, metres in the analysis CRS
  double tolerance_m = 0.0;  ///< half a pixel at the map's scale: outlines are simplified to this
  std::string crs_note;      ///< "坐标系：CGCS2000 / 3-degree Gauss-Kruger CM 117E (EPSG:4548)"
  report::Lang lang = report::Lang::kZh;
};

/// The frame of maps showing `envelope` in `crs` (a projected CRS in metres).
MapFrame make_map_frame(const geo::Envelope& envelope, const geo::CrsSpec& crs, report::Lang lang);

/// An empty map of the frame with its title and legend title (north label, CRS note and size set).
report::MapSpec map_spec(const MapFrame& frame, std::string title, std::string legend_title);

/// The rings of a (multi)polygon simplified for drawing at the frame's scale: to frame.tolerance_m × `pixels` × 2
/// (pixels = 0.5: half a pixel, for boundaries; 1: a pixel, for classed cell areas whose staircase edges would
/// otherwise cost many vertices). Empty for null and empty geometries.
std::vector<geo::PolygonRings> drawable_rings(const geo::Geometry& g, const MapFrame& frame, double pixels = 0.5);

/// The zones of one layer of layers.gpkg ready to draw: per feature its rings, its name and code.
struct ZoneShapes {
  std::string layer;  ///< "zones_county"
  std::vector<std::vector<geo::PolygonRings>> rings;  ///< per zone (feature order = zone order)
  std::vector<std::string> names;
  std::vector<std::string> codes;  ///< the "code" field
};

/// The zone shapes of `layer` (features in zone order, the "name" field as name), or nullopt when it is not there.
/// `pixels` as for drawable_rings (1 for zones made of cells, whose staircase outlines would cost many vertices).
std::optional<ZoneShapes> zone_shapes(const std::vector<io::LayerData>& layers, const std::string& layer,
                                      const MapFrame& frame, double pixels = 0.5);

/// The zone shapes of `layer` (names and codes from its features, in zone order) from the zones' cell polygons as
/// traced from `labels` on `grid` (label = zone index; geo::trace_cell_polygons), simplified for drawing as
/// drawable_rings would (to frame.tolerance_m × 2 × `pixels`) but with each boundary between two zones simplified once
/// for both (geo::simplify_cell_polygons): neighbouring zones keep sharing their edges. Nullopt when the layer is not
/// there. A zone without cells gets no rings.
std::optional<ZoneShapes> zone_shapes_from_cells(const std::vector<io::LayerData>& layers, const std::string& layer,
                                                 std::vector<geo::CellPolygons> traced, const Grid& grid,
                                                 std::span<const std::uint32_t> labels, std::uint32_t no_label,
                                                 const MapFrame& frame, double pixels);

/// Cell polygons as traced from `labels` on `grid`, simplified for drawing to frame.tolerance_m × 2 × `pixels` with
/// each shared boundary simplified once (geo::simplify_cell_polygons), per label: element l holds label l's rings
/// (labels 0 … max_label; a label without cells gets none, no_label's are not drawn).
std::vector<std::vector<geo::PolygonRings>> drawable_cell_rings(std::vector<geo::CellPolygons> traced, const Grid& grid,
                                                                std::span<const std::uint32_t> labels,
                                                                std::uint32_t no_label, std::size_t max_label,
                                                                const MapFrame& frame, double pixels);

/// The grey ground of a map: the zones of the coarsest level that has shapes (an empty layer when none has).
report::MapLayerPolygons ground_layer(const std::vector<std::optional<ZoneShapes>>& levels);

/// Adds the outlines of levels `from` … last to a map, finest first (drawn below): level `from` dark and heavy, the
/// finer ones grey and thin.
void add_outlines(report::MapSpec& spec, const std::vector<std::optional<ZoneShapes>>& levels, std::size_t from = 0);

/// Polygons with one fill and one tooltip per feature: a feature of several parts gives several polygons.
report::MapLayerPolygons filled_features(const std::vector<std::vector<geo::PolygonRings>>& rings,
                                         const std::vector<std::string>& fills,
                                         const std::vector<std::string>& titles);

/// Outlines only (no fill).
report::MapLayerPolygons outline_layer(const std::vector<std::vector<geo::PolygonRings>>& rings,
                                       const std::string& colour, double width_px);

/// The same polygons in one colour, outlined with that colour so that neighbouring classes simplified apart leave
/// no hairline between them.
report::MapLayerPolygons solid_layer(std::vector<geo::PolygonRings> rings, const std::string& colour,
                                     double fill_opacity = 1.0);

/// Class colours of the share covered per zone, the same classes as the QGIS style of the zone layers.
struct ShareClasses {
  std::vector<double> breaks{0.5, 0.8, 0.9, 0.95};
  std::vector<std::string> colours{"#d7191c", "#fdae61", "#ffffbf", "#a6d96a", "#1a9641"};
  std::vector<std::string> labels{"< 50%", "50%–80%", "80%–90%", "90%–95%", "≥ 95%"};
};

/// The no-data fill of zone maps (zones without population).
inline constexpr const char* kNoDataColour = "#d9d9d9";

/// "12,345" (whole persons, grouped).
std::string persons_text(double v);
/// "87.3%" (one decimal).
std::string percent_text(double share);

}  // namespace carereach::pipeline
