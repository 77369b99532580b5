// End-to-end tests of `carereach export`: a small GeoPackage shaped like a run's layers.gpkg (CGCS2000, a point
// layer with Chinese values and aliases, a polygon layer, QGIS styles in layer_styles) is written here with
// GDAL's own API, exported to every format and read back with GDAL.
//
// Expected coordinates come from independent sources, never from an earlier carereach run:
// - EPSG:4548 (CGCS2000 / 3-degree Gauss-Kruger CM 117E): PROJ's cs2cs, run once by hand (PROJ 9.1.1):
//     printf "39.915 116.404\n32.0 117.0\n" | cs2cs -f "%.4f" EPSG:4490 EPSG:4548
//     4420261.2200  449042.0474 0.0000      (northing, easting: the axis order of EPSG:4548)
//     3541852.4342  500000.0000 0.0000
//   The second point lies on the central meridian: easting 500 km exactly, the northing is the meridian arc.
// - GCJ-02: wandergis/coordtransform's exact pair, WGS 84 (116.404, 39.915) -> GCJ-02 (116.41024449916938,
//   39.91640428150164), the same pair tests/cli/test_convert_coords.cpp and tests/geo/test_china_offsets.cpp
//   trust. The layer is in CGCS2000, which PROJ converts to WGS 84 without change (no EPSG transformation
//   exists between them; they agree to centimetres), so the pair applies as it is. BD-09 has no published
//   WGS 84 pair: it is compared with what `carereach convert-coords --to bd09` writes for the same file.

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cpl_conv.h>
#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cli_runner.hpp"

using namespace carereach::test;
namespace fs = std::filesystem;

