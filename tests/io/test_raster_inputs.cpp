// Inputs of the raster engine on the analysis grid: rasters sampled at cell centres (nearest and bilinear, aligned,
// offset and in another CRS, with no-data and cells off the raster), and load_raster_inputs (land cover with an
// inline or CSV speed table, DEM, barrier lines and polygons). Expected values are worked out by hand.

#include <catch2/catch.hpp>

#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/diagnostics.hpp"
#include "core/error.hpp"
#include "core/grid.hpp"
#include "core/landcover.hpp"
#include "geo/crs.hpp"
#include "io/raster_inputs.hpp"
#include "io/raster_source.hpp"
#include "io/scenario.hpp"
#include "io/vector_source.hpp"

using carereach::Diagnostics;
using carereach::Grid;
using carereach::InputError;
using carereach::LandCoverClass;
using carereach::RasterTravelData;
using carereach::io::load_raster_inputs;
using carereach::io::open_raster;
using carereach::io::RasterSpec;
using carereach::io::sample_at_cell_centres;
using carereach::io::Sampling;
using carereach::io::SourceSpec;
namespace geo = carereach::geo;
namespace fs = std::filesystem;

namespace {

constexpr double kX0 = 500000;   // grid origin, EPSG:32650 (UTM 50N, central meridian 117°E)
constexpr double kY0 = 3435000;  // about 31°N
constexpr double kMissing = -1.0e9;

std::atomic<int> g_counter{0};

Grid make_grid(std::uint32_t cols, std::uint32_t rows, double x0 = kX0, double y0 = kY0, double cell_m = 100) {
  Grid g;
  g.origin_x_m = x0;
  g.origin_y_m = y0;
  g.cell_size_m = cell_m;
  g.cols = cols;
  g.rows = rows;
  return g;
}

geo::CrsSpec utm50() { return geo::CrsSpec::parse("EPSG:32650"); }

/// Writes a one-band GeoTIFF (values row by row) to `path`, or to a fresh /vsimem/ path when empty.
std::string write_tif(int cols, int rows, std::array<double, 6> gt, int epsg, std::vector<double> values,
                      std::optional<double> nodata = std::nullopt, GDALDataType type = GDT_Float64,
                      std::string path = {}) {
  carereach::io::ensure_gdal();
  if (path.empty()) path = "/vsimem/test_raster_inputs_" + std::to_string(g_counter++) + ".tif";
  GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GTiff");
  REQUIRE(drv != nullptr);
  GDALDatasetUniquePtr ds(drv->Create(path.c_str(), cols, rows, 1, type, nullptr));
  REQUIRE(ds);
  ds->SetGeoTransform(gt.data());
  OGRSpatialReference srs;
  srs.importFromEPSG(epsg);
  ds->SetSpatialRef(&srs);
  GDALRasterBand* band = ds->GetRasterBand(1);
  if (nodata) band->SetNoDataValue(*nodata);
  REQUIRE(band->RasterIO(GF_Write, 0, 0, cols, rows, values.data(), cols, rows, GDT_Float64, 0, 0, nullptr) == CE_None);
  return path;
}

SourceSpec source(const std::string& path, const std::string& key, const std::string& crs = {}) {
  SourceSpec s;
  s.path = path;
  s.path_as_written = fs::path(path).filename().string();
  s.key = key;
  s.crs = crs;
  return s;
}

std::vector<double> sample(const std::string& path, const Grid& grid, Sampling how) {
  carereach::io::RasterSource r = open_raster(source(path, "raster.dem"), 1, "raster.dem.band", 0, "elevation");
  return sample_at_cell_centres(r, grid, utm50(), how, kMissing);
}

/// A folder for files that must exist on disk (CSV, GeoJSON), removed at the end of the test.
struct TempDir {
  fs::path path;
  TempDir() {
    std::random_device rd;
    path = fs::temp_directory_path() / ("carereach_raster_inputs_" + std::to_string(rd()) + "_" +
                                        std::to_string(g_counter++));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name, std::ios::binary) << text;
    return (path / name).string();
  }
  [[nodiscard]] std::string file(const std::string& name) const { return (path / name).string(); }
};

