// Text encodings of inputs: every vector source is decoded into UTF-8 when it is opened (GBK GeoJSON, GBK
// Shapefiles without a .cpg, CSV tables mixing UTF-8 and GBK rows, Excel's UTF-16 "Unicode text"), or refused
// with the file, feature, field and bytes; and no text that is not UTF-8 gets past VectorSource::text().
//
// The GBK, Big5 and UTF-16 bytes are written by hand from the code tables (GB 2312 / Big5; checked against
// Python's codecs when the test was written), and every expected string is a UTF-8 literal:
//   亳州 D9F1 D6DD   谯城区 DADB B3C7 C7F8   涡阳县 CED0 D1F4 CFD8   名称 C3FB B3C6   卫生院 CEC0 C9FA D4BA
//   甲 BCD7   乙 D2D2   专业 D7A8 D2B5 (bytes that happen to be valid UTF-8: "רҵ", Hebrew and Cyrillic)
//   Big5: 中文 A4A4 A4E5

#include <catch2/catch.hpp>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/diagnostics.hpp"
#include "core/error.hpp"
#include "io/scenario.hpp"
#include "io/text_encoding.hpp"
#include "io/vector_source.hpp"
#include "temp_dir.hpp"

using carereach::Diagnostics;
using carereach::InputError;
using carereach::ScenarioError;
using carereach::io::SourceSpec;
using carereach::io::TextEncoding;
using carereach::io::VectorSource;
using carereach::test::TempDir;
namespace io = carereach::io;
namespace fs = std::filesystem;

namespace {

const std::string kBozhouGbk = "\xD9\xF1\xD6\xDD";             // 亳州
const std::string kQiaochengGbk = "\xDA\xDB\xB3\xC7\xC7\xF8";  // 谯城区
const std::string kGuoyangGbk = "\xCE\xD0\xD1\xF4\xCF\xD8";    // 涡阳县
const std::string kNameGbk = "\xC3\xFB\xB3\xC6";               // 名称
const std::string kClinicGbk = "\xCE\xC0\xC9\xFA\xD4\xBA";     // 卫生院

SourceSpec spec_for(const fs::path& p, const std::string& encoding = {}) {
  SourceSpec s;
  s.path = p;
  s.path_as_written = p.filename().string();
  s.key = "zones[0]";
  s.encoding = encoding;
  return s;
}

/// The value of `field` of every feature, in order, read through VectorSource::text().
std::vector<std::string> column(VectorSource& src, const std::string& field) {
  const int i = src.field_index(field, "test");
  std::vector<std::string> out;
  for (auto& f : src.layer()) out.push_back(VectorSource::text(*f, i));
  return out;
}

std::string geojson(const std::vector<std::pair<std::string, std::string>>& code_name) {
  std::string s = R"({"type":"FeatureCollection","features":[)";
  for (std::size_t i = 0; i < code_name.size(); ++i) {
    if (i) s += ",";
    s += R"({"type":"Feature","properties":{"code":")" + code_name[i].first + R"(","name":")" + code_name[i].second +
         R"("},"geometry":{"type":"Point","coordinates":[116.0,33.5]}})";
  }
  return s + "]}";
}

template <class E, class F>
E expect_error(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e;
  }
  FAIL("the expected error was not thrown");
  throw;
}

