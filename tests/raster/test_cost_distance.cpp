// Grid cost-distance: analytic distances on uniform friction, hand-computed detours and Tobler ramps, properties
// (multi-source = minimum of single-source, order independence, parallel = serial) and agreement with an
// independent reference search on random surfaces.

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <vector>

#include <tbb/global_control.h>
#include <catch2/catch.hpp>

#include "raster/cost_distance.hpp"
#include "raster/raster_test_support.hpp"

using namespace carereach;
using namespace carereach::raster;
using carereach::raster::test::make_grid;
using carereach::raster::test::random_surface;
using carereach::raster::test::reference_search;
using carereach::raster::test::ReferenceOptions;
using carereach::raster::test::uniform_surface;

namespace {

const double kSqrt2 = std::sqrt(2.0);
const double kSqrt5 = std::sqrt(5.0);

double minutes_at(const TravelTimeField& f, std::uint32_t col, std::uint32_t row) {
  return f.minutes[f.grid.index(col, row)];
}

/// Least cost of a displacement (dx, dy) in cell units over an unbounded uniform grid whose steps cost their
/// Euclidean length: 8 neighbours → the octile distance; 16 neighbours → the cheapest mix of straight (1,0),
/// diagonal (1,1) and knight's (2,1) steps, found by trying every number of knight's steps.
double octile(int dx, int dy) {
  const int a = std::abs(dx);
  const int b = std::abs(dy);
  return (kSqrt2 - 1.0) * std::min(a, b) + std::max(a, b);
}
double chamfer16(int dx, int dy) {
  const int big = std::max(std::abs(dx), std::abs(dy));
  const int small = std::min(std::abs(dx), std::abs(dy));
  double best = std::numeric_limits<double>::infinity();
  for (int knights = 0; knights <= small && 2 * knights <= big; ++knights) {
    const int diagonals = small - knights;                // (1,1) steps
    const int straights = big - diagonals - 2 * knights;  // (1,0) steps
    if (straights < 0) continue;
    best = std::min(best, straights + diagonals * kSqrt2 + knights * kSqrt5);
  }
  return best;
}

}  // namespace

TEST_CASE("the 16-neighbour chamfer helper gives the hand-computed values", "[raster][cost]") {
  CHECK(chamfer16(1, 0) == Approx(1.0));
  CHECK(chamfer16(1, 1) == Approx(kSqrt2));
  CHECK(chamfer16(2, 1) == Approx(kSqrt5));
  CHECK(chamfer16(3, 1) == Approx(1.0 + kSqrt5));           // not 2 + √2 = 3.414
  CHECK(chamfer16(4, 2) == Approx(2.0 * kSqrt5));           // not 1 + √2 + √5 = 4.650
  CHECK(chamfer16(5, 4) == Approx(3.0 * kSqrt2 + kSqrt5));  // not 4√2 + 1 = 6.657
}

TEST_CASE("uniform friction gives the octile distance with 8 neighbours", "[raster][cost]") {
  const float f = 0.72F;  // 5 km/h
  const FrictionSurface s = uniform_surface(41, 31, 100.0, f);
  const std::vector<CostSource> src = {{s.grid.index(20, 15), 0.0, 7}};
  CostDistanceOptions opt;
  opt.neighbourhood = Neighbourhood::k8;
  const CostDistanceResult r = cost_distance(s, src, opt);
  CHECK(r.warnings.empty());
  CHECK(r.stats.cells_reached == s.grid.cell_count());
  CHECK(r.stats.re_expansions == 0);
  for (std::uint32_t row = 0; row < 31; ++row) {
    for (std::uint32_t col = 0; col < 41; ++col) {
      const double expected_min = double{f} * 100.0 * octile(int(col) - 20, int(row) - 15) / 60.0;
      INFO("col " << col << " row " << row);
      REQUIRE(minutes_at(r.field, col, row) == Approx(expected_min).epsilon(1e-6));
      REQUIRE(r.field.nearest[s.grid.index(col, row)] == 7U);
    }
  }
  // 10 cells east and 10 north-east at 5 km/h over 100 m cells: 12 and 16.97 minutes.
  CHECK(minutes_at(r.field, 30, 15) == Approx(12.0).epsilon(1e-6));
  CHECK(minutes_at(r.field, 30, 5) == Approx(12.0 * kSqrt2).epsilon(1e-6));
}

TEST_CASE("uniform friction gives the 16-neighbour chamfer distance with knight's moves", "[raster][cost]") {
  const float f = 0.36F;  // 10 km/h
  const FrictionSurface s = uniform_surface(33, 27, 50.0, f);
  const std::vector<CostSource> src = {{s.grid.index(16, 13), 0.0, 1}};
  const CostDistanceResult r = cost_distance(s, src);  // 16 neighbours by default
  for (std::uint32_t row = 0; row < 27; ++row) {
    for (std::uint32_t col = 0; col < 33; ++col) {
      const double expected_min = double{f} * 50.0 * chamfer16(int(col) - 16, int(row) - 13) / 60.0;
      INFO("col " << col << " row " << row);
      REQUIRE(minutes_at(r.field, col, row) == Approx(expected_min).epsilon(1e-6));
    }
  }
  // A knight's move: √5 · 50 m at 10 km/h = 40.25 s.
  CHECK(minutes_at(r.field, 18, 14) * 60.0 == Approx(std::sqrt(5.0) * 50.0 * 0.36).epsilon(1e-6));
}