namespace {

const std::string kBom = "\xEF\xBB\xBF";

// The facilities of the sample, in CGCS2000 longitude/latitude.
constexpr double kF1Lon = 116.404;  // Beijing (the GCJ-02 pair above)
constexpr double kF1Lat = 39.915;
constexpr double kF2Lon = 117.0;  // on the central meridian of EPSG:4548
constexpr double kF2Lat = 32.0;
// cs2cs (see the header comment).
constexpr double kF1Easting = 449042.0474;
constexpr double kF1Northing = 4420261.2200;
constexpr double kF2Easting = 500000.0000;
constexpr double kF2Northing = 3541852.4342;
// wandergis/coordtransform.
constexpr double kF1GcjLon = 116.41024449916938;
constexpr double kF1GcjLat = 39.91640428150164;

// A note longer than a Shapefile text field holds: 100 Chinese characters are 300 bytes of UTF-8.
std::string long_note() {
  std::string s;
  for (int i = 0; i < 100; ++i) s += "注";
  return s;
}

const char* const kFacilitiesQml =
    "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
    "<qgis version=\"3.22.0\" styleCategories=\"AllStyleCategories\">\n"
    " <renderer-v2 attr=\"coalesce(&quot;pop_covered_tcm_15min&quot;, -1)\" type=\"graduatedSymbol\"/>\n"
    " <aliases>\n"
    "  <alias field=\"name\" index=\"2\" name=\"机构名称\"/>\n"
    "  <alias field=\"pop_covered_tcm_15min\" index=\"4\" name=\"中医药服务圈覆盖人口（人）\"/>\n"
    " </aliases>\n"
    "</qgis>\n";
const char* const kServiceAreaQml =
    "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
    "<qgis version=\"3.22.0\"><renderer-v2 type=\"singleSymbol\"/></qgis>\n";

GDALDatasetUniquePtr open_vector(const fs::path& path) {
  GDALAllRegister();
  GDALDatasetUniquePtr ds(GDALDataset::Open(path.string().c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
  if (!ds) FAIL("GDAL cannot open " << path.string());
  return ds;
}

void sql(GDALDataset& ds, const std::string& statement) {
  CPLErrorReset();
  OGRLayer* r = ds.ExecuteSQL(statement.c_str(), nullptr, nullptr);
  if (r != nullptr) ds.ReleaseResultSet(r);
  REQUIRE(CPLGetLastErrorType() != CE_Failure);
}

/// The first column of the first row of a query, as text ("" when there is none).
std::string sql_value(GDALDataset& ds, const std::string& query) {
  OGRLayer* r = ds.ExecuteSQL(query.c_str(), nullptr, nullptr);
  if (r == nullptr) return {};
  std::string value;
  if (const std::unique_ptr<OGRFeature> f(r->GetNextFeature()); f != nullptr) value = f->GetFieldAsString(0);
  ds.ReleaseResultSet(r);
  return value;
}

OGRSpatialReference srs_of(int epsg) {
  OGRSpatialReference srs;
  REQUIRE(srs.importFromEPSG(epsg) == OGRERR_NONE);
  srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  return srs;
}

std::unique_ptr<OGRGeometry> square(double x0, double y0, double size) {
  OGRGeometry* g = nullptr;
  const std::string wkt = "MULTIPOLYGON (((" + std::to_string(x0) + " " + std::to_string(y0) + ", " +
                          std::to_string(x0 + size) + " " + std::to_string(y0) + ", " + std::to_string(x0 + size) +
                          " " + std::to_string(y0 + size) + ", " + std::to_string(x0) + " " +
                          std::to_string(y0 + size) + ", " + std::to_string(x0) + " " + std::to_string(y0) + ")))";
  REQUIRE(OGRGeometryFactory::createFromWkt(wkt.c_str(), nullptr, &g) == OGRERR_NONE);
  return std::unique_ptr<OGRGeometry>(g);
}

/// A GeoPackage like a run's layers.gpkg: `facilities` (2 points) and `service_area_tcm_15min` (2 polygons) in
/// EPSG:4490, field aliases in gpkg_data_columns and QGIS styles in layer_styles (as carereach and QGIS write them).
fs::path make_layers_gpkg(const TempDir& dir, const std::string& name = "layers.gpkg") {
  const fs::path path = dir / name;
  GDALAllRegister();
  GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GPKG");
  REQUIRE(driver != nullptr);
  GDALDatasetUniquePtr ds(driver->Create(path.string().c_str(), 0, 0, 0, GDT_Unknown, nullptr));
  REQUIRE(ds != nullptr);
  OGRSpatialReference cgcs2000 = srs_of(4490);
  {
    CPLStringList lco;
    lco.SetNameValue("IDENTIFIER", "医疗卫生机构");
    lco.SetNameValue("DESCRIPTION", "Facilities");
    OGRLayer* layer = ds->CreateLayer("facilities", &cgcs2000, wkbPoint, lco.List());
    REQUIRE(layer != nullptr);
    for (const auto& [field, type] :
         std::vector<std::pair<const char*, OGRFieldType>>{{"facility_id", OFTString},
                                                           {"name", OFTString},
                                                           {"beds", OFTReal},
                                                           {"pop_covered_tcm_15min", OFTReal},
                                                           {"pop_covered_county_30min", OFTReal},
                                                           {"机构类别说明", OFTString},
                                                           {"note", OFTString}}) {
      OGRFieldDefn fd(field, type);
      REQUIRE(layer->CreateField(&fd) == OGRERR_NONE);
    }
    struct Row {
      const char* id;
      const char* name;
      double beds, pop_tcm, pop_county;
      const char* type;
      std::string note;
      double lon, lat;
    };
    const Row rows[] = {{"F1", "甲镇卫生院", 20, 1500.5, 3000, "乡镇卫生院", long_note(), kF1Lon, kF1Lat},
                        {"F2", "乙县中医院", 120, 9000, 12000, "县级中医院", "县域医疗中心", kF2Lon, kF2Lat}};
    for (const Row& r : rows) {
      OGRFeature f(layer->GetLayerDefn());
      f.SetField("facility_id", r.id);
      f.SetField("name", r.name);
      f.SetField("beds", r.beds);
      f.SetField("pop_covered_tcm_15min", r.pop_tcm);
      f.SetField("pop_covered_county_30min", r.pop_county);
      f.SetField("机构类别说明", r.type);
      f.SetField("note", r.note.c_str());
      OGRPoint p(r.lon, r.lat);
      f.SetGeometry(&p);
      REQUIRE(layer->CreateFeature(&f) == OGRERR_NONE);
    }
  }
  {
    CPLStringList lco;
    lco.SetNameValue("IDENTIFIER", "15分钟中医药服务圈 服务范围");
    OGRLayer* layer = ds->CreateLayer("service_area_tcm_15min", &cgcs2000, wkbMultiPolygon, lco.List());
    REQUIRE(layer != nullptr);
    for (const char* field : {"standard", "name_zh"}) {
      OGRFieldDefn fd(field, OFTString);
      REQUIRE(layer->CreateField(&fd) == OGRERR_NONE);
    }
    OGRFieldDefn pop("pop_covered", OFTReal);
    REQUIRE(layer->CreateField(&pop) == OGRERR_NONE);
    for (const auto& [x0, y0, persons] : {std::tuple{116.0, 33.5, 1200.0}, std::tuple{116.2, 33.5, 800.0}}) {
      OGRFeature f(layer->GetLayerDefn());
      f.SetField("standard", "tcm_15min");
      f.SetField("name_zh", "15分钟中医药服务圈");
      f.SetField("pop_covered", persons);
      f.SetGeometry(square(x0, y0, 0.05).get());
      REQUIRE(layer->CreateFeature(&f) == OGRERR_NONE);
    }
  }
  // Aliases, as carereach writes them (GDAL 3.6 does not write alternative names into GeoPackages).
  sql(*ds,
      "CREATE TABLE gpkg_data_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, name TEXT, "
      "title TEXT, description TEXT, mime_type TEXT, constraint_name TEXT, CONSTRAINT pk_gdc PRIMARY KEY "
      "(table_name, column_name), CONSTRAINT gdc_tn UNIQUE (table_name, name))");
  sql(*ds,
      "INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope) VALUES "
      "('gpkg_data_columns', NULL, 'gpkg_schema', 'http://www.geopackage.org/spec121/#extension_schema', "
      "'read-write')");
  sql(*ds,
      "INSERT INTO gpkg_data_columns (table_name, column_name, name) VALUES ('facilities', 'name', '机构名称'), "
      "('facilities', 'pop_covered_tcm_15min', '中医药服务圈覆盖人口（人）'), "
      "('service_area_tcm_15min', 'pop_covered', '覆盖人口（人）')");
  // QGIS styles, one default per layer.
  {
    CPLStringList options;
    options.SetNameValue("FID", "id");
    OGRLayer* styles = ds->CreateLayer("layer_styles", nullptr, wkbNone, options.List());
    REQUIRE(styles != nullptr);
    for (const char* field : {"f_table_catalog", "f_table_schema", "f_table_name", "f_geometry_column", "styleName",
                              "styleQML", "styleSLD", "description", "owner", "ui"}) {
      OGRFieldDefn fd(field, OFTString);
      REQUIRE(styles->CreateField(&fd) == OGRERR_NONE);
    }
    OGRFieldDefn use("useAsDefault", OFTInteger);
    use.SetSubType(OFSTBoolean);
    REQUIRE(styles->CreateField(&use) == OGRERR_NONE);
    for (const auto& [layer, qml] :
         {std::pair{"facilities", kFacilitiesQml}, std::pair{"service_area_tcm_15min", kServiceAreaQml}}) {
      OGRFeature f(styles->GetLayerDefn());
      f.SetField("f_table_catalog", "");
      f.SetField("f_table_schema", "");
      f.SetField("f_table_name", layer);
      f.SetField("f_geometry_column", "geom");
      f.SetField("styleName", layer);
      f.SetField("styleQML", qml);
      f.SetField("useAsDefault", 1);
      REQUIRE(styles->CreateFeature(&f) == OGRERR_NONE);
    }
  }
  return path;
}

std::vector<std::string> export_args(const fs::path& input, const std::string& format, const fs::path& output,
                                     const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args{"export", input.string(), "--format", format};
  args.insert(args.end(), extra.begin(), extra.end());
  args.push_back(output.string());
  return args;
}

/// Names in a folder, sorted (to check what an export left, temporary files included).
std::vector<std::string> listing(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

struct PointXY {
  double x = 0;
  double y = 0;
};

/// The points of a layer keyed by a text field.
std::map<std::string, PointXY> points_by(OGRLayer* layer, const char* key) {
  std::map<std::string, PointXY> out;
  REQUIRE(layer != nullptr);
  layer->ResetReading();
  for (const auto& f : *layer) {
    const OGRGeometry* g = f->GetGeometryRef();
    REQUIRE(g != nullptr);
    REQUIRE(wkbFlatten(g->getGeometryType()) == wkbPoint);
    out[f->GetFieldAsString(key)] = PointXY{g->toPoint()->getX(), g->toPoint()->getY()};
  }
  return out;
}

std::string authority_code(const OGRSpatialReference* srs) {
  if (srs == nullptr) return "none";
  const char* code = srs->GetAuthorityCode(nullptr);
  const char* name = srs->GetAuthorityName(nullptr);
  return std::string(name != nullptr ? name : "?") + ":" + (code != nullptr ? code : "?");
}

}  // namespace

// =================================================================================================================
// Formats

TEST_CASE("export: GeoPackage to GeoPackage keeps layers, CRS, ids, aliases and QGIS styles", "[cli][export]") {
  TempDir dir;
  const fs::path input = make_layers_gpkg(dir);
  const fs::path output = dir / "copy.gpkg";
  const auto r = run_cli(export_args(input, "gpkg", output));
  INFO(r.all());
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("Exported 2 layer(s), 4 feature(s)") && Catch::Contains("(GPKG)") &&
                        Catch::Contains("EPSG:4490"));
  CHECK(listing(dir.path()) == std::vector<std::string>{"copy.gpkg", "layers.gpkg"});  // no temporary files left

  const auto ds = open_vector(output);
  CHECK(ds->GetLayerCount() == 3);  // the two layers and layer_styles
  OGRLayer* facilities = ds->GetLayerByName("facilities");
  REQUIRE(facilities != nullptr);
  CHECK(facilities->GetFeatureCount() == 2);
  CHECK(authority_code(facilities->GetSpatialRef()) == "EPSG:4490");
  CHECK(std::string(facilities->GetGeometryColumn()) == "geom");
  const std::unique_ptr<OGRFeature> f1(facilities->GetFeature(1));  // feature ids are kept
  REQUIRE(f1 != nullptr);
  CHECK(std::string(f1->GetFieldAsString("name")) == "甲镇卫生院");
  CHECK(std::string(f1->GetFieldAsString("note")) == long_note());  // a GeoPackage keeps long text whole
  CHECK(std::string(f1->GetFieldAsString("机构类别说明")) == "乡镇卫生院");
  const auto points = points_by(facilities, "facility_id");
  CHECK(points.at("F1").x == kF1Lon);  // no conversion: the same doubles
  CHECK(points.at("F1").y == kF1Lat);
  CHECK(ds->GetLayerByName("service_area_tcm_15min")->GetFeatureCount() == 2);
  // gpkg_contents.identifier (the Chinese title), the aliases and the styles came along.
  CHECK(sql_value(*ds, "SELECT identifier FROM gpkg_contents WHERE table_name = 'facilities'") == "医疗卫生机构");
  CHECK(sql_value(*ds, "SELECT name FROM gpkg_data_columns WHERE table_name = 'facilities' AND column_name = 'name'") ==
        "机构名称");
  CHECK(sql_value(*ds,
                  "SELECT name FROM gpkg_data_columns WHERE table_name = 'service_area_tcm_15min' AND "
                  "column_name = 'pop_covered'") == "覆盖人口（人）");
  CHECK(sql_value(*ds, "SELECT count(*) FROM layer_styles WHERE useAsDefault = 1") == "2");
  CHECK(sql_value(*ds, "SELECT styleQML FROM layer_styles WHERE f_table_name = 'facilities'") == kFacilitiesQml);
}

TEST_CASE("export: Shapefiles, one per layer, UTF-8 with .cpg, short field names and styles", "[cli][export]") {
  TempDir dir;
  const fs::path input = make_layers_gpkg(dir);
  const fs::path output = dir / "shp";
  const auto r = run_cli(export_args(input, "shp", output));
  INFO(r.all());
  REQUIRE(r.code == 0);
  CHECK(listing(dir.path()) == std::vector<std::string>{"layers.gpkg", "shp"});
  CHECK(listing(output) == std::vector<std::string>{".carereach-output.json", "export.json", "facilities.cpg", "facilities.dbf", "facilities.prj",
                                                    "facilities.qml", "facilities.shp", "facilities.shx",
                                                    "service_area_tcm_15min.cpg", "service_area_tcm_15min.dbf",
                                                    "service_area_tcm_15min.prj", "service_area_tcm_15min.qml",
                                                    "service_area_tcm_15min.shp", "service_area_tcm_15min.shx"});
  CHECK_THAT(slurp(output / "facilities.cpg"), Catch::Contains("UTF-8"));
  CHECK_THAT(slurp(output / "facilities.dbf"), Catch::Contains("甲镇卫生院"));  // UTF-8 bytes in the .dbf
  // Names longer than 10 bytes: cut as GDAL does, then _1 …; a Chinese name whole characters only.
  CHECK_THAT(r.out,
             Catch::Contains("facility_id → facility_i") && Catch::Contains("pop_covered_tcm_15min → pop_covere") &&
                 Catch::Contains("pop_covered_county_30min → pop_cove_1") && Catch::Contains("机构类别说明 → 机构类"));
  // The note of 300 bytes was cut to whole characters within 254 bytes (84 characters), with a warning.
  CHECK_THAT(r.err, Catch::Contains("warning") && Catch::Contains("facilities.shp") && Catch::Contains("note") &&
                        Catch::Contains("254 bytes"));

  const auto ds = open_vector(output / "facilities.shp");
  OGRLayer* layer = ds->GetLayer(0);
  CHECK(layer->GetFeatureCount() == 2);
  CHECK(authority_code(layer->GetSpatialRef()) == "EPSG:4490");
  const OGRFeatureDefn* defn = layer->GetLayerDefn();
  for (const char* name : {"facility_i", "name", "beds", "pop_covere", "pop_cove_1", "机构类", "note"})
    CHECK(defn->GetFieldIndex(name) >= 0);
  layer->ResetReading();
  for (const auto& f : *layer) {
    const std::string id = f->GetFieldAsString("facility_i");
    CHECK(std::string(f->GetFieldAsString("name")) == (id == "F1" ? "甲镇卫生院" : "乙县中医院"));
    CHECK(std::string(f->GetFieldAsString("机构类")) == (id == "F1" ? "乡镇卫生院" : "县级中医院"));
    CHECK(f->GetFieldAsDouble("pop_covere") == (id == "F1" ? 1500.5 : 9000.0));
    if (id == "F1") CHECK(std::string(f->GetFieldAsString("note")) == long_note().substr(0, 84 * 3));
  }
  CHECK(open_vector(output / "service_area_tcm_15min.shp")->GetLayer(0)->GetFeatureCount() == 2);

  // The QGIS style beside each file, its field references renamed with the fields.
  const std::string qml = slurp(output / "facilities.qml");
  CHECK_THAT(qml, Catch::Contains("&quot;pop_covere&quot;") && Catch::Contains("<alias field=\"pop_covere\"") &&
                      Catch::Contains("中医药服务圈覆盖人口（人）"));
  CHECK_THAT(qml, !Catch::Contains("pop_covered_tcm_15min"));
  CHECK(slurp(output / "service_area_tcm_15min.qml") == kServiceAreaQml);
  // export.json records the layers and the renaming.
  const auto manifest = nlohmann::json::parse(slurp(output / "export.json"));
  CHECK(manifest["format"] == "ESRI Shapefile");
  REQUIRE(manifest["layers"].size() == 2);
  CHECK(manifest["layers"][0]["file"] == "facilities.shp");
  CHECK(manifest["layers"][0]["features"] == 2);
  CHECK(manifest["layers"][0]["renamed_fields"]["pop_covered_tcm_15min"] == "pop_covere");
}

TEST_CASE("export: GeoJSON in WGS 84 is RFC 7946; in CGCS2000 it names its CRS", "[cli][export]") {
  TempDir dir;
  const fs::path input = make_layers_gpkg(dir);

  const fs::path wgs84 = dir / "geojson_wgs84";
  const auto r = run_cli(export_args(input, "GeoJSON", wgs84, {"--crs", "EPSG:4326"}));
  INFO(r.all());
  REQUIRE(r.code == 0);
  const std::string text = slurp(wgs84 / "facilities.geojson");
  CHECK_THAT(text, !Catch::Contains("\"crs\""));  // RFC 7946: WGS 84 is implied
  CHECK_THAT(text, Catch::Contains("甲镇卫生院"));
  const auto wgs_points = points_by(open_vector(wgs84 / "facilities.geojson")->GetLayer(0), "facility_id");
  // RFC 7946 output has 7 decimals; CGCS2000 → WGS 84 leaves the values unchanged.
  CHECK(std::abs(wgs_points.at("F1").x - kF1Lon) < 1e-7);
  CHECK(std::abs(wgs_points.at("F1").y - kF1Lat) < 1e-7);
  CHECK(std::abs(wgs_points.at("F2").x - kF2Lon) < 1e-7);
  CHECK(open_vector(wgs84 / "service_area_tcm_15min.geojson")->GetLayer(0)->GetFeatureCount() == 2);

  const fs::path cgcs = dir / "geojson_cgcs2000";
  const auto r2 = run_cli(export_args(input, "geojson", cgcs));
  INFO(r2.all());
  REQUIRE(r2.code == 0);
  CHECK_THAT(slurp(cgcs / "facilities.geojson"), Catch::Contains("EPSG::4490"));
  const auto ds = open_vector(cgcs / "facilities.geojson");
  CHECK(authority_code(ds->GetLayer(0)->GetSpatialRef()) == "EPSG:4490");
  const auto points = points_by(ds->GetLayer(0), "facility_id");
  CHECK(std::abs(points.at("F1").x - kF1Lon) < 1e-12);
  CHECK(std::abs(points.at("F1").y - kF1Lat) < 1e-12);
}

TEST_CASE("export: KML is WGS 84 and refuses a projected --crs", "[cli][export]") {
  TempDir dir;
  const fs::path input = make_layers_gpkg(dir);
  const fs::path output = dir / "kml";
  const auto r = run_cli(export_args(input, "KML", output));
  INFO(r.all());
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("EPSG:4326"));
  const std::string text = slurp(output / "facilities.kml");
  CHECK_THAT(text, Catch::Contains("<name>甲镇卫生院</name>"));  // the name field labels the placemarks
  const auto ds = open_vector(output / "facilities.kml");
  OGRLayer* layer = ds->GetLayer(0);
  CHECK(layer->GetFeatureCount() == 2);
  const auto points = points_by(layer, "Name");
  CHECK(std::abs(points.at("甲镇卫生院").x - kF1Lon) < 1e-9);
  CHECK(std::abs(points.at("甲镇卫生院").y - kF1Lat) < 1e-9);
  CHECK(open_vector(output / "service_area_tcm_15min.kml")->GetLayer(0)->GetFeatureCount() == 2);

  const auto refused = run_cli(export_args(input, "kml", dir / "kml_gk", {"--crs", "EPSG:4548"}));
  INFO(refused.all());
  CHECK(refused.code == 5);
  CHECK_THAT(refused.err, Catch::Contains("KML") && Catch::Contains("EPSG:4548") && Catch::Contains("WGS 84"));
  CHECK_FALSE(fs::exists(dir / "kml_gk"));
}

TEST_CASE("export: FlatGeobuf keeps the aliases as column titles", "[cli][export]") {
  TempDir dir;
  const fs::path input = make_layers_gpkg(dir);
  const fs::path output = dir / "fgb";
  const auto r = run_cli(export_args(input, "fgb", output));
  INFO(r.all());
  REQUIRE(r.code == 0);
  const auto ds = open_vector(output / "facilities.fgb");
  OGRLayer* layer = ds->GetLayer(0);
  CHECK(layer->GetFeatureCount() == 2);
  CHECK(authority_code(layer->GetSpatialRef()) == "EPSG:4490");
  const OGRFeatureDefn* defn = layer->GetLayerDefn();
  const int name_i = defn->GetFieldIndex("name");
  REQUIRE(name_i >= 0);
  CHECK(std::string(defn->GetFieldDefn(name_i)->GetAlternativeNameRef()) == "机构名称");
  const auto points = points_by(layer, "name");
  CHECK(points.at("甲镇卫生院").x == kF1Lon);
  CHECK(open_vector(output / "service_area_tcm_15min.fgb")->GetLayer(0)->GetFeatureCount() == 2);
}

TEST_CASE("export: CSV is UTF-8 with a BOM and WKT geometries", "[cli][export]") {
  TempDir dir;
  const fs::path input = make_layers_gpkg(dir);
  const fs::path output = dir / "csv";
  const auto r = run_cli(export_args(input, "CSV", output));
  INFO(r.all());
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("stores no coordinate system"));
  const std::string text = slurp(output / "facilities.csv");
  REQUIRE(text.rfind(kBom, 0) == 0);  // Excel and WPS read the Chinese correctly
  CHECK(text.substr(kBom.size()).rfind("WKT,facility_id,name,", 0) == 0);
  CHECK_THAT(text, Catch::Contains("\"POINT (116.404 39.915)\",F1,甲镇卫生院,") && Catch::Contains("乙县中医院") &&
                       Catch::Contains(long_note()));
  CHECK_THAT(slurp(output / "service_area_tcm_15min.csv"), Catch::Contains("MULTIPOLYGON (((116"));
  const auto ds = open_vector(output / "facilities.csv");
  OGRLayer* layer = ds->GetLayer(0);
  CHECK(layer->GetFeatureCount() == 2);
  const auto points = points_by(layer, "facility_id");  // GDAL reads the WKT column back as the geometry
  CHECK(points.at("F2").x == kF2Lon);
  CHECK(points.at("F2").y == kF2Lat);
}

