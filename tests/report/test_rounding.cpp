// Whole numbers that add up (report/rounding.hpp): hand-computed cases of the rule, then a property test over random
// nested levels that every published figure adds up exactly — across columns and from the finest level to the
// total — and stays next to its exact value.

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <numeric>
#include <random>
#include <stdexcept>
#include <vector>

#include "report/rounding.hpp"

using namespace carereach::report;
using V = std::vector<std::int64_t>;

TEST_CASE("round_half_even: halves go to the even neighbour (GB/T 8170)", "[report][rounding]") {
  CHECK(round_half_even(0.5) == 0);
  CHECK(round_half_even(1.5) == 2);
  CHECK(round_half_even(2.5) == 2);
  CHECK(round_half_even(3.5) == 4);
  CHECK(round_half_even(-0.5) == 0);
  CHECK(round_half_even(-1.5) == -2);
  CHECK(round_half_even(2.4999) == 2);
  CHECK(round_half_even(2.5001) == 3);
  CHECK(round_half_even(8539.31846) == 8539);
  CHECK_THROWS_AS(round_half_even(std::nan("")), std::invalid_argument);
}

TEST_CASE("apportion: the largest remainder, with ties and bounds", "[report][rounding]") {
  // A textbook case: 10 seats over 43, 32, 25 (Σ 100): quotas 4.3, 3.2, 2.5 → 4, 3, 2 and the last seat to the
  // largest remainder, 0.5.
  CHECK(apportion(V{43, 32, 25}, 10) == V{4, 3, 3});
  // Equal remainders: the larger weight first, then the earlier part.
  CHECK(apportion(V{15, 25, 35}, 9) == V{2, 3, 4});  // quotas 1.8, 3, 4.2: floor 1, 3, 4, one left → part 0 (0.8)
  CHECK(apportion(V{1, 1, 1}, 2) == V{1, 1, 0});
  CHECK(apportion(V{1, 2, 1}, 2) == V{1, 1, 0});  // quotas 0.5, 1, 0.5: the tie goes to the earlier part
  // Zero weights get nothing while others have remainders; all weights zero: by index.
  CHECK(apportion(V{0, 3, 0}, 3) == V{0, 3, 0});
  CHECK(apportion(V{0, 0}, 1) == V{1, 0});
  // Bounds: part 1 may take at most 1, so its quota's surplus goes to the next remainder.
  CHECK(apportion(V{1, 3}, 2, V{0, 0}, V{2, 1}) == V{1, 1});
  // A lower bound above the quota (part 1 must have 1, its quota is 0): the unit too many is taken from the part
  // that may give one, part 2 (quota 2 → 1).
  CHECK(apportion(V{0, 0, 4}, 2, V{0, 1, 0}, V{2, 2, 2}) == V{0, 1, 1});
  CHECK_THROWS_AS(apportion(V{1, 1}, 3, V{}, V{1, 1}), std::invalid_argument);
  CHECK_THROWS_AS(apportion(V{-1, 1}, 1), std::invalid_argument);
}

TEST_CASE("three zones of 0.5 persons each: total 2, shown as 1, 1, 0", "[report][rounding]") {
  // Σ = 1.5 → 2 (half to even). Quotas 2/3 each: floors 0, 0, 0; two units to the equal remainders, earlier first.
  // Rounding each zone on its own would show 0, 0, 0 (half to even) or 1, 1, 1 (half up): neither adds up to 2.
  const std::vector<ExactLevel> levels{{{0.5, 0.5, 0.5}, {}, {}}};
  const auto r = round_levels(levels);
  REQUIRE(r.size() == 1);
  CHECK(r[0].total == V{1, 1, 0});
  CHECK(r[0].level_total == 2);
  CHECK(round_to_total(std::vector<double>{0.5, 0.5, 0.5}) == V{1, 1, 0});
}

