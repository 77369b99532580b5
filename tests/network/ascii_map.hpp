#pragma once
// Road networks for tests, drawn as text (in the style of Valhalla's gurka and OSRM's cucumber tests), so that a
// test reads like the situation it checks:
//
//   const auto map = R"(
//       A---B---C
//           |
//           D
//   )";
//   const AsciiNetwork net = AsciiMap(map, 100.0)
//                                .way("ABC", {.cls = RoadClass::kResidential})
//                                .way("BD", {.oneway = road_oneway::kForward})
//                                .build();
//   net.roads          // RoadData in metres
//   net.node('B')      // RoadData node index of B
//   net.x_m('D')       // position of any letter of the map, also of letters no way uses (facilities, cells)
//
// Rules
// - Every character is a square of `grid_m` metres. The character in column c of row r (rows counted from the
//   first line that is not blank, columns after removing the indentation common to all lines) lies at
//   x = origin_x + c × grid, y = origin_y + (last row − r) × grid: north is up and the bottom-left corner of the
//   drawing is the origin. In the map above, A is at (0, 200), B at (400, 200), D at (400, 0).
// - Node names are single characters A–Z, a–z, 0–9, each at most once in the map.
// - `-` `|` `/` `\` draw roads; `+` draws two roads crossing without a junction (a bridge); spaces are empty.
//   Any other character (tabs included) is an error.
// - Ways are explicit: .way("ABC", attributes) is a polyline through A, B and C in that order, straight between
//   the letters. A letter that two ways use (or one way twice) is a junction; a letter inside one way only is a
//   shape vertex. A way may close on itself ("ABCA").
// - The drawing must agree with the ways: between two consecutive letters of a way that lie on one row, column
//   or diagonal, every character must be the matching road character (or `+`), and every road character of the
//   drawing must lie on such a segment. Segments at other angles are allowed and are not drawn.
// - RoadData nodes are the letters the ways use, in character order (0–9, A–Z, a–z); node_source_id is the
//   character code; way w has way_source_id w + 1. renumber_nodes() gives the same network with other indices.
// Every mistake throws std::invalid_argument naming the way, letter or character position.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/road_data.hpp"
#include "core/speeds.hpp"

namespace carereach::testing {

/// Attributes of a way of an ASCII map (designated initialisers: {.cls = RoadClass::kPrimary, .oneway = 1}).
struct WayAttrs {
  RoadClass cls = RoadClass::kResidential;
  std::int8_t oneway = road_oneway::kBoth;  ///< +1 along the letters, −1 against them
  std::optional<std::uint8_t> access{};     ///< road_access bits; default: default_road_access(cls)
  bool link = false;                        ///< a *_link way (road_flag::kLink)
  bool bicycle_contraflow = false;          ///< bicycles may ride against the oneway (kOnewayNotForBicycle)
  float maxspeed_kmh = 0.0F;                ///< legal limit; 0 = none
  float speed_kmh = 0.0F;                   ///< a line layer's own speed; 0 = none
  std::string name{};
};

/// What AsciiMap::build() returns.
struct AsciiNetwork {
  RoadData roads;
  std::map<char, std::uint32_t> nodes;                    ///< letter → RoadData node (letters that ways use)
  std::map<char, std::pair<double, double>> positions_m;  ///< every letter of the map → (x, y)

  /// RoadData node index of a letter that a way uses.
  [[nodiscard]] std::uint32_t node(char letter) const {
    const auto it = nodes.find(letter);
    if (it == nodes.end()) throw std::invalid_argument(std::string("ascii map: no way uses node '") + letter + "'");
    return it->second;
  }
  [[nodiscard]] std::pair<double, double> position_m(char letter) const {
    const auto it = positions_m.find(letter);
    if (it == positions_m.end())
      throw std::invalid_argument(std::string("ascii map: no letter '") + letter + "' in the map");
    return it->second;
  }
  [[nodiscard]] double x_m(char letter) const { return position_m(letter).first; }
  [[nodiscard]] double y_m(char letter) const { return position_m(letter).second; }
  /// Straight-line distance between two letters, metres.
  [[nodiscard]] double distance_m(char a, char b) const { return std::hypot(x_m(b) - x_m(a), y_m(b) - y_m(a)); }
};

class AsciiMap {
 public:
  AsciiMap(std::string_view drawing, double grid_m, double origin_x_m = 0.0, double origin_y_m = 0.0)
      : grid_m_(grid_m), origin_x_m_(origin_x_m), origin_y_m_(origin_y_m) {
    if (!(grid_m > 0.0)) fail("the grid size must be positive");
    parse(drawing);
  }

  /// Adds a way through the named letters, in order.
  AsciiMap& way(std::string_view letters, WayAttrs attrs = {}) {
    ways_.push_back(Way{std::string(letters), std::move(attrs)});
    return *this;
  }