/// The grid cells set in a barrier mask, as (col, row).
std::set<std::pair<std::uint32_t, std::uint32_t>> marked(const Grid& g, const std::vector<std::uint8_t>& mask) {
  std::set<std::pair<std::uint32_t, std::uint32_t>> out;
  for (std::uint32_t r = 0; r < g.rows; ++r)
    for (std::uint32_t c = 0; c < g.cols; ++c)
      if (mask[g.index(c, r)] != 0) out.insert({c, r});
  return out;
}

/// A GeoJSON FeatureCollection of the given geometries (coordinates in EPSG:32650, declared by the caller).
std::string geojson(const std::vector<std::string>& geometries) {
  std::string s = R"({"type":"FeatureCollection","features":[)";
  for (std::size_t i = 0; i < geometries.size(); ++i)
    s += std::string(i ? "," : "") + R"({"type":"Feature","properties":{"id":)" + std::to_string(i) +
         R"(},"geometry":)" + geometries[i] + "}";
  return s + "]}";
}

/// "[x,y]" relative to the grid's bottom-left corner of a 5 × 5 grid of 100 m at (kX0, kY0 + 500).
std::string pt(double dx, double dy) { return "[" + std::to_string(kX0 + dx) + "," + std::to_string(kY0 + dy) + "]"; }

}  // namespace

// ------------------------------------------------------------------------------------- sampling at centres

TEST_CASE("sampling a raster aligned with the grid gives each cell its pixel", "[raster_inputs][sample]") {
  // 4 × 3 cells of 100 m and a raster with the same pixels: value 10 row + col.
  const Grid grid = make_grid(4, 3);
  std::vector<double> v;
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 4; ++c) v.push_back(10.0 * r + c);
  const std::string path = write_tif(4, 3, {kX0, 100, 0, kY0, 0, -100}, 32650, v);
  for (const Sampling how : {Sampling::kNearest, Sampling::kBilinear}) {
    const std::vector<double> s = sample(path, grid, how);
    REQUIRE(s.size() == 12);
    for (std::size_t i = 0; i < 12; ++i) {
      INFO("cell " << i << (how == Sampling::kNearest ? " nearest" : " bilinear"));
      CHECK(s[i] == Approx(v[i]).margin(1e-12));
    }
  }
}

TEST_CASE("sampling a raster offset by 30 m: nearest pixel, and bilinear between pixel centres", "[raster_inputs][sample]") {
  // The raster's pixels are shifted 30 m east and 30 m south of the cells: cell (c, r)'s centre lies at pixel
  // coordinates (c + 0.2, r + 0.2), inside pixel (c, r), 0.3 pixel up and left of that pixel's centre.
  // Pixel values 10 row + col (5 × 4 pixels, so every cell centre is inside the raster).
  const Grid grid = make_grid(4, 3);
  std::vector<double> v;
  for (int r = 0; r < 4; ++r)
    for (int c = 0; c < 5; ++c) v.push_back(10.0 * r + c);
  const std::string path = write_tif(5, 4, {kX0 + 30, 100, 0, kY0 - 30, 0, -100}, 32650, v);

  const std::vector<double> nearest = sample(path, grid, Sampling::kNearest);
  for (std::uint32_t r = 0; r < 3; ++r)
    for (std::uint32_t c = 0; c < 4; ++c) CHECK(nearest[grid.index(c, r)] == 10.0 * r + c);

  // Bilinear: inside, a plane is reproduced exactly: 10 (r − 0.3) + (c − 0.3) = 10 r + c − 3.3. In the first row
  // and column the centre lies within half a pixel of the raster's edge, where the edge pixels' values hold:
  // cell (0, 0) = 0; cell (1, 0) = 0.3 × 0 + 0.7 × 1 = 0.7; cell (0, 1) = 0.3 × 0 + 0.7 × 10 = 7.
  const std::vector<double> bl = sample(path, grid, Sampling::kBilinear);
  CHECK(bl[grid.index(0, 0)] == Approx(0.0).margin(1e-12));
  CHECK(bl[grid.index(1, 0)] == Approx(0.7));
  CHECK(bl[grid.index(3, 0)] == Approx(2.7));
  CHECK(bl[grid.index(0, 1)] == Approx(7.0));
  CHECK(bl[grid.index(1, 1)] == Approx(7.7));
  CHECK(bl[grid.index(3, 2)] == Approx(20.0 + 3.0 - 3.3));
}

