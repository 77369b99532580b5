#pragma once
// `carereach tile`: a scenario split into tile scenarios ([tile], docs/method/tiles.md) and plan.json
// (docs/cli/tile.md). Only the zones are read (not the population, facilities or roads).

#include <filesystem>
#include <string>
#include <vector>

#include "io/scenario.hpp"

namespace carereach::pipeline {

/// Cells a tile run gets through per second on one core of the reference machine, for plan.json's estimate
/// (docs/cli/tile.md: a rough figure from whole runs of the synthetic prefecture; an estimate, not a promise).
inline constexpr double kTileCellsPerSecond = 2.0e5;

/// One standard's part of the halo: how far a path that matters may reach from its start.
struct HaloTerm {
  std::string standard;
  double reach_m = 0.0;
  std::string rule;  ///< e.g. "120 min × 33.3 m/s + 1000 m + 141 m" (English)
};

/// The halo of a scenario's tiles: the largest reach of any standard, rounded up to whole metres
/// (docs/method/tiles.md). Throws CodedError "tile.speed_unknown" (exit 3) when a speed cannot be bounded without
/// reading the data (line roads with their own speeds for cars; land-cover speeds in a classes file).
double tile_halo_m(const io::Scenario& scenario, std::vector<HaloTerm>* terms = nullptr);

struct TilePlanConfig {
  std::filesystem::path scenario;
  std::filesystem::path out;  ///< PLAN
  std::string by;             ///< county | prefecture | grid
  std::string level;          ///< county/prefecture: the zone level (default: by)
  double size_km = 0.0;       ///< grid: the side of a tile
  bool overwrite = false;
  /// The carereach executable the job scripts run (tile_jobs.hpp: tiles.txt, slurm.sbatch, submit_slurm.sh,
  /// run_local.sh written with the plan). Empty: no scripts (`carereach jobs PLAN` writes them later).
  std::filesystem::path carereach_exe;
};

struct TilePlanTile {
  std::string id;
  std::size_t own_cells = 0;
  std::size_t cells = 0;
  std::uint64_t memory_bytes = 0;
  double seconds = 0.0;
};

struct TilePlanResult {
  std::filesystem::path folder;
  std::string crs;
  double halo_m = 0.0;
  std::vector<HaloTerm> halo_terms;
  std::vector<TilePlanTile> tiles;
  std::vector<std::string> outputs;
};

/// Writes PLAN/plan.json, PLAN/tiles/<id>/scenario.toml and, with config.carereach_exe, the job scripts (through a
/// temporary folder renamed when complete; the scripts name the final folder).
TilePlanResult make_tile_plan(const TilePlanConfig& config);

}  // namespace carereach::pipeline
