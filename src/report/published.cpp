#include "report/published.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>
#include <string>

#include "analysis/coverage.hpp"
#include "report/rounding.hpp"

namespace carereach::report {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::size_t kAttributes = 6;

/// Per zone of level k, the index of its parent (by parent code) in level k − 1, or kNoParent; empty when no zone
/// of the level has a parent there (the level is then rounded from its own total).
std::vector<std::uint32_t> parents_of(const RunTables& run, std::size_t k) {
  if (k == 0) return {};
  std::map<std::string, std::uint32_t> index;
  const auto& above = run.levels[k - 1].zones;
  for (std::size_t i = 0; i < above.size(); ++i) index.emplace(above[i].code, static_cast<std::uint32_t>(i));
  std::vector<std::uint32_t> out;
  bool any = false;
  for (const Zone& z : run.levels[k].zones) {
    const auto it = z.parent_code.empty() ? index.end() : index.find(z.parent_code);
    out.push_back(it == index.end() ? kNoParent : it->second);
    any = any || it != index.end();
  }
  if (!any) out.clear();
  return out;
}

void check_count(std::size_t got, std::size_t want, const std::string& what) {
  if (got != want)
    throw std::invalid_argument("report: " + what + " has " + std::to_string(got) + " entries, expected " +
                                std::to_string(want));
}

/// The levels (indices into run.levels) that have a value, and for each its ExactLevel with parents in the previous
/// such level when it is the level just above.
template <typename Has, typename Fill>
std::vector<RoundedLevel> round_present(const RunTables& run, std::vector<std::size_t>& present, const Has& has,
                                        const Fill& fill) {
  std::vector<ExactLevel> exact;
  for (std::size_t k = 0; k < run.levels.size(); ++k) {
    if (!has(k)) continue;
    ExactLevel e;
    fill(k, e);
    if (!present.empty() && present.back() + 1 == k) e.parent = parents_of(run, k);
    present.push_back(k);
    exact.push_back(std::move(e));
  }
  return round_levels(exact);
}

}  // namespace

bool meets(const PublishedCounts& counts, double target_share) {
  return analysis::meets_target(counts.share(), target_share);
}

std::vector<std::optional<PublishedCoverage>> published_coverage(const RunTables& run, const StandardTables& s) {
  std::vector<std::optional<PublishedCoverage>> out(run.levels.size());
  if (s.coverage.empty()) return out;
  check_count(s.coverage.size(), run.levels.size(), "coverage of standard '" + s.id + "'");
  std::vector<std::size_t> present;
  const auto rounded = round_present(
      run, present, [&](std::size_t k) { return s.coverage[k].has_value(); },
      [&](std::size_t k, ExactLevel& e) {
        const auto& zones = s.coverage[k]->zones;
        check_count(zones.size(), run.levels[k].zones.size(),
                    "coverage of standard '" + s.id + "' at level '" + run.levels[k].level + "'");
        for (const analysis::CoverageStats& z : zones) {
          e.total.push_back(z.pop_total);
          e.part.push_back(z.pop_covered);
        }
      });
  for (std::size_t i = 0; i < present.size(); ++i) {
    const RoundedLevel& r = rounded[i];
    PublishedCoverage p;
    for (std::size_t z = 0; z < r.total.size(); ++z) p.zones.push_back({r.total[z], r.part[z]});
    p.total = {r.level_total, r.level_part};
    p.adds_to_parent = r.adds_to_parent;
    p.has_parent_level = i > 0 && present[i - 1] + 1 == present[i] && !parents_of(run, present[i]).empty();
    out[present[i]] = std::move(p);
  }
  return out;
}

namespace {

void evaluate(PublishedZoneDensity& z, const analysis::ZoneDensity& exact,
              const std::vector<analysis::DensityIndicator>& indicators) {
  z.value.assign(indicators.size(), kNaN);
  z.below_target.assign(indicators.size(), -1);
  for (std::size_t i = 0; i < indicators.size(); ++i) {
    const auto& ind = indicators[i];
    if (i >= exact.value.size() || std::isnan(exact.value[i])) continue;  // no value: unknown stays unknown
    double v = kNaN;
    if (ind.nurse_doctor_ratio) {
      const auto doctors = z.totals[static_cast<std::size_t>(analysis::DensityAttribute::kDoctors)];
      const auto nurses = z.totals[static_cast<std::size_t>(analysis::DensityAttribute::kNurses)];
      if (doctors > 0) v = static_cast<double>(nurses) / static_cast<double>(doctors);
    } else if (z.population > 0) {
      v = static_cast<double>(z.totals[static_cast<std::size_t>(ind.attribute)]) * ind.per_persons /
          static_cast<double>(z.population);
    }
    z.value[i] = v;
    const std::optional<double> target = exact.target(i, ind);  // the zone's own target, else the indicator's
    if (target && !std::isnan(v)) z.below_target[i] = v < *target ? 1 : 0;
  }
}

}  // namespace

