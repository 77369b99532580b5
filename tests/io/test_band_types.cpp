// Raster bands of every type GDAL 3.6 offers are read with their sign and range: the population raster (and
// weights), land cover and DEM. Int8 is a Byte band with PIXELTYPE=SIGNEDBYTE in GDAL 3.6, which GDAL itself
// would give as 0–255. Each case has a no-data pixel (in the band's own type), positive values near the top of the
// type's range and, for signed types, a negative value; the expected totals are worked out by hand below.

#include <catch2/catch.hpp>

#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include <atomic>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "core/diagnostics.hpp"
#include "core/error.hpp"
#include "core/grid.hpp"
#include "core/landcover.hpp"
#include "geo/crs.hpp"
#include "geo/geos.hpp"
#include "io/population.hpp"
#include "io/raster_inputs.hpp"
#include "io/raster_source.hpp"
#include "io/resources.hpp"
#include "io/vector_source.hpp"
#include "io/zone_raster.hpp"
#include "io/zones.hpp"

using carereach::Diagnostics;
using carereach::Grid;
using carereach::Severity;
namespace io = carereach::io;
namespace geo = carereach::geo;

namespace {

constexpr double kX0 = 500000;  // EPSG:32650
constexpr double kY0 = 3435000;
std::atomic<int> g_counter{0};

Grid row_grid(std::uint32_t cols) {
  Grid g;
  g.origin_x_m = kX0;
  g.origin_y_m = kY0;
  g.cell_size_m = 100;
  g.cols = cols;
  g.rows = 1;
  return g;
}

/// No-data of a band: a double for the types up to 32 bits, or exactly as a 64-bit integer.
struct NoData {
  std::optional<double> real;
  std::optional<std::int64_t> i64;
  std::optional<std::uint64_t> u64;
};

/// A one-row GeoTIFF of the values, written as T in GDAL type `type` (for Int8: Byte with PIXELTYPE=SIGNEDBYTE),
/// pixels of 100 m on the grid's cells (EPSG:32650).
template <class T>
std::string write_band(GDALDataType type, const std::vector<T>& values, const NoData& nodata,
                       bool signed_byte = false) {
  io::ensure_gdal();
  const std::string path = "/vsimem/test_band_types_" + std::to_string(g_counter++) + ".tif";
  GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GTiff");
  REQUIRE(drv != nullptr);
  const char* signed_options[] = {"PIXELTYPE=SIGNEDBYTE", nullptr};
  // A complex pixel is two values (real, imaginary).
  const int n = static_cast<int>(values.size() / (GDALDataTypeIsComplex(type) ? 2 : 1));
  GDALDatasetUniquePtr ds(
      drv->Create(path.c_str(), n, 1, 1, type, signed_byte ? const_cast<char**>(signed_options) : nullptr));
  REQUIRE(ds);
  double gt[6] = {kX0, 100, 0, kY0, 0, -100};
  ds->SetGeoTransform(gt);
  OGRSpatialReference srs;
  srs.importFromEPSG(32650);
  ds->SetSpatialRef(&srs);
  GDALRasterBand* band = ds->GetRasterBand(1);
  if (nodata.real) REQUIRE(band->SetNoDataValue(*nodata.real) == CE_None);
  if (nodata.i64) REQUIRE(band->SetNoDataValueAsInt64(*nodata.i64) == CE_None);
  if (nodata.u64) REQUIRE(band->SetNoDataValueAsUInt64(*nodata.u64) == CE_None);
  std::vector<T> buf = values;
  REQUIRE(band->RasterIO(GF_Write, 0, 0, n, 1, buf.data(), n, 1, type, 0, 0, nullptr) == CE_None);
  return path;
}

io::SourceSpec source(const std::string& path, const std::string& key) {
  io::SourceSpec s;
  s.path = path;
  s.path_as_written = path.substr(path.rfind('/') + 1);
  s.key = key;
  return s;
}

/// The population surface of a raster on a one-row grid that is all study area.
io::PopulationLoad load_persons(const std::string& path, std::size_t cols, Diagnostics& diag) {
  const Grid grid = row_grid(static_cast<std::uint32_t>(cols));
  io::LoadedZoneLevel level;
  level.level.level = "county";
  carereach::Zone z;
  z.id = carereach::ZoneId{0};
  z.code = "341600";
  level.level.zones.push_back(z);
  const double x1 = kX0 + 100.0 * double(cols);
  level.polygons.push_back(geo::Geometry::from_wkt(
      "POLYGON((" + std::to_string(kX0) + " " + std::to_string(kY0 - 100) + ", " + std::to_string(x1) + " " +
      std::to_string(kY0 - 100) + ", " + std::to_string(x1) + " " + std::to_string(kY0) + ", " + std::to_string(kX0) +
      " " + std::to_string(kY0) + ", " + std::to_string(kX0) + " " + std::to_string(kY0 - 100) + "))"));
  std::vector<io::LoadedZoneLevel> levels;
  levels.push_back(std::move(level));
  std::vector<io::ZoneRaster> rasters{io::rasterize_zones(levels[0], grid)};
  io::PopulationSpec spec;
  spec.kind = io::PopulationKind::kRaster;
  spec.source = source(path, "population");
  return io::load_population(spec, grid, geo::CrsSpec::parse("EPSG:32650"), levels, rasters, rasters[0], diag);
}

const carereach::Problem* find(const Diagnostics& diag, const std::string& code) {
  for (const auto& p : diag.all())
    if (p.code == code) return &p;
  return nullptr;
}

/// Checks the persons read: the total of the positive values, the no-data pixel counted as nothing, and the
/// negative values (if any) refused as population.negative_values with their count and sum.
void check_persons(const std::string& path, std::size_t cols, double expected_total, int negatives,
                   const std::string& negative_sum, const std::string& type_name) {
  Diagnostics diag;
  const io::PopulationLoad pop = load_persons(path, cols, diag);
  CHECK(pop.input_total == Approx(expected_total).epsilon(1e-12));
  CHECK(pop.surface.total() == Approx(expected_total).epsilon(1e-12));
  const carereach::Problem* neg = find(diag, "population.negative_values");
  if (negatives == 0) {
    CHECK(neg == nullptr);
    CHECK(diag.error_count() == 0);
  } else {
    REQUIRE(neg != nullptr);
    CHECK(neg->severity == Severity::kError);
    CHECK(neg->kind == carereach::ExitCode::kInput);
    CHECK(neg->message.find(std::to_string(negatives) + " pixel") != std::string::npos);
    CHECK(neg->message.find("sum " + negative_sum) != std::string::npos);
    CHECK(neg->message.find(type_name) != std::string::npos);
  }
}

}  // namespace