TEST_CASE("sampling a raster in another CRS converts the cell centres", "[raster_inputs][sample]") {
  // A WGS 84 raster of 0.001° × 0.01° pixels from 116.9005°E, 31.5°N; each pixel holds its column number. The
  // grid (EPSG:32650) has cell centres on x = 500000, 500100, 500200 m near 31.04°N. x = 500000 is the central
  // meridian, 117°E exactly: pixel column (117 − 116.9005) / 0.001 = 99.5. 100 m east of it is
  // 100 / 0.9996 (scale on the central meridian) / 95,505 m per degree of longitude at 31.04°N = 0.0010475°:
  // columns 100.5475 and 101.5950.
  const Grid grid = make_grid(3, 2, kX0 - 50, kY0 + 50);
  std::vector<double> v;
  for (int r = 0; r < 100; ++r)
    for (int c = 0; c < 300; ++c) v.push_back(c);
  const std::string path = write_tif(300, 100, {116.9005, 0.001, 0, 31.5, 0, -0.01}, 4326, v);

  const std::vector<double> nearest = sample(path, grid, Sampling::kNearest);
  const std::vector<double> bl = sample(path, grid, Sampling::kBilinear);
  for (std::uint32_t r = 0; r < 2; ++r) {
    INFO("row " << r);
    CHECK(nearest[grid.index(0, r)] == 99.0);
    CHECK(nearest[grid.index(1, r)] == 100.0);
    CHECK(nearest[grid.index(2, r)] == 101.0);
    // Bilinear between pixel centres (column k at k + 0.5): 99.0, 100.0475, 101.0950.
    CHECK(bl[grid.index(0, r)] == Approx(99.0).margin(1e-6));
    CHECK(bl[grid.index(1, r)] == Approx(100.0475).margin(0.002));
    CHECK(bl[grid.index(2, r)] == Approx(101.0950).margin(0.003));
  }
}

TEST_CASE("sampling: cells off the raster and no-data pixels get the missing value", "[raster_inputs][sample]") {
  // 4 × 3 cells; the raster covers only the first 3 columns and has no-data (−1) in pixel (1, 1).
  const Grid grid = make_grid(4, 3);
  std::vector<double> v = {0, 1, 2, 10, -1, 12, 20, 21, 22};
  const std::string path = write_tif(3, 3, {kX0, 100, 0, kY0, 0, -100}, 32650, v, -1.0);

  SECTION("nearest: only the no-data cell and the cells beyond the raster") {
    const std::vector<double> s = sample(path, grid, Sampling::kNearest);
    CHECK(s[grid.index(1, 1)] == kMissing);
    for (std::uint32_t r = 0; r < 3; ++r) CHECK(s[grid.index(3, r)] == kMissing);
    CHECK(s[grid.index(0, 1)] == 10.0);
    CHECK(s[grid.index(2, 2)] == 22.0);
  }
  SECTION("bilinear at pixel centres needs only the pixel itself") {
    // Every centre is a pixel centre: the neighbours have weight 0 and their no-data does not matter.
    const std::vector<double> s = sample(path, grid, Sampling::kBilinear);
    CHECK(s[grid.index(1, 1)] == kMissing);
    for (std::uint32_t r = 0; r < 3; ++r) CHECK(s[grid.index(3, r)] == kMissing);
    CHECK(s[grid.index(0, 0)] == 0.0);
    CHECK(s[grid.index(1, 0)] == 1.0);
    CHECK(s[grid.index(0, 1)] == 10.0);
    CHECK(s[grid.index(2, 2)] == 22.0);
  }
  SECTION("bilinear between pixel centres: a no-data pixel with weight spoils the cells around it") {
    // The raster shifted 50 m west and 50 m north: cell (c, r)'s centre is the common corner of pixels (c, r),
    // (c + 1, r), (c, r + 1) and (c + 1, r + 1), each with weight 1/4. The no-data pixel (1, 1) is one of the
    // four for cells (0, 0), (1, 0), (0, 1) and (1, 1). Column 2 and row 2 lie within half a pixel of the edge:
    // the edge pixels hold there. Cell (2, 0) = (2 + 12) / 2 = 7, (2, 1) = (12 + 22) / 2 = 17, (0, 2) = 20.5,
    // (1, 2) = 21.5, (2, 2) = 22; column 3 is more than half a pixel beyond the edge.
    const std::string shifted = write_tif(3, 3, {kX0 - 50, 100, 0, kY0 + 50, 0, -100}, 32650, v, -1.0);
    const std::vector<double> s = sample(shifted, grid, Sampling::kBilinear);
    for (const auto& [c, r] : std::vector<std::pair<std::uint32_t, std::uint32_t>>{{0, 0}, {1, 0}, {0, 1}, {1, 1}}) {
      INFO("cell " << c << ", " << r);
      CHECK(s[grid.index(c, r)] == kMissing);
    }
    CHECK(s[grid.index(2, 0)] == Approx(7.0));
    CHECK(s[grid.index(2, 1)] == Approx(17.0));
    CHECK(s[grid.index(0, 2)] == Approx(20.5));
    CHECK(s[grid.index(1, 2)] == Approx(21.5));
    CHECK(s[grid.index(2, 2)] == Approx(22.0));
    for (std::uint32_t r = 0; r < 3; ++r) CHECK(s[grid.index(3, r)] == kMissing);
  }
}

