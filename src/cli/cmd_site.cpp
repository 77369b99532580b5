// carereach site SCENARIO --standard ID [--budget N | --target-share S] --candidates … --out DIR — facility siting:
// which candidate sites to open (or existing facilities to upgrade) so that more of the population is within a
// standard's threshold (docs/cli/site.md, docs/method/siting.md).

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>

#include "analysis/reach.hpp"
#include "analysis/siting.hpp"
#include "cli/command.hpp"
#include "cli/progress.hpp"
#include "pipeline/run_analysis.hpp"
#include "cli/summary.hpp"
#include "pipeline/travel_setup.hpp"
#include "cli/versions.hpp"
#include "core/error.hpp"
#include "io/files.hpp"
#include "io/input_access.hpp"
#include "io/facilities.hpp"
#include "io/layers.hpp"
#include "io/load.hpp"
#include "io/output_folder.hpp"
#include "io/run_manifest.hpp"
#include "io/scenario.hpp"
#include "io/site_scenario.hpp"
#include "report/rounding.hpp"
#include "report/writers.hpp"

namespace carereach::cli {
using namespace carereach::pipeline;  // the run's stages (src/pipeline)

namespace {

namespace fs = std::filesystem;
using analysis::kNoZone;

/// What --candidates names.
struct CandidateSpec {
  enum class Kind { kExisting, kLayer, kGrid } kind = Kind::kExisting;
  std::vector<std::string> selector;  ///< existing: facility types or tags (any matches)
  std::string file;                   ///< layer
  double spacing_m = 0.0;             ///< grid
};

CandidateSpec parse_candidates(const std::string& text) {
  const auto colon = text.find(':');
  const std::string kind = text.substr(0, colon);
  const std::string arg = colon == std::string::npos ? std::string() : text.substr(colon + 1);
  const std::string hint = "use existing:<facility types or tags, comma-separated> (e.g. existing:村卫生室), "
                           "layer:<point file> or grid:<spacing in metres> (docs/cli/site.md)";
  CandidateSpec c;
  if (arg.empty()) throw UsageError("--candidates '" + text + "' names no candidates", hint);
  if (kind == "existing") {
    c.kind = CandidateSpec::Kind::kExisting;
    std::size_t at = 0;
    while (at <= arg.size()) {
      const auto comma = arg.find(',', at);
      const std::string item = arg.substr(at, comma == std::string::npos ? std::string::npos : comma - at);
      if (!item.empty()) c.selector.push_back(item);
      if (comma == std::string::npos) break;
      at = comma + 1;
    }
  } else if (kind == "layer") {
    c.kind = CandidateSpec::Kind::kLayer;
    c.file = arg;
  } else if (kind == "grid") {
    c.kind = CandidateSpec::Kind::kGrid;
    char* end = nullptr;
    c.spacing_m = std::strtod(arg.c_str(), &end);
    if (end == arg.c_str() || *end != '\0' || !(c.spacing_m > 0.0) || !std::isfinite(c.spacing_m))
      throw UsageError("--candidates grid:" + arg + " is not a spacing in metres", hint);
  } else {
    throw UsageError("--candidates '" + text + "': unknown kind '" + kind + "'", hint);
  }
  return c;
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at <= text.size()) {
    const auto comma = text.find(',', at);
    std::string item = text.substr(at, comma == std::string::npos ? std::string::npos : comma - at);
    if (!item.empty()) out.push_back(item);
    if (comma == std::string::npos) break;
    at = comma + 1;
  }
  return out;
}

/// One candidate: an existing facility to upgrade, or a new site.
struct Candidate {
  Facility facility;        ///< position (and, for an upgrade, the facility as it is)
  bool upgrade = false;
  std::size_t cell = 0;     ///< grid cell of the position
};

std::string percent(double share, int decimals = 1) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f %%", decimals, 100.0 * share);
  return buf;
}