TEST_CASE("r.cost's rule: the step costs the mean friction of the two cells times its length", "[raster][cost]") {
  // Worked example of docs/method/raster-travel-time.md: three cells in a row, 100 m, walking (0.72 s/m) – a road at
  // 100 km/h (0.036 s/m) – walking. From the left cell: 100·(0.72+0.036)/2 = 37.8 s to the road cell, and 37.8 s
  // more to the right cell: 75.6 s.
  FrictionSurface s = uniform_surface(3, 1, 100.0, 0.72F);
  s.seconds_per_metre[1] = 0.036F;
  const std::vector<CostSource> src = {{0, 0.0, 0}};
  const CostDistanceResult r = cost_distance(s, src);
  CHECK(r.field.minutes[0] == 0.0F);
  CHECK(r.field.minutes[1] * 60.0 == Approx(37.8).epsilon(1e-6));
  CHECK(r.field.minutes[2] * 60.0 == Approx(75.6).epsilon(1e-6));
}

TEST_CASE("a knight's move averages the four cells it touches", "[raster][cost]") {
  // 2 columns × 3 rows of 10 m; friction 1 s/m except the two cells the move (0,0) → (1,2) passes between
  // (col 0 row 1 and col 1 row 1), which are 3 s/m. Knight: √5·10·(1+1+3+3)/4 = 44.72 s. The way round
  // (0,0) → (0,1) → (1,2): 10·(1+3)/2 + 10√2·(3+1)/2 = 20 + 28.28 = 48.28 s; (0,0) → (1,1) → (1,2): the same.
  FrictionSurface s = uniform_surface(2, 3, 10.0, 1.0F);
  s.seconds_per_metre[s.grid.index(0, 1)] = 3.0F;
  s.seconds_per_metre[s.grid.index(1, 1)] = 3.0F;
  const std::vector<CostSource> src = {{s.grid.index(0, 0), 0.0, 0}};
  const CostDistanceResult r16 = cost_distance(s, src);
  CHECK(minutes_at(r16.field, 1, 2) * 60.0 == Approx(kSqrt5 * 10.0 * 2.0).epsilon(1e-6));
  CostDistanceOptions opt8;
  opt8.neighbourhood = Neighbourhood::k8;
  const CostDistanceResult r8 = cost_distance(s, src, opt8);
  CHECK(minutes_at(r8.field, 1, 2) * 60.0 == Approx(20.0 + 20.0 * kSqrt2).epsilon(1e-6));
}

TEST_CASE("barriers block and the search takes the detour", "[raster][cost]") {
  // 5 × 5 cells of 1 m at 1 s/m. A wall fills column 2 from row 0 to row 3; the gap is row 4.
  //   . . # . .
  //   . . # . .
  //   S . # . T      S = (col 0, row 2), T = (col 4, row 2)
  //   . . # . .
  //   . . . . .
  // Without the wall: 4 s. With it, the cheapest way is S → (1,3) → (2,4) → (3,3) → T, four diagonals: 4√2 s,
  // with 8 and with 16 neighbours (a knight's move across the wall would pass between wall cells).
  for (const Neighbourhood n : {Neighbourhood::k8, Neighbourhood::k16}) {
    FrictionSurface s = uniform_surface(5, 5, 1.0, 1.0F);
    const std::vector<CostSource> src = {{s.grid.index(0, 2), 0.0, 0}};
    CostDistanceOptions opt;
    opt.neighbourhood = n;
    CHECK(minutes_at(cost_distance(s, src, opt).field, 4, 2) * 60.0 == Approx(4.0));
    for (std::uint32_t row = 0; row <= 3; ++row)
      s.seconds_per_metre[s.grid.index(2, row)] = FrictionSurface::kImpassable;
    const CostDistanceResult r = cost_distance(s, src, opt);
    CHECK(minutes_at(r.field, 4, 2) * 60.0 == Approx(4.0 * kSqrt2));
    CHECK(minutes_at(r.field, 2, 4) * 60.0 == Approx(2.0 * kSqrt2));
    CHECK_FALSE(r.field.reached(s.grid.index(2, 0)));  // a barrier cell is never entered
    CHECK(r.field.nearest[s.grid.index(2, 0)] == TravelTimeField::kNoFacility);
  }
}

