// Building the routing graph of one mode from RoadData: splitting at shared nodes, per-mode access and direction,
// times from the speed profile, the largest component, the numbering, and the reversed CSR adjacency.
// Speeds are those of test_speed_profile() (ascii_map.hpp): walk 1 m/s, bicycle 5 m/s, e-bike 7 m/s, car 10 m/s
// (primary 15 m/s, motorway 20 m/s, links × 0.5), so every expected time below is a length divided by a round speed.

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <limits>
#include <map>
#include <numeric>
#include <random>
#include <tuple>

#include <boost/range/iterator_range.hpp>

#include "network/ascii_map.hpp"
#include "network/graph.hpp"

using namespace carereach;
using namespace carereach::network;
using carereach::testing::AsciiMap;
using carereach::testing::AsciiNetwork;
using carereach::testing::test_speed_profile;

namespace {

// The letters of a piece's vertices, first to last.
std::string piece_letters(const AsciiNetwork& net, const Piece& p) {
  std::string s;
  for (std::uint32_t k = p.first_vertex; k <= p.last_vertex; ++k) {
    const std::uint32_t node = net.roads.way_nodes[k];
    for (const auto& [letter, index] : net.nodes)
      if (index == node) s += letter;
  }
  return s;
}

struct Travel {
  const Piece* piece = nullptr;
  bool along = true;  // travelling from → to
};

// The piece whose vertices are `letters` in this order or reversed; REQUIREs exactly one.
Travel find_piece(const RoadGraph& g, const AsciiNetwork& net, const std::string& letters) {
  Travel found;
  int matches = 0;
  const std::string reversed(letters.rbegin(), letters.rend());
  for (const Piece& p : g.pieces) {
    const std::string s = piece_letters(net, p);
    if (s == letters) {
      found = {&p, true};
      ++matches;
    } else if (s == reversed) {
      found = {&p, false};
      ++matches;
    }
  }
  INFO("piece " << letters);
  REQUIRE(matches == 1);
  return found;
}

// Seconds to travel along the piece through `letters` in that order (kNoPassage when not allowed).
float time_s(const RoadGraph& g, const AsciiNetwork& net, const std::string& letters) {
  const Travel t = find_piece(g, net, letters);
  return t.along ? t.piece->forward_s : t.piece->backward_s;
}

bool has_piece(const RoadGraph& g, const AsciiNetwork& net, const std::string& letters) {
  const std::string reversed(letters.rbegin(), letters.rend());
  return std::any_of(g.pieces.begin(), g.pieces.end(), [&](const Piece& p) {
    const std::string s = piece_letters(net, p);
    return s == letters || s == reversed;
  });
}

// (source, target, piece, time) of every edge of the reversed CSR graph, in storage order.
using EdgeRow = std::tuple<std::uint32_t, std::uint32_t, std::uint32_t, float>;
std::vector<EdgeRow> csr_edges(const RoadGraph& g) {
  std::vector<EdgeRow> out;
  for (std::uint32_t v = 0; v < num_vertices(g.reverse); ++v)
    for (const auto& e : boost::make_iterator_range(out_edges(v, g.reverse)))
      out.emplace_back(v, static_cast<std::uint32_t>(target(e, g.reverse)), g.reverse[e].piece, g.reverse[e].time_s);
  return out;
}

// The same, computed directly from the pieces: an edge v → u for every allowed direction u → v.
std::vector<EdgeRow> brute_force_reversed_edges(const RoadGraph& g) {
  std::vector<EdgeRow> out;
  for (std::uint32_t i = 0; i < g.pieces.size(); ++i) {
    const Piece& p = g.pieces[i];
    if (p.forward_s != kNoPassage) out.emplace_back(p.to, p.from, i, p.forward_s);
    if (p.backward_s != kNoPassage) out.emplace_back(p.from, p.to, i, p.backward_s);
  }
  return out;
}

// A seeded random road network: a jittered lattice (spacing 50 m) of `side` × `side` points, rows and columns cut
// into ways of 1–6 segments, some segments missing, with random classes, links, oneways, access, maxspeeds and
// layer speeds, and a few rings and lollipops.
RoadData random_network(std::uint32_t seed, int side) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> jitter(-15.0, 15.0);
  std::uniform_int_distribution<int> percent(0, 99);
  std::uniform_int_distribution<int> run_length(1, 6);
  std::uniform_int_distribution<int> class_pick(0, static_cast<int>(kRoadClassCount) - 1);
  RoadData r;
  std::vector<std::uint32_t> node_of(static_cast<std::size_t>(side * side), std::numeric_limits<std::uint32_t>::max());
  std::vector<double> px(node_of.size());
  std::vector<double> py(node_of.size());
  for (std::size_t i = 0; i < node_of.size(); ++i) {
    px[i] = 50.0 * static_cast<double>(i % static_cast<std::size_t>(side)) + jitter(rng);
    py[i] = 50.0 * static_cast<double>(i / static_cast<std::size_t>(side)) + jitter(rng);
  }
  const auto use = [&](std::size_t lattice) {
    if (node_of[lattice] == std::numeric_limits<std::uint32_t>::max()) {
      node_of[lattice] = static_cast<std::uint32_t>(r.node_x_m.size());
      r.node_x_m.push_back(px[lattice]);
      r.node_y_m.push_back(py[lattice]);
    }
    return node_of[lattice];
  };
  const auto add_way = [&](const std::vector<std::size_t>& lattice_points) {
    for (const std::size_t p : lattice_points) r.way_nodes.push_back(use(p));
    r.way_offset.push_back(static_cast<std::uint32_t>(r.way_nodes.size()));
    const auto cls = road_class_at(static_cast<std::size_t>(class_pick(rng)));
    r.way_class.push_back(cls);
    std::uint8_t flags = 0;
    if (percent(rng) < 10) flags |= road_flag::kLink;
    if (percent(rng) < 10) flags |= road_flag::kOnewayNotForBicycle;
    r.way_flags.push_back(flags);
    const int o = percent(rng);
    r.way_oneway.push_back(o < 15 ? road_oneway::kForward : o < 25 ? road_oneway::kReverse : road_oneway::kBoth);
    r.way_maxspeed_kmh.push_back(percent(rng) < 20 ? 20.0F : 0.0F);
    r.way_access.push_back(percent(rng) < 5 ? std::uint8_t{0} : default_road_access(cls));
    r.way_speed_kmh.push_back(percent(rng) < 10 ? 45.0F : 0.0F);
    r.way_source_id.push_back(static_cast<std::int64_t>(r.way_class.size()));
    r.way_name.push_back(0);
  };
  const auto s = static_cast<std::size_t>(side);
  for (int dir = 0; dir < 2; ++dir) {
    for (std::size_t line = 0; line < s; ++line) {
      std::size_t k = 0;
      while (k + 1 < s) {
        const std::size_t len = std::min<std::size_t>(static_cast<std::size_t>(run_length(rng)), s - 1 - k);
        if (percent(rng) < 85) {
          std::vector<std::size_t> pts;
          for (std::size_t j = k; j <= k + len; ++j) pts.push_back(dir == 0 ? line * s + j : j * s + line);
          add_way(pts);
        }
        k += len;
      }
    }
  }
  // Rings and lollipops around some lattice squares.
  for (std::size_t i = 0; i + 1 < s; i += 7) {
    const std::size_t a = i * s + i;
    const std::size_t b = a + 1;
    const std::size_t c = a + s + 1;
    const std::size_t d = a + s;
    if (i % 2 == 0)
      add_way({a, b, c, d, a});
    else
      add_way({a, b, c, d, a, b});
  }
  REQUIRE(r.invariant_violation().empty());
  return r;
}