// ------------------------------------------------------------------------------------- load_raster_inputs

namespace {

/// Land cover on 4 × 3 cells of 100 m, pixel for cell, Int32 with no-data 0:
///   1 1 2 2
///   1 3 9 2
///   0 3 9 1
const std::vector<double> kLandCover = {1, 1, 2, 2, 1, 3, 9, 2, 0, 3, 9, 1};

RasterSpec land_cover_spec(const TempDir& dir) {
  RasterSpec spec;
  spec.landcover = source(write_tif(4, 3, {kX0, 100, 0, kY0, 0, -100}, 32650, kLandCover, 0.0, GDT_Int32,
                                    dir.file("landcover.tif")),
                          "raster.landcover");
  return spec;
}

}  // namespace

TEST_CASE("land cover with an inline speed table: classes per cell, an unknown class warned once", "[raster_inputs]") {
  TempDir dir;
  RasterSpec spec = land_cover_spec(dir);
  spec.classes = {{1, "耕地", 4.0, "walking"}, {2, "水体", 0.0, "walking"}, {3, "道路", 40.0, "motorized"}};
  const Grid grid = make_grid(4, 3);
  Diagnostics diag;
  const RasterTravelData data = load_raster_inputs(spec, grid, utm50(), diag);
  const std::int32_t none = RasterTravelData::kNoClass;
  CHECK(data.landcover == std::vector<std::int32_t>{1, 1, 2, 2, 1, 3, 9, 2, none, 3, 9, 1});
  REQUIRE(data.classes.size() == 3);
  CHECK(data.classes[2].label == "道路");
  CHECK(data.classes[2].speed_kmh == 40.0);
  CHECK(data.elevation_m.empty());
  CHECK(data.barrier.empty());
  CHECK(data.barrier_cells == 0);
  // Class 9 is not in the table: one warning, with its cell count; no-data cells are not "unknown".
  REQUIRE(diag.all().size() == 1);
  CHECK(diag.count("raster.unknown_class") == 1);
  CHECK(diag.all()[0].message.find("class 9 (2 cells)") != std::string::npos);
  CHECK(diag.all()[0].where.file == "landcover.tif");
}

TEST_CASE("land cover: a land-cover raster in another pixel size is sampled at the cell centres", "[raster_inputs]") {
  // 50 m pixels: cell (c, r)'s centre is the corner of four pixels, which belongs to pixel (2c + 1, 2r + 1).
  // Pixel values: 1 in the left half of the raster (pixel columns 0–3), 2 in the right half.
  TempDir dir;
  std::vector<double> v;
  for (int r = 0; r < 6; ++r)
    for (int c = 0; c < 8; ++c) v.push_back(c < 4 ? 1.0 : 2.0);
  RasterSpec spec;
  spec.landcover = source(write_tif(8, 6, {kX0, 50, 0, kY0, 0, -50}, 32650, v, std::nullopt, GDT_Byte,
                                    dir.file("lc50.tif")),
                          "raster.landcover");
  spec.classes = {{1, "a", 4.0, "walking"}, {2, "b", 6.0, "walking"}};
  Diagnostics diag;
  const RasterTravelData data = load_raster_inputs(spec, make_grid(4, 3), utm50(), diag);
  // Columns 0 and 1 take pixel columns 1 and 3 (class 1); columns 2 and 3 pixel columns 5 and 7 (class 2).
  CHECK(data.landcover == std::vector<std::int32_t>{1, 1, 2, 2, 1, 1, 2, 2, 1, 1, 2, 2});
  CHECK(diag.all().empty());
}

