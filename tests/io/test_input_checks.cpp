// Every geometry input passes the one coordinate check (geo::CoordinateCheck) and every text that goes into the
// outputs the one text check (output_text_fault), with problems naming file, feature and field. One case per input
// kind: zones (polygons, seats), facilities (x/y columns, point geometries), population (points, polygons), roads
// (line layers, OpenStreetMap), raster barriers, added facilities. The bad values are chosen so that the expected
// verdict is plain: -1e308 and 6e247 are beyond any place on Earth; latitude 95 does not exist.

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/diagnostics.hpp"
#include "core/error.hpp"
#include "core/grid.hpp"
#include "core/taxonomy.hpp"
#include "geo/crs.hpp"
#include "io/changes.hpp"
#include "io/facilities.hpp"
#include "io/population.hpp"
#include "io/raster_inputs.hpp"
#include "io/roads.hpp"
#include "io/zone_raster.hpp"
#include "io/zones.hpp"
#include "temp_dir.hpp"

using carereach::Diagnostics;
using carereach::Grid;
using carereach::Problem;
using carereach::Severity;
using carereach::test::TempDir;
namespace io = carereach::io;
namespace geo = carereach::geo;

namespace {

geo::CrsSpec gk117() { return geo::CrsSpec::parse("EPSG:4548"); }  // CGCS2000 / 3-degree GK CM 117E

io::SourceSpec source(const std::filesystem::path& path, const std::string& key, const std::string& crs = {}) {
  io::SourceSpec s;
  s.path = path;
  s.path_as_written = path.filename().string();
  s.key = key;
  s.crs = crs;
  return s;
}

const Problem* find_problem(const Diagnostics& diag, const std::string& code) {
  for (const auto& p : diag.all())
    if (p.code == code) return &p;
  return nullptr;
}

std::string features(const std::vector<std::string>& items) {
  std::string out = R"({"type":"FeatureCollection","features":[)";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? "," : "") + items[i];
  return out + "]}";
}

std::string polygon_feature(const std::string& props, const std::string& ring) {
  return R"({"type":"Feature","properties":)" + props + R"(,"geometry":{"type":"Polygon","coordinates":[)" + ring + "]}}";
}

/// A 4 km square in EPSG:4548 near 116°E 33.5°N; `extra` (if any) is inserted as the third vertex.
std::string square_gk(double x0, const std::string& extra = {}) {
  auto pt = [](double x, double y) { return "[" + std::to_string(x) + "," + std::to_string(y) + "]"; };
  return "[" + pt(x0, 3709000) + "," + pt(x0 + 4000, 3709000) + "," + (extra.empty() ? "" : extra + ",") +
         pt(x0 + 4000, 3713000) + "," + pt(x0, 3713000) + "," + pt(x0, 3709000) + "]";
}

io::ZoneLevelSpec zone_spec(const std::filesystem::path& file, const std::string& crs) {
  io::ZoneLevelSpec spec;
  spec.level = "township";
  spec.source = source(file, "zones[0]", crs);
  spec.code_field = "code";
  spec.name_field = "name";
  return spec;
}

}  // namespace

// ------------------------------------------------------------------------------------------------ zones

TEST_CASE("zones: a vertex beyond ±1e8 in a projected CRS is an error naming the feature and geometry field",
          "[input-checks][zones]") {
  TempDir dir;
  const auto file = dir.write(
      "towns.geojson", features({polygon_feature(R"({"code":"1","name":"甲镇"})", square_gk(408000)),
                                 polygon_feature(R"({"code":"2","name":"乙镇"})", square_gk(412000, "[6e247,3711000]"))}));
  Diagnostics diag;
  const io::LoadedZoneLevel level = io::load_zone_level(zone_spec(file, "EPSG:4548"), gk117(), diag);
  CHECK(level.level.zones.size() == 1);  // the good one
  REQUIRE(diag.error_count() == 1);
  const Problem* p = find_problem(diag, "coordinate.out_of_range");
  REQUIRE(p != nullptr);
  CHECK(p->kind == carereach::ExitCode::kInput);
  CHECK(p->where.file == "towns.geojson");
  CHECK(p->where.feature == "feature 1");
  CHECK(p->where.field == "geometry");
  CHECK_THAT(p->message, Catch::Contains("zone 2") && Catch::Contains("vertex 3") && Catch::Contains("6e+247"));
}

