// carereach tile SCENARIO --by county|prefecture|grid [--level L] [--size-km N] --out PLAN — a scenario split into
// tile scenarios and a plan (pipeline::make_tile_plan; docs/cli/tile.md). This file parses the options and prints.

#include <filesystem>

#include "cli/command.hpp"
#include "cli/json_summary.hpp"
#include "core/error.hpp"
#include "io/resources.hpp"
#include "pipeline/tile_plan.hpp"

namespace carereach::cli {

namespace {

class TileCommand final : public Command {
 public:
  const char* name() const override { return "tile"; }
  const char* summary() const override {
    return "Split a scenario into tiles (own region + halo) and write a plan of independent runs";
  }
  void setup(CLI::App& app) override {
    app.add_option("scenario", scenario_, "Scenario file (.toml)")->required();
    app.add_option("--by", by_, "How to tile: county, prefecture (one tile per zone) or grid (squares of --size-km)")
        ->required()
        ->check(CLI::IsMember({"county", "prefecture", "grid"}));
    app.add_option("--level", level_, "By county or prefecture: the zone level whose zones become tiles (default: the --by value)");
    app.add_option("--size-km", size_km_, "By grid: the side of a tile, km (rounded to whole cells)");
    app.add_option("-o,--out", out_, "The plan folder (written beside it and renamed when complete)")->required();
    app.add_flag("--overwrite", overwrite_, "Replace the plan folder if carereach wrote it, unchanged (docs/output-folders.md)");
    app.add_flag("--json", json_,
                 "Print a JSON summary on stdout (status, plan folder, halo and its terms, every tile with its cells "
                 "and estimates; docs/cli/tile.md); the readable lines go to stderr");
    app.add_option("--carereach", exe_,
                   "The carereach executable the job scripts run (default: this one); the environment variable "
                   "CAREREACH overrides it when a job runs");
  }

  int run(Console& console) override {
    if (by_ != "grid" && size_km_ > 0.0) throw UsageError("--size-km is for --by grid", "leave it out, or use --by grid");
    if (by_ == "grid" && !level_.empty()) throw UsageError("--level is for --by county or prefecture", "leave it out");
    pipeline::TilePlanConfig config;
    config.scenario = scenario_;
    config.out = out_;
    config.by = by_;
    config.level = level_;
    config.size_km = size_km_;
    config.overwrite = overwrite_;
    config.carereach_exe = job_executable(exe_);
    const pipeline::TilePlanResult r = pipeline::make_tile_plan(config);
    char line[160];
    std::snprintf(line, sizeof line, "%zu tiles, halo %.0f m, analysis CRS %s", r.tiles.size(), r.halo_m, r.crs.c_str());
    console.out("Plan written to 分片计划: " + std::filesystem::absolute(r.folder).lexically_normal().string());
    console.out(std::string("  ") + line);
    for (const auto& t : r.halo_terms) console.info("  halo " + t.standard + ": " + t.rule);
    std::uint64_t largest = 0;
    for (const auto& t : r.tiles) largest = std::max(largest, t.memory_bytes);
    console.out("  largest tile needs about " + io::describe_bytes(largest) + " (estimate)");
    const std::string plan = std::filesystem::absolute(r.folder).lexically_normal().string();
    console.out("  run the tiles 运行: sbatch " + plan + "/slurm.sbatch (Slurm; " + plan +
                "/submit_slurm.sh for size classes), or " + plan + "/run_local.sh (this machine)");
    if (json_) {
      nlohmann::ordered_json j = summary_head("tile", 0, scenario_);
      j["plan"] = plan;
      j["by"] = by_;
      j["crs"] = r.crs;
      j["halo_m"] = r.halo_m;
      nlohmann::ordered_json terms = nlohmann::ordered_json::array();
      for (const auto& t : r.halo_terms) terms.push_back({{"standard", t.standard}, {"reach_m", t.reach_m}, {"rule", t.rule}});
      j["halo_terms"] = terms;
      nlohmann::ordered_json tiles = nlohmann::ordered_json::array();
      for (const auto& t : r.tiles)
        tiles.push_back({{"id", t.id}, {"own_cells", t.own_cells}, {"cells", t.cells}, {"memory_bytes", t.memory_bytes},
                         {"seconds", t.seconds}});
      j["tiles"] = tiles;
      j["outputs"] = r.outputs;
      j["errors"] = nlohmann::ordered_json::array();
      j["warnings"] = nlohmann::ordered_json::array();
      print_json(j);
    }
    return 0;
  }

 private:
  std::string scenario_;
  std::string by_;
  std::string level_;
  double size_km_ = 0.0;
  std::string out_;
  bool overwrite_ = false;
  std::string exe_;
  bool json_ = false;
};

}  // namespace

std::unique_ptr<Command> make_tile_command() { return std::make_unique<TileCommand>(); }

}  // namespace carereach::cli
