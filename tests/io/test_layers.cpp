// The GeoPackage writer and the QGIS styles: files are written to a temporary folder and read back with GDAL
// (and ogrinfo when installed). Expected coordinates come from PROJ's cs2cs, not from carereach's transforms.

#include <catch2/catch.hpp>

#include <cpl_minixml.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "geo/crs.hpp"
#include "geo/geos.hpp"
#include "io/files.hpp"
#include "io/layers.hpp"
#include "io/qgis_styles.hpp"
#include "io/vector_source.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;
namespace geo = carereach::geo;
namespace qgis = carereach::io::qgis;
using carereach::OutputError;
using carereach::io::FieldDef;
using carereach::io::FieldValue;
using carereach::io::GeoPackageOptions;
using carereach::io::LayerData;
using carereach::io::LayerFeature;
using carereach::io::read_geopackage_layer;
using carereach::io::write_geopackage;
using carereach::test::TempDir;

namespace {


// The analysis CRS of the tests: CGCS2000 / 3-degree Gauss-Kruger CM 117E (false easting 500 km).
// Reference point: E 520000, N 3520000. `echo "3520000 520000" | cs2cs -d 10 EPSG:4548 EPSG:4490` (PROJ 9.1.1,
// EPSG:4548 takes northing first) gives latitude 31.8027520082, longitude 117.2112044610; the same with
// +proj=tmerc +lon_0=117 +k=1 +x_0=500000 +ellps=GRS80 … +to +proj=longlat.
constexpr double kE = 520000.0, kN = 3520000.0;
constexpr double kLon = 117.2112044610, kLat = 31.8027520082;

geo::CrsSpec analysis_crs() {
  return geo::CrsSpec::parse("EPSG:4548");
}
geo::CrsSpec output_crs() {
  return geo::CrsSpec::parse("EPSG:4490");
}

std::vector<LayerData> sample_layers() {
  std::vector<LayerData> layers;

  LayerData facilities;
  facilities.name = "facilities";
  facilities.title_zh = "医疗卫生机构";
  facilities.description = "Facilities of the scenario";
  facilities.geometry_type = LayerData::GeometryType::kPoint;
  facilities.fields = {{"facility_id", "机构编号", FieldDef::Type::kString},
                       {"name", "机构名称", FieldDef::Type::kString},
                       {"beds", "床位数（张）", FieldDef::Type::kInteger},
                       {"mean_time_min", "平均时间（分钟）", FieldDef::Type::kReal}};
  facilities.features.push_back(
      {geo::Geometry::point(kE, kN), {std::string("F1"), std::string("庐阳区中医院"), std::int64_t{120}, 12.5}});
  facilities.features.push_back(
      {geo::Geometry::point(kE + 1000, kN + 1000),
       {std::string("F2"), std::monostate{}, std::int64_t{0}, std::numeric_limits<double>::quiet_NaN()}});
  facilities.features.push_back(
      {geo::Geometry::point(kE - 1000, kN),
       {std::string("F3"), std::string("卫生室"), std::monostate{}, std::numeric_limits<double>::infinity()}});
  facilities.qml = qgis::categorized_marker_qml(
      {"name",
       {{"庐阳区中医院", qgis::colour("#1b9e77"), "中医医院"}, {"", qgis::colour("#999999"), "其他"}},
       2.6,
       "circle",
       {},
       qgis::Labels{"name"}});
  layers.push_back(std::move(facilities));

  LayerData area;
  area.name = "service_area_tcm_15min";
  area.title_zh = "15分钟中医药服务圈";
  area.fields = {{"threshold_min", "时间阈值（分钟）", FieldDef::Type::kReal},
                 {"pop_covered", "覆盖人口（人）", FieldDef::Type::kInteger}};
  // A Polygon (written as a MultiPolygon) and a MultiPolygon.
  area.features.push_back({geo::Geometry::from_wkt("POLYGON ((519000 3519000, 521000 3519000, 521000 3521000, "
                                                   "519000 3521000, 519000 3519000))"),
                           {15.0, std::int64_t{5000}}});
  area.features.push_back({geo::Geometry::from_wkt("MULTIPOLYGON (((530000 3530000, 531000 3530000, 531000 3531000, "
                                                   "530000 3530000)), ((532000 3530000, 533000 3530000, "
                                                   "533000 3531000, 532000 3530000)))"),
                           {std::int64_t{30}, std::monostate{}}});
  area.qml = qgis::single_fill_qml({});
  layers.push_back(std::move(area));

  LayerData gaps;  // no style, no aliases
  gaps.name = "gap_tcm_15min";
  gaps.fields = {{"pop_uncovered", "", FieldDef::Type::kInteger}};
  gaps.features.push_back({geo::Geometry(), {std::int64_t{7}}});  // a feature without geometry
  layers.push_back(std::move(gaps));
  return layers;
}

struct Dataset {
  GDALDatasetUniquePtr ds;
  explicit Dataset(const fs::path& file) {
    carereach::io::ensure_gdal();
    ds.reset(GDALDataset::Open(file.string().c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
    REQUIRE(ds != nullptr);
  }
  OGRLayer& layer(const char* name) const {
    OGRLayer* l = ds->GetLayerByName(name);
    REQUIRE(l != nullptr);
    return *l;
  }
  /// Rows of an SQL query, every value as text ("NULL" for null).
  std::vector<std::vector<std::string>> query(const std::string& sql, const char* dialect = nullptr) const {
    OGRLayer* result = ds->ExecuteSQL(sql.c_str(), nullptr, dialect);
    REQUIRE(result != nullptr);
    std::vector<std::vector<std::string>> rows;
    for (auto& f : *result) {
      std::vector<std::string> row;
      for (int i = 0; i < f->GetFieldCount(); ++i)
        row.push_back(f->IsFieldSetAndNotNull(i) ? f->GetFieldAsString(i) : "NULL");
      rows.push_back(row);
    }
    ds->ReleaseResultSet(result);
    return rows;
  }
};

std::string what_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const OutputError& e) {
    return e.what();
  }
  return "no OutputError";
}

/// Parses QML with GDAL's XML parser (so the test checks it is well-formed).
struct Xml {
  CPLXMLNode* root = nullptr;
  explicit Xml(const std::string& text) : root(CPLParseXMLString(text.c_str())) { REQUIRE(root != nullptr); }
  ~Xml() { CPLDestroyXMLNode(root); }
  Xml(const Xml&) = delete;
  Xml& operator=(const Xml&) = delete;
  [[nodiscard]] const CPLXMLNode* qgis() const {
    const CPLXMLNode* n = CPLGetXMLNode(root, "=qgis");
    REQUIRE(n != nullptr);
    return n;
  }
};

int children_named(const CPLXMLNode* parent, const char* name) {
  int n = 0;
  for (const CPLXMLNode* c = parent != nullptr ? parent->psChild : nullptr; c != nullptr; c = c->psNext)
    if (c->eType == CXT_Element && std::string(c->pszValue) == name) ++n;
  return n;
}

}  // namespace