std::string number_text(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

class SiteCommand final : public Command {
 public:
  const char* name() const override { return "site"; }
  const char* summary() const override {
    return "Facility siting: where to build (or which facilities to upgrade) so that more people are within a standard's threshold";
  }
  void setup(CLI::App& app) override {
    app.add_option("scenario", scenario_, "Scenario file (.toml); see docs/scenario.md")->required();
    app.add_option("-s,--standard", standard_, "Id of the time standard to improve, e.g. tcm_15min")->required();
    app.add_option("--budget", budget_, "Maximal covering: at most N new sites, as many persons covered as possible")
        ->check(CLI::Range(1, 1000000));
    app.add_option("--target-share", target_share_,
                   "The fewest new sites so that this share of the population is covered (0–1, existing coverage "
                   "counted); default: the standard's target share")
        ->check(CLI::Range(0.0, 1.0));
    app.add_option("--candidates", candidates_,
                   "existing:<types or tags> (facilities to upgrade, e.g. existing:村卫生室), layer:<point file> "
                   "(fields id and name) or grid:<spacing m> (the most populated cell of each block)")
        ->required();
    app.add_option("--tags", tags_,
                   "Tags the upgraded or new sites get, comma-separated (default: the standard's first tag)");
    app.add_option("--new-type", new_type_, "Facility type of new sites (layer, grid; default: the standard's first type)");
    app.add_option("--per-zone", per_zone_, "LEVEL:K — at least K facilities of the standard (existing and new) in every zone of LEVEL");
    app.add_option("--method", method_, "greedy, exact (COIN-OR CBC) or auto (exact when the solver is built in; default)")
        ->check(CLI::IsMember({"greedy", "exact", "auto"}));
    app.add_option("--time-limit", time_limit_s_, "The solver's time limit in seconds: exact solve, or greedy's LP bound (default 60)")
        ->check(CLI::Range(1.0, 86400.0));
    app.add_option("-o,--out", out_, "Output folder (written beside it and renamed when complete)")->required();
    app.add_flag("--overwrite", overwrite_, "Replace the output folder if carereach wrote it, unchanged (docs/output-folders.md)");
    app.add_option("--lang", lang_, "Language of the tables and report: zh (default) or en")->check(CLI::IsMember({"zh", "en"}));
    app.add_flag("--allow-network", allow_network_, "Let inputs be read from the network (URLs, /vsicurl/ …)");
    app.footer("Writes sites.gpkg, tables/coverage_curve.csv, tables/sites_<level>.csv, scenario.toml (the result as "
               "[changes], for `carereach run` and `compare`), report.md and site.json (docs/cli/site.md).");
  }

  int run(Console& console) override {
    io::lock_network_for_process(allow_network_);
    const auto t_start = std::chrono::steady_clock::now();
    io::check_output_path(out_);
    if (budget_ > 0 && target_share_ >= 0.0)
      throw UsageError("--budget and --target-share are two objectives: give one",
                       "--budget N: the most persons for N sites; --target-share 0.9: the fewest sites for 90 %");
    const CandidateSpec cand_spec = parse_candidates(candidates_);
    io::Scenario scenario = io::read_scenario(scenario_);

    // --- the standard
    const Standard* standard = nullptr;
    std::string ids;
    for (const auto& s : scenario.standards) {
      ids += (ids.empty() ? "" : ", ") + s.id;
      if (s.id == standard_) standard = &s;
    }
    if (standard == nullptr) throw UsageError("the scenario has no standard '" + standard_ + "'", "its standards: " + ids);
    if (!standard->threshold_min)
      throw UsageError("'" + standard_ + "' is a distance standard: siting needs a time standard",
                       "siting measures each candidate's reach in travel time; choose a time standard (" + ids + ")");
    const Standard st = *standard;
    const double threshold = *st.threshold_min;

    // --- per-zone minimum
    std::string zone_level;
    std::uint32_t zone_k = 0;
    if (!per_zone_.empty()) {
      const auto colon = per_zone_.rfind(':');
      char* end = nullptr;
      const std::string k = colon == std::string::npos ? std::string() : per_zone_.substr(colon + 1);
      const long v = k.empty() ? -1 : std::strtol(k.c_str(), &end, 10);
      if (colon == std::string::npos || end == k.c_str() || *end != '\0' || v < 1 || v > 1000)
        throw UsageError("--per-zone '" + per_zone_ + "' is not LEVEL:K", "e.g. --per-zone township:1 (K from 1 to 1000)");
      zone_level = per_zone_.substr(0, colon);
      zone_k = static_cast<std::uint32_t>(v);
      if (scenario.zone_level(zone_level) == nullptr) {
        std::string levels;
        for (const auto& z : scenario.zones) levels += (levels.empty() ? "" : ", ") + z.level;
        throw UsageError("--per-zone: the scenario has no zone level '" + zone_level + "'", "its levels: " + levels);
      }
    }

    // --- tags and type of the sites
    std::vector<std::string> tags;
    for (const auto& t : split_list(tags_)) {
      auto tag = scenario.taxonomy.find_tag(t);
      if (!tag) throw UsageError("--tags: '" + t + "' is not a known tag", "use a tag of docs/method/taxonomy.md (e.g. 中医阁)");
      tags.push_back(*tag);
    }
    if (tags.empty() && !st.select.tags_any.empty()) tags.push_back(st.select.tags_any.front());
    site_tags_ = tags;
    const FacilityType* new_type = nullptr;
    if (cand_spec.kind != CandidateSpec::Kind::kExisting) {
      if (!new_type_.empty()) {
        new_type = scenario.taxonomy.find_type(new_type_);
        if (new_type == nullptr) throw UsageError("--new-type: '" + new_type_ + "' is not a facility type", "use a type of docs/method/taxonomy.md");
      } else if (!st.select.types.empty()) {
        new_type = scenario.taxonomy.type_by_id(st.select.types.front());
      }
      if (new_type == nullptr)
        throw UsageError("new sites need a facility type: standard '" + standard_ + "' counts facilities of any type",
                         "give --new-type, e.g. --new-type 村卫生室");
    }

    // --- output folder, then load
    io::OutputFolderOptions folder;
    folder.command = "site";
    folder.overwrite = overwrite_;
    folder.inputs = io::scenario_input_paths(scenario);
    if (cand_spec.kind == CandidateSpec::Kind::kLayer) folder.inputs.push_back(fs::absolute(cand_spec.file));
    io::OutputDir dir(out_, folder);
    for (const auto& note : dir.recovery_notes()) console.info(note);
    Diagnostics diag;
    ConsoleProgress progress(console);
    io::LoadOptions load_options;
    load_options.checksums = false;
    load_options.standards = {standard_};
    io::LoadedScenario loaded = io::load_scenario(std::move(scenario), diag, load_options, &progress);
    diag.throw_if_errors();
    if (!loaded.population) throw UsageError("the scenario has no population: siting needs persons per cell");
    if (const analysis::NotComputed why = why_not_computable(loaded, st); !why.empty())
      throw ScenarioError("travel times of standard " + standard_ + " cannot be computed: " + why.en,
                          Location{scenario_, {}, {}, "standards." + standard_, 0}, why.hint);

    // --- the standard as `run` computes it: existing coverage per cell, zones on the grid
    loaded.scenario.standards = {st};
    loaded.scenario.indicators.clear();
    // The analyses built on other standards (capacity coverage, referral, accessibility, Huff) are not siting's.
    loaded.scenario.capacity.clear();
    loaded.scenario.access_models = {};
    const PopulationGrid& pop = loaded.population->surface;
    const Grid& grid = pop.grid;
    std::vector<char> covered(grid.cell_count(), 0);
    RunAnalysis analysis = analyse_run(loaded, diag, &progress, [&](StandardOutcome&, const StandardCells& cells) {
      for (std::size_t c = 0; c < covered.size(); ++c)
        covered[c] = cells.measure.value[c] <= cells.threshold.at(c) ? 1 : 0;
    });
    const StandardOutcome& outcome = analysis.standards.at(0);
    if (!outcome.not_computed.empty())
      throw ScenarioError("travel times of standard " + standard_ + " cannot be computed: " + outcome.not_computed,
                          Location{scenario_, {}, {}, "standards." + standard_, 0}, outcome.not_computed_hint);

    // --- candidates
    std::vector<Candidate> cands = make_candidates(cand_spec, loaded, st, tags, new_type, diag);
    if (budget_ > 0 && budget_ > cands.size())
      throw UsageError("--budget " + std::to_string(budget_) + " is larger than the " + std::to_string(cands.size()) +
                           " candidates",
                       "give a budget of at most " + std::to_string(cands.size()) + ", or more candidates");

    // --- each candidate's reach
    const auto t_reach = std::chrono::steady_clock::now();
    analysis::TravelModel model = make_travel_model(loaded);  // rebuilt: analyse_run's model released the mode
    std::vector<Facility> facilities;
    facilities.reserve(cands.size());
    for (const auto& c : cands) {
      facilities.push_back(c.facility);
      facilities.back().id = FacilityId(static_cast<std::uint32_t>(facilities.size() - 1));  // dense, in list order
    }
    std::vector<analysis::FacilityReach> reach;
    {
      ProgressStep step(&progress, "reach of " + std::to_string(cands.size()) + " candidates");
      reach = analysis::facility_reach(model, st, facilities, threshold, diag, &progress);
    }
    const double reach_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_reach).count();

    analysis::SitingProblem problem;
    double total = 0.0, before = 0.0;
    for (std::size_t c = 0; c < covered.size(); ++c) {
      const double p = pop.persons[c];
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
    const float limit = static_cast<float>(threshold);
    for (const auto& r : reach) {
      std::vector<std::uint32_t> cells;
      for (const auto& rc : r.cells)
        if (rc.minutes <= limit && !covered[rc.cell]) cells.push_back(rc.cell);
      problem.covers.push_back(std::move(cells));
    }
    if (budget_ > 0) {
      problem.objective = analysis::SitingObjective::kBudget;
      problem.budget = budget_;
    } else {
      problem.objective = analysis::SitingObjective::kTargetShare;
      problem.target_share = target_share_ >= 0.0 ? target_share_ : st.target_share;
    }

    // --- zones: per candidate, per level
    std::vector<std::vector<std::uint32_t>> cand_zone(analysis.levels.size());
    for (std::size_t l = 0; l < analysis.levels.size(); ++l)
      for (const auto& c : cands) cand_zone[l].push_back(analysis.levels[l].zone_of_cell.empty() ? kNoZone : analysis.levels[l].zone_of_cell[c.cell]);
    std::optional<std::size_t> min_level;
    std::vector<std::uint32_t> existing_in_zone;
    if (!zone_level.empty()) {
      for (std::size_t l = 0; l < analysis.levels.size(); ++l)
        if (analysis.levels[l].level.level == zone_level) min_level = l;
      if (!min_level) throw UsageError("--per-zone: the zone level '" + zone_level + "' could not be loaded");
      const auto& lvl = analysis.levels[*min_level];
      const std::size_t zones = lvl.level.zones.size();
      existing_in_zone.assign(zones, 0);
      for (std::uint32_t fid : outcome.facility_ids) {
        const std::uint32_t z = analysis.facility_zone[*min_level][fid];
        if (z != kNoZone) ++existing_in_zone[z];
      }
      std::vector<std::uint32_t> cand_count(zones, 0);
      for (std::uint32_t z : cand_zone[*min_level])
        if (z != kNoZone) ++cand_count[z];
      problem.zone_required.assign(zones, 0);
      std::vector<std::string> impossible;
      std::uint64_t needed = 0;
      for (std::size_t z = 0; z < zones; ++z) {
        problem.zone_required[z] = existing_in_zone[z] >= zone_k ? 0 : zone_k - existing_in_zone[z];
        needed += problem.zone_required[z];
        if (cand_count[z] < problem.zone_required[z])
          impossible.push_back(lvl.level.zones[z].name + " (" + lvl.level.zones[z].code + ": " +
                               std::to_string(existing_in_zone[z]) + " existing, " + std::to_string(cand_count[z]) +
                               (cand_count[z] == 1 ? " candidate)" : " candidates)"));
      }
      if (!impossible.empty()) {
        std::string list;
        for (std::size_t i = 0; i < impossible.size() && i < 5; ++i) list += (i ? "; " : "") + impossible[i];
        if (impossible.size() > 5) list += " … (" + std::to_string(impossible.size()) + " zones)";
        throw UsageError("--per-zone " + per_zone_ + " cannot be met: " + list,
                         "add candidates in those zones (another --candidates), or lower K");
      }
      for (std::uint32_t z : cand_zone[*min_level]) problem.candidate_zone.push_back(z == kNoZone ? analysis::kNoSitingZone : z);
      if (budget_ > 0 && needed > budget_)
        throw UsageError("--per-zone " + per_zone_ + " needs " + std::to_string(needed) + " new sites, more than --budget " +
                             std::to_string(budget_),
                         "raise the budget to at least " + std::to_string(needed) + ", or lower K");
    }

    // --- solve
    analysis::SitingOptions options;
    options.method = method_ == "greedy" ? analysis::SitingMethod::kGreedy
                     : method_ == "exact" ? analysis::SitingMethod::kExact
                                          : analysis::SitingMethod::kAuto;
    options.time_limit_s = time_limit_s_;
    const auto t_solve = std::chrono::steady_clock::now();
    analysis::SitingResult result;
    {
      ProgressStep step(&progress, "siting");
      result = analysis::solve_siting(problem, options);
    }
    const double solve_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_solve).count();
    if (!result.note.empty()) {
      if (!result.target_reached)
        diag.warn("site.target_not_reached"_code,
                  "the target share " + percent(problem.target_share) + " cannot be reached with these candidates: all of them together reach " +
                      percent(result.share_after()),
                  {}, "add candidates (another --candidates kind), or lower --target-share");
      else
        diag.warn("site.solver_fallback"_code, std::string(result.method_used == analysis::SitingMethod::kGreedy && method_ == "greedy" ? "greedy siting: " : "exact siting: ") + result.note, {},
                  "the gap is stated with the result when there is one; raise --time-limit for a proven optimum or a bound");
    }
    if (options.method == analysis::SitingMethod::kExact && !analysis::siting_solver_available())
      diag.warn("site.no_solver"_code, "the exact solver (COIN-OR CBC) is not built in: the greedy result, without a bound", {},
                "build carereach with coinor-libcbc-dev installed");

    write_outputs(dir, loaded, analysis, st, cands, problem, result, diag);
    const double all_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
    write_json(dir, st, cands, problem, result, diag, reach_s, solve_s, all_s);
    dir.commit();

    for (const auto& p : diag.all()) console.problem(p);
    print_result(console, st, cands, problem, result);
    console.out("Outputs written to 输出目录: " + fs::absolute(dir.target()).lexically_normal().string());
    return 0;
  }

 private:
  std::vector<Candidate> make_candidates(const CandidateSpec& spec, const io::LoadedScenario& loaded, const Standard& st,
                                         const std::vector<std::string>& tags, const FacilityType* new_type,
                                         Diagnostics& diag) const {
    const Taxonomy& taxonomy = loaded.scenario.taxonomy;
    const Grid& grid = loaded.population->surface.grid;
    std::vector<Candidate> out;
    auto as_site = [&](Facility f) {
      f.type = new_type->id;
      f.tags = taxonomy.close_tags(tags, new_type);
      f.status = FacilityStatus::kActive;
      return f;
    };
    auto check_counts = [&](const Facility& changed, const std::string& what) {
      if (!st.select.matches(changed))
        throw UsageError(what + " would still not count for standard '" + st.id + "'",
                         "give --tags (and for new sites --new-type) that the standard selects");
    };
    if (spec.kind == CandidateSpec::Kind::kExisting) {
      std::vector<const FacilityType*> types;
      std::vector<std::string> sel_tags;
      for (const auto& s : spec.selector) {
        if (const FacilityType* t = taxonomy.find_type(s)) types.push_back(t);
        else if (auto tag = taxonomy.find_tag(s)) sel_tags.push_back(*tag);
        else
          throw UsageError("--candidates existing:" + s + ": '" + s + "' is neither a facility type nor a tag",
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
        throw UsageError("--candidates " + candidates_ + ": no facility to upgrade" +
                             (counted > 0 ? " (the " + std::to_string(counted) + " that match count for standard '" + st.id + "' already)" : " matches"),
                         "name facility types or tags that the standard does not count yet");
      return out;
    }
    if (spec.kind == CandidateSpec::Kind::kLayer) {
      io::FacilitySourceSpec src;
      src.source.path_as_written = spec.file;
      src.source.path = spec.file;
      src.source.key = "--candidates";
      src.fields.id = "id";
      src.fields.name = "name";
      src.default_type = new_type->id;
      src.id_prefix = "site-";
      io::check_input_path(src.source);
      std::error_code ec;
      if (!fs::exists(spec.file, ec))
        throw InputError("candidate layer not found", Location{spec.file, {}, {}, {}, 0}, "give a point layer (GeoPackage, GeoJSON, Shapefile)");
      Diagnostics layer_diag;
      std::vector<Facility> points = io::load_facilities({src}, taxonomy, loaded.analysis_crs, layer_diag, &loaded.output_crs);
      layer_diag.throw_if_errors();
      if (points.empty())
        throw InputError("the candidate layer has no points", Location{spec.file, {}, {}, {}, 0}, "give a layer with at least one candidate point");
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
                         Location{spec.file, {}, {}, {}, 0},
                         "check the layer's coordinate system (a .prj, or GCJ-02 coordinates) and that it covers the study area");
      if (outside > 0)
        diag.warn("site.candidate_outside"_code,
                  std::to_string(outside) + " of " + std::to_string(points.size()) + " candidate points lie outside the study area and are left out",
                  Location{spec.file, {}, {}, {}, 0}, "check those points");
      return out;
    }
    // grid: the most populated cell of each block of k × k cells
    const auto& persons = loaded.population->surface.persons;
    const auto k = static_cast<std::uint32_t>(std::max(1.0, std::round(spec.spacing_m / grid.cell_size_m)));
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
      throw UsageError("--candidates " + candidates_ + ": no populated cell in the study area", "check the population input");
    return out;
  }

  static bool in_study_area(const io::LoadedScenario& loaded, std::size_t cell) {
    if (!loaded.study_area_level) return true;
    const auto& zr = loaded.zone_rasters[*loaded.study_area_level].zone_of_cell;
    return cell < zr.size() && zr[cell] != kNoZone;
  }

  /// Whole persons: the cumulative covered figures rounded, each gain the difference of two of them, so that the
  /// gains add up to the total gain.
  struct Published {
    std::int64_t total = 0, before = 0;
    std::vector<std::int64_t> cumulative;  ///< after each chosen site
    std::vector<std::int64_t> gain;
    [[nodiscard]] std::int64_t after() const { return cumulative.empty() ? before : cumulative.back(); }
    [[nodiscard]] double share(std::int64_t v) const { return total > 0 ? static_cast<double>(v) / static_cast<double>(total) : 0.0; }
  };
  static Published publish(const analysis::SitingResult& r) {
    Published p;
    p.total = report::round_half_even(r.total);
    p.before = report::round_half_even(r.covered_before);
    double cum = r.covered_before;
    std::int64_t prev = p.before;
    for (const auto& c : r.chosen) {
      cum += c.gain;
      const std::int64_t v = report::round_half_even(cum);
      p.cumulative.push_back(v);
      p.gain.push_back(v - prev);
      prev = v;
    }
    return p;
  }

  void write_outputs(const io::OutputDir& dir, const io::LoadedScenario& loaded, const RunAnalysis& analysis,
                     const Standard& st, const std::vector<Candidate>& cands, const analysis::SitingProblem& problem,
                     const analysis::SitingResult& result, Diagnostics& diag) const {
    const report::Lang lang = lang_ == "en" ? report::Lang::kEn : report::Lang::kZh;
    const bool zh = lang == report::Lang::kZh;
    const Published pub = publish(result);
    const auto& levels = analysis.levels;
    auto zone_of = [&](std::size_t level, const Candidate& c) -> std::uint32_t {
      const auto& z = levels[level].zone_of_cell;
      return z.empty() ? kNoZone : z[c.cell];
    };

    // sites.gpkg
    io::LayerData layer;
    layer.name = "sites";
    layer.title_zh = "选址方案 " + st.name_zh;
    layer.description = "Chosen sites for " + st.id + " in the order of the coverage curve, with the persons each adds";
    layer.geometry_type = io::LayerData::GeometryType::kPoint;
    using FT = io::FieldDef::Type;
    layer.fields = {{"rank", "顺序", FT::kInteger},          {"site_id", "机构或候选点编码", FT::kString},
                    {"name", "名称", FT::kString},           {"action", "措施", FT::kString},
                    {"type", "机构类别", FT::kString},       {"gain_persons", "新增覆盖人口（人）", FT::kInteger},
                    {"covered_persons", "累计覆盖人口（人）", FT::kInteger}, {"share_covered", "累计覆盖率", FT::kReal}};
    for (std::size_t l = 0; l < levels.size(); ++l) {
      layer.fields.push_back({"zone_" + levels[l].level.level + "_code", levels[l].level.label_zh + "代码", FT::kString});
      layer.fields.push_back({"zone_" + levels[l].level.level + "_name", levels[l].level.label_zh, FT::kString});
    }
    for (std::size_t i = 0; i < result.chosen.size(); ++i) {
      const Candidate& c = cands[result.chosen[i].candidate];
      io::LayerFeature f;
      f.geometry = geo::Geometry::point(c.facility.x_m, c.facility.y_m);
      f.values = {static_cast<std::int64_t>(i + 1), c.facility.source_id, c.facility.name,
                  std::string(c.upgrade ? "upgrade" : "new"), c.facility.type, pub.gain[i], pub.cumulative[i],
                  pub.share(pub.cumulative[i])};
      for (std::size_t l = 0; l < levels.size(); ++l) {
        const std::uint32_t z = zone_of(l, c);
        if (z == kNoZone) {
          f.values.emplace_back(std::monostate{});
          f.values.emplace_back(std::monostate{});
        } else {
          f.values.emplace_back(levels[l].level.zones[z].code);
          f.values.emplace_back(levels[l].level.zones[z].name);
        }
      }
      layer.features.push_back(std::move(f));
    }
    std::vector<io::LayerData> layers;
    layers.push_back(std::move(layer));
    io::write_geopackage(dir.path() / "sites.gpkg", layers, loaded.analysis_crs, loaded.output_crs);

    // tables/coverage_curve.csv
    fs::create_directories(dir.path() / "tables");
    report::Table curve;
    curve.id = "coverage_curve";
    curve.sheet_zh = "附表12 选址方案";
    curve.sheet_en = "Table 12 Siting";
    curve.title_zh = "附表12 选址方案：" + st.name_zh + "每新增一处的覆盖增量（模型结果）";
    curve.title_en = "Table 12 Siting: " + st.name_en + ", the coverage each new site adds (modelled)";
    curve.columns = {{"rank", "顺序", "Rank", "", "", report::ColumnKind::kInteger},
                     {"site_id", "编码", "Id", "", "", report::ColumnKind::kText},
                     {"name", "名称", "Name", "", "", report::ColumnKind::kText},
                     {"action", "措施", "Action", "", "", report::ColumnKind::kText},
                     {"gain", "新增覆盖人口", "Persons added", "人", "persons", report::ColumnKind::kInteger},
                     {"covered", "累计覆盖人口", "Persons covered", "人", "persons", report::ColumnKind::kInteger},
                     {"share", "累计覆盖率", "Share covered", "%", "%", report::ColumnKind::kPercent, 1}};
    {
      report::Row r0;
      r0.cells = {report::Cell::num(0), report::Cell::empty(), report::Cell::text("现有机构", "existing facilities"),
                  report::Cell::empty(), report::Cell::empty(), report::Cell::num(static_cast<double>(pub.before)),
                  report::Cell::num(pub.share(pub.before))};
      curve.rows.push_back(r0);
    }
    for (std::size_t i = 0; i < result.chosen.size(); ++i) {
      const Candidate& c = cands[result.chosen[i].candidate];
      report::Row r;
      r.cells = {report::Cell::num(static_cast<double>(i + 1)), report::Cell::text(c.facility.source_id),
                 report::Cell::text(c.facility.name),
                 c.upgrade ? report::Cell::text("升级", "upgrade") : report::Cell::text("新建", "new"),
                 report::Cell::num(static_cast<double>(pub.gain[i])), report::Cell::num(static_cast<double>(pub.cumulative[i])),
                 report::Cell::num(pub.share(pub.cumulative[i]))};
      curve.rows.push_back(r);
    }
    curve.notes_zh = {"注：模型结果。覆盖人口为" + st.name_zh + "阈值（" + number_text(*st.threshold_min) +
                      " 分钟）内的常住人口；第 0 行为现有机构；顺序为每一步新增覆盖最多者。总人口 " + std::to_string(pub.total) + " 人。"};
    curve.notes_en = {"Note: modelled. Persons within the threshold of " + st.name_en + " (" + number_text(*st.threshold_min) +
                      " min); row 0 is the existing facilities; each next site adds the most. Total population " +
                      std::to_string(pub.total) + "."};
    std::vector<report::Table> tables{curve};

    // tables/sites_<level>.csv
    for (std::size_t l = 0; l < levels.size(); ++l) {
      const auto& lvl = levels[l].level;
      std::vector<std::int64_t> count(lvl.zones.size(), 0), gain(lvl.zones.size(), 0), existing(lvl.zones.size(), 0);
      for (std::size_t i = 0; i < result.chosen.size(); ++i) {
        const std::uint32_t z = zone_of(l, cands[result.chosen[i].candidate]);
        if (z == kNoZone) continue;
        ++count[z];
        gain[z] += pub.gain[i];
      }
      for (std::uint32_t fid : analysis.standards[0].facility_ids) {
        const std::uint32_t z = analysis.facility_zone[l][fid];
        if (z != kNoZone) ++existing[z];
      }
      report::Table t;
      t.id = "sites_" + lvl.level;
      t.sheet_zh = "附表12 选址 " + lvl.label_zh;
      t.sheet_en = "Table 12 Sites " + lvl.label_en;
      t.title_zh = "附表12 选址方案：各" + lvl.label_zh + "新建（升级）数（模型结果）";
      t.title_en = "Table 12 Siting: sites to build (or upgrade) per " + lvl.label_en + " (modelled)";
      t.columns = {{"code", "代码", "Code", "", "", report::ColumnKind::kText},
                   {"name", lvl.label_zh, lvl.label_en, "", "", report::ColumnKind::kText},
                   {"existing", "现有机构数", "Existing facilities", "个", "", report::ColumnKind::kInteger},
                   {"sites", "新建（升级）数", "Sites to build or upgrade", "个", "", report::ColumnKind::kInteger},
                   {"gain", "新增覆盖人口", "Persons added", "人", "persons", report::ColumnKind::kInteger}};
      report::Row tot;
      tot.total = true;
      std::int64_t sum_c = 0, sum_g = 0, sum_e = 0;
      for (std::size_t z = 0; z < lvl.zones.size(); ++z) sum_c += count[z], sum_g += gain[z], sum_e += existing[z];
      tot.cells = {report::Cell::text("合计", "Total"), report::Cell::empty(), report::Cell::num(static_cast<double>(sum_e)),
                   report::Cell::num(static_cast<double>(sum_c)), report::Cell::num(static_cast<double>(sum_g))};
      t.rows.push_back(tot);
      for (std::size_t z = 0; z < lvl.zones.size(); ++z) {
        report::Row r;
        r.cells = {report::Cell::text(lvl.zones[z].code), report::Cell::text(lvl.zones[z].name),
                   report::Cell::num(static_cast<double>(existing[z])), report::Cell::num(static_cast<double>(count[z])),
                   report::Cell::num(static_cast<double>(gain[z]))};
        t.rows.push_back(r);
      }
      if (sum_c != static_cast<std::int64_t>(result.chosen.size()))
        t.notes_zh.push_back("注：" + std::to_string(static_cast<std::int64_t>(result.chosen.size()) - sum_c) + " 处不在任何" + lvl.label_zh + "内。"),
            t.notes_en.push_back("Note: " + std::to_string(static_cast<std::int64_t>(result.chosen.size()) - sum_c) + " sites lie in no " + lvl.label_en + ".");
      tables.push_back(std::move(t));
    }
    for (const auto& t : tables) io::write_file_atomically(dir.path() / "tables" / (t.id + ".csv"), report::to_csv(t, lang));

    // scenario.toml: the result as [changes]
    io::ScenarioChanges changes;
    const std::string target_text = problem.objective == analysis::SitingObjective::kBudget
                                        ? std::to_string(problem.budget) + (zh ? " 处" : " sites")
                                        : percent(problem.target_share, 0);
    changes.label_zh = st.name_zh + "选址方案（" + std::to_string(result.chosen.size()) + " 处）";
    changes.label_en = st.name_en + ": siting result (" + std::to_string(result.chosen.size()) + " sites)";
    io::FacilityUpgrade up;
    up.add_tags = site_tags_;
    for (const auto& pick : result.chosen) {
      const Candidate& c = cands[pick.candidate];
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
    const std::vector<std::string> header = {
        "carereach site: the result as a scenario — the scenario siting started from, with the chosen sites in [changes].",
        "Run it:     carereach run scenario.toml --out <folder>   (from this folder; paths are relative to it)",
        "Standard " + st.id + ": " + std::to_string(result.chosen.size()) + " sites, coverage " + percent(pub.share(pub.before)) +
            " → " + percent(pub.share(pub.after())) + " (promised by `site`)."};
    const fs::path target_dir = fs::absolute(dir.target()).lexically_normal();
    io::write_file_atomically(dir.path() / "scenario.toml", io::scenario_with_changes(loaded.scenario, changes, target_dir, header));

    // report.md
    std::string md;
    const std::string n = std::to_string(result.chosen.size());
    if (zh) {
      md += "# 选址方案：" + st.name_zh + "\n\n";
      md += "- 现状覆盖率 " + percent(pub.share(pub.before)) + "（" + grouped(static_cast<double>(pub.before)) + " / " + grouped(static_cast<double>(pub.total)) + " 人）。\n";
      if (problem.objective == analysis::SitingObjective::kTargetShare) {
        if (!result.target_reached)
          md += "- **候选点全部建成也达不到 " + percent(problem.target_share, 0) + "**：最多 " + percent(pub.share(pub.after())) + "（" + n + " 处）。\n";
        else if (result.chosen.empty())
          md += "- 现状已达到 " + percent(problem.target_share, 0) + "，无需新建。\n";
        else
          md += "- **达到 " + percent(problem.target_share, 0) + " 需新建 " + n + " 处**，覆盖率提高到 " + percent(pub.share(pub.after())) + "。\n";
      } else {
        md += "- **新建 " + n + " 处**（预算 " + target_text + "），覆盖率提高到 " + percent(pub.share(pub.after())) + "。\n";
      }
      md += "- 方法：" + method_line(result, problem, true) + "\n";
      md += "- 候选点 " + std::to_string(cands.size()) + " 个（" + candidates_ + "）；需求单元 " +
            std::to_string(result.reduction.coverable_cells) + " 个栅格合并为 " + std::to_string(result.reduction.demand_rows) +
            " 行，保留候选点 " + std::to_string(result.reduction.candidates_kept) + " 个。\n";
      md += "- 结果情景 scenario.toml 可直接用 `carereach run` 复核、用 `carereach compare` 比较。\n\n";
    } else {
      md += "# Siting: " + st.name_en + "\n\n";
      md += "- Covered today: " + percent(pub.share(pub.before)) + " (" + grouped(static_cast<double>(pub.before)) + " of " + grouped(static_cast<double>(pub.total)) + " persons).\n";
      if (problem.objective == analysis::SitingObjective::kTargetShare) {
        if (!result.target_reached)
          md += "- **Even every candidate does not reach " + percent(problem.target_share, 0) + "**: at most " + percent(pub.share(pub.after())) + " (" + n + " sites).\n";
        else if (result.chosen.empty())
          md += "- " + percent(problem.target_share, 0) + " is reached already: nothing to build.\n";
        else
          md += "- **Reaching " + percent(problem.target_share, 0) + " needs " + n + " new sites**; coverage rises to " + percent(pub.share(pub.after())) + ".\n";
      } else {
        md += "- **" + n + " new sites** (budget " + target_text + "): coverage rises to " + percent(pub.share(pub.after())) + ".\n";
      }
      md += "- Method: " + method_line(result, problem, false) + "\n";
      md += "- " + std::to_string(cands.size()) + " candidates (" + candidates_ + "); " + std::to_string(result.reduction.coverable_cells) +
            " demand cells merged into " + std::to_string(result.reduction.demand_rows) + " rows; " +
            std::to_string(result.reduction.candidates_kept) + " candidates kept.\n";
      md += "- The result as a scenario, scenario.toml, runs with `carereach run` and compares with `carereach compare`.\n\n";
    }
    for (const auto& t : tables) md += report::to_markdown(t, lang) + "\n";
    for (const auto& p : diag.all()) md += "- " + std::string(zh ? "警告：" : "Warning: ") + report::markdown_text(p.describe()) + "\n";
    io::write_file_atomically(dir.path() / "report.md", md);
  }

  std::string method_line(const analysis::SitingResult& r, const analysis::SitingProblem& p, bool zh) const {
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

  void write_json(const io::OutputDir& dir, const Standard& st, const std::vector<Candidate>& cands,
                  const analysis::SitingProblem& problem, const analysis::SitingResult& result, const Diagnostics& diag,
                  double reach_s, double solve_s, double all_s) const {
    const Published pub = publish(result);
    nlohmann::ordered_json j;
    j["command"] = "site";
    j["standard"] = st.id;
    j["threshold_min"] = *st.threshold_min;
    j["objective"] = problem.objective == analysis::SitingObjective::kBudget ? "budget" : "target_share";
    if (problem.objective == analysis::SitingObjective::kBudget) j["budget"] = problem.budget;
    else j["target_share"] = problem.target_share;
    j["target_reached"] = result.target_reached;
    j["candidates"] = cands.size();
    j["method_asked"] = method_;
    j["method_used"] = analysis::to_string(result.method_used);
    j["proven_optimal"] = result.proven_optimal;
    j["gap"] = result.gap ? nlohmann::ordered_json(*result.gap) : nlohmann::ordered_json();
    j["bound"] = result.bound ? nlohmann::ordered_json(*result.bound) : nlohmann::ordered_json();
    j["note"] = result.note;
    j["persons_total"] = pub.total;
    j["persons_covered_before"] = pub.before;
    j["persons_covered_after"] = pub.after();
    j["share_before"] = pub.share(pub.before);
    j["share_after"] = pub.share(pub.after());
    j["reduction"] = {{"demand_cells", result.reduction.demand_cells},
                      {"coverable_cells", result.reduction.coverable_cells},
                      {"demand_rows", result.reduction.demand_rows},
                      {"candidates", result.reduction.candidates},
                      {"candidates_kept", result.reduction.candidates_kept}};
    nlohmann::ordered_json sites = nlohmann::ordered_json::array();
    for (std::size_t i = 0; i < result.chosen.size(); ++i) {
      const Candidate& c = cands[result.chosen[i].candidate];
      sites.push_back({{"rank", i + 1}, {"id", c.facility.source_id}, {"name", c.facility.name},
                       {"action", c.upgrade ? "upgrade" : "new"}, {"gain_persons", pub.gain[i]},
                       {"covered_persons", pub.cumulative[i]}});
    }
    j["sites"] = sites;
    nlohmann::ordered_json warnings = nlohmann::ordered_json::array();
    for (const auto& p : diag.all()) warnings.push_back({{"code", std::string(p.code.view())}, {"message", p.message}});
    j["warnings"] = warnings;
    j["greedy"] = {{"sites", result.greedy_sites}, {"persons_added", result.greedy_gain}};
    if (!io::source_date_epoch())
      j["timings_s"] = {{"reach", reach_s},          {"solve", solve_s},           {"reduce", result.reduce_s},
                        {"greedy", result.greedy_s}, {"solver", result.solver_s}, {"total", all_s}};
    io::write_file_atomically(dir.path() / "site.json", j.dump(2) + "\n");
  }

  void print_result(const Console& console, const Standard& st, const std::vector<Candidate>& cands,
                    const analysis::SitingProblem& problem, const analysis::SitingResult& result) const {
    const Published pub = publish(result);
    console.out(st.id + " " + st.name_zh + ": " + percent(pub.share(pub.before)) + " covered today; " +
                std::to_string(result.chosen.size()) + " sites → " + percent(pub.share(pub.after())) +
                (problem.objective == analysis::SitingObjective::kTargetShare
                     ? (result.target_reached ? " (target " + percent(problem.target_share, 0) + " reached)"
                                              : " (target " + percent(problem.target_share, 0) + " NOT reachable)")
                     : " (budget " + std::to_string(problem.budget) + ")"));
    console.out("  method 方法: " + method_line(result, problem, false));
    for (std::size_t i = 0; i < result.chosen.size() && i < 10; ++i) {
      const Candidate& c = cands[result.chosen[i].candidate];
      console.out("  " + std::to_string(i + 1) + ". " + c.facility.source_id + " " + c.facility.name + " +" +
                  grouped(static_cast<double>(pub.gain[i])) + " persons");
    }
    if (result.chosen.size() > 10) console.out("  … (" + std::to_string(result.chosen.size()) + " sites in tables/coverage_curve.csv)");
  }

  std::string scenario_;
  std::string standard_;
  std::uint32_t budget_ = 0;
  double target_share_ = -1.0;
  std::string candidates_;
  std::string tags_;
  std::string new_type_;
  std::string per_zone_;
  std::string method_ = "auto";
  double time_limit_s_ = 60.0;
  std::string out_;
  bool overwrite_ = false;
  std::string lang_ = "zh";
  bool allow_network_ = false;
  std::vector<std::string> site_tags_;
};

}  // namespace

std::unique_ptr<Command> make_site_command() { return std::make_unique<SiteCommand>(); }

}  // namespace carereach::cli