TEST_CASE("land cover with a speed table file (CSV)", "[raster_inputs]") {
  TempDir dir;
  RasterSpec spec = land_cover_spec(dir);
  const Grid grid = make_grid(4, 3);

  SECTION("every class known: no warning; modes in any case, empty = walking") {
    spec.classes_file = source(dir.write("speeds.csv", "class,label,speed_kmh,mode\n"
                                                       "1,耕地,4,WALKING\n"
                                                       "2,水体,0,\n"
                                                       "3,道路,40,Motorized\n"
                                                       "9,林地,2.5,bicycling\n"),
                               "raster.classes_file");
    Diagnostics diag;
    const RasterTravelData data = load_raster_inputs(spec, grid, utm50(), diag);
    CHECK(diag.all().empty());
    REQUIRE(data.classes.size() == 4);
    CHECK(data.classes[0].value == 1);
    CHECK(data.classes[0].label == "耕地");
    CHECK(data.classes[0].speed_kmh == 4.0);
    CHECK(data.classes[0].mode == "walking");
    CHECK(data.classes[1].speed_kmh == 0.0);
    CHECK(data.classes[1].mode == "walking");
    CHECK(data.classes[2].mode == "motorized");
    CHECK(data.classes[3].value == 9);
    CHECK(data.classes[3].speed_kmh == 2.5);
    CHECK(data.classes[3].mode == "bicycling");
    CHECK(data.landcover[grid.index(2, 1)] == 9);
  }
  SECTION("a column named speed instead of speed_kmh, no mode column; class 9 missing: warned") {
    spec.classes_file = source(dir.write("speeds.csv", "class,label,speed\n1,a,4\n2,b,0\n3,c,40\n"), "raster.classes_file");
    Diagnostics diag;
    const RasterTravelData data = load_raster_inputs(spec, grid, utm50(), diag);
    REQUIRE(data.classes.size() == 3);
    CHECK(data.classes[2].speed_kmh == 40.0);
    CHECK(data.classes[2].mode == "walking");
    CHECK(diag.count("raster.unknown_class") == 1);
  }
  SECTION("bad tables are input errors naming the row and field") {
    const std::vector<std::pair<std::string, std::string>> bad = {
        {"class,label,speed_kmh\n1,a,4\n1,b,5\n", "given twice"},
        {"class,label,speed_kmh\n1,a,fast\n", "not a speed"},
        {"class,label,speed_kmh\n1,a,250\n", "not a speed"},
        {"class,label,speed_kmh\n1.5,a,4\n", "not a whole number"},
        {"class,label,speed_kmh,mode\n1,a,4,flying\n", "flying"},
        {"label,speed_kmh\na,4\n", "no column 'class'"},
        {"class,label,speed_kmh\n", "empty"},
    };
    for (const auto& [text, expected] : bad) {
      INFO(text);
      spec.classes_file = source(dir.write("bad.csv", text), "raster.classes_file");
      Diagnostics diag;
      try {
        (void)load_raster_inputs(spec, grid, utm50(), diag);
        FAIL("expected an InputError");
      } catch (const InputError& e) {
        CHECK(std::string(e.what()).find(expected) != std::string::npos);
        CHECK(e.where().file == "bad.csv");
      }
    }
  }
}

