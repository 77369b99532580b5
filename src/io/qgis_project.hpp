#pragma once
// A QGIS project (.qgs, the QGIS 3.22 project format; QGIS opens it directly) over the files of a run folder: its
// layers in groups, each with its style (the QML of io/qgis_styles.hpp embedded), paths relative to the project,
// so the folder can be moved or zipped and the project opens offline. Pure text: the caller writes the file.

#include <string>
#include <vector>

namespace carereach::io::qgis {

struct ProjectLayer {
  enum class Kind { kVector, kRaster };
  Kind kind = Kind::kVector;
  std::string id;          ///< unique within the project, ASCII, longer than 10 characters (QGIS replaces shorter ids)
  std::string name;        ///< shown in the layers panel (Chinese in a Chinese run)
  std::string source;      ///< relative to the project: "./layers.gpkg|layername=zones_county", "./travel_time_x.tif"
  std::string geometry;    ///< vectors: "Point" or "Polygon"
  std::string crs_authid;  ///< "EPSG:4490"
  std::string crs_wkt;     ///< the CRS as WKT (QGIS falls back to it when the authority id is unknown)
  std::string style_qml;   ///< a QML document (io/qgis_styles.hpp); its content becomes the layer's style
  bool visible = true;
};

struct ProjectGroup {
  std::string name;
  bool visible = true;
  bool expanded = true;
  std::vector<ProjectLayer> layers;  ///< top of the drawing order first
};

struct Project {
  std::string title;
  std::string crs_authid;  ///< the map's CRS
  std::string crs_wkt;
  std::vector<ProjectGroup> groups;  ///< top of the layers panel first
};

/// The project as a .qgs document. Throws std::invalid_argument when a layer id repeats or has 10 characters or
/// fewer, or a style is not a QML document.
std::string project_qgs(const Project& project);

}  // namespace carereach::io::qgis