TEST_CASE("a county whose townships are all x.5: the townships add up to the county", "[report][rounding]") {
  // County 12 = 1.5 + 2.5 + 3.5 + 4.5 (covered 0.5 + 1.5 + 2.5 + 3.5 = 8).
  // Total: 12 → townships' floors 1, 2, 3, 4 (10), two units to the equal remainders 0.5, larger weight first:
  // 4.5 → 5, 3.5 → 4. Half to even on each would give 2, 2, 4, 4 (adds up here by luck), half up 2, 3, 4, 5 (14).
  // Covered: 8 → floors 0, 1, 2, 3 (6), two units to 3.5 → 4 and 2.5 → 3: 0, 1, 3, 4; not covered 1, 1, 1, 1
  // (exactly 1 each).
  const std::vector<ExactLevel> levels{{{12.0}, {8.0}, {}}, {{1.5, 2.5, 3.5, 4.5}, {0.5, 1.5, 2.5, 3.5}, {0, 0, 0, 0}}};
  const auto r = round_levels(levels);
  CHECK(r[0].total == V{12});
  CHECK(r[0].part == V{8});
  CHECK(r[1].total == V{1, 2, 4, 5});
  CHECK(r[1].part == V{0, 1, 3, 4});
  CHECK(r[1].adds_to_parent);

  // Two counties, 61.5 (10.5 + 20.5 + 30.5) and 38.5: total 100; counties 61 and 38 plus one unit to the tie of
  // remainders 0.5, the larger first: 62, 38. Township quotas of 62: 10.585, 20.667, 30.748 → 10, 20, 30 and two
  // units to the largest remainders: 10, 21, 31.
  const std::vector<ExactLevel> two{{{61.5, 38.5}, {}, {}}, {{10.5, 20.5, 30.5, 38.5}, {}, {0, 0, 0, 1}}};
  const auto t = round_levels(two);
  CHECK(t[0].total == V{62, 38});
  CHECK(t[1].total == V{10, 21, 31, 38});
}

TEST_CASE("levels that do not nest are said so", "[report][rounding]") {
  // The county holds 10 persons, its only township 6: 4 persons lie in no township. They are apportioned as a
  // part of their own, so the township keeps 6, and the level does not add up to its parent.
  const std::vector<ExactLevel> gap{{{10.0}, {}, {}}, {{6.0}, {}, {0}}};
  const auto g = round_levels(gap);
  CHECK(g[1].total == V{6});
  CHECK_FALSE(g[1].adds_to_parent);
  // Townships holding more than their county are rounded on their own (not squeezed into the county's figure).
  const std::vector<ExactLevel> over{{{10.0}, {}, {}}, {{7.4, 5.4}, {}, {0, 0}}};
  const auto o = round_levels(over);
  // Σ 12.8 → 13; quotas 7.4 × 13 / 12.8 = 7.516 and 5.484: floors 7, 5, the unit left to the remainder 0.516.
  CHECK(o[1].total == V{8, 5});
  CHECK(o[1].level_total == 13);
  CHECK_FALSE(o[1].adds_to_parent);
  // A township without a parent: rounded on its own, the level does not add up.
  const std::vector<ExactLevel> orphan{{{10.0}, {}, {}}, {{10.0, 2.0}, {}, {0, kNoParent}}};
  const auto p = round_levels(orphan);
  CHECK(p[1].total == V{10, 2});
  CHECK_FALSE(p[1].adds_to_parent);
}

namespace {

/// Random nested levels: 1–8 counties, each with 0–6 townships, each with 0–4 villages; populations with
/// fractions (some x.5, some below one person, some zero), covered between 0 and all of it (some exactly 0 or all).
std::vector<ExactLevel> random_levels(std::mt19937_64& rng) {
  std::uniform_int_distribution<int> kind(0, 9);
  std::uniform_real_distribution<double> size(0.0, 5000.0);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  auto value = [&] {
    switch (kind(rng)) {
      case 0:
        return 0.0;
      case 1:
        return std::floor(size(rng)) + 0.5;
      case 2:
        return unit(rng);
      case 3:
        return std::floor(size(rng));
      default:
        return size(rng);
    }
  };
  auto covered_of = [&](double total) {
    switch (kind(rng)) {
      case 0:
        return 0.0;
      case 1:
        return total;
      default:
        return total * unit(rng);
    }
  };
  std::vector<ExactLevel> levels(3);
  std::uniform_int_distribution<int> counties(1, 8);
  std::uniform_int_distribution<int> towns(0, 6);
  std::uniform_int_distribution<int> villages(0, 4);
  const int nc = counties(rng);
  // Build bottom-up so that every parent is exactly the sum of its children (nested levels).
  for (int c = 0; c < nc; ++c) {
    double ct = 0, cc = 0;
    const int nt = towns(rng);
    for (int t = 0; t < nt; ++t) {
      double tt = 0, tc = 0;
      const int nv = villages(rng);
      for (int v = 0; v < nv; ++v) {
        const double total = value();
        const double covered = covered_of(total);
        levels[2].total.push_back(total);
        levels[2].part.push_back(covered);
        levels[2].parent.push_back(static_cast<std::uint32_t>(levels[1].total.size()));
        tt += total;
        tc += covered;
      }
      if (nv == 0) {  // a township without villages holds people of its own
        tt = value();
        tc = covered_of(tt);
      }
      levels[1].total.push_back(tt);
      levels[1].part.push_back(tc);
      levels[1].parent.push_back(static_cast<std::uint32_t>(c));
      ct += tt;
      cc += tc;
    }
    if (nt == 0) {
      ct = value();
      cc = covered_of(ct);
    }
    levels[0].total.push_back(ct);
    levels[0].part.push_back(cc);
  }
  return levels;
}

}  // namespace

