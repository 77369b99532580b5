#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <numeric>
#include <random>
#include <vector>

#include <tbb/task_arena.h>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>

#include "network/ascii_map.hpp"
#include "network/graph.hpp"
#include "network/hand_graph.hpp"
#include "network/search.hpp"

using namespace carereach;
using namespace carereach::network;
using carereach::network::test::HandGraph;
using carereach::network::test::HandNetwork;
using carereach::network::test::kNo;
using carereach::network::test::kOneMetrePerSecondKmh;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

ConnectorOptions walk_1mps(double max_m, SnapMode mode = SnapMode::kEdge, std::uint32_t k = 3) {
  ConnectorOptions o;
  o.mode = mode;
  o.max_connectors = k;
  o.access_speed_kmh = kOneMetrePerSecondKmh;
  o.max_access_distance_m = max_m;
  return o;
}

/// cols × rows cells of `cell` metres, left edge at x0, top edge at y_top; populated as `persons` says (all 1
/// when empty).
PopulationGrid grid_population(std::uint32_t cols, std::uint32_t rows, double cell, double x0, double y_top,
                               std::vector<double> persons = {}) {
  PopulationGrid p;
  p.grid.origin_x_m = x0;
  p.grid.origin_y_m = y_top;
  p.grid.cell_size_m = cell;
  p.grid.cols = cols;
  p.grid.rows = rows;
  p.persons = persons.empty() ? std::vector<double>(p.grid.cell_count(), 1.0) : std::move(persons);
  return p;
}

/// A network with its index and cell connectors, ready to run standards on.
struct Setup {
  HandNetwork net;
  SnapIndex index;
  ConnectorOptions options;
  CellConnectors cells;

  Setup(HandNetwork n, const PopulationGrid& pop, const ConnectorOptions& o)
      : net(std::move(n)),
        index(net.roads, net.graph),
        options(o),
        cells(build_cell_connectors(pop, net.graph, index, o)) {}

  [[nodiscard]] FacilitySources facilities(const std::vector<PointM>& at, const std::vector<std::uint32_t>& ids) const {
    return snap_facilities(index, net.graph, at, ids, options);
  }
  [[nodiscard]] NetworkTravelTimes run(const std::vector<PointM>& at, const std::vector<std::uint32_t>& ids,
                                       double limit_s, bool parallel = true) const {
    NodeSearch search(net.graph);
    return network_travel_times(search, cells, facilities(at, ids), limit_s, AssignOptions{parallel});
  }
};

double minutes(double seconds) {
  return seconds / 60.0;
}

/// A reference time that the search should reach within the limit.
bool within(double t_s, double limit_s) {
  return t_s != kInf && t_s <= limit_s;
}

// ------------------------------------------------------------------------------------------------ references

using BoostGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, boost::no_property,
                                         boost::property<boost::edge_weight_t, double>>;

/// Seconds from every node to the sources (towards them, along allowed directions), by Boost's Dijkstra on the
/// reversed pieces plus a super-source joined to each source node by its start time. Unreached: kInf.
std::vector<double> boost_node_times(const RoadGraph& g, const std::vector<Source>& sources) {
  const std::size_t n = g.node_count();
  BoostGraph bg(n + 1);
  for (const Piece& p : g.pieces) {
    if (p.forward_s != kNoPassage) boost::add_edge(p.to, p.from, static_cast<double>(p.forward_s), bg);
    if (p.backward_s != kNoPassage) boost::add_edge(p.from, p.to, static_cast<double>(p.backward_s), bg);
  }
  for (const Source& s : sources) boost::add_edge(n, s.node, s.time_s, bg);
  std::vector<double> d(n + 1);
  boost::dijkstra_shortest_paths(bg, n, boost::distance_map(d.data()));
  d.pop_back();
  for (double& v : d) {
    if (v == std::numeric_limits<double>::max()) v = kInf;
  }
  return d;
}

std::vector<Source> sources_of(const std::vector<Source>& all, std::uint32_t facility) {
  std::vector<Source> out;
  for (const Source& s : all) {
    if (s.facility == facility) out.push_back(s);
  }
  return out;
}

/// The nearest point of one piece's polyline to q: (distance, offset along the piece), ties to the smaller offset.
struct PiecePoint {
  double distance_m;
  double offset_m;
};

struct Polylines {
  std::vector<std::vector<std::pair<double, double>>> vertices;  // per piece
  std::vector<double> length_m;

  explicit Polylines(const HandNetwork& net) {
    for (const Piece& p : net.graph.pieces) {
      std::vector<std::pair<double, double>> v;
      double len = 0.0;
      for (std::uint32_t i = p.first_vertex; i <= p.last_vertex; ++i) {
        const std::uint32_t rn = net.roads.way_nodes[i];
        if (!v.empty())
          len += std::hypot(net.roads.node_x_m[rn] - v.back().first, net.roads.node_y_m[rn] - v.back().second);
        v.emplace_back(net.roads.node_x_m[rn], net.roads.node_y_m[rn]);
      }
      vertices.push_back(std::move(v));
      length_m.push_back(len);
    }
  }

  [[nodiscard]] PiecePoint nearest(std::size_t piece, double qx, double qy) const {
    PiecePoint best{kInf, 0.0};
    double offset = 0.0;
    const auto& v = vertices[piece];
    for (std::size_t i = 0; i + 1 < v.size(); ++i) {
      const double dx = v[i + 1].first - v[i].first;
      const double dy = v[i + 1].second - v[i].second;
      const double len = std::hypot(dx, dy);
      double t = len > 0 ? ((qx - v[i].first) * dx + (qy - v[i].second) * dy) / (len * len) : 0.0;
      t = std::clamp(t, 0.0, 1.0);
      const double d = std::hypot(qx - (v[i].first + t * dx), qy - (v[i].second + t * dy));
      if (d < best.distance_m) best = {d, offset + t * len};
      offset += len;
    }
    return best;
  }
};