TEST_CASE("zones: positions the output CRS cannot hold are refused when the output CRS is given",
          "[input-checks][zones]") {
  TempDir dir;
  const auto file =
      dir.write("towns.geojson", features({polygon_feature(R"({"code":"1","name":"甲镇"})", square_gk(408000))}));
  {
    Diagnostics diag;
    (void)io::load_zone_level(zone_spec(file, "EPSG:4548"), gk117(), diag);  // no output CRS: fine
    CHECK(diag.all().empty());
  }
  // UTM 19N (EPSG:32619) is used from 72°W to 66°W: 116°E is 178° beyond that, far more than the 30° allowed.
  const geo::CrsSpec utm19 = geo::CrsSpec::parse("EPSG:32619");
  Diagnostics diag;
  const io::LoadedZoneLevel level = io::load_zone_level(zone_spec(file, "EPSG:4548"), gk117(), diag, &utm19);
  CHECK(level.level.zones.empty());
  const Problem* p = find_problem(diag, "coordinate.out_of_range");
  REQUIRE(p != nullptr);
  CHECK_THAT(p->message, Catch::Contains("the output CRS EPSG:32619") && Catch::Contains("vertex 1"));
}

TEST_CASE("zones: names and codes that no output can carry", "[input-checks][zones][text]") {
  TempDir dir;
  const std::string long_name(4001, 'x');
  const auto file = dir.write(
      "towns.geojson",
      features({polygon_feature(R"({"code":"1","name":")" + long_name + R"("})", square_gk(408000)),
                polygon_feature(R"({"code":"2","name":"乙\u0007镇"})", square_gk(412000)),
                polygon_feature(R"({"code":"3\u0000","name":"丙镇"})", square_gk(416000)),
                polygon_feature(R"({"code":"4","name":"丁镇"})", square_gk(420000))}));
  Diagnostics diag;
  const io::LoadedZoneLevel level = io::load_zone_level(zone_spec(file, "EPSG:4548"), gk117(), diag);
  // GDAL reads the JSON escape \u0000 as the end of the text: zone 3's code arrives as "3", which every output
  // carries (nothing is cut later), so it loads.
  REQUIRE(level.level.zones.size() == 2);
  CHECK(level.level.zones[0].code == "3");
  CHECK(level.level.zones[1].code == "4");
  const Problem* too_long = find_problem(diag, "text.too_long");
  REQUIRE(too_long != nullptr);
  CHECK(too_long->where.feature == "feature 0");
  CHECK(too_long->where.field == "name");
  CHECK_THAT(too_long->message, Catch::Contains("4001"));
  const Problem* bell = find_problem(diag, "text.control_character");
  REQUIRE(bell != nullptr);
  CHECK(bell->where.feature == "feature 1");
  CHECK_THAT(bell->message, Catch::Contains("U+0007") && Catch::Contains("character 2"));
}

TEST_CASE("zones: seats from x/y columns pass the same check", "[input-checks][zones]") {
  TempDir dir;
  const auto file = dir.write("seats.csv", "code,name,x,y\n1,甲镇,409000,3710000\n2,乙镇,409000,-1e308\n");
  io::ZoneLevelSpec spec = zone_spec(file, "EPSG:4548");
  spec.geometry = io::ZoneGeometryKind::kSeats;
  spec.source.x_field = "x";
  spec.source.y_field = "y";
  Diagnostics diag;
  const io::LoadedZoneLevel level = io::load_zone_level(spec, gk117(), diag);
  CHECK(level.seats_m.size() == 1);
  const Problem* p = find_problem(diag, "coordinate.out_of_range");
  REQUIRE(p != nullptr);
  CHECK(p->where.feature == "row 3");
  CHECK(p->where.field == "y");
}

