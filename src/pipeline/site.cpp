// carereach site as a library call (pipeline/site.hpp): facility siting. Moved here from the command line
// (cli/cmd_site.cpp), which now declares the options, calls site_facilities and prints the result; the options keep
// the command line's notation (--candidates existing:…, --per-zone LEVEL:K) and are checked here. The analysis is
// the run's ([siting.<id>], pipeline/run_siting.hpp) with this one siting; the tables, report.html and
// appendix.xlsx come from the same builders as a run's 附表12 (report/siting_tables.hpp).

#include "pipeline/site.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <filesystem>

#include "analysis/siting.hpp"
#include "core/capacity_spec.hpp"
#include "core/error.hpp"
#include "core/siting_spec.hpp"
#include "io/files.hpp"
#include "io/layers.hpp"
#include "io/load.hpp"
#include "io/output_folder.hpp"
#include "io/run_manifest.hpp"
#include "io/scenario.hpp"
#include "io/site_scenario.hpp"
#include "pipeline/run_analysis.hpp"
#include "pipeline/run_siting.hpp"
#include "pipeline/run_tables.hpp"
#include "pipeline/travel_setup.hpp"
#include "report/html_report.hpp"
#include "report/rounding.hpp"
#include "report/siting_tables.hpp"
#include "report/writers.hpp"

namespace carereach::pipeline {

namespace {

namespace fs = std::filesystem;

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

/// A whole or decimal number as written on the command line; nothing for anything else.
std::optional<double> number_of(const std::string& text) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::string percent(double share, int decimals = 1) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f %%", decimals, 100.0 * share);
  return buf;
}

/// Whole persons with thousands separators: "1,234,568" (as the command line prints them).
std::string grouped(double value) { return report::format_fixed(value, 0, true); }

/// One siting job: the options (named as on the command line), the work, the outputs.
class SiteJob {
 public:
  explicit SiteJob(const SiteConfig& c) : config_(c) {}

