// The QGIS project document (io::qgis::project_qgs) and the raster class style: checked on the text QGIS reads.
// tests/cli/check_qgis_project.py opens a run's project in QGIS itself.

#include <catch2/catch.hpp>

#include <cpl_minixml.h>
#include <cpl_string.h>
#include <cpl_vsi.h>

#include <fstream>
#include <iterator>
#include <limits>
#include <regex>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "io/qgis_project.hpp"
#include "io/qgis_styles.hpp"
#include "temp_dir.hpp"

namespace qgis = carereach::io::qgis;

namespace {

qgis::ProjectLayer vector_layer(std::string id, std::string name, bool visible) {
  qgis::ProjectLayer l;
  l.id = std::move(id);
  l.name = std::move(name);
  l.source = "./layers.gpkg|layername=zones_county";
  l.geometry = "Polygon";
  l.crs_authid = "EPSG:4490";
  l.crs_wkt = "GEOGCRS[\"China Geodetic Coordinate System 2000\"]";
  l.style_qml = qgis::single_fill_qml(qgis::SingleFill{});
  l.visible = visible;
  return l;
}

std::size_t count(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
  return n;
}

/// Whether GDAL's XML parser reads the text as one well-formed document.
bool well_formed(const std::string& xml) {
  CPLXMLNode* root = CPLParseXMLString(xml.c_str());
  const bool ok = root != nullptr;
  if (root != nullptr) CPLDestroyXMLNode(root);
  return ok;
}

std::string file_bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("project_qgs: groups, layers, styles and relative paths", "[qgis_project]") {
  qgis::Project p;
  p.title = "亳州 & <基线>";
  p.crs_authid = "EPSG:4490";
  p.crs_wkt = "GEOGCRS[\"China Geodetic Coordinate System 2000\"]";
  qgis::ProjectGroup base{"基础数据", true, true, {vector_layer("carereach_zones_county", "区县", true)}};
  qgis::ProjectGroup second{"15分钟中医药服务圈", false, false,
                            {vector_layer("carereach_tcm__zones", "乡镇覆盖率", false)}};
  qgis::ProjectLayer raster;
  raster.kind = qgis::ProjectLayer::Kind::kRaster;
  raster.id = "carereach_tcm__travel_time";
  raster.name = "出行时间（分钟）";
  raster.source = "./travel_time_tcm_15min.tif";
  raster.crs_authid = "EPSG:4548";
  const qgis::RasterClass classes[] = {{15, qgis::colour("#1a9641"), "≤ 15"},
                                       {std::numeric_limits<double>::infinity(), qgis::colour("#d7191c"), "> 15"}};
  raster.style_qml = qgis::raster_classes_qml(classes);
  second.layers.push_back(raster);
  p.groups = {base, second};
  const std::string qgs = qgis::project_qgs(p);

  CHECK_THAT(qgs, Catch::Contains("<title>亳州 &amp; &lt;基线&gt;</title>"));
  CHECK_THAT(qgs, Catch::Contains("<layer-tree-group checked=\"Qt::Checked\" expanded=\"1\" name=\"基础数据\">"));
  CHECK_THAT(qgs, Catch::Contains("<layer-tree-group checked=\"Qt::Unchecked\" expanded=\"0\" name=\"15分钟中医药服务圈\">"));
  CHECK_THAT(qgs, Catch::Contains("<Absolute type=\"bool\">false</Absolute>"));  // paths relative to the project
  CHECK(count(qgs, "<maplayer ") == 3);
  CHECK(count(qgs, "<layer-tree-layer ") == 3);
  CHECK_THAT(qgs, Catch::Contains("<datasource>./travel_time_tcm_15min.tif</datasource>"));
  CHECK_THAT(qgs, Catch::Contains("<provider encoding=\"UTF-8\">gdal</provider>"));
  // Each layer carries its style: the vector renderer and the raster's classes, without the QML's own wrapper.
  CHECK(count(qgs, "<renderer-v2 ") == 2);
  CHECK_THAT(qgs, Catch::Contains("colorRampType=\"DISCRETE\""));
  CHECK_THAT(qgs, Catch::Contains("value=\"inf\""));
  CHECK(count(qgs, "<qgis ") == 1);
  CHECK(count(qgs, "</qgis>") == 1);
  // The drawing order follows the panel, top first.
  CHECK(std::regex_search(qgs, std::regex("<layerorder>\\s*<layer id=\"carereach_zones_county\"/>\\s*<layer id=\"carereach_tcm__zones\"/>")));
}

TEST_CASE("project_qgs refuses ids QGIS would replace, repeated ids and styles that are not QML", "[qgis_project]") {
  qgis::Project p;
  p.groups = {{"g", true, true, {vector_layer("facilities", "f", true)}}};  // 10 characters: QGIS makes its own
  CHECK_THROWS_AS(qgis::project_qgs(p), std::invalid_argument);
  p.groups = {{"g", true, true, {vector_layer("carereach_a", "a", true), vector_layer("carereach_a", "b", true)}}};
  CHECK_THROWS_AS(qgis::project_qgs(p), std::invalid_argument);
  p.groups = {{"g", true, true, {vector_layer("carereach_a", "a", true)}}};
  p.groups[0].layers[0].style_qml = "not a style";
  CHECK_THROWS_AS(qgis::project_qgs(p), std::invalid_argument);
}

TEST_CASE("raster_classes_qml: discrete classes with increasing bounds", "[qgis_styles]") {
  const qgis::RasterClass ok[] = {{15, qgis::colour("#1a9641"), "标准内"}, {30, qgis::colour("#a6d96a"), "15–30"}};
  const std::string qml = qgis::raster_classes_qml(ok);
  CHECK_THAT(qml, Catch::Contains("<item alpha=\"255\" color=\"#1a9641\" label=\"标准内\" value=\"15\"/>"));
  CHECK_THAT(qml, Catch::Contains("<item alpha=\"255\" color=\"#a6d96a\" label=\"15–30\" value=\"30\"/>"));
  const qgis::RasterClass bad[] = {{30, qgis::colour("#1a9641"), "a"}, {15, qgis::colour("#a6d96a"), "b"}};
  CHECK_THROWS_AS(qgis::raster_classes_qml(bad), std::invalid_argument);
  CHECK_THROWS_AS(qgis::raster_classes_qml({}), std::invalid_argument);
}

TEST_CASE("xyz_source: the tile URL percent-encoded inside QGIS's data source", "[qgis_project]") {
  CHECK(qgis::xyz_source("https://tile.openstreetmap.org/{z}/{x}/{y}.png", 19) ==
        "type=xyz&url=https://tile.openstreetmap.org/{z}/{x}/{y}.png&zmax=19&zmin=0");
  CHECK(qgis::xyz_source("https://t0.example/wmts?LAYER=vec&TILEMATRIX={z}&tk=ab%", 18) ==
        "type=xyz&url=https://t0.example/wmts?LAYER%3Dvec%26TILEMATRIX%3D{z}%26tk%3Dab%25&zmax=18&zmin=0");
}

TEST_CASE("project_qgs: a basemap is the last entry of the panel and of the drawing order, unticked", "[qgis_project]") {
  qgis::Project p;
  p.title = "t";
  p.crs_authid = "EPSG:4490";
  p.groups = {{"基础数据", true, true, {vector_layer("carereach_zones_county", "区县", true)}}};
  qgis::ProjectLayer b;
  b.kind = qgis::ProjectLayer::Kind::kXyz;
  b.id = "carereach_basemap_osm";
  b.name = "OpenStreetMap 底图";
  b.source = qgis::xyz_source("https://tile.openstreetmap.org/{z}/{x}/{y}.png", 19);
  b.crs_authid = "EPSG:3857";
  b.visible = false;
  p.basemap = b;
  const std::string qgs = qgis::project_qgs(p);
  CHECK(well_formed(qgs));
  // In the panel: after the group, at the root, unticked.
  CHECK(std::regex_search(qgs, std::regex("</layer-tree-group>\\s*<layer-tree-layer checked=\"Qt::Unchecked\" "
                                          "expanded=\"0\" id=\"carereach_basemap_osm\" name=\"OpenStreetMap 底图\" "
                                          "providerKey=\"wms\" source=\"type=xyz&amp;url=https://tile.openstreetmap.org/"
                                          "\\{z\\}/\\{x\\}/\\{y\\}.png&amp;zmax=19&amp;zmin=0\">\\s*<customproperties/>\\s*"
                                          "</layer-tree-layer>\\s*</layer-tree-group>")));
  // Drawn last (below everything): the last id of the layer order.
  CHECK(std::regex_search(qgs, std::regex("<layer id=\"carereach_basemap_osm\"/>\\s*</layerorder>")));
  // A raster layer of the wms provider with a renderer of the tiles' own colours.
  CHECK_THAT(qgs, Catch::Contains("<provider encoding=\"UTF-8\">wms</provider>"));
  CHECK_THAT(qgs, Catch::Contains("type=\"singlebandcolordata\""));
  CHECK(count(qgs, "<maplayer type=\"raster\"") == 1);
  // Without a basemap: none of it.
  p.basemap.reset();
  CHECK(qgis::project_qgs(p).find("wms") == std::string::npos);
}

TEST_CASE("write_qgz: a zip holding the project, read back by GDAL, the same bytes every time", "[qgis_project]") {
  carereach::test::TempDir dir;
  const std::string qgs = "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n<qgis>亳州</qgis>\n";
  qgis::write_qgz(dir.path() / "project.qgz", "project.qgs", qgs);
  const std::string bytes = file_bytes(dir.path() / "project.qgz");
  REQUIRE(bytes.size() > 4);
  CHECK(bytes.substr(0, 4) == std::string("PK\x03\x04", 4));  // a zip's local file header
  // The one member, read through GDAL's own zip reader (braces: GDAL does not know .qgz as a zip extension).
  char** members = VSIReadDir(("/vsizip/{" + (dir.path() / "project.qgz").string() + "}").c_str());
  REQUIRE(CSLCount(members) == 1);
  CHECK(std::string(members[0]) == "project.qgs");
  CSLDestroy(members);
  VSILFILE* f = VSIFOpenL(("/vsizip/{" + (dir.path() / "project.qgz").string() + "}/project.qgs").c_str(), "rb");
  REQUIRE(f != nullptr);
  std::string back(qgs.size() + 16, '\0');
  back.resize(VSIFReadL(back.data(), 1, back.size(), f));
  VSIFCloseL(f);
  CHECK(back == qgs);
  // Written again (later): the same bytes; no temporary file left behind.
  qgis::write_qgz(dir.path() / "again.qgz", "project.qgs", qgs);
  CHECK(file_bytes(dir.path() / "again.qgz") == bytes);
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) ++files;
  CHECK(files == 2);
  // A folder that does not exist: an OutputError.
  CHECK_THROWS_AS(qgis::write_qgz(dir.path() / "missing" / "p.qgz", "project.qgs", qgs), carereach::OutputError);
}

