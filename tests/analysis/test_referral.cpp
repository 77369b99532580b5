// Referral times (analysis::referral_times): a road network worked out by hand.

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "analysis/referral.hpp"
#include "core/diagnostics.hpp"
#include "core/facility.hpp"
#include "core/population.hpp"
#include "core/standard.hpp"
#include "network/ascii_map.hpp"

using namespace carereach;
using carereach::analysis::ReferralStatus;
using carereach::testing::AsciiMap;
using carereach::testing::AsciiNetwork;
using carereach::testing::test_speed_profile;

namespace {

Facility facility(std::uint32_t id, const std::string& type, double x, double y) {
  Facility f;
  f.id = FacilityId{id};
  f.source_id = "F" + std::to_string(id);
  f.name = f.source_id;
  f.type = type;
  f.x_m = x;
  f.y_m = y;
  f.source_file = "facilities.csv";
  f.source_feature = "row " + std::to_string(id + 2);
  return f;
}

}  // namespace

// The scene (walking at 1 m/s, max access distance 300 m): A (0, 0) ---- B (1000, 0) ---- C (2000, 0), a grid of
// 20 × 2 cells of 100 m with its top at y = 200; nobody lives anywhere (the sources' cells need no residents).
// Targets: T1 at (1400, 80) joins B — C at (1400, 0), 80 s; T2 at (1900, 50) joins B — C at (1900, 0), 50 s.
// V1 at (120, 180) stands for its cell (1, 0), centre (150, 150): it joins A — B at (150, 0) (150 s), walks to B
// (850 s), then to (1400, 0) (400 s) and T1 (80 s): 1480 s; to T2 it is 150 + 850 + 900 + 50 = 1950 s.
// V2 at (1560, 140), cell (15, 0), centre (1550, 150): walks straight to T1, √(150² + 70²) = 165.53 s (by the
// road: 150 + 150 + 80 = 380 s). V3 at (-500, 100) is outside the grid.
TEST_CASE("referral_times: to the nearest target over a road network, by hand", "[analysis][referral]") {
  const AsciiNetwork net = AsciiMap("A---------B---------C", 100.0).way("AB").way("BC").build();
  Grid grid;
  grid.origin_x_m = 0.0;
  grid.origin_y_m = 200.0;
  grid.cell_size_m = 100.0;
  grid.cols = 20;
  grid.rows = 2;
  const std::vector<Facility> fac = {facility(0, "village_clinic", 120, 180), facility(1, "village_clinic", 1560, 140),
                                     facility(2, "village_clinic", -500, 100),
                                     facility(3, "township_health_center", 1400, 80),
                                     facility(4, "township_health_center", 1900, 50)};
  const std::vector<const Facility*> from = {&fac[0], &fac[1], &fac[2]};
  const std::vector<const Facility*> to = {&fac[3], &fac[4]};
  analysis::TravelSettings set;
  set.profile = test_speed_profile();
  set.profile.max_access_distance_m = 300.0;
  Standard st;
  st.id = "s";
  st.name_zh = "s";
  st.select.types = {"village_clinic"};  // the standard lends its mode and engine only
  st.mode = TravelMode::kWalk;
  st.engine = TravelEngine::kNetwork;
  st.threshold_min = 15;

  SECTION("limit 60 minutes") {
    Diagnostics diag;
    const auto rows = analysis::referral_times(&net.roads, nullptr, grid, set, st, from, to, 60.0, diag);
    REQUIRE(rows.size() == 3);
    CHECK(rows[0].from == 0);
    CHECK(rows[0].status == ReferralStatus::kReached);
    CHECK(rows[0].to == 3);
    CHECK(rows[0].minutes == Approx(1480.0 / 60.0).epsilon(1e-6));
    CHECK(rows[1].status == ReferralStatus::kReached);
    CHECK(rows[1].to == 3);
    CHECK(rows[1].minutes == Approx(std::hypot(150.0, 70.0) / 60.0).epsilon(1e-6));
    CHECK(rows[2].status == ReferralStatus::kOutsideGrid);
    CHECK(rows[2].to == std::numeric_limits<std::uint32_t>::max());
  }
  SECTION("without T1, V1 goes to T2") {
    Diagnostics diag;
    const std::vector<const Facility*> only_t2 = {&fac[4]};
    const auto rows = analysis::referral_times(&net.roads, nullptr, grid, set, st, from, only_t2, 60.0, diag);
    CHECK(rows[0].to == 4);
    CHECK(rows[0].minutes == Approx(1950.0 / 60.0).epsilon(1e-6));
  }
  SECTION("limit 20 minutes: V1 (24.7 min) is not reached, V2 is") {
    Diagnostics diag;
    const auto rows = analysis::referral_times(&net.roads, nullptr, grid, set, st, from, to, 20.0, diag);
    CHECK(rows[0].status == ReferralStatus::kNotReached);
    CHECK(std::isinf(rows[0].minutes));
    CHECK(rows[1].status == ReferralStatus::kReached);
  }
  SECTION("no target: nothing is reached") {
    Diagnostics diag;
    const auto rows = analysis::referral_times(&net.roads, nullptr, grid, set, st, from, {}, 60.0, diag);
    CHECK(rows[0].status == ReferralStatus::kNotReached);
    CHECK(rows[1].status == ReferralStatus::kNotReached);
  }
  SECTION("a distance standard or a bad limit is refused") {
    Diagnostics diag;
    CHECK_THROWS_AS(analysis::referral_times(&net.roads, nullptr, grid, set, st, from, to, 0.0, diag),
                    std::invalid_argument);
    Standard d = st;
    d.threshold_min.reset();
    d.distance_m = 1000;
    CHECK_THROWS_AS(analysis::referral_times(&net.roads, nullptr, grid, set, d, from, to, 60.0, diag),
                    std::invalid_argument);
  }
}
