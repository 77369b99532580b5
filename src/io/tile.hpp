#pragma once
// Tiles of a scenario ([tile], docs/method/tiles.md): what a tile may compute, and what its loader keeps.

#include <cstddef>
#include <string>
#include <vector>

#include "core/grid.hpp"
#include "geo/geos.hpp"
#include "io/scenario.hpp"

namespace carereach::io {

/// Throws CodedError "tile.not_tileable" (exit 3) naming the first section of the scenario that cannot be computed
/// exactly tile by tile: [capacity.<id>] (order-dependent), [siting.<id>] (chooses over the whole area),
/// [accessibility.<id>] (E2SFCA: a facility's ratio divides by every person within its reach), [huff.<id>]
/// (a facility's share depends on every competitor and person), [referral.<id>] (per facility, over any distance),
/// zone levels of seats (cells go to the nearest seat, at any distance), population polygons (spread over a
/// polygon's cells, which the tile's grid may cut), [raster] friction, anisotropic walking and bicycling on slopes
/// (no speed bound) and `snap = "node"` (a facility starts at its nearest node, however far). `at` names the file.
void check_tileable(const Scenario& scenario, const std::string& at);

/// What the loader of a tile kept and counted (LoadedScenario::tile).
struct TileLoad {
  geo::Envelope own;        ///< envelope of the own region (analysis CRS)
  geo::Envelope window;     ///< own ⊕ halo_m, as a rectangle (facilities and roads are kept inside it)
  std::vector<std::uint8_t> own_cell;  ///< per cell of the tile grid: 1 when the cell is the tile's own
  std::size_t own_cells = 0;
  double halo_persons = 0.0;           ///< persons of halo cells (routed, not counted)
  std::size_t facilities_dropped = 0;  ///< facilities beyond the window
  /// Per zone level (as LoadedScenario::zones): the codes of the zones the own region cuts (reported in part).
  std::vector<std::vector<std::string>> partial_zones;
};

}  // namespace carereach::io