constexpr std::array<TravelMode, kTravelModeCount> kAllModes{TravelMode::kWalk, TravelMode::kBicycle,
                                                             TravelMode::kEbike, TravelMode::kCar, TravelMode::kMixed};

}  // namespace

TEST_CASE("graph: ways split at shared nodes, not at shape vertices", "[graph]") {
  // B is used by two ways (a junction); D only by BDE (a shape vertex). Graph nodes: A, B, C, E.
  const auto map = R"(
    A---B---C
        |
        D---E
  )";
  const AsciiNetwork net = AsciiMap(map, 100.0).way("ABC").way("BDE").build();
  const RoadGraph g = build_graph(net.roads, TravelMode::kWalk, test_speed_profile());
  CHECK(g.node_count() == 4);
  REQUIRE(g.pieces.size() == 3);
  CHECK(g.stats.pieces_total == 3);
  CHECK(g.stats.nodes_total == 4);
  CHECK(g.stats.components == 1);
  CHECK(g.stats.nodes_dropped == 0);
  CHECK(g.stats.pieces_dropped == 0);
  CHECK(g.stats.length_kept_km == Approx(1.4));  // 400 + 400 + (200 + 400) m
  CHECK(g.stats.length_dropped_km == 0.0);

  const Travel ab = find_piece(g, net, "AB");
  const Travel bde = find_piece(g, net, "BDE");
  CHECK(find_piece(g, net, "BC").piece->length_m == Approx(400.0));
  CHECK(ab.piece->length_m == Approx(400.0));
  CHECK(bde.piece->length_m == Approx(600.0));
  // Pieces point into RoadData: way 1 ("BDE") holds way_nodes[3 … 5].
  CHECK(bde.piece->way == 1);
  CHECK(bde.piece->first_vertex == 3);
  CHECK(bde.piece->last_vertex == 5);
  CHECK(bde.along);  // pieces run in the direction of their way
  CHECK(g.road_node[bde.piece->from] == net.node('B'));
  CHECK(g.road_node[bde.piece->to] == net.node('E'));
  CHECK(g.node_x_m[bde.piece->to] == net.x_m('E'));
  CHECK(g.node_y_m[bde.piece->to] == net.y_m('E'));
  // Walking at 1 m/s, both ways.
  CHECK(time_s(g, net, "BDE") == Approx(600.0));
  CHECK(time_s(g, net, "EDB") == Approx(600.0));
  CHECK(num_edges(g.reverse) == 6);  // two per piece
}