TEST_CASE("population rasters of every band type are read with their sign; no-data in the band's type",
          "[band_types][population]") {
  SECTION("Byte: 0–255, no-data 255") {
    // 255 is no-data; 7 + 200 + 0 = 207.
    const auto p = write_band<std::uint8_t>(GDT_Byte, {255, 7, 200, 0}, {255.0, {}, {}});
    check_persons(p, 4, 207, 0, "", "");
  }
  SECTION("Int8 (signed byte): -1 is no-data, -5 is negative, 100 positive") {
    // Stored bytes 0xFF, 0x07, 0x64, 0xFB. Read unsigned they would be 255 + 7 + 100 + 251 = 613 persons; signed:
    // -1 no-data, 7 + 100 = 107, and -5 refused.
    const auto p = write_band<std::int8_t>(GDT_Byte, {-1, 7, 100, -5}, {-1.0, {}, {}}, true);
    check_persons(p, 4, 107, 1, "-5", "Int8");
  }
  SECTION("Int8 without negatives: the total of the signed values") {
    // -128 no-data; 127 + 1 + 0 = 128 (unsigned it would be 128 + 127 + 1 = 256).
    const auto p = write_band<std::int8_t>(GDT_Byte, {-128, 127, 1, 0}, {-128.0, {}, {}}, true);
    check_persons(p, 4, 128, 0, "", "");
  }
  SECTION("UInt16: no-data 65535, 60000 near the top") {
    const auto p = write_band<std::uint16_t>(GDT_UInt16, {65535, 7, 60000, 0}, {65535.0, {}, {}});
    check_persons(p, 4, 60007, 0, "", "");
  }
  SECTION("Int16: no-data -32768, -5 negative") {
    const auto p = write_band<std::int16_t>(GDT_Int16, {-32768, 7, 30000, -5}, {-32768.0, {}, {}});
    check_persons(p, 4, 30007, 1, "-5", "Int16");
  }
  SECTION("UInt32: no-data 4294967295, 4,000,000,000 above the Int32 range") {
    const auto p = write_band<std::uint32_t>(GDT_UInt32, {4294967295u, 7, 4000000000u, 0}, {4294967295.0, {}, {}});
    check_persons(p, 4, 4000000007.0, 0, "", "");
  }
  SECTION("Int32: no-data -2147483648, -5 negative") {
    const auto p = write_band<std::int32_t>(GDT_Int32, {std::numeric_limits<std::int32_t>::min(), 7, 2000000000, -5},
                                            {-2147483648.0, {}, {}});
    check_persons(p, 4, 2000000007.0, 1, "-5", "Int32");
  }
  SECTION("UInt64: no-data 2^64 - 1 (not a double), 2^40 + 7") {
    const auto p = write_band<std::uint64_t>(GDT_UInt64, {std::numeric_limits<std::uint64_t>::max(), 7, 1ull << 40, 0},
                                             {{}, {}, std::numeric_limits<std::uint64_t>::max()});
    check_persons(p, 4, 1099511627783.0, 0, "", "");
  }
  SECTION("Int64: no-data -2^63, -5 negative, 2^40 + 7") {
    const auto p = write_band<std::int64_t>(GDT_Int64, {std::numeric_limits<std::int64_t>::min(), 7, 1ll << 40, -5},
                                            {{}, std::numeric_limits<std::int64_t>::min(), {}});
    check_persons(p, 4, 1099511627783.0, 1, "-5", "Int64");
  }
  SECTION("Float32: no-data the lowest float, fractions, -5 negative") {
    const auto p = write_band<float>(GDT_Float32, {std::numeric_limits<float>::lowest(), 7.5f, 2.25f, -5.0f},
                                     {double(std::numeric_limits<float>::lowest()), {}, {}});
    check_persons(p, 4, 9.75, 1, "-5", "Float32");
  }
  SECTION("Float64: no-data -99999, fractions, -5 negative") {
    const auto p = write_band<double>(GDT_Float64, {-99999.0, 7.5, 2.25, -5.0}, {-99999.0, {}, {}});
    check_persons(p, 4, 9.75, 1, "-5", "Float64");
  }
  SECTION("a no-data value outside the type's range matches no pixel") {
    // Byte band with no-data -1 (GDAL accepts it; no byte equals it): every value counts, 1 + 2 + 3 = 6.
    const auto p = write_band<std::uint8_t>(GDT_Byte, {1, 2, 3}, {-1.0, {}, {}});
    check_persons(p, 3, 6, 0, "", "");
  }
}

