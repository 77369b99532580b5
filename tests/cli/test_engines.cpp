// How each standard is computed, on the data a health commission usually has — county polygons, census totals, a
// facility list, and no road network (the fixture): `validate` lists every standard with its method or the reason
// it cannot be computed; a car standard on the raster engine without roads is "not computed", never a walk
// labelled car; the straight-line estimate computes it instead and says so in every output; cells without land
// cover are impassable unless the scenario opts in, and the run counts them.

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <cmath>
#include <filesystem>
#include <string>

#include "fixture.hpp"

using namespace carereach::test;
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

/// The fixture (two counties, census totals, three facilities, no roads) with the county hospital standard of 30
/// minutes on the straight-line estimate, the one of 60 minutes on the raster engine (by car: no speed without
/// roads), the TCM circle on the raster engine (walking: impassable without land cover unless opted in), and the
/// primary-care circle left on the network engine (no roads).
std::string no_roads_scenario(const std::string& raster_table = "") {
  return Fixture::scenario_toml() +
         "\n[standards.county_hospital_30min]\nengine = \"estimate\"\n"
         "\n[standards.county_hospital_60min]\nengine = \"raster\"\n"
         "\n[standards.tcm_15min]\nengine = \"raster\"\n" +
         raster_table;
}

const json* standard_entry(const json& list, const std::string& key, const std::string& id) {
  for (const auto& s : list)
    if (s.value(key, "") == id) return &s;
  return nullptr;
}

}  // namespace

TEST_CASE("validate lists every standard with how it will be computed or why not", "[cli][engines]") {
  Fixture fx;
  fx.set_scenario(no_roads_scenario());
  const CliResult r = run_cli({"validate", fx.scenario()});
  INFO(r.all());
  REQUIRE(r.code == 0);
  // Each standard's own lines follow its summary line.
  const auto after = [&](const std::string& id) { return r.out.substr(r.out.find("  " + id + " ")); };
  CHECK(after("county_hospital_30min").find("    computed 计算: straight-line estimate (circuity 1.3, car 35 km/h) / "
                                           "直线距离估算（绕行系数 1.3，机动车 35 千米/小时）") == after("county_hospital_30min").find("\n") + 1);
  CHECK_THAT(after("county_hospital_60min"),
             Catch::StartsWith("  county_hospital_60min 县级医院60分钟可达: car 机动车, raster, ≤ 60 min") &&
                 Catch::Contains("    not computed 未计算: the raster engine has no speed for mode car (MOTORIZED): the "
                                 "scenario has no roads; there is no land cover\n"));
  CHECK_THAT(after("tcm_15min"),
             Catch::Contains("not computed 未计算: the raster engine has no speed for mode walk (WALKING): the scenario "
                             "has no roads; there is no land cover; cells without land cover are impassable"));
  CHECK_THAT(after("primary_care_15min"),
             Catch::Contains("    not computed 未计算: the network engine needs roads, and the scenario has no [roads]\n"
                             "      路网法需要道路数据，情景中没有道路（[roads]）\n"
                             "    hint: add a [roads] source, or set engine = \"estimate\""));
  CHECK_THAT(after("emergency_radius"), Catch::Contains("computed 计算: straight-line distance 直线距离"));
  // The verdict says how many standards will be missing: "情景检查通过" alone would hide them.
  CHECK_THAT(r.out, Catch::Contains("The scenario can run, but 3 of 5 standards will not be computed") &&
                        Catch::Contains("情景可以运行，但有 3 项服务标准无法计算"));
  CHECK_THAT(r.out, !Catch::Contains("情景检查通过"));
}

TEST_CASE("validate gives the raster engine's sources and the network engine's speeds per road class", "[cli][engines]") {
  Fixture fx;
  fx.set_scenario(no_roads_scenario("\n[raster]\nno_land_cover = \"default_speed\"\ndefault_speed_kmh = 4\n"));
  const CliResult r = run_cli({"validate", fx.scenario()});
  INFO(r.all());
  REQUIRE(r.code == 0);
  const std::string tcm = r.out.substr(r.out.find("  tcm_15min "));
  CHECK_THAT(tcm, Catch::Contains("    computed 计算: raster cost distance 栅格成本距离法 by walk 步行 (WALKING)\n"
                                  "    roads 道路: none burned in (no [roads])\n"
                                  "    land cover 土地覆盖: none\n"
                                  "    cells without land cover 无土地覆盖的格网: 912, walked at 4 km/h "
                                  "(no_land_cover = \"default_speed\")\n"));
  // The opt-in walk is no car speed: the car standard stays not computed.
  CHECK_THAT(r.out.substr(r.out.find("  county_hospital_60min ")),
             Catch::Contains("cells without land cover are walked at 4.0 km/h, which is no car speed"));
  CHECK_THAT(r.out, Catch::Contains("but 2 of 5 standards will not be computed"));
}

