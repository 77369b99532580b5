// Travel times per service standard (analysis::TravelModel): which facilities a standard counts, the search limit,
// what is built once per mode and reused, and both engines on networks drawn as ASCII maps and on small grids.
// Every expected value is worked out by hand in the comments.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/travel.hpp"
#include "core/diagnostics.hpp"
#include "core/facility.hpp"
#include "core/progress.hpp"
#include "core/landcover.hpp"
#include "core/population.hpp"
#include "core/standard.hpp"
#include "core/travel_time.hpp"
#include "network/ascii_map.hpp"

using namespace carereach;
using carereach::analysis::StandardTravel;
using carereach::analysis::TravelModel;
using carereach::analysis::TravelSettings;
using carereach::testing::AsciiMap;
using carereach::testing::AsciiNetwork;
using carereach::testing::test_speed_profile;

namespace {

const double kSqrt2 = std::sqrt(2.0);
const double kSqrt5 = std::sqrt(5.0);

/// cols × rows cells of cell_m metres, top-left corner at (x0, y_top); persons as given (1 in every cell when
/// empty).
PopulationGrid population(std::uint32_t cols, std::uint32_t rows, double cell_m, double x0, double y_top,
                          std::vector<double> persons = {}) {
  PopulationGrid p;
  p.grid.origin_x_m = x0;
  p.grid.origin_y_m = y_top;
  p.grid.cell_size_m = cell_m;
  p.grid.cols = cols;
  p.grid.rows = rows;
  p.persons = persons.empty() ? std::vector<double>(p.grid.cell_count(), 1.0) : std::move(persons);
  return p;
}

Facility facility(std::uint32_t id, const std::string& source_id, const std::string& type, double x, double y) {
  Facility f;
  f.id = FacilityId{id};
  f.source_id = source_id;
  f.name = source_id;
  f.type = type;
  f.x_m = x;
  f.y_m = y;
  f.source_file = "facilities.csv";
  f.source_feature = "row " + std::to_string(id + 2);
  return f;
}

Standard time_standard(const std::string& id, std::vector<std::string> types, double threshold_min,
                       TravelMode mode = TravelMode::kWalk, TravelEngine engine = TravelEngine::kNetwork) {
  Standard s;
  s.id = id;
  s.name_zh = id;
  s.name_en = id;
  s.select.types = std::move(types);
  s.mode = mode;
  s.engine = engine;
  s.threshold_min = threshold_min;
  return s;
}

/// The test profile (walking and off-road walks at 1 m/s, cars at 10 m/s on residential roads) with cells and
/// facilities joined to roads and walking straight to facilities only within max_access_m.
TravelSettings settings(double max_access_m = 300.0) {
  TravelSettings s;
  s.profile = test_speed_profile();
  s.profile.max_access_distance_m = max_access_m;
  return s;
}

double minutes(double seconds) { return seconds / 60.0; }

float at(const TravelTimeField& f, std::uint32_t col, std::uint32_t row) { return f.minutes[f.grid.index(col, row)]; }
std::uint32_t nearest_at(const TravelTimeField& f, std::uint32_t col, std::uint32_t row) {
  return f.nearest[f.grid.index(col, row)];
}

/// Least cost in cells of a displacement (dx, dy) over a uniform grid with 16 neighbours: every mix of straight
/// (1, 0), diagonal (1, 1) and knight's (2, 1) steps is tried.
double knight_distance(int dx, int dy) {
  const int big = std::max(std::abs(dx), std::abs(dy));
  const int small = std::min(std::abs(dx), std::abs(dy));
  double best = std::numeric_limits<double>::infinity();
  for (int knights = 0; 2 * knights <= big && knights <= small; ++knights) {
    const int diagonals = small - knights;
    const int straights = big - 2 * knights - diagonals;
    if (straights >= 0) best = std::min(best, straights + kSqrt2 * diagonals + kSqrt5 * knights);
  }
  return best;
}

/// The scene of the network tests (grid 100 m, walking at 1 m/s):
///
///     A---------B---------C        A (0, 0), B (1000, 0), C (2000, 0); ways AB and BC (B a junction)
///
/// Facilities: 0 "V1", a village clinic at (100, 120); 1 "T1", a township health centre at (1400, 80), 80 m off
/// B — C. Population: 20 × 2 cells of 100 m, top edge y = 200; only cell (1, 1), centre (150, 50), and cell
/// (15, 0), centre (1550, 150), have people.
struct Scene {
  AsciiNetwork net = AsciiMap("A---------B---------C", 100.0).way("AB").way("BC").build();
  PopulationGrid pop;
  std::vector<Facility> facilities;

  Scene() {
    std::vector<double> persons(40, 0.0);
    persons[20 + 1] = 100;  // cell (1, 1)
    persons[15] = 50;       // cell (15, 0)
    pop = population(20, 2, 100.0, 0.0, 200.0, persons);
    facilities.push_back(facility(0, "V1", "village_clinic", 100, 120));
    facilities.push_back(facility(1, "T1", "township_health_center", 1400, 80));
  }
};

// Hand computation for the standard of township health centres (T1 only), walking, max access distance 300 m:
// T1 snaps to B — C at (1400, 0), 80 m away: leg 80 s, at 40 % of the piece. Sources: B at 80 + 400 = 480 s, C at
// 80 + 600 = 680 s; A = B + 1000 = 1480 s.
// Cell (1, 1), centre (150, 50): the only piece within 300 m is A — B, met at (150, 0) after 50 m. Links: A at
// 50 + 150 = 200 s, B at 50 + 850 = 900 s. T = min(200 + 1480, 900 + 480) = 1380 s = 23 min (T1 is 1250 m away:
// no direct walk).
// Cell (15, 0), centre (1550, 150): T1 is 165.53 m away (√(150² + 70²)), within 300 m: a direct walk of 165.53 s
// beats the road (150 s to the road, 150 s back along it, 80 s to T1 = 380 s).
constexpr double kCell1Seconds = 1380.0;
const double kCell15Seconds = std::hypot(150.0, 70.0);

}  // namespace

// ------------------------------------------------------------------------------------------- network engine

TEST_CASE("network engine: a cell joined to a road and a facility off the road, by hand", "[analysis][travel]") {
  const Scene s;
  TravelModel model(&s.net.roads, s.pop, nullptr, settings());
  Diagnostics diag;
  const StandardTravel t = model.compute(time_standard("thc_30", {"township_health_center"}, 30), s.facilities, diag);

  CHECK(t.facilities_used == 1);
  CHECK(t.limit_min == 120.0);  // max(search limit 120, threshold 30)
  CHECK(at(t.field, 1, 1) == Approx(minutes(kCell1Seconds)).epsilon(1e-6));
  CHECK(nearest_at(t.field, 1, 1) == 1U);
  CHECK(at(t.field, 15, 0) == Approx(minutes(kCell15Seconds)).epsilon(1e-6));
  CHECK(nearest_at(t.field, 15, 0) == 1U);
  // Cells without people are not computed.
  CHECK(at(t.field, 0, 0) == TravelTimeField::kUnreached);
  CHECK(nearest_at(t.field, 0, 0) == TravelTimeField::kNoFacility);
  CHECK_FALSE(t.field.reached(t.field.grid.index(1, 0)));

  // Node times towards T1, by position: A 1480 s, B 480 s, C 680 s.
  REQUIRE(t.node_time_s.size() == 3);
  REQUIRE(t.node_x_m.size() == 3);
  for (std::size_t v = 0; v < 3; ++v) {
    INFO("node at x = " << t.node_x_m[v]);
    CHECK(t.node_y_m[v] == 0.0);
    const double expected = t.node_x_m[v] == 0.0 ? 1480.0 : t.node_x_m[v] == 1000.0 ? 480.0 : 680.0;
    CHECK(t.node_time_s[v] == Approx(expected).epsilon(1e-6));
  }
  CHECK(diag.all().empty());
}

