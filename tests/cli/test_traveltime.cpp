// `carereach traveltime` and the travel-time outputs of `carereach run`, on a scenario small enough to compute
// by hand. Every expected time below is worked out in the comments from the rules of docs/method/network.md; the
// rasters are read with GDAL's own API. Nothing expected is read back from carereach's output.
//
// The scenario (EPSG:32650, metres; 100 m cells; 6 columns × 3 rows):
//
//                 c0     c1     c2     c3     c4     c5
//   y = 3700300 +------+------+------+------+------+------+
//               |  ..  |      |      |      |   F2 |      |   row 0: centres at y = 3700250 (c0: no persons)
//   y = 3700220 A=========================================B   the road, 36 km/h = 10 m/s, 600 m: 60 s
//   y = 3700200 +------+------+------+------+------+------+
//               |      |  F1  |      |      |      |      |   row 1: centres at y = 3700150
//   y = 3700100 +------+------+------+------+------+------+
//               |      |      |      F0     |      |      |   row 2: centres at y = 3700050
//   y = 3700000 +------+------+------+------+------+------+
//            x = 500000                                 500600   column c: centre at x = 500050 + 100 c
//
// - Zone: the rectangle x 500000…500600, y 3700000…3700300, so the grid is exactly these 18 cells (origin
//   500000, 3700300).
// - Population: 10 persons at the centre of every cell except row 0, column 0 (unpopulated: no-data with the
//   network engine).
// - Road: one straight line from A (500000, 3700220) to B (500600, 3700220), class tertiary, speed_field 36 km/h
//   (for cars a line layer's speed replaces the class speed: docs/method/speeds.md). One piece A–B, 60 s each way.
// - [travel]: access_speed_kmh = 3.6 (1 m/s, so a walk of d metres takes d seconds), max_access_distance_m = 100.
// - Facilities, in this order (index 0, 1, 2): F0 general hospital (500300, 3700050), selected by no time
//   standard; F1 township health centre (500130, 3700190), 30 m south of the road; F2 village clinic
//   (500480, 3700260), 40 m north of the road.
// - Standards (defaults = false): thc_car_5min (F1, car, 5 min), primary_car_5min (F1 and F2, car, 5 min),
//   hospital_2km (a distance standard).

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <gdal_priv.h>
#include <gdal_rat.h>
#include <ogr_spatialref.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cli_runner.hpp"

using namespace carereach::test;
namespace fs = std::filesystem;

namespace {

constexpr int kCols = 6;
constexpr int kRows = 3;
constexpr double kNoData = -9999.0;
const std::optional<double> kNone;  // an expected no-data cell

struct TinyScenario {
  TempDir dir;

  static std::string scenario_toml() {
    return R"([scenario]
name = "手算情景"

[analysis]
crs = "EPSG:32650"
cell_size_m = 100

[[zones]]
level = "county"
source = "zones.geojson"
crs = "EPSG:32650"
code_field = "code"
name_field = "name"

[population]
kind = "points"
source = "population.csv"
crs = "EPSG:32650"
x_field = "x"
y_field = "y"
count_field = "persons"

[[facilities]]
source = "facilities.csv"
crs = "EPSG:32650"
x_field = "x"
y_field = "y"
[facilities.fields]
id = "id"
name = "name"
type = "type"

[roads]
source = "roads.geojson"
crs = "EPSG:32650"
class_field = "highway"
speed_field = "speed_kmh"

[travel]
access_speed_kmh = 3.6
max_access_distance_m = 100

[standards]
defaults = false

[standards.thc_car_5min]
name_zh = "卫生院5分钟"
types = ["township_health_center"]
mode = "car"
threshold_min = 5

[standards.primary_car_5min]
name_zh = "基层医疗5分钟"
types = ["township_health_center", "village_clinic"]
mode = "car"
threshold_min = 5

[standards.hospital_2km]
name_zh = "医院2公里"
types = ["general_hospital"]
distance_m = 2000
)";
  }

