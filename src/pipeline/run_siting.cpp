#include "pipeline/run_siting.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <optional>

#include "analysis/reach.hpp"
#include "core/capacity_spec.hpp"
#include "core/error.hpp"
#include "io/facilities.hpp"
#include "io/files.hpp"
#include "io/input_access.hpp"
#include "io/qgis_styles.hpp"
#include "report/rounding.hpp"

namespace carereach::pipeline {

namespace {

namespace fs = std::filesystem;
using analysis::kNoZone;

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::string percent(double share, int decimals = 1) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f %%", decimals, 100.0 * share);
  return buf;
}

/// How a siting names its options in messages: the command's (--budget) or the scenario's ([siting.x] budget).
struct Names {
  const SitingSpec& spec;
  std::string scenario_file;
  [[nodiscard]] std::string opt(const std::string& cli, const std::string& key) const {
    return spec.from_cli ? "--" + cli : "[siting." + spec.id + "] " + key;
  }
  /// The planner's input is refused: the command's usage (exit 2) or the scenario (exit 3).
  [[noreturn]] void refuse(const std::string& key, const std::string& what, const std::string& hint) const {
    if (spec.from_cli) throw UsageError(what, hint);
    throw ScenarioError(what, Location{scenario_file, {}, {}, "siting." + spec.id + "." + key, spec.line}, hint);
  }
};

bool in_study_area(const io::LoadedScenario& loaded, std::size_t cell) {
  if (!loaded.study_area_level) return true;
  const auto& zr = loaded.zone_rasters[*loaded.study_area_level].zone_of_cell;
  return cell < zr.size() && zr[cell] != kNoZone;
}

std::vector<SitingCandidate> make_candidates(const SitingSpec& spec, const Names& names, const io::LoadedScenario& loaded,
                                             const Standard& st, const std::vector<std::string>& tags,
                                             const FacilityType* new_type, Diagnostics& diag) {
  const SitingCandidates& cs = spec.candidates;
  const Taxonomy& taxonomy = loaded.scenario.taxonomy;
  const Grid& grid = loaded.population->surface.grid;
  const std::string cand_opt = names.opt("candidates", "candidates");
  std::vector<SitingCandidate> out;
  auto as_site = [&](Facility f) {
    f.type = new_type->id;
    f.tags = taxonomy.close_tags(tags, new_type);
    f.status = FacilityStatus::kActive;
    return f;
  };
  auto check_counts = [&](const Facility& changed, const std::string& what) {
    if (!st.select.matches(changed))
      names.refuse("tags", what + " would still not count for standard '" + st.id + "'",
                   spec.from_cli ? "give --tags (and for new sites --new-type) that the standard selects"
                                 : "give tags (and for new sites new_type) that the standard selects");
  };
  if (cs.kind == SitingCandidates::Kind::kExisting) {
    std::vector<const FacilityType*> types;
    std::vector<std::string> sel_tags;
    for (const auto& s : cs.selector) {
      if (const FacilityType* t = taxonomy.find_type(s)) types.push_back(t);
      else if (auto tag = taxonomy.find_tag(s)) sel_tags.push_back(*tag);
      else
        names.refuse("candidates", cand_opt + " existing:" + s + ": '" + s + "' is neither a facility type nor a tag",
                     "use a type or tag of docs/method/taxonomy.md, e.g. existing:村卫生室");
    }
    std::size_t counted = 0;
    for (const Facility& f : loaded.facilities) {
      if (f.status == FacilityStatus::kClosed) continue;
      const bool by_type = std::any_of(types.begin(), types.end(), [&](const FacilityType* t) { return t->id == f.type; });
      const bool by_tag = std::any_of(sel_tags.begin(), sel_tags.end(), [&](const std::string& t) {
        return std::find(f.tags.begin(), f.tags.end(), t) != f.tags.end();
      });
      if (!by_type && !by_tag) continue;
      if (st.select.matches(f)) {
        ++counted;
        continue;  // already counts: its coverage is existing coverage
      }
      auto cell = grid.cell_at(f.x_m, f.y_m);
      if (!cell) continue;
      Facility changed = f;
      std::vector<std::string> all = f.tags;
      all.insert(all.end(), tags.begin(), tags.end());
      changed.tags = taxonomy.close_tags(all, taxonomy.type_by_id(f.type));
      check_counts(changed, "upgrading " + f.source_id + " " + f.name + " with the tags given");
      out.push_back({f, true, *cell});
    }
    if (out.empty())
      names.refuse("candidates",
                   cand_opt + " " + cs.text + ": no facility to upgrade" +
                       (counted > 0 ? " (the " + std::to_string(counted) + " that match count for standard '" + st.id + "' already)"
                                    : " matches"),
                   "name facility types or tags that the standard does not count yet");
    return out;
  }
  if (cs.kind == SitingCandidates::Kind::kLayer) {
    io::FacilitySourceSpec src;
    src.source.path_as_written = cs.file;
    src.source.path = cs.path.empty() ? cs.file : cs.path;
    src.source.key = spec.from_cli ? "--candidates" : "siting." + spec.id + ".candidates";
    src.fields.id = "id";
    src.fields.name = "name";
    src.default_type = new_type->id;
    src.id_prefix = "site-";
    io::check_input_path(src.source);
    std::error_code ec;
    if (!fs::exists(src.source.path, ec))
      throw InputError("candidate layer not found", Location{cs.file, {}, {}, {}, 0}, "give a point layer (GeoPackage, GeoJSON, Shapefile)");
    Diagnostics layer_diag;
    std::vector<Facility> points = io::load_facilities({src}, taxonomy, loaded.analysis_crs, layer_diag, &loaded.output_crs);
    layer_diag.throw_if_errors();
    if (points.empty())
      throw InputError("the candidate layer has no points", Location{cs.file, {}, {}, {}, 0}, "give a layer with at least one candidate point");
    std::size_t outside = 0;
    for (const Facility& f : points) {
      auto cell = grid.cell_at(f.x_m, f.y_m);
      if (!cell || !in_study_area(loaded, *cell)) {
        ++outside;
        continue;
      }
      Facility site = as_site(f);
      check_counts(site, "a new " + new_type->name_zh + " with the tags given");
      out.push_back({site, false, *cell});
    }
    if (out.empty())
      throw InputError("every one of the " + std::to_string(points.size()) + " candidate points lies outside the study area",
                       Location{cs.file, {}, {}, {}, 0},
                       "check the layer's coordinate system (a .prj, or GCJ-02 coordinates) and that it covers the study area");
    if (outside > 0)
      diag.warn("site.candidate_outside"_code,
                std::to_string(outside) + " of " + std::to_string(points.size()) + " candidate points lie outside the study area and are left out",
                Location{cs.file, {}, {}, {}, 0}, "check those points");
    return out;
  }
  // grid: the most populated cell of each block of k × k cells
  const auto& persons = loaded.population->surface.persons;
  const auto k = static_cast<std::uint32_t>(std::max(1.0, std::round(cs.spacing_m / grid.cell_size_m)));
  std::size_t n = 0;
  for (std::uint32_t r0 = 0; r0 < grid.rows; r0 += k)
    for (std::uint32_t c0 = 0; c0 < grid.cols; c0 += k) {
      std::optional<std::size_t> best;
      for (std::uint32_t r = r0; r < std::min(grid.rows, r0 + k); ++r)
        for (std::uint32_t c = c0; c < std::min(grid.cols, c0 + k); ++c) {
          const std::size_t i = grid.index(c, r);
          if (persons[i] > 0 && in_study_area(loaded, i) && (!best || persons[i] > persons[*best])) best = i;
        }
      if (!best) continue;
      Facility f;
      f.source_id = "site-" + std::to_string(++n);
      f.name = "候选点 " + std::to_string(n);
      const auto col = static_cast<std::uint32_t>(*best % grid.cols);
      const auto row = static_cast<std::uint32_t>(*best / grid.cols);
      f.x_m = grid.centre_x_m(col);
      f.y_m = grid.centre_y_m(row);
      Facility site = as_site(f);
      check_counts(site, "a new " + new_type->name_zh + " with the tags given");
      out.push_back({site, false, *best});
    }
  if (out.empty())
    names.refuse("candidates", cand_opt + " " + cs.text + ": no populated cell in the study area", "check the population input");
  return out;
}

/// The existing facilities the siting may close: the standard's facilities (not closed, on the grid) of the types
/// or tags given, or with the ids given. Refused: an id that is no such facility, a selector matching none.
std::vector<SitingCandidate> closable_sites(const SitingSpec& spec, const Names& names, const io::LoadedScenario& loaded,
                                            const Standard& st) {
  const SitingClosable& cl = spec.closable;
  const Taxonomy& taxonomy = loaded.scenario.taxonomy;
  const Grid& grid = loaded.population->surface.grid;
  const std::string opt = names.opt("closable", "closable") + " " + cl.text;
  std::vector<const FacilityType*> types;
  std::vector<std::string> sel_tags;
  for (const auto& x : cl.selector) {
    if (const FacilityType* t = taxonomy.find_type(x)) types.push_back(t);
    else if (auto tag = taxonomy.find_tag(x)) sel_tags.push_back(*tag);
    else names.refuse("closable", opt + ": '" + x + "' is neither a facility type nor a tag", "use a type or tag of docs/method/taxonomy.md");
  }
  std::vector<SitingCandidate> out;
  std::vector<char> id_found(cl.ids.size(), 0);
  for (const Facility& f : loaded.facilities) {
    if (f.status == FacilityStatus::kClosed || !st.select.matches(f)) continue;
    bool match = false;
    for (std::size_t i = 0; i < cl.ids.size(); ++i)
      if (cl.ids[i] == f.source_id) {
        match = true;
        id_found[i] = 1;
      }
    match = match || std::any_of(types.begin(), types.end(), [&](const FacilityType* t) { return t->id == f.type; }) ||
            std::any_of(sel_tags.begin(), sel_tags.end(),
                        [&](const std::string& t) { return std::find(f.tags.begin(), f.tags.end(), t) != f.tags.end(); });
    if (!match) continue;
    auto cell = grid.cell_at(f.x_m, f.y_m);
    if (!cell) continue;  // off the grid: it stays as it is
    out.push_back({f, false, *cell, true});
  }
  std::string missing;
  for (std::size_t i = 0; i < cl.ids.size(); ++i)
    if (id_found[i] == 0) missing += (missing.empty() ? "'" : ", '") + cl.ids[i] + "'";
  if (!missing.empty())
    names.refuse("closable", opt + ": " + missing + " is not a facility that standard '" + st.id + "' counts",
                 "name facilities of the standard (their ids in the facility layer); closed or unselected ones cannot be closed");
  if (out.empty())
    names.refuse("closable", opt + ": no facility that standard '" + st.id + "' counts matches",
                 "name types, tags or ids of facilities the standard counts today");
  return out;
}

/// Persons each site serves at most: `capacity`, or for existing facilities their capacity_field × persons_per_unit.
std::vector<double> site_capacities(const SitingSpec& spec, const Names& names, const std::vector<SitingCandidate>& sites) {
  std::vector<double> out;
  for (const SitingCandidate& c : sites) {
    std::optional<double> cap;
    if (!spec.capacity_field.empty() && (c.upgrade || c.closable)) {
      if (const auto units = facility_attribute(c.facility, spec.capacity_field)) {
        if (!(*units >= 0.0) || !std::isfinite(*units))
          names.refuse("capacity_field", c.facility.source_id + " " + c.facility.name + ": its " + spec.capacity_field +
                                             " is negative or not a number",
                       "correct the facility's value");
        cap = *units * spec.persons_per_unit;
      }
    }
    if (!cap) cap = spec.capacity;
    if (!cap)
      names.refuse(spec.capacity_field.empty() ? "capacity" : "capacity_field",
                   c.facility.source_id + " " + c.facility.name +
                       (spec.capacity_field.empty() || !(c.upgrade || c.closable)
                            ? std::string(": a new site has no facility attribute to take a capacity from")
                            : ": it has no " + spec.capacity_field),
                   spec.from_cli ? "give --capacity N (persons) for the sites without a value"
                                 : "give capacity = N (persons) for the sites without a value");
    out.push_back(*cap);
  }
  return out;
}

std::string method_line(const analysis::SitingResult& r, const analysis::SitingProblem& p, bool zh) {
  std::string s = zh ? (r.method_used == analysis::SitingMethod::kExact ? "精确求解（COIN-OR CBC）" : "贪心算法（惰性求值）")
                     : (r.method_used == analysis::SitingMethod::kExact ? "exact (COIN-OR CBC)" : "greedy (lazy evaluation)");
  if (r.gap) {
    char g[64];
    std::snprintf(g, sizeof g, "%.2f %%", 100.0 * *r.gap);
    if (r.proven_optimal) s += zh ? "，已证明最优（差距 0）" : ", proven optimal (gap 0)";
    else if (p.objective == analysis::SitingObjective::kBudget)
      s += (zh ? "，与上界的差距 " : ", gap to the bound ") + std::string(g) + (zh ? "（上界 " : " (bound ") +
           std::to_string(static_cast<long long>(std::floor(*r.bound))) + (zh ? " 人）" : " persons)");
    else
      s += (zh ? "，差距 " : ", gap ") + std::string(g) + (zh ? "（至少需 " : " (at least ") +
           std::to_string(static_cast<long long>(*r.bound)) + (zh ? " 处）" : " sites are needed)");
  } else {
    s += zh ? "，无界（未知差距）" : ", no bound (gap unknown)";
  }
  if (!r.note.empty()) s += zh ? "；" + r.note : "; " + r.note;
  return s;
}

}  // namespace