// =================================================================================================================
// Coordinate systems

TEST_CASE("export: --crs EPSG:4548 gives the Gauss-Kruger coordinates cs2cs computes", "[cli][export][crs]") {
  TempDir dir;
  const fs::path input = make_layers_gpkg(dir);
  for (const std::string format : {"gpkg", "shp"}) {
    INFO("format " << format);
    const fs::path output = dir / (format == "gpkg" ? "gk117.gpkg" : "gk117_shp");
    const auto r = run_cli(export_args(input, format, output, {"--crs", "EPSG:4548"}));
    INFO(r.all());
    REQUIRE(r.code == 0);
    const auto ds = open_vector(format == "gpkg" ? output : output / "facilities.shp");
    OGRLayer* layer = format == "gpkg" ? ds->GetLayerByName("facilities") : ds->GetLayer(0);
    REQUIRE(layer != nullptr);
    CHECK(authority_code(layer->GetSpatialRef()) == "EPSG:4548");
    const auto points = points_by(layer, format == "gpkg" ? "facility_id" : "facility_i");  // Shapefile: 10 bytes
    CHECK(std::abs(points.at("F1").x - kF1Easting) < 0.001);
    CHECK(std::abs(points.at("F1").y - kF1Northing) < 0.001);
    CHECK(std::abs(points.at("F2").x - kF2Easting) < 0.001);
    CHECK(std::abs(points.at("F2").y - kF2Northing) < 0.001);
  }
}

