// Road networks: OSM tag rules on tiny hand-written .osm files (tests/data/roads/), line layers with Chinese
// class names (a hand-written GeoJSON and GeoPackages written here), node identity, clipping, and summary
// figures checked against hand calculations.
//
// Hand figures for the OSM files (EPSG:4547, CGCS2000 Gauss–Krüger, central meridian 114°E; cs2cs):
//   0.001° of latitude near 28°N  = 110.82 m   (28.000 → 28.001 on 114°E: 3098441.75 → 3098552.57 N)
//   0.001° of longitude at 28°N   =  98.36 m   (114.000 → 114.001 at 28°N: 500000.00 → 500098.36 E)

#include <catch2/catch.hpp>

#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "core/diagnostics.hpp"
#include "core/error.hpp"
#include "core/road_data.hpp"
#include "geo/china_offsets.hpp"
#include "geo/crs.hpp"
#include "io/roads.hpp"
#include "io/scenario.hpp"
#include "io/vector_source.hpp"

using carereach::ClipBox;
using carereach::Diagnostics;
using carereach::RoadClass;
using carereach::RoadData;
using carereach::RoadSummary;
using carereach::road_class_index;
using carereach::summarise;
using carereach::io::load_roads;
using carereach::io::RoadSourceKind;
using carereach::io::RoadSpec;
namespace modes = carereach::road_access;
namespace flag = carereach::road_flag;
namespace geo = carereach::geo;
namespace fs = std::filesystem;

namespace {

constexpr double kLatStepM = 110.82;  // 0.001° of latitude at 28°N
constexpr double kLonStepM = 98.36;   // 0.001° of longitude at 28°N

const fs::path kData = fs::path(CAREREACH_TEST_DATA) / "roads";

geo::CrsSpec gk114() { return geo::CrsSpec::parse("EPSG:4547"); }
geo::CrsSpec gk117() { return geo::CrsSpec::parse("EPSG:4548"); }

RoadSpec osm_spec(const std::string& file) {
  RoadSpec spec;
  spec.kind = RoadSourceKind::kOsm;
  spec.source.path = kData / file;
  spec.source.path_as_written = "roads/" + file;
  spec.source.key = "roads";
  return spec;
}

RoadSpec lines_spec(const fs::path& path) {
  RoadSpec spec;
  spec.kind = RoadSourceKind::kLines;
  spec.source.path = path;
  spec.source.path_as_written = path.filename().string();
  spec.source.key = "roads";
  return spec;
}

/// Index of the (first) way that came from source id, or fails the test.
std::size_t way_of(const RoadData& r, std::int64_t source_id) {
  const auto it = std::find(r.way_source_id.begin(), r.way_source_id.end(), source_id);
  REQUIRE(it != r.way_source_id.end());
  return static_cast<std::size_t>(it - r.way_source_id.begin());
}

bool has_way(const RoadData& r, std::int64_t source_id) {
  return std::find(r.way_source_id.begin(), r.way_source_id.end(), source_id) != r.way_source_id.end();
}

std::size_t ways_from(const RoadData& r, std::int64_t source_id) {
  return static_cast<std::size_t>(std::count(r.way_source_id.begin(), r.way_source_id.end(), source_id));
}

/// Index of the node with an OSM id.
std::uint32_t node_of(const RoadData& r, std::int64_t osm_id) {
  const auto it = std::find(r.node_source_id.begin(), r.node_source_id.end(), osm_id);
  REQUIRE(it != r.node_source_id.end());
  return static_cast<std::uint32_t>(it - r.node_source_id.begin());
}

/// The node nearest to (x, y) and its distance.
std::pair<std::size_t, double> nearest_node(const RoadData& r, double x_m, double y_m) {
  std::size_t best = 0;
  double best_d = std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < r.node_count(); ++i) {
    const double d = std::hypot(r.node_x_m[i] - x_m, r.node_y_m[i] - y_m);
    if (d < best_d) {
      best_d = d;
      best = i;
    }
  }
  return {best, best_d};
}

