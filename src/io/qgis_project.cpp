#include "io/qgis_project.hpp"

#include <cpl_conv.h>
#include <cpl_error.h>

#include <algorithm>
#include <cstdio>
#include <set>
#include <stdexcept>
#include <system_error>
#include <unistd.h>

#include "core/error.hpp"
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

std::string provider(const ProjectLayer& l) {
  switch (l.kind) {
    case ProjectLayer::Kind::kVector: return "ogr";
    case ProjectLayer::Kind::kRaster: return "gdal";
    case ProjectLayer::Kind::kXyz: return "wms";
  }
  return "gdal";
}

std::string tree_layer(const ProjectLayer& l, const std::string& indent) {
  return indent + "<layer-tree-layer checked=\"" + std::string(checked(l.visible)) + "\" expanded=\"0\" id=\"" +
         xml_escape(l.id) + "\" name=\"" + xml_escape(l.name) + "\" providerKey=\"" + provider(l) + "\" source=\"" +
         xml_escape(l.source) + "\">\n" + indent + " <customproperties/>\n" + indent + "</layer-tree-layer>\n";
}

/// The pipe of a tile layer: its colours as they come (QGIS's default for XYZ tiles).
constexpr const char* kXyzPipe =
    "   <pipe>\n    <rasterrenderer alphaBand=\"-1\" band=\"1\" nodataColor=\"\" opacity=\"1\" "
    "type=\"singlebandcolordata\">\n     <rasterTransparency/>\n     <minMaxOrigin>\n      <limits>None</limits>\n"
    "      <extent>WholeRaster</extent>\n      <statAccuracy>Estimated</statAccuracy>\n"
    "      <cumulativeCutLower>0.02</cumulativeCutLower>\n      <cumulativeCutUpper>0.98</cumulativeCutUpper>\n"
    "      <stdDevFactor>2</stdDevFactor>\n     </minMaxOrigin>\n    </rasterrenderer>\n"
    "    <brightnesscontrast brightness=\"0\" contrast=\"0\" gamma=\"1\"/>\n"
    "    <huesaturation colorizeBlue=\"128\" colorizeGreen=\"128\" colorizeOn=\"0\" colorizeRed=\"255\" "
    "colorizeStrength=\"100\" grayscaleMode=\"0\" invertColors=\"0\" saturation=\"0\"/>\n"
    "    <rasterresampler maxOversampling=\"2\"/>\n    <resamplingStage>resamplingFilter</resamplingStage>\n"
    "   </pipe>\n   <blendMode>0</blendMode>\n";

std::string map_layer(const ProjectLayer& l) {
  const bool vector = l.kind == ProjectLayer::Kind::kVector;
  std::string s = std::string("  <maplayer type=\"") + (vector ? "vector" : "raster") + "\"" +
                  (vector ? " geometry=\"" + xml_escape(l.geometry) + "\"" : std::string()) +
                  " hasScaleBasedVisibilityFlag=\"0\" autoRefreshEnabled=\"0\" refreshOnNotifyEnabled=\"0\">\n";
  s += "   <id>" + xml_escape(l.id) + "</id>\n";
  s += "   <datasource>" + xml_escape(l.source) + "</datasource>\n";
  s += "   <layername>" + xml_escape(l.name) + "</layername>\n";
  s += "   <srs>\n" + spatialrefsys(l.crs_authid, l.crs_wkt, "    ") + "   </srs>\n";
  s += "   <provider encoding=\"UTF-8\">" + provider(l) + "</provider>\n";
  if (!l.style_qml.empty())
    s += style_content(l.style_qml, l.id);
  else if (l.kind == ProjectLayer::Kind::kXyz)
    s += kXyzPipe;
  s += "  </maplayer>\n";
  return s;
}

}  // namespace

std::string project_qgs(const Project& project) {
  std::vector<const ProjectLayer*> all;
  for (const ProjectGroup& g : project.groups)
    for (const ProjectLayer& l : g.layers) all.push_back(&l);
  if (project.basemap) all.push_back(&*project.basemap);
  std::set<std::string> ids;
  for (const ProjectLayer* layer : all) {
    const ProjectLayer& l = *layer;
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
    for (const ProjectLayer& l : g.layers) s += tree_layer(l, "   ");
    s += "  </layer-tree-group>\n";
  }
  if (project.basemap) s += tree_layer(*project.basemap, "  ");
  s += " </layer-tree-group>\n";

  // Drawing order: the panel's order, top first.
  s += " <layerorder>\n";
  for (const ProjectLayer* l : all) s += "  <layer id=\"" + xml_escape(l->id) + "\"/>\n";
  s += " </layerorder>\n";

  s += " <projectlayers>\n";
  for (const ProjectLayer* l : all) s += map_layer(*l);
  s += " </projectlayers>\n";
  s += " <properties>\n  <Paths>\n   <Absolute type=\"bool\">false</Absolute>\n  </Paths>\n </properties>\n";
  s += "</qgis>\n";
  return s;
}

std::string xyz_source(const std::string& url, int zmax) {
  std::string encoded;
  for (const char c : url) {
    if (c == '&') encoded += "%26";
    else if (c == '=') encoded += "%3D";
    else if (c == '%') encoded += "%25";
    else encoded += c;
  }
  return "type=xyz&url=" + encoded + "&zmax=" + std::to_string(zmax) + "&zmin=0";
}

void write_qgz(const std::filesystem::path& file, const std::string& member, const std::string& qgs) {
  const std::filesystem::path tmp =
      file.parent_path() / ("." + file.filename().string() + ".tmp-" + std::to_string(::getpid()));
  auto fail = [&](const std::string& what) {
    std::error_code ec;
    std::filesystem::remove(tmp, ec);
    throw OutputError("cannot write the QGIS project archive: " + what, Location{file.string(), {}, {}, {}, 0},
                      "check that the folder is writable and the disk is not full");
  };
  CPLErrorReset();
  void* zip = CPLCreateZip(tmp.c_str(), nullptr);
  if (zip == nullptr) fail(CPLGetLastErrorMsg());
  bool ok = CPLCreateFileInZip(zip, member.c_str(), nullptr) == CE_None;
  // In pieces: CPLWriteFileInZip takes an int size.
  for (std::size_t at = 0; ok && at < qgs.size(); at += 1u << 24) {
    const std::size_t n = std::min<std::size_t>(qgs.size() - at, 1u << 24);
    ok = CPLWriteFileInZip(zip, qgs.data() + at, static_cast<int>(n)) == CE_None;
  }
  if (ok) ok = CPLCloseFileInZip(zip) == CE_None;
  const bool closed = CPLCloseZip(zip) == CE_None;
  if (!ok || !closed) fail(CPLGetLastErrorMsg());
  std::error_code ec;
  std::filesystem::rename(tmp, file, ec);
  if (ec) fail(ec.message());
}

}  // namespace carereach::io::qgis
