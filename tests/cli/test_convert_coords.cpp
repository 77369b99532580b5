// End-to-end tests of `carereach convert-coords`: tables with Chinese headers (UTF-8 with BOM, and GBK), vector
// files in several formats, round trips, and every documented failure (docs/exit-codes.md).
//
// Every expected value comes from an independent source: coordinate pairs published by others (the same pairs as
// tests/geo/test_china_offsets.cpp, whose comments give the full references), a hand calculation (meridian arc
// length for a Gauss-Krüger point), or independently drawn WGS 84 county boundaries
// (tests/data/reference/README.md), read here with GDAL's own API. Nothing is compared with carereach's output
// from an earlier run.

#include <catch2/catch.hpp>

#include <cpl_conv.h>
#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "cli_runner.hpp"

using namespace carereach::test;
namespace fs = std::filesystem;

namespace {

const std::string kBom = "\xEF\xBB\xBF";
const fs::path kReferenceDir = fs::path(CAREREACH_TEST_DATA) / "reference";

constexpr double kPi = 3.14159265358979323846;
constexpr double kDegToRad = kPi / 180.0;
constexpr double kMetresPerDegreeLat = 111'320.0;  // equirectangular approximation, fine below a few km

// ---------------------------------------------------------------------------------------------------------------
// Small CSV helpers: the test compares the raw text of every cell, so it splits lines itself rather than parse.

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
    start = end + 1;
  }
  return lines;
}

/// The cells of one CSV line exactly as written (quotes kept), split at commas outside quotes.
std::vector<std::string> raw_cells(const std::string& line) {
  std::vector<std::string> cells(1);
  bool quoted = false;
  for (const char c : line) {
    if (c == '"') quoted = !quoted;
    if (c == ',' && !quoted) {
      cells.emplace_back();
      continue;
    }
    cells.back() += c;
  }
  return cells;
}

std::string join_cells(const std::vector<std::string>& cells) {
  std::string line;
  for (std::size_t i = 0; i < cells.size(); ++i) line += (i ? "," : "") + cells[i];
  return line;
}

std::string strip_bom(const std::string& text) {
  return text.rfind(kBom, 0) == 0 ? text.substr(kBom.size()) : text;
}

/// Number of digits after the decimal point of a printed coordinate ("116.4040000" → 7); -1 if not a decimal.
int decimals_of(const std::string& cell) {
  static const std::regex kDecimal(R"(^-?\d+(\.(\d+))?$)");
  std::smatch m;
  if (!std::regex_match(cell, m, kDecimal)) return -1;
  return m[2].matched ? static_cast<int>(m[2].length()) : 0;
}

double distance_m(double lon_a, double lat_a, double lon_b, double lat_b) {
  const double mean_lat_rad = 0.5 * (lat_a + lat_b) * kDegToRad;
  const double dx_m = (lon_a - lon_b) * kMetresPerDegreeLat * std::cos(mean_lat_rad);
  const double dy_m = (lat_a - lat_b) * kMetresPerDegreeLat;
  return std::hypot(dx_m, dy_m);
}

std::vector<std::string> convert_table_args(const std::string& from, const std::string& to, const fs::path& input,
                                            const fs::path& output, const std::string& x = "经度",
                                            const std::string& y = "纬度") {
  return {"convert-coords", "--from", from,           "--to",         to, "--x-field", x,
          "--y-field",      y,        input.string(), output.string()};
}

/// Files in a folder other than the ones named (to check that a failure leaves nothing, temporary files included).
std::vector<std::string> other_files(const fs::path& dir, const std::vector<std::string>& expected) {
  std::vector<std::string> found;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (std::find(expected.begin(), expected.end(), name) == expected.end()) found.push_back(name);
  }
  return found;
}

// ---------------------------------------------------------------------------------------------------------------
// The Amap-style facility table: GCJ-02 coordinates, with the WGS 84 coordinates published for them.

struct PublishedRow {
  std::vector<std::string> cells;  ///< raw cells as written in the CSV (机构名称,经度,纬度,地址,机构代码,床位数)
  double wgs_lon = 0;
  double wgs_lat = 0;
  double tolerance_deg = 0;  ///< how closely the source pins the WGS 84 value down
};

const std::string kHeader = "机构名称,经度,纬度,地址,机构代码,床位数";