std::vector<SitingOutcome> prepare_siting(const io::LoadedScenario& loaded, std::span<const SitingSpec> specs,
                                          Diagnostics& diag) {
  std::vector<SitingOutcome> out;
  const io::Scenario& s = loaded.scenario;
  for (const SitingSpec& spec : specs) {
    const Names names{spec, s.file.filename().string()};
    SitingOutcome o;
    o.spec = &spec;
    for (const Standard& st : s.standards)
      if (st.id == spec.standard) o.standard = &st;
    if (o.standard == nullptr || !o.standard->threshold_min)  // checked when the scenario was read
      names.refuse("standard", "siting " + spec.id + ": '" + spec.standard + "' is not a time standard of this scenario",
                   "name a time standard (threshold_min)");
    const Standard& st = *o.standard;
    if (!loaded.population)
      names.refuse("standard", "the scenario has no population: siting needs persons per cell", "add [population]");
    o.site_tags = spec.tags;
    if (o.site_tags.empty() && !st.select.tags_any.empty()) o.site_tags.push_back(st.select.tags_any.front());
    const FacilityType* new_type = nullptr;
    if (spec.candidates.kind != SitingCandidates::Kind::kExisting) {
      if (!spec.new_type.empty()) new_type = s.taxonomy.find_type(spec.new_type);
      else if (!st.select.types.empty()) new_type = s.taxonomy.type_by_id(st.select.types.front());
      if (new_type == nullptr)
        names.refuse("new_type", "new sites need a facility type: standard '" + st.id + "' counts facilities of any type",
                     spec.from_cli ? "give --new-type, e.g. --new-type 村卫生室" : "give new_type, e.g. new_type = \"村卫生室\"");
    }
    o.candidates = make_candidates(spec, names, loaded, st, o.site_tags, new_type, diag);
    if (spec.budget > 0 && spec.budget > o.candidates.size())
      names.refuse("budget",
                   names.opt("budget", "budget") + " " + std::to_string(spec.budget) + " is larger than the " +
                       std::to_string(o.candidates.size()) + " candidates",
                   "give a budget of at most " + std::to_string(o.candidates.size()) + ", or more candidates");
    o.candidates_given = o.candidates.size();
    if (!spec.closable.empty()) {
      std::vector<SitingCandidate> closable = closable_sites(spec, names, loaded, st);
      o.candidates.insert(o.candidates.end(), closable.begin(), closable.end());
      for (const SitingCandidate& c : o.candidates) o.problem.closable.push_back(c.closable ? 1 : 0);
    }
    if (spec.capacitated()) o.problem.capacity = site_capacities(spec, names, o.candidates);
    out.push_back(std::move(o));
  }
  return out;
}