TEST_CASE("a knight's move is not taken past an impassable cell; a diagonal move is (as in r.cost)", "[raster][cost]") {
  // 3 × 3 cells of 1 m at 1 s/m; source at (0,0).
  FrictionSurface s = uniform_surface(3, 3, 1.0, 1.0F);
  const std::vector<CostSource> src = {{s.grid.index(0, 0), 0.0, 0}};
  CHECK(minutes_at(cost_distance(s, src).field, 1, 2) * 60.0 == Approx(kSqrt5));
  // (col 0, row 1) blocks the knight's move to (1,2): √2 + 1 instead.
  s.seconds_per_metre[s.grid.index(0, 1)] = FrictionSurface::kImpassable;
  CHECK(minutes_at(cost_distance(s, src).field, 1, 2) * 60.0 == Approx(kSqrt2 + 1.0));
  // Two impassable cells on the other diagonal do not block the diagonal move between them.
  FrictionSurface d = uniform_surface(3, 3, 1.0, 1.0F);
  d.seconds_per_metre[d.grid.index(1, 0)] = FrictionSurface::kImpassable;
  d.seconds_per_metre[d.grid.index(0, 1)] = FrictionSurface::kImpassable;
  CHECK(minutes_at(cost_distance(d, src).field, 1, 1) * 60.0 == Approx(kSqrt2));
}

TEST_CASE("cells beyond the limit are unreached, the others unchanged", "[raster][cost]") {
  const FrictionSurface s = random_surface(60, 40, 100.0, 11, 0.1);
  const std::vector<CostSource> src = {{s.grid.index(10, 10), 0.0, 1}, {s.grid.index(45, 30), 30.0, 2}};
  const CostDistanceResult full = cost_distance(s, src);
  CostDistanceOptions opt;
  opt.limit_s = 120.0;
  const CostDistanceResult lim = cost_distance(s, src, opt);
  std::size_t inside = 0;
  std::size_t outside = 0;
  for (std::size_t i = 0; i < s.grid.cell_count(); ++i) {
    if (full.field.reached(i) && double{full.field.minutes[i]} * 60.0 <= 120.0 * (1.0 - 1e-6)) {
      ++inside;
      REQUIRE(lim.field.minutes[i] == full.field.minutes[i]);
      REQUIRE(lim.field.nearest[i] == full.field.nearest[i]);
    } else if (!full.field.reached(i) || double{full.field.minutes[i]} * 60.0 > 120.0 * (1.0 + 1e-6)) {
      ++outside;
      REQUIRE_FALSE(lim.field.reached(i));
      REQUIRE(lim.field.nearest[i] == TravelTimeField::kNoFacility);
    }
  }
  CHECK(inside > 100);
  CHECK(outside > 100);
  CHECK(lim.stats.cells_reached < full.stats.cells_reached);
}

TEST_CASE("multi-source result is the minimum of the single-source results", "[raster][cost]") {
  const FrictionSurface s = random_surface(70, 50, 100.0, 3, 0.15);
  std::mt19937 rng(5);
  std::vector<CostSource> src;
  for (std::uint32_t k = 0; k < 6; ++k) {
    src.push_back({std::uniform_int_distribution<std::size_t>(0, s.grid.cell_count() - 1)(rng),
                   std::uniform_real_distribution<double>(0.0, 120.0)(rng), 100 + k});
  }
  const CostDistanceResult multi = cost_distance(s, src);
  std::vector<CostDistanceResult> single;
  for (const CostSource& one : src) single.push_back(cost_distance(s, std::vector<CostSource>{one}));
  std::size_t reached = 0;
  for (std::size_t i = 0; i < s.grid.cell_count(); ++i) {
    float best = TravelTimeField::kUnreached;
    std::uint32_t best_fac = TravelTimeField::kNoFacility;
    for (std::size_t k = 0; k < src.size(); ++k) {
      const float m = single[k].field.minutes[i];
      if (m < best || (m == best && m != TravelTimeField::kUnreached && src[k].facility < best_fac)) {
        best = m;
        best_fac = src[k].facility;
      }
    }
    REQUIRE(multi.field.minutes[i] == best);
    if (best != TravelTimeField::kUnreached) {
      ++reached;
      REQUIRE(multi.field.nearest[i] == best_fac);
    }
  }
  CHECK(reached > s.grid.cell_count() / 2);
}

TEST_CASE("agrees with an independent Dijkstra on random friction surfaces", "[raster][cost]") {
  for (const unsigned seed : {1U, 2U, 3U, 4U}) {
    for (const int n : {8, 16}) {
      const FrictionSurface s = random_surface(45, 38, 100.0, seed, seed == 4 ? 0.35 : 0.12);
      std::mt19937 rng(seed * 101);
      std::vector<CostSource> src;
      for (std::uint32_t k = 0; k < 5; ++k) {
        src.push_back({std::uniform_int_distribution<std::size_t>(0, s.grid.cell_count() - 1)(rng), 0.0, k});
      }
      CostDistanceOptions opt;
      opt.neighbourhood = n == 8 ? Neighbourhood::k8 : Neighbourhood::k16;
      const CostDistanceResult r = cost_distance(s, src, opt);
      ReferenceOptions ro;
      ro.neighbours = n;
      const auto ref = reference_search(s, src, ro);
      INFO("seed " << seed << ", " << n << " neighbours");
      for (std::size_t i = 0; i < s.grid.cell_count(); ++i) {
        if (std::isinf(ref.seconds[i])) {
          REQUIRE_FALSE(r.field.reached(i));
        } else {
          REQUIRE(r.field.minutes[i] == Approx(ref.seconds[i] / 60.0).epsilon(1e-6));
          REQUIRE(r.field.nearest[i] == ref.facility[i]);
        }
      }
    }
  }
}

