#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "network/hand_graph.hpp"
#include "network/snap.hpp"

using namespace carereach;
using namespace carereach::network;
using carereach::network::test::HandGraph;
using carereach::network::test::kNo;

namespace {

/// The point of segment a–b nearest to q (brute force for the property tests).
struct Projection {
  double distance_m;
  double x_m;
  double y_m;
  double t;
};
Projection project(double qx, double qy, double ax, double ay, double bx, double by) {
  const double dx = bx - ax;
  const double dy = by - ay;
  const double len2 = dx * dx + dy * dy;
  double t = len2 > 0 ? ((qx - ax) * dx + (qy - ay) * dy) / len2 : 0.0;
  t = std::clamp(t, 0.0, 1.0);
  const double px = ax + t * dx;
  const double py = ay + t * dy;
  return {std::hypot(qx - px, qy - py), px, py, t};
}

/// Per piece, the distance from q to its polyline, by looking at every segment.
std::vector<double> brute_piece_distances(const test::HandNetwork& net, double qx, double qy) {
  std::vector<double> out;
  for (const Piece& p : net.graph.pieces) {
    double best = kUnlimitedDistance;
    for (std::uint32_t v = p.first_vertex; v < p.last_vertex; ++v) {
      const std::uint32_t a = net.roads.way_nodes[v];
      const std::uint32_t b = net.roads.way_nodes[v + 1];
      best = std::min(best, project(qx, qy, net.roads.node_x_m[a], net.roads.node_y_m[a], net.roads.node_x_m[b],
                                    net.roads.node_y_m[b])
                                .distance_m);
    }
    out.push_back(best);
  }
  return out;
}

}  // namespace

TEST_CASE("snapping finds the nearest point on a piece, not the nearest node", "[snap]") {
  HandGraph h;
  const auto a = h.node(0, 0);
  const auto b = h.node(1000, 0);
  h.road(a, b, 100, 100);
  const auto net = h.build();
  const SnapIndex index(net.roads, net.graph);

  const EdgePoint p = index.nearest_point(300, 40);
  REQUIRE(p.valid());
  CHECK(p.piece == 0);
  CHECK(p.x_m == 300);
  CHECK(p.y_m == 0);
  CHECK(p.distance_m == 40);
  CHECK(p.offset_m == 300);
  CHECK(p.fraction == Approx(0.3));

  // Beyond the end: the end point.
  const EdgePoint q = index.nearest_point(1030, -40);
  CHECK(q.x_m == 1000);
  CHECK(q.distance_m == 50);
  CHECK(q.fraction == 1.0);

  // Outside the maximum distance: nothing; exactly at it: found.
  CHECK_FALSE(index.nearest_point(300, 40, 39.9).valid());
  CHECK(index.nearest_point(300, 40, 40.0).valid());
}

TEST_CASE("snapping measures the offset along the piece's polyline", "[snap]") {
  HandGraph h;
  const auto a = h.node(0, 0);
  const auto b = h.node(200, 100);
  h.road(a, b, 30, 30, {{100, 0}, {100, 100}});  // 100 east, 100 north, 100 east: 300 m
  const auto net = h.build();
  const SnapIndex index(net.roads, net.graph);
  CHECK(index.polyline_length_m(0) == 300);

  const EdgePoint p = index.nearest_point(150, 130);
  REQUIRE(p.valid());
  CHECK(p.x_m == 150);
  CHECK(p.y_m == 100);
  CHECK(p.distance_m == 30);
  CHECK(p.offset_m == 250);
  CHECK(p.fraction == Approx(250.0 / 300.0));

  const EdgePoint q = index.nearest_point(130, 40);  // the middle (northbound) segment, 30 m east of it
  CHECK(q.x_m == 100);
  CHECK(q.y_m == 40);
  CHECK(q.offset_m == 140);
}

TEST_CASE("the k nearest distinct pieces within a radius, nearest first", "[snap]") {
  HandGraph h;
  const auto a0 = h.node(0, 0);
  const auto b0 = h.node(1000, 0);
  const auto a1 = h.node(0, 50);
  const auto b1 = h.node(1000, 50);
  const auto a2 = h.node(0, 200);
  const auto b2 = h.node(1000, 200);
  h.road(a0, b0, 1, 1);  // piece 0 at y = 0
  h.road(a1, b1, 1, 1);  // piece 1 at y = 50
  h.road(a2, b2, 1, 1);  // piece 2 at y = 200
  const auto net = h.build();
  const SnapIndex index(net.roads, net.graph, SnapIndexOptions{30.0});

  const auto two = index.nearest_pieces(500, 60, 1000, 2);
  REQUIRE(two.size() == 2);
  CHECK(two[0].piece == 1);
  CHECK(two[0].distance_m == 10);
  CHECK(two[1].piece == 0);
  CHECK(two[1].distance_m == 60);

  const auto within_100 = index.nearest_pieces(500, 60, 100, 3);
  REQUIRE(within_100.size() == 2);

  const auto all = index.nearest_pieces(500, 60, 1000, 5);
  REQUIRE(all.size() == 3);
  CHECK(all[2].piece == 2);
  CHECK(all[2].distance_m == 140);

  // Equidistant pieces: the smaller piece index first.
  const auto tie = index.nearest_pieces(500, 25, 1000, 1);
  REQUIRE(tie.size() == 1);
  CHECK(tie[0].piece == 0);
}

