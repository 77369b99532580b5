// carereach merge PLAN --out DIR — the tiles of a plan put back together: the coverage tables of the untiled run
// from the tiles' exact sums, and one VRT per time standard over their travel-time rasters (pipeline::merge_tiles;
// docs/cli/merge.md). This file parses the options and prints.

#include <filesystem>

#include "cli/command.hpp"
#include "cli/json_summary.hpp"
#include "core/error.hpp"
#include "pipeline/merge.hpp"

namespace carereach::cli {

namespace {

class MergeCommand final : public Command {
 public:
  const char* name() const override { return "merge"; }
  const char* summary() const override {
    return "Put the tiles of a plan together: the zone tables of the whole area, appendix.xlsx and a VRT of each travel-time raster";
  }
  void setup(CLI::App& app) override {
    app.add_option("plan", plan_, "Folder of a tile plan whose tiles have run (plan.json, out/<id>/tile.json)")->required();
    app.add_option("-o,--out", out_, "The merge folder (written beside it and renamed when complete)")->required();
    app.add_flag("--overwrite", overwrite_, "Replace the merge folder if carereach wrote it, unchanged (docs/output-folders.md)");
    app.add_option("--lang", lang_, "Language of the tables: zh (default) or en, as the tiles' run")
        ->check(CLI::IsMember({"zh", "en"}));
    app.add_flag("--json", json_,
                 "Print a JSON summary on stdout (status, merge folder, tiles merged, outputs; docs/cli/merge.md); the "
                 "readable lines go to stderr");
    app.footer("Exit codes: 0 merged; 2 wrong options; 4 a tile not run (merge.missing_tiles), a tile of another "
               "version, settings or scenario (merge.mismatch), a bad plan.json or tile.json; 6 the folder cannot be "
               "written (docs/exit-codes.md).");
  }

  int run(Console& console) override {
    pipeline::MergeConfig config;
    config.plan = plan_;
    config.out = out_;
    config.overwrite = overwrite_;
    config.lang = lang_ == "en" ? report::Lang::kEn : report::Lang::kZh;
    const pipeline::MergeResult r = pipeline::merge_tiles(config);
    const std::string folder = std::filesystem::absolute(r.folder).lexically_normal().string();
    console.out("Merged 合并 " + std::to_string(r.tiles.size()) + " tile(s) into 输出目录: " + folder);
    for (const std::string& o : r.outputs) console.out("  " + o);
    if (json_) {
      nlohmann::ordered_json j = summary_head("merge", 0, "");
      j["plan"] = std::filesystem::absolute(plan_).lexically_normal().string();
      j["folder"] = folder;
      j["tiles"] = r.tiles;
      j["outputs"] = r.outputs;
      j["errors"] = nlohmann::ordered_json::array();
      j["warnings"] = nlohmann::ordered_json::array();
      print_json(j);
    }
    return 0;
  }

 private:
  std::string plan_;
  std::string out_;
  bool overwrite_ = false;
  std::string lang_ = "zh";
  bool json_ = false;
};

}  // namespace

std::unique_ptr<Command> make_merge_command() { return std::make_unique<MergeCommand>(); }

}  // namespace carereach::cli
