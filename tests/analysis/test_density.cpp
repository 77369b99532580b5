// Resource density per zone (analysis/density.hpp): totals over the facilities that give a value, values per
// 1,000 (10,000) residents, the nurse:doctor ratio and below-target flags. Worked by hand in the comments.

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "analysis/density.hpp"
#include "core/facility.hpp"

using namespace carereach;
using carereach::analysis::DensityAttribute;
using carereach::analysis::DensityIndicator;
using carereach::analysis::LevelDensity;
using carereach::analysis::ZoneDensity;

namespace {

constexpr std::uint32_t X = std::numeric_limits<std::uint32_t>::max();
const std::optional<double> none;

Facility fac(std::uint32_t id, FacilityStatus status, std::optional<double> beds, std::optional<double> doctors,
             std::optional<double> nurses, std::optional<double> gps, std::optional<double> tcm_beds,
             std::optional<double> tcm_doctors) {
  Facility f;
  f.id = FacilityId{id};
  f.source_id = "F" + std::to_string(id);
  f.status = status;
  f.beds = beds;
  f.doctors = doctors;
  f.nurses = nurses;
  f.gps = gps;
  f.tcm_beds = tcm_beds;
  f.tcm_doctors = tcm_doctors;
  return f;
}

constexpr auto kActive = FacilityStatus::kActive;

}  // namespace

TEST_CASE("density: the shipped indicators and their national targets", "[density]") {
  // 《“十四五”国民健康规划》 2025: beds 7.4–7.5 (lower bound), doctors 3.2, nurses 3.8 per 1,000, GPs 3.93 per
  // 10,000, 医护比 1:1.2; 《“十四五”中医药发展规划》 2025: TCM doctors 0.62, public TCM hospital beds 0.85 per 1,000.
  const auto inds = analysis::default_density_indicators();
  REQUIRE(inds.size() == 7);
  struct Want {
    const char* id;
    double per;
    double target;
  };
  const Want want[] = {{"beds_per_1000", 1000, 7.4},        {"doctors_per_1000", 1000, 3.2},
                       {"nurses_per_1000", 1000, 3.8},      {"gps_per_10000", 10000, 3.93},
                       {"tcm_beds_per_1000", 1000, 0.85},   {"tcm_doctors_per_1000", 1000, 0.62},
                       {"nurse_doctor_ratio", 1000, 1.2}};
  const DensityAttribute attrs[] = {DensityAttribute::kBeds,    DensityAttribute::kDoctors, DensityAttribute::kNurses,
                                    DensityAttribute::kGps,     DensityAttribute::kTcmBeds,
                                    DensityAttribute::kTcmDoctors};
  for (std::size_t i = 0; i < inds.size(); ++i) {
    INFO(inds[i].id);
    CHECK(inds[i].id == want[i].id);
    REQUIRE(inds[i].target);
    CHECK(*inds[i].target == want[i].target);
    CHECK(!inds[i].target_source.empty());
    CHECK(!inds[i].name_zh.empty());
    CHECK(!inds[i].unit_zh.empty());
    CHECK(inds[i].nurse_doctor_ratio == (i == 6));
    if (i < 6) {
      CHECK(inds[i].per_persons == want[i].per);
      CHECK(inds[i].attribute == attrs[i]);
    }
  }
  CHECK(inds[4].target_source.find("公立中医医院") != std::string::npos);
}

