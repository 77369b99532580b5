#pragma once
// Road graphs written out by hand for the snapping, connector and search tests: every road is one piece with the
// travel times given in seconds, so the expected values can be worked out on paper. Independent of
// network::build_graph, which these tests do not exercise.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <random>
#include <utility>
#include <vector>

#include "core/road_data.hpp"
#include "network/graph.hpp"

namespace carereach::network::test {

inline constexpr float kNo = kNoPassage;

struct HandNetwork {
  RoadData roads;
  RoadGraph graph;
};

class HandGraph {
 public:
  /// A graph node at (x, y); returns its graph node index.
  std::uint32_t node(double x_m, double y_m) {
    const std::uint32_t road_node = add_road_node(x_m, y_m);
    graph_node_of_road_.back() = static_cast<std::uint32_t>(node_road_.size());
    node_road_.push_back(road_node);
    return graph_node_of_road_[road_node];
  }

  /// A road from graph node `from` through the shape points to graph node `to`, as one piece; times in seconds
  /// (kNo: that direction is not allowed). Returns the piece index.
  std::uint32_t road(std::uint32_t from, std::uint32_t to, float forward_s, float backward_s,
                     std::initializer_list<std::pair<double, double>> shape = {}) {
    return road(from, to, forward_s, backward_s, std::vector<std::pair<double, double>>(shape));
  }
  std::uint32_t road(std::uint32_t from, std::uint32_t to, float forward_s, float backward_s,
                     const std::vector<std::pair<double, double>>& shape) {
    const auto first = static_cast<std::uint32_t>(roads_.way_nodes.size());
    roads_.way_nodes.push_back(node_road_[from]);
    for (const auto& [x, y] : shape) roads_.way_nodes.push_back(add_road_node(x, y));
    roads_.way_nodes.push_back(node_road_[to]);
    const auto last = static_cast<std::uint32_t>(roads_.way_nodes.size() - 1);
    roads_.way_offset.push_back(static_cast<std::uint32_t>(roads_.way_nodes.size()));
    roads_.way_class.push_back(RoadClass::kResidential);
    roads_.way_flags.push_back(0);
    roads_.way_oneway.push_back(road_oneway::kBoth);
    roads_.way_maxspeed_kmh.push_back(0.0F);
    roads_.way_access.push_back(road_access::kAll);
    roads_.way_speed_kmh.push_back(0.0F);
    roads_.way_source_id.push_back(static_cast<std::int64_t>(pieces_.size()));
    roads_.way_name.push_back(0);
    Piece p;
    p.from = from;
    p.to = to;
    p.way = static_cast<std::uint32_t>(pieces_.size());
    p.first_vertex = first;
    p.last_vertex = last;
    double length = 0.0;
    for (std::uint32_t v = first; v < last; ++v) {
      const std::uint32_t a = roads_.way_nodes[v];
      const std::uint32_t b = roads_.way_nodes[v + 1];
      length += std::hypot(roads_.node_x_m[b] - roads_.node_x_m[a], roads_.node_y_m[b] - roads_.node_y_m[a]);
    }
    p.length_m = static_cast<float>(length);
    p.forward_s = forward_s;
    p.backward_s = backward_s;
    pieces_.push_back(p);
    return static_cast<std::uint32_t>(pieces_.size() - 1);
  }

  [[nodiscard]] HandNetwork build() const {
    HandNetwork out;
    out.roads = roads_;
    out.graph.mode = TravelMode::kWalk;
    out.graph.road_node = node_road_;
    for (std::uint32_t rn : node_road_) {
      out.graph.node_x_m.push_back(roads_.node_x_m[rn]);
      out.graph.node_y_m.push_back(roads_.node_y_m[rn]);
    }
    out.graph.pieces = pieces_;
    out.graph.reverse = reverse_csr(node_road_.size(), pieces_);
    return out;
  }

