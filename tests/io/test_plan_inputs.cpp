// Inputs of the planning indicators (io/plan_inputs.hpp): seats per zone, per-zone targets from a table and inline,
// and resource totals per zone (yearbooks), with their mistakes reported as the exit-code catalogue says.

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/error.hpp"
#include "geo/crs.hpp"
#include "io/plan_inputs.hpp"
#include "io/scenario.hpp"
#include "temp_dir.hpp"

using namespace carereach;
using carereach::test::TempDir;

namespace {

/// A county level of three zones, codes 100001–100003.
io::LoadedZoneLevel counties() {
  io::LoadedZoneLevel l;
  l.level.level = "county";
  l.level.label_zh = "区县";
  for (int i = 1; i <= 3; ++i) {
    Zone z;
    z.id = ZoneId{static_cast<std::uint32_t>(i - 1)};
    z.code = "10000" + std::to_string(i);
    z.name = std::string("县") + std::to_string(i);
    l.level.zones.push_back(z);
  }
  return l;
}

io::SourceSpec table(const TempDir& dir, const std::string& name, const std::string& key) {
  io::SourceSpec s;
  s.path = dir / name;
  s.path_as_written = name;
  s.key = key;
  return s;
}

}  // namespace

TEST_CASE("zone totals: a row per zone, empty cells give no value, mistakes reported", "[plan_inputs]") {
  TempDir dir;
  // 100001 complete; 100002 without doctors (empty cell) and a negative nurse count (error); 100001 again (error);
  // 999999 is no zone (warning); 100003 has no row (warning).
  dir.write("totals.csv",
            "code,beds,doctors,nurses,pop\n"
            "100001,35300,11816,20594,6150000\n"
            "100002,500,,-3,80000\n"
            "100001,1,1,1,1\n"
            "999999,1,1,1,1\n");
  io::ZoneTotalsSpec spec;
  spec.level = "county";
  spec.source = table(dir, "totals.csv", "density.zone_totals[0]");
  spec.code_field = "code";
  spec.label = "统计年鉴";
  spec.fields.assign(kDensityAttributes, "");
  spec.fields[0] = "beds";
  spec.fields[1] = "doctors";
  spec.fields[2] = "nurses";
  spec.population_field = "pop";
  Diagnostics diag;
  const io::LoadedZoneTotals t = io::load_zone_totals(spec, counties(), diag);
  REQUIRE(t.totals.size() == 3);
  CHECK(t.totals[0][0] == 35300.0);
  CHECK(t.totals[0][1] == 11816.0);
  CHECK(t.totals[0][2] == 20594.0);
  CHECK(!t.totals[0][3]);  // GPs: no column
  CHECK(t.population[0] == 6150000.0);
  CHECK(t.totals[1][0] == 500.0);
  CHECK(!t.totals[1][1]);  // empty cell
  CHECK(!t.totals[1][2]);  // -3: refused
  CHECK(!t.totals[2][0]);
  CHECK(!t.population[2]);
  CHECK(t.population_label == "统计年鉴常住人口");
  CHECK(diag.count("zone_totals.bad_number") == 1);
  CHECK(diag.count("zone_totals.duplicate_code") == 1);
  CHECK(diag.count("zone_totals.unknown_code") == 1);
  CHECK(diag.count("zone_totals.missing_zone") == 1);
}

TEST_CASE("zone targets: from a table with columns named as ids, and inline", "[plan_inputs]") {
  TempDir dir;
  // thc_tcm_hall is a share indicator (0–1), county_tertiary a presence one (whole numbers), beds_per_1000 a
  // density indicator. Row 3's 1.5 is no whole number (error); an empty cell keeps the scenario-wide target; the
  // column bed_per_1000 looks like an id but names nothing (warning).
  dir.write("targets.csv",
            "code,thc_tcm_hall,county_tertiary,beds_per_1000,bed_per_1000\n"
            "100001,0.9,1,6.5,1\n"
            "100002,,1.5,,1\n");
  dir.write("scenario.toml", "");
  dir.write("zones.geojson", "x");  // named by the scenario; not read here
  io::Scenario s = io::parse_scenario(R"([[zones]]
level = "county"
source = "zones.geojson"
code_field = "code"
name_field = "name"

[indicators.county_tertiary]
kind = "presence"
name_zh = "三级医院"
types = ["综合医院"]

[indicators.thc_tcm_hall]
kind = "share"
name_zh = "中医馆"
types = ["乡镇卫生院"]
with_tags_any = ["中医馆"]

[[zone_targets]]
level = "county"
label = "表"
source = "targets.csv"
code_field = "code"

[[zone_targets]]
level = "county"
label = "各县规划"
[zone_targets.zones]
"100003" = { thc_tcm_hall = 0.5 }
"100001" = { county_tertiary = 2 }
"999999" = { county_tertiary = 2 }
)",
                                      dir / "scenario.toml");
  Diagnostics diag;
  std::vector<io::LoadedZoneLevel> levels;
  levels.push_back(counties());
  const auto t = io::load_zone_targets(s, levels, diag);
  REQUIRE(t.size() == 1);
  CHECK(t[0].labels == std::vector<std::string>{"表", "各县规划"});
  const auto& hall = t[0].by_id.at("thc_tcm_hall");
  CHECK(hall[0] == 0.9);
  CHECK(!hall[1]);
  CHECK(hall[2] == 0.5);
  const auto& tertiary = t[0].by_id.at("county_tertiary");
  CHECK(tertiary[0] == 1.0);  // the table's; the inline 2 for 100001 is a second target: an error
  CHECK(!tertiary[1]);
  CHECK(t[0].by_id.at("beds_per_1000")[0] == 6.5);
  CHECK(diag.count("targets.bad_value") == 1);
  CHECK(diag.count("targets.duplicate_zone") == 1);
  CHECK(diag.count("targets.unknown_column") == 1);
  CHECK(diag.count("targets.unknown_zone") == 1);
}

TEST_CASE("zone seats: one point per zone code, in the analysis CRS", "[plan_inputs]") {
  TempDir dir;
  // Two seats for 100001 (error), one for 100002, one for an unknown code (warning), none for 100003.
  dir.write("seats.csv",
            "code,x,y\n"
            "100001,500000,3700000\n"
            "100002,510000,3710000\n"
            "100001,500100,3700100\n"
            "999999,1,1\n");
  io::ZoneSeatsSpec spec;
  spec.source = table(dir, "seats.csv", "zones[0].seats");
  spec.source.x_field = "x";
  spec.source.y_field = "y";
  spec.source.crs = "EPSG:32650";
  spec.code_field = "code";
  Diagnostics diag;
  const auto seats = io::load_zone_seats(spec, counties(), geo::CrsSpec::parse("EPSG:32650"), diag);
  REQUIRE(seats.size() == 3);
  REQUIRE(seats[0]);
  CHECK(seats[0]->first == Approx(500000.0));
  CHECK(seats[0]->second == Approx(3700000.0));
  REQUIRE(seats[1]);
  CHECK(seats[1]->first == Approx(510000.0));
  CHECK(!seats[2]);
  CHECK(diag.count("zones.seat_duplicate") == 1);
  CHECK(diag.count("zones.seat_unknown_code") == 1);
}