TEST_CASE("write_geopackage: layers, fields, aliases, CRS and coordinates read back with GDAL", "[layers]") {
  const TempDir dir;
  const fs::path file = dir.path() / "layers.gpkg";
  const auto layers = sample_layers();
  write_geopackage(file, layers, analysis_crs(), output_crs(), GeoPackageOptions{"2024-05-01T08:00:00Z"});
  CHECK(dir.files() == std::vector<std::string>{"layers.gpkg"});  // no temporary file left

  const Dataset in(file);
  std::vector<std::string> names;
  for (int i = 0; i < in.ds->GetLayerCount(); ++i) names.push_back(in.ds->GetLayer(i)->GetName());
  std::sort(names.begin(), names.end());
  CHECK(names == std::vector<std::string>{"facilities", "gap_tcm_15min", "layer_styles", "service_area_tcm_15min"});

  SECTION("facilities: points, fields, NULLs, coordinates in EPSG:4490") {
    OGRLayer& l = in.layer("facilities");
    CHECK(wkbFlatten(l.GetGeomType()) == wkbPoint);
    CHECK(l.GetFeatureCount() == 3);
    CHECK(std::string(l.GetMetadataItem("IDENTIFIER")) == "医疗卫生机构");
    CHECK(std::string(l.GetMetadataItem("DESCRIPTION")) == "Facilities of the scenario");
    const OGRSpatialReference* srs = l.GetSpatialRef();
    REQUIRE(srs != nullptr);
    CHECK(std::string(srs->GetAuthorityName(nullptr)) == "EPSG");
    CHECK(std::string(srs->GetAuthorityCode(nullptr)) == "4490");
    OGRFeatureDefn* defn = l.GetLayerDefn();
    REQUIRE(defn->GetFieldCount() == 4);
    CHECK(std::string(defn->GetFieldDefn(0)->GetNameRef()) == "facility_id");
    CHECK(defn->GetFieldDefn(0)->GetType() == OFTString);
    CHECK(std::string(defn->GetFieldDefn(2)->GetNameRef()) == "beds");
    CHECK(defn->GetFieldDefn(2)->GetType() == OFTInteger64);
    CHECK(defn->GetFieldDefn(3)->GetType() == OFTReal);
    if (std::atoi(GDALVersionInfo("VERSION_NUM")) >= 3070000)  // GDAL 3.7 reads gpkg_data_columns.name
      CHECK(std::string(defn->GetFieldDefn(1)->GetAlternativeNameRef()) == "机构名称");

    l.ResetReading();
    OGRFeatureUniquePtr f1(l.GetNextFeature());
    REQUIRE(f1);
    CHECK(f1->GetFID() == 1);
    CHECK(std::string(f1->GetFieldAsString("name")) == "庐阳区中医院");
    CHECK(f1->GetFieldAsInteger64("beds") == 120);
    CHECK(f1->GetFieldAsDouble("mean_time_min") == 12.5);
    const OGRPoint* p = f1->GetGeometryRef()->toPoint();
    CHECK(p->getX() == Approx(kLon).margin(1e-9));  // x = longitude in a GeoPackage
    CHECK(p->getY() == Approx(kLat).margin(1e-9));
    OGRFeatureUniquePtr f2(l.GetNextFeature());
    REQUIRE(f2);
    CHECK(std::string(f2->GetFieldAsString("facility_id")) == "F2");
    CHECK(f2->IsFieldNull(f2->GetFieldIndex("name")));
    CHECK(f2->IsFieldNull(f2->GetFieldIndex("mean_time_min")));  // NaN
    CHECK(f2->GetFieldAsInteger64("beds") == 0);
    OGRFeatureUniquePtr f3(l.GetNextFeature());
    REQUIRE(f3);
    CHECK(f3->IsFieldNull(f3->GetFieldIndex("beds")));
    CHECK(f3->IsFieldNull(f3->GetFieldIndex("mean_time_min")));  // +inf
  }

  SECTION("service areas: MultiPolygons, integers in a real field") {
    OGRLayer& l = in.layer("service_area_tcm_15min");
    CHECK(wkbFlatten(l.GetGeomType()) == wkbMultiPolygon);
    CHECK(l.GetFeatureCount() == 2);
    for (auto& f : l) {
      REQUIRE(f->GetGeometryRef() != nullptr);
      CHECK(wkbFlatten(f->GetGeometryRef()->getGeometryType()) == wkbMultiPolygon);
    }
    OGRFeatureUniquePtr f1(l.GetFeature(1));
    // The square 519…521 km E × 3519…3521 km N surrounds the reference point.
    OGREnvelope e;
    f1->GetGeometryRef()->getEnvelope(&e);
    CHECK(e.MinX < kLon);
    CHECK(e.MaxX > kLon);
    CHECK(e.MinY < kLat);
    CHECK(e.MaxY > kLat);
    CHECK(e.MaxX - e.MinX == Approx(2000.0 / (111320.0 * std::cos(kLat * M_PI / 180.0))).epsilon(0.01));
    OGRFeatureUniquePtr f2(l.GetFeature(2));
    CHECK(f2->GetFieldAsDouble("threshold_min") == 30.0);
    CHECK(f2->IsFieldNull(f2->GetFieldIndex("pop_covered")));
    CHECK(f2->GetGeometryRef()->toMultiPolygon()->getNumGeometries() == 2);
  }

  SECTION("a feature without geometry") {
    OGRLayer& l = in.layer("gap_tcm_15min");
    OGRFeatureUniquePtr f(l.GetFeature(1));
    REQUIRE(f);
    CHECK(f->GetGeometryRef() == nullptr);
    CHECK(in.query("SELECT identifier FROM gpkg_contents WHERE table_name = 'gap_tcm_15min'") ==
          std::vector<std::vector<std::string>>{{"gap_tcm_15min"}});  // no title: the name
  }

  SECTION("the fixed time, in the GeoPackage's format") {
    CHECK(in.query("SELECT DISTINCT substr(last_change, 1, 100) FROM gpkg_contents") ==
          std::vector<std::vector<std::string>>{{"2024-05-01T08:00:00.000Z"}});
  }

  SECTION("aliases in gpkg_data_columns") {
    const auto rows =
        in.query("SELECT table_name, column_name, name FROM gpkg_data_columns ORDER BY table_name, column_name");
    const std::vector<std::vector<std::string>> expected = {
        {"facilities", "beds", "床位数（张）"},
        {"facilities", "facility_id", "机构编号"},
        {"facilities", "mean_time_min", "平均时间（分钟）"},
        {"facilities", "name", "机构名称"},
        {"service_area_tcm_15min", "pop_covered", "覆盖人口（人）"},
        {"service_area_tcm_15min", "threshold_min", "时间阈值（分钟）"}};
    CHECK(rows == expected);
    CHECK(in.query("SELECT table_name, scope FROM gpkg_extensions WHERE extension_name = 'gpkg_schema' ORDER BY "
                   "table_name") ==
          std::vector<std::vector<std::string>>{{"gpkg_data_column_constraints", "read-write"},
                                                {"gpkg_data_columns", "read-write"}});
  }

  SECTION("layer_styles as QGIS reads it") {
    const auto rows = in.query("SELECT f_table_name, useAsDefault FROM layer_styles ORDER BY f_table_name", "OGRSQL");
    CHECK(rows == std::vector<std::vector<std::string>>{{"facilities", "1"}, {"service_area_tcm_15min", "1"}});
    // QGIS's query: f_table_schema = '' AND f_table_name = … AND f_geometry_column = … (see layers.cpp).
    const auto qgis_rows = in.query(
        "SELECT styleName, update_time, f_table_catalog, owner, styleQML FROM layer_styles WHERE "
        "f_table_schema = '' AND f_table_name = 'facilities' AND f_geometry_column = 'geom'");
    REQUIRE(qgis_rows.size() == 1);
    CHECK(qgis_rows[0][0] == "facilities");
    INFO(qgis_rows[0][1]);
    CHECK(qgis_rows[0][1].starts_with("2024/05/01 08:00:00"));
    CHECK(qgis_rows[0][2].empty());
    CHECK(qgis_rows[0][3].empty());
    const std::string& qml = qgis_rows[0][4];
    CHECK(qml.find("<alias field=\"name\" index=\"2\" name=\"机构名称\"/>") != std::string::npos);
    CHECK(qml.find("type=\"categorizedSymbol\"") != std::string::npos);
    const Xml xml(qml);
    CHECK(children_named(CPLGetXMLNode(xml.qgis(), "aliases"), "alias") == 4);
  }

  SECTION("ogrinfo reads the file") {
    if (!fs::exists("/usr/bin/ogrinfo")) {
      WARN("ogrinfo is not installed: not run");
    } else {
      const std::string command = "/usr/bin/ogrinfo -al -so '" + file.string() + "' > /dev/null 2>&1";
      CHECK(std::system(command.c_str()) == 0);
    }
  }
}