TEST_CASE("network engine: the selector picks only the standard's facilities", "[analysis][travel]") {
  const Scene s;
  TravelModel model(&s.net.roads, s.pop, nullptr, settings());
  Diagnostics diag;

  SECTION("village clinics only") {
    // Cell (1, 1) walks straight to V1 at (100, 120): √(50² + 70²) = 86.02 m, 86.02 s. V1 snaps to A — B at
    // (100, 0), leg 120 s: A at 220 s, B at 1020 s, C at 2020 s. Cell (15, 0): 150 s to B — C, 550 s along it
    // to B, then 1020 s: 1720 s = 28.67 min (through C: 150 + 450 + 2020 s).
    const StandardTravel t = model.compute(time_standard("vc", {"village_clinic"}, 30), s.facilities, diag);
    CHECK(t.facilities_used == 1);
    CHECK(at(t.field, 1, 1) == Approx(minutes(std::hypot(50.0, 70.0))).epsilon(1e-6));
    CHECK(nearest_at(t.field, 1, 1) == 0U);
    CHECK(at(t.field, 15, 0) == Approx(minutes(1720.0)).epsilon(1e-6));
    CHECK(nearest_at(t.field, 15, 0) == 0U);
  }
  SECTION("both types: each cell takes its nearest, by facility id") {
    const StandardTravel t =
        model.compute(time_standard("primary", {"village_clinic", "township_health_center"}, 30), s.facilities, diag);
    CHECK(t.facilities_used == 2);
    CHECK(at(t.field, 1, 1) == Approx(minutes(std::hypot(50.0, 70.0))).epsilon(1e-6));
    CHECK(nearest_at(t.field, 1, 1) == 0U);
    CHECK(at(t.field, 15, 0) == Approx(minutes(kCell15Seconds)).epsilon(1e-6));
    CHECK(nearest_at(t.field, 15, 0) == 1U);
  }
  SECTION("closed facilities never count, planned ones only when the standard says so") {
    std::vector<Facility> changed = s.facilities;
    changed[0].status = FacilityStatus::kClosed;
    changed[1].status = FacilityStatus::kPlanned;
    Standard st = time_standard("primary", {"village_clinic", "township_health_center"}, 30);
    const StandardTravel none = model.compute(st, changed, diag);
    CHECK(none.facilities_used == 0);
    st.select.include_planned = true;
    const StandardTravel planned = model.compute(st, changed, diag);
    CHECK(planned.facilities_used == 1);
    CHECK(at(planned.field, 1, 1) == Approx(minutes(kCell1Seconds)).epsilon(1e-6));
    CHECK(nearest_at(planned.field, 1, 1) == 1U);
  }
}

TEST_CASE("network engine: the search goes to max(search limit, threshold)", "[analysis][travel]") {
  const Scene s;
  TravelSettings set = settings();
  set.search_limit_min = 10.0;
  TravelModel model(&s.net.roads, s.pop, nullptr, set);
  Diagnostics diag;

  // Threshold 30 min > search limit 10 min: the limit is 30 min, and cell (1, 1) at 23 min is reached.
  const StandardTravel t30 = model.compute(time_standard("thc_30", {"township_health_center"}, 30), s.facilities, diag);
  CHECK(t30.limit_min == 30.0);
  CHECK(at(t30.field, 1, 1) == Approx(23.0).epsilon(1e-6));

  // Threshold 20 min: the limit is 20 min; cell (1, 1) is beyond it (no data, no facility), cell (15, 0) is not.
  const StandardTravel t20 = model.compute(time_standard("thc_20", {"township_health_center"}, 20), s.facilities, diag);
  CHECK(t20.limit_min == 20.0);
  CHECK(at(t20.field, 1, 1) == TravelTimeField::kUnreached);
  CHECK(nearest_at(t20.field, 1, 1) == TravelTimeField::kNoFacility);
  CHECK(at(t20.field, 15, 0) == Approx(minutes(kCell15Seconds)).epsilon(1e-6));
  // Node A (1480 s = 24.7 min) is beyond 20 min too.
  for (std::size_t v = 0; v < t20.node_time_s.size(); ++v)
    if (t20.node_x_m[v] == 0.0) CHECK(std::isinf(t20.node_time_s[v]));

  // A search limit above the threshold wins: 120 min.
  TravelSettings wide = settings();
  wide.search_limit_min = 120.0;
  TravelModel model120(&s.net.roads, s.pop, nullptr, wide);
  CHECK(model120.compute(time_standard("thc_20", {"township_health_center"}, 20), s.facilities, diag).limit_min ==
        120.0);
}

TEST_CASE("a standard that selects no facility: all unreached and a warning", "[analysis][travel]") {
  const Scene s;
  const Standard st = time_standard("tcm_hosp", {"tcm_hospital"}, 30);

  SECTION("network engine") {
    TravelModel model(&s.net.roads, s.pop, nullptr, settings());
    Diagnostics diag;
    const StandardTravel t = model.compute(st, s.facilities, diag);
    CHECK(t.facilities_used == 0);
    CHECK(std::all_of(t.field.minutes.begin(), t.field.minutes.end(),
                      [](float m) { return m == TravelTimeField::kUnreached; }));
    CHECK(std::all_of(t.field.nearest.begin(), t.field.nearest.end(),
                      [](std::uint32_t f) { return f == TravelTimeField::kNoFacility; }));
    CHECK(diag.count("standard.no_facilities") == 1);
    CHECK(diag.all().size() == 1);
    CHECK(diag.all()[0].message.find("tcm_hosp") != std::string::npos);
  }
  SECTION("raster engine") {
    TravelSettings set = settings();
    set.raster_no_land_cover_default_speed = true;
    TravelModel model(nullptr, s.pop, nullptr, set);
    Diagnostics diag;
    Standard rs = st;
    rs.engine = TravelEngine::kRaster;
    const StandardTravel t = model.compute(rs, s.facilities, diag);
    CHECK(t.facilities_used == 0);
    CHECK(std::none_of(t.field.minutes.begin(), t.field.minutes.end(),
                       [](float m) { return m != TravelTimeField::kUnreached; }));
    CHECK(diag.count("standard.no_facilities") == 1);
  }
}

