// The SVG map renderer: paths with holes in px with y flipped, aspect, scale bar, legend, escaping, determinism,
// well-formed XML, and classed colours. Expected numbers are worked out by hand in the comments.
//
// XML well-formedness is checked by a small checker in this file (well_formed_problem below), not by GDAL: the
// report layer and its test binary do not link GDAL.

#include <catch2/catch.hpp>

#include <cctype>
#include <cmath>
#include <limits>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "report/svg_map.hpp"

using namespace carereach::report;
using carereach::geo::PolygonRings;
using carereach::geo::Ring;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
const std::string kMalicious = "<img src=x onerror=alert(1)>";
const std::string kMaliciousEscaped = "&lt;img src=x onerror=alert(1)&gt;";

/// An axis-aligned rectangle as a closed ring, counter-clockwise, as GEOS would give a shell.
Ring rect_ring(double x0, double y0, double x1, double y1) {
  return Ring{{x0, x1, x1, x0, x0}, {y0, y0, y1, y1, y0}};
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

/// The text between `open` and the next "</g>" after it (the content of a group without nested groups).
std::string group(const std::string& svg, const std::string& open) {
  const auto start = svg.find(open);
  REQUIRE(start != std::string::npos);
  const auto end = svg.find("</g>", start);
  REQUIRE(end != std::string::npos);
  return svg.substr(start, end - start);
}

bool name_start(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_' || c == ':';
}
bool name_char(char c) {
  return name_start(c) || std::isdigit(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '.';
}

/// Length of the entity or character reference at s[at] ('&'), or 0 when there is none that XML knows.
std::size_t reference_length(const std::string& s, std::size_t at) {
  const auto semi = s.find(';', at);
  if (semi == std::string::npos || semi - at > 12) return 0;
  const std::string name = s.substr(at + 1, semi - at - 1);
  if (name == "amp" || name == "lt" || name == "gt" || name == "quot" || name == "apos") return semi - at + 1;
  if (name.size() >= 2 && name[0] == '#') {
    const bool hex = name[1] == 'x';
    const std::string digits = name.substr(hex ? 2 : 1);
    if (digits.empty()) return 0;
    for (const char c : digits) {
      if (hex ? std::isxdigit(static_cast<unsigned char>(c)) == 0 : std::isdigit(static_cast<unsigned char>(c)) == 0) {
        return 0;
      }
    }
    return semi - at + 1;
  }
  return 0;
}

/// A minimal XML 1.0 well-formedness check (elements, attributes, references, comments; no DTD, CDATA or
/// processing instructions, which the renderer never writes): one root, tags balanced and properly nested, every
/// attribute quoted and unique per element, no '<' in attribute values, every '&' a known reference, no text
/// outside the root. Returns "" when well-formed, else what is wrong and where.
std::string well_formed_problem(const std::string& s) {
  std::vector<std::string> open;
  int roots = 0;
  std::size_t i = 0;
  const auto at = [&](std::size_t k) { return k < s.size() ? s[k] : '\0'; };
  const auto space = [&](std::size_t k) { return std::isspace(static_cast<unsigned char>(at(k))) != 0; };
  const auto where = [&] { return " at byte " + std::to_string(i); };
  const auto read_name = [&]() {
    const std::size_t start = i;
    if (!name_start(at(i))) return std::string();
    while (name_char(at(i))) ++i;
    return s.substr(start, i - start);
  };
  while (i < s.size()) {
    if (s[i] == '<') {
      if (s.compare(i, 4, "<!--") == 0) {
        const auto end = s.find("-->", i + 4);
        if (end == std::string::npos) return "unclosed comment" + where();
        i = end + 3;
        continue;
      }
      if (at(i + 1) == '/') {
        i += 2;
        const std::string name = read_name();
        while (space(i)) ++i;
        if (at(i) != '>') return "bad end tag" + where();
        ++i;
        if (open.empty() || open.back() != name) return "end tag </" + name + "> does not match" + where();
        open.pop_back();
        continue;
      }
      ++i;
      const std::string name = read_name();
      if (name.empty()) return "bad tag name" + where();
      if (open.empty() && ++roots > 1) return "a second root element" + where();
      std::set<std::string> attributes;
      while (true) {
        const bool had_space = space(i);
        while (space(i)) ++i;
        if (at(i) == '/' && at(i + 1) == '>') {
          i += 2;
          break;
        }
        if (at(i) == '>') {
          ++i;
          open.push_back(name);
          break;
        }
        if (!had_space) return "no space before an attribute" + where();
        const std::string attribute = read_name();
        if (attribute.empty()) return "bad attribute name" + where();
        if (!attributes.insert(attribute).second) return "duplicate attribute " + attribute + where();
        while (space(i)) ++i;
        if (at(i) != '=') return "attribute without =" + where();
        ++i;
        while (space(i)) ++i;
        const char quote = at(i);
        if (quote != '"' && quote != '\'') return "unquoted attribute " + attribute + where();
        ++i;
        while (i < s.size() && s[i] != quote) {
          if (s[i] == '<') return "'<' in attribute " + attribute + where();
          if (s[i] == '&') {
            const std::size_t n = reference_length(s, i);
            if (n == 0) return "bad reference in attribute " + attribute + where();
            i += n;
          } else {
            ++i;
          }
        }
        if (i >= s.size()) return "unclosed attribute value" + where();
        ++i;
      }
      continue;
    }
    if (s[i] == '&') {
      const std::size_t n = reference_length(s, i);
      if (n == 0) return "bad reference" + where();
      i += n;
      continue;
    }
    if (open.empty() && !space(i)) return "text outside the root element" + where();
    ++i;
  }
  if (!open.empty()) return "unclosed element <" + open.back() + ">";
  if (roots != 1) return "no root element";
  return "";
}

/// A 710 px wide map of 0–1000 m without margins and with a title: the panel keeps its minimum width of 180 px, so
/// the map frame is 710 − 10 (pad) − 180 (panel) − 10 (gap) − 10 (pad) = 500 px wide at x = 10, y = 10 + 30 (title
/// band) = 40, and the scale is 500 px / 1000 m = 0.5 px/m in x and y.
MapSpec hand_spec() {
  MapSpec spec;
  spec.title = "Test";
  spec.width_px = 710;
  spec.extent = {0, 0, 1000, 1000};
  spec.margin_fraction = 0;
  return spec;
}

/// A map with every kind of element, for determinism, escaping and XML checks.
MapSpec full_spec(const std::string& name) {
  MapSpec spec;
  spec.title = "15分钟中医药服务圈 " + name;
  spec.extent = {500000, 3700000, 510000, 3710000};
  MapLayerPolygons bands;
  bands.polygons.push_back(
      PolygonRings{rect_ring(500000, 3700000, 505000, 3705000), {rect_ring(501000, 3701000, 502000, 3702000)}});
  bands.polygons.push_back(PolygonRings{rect_ring(505000, 3700000, 510000, 3710000), {}});
  bands.fill = {"#1a9850", "#fee08b"};
  bands.titles = {"0–15 min " + name, ""};
  spec.layers.emplace_back(bands);
  MapLayerPoints facilities;
  facilities.points = {{502500, 3707500}, {507000, 3703000}};
  facilities.fill = {"#d73027"};
  facilities.titles = {name, "谯城区华佗镇卫生院"};
  facilities.shape = PointShape::kTriangle;
  spec.layers.emplace_back(facilities);
  spec.legend_title = "出行时间（分钟）" + name;
  spec.legend = {{"#1a9850", "0–15", false, PointShape::kCircle},
                 {"#fee08b", "15–30 " + name, false, PointShape::kCircle},
                 {"#d73027", "卫生院 " + name, true, PointShape::kTriangle}};
  spec.crs_note = "CGCS2000 / 3-degree Gauss-Kruger CM 117E (EPSG:4548) " + name;
  spec.north_label = "北";
  return spec;
}

}  // namespace

TEST_CASE("a square with a hole becomes one evenodd path in px, y flipped", "[report][svg]") {
  MapSpec spec = hand_spec();
  MapLayerPolygons layer;
  // Shell 100–900 m, hole 400–600 m (clockwise, as GEOS keeps holes). px = 0.5 × x, py = 0.5 × (1000 − y):
  //   shell (100,100) (900,100) (900,900) (100,900) → (50,450) (450,450) (450,50) (50,50), closing vertex dropped;
  //   hole  (400,400) (400,600) (600,600) (600,400) → (200,300) (200,200) (300,200) (300,300).
  layer.polygons.push_back(
      PolygonRings{rect_ring(100, 100, 900, 900), {Ring{{400, 400, 600, 600, 400}, {400, 600, 600, 400, 400}}}});
  // Rounding to 0.1 px: (123.44, 876.66) → (61.72, 61.67) → (61.7, 61.7); (500, 876.66) → (250, 61.7);
  // (123.44, 500) → (61.7, 250). This ring has no closing vertex: the path is closed all the same.
  layer.polygons.push_back(PolygonRings{Ring{{123.44, 500, 123.44}, {876.66, 876.66, 500}}, {}});
  layer.fill = {"#aaaaaa", "#bbbbbb"};
  spec.layers.emplace_back(layer);

  const MapLayout l = layout_map(spec);
  CHECK(l.map_x_px == 10);
  CHECK(l.map_y_px == 40);
  CHECK(l.map_width_px == 500);
  CHECK(l.map_height_px == 500);
  CHECK(l.px_per_m == 0.5);

  const std::string svg = render_svg(spec);
  INFO(svg);
  CHECK(svg.find("<svg class=\"map-drawing\" x=\"10\" y=\"40\" width=\"500\" height=\"500\" overflow=\"hidden\">") !=
        std::string::npos);
  CHECK(svg.find("<g class=\"map-layer\" fill-rule=\"evenodd\" stroke=\"#ffffff\" stroke-width=\"0.5\"") !=
        std::string::npos);
  CHECK(svg.find("<path d=\"M50 450L450 450 450 50 50 50ZM200 300L200 200 300 200 300 300Z\" fill=\"#aaaaaa\"/>") !=
        std::string::npos);
  CHECK(svg.find("<path d=\"M61.7 61.7L250 61.7 61.7 250Z\" fill=\"#bbbbbb\"/>") != std::string::npos);
  CHECK(well_formed_problem(svg).empty());
}

TEST_CASE("points are symbols of a fixed size in px with tooltips", "[report][svg]") {
  MapSpec spec = hand_spec();
  MapLayerPoints points;
  // (500, 500) → (250, 250); (100, 900) → (50, 50).
  points.points = {{500, 500}, {100, 900}};
  points.fill = {"#ff0000", "#0000ff"};
  points.titles = {"甲", ""};
  points.radius_px = 4;
  spec.layers.emplace_back(points);
  std::string svg = render_svg(spec);
  CHECK(svg.find("<circle cx=\"250\" cy=\"250\" r=\"4\" fill=\"#ff0000\"><title>甲</title></circle>") !=
        std::string::npos);
  CHECK(svg.find("<circle cx=\"50\" cy=\"50\" r=\"4\" fill=\"#0000ff\"/>") != std::string::npos);

  std::get<MapLayerPoints>(spec.layers[0]).shape = PointShape::kSquare;
  svg = render_svg(spec);
  CHECK(svg.find("<rect x=\"246\" y=\"246\" width=\"8\" height=\"8\" fill=\"#ff0000\"><title>甲</title></rect>") !=
        std::string::npos);
  std::get<MapLayerPoints>(spec.layers[0]).shape = PointShape::kDiamond;
  svg = render_svg(spec);
  CHECK(svg.find("<path d=\"M250 246L254 250 250 254 246 250Z\" fill=\"#ff0000\">") != std::string::npos);
  CHECK(well_formed_problem(svg).empty());
}

TEST_CASE("the aspect of the extent is kept: equal scale in x and y", "[report][svg]") {
  MapSpec spec;  // 800 px wide: the frame is 800 − 10 − 180 − 10 − 10 = 590 px wide
  spec.extent = {0, 0, 20000, 10000};
  const MapLayout wide = layout_map(spec);
  // With 5 % margins: 22,000 m × 11,000 m, still 2:1, on 590 px: 295 px high.
  CHECK(wide.map_extent.min_x == -1000);
  CHECK(wide.map_extent.max_y == 11000 - 500);
  CHECK(wide.map_width_px == 590);
  CHECK(wide.map_height_px == Approx(295));
  CHECK(wide.map_width_px / wide.map_height_px == Approx(2.0));
  CHECK(wide.px_per_m == Approx(590.0 / 22000));

  // 1:2 would be 1,180 px high: capped at 900 px, the frame is 450 px wide, centred in its 590 px column.
  spec.extent = {0, 0, 10000, 20000};
  const MapLayout tall = layout_map(spec);
  CHECK(tall.map_height_px == 900);
  CHECK(tall.map_width_px == Approx(450));
  CHECK(tall.map_x_px == Approx(10 + 70));
  CHECK(tall.px_per_m == Approx(900.0 / 22000));

  // A single point is shown as a 1 km square; a line as a 20:1 strip.
  spec.extent = {5000, 5000, 5000, 5000};
  const MapLayout point = layout_map(spec);
  CHECK(point.map_extent.min_x == 4500);
  CHECK(point.map_extent.max_y == 5500);
  CHECK(point.map_height_px == Approx(590));
  spec.extent = {0, 5000, 10000, 5000};
  const MapLayout line = layout_map(spec);
  CHECK(line.map_width_px / line.map_height_px == Approx(20));
}

TEST_CASE("the scale bar is a round length whose px follow the map scale", "[report][svg]") {
  MapSpec spec;
  spec.extent = {0, 0, 10000, 10000};
  spec.crs_note = "EPSG:4548";
  const MapLayout l = layout_map(spec);
  // 10 km + 2 × 5 % = 11,000 m on 590 px: 0.053636 px/m. The bar may take 150 px = 2,796.6 m; the longest round
  // length below is 2 km, drawn 2,000 × 590 / 11,000 = 107.27 px long.
  CHECK(l.px_per_m == Approx(590.0 / 11000));
  CHECK(l.scale_bar_m == 2000);
  CHECK(l.scale_bar_px == Approx(107.2727).epsilon(1e-5));
  // Height: 10 (pad) + 590 (map, taller than the panel) + 24 (CRS note).
  CHECK(l.height_px == 624);
  const std::string svg = render_svg(spec);
  const std::string bar = group(svg, "<g class=\"map-scale-bar\">");
  CHECK(bar.find(">2 km</text>") != std::string::npos);
  CHECK(count(bar, "width=\"53.6\"") == 2);  // two halves of 53.64 px
  CHECK(svg.find("width=\"800\" height=\"624\" viewBox=\"0 0 800 624\"") != std::string::npos);

  spec.extent = {0, 0, 100000, 100000};  // 110 km on 590 px: 150 px = 27,966 m → 20 km, 107.27 px
  CHECK(layout_map(spec).scale_bar_m == 20000);
  spec.extent = {0, 0, 500, 500};  // 550 m on 590 px: 150 px = 139.8 m → 100 m
  CHECK(layout_map(spec).scale_bar_m == 100);
  CHECK(render_svg(spec).find(">100 m</text>") != std::string::npos);

  CHECK(round_scale_length_m(2796.6) == 2000);
  CHECK(round_scale_length_m(999.9) == 500);
  CHECK(round_scale_length_m(1000) == 1000);
  CHECK(round_scale_length_m(4.99) == 2);
  CHECK(round_scale_length_m(7) == 5);
  CHECK(round_scale_length_m(1) == 1);
  CHECK(round_scale_length_m(0.3) == Approx(0.2));
  CHECK(round_scale_length_m(50000) == 50000);
  CHECK_THROWS_AS(round_scale_length_m(0), std::invalid_argument);
  CHECK(scale_label(2000) == "2 km");
  CHECK(scale_label(10000) == "10 km");
  CHECK(scale_label(500) == "500 m");
  CHECK(scale_label(0.5) == "0.5 m");
}

TEST_CASE("the legend holds every entry; the panel widens for long labels", "[report][svg]") {
  const MapSpec spec = full_spec("");
  const std::string svg = render_svg(spec);
  const std::string legend = group(svg, "<g class=\"map-legend\">");
  CHECK(legend.find(">出行时间（分钟）</text>") != std::string::npos);
  for (const LegendEntry& entry : spec.legend) CHECK(legend.find(">" + entry.label + "</text>") != std::string::npos);
  CHECK(count(legend, "<text") == 4);        // the title and three labels
  CHECK(count(legend, "<rect") == 2);        // two area swatches
  CHECK(count(legend, "<path d=\"M") == 1);  // one point symbol (a triangle)
  CHECK(legend.find("fill=\"#fee08b\"") != std::string::npos);
  // Other parts are there too.
  CHECK(svg.find("<g class=\"map-north-arrow\">") != std::string::npos);
  CHECK(svg.find(">北</text>") != std::string::npos);
  CHECK(svg.find("class=\"map-crs\"") != std::string::npos);
  CHECK(svg.find("<title>15分钟中医药服务圈 </title>") != std::string::npos);

  MapSpec long_labels = spec;
  long_labels.legend.push_back({"#000000", "县级医院可达县级医院可达县级医院可达县级医院可达县级医院可达县级医院可达",
                                false, PointShape::kCircle});
  // 30 CJK characters at 12 px ≈ 360 px + 44 px of swatch and padding: more than 40 % of 800, so 320 px.
  CHECK(layout_map(long_labels).panel_width_px == 320);
  CHECK(layout_map(spec).panel_width_px == 180);
}

TEST_CASE("every text from inputs is escaped", "[report][svg]") {
  MapSpec spec = full_spec(kMalicious);
  spec.north_label = kMalicious;
  spec.title += "\" onload=\"alert(2)";
  const std::string svg = render_svg(spec);
  INFO(svg);
  CHECK(svg.find("<img") == std::string::npos);
  CHECK(svg.find("onload=\"alert") == std::string::npos);
  CHECK(svg.find("aria-label=\"15分钟中医药服务圈 " + kMaliciousEscaped + "&quot; onload=&quot;alert(2)\"") !=
        std::string::npos);
  // aria-label, <title>, title text, two tooltips, north label, legend title, two legend labels, CRS note.
  CHECK(count(svg, kMaliciousEscaped) == 10);
  CHECK(well_formed_problem(svg).empty());

  // Colours are escaped too, so a bad colour cannot break out of its attribute.
  MapSpec colours = hand_spec();
  colours.legend = {{"red\"/><script>x</script>", "a", false, PointShape::kCircle}};
  const std::string svg2 = render_svg(colours);
  CHECK(svg2.find("<script") == std::string::npos);
  CHECK(well_formed_problem(svg2).empty());
}

TEST_CASE("equal specs give identical bytes", "[report][svg]") {
  const std::string a = render_svg(full_spec("亳州"));
  const std::string b = render_svg(full_spec("亳州"));
  CHECK(a == b);
  CHECK(a != render_svg(full_spec("Porto Alegre")));
  CHECK(a.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"carereach-map\"", 0) == 0);
  CHECK(a.substr(a.size() - 7) == "</svg>\n");
}