  TinyScenario() {
    dir.write("zones.geojson",
              R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"1","name":"甲县"},)"
              R"("geometry":{"type":"Polygon","coordinates":[[[500000,3700000],[500600,3700000],[500600,3700300],)"
              R"([500000,3700300],[500000,3700000]]]}}]})");
    std::string population = "x,y,persons\n";
    for (int r = 0; r < kRows; ++r)
      for (int c = 0; c < kCols; ++c)
        if (r != 0 || c != 0)
          population += std::to_string(500050 + 100 * c) + "," + std::to_string(3700250 - 100 * r) + ",10\n";
    dir.write("population.csv", population);
    dir.write("facilities.csv",
              "id,name,type,x,y\n"
              "F0,县医院,general_hospital,500300,3700050\n"
              "F1,甲镇卫生院,township_health_center,500130,3700190\n"
              "F2,乙村卫生室,village_clinic,500480,3700260\n");
    dir.write(
        "roads.geojson",
        R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{"highway":"tertiary",)"
        R"("speed_kmh":36},"geometry":{"type":"LineString","coordinates":[[500000,3700220],[500600,3700220]]}}]})");
    dir.write("scenario.toml", scenario_toml());
  }
  [[nodiscard]] std::string scenario() const { return (dir / "scenario.toml").string(); }
  [[nodiscard]] std::string file(const std::string& name) const { return (dir / name).string(); }
};

struct Raster {
  int cols = 0, rows = 0;
  GDALDataType type = GDT_Unknown;
  double geotransform[6] = {};
  std::string epsg;
  bool has_nodata = false;
  double nodata = 0.0;
  int block_x = 0, block_y = 0;
  std::string compression, predictor, unit;
  std::vector<double> values;                    // row-major
  std::vector<std::pair<int, std::string>> rat;  // (value, facility_id) rows of the attribute table
  [[nodiscard]] double at(int row, int col) const { return values[static_cast<std::size_t>(row * cols + col)]; }
};