TEST_CASE("run without roads: the estimate is computed and labelled everywhere, the others say 未计算 with why",
          "[cli][engines]") {
  Fixture fx;
  fx.set_scenario(no_roads_scenario());
  const fs::path out = fx.dir / "out";
  const CliResult r = run_cli({"run", fx.scenario(), "--out", out.string()});
  INFO(r.all());
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("  primary_care_15min 15分钟医疗卫生服务圈: not computed 未计算 — the network engine "
                                    "needs roads, and the scenario has no [roads]\n"));

  // run.json: the estimate with its method; the skipped standards with their reason in both languages.
  const json run = json::parse(slurp(out / "run.json"));
  const json* est = standard_entry(run["coverage"], "standard", "county_hospital_30min");
  REQUIRE(est != nullptr);
  CHECK((*est)["engine"] == "estimate");
  CHECK((*est)["circuity"] == 1.3);
  CHECK((*est)["estimate_speed_kmh"] == 35.0);
  CHECK((*est)["method_zh"] == "直线距离估算（绕行系数 1.3，机动车 35 千米/小时）");
  CHECK((*est)["method_en"] == "straight-line estimate (circuity 1.3, car 35 km/h)");
  const json* car60 = standard_entry(run["coverage"], "standard", "county_hospital_60min");
  REQUIRE(car60 != nullptr);
  CHECK_THAT(car60->value("status", ""), Catch::StartsWith("not computed: the raster engine has no speed for mode car"));
  CHECK_THAT(car60->value("reason_zh", ""), Catch::StartsWith("栅格引擎没有机动车的速度来源"));
  const json* travel60 = standard_entry(run["travel"]["standards"], "id", "county_hospital_60min");
  REQUIRE(travel60 != nullptr);
  CHECK_THAT(travel60->value("hint", ""), Catch::Contains("engine = \"estimate\""));
  CHECK(run["travel"]["estimate"]["car"]["speed_kmh"] == 35.0);
  CHECK(run["travel"]["raster"]["no_land_cover"] == "impassable");
  std::size_t not_computed = 0;
  for (const auto& w : run["warnings"]) not_computed += w["code"] == "standard.not_computed" ? 1 : 0;
  CHECK(not_computed == 3);
  CHECK(fs::exists(out / "travel_time_county_hospital_30min.tif"));
  CHECK_FALSE(fs::exists(out / "travel_time_county_hospital_60min.tif"));
  CHECK_FALSE(fs::exists(out / "travel_time_tcm_15min.tif"));

  // report.md: every standard has its findings; the skipped ones say 未计算 with the reason, in Chinese.
  const std::string md = slurp(out / "report.md");
  CHECK_THAT(md, Catch::Contains("### 县级医院60分钟可达\n\n- 口径：") &&
                     Catch::Contains("- 未计算：栅格引擎没有机动车的速度来源：情景没有道路数据；没有土地覆盖数据。\n"));
  CHECK_THAT(md, Catch::Contains("### 15分钟医疗卫生服务圈\n\n- 口径：") &&
                     Catch::Contains("- 未计算：路网法需要道路数据，情景中没有道路（\\[roads\\]）。\n"));
  CHECK_THAT(md, Catch::Contains("机动车 30 分钟，直线距离估算（绕行系数 1.3，机动车 35 千米/小时）") &&
                     Catch::Contains("- 本项为直线距离估算，未使用道路网络"));
  // The appendix's summary row says 未计算.
  const std::string summary = slurp(out / "tables" / "summary.csv");
  CHECK_THAT(summary, Catch::Contains("县级医院60分钟可达,机动车 60 分钟,,,,100.0,%,未计算,"));

  // report.html: the headline, the findings and the method say it; the travel-time map's title names the estimate.
  const std::string html = slurp(out / "report.html");
  CHECK_THAT(html, Catch::Contains("未计算（目标 100.0%）") && Catch::Contains("县级医院30分钟可达（直线距离估算）</span>") && Catch::Contains("未计算：路网法需要道路数据") &&
                       Catch::Contains("县级医院30分钟可达 — 出行时间（直线距离估算）") &&
                       Catch::Contains("计算方法：直线距离估算（绕行系数 1.3，机动车 35 千米/小时），未使用道路网络"));

  // The GeoTIFF says how its minutes were made, and every cell is the hand formula: the straight line from the cell
  // centre to the county hospital F2 (116.15°E 33.55°N) × 1.3 ÷ (35 km/h) — F2 is the only facility of the standard.
  GDALAllRegister();
  GDALDatasetUniquePtr tif(GDALDataset::Open((out / "travel_time_county_hospital_30min.tif").string().c_str(),
                                             GDAL_OF_RASTER | GDAL_OF_READONLY));
  REQUIRE(tif);
  CHECK(std::string(tif->GetMetadataItem("CAREREACH_ENGINE")) == "estimate");
  CHECK(std::string(tif->GetMetadataItem("CAREREACH_CIRCUITY")) == "1.3");
  CHECK(std::string(tif->GetMetadataItem("CAREREACH_METHOD_ZH")) == "直线距离估算（绕行系数 1.3，机动车 35 千米/小时）");
  double gt[6];
  REQUIRE(tif->GetGeoTransform(gt) == CE_None);
  OGRSpatialReference wgs84, grid_crs;
  wgs84.importFromEPSG(4326);
  wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  grid_crs.importFromWkt(tif->GetProjectionRef());
  grid_crs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  std::unique_ptr<OGRCoordinateTransformation> to_grid(OGRCreateCoordinateTransformation(&wgs84, &grid_crs));
  REQUIRE(to_grid);
  double fx_m = 116.15, fy_m = 33.55;
  REQUIRE(to_grid->Transform(1, &fx_m, &fy_m));
  const int cols = tif->GetRasterXSize(), rows = tif->GetRasterYSize();
  std::vector<float> minutes(static_cast<std::size_t>(cols) * static_cast<std::size_t>(rows));
  REQUIRE(tif->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, cols, rows, minutes.data(), cols, rows, GDT_Float32, 0, 0) ==
          CE_None);
  for (int row = 0; row < rows; ++row)
    for (int col = 0; col < cols; ++col) {
      const double cx = gt[0] + (col + 0.5) * gt[1], cy = gt[3] + (row + 0.5) * gt[5];
      const double expected = std::hypot(cx - fx_m, cy - fy_m) * 1.3 / (35.0 / 3.6) / 60.0;
      INFO("cell " << col << ", " << row);
      REQUIRE(minutes[static_cast<std::size_t>(row * cols + col)] == Approx(expected).epsilon(1e-5).margin(1e-4));
    }
  tif.reset();

  // layers.gpkg: the estimate's layers say so in their titles; facility_access.csv names the engine.
  GDALDatasetUniquePtr gpkg(GDALDataset::Open((out / "layers.gpkg").string().c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
  REQUIRE(gpkg);
  OGRLayer* service = gpkg->GetLayerByName("service_area_county_hospital_30min");
  REQUIRE(service != nullptr);
  CHECK_THAT(std::string(service->GetMetadataItem("IDENTIFIER")), Catch::Contains("直线距离估算（绕行系数 1.3"));
  CHECK_THAT(std::string(service->GetMetadataItem("DESCRIPTION")),
             Catch::Contains("straight-line estimate (circuity 1.3, car 35 km/h), no road network used"));
  CHECK(gpkg->GetLayerByName("service_area_county_hospital_60min") == nullptr);
  gpkg.reset();
  CHECK_THAT(slurp(out / "facility_access.csv"), Catch::Contains("县级医院30分钟可达,F2,乙县中医院,中医医院,机动车,直线距离估算,"));

  // In English, the reasons are in English.
  const fs::path out_en = fx.dir / "out-en";
  REQUIRE(run_cli({"run", fx.scenario(), "--out", out_en.string(), "--lang", "en"}).code == 0);
  const std::string md_en = slurp(out_en / "report.md");
  CHECK_THAT(md_en, Catch::Contains("- Not computed: the network engine needs roads, and the scenario has no \\[roads\\].\n") &&
                        Catch::Contains("straight-line estimate (circuity 1.3, car 35 km/h)"));
}

TEST_CASE("run: cells without land cover are walked only when the scenario opts in, and are counted", "[cli][engines]") {
  Fixture fx;
  fx.set_scenario(no_roads_scenario("\n[raster]\nno_land_cover = \"default_speed\"\n"));
  const fs::path out = fx.dir / "out";
  const CliResult r = run_cli({"run", fx.scenario(), "--out", out.string()});
  INFO(r.all());
  REQUIRE(r.code == 0);
  const json run = json::parse(slurp(out / "run.json"));
  const json* tcm = standard_entry(run["travel"]["standards"], "id", "tcm_15min");
  REQUIRE(tcm != nullptr);
  REQUIRE(tcm->contains("speed_sources"));
  // The whole grid (38 × 24 cells of 500 m) has no land cover; the 3,000 persons live on it.
  CHECK((*tcm)["speed_sources"]["no_land_cover_cells"] == 912);
  CHECK((*tcm)["speed_sources"]["no_land_cover_walked_cells"] == 912);
  CHECK((*tcm)["speed_sources"]["no_land_cover_persons"].get<double>() == Approx(3000.0));
  bool warned = false;
  for (const auto& w : run["warnings"])
    if (w["code"] == "raster.no_land_cover") {
      warned = true;
      CHECK_THAT(w["message"].get<std::string>(), Catch::Contains("912 cells off the roads have no land cover") &&
                                                      Catch::Contains("(3000 persons): they are walked at 5 km/h"));
    }
  CHECK(warned);
  CHECK(fs::exists(out / "travel_time_tcm_15min.tif"));
  // The car standard on the raster engine is still not computed: a walk is no car speed.
  CHECK(standard_entry(run["travel"]["standards"], "id", "county_hospital_60min")->value("status", "").starts_with("not computed"));
}

TEST_CASE("traveltime refuses a raster car standard without a car speed, and computes the estimate", "[cli][engines]") {
  Fixture fx;
  fx.set_scenario(no_roads_scenario());
  const CliResult refused = run_cli({"traveltime", fx.scenario(), "-s", "county_hospital_60min", "-o",
                                     (fx.dir / "t60.tif").string()});
  CHECK(refused.code == 3);
  CHECK_THAT(refused.err, Catch::Contains("cannot be computed: the raster engine has no speed for mode car") &&
                              Catch::Contains("engine = \"estimate\""));
  CHECK_FALSE(fs::exists(fx.dir / "t60.tif"));

  const CliResult est = run_cli({"traveltime", fx.scenario(), "-s", "county_hospital_30min", "-o",
                                 (fx.dir / "t30.tif").string()});
  INFO(est.all());
  CHECK(est.code == 0);
  CHECK_THAT(est.out, Catch::Contains("min by car, straight-line estimate (circuity 1.3, car 35 km/h)"));
}

TEST_CASE("validate gives the speeds per road class the network and raster engines will use", "[cli][engines]") {
  // The fixture with two roads (a tertiary and a residential way across the counties) and the car speeds of both
  // classes set by the scenario; the 60-minute county hospital standard on the raster engine, the TCM circle mixed.
  Fixture fx;
  fx.dir.write("roads.geojson",
               R"({"type":"FeatureCollection","features":[)"
               R"({"type":"Feature","properties":{"highway":"tertiary"},"geometry":{"type":"LineString",)"
               R"("coordinates":[[116.01,33.55],[116.19,33.55]]}},)"
               R"({"type":"Feature","properties":{"highway":"residential"},"geometry":{"type":"LineString",)"
               R"("coordinates":[[116.12,33.51],[116.12,33.59]]}}]})");
  fx.set_scenario(Fixture::scenario_toml() +
                  "\n[roads]\nsource = \"roads.geojson\"\nclass_field = \"highway\"\n"
                  "\n[travel.speeds.car]\ntertiary = 33\nresidential = 21\n"
                  "\n[travel.speeds.walk]\ntertiary = 4.5\nresidential = 4\n"
                  "\n[standards.county_hospital_60min]\nengine = \"raster\"\n"
                  "\n[standards.tcm_15min]\nmode = \"mixed\"\n");
  const CliResult r = run_cli({"validate", fx.scenario()});
  INFO(r.all());
  REQUIRE(r.code == 0);
  // The profile is named with the scenario file as given on the command line.
  const std::string profile = "(km/h, data/speeds.toml + " + fx.scenario() + "): ";
  CHECK_THAT(r.out.substr(r.out.find("  county_hospital_30min ")),
             Catch::Contains("    computed 计算: road network 路网法, shortest time by car 机动车\n"
                             "    car speeds 速度 " + profile + "tertiary 33, residential 21\n"
                             "    off the roads 道路以外: walking 5 km/h, cells farther than 1000 m from a usable road are "
                             "not reached\n"));
  CHECK_THAT(r.out.substr(r.out.find("  tcm_15min ")),
             Catch::Contains("    car speeds 速度 " + profile + "tertiary 33, residential 21\n"
                             "    walk speeds 速度 " + profile + "tertiary 4.5, residential 4\n"));
  CHECK_THAT(r.out.substr(r.out.find("  county_hospital_60min ")),
             Catch::Contains("    computed 计算: raster cost distance 栅格成本距离法 by car 机动车 (MOTORIZED)\n"
                             "    roads 道路: 2 ways burned in at the car speeds (km/h): tertiary 33, residential 21\n"
                             "    land cover 土地覆盖: none\n"
                             "    cells without land cover 无土地覆盖的格网: 912, impassable (no_land_cover = \"impassable\")\n"));
  CHECK_THAT(r.out, Catch::EndsWith("The scenario can run. 情景检查通过。\n"));
}