TEST_CASE("the graph and connectors of a mode are built once and reused, one mode at a time", "[analysis][travel]") {
  const Scene s;
  TravelModel model(&s.net.roads, s.pop, nullptr, settings());
  Diagnostics diag;
  const StandardTravel first = model.compute(time_standard("thc_30", {"township_health_center"}, 30), s.facilities, diag);
  CHECK(first.timings_s.contains("graph"));
  CHECK(first.timings_s.contains("connectors"));
  CHECK(first.timings_s.contains("search"));

  // A second walking standard reuses them: no "graph", no "connectors", the same results for the same facilities.
  const StandardTravel second = model.compute(time_standard("thc_15", {"township_health_center"}, 15), s.facilities, diag);
  CHECK_FALSE(second.timings_s.contains("graph"));
  CHECK_FALSE(second.timings_s.contains("connectors"));
  CHECK(second.timings_s.contains("search"));
  CHECK(second.field.minutes == first.field.minutes);
  CHECK(second.field.nearest == first.field.nearest);

  // Another mode builds its own graph. By car (10 m/s on the roads, walking 1 m/s off them): T1's sources are
  // B at 80 + 40 = 120 s and C at 80 + 60 = 140 s; cell (1, 1) drives from (150, 0) to B: 50 + 85 + 120 = 255 s.
  const StandardTravel car =
      model.compute(time_standard("thc_car", {"township_health_center"}, 30, TravelMode::kCar), s.facilities, diag);
  CHECK(car.timings_s.contains("graph"));
  CHECK(car.timings_s.contains("connectors"));
  CHECK(at(car.field, 1, 1) == Approx(minutes(255.0)).epsilon(1e-6));
  // The car's structures replaced the walking ones (one mode in memory at a time): walking again builds them
  // again, with the same results.
  const StandardTravel again = model.compute(time_standard("thc_45", {"township_health_center"}, 45), s.facilities, diag);
  CHECK(again.timings_s.contains("graph"));
  CHECK(again.timings_s.contains("connectors"));
  CHECK(again.field.minutes == first.field.minutes);
  CHECK(again.field.nearest == first.field.nearest);
}

namespace {

/// Asks the model, whenever a step begins, how many network modes it holds and their bytes.
class HeldAtEachStep final : public ProgressSink {
 public:
  explicit HeldAtEachStep(const TravelModel& model) : model_(model) {}
  void begin_step(std::string_view label) override {
    seen.push_back({std::string(label), model_.network_modes_held(), model_.network_memory_bytes()});
  }
  void update(std::size_t, std::size_t) override {}
  void end_step() override {}

  struct Seen {
    std::string label;
    std::size_t modes;
    std::size_t bytes;
  };
  std::vector<Seen> seen;

 private:
  const TravelModel& model_;
};

}  // namespace

TEST_CASE("a mode's network structures are released before another mode's are built", "[analysis][travel]") {
  const Scene s;
  TravelModel model(&s.net.roads, s.pop, nullptr, settings());
  Diagnostics diag;
  HeldAtEachStep sink(model);
  model.compute(time_standard("thc_30", {"township_health_center"}, 30), s.facilities, diag, &sink);
  REQUIRE(model.network_modes_held() == 1);
  const std::size_t walking_bytes = model.network_memory_bytes();
  CHECK(walking_bytes > 0);
  sink.seen.clear();
  model.compute(time_standard("thc_car", {"township_health_center"}, 30, TravelMode::kCar), s.facilities, diag, &sink);
  // While the car's graph and connectors were being built, the walking ones were no longer held.
  std::size_t building_steps = 0;
  for (const auto& seen : sink.seen) {
    if (seen.label.starts_with("road graph") || seen.label.starts_with("cell connectors")) {
      ++building_steps;
      INFO(seen.label);
      CHECK(seen.modes == 0);
      CHECK(seen.bytes == 0);
    }
  }
  CHECK(building_steps >= 2);
  CHECK(model.network_modes_held() == 1);
  CHECK(model.network_memory_bytes() > 0);
  model.release(TravelMode::kCar);
  CHECK(model.network_modes_held() == 0);
  CHECK(model.network_memory_bytes() == 0);
}

TEST_CASE("snap = node: facilities and cells join the nearest graph node", "[analysis][travel]") {
  // T1 (1400, 80) joins B (407.9 m; C is 605.3 m away) and starts there at 0 s. Cell (1, 1) walks to A
  // (√(150² + 50²) = 158.11 m) and drives on to B: 158.11 + 1000 = 1158.11 s. Cell (15, 0) walks to C
  // (√(450² + 150²) = 474.34 m) and on to B: 474.34 + 1000 = 1474.34 s.
  const Scene s;
  TravelSettings set = settings();
  set.snap_to_nodes = true;
  TravelModel model(&s.net.roads, s.pop, nullptr, set);
  Diagnostics diag;
  const StandardTravel t = model.compute(time_standard("thc_30", {"township_health_center"}, 30), s.facilities, diag);
  CHECK(at(t.field, 1, 1) == Approx(minutes(std::hypot(150.0, 50.0) + 1000.0)).epsilon(1e-6));
  CHECK(at(t.field, 15, 0) == Approx(minutes(std::hypot(450.0, 150.0) + 1000.0)).epsilon(1e-6));
}

TEST_CASE("a distance standard, or a network standard without roads, is refused", "[analysis][travel]") {
  const Scene s;
  Diagnostics diag;
  Standard distance = time_standard("emergency", {"township_health_center"}, 30);
  distance.threshold_min.reset();
  distance.distance_m = 5000;
  TravelModel with_roads(&s.net.roads, s.pop, nullptr, settings());
  CHECK_THROWS_AS(with_roads.compute(distance, s.facilities, diag), std::invalid_argument);

  TravelModel no_roads(nullptr, s.pop, nullptr, settings());
  try {
    (void)no_roads.compute(time_standard("thc_30", {"township_health_center"}, 30), s.facilities, diag);
    FAIL("expected std::invalid_argument");
  } catch (const std::invalid_argument& e) {
    CHECK(std::string(e.what()).find("thc_30") != std::string::npos);
    CHECK(std::string(e.what()).find("roads") != std::string::npos);
  }
  // The raster engine needs no roads.
  CHECK_NOTHROW(no_roads.compute(time_standard("thc_r", {"township_health_center"}, 30, TravelMode::kWalk,
                                               TravelEngine::kRaster),
                                 s.facilities, diag));
}

// -------------------------------------------------------------------------------------------- raster engine

