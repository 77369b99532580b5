// Planning indicators per zone (analysis/indicators.hpp): presence counts (optionally near the zone's seat) and
// shares of facilities, with per-zone targets and the number still to build. Every expected value is counted by
// hand from the facilities listed in each case.

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "analysis/indicators.hpp"
#include "core/facility.hpp"
#include "core/indicator.hpp"

using namespace carereach;
using carereach::analysis::evaluate_indicator;
using carereach::analysis::IndicatorResult;

namespace {

constexpr std::uint32_t X = std::numeric_limits<std::uint32_t>::max();

Facility fac(std::string type, FacilityLevel level, std::vector<std::string> tags = {},
             FacilityStatus status = FacilityStatus::kActive, double x = 0, double y = 0) {
  static std::uint32_t next = 0;
  Facility f;
  f.id = FacilityId{next++};
  f.type = std::move(type);
  f.level = level;
  f.tags = std::move(tags);
  f.status = status;
  f.x_m = x;
  f.y_m = y;
  return f;
}

PlanIndicator tertiary_presence() {
  PlanIndicator ind;
  ind.id = "county_tertiary";
  ind.kind = IndicatorKind::kPresence;
  ind.level = "county";
  ind.select.types = {"general_hospital"};
  ind.select.min_level = FacilityLevel::kTertiary;
  ind.min_count = 1;
  return ind;
}

PlanIndicator tcm_hall_share() {
  PlanIndicator ind;
  ind.id = "thc_tcm_hall";
  ind.kind = IndicatorKind::kShare;
  ind.level = "county";
  ind.select.types = {"township_health_center"};
  ind.with.tags_any = {"tcm_hall"};
  ind.target_share = 1.0;
  return ind;
}

}  // namespace

TEST_CASE("indicators: presence counts the matching facilities of each zone", "[indicators]") {
  using L = FacilityLevel;
  // Zone 0: a tertiary general hospital and a secondary one (only the first counts).
  // Zone 1: a planned tertiary general hospital (not counted without include_planned) and a closed one (never).
  // Zone 2: a tertiary TCM hospital (not the type asked for). A facility outside every zone is not counted.
  const std::vector<Facility> f{fac("general_hospital", L::kTertiary),
                                fac("general_hospital", L::kSecondary),
                                fac("general_hospital", L::kTertiary, {}, FacilityStatus::kPlanned),
                                fac("general_hospital", L::kTertiary, {}, FacilityStatus::kClosed),
                                fac("tcm_hospital", L::kTertiary),
                                fac("general_hospital", L::kTertiary)};
  const std::vector<std::uint32_t> zone{0, 0, 1, 1, 2, X};
  PlanIndicator ind = tertiary_presence();

  IndicatorResult r = evaluate_indicator(ind, f, zone, 3);
  REQUIRE(r.zones.size() == 3);
  CHECK(r.zones[0].count == 1);
  CHECK(r.zones[0].met == 1);
  CHECK(r.zones[0].missing == 0);
  CHECK(r.zones[0].facilities == std::vector<std::uint32_t>{0});
  CHECK(r.zones[1].count == 0);
  CHECK(r.zones[1].met == 0);
  CHECK(r.zones[1].missing == 1);
  CHECK(r.zones[2].count == 0);
  CHECK(r.zones[2].met == 0);
  CHECK(r.zones_met == 1);
  CHECK(r.zones_not_met == 2);
  CHECK(r.missing == 2);
  CHECK(std::isnan(r.zones[0].share));

  SECTION("planned facilities count with include_planned") {
    ind.select.include_planned = true;
    r = evaluate_indicator(ind, f, zone, 3);
    CHECK(r.zones[1].count == 1);
    CHECK(r.zones[1].met == 1);
    CHECK(r.zones[1].facilities == std::vector<std::uint32_t>{2});
  }
  SECTION("a zone's own target replaces the indicator's") {
    // Zone 0 must have 2: it has 1, so 1 is missing; zone 2 must have 0: met with none.
    const std::vector<std::optional<double>> targets{2.0, std::nullopt, 0.0};
    r = evaluate_indicator(ind, f, zone, 3, {}, targets);
    CHECK(r.zones[0].target == 2.0);
    CHECK(r.zones[0].zone_target);
    CHECK(r.zones[0].met == 0);
    CHECK(r.zones[0].missing == 1);
    CHECK(r.zones[1].target == 1.0);
    CHECK_FALSE(r.zones[1].zone_target);
    CHECK(r.zones[2].met == 1);
    CHECK(r.missing == 2);
  }
}

TEST_CASE("indicators: presence within a distance of the zone's seat", "[indicators]") {
  using L = FacilityLevel;
  // Seat of zone 0 at (1000, 1000). Hospitals at distance 5,000 m exactly (3000, 4000 from the seat: counted, the
  // limit is inclusive) and at sqrt(3001² + 4000²) = 5000.8 m (not counted). Zone 1 has no seat: not assessed.
  const std::vector<Facility> f{fac("general_hospital", L::kTertiary, {}, FacilityStatus::kActive, 4000, 5000),
                                fac("general_hospital", L::kTertiary, {}, FacilityStatus::kActive, 4001, 5000),
                                fac("general_hospital", L::kTertiary, {}, FacilityStatus::kActive, 0, 0)};
  const std::vector<std::uint32_t> zone{0, 0, 1};
  PlanIndicator ind = tertiary_presence();
  ind.within_m = 5000.0;
  ind.min_count = 2;
  const std::vector<std::optional<std::pair<double, double>>> seats{std::make_pair(1000.0, 1000.0), std::nullopt};
  const IndicatorResult r = evaluate_indicator(ind, f, zone, 2, seats);
  CHECK(r.zones[0].count == 1);
  CHECK(r.zones[0].facilities == std::vector<std::uint32_t>{0});
  CHECK(r.zones[0].met == 0);
  CHECK(r.zones[0].missing == 1);
  CHECK(r.zones[1].met == -1);
  CHECK(r.zones[1].count == 0);
  CHECK(r.zones_not_assessed == 1);
  CHECK(r.zones_not_met == 1);
}

