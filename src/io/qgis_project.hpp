#pragma once
// A QGIS project (.qgs, the QGIS 3.22 project format; QGIS opens it directly) over the files of a run folder: its
// layers in groups, each with its style (the QML of io/qgis_styles.hpp embedded), paths relative to the project,
// so the folder can be moved or zipped and the project opens offline. Pure text: the caller writes the file.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace carereach::io::qgis {

struct ProjectLayer {
  /// kXyz: a tile basemap (QGIS's "wms" provider with type=xyz); source is then the tile URL with {x}, {y}, {z}.
  enum class Kind { kVector, kRaster, kXyz };
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
  /// An XYZ tile basemap (Kind::kXyz), below every group at the bottom of the panel and of the drawing order.
  std::optional<ProjectLayer> basemap;
};

/// The data source QGIS stores for an XYZ tile layer: "type=xyz&url=…&zmax=…&zmin=0", the URL's own '&', '=' and
/// '%' percent-encoded (QGIS reads the source as a URL query).
std::string xyz_source(const std::string& url, int zmax);

/// The project as a .qgs document. Throws std::invalid_argument when a layer id repeats or has 10 characters or
/// fewer, or a style is not a QML document.
std::string project_qgs(const Project& project);

/// Writes `qgs` (a project_qgs document) into the zip archive `file` (a .qgz, QGIS's default project format since
/// 3.2) as its one member `member` (e.g. "project.qgs"). QGIS resolves the project's relative paths against the
/// .qgz's folder. The archive is written beside `file` and renamed into place; its bytes depend only on the text.
/// Throws OutputError naming the file when it cannot be written.
void write_qgz(const std::filesystem::path& file, const std::string& member, const std::string& qgs);
}  // namespace carereach::io::qgis