TEST_CASE("the result does not depend on the order of the sources", "[raster][cost]") {
  // Uniform friction makes many exact ties between facilities: the smaller facility number wins wherever they tie.
  const FrictionSurface s = uniform_surface(40, 40, 100.0, 0.72F);
  std::vector<CostSource> src = {{s.grid.index(5, 5), 0.0, 9},   {s.grid.index(25, 5), 0.0, 3},
                                 {s.grid.index(5, 25), 0.0, 4},  {s.grid.index(25, 25), 0.0, 8},
                                 {s.grid.index(15, 15), 0.0, 6}, {s.grid.index(15, 15), 0.0, 2}};
  const CostDistanceResult a = cost_distance(s, src);
  std::reverse(src.begin(), src.end());
  const CostDistanceResult b = cost_distance(s, src);
  CHECK(a.field.minutes == b.field.minutes);
  CHECK(a.field.nearest == b.field.nearest);
  CHECK(a.field.nearest[s.grid.index(15, 15)] == 2U);  // two facilities in one cell: the smaller number
  CHECK(a.field.nearest[s.grid.index(15, 2)] == 3U);   // halfway between 9 and 3, farther from 6 and 2
}

TEST_CASE("parallel and serial runs give the same bytes", "[raster][cost]") {
  const FrictionSurface s = random_surface(300, 200, 100.0, 9, 0.05);
  const std::vector<CostSource> src = {{s.grid.index(10, 10), 0.0, 1}, {s.grid.index(250, 150), 0.0, 2}};
  const CostDistanceResult parallel = cost_distance(s, src);
  CostDistanceResult serial;
  {
    const tbb::global_control one(tbb::global_control::max_allowed_parallelism, 1);
    serial = cost_distance(s, src);
  }
  CHECK(parallel.field.minutes == serial.field.minutes);
  CHECK(parallel.field.nearest == serial.field.nearest);
}

TEST_CASE("initial times and sources the search cannot use", "[raster][cost]") {
  FrictionSurface s = uniform_surface(4, 1, 100.0, 0.72F);
  s.seconds_per_metre[3] = FrictionSurface::kImpassable;
  // Facility 1 starts 60 s late at cell 0; facility 2 sits on the impassable cell 3; facility 3 is outside.
  const std::vector<CostSource> src = {{0, 60.0, 1}, {3, 0.0, 2}, {99, 0.0, 3}};
  const CostDistanceResult r = cost_distance(s, src);
  CHECK(r.field.minutes[0] == Approx(1.0));
  CHECK(r.field.minutes[2] == Approx((60.0 + 144.0) / 60.0));
  CHECK(r.field.minutes[3] == 0.0F);  // its own cell, as r.cost gives it
  CHECK(r.field.nearest[3] == 2U);
  CHECK(r.field.nearest[2] == 1U);
  REQUIRE(r.warnings.size() == 2);
  CHECK(r.warnings[0].code == "raster.source_outside_grid");
  CHECK(r.warnings[1].code == "raster.source_impassable");
  CHECK(r.stats.sources_used == 2);
}

TEST_CASE("no sources, or a negative limit, reach nothing", "[raster][cost]") {
  const FrictionSurface s = uniform_surface(5, 5, 100.0, 0.72F);
  const CostDistanceResult none = cost_distance(s, std::vector<CostSource>{});
  CHECK(none.stats.cells_reached == 0);
  CostDistanceOptions opt;
  opt.limit_s = -1.0;
  const CostDistanceResult neg = cost_distance(s, std::vector<CostSource>{{0, 0.0, 1}}, opt);
  CHECK(neg.stats.cells_reached == 0);
  CHECK(std::all_of(neg.field.minutes.begin(), neg.field.minutes.end(),
                    [](float m) { return m == TravelTimeField::kUnreached; }));
}

