// Travel-time GeoTIFFs as Cloud-Optimized GeoTIFFs: layout, overviews and statistics, read back with GDAL. The
// expected statistics are computed here from the same formula the raster is filled with.

#include <catch2/catch.hpp>

#include <gdal_priv.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <string>

#include "core/travel_time.hpp"
#include "geo/crs.hpp"
#include "io/raster_writer.hpp"
#include "io/vector_source.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;
using namespace carereach;

namespace {

/// 700 × 600 cells of 100 m; minutes (col + row) / 10 for columns below 600, the others not reached.
TravelTimeField field_with_gap() {
  TravelTimeField f;
  f.grid.origin_x_m = 500000.0;
  f.grid.origin_y_m = 3700000.0;
  f.grid.cell_size_m = 100.0;
  f.grid.cols = 700;
  f.grid.rows = 600;
  f.minutes.resize(f.grid.cell_count());
  f.nearest.resize(f.grid.cell_count());
  for (std::uint32_t r = 0; r < f.grid.rows; ++r)
    for (std::uint32_t c = 0; c < f.grid.cols; ++c) {
      const std::size_t i = f.grid.index(c, r);
      f.minutes[i] = c < 600 ? static_cast<float>(c + r) / 10.0F : TravelTimeField::kUnreached;
      f.nearest[i] = c < 600 ? 0U : TravelTimeField::kNoFacility;
    }
  return f;
}

struct Closer {
  void operator()(GDALDataset* d) const { GDALClose(d); }
};

}  // namespace

TEST_CASE("travel-time GeoTIFF: a Cloud-Optimized GeoTIFF with overviews and statistics", "[io][raster_writer]") {
  io::ensure_gdal();
  const test::TempDir dir;
  const fs::path file = dir.path() / "travel_time_t.tif";
  const TravelTimeField f = field_with_gap();
  io::write_travel_time_geotiff(file, f, geo::CrsSpec::parse("EPSG:32650"), {{"CAREREACH_STANDARD", "t"}});

  std::unique_ptr<GDALDataset, Closer> ds(GDALDataset::Open(file.string().c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
  REQUIRE(ds);
  const char* layout = ds->GetMetadataItem("LAYOUT", "IMAGE_STRUCTURE");
  REQUIRE(layout != nullptr);
  CHECK(std::string(layout) == "COG");
  CHECK(std::string(ds->GetMetadataItem("COMPRESSION", "IMAGE_STRUCTURE")) == "DEFLATE");
  CHECK(std::string(ds->GetMetadataItem("PREDICTOR", "IMAGE_STRUCTURE")) == "3");  // floating point
  CHECK(std::string(ds->GetMetadataItem("CAREREACH_STANDARD")) == "t");
  GDALRasterBand* band = ds->GetRasterBand(1);
  int bx = 0, by = 0;
  band->GetBlockSize(&bx, &by);
  CHECK(bx == 256);
  CHECK(by == 256);
  // Overviews halve the raster until it fits one 256 tile: 350 × 300, then 175 × 150.
  REQUIRE(band->GetOverviewCount() == 2);
  CHECK(band->GetOverview(0)->GetXSize() == 350);
  CHECK(band->GetOverview(1)->GetXSize() == 175);
  CHECK(band->GetOverview(1)->GetYSize() == 150);

  // Statistics stored in the file, of the reached cells: minimum 0, maximum (599 + 599) / 10, and the mean and
  // standard deviation of (c + r) / 10 over 600 × 600 cells, computed here.
  double sum = 0.0, sum2 = 0.0;
  for (int r = 0; r < 600; ++r)
    for (int c = 0; c < 600; ++c) {
      const double v = static_cast<double>(static_cast<float>(c + r) / 10.0F);
      sum += v;
      sum2 += v * v;
    }
  const double n = 600.0 * 600.0;
  const double mean = sum / n;
  const double sd = std::sqrt(sum2 / n - mean * mean);
  const char* smin = band->GetMetadataItem("STATISTICS_MINIMUM");
  const char* smax = band->GetMetadataItem("STATISTICS_MAXIMUM");
  const char* smean = band->GetMetadataItem("STATISTICS_MEAN");
  const char* ssd = band->GetMetadataItem("STATISTICS_STDDEV");
  REQUIRE(smin != nullptr);
  REQUIRE(smax != nullptr);
  REQUIRE(smean != nullptr);
  REQUIRE(ssd != nullptr);
  CHECK(std::stod(smin) == Approx(0.0).margin(1e-9));
  CHECK(std::stod(smax) == Approx(119.8).epsilon(1e-6));
  CHECK(std::stod(smean) == Approx(mean).epsilon(1e-6));
  CHECK(std::stod(ssd) == Approx(sd).epsilon(1e-4));
  ds.reset();

  // Nothing beside the file (statistics are in it; the COG driver's temporary overviews are gone).
  std::size_t files = 0;
  for (const auto& e : fs::directory_iterator(dir.path())) {
    INFO(e.path().filename().string());
    CHECK(e.path() == file);
    ++files;
  }
  CHECK(files == 1);

  // Read back as a run's travel-time raster: the same minutes, unreached as +inf.
  const io::MinutesRaster back = io::read_travel_time_geotiff(file);
  REQUIRE(back.minutes.size() == f.minutes.size());
  CHECK(back.minutes[f.grid.index(0, 0)] == 0.0F);
  CHECK(back.minutes[f.grid.index(599, 599)] == f.minutes[f.grid.index(599, 599)]);
  CHECK(std::isinf(back.minutes[f.grid.index(600, 0)]));
}

TEST_CASE("travel-time GeoTIFF: a raster without any reached cell is written, without statistics",
          "[io][raster_writer]") {
  io::ensure_gdal();
  const test::TempDir dir;
  const fs::path file = dir.path() / "none.tif";
  TravelTimeField f = field_with_gap();
  for (float& m : f.minutes) m = TravelTimeField::kUnreached;
  io::write_travel_time_geotiff(file, f, geo::CrsSpec::parse("EPSG:32650"), {});
  std::unique_ptr<GDALDataset, Closer> ds(GDALDataset::Open(file.string().c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
  REQUIRE(ds);
  CHECK(ds->GetRasterBand(1)->GetMetadataItem("STATISTICS_MAXIMUM") == nullptr);
  const io::MinutesRaster back = io::read_travel_time_geotiff(file);
  for (const float m : back.minutes) REQUIRE(std::isinf(m));
}
