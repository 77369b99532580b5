// The ASCII-map network builder that the network tests draw their roads with.

#include <catch2/catch.hpp>

#include "network/ascii_map.hpp"

using namespace carereach;
using carereach::testing::AsciiMap;
using carereach::testing::AsciiNetwork;

TEST_CASE("ascii map: positions, nodes, ways and attributes", "[ascii_map]") {
  const auto map = R"(
      A---B---C
          |
          D   F
  )";
  const AsciiNetwork net = AsciiMap(map, 100.0, 500000.0, 3000000.0)
                               .way("ABC", {.cls = RoadClass::kPrimary, .name = "人民路"})
                               .way("BD", {.cls = RoadClass::kFootway, .oneway = 1, .maxspeed_kmh = 30.0F})
                               .build();
  const RoadData& r = net.roads;
  REQUIRE(r.invariant_violation().empty());
  // Bottom-left of the drawing is the origin; north is up; 100 m per character both ways.
  CHECK(net.x_m('A') == 500000.0);
  CHECK(net.y_m('A') == 3000200.0);
  CHECK(net.x_m('D') == 500400.0);
  CHECK(net.y_m('D') == 3000000.0);
  CHECK(net.x_m('F') == 500800.0);                        // a letter no way uses still has a position …
  CHECK_THROWS_AS(net.node('F'), std::invalid_argument);  // … but is not a road node
  CHECK(net.distance_m('A', 'D') == Approx(std::hypot(400.0, 200.0)));

  // Nodes in character order: A, B, C, D.
  REQUIRE(r.node_count() == 4);
  CHECK(net.node('A') == 0);
  CHECK(net.node('D') == 3);
  CHECK(r.node_source_id[net.node('C')] == 'C');
  REQUIRE(r.way_count() == 2);
  CHECK(std::vector<std::uint32_t>(r.way(0).begin(), r.way(0).end()) == std::vector<std::uint32_t>{0, 1, 2});
  CHECK(r.way_length_m(0) == Approx(800.0));
  CHECK(r.way_length_m(1) == Approx(200.0));
  CHECK(r.way_class[0] == RoadClass::kPrimary);
  CHECK(r.way_access[0] == road_access::kAll);
  CHECK(r.way_access[1] == road_access::kFoot);  // the class default
  CHECK(r.way_oneway[1] == road_oneway::kForward);
  CHECK(r.way_maxspeed_kmh[1] == 30.0F);
  CHECK(r.way_name_text(0) == "人民路");
  CHECK(r.way_name_text(1).empty());
  CHECK(r.way_source_id[1] == 2);
}

TEST_CASE("ascii map: diagonals, crossings and undrawn segments", "[ascii_map]") {
  const auto map = R"(
    A   B
     \ /
      +
     / \
    C   D   E
  )";
  // A–D and B–C cross at '+' without a junction; D–E is drawn nowhere ... it must be drawn when it is on a row.
  CHECK_THROWS_WITH(AsciiMap(map, 10.0).way("AD").way("BC").way("DE").build(),
                    Catch::Contains("where the map has ' '"));
  const AsciiNetwork net = AsciiMap(map, 10.0).way("AD").way("BC").build();
  CHECK(net.roads.way_length_m(0) == Approx(std::hypot(40.0, 40.0)));
  // E to A runs at another angle: allowed, not drawn.
  const AsciiNetwork skew = AsciiMap(map, 10.0).way("AD").way("BC").way("EA").build();
  CHECK(skew.roads.way_length_m(2) == Approx(std::hypot(80.0, 40.0)));
}

TEST_CASE("ascii map: mistakes are errors that say where", "[ascii_map]") {
  const auto map = R"(
    A---B---C
  )";
  CHECK_THROWS_WITH(AsciiMap(map, 100.0).way("AB").build(), Catch::Contains("drawn at row 1, column 6 is on no way"));
  CHECK_THROWS_WITH(AsciiMap(map, 100.0).way("AC").build(), Catch::Contains("where the map has 'B'"));
  CHECK_THROWS_WITH(AsciiMap(map, 100.0).way("ABX").build(), Catch::Contains("'X', which is not in the map"));
  CHECK_THROWS_WITH(AsciiMap(map, 100.0).way("A").build(), Catch::Contains("at least two letters"));
  CHECK_THROWS_WITH(AsciiMap(map, 100.0).way("ABBC").build(), Catch::Contains("repeats 'B'"));
  CHECK_THROWS_WITH(AsciiMap("A--A", 100.0), Catch::Contains("appears twice"));
  CHECK_THROWS_WITH(AsciiMap("A==B", 100.0), Catch::Contains("unexpected character '='"));
  CHECK_THROWS_WITH(AsciiMap("   \n  ", 100.0), Catch::Contains("empty"));
  CHECK_THROWS_WITH(AsciiMap("A-B", 0.0), Catch::Contains("grid size"));
}

TEST_CASE("ascii map: renumber_nodes keeps the network and changes the indices", "[ascii_map]") {
  const AsciiNetwork net = AsciiMap("A-B-C", 50.0).way("ABC").build();
  const RoadData r = carereach::testing::renumber_nodes(net.roads, {2, 0, 1});
  REQUIRE(r.invariant_violation().empty());
  CHECK(r.node_x_m == std::vector<double>{100.0, 200.0, 0.0});  // A, B, C at 0, 100, 200 m
  CHECK(r.way_nodes == std::vector<std::uint32_t>{2, 0, 1});
  CHECK(r.way_length_m(0) == Approx(200.0));
  CHECK_THROWS_AS(carereach::testing::renumber_nodes(net.roads, {0, 0, 1}), std::invalid_argument);
}