/// Seconds from every populated cell (grid order) to each facility, by Boost's Dijkstra on an explicit graph:
/// the graph's nodes, every cell and facility, and every point where a cell connector or a facility meets a
/// piece, which splits the piece; walking legs, direct walks within the radius, the K nearest pieces per cell.
/// Built from first principles (brute-force snapping over every segment), not from the engine's structures.
std::vector<std::vector<double>> explicit_graph_times(const HandNetwork& net, const PopulationGrid& pop,
                                                      const std::vector<PointM>& facilities,
                                                      const ConnectorOptions& o) {
  const Polylines lines(net);
  const double speed = o.access_speed_kmh / 3.6;
  const std::size_t n = net.graph.node_count();
  std::size_t next = n;
  struct OnPiece {
    double fraction;
    std::size_t vertex;
  };
  std::vector<std::vector<OnPiece>> on_piece(net.graph.pieces.size());
  struct Edge {
    std::size_t from, to;
    double time_s;
  };
  std::vector<Edge> travel;  // in the direction of travel

  auto nearest_pieces = [&](double x, double y) {
    std::vector<std::pair<PiecePoint, std::size_t>> all;
    for (std::size_t p = 0; p < net.graph.pieces.size(); ++p) all.emplace_back(lines.nearest(p, x, y), p);
    std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
      return a.first.distance_m < b.first.distance_m ||
             (a.first.distance_m == b.first.distance_m && a.second < b.second);
    });
    return all;
  };
  auto point_on = [&](std::size_t piece, double offset_m) {
    const double len = lines.length_m[piece];
    on_piece[piece].push_back({len > 0 ? offset_m / len : 0.0, next});
    return next++;
  };

  std::vector<std::size_t> cell_vertex;
  const Grid& g = pop.grid;
  std::vector<std::pair<double, double>> centres;
  for (std::uint32_t r = 0; r < g.rows; ++r) {
    for (std::uint32_t c = 0; c < g.cols; ++c) {
      if (pop.persons[g.index(c, r)] > 0) centres.emplace_back(g.centre_x_m(c), g.centre_y_m(r));
    }
  }
  for (const auto& [x, y] : centres) {
    const std::size_t cv = next++;
    cell_vertex.push_back(cv);
    const auto near = nearest_pieces(x, y);
    for (std::size_t k = 0; k < near.size() && k < o.max_connectors; ++k) {
      if (near[k].first.distance_m > o.max_access_distance_m) break;
      const std::size_t pv = point_on(near[k].second, near[k].first.offset_m);
      travel.push_back({cv, pv, near[k].first.distance_m / speed});
    }
  }
  std::vector<std::size_t> facility_vertex;
  for (const PointM& f : facilities) {
    const std::size_t fv = next++;
    facility_vertex.push_back(fv);
    const auto near = nearest_pieces(f.x_m, f.y_m);
    if (!near.empty()) {
      const std::size_t pv = point_on(near[0].second, near[0].first.offset_m);
      travel.push_back({pv, fv, near[0].first.distance_m / speed});
    }
    for (std::size_t i = 0; i < centres.size(); ++i) {
      const double d = std::hypot(centres[i].first - f.x_m, centres[i].second - f.y_m);
      if (d <= o.max_access_distance_m) travel.push_back({cell_vertex[i], fv, d / speed});
    }
  }
  for (std::size_t p = 0; p < net.graph.pieces.size(); ++p) {
    const Piece& piece = net.graph.pieces[p];
    auto& pts = on_piece[p];
    std::stable_sort(pts.begin(), pts.end(),
                     [](const OnPiece& a, const OnPiece& b) { return a.fraction < b.fraction; });
    pts.insert(pts.begin(), OnPiece{0.0, piece.from});
    pts.push_back({1.0, piece.to});
    for (std::size_t i = 0; i + 1 < pts.size(); ++i) {
      const double df = pts[i + 1].fraction - pts[i].fraction;
      // Points at the same place are joined both ways, whatever the piece's directions.
      if (df == 0) {
        travel.push_back({pts[i].vertex, pts[i + 1].vertex, 0.0});
        travel.push_back({pts[i + 1].vertex, pts[i].vertex, 0.0});
        continue;
      }
      if (piece.forward_s != kNoPassage) travel.push_back({pts[i].vertex, pts[i + 1].vertex, piece.forward_s * df});
      if (piece.backward_s != kNoPassage) travel.push_back({pts[i + 1].vertex, pts[i].vertex, piece.backward_s * df});
    }
  }
  BoostGraph reversed(next);
  for (const Edge& e : travel) boost::add_edge(e.to, e.from, e.time_s, reversed);
  std::vector<std::vector<double>> out;
  for (const std::size_t fv : facility_vertex) {
    std::vector<double> d(next);
    boost::dijkstra_shortest_paths(reversed, fv, boost::distance_map(d.data()));
    std::vector<double> per_cell;
    for (const std::size_t cv : cell_vertex) {
      per_cell.push_back(d[cv] == std::numeric_limits<double>::max() ? kInf : d[cv]);
    }
    out.push_back(std::move(per_cell));
  }
  return out;
}

/// Random facility positions (some off the roads) over [0, extent]², with distinct, shuffled ids.
void random_facilities(std::mt19937_64& rng, std::size_t count, double extent_m, std::vector<PointM>& at,
                       std::vector<std::uint32_t>& ids) {
  std::uniform_real_distribution<double> coord(0.0, extent_m);
  at.clear();
  ids.clear();
  for (std::size_t i = 0; i < count; ++i) {
    at.push_back({coord(rng), coord(rng)});
    ids.push_back(static_cast<std::uint32_t>(1000 + 7 * i));
  }
  std::shuffle(ids.begin(), ids.end(), rng);
}

PopulationGrid random_population(std::mt19937_64& rng, std::uint32_t cols, std::uint32_t rows, double cell,
                                 double share) {
  std::bernoulli_distribution lives(share);
  std::vector<double> persons(static_cast<std::size_t>(cols) * rows);
  for (double& p : persons) p = lives(rng) ? 1.0 : 0.0;
  return grid_population(cols, rows, cell, 0.0, rows * cell, std::move(persons));
}

bool same_bits(const TravelTimeField& a, const TravelTimeField& b) {
  return a.minutes.size() == b.minutes.size() && a.nearest == b.nearest &&
         std::memcmp(a.minutes.data(), b.minutes.data(), a.minutes.size() * sizeof(float)) == 0;
}

}  // namespace

