#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include <tbb/task_arena.h>

#include "network/connectors.hpp"
#include "network/hand_graph.hpp"

using namespace carereach;
using namespace carereach::network;
using carereach::network::test::HandGraph;
using carereach::network::test::kNo;
using carereach::network::test::kOneMetrePerSecondKmh;

namespace {

/// A grid of cols × rows cells of cell_size metres with its top-left corner at (0, top), nobody living there.
PopulationGrid empty_population(std::uint32_t cols, std::uint32_t rows, double cell_size, double top) {
  PopulationGrid p;
  p.grid.origin_x_m = 0;
  p.grid.origin_y_m = top;
  p.grid.cell_size_m = cell_size;
  p.grid.cols = cols;
  p.grid.rows = rows;
  p.persons.assign(p.grid.cell_count(), 0.0);
  return p;
}

ConnectorOptions walk_1mps(SnapMode mode = SnapMode::kEdge, std::uint32_t k = 3, double max_m = 1000) {
  ConnectorOptions o;
  o.mode = mode;
  o.max_connectors = k;
  o.access_speed_kmh = kOneMetrePerSecondKmh;
  o.max_access_distance_m = max_m;
  return o;
}

std::vector<CellLink> sorted_links(const CellConnectors& c, std::size_t slot) {
  const auto span = c.links_of(slot);
  std::vector<CellLink> v(span.begin(), span.end());
  std::sort(v.begin(), v.end(), [](const CellLink& a, const CellLink& b) { return a.node < b.node; });
  return v;
}

}  // namespace

TEST_CASE("a cell joins both ends of the piece it meets, in the allowed directions", "[connectors]") {
  // A ——————————— B, 1000 m, 100 s each way. The cell centre (250, 50) meets it at 250 m, 50 m away.
  HandGraph h;
  const auto a = h.node(0, 0);
  const auto b = h.node(1000, 0);
  h.road(a, b, 100, 100);
  const auto net = h.build();
  const SnapIndex index(net.roads, net.graph);
  PopulationGrid pop = empty_population(10, 1, 100, 100);  // row 0 spans y 0 … 100
  pop.persons[2] = 7;                                      // centre (250, 50)

  const CellConnectors c = build_cell_connectors(pop, net.graph, index, walk_1mps());
  REQUIRE(c.slot_count() == 1);
  CHECK(c.cell[0] == 2);
  CHECK(c.is_populated(2));
  CHECK_FALSE(c.is_populated(3));
  const auto links = sorted_links(c, 0);
  REQUIRE(links.size() == 2);
  CHECK(links[0].node == a);
  CHECK(links[0].time_s == Approx(50 + 100 * 0.25));  // walk 50 s, then a quarter of the piece back to A
  CHECK(links[1].node == b);
  CHECK(links[1].time_s == Approx(50 + 100 * 0.75));
  REQUIRE(c.connectors_on(0).size() == 1);
  CHECK(c.connectors_on(0)[0].slot == 0);
  CHECK(c.connectors_on(0)[0].fraction == Approx(0.25));
  CHECK(c.connectors_on(0)[0].leg_s == Approx(50));
  CHECK(c.cells_without_access == 0);
}

TEST_CASE("on a one-way piece a cell joins only the node it may drive to", "[connectors]") {
  HandGraph h;
  const auto a = h.node(0, 0);
  const auto b = h.node(1000, 0);
  h.road(a, b, 100, kNo);  // A → B only
  const auto net = h.build();
  const SnapIndex index(net.roads, net.graph);
  PopulationGrid pop = empty_population(10, 1, 100, 100);
  pop.persons[2] = 1;
  const CellConnectors c = build_cell_connectors(pop, net.graph, index, walk_1mps());
  const auto links = sorted_links(c, 0);
  REQUIRE(links.size() == 1);
  CHECK(links[0].node == b);
  CHECK(links[0].time_s == Approx(50 + 75));
}