TEST_CASE("raster engine on a uniform grid: the 16-neighbour distance", "[analysis][travel][raster]") {
  // 21 × 21 cells of 100 m, no land cover, walked at the default 3.6 km/h = 1 s/m (no_land_cover =
  // "default_speed"), so a step of n cell lengths costs 100 n s. The facility stands in cell (10, 10).
  const PopulationGrid pop = population(21, 21, 100.0, 0.0, 2100.0);
  TravelSettings set = settings();
  set.raster_no_land_cover_default_speed = true;
  set.raster_default_speed_kmh = 3.6;
  TravelModel model(nullptr, pop, nullptr, set);
  const std::vector<Facility> fac = {facility(0, "H", "township_health_center", 1050, 1050)};
  Diagnostics diag;
  const Standard st = time_standard("r", {}, 30, TravelMode::kWalk, TravelEngine::kRaster);
  const StandardTravel t = model.compute(st, fac, diag);
  // The only warning: the 441 cells without land cover (all populated, 1 person each) are walked.
  REQUIRE(diag.all().size() == 1);
  CHECK(diag.count("raster.no_land_cover") == 1);
  CHECK(diag.all()[0].message.find("441 cells") != std::string::npos);
  CHECK(diag.all()[0].message.find("441 persons") != std::string::npos);
  CHECK(t.not_computed.empty());
  REQUIRE(t.friction.has_value());
  CHECK(t.friction->default_cells == 441);
  CHECK(t.facilities_used == 1);
  CHECK(t.timings_s.contains("friction"));

  // By hand: 10 cells east 1000 s; (3, 1) a knight's move and a straight step, 100 (√5 + 1) = 323.61 s; (4, 2)
  // two knight's moves, 200 √5 = 447.21 s; (5, 5) five diagonals, 500 √2 = 707.11 s.
  CHECK(at(t.field, 10, 10) == 0.0F);
  CHECK(at(t.field, 20, 10) == Approx(minutes(1000.0)).epsilon(1e-6));
  CHECK(at(t.field, 13, 9) == Approx(minutes(100.0 * (kSqrt5 + 1.0))).epsilon(1e-6));
  CHECK(at(t.field, 6, 12) == Approx(minutes(200.0 * kSqrt5)).epsilon(1e-6));
  CHECK(at(t.field, 15, 15) == Approx(minutes(500.0 * kSqrt2)).epsilon(1e-6));
  // Every cell.
  for (std::uint32_t row = 0; row < 21; ++row)
    for (std::uint32_t col = 0; col < 21; ++col) {
      INFO("cell " << col << ", " << row);
      REQUIRE(at(t.field, col, row) ==
              Approx(minutes(100.0 * knight_distance(int(col) - 10, int(row) - 10))).epsilon(1e-6));
      REQUIRE(nearest_at(t.field, col, row) == 0U);
    }

  SECTION("8 neighbours: the octile distance") {
    TravelSettings set8 = set;
    set8.raster_neighbours = 8;
    TravelModel model8(nullptr, pop, nullptr, set8);
    const StandardTravel t8 = model8.compute(st, fac, diag);
    // (3, 1): two straight steps and a diagonal, 100 (2 + √2) = 341.42 s.
    CHECK(at(t8.field, 13, 9) == Approx(minutes(100.0 * (2.0 + kSqrt2))).epsilon(1e-6));
  }
  SECTION("a second raster standard of the mode reuses the friction surface") {
    const StandardTravel again = model.compute(time_standard("r2", {}, 15, TravelMode::kWalk, TravelEngine::kRaster), fac, diag);
    CHECK_FALSE(again.timings_s.contains("friction"));
    CHECK(again.field.minutes == t.field.minutes);
  }
}

TEST_CASE("raster engine: a barrier makes the search go round", "[analysis][travel][raster]") {
  // 7 × 5 cells of 100 m at 1 s/m. The facility is in cell (1, 1); the target cell (5, 1) is 4 straight steps
  // away: 400 s. A wall fills column 3 from row 0 to row 3; the only way past is cell (3, 4).
  //   (1,1) → (2,3) knight's move (passes (1,2) and (2,2)), → (3,4) diagonal, → (4,3) diagonal, → (5,1) knight's
  //   move (passes (4,2) and (5,2)): 2 (√5 + √2) = 7.301 cell lengths = 730.1 s. A knight's move across column 3
  //   would pass a wall cell, so none is shorter. With 8 neighbours: (1,1) → (1,2) → diagonals to (3,4) and
  //   (5,2) → (5,1): 2 + 4 √2 = 7.657 cell lengths = 765.7 s.
  const PopulationGrid pop = population(7, 5, 100.0, 0.0, 500.0);
  RasterTravelData raster;
  raster.barrier.assign(pop.grid.cell_count(), 0);
  for (std::uint32_t row = 0; row <= 3; ++row) raster.barrier[pop.grid.index(3, row)] = 1;
  raster.barrier_cells = 4;
  TravelSettings set = settings();
  set.raster_no_land_cover_default_speed = true;
  set.raster_default_speed_kmh = 3.6;
  const std::vector<Facility> fac = {facility(0, "H", "township_health_center", 150, 350)};
  const Standard st = time_standard("r", {}, 30, TravelMode::kWalk, TravelEngine::kRaster);
  Diagnostics diag;

  TravelModel open(nullptr, pop, nullptr, set);
  CHECK(at(open.compute(st, fac, diag).field, 5, 1) == Approx(minutes(400.0)).epsilon(1e-6));

  TravelModel walled(nullptr, pop, &raster, set);
  const StandardTravel t = walled.compute(st, fac, diag);
  CHECK(at(t.field, 5, 1) == Approx(minutes(200.0 * (kSqrt5 + kSqrt2))).epsilon(1e-6));
  CHECK(at(t.field, 3, 0) == TravelTimeField::kUnreached);  // a wall cell
  CHECK(nearest_at(t.field, 3, 0) == TravelTimeField::kNoFacility);
  CHECK(at(t.field, 3, 4) == Approx(minutes(100.0 * (kSqrt5 + kSqrt2))).epsilon(1e-6));

  set.raster_neighbours = 8;
  TravelModel walled8(nullptr, pop, &raster, set);
  CHECK(at(walled8.compute(st, fac, diag).field, 5, 1) == Approx(minutes(200.0 + 400.0 * kSqrt2)).epsilon(1e-6));
  CHECK(diag.all().size() == diag.count("raster.no_land_cover"));  // no other warning
}

