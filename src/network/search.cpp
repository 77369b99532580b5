#include "network/search.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <stdexcept>
#include <string>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include "core/units.hpp"

namespace carereach::network {

namespace {

constexpr double kMinPerSec = 1.0 / units::kSecPerMin;
/// Populated cells per unit of parallel work in the assignment.
constexpr std::size_t kCellsPerBlock = 16384;
/// How many links ahead the assignment fetches node times.
constexpr std::size_t kPrefetchLinks = 128;
/// Grid rows per unit of parallel work for the direct walks.
constexpr std::uint32_t kRowsPerBand = 16;
/// Children per heap node (a 4-ary heap does fewer cache-missing levels than a binary one).
constexpr std::size_t kHeapArity = 4;

/// The one conversion of a candidate's seconds to the minutes that are compared and stored.
float to_minutes(double time_s) {
  return static_cast<float>(time_s * kMinPerSec);
}

/// A candidate (minutes, facility) as one integer that orders like the pair: the bits of a non-negative float
/// order like the float, so the smaller key is the smaller time and, at equal times, the smaller facility.
inline std::uint64_t candidate_key(float minutes, std::uint32_t facility) {
  return (static_cast<std::uint64_t>(std::bit_cast<std::uint32_t>(minutes)) << 32U) | facility;
}
const std::uint64_t kUnreachedKey = candidate_key(TravelTimeField::kUnreached, kNoFacility);

/// Keeps the smaller (minutes, facility) in (best_min, best_facility).
inline void offer(float& best_min, std::uint32_t& best_facility, float minutes, std::uint32_t facility) {
  if (minutes < best_min || (minutes == best_min && facility < best_facility)) {
    best_min = minutes;
    best_facility = facility;
  }
}

void check_limit(double limit_s) {
  if (!(limit_s >= 0.0)) throw std::invalid_argument("search: the limit must be 0 or more seconds");
}

template <class Body>
void for_blocks(std::size_t count, bool parallel, Body&& body) {
  if (parallel) {
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, count, 1), [&](const tbb::blocked_range<std::size_t>& r) {
      for (std::size_t b = r.begin(); b != r.end(); ++b) body(b);
    });
  } else {
    for (std::size_t b = 0; b < count; ++b) body(b);
  }
}

// Access to the words of a node record (NodeSearch::records_).
inline double record_time(const std::uint64_t* r) {
  return std::bit_cast<double>(r[0]);
}
inline std::uint32_t record_facility(const std::uint64_t* r) {
  return static_cast<std::uint32_t>(r[1]);
}
inline std::uint32_t record_degree(const std::uint64_t* r) {
  return static_cast<std::uint32_t>(r[1] >> 32U);
}
inline void set_label(std::uint64_t* r, double time_s, std::uint32_t facility) {
  r[0] = std::bit_cast<std::uint64_t>(time_s);
  r[1] = (r[1] & 0xFFFFFFFF00000000ULL) | facility;
}
inline std::uint32_t arc_target(std::uint64_t arc) {
  return static_cast<std::uint32_t>(arc);
}
inline float arc_time(std::uint64_t arc) {
  return std::bit_cast<float>(static_cast<std::uint32_t>(arc >> 32U));
}

inline void prefetch(const void* p) {
#if defined(__GNUC__)
  __builtin_prefetch(p);
#else
  (void)p;
#endif
}

inline bool before(double ta, std::uint32_t fa, double tb, std::uint32_t fb) {
  return ta < tb || (ta == tb && fa < fb);
}

}  // namespace