  /// The reversed CSR adjacency of pieces over n nodes: an edge v → u for every allowed direction u → v.
  static ReverseCsr reverse_csr(std::size_t n, const std::vector<Piece>& pieces) {
    std::vector<std::pair<std::uint32_t, std::uint32_t>> edges;
    std::vector<ReverseEdge> props;
    for (std::size_t i = 0; i < pieces.size(); ++i) {
      const Piece& p = pieces[i];
      if (p.forward_s != kNoPassage) {
        edges.emplace_back(p.to, p.from);
        props.push_back(ReverseEdge{static_cast<std::uint32_t>(i), p.forward_s});
      }
      if (p.backward_s != kNoPassage) {
        edges.emplace_back(p.from, p.to);
        props.push_back(ReverseEdge{static_cast<std::uint32_t>(i), p.backward_s});
      }
    }
    return ReverseCsr(boost::edges_are_unsorted_multi_pass, edges.begin(), edges.end(), props.begin(),
                      static_cast<std::uint32_t>(n));
  }

 private:
  std::uint32_t add_road_node(double x_m, double y_m) {
    roads_.node_x_m.push_back(x_m);
    roads_.node_y_m.push_back(y_m);
    graph_node_of_road_.push_back(std::numeric_limits<std::uint32_t>::max());
    return static_cast<std::uint32_t>(roads_.node_x_m.size() - 1);
  }

  RoadData roads_;
  std::vector<std::uint32_t> node_road_;           // graph node → road node
  std::vector<std::uint32_t> graph_node_of_road_;  // road node → graph node (or none)
  std::vector<Piece> pieces_;
};

/// Speed that makes every off-road walk take as many seconds as it has metres.
inline constexpr double kOneMetrePerSecondKmh = 3.6;

/// A seeded road-like network over [0, extent]²: `nodes` nodes, each joined to a few of its nearest neighbours
/// by pieces with up to two shape points, at 5 … 25 m/s; a share of them one-way (either direction). Node i
/// is graph node i.
inline HandNetwork random_network(std::uint64_t seed, std::size_t nodes, double extent_m, double oneway_share = 0.2) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> coord(0.0, extent_m);
  std::uniform_real_distribution<double> speed_mps(5.0, 25.0);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::uniform_int_distribution<int> shapes(0, 2);
  std::uniform_int_distribution<int> degree(1, 3);
  HandGraph h;
  std::vector<double> x;
  std::vector<double> y;
  for (std::size_t i = 0; i < nodes; ++i) {
    x.push_back(coord(rng));
    y.push_back(coord(rng));
    h.node(x.back(), y.back());
  }
  for (std::size_t i = 0; i < nodes; ++i) {
    // Join i to 1 … 3 of its nearest nodes of lower index (so the network is connected).
    std::vector<std::pair<double, std::size_t>> near;
    for (std::size_t j = 0; j < i; ++j) near.emplace_back(std::hypot(x[i] - x[j], y[i] - y[j]), j);
    const std::size_t take = std::min<std::size_t>(near.size(), static_cast<std::size_t>(degree(rng)));
    std::partial_sort(near.begin(), near.begin() + static_cast<std::ptrdiff_t>(take), near.end());
    for (std::size_t k = 0; k < take; ++k) {
      const std::size_t j = near[k].second;
      std::vector<std::pair<double, double>> shape;
      const int n_shape = shapes(rng);
      for (int s = 1; s <= n_shape; ++s) {
        const double t = static_cast<double>(s) / (n_shape + 1);
        shape.emplace_back(x[i] + t * (x[j] - x[i]) + (unit(rng) - 0.5) * 0.2 * near[k].first,
                           y[i] + t * (y[j] - y[i]) + (unit(rng) - 0.5) * 0.2 * near[k].first);
      }
      double length = 0.0;
      double px = x[i];
      double py = y[i];
      for (const auto& [sx, sy] : shape) {
        length += std::hypot(sx - px, sy - py);
        px = sx;
        py = sy;
      }
      length += std::hypot(x[j] - px, y[j] - py);
      const auto time_s = static_cast<float>(length / speed_mps(rng));
      float forward = time_s;
      float backward = time_s;
      if (unit(rng) < oneway_share) (unit(rng) < 0.5 ? forward : backward) = kNo;
      h.road(static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(j), forward, backward, shape);
    }
  }
  return h.build();
}

}  // namespace carereach::network::test
