#include "io/export.hpp"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <tuple>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/text.hpp"
#include "core/version.hpp"
#include "geo/crs.hpp"
#include "io/ogr_transform.hpp"
#include "io/output_folder.hpp"
#include "io/vector_source.hpp"

namespace carereach::io {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;

namespace {

constexpr std::size_t kShapefileFieldNameBytes = 10;  // dBase field names
constexpr std::size_t kShapefileTextBytes = 254;      // dBase character fields
constexpr std::size_t kSpreadsheetCellChars = 32767;  // Excel and WPS cut longer cells
constexpr std::size_t kProgressEveryFeatures = 1024;
constexpr std::size_t kMaxTransformErrorsPerLayer = 20;  // then the layer stops: the rest would fail alike
constexpr const char* kStylesTable = "layer_styles";     // QGIS styles inside a GeoPackage
constexpr const char* kManifestFile = "export.json";     // what an export folder holds

const char* const kFormatsHint =
    "use one of: GPKG (gpkg), \"ESRI Shapefile\" (shp), GeoJSON (geojson), KML (kml), FlatGeobuf (fgb), CSV (csv)";

struct FormatEntry {
  const char* driver;
  const char* extension;
  bool multi_layer;
  std::vector<std::string> names;  ///< lower case
};

const std::vector<FormatEntry>& format_table() {
  static const std::vector<FormatEntry> kFormats = {
      {"GPKG", ".gpkg", true, {"gpkg", "geopackage"}},
      {"ESRI Shapefile", ".shp", false, {"esri shapefile", "shp", "shapefile"}},
      {"GeoJSON", ".geojson", false, {"geojson", "json"}},
      {"KML", ".kml", false, {"kml"}},
      {"FlatGeobuf", ".fgb", false, {"flatgeobuf", "fgb"}},
      {"CSV", ".csv", false, {"csv"}},
  };
  return kFormats;
}

/// The driver whose files carry this extension ("" when none of the export formats does).
std::string driver_of_extension(const std::string& ext_lower) {
  if (ext_lower == ".json") return "GeoJSON";
  for (const auto& f : format_table())
    if (ext_lower == f.extension) return f.driver;
  return {};
}

Location at_file(const std::string& file, const std::string& layer = {}, const std::string& feature = {},
                 const std::string& field = {}) {
  return Location{file, layer, feature, field, 0};
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

/// Cuts UTF-8 text to at most max_bytes without splitting a character.
std::string utf8_prefix(const std::string& s, std::size_t max_bytes) {
  if (s.size() <= max_bytes) return s;
  std::size_t n = max_bytes;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;  // s[n] continues a character
  return s.substr(0, n);
}

std::string unique_suffix() {
  std::random_device rd;
  return std::to_string(getpid()) + "-" + std::to_string(rd() % 1000000);
}

/// A layer name as a file name: characters that Windows or Unix refuse become '_'; Chinese is kept.
std::string file_stem_for(const std::string& layer) {
  std::string out;
  for (const char c : layer) {
    const auto u = static_cast<unsigned char>(c);
    out += (u < 0x20 || std::string_view("/\\:*?\"<>|").find(c) != std::string_view::npos) ? '_' : c;
  }
  while (!out.empty() && (out.back() == '.' || out.back() == ' ')) out.pop_back();
  if (!out.empty() && out.front() == '.') out.front() = '_';
  return out.empty() ? "layer" : out;
}

std::string crs_note(const geo::CrsSpec& crs) {
  if (crs.kind == geo::CrsKind::kGcj02)
    return "The coordinates are GCJ-02 (the offset of Chinese web maps: Amap, Tencent), although the files declare "
           "WGS 84 (EPSG:4326): GCJ-02 has no EPSG code. 坐标为GCJ-02（高德、腾讯地图坐标），文件中声明为WGS 84。";
  if (crs.kind == geo::CrsKind::kBd09)
    return "The coordinates are BD-09 (the offset of Baidu Maps), although the files declare WGS 84 (EPSG:4326): "
           "BD-09 has no EPSG code. 坐标为BD-09（百度地图坐标），文件中声明为WGS 84。";
  return {};
}

/// WGS 84 longitude/latitude as KML and RFC 7946 GeoJSON require it (CGCS2000 agrees with it to centimetres).
bool is_wgs84_code(const std::string& code) {
  return code == "EPSG:4326" || code == "OGC:CRS84";
}

std::string wkt2_of(const OGRSpatialReference& srs) {
  char* wkt = nullptr;
  const char* options[] = {"FORMAT=WKT2_2019", nullptr};
  srs.exportToWkt(&wkt, options);
  std::string text = wkt != nullptr ? wkt : "";
  CPLFree(wkt);
  return text;
}

struct ResultSet {
  GDALDataset& ds;
  OGRLayer* layer;
  ResultSet(GDALDataset& d, const std::string& sql) : ds(d), layer(d.ExecuteSQL(sql.c_str(), nullptr, nullptr)) {}
  ~ResultSet() {
    if (layer != nullptr) ds.ReleaseResultSet(layer);
  }
  ResultSet(const ResultSet&) = delete;
  ResultSet& operator=(const ResultSet&) = delete;
};

std::string sql_text(const std::string& s) {
  std::string out = "'";
  for (const char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

bool is_geopackage(GDALDataset& ds) {
  return ds.GetDriver() != nullptr && EQUAL(ds.GetDriver()->GetDescription(), "GPKG");
}

/// Field aliases of a GeoPackage (gpkg_data_columns.name), table → column → alias. GDAL 3.7 and later read them as
/// alternative names; 3.6 does not, so they are read here.
std::map<std::string, std::map<std::string, std::string>> read_gpkg_aliases(GDALDataset& ds) {
  std::map<std::string, std::map<std::string, std::string>> out;
  if (!is_geopackage(ds)) return out;
  {
    ResultSet exists(ds,
                     "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name = 'gpkg_data_columns'");
    if (exists.layer == nullptr || std::unique_ptr<OGRFeature>(exists.layer->GetNextFeature()) == nullptr) return out;
  }
  ResultSet rows(ds,
                 "SELECT table_name, column_name, name FROM gpkg_data_columns WHERE name IS NOT NULL AND name <> ''");
  if (rows.layer == nullptr) return out;
  for (auto& f : *rows.layer) out[f->GetFieldAsString(0)][f->GetFieldAsString(1)] = f->GetFieldAsString(2);
  CPLErrorReset();
  return out;
}

/// The QGIS styles stored in the input (layer_styles), the default one of each layer (or its first).
struct StoredStyles {
  OGRLayer* table = nullptr;               ///< the input's layer_styles, to copy rows from
  std::map<std::string, std::string> qml;  ///< layer → QML of its default style
};

StoredStyles read_styles(GDALDataset& ds) {
  StoredStyles out;
  if (!is_geopackage(ds)) return out;
  out.table = ds.GetLayerByName(kStylesTable);
  if (out.table == nullptr) return out;
  const OGRFeatureDefn* defn = out.table->GetLayerDefn();
  const int name_i = defn->GetFieldIndex("f_table_name");
  const int qml_i = defn->GetFieldIndex("styleQML");
  const int default_i = defn->GetFieldIndex("useAsDefault");
  if (name_i < 0 || qml_i < 0) {
    out.table = nullptr;
    return out;
  }
  std::set<std::string> have_default;
  out.table->ResetReading();
  for (auto& f : *out.table) {
    const std::string layer = f->GetFieldAsString(name_i);
    const std::string qml = f->GetFieldAsString(qml_i);
    const bool is_default = default_i >= 0 && f->GetFieldAsInteger(default_i) != 0;
    if (qml.empty() || have_default.count(layer) != 0) continue;
    if (is_default) have_default.insert(layer);
    if (is_default || out.qml.count(layer) == 0) out.qml[layer] = qml;
  }
  out.table->ResetReading();
  return out;
}


void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
}

/// A QML whose field references follow the renamed (Shapefile) fields: the attributes QGIS names fields with
/// (field=, attr=, fieldName=, <field name=) and quoted field names in expressions.
std::string qml_with_renamed_fields(std::string qml, const std::vector<std::pair<std::string, std::string>>& renamed) {
  for (const auto& [from_raw, to_raw] : renamed) {
    const std::string from = xml_escape(from_raw);
    const std::string to = xml_escape(to_raw);
    for (const char* key : {" field=\"", " attr=\"", " fieldName=\"", "<field name=\""})
      replace_all(qml, key + from + "\"", key + to + "\"");
    replace_all(qml, "&quot;" + from + "&quot;", "&quot;" + to + "&quot;");
  }
  return qml;
}

// ---------------------------------------------------------------------------------------------------------------
// Where the output goes: written under a temporary name beside it, then renamed into place.

enum class OutputKind {
  kFile,    ///< one GeoPackage file
  kSingle,  ///< one layer as one file of a one-layer format (with its sidecars: .shx, .dbf, .prj, .cpg, .qml)
  kFolder,  ///< a folder with one file per layer and export.json
};

class Staging {
 public:
  Staging(fs::path target, std::string shown, OutputKind kind, bool overwrite, const fs::path& input)
      : target_(std::move(target)), shown_(std::move(shown)), kind_(kind), overwrite_(overwrite) {
    if (kind_ == OutputKind::kFolder) {
      // A folder of layers is an output folder like a run's: marker, recovery, replaced only if export wrote it.
      OutputFolderOptions options;
      options.command = "export";
      options.overwrite = overwrite_;
      options.inputs = {input};
      folder_ = std::make_unique<OutputDir>(target_, options);
      dir_ = folder_->path();
      return;
    }
    fs::path parent = target_.parent_path();
    if (parent.empty()) parent = ".";
    std::error_code ec;
    fs::create_directories(parent, ec);
    if (ec)
      throw OutputError("cannot create the folder " + parent.string() + ": " + ec.message(), at_file(shown_),
                        "check the path and that it can be written");
    dir_ = parent / ("." + target_.filename().string() + ".tmp-" + unique_suffix());
    registered_ = std::make_unique<ScopedTemporary>(dir_);  // removed if the process is interrupted
    fs::create_directory(dir_, ec);
    if (ec)
      throw OutputError("cannot create a temporary folder beside it: " + ec.message(), at_file(shown_),
                        "check that the folder can be written");
  }
  ~Staging() {
    if (kind_ == OutputKind::kFolder) return;  // the OutputDir removes its own temporary folder
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  Staging(const Staging&) = delete;
  Staging& operator=(const Staging&) = delete;

  [[nodiscard]] const fs::path& dir() const { return dir_; }
  [[nodiscard]] std::vector<std::string> recovery_notes() const {
    return folder_ ? folder_->recovery_notes() : std::vector<std::string>{};
  }
  /// Path of a file in the staging folder. kFile/kSingle: the output's own name.
  [[nodiscard]] fs::path file(const std::string& name) const { return dir_ / name; }

  void commit() {
    std::error_code ec;
    if (kind_ == OutputKind::kFolder) {
      folder_->commit();
      return;
    }
    // Files: every one written (a Shapefile is several) goes beside the target. All targets are checked first.
    const fs::path folder = target_.parent_path().empty() ? fs::path(".") : target_.parent_path();
    std::vector<fs::path> written;
    for (const auto& entry : fs::directory_iterator(dir_)) written.push_back(entry.path());
    if (!overwrite_)
      for (const auto& p : written)
        if (fs::exists(folder / p.filename(), ec))
          throw OutputError("already exists", at_file((folder / p.filename()).string()),
                            "add --overwrite to replace it");
    if (overwrite_ && kind_ == OutputKind::kSingle) {
      // No stale sidecar of an earlier file of the same name may stay beside the new one.
      for (const char* ext : {".shp", ".shx", ".dbf", ".prj", ".cpg", ".qix", ".sbn", ".sbx", ".qpj", ".qml"}) {
        fs::path old = folder / target_.filename();
        old.replace_extension(ext);
        if (ascii_lower(target_.extension().string()) == ".shp" || std::string(ext) == ".qml") fs::remove(old, ec);
      }
    }
    for (const auto& p : written) {
      fs::rename(p, folder / p.filename(), ec);
      if (ec)
        throw OutputError("cannot be moved into place: " + ec.message(), at_file((folder / p.filename()).string()));
    }
  }

 private:
  fs::path target_;
  std::string shown_;
  OutputKind kind_;
  bool overwrite_;
  fs::path dir_;
  std::unique_ptr<OutputDir> folder_;
  std::unique_ptr<ScopedTemporary> registered_;
};

/// Checks the output path before anything is read or written.
void check_output(const fs::path& out, const std::string& shown, OutputKind kind, bool overwrite,
                  const fs::path& input) {
  std::error_code ec;
  if (!fs::exists(out, ec)) return;
  const bool is_dir = fs::is_directory(out, ec);
  if (kind == OutputKind::kFolder) {
    if (!is_dir)
      throw OutputError("exists and is not a folder", at_file(shown),
                        "this format writes one file per layer into a folder: name a new folder");
    if (!overwrite) throw OutputError("already exists", at_file(shown), "add --overwrite to replace it");
    if (const std::string why = why_not_replaceable(out, {input}); !why.empty())
      throw OutputError(why + "; refusing to replace it", at_file(shown),
                        "name a new folder; --overwrite replaces only a folder carereach wrote, unchanged");
    return;
  }
  if (is_dir)
    throw OutputError(
        "is a folder", at_file(shown),
        kind == OutputKind::kFile ? "name a file, e.g. layers_export.gpkg" : "name a file or a new folder");
  if (!overwrite) throw OutputError("already exists", at_file(shown), "add --overwrite to replace it");
}

bool path_inside(const fs::path& inner, const fs::path& outer) {
  std::error_code ec;
  const fs::path a = fs::weakly_canonical(inner, ec);
  const fs::path b = fs::weakly_canonical(outer, ec);
  auto ai = a.begin();
  for (auto bi = b.begin(); bi != b.end(); ++bi, ++ai) {
    if (bi->empty()) continue;  // a trailing separator
    if (ai == a.end() || *ai != *bi) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------------------------
// One layer

struct LayerPlan {
  OGRLayer* src = nullptr;
  std::string name;
  std::string file;  ///< file name in the staging folder
};

struct Context {
  const ExportOptions& options;
  const ExportFormat& format;
  const std::string& input_shown;
  const std::string& output_shown;
  const std::optional<geo::CrsSpec>& target;  ///< empty: keep each layer's CRS
  const std::map<std::string, std::map<std::string, std::string>>& aliases;
  const StoredStyles& styles;
  bool input_is_gpkg = false;
  bool input_is_shapefile = false;  ///< declares polygon/line layers that hold multi-part geometries too
  Diagnostics& diag;
  ProgressSink* progress = nullptr;
};

/// The CRS a layer is written in, and how its geometries get there.
struct LayerCrs {
  std::unique_ptr<OGRSpatialReference> srs;                ///< declared by the output (null: none)
  std::unique_ptr<OGRCoordinateTransformation> transform;  ///< null: coordinates copied as they are
  std::string display;                                     ///< for people
  bool wgs84 = false;                                      ///< the output declares WGS 84 longitude/latitude
};

LayerCrs layer_crs(const Context& cx, OGRLayer& src, const std::string& layer_name) {
  LayerCrs out;
  const bool has_geometry = src.GetLayerDefn()->GetGeomFieldCount() > 0;
  const OGRSpatialReference* src_srs = has_geometry ? src.GetSpatialRef() : nullptr;
  std::optional<geo::CrsSpec> target = cx.target;
  if (!has_geometry) {
    out.display = "no geometry";
    return out;
  }
  if (cx.format.driver == "KML" && !target) target = geo::wgs84();  // KML is WGS 84 longitude/latitude
  if (src_srs == nullptr) {
    if (target)
      throw CrsError("has no coordinate system, so it cannot be converted to " + target->display(),
                     at_file(cx.input_shown, layer_name),
                     cx.options.crs.empty()
                         ? "KML holds WGS 84 longitude/latitude: give the input a coordinate system first, e.g. with "
                           "carereach convert-coords --from EPSG:4490 --to EPSG:4326"
                         : "give the input a coordinate system first (carereach convert-coords --from …), or leave "
                           "--crs out to copy the coordinates as they are");
    cx.diag.warn("export.no_crs"_code, "has no coordinate system: written without one", at_file(cx.input_shown, layer_name),
                 "declare the coordinate system in the GIS that opens the output");
    out.display = "none";
    return out;
  }
  const geo::CrsSpec from = geo::CrsSpec::from_wkt(wkt2_of(*src_srs));
  if (!target) {
    out.srs.reset(src_srs->Clone());
    out.srs->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    out.display = from.display();
    out.wgs84 = is_wgs84_code(from.authority_code());
    return out;
  }
  out.srs = make_srs(*target);
  out.display = target->display();
  out.wgs84 = target->kind != geo::CrsKind::kProj || is_wgs84_code(target->authority_code());
  if (!geo::Transformer(from, *target).is_identity())
    out.transform = std::make_unique<OgrTransformAdapter>(from, *target);
  return out;
}

/// The field KML shows as each placemark's name: GDAL takes "Name" (any case) by itself; else a name field.
std::string kml_name_field(const OGRFeatureDefn& defn) {
  for (const char* candidate : {"name", "name_zh", "名称", "机构名称", "title"})
    for (int i = 0; i < defn.GetFieldCount(); ++i)
      if (ascii_lower(defn.GetFieldDefn(i)->GetNameRef()) == ascii_lower(candidate))
        return defn.GetFieldDefn(i)->GetNameRef();
  return {};
}

/// Closes a dataset written, which is when GeoPackage and FlatGeobuf build their spatial index and a Shapefile
/// sizes its fields: for large layers that takes as long as the writing, so it is a step of its own.
void close_dataset(GDALDatasetUniquePtr& ds, const std::string& shown, ProgressSink* progress, std::size_t features) {
  const ProgressStep step(progress, "finish " + shown);
  step.update(0, std::max<std::size_t>(features, 1));
  CPLErrorReset();
  ds.reset();
  step.update(std::max<std::size_t>(features, 1), std::max<std::size_t>(features, 1));
  if (CPLGetLastErrorType() == CE_Failure || CPLGetLastErrorType() == CE_Fatal)
    throw OutputError("cannot be written (" + last_gdal_error() + ")", at_file(shown),
                      "check the disk space and that the format can hold this data");
}

GDALDatasetUniquePtr create_dataset(GDALDriver& driver, const fs::path& path, const CPLStringList& options,
                                    const std::string& shown) {
  CPLErrorReset();
  GDALDatasetUniquePtr ds(driver.Create(path.string().c_str(), 0, 0, 0, GDT_Unknown, options.List()));
  if (!ds)
    throw OutputError("cannot be created (" + last_gdal_error() + ")", at_file(shown),
                      "check that the folder can be written");
  return ds;
}

/// Writes one layer into dst; returns what was written. Geometry errors go to diag.
ExportedLayer write_layer(const Context& cx, GDALDataset& dst, const LayerPlan& plan, const std::string& file_shown) {
  OGRLayer& src = *plan.src;
  const bool gpkg = cx.format.driver == "GPKG";
  const bool shapefile = cx.format.driver == "ESRI Shapefile";
  const bool csv = cx.format.driver == "CSV";
  ExportedLayer result;
  result.name = plan.name;
  result.file = plan.file;

  LayerCrs crs = layer_crs(cx, src, plan.name);
  result.crs = crs.display;
  const std::string note = cx.target ? crs_note(*cx.target) : std::string();
  OGRwkbGeometryType gtype = src.GetGeomType();
  // A Shapefile says "Polygon" or "LineString" for layers that also hold multi-part features; strict formats
  // (GeoPackage, FlatGeobuf) need one type, so such layers are written as Multi… (as ogr2ogr -nlt PROMOTE_TO_MULTI).
  const bool promote = cx.input_is_shapefile && (wkbFlatten(gtype) == wkbPolygon || wkbFlatten(gtype) == wkbLineString);
  if (promote) gtype = OGR_GT_GetCollection(gtype);

  CPLStringList lco;
  if (gpkg) {
    const char* geom = src.GetGeometryColumn();
    const char* fid = src.GetFIDColumn();
    if (gtype != wkbNone) lco.SetNameValue("GEOMETRY_NAME", geom != nullptr && *geom != '\0' ? geom : "geom");
    lco.SetNameValue("FID", fid != nullptr && *fid != '\0' ? fid : "fid");
    if (cx.input_is_gpkg) {
      if (const char* id = src.GetMetadataItem("IDENTIFIER"); id != nullptr && *id != '\0')
        lco.SetNameValue("IDENTIFIER", id);
    }
    std::string description;
    if (const char* d = src.GetMetadataItem("DESCRIPTION"); cx.input_is_gpkg && d != nullptr) description = d;
    if (!note.empty()) description += (description.empty() ? "" : " — ") + note;
    if (!description.empty()) lco.SetNameValue("DESCRIPTION", description.c_str());
  } else if (shapefile) {
    lco.SetNameValue("ENCODING", "UTF-8");  // writes a .cpg: Chinese text survives in QGIS and ArcGIS
    lco.SetNameValue("RESIZE", "YES");      // text fields as wide as their longest value
  } else if (cx.format.driver == "GeoJSON") {
    if (crs.wgs84) lco.SetNameValue("RFC7946", "YES");
    if (!note.empty()) lco.SetNameValue("DESCRIPTION", note.c_str());
  } else if (csv) {
    if (gtype != wkbNone) lco.SetNameValue("GEOMETRY", "AS_WKT");
    lco.SetNameValue("WRITE_BOM", "YES");  // Excel and WPS then read the UTF-8 text (Chinese) correctly
  }

  CPLErrorReset();
  OGRLayer* out = dst.CreateLayer(plan.name.c_str(), crs.srs.get(), gtype, lco.List());
  if (out == nullptr)
    throw OutputError("cannot create the layer (" + last_gdal_error() + ")", at_file(file_shown, plan.name));

  // Fields, with their aliases; a map from input field to output field.
  const OGRFeatureDefn* in_defn = src.GetLayerDefn();
  const auto layer_aliases = cx.aliases.find(plan.name);
  std::vector<std::string> used;
  std::vector<int> field_map(static_cast<std::size_t>(in_defn->GetFieldCount()), -1);
  std::vector<std::string> out_names;
  for (int i = 0; i < in_defn->GetFieldCount(); ++i) {
    OGRFieldDefn fd(in_defn->GetFieldDefn(i));
    const std::string name = fd.GetNameRef();
    if (*fd.GetAlternativeNameRef() == '\0' && layer_aliases != cx.aliases.end()) {
      if (auto a = layer_aliases->second.find(name); a != layer_aliases->second.end())
        fd.SetAlternativeName(a->second.c_str());
    }
    if (shapefile) {
      const std::string short_name = shapefile_field_name(name, used);
      if (short_name != name) result.renamed_fields.emplace_back(name, short_name);
      fd.SetName(short_name.c_str());
    }
    CPLErrorReset();
    if (out->CreateField(&fd) != OGRERR_NONE)
      throw OutputError("cannot create the field (" + last_gdal_error() + ")", at_file(file_shown, plan.name, {}, name),
                        "the output format may not allow this field name or type");
    out_names.emplace_back(fd.GetNameRef());
  }
  const OGRFeatureDefn* out_defn = out->GetLayerDefn();
  for (std::size_t i = 0; i < out_names.size(); ++i) field_map[i] = out_defn->GetFieldIndex(out_names[i].c_str());

  // Features
  const GIntBig count = src.GetFeatureCount(FALSE);  // -1 when counting would need a pass over the data
  const std::size_t total = count > 0 ? static_cast<std::size_t>(count) : 0;
  ProgressStep step(cx.progress, "export " + plan.name);
  step.update(0, std::max<std::size_t>(total, 1));
  std::vector<std::size_t> cut_texts(out_names.size(), 0);
  std::size_t long_wkt = 0;
  std::size_t transform_errors = 0;
  const bool transaction = dst.StartTransaction() == OGRERR_NONE;
  src.ResetReading();
  for (auto& f : src) {
    OGRFeature of(out->GetLayerDefn());
    of.SetFrom(f.get(), field_map.data(), TRUE);
    of.SetFID(gpkg && cx.input_is_gpkg ? f->GetFID() : OGRNullFID);  // a GeoPackage keeps its feature ids
    if (promote && of.GetGeometryRef() != nullptr)
      of.SetGeometryDirectly(OGRGeometryFactory::forceTo(of.StealGeometry(), gtype));
    if (OGRGeometry* g = of.GetGeometryRef(); g != nullptr && !g->IsEmpty()) {
      if (crs.transform && g->transform(crs.transform.get()) != OGRERR_NONE) {
        cx.diag.error(ExitCode::kCrs, "export.transform_failed"_code, "the geometry cannot be converted to " + crs.display,
                      at_file(cx.input_shown, plan.name, "feature " + std::to_string(f->GetFID())),
                      "check that the layer lies where the output coordinate system is defined");
        if (++transform_errors >= kMaxTransformErrorsPerLayer) break;
        continue;
      }
      if (csv && g->exportToWkt().size() > kSpreadsheetCellChars) ++long_wkt;
    }
    if (csv) {
      // Names and ids from the inputs: a text a spreadsheet would run as a formula gets a leading apostrophe.
      for (const int k : field_map) {
        if (k < 0 || of.GetFieldDefnRef(k)->GetType() != OFTString || !of.IsFieldSetAndNotNull(k)) continue;
        const std::string text = of.GetFieldAsString(k);
        if (const std::string safe = formula_safe(text); safe != text) of.SetField(k, safe.c_str());
      }
    }
    if (shapefile) {
      for (std::size_t i = 0; i < field_map.size(); ++i) {
        const int k = field_map[i];
        if (k < 0 || of.GetFieldDefnRef(k)->GetType() != OFTString || !of.IsFieldSetAndNotNull(k)) continue;
        const std::string text = of.GetFieldAsString(k);
        if (text.size() <= kShapefileTextBytes) continue;
        of.SetField(k, utf8_prefix(text, kShapefileTextBytes).c_str());
        ++cut_texts[i];
      }
    }
    if (transform_errors == 0) {
      CPLErrorReset();
      if (out->CreateFeature(&of) != OGRERR_NONE)
        throw OutputError("cannot be written (" + last_gdal_error() + ")",
                          at_file(file_shown, plan.name, "feature " + std::to_string(f->GetFID())));
    }
    ++result.features;
    if (result.features % kProgressEveryFeatures == 0) step.update(result.features, std::max(total, result.features));
  }
  if (transaction && dst.CommitTransaction() != OGRERR_NONE)
    throw OutputError("cannot be written (" + last_gdal_error() + ")", at_file(file_shown, plan.name));
  step.update(result.features, result.features);

  for (std::size_t i = 0; i < cut_texts.size(); ++i)
    if (cut_texts[i] > 0)
      cx.diag.warn("export.text_cut"_code,
                   std::to_string(cut_texts[i]) +
                       " value(s) longer than 254 bytes (about 84 Chinese characters) were "
                       "cut: a Shapefile text field holds no more",
                   at_file(file_shown, plan.name, {}, in_defn->GetFieldDefn(static_cast<int>(i))->GetNameRef()),
                   "export to GeoPackage to keep the whole text");
  if (long_wkt > 0)
    cx.diag.warn("export.long_wkt"_code,
                 std::to_string(long_wkt) +
                     " feature(s) have geometries longer than 32,767 characters as WKT: Excel "
                     "and WPS cut such cells (QGIS and GDAL read them whole)",
                 at_file(file_shown, plan.name),
                 "for the geometries use GeoPackage or GeoJSON; CSV suits the attributes");
  return result;
}

/// Copies the aliases (gpkg_data_columns) of the layers written into a GeoPackage output, for the rows GDAL did
/// not write itself (3.6 does not write alternative names; 3.7 and later do).
void write_gpkg_aliases(GDALDataset& ds, const Context& cx, const std::vector<LayerPlan>& plans,
                        const std::string& shown) {
  auto execute = [&](const std::string& sql) {
    CPLErrorReset();
    OGRLayer* r = ds.ExecuteSQL(sql.c_str(), nullptr, nullptr);
    if (r != nullptr) ds.ReleaseResultSet(r);
    if (CPLGetLastErrorType() == CE_Failure)
      throw OutputError("cannot write the field aliases (" + last_gdal_error() + ")", at_file(shown));
  };
  std::vector<std::tuple<std::string, std::string, std::string>> rows;
  for (const auto& plan : plans) {
    const OGRFeatureDefn* defn = plan.src->GetLayerDefn();
    const auto stored = cx.aliases.find(plan.name);
    std::set<std::string> used;
    for (int i = 0; i < defn->GetFieldCount(); ++i) {
      const std::string field = defn->GetFieldDefn(i)->GetNameRef();
      std::string alias = defn->GetFieldDefn(i)->GetAlternativeNameRef();
      if (alias.empty() && stored != cx.aliases.end())
        if (auto a = stored->second.find(field); a != stored->second.end()) alias = a->second;
      if (alias.empty()) continue;
      if (!used.insert(alias).second) used.insert(alias += " (" + field + ")");  // the table wants them distinct
      rows.emplace_back(plan.name, field, alias);
    }
  }
  if (rows.empty()) return;
  execute(
      "CREATE TABLE IF NOT EXISTS gpkg_data_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, "
      "name TEXT, title TEXT, description TEXT, mime_type TEXT, constraint_name TEXT, "
      "CONSTRAINT pk_gdc PRIMARY KEY (table_name, column_name), CONSTRAINT gdc_tn UNIQUE (table_name, name))");
  // GDAL creates gpkg_extensions only when a layer needs it (a spatial index does); attribute tables do not.
  execute(
      "CREATE TABLE IF NOT EXISTS gpkg_extensions (table_name TEXT, column_name TEXT, extension_name TEXT NOT "
      "NULL, definition TEXT NOT NULL, scope TEXT NOT NULL, CONSTRAINT ge_tce UNIQUE (table_name, column_name, "
      "extension_name))");
  execute(
      "INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope) "
      "SELECT 'gpkg_data_columns', NULL, 'gpkg_schema', 'http://www.geopackage.org/spec121/#extension_schema', "
      "'read-write' WHERE NOT EXISTS (SELECT 1 FROM gpkg_extensions WHERE table_name = 'gpkg_data_columns' AND "
      "extension_name = 'gpkg_schema')");
  for (const auto& [table, column, alias] : rows)
    execute("INSERT INTO gpkg_data_columns (table_name, column_name, name) SELECT " + sql_text(table) + ", " +
            sql_text(column) + ", " + sql_text(alias) + " WHERE NOT EXISTS (SELECT 1 FROM gpkg_data_columns WHERE " +
            "table_name = " + sql_text(table) + " AND column_name = " + sql_text(column) + ")");
}

/// Copies the input's QGIS styles of the layers written into the GeoPackage output's layer_styles, so QGIS opens
/// them styled as before. Returns the layers that got a style.
std::set<std::string> copy_gpkg_styles(GDALDataset& ds, const Context& cx, const std::vector<LayerPlan>& plans,
                                       const std::string& shown) {
  std::set<std::string> styled;
  if (cx.styles.table == nullptr) return styled;
  std::set<std::string> names;
  for (const auto& p : plans)
    if (cx.styles.qml.count(p.name) != 0) names.insert(p.name);
  if (names.empty()) return styled;
  OGRLayer& in = *cx.styles.table;
  CPLStringList options;
  options.SetNameValue("FID", "id");
  OGRLayer* out = ds.CreateLayer(kStylesTable, nullptr, wkbNone, options.List());
  if (out == nullptr)
    throw OutputError("cannot create the table (" + last_gdal_error() + ")", at_file(shown, kStylesTable));
  const OGRFeatureDefn* defn = in.GetLayerDefn();
  for (int i = 0; i < defn->GetFieldCount(); ++i) {
    OGRFieldDefn fd(defn->GetFieldDefn(i));
    if (out->CreateField(&fd) != OGRERR_NONE)
      throw OutputError("cannot create the table (" + last_gdal_error() + ")", at_file(shown, kStylesTable));
  }
  const int name_i = defn->GetFieldIndex("f_table_name");
  in.ResetReading();
  for (auto& f : in) {
    const std::string layer = f->GetFieldAsString(name_i);
    if (names.count(layer) == 0) continue;
    OGRFeature row(out->GetLayerDefn());
    row.SetFrom(f.get(), TRUE);
    row.SetFID(OGRNullFID);
    if (out->CreateFeature(&row) != OGRERR_NONE)
      throw OutputError("cannot write the style of layer '" + layer + "' (" + last_gdal_error() + ")",
                        at_file(shown, kStylesTable));
    styled.insert(layer);
  }
  return styled;
}

void write_text_file(const fs::path& path, const std::string& text, const std::string& shown) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  out.close();
  if (!out) throw OutputError("cannot be written", at_file(shown), "check the disk space and permissions");
}

}  // namespace

// -----------------------------------------------------------------------------------------------------------------

std::string shapefile_field_name(const std::string& name, std::vector<std::string>& used) {
  auto taken = [&](const std::string& candidate) {
    return std::find(used.begin(), used.end(), ascii_lower(candidate)) != used.end();
  };
  std::string out = utf8_prefix(name, kShapefileFieldNameBytes);
  // GDAL's scheme: the name cut to 8 bytes and _1 … _9, then the name cut to 8 bytes and 10 … 99.
  constexpr int kFirstTwoDigitSuffix = 10;
  constexpr int kMaxSuffix = 99;
  for (int n = 1; taken(out) && n <= kMaxSuffix; ++n)
    out = utf8_prefix(name, 8) + (n < kFirstTwoDigitSuffix ? "_" : "") + std::to_string(n);
  used.push_back(ascii_lower(out));
  return out;
}

ExportFormat export_format(std::string_view name) {
  const std::string lower = ascii_lower(trim(name));
  for (const auto& f : format_table())
    if (std::find(f.names.begin(), f.names.end(), lower) != f.names.end())
      return {f.driver, f.extension, f.multi_layer};
  throw UsageError("unknown output format '" + std::string(name) + "'", kFormatsHint);
}

ExportResult export_layers(const ExportOptions& o, Diagnostics& diag, ProgressSink* progress) {
  ensure_gdal();
  const std::string input_shown = o.input_as_written.empty() ? o.input.string() : o.input_as_written;
  std::string output_shown = o.output_as_written.empty() ? o.output.string() : o.output_as_written;
  fs::path output = o.output;
  if (output.filename().empty()) output = output.parent_path();  // "out/" → "out"
  if (output.empty()) throw UsageError("no output given", "name the output file or folder");

  ExportResult result;
  if (o.format.empty()) throw UsageError("--format is required", kFormatsHint);
  result.format = export_format(o.format);
  const ExportFormat& format = result.format;
  GDALDriver* driver = GetGDALDriverManager()->GetDriverByName(format.driver.c_str());
  if (driver == nullptr) throw UsageError("this GDAL has no " + format.driver + " driver", "see 'ogrinfo --formats'");

  // The output CRS; KML takes WGS 84 longitude/latitude only.
  std::optional<geo::CrsSpec> target;
  if (!o.crs.empty()) {
    try {
      target = geo::CrsSpec::parse(o.crs);
    } catch (const CrsError& e) {
      throw CrsError("--crs: " + e.message(), {}, e.hint());
    }
    if (format.driver == "KML" && target->kind == geo::CrsKind::kProj) {
      const std::string code = target->authority_code();
      if (!is_wgs84_code(code) && code != "EPSG:4490")
        throw CrsError("KML holds WGS 84 longitude/latitude only: it cannot be written in " + target->display(), {},
                       "leave --crs out (KML is written in WGS 84), or give --crs EPSG:4326, gcj02 or bd09; for other "
                       "coordinate systems choose another --format");
      target = geo::wgs84();  // CGCS2000 (EPSG:4490) agrees with WGS 84 to centimetres; KML declares WGS 84
    }
  }
  result.crs_note = target ? crs_note(*target) : std::string();

  // The output's name and the format must agree.
  const std::string out_ext = ascii_lower(output.extension().string());
  const std::string ext_driver = driver_of_extension(out_ext);
  if (!ext_driver.empty() && ext_driver != format.driver)
    throw UsageError("'" + output_shown + "' is named like a " + ext_driver + " file, but --format is " + format.driver,
                     "give the output a name that fits --format, or change --format");
  const OutputKind kind =
      format.multi_layer ? OutputKind::kFile : (ext_driver.empty() ? OutputKind::kFolder : OutputKind::kSingle);
  result.folder = kind == OutputKind::kFolder;

  // The input and its layers.
  std::error_code ec;
  if (!o.input.string().starts_with("/vsi") && !fs::exists(o.input, ec))
    throw InputError("file not found", at_file(input_shown),
                     "check the input path (a run writes <run folder>/layers.gpkg)");
  CPLErrorReset();
  GDALDatasetUniquePtr in(GDALDataset::Open(o.input.string().c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
  if (!in) {
    const std::string why = last_gdal_error();
    throw InputError(
        "is not a vector data source GDAL can read" + (why.empty() ? std::string() : " (" + why + ")"),
        at_file(input_shown),
        "give a GeoPackage (a run's layers.gpkg), Shapefile, GeoJSON … ; 'ogrinfo' shows what GDAL makes of it");
  }
  std::vector<std::string> available;
  for (int i = 0; i < in->GetLayerCount(); ++i) {
    OGRLayer* l = in->GetLayer(i);
    // A GeoPackage's QGIS styles are not data: they go with their layers.
    if (EQUAL(l->GetName(), kStylesTable) && l->GetGeomType() == wkbNone) continue;
    available.emplace_back(l->GetName());
  }
  std::vector<LayerPlan> plans;
  if (o.layers.empty()) {
    if (available.empty())
      throw InputError("has no layers to export", at_file(input_shown), "give a file that holds vector data");
    for (const auto& name : available) plans.push_back({in->GetLayerByName(name.c_str()), name, {}});
  } else {
    for (const std::string& requested : o.layers) {
      const std::string name(trim(requested));
      if (name.empty()) continue;
      OGRLayer* l = in->GetLayerByName(name.c_str());
      if (l == nullptr)
        throw InputError("has no layer '" + name + "'", at_file(input_shown),
                         "the layers are: " + (available.empty() ? std::string("(none)") : join(available)));
      const std::string actual = l->GetName();
      if (std::none_of(plans.begin(), plans.end(), [&](const LayerPlan& p) { return p.name == actual; }))
        plans.push_back({l, actual, {}});
    }
    if (plans.empty()) throw UsageError("--layers names no layer", "e.g. --layers facilities,service_area_tcm_15min");
  }
  if (kind == OutputKind::kSingle && plans.size() > 1) {
    std::vector<std::string> names;
    for (const auto& p : plans) names.push_back(p.name);
    throw UsageError("'" + output_shown + "' names one " + format.driver + " file, but " +
                         std::to_string(plans.size()) + " layers are to be exported",
                     "name a folder (without " + out_ext +
                         ") to get one file per layer, or choose one with --layers "
                         "(the layers are: " +
                         join(names) + ")");
  }

  // The output must not be the input, nor hold it when replaced.
  if (fs::exists(output, ec) &&
      (fs::equivalent(o.input, output, ec) || (kind == OutputKind::kFolder && path_inside(o.input, output))))
    throw UsageError("the output '" + output_shown + "' is (or holds) the input", "export to another file or folder");
  check_output(output, output_shown, kind, o.overwrite, o.input);

  // File names: GeoPackage the output's; one-layer formats <layer><ext>, unique whatever the case.
  std::set<std::string> files_lower = {kManifestFile};
  for (auto& p : plans) {
    if (kind != OutputKind::kFolder) {
      p.file = output.filename().string();
      continue;
    }
    const std::string base = file_stem_for(p.name);
    std::string stem = base;
    auto free_name = [&](const std::string& s) {
      return files_lower.count(ascii_lower(s + format.extension)) == 0 &&
             files_lower.count(ascii_lower(s + ".qml")) == 0;
    };
    for (int n = 2; !free_name(stem); ++n) stem = base + "_" + std::to_string(n);
    files_lower.insert(ascii_lower(stem + format.extension));
    files_lower.insert(ascii_lower(stem + ".qml"));
    p.file = stem + format.extension;
  }

  const auto aliases = read_gpkg_aliases(*in);
  const StoredStyles styles = read_styles(*in);
  const bool input_is_shapefile =
      in->GetDriver() != nullptr && EQUAL(in->GetDriver()->GetDescription(), "ESRI Shapefile");
  const Context cx{o,       format, input_shown,        output_shown,       target,
                   aliases, styles, is_geopackage(*in), input_is_shapefile, diag,
                   progress};
  Staging staging(output, output_shown, kind, o.overwrite, o.input);
  result.recovery_notes = staging.recovery_notes();

  auto shown_file = [&](const LayerPlan& p) {
    return kind == OutputKind::kFolder ? (fs::path(output_shown) / p.file).string() : output_shown;
  };
  if (format.multi_layer) {
    GDALDatasetUniquePtr ds = create_dataset(*driver, staging.file(output.filename().string()), {}, output_shown);
    for (const auto& p : plans) {
      result.layers.push_back(write_layer(cx, *ds, p, output_shown));
      if (diag.has_errors()) return result;  // the staging folder is removed: nothing appears
    }
    write_gpkg_aliases(*ds, cx, plans, output_shown);
    const std::set<std::string> styled = copy_gpkg_styles(*ds, cx, plans, output_shown);
    for (auto& l : result.layers) l.style = styled.count(l.name) != 0;
    std::size_t features = 0;
    for (const auto& l : result.layers) features += l.features;
    close_dataset(ds, output_shown, progress, features);
  } else {
    for (const auto& p : plans) {
      CPLStringList dsco;
      if (format.driver == "KML") {
        const std::string name_field = kml_name_field(*p.src->GetLayerDefn());
        if (!name_field.empty()) dsco.SetNameValue("NameField", name_field.c_str());
      }
      GDALDatasetUniquePtr ds = create_dataset(*driver, staging.file(p.file), dsco, shown_file(p));
      ExportedLayer written = write_layer(cx, *ds, p, shown_file(p));
      if (diag.has_errors()) return result;
      close_dataset(ds, shown_file(p), progress, written.features);
      // The QGIS style beside the file (QGIS loads <file>.qml by itself), following renamed fields.
      if (auto s = styles.qml.find(p.name); s != styles.qml.end()) {
        const std::string qml_file = fs::path(p.file).replace_extension(".qml").string();
        write_text_file(staging.file(qml_file), qml_with_renamed_fields(s->second, written.renamed_fields), qml_file);
        written.style = true;
      }
      result.layers.push_back(std::move(written));
    }
  }
  for (const auto& l : result.layers) result.features += l.features;

  if (kind == OutputKind::kFolder) {
    json manifest;
    manifest["carereach_export"] = kVersion;
    manifest["input"] = input_shown;
    manifest["format"] = format.driver;
    manifest["crs"] = o.crs.empty() ? json(nullptr) : json(target->display());
    if (!result.crs_note.empty()) manifest["crs_note"] = result.crs_note;
    json layers = json::array();
    for (const auto& l : result.layers) {
      json entry;
      entry["name"] = l.name;
      entry["file"] = l.file;
      entry["features"] = l.features;
      entry["crs"] = l.crs;
      if (!l.renamed_fields.empty()) {
        json renamed = json::object();
        for (const auto& [from, to] : l.renamed_fields) renamed[from] = to;
        entry["renamed_fields"] = renamed;
      }
      if (l.style) entry["style"] = fs::path(l.file).replace_extension(".qml").string();
      layers.push_back(entry);
    }
    manifest["layers"] = layers;
    write_text_file(staging.file(kManifestFile), manifest.dump(2) + "\n", kManifestFile);
  }
  staging.commit();
  return result;
}

}  // namespace carereach::io
