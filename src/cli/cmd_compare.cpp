// carereach compare DIR_A DIR_B --out DIR — what changes between two runs (a baseline and a scenario): per zone
// and standard the covered population and share, the areas newly covered and newly uncovered, the change of
// every cell's travel time, and a table and Markdown summary of who gains and who loses (pipeline::compare_runs;
// this file parses the options and prints the result).

#include <filesystem>

#include "cli/command.hpp"
#include "cli/json_summary.hpp"
#include "cli/progress.hpp"
#include "pipeline/compare.hpp"

namespace carereach::cli {

namespace {

class CompareCommand final : public Command {
 public:
  const char* name() const override { return "compare"; }
  const char* summary() const override {
    return "Compare two runs (baseline and scenario): who gains and who loses coverage, zone by zone";
  }
  void setup(CLI::App& app) override {
    app.add_option("run_a", dir_a_, "Folder of the first run (the baseline)")->required();
    app.add_option("run_b", dir_b_, "Folder of the second run (the scenario)")->required();
    app.add_option("-o,--out", out_, "Output folder (written beside it and renamed when complete)")->required();
    app.add_flag("--overwrite", overwrite_, "Replace the output folder if carereach wrote it, unchanged (docs/output-folders.md)");
    app.add_flag("--json", json_, "Print a JSON summary on stdout (status, output folder, per standard the persons covered in each run; docs/cli/compare.md); the readable lines go to stderr");
    app.add_option("--lang", lang_, "Language of the tables and summary: zh (default) or en")
        ->check(CLI::IsMember({"zh", "en"}));
  }

  int run(Console& console) override {
    pipeline::CompareConfig config;
    config.run_a = dir_a_;
    config.run_b = dir_b_;
    config.out = out_;
    config.overwrite = overwrite_;
    config.lang = lang_ == "en" ? report::Lang::kEn : report::Lang::kZh;
    ConsoleProgress progress(console);
    const pipeline::CompareResult result = pipeline::compare_runs(config, progress);

    for (const auto& w : result.warnings) console.info("Not compared 未对比: " + w);
    console.out("Comparison written to 对比结果: " + std::filesystem::absolute(result.folder).lexically_normal().string());
    for (const auto& sc : result.changes) {
      if (sc.levels.empty()) continue;
      const pipeline::ZoneChange& t = sc.levels.front().total;
      console.out("  " + sc.id + " " + sc.name_zh + ": " + pipeline::signed_persons(t.delta()) + " persons covered (" +
                  pipeline::signed_points(t.delta_share_shown()) + " points)");
    }
    for (const auto& line : result.indicator_lines) console.out("  " + line);
    if (json_) print_json(compare_summary_json(result));
    return 0;
  }

  /// The JSON summary of compare (docs/cli/compare.md).
  nlohmann::ordered_json compare_summary_json(const pipeline::CompareResult& result) const {
    nlohmann::ordered_json j = summary_head("compare", 0, "");
    j.erase("scenario");
    j["run_a"] = dir_a_;
    j["run_b"] = dir_b_;
    j["output"] = std::filesystem::absolute(result.folder).lexically_normal().string();
    j["outputs"] = result.outputs;
    nlohmann::ordered_json standards = nlohmann::ordered_json::array();
    for (const auto& sc : result.changes) {
      if (sc.levels.empty()) continue;
      const pipeline::ZoneChange& t = sc.levels.front().total;
      standards.push_back({{"id", sc.id}, {"name_zh", sc.name_zh}, {"population", t.pop_total},
                           {"covered_a", t.covered_a}, {"covered_b", t.covered_b}, {"covered_change", t.delta()},
                           {"share_a", t.share_a}, {"share_b", t.share_b}});
    }
    j["standards"] = standards;
    j["not_compared"] = result.warnings;
    j["errors"] = nlohmann::ordered_json::array();
    j["warnings"] = nlohmann::ordered_json::array();
    return j;
  }

 private:
  std::string dir_a_;
  std::string dir_b_;
  std::string out_;
  bool overwrite_ = false;
  bool json_ = false;
  std::string lang_ = "zh";
};

}  // namespace

std::unique_ptr<Command> make_compare_command() { return std::make_unique<CompareCommand>(); }

}  // namespace carereach::cli