TEST_CASE("friction with a very wide range stays exact (label correction)", "[raster][cost]") {
  // 1 mm/s to 300 km/h: more than 65,536 buckets would be needed for one-pass buckets.
  FrictionSurface s = random_surface(40, 40, 100.0, 21, 0.05);
  std::mt19937 rng(2);
  for (float& f : s.seconds_per_metre) {
    if (f != FrictionSurface::kImpassable && std::uniform_real_distribution<double>(0, 1)(rng) < 0.2) f = 1000.0F;
    if (f != FrictionSurface::kImpassable && std::uniform_real_distribution<double>(0, 1)(rng) < 0.2) f = 0.012F;
  }
  const std::vector<CostSource> src = {{s.grid.index(3, 4), 0.0, 0}, {s.grid.index(30, 33), 0.0, 1}};
  const CostDistanceResult r = cost_distance(s, src);
  const auto ref = reference_search(s, src, ReferenceOptions{});
  for (std::size_t i = 0; i < s.grid.cell_count(); ++i) {
    if (std::isinf(ref.seconds[i])) {
      REQUIRE_FALSE(r.field.reached(i));
    } else {
      REQUIRE(r.field.minutes[i] == Approx(ref.seconds[i] / 60.0).epsilon(1e-6));
      REQUIRE(r.field.nearest[i] == ref.facility[i]);
    }
  }
}

TEST_CASE("mismatched arrays are refused", "[raster][cost]") {
  FrictionSurface s = uniform_surface(5, 5, 100.0, 0.72F);
  s.seconds_per_metre.pop_back();
  CHECK_THROWS_AS(cost_distance(s, std::vector<CostSource>{}), std::invalid_argument);
  const FrictionSurface ok = uniform_surface(5, 5, 100.0, 0.72F);
  CostDistanceOptions opt;
  const std::vector<float> dem(3, 0.0F);
  opt.elevation_m = dem;
  CHECK_THROWS_AS(cost_distance(ok, std::vector<CostSource>{}, opt), std::invalid_argument);
}

// ------------------------------------------------------------------------------------------------ Tobler

TEST_CASE("Tobler's hiking function", "[raster][tobler]") {
  CHECK(tobler_flat_speed_kmh() == Approx(6.0 * std::exp(-0.175)));
  CHECK(tobler_flat_speed_kmh() == Approx(5.03674).epsilon(1e-5));
  CHECK(tobler_speed_kmh(-0.05) == Approx(6.0));
  CHECK(tobler_speed_kmh(0.2) == Approx(6.0 * std::exp(-0.875)));   // 2.50 km/h up a 20 % slope
  CHECK(tobler_speed_kmh(-0.2) == Approx(6.0 * std::exp(-0.525)));  // 3.55 km/h down it
  CHECK(tobler_time_factor(0.0) == 1.0);
}

TEST_CASE("Tobler on flat ground walks at 6·exp(−0.175) km/h", "[raster][tobler]") {
  // Walking cells at Tobler's flat speed on a flat DEM: the time is distance / 5.0367 km/h, as on the isotropic
  // surface.
  const double flat_kmh = 6.0 * std::exp(-0.175);
  const FrictionSurface s = uniform_surface(21, 21, 100.0, static_cast<float>(3.6 / flat_kmh));
  const std::vector<float> dem(s.grid.cell_count(), 250.0F);
  const std::vector<CostSource> src = {{s.grid.index(10, 10), 0.0, 0}};
  CostDistanceOptions opt;
  opt.elevation_m = dem;
  const CostDistanceResult r = cost_distance(s, src, opt);
  // 10 cells east: 1 km at 5.0367 km/h = 11.9125 min.
  CHECK(minutes_at(r.field, 20, 10) == Approx(1.0 / flat_kmh * 60.0).epsilon(1e-6));
  CHECK(minutes_at(r.field, 20, 10) == Approx(11.9125).epsilon(1e-5));
  const CostDistanceResult iso = cost_distance(s, src);
  for (std::size_t i = 0; i < s.grid.cell_count(); ++i) REQUIRE(r.field.minutes[i] == Approx(iso.field.minutes[i]));
}

TEST_CASE("Tobler on a ramp: uphill is slower than downhill, in the traveller's direction", "[raster][tobler]") {
  // One row of 6 cells of 100 m rising 20 m per cell (slope 0.2) to the east. Walking cells at Tobler's flat speed,
  // so each step takes 100 m / tobler(slope):
  //   downhill (slope −0.2): 6·exp(−3.5·0.15) = 3.549 km/h → 101.43 s per cell
  //   uphill   (slope +0.2): 6·exp(−3.5·0.25) = 2.501 km/h → 143.93 s per cell
  const double flat_kmh = 6.0 * std::exp(-0.175);
  const double down_s = 100.0 / (6.0 * std::exp(-3.5 * 0.15) / 3.6);
  const double up_s = 100.0 / (6.0 * std::exp(-3.5 * 0.25) / 3.6);
  CHECK(down_s == Approx(101.43).epsilon(1e-4));
  CHECK(up_s == Approx(143.93).epsilon(1e-4));
  const FrictionSurface s = uniform_surface(6, 1, 100.0, static_cast<float>(3.6 / flat_kmh));
  std::vector<float> dem(6);
  for (std::size_t c = 0; c < 6; ++c) dem[c] = 100.0F + 20.0F * static_cast<float>(c);
  CostDistanceOptions opt;
  opt.elevation_m = dem;

  // Facility at the bottom (col 0): patients walk down to it.
  const std::vector<CostSource> bottom = {{0, 0.0, 0}};
  const CostDistanceResult to_bottom = cost_distance(s, bottom, opt);
  CHECK(to_bottom.field.minutes[5] * 60.0 == Approx(5.0 * down_s).epsilon(1e-6));
  // Facility at the top (col 5): patients walk up to it.
  const std::vector<CostSource> top = {{5, 0.0, 0}};
  const CostDistanceResult to_top = cost_distance(s, top, opt);
  CHECK(to_top.field.minutes[0] * 60.0 == Approx(5.0 * up_s).epsilon(1e-6));
  // From the facility outwards, the bottom facility's team walks uphill.
  opt.direction = TravelDirection::kFromSources;
  const CostDistanceResult from_bottom = cost_distance(s, bottom, opt);
  CHECK(from_bottom.field.minutes[5] * 60.0 == Approx(5.0 * up_s).epsilon(1e-6));
  CHECK(from_bottom.field.minutes[3] * 60.0 == Approx(3.0 * up_s).epsilon(1e-6));
}

