// The population surface: rasters (any CRS), points, zone totals and polygons onto the analysis grid, with the
// total preserved. Expected values are worked out by hand (in the comments) or by brute force written here.

#include <catch2/catch.hpp>

#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <utility>
#include <random>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "core/diagnostics.hpp"
#include "core/error.hpp"
#include "core/grid.hpp"
#include "core/population.hpp"
#include "geo/crs.hpp"
#include "geo/geos.hpp"
#include "io/population.hpp"
#include "io/vector_source.hpp"
#include "io/zone_raster.hpp"
#include "io/zones.hpp"

using carereach::Diagnostics;
using carereach::Grid;
using carereach::Severity;
using carereach::Zone;
using carereach::ZoneId;
using carereach::io::LoadedZoneLevel;
using carereach::io::load_population;
using carereach::io::PopulationKind;
using carereach::io::PopulationLoad;
using carereach::io::PopulationSpec;
using carereach::io::SourceSpec;
using carereach::io::ZoneRaster;
namespace geo = carereach::geo;
namespace fs = std::filesystem;

namespace {

constexpr double kX0 = 500000;   // grid origin (EPSG:32650, near 117°E)
constexpr double kY0 = 3435000;  // about 31°N

/// cols x rows cells of cell_m at (kX0, kY0).
Grid make_grid(std::uint32_t cols, std::uint32_t rows, double cell_m = 100) {
  Grid g;
  g.origin_x_m = kX0;
  g.origin_y_m = kY0;
  g.cell_size_m = cell_m;
  g.cols = cols;
  g.rows = rows;
  return g;
}

std::string box_wkt(double x0, double y0, double x1, double y1) {
  auto p = [](double x, double y) { return std::to_string(x) + " " + std::to_string(y); };
  return "POLYGON((" + p(x0, y0) + ", " + p(x1, y0) + ", " + p(x1, y1) + ", " + p(x0, y1) + ", " + p(x0, y0) + "))";
}

LoadedZoneLevel make_level(const std::string& name, const std::vector<std::pair<std::string, std::string>>& code_wkt) {
  LoadedZoneLevel level;
  level.level.level = name;
  for (std::size_t i = 0; i < code_wkt.size(); ++i) {
    Zone z;
    z.id = ZoneId{static_cast<std::uint32_t>(i)};
    z.code = code_wkt[i].first;
    level.level.zones.push_back(z);
    level.polygons.push_back(geo::Geometry::from_wkt(code_wkt[i].second));
  }
  return level;
}

/// The zone levels of a test: levels[0] is the study area.
struct Levels {
  std::vector<LoadedZoneLevel> levels;
  std::vector<ZoneRaster> rasters;
  Grid grid;
  template <class... L>
  explicit Levels(const Grid& g, L&&... lv) : grid(g) {  // LoadedZoneLevel is move-only: no initializer list
    (levels.push_back(std::forward<L>(lv)), ...);
    for (const auto& l : levels) {
      if (l.kind == carereach::io::ZoneGeometryKind::kSeats) {  // seat levels have no raster (as io::load makes them)
        ZoneRaster none;
        none.level = l.level.level;
        rasters.push_back(none);
      } else {
        rasters.push_back(carereach::io::rasterize_zones(l, grid));
      }
    }
  }
  PopulationLoad load(const PopulationSpec& spec, Diagnostics& diag) const {
    return load_population(spec, grid, geo::CrsSpec::parse("EPSG:32650"), levels, rasters, rasters[0], diag);
  }
};

/// The whole grid as one study-area zone.
LoadedZoneLevel whole_grid(const Grid& g) {
  return make_level("city", {{"341600", box_wkt(g.origin_x_m, g.min_y_m(), g.max_x_m(), g.origin_y_m)}});
}

std::atomic<int> g_counter{0};

SourceSpec source(const std::string& path, const std::string& crs = {}) {
  SourceSpec s;
  s.path = path;
  s.path_as_written = fs::path(path).filename().string();
  s.crs = crs;
  s.key = "population";
  return s;
}

/// Writes a single-band GeoTIFF (row-major values) and returns its path (in /vsimem/ unless a path is given).
std::string write_raster(int cols, int rows, std::array<double, 6> gt, int epsg, std::vector<double> values,
                         std::optional<double> nodata = std::nullopt, GDALDataType type = GDT_Float64) {
  carereach::io::ensure_gdal();
  const std::string path = "/vsimem/test_population_" + std::to_string(g_counter++) + ".tif";
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

/// A folder for CSV files, removed at the end of the test.
struct TempDir {
  fs::path path;
  TempDir() {
    std::random_device rd;
    path = fs::temp_directory_path() / ("carereach_population_" + std::to_string(rd()) + "_" + std::to_string(g_counter++));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name, std::ios::binary) << text;
    return (path / name).string();
  }
};

double sum(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return s;
}

const carereach::Problem* find_problem(const Diagnostics& diag, const std::string& code) {
  for (const auto& p : diag.all())
    if (p.code == code) return &p;
  return nullptr;
}

void check_invariant(const PopulationLoad& pop) {
  CHECK(pop.surface.total() + pop.outside_total == Approx(pop.input_total).epsilon(1e-9));
  for (double v : pop.surface.persons) REQUIRE(v >= 0);
}

PopulationSpec raster_spec(const std::string& path, const std::string& crs = {}) {
  PopulationSpec spec;
  spec.kind = PopulationKind::kRaster;
  spec.source = source(path, crs);
  spec.label = "WorldPop";
  spec.year = "2020";
  return spec;
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------
// Rasters

TEST_CASE("a raster aligned 1:1 with the grid reproduces the values cell for cell", "[population][raster]") {
  const Grid grid = make_grid(10, 8);
  std::vector<double> values(80);
  for (int r = 0; r < 8; ++r)
    for (int c = 0; c < 10; ++c) values[static_cast<std::size_t>(r * 10 + c)] = (c + r) % 4 == 0 ? 0.0 : 1.5 * c + 10.0 * r;
  const std::string path = write_raster(10, 8, {kX0, 100, 0, kY0, 0, -100}, 32650, values);
  const Levels lv(grid, whole_grid(grid));
  Diagnostics diag;
  const PopulationLoad pop = lv.load(raster_spec(path), diag);
  REQUIRE(pop.surface.persons.size() == 80);
  for (std::size_t i = 0; i < 80; ++i) CHECK(pop.surface.persons[i] == Approx(values[i]).epsilon(1e-12));
  CHECK(pop.input_total == Approx(sum(values)).epsilon(1e-12));
  CHECK(pop.surface.total() == Approx(pop.input_total).epsilon(1e-6));
  CHECK(pop.outside_total == 0);
  CHECK(pop.surface.populated_cells() == 60);  // 20 cells with (c + r) % 4 == 0 are 0
  CHECK(pop.surface.grid.cols == 10);
  CHECK(diag.all().empty());
  CHECK(pop.method.find("WorldPop (2020)") != std::string::npos);
  CHECK(pop.method.find("100 m") != std::string::npos);
}

TEST_CASE("a 30 m raster onto a 100 m grid: each cell gets the pixels whose centres it holds", "[population][raster]") {
  // 10 x 10 pixels of 30 m, 1 person each, over a 3 x 3 grid of 100 m (both 300 m wide). A pixel is less than a
  // third of a cell, so it is not split. Pixel centres at 15, 45, …, 285 m from the origin: 3 in the first
  // 100 m (15, 45, 75), 4 in the second (105, 135, 165, 195), 3 in the third (225, 255, 285). A cell gets
  // n(col) x n(row) persons:  9 12  9 / 12 16 12 / 9 12 9  (total 100).
  const Grid grid = make_grid(3, 3);
  const std::string path = write_raster(10, 10, {kX0, 30, 0, kY0, 0, -30}, 32650, std::vector<double>(100, 1.0));
  const Levels lv(grid, whole_grid(grid));
  Diagnostics diag;
  const PopulationLoad pop = lv.load(raster_spec(path), diag);
  const std::vector<double> expected = {9, 12, 9, 12, 16, 12, 9, 12, 9};
  for (std::size_t i = 0; i < 9; ++i) CHECK(pop.surface.persons[i] == Approx(expected[i]).epsilon(1e-12));
  CHECK(pop.input_total == Approx(100));
  CHECK(pop.surface.total() == Approx(100).epsilon(1e-6));
}

TEST_CASE("a 30 m raster with varying values sums per cell as a brute force says", "[population][raster]") {
  // v(i, j) = 1 + i + 2 j on 20 x 20 pixels of 30 m (600 m) over 6 x 6 cells of 100 m.
  const Grid grid = make_grid(6, 6);
  std::vector<double> values(400);
  std::vector<double> expected(36, 0.0);
  for (int j = 0; j < 20; ++j)
    for (int i = 0; i < 20; ++i) {
      const double v = 1.0 + i + 2.0 * j;
      values[static_cast<std::size_t>(j * 20 + i)] = v;
      const int col = (15 + 30 * i) / 100, row = (15 + 30 * j) / 100;  // integer metres: exact
      expected[static_cast<std::size_t>(row * 6 + col)] += v;
    }
  const std::string path = write_raster(20, 20, {kX0, 30, 0, kY0, 0, -30}, 32650, values);
  const Levels lv(grid, whole_grid(grid));
  Diagnostics diag;
  const PopulationLoad pop = lv.load(raster_spec(path), diag);
  for (std::size_t i = 0; i < 36; ++i) CHECK(pop.surface.persons[i] == Approx(expected[i]).epsilon(1e-12));
  CHECK(pop.surface.total() == Approx(sum(values)).epsilon(1e-9));
}

TEST_CASE("worked example: a 150 m pixel of 900 persons split over four 100 m cells", "[population][raster]") {
  // docs/method/population.md, worked example 1. The pixel spans x 50…200 m, y 100…250 m (from the grid's
  // bottom-left). s = 150 m, k = ceil(3 x 150 / 100) = 5: 25 sub-pixels of 30 m holding 36 persons each.
  // Sub-pixel centres: x = 65, 95 | 125, 155, 185 (2 in col 0, 3 in col 1); y = 235, 205 | 175, 145, 115
  // (2 in row 0, 3 in row 1). Cells: (0,0) 2x2x36 = 144, (1,0) 3x2x36 = 216, (0,1) 216, (1,1) 324.
  const Grid grid = make_grid(3, 3);
  const double bottom = kY0 - 300;
  const std::string path = write_raster(1, 1, {kX0 + 50, 150, 0, bottom + 250, 0, -150}, 32650, {900.0});
  const Levels lv(grid, whole_grid(grid));
  Diagnostics diag;
  const PopulationLoad pop = lv.load(raster_spec(path), diag);
  CHECK(pop.surface.persons[grid.index(0, 0)] == Approx(144));
  CHECK(pop.surface.persons[grid.index(1, 0)] == Approx(216));
  CHECK(pop.surface.persons[grid.index(0, 1)] == Approx(216));
  CHECK(pop.surface.persons[grid.index(1, 1)] == Approx(324));
  CHECK(pop.surface.populated_cells() == 4);
  CHECK(pop.surface.total() == Approx(900).epsilon(1e-12));
  CHECK(pop.method.find("5×5") != std::string::npos);
}

TEST_CASE("an EPSG:4326 raster onto an EPSG:32650 grid keeps its total and its centre", "[population][raster]") {
  // 40 x 30 pixels of 0.001° (about 95 m x 111 m) at 116.98–117.02°E, 31.00–31.03°N.
  const int cols = 40, rows = 30;
  const double lon0 = 116.98, lat0 = 31.03, step = 0.001;
  std::vector<double> values(static_cast<std::size_t>(cols * rows));
  double sx = 0, sy = 0, total = 0;
  const geo::Transformer to_utm(geo::CrsSpec::parse("EPSG:4326"), geo::CrsSpec::parse("EPSG:32650"));
  for (int j = 0; j < rows; ++j)
    for (int i = 0; i < cols; ++i) {
      const double v = static_cast<double>((i * 7 + j * 3) % 11) + 0.25;
      values[static_cast<std::size_t>(j * cols + i)] = v;
      double x = lon0 + (i + 0.5) * step, y = lat0 - (j + 0.5) * step;
      REQUIRE(to_utm.transform(x, y));
      sx += v * x;
      sy += v * y;
      total += v;
    }
  // The grid: the raster's extent in UTM with 1 km to spare, in 100 m cells.
  double min_x = 1e300, min_y = 1e300, max_x = -1e300, max_y = -1e300;
  for (double lon : {lon0, lon0 + cols * step})
    for (double lat : {lat0, lat0 - rows * step}) {
      double x = lon, y = lat;
      REQUIRE(to_utm.transform(x, y));
      min_x = std::min(min_x, x);
      max_x = std::max(max_x, x);
      min_y = std::min(min_y, y);
      max_y = std::max(max_y, y);
    }
  const Grid grid = Grid::covering(min_x - 1000, min_y - 1000, max_x + 1000, max_y + 1000, 100);
  const std::string path = write_raster(cols, rows, {lon0, step, 0, lat0, 0, -step}, 4326, values);
  const Levels lv(grid, whole_grid(grid));
  Diagnostics diag;
  const PopulationLoad pop = lv.load(raster_spec(path), diag);
  CHECK(pop.input_total == Approx(total).epsilon(1e-12));
  CHECK(pop.surface.total() == Approx(total).epsilon(1e-6));
  CHECK(pop.outside_total == Approx(0).margin(1e-9));
  check_invariant(pop);
  // The mass-weighted centre moves less than a cell.
  double cx = 0, cy = 0;
  for (std::uint32_t r = 0; r < grid.rows; ++r)
    for (std::uint32_t c = 0; c < grid.cols; ++c) {
      cx += pop.surface.persons[grid.index(c, r)] * grid.centre_x_m(c);
      cy += pop.surface.persons[grid.index(c, r)] * grid.centre_y_m(r);
    }
  CHECK(std::abs(cx / total - sx / total) < 100);
  CHECK(std::abs(cy / total - sy / total) < 100);
  CHECK(pop.method.find("EPSG:4326") != std::string::npos);
}

TEST_CASE("a raster declared in GCJ-02 goes through the GCJ-02 conversion", "[population][raster]") {
  // 10 x 10 pixels of 0.001° at 117.00–117.01°E, 31.00–31.01°N, declared crs = "gcj02". The persons' centre must
  // be where geo::Transformer puts the pixel centres (GCJ-02 -> UTM), not where WGS 84 would.
  const int n = 10;
  const double lon0 = 117.0, lat0 = 31.01, step = 0.001;
  std::vector<double> values(static_cast<std::size_t>(n * n));
  const geo::Transformer from_gcj(geo::CrsSpec::parse("gcj02"), geo::CrsSpec::parse("EPSG:32650"));
  double sx = 0, sy = 0, total = 0;
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i) {
      const double v = 1.0 + (i + j) % 3;
      values[static_cast<std::size_t>(j * n + i)] = v;
      double x = lon0 + (i + 0.5) * step, y = lat0 - (j + 0.5) * step;
      REQUIRE(from_gcj.transform(x, y));
      sx += v * x;
      sy += v * y;
      total += v;
    }
  const Grid grid = Grid::covering(sx / total - 3000, sy / total - 3000, sx / total + 3000, sy / total + 3000, 100);
  const std::string path = write_raster(n, n, {lon0, step, 0, lat0, 0, -step}, 4326, values);
  const Levels lv(grid, whole_grid(grid));
  Diagnostics diag;
  const PopulationLoad pop = lv.load(raster_spec(path, "gcj02"), diag);
  CHECK(pop.surface.total() == Approx(total).epsilon(1e-6));
  double cx = 0, cy = 0;
  for (std::uint32_t r = 0; r < grid.rows; ++r)
    for (std::uint32_t c = 0; c < grid.cols; ++c) {
      cx += pop.surface.persons[grid.index(c, r)] * grid.centre_x_m(c);
      cy += pop.surface.persons[grid.index(c, r)] * grid.centre_y_m(r);
    }
  CHECK(std::abs(cx / total - sx / total) < 50);
  CHECK(std::abs(cy / total - sy / total) < 50);
}

TEST_CASE("a declared crs overrides the raster's own", "[population][raster]") {
  // The file says EPSG:4326 but holds UTM coordinates; declaring EPSG:32650 places it 1:1 on the grid.
  const Grid grid = make_grid(4, 4);
  const std::string path = write_raster(4, 4, {kX0, 100, 0, kY0, 0, -100}, 4326, std::vector<double>(16, 2.0));
  const Levels lv(grid, whole_grid(grid));
  Diagnostics diag;
  const PopulationLoad pop = lv.load(raster_spec(path, "EPSG:32650"), diag);
  for (double v : pop.surface.persons) CHECK(v == Approx(2.0));
  // Without the declaration the raster lies far away (around 500000°E would not even be a longitude).
  Diagnostics diag2;
  CHECK_THROWS_AS(lv.load(raster_spec(path), diag2), carereach::Error);
}

TEST_CASE("raster persons outside the study area go to outside_total with a warning", "[population][raster]") {
  // 10 x 10 aligned pixels, v = 1 + c + 10 r; the study area is the left half (cols 0-4). Outside: the right half,
  // sum over r = 0…9, c = 5…9 of (1 + c + 10 r) = 50 + 10 x 35 + 5 x 10 x 45 = 50 + 350 + 2250 = 2650.
  const Grid grid = make_grid(10, 10);
  std::vector<double> values(100);
  for (int r = 0; r < 10; ++r)
    for (int c = 0; c < 10; ++c) values[static_cast<std::size_t>(r * 10 + c)] = 1.0 + c + 10.0 * r;
  const std::string path = write_raster(10, 10, {kX0, 100, 0, kY0, 0, -100}, 32650, values);
  const Levels lv(grid, make_level("county", {{"341602", box_wkt(kX0, kY0 - 1000, kX0 + 500, kY0)}}));
  Diagnostics diag;
  const PopulationLoad pop = lv.load(raster_spec(path), diag);
  CHECK(pop.input_total == Approx(5050));  // 100 + 10 x 45 + 10 x 450
  CHECK(pop.outside_total == Approx(2650));
  CHECK(pop.surface.total() == Approx(2400));
  CHECK(pop.surface.persons[grid.index(5, 0)] == 0);
  check_invariant(pop);
  const carereach::Problem* w = find_problem(diag, "population.outside_study_area");
  REQUIRE(w != nullptr);
  CHECK(w->severity == Severity::kWarning);
  CHECK(w->message.find("2,650 persons") != std::string::npos);
  CHECK(w->message.find("52.5%") != std::string::npos);  // 2650 / 5050
}

TEST_CASE("an aligned raster offset by whole cells lands pixel for cell", "[population][raster]") {
  // 12 x 12 pixels starting one cell left of and above a 10 x 10 grid: cell (r, c) holds pixel (r + 1, c + 1).
  const Grid grid = make_grid(10, 10);
  std::vector<double> values(144);
  for (int r = 0; r < 12; ++r)
    for (int c = 0; c < 12; ++c) values[static_cast<std::size_t>(r * 12 + c)] = 100.0 * r + c + 1.0;
  const std::string path = write_raster(12, 12, {kX0 - 100, 100, 0, kY0 + 100, 0, -100}, 32650, values);
  const Levels lv(grid, whole_grid(grid));
  Diagnostics diag;
  const PopulationLoad pop = lv.load(raster_spec(path), diag);
  for (int r = 0; r < 10; ++r)
    for (int c = 0; c < 10; ++c)
      CHECK(pop.surface.persons[static_cast<std::size_t>(r * 10 + c)] == 100.0 * (r + 1) + (c + 1) + 1.0);
  CHECK(pop.method.find("copied cell for cell") != std::string::npos);
  check_invariant(pop);
}

TEST_CASE("raster pixels beyond the edge of the grid go to outside_total", "[population][raster]") {
  // 12 x 12 aligned pixels of 1 person starting one cell left of and above a 10 x 10 grid: the 100 pixels over
  // the grid are inside, the other 44 (a border of 12 + 12 + 10 + 10 off the grid) outside.
  const Grid grid = make_grid(10, 10);
  const std::string path =
      write_raster(12, 12, {kX0 - 100, 100, 0, kY0 + 100, 0, -100}, 32650, std::vector<double>(144, 1.0));
  const Levels lv(grid, whole_grid(grid));
  Diagnostics diag;
  const PopulationLoad pop = lv.load(raster_spec(path), diag);
  CHECK(pop.input_total == Approx(144));
  CHECK(pop.surface.total() == Approx(100));
  CHECK(pop.outside_total == Approx(44));
  for (double v : pop.surface.persons) CHECK(v == Approx(1.0));
  check_invariant(pop);
}

TEST_CASE("a population that misses the study area entirely is an error", "[population][raster]") {
  // The raster's only non-zero pixel lies on the grid but outside the study area (cols 0-4).
  const Grid grid = make_grid(10, 1);
  std::vector<double> values(10, 0.0);
  values[8] = 12;
  const std::string path = write_raster(10, 1, {kX0, 100, 0, kY0, 0, -100}, 32650, values);
  const Levels lv(grid, make_level("county", {{"341602", box_wkt(kX0, kY0 - 100, kX0 + 500, kY0)}}));
  Diagnostics diag;
  const PopulationLoad pop = lv.load(raster_spec(path), diag);
  CHECK(pop.outside_total == Approx(12));
  const carereach::Problem* e = find_problem(diag, "population.empty");
  REQUIRE(e != nullptr);
  CHECK(e->severity == Severity::kError);
}

TEST_CASE("no-data pixels count as nothing; negative pixels are refused", "[population][raster]") {
  const Grid grid = make_grid(3, 1);
  SECTION("Float64 with nodata -99999 and a negative value") {
    const std::string path = write_raster(3, 1, {kX0, 100, 0, kY0, 0, -100}, 32650, {-99999.0, 7.0, -5.0}, -99999.0);
    const Levels lv(grid, whole_grid(grid));
    Diagnostics diag;
    const PopulationLoad pop = lv.load(raster_spec(path), diag);
    CHECK(pop.input_total == Approx(7));
    CHECK(pop.surface.persons == std::vector<double>{0, 7, 0});
    // A negative number of persons has no meaning: an error (exit 4), as a negative count in a table is.
    const carereach::Problem* w = find_problem(diag, "population.negative_values");
    REQUIRE(w != nullptr);
    CHECK(w->severity == Severity::kError);
    CHECK(w->message.find("1 pixel") != std::string::npos);
    CHECK(w->message.find("sum -5") != std::string::npos);
    CHECK(diag.error_count() == 1);
  }
  SECTION("Float32 with the largest negative float as nodata") {
    const double nd = -3.4028234663852886e+38;
    const std::string path =
        write_raster(3, 1, {kX0, 100, 0, kY0, 0, -100}, 32650, {nd, 7.0, 2.5}, nd, GDT_Float32);
    const Levels lv(grid, whole_grid(grid));
    Diagnostics diag;
    const PopulationLoad pop = lv.load(raster_spec(path), diag);
    CHECK(pop.input_total == Approx(9.5));
    CHECK(diag.all().empty());
  }
}

TEST_CASE("raster problems that stop the load", "[population][raster]") {
  const Grid grid = make_grid(3, 3);
  const Levels lv(grid, whole_grid(grid));
  Diagnostics diag;
  SECTION("missing file") {
    PopulationSpec spec = raster_spec((fs::temp_directory_path() / "carereach_no_such_population.tif").string());
    CHECK_THROWS_AS(lv.load(spec, diag), carereach::InputError);
  }
  SECTION("no overlap with the grid") {
    const std::string path = write_raster(2, 2, {kX0 + 50000, 100, 0, kY0, 0, -100}, 32650, {1, 2, 3, 4});
    try {
      (void)lv.load(raster_spec(path), diag);
      FAIL("expected an InputError");
    } catch (const carereach::InputError& e) {
      CHECK(e.message().find("does not overlap") != std::string::npos);
      CHECK(e.where().file.find(".tif") != std::string::npos);
    }
  }
  SECTION("a band that does not exist") {
    const std::string path = write_raster(3, 3, {kX0, 100, 0, kY0, 0, -100}, 32650, std::vector<double>(9, 1.0));
    PopulationSpec spec = raster_spec(path);
    spec.band = 2;
    try {
      (void)lv.load(spec, diag);
      FAIL("expected a ScenarioError");
    } catch (const carereach::ScenarioError& e) {
      CHECK(e.where().field == "population.band");
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Points

namespace {
PopulationSpec points_spec(const std::string& path, const std::string& crs = "EPSG:32650") {
  PopulationSpec spec;
  spec.kind = PopulationKind::kPoints;
  spec.source = source(path, crs);
  spec.source.x_field = "x";
  spec.source.y_field = "y";
  spec.count_field = "persons";
  spec.label = "村庄人口";
  return spec;
}
}  // namespace

TEST_CASE("points: each count in the cell containing the point; total preserved", "[population][points]") {
  // Grid 5 x 5 of 100 m. Points (metres from the origin, y downwards): (50, 50) -> cell (0,0); (250, 150) ->
  // (2,1); (260, 180) -> (2,1); (450, 450) -> (4,4). Counts 120, 30, 45.5, 1,000 (with a thousands separator).
  const Grid grid = make_grid(5, 5);
  TempDir dir;
  auto row = [](double dx, double dy, const std::string& n) {
    return std::to_string(kX0 + dx) + "," + std::to_string(kY0 - dy) + ",\"" + n + "\"\n";
  };
  const std::string csv = dir.write("villages.csv", "x,y,persons\n" + row(50, 50, "120") + row(250, 150, "30") +
                                                        row(260, 180, "45.5") + row(450, 450, "1,000"));
  const Levels lv(grid, whole_grid(grid));
  Diagnostics diag;
  const PopulationLoad pop = lv.load(points_spec(csv), diag);
  CHECK(diag.all().empty());
  CHECK(pop.input_total == Approx(1195.5));
  CHECK(pop.surface.total() == Approx(1195.5).epsilon(1e-6));
  CHECK(pop.surface.persons[grid.index(0, 0)] == Approx(120));
  CHECK(pop.surface.persons[grid.index(2, 1)] == Approx(75.5));
  CHECK(pop.surface.persons[grid.index(4, 4)] == Approx(1000));
  CHECK(pop.surface.populated_cells() == 3);
  CHECK(pop.outside_total == 0);
  CHECK(pop.method.find("4 points") != std::string::npos);
}

TEST_CASE("points outside the study area are counted in outside_total", "[population][points]") {
  // Study area: the left 3 columns of a 5 x 5 grid. (450, 50) is on the grid but outside the study area;
  // (-500, 50) is off the grid. Outside: 70 + 8 = 78 persons in 2 points.
  const Grid grid = make_grid(5, 5);
  TempDir dir;
  auto row = [](double dx, double dy, const std::string& n) {
    return std::to_string(kX0 + dx) + "," + std::to_string(kY0 - dy) + "," + n + "\n";
  };
  const std::string csv =
      dir.write("villages.csv", "x,y,persons\n" + row(50, 50, "100") + row(450, 50, "70") + row(-500, 50, "8"));
  const Levels lv(grid, make_level("county", {{"341602", box_wkt(kX0, kY0 - 500, kX0 + 300, kY0)}}));
  Diagnostics diag;
  const PopulationLoad pop = lv.load(points_spec(csv), diag);
  CHECK(pop.input_total == Approx(178));
  CHECK(pop.outside_total == Approx(78));
  CHECK(pop.surface.total() == Approx(100));
  check_invariant(pop);
  const carereach::Problem* w = find_problem(diag, "population.outside_study_area");
  REQUIRE(w != nullptr);
  CHECK(w->message.find("2 points with 78 persons") != std::string::npos);
}

TEST_CASE("points in longitude/latitude land in the right cells", "[population][points]") {
  const geo::Transformer to_utm(geo::CrsSpec::parse("EPSG:4326"), geo::CrsSpec::parse("EPSG:32650"));
  double x = 117.0, y = 31.0;
  REQUIRE(to_utm.transform(x, y));
  Grid grid = Grid::covering(x - 1000, y - 1000, x + 1000, y + 1000, 100);
  TempDir dir;
  const std::string csv = dir.write("v.csv", "lon,lat,persons\n117.0,31.0,250\n");
  PopulationSpec spec = points_spec(csv, "EPSG:4326");
  spec.source.x_field = "lon";
  spec.source.y_field = "lat";
  const Levels lv(grid, whole_grid(grid));
  Diagnostics diag;
  const PopulationLoad pop = lv.load(spec, diag);
  CHECK(pop.surface.persons[*grid.cell_at(x, y)] == Approx(250));
  CHECK(pop.surface.total() == Approx(250).epsilon(1e-6));
}

TEST_CASE("a bad count is an error naming the row and field", "[population][points]") {
  const Grid grid = make_grid(5, 5);
  TempDir dir;
  const std::string p = std::to_string(kX0 + 50) + "," + std::to_string(kY0 - 50) + ",";
  // Spreadsheet rows: header = row 1, so the data rows are rows 2-5.
  const std::string csv = dir.write("villages.csv", "x,y,persons\n" + p + "10\n" + p + "abc\n" + p + "\n" + p + "-3\n");
  const Levels lv(grid, whole_grid(grid));
  Diagnostics diag;
  const PopulationLoad pop = lv.load(points_spec(csv), diag);
  CHECK(diag.error_count() == 3);
  const carereach::Problem* nan = find_problem(diag, "population.count_not_a_number");
  REQUIRE(nan != nullptr);
  CHECK(nan->severity == Severity::kError);
  CHECK(nan->where.feature == "row 3");
  CHECK(nan->where.field == "persons");
  CHECK(nan->where.file == "villages.csv");
  CHECK(nan->message.find("abc") != std::string::npos);
  const carereach::Problem* empty = find_problem(diag, "population.count_empty");
  REQUIRE(empty != nullptr);
  CHECK(empty->where.feature == "row 4");
  const carereach::Problem* neg = find_problem(diag, "population.count_negative");
  REQUIRE(neg != nullptr);
  CHECK(neg->where.feature == "row 5");
  CHECK(neg->where.field == "persons");
  CHECK(pop.input_total == Approx(10));
}

// ---------------------------------------------------------------------------------------------------------
// Zone totals

namespace {

/// Two counties on a 10 x 10 grid of 100 m: 341602 over cols 0-3 (40 cells), 341603 over cols 4-9 (60 cells).
LoadedZoneLevel two_counties() {
  return make_level("county", {{"341602", box_wkt(kX0, kY0 - 1000, kX0 + 400, kY0)},
                               {"341603", box_wkt(kX0 + 400, kY0 - 1000, kX0 + 1000, kY0)}});
}

PopulationSpec totals_spec(const std::string& path) {
  PopulationSpec spec;
  spec.kind = PopulationKind::kZoneTotals;
  spec.source = source(path);
  spec.level = "county";
  spec.code_field = "code";
  spec.count_field = "persons";
  spec.label = "第七次全国人口普查";
  spec.year = "2020";
  return spec;
}

}  // namespace

TEST_CASE("zone totals spread uniformly: total / cells per cell", "[population][zones]") {
  // 341602: 1,000 persons / 40 cells = 25 per cell. 341603: 3,000.6 / 60 = 50.01 per cell.
  // The codes are written as a real ("341602.0") and with spaces; they must match the zones' codes.
  const Grid grid = make_grid(10, 10);
  TempDir dir;
  const std::string csv = dir.write("census.csv", "code,persons\n341602.0,1000\n\" 341603 \",3000.6\n");
  const Levels lv(grid, whole_grid(grid), two_counties());
  Diagnostics diag;
  const PopulationLoad pop = lv.load(totals_spec(csv), diag);
  CHECK(diag.all().empty());
  for (std::uint32_t r = 0; r < 10; ++r)
    for (std::uint32_t c = 0; c < 10; ++c) CHECK(pop.surface.persons[grid.index(c, r)] == Approx(c < 4 ? 25.0 : 50.01));
  CHECK(pop.input_total == Approx(4000.6));
  CHECK(pop.surface.total() == Approx(4000.6).epsilon(1e-6));
  CHECK(pop.outside_total == 0);
  CHECK(pop.method == "第七次全国人口普查 (2020) county totals spread uniformly over each county's 100 m cells");
}

TEST_CASE("zone totals from a numeric code field match text codes", "[population][zones]") {
  const Grid grid = make_grid(10, 10);
  TempDir dir;
  const std::string json = dir.write(
      "census.geojson",
      R"({"type":"FeatureCollection","features":[)"
      R"({"type":"Feature","properties":{"code":341602.0,"persons":400},"geometry":null},)"
      R"({"type":"Feature","properties":{"code":341603,"persons":600},"geometry":null}]})");
  const Levels lv(grid, whole_grid(grid), two_counties());
  Diagnostics diag;
  const PopulationLoad pop = lv.load(totals_spec(json), diag);
  CHECK(diag.all().empty());
  CHECK(pop.surface.persons[grid.index(0, 0)] == Approx(10));  // 400 / 40
  CHECK(pop.surface.persons[grid.index(9, 9)] == Approx(10));  // 600 / 60
  CHECK(pop.surface.total() == Approx(1000).epsilon(1e-6));
}

TEST_CASE("zone codes are normalised for comparison", "[population][zones]") {
  using carereach::io::normalise_zone_code;
  CHECK(normalise_zone_code(" 341602 ") == "341602");
  CHECK(normalise_zone_code("341602.0") == "341602");
  CHECK(normalise_zone_code("341602.000") == "341602");
  CHECK(normalise_zone_code("3.41602E+05") == "341602");
  CHECK(normalise_zone_code("3.41602001E+08") == "341602001");
  CHECK(normalise_zone_code("341602.5") == "341602.5");
  CHECK(normalise_zone_code("0101") == "0101");
  CHECK(normalise_zone_code("谯城区") == "谯城区");
  CHECK(normalise_zone_code("") == "");
}

TEST_CASE("zone totals weighted by a raster: persons in proportion to the weights", "[population][zones]") {
  // Weights w(c, r) = 1 + c on an aligned raster, except county 341603's cells (cols 4-9), which have weight 0
  // and fall back to uniform spreading with a warning.
  // 341602 (cols 0-3, rows 0-9): sum of weights = 10 x (1 + 2 + 3 + 4) = 100; 2,000 persons -> 20 per unit of
  // weight: col 0 cells get 20, col 1 40, col 2 60, col 3 80. 341603: 600 / 60 = 10 per cell.
  const Grid grid = make_grid(10, 10);
  std::vector<double> w(100);
  for (int r = 0; r < 10; ++r)
    for (int c = 0; c < 10; ++c) w[static_cast<std::size_t>(r * 10 + c)] = c < 4 ? 1.0 + c : 0.0;
  const std::string wpath = write_raster(10, 10, {kX0, 100, 0, kY0, 0, -100}, 32650, w);
  TempDir dir;
  const std::string csv = dir.write("census.csv", "code,persons\n341602,2000\n341603,600\n");
  PopulationSpec spec = totals_spec(csv);
  spec.weights = source(wpath);
  spec.weights->key = "population.weights";
  const Levels lv(grid, whole_grid(grid), two_counties());
  Diagnostics diag;
  const PopulationLoad pop = lv.load(spec, diag);
  for (std::uint32_t r = 0; r < 10; ++r)
    for (std::uint32_t c = 0; c < 10; ++c) {
      INFO("col " << c << " row " << r);
      CHECK(pop.surface.persons[grid.index(c, r)] == Approx(c < 4 ? 20.0 * (1 + c) : 10.0));
    }
  CHECK(pop.surface.total() == Approx(2600).epsilon(1e-6));
  const carereach::Problem* zero = find_problem(diag, "population.weights_zero");
  REQUIRE(zero != nullptr);
  CHECK(zero->message.find("341603") != std::string::npos);
  CHECK(pop.method.find("in proportion to") != std::string::npos);
}

TEST_CASE("zone totals: unknown codes, zones without a row, duplicate codes", "[population][zones]") {
  const Grid grid = make_grid(10, 10);
  TempDir dir;
  SECTION("a code that matches no zone: warning, its persons in outside_total") {
    const std::string csv = dir.write("census.csv", "code,persons\n341602,1000\n341699,250\n");
    const Levels lv(grid, whole_grid(grid), two_counties());
    Diagnostics diag;
    const PopulationLoad pop = lv.load(totals_spec(csv), diag);
    CHECK(diag.error_count() == 0);
    const carereach::Problem* unknown = find_problem(diag, "population.unknown_code");
    REQUIRE(unknown != nullptr);
    CHECK(unknown->severity == Severity::kWarning);
    CHECK(unknown->message.find("341699") != std::string::npos);
    CHECK(unknown->message.find("250 persons") != std::string::npos);
    const carereach::Problem* missing = find_problem(diag, "population.zone_without_total");
    REQUIRE(missing != nullptr);
    CHECK(missing->message.find("341603") != std::string::npos);
    CHECK(pop.input_total == Approx(1250));
    CHECK(pop.outside_total == Approx(250));
    CHECK(pop.surface.total() == Approx(1000));
    check_invariant(pop);
  }
  SECTION("a code twice: error naming the row") {
    const std::string csv = dir.write("census.csv", "code,persons\n341602,1000\n341603,10\n341602.0,5\n");
    const Levels lv(grid, whole_grid(grid), two_counties());
    Diagnostics diag;
    (void)lv.load(totals_spec(csv), diag);
    const carereach::Problem* dup = find_problem(diag, "population.duplicate_code");
    REQUIRE(dup != nullptr);
    CHECK(dup->severity == Severity::kError);
    CHECK(dup->where.feature == "row 4");
    CHECK(dup->where.field == "code");
    CHECK(dup->message.find("row 2") != std::string::npos);
  }
  SECTION("a bad count: error naming the row and field") {
    const std::string csv = dir.write("census.csv", "code,persons\n341602,1000\n341603,n/a\n");
    const Levels lv(grid, whole_grid(grid), two_counties());
    Diagnostics diag;
    (void)lv.load(totals_spec(csv), diag);
    REQUIRE(diag.first_error() != nullptr);
    CHECK(diag.first_error()->where.feature == "row 3");
    CHECK(diag.first_error()->where.field == "persons");
  }
}

TEST_CASE("a zone smaller than a cell puts its total in the cell holding a point inside it", "[population][zones]") {
  // Township 341602001 is 30 m x 30 m (x 660…690 m from the left, y 10…40 m below the top) inside cell (6, 0) but
  // away from its centre (650, 50): no cell centre, so its 77 persons go to the cell containing its point on
  // surface, cell (6, 0).
  const Grid grid = make_grid(10, 10);
  LoadedZoneLevel towns =
      make_level("township", {{"341602001", box_wkt(kX0 + 660, kY0 - 40, kX0 + 690, kY0 - 10)}});
  TempDir dir;
  const std::string csv = dir.write("towns.csv", "code,persons\n341602001,77\n");
  PopulationSpec spec = totals_spec(csv);
  spec.level = "township";
  const Levels lv(grid, whole_grid(grid), std::move(towns));
  Diagnostics diag;
  const PopulationLoad pop = lv.load(spec, diag);
  CHECK(pop.surface.persons[grid.index(6, 0)] == Approx(77));
  CHECK(pop.surface.total() == Approx(77));
  CHECK(find_problem(diag, "population.zone_without_cells") != nullptr);
}

TEST_CASE("zone totals of a zone partly outside the study area", "[population][zones]") {
  // Study area: cols 0-4. County 341603 (cols 4-9, 60 cells, 600 persons = 10 per cell) has 10 cells inside
  // (col 4) and 50 outside: 100 persons placed, 500 outside.
  const Grid grid = make_grid(10, 10);
  TempDir dir;
  const std::string csv = dir.write("census.csv", "code,persons\n341602,400\n341603,600\n");
  const Levels lv(grid, make_level("city", {{"3416", box_wkt(kX0, kY0 - 1000, kX0 + 500, kY0)}}), two_counties());
  Diagnostics diag;
  const PopulationLoad pop = lv.load(totals_spec(csv), diag);
  CHECK(pop.surface.total() == Approx(500));
  CHECK(pop.outside_total == Approx(500));
  CHECK(pop.surface.persons[grid.index(4, 0)] == Approx(10));
  CHECK(pop.surface.persons[grid.index(5, 0)] == 0);
  check_invariant(pop);
  CHECK(find_problem(diag, "population.outside_study_area") != nullptr);
}

TEST_CASE("zone totals for a level that is not there, or has only seats", "[population][zones]") {
  const Grid grid = make_grid(10, 10);
  TempDir dir;
  const std::string csv = dir.write("census.csv", "code,persons\n341602,400\n");
  PopulationSpec spec = totals_spec(csv);
  spec.level = "township";
  const Levels lv(grid, whole_grid(grid), two_counties());
  Diagnostics diag;
  try {
    (void)lv.load(spec, diag);
    FAIL("expected a ScenarioError");
  } catch (const carereach::ScenarioError& e) {
    CHECK(e.where().field == "population.level");
    CHECK(e.hint().find("county") != std::string::npos);
  }

  LoadedZoneLevel seats;
  seats.level.level = "township";
  seats.kind = carereach::io::ZoneGeometryKind::kSeats;
  seats.level.zones.resize(1);
  seats.level.zones[0].code = "341602001";
  seats.seats_m = {{kX0 + 50, kY0 - 50}};
  std::vector<LoadedZoneLevel> levels;
  levels.push_back(whole_grid(grid));
  levels.push_back(std::move(seats));
  std::vector<ZoneRaster> rasters;
  rasters.push_back(carereach::io::rasterize_zones(levels[0], grid));
  ZoneRaster seat_raster;  // seat levels have no raster (as io::load_scenario makes them)
  seat_raster.level = "township";
  rasters.push_back(seat_raster);
  CHECK_THROWS_AS(load_population(spec, grid, geo::CrsSpec::parse("EPSG:32650"), levels, rasters, rasters[0], diag),
                  carereach::ScenarioError);
}

// ---------------------------------------------------------------------------------------------------------
// Polygons

namespace {

/// A point of a test polygon, in metres from the bottom-left corner of a grid made by make_grid(…, rows).
struct At {
  double dx, dy;
};

/// Writes a number so that reading it back gives the same double.
std::string exact(double v) {
  std::ostringstream s;
  s.precision(17);
  s << v;
  return s.str();
}

/// A GeoJSON polygon (one outer ring, optional holes) from points in metres from the bottom-left of a grid of
/// `rows` rows; rings are closed here.
std::string polygon_geojson(const std::vector<std::vector<At>>& rings, std::uint32_t rows) {
  const double bottom = kY0 - 100.0 * rows;
  std::string out = R"({"type":"Polygon","coordinates":[)";
  for (std::size_t r = 0; r < rings.size(); ++r) {
    out += r ? ",[" : "[";
    std::vector<At> ring = rings[r];
    ring.push_back(ring.front());
    for (std::size_t i = 0; i < ring.size(); ++i)
      out += (i ? ",[" : "[") + exact(kX0 + ring[i].dx) + "," + exact(bottom + ring[i].dy) + "]";
    out += "]";
  }
  return out + "]}";
}

/// An axis-aligned rectangle x0…x1, y0…y1 (metres from the grid's bottom-left).
std::string rect_geojson(double x0, double y0, double x1, double y1, std::uint32_t rows) {
  return polygon_geojson({{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}}}, rows);
}

struct PolygonFeature {
  int id;                // becomes the feature's FID
  std::string persons;   // JSON value: 600, "abc", null …
  std::string geometry;  // GeoJSON geometry, or null
};

std::string feature_collection(const std::vector<PolygonFeature>& features) {
  std::string out = R"({"type":"FeatureCollection","features":[)";
  for (std::size_t i = 0; i < features.size(); ++i) {
    const PolygonFeature& f = features[i];
    out += (i ? "," : "") + std::string(R"({"type":"Feature","id":)") + std::to_string(f.id) +
           R"(,"properties":{"persons":)" + f.persons + R"(},"geometry":)" + f.geometry + "}";
  }
  return out + "]}";
}

PopulationSpec polygons_spec(const std::string& path, const std::string& crs = "EPSG:32650") {
  PopulationSpec spec;
  spec.kind = PopulationKind::kPolygons;
  spec.source = source(path, crs);
  spec.count_field = "persons";
  spec.label = "人口普查小区";
  spec.year = "2020";
  return spec;
}

/// Crossing-number point-in-polygon test over all rings (even-odd), the test's own.
bool inside_rings(const std::vector<std::vector<std::pair<double, double>>>& rings, double x, double y) {
  bool in = false;
  for (const auto& ring : rings)
    for (std::size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++) {
      const auto [xi, yi] = ring[i];
      const auto [xj, yj] = ring[j];
      if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) in = !in;
    }
  return in;
}

/// Distance from (x, y) to the nearest ring edge.
double distance_to_rings(const std::vector<std::vector<std::pair<double, double>>>& rings, double x, double y) {
  double best = 1e300;
  for (const auto& ring : rings)
    for (std::size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++) {
      const auto [x1, y1] = ring[j];
      const auto [x2, y2] = ring[i];
      const double dx = x2 - x1, dy = y2 - y1;
      const double t = std::clamp(((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy), 0.0, 1.0);
      best = std::min(best, std::hypot(x - (x1 + t * dx), y - (y1 + t * dy)));
    }
  return best;
}

}  // namespace

TEST_CASE("worked example: census blocks, one past the grid edge, one smaller than a cell", "[population][polygons]") {
  // docs/method/population.md, worked example 5. A 5 x 5 grid of 100 m; metres from its bottom-left corner.
  // A: x 0…250, y 0…200, 600 persons. Centres x = 50, 150 (250 is on A's right edge: not A's), y = 50, 150:
  //    4 cells (cols 0-1, rows 3-4), 150 each.
  // B: x 250…500, y 0…200, 900 persons. Centres x = 250 (on B's left edge: B's), 350, 450, y = 50, 150:
  //    6 cells (cols 2-4, rows 3-4), 150 each. A and B share the edge x = 250 and no cell.
  // C: x 400…700, y 400…500, 300 persons. Centres x = 450, 550, 650, y = 450: 3 cells, 100 each; only
  //    (col 4, row 0) is on the grid: 100 on the surface, 200 outside.
  // D: x 110…130, y 310…330, 12 persons: no centre (the nearest is (150, 350)); its point on surface (120, 320)
  //    lies in cell (col 1, row 1), which gets the 12.
  // Input 1812 = surface 1612 + outside 200.
  const Grid grid = make_grid(5, 5);
  TempDir dir;
  const std::string path = dir.write(
      "blocks.geojson", feature_collection({{1, "600", rect_geojson(0, 0, 250, 200, 5)},
                                            {2, "900", rect_geojson(250, 0, 500, 200, 5)},
                                            {3, "300", rect_geojson(400, 400, 700, 500, 5)},
                                            {4, "12", rect_geojson(110, 310, 130, 330, 5)}}));
  const Levels lv(grid, whole_grid(grid));
  Diagnostics diag;
  const PopulationLoad pop = lv.load(polygons_spec(path), diag);
  CHECK(diag.error_count() == 0);
  std::vector<double> expected(25, 0.0);
  for (std::uint32_t r = 3; r <= 4; ++r)
    for (std::uint32_t c = 0; c <= 4; ++c) expected[grid.index(c, r)] = 150;  // A (cols 0-1) and B (cols 2-4)
  expected[grid.index(4, 0)] = 100;                                           // C
  expected[grid.index(1, 1)] = 12;                                            // D
  for (std::uint32_t r = 0; r < 5; ++r)
    for (std::uint32_t c = 0; c < 5; ++c) {
      INFO("col " << c << " row " << r);
      CHECK(pop.surface.persons[grid.index(c, r)] == Approx(expected[grid.index(c, r)]).epsilon(1e-12));
    }
  CHECK(pop.surface.populated_cells() == 12);
  CHECK(pop.input_total == Approx(1812).epsilon(1e-12));
  CHECK(pop.surface.total() == Approx(1612).epsilon(1e-12));
  CHECK(pop.outside_total == Approx(200).epsilon(1e-12));
  check_invariant(pop);
  const carereach::Problem* tiny = find_problem(diag, "population.polygon_without_cells");
  REQUIRE(tiny != nullptr);
  CHECK(tiny->severity == Severity::kWarning);
  CHECK(tiny->message.find("1 polygon contains no cell centre") != std::string::npos);
  CHECK(tiny->message.find("feature 4") != std::string::npos);
  const carereach::Problem* outside = find_problem(diag, "population.outside_study_area");
  REQUIRE(outside != nullptr);
  CHECK(outside->message.find("1 polygon lies wholly or partly outside") != std::string::npos);
  CHECK(outside->message.find("200 persons (11% of the 1,812 persons") != std::string::npos);
  CHECK(find_problem(diag, "population.polygons_overlap") == nullptr);
  CHECK(pop.method == "人口普查小区 (2020): 4 polygons with a persons count, each spread uniformly over the 100 m "
                      "cells whose centres it contains");
}

TEST_CASE("a triangle and a polygon with a hole: cells as a brute-force point-in-polygon count says",
          "[population][polygons]") {
  // Each polygon's count is divided evenly among the cells whose centres the test's own crossing-number test
  // puts inside it; the vertices are chosen so that no centre lies within a millimetre of an edge.
  const Grid grid = make_grid(10, 10);
  const double bottom = kY0 - 1000;
  SECTION("triangle") {
    const std::vector<At> tri = {{37.3, 88.1}, {955.5, 511.2}, {211.7, 958.1}};
    const double persons = 1234.5;
    TempDir dir;
    const std::string path =
        dir.write("tri.geojson", feature_collection({{1, "1234.5", polygon_geojson({tri}, 10)}}));
    std::vector<std::vector<std::pair<double, double>>> rings(1);
    for (const At& p : tri) rings[0].emplace_back(std::stod(exact(kX0 + p.dx)), std::stod(exact(bottom + p.dy)));
    std::vector<bool> in(100, false);
    std::size_t n = 0;
    for (std::uint32_t r = 0; r < 10; ++r)
      for (std::uint32_t c = 0; c < 10; ++c) {
        REQUIRE(distance_to_rings(rings, grid.centre_x_m(c), grid.centre_y_m(r)) > 1e-3);
        in[grid.index(c, r)] = inside_rings(rings, grid.centre_x_m(c), grid.centre_y_m(r));
        n += in[grid.index(c, r)] ? 1 : 0;
      }
    REQUIRE(n > 20);
    const Levels lv(grid, whole_grid(grid));
    Diagnostics diag;
    const PopulationLoad pop = lv.load(polygons_spec(path), diag);
    CHECK(diag.all().empty());
    for (std::size_t i = 0; i < 100; ++i) {
      INFO("cell " << i);
      CHECK(pop.surface.persons[i] == Approx(in[i] ? persons / static_cast<double>(n) : 0.0).epsilon(1e-12));
    }
    CHECK(pop.surface.populated_cells() == n);
    CHECK(pop.surface.total() == Approx(persons).epsilon(1e-9));
    check_invariant(pop);
  }
  SECTION("square with a hole") {
    // Outer x 0…1000, y 0…1000 (all 100 centres); hole x 310…690, y 310…690 holds the centres 350…650 in x and
    // y: 16 cells. 840 persons over 84 cells = 10 each.
    TempDir dir;
    const std::vector<At> outer = {{0, 0}, {1000, 0}, {1000, 1000}, {0, 1000}};
    const std::vector<At> inner = {{310, 310}, {690, 310}, {690, 690}, {310, 690}};
    const std::string geometry = polygon_geojson({outer, inner}, 10);
    const std::string path = dir.write("holed.geojson", feature_collection({{1, "840", geometry}}));
    const Levels lv(grid, whole_grid(grid));
    Diagnostics diag;
    const PopulationLoad pop = lv.load(polygons_spec(path), diag);
    for (std::uint32_t r = 0; r < 10; ++r)
      for (std::uint32_t c = 0; c < 10; ++c) {
        const bool hole = c >= 3 && c <= 6 && r >= 3 && r <= 6;
        CHECK(pop.surface.persons[grid.index(c, r)] == Approx(hole ? 0.0 : 10.0));
      }
    CHECK(pop.surface.total() == Approx(840).epsilon(1e-9));
  }
}

TEST_CASE("polygons in longitude/latitude are projected before the cell-centre rule", "[population][polygons]") {
  // A quadrilateral of about 1.5 km around 117°E 31°N in EPSG:4326; the expected cells come from the test's own
  // point-in-polygon test on its corners converted to the analysis CRS.
  const std::vector<std::pair<double, double>> lonlat = {
      {116.9931, 30.9942}, {117.0087, 30.9957}, {117.0064, 31.0081}, {116.9953, 31.0049}};
  const geo::Transformer to_utm(geo::CrsSpec::parse("EPSG:4326"), geo::CrsSpec::parse("EPSG:32650"));
  std::vector<std::vector<std::pair<double, double>>> rings(1);
  std::string coords;
  for (std::size_t i = 0; i <= lonlat.size(); ++i) {
    const auto [lon, lat] = lonlat[i % lonlat.size()];
    coords += (i ? ",[" : "[") + exact(lon) + "," + exact(lat) + "]";
    if (i == lonlat.size()) break;
    double x = lon, y = lat;
    REQUIRE(to_utm.transform(x, y));
    rings[0].emplace_back(x, y);
  }
  double x = 117.0, y = 31.0;
  REQUIRE(to_utm.transform(x, y));
  const Grid grid = Grid::covering(x - 2000, y - 2000, x + 2000, y + 2000, 100);
  TempDir dir;
  const std::string path = dir.write(
      "ll.geojson", feature_collection({{1, "5000", R"({"type":"Polygon","coordinates":[[)" + coords + "]]}"}}));
  std::size_t n = 0;
  std::vector<bool> in(grid.cell_count(), false);
  for (std::uint32_t r = 0; r < grid.rows; ++r)
    for (std::uint32_t c = 0; c < grid.cols; ++c) {
      REQUIRE(distance_to_rings(rings, grid.centre_x_m(c), grid.centre_y_m(r)) > 1e-3);
      in[grid.index(c, r)] = inside_rings(rings, grid.centre_x_m(c), grid.centre_y_m(r));
      n += in[grid.index(c, r)] ? 1 : 0;
    }
  REQUIRE(n > 100);
  const Levels lv(grid, whole_grid(grid));
  Diagnostics diag;
  const PopulationLoad pop = lv.load(polygons_spec(path, "EPSG:4326"), diag);
  CHECK(diag.all().empty());
  for (std::size_t i = 0; i < grid.cell_count(); ++i)
    CHECK(pop.surface.persons[i] == Approx(in[i] ? 5000.0 / static_cast<double>(n) : 0.0).epsilon(1e-12));
  CHECK(pop.surface.total() == Approx(5000).epsilon(1e-9));
}

TEST_CASE("polygons outside the study area: their cells' shares go to outside_total with a warning",
          "[population][polygons]") {
  // Study area: cols 0-4 of a 10 x 10 grid. P1 (x 300…700, top 200 m: cols 3-6, rows 0-1, 8 cells) has 800
  // persons, 100 per cell: cols 3-4 inside (400), cols 5-6 outside (400). P2 lies 50 km away (70 persons) and
  // P3 on the grid's cols 8-9, rows 5-6 (40 persons): wholly outside. Input 910, outside 510, surface 400.
  const Grid grid = make_grid(10, 10);
  TempDir dir;
  const std::string path = dir.write(
      "blocks.geojson", feature_collection({{1, "800", rect_geojson(300, 800, 700, 1000, 10)},
                                            {2, "70", rect_geojson(50000, 0, 50300, 300, 10)},
                                            {3, "40", rect_geojson(800, 300, 1000, 500, 10)}}));
  const Levels lv(grid, make_level("county", {{"341602", box_wkt(kX0, kY0 - 1000, kX0 + 500, kY0)}}));
  Diagnostics diag;
  const PopulationLoad pop = lv.load(polygons_spec(path), diag);
  CHECK(pop.input_total == Approx(910));
  CHECK(pop.outside_total == Approx(510));
  CHECK(pop.surface.total() == Approx(400));
  for (std::uint32_t c = 3; c <= 4; ++c)
    for (std::uint32_t r = 0; r <= 1; ++r) CHECK(pop.surface.persons[grid.index(c, r)] == Approx(100));
  CHECK(pop.surface.populated_cells() == 4);
  check_invariant(pop);
  const carereach::Problem* w = find_problem(diag, "population.outside_study_area");
  REQUIRE(w != nullptr);
  CHECK(w->severity == Severity::kWarning);
  CHECK(w->message.find("3 polygons lie wholly or partly outside the study area: 510 persons (56% of the 910") !=
        std::string::npos);
  CHECK(find_problem(diag, "population.polygon_without_cells") == nullptr);  // P2 has cells, off the grid
}

TEST_CASE("polygons weighted by a raster; cells off the grid keep their share out", "[population][polygons]") {
  // Weights by column c: 1, 2, 3, 4, 0, 0, 0, 0, 3, 2 (every row).
  // A: cols 0-3, all rows (40 cells), 2,000 persons; weight sum 10 x (1 + 2 + 3 + 4) = 100: 20 per unit of weight,
  //    so cols 0-3 get 20, 40, 60, 80 per cell.
  // B: cols 4-7, all rows (40 cells), 400 persons, no weight: spread uniformly, 10 per cell, with a warning.
  // C: x 800…1200, top 500 m: cols 8-11, rows 0-4 (20 cells, 10 of them off the grid), 1,000 persons: the 10
  //    cells off the grid take 10/20 of them (500) out; the other 500 follow the weights 3 and 2 (sum 5 x 5 = 25,
  //    20 per unit): col 8 gets 60, col 9 gets 40 in rows 0-4.
  const Grid grid = make_grid(10, 10);
  const double wcol[10] = {1, 2, 3, 4, 0, 0, 0, 0, 3, 2};
  std::vector<double> w(100);
  for (std::size_t r = 0; r < 10; ++r)
    for (std::size_t c = 0; c < 10; ++c) w[r * 10 + c] = wcol[c];
  const std::string wpath = write_raster(10, 10, {kX0, 100, 0, kY0, 0, -100}, 32650, w);
  TempDir dir;
  const std::string path = dir.write(
      "blocks.geojson", feature_collection({{1, "2000", rect_geojson(0, 0, 400, 1000, 10)},
                                            {2, "400", rect_geojson(400, 0, 800, 1000, 10)},
                                            {3, "1000", rect_geojson(800, 500, 1200, 1000, 10)}}));
  PopulationSpec spec = polygons_spec(path);
  spec.weights = source(wpath);
  spec.weights->key = "population.weights";
  const Levels lv(grid, whole_grid(grid));
  Diagnostics diag;
  const PopulationLoad pop = lv.load(spec, diag);
  for (std::uint32_t r = 0; r < 10; ++r)
    for (std::uint32_t c = 0; c < 10; ++c) {
      INFO("col " << c << " row " << r);
      double expected = c < 4 ? 20.0 * (1 + c) : (c < 8 ? 10.0 : 0.0);
      if (c >= 8 && r < 5) expected = c == 8 ? 60.0 : 40.0;
      CHECK(pop.surface.persons[grid.index(c, r)] == Approx(expected).epsilon(1e-12));
    }
  CHECK(pop.input_total == Approx(3400));
  CHECK(pop.outside_total == Approx(500).epsilon(1e-12));
  CHECK(pop.surface.total() == Approx(2900).epsilon(1e-12));
  check_invariant(pop);
  const carereach::Problem* zero = find_problem(diag, "population.weights_zero");
  REQUIRE(zero != nullptr);
  CHECK(zero->message.find("1 polygon has no weight") != std::string::npos);
  CHECK(zero->message.find("feature 2") != std::string::npos);
  CHECK(pop.method.find("in proportion to") != std::string::npos);
}

TEST_CASE("overlapping polygons are spread independently", "[population][polygons]") {
  // A: cols 0-5, rows 0-1 (12 cells), 1,200 persons, 100 per cell. B: cols 4-9, rows 0-1 (12 cells), 600
  // persons, 50 per cell. Cols 4-5 hold both: 150. Total 1,800, with a warning for the 4 shared cells.
  const Grid grid = make_grid(10, 10);
  TempDir dir;
  const std::string path = dir.write(
      "blocks.geojson", feature_collection({{1, "1200", rect_geojson(0, 800, 600, 1000, 10)},
                                            {2, "600", rect_geojson(400, 800, 1000, 1000, 10)}}));
  const Levels lv(grid, whole_grid(grid));
  Diagnostics diag;
  const PopulationLoad pop = lv.load(polygons_spec(path), diag);
  for (std::uint32_t r = 0; r <= 1; ++r)
    for (std::uint32_t c = 0; c < 10; ++c)
      CHECK(pop.surface.persons[grid.index(c, r)] == Approx(c < 4 ? 100.0 : (c < 6 ? 150.0 : 50.0)));
  CHECK(pop.surface.total() == Approx(1800).epsilon(1e-9));
  const carereach::Problem* overlap = find_problem(diag, "population.polygons_overlap");
  REQUIRE(overlap != nullptr);
  CHECK(overlap->message.find("4 cells have their centre in more than one polygon") != std::string::npos);
}

TEST_CASE("bad counts and bad polygons are errors naming the feature and field", "[population][polygons]") {
  const Grid grid = make_grid(5, 5);
  TempDir dir;
  const std::string box = rect_geojson(0, 0, 200, 200, 5);
  const std::string path = dir.write(
      "blocks.geojson",
      feature_collection({{1, "10", box},
                          {2, R"("abc")", box},
                          {3, "null", box},
                          {4, "-3", box},
                          {5, "7", "null"},
                          {6, "7", R"({"type":"Point","coordinates":[500050.0,3434950.0]})"}}));
  const Levels lv(grid, whole_grid(grid));
  Diagnostics diag;
  const PopulationLoad pop = lv.load(polygons_spec(path), diag);
  CHECK(diag.error_count() == 5);
  const carereach::Problem* nan = find_problem(diag, "population.count_not_a_number");
  REQUIRE(nan != nullptr);
  CHECK(nan->severity == Severity::kError);
  CHECK(nan->where.file == "blocks.geojson");
  CHECK(nan->where.feature == "feature 2");
  CHECK(nan->where.field == "persons");
  CHECK(nan->message.find("abc") != std::string::npos);
  const carereach::Problem* empty = find_problem(diag, "population.count_empty");
  REQUIRE(empty != nullptr);
  CHECK(empty->where.feature == "feature 3");
  CHECK(empty->where.field == "persons");
  const carereach::Problem* neg = find_problem(diag, "population.count_negative");
  REQUIRE(neg != nullptr);
  CHECK(neg->where.feature == "feature 4");
  CHECK(neg->where.field == "persons");
  const carereach::Problem* none = find_problem(diag, "population.no_geometry");
  REQUIRE(none != nullptr);
  CHECK(none->where.feature == "feature 5");
  const carereach::Problem* point = find_problem(diag, "population.not_polygon");
  REQUIRE(point != nullptr);
  CHECK(point->where.feature == "feature 6");
  CHECK(point->message.find("Point") != std::string::npos);
  CHECK(pop.input_total == Approx(10));  // only feature 1
  CHECK(pop.surface.total() == Approx(10));
}

TEST_CASE("polygons from a table or a layer of points are refused", "[population][polygons]") {
  const Grid grid = make_grid(5, 5);
  const Levels lv(grid, whole_grid(grid));
  TempDir dir;
  Diagnostics diag;
  SECTION("a CSV") {
    const std::string csv = dir.write("blocks.csv", "id,persons\n1,10\n");
    try {
      (void)lv.load(polygons_spec(csv), diag);
      FAIL("expected an InputError");
    } catch (const carereach::InputError& e) {
      CHECK(e.message().find("is a table") != std::string::npos);
      CHECK(e.where().file == "blocks.csv");
    }
  }
  SECTION("points") {
    const std::string path = dir.write(
        "villages.geojson",
        R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{"persons":5},)"
        R"("geometry":{"type":"Point","coordinates":[500050.0,3434950.0]}}]})");
    try {
      (void)lv.load(polygons_spec(path), diag);
      FAIL("expected an InputError");
    } catch (const carereach::InputError& e) {
      CHECK(e.message().find("Point") != std::string::npos);
      CHECK(e.hint().find("kind = \"points\"") != std::string::npos);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Census totals weighted by settlement points, a weights raster, and finer totals (docs/method/population.md,
// "Census totals weighted by settlements")

namespace {

constexpr double kKm = 1000.0;

/// Counties of a 2-row grid of 1,000 m cells: 100001 over cols 0-1, 100002 over cols 2-3, 100003 over cols 4-5 …
LoadedZoneLevel km_counties(int n) {
  std::vector<std::pair<std::string, std::string>> z;
  for (int i = 0; i < n; ++i)
    z.emplace_back(std::to_string(100001 + i), box_wkt(kX0 + 2 * i * kKm, kY0 - 2 * kKm, kX0 + 2 * (i + 1) * kKm, kY0));
  LoadedZoneLevel level = make_level("county", z);
  level.level.label_zh = "区县";
  return level;
}

/// "x,y" of the point at (col, row) in cell units of a 1,000 m grid at (kX0, kY0): (0.5, 0.5) is the centre of
/// cell (0, 0).
std::string km_xy(double col, double row) {
  std::ostringstream s;
  s.precision(17);
  s << kX0 + col * kKm << "," << kY0 - row * kKm;
  return s.str();
}

PopulationSpec settled_spec(const std::string& census, const std::string& points, std::optional<double> bandwidth_m) {
  PopulationSpec spec;
  spec.kind = PopulationKind::kZoneTotals;
  spec.source = source(census);
  spec.level = "county";
  spec.code_field = "code";
  spec.count_field = "persons";
  spec.label = "第七次全国人口普查";
  spec.year = "2020";
  carereach::io::SettlementSpec st;
  st.source = source(points, "EPSG:32650");
  st.source.key = "population.settlements";
  st.source.x_field = "x";
  st.source.y_field = "y";
  st.bandwidth_m = bandwidth_m;
  spec.settlements = st;
  return spec;
}

struct WeightedPoint {
  double x, y, w;
};

/// Brute-force reference for the settlement surface at a cell centre: Σ w·exp(−d²/(2h²)) over the points within
/// 4h (docs/method/population.md), written out without the loader's separable evaluation.
double kernel_at(const Grid& g, std::uint32_t col, std::uint32_t row, const std::vector<WeightedPoint>& pts, double h) {
  double s = 0;
  for (const auto& p : pts) {
    const double dx = g.centre_x_m(col) - p.x, dy = g.centre_y_m(row) - p.y;
    const double d2 = dx * dx + dy * dy;
    if (d2 <= 16 * h * h) s += p.w * std::exp(-d2 / (2 * h * h));
  }
  return s;
}

/// Persons on the grid per zone of a zone raster.
std::vector<double> per_zone(const PopulationLoad& pop, const ZoneRaster& raster, std::size_t zones) {
  std::vector<double> out(zones, 0.0);
  for (std::size_t i = 0; i < pop.surface.persons.size(); ++i)
    if (raster.zone_of_cell[i] != ZoneRaster::kNone) out[raster.zone_of_cell[i]] += pop.surface.persons[i];
  return out;
}

std::size_t count_problems(const Diagnostics& diag, const std::string& code) {
  std::size_t n = 0;
  for (const auto& p : diag.all()) n += p.code == code ? 1 : 0;
  return n;
}

}  // namespace

TEST_CASE("worked example: two villages weight a county's total by a Gaussian kernel; a county without one is uniform",
          "[population][settlements]") {
  // docs/method/population.md, worked example 6. A 4 x 2 grid of 1,000 m cells; county 100001 = cols 0-1 (10,000
  // persons), 100002 = cols 2-3 (6,000 persons). Two village seats in 100001: V1 at the centre of cell (0, 0),
  // weight 1; V2 at the centre of cell (1, 1), weight 2. Bandwidth h = 1,000 m, so a neighbour's centre (d = 1 km)
  // weighs exp(−1/2) and a diagonal one (d² = 2 km²) exp(−1):
  //   cell (0, 0): 1 + 2·e^−1            = 1.7357589
  //   cell (1, 0): e^−½ + 2·e^−½ = 3e^−½   = 1.8195920
  //   cell (0, 1): 3e^−½                  = 1.8195920
  //   cell (1, 1): e^−1 + 2               = 2.3678794      sum 7.7428223
  // so 10,000 persons go 2,241.77 / 2,350.04 / 2,350.04 / 3,058.16. County 100002 holds no village: 6,000 / 4 =
  // 1,500 per cell, with a warning naming it (the kernels of V1 and V2 reaching into it do not count).
  const Grid grid = make_grid(4, 2, kKm);
  TempDir dir;
  const std::string census = dir.write("census.csv", "code,persons\n100001,10000\n100002,6000\n");
  const std::string points =
      dir.write("villages.csv", "name,households,x,y\nV1,1," + km_xy(0.5, 0.5) + "\nV2,2," + km_xy(1.5, 1.5) + "\n");
  PopulationSpec spec = settled_spec(census, points, 1000.0);
  spec.settlements->weight_field = "households";
  spec.settlements->label = "乡镇驻地和村委会";
  const Levels lv(grid, whole_grid(grid), km_counties(2));
  Diagnostics diag;
  const PopulationLoad pop = lv.load(spec, diag);
  const double e_half = std::exp(-0.5), e_one = std::exp(-1.0);
  const double w00 = 1 + 2 * e_one, w10 = 3 * e_half, w01 = 3 * e_half, w11 = e_one + 2;
  const double sum_w = w00 + w10 + w01 + w11;
  CHECK(sum_w == Approx(7.7428223).epsilon(1e-7));
  CHECK(pop.surface.persons[grid.index(0, 0)] == Approx(10000 * w00 / sum_w).epsilon(1e-12));
  CHECK(pop.surface.persons[grid.index(1, 0)] == Approx(10000 * w10 / sum_w).epsilon(1e-12));
  CHECK(pop.surface.persons[grid.index(0, 1)] == Approx(10000 * w01 / sum_w).epsilon(1e-12));
  CHECK(pop.surface.persons[grid.index(1, 1)] == Approx(10000 * w11 / sum_w).epsilon(1e-12));
  CHECK(pop.surface.persons[grid.index(0, 0)] == Approx(2241.77).margin(0.005));
  CHECK(pop.surface.persons[grid.index(1, 1)] == Approx(3058.16).margin(0.005));
  for (std::uint32_t r = 0; r < 2; ++r)
    for (std::uint32_t c = 2; c < 4; ++c) CHECK(pop.surface.persons[grid.index(c, r)] == Approx(1500).epsilon(1e-12));
  // Every zone keeps its total to floating-point accuracy.
  const std::vector<double> zones = per_zone(pop, lv.rasters[1], 2);
  CHECK(zones[0] == Approx(10000).epsilon(1e-12));
  CHECK(zones[1] == Approx(6000).epsilon(1e-12));
  check_invariant(pop);
  // The county without a village is named, never silently uniform; nothing else is said.
  REQUIRE(diag.all().size() == 1);
  const carereach::Problem* none = find_problem(diag, "population.zone_without_settlements");
  REQUIRE(none != nullptr);
  CHECK(none->severity == Severity::kWarning);
  CHECK(none->message.find("100002") != std::string::npos);
  CHECK(none->message.find("uniformly") != std::string::npos);
  CHECK(none->message.find("100001") == std::string::npos);
  // The method says how, in both languages (as docs/method/population.md quotes it).
  CHECK(pop.method ==
        "第七次全国人口普查 (2020) county totals spread over each county's 1000 m cells in proportion to the settlement "
        "surface: a Gaussian kernel (bandwidth 1,000 m, cut off at 4 bandwidths) around each of 2 points of "
        "villages.csv (乡镇驻地和村委会, weighted by households); 1 county zone without a settlement point spread "
        "uniformly");
  CHECK(pop.method_zh ==
        "第七次全国人口普查（2020）区县人口总数按乡镇驻地和村委会位置加权分配到 1000 米格网（高斯核，带宽 1,000 m；"
        "2 个点，按 households 加权）；1 个区县无乡镇驻地和村委会，均匀分配");
}

TEST_CASE("settlement kernels compose with a weights raster: kernel surface × weights", "[population][settlements]") {
  // A 6 x 2 grid of 1,000 m: counties 100001 (cols 0-1, 9,000 persons), 100002 (cols 2-3, 4,000), 100003 (cols 4-5,
  // 2,000). Villages: V1 (0.5, 0.5) w 1 and V2 (1.5, 1.5) w 2 in 100001; V3 (4.5, 0.5) w 1 in 100003. Built-up
  // weights b: 100001 cols/rows (0,0) 1, (1,0) 0.5, (0,1) 0, (1,1) 1; 100002 row 0: 1, row 1: 0; 100003: 0.
  //  - 100001 has villages and built-up weight near them: persons ∝ kernel × b;
  //  - 100002 has no village: persons ∝ b (3,000 … no: 2,000 per cell of row 0, 0 in row 1), with a warning;
  //  - 100003 has a village but no built-up weight: persons ∝ kernel alone, with a warning.
  // The kernel at each cell comes from kernel_at (a brute-force sum over the three villages, cut off at 4 km: V2
  // reaches (4, 0) at d² = 10 km² but not (5, 0) at d² = 17 km²; it reaches (5, 1) at exactly 4 km).
  const Grid grid = make_grid(6, 2, kKm);
  TempDir dir;
  const std::string census = dir.write("census.csv", "code,persons\n100001,9000\n100002,4000\n100003,2000\n");
  const std::string points = dir.write("villages.csv", "w,x,y\n1," + km_xy(0.5, 0.5) + "\n2," + km_xy(1.5, 1.5) +
                                                           "\n1," + km_xy(4.5, 0.5) + "\n");
  const std::vector<double> b = {1, 0.5, 1, 1, 0, 0,  //
                                 0, 1, 0, 0, 0, 0};
  const std::string wpath = write_raster(6, 2, {kX0, kKm, 0, kY0, 0, -kKm}, 32650, b);
  PopulationSpec spec = settled_spec(census, points, 1000.0);
  spec.settlements->weight_field = "w";
  spec.weights = source(wpath);
  spec.weights->key = "population.weights";
  const Levels lv(grid, whole_grid(grid), km_counties(3));
  Diagnostics diag;
  const PopulationLoad pop = lv.load(spec, diag);
  const std::vector<WeightedPoint> pts = {{kX0 + 500, kY0 - 500, 1}, {kX0 + 1500, kY0 - 1500, 2}, {kX0 + 4500, kY0 - 500, 1}};
  CHECK(kernel_at(grid, 5, 0, {pts[1]}, kKm) == 0);                           // d² = 17 km²: cut off
  CHECK(kernel_at(grid, 5, 1, {pts[1]}, kKm) == Approx(2 * std::exp(-8.0)));  // d = 4 km: in
  auto expected = [&](std::uint32_t c, std::uint32_t r) {
    const std::size_t i = grid.index(c, r);
    if (c < 2) {
      double s = 0;
      for (std::uint32_t cc = 0; cc < 2; ++cc)
        for (std::uint32_t rr = 0; rr < 2; ++rr) s += kernel_at(grid, cc, rr, pts, kKm) * b[grid.index(cc, rr)];
      return 9000 * kernel_at(grid, c, r, pts, kKm) * b[i] / s;
    }
    if (c < 4) return 4000 * b[i] / 2.0;
    double s = 0;
    for (std::uint32_t cc = 4; cc < 6; ++cc)
      for (std::uint32_t rr = 0; rr < 2; ++rr) s += kernel_at(grid, cc, rr, pts, kKm);
    return 2000 * kernel_at(grid, c, r, pts, kKm) / s;
  };
  for (std::uint32_t r = 0; r < 2; ++r)
    for (std::uint32_t c = 0; c < 6; ++c) {
      INFO("col " << c << " row " << r);
      CHECK(pop.surface.persons[grid.index(c, r)] == Approx(expected(c, r)).epsilon(1e-12).margin(1e-9));
    }
  CHECK(pop.surface.persons[grid.index(0, 1)] == 0);  // no built-up weight
  const std::vector<double> zones = per_zone(pop, lv.rasters[1], 3);
  CHECK(zones[0] == Approx(9000).epsilon(1e-12));
  CHECK(zones[1] == Approx(4000).epsilon(1e-12));
  CHECK(zones[2] == Approx(2000).epsilon(1e-12));
  check_invariant(pop);
  const carereach::Problem* none = find_problem(diag, "population.zone_without_settlements");
  REQUIRE(none != nullptr);
  CHECK(none->message.find("100002") != std::string::npos);
  CHECK(none->message.find("alone") != std::string::npos);
  const carereach::Problem* zero = find_problem(diag, "population.weights_zero");
  REQUIRE(zero != nullptr);
  CHECK(zero->message.find("100003") != std::string::npos);
  CHECK(zero->message.find("settlement surface alone") != std::string::npos);
  CHECK(pop.method.find(", multiplied by ") != std::string::npos);
  CHECK(pop.method_zh.find("并乘以") != std::string::npos);
}

TEST_CASE("without bandwidth_m the bandwidth comes from the points' spacing: sqrt(A / 12n)",
          "[population][settlements]") {
  // Two counties on a 10 x 10 grid of 100 m (study area 1 km²); three villages, all in 341602 (cols 0-3).
  // h = sqrt(1,000,000 m² / (12 × 3)) = 166.7 m, rounded to 170 m. 341602's 1,200 persons go in proportion to the
  // brute-force kernel sum with h = 170 m; 341603 (no village) is uniform, 900 / 60 = 15 per cell.
  const Grid grid = make_grid(10, 10);
  TempDir dir;
  const std::string census = dir.write("census.csv", "code,persons\n341602,1200\n341603,900\n");
  const std::vector<WeightedPoint> pts = {{kX0 + 50, kY0 - 50, 1}, {kX0 + 220, kY0 - 430, 1}, {kX0 + 390, kY0 - 960, 1}};
  std::string csv = "x,y\n";
  for (const auto& p : pts) csv += exact(p.x) + "," + exact(p.y) + "\n";
  const std::string points = dir.write("villages.csv", csv);
  const Levels lv(grid, whole_grid(grid), two_counties());
  Diagnostics diag;
  const PopulationLoad pop = lv.load(settled_spec(census, points, std::nullopt), diag);
  const double h = 170;
  double s = 0;
  for (std::uint32_t r = 0; r < 10; ++r)
    for (std::uint32_t c = 0; c < 4; ++c) s += kernel_at(grid, c, r, pts, h);
  for (std::uint32_t r = 0; r < 10; ++r)
    for (std::uint32_t c = 0; c < 10; ++c) {
      INFO("col " << c << " row " << r);
      const double want = c < 4 ? 1200 * kernel_at(grid, c, r, pts, h) / s : 15.0;
      CHECK(pop.surface.persons[grid.index(c, r)] == Approx(want).epsilon(1e-12).margin(1e-12));
    }
  CHECK(pop.method.find("bandwidth 170 m, from the points' spacing") != std::string::npos);
  CHECK(pop.method_zh.find("带宽 170 m，由点间距推算") != std::string::npos);
  const std::vector<double> zones = per_zone(pop, lv.rasters[1], 2);
  CHECK(zones[0] == Approx(1200).epsilon(1e-12));
  CHECK(zones[1] == Approx(900).epsilon(1e-12));
}

TEST_CASE("settlement points: missing coordinates, bad weights, points outside their zone, filters",
          "[population][settlements]") {
  const Grid grid = make_grid(4, 2, kKm);
  TempDir dir;
  const std::string census = dir.write("census.csv", "code,persons\n100001,1000\n100002,1000\n");
  const Levels lv(grid, whole_grid(grid), km_counties(2));

  SECTION("rows without coordinates are left out with a warning; a bad weight is an error naming row and field") {
    const std::string points = dir.write("v.csv", "hh,x,y\n3," + km_xy(0.5, 0.5) + "\n4,,\nmany," + km_xy(2.5, 0.5) +
                                                     "\n-1," + km_xy(3.5, 0.5) + "\n");
    PopulationSpec spec = settled_spec(census, points, 1000.0);
    spec.settlements->weight_field = "hh";
    Diagnostics diag;
    (void)lv.load(spec, diag);
    const carereach::Problem* gap = find_problem(diag, "population.settlement_no_coordinates");
    REQUIRE(gap != nullptr);
    CHECK(gap->severity == Severity::kWarning);
    CHECK(gap->message.find("row 3") != std::string::npos);
    REQUIRE(count_problems(diag, "population.settlement_weight_invalid") == 2);
    const carereach::Problem* bad = find_problem(diag, "population.settlement_weight_invalid");
    CHECK(bad->severity == Severity::kError);
    CHECK(bad->where.field == "hh");
    CHECK(bad->where.feature == "row 4");
    CHECK(bad->message.find("'many'") != std::string::npos);
    CHECK(diag.has_errors());
  }

  SECTION("a point whose code names another zone than the one it lies in is reported, and so is one off the grid") {
    // 12-digit village codes name their county by their first 6 digits. Row 3 (100001…) lies in 100002; row 4
    // names no county but lies in 100002; row 2 is where it should be. Weight 0 (row 5) is left out of everything.
    // Rows 6 (a village of another county, off the grid) and 7 (of another county, without coordinates) belong to
    // another region: nothing is said about them. Row 8 (of 100001, without coordinates) is reported.
    const std::string points = dir.write(
        "v.csv", "code,w,x,y\n100001001001,1," + km_xy(0.5, 0.5) + "\n100001001002,1," + km_xy(2.5, 1.5) +
                     "\n999999001001,1," + km_xy(3.5, 0.5) + "\n100002001001,0," + km_xy(2.5, 0.5) +
                     "\n888888001001,1," + km_xy(30, 0.5) + "\n888888001002,1,,\n100001001003,1,,\n");
    PopulationSpec spec = settled_spec(census, points, 1000.0);
    spec.settlements->code_field = "code";
    spec.settlements->weight_field = "w";
    Diagnostics diag;
    const PopulationLoad pop = lv.load(spec, diag);
    CHECK_FALSE(diag.has_errors());
    REQUIRE(count_problems(diag, "population.settlement_outside_zone") == 2);
    bool named_wrong = false, named_unknown = false;
    for (const auto& p : diag.all()) {
      if (p.code != "population.settlement_outside_zone") continue;
      if (p.message.find("row 3 (100001001002) of 100001 lies in 100002") != std::string::npos) named_wrong = true;
      if (p.message.find("row 4 (999999001001) lies in 100002") != std::string::npos) named_unknown = true;
      CHECK(p.message.find("row 2") == std::string::npos);
      CHECK(p.message.find("row 5") == std::string::npos);
      CHECK(p.message.find("row 6") == std::string::npos);
    }
    CHECK(named_wrong);
    CHECK(named_unknown);
    const carereach::Problem* gap = find_problem(diag, "population.settlement_no_coordinates");
    REQUIRE(gap != nullptr);
    CHECK(gap->message.find("1 settlement has no coordinates") != std::string::npos);
    CHECK(gap->message.find("row 8 (100001001003)") != std::string::npos);
    // 100002 holds two points (rows 3 and 4), so it is weighted by them and needs no fallback.
    CHECK(find_problem(diag, "population.zone_without_settlements") == nullptr);
    check_invariant(pop);
  }

  SECTION("without a code, a point outside every zone is reported") {
    const std::string points =
        dir.write("v.csv", "x,y\n" + km_xy(0.5, 0.5) + "\n" + km_xy(2.5, 0.5) + "\n" + km_xy(-3, 0.5) + "\n");
    Diagnostics diag;
    (void)lv.load(settled_spec(census, points, 1000.0), diag);
    const carereach::Problem* out = find_problem(diag, "population.settlement_outside_zone");
    REQUIRE(out != nullptr);
    CHECK(out->message.find("1 settlement point lies outside every county zone: row 4") != std::string::npos);
  }

  SECTION("filter_field keeps the rows whose value is listed") {
    // Only the village rows: the town row (in 100002) is dropped, so 100002 has no settlement.
    const std::string points = dir.write("v.csv", "level,x,y\nvillage," + km_xy(0.5, 0.5) + "\ntown," + km_xy(2.5, 0.5) + "\n");
    PopulationSpec spec = settled_spec(census, points, 1000.0);
    spec.settlements->filter_field = "level";
    spec.settlements->filter_values = {"village"};
    Diagnostics diag;
    const PopulationLoad pop = lv.load(spec, diag);
    const carereach::Problem* none = find_problem(diag, "population.zone_without_settlements");
    REQUIRE(none != nullptr);
    CHECK(none->message.find("100002") != std::string::npos);
    CHECK(pop.surface.persons[grid.index(2, 0)] == Approx(250));
  }
}

TEST_CASE("finer totals as polygons: township totals scaled to their county; an incomplete county stays at its level",
          "[population][finer]") {
  // A 4 x 2 grid of 1,000 m; counties 100001 (cols 0-1, 1,000 persons) and 100002 (cols 2-3, 2,000). Townships
  // (one column each): 100001001 (col 0) 300, 100001002 (col 1) 500 — they add up to 800, not 1,000, so both are
  // scaled by 1.25 to 375 and 625 (187.5 and 312.5 per cell), with a warning; 100002001 (col 2) 700 but 100002002
  // (col 3) has no total, so 100002 is spread at the county level (500 per cell), with a warning.
  const Grid grid = make_grid(4, 2, kKm);
  std::vector<std::pair<std::string, std::string>> t;
  for (int c = 0; c < 4; ++c)
    t.emplace_back(std::to_string(100001 + c / 2) + "00" + std::to_string(1 + c % 2),
                   box_wkt(kX0 + c * kKm, kY0 - 2 * kKm, kX0 + (c + 1) * kKm, kY0));
  LoadedZoneLevel townships = make_level("township", t);
  TempDir dir;
  const std::string census = dir.write("census.csv", "code,persons\n100001,1000\n100002,2000\n");
  const std::string finer = dir.write("townships.csv", "code,persons\n100001001,300\n100001002,500\n100002001,700\n");
  PopulationSpec spec = totals_spec(census);
  carereach::io::FinerTotalsSpec f;
  f.source = source(finer);
  f.level = "township";
  f.code_field = "code";
  f.count_field = "persons";
  spec.finer = f;
  const Levels lv(grid, whole_grid(grid), km_counties(2), std::move(townships));
  Diagnostics diag;
  const PopulationLoad pop = lv.load(spec, diag);
  const double want[4] = {187.5, 312.5, 500, 500};
  for (std::uint32_t r = 0; r < 2; ++r)
    for (std::uint32_t c = 0; c < 4; ++c) CHECK(pop.surface.persons[grid.index(c, r)] == Approx(want[c]).epsilon(1e-12));
  const std::vector<double> counties = per_zone(pop, lv.rasters[1], 2);
  CHECK(counties[0] == Approx(1000).epsilon(1e-12));
  CHECK(counties[1] == Approx(2000).epsilon(1e-12));
  check_invariant(pop);
  const carereach::Problem* differ = find_problem(diag, "population.finer_totals_differ");
  REQUIRE(differ != nullptr);
  CHECK(differ->message.find("100001: total 1,000, township totals 800 (+25%), scaled by 1.25") != std::string::npos);
  const carereach::Problem* unused = find_problem(diag, "population.finer_totals_unused");
  REQUIRE(unused != nullptr);
  CHECK(unused->message.find("100002: 1 of its 2 township zones have no total (100002002)") != std::string::npos);
  CHECK(pop.method.find("in 1 of 2 county zones, by the totals of their 2 township zones in townships.csv") !=
        std::string::npos);
}

TEST_CASE("finer totals as seats: each township spreads around its seat by the kernel, within its county",
          "[population][finer]") {
  // A 4 x 2 grid of 1,000 m; counties 100001 (cols 0-1, 1,000) and 100002 (cols 2-3, 2,000). Township seats (no
  // settlement points): 100001001 at the centre of cell (0, 0), 400 persons; 100001002 at (1, 1), 600;
  // 100002001 at (2, 0), 2,000 (the only township of 100002). Bandwidth from the seats' spacing:
  // sqrt(8 km² / (12 × 3)) = 471 m, rounded 470 m, below half a cell, so h = 500 m: a neighbour's centre weighs
  // exp(−1/(2·0.25)) = e^−2, a diagonal one e^−4, two cells away e^−8 (4h = 2 km: still in).
  //   100001001 over 100001's cells: (0,0) 1, (1,0) e^−2, (0,1) e^−2, (1,1) e^−4;   sum 1 + 2e^−2 + e^−4
  //   100001002: mirrored. Its kernel reaches cell (2, 1) of 100002 (e^−2), which does not count: constrained.
  //   100002001 over 100002's cells: (2,0) 1, (3,0) e^−2, (2,1) e^−2, (3,1) e^−4.
  const Grid grid = make_grid(4, 2, kKm);
  LoadedZoneLevel seats;
  seats.level.level = "township";
  seats.kind = carereach::io::ZoneGeometryKind::kSeats;
  const std::vector<std::tuple<std::string, std::string, double, double>> s = {
      {"100001001", "100001", 0.5, 0.5}, {"100001002", "100001", 1.5, 1.5}, {"100002001", "100002", 2.5, 0.5}};
  for (const auto& [code, parent, c, r] : s) {
    Zone z;
    z.id = ZoneId{static_cast<std::uint32_t>(seats.level.zones.size())};
    z.code = code;
    z.parent_code = parent;
    seats.level.zones.push_back(z);
    seats.seats_m.emplace_back(kX0 + c * kKm, kY0 - r * kKm);
  }
  TempDir dir;
  const std::string census = dir.write("census.csv", "code,persons\n100001,1000\n100002,2000\n");
  const std::string finer = dir.write("townships.csv", "code,persons\n100001001,400\n100001002,600\n100002001,2000\n");
  PopulationSpec spec = totals_spec(census);
  carereach::io::FinerTotalsSpec f;
  f.source = source(finer);
  f.level = "township";
  f.code_field = "code";
  f.count_field = "persons";
  spec.finer = f;
  const Levels lv(grid, whole_grid(grid), km_counties(2), std::move(seats));
  Diagnostics diag;
  const PopulationLoad pop = lv.load(spec, diag);
  const double e2 = std::exp(-2.0), e4 = std::exp(-4.0), sum = 1 + 2 * e2 + e4;
  auto at = [&](std::uint32_t c, std::uint32_t r) { return pop.surface.persons[grid.index(c, r)]; };
  CHECK(at(0, 0) == Approx(400 * 1 / sum + 600 * e4 / sum).epsilon(1e-12));
  CHECK(at(1, 0) == Approx(400 * e2 / sum + 600 * e2 / sum).epsilon(1e-12));
  CHECK(at(0, 1) == Approx(400 * e2 / sum + 600 * e2 / sum).epsilon(1e-12));
  CHECK(at(1, 1) == Approx(400 * e4 / sum + 600 * 1 / sum).epsilon(1e-12));
  CHECK(at(2, 0) == Approx(2000 * 1 / sum).epsilon(1e-12));
  CHECK(at(3, 0) == Approx(2000 * e2 / sum).epsilon(1e-12));
  CHECK(at(2, 1) == Approx(2000 * e2 / sum).epsilon(1e-12));
  CHECK(at(3, 1) == Approx(2000 * e4 / sum).epsilon(1e-12));
  const std::vector<double> counties = per_zone(pop, lv.rasters[1], 2);
  CHECK(counties[0] == Approx(1000).epsilon(1e-12));
  CHECK(counties[1] == Approx(2000).epsilon(1e-12));
  check_invariant(pop);
  CHECK(diag.all().empty());
  CHECK(pop.method.find("each spread around its seat by a Gaussian kernel (bandwidth 500 m, from the seats' spacing) "
                        "within its county") != std::string::npos);
}

TEST_CASE("finer seats outside their county: reported; one whose kernel cannot reach sends its county back a level",
          "[population][finer]") {
  // As above, but 100001002's seat lies at (2.5, 1.5), in 100002 (1 km from 100001's edge: its kernel still
  // reaches 100001's cells), and 100002001's seat lies 20 km east of the grid (its kernel reaches nothing), so
  // 100002 is spread at the county level: uniformly, 500 per cell.
  const Grid grid = make_grid(4, 2, kKm);
  LoadedZoneLevel seats;
  seats.level.level = "township";
  seats.kind = carereach::io::ZoneGeometryKind::kSeats;
  const std::vector<std::tuple<std::string, std::string, double, double>> s = {
      {"100001001", "100001", 0.5, 0.5}, {"100001002", "100001", 2.5, 1.5}, {"100002001", "100002", 24.5, 0.5}};
  for (const auto& [code, parent, c, r] : s) {
    Zone z;
    z.id = ZoneId{static_cast<std::uint32_t>(seats.level.zones.size())};
    z.code = code;
    z.parent_code = parent;
    seats.level.zones.push_back(z);
    seats.seats_m.emplace_back(kX0 + c * kKm, kY0 - r * kKm);
  }
  TempDir dir;
  const std::string census = dir.write("census.csv", "code,persons\n100001,1000\n100002,2000\n");
  const std::string finer = dir.write("townships.csv", "code,persons\n100001001,400\n100001002,600\n100002001,2000\n");
  PopulationSpec spec = totals_spec(census);
  carereach::io::FinerTotalsSpec f;
  f.source = source(finer);
  f.level = "township";
  f.code_field = "code";
  f.count_field = "persons";
  spec.finer = f;
  const Levels lv(grid, whole_grid(grid), km_counties(2), std::move(seats));
  Diagnostics diag;
  const PopulationLoad pop = lv.load(spec, diag);
  for (std::uint32_t r = 0; r < 2; ++r)
    for (std::uint32_t c = 2; c < 4; ++c) CHECK(pop.surface.persons[grid.index(c, r)] == Approx(500).epsilon(1e-12));
  const std::vector<double> counties = per_zone(pop, lv.rasters[1], 2);
  CHECK(counties[0] == Approx(1000).epsilon(1e-12));
  CHECK(counties[1] == Approx(2000).epsilon(1e-12));
  const carereach::Problem* outside = find_problem(diag, "population.finer_seat_outside_parent");
  REQUIRE(outside != nullptr);
  CHECK(outside->message.find("100001002 (of 100001) lies in 100002") != std::string::npos);
  CHECK(outside->message.find("100002001 (of 100002) lies outside every county") != std::string::npos);
  const carereach::Problem* unused = find_problem(diag, "population.finer_totals_unused");
  REQUIRE(unused != nullptr);
  CHECK(unused->message.find("100002: the kernel of 100002001 puts no weight on its cells") != std::string::npos);
}

TEST_CASE("finer seats with settlements: each township spreads around the settlements nearest its seat",
          "[population][finer][settlements]") {
  // County 100001 (cols 0-1 of a 4 x 2 grid of 1,000 m) has seats 100001001 at (0.2, 0.2) and 100001002 at
  // (1.8, 1.8) (cell units). Settlement S1 at (0.4, 1.5) is nearer the first seat (d² 1.73 vs 2.05 km²), S2 at
  // (1.6, 0.5) nearer the second. So 100001001's 400 persons follow S1's kernel and 100001002's 600 follow S2's,
  // each over 100001's cells (h = 1,000 m, given). 100002 has no township: its 2,000 persons are spread at the county
  // level by the settlement S3 at (2.5, 0.5).
  const Grid grid = make_grid(4, 2, kKm);
  LoadedZoneLevel seats;
  seats.level.level = "township";
  seats.kind = carereach::io::ZoneGeometryKind::kSeats;
  for (const auto& [code, c, r] : std::vector<std::tuple<std::string, double, double>>{{"100001001", 0.2, 0.2},
                                                                                        {"100001002", 1.8, 1.8}}) {
    Zone z;
    z.id = ZoneId{static_cast<std::uint32_t>(seats.level.zones.size())};
    z.code = code;
    z.parent_code = "100001";
    seats.level.zones.push_back(z);
    seats.seats_m.emplace_back(kX0 + c * kKm, kY0 - r * kKm);
  }
  TempDir dir;
  const std::string census = dir.write("census.csv", "code,persons\n100001,1000\n100002,2000\n");
  const std::string finer = dir.write("townships.csv", "code,persons\n100001001,400\n100001002,600\n");
  const std::string points =
      dir.write("v.csv", "x,y\n" + km_xy(0.4, 1.5) + "\n" + km_xy(1.6, 0.5) + "\n" + km_xy(2.5, 0.5) + "\n");
  PopulationSpec spec = settled_spec(census, points, 1000.0);
  carereach::io::FinerTotalsSpec f;
  f.source = source(finer);
  f.level = "township";
  f.code_field = "code";
  f.count_field = "persons";
  spec.finer = f;
  const Levels lv(grid, whole_grid(grid), km_counties(2), std::move(seats));
  Diagnostics diag;
  const PopulationLoad pop = lv.load(spec, diag);
  const WeightedPoint s1{kX0 + 400, kY0 - 1500, 1}, s2{kX0 + 1600, kY0 - 500, 1}, s3{kX0 + 2500, kY0 - 500, 1};
  double sum1 = 0, sum2 = 0, sum3 = 0;
  for (std::uint32_t r = 0; r < 2; ++r)
    for (std::uint32_t c = 0; c < 2; ++c) {
      sum1 += kernel_at(grid, c, r, {s1}, kKm);
      sum2 += kernel_at(grid, c, r, {s2}, kKm);
    }
  // County 100002 at the county level: the whole settlement surface (S1, S2 and S3 reach it) over its cells.
  for (std::uint32_t r = 0; r < 2; ++r)
    for (std::uint32_t c = 2; c < 4; ++c) sum3 += kernel_at(grid, c, r, {s1, s2, s3}, kKm);
  for (std::uint32_t r = 0; r < 2; ++r)
    for (std::uint32_t c = 0; c < 4; ++c) {
      INFO("col " << c << " row " << r);
      const double want = c < 2 ? 400 * kernel_at(grid, c, r, {s1}, kKm) / sum1 + 600 * kernel_at(grid, c, r, {s2}, kKm) / sum2
                                : 2000 * kernel_at(grid, c, r, {s1, s2, s3}, kKm) / sum3;
      CHECK(pop.surface.persons[grid.index(c, r)] == Approx(want).epsilon(1e-12));
    }
  check_invariant(pop);
  CHECK(find_problem(diag, "population.zone_without_settlements") == nullptr);
  CHECK(pop.method.find("each spread around its seat's nearest settlements by a Gaussian kernel") != std::string::npos);
}

TEST_CASE("resampling a province-sized raster is fast", "[.][population][perf]") {
  // 3,000 x 3,000 pixels of 0.001° (WorldPop-like, about 95 x 111 m) at 115.5–118.5°E, 30–33°N onto 100 m
  // cells of EPSG:32650 (about 9.4 M pixels, 10 M cells). Hidden: run with test_io "[perf]".
  const int n = 3000;
  const double lon0 = 115.5, lat0 = 33.0, step = 0.001;
  std::vector<double> values(static_cast<std::size_t>(n) * n);
  std::mt19937 rng(42);
  std::uniform_real_distribution<double> dist(0.0, 50.0);
  for (double& v : values) v = dist(rng);
  const std::string path = write_raster(n, n, {lon0, step, 0, lat0, 0, -step}, 4326, values);
  const geo::Transformer to_utm(geo::CrsSpec::parse("EPSG:4326"), geo::CrsSpec::parse("EPSG:32650"));
  double min_x = 1e300, min_y = 1e300, max_x = -1e300, max_y = -1e300;
  for (int i = 0; i <= 100; ++i)
    for (int j = 0; j <= 100; ++j) {
      double x = lon0 + i * n * step / 100, y = lat0 - j * n * step / 100;
      REQUIRE(to_utm.transform(x, y));
      min_x = std::min(min_x, x);
      max_x = std::max(max_x, x);
      min_y = std::min(min_y, y);
      max_y = std::max(max_y, y);
    }
  const Grid grid = Grid::covering(min_x - 1000, min_y - 1000, max_x + 1000, max_y + 1000, 100);
  const Levels lv(grid, whole_grid(grid));
  Diagnostics diag;
  const auto t0 = std::chrono::steady_clock::now();
  const PopulationLoad pop = lv.load(raster_spec(path), diag);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  WARN("resampled " << values.size() << " pixels onto " << grid.cell_count() << " cells in " << seconds << " s; "
                    << pop.method);
  CHECK(pop.surface.total() == Approx(pop.input_total).epsilon(1e-9));
  CHECK(pop.outside_total == Approx(0).margin(1e-6));
  VSIUnlink(path.c_str());
}
