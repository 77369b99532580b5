#pragma once
// tile.json: what a tile's run folder holds for a later merge (docs/method/tiles.md): the tile, its parent's
// input checksums and settings, the grid, and per standard and zone the exact, unrounded sums.

#include <nlohmann/json.hpp>

#include "io/load.hpp"
#include "io/run_manifest.hpp"
#include "pipeline/run_analysis.hpp"

namespace carereach::pipeline {

/// tile.json of a tile run (loaded.tile and loaded.scenario.tile set). `analysis` is null without a population.
nlohmann::ordered_json tile_json(const io::LoadedScenario& loaded, const RunAnalysis* analysis, const io::RunInfo& info);

}  // namespace carereach::pipeline