TEST_CASE("graph: a way that uses a node twice is split there; a lone ring is one piece", "[graph]") {
  const auto lollipop = R"(
    A---B---C
        |   |
        E---D
  )";
  // ABCDEB uses B twice: pieces AB (400 m) and the loop BCDEB (400 + 200 + 400 + 200 = 1200 m) from B to B.
  const AsciiNetwork net = AsciiMap(lollipop, 100.0).way("ABCDEB").build();
  const RoadGraph g = build_graph(net.roads, TravelMode::kWalk, test_speed_profile());
  CHECK(g.node_count() == 2);
  REQUIRE(g.pieces.size() == 2);
  const Travel loop = find_piece(g, net, "BCDEB");
  CHECK(loop.piece->length_m == Approx(1200.0));
  CHECK(loop.piece->from == loop.piece->to);
  CHECK(find_piece(g, net, "AB").piece->length_m == Approx(400.0));

  const auto ring = R"(
    B---C
    |   |
    E---D
  )";
  const AsciiNetwork rnet = AsciiMap(ring, 100.0).way("BCDEB").build();
  const RoadGraph rg = build_graph(rnet.roads, TravelMode::kWalk, test_speed_profile());
  CHECK(rg.node_count() == 1);
  REQUIRE(rg.pieces.size() == 1);
  CHECK(rg.pieces[0].length_m == Approx(1200.0));
  CHECK(num_edges(rg.reverse) == 2);  // B → B in both directions
}

TEST_CASE("graph: a one-way loop, per direction and mode", "[graph][oneway]") {
  // ABCDA is one way, +1 (A → B → C → D → A); EA and CF are two-way spurs, so A and C are junctions.
  // Pieces ABC and CDA are 400 + 200 = 600 m each.
  const auto map = R"(
    E---A---B
        |   |
        D---C---F
  )";
  for (const bool contraflow : {false, true}) {
    INFO("bicycles may ride against the oneway: " << contraflow);
    const AsciiNetwork net = AsciiMap(map, 100.0)
                                 .way("ABCDA", {.oneway = road_oneway::kForward, .bicycle_contraflow = contraflow})
                                 .way("EA")
                                 .way("CF")
                                 .build();
    const SpeedProfile profile = test_speed_profile();
    const RoadGraph car = build_graph(net.roads, TravelMode::kCar, profile);
    CHECK(car.pieces.size() == 4);
    CHECK(time_s(car, net, "ABC") == Approx(60.0));  // 600 m at 10 m/s
    CHECK(time_s(car, net, "CBA") == kNoPassage);
    CHECK(time_s(car, net, "CDA") == Approx(60.0));
    CHECK(time_s(car, net, "ADC") == kNoPassage);

    const RoadGraph walk = build_graph(net.roads, TravelMode::kWalk, profile);  // oneway never holds for walking
    CHECK(time_s(walk, net, "ABC") == Approx(600.0));
    CHECK(time_s(walk, net, "CBA") == Approx(600.0));

    const RoadGraph bike = build_graph(net.roads, TravelMode::kBicycle, profile);
    CHECK(time_s(bike, net, "ABC") == Approx(120.0));  // 600 m at 5 m/s
    if (contraflow)
      CHECK(time_s(bike, net, "CBA") == Approx(120.0));
    else
      CHECK(time_s(bike, net, "CBA") == kNoPassage);

    const RoadGraph ebike = build_graph(net.roads, TravelMode::kEbike, profile);
    CHECK(time_s(ebike, net, "CDA") == Approx(600.0 / 7.0));  // 85.714 s at 7 m/s
    if (contraflow)
      CHECK(time_s(ebike, net, "ADC") == Approx(600.0 / 7.0));
    else
      CHECK(time_s(ebike, net, "ADC") == kNoPassage);

    // Mixed: by car along the oneway (60 s), on foot against it (600 s).
    const RoadGraph mixed = build_graph(net.roads, TravelMode::kMixed, profile);
    CHECK(time_s(mixed, net, "ABC") == Approx(60.0));
    CHECK(time_s(mixed, net, "CBA") == Approx(600.0));
    CHECK(time_s(mixed, net, "EA") == Approx(40.0));  // 400 m by car
  }
}

