// carereach jobs PLAN (docs/cli/jobs.md): the scripts written for this executable or --carereach, and the exit
// codes of a bad plan (4, naming plan.json and the field) and of a bad --carereach (2). The scripts themselves are
// run by tests/jobs.

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli_runner.hpp"
#include "temp_dir.hpp"

using carereach::test::run_cli;
using carereach::test::TempDir;
namespace fs = std::filesystem;

namespace {

const char* const kPlan = R"({"schema_version": 1, "carereach_version": "1.0.0", "scenario": "../s.toml",
  "scenario_sha256": "0", "by": "grid", "halo_m": 1000, "crs": "EPSG:32650", "cell_size_m": 100,
  "tiles": [{"id": "r0c0", "scenario": "tiles/r0c0/scenario.toml", "out": "out/r0c0", "own_cells": 1, "cells": 2,
             "memory_bytes": 1048576, "seconds": 60}]})";

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("carereach jobs writes the scripts of a plan", "[cli][jobs]") {
  TempDir dir;
  dir.write("plan/plan.json", kPlan);
  const auto r = run_cli({"jobs", (dir / "plan").string()});
  INFO(r.all());
  REQUIRE(r.code == 0);
  // 1 MiB × 1.5 + 256 MiB = 258 MiB (1.5 MiB rounded up to 2); 60 s × 2 = 2 min + 5 = 7 min.
  CHECK_THAT(r.out, Catch::Contains("1 tile(s) in 1 size class(es)"));
  CHECK_THAT(r.out, Catch::Contains("tiles 0-0: --mem=258M --time=00:07:00"));
  const std::string sbatch = read(dir / "plan" / "slurm.sbatch");
  CHECK_THAT(sbatch, Catch::Contains("#SBATCH --array=0-0\n#SBATCH --ntasks=1\n#SBATCH --cpus-per-task=1\n"
                                     "#SBATCH --mem=258M\n#SBATCH --time=00:07:00\n"));
  // This executable by default (the test runs it by its absolute path).
  CHECK_THAT(sbatch, Catch::Contains("\ncarereach='" + fs::canonical(CAREREACH_BINARY).string() + "'\n"));
  CHECK(read(dir / "plan" / "tiles.txt") == "0\tr0c0\ttiles/r0c0/scenario.toml\tout/r0c0\n");

  dir.write("bin/carereach", "");
  REQUIRE(run_cli({"jobs", (dir / "plan").string(), "--carereach", (dir / "bin/carereach").string()}).code == 0);
  CHECK_THAT(read(dir / "plan" / "run_local.sh"), Catch::Contains("\ncarereach='" + (dir / "bin/carereach").string() + "'\n"));
}

TEST_CASE("carereach jobs: a bad plan is exit 4 naming the field; a bad --carereach exit 2", "[cli][jobs]") {
  TempDir dir;
  std::string plan = kPlan;
  plan.replace(plan.find("\"out/r0c0\""), 10, "\"../elsewhere\"");
  dir.write("plan/plan.json", plan);
  auto r = run_cli({"jobs", (dir / "plan").string()});
  CHECK(r.code == 4);
  CHECK_THAT(r.err, Catch::Contains("plan.json, field 'tiles[0].out': '../elsewhere' is not inside the plan folder"));
  CHECK_FALSE(fs::exists(dir / "plan" / "slurm.sbatch"));

  r = run_cli({"jobs", (dir / "no plan").string()});
  CHECK(r.code == 4);
  CHECK_THAT(r.err, Catch::Contains("plan.json"));

  dir.write("plan/plan.json", kPlan);
  r = run_cli({"jobs", (dir / "plan").string(), "--carereach", (dir / "missing").string()});
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::Contains("is not a file"));
}