TEST_CASE("the SVG is well-formed XML, and the checker finds what is not", "[report][svg]") {
  CHECK(well_formed_problem(render_svg(full_spec("A & B <c>"))) == "");
  CHECK(well_formed_problem(render_svg(MapSpec{})) == "");  // nothing to draw is still a valid map
  // The checker itself.
  CHECK(well_formed_problem("<a><b/></a>").empty());
  CHECK_FALSE(well_formed_problem("<a><b></a>").empty());
  CHECK_FALSE(well_formed_problem("<a x=\"1\" x=\"2\"/>").empty());
  CHECK_FALSE(well_formed_problem("<a x=1/>").empty());
  CHECK_FALSE(well_formed_problem("<a>&nbsp;</a>").empty());
  CHECK_FALSE(well_formed_problem("<a>A & B</a>").empty());
  CHECK_FALSE(well_formed_problem("<a/><b/>").empty());
  CHECK_FALSE(well_formed_problem("<a title=\"<\"/>").empty());
}

TEST_CASE("bad specs are refused with a reason", "[report][svg]") {
  MapSpec spec = hand_spec();
  spec.extent = {10, 0, 0, 10};
  CHECK_THROWS_AS(layout_map(spec), std::invalid_argument);
  spec.extent = {0, 0, kNaN, 10};
  CHECK_THROWS_AS(render_svg(spec), std::invalid_argument);
  spec = hand_spec();
  spec.width_px = 100;
  CHECK_THROWS_AS(render_svg(spec), std::invalid_argument);

  spec = hand_spec();
  MapLayerPolygons layer;
  layer.polygons.push_back(PolygonRings{rect_ring(0, 0, 1, 1), {}});
  layer.polygons.push_back(PolygonRings{rect_ring(0, 0, 1, 1), {}});
  layer.polygons.push_back(PolygonRings{rect_ring(0, 0, 1, 1), {}});
  layer.fill = {"#000000", "#ffffff"};  // 2 fills for 3 polygons
  spec.layers.emplace_back(layer);
  CHECK_THROWS_WITH(render_svg(spec), Catch::Contains("layer 0: 2 fills for 3 polygons"));

  spec = hand_spec();
  MapLayerPoints points;
  points.points = {{0, kInf}};
  spec.layers.emplace_back(points);
  CHECK_THROWS_WITH(render_svg(spec), Catch::Contains("point 0 is not finite"));
}

