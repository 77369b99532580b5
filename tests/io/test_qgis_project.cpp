// The QGIS project document (io::qgis::project_qgs) and the raster class style: checked on the text QGIS reads.
// tests/cli/check_qgis_project.py opens a run's project in QGIS itself.

#include <catch2/catch.hpp>

#include <limits>
#include <regex>
#include <stdexcept>
#include <string>
#include <vector>

#include "io/qgis_project.hpp"
#include "io/qgis_styles.hpp"

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