TEST_CASE("write_geopackage: same input and timestamp, same bytes; replaces an earlier file", "[layers]") {
  const TempDir dir;
  const auto layers = sample_layers();
  const GeoPackageOptions options{"2024-05-01T08:00:00Z"};
  write_geopackage(dir.path() / "a.gpkg", layers, analysis_crs(), output_crs(), options);
  write_geopackage(dir.path() / "b.gpkg", layers, analysis_crs(), output_crs(), options);
  CHECK(carereach::io::sha256_file(dir.path() / "a.gpkg") == carereach::io::sha256_file(dir.path() / "b.gpkg"));
  // Writing again over a.gpkg with fewer layers replaces it.
  write_geopackage(dir.path() / "a.gpkg", std::span<const LayerData>(layers.data(), 1), analysis_crs(), output_crs(),
                   options);
  const Dataset in(dir.path() / "a.gpkg");
  CHECK(in.ds->GetLayerCount() == 2);  // facilities and layer_styles
  CHECK(dir.files() == std::vector<std::string>{"a.gpkg", "b.gpkg"});
}

TEST_CASE("write_geopackage: without a timestamp, styles have a NULL update_time", "[layers]") {
  const TempDir dir;
  const fs::path file = dir.path() / "layers.gpkg";
  write_geopackage(file, sample_layers(), analysis_crs(), output_crs());
  const Dataset in(file);
  CHECK(in.query("SELECT count(*) FROM layer_styles WHERE update_time IS NULL") ==
        std::vector<std::vector<std::string>>{{"2"}});
}