  SiteResult run(RunObserver& observer) {
    const auto t_start = std::chrono::steady_clock::now();
    io::check_output_path(config_.out.string());
    if (config_.budget > 0 && config_.target_share >= 0.0)
      throw UsageError("--budget and --target-share are two objectives: give one",
                       "--budget N: the most persons for N sites; --target-share 0.9: the fewest sites for 90 %");
    SitingSpec spec;
    spec.id = "site";
    spec.from_cli = true;
    if (const std::string why = parse_siting_candidates(config_.candidates, spec.candidates); !why.empty())
      throw UsageError("--candidates " + why,
                       "use existing:<facility types or tags, comma-separated> (e.g. existing:村卫生室), "
                       "layer:<point file> or grid:<spacing in metres> (docs/cli/site.md)");
    io::Scenario scenario = io::read_scenario(config_.scenario);

    // --- the standard
    const Standard* standard = nullptr;
    std::string ids;
    for (const auto& s : scenario.standards) {
      ids += (ids.empty() ? "" : ", ") + s.id;
      if (s.id == config_.standard) standard = &s;
    }
    if (standard == nullptr) throw UsageError("the scenario has no standard '" + config_.standard + "'", "its standards: " + ids);
    if (!standard->threshold_min)
      throw UsageError("'" + config_.standard + "' is a distance standard: siting needs a time standard",
                       "siting measures each candidate's reach in travel time; choose a time standard (" + ids + ")");
    const Standard st = *standard;
    spec.standard = st.id;

    // --- per-zone minimum
    if (!config_.per_zone.empty()) {
      if (!parse_siting_per_zone(config_.per_zone, spec.per_zone_level, spec.per_zone_min).empty())
        throw UsageError("--per-zone '" + config_.per_zone + "' is not LEVEL:K", "e.g. --per-zone township:1 (K from 1 to 1000)");
      if (scenario.zone_level(spec.per_zone_level) == nullptr) {
        std::string levels;
        for (const auto& z : scenario.zones) levels += (levels.empty() ? "" : ", ") + z.level;
        throw UsageError("--per-zone: the scenario has no zone level '" + spec.per_zone_level + "'", "its levels: " + levels);
      }
    }

    // --- tags and type of the sites
    for (const auto& t : split_list(config_.tags)) {
      auto tag = scenario.taxonomy.find_tag(t);
      if (!tag) throw UsageError("--tags: '" + t + "' is not a known tag", "use a tag of docs/method/taxonomy.md (e.g. 中医阁)");
      spec.tags.push_back(*tag);
    }
    if (!config_.new_type.empty()) {
      const FacilityType* nt = scenario.taxonomy.find_type(config_.new_type);
      if (nt == nullptr) throw UsageError("--new-type: '" + config_.new_type + "' is not a facility type", "use a type of docs/method/taxonomy.md");
      spec.new_type = nt->id;
    }
    // --- closures and capacities
    if (!config_.closable.empty()) {
      if (const std::string why = parse_siting_closable(config_.closable, spec.closable); !why.empty())
        throw UsageError("--closable " + why, "use existing:<facility types or tags> or ids:<facility ids, comma-separated> (docs/cli/site.md)");
      for (const std::string& x : spec.closable.selector)
        if (scenario.taxonomy.find_type(x) == nullptr && !scenario.taxonomy.find_tag(x))
          throw UsageError("--closable existing:" + x + ": '" + x + "' is neither a facility type nor a tag",
                           "use a type or tag of docs/method/taxonomy.md, or ids:<facility ids>");
    }
    if (!config_.capacity.empty()) {
      const std::optional<double> v = number_of(config_.capacity);
      if (!v || !(*v >= 0.0 && *v <= 1e9))
        throw UsageError("--capacity '" + config_.capacity + "' is not a number of persons from 0 to 1e9",
                         "e.g. --capacity 5000 (persons one site serves at most)");
      spec.capacity = *v;
    }
    if (!config_.capacity_field.empty()) {
      if (!is_facility_attribute(config_.capacity_field))
        throw UsageError("--capacity-field '" + config_.capacity_field + "' is not a facility attribute",
                         "one of " + facility_attribute_names());
      spec.capacity_field = config_.capacity_field;
    }
    if (!config_.persons_per_unit.empty()) {
      if (spec.capacity_field.empty())
        throw UsageError("--persons-per-unit applies to --capacity-field: give --capacity-field too", "e.g. --capacity-field beds --persons-per-unit 833");
      const std::optional<double> v = number_of(config_.persons_per_unit);
      if (!v || !(*v > 0.0 && *v <= 1e6))
        throw UsageError("--persons-per-unit '" + config_.persons_per_unit + "' is not a number more than 0 and at most 1e6",
                         "persons one unit (bed, doctor …) serves");
      spec.persons_per_unit = *v;
    }
    spec.budget = config_.budget;
    if (config_.target_share >= 0.0) spec.target_share = config_.target_share;
    spec.method = config_.method;
    spec.time_limit_s = config_.time_limit_s;
    spec.accept_gap = config_.gap;
    spec.name_zh = st.name_zh;
    spec.name_en = st.name_en;

    // --- output folder, then load
    io::OutputFolderOptions folder;
    folder.command = "site";
    folder.overwrite = config_.overwrite;
    folder.inputs = io::scenario_input_paths(scenario);
    if (spec.candidates.kind == SitingCandidates::Kind::kLayer) folder.inputs.push_back(fs::absolute(spec.candidates.file));
    io::OutputDir dir(config_.out.string(), folder);
    for (const auto& note : dir.recovery_notes()) observer.status(note);
    Diagnostics diag;
    ProgressSink& progress = observer;
    io::LoadOptions load_options;
    load_options.checksums = false;
    load_options.standards = {config_.standard};
    io::LoadedScenario loaded = io::load_scenario(std::move(scenario), diag, load_options, &progress);
    diag.throw_if_errors();
    if (!loaded.population) throw UsageError("the scenario has no population: siting needs persons per cell");
    if (const analysis::NotComputed why = why_not_computable(loaded, st); !why.empty())
      throw ScenarioError("travel times of standard " + config_.standard + " cannot be computed: " + why.en,
                          Location{config_.scenario, {}, {}, "standards." + config_.standard, 0}, why.hint);

    // --- the standard as `run` computes it, with this one siting on it (pipeline/run_siting.hpp)
    loaded.scenario.standards = {st};
    loaded.scenario.indicators.clear();
    // The analyses built on other standards (capacity coverage, referral, accessibility, Huff, other sitings) are
    // not this command's.
    loaded.scenario.capacity.clear();
    loaded.scenario.access_models = {};
    loaded.scenario.siting = {spec};
    RunAnalysis analysis = analyse_run(loaded, diag, &progress, [](StandardOutcome&, const StandardCells&) {});
    const StandardOutcome& outcome = analysis.standards.at(0);
    if (!outcome.not_computed.empty())
      throw ScenarioError("travel times of standard " + config_.standard + " cannot be computed: " + outcome.not_computed,
                          Location{config_.scenario, {}, {}, "standards." + config_.standard, 0}, outcome.not_computed_hint);
    const SitingOutcome& siting = analysis.siting.at(0);

    write_outputs(dir, loaded, analysis, siting, diag);
    const double all_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
    write_json(dir, st, siting, diag, all_s);
    dir.commit();

    SiteResult out;
    out.folder = dir.target();
    out.standard = st;
    const report::SitingPublished pub = publish(siting);
    out.budget_objective = siting.problem.objective == analysis::SitingObjective::kBudget;
    out.budget = siting.problem.budget;
    out.target_share = siting.problem.target_share;
    out.target_reached = siting.result.target_reached;
    out.share_before = pub.share(pub.before);
    out.share_after = pub.share(pub.after());
    out.persons_total = pub.total;
    out.persons_covered_before = pub.before;
    out.persons_covered_after = pub.after();
    out.method = siting_tables_of(loaded, siting).method_en;
    for (std::size_t i = 0; i < siting.result.chosen.size(); ++i) {
      const SitingCandidate& c = siting.candidates[siting.result.chosen[i].candidate];
      out.sites.push_back({c.facility.source_id, c.facility.name, c.upgrade, pub.gain[i], pub.cumulative[i]});
    }
    for (std::size_t i = 0; i < siting.result.closed.size(); ++i) {
      const SitingCandidate& c = siting.candidates[siting.result.closed[i].candidate];
      out.closed.push_back({c.facility.source_id, c.facility.name, false, pub.closed_change[i]});
    }
    out.diagnostics = diag;
    return out;
  }