std::vector<PublishedRow> published_rows() {
  return {
      // Amap Web Service API 坐标转换, documented example: WGS 84 116.481499,39.990475 -> GCJ-02
      // 116.487585177952,39.991754014757. The service's output differs from the public formula by up to 4e-7
      // degrees, hence 1e-6.
      {{"望京社区卫生服务中心", "116.487585177952", "39.991754014757", "\"北京市朝阳区,望京街道\"", "00123", "20"},
       116.481499,
       39.990475,
       1e-6},
      // wandergis/coordtransform test/app.js: WGS 84 (116.404, 39.915) -> GCJ-02 (116.41024449916938,
      // 39.91640428150164), exact forward formula: the inverse must print as 116.4040000, 39.9150000.
      {{"东华门社区卫生服务站", "116.41024449916938", "39.91640428150164", "\"东城区 \"\"东华门\"\" 街道\"", "00456",
        "0"},
       116.404,
       39.915,
       1e-9},
      // googollee/eviltransform test cities (Shanghai, Shenzhen), compared there to 5-6 decimals.
      {{"漕河泾街道卫生院", "121.531541859215", "31.17530398364597", "\"徐汇区,漕河泾\"", "07001", "35.0"},
       121.5272106,
       31.1774276,
       1e-6},
      {{"南山区人民医院", "113.9171764808363", "22.540796131694766", "南山区", "10002", "\"1,200\""},
       113.912316,
       22.543847,
       1e-6},
  };
}

std::string published_csv() {
  std::string csv = kBom + kHeader + "\n";
  for (const auto& row : published_rows()) csv += join_cells(row.cells) + "\n";
  return csv;
}

