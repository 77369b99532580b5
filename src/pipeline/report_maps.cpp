#include "pipeline/report_maps.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "core/crs_name.hpp"
#include "report/table.hpp"

namespace carereach::pipeline {

MapFrame make_map_frame(const geo::Envelope& envelope, const geo::CrsSpec& crs, report::Lang lang) {
  MapFrame f;
  f.lang = lang;
  f.extent = {envelope.min_x, envelope.min_y, envelope.max_x, envelope.max_y};
  f.crs_note = lang == report::Lang::kZh ? "坐标系：" + crs_name_zh(crs.display()) : "CRS: " + crs.display();
  report::MapSpec probe;
  probe.width_px = kReportMapWidthPx;
  probe.extent = f.extent;
  const report::MapLayout layout = report::layout_map(probe);
  f.tolerance_m = layout.px_per_m > 0 ? 0.5 / layout.px_per_m : 0.0;
  return f;
}

report::MapSpec map_spec(const MapFrame& frame, std::string title, std::string legend_title) {
  report::MapSpec s;
  s.title = std::move(title);
  s.width_px = kReportMapWidthPx;
  s.extent = frame.extent;
  s.legend_title = std::move(legend_title);
  s.crs_note = frame.crs_note;
  s.north_label = frame.lang == report::Lang::kZh ? "北" : "N";
  return s;
}

std::vector<geo::PolygonRings> drawable_rings(const geo::Geometry& g, const MapFrame& frame, double pixels) {
  if (g.null() || g.is_empty()) return {};
  const double tolerance = frame.tolerance_m * 2.0 * pixels;
  return geo::polygon_rings(tolerance > 0 ? g.simplified(tolerance) : g.make_valid_polygonal());
}

namespace {

/// The zones of `layer` with their names and codes, and the rings of feature i from rings_of(i, feature).
template <typename RingsOf>
std::optional<ZoneShapes> shapes_of_layer(const std::vector<io::LayerData>& layers, const std::string& layer,
                                          RingsOf&& rings_of) {
  for (const io::LayerData& l : layers) {
    if (l.name != layer) continue;
    ZoneShapes z;
    z.layer = layer;
    const auto text_of = [&](const io::LayerFeature& f, const char* field) {
      for (std::size_t i = 0; i < l.fields.size() && i < f.values.size(); ++i)
        if (l.fields[i].name == field)
          if (const auto* s = std::get_if<std::string>(&f.values[i])) return *s;
      return std::string();
    };
    for (std::size_t i = 0; i < l.features.size(); ++i) {
      const io::LayerFeature& f = l.features[i];
      z.rings.push_back(rings_of(i, f));
      z.names.push_back(text_of(f, "name"));
      z.codes.push_back(text_of(f, "code"));
    }
    return z;
  }
  return std::nullopt;
}

}  // namespace

std::optional<ZoneShapes> zone_shapes(const std::vector<io::LayerData>& layers, const std::string& layer,
                                      const MapFrame& frame, double pixels) {
  return shapes_of_layer(layers, layer,
                         [&](std::size_t, const io::LayerFeature& f) { return drawable_rings(f.geometry, frame, pixels); });
}

std::vector<std::vector<geo::PolygonRings>> drawable_cell_rings(std::vector<geo::CellPolygons> traced, const Grid& grid,
                                                                std::span<const std::uint32_t> labels,
                                                                std::uint32_t no_label, std::size_t max_label,
                                                                const MapFrame& frame, double pixels) {
  std::vector<std::vector<geo::PolygonRings>> out(max_label + 1);
  const double tolerance = frame.tolerance_m * 2.0 * pixels;
  if (tolerance > 0) geo::simplify_cell_polygons(traced, grid, labels, no_label, tolerance);
  for (geo::CellPolygons& t : traced)
    if (t.label != no_label && t.label <= max_label) out[t.label] = geo::drawable_cell_polygons(std::move(t.polygons));
  return out;
}

std::optional<ZoneShapes> zone_shapes_from_cells(const std::vector<io::LayerData>& layers, const std::string& layer,
                                                 std::vector<geo::CellPolygons> traced, const Grid& grid,
                                                 std::span<const std::uint32_t> labels, std::uint32_t no_label,
                                                 const MapFrame& frame, double pixels) {
  std::size_t features = 0;
  for (const io::LayerData& l : layers)
    if (l.name == layer) features = l.features.size();
  if (features == 0) return shapes_of_layer(layers, layer, [](std::size_t, const io::LayerFeature&) {
      return std::vector<geo::PolygonRings>{};
    });
  std::vector<std::vector<geo::PolygonRings>> rings =
      drawable_cell_rings(std::move(traced), grid, labels, no_label, features - 1, frame, pixels);
  return shapes_of_layer(layers, layer, [&](std::size_t i, const io::LayerFeature&) { return std::move(rings[i]); });
}

report::MapLayerPolygons filled_features(const std::vector<std::vector<geo::PolygonRings>>& rings,
                                         const std::vector<std::string>& fills,
                                         const std::vector<std::string>& titles) {
  report::MapLayerPolygons layer;
  layer.stroke = "#ffffff";
  layer.stroke_width_px = 0.4;
  for (std::size_t i = 0; i < rings.size(); ++i)
    for (const auto& p : rings[i]) {
      layer.polygons.push_back(p);
      layer.fill.push_back(i < fills.size() ? fills[i] : kNoDataColour);
      if (!titles.empty()) layer.titles.push_back(i < titles.size() ? titles[i] : std::string());
    }
  if (layer.polygons.empty()) layer.fill.clear();
  return layer;
}

report::MapLayerPolygons ground_layer(const std::vector<std::optional<ZoneShapes>>& levels) {
  for (const auto& z : levels)
    if (z) return filled_features(z->rings, std::vector<std::string>(z->rings.size(), "#f2f2f2"), {});
  return {};
}

void add_outlines(report::MapSpec& spec, const std::vector<std::optional<ZoneShapes>>& levels, std::size_t from) {
  for (std::size_t k = levels.size(); k-- > from;)
    if (levels[k]) spec.layers.emplace_back(outline_layer(levels[k]->rings, k == from ? "#333333" : "#8c8c8c",
                                                          k == from ? 1.1 : 0.4));
}

report::MapLayerPolygons outline_layer(const std::vector<std::vector<geo::PolygonRings>>& rings,
                                       const std::string& colour, double width_px) {
  report::MapLayerPolygons layer;
  for (const auto& zone : rings)
    for (const auto& p : zone) layer.polygons.push_back(p);
  layer.stroke = colour;
  layer.stroke_width_px = width_px;
  return layer;
}

report::MapLayerPolygons solid_layer(std::vector<geo::PolygonRings> rings, const std::string& colour,
                                     double fill_opacity) {
  report::MapLayerPolygons layer;
  layer.polygons = std::move(rings);
  if (!layer.polygons.empty()) layer.fill = {colour};
  layer.stroke = colour;
  layer.stroke_width_px = 0.6;
  layer.fill_opacity = fill_opacity;
  return layer;
}

std::string persons_text(double v) { return std::isfinite(v) ? report::format_fixed(v, 0, true) : "—"; }

std::string percent_text(double share) {
  return std::isfinite(share) ? report::format_fixed(share * 100.0, 1) + "%" : "—";
}

}  // namespace carereach::pipeline