// ------------------------------------------------------------------------------------------- worked examples

TEST_CASE("straight road: every cell drives to the facility at the end", "[search]") {
  // A ———— B ———— C, 1000 m and 100 s per piece both ways; the facility stands on C. Cells of 100 m along the
  // road (centres on it at x = 50, 150, … 1950): T = (2000 − x) / 10 m/s.
  HandGraph h;
  const auto a = h.node(0, 0);
  const auto b = h.node(1000, 0);
  const auto c = h.node(2000, 0);
  h.road(a, b, 100, 100);
  h.road(b, c, 100, 100);
  const Setup s(h.build(), grid_population(20, 1, 100, 0, 50), walk_1mps(300));
  const auto r = s.run({{2000, 0}}, {4}, kInf);
  CHECK(r.nodes.time_s(a) == 200);
  CHECK(r.nodes.time_s(b) == 100);
  CHECK(r.nodes.time_s(c) == 0);
  CHECK(r.nodes.reached == 3);
  for (std::uint32_t i = 0; i < 20; ++i) {
    INFO("cell " << i);
    CHECK(r.field.minutes[i] == Approx(minutes((1950.0 - 100.0 * i) / 10.0)));
    CHECK(r.field.nearest[i] == 4);
  }

  SECTION("the limit leaves farther nodes and cells unreached") {
    const auto lim = s.run({{2000, 0}}, {4}, 100.0);
    CHECK_FALSE(lim.nodes.is_reached(a));
    CHECK(lim.nodes.facility(a) == kNoFacility);
    CHECK(lim.nodes.time_s(b) == 100);                           // exactly at the limit counts
    CHECK(lim.field.minutes[9] == TravelTimeField::kUnreached);  // 105 s
    CHECK(lim.field.nearest[9] == TravelTimeField::kNoFacility);
    CHECK(lim.field.minutes[10] == Approx(minutes(95)));
  }
}

TEST_CASE("one-way loop: the way back goes all around", "[search]") {
  // A → B → C → D → A, 1000 m sides, 100 s each, one-way. The facility is on A.
  HandGraph h;
  const auto a = h.node(0, 0);
  const auto b = h.node(1000, 0);
  const auto c = h.node(1000, 1000);
  const auto d = h.node(0, 1000);
  h.road(a, b, 100, kNo);
  h.road(b, c, 100, kNo);
  h.road(c, d, 100, kNo);
  h.road(d, a, 100, kNo);
  // One cell, centre (500, 50): 50 m from A → B at its middle. It may not drive back to A: it drives on to B
  // (50 s walk + 50 s) and around (300 s) = 400 s; walking straight to A would take 502.5 s.
  const Setup s(h.build(), grid_population(1, 1, 100, 450, 100), walk_1mps(1000));
  const auto r = s.run({{0, 0}}, {1}, kInf);
  CHECK(r.nodes.time_s(a) == 0);
  CHECK(r.nodes.time_s(d) == 100);
  CHECK(r.nodes.time_s(c) == 200);
  CHECK(r.nodes.time_s(b) == 300);
  CHECK(r.field.minutes[0] == Approx(minutes(400)));
  CHECK(r.field.nearest[0] == 1);
}

TEST_CASE("detour: the faster way round beats the direct slow road", "[search]") {
  // A — B directly: 500 s; A — C — B: 80 + 80 s. Facility on B; a cell centred on A.
  HandGraph h;
  const auto a = h.node(0, 0);
  const auto b = h.node(1000, 0);
  const auto c = h.node(500, 500);
  h.road(a, b, 500, 500);
  h.road(a, c, 80, 80);
  h.road(c, b, 80, 80);
  const Setup s(h.build(), grid_population(1, 1, 100, -50, 50), walk_1mps(10));
  const auto r = s.run({{1000, 0}}, {2}, kInf);
  CHECK(r.nodes.time_s(c) == 80);
  CHECK(r.nodes.time_s(a) == 160);
  CHECK(r.field.minutes[0] == Approx(minutes(160)));
}

TEST_CASE("an island and a cell far from any road stay unreached", "[search]") {
  HandGraph h;
  const auto a = h.node(0, 0);
  const auto b = h.node(1000, 0);
  const auto c = h.node(0, 5000);
  const auto d = h.node(1000, 5000);
  h.road(a, b, 100, 100);
  h.road(c, d, 100, 100);
  // One column of 51 cells of 100 m, centres at x = 500, y = 5000 (row 0) … 0 (row 50).
  std::vector<double> persons(51, 0.0);
  persons[0] = 1;   // on the island's road
  persons[25] = 1;  // y = 2500, 2.5 km from any road
  persons[50] = 1;  // on the facility's road
  const Setup s(h.build(), grid_population(1, 51, 100, 450, 5050, persons), walk_1mps(500));
  CHECK(s.cells.cells_without_access == 1);
  const auto r = s.run({{500, 0}}, {3}, kInf);
  CHECK_FALSE(r.nodes.is_reached(c));
  CHECK_FALSE(r.nodes.is_reached(d));
  CHECK(r.nodes.reached == 2);
  CHECK(r.field.minutes[0] == TravelTimeField::kUnreached);
  CHECK(r.field.nearest[0] == kNoFacility);
  CHECK(r.field.minutes[25] == TravelTimeField::kUnreached);
  CHECK(r.field.minutes[50] == 0);
  CHECK(r.field.nearest[50] == 3);
  CHECK(r.field.minutes[1] == TravelTimeField::kUnreached);  // nobody lives there
  CHECK(r.field.nearest[1] == kNoFacility);
}