TEST_CASE("Tobler changes walking cells only; no-data elevation is not crossed", "[raster][tobler]") {
  // Same ramp; cells 2 and 3 are a motorised road at 36 km/h (0.1 s/m), which ignores the slope. Facility at
  // col 0, patient at col 5 walking down: steps 0–1 and 4–5 are walking (101.43 s), step 1–2 is half walking
  // (50.71 s) and half road (5 s), step 2–3 road (10 s), step 3–4 half road, half walking.
  const double flat_kmh = 6.0 * std::exp(-0.175);
  const double down_s = 100.0 / (6.0 * std::exp(-3.5 * 0.15) / 3.6);
  FrictionSurface s = uniform_surface(6, 1, 100.0, static_cast<float>(3.6 / flat_kmh));
  s.mode.assign(6, SpeedMode::kWalking);
  s.seconds_per_metre[2] = s.seconds_per_metre[3] = 0.1F;
  s.mode[2] = s.mode[3] = SpeedMode::kMotorized;
  std::vector<float> dem(6);
  for (std::size_t c = 0; c < 6; ++c) dem[c] = 100.0F + 20.0F * static_cast<float>(c);
  CostDistanceOptions opt;
  opt.elevation_m = dem;
  const std::vector<CostSource> bottom = {{0, 0.0, 0}};
  const double expected = down_s + (down_s / 2 + 5.0) + 10.0 + (5.0 + down_s / 2) + down_s;
  CHECK(cost_distance(s, bottom, opt).field.minutes[5] * 60.0 == Approx(expected).epsilon(1e-6));

  std::vector<float> holed = dem;
  holed[3] = std::numeric_limits<float>::quiet_NaN();
  opt.elevation_m = holed;
  const CostDistanceResult r = cost_distance(s, bottom, opt);
  CHECK(r.field.reached(2));
  CHECK_FALSE(r.field.reached(3));
  CHECK_FALSE(r.field.reached(5));
}

TEST_CASE("Tobler agrees with an independent Dijkstra on random DEMs, both directions", "[raster][tobler]") {
  for (const unsigned seed : {7U, 8U}) {
    FrictionSurface s = random_surface(40, 35, 100.0, seed, 0.1);
    std::mt19937 rng(seed);
    s.mode.resize(s.grid.cell_count());
    for (SpeedMode& m : s.mode) {
      m = std::uniform_real_distribution<double>(0, 1)(rng) < 0.7 ? SpeedMode::kWalking : SpeedMode::kMotorized;
    }
    // A rough DEM: a tilted plane plus noise (slopes up to about ±0.5).
    std::vector<float> dem(s.grid.cell_count());
    for (std::uint32_t r = 0; r < s.grid.rows; ++r) {
      for (std::uint32_t c = 0; c < s.grid.cols; ++c) {
        dem[s.grid.index(c, r)] =
            static_cast<float>(300.0 + 8.0 * c - 5.0 * r + std::uniform_real_distribution<double>(-20, 20)(rng));
      }
    }
    dem[17] = std::numeric_limits<float>::quiet_NaN();
    std::vector<CostSource> src;
    for (std::uint32_t k = 0; k < 4; ++k) {
      src.push_back({std::uniform_int_distribution<std::size_t>(0, s.grid.cell_count() - 1)(rng), 0.0, k});
    }
    for (const bool towards : {true, false}) {
      for (const int n : {8, 16}) {
        CostDistanceOptions opt;
        opt.elevation_m = dem;
        opt.neighbourhood = n == 8 ? Neighbourhood::k8 : Neighbourhood::k16;
        opt.direction = towards ? TravelDirection::kTowardsSources : TravelDirection::kFromSources;
        const CostDistanceResult r = cost_distance(s, src, opt);
        ReferenceOptions ro;
        ro.neighbours = n;
        ro.elevation = &dem;
        ro.towards_sources = towards;
        const auto ref = reference_search(s, src, ro);
        INFO("seed " << seed << (towards ? " towards" : " from") << ", " << n << " neighbours");
        for (std::size_t i = 0; i < s.grid.cell_count(); ++i) {
          if (std::isinf(ref.seconds[i])) {
            REQUIRE_FALSE(r.field.reached(i));
          } else {
            REQUIRE(r.field.minutes[i] == Approx(ref.seconds[i] / 60.0).epsilon(1e-6));
            REQUIRE(r.field.nearest[i] == ref.facility[i]);
          }
        }
      }
    }
  }
}