// ------------------------------------------------------------------------------------------------ facilities

TEST_CASE("facilities: x/y columns and point geometries, in projected and geographic CRSs", "[input-checks][facilities]") {
  TempDir dir;
  const carereach::Taxonomy taxonomy = carereach::Taxonomy::builtin();
  io::FacilitySourceSpec table;
  table.source = source(dir.write("f.csv", "id,name,x,y\nA,甲,409000,3710000\nB,乙,-1e308,3710000\n"), "facilities[0]",
                        "EPSG:4548");
  table.source.x_field = "x";
  table.source.y_field = "y";
  table.fields.id = "id";
  table.fields.name = "name";
  table.default_type = "village_clinic";
  io::FacilitySourceSpec points;
  points.source = source(dir.write("p.geojson", R"({"type":"FeatureCollection","features":[)"
                                                R"({"type":"Feature","properties":{"id":"C","name":"丙"},)"
                                                R"("geometry":{"type":"Point","coordinates":[116.05,95]}}]})"),
                         "facilities[1]");
  points.fields.id = "id";
  points.fields.name = "name";
  points.default_type = "village_clinic";
  Diagnostics diag;
  const auto out = io::load_facilities({table, points}, taxonomy, gk117(), diag);
  REQUIRE(out.size() == 1);
  CHECK(out[0].source_id == "A");
  REQUIRE(diag.error_count() == 2);
  const Problem& x = diag.all()[0];
  CHECK(x.code == "coordinate.out_of_range");
  CHECK(x.where.file == "f.csv");
  CHECK(x.where.feature == "row 3");
  CHECK(x.where.field == "x");
  const Problem& lat = diag.all()[1];
  CHECK(lat.code == "coordinate.out_of_range");
  CHECK(lat.where.file == "p.geojson");
  CHECK(lat.where.feature == "feature 0");
  CHECK_THAT(lat.message, Catch::Contains("latitude 95 is out of range"));
}

TEST_CASE("facilities: a bad name is a warning and the row is left out with on_invalid = skip",
          "[input-checks][facilities][text]") {
  TempDir dir;
  io::FacilitySourceSpec spec;
  spec.source = source(dir.write("f.csv", "id,name,lon,lat\nA,甲,116.05,33.55\nB," + std::string(5000, 'n') +
                                              ",116.06,33.56\n"),
                       "facilities[0]", "EPSG:4326");
  spec.source.x_field = "lon";
  spec.source.y_field = "lat";
  spec.fields.id = "id";
  spec.fields.name = "name";
  spec.default_type = "village_clinic";
  spec.on_invalid = io::OnInvalid::kSkip;
  Diagnostics diag;
  const auto out = io::load_facilities({spec}, carereach::Taxonomy::builtin(), gk117(), diag);
  CHECK(out.size() == 1);
  CHECK(diag.error_count() == 0);
  const Problem* p = find_problem(diag, "text.too_long");
  REQUIRE(p != nullptr);
  CHECK(p->severity == Severity::kWarning);
  CHECK(p->where.feature == "row 3");
  CHECK(p->where.field == "name");
  CHECK_THAT(p->message, Catch::EndsWith("row left out"));
}

// ------------------------------------------------------------------------------------------------ population