Raster read_raster(const fs::path& path) {
  GDALAllRegister();
  GDALDatasetUniquePtr ds(GDALDataset::Open(path.string().c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
  if (!ds) FAIL("GDAL cannot open " << path.string());
  Raster r;
  r.cols = ds->GetRasterXSize();
  r.rows = ds->GetRasterYSize();
  REQUIRE(ds->GetRasterCount() == 1);
  REQUIRE(ds->GetGeoTransform(r.geotransform) == CE_None);
  if (const OGRSpatialReference* srs = ds->GetSpatialRef(); srs != nullptr && srs->GetAuthorityCode(nullptr))
    r.epsg = srs->GetAuthorityCode(nullptr);
  if (const char* v = ds->GetMetadataItem("COMPRESSION", "IMAGE_STRUCTURE")) r.compression = v;
  if (const char* v = ds->GetMetadataItem("PREDICTOR", "IMAGE_STRUCTURE")) r.predictor = v;
  GDALRasterBand* band = ds->GetRasterBand(1);
  r.type = band->GetRasterDataType();
  int has = 0;
  r.nodata = band->GetNoDataValue(&has);
  r.has_nodata = has != 0;
  band->GetBlockSize(&r.block_x, &r.block_y);
  if (const char* u = band->GetUnitType()) r.unit = u;
  r.values.resize(static_cast<std::size_t>(r.cols) * static_cast<std::size_t>(r.rows));
  REQUIRE(band->RasterIO(GF_Read, 0, 0, r.cols, r.rows, r.values.data(), r.cols, r.rows, GDT_Float64, 0, 0) == CE_None);
  if (const GDALRasterAttributeTable* rat = band->GetDefaultRAT()) {
    int value_col = -1, id_col = -1;
    for (int c = 0; c < rat->GetColumnCount(); ++c) {
      if (std::string(rat->GetNameOfCol(c)) == "value") value_col = c;
      if (std::string(rat->GetNameOfCol(c)) == "facility_id") id_col = c;
    }
    REQUIRE(value_col >= 0);
    REQUIRE(id_col >= 0);
    for (int row = 0; row < rat->GetRowCount(); ++row)
      r.rat.emplace_back(rat->GetValueAsInt(row, value_col), rat->GetValueAsString(row, id_col));
  }
  return r;
}

/// Checks a travel-time raster against expected seconds per cell (kNone: no-data).
void check_minutes(const Raster& r, const std::optional<double> (&expected_s)[kRows][kCols]) {
  REQUIRE(r.cols == kCols);
  REQUIRE(r.rows == kRows);
  for (int row = 0; row < kRows; ++row)
    for (int col = 0; col < kCols; ++col) {
      INFO("row " << row << ", column " << col);
      const double v = r.at(row, col);
      if (!expected_s[row][col]) {
        CHECK(v == kNoData);
      } else {
        // Float32 minutes: a few 10⁻⁵ s of rounding at these magnitudes.
        CHECK(v * 60.0 == Approx(*expected_s[row][col]).margin(1e-3));
      }
    }
}

/// The 18 cells of `traveltime` and `run` must be the same numbers, bit for bit.
void check_same_values(const Raster& a, const Raster& b) {
  REQUIRE(a.values.size() == b.values.size());
  for (std::size_t i = 0; i < a.values.size(); ++i) {
    INFO("cell " << i);
    CHECK(a.values[i] == b.values[i]);
  }
}

// ─── Edge snapping, standard thc_car_5min (F1 only) ─────────────────────────────────────────────────────────
// F1 joins the road at its nearest point (500130, 3700220), 30 m away: a 30 s leg. A cell centre (x, y) joins the
// road at (x, 3700220): row 0 walks 30 m (30 s), row 1 70 m (70 s); row 2 is 170 m away, beyond the 100 m
// maximum, so it has no connector. On the one piece A–B, the run from the cell's point to F1's point takes
// |x − 500130| / 10 s, so the time along the road is  walk + |x − 500130| / 10 + 30.  (Through A or B is never
// shorter: it adds the way to the end of the road and back.) A cell within 100 m of F1 itself may also walk
// straight to it, |cell − F1| s (rule 3 of "Cells").
//   row 0 (walk 30): c1 x=500150: 30 + 2 + 30 = 62 (straight: √(20² + 60²) = 63.25, slower)
//                    c2 500250: 30 + 12 + 30 = 72;  c3: 82;  c4: 92;  c5 500550: 30 + 42 + 30 = 102
//                    (straight walks: c2 is √(120² + 60²) = 134 m away, beyond 100 m)
//   row 1 (walk 70): c0 x=500050: road 70 + 8 + 30 = 108, straight √(80² + 40²) = √8000 = 89.4427 → 89.4427
//                    c1 500150: road 70 + 2 + 30 = 102, straight √(20² + 40²) = √2000 = 44.7214 → 44.7214
//                    c2 500250: 70 + 12 + 30 = 112 (straight √(120² + 40²) = 126.5 m: beyond 100 m)
//                    c3: 122;  c4: 132;  c5: 142
//   row 2: no road within 100 m, and F1 is √(20² + 140²) = 141 m or more away: no-data.
const std::optional<double> kThcEdge[kRows][kCols] = {
    {kNone, 62.0, 72.0, 82.0, 92.0, 102.0},
    {89.4427191, 44.7213595, 112.0, 122.0, 132.0, 142.0},
    {kNone, kNone, kNone, kNone, kNone, kNone},
};

// ─── Edge snapping, standard primary_car_5min (F1 and F2) ───────────────────────────────────────────────────
// F2 joins the road at (500480, 3700220), 40 m away (40 s leg): along the road  walk + |x − 500480| / 10 + 40.
// F2 is within 100 m of the centres of row 0, c4 (√(30² + 10²) = 31.6228) and c5 (√(70² + 10²) = 70.7107) only.
//   row 0: c1: F1 62 vs F2 30 + 33 + 40 = 103 → 62 (F1);   c2: 72 vs 93 → 72 (F1);   c3: 82 vs 83 → 82 (F1)
//          c4: F1 92 vs F2 min(30 + 3 + 40 = 73, straight 31.6228) → 31.6228 (F2)
//          c5: F1 102 vs F2 min(30 + 7 + 40 = 77, straight 70.7107) → 70.7107 (F2)
//   row 1: c0: 89.4427 (F1) vs 70 + 43 + 40 = 153;  c1: 44.7214 (F1);  c2: 112 vs 133 → 112 (F1)
//          c3: 122 vs 70 + 13 + 40 = 123 → 122 (F1);  c4: 132 vs 70 + 3 + 40 = 113 → 113 (F2)
//          c5: 142 vs 70 + 7 + 40 = 117 → 117 (F2)
//   row 2: no-data (F2 is 195 m or more from its centres).
const std::optional<double> kPrimaryEdge[kRows][kCols] = {
    {kNone, 62.0, 72.0, 82.0, 31.6227766, 70.7106781},
    {89.4427191, 44.7213595, 112.0, 122.0, 113.0, 117.0},
    {kNone, kNone, kNone, kNone, kNone, kNone},
};
// Nearest facility: facility index + 1 (F1 is index 1 → 2, F2 index 2 → 3), 0 where no-data.
const std::uint32_t kPrimaryNearest[kRows][kCols] = {
    {0, 2, 2, 2, 3, 3},
    {2, 2, 2, 2, 3, 3},
    {0, 0, 0, 0, 0, 0},
};

// ─── Node snapping, standard thc_car_5min ───────────────────────────────────────────────────────────────────
// The graph nodes are the road's ends A (500000, 3700220) and B (500600, 3700220). F1's nearest node is A
// (√(130² + 30²) = 133.4 m; B is 471 m away) and starts there at 0 s, with no leg; B is then 60 s from F1 (the
// piece). Each cell walks to its nearest node at any distance: A for columns 0–2 (x ≤ 500250), B for 3–5.
//   time = √(dx² + dy²) to the node, + 60 at B.  dy = 30 (row 0), 70 (row 1), 170 (row 2);
//   dx to A = 50, 150, 250 (c0–c2); to B = 250, 150, 50 (c3–c5).
//   row 0: c1 √(150²+30²) = 152.9706; c2 √(250²+30²) = 251.7936; c3 251.7936 + 60 = 311.7936;
//          c4 152.9706 + 60 = 212.9706; c5 √(50²+30²) + 60 = 58.3095 + 60 = 118.3095
//   row 1: c0 √(50²+70²) = 86.0233; c1 √(150²+70²) = 165.5295; c2 √(250²+70²) = 259.6151;
//          c3 319.6151; c4 225.5295; c5 146.0233
//   row 2: c0 √(50²+170²) = 177.2005; c1 √(150²+170²) = 226.7157; c2 √(250²+170²) = 302.3243;
//          c3 362.3243; c4 286.7157; c5 237.2005
const std::optional<double> kThcNode[kRows][kCols] = {
    {kNone, 152.9705854, 251.7935662, 311.7935662, 212.9705854, 118.3095189},
    {86.0232527, 165.5294536, 259.6150997, 319.6150997, 225.5294536, 146.0232527},
    {177.2004515, 226.7156809, 302.3243292, 362.3243292, 286.7156809, 237.2004515},
};

void check_geotiff_layout(const Raster& r) {
  // The analysis grid: origin at the zone's upper-left corner, 100 m cells, EPSG:32650.
  CHECK(r.geotransform[0] == 500000.0);
  CHECK(r.geotransform[1] == 100.0);
  CHECK(r.geotransform[3] == 3700300.0);
  CHECK(r.geotransform[5] == -100.0);
  CHECK(r.epsg == "32650");
  // Tiled (256 × 256 blocks, larger than this little raster) and DEFLATE-compressed.
  CHECK(r.block_x == 256);
  CHECK(r.block_y == 256);
  CHECK(r.compression == "DEFLATE");
}

std::set<std::string> lines_of(const std::string& text) {
  std::set<std::string> out;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t end = text.find('\n', at);
    out.insert(text.substr(at, end == std::string::npos ? std::string::npos : end - at));
    if (end == std::string::npos) break;
    at = end + 1;
  }
  return out;
}

}  // namespace

