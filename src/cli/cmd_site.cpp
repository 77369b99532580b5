// carereach site SCENARIO --standard ID [--budget N | --target-share S] --candidates … --out DIR — facility siting:
// which candidate sites to open (or existing facilities to upgrade) so that more of the population is within a
// standard's threshold (docs/cli/site.md, docs/method/siting.md). The work is pipeline::site_facilities; this file
// declares the options and prints the result.

#include <cstdio>
#include <filesystem>

#include "cli/command.hpp"
#include "cli/json_summary.hpp"
#include "cli/progress.hpp"
#include "cli/summary.hpp"
#include "io/input_access.hpp"
#include "pipeline/site.hpp"

namespace carereach::cli {

namespace {

std::string percent(double share, int decimals = 1) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f %%", decimals, 100.0 * share);
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
    app.add_option("--time-limit", time_limit_s_, "The solver's time limit in seconds (default 60)")
        ->check(CLI::Range(1.0, 86400.0));
    app.add_option("--gap", gap_,
                   "Relative optimality gap accepted, 0–0.5 (default 0: prove optimality): the solver is skipped when "
                   "the bound proves the greedy result within it, or stops within it")
        ->check(CLI::Range(0.0, 0.5));
    app.add_option("--closable", closable_,
                   "Existing facilities of the standard the model may close, each closure freeing one new site: "
                   "existing:<types or tags> or ids:<facility ids>");
    app.add_option("--capacity", capacity_, "Persons one site serves at most (capacitated siting; a cell's persons may be split)");
    app.add_option("--capacity-field", capacity_field_,
                   "The capacity of existing sites (upgrades, closable) from an attribute: beds, doctors, nurses, gps, "
                   "tcm_beds, tcm_doctors, capacity");
    app.add_option("--persons-per-unit", persons_per_unit_, "Persons one unit of --capacity-field serves (default 1)");
    app.add_option("-o,--out", out_, "Output folder (written beside it and renamed when complete)")->required();
    app.add_flag("--overwrite", overwrite_, "Replace the output folder if carereach wrote it, unchanged (docs/output-folders.md)");
    app.add_option("--lang", lang_, "Language of the tables and report: zh (default) or en")->check(CLI::IsMember({"zh", "en"}));
    app.add_flag("--json", json_,
                 "Print a JSON summary on stdout (status, output folder, persons covered before and after, every "
                 "site with its gain, warnings; docs/cli/site.md); the readable lines go to stderr");
    app.add_flag("--allow-network", allow_network_, "Let inputs be read from the network (URLs, /vsicurl/ …)");
    app.footer("Writes sites.gpkg, tables/coverage_curve.csv, tables/sites_<level>.csv, scenario.toml (the result as "
               "[changes], for `carereach run` and `compare`), report.md, report.html, appendix.xlsx and site.json "
               "(docs/cli/site.md).");
  }