TEST_CASE("a band of complex numbers is refused", "[band_types]") {
  const std::vector<std::int16_t> pairs{1, 0, 2, 0};  // two CInt16 pixels (real, imaginary)
  const auto p = write_band<std::int16_t>(GDT_CInt16, pairs, {});
  Diagnostics diag;
  try {
    (void)load_persons(p, 2, diag);
    FAIL("expected an InputError");
  } catch (const carereach::InputError& e) {
    CHECK(e.message().find("complex numbers (CInt16)") != std::string::npos);
  }
}

TEST_CASE("land cover and DEM bands keep their sign", "[band_types][raster_inputs]") {
  const Grid grid = row_grid(4);
  SECTION("Int8 land cover: class -2 is -2, not 254; -1 is no-data") {
    io::RasterSpec spec;
    spec.landcover =
        source(write_band<std::int8_t>(GDT_Byte, {3, -2, -1, 5}, {-1.0, {}, {}}, true), "raster.landcover");
    spec.classes = {{3, "耕地", 4.0, "walking"}, {5, "道路", 40.0, "motorized"}};
    Diagnostics diag;
    const carereach::RasterTravelData data =
        io::load_raster_inputs(spec, grid, geo::CrsSpec::parse("EPSG:32650"), diag);
    CHECK(data.landcover == std::vector<std::int32_t>{3, -2, carereach::RasterTravelData::kNoClass, 5});
    REQUIRE(diag.count("raster.unknown_class") == 1);
    CHECK(diag.all()[0].message.find("class -2 (1 cells)") != std::string::npos);
  }
  SECTION("UInt32 land cover above the Int32 range is not a class; classes below it are read exactly") {
    io::RasterSpec spec;
    spec.landcover =
        source(write_band<std::uint32_t>(GDT_UInt32, {70000, 4294967295u, 1, 70000}, {4294967295.0, {}, {}}),
               "raster.landcover");
    spec.classes = {{70000, "林地", 3.0, "walking"}, {1, "耕地", 4.0, "walking"}};
    Diagnostics diag;
    const carereach::RasterTravelData data =
        io::load_raster_inputs(spec, grid, geo::CrsSpec::parse("EPSG:32650"), diag);
    CHECK(data.landcover == std::vector<std::int32_t>{70000, carereach::RasterTravelData::kNoClass, 1, 70000});
    CHECK(diag.all().empty());
  }
  SECTION("Int16 DEM below sea level: -50 m is -50; -32768 is no-data (NaN)") {
    io::RasterSpec spec;
    spec.dem = source(write_band<std::int16_t>(GDT_Int16, {-50, 1200, -32768, 0}, {-32768.0, {}, {}}), "raster.dem");
    Diagnostics diag;
    const carereach::RasterTravelData data =
        io::load_raster_inputs(spec, grid, geo::CrsSpec::parse("EPSG:32650"), diag);
    REQUIRE(data.elevation_m.size() == 4);
    // Cell centres are pixel centres: bilinear sampling gives the pixel; the no-data pixel spoils its own cell only.
    CHECK(data.elevation_m[0] == -50.0f);
    CHECK(data.elevation_m[1] == 1200.0f);
    CHECK(std::isnan(data.elevation_m[2]));
    CHECK(data.elevation_m[3] == 0.0f);
  }
  SECTION("Int8 DEM: -100 m is -100") {
    io::RasterSpec spec;
    spec.dem = source(write_band<std::int8_t>(GDT_Byte, {-100, 100, 0, -1}, {}, true), "raster.dem");
    Diagnostics diag;
    const carereach::RasterTravelData data =
        io::load_raster_inputs(spec, grid, geo::CrsSpec::parse("EPSG:32650"), diag);
    REQUIRE(data.elevation_m.size() == 4);
    CHECK(data.elevation_m[0] == -100.0f);
    CHECK(data.elevation_m[1] == 100.0f);
    CHECK(data.elevation_m[2] == 0.0f);
    CHECK(data.elevation_m[3] == -1.0f);
  }
}
