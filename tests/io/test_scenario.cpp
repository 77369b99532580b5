// The scenario parser: the documented example parses, defaults and overrides, and every kind of mistake is a
// ScenarioError naming the key and line.

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <sstream>

#include "core/error.hpp"
#include "io/scenario.hpp"

using namespace carereach;
namespace fs = std::filesystem;

namespace {

struct Dir {
  fs::path path;
  Dir() {
    std::random_device rd;
    path = fs::temp_directory_path() / ("carereach-scn-" + std::to_string(rd()));
    fs::create_directories(path);
  }
  ~Dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  void touch(const std::string& name) const { std::ofstream(path / name) << "x"; }
};

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A minimal scenario with the files it names.
const char* kMinimal = R"([[zones]]
level = "county"
source = "zones.geojson"
code_field = "code"
name_field = "name"
)";

io::Scenario parse(const Dir& d, const std::string& text) {
  d.touch("zones.geojson");
  d.touch("facilities.csv");
  d.touch("pop.tif");
  return io::parse_scenario(text, d.path / "scenario.toml");
}

template <class F>
ScenarioError scenario_error(F&& f) {
  try {
    f();
  } catch (const ScenarioError& e) {
    return e;
  }
  FAIL("expected a ScenarioError");
  throw;
}

}  // namespace