TEST_CASE("up to K pieces within the maximum access distance; farther cells have no access", "[connectors]") {
  // Three east–west roads at y = 0, 300 and 900; cells of 100 m between y = 0 and 1000.
  HandGraph h;
  for (const double y : {0.0, 300.0, 900.0}) {
    const auto u = h.node(0, y);
    const auto v = h.node(1000, y);
    h.road(u, v, 100, 100);
  }
  const auto net = h.build();
  const SnapIndex index(net.roads, net.graph);
  PopulationGrid pop = empty_population(10, 10, 100, 1000);
  const std::size_t near_middle = pop.grid.index(5, 8);  // centre (550, 150): 150 m from y = 0 and from y = 300
  const std::size_t at_top = pop.grid.index(5, 0);       // centre (550, 950): 50 m from y = 900
  pop.persons[near_middle] = 1;
  pop.persons[at_top] = 1;

  SECTION("K = 2 within 200 m") {
    const CellConnectors c = build_cell_connectors(pop, net.graph, index, walk_1mps(SnapMode::kEdge, 2, 200));
    REQUIRE(c.slot_count() == 2);
    // Slots follow the grid order: the top cell first.
    CHECK(c.cell[0] == at_top);
    CHECK(c.links_of(0).size() == 2);  // one piece, two ends
    CHECK(c.links_of(1).size() == 4);  // two pieces
    CHECK(c.connector_count == 3);
    CHECK(c.cells_without_access == 0);
  }
  SECTION("K = 1") {
    const CellConnectors c = build_cell_connectors(pop, net.graph, index, walk_1mps(SnapMode::kEdge, 1, 200));
    CHECK(c.links_of(1).size() == 2);
    CHECK(c.connectors_on(0).size() == 1);  // the tie goes to the smaller piece index
    CHECK(c.connectors_on(1).empty());
  }
  SECTION("within 100 m") {
    const CellConnectors c = build_cell_connectors(pop, net.graph, index, walk_1mps(SnapMode::kEdge, 3, 100));
    CHECK(c.links_of(1).empty());
    CHECK(c.cells_without_access == 1);
  }
}

TEST_CASE("a cell by a junction keeps one link per node, the shortest", "[connectors]") {
  // Three roads meet at J; the cell centre (50, 50) is 50 m from J–E and J–N, and 70.7 m from W–J (at J).
  HandGraph h;
  const auto j = h.node(0, 0);
  const auto e = h.node(1000, 0);
  const auto n = h.node(0, 1000);
  const auto w = h.node(-1000, 0);
  h.road(j, e, 100, 100);
  h.road(j, n, 100, 100);
  h.road(w, j, 100, 100);
  const auto net = h.build();
  const SnapIndex index(net.roads, net.graph);
  PopulationGrid pop = empty_population(1, 1, 100, 100);  // one cell, centre (50, 50)
  pop.persons[0] = 1;
  const CellConnectors c = build_cell_connectors(pop, net.graph, index, walk_1mps());
  const auto links = sorted_links(c, 0);
  // Pieces j–e and j–n are met 50 m away at 50 m along; w–j is met at J, 70.7 m away. The link to W (70.7 s
  // walk + 100 s) is dropped: going to J first (55 s) and driving on to W (100 s) is never slower.
  REQUIRE(links.size() == 3);
  CHECK(links[0].node == j);
  CHECK(links[0].time_s == Approx(50 + 5));  // along j–e or j–n back to J: 50 s walk + 5 s
  CHECK(links[1].node == e);
  CHECK(links[1].time_s == Approx(50 + 95));
  CHECK(links[2].node == n);
  CHECK(links[2].time_s == Approx(50 + 95));
}

TEST_CASE("a link that another link plus one piece always beats is dropped", "[connectors]") {
  // A ——— B, 1000 m: 20 s from A to B, 500 s from B to A. The cell centre (10, 10) meets it 10 m from A.
  HandGraph h;
  const auto a = h.node(0, 0);
  const auto b = h.node(1000, 0);
  h.road(a, b, 20, 500);
  const auto net = h.build();
  const SnapIndex index(net.roads, net.graph);
  PopulationGrid pop = empty_population(1, 1, 20, 20);  // centre (10, 10)
  pop.persons[0] = 1;
  const CellConnectors c = build_cell_connectors(pop, net.graph, index, walk_1mps());
  const auto links = sorted_links(c, 0);
  // Nearest point (10, 0): 10 s walk. To A: 10 + 500 × 0.01 = 15 s. To B: 10 + 20 × 0.99 = 29.8 s. A + A → B =
  // 35 s > 29.8 s, and B + B → A = 529.8 s > 15 s: both stay.
  REQUIRE(links.size() == 2);
  CHECK(links[0].time_s == Approx(15));
  CHECK(links[1].time_s == Approx(29.8));

  // A cell centred on A itself: the link to B (no walk + the whole piece, 20 s) is never better than going to A
  // (0 s) and driving A → B (20 s).
  PopulationGrid at_a = empty_population(1, 1, 20, 10);
  at_a.grid.origin_x_m = -10;  // centre (0, 0)
  at_a.persons[0] = 1;
  const CellConnectors d = build_cell_connectors(at_a, net.graph, index, walk_1mps());
  const auto only = sorted_links(d, 0);
  REQUIRE(only.size() == 1);
  CHECK(only[0].node == a);
  CHECK(only[0].time_s == 0);
}