TEST_CASE("graph: oneway -1 runs against the node order", "[graph][oneway]") {
  const AsciiNetwork net = AsciiMap("A---B", 100.0).way("AB", {.oneway = road_oneway::kReverse}).build();
  const RoadGraph car = build_graph(net.roads, TravelMode::kCar, test_speed_profile());
  CHECK(time_s(car, net, "AB") == kNoPassage);
  CHECK(time_s(car, net, "BA") == Approx(40.0));
}

TEST_CASE("graph: access decides which mode may use a way", "[graph][access]") {
  // AB footway (walking only), BC motorway (cars only), CD residential closed to all (access=private).
  const auto map = R"(
    A---B---C---D
  )";
  const AsciiNetwork net = AsciiMap(map, 100.0)
                               .way("AB", {.cls = RoadClass::kFootway})
                               .way("BC", {.cls = RoadClass::kMotorway})
                               .way("CD", {.access = std::uint8_t{0}})
                               .build();
  const SpeedProfile profile = test_speed_profile();

  const RoadGraph walk = build_graph(net.roads, TravelMode::kWalk, profile);
  REQUIRE(walk.pieces.size() == 1);
  CHECK(time_s(walk, net, "AB") == Approx(400.0));

  const RoadGraph car = build_graph(net.roads, TravelMode::kCar, profile);
  REQUIRE(car.pieces.size() == 1);
  CHECK(time_s(car, net, "BC") == Approx(20.0));  // 400 m at 20 m/s

  const RoadGraph bike = build_graph(net.roads, TravelMode::kBicycle, profile);  // no way is open to bicycles
  CHECK(bike.node_count() == 0);
  CHECK(bike.pieces.empty());
  CHECK(bike.stats.components == 0);
  CHECK(num_vertices(bike.reverse) == 0);
  CHECK(num_edges(bike.reverse) == 0);

  // Mixed: walk the footway, drive the motorway; CD stays closed.
  const RoadGraph mixed = build_graph(net.roads, TravelMode::kMixed, profile);
  REQUIRE(mixed.pieces.size() == 2);
  CHECK(time_s(mixed, net, "AB") == Approx(400.0));
  CHECK(time_s(mixed, net, "CB") == Approx(20.0));
  CHECK_FALSE(has_piece(mixed, net, "CD"));

  // A tag can open a footway to bicycles (bicycle=yes); e-bikes follow the bicycle access.
  const AsciiNetwork open =
      AsciiMap(map, 100.0)
          .way("AB", {.cls = RoadClass::kFootway, .access = std::uint8_t{road_access::kFoot | road_access::kBicycle}})
          .way("BC", {.cls = RoadClass::kMotorway})
          .way("CD", {.access = std::uint8_t{0}})
          .build();
  CHECK(time_s(build_graph(open.roads, TravelMode::kBicycle, profile), open, "BA") == Approx(80.0));
  CHECK(time_s(build_graph(open.roads, TravelMode::kEbike, profile), open, "BA") == Approx(400.0 / 7.0));
}

TEST_CASE("graph: a class with speed 0 is closed to the mode", "[graph][access]") {
  const AsciiNetwork net = AsciiMap("A---B---C", 100.0).way("AB").way("BC", {.cls = RoadClass::kTrack}).build();
  SpeedProfile profile = test_speed_profile();
  profile.mode(TravelMode::kCar).speed_kmh[road_class_index(RoadClass::kTrack)] = 0.0;
  const RoadGraph car = build_graph(net.roads, TravelMode::kCar, profile);
  CHECK(has_piece(car, net, "AB"));
  CHECK_FALSE(has_piece(car, net, "BC"));
  // Mixed still walks it.
  CHECK(time_s(build_graph(net.roads, TravelMode::kMixed, profile), net, "BC") == Approx(400.0));
}