NodeSearch::NodeSearch(const RoadGraph& graph) : graph_(&graph) {
  const std::size_t n = graph.node_count();
  if (num_vertices(graph.reverse) != n) {
    throw std::invalid_argument("search: the graph's adjacency has " + std::to_string(num_vertices(graph.reverse)) +
                                " vertices for " + std::to_string(n) + " nodes");
  }
  // Pass 1: place the records (2 words + 1 per allowed arc), in node order.
  record_of_.resize(n);
  std::size_t words = 0;
  for (std::uint32_t v = 0; v < n; ++v) {
    if (words >= std::numeric_limits<std::uint32_t>::max()) {
      throw std::length_error("search: graph too large (more than 4 billion words of node records)");
    }
    record_of_[v] = static_cast<std::uint32_t>(words);
    words += 2;
    for (auto [it, end] = out_edges(v, graph.reverse); it != end; ++it) {
      const float time_s = graph.reverse[*it].time_s;
      if (!(time_s >= 0.0F)) {
        throw std::invalid_argument("search: edge of piece " + std::to_string(graph.reverse[*it].piece) + " has time " +
                                    std::to_string(time_s) + " s");
      }
      if (time_s != kNoPassage) ++words;
    }
  }
  // Pass 2: headers and arcs, targets as record offsets.
  records_.assign(words, 0);
  for (std::uint32_t v = 0; v < n; ++v) {
    std::uint64_t* r = records_.data() + record_of_[v];
    std::uint32_t degree = 0;
    for (auto [it, end] = out_edges(v, graph.reverse); it != end; ++it) {
      const float time_s = graph.reverse[*it].time_s;
      if (time_s == kNoPassage) continue;
      const std::uint32_t target_record = record_of_[static_cast<std::uint32_t>(target(*it, graph.reverse))];
      r[2 + degree++] = (static_cast<std::uint64_t>(std::bit_cast<std::uint32_t>(time_s)) << 32U) | target_record;
    }
    r[0] = std::bit_cast<std::uint64_t>(kUnreachedTime);
    r[1] = (static_cast<std::uint64_t>(degree) << 32U) | kNoFacility;
  }
}

std::size_t NodeSearch::memory_bytes() const {
  return records_.capacity() * sizeof(std::uint64_t) + record_of_.capacity() * sizeof(std::uint32_t) +
         heap_.capacity() * sizeof(HeapEntry);
}

// The heap is ordered by time only. Entries of equal time may come out in any order: a node settled with a
// larger facility id than another equal-time path offers is simply improved and settled again (this needs a
// zero-time arc, since with positive times the better path's node settles strictly earlier), so every node still
// ends with the lexicographically smallest (time, facility).
void NodeSearch::heap_push(const HeapEntry& e) {
  std::size_t i = heap_.size();
  heap_.push_back(e);
  HeapEntry* h = heap_.data();
  while (i > 0) {
    const std::size_t parent = (i - 1) / kHeapArity;
    if (!(e.time_s < h[parent].time_s)) break;
    h[i] = h[parent];
    i = parent;
  }
  h[i] = e;
}

void NodeSearch::heap_pop() {
  const HeapEntry last = heap_.back();
  heap_.pop_back();
  const std::size_t size = heap_.size();
  if (size == 0) return;
  HeapEntry* h = heap_.data();
  std::size_t i = 0;
  for (;;) {
    const std::size_t first_child = kHeapArity * i + 1;
    if (first_child >= size) break;
    const std::size_t end_child = std::min(first_child + kHeapArity, size);
    std::size_t best = first_child;
    double best_time = h[first_child].time_s;
    for (std::size_t c = first_child + 1; c < end_child; ++c) {
      if (h[c].time_s < best_time) {
        best = c;
        best_time = h[c].time_s;
      }
    }
    if (!(best_time < last.time_s)) break;
    h[i] = h[best];
    i = best;
  }
  h[i] = last;
}