TEST_CASE("traveltime: minutes by hand on a one-road scenario (edge snapping)", "[cli][traveltime]") {
  TinyScenario s;
  const auto out = s.dir / "thc.tif";
  const auto r = run_cli({"traveltime", s.scenario(), "--standard", "thc_car_5min", "--out", out.string()});
  INFO(r.all());
  REQUIRE(r.code == 0);
  // Row 0: 5 populated cells, row 1: 6, all under 300 s; row 2 unreached: 11 × 10 of 17 × 10 persons.
  CHECK_THAT(r.out, Catch::Contains("110 of 170 persons (64.7 %) within 5 min by car"));
  CHECK_THAT(r.out, Catch::Contains("Travel times written to " + out.string()));
  // Row 2 is beyond max_access_distance_m from the road: the warning says so (6 populated cells).
  CHECK_THAT(r.err, Catch::Contains("6 populated cells are farther than 100 m"));
  CHECK_FALSE(fs::exists(s.dir / "thc.tif.aux.xml"));  // nothing GeoTIFF cannot hold

  const Raster t = read_raster(out);
  check_geotiff_layout(t);
  CHECK(t.type == GDT_Float32);
  CHECK(t.predictor == "3");  // the floating-point predictor
  CHECK(t.has_nodata);
  CHECK(t.nodata == kNoData);
  CHECK(t.unit == "min");
  check_minutes(t, kThcEdge);
}