void compute_siting(std::vector<SitingOutcome>& outcomes, const Standard& standard, analysis::TravelModel& model,
                    const io::LoadedScenario& loaded, const analysis::CellMeasure& measure,
                    const analysis::CellThreshold& threshold, std::span<const std::uint32_t> standard_facility_ids,
                    const SitingLevels& levels, Diagnostics& diag, ProgressSink* progress) {
  const std::vector<double>& persons = loaded.population->surface.persons;
  for (SitingOutcome& o : outcomes) {
    if (o.standard != &standard || o.solved) continue;
    const SitingSpec& spec = *o.spec;
    const Names names{spec, loaded.scenario.file.filename().string()};
    const double limit_min = *standard.threshold_min;

    // --- each candidate's reach while the model holds the standard's mode
    const auto t_reach = std::chrono::steady_clock::now();
    std::vector<Facility> facilities;
    facilities.reserve(o.candidates.size());
    for (const SitingCandidate& c : o.candidates) {
      facilities.push_back(c.facility);
      facilities.back().id = FacilityId(static_cast<std::uint32_t>(facilities.size() - 1));  // dense, in list order
    }
    std::vector<analysis::FacilityReach> reach;
    {
      ProgressStep step(progress, "reach of " + std::to_string(o.candidates.size()) + " siting candidates");
      reach = analysis::facility_reach(model, standard, facilities, limit_min, diag, progress);
    }

    // --- the problem on the cells the standard leaves uncovered (with closures: that the fixed facilities, every one
    // of the standard's but the closable ones, leave uncovered — their own reach, computed the same way)
    std::vector<char> covered(persons.size(), 0);
    for (std::size_t c = 0; c < covered.size() && c < measure.value.size(); ++c)
      covered[c] = measure.value[c] <= threshold.at(c) ? 1 : 0;
    std::size_t closable_count = 0;
    if (o.candidates.size() > o.candidates_given) {
      std::vector<char> closable_fid(loaded.facilities.size(), 0);
      for (const SitingCandidate& c : o.candidates)
        if (c.closable) closable_fid[c.facility.id.value] = 1;
      std::vector<Facility> fixed;
      for (const std::uint32_t fid : standard_facility_ids)
        if (closable_fid[fid] == 0) {
          fixed.push_back(loaded.facilities[fid]);
          fixed.back().id = FacilityId(static_cast<std::uint32_t>(fixed.size() - 1));
        }
      std::vector<char> by_fixed(persons.size(), 0);
      if (!fixed.empty()) {
        ProgressStep step(progress, "reach of " + std::to_string(fixed.size()) + " facilities that stay");
        for (const auto& r : analysis::facility_reach(model, standard, fixed, limit_min, diag, progress))
          for (const auto& rc : r.cells)
            if (rc.minutes <= static_cast<float>(limit_min) && rc.cell < by_fixed.size()) by_fixed[rc.cell] = 1;
      }
      for (std::size_t c = 0; c < covered.size(); ++c) covered[c] = covered[c] != 0 && by_fixed[c] != 0 ? 1 : 0;
      closable_count = o.candidates.size() - o.candidates_given;
    }
    o.reach_s = seconds_since(t_reach);
    analysis::SitingProblem& problem = o.problem;
    double total = 0.0, before = 0.0;
    for (std::size_t c = 0; c < covered.size(); ++c) {
      const double p = persons[c];
      if (!(p > 0)) continue;
      total += p;
      if (covered[c]) before += p;
      else {
        problem.cells.push_back(static_cast<std::uint32_t>(c));
        problem.persons.push_back(p);
      }
    }
    problem.total = total;
    problem.covered_before = before;
    const auto limit = static_cast<float>(limit_min);
    for (const auto& r : reach) {
      std::vector<std::uint32_t> cells;
      for (const auto& rc : r.cells)
        if (rc.minutes <= limit && !covered[rc.cell]) cells.push_back(rc.cell);
      problem.covers.push_back(std::move(cells));
    }
    if (spec.budget > 0) {
      problem.objective = analysis::SitingObjective::kBudget;
      problem.budget = spec.budget;
    } else {
      problem.objective = analysis::SitingObjective::kTargetShare;
      problem.target_share = spec.target_share.value_or(standard.target_share);
    }

    // --- zones: per level, per candidate; the standard's facilities per zone
    o.candidate_zone.assign(levels.levels.size(), {});
    o.existing_in_zone.assign(levels.levels.size(), {});
    for (std::size_t l = 0; l < levels.levels.size(); ++l) {
      const auto zc = levels.zone_of_cell[l];
      for (const SitingCandidate& c : o.candidates) o.candidate_zone[l].push_back(zc.empty() ? kNoZone : zc[c.cell]);
      o.existing_in_zone[l].assign(levels.levels[l]->zones.size(), 0);
      for (const std::uint32_t fid : standard_facility_ids) {
        const std::uint32_t z = (*levels.facility_zone)[l][fid];
        if (z != kNoZone && z < o.existing_in_zone[l].size()) ++o.existing_in_zone[l][z];
      }
    }
    if (!spec.per_zone_level.empty()) {
      std::optional<std::size_t> min_level;
      for (std::size_t l = 0; l < levels.levels.size(); ++l)
        if (levels.levels[l]->level == spec.per_zone_level) min_level = l;
      const std::string pz = names.opt("per-zone", "per_zone") + " " + spec.per_zone_level + ":" + std::to_string(spec.per_zone_min);
      if (!min_level) names.refuse("per_zone", pz + ": the zone level '" + spec.per_zone_level + "' could not be loaded", "check [[zones]]");
      const ZoneLevel& lvl = *levels.levels[*min_level];
      const std::size_t zones = lvl.zones.size();
      // The facilities that stay count; the closable ones count while the model keeps them (they are sites).
      std::vector<std::uint32_t> existing = o.existing_in_zone[*min_level];
      for (std::size_t j = o.candidates_given; j < o.candidates.size(); ++j) {
        const std::uint32_t z = o.candidate_zone[*min_level][j];
        if (z != kNoZone && z < existing.size() && existing[z] > 0) --existing[z];
      }
      std::vector<std::uint32_t> cand_count(zones, 0);
      for (std::uint32_t z : o.candidate_zone[*min_level])
        if (z != kNoZone) ++cand_count[z];
      problem.zone_required.assign(zones, 0);
      std::vector<std::string> impossible;
      std::uint64_t needed = 0;
      for (std::size_t z = 0; z < zones; ++z) {
        problem.zone_required[z] = existing[z] >= spec.per_zone_min ? 0 : spec.per_zone_min - existing[z];
        needed += problem.zone_required[z];
        if (cand_count[z] < problem.zone_required[z])
          impossible.push_back(lvl.zones[z].name + " (" + lvl.zones[z].code + ": " + std::to_string(existing[z]) + " existing, " +
                               std::to_string(cand_count[z]) + (cand_count[z] == 1 ? " candidate)" : " candidates)"));
      }
      if (!impossible.empty()) {
        std::string list;
        for (std::size_t i = 0; i < impossible.size() && i < 5; ++i) list += (i ? "; " : "") + impossible[i];
        if (impossible.size() > 5) list += " … (" + std::to_string(impossible.size()) + " zones)";
        names.refuse("per_zone", pz + " cannot be met: " + list, "add candidates in those zones (other candidates), or lower K");
      }
      for (std::uint32_t z : o.candidate_zone[*min_level]) problem.candidate_zone.push_back(z == kNoZone ? analysis::kNoSitingZone : z);
      if (spec.budget > 0 && needed > spec.budget + closable_count)
        names.refuse("per_zone",
                     pz + " needs " + std::to_string(needed) + " new sites, more than " + names.opt("budget", "budget") + " " +
                         std::to_string(spec.budget),
                     "raise the budget to at least " + std::to_string(needed) + ", or lower K");
    }

    // --- solve
    analysis::SitingOptions options;
    options.method = spec.method == "greedy" ? analysis::SitingMethod::kGreedy
                     : spec.method == "exact" ? analysis::SitingMethod::kExact
                                              : analysis::SitingMethod::kAuto;
    options.time_limit_s = spec.time_limit_s;
    options.accept_gap = spec.accept_gap;
    const auto t_solve = std::chrono::steady_clock::now();
    {
      ProgressStep step(progress, "siting " + spec.id);
      o.result = analysis::solve_siting(problem, options);
    }
    o.solve_s = seconds_since(t_solve);
    const analysis::SitingResult& result = o.result;
    const std::string who = spec.from_cli ? std::string() : "siting " + spec.id + ": ";
    if (!result.target_reached)
      diag.warn("site.target_not_reached"_code,
                who + "the target share " + percent(problem.target_share) +
                    " cannot be reached with these candidates: all of them together reach " + percent(result.share_after()),
                {}, spec.from_cli ? "add candidates (another --candidates kind), or lower --target-share"
                                  : "add candidates (another candidates kind), or lower target_share");
    else if (!result.note.empty())
      diag.warn("site.solver_fallback"_code,
                who + (result.method_used == analysis::SitingMethod::kGreedy && spec.method == "greedy" ? "greedy siting: " : "exact siting: ") +
                    result.note,
                {}, "the gap is stated with the result when there is one; raise the time limit for a proven optimum or a bound");
    if (options.method == analysis::SitingMethod::kExact && !analysis::siting_solver_available())
      diag.warn("site.no_solver"_code, who + "the exact solver (COIN-OR CBC) is not built in: the greedy result, with its gap to the Lagrangian bound", {},
                "build carereach with coinor-libcbc-dev installed");
    problem.covers.clear();
    problem.covers.shrink_to_fit();
    problem.cells.clear();
    problem.persons.clear();
    o.solved = true;
  }
}