 private:
  /// The command's tables: the siting tables of a run (附表12), under the names this command has always written
  /// (coverage_curve, sites_<level>).
  static std::vector<report::Table> site_tables(const report::RunTables& rt) {
    std::vector<report::Table> tables = report::siting_tables(rt);
    for (report::Table& t : tables) {
      const std::string prefix = "siting_site";
      if (t.id == prefix) t.id = "coverage_curve";
      else if (t.id.starts_with(prefix + "_")) t.id = "sites_" + t.id.substr(prefix.size() + 1);
    }
    return tables;
  }

  void write_outputs(const io::OutputDir& dir, const io::LoadedScenario& loaded, const RunAnalysis& analysis,
                     const SitingOutcome& o, Diagnostics& diag) const {
    const report::Lang lang = config_.lang;
    const bool zh = lang == report::Lang::kZh;
    const Standard& st = *o.standard;
    const analysis::SitingResult& result = o.result;
    const analysis::SitingProblem& problem = o.problem;

    // The run's labels (region, levels, sources) with this siting only.
    report::RunTables rt = make_run_tables(loaded, analysis);
    const report::SitingTables& s = rt.siting.at(0);
    const report::SitingPublished pub = report::publish_siting(s);

    // sites.gpkg
    std::vector<ZoneLevel> zone_levels;
    for (const auto& l : analysis.levels) zone_levels.push_back(l.level);
    std::vector<io::LayerData> layers;
    layers.push_back(siting_layer(o, s, zone_levels, "sites"));
    io::GeoPackageOptions gpkg;
    gpkg.timestamp = io::utc_now_iso8601();  // SOURCE_DATE_EPOCH's time when it is set: the same bytes every time
    io::write_geopackage(dir.path() / "sites.gpkg", layers, loaded.analysis_crs, loaded.output_crs, gpkg);

    // tables/coverage_curve.csv, tables/sites_<level>.csv, appendix.xlsx
    const std::vector<report::Table> tables = site_tables(rt);
    fs::create_directories(dir.path() / "tables");
    for (const auto& t : tables) io::write_file_atomically(dir.path() / "tables" / (t.id + ".csv"), report::to_csv(t, lang));
    report::XlsxOptions xlsx;
    xlsx.subject = zh || rt.scenario_en.empty() ? rt.scenario_zh : rt.scenario_en;
    report::write_xlsx(dir.path() / "appendix.xlsx", tables, lang, xlsx);

    // scenario.toml: the result as [changes]
    const io::ScenarioChanges changes = siting_changes(o, loaded);
    const std::vector<std::string> header = {
        "carereach site: the result as a scenario — the scenario siting started from, with the chosen sites in [changes].",
        "Run it:     carereach run scenario.toml --out <folder>   (from this folder; paths are relative to it)",
        "Standard " + st.id + ": " + std::to_string(result.chosen.size()) + " sites, coverage " + percent(pub.share(pub.before)) +
            " → " + percent(pub.share(pub.after())) + " (promised by `site`)."};
    const fs::path target_dir = fs::absolute(dir.target()).lexically_normal();
    io::write_file_atomically(dir.path() / "scenario.toml", io::scenario_with_changes(loaded.scenario, changes, target_dir, header));

    // report.md and report.html: the findings (达到 90 % 需新建 N 处 …), the reduction, the tables, the warnings.
    const std::vector<report::Findings> findings = report::siting_findings(rt, lang);
    std::vector<std::string> lines;
    if (zh) {
      lines.push_back("现状覆盖率 " + percent(pub.share(pub.before)) + "（" + grouped(static_cast<double>(pub.before)) + " / " +
                      grouped(static_cast<double>(pub.total)) + " 人）。");
      if (problem.objective == analysis::SitingObjective::kTargetShare) {
        if (!result.target_reached)
          lines.push_back("**候选点全部建成也达不到 " + percent(problem.target_share, 0) + "**：最多 " + percent(pub.share(pub.after())) + "（" +
                          std::to_string(result.chosen.size()) + " 处）。");
        else if (result.chosen.empty())
          lines.push_back("现状已达到 " + percent(problem.target_share, 0) + "，无需新建。");
        else
          lines.push_back("**达到 " + percent(problem.target_share, 0) + " 需新建 " + std::to_string(result.chosen.size()) +
                          " 处**，覆盖率提高到 " + percent(pub.share(pub.after())) + "。");
      } else {
        lines.push_back("**新建 " + std::to_string(result.chosen.size()) + " 处**（预算 " + std::to_string(problem.budget) +
                        " 处），覆盖率提高到 " + percent(pub.share(pub.after())) + "。");
      }
      if (!pub.closed_change.empty())
        lines.push_back("**关闭现有机构 " + std::to_string(pub.closed_change.size()) + " 处**（" + spec_closable(o) + "），减少覆盖 " +
                        grouped(static_cast<double>(pub.before - pub.after_closures())) + " 人，由新建点补足。");
      else if (!o.spec->closable.empty())
        lines.push_back("允许关闭的现有机构（" + spec_closable(o) + "）全部保留。");
      if (!s.capacity_zh.empty()) lines.push_back("考虑服务能力：" + s.capacity_zh + "。");
      lines.push_back("方法：" + s.method_zh);
      lines.push_back("候选点 " + std::to_string(o.candidates_given) + " 个（" + config_.candidates + "）；需求单元 " +
                      std::to_string(result.reduction.coverable_cells) + " 个栅格合并为 " + std::to_string(result.reduction.demand_rows) +
                      " 行，保留候选点 " + std::to_string(result.reduction.candidates_kept) + " 个。");
      lines.push_back("结果情景 scenario.toml 可直接用 `carereach run` 复核、用 `carereach compare` 比较。");
    } else {
      lines.push_back("Covered today: " + percent(pub.share(pub.before)) + " (" + grouped(static_cast<double>(pub.before)) + " of " +
                      grouped(static_cast<double>(pub.total)) + " persons).");
      if (problem.objective == analysis::SitingObjective::kTargetShare) {
        if (!result.target_reached)
          lines.push_back("**Even every candidate does not reach " + percent(problem.target_share, 0) + "**: at most " +
                          percent(pub.share(pub.after())) + " (" + std::to_string(result.chosen.size()) + " sites).");
        else if (result.chosen.empty())
          lines.push_back(percent(problem.target_share, 0) + " is reached already: nothing to build.");
        else
          lines.push_back("**Reaching " + percent(problem.target_share, 0) + " needs " + std::to_string(result.chosen.size()) +
                          " new sites**; coverage rises to " + percent(pub.share(pub.after())) + ".");
      } else {
        lines.push_back("**" + std::to_string(result.chosen.size()) + " new sites** (budget " + std::to_string(problem.budget) +
                        " sites): coverage rises to " + percent(pub.share(pub.after())) + ".");
      }
      if (!pub.closed_change.empty())
        lines.push_back("**" + std::to_string(pub.closed_change.size()) + " existing facilities closed** (" + spec_closable(o) +
                        "), losing " + grouped(static_cast<double>(pub.before - pub.after_closures())) +
                        " persons that the new sites make up for.");
      else if (!o.spec->closable.empty())
        lines.push_back("The existing facilities that could be closed (" + spec_closable(o) + ") are all kept.");
      if (!s.capacity_en.empty()) lines.push_back("With capacities: " + s.capacity_en + ".");
      lines.push_back("Method: " + s.method_en);
      lines.push_back(std::to_string(o.candidates_given) + " candidates (" + config_.candidates + "); " +
                      std::to_string(result.reduction.coverable_cells) + " demand cells merged into " +
                      std::to_string(result.reduction.demand_rows) + " rows; " + std::to_string(result.reduction.candidates_kept) +
                      " candidates kept.");
      lines.push_back("The result as a scenario, scenario.toml, runs with `carereach run` and compares with `carereach compare`.");
    }
    std::string md = zh ? "# 选址方案：" + st.name_zh + "\n\n" : "# Siting: " + st.name_en + "\n\n";
    for (const auto& l : lines) md += "- " + l + "\n";
    md += "\n";
    for (const auto& t : tables) md += report::to_markdown(t, lang) + "\n";
    for (const auto& p : diag.all()) md += "- " + std::string(zh ? "警告：" : "Warning: ") + report::markdown_text(p.describe()) + "\n";
    io::write_file_atomically(dir.path() / "report.md", md);

    report::HtmlReport html;
    html.lang = lang;
    html.title = zh ? rt.region_zh + "选址方案：" + st.name_zh : "Siting: " + st.name_en;
    html.subtitle = zh || rt.scenario_en.empty() ? rt.scenario_zh : rt.scenario_en;
    html.facts.push_back({zh ? "服务标准" : "Standard", st.id + " " + (zh ? st.name_zh : st.name_en)});
    html.facts.push_back({zh ? "候选点" : "Candidates", config_.candidates + "（" + std::to_string(o.candidates_given) + "）"});
    const auto& sources = zh || rt.sources_en.empty() ? rt.sources_zh : rt.sources_en;
    for (std::size_t i = 0; i < sources.size(); ++i) html.facts.push_back({i == 0 ? (zh ? "数据来源" : "Data sources") : "", sources[i]});
    html.findings = findings;
    html.tables = tables;
    report::Findings method;
    method.title = zh ? "选址方法" : "Siting method";
    for (const auto& l : lines) {
      std::string plain = l;
      for (std::size_t at = plain.find("**"); at != std::string::npos; at = plain.find("**")) plain.erase(at, 2);
      method.items.push_back(plain);
    }
    html.method.push_back(std::move(method));
    for (const auto& p : diag.all()) html.warnings.push_back(p.describe());
    html.footer = "carereach site · site.json";
    io::write_file_atomically(dir.path() / "report.html", report::render_html_report(html));
  }

