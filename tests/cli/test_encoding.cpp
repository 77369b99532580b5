// Inputs in the text encodings Chinese offices use: validate reports how each was read, run writes the names
// correctly into tables/*.csv, layers.gpkg and run.json (before, a GBK GeoJSON or a Shapefile without .cpg
// passed validate and then failed at the very end with exit 1 while run.json was written), and text in no
// known encoding is refused with exit 4 naming the row, the field and the bytes.
//
// GBK bytes are written by hand from the GB 2312 table: 甲县 BCD7 CFD8, 乙县 D2D2 CFD8,
// 乙县中医院 D2D2 CFD8 D6D0 D2BD D4BA, 中医医院 D6D0 D2BD D2BD D4BA, 县级医院 CFD8 BCB6 D2BD D4BA.

#include <gdal_priv.h>
#include <ogrsf_frmts.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

#include "fixture.hpp"

using namespace carereach::test;
namespace fs = std::filesystem;

namespace {

const std::string kJiaXianGbk = "\xBC\xD7\xCF\xD8";  // 甲县
const std::string kYiXianGbk = "\xD2\xD2\xCF\xD8";   // 乙县

std::string gbk_zones() {
  return replace_all(replace_all(Fixture::zones_geojson(), "甲县", kJiaXianGbk), "乙县", kYiXianGbk);
}

/// The facilities of the fixture with row 3 (F2) in GBK and the others in UTF-8.
std::string mixed_facilities() {
  return "机构代码,机构名称,机构类别,标签,经度,纬度\n"
         "F1,甲镇卫生院,乡镇卫生院,中医馆,116.05,33.55\n"
         "F2,\xD2\xD2\xCF\xD8\xD6\xD0\xD2\xBD\xD4\xBA,\xD6\xD0\xD2\xBD\xD2\xBD\xD4\xBA,"
         "\xCF\xD8\xBC\xB6\xD2\xBD\xD4\xBA,116.15,33.55\n"
         "F3,丙村卫生室,村卫生室,,116.12,33.52\n";
}

nlohmann::json warning_with_code(const nlohmann::json& run, const std::string& code) {
  for (const auto& w : run.at("warnings"))
    if (w.at("code") == code) return w;
  return nullptr;
}

std::set<std::string> facility_names(const fs::path& gpkg) {
  GDALAllRegister();
  GDALDatasetUniquePtr ds(GDALDataset::Open(gpkg.string().c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
  REQUIRE(ds);
  OGRLayer* layer = ds->GetLayerByName("facilities");
  REQUIRE(layer != nullptr);
  std::set<std::string> names;
  for (auto& f : *layer) names.insert(f->GetFieldAsString("name"));
  return names;
}

/// Runs `run` and checks the outputs exist and run.json is valid JSON.
nlohmann::json run_ok(const Fixture& fx, const fs::path& out) {
  const auto r = run_cli({"run", fx.scenario(), "--out", out.string()});
  INFO(r.all());
  REQUIRE(r.code == 0);
  return nlohmann::json::parse(slurp(out / "run.json"));
}

/// A Shapefile of the fixture's two counties written in CP936 (GBK), then stripped of its declaration as Chinese
/// office software writes it: DBF language-driver byte 29 = 0 and no .cpg.
void write_gbk_shapefile(const fs::path& shp) {
  GDALAllRegister();
  GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("ESRI Shapefile");
  GDALDatasetUniquePtr ds(drv->Create(shp.string().c_str(), 0, 0, 0, GDT_Unknown, nullptr));
  REQUIRE(ds);
  OGRSpatialReference wgs84;
  wgs84.importFromEPSG(4326);
  wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  CPLStringList lco;
  lco.AddNameValue("ENCODING", "CP936");
  OGRLayer* layer = ds->CreateLayer("zones", &wgs84, wkbPolygon, lco.List());
  REQUIRE(layer != nullptr);
  OGRFieldDefn code("code", OFTString);
  OGRFieldDefn name("name", OFTString);
  REQUIRE(layer->CreateField(&code) == OGRERR_NONE);
  REQUIRE(layer->CreateField(&name) == OGRERR_NONE);
  const std::tuple<const char*, const char*, double> rows[] = {{"100001", "甲县", 116.0}, {"100002", "乙县", 116.1}};
  for (const auto& [c, n, x0] : rows) {
    OGRFeature f(layer->GetLayerDefn());
    f.SetField(0, c);
    f.SetField(1, n);
    OGRLinearRing ring;
    ring.addPoint(x0, 33.5);
    ring.addPoint(x0 + 0.1, 33.5);
    ring.addPoint(x0 + 0.1, 33.6);
    ring.addPoint(x0, 33.6);
    ring.addPoint(x0, 33.5);
    OGRPolygon poly;
    poly.addRing(&ring);
    f.SetGeometry(&poly);
    REQUIRE(layer->CreateFeature(&f) == OGRERR_NONE);
  }
  ds.reset();
  fs::path dbf = shp;
  dbf.replace_extension(".dbf");
  std::string bytes = slurp(dbf);
  REQUIRE(bytes.find(kJiaXianGbk) != std::string::npos);  // really GBK
  bytes[29] = '\0';
  std::ofstream(dbf, std::ios::binary) << bytes;
  fs::path cpg = shp;
  cpg.replace_extension(".cpg");
  fs::remove(cpg);
}

}  // namespace

TEST_CASE("encoding: a GBK GeoJSON of zones is read with a warning and its names reach every output",
          "[cli][encoding]") {
  Fixture fx;
  fx.set_zones(gbk_zones());
  const auto v = run_cli({"validate", fx.scenario()});
  INFO(v.all());
  CHECK(v.code == 0);
  CHECK_THAT(v.out, Catch::Contains("zones.geojson") && Catch::Contains("read as GB18030 (GBK)") &&
                        Catch::Contains("encoding = \"gbk\""));
  const auto out = fx.dir / "out";
  const auto run = run_ok(fx, out);
  const std::string coverage = slurp(out / "tables" / "coverage_county.csv");
  CHECK_THAT(coverage, Catch::Contains(",甲县,") && Catch::Contains(",乙县,"));
  CHECK_THAT(run.dump(), Catch::Contains("甲县") && Catch::Contains("乙县"));
  const auto w = warning_with_code(run, "input.encoding_detected");
  REQUIRE_FALSE(w.is_null());
  CHECK(w.at("where").at("file") == "zones.geojson");

  // Declared: read the same, without the warning.
  fx.set_scenario(replace_all(Fixture::scenario_toml(), "source = \"zones.geojson\"",
                              "source = \"zones.geojson\"\nencoding = \"gbk\""));
  const auto declared = run_ok(fx, fx.dir / "out-declared");
  CHECK(warning_with_code(declared, "input.encoding_detected").is_null());
  CHECK_THAT(slurp(fx.dir / "out-declared" / "tables" / "coverage_county.csv"), Catch::Contains(",甲县,"));
}

TEST_CASE("encoding: a GBK Shapefile without .cpg is read with a warning", "[cli][encoding]") {
  Fixture fx;
  write_gbk_shapefile(fx.dir / "zones.shp");
  fx.set_scenario(replace_all(Fixture::scenario_toml(), "zones.geojson", "zones.shp"));
  const auto v = run_cli({"validate", fx.scenario()});
  INFO(v.all());
  CHECK(v.code == 0);
  CHECK_THAT(v.out,
             Catch::Contains("zones.shp") && Catch::Contains("read as GB18030 (GBK)") && Catch::Contains("zones.cpg"));
  const auto out = fx.dir / "out";
  const auto run = run_ok(fx, out);
  CHECK_THAT(slurp(out / "tables" / "coverage_county.csv"), Catch::Contains(",甲县,") && Catch::Contains(",乙县,"));
  CHECK_THAT(run.dump(), Catch::Contains("甲县"));
  CHECK_FALSE(warning_with_code(run, "input.encoding_detected").is_null());
}

TEST_CASE("encoding: a CSV mixing UTF-8 and GBK rows is read row by row, with a warning naming the rows",
          "[cli][encoding]") {
  Fixture fx;
  fx.set_facilities(mixed_facilities());
  const auto v = run_cli({"validate", fx.scenario()});
  INFO(v.all());
  CHECK(v.code == 0);
  CHECK_THAT(v.out,
             Catch::Contains("facilities.csv") && Catch::Contains("mixes encodings") && Catch::Contains("row 3"));
  const auto out = fx.dir / "out";
  const auto run = run_ok(fx, out);
  CHECK(facility_names(out / "layers.gpkg") == std::set<std::string>{"甲镇卫生院", "乙县中医院", "丙村卫生室"});
  const auto w = warning_with_code(run, "input.encoding_mixed");
  REQUIRE_FALSE(w.is_null());
  CHECK(w.at("where").at("file") == "facilities.csv");
}

TEST_CASE("encoding: Excel's \"Unicode text\" (UTF-16LE, tabs, .txt) is read", "[cli][encoding]") {
  Fixture fx;
  const std::u16string table =
      u"机构代码\t机构名称\t机构类别\t标签\t经度\t纬度\r\n"
      u"F1\t甲镇卫生院\t乡镇卫生院\t中医馆\t116.05\t33.55\r\n"
      u"F2\t乙县中医院\t中医医院\t县级医院\t116.15\t33.55\r\n";
  std::string bytes = "\xFF\xFE";
  for (char16_t c : table) {
    bytes += static_cast<char>(c & 0xFF);
    bytes += static_cast<char>(c >> 8);
  }
  fx.dir.write("facilities.txt", bytes);
  fx.set_scenario(replace_all(Fixture::scenario_toml(), "facilities.csv", "facilities.txt"));
  const auto out = fx.dir / "out";
  run_ok(fx, out);
  CHECK(facility_names(out / "layers.gpkg") == std::set<std::string>{"甲镇卫生院", "乙县中医院"});
}

TEST_CASE("encoding: text in no known encoding is refused with exit 4, naming row, field and bytes",
          "[cli][encoding]") {
  Fixture fx;
  // "Café" in Latin-1 (E9): neither UTF-8 nor GBK.
  fx.set_facilities(replace_all(Fixture::facilities_csv(), "乙县中医院", "Caf\xE9"));
  const auto v = run_cli({"validate", fx.scenario()});
  INFO(v.all());
  CHECK(v.code == 4);
  CHECK_THAT(v.out + v.err, Catch::Contains("facilities.csv, row 3, field '机构名称'") &&
                                Catch::Contains("neither UTF-8 nor GB18030") && Catch::Contains("bytes E9"));
  const auto out = fx.dir / "out";
  const auto r = run_cli({"run", fx.scenario(), "--out", out.string()});
  CHECK(r.code == 4);
  CHECK_FALSE(fs::exists(out));
}

TEST_CASE("encoding: an unknown encoding value is a scenario error naming the key", "[cli][encoding]") {
  Fixture fx;
  fx.set_scenario(
      replace_all(Fixture::scenario_toml(), "crs = \"EPSG:4326\"", "crs = \"EPSG:4326\"\nencoding = \"latin1\""));
  const auto v = run_cli({"validate", fx.scenario()});
  INFO(v.all());
  CHECK(v.code == 3);
  CHECK_THAT(v.err, Catch::Contains("facilities[0].encoding") && Catch::Contains("latin1") && Catch::Contains("gbk") &&
                        Catch::Contains("utf-16"));
}

TEST_CASE("encoding: convert-coords decodes GeoJSON, UTF-16 and Big5 inputs the same way", "[cli][encoding]") {
  TempDir dir;
  {  // a GBK GeoJSON: detected, with the warning; the output is UTF-8
    const auto in =
        dir.write("pts.geojson", R"({"type":"FeatureCollection","features":[{"type":"Feature",)"
                                 R"("properties":{"name":")" +
                                     kJiaXianGbk + R"("},"geometry":{"type":"Point","coordinates":[116.4,39.9]}}]})");
    const auto out = dir / "out.geojson";
    const auto r = run_cli({"convert-coords", "--from", "gcj02", "--to", "EPSG:4326", in.string(), out.string()});
    INFO(r.all());
    REQUIRE(r.code == 0);
    CHECK_THAT(r.all(), Catch::Contains("read as GB18030 (GBK)"));
    const auto json = nlohmann::json::parse(slurp(out));
    CHECK(json.at("features").at(0).at("properties").at("name") == "甲县");
  }
  {  // UTF-16LE with a byte-order mark
    const std::u16string table = u"名称,经度,纬度\r\n甲,116.41024449916938,39.91640428150164\r\n";
    std::string bytes = "\xFF\xFE";
    for (char16_t c : table) {
      bytes += static_cast<char>(c & 0xFF);
      bytes += static_cast<char>(c >> 8);
    }
    const auto in = dir.write("u16.csv", bytes);
    const auto out = dir / "u16_out.csv";
    const auto r = run_cli({"convert-coords", "--from", "gcj02", "--to", "EPSG:4326", "--x-field", "经度", "--y-field",
                            "纬度", in.string(), out.string()});
    INFO(r.all());
    REQUIRE(r.code == 0);
    CHECK_THAT(slurp(out), Catch::Contains("名称,经度,纬度") && Catch::Contains("甲,116.404"));
  }
  {  // Big5 (中文 A4A4 A4E5), declared
    const auto in = dir.write("big5.csv", "name,x,y\n\xA4\xA4\xA4\xE5,116.41024449916938,39.91640428150164\n");
    const auto out = dir / "big5_out.csv";
    const auto r = run_cli({"convert-coords", "--encoding", "big5", "--from", "gcj02", "--to", "EPSG:4326", "--x-field",
                            "x", "--y-field", "y", in.string(), out.string()});
    INFO(r.all());
    REQUIRE(r.code == 0);
    CHECK_THAT(slurp(out), Catch::Contains("中文,116.404"));
  }
  {  // a GeoPackage whose writer stored GBK bytes: refused, not copied
    GDALAllRegister();
    const auto bad = dir / "bad.gpkg";
    {
      GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GPKG");
      GDALDatasetUniquePtr ds(drv->Create(bad.string().c_str(), 0, 0, 0, GDT_Unknown, nullptr));
      OGRSpatialReference wgs84;
      wgs84.importFromEPSG(4326);
      OGRLayer* layer = ds->CreateLayer("pts", &wgs84, wkbPoint, nullptr);
      OGRFieldDefn name("name", OFTString);
      REQUIRE(layer->CreateField(&name) == OGRERR_NONE);
      OGRFeature f(layer->GetLayerDefn());
      f.SetField(0, kJiaXianGbk.c_str());
      OGRPoint p(116.4, 39.9);
      f.SetGeometry(&p);
      REQUIRE(layer->CreateFeature(&f) == OGRERR_NONE);
    }
    const auto out = dir / "bad_out.geojson";
    const auto r = run_cli({"convert-coords", "--to", "EPSG:3857", bad.string(), out.string()});
    INFO(r.all());
    CHECK(r.code == 4);
    CHECK_THAT(r.err, Catch::Contains("bad.gpkg, feature 1, field 'name'") && Catch::Contains("BC D7 CF D8"));
    CHECK_FALSE(fs::exists(out));
  }
  {  // an encoding a GeoPackage cannot have is a usage error
    const auto in = dir / "out.geojson";
    const auto gpkg = dir / "p.gpkg";
    REQUIRE(run_cli({"convert-coords", "--to", "EPSG:4326", in.string(), gpkg.string()}).code == 0);
    const auto r = run_cli(
        {"convert-coords", "--encoding", "gbk", "--to", "EPSG:3857", gpkg.string(), (dir / "p2.gpkg").string()});
    INFO(r.all());
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("--encoding") && Catch::Contains(".gpkg"));
  }
}