void NodeSearch::run(std::span<const Source> sources, double limit_s, NodeTimes& out) {
  check_limit(limit_s);
  const std::size_t n = graph_->node_count();
  for (const Source& s : sources) {
    if (s.node >= n) {
      throw std::invalid_argument("search: source node " + std::to_string(s.node) + " of facility " +
                                  std::to_string(s.facility) + " is not in the graph");
    }
    if (std::isnan(s.time_s) || s.time_s < 0.0) {
      throw std::invalid_argument("search: source of facility " + std::to_string(s.facility) +
                                  " starts at a negative or undefined time");
    }
  }
  std::uint64_t* rec = records_.data();
  const std::uint32_t* record_of = record_of_.data();
  // Records are left unreached by the previous run (as it copies its labels out); only a run that did not finish
  // leaves them to be cleared here.
  if (dirty_) {
    for (std::size_t v = 0; v < n; ++v) set_label(rec + record_of[v], kUnreachedTime, kNoFacility);
  }
  dirty_ = true;
  heap_.clear();

  for (const Source& s : sources) {
    if (s.time_s > limit_s) continue;
    std::uint64_t* r = rec + record_of[s.node];
    if (before(s.time_s, s.facility, record_time(r), record_facility(r))) {
      set_label(r, s.time_s, s.facility);
      heap_push(HeapEntry{s.time_s, record_of[s.node], s.facility});
    }
  }

  while (!heap_.empty()) {
    const HeapEntry e = heap_.front();
    heap_pop();
    // Memory latency dominates on large graphs, so fetch ahead along the heap order: the records of the next
    // node's neighbours (its record was fetched one step earlier) and the record of the one after it.
    const std::size_t size = heap_.size();
    if (size > 0) {
      const std::uint64_t* next = rec + heap_[0].record;
      for (std::uint32_t k = 0, d = record_degree(next); k < d; ++k) prefetch(rec + arc_target(next[2 + k]));
      if (size > 1) {
        std::size_t second = 1;
        for (std::size_t c = 2; c <= kHeapArity && c < size; ++c) {
          if (heap_[c].time_s < heap_[second].time_s) second = c;
        }
        prefetch(rec + heap_[second].record);
      }
    }
    const std::uint64_t* own = rec + e.record;
    if (e.time_s != record_time(own) || e.facility != record_facility(own)) continue;  // superseded
    for (std::uint32_t k = 0, d = record_degree(own); k < d; ++k) {
      const std::uint64_t arc = own[2 + k];
      const double t = e.time_s + static_cast<double>(arc_time(arc));
      if (t > limit_s) continue;
      std::uint64_t* r = rec + arc_target(arc);
      if (before(t, e.facility, record_time(r), record_facility(r))) {
        set_label(r, t, e.facility);
        heap_push(HeapEntry{t, arc_target(arc), e.facility});
      }
    }
  }

  // Copy the labels out and leave every record unreached for the next run, in one pass.
  out.node.resize(n);
  std::size_t reached = 0;
  for (std::size_t v = 0; v < n; ++v) {
    std::uint64_t* r = rec + record_of[v];
    out.node[v] = NodeLabel{record_time(r), record_facility(r)};
    reached += record_time(r) != kUnreachedTime ? 1 : 0;
    set_label(r, kUnreachedTime, kNoFacility);
  }
  out.reached = reached;
  dirty_ = false;
}

void NodeSearch::run_local(std::span<const Source> sources, double limit_s, NodeTimes& labels,
                           std::vector<std::uint32_t>& touched) {
  const std::size_t n = graph_->node_count();
  if (labels.node.size() != n) throw std::invalid_argument("search: the labels are not of this graph");
  // The search itself is run()'s; its records are then copied out for the reached nodes only. The records know
  // their node through record_of_, so the reached records are collected during the search.
  check_limit(limit_s);
  for (const Source& s : sources) {
    if (s.node >= n)
      throw std::invalid_argument("search: source node " + std::to_string(s.node) + " of facility " +
                                  std::to_string(s.facility) + " is not in the graph");
    if (std::isnan(s.time_s) || s.time_s < 0.0)
      throw std::invalid_argument("search: source of facility " + std::to_string(s.facility) +
                                  " starts at a negative or undefined time");
  }
  if (node_of_record_.empty()) {
    node_of_record_.assign(records_.size(), 0);
    for (std::uint32_t v = 0; v < n; ++v) node_of_record_[record_of_[v]] = v;
  }
  std::uint64_t* rec = records_.data();
  const std::uint32_t* record_of = record_of_.data();
  if (dirty_) {
    for (std::size_t v = 0; v < n; ++v) set_label(rec + record_of[v], kUnreachedTime, kNoFacility);
  }
  dirty_ = true;
  heap_.clear();
  std::vector<std::uint32_t>& reached = local_reached_;
  reached.clear();
  auto label = [&](std::uint64_t* r, std::uint32_t record, double t, std::uint32_t facility) {
    if (record_time(r) == kUnreachedTime) reached.push_back(record);
    set_label(r, t, facility);
  };
  for (const Source& s : sources) {
    if (s.time_s > limit_s) continue;
    std::uint64_t* r = rec + record_of[s.node];
    if (before(s.time_s, s.facility, record_time(r), record_facility(r))) {
      label(r, record_of[s.node], s.time_s, s.facility);
      heap_push(HeapEntry{s.time_s, record_of[s.node], s.facility});
    }
  }
  while (!heap_.empty()) {
    const HeapEntry e = heap_.front();
    heap_pop();
    const std::uint64_t* own = rec + e.record;
    if (e.time_s != record_time(own) || e.facility != record_facility(own)) continue;  // superseded
    for (std::uint32_t k = 0, d = record_degree(own); k < d; ++k) {
      const std::uint64_t arc = own[2 + k];
      const double t = e.time_s + static_cast<double>(arc_time(arc));
      if (t > limit_s) continue;
      std::uint64_t* r = rec + arc_target(arc);
      if (before(t, e.facility, record_time(r), record_facility(r))) {
        label(r, arc_target(arc), t, e.facility);
        heap_push(HeapEntry{t, arc_target(arc), e.facility});
      }
    }
  }
  for (const std::uint32_t record : reached) {
    std::uint64_t* r = rec + record;
    const std::uint32_t v = node_of_record_[record];
    labels.node[v] = NodeLabel{record_time(r), record_facility(r)};
    touched.push_back(v);
    set_label(r, kUnreachedTime, kNoFacility);
  }
  labels.reached = touched.size();
  dirty_ = false;
}