/// Checks a converted table against published_rows(): header, BOM, order and every other cell byte-identical;
/// coordinates printed with `decimals` digits and within the published tolerance plus half a printed unit.
void check_published_output(const std::string& text, int decimals) {
  CHECK(text.rfind(kBom, 0) == 0);  // the BOM is kept
  const auto lines = lines_of(strip_bom(text));
  const auto rows = published_rows();
  REQUIRE(lines.size() == rows.size() + 1);
  CHECK(lines[0] == kHeader);
  const double half_unit = 0.5 * std::pow(10.0, -decimals);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto cells = raw_cells(lines[i + 1]);
    INFO("row " << i + 2 << ": " << lines[i + 1]);
    REQUIRE(cells.size() == rows[i].cells.size());
    for (std::size_t c = 0; c < cells.size(); ++c)
      if (c != 1 && c != 2) CHECK(cells[c] == rows[i].cells[c]);
    CHECK(decimals_of(cells[1]) == decimals);
    CHECK(decimals_of(cells[2]) == decimals);
    CHECK(std::abs(std::stod(cells[1]) - rows[i].wgs_lon) <= rows[i].tolerance_deg + half_unit);
    CHECK(std::abs(std::stod(cells[2]) - rows[i].wgs_lat) <= rows[i].tolerance_deg + half_unit);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Vector helpers (GDAL's own API, independent of carereach's reading code)

struct Point {
  double x = 0;
  double y = 0;
};

GDALDatasetUniquePtr open_vector(const fs::path& path) {
  GDALAllRegister();
  GDALDatasetUniquePtr ds(GDALDataset::Open(path.string().c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
  if (!ds) FAIL("GDAL cannot open " << path.string());
  return ds;
}

/// Centroids of the county polygons of a file (codes ending in 00 are prefectures and left out), keyed by code.
/// With `to`, every polygon is first transformed by GDAL/PROJ into that CRS.
std::map<long long, Point> county_centroids(const fs::path& path, const char* code_field,
                                            const OGRSpatialReference* to = nullptr) {
  const GDALDatasetUniquePtr ds = open_vector(path);
  REQUIRE(ds->GetLayerCount() == 1);
  OGRLayer* layer = ds->GetLayer(0);
  std::unique_ptr<OGRCoordinateTransformation> transform;
  if (to != nullptr) {
    OGRSpatialReference from;
    REQUIRE(layer->GetSpatialRef() != nullptr);
    from = *layer->GetSpatialRef();
    from.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    transform.reset(OGRCreateCoordinateTransformation(&from, to));
    REQUIRE(transform != nullptr);
  }
  std::map<long long, Point> centroids;
  for (const auto& feature : *layer) {
    const long long code = feature->GetFieldAsInteger64(code_field);
    OGRGeometry* g = feature->GetGeometryRef();
    if (code % 100 == 0 || g == nullptr || g->IsEmpty()) continue;
    if (transform) REQUIRE(g->transform(transform.get()) == OGRERR_NONE);
    OGRPoint c;
    REQUIRE(g->Centroid(&c) == OGRERR_NONE);
    centroids[code] = Point{c.getX(), c.getY()};
  }
  return centroids;
}

struct Offsets {
  std::size_t matched = 0;
  double median_m = 0;
};

/// Median distance between the centroids of counties present in both maps.
Offsets median_offset(const std::map<long long, Point>& a, const std::map<long long, Point>& b, bool degrees) {
  std::vector<double> d;
  for (const auto& [code, p] : a) {
    const auto it = b.find(code);
    if (it == b.end()) continue;
    d.push_back(degrees ? distance_m(p.x, p.y, it->second.x, it->second.y)
                        : std::hypot(p.x - it->second.x, p.y - it->second.y));
  }
  if (d.empty()) return {};
  std::sort(d.begin(), d.end());
  const std::size_t n = d.size();
  return {n, n % 2 == 1 ? d[n / 2] : 0.5 * (d[n / 2 - 1] + d[n / 2])};
}

/// Meridian arc length from the equator to latitude lat_deg on an ellipsoid (Simpson's rule, 2,000 intervals:
/// error far below a millimetre). On the central meridian of a Gauss-Krüger zone with scale factor 1 and no false
/// northing, this is the northing.
double meridian_arc_m(double lat_deg, double a_m, double inverse_flattening) {
  const double f = 1.0 / inverse_flattening;
  const double e2 = f * (2.0 - f);
  const auto integrand = [&](double phi) {
    const double s = std::sin(phi);
    return a_m * (1.0 - e2) / std::pow(1.0 - e2 * s * s, 1.5);
  };
  constexpr int kIntervals = 2000;
  const double h = lat_deg * kDegToRad / kIntervals;
  double sum = integrand(0.0) + integrand(lat_deg * kDegToRad);
  for (int i = 1; i < kIntervals; ++i) sum += integrand(i * h) * (i % 2 == 1 ? 4.0 : 2.0);
  return sum * h / 3.0;
}

}  // namespace

// =================================================================================================================
// Tables

TEST_CASE("convert-coords: an Amap CSV with Chinese headers becomes WGS 84, everything else unchanged",
          "[cli][convert-coords]") {
  TempDir dir;
  const auto input = dir.write("amap.csv", published_csv());
  const auto output = dir / "wgs84.csv";
  const auto r = run_cli(convert_table_args("gcj02", "EPSG:4326", input, output));
  INFO(r.all());
  REQUIRE(r.code == 0);
  CHECK(r.err.find("warning") == std::string::npos);
  CHECK_THAT(r.out, Catch::Contains("4 of 4"));
  const std::string text = slurp(output);
  check_published_output(text, 7);  // 7 decimals by default for degrees
  // Where the published pair is exact (wandergis), the printed value is exact.
  CHECK_THAT(text, Catch::Contains("东华门社区卫生服务站,116.4040000,39.9150000,"));
  CHECK(slurp(input) == published_csv());  // the input is not touched
}

TEST_CASE("convert-coords: --decimals sets the printed precision", "[cli][convert-coords]") {
  TempDir dir;
  const auto input = dir.write("amap.csv", published_csv());
  const auto output = dir / "wgs84.csv";
  auto args = convert_table_args("gcj02", "EPSG:4326", input, output);
  args.insert(args.begin() + 1, {"--decimals", "4"});
  const auto r = run_cli(args);
  INFO(r.all());
  REQUIRE(r.code == 0);
  const std::string text = slurp(output);
  check_published_output(text, 4);
  // The published WGS 84 values rounded by hand to 4 decimals (none lies near a rounding boundary).
  const auto lines = lines_of(strip_bom(text));
  REQUIRE(lines.size() == 5);
  const std::pair<std::string, std::string> expected[] = {
      {"116.4815", "39.9905"}, {"116.4040", "39.9150"}, {"121.5272", "31.1774"}, {"113.9123", "22.5438"}};
  for (std::size_t i = 0; i < 4; ++i) {
    const auto cells = raw_cells(lines[i + 1]);
    CHECK(cells[1] == expected[i].first);
    CHECK(cells[2] == expected[i].second);
  }
}

TEST_CASE("convert-coords: GCJ-02 to BD-09 matches Aliyun's documented example", "[cli][convert-coords]") {
  // Alibaba Cloud Address Purification API, TransferCoord: GCJ-02 120.026268,30.279164 -> BD-09
  // 120.032768,30.285238, printed to 6 decimals. wandergis/coordtransform: GCJ-02 (116.404, 39.915) -> BD-09
  // (116.41036949371029, 39.92133699351021), exact.
  TempDir dir;
  const auto input = dir.write("gcj.csv", "名称,lng,lat\n阿里云示例,120.026268,30.279164\n示例二,116.404,39.915\n");
  const auto output = dir / "bd.csv";
  auto args = convert_table_args("gcj02", "bd09", input, output, "lng", "lat");
  args.insert(args.begin() + 1, {"--decimals", "6"});
  const auto r = run_cli(args);
  INFO(r.all());
  REQUIRE(r.code == 0);
  CHECK(strip_bom(slurp(output)) == "名称,lng,lat\n阿里云示例,120.032768,30.285238\n示例二,116.410369,39.921337\n");
}

TEST_CASE("convert-coords: round trips through GCJ-02 and BD-09 come back within 1e-6 degrees",
          "[cli][convert-coords]") {
  // WGS 84 points across China, from the far west to the north-east and south.
  const std::vector<std::pair<double, double>> points = {
      {116.3975, 39.9087},  // Beijing
      {87.6168, 43.8256},   // Urumqi
      {91.1322, 29.6604},   // Lhasa
      {126.5350, 45.8038},  // Harbin
      {110.3312, 20.0311},  // Haikou
      {102.8329, 24.8801},  // Kunming
      {116.5200, 31.7300},  // Lu'an
  };
  std::string csv = "序号,lng,lat\n";
  for (std::size_t i = 0; i < points.size(); ++i)
    csv +=
        std::to_string(i + 1) + "," + std::to_string(points[i].first) + "," + std::to_string(points[i].second) + "\n";
  TempDir dir;
  const auto input = dir.write("wgs.csv", csv);

  for (const std::string via : {"gcj02", "bd09"}) {
    INFO("via " << via);
    const auto there = dir / ("there_" + via + ".csv");
    const auto back = dir / ("back_" + via + ".csv");
    const auto r1 = run_cli(convert_table_args("EPSG:4326", via, input, there, "lng", "lat"));
    INFO(r1.all());
    REQUIRE(r1.code == 0);
    const auto r2 = run_cli(convert_table_args(via, "EPSG:4326", there, back, "lng", "lat"));
    INFO(r2.all());
    REQUIRE(r2.code == 0);
    const auto there_lines = lines_of(slurp(there));
    const auto back_lines = lines_of(slurp(back));
    REQUIRE(there_lines.size() == points.size() + 1);
    REQUIRE(back_lines.size() == points.size() + 1);
    for (std::size_t i = 0; i < points.size(); ++i) {
      const auto t = raw_cells(there_lines[i + 1]);
      const auto b = raw_cells(back_lines[i + 1]);
      REQUIRE(t.size() == 3);
      REQUIRE(b.size() == 3);
      CHECK(b[0] == std::to_string(i + 1));
      // The intermediate really is offset (GCJ-02: some hundred metres; BD-09: more).
      CHECK(distance_m(std::stod(t[1]), std::stod(t[2]), points[i].first, points[i].second) > 100.0);
      CHECK(std::abs(std::stod(b[1]) - points[i].first) <= 1e-6);
      CHECK(std::abs(std::stod(b[2]) - points[i].second) <= 1e-6);
    }
  }
}

TEST_CASE("convert-coords: a GBK table is detected and written as UTF-8", "[cli][convert-coords]") {
  // GBK bytes (GB 2312 code points): 名称 C3FB B3C6, 经度 BEAD B6C8, 纬度 CEB3 B6C8, 卫生院 CEC0 C9FA D4BA, 甲 BCD7.
  const std::string gbk =
      "\xC3\xFB\xB3\xC6,\xBE\xAD\xB6\xC8,\xCE\xB3\xB6\xC8\n"
      "\xCE\xC0\xC9\xFA\xD4\xBA,116.41024449916938,39.91640428150164\n"
      "\xBC\xD7\xCE\xC0\xC9\xFA\xD4\xBA,,\n";
  const std::string expected_utf8 = "名称,经度,纬度\n卫生院,116.4040000,39.9150000\n甲卫生院,,\n";
  TempDir dir;
  const auto input = dir.write("gbk.csv", gbk);
  for (const auto& extra : {std::vector<std::string>{}, std::vector<std::string>{"--encoding", "gbk"}}) {
    const auto output = dir / "utf8.csv";
    auto args = convert_table_args("gcj02", "EPSG:4326", input, output);
    args.insert(args.begin() + 1, extra.begin(), extra.end());
    args.insert(args.begin() + 1, "--overwrite");
    const auto r = run_cli(args);
    INFO(r.all());
    REQUIRE(r.code == 0);
    CHECK(strip_bom(slurp(output)) == expected_utf8);
  }
}

TEST_CASE("convert-coords: rows with empty coordinates are copied with a warning", "[cli][convert-coords]") {
  TempDir dir;
  const auto input = dir.write("amap.csv",
                               "机构名称,经度,纬度,备注\n"
                               "甲,116.41024449916938,39.91640428150164,有坐标\n"
                               "乙,,,\"待补充,坐标\"\n"
                               "丙,116.41024449916938,39.91640428150164,00123\n");
  const auto output = dir / "wgs84.csv";
  const auto r = run_cli(convert_table_args("gcj02", "EPSG:4326", input, output));
  INFO(r.all());
  REQUIRE(r.code == 0);
  CHECK_THAT(r.err,
             Catch::Contains("warning") && Catch::Contains("amap.csv") && Catch::Contains("without coordinates"));
  CHECK(strip_bom(slurp(output)) ==
        "机构名称,经度,纬度,备注\n"
        "甲,116.4040000,39.9150000,有坐标\n"
        "乙,,,\"待补充,坐标\"\n"
        "丙,116.4040000,39.9150000,00123\n");
}

TEST_CASE("convert-coords: a bad coordinate stops the conversion and nothing is written", "[cli][convert-coords]") {
  struct Case {
    std::string row;
    std::string expected;
  };
  const Case cases[] = {
      {"乙,东经116度,39.9", "is not a number"},
      {"乙,,39.9", "empty coordinate"},  // only one of the two is empty: an error, not a copied row
  };
  for (const auto& c : cases) {
    TempDir dir;
    const auto input = dir.write("amap.csv", "机构名称,经度,纬度\n甲,116.4,39.9\n" + c.row + "\n丙,116.5,39.8\n");
    const auto r = run_cli(convert_table_args("gcj02", "EPSG:4326", input, dir / "wgs84.csv"));
    INFO(c.row << "\n" << r.all());
    CHECK(r.code == 4);
    CHECK_THAT(r.err, Catch::Contains("amap.csv") && Catch::Contains("row 3") && Catch::Contains("经度") &&
                          Catch::Contains(c.expected));
    CHECK_THAT(r.err, Catch::Contains("nothing was written"));
    CHECK_FALSE(fs::exists(dir / "wgs84.csv"));
    CHECK(other_files(dir.path(), {"amap.csv"}).empty());  // no temporary files left either
  }
}

TEST_CASE("convert-coords: an existing output is kept unless --overwrite", "[cli][convert-coords]") {
  TempDir dir;
  const auto input = dir.write("amap.csv", "机构名称,经度,纬度\n甲,116.41024449916938,39.91640428150164\n");
  const auto output = dir.write("wgs84.csv", "an earlier file\n");
  const auto refused = run_cli(convert_table_args("gcj02", "EPSG:4326", input, output));
  INFO(refused.all());
  CHECK(refused.code == 6);
  CHECK_THAT(refused.err,
             Catch::Contains("wgs84.csv") && Catch::Contains("already exists") && Catch::Contains("--overwrite"));
  CHECK(slurp(output) == "an earlier file\n");

  auto args = convert_table_args("gcj02", "EPSG:4326", input, output);
  args.insert(args.begin() + 1, "--overwrite");
  const auto replaced = run_cli(args);
  INFO(replaced.all());
  CHECK(replaced.code == 0);
  CHECK(strip_bom(slurp(output)) == "机构名称,经度,纬度\n甲,116.4040000,39.9150000\n");
  CHECK(other_files(dir.path(), {"amap.csv", "wgs84.csv"}).empty());
}

TEST_CASE("convert-coords: an unknown CRS exits with 5", "[cli][convert-coords]") {
  TempDir dir;
  const auto input = dir.write("amap.csv", "机构名称,经度,纬度\n甲,116.4,39.9\n");
  for (const auto& [from, to] : {std::pair{"EPSG:99999", "EPSG:4326"}, std::pair{"gcj02", "EPSG:99999"}}) {
    const auto r = run_cli(convert_table_args(from, to, input, dir / "out.csv"));
    INFO(r.all());
    CHECK(r.code == 5);
    CHECK_THAT(r.err, Catch::Contains("EPSG:99999") && Catch::Contains("gcj02"));  // the hint names gcj02/bd09
    CHECK_FALSE(fs::exists(dir / "out.csv"));
  }
}

TEST_CASE("convert-coords: an output format that cannot be told exits with 2", "[cli][convert-coords]") {
  TempDir dir;
  const auto input = dir.write("amap.csv", "机构名称,经度,纬度\n甲,116.4,39.9\n");
  const auto r = run_cli(convert_table_args("gcj02", "EPSG:4326", input, dir / "out.xyz"));
  INFO(r.all());
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::Contains("out.xyz") && Catch::Contains("--format"));
  // A table with --x-field/--y-field stays a table.
  const auto g = run_cli(convert_table_args("gcj02", "EPSG:4326", input, dir / "out.gpkg"));
  INFO(g.all());
  CHECK(g.code == 2);
  CHECK(other_files(dir.path(), {"amap.csv"}).empty());
}

TEST_CASE("convert-coords: command-line mistakes are named", "[cli][convert-coords]") {
  TempDir dir;
  const auto input = dir.write("amap.csv", "机构名称,经度,纬度\n甲,116.4,39.9\n");
  const auto output = dir / "out.csv";
  // A table has no CRS of its own: --from is required.
  const auto no_from = run_cli({"convert-coords", "--to", "EPSG:4326", "--x-field", "经度", "--y-field", "纬度",
                                input.string(), output.string()});
  INFO(no_from.all());
  CHECK(no_from.code == 5);
  CHECK_THAT(no_from.err, Catch::Contains("amap.csv") && Catch::Contains("no coordinate system") &&
                              Catch::Contains("--from") && Catch::Contains("gcj02"));
  // --x-field without --y-field.
  const auto half = run_cli(
      {"convert-coords", "--from", "gcj02", "--to", "EPSG:4326", "--x-field", "经度", input.string(), output.string()});
  INFO(half.all());
  CHECK(half.code == 2);
  CHECK_THAT(half.err, Catch::Contains("--x-field") && Catch::Contains("--y-field"));
  // An encoding that is neither UTF-8 nor GBK.
  auto latin1 = convert_table_args("gcj02", "EPSG:4326", input, output);
  latin1.insert(latin1.begin() + 1, {"--encoding", "latin1"});
  const auto bad_encoding = run_cli(latin1);
  INFO(bad_encoding.all());
  CHECK(bad_encoding.code == 2);
  CHECK_THAT(bad_encoding.err, Catch::Contains("latin1") && Catch::Contains("gbk"));
  // An input that does not exist.
  const auto missing = run_cli(convert_table_args("gcj02", "EPSG:4326", dir / "missing.csv", output));
  INFO(missing.all());
  CHECK(missing.code == 4);
  CHECK_THAT(missing.err, Catch::Contains("missing.csv") && Catch::Contains("not found"));
  // A coordinate column that does not exist: the message lists the columns there are.
  const auto no_column = run_cli(convert_table_args("gcj02", "EPSG:4326", input, output, "lng", "纬度"));
  INFO(no_column.all());
  CHECK(no_column.code == 4);
  CHECK_THAT(no_column.err, Catch::Contains("no field 'lng'") && Catch::Contains("经度"));
  CHECK(other_files(dir.path(), {"amap.csv"}).empty());
}

TEST_CASE("convert-coords: a CSV to a projected CRS is written in metres", "[cli][convert-coords]") {
  // A WGS 84 point on 117°E, the central meridian of EPSG:4548 (CGCS2000 / 3-degree Gauss-Kruger CM 117E: scale
  // factor 1, false easting 500 km, no false northing): easting 500000 m, northing = the meridian arc on the
  // CGCS2000 ellipsoid (a = 6378137 m, 1/f = 298.257222101). WGS 84 and CGCS2000 coincide to centimetres.
  TempDir dir;
  const auto input = dir.write("wgs.csv", "名称,lng,lat\n中央子午线,117.0,32.0\n");
  const auto output = dir / "gk.csv";
  const auto r = run_cli(convert_table_args("EPSG:4326", "EPSG:4548", input, output, "lng", "lat"));
  INFO(r.all());
  REQUIRE(r.code == 0);
  const auto lines = lines_of(strip_bom(slurp(output)));
  REQUIRE(lines.size() == 2);
  const auto cells = raw_cells(lines[1]);
  REQUIRE(cells.size() == 3);
  CHECK(decimals_of(cells[1]) == 3);  // 3 decimals (millimetres) by default for metres
  CHECK(decimals_of(cells[2]) == 3);
  CHECK(cells[1] == "500000.000");
  const double northing_m = meridian_arc_m(32.0, 6378137.0, 298.257222101);
  INFO("hand-computed northing " << northing_m);
  CHECK(std::abs(std::stod(cells[2]) - northing_m) < 0.01);
}

// =================================================================================================================
// Vector files

TEST_CASE("convert-coords: GCJ-02 county fences match independent WGS 84 boundaries after conversion",
          "[cli][convert-coords][vector]") {
  const fs::path fences = kReferenceDir / "fences_5prefectures_2016_gcj02.geojson";
  const fs::path census = kReferenceDir / "counties_5prefectures_unprojected_wgs84.geojson";
  const auto reference = county_centroids(census, "CODE");

  // Read naively as WGS 84 (as GDAL reports them), the fences are several hundred metres off.
  const Offsets before = median_offset(county_centroids(fences, "adcode"), reference, true);
  INFO("before conversion: " << before.matched << " counties, median offset " << before.median_m << " m");
  REQUIRE(before.matched >= 30);
  CHECK(before.median_m > 150.0);

  std::size_t input_features = 0;
  {
    const auto ds = open_vector(fences);
    input_features = static_cast<std::size_t>(ds->GetLayer(0)->GetFeatureCount());
  }
  OGRSpatialReference wgs84;
  wgs84.SetWellKnownGeogCS("WGS84");

  TempDir dir;
  for (const std::string ext : {"gpkg", "shp", "geojson"}) {
    INFO("output ." << ext);
    const fs::path output = dir / ("fences_wgs84." + ext);
    const auto r =
        run_cli({"convert-coords", "--from", "gcj02", "--to", "EPSG:4326", fences.string(), output.string()});
    INFO(r.all());
    REQUIRE(r.code == 0);
    {
      const auto ds = open_vector(output);
      REQUIRE(ds->GetLayerCount() == 1);
      OGRLayer* layer = ds->GetLayer(0);
      CHECK(static_cast<std::size_t>(layer->GetFeatureCount()) == input_features);
      const OGRSpatialReference* srs = layer->GetSpatialRef();
      REQUIRE(srs != nullptr);
      CHECK(srs->IsGeographic());
      CHECK(srs->IsSameGeogCS(&wgs84));
    }
    const Offsets after = median_offset(county_centroids(output, "adcode"), reference, true);
    INFO("after conversion: " << after.matched << " counties, median offset " << after.median_m << " m");
    CHECK(after.matched == before.matched);
    CHECK(after.median_m < 100.0);
  }
  CHECK(fs::exists(dir / "fences_wgs84.cpg"));
}

TEST_CASE("convert-coords: GCJ-02 fences to a Gauss-Kruger zone are in metres", "[cli][convert-coords][vector]") {
  // Compared with the WGS 84 census boundaries projected by GDAL/PROJ themselves into the same CRS.
  const fs::path fences = kReferenceDir / "fences_5prefectures_2016_gcj02.geojson";
  const fs::path census = kReferenceDir / "counties_5prefectures_unprojected_wgs84.geojson";
  TempDir dir;
  const fs::path output = dir / "fences_4548.gpkg";
  const auto r = run_cli({"convert-coords", "--from", "gcj02", "--to", "EPSG:4548", fences.string(), output.string()});
  INFO(r.all());
  REQUIRE(r.code == 0);
  {
    const auto ds = open_vector(output);
    const OGRSpatialReference* srs = ds->GetLayer(0)->GetSpatialRef();
    REQUIRE(srs != nullptr);
    CHECK(srs->IsProjected());
    CHECK(srs->GetLinearUnits() == 1.0);  // metres
    const char* code = srs->GetAuthorityCode("PROJCS");
    CHECK(std::string(code != nullptr ? code : "") == "4548");
    OGREnvelope extent;
    REQUIRE(ds->GetLayer(0)->GetExtent(&extent) == OGRERR_NONE);
    // The five prefectures lie between 21°N and 35°N: northings of 2,300-3,900 km.
    CHECK(extent.MinY > 2.3e6);
    CHECK(extent.MaxY < 3.9e6);
  }
  OGRSpatialReference gk;
  REQUIRE(gk.importFromEPSG(4548) == OGRERR_NONE);
  gk.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  const Offsets after = median_offset(county_centroids(output, "adcode"), county_centroids(census, "CODE", &gk), false);
  INFO(after.matched << " counties, median offset " << after.median_m << " m");
  CHECK(after.matched >= 30);
  CHECK(after.median_m < 100.0);
}

TEST_CASE("convert-coords: Chinese attributes survive in a Shapefile", "[cli][convert-coords][vector]") {
  TempDir dir;
  const auto input = dir.write(
      "points.geojson",
      R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{"名称":"甲镇卫生院","代码":"00123"},)"
      R"("geometry":{"type":"Point","coordinates":[116.41024449916938,39.91640428150164]}}]})");
  const fs::path output = dir / "points.shp";
  const auto r = run_cli({"convert-coords", "--from", "gcj02", "--to", "EPSG:4326", input.string(), output.string()});
  INFO(r.all());
  REQUIRE(r.code == 0);
  REQUIRE(fs::exists(dir / "points.cpg"));
  CHECK_THAT(slurp(dir / "points.cpg"), Catch::Contains("UTF-8"));
  CHECK_THAT(slurp(dir / "points.dbf"), Catch::Contains("甲镇卫生院"));  // UTF-8 bytes in the .dbf
  const auto ds = open_vector(output);
  OGRLayer* layer = ds->GetLayer(0);
  const std::unique_ptr<OGRFeature> f(layer->GetNextFeature());
  REQUIRE(f != nullptr);
  CHECK(std::string(f->GetFieldAsString("名称")) == "甲镇卫生院");
  CHECK(std::string(f->GetFieldAsString("代码")) == "00123");
  const OGRGeometry* g = f->GetGeometryRef();
  REQUIRE(g != nullptr);
  REQUIRE(wkbFlatten(g->getGeometryType()) == wkbPoint);
  // wandergis/coordtransform's exact pair: GCJ-02 (116.41024449916938, 39.91640428150164) is WGS 84 (116.404, 39.915).
  CHECK(std::abs(g->toPoint()->getX() - 116.404) < 1e-8);
  CHECK(std::abs(g->toPoint()->getY() - 39.915) < 1e-8);
}

