#include "io/qgis_styles.hpp"

#include "core/text.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <utility>

namespace carereach::io::qgis {

namespace {

using Props = std::vector<std::pair<std::string, std::string>>;


/// Shortest text that reads back as the same double ("0.5", "1e+300").
std::string number(double v) {
  char buf[32];
  const auto result = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, result.ptr);
}

std::string rgba(const Colour& c) {
  return std::to_string(c.r) + "," + std::to_string(c.g) + "," + std::to_string(c.b) + "," + std::to_string(c.a);
}

/// A field name in a QGIS expression: "name", with inner double quotes doubled.
std::string quoted_field(std::string_view field) {
  std::string out = "\"";
  for (const char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

constexpr std::string_view kUnitScale = "3x:0,0,0,0,0,0";

std::string data_defined_properties(const std::string& indent) {
  return indent + "<data_defined_properties>\n" + indent + " <Option type=\"Map\">\n" + indent +
         "  <Option name=\"name\" type=\"QString\" value=\"\"/>\n" + indent + "  <Option name=\"properties\"/>\n" +
         indent + "  <Option name=\"type\" type=\"QString\" value=\"collection\"/>\n" + indent + " </Option>\n" +
         indent + "</data_defined_properties>\n";
}

/// A symbol with one symbol layer. QGIS 3.22 writes the layer's properties twice, as an Option map (read by 3.20
/// and later) and as prop elements (read by older versions): so does this.
std::string symbol(std::string_view name, std::string_view type, std::string_view layer_class, const Props& props,
                   const std::string& indent) {
  std::string s = indent + "<symbol alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\" name=\"" + xml_escape(name) +
                  "\" type=\"" + std::string(type) + "\">\n";
  s += data_defined_properties(indent + " ");
  s += indent + " <layer class=\"" + std::string(layer_class) + "\" enabled=\"1\" locked=\"0\" pass=\"0\">\n";
  s += indent + "  <Option type=\"Map\">\n";
  for (const auto& [k, v] : props)
    s += indent + "   <Option name=\"" + xml_escape(k) + "\" type=\"QString\" value=\"" + xml_escape(v) + "\"/>\n";
  s += indent + "  </Option>\n";
  for (const auto& [k, v] : props) s += indent + "  <prop k=\"" + xml_escape(k) + "\" v=\"" + xml_escape(v) + "\"/>\n";
  s += data_defined_properties(indent + "  ");
  s += indent + " </layer>\n";
  s += indent + "</symbol>\n";
  return s;
}

std::string fill_symbol(std::string_view name, const Colour& fill, const Outline& outline, const std::string& indent) {
  const Props props = {{"border_width_map_unit_scale", std::string(kUnitScale)},
                       {"color", rgba(fill)},
                       {"joinstyle", "bevel"},
                       {"offset", "0,0"},
                       {"offset_map_unit_scale", std::string(kUnitScale)},
                       {"offset_unit", "MM"},
                       {"outline_color", rgba(outline.colour)},
                       {"outline_style", outline.width_mm > 0 ? "solid" : "no"},
                       {"outline_width", number(outline.width_mm)},
                       {"outline_width_unit", "MM"},
                       {"style", "solid"}};
  return symbol(name, "fill", "SimpleFill", props, indent);
}

std::string marker_symbol(std::string_view name, const Colour& fill, const CategorizedMarker& style,
                          const std::string& indent) {
  const Props props = {{"angle", "0"},
                       {"cap_style", "square"},
                       {"color", rgba(fill)},
                       {"horizontal_anchor_point", "1"},
                       {"joinstyle", "bevel"},
                       {"name", style.shape},
                       {"offset", "0,0"},
                       {"offset_map_unit_scale", std::string(kUnitScale)},
                       {"offset_unit", "MM"},
                       {"outline_color", rgba(style.outline.colour)},
                       {"outline_style", style.outline.width_mm > 0 ? "solid" : "no"},
                       {"outline_width", number(style.outline.width_mm)},
                       {"outline_width_map_unit_scale", std::string(kUnitScale)},
                       {"outline_width_unit", "MM"},
                       {"scale_method", "diameter"},
                       {"size", number(style.size_mm)},
                       {"size_map_unit_scale", std::string(kUnitScale)},
                       {"size_unit", "MM"},
                       {"vertical_anchor_point", "1"}};
  return symbol(name, "marker", "SimpleMarker", props, indent);
}

enum class GeometryKind { kPoint = 0, kLine = 1, kPolygon = 2 };  // QGIS's layerGeometryType

/// Simple labels: over the polygon's centroid (inside it), or around the point.
std::string labeling(const Labels& labels, GeometryKind kind) {
  std::string s = " <labeling type=\"simple\">\n  <settings calloutType=\"simple\">\n";
  s += "   <text-style allowHtml=\"0\" blendMode=\"0\" capitalization=\"0\" fieldName=\"" + xml_escape(labels.field) +
       "\" fontItalic=\"0\" fontLetterSpacing=\"0\" fontSize=\"" + number(labels.size_pt) +
       "\" fontSizeUnit=\"Point\" fontStrikeout=\"0\" fontUnderline=\"0\" fontWeight=\"50\" fontWordSpacing=\"0\" "
       "isExpression=\"0\" multilineHeight=\"1\" namedStyle=\"\" previewBkgrdColor=\"255,255,255,255\" textColor=\"" +
       rgba(labels.colour) + "\" textOpacity=\"1\" textOrientation=\"horizontal\" useSubstitutions=\"0\">\n";
  s += std::string("    <text-buffer bufferBlendMode=\"0\" bufferColor=\"255,255,255,255\" bufferDraw=\"") +
       (labels.halo ? "1" : "0") +
       "\" bufferJoinStyle=\"128\" bufferNoFill=\"1\" bufferOpacity=\"1\" bufferSize=\"0.8\" "
       "bufferSizeUnits=\"MM\"/>\n";
  s += "   </text-style>\n";
  s += "   <text-format addDirectionSymbol=\"0\" autoWrapLength=\"0\" decimals=\"3\" formatNumbers=\"0\" "
       "multilineAlign=\"3\" plussign=\"0\" wrapChar=\"\"/>\n";
  if (kind == GeometryKind::kPolygon) {
    s += "   <placement centroidInside=\"1\" centroidWhole=\"0\" dist=\"0\" distUnits=\"MM\" fitInPolygonOnly=\"0\" "
         "offsetType=\"0\" offsetUnits=\"MM\" placement=\"1\" priority=\"5\" quadOffset=\"4\" xOffset=\"0\" "
         "yOffset=\"0\"/>\n";
  } else {
    s += "   <placement dist=\"1\" distUnits=\"MM\" offsetType=\"0\" offsetUnits=\"MM\" placement=\"6\" "
         "predefinedPositionOrder=\"TR,TL,BR,BL,R,L,TSR,BSR\" priority=\"5\" quadOffset=\"4\" xOffset=\"0\" "
         "yOffset=\"0\"/>\n";
  }
  s += "   <rendering displayAll=\"0\" drawLabels=\"1\" fontLimitPixelSize=\"0\" fontMaxPixelSize=\"10000\" "
       "fontMinPixelSize=\"0\" labelPerPart=\"0\" limitNumLabels=\"0\" maxNumLabels=\"2000\" mergeLines=\"0\" "
       "minFeatureSize=\"0\" obstacle=\"1\" obstacleFactor=\"1\" obstacleType=\"1\" scaleMax=\"0\" scaleMin=\"0\" "
       "scaleVisibility=\"0\" unplacedVisibility=\"0\" upsidedownLabels=\"0\" zIndex=\"0\"/>\n";
  s += "  </settings>\n </labeling>\n";
  return s;
}

/// The QML document around a renderer.
std::string document(const std::string& renderer, const std::optional<Labels>& labels, GeometryKind kind) {
  std::string s = "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n";
  s += std::string("<qgis labelsEnabled=\"") + (labels ? "1" : "0") +
       "\" styleCategories=\"Symbology|Labeling|Fields\" version=\"3.22.0-Białowieża\">\n";
  s += renderer;
  if (labels) s += labeling(*labels, kind);
  s += " <blendMode>0</blendMode>\n <featureBlendMode>0</featureBlendMode>\n <layerOpacity>1</layerOpacity>\n";
  s += " <layerGeometryType>" + std::to_string(static_cast<int>(kind)) + "</layerGeometryType>\n";
  s += "</qgis>\n";
  return s;
}

std::string categories_xml(std::span<const Category> categories) {
  std::string s = "  <categories>\n";
  for (std::size_t i = 0; i < categories.size(); ++i)
    s += "   <category label=\"" + xml_escape(categories[i].label) + "\" render=\"true\" symbol=\"" +
         std::to_string(i) + "\" value=\"" + xml_escape(categories[i].value) + "\"/>\n";
  return s + "  </categories>\n";
}

void require_categories(std::span<const Category> categories, const char* what) {
  if (categories.empty()) throw std::invalid_argument(std::string(what) + ": no categories");
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string raster_classes_qml(std::span<const RasterClass> classes) {
  if (classes.empty()) throw std::invalid_argument("raster_classes_qml: no classes");
  for (std::size_t i = 1; i < classes.size(); ++i)
    if (!(classes[i].upper > classes[i - 1].upper))
      throw std::invalid_argument("raster_classes_qml: the upper bounds must increase (class '" + classes[i].label + "')");
  const double lo = 0.0;
  double hi = classes.back().upper;
  if (!std::isfinite(hi)) hi = classes.size() > 1 ? classes[classes.size() - 2].upper * 2.0 : 1.0;
  auto rgb = [](const Colour& c) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "#%02x%02x%02x", c.r, c.g, c.b);
    return std::string(buf);
  };
  std::string s = "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n";
  s += "<qgis styleCategories=\"Symbology\" version=\"3.22.0-Białowieża\">\n <pipe>\n";
  s += "  <rasterrenderer alphaBand=\"-1\" band=\"1\" classificationMax=\"" + number(hi) +
       "\" classificationMin=\"" + number(lo) + "\" nodataColor=\"\" opacity=\"1\" type=\"singlebandpseudocolor\">\n";
  s += "   <rasterTransparency/>\n";
  s += "   <minMaxOrigin>\n    <limits>None</limits>\n    <extent>WholeRaster</extent>\n"
       "    <statAccuracy>Estimated</statAccuracy>\n    <cumulativeCutLower>0.02</cumulativeCutLower>\n"
       "    <cumulativeCutUpper>0.98</cumulativeCutUpper>\n    <stdDevFactor>2</stdDevFactor>\n   </minMaxOrigin>\n";
  s += "   <rastershader>\n    <colorrampshader classificationMode=\"1\" clip=\"0\" colorRampType=\"DISCRETE\" "
       "labelPrecision=\"0\" maximumValue=\"" + number(hi) + "\" minimumValue=\"" + number(lo) + "\">\n";
  for (const RasterClass& c : classes)
    s += "     <item alpha=\"" + std::to_string(c.colour.a) + "\" color=\"" + rgb(c.colour) + "\" label=\"" +
         xml_escape(c.label) + "\" value=\"" + (std::isfinite(c.upper) ? number(c.upper) : std::string("inf")) + "\"/>\n";
  s += "    </colorrampshader>\n   </rastershader>\n  </rasterrenderer>\n";
  s += "  <brightnesscontrast brightness=\"0\" contrast=\"0\" gamma=\"1\"/>\n";
  s += "  <huesaturation colorizeBlue=\"128\" colorizeGreen=\"128\" colorizeOn=\"0\" colorizeRed=\"255\" "
       "colorizeStrength=\"100\" grayscaleMode=\"0\" invertColors=\"0\" saturation=\"0\"/>\n";
  s += "  <rasterresampler maxOversampling=\"2\"/>\n  <resamplingStage>resamplingFilter</resamplingStage>\n";
  s += " </pipe>\n <blendMode>0</blendMode>\n</qgis>\n";
  return s;
}

Colour colour(std::string_view hex) {
  if ((hex.size() != 7 && hex.size() != 9) || hex[0] != '#')
    throw std::invalid_argument("colour '" + std::string(hex) + "': expected #rrggbb or #rrggbbaa");
  std::uint8_t v[4] = {0, 0, 0, 255};
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    const int hi = hex_digit(hex[i + 1]);
    const int lo = hex_digit(hex[i + 2]);
    if (hi < 0 || lo < 0) throw std::invalid_argument("colour '" + std::string(hex) + "': not a hex digit");
    v[i / 2] = static_cast<std::uint8_t>(hi * 16 + lo);
  }
  return {v[0], v[1], v[2], v[3]};
}

std::string graduated_fill_qml(const GraduatedFill& style) {
  if (style.classes.empty()) throw std::invalid_argument("graduated_fill_qml: no classes");
  double lowest = style.classes.front().lower;
  for (const GraduatedClass& c : style.classes) {
    if (!std::isfinite(c.lower) || !std::isfinite(c.upper) || c.lower > c.upper)
      throw std::invalid_argument("graduated_fill_qml: class '" + c.label + "' has bounds " + number(c.lower) + " … " +
                                  number(c.upper));
    lowest = std::min(lowest, c.lower);
  }
  const double no_data = std::floor(lowest) - 1.0;
  const std::string attr = "coalesce(" + quoted_field(style.field) + ", " + number(no_data) + ")";
  std::string r = " <renderer-v2 attr=\"" + xml_escape(attr) +
                  "\" enableorderby=\"0\" forceraster=\"0\" graduatedMethod=\"GraduatedColor\" referencescale=\"-1\" "
                  "symbollevels=\"0\" type=\"graduatedSymbol\">\n  <ranges>\n";
  const std::size_t n = style.classes.size();
  for (std::size_t i = 0; i < n; ++i) {
    const GraduatedClass& c = style.classes[i];
    r += "   <range label=\"" + xml_escape(c.label) + "\" lower=\"" + number(c.lower) + "\" render=\"true\" symbol=\"" +
         std::to_string(i) + "\" upper=\"" + number(c.upper) + "\"/>\n";
  }
  r += "   <range label=\"" + xml_escape(style.no_data_label) + "\" lower=\"" + number(no_data) +
       "\" render=\"true\" symbol=\"" + std::to_string(n) + "\" upper=\"" + number(no_data) + "\"/>\n";
  r += "  </ranges>\n  <symbols>\n";
  for (std::size_t i = 0; i < n; ++i) r += fill_symbol(std::to_string(i), style.classes[i].fill, style.outline, "   ");
  r += fill_symbol(std::to_string(n), style.no_data_fill, style.outline, "   ");
  r += "  </symbols>\n";
  r += "  <classificationMethod id=\"EqualInterval\">\n   <symmetricMode astride=\"0\" enabled=\"0\" "
       "symmetrypoint=\"0\"/>\n   <labelFormat format=\"%1 - %2\" labelprecision=\"4\" trimtrailingzeroes=\"1\"/>\n"
       "   <parameters>\n    <Option/>\n   </parameters>\n   <extraInformation/>\n  </classificationMethod>\n";
  r += "  <rotation/>\n  <sizescale/>\n </renderer-v2>\n";
  return document(r, style.labels, GeometryKind::kPolygon);
}

std::string categorized_fill_qml(const CategorizedFill& style) {
  require_categories(style.categories, "categorized_fill_qml");
  std::string r = " <renderer-v2 attr=\"" + xml_escape(style.field) +
                  "\" enableorderby=\"0\" forceraster=\"0\" referencescale=\"-1\" symbollevels=\"0\" "
                  "type=\"categorizedSymbol\">\n";
  r += categories_xml(style.categories);
  r += "  <symbols>\n";
  for (std::size_t i = 0; i < style.categories.size(); ++i)
    r += fill_symbol(std::to_string(i), style.categories[i].colour, style.outline, "   ");
  r += "  </symbols>\n  <rotation/>\n  <sizescale/>\n </renderer-v2>\n";
  return document(r, style.labels, GeometryKind::kPolygon);
}

std::string single_fill_qml(const SingleFill& style) {
  std::string r =
      " <renderer-v2 enableorderby=\"0\" forceraster=\"0\" referencescale=\"-1\" symbollevels=\"0\" "
      "type=\"singleSymbol\">\n  <symbols>\n";
  r += fill_symbol("0", style.fill, style.outline, "   ");
  r += "  </symbols>\n  <rotation/>\n  <sizescale/>\n </renderer-v2>\n";
  return document(r, style.labels, GeometryKind::kPolygon);
}

std::string categorized_marker_qml(const CategorizedMarker& style) {
  require_categories(style.categories, "categorized_marker_qml");
  std::string r = " <renderer-v2 attr=\"" + xml_escape(style.field) +
                  "\" enableorderby=\"0\" forceraster=\"0\" referencescale=\"-1\" symbollevels=\"0\" "
                  "type=\"categorizedSymbol\">\n";
  r += categories_xml(style.categories);
  r += "  <symbols>\n";
  for (std::size_t i = 0; i < style.categories.size(); ++i)
    r += marker_symbol(std::to_string(i), style.categories[i].colour, style, "   ");
  r += "  </symbols>\n  <rotation/>\n  <sizescale/>\n </renderer-v2>\n";
  return document(r, style.labels, GeometryKind::kPoint);
}

std::string categorized_line_qml(const CategorizedLine& style) {
  require_categories(style.categories, "categorized_line_qml");
  std::string r = " <renderer-v2 attr=\"" + xml_escape(style.field) +
                  "\" enableorderby=\"0\" forceraster=\"0\" referencescale=\"-1\" symbollevels=\"0\" "
                  "type=\"categorizedSymbol\">\n";
  r += categories_xml(style.categories);
  r += "  <symbols>\n";
  for (std::size_t i = 0; i < style.categories.size(); ++i) {
    const Props props = {{"capstyle", "round"},
                         {"joinstyle", "round"},
                         {"line_color", rgba(style.categories[i].colour)},
                         {"line_style", "solid"},
                         {"line_width", number(style.width_mm)},
                         {"line_width_unit", "MM"},
                         {"offset", "0"},
                         {"offset_unit", "MM"},
                         {"width_map_unit_scale", std::string(kUnitScale)}};
    r += symbol(std::to_string(i), "line", "SimpleLine", props, "   ");
  }
  r += "  </symbols>\n  <rotation/>\n  <sizescale/>\n </renderer-v2>\n";
  return document(r, std::nullopt, GeometryKind::kLine);
}

namespace {

std::string hex_rgb(const Colour& c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x", c.r, c.g, c.b);
  return buf;
}

std::string opacity(const Colour& c) { return number(static_cast<double>(c.a) / 255.0); }

/// Millimetres as SLD pixels (0.28 mm a pixel, the SLD standard's rendering pixel).
std::string pixels(double mm) { return number(std::round(mm / 0.28 * 100.0) / 100.0); }

std::string sld_open(const std::string& layer) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<StyledLayerDescriptor xmlns=\"http://www.opengis.net/sld\" xmlns:ogc=\"http://www.opengis.net/ogc\" "
         "xmlns:se=\"http://www.opengis.net/se\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" "
         "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" version=\"1.1.0\" "
         "xsi:schemaLocation=\"http://www.opengis.net/sld "
         "http://schemas.opengis.net/sld/1.1.0/StyledLayerDescriptor.xsd\">\n"
         " <NamedLayer>\n  <se:Name>" + xml_escape(layer) + "</se:Name>\n  <UserStyle>\n   <se:Name>" +
         xml_escape(layer) + "</se:Name>\n   <se:FeatureTypeStyle>\n";
}

constexpr const char* kSldClose = "   </se:FeatureTypeStyle>\n  </UserStyle>\n </NamedLayer>\n</StyledLayerDescriptor>\n";

std::string polygon_symbolizer(const Colour& fill, const Outline& outline) {
  std::string s = "     <se:PolygonSymbolizer>\n      <se:Fill>\n";
  s += "       <se:SvgParameter name=\"fill\">" + hex_rgb(fill) + "</se:SvgParameter>\n";
  s += "       <se:SvgParameter name=\"fill-opacity\">" + opacity(fill) + "</se:SvgParameter>\n      </se:Fill>\n";
  if (outline.width_mm > 0) {
    s += "      <se:Stroke>\n       <se:SvgParameter name=\"stroke\">" + hex_rgb(outline.colour) + "</se:SvgParameter>\n";
    s += "       <se:SvgParameter name=\"stroke-opacity\">" + opacity(outline.colour) + "</se:SvgParameter>\n";
    s += "       <se:SvgParameter name=\"stroke-width\">" + pixels(outline.width_mm) + "</se:SvgParameter>\n";
    s += "       <se:SvgParameter name=\"stroke-linejoin\">bevel</se:SvgParameter>\n      </se:Stroke>\n";
  }
  return s + "     </se:PolygonSymbolizer>\n";
}

std::string rule_head(const std::string& name, const std::string& title) {
  return "    <se:Rule>\n     <se:Name>" + xml_escape(name) + "</se:Name>\n     <se:Description>\n      <se:Title>" +
         xml_escape(title) + "</se:Title>\n     </se:Description>\n";
}

std::string comparison(const char* op, const std::string& field, double value) {
  return std::string("        <ogc:") + op + ">\n         <ogc:PropertyName>" + xml_escape(field) +
         "</ogc:PropertyName>\n         <ogc:Literal>" + number(value) + "</ogc:Literal>\n        </ogc:" + op + ">\n";
}

}  // namespace

