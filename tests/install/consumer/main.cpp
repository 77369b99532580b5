// A user's program against the installed carereach: reads a scenario file (io::read_scenario), computes travel
// times on a small grid built in memory (analysis::TravelModel, raster engine), escapes a name for HTML (report)
// and runs a whole tiny scenario written into a temporary folder (pipeline::run_scenario, as `carereach run`).
// Exits 0 only when each gives what is worked out by hand below; prints what it found.
//
// Usage: consumer SCENARIO.toml STANDARD_ID

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/travel.hpp"
#include "core/diagnostics.hpp"
#include "core/error.hpp"
#include "core/facility.hpp"
#include "core/population.hpp"
#include "core/standard.hpp"
#include "io/scenario.hpp"
#include "pipeline/run.hpp"
#include "report/html_escape.hpp"

using namespace carereach;

namespace {

// A tiny scenario: two counties of 0.1° × 0.1° side by side near 116°E 33.5°N (甲县 1,000 persons, 乙县 2,000),
// a township health centre at the centre of 甲县 and two other facilities, and two distance standards counting the
// township health centre only: within 100 km (the whole study area: every person) and within 4 km (a disc inside
// 甲县, whose persons are spread evenly over its area).
std::string square(double x0, double y0) {
  auto pt = [](double x, double y) { return "[" + std::to_string(x) + "," + std::to_string(y) + "]"; };
  return "[[" + pt(x0, y0) + "," + pt(x0 + 0.1, y0) + "," + pt(x0 + 0.1, y0 + 0.1) + "," + pt(x0, y0 + 0.1) + "," +
         pt(x0, y0) + "]]";
}

void write(const std::filesystem::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::binary);
  out << text;
}

void write_tiny_scenario(const std::filesystem::path& dir) {
  auto feature = [](const std::string& code, const std::string& name, const std::string& coords) {
    return R"({"type":"Feature","properties":{"code":")" + code + R"(","name":")" + name +
           R"("},"geometry":{"type":"Polygon","coordinates":)" + coords + "}}";
  };
  write(dir / "zones.geojson", R"({"type":"FeatureCollection","features":[)" + feature("100001", "甲县", square(116.0, 33.5)) +
                                   "," + feature("100002", "乙县", square(116.1, 33.5)) + "]}");
  write(dir / "census.csv", "code,pop\n100001,1000\n100002,2000\n");
  write(dir / "facilities.csv",
        "id,name,type,lon,lat\n"
        "F1,甲镇卫生院,乡镇卫生院,116.05,33.55\n"
        "F2,乙县中医院,中医医院,116.15,33.55\n"
        "F3,丙村卫生室,村卫生室,116.12,33.52\n");
  write(dir / "scenario.toml", R"([scenario]
name = "consumer"

[analysis]
cell_size_m = 250

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
crs = "EPSG:4326"
x_field = "lon"
y_field = "lat"
[facilities.fields]
id = "id"
name = "name"
type = "type"

[standards]
defaults = false

[standards.thc_100km]
name_zh = "乡镇卫生院100千米"
name_en = "Township health centre within 100 km"
types = ["township_health_center"]
distance_m = 100000
target_share = 0.9

[standards.thc_4km]
name_zh = "乡镇卫生院4千米"
name_en = "Township health centre within 4 km"
types = ["township_health_center"]
distance_m = 4000
target_share = 0.9
)");
}

/// Counts what the run reports, prints nothing.
class CountingObserver final : public pipeline::RunObserver {
 public:
  void begin_step(std::string_view /*label*/) override { ++steps; }
  int steps = 0;
};