TEST_CASE("raster engine: land cover classes and roads burned in at the mode's speed", "[analysis][travel][raster]") {
  // One row of 10 cells of 100 m; the facility is in cell 0.
  const PopulationGrid pop = population(10, 1, 100.0, 0.0, 100.0);
  const std::vector<Facility> fac = {facility(0, "H", "township_health_center", 50, 50)};
  Diagnostics diag;
  TravelSettings set = settings();

  SECTION("land cover: class 1 at 3.6 km/h (1 s/m) in cells 0–4, class 2 at 7.2 km/h (0.5 s/m) in cells 5–9") {
    // Cell 9: four steps of 100 s, one of 100 (1 + 0.5) / 2 = 75 s, four of 50 s: 675 s.
    RasterTravelData raster;
    raster.landcover = {1, 1, 1, 1, 1, 2, 2, 2, 2, 2};
    raster.classes = {{1, "farmland", 3.6, "walking"}, {2, "track", 7.2, "walking"}};
    TravelModel model(nullptr, pop, &raster, set);
    const StandardTravel t = model.compute(time_standard("r", {}, 30, TravelMode::kWalk, TravelEngine::kRaster), fac, diag);
    CHECK(at(t.field, 4, 0) == Approx(minutes(400.0)).epsilon(1e-6));
    CHECK(at(t.field, 9, 0) == Approx(minutes(675.0)).epsilon(1e-6));
    CHECK(diag.all().empty());
  }
  SECTION("a car road along the row: 36 km/h (0.1 s/m) in every cell it passes") {
    // The road A — B runs through the cell centres; driving, cell 9 is 9 × 100 × 0.1 = 90 s away. Without
    // burning the roads in, the default 3.6 km/h gives 900 s.
    // Without burning the roads in, the car has no speed on this grid: the cells without land cover are walked at
    // 3.6 km/h, which is no car speed, and the standard is not computed (it used to give 900 s, a walk labelled car).
    const AsciiNetwork net = AsciiMap("A---------B", 100.0, 0.0, 50.0).way("AB").build();
    set.raster_no_land_cover_default_speed = true;
    set.raster_default_speed_kmh = 3.6;
    const Standard st = time_standard("r", {}, 30, TravelMode::kCar, TravelEngine::kRaster);
    TravelModel burnt(&net.roads, pop, nullptr, set);
    const StandardTravel driven = burnt.compute(st, fac, diag);
    CHECK(driven.not_computed.empty());
    CHECK(at(driven.field, 9, 0) == Approx(minutes(90.0)).epsilon(1e-6));
    set.raster_burn_roads = false;
    TravelModel bare(&net.roads, pop, nullptr, set);
    const StandardTravel walked = bare.compute(st, fac, diag);
    CHECK_FALSE(walked.not_computed.empty());
    CHECK(walked.not_computed.en.find("burn_roads = false") != std::string::npos);
    CHECK(at(walked.field, 9, 0) == TravelTimeField::kUnreached);
    CHECK(diag.all().size() == diag.count("raster.no_land_cover"));
  }
}

TEST_CASE("raster engine: a mode per road class — a car standard walks the tracks ([raster.road_modes])",
          "[analysis][travel][raster]") {
  // One row of 10 cells of 100 m, the facility in cell 0. A track runs from x = 0 to 500 (cells 0–4), a primary
  // road from 500 to 1000 (cells 5–9), both 36 km/h (0.1 s/m) for cars; walking the track is 3.6 km/h (1 s/m).
  const PopulationGrid pop = population(10, 1, 100.0, 0.0, 100.0);
  const std::vector<Facility> fac = {facility(0, "H", "township_health_center", 50, 50)};
  const AsciiNetwork net = AsciiMap("A----B----C", 100.0, 0.0, 50.0)
                               .way("AB", {.cls = RoadClass::kTrack})
                               .way("BC", {.cls = RoadClass::kPrimary})
                               .build();
  TravelSettings set = settings();
  set.profile.mode(TravelMode::kCar).speed_kmh[road_class_index(RoadClass::kTrack)] = 36.0;
  set.profile.mode(TravelMode::kCar).speed_kmh[road_class_index(RoadClass::kPrimary)] = 36.0;
  set.profile.mode(TravelMode::kWalk).speed_kmh[road_class_index(RoadClass::kTrack)] = 3.6;
  const Standard st = time_standard("r", {}, 30, TravelMode::kCar, TravelEngine::kRaster);
  Diagnostics diag;

  SECTION("without class modes the car drives both: cell 9 is 9 × 100 m × 0.1 s/m = 90 s away") {
    TravelModel model(&net.roads, pop, nullptr, set);
    const StandardTravel t = model.compute(st, fac, diag);
    CHECK(at(t.field, 9, 0) == Approx(minutes(90.0)).epsilon(1e-6));
  }
  SECTION("track walked: 4 steps of 100 s, one of 100 × (1 + 0.1) / 2 = 55 s, 4 of 10 s: cell 9 at 495 s") {
    set.raster_road_modes[road_class_index(RoadClass::kTrack)] = raster::SpeedMode::kWalking;
    TravelModel model(&net.roads, pop, nullptr, set);
    const StandardTravel t = model.compute(st, fac, diag);
    CHECK(t.not_computed.empty());
    CHECK(at(t.field, 4, 0) == Approx(minutes(400.0)).epsilon(1e-6));
    CHECK(at(t.field, 5, 0) == Approx(minutes(455.0)).epsilon(1e-6));
    CHECK(at(t.field, 9, 0) == Approx(minutes(495.0)).epsilon(1e-6));
    // The primary road is the car's own speed; the walked track is not.
    const analysis::RasterSources src = analysis::raster_sources(&net.roads, nullptr, 10, TravelMode::kCar, set);
    CHECK(src.road_ways == 1);
  }
  SECTION("a car standard whose only road is walked has no speed of its own: not computed, never walked") {
    const AsciiNetwork track = AsciiMap("A---------B", 100.0, 0.0, 50.0).way("AB", {.cls = RoadClass::kTrack}).build();
    set.raster_road_modes[road_class_index(RoadClass::kTrack)] = raster::SpeedMode::kWalking;
    CHECK_FALSE(analysis::raster_sources(&track.roads, nullptr, 10, TravelMode::kCar, set).missing.empty());
    TravelModel model(&track.roads, pop, nullptr, set);
    const StandardTravel t = model.compute(st, fac, diag);
    CHECK_FALSE(t.not_computed.empty());
  }
}

TEST_CASE("raster engine: a facility outside the grid is left out with a warning", "[analysis][travel][raster]") {
  const PopulationGrid pop = population(5, 1, 100.0, 0.0, 100.0);
  TravelSettings set = settings();
  set.raster_no_land_cover_default_speed = true;
  set.raster_default_speed_kmh = 3.6;
  TravelModel model(nullptr, pop, nullptr, set);
  // Facility 1 stands 1 km east of the grid; facility 0 in cell 0. Cell 4 is 400 s from facility 0.
  const std::vector<Facility> fac = {facility(0, "IN", "township_health_center", 50, 50),
                                     facility(1, "OUT", "township_health_center", 1500, 50)};
  Diagnostics diag;
  const StandardTravel t = model.compute(time_standard("r", {}, 30, TravelMode::kWalk, TravelEngine::kRaster), fac, diag);
  CHECK(t.facilities_used == 2);  // both selected; one could not start
  CHECK(diag.count("facility.outside_grid") == 1);
  REQUIRE(diag.all().size() == 2);  // and raster.no_land_cover
  const Problem& outside = diag.all()[0].code == "facility.outside_grid" ? diag.all()[0] : diag.all()[1];
  CHECK(outside.message.find("'OUT'") != std::string::npos);
  CHECK(outside.where.file == "facilities.csv");
  CHECK(at(t.field, 4, 0) == Approx(minutes(400.0)).epsilon(1e-6));
  CHECK(nearest_at(t.field, 4, 0) == 0U);
}

// ------------------------------------------------------------------------------ raster engine: speed sources