TEST_CASE("a DEM is sampled bilinearly at the cell centres; no-data is NaN", "[raster_inputs]") {
  TempDir dir;
  const Grid grid = make_grid(4, 3);

  SECTION("aligned: the pixel values; a no-data pixel makes only its own cell NaN") {
    // Elevation 100 + 10 row + col; pixel (3, 2) no-data.
    std::vector<double> v;
    for (int r = 0; r < 3; ++r)
      for (int c = 0; c < 4; ++c) v.push_back(100.0 + 10.0 * r + c);
    v[11] = -9999.0;
    RasterSpec spec;
    spec.dem = source(write_tif(4, 3, {kX0, 100, 0, kY0, 0, -100}, 32650, v, -9999.0, GDT_Float32, dir.file("dem.tif")),
                      "raster.dem");
    Diagnostics diag;
    const RasterTravelData data = load_raster_inputs(spec, grid, utm50(), diag);
    REQUIRE(data.elevation_m.size() == 12);
    for (std::size_t i = 0; i < 11; ++i) {
      INFO("cell " << i);
      CHECK(data.elevation_m[i] == Approx(v[i]));
    }
    CHECK(std::isnan(data.elevation_m[11]));
    CHECK(data.landcover.empty());
    CHECK(diag.all().empty());
  }
  SECTION("offset by half a pixel: the mean of the four pixels around each centre") {
    // Shifted 50 m west and 50 m north, 5 × 4 pixels of 100 + 10 row + col: cell (c, r)'s centre is the corner
    // of pixels (c … c + 1, r … r + 1), so its elevation is 100 + 10 (r + 0.5) + (c + 0.5) = 105.5 + 10 r + c.
    std::vector<double> v;
    for (int r = 0; r < 4; ++r)
      for (int c = 0; c < 5; ++c) v.push_back(100.0 + 10.0 * r + c);
    RasterSpec spec;
    spec.dem = source(write_tif(5, 4, {kX0 - 50, 100, 0, kY0 + 50, 0, -100}, 32650, v, std::nullopt, GDT_Float32,
                                dir.file("dem.tif")),
                      "raster.dem");
    Diagnostics diag;
    const RasterTravelData data = load_raster_inputs(spec, grid, utm50(), diag);
    for (std::uint32_t r = 0; r < 3; ++r)
      for (std::uint32_t c = 0; c < 4; ++c) CHECK(data.elevation_m[grid.index(c, r)] == Approx(105.5 + 10.0 * r + c));
  }
}

TEST_CASE("barrier lines mark every cell they pass through; polygons the cells whose centres they hold",
          "[raster_inputs][barriers]") {
  // 5 × 5 cells of 100 m; coordinates below are metres from the grid's bottom-left corner (row 4 is the bottom row).
  TempDir dir;
  const Grid grid = make_grid(5, 5, kX0, kY0 + 500);

  // Line 1, (20, 30) → (370, 170), y = 30 + 0.4 (x − 20): in cell (0, 4) at the start, (1, 4) from x = 100, up
  // into row 3 at x = 195 (y = 100), cell (2, 3) from x = 200, (3, 3) from x = 300 to the end:
  //   (0,4) (1,4) (1,3) (2,3) (3,3).
  // Line 2, (450, 50) → (450, 450): down the middle of column 4: (4,0) … (4,4).
  // Polygon, x 160–340, y 330–470: touches columns 1–3 of rows 0–1, and holds the centres (250, 350) and
  // (250, 450) only: (2,1) (2,0).
  const std::string file = dir.write(
      "barriers.geojson",
      geojson({R"({"type":"LineString","coordinates":[)" + pt(20, 30) + "," + pt(370, 170) + "]}",
               R"({"type":"LineString","coordinates":[)" + pt(450, 50) + "," + pt(450, 450) + "]}",
               R"({"type":"Polygon","coordinates":[[)" + pt(160, 330) + "," + pt(340, 330) + "," + pt(340, 470) + "," +
                   pt(160, 470) + "," + pt(160, 330) + "]]}"}));
  RasterSpec spec;
  spec.barriers.push_back(source(file, "raster.barriers[0]", "EPSG:32650"));
  Diagnostics diag;
  const RasterTravelData data = load_raster_inputs(spec, grid, utm50(), diag);
  REQUIRE(data.barrier.size() == 25);
  const std::set<std::pair<std::uint32_t, std::uint32_t>> expected = {
      {0, 4}, {1, 4}, {1, 3}, {2, 3}, {3, 3},          // line 1
      {4, 0}, {4, 1}, {4, 2}, {4, 3}, {4, 4},          // line 2
      {2, 0}, {2, 1}};                                 // polygon
  CHECK(marked(grid, data.barrier) == expected);
  CHECK(data.barrier_cells == 12);
  CHECK(data.landcover.empty());
  CHECK(diag.all().empty());

  SECTION("a second source over the same cells counts them once") {
    const std::string again = dir.write(
        "more.geojson", geojson({R"({"type":"LineString","coordinates":[)" + pt(450, 250) + "," + pt(450, 350) + "]}",
                                 R"({"type":"LineString","coordinates":[)" + pt(50, 250) + "," + pt(150, 250) + "]}"}));
    spec.barriers.push_back(source(again, "raster.barriers[1]", "EPSG:32650"));
    Diagnostics d2;
    const RasterTravelData both = load_raster_inputs(spec, grid, utm50(), d2);
    // The first line lies in column 4 (marked already); the second adds (0, 2) and (1, 2).
    auto more = expected;
    more.insert({{0, 2}, {1, 2}});
    CHECK(marked(grid, both.barrier) == more);
    CHECK(both.barrier_cells == 14);
  }
}

