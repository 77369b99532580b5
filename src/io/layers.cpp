#include "io/layers.hpp"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>
#include <unistd.h>

#include <cmath>
#include <memory>
#include <optional>
#include <random>
#include <regex>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>

#include "core/error.hpp"
#include "core/text.hpp"
#include "io/ogr_transform.hpp"
#include "io/output_folder.hpp"
#include "io/qgis_styles.hpp"
#include "io/vector_source.hpp"

namespace carereach::io {

namespace fs = std::filesystem;

namespace {

Location at(const fs::path& file, const std::string& layer = {}, const std::string& feature = {},
            const std::string& field = {}) {
  return Location{file.string(), layer, feature, field, 0};
}

/// The temporary file beside `file`: hidden, unique, and still a .gpkg for the driver.
fs::path temp_beside(const fs::path& file) {
  std::random_device rd;
  const fs::path folder = file.parent_path().empty() ? fs::path(".") : file.parent_path();
  return folder / ("." + file.stem().string() + ".tmp-" + std::to_string(getpid()) + "-" +
                   std::to_string(rd() % 1000000) + ".gpkg");
}

/// Removes the temporary file (and SQLite's side files) unless it was renamed into place.
class TempFile {
 public:
  explicit TempFile(fs::path path)
      : path_(std::move(path)),
        registered_{ScopedTemporary(path_), ScopedTemporary(path_.string() + "-journal"),
                    ScopedTemporary(path_.string() + "-wal"), ScopedTemporary(path_.string() + "-shm")} {}
  ~TempFile() {
    if (kept_) return;
    std::error_code ec;
    for (const char* suffix : {"", "-journal", "-wal", "-shm"}) fs::remove(fs::path(path_.string() + suffix), ec);
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  [[nodiscard]] const fs::path& path() const { return path_; }
  void keep() { kept_ = true; }

 private:
  fs::path path_;
  ScopedTemporary registered_[4];  ///< removed if the process is interrupted
  bool kept_ = false;
};

/// Sets a GDAL configuration option for this thread until the end of the scope.
class ScopedThreadConfig {
 public:
  ScopedThreadConfig(const char* key, const std::string& value) : key_(key) {
    if (const char* old = CPLGetThreadLocalConfigOption(key, nullptr)) old_ = old;
    CPLSetThreadLocalConfigOption(key, value.c_str());
  }
  ~ScopedThreadConfig() { CPLSetThreadLocalConfigOption(key_, old_ ? old_->c_str() : nullptr); }
  ScopedThreadConfig(const ScopedThreadConfig&) = delete;
  ScopedThreadConfig& operator=(const ScopedThreadConfig&) = delete;