TEST_CASE("traveltime --nearest: facility index + 1 with an attribute table", "[cli][traveltime]") {
  TinyScenario s;
  const auto out = s.dir / "primary.tif";
  const auto nearest = s.dir / "primary_nearest.tif";
  const auto r = run_cli(
      {"traveltime", s.scenario(), "-s", "primary_car_5min", "-o", out.string(), "--nearest", nearest.string()});
  INFO(r.all());
  REQUIRE(r.code == 0);
  check_minutes(read_raster(out), kPrimaryEdge);

  const Raster n = read_raster(nearest);
  check_geotiff_layout(n);
  CHECK(n.type == GDT_UInt32);
  CHECK(n.has_nodata);
  CHECK(n.nodata == 0.0);
  for (int row = 0; row < kRows; ++row)
    for (int col = 0; col < kCols; ++col) {
      INFO("row " << row << ", column " << col);
      CHECK(n.at(row, col) == static_cast<double>(kPrimaryNearest[row][col]));
    }
  // The attribute table (kept by GDAL in FILE.aux.xml) names the facilities that are nearest somewhere.
  CHECK(fs::exists(s.dir / "primary_nearest.tif.aux.xml"));
  REQUIRE(n.rat.size() == 2);
  CHECK(n.rat[0] == std::pair<int, std::string>{2, "F1"});
  CHECK(n.rat[1] == std::pair<int, std::string>{3, "F2"});
}

TEST_CASE("traveltime --snap node: the node rule by hand", "[cli][traveltime]") {
  TinyScenario s;
  const auto out = s.dir / "node.tif";
  const auto times = s.dir / "nodes.csv";
  const auto r = run_cli({"traveltime", s.scenario(), "-s", "thc_car_5min", "-o", out.string(), "--snap", "node",
                          "--node-times", times.string()});
  INFO(r.all());
  REQUIRE(r.code == 0);
  check_minutes(read_raster(out), kThcNode);
  // Node times: A is F1's node (0 s), B is the 60 s piece away.
  CHECK(lines_of(slurp(times)) ==
        std::set<std::string>{"x_m,y_m,time_s", "500000.00,3700220.00,0.0000", "500600.00,3700220.00,60.0000"});

  // The same in edge mode: F1 joins the road 130 m from A (fraction 130/600 of the 60 s piece) after its 30 s
  // leg, so A gets 30 + 13 = 43 s and B 30 + 47 = 77 s.
  const auto r2 = run_cli({"traveltime", s.scenario(), "-s", "thc_car_5min", "-o", out.string(), "--overwrite",
                           "--node-times", times.string()});
  INFO(r2.all());
  REQUIRE(r2.code == 0);
  CHECK(lines_of(slurp(times)) ==
        std::set<std::string>{"x_m,y_m,time_s", "500000.00,3700220.00,43.0000", "500600.00,3700220.00,77.0000"});
  check_minutes(read_raster(out), kThcEdge);
}