TEST_CASE("graduated_fill_sld: the QML's classes, bounds and colours as SLD rules, NULL as the last rule", "[qgis_styles]") {
  qgis::GraduatedFill g;
  g.field = "share_tcm";
  g.classes = {{0.0, 0.5, qgis::colour("#d7191c"), "< 50%"}, {0.5, 1.0, qgis::colour("#1a9641"), "≥ 50%"}};
  g.outline = {{90, 90, 90, 255}, 0.28};
  const std::string sld = qgis::graduated_fill_sld(g, "zones_county");
  CHECK(well_formed(sld));
  CHECK_THAT(sld, Catch::Contains("version=\"1.1.0\""));
  CHECK_THAT(sld, Catch::Contains("<se:Name>zones_county</se:Name>"));
  CHECK(count(sld, "<se:Rule>") == 3);
  // Class 1: 0 ≤ v ≤ 0.5, red; class 2: 0.5 < v ≤ 1 (0.5 belongs to the first, as in QGIS), green.
  const auto r1 = sld.find("<se:Title>&lt; 50%</se:Title>");
  const auto r2 = sld.find("<se:Title>≥ 50%</se:Title>");
  const auto r3 = sld.find("<se:Title>无数据</se:Title>");
  REQUIRE(r1 != std::string::npos);
  REQUIRE(r2 > r1);
  REQUIRE(r3 > r2);
  const std::string rule1 = sld.substr(r1, r2 - r1);
  const std::string rule2 = sld.substr(r2, r3 - r2);
  const std::string rule3 = sld.substr(r3);
  CHECK(std::regex_search(rule1, std::regex("<ogc:PropertyIsGreaterThanOrEqualTo>\\s*<ogc:PropertyName>share_tcm</ogc:"
                                            "PropertyName>\\s*<ogc:Literal>0</ogc:Literal>")));
  CHECK(std::regex_search(rule1, std::regex("<ogc:PropertyIsLessThanOrEqualTo>\\s*<ogc:PropertyName>share_tcm</ogc:"
                                            "PropertyName>\\s*<ogc:Literal>0.5</ogc:Literal>")));
  CHECK_THAT(rule1, Catch::Contains("<se:SvgParameter name=\"fill\">#d7191c</se:SvgParameter>"));
  CHECK(std::regex_search(rule2, std::regex("<ogc:PropertyIsGreaterThan>\\s*<ogc:PropertyName>share_tcm</ogc:"
                                            "PropertyName>\\s*<ogc:Literal>0.5</ogc:Literal>")));
  CHECK_THAT(rule2, Catch::Contains("<se:SvgParameter name=\"fill\">#1a9641</se:SvgParameter>"));
  CHECK_THAT(rule3, Catch::Contains("<ogc:PropertyIsNull>"));
  CHECK_THAT(rule3, Catch::Contains("<se:SvgParameter name=\"fill\">#c8c8c8</se:SvgParameter>"));  // 200,200,200
  // The outline: #5a5a5a, 0.28 mm = 1 SLD pixel.
  CHECK_THAT(rule1, Catch::Contains("<se:SvgParameter name=\"stroke\">#5a5a5a</se:SvgParameter>"));
  CHECK_THAT(rule1, Catch::Contains("<se:SvgParameter name=\"stroke-width\">1</se:SvgParameter>"));
  g.classes.clear();
  CHECK_THROWS_AS(qgis::graduated_fill_sld(g, "x"), std::invalid_argument);
}