TEST_CASE("write_geopackage: same CRS in and out writes coordinates unchanged", "[layers]") {
  const TempDir dir;
  const fs::path file = dir.path() / "projected.gpkg";
  LayerData points;
  points.name = "facilities";
  points.geometry_type = LayerData::GeometryType::kPoint;
  points.features.push_back({geo::Geometry::point(kE, kN), {}});
  write_geopackage(file, std::span<const LayerData>(&points, 1), analysis_crs(), analysis_crs());
  const Dataset in(file);
  OGRLayer& l = in.layer("facilities");
  CHECK(std::string(l.GetSpatialRef()->GetAuthorityCode(nullptr)) == "4548");
  OGRFeatureUniquePtr f(l.GetFeature(1));
  CHECK(f->GetGeometryRef()->toPoint()->getX() == kE);
  CHECK(f->GetGeometryRef()->toPoint()->getY() == kN);
  CHECK(in.ds->GetLayerByName("layer_styles") == nullptr);  // no style, no table
}

TEST_CASE("write_geopackage: errors name the file and leave the earlier file intact", "[layers]") {
  const TempDir dir;
  const fs::path file = dir.path() / "layers.gpkg";
  write_geopackage(file, sample_layers(), analysis_crs(), output_crs(), GeoPackageOptions{"2024-05-01T08:00:00Z"});
  const std::string before = carereach::io::sha256_file(file);
  const auto write = [&](std::vector<LayerData> layers) {
    return what_of([&] { write_geopackage(file, layers, analysis_crs(), output_crs()); });
  };

  auto layers = sample_layers();
  layers[1].name = "service area";
  std::string what = write(std::move(layers));
  CHECK(what.find(file.string()) != std::string::npos);
  CHECK(what.find("invalid layer name 'service area'") != std::string::npos);

  layers = sample_layers();
  layers[1].name = "FACILITIES";
  CHECK(write(std::move(layers)).find("two layers are named") != std::string::npos);

  layers = sample_layers();
  layers[0].fields[1].name = "FID";
  CHECK(write(std::move(layers)).find("reserved") != std::string::npos);

  layers = sample_layers();
  layers[0].features[1].values[2] = std::string("many");  // text in the integer field beds
  what = write(std::move(layers));
  CHECK(what.find("a text value for a integer field") != std::string::npos);
  CHECK(what.find("feature 2") != std::string::npos);
  CHECK(what.find("beds") != std::string::npos);

  layers = sample_layers();
  layers[0].features[0].values.pop_back();
  CHECK(write(std::move(layers)).find("3 values for 4 fields") != std::string::npos);

  layers = sample_layers();
  layers[0].features[0].geometry = geo::Geometry::from_wkt("POLYGON ((0 0, 1 0, 1 1, 0 0))");
  CHECK(write(std::move(layers)).find("the geometry is not a point") != std::string::npos);

  layers = sample_layers();
  layers[1].features[0].geometry = geo::Geometry::from_wkt("LINESTRING (0 0, 1 1)");
  CHECK(write(std::move(layers)).find("the geometry is not a polygon") != std::string::npos);

  CHECK(carereach::io::sha256_file(file) == before);              // nothing replaced
  CHECK(dir.files() == std::vector<std::string>{"layers.gpkg"});  // no temporary file left

  const fs::path missing = dir.path() / "no-such-folder" / "layers.gpkg";
  what = what_of([&] { write_geopackage(missing, sample_layers(), analysis_crs(), output_crs()); });
  CHECK(what.find(missing.string()) != std::string::npos);

  CHECK_THROWS_AS(write_geopackage(file, sample_layers(), analysis_crs(), output_crs(), GeoPackageOptions{"today"}),
                  std::invalid_argument);
}