TEST_CASE("raster engine: a car standard without roads or motorised land cover is not computed, never walked",
          "[analysis][travel][raster]") {
  // The case of a scenario with census totals and no roads: "县级医院30分钟可达 (机动车)" came out from a 5 km/h walk.
  // 10 × 1 cells of 100 m, no land cover, the cells without it walked at 3.6 km/h by the scenario's choice.
  const PopulationGrid pop = population(10, 1, 100.0, 0.0, 100.0);
  const std::vector<Facility> fac = {facility(0, "H", "general_hospital", 50, 50)};
  TravelSettings set = settings();
  set.raster_no_land_cover_default_speed = true;
  set.raster_default_speed_kmh = 3.6;
  Diagnostics diag;
  TravelModel model(nullptr, pop, nullptr, set);
  const StandardTravel car =
      model.compute(time_standard("county_30", {}, 30, TravelMode::kCar, TravelEngine::kRaster), fac, diag);
  REQUIRE_FALSE(car.not_computed.empty());
  CHECK(car.not_computed.en.find("no speed for mode car") != std::string::npos);
  CHECK(car.not_computed.en.find("the scenario has no roads") != std::string::npos);
  CHECK(car.not_computed.en.find("no car speed") != std::string::npos);
  CHECK(car.not_computed.zh.find("机动车") != std::string::npos);
  CHECK(car.not_computed.hint.find("engine = \"estimate\"") != std::string::npos);
  CHECK(car.facilities_used == 1);
  CHECK(std::all_of(car.field.minutes.begin(), car.field.minutes.end(),
                    [](float m) { return m == TravelTimeField::kUnreached; }));
  // A walking standard on the same surface is computed: the walk is what the scenario asked for (cell 9: 900 s).
  const StandardTravel walk = model.compute(time_standard("walk_30", {}, 30, TravelMode::kWalk, TravelEngine::kRaster), fac, diag);
  CHECK(walk.not_computed.empty());
  CHECK(at(walk.field, 9, 0) == Approx(minutes(900.0)).epsilon(1e-6));
  // Bicycles and e-bikes have no speed here either.
  for (const TravelMode m : {TravelMode::kBicycle, TravelMode::kEbike, TravelMode::kMixed})
    CHECK_FALSE(model.compute(time_standard("m", {}, 30, m, TravelEngine::kRaster), fac, diag).not_computed.empty());
}

TEST_CASE("raster engine: cells without land cover are impassable unless the scenario opts in", "[analysis][travel][raster]") {
  // One row of 6 cells of 100 m: class 1 (walking 3.6 km/h, 1 s/m) in cells 0–2 and 4–5, no land cover in cell 3
  // (outside the land-cover raster). The facility is in cell 0. As in AccessMod, cell 3 cannot be crossed: cells 4
  // and 5 are cut off. With no_land_cover = "default_speed" at 3.6 km/h, cell 5 is 500 s away.
  const PopulationGrid pop = population(6, 1, 100.0, 0.0, 100.0, {1, 1, 1, 7, 1, 1});
  RasterTravelData raster;
  raster.landcover = {1, 1, 1, RasterTravelData::kNoClass, 1, 1};
  raster.classes = {{1, "farmland", 3.6, "walking"}};
  const std::vector<Facility> fac = {facility(0, "H", "township_health_center", 50, 50)};
  const Standard st = time_standard("r", {}, 30, TravelMode::kWalk, TravelEngine::kRaster);
  TravelSettings set = settings();

  Diagnostics diag;
  TravelModel closed(nullptr, pop, &raster, set);
  const StandardTravel t = closed.compute(st, fac, diag);
  CHECK(at(t.field, 2, 0) == Approx(minutes(200.0)).epsilon(1e-6));
  CHECK(at(t.field, 3, 0) == TravelTimeField::kUnreached);
  CHECK(at(t.field, 4, 0) == TravelTimeField::kUnreached);
  CHECK(at(t.field, 5, 0) == TravelTimeField::kUnreached);
  REQUIRE(diag.count("raster.no_land_cover") == 1);
  CHECK(diag.all()[0].message.find("1 cells off the roads have no land cover") != std::string::npos);
  CHECK(diag.all()[0].message.find("7 persons") != std::string::npos);
  REQUIRE(t.friction.has_value());
  CHECK(t.friction->no_land_cover_cells == 1);
  CHECK(t.friction->no_land_cover_persons == 7.0);

  set.raster_no_land_cover_default_speed = true;
  set.raster_default_speed_kmh = 3.6;
  Diagnostics diag2;
  TravelModel open(nullptr, pop, &raster, set);
  const StandardTravel o = open.compute(st, fac, diag2);
  CHECK(at(o.field, 5, 0) == Approx(minutes(500.0)).epsilon(1e-6));
  CHECK(diag2.count("raster.no_land_cover") == 1);
  CHECK(diag2.all()[0].message.find("walked at 3.6 km/h") != std::string::npos);
}

TEST_CASE("raster engine: a walker crosses a motorised class at walking speed", "[analysis][travel][raster]") {
  // One row of 10 cells of 100 m: class 1 walking 3.6 km/h in cell 0, class 5 MOTORIZED 36 km/h (a road drawn into
  // the land cover) in cells 1–9. A car goes 0.1 s/m there: cell 9 is 50 + 5 + 800 × 0.1 … = 100 (1 + 0.1) / 2 +
  // 8 × 100 × 0.1 = 55 + 80 = 135 s. A walker walks it at the profile's walking speed (3.6 km/h, 1 s/m): 900 s.
  const PopulationGrid pop = population(10, 1, 100.0, 0.0, 100.0);
  RasterTravelData raster;
  raster.landcover = {1, 5, 5, 5, 5, 5, 5, 5, 5, 5};
  raster.classes = {{1, "farmland", 3.6, "walking"}, {5, "road", 36.0, "motorized"}};
  const std::vector<Facility> fac = {facility(0, "H", "township_health_center", 50, 50)};
  Diagnostics diag;
  TravelModel model(nullptr, pop, &raster, settings());
  const StandardTravel car = model.compute(time_standard("c", {}, 30, TravelMode::kCar, TravelEngine::kRaster), fac, diag);
  CHECK(at(car.field, 9, 0) == Approx(minutes(135.0)).epsilon(1e-6));
  CHECK(diag.all().empty());
  const StandardTravel walk = model.compute(time_standard("w", {}, 30, TravelMode::kWalk, TravelEngine::kRaster), fac, diag);
  CHECK(walk.not_computed.empty());
  CHECK(at(walk.field, 9, 0) == Approx(minutes(900.0)).epsilon(1e-6));
  REQUIRE(diag.count("raster.class_mode_slowed") == 1);
  CHECK(diag.all()[0].message.find("9 cells at 3.6 km/h") != std::string::npos);
}