std::string read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// A point Shapefile with fields code and 名称 written by GDAL in CP936 (GBK); then, like the files Chinese
/// office software writes, its DBF declares no encoding: language-driver byte 29 is 0 and there is no .cpg.
fs::path gbk_shapefile(const TempDir& dir, const std::string& stem, bool keep_cpg = false) {
  carereach::io::ensure_gdal();
  const fs::path shp = dir / (stem + ".shp");
  GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("ESRI Shapefile");
  GDALDatasetUniquePtr ds(drv->Create(shp.string().c_str(), 0, 0, 0, GDT_Unknown, nullptr));
  REQUIRE(ds);
  CPLStringList lco;
  lco.AddNameValue("ENCODING", "CP936");
  OGRSpatialReference wgs84;
  wgs84.importFromEPSG(4326);
  OGRLayer* layer = ds->CreateLayer(stem.c_str(), &wgs84, wkbPoint, lco.List());
  REQUIRE(layer != nullptr);
  OGRFieldDefn code("code", OFTString);
  OGRFieldDefn name("名称", OFTString);
  REQUIRE(layer->CreateField(&code) == OGRERR_NONE);
  REQUIRE(layer->CreateField(&name) == OGRERR_NONE);
  const std::pair<const char*, const char*> rows[] = {{"341602", "谯城区"}, {"341621", "涡阳县"}};
  for (const auto& [c, n] : rows) {
    OGRFeature f(layer->GetLayerDefn());
    f.SetField(0, c);
    f.SetField(1, n);
    OGRPoint p(116.0, 33.5);
    f.SetGeometry(&p);
    REQUIRE(layer->CreateFeature(&f) == OGRERR_NONE);
  }
  ds.reset();
  const fs::path dbf = dir / (stem + ".dbf");
  std::string bytes = read_bytes(dbf);
  // The names really are stored as GBK bytes.
  REQUIRE(bytes.find(kQiaochengGbk) != std::string::npos);
  REQUIRE(bytes.find(kNameGbk) != std::string::npos);
  bytes[29] = '\0';
  std::ofstream(dbf, std::ios::binary) << bytes;
  if (!keep_cpg) fs::remove(dir / (stem + ".cpg"));
  return shp;
}

std::string utf16(const std::u16string& text, bool little_endian, bool bom) {
  std::string out;
  auto put = [&](char16_t c) {
    const char lo = static_cast<char>(c & 0xFF);
    const char hi = static_cast<char>(c >> 8);
    out += little_endian ? lo : hi;
    out += little_endian ? hi : lo;
  };
  if (bom) put(u'\uFEFF');
  for (char16_t c : text) put(c);
  return out;
}

}  // namespace

TEST_CASE("encoding values: the documented names and their aliases", "[io][encoding]") {
  CHECK(io::parse_text_encoding("") == TextEncoding::kAuto);
  CHECK(io::parse_text_encoding("auto") == TextEncoding::kAuto);
  CHECK(io::parse_text_encoding("UTF-8") == TextEncoding::kUtf8);
  CHECK(io::parse_text_encoding("utf8") == TextEncoding::kUtf8);
  for (const char* gbk : {"gbk", "GBK", "gb18030", "gb2312", "cp936", "GB_18030"})
    CHECK(io::parse_text_encoding(gbk) == TextEncoding::kGb18030);
  CHECK(io::parse_text_encoding("big5") == TextEncoding::kBig5);
  CHECK(io::parse_text_encoding("cp950") == TextEncoding::kBig5);
  CHECK(io::parse_text_encoding("utf-16") == TextEncoding::kUtf16);
  CHECK(io::parse_text_encoding("UTF-16LE") == TextEncoding::kUtf16Le);
  CHECK(io::parse_text_encoding("utf-16be") == TextEncoding::kUtf16Be);
  CHECK_FALSE(io::parse_text_encoding("latin1"));
  CHECK_FALSE(io::parse_text_encoding("utf-32"));
}

TEST_CASE("UTF-8 validation is strict and finds the first bad byte", "[io][encoding]") {
  CHECK(io::is_utf8("亳州市 ABC"));
  CHECK(io::first_invalid_utf8("ab" + kBozhouGbk) == 2);
  CHECK(io::first_invalid_utf8("\xC0\xAF") == 0);          // overlong '/'
  CHECK(io::first_invalid_utf8("x\xED\xA0\x80") == 1);     // a UTF-16 surrogate
  CHECK(io::first_invalid_utf8("\xF4\x90\x80\x80") == 0);  // above U+10FFFF
  CHECK(io::first_invalid_utf8("\xE4\xBA") == 0);          // cut off
  CHECK(io::hex_bytes("ab" + kBozhouGbk + "cd", 2) == "D9 F1 D6 DD");
  CHECK(io::printable("a" + kBozhouGbk) == "a\\xD9\\xF1\\xD6\\xDD");
}