TEST_CASE("a facility off the road: its walking leg is counted", "[search]") {
  // A — B — C, 100 s per 1000 m. The facility stands 80 m off B — C at its middle; the cell is on A — B, 100 m
  // from A. T = 90 s to B + 50 s along B — C + 80 s walk = 220 s.
  HandGraph h;
  const auto a = h.node(0, 0);
  const auto b = h.node(1000, 0);
  const auto c = h.node(2000, 0);
  h.road(a, b, 100, 100);
  h.road(b, c, 100, 100);
  const Setup s(h.build(), grid_population(1, 1, 100, 50, 50), walk_1mps(50));
  const FacilitySources f = s.facilities({{1500, 80}}, {9});
  CHECK(f.facilities[0].distance_m == 80);
  CHECK(f.facilities[0].leg_s == Approx(80));
  const auto r = s.run({{1500, 80}}, {9}, kInf);
  CHECK(r.nodes.time_s(b) == Approx(130));
  CHECK(r.nodes.time_s(c) == Approx(130));
  CHECK(r.nodes.time_s(a) == Approx(230));
  CHECK(r.field.minutes[0] == Approx(minutes(220)));
}

TEST_CASE("a cell whose direct walk beats the road", "[search]") {
  // Road A (0,0) — B (2000,0) — C (2000,600) — D (0,600), 10 m/s. The facility at (0,350) snaps onto C — D at D,
  // 250 m away. From the cell on A the road takes 710 s; walking the 350 m straight there takes 350 s.
  HandGraph h;
  const auto a = h.node(0, 0);
  const auto b = h.node(2000, 0);
  const auto c = h.node(2000, 600);
  const auto d = h.node(0, 600);
  h.road(a, b, 200, 200);
  h.road(b, c, 60, 60);
  h.road(c, d, 200, 200);
  const Setup s(h.build(), grid_population(1, 1, 100, -50, 50), walk_1mps(1000));
  const auto r = s.run({{0, 350}}, {3}, kInf);
  CHECK(r.nodes.time_s(d) == Approx(250));
  CHECK(r.nodes.time_s(a) == Approx(710));
  CHECK(r.field.minutes[0] == Approx(minutes(350)));
  CHECK(r.field.nearest[0] == 3);

  SECTION("without direct walks in range the road wins") {
    const Setup near_only(s.net, grid_population(1, 1, 100, -50, 50), walk_1mps(300));
    const auto r2 = near_only.run({{0, 350}}, {3}, kInf);
    CHECK(r2.field.minutes[0] == Approx(minutes(710)));
  }
}

TEST_CASE("a cell and a facility on the same piece: straight along it, in an allowed direction", "[search]") {
  // A — B, 1000 m, 100 s. The cell centre (400, 20) meets it at 40 % (20 m walk), the facility (600, −30) at
  // 60 % (30 m walk): 20 + 100 × 0.2 + 30 = 70 s, without passing through A or B (150 s).
  SECTION("two-way") {
    HandGraph h;
    h.road(h.node(0, 0), h.node(1000, 0), 100, 100);
    const Setup s(h.build(), grid_population(1, 1, 40, 380, 40), walk_1mps(100));
    const auto r = s.run({{600, -30}}, {1}, kInf);
    CHECK(r.field.minutes[0] == Approx(minutes(70)));
  }
  SECTION("one-way in the direction of travel") {
    HandGraph h;
    h.road(h.node(0, 0), h.node(1000, 0), 100, kNo);
    const Setup s(h.build(), grid_population(1, 1, 40, 380, 40), walk_1mps(100));
    CHECK(s.run({{600, -30}}, {1}, kInf).field.minutes[0] == Approx(minutes(70)));
  }
  SECTION("one-way against it: around by the way back, or not at all") {
    HandGraph h;
    const auto a = h.node(0, 0);
    const auto b = h.node(1000, 0);
    h.road(a, b, 100, kNo);
    // The cell at 60 %, the facility at 40 %.
    const Setup dead_end(h.build(), grid_population(1, 1, 40, 580, 40), walk_1mps(100));
    CHECK(dead_end.run({{400, -30}}, {1}, kInf).field.minutes[0] == TravelTimeField::kUnreached);
    h.road(b, a, 300, kNo, {{500, -500}});  // a way back from B to A
    const Setup around(h.build(), grid_population(1, 1, 40, 580, 40), walk_1mps(100));
    const auto r = around.run({{400, -30}}, {1}, kInf);
    // 20 s walk + 40 s to B, 300 s back to A, 40 s to the facility's point, 30 s walk.
    CHECK(r.nodes.time_s(b) == Approx(370));
    CHECK(r.field.minutes[0] == Approx(minutes(430)));
  }
}

TEST_CASE("end to end on a drawn map: a one-way street sends the cell the long way round", "[search]") {
  // Grid 100 m. A → B → C is one-way; C — E — D and D — A both ways; cars at 36 km/h (10 m/s), walking 1 m/s.
  // Graph nodes: A, C, D (B and E are shape points). The facility is on A; the cell is centred on B.
  const auto map = R"(
      A---B---C
      |       |
      D-------E
  )";
  const carereach::testing::AsciiNetwork drawn = carereach::testing::AsciiMap(map, 100.0)
                                                     .way("ABC", {.oneway = road_oneway::kForward})
                                                     .way("CED")
                                                     .way("DA")
                                                     .build();
  SpeedProfile profile;
  profile.mode(TravelMode::kCar).speed_kmh[road_class_index(RoadClass::kResidential)] = 36.0;
  profile.access_speed_kmh = kOneMetrePerSecondKmh;
  profile.max_access_distance_m = 1000.0;
  HandNetwork net{drawn.roads, build_graph(drawn.roads, TravelMode::kCar, profile)};
  auto graph_node = [&](char letter) {
    const auto it = std::find(net.graph.road_node.begin(), net.graph.road_node.end(), drawn.node(letter));
    REQUIRE(it != net.graph.road_node.end());
    return static_cast<std::size_t>(it - net.graph.road_node.begin());
  };
  const Setup s(net, grid_population(1, 1, 100, drawn.x_m('B') - 50, drawn.y_m('B') + 50),
                ConnectorOptions::from_profile(profile));
  const auto r = s.run({{drawn.x_m('A'), drawn.y_m('A')}}, {1}, kInf);
  CHECK(r.nodes.time_s(graph_node('A')) == 0);
  CHECK(r.nodes.time_s(graph_node('D')) == Approx(20));   // D → A, 200 m
  CHECK(r.nodes.time_s(graph_node('C')) == Approx(120));  // C → E → D → A, 1,200 m
  // The cell drives on to C (400 m, 40 s) and round (120 s); back along A → B is not allowed. Walking straight to
  // A would take 400 s.
  CHECK(r.field.minutes[0] == Approx(minutes(160)));
}