TEST_CASE("write_geopackage: repeated titles and aliases are made distinct", "[layers]") {
  const TempDir dir;
  const fs::path file = dir.path() / "layers.gpkg";
  auto layers = sample_layers();
  layers[1].title_zh = layers[0].title_zh;
  layers[1].fields[1].alias_zh = layers[1].fields[0].alias_zh;
  write_geopackage(file, layers, analysis_crs(), output_crs());
  const Dataset in(file);
  CHECK(std::string(in.layer("service_area_tcm_15min").GetMetadataItem("IDENTIFIER")) ==
        "医疗卫生机构 (service_area_tcm_15min)");
  CHECK(in.query("SELECT name FROM gpkg_data_columns WHERE column_name = 'pop_covered'") ==
        std::vector<std::vector<std::string>>{{"时间阈值（分钟） (pop_covered)"}});
}

// ---------------------------------------------------------------------------------------------------------------
// QML builders

TEST_CASE("qgis styles: colours", "[qgis_styles]") {
  const qgis::Colour c = qgis::colour("#1B9e77");
  CHECK((c.r == 0x1b && c.g == 0x9e && c.b == 0x77 && c.a == 255));
  CHECK(qgis::colour("#ff000080").a == 0x80);
  CHECK_THROWS_AS(qgis::colour("red"), std::invalid_argument);
  CHECK_THROWS_AS(qgis::colour("#12345g"), std::invalid_argument);
}