TEST_CASE("decoding GBK, Big5 and UTF-16 into UTF-8", "[io][encoding]") {
  io::Decoder gb("GB18030");
  CHECK(gb(kBozhouGbk) == std::optional<std::string>("亳州"));
  CHECK(gb("A" + kQiaochengGbk + "\n") == std::optional<std::string>("A谯城区\n"));
  std::size_t bad = 99;
  CHECK_FALSE(gb("ok\xFF", &bad));
  CHECK(bad == 2);
  io::Decoder big5("CP950");
  CHECK(big5("\xA4\xA4\xA4\xE5") == std::optional<std::string>("中文"));
  io::Decoder le("UTF-16LE");
  CHECK(le(utf16(u"名称\t甲", true, false)) == std::optional<std::string>("名称\t甲"));
}

TEST_CASE("Chinese UTF-8 is told from GBK bytes that happen to be valid UTF-8", "[io][encoding]") {
  CHECK(io::reads_as_chinese_utf8("F1,甲镇卫生院，（中医馆）·①,116.05\n"));
  const std::string zhuanye_gbk = "\xD7\xA8\xD2\xB5";  // 专业 in GBK; as UTF-8: U+05E8 U+04B5
  REQUIRE(io::is_utf8(zhuanye_gbk));
  CHECK_FALSE(io::reads_as_chinese_utf8(zhuanye_gbk));
}

TEST_CASE("CSV records: quoted fields may hold line breaks; blank lines are not rows", "[io][encoding]") {
  const std::string text = "a,b\n1,\"x\ny\"\n\n2,3\r\n4,\"5\"";
  const auto r = io::split_csv_records(text);
  REQUIRE(r.size() == 5);
  CHECK(text.substr(r[1].begin, r[1].end - r[1].begin) == "1,\"x\ny\"\n");
  CHECK(r[0].row == 1);
  CHECK(r[1].row == 2);
  CHECK(r[1].line == 2);
  CHECK(r[2].row == 0);  // blank
  CHECK(r[3].row == 3);
  CHECK(r[3].line == 5);
  CHECK(r[4].row == 4);
  CHECK(io::csv_separator("名称;经度;纬度") == ';');
  CHECK(io::csv_separator("\"a,b\"\tc") == '\t');
  CHECK(io::csv_field_at("x,\"a,b\",c", ',', 8) == 2);
  CHECK(io::csv_fields("x,\"a \"\"b\"\"\",c\r\n", ',') == std::vector<std::string>{"x", "a \"b\"", "c"});
}

TEST_CASE("a GBK GeoJSON is read as GB18030 with a warning, or silently when declared", "[io][encoding]") {
  TempDir dir;
  const auto p = dir.write("zones.geojson", geojson({{"341602", kQiaochengGbk}, {"341621", kGuoyangGbk}}));
  {
    Diagnostics diag;
    VectorSource src(spec_for(p), diag);
    CHECK(column(src, "name") == std::vector<std::string>{"谯城区", "涡阳县"});
    CHECK(src.recoded());
    CHECK(src.layer_name() == "zones");
    REQUIRE(diag.count("input.encoding_detected") == 1);
    const auto& w = diag.all().front();
    CHECK(w.where.file == "zones.geojson");
    CHECK_THAT(w.hint, Catch::Contains("encoding = \"gbk\"") && Catch::Contains("zones[0]"));
  }
  for (const char* declared : {"gbk", "GB18030", "cp936"}) {
    Diagnostics diag;
    VectorSource src(spec_for(p, declared), diag);
    CHECK(column(src, "name") == std::vector<std::string>{"谯城区", "涡阳县"});
    CHECK(diag.all().empty());
  }
  // Declared UTF-8: refused, naming the feature, the field and the bytes, and saying it reads as GBK.
  Diagnostics diag;
  const auto e = expect_error<InputError>([&] { VectorSource src(spec_for(p, "utf-8"), diag); });
  CHECK(e.where().file == "zones.geojson");
  CHECK(e.where().feature == "feature 0");
  CHECK(e.where().field == "name");
  CHECK_THAT(e.message(), Catch::Contains("DA DB B3 C7 C7 F8") && Catch::Contains("not valid UTF-8"));
  CHECK_THAT(e.hint(), Catch::Contains("GBK") && Catch::Contains("encoding = \"gbk\""));
}