TEST_CASE("tall grids are searched in bands of rows: still exact across the bands", "[raster][cost]") {
  // 200 rows are searched as several bands that hand improvements over to each other; the result must still be the
  // reference's, isotropic and anisotropic, with sources right at the band edges.
  FrictionSurface s = random_surface(50, 200, 100.0, 31, 0.08);
  std::mt19937 rng(31);
  s.mode.resize(s.grid.cell_count());
  for (SpeedMode& m : s.mode) {
    m = std::uniform_real_distribution<double>(0, 1)(rng) < 0.8 ? SpeedMode::kWalking : SpeedMode::kMotorized;
  }
  std::vector<float> dem(s.grid.cell_count());
  for (std::size_t i = 0; i < dem.size(); ++i) {
    dem[i] = static_cast<float>(100.0 + 3.0 * double(i / 50) + std::uniform_real_distribution<double>(-15, 15)(rng));
  }
  std::vector<CostSource> src;
  for (const std::uint32_t row : {0U, 1U, 64U, 65U, 66U, 67U, 130U, 131U, 199U}) {
    src.push_back({s.grid.index(row % 50, row), 0.0, row});
  }
  for (const bool anisotropic : {false, true}) {
    for (const int n : {8, 16}) {
      CostDistanceOptions opt;
      opt.neighbourhood = n == 8 ? Neighbourhood::k8 : Neighbourhood::k16;
      if (anisotropic) opt.elevation_m = dem;
      const CostDistanceResult r = cost_distance(s, src, opt);
      CostDistanceResult serial;
      {
        const tbb::global_control one(tbb::global_control::max_allowed_parallelism, 1);
        serial = cost_distance(s, src, opt);
      }
      ReferenceOptions ro;
      ro.neighbours = n;
      if (anisotropic) ro.elevation = &dem;
      const auto ref = reference_search(s, src, ro);
      INFO((anisotropic ? "Tobler, " : "isotropic, ") << n << " neighbours");
      CHECK(r.field.minutes == serial.field.minutes);
      CHECK(r.field.nearest == serial.field.nearest);
      for (std::size_t i = 0; i < s.grid.cell_count(); ++i) {
        if (std::isinf(ref.seconds[i])) {
          REQUIRE_FALSE(r.field.reached(i));
        } else {
          REQUIRE(r.field.minutes[i] == Approx(ref.seconds[i] / 60.0).epsilon(1e-6));
          REQUIRE(r.field.nearest[i] == ref.facility[i]);
        }
      }
    }
  }
}

TEST_CASE("exact ties across bands: the smaller facility number, as the reference finds", "[raster][cost]") {
  // Uniform friction over 200 rows: facilities 5 and 3 sit symmetrically about the edge between two bands, so the
  // cells between them tie; every tie goes to facility 3.
  const FrictionSurface s = uniform_surface(30, 200, 100.0, 0.72F);
  const std::vector<CostSource> src = {{s.grid.index(15, 40), 0.0, 5},
                                       {s.grid.index(15, 90), 0.0, 3},
                                       {s.grid.index(3, 150), 0.0, 8},
                                       {s.grid.index(27, 150), 0.0, 1}};
  const CostDistanceResult r = cost_distance(s, src);
  const auto ref = reference_search(s, src, ReferenceOptions{});
  for (std::size_t i = 0; i < s.grid.cell_count(); ++i) {
    REQUIRE(r.field.minutes[i] == Approx(ref.seconds[i] / 60.0).epsilon(1e-6));
    REQUIRE(r.field.nearest[i] == ref.facility[i]);
  }
  CHECK(r.field.nearest[s.grid.index(15, 65)] == 3U);   // halfway between 5 and 3
  CHECK(r.field.nearest[s.grid.index(15, 150)] == 1U);  // halfway between 8 and 1
}

// ------------------------------------------------------------------------------ bicycling on slopes (AccessMod)

