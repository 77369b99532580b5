#include "network/graph.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numeric>
#include <utility>

#include <tbb/parallel_for.h>
#include <tbb/parallel_sort.h>
#include <boost/iterator/counting_iterator.hpp>
#include <boost/iterator/filter_iterator.hpp>
#include <boost/iterator/transform_iterator.hpp>

#include "core/disjoint_sets.hpp"
#include "core/units.hpp"

namespace carereach::network {

namespace {

constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

// One way to travel along a way: the rules of one mode (mixed mode has two: car and walking).
struct TravelOption {
  TravelMode mode = TravelMode::kWalk;  // speeds and access: core's road_speed_kmh
  bool obeys_oneway = false;            // cars, bicycles, e-bikes; never walkers
  bool bicycle_oneway_rule = false;     // road_flag::kOnewayNotForBicycle lifts the oneway
};

struct Options {
  std::array<TravelOption, 2> items{};
  std::size_t count = 0;
};

Options options_of(TravelMode mode) {
  const TravelOption walk{TravelMode::kWalk, false, false};
  const TravelOption car{TravelMode::kCar, true, false};
  Options o;
  switch (mode) {
    case TravelMode::kWalk:
      o.items[o.count++] = walk;
      break;
    case TravelMode::kBicycle:
    case TravelMode::kEbike:
      o.items[o.count++] = TravelOption{mode, true, true};
      break;
    case TravelMode::kCar:
      o.items[o.count++] = car;
      break;
    case TravelMode::kMixed:
      o.items[o.count++] = car;
      o.items[o.count++] = walk;
      break;
  }
  return o;
}

// Speeds of a way per direction of its node order, km/h; 0 = the mode may not go that way.
struct WaySpeed {
  float forward_kmh = 0.0F;
  float backward_kmh = 0.0F;
  [[nodiscard]] bool usable() const { return forward_kmh > 0.0F || backward_kmh > 0.0F; }
};

WaySpeed way_speed(const RoadData& roads, std::size_t w, const Options& options, const SpeedProfile& profile) {
  WaySpeed out;
  for (std::size_t i = 0; i < options.count; ++i) {
    const TravelOption& o = options.items[i];
    const double speed_kmh = road_speed_kmh(roads, w, o.mode, profile);
    if (!(speed_kmh > 0.0)) continue;

    bool forward = true;
    bool backward = true;
    const bool oneway_holds =
        o.obeys_oneway && !(o.bicycle_oneway_rule && (roads.way_flags[w] & road_flag::kOnewayNotForBicycle) != 0);
    if (oneway_holds) {
      forward = roads.way_oneway[w] != road_oneway::kReverse;
      backward = roads.way_oneway[w] != road_oneway::kForward;
    }
    const auto kmh = static_cast<float>(speed_kmh);
    if (forward) out.forward_kmh = std::max(out.forward_kmh, kmh);
    if (backward) out.backward_kmh = std::max(out.backward_kmh, kmh);
  }
  return out;
}

float travel_time_s(double length_m, float speed_kmh) {
  if (!(speed_kmh > 0.0F)) return kNoPassage;
  return static_cast<float>(units::travel_seconds(length_m, static_cast<double>(speed_kmh)));
}

// Position of (x, y) on a Hilbert curve over a 2^16 × 2^16 grid: nodes close on the curve are close on the
// ground, so numbering graph nodes in curve order keeps a search's working set together in memory.
std::uint32_t hilbert_index(std::uint32_t x, std::uint32_t y) {
  constexpr std::uint32_t kSide = 1U << 16U;
  std::uint32_t d = 0;
  for (std::uint32_t s = kSide / 2; s > 0; s /= 2) {
    const std::uint32_t rx = (x & s) != 0 ? 1U : 0U;
    const std::uint32_t ry = (y & s) != 0 ? 1U : 0U;
    d += s * s * ((3U * rx) ^ ry);
    if (ry == 0) {
      if (rx == 1) {
        x = kSide - 1 - x;
        y = kSide - 1 - y;
      }
      std::swap(x, y);
    }
  }
  return d;
}

// The reversed directed edges of the pieces, in piece order: slot 2p is piece p's forward direction
// (from → to, stored as the edge to → from), slot 2p + 1 its backward direction (stored as from → to).
struct SlotAllowed {
  const std::vector<Piece>* pieces;
  bool operator()(std::uint32_t slot) const {
    const Piece& p = (*pieces)[slot / 2];
    return (slot % 2 == 0 ? p.forward_s : p.backward_s) != kNoPassage;
  }
};
struct SlotEdge {
  const std::vector<Piece>* pieces;
  std::pair<std::uint32_t, std::uint32_t> operator()(std::uint32_t slot) const {
    const Piece& p = (*pieces)[slot / 2];
    return slot % 2 == 0 ? std::make_pair(p.to, p.from) : std::make_pair(p.from, p.to);
  }
};
struct SlotProperty {
  const std::vector<Piece>* pieces;
  ReverseEdge operator()(std::uint32_t slot) const {
    const Piece& p = (*pieces)[slot / 2];
    return ReverseEdge{slot / 2, slot % 2 == 0 ? p.forward_s : p.backward_s};
  }
};

ReverseCsr reversed_csr(const std::vector<Piece>& pieces, std::size_t node_count) {
  using Slots = boost::counting_iterator<std::uint32_t>;
  using Allowed = boost::filter_iterator<SlotAllowed, Slots>;
  const SlotAllowed allowed{&pieces};
  const auto slot_count = static_cast<std::uint32_t>(2 * pieces.size());
  const Allowed first(allowed, Slots(0U), Slots(slot_count));
  const Allowed last(allowed, Slots(slot_count), Slots(slot_count));
  const auto edges_first = boost::make_transform_iterator(first, SlotEdge{&pieces});
  const auto edges_last = boost::make_transform_iterator(last, SlotEdge{&pieces});
  const auto properties = boost::make_transform_iterator(first, SlotProperty{&pieces});
  // Two passes over the slots (count per source, then place): a stable counting sort straight into the CSR
  // arrays, with no edge list in between. Within a node, edges stay in piece order.
  return ReverseCsr(boost::edges_are_unsorted_multi_pass, edges_first, edges_last, properties,
                    static_cast<std::uint32_t>(node_count));
}

}  // namespace

std::size_t RoadGraph::memory_bytes() const {
  return node_x_m.capacity() * sizeof(double) + node_y_m.capacity() * sizeof(double) +
         road_node.capacity() * sizeof(std::uint32_t) + pieces.capacity() * sizeof(Piece) +
         (num_vertices(reverse) + 1) * sizeof(std::uint32_t) +
         num_edges(reverse) * (sizeof(std::uint32_t) + sizeof(ReverseEdge));
}

RoadGraph build_graph(const RoadData& roads, TravelMode mode, const SpeedProfile& profile) {
  RoadGraph g;
  g.mode = mode;
  const std::size_t way_count = roads.way_count();
  const std::size_t road_node_count = roads.node_count();

  // 1. Speeds per way and direction.
  const Options options = options_of(mode);
  std::vector<WaySpeed> speeds(way_count);
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, way_count, 4096), [&](const tbb::blocked_range<std::size_t>& r) {
    for (std::size_t w = r.begin(); w != r.end(); ++w) speeds[w] = way_speed(roads, w, options, profile);
  });

  // 2. Graph nodes: road nodes that ways of this mode use twice or more (by two ways, or twice by one), and the
  // ends of those ways. First count uses (saturating at 2), then give each graph node a provisional id in road
  // node order.
  std::vector<std::uint32_t> provisional(road_node_count, 0);
  for (std::size_t w = 0; w < way_count; ++w) {
    if (!speeds[w].usable()) continue;
    const auto nodes = roads.way(w);
    for (const std::uint32_t n : nodes)
      if (provisional[n] < 2) ++provisional[n];
    provisional[nodes.front()] = 2;
    provisional[nodes.back()] = 2;
  }
  std::vector<std::uint32_t> provisional_road_node;  // provisional id → road node
  for (std::size_t n = 0; n < road_node_count; ++n) {
    if (provisional[n] >= 2) {
      provisional[n] = static_cast<std::uint32_t>(provisional_road_node.size());
      provisional_road_node.push_back(static_cast<std::uint32_t>(n));
    } else {
      provisional[n] = kNone;
    }
  }
  const std::size_t provisional_count = provisional_road_node.size();

  // 3. Pieces: each usable way cut at its graph nodes, in way order. Counted first, so the array is allocated once.
  std::size_t piece_count = 0;
  for (std::size_t w = 0; w < way_count; ++w) {
    if (!speeds[w].usable()) continue;
    for (std::uint32_t k = roads.way_offset[w] + 1; k < roads.way_offset[w + 1]; ++k)
      if (provisional[roads.way_nodes[k]] != kNone) ++piece_count;
  }
  std::vector<Piece> pieces;
  pieces.reserve(piece_count);
  for (std::size_t w = 0; w < way_count; ++w) {
    const WaySpeed s = speeds[w];
    if (!s.usable()) continue;
    const std::uint32_t begin = roads.way_offset[w];
    const std::uint32_t end = roads.way_offset[w + 1];
    std::uint32_t start = begin;
    double length_m = 0.0;
    for (std::uint32_t k = begin + 1; k < end; ++k) {
      const std::uint32_t a = roads.way_nodes[k - 1];
      const std::uint32_t b = roads.way_nodes[k];
      const double dx = roads.node_x_m[b] - roads.node_x_m[a];
      const double dy = roads.node_y_m[b] - roads.node_y_m[a];
      length_m += std::sqrt(dx * dx + dy * dy);
      if (provisional[b] == kNone) continue;
      Piece p;
      p.from = provisional[roads.way_nodes[start]];
      p.to = provisional[b];
      p.way = static_cast<std::uint32_t>(w);
      p.first_vertex = start;
      p.last_vertex = k;
      p.length_m = static_cast<float>(length_m);
      p.forward_s = travel_time_s(length_m, s.forward_kmh);
      p.backward_s = travel_time_s(length_m, s.backward_kmh);
      pieces.push_back(p);
      start = k;
      length_m = 0.0;
    }
  }
  std::vector<std::uint32_t>().swap(provisional);
  std::vector<WaySpeed>().swap(speeds);
  g.stats.pieces_total = pieces.size();
  g.stats.nodes_total = provisional_count;

  // 4. Weakly connected components; the largest by length is kept. Ties: more pieces, then the component whose
  // first piece comes first (way order does not depend on how nodes are numbered).
  DisjointSets sets(provisional_count);
  for (const Piece& p : pieces) sets.unite(p.from, p.to);
  std::vector<double> component_length_m(provisional_count, 0.0);
  std::vector<std::uint32_t> component_pieces(provisional_count, 0);
  std::vector<std::uint32_t> component_first(provisional_count, kNone);
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    const std::uint32_t root = sets.find(pieces[i].from);
    component_length_m[root] += pieces[i].length_m;
    ++component_pieces[root];
    if (component_first[root] == kNone) component_first[root] = static_cast<std::uint32_t>(i);
  }
  std::uint32_t best = kNone;
  for (std::uint32_t r = 0; r < provisional_count; ++r) {
    if (component_first[r] == kNone) continue;  // not a root
    ++g.stats.components;
    if (best == kNone || component_length_m[r] > component_length_m[best] ||
        (component_length_m[r] == component_length_m[best] &&
         (component_pieces[r] > component_pieces[best] ||
          (component_pieces[r] == component_pieces[best] && component_first[r] < component_first[best]))))
      best = r;
  }

  // 5. Number the kept nodes densely in Hilbert-curve order of their position (ties: road node order).
  std::vector<std::uint32_t> kept;  // provisional ids of the kept nodes
  for (std::uint32_t t = 0; t < provisional_count; ++t)
    if (sets.find(t) == best) kept.push_back(t);
  g.stats.nodes_dropped = provisional_count - kept.size();
  if (!kept.empty()) {
    double min_x = std::numeric_limits<double>::max();
    double min_y = min_x;
    double max_x = std::numeric_limits<double>::lowest();
    double max_y = max_x;
    for (const std::uint32_t t : kept) {
      const std::uint32_t n = provisional_road_node[t];
      min_x = std::min(min_x, roads.node_x_m[n]);
      max_x = std::max(max_x, roads.node_x_m[n]);
      min_y = std::min(min_y, roads.node_y_m[n]);
      max_y = std::max(max_y, roads.node_y_m[n]);
    }
    const double extent = std::max(max_x - min_x, max_y - min_y);
    const double scale = extent > 0.0 ? 65535.0 / extent : 0.0;
    std::vector<std::uint64_t> order(kept.size());
    tbb::parallel_for(
        tbb::blocked_range<std::size_t>(0, kept.size(), 8192), [&](const tbb::blocked_range<std::size_t>& r) {
          for (std::size_t i = r.begin(); i != r.end(); ++i) {
            const std::uint32_t n = provisional_road_node[kept[i]];
            const auto qx = static_cast<std::uint32_t>(std::clamp((roads.node_x_m[n] - min_x) * scale, 0.0, 65535.0));
            const auto qy = static_cast<std::uint32_t>(std::clamp((roads.node_y_m[n] - min_y) * scale, 0.0, 65535.0));
            order[i] = (static_cast<std::uint64_t>(hilbert_index(qx, qy)) << 32U) | kept[i];
          }
        });
    tbb::parallel_sort(order.begin(), order.end());
    std::vector<std::uint32_t> final_id(provisional_count, kNone);
    g.node_x_m.resize(order.size());
    g.node_y_m.resize(order.size());
    g.road_node.resize(order.size());
    for (std::size_t i = 0; i < order.size(); ++i) {
      const auto t = static_cast<std::uint32_t>(order[i] & 0xFFFFFFFFU);
      const std::uint32_t n = provisional_road_node[t];
      final_id[t] = static_cast<std::uint32_t>(i);
      g.road_node[i] = n;
      g.node_x_m[i] = roads.node_x_m[n];
      g.node_y_m[i] = roads.node_y_m[n];
    }

    // 6. Keep the pieces of that component, renumbered.
    std::size_t out = 0;
    double kept_length_m = 0.0;
    double dropped_length_m = 0.0;
    for (const Piece& p : pieces) {
      if (final_id[p.from] == kNone) {
        dropped_length_m += p.length_m;
        continue;
      }
      Piece q = p;
      q.from = final_id[p.from];
      q.to = final_id[p.to];
      kept_length_m += q.length_m;
      pieces[out++] = q;
    }
    g.stats.pieces_dropped = pieces.size() - out;
    pieces.resize(out);
    g.stats.length_kept_km = kept_length_m / units::kMetresPerKm;
    g.stats.length_dropped_km = dropped_length_m / units::kMetresPerKm;
  }
  if (pieces.size() < pieces.capacity()) pieces.shrink_to_fit();
  g.pieces = std::move(pieces);

  // 7. The reversed adjacency.
  g.reverse = reversed_csr(g.pieces, g.node_count());
  return g;
}

}  // namespace carereach::network