TEST_CASE("graph: mixed mode takes the faster allowed option in each direction", "[graph][mixed]") {
  // AB residential, one way for cars: A → B by car (400 m at 10 m/s = 40 s), B → A on foot (400 s).
  // BC track where cars crawl at 1.8 km/h = 0.5 m/s (800 s): walking at 1 m/s (400 s) is faster both ways.
  const AsciiNetwork net = AsciiMap("A---B---C", 100.0)
                               .way("AB", {.oneway = road_oneway::kForward})
                               .way("BC", {.cls = RoadClass::kTrack})
                               .build();
  SpeedProfile profile = test_speed_profile();
  profile.mode(TravelMode::kCar).speed_kmh[road_class_index(RoadClass::kTrack)] = 1.8;
  const RoadGraph mixed = build_graph(net.roads, TravelMode::kMixed, profile);
  CHECK(time_s(mixed, net, "AB") == Approx(40.0));
  CHECK(time_s(mixed, net, "BA") == Approx(400.0));
  CHECK(time_s(mixed, net, "BC") == Approx(400.0));
  CHECK(time_s(mixed, net, "CB") == Approx(400.0));
  const RoadGraph car = build_graph(net.roads, TravelMode::kCar, profile);
  CHECK(time_s(car, net, "BC") == Approx(800.0));
}

TEST_CASE("graph: link factor, maxspeed cap and a line layer's own speed", "[graph][speed]") {
  // Eight ways of 400 m each. The motorway link GH is last: walkers may not use it, and the walking graph keeps
  // A … G.
  const auto map = R"(
    A---B---C---D---E---F---G---H
  )";
  const AsciiNetwork net =
      AsciiMap(map, 100.0)
          .way("AB", {.cls = RoadClass::kPrimary, .link = true})
          .way("BC", {.cls = RoadClass::kPrimary, .maxspeed_kmh = 18.0F})
          .way("CD", {.cls = RoadClass::kPrimary, .maxspeed_kmh = 100.0F})
          .way("DE", {.speed_kmh = 72.0F})
          .way("EF", {.speed_kmh = 1.8F})
          .way("FG", {.cls = RoadClass::kPrimary, .link = true, .maxspeed_kmh = 36.0F, .speed_kmh = 72.0F})
          .way("GH", {.cls = RoadClass::kMotorway, .link = true})
          .build();
  SpeedProfile profile = test_speed_profile();
  const RoadGraph car = build_graph(net.roads, TravelMode::kCar, profile);
  const RoadGraph walk = build_graph(net.roads, TravelMode::kWalk, profile);
  CHECK(walk.stats.pieces_dropped == 0);  // GH was never a walking piece
  CHECK_FALSE(has_piece(walk, net, "GH"));
  // Primary link: 54 km/h × 0.5 = 27 km/h = 7.5 m/s → 400 m in 53.33 s. Walking has link factor 1: 400 s.
  CHECK(time_s(car, net, "AB") == Approx(400.0 / 7.5));
  CHECK(time_s(walk, net, "AB") == Approx(400.0));
  // Motorway link: 72 × 0.5 = 36 km/h = 10 m/s → 40 s.
  CHECK(time_s(car, net, "GH") == Approx(40.0));
  // maxspeed 18 km/h = 5 m/s caps the primary's 54 km/h: 80 s; maxspeed 100 is above it: 54 km/h = 15 m/s, 26.67 s.
  CHECK(time_s(car, net, "BC") == Approx(80.0));
  CHECK(time_s(car, net, "CD") == Approx(400.0 / 15.0));
  // Walking ignores maxspeed (cap_at_maxspeed is off) …
  CHECK(time_s(walk, net, "BC") == Approx(400.0));
  // … unless the profile says otherwise (walking primary at 36 km/h, capped at 18 km/h = 5 m/s: 80 s).
  profile.mode(TravelMode::kWalk).cap_at_maxspeed = true;
  profile.mode(TravelMode::kWalk).speed_kmh[road_class_index(RoadClass::kPrimary)] = 36.0;
  CHECK(time_s(build_graph(net.roads, TravelMode::kWalk, profile), net, "BC") == Approx(80.0));
  // A layer speed of 72 km/h = 20 m/s replaces the car's class speed (36 km/h): 20 s; for walking it only caps the
  // class speed, so 1 m/s stays (400 s).
  CHECK(time_s(car, net, "DE") == Approx(20.0));
  CHECK(time_s(walk, net, "DE") == Approx(400.0));
  // A layer speed of 1.8 km/h = 0.5 m/s: 800 s by car and on foot.
  CHECK(time_s(car, net, "EF") == Approx(800.0));
  CHECK(time_s(walk, net, "EF") == Approx(800.0));
  // Link with a layer speed: the layer speed (72) replaces the class speed without the link factor, then maxspeed
  // 36 km/h = 10 m/s caps it: 40 s.
  CHECK(time_s(car, net, "FG") == Approx(40.0));
}