namespace {

/// The published density of the levels for which `has` holds, rounded together (each level adding up to the one
/// above it when both are rounded together).
template <typename Has>
std::vector<std::optional<PublishedDensity>> publish_density(const RunTables& run, const Has& has) {
  std::vector<std::optional<PublishedDensity>> out(run.levels.size());
  const auto& by_level = run.density.by_level;
  std::vector<std::size_t> present;
  const auto population = round_present(run, present, has, [&](std::size_t k, ExactLevel& e) {
    for (const auto& z : by_level[k]->zones) e.total.push_back(z.population);
  });
  std::vector<std::vector<RoundedLevel>> resources;
  for (std::size_t a = 0; a < kAttributes; ++a) {
    std::vector<std::size_t> again;
    resources.push_back(round_present(run, again, has, [&](std::size_t k, ExactLevel& e) {
      for (const auto& z : by_level[k]->zones) e.total.push_back(z.totals[a]);
    }));
  }

  for (std::size_t i = 0; i < present.size(); ++i) {
    const std::size_t k = present[i];
    const analysis::LevelDensity& exact = *by_level[k];
    PublishedDensity d;
    d.adds_to_parent = population[i].adds_to_parent;
    for (const auto& r : resources) d.adds_to_parent = d.adds_to_parent && r[i].adds_to_parent;
    d.has_parent_level = i > 0 && present[i - 1] + 1 == k && !parents_of(run, k).empty();
    for (std::size_t z = 0; z < exact.zones.size(); ++z) {
      PublishedZoneDensity pz;
      pz.population = population[i].total[z];
      for (const auto& r : resources) pz.totals.push_back(r[i].total[z]);
      evaluate(pz, exact.zones[z], run.density.indicators);
      d.zones.push_back(std::move(pz));
    }
    d.total.population = population[i].level_total;
    for (const auto& r : resources) d.total.totals.push_back(r[i].level_total);
    evaluate(d.total, exact.total, run.density.indicators);
    out[k] = std::move(d);
  }
  return out;
}

}  // namespace

std::vector<std::optional<PublishedDensity>> published_density(const RunTables& run) {
  std::vector<std::optional<PublishedDensity>> out(run.levels.size());
  const auto& by_level = run.density.by_level;
  if (by_level.empty()) return out;
  check_count(by_level.size(), run.levels.size(), "density by level");
  for (std::size_t k = 0; k < run.levels.size(); ++k)
    if (by_level[k]) {
      check_count(by_level[k]->zones.size(), run.levels[k].zones.size(), "density at level '" + run.levels[k].level + "'");
      for (const auto& z : by_level[k]->zones) check_count(z.totals.size(), kAttributes, "density attribute totals");
    }
  const bool zone_inputs = std::any_of(by_level.begin(), by_level.end(),
                                       [](const auto& d) { return d.has_value() && d->zone_inputs; });
  if (!zone_inputs) return publish_density(run, [&](std::size_t k) { return by_level[k].has_value(); });
  // Zone totals (yearbooks) at some level: the levels have different sources and do not add up to each other; each is
  // rounded on its own, so that a yearbook's whole numbers are published as given.
  for (std::size_t k = 0; k < run.levels.size(); ++k)
    if (by_level[k]) out[k] = publish_density(run, [&](std::size_t j) { return j == k; })[k];
  return out;
}

std::vector<std::int64_t> published_gap_population(const StandardTables& s) {
  std::vector<double> exact;
  for (const auto& g : s.gaps) exact.push_back(g.population);
  return round_to_total(exact);
}

std::vector<double> published_gap_area(const StandardTables& s, int decimals) {
  const double scale = std::pow(10.0, decimals);
  std::vector<double> exact;
  for (const auto& g : s.gaps) exact.push_back(g.area_km2 * scale);
  std::vector<double> out;
  for (const std::int64_t v : round_to_total(exact)) out.push_back(static_cast<double>(v) / scale);
  return out;
}

}  // namespace carereach::report
