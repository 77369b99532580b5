// [analysis] align_to: the analysis grid taken from a raster (origin, cell size, extent, CRS), as AccessMod works on
// the grid of its project's rasters; geographic, rotated and non-square rasters refused. Expected grids are the
// geotransforms written by the test.

#include <catch2/catch.hpp>

#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include <array>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "core/diagnostics.hpp"
#include "core/error.hpp"
#include "io/load.hpp"
#include "io/raster_source.hpp"
#include "io/scenario.hpp"
#include "io/vector_source.hpp"

using namespace carereach;
namespace fs = std::filesystem;

namespace {

struct Folder {
  fs::path path;
  Folder() {
    std::random_device rd;
    path = fs::temp_directory_path() / ("carereach_align_to_" + std::to_string(rd()));
    fs::create_directories(path);
  }
  ~Folder() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  Folder(const Folder&) = delete;
  Folder& operator=(const Folder&) = delete;
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name, std::ios::binary) << text;
  }
};

void write_tif(const fs::path& path, int cols, int rows, std::array<double, 6> gt, int epsg) {
  io::ensure_gdal();
  GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GTiff");
  REQUIRE(drv != nullptr);
  GDALDatasetUniquePtr ds(drv->Create(path.string().c_str(), cols, rows, 1, GDT_Float32, nullptr));
  REQUIRE(ds);
  ds->SetGeoTransform(gt.data());
  OGRSpatialReference srs;
  srs.importFromEPSG(epsg);
  srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  ds->SetSpatialRef(&srs);
  std::vector<float> v(static_cast<std::size_t>(cols * rows), 1.0F);
  REQUIRE(ds->GetRasterBand(1)->RasterIO(GF_Write, 0, 0, cols, rows, v.data(), cols, rows, GDT_Float32, 0, 0,
                                         nullptr) == CE_None);
}

/// One county, a rectangle in UTM 50N (EPSG:32650) metres.
std::string zones(double x0, double y0, double x1, double y1) {
  const auto pt = [](double x, double y) { return "[" + std::to_string(x) + "," + std::to_string(y) + "]"; };
  return R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"1","name":"甲县"},)"
         R"("geometry":{"type":"Polygon","coordinates":[[)" +
         pt(x0, y0) + "," + pt(x1, y0) + "," + pt(x1, y1) + "," + pt(x0, y1) + "," + pt(x0, y0) + "]]}}]}";
}

const char* kScenario = R"([analysis]
align_to = "grid.tif"

[[zones]]
level = "county"
source = "zones.geojson"
crs = "EPSG:32650"
code_field = "code"
name_field = "name"
)";

io::LoadedScenario load(const Folder& f, Diagnostics& diag) {
  io::LoadOptions options;
  options.checksums = false;
  return io::load_scenario(io::read_scenario(f.path / "scenario.toml"), diag, options, nullptr);
}

}  // namespace

TEST_CASE("align_to: the grid is the raster's: origin, cell size, extent and CRS", "[align_to]") {
  // 20 × 25 pixels of 30 m whose top-left corner is (500013.7, 3435021.3): neither square nor round.
  Folder f;
  write_tif(f.path / "grid.tif", 20, 25, {500013.7, 30, 0, 3435021.3, 0, -30}, 32650);
  f.write("scenario.toml", kScenario);
  SECTION("the study area inside the raster") {
    f.write("zones.geojson", zones(500100, 3434400, 500400, 3434900));
    Diagnostics diag;
    const io::LoadedScenario l = load(f, diag);
    REQUIRE(l.grid);
    CHECK(l.grid->origin_x_m == 500013.7);
    CHECK(l.grid->origin_y_m == 3435021.3);
    CHECK(l.grid->cell_size_m == 30.0);
    CHECK(l.grid->cols == 20U);
    CHECK(l.grid->rows == 25U);
    CHECK(l.scenario.analysis.cell_size_m == 30.0);
    CHECK(l.analysis_crs.authority_code() == "EPSG:32650");
    CHECK(l.analysis_crs_choice.find("aligned to grid.tif") != std::string::npos);
    CHECK(diag.count("analysis.align_to_partial") == 0);
  }
  SECTION("a study area beyond the raster: a warning with the share outside") {
    // The raster spans x 500013.7 … 500613.7; the county x 500313.7 … 500913.7 (600 m wide, y inside): half of it
    // lies east of the raster.
    f.write("zones.geojson", zones(500313.7, 3434400, 500913.7, 3434900));
    Diagnostics diag;
    const io::LoadedScenario l = load(f, diag);
    REQUIRE(l.grid);
    CHECK(l.grid->cols == 20U);
    REQUIRE(diag.count("analysis.align_to_partial") == 1);
    bool half = false;
    for (const Problem& p : diag.all())
      if (p.code == "analysis.align_to_partial") half = p.message.find("50.0 %") != std::string::npos;
    CHECK(half);
  }
}

TEST_CASE("align_to: geographic, non-square and rotated rasters are refused", "[align_to]") {
  Folder f;
  f.write("scenario.toml", kScenario);
  f.write("zones.geojson", zones(500100, 3434400, 500400, 3434900));
  SECTION("geographic CRS") {
    write_tif(f.path / "grid.tif", 10, 10, {116.0, 0.001, 0, 31.1, 0, -0.001}, 4326);
    Diagnostics diag;
    try {
      (void)load(f, diag);
      FAIL("expected a CrsError");
    } catch (const CrsError& e) {
      CHECK_THAT(e.message(), Catch::Contains("geographic CRS"));
      CHECK(e.where().file == "grid.tif");
      CHECK_THAT(e.hint(), Catch::Contains("gdalwarp"));
    }
  }
  SECTION("pixels of 30 × 20 m") {
    write_tif(f.path / "grid.tif", 10, 10, {500000, 30, 0, 3435000, 0, -20}, 32650);
    Diagnostics diag;
    CHECK_THROWS_AS(load(f, diag), InputError);
  }
  SECTION("a rotated raster") {
    write_tif(f.path / "grid.tif", 10, 10, {500000, 30, 1, 3435000, 1, -30}, 32650);
    Diagnostics diag;
    CHECK_THROWS_AS(load(f, diag), InputError);
  }
  SECTION("align_to with crs or cell_size_m is a scenario error naming the key") {
    write_tif(f.path / "grid.tif", 10, 10, {500000, 30, 0, 3435000, 0, -30}, 32650);
    f.write("scenario.toml", std::string("[analysis]\ncell_size_m = 50\n") + (kScenario + 11));
    try {
      (void)io::read_scenario(f.path / "scenario.toml");
      FAIL("expected a ScenarioError");
    } catch (const ScenarioError& e) {
      CHECK(e.where().field == "analysis.cell_size_m");
    }
  }
}