TEST_CASE("graph: the largest component by length is kept and the rest reported", "[graph][components]") {
  // ABC: 800 m (B is a shape vertex); FG + FH: 400 + 200 = 600 m.
  const auto map = R"(
    A---B---C   F---G
                |
                H
  )";
  const AsciiNetwork net = AsciiMap(map, 100.0).way("ABC").way("FG").way("FH").build();
  const RoadGraph g = build_graph(net.roads, TravelMode::kWalk, test_speed_profile());
  CHECK(g.stats.nodes_total == 5);  // A, C, F, G, H
  CHECK(g.stats.pieces_total == 3);
  CHECK(g.stats.components == 2);
  CHECK(g.node_count() == 2);
  REQUIRE(g.pieces.size() == 1);
  CHECK(has_piece(g, net, "ABC"));
  CHECK(g.stats.nodes_dropped == 3);
  CHECK(g.stats.pieces_dropped == 2);
  CHECK(g.stats.length_kept_km == Approx(0.8));
  CHECK(g.stats.length_dropped_km == Approx(0.6));
  CHECK(num_vertices(g.reverse) == 2);
  CHECK(num_edges(g.reverse) == 2);
}

TEST_CASE("graph: components are per mode", "[graph][components]") {
  // A footway CD joins ABC (800 m) and DE (400 m) for walkers only.
  const AsciiNetwork net =
      AsciiMap("A---B---C---D---E", 100.0).way("ABC").way("CD", {.cls = RoadClass::kFootway}).way("DE").build();
  const RoadGraph walk = build_graph(net.roads, TravelMode::kWalk, test_speed_profile());
  CHECK(walk.stats.components == 1);
  CHECK(walk.node_count() == 4);  // A, C, D, E
  CHECK(walk.pieces.size() == 3);
  const RoadGraph car = build_graph(net.roads, TravelMode::kCar, test_speed_profile());
  CHECK(car.stats.components == 2);
  CHECK(car.node_count() == 2);
  CHECK(car.stats.nodes_dropped == 2);
  CHECK(car.stats.pieces_dropped == 1);
  CHECK(car.stats.length_dropped_km == Approx(0.4));
  CHECK(has_piece(car, net, "ABC"));
}

TEST_CASE("graph: equal lengths — the component with more pieces wins", "[graph][components]") {
  // AB: 400 m in one piece; CD + DE: 200 + 200 m in two.
  const AsciiNetwork net = AsciiMap("A---B   C-D-E", 100.0).way("AB").way("CD").way("DE").build();
  const RoadGraph g = build_graph(net.roads, TravelMode::kWalk, test_speed_profile());
  CHECK(g.stats.components == 2);
  CHECK(g.pieces.size() == 2);
  CHECK(has_piece(g, net, "CD"));
  CHECK(g.stats.length_dropped_km == Approx(0.4));
}

TEST_CASE("graph: renumbering the road nodes gives the same graph", "[graph][property]") {
  for (const std::uint32_t seed : {1U, 2U, 3U}) {
    const RoadData roads = random_network(seed, 30);
    std::vector<std::uint32_t> perm(roads.node_count());
    std::iota(perm.begin(), perm.end(), 0U);
    std::shuffle(perm.begin(), perm.end(), std::mt19937(seed + 100));
    const RoadData permuted = carereach::testing::renumber_nodes(roads, perm);
    for (const TravelMode mode : kAllModes) {
      INFO("seed " << seed << ", mode " << to_string(mode));
      const RoadGraph a = build_graph(roads, mode, test_speed_profile());
      const RoadGraph b = build_graph(permuted, mode, test_speed_profile());
      REQUIRE(a.node_count() == b.node_count());
      REQUIRE(a.pieces.size() == b.pieces.size());
      CHECK(a.stats.components == b.stats.components);
      CHECK(a.stats.nodes_dropped == b.stats.nodes_dropped);
      CHECK(a.stats.length_dropped_km == b.stats.length_dropped_km);
      // Same pieces up to renumbering: same ways, vertices, lengths and times; the end nodes are the same road
      // nodes under the permutation.
      for (std::size_t i = 0; i < a.pieces.size(); ++i) {
        const Piece& p = a.pieces[i];
        const Piece& q = b.pieces[i];
        REQUIRE(p.way == q.way);
        REQUIRE(p.first_vertex == q.first_vertex);
        REQUIRE(p.last_vertex == q.last_vertex);
        REQUIRE(p.length_m == q.length_m);
        REQUIRE(p.forward_s == q.forward_s);
        REQUIRE(p.backward_s == q.backward_s);
        REQUIRE(perm[a.road_node[p.from]] == b.road_node[q.from]);
        REQUIRE(perm[a.road_node[p.to]] == b.road_node[q.to]);
      }
      // Graph nodes are numbered by position, so (with no two nodes at one position) even the ids agree.
      CHECK(a.node_x_m == b.node_x_m);
      CHECK(a.node_y_m == b.node_y_m);
      CHECK(csr_edges(a) == csr_edges(b));
    }
  }
}