TEST_CASE("traveltime: bad standards, existing and impossible outputs", "[cli][traveltime]") {
  TinyScenario s;
  const std::string out = s.file("t.tif");

  // An id the scenario does not have: a usage error (2) that names it and lists the standards there are.
  auto r = run_cli({"traveltime", s.scenario(), "-s", "tcm_15min", "-o", out});
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::Contains("no standard 'tcm_15min'") && Catch::Contains("thc_car_5min") &&
                        Catch::Contains("primary_car_5min"));

  // A distance standard has no travel time: also a usage error (2).
  r = run_cli({"traveltime", s.scenario(), "-s", "hospital_2km", "-o", out});
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::Contains("'hospital_2km' is a distance standard"));
  CHECK_FALSE(fs::exists(out));

  // An output that exists is kept unless --overwrite (6), for --out and --nearest alike.
  s.dir.write("t.tif", "keep");
  r = run_cli({"traveltime", s.scenario(), "-s", "thc_car_5min", "-o", out});
  CHECK(r.code == 6);
  CHECK_THAT(r.err, Catch::Contains(out) && Catch::Contains("already exists") && Catch::Contains("--overwrite"));
  CHECK(slurp(out) == "keep");
  const std::string nearest = s.file("n.tif");
  s.dir.write("n.tif", "keep too");
  r = run_cli({"traveltime", s.scenario(), "-s", "thc_car_5min", "-o", s.file("other.tif"), "--nearest", nearest});
  CHECK(r.code == 6);
  CHECK_THAT(r.err, Catch::Contains(nearest) && Catch::Contains("already exists"));
  CHECK(slurp(nearest) == "keep too");
  CHECK_FALSE(fs::exists(s.dir / "other.tif"));
  // With --overwrite it is replaced by a GeoTIFF, and a side-car FILE.aux.xml of the old file (statistics a GIS
  // computed) goes with it: it would describe the old data.
  s.dir.write("t.tif.aux.xml",
              "<PAMDataset><PAMRasterBand band=\"1\"><Metadata><MDI key=\"STATISTICS_MAXIMUM\">"
              "99</MDI></Metadata></PAMRasterBand></PAMDataset>\n");
  r = run_cli({"traveltime", s.scenario(), "-s", "thc_car_5min", "-o", out, "--overwrite"});
  CHECK(r.code == 0);
  CHECK_FALSE(fs::exists(s.dir / "t.tif.aux.xml"));
  check_minutes(read_raster(out), kThcEdge);

  // A folder that does not exist: an output error (6) naming the file, before any work, writing nothing.
  const std::string lost = s.file("no/such/folder/t.tif");
  r = run_cli({"traveltime", s.scenario(), "-s", "thc_car_5min", "-o", lost});
  CHECK(r.code == 6);
  CHECK_THAT(r.err, Catch::Contains(lost) && Catch::Contains("does not exist"));
  CHECK_THAT(r.err, !Catch::Contains(".tmp-"));
  r = run_cli({"traveltime", s.scenario(), "-s", "thc_car_5min", "-o", s.file("first.tif"), "--nearest", lost});
  CHECK(r.code == 6);
  CHECK_THAT(r.err, Catch::Contains(lost) && Catch::Contains("does not exist"));
  CHECK_FALSE(fs::exists(s.dir / "first.tif"));  // not half the outputs

  // --out and --nearest naming one file would keep only the last one written: a usage error.
  r = run_cli(
      {"traveltime", s.scenario(), "-s", "thc_car_5min", "-o", s.file("same.tif"), "--nearest", s.file("same.tif")});
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::Contains("same file"));
  CHECK_FALSE(fs::exists(s.dir / "same.tif"));

  // --snap takes edge or node only (CLI11 checks it: 2).
  r = run_cli({"traveltime", s.scenario(), "-s", "thc_car_5min", "-o", s.file("x.tif"), "--snap", "nearest"});
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::Contains("--snap"));

  // A network standard in a scenario without roads: the scenario is wrong (3), and the message names the standard.
  const std::string toml = TinyScenario::scenario_toml();
  const auto roads = toml.find("[roads]");
  const auto travel = toml.find("[travel]");
  s.dir.write("no_roads.toml", toml.substr(0, roads) + toml.substr(travel));
  r = run_cli({"traveltime", s.file("no_roads.toml"), "-s", "thc_car_5min", "-o", s.file("x.tif")});
  CHECK(r.code == 3);
  CHECK_THAT(r.err, Catch::Contains("standards.thc_car_5min") && Catch::Contains("needs roads"));
  CHECK_FALSE(fs::exists(s.dir / "x.tif"));

  // --node-times with a raster-engine standard: refused (2) before anything is written.
  s.dir.write("raster.toml", toml +
                                 "\n[standards.thc_raster_5min]\nname_zh = \"卫生院5分钟（栅格）\"\n"
                                 "types = [\"township_health_center\"]\nmode = \"car\"\nengine = \"raster\"\n"
                                 "threshold_min = 5\n");
  r = run_cli({"traveltime", s.file("raster.toml"), "-s", "thc_raster_5min", "-o", s.file("r.tif"), "--node-times",
               s.file("r.csv")});
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::Contains("--node-times") && Catch::Contains("raster engine"));
  CHECK_FALSE(fs::exists(s.dir / "r.tif"));
  CHECK_FALSE(fs::exists(s.dir / "r.csv"));
}

