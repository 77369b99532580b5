#include "pipeline/merge.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <tuple>
#include <sstream>

#include <gdal_utils.h>
#include <nlohmann/json.hpp>

#include "core/population.hpp"
#include "io/files.hpp"
#include "io/output_folder.hpp"
#include "io/plan_inputs.hpp"
#include "io/resources.hpp"
#include "io/scenario.hpp"
#include "io/zones.hpp"
#include "pipeline/run_analysis.hpp"
#include "pipeline/run_tables.hpp"
#include "pipeline/tile_jobs.hpp"
#include "pipeline/versions.hpp"
#include "report/appendix.hpp"
#include "report/writers.hpp"

namespace carereach::pipeline {

namespace fs = std::filesystem;
using nlohmann::json;
using nlohmann::ordered_json;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kQuantiles[2] = {0.5, 0.9};  // as analysis::zone_coverage

std::string generic(const fs::path& p) { return p.generic_string(); }

/// One tile as the merge reads it.
struct TileRead {
  const TileEntry* entry = nullptr;
  fs::path dir;   ///< the tile's run folder
  fs::path file;  ///< its tile.json
  json j;
};

[[noreturn]] void mismatch(const TileRead& t, const std::string& field, const std::string& what) {
  throw io::CodedError(ExitCode::kInput, "merge.mismatch"_code, "tile " + t.entry->id + ": " + what,
                       Location{t.file.string(), {}, {}, field, 0},
                       "run the tile again with the same carereach and the plan as it is now, or make the plan again "
                       "with carereach tile and run every tile");
}

std::string shown(const json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

/// A value of a tile.json, or refused naming the field.
const json& field_of(const TileRead& t, const json& obj, const char* key, const std::string& field) {
  if (!obj.is_object() || !obj.contains(key))
    throw InputError("tile.json has no field '" + field + "'", Location{t.file.string(), {}, {}, field, 0},
                     "run the tile again with this carereach (carereach run TILE --out DIR --overwrite)");
  return obj.at(key);
}

double number_of(const TileRead& t, const json& obj, const char* key, const std::string& field) {
  const json& v = field_of(t, obj, key, field);
  if (!v.is_number())
    throw InputError("tile.json field '" + field + "' is not a number", Location{t.file.string(), {}, {}, field, 0},
                     "run the tile again with this carereach (carereach run TILE --out DIR --overwrite)");
  return v.get<double>();
}

/// A zone's figures added up over the tiles (docs/method/tiles.md#merging).
struct ZoneSum {
  struct Bin {
    double min = 0.0;
    CompensatedSum persons;
  };
  CompensatedSum total, covered, reached, weighted;
  std::uint32_t facilities = 0;
  double max = kNaN;
  std::uint64_t unreached = 0;
  std::map<std::string, Bin> bins;  ///< by the value as the table shows it
};

void add_bin(std::map<std::string, ZoneSum::Bin>& bins, analysis::CoverageUnit unit, double value, double persons) {
  auto [it, fresh] = bins.try_emplace(report::coverage_value_text(value, unit));
  if (fresh || value < it->second.min) it->second.min = value;
  it->second.persons.add(persons);
}

/// The value at which the persons in value order reach q × total, as analysis::zone_coverage walks its cells (here
/// in bins of the shown value, which give the same shown quantile: the rounding keeps the order).
double quantile(const std::map<std::string, ZoneSum::Bin>& bins, double total, bool unreached, double q) {
  std::vector<std::pair<double, double>> sorted;
  for (const auto& [text, b] : bins) sorted.emplace_back(b.min, b.persons.value());
  std::sort(sorted.begin(), sorted.end());
  CompensatedSum running;
  for (const auto& [v, p] : sorted) {
    running.add(p);
    if (running.value() >= q * total) return v;
  }
  if (unreached || sorted.empty()) return kInf;
  return sorted.back().first;
}

/// The zone's coverage figures from its sums, as analysis::zone_coverage computes them from cells.
analysis::CoverageStats stats_of(const ZoneSum& z) {
  analysis::CoverageStats s;
  s.pop_total = z.total.value();
  s.pop_covered = z.covered.value();
  s.pop_uncovered = s.pop_total - s.pop_covered;
  s.pop_reached = z.reached.value();
  s.n_facilities = z.facilities;
  if (!z.bins.empty()) {
    s.mean = z.weighted.value() / s.pop_reached;
    s.max = z.max;
  }
  if (!z.bins.empty() || z.unreached > 0) {
    s.p50 = quantile(z.bins, s.pop_total, z.unreached > 0, kQuantiles[0]);
    s.p90 = quantile(z.bins, s.pop_total, z.unreached > 0, kQuantiles[1]);
  }
  return s;
}

/// A level's coverage from its zones' sums; the total as analysis::zone_coverage makes it (zone order).
analysis::LevelCoverage level_of(const std::vector<ZoneSum>& zones, analysis::CoverageUnit unit) {
  analysis::LevelCoverage out;
  analysis::CoverageStats& t = out.total;
  double weighted = 0.0;
  bool any_reached = false;
  double max = -kInf;
  std::map<std::string, ZoneSum::Bin> all;
  std::uint64_t unreached = 0;
  for (const ZoneSum& z : zones) {
    const analysis::CoverageStats s = stats_of(z);
    t.pop_total += s.pop_total;
    t.pop_covered += s.pop_covered;
    t.pop_uncovered += s.pop_uncovered;
    t.pop_reached += s.pop_reached;
    t.n_facilities += s.n_facilities;
    if (!z.bins.empty()) {
      weighted += z.weighted.value();
      any_reached = true;
      max = std::max(max, z.max);
    }
    for (const auto& [text, b] : z.bins) add_bin(all, unit, b.min, b.persons.value());
    unreached += z.unreached;
    out.zones.push_back(s);
  }
  if (any_reached) {
    t.mean = weighted / t.pop_reached;
    t.max = max;
  }
  if ((!all.empty() || unreached > 0) && t.pop_total > 0) {
    t.p50 = quantile(all, t.pop_total, unreached > 0, kQuantiles[0]);
    t.p90 = quantile(all, t.pop_total, unreached > 0, kQuantiles[1]);
  }
  return out;
}

/// The tiles' travel-time GeoTIFFs of one standard as one VRT at `vrt`, its sources named relative to `named_dir`
/// (the folder the VRT ends up in).
void write_vrt(const fs::path& vrt, const std::vector<fs::path>& sources, const fs::path& named_dir) {
  std::vector<std::string> names;
  for (const fs::path& p : sources) names.push_back(fs::absolute(p).lexically_normal().string());
  std::vector<const char*> list;
  for (const std::string& n : names) list.push_back(n.c_str());
  int usage_error = 0;
  GDALDatasetH ds = GDALBuildVRT(vrt.string().c_str(), static_cast<int>(list.size()), nullptr, list.data(), nullptr,
                                 &usage_error);
  if (ds == nullptr || usage_error != 0)
    throw OutputError("cannot build the VRT over the tiles' travel-time rasters: " + std::string(CPLGetLastErrorMsg()),
                      Location{vrt.filename().string(), {}, {}, {}, 0}, "check that every tile's run folder is complete");
  GDALClose(ds);
  // The sources relative to the VRT's final folder, so that the merge folder and the plan can move together.
  std::ifstream in(vrt, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  std::string xml = buf.str();
  for (const std::string& n : names) {
    const std::string rel = generic(fs::path(n).lexically_relative(fs::absolute(named_dir).lexically_normal()));
    const std::string from = "relativeToVRT=\"0\">" + n + "<";
    const std::string to = "relativeToVRT=\"1\">" + rel + "<";
    for (std::size_t at = xml.find(from); at != std::string::npos; at = xml.find(from, at + to.size()))
      xml.replace(at, from.size(), to);
  }
  io::write_file_atomically(vrt, xml);
}

/// The tile's entries of `zones` (its zone levels) with the parent's level index, zone by zone: f(li, zone index in
/// the parent, the zone's json). Zones the parent does not have are refused.
template <class F>
void for_each_tile_zone(const TileRead& t, const std::vector<io::LoadedZoneLevel>& levels,
                        const std::vector<std::map<std::string, std::size_t>>& zone_index, F&& f) {
  for (const json& lj : field_of(t, t.j, "zones", "zones")) {
    const std::string level = shown(field_of(t, lj, "level", "zones.level"));
    std::size_t li = 0;
    while (li < levels.size() && levels[li].level.level != level) ++li;
    if (li == levels.size()) mismatch(t, "zones.level", "zone level " + level + " is not in the parent scenario");
    for (const json& zj : field_of(t, lj, "zones", "zones.zones")) {
      const std::string code = shown(field_of(t, zj, "code", "zones.zones.code"));
      const auto at = zone_index[li].find(code);
      if (at == zone_index[li].end())
        mismatch(t, "zones.zones.code", "zone " + code + " is not a " + level + " zone of the parent scenario");
      f(li, at->second, lj, zj);
    }
  }
}

/// 附表2's figures per level from the tiles' sums: each zone's persons on the grid and its facilities' resources
/// (docs/method/tiles.md#merging), then the zone totals and targets of the parent as a run applies them.
void add_density(report::RunTables& tables, const std::vector<TileRead>& tiles, const io::Scenario& s,
                 const std::vector<io::LoadedZoneLevel>& levels,
                 const std::vector<std::map<std::string, std::size_t>>& zone_index,
                 const std::vector<io::LoadedZoneTargets>& zone_targets) {
  const std::size_t attributes = kDensityAttributes;
  struct Sums {
    CompensatedSum population;
    std::vector<CompensatedSum> totals;
    std::vector<std::uint32_t> reporting;
  };
  std::vector<std::vector<Sums>> sums(levels.size());
  for (std::size_t li = 0; li < levels.size(); ++li) {
    sums[li].resize(levels[li].level.zones.size());
    for (Sums& z : sums[li]) {
      z.totals.resize(attributes);
      z.reporting.assign(attributes, 0);
    }
  }
  for (const TileRead& t : tiles)
    for_each_tile_zone(t, levels, zone_index, [&](std::size_t li, std::size_t z, const json&, const json& zj) {
      Sums& sum = sums[li][z];
      sum.population.add(number_of(t, zj, "population", "zones.zones.population"));
      const json& totals = field_of(t, zj, "resources", "zones.zones.resources");
      const json& reporting = field_of(t, zj, "resources_reporting", "zones.zones.resources_reporting");
      if (!totals.is_array() || totals.size() != attributes || !reporting.is_array() || reporting.size() != attributes)
        mismatch(t, "zones.zones.resources", "the resources of zone " + shown(zj.at("code")) + " are not " +
                                                 std::to_string(attributes) + " numbers");
      for (std::size_t a = 0; a < attributes; ++a) {
        sum.totals[a].add(totals[a].get<double>());
        sum.reporting[a] += reporting[a].get<std::uint32_t>();
      }
    });
  Diagnostics diag;
  std::vector<io::LoadedZoneTotals> zone_totals;
  for (const io::ZoneTotalsSpec& spec : s.density.zone_totals)
    for (const io::LoadedZoneLevel& l : levels)
      if (l.level.level == spec.level) zone_totals.push_back(io::load_zone_totals(spec, l, diag));
  diag.throw_if_errors();
  tables.density.indicators = density_indicators(s);
  for (std::size_t li = 0; li < levels.size(); ++li) {
    std::vector<analysis::ZoneDensity> zones(sums[li].size());
    for (std::size_t z = 0; z < zones.size(); ++z) {
      zones[z].population = sums[li][z].population.value();
      for (const CompensatedSum& a : sums[li][z].totals) zones[z].totals.push_back(a.value());
      zones[z].reporting = sums[li][z].reporting;
    }
    const analysis::DensityZoneInputs in = density_inputs(zone_totals, zone_targets, levels[li].level.level,
                                                          zones.size(), tables.density.indicators);
    tables.density.by_level.emplace_back(analysis::finish_zone_density(std::move(zones), tables.density.indicators, &in));
  }
  add_density_labels(tables, zone_totals, zone_targets);
}

/// 附表6 from the tiles' counts: each facility was counted by the tile whose own cell holds it; the columns those
/// of any tile, in the order a run gives them.
void add_facility_counts(report::RunTables& tables, const std::vector<TileRead>& tiles, const io::Scenario& s,
                         const std::vector<io::LoadedZoneLevel>& levels,
                         const std::vector<std::map<std::string, std::size_t>>& zone_index) {
  bool loaded = false;
  std::set<std::string> present;
  for (const TileRead& t : tiles) {
    if (field_of(t, t.j, "facilities_loaded", "facilities_loaded").get<bool>()) loaded = true;
    for (const json& k : field_of(t, t.j, "facility_columns", "facility_columns")) present.insert(shown(k));
  }
  if (!loaded) return;
  report::FacilityCountTables fc =
      facility_count_columns(s.taxonomy, [&](const std::string& key) { return present.count(key) != 0; });
  std::map<std::string, std::size_t> column;
  for (std::size_t c = 0; c < fc.keys.size(); ++c) column[fc.keys[c]] = c;
  for (const io::LoadedZoneLevel& l : levels) {
    fc.by_level.emplace_back(l.level.zones.size(), std::vector<std::uint32_t>(fc.keys.size(), 0));
    fc.all.emplace_back(l.level.zones.size(), 0);
    fc.outside.push_back(0);
  }
  for (const TileRead& t : tiles) {
    std::vector<std::size_t> to;  // the tile's columns among the merged ones
    for (const json& k : t.j.at("facility_columns")) to.push_back(column.at(shown(k)));
    for_each_tile_zone(t, levels, zone_index, [&](std::size_t li, std::size_t z, const json&, const json& zj) {
      fc.all[li][z] += static_cast<std::uint32_t>(number_of(t, zj, "facilities_all", "zones.zones.facilities_all"));
      const json& counts = field_of(t, zj, "facility_counts", "zones.zones.facility_counts");
      if (!counts.is_array() || counts.size() != to.size())
        mismatch(t, "zones.zones.facility_counts", "the facility counts of zone " + shown(zj.at("code")) +
                                                       " do not match facility_columns");
      for (std::size_t c = 0; c < to.size(); ++c) fc.by_level[li][z][to[c]] += counts[c].get<std::uint32_t>();
    });
    for (const json& lj : t.j.at("zones")) {
      const std::string level = shown(lj.at("level"));
      for (std::size_t li = 0; li < levels.size(); ++li)
        if (levels[li].level.level == level)
          fc.outside[li] += static_cast<std::uint32_t>(number_of(t, lj, "facilities_outside", "zones.facilities_outside"));
    }
  }
  tables.facility_counts = std::move(fc);
}

/// 附表5 from the tiles' counts: per zone the facilities of the tiles' own cells (each in exactly one tile) counted,
/// the facilities listed in the order of the parent's facility list; then targets, met and missing as a run gives them.
void add_indicators(report::RunTables& tables, const std::vector<TileRead>& tiles, const io::Scenario& s,
                    const std::vector<io::LoadedZoneLevel>& levels,
                    const std::vector<std::map<std::string, std::size_t>>& zone_index,
                    const std::vector<io::LoadedZoneTargets>& zone_targets) {
  for (const PlanIndicator& ind : s.indicators) {
    std::size_t li = 0;
    while (li < levels.size() && levels[li].level.level != ind.level) ++li;
    if (li == levels.size()) continue;  // as a run: the level did not load
    const std::size_t zones = levels[li].level.zones.size();
    std::vector<analysis::ZoneIndicator> counted(zones);
    std::vector<std::uint8_t> seated(zones, 0);
    const auto& seats = levels[li].zone_seats_m;
    for (std::size_t z = 0; z < zones && seats.size() == zones; ++z) seated[z] = seats[z] ? 1 : 0;
    using Listed = std::tuple<std::size_t, long long, std::string>;
    std::vector<std::vector<Listed>> listed(zones);
    for (const TileRead& t : tiles) {
      const json* ij = nullptr;
      for (const json& x : field_of(t, t.j, "indicators", "indicators"))
        if (x.contains("id") && shown(x["id"]) == ind.id) ij = &x;
      if (ij == nullptr) mismatch(t, "indicators", "planning indicator " + ind.id + " is missing");
      for (const json& zj : field_of(t, *ij, "zones", "indicators.zones")) {
        const std::string code = shown(field_of(t, zj, "code", "indicators.zones.code"));
        const auto at = zone_index[li].find(code);
        if (at == zone_index[li].end())
          mismatch(t, "indicators.zones.code", "zone " + code + " is not a " + ind.level + " zone of the parent scenario");
        analysis::ZoneIndicator& r = counted[at->second];
        r.count += static_cast<std::uint32_t>(number_of(t, zj, "count", "indicators.zones.count"));
        r.of += static_cast<std::uint32_t>(number_of(t, zj, "of", "indicators.zones.of"));
        for (const json& f : field_of(t, zj, "facilities", "indicators.zones.facilities"))
          listed[at->second].emplace_back(f.at(0).get<std::size_t>(), f.at(1).get<long long>(), f.at(2).get<std::string>());
      }
    }
    std::vector<std::vector<std::string>> names(zones);
    for (std::size_t z = 0; z < zones; ++z) {
      std::stable_sort(listed[z].begin(), listed[z].end(), [](const Listed& a, const Listed& b) {
        return std::tie(std::get<0>(a), std::get<1>(a)) < std::tie(std::get<0>(b), std::get<1>(b));
      });
      for (const Listed& f : listed[z]) {
        counted[z].facilities.push_back(static_cast<std::uint32_t>(names[z].size()));
        names[z].push_back(std::get<2>(f));
      }
    }
    std::vector<std::optional<double>> targets;
    for (const io::LoadedZoneTargets& zt : zone_targets)
      if (zt.level == ind.level)
        if (auto it = zt.by_id.find(ind.id); it != zt.by_id.end()) targets = it->second;
    analysis::IndicatorResult result = analysis::finish_indicator(
        ind, std::move(counted), seated,
        targets.size() == zones ? std::span<const std::optional<double>>(targets) : std::span<const std::optional<double>>());
    tables.indicators.push_back(
        indicator_tables(ind, li, s.taxonomy, zone_targets, std::move(result), std::move(names)));
  }
}

}  // namespace

MergeResult merge_tiles(const MergeConfig& config) {
  io::check_output_path(config.out.string());
  const TilePlan plan = read_tile_plan(config.plan);
  const fs::path plan_file = config.plan / "plan.json";

  // Every tile's tile.json, or the list of those missing with the command that runs each.
  std::vector<TileRead> tiles;
  std::vector<const TileEntry*> missing;
  for (const TileEntry& e : plan.tiles) {
    TileRead t;
    t.entry = &e;
    t.dir = config.plan / e.out;
    t.file = t.dir / "tile.json";
    if (!fs::is_regular_file(t.file)) {
      missing.push_back(&e);
      continue;
    }
    tiles.push_back(std::move(t));
  }
  if (!missing.empty()) {
    std::string ids;
    std::string commands;
    for (std::size_t i = 0; i < missing.size(); ++i) {
      ids += (i ? ", " : "") + missing[i]->id;
      commands += std::string(i ? "; " : "") + "carereach run " + generic(config.plan / missing[i]->scenario) +
                  " --out " + generic(config.plan / missing[i]->out) + " --overwrite";
    }
    throw io::CodedError(ExitCode::kInput, "merge.missing_tiles"_code,
                         std::to_string(missing.size()) + " of " + std::to_string(plan.tiles.size()) +
                             " tiles have no tile.json (not run, or not finished): " + ids,
                         Location{plan_file.string(), {}, {}, {}, 0}, "run each: " + commands);
  }
  for (TileRead& t : tiles) {
    std::ifstream in(t.file, std::ios::binary);
    t.j = json::parse(in, nullptr, false);
    if (t.j.is_discarded() || !t.j.is_object())
      throw InputError("tile.json is not valid JSON", Location{t.file.string(), {}, {}, {}, 0},
                       "run the tile again (carereach run TILE --out DIR --overwrite)");
  }

  // They belong together: the plan's tile, version, parent scenario and settings in every one.
  const json& settings0 = field_of(tiles.front(), tiles.front().j, "settings", "settings");
  for (const TileRead& t : tiles) {
    const json& tile = field_of(t, t.j, "tile", "tile");
    const json& id = field_of(t, tile, "id", "tile.id");
    if (shown(id) != t.entry->id) mismatch(t, "tile.id", "the run folder holds tile " + shown(id) + ", not " + t.entry->id);
    const json& version = field_of(t, t.j, "carereach_version", "carereach_version");
    if (shown(version) != plan.carereach_version)
      mismatch(t, "carereach_version",
               "carereach_version " + shown(version) + " differs from the plan's " + plan.carereach_version);
    const json& parent = field_of(t, t.j, "parent", "parent");
    const json& sha = field_of(t, parent, "scenario_sha256", "parent.scenario_sha256");
    if (shown(sha) != plan.scenario_sha256)
      mismatch(t, "parent.scenario_sha256",
               "the parent scenario's SHA-256 " + shown(sha) + " differs from the plan's " + plan.scenario_sha256);
    const json& settings = field_of(t, t.j, "settings", "settings");
    if (settings != settings0) {
      std::string key = "settings";
      for (const auto& [k, v] : settings0.items())
        if (!settings.contains(k) || settings.at(k) != v) {
          key = "settings." + k;
          break;
        }
      if (key == "settings")
        for (const auto& [k, v] : settings.items())
          if (!settings0.contains(k)) {
            key = "settings." + k;
            break;
          }
      mismatch(t, key, key + " differs from tile " + tiles.front().entry->id + "'s");
    }
    if (shown(field_of(t, settings, "analysis_crs", "settings.analysis_crs")) != plan.crs)
      mismatch(t, "settings.analysis_crs", "settings.analysis_crs differs from the plan's crs " + plan.crs);
    if (number_of(t, settings, "cell_size_m", "settings.cell_size_m") != plan.cell_size_m)
      mismatch(t, "settings.cell_size_m", "settings.cell_size_m differs from the plan's cell_size_m");
  }

  // The parent, as it was when the plan was made: its standards, and its zones (only they are read).
  const fs::path scenario_file = config.plan / plan.scenario;
  if (!fs::is_regular_file(scenario_file) || io::sha256_file(scenario_file) != plan.scenario_sha256)
    throw io::CodedError(ExitCode::kInput, "merge.mismatch"_code,
                         "the parent scenario " + plan.scenario + " is missing or changed since the plan was made",
                         Location{plan_file.string(), {}, {}, "scenario_sha256", 0},
                         "merge with the scenario the tiles were run from, or make the plan again and run every tile");
  const io::Scenario s = io::read_scenario(scenario_file);
  const geo::CrsSpec crs = geo::CrsSpec::parse(plan.crs);
  Diagnostics diag;
  std::vector<io::LoadedZoneLevel> levels;
  for (const auto& spec : s.zones) {
    levels.push_back(io::load_zone_level(spec, crs, diag));
    // The seats, for the planning indicators counted near them (within_m), as a run loads them.
    if (spec.seats && levels.back().kind == io::ZoneGeometryKind::kPolygons)
      levels.back().zone_seats_m = io::load_zone_seats(*spec.seats, levels.back(), crs, diag);
  }
  diag.throw_if_errors();
  std::vector<io::LoadedZoneTargets> zone_targets;
  if (!s.zone_targets.empty()) zone_targets = io::load_zone_targets(s, levels, diag);
  diag.throw_if_errors();
  std::vector<std::map<std::string, std::size_t>> zone_index(levels.size());
  for (std::size_t li = 0; li < levels.size(); ++li)
    for (std::size_t z = 0; z < levels[li].level.zones.size(); ++z) zone_index[li][levels[li].level.zones[z].code] = z;

  // Per standard (in the tiles' order), per level, per zone: the tiles' sums added up.
  report::RunTables tables;
  tables.scenario_zh = s.info.name;
  tables.scenario_en = s.info.name_en;
  tables.region_zh = s.info.region;
  tables.region_en = s.info.region_en;
  for (const auto& l : levels) tables.levels.push_back(l.level);
  const json& standards0 = field_of(tiles.front(), tiles.front().j, "standards", "standards");
  for (const json& sj0 : standards0) {
    const std::string id = shown(field_of(tiles.front(), sj0, "id", "standards.id"));
    const auto st = std::find_if(s.standards.begin(), s.standards.end(), [&](const Standard& x) { return x.id == id; });
    if (st == s.standards.end()) mismatch(tiles.front(), "standards", "standard " + id + " is not in the parent scenario");
    StandardOutcome o;
    o.standard = &*st;
    o.unit = shown(field_of(tiles.front(), sj0, "unit", "standards.unit")) == "metres" ? analysis::CoverageUnit::kMetres
                                                                                      : analysis::CoverageUnit::kMinutes;
    o.limit = number_of(tiles.front(), sj0, "limit", "standards.limit");
    std::vector<std::vector<ZoneSum>> sums(levels.size());
    for (std::size_t li = 0; li < levels.size(); ++li) sums[li].resize(levels[li].level.zones.size());
    o.reported.assign(levels.size(), false);
    bool computed = false;
    // Tiles that did not compute the standard (no facility of it in their window): their persons are unreached.
    std::vector<const TileRead*> without;
    for (const TileRead& t : tiles) {
      const json* sj = nullptr;
      for (const json& x : field_of(t, t.j, "standards", "standards"))
        if (x.contains("id") && shown(x["id"]) == id) sj = &x;
      if (sj == nullptr) mismatch(t, "standards", "standard " + id + " is missing");
      if (sj->contains("not_computed")) {
        if (o.not_computed.empty()) {
          o.not_computed = shown(sj->at("not_computed"));
          if (sj->contains("not_computed_zh")) o.not_computed_zh = shown(sj->at("not_computed_zh"));
        }
        without.push_back(&t);
        continue;
      }
      if (!computed) {
        if (sj->contains("circuity")) o.circuity = number_of(t, *sj, "circuity", "standards.circuity");
        if (sj->contains("estimate_speed_kmh"))
          o.estimate_speed_kmh = number_of(t, *sj, "estimate_speed_kmh", "standards.estimate_speed_kmh");
      }
      computed = true;
      for (const json& lj : field_of(t, *sj, "levels", "standards.levels")) {
        const std::string level = shown(field_of(t, lj, "level", "standards.levels.level"));
        const auto li = static_cast<std::size_t>(
            std::find_if(levels.begin(), levels.end(), [&](const io::LoadedZoneLevel& l) { return l.level.level == level; }) -
            levels.begin());
        if (li == levels.size()) mismatch(t, "standards.levels", "zone level " + level + " is not in the parent scenario");
        const json& reported = field_of(t, lj, "reported", "standards.levels.reported");
        if (!reported.get<bool>()) continue;
        o.reported[li] = true;
        for (const json& zj : field_of(t, lj, "zones", "standards.levels.zones")) {
          const std::string code = shown(field_of(t, zj, "code", "standards.levels.zones.code"));
          const auto at = zone_index[li].find(code);
          if (at == zone_index[li].end())
            mismatch(t, "standards.levels.zones", "zone " + code + " is not a " + level + " zone of the parent scenario");
          ZoneSum& z = sums[li][at->second];
          z.total.add(number_of(t, zj, "population", "population"));
          z.covered.add(number_of(t, zj, "population_covered", "population_covered"));
          z.reached.add(number_of(t, zj, "population_reached", "population_reached"));
          z.weighted.add(number_of(t, zj, "weighted_value_sum", "weighted_value_sum"));
          z.facilities += static_cast<std::uint32_t>(number_of(t, zj, "facilities", "facilities"));
          z.unreached += static_cast<std::uint64_t>(number_of(t, zj, "cells_unreached", "cells_unreached"));
          const json& max = field_of(t, zj, "max_value", "max_value");
          if (!max.is_null() && !(z.max >= max.get<double>())) z.max = max.get<double>();
          for (const json& b : field_of(t, zj, "value_bins", "value_bins"))
            add_bin(z.bins, o.unit, b.at(0).get<double>(), b.at(1).get<double>());
        }
      }
    }
    if (computed) {
      o.not_computed.clear();
      o.not_computed_zh.clear();
      for (const TileRead* t : without)
        for (const json& lj : field_of(*t, t->j, "zones", "zones")) {
          const std::string level = shown(field_of(*t, lj, "level", "zones.level"));
          for (std::size_t li = 0; li < levels.size(); ++li) {
            if (levels[li].level.level != level || !o.reported[li]) continue;
            for (const json& zj : field_of(*t, lj, "zones", "zones.zones")) {
              const auto at = zone_index[li].find(shown(field_of(*t, zj, "code", "zones.zones.code")));
              if (at == zone_index[li].end() || !zj.contains("population")) continue;
              const double p = zj["population"].get<double>();
              sums[li][at->second].total.add(p);
              if (p > 0) ++sums[li][at->second].unreached;
            }
          }
        }
      for (std::size_t li = 0; li < levels.size(); ++li)
        o.levels.push_back(o.reported[li] ? level_of(sums[li], o.unit) : analysis::LevelCoverage{});
    }
    report::StandardTables st_tables = standard_tables(o, levels.size());
    add_zone_targets(st_tables, zone_targets, tables.levels);
    tables.standards.push_back(std::move(st_tables));
  }
  add_density(tables, tiles, s, levels, zone_index, zone_targets);
  add_facility_counts(tables, tiles, s, levels, zone_index);
  add_indicators(tables, tiles, s, levels, zone_index, zone_targets);
  std::string method_zh;
  std::string method_en;
  if (const auto it = tiles.front().j.find("population_method"); it != tiles.front().j.end() && it->is_object()) {
    method_zh = it->value("zh", "");
    method_en = it->value("en", "");
  }
  add_sources(tables, s, method_zh, method_en);
  const DataNote note = data_note(s);
  tables.data_note_zh = note.zh;
  tables.data_note_en = note.en;

  // The output folder.
  io::OutputFolderOptions folder;
  folder.command = "merge";
  folder.overwrite = config.overwrite;
  folder.inputs = {plan_file, scenario_file};
  for (const TileRead& t : tiles) folder.inputs.push_back(t.file);
  io::OutputDir dir(config.out, folder);
  MergeResult result;
  fs::create_directories(dir.path() / "tables");
  // The run's appendix tables, numbered as the run numbers them, but for those the tiles cannot give exactly.
  std::vector<report::Table> written;
  for (report::Table& t : report::appendix_tables(tables))
    if (t.id != "gaps") written.push_back(std::move(t));
  for (const report::Table& t : written) {
    const std::string name = "tables/" + t.id + ".csv";
    io::write_file_atomically(dir.path() / name, report::to_csv(t, config.lang));
    result.outputs.push_back(name);
  }
  report::XlsxOptions xlsx;
  xlsx.subject = config.lang == report::Lang::kZh || tables.scenario_en.empty() ? tables.scenario_zh : tables.scenario_en;
  report::write_xlsx(dir.path() / "appendix.xlsx", written, config.lang, xlsx);
  result.outputs.push_back("appendix.xlsx");
  ordered_json rasters = ordered_json::array();
  for (const Standard& st : s.standards) {
    const std::string name = "travel_time_" + st.id + ".tif";
    std::vector<fs::path> sources;
    ordered_json from = ordered_json::array();
    for (const TileRead& t : tiles)
      if (fs::is_regular_file(t.dir / name)) {
        sources.push_back(t.dir / name);
        from.push_back(t.entry->id);
      }
    if (sources.empty()) continue;
    const std::string vrt = "travel_time_" + st.id + ".vrt";
    write_vrt(dir.path() / vrt, sources, config.out);
    result.outputs.push_back(vrt);
    rasters.push_back({{"standard", st.id}, {"file", vrt}, {"tiles", from}});
  }

  const fs::path out_abs = fs::absolute(config.out).lexically_normal();
  const fs::path plan_abs = fs::absolute(config.plan).lexically_normal();
  ordered_json m;
  m["schema_version"] = 1;
  m["carereach_version"] = versions().at("carereach");
  ordered_json pj;
  pj["folder"] = generic(plan_abs.lexically_relative(out_abs));
  pj["scenario"] = plan.scenario;
  pj["scenario_sha256"] = plan.scenario_sha256;
  pj["by"] = plan.by;
  pj["carereach_version"] = plan.carereach_version;
  m["plan"] = pj;
  ordered_json tj = ordered_json::array();
  for (const TileRead& t : tiles) {
    tj.push_back({{"id", t.entry->id}, {"tile_json", generic(fs::path(t.entry->out) / "tile.json")},
                  {"tile_json_sha256", io::sha256_file(t.file)}});
    result.tiles.push_back(t.entry->id);
  }
  m["tiles"] = tj;
  m["tables"] = ordered_json::array();
  for (const std::string& o : result.outputs)
    if (o.rfind("tables/", 0) == 0) m["tables"].push_back(o);
  m["travel_time_vrt"] = rasters;
  // What an untiled run writes that the merge does not (yet), and why (docs/cli/merge.md).
  ordered_json not_merged = ordered_json::array();
  const auto left_out = [&](const std::string& output, const std::string& reason) {
    not_merged.push_back({{"output", output}, {"reason", reason}});
  };
  left_out("tables/gaps.csv", "a gap area across a tile edge is two pieces in two tiles, each ranked on its own");
  left_out("appendix.xlsx: 附表4 (gaps)", "the workbook holds the merged tables only");
  left_out("facility_zones.csv, facility_access.csv",
           "not merged yet: a tile lists the facilities of its halo too, in its own order");
  left_out("layers.gpkg", "vector layers are not merged");
  left_out("report.md, report.html", "the key findings name gap areas, which are not merged");
  left_out("project.qgs", "it styles the vector layers, which are not merged");
  m["not_merged"] = not_merged;
  result.outputs.push_back("merge.json");
  m["outputs"] = result.outputs;
  io::write_file_atomically(dir.path() / "merge.json", m.dump(2) + "\n");
  dir.commit();
  result.folder = dir.target();
  return result;
}

}  // namespace carereach::pipeline