TEST_CASE("node mode follows the peers' definition: nearest node, walk leg, no facility leg", "[search]") {
  HandGraph h;
  const auto a = h.node(0, 0);
  const auto b = h.node(1000, 0);
  h.road(a, b, 100, 100);
  // Cell centre (350, 50): nearest node A, 353.6 m. The facility at (600, −80) starts at B (nearest) at 0 s.
  const Setup s(h.build(), grid_population(1, 1, 100, 300, 100), walk_1mps(100, SnapMode::kNode));
  const auto r = s.run({{600, -80}}, {5}, kInf);
  CHECK(r.nodes.time_s(b) == 0);
  CHECK(r.nodes.time_s(a) == 100);
  CHECK(r.field.minutes[0] == Approx(minutes(100 + std::hypot(350.0, 50.0))));
  CHECK(r.field.nearest[0] == 5);
}

TEST_CASE("ties between facilities go to the smaller id", "[search]") {
  // Two facilities 100 s from the middle node B, on which the cell is centred.
  HandGraph h;
  const auto a = h.node(0, 0);
  const auto b = h.node(1000, 0);
  const auto c = h.node(2000, 0);
  h.road(a, b, 100, 100);
  h.road(b, c, 100, 100);
  const Setup s(h.build(), grid_population(1, 1, 100, 950, 50), walk_1mps(10));
  for (const bool swap : {false, true}) {
    const std::vector<PointM> at =
        swap ? std::vector<PointM>{{2000, 0}, {0, 0}} : std::vector<PointM>{{0, 0}, {2000, 0}};
    const std::vector<std::uint32_t> ids = swap ? std::vector<std::uint32_t>{8, 6} : std::vector<std::uint32_t>{6, 8};
    const auto r = s.run(at, ids, kInf);
    CHECK(r.nodes.facility(b) == 6);
    CHECK(r.field.nearest[0] == 6);
    CHECK(r.field.minutes[0] == Approx(minutes(100)));
  }
}

TEST_CASE("bad search inputs are refused", "[search]") {
  HandGraph h;
  h.road(h.node(0, 0), h.node(10, 0), 1, 1);
  const auto net = h.build();
  NodeSearch search(net.graph);
  NodeTimes out;
  const std::vector<Source> outside{{5, 0.0, 1}};
  CHECK_THROWS_AS(search.run(outside, 100, out), std::invalid_argument);
  const std::vector<Source> negative{{0, -1.0, 1}};
  CHECK_THROWS_AS(search.run(negative, 100, out), std::invalid_argument);
  CHECK_THROWS_AS(search.run({}, std::nan(""), out), std::invalid_argument);
  // The search is still usable, and a run starts from scratch.
  const std::vector<Source> from_b{{1, 0.0, 7}};
  search.run(from_b, 100, out);
  CHECK(out.time_s(0) == 1);
  CHECK(out.facility(0) == 7);
  const std::vector<Source> from_a{{0, 0.0, 3}};
  search.run(from_a, 100, out);
  CHECK(out.time_s(1) == 1);
  CHECK(out.facility(1) == 3);
  CHECK(out.facility(0) == 3);
}

// ------------------------------------------------------------------------------------------------ properties

TEST_CASE(
    "node times equal Boost's Dijkstra, respect the limit, and multi-source equals the minimum of "
    "single-source runs",
    "[search][property]") {
  for (std::uint64_t seed = 1; seed <= 12; ++seed) {
    const bool integer_times = seed % 3 == 0;  // many exact ties, some zero-time pieces
    HandNetwork net = test::random_network(seed, 250, 8000.0, 0.25);
    if (integer_times) {
      for (Piece& p : net.graph.pieces) {
        if (p.forward_s != kNoPassage) p.forward_s = std::floor(p.forward_s / 40.0F);
        if (p.backward_s != kNoPassage) p.backward_s = std::floor(p.backward_s / 40.0F);
      }
      net.graph.reverse = HandGraph::reverse_csr(net.graph.node_count(), net.graph.pieces);
    }
    std::mt19937_64 rng(seed * 7919);
    std::uniform_int_distribution<std::uint32_t> node(0, static_cast<std::uint32_t>(net.graph.node_count() - 1));
    std::uniform_real_distribution<double> start(0.0, 60.0);
    std::vector<Source> sources;
    const std::vector<std::uint32_t> facility_ids{40, 3, 17, 8, 25, 11};
    for (const std::uint32_t f : facility_ids) {
      for (int k = 0; k < 2; ++k)
        sources.push_back({node(rng), integer_times ? std::floor(start(rng)) : start(rng), f});
    }
    const double limit_s = seed % 2 == 0 ? kInf : 400.0;
    INFO("seed " << seed);

    NodeSearch search(net.graph);
    NodeTimes multi;
    search.run(sources, limit_s, multi);

    std::vector<std::vector<double>> single_boost;
    for (const std::uint32_t f : facility_ids) {
      single_boost.push_back(boost_node_times(net.graph, sources_of(sources, f)));
      NodeTimes single;
      search.run(sources_of(sources, f), limit_s, single);
      for (std::size_t v = 0; v < net.graph.node_count(); ++v) {
        const double ref = single_boost.back()[v];
        if (within(ref, limit_s)) {
          REQUIRE(single.time_s(v) == ref);
          REQUIRE(single.facility(v) == f);
        } else {
          REQUIRE_FALSE(single.is_reached(v));
        }
      }
    }
    std::size_t reached = 0;
    for (std::size_t v = 0; v < net.graph.node_count(); ++v) {
      double best = kInf;
      std::uint32_t best_f = kNoFacility;
      for (std::size_t i = 0; i < facility_ids.size(); ++i) {
        const double t = single_boost[i][v];
        if (t < best || (t == best && facility_ids[i] < best_f)) {
          best = t;
          best_f = facility_ids[i];
        }
      }
      if (within(best, limit_s)) {
        ++reached;
        REQUIRE(multi.time_s(v) == best);
        REQUIRE(multi.facility(v) == best_f);
      } else {
        REQUIRE_FALSE(multi.is_reached(v));
        REQUIRE(multi.facility(v) == kNoFacility);
      }
      REQUIRE((multi.time_s(v) <= limit_s || !multi.is_reached(v)));
    }
    CHECK(multi.reached == reached);
  }
}