TEST_CASE("raster sources of a mode, read from the inputs before any search", "[analysis][travel][raster]") {
  const AsciiNetwork net = AsciiMap("A---------B", 100.0, 0.0, 50.0).way("AB").build();
  RasterTravelData walking_only;
  walking_only.landcover = {1, 1, RasterTravelData::kNoClass, 1};
  walking_only.classes = {{1, "farmland", 4.0, "walking"}};
  TravelSettings set = settings();

  SECTION("car: no roads and walking classes only → missing; roads → a source") {
    const analysis::RasterSources none = analysis::raster_sources(nullptr, &walking_only, 4, TravelMode::kCar, set);
    CHECK_FALSE(none.missing.empty());
    CHECK(none.slower_class_cells == 3);
    CHECK(none.no_land_cover_cells == 1);
    CHECK(none.own_class_cells == 0);
    const analysis::RasterSources roads = analysis::raster_sources(&net.roads, &walking_only, 4, TravelMode::kCar, set);
    CHECK(roads.road_ways == 1);
    CHECK(roads.missing.empty());
    set.raster_burn_roads = false;
    CHECK_FALSE(analysis::raster_sources(&net.roads, &walking_only, 4, TravelMode::kCar, set).missing.empty());
  }
  SECTION("car: a motorised class is a source") {
    RasterTravelData motor = walking_only;
    motor.landcover[3] = 5;
    motor.classes.push_back({5, "road", 40.0, "motorized"});
    const analysis::RasterSources s = analysis::raster_sources(nullptr, &motor, 4, TravelMode::kCar, set);
    CHECK(s.own_class_cells == 1);
    CHECK(s.missing.empty());
  }
  SECTION("walk: without land cover, only the opt-in default speed is a source") {
    CHECK_FALSE(analysis::raster_sources(nullptr, nullptr, 9, TravelMode::kWalk, set).missing.empty());
    set.raster_no_land_cover_default_speed = true;
    const analysis::RasterSources s = analysis::raster_sources(nullptr, nullptr, 9, TravelMode::kWalk, set);
    CHECK(s.missing.empty());
    CHECK(s.no_land_cover_cells == 9);
    CHECK_FALSE(analysis::raster_sources(nullptr, nullptr, 9, TravelMode::kCar, set).missing.empty());
  }
}

// -------------------------------------------------------------------------------- straight-line estimate

TEST_CASE("estimate engine: straight line × circuity ÷ speed, through the model", "[analysis][travel][estimate]") {
  // 40 × 1 cells of 100 m; a county hospital at the centre of cell 0 (50, 50). Cell 30's centre is 3,000 m away:
  // 3,000 m × 1.3 ÷ (30 km/h = 8.333 m/s) = 468 s = 7.8 min. No roads, no land cover: the estimate needs neither.
  const PopulationGrid pop = population(40, 1, 100.0, 0.0, 100.0);
  const std::vector<Facility> fac = {facility(0, "H", "general_hospital", 50, 50)};
  Standard st = time_standard("county_30", {}, 30, TravelMode::kCar, TravelEngine::kEstimate);
  st.circuity = 1.3;
  st.estimate_speed_kmh = 30.0;
  TravelModel model(nullptr, pop, nullptr, settings());
  Diagnostics diag;
  const StandardTravel t = model.compute(st, fac, diag);
  CHECK(t.not_computed.empty());
  CHECK(at(t.field, 30, 0) == Approx(7.8).epsilon(1e-6));
  CHECK(nearest_at(t.field, 30, 0) == 0U);
  CHECK(at(t.field, 0, 0) == 0.0F);
  CHECK(t.circuity == 1.3);
  CHECK(t.estimate_speed_kmh == 30.0);
  CHECK(t.limit_min == 120.0);
  REQUIRE(t.access.size() == 1);
  CHECK(t.access[0].joined);
  CHECK(diag.all().empty());

  SECTION("without its own values the standard takes the profile's estimate of its mode") {
    TravelSettings set = settings();
    set.profile.estimate[mode_index(TravelMode::kCar)] = {36.0, 1.5};  // 10 m/s, 1.5: cell 30 at 450 s = 7.5 min
    TravelModel m2(nullptr, pop, nullptr, set);
    Standard plain = time_standard("county_30", {}, 30, TravelMode::kCar, TravelEngine::kEstimate);
    const StandardTravel u = m2.compute(plain, fac, diag);
    CHECK(at(u.field, 30, 0) == Approx(7.5).epsilon(1e-6));
    CHECK(u.circuity == 1.5);
  }
  SECTION("mode mixed has no estimate") {
    st.mode = TravelMode::kMixed;
    CHECK_THROWS_AS(model.compute(st, fac, diag), std::invalid_argument);
  }
}

// ----------------------------------------------------------------------- raster engine: AccessMod parity

TEST_CASE("raster engine: a facility on a barrier or an impassable cell is flagged and not joined",
          "[analysis][travel][raster]") {
  // One row of 6 cells of 100 m at 1 s/m (class 1, 3.6 km/h); cell 2 is a barrier, cell 5 is water (class 9,
  // speed 0). Facility A stands in cell 0, B on the barrier (cell 2), C in the water (cell 5).
  // Before, B started on its own cell (time 0 there) and C too; now both are left out and flagged. Cell 1 is
  // 100 s from A; cells 3 and 4 are cut off from A by the barrier: unreached.
  const PopulationGrid pop = population(6, 1, 100.0, 0.0, 100.0);
  RasterTravelData raster;
  raster.landcover = {1, 1, 1, 1, 1, 9};
  raster.classes = {{1, "farmland", 3.6, "walking"}, {9, "water", 0.0, "walking"}};
  raster.barrier = {0, 0, 1, 0, 0, 0};
  raster.barrier_cells = 1;
  const std::vector<Facility> fac = {facility(0, "A", "township_health_center", 50, 50),
                                     facility(1, "B", "township_health_center", 250, 50),
                                     facility(2, "C", "township_health_center", 550, 50)};
  const Standard st = time_standard("r", {}, 30, TravelMode::kWalk, TravelEngine::kRaster);
  Diagnostics diag;
  TravelModel model(nullptr, pop, &raster, settings());
  const StandardTravel t = model.compute(st, fac, diag);
  REQUIRE(t.access.size() == 3);
  CHECK(t.access[0].joined);
  CHECK_FALSE(t.access[1].joined);
  CHECK_FALSE(t.access[2].joined);
  CHECK(diag.count("facility.on_barrier") == 2);
  CHECK(diag.count("raster.source_impassable") == 0);  // no longer started there
  bool barrier_named = false, water_named = false;
  for (const Problem& p : diag.all()) {
    if (p.code != "facility.on_barrier") continue;
    CHECK(p.where.file == "facilities.csv");
    if (p.message.find("'B'") != std::string::npos) barrier_named = p.message.find("barrier") != std::string::npos;
    if (p.message.find("'C'") != std::string::npos) water_named = p.message.find("class 9") != std::string::npos;
  }
  CHECK(barrier_named);
  CHECK(water_named);
  CHECK(at(t.field, 0, 0) == Approx(0.0));
  CHECK(at(t.field, 1, 0) == Approx(minutes(100.0)).epsilon(1e-6));
  CHECK(at(t.field, 2, 0) == TravelTimeField::kUnreached);  // B's cell: not a start any more
  CHECK(at(t.field, 3, 0) == TravelTimeField::kUnreached);
  CHECK(at(t.field, 5, 0) == TravelTimeField::kUnreached);

  SECTION("the check validate runs lists the same two facilities") {
    Diagnostics vdiag;
    TravelModel fresh(nullptr, pop, &raster, settings());
    const std::vector<std::uint32_t> flagged = fresh.check_raster_facilities(st, fac, vdiag);
    CHECK(flagged == std::vector<std::uint32_t>{1, 2});
    CHECK(vdiag.all().size() == 2);
    CHECK(vdiag.count("facility.on_barrier") == 2);
  }
  SECTION("a road across the barrier makes B's cell passable: B starts there") {
    // A road burned in from x = 0 to x = 300 crosses the barrier (a bridge): cell 2 is a road cell, B is joined;
    // the road ends on the edge of cell 3, far from C's water cell.
    const AsciiNetwork net = AsciiMap("A--B", 100.0, 0.0, 50.0).way("AB").build();
    TravelModel bridged(&net.roads, pop, &raster, settings());
    Diagnostics bdiag;
    const StandardTravel b = bridged.compute(st, fac, bdiag);
    CHECK(b.access[1].joined);
    CHECK(bdiag.count("facility.on_barrier") == 1);  // C only
  }
}