TEST_CASE("class colours by hand", "[report][svg][classes]") {
  const std::vector<std::string> colours{"c0", "c1", "c2", "c3"};
  // Travel-time bands 0–15, 15–30, 30–60, > 60 min; a value on a break belongs to the band below (T ≤ 15 is
  // within 15 minutes). Unreachable (NaN) is no data; beyond the search limit (+inf) is the last band.
  const std::vector<double> minutes{0, 15, 15.1, 30, 45, 60, 61, kInf, kNaN, -kInf};
  const std::vector<double> time_breaks{15, 30, 60};
  CHECK(class_colours(minutes, time_breaks, colours, "none") ==
        std::vector<std::string>{"c0", "c0", "c1", "c1", "c2", "c2", "c3", "c3", "none", "c0"});
  // Shares covered against a 90 % target: a value on a break belongs to the class above (0.9 meets 90 %).
  const std::vector<double> shares{0.9, 0.89, 0.5, 0.2, 1.0, 0.8};
  const std::vector<double> share_breaks{0.5, 0.8, 0.9};
  CHECK(class_colours(shares, share_breaks, colours, "#cccccc", ClassBounds::kLowerInclusive) ==
        std::vector<std::string>{"c3", "c2", "c1", "c0", "c3", "c2"});
  CHECK(class_colours({}, time_breaks, colours, "none").empty());
  // No breaks: one class.
  const std::vector<std::string> one{"only"};
  CHECK(class_colours(minutes, {}, one, "nd").front() == "only");

  const std::vector<double> decreasing{30, 15, 60};
  const std::vector<double> nan_break{15, kNaN, 60};
  CHECK_THROWS_AS(class_colours(minutes, decreasing, colours, "none"), std::invalid_argument);
  CHECK_THROWS_AS(class_colours(minutes, nan_break, colours, "none"), std::invalid_argument);
  CHECK_THROWS_AS(class_colours(minutes, time_breaks, one, "none"), std::invalid_argument);
}