TEST_CASE("convert-coords: every layer, or the one named", "[cli][convert-coords][vector]") {
  // A GeoPackage with two point layers of GCJ-02 coordinates declared as WGS 84 (as web-map data usually is):
  // wandergis/coordtransform's exact pair, GCJ-02 (116.41024449916938, 39.91640428150164) = WGS 84 (116.404, 39.915).
  TempDir dir;
  const fs::path input = dir / "two_layers.gpkg";
  {
    GDALAllRegister();
    GDALDriver* gpkg = GetGDALDriverManager()->GetDriverByName("GPKG");
    REQUIRE(gpkg != nullptr);
    GDALDatasetUniquePtr ds(gpkg->Create(input.string().c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    REQUIRE(ds != nullptr);
    OGRSpatialReference srs;
    REQUIRE(srs.importFromEPSG(4326) == OGRERR_NONE);
    srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    for (const char* name : {"乡镇卫生院", "村卫生室"}) {
      OGRLayer* layer = ds->CreateLayer(name, &srs, wkbPoint, nullptr);
      REQUIRE(layer != nullptr);
      OGRFieldDefn field("名称", OFTString);
      REQUIRE(layer->CreateField(&field) == OGRERR_NONE);
      OGRFeature feature(layer->GetLayerDefn());
      feature.SetField("名称", name);
      feature.SetGeometry(std::make_unique<OGRPoint>(116.41024449916938, 39.91640428150164).get());
      REQUIRE(layer->CreateFeature(&feature) == OGRERR_NONE);
    }
  }
  const auto check_layer = [](OGRLayer* layer, const char* name) {
    REQUIRE(layer != nullptr);
    CHECK(std::string(layer->GetName()) == name);
    layer->ResetReading();
    const std::unique_ptr<OGRFeature> f(layer->GetNextFeature());
    REQUIRE(f != nullptr);
    CHECK(std::string(f->GetFieldAsString("名称")) == name);
    const OGRGeometry* g = f->GetGeometryRef();
    REQUIRE(g != nullptr);
    CHECK(std::abs(g->toPoint()->getX() - 116.404) < 1e-8);
    CHECK(std::abs(g->toPoint()->getY() - 39.915) < 1e-8);
  };

  const fs::path all = dir / "all.gpkg";
  const auto r_all = run_cli({"convert-coords", "--from", "gcj02", "--to", "EPSG:4326", input.string(), all.string()});
  INFO(r_all.all());
  REQUIRE(r_all.code == 0);
  {
    const auto ds = open_vector(all);
    REQUIRE(ds->GetLayerCount() == 2);
    check_layer(ds->GetLayerByName("乡镇卫生院"), "乡镇卫生院");
    check_layer(ds->GetLayerByName("村卫生室"), "村卫生室");
  }

  const fs::path one = dir / "one.gpkg";
  const auto r_one = run_cli(
      {"convert-coords", "--from", "gcj02", "--to", "EPSG:4326", "--layer", "村卫生室", input.string(), one.string()});
  INFO(r_one.all());
  REQUIRE(r_one.code == 0);
  {
    const auto ds = open_vector(one);
    REQUIRE(ds->GetLayerCount() == 1);
    check_layer(ds->GetLayer(0), "村卫生室");
  }

  // A layer that does not exist: the message lists the layers there are.
  const auto r_missing = run_cli({"convert-coords", "--from", "gcj02", "--to", "EPSG:4326", "--layer", "诊所",
                                  input.string(), (dir / "x.gpkg").string()});
  INFO(r_missing.all());
  CHECK(r_missing.code == 4);
  CHECK_THAT(r_missing.err, Catch::Contains("no layer '诊所'") && Catch::Contains("乡镇卫生院, 村卫生室"));

  // Two layers cannot go into one Shapefile: a usage error, not a silently dropped layer.
  const auto r_shp =
      run_cli({"convert-coords", "--from", "gcj02", "--to", "EPSG:4326", input.string(), (dir / "x.shp").string()});
  INFO(r_shp.all());
  CHECK(r_shp.code == 2);
  CHECK_THAT(r_shp.err, Catch::Contains("2 layers") && Catch::Contains("--layer") && Catch::Contains("村卫生室"));
  CHECK(other_files(dir.path(), {"two_layers.gpkg", "all.gpkg", "one.gpkg"}).empty());
}

TEST_CASE("convert-coords: a table can be written as XLSX", "[cli][convert-coords]") {
  TempDir dir;
  const auto input =
      dir.write("amap.csv", "机构名称,经度,纬度\n东华门社区卫生服务站,116.41024449916938,39.91640428150164\n");
  const fs::path output = dir / "wgs84.xlsx";
  const auto r = run_cli(convert_table_args("gcj02", "EPSG:4326", input, output));
  INFO(r.all());
  REQUIRE(r.code == 0);
  // Every cell is text, so GDAL cannot tell the header row by itself: tell it.
  const CPLConfigOptionSetter headers("OGR_XLSX_HEADERS", "FORCE", false);
  const auto ds = open_vector(output);
  OGRLayer* layer = ds->GetLayer(0);
  REQUIRE(layer != nullptr);
  const std::unique_ptr<OGRFeature> f(layer->GetNextFeature());
  REQUIRE(f != nullptr);
  CHECK(std::string(f->GetFieldAsString("机构名称")) == "东华门社区卫生服务站");
  CHECK(std::abs(f->GetFieldAsDouble("经度") - 116.404) < 1e-7);
  CHECK(std::abs(f->GetFieldAsDouble("纬度") - 39.915) < 1e-7);
  CHECK(other_files(dir.path(), {"amap.csv", "wgs84.xlsx"}).empty());
}
