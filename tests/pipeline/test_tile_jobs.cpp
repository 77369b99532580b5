// The plan of a tiled run and its job scripts (pipeline/tile_jobs.hpp): read_tile_plan's refusals, each naming
// plan.json and the field; the resources asked of Slurm, computed here by hand from the estimates; and the scripts'
// content (array size, limits, tiles.txt, quoting of paths with spaces and quotes). The scripts are run for real by
// tests/jobs (run_local.sh, and slurm.sbatch on a single-node Slurm).

#include <stdlib.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "core/error.hpp"
#include "pipeline/tile_jobs.hpp"
#include "temp_dir.hpp"

using namespace carereach;
using carereach::test::TempDir;
namespace fs = std::filesystem;

namespace {

std::string tile_json(const std::string& id, const std::string& scenario, const std::string& out,
                      const std::string& memory_bytes = "1000", const std::string& seconds = "1.5",
                      const std::string& own_cells = "10", const std::string& cells = "20") {
  return R"({"id": ")" + id + R"(", "scenario": ")" + scenario + R"(", "out": ")" + out + R"(", "own_cells": )" +
         own_cells + R"(, "cells": )" + cells + R"(, "memory_bytes": )" + memory_bytes + R"(, "seconds": )" +
         seconds + "}";
}

std::string plan_json(const std::string& tiles, const std::string& schema = "1") {
  return R"({"schema_version": )" + schema + R"(, "carereach_version": "1.2.3", "scenario": "../scenario.toml",
  "scenario_sha256": "abc", "by": "county", "level": "county", "halo_m": 45000.0, "crs": "EPSG:32650",
  "cell_size_m": 100.0, "tiles": )" + tiles + "}";
}

std::string two_tiles() {
  return "[" + tile_json("341602", "tiles/341602/scenario.toml", "out/341602") + ", " +
         tile_json("341621", "tiles/341621/scenario.toml", "out/341621") + "]";
}