TEST_CASE("export: --crs gcj02 offsets a point in Beijing as the published pair says", "[cli][export][crs]") {
  TempDir dir;
  const fs::path input = make_layers_gpkg(dir);
  const fs::path output = dir / "gcj02.gpkg";
  const auto r = run_cli(export_args(input, "gpkg", output, {"--crs", "gcj02"}));
  INFO(r.all());
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("GCJ-02") && Catch::Contains("EPSG:4326"));
  const auto ds = open_vector(output);
  OGRLayer* layer = ds->GetLayerByName("facilities");
  CHECK(authority_code(layer->GetSpatialRef()) == "EPSG:4326");  // declared WGS 84: GCJ-02 has no code
  const auto points = points_by(layer, "facility_id");
  CHECK(std::abs(points.at("F1").x - kF1GcjLon) < 1e-8);
  CHECK(std::abs(points.at("F1").y - kF1GcjLat) < 1e-8);
  // The offset is a few hundred metres (here about 530 m east and 160 m north).
  CHECK(std::abs(points.at("F1").x - kF1Lon) > 0.005);
  // The layer's description carries the note.
  CHECK_THAT(sql_value(*ds, "SELECT description FROM gpkg_contents WHERE table_name = 'facilities'"),
             Catch::Contains("Facilities") && Catch::Contains("GCJ-02"));

  // The same as convert-coords writes, for both offsets (BD-09 has no published WGS 84 pair to compare with).
  for (const std::string offset : {"gcj02", "bd09"}) {
    INFO("--crs " << offset);
    const fs::path exported = dir / ("export_" + offset);
    const auto e = run_cli(export_args(input, "geojson", exported, {"--crs", offset, "--layers", "facilities"}));
    INFO(e.all());
    REQUIRE(e.code == 0);
    const fs::path converted = dir / ("convert_" + offset + ".geojson");
    const auto c =
        run_cli({"convert-coords", "--to", offset, "--layer", "facilities", input.string(), converted.string()});
    INFO(c.all());
    REQUIRE(c.code == 0);
    const auto a = points_by(open_vector(exported / "facilities.geojson")->GetLayer(0), "facility_id");
    const auto b = points_by(open_vector(converted)->GetLayer(0), "facility_id");
    for (const char* id : {"F1", "F2"}) {
      CHECK(std::abs(a.at(id).x - b.at(id).x) < 1e-7);  // RFC 7946 keeps 7 decimals
      CHECK(std::abs(a.at(id).y - b.at(id).y) < 1e-7);
    }
    const auto manifest = nlohmann::json::parse(slurp(exported / "export.json"));
    CHECK_THAT(manifest["crs_note"].get<std::string>(), Catch::Contains(offset == "gcj02" ? "GCJ-02" : "BD-09"));
    CHECK_THAT(slurp(exported / "facilities.geojson"), Catch::Contains(offset == "gcj02" ? "GCJ-02" : "BD-09"));
  }
}