TEST_CASE("property: every published level adds up exactly, across columns and levels", "[report][rounding]") {
  std::mt19937_64 rng(20251207);
  double worst = 0.0;
  for (int trial = 0; trial < 2000; ++trial) {
    const std::vector<ExactLevel> levels = random_levels(rng);
    const auto r = round_levels(levels);
    REQUIRE(r.size() == levels.size());
    INFO("trial " << trial);
    // The grand total is the exact total rounded half to even.
    const double exact_total = std::accumulate(levels[0].total.begin(), levels[0].total.end(), 0.0);
    CHECK(r[0].level_total == round_half_even(exact_total));
    for (std::size_t k = 0; k < levels.size(); ++k) {
      const std::size_t n = levels[k].total.size();
      REQUIRE(r[k].total.size() == n);
      REQUIRE(r[k].part.size() == n);
      CHECK(r[k].level_total == std::accumulate(r[k].total.begin(), r[k].total.end(), std::int64_t{0}));
      CHECK(r[k].level_part == std::accumulate(r[k].part.begin(), r[k].part.end(), std::int64_t{0}));
      for (std::size_t z = 0; z < n; ++z) {
        // Across the columns: covered between 0 and the population, so not covered = the difference is ≥ 0.
        CHECK(r[k].part[z] >= 0);
        CHECK(r[k].part[z] <= r[k].total[z]);
        // Next to the exact figure.
        worst = std::max(worst, std::abs(static_cast<double>(r[k].total[z]) - levels[k].total[z]));
        CHECK(std::abs(static_cast<double>(r[k].total[z]) - levels[k].total[z]) < 2.0);
        CHECK(std::abs(static_cast<double>(r[k].part[z]) - levels[k].part[z]) < 2.0);
        CHECK(std::abs(static_cast<double>(r[k].total[z] - r[k].part[z]) - (levels[k].total[z] - levels[k].part[z])) <
              3.0);
        if (levels[k].total[z] == 0.0) CHECK(r[k].total[z] == 0);
      }
      if (k == 0 || n == 0) continue;  // (a level without zones has no parents to add up to)
      // Down the levels: each parent's figures are the sums of its children's. A parent with people and no
      // children is the one exception, and the level says so.
      std::vector<std::int64_t> st(r[k - 1].total.size(), 0), sp(r[k - 1].total.size(), 0);
      std::vector<bool> has_children(r[k - 1].total.size(), false);
      for (std::size_t z = 0; z < n; ++z) {
        st[levels[k].parent[z]] += r[k].total[z];
        sp[levels[k].parent[z]] += r[k].part[z];
        has_children[levels[k].parent[z]] = true;
      }
      bool childless_with_people = false;
      for (std::size_t p = 0; p < st.size(); ++p) {
        if (!has_children[p]) {
          childless_with_people = childless_with_people || r[k - 1].total[p] > 0;
          continue;
        }
        CHECK(st[p] == r[k - 1].total[p]);
        CHECK(sp[p] == r[k - 1].part[p]);
      }
      CHECK(r[k].adds_to_parent == !childless_with_people);
    }
  }
  INFO("largest difference from the exact population: " << worst);
  CHECK(worst < 2.0);
}