TEST_CASE("text that is neither UTF-8 nor GBK is refused with feature, field and bytes", "[io][encoding]") {
  TempDir dir;
  // "Café" in Latin-1: E9 followed by a quote is no GB18030 sequence.
  const auto p = dir.write("zones.geojson", geojson({{"1", "ok"}, {"2", "Caf\xE9"}}));
  Diagnostics diag;
  const auto e = expect_error<InputError>([&] { VectorSource src(spec_for(p), diag); });
  CHECK(e.exit_code() == carereach::ExitCode::kInput);
  CHECK(e.where().file == "zones.geojson");
  CHECK(e.where().feature == "feature 1");
  CHECK(e.where().field == "name");
  CHECK_THAT(e.message(), Catch::Contains("neither UTF-8 nor GB18030") && Catch::Contains("(bytes E9)"));
  CHECK_THAT(e.hint(), Catch::Contains("save the file as UTF-8") && Catch::Contains("zones[0]"));
}

TEST_CASE("a GBK Shapefile without a .cpg is read as GB18030 with a warning", "[io][encoding]") {
  TempDir dir;
  const auto shp = gbk_shapefile(dir, "counties");
  REQUIRE_FALSE(fs::exists(dir / "counties.cpg"));
  {
    Diagnostics diag;
    VectorSource src(spec_for(shp), diag);
    // The field's name (名称) is decoded too.
    CHECK(column(src, "名称") == std::vector<std::string>{"谯城区", "涡阳县"});
    CHECK(src.recoded());
    REQUIRE(diag.count("input.encoding_detected") == 1);
    CHECK(diag.all().front().where.file == "counties.shp");
    CHECK_THAT(diag.all().front().hint,
               Catch::Contains("counties.cpg") && Catch::Contains("GBK") && Catch::Contains("encoding = \"gbk\""));
  }
  {  // Declared in the scenario: no warning.
    Diagnostics diag;
    VectorSource src(spec_for(shp, "gbk"), diag);
    CHECK(column(src, "名称") == std::vector<std::string>{"谯城区", "涡阳县"});
    CHECK(diag.all().empty());
  }
  {  // Declared by a .cpg beside it: no warning.
    std::ofstream(dir / "counties.cpg") << "GBK";
    Diagnostics diag;
    VectorSource src(spec_for(shp), diag);
    CHECK(column(src, "名称") == std::vector<std::string>{"谯城区", "涡阳县"});
    CHECK(diag.all().empty());
  }
  {  // A .cpg that says UTF-8 is wrong: refused, naming the feature, the field and the bytes.
    std::ofstream(dir / "counties.cpg") << "UTF-8";
    Diagnostics diag;
    const auto e = expect_error<InputError>([&] { VectorSource src(spec_for(shp), diag); });
    CHECK(e.where().file == "counties.shp");
    CHECK_THAT(e.message(), Catch::Contains("not valid UTF-8") && Catch::Contains(".cpg"));
    CHECK_THAT(e.hint(), Catch::Contains("encoding = \"gbk\""));
  }
}