// =================================================================================================================
// Layers, output names, overwriting

TEST_CASE("export: --layers chooses layers; one layer can be one file", "[cli][export]") {
  TempDir dir;
  const fs::path input = make_layers_gpkg(dir);
  // A full-width comma works as well (typed with a Chinese input method).
  const auto r =
      run_cli(export_args(input, "gpkg", dir / "two.gpkg", {"--layers", "service_area_tcm_15min，facilities"}));
  INFO(r.all());
  REQUIRE(r.code == 0);
  {
    const auto ds = open_vector(dir / "two.gpkg");
    CHECK(ds->GetLayerByName("facilities") != nullptr);
    CHECK(ds->GetLayerByName("service_area_tcm_15min") != nullptr);
  }
  const auto one = run_cli(export_args(input, "geojson", dir / "facilities_wgs84.geojson",
                                       {"--layers", "facilities", "--crs", "EPSG:4326"}));
  INFO(one.all());
  REQUIRE(one.code == 0);
  REQUIRE(fs::is_regular_file(dir / "facilities_wgs84.geojson"));
  CHECK(open_vector(dir / "facilities_wgs84.geojson")->GetLayer(0)->GetFeatureCount() == 2);
  const auto shp = run_cli(export_args(input, "shp", dir / "facilities.shp", {"--layers", "facilities"}));
  INFO(shp.all());
  REQUIRE(shp.code == 0);
  for (const char* file : {"facilities.shp", "facilities.dbf", "facilities.cpg", "facilities.qml"})
    CHECK(fs::exists(dir / file));
  CHECK_FALSE(fs::exists(dir / "export.json"));  // single files have no manifest

  // A file name for several layers is a usage error, and so is a name of another format.
  const auto several = run_cli(export_args(input, "geojson", dir / "all.geojson"));
  INFO(several.all());
  CHECK(several.code == 2);
  CHECK_THAT(several.err, Catch::Contains("all.geojson") && Catch::Contains("2 layers") && Catch::Contains("--layers"));
  const auto mismatch = run_cli(export_args(input, "gpkg", dir / "out.shp"));
  INFO(mismatch.all());
  CHECK(mismatch.code == 2);
  CHECK_THAT(mismatch.err, Catch::Contains("out.shp") && Catch::Contains("--format"));
}

