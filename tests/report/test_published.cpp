// Every published table adds up exactly (report/published.hpp): a property test over random runs — two nested zone
// levels, a time and a distance standard, resource density and gap areas, all with fractional persons — that reads
// the tables as a planner does (the text of each cell, as the CSV shows it) and checks every sum: covered + not
// covered = population on each row, the zones to their total row, the townships to their county, the gaps to
// their total, and the shares and per-1,000 values recomputed from the whole numbers shown.

#include <catch2/catch.hpp>

#include <charconv>
#include <cmath>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "report/appendix.hpp"
#include "report/published.hpp"
#include "report/writers.hpp"

using namespace carereach;
using namespace carereach::report;

namespace {

struct Township {
  double total, covered;
};

analysis::CoverageStats stats(double total, double covered) {
  analysis::CoverageStats s;
  s.pop_total = total;
  s.pop_covered = covered;
  s.pop_uncovered = total - covered;
  s.pop_reached = total;
  s.mean = 10;
  s.p50 = 10;
  s.p90 = 20;
  s.max = 30;
  return s;
}

Zone zone(std::uint32_t id, std::string code, std::string name, std::string parent = {}) {
  Zone z;
  z.id = ZoneId{id};
  z.code = std::move(code);
  z.name = std::move(name);
  z.parent_code = std::move(parent);
  return z;
}

/// A random run: 1–6 counties of 1–8 townships each (every county the sum of its townships), populations with
/// fractions (x.5, below one person, whole), two standards, six resource counts with fractions, 0–30 gaps.
RunTables random_run(std::mt19937_64& rng) {
  std::uniform_int_distribution<int> kind(0, 7);
  std::uniform_real_distribution<double> size(0.0, 30000.0);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  auto persons = [&] {
    switch (kind(rng)) {
      case 0:
        return unit(rng);
      case 1:
        return std::floor(size(rng)) + 0.5;
      case 2:
        return std::floor(size(rng));
      default:
        return size(rng);
    }
  };
  auto part = [&](double total) {
    switch (kind(rng)) {
      case 0:
        return 0.0;
      case 1:
        return total;
      default:
        return total * unit(rng);
    }
  };
  RunTables run;
  run.region_zh = "某市";
  ZoneLevel county{"county", "区县", "County", {}};
  ZoneLevel town{"township", "乡镇", "Township", {}};
  const int nc = std::uniform_int_distribution<int>(1, 6)(rng);
  std::vector<std::vector<std::size_t>> towns_of(nc);
  for (int c = 0; c < nc; ++c) {
    const std::string cc = "34160" + std::to_string(c);
    county.zones.push_back(zone(static_cast<std::uint32_t>(c), cc, "县" + std::to_string(c)));
    const int nt = std::uniform_int_distribution<int>(1, 8)(rng);
    for (int t = 0; t < nt; ++t) {
      towns_of[c].push_back(town.zones.size());
      town.zones.push_back(zone(static_cast<std::uint32_t>(town.zones.size()), cc + "00" + std::to_string(t),
                                "镇" + std::to_string(c) + "_" + std::to_string(t), cc));
    }
  }
  run.levels = {county, town};

  for (int s = 0; s < 2; ++s) {
    StandardTables st;
    st.id = s == 0 ? "tcm_15min" : "emergency_radius";
    st.name_zh = s == 0 ? "15分钟中医药服务圈" : "急救半径";
    st.unit = s == 0 ? analysis::CoverageUnit::kMinutes : analysis::CoverageUnit::kMetres;
    st.target_share = 0.9;
    analysis::LevelCoverage lc_county, lc_town;
    double gt = 0, gc = 0;
    for (int c = 0; c < nc; ++c) {
      double ct = 0, ccov = 0;
      for (std::size_t t : towns_of[c]) {
        (void)t;
        const double total = persons();
        const double covered = part(total);
        lc_town.zones.push_back(stats(total, covered));
        ct += total;
        ccov += covered;
      }
      lc_county.zones.push_back(stats(ct, ccov));
      gt += ct;
      gc += ccov;
    }
    lc_county.total = stats(gt, gc);
    lc_town.total = stats(gt, gc);
    st.coverage = {lc_county, lc_town};
    const int ngaps = std::uniform_int_distribution<int>(0, 30)(rng);
    for (int g = 0; g < ngaps; ++g) {
      analysis::GapArea gap;
      gap.rank = static_cast<std::uint32_t>(g + 1);
      gap.population = persons() / 10.0;
      gap.area_km2 = unit(rng) * 7.0;
      gap.min_value = 20;
      gap.mean_value = 25;
      gap.main_zone = {0, 0};
      st.gaps.push_back(gap);
    }
    run.standards.push_back(st);
  }

  for (const auto& [id, ratio] : {std::pair{"beds_per_1000", false}, std::pair{"nurse_doctor_ratio", true}}) {
    analysis::DensityIndicator ind;
    ind.id = id;
    ind.name_zh = id;
    ind.nurse_doctor_ratio = ratio;
    ind.attribute = analysis::DensityAttribute::kBeds;
    ind.target = ratio ? 1.2 : 6.0;
    run.density.indicators.push_back(ind);
  }
  auto density_zone = [&](double pop, const std::vector<double>& totals) {
    analysis::ZoneDensity z;
    z.population = pop;
    z.totals = totals;
    z.reporting = {1, 1, 1, 1, 1, 1};
    z.value = {pop > 0 ? totals[0] * 1000 / pop : std::nan(""), totals[1] > 0 ? totals[2] / totals[1] : std::nan("")};
    z.below_target = {-1, -1};
    return z;
  };
  analysis::LevelDensity d_county, d_town;
  std::vector<double> grand(6, 0.0);
  double grand_pop = 0;
  for (int c = 0; c < nc; ++c) {
    std::vector<double> ctot(6, 0.0);
    double cpop = 0;
    for (std::size_t t : towns_of[c]) {
      const double pop = run.standards[0].coverage[1]->zones[t].pop_total;
      std::vector<double> totals(6);
      for (double& v : totals)
        v = kind(rng) == 0 ? std::floor(unit(rng) * 300) : unit(rng) * 300;  // FTEs have fractions
      d_town.zones.push_back(density_zone(pop, totals));
      for (std::size_t a = 0; a < 6; ++a) ctot[a] += totals[a];
      cpop += pop;
    }
    d_county.zones.push_back(density_zone(cpop, ctot));
    for (std::size_t a = 0; a < 6; ++a) grand[a] += ctot[a];
    grand_pop += cpop;
  }
  d_county.total = density_zone(grand_pop, grand);
  d_town.total = density_zone(grand_pop, grand);
  run.density.by_level = {d_county, d_town};
  return run;
}

std::string text(const Table& t, std::size_t row, const std::string& key) {
  const std::size_t c = t.column_index(key);
  REQUIRE(c < t.columns.size());
  return format_cell(t.rows[row].cells[c], t.columns[c], Lang::kZh);
}

/// A cell shown as a whole number (what the CSV holds), as an integer.
std::int64_t whole(const Table& t, std::size_t row, const std::string& key) {
  const std::string s = text(t, row, key);
  std::int64_t v = 0;
  const auto res = std::from_chars(s.data(), s.data() + s.size(), v);
  INFO(t.id << " row " << row << " " << key << " = '" << s << "'");
  REQUIRE(res.ec == std::errc());
  REQUIRE(res.ptr == s.data() + s.size());  // a whole number, no decimals
  return v;
}

/// A cell with two decimals, in hundredths.
std::int64_t hundredths(const Table& t, std::size_t row, const std::string& key) {
  std::string s = text(t, row, key);
  const auto dot = s.find('.');
  REQUIRE(dot != std::string::npos);
  REQUIRE(s.size() - dot - 1 == 2);
  s.erase(dot, 1);
  std::int64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

const Table& by_id(const std::vector<Table>& tables, const std::string& id) {
  for (const Table& t : tables)
    if (t.id == id) return t;
  FAIL("no table " << id);
  return tables.front();
}

}  // namespace

TEST_CASE("property: every table of a run adds up exactly, as shown", "[report][published]") {
  std::mt19937_64 rng(7);
  for (int trial = 0; trial < 150; ++trial) {
    INFO("trial " << trial);
    const RunTables run = random_run(rng);
    const std::vector<Table> tables = appendix_tables(run);

    // --- 附表3: rows across, zones to their total, townships to their county
    std::map<std::pair<std::string, std::string>, std::array<std::int64_t, 3>> county_rows;  // (standard, code)
    std::map<std::pair<std::string, std::string>, std::array<std::int64_t, 3>> town_sums;
    for (const std::string level : {"county", "township"}) {
      const Table& t = by_id(tables, "coverage_" + level);
      std::map<std::string, std::array<std::int64_t, 3>> zone_sums, total_rows;
      for (std::size_t r = 0; r < t.rows.size(); ++r) {
        const std::int64_t pop = whole(t, r, "pop_total");
        const std::int64_t cov = whole(t, r, "pop_covered");
        const std::int64_t unc = whole(t, r, "pop_uncovered");
        CHECK(cov + unc == pop);
        CHECK(cov >= 0);
        CHECK(unc >= 0);
        if (pop > 0) CHECK(text(t, r, "share_covered") == format_fixed(100.0 * double(cov) / double(pop), 1));
        const std::string standard = text(t, r, "standard");
        if (t.rows[r].total) {
          total_rows[standard] = {pop, cov, unc};
          continue;
        }
        auto& s = zone_sums[standard];
        s[0] += pop, s[1] += cov, s[2] += unc;
        const std::string code = text(t, r, "code");
        if (level == "county") {
          county_rows[{standard, code}] = {pop, cov, unc};
        } else {
          auto& ts = town_sums[{standard, code.substr(0, 6)}];  // the county code is the township code's start
          ts[0] += pop, ts[1] += cov, ts[2] += unc;
        }
      }
      CHECK(zone_sums == total_rows);
    }
    CHECK(town_sums == county_rows);

    // --- 附表2: population and resources to the total and the county; per 1,000 from the numbers shown
    std::map<std::string, std::vector<std::int64_t>> county_density, town_density;
    for (const std::string level : {"county", "township"}) {
      const Table& t = by_id(tables, "density_" + level);
      std::vector<std::int64_t> sum(7, 0), total;
      for (std::size_t r = 0; r < t.rows.size(); ++r) {
        std::vector<std::int64_t> v{whole(t, r, "population")};
        for (const char* key : {"beds", "doctors", "nurses", "gps", "tcm_beds", "tcm_doctors"})
          v.push_back(whole(t, r, key));
        if (v[0] > 0) CHECK(text(t, r, "beds_per_1000") == format_fixed(double(v[1]) * 1000.0 / double(v[0]), 2));
        if (v[2] > 0) CHECK(text(t, r, "nurse_doctor_ratio") == format_fixed(double(v[3]) / double(v[2]), 2));
        if (t.rows[r].total) {
          total = v;
          continue;
        }
        for (std::size_t i = 0; i < v.size(); ++i) sum[i] += v[i];
        const std::string code = text(t, r, "code");
        if (level == "county") {
          county_density[code] = v;
        } else {
          auto& s = town_density[code.substr(0, 6)];
          s.resize(7, 0);
          for (std::size_t i = 0; i < v.size(); ++i) s[i] += v[i];
        }
      }
      CHECK(sum == total);
    }
    CHECK(town_density == county_density);

    // --- 附表4: the gaps to their total row (persons, and areas in hundredths of km²)
    const Table& gaps = by_id(tables, "gaps");
    std::map<std::string, std::pair<std::int64_t, std::int64_t>> gap_sums, gap_totals;
    for (std::size_t r = 0; r < gaps.rows.size(); ++r) {
      const std::pair<std::int64_t, std::int64_t> v{whole(gaps, r, "population"), hundredths(gaps, r, "area_km2")};
      const std::string standard = text(gaps, r, "standard");
      if (gaps.rows[r].total) {
        gap_totals[standard] = v;
      } else {
        gap_sums[standard].first += v.first;
        gap_sums[standard].second += v.second;
      }
    }
    for (const auto& [standard, total] : gap_totals) {
      INFO(standard);
      CHECK(gap_sums[standard] == total);  // (a standard without gaps: 0 and 0.00)
    }

    // --- 附表1: the totals of 附表3-1
    const Table& summary = by_id(tables, "summary");
    const Table& cov_county = by_id(tables, "coverage_county");
    for (std::size_t r = 0; r < run.standards.size(); ++r) {
      std::size_t total_row = 0;
      while (!(cov_county.rows[total_row].total && text(cov_county, total_row, "standard") == text(summary, r, "item")))
        ++total_row;
      CHECK(whole(summary, r, "pop_total") == whole(cov_county, total_row, "pop_total"));
      CHECK(whole(summary, r, "pop_covered") == whole(cov_county, total_row, "pop_covered"));
      CHECK(text(summary, r, "value") == text(cov_county, total_row, "share_covered"));
    }

    // --- the CSV writes what the cells show
    const std::string csv = to_csv(cov_county, Lang::kZh);
    CHECK(csv.find("," + text(cov_county, 0, "pop_total") + "," + text(cov_county, 0, "pop_covered") + ",") !=
          std::string::npos);
  }
}

TEST_CASE("published shares and findings use the whole persons shown", "[report][published]") {
  // One zone of 2.6 persons, 1.4 covered: shown as 3 and 1 (Σ 2.6 → 3; covered 1.4 → 1), so the share shown is
  // 1 / 3 = 33.3 %, not 1.4 / 2.6 = 53.8 %: a reader recomputing the share from the table gets what it says.
  RunTables run;
  run.levels = {ZoneLevel{"county", "区县", "County", {zone(0, "341602", "谯城区")}}};
  StandardTables s;
  s.id = "x";
  s.name_zh = "标准";
  s.target_share = 0.5;
  s.coverage = {analysis::LevelCoverage{{stats(2.6, 1.4)}, stats(2.6, 1.4)}};
  run.standards = {s};
  const auto p = published_coverage(run, run.standards[0]);
  REQUIRE(p[0]);
  CHECK(p[0]->zones[0].total == 3);
  CHECK(p[0]->zones[0].covered == 1);
  CHECK(p[0]->zones[0].uncovered() == 2);
  CHECK_FALSE(meets(p[0]->zones[0], 0.5));
  const Table t = coverage_table(run, 0);
  CHECK(format_cell(t.rows[1].cells[t.column_index("share_covered")], t.columns[t.column_index("share_covered")],
                    Lang::kZh) == "33.3");
  CHECK(format_cell(t.rows[1].cells[t.column_index("meets_target")], t.columns[t.column_index("meets_target")],
                    Lang::kZh) == "否");
  const std::string md = report_markdown(run, Lang::kZh);
  CHECK(md.find("覆盖率 33.3%（1 / 3 人），低于目标 16.7 个百分点；服务标准以外 2 人。") != std::string::npos);
}
