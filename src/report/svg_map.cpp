// SVG rendering of report maps. All numbers are written by hand-rolled formatting from integers (tenths of a px for
// coordinates), never through the C/C++ locale, so equal specs give equal bytes on every machine.

#include "report/svg_map.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string_view>

#include "report/html_escape.hpp"
#include "report/table.hpp"
#include "report/utf8.hpp"

namespace carereach::report {

namespace {

// Layout constants (px). docs/report-maps.md shows the layout.
constexpr double kPadPx = 10;        // outer padding
constexpr double kGapPx = 10;        // between the map frame and the panel
constexpr double kTitleBandPx = 30;  // title band above the map (when there is a title)
constexpr double kTitleBaselinePx = 28;
constexpr double kPanelMinPx = 180;
constexpr double kPanelMaxFraction = 0.4;  // of width_px
constexpr double kPanelInsetPx = 10;       // panel content starts this far from its left edge
constexpr double kNorthBlockPx = 60;
constexpr double kLegendRowPx = 20;
constexpr double kLegendLabelOffsetPx = 34;  // label x from the panel's left edge
constexpr double kScaleGapPx = 10;
constexpr double kScaleBlockPx = 32;
constexpr double kScaleBarMaxPx = 150;
constexpr double kFooterPx = 24;  // CRS note under the map
constexpr double kMinWidthPx = 300;
constexpr double kMaxAspect = 20;       // a thinner extent is widened to 1:20
constexpr double kDefaultSideM = 1000;  // the extent of a single point
constexpr double kMaxAbsPx = 1e8;       // coordinates are clamped here (far outside any frame; keeps llround safe)
constexpr double kTitleFontPx = 16;
constexpr double kLegendTitleFontPx = 13;
constexpr double kLabelFontPx = 12;
constexpr double kSmallFontPx = 11;
constexpr double kLegendPointRadiusPx = 5;

constexpr std::string_view kFontFamily =
    "'Noto Sans CJK SC','Noto Sans SC','Source Han Sans SC','Microsoft YaHei','PingFang SC',sans-serif";

[[noreturn]] void invalid(const std::string& message) {
  throw std::invalid_argument("SVG map: " + message);
}

/// A number rounded to 0.1 (ties to even) without a trailing ".0": "12", "12.5", "-0.5"; -0 is "0".
std::string tenths(double v) {
  v = std::clamp(v, -kMaxAbsPx, kMaxAbsPx);
  const long long t = std::llround(std::nearbyint(v * 10.0));
  const unsigned long long a = t < 0 ? static_cast<unsigned long long>(-t) : static_cast<unsigned long long>(t);
  std::string s = t < 0 ? "-" : "";
  s += std::to_string(a / 10);
  if (a % 10 != 0) {
    s += '.';
    s += static_cast<char>('0' + a % 10);
  }
  return s;
}

/// A style number (stroke width, opacity) with up to two decimals, trailing zeros removed.
std::string style_number(double v) {
  std::string s = format_fixed(v, 2);
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

/// Estimated width of a text in px: East Asian wide characters 1 em, others 0.6 em (generous for Latin fonts).
double text_width_px(std::string_view text, double font_px) {
  double em = 0;
  for (std::size_t i = 0; i < text.size();) em += is_wide(next_code_point(text, i)) ? 1.0 : 0.6;
  return em * font_px;
}

bool finite(double v) {
  return std::isfinite(v);
}

/// Map metres to px inside the map frame (origin at the frame's top left corner, y down, north up).
struct Transform {
  MapExtent extent;
  double s = 1;
  [[nodiscard]] double x(double mx) const { return (mx - extent.min_x) * s; }
  [[nodiscard]] double y(double my) const { return (extent.max_y - my) * s; }
};

void validate(const MapSpec& spec) {
  const MapExtent& e = spec.extent;
  if (!finite(e.min_x) || !finite(e.min_y) || !finite(e.max_x) || !finite(e.max_y)) {
    invalid("the extent is not finite");
  }
  if (e.min_x > e.max_x || e.min_y > e.max_y) invalid("the extent has min > max");
  if (!finite(spec.width_px) || spec.width_px < kMinWidthPx) invalid("width_px must be a number >= 300");
  if (!(spec.margin_fraction >= 0 && spec.margin_fraction < 1)) invalid("margin_fraction must be in [0, 1)");
  if (!(spec.max_map_height_px > 0) || !finite(spec.max_map_height_px)) invalid("max_map_height_px must be > 0");
}

double panel_content_height(const MapSpec& spec) {
  return kNorthBlockPx + (spec.legend_title.empty() ? 0 : kLegendRowPx) +
         kLegendRowPx * static_cast<double>(spec.legend.size()) + kScaleGapPx + kScaleBlockPx;
}

double panel_width(const MapSpec& spec) {
  double need = kPanelInsetPx + text_width_px(spec.legend_title, kLegendTitleFontPx * 1.05) + kPanelInsetPx;
  for (const LegendEntry& entry : spec.legend) {
    need = std::max(need, kLegendLabelOffsetPx + text_width_px(entry.label, kLabelFontPx) + kPanelInsetPx);
  }
  return std::clamp(std::ceil(need), kPanelMinPx, std::floor(spec.width_px * kPanelMaxFraction));
}

/// Ensures per-feature vectors have one entry per feature, one for all, or (when allowed) none.
void check_count(std::size_t count, std::size_t features, bool allow_one, std::size_t layer, const char* what,
                 const char* feature_name) {
  if (count == 0 || count == features || (allow_one && count == 1)) return;
  invalid("layer " + std::to_string(layer) + ": " + std::to_string(count) + " " + what + " for " +
          std::to_string(features) + " " + feature_name);
}

void check_style(double stroke_width_px, double opacity, std::size_t layer) {
  if (!finite(stroke_width_px) || stroke_width_px < 0) {
    invalid("layer " + std::to_string(layer) + ": stroke_width_px must be >= 0");
  }
  if (!(opacity >= 0 && opacity <= 1)) invalid("layer " + std::to_string(layer) + ": opacity must be in [0, 1]");
}

/// Appends one ring as "Mx yLx y x y…Z" in tenths of px; consecutive vertices that round to the same point and
/// the closing vertex are dropped. Returns false (appending nothing) when fewer than 3 vertices remain.
bool append_ring(std::string& d, const geo::Ring& ring, const Transform& t, std::size_t layer, std::size_t feature) {
  if (ring.x.size() != ring.y.size()) {
    invalid("layer " + std::to_string(layer) + ": polygon " + std::to_string(feature) +
            " has a ring with different numbers of x and y");
  }
  std::vector<std::pair<std::string, std::string>> points;
  points.reserve(ring.x.size());
  for (std::size_t i = 0; i < ring.x.size(); ++i) {
    if (!finite(ring.x[i]) || !finite(ring.y[i])) {
      invalid("layer " + std::to_string(layer) + ": polygon " + std::to_string(feature) +
              " has a coordinate that is not finite");
    }
    std::pair<std::string, std::string> p{tenths(t.x(ring.x[i])), tenths(t.y(ring.y[i]))};
    if (points.empty() || points.back() != p) points.push_back(std::move(p));
  }
  while (points.size() > 1 && points.back() == points.front()) points.pop_back();
  if (points.size() < 3) return false;
  for (std::size_t i = 0; i < points.size(); ++i) {
    d += i == 0 ? "M" : i == 1 ? "L" : " ";
    d += points[i].first;
    d += ' ';
    d += points[i].second;
  }
  d += 'Z';
  return true;
}

/// The closing of an element: "/>" or "><title>…</title></tag>".
void close_with_title(std::string& out, const std::string& title, std::string_view tag) {
  if (title.empty()) {
    out += "/>\n";
    return;
  }
  out += "><title>";
  out += escape_html(title);
  out += "</title></";
  out += tag;
  out += ">\n";
}

void attr(std::string& out, std::string_view name, std::string_view value) {
  out += ' ';
  out += name;
  out += "=\"";
  out += value;
  out += '"';
}

void attr_text(std::string& out, std::string_view name, std::string_view text) {
  attr(out, name, escape_html(text));
}

void render_polygons(std::string& out, const MapLayerPolygons& layer, const Transform& t, std::size_t index) {
  const std::size_t n = layer.polygons.size();
  check_count(layer.fill.size(), n, true, index, "fills", "polygons");
  check_count(layer.titles.size(), n, false, index, "titles", "polygons");
  check_style(layer.stroke_width_px, layer.fill_opacity, index);
  const bool fill_per_feature = layer.fill.size() > 1;
  out += "<g class=\"map-layer\" fill-rule=\"evenodd\"";
  if (layer.fill.empty()) {
    attr(out, "fill", "none");
  } else if (!fill_per_feature) {
    attr_text(out, "fill", layer.fill.front());
  }
  attr_text(out, "stroke", layer.stroke.empty() ? "none" : layer.stroke);
  if (!layer.stroke.empty() && layer.stroke != "none") {
    attr(out, "stroke-width", style_number(layer.stroke_width_px));
    attr(out, "stroke-linejoin", "round");
  }
  if (layer.fill_opacity < 1) attr(out, "fill-opacity", style_number(layer.fill_opacity));
  out += ">\n";
  for (std::size_t i = 0; i < n; ++i) {
    const geo::PolygonRings& polygon = layer.polygons[i];
    std::string d;
    if (!append_ring(d, polygon.shell, t, index, i)) continue;  // smaller than 0.1 px: nothing to draw
    for (const geo::Ring& hole : polygon.holes) append_ring(d, hole, t, index, i);
    out += "<path";
    attr(out, "d", d);
    if (fill_per_feature) attr_text(out, "fill", layer.fill[i]);
    close_with_title(out, layer.titles.empty() ? std::string() : layer.titles[i], "path");
  }
  out += "</g>\n";
}

/// A point symbol centred on (cx, cy) px, with its fill; the element is left open for the title.
void point_symbol(std::string& out, PointShape shape, double cx, double cy, double r, const std::string& fill) {
  switch (shape) {
    case PointShape::kCircle:
      out += "<circle";
      attr(out, "cx", tenths(cx));
      attr(out, "cy", tenths(cy));
      attr(out, "r", tenths(r));
      break;
    case PointShape::kSquare:
      out += "<rect";
      attr(out, "x", tenths(cx - r));
      attr(out, "y", tenths(cy - r));
      attr(out, "width", tenths(2 * r));
      attr(out, "height", tenths(2 * r));
      break;
    case PointShape::kTriangle:
      out += "<path";
      attr(out, "d",
           "M" + tenths(cx) + " " + tenths(cy - r) + "L" + tenths(cx + r) + " " + tenths(cy + r) + " " +
               tenths(cx - r) + " " + tenths(cy + r) + "Z");
      break;
    case PointShape::kDiamond:
      out += "<path";
      attr(out, "d",
           "M" + tenths(cx) + " " + tenths(cy - r) + "L" + tenths(cx + r) + " " + tenths(cy) + " " + tenths(cx) + " " +
               tenths(cy + r) + " " + tenths(cx - r) + " " + tenths(cy) + "Z");
      break;
  }
  if (!fill.empty()) attr_text(out, "fill", fill);
}

std::string_view shape_tag(PointShape shape) {
  switch (shape) {
    case PointShape::kCircle:
      return "circle";
    case PointShape::kSquare:
      return "rect";
    case PointShape::kTriangle:
    case PointShape::kDiamond:
      return "path";
  }
  return "path";
}

void render_points(std::string& out, const MapLayerPoints& layer, const Transform& t, std::size_t index) {
  const std::size_t n = layer.points.size();
  check_count(layer.fill.size(), n, true, index, "fills", "points");
  check_count(layer.titles.size(), n, false, index, "titles", "points");
  check_style(layer.stroke_width_px, 1.0, index);
  if (!finite(layer.radius_px) || layer.radius_px <= 0) invalid("layer " + std::to_string(index) + ": radius_px");
  const bool fill_per_feature = layer.fill.size() > 1;
  out += "<g class=\"map-layer\"";
  if (!fill_per_feature) attr_text(out, "fill", layer.fill.empty() ? std::string("none") : layer.fill.front());
  attr_text(out, "stroke", layer.stroke.empty() ? "none" : layer.stroke);
  if (!layer.stroke.empty() && layer.stroke != "none") attr(out, "stroke-width", style_number(layer.stroke_width_px));
  out += ">\n";
  for (std::size_t i = 0; i < n; ++i) {
    const auto [x, y] = layer.points[i];
    if (!finite(x) || !finite(y)) {
      invalid("layer " + std::to_string(index) + ": point " + std::to_string(i) + " is not finite");
    }
    point_symbol(out, layer.shape, t.x(x), t.y(y), layer.radius_px, fill_per_feature ? layer.fill[i] : "");
    close_with_title(out, layer.titles.empty() ? std::string() : layer.titles[i], shape_tag(layer.shape));
  }
  out += "</g>\n";
}

void text_element(std::string& out, std::string_view cls, double x, double y, double font_px, std::string_view text,
                  std::string_view extra = {}) {
  out += "<text";
  if (!cls.empty()) attr(out, "class", cls);
  attr(out, "x", tenths(x));
  attr(out, "y", tenths(y));
  attr(out, "font-size", tenths(font_px));
  out += extra;
  out += ">";
  out += escape_html(text);
  out += "</text>\n";
}

void render_labels(std::string& out, const MapLayerLabels& layer, const Transform& t, std::size_t index) {
  const std::size_t n = layer.points.size();
  if (layer.texts.size() != n) invalid("layer " + std::to_string(index) + ": one text per label point is needed");
  if (!finite(layer.font_px) || layer.font_px <= 0) invalid("layer " + std::to_string(index) + ": font_px");
  // paint-order draws the white stroke under the glyphs: a halo that keeps the text readable over any fill.
  out += "<g class=\"map-layer map-labels\" text-anchor=\"middle\" dominant-baseline=\"central\"";
  attr_text(out, "fill", layer.fill);
  out += " stroke=\"#ffffff\" stroke-width=\"3\" stroke-linejoin=\"round\" paint-order=\"stroke\"";
  if (layer.bold) out += " font-weight=\"bold\"";
  out += ">\n";
  for (std::size_t i = 0; i < n; ++i) {
    const auto [x, y] = layer.points[i];
    if (!finite(x) || !finite(y)) invalid("layer " + std::to_string(index) + ": label " + std::to_string(i) + " is not finite");
    text_element(out, "", t.x(x), t.y(y), layer.font_px, layer.texts[i]);
  }
  out += "</g>\n";
}

void rect_element(std::string& out, double x, double y, double w, double h, std::string_view extra) {
  out += "<rect";
  attr(out, "x", tenths(x));
  attr(out, "y", tenths(y));
  attr(out, "width", tenths(w));
  attr(out, "height", tenths(h));
  out += extra;
  out += "/>\n";
}

}  // namespace

double round_scale_length_m(double max_length_m) {
  if (!finite(max_length_m) || max_length_m <= 0) invalid("a scale bar needs a positive finite length");
  double p = std::pow(10.0, std::floor(std::log10(max_length_m)));
  // log10 may be off by one ulp near powers of ten: settle p so that p <= max < 10 p.
  while (p > max_length_m) p /= 10;
  while (p * 10 <= max_length_m) p *= 10;
  for (const double m : {5.0, 2.0}) {
    if (m * p <= max_length_m) return m * p;
  }
  return p;
}

std::string scale_label(double length_m) {
  const bool km = length_m >= 1000;
  std::string s = format_fixed(km ? length_m / 1000 : length_m, 3);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s + (km ? " km" : " m");
}

MapLayout layout_map(const MapSpec& spec) {
  validate(spec);
  const MapExtent& e = spec.extent;
  const double w = e.max_x - e.min_x;
  const double h = e.max_y - e.min_y;
  const double mx = w * spec.margin_fraction;
  const double my = h * spec.margin_fraction;
  MapExtent m{e.min_x - mx, e.min_y - my, e.max_x + mx, e.max_y + my};
  // Degenerate extents: a point becomes a square of kDefaultSideM, a line or thin strip is widened to 1:kMaxAspect.
  const auto widen = [](double& lo, double& hi, double size) {
    const double centre = lo + (hi - lo) / 2;
    lo = centre - size / 2;
    hi = centre + size / 2;
  };
  if (m.max_x - m.min_x <= 0 && m.max_y - m.min_y <= 0) {
    widen(m.min_x, m.max_x, kDefaultSideM);
    widen(m.min_y, m.max_y, kDefaultSideM);
  }
  if (m.max_y - m.min_y < (m.max_x - m.min_x) / kMaxAspect) widen(m.min_y, m.max_y, (m.max_x - m.min_x) / kMaxAspect);
  if (m.max_x - m.min_x < (m.max_y - m.min_y) / kMaxAspect) widen(m.min_x, m.max_x, (m.max_y - m.min_y) / kMaxAspect);
  const double ew = m.max_x - m.min_x;
  const double eh = m.max_y - m.min_y;

  MapLayout out;
  out.width_px = spec.width_px;
  out.map_extent = m;
  out.panel_width_px = panel_width(spec);
  out.panel_x_px = spec.width_px - kPadPx - out.panel_width_px;
  const double available_w = out.panel_x_px - kGapPx - kPadPx;
  out.px_per_m = available_w / ew;
  out.map_width_px = available_w;
  out.map_height_px = eh * out.px_per_m;
  if (out.map_height_px > spec.max_map_height_px) {
    out.px_per_m = spec.max_map_height_px / eh;
    out.map_height_px = spec.max_map_height_px;
    out.map_width_px = ew * out.px_per_m;
  }
  out.map_x_px = kPadPx + (available_w - out.map_width_px) / 2;
  out.map_y_px = kPadPx + (spec.title.empty() ? 0 : kTitleBandPx);

  const double bar_max_px = std::min(kScaleBarMaxPx, out.panel_width_px - 2 * kPanelInsetPx);
  out.scale_bar_m = round_scale_length_m(bar_max_px / out.px_per_m);
  out.scale_bar_px = out.scale_bar_m * out.px_per_m;

  const double bottom = std::max(out.map_y_px + out.map_height_px, out.map_y_px + panel_content_height(spec));
  out.height_px = std::ceil(bottom + (spec.crs_note.empty() ? kPadPx : kFooterPx) - 1e-6);
  return out;
}

std::string render_svg(const MapSpec& spec) {
  const MapLayout l = layout_map(spec);
  const Transform t{l.map_extent, l.px_per_m};
  const std::string width = tenths(l.width_px);
  const std::string height = tenths(l.height_px);

  std::string out;
  out.reserve(4096);
  out += "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"carereach-map\"";
  attr(out, "width", width);
  attr(out, "height", height);
  attr(out, "viewBox", "0 0 " + width + " " + height);
  attr(out, "role", "img");
  if (!spec.title.empty()) attr_text(out, "aria-label", spec.title);
  attr(out, "font-family", kFontFamily);
  out += ">\n";
  if (!spec.title.empty()) out += "<title>" + escape_html(spec.title) + "</title>\n";
  out += "<rect class=\"map-background\" width=\"" + width + "\" height=\"" + height + "\" fill=\"#ffffff\"/>\n";
  if (!spec.title.empty()) {
    text_element(out, "map-title", kPadPx, kTitleBaselinePx, kTitleFontPx, spec.title,
                 " font-weight=\"bold\" fill=\"#222222\"");
  }

  // The map frame: a nested <svg> clips everything drawn outside it.
  out += "<svg class=\"map-drawing\"";
  attr(out, "x", tenths(l.map_x_px));
  attr(out, "y", tenths(l.map_y_px));
  attr(out, "width", tenths(l.map_width_px));
  attr(out, "height", tenths(l.map_height_px));
  attr(out, "overflow", "hidden");
  out += ">\n";
  for (std::size_t i = 0; i < spec.layers.size(); ++i) {
    if (const auto* polygons = std::get_if<MapLayerPolygons>(&spec.layers[i])) {
      render_polygons(out, *polygons, t, i);
    } else if (const auto* points = std::get_if<MapLayerPoints>(&spec.layers[i])) {
      render_points(out, *points, t, i);
    } else {
      render_labels(out, std::get<MapLayerLabels>(spec.layers[i]), t, i);
    }
  }
  out += "</svg>\n";
  out += "<rect class=\"map-frame\"";
  attr(out, "x", tenths(l.map_x_px));
  attr(out, "y", tenths(l.map_y_px));
  attr(out, "width", tenths(l.map_width_px));
  attr(out, "height", tenths(l.map_height_px));
  out += " fill=\"none\" stroke=\"#999999\" stroke-width=\"1\"/>\n";

  // North arrow: grid north, which is up in the projected CRS.
  const double left = l.panel_x_px + kPanelInsetPx;
  double y = l.map_y_px;
  const double cx = left + 9;
  out += "<g class=\"map-north-arrow\">\n";
  text_element(out, "", cx, y + 14, kLegendTitleFontPx, spec.north_label,
               " font-weight=\"bold\" text-anchor=\"middle\" fill=\"#222222\"");
  out += "<path d=\"M" + tenths(cx) + " " + tenths(y + 18) + "L" + tenths(cx) + " " + tenths(y + 44) + " " +
         tenths(cx - 9) + " " + tenths(y + 52) + "Z\" fill=\"#222222\"/>\n";
  out += "<path d=\"M" + tenths(cx) + " " + tenths(y + 18) + "L" + tenths(cx + 9) + " " + tenths(y + 52) + " " +
         tenths(cx) + " " + tenths(y + 44) + "Z\" fill=\"#ffffff\" stroke=\"#222222\" stroke-width=\"0.75\"/>\n";
  out += "</g>\n";
  y += kNorthBlockPx;

  // Legend.
  out += "<g class=\"map-legend\">\n";
  if (!spec.legend_title.empty()) {
    text_element(out, "", left, y + 13, kLegendTitleFontPx, spec.legend_title,
                 " font-weight=\"bold\" fill=\"#222222\"");
    y += kLegendRowPx;
  }
  for (const LegendEntry& entry : spec.legend) {
    if (entry.point) {
      point_symbol(out, entry.shape, left + 9, y + 10, kLegendPointRadiusPx,
                   entry.colour.empty() ? "none" : entry.colour);
      out += " stroke=\"#333333\" stroke-width=\"0.75\"/>\n";
    } else {
      out += "<rect";
      attr(out, "x", tenths(left));
      attr(out, "y", tenths(y + 4));
      out += " width=\"18\" height=\"12\"";
      attr_text(out, "fill", entry.colour.empty() ? "none" : entry.colour);
      out += " stroke=\"#666666\" stroke-width=\"0.5\"/>\n";
    }
    text_element(out, "", left + kLegendLabelOffsetPx - kPanelInsetPx, y + 14, kLabelFontPx, entry.label,
                 " fill=\"#222222\"");
    y += kLegendRowPx;
  }
  out += "</g>\n";
  y += kScaleGapPx;

  // Scale bar: two halves, dark and light, "0" at the start and the length at the end.
  const double half = l.scale_bar_px / 2;
  out += "<g class=\"map-scale-bar\">\n";
  text_element(out, "", left, y + 11, kSmallFontPx, "0", " fill=\"#222222\"");
  text_element(out, "", left + l.scale_bar_px, y + 11, kSmallFontPx, scale_label(l.scale_bar_m),
               " text-anchor=\"end\" fill=\"#222222\"");
  rect_element(out, left, y + 15, half, 6, " fill=\"#222222\"");
  rect_element(out, left + half, y + 15, half, 6, " fill=\"#ffffff\" stroke=\"#222222\" stroke-width=\"0.75\"");
  out += "</g>\n";

  if (!spec.crs_note.empty()) {
    const double bottom = l.height_px - kFooterPx;
    text_element(out, "map-crs", kPadPx, bottom + 16, kSmallFontPx, spec.crs_note, " fill=\"#444444\"");
  }
  out += "</svg>\n";
  return out;
}

std::vector<std::string> class_colours(std::span<const double> values, std::span<const double> breaks,
                                       std::span<const std::string> colours, std::string no_data_colour,
                                       ClassBounds bounds) {
  if (colours.size() != breaks.size() + 1) {
    throw std::invalid_argument("class_colours: " + std::to_string(colours.size()) + " colours for " +
                                std::to_string(breaks.size()) + " breaks (need one more colour than breaks)");
  }
  for (std::size_t i = 0; i < breaks.size(); ++i) {
    if (!finite(breaks[i]) || (i > 0 && !(breaks[i - 1] < breaks[i]))) {
      throw std::invalid_argument("class_colours: breaks must be finite and strictly increasing");
    }
  }
  std::vector<std::string> out;
  out.reserve(values.size());
  for (const double v : values) {
    if (std::isnan(v)) {
      out.push_back(no_data_colour);
      continue;
    }
    // kUpperInclusive: the number of breaks < v; kLowerInclusive: the number of breaks <= v.
    const auto it = bounds == ClassBounds::kUpperInclusive ? std::lower_bound(breaks.begin(), breaks.end(), v)
                                                           : std::upper_bound(breaks.begin(), breaks.end(), v);
    out.push_back(colours[static_cast<std::size_t>(it - breaks.begin())]);
  }
  return out;
}

}  // namespace carereach::report