void finish_siting(std::vector<SitingOutcome>& outcomes, const std::string& standard_id, const std::string& why_en,
                   const std::string& why_zh) {
  for (SitingOutcome& o : outcomes)
    if (o.standard != nullptr && o.standard->id == standard_id && !o.solved && o.not_computed.empty()) {
      o.not_computed = "its standard " + standard_id + " was not computed: " + why_en;
      o.not_computed_zh = "所依据的服务标准 " + standard_id + " 未计算：" + why_zh;
    }
}

report::SitingTables siting_tables_of(const io::LoadedScenario& loaded, const SitingOutcome& o) {
  const SitingSpec& spec = *o.spec;
  const Standard& st = *o.standard;
  report::SitingTables t;
  t.id = spec.id;
  t.name_zh = spec.name_zh.empty() ? st.name_zh : spec.name_zh;
  t.name_en = spec.name_en.empty() ? st.name_en : spec.name_en;
  t.standard_id = st.id;
  t.standard_zh = st.name_zh;
  t.standard_en = st.name_en;
  t.threshold_min = *st.threshold_min;
  t.mode_zh = to_label_zh(st.mode);
  t.mode_en = to_label_en(st.mode);
  t.budget_objective = spec.budget > 0;
  t.budget = spec.budget;
  t.target_share = spec.target_share.value_or(st.target_share);
  t.candidates_text = spec.candidates.text;
  t.candidates = o.candidates_given;
  if (!spec.closable.empty()) {
    t.closable_text = spec.closable.text;
    t.closable = o.candidates.size() - o.candidates_given;
  }
  if (spec.capacitated()) {
    const std::string c = spec.capacity ? report::format_fixed(*spec.capacity, 0, true) : std::string();
    const std::string field = spec.capacity_field.empty() ? std::string()
                                                          : spec.capacity_field + " × " + report::format_fixed(spec.persons_per_unit, 0, true);
    if (spec.capacity_field.empty()) {
      t.capacity_zh = "每处至多服务 " + c + " 人";
      t.capacity_en = "each site serves at most " + c + " persons";
    } else {
      t.capacity_zh = "现有机构服务能力 = " + std::string(facility_attribute_label_zh(spec.capacity_field)) + " × " +
                      report::format_fixed(spec.persons_per_unit, 0, true) + " 人" + (c.empty() ? "" : "，其余每处 " + c + " 人");
      t.capacity_en = "existing facilities serve " + field + " persons" + (c.empty() ? "" : ", other sites " + c);
    }
  }
  if (!spec.per_zone_level.empty()) {
    const io::ZoneLevelSpec* zl = loaded.scenario.zone_level(spec.per_zone_level);
    const std::string lzh = zl != nullptr && !zl->label_zh.empty() ? zl->label_zh : spec.per_zone_level;
    const std::string len = zl != nullptr && !zl->label_en.empty() ? zl->label_en : spec.per_zone_level;
    t.per_zone_zh = "每个" + lzh + "（现有与新建合计）至少 " + std::to_string(spec.per_zone_min) + " 处";
    t.per_zone_en = "at least " + std::to_string(spec.per_zone_min) + " (existing and new) in every " + len;
  }
  t.not_computed_zh = o.not_computed_zh;
  t.not_computed_en = o.not_computed;
  if (!o.computed()) return t;
  const analysis::SitingResult& r = o.result;
  t.target_reached = r.target_reached;
  t.method_zh = method_line(r, o.problem, true);
  t.method_en = method_line(r, o.problem, false);
  t.exact = r.method_used == analysis::SitingMethod::kExact;
  t.proven_optimal = r.proven_optimal;
  t.gap = r.gap;
  t.coverable_cells = r.reduction.coverable_cells;
  t.demand_rows = r.reduction.demand_rows;
  t.candidates_kept = r.reduction.candidates_kept;
  t.total = r.total;
  t.before = r.covered_before;
  const Taxonomy& taxonomy = loaded.scenario.taxonomy;
  auto row_of = [&](std::uint32_t j) {
    const SitingCandidate& c = o.candidates[j];
    report::SitingSiteRow row;
    row.id = c.facility.source_id;
    row.name = c.facility.name;
    row.upgrade = c.upgrade;
    if (const FacilityType* ft = taxonomy.type_by_id(c.facility.type)) {
      row.type_zh = ft->name_zh;
      row.type_en = ft->name_en;
    } else {
      row.type_zh = c.facility.type;
    }
    for (const auto& zones : o.candidate_zone) row.zone.push_back(zones[j]);
    if (j < o.problem.capacity.size()) row.capacity = o.problem.capacity[j];
    return row;
  };
  for (const analysis::SitingClosure& closure : r.closed) {
    report::SitingSiteRow row = row_of(closure.candidate);
    row.gain = -closure.loss;
    t.closed.push_back(std::move(row));
  }
  t.kept = r.kept;
  for (const analysis::SitingPick& pick : r.chosen) {
    report::SitingSiteRow row = row_of(pick.candidate);
    row.gain = pick.gain;
    row.assigned = pick.assigned;
    t.sites.push_back(std::move(row));
  }
  t.existing = o.existing_in_zone;
  return t;
}