TEST_CASE("a piece counts once even when several of its segments are near", "[snap]") {
  HandGraph h;
  const auto a = h.node(0, 0);
  const auto b = h.node(0, 10);
  h.road(a, b, 1, 1, {{100, 0}, {100, 10}});  // a hairpin: two long segments 10 m apart
  const auto c = h.node(50, 40);
  const auto d = h.node(60, 40);
  h.road(c, d, 1, 1);
  const auto net = h.build();
  const SnapIndex index(net.roads, net.graph);
  const auto near = index.nearest_pieces(50, 12, 1000, 2);
  REQUIRE(near.size() == 2);
  CHECK(near[0].piece == 0);
  CHECK(near[0].distance_m == Approx(2.0));
  CHECK(near[0].offset_m == Approx(100 + 10 + 50));  // on the way back, y = 10
  CHECK(near[1].piece == 1);
  CHECK(near[1].distance_m == Approx(28.0));
}

TEST_CASE("nearest graph node, ties to the smaller index", "[snap]") {
  HandGraph h;
  const auto a = h.node(0, 0);
  const auto b = h.node(100, 0);
  const auto c = h.node(100, 100);
  h.road(a, b, 1, 1);
  h.road(b, c, 1, 1);
  const auto net = h.build();
  const SnapIndex index(net.roads, net.graph);
  const NodePoint n = index.nearest_node(90, 10);
  CHECK(n.node == b);
  CHECK(n.distance_m == Approx(std::sqrt(200.0)));
  CHECK(index.nearest_node(50, 0).node == a);  // a and b are 50 m away
  CHECK(index.nearest_node(50, 0, kUnlimitedDistance, b).node == a);  // a hint at the tie does not win it
  CHECK_FALSE(index.nearest_node(50, 0, 49, c).valid());              // nor does a hint beyond the limit
  CHECK_FALSE(index.nearest_node(50, 0, 49).valid());
  CHECK(index.nearest_node(-5000, -9000).node == a);  // far outside the index
}

TEST_CASE("an empty graph snaps nothing", "[snap]") {
  const HandGraph h;
  const auto net = h.build();
  const SnapIndex index(net.roads, net.graph);
  CHECK_FALSE(index.nearest_point(0, 0).valid());
  CHECK(index.nearest_pieces(0, 0, 100, 3).empty());
  CHECK_FALSE(index.nearest_node(0, 0).valid());
}

TEST_CASE("snapping equals a brute force over every segment, whatever the bucket size", "[snap][property]") {
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> coord(0.0, 2000.0);
  std::uniform_real_distribution<double> wiggle(-150.0, 150.0);
  HandGraph h;
  std::vector<std::uint32_t> nodes;
  for (int i = 0; i < 60; ++i) nodes.push_back(h.node(coord(rng), coord(rng)));
  std::uniform_int_distribution<std::size_t> pick(0, nodes.size() - 1);
  for (int i = 0; i < 120; ++i) {
    const auto u = nodes[pick(rng)];
    auto v = nodes[pick(rng)];
    if (u == v) v = nodes[(u + 1) % nodes.size()];
    h.road(u, v, 1, kNo, {{coord(rng), coord(rng)}, {coord(rng) + wiggle(rng), coord(rng) + wiggle(rng)}});
  }
  const auto net = h.build();

  for (const double bucket : {0.0, 7.0, 90.0, 5000.0}) {
    const SnapIndex index(net.roads, net.graph, SnapIndexOptions{bucket});
    std::uniform_real_distribution<double> query(-500.0, 2500.0);
    for (int q = 0; q < 300; ++q) {
      const double x = query(rng);
      const double y = query(rng);
      const double radius = q % 3 == 0 ? kUnlimitedDistance : 250.0;
      std::vector<double> d = brute_piece_distances(net, x, y);
      std::vector<std::uint32_t> order(d.size());
      for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
      std::sort(order.begin(), order.end(), [&](auto i, auto j) { return d[i] < d[j] || (d[i] == d[j] && i < j); });
      const auto got = index.nearest_pieces(x, y, radius, 4);
      std::size_t expected_count = 0;
      while (expected_count < 4 && expected_count < order.size() && d[order[expected_count]] <= radius) {
        ++expected_count;
      }
      INFO("bucket " << bucket << " query " << x << ", " << y);
      REQUIRE(got.size() == expected_count);
      // Pieces at the same distance (a shared end node) may come in either order after rounding: compare the
      // distances in order, and each piece's own distance.
      for (std::size_t i = 0; i < got.size(); ++i) {
        CHECK(got[i].distance_m == Approx(d[order[i]]).margin(1e-9));
        CHECK(got[i].distance_m == Approx(d[got[i].piece]).margin(1e-9));
        CHECK(std::hypot(got[i].x_m - x, got[i].y_m - y) == Approx(got[i].distance_m).margin(1e-9));
        for (std::size_t j = 0; j < i; ++j) CHECK(got[j].piece != got[i].piece);
      }
      const NodePoint n = index.nearest_node(x, y);
      double best = kUnlimitedDistance;
      std::uint32_t best_node = kNoNode;
      for (std::uint32_t i = 0; i < net.graph.node_count(); ++i) {
        const double dn = std::hypot(net.graph.node_x_m[i] - x, net.graph.node_y_m[i] - y);
        if (dn < best) {
          best = dn;
          best_node = i;
        }
      }
      CHECK(n.node == best_node);
      // A hint (any node, near or far) bounds the search but never changes the answer.
      const auto hint = static_cast<std::uint32_t>(pick(rng));
      const NodePoint hinted = index.nearest_node(x, y, radius, hint);
      if (best <= radius) {
        CHECK(hinted.node == best_node);
        CHECK(hinted.distance_m == Approx(best).margin(1e-9));
      } else {
        CHECK_FALSE(hinted.valid());
      }
    }
  }
}