TEST_CASE("density: two zones worked by hand", "[density]") {
  // Zone 0 (20,000 residents): f0 active 100 beds, 30 doctors, 40 nurses, 2 GPs, 10 TCM beds, 5 TCM doctors;
  //   f1 active 50 beds, 10 doctors, nurses missing, 1 GP, TCM beds missing, 3 TCM doctors; f2 closed (ignored).
  // Zone 1 (5,000): f3 active 35 beds, 8 doctors, 12 nurses, GPs missing, 5 TCM beds, 1 TCM doctor;
  //   f4 planned with 200 beds (ignored unless planned facilities count).
  // Zone 2 (nobody): f6 with no attribute at all. f5 lies outside every zone: in no zone and not in the total.
  // Zone 0: beds 150 (2 reporting), doctors 40 (2), nurses 40 (1), GPs 3 (2), TCM beds 10 (1), TCM doctors 8 (2)
  //   beds 150 × 1000 / 20000 = 7.5 (≥ 7.4: 0); doctors 2.0 (< 3.2: 1); nurses 2.0 (1); GPs 3 × 10000 / 20000 = 1.5
  //   (1); TCM beds 0.5 (< 0.85: 1); TCM doctors 0.4 (< 0.62: 1); ratio 40 / 40 = 1.0 (< 1.2: 1).
  // Zone 1: beds 35, doctors 8, nurses 12, GPs 0 (0 reporting; other zones give GPs, so 0 is a real 0), TCM beds 5,
  //   TCM doctors 1 → beds 7.0 (1); doctors 1.6 (1); nurses 2.4 (1); GPs 0 (1); TCM beds 1.0 (0); TCM doctors 0.2
  //   (1); ratio 12 / 8 = 1.5 (0).
  // Zone 2: totals 0, values NaN (no residents), flags −1, except the ratio: no doctors → NaN, −1.
  // Total: 25,000 residents; beds 185 (3), doctors 48 (3), nurses 52 (2), GPs 3 (2), TCM beds 15 (2), TCM doctors
  //   9 (3) → beds 185 × 1000 / 25000 = 7.4, exactly the target: not below (0); doctors 1.92; nurses 2.08; GPs 1.2;
  //   TCM beds 0.6; TCM doctors 0.36; ratio 52 / 48.
  const std::vector<Facility> facilities = {
      fac(0, kActive, 100, 30, 40, 2, 10, 5),
      fac(1, kActive, 50, 10, none, 1, none, 3),
      fac(2, FacilityStatus::kClosed, 1000, 100, 100, 10, 100, 10),
      fac(3, kActive, 35, 8, 12, none, 5, 1),
      fac(4, FacilityStatus::kPlanned, 200, none, none, none, none, none),
      fac(5, kActive, 500, 50, 50, 5, 5, 5),
      fac(6, kActive, none, none, none, none, none, none),
  };
  const std::vector<std::uint32_t> zone = {0, 0, 0, 1, 1, X, 2};
  const std::vector<double> population = {20000, 5000, 0};
  const auto inds = analysis::default_density_indicators();
  const LevelDensity d = analysis::zone_density(facilities, zone, population, inds);
  REQUIRE(d.zones.size() == 3);

  const ZoneDensity& z0 = d.zones[0];
  CHECK(z0.population == 20000);
  CHECK(z0.totals == std::vector<double>{150, 40, 40, 3, 10, 8});
  CHECK(z0.reporting == std::vector<std::uint32_t>{2, 2, 1, 2, 1, 2});
  CHECK(z0.value[0] == Approx(7.5));
  CHECK(z0.value[1] == Approx(2.0));
  CHECK(z0.value[2] == Approx(2.0));
  CHECK(z0.value[3] == Approx(1.5));
  CHECK(z0.value[4] == Approx(0.5));
  CHECK(z0.value[5] == Approx(0.4));
  CHECK(z0.value[6] == Approx(1.0));
  CHECK(z0.below_target == std::vector<std::int8_t>{0, 1, 1, 1, 1, 1, 1});

  const ZoneDensity& z1 = d.zones[1];
  CHECK(z1.totals == std::vector<double>{35, 8, 12, 0, 5, 1});
  CHECK(z1.reporting == std::vector<std::uint32_t>{1, 1, 1, 0, 1, 1});
  CHECK(z1.value[0] == Approx(7.0));
  CHECK(z1.value[1] == Approx(1.6));
  CHECK(z1.value[2] == Approx(2.4));
  CHECK(z1.value[3] == 0.0);
  CHECK(z1.value[4] == Approx(1.0));
  CHECK(z1.value[5] == Approx(0.2));
  CHECK(z1.value[6] == Approx(1.5));
  CHECK(z1.below_target == std::vector<std::int8_t>{1, 1, 1, 1, 0, 1, 0});

  const ZoneDensity& z2 = d.zones[2];
  CHECK(z2.totals == std::vector<double>{0, 0, 0, 0, 0, 0});
  CHECK(z2.reporting == std::vector<std::uint32_t>{0, 0, 0, 0, 0, 0});
  for (const double v : z2.value) CHECK(std::isnan(v));
  CHECK(z2.below_target == std::vector<std::int8_t>{-1, -1, -1, -1, -1, -1, -1});

  const ZoneDensity& t = d.total;
  CHECK(t.population == 25000);
  CHECK(t.totals == std::vector<double>{185, 48, 52, 3, 15, 9});
  CHECK(t.reporting == std::vector<std::uint32_t>{3, 3, 2, 2, 2, 3});
  CHECK(t.value[0] == 7.4);  // 185,000 / 25,000 rounds to the same double as the target 7.4
  CHECK(t.value[1] == Approx(1.92));
  CHECK(t.value[2] == Approx(2.08));
  CHECK(t.value[3] == Approx(1.2));
  CHECK(t.value[4] == Approx(0.6));
  CHECK(t.value[5] == Approx(0.36));
  CHECK(t.value[6] == Approx(52.0 / 48.0));
  CHECK(t.below_target == std::vector<std::int8_t>{0, 1, 1, 1, 1, 1, 1});

  // Planned facilities count when asked: zone 1 gets f4's 200 beds → 235 × 1000 / 5000 = 47; total 385 → 15.4.
  const LevelDensity planned = analysis::zone_density(facilities, zone, population, inds, true);
  CHECK(planned.zones[1].totals[0] == 235);
  CHECK(planned.zones[1].reporting[0] == 2);
  CHECK(planned.zones[1].value[0] == Approx(47.0));
  CHECK(planned.total.value[0] == Approx(15.4));
}