TEST_CASE("forward equals reverse on an undirected graph", "[search][property]") {
  const HandNetwork net = test::random_network(5, 200, 6000.0, 0.0);
  std::mt19937_64 rng(11);
  std::uniform_int_distribution<std::uint32_t> node(0, static_cast<std::uint32_t>(net.graph.node_count() - 1));
  NodeSearch search(net.graph);
  NodeTimes from_u;
  NodeTimes from_v;
  for (int i = 0; i < 40; ++i) {
    const std::uint32_t u = node(rng);
    const std::uint32_t v = node(rng);
    const std::vector<Source> su{{u, 0.0, 1}};
    const std::vector<Source> sv{{v, 0.0, 1}};
    search.run(su, kInf, from_u);
    search.run(sv, kInf, from_v);
    // Time v → u (towards u) equals time u → v; sums in the opposite order may differ in the last bits.
    CHECK(from_u.time_s(v) == Approx(from_v.time_s(u)).epsilon(1e-12));
  }
}

TEST_CASE("cells: a window of rows and columns gets the whole grid's values and nothing else is written",
          "[search][property]") {
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    INFO("seed " << seed);
    std::mt19937_64 rng(seed * 7321);
    const double extent = 5000.0;
    HandNetwork net = test::random_network(seed + 200, 80, extent, 0.3);
    const PopulationGrid pop = random_population(rng, 50, 40, 100.0, 0.6);
    ConnectorOptions o;
    o.mode = seed == 4 ? SnapMode::kNode : SnapMode::kEdge;
    o.access_speed_kmh = 5.0;
    o.max_access_distance_m = 400.0;
    o.max_connectors = 3;
    std::vector<PointM> at;
    std::vector<std::uint32_t> ids;
    random_facilities(rng, 4, extent, at, ids);
    const double limit_s = seed % 2 == 0 ? 900.0 : kInf;
    const Setup s(std::move(net), pop, o);
    const auto whole = s.run(at, ids, limit_s);
    const FacilitySources f = s.facilities(at, ids);
    NodeSearch search(s.net.graph);
    NodeTimes nodes;
    search.run(f.sources, limit_s, nodes);
    std::uniform_int_distribution<std::uint32_t> col(0, 49);
    std::uniform_int_distribution<std::uint32_t> row(0, 39);
    for (int w = 0; w < 12; ++w) {
      AssignOptions opt;
      opt.parallel = w % 2 == 0;
      std::uint32_t c0 = col(rng), c1 = col(rng), r0 = row(rng), r1 = row(rng);
      if (c0 > c1) std::swap(c0, c1);
      if (r0 > r1) std::swap(r0, r1);
      if (w == 0) c1 = 1000;  // beyond the grid: clipped
      opt.first_col = c0;
      opt.last_col = c1;
      opt.first_row = r0;
      opt.last_row = r1;
      INFO("window rows " << r0 << "-" << r1 << ", columns " << c0 << "-" << c1);
      TravelTimeField field;
      field.minutes.assign(pop.grid.cell_count(), -7.0F);
      field.nearest.assign(pop.grid.cell_count(), 12345U);
      assign_cells(s.net.graph, s.cells, f, nodes, limit_s, field, opt);
      std::size_t inside = 0;
      for (std::uint32_t r = 0; r < pop.grid.rows; ++r) {
        for (std::uint32_t c = 0; c < pop.grid.cols; ++c) {
          const std::size_t g = pop.grid.index(c, r);
          if (r >= r0 && r <= r1 && c >= c0 && c <= c1) {
            ++inside;
            REQUIRE(field.minutes[g] == whole.field.minutes[g]);
            REQUIRE(field.nearest[g] == whole.field.nearest[g]);
          } else {
            REQUIRE(field.minutes[g] == -7.0F);
            REQUIRE(field.nearest[g] == 12345U);
          }
        }
      }
      CHECK(inside > 0);
    }
  }
}

TEST_CASE("cells: the engine equals Dijkstra on an explicit graph of every connector and walk", "[search][property]") {
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    INFO("seed " << seed);
    std::mt19937_64 rng(seed * 104729);
    const double extent = 5000.0;
    HandNetwork net = test::random_network(seed + 100, 60, extent, 0.3);
    const PopulationGrid pop = random_population(rng, 50, 50, 100.0, 0.5);
    ConnectorOptions o;
    o.access_speed_kmh = 5.0;
    o.max_access_distance_m = 400.0;
    o.max_connectors = seed % 2 == 0 ? 3 : 1;
    std::vector<PointM> at;
    std::vector<std::uint32_t> ids;
    random_facilities(rng, 5, extent, at, ids);
    const double limit_s = seed % 3 == 0 ? 900.0 : kInf;

    const auto expected = explicit_graph_times(net, pop, at, o);
    const Setup s(std::move(net), pop, o);
    const auto r = s.run(at, ids, limit_s);

    std::size_t slot = 0;
    std::size_t checked_facility = 0;
    for (std::size_t g = 0; g < pop.grid.cell_count(); ++g) {
      if (!(pop.persons[g] > 0)) {
        CHECK(r.field.minutes[g] == TravelTimeField::kUnreached);
        continue;
      }
      double best = kInf;
      double second = kInf;
      std::uint32_t best_f = kNoFacility;
      for (std::size_t f = 0; f < at.size(); ++f) {
        const double t = expected[f][slot];
        if (t < best) {
          second = best;
          best = t;
          best_f = ids[f];
        } else if (t < second) {
          second = t;
        }
      }
      ++slot;
      INFO("cell " << g << " expected " << best << " s");
      if (within(best, limit_s - 0.01)) {
        REQUIRE(r.field.minutes[g] == Approx(minutes(best)).margin(1e-4));
        if (second - best > 0.01) {
          REQUIRE(r.field.nearest[g] == best_f);
          ++checked_facility;
        }
      } else if (best == kInf || best > limit_s + 0.01) {
        REQUIRE(r.field.minutes[g] == TravelTimeField::kUnreached);
        REQUIRE(r.field.nearest[g] == kNoFacility);
      }
    }
    CHECK(checked_facility > 100);
  }
}

