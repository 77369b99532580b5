#pragma once
// The routing graph of one travel mode, built from RoadData: ways split at shared nodes into pieces (one piece =
// the part of a way between two junctions or ends), the largest connected component kept, travel times per
// direction from the speed profile, and a compressed sparse row adjacency of the REVERSED directed graph, so a
// search from the facilities gives every node's time *towards* its nearest facility.
// docs/method/network.md describes the rules.

#include <cstdint>
#include <limits>
#include <vector>

#include <boost/graph/compressed_sparse_row_graph.hpp>

#include "core/road_data.hpp"
#include "core/speeds.hpp"
#include "core/standard.hpp"

namespace carereach::network {

inline constexpr float kNoPassage = std::numeric_limits<float>::infinity();

/// A piece of a way between two graph nodes, with its geometry in RoadData (vertices way_nodes[first … last]).
struct Piece {
  std::uint32_t from = 0;         ///< graph node at the piece's first vertex
  std::uint32_t to = 0;           ///< graph node at its last vertex
  std::uint32_t way = 0;          ///< RoadData way
  std::uint32_t first_vertex = 0; ///< index into RoadData::way_nodes of the first vertex
  std::uint32_t last_vertex = 0;  ///< index into RoadData::way_nodes of the last vertex (inclusive)
  float length_m = 0.0F;
  float forward_s = kNoPassage;   ///< travel time from → to, seconds; kNoPassage when the mode may not
  float backward_s = kNoPassage;  ///< travel time to → from
};

/// Edge property of the reversed CSR graph: the piece it comes from and its time in seconds.
struct ReverseEdge {
  std::uint32_t piece = 0;
  float time_s = 0.0F;
};

/// Reversed directed graph: an edge v → u for every allowed direction u → v of a piece.
using ReverseCsr = boost::compressed_sparse_row_graph<boost::directedS, boost::no_property, ReverseEdge,
                                                      boost::no_property, std::uint32_t, std::uint32_t>;

struct GraphStats {
  std::size_t nodes_total = 0;        ///< graph nodes of the mode's pieces, before keeping the largest component
  std::size_t pieces_total = 0;       ///< pieces the mode may use, before keeping the largest component
  std::size_t components = 0;         ///< weakly connected components among them
  std::size_t nodes_dropped = 0;      ///< graph nodes outside the largest component
  std::size_t pieces_dropped = 0;
  double length_dropped_km = 0.0;     ///< length of the dropped pieces
  double length_kept_km = 0.0;        ///< length of the kept pieces
};

/// Graph nodes are numbered 0 … node_count()-1 in Hilbert-curve order of their position (ties in road node
/// order), so nodes close on the ground are close in memory; pieces are in the order of their way and, within a
/// way, along it. Both orders are deterministic and do not depend on how RoadData numbers its nodes (except
/// between distinct nodes in one cell of the curve's 2^16 × 2^16 grid over the network's extent).
struct RoadGraph {
  TravelMode mode = TravelMode::kWalk;
  std::vector<double> node_x_m;           ///< per graph node, analysis CRS
  std::vector<double> node_y_m;
  std::vector<std::uint32_t> road_node;   ///< per graph node: its RoadData node index
  std::vector<Piece> pieces;              ///< only pieces of the largest component
  ReverseCsr reverse;                     ///< num_vertices = node count; a node's edges in piece order
  GraphStats stats;

  [[nodiscard]] std::size_t node_count() const { return node_x_m.size(); }
  [[nodiscard]] std::size_t memory_bytes() const;
};

/// Builds the graph of one mode. Pure: no I/O, no exceptions for odd data (an empty graph when the mode may use
/// no road). The speed of a way for a mode is the class speed of the mode, times link_factor for *_link ways; a
/// line layer's own speed (RoadData::way_speed_kmh) replaces it for cars and caps it for the other modes; then it
/// is capped at maxspeed when the mode says so (cap_at_maxspeed). A way the mode may not use (access bits, class
/// speed 0) is left out. Oneway holds for car, bicycle and e-bike (the latter two not on ways flagged
/// road_flag::kOnewayNotForBicycle), never for walking; e-bikes follow the bicycle access bits. Mode kMixed has two
/// options per way — the car where cars may go (oneway holds) and walking where feet may go (both directions) — and
/// each direction takes the faster allowed one. Ways are split at graph nodes: road nodes that the mode's ways use
/// twice or more (two ways, or one way twice) and the ends of those ways. The largest weakly connected component
/// by length is kept (ties: more pieces, then the one whose first piece comes first). docs/method/network.md.
RoadGraph build_graph(const RoadData& roads, TravelMode mode, const SpeedProfile& profile);

}  // namespace carereach::network