 private:
  const char* key_;
  std::optional<std::string> old_;
};

/// A string literal for SQLite.
std::string sql_text(const std::string& s) {
  std::string out = "'";
  for (const char c : s) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

bool is_table_name(const std::string& name) {
  static const std::regex kName("[A-Za-z_][A-Za-z0-9_]*");
  if (!std::regex_match(name, kName)) return false;
  const std::string lower = ascii_lower(name);
  return !(lower.starts_with("gpkg_") || lower.starts_with("rtree_") || lower.starts_with("sqlite_") ||
           lower == "layer_styles");
}

/// Checks names before anything is written: tables valid and distinct (SQLite compares them without case), fields
/// distinct and not the fid or geometry column.
void check_names(const fs::path& file, std::span<const LayerData> layers) {
  std::set<std::string> tables;
  for (const LayerData& layer : layers) {
    if (!is_table_name(layer.name))
      throw OutputError("invalid layer name '" + layer.name + "'", at(file, layer.name),
                        "use ASCII letters, digits and '_', not starting with gpkg_, rtree_ or sqlite_");
    if (!tables.insert(ascii_lower(layer.name)).second)
      throw OutputError("two layers are named '" + layer.name + "'", at(file, layer.name));
    std::set<std::string> fields = {"fid", "geom"};
    for (const FieldDef& field : layer.fields) {
      if (field.name.empty() || !fields.insert(ascii_lower(field.name)).second)
        throw OutputError("field name '" + field.name + "' is empty, repeated or reserved (fid, geom)",
                          at(file, layer.name, {}, field.name));
    }
  }
}

/// The timestamp in the form the GeoPackage requires for gpkg_contents.last_change: YYYY-MM-DDTHH:MM:SS.SSSZ.
std::string normalized_timestamp(const std::string& timestamp) {
  static const std::regex kTime(R"((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.(\d{1,3}))?Z)");
  std::smatch m;
  if (!std::regex_match(timestamp, m, kTime))
    throw std::invalid_argument("write_geopackage: timestamp '" + timestamp +
                                "' is not a UTC time YYYY-MM-DDTHH:MM:SSZ");
  std::string millis = m[3].str();
  millis.resize(3, '0');
  return m[1].str() + "." + millis + "Z";
}

const char* type_name(FieldDef::Type type) {
  switch (type) {
    case FieldDef::Type::kString:
      return "text";
    case FieldDef::Type::kInteger:
      return "integer";
    case FieldDef::Type::kReal:
      return "real";
  }
  return "?";
}

void set_value(OGRFeature& feature, int i, const FieldDef& def, const FieldValue& value, const Location& where) {
  const auto mismatch = [&](const char* given) {
    throw OutputError(std::string("a ") + given + " value for a " + type_name(def.type) + " field", where,
                      "this is a bug in carereach: please report it");
  };
  if (std::holds_alternative<std::monostate>(value)) {
    feature.SetFieldNull(i);
  } else if (const auto* s = std::get_if<std::string>(&value)) {
    if (def.type != FieldDef::Type::kString) mismatch("text");
    feature.SetField(i, s->c_str());
  } else if (const auto* n = std::get_if<std::int64_t>(&value)) {
    if (def.type == FieldDef::Type::kInteger)
      feature.SetField(i, static_cast<GIntBig>(*n));
    else if (def.type == FieldDef::Type::kReal)
      feature.SetField(i, static_cast<double>(*n));
    else
      mismatch("integer");
  } else {
    const double d = std::get<double>(value);
    if (def.type != FieldDef::Type::kReal) mismatch("real");
    if (std::isfinite(d))
      feature.SetField(i, d);
    else
      feature.SetFieldNull(i);  // NaN and ±inf (no data, unreachable) are NULL
  }
}

/// The feature's geometry converted for the layer, or null for a feature without geometry.
std::unique_ptr<OGRGeometry> output_geometry(const geo::Geometry& geometry, LayerData::GeometryType type,
                                             OGRCoordinateTransformation* transform, const geo::CrsSpec& to_crs,
                                             const Location& where) {
  if (geometry.null() || geometry.is_empty()) return nullptr;
  constexpr int kPoint = 0, kPolygon = 3, kMultiPolygon = 6, kCollection = 7;  // GEOSGeomTypeId
  const int id = geometry.type_id();
  std::unique_ptr<OGRGeometry> g;
  if (type == LayerData::GeometryType::kPoint) {
    if (id != kPoint) throw OutputError("the geometry is not a point", where, "this is a bug in carereach");
    g = to_ogr(geometry);
  } else if (type == LayerData::GeometryType::kLineString) {
    constexpr int kLineString = 1;
    if (id != kLineString) throw OutputError("the geometry is not a line", where, "this is a bug in carereach");
    g = to_ogr(geometry);
  } else if (id == kPolygon || id == kMultiPolygon) {
    g = to_ogr(geometry);
  } else if (id == kCollection) {  // e.g. a union that left slivers of lower dimension: keep the polygons
    const geo::Geometry polygons = geometry.make_valid_polygonal();
    if (polygons.is_empty()) return nullptr;
    g = to_ogr(polygons);
  } else {
    throw OutputError("the geometry is not a polygon", where, "this is a bug in carereach");
  }
  if (transform != nullptr && g->transform(transform) != OGRERR_NONE)
    throw OutputError("the geometry cannot be converted to " + to_crs.display(), where,
                      "check that the study area lies where the output coordinate system is defined");
  if (type == LayerData::GeometryType::kMultiPolygon) g.reset(OGRGeometryFactory::forceToMultiPolygon(g.release()));
  return g;
}

/// The aliases of a layer's fields ("" = none), made distinct as gpkg_data_columns requires: an alias used
/// before in the layer gets the field name appended, "人口 (pop_2020)".
std::vector<std::string> distinct_aliases(const LayerData& layer) {
  std::vector<std::string> aliases;
  std::set<std::string> used;
  for (const FieldDef& field : layer.fields) {
    std::string alias = field.alias_zh;
    if (!alias.empty() && !used.insert(alias).second) {
      alias += " (" + field.name + ")";
      used.insert(alias);
    }
    aliases.push_back(std::move(alias));
  }
  return aliases;
}

/// Runs an SQL statement that returns no rows; throws OutputError with GDAL's message when it fails.
void execute(GDALDataset& ds, const std::string& sql, const fs::path& file) {
  CPLErrorReset();
  OGRLayer* result = ds.ExecuteSQL(sql.c_str(), nullptr, nullptr);
  if (result != nullptr) ds.ReleaseResultSet(result);
  if (CPLGetLastErrorType() == CE_Failure) throw OutputError("cannot be written (" + last_gdal_error() + ")", at(file));
}

void write_layer(GDALDataset& ds, const LayerData& data, const std::string& identifier, OGRSpatialReference& srs,
                 OGRCoordinateTransformation* transform, const geo::CrsSpec& to_crs, const fs::path& file) {
  CPLStringList options;
  options.SetNameValue("GEOMETRY_NAME", "geom");
  options.SetNameValue("FID", "fid");
  options.SetNameValue("SPATIAL_INDEX", "YES");
  options.SetNameValue("IDENTIFIER", identifier.c_str());
  if (!data.description.empty()) options.SetNameValue("DESCRIPTION", data.description.c_str());
  const OGRwkbGeometryType type = data.geometry_type == LayerData::GeometryType::kPoint        ? wkbPoint
                                  : data.geometry_type == LayerData::GeometryType::kLineString ? wkbLineString
                                                                                               : wkbMultiPolygon;
  OGRLayer* layer = ds.CreateLayer(data.name.c_str(), &srs, type, options.List());
  if (layer == nullptr) throw OutputError("cannot create the layer (" + last_gdal_error() + ")", at(file, data.name));
  const std::vector<std::string> aliases = distinct_aliases(data);
  for (std::size_t i = 0; i < data.fields.size(); ++i) {
    const FieldDef& def = data.fields[i];
    const OGRFieldType ogr_type = def.type == FieldDef::Type::kString    ? OFTString
                                  : def.type == FieldDef::Type::kInteger ? OFTInteger64
                                                                         : OFTReal;
    OGRFieldDefn field(def.name.c_str(), ogr_type);
    if (!aliases[i].empty()) field.SetAlternativeName(aliases[i].c_str());  // stored by GDAL 3.7 and later
    if (layer->CreateField(&field) != OGRERR_NONE)
      throw OutputError("cannot create the field (" + last_gdal_error() + ")", at(file, data.name, {}, def.name));
  }
  if (ds.StartTransaction() != OGRERR_NONE)
    throw OutputError("cannot be written (" + last_gdal_error() + ")", at(file, data.name));
  for (std::size_t n = 0; n < data.features.size(); ++n) {
    const LayerFeature& in = data.features[n];
    const std::string feature = "feature " + std::to_string(n + 1);
    if (in.values.size() != data.fields.size())
      throw OutputError(
          std::to_string(in.values.size()) + " values for " + std::to_string(data.fields.size()) + " fields",
          at(file, data.name, feature), "this is a bug in carereach: please report it");
    OGRFeature out(layer->GetLayerDefn());
    for (std::size_t i = 0; i < data.fields.size(); ++i)
      set_value(out, static_cast<int>(i), data.fields[i], in.values[i],
                at(file, data.name, feature, data.fields[i].name));
    std::unique_ptr<OGRGeometry> g;
    try {
      g = output_geometry(in.geometry, data.geometry_type, transform, to_crs, at(file, data.name, feature));
    } catch (const geo::GeometryError& e) {  // GEOS failed on one of the run's own geometries
      throw OutputError(std::string("the geometry cannot be written: ") + e.what(), at(file, data.name, feature));
    } catch (const std::runtime_error& e) {
      if (dynamic_cast<const Error*>(&e) != nullptr) throw;
      throw OutputError(std::string("the geometry cannot be written: ") + e.what(), at(file, data.name, feature));
    }
    if (g) out.SetGeometryDirectly(g.release());
    if (layer->CreateFeature(&out) != OGRERR_NONE)
      throw OutputError("cannot be written (" + last_gdal_error() + ")", at(file, data.name, feature));
  }
  if (ds.CommitTransaction() != OGRERR_NONE)
    throw OutputError("cannot be written (" + last_gdal_error() + ")", at(file, data.name));
}

/// Field aliases in gpkg_data_columns (the GeoPackage schema extension), for the rows GDAL did not write itself
/// (GDAL 3.6 ignores alternative names in GeoPackages; 3.7 and later write them).
void write_data_columns(GDALDataset& ds, std::span<const LayerData> layers, const fs::path& file) {
  bool any = false;
  for (const LayerData& layer : layers)
    for (const FieldDef& field : layer.fields) any = any || !field.alias_zh.empty();
  if (!any) return;
  execute(ds,
          "CREATE TABLE IF NOT EXISTS gpkg_data_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, "
          "name TEXT, title TEXT, description TEXT, mime_type TEXT, constraint_name TEXT, "
          "CONSTRAINT pk_gdc PRIMARY KEY (table_name, column_name), CONSTRAINT gdc_tn UNIQUE (table_name, name))",
          file);
  // The schema extension has two tables: both exist and are registered (the constraints table stays empty).
  execute(ds,
          "CREATE TABLE IF NOT EXISTS gpkg_data_column_constraints (constraint_name TEXT NOT NULL, "
          "constraint_type TEXT NOT NULL, value TEXT, min NUMERIC, min_is_inclusive BOOLEAN, max NUMERIC, "
          "max_is_inclusive BOOLEAN, description TEXT, "
          "CONSTRAINT gdcc_ntv UNIQUE (constraint_name, constraint_type, value))",
          file);
  for (const char* table : {"gpkg_data_columns", "gpkg_data_column_constraints"})
    execute(ds,
            std::string("INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope) "
                        "SELECT '") +
                table +
                "', NULL, 'gpkg_schema', 'http://www.geopackage.org/spec121/#extension_schema', "
                "'read-write' WHERE NOT EXISTS (SELECT 1 FROM gpkg_extensions WHERE table_name = '" +
                table + "' AND extension_name = 'gpkg_schema')",
            file);
  for (const LayerData& layer : layers) {
    const std::vector<std::string> aliases = distinct_aliases(layer);
    for (std::size_t i = 0; i < layer.fields.size(); ++i) {
      const FieldDef& field = layer.fields[i];
      const std::string& alias = aliases[i];
      if (alias.empty()) continue;
      execute(ds,
              "INSERT INTO gpkg_data_columns (table_name, column_name, name) SELECT " + sql_text(layer.name) + ", " +
                  sql_text(field.name) + ", " + sql_text(alias) +
                  " WHERE NOT EXISTS (SELECT 1 FROM gpkg_data_columns WHERE table_name = " + sql_text(layer.name) +
                  " AND column_name = " + sql_text(field.name) + ")",
              file);
    }
  }
}

/// The layer_styles table as QGIS creates it (QgsOgrProviderMetadata::saveStyle), one default style per layer
/// with a QML. QGIS finds a layer's style with f_table_schema = '', f_table_name = the layer and
/// f_geometry_column = its geometry column, preferring useAsDefault = 1.
void write_styles(GDALDataset& ds, std::span<const LayerData> layers, const std::string& timestamp,
                  const fs::path& file) {
  bool any = false;
  for (const LayerData& layer : layers) any = any || !layer.qml.empty();
  if (!any) return;
  const Location where = at(file, "layer_styles");
  CPLStringList options;
  options.SetNameValue("FID", "id");
  OGRLayer* styles = ds.CreateLayer("layer_styles", nullptr, wkbNone, options.List());
  if (styles == nullptr) throw OutputError("cannot create the table (" + last_gdal_error() + ")", where);
  struct Column {
    const char* name;
    OGRFieldType type;
    int width;
  };
  static constexpr Column kColumns[] = {{"f_table_catalog", OFTString, 256},
                                        {"f_table_schema", OFTString, 256},
                                        {"f_table_name", OFTString, 256},
                                        {"f_geometry_column", OFTString, 256},
                                        {"styleName", OFTString, 30},
                                        {"styleQML", OFTString, 0},
                                        {"styleSLD", OFTString, 0},
                                        {"useAsDefault", OFTInteger, 0},
                                        {"description", OFTString, 0},
                                        {"owner", OFTString, 30},
                                        {"ui", OFTString, 30},
                                        {"update_time", OFTDateTime, 0}};
  for (const Column& c : kColumns) {
    OGRFieldDefn field(c.name, c.type);
    field.SetWidth(c.width);
    if (c.type == OFTInteger) field.SetSubType(OFSTBoolean);
    if (c.type == OFTDateTime) field.SetDefault("CURRENT_TIMESTAMP");
    if (styles->CreateField(&field) != OGRERR_NONE)
      throw OutputError("cannot create the table (" + last_gdal_error() + ")", where);
  }
  for (const LayerData& layer : layers) {
    if (layer.qml.empty()) continue;
    OGRLayer* target = ds.GetLayerByName(layer.name.c_str());
    const std::vector<std::string> distinct = distinct_aliases(layer);
    std::vector<qgis::FieldAlias> aliases;
    for (std::size_t i = 0; i < layer.fields.size(); ++i) aliases.push_back({layer.fields[i].name, distinct[i]});
    const std::string qml = qgis::with_field_aliases(layer.qml, aliases);
    OGRFeature row(styles->GetLayerDefn());
    row.SetField("f_table_catalog", "");
    row.SetField("f_table_schema", "");
    row.SetField("f_table_name", layer.name.c_str());
    row.SetField("f_geometry_column", target != nullptr ? target->GetGeometryColumn() : "geom");
    row.SetField("styleName", layer.name.c_str());
    row.SetField("styleQML", qml.c_str());
    row.SetField("styleSLD", "");
    row.SetField("useAsDefault", 1);
    row.SetField("description", (layer.title_zh.empty() ? layer.name : layer.title_zh).c_str());
    row.SetField("owner", "");
    if (timestamp.empty())
      row.SetFieldNull(row.GetFieldIndex("update_time"));
    else
      row.SetField("update_time", timestamp.c_str());
    if (styles->CreateFeature(&row) != OGRERR_NONE)
      throw OutputError("cannot write the style of layer '" + layer.name + "' (" + last_gdal_error() + ")", where);
  }
}

}  // namespace

void write_geopackage(const fs::path& file, std::span<const LayerData> layers, const geo::CrsSpec& from_crs,
                      const geo::CrsSpec& to_crs, const GeoPackageOptions& options) {
  const std::string timestamp = options.timestamp.empty() ? std::string() : normalized_timestamp(options.timestamp);
  check_names(file, layers);
  ensure_gdal();
  GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GPKG");
  if (driver == nullptr) throw OutputError("cannot be written: GDAL has no GeoPackage driver", at(file));

  const std::unique_ptr<OGRSpatialReference> srs = make_srs(to_crs);
  const bool same_crs = from_crs.kind == to_crs.kind && from_crs.definition == to_crs.definition;
  const std::unique_ptr<OgrTransformAdapter> transform =
      same_crs ? nullptr : std::make_unique<OgrTransformAdapter>(from_crs, to_crs);

  TempFile tmp(temp_beside(file));
  // GDAL writes OGR_CURRENT_DATE, when set, as the time of every table in gpkg_contents.
  std::optional<ScopedThreadConfig> date;
  if (!timestamp.empty()) date.emplace("OGR_CURRENT_DATE", timestamp);
  GDALDatasetUniquePtr ds(driver->Create(tmp.path().string().c_str(), 0, 0, 0, GDT_Unknown, nullptr));
  if (!ds)
    throw OutputError("cannot be created (" + last_gdal_error() + ")", at(file),
                      "check that its folder exists and can be written");

  // gpkg_contents.identifier is unique: a title used twice gets the layer name appended.
  std::set<std::string> identifiers = {"layer_styles"};
  for (const LayerData& layer : layers) {
    std::string identifier = layer.title_zh.empty() ? layer.name : layer.title_zh;
    if (!identifiers.insert(identifier).second) {
      identifier += " (" + layer.name + ")";
      identifiers.insert(identifier);
    }
    write_layer(*ds, layer, identifier, *srs, transform.get(), to_crs, file);
  }
  write_data_columns(*ds, layers, file);
  write_styles(*ds, layers, timestamp, file);

  CPLErrorReset();
  GDALClose(GDALDataset::ToHandle(ds.release()));
  if (CPLGetLastErrorType() == CE_Failure)
    throw OutputError("cannot be written (" + last_gdal_error() + ")", at(file), "check the disk space");
  std::error_code ec;
  fs::rename(tmp.path(), file, ec);
  if (ec) throw OutputError("cannot be written: " + ec.message(), at(file));
  tmp.keep();
}

std::optional<LayerData> read_geopackage_layer(const fs::path& file, const std::string& layer,
                                               const geo::CrsSpec& from_crs, const geo::CrsSpec& to_crs) {
  ensure_gdal();
  GDALDatasetUniquePtr ds(GDALDataset::Open(file.string().c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
  if (!ds)
    throw InputError("cannot be opened as a GeoPackage: " + last_gdal_error(), Location{file.string(), {}, {}, {}, 0});
  OGRLayer* l = ds->GetLayerByName(layer.c_str());
  if (l == nullptr) return std::nullopt;
  LayerData out;
  out.name = layer;
  const OGRFeatureDefn* defn = l->GetLayerDefn();
  const OGRwkbGeometryType flat = wkbFlatten(defn->GetGeomType());
  out.geometry_type = flat == wkbPoint        ? LayerData::GeometryType::kPoint
                      : flat == wkbLineString ? LayerData::GeometryType::kLineString
                                              : LayerData::GeometryType::kMultiPolygon;
  for (int i = 0; i < defn->GetFieldCount(); ++i) {
    const OGRFieldDefn* f = defn->GetFieldDefn(i);
    const OGRFieldType t = f->GetType();
    out.fields.push_back({f->GetNameRef(), f->GetAlternativeNameRef(),
                          t == OFTInteger || t == OFTInteger64 ? FieldDef::Type::kInteger
                          : t == OFTReal                       ? FieldDef::Type::kReal
                                                               : FieldDef::Type::kString});
  }
  const bool same_crs = from_crs.definition == to_crs.definition;
  const std::unique_ptr<OgrTransformAdapter> transform =
      same_crs ? nullptr : std::make_unique<OgrTransformAdapter>(from_crs, to_crs);
  l->ResetReading();
  for (auto& feature : *l) {
    LayerFeature lf;
    for (int i = 0; i < defn->GetFieldCount(); ++i) {
      if (!feature->IsFieldSetAndNotNull(i)) {
        lf.values.emplace_back();
        continue;
      }
      switch (out.fields[static_cast<std::size_t>(i)].type) {
        case FieldDef::Type::kInteger: lf.values.emplace_back(static_cast<std::int64_t>(feature->GetFieldAsInteger64(i))); break;
        case FieldDef::Type::kReal: lf.values.emplace_back(feature->GetFieldAsDouble(i)); break;
        case FieldDef::Type::kString: lf.values.emplace_back(std::string(feature->GetFieldAsString(i))); break;
      }
    }
    if (OGRGeometry* g = feature->GetGeometryRef(); g != nullptr) {
      std::unique_ptr<OGRGeometry> copy(g->clone());
      if (transform && copy->transform(transform.get()) != OGRERR_NONE)
        throw InputError("a geometry cannot be converted to the analysis CRS",
                         Location{file.string(), layer, std::to_string(feature->GetFID()), {}, 0});
      lf.geometry = to_geos(*copy);
    }
    out.features.push_back(std::move(lf));
  }
  return out;
}

}  // namespace carereach::io