TEST_CASE("a barrier line through cell corners stays 4-connected", "[raster_inputs][barriers]") {
  // The diagonal (0, 0) → (300, 300) passes through cells (0,4), (1,3), (2,2) and touches the corners (100, 100)
  // and (200, 200): a diagonal step between two barrier cells would slip through there, so one of the two cells
  // beside each corner must be a barrier too ((1,4) or (0,3); (2,3) or (1,2)), and nothing else.
  TempDir dir;
  const Grid grid = make_grid(5, 5, kX0, kY0 + 500);
  const std::string file =
      dir.write("diagonal.geojson", geojson({R"({"type":"LineString","coordinates":[)" + pt(0, 0) + "," + pt(300, 300) + "]}"}));
  RasterSpec spec;
  spec.barriers.push_back(source(file, "raster.barriers[0]", "EPSG:32650"));
  Diagnostics diag;
  const auto cells = marked(grid, load_raster_inputs(spec, grid, utm50(), diag).barrier);
  CHECK(cells.contains({0, 4}));
  CHECK(cells.contains({1, 3}));
  CHECK(cells.contains({2, 2}));
  CHECK((cells.contains({1, 4}) || cells.contains({0, 3})));
  CHECK((cells.contains({2, 3}) || cells.contains({1, 2})));
  const std::set<std::pair<std::uint32_t, std::uint32_t>> allowed = {{0, 4}, {1, 4}, {0, 3}, {1, 3},
                                                                     {2, 3}, {1, 2}, {2, 2}};
  for (const auto& c : cells) {
    INFO("cell " << c.first << ", " << c.second);
    CHECK(allowed.contains(c));
  }
}

TEST_CASE("barriers: a point is refused; lines in another CRS are converted", "[raster_inputs][barriers]") {
  TempDir dir;
  const Grid grid = make_grid(5, 5, kX0, kY0 + 500);
  SECTION("a point") {
    RasterSpec spec;
    spec.barriers.push_back(source(dir.write("p.geojson", geojson({R"({"type":"Point","coordinates":)" + pt(50, 50) + "}"})),
                                   "raster.barriers[0]", "EPSG:32650"));
    Diagnostics diag;
    try {
      (void)load_raster_inputs(spec, grid, utm50(), diag);
      FAIL("expected an InputError");
    } catch (const InputError& e) {
      CHECK(std::string(e.what()).find("line or a polygon") != std::string::npos);
    }
  }
  SECTION("a WGS 84 line along the central meridian marks column 0 of a grid whose left edge is on it") {
    // 117°E is x = 500000 in EPSG:32650. A line along 117.0003°E (about 29 m east) from 31.0495°N to 31.0520°N
    // lies in column 0; at 31°N one thousandth of a degree of latitude is about 111 m, so it spans the rows
    // between y ≈ kY0 + 88 m and kY0 + 365 m: rows 4 … 1 of the grid whose top edge is kY0 + 500.
    const std::string line = R"({"type":"LineString","coordinates":[[117.0003,31.0495],[117.0003,31.0520]]})";
    // Where those latitudes are on this grid, by the file's own CRS conversion:
    carereach::io::ensure_gdal();
    OGRSpatialReference wgs84;
    wgs84.importFromEPSG(4326);
    wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    OGRSpatialReference utm;
    utm.importFromEPSG(32650);
    utm.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    std::unique_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(&wgs84, &utm));
    REQUIRE(ct);
    double xs[2] = {117.0003, 117.0003};
    double ys[2] = {31.0495, 31.0520};
    REQUIRE(ct->Transform(2, xs, ys));
    const auto row_of = [&](double y) { return static_cast<std::uint32_t>(std::floor((grid.origin_y_m - y) / 100.0)); };
    REQUIRE(xs[0] > kX0);
    REQUIRE(xs[0] < kX0 + 100);
    RasterSpec spec;
    spec.barriers.push_back(source(dir.write("wgs.geojson", geojson({line})), "raster.barriers[0]"));
    Diagnostics diag;
    const auto cells = marked(grid, load_raster_inputs(spec, grid, utm50(), diag).barrier);
    std::set<std::pair<std::uint32_t, std::uint32_t>> expected;
    for (std::uint32_t r = row_of(ys[1]); r <= std::min<std::uint32_t>(4, row_of(ys[0])); ++r) expected.insert({0, r});
    CHECK(cells == expected);
    CHECK(expected.size() == 4);
  }
}