TEST_CASE("qgis styles: graduated fill with a no-data class", "[qgis_styles]") {
  qgis::GraduatedFill style;
  style.field = "share_covered";
  style.classes = {{0.0, 0.5, qgis::colour("#d7191c"), "<50%"},
                   {0.5, 0.8, qgis::colour("#fdae61"), "50%–80%"},
                   {0.8, 1.0, qgis::colour("#1a9641"), "≥80% & more"}};
  style.labels = qgis::Labels{"name"};
  const std::string qml = qgis::graduated_fill_qml(style);
  const Xml xml(qml);
  const CPLXMLNode* renderer = CPLGetXMLNode(xml.qgis(), "renderer-v2");
  REQUIRE(renderer != nullptr);
  CHECK(std::string(CPLGetXMLValue(renderer, "type", "")) == "graduatedSymbol");
  // NULL becomes -1 (one below the lowest bound), the no-data class [-1, -1] comes last.
  CHECK(std::string(CPLGetXMLValue(renderer, "attr", "")) == "coalesce(\"share_covered\", -1)");
  const CPLXMLNode* ranges = CPLGetXMLNode(renderer, "ranges");
  CHECK(children_named(ranges, "range") == 4);
  CHECK(children_named(CPLGetXMLNode(renderer, "symbols"), "symbol") == 4);
  const CPLXMLNode* first = CPLGetXMLNode(ranges, "range");
  CHECK(std::string(CPLGetXMLValue(first, "label", "")) == "<50%");  // escaped in the file, read back
  CHECK(std::string(CPLGetXMLValue(first, "upper", "")) == "0.5");
  CHECK(qml.find("label=\"无数据\" lower=\"-1\" render=\"true\" symbol=\"3\" upper=\"-1\"") != std::string::npos);
  CHECK(qml.find("≥80% &amp; more") != std::string::npos);
  CHECK(std::string(CPLGetXMLValue(xml.qgis(), "labelsEnabled", "")) == "1");
  CHECK(std::string(CPLGetXMLValue(xml.qgis(), "labeling.settings.text-style.fieldName", "")) == "name");
  CHECK(std::string(CPLGetXMLValue(xml.qgis(), "layerGeometryType", "")) == "2");

  style.classes[1].lower = std::numeric_limits<double>::quiet_NaN();
  CHECK_THROWS_AS(qgis::graduated_fill_qml(style), std::invalid_argument);
  style.classes.clear();
  CHECK_THROWS_AS(qgis::graduated_fill_qml(style), std::invalid_argument);
}

TEST_CASE("qgis styles: categorized, single and marker styles", "[qgis_styles]") {
  const std::string categorized = qgis::categorized_fill_qml(
      {"coverage_class", {{"met", qgis::colour("#1a9641"), "达标"}, {"", qgis::colour("#cccccc"), "其他"}}, {}, {}});
  {
    const Xml xml(categorized);
    CHECK(std::string(CPLGetXMLValue(xml.qgis(), "renderer-v2.type", "")) == "categorizedSymbol");
    CHECK(children_named(CPLGetXMLNode(xml.qgis(), "renderer-v2.categories"), "category") == 2);
    CHECK(std::string(CPLGetXMLValue(xml.qgis(), "labelsEnabled", "")) == "0");
    CHECK(CPLGetXMLNode(xml.qgis(), "labeling") == nullptr);
  }
  const std::string single = qgis::single_fill_qml({});
  {
    const Xml xml(single);
    CHECK(std::string(CPLGetXMLValue(xml.qgis(), "renderer-v2.type", "")) == "singleSymbol");
    CHECK(single.find("<prop k=\"color\" v=\"49,130,189,90\"/>") != std::string::npos);  // semi-transparent
  }
  qgis::CategorizedMarker marker;
  marker.field = "type";
  marker.categories = {{"综合医院", qgis::colour("#e41a1c"), "综合医院"},
                       {"中医医院", qgis::colour("#4daf4a"), "中医医院"}};
  const std::string markers = qgis::categorized_marker_qml(marker);
  {
    const Xml xml(markers);
    CHECK(std::string(CPLGetXMLValue(xml.qgis(), "layerGeometryType", "")) == "0");
    CHECK(markers.find("class=\"SimpleMarker\"") != std::string::npos);
    CHECK(markers.find("<prop k=\"color\" v=\"228,26,28,255\"/>") != std::string::npos);
  }
  marker.categories.clear();
  CHECK_THROWS_AS(qgis::categorized_marker_qml(marker), std::invalid_argument);
}