TEST_CASE("node mode: a cell walks straight to its nearest node, at any distance", "[connectors]") {
  HandGraph h;
  const auto a = h.node(0, 0);
  const auto b = h.node(1000, 0);
  h.road(a, b, 100, 100);
  const auto net = h.build();
  const SnapIndex index(net.roads, net.graph);
  PopulationGrid pop = empty_population(10, 30, 100, 3000);
  pop.persons[pop.grid.index(3, 29)] = 1;  // centre (350, 50)
  pop.persons[pop.grid.index(9, 0)] = 1;   // centre (950, 2950): 2950.4 m from B
  const CellConnectors c = build_cell_connectors(pop, net.graph, index, walk_1mps(SnapMode::kNode, 3, 1000));
  REQUIRE(c.slot_count() == 2);
  CHECK(c.piece_offset.empty());
  const auto far = sorted_links(c, 0);
  REQUIRE(far.size() == 1);
  CHECK(far[0].node == b);
  CHECK(far[0].time_s == Approx(std::hypot(50.0, 2950.0)));
  const auto near = sorted_links(c, 1);
  REQUIRE(near.size() == 1);
  CHECK(near[0].node == a);
  CHECK(near[0].time_s == Approx(std::hypot(350.0, 50.0)));
}

TEST_CASE("facilities: snapped onto the piece, sources at its ends in the allowed directions", "[connectors]") {
  HandGraph h;
  const auto a = h.node(0, 0);
  const auto b = h.node(1000, 0);
  const auto c = h.node(1000, 1000);
  h.road(a, b, 100, 100);
  h.road(b, c, kNo, 200);  // only C → B
  const auto net = h.build();
  const SnapIndex index(net.roads, net.graph);
  const std::vector<PointM> at{{600, -80}, {1040, 250}, {5000, 0}};
  const std::vector<std::uint32_t> ids{7, 3, 9};
  const FacilitySources f = snap_facilities(index, net.graph, at, ids, walk_1mps(SnapMode::kEdge, 3, 1000));

  REQUIRE(f.facilities.size() == 3);
  CHECK(f.facilities[0].facility == 7);
  CHECK(f.facilities[0].distance_m == Approx(80));
  CHECK(f.facilities[0].leg_s == Approx(80));
  CHECK(f.facilities[0].point.fraction == Approx(0.6));
  CHECK(f.facilities[1].point.piece == 1);
  CHECK(f.facilities[2].distance_m == Approx(4000));
  REQUIRE(f.beyond_max_access.size() == 1);
  CHECK(f.beyond_max_access[0] == 2);  // still snapped and searched from
  CHECK(f.not_joined.empty());

  REQUIRE(f.sources.size() == 2 + 1 + 2);
  // Facility 7: from A 80 + 0.6 × 100; from B 80 + 0.4 × 100.
  CHECK(f.sources[0].node == a);
  CHECK(f.sources[0].time_s == Approx(140));
  CHECK(f.sources[0].facility == 7);
  CHECK(f.sources[1].node == b);
  CHECK(f.sources[1].time_s == Approx(120));
  // Facility 3 on B–C at 250 m: only from C (C → B allowed), 40 + 0.75 × 200.
  CHECK(f.sources[2].node == c);
  CHECK(f.sources[2].time_s == Approx(40 + 150));
  CHECK(f.sources[2].facility == 3);
  // Facility 9: 4 km east of B, at B's end of A–B: from B after the walk, from A after the whole piece too.
  CHECK(f.sources[3].node == a);
  CHECK(f.sources[3].time_s == Approx(4000 + 100));
  CHECK(f.sources[4].node == b);
  CHECK(f.sources[4].time_s == Approx(4000));
}