TEST_CASE("the example in docs/scenario.md parses", "[scenario][docs]") {
  const std::string doc = read(fs::path(CAREREACH_TEST_DATA).parent_path().parent_path() / "docs" / "scenario.md");
  const auto start = doc.find("```toml\n");
  REQUIRE(start != std::string::npos);
  const auto end = doc.find("```", start + 8);
  const std::string toml = doc.substr(start + 8, end - start - 8);
  Dir d;
  // Create every file the example names.
  const std::regex source_re(R"re((source|weights) = "([^"]+)")re");
  for (auto it = std::sregex_iterator(toml.begin(), toml.end(), source_re); it != std::sregex_iterator(); ++it)
    d.touch((*it)[2]);
  const io::Scenario s = io::parse_scenario(toml, d.path / "scenario.toml");
  CHECK(s.info.name == "亳州市医疗卫生服务圈（基线）");
  CHECK(s.info.region == "安徽省亳州市");
  CHECK(s.info.region_en == "Bozhou, Anhui");
  CHECK(s.analysis.cell_size_m == 100);
  REQUIRE(s.zones.size() == 2);
  CHECK(s.zones[1].geometry == io::ZoneGeometryKind::kSeats);
  CHECK(s.zones[1].parent_level == "county");
  REQUIRE(s.population);
  CHECK(s.population->kind == io::PopulationKind::kRaster);
  REQUIRE(s.facilities.size() == 1);
  CHECK(s.facilities[0].fields.beds == "床位数");
  CHECK(s.facilities[0].type_map.at("卫生院") == "township_health_center");
  REQUIRE(s.roads);
  CHECK(s.roads->kind == io::RoadSourceKind::kLines);
  CHECK(s.taxonomy.find_type("卫生服务点")->id == "health_post");
  CHECK(s.taxonomy.find_tag("胸痛") == std::optional<std::string>("chest_pain_center"));
  // emergency_radius disabled, tcm_15min changed to ebike, its walking variant after it, village_clinic_20min added.
  std::vector<std::string> ids;
  for (const auto& st : s.standards) ids.push_back(st.id);
  CHECK(ids == std::vector<std::string>{"tcm_15min", "tcm_15min_walk", "primary_care_15min", "county_hospital_30min",
                                        "county_hospital_60min", "village_clinic_20min"});
  CHECK(s.standards[0].mode == TravelMode::kEbike);
  CHECK(s.standards[0].threshold_min == 15.0);  // unchanged keys keep the default
  CHECK(s.standards[1].variant_of == "tcm_15min");
  CHECK(s.standards[1].mode == TravelMode::kWalk);
  CHECK(s.standards[1].threshold_min == 15.0);
  CHECK(s.standards[1].name_zh == "15分钟中医药服务圈（步行）");
  CHECK(s.info.data_note.empty());  // commented out in the example
  CHECK(s.standards[5].threshold_min == 20.0);
  CHECK(s.standards[5].select.types == std::vector<std::string>{"village_clinic"});
  CHECK(s.standards[5].source_zh == "本地假设");
  CHECK(s.standards[5].source_en == "local assumption");
  CHECK(s.info.description_en == "Baseline: facilities as of 2024.");
  CHECK(s.zones[1].class_field == "kind");
  CHECK(s.zones[1].urban_values == std::vector<std::string>{"街道"});
  CHECK(s.changes.close == std::vector<std::string>{"WS341602100212"});
  REQUIRE(s.changes.upgrade.size() == 1);
  CHECK(s.changes.upgrade[0].ids.size() == 2);
  CHECK(s.changes.upgrade[0].add_tags == std::vector<std::string>{"中医阁"});
  REQUIRE(s.changes.add.size() == 1);
  CHECK(s.changes.add[0].id == "new-001");
  CHECK(s.changes.add[0].x == 115.80);
  CHECK(s.changes.add[0].attributes.beds == 20.0);
  CHECK(s.density.targets.at("beds_per_1000") == 6.5);
  CHECK(s.density.targets.at("nurses_per_1000") == 3.5);
  CHECK_FALSE(s.density.source.empty());
}

TEST_CASE("defaults: analysis, labels, standards", "[scenario]") {
  Dir d;
  const io::Scenario s = parse(d, kMinimal);
  CHECK(s.analysis.crs == "auto");
  CHECK(s.analysis.cell_size_m == 100);
  CHECK(s.analysis.output_crs == "EPSG:4490");
  CHECK(s.zones[0].label_zh == "区县");
  CHECK(s.zones[0].source.path == (d.path / "zones.geojson").lexically_normal());
  CHECK(s.standards.size() == 5);
  CHECK_FALSE(s.population.has_value());
}

TEST_CASE("[output] basemap: none by default, osm, or tianditu with its key", "[scenario]") {
  Dir d;
  CHECK(parse(d, kMinimal).output.basemap.empty());
  CHECK(parse(d, std::string(kMinimal) + "[output]\nbasemap = \"osm\"\n").output.basemap == "osm");
  CHECK(parse(d, std::string(kMinimal) + "[output]\nbasemap = \"none\"\n").output.basemap.empty());
  const io::Scenario t = parse(d, std::string(kMinimal) + "[output]\nbasemap = \"tianditu\"\ntianditu_key = \"abc123\"\n");
  CHECK(t.output.basemap == "tianditu");
  CHECK(t.output.tianditu_key == "abc123");
  const ScenarioError unknown = scenario_error([&] { parse(d, std::string(kMinimal) + "[output]\nbasemap = \"amap\"\n"); });
  CHECK_THAT(unknown.what(), Catch::Contains("unknown basemap 'amap'"));
  CHECK(unknown.where().field == "output.basemap");
  const ScenarioError no_key =
      scenario_error([&] { parse(d, std::string(kMinimal) + "[output]\nbasemap = \"tianditu\"\n"); });
  CHECK(no_key.where().field == "output.tianditu_key");
  const ScenarioError stray = scenario_error(
      [&] { parse(d, std::string(kMinimal) + "[output]\nbasemap = \"osm\"\ntianditu_key = \"abc\"\n"); });
  CHECK(stray.where().field == "output.tianditu_key");
  const ScenarioError bad_key = scenario_error(
      [&] { parse(d, std::string(kMinimal) + "[output]\nbasemap = \"tianditu\"\ntianditu_key = \"a&b=c\"\n"); });
  CHECK(bad_key.where().field == "output.tianditu_key");
  const ScenarioError typo =
      scenario_error([&] { parse(d, std::string(kMinimal) + "[output]\nbase_map = \"osm\"\n"); });
  CHECK_THAT(typo.what(), Catch::Contains("base_map"));
}

TEST_CASE("distance standards and overrides", "[scenario]") {
  Dir d;
  const io::Scenario s = parse(d, std::string(kMinimal) + R"(
[standards]
defaults = false
[standards.er]
name_zh = "急救"
distance_m = { urban = 5000, rural = 12000 }
tags_any = ["急救站"]
target_share = 0.95
)");
  REQUIRE(s.standards.size() == 1);
  const Standard& st = s.standards[0];
  CHECK(st.is_distance());
  CHECK(st.distance_m_by_zone_class.at("rural") == 12000);
  CHECK(st.select.tags_any == std::vector<std::string>{"emergency"});  // Chinese alias → canonical id
  CHECK(st.target_share == 0.95);
}

TEST_CASE("population polygons: a count per polygon, optionally weighted", "[scenario]") {
  Dir d;
  d.touch("blocks.gpkg");
  d.touch("built_up.tif");
  const io::Scenario s = parse(d, std::string(kMinimal) + R"(
[population]
kind = "polygons"
source = "blocks.gpkg"
layer = "census_blocks"
crs = "EPSG:4490"
count_field = "常住人口"
weights = "built_up.tif"
weights_band = 2
year = "2020"
label = "第七次全国人口普查（普查小区）"
)");
  REQUIRE(s.population);
  const io::PopulationSpec& p = *s.population;
  CHECK(p.kind == io::PopulationKind::kPolygons);
  CHECK(p.source.path == (d.path / "blocks.gpkg").lexically_normal());
  CHECK(p.source.layer == "census_blocks");
  CHECK(p.source.crs == "EPSG:4490");
  CHECK(p.source.key == "population");
  CHECK(p.count_field == "常住人口");
  REQUIRE(p.weights);
  CHECK(p.weights->path == (d.path / "built_up.tif").lexically_normal());
  CHECK(p.weights->key == "population.weights");
  CHECK(p.weights_band == 2);
  CHECK(p.year == "2020");
  CHECK(p.label == "第七次全国人口普查（普查小区）");
  CHECK(p.level.empty());
  CHECK(p.code_field.empty());
}

TEST_CASE("standards: where the numbers come from, in Chinese and in English", "[scenario]") {
  Dir d;
  // The shipped profile has both texts.
  const io::Scenario shipped = parse(d, kMinimal);
  CHECK(shipped.standards[0].source_zh == "15分钟服务圈出自国家中医药发展规划；出行方式和目标覆盖率为本地假设");
  CHECK_THAT(shipped.standards[0].source_en, Catch::StartsWith("15-minute circle from national TCM development plans"));
  for (const Standard& st : shipped.standards) {
    INFO(st.id);
    CHECK_FALSE(st.source_zh.empty());
    CHECK_FALSE(st.source_en.empty());
  }
  // source_zh alone replaces both (the shipped English no longer describes it; English reports show the Chinese);
  // source is one text for both; source_zh and source_en one each.
  const io::Scenario s = parse(d, std::string(kMinimal) + R"(
[standards.tcm_15min]
source_zh = "《某市“十四五”中医药发展规划》"
[standards.primary_care_15min]
source = "《某市卫生健康规划》"
[standards.county_hospital_30min]
source_zh = "本地假设"
source_en = "local assumption"
)");
  CHECK(s.standards[0].source_zh == "《某市“十四五”中医药发展规划》");
  CHECK(s.standards[0].source_en.empty());
  CHECK(s.standards[1].source_zh == "《某市卫生健康规划》");
  CHECK(s.standards[1].source_en == "《某市卫生健康规划》");
  CHECK(s.standards[2].source_zh == "本地假设");
  CHECK(s.standards[2].source_en == "local assumption");
  const ScenarioError e = scenario_error([&] {
    parse(d, std::string(kMinimal) + "[standards.tcm_15min]\nsource = \"a\"\nsource_zh = \"b\"\n");
  });
  CHECK(e.where().field == "standards.tcm_15min.source");
  CHECK_THAT(e.message(), Catch::Contains("not both"));
}

TEST_CASE("mistakes in the scenario name the key and line", "[scenario]") {
  Dir d;
  struct Case {
    std::string text;
    std::string key;
    int line;
    std::string message;
  };
  const std::string z = kMinimal;  // 5 lines
  const Case cases[] = {
      {z + "[analysis]\ncell_sise_m = 50\n", "analysis.cell_sise_m", 7, "unknown key"},
      {z + "[analysis]\ncell_size_m = 0\n", "analysis.cell_size_m", 7, "between 1 and 10000"},
      {z + "[analysis]\ncell_size_m = true\n", "analysis.cell_size_m", 7, "must be a number"},
      {z + "[population]\nkind = \"grid\"\nsource = \"pop.tif\"\n", "population.kind", 7, "must be \"raster\""},
      {z + "[population]\nkind = \"zone_totals\"\nsource = \"pop.tif\"\ncount_field = \"p\"\ncode_field = \"c\"\nlevel = \"town\"\n",
       "population.level", 11, "no zone level 'town'"},
      {z + "[population]\nkind = \"polygons\"\nsource = \"facilities.csv\"\ncount_field = \"p\"\n",
       "population.source", 8, "a table (.csv) holds no polygons"},
      {z + "[population]\nkind = \"polygons\"\nsource = \"pop.tif\"\n", "population.count_field", 6,
       "is required"},
      {z + "[population]\nkind = \"polygons\"\nsource = \"pop.tif\"\ncount_field = \"p\"\nx_field = \"x\"\n",
       "population.x_field", 10, "unknown key"},
      {z + "[[facilities]]\nsource = \"facilities.csv\"\n[facilities.fields]\nname = \"n\"\n", "facilities[0].fields", 8,
       "fields.id is required"},
      {z + "[[facilities]]\nsource = \"facilities.csv\"\ndefault_type = \"hospice\"\n[facilities.fields]\nid = \"i\"\n",
       "facilities[0].default_type", 8, "unknown facility type 'hospice'"},
      {z + "[standards.tcm_15min]\nmode = \"horse\"\n", "standards.tcm_15min.mode", 7, "unknown mode 'horse'"},
      {z + "[standards.new_one]\nthreshold_min = 10\n", "standards.new_one", 6, "needs name_zh or name_en"},
      {z + "[standards]\ndisable = [\"nope\"]\n", "standards.disable", 7, "no standard 'nope'"},
      {z + "[standards.tcm_15min]\ntypes = [\"宠物医院\"]\n", "standards.tcm_15min.types", 7, "unknown facility type"},
      {z + "[[zones]]\nlevel = \"county\"\nsource = \"zones.geojson\"\ncode_field = \"c\"\nname_field = \"n\"\n",
       "zones[1].level", 7, "given twice"},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    const ScenarioError e = scenario_error([&] { parse(d, c.text); });
    CHECK(e.exit_code() == ExitCode::kScenario);
    CHECK(e.where().field == c.key);
    CHECK(e.where().line > 0);
    CHECK(e.where().line == c.line);
    CHECK_THAT(e.message(), Catch::Contains(c.message));
    CHECK(e.where().file == (d.path / "scenario.toml").string());
  }
}

TEST_CASE("engine = \"estimate\": circuity and speed from the standard, else from the profile", "[scenario][estimate]") {
  Dir d;
  const io::Scenario s = parse(d, std::string(kMinimal) + R"(
[travel.estimate.car]
speed_kmh = 40

[standards.county_hospital_30min]
engine = "estimate"

[standards.county_hospital_60min]
engine = "estimate"
circuity = 1.5
estimate_speed_kmh = 30

[standards.tcm_15min]
engine = "estimate"
)");
  const auto find = [&](const std::string& id) {
    for (const auto& st : s.standards)
      if (st.id == id) return st;
    FAIL("no standard " << id);
    return Standard{};
  };
  const Standard c30 = find("county_hospital_30min");
  CHECK(c30.engine == TravelEngine::kEstimate);
  CHECK(c30.estimate_speed_kmh == 40.0);  // [travel.estimate.car]
  CHECK(c30.circuity == s.travel.profile.estimate[mode_index(TravelMode::kCar)].circuity);
  const Standard c60 = find("county_hospital_60min");
  CHECK(c60.circuity == 1.5);
  CHECK(c60.estimate_speed_kmh == 30.0);
  const Standard tcm = find("tcm_15min");  // walking
  CHECK(tcm.estimate_speed_kmh == s.travel.profile.estimate[mode_index(TravelMode::kWalk)].speed_kmh);
  // The other standards keep the network engine and have no estimate values.
  CHECK(find("primary_care_15min").engine == TravelEngine::kNetwork);
  CHECK_FALSE(find("primary_care_15min").circuity.has_value());
}

TEST_CASE("[raster] no_land_cover: impassable by default, default_speed_kmh only with the opt-in", "[scenario][raster]") {
  Dir d;
  const io::Scenario plain = parse(d, std::string(kMinimal) + "[raster]\nneighbours = 8\n");
  CHECK_FALSE(plain.raster.no_land_cover_default_speed);
  const io::Scenario opted =
      parse(d, std::string(kMinimal) + "[raster]\nno_land_cover = \"default_speed\"\ndefault_speed_kmh = 4\n");
  CHECK(opted.raster.no_land_cover_default_speed);
  CHECK(opted.raster.default_speed_kmh == 4.0);
  CHECK_FALSE(parse(d, std::string(kMinimal) + "[raster]\nno_land_cover = \"impassable\"\n")
                  .raster.no_land_cover_default_speed);
}

TEST_CASE("[raster.road_modes]: a mode per road class, in any case", "[scenario][raster]") {
  Dir d;
  const io::Scenario s =
      parse(d, std::string(kMinimal) + "[raster.road_modes]\ntrack = \"WALKING\"\ncycleway = \"bicycling\"\n");
  CHECK(s.raster.road_modes[road_class_index(RoadClass::kTrack)] == "walking");
  CHECK(s.raster.road_modes[road_class_index(RoadClass::kCycleway)] == "bicycling");
  CHECK(s.raster.road_modes[road_class_index(RoadClass::kPrimary)].empty());
}

TEST_CASE("mistakes with the estimate and the raster's land cover name the key", "[scenario][estimate][raster]") {
  Dir d;
  struct Case {
    std::string text, key, message, hint;
  };
  const std::string z = kMinimal;
  const Case cases[] = {
      {z + "[standards.tcm_15min]\ncircuity = 1.4\n", "standards.tcm_15min.circuity",
       "applies only to engine = \"estimate\", and this standard uses the network engine", "engine = \"estimate\""},
      {z + "[standards.tcm_15min]\nengine = \"raster\"\nestimate_speed_kmh = 5\n", "standards.tcm_15min.estimate_speed_kmh",
       "applies only to engine = \"estimate\"", ""},
      {z + "[standards.tcm_15min]\nengine = \"estimate\"\nmode = \"mixed\"\n", "standards.tcm_15min.engine",
       "mode mixed has two", "mode = \"car\""},
      {z + "[standards.tcm_15min]\nengine = \"estimate\"\ncircuity = 0.7\n", "standards.tcm_15min.circuity",
       "at least 1 and at most 5", ""},
      {z + "[standards.tcm_15min]\nengine = \"estimate\"\nestimate_speed_kmh = 0\n",
       "standards.tcm_15min.estimate_speed_kmh", "more than 0", ""},
      {z + "[standards.tcm_15min]\nengine = \"guess\"\n", "standards.tcm_15min.engine", "unknown engine 'guess'",
       "network, raster or estimate"},
      {z + "[raster]\ndefault_speed_kmh = 4\n", "raster.default_speed_kmh",
       "is used only with no_land_cover = \"default_speed\"", "add no_land_cover = \"default_speed\""},
      {z + "[raster]\nno_land_cover = \"walk\"\n", "raster.no_land_cover", "must be \"impassable\" or \"default_speed\"",
       "AccessMod"},
      {z + "[raster.road_modes]\ntrak = \"walking\"\n", "raster.road_modes", "'trak' is not a road class",
       "did you mean 'track'?"},
      {z + "[raster.road_modes]\nprimary_link = \"walking\"\n", "raster.road_modes", "'primary_link' is not a road class",
       "*_link ways take the mode of their class"},
      {z + "[raster.road_modes]\ntrack = \"driving\"\n", "raster.road_modes",
       "must be walking, bicycling or motorized, not 'driving'", "AccessMod"},
      {z + "[raster]\nburn_roads = false\n[raster.road_modes]\ntrack = \"walking\"\n", "raster.road_modes",
       "burn_roads = false leaves the roads out", "burn_roads = true"},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    const ScenarioError e = scenario_error([&] { parse(d, c.text); });
    CHECK(e.exit_code() == ExitCode::kScenario);
    CHECK(e.where().field == c.key);
    CHECK(e.where().line > 0);
    CHECK_THAT(e.message(), Catch::Contains(c.message));
    CHECK_THAT(e.hint(), Catch::Contains(c.hint));
  }
}

TEST_CASE("malformed TOML gives the line", "[scenario]") {
  Dir d;
  const ScenarioError e = scenario_error([&] { parse(d, std::string(kMinimal) + "[analysis\n"); });
  CHECK(e.where().line == 6);
  CHECK_THAT(e.message(), Catch::Contains("not valid TOML"));
}

TEST_CASE("a missing data file is an input error naming the key", "[scenario]") {
  Dir d;
  try {
    io::parse_scenario(kMinimal, d.path / "scenario.toml");  // zones.geojson not created
    FAIL("expected an InputError");
  } catch (const InputError& e) {
    CHECK(e.where().file == "zones.geojson");
    CHECK(e.where().field == "zones[0].source");
    CHECK(e.where().line == 3);
  }
}

TEST_CASE("variant_of: a new variant copies its base, then the keys given change it", "[scenario][variant]") {
  Dir d;
  // The variant is written before its base's own override: it copies the base with that override applied.
  const io::Scenario s = parse(d, std::string(kMinimal) + R"t(
[standards.tcm_15min_ebike]
variant_of = "tcm_15min"
name_zh = "15分钟中医药服务圈（电动自行车）"
mode = "ebike"

[standards.tcm_15min]
target_share = 0.8
tags_any = ["中医馆"]

[standards.county_hospital_30min_estimate]
variant_of = "county_hospital_30min"
name_en = "County hospital within 30 minutes (estimate)"
engine = "estimate"
circuity = 1.4

[standards.county_hospital_60min]
variant_of = "county_hospital_30min"
)t");
  std::vector<std::string> ids;
  for (const auto& st : s.standards) ids.push_back(st.id);
  // A new variant is listed right after its base (and the base's earlier variants); a shipped standard marked as a
  // variant keeps its place.
  CHECK(ids == std::vector<std::string>{"tcm_15min", "tcm_15min_ebike", "primary_care_15min", "county_hospital_30min",
                                        "county_hospital_30min_estimate", "county_hospital_60min", "emergency_radius"});
  const Standard& base = s.standards[0];
  const Standard& ebike = s.standards[1];
  CHECK(base.variant_of.empty());
  CHECK(ebike.variant_of == "tcm_15min");
  CHECK(ebike.name_zh == "15分钟中医药服务圈（电动自行车）");
  CHECK(ebike.name_en.empty());            // names are not copied: a variant is named by the scenario
  CHECK(ebike.mode == TravelMode::kEbike);  // changed
  CHECK(ebike.threshold_min == 15.0);       // copied
  CHECK(ebike.target_share == 0.8);         // copied after the base's own override
  CHECK(ebike.select.tags_any == std::vector<std::string>{"tcm_hall"});
  CHECK(ebike.source_zh == base.source_zh);
  CHECK(ebike.engine == TravelEngine::kNetwork);
  const Standard& est = s.standards[4];
  CHECK(est.variant_of == "county_hospital_30min");
  CHECK(est.engine == TravelEngine::kEstimate);
  CHECK(est.mode == TravelMode::kCar);
  CHECK(est.threshold_min == 30.0);
  CHECK(est.circuity == 1.4);
  CHECK(est.estimate_speed_kmh == s.travel.profile.estimate[mode_index(TravelMode::kCar)].speed_kmh);
  CHECK(est.select.tags_any == std::vector<std::string>{"county_hospital"});
  // A shipped standard marked as a variant keeps its own keys.
  const Standard& c60 = s.standards[5];
  CHECK(c60.variant_of == "county_hospital_30min");
  CHECK(c60.threshold_min == 60.0);
  CHECK(c60.name_zh == "县级医院60分钟可达");
}

TEST_CASE("variant_of: a variant of an estimate that changes the mode takes its own mode's speed", "[scenario][variant]") {
  Dir d;
  const io::Scenario s = parse(d, std::string(kMinimal) + R"t(
[standards.tcm_15min]
engine = "estimate"
estimate_speed_kmh = 4

[standards.tcm_ebike]
variant_of = "tcm_15min"
name_zh = "电动自行车"
mode = "ebike"

[standards.tcm_network]
variant_of = "tcm_15min"
name_zh = "路网"
engine = "network"
)t");
  const Standard& base = s.standards[0];
  CHECK(base.estimate_speed_kmh == 4.0);
  REQUIRE(s.standards[1].id == "tcm_ebike");
  CHECK(s.standards[1].engine == TravelEngine::kEstimate);
  CHECK(s.standards[1].estimate_speed_kmh == s.travel.profile.estimate[mode_index(TravelMode::kEbike)].speed_kmh);
  REQUIRE(s.standards[2].id == "tcm_network");
  CHECK(s.standards[2].engine == TravelEngine::kNetwork);
  CHECK_FALSE(s.standards[2].circuity.has_value());  // another engine has no estimate values
  CHECK_FALSE(s.standards[2].estimate_speed_kmh.has_value());
}

TEST_CASE("variant_of: mistakes name the key", "[scenario][variant]") {
  Dir d;
  struct Case {
    std::string text;
    std::string key;
    std::string message;
  };
  const std::string z = kMinimal;
  const Case cases[] = {
      {z + "[standards.v]\nvariant_of = \"nope\"\nname_zh = \"v\"\n", "standards.v.variant_of",
       "no standard 'nope' to be a variant of"},
      {z + "[standards.v]\nvariant_of = \"v\"\nname_zh = \"v\"\nthreshold_min = 5\n", "standards.v.variant_of",
       "cannot be a variant of itself"},
      {z + "[standards.v]\nvariant_of = \"tcm_15min\"\nmode = \"ebike\"\n", "standards.v", "needs name_zh or name_en"},
      // A variant of a variant, in either order in the file.
      {z + "[standards.a]\nvariant_of = \"tcm_15min\"\nname_zh = \"a\"\n[standards.b]\nvariant_of = \"a\"\nname_zh = \"b\"\n",
       "standards.b.variant_of", "'a' is itself a variant"},
      {z + "[standards.b]\nvariant_of = \"a\"\nname_zh = \"b\"\n[standards.a]\nvariant_of = \"tcm_15min\"\nname_zh = \"a\"\n",
       "standards.b.variant_of", "'a' is itself a variant"},
      {z + "[standards]\ndisable = [\"tcm_15min\"]\n[standards.v]\nvariant_of = \"tcm_15min\"\nname_zh = \"v\"\n",
       "standards.v.variant_of", "no standard 'tcm_15min'"},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    const ScenarioError e = scenario_error([&] { parse(d, c.text); });
    CHECK(e.exit_code() == ExitCode::kScenario);
    CHECK(e.where().field == c.key);
    CHECK(e.where().line > 0);
    CHECK_THAT(e.message(), Catch::Contains(c.message));
  }
}

TEST_CASE("[scenario] data_note and the modelled marks of population and facilities", "[scenario]") {
  Dir d;
  const io::Scenario plain = parse(d, std::string(kMinimal) + R"t(
[population]
kind = "raster"
source = "pop.tif"
[[facilities]]
source = "facilities.csv"
x_field = "x"
y_field = "y"
crs = "EPSG:4326"
default_type = "村卫生室"
[facilities.fields]
id = "id"
)t");
  CHECK(plain.info.data_note.empty());
  CHECK_FALSE(plain.population->modelled);
  CHECK_FALSE(plain.facilities[0].modelled);
  const io::Scenario marked = parse(d, R"t([scenario]
data_note = "道路为模拟。"
data_note_en = "The roads are modelled."
)t" + std::string(kMinimal) + R"t(
[population]
kind = "raster"
source = "pop.tif"
modelled = true
[[facilities]]
source = "facilities.csv"
x_field = "x"
y_field = "y"
crs = "EPSG:4326"
default_type = "村卫生室"
modelled = true
[facilities.fields]
id = "id"
)t");
  CHECK(marked.info.data_note == "道路为模拟。");
  CHECK(marked.info.data_note_en == "The roads are modelled.");
  CHECK(marked.population->modelled);
  CHECK(marked.facilities[0].modelled);
  const ScenarioError e = scenario_error([&] { parse(d, std::string(kMinimal) + "[population]\nkind = \"raster\"\nsource = \"pop.tif\"\nmodelled = \"yes\"\n"); });
  CHECK(e.where().field == "population.modelled");
}

TEST_CASE("planning indicators, per-zone targets and zone totals parse", "[scenario][indicators]") {
  Dir d;
  d.touch("totals.csv");
  d.touch("targets.csv");
  const io::Scenario s = parse(d, std::string(kMinimal) + R"(
[indicators.county_tertiary]
kind = "presence"
name_zh = "三级医院县城全覆盖"
types = ["综合医院"]
min_level = "三级"
min_count = 2

[indicators.thc_tcm_hall]
kind = "share"
name_zh = "乡镇卫生院设中医馆"
types = ["卫生院"]
with_tags_any = ["国医堂"]
target_share = 0.8
include_planned = true
source_zh = "亳州"

[[zone_targets]]
level = "county"
label = "各县规划"
[zone_targets.zones]
"341621" = { thc_tcm_hall = 0.5, county_tertiary = 1, beds_per_1000 = 6.0, tcm_15min = 0.8 }

[[zone_targets]]
level = "county"
label = "表"
source = "targets.csv"
code_field = "code"

[[density.zone_totals]]
level = "county"
source = "totals.csv"
code_field = "code"
label = "统计年鉴"
[density.zone_totals.fields]
beds = "床位"
population = "人口"
)");
  REQUIRE(s.indicators.size() == 2);
  const PlanIndicator& p = s.indicators[0];
  CHECK(p.kind == IndicatorKind::kPresence);
  CHECK(p.level == "county");  // the first level by default
  CHECK(p.select.types == std::vector<std::string>{"general_hospital"});
  CHECK(p.select.min_level == FacilityLevel::kTertiary);
  CHECK(p.min_count == 2);
  const PlanIndicator& q = s.indicators[1];
  CHECK(q.kind == IndicatorKind::kShare);
  CHECK(q.select.types == std::vector<std::string>{"township_health_center"});  // 卫生院: an office term
  CHECK(q.with.tags_any == std::vector<std::string>{"tcm_hall"});                // 国医堂: an alias of 中医馆
  CHECK(q.target_share == 0.8);
  CHECK(q.select.include_planned);
  CHECK(q.with.include_planned);
  CHECK(q.source_zh == "亳州");
  REQUIRE(s.zone_targets.size() == 2);
  CHECK(s.zone_targets[0].values.at("341621").at("thc_tcm_hall") == 0.5);
  CHECK(s.zone_targets[0].values.at("341621").at("tcm_15min") == 0.8);
  CHECK(s.zone_targets[1].source.has_value());
  REQUIRE(s.density.zone_totals.size() == 1);
  CHECK(s.density.zone_totals[0].fields[0] == "床位");
  CHECK(s.density.zone_totals[0].population_field == "人口");
  CHECK(s.target_kind("thc_tcm_hall") == io::TargetKind::kShare);
  CHECK(s.target_kind("county_tertiary") == io::TargetKind::kPresence);
  CHECK(s.target_kind("nurses_per_1000") == io::TargetKind::kDensity);
  CHECK(s.target_kind("tcm_15min") == io::TargetKind::kStandard);
  CHECK(!s.target_kind("nothing"));
}

TEST_CASE("mistakes in planning indicators, per-zone targets and zone totals name the key", "[scenario][indicators]") {
  Dir d;
  d.touch("totals.csv");
  struct Case {
    std::string text;
    std::string key;
    std::string message;
  };
  const std::string z = kMinimal;
  const std::string ind = "[indicators.x]\nname_zh = \"x\"\n";
  const Case cases[] = {
      {z + ind + "kind = \"count\"\n", "indicators.x.kind", "must be \"presence\" or \"share\""},
      {z + ind + "kind = \"presence\"\nmin_count = 1.5\n", "indicators.x.min_count", "whole number"},
      {z + ind + "kind = \"presence\"\nwithin_m = 5000\n", "indicators.x.within_m", "needs the seats"},
      {z + ind + "kind = \"presence\"\ntarget_share = 1\n", "indicators.x.target_share", "applies to kind = \"share\""},
      {z + ind + "kind = \"share\"\ntypes = [\"村卫生室\"]\n", "indicators.x", "with_types, with_tags_any or with_min_level"},
      {z + ind + "kind = \"share\"\nwith_tags_any = [\"中医馆\"]\ntarget_share = 90\n", "indicators.x.target_share",
       "between 0 and 1"},
      {z + ind + "kind = \"share\"\nwith_tags_any = [\"中医管\"]\n", "indicators.x.with_tags_any", "unknown tag"},
      {z + ind + "kind = \"presence\"\nlevel = \"town\"\n", "indicators.x.level", "no zone level 'town'"},
      {z + "[indicators.tcm_15min]\nkind = \"presence\"\nname_zh = \"x\"\n", "indicators.tcm_15min",
       "already the id of a service standard"},
      {z + "[[zone_targets]]\nlevel = \"county\"\nlabel = \"x\"\n[zone_targets.zones]\n\"1\" = { nope = 1 }\n",
       "zone_targets[0].zones.1.nope", "not a standard, planning indicator or density indicator"},
      {z + "[[zone_targets]]\nlevel = \"county\"\nlabel = \"x\"\n[zone_targets.zones]\n\"1\" = { tcm_15min = 2 }\n",
       "zone_targets[0].zones.1.tcm_15min", "between 0 and 1"},
      {z + "[[zone_targets]]\nlevel = \"county\"\nlabel = \"x\"\n", "zone_targets[0].source", "one of them"},
      {z + "[[density.zone_totals]]\nlevel = \"county\"\nsource = \"totals.csv\"\ncode_field = \"c\"\nlabel = \"x\"\n",
       "density.zone_totals[0].fields", "name at least one column"},
      {z + "[[density.zone_totals]]\nlevel = \"town\"\nsource = \"totals.csv\"\ncode_field = \"c\"\nlabel = \"x\"\n"
           "[density.zone_totals.fields]\nbeds = \"b\"\n",
       "density.zone_totals[0].level", "no zone level 'town'"},
      {z + "[density]\nsource = \"x\"\n[density.targets]\nbed_per_1000 = 6\n", "density.targets.bed_per_1000",
       "not a density indicator"},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    const ScenarioError e = scenario_error([&] { parse(d, c.text); });
    CHECK(e.where().field == c.key);
    CHECK(e.where().line > 0);
    CHECK_THAT(e.message(), Catch::Contains(c.message));
  }
}

TEST_CASE("new standards and planning indicators keep the order of the file, not the order of their ids",
          "[scenario][indicators]") {
  Dir d;
  const io::Scenario s = parse(d, std::string(kMinimal) + R"t(
[standards]
defaults = false

[standards.zz_written_first]
name_zh = "先写的标准"
threshold_min = 10
mode = "walk"

[standards.aa_written_second]
name_zh = "后写的标准"
threshold_min = 20
mode = "walk"

[indicators.zz_first]
kind = "presence"
name_zh = "先写的指标"
types = ["综合医院"]

[indicators.mm_second]
kind = "presence"
name_zh = "第二个指标"
types = ["中医医院"]

[indicators.aa_third]
kind = "presence"
name_zh = "第三个指标"
types = ["妇幼保健院"]
)t");
  REQUIRE(s.standards.size() == 2);
  CHECK(s.standards[0].id == "zz_written_first");
  CHECK(s.standards[1].id == "aa_written_second");
  REQUIRE(s.indicators.size() == 3);
  CHECK(s.indicators[0].id == "zz_first");
  CHECK(s.indicators[1].id == "mm_second");
  CHECK(s.indicators[2].id == "aa_third");
}

TEST_CASE("[standards.<id>] direction: towards by default, from for raster and estimate, refused for the network",
          "[scenario][raster]") {
  Dir d;
  const std::string z = kMinimal;
  const auto direction_of = [](const io::Scenario& s, const std::string& id) {
    for (const Standard& st : s.standards)
      if (st.id == id) return st.direction;
    FAIL("no standard " + id);
    return TripDirection::kTowardsFacility;
  };
  CHECK(direction_of(parse(d, z), "tcm_15min") == TripDirection::kTowardsFacility);
  CHECK(direction_of(parse(d, z + "[standards.tcm_15min]\nengine = \"raster\"\ndirection = \"from\"\n"), "tcm_15min") ==
        TripDirection::kFromFacility);
  CHECK(direction_of(parse(d, z + "[standards.tcm_15min]\ndirection = \"towards\"\n"), "tcm_15min") ==
        TripDirection::kTowardsFacility);
  struct Case {
    std::string text, key, message;
  };
  const Case cases[] = {
      {z + "[standards.tcm_15min]\ndirection = \"from\"\n", "standards.tcm_15min.direction",
       "not available with the network engine"},
      {z + "[standards.tcm_15min]\nengine = \"raster\"\ndirection = \"outwards\"\n", "standards.tcm_15min.direction",
       "must be \"towards\""},
      // A variant of an outreach standard that switches to the network engine is refused on its engine key.
      {z + "[standards.tcm_15min]\nengine = \"raster\"\ndirection = \"from\"\n[standards.tcm_net]\nvariant_of = "
           "\"tcm_15min\"\nname_zh = \"路网\"\nengine = \"network\"\n",
       "standards.tcm_net.engine", "not available with the network engine"},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    const ScenarioError e = scenario_error([&] { parse(d, c.text); });
    CHECK(e.exit_code() == ExitCode::kScenario);
    CHECK(e.where().field == c.key);
    CHECK_THAT(e.message(), Catch::Contains(c.message));
  }
}

TEST_CASE("[raster.friction]: a friction surface in seconds per metre, not together with a land cover",
          "[scenario][raster]") {
  Dir d;
  d.touch("friction.tif");
  d.touch("lc.tif");
  const io::Scenario s = parse(d, std::string(kMinimal) + "[raster.friction]\nsource = \"friction.tif\"\nband = 2\n");
  REQUIRE(s.raster.friction);
  CHECK(s.raster.friction->path_as_written == "friction.tif");
  CHECK(s.raster.friction_band == 2);
  const ScenarioError e = scenario_error([&] {
    parse(d, std::string(kMinimal) +
                 "[raster.landcover]\nsource = \"lc.tif\"\n[[raster.classes]]\nclass = 1\nspeed_kmh = 4\n"
                 "[raster.friction]\nsource = \"friction.tif\"\n");
  });
  CHECK(e.where().field == "raster.friction");
  CHECK_THAT(e.message(), Catch::Contains("not both"));
}

TEST_CASE("[raster.bicycle]: AccessMod's constants by default, needs the anisotropic search", "[scenario][raster]") {
  Dir d;
  d.touch("dem.tif");
  const std::string aniso = std::string(kMinimal) + "[raster]\nanisotropic = true\n[raster.dem]\nsource = \"dem.tif\"\n";
  CHECK_FALSE(parse(d, aniso).raster.bicycle);
  const io::Scenario s = parse(d, aniso + "[raster.bicycle]\nmass_kg = 100\n");
  REQUIRE(s.raster.bicycle);
  CHECK(s.raster.bicycle->mass_kg == 100.0);
  CHECK(s.raster.bicycle->cda_m2 == 0.4);
  CHECK(s.raster.bicycle->rolling_resistance == 0.008);
  CHECK(s.raster.bicycle->dynamic_rolling_ns_m == 0.2);
  CHECK(s.raster.bicycle->air_density_kg_m3 == Approx(1.0950140));
  const ScenarioError flat = scenario_error([&] { parse(d, std::string(kMinimal) + "[raster.bicycle]\n"); });
  CHECK(flat.where().field == "raster.bicycle");
  CHECK_THAT(flat.hint(), Catch::Contains("anisotropic = true"));
  const ScenarioError zero = scenario_error([&] { parse(d, aniso + "[raster.bicycle]\ncda_m2 = 0\n"); });
  CHECK(zero.where().field == "raster.bicycle.cda_m2");
}