std::string graduated_fill_sld(const GraduatedFill& style, const std::string& layer) {
  graduated_fill_qml(style);  // the same checks of the classes
  std::string s = sld_open(layer);
  for (std::size_t i = 0; i < style.classes.size(); ++i) {
    const GraduatedClass& c = style.classes[i];
    // A value on a bound two classes share belongs to the first (as in QGIS): later classes exclude their lower
    // bound when an earlier class ends there.
    bool shared = false;
    for (std::size_t k = 0; k < i; ++k) shared = shared || (style.classes[k].upper >= c.lower && style.classes[k].lower <= c.lower);
    s += rule_head(std::to_string(i), c.label);
    s += "     <ogc:Filter xmlns:ogc=\"http://www.opengis.net/ogc\">\n      <ogc:And>\n";
    s += comparison(shared ? "PropertyIsGreaterThan" : "PropertyIsGreaterThanOrEqualTo", style.field, c.lower);
    s += comparison("PropertyIsLessThanOrEqualTo", style.field, c.upper);
    s += "      </ogc:And>\n     </ogc:Filter>\n";
    s += polygon_symbolizer(c.fill, style.outline);
    s += "    </se:Rule>\n";
  }
  s += rule_head(std::to_string(style.classes.size()), style.no_data_label);
  s += "     <ogc:Filter xmlns:ogc=\"http://www.opengis.net/ogc\">\n      <ogc:PropertyIsNull>\n"
       "       <ogc:PropertyName>" + xml_escape(style.field) + "</ogc:PropertyName>\n      </ogc:PropertyIsNull>\n"
       "     </ogc:Filter>\n";
  s += polygon_symbolizer(style.no_data_fill, style.outline);
  s += "    </se:Rule>\n";
  return s + kSldClose;
}