TEST_CASE("node mode equals nearest node + walk + Boost's multi-source times", "[search][property]") {
  std::mt19937_64 rng(99);
  const double extent = 6000.0;
  const HandNetwork net = test::random_network(77, 120, extent, 0.2);
  const PopulationGrid pop = random_population(rng, 60, 60, 100.0, 0.6);
  std::vector<PointM> at;
  std::vector<std::uint32_t> ids;
  random_facilities(rng, 6, extent, at, ids);
  ConnectorOptions o;
  o.mode = SnapMode::kNode;
  const Setup s(net, pop, o);
  const double limit_s = 1200.0;
  const auto r = s.run(at, ids, limit_s);

  auto nearest_node = [&](double x, double y) {
    std::uint32_t best = 0;
    for (std::uint32_t i = 1; i < net.graph.node_count(); ++i) {
      if (std::hypot(net.graph.node_x_m[i] - x, net.graph.node_y_m[i] - y) <
          std::hypot(net.graph.node_x_m[best] - x, net.graph.node_y_m[best] - y)) {
        best = i;
      }
    }
    return best;
  };
  std::vector<Source> sources;
  for (std::size_t f = 0; f < at.size(); ++f) sources.push_back({nearest_node(at[f].x_m, at[f].y_m), 0.0, ids[f]});
  const std::vector<double> node_t = boost_node_times(net.graph, sources);
  for (std::size_t v = 0; v < node_t.size(); ++v) {
    if (node_t[v] <= limit_s) CHECK(r.nodes.time_s(v) == node_t[v]);
  }
  const double walk_mps = o.access_speed_kmh / 3.6;
  for (std::uint32_t row = 0; row < pop.grid.rows; ++row) {
    for (std::uint32_t col = 0; col < pop.grid.cols; ++col) {
      const std::size_t g = pop.grid.index(col, row);
      if (!(pop.persons[g] > 0)) continue;
      const double x = pop.grid.centre_x_m(col);
      const double y = pop.grid.centre_y_m(row);
      const std::uint32_t n = nearest_node(x, y);
      const double t = std::hypot(net.graph.node_x_m[n] - x, net.graph.node_y_m[n] - y) / walk_mps + node_t[n];
      if (t <= limit_s - 0.01) {
        REQUIRE(r.field.minutes[g] == Approx(minutes(t)).margin(1e-4));
      } else if (t > limit_s + 0.01) {
        REQUIRE(r.field.minutes[g] == TravelTimeField::kUnreached);
      }
    }
  }
}

TEST_CASE("cells: multi-source equals the minimum of single-source runs", "[search][property]") {
  for (const SnapMode mode : {SnapMode::kEdge, SnapMode::kNode}) {
    std::mt19937_64 rng(mode == SnapMode::kEdge ? 3 : 4);
    const double extent = 8000.0;
    ConnectorOptions o;
    o.mode = mode;
    o.max_access_distance_m = 500.0;
    const Setup s(test::random_network(31, 200, extent, 0.2), random_population(rng, 80, 80, 100.0, 0.6), o);
    std::vector<PointM> at;
    std::vector<std::uint32_t> ids;
    random_facilities(rng, 8, extent, at, ids);
    const double limit_s = 1500.0;
    const auto multi = s.run(at, ids, limit_s);
    std::vector<TravelTimeField> singles;
    for (std::size_t f = 0; f < at.size(); ++f) singles.push_back(s.run({at[f]}, {ids[f]}, limit_s).field);
    std::size_t reached = 0;
    for (std::size_t g = 0; g < multi.field.minutes.size(); ++g) {
      float best = TravelTimeField::kUnreached;
      std::uint32_t best_f = kNoFacility;
      for (const TravelTimeField& one : singles) {
        if (one.minutes[g] < best || (one.minutes[g] == best && one.nearest[g] < best_f)) {
          best = one.minutes[g];
          best_f = one.nearest[g];
        }
      }
      REQUIRE(multi.field.minutes[g] == best);
      REQUIRE(multi.field.nearest[g] == best_f);
      if (best != TravelTimeField::kUnreached) ++reached;
    }
    CHECK(reached > 1000);
  }
}

TEST_CASE("parallel equals serial, whatever the thread count", "[search][property]") {
  std::mt19937_64 rng(21);
  const double extent = 20000.0;
  ConnectorOptions o;
  o.max_access_distance_m = 800.0;
  const Setup s(test::random_network(8, 600, extent, 0.2), random_population(rng, 200, 200, 100.0, 0.8), o);
  REQUIRE(s.cells.slot_count() > 30000);  // several blocks and bands
  std::vector<PointM> at;
  std::vector<std::uint32_t> ids;
  random_facilities(rng, 40, extent, at, ids);
  const auto parallel = s.run(at, ids, 1800.0, true);
  const auto serial = s.run(at, ids, 1800.0, false);
  CHECK(same_bits(parallel.field, serial.field));
  tbb::task_arena one_thread(1);
  const auto single_thread = one_thread.execute([&] { return s.run(at, ids, 1800.0, true); });
  CHECK(same_bits(parallel.field, single_thread.field));
}