TEST_CASE("graph: the reversed CSR holds exactly the reversed allowed directions", "[graph][csr]") {
  for (const std::uint32_t seed : {4U, 5U}) {
    const RoadData roads = random_network(seed, 40);
    for (const TravelMode mode : kAllModes) {
      INFO("seed " << seed << ", mode " << to_string(mode));
      const RoadGraph g = build_graph(roads, mode, test_speed_profile());
      REQUIRE(num_vertices(g.reverse) == g.node_count());
      REQUIRE(g.node_count() > 0);
      std::vector<EdgeRow> expected = brute_force_reversed_edges(g);
      const std::vector<EdgeRow> actual = csr_edges(g);
      // Within a node, edges are in piece order: the CSR equals the brute-force list stably sorted by source.
      std::stable_sort(expected.begin(), expected.end(),
                       [](const EdgeRow& x, const EdgeRow& y) { return std::get<0>(x) < std::get<0>(y); });
      CHECK(actual == expected);
      CHECK(num_edges(g.reverse) == actual.size());
      // Every piece's nodes are graph nodes, every graph node is the end of a kept piece, and every piece can be
      // travelled at least one way.
      std::vector<bool> used(g.node_count(), false);
      for (const Piece& p : g.pieces) {
        REQUIRE(p.from < g.node_count());
        REQUIRE(p.to < g.node_count());
        REQUIRE((p.forward_s != kNoPassage || p.backward_s != kNoPassage));
        REQUIRE(roads.way_nodes[p.first_vertex] == g.road_node[p.from]);
        REQUIRE(roads.way_nodes[p.last_vertex] == g.road_node[p.to]);
        used[p.from] = used[p.to] = true;
      }
      CHECK(std::all_of(used.begin(), used.end(), [](bool u) { return u; }));
      CHECK(g.memory_bytes() >= g.node_count() * 24 + g.pieces.size() * sizeof(Piece));
    }
  }
}

TEST_CASE("graph: the reversed CSR of a small map, by hand", "[graph][csr]") {
  // AB two-way (400 m), BC one-way B → C (200 m), car at 10 m/s. Reversed edges: B→A 40 s and A→B 40 s (piece AB),
  // C→B 20 s (piece BC's only direction). Nothing leaves B towards C: a search from C reaches B, not the reverse.
  const AsciiNetwork net = AsciiMap("A---B-C", 100.0).way("AB").way("BC", {.oneway = road_oneway::kForward}).build();
  const RoadGraph g = build_graph(net.roads, TravelMode::kCar, test_speed_profile());
  REQUIRE(g.node_count() == 3);
  std::map<std::uint32_t, char> letter;
  for (std::uint32_t v = 0; v < g.node_count(); ++v)
    for (const auto& [l, n] : net.nodes)
      if (n == g.road_node[v]) letter[v] = l;
  std::vector<std::tuple<char, char, float>> edges;
  for (const auto& [s, t, piece, time] : csr_edges(g)) edges.emplace_back(letter[s], letter[t], time);
  std::sort(edges.begin(), edges.end());
  REQUIRE(edges.size() == 3);
  CHECK(std::get<0>(edges[0]) == 'A');
  CHECK(std::get<1>(edges[0]) == 'B');
  CHECK(std::get<2>(edges[0]) == Approx(40.0));
  CHECK(std::get<0>(edges[1]) == 'B');
  CHECK(std::get<1>(edges[1]) == 'A');
  CHECK(std::get<2>(edges[1]) == Approx(40.0));
  CHECK(std::get<0>(edges[2]) == 'C');
  CHECK(std::get<1>(edges[2]) == 'B');
  CHECK(std::get<2>(edges[2]) == Approx(20.0));
}

TEST_CASE("graph: building twice gives the same graph", "[graph][property]") {
  const RoadData roads = random_network(7, 30);
  const RoadGraph a = build_graph(roads, TravelMode::kMixed, test_speed_profile());
  const RoadGraph b = build_graph(roads, TravelMode::kMixed, test_speed_profile());
  CHECK(a.road_node == b.road_node);
  CHECK(csr_edges(a) == csr_edges(b));
}

