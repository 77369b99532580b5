#pragma once
// Exporting the layers of a vector source (a run's layers.gpkg, or any OGR source) to the formats GIS staff hand
// on: GeoPackage, Shapefile, GeoJSON, KML, FlatGeobuf and CSV, in any PROJ CRS or in GCJ-02/BD-09 for Chinese web
// basemaps (carereach export; docs/cli/export.md).

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/diagnostics.hpp"
#include "core/progress.hpp"

namespace carereach::io {

/// An output format of carereach export.
struct ExportFormat {
  std::string driver;        ///< GDAL driver: "GPKG", "ESRI Shapefile", "GeoJSON", "KML", "FlatGeobuf", "CSV"
  std::string extension;     ///< of the files written, with the dot: ".gpkg", ".shp" …
  bool multi_layer = false;  ///< every layer in one file (GeoPackage); else one file per layer
};

/// The format for a name as the user wrote it: a driver name or a short name in any case (gpkg, geopackage, shp,
/// shapefile, "ESRI Shapefile", geojson, json, kml, fgb, flatgeobuf, csv). Throws UsageError listing the formats.
ExportFormat export_format(std::string_view name);

struct ExportOptions {
  std::filesystem::path input;
  std::string input_as_written;     ///< for messages
  std::filesystem::path output;     ///< a file (GeoPackage, or one layer with the format's extension) or a folder
  std::string output_as_written;    ///< for messages
  std::string format;               ///< as given to --format
  std::string crs;                  ///< CRS of the output ("EPSG:4548", "gcj02", "bd09" …); empty = each layer's own
  std::vector<std::string> layers;  ///< export only these (in this order); empty = every layer
  bool overwrite = false;
};

struct ExportedLayer {
  std::string name;  ///< the layer's name in the input
  std::string file;  ///< the file written, relative to the output ("facilities.shp"); the output for GPKG
  std::size_t features = 0;
  std::string crs;  ///< the CRS written, for people ("EPSG:4490 China Geodetic Coordinate System 2000")
  /// Shapefile: fields whose names were shortened to the format's 10 bytes, as (input name, name written).
  std::vector<std::pair<std::string, std::string>> renamed_fields;
  bool style = false;  ///< the layer's QGIS style went with it (layer_styles, or a .qml beside the file)
};

struct ExportResult {
  ExportFormat format;
  bool folder = false;  ///< the output is a folder with one file per layer (and export.json)
  std::vector<ExportedLayer> layers;
  std::size_t features = 0;
  /// For GCJ-02/BD-09 outputs: the note that the coordinates are offset although the files declare WGS 84.
  std::string crs_note;
  /// What was done about an earlier export to the same folder that was interrupted (io/output_folder.hpp).
  std::vector<std::string> recovery_notes;
};

/// Exports; the output appears complete or not at all (written beside it under a temporary name, then renamed).
/// Throws UsageError (format, input is the output, a file name for several layers), InputError (input missing,
/// not a vector source, unknown layer), CrsError (unknown --crs, a layer without CRS to convert, --crs a KML
/// cannot hold) or OutputError (exists without overwrite, cannot be written). Geometries that cannot be
/// converted are errors in diag, and then nothing is written; losses the formats impose (Shapefile text over 254
/// bytes, CSV cells over Excel's limit) are warnings.
ExportResult export_layers(const ExportOptions& options, Diagnostics& diag, ProgressSink* progress = nullptr);

/// A field name as a Shapefile (dBase) can hold it: at most 10 bytes, cut at a UTF-8 character boundary, unique
/// within the layer ignoring ASCII case: as GDAL names them (name cut to 8 bytes plus _1 … _9, then 10 … 99),
/// except that GDAL 3.6 cuts Chinese names in the middle of a character. `used` holds the names taken so far
/// (ASCII lower case); the result is added to it.
std::string shapefile_field_name(const std::string& name, std::vector<std::string>& used);

}  // namespace carereach::io