TEST_CASE("facilities in node mode start at their nearest node at 0 s", "[connectors]") {
  HandGraph h;
  const auto a = h.node(0, 0);
  const auto b = h.node(1000, 0);
  h.road(a, b, 100, 100);
  const auto net = h.build();
  const SnapIndex index(net.roads, net.graph);
  const std::vector<PointM> at{{600, -80}};
  const std::vector<std::uint32_t> ids{5};
  const FacilitySources f = snap_facilities(index, net.graph, at, ids, walk_1mps(SnapMode::kNode));
  REQUIRE(f.sources.size() == 1);
  CHECK(f.sources[0].node == b);
  CHECK(f.sources[0].time_s == 0);
  CHECK(f.sources[0].facility == 5);
  CHECK(f.facilities[0].distance_m == Approx(std::hypot(400.0, 80.0)));
}

TEST_CASE("bad options and mismatched inputs are refused", "[connectors]") {
  HandGraph h;
  h.road(h.node(0, 0), h.node(10, 0), 1, 1);
  const auto net = h.build();
  const SnapIndex index(net.roads, net.graph);
  PopulationGrid pop = empty_population(2, 2, 100, 200);
  ConnectorOptions o = walk_1mps();
  o.access_speed_kmh = 0;
  CHECK_THROWS_AS(build_cell_connectors(pop, net.graph, index, o), std::invalid_argument);
  o = walk_1mps();
  o.max_connectors = 0;
  CHECK_THROWS_AS(build_cell_connectors(pop, net.graph, index, o), std::invalid_argument);
  pop.persons.pop_back();
  CHECK_THROWS_AS(build_cell_connectors(pop, net.graph, index, walk_1mps()), std::invalid_argument);
  const std::vector<PointM> at{{0, 0}};
  const std::vector<std::uint32_t> no_ids;
  CHECK_THROWS_AS(snap_facilities(index, net.graph, at, no_ids, walk_1mps()), std::invalid_argument);
}

TEST_CASE("connectors do not depend on the number of threads", "[connectors][property]") {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> coord(0.0, 20000.0);
  HandGraph h;
  std::vector<std::uint32_t> nodes;
  for (int i = 0; i < 400; ++i) nodes.push_back(h.node(coord(rng), coord(rng)));
  std::uniform_int_distribution<std::size_t> pick(0, nodes.size() - 1);
  for (int i = 0; i < 900; ++i) {
    const auto u = nodes[pick(rng)];
    const auto v = nodes[pick(rng)];
    if (u != v) h.road(u, v, 50, i % 4 == 0 ? kNo : 60);
  }
  const auto net = h.build();
  const SnapIndex index(net.roads, net.graph);
  PopulationGrid pop = empty_population(200, 200, 100, 20000);
  std::bernoulli_distribution lives(0.7);
  for (double& p : pop.persons) p = lives(rng) ? 1.0 : 0.0;

  const CellConnectors many = build_cell_connectors(pop, net.graph, index, walk_1mps());
  tbb::task_arena one_thread(1);
  const CellConnectors one =
      one_thread.execute([&] { return build_cell_connectors(pop, net.graph, index, walk_1mps()); });
  CHECK(many.cell == one.cell);
  CHECK(many.link_offset == one.link_offset);
  REQUIRE(many.links.size() == one.links.size());
  CHECK(std::equal(many.links.begin(), many.links.end(), one.links.begin(),
                   [](const CellLink& x, const CellLink& y) { return x.node == y.node && x.time_s == y.time_s; }));
  CHECK(many.piece_offset == one.piece_offset);
  CHECK(std::equal(many.piece_connectors.begin(), many.piece_connectors.end(), one.piece_connectors.begin(),
                   [](const PieceConnector& x, const PieceConnector& y) {
                     return x.slot == y.slot && x.fraction == y.fraction && x.leg_s == y.leg_s;
                   }));
  CHECK(many.memory_bytes() > 0);
}