  void write_json(const io::OutputDir& dir, const Standard& st, const SitingOutcome& o, const Diagnostics& diag,
                  double all_s) const {
    const analysis::SitingProblem& problem = o.problem;
    const analysis::SitingResult& result = o.result;
    const report::SitingPublished pub = publish(o);
    nlohmann::ordered_json j;
    j["command"] = "site";
    j["standard"] = st.id;
    j["threshold_min"] = *st.threshold_min;
    j["objective"] = problem.objective == analysis::SitingObjective::kBudget ? "budget" : "target_share";
    if (problem.objective == analysis::SitingObjective::kBudget) j["budget"] = problem.budget;
    else j["target_share"] = problem.target_share;
    j["target_reached"] = result.target_reached;
    j["candidates"] = o.candidates_given;
    j["method_asked"] = config_.method;
    j["method_used"] = analysis::to_string(result.method_used);
    j["gap_accepted"] = config_.gap;
    j["proven_optimal"] = result.proven_optimal;
    j["gap"] = result.gap ? nlohmann::ordered_json(*result.gap) : nlohmann::ordered_json();
    j["bound"] = result.bound ? nlohmann::ordered_json(*result.bound) : nlohmann::ordered_json();
    j["time_limit_reached"] = result.time_limit_reached;
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
      const SitingCandidate& c = o.candidates[result.chosen[i].candidate];
      nlohmann::ordered_json site = {{"rank", i + 1}, {"id", c.facility.source_id}, {"name", c.facility.name},
                                     {"action", c.upgrade ? "upgrade" : "new"}, {"gain_persons", pub.gain[i]},
                                     {"covered_persons", pub.cumulative[i]}};
      if (!problem.capacity.empty()) {
        site["capacity"] = problem.capacity[result.chosen[i].candidate];
        site["assigned_persons"] = result.chosen[i].assigned;
      }
      sites.push_back(site);
    }
    j["sites"] = sites;
    j["closable"] = o.spec->closable.text;
    nlohmann::ordered_json closed = nlohmann::ordered_json::array();
    for (std::size_t i = 0; i < result.closed.size(); ++i) {
      const SitingCandidate& c = o.candidates[result.closed[i].candidate];
      closed.push_back({{"id", c.facility.source_id}, {"name", c.facility.name}, {"lost_persons", -pub.closed_change[i]},
                        {"covered_persons", pub.closed_cumulative[i]}});
    }
    j["closed"] = closed;
    j["kept"] = result.kept;
    if (!problem.capacity.empty()) {
      nlohmann::ordered_json cap;
      if (o.spec->capacity) cap["persons_per_site"] = *o.spec->capacity;
      if (!o.spec->capacity_field.empty()) {
        cap["field"] = o.spec->capacity_field;
        cap["persons_per_unit"] = o.spec->persons_per_unit;
      }
      j["capacity"] = cap;
    }
    nlohmann::ordered_json warnings = nlohmann::ordered_json::array();
    for (const auto& p : diag.all()) warnings.push_back({{"code", std::string(p.code.view())}, {"message", p.message}});
    j["warnings"] = warnings;
    j["greedy"] = {{"sites", result.greedy_sites}, {"persons_added", result.greedy_gain}};
    j["local_search"] = {{"sites", result.local_search_sites}, {"persons_added", result.local_search_gain}};
    if (!io::source_date_epoch())
      j["timings_s"] = {{"reach", o.reach_s},        {"solve", o.solve_s},         {"reduce", result.reduce_s},
                        {"greedy", result.greedy_s}, {"solver", result.solver_s}, {"total", all_s}};
    io::write_file_atomically(dir.path() / "site.json", j.dump(2) + "\n");
  }

  static std::string spec_closable(const SitingOutcome& o) { return o.spec->closable.text; }

  /// Whole persons as the tables publish them.
  static report::SitingPublished publish(const SitingOutcome& o) {
    report::SitingTables t;
    t.total = o.result.total;
    t.before = o.result.covered_before;
    for (const auto& c : o.result.closed) t.closed.push_back({{}, {}, false, {}, {}, {}, -c.loss, {}, 0.0});
    for (const auto& c : o.result.chosen) t.sites.push_back({{}, {}, false, {}, {}, {}, c.gain, {}, 0.0});
    return report::publish_siting(t);
  }

  const SiteConfig config_;
};

}  // namespace

SiteResult site_facilities(const SiteConfig& config, RunObserver& observer) { return SiteJob(config).run(observer); }

}  // namespace carereach::pipeline