void NodeSearch::reset_local(NodeTimes& labels, std::vector<std::uint32_t>& touched) {
  for (const std::uint32_t v : touched) labels.node[v] = NodeLabel{};
  touched.clear();
  labels.reached = 0;
}

NodeTimes search_nodes(const RoadGraph& graph, std::span<const Source> sources, double limit_s) {
  NodeSearch search(graph);
  NodeTimes out;
  search.run(sources, limit_s, out);
  return out;
}

void assign_cells(const RoadGraph& graph, const CellConnectors& connectors, const FacilitySources& facilities,
                  const NodeTimes& nodes, double limit_s, TravelTimeField& out, const AssignOptions& options) {
  check_limit(limit_s);
  if (connectors.graph_nodes != graph.node_count() || connectors.graph_pieces != graph.pieces.size()) {
    throw std::invalid_argument("assign_cells: the connectors were built for another graph");
  }
  if (nodes.node.size() != graph.node_count()) {
    throw std::invalid_argument("assign_cells: the node times are not of this graph");
  }
  if (connectors.options.mode != facilities.options.mode) {
    throw std::invalid_argument("assign_cells: cells and facilities were joined to the network in different modes");
  }
  const Grid& grid = connectors.grid;
  const std::size_t cell_count = grid.cell_count();
  const bool all_cells = options.first_row == 0 && options.last_row >= grid.rows && options.first_col == 0 &&
                         options.last_col >= grid.cols;
  if (!all_cells && (out.minutes.size() != cell_count || out.nearest.size() != cell_count))
    throw std::invalid_argument("assign_cells: a window of rows or columns needs an output of the grid's size");
  out.grid = grid;
  out.minutes.resize(cell_count);
  out.nearest.resize(cell_count);
  float* minutes = out.minutes.data();
  std::uint32_t* nearest = out.nearest.data();
  // The rows to assign, [row_lo, row_hi), their cells [g_lo, g_hi), and the columns [col_lo, col_hi).
  const std::uint32_t row_lo = std::min(options.first_row, grid.rows);
  const std::uint32_t row_hi =
      options.last_row >= grid.rows ? grid.rows : std::max(row_lo, options.last_row + 1U);
  const std::uint32_t col_lo = std::min(options.first_col, grid.cols);
  const std::uint32_t col_hi =
      options.last_col >= grid.cols ? grid.cols : std::max(col_lo, options.last_col + 1U);
  const bool all_cols = col_lo == 0 && col_hi == grid.cols;
  const std::size_t g_lo = static_cast<std::size_t>(row_lo) * grid.cols;
  const std::size_t g_hi = static_cast<std::size_t>(row_hi) * grid.cols;
  const auto in_window = [&](std::size_t g) {
    if (g < g_lo || g >= g_hi) return false;
    const std::size_t col = g % grid.cols;
    return col >= col_lo && col < col_hi;
  };

  // --- through the links, per block of populated cells; unpopulated cells in between are cleared. The pass reads
  // the populated bits, the link counts and the links in order (few bytes per cell: it is bound by memory
  // bandwidth), and fetches the node times the links need some links ahead.
  const std::size_t slots = connectors.slot_count();
  const NodeLabel* node = nodes.node.data();
  const std::uint8_t* link_count = connectors.link_count.data();
  const CellLink* links = connectors.links.data();
  const std::size_t link_total = connectors.links.size();
  const std::uint32_t* cell = connectors.cell.data();
  // Cells [g_begin, g_end), whose first populated cell (if any) is slot s.
  const auto assign_run = [&](std::size_t g_begin, std::size_t g_end, std::size_t s) {
    std::size_t l = s < slots ? connectors.link_offset[s] : link_total;
    for (std::size_t g = g_begin; g < g_end; ++g) {
      if (!connectors.is_populated(g)) {
        minutes[g] = TravelTimeField::kUnreached;
        nearest[g] = kNoFacility;
        continue;
      }
      std::uint64_t best = kUnreachedKey;
      for (const std::size_t end = l + link_count[s]; l < end; ++l) {
        if (l + kPrefetchLinks < link_total) prefetch(node + links[l + kPrefetchLinks].node);
        const NodeLabel& at = node[links[l].node];
        const double t = at.time_s + static_cast<double>(links[l].time_s);
        const std::uint64_t key = t <= limit_s ? candidate_key(to_minutes(t), at.facility) : kUnreachedKey;
        best = std::min(best, key);
      }
      minutes[g] = std::bit_cast<float>(static_cast<std::uint32_t>(best >> 32U));
      nearest[g] = static_cast<std::uint32_t>(best);
      ++s;
    }
  };
  const auto first_slot = [&](std::size_t g) {
    return static_cast<std::size_t>(std::lower_bound(cell, cell + slots, g) - cell);
  };
  if (all_cols) {
    // The slots (populated cells, in cell order) of the rows.
    const std::size_t s_lo = first_slot(g_lo);
    const std::size_t s_hi = first_slot(g_hi);
    const std::size_t block_count = std::max<std::size_t>(1, (s_hi - s_lo + kCellsPerBlock - 1) / kCellsPerBlock);
    for_blocks(block_count, options.parallel, [&](std::size_t b) {
      const std::size_t first = s_lo + b * kCellsPerBlock;
      const std::size_t last = std::min(s_hi, first + kCellsPerBlock);
      const std::size_t g_begin = first == s_lo ? g_lo : cell[first];
      const std::size_t g_end = last == s_hi ? g_hi : cell[last];
      assign_run(g_begin, g_end, first);
    });
  } else if (col_lo < col_hi) {
    // A window of columns: row by row (each row's cells of the window are contiguous).
    const std::size_t band_count = (row_hi - row_lo + kRowsPerBand - 1) / kRowsPerBand;
    for_blocks(band_count, options.parallel, [&](std::size_t band) {
      const auto row0 = static_cast<std::uint32_t>(row_lo + band * kRowsPerBand);
      const std::uint32_t row1 = std::min(row_hi, row0 + kRowsPerBand);
      for (std::uint32_t r = row0; r < row1; ++r) {
        const std::size_t g_begin = grid.index(col_lo, r);
        assign_run(g_begin, g_begin + (col_hi - col_lo), first_slot(g_begin));
      }
    });
  }

  if (connectors.options.mode != SnapMode::kEdge) return;
  const double speed_mps = units::kmh_to_mps(connectors.options.access_speed_kmh);

  // --- direct walks, per band of grid rows (each cell is written by one band only)
  const double radius_m = connectors.options.max_access_distance_m;
  std::vector<std::uint32_t> by_y;
  by_y.reserve(facilities.facilities.size());
  for (std::uint32_t i = 0; i < facilities.facilities.size(); ++i) {
    const SnappedFacility& f = facilities.facilities[i];
    if (std::isfinite(f.x_m) && std::isfinite(f.y_m)) by_y.push_back(i);
  }
  std::sort(by_y.begin(), by_y.end(), [&](std::uint32_t a, std::uint32_t b) {
    const double ya = facilities.facilities[a].y_m;
    const double yb = facilities.facilities[b].y_m;
    return ya < yb || (ya == yb && a < b);
  });
  std::vector<double> sorted_y(by_y.size());
  for (std::size_t i = 0; i < by_y.size(); ++i) sorted_y[i] = facilities.facilities[by_y[i]].y_m;
  const double cs = grid.cell_size_m;
  const std::size_t band_count = (row_hi - row_lo + kRowsPerBand - 1) / kRowsPerBand;
  for_blocks(band_count, options.parallel, [&](std::size_t band) {
    const auto row0 = static_cast<std::uint32_t>(row_lo + band * kRowsPerBand);
    const std::uint32_t row1 = std::min(row_hi, row0 + kRowsPerBand);  // exclusive
    const double band_y_top = grid.origin_y_m - row0 * cs;
    const double band_y_bottom = grid.origin_y_m - row1 * cs;
    const auto lo = std::lower_bound(sorted_y.begin(), sorted_y.end(), band_y_bottom - radius_m);
    const auto hi = std::upper_bound(sorted_y.begin(), sorted_y.end(), band_y_top + radius_m);
    for (auto it = lo; it != hi; ++it) {
      const SnappedFacility& f = facilities.facilities[by_y[static_cast<std::size_t>(it - sorted_y.begin())]];
      // Rows and columns whose centres can lie within the radius (one more each side against rounding; the
      // distance decides), clipped to the band and the grid.
      const double r_first =
          std::max(std::floor((grid.origin_y_m - (f.y_m + radius_m)) / cs - 0.5), static_cast<double>(row0));
      const double r_last = std::min(std::ceil((grid.origin_y_m - (f.y_m - radius_m)) / cs - 0.5), row1 - 1.0);
      const double c_first =
          std::max(std::floor((f.x_m - radius_m - grid.origin_x_m) / cs - 0.5), static_cast<double>(col_lo));
      const double c_last =
          std::min(std::ceil((f.x_m + radius_m - grid.origin_x_m) / cs - 0.5), static_cast<double>(col_hi) - 1.0);
      if (!(r_first <= r_last) || !(c_first <= c_last)) continue;
      const auto c0 = static_cast<std::uint32_t>(c_first);
      const auto c1 = static_cast<std::uint32_t>(c_last);
      for (auto r = static_cast<std::uint32_t>(r_first); r <= static_cast<std::uint32_t>(r_last); ++r) {
        const double dy = grid.centre_y_m(r) - f.y_m;
        for (std::uint32_t c = c0; c <= c1; ++c) {
          const std::size_t g = grid.index(c, r);
          if (!connectors.is_populated(g)) continue;
          const double dx = grid.centre_x_m(c) - f.x_m;
          const double d = std::sqrt(dx * dx + dy * dy);
          if (d > radius_m) continue;
          const double t = d / speed_mps;
          if (t <= limit_s) offer(minutes[g], nearest[g], to_minutes(t), f.facility);
        }
      }
    }
  });

  // --- along a piece shared by a cell connector and a facility (few: the connectors of the facilities' pieces)
  for (const SnappedFacility& f : facilities.facilities) {
    if (!f.point.valid()) continue;
    const Piece& piece = graph.pieces[f.point.piece];
    for (const PieceConnector& pc : connectors.connectors_on(f.point.piece)) {
      const double cell_fraction = pc.fraction;
      double run_s = 0.0;
      if (f.point.fraction > cell_fraction) {
        if (piece.forward_s == kNoPassage) continue;
        run_s = piece.forward_s * (f.point.fraction - cell_fraction);
      } else if (f.point.fraction < cell_fraction) {
        if (piece.backward_s == kNoPassage) continue;
        run_s = piece.backward_s * (cell_fraction - f.point.fraction);
      }
      const double t = static_cast<double>(pc.leg_s) + run_s + f.leg_s;
      if (t > limit_s) continue;
      const std::uint32_t g = cell[pc.slot];
      if (!in_window(g)) continue;
      offer(minutes[g], nearest[g], to_minutes(t), f.facility);
    }
  }
}

NetworkTravelTimes network_travel_times(NodeSearch& search, const CellConnectors& connectors,
                                        const FacilitySources& facilities, double limit_s,
                                        const AssignOptions& options) {
  NetworkTravelTimes out;
  search.run(facilities.sources, limit_s, out.nodes);
  assign_cells(search.graph(), connectors, facilities, out.nodes, limit_s, out.field, options);
  return out;
}

}  // namespace carereach::network
