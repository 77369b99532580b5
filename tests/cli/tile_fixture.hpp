#pragma once
// The synthetic case of the tile tests (test_tile.cpp) and the merge tests (test_merge.cpp): a projected CRS
// (EPSG:4548, metres), three 10 km square counties in a row, census totals, three facilities, a walking standard on
// the raster engine (4 km/h everywhere) and a straight-line one; and helpers to read its outputs and run a plan.

#include <cmath>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>
#include <gdal_priv.h>
#include <nlohmann/json.hpp>

#include "cli_runner.hpp"

namespace carereach::test::tile_fixture {

using json = nlohmann::json;
namespace fs = std::filesystem;
using carereach::test::run_cli;
using carereach::test::slurp;
using carereach::test::TempDir;

inline std::string county(const std::string& code, const std::string& name, int x0) {
  const std::string x = std::to_string(x0), x1 = std::to_string(x0 + 10000);
  return R"({"type":"Feature","properties":{"code":")" + code + R"(","name":")" + name +
         R"("},"geometry":{"type":"Polygon","coordinates":[[[)" + x + ",3700000],[" + x1 + ",3700000],[" + x1 +
         ",3710000],[" + x + ",3710000],[" + x + ",3700000]]]}}";
}

inline std::string zones(int n) {
  std::string out = R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4548"}},"features":[)";
  const char* names[] = {"甲县", "乙县", "丙县"};
  for (int i = 0; i < n; ++i) out += (i ? "," : "") + county("10000" + std::to_string(i + 1), names[i], 450000 + 10000 * i);
  return out + "]}";
}

inline const char* kScenario = R"([scenario]
name = "分片测试"

[analysis]
crs = "EPSG:4548"
cell_size_m = 500

[[zones]]
level = "county"
source = "zones.geojson"
code_field = "code"
name_field = "name"

[population]
kind = "zone_totals"
source = "census.csv"
level = "county"
code_field = "code"
count_field = "pop"

[[facilities]]
source = "facilities.csv"
crs = "EPSG:4548"
x_field = "x"
y_field = "y"
[facilities.fields]
id = "id"
name = "name"
type = "type"

[travel]
search_limit_min = 40

[raster]
no_land_cover = "default_speed"
default_speed_kmh = 4

[standards]
defaults = false

[standards.walk_30min]
name_zh = "步行30分钟"
threshold_min = 30
mode = "walk"
engine = "raster"
target_share = 0.8

[standards.straight_20min]
name_zh = "直线20分钟"
threshold_min = 20
mode = "walk"
engine = "estimate"
circuity = 1.25
estimate_speed_kmh = 5
target_share = 0.8
)";

struct Case {
  TempDir dir;
  explicit Case(int counties = 3, const std::string& facilities =
                                      "id,name,type,x,y\nF1,甲镇卫生院,乡镇卫生院,455250,3705250\n"
                                      "F2,乙县中医院,中医医院,465000,3705000\nF3,丙村卫生室,村卫生室,473000,3702000\n",
                const std::string& extra = "") {
    dir.write("zones.geojson", zones(counties));
    dir.write("census.csv", counties == 3 ? "code,pop\n100001,1000\n100002,2000\n100003,1500\n"
                                          : "code,pop\n100001,1000\n100002,2000\n");
    dir.write("facilities.csv", facilities);
    dir.write("scenario.toml", std::string(kScenario) + extra);
  }
  [[nodiscard]] std::string scenario() const { return (dir / "scenario.toml").string(); }
};

struct Raster {
  double gt[6] = {};
  int cols = 0, rows = 0;
  std::vector<float> v;
  double nodata = 0;
  bool has_nodata = false;
  [[nodiscard]] bool valid(int c, int r) const {
    const float x = v[static_cast<std::size_t>(r) * cols + c];
    return !std::isnan(x) && !(has_nodata && x == static_cast<float>(nodata));
  }
  [[nodiscard]] float at(int c, int r) const { return v[static_cast<std::size_t>(r) * cols + c]; }
};

inline Raster read_tif(const fs::path& p) {
  GDALAllRegister();
  GDALDatasetUniquePtr ds(GDALDataset::Open(p.string().c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
  REQUIRE(ds);
  Raster r;
  REQUIRE(ds->GetGeoTransform(r.gt) == CE_None);
  r.cols = ds->GetRasterXSize();
  r.rows = ds->GetRasterYSize();
  r.v.resize(static_cast<std::size_t>(r.cols) * r.rows);
  int ok = 0;
  r.nodata = ds->GetRasterBand(1)->GetNoDataValue(&ok);
  r.has_nodata = ok != 0;
  REQUIRE(ds->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, r.cols, r.rows, r.v.data(), r.cols, r.rows, GDT_Float32, 0, 0) ==
          CE_None);
  return r;
}

inline json read_json(const fs::path& p) { return json::parse(slurp(p)); }

/// Runs every tile of the plan; returns per tile its run folder.
inline std::vector<std::pair<json, fs::path>> run_tiles(const fs::path& plan_dir) {
  const json plan = read_json(plan_dir / "plan.json");
  std::vector<std::pair<json, fs::path>> out;
  for (const auto& t : plan["tiles"]) {
    const fs::path out_dir = plan_dir / t["out"].get<std::string>();
    const auto r = run_cli({"run", (plan_dir / t["scenario"].get<std::string>()).string(), "--out", out_dir.string()});
    INFO(r.all());
    REQUIRE(r.code == 0);
    REQUIRE(fs::exists(out_dir / "tile.json"));
    out.emplace_back(t, out_dir);
  }
  return out;
}

/// The scenario run untiled into DIR/full, tiled into DIR/plan (`carereach tile SCENARIO <tile_args> --out
/// DIR/plan`) and every tile run; each step must succeed.
struct TiledRun {
  fs::path full;
  fs::path plan;
  std::vector<std::pair<json, fs::path>> tiles;
};
inline TiledRun run_untiled_and_tiles(const std::string& scenario, const TempDir& dir,
                                      std::vector<std::string> tile_args) {
  TiledRun out{dir / "full", dir / "plan", {}};
  const auto r0 = run_cli({"run", scenario, "--out", out.full.string()});
  INFO(r0.all());
  REQUIRE(r0.code == 0);
  tile_args.insert(tile_args.begin(), {"tile", scenario});
  tile_args.insert(tile_args.end(), {"--out", out.plan.string()});
  const auto rp = run_cli(tile_args);
  INFO(rp.all());
  REQUIRE(rp.code == 0);
  out.tiles = run_tiles(out.plan);
  return out;
}

}  // namespace carereach::test::tile_fixture