TEST_CASE("export: an existing output is kept unless --overwrite", "[cli][export]") {
  TempDir dir;
  const fs::path input = make_layers_gpkg(dir);
  // A file.
  const fs::path gpkg = dir.write("out.gpkg", "an earlier file");
  const auto refused = run_cli(export_args(input, "gpkg", gpkg));
  INFO(refused.all());
  CHECK(refused.code == 6);
  CHECK_THAT(refused.err,
             Catch::Contains("out.gpkg") && Catch::Contains("already exists") && Catch::Contains("--overwrite"));
  CHECK(slurp(gpkg) == "an earlier file");
  const auto replaced = run_cli(export_args(input, "gpkg", gpkg, {"--overwrite"}));
  INFO(replaced.all());
  CHECK(replaced.code == 0);
  CHECK(open_vector(gpkg)->GetLayerByName("facilities") != nullptr);

  // A folder of an earlier export is replaced whole: a layer no longer exported does not linger.
  const fs::path folder = dir / "shp";
  REQUIRE(run_cli(export_args(input, "shp", folder)).code == 0);
  CHECK(run_cli(export_args(input, "shp", folder, {"--layers", "facilities"})).code == 6);
  const auto again = run_cli(export_args(input, "shp", folder, {"--layers", "facilities", "--overwrite"}));
  INFO(again.all());
  CHECK(again.code == 0);
  CHECK(fs::exists(folder / "facilities.shp"));
  CHECK_FALSE(fs::exists(folder / "service_area_tcm_15min.shp"));

  // A folder that no export wrote is never replaced.
  dir.write("mine/notes.txt", "my notes");
  const auto foreign = run_cli(export_args(input, "shp", dir / "mine", {"--overwrite"}));
  INFO(foreign.all());
  CHECK(foreign.code == 6);
  CHECK_THAT(foreign.err, Catch::Contains("mine") && Catch::Contains(".carereach-output.json"));
  CHECK(slurp(dir / "mine/notes.txt") == "my notes");
  CHECK(listing(dir.path()) == std::vector<std::string>{"layers.gpkg", "mine", "out.gpkg", "shp"});
}