TEST_CASE("a UTF-8 Shapefile without a .cpg needs nothing", "[io][encoding]") {
  carereach::io::ensure_gdal();
  TempDir dir;
  const fs::path shp = dir / "u.shp";
  {
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("ESRI Shapefile");
    GDALDatasetUniquePtr ds(drv->Create(shp.string().c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    CPLStringList lco;
    lco.AddNameValue("ENCODING", "UTF-8");
    OGRLayer* layer = ds->CreateLayer("u", nullptr, wkbPoint, lco.List());
    OGRFieldDefn name("name", OFTString);
    REQUIRE(layer->CreateField(&name) == OGRERR_NONE);
    OGRFeature f(layer->GetLayerDefn());
    f.SetField(0, "亳州");
    OGRPoint p(116.0, 33.5);
    f.SetGeometry(&p);
    REQUIRE(layer->CreateFeature(&f) == OGRERR_NONE);
  }
  fs::remove(dir / "u.cpg");
  Diagnostics diag;
  VectorSource src(spec_for(shp), diag);
  CHECK(column(src, "name") == std::vector<std::string>{"亳州"});
  CHECK_FALSE(src.recoded());
  CHECK(diag.all().empty());
}

TEST_CASE("a CSV in GBK is read whole as GB18030, even rows whose bytes happen to be valid UTF-8", "[io][encoding]") {
  TempDir dir;
  // Row 3's name 专业 is D7 A8 D2 B5 in GBK: valid UTF-8 ("רҵ"), but not Chinese as UTF-8.
  const auto p = dir.write("f.csv", "id," + kNameGbk + "\nF1," + kClinicGbk + "\nF2,\xD7\xA8\xD2\xB5\n");
  Diagnostics diag;
  VectorSource src(spec_for(p), diag);
  CHECK(column(src, "名称") == std::vector<std::string>{"卫生院", "专业"});
  CHECK(diag.count("input.encoding_detected") == 1);
  CHECK(diag.count("input.encoding_mixed") == 0);
}

TEST_CASE("a CSV mixing UTF-8 and GBK rows is read row by row with a warning", "[io][encoding]") {
  TempDir dir;
  // Header and rows 2, 4 and 5 in UTF-8; rows 3 and 6 in GBK, row 6 with a quoted name over two lines.
  const std::string text =
      "id,名称,备注\n"
      "F1,甲镇卫生院,\n"
      "F2," +
      kClinicGbk +
      ",x\n"
      "F3,乙县中医院,\"第一行\n第二行\"\n"
      "F4,丙村卫生室,\n"
      "F5,\"" +
      kBozhouGbk + "\n" + kClinicGbk + "\",\n";
  const auto p = dir.write("mixed.csv", text);
  Diagnostics diag;
  VectorSource src(spec_for(p), diag);
  CHECK(column(src, "名称") ==
        std::vector<std::string>{"甲镇卫生院", "卫生院", "乙县中医院", "丙村卫生室", "亳州\n卫生院"});
  CHECK(column(src, "备注") == std::vector<std::string>{"", "x", "第一行\n第二行", "", ""});
  REQUIRE(diag.count("input.encoding_mixed") == 1);
  CHECK(diag.count("input.encoding_detected") == 0);
  const auto& w = diag.all().front();
  CHECK(w.where.file == "mixed.csv");
  // Four rows with Chinese text are UTF-8 (the header among them), two are GBK: rows 3 and 6 are named.
  CHECK_THAT(w.message,
             Catch::Contains("4 row(s)") && Catch::Contains("2 are GB18030") && Catch::Contains("rows 3, 6"));
}

TEST_CASE("a CSV with a row that is neither UTF-8 nor GBK names the row, field and bytes", "[io][encoding]") {
  TempDir dir;
  const auto p = dir.write("f.csv", "id,名称,经度\nF1,甲镇卫生院,116\nF2,Caf\xE9,116\n");
  Diagnostics diag;
  const auto e = expect_error<InputError>([&] { VectorSource src(spec_for(p), diag); });
  CHECK(e.where().file == "f.csv");
  CHECK(e.where().feature == "row 3");
  CHECK(e.where().field == "名称");
  CHECK_THAT(e.message(), Catch::Contains("(bytes E9)"));
}

TEST_CASE("a CSV declared UTF-8 or GBK that is not is refused", "[io][encoding]") {
  TempDir dir;
  const auto gbk = dir.write("gbk.csv", "id,name\nF1," + kClinicGbk + "\n");
  Diagnostics diag;
  const auto e = expect_error<InputError>([&] { VectorSource src(spec_for(gbk, "utf-8"), diag); });
  CHECK(e.where().feature == "row 2");
  CHECK(e.where().field == "name");
  CHECK_THAT(e.message(), Catch::Contains("CE C0 C9 FA D4 BA"));
  CHECK_THAT(e.hint(), Catch::Contains("encoding = \"gbk\""));

  const auto latin = dir.write("latin.csv", "id,name\nF1,Caf\xE9\n");
  const auto e2 = expect_error<InputError>([&] { VectorSource src(spec_for(latin, "gbk"), diag); });
  CHECK(e2.where().feature == "row 2");
  CHECK_THAT(e2.message(), Catch::Contains("not valid GB18030"));
}

TEST_CASE("a declared GBK or Big5 over text that is Chinese in UTF-8 is refused, not read as mojibake",
          "[io][encoding]") {
  TempDir dir;
  Diagnostics diag;
  const auto csv = dir.write("utf8.csv", "id,名称\nF1,甲镇卫生院\nF2,乙县中医院\n");
  const auto e = expect_error<InputError>([&] { VectorSource src(spec_for(csv, "gbk"), diag); });
  CHECK(e.where().file == "utf8.csv");
  CHECK_THAT(e.message(),
             Catch::Contains("UTF-8") && Catch::Contains("not GB18030 (GBK)") && Catch::Contains("zones[0].encoding"));
  CHECK_THAT(e.hint(), Catch::Contains("remove zones[0].encoding"));

  const auto json = dir.write("utf8.geojson", geojson({{"1", "谯城区"}}));
  const auto e2 = expect_error<InputError>([&] { VectorSource src(spec_for(json, "big5"), diag); });
  CHECK_THAT(e2.message(), Catch::Contains("not Big5"));

  // A Shapefile written in UTF-8 whose .cpg says GBK.
  carereach::io::ensure_gdal();
  const fs::path shp = dir / "u.shp";
  {
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("ESRI Shapefile");
    GDALDatasetUniquePtr ds(drv->Create(shp.string().c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    CPLStringList lco;
    lco.AddNameValue("ENCODING", "UTF-8");
    OGRLayer* layer = ds->CreateLayer("u", nullptr, wkbPoint, lco.List());
    OGRFieldDefn name("name", OFTString);
    REQUIRE(layer->CreateField(&name) == OGRERR_NONE);
    OGRFeature f(layer->GetLayerDefn());
    f.SetField(0, "谯城区");
    OGRPoint p(116.0, 33.5);
    f.SetGeometry(&p);
    REQUIRE(layer->CreateFeature(&f) == OGRERR_NONE);
  }
  std::ofstream(dir / "u.cpg") << "GBK";
  const auto e3 = expect_error<InputError>([&] { VectorSource src(spec_for(shp), diag); });
  CHECK(e3.where().file == "u.shp");
  CHECK_THAT(e3.message(), Catch::Contains("UTF-8") && Catch::Contains("the .cpg file"));
  CHECK_THAT(e3.hint(), Catch::Contains("write UTF-8 into the .cpg file") && Catch::Contains("encoding = \"utf-8\""));
  // … and the key overrides the .cpg.
  VectorSource src(spec_for(shp, "utf-8"), diag);
  CHECK(column(src, "name") == std::vector<std::string>{"谯城区"});
}

TEST_CASE("a Big5 CSV is read when declared", "[io][encoding]") {
  TempDir dir;
  const auto p = dir.write("b.csv", "id,name\nT1,\xA4\xA4\xA4\xE5\n");
  Diagnostics diag;
  VectorSource src(spec_for(p, "big5"), diag);
  CHECK(column(src, "name") == std::vector<std::string>{"中文"});
  CHECK(diag.all().empty());
}

TEST_CASE("UTF-16 text (Excel's \"Unicode text\") is decoded; UTF-8 with a BOM still reads", "[io][encoding]") {
  TempDir dir;
  const std::u16string table = u"机构名称\t经度\t纬度\r\n卫生院\t116.05\t33.55\r\n甲\t116.1\t33.5\r\n";
  const std::vector<std::string> names{"卫生院", "甲"};
  {  // Excel: UTF-16LE with a byte-order mark, tab-separated, saved as .txt
    const auto p = dir.write("unicode.txt", utf16(table, true, true));
    Diagnostics diag;
    VectorSource src(spec_for(p), diag);
    CHECK(src.is_table());
    CHECK(column(src, "机构名称") == names);
    CHECK(column(src, "经度") == std::vector<std::string>{"116.05", "116.1"});
    CHECK(diag.all().empty());
  }
  {  // UTF-16BE with a byte-order mark
    const auto p = dir.write("be.csv", utf16(table, false, true));
    Diagnostics diag;
    VectorSource src(spec_for(p), diag);
    CHECK(column(src, "机构名称") == names);
  }
  {  // without a mark: refused unless declared
    const auto p = dir.write("nobom.tsv", utf16(table, true, false));
    Diagnostics diag;
    const auto e = expect_error<InputError>([&] { VectorSource src(spec_for(p), diag); });
    CHECK(e.where().file == "nobom.tsv");
    CHECK_THAT(e.message(), Catch::Contains("UTF-16"));
    CHECK_THAT(e.hint(), Catch::Contains("encoding = \"utf-16le\""));
    VectorSource src(spec_for(p, "utf-16le"), diag);
    CHECK(column(src, "机构名称") == names);
  }
  {  // UTF-8 with a BOM, as Excel's "CSV UTF-8" writes it
    const auto p = dir.write("bom.csv", "\xEF\xBB\xBF机构名称,经度\n卫生院,116\n");
    Diagnostics diag;
    VectorSource src(spec_for(p), diag);
    CHECK(column(src, "机构名称") == std::vector<std::string>{"卫生院"});
    CHECK_FALSE(src.recoded());
    CHECK(diag.all().empty());
  }
  {  // a byte-order mark contradicting the declared encoding is a mistake
    const auto p = dir.write("le.csv", utf16(table, true, true));
    Diagnostics diag;
    const auto e = expect_error<InputError>([&] { VectorSource src(spec_for(p, "gbk"), diag); });
    CHECK_THAT(e.message(), Catch::Contains("UTF-16LE") && Catch::Contains("zones[0].encoding"));
  }
}

TEST_CASE("the encoding key: unknown values and formats that cannot have one", "[io][encoding]") {
  TempDir dir;
  const auto p = dir.write("zones.geojson", geojson({{"1", "亳州"}}));
  Diagnostics diag;
  const auto unknown = expect_error<ScenarioError>([&] { VectorSource src(spec_for(p, "latin1"), diag); });
  CHECK(unknown.where().field == "zones[0].encoding");
  CHECK_THAT(unknown.message(), Catch::Contains("latin1"));
  CHECK_THAT(unknown.hint(), Catch::Contains("gbk") && Catch::Contains("utf-16"));

  // A GeoPackage keeps its text in UTF-8: only "utf-8" (or nothing) makes sense.
  carereach::io::ensure_gdal();
  const fs::path gpkg = dir / "z.gpkg";
  {
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GPKG");
    GDALDatasetUniquePtr ds(drv->Create(gpkg.string().c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    OGRLayer* layer = ds->CreateLayer("z", nullptr, wkbPoint, nullptr);
    OGRFieldDefn name("name", OFTString);
    REQUIRE(layer->CreateField(&name) == OGRERR_NONE);
    OGRFeature f(layer->GetLayerDefn());
    f.SetField(0, "亳州");
    REQUIRE(layer->CreateFeature(&f) == OGRERR_NONE);
  }
  const auto wrong = expect_error<ScenarioError>([&] { VectorSource src(spec_for(gpkg, "gbk"), diag); });
  CHECK(wrong.where().field == "zones[0].encoding");
  CHECK_THAT(wrong.message(), Catch::Contains(".gpkg"));
  VectorSource ok(spec_for(gpkg, "utf-8"), diag);
  CHECK(column(ok, "name") == std::vector<std::string>{"亳州"});

  // In the scenario file the value is checked when it is read, with its line.
  dir.write("scenario.toml", "");
  const auto parsed = expect_error<ScenarioError>([&] {
    io::parse_scenario(
        "[[zones]]\nlevel = \"county\"\nsource = \"zones.geojson\"\nencoding = \"latin1\"\n"
        "code_field = \"code\"\nname_field = \"name\"\n",
        dir / "scenario.toml");
  });
  CHECK(parsed.where().field == "zones[0].encoding");
  CHECK(parsed.where().line == 4);
  CHECK_THAT(parsed.message(), Catch::Contains("latin1"));
}

TEST_CASE("text that is not UTF-8 never gets past VectorSource::text", "[io][encoding]") {
  // A GeoPackage whose writer stored GBK bytes: its format has no encoding to declare, so the bytes can only be
  // caught when they are read.
  carereach::io::ensure_gdal();
  TempDir dir;
  const fs::path gpkg = dir / "bad.gpkg";
  {
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GPKG");
    GDALDatasetUniquePtr ds(drv->Create(gpkg.string().c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    OGRLayer* layer = ds->CreateLayer("towns", nullptr, wkbPoint, nullptr);
    OGRFieldDefn code("code", OFTString);
    OGRFieldDefn name("name", OFTString);
    REQUIRE(layer->CreateField(&code) == OGRERR_NONE);
    REQUIRE(layer->CreateField(&name) == OGRERR_NONE);
    for (const std::string& n : {std::string("亳州"), kBozhouGbk}) {
      OGRFeature f(layer->GetLayerDefn());
      f.SetField(0, "341600");
      f.SetField(1, n.c_str());
      REQUIRE(layer->CreateFeature(&f) == OGRERR_NONE);
    }
  }
  Diagnostics diag;
  VectorSource src(spec_for(gpkg), diag);
  const int code = src.field_index("code", "code_field");
  const int name = src.field_index("name", "name_field");
  std::vector<std::string> read;
  const auto e = expect_error<InputError>([&] {
    for (auto& f : src.layer()) {
      CHECK(VectorSource::code(*f, code) == "341600");
      read.push_back(VectorSource::text(*f, name));
    }
  });
  CHECK(read == std::vector<std::string>{"亳州"});
  CHECK(e.where().file == "bad.gpkg");
  CHECK(e.where().feature == "feature 2");
  CHECK(e.where().field == "name");
  CHECK_THAT(e.message(), Catch::Contains("not valid UTF-8") && Catch::Contains("D9 F1 D6 DD"));
}

TEST_CASE("a MapInfo file says its charset in its header: the key is refused, GBK bytes under Neutral too",
          "[io][encoding]") {
  carereach::io::ensure_gdal();
  TempDir dir;
  const fs::path tab = dir / "towns.tab";
  {
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("MapInfo File");
    GDALDatasetUniquePtr ds(drv->Create(tab.string().c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    REQUIRE(ds);
    OGRSpatialReference wgs84;
    wgs84.importFromEPSG(4326);
    OGRLayer* layer = ds->CreateLayer("towns", &wgs84, wkbPoint, nullptr);
    OGRFieldDefn name("name", OFTString);
    REQUIRE(layer->CreateField(&name) == OGRERR_NONE);
    OGRFeature f(layer->GetLayerDefn());
    f.SetField(0, kBozhouGbk.c_str());  // stored as they are: the charset is Neutral
    OGRPoint p(116.0, 33.5);
    f.SetGeometry(&p);
    REQUIRE(layer->CreateFeature(&f) == OGRERR_NONE);
  }
  Diagnostics diag;
  const auto key = expect_error<ScenarioError>([&] { VectorSource src(spec_for(tab, "gbk"), diag); });
  CHECK(key.where().field == "zones[0].encoding");
  CHECK_THAT(key.hint(), Catch::Contains("WindowsSimpChinese"));

  VectorSource src(spec_for(tab), diag);
  const int name = src.field_index("name", "name_field");
  const auto e = expect_error<InputError>([&] {
    for (auto& f : src.layer()) static_cast<void>(VectorSource::text(*f, name));
  });
  CHECK(e.where().file == "towns.tab");
  CHECK(e.where().field == "name");
  CHECK_THAT(e.message(), Catch::Contains("D9 F1 D6 DD"));
  CHECK_THAT(e.hint(), Catch::Contains("!charset WindowsSimpChinese"));
}