  int run(Console& console) override {
    io::lock_network_for_process(allow_network_);
    pipeline::SiteConfig config;
    config.scenario = scenario_;
    config.standard = standard_;
    config.budget = budget_;
    config.target_share = target_share_;
    config.candidates = candidates_;
    config.tags = tags_;
    config.new_type = new_type_;
    config.per_zone = per_zone_;
    config.method = method_;
    config.time_limit_s = time_limit_s_;
    config.gap = gap_;
    config.closable = closable_;
    config.capacity = capacity_;
    config.capacity_field = capacity_field_;
    config.persons_per_unit = persons_per_unit_;
    config.out = out_;
    config.overwrite = overwrite_;
    config.lang = lang_ == "en" ? report::Lang::kEn : report::Lang::kZh;
    ConsoleProgress progress(console);
    const pipeline::SiteResult r = pipeline::site_facilities(config, progress);

    for (const auto& p : r.diagnostics.all()) console.problem(p);
    const Standard& st = r.standard;
    console.out(st.id + " " + st.name_zh + ": " + percent(r.share_before) + " covered today; " +
                std::to_string(r.sites.size()) + " sites → " + percent(r.share_after) +
                (!r.budget_objective
                     ? (r.target_reached ? " (target " + percent(r.target_share, 0) + " reached)"
                                         : " (target " + percent(r.target_share, 0) + " NOT reachable)")
                     : " (budget " + std::to_string(r.budget) + ")"));
    console.out("  method 方法: " + r.method);
    for (std::size_t i = 0; i < r.sites.size() && i < 10; ++i) {
      const pipeline::ChosenSite& c = r.sites[i];
      console.out("  " + std::to_string(i + 1) + ". " + c.id + " " + c.name + " +" +
                  grouped(static_cast<double>(c.gain_persons)) + " persons");
    }
    for (const pipeline::ChosenSite& c : r.closed)
      console.out("  close 关闭 " + c.id + " " + c.name + " " + grouped(static_cast<double>(c.gain_persons)) + " persons");
    if (r.sites.size() > 10) console.out("  … (" + std::to_string(r.sites.size()) + " sites in tables/coverage_curve.csv)");
    console.out("Outputs written to 输出目录: " + std::filesystem::absolute(r.folder).lexically_normal().string());
    if (json_) print_json(site_summary_json(r, console.lang()));
    return 0;
  }

  /// The JSON summary of site (docs/cli/site.md): the figures of tables/coverage_curve.csv.
  nlohmann::ordered_json site_summary_json(const pipeline::SiteResult& r, MessageLang lang) const {
    nlohmann::ordered_json j = summary_head("site", 0, scenario_);
    j["output"] = std::filesystem::absolute(r.folder).lexically_normal().string();
    j["standard"] = {{"id", r.standard.id}, {"name_zh", r.standard.name_zh}, {"name_en", r.standard.name_en}};
    j["objective"] = r.budget_objective ? "budget" : "target_share";
    j["budget"] = r.budget_objective ? nlohmann::ordered_json(r.budget) : nlohmann::ordered_json(nullptr);
    j["target_share"] = r.budget_objective ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(r.target_share);
    j["target_reached"] = r.budget_objective ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(r.target_reached);
    j["method"] = r.method;
    j["persons_total"] = r.persons_total;
    j["persons_covered_before"] = r.persons_covered_before;
    j["persons_covered_after"] = r.persons_covered_after;
    j["share_before"] = r.share_before;
    j["share_after"] = r.share_after;
    nlohmann::ordered_json sites = nlohmann::ordered_json::array();
    for (std::size_t i = 0; i < r.sites.size(); ++i) {
      const pipeline::ChosenSite& c = r.sites[i];
      sites.push_back({{"rank", i + 1}, {"id", c.id}, {"name", c.name}, {"action", c.upgrade ? "upgrade" : "new"},
                       {"gain_persons", c.gain_persons}, {"covered_persons", c.covered_persons}});
    }
    j["sites"] = sites;
    // Existing facilities the model closed (--closable): the persons lost with each, in the curve's order.
    nlohmann::ordered_json closed = nlohmann::ordered_json::array();
    for (const pipeline::ChosenSite& c : r.closed)
      closed.push_back({{"id", c.id}, {"name", c.name}, {"lost_persons", -c.gain_persons},
                        {"covered_persons", c.covered_persons}});
    j["closed"] = closed;
    j["errors"] = problems_json(r.diagnostics, Severity::kError, lang);
    j["warnings"] = problems_json(r.diagnostics, Severity::kWarning, lang);
    return j;
  }

 private:
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
  double gap_ = 0.0;
  std::string closable_;
  std::string capacity_;
  std::string capacity_field_;
  std::string persons_per_unit_;
  std::string out_;
  bool overwrite_ = false;
  std::string lang_ = "zh";
  bool allow_network_ = false;
  bool json_ = false;
};

}  // namespace

std::unique_ptr<Command> make_site_command() { return std::make_unique<SiteCommand>(); }

}  // namespace carereach::cli