TEST_CASE("graph: an empty network gives an empty graph", "[graph]") {
  const RoadData roads;
  const RoadGraph g = build_graph(roads, TravelMode::kCar, test_speed_profile());
  CHECK(g.node_count() == 0);
  CHECK(g.pieces.empty());
  CHECK(num_vertices(g.reverse) == 0);
}

// A province-size lattice: 5 M road nodes (1,000 × 1,000 junctions 100 m apart, two shape vertices between
// neighbours, ways of 5 blocks; 4 % of the ways one-way, 2 % foot-only). Timed, not asserted: run with
//   test_network "[.perf]"
TEST_CASE("graph: build time of a province-size network", "[.perf]") {
  constexpr std::uint32_t kSide = 1000;
  constexpr std::uint32_t kBlock = 5;
  RoadData r;
  std::mt19937 rng(42);
  std::uniform_real_distribution<double> jitter(-20.0, 20.0);
  std::uniform_int_distribution<int> percent(0, 99);
  r.node_x_m.reserve(3'000'000);
  r.node_y_m.reserve(3'000'000);
  for (std::uint32_t y = 0; y < kSide; ++y)
    for (std::uint32_t x = 0; x < kSide; ++x) {
      r.node_x_m.push_back(100.0 * x + jitter(rng));
      r.node_y_m.push_back(100.0 * y + jitter(rng));
    }
  const auto junction = [&](std::uint32_t x, std::uint32_t y) { return y * kSide + x; };
  const auto shape = [&](double x, double y) {
    r.node_x_m.push_back(x + jitter(rng) / 4);
    r.node_y_m.push_back(y + jitter(rng) / 4);
    return static_cast<std::uint32_t>(r.node_x_m.size() - 1);
  };
  const auto add_way = [&](RoadClass cls) {  // after its nodes
    r.way_offset.push_back(static_cast<std::uint32_t>(r.way_nodes.size()));
    r.way_class.push_back(cls);
    r.way_flags.push_back(0);
    const int p = percent(rng);
    r.way_oneway.push_back(p < 4 ? road_oneway::kForward : road_oneway::kBoth);
    r.way_maxspeed_kmh.push_back(0.0F);
    r.way_access.push_back(p > 97 ? road_access::kFoot : default_road_access(cls));
    r.way_speed_kmh.push_back(0.0F);
    r.way_source_id.push_back(static_cast<std::int64_t>(r.way_class.size()));
    r.way_name.push_back(0);
  };
  for (int dir = 0; dir < 2; ++dir)
    for (std::uint32_t line = 0; line < kSide; ++line)
      for (std::uint32_t k = 0; k + 1 < kSide; k += kBlock) {
        const RoadClass cls = line % 10 == 0 ? RoadClass::kPrimary : RoadClass::kResidential;
        for (std::uint32_t j = k; j <= std::min(k + kBlock, kSide - 1); ++j) {
          const std::uint32_t n = dir == 0 ? junction(j, line) : junction(line, j);
          if (j > k) {
            const std::uint32_t prev = r.way_nodes.back();
            const double x0 = r.node_x_m[prev];
            const double y0 = r.node_y_m[prev];
            r.way_nodes.push_back(shape(x0 + (r.node_x_m[n] - x0) / 3, y0 + (r.node_y_m[n] - y0) / 3));
            r.way_nodes.push_back(shape(x0 + 2 * (r.node_x_m[n] - x0) / 3, y0 + 2 * (r.node_y_m[n] - y0) / 3));
          }
          r.way_nodes.push_back(n);
        }
        add_way(cls);
      }
  REQUIRE(r.invariant_violation().empty());

  SpeedProfile profile = test_speed_profile();
  for (const TravelMode mode : {TravelMode::kCar, TravelMode::kWalk, TravelMode::kMixed}) {
    std::vector<double> seconds;
    RoadGraph g;
    for (int run = 0; run < 5; ++run) {
      const auto t0 = std::chrono::steady_clock::now();
      g = build_graph(r, mode, profile);
      seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    std::sort(seconds.begin(), seconds.end());
    std::cout << to_string(mode) << ": " << r.node_count() << " road nodes, " << r.way_count() << " ways -> "
              << g.node_count() << " graph nodes, " << g.pieces.size() << " pieces, " << num_edges(g.reverse)
              << " edges; median build " << seconds[2] << " s (min " << seconds[0] << "); graph "
              << static_cast<double>(g.memory_bytes()) / 1e6
              << " MB = " << static_cast<double>(g.memory_bytes()) / static_cast<double>(r.node_count())
              << " B per road node\n";
    CHECK(g.node_count() > 0);
  }
}
