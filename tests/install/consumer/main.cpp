// A user's program against the installed carereach: reads a scenario file (io::read_scenario), computes travel
// times on a small grid built in memory (analysis::TravelModel, raster engine) and escapes a name for HTML
// (report). Exits 0 only when each gives what is worked out by hand below; prints what it found.
//
// Usage: consumer SCENARIO.toml STANDARD_ID

#include <cmath>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "analysis/travel.hpp"
#include "core/diagnostics.hpp"
#include "core/error.hpp"
#include "core/facility.hpp"
#include "core/population.hpp"
#include "core/standard.hpp"
#include "io/scenario.hpp"
#include "report/html_escape.hpp"

using namespace carereach;

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
    return wrong == 0 ? 0 : 1;
  } catch (const Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "unexpected: %s\n", e.what());
    return 1;
  }
}
