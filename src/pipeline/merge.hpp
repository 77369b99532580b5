#pragma once
// `carereach merge PLAN --out DIR`: the tiles of a plan put back together (docs/cli/merge.md,
// docs/method/tiles.md#merging). Reads PLAN/plan.json and every tile's PLAN/out/<id>/tile.json, checks that they
// belong together, adds up the tiles' exact zone sums into the zone tables of an untiled run (all but the gap areas)
// and appendix.xlsx, and writes one GDAL VRT per time standard over the tiles' travel-time GeoTIFFs. Only the
// parent's zones, zone totals and targets are read (not the population, facilities or roads). Nothing here prints;
// problems are carereach errors.

#include <filesystem>
#include <string>
#include <vector>

#include "report/table.hpp"

namespace carereach::pipeline {

struct MergeConfig {
  std::filesystem::path plan;  ///< PLAN (holds plan.json)
  std::filesystem::path out;   ///< DIR
  bool overwrite = false;
  report::Lang lang = report::Lang::kZh;  ///< of the tables (as `run --lang`)
};

struct MergeResult {
  std::filesystem::path folder;
  std::vector<std::string> tiles;    ///< the tile ids merged, in the plan's order
  std::vector<std::string> outputs;  ///< files written, relative to the folder
};

/// Writes DIR/tables/<id>.csv for every appendix table of the run but gaps.csv (summary, density_<level>,
/// coverage_<level>, indicators, facility_counts_<level>, sensitivity_<id>), DIR/appendix.xlsx of them,
/// DIR/travel_time_<standard>.vrt and DIR/merge.json, through a temporary folder beside DIR renamed when complete.
/// Throws CodedError "merge.missing_tiles" (exit 4) naming every tile without tile.json and the command that runs
/// it; "merge.mismatch" (exit 4) naming the tile and the field that differs from the plan (carereach_version,
/// settings, the parent scenario's SHA-256, the tile id, a zone the parent does not have) or when the parent
/// scenario changed since the plan was made; InputError (exit 4) for a tile.json that cannot be read.
MergeResult merge_tiles(const MergeConfig& config);

}  // namespace carereach::pipeline