/// read_tile_plan must refuse the plan with an InputError naming plan.json and the field.
void check_refused(const std::string& json, const std::string& field, const std::string& words) {
  TempDir dir;
  dir.write("plan.json", json);
  INFO("plan.json: " << json);
  try {
    (void)pipeline::read_tile_plan(dir.path());
    FAIL("not refused");
  } catch (const InputError& e) {
    CHECK(e.exit_code() == ExitCode::kInput);
    CHECK(fs::path(e.where().file).filename() == "plan.json");
    CHECK(e.where().field == field);
    CHECK_THAT(std::string(e.what()), Catch::Contains(words));
  }
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("read_tile_plan reads every field of plan.json", "[pipeline][tile_jobs]") {
  TempDir dir;
  dir.write("plan.json", plan_json("[" + tile_json("a-1", "tiles/a/scenario.toml", "out/a", "123456789", "12.5",
                                                  "123456", "234567") + "]"));
  const pipeline::TilePlan plan = pipeline::read_tile_plan(dir.path());
  CHECK(plan.schema_version == 1);
  CHECK(plan.carereach_version == "1.2.3");
  CHECK(plan.scenario == "../scenario.toml");
  CHECK(plan.scenario_sha256 == "abc");
  CHECK(plan.by == "county");
  CHECK(plan.level == "county");
  CHECK(plan.halo_m == 45000.0);
  CHECK(plan.crs == "EPSG:32650");
  CHECK(plan.cell_size_m == 100.0);
  REQUIRE(plan.tiles.size() == 1);
  const auto& t = plan.tiles[0];
  CHECK(t.id == "a-1");
  CHECK(t.scenario == "tiles/a/scenario.toml");
  CHECK(t.out == "out/a");
  CHECK(t.own_cells == 123456);
  CHECK(t.cells == 234567);
  CHECK(t.memory_bytes == 123456789);
  CHECK(t.seconds == 12.5);
}

TEST_CASE("read_tile_plan refuses a bad plan, naming plan.json and the field", "[pipeline][tile_jobs]") {
  SECTION("no plan.json") {
    TempDir dir;
    try {
      (void)pipeline::read_tile_plan(dir.path());
      FAIL("not refused");
    } catch (const InputError& e) {
      CHECK(fs::path(e.where().file).filename() == "plan.json");
      CHECK_THAT(e.hint(), Catch::Contains("carereach tile"));
    }
  }
  SECTION("not JSON") { check_refused("{\"schema_version\": 1,", "", "is not valid JSON"); }
  SECTION("schema_version") {
    check_refused(plan_json(two_tiles(), "2"), "schema_version", "reads plans of schema_version 1");
    check_refused(plan_json(two_tiles(), "\"1\""), "schema_version", "is not a whole number");
    std::string no_version = plan_json(two_tiles());
    no_version.replace(no_version.find("\"schema_version\": 1,"), 20, "");
    check_refused(no_version, "schema_version", "is missing");
  }
  SECTION("tiles missing, not a list, empty") {
    std::string no_tiles = plan_json("[]");
    no_tiles.replace(no_tiles.find(", \"tiles\": []"), 13, "");
    check_refused(no_tiles, "tiles", "is missing");
    check_refused(plan_json("{}"), "tiles", "is not a list");
    check_refused(plan_json("[]"), "tiles", "is empty");
  }
  SECTION("tile ids") {
    check_refused(plan_json("[" + tile_json("341602", "t/a.toml", "out/a") + ", " +
                            tile_json("341602", "t/b.toml", "out/b") + "]"),
                  "tiles[1].id", "'341602' is the id of an earlier tile too");
    check_refused(plan_json("[" + tile_json("a b", "t/a.toml", "out/a") + "]"), "tiles[0].id", "is not a tile id");
    check_refused(plan_json("[" + tile_json("", "t/a.toml", "out/a") + "]"), "tiles[0].id", "is not a tile id");
  }
  SECTION("paths outside the plan folder") {
    check_refused(plan_json("[" + tile_json("a", "../a.toml", "out/a") + "]"), "tiles[0].scenario",
                  "is not inside the plan folder");
    check_refused(plan_json("[" + tile_json("a", "tiles/../../a.toml", "out/a") + "]"), "tiles[0].scenario",
                  "is not inside the plan folder");
    check_refused(plan_json("[" + tile_json("a", "/tmp/a.toml", "out/a") + "]"), "tiles[0].scenario", "is absolute");
    check_refused(plan_json("[" + tile_json("a", "a.toml", "out/..") + "]"), "tiles[0].out",
                  "is not inside the plan folder");
    check_refused(plan_json("[" + tile_json("a", "a.toml", ".") + "]"), "tiles[0].out", "is not inside the plan folder");
    check_refused(plan_json("[" + tile_json("a", "a.toml", "") + "]"), "tiles[0].out", "is empty");
    check_refused(plan_json("[" + tile_json("a", "a.toml", "out/a\\tb") + "]"), "tiles[0].out",
                  "control character");
  }
  SECTION("run folders shared or nested") {
    check_refused(plan_json("[" + tile_json("a", "a.toml", "out/a") + ", " + tile_json("b", "b.toml", "out/./a") + "]"),
                  "tiles[1].out", "is the run folder of an earlier tile too");
    check_refused(plan_json("[" + tile_json("a", "a.toml", "out") + ", " + tile_json("b", "b.toml", "out/b") + "]"),
                  "tiles", "'out/b' is inside the run folder 'out'");
  }
  SECTION("numbers") {
    check_refused(plan_json("[" + tile_json("a", "a.toml", "out/a", "-1") + "]"), "tiles[0].memory_bytes", "is negative");
    check_refused(plan_json("[" + tile_json("a", "a.toml", "out/a", "1.5") + "]"), "tiles[0].memory_bytes",
                  "is not a whole number");
    check_refused(plan_json("[" + tile_json("a", "a.toml", "out/a", "1", "\"12\"") + "]"), "tiles[0].seconds",
                  "is not a number");
    check_refused(plan_json("[" + tile_json("a", "a.toml", "out/a", "1", "1", "30", "20") + "]"), "tiles[0].own_cells",
                  "is larger than cells");
  }
  SECTION("by") {
    std::string bad_by = plan_json(two_tiles());
    bad_by.replace(bad_by.find("\"by\": \"county\""), 14, "\"by\": \"province\"");
    check_refused(bad_by, "by", "not county, prefecture or grid");
  }
}

TEST_CASE("the resources asked of Slurm: the estimates with the margin, by hand", "[pipeline][tile_jobs]") {
  // memory: ceil(1.5 × bytes / 1 MiB) + 256 MiB; time: ceil(2 × seconds / 60) + 5 minutes.
  pipeline::TileEntry t;
  t.memory_bytes = 0;
  t.seconds = 0;
  CHECK(pipeline::tile_request(t).memory_mib == 256);
  CHECK(pipeline::tile_request(t).minutes == 5);
  t.memory_bytes = 1;  // 1.5 bytes → 1 MiB
  t.seconds = 30;      // 60 s → 1 minute
  CHECK(pipeline::tile_request(t).memory_mib == 257);
  CHECK(pipeline::tile_request(t).minutes == 6);
  t.memory_bytes = 4LL * 1024 * 1024 * 1024;  // 4 GiB → 6 GiB = 6144 MiB
  t.seconds = 30.5;                           // 61 s → 2 minutes
  CHECK(pipeline::tile_request(t).memory_mib == 6144 + 256);
  CHECK(pipeline::tile_request(t).minutes == 7);
  t.seconds = 3600;  // 2 h + 5 min
  CHECK(pipeline::tile_request(t).minutes == 125);

  CHECK(pipeline::slurm_time(5) == "00:05:00");
  CHECK(pipeline::slurm_time(125) == "02:05:00");
  CHECK(pipeline::slurm_time(24 * 60) == "1-00:00:00");
  CHECK(pipeline::slurm_time(2 * 24 * 60 + 61) == "2-01:01:00");
}

TEST_CASE("write_job_scripts: tiles.txt, the array, its limits and the size classes", "[pipeline][tile_jobs]") {
  TempDir dir;
  const fs::path plan_dir = dir / "my plan";
  // Estimates (MiB: bytes / 1048576) and the requests by hand (1.5 × + 256 MiB; 2 × seconds / 60 rounded up + 5):
  //   small 10 MiB, 100 s → 271 MiB, 4 + 5 = 9 min
  //   mid  200 MiB, 600 s → 556 MiB, 20 + 5 = 25 min
  //   big  400 MiB, 30 s  → 856 MiB, 1 + 5 = 6 min
  //   big2 400 MiB, 7200 s → 856 MiB, 240 + 5 = 245 min = 04:05:00
  // tiles.txt order (memory, then time, then id, descending): big2, big, mid, small.
  // Classes: big2, big, mid (556 × 2 ≥ 856) → 856M and the longest, 04:05:00; small (271 × 2 < 856) → 271M, 00:09:00.
  const std::string tiles = "[" + tile_json("small", "tiles/small/scenario.toml", "out/small", "10485760", "100") + ", " +
                            tile_json("mid", "tiles/mid/scenario.toml", "out/mid", "209715200", "600") + ", " +
                            tile_json("big", "tiles/big/scenario.toml", "out/big", "419430400", "30") + ", " +
                            tile_json("big2", "tiles/big2/scenario.toml", "out/big two", "419430400", "7200") + "]";
  dir.write("my plan/plan.json", plan_json(tiles));
  const pipeline::TilePlan plan = pipeline::read_tile_plan(plan_dir);
  const fs::path exe = dir / "bin dir" / "it's carereach";
  pipeline::write_job_scripts(plan, plan_dir, exe);

  CHECK(slurp(plan_dir / "tiles.txt") ==
        "0\tbig2\ttiles/big2/scenario.toml\tout/big two\n"
        "1\tbig\ttiles/big/scenario.toml\tout/big\n"
        "2\tmid\ttiles/mid/scenario.toml\tout/mid\n"
        "3\tsmall\ttiles/small/scenario.toml\tout/small\n");

  const std::string sbatch = slurp(plan_dir / "slurm.sbatch");
  CHECK(sbatch.rfind("#!/bin/sh\n", 0) == 0);
  CHECK_THAT(sbatch, Catch::Contains("\n#SBATCH --array=0-3\n"));
  CHECK_THAT(sbatch, Catch::Contains("\n#SBATCH --mem=856M\n"));
  CHECK_THAT(sbatch, Catch::Contains("\n#SBATCH --time=04:05:00\n"));
  CHECK_THAT(sbatch, Catch::Contains("\n#SBATCH --output=\"" + (plan_dir / "logs" / "slurm-%A_%a.out").string() + "\"\n"));
  // Paths single-quoted for sh: a space stays, a ' is written '\''.
  CHECK_THAT(sbatch, Catch::Contains("\nplan='" + plan_dir.string() + "'\n"));
  CHECK_THAT(sbatch, Catch::Contains("\ncarereach='" + (dir / "bin dir").string() + "/it'\\''s carereach'\n"));
  CHECK_THAT(sbatch, Catch::Contains("\"$carereach\" run \"$plan/$scenario\" --out \"$plan/$out\" --overwrite"));
  CHECK_THAT(sbatch, Catch::Contains("run_tile $(( ${CAREREACH_TILE_OFFSET:-0} + SLURM_ARRAY_TASK_ID ))"));

  const std::string submit = slurp(plan_dir / "submit_slurm.sh");
  CHECK_THAT(submit, Catch::Contains("\nsubmit 0 3 856M 04:05:00 \"$@\"\nsubmit 3 1 271M 00:09:00 \"$@\"\n"));
  const auto classes = pipeline::size_classes(plan);
  REQUIRE(classes.size() == 2);
  CHECK(classes[0].first == 0);
  CHECK(classes[0].count == 3);
  CHECK(classes[1].first == 3);
  CHECK(classes[1].count == 1);

  const std::string local = slurp(plan_dir / "run_local.sh");
  CHECK_THAT(local, Catch::Contains("\nplan='" + plan_dir.string() + "'\n"));
  CHECK_THAT(local, Catch::Contains("xargs -P \"$jobs\""));
  CHECK_THAT(local, Catch::Contains("parallel --will-cite"));

  for (const char* name : {"slurm.sbatch", "submit_slurm.sh", "run_local.sh"}) {
    INFO(name);
    const auto perms = fs::status(plan_dir / name).permissions();
    CHECK((perms & fs::perms::owner_exec) != fs::perms::none);
    // The shell can parse it.
    const std::string command = "sh -n '" + (plan_dir / name).string() + "'";
    CHECK(std::system(command.c_str()) == 0);
  }
  CHECK(fs::is_directory(plan_dir / "logs"));

  // Written again: the same bytes (a plan's scripts do not depend on when they were written).
  const std::string before = sbatch + submit + local;
  pipeline::write_job_scripts(plan, plan_dir, exe);
  CHECK(slurp(plan_dir / "slurm.sbatch") + slurp(plan_dir / "submit_slurm.sh") + slurp(plan_dir / "run_local.sh") ==
        before);
}

TEST_CASE("write_job_scripts refuses a path a script cannot hold", "[pipeline][tile_jobs]") {
  TempDir dir;
  dir.write("plan.json", plan_json(two_tiles()));
  const pipeline::TilePlan plan = pipeline::read_tile_plan(dir.path());
  CHECK_THROWS_AS(pipeline::write_job_scripts(plan, dir.path(), dir / "bad\"name"), UsageError);
  CHECK_THROWS_AS(pipeline::write_job_scripts(plan, dir.path(), dir / "bad\nname"), UsageError);
}

TEST_CASE("write_job_scripts checks a plan built in memory", "[pipeline][tile_jobs]") {
  TempDir dir;
  pipeline::TilePlan plan;
  plan.tiles.push_back({"a", "tiles/a.toml", "out/a", 1, 2, 3, 4.0});
  plan.tiles.push_back({"b", "../b.toml", "out/b", 1, 2, 3, 4.0});
  try {
    pipeline::write_job_scripts(plan, dir.path(), dir / "carereach");
    FAIL("not refused");
  } catch (const InputError& e) {
    CHECK(e.where().field == "tiles[1].scenario");
  }
  plan.tiles[1] = {"a", "tiles/b.toml", "out/b", 1, 2, 3, 4.0};
  try {
    pipeline::write_job_scripts(plan, dir.path(), dir / "carereach");
    FAIL("not refused");
  } catch (const InputError& e) {
    CHECK(e.where().field == "tiles[1].id");
  }
  CHECK_FALSE(fs::exists(dir / "tiles.txt"));
  plan.tiles.clear();
  CHECK_THROWS_AS(pipeline::write_job_scripts(plan, dir.path(), dir / "carereach"), InputError);
}
