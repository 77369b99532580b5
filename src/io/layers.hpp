#pragma once
// The GeoPackage writer of carereach's vector outputs (layers.gpkg): any number of point or polygon layers with
// typed fields, Chinese display names (aliases) and a QGIS style per layer. docs/layers.md describes the file.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "geo/crs.hpp"
#include "geo/geos.hpp"

namespace carereach::io {

struct FieldDef {
  enum class Type { kString, kInteger, kReal };
  std::string name;      ///< column name: ASCII, units in the name (pop_covered, mean_time_min)
  std::string alias_zh;  ///< display name shown by GIS software, e.g. "覆盖人口（人）"; may be empty
  Type type = Type::kString;
};

/// A field value: NULL (monostate), text, integer or real. A NaN or infinite real is written as NULL; an integer
/// is accepted by a real field.
using FieldValue = std::variant<std::monostate, std::string, std::int64_t, double>;

struct LayerFeature {
  geo::Geometry geometry;          ///< in the analysis CRS; null or empty = a feature without geometry
  std::vector<FieldValue> values;  ///< one per field, in the order of LayerData::fields
};

struct LayerData {
  enum class GeometryType { kPoint, kMultiPolygon, kLineString };
  std::string name;         ///< table name: ASCII letters, digits and '_' (facilities, service_area_tcm_15min)
  std::string title_zh;     ///< gpkg_contents.identifier, e.g. "15分钟中医药服务圈"; empty = name
  std::string description;  ///< gpkg_contents.description
  GeometryType geometry_type = GeometryType::kMultiPolygon;
  std::vector<FieldDef> fields;
  std::vector<LayerFeature> features;  ///< written in this order (fid 1, 2, …)
  std::string qml;                     ///< QGIS style (io/qgis_styles.hpp); empty = no style
  std::string sld;  ///< the same style as an SLD (io/qgis_styles.hpp), written to styles/<name>.sld; empty = none
};

struct GeoPackageOptions {
  /// UTC time "YYYY-MM-DDTHH:MM:SSZ" (or with fractions of a second) written as the time of the layers
  /// (gpkg_contents.last_change) and of the styles (layer_styles.update_time). With a fixed time the same input
  /// gives the same file bytes. Empty: the layers get the current time, the styles NULL.
  std::string timestamp;
};

/// Writes the layers to a GeoPackage, replacing `file`: geometries are converted from from_crs (the analysis CRS)
/// to to_crs (EPSG:4490 by default in carereach; GCJ-02/BD-09 allowed), with x = longitude/easting. Polygons
/// become MultiPolygons; a point layer takes points only. Each field's alias is stored in gpkg_data_columns.name
/// (read as the field's alternative name by GDAL 3.7 and later) and in the layer's QML; each layer with a QML gets
/// the row QGIS looks for in layer_styles (useAsDefault = 1), so QGIS opens the layer styled.
/// The file is written beside `file` and renamed into place: it appears complete or not at all.
/// Throws OutputError naming the file (and layer, feature, field) when a layer or field name is invalid or
/// repeated, a value does not fit its field, a geometry does not fit its layer or cannot be converted, or GDAL
/// cannot write; std::invalid_argument for a malformed options.timestamp.
void write_geopackage(const std::filesystem::path& file, std::span<const LayerData> layers,
                      const geo::CrsSpec& from_crs, const geo::CrsSpec& to_crs, const GeoPackageOptions& options = {});

/// Reads one layer of a GeoPackage written by write_geopackage back (for `compare`, which draws the zones and
/// facilities of the runs it compares): its fields (name, alias from gpkg_data_columns when GDAL gives it, type) and
/// features in fid order, geometries converted from from_crs (the CRS the file was written in, which may be
/// GCJ-02/BD-09) to to_crs. nullopt when the file has no such layer. Throws InputError naming the file (and layer
/// and feature) when it cannot be opened or a geometry cannot be converted.
std::optional<LayerData> read_geopackage_layer(const std::filesystem::path& file, const std::string& layer,
                                               const geo::CrsSpec& from_crs, const geo::CrsSpec& to_crs);

}  // namespace carereach::io