TEST_CASE("bicycle power balance: the table speed on flat ground, slower uphill, faster downhill", "[raster][bicycle]") {
  const BicyclePowerModel m;  // AccessMod's constants: 92 kg, CdA 0.4 m², Cr 0.008, CrV 0.2 N·s/m, ρ 1.09501
  // By hand, 15 km/h = 4.16667 m/s on flat ground: drag ½·0.4·1.09501·4.16667² = 3.80213 N, rolling
  // 92·9.81·0.008 = 7.22016 N, dynamic rolling 0.2·4.16667 = 0.83333 N; 11.85563 N × 4.16667 m/s = 49.3984 W.
  CHECK(bicycle_power_w(15.0 / 3.6, 0.0, m) == Approx(49.3984).epsilon(1e-5));
  CHECK(bicycle_speed_kmh(15.0, 0.0, m) == 15.0);
  // Up 5 % (β = atan 0.05, cos 0.998752, sin 0.0499376): at 0.938048 m/s (3.37697 km/h) drag 0.19271 N, rolling and
  // climbing 902.52·(0.008·0.998752 + 0.0499376) = 52.2808 N, dynamic 0.18737 N: 52.6609 N × 0.938048 = 49.398 W.
  // The speeds below were found by bisecting the power balance (200 halvings), independently of the engine.
  CHECK(bicycle_speed_kmh(15.0, 0.05, m) == Approx(3.3769697961840826).epsilon(1e-9));
  CHECK(bicycle_speed_kmh(15.0, -0.05, m) == Approx(47.98076986628039).epsilon(1e-9));
  CHECK(bicycle_speed_kmh(15.0, 0.2, m) == Approx(0.9657193909654477).epsilon(1e-9));
  CHECK(bicycle_speed_kmh(15.0, -0.2, m) == Approx(99.20486437827417).epsilon(1e-9));
  CHECK(bicycle_speed_kmh(10.0, 0.1, m) == Approx(0.9752428693830623).epsilon(1e-9));
  // The root balances the power of the flat ride, whatever the slope.
  for (const double s : {-0.3, -0.1, -0.01, 0.01, 0.1, 0.3}) {
    INFO("slope " << s);
    CHECK(bicycle_power_w(bicycle_speed_kmh(12.0, s, m) / 3.6, s, m) == Approx(bicycle_power_w(12.0 / 3.6, 0.0, m)));
  }
  CHECK(std::isnan(bicycle_speed_kmh(15.0, std::numeric_limits<double>::quiet_NaN(), m)));
}

TEST_CASE("bicycling cells on a ramp: the power balance in the traveller's direction", "[raster][bicycle]") {
  // Six 100 m bicycling cells at 15 km/h on flat ground (0.24 s/m), rising 5 m per cell (S = 0.05); the facility is
  // at the bottom (cell 0). Riding down to it: 47.98077 km/h, 100 m in 7.50301 s per cell; riding up from it:
  // 3.37697 km/h, 106.6064 s per cell; without the bicycle model: 24 s per cell either way.
  FrictionSurface s;
  s.grid = make_grid(6, 1, 100.0);
  s.seconds_per_metre.assign(6, static_cast<float>(3.6 / 15.0));
  s.mode.assign(6, SpeedMode::kBicycling);
  std::vector<float> z;
  for (int i = 0; i < 6; ++i) z.push_back(5.0F * static_cast<float>(i));
  const std::vector<CostSource> src = {{0, 0.0, 0}};
  CostDistanceOptions o;
  o.neighbourhood = Neighbourhood::k8;
  o.elevation_m = z;
  const double down_s = 100.0 / (47.98076986628039 / 3.6);
  const double up_s = 100.0 / (3.3769697961840826 / 3.6);
  CHECK(minutes_at(cost_distance(s, src, o).field, 5, 0) * 60.0 == Approx(5 * 24.0).epsilon(1e-5));
  o.bicycle = BicyclePowerModel{};
  CHECK(minutes_at(cost_distance(s, src, o).field, 5, 0) * 60.0 == Approx(5 * down_s).epsilon(1e-5));
  o.direction = TravelDirection::kFromSources;
  CHECK(minutes_at(cost_distance(s, src, o).field, 5, 0) * 60.0 == Approx(5 * up_s).epsilon(1e-5));
  SECTION("walking cells on the same ramp keep Tobler's rule; flat bicycling cells keep their speed") {
    // Cells 3–5 walking at Tobler's flat speed, the team going uphill from the facility: steps 0 → 1 and 1 → 2 are
    // cycled (100 m at 3.37697 km/h each), step 2 → 3 is half cycled, half walked (50·(bike + g·f_walk), Tobler's
    // factor g = exp(3.5·(|0.05 + 0.05| − 0.05)) = e^0.175 at 5 % uphill), steps 3 → 4 and 4 → 5 are walked.
    s.mode[3] = s.mode[4] = s.mode[5] = SpeedMode::kWalking;
    const double f_walk = 3.6 / tobler_flat_speed_kmh();
    for (int i = 3; i < 6; ++i) s.seconds_per_metre[static_cast<std::size_t>(i)] = static_cast<float>(f_walk);
    const double bike_up = 3.6 / 3.3769697961840826;  // s/m of a bicycling cell at 5 % uphill
    const double g_up = std::exp(3.5 * (0.05 + 0.05 - 0.05));
    const double expected = 2 * 100.0 * bike_up + 50.0 * (bike_up + g_up * f_walk) + 2 * 100.0 * g_up * f_walk;
    CHECK(minutes_at(cost_distance(s, src, o).field, 5, 0) * 60.0 == Approx(expected).epsilon(1e-5));
  }
}