TEST_CASE("indicators: the share of facilities of A that also have B, and how many are missing", "[indicators]") {
  using L = FacilityLevel;
  std::vector<Facility> f;
  std::vector<std::uint32_t> zone;
  // Zone 0: 10 township health centres, 6 with a 中医馆 → 60 %, target 100 %: 4 missing.
  for (int i = 0; i < 10; ++i) {
    f.push_back(fac("township_health_center", L::kPrimary, i < 6 ? std::vector<std::string>{"tcm", "tcm_hall"}
                                                                 : std::vector<std::string>{}));
    zone.push_back(0);
  }
  // Zone 1: 3 centres, 1 with → 33.3 %; a village clinic with a 中医阁 (not of A) does not count.
  for (int i = 0; i < 3; ++i) {
    f.push_back(fac("township_health_center", L::kPrimary, i == 0 ? std::vector<std::string>{"tcm_hall"}
                                                                  : std::vector<std::string>{}));
    zone.push_back(1);
  }
  f.push_back(fac("village_clinic", L::kUnrated, {"tcm_corner"}));
  zone.push_back(1);
  // Zone 2: none → not assessed.
  const PlanIndicator ind = tcm_hall_share();

  IndicatorResult r = evaluate_indicator(ind, f, zone, 3);
  CHECK(r.zones[0].of == 10);
  CHECK(r.zones[0].count == 6);
  CHECK(r.zones[0].share == Approx(0.6));
  CHECK(r.zones[0].met == 0);
  CHECK(r.zones[0].missing == 4);
  CHECK(r.zones[0].facilities == std::vector<std::uint32_t>{6, 7, 8, 9});
  CHECK(r.zones[1].of == 3);
  CHECK(r.zones[1].count == 1);
  CHECK(r.zones[1].missing == 2);
  CHECK(r.zones[2].met == -1);
  CHECK(std::isnan(r.zones[2].share));
  CHECK(r.zones[2].missing == 0);
  CHECK(r.of == 13);
  CHECK(r.count == 7);
  CHECK(r.share == Approx(7.0 / 13.0));
  CHECK(r.missing == 6);
  CHECK(r.zones_not_met == 2);
  CHECK(r.zones_not_assessed == 1);

  SECTION("per-zone targets: 60 % is met in zone 0; half of 3 needs 2 (⌈1.5⌉) in zone 1") {
    const std::vector<std::optional<double>> targets{0.6, 0.5, std::nullopt};
    r = evaluate_indicator(ind, f, zone, 3, {}, targets);
    CHECK(r.zones[0].met == 1);
    CHECK(r.zones[0].missing == 0);
    CHECK(r.zones[1].met == 0);
    CHECK(r.zones[1].missing == 1);
    CHECK(r.zones[1].target == 0.5);
  }
}

TEST_CASE("indicators: a share target times the count that binary rounding puts just above a whole number",
          "[indicators]") {
  // 0.28 × 25 is 7 exactly, but 7.000000000000001 in binary: 7 of 25 meet a 28 % target, nothing is missing.
  std::vector<Facility> f;
  std::vector<std::uint32_t> zone;
  for (int i = 0; i < 25; ++i) {
    f.push_back(fac("township_health_center", FacilityLevel::kPrimary,
                    i < 7 ? std::vector<std::string>{"tcm_hall"} : std::vector<std::string>{}));
    zone.push_back(0);
  }
  PlanIndicator ind = tcm_hall_share();
  ind.target_share = 0.28;
  const IndicatorResult r = evaluate_indicator(ind, f, zone, 1);
  CHECK(r.zones[0].met == 1);
  CHECK(r.zones[0].missing == 0);
}

TEST_CASE("indicators: sizes and targets that do not fit are refused", "[indicators]") {
  const std::vector<Facility> f{fac("general_hospital", FacilityLevel::kTertiary)};
  const std::vector<std::uint32_t> zone{0};
  PlanIndicator ind = tertiary_presence();
  CHECK_THROWS_AS(evaluate_indicator(ind, f, std::vector<std::uint32_t>{}, 1), std::invalid_argument);
  CHECK_THROWS_AS(evaluate_indicator(ind, f, zone, 1, {}, std::vector<std::optional<double>>{1.5}),
                  std::invalid_argument);
  CHECK_THROWS_AS(evaluate_indicator(ind, f, zone, 2, {}, std::vector<std::optional<double>>{1.0}),
                  std::invalid_argument);
  ind = tcm_hall_share();
  CHECK_THROWS_AS(evaluate_indicator(ind, f, zone, 1, {}, std::vector<std::optional<double>>{1.2}),
                  std::invalid_argument);
}