std::string single_fill_sld(const SingleFill& style, const std::string& layer) {
  std::string s = sld_open(layer);
  s += rule_head("0", layer);
  s += polygon_symbolizer(style.fill, style.outline);
  s += "    </se:Rule>\n";
  return s + kSldClose;
}

std::string raster_classes_sld(std::span<const RasterClass> classes, const std::string& layer) {
  raster_classes_qml(classes);  // the same checks
  std::string s = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                  "<StyledLayerDescriptor xmlns=\"http://www.opengis.net/sld\" "
                  "xmlns:ogc=\"http://www.opengis.net/ogc\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" "
                  "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" version=\"1.0.0\" "
                  "xsi:schemaLocation=\"http://www.opengis.net/sld "
                  "http://schemas.opengis.net/sld/1.0.0/StyledLayerDescriptor.xsd\">\n";
  s += " <NamedLayer>\n  <Name>" + xml_escape(layer) + "</Name>\n  <UserStyle>\n   <Name>" + xml_escape(layer) +
       "</Name>\n   <FeatureTypeStyle>\n    <Rule>\n     <RasterSymbolizer>\n      <Opacity>1</Opacity>\n"
       "      <ColorMap type=\"intervals\">\n";
  for (const RasterClass& c : classes)
    s += "       <ColorMapEntry color=\"" + hex_rgb(c.colour) + "\" opacity=\"" + opacity(c.colour) + "\" quantity=\"" +
         (std::isfinite(c.upper) ? number(c.upper) : std::string("3.4e+38")) + "\" label=\"" + xml_escape(c.label) +
         "\"/>\n";
  s += "      </ColorMap>\n     </RasterSymbolizer>\n    </Rule>\n   </FeatureTypeStyle>\n  </UserStyle>\n"
       " </NamedLayer>\n</StyledLayerDescriptor>\n";
  return s;
}

std::string with_field_aliases(std::string_view qml, std::span<const FieldAlias> aliases, int field_index_offset) {
  std::string out(qml);
  if (qml.empty() || qml.find("<aliases") != std::string_view::npos) return out;
  const std::size_t end = out.rfind("</qgis>");
  if (end == std::string::npos) return out;
  std::string block = " <aliases>\n";
  bool any = false;
  for (std::size_t i = 0; i < aliases.size(); ++i) {
    if (aliases[i].alias.empty()) continue;
    any = true;
    block += "  <alias field=\"" + xml_escape(aliases[i].field) + "\" index=\"" +
             std::to_string(static_cast<int>(i) + field_index_offset) + "\" name=\"" + xml_escape(aliases[i].alias) +
             "\"/>\n";
  }
  block += " </aliases>\n";
  if (!any) return out;
  out.insert(end, block);
  return out;
}

}  // namespace carereach::io::qgis