/// A temporary folder removed at the end of the test.
struct TempDir {
  fs::path path;
  TempDir() {
    static int counter = 0;
    path = fs::temp_directory_path() /
           ("carereach_test_roads_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
};

struct Row {
  std::string wkt;  ///< empty = no geometry
  std::string road_class;
  std::string speed;
  std::string oneway;
  std::string name;
};

/// Writes a GeoPackage line layer "roads" (fields class, speed, oneway, name; all text) in EPSG:epsg.
void write_gpkg(const fs::path& file, int epsg, const std::vector<Row>& rows) {
  carereach::io::ensure_gdal();
  GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GPKG");
  REQUIRE(driver != nullptr);
  GDALDatasetUniquePtr ds(driver->Create(file.string().c_str(), 0, 0, 0, GDT_Unknown, nullptr));
  REQUIRE(ds != nullptr);
  OGRSpatialReference srs;
  srs.importFromEPSG(epsg);
  srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  OGRLayer* layer = ds->CreateLayer("roads", &srs, wkbUnknown, nullptr);
  REQUIRE(layer != nullptr);
  for (const char* name : {"class", "speed", "oneway", "name"}) {
    OGRFieldDefn field(name, OFTString);
    REQUIRE(layer->CreateField(&field) == OGRERR_NONE);
  }
  for (const Row& row : rows) {
    OGRFeatureUniquePtr f(OGRFeature::CreateFeature(layer->GetLayerDefn()));
    f->SetField("class", row.road_class.c_str());
    if (!row.speed.empty()) f->SetField("speed", row.speed.c_str());
    f->SetField("oneway", row.oneway.c_str());
    f->SetField("name", row.name.c_str());
    if (!row.wkt.empty()) {
      OGRGeometry* g = nullptr;
      REQUIRE(OGRGeometryFactory::createFromWkt(row.wkt.c_str(), nullptr, &g) == OGRERR_NONE);
      f->SetGeometryDirectly(g);
    }
    REQUIRE(layer->CreateFeature(f.get()) == OGRERR_NONE);
  }
}

/// The metric test network (EPSG:4547, so lengths are plain Pythagoras):
///
///   (500300,3101000)                         L6 (502000,3102000)-(502000,3102050)   50 m, class ""
///        │ L2 (county road, 600 m, reverse)
///   (500300,3100700) ── L3a (300 m) ── (500600,3100700)
///        │                                   │ L5 (200 m, 支路), starts 4 mm / 3 mm off L3a's end
///   (500300,3100400)                   (500600,3100900)
///       ╱ L1 (国道, 500 m = 3-4-5, speed 80, oneway)
///   (500000,3100000)                   L3b (501000,3100000)-(501000,3100100)   100 m (second part of L3)
///                                      L4  (501000,3100100)-(501000,3100500)   400 m, class 快速干线 (unknown)
///   feature 7: no geometry.
std::vector<Row> metric_rows() {
  return {
      {"LINESTRING (500000 3100000,500300 3100400)", "国道", "80", "1", "G107"},
      {"LINESTRING (500300 3100400,500300 3100700,500300 3101000)", "县道", "", "-1", "X001"},
      {"MULTILINESTRING ((500300 3100700,500600 3100700),(501000 3100000,501000 3100100))", "村道", "abc", "0", ""},
      {"LINESTRING (501000 3100100,501000 3100500)", "快速干线", "", "双向", ""},
      {"LINESTRING (500600.004 3100700.003,500600 3100900)", "支路", "", "maybe", "卫生院路"},
      {"LINESTRING (502000 3102000,502000 3102050)", "", "", "", ""},
      {"", "县道", "", "0", ""},
  };
}

}  // namespace

// ------------------------------------------------------------------------------------------------ value rules

TEST_CASE("maxspeed values", "[roads]") {
  using carereach::io::parse_maxspeed_kmh;
  CHECK(parse_maxspeed_kmh("50") == Approx(50.0F));
  CHECK(parse_maxspeed_kmh("50 km/h") == Approx(50.0F));
  CHECK(parse_maxspeed_kmh("50km/h") == Approx(50.0F));
  CHECK(parse_maxspeed_kmh(" 60 kmh ") == Approx(60.0F));
  CHECK(parse_maxspeed_kmh("30 mph") == Approx(48.28032F));
  CHECK(parse_maxspeed_kmh("walk") == Approx(carereach::io::kMaxspeedWalkKmh));
  CHECK(parse_maxspeed_kmh("none") == Approx(0.0F));
  CHECK(parse_maxspeed_kmh("60;40") == Approx(40.0F));
  CHECK(parse_maxspeed_kmh("12.5") == Approx(12.5F));
  CHECK_FALSE(parse_maxspeed_kmh("CN:urban"));
  CHECK_FALSE(parse_maxspeed_kmh("RU:rural"));
  CHECK_FALSE(parse_maxspeed_kmh("signals"));
  CHECK_FALSE(parse_maxspeed_kmh("variable"));
  CHECK_FALSE(parse_maxspeed_kmh("0"));
  CHECK_FALSE(parse_maxspeed_kmh("-30"));
  CHECK_FALSE(parse_maxspeed_kmh(""));
  CHECK_FALSE(parse_maxspeed_kmh("50 km"));
  CHECK_FALSE(parse_maxspeed_kmh("60;fast"));
}

TEST_CASE("oneway values", "[roads]") {
  using carereach::io::parse_line_oneway;
  using carereach::io::parse_osm_oneway;
  CHECK(parse_osm_oneway("yes") == 1);
  CHECK(parse_osm_oneway("true") == 1);
  CHECK(parse_osm_oneway("1") == 1);
  CHECK(parse_osm_oneway("-1") == -1);
  CHECK(parse_osm_oneway("reverse") == -1);
  CHECK(parse_osm_oneway("no") == 0);
  CHECK(parse_osm_oneway("false") == 0);
  CHECK(parse_osm_oneway("0") == 0);
  CHECK(parse_osm_oneway("reversible") == 0);
  CHECK_FALSE(parse_osm_oneway("perhaps"));

  CHECK(parse_line_oneway("1") == 1);
  CHECK(parse_line_oneway("1.0") == 1);
  CHECK(parse_line_oneway("FT") == 1);
  CHECK(parse_line_oneway("是") == 1);
  CHECK(parse_line_oneway("-1") == -1);
  CHECK(parse_line_oneway("TF") == -1);
  CHECK(parse_line_oneway("反向") == -1);
  CHECK(parse_line_oneway("0") == 0);
  CHECK(parse_line_oneway("") == 0);
  CHECK(parse_line_oneway("F") == 0);
  CHECK(parse_line_oneway("双向") == 0);
  CHECK_FALSE(parse_line_oneway("2"));
  CHECK_FALSE(parse_line_oneway("maybe"));
}

TEST_CASE("road class names: OSM values, links, Chinese names, route letters", "[roads]") {
  using carereach::io::match_road_class;
  CHECK(match_road_class("primary")->road_class == RoadClass::kPrimary);
  CHECK(match_road_class("Primary")->road_class == RoadClass::kPrimary);
  CHECK(match_road_class("trunk_link")->road_class == RoadClass::kTrunk);
  CHECK(match_road_class("trunk_link")->link);
  CHECK_FALSE(match_road_class("footway_link"));
  CHECK(match_road_class("other")->road_class == RoadClass::kOther);
  CHECK(match_road_class("高速公路")->road_class == RoadClass::kMotorway);
  CHECK(match_road_class("国道")->road_class == RoadClass::kTrunk);
  CHECK(match_road_class("省道")->road_class == RoadClass::kPrimary);
  CHECK(match_road_class("县道")->road_class == RoadClass::kSecondary);
  CHECK(match_road_class("乡道")->road_class == RoadClass::kTertiary);
  CHECK(match_road_class("村道")->road_class == RoadClass::kUnclassified);
  CHECK(match_road_class("城市道路")->road_class == RoadClass::kTertiary);
  CHECK(match_road_class("城市主干路")->road_class == RoadClass::kPrimary);
  CHECK(match_road_class("城市次干路")->road_class == RoadClass::kSecondary);
  CHECK(match_road_class(" 支路 ")->road_class == RoadClass::kResidential);
  CHECK(match_road_class("快速路")->car_only);
  CHECK(match_road_class("匝道")->link);
  CHECK(match_road_class("G")->road_class == RoadClass::kTrunk);
  CHECK(match_road_class("X")->road_class == RoadClass::kSecondary);
  CHECK_FALSE(match_road_class("g"));
  CHECK_FALSE(match_road_class("快速干线"));
  CHECK_FALSE(match_road_class(""));
  for (std::size_t i = 0; i < carereach::kRoadClassCount; ++i) {
    const RoadClass c = carereach::road_class_at(i);
    CHECK(carereach::parse_road_class(carereach::road_class_name(c))->road_class == c);
  }
}

// ------------------------------------------------------------------------------------------------ summary (pure)

TEST_CASE("summarise: junctions, edges, rings and lollipops on a hand-built network", "[roads][summary]") {
  // Nodes: 0 (0,0)  1 (100,0)  2 (200,0)  3 (200,100)  4 (100,100)  5 (500,0)  6 (600,0)  7 (550,50)
  // way 0: a lollipop 0-1-2-3-4-1 (node 1 is interior and the end: a junction), 500 m
  // way 1: a closed triangle 5-6-7-5 (its closing node alone is no junction), 100 + 2·√(50² + 50²) m
  RoadData r;
  r.node_x_m = {0, 100, 200, 200, 100, 500, 600, 550};
  r.node_y_m = {0, 0, 0, 100, 100, 0, 0, 50};
  r.way_nodes = {0, 1, 2, 3, 4, 1, 5, 6, 7, 5};
  r.way_offset = {0, 6, 10};
  r.way_class = {RoadClass::kResidential, RoadClass::kTertiary};
  r.way_flags = {0, 0};
  r.way_oneway = {0, 1};
  r.way_maxspeed_kmh = {0, 30};
  r.way_access = {modes::kAll, modes::kFoot};
  r.way_speed_kmh = {0, 0};
  r.way_source_id = {1, 2};
  r.way_name = {0, 0};
  REQUIRE(r.invariant_violation().empty());

  const RoadSummary s = summarise(r);
  CHECK(s.ways == 2);
  CHECK(s.nodes == 8);
  CHECK(s.junction_nodes == 1);  // node 1
  CHECK(s.segments == 5 + 3);
  CHECK(s.edges == 2 + 1);  // way 0 splits at node 1 (interior), the ring stays one edge
  const double ring_m = 100 + 2 * std::hypot(50.0, 50.0);
  CHECK(s.length_km == Approx((500 + ring_m) / 1000));
  CHECK(s.length_km_by_class[road_class_index(RoadClass::kResidential)] == Approx(0.5));
  CHECK(s.length_km_by_class[road_class_index(RoadClass::kTertiary)] == Approx(ring_m / 1000));
  CHECK(s.components == 2);
  CHECK(s.largest_component_nodes == 5);
  CHECK(s.largest_component_length_share == Approx(500 / (500 + ring_m)));
  CHECK(s.oneway_ways == 1);
  CHECK(s.car_ways == 1);
  CHECK(s.foot_only_ways == 1);
  CHECK(s.maxspeed_ways == 1);
  CHECK(s.min_x_m == 0);
  CHECK(s.max_x_m == 600);
  CHECK(s.max_y_m == 100);

  const RoadSummary empty = summarise(RoadData{});
  CHECK(empty.ways == 0);
  CHECK(empty.components == 0);
  CHECK(empty.length_km == 0);
  CHECK(empty.largest_component_length_share == 0);
}

// ------------------------------------------------------------------------------------------------ OSM

TEST_CASE("OSM tag rules: oneway, access, classes, maxspeed, exclusions", "[roads][osm]") {
  Diagnostics diag;
  const RoadData r = load_roads(osm_spec("tags.osm"), gk114(), std::nullopt, diag);
  REQUIRE(r.invariant_violation().empty());
  CHECK(diag.all().empty());

  auto oneway = [&](std::int64_t id) { return r.way_oneway[way_of(r, id)]; };
  auto acc = [&](std::int64_t id) { return r.way_access[way_of(r, id)]; };
  auto maxspeed = [&](std::int64_t id) { return r.way_maxspeed_kmh[way_of(r, id)]; };

  SECTION("oneway") {
    CHECK(oneway(101) == 1);
    CHECK(oneway(102) == -1);
    CHECK(oneway(103) == 0);
    CHECK(oneway(104) == -1);
    CHECK(oneway(105) == 1);
    CHECK(oneway(106) == 1);
    CHECK((r.way_flags[way_of(r, 106)] & flag::kOnewayNotForBicycle) != 0);
    CHECK((r.way_flags[way_of(r, 101)] & flag::kOnewayNotForBicycle) == 0);
    CHECK(oneway(107) == 1);  // motorway: oneway by default
    CHECK(oneway(108) == 0);  // unless tagged oneway=no
    CHECK(oneway(109) == 1);  // motorway_link too
  }
  SECTION("classes and links") {
    CHECK(r.way_class[way_of(r, 109)] == RoadClass::kMotorway);
    CHECK((r.way_flags[way_of(r, 109)] & flag::kLink) != 0);
    CHECK((r.way_flags[way_of(r, 107)] & flag::kLink) == 0);
    CHECK(r.way_class[way_of(r, 304)] == RoadClass::kLivingStreet);
    CHECK(r.way_class[way_of(r, 406)] == RoadClass::kOther);  // highway=road
    CHECK(r.load.unknown_class_values.at("road") == 1);
  }
  SECTION("access") {
    CHECK(acc(107) == modes::kCar);                     // motorway: car only
    CHECK(acc(111) == modes::kCar);                     // access=yes does not open a motorway to walkers
    CHECK(acc(110) == modes::kCar);                     // trunk + motorroad=yes
    CHECK(acc(201) == 0);                                // access=private
    CHECK(acc(202) == modes::kFoot);                    // access=private + foot=yes
    CHECK(acc(203) == modes::kFoot);                    // footway
    CHECK(acc(204) == (modes::kFoot | modes::kBicycle));  // footway + bicycle=yes
    CHECK(acc(205) == (modes::kFoot | modes::kBicycle));  // cycleway
    CHECK(acc(206) == (modes::kFoot | modes::kBicycle));  // motor_vehicle=no
    CHECK(acc(207) == (modes::kFoot | modes::kBicycle));  // path + bicycle=designated
    CHECK(acc(208) == modes::kFoot);                    // steps
    CHECK(acc(209) == modes::kFoot);                    // pedestrian
    CHECK(acc(210) == 0);                                // access=agricultural
    CHECK(acc(301) == modes::kAll);
  }
  SECTION("maxspeed") {
    CHECK(maxspeed(301) == Approx(50.0F));
    CHECK(maxspeed(302) == Approx(50.0F));
    CHECK(maxspeed(303) == Approx(48.28F).margin(0.01));
    CHECK(maxspeed(304) == Approx(carereach::io::kMaxspeedWalkKmh));
    CHECK(maxspeed(305) == 0.0F);  // none: no limit, parsed
    CHECK(maxspeed(306) == 0.0F);  // CN:urban: not parsed
    CHECK(maxspeed(307) == Approx(40.0F));
    CHECK(maxspeed(308) == 0.0F);
    CHECK(r.load.maxspeed_unparsed == 2);
    CHECK(r.load.maxspeed_unparsed_values.at("CN:urban") == 1);
    CHECK(r.load.maxspeed_unparsed_values.at("signals") == 1);
  }
  SECTION("exclusions") {
    CHECK_FALSE(has_way(r, 401));  // construction
    CHECK_FALSE(has_way(r, 402));  // proposed
    CHECK_FALSE(has_way(r, 403));  // pedestrian area
    CHECK_FALSE(has_way(r, 404));  // not a highway
    CHECK_FALSE(has_way(r, 405));  // platform
    CHECK_FALSE(has_way(r, 407));  // services
    CHECK(r.load.features_read == 35);  // every way with a highway tag (all but 404)
    CHECK(r.load.features_excluded == 5);
    CHECK(r.load.excluded_values.at("highway=construction") == 1);
    CHECK(r.load.excluded_values.at("area=yes") == 1);
    CHECK(r.way_count() == 30);
    CHECK(r.node_count() == 60);  // the nodes of excluded ways are not kept
  }
  SECTION("names and lengths") {
    CHECK(r.way_name_text(way_of(r, 301)) == "人民路");
    CHECK(r.way_name[way_of(r, 301)] == r.way_name[way_of(r, 302)]);  // one name, stored once
    CHECK(r.names.size() == 2);
    CHECK(r.way_length_m(way_of(r, 101)) == Approx(kLatStepM).margin(0.05));
  }
}

TEST_CASE("OSM topology: shared nodes join ways, rings, negative ids, unsorted files", "[roads][osm][summary]") {
  Diagnostics diag;
  const RoadData r = load_roads(osm_spec("network.osm"), gk114(), std::nullopt, diag);
  REQUIRE(r.invariant_violation().empty());
  CHECK(diag.all().empty());
  CHECK(r.way_count() == 6);
  CHECK(r.node_count() == 12);  // node 12 twice in a row is one node; the building's nodes are road nodes anyway

  // Way 1 ends at node 3 where way 2 starts: one node index. Way 3 starts at way 1's interior node 2.
  const auto w1 = r.way(way_of(r, 1));
  const auto w2 = r.way(way_of(r, 2));
  const auto w3 = r.way(way_of(r, 3));
  CHECK(w1.back() == w2.front());
  CHECK(w1.back() == node_of(r, 3));
  CHECK(w1[1] == w3.front());
  CHECK(r.way(way_of(r, 8)).size() == 3);  // 11-12-13
  CHECK(r.way(way_of(r, -5)).front() == node_of(r, -1));
  CHECK(r.way_oneway[way_of(r, 7)] == 1);  // junction=roundabout
  CHECK(r.way_name[way_of(r, 1)] == r.way_name[way_of(r, 2)]);
  CHECK(r.way_name_text(way_of(r, 3)) == "健康街");
  // Node 1 is at (114°E, 28°N) on the central meridian: x = 500000 m exactly.
  CHECK(r.node_x_m[node_of(r, 1)] == Approx(500000.0).margin(0.001));
  CHECK(r.node_y_m[node_of(r, 1)] == Approx(3098441.747).margin(0.01));

  const RoadSummary s = summarise(r);
  CHECK(s.ways == 6);
  CHECK(s.nodes == 12);
  CHECK(s.junction_nodes == 3);  // 2, 3 and 11 (the ring's closing node 9 alone is none)
  CHECK(s.segments == 2 + 1 + 1 + 1 + 3 + 2);
  CHECK(s.edges == 2 + 1 + 1 + 1 + 2 + 1);
  CHECK(s.components == 3);  // {1,2,3}, {-5}, {7,8}
  // Lengths by hand: way 1 2·98.36, way 2 98.36, way 3 110.82, way -5 98.36,
  // ring 98.36 + 2·√(49.18² + 110.82²) = 98.36 + 2·121.24, way 8 2.5·98.36.
  const double ring_m = kLonStepM + 2 * std::hypot(kLonStepM / 2, kLatStepM);
  const double total_m = 2 * kLonStepM + kLonStepM + kLatStepM + kLonStepM + ring_m + 2.5 * kLonStepM;
  CHECK(s.length_km == Approx(total_m / 1000).epsilon(0.001));
  CHECK(s.length_km_by_class[road_class_index(RoadClass::kPrimary)] == Approx(3 * kLonStepM / 1000).epsilon(0.001));
  CHECK(s.length_km_by_class[road_class_index(RoadClass::kTertiary)] == Approx(ring_m / 1000).epsilon(0.001));
  const double largest_m = ring_m + 2.5 * kLonStepM;  // ring + way 8: 586.8 m > 3·98.36 + 110.82 = 405.9 m
  CHECK(s.largest_component_length_km == Approx(largest_m / 1000).epsilon(0.001));
  CHECK(s.largest_component_length_share == Approx(largest_m / total_m).epsilon(0.001));
  CHECK(s.largest_component_nodes == 5);  // 9, 10, 11, 12, 13
  CHECK(s.oneway_ways == 1);
  CHECK(s.named_ways == 3);
}

TEST_CASE("OSM: a CRS declared for an OSM file is ignored with a warning", "[roads][osm]") {
  RoadSpec spec = osm_spec("network.osm");
  spec.source.crs = "gcj02";
  Diagnostics diag;
  const RoadData r = load_roads(spec, gk114(), std::nullopt, diag);
  CHECK(diag.count("roads.osm_crs_ignored") == 1);
  CHECK(r.node_x_m[node_of(r, 1)] == Approx(500000.0).margin(0.001));  // not moved as if it were GCJ-02
}

TEST_CASE("OSM: missing node locations split ways and are reported", "[roads][osm]") {
  Diagnostics diag;
  const RoadData r = load_roads(osm_spec("missing.osm"), gk114(), std::nullopt, diag);
  REQUIRE(r.invariant_violation().empty());
  CHECK(ways_from(r, 1) == 2);  // 1-2 and 3-4
  CHECK_FALSE(has_way(r, 2));
  CHECK_FALSE(has_way(r, 3));
  CHECK(ways_from(r, 4) == 1);
  CHECK(r.way_count() == 3);
  CHECK(r.node_count() == 4);
  CHECK(r.load.node_refs_missing == 5);
  CHECK(r.load.parts_split == 1);
  REQUIRE(diag.count("roads.osm_missing_nodes") == 1);
  const auto& p = diag.all().front();
  CHECK(p.severity == carereach::Severity::kWarning);
  CHECK(p.where.file == "roads/missing.osm");
  CHECK(p.message.find("5 node references of 4 ways") != std::string::npos);
  CHECK(p.message.find("2 ways with fewer than 2 nodes") != std::string::npos);
  CHECK(p.where.feature.find("way 1") != std::string::npos);
  CHECK(diag.error_count() == 0);
}

TEST_CASE("OSM: clipping drops ways with no node inside the box and reports the count", "[roads][osm]") {
  Diagnostics diag;
  // Around nodes 1-4 (y = 3098441.7) only: ways 1 and 2 (on it) and 3 (starts at node 2) stay.
  const ClipBox box{499990, 3098430, 500400, 3098450};
  const RoadData r = load_roads(osm_spec("network.osm"), gk114(), box, diag);
  REQUIRE(r.invariant_violation().empty());
  CHECK(r.way_count() == 3);
  CHECK(has_way(r, 3));
  CHECK(r.node_count() == 5);  // 1, 2, 3, 4, 6
  CHECK(r.load.ways_dropped_outside_clip == 3);
  CHECK(summarise(r).ways_dropped_outside_clip == 3);
  CHECK(diag.all().empty());  // information, not a warning

  const ClipBox far_away{0, 0, 10, 10};
  try {
    (void)load_roads(osm_spec("network.osm"), gk114(), far_away, diag);
    FAIL("expected an InputError");
  } catch (const carereach::InputError& e) {
    CHECK(std::string(e.what()).find("inside the study area") != std::string::npos);
  }
}

TEST_CASE("OSM: missing, unreadable and empty files are input errors naming the file", "[roads][osm]") {
  Diagnostics diag;
  auto message_of = [&](const std::string& file) -> std::string {
    try {
      (void)load_roads(osm_spec(file), gk114(), std::nullopt, diag);
    } catch (const carereach::InputError& e) {
      CHECK(e.where().file == "roads/" + file);
      CHECK_FALSE(e.hint().empty());
      return e.message();
    }
    FAIL("expected an InputError for " + file);
    return {};
  };
  CHECK(message_of("no_such_file.osm.pbf").find("not found") != std::string::npos);
  CHECK(message_of("not_osm.osm").find("OpenStreetMap") != std::string::npos);
  CHECK(message_of("empty.osm").find("no OpenStreetMap nodes or ways") != std::string::npos);
  CHECK_THROWS_AS(load_roads(osm_spec("network.osm"), geo::wgs84(), std::nullopt, diag), carereach::CrsError);
}

TEST_CASE("OSM: a .osm.pbf block header without a type is a damaged file, refused before libosmium reads it",
          "[roads][osm]") {
  // blob_without_type.osm.pbf (found by fuzz_osm_pbf): a BlobHeader with no type field, which libosmium 2.19
  // compares with strncmp on a null pointer. The checks of the framing, from the format: each block is a 4-byte
  // big-endian header size, a header with a type and a data size, then that many bytes.
  Diagnostics diag;
  try {
    (void)load_roads(osm_spec("blob_without_type.osm.pbf"), gk114(), std::nullopt, diag);
    FAIL("expected an InputError");
  } catch (const carereach::InputError& e) {
    CHECK(e.where().file == "roads/blob_without_type.osm.pbf");
    CHECK(e.message().find("block header has no type") != std::string::npos);
  }
  // The same refusal for a file cut short inside a block, built here from a valid file.
  std::string whole;
  {
    std::ifstream in(fs::path(CAREREACH_GEODATA) / "porto-alegre" / "poa_osm.pbf", std::ios::binary);
    whole.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  REQUIRE(whole.size() > 1000);
  TempDir dir;
  const fs::path cut = dir.path / "cut.osm.pbf";
  {
    std::ofstream out(cut, std::ios::binary);
    out.write(whole.data(), static_cast<std::streamsize>(whole.size() - 100));
  }
  RoadSpec spec = osm_spec("cut.osm.pbf");
  spec.source.path = cut;
  try {
    (void)load_roads(spec, gk114(), std::nullopt, diag);
    FAIL("expected an InputError");
  } catch (const carereach::InputError& e) {
    CHECK(e.message().find("remain; the file is damaged or cut short") != std::string::npos);
  }
}

TEST_CASE("OSM: a tag string with a NUL byte inside is a damaged file, not a read past the tag list",
          "[roads][osm]") {
  // nul_in_tag.osm.pbf: a PBF whose string table holds "terQ\0ary" (found by fuzz_osm_pbf); libosmium stores it as
  // it is, and its own tag walk then runs past the way's tags.
  Diagnostics diag;
  try {
    (void)load_roads(osm_spec("nul_in_tag.osm.pbf"), gk114(), std::nullopt, diag);
    FAIL("expected an InputError");
  } catch (const carereach::InputError& e) {
    CHECK(e.where().file == "roads/nul_in_tag.osm.pbf");
    CHECK(e.message().find("NUL byte inside") != std::string::npos);
    CHECK(e.message().find("damaged") != std::string::npos);
  }
}

// ------------------------------------------------------------------------------------------------ line layers

TEST_CASE("line layer: Chinese classes, speeds, oneway, multi-parts, 1 cm node identity; summary by hand",
          "[roads][lines][summary]") {
  TempDir tmp;
  const fs::path file = tmp.path / "roads.gpkg";
  write_gpkg(file, 4547, metric_rows());
  RoadSpec spec = lines_spec(file);
  spec.class_field = "class";
  spec.speed_field = "speed";
  spec.oneway_field = "oneway";
  spec.name_field = "name";

  Diagnostics diag;
  const RoadData r = load_roads(spec, gk114(), std::nullopt, diag);
  REQUIRE(r.invariant_violation().empty());
  CHECK(r.node_source_id.empty());
  CHECK(r.load.source_kind == "lines");
  CHECK(r.load.features_read == 7);
  CHECK(r.load.parts_split == 1);

  // Fids: GeoPackage numbers features from 1.
  const std::size_t l1 = way_of(r, 1);
  const std::size_t l2 = way_of(r, 2);
  const std::size_t l5 = way_of(r, 5);
  CHECK(r.way_class[l1] == RoadClass::kTrunk);
  CHECK(r.way_speed_kmh[l1] == Approx(80.0F));
  CHECK(r.way_oneway[l1] == 1);
  CHECK(r.way_class[l2] == RoadClass::kSecondary);
  CHECK(r.way_oneway[l2] == -1);
  CHECK(r.way_speed_kmh[l2] == 0.0F);
  CHECK(ways_from(r, 3) == 2);
  CHECK(r.way_class[way_of(r, 3)] == RoadClass::kUnclassified);
  CHECK(r.way_class[way_of(r, 4)] == RoadClass::kOther);
  CHECK(r.way_class[l5] == RoadClass::kResidential);
  CHECK(r.way_name_text(l5) == "卫生院路");
  CHECK(r.way_access[l1] == modes::kAll);

  // L5 starts 5 mm from L3a's end (4 mm, 3 mm): the same node after rounding to 1 cm; its coordinates are
  // those of the first vertex read (L3a's).
  const std::size_t l3a = way_of(r, 3);
  CHECK(r.way(l5).front() == r.way(l3a).back());
  CHECK(r.node_x_m[r.way(l5).front()] == 500600.0);
  // L1's end is L2's start; L2's middle vertex is L3a's start.
  CHECK(r.way(l1).back() == r.way(l2).front());
  CHECK(r.way(l2)[1] == r.way(l3a).front());

  SECTION("warnings") {
    REQUIRE(diag.count("roads.unknown_class") == 2);  // 快速干线 and the empty class, one warning each
    bool saw_value = false;
    for (const auto& p : diag.all()) {
      if (p.code != "roads.unknown_class") continue;
      CHECK(p.where.field == "class");
      CHECK(p.where.file == "roads.gpkg");
      if (p.message.find("'快速干线'") != std::string::npos) {
        saw_value = true;
        CHECK(p.message.find("1 feature has") != std::string::npos);
        CHECK(p.hint.find("class_map") != std::string::npos);
      }
    }
    CHECK(saw_value);
    CHECK(r.load.unknown_class_values.at("快速干线") == 1);
    CHECK(r.load.unknown_class_values.at("(empty)") == 1);
    CHECK(diag.count("roads.bad_speed") == 1);   // "abc"
    CHECK(diag.count("roads.bad_oneway") == 1);  // "maybe"
    CHECK(diag.count("roads.not_a_line") == 1);  // feature 7
    CHECK(diag.error_count() == 0);
    CHECK(r.load.speed_values_bad == 1);
    CHECK(r.load.oneway_values_bad == 1);
    CHECK(r.load.features_not_lines == 1);
  }

  SECTION("summary against hand calculation") {
    const RoadSummary s = summarise(r);
    CHECK(s.ways == 7);       // L1, L2, L3a, L3b, L4, L5, L6
    CHECK(s.nodes == 11);     // 2 + 2 + 1 + 2 + 1 + 1 + 2 new nodes in feature order
    CHECK(s.junction_nodes == 4);  // L1/L2, L2-middle/L3a, L3a/L5, L3b/L4
    CHECK(s.segments == 8);
    CHECK(s.edges == 8);      // L2 splits at its middle vertex
    CHECK(s.length_km == Approx(2.150));  // 500 + 600 + 300 + 100 + 400 + 200 + 50 m
    CHECK(s.length_km_by_class[road_class_index(RoadClass::kTrunk)] == Approx(0.5));
    CHECK(s.length_km_by_class[road_class_index(RoadClass::kSecondary)] == Approx(0.6));
    CHECK(s.length_km_by_class[road_class_index(RoadClass::kUnclassified)] == Approx(0.4));
    CHECK(s.length_km_by_class[road_class_index(RoadClass::kResidential)] == Approx(0.2));
    CHECK(s.length_km_by_class[road_class_index(RoadClass::kOther)] == Approx(0.45));
    CHECK(s.components == 3);  // {L1, L2, L3a, L5}, {L3b, L4}, {L6}
    CHECK(s.largest_component_length_km == Approx(1.6));
    CHECK(s.largest_component_length_share == Approx(1600.0 / 2150.0));
    CHECK(s.largest_component_nodes == 6);
    CHECK(s.oneway_ways == 2);
    CHECK(s.oneway_length_km == Approx(1.1));
    CHECK(s.speed_ways == 1);
    CHECK(s.named_ways == 3);
    CHECK(s.min_x_m == 500000.0);
    CHECK(s.min_y_m == 3100000.0);
    CHECK(s.max_x_m == 502000.0);
    CHECK(s.max_y_m == 3102050.0);
  }

  SECTION("clip") {
    Diagnostics d2;
    const RoadData c = load_roads(spec, gk114(), ClipBox{499000, 3099000, 500400, 3100500}, d2);
    REQUIRE(c.invariant_violation().empty());
    CHECK(c.way_count() == 2);  // L1 and L2 (whose first node is inside)
    CHECK(c.node_count() == 4);
    CHECK(c.load.ways_dropped_outside_clip == 5);
  }

  SECTION("class_map") {
    RoadSpec mapped = spec;
    mapped.class_map = {{"快速干线", "trunk"}, {"", "service"}};
    Diagnostics d2;
    const RoadData m = load_roads(mapped, gk114(), std::nullopt, d2);
    CHECK(d2.count("roads.unknown_class") == 0);
    CHECK(m.way_class[way_of(m, 4)] == RoadClass::kTrunk);
    CHECK(m.way_class[way_of(m, 6)] == RoadClass::kService);

    mapped.class_map = {{"快速干线", "expressway"}};
    CHECK_THROWS_AS(load_roads(mapped, gk114(), std::nullopt, d2), carereach::ScenarioError);
  }

  SECTION("field names that do not exist, and neither class nor speed") {
    RoadSpec bad = spec;
    bad.speed_field = "车速";
    try {
      (void)load_roads(bad, gk114(), std::nullopt, diag);
      FAIL("expected an InputError");
    } catch (const carereach::InputError& e) {
      CHECK(e.message().find("车速") != std::string::npos);
      CHECK(e.hint().find("class") != std::string::npos);  // lists the fields there are
    }
    RoadSpec none = spec;
    none.class_field.clear();
    none.speed_field.clear();
    CHECK_THROWS_AS(load_roads(none, gk114(), std::nullopt, diag), carereach::ScenarioError);
  }
}

TEST_CASE("line layer: only a speed field, no class", "[roads][lines]") {
  TempDir tmp;
  const fs::path file = tmp.path / "speeds.gpkg";
  write_gpkg(file, 4547, {{"LINESTRING (500000 3100000,500000 3100100)", "", "35", "", ""}});
  RoadSpec spec = lines_spec(file);
  spec.speed_field = "speed";
  Diagnostics diag;
  const RoadData r = load_roads(spec, gk114(), std::nullopt, diag);
  CHECK(diag.all().empty());
  REQUIRE(r.way_count() == 1);
  CHECK(r.way_class[0] == RoadClass::kOther);
  CHECK(r.way_speed_kmh[0] == Approx(35.0F));
  CHECK(r.way_access[0] == modes::kAll);
}

TEST_CASE("line layer: a point layer is an input error", "[roads][lines]") {
  TempDir tmp;
  const fs::path file = tmp.path / "points.gpkg";
  {
    carereach::io::ensure_gdal();
    GDALDatasetUniquePtr ds(
        GetGDALDriverManager()->GetDriverByName("GPKG")->Create(file.string().c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    OGRSpatialReference srs;
    srs.importFromEPSG(4547);
    ds->CreateLayer("pts", &srs, wkbPoint, nullptr);
  }
  RoadSpec spec = lines_spec(file);
  spec.speed_field = "speed";
  Diagnostics diag;
  try {
    (void)load_roads(spec, gk114(), std::nullopt, diag);
    FAIL("expected an InputError");
  } catch (const carereach::InputError& e) {
    CHECK(e.message().find("roads must be lines") != std::string::npos);
    CHECK(e.where().file == "points.gpkg");
  }
}

TEST_CASE("line layer: GeoJSON with Chinese field names and classes; declared GCJ-02", "[roads][lines][gcj02]") {
  RoadSpec spec = lines_spec(kData / "lines_cn.geojson");
  spec.class_field = "等级";
  spec.speed_field = "速度";
  spec.oneway_field = "单向";
  spec.name_field = "名称";

  Diagnostics diag;
  const RoadData wgs = load_roads(spec, gk117(), std::nullopt, diag);
  REQUIRE(wgs.invariant_violation().empty());
  CHECK(diag.all().empty());
  CHECK(wgs.way_count() == 13);  // 12 features, one of two parts
  CHECK(wgs.node_count() == 15);
  CHECK(wgs.way_class[way_of(wgs, 0)] == RoadClass::kMotorway);
  CHECK(wgs.way_access[way_of(wgs, 0)] == modes::kCar);
  CHECK(wgs.way_oneway[way_of(wgs, 0)] == 0);  // line layers: both ways unless the oneway field says otherwise
  CHECK(wgs.way_class[way_of(wgs, 1)] == RoadClass::kTrunk);
  CHECK(wgs.way_class[way_of(wgs, 2)] == RoadClass::kPrimary);
  CHECK(wgs.way_class[way_of(wgs, 3)] == RoadClass::kSecondary);
  CHECK(wgs.way_class[way_of(wgs, 4)] == RoadClass::kTertiary);
  CHECK(wgs.way_class[way_of(wgs, 5)] == RoadClass::kUnclassified);
  CHECK(wgs.way_class[way_of(wgs, 6)] == RoadClass::kPrimary);
  CHECK(wgs.way_oneway[way_of(wgs, 6)] == 1);
  CHECK(wgs.way_class[way_of(wgs, 7)] == RoadClass::kResidential);
  CHECK(wgs.way_oneway[way_of(wgs, 7)] == -1);
  CHECK(wgs.way_class[way_of(wgs, 8)] == RoadClass::kTrunk);
  CHECK(wgs.way_access[way_of(wgs, 8)] == modes::kCar);  // 快速路: no walking or cycling
  CHECK(wgs.way_class[way_of(wgs, 9)] == RoadClass::kMotorway);
  CHECK((wgs.way_flags[way_of(wgs, 9)] & flag::kLink) != 0);
  CHECK(wgs.way_oneway[way_of(wgs, 9)] == 1);  // 是
  CHECK(ways_from(wgs, 10) == 2);
  CHECK(wgs.way_access[way_of(wgs, 10)] == modes::kFoot);
  CHECK(wgs.way_class[way_of(wgs, 11)] == RoadClass::kPrimary);
  CHECK(wgs.way_speed_kmh[way_of(wgs, 0)] == Approx(100.0F));
  CHECK(wgs.way_speed_kmh[way_of(wgs, 1)] == 0.0F);
  CHECK(wgs.way_name_text(way_of(wgs, 8)) == "环城快速路");
  const RoadSummary s = summarise(wgs);
  CHECK(s.components == 2);
  CHECK(s.car_only_ways == 3);  // 高速公路, 快速路, 匝道

  // The same file declared as GCJ-02 (Amap coordinates): every vertex is moved back to WGS 84 first.
  RoadSpec gcj_spec = spec;
  gcj_spec.source.crs = "gcj02";
  Diagnostics diag2;
  const RoadData gcj = load_roads(gcj_spec, gk117(), std::nullopt, diag2);
  REQUIRE(gcj.invariant_violation().empty());
  CHECK(gcj.way_count() == 13);
  CHECK(gcj.node_count() == 15);

  geo::Transformer to_gk(geo::wgs84(), gk117());
  const geo::LonLat corner{117.20, 31.80};
  const geo::LonLat true_wgs = geo::gcj02_to_wgs84(corner);
  double gx = true_wgs.lon;
  double gy = true_wgs.lat;
  REQUIRE(to_gk.transform(gx, gy));
  CHECK(nearest_node(gcj, gx, gy).second < 0.01);
  double wx = corner.lon;
  double wy = corner.lat;
  REQUIRE(to_gk.transform(wx, wy));
  CHECK(nearest_node(wgs, wx, wy).second < 0.01);
  const double shift_m = std::hypot(gx - wx, gy - wy);
  CHECK(shift_m > 100.0);  // the GCJ-02 offset is a few hundred metres
  CHECK(shift_m < 1000.0);
}

// ------------------------------------------------------------------------------------------------ demo data

TEST_CASE("demo: the Porto Alegre OSM extract", "[.demo][roads]") {
  const fs::path file = fs::path(CAREREACH_GEODATA) / "porto-alegre" / "poa_osm.pbf";
  REQUIRE(fs::exists(file));
  RoadSpec spec;
  spec.kind = RoadSourceKind::kOsm;
  spec.source.path = file;
  spec.source.path_as_written = "porto-alegre/poa_osm.pbf";
  spec.source.key = "roads";
  Diagnostics diag;
  const RoadData r = load_roads(spec, geo::choose_analysis_crs(-51.2, -30.05), std::nullopt, diag);
  REQUIRE(r.invariant_violation().empty());
  const RoadSummary s = summarise(r);
  CHECK(s.ways > 1000);
  CHECK(s.components >= 1);
  CHECK(s.largest_component_length_share > 0.5);
  CHECK(diag.error_count() == 0);
}