  [[nodiscard]] AsciiNetwork build() const {
    AsciiNetwork net;
    for (const auto& [letter, cell] : letters_) net.positions_m[letter] = position_of(cell);

    // Nodes: the letters the ways use, in character order.
    std::set<char> used;
    for (const Way& w : ways_) {
      if (w.letters.size() < 2) fail("way \"" + w.letters + "\" needs at least two letters");
      for (std::size_t i = 0; i < w.letters.size(); ++i) {
        const char c = w.letters[i];
        if (!letters_.contains(c))
          fail("way \"" + w.letters + "\" uses '" + std::string(1, c) + "', which is not in the map");
        if (i > 0 && w.letters[i - 1] == c)
          fail("way \"" + w.letters + "\" repeats '" + std::string(1, c) + "' in a row");
        used.insert(c);
      }
    }
    RoadData& r = net.roads;
    r.load.source_kind = "ascii";
    for (const char c : used) {
      net.nodes[c] = static_cast<std::uint32_t>(r.node_x_m.size());
      const auto [x, y] = position_of(letters_.at(c));
      r.node_x_m.push_back(x);
      r.node_y_m.push_back(y);
      r.node_source_id.push_back(static_cast<std::int64_t>(static_cast<unsigned char>(c)));
    }

    // Ways, and the check of the drawing.
    std::set<Cell> covered;
    for (std::size_t wi = 0; wi < ways_.size(); ++wi) {
      const Way& w = ways_[wi];
      for (std::size_t i = 0; i < w.letters.size(); ++i) {
        r.way_nodes.push_back(net.nodes.at(w.letters[i]));
        if (i > 0) check_segment(w.letters, w.letters[i - 1], w.letters[i], covered);
      }
      r.way_offset.push_back(static_cast<std::uint32_t>(r.way_nodes.size()));
      r.way_class.push_back(w.attrs.cls);
      std::uint8_t flags = 0;
      if (w.attrs.link) flags |= road_flag::kLink;
      if (w.attrs.bicycle_contraflow) flags |= road_flag::kOnewayNotForBicycle;
      r.way_flags.push_back(flags);
      r.way_oneway.push_back(w.attrs.oneway);
      r.way_maxspeed_kmh.push_back(w.attrs.maxspeed_kmh);
      r.way_access.push_back(w.attrs.access.value_or(default_road_access(w.attrs.cls)));
      r.way_speed_kmh.push_back(w.attrs.speed_kmh);
      r.way_source_id.push_back(static_cast<std::int64_t>(wi + 1));
      std::uint32_t name_index = 0;
      if (!w.attrs.name.empty()) {
        const auto it = std::find(r.names.begin(), r.names.end(), w.attrs.name);
        name_index = static_cast<std::uint32_t>(it - r.names.begin());
        if (it == r.names.end()) r.names.push_back(w.attrs.name);
      }
      r.way_name.push_back(name_index);
    }
    for (const auto& [cell, ch] : roads_drawn_)
      if (!covered.contains(cell))
        fail("the road '" + std::string(1, ch) + "' drawn at " + where(cell) + " is on no way");

    if (const std::string problem = r.invariant_violation(); !problem.empty())
      fail("the network is invalid: " + problem);
    return net;
  }

 private:
  using Cell = std::pair<int, int>;  // (row, column) in the drawing
  struct Way {
    std::string letters;
    WayAttrs attrs;
  };