TEST_CASE("labels are escaped text centred on their points, with a halo", "[report][svg]") {
  MapSpec spec = hand_spec();
  MapLayerLabels labels;
  // (500, 500) → (250, 250), as for the points above.
  labels.points = {{500, 500}};
  labels.texts = {kMalicious};
  labels.font_px = 11;
  spec.layers.emplace_back(labels);
  const std::string svg = render_svg(spec);
  INFO(svg);
  const std::string g = group(svg, "<g class=\"map-layer map-labels\"");
  CHECK(g.find("text-anchor=\"middle\"") != std::string::npos);
  CHECK(g.find("paint-order=\"stroke\"") != std::string::npos);
  CHECK(g.find("<text x=\"250\" y=\"250\" font-size=\"11\">" + kMaliciousEscaped + "</text>") != std::string::npos);
  CHECK(svg.find("<img") == std::string::npos);
  CHECK(well_formed_problem(svg).empty());

  std::get<MapLayerLabels>(spec.layers[0]).texts.clear();
  CHECK_THROWS_AS(render_svg(spec), std::invalid_argument);
  std::get<MapLayerLabels>(spec.layers[0]).texts = {"1"};
  std::get<MapLayerLabels>(spec.layers[0]).points = {{kNaN, 0}};
  CHECK_THROWS_AS(render_svg(spec), std::invalid_argument);
}