TEST_CASE("renumbering the graph nodes changes nothing", "[search][property]") {
  std::mt19937_64 rng(5);
  const double extent = 8000.0;
  const HandNetwork net = test::random_network(12, 200, extent, 0.2);
  const PopulationGrid pop = random_population(rng, 80, 80, 100.0, 0.6);
  std::vector<PointM> at;
  std::vector<std::uint32_t> ids;
  random_facilities(rng, 7, extent, at, ids);

  std::vector<std::uint32_t> perm(net.graph.node_count());
  std::iota(perm.begin(), perm.end(), 0U);
  std::shuffle(perm.begin(), perm.end(), rng);
  HandNetwork renumbered = net;
  for (std::size_t i = 0; i < perm.size(); ++i) {
    renumbered.graph.node_x_m[perm[i]] = net.graph.node_x_m[i];
    renumbered.graph.node_y_m[perm[i]] = net.graph.node_y_m[i];
    renumbered.graph.road_node[perm[i]] = net.graph.road_node[i];
  }
  for (Piece& p : renumbered.graph.pieces) {
    p.from = perm[p.from];
    p.to = perm[p.to];
  }
  renumbered.graph.reverse = HandGraph::reverse_csr(perm.size(), renumbered.graph.pieces);

  for (const SnapMode mode : {SnapMode::kEdge, SnapMode::kNode}) {
    ConnectorOptions o;
    o.mode = mode;
    const Setup original(net, pop, o);
    const Setup other(renumbered, pop, o);
    const auto r1 = original.run(at, ids, 2000.0);
    const auto r2 = other.run(at, ids, 2000.0);
    CHECK(same_bits(r1.field, r2.field));
    for (std::size_t i = 0; i < perm.size(); ++i) {
      REQUIRE(r1.nodes.time_s(i) == r2.nodes.time_s(perm[i]));
      REQUIRE(r1.nodes.facility(i) == r2.nodes.facility(perm[i]));
    }
  }
}

// ------------------------------------------------------------------------------------------------ performance

// Not run by default (hidden tag): a prefecture-size case like the peers' 200 km bundle — a jittered lattice of
// about 150 k graph nodes over 200 × 200 km, 4 M populated cells of 100 m, 200 facilities — timing the cell
// connectors once and then the search and assignment of one standard (medians of 7). Reports with WARN; asserts
// nothing about time.
//   test_network "[.perf]"
TEST_CASE("search: prefecture-size timing", "[.perf]") {
  using Clock = std::chrono::steady_clock;
  auto seconds = [](Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); };
  constexpr std::uint32_t kSide = 390;  // lattice junctions per side
  constexpr double kSpacingM = 512.0;   // between junctions
  RoadData r;
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> jitter(-60.0, 60.0);
  std::bernoulli_distribution keep(0.85);
  for (std::uint32_t y = 0; y < kSide; ++y) {
    for (std::uint32_t x = 0; x < kSide; ++x) {
      r.node_x_m.push_back(kSpacingM * x + jitter(rng));
      r.node_y_m.push_back(kSpacingM * y + jitter(rng));
    }
  }
  auto add_way = [&](std::uint32_t a, std::uint32_t b, RoadClass cls) {
    r.way_nodes.push_back(a);
    r.node_x_m.push_back((r.node_x_m[a] + r.node_x_m[b]) / 2 + jitter(rng) / 3);  // one shape point
    r.node_y_m.push_back((r.node_y_m[a] + r.node_y_m[b]) / 2 + jitter(rng) / 3);
    r.way_nodes.push_back(static_cast<std::uint32_t>(r.node_x_m.size() - 1));
    r.way_nodes.push_back(b);
    r.way_offset.push_back(static_cast<std::uint32_t>(r.way_nodes.size()));
    r.way_class.push_back(cls);
    r.way_flags.push_back(0);
    r.way_oneway.push_back(road_oneway::kBoth);
    r.way_maxspeed_kmh.push_back(0.0F);
    r.way_access.push_back(road_access::kAll);
    r.way_speed_kmh.push_back(0.0F);
    r.way_source_id.push_back(static_cast<std::int64_t>(r.way_class.size()));
    r.way_name.push_back(0);
  };
  for (std::uint32_t y = 0; y < kSide; ++y) {
    for (std::uint32_t x = 0; x < kSide; ++x) {
      const std::uint32_t n = y * kSide + x;
      const RoadClass row_class = y % 16 == 0 ? RoadClass::kPrimary : RoadClass::kUnclassified;
      const RoadClass col_class = x % 16 == 0 ? RoadClass::kPrimary : RoadClass::kUnclassified;
      if (x + 1 < kSide && (y % 16 == 0 || keep(rng))) add_way(n, n + 1, row_class);
      if (y + 1 < kSide && (x % 16 == 0 || keep(rng))) add_way(n, n + kSide, col_class);
    }
  }
  SpeedProfile profile;
  auto& car = profile.mode(TravelMode::kCar);
  car.speed_kmh[road_class_index(RoadClass::kPrimary)] = 60.0;
  car.speed_kmh[road_class_index(RoadClass::kUnclassified)] = 30.0;
  const RoadGraph graph = build_graph(r, TravelMode::kCar, profile);

  const double extent = kSpacingM * (kSide - 1);
  PopulationGrid pop = grid_population(2000, 2000, 100.0, 0.0, 200000.0);  // everyone populated
  std::vector<PointM> at;
  std::vector<std::uint32_t> ids;
  random_facilities(rng, 200, extent, at, ids);

  auto t0 = Clock::now();
  const SnapIndex index(r, graph);
  auto t1 = Clock::now();
  const CellConnectors cells = build_cell_connectors(pop, graph, index, ConnectorOptions::from_profile(profile));
  auto t2 = Clock::now();
  NodeSearch search(graph);
  NodeTimes nodes;
  TravelTimeField field;
  std::vector<double> search_s;
  std::vector<double> assign_s;
  for (int run = 0; run < 7; ++run) {
    const FacilitySources f = snap_facilities(index, graph, at, ids, cells.options);
    auto a = Clock::now();
    search.run(f.sources, 3600.0, nodes);
    auto b = Clock::now();
    assign_cells(graph, cells, f, nodes, 3600.0, field);
    auto c = Clock::now();
    search_s.push_back(seconds(a, b));
    assign_s.push_back(seconds(b, c));
  }
  std::sort(search_s.begin(), search_s.end());
  std::sort(assign_s.begin(), assign_s.end());
  WARN("graph " << graph.node_count() << " nodes, " << graph.pieces.size() << " pieces; " << cells.slot_count()
                << " populated cells, " << cells.links.size() << " links, connectors "
                << static_cast<double>(cells.memory_bytes()) / 1e6 << " MB");
  WARN("snap index " << seconds(t0, t1) << " s; cell connectors " << seconds(t1, t2) << " s; per standard: search "
                     << search_s[3] * 1e3 << " ms, assignment " << assign_s[3] * 1e3 << " ms (medians of 7)");
  CHECK(nodes.reached > 0);
}