  [[noreturn]] static void fail(const std::string& what) { throw std::invalid_argument("ascii map: " + what); }
  static std::string where(Cell c) {
    return "row " + std::to_string(c.first + 1) + ", column " + std::to_string(c.second + 1);
  }
  static bool is_name(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
  static bool is_road(char c) { return c == '-' || c == '|' || c == '/' || c == '\\' || c == '+'; }

  void parse(std::string_view drawing) {
    std::vector<std::string> lines;
    std::string line;
    std::istringstream in{std::string(drawing)};
    while (std::getline(in, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      lines.push_back(line);
    }
    const auto blank = [](const std::string& s) { return s.find_first_not_of(' ') == std::string::npos; };
    while (!lines.empty() && blank(lines.front())) lines.erase(lines.begin());
    while (!lines.empty() && blank(lines.back())) lines.pop_back();
    if (lines.empty()) fail("the drawing is empty");
    std::size_t indent = std::string::npos;
    for (const std::string& l : lines)
      if (!blank(l)) indent = std::min(indent, l.find_first_not_of(' '));
    rows_ = static_cast<int>(lines.size());
    for (int row = 0; row < rows_; ++row) {
      const std::string& l = lines[static_cast<std::size_t>(row)];
      for (std::size_t col = blank(l) ? l.size() : indent; col < l.size(); ++col) {
        const char c = l[col];
        const Cell cell{row, static_cast<int>(col - indent)};
        if (c == ' ') continue;
        if (is_name(c)) {
          if (letters_.contains(c)) fail("'" + std::string(1, c) + "' appears twice (again at " + where(cell) + ")");
          letters_[c] = cell;
        } else if (is_road(c)) {
          roads_drawn_[cell] = c;
        } else {
          fail("unexpected character '" + std::string(1, c) + "' at " + where(cell) +
               " (letters and digits are nodes; - | / \\ + are roads)");
        }
      }
    }
  }

  [[nodiscard]] std::pair<double, double> position_of(Cell c) const {
    return {origin_x_m_ + c.second * grid_m_, origin_y_m_ + (rows_ - 1 - c.first) * grid_m_};
  }

  [[nodiscard]] char drawn_at(Cell c) const {
    if (const auto it = roads_drawn_.find(c); it != roads_drawn_.end()) return it->second;
    for (const auto& [letter, cell] : letters_)
      if (cell == c) return letter;
    return ' ';
  }

  // Checks that the straight segment a → b is drawn when it runs along a row, a column or a diagonal.
  void check_segment(const std::string& way, char a, char b, std::set<Cell>& covered) const {
    const Cell ca = letters_.at(a);
    const Cell cb = letters_.at(b);
    const int dr = cb.first - ca.first;
    const int dc = cb.second - ca.second;
    char expected = 0;
    if (dr == 0)
      expected = '-';
    else if (dc == 0)
      expected = '|';
    else if (std::abs(dr) == std::abs(dc))
      expected = (dr > 0) == (dc > 0) ? '\\' : '/';
    else
      return;  // any other angle: not drawn, not checked
    const int steps = std::max(std::abs(dr), std::abs(dc));
    const int step_r = dr == 0 ? 0 : dr / std::abs(dr);
    const int step_c = dc == 0 ? 0 : dc / std::abs(dc);
    for (int i = 1; i < steps; ++i) {
      const Cell c{ca.first + i * step_r, ca.second + i * step_c};
      const char drawn = drawn_at(c);
      if (drawn != expected && drawn != '+')
        fail("way \"" + way + "\" goes from " + a + " to " + b + " across " + where(c) + ", where the map has '" +
             std::string(1, drawn) + "' instead of '" + std::string(1, expected) + "'");
      covered.insert(c);
    }
  }

  double grid_m_;
  double origin_x_m_;
  double origin_y_m_;
  int rows_ = 0;
  std::map<char, Cell> letters_;
  std::map<Cell, char> roads_drawn_;
  std::vector<Way> ways_;
};

/// The same network with road node i renumbered to new_index[i] (a permutation of 0 … node_count()-1): node
/// arrays reordered, way node references rewritten; ways keep their order.
inline RoadData renumber_nodes(const RoadData& roads, const std::vector<std::uint32_t>& new_index) {
  const std::size_t n = roads.node_count();
  if (new_index.size() != n) throw std::invalid_argument("renumber_nodes: the permutation has the wrong size");
  std::vector<bool> seen(n, false);
  for (const std::uint32_t i : new_index) {
    if (i >= n || seen[i]) throw std::invalid_argument("renumber_nodes: not a permutation");
    seen[i] = true;
  }
  RoadData out = roads;
  for (std::size_t i = 0; i < n; ++i) {
    out.node_x_m[new_index[i]] = roads.node_x_m[i];
    out.node_y_m[new_index[i]] = roads.node_y_m[i];
    if (!roads.node_source_id.empty()) out.node_source_id[new_index[i]] = roads.node_source_id[i];
  }
  for (std::uint32_t& v : out.way_nodes) v = new_index[v];
  return out;
}

/// Round speeds for hand-computed tests (a "testbot" profile, as OSRM's tests have): walking 3.6 km/h = 1 m/s on
/// every class (steps 1.8 km/h = 0.5 m/s); bicycle 18 km/h = 5 m/s; e-bike 25.2 km/h = 7 m/s; car 36 km/h =
/// 10 m/s on every class except motorway 72 km/h = 20 m/s and primary 54 km/h = 15 m/s, link factor 0.5, capped
/// at maxspeed. Access speed 3.6 km/h, maximum access distance 1000 m.
inline SpeedProfile test_speed_profile() {
  SpeedProfile p;
  for (std::size_t c = 0; c < kRoadClassCount; ++c) {
    p.mode(TravelMode::kWalk).speed_kmh[c] = 3.6;
    p.mode(TravelMode::kBicycle).speed_kmh[c] = 18.0;
    p.mode(TravelMode::kEbike).speed_kmh[c] = 25.2;
    p.mode(TravelMode::kCar).speed_kmh[c] = 36.0;
  }
  p.mode(TravelMode::kWalk).speed_kmh[road_class_index(RoadClass::kSteps)] = 1.8;
  p.mode(TravelMode::kCar).speed_kmh[road_class_index(RoadClass::kMotorway)] = 72.0;
  p.mode(TravelMode::kCar).speed_kmh[road_class_index(RoadClass::kPrimary)] = 54.0;
  p.mode(TravelMode::kCar).link_factor = 0.5;
  p.mode(TravelMode::kCar).cap_at_maxspeed = true;
  p.access_speed_kmh = 3.6;
  p.max_access_distance_m = 1000.0;
  p.source = "test";
  return p;
}

}  // namespace carereach::testing
