#pragma once
// How off-network points join the road graph. Cells: every populated cell's centre joins the network at the
// nearest points of up to K distinct pieces within the maximum access distance, walking at the access speed —
// computed once per (grid, graph) and reused by every standard. Facilities: each is snapped to the nearest point
// on a piece (any distance; farther than the maximum is reported), and the piece's end nodes become the sources
// of the search. With SnapMode::kNode both join their nearest graph node instead (the peers' definition).
// docs/method/network.md ("Cell connectors") gives the formulas.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "core/grid.hpp"
#include "core/population.hpp"
#include "core/progress.hpp"
#include "core/speeds.hpp"
#include "network/graph.hpp"
#include "network/snap.hpp"

namespace carereach::network {

enum class SnapMode {
  kEdge,  ///< nearest points on pieces, off-road legs, K connectors per cell, same-piece runs, direct walks
  kNode,  ///< nearest graph node: facilities start there at 0 s; a cell walks straight to its nearest node
};

struct ConnectorOptions {
  SnapMode mode = SnapMode::kEdge;
  std::uint32_t max_connectors = 3;       ///< K: distinct pieces a cell joins (kEdge), 1 … 16
  double access_speed_kmh = 5.0;          ///< off-road walking: cell ↔ road, facility ↔ road, cell ↔ facility
  double max_access_distance_m = 1000.0;  ///< cells join roads (and walk to facilities) only within this (kEdge);
                                          ///< facilities farther than this are reported, not dropped

  /// Access speed and distance from the profile, other fields as given.
  static ConnectorOptions from_profile(const SpeedProfile& profile, SnapMode mode = SnapMode::kEdge,
                                       std::uint32_t max_connectors = 3);
};

/// A point off the network, analysis CRS.
struct PointM {
  double x_m = 0.0;
  double y_m = 0.0;
};

/// One way into the network from a populated cell: start the network part at `node` after time_s seconds.
struct CellLink {
  std::uint32_t node = 0;
  float time_s = 0.0F;
};

/// A cell's connector, listed under its piece (for facilities on the same piece).
struct PieceConnector {
  std::uint32_t slot = 0;  ///< populated cell slot
  float fraction = 0.0F;   ///< where the connector meets the piece, EdgePoint::fraction
  float leg_s = 0.0F;      ///< the walk from the cell centre to that point
};

/// The connectors of every populated cell of a grid to one graph, in compressed sparse row form: populated
/// cells get dense slots in grid order; slot s's links are links[link_offset[s] … link_offset[s + 1]).
struct CellConnectors {
  Grid grid;
  ConnectorOptions options;
  std::size_t graph_nodes = 0;  ///< node count of the graph they were built for (checked when used)
  std::size_t graph_pieces = 0;

  std::vector<std::uint32_t> cell;               ///< per slot: Grid::index of the cell, ascending
  std::vector<std::uint64_t> populated;          ///< bit per grid cell (bit i % 64 of word i / 64): populated
  std::vector<std::uint32_t> link_offset;        ///< slots + 1 entries
  std::vector<std::uint8_t> link_count;          ///< per slot (what a pass over all cells in order reads instead)
  std::vector<CellLink> links;                   ///< per slot, by time: at most one per node, none dominated
  std::vector<std::uint32_t> piece_offset;       ///< kEdge: pieces + 1 entries; empty for kNode
  std::vector<PieceConnector> piece_connectors;  ///< kEdge: per piece, ascending slot

  std::size_t cells_without_access = 0;  ///< populated cells with no road within the maximum access distance
  std::size_t connector_count = 0;       ///< connectors (cell, piece) found

  [[nodiscard]] std::size_t slot_count() const { return cell.size(); }
  [[nodiscard]] bool is_populated(std::size_t grid_index) const {
    return ((populated[grid_index >> 6U] >> (grid_index & 63U)) & 1U) != 0;
  }
  [[nodiscard]] std::span<const CellLink> links_of(std::size_t slot) const {
    return {links.data() + link_offset[slot], links.data() + link_offset[slot + 1]};
  }
  [[nodiscard]] std::span<const PieceConnector> connectors_on(std::uint32_t piece) const {
    return {piece_connectors.data() + piece_offset[piece], piece_connectors.data() + piece_offset[piece + 1]};
  }
  /// Bytes held (capacity of every array).
  [[nodiscard]] std::size_t memory_bytes() const;
};

/// Builds the connectors of every cell with persons > 0 (in parallel; the result does not depend on the thread
/// count). kEdge: the cell centre's nearest points on up to K distinct pieces within max_access_distance_m; each
/// gives a link to the piece's `from` node (walk + backward_s × fraction) and to its `to` node (walk +
/// forward_s × (1 − fraction)) where that direction is allowed (or the point is that node); links that another
/// link plus one piece always beats are dropped. kNode: one link to the nearest node (walk), at any distance.
/// The index must have been built on `graph`. Throws std::invalid_argument on bad options or inputs.
CellConnectors build_cell_connectors(const PopulationGrid& population, const RoadGraph& graph, const SnapIndex& index,
                                     const ConnectorOptions& options, ProgressSink* progress = nullptr);

/// A start of the search: `node` begins at time_s seconds, labelled with `facility`.
struct Source {
  std::uint32_t node = 0;
  double time_s = 0.0;
  std::uint32_t facility = 0;
};

/// Where one facility joins the network.
struct SnappedFacility {
  std::uint32_t facility = 0;  ///< the caller's id (FacilityId value): the label of T's nearest facility
  double x_m = 0.0;            ///< its position
  double y_m = 0.0;
  EdgePoint point;                         ///< kEdge: the nearest point on a piece (invalid when the graph is empty)
  std::uint32_t node = kNoNode;            ///< kNode: the nearest graph node
  double distance_m = kUnlimitedDistance;  ///< to `point` (kEdge) or to `node` (kNode)
  double leg_s = 0.0;                      ///< kEdge: the walk over distance_m at the access speed; kNode: 0
};

/// The facilities of one standard joined to the network, and the search sources they give.
struct FacilitySources {
  ConnectorOptions options;
  std::vector<SnappedFacility> facilities;  ///< in input order
  std::vector<Source> sources;
  /// Warnings data: positions in `facilities` of those farther from the network than max_access_distance_m.
  /// They are still snapped and searched from, with the long leg counted.
  std::vector<std::uint32_t> beyond_max_access;
  /// Positions of facilities that could not join at all (empty graph, or no allowed direction on the piece).
  std::vector<std::uint32_t> not_joined;
};

/// Snaps each facility (positions[i], labelled ids[i]; the spans have the same length) and makes the sources.
/// kEdge: on piece p at fraction f with leg L, node `from` starts at L + forward_s × f and node `to` at
/// L + backward_s × (1 − f), each only when that direction is allowed (or the point is that node). kNode: the
/// nearest node starts at 0 s. Ids must not be TravelTimeField::kNoFacility.
FacilitySources snap_facilities(const SnapIndex& index, const RoadGraph& graph, std::span<const PointM> positions,
                                std::span<const std::uint32_t> ids, const ConnectorOptions& options);

}  // namespace carereach::network