namespace {

Grid grid_near_116() {
  Grid g;
  g.origin_x_m = 405000;
  g.origin_y_m = 3715000;
  g.cell_size_m = 1000;
  g.cols = 20;
  g.rows = 10;
  return g;
}

struct StudyArea {
  std::vector<io::LoadedZoneLevel> levels;
  std::vector<io::ZoneRaster> rasters;
  Grid grid = grid_near_116();
  StudyArea() {
    io::LoadedZoneLevel level;
    level.level.level = "county";
    carereach::Zone z;
    z.code = "1";
    level.level.zones.push_back(z);
    level.polygons.push_back(geo::Geometry::from_wkt("POLYGON((405000 3705000,425000 3705000,425000 3715000,405000 "
                                                     "3715000,405000 3705000))"));
    levels.push_back(std::move(level));
    rasters.push_back(io::rasterize_zones(levels[0], grid));
  }
  io::PopulationLoad load(const io::PopulationSpec& spec, Diagnostics& diag) const {
    return io::load_population(spec, grid, gk117(), levels, rasters, rasters[0], diag);
  }
};

}  // namespace

TEST_CASE("population points: a coordinate beyond ±1e8 is an error naming the row and field",
          "[input-checks][population]") {
  TempDir dir;
  io::PopulationSpec spec;
  spec.kind = io::PopulationKind::kPoints;
  spec.source = source(dir.write("v.csv", "x,y,persons\n409000,3710000,100\n-1e308,3710000,50\n"), "population",
                       "EPSG:4548");
  spec.source.x_field = "x";
  spec.source.y_field = "y";
  spec.count_field = "persons";
  const StudyArea area;
  Diagnostics diag;
  const io::PopulationLoad pop = area.load(spec, diag);
  CHECK(pop.input_total == Approx(100));
  const Problem* p = find_problem(diag, "coordinate.out_of_range");
  REQUIRE(p != nullptr);
  CHECK(p->where.feature == "row 3");
  CHECK(p->where.field == "x");
}

TEST_CASE("population polygons: a vertex at 6e247 is an error naming the feature", "[input-checks][population]") {
  TempDir dir;
  io::PopulationSpec spec;
  spec.kind = io::PopulationKind::kPolygons;
  spec.source = source(dir.write("blocks.geojson",
                                 features({polygon_feature(R"({"persons":100})", square_gk(408000)),
                                           polygon_feature(R"({"persons":50})", square_gk(412000, "[416000,6e247]"))})),
                       "population", "EPSG:4548");
  spec.count_field = "persons";
  const StudyArea area;
  Diagnostics diag;
  const io::PopulationLoad pop = area.load(spec, diag);
  CHECK(pop.input_total == Approx(100));
  const Problem* p = find_problem(diag, "coordinate.out_of_range");
  REQUIRE(p != nullptr);
  CHECK(p->where.feature == "feature 1");
  CHECK(p->where.field == "geometry");
  CHECK_THAT(p->message, Catch::Contains("vertex 3") && Catch::Contains("y 6e+247"));
}

// ------------------------------------------------------------------------------------------------ roads

TEST_CASE("road lines: a vertex at -1e308 is an error naming the feature; the other roads load",
          "[input-checks][roads]") {
  TempDir dir;
  const auto file = dir.write(
      "roads.geojson",
      R"({"type":"FeatureCollection","features":[)"
      R"({"type":"Feature","properties":{"class":"primary"},"geometry":{"type":"LineString","coordinates":[[409000,3710000],[410000,3710000]]}},)"
      R"({"type":"Feature","properties":{"class":"primary"},"geometry":{"type":"LineString","coordinates":[[410000,3710000],[-1e308,3710000]]}}]})");
  io::RoadSpec spec;
  spec.kind = io::RoadSourceKind::kLines;
  spec.source = source(file, "roads", "EPSG:4548");
  spec.class_field = "class";
  Diagnostics diag;
  const carereach::RoadData roads = io::load_roads(spec, gk117(), std::nullopt, diag);
  CHECK(roads.node_x_m.size() == 2);
  const Problem* p = find_problem(diag, "coordinate.out_of_range");
  REQUIRE(p != nullptr);
  CHECK(p->severity == Severity::kError);
  CHECK(p->where.feature == "feature 1");
  CHECK_THAT(p->message, Catch::Contains("vertex 2") && Catch::Contains("-1e+308"));
}