TEST_CASE("every cell's connectors are its k nearest pieces, asked for one cell at a time", "[connectors][property]") {
  // Blocks of cells in parallel, the pieces of each cell filed under the pieces: every cell must still get the
  // answer of a query of its own over the whole maximum access distance.
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> coord(0.0, 8000.0);
  HandGraph h;
  std::vector<std::uint32_t> nodes;
  for (int i = 0; i < 150; ++i) nodes.push_back(h.node(coord(rng), coord(rng)));
  std::uniform_int_distribution<std::size_t> pick(0, nodes.size() - 1);
  for (int i = 0; i < 260; ++i) {
    const auto u = nodes[pick(rng)];
    const auto v = nodes[pick(rng)];
    if (u != v) h.road(u, v, 50, i % 5 == 0 ? kNo : 40);
  }
  const auto net = h.build();
  const SnapIndex index(net.roads, net.graph);
  PopulationGrid pop = empty_population(80, 80, 100, 8000);
  std::bernoulli_distribution lives(0.8);
  for (double& p : pop.persons) p = lives(rng) ? 1.0 : 0.0;

  for (const std::uint32_t k : {1u, 3u}) {
    const ConnectorOptions options = walk_1mps(SnapMode::kEdge, k, 600);
    const CellConnectors c = build_cell_connectors(pop, net.graph, index, options);
    // (slot, piece) pairs from the connectors filed under their pieces …
    std::vector<std::pair<std::uint32_t, std::uint32_t>> got;
    for (std::uint32_t p = 0; p < net.graph.pieces.size(); ++p)
      for (const PieceConnector& pc : c.connectors_on(p)) got.emplace_back(pc.slot, p);
    std::sort(got.begin(), got.end());
    // … and from one unbounded query per populated cell.
    std::vector<std::pair<std::uint32_t, std::uint32_t>> expected;
    for (std::uint32_t s = 0; s < c.slot_count(); ++s) {
      const std::uint32_t cell = c.cell[s];
      const double x = pop.grid.centre_x_m(cell % pop.grid.cols);
      const double y = pop.grid.centre_y_m(cell / pop.grid.cols);
      for (const EdgePoint& e : index.nearest_pieces(x, y, 600, k)) expected.emplace_back(s, e.piece);
    }
    std::sort(expected.begin(), expected.end());
    INFO("k = " << k);
    CHECK(got.size() > c.slot_count() / 2);
    CHECK(got == expected);
  }
}

