#include "io/convert.hpp"

#include <cpl_error.h>
#include <cpl_string.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <random>

#include "core/error.hpp"
#include "core/text.hpp"
#include "io/ogr_transform.hpp"
#include "io/output_folder.hpp"
#include "io/vector_source.hpp"

namespace carereach::io {

namespace fs = std::filesystem;

namespace {

std::string driver_for(const fs::path& output, const std::string& format) {
  if (!format.empty()) return format;
  const std::string ext = ascii_lower(output.extension().string());
  static const std::map<std::string, std::string> kDrivers = {
      {".gpkg", "GPKG"},     {".shp", "ESRI Shapefile"}, {".geojson", "GeoJSON"}, {".json", "GeoJSON"},
      {".kml", "KML"},       {".fgb", "FlatGeobuf"},     {".csv", "CSV"},         {".gml", "GML"},
      {".sqlite", "SQLite"}, {".xlsx", "XLSX"}};
  auto it = kDrivers.find(ext);
  if (it == kDrivers.end())
    throw UsageError("cannot tell the output format from '" + output.filename().string() + "'",
                     "use an extension such as .gpkg, .shp, .geojson, .kml, .fgb or .csv, or give --format");
  return it->second;
}

bool has_utf8_bom(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  char b[3] = {};
  in.read(b, 3);
  return in.gcount() == 3 && static_cast<unsigned char>(b[0]) == 0xEF && static_cast<unsigned char>(b[1]) == 0xBB &&
         static_cast<unsigned char>(b[2]) == 0xBF;
}

std::string format_coordinate(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

class TempOutput {
 public:
  explicit TempOutput(const fs::path& output) : output_(output) {
    std::random_device rd;
    // The folder's name must not contain the output's extension: zip-based drivers (XLSX) write through
    // /vsizip/, which would take ".out.xlsx.tmp-…/out.xlsx" for a file inside an archive ".out.xlsx".
    dir_ = (output.parent_path().empty() ? fs::path(".") : output.parent_path()) /
           (".convert-coords.tmp-" + std::to_string(rd() % 1000000));
    registered_ = std::make_unique<ScopedTemporary>(dir_);  // removed if the process is interrupted
    fs::create_directories(dir_);
  }
  ~TempOutput() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  [[nodiscard]] fs::path file() const { return dir_ / output_.filename(); }
  /// Moves every file written (a Shapefile is several) beside the output. Every target is checked before
  /// anything moves; with overwrite, the old files of the same name stem (sidecars included) are removed first,
  /// so no stale .prj or .cpg is left next to the new data.
  void commit(bool overwrite) {
    std::vector<fs::path> written;
    for (const auto& entry : fs::directory_iterator(dir_)) written.push_back(entry.path());
    const fs::path folder = output_.parent_path().empty() ? fs::path(".") : output_.parent_path();
    std::error_code ec;
    for (const auto& p : written) {
      const fs::path target = folder / p.filename();
      if (fs::exists(target, ec) && !overwrite)
        throw OutputError("already exists", Location{target.string(), {}, {}, {}, 0}, "add --overwrite to replace it");
    }
    if (overwrite && ascii_lower(output_.extension().string()) == ".shp") {
      for (const char* ext : {".shp", ".shx", ".dbf", ".prj", ".cpg", ".qix", ".sbn", ".sbx", ".qpj"}) {
        fs::path old = folder / output_.filename();
        old.replace_extension(ext);
        fs::remove(old, ec);
      }
    }
    for (const auto& p : written) fs::rename(p, folder / p.filename());
  }

 private:
  fs::path output_;
  fs::path dir_;
  std::unique_ptr<ScopedTemporary> registered_;
};

}  // namespace

ConvertResult convert_coordinates(const ConvertOptions& o, Diagnostics& diag) {
  ensure_gdal();
  if (o.to.empty()) throw UsageError("--to is required", "e.g. --to EPSG:4326, --to gcj02");
  const geo::CrsSpec to = geo::CrsSpec::parse(o.to);
  std::error_code ec;
  if (fs::exists(o.output, ec) && !o.overwrite)
    throw OutputError("already exists", Location{o.output.string(), {}, {}, {}, 0}, "add --overwrite to replace it");
  if (fs::equivalent(o.input, o.output, ec))
    throw UsageError("the output is the input file", "write the converted data to another file");
  // Checked here so that the messages speak of the command line (VectorSource's speak of a scenario file).
  if (o.x_field.empty() != o.y_field.empty())
    throw UsageError("--x-field and --y-field must be given together", "e.g. --x-field 经度 --y-field 纬度");
  if (!parse_text_encoding(o.encoding))
    throw UsageError("unknown --encoding '" + o.encoding + "'",
                     "use " + text_encoding_values() + ", or leave it out to detect UTF-8 or GBK");
  const std::string input_shown = o.input_as_written.empty() ? o.input.string() : o.input_as_written;
  if (!fs::exists(o.input, ec))
    throw InputError("file not found", Location{input_shown, {}, {}, {}, 0}, "check the input path");

  SourceSpec spec;
  spec.path = o.input;
  spec.path_as_written = input_shown;
  spec.crs = o.from;
  spec.x_field = o.x_field;
  spec.y_field = o.y_field;
  spec.encoding = o.encoding;
  spec.key = "--from";

  ConvertResult result;
  result.driver = driver_for(o.output, o.format);
  const bool table = spec.is_table_with_xy();
  if (table && result.driver != "CSV" && result.driver != "XLSX")
    throw UsageError("with --x-field/--y-field the output is a table: give a .csv output",
                     "or convert a vector file without --x-field/--y-field");

  GDALDriver* driver = GetGDALDriverManager()->GetDriverByName(result.driver.c_str());
  if (driver == nullptr) throw UsageError("GDAL has no output driver '" + result.driver + "'", "see 'ogrinfo --formats'");

  // Which layers: all, or the one named.
  std::vector<std::string> layers;
  {
    SourceSpec probe = spec;
    probe.x_field.clear();
    probe.y_field.clear();
    probe.layer = o.layer;
    if (o.layer.empty()) {
      GDALDatasetUniquePtr ds(GDALDataset::Open(o.input.string().c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
      if (ds)
        for (int i = 0; i < ds->GetLayerCount(); ++i) layers.emplace_back(ds->GetLayer(i)->GetName());
    }
    if (layers.empty()) layers.push_back(o.layer);
  }
  // A Shapefile, GeoJSON, FlatGeobuf or CSV file holds one layer: writing several would keep only one.
  if (layers.size() > 1 && driver->GetMetadataItem(GDAL_DCAP_MULTIPLE_VECTOR_LAYERS) == nullptr) {
    std::string names;
    for (const auto& l : layers) names += (names.empty() ? "" : ", ") + l;
    throw UsageError("the input has " + std::to_string(layers.size()) + " layers and the output format (" +
                         result.driver + ") holds one layer per file",
                     "give --layer (the layers are: " + names + "), or write a GeoPackage (.gpkg)");
  }

  TempOutput temp(o.output);
  CPLStringList dsco;
  GDALDatasetUniquePtr out(driver->Create(temp.file().string().c_str(), 0, 0, 0, GDT_Unknown, dsco.List()));
  if (!out)
    throw OutputError("cannot be created (" + last_gdal_error() + ")", Location{o.output.string(), {}, {}, {}, 0},
                      "check the folder exists and is writable");

  for (const auto& layer_name : layers) {
    SourceSpec lspec = spec;
    lspec.layer = layers.size() > 1 || !o.layer.empty() ? layer_name : std::string();
    VectorSource src(lspec, diag);
    if (o.from.empty() && !src.has_file_crs())
      throw CrsError("has no coordinate system", src.where_file(),
                     "give --from: EPSG:4326 (WGS 84), EPSG:4490 (CGCS2000), gcj02 (Amap/Tencent), bd09 (Baidu) …");
    const geo::CrsSpec from = src.crs();
    geo::Transformer point_transform(from, to);
    OgrTransformAdapter geometry_transform(from, to);
    const bool to_degrees = to.kind != geo::CrsKind::kProj || to.is_geographic();
    const int decimals = o.decimals >= 0 ? o.decimals : (to_degrees ? 7 : 3);

    CPLStringList lco;
    if (result.driver == "CSV") {
      lco.AddNameValue("STRING_QUOTING", "IF_NEEDED");
      // Keep a BOM, and add one to text that was GBK: Excel/WPS then open the UTF-8 output correctly.
      lco.AddNameValue("WRITE_BOM", has_utf8_bom(o.input) || src.recoded() ? "YES" : "NO");
    }
    if (result.driver == "ESRI Shapefile") lco.AddNameValue("ENCODING", "UTF-8");  // writes a .cpg: Chinese survives
    std::unique_ptr<OGRSpatialReference> srs;
    if (!table) srs = make_srs(to);
    const OGRwkbGeometryType gtype = table ? wkbNone : src.layer().GetGeomType();
    OGRLayer* dst = out->CreateLayer(src.layer_name().c_str(), srs.get(), gtype, lco.List());
    if (dst == nullptr) throw OutputError("cannot create layer '" + src.layer_name() + "' (" + last_gdal_error() + ")",
                                          Location{o.output.string(), {}, {}, {}, 0});
    OGRFeatureDefn* in_defn = src.layer().GetLayerDefn();
    for (int i = 0; i < in_defn->GetFieldCount(); ++i) {
      OGRFieldDefn fd(in_defn->GetFieldDefn(i));
      if (dst->CreateField(&fd) != OGRERR_NONE)
        throw OutputError("cannot create field '" + std::string(fd.GetNameRef()) + "' (" + last_gdal_error() + ")",
                          Location{o.output.string(), {}, {}, {}, 0}, "the output format may not allow this field name");
    }
    const int x_i = table ? src.field_index(o.x_field, "--x-field") : -1;
    const int y_i = table ? src.field_index(o.y_field, "--y-field") : -1;
    ++result.layers;

    for (auto& f : src.layer()) {
      ++result.features;
      OGRFeature outf(dst->GetLayerDefn());
      outf.SetFrom(f.get(), TRUE);
      outf.SetFID(OGRNullFID);
      // Text that is not UTF-8 (in a format whose encoding cannot be declared) is refused, not copied.
      for (int i = 0; i < in_defn->GetFieldCount(); ++i)
        if (in_defn->GetFieldDefn(i)->GetType() == OFTString) static_cast<void>(VectorSource::text(*f, i));
      if (table) {
        if (VectorSource::text(*f, x_i).empty() && VectorSource::text(*f, y_i).empty()) {
          ++result.empty;
        } else if (auto p = src.point(*f, diag, Severity::kError)) {
          double x = p->first;
          double y = p->second;
          if (point_transform.transform(x, y)) {
            outf.SetField(x_i, format_coordinate(x, decimals).c_str());
            outf.SetField(y_i, format_coordinate(y, decimals).c_str());
            ++result.converted;
          } else {
            diag.error(ExitCode::kCrs, "coordinate.transform_failed"_code, "coordinates cannot be converted", src.where(*f));
          }
        }
      } else if (OGRGeometry* g = outf.GetGeometryRef(); g != nullptr && !g->IsEmpty()) {
        if (g->transform(&geometry_transform) == OGRERR_NONE) ++result.converted;
        else diag.error(ExitCode::kCrs, "coordinate.transform_failed"_code, "geometry cannot be converted", src.where(*f));
      } else {
        ++result.empty;
      }
      if (dst->CreateFeature(&outf) != OGRERR_NONE)
        throw OutputError("cannot write a feature (" + last_gdal_error() + ")", Location{o.output.string(), {}, {}, {}, 0});
    }
  }
  if (result.empty > 0)
    diag.warn("coordinate.empty_copied"_code,
              std::to_string(result.empty) + " row(s)/feature(s) without coordinates were copied unchanged",
              Location{spec.path_as_written, {}, {}, {}, 0});
  if (diag.has_errors()) return result;  // temp output is removed; nothing appears
  CPLErrorReset();
  out.reset();  // close (flush) before moving into place; some drivers (XLSX, KML) write only now
  if (CPLGetLastErrorType() == CE_Failure || CPLGetLastErrorType() == CE_Fatal)
    throw OutputError("cannot be written (" + last_gdal_error() + ")", Location{o.output.string(), {}, {}, {}, 0},
                      "check the disk space and that the format can hold this data");
  temp.commit(o.overwrite);
  return result;
}

}  // namespace carereach::io