TEST_CASE("density: an attribute no facility gives is unknown, not zero; indicators without a target", "[density]") {
  // Nobody gives TCM beds or nurses: those indicators (and the ratio) are NaN with flag −1 everywhere, instead of
  // 0 and "below target". Beds: 60 beds for 10,000 residents = 6 per 1,000; an indicator without a target is −1.
  const std::vector<Facility> facilities = {fac(0, kActive, 60, 20, none, none, none, none)};
  const std::vector<std::uint32_t> zone = {0};
  const std::vector<double> population = {10000};
  std::vector<DensityIndicator> inds = analysis::default_density_indicators();
  DensityIndicator no_target;
  no_target.id = "beds_per_10000";
  no_target.attribute = DensityAttribute::kBeds;
  no_target.per_persons = 10000;
  inds.push_back(no_target);
  const LevelDensity d = analysis::zone_density(facilities, zone, population, inds);
  const ZoneDensity& z = d.zones[0];
  CHECK(z.value[0] == Approx(6.0));
  CHECK(z.below_target[0] == 1);
  CHECK(z.value[1] == Approx(2.0));
  CHECK(std::isnan(z.value[2]));  // nurses
  CHECK(std::isnan(z.value[3]));  // GPs
  CHECK(std::isnan(z.value[4]));  // TCM beds
  CHECK(std::isnan(z.value[6]));  // ratio: no nurses given
  CHECK(z.below_target[2] == -1);
  CHECK(z.below_target[4] == -1);
  CHECK(z.below_target[6] == -1);
  CHECK(z.value[7] == Approx(60.0));
  CHECK(z.below_target[7] == -1);
  CHECK(d.total.below_target[4] == -1);
}

TEST_CASE("density: inconsistent inputs are refused", "[density]") {
  const std::vector<Facility> facilities = {fac(0, kActive, 1, 1, 1, 1, 1, 1)};
  const auto inds = analysis::default_density_indicators();
  CHECK_THROWS_AS(analysis::zone_density(facilities, std::vector<std::uint32_t>{}, std::vector<double>{1}, inds),
                  std::invalid_argument);
  CHECK_THROWS_AS(analysis::zone_density(facilities, std::vector<std::uint32_t>{1}, std::vector<double>{1}, inds),
                  std::invalid_argument);
}