TEST_CASE("a friction surface in seconds per metre: nearest pixel per cell, no-data NaN, ≤ 0 refused",
          "[raster_inputs][friction]") {
  TempDir dir;
  const Grid grid = make_grid(4, 3);
  SECTION("50 m pixels: each cell takes the pixel below-right of its centre; no-data and cells off it are NaN") {
    // 8 × 4 pixels of 50 m (the raster covers rows 0–1 of the grid only): value 0.72 (5 km/h) in the left half,
    // 0.036 (100 km/h) in the right half; pixel (3, 1) — the one cell (1, 0) takes — is no-data (-1).
    std::vector<double> v;
    for (int r = 0; r < 4; ++r)
      for (int c = 0; c < 8; ++c) v.push_back(c < 4 ? 0.72 : 0.036);
    v[1 * 8 + 3] = -1.0;
    RasterSpec spec;
    spec.friction = source(write_tif(8, 4, {kX0, 50, 0, kY0, 0, -50}, 32650, v, -1.0, GDT_Float32,
                                     dir.file("friction.tif")),
                           "raster.friction");
    Diagnostics diag;
    const RasterTravelData data = load_raster_inputs(spec, grid, utm50(), diag);
    REQUIRE(data.friction_s_per_m.size() == 12);
    CHECK(data.friction_s_per_m[grid.index(0, 0)] == Approx(0.72));
    CHECK(std::isnan(data.friction_s_per_m[grid.index(1, 0)]));
    CHECK(data.friction_s_per_m[grid.index(2, 0)] == Approx(0.036));
    CHECK(data.friction_s_per_m[grid.index(3, 1)] == Approx(0.036));
    for (std::uint32_t c = 0; c < 4; ++c) CHECK(std::isnan(data.friction_s_per_m[grid.index(c, 2)]));  // off it
    CHECK(data.landcover.empty());
    CHECK(diag.all().empty());
  }
  SECTION("a value of 0 or below is refused, naming the file, the count and the first cell") {
    std::vector<double> v(12, 0.72);
    v[5] = 0.0;   // cell (1, 1)
    v[10] = -3.0;  // cell (2, 2)
    RasterSpec spec;
    spec.friction = source(write_tif(4, 3, {kX0, 100, 0, kY0, 0, -100}, 32650, v, std::nullopt, GDT_Float32,
                                     dir.file("friction.tif")),
                           "raster.friction");
    Diagnostics diag;
    try {
      (void)load_raster_inputs(spec, grid, utm50(), diag);
      FAIL("expected an InputError");
    } catch (const InputError& e) {
      CHECK(e.where().file == "friction.tif");
      CHECK_THAT(e.message(), Catch::Contains("2 cells have a friction of 0 or less"));
      // Cell (1, 1)'s centre: x = 500000 + 150, y = 3435000 − 150.
      CHECK_THAT(e.message(), Catch::Contains("x = 500150.0, y = 3434850.0"));
      CHECK_THAT(e.hint(), Catch::Contains("no-data"));
    }
  }
}
