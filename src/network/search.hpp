#pragma once
// The travel-time search of one standard: a bounded multi-source Dijkstra on the reversed graph from the
// facilities' sources (every node gets its time towards the nearest facility, and which facility that is), then
// the assignment of every populated cell through its connectors, along its pieces and by direct walks.
// docs/method/network.md ("Search") gives the rules.

#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "core/travel_time.hpp"
#include "network/connectors.hpp"
#include "network/graph.hpp"

namespace carereach::network {

inline constexpr double kUnreachedTime = std::numeric_limits<double>::infinity();
inline constexpr std::uint32_t kNoFacility = TravelTimeField::kNoFacility;

/// One node's result: seconds to the nearest facility and which facility that is.
struct NodeLabel {
  double time_s = kUnreachedTime;        ///< kUnreachedTime beyond the limit or unreachable
  std::uint32_t facility = kNoFacility;  ///< kNoFacility when unreached
};

/// Per graph node: the time towards the nearest facility and that facility (ties: the smaller facility id).
struct NodeTimes {
  std::vector<NodeLabel> node;  ///< indexed by graph node
  std::size_t reached = 0;      ///< nodes within the limit

  [[nodiscard]] double time_s(std::size_t v) const { return node[v].time_s; }
  [[nodiscard]] std::uint32_t facility(std::size_t v) const { return node[v].facility; }
  [[nodiscard]] bool is_reached(std::size_t v) const { return node[v].time_s != kUnreachedTime; }
};

/// The search on one graph, with its working arrays kept between runs (one per thread; not thread-safe). Holds
/// its own copy of the reversed adjacency, laid out for the search (about 16 bytes per node and 8 per arc), and
/// refers to the graph, which must outlive it.
class NodeSearch {
 public:
  explicit NodeSearch(const RoadGraph& graph);

  /// Dijkstra from every source (a node's start is its smallest source time, ties to the smaller facility) over
  /// the reversed graph; nodes whose time would exceed limit_s are left unreached. Each node ends with the
  /// minimum time and, among the facilities with exactly that time, the smallest id.
  void run(std::span<const Source> sources, double limit_s, NodeTimes& out);

  /// The same search, touching only the nodes it reaches: `labels` must hold one unreached label per node on entry
  /// (as it is left by reset_local); the reached nodes get their labels and are appended to `touched`. Call
  /// reset_local(labels, touched) before the next run_local with the same labels. For searches that reach a small
  /// part of the graph (one facility's neighbourhood), where run()'s pass over every node would dominate.
  void run_local(std::span<const Source> sources, double limit_s, NodeTimes& labels,
                 std::vector<std::uint32_t>& touched);
  /// Makes every label of `touched` unreached again and clears `touched`.
  static void reset_local(NodeTimes& labels, std::vector<std::uint32_t>& touched);

  [[nodiscard]] const RoadGraph& graph() const { return *graph_; }
  [[nodiscard]] std::size_t memory_bytes() const;

 private:
  struct HeapEntry {
    double time_s;
    std::uint32_t record;
    std::uint32_t facility;
  };
  void heap_push(const HeapEntry& e);
  void heap_pop();

  const RoadGraph* graph_;
  /// One record per node, in node order, of 64-bit words: the time (a double), then the facility (low half) and
  /// the arc count (high half), then one word per arc: the record of its target (low half) and its time (a
  /// float, high half). A node's label and its arcs share cache lines, and arcs lead straight to records.
  std::vector<std::uint64_t> records_;
  std::vector<std::uint32_t> record_of_;  ///< node → word offset of its record
  std::vector<std::uint32_t> node_of_record_;  ///< word offset of a record → its node (run_local; built on first use)
  std::vector<std::uint32_t> local_reached_;   ///< run_local: the records it labelled
  std::vector<HeapEntry> heap_;
  bool dirty_ = false;  ///< a run did not finish: labels must be cleared before the next
};

/// Convenience: one search with a fresh NodeSearch.
NodeTimes search_nodes(const RoadGraph& graph, std::span<const Source> sources, double limit_s);

struct AssignOptions {
  bool parallel = true;  ///< the result is the same either way
  /// Only the cells of grid rows first_row … last_row and columns first_col … last_col (inclusive, clipped to the
  /// grid) are assigned; the others are left as they were in `out` (which must then already have the grid's size).
  /// The defaults: every row and column.
  std::uint32_t first_row = 0;
  std::uint32_t last_row = std::numeric_limits<std::uint32_t>::max();
  std::uint32_t first_col = 0;
  std::uint32_t last_col = std::numeric_limits<std::uint32_t>::max();
};

/// Every populated cell's T (minutes) and F (facility id) from the node times of one search: the minimum over
/// its links (link time + node time), over runs along a piece it shares with a facility (kEdge), and over direct
/// walks to facilities within the maximum access distance (kEdge). Candidates above limit_s do not count; a cell
/// with none gets TravelTimeField::kUnreached and kNoFacility, as does every unpopulated cell. Candidates are
/// compared as (minutes as float, facility id), so ties go to the smaller id and the result does not depend on
/// the order or the threads. `out` is resized to the grid (reusing its storage).
void assign_cells(const RoadGraph& graph, const CellConnectors& connectors, const FacilitySources& facilities,
                  const NodeTimes& nodes, double limit_s, TravelTimeField& out, const AssignOptions& options = {});

/// A whole standard: the search, then the assignment.
struct NetworkTravelTimes {
  TravelTimeField field;
  NodeTimes nodes;
};
NetworkTravelTimes network_travel_times(NodeSearch& search, const CellConnectors& connectors,
                                        const FacilitySources& facilities, double limit_s,
                                        const AssignOptions& options = {});

}  // namespace carereach::network