/// Runs the tiny scenario through the library; returns the number of wrong figures.
int run_tiny_scenario() {
  char pattern[] = "/tmp/carereach-consumer-XXXXXX";
  if (mkdtemp(pattern) == nullptr) throw std::runtime_error("no temporary folder");
  const std::filesystem::path dir = pattern;
  write_tiny_scenario(dir);
  pipeline::RunConfig config;
  config.scenario = dir / "scenario.toml";
  config.out = dir / "out";
  config.lang = report::Lang::kEn;
  CountingObserver observer;
  const pipeline::RunResult result = pipeline::run_scenario(config, observer);

  int wrong = 0;
  // The folder is complete: run.json, the tables and the report are in it.
  for (const char* f : {"run.json", "report.html", "layers.gpkg", "tables"}) {
    const bool there = std::filesystem::exists(result.folder / f);
    std::printf("run: %s %s\n", f, there ? "written" : "MISSING");
    if (!there) ++wrong;
  }
  if (observer.steps == 0) ++wrong;
  // By hand: 100 km reach every cell of the two counties (≈ 19 km × 11 km): all 3,000 persons. 4 km: a disc of
  // π × 4² = 50.27 km² inside 甲县 (0.1° × 0.1° at 33.55°N: 9.28 km × 11.09 km = 102.9 km², 1,000 persons), so
  // 1,000 × 50.27 / 102.9 = 488.5 persons of 3,000: 16.3 % (the grid of 250 m cells gives it within a few percent).
  const double expected_share[] = {1.0, 1000.0 * std::numbers::pi * 16.0 / (9.2763 * 11.0905) / 3000.0};
  const double tolerance[] = {1e-9, 0.05 * expected_share[1]};
  if (result.standards.size() != 2) ++wrong;
  for (std::size_t i = 0; i < result.standards.size() && i < 2; ++i) {
    const pipeline::StandardSummary& s = result.standards[i];
    std::printf("run: %s %.4f of the population covered (expected %.4f)\n", s.id.c_str(), s.share_covered,
                expected_share[i]);
    if (!s.not_computed.empty() || std::fabs(s.share_covered - expected_share[i]) > tolerance[i]) ++wrong;
  }
  std::filesystem::remove_all(dir);
  return wrong;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: consumer SCENARIO.toml STANDARD_ID\n");
    return 2;
  }
  try {
    // 1. The scenario: it must parse and name the standard.
    const io::Scenario scenario = io::read_scenario(argv[1]);
    bool found = false;
    for (const Standard& s : scenario.standards) found = found || s.id == argv[2];
    std::printf("scenario: %zu standards, %s %s\n", scenario.standards.size(), argv[2], found ? "found" : "missing");
    if (!found) return 1;

    // 2. Travel times on 5 × 1 cells of 100 m without land cover, walked at 3.6 km/h = 1 m/s: the facility stands
    //    at the centre of the first cell, so the cell n cells east is n × 100 s = n × 100 / 60 minutes away.
    PopulationGrid population;
    population.grid.origin_x_m = 0.0;
    population.grid.origin_y_m = 100.0;
    population.grid.cell_size_m = 100.0;
    population.grid.cols = 5;
    population.grid.rows = 1;
    population.persons.assign(5, 1.0);
    analysis::TravelSettings settings;
    settings.raster_no_land_cover_default_speed = true;
    settings.raster_default_speed_kmh = 3.6;
    analysis::TravelModel model(nullptr, population, nullptr, settings);

    Facility facility;
    facility.id = FacilityId{0};
    facility.source_id = "H";
    facility.name = "H";
    facility.type = "township_health_center";
    facility.x_m = 50.0;
    facility.y_m = 50.0;
    const std::vector<Facility> facilities = {facility};
    Standard standard;
    standard.id = "walk_30";
    standard.mode = TravelMode::kWalk;
    standard.engine = TravelEngine::kRaster;
    standard.threshold_min = 30.0;

    Diagnostics diag;
    const analysis::StandardTravel travel = model.compute(standard, facilities, diag);
    int wrong = 0;
    for (int col = 0; col < 5; ++col) {
      const double expected = col * 100.0 / 60.0;
      const double got = travel.field.minutes[static_cast<std::size_t>(col)];
      std::printf("cell %d: %.4f min (expected %.4f), nearest %u\n", col, got, expected,
                  travel.field.nearest[static_cast<std::size_t>(col)]);
      if (std::fabs(got - expected) > 1e-4 || travel.field.nearest[static_cast<std::size_t>(col)] != 0) ++wrong;
    }

    // 3. The report layer: a facility name made safe for HTML.
    const std::string escaped = report::escape_html("<卫生院 & 中医馆>");
    std::printf("escaped: %s\n", escaped.c_str());
    if (escaped != "&lt;卫生院 &amp; 中医馆&gt;") ++wrong;

    // 4. A whole run through the pipeline, as `carereach run` does it.
    wrong += run_tiny_scenario();
    return wrong == 0 ? 0 : 1;
  } catch (const Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "unexpected: %s\n", e.what());
    return 1;
  }
}