TEST_CASE("single_fill_sld and raster_classes_sld", "[qgis_styles]") {
  qgis::SingleFill fill;
  fill.fill = {215, 25, 28, 51};  // 51 / 255 = 0.2
  const std::string single = qgis::single_fill_sld(fill, "gap_tcm");
  CHECK(well_formed(single));
  CHECK(count(single, "<se:Rule>") == 1);
  CHECK_THAT(single, Catch::Contains("<se:SvgParameter name=\"fill\">#d7191c</se:SvgParameter>"));
  CHECK_THAT(single, Catch::Contains("<se:SvgParameter name=\"fill-opacity\">0.2</se:SvgParameter>"));

  const qgis::RasterClass classes[] = {{15, qgis::colour("#1a9641"), "≤ 15"},
                                       {30, qgis::colour("#fdae61"), "15–30"},
                                       {std::numeric_limits<double>::infinity(), qgis::colour("#d7191c"), "> 30"}};
  const std::string raster = qgis::raster_classes_sld(classes, "travel_time_tcm");
  CHECK(well_formed(raster));
  CHECK_THAT(raster, Catch::Contains("version=\"1.0.0\""));
  CHECK_THAT(raster, Catch::Contains("<ColorMap type=\"intervals\">"));
  CHECK(std::regex_search(raster, std::regex("<ColorMapEntry color=\"#1a9641\" opacity=\"1\" quantity=\"15\" label=\"≤ 15\"/>"
                                             "\\s*<ColorMapEntry color=\"#fdae61\" opacity=\"1\" quantity=\"30\" "
                                             "label=\"15–30\"/>\\s*<ColorMapEntry color=\"#d7191c\" opacity=\"1\" "
                                             "quantity=\"3.4e\\+38\" label=\"&gt; 30\"/>")));
  const qgis::RasterClass bad[] = {{30, qgis::colour("#1a9641"), "a"}, {15, qgis::colour("#a6d96a"), "b"}};
  CHECK_THROWS_AS(qgis::raster_classes_sld(bad, "x"), std::invalid_argument);
}

TEST_CASE("categorized_line_qml: a line symbol per category", "[qgis_styles]") {
  qgis::CategorizedLine l;
  l.field = "beyond";
  l.categories = {{"0", qgis::colour("#1a9641"), "≤ 20 分钟"}, {"1", qgis::colour("#d7191c"), "> 20 分钟"}};
  const std::string qml = qgis::categorized_line_qml(l);
  CHECK(well_formed(qml));
  CHECK_THAT(qml, Catch::Contains("type=\"categorizedSymbol\""));
  CHECK(count(qml, "class=\"SimpleLine\"") == 2);
  CHECK_THAT(qml, Catch::Contains("<prop k=\"line_color\" v=\"215,25,28,255\"/>"));
  CHECK_THAT(qml, Catch::Contains("<layerGeometryType>1</layerGeometryType>"));
  l.categories.clear();
  CHECK_THROWS_AS(qgis::categorized_line_qml(l), std::invalid_argument);
}