TEST_CASE("density: zone totals from a yearbook reproduce the published densities (Qujing-style)", "[density]") {
  // 曲靖 (2020 yearbook figures): 35,300 beds, 11,816 doctors, 20,594 nurses for about 6.15 million residents:
  // 35,300 ÷ 6,150 = 5.7398 → 5.74; 11,816 ÷ 6,150 = 1.9213 → 1.92; 20,594 ÷ 6,150 = 3.3486 → 3.35 per 1,000.
  // The grid holds 5,770,000 (2020 census): the yearbook's population is the one divided by, the grid's kept.
  // One facility with 100 beds and 40 doctors lies in the zone: the zone totals replace its figures.
  const std::vector<Facility> f{fac(0, kActive, 100.0, 40.0, none, none, none, none)};
  const std::vector<std::uint32_t> zone{0};
  const std::vector<double> grid_pop{5770000.0};
  const auto inds = analysis::default_density_indicators();
  analysis::DensityZoneInputs in;
  in.totals = {{35300.0, 11816.0, 20594.0, none, none, none}};
  in.population = {6150000.0};
  const LevelDensity d = analysis::zone_density(f, zone, grid_pop, inds, false, &in);
  const ZoneDensity& z = d.zones[0];
  CHECK(d.zone_inputs);
  CHECK(z.population == 6150000.0);
  CHECK(z.population_given);
  CHECK(z.grid_population == 5770000.0);
  CHECK(z.value[0] == Approx(5.7398).epsilon(1e-4));
  CHECK(z.value[1] == Approx(1.9213).epsilon(1e-4));
  CHECK(z.value[2] == Approx(3.3486).epsilon(1e-4));
  CHECK(std::round(z.value[0] * 100) / 100 == Approx(5.74));
  CHECK(std::round(z.value[1] * 100) / 100 == Approx(1.92));
  CHECK(std::round(z.value[2] * 100) / 100 == Approx(3.35));
  // Beds and doctors come from the zone totals (flagged), the facility's own sums are kept beside them.
  CHECK(z.from_zone_total == std::vector<std::uint8_t>{1, 1, 1, 0, 0, 0});
  CHECK(z.facility_totals[0] == 100.0);
  CHECK(z.facility_totals[1] == 40.0);
  // 医护比 20,594 ÷ 11,816 = 1.7429.
  CHECK(z.value[6] == Approx(1.7429).epsilon(1e-4));
  // No zone total and no facility gives GPs: unknown, not zero.
  CHECK(std::isnan(z.value[3]));
}

TEST_CASE("density: zone totals where given, facility sums elsewhere; a zone's own target", "[density]") {
  // Zone 0: a yearbook total of 500 beds over a given 100,000 residents → 5.0 per 1,000 (its facility's 200 beds are
  // not added). Zone 1: no total: its facility's 300 beds over the grid's 50,000 → 6.0. Zone 1 has its own target of
  // 5.5 beds: met; zone 0 is held to the national 7.4: below. Total: 800 beds over 150,000 → 5.33.
  const std::vector<Facility> f{fac(0, kActive, 200.0, none, none, none, none, none),
                                fac(1, kActive, 300.0, none, none, none, none, none)};
  const std::vector<std::uint32_t> zone{0, 1};
  const std::vector<double> grid_pop{80000.0, 50000.0};
  const auto inds = analysis::default_density_indicators();
  analysis::DensityZoneInputs in;
  in.totals = {{500.0, none, none, none, none, none}, {none, none, none, none, none, none}};
  in.population = {100000.0, none};
  in.targets.assign(2, std::vector<std::optional<double>>(inds.size()));
  in.targets[1][0] = 5.5;
  const LevelDensity d = analysis::zone_density(f, zone, grid_pop, inds, false, &in);
  CHECK(d.zones[0].value[0] == Approx(5.0));
  CHECK(d.zones[1].value[0] == Approx(6.0));
  CHECK(d.zones[0].below_target[0] == 1);
  CHECK(d.zones[1].below_target[0] == 0);
  CHECK(d.zones[1].target(0, inds[0]) == 5.5);
  CHECK(d.zones[0].target(0, inds[0]) == 7.4);
  CHECK(d.total.population == 150000.0);
  CHECK(d.total.value[0] == Approx(800.0 / 150.0));
  CHECK(d.total.from_zone_total[0] == 1);
}

TEST_CASE("density: a zone without a zone total, in a level whose facilities give no beds, has no value", "[density]") {
  // Zone 0 has a yearbook total of 500 beds; zone 1 has none and its only facility gives no beds: its beds are
  // unknown (NaN, no flag), not 0 below target. The facility of zone 0 gives 200 beds but zone 0 uses its total,
  // so that facility vouches for no other zone.
  const std::vector<Facility> f{fac(0, kActive, 200.0, none, none, none, none, none),
                                fac(1, kActive, none, none, none, none, none, none)};
  const std::vector<std::uint32_t> zone{0, 1};
  const std::vector<double> grid_pop{100000.0, 50000.0};
  const auto inds = analysis::default_density_indicators();
  analysis::DensityZoneInputs in;
  in.totals = {{500.0, none, none, none, none, none}, {none, none, none, none, none, none}};
  const LevelDensity d = analysis::zone_density(f, zone, grid_pop, inds, false, &in);
  CHECK(d.zones[0].value[0] == Approx(5.0));
  CHECK(std::isnan(d.zones[1].value[0]));
  CHECK(d.zones[1].below_target[0] == -1);
}