// =================================================================================================================
// Bad input

TEST_CASE("export: bad inputs give the documented exit codes and name the problem", "[cli][export]") {
  TempDir dir;
  const fs::path input = make_layers_gpkg(dir);
  const fs::path output = dir / "out.gpkg";

  const auto missing = run_cli(export_args(dir / "missing.gpkg", "gpkg", output));
  INFO(missing.all());
  CHECK(missing.code == 4);
  CHECK_THAT(missing.err, Catch::Contains("missing.gpkg") && Catch::Contains("not found"));

  const fs::path text = dir.write("notes.txt", "这不是地理数据\n");
  const auto not_vector = run_cli(export_args(text, "gpkg", output));
  INFO(not_vector.all());
  CHECK(not_vector.code == 4);
  CHECK_THAT(not_vector.err, Catch::Contains("notes.txt") && Catch::Contains("not a vector data source"));

  const auto no_layer = run_cli(export_args(input, "gpkg", output, {"--layers", "facilities,诊所"}));
  INFO(no_layer.all());
  CHECK(no_layer.code == 4);
  CHECK_THAT(no_layer.err, Catch::Contains("layers.gpkg") && Catch::Contains("no layer '诊所'") &&
                               Catch::Contains("facilities, service_area_tcm_15min"));

  const auto bad_format = run_cli(export_args(input, "xlsx", output));
  INFO(bad_format.all());
  CHECK(bad_format.code == 2);
  CHECK_THAT(bad_format.err, Catch::Contains("unknown output format 'xlsx'") && Catch::Contains("FlatGeobuf"));

  const auto bad_crs = run_cli(export_args(input, "gpkg", output, {"--crs", "EPSG:99999"}));
  INFO(bad_crs.all());
  CHECK(bad_crs.code == 5);
  CHECK_THAT(bad_crs.err, Catch::Contains("--crs") && Catch::Contains("EPSG:99999") && Catch::Contains("gcj02"));

  const auto no_format = run_cli({"export", input.string(), output.string()});
  CHECK(no_format.code == 2);

  const auto same = run_cli(export_args(input, "gpkg", input, {"--overwrite"}));
  INFO(same.all());
  CHECK(same.code == 2);
  CHECK_THAT(same.err, Catch::Contains("is (or holds) the input"));

  CHECK(listing(dir.path()) == std::vector<std::string>{"layers.gpkg", "notes.txt"});  // nothing written
}

TEST_CASE("export: a layer without a coordinate system cannot be converted", "[cli][export][crs]") {
  TempDir dir;
  // A CSV with WKT geometries has no CRS (GeoJSON would not do: GDAL takes it for WGS 84). Without --crs the
  // coordinates are copied with a warning; with --crs nothing can be converted.
  const fs::path csv_input = dir.write("points.csv", "WKT,名称\n\"POINT (500000 3541852)\",甲\n");
  const auto copied = run_cli(export_args(csv_input, "gpkg", dir / "copied.gpkg"));
  INFO(copied.all());
  CHECK(copied.code == 0);
  CHECK_THAT(copied.err, Catch::Contains("warning") && Catch::Contains("no coordinate system"));
  const auto refused = run_cli(export_args(csv_input, "gpkg", dir / "refused.gpkg", {"--crs", "gcj02"}));
  INFO(refused.all());
  CHECK(refused.code == 5);
  CHECK_THAT(refused.err, Catch::Contains("points.csv") && Catch::Contains("no coordinate system"));
  CHECK_FALSE(fs::exists(dir / "refused.gpkg"));
}