TEST_CASE("qgis styles: field aliases", "[qgis_styles]") {
  const std::string qml = qgis::single_fill_qml({});
  const std::vector<qgis::FieldAlias> aliases = {{"pop", "人口"}, {"code", ""}, {"a\"b", "x<y"}};
  const std::string with = qgis::with_field_aliases(qml, aliases);
  const Xml xml(with);
  CHECK(children_named(CPLGetXMLNode(xml.qgis(), "aliases"), "alias") == 2);
  CHECK(with.find("<alias field=\"pop\" index=\"1\" name=\"人口\"/>") != std::string::npos);
  CHECK(with.find("<alias field=\"a&quot;b\" index=\"3\" name=\"x&lt;y\"/>") != std::string::npos);
  CHECK(qgis::with_field_aliases(with, aliases) == with);  // already has aliases
  CHECK(qgis::with_field_aliases("", aliases).empty());
}

TEST_CASE("read_geopackage_layer: what write_geopackage wrote, back in the analysis CRS", "[layers]") {
  const TempDir dir;
  const fs::path file = dir.path() / "layers.gpkg";
  write_geopackage(file, sample_layers(), analysis_crs(), output_crs(), GeoPackageOptions{"2024-05-01T08:00:00Z"});

  const auto facilities = read_geopackage_layer(file, "facilities", output_crs(), analysis_crs());
  REQUIRE(facilities);
  CHECK(facilities->geometry_type == LayerData::GeometryType::kPoint);
  REQUIRE(facilities->fields.size() == 4);
  CHECK(facilities->fields[1].name == "name");
  CHECK(facilities->fields[2].type == FieldDef::Type::kInteger);
  CHECK(facilities->fields[3].type == FieldDef::Type::kReal);
  REQUIRE(facilities->features.size() == 3);
  // The round trip 4548 → 4490 → 4548 lands on the written point within a millimetre.
  const auto [x, y] = facilities->features[0].geometry.centroid();
  CHECK(x == Approx(kE).margin(1e-3));
  CHECK(y == Approx(kN).margin(1e-3));
  CHECK(std::get<std::string>(facilities->features[0].values[1]) == "庐阳区中医院");
  CHECK(std::get<std::int64_t>(facilities->features[0].values[2]) == 120);
  CHECK(std::get<double>(facilities->features[0].values[3]) == 12.5);
  // NULLs (a missing name, a NaN, an infinity written as NULL) read back as NULL.
  CHECK(std::holds_alternative<std::monostate>(facilities->features[1].values[1]));
  CHECK(std::holds_alternative<std::monostate>(facilities->features[1].values[3]));
  CHECK(std::holds_alternative<std::monostate>(facilities->features[2].values[3]));

  const auto area = read_geopackage_layer(file, "service_area_tcm_15min", output_crs(), analysis_crs());
  REQUIRE(area);
  REQUIRE(area->features.size() == 2);
  // 2 km × 2 km, and two right triangles of 0.5 km² each.
  CHECK(area->features[0].geometry.area() == Approx(4.0e6).epsilon(1e-6));
  CHECK(area->features[1].geometry.area() == Approx(1.0e6).epsilon(1e-6));

  CHECK_FALSE(read_geopackage_layer(file, "no_such_layer", output_crs(), analysis_crs()));
  CHECK_THROWS_AS(read_geopackage_layer(dir.path() / "missing.gpkg", "facilities", output_crs(), analysis_crs()),
                  carereach::InputError);
}