namespace {

/// One cell's connector as the brute force finds it: piece, the point's offset along the piece, walk.
struct BruteConnector {
  std::uint32_t piece;
  double distance_m;
  double offset_m;
  double fraction;
};

/// The K nearest distinct pieces of every populated cell by looking at every segment of every piece. The nearest
/// point of a segment a → b to q follows docs/method/network.md ("Nearest point on a piece"): t = clamp(((q − a) ·
/// (b − a)) / |b − a|², 0, 1), p = a + t (b − a), distance |q − p| (a square root of the sum of squares); the
/// offset is the length of the segments before plus t × the segment's. A piece's point is its nearest over its
/// segments (ties: the smaller offset); pieces within the maximum distance are ordered by distance, then piece.
std::vector<std::vector<BruteConnector>> brute_force_connectors(const test::HandNetwork& net, const PopulationGrid& pop,
                                                                std::size_t k, double max_m) {
  std::vector<std::vector<BruteConnector>> out;
  const Grid& g = pop.grid;
  for (std::uint32_t cell = 0; cell < g.cell_count(); ++cell) {
    if (!(pop.persons[cell] > 0.0)) continue;
    const double qx = g.centre_x_m(cell % g.cols);
    const double qy = g.centre_y_m(cell / g.cols);
    std::vector<BruteConnector> per_piece;
    for (std::uint32_t pi = 0; pi < net.graph.pieces.size(); ++pi) {
      const Piece& piece = net.graph.pieces[pi];
      std::vector<double> offsets{0.0};
      for (std::uint32_t v = piece.first_vertex; v < piece.last_vertex; ++v) {
        const std::uint32_t a = net.roads.way_nodes[v];
        const std::uint32_t b = net.roads.way_nodes[v + 1];
        offsets.push_back(offsets.back() + std::hypot(net.roads.node_x_m[b] - net.roads.node_x_m[a],
                                                      net.roads.node_y_m[b] - net.roads.node_y_m[a]));
      }
      BruteConnector best{pi, kUnlimitedDistance, 0.0, 0.0};
      for (std::uint32_t v = piece.first_vertex; v < piece.last_vertex; ++v) {
        const std::uint32_t a = net.roads.way_nodes[v];
        const std::uint32_t b = net.roads.way_nodes[v + 1];
        const double ax = net.roads.node_x_m[a];
        const double ay = net.roads.node_y_m[a];
        const double dx = net.roads.node_x_m[b] - ax;
        const double dy = net.roads.node_y_m[b] - ay;
        const double len2 = dx * dx + dy * dy;
        const double t = len2 > 0.0 ? std::clamp(((qx - ax) * dx + (qy - ay) * dy) / len2, 0.0, 1.0) : 0.0;
        const double ex = qx - (ax + t * dx);
        const double ey = qy - (ay + t * dy);
        const double d = std::sqrt(ex * ex + ey * ey);
        const std::size_t i = v - piece.first_vertex;
        const double offset = offsets[i] + t * (offsets[i + 1] - offsets[i]);
        if (d < best.distance_m || (d == best.distance_m && offset < best.offset_m)) {
          best.distance_m = d;
          best.offset_m = offset;
        }
      }
      const double length = offsets.back();
      best.fraction = length > 0.0 ? std::clamp(best.offset_m / length, 0.0, 1.0) : 0.0;
      if (best.distance_m <= max_m) per_piece.push_back(best);
    }
    std::sort(per_piece.begin(), per_piece.end(), [](const BruteConnector& a, const BruteConnector& b) {
      return a.distance_m < b.distance_m || (a.distance_m == b.distance_m && a.piece < b.piece);
    });
    if (per_piece.size() > k) per_piece.resize(k);
    out.push_back(per_piece);
  }
  return out;
}

/// Compares the connectors with the brute force, cell by cell: the same pieces, and on each the same point
/// (fraction) and the same walk, to the last bit; the links follow from them.
void check_against_brute_force(const test::HandNetwork& net, const PopulationGrid& pop, const ConnectorOptions& o) {
  const CellConnectors c = build_cell_connectors(pop, net.graph, SnapIndex(net.roads, net.graph), o);
  const auto expected = brute_force_connectors(net, pop, o.max_connectors, o.max_access_distance_m);
  REQUIRE(c.slot_count() == expected.size());
  std::vector<std::vector<std::pair<std::uint32_t, PieceConnector>>> got(c.slot_count());
  for (std::uint32_t p = 0; p < net.graph.pieces.size(); ++p)
    for (const PieceConnector& pc : c.connectors_on(p)) got[pc.slot].emplace_back(p, pc);
  const double speed_mps = o.access_speed_kmh * 1000.0 / 3600.0;
  std::size_t without = 0;
  std::size_t mismatches = 0;
  for (std::uint32_t s = 0; s < c.slot_count(); ++s) {
    std::vector<BruteConnector> want = expected[s];
    if (want.empty()) ++without;
    auto& mine = got[s];
    std::sort(want.begin(), want.end(), [](const auto& a, const auto& b) { return a.piece < b.piece; });
    std::sort(mine.begin(), mine.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    bool same = mine.size() == want.size();
    for (std::size_t i = 0; same && i < want.size(); ++i) {
      same = mine[i].first == want[i].piece && mine[i].second.fraction == static_cast<float>(want[i].fraction) &&
             mine[i].second.leg_s == static_cast<float>(want[i].distance_m / speed_mps);
    }
    if (!same) {
      ++mismatches;
      if (mismatches <= 3) {
        INFO("slot " << s << " (cell " << c.cell[s] << "): " << mine.size() << " connectors, brute force "
                     << want.size());
        CHECK(same);
      }
    }
  }
  CHECK(mismatches == 0);
  CHECK(c.cells_without_access == without);
}

}  // namespace

TEST_CASE("connectors equal a brute-force nearest-K over every piece, on random networks and grids",
          "[connectors][property]") {
  // Random road-like networks and grids of random size, cell size and position (some cells far beyond the
  // roads), K and maximum distance; every cell's connectors must be those of a look at every piece.
  std::mt19937_64 rng(2026);
  for (int round = 0; round < 12; ++round) {
    std::uniform_real_distribution<double> extent(800.0, 6000.0);
    const double e = extent(rng);
    const auto net = test::random_network(100 + static_cast<std::uint64_t>(round), 20 + 6 * round, e);
    std::uniform_int_distribution<std::uint32_t> side(3, 70);
    std::uniform_real_distribution<double> cell(15.0, 250.0);
    std::uniform_real_distribution<double> shift(-0.5, 0.5);
    PopulationGrid pop = empty_population(side(rng), side(rng), cell(rng), 0.0);
    // The grid's top-left corner somewhere around the network, so that part of it may lie outside.
    pop.grid.origin_x_m = e * shift(rng);
    pop.grid.origin_y_m = e * (1.0 + shift(rng));
    std::bernoulli_distribution lives(round % 3 == 0 ? 0.3 : 0.85);
    for (double& p : pop.persons) p = lives(rng) ? 1.0 : 0.0;
    std::uniform_int_distribution<std::uint32_t> kk(1, 6);
    std::uniform_real_distribution<double> max_m(20.0, 1500.0);
    const ConnectorOptions o = walk_1mps(SnapMode::kEdge, kk(rng), max_m(rng));
    INFO("round " << round << ": " << pop.grid.cols << " x " << pop.grid.rows << " cells of " << pop.grid.cell_size_m
                  << " m, K = " << o.max_connectors << ", D = " << o.max_access_distance_m);
    check_against_brute_force(net, pop, o);
  }
}

TEST_CASE("connectors equal the brute force where pieces tie and where cells are far from every road",
          "[connectors][property]") {
  // A lattice of roads on whole metres with cells centred on whole metres: many cells lie at exactly the same
  // distance from two, three or four pieces (halfway between parallel roads, on the diagonals of a block), so
  // the smaller piece index must decide; a block of cells lies beyond the maximum distance of every road.
  HandGraph h;
  std::vector<std::vector<std::uint32_t>> node(6, std::vector<std::uint32_t>(6));
  for (int i = 0; i < 6; ++i)
    for (int j = 0; j < 6; ++j) node[i][j] = h.node(200.0 * i, 200.0 * j);
  // Pieces in a scrambled order, so that ties are not always won by the first piece met.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> roads;
  for (int i = 0; i < 6; ++i)
    for (int j = 0; j < 6; ++j) {
      if (i + 1 < 6) roads.emplace_back(node[i][j], node[i + 1][j]);
      if (j + 1 < 6) roads.emplace_back(node[i][j], node[i][j + 1]);
    }
  std::mt19937_64 rng(5);
  std::shuffle(roads.begin(), roads.end(), rng);
  for (const auto& [u, v] : roads) h.road(u, v, 20, 20);
  // Far from the lattice: one road, out at x = 5,000 … 5,400.
  h.road(h.node(5000, 0), h.node(5400, 0), 40, 40);
  const auto net = h.build();

  // The snapping buckets of this network are about 300 m wide: cells of 25 and 50 m are answered tile by tile,
  // cells of 100 m one query per cell (build_cell_connectors switches at buckets 3 cells wide).
  CHECK(SnapIndex(net.roads, net.graph).segment_bucket_size_m() >= 3 * 50.0);
  CHECK(SnapIndex(net.roads, net.graph).segment_bucket_size_m() < 3 * 100.0);
  struct Layout {
    double cell;
    double shift;  ///< the grid moved west and north by this: 25 m puts the 50 m cells' centres on multiples of 50
  };
  for (const Layout layout : {Layout{50.0, 0.0}, Layout{100.0, 0.0}, Layout{25.0, 0.0}, Layout{50.0, 25.0}}) {
    const double cell = layout.cell;
    // From x = −400 (beyond the lattice's west side) to about 6,000 m, y from 1,400 down to −200.
    const auto cols = static_cast<std::uint32_t>(6400.0 / cell);
    const auto rows = static_cast<std::uint32_t>(1600.0 / cell);
    PopulationGrid pop = empty_population(cols, rows, cell, 1400.0 + layout.shift);
    pop.grid.origin_x_m = -400.0 - layout.shift;
    for (std::size_t i = 0; i < pop.persons.size(); ++i) pop.persons[i] = i % 7 == 3 ? 0.0 : 2.0;
    for (const std::uint32_t k : {1u, 2u, 3u, 5u}) {
      for (const double max_m : {100.0, 150.0, 600.0}) {
        INFO("cells of " << cell << " m (shifted " << layout.shift << " m), K = " << k << ", D = " << max_m);
        check_against_brute_force(net, pop, walk_1mps(SnapMode::kEdge, k, max_m));
        if (cell == 50.0 && layout.shift == 25.0 && max_m <= 150.0) {
          // Centres on multiples of 50 m: some cells' pieces lie at exactly the maximum distance (and must be
          // kept, the distance being inclusive), so the comparison above covers that case.
          std::size_t at_max = 0;
          for (const auto& per_cell : brute_force_connectors(net, pop, k, max_m))
            for (const BruteConnector& b : per_cell) at_max += b.distance_m == max_m ? 1 : 0;
          CHECK(at_max > 0);
        }
      }
    }
  }
}

TEST_CASE("connectors equal the brute force on roads with segments of length 0, overlapping and crossing roads",
          "[connectors][property]") {
  // Random roads whose shapes repeat points (segments of length 0), pieces of length 0 (both ends at one place,
  // a loop with no shape), roads laid over one another (the same segment in two pieces: exact ties, the smaller
  // piece index wins) and roads that cross; grids reaching far beyond every road. Tiles and one query per cell
  // (cells small and large against the snapping buckets) must both give the look at every piece's answers.
  std::mt19937_64 rng(1313);
  for (int round = 0; round < 10; ++round) {
    std::uniform_real_distribution<double> coord(0.0, 3000.0);
    std::uniform_int_distribution<int> coin(0, 3);
    HandGraph h;
    std::vector<std::uint32_t> nodes;
    std::vector<std::pair<double, double>> at;
    for (int i = 0; i < 30; ++i) {
      at.emplace_back(std::round(coord(rng)), std::round(coord(rng)));
      nodes.push_back(h.node(at.back().first, at.back().second));
    }
    std::uniform_int_distribution<std::size_t> pick(0, nodes.size() - 1);
    for (int r = 0; r < 45; ++r) {
      const std::size_t ia = pick(rng);
      const std::size_t ib = pick(rng);
      const std::uint32_t a = nodes[ia];
      const std::uint32_t b = nodes[ib];
      const auto [ax, ay] = at[ia];
      const auto [bx, by] = at[ib];
      std::vector<std::pair<double, double>> shape;
      switch (coin(rng)) {
        case 0:  // a shape point repeated, and one on the start node: two segments of length 0
          shape = {{ax, ay}, {std::round(0.5 * (ax + bx)), std::round(0.5 * (ay + by))},
                   {std::round(0.5 * (ax + bx)), std::round(0.5 * (ay + by))}};
          break;
        case 1:  // the same road twice: every point of the second ties with the first
          h.road(a, b, 30, 30, shape);
          break;
        case 2:  // a bend
          shape = {{std::round(ax + 200.0), std::round(by)}};
          break;
        default:
          break;
      }
      h.road(a, b, 30, coin(rng) == 0 ? kNo : 30.0F, shape);
    }
    // A piece of length 0 in every round: a loop on one node with no shape.
    h.road(nodes[0], nodes[0], 5, 5);
    const auto net = h.build();
    const double bucket = SnapIndex(net.roads, net.graph).segment_bucket_size_m();
    // Cells a fifth of a bucket (tiles) and two buckets wide (one query per cell); the grid reaches 2 km past
    // the roads on every side.
    for (const double cell : {std::max(1.0, std::floor(bucket / 5.0)), std::ceil(2.0 * bucket)}) {
      const auto side = static_cast<std::uint32_t>(std::ceil(7000.0 / cell));
      PopulationGrid pop = empty_population(side, side, cell, 5000.0);
      pop.grid.origin_x_m = -2000.0;
      std::bernoulli_distribution lives(0.7);
      for (double& p : pop.persons) p = lives(rng) ? 1.0 : 0.0;
      for (const std::uint32_t k : {1u, 3u, 4u}) {
        INFO("round " << round << ", cells of " << cell << " m (buckets " << bucket << " m), K = " << k);
        check_against_brute_force(net, pop, walk_1mps(SnapMode::kEdge, k, 400.0));
      }
    }
  }
}
