#include "io/qgis_project.hpp"

#include <set>
#include <stdexcept>

#include "core/text.hpp"

namespace carereach::io::qgis {
namespace {

/// The content of a QML document's <qgis> element: the style elements a <maplayer> holds.
std::string style_content(const std::string& qml, const std::string& layer_id) {
  const std::size_t open = qml.find("<qgis");
  const std::size_t open_end = open == std::string::npos ? open : qml.find('>', open);
  const std::size_t close = qml.rfind("</qgis>");
  if (open_end == std::string::npos || close == std::string::npos || close < open_end)
    throw std::invalid_argument("project_qgs: the style of layer '" + layer_id + "' is not a QML document");
  return qml.substr(open_end + 1, close - open_end - 1);
}

std::string spatialrefsys(const std::string& authid, const std::string& wkt, const std::string& indent) {
  return indent + "<spatialrefsys nativeFormat=\"Wkt\">\n" + indent + " <wkt>" + xml_escape(wkt) + "</wkt>\n" + indent +
         " <authid>" + xml_escape(authid) + "</authid>\n" + indent + "</spatialrefsys>\n";
}

const char* checked(bool v) { return v ? "Qt::Checked" : "Qt::Unchecked"; }

std::string provider(const ProjectLayer& l) { return l.kind == ProjectLayer::Kind::kVector ? "ogr" : "gdal"; }

}  // namespace

std::string project_qgs(const Project& project) {
  std::set<std::string> ids;
  for (const ProjectGroup& g : project.groups)
    for (const ProjectLayer& l : g.layers) {
      // QGIS keeps a layer's id only when it is longer than 10 characters (it replaces shorter ones, and the
      // layers panel then points at nothing).
      if (l.id.size() <= 10)
        throw std::invalid_argument("project_qgs: layer id '" + l.id + "' is not longer than 10 characters");
      if (!ids.insert(l.id).second) throw std::invalid_argument("project_qgs: layer id '" + l.id + "' repeats");
    }
  std::string s = "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n";
  s += "<qgis projectname=\"" + xml_escape(project.title) + "\" version=\"3.22.0-Białowieża\">\n";
  s += " <homePath path=\"\"/>\n <title>" + xml_escape(project.title) + "</title>\n";
  s += " <autotransaction active=\"0\"/>\n <evaluateDefaultValues active=\"0\"/>\n <trust active=\"0\"/>\n";
  s += " <projectCrs>\n" + spatialrefsys(project.crs_authid, project.crs_wkt, "  ") + " </projectCrs>\n";

  // The layers panel: groups, then their layers.
  s += " <layer-tree-group>\n  <customproperties/>\n";
  for (const ProjectGroup& g : project.groups) {
    s += "  <layer-tree-group checked=\"" + std::string(checked(g.visible)) + "\" expanded=\"" +
         (g.expanded ? "1" : "0") + "\" name=\"" + xml_escape(g.name) + "\">\n   <customproperties/>\n";
    for (const ProjectLayer& l : g.layers)
      s += "   <layer-tree-layer checked=\"" + std::string(checked(l.visible)) + "\" expanded=\"0\" id=\"" +
           xml_escape(l.id) + "\" name=\"" + xml_escape(l.name) + "\" providerKey=\"" + provider(l) + "\" source=\"" +
           xml_escape(l.source) + "\">\n    <customproperties/>\n   </layer-tree-layer>\n";
    s += "  </layer-tree-group>\n";
  }
  s += " </layer-tree-group>\n";

  // Drawing order: the panel's order, top first.
  s += " <layerorder>\n";
  for (const ProjectGroup& g : project.groups)
    for (const ProjectLayer& l : g.layers) s += "  <layer id=\"" + xml_escape(l.id) + "\"/>\n";
  s += " </layerorder>\n";

  s += " <projectlayers>\n";
  for (const ProjectGroup& g : project.groups)
    for (const ProjectLayer& l : g.layers) {
      const bool vector = l.kind == ProjectLayer::Kind::kVector;
      s += std::string("  <maplayer type=\"") + (vector ? "vector" : "raster") + "\"" +
           (vector ? " geometry=\"" + xml_escape(l.geometry) + "\"" : std::string()) +
           " hasScaleBasedVisibilityFlag=\"0\" autoRefreshEnabled=\"0\" refreshOnNotifyEnabled=\"0\">\n";
      s += "   <id>" + xml_escape(l.id) + "</id>\n";
      s += "   <datasource>" + xml_escape(l.source) + "</datasource>\n";
      s += "   <layername>" + xml_escape(l.name) + "</layername>\n";
      s += "   <srs>\n" + spatialrefsys(l.crs_authid, l.crs_wkt, "    ") + "   </srs>\n";
      s += "   <provider encoding=\"UTF-8\">" + provider(l) + "</provider>\n";
      if (!l.style_qml.empty()) s += style_content(l.style_qml, l.id);
      s += "  </maplayer>\n";
    }
  s += " </projectlayers>\n";
  s += " <properties>\n  <Paths>\n   <Absolute type=\"bool\">false</Absolute>\n  </Paths>\n </properties>\n";
  s += "</qgis>\n";
  return s;
}

}  // namespace carereach::io::qgis