TEST_CASE("run writes travel_time_<standard>.tif, facility_access.csv and run.json travel", "[cli][traveltime]") {
  TinyScenario s;
  const auto folder = s.dir / "out";
  const auto r = run_cli({"run", s.scenario(), "--out", folder.string()});
  INFO(r.all());
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out,
             Catch::Contains("travel_time_thc_car_5min.tif") && Catch::Contains("travel_time_primary_car_5min.tif"));

  // One raster per time standard, none for the distance standard; the same numbers as `traveltime`.
  CHECK_FALSE(fs::exists(folder / "travel_time_hospital_2km.tif"));
  const Raster thc = read_raster(folder / "travel_time_thc_car_5min.tif");
  check_geotiff_layout(thc);
  CHECK(thc.type == GDT_Float32);
  check_minutes(thc, kThcEdge);
  const Raster primary = read_raster(folder / "travel_time_primary_car_5min.tif");
  check_minutes(primary, kPrimaryEdge);
  const auto alone = s.dir / "alone.tif";
  REQUIRE(run_cli({"traveltime", s.scenario(), "-s", "thc_car_5min", "-o", alone.string()}).code == 0);
  check_same_values(thc, read_raster(alone));

  // facility_access.csv: like the other tables (UTF-8 with a BOM for Excel, CRLF, headers and values in the run's
  // language), one row per facility of each time standard. F1 is 30 m from the road (30 s at 1 m/s), F2 40 m
  // (40 s); both within 100 m, both joined.
  const std::string csv = slurp(folder / "facility_access.csv");
  REQUIRE(csv.rfind("\xEF\xBB\xBF", 0) == 0);
  const auto rows = lines_of(csv.substr(3));
  CHECK(rows == std::set<std::string>{
                    "服务标准,机构代码,机构名称,机构类别,出行方式,计算方法,接入距离（米）,接入用时（秒）,超出接入距离上限,"
                    "已接入路网\r",
                    "卫生院5分钟,F1,甲镇卫生院,乡镇卫生院,机动车,路网法,30.0,30.0,否,是\r",
                    "基层医疗5分钟,F1,甲镇卫生院,乡镇卫生院,机动车,路网法,30.0,30.0,否,是\r",
                    "基层医疗5分钟,F2,乙村卫生室,村卫生室,机动车,路网法,40.0,40.0,否,是\r",
                });
  CHECK(csv.substr(3).rfind("服务标准,机构代码,", 0) == 0);  // the header comes first

  // run.json: the settings used and one entry per standard.
  const auto j = nlohmann::json::parse(slurp(folder / "run.json"));
  REQUIRE(j.contains("travel"));
  const auto& travel = j["travel"];
  CHECK(travel["access_speed_kmh"] == 3.6);
  CHECK(travel["max_access_distance_m"] == 100.0);
  CHECK(travel["snap"] == "edge");
  CHECK(travel["search_limit_min"] == 120.0);
  CHECK(travel["speeds_kmh"]["car"]["tertiary"] == 35.0);  // the shipped class speed (the layer's 36 replaces it)
  std::set<std::string> seen;
  for (const auto& st : travel["standards"]) {
    const std::string id = st["id"];
    seen.insert(id);
    INFO(id);
    if (id == "hospital_2km") {
      CHECK_THAT(st["status"].get<std::string>(), Catch::StartsWith("not computed") && Catch::Contains("distance"));
      CHECK_FALSE(st.contains("file"));
      continue;
    }
    CHECK(st["file"] == "travel_time_" + id + ".tif");
    CHECK(st["engine"] == "network");
    CHECK(st["mode"] == "car");
    CHECK(st["threshold_min"] == 5.0);
    CHECK(st["search_limit_min"] == 120.0);  // max(search_limit_min 120, threshold 5)
    CHECK(st["facilities"] == (id == "thc_car_5min" ? 1 : 2));
    // Every reached cell is within 300 s (the largest time above is 142 s): 11 cells × 10 persons of 170.
    CHECK(st["persons_within_threshold"].get<double>() == Approx(110.0));
    CHECK(st["share_within_threshold"].get<double>() == Approx(110.0 / 170.0));
    CHECK(st.contains("timings_s"));
  }
  CHECK(seen == std::set<std::string>{"thc_car_5min", "primary_car_5min", "hospital_2km"});
  std::set<std::string> outputs;
  for (const auto& o : j["outputs"]) outputs.insert(o.get<std::string>());
  for (const char* f : {"run.json", "travel_time_thc_car_5min.tif", "travel_time_primary_car_5min.tif",
                        "facility_access.csv"})
    CHECK(outputs.count(f) == 1);
  CHECK(outputs.count("travel_time_hospital_2km.tif") == 0);
  CHECK(j["timings_s"].contains("travel times thc_car_5min"));
}