io::LayerData siting_layer(const SitingOutcome& o, const report::SitingTables& t, std::span<const ZoneLevel> levels,
                           const std::string& name) {
  const report::SitingPublished pub = report::publish_siting(t);
  io::LayerData layer;
  layer.name = name;
  layer.title_zh = "选址方案 " + t.name_zh;
  layer.description = "Chosen sites for " + t.standard_id + " in the order of the coverage curve, with the persons each adds, "
                      "and the existing facilities closed (action close) with the persons each loses (modelled)";
  layer.geometry_type = io::LayerData::GeometryType::kPoint;
  using FT = io::FieldDef::Type;
  layer.fields = {{"rank", "顺序", FT::kInteger},          {"site_id", "机构或候选点编码", FT::kString},
                  {"name", "名称", FT::kString},           {"action", "措施", FT::kString},
                  {"type", "机构类别", FT::kString},       {"gain_persons", "新增覆盖人口（人）", FT::kInteger},
                  {"covered_persons", "累计覆盖人口（人）", FT::kInteger}, {"share_covered", "累计覆盖率", FT::kReal}};
  for (const ZoneLevel& l : levels) {
    layer.fields.push_back({"zone_" + l.level + "_code", l.label_zh + "代码", FT::kString});
    layer.fields.push_back({"zone_" + l.level + "_name", l.label_zh, FT::kString});
  }
  const bool cap = !o.problem.capacity.empty();
  if (cap) {
    layer.fields.push_back({"capacity", "服务能力（人）", FT::kInteger});
    layer.fields.push_back({"assigned_persons", "分配服务人口（人）", FT::kInteger});
  }
  if (!o.computed()) return layer;
  // The closures first (rank empty, the persons lost as a negative gain), then the new sites in curve order.
  auto feature = [&](std::uint32_t j, std::optional<std::int64_t> rank, const std::string& action, std::int64_t gain,
                     std::int64_t covered, double assigned) {
    const SitingCandidate& c = o.candidates[j];
    io::LayerFeature f;
    f.geometry = geo::Geometry::point(c.facility.x_m, c.facility.y_m);
    f.values = {rank ? io::FieldValue(*rank) : io::FieldValue(std::monostate{}), c.facility.source_id, c.facility.name, action,
                c.facility.type, gain, covered, pub.share(covered)};
    for (std::size_t l = 0; l < levels.size(); ++l) {
      const std::uint32_t z = l < o.candidate_zone.size() ? o.candidate_zone[l][j] : kNoZone;
      if (z == kNoZone || z >= levels[l].zones.size()) {
        f.values.emplace_back(std::monostate{});
        f.values.emplace_back(std::monostate{});
      } else {
        f.values.emplace_back(levels[l].zones[z].code);
        f.values.emplace_back(levels[l].zones[z].name);
      }
    }
    if (cap) {
      f.values.emplace_back(report::round_half_even(o.problem.capacity[j]));
      f.values.emplace_back(report::round_half_even(assigned));
    }
    layer.features.push_back(std::move(f));
  };
  for (std::size_t i = 0; i < o.result.closed.size(); ++i)
    feature(o.result.closed[i].candidate, std::nullopt, "close", pub.closed_change[i], pub.closed_cumulative[i], 0.0);
  for (std::size_t i = 0; i < o.result.chosen.size(); ++i) {
    const SitingCandidate& c = o.candidates[o.result.chosen[i].candidate];
    feature(o.result.chosen[i].candidate, static_cast<std::int64_t>(i + 1), c.upgrade ? "upgrade" : "new", pub.gain[i],
            pub.cumulative[i], o.result.chosen[i].assigned);
  }
  // New sites as purple stars, upgrades of existing facilities as orange diamonds (the action field).
  io::qgis::CategorizedMarker style;
  style.field = "action";
  style.categories = {{"new", io::qgis::colour("#7b3294"), "新建 new site"},
                      {"upgrade", io::qgis::colour("#e66101"), "升级 upgrade"},
                      {"close", io::qgis::colour("#4d4d4d"), "关闭 close"}};
  style.shape = "star";
  style.size_mm = 4.0;
  layer.qml = io::qgis::categorized_marker_qml(style);
  return layer;
}

