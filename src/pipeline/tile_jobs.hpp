#pragma once
// The scheduler side of a tiled run (issue 16, docs/cli/tile.md#running-the-tiles): the plan of a tiled run as
// `carereach tile` writes it (PLAN/plan.json), and the job scripts that run its tiles — a Slurm job array
// (PLAN/slurm.sbatch, and PLAN/submit_slurm.sh that submits it by size class) and the same jobs on one machine
// (PLAN/run_local.sh), both reading PLAN/tiles.txt. Nothing here prints; problems are carereach errors.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace carereach::pipeline {

/// One tile of a plan: an ordinary scenario whose run folder is `out`; both paths relative to the plan folder.
struct TileEntry {
  std::string id;                  ///< unique in the plan; [A-Za-z0-9_-]+
  std::string scenario;            ///< the tile's scenario file, relative to the plan folder (inside it)
  std::string out;                 ///< the tile's run folder, relative to the plan folder (inside it)
  std::int64_t own_cells = 0;      ///< cells of the tile's own region
  std::int64_t cells = 0;          ///< cells of the tile's grid (own + halo)
  std::int64_t memory_bytes = 0;   ///< estimated peak memory of the tile's run
  double seconds = 0;              ///< estimated run time on one core of the reference machine
};

/// PLAN/plan.json (schema_version 1; the contract of docs/cli/tile.md).
struct TilePlan {
  int schema_version = 1;
  std::string carereach_version;
  std::string scenario;            ///< the parent scenario, relative to the plan folder
  std::string scenario_sha256;
  std::string by;                  ///< county | prefecture | grid
  std::string level;               ///< the zone level of the tiles (county/prefecture; empty for grid)
  double halo_m = 0;
  std::string crs;
  double cell_size_m = 0;
  std::vector<TileEntry> tiles;
};

/// The plan.json versions this build reads.
inline constexpr int kTilePlanSchemaVersion = 1;

/// Reads PLAN/plan.json. Throws InputError (exit 4) naming plan.json and the field for a missing or unreadable
/// file, invalid JSON, an unsupported schema_version, a missing or wrong field, no tiles, a duplicate or malformed
/// tile id, a tile path that is absolute or leaves the plan folder, or two tiles with the same run folder.
TilePlan read_tile_plan(const std::filesystem::path& plan_dir);

/// The resources asked of the scheduler for one tile: the tile's estimates with the margin of
/// docs/cli/tile.md#running-the-tiles — memory 1.5 × the estimate + 256 MiB, in whole MiB; time 2 × the estimate
/// + 5 minutes, in whole minutes.
struct TileRequest {
  std::int64_t memory_mib = 0;
  std::int64_t minutes = 0;
};
TileRequest tile_request(const TileEntry& tile);

/// A Slurm time limit for whole minutes: "HH:MM:00", or "D-HH:MM:00" from one day.
std::string slurm_time(std::int64_t minutes);

/// The tiles in the order of tiles.txt: the largest memory request first (then the longest, then by id), so that
/// the big tiles start first and each size class is a contiguous range of indexes.
std::vector<TileEntry> job_order(const TilePlan& plan);

/// A size class of tiles (contiguous indexes of tiles.txt) submitted as one job array with its own limits: every
/// tile of a class asks for at least half the memory of its first (largest) tile.
struct TileClass {
  std::size_t first = 0;           ///< the first index of tiles.txt
  std::size_t count = 0;
  TileRequest request;             ///< the largest memory and the longest time of its tiles
};
std::vector<TileClass> size_classes(const TilePlan& plan);

/// Writes PLAN/tiles.txt, PLAN/slurm.sbatch, PLAN/submit_slurm.sh and PLAN/run_local.sh (executable), and the
/// folder PLAN/logs, replacing earlier scripts. The scripts hold the absolute paths of the plan folder and of
/// carereach_exe (the environment variable CAREREACH overrides the latter when a job runs). Throws OutputError
/// when a file cannot be written, UsageError when a path cannot be written into a script (a newline, a tab or
/// a double quote in it). `named_dir`: the folder the scripts name, when the plan is written into a temporary
/// folder (plan_dir) that is renamed to it afterwards (empty: plan_dir itself).
void write_job_scripts(const TilePlan& plan, const std::filesystem::path& plan_dir,
                       const std::filesystem::path& carereach_exe, const std::filesystem::path& named_dir = {});

/// The job scripts' files, relative to the plan folder, as write_job_scripts writes them.
inline constexpr const char* kJobScriptFiles[] = {"tiles.txt", "slurm.sbatch", "submit_slurm.sh", "run_local.sh"};

}  // namespace carereach::pipeline
