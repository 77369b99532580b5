// carereach jobs PLAN — (re)writes the job scripts of a tiled run from PLAN/plan.json: tiles.txt, the Slurm job
// array slurm.sbatch with submit_slurm.sh, and run_local.sh (pipeline::write_job_scripts; docs/cli/jobs.md).

#include <filesystem>
#include <system_error>

#include "cli/command.hpp"
#include "core/error.hpp"
#include "pipeline/tile_jobs.hpp"

namespace carereach::cli {

namespace {

namespace fs = std::filesystem;

class JobsCommand final : public Command {
 public:
  const char* name() const override { return "jobs"; }
  const char* summary() const override {
    return "Write the job scripts of a tile plan again (Slurm job array, local run) from its plan.json";
  }
  void setup(CLI::App& app) override {
    app.add_option("plan", plan_, "Folder of a tile plan (written by `carereach tile`; holds plan.json)")->required();
    app.add_option("--carereach", exe_,
                   "The carereach executable the jobs run (default: this one); the environment variable CAREREACH "
                   "overrides it when a job runs");
    app.footer("Writes PLAN/tiles.txt, PLAN/slurm.sbatch, PLAN/submit_slurm.sh and PLAN/run_local.sh "
               "(docs/cli/tile.md#running-the-tiles). Exit codes: 0 written; 2 a bad --carereach; 4 a bad plan.json; "
               "6 a script cannot be written (docs/exit-codes.md).");
  }

  int run(Console& console) override {
    const fs::path exe = job_executable(exe_);
    const pipeline::TilePlan plan = pipeline::read_tile_plan(plan_);
    pipeline::write_job_scripts(plan, plan_, exe);

    const auto classes = pipeline::size_classes(plan);
    const fs::path dir = fs::absolute(plan_).lexically_normal();
    console.out("Job scripts 作业脚本: " + std::to_string(plan.tiles.size()) + " tile(s) in " +
                std::to_string(classes.size()) + " size class(es), for " + fs::absolute(exe).lexically_normal().string());
    for (const auto& c : classes)
      console.out("  tiles " + std::to_string(c.first) + "-" + std::to_string(c.first + c.count - 1) + ": --mem=" +
                  std::to_string(c.request.memory_mib) + "M --time=" + pipeline::slurm_time(c.request.minutes));
    console.out("Slurm: " + (dir / "submit_slurm.sh").string() + "  (or: sbatch " + (dir / "slurm.sbatch").string() + ")");
    console.out("This machine 本机: " + (dir / "run_local.sh").string() + " [-j N]");
    return 0;
  }

 private:
  std::string plan_;
  std::string exe_;
};

}  // namespace

std::filesystem::path job_executable(const std::string& given) {
  std::error_code ec;
  if (given.empty()) {
    fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (ec) throw UsageError("cannot tell where this carereach is (" + ec.message() + ")", "give --carereach PATH");
    return exe;
  }
  if (!fs::is_regular_file(given, ec))
    throw UsageError("--carereach " + given + " is not a file", "give the path of the carereach executable");
  return given;
}

std::unique_ptr<Command> make_jobs_command() { return std::make_unique<JobsCommand>(); }

}  // namespace carereach::cli
