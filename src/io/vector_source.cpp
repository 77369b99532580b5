#include "io/vector_source.hpp"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <cpl_vsi.h>

#include <algorithm>
#include <cstdio>
#include <atomic>
#include <cmath>
#include <fstream>
#include <mutex>
#include <regex>
#include <sstream>

#include "core/error.hpp"
#include "core/text.hpp"

namespace carereach::io {

namespace {

void CPL_STDCALL quiet_handler(CPLErr, CPLErrorNum, const char*) {}

bool valid_utf8(const std::string& s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    if (c < 0x80) n = 0;
    else if ((c >> 5) == 0x6) n = 1;
    else if ((c >> 4) == 0xE) n = 2;
    else if ((c >> 3) == 0x1E) n = 3;
    else return false;
    if (n > 0 && i + n >= s.size()) return false;
    for (std::size_t k = 1; k <= n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return false;
    i += n + 1;
  }
  return true;
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string join(const std::vector<std::string>& items, std::size_t max_items = 30) {
  std::string out;
  for (std::size_t i = 0; i < items.size() && i < max_items; ++i) {
    if (i) out += ", ";
    out += items[i];
  }
  if (items.size() > max_items) out += ", … (" + std::to_string(items.size()) + " in all)";
  return out;
}

std::atomic<int> g_vsimem_counter{0};

}  // namespace

void ensure_gdal() {
  static std::once_flag once;
  std::call_once(once, [] {
    GDALAllRegister();
    CPLSetErrorHandler(quiet_handler);
    // Big GeoJSON files (county boundaries) must not hit the default object size limit.
    CPLSetConfigOption("OGR_GEOJSON_MAX_OBJ_SIZE", "0");
  });
}

std::string last_gdal_error() {
  const char* msg = CPLGetLastErrorMsg();
  return msg != nullptr ? std::string(msg) : std::string();
}

std::optional<double> parse_number(const std::string& raw) {
  std::string s(raw);
  auto not_space = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  if (s.empty()) return std::nullopt;
  if (s.find(',') != std::string::npos) {
    static const std::regex thousands(R"(^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$)");
    if (!std::regex_match(s, thousands)) return std::nullopt;
    s.erase(std::remove(s.begin(), s.end(), ','), s.end());
  }
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (end == s.c_str() || *end != '\0' || !std::isfinite(v)) return std::nullopt;
  return v;
}

VectorSource::VectorSource(const SourceSpec& spec) : spec_(spec) {
  ensure_gdal();
  const std::string shown = spec.path_as_written.empty() ? spec.path.string() : spec.path_as_written;
  Location at_file{shown, {}, {}, {}, 0};
  // GDAL virtual file systems (/vsizip/, /vsimem/ …) are checked by GDAL itself; real files here, so the
  // message can say exactly what is wrong.
  const bool virtual_path = spec.path.string().starts_with("/vsi");
  std::error_code ec;
  if (!virtual_path) {
    if (!std::filesystem::exists(spec.path, ec))
      throw InputError("file not found (resolved to " + spec.path.string() + ")", at_file,
                       from_command_line() ? "check the input path"
                                           : "check the path in the scenario (" + spec.key +
                                                 "); relative paths are relative to the scenario file");
    if (std::filesystem::is_directory(spec.path, ec) && !ascii_lower(spec.path.string()).ends_with(".gdb"))
      throw InputError("is a folder, not a data file", at_file, "name the file itself in " + spec.key);
    std::ifstream probe(spec.path, std::ios::binary);
    if (!probe && !std::filesystem::is_directory(spec.path, ec))
      throw InputError("cannot be read (permission denied?)", at_file, "check the file's permissions");
  }

  const std::string ext = ascii_lower(spec.path.extension().string());
  is_table_ = ext == ".csv" || ext == ".txt" || ext == ".tsv" || ext == ".xlsx" || ext == ".xls" || ext == ".ods";
  std::string open_path = spec.path.string();

  if (ext == ".csv" || ext == ".txt" || ext == ".tsv") {
    const std::string enc = ascii_lower(spec.encoding);
    std::string content;
    bool recode = false;
    std::string from;
    if (enc == "gbk" || enc == "gb2312" || enc == "gb18030" || enc == "cp936") {
      recode = true;
      from = "GB18030";
    } else if ((enc.empty() || enc == "auto") && !virtual_path) {
      content = read_file(spec.path);
      if (!valid_utf8(content)) {
        recode = true;
        from = "GB18030";
      }
    } else if (enc != "utf-8" && enc != "utf8") {
      throw ScenarioError("unknown encoding '" + spec.encoding + "'", Location{{}, {}, {}, spec.key + ".encoding", spec.line},
                          "use \"utf-8\", \"gbk\" (also gb18030) or leave it out to detect");
    }
    if (recode) {
      if (virtual_path) throw InputError("GBK text can only be read from a real file", at_file, "save the table as UTF-8");
      if (content.empty()) content = read_file(spec.path);
      char* utf8 = CPLRecode(content.c_str(), from.c_str(), CPL_ENC_UTF8);
      std::string converted = utf8 != nullptr ? utf8 : "";
      CPLFree(utf8);
      if (converted.empty() && !content.empty())
        throw InputError("is neither UTF-8 nor GBK text", at_file, "save the table as UTF-8 CSV");
      vsimem_copy_ = "/vsimem/carereach_recoded_" + std::to_string(g_vsimem_counter++) + ext;
      VSILFILE* fp = VSIFOpenL(vsimem_copy_.c_str(), "wb");
      VSIFWriteL(converted.data(), 1, converted.size(), fp);
      VSIFCloseL(fp);
      open_path = vsimem_copy_;
    }
  }

  CPLStringList open_options;
  if (ext == ".csv" || ext == ".txt" || ext == ".tsv") {
    open_options.AddNameValue("AUTODETECT_TYPE", "NO");
    open_options.AddNameValue("KEEP_GEOM_COLUMNS", "YES");
    open_options.AddNameValue("EMPTY_STRING_AS_NULL", "NO");
    open_options.AddNameValue("GEOM_POSSIBLE_NAMES", "");
    open_options.AddNameValue("X_POSSIBLE_NAMES", "");
    open_options.AddNameValue("Y_POSSIBLE_NAMES", "");
  }
  if (ext == ".xlsx" || ext == ".xls" || ext == ".ods") open_options.AddNameValue("FIELD_TYPES", "STRING");
  CPLErrorReset();
  GDALDataset* raw = GDALDataset::Open(open_path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr,
                                       open_options.List(), nullptr);
  if (raw == nullptr) {
    const std::string why = last_gdal_error();
    throw InputError("cannot be opened as a vector dataset" + (why.empty() ? std::string() : " (" + why + ")"), at_file,
                     "give a file GDAL/OGR can read (GeoPackage, Shapefile, GeoJSON, CSV …); "
                     "'ogrinfo' shows what GDAL makes of it");
  }
  ds_.reset(raw);

  std::vector<std::string> layers;
  for (int i = 0; i < ds_->GetLayerCount(); ++i) layers.emplace_back(ds_->GetLayer(i)->GetName());
  if (layers.empty()) throw InputError("has no layers", at_file, "give a file that holds vector data");
  if (spec.layer.empty()) {
    if (layers.size() > 1)
      throw InputError("has " + std::to_string(layers.size()) + " layers and no layer is named", at_file,
                       (from_command_line() ? std::string("give --layer") : "add layer = \"…\" to " + spec.key) +
                           "; the layers are: " + join(layers));
    layer_ = ds_->GetLayer(0);
  } else {
    layer_ = ds_->GetLayerByName(spec.layer.c_str());
    if (layer_ == nullptr)
      throw InputError("has no layer '" + spec.layer + "'", at_file, "the layers are: " + join(layers));
  }
  layer_name_ = layer_->GetName();

  if (spec.is_table_with_xy()) {
    if (spec.x_field.empty() || spec.y_field.empty())
      throw ScenarioError("x_field and y_field must be given together", Location{{}, {}, {}, spec.key, spec.line},
                          "name both coordinate columns, e.g. x_field = \"经度\", y_field = \"纬度\"");
    x_index_ = field_index(spec.x_field, spec.key + ".x_field");
    y_index_ = field_index(spec.y_field, spec.key + ".y_field");
  } else if (is_table_) {
    // A table without coordinates is fine for attribute-only sources (zone totals).
  }
  if (spec.is_table_with_xy() || layer_->GetGeomType() != wkbNone) {
    if (!spec.crs.empty() || has_file_crs()) coords_.emplace(crs());
  }
}

void VectorSource::check_coordinates_reach(const std::vector<geo::CoordinateCheck::Target>& targets) {
  if (!coords_) return;
  const geo::CrsSpec crs = coords_->crs();  // emplace destroys the old check first
  coords_.emplace(crs, targets);
}

VectorSource::~VectorSource() {
  ds_.reset();
  if (!vsimem_copy_.empty()) VSIUnlink(vsimem_copy_.c_str());
}

std::vector<std::string> VectorSource::field_names() const {
  std::vector<std::string> out;
  const OGRFeatureDefn* defn = layer_->GetLayerDefn();
  for (int i = 0; i < defn->GetFieldCount(); ++i) out.emplace_back(defn->GetFieldDefn(i)->GetNameRef());
  return out;
}

std::int64_t VectorSource::feature_count() { return layer_->GetFeatureCount(TRUE); }

int VectorSource::field_index(const std::string& name, const std::string& key, bool optional) const {
  if (name.empty()) {
    if (optional) return -1;
    throw ScenarioError("a field name is required", Location{{}, {}, {}, key, spec_.line},
                        "the fields of " + spec_.path_as_written + " are: " + join(field_names()));
  }
  const int idx = layer_->GetLayerDefn()->GetFieldIndex(name.c_str());
  if (idx >= 0) return idx;
  throw InputError("has no field '" + name + "' (named by " + key + ")", where_file(),
                   "the fields are: " + join(field_names()) + "; correct " + key +
                       (from_command_line() ? "" : " in the scenario"));
}

bool VectorSource::has_file_crs() const {
  if (is_table_) return false;
  return layer_->GetSpatialRef() != nullptr;
}

geo::CrsSpec VectorSource::crs() const {
  if (!spec_.crs.empty()) {
    try {
      return geo::CrsSpec::parse(spec_.crs);
    } catch (const CrsError& e) {
      throw CrsError(e.message(), Location{{}, {}, {}, from_command_line() ? spec_.key : spec_.key + ".crs", spec_.line},
                     e.hint());
    }
  }
  if (const OGRSpatialReference* srs = layer_->GetSpatialRef(); srs != nullptr && !is_table_) {
    char* wkt = nullptr;
    const char* options[] = {"FORMAT=WKT2_2019", nullptr};
    srs->exportToWkt(&wkt, options);
    std::string text = wkt != nullptr ? wkt : "";
    CPLFree(wkt);
    return geo::CrsSpec::from_wkt(std::move(text));
  }
  if (from_command_line())
    throw CrsError("has no coordinate system and none is given", where_file(),
                   "give " + spec_.key + " EPSG:4326 (or gcj02 for Amap/Tencent coordinates, bd09 for Baidu)");
  throw CrsError("has no coordinate system and the scenario declares none", where_file(),
                 "add crs = \"EPSG:4326\" (or \"gcj02\" for Amap/Tencent coordinates, \"bd09\" for Baidu) to " +
                     spec_.key);
}

Location VectorSource::where(const OGRFeature& f, const std::string& field) const {
  Location at = where_file(field);
  at.feature = feature_label(f);
  return at;
}

Location VectorSource::where_file(const std::string& field) const {
  Location at;
  at.file = spec_.path_as_written.empty() ? spec_.path.string() : spec_.path_as_written;
  if (!is_table_ && ds_ && ds_->GetLayerCount() > 1) at.layer = layer_name_;
  at.field = field;
  return at;
}

std::string VectorSource::feature_label(const OGRFeature& f) const {
  // The CSV driver numbers data rows from 1; the spreadsheet row also counts the header.
  if (is_table_) return "row " + std::to_string(f.GetFID() + 1);
  return "feature " + std::to_string(f.GetFID());
}

std::string VectorSource::text(const OGRFeature& f, int field) {
  if (field < 0 || !f.IsFieldSetAndNotNull(field)) return {};
  std::string s = f.GetFieldAsString(field);
  auto not_space = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

std::string VectorSource::code(const OGRFeature& f, int field) {
  std::string s = text(f, field);
  if (s.empty()) return s;
  const OGRFieldType type = f.GetFieldDefnRef(field)->GetType();
  if (type == OFTInteger || type == OFTInteger64) return s;
  // "341602.0", "341602.000000", 3.41602e5 → "341602"; anything else unchanged.
  const auto dot = s.find_first_of(".eE");
  if (dot == std::string::npos) return s;
  if (auto v = parse_number(s); v && std::floor(*v) == *v && std::abs(*v) < 9.0e15) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f", *v);
    return buf;
  }
  return s;
}

std::optional<std::pair<double, double>> VectorSource::point(const OGRFeature& f, Diagnostics& diag,
                                                              Severity severity, const std::string& note) const {
  auto report = [&](const std::string& code, const std::string& msg, const std::string& field, const std::string& hint) {
    Problem p;
    p.severity = severity;
    p.kind = ExitCode::kInput;
    p.code = code;
    p.message = msg + note;
    p.where = where(f, field);
    p.hint = hint;
    diag.add(std::move(p));
  };
  double x = 0;
  double y = 0;
  if (x_index_ >= 0) {
    const std::string xs = text(f, x_index_);
    const std::string ys = text(f, y_index_);
    for (const auto& [value, field] : {std::pair{xs, spec_.x_field}, std::pair{ys, spec_.y_field}}) {
      if (value.empty()) {
        report("coordinate.empty", "empty coordinate", field, "fill in the coordinate or remove the row");
        return std::nullopt;
      }
      if (!parse_number(value)) {
        report("coordinate.not_a_number", "coordinate '" + value + "' is not a number", field,
               "write coordinates as decimal numbers (e.g. 115.7826), not degrees-minutes-seconds");
        return std::nullopt;
      }
    }
    x = *parse_number(xs);
    y = *parse_number(ys);
  } else {
    const OGRGeometry* g = f.GetGeometryRef();
    if (g == nullptr || g->IsEmpty()) {
      report("geometry.missing", "feature has no geometry", {}, "give every feature a point, or remove it");
      return std::nullopt;
    }
    const auto type = wkbFlatten(g->getGeometryType());
    if (type == wkbPoint) {
      const auto* p = g->toPoint();
      x = p->getX();
      y = p->getY();
    } else if (type == wkbMultiPoint && g->toMultiPoint()->getNumGeometries() == 1) {
      const auto* p = g->toMultiPoint()->getGeometryRef(0);
      x = p->getX();
      y = p->getY();
    } else {
      report("geometry.not_point", std::string("expected a point, found a ") + OGRGeometryTypeToName(type), {},
             "give point features (facility or settlement locations)");
      return std::nullopt;
    }
    // Geometries read from files are in the data axis order, which for geographic CRSs is longitude, latitude.
  }
  if (!coords_ && (!std::isfinite(x) || !std::isfinite(y))) {
    report("coordinate.not_a_number", "coordinate is not a finite number", {}, "fix the geometry");
    return std::nullopt;
  }
  if (auto p = coords_ ? coords_->check(x, y) : std::nullopt) {
    const std::string field = p->axis == 'x'   ? spec_.x_field
                              : p->axis == 'y' ? spec_.y_field
                              : x_index_ >= 0  ? spec_.x_field + "/" + spec_.y_field
                                               : std::string();
    report(p->code(), p->message, field, p->hint);
    return std::nullopt;
  }
  return std::pair{x, y};
}

}  // namespace carereach::io