TEST_CASE("raster engine: direction = from reverses the slope (outreach climbs, patients descend)",
          "[analysis][travel][raster]") {
  // Six 100 m cells rising 20 m per cell (S = 0.2), walking at Tobler's flat speed 6·e^−0.175 = 5.0367 km/h; the
  // facility is at the bottom (cell 0). Patients walking down to it: Tobler speed at S = −0.2 is
  // 6·e^(−3.5·0.15) = 3.5493 km/h, 100 m in 101.43 s per cell. An outreach team climbing from it: at S = +0.2,
  // 6·e^(−3.5·0.25) = 2.5013 km/h, 100 m in 143.93 s per cell. Cell 5: 5 cells.
  const PopulationGrid pop = population(6, 1, 100.0, 0.0, 100.0);
  RasterTravelData raster;
  raster.landcover.assign(6, 1);
  raster.classes = {{1, "grass", 6.0 * std::exp(-0.175), "walking"}};
  for (int i = 0; i < 6; ++i) raster.elevation_m.push_back(20.0F * static_cast<float>(i));
  TravelSettings set = settings();
  set.raster_anisotropic = true;
  set.raster_neighbours = 8;
  const std::vector<Facility> fac = {facility(0, "H", "township_health_center", 50, 50)};
  Standard st = time_standard("r", {}, 30, TravelMode::kWalk, TravelEngine::kRaster);
  const double down_s = 100.0 / (6.0 * std::exp(-3.5 * 0.15) / 3.6);
  const double up_s = 100.0 / (6.0 * std::exp(-3.5 * 0.25) / 3.6);
  CHECK(down_s == Approx(101.43).epsilon(1e-4));
  CHECK(up_s == Approx(143.93).epsilon(1e-4));
  Diagnostics diag;
  TravelModel model(nullptr, pop, &raster, set);
  CHECK(at(model.compute(st, fac, diag).field, 5, 0) == Approx(minutes(5 * down_s)).epsilon(1e-5));
  st.direction = TripDirection::kFromFacility;
  CHECK(at(model.compute(st, fac, diag).field, 5, 0) == Approx(minutes(5 * up_s)).epsilon(1e-5));
  SECTION("isotropic: the direction changes nothing") {
    set.raster_anisotropic = false;
    TravelModel flat(nullptr, pop, &raster, set);
    const double flat_s = 100.0 / (6.0 * std::exp(-0.175) / 3.6);
    CHECK(at(flat.compute(st, fac, diag).field, 5, 0) == Approx(minutes(5 * flat_s)).epsilon(1e-5));
  }
  SECTION("the network engine refuses direction = from rather than ignore it") {
    st.engine = TravelEngine::kNetwork;
    const AsciiNetwork net = AsciiMap("A-----B", 100.0, 0.0, 50.0).way("AB").build();
    TravelModel network(&net.roads, pop, nullptr, settings());
    CHECK_THROWS_AS(network.compute(st, fac, diag), std::invalid_argument);
  }
}

TEST_CASE("raster engine: a friction surface given in seconds per metre", "[analysis][travel][raster]") {
  // One row of 6 cells of 100 m: frictions 0.5, 0.5, 1, 1, NaN (no data), 0.25 s/m; the facility is in cell 0.
  // Cell 3: 100·(0.5+0.5)/2 + 100·(0.5+1)/2 + 100·(1+1)/2 = 50 + 75 + 100 = 225 s. Cell 4 has no friction: it
  // cannot be crossed (no_land_cover = "impassable"), so cell 5 is cut off. A car standard uses the same values
  // (every cell with a value is a speed source of every mode): 225 s as well.
  const PopulationGrid pop = population(6, 1, 100.0, 0.0, 100.0);
  RasterTravelData raster;
  const float nan = std::numeric_limits<float>::quiet_NaN();
  raster.friction_s_per_m = {0.5F, 0.5F, 1.0F, 1.0F, nan, 0.25F};
  const std::vector<Facility> fac = {facility(0, "H", "township_health_center", 50, 50)};
  Diagnostics diag;
  TravelModel model(nullptr, pop, &raster, settings());
  for (const TravelMode mode : {TravelMode::kWalk, TravelMode::kCar}) {
    const StandardTravel t = model.compute(time_standard("r", {}, 30, mode, TravelEngine::kRaster), fac, diag);
    CHECK(t.not_computed.empty());
    CHECK(at(t.field, 3, 0) == Approx(minutes(225.0)).epsilon(1e-6));
    CHECK(at(t.field, 4, 0) == TravelTimeField::kUnreached);
    CHECK(at(t.field, 5, 0) == TravelTimeField::kUnreached);
    REQUIRE(t.friction);
    CHECK(t.friction->friction_cells == 5);
    CHECK(t.friction->no_land_cover_cells == 1);
  }
  CHECK(diag.count("raster.no_land_cover") == 2);  // one per mode's surface, naming the friction raster
  CHECK(diag.all()[0].message.find("no friction") != std::string::npos);
  SECTION("no_land_cover = default_speed walks the no-data cell: cell 5 is reached") {
    // Cell 4 at 3.6 km/h = 1 s/m: cell 5 = 225 + 100·(1+1)/2 + 100·(1+0.25)/2 = 225 + 100 + 62.5 = 387.5 s.
    TravelSettings set = settings();
    set.raster_no_land_cover_default_speed = true;
    set.raster_default_speed_kmh = 3.6;
    TravelModel walked(nullptr, pop, &raster, set);
    const StandardTravel t = walked.compute(time_standard("r", {}, 30, TravelMode::kWalk, TravelEngine::kRaster), fac, diag);
    CHECK(at(t.field, 5, 0) == Approx(minutes(387.5)).epsilon(1e-6));
  }
}