TEST_CASE("OpenStreetMap: a node at latitude 95 is an error naming the node and its way", "[input-checks][roads]") {
  TempDir dir;
  const auto file = dir.write("bad.osm", R"(<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="hand">
  <node id="1" lat="33.50" lon="116.00"/>
  <node id="2" lat="33.51" lon="116.00"/>
  <node id="3" lat="95.00" lon="116.00"/>
  <way id="10"><nd ref="1"/><nd ref="2"/><tag k="highway" v="primary"/></way>
  <way id="11"><nd ref="2"/><nd ref="3"/><tag k="highway" v="primary"/></way>
</osm>
)");
  io::RoadSpec spec;
  spec.kind = io::RoadSourceKind::kOsm;
  spec.source = source(file, "roads");
  Diagnostics diag;
  const carereach::RoadData roads = io::load_roads(spec, gk117(), std::nullopt, diag);
  CHECK(roads.node_x_m.size() == 2);
  const Problem* p = find_problem(diag, "coordinate.out_of_range");
  REQUIRE(p != nullptr);
  CHECK(p->severity == Severity::kError);
  CHECK(p->where.file == "bad.osm");
  CHECK(p->where.feature == "node 3 of way 11");
  CHECK_THAT(p->message, Catch::Contains("latitude 95 is out of range"));
}

// ------------------------------------------------------------------------------------------------ barriers

TEST_CASE("raster barriers: a vertex at 6e247 stops the load naming the feature", "[input-checks][raster]") {
  TempDir dir;
  const auto file = dir.write(
      "rivers.geojson",
      R"({"type":"FeatureCollection","features":[)"
      R"({"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[409000,3710000],[6e247,3710000]]}}]})");
  io::RasterSpec spec;
  spec.barriers.push_back(source(file, "raster.barriers[0]", "EPSG:4548"));
  Diagnostics diag;
  try {
    (void)io::load_raster_inputs(spec, grid_near_116(), gk117(), diag);
    FAIL("no error");
  } catch (const carereach::InputError& e) {
    CHECK(e.where().file == "rivers.geojson");
    CHECK(e.where().feature == "feature 0");
    CHECK(e.where().field == "geometry");
    CHECK_THAT(e.message(), Catch::Contains("vertex 2") && Catch::Contains("6e+247"));
  }
}

// ------------------------------------------------------------------------------------------------ changes.add

TEST_CASE("added facilities: a point out of range is a scenario error naming the key", "[input-checks][changes]") {
  const carereach::Taxonomy taxonomy = carereach::Taxonomy::builtin();
  auto attempt = [&](double x, double y, const std::string& crs) {
    std::vector<carereach::Facility> facilities;
    io::ScenarioChanges changes;
    io::FacilityAddition add;
    add.id = "N1";
    add.name = "新院";
    add.type = "village_clinic";
    add.x = x;
    add.y = y;
    add.crs = crs;
    add.key = "changes.add[0]";
    add.line = 7;
    changes.add.push_back(add);
    Diagnostics diag;
    const geo::CrsSpec output = geo::CrsSpec::parse("EPSG:4490");
    (void)io::apply_changes(facilities, changes, taxonomy, gk117(), "s.toml", diag, &output);
  };
  CHECK_NOTHROW(attempt(116.05, 33.55, "EPSG:4326"));
  try {
    attempt(116.05, 1e300, "EPSG:4326");
    FAIL("no error");
  } catch (const carereach::ScenarioError& e) {
    CHECK(e.where().field == "changes.add[0].y");
    CHECK(e.where().line == 7);
    CHECK_THAT(e.message(), Catch::Contains("latitude 1e+300"));
  }
  // -1e308 m in a projected CRS: the x key is named.
  try {
    attempt(-1e308, 3710000, "EPSG:4548");
    FAIL("no error");
  } catch (const carereach::ScenarioError& e) {
    CHECK(e.where().field == "changes.add[0].x");
  }
}