io::ScenarioChanges siting_changes(const SitingOutcome& o, const io::LoadedScenario& loaded) {
  io::ScenarioChanges changes;
  const Standard& st = *o.standard;
  changes.label_zh = st.name_zh + "选址方案（" + std::to_string(o.result.chosen.size()) + " 处）";
  changes.label_en = st.name_en + ": siting result (" + std::to_string(o.result.chosen.size()) + " sites)";
  for (const analysis::SitingClosure& closure : o.result.closed) changes.close.push_back(o.candidates[closure.candidate].facility.source_id);
  io::FacilityUpgrade up;
  up.add_tags = o.site_tags;
  for (const auto& pick : o.result.chosen) {
    const SitingCandidate& c = o.candidates[pick.candidate];
    if (c.upgrade) {
      up.ids.push_back(c.facility.source_id);
    } else {
      io::FacilityAddition a;
      a.id = c.facility.source_id;
      a.name = c.facility.name;
      a.type = c.facility.type;
      a.tags = c.facility.tags;
      a.x = c.facility.x_m;
      a.y = c.facility.y_m;
      a.crs = loaded.analysis_crs.authority_code().empty() ? loaded.analysis_crs.definition : loaded.analysis_crs.authority_code();
      changes.add.push_back(a);
    }
  }
  if (!up.ids.empty()) changes.upgrade.push_back(up);
  return changes;
}

}  // namespace carereach::pipeline
