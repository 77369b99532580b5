#include "core/road_data.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "core/disjoint_sets.hpp"
#include "core/units.hpp"

namespace carereach {

namespace {

struct ClassEntry {
  std::string_view name;
  RoadClass road_class;
};

constexpr std::array<ClassEntry, kRoadClassCount> kClassTable{{
    {"motorway", RoadClass::kMotorway},
    {"trunk", RoadClass::kTrunk},
    {"primary", RoadClass::kPrimary},
    {"secondary", RoadClass::kSecondary},
    {"tertiary", RoadClass::kTertiary},
    {"unclassified", RoadClass::kUnclassified},
    {"residential", RoadClass::kResidential},
    {"living_street", RoadClass::kLivingStreet},
    {"service", RoadClass::kService},
    {"track", RoadClass::kTrack},
    {"path", RoadClass::kPath},
    {"footway", RoadClass::kFootway},
    {"cycleway", RoadClass::kCycleway},
    {"pedestrian", RoadClass::kPedestrian},
    {"steps", RoadClass::kSteps},
    {"bridleway", RoadClass::kBridleway},
    {"other", RoadClass::kOther},
}};

// The classes that have a *_link value in OSM.
constexpr bool has_link(RoadClass c) {
  return c == RoadClass::kMotorway || c == RoadClass::kTrunk || c == RoadClass::kPrimary ||
         c == RoadClass::kSecondary || c == RoadClass::kTertiary;
}

template <class T>
std::size_t bytes(const std::vector<T>& v) {
  return v.capacity() * sizeof(T);
}

}  // namespace

std::string_view road_class_name(RoadClass c) {
  const std::size_t i = road_class_index(c);
  return i < kClassTable.size() ? kClassTable[i].name : std::string_view("other");
}

std::optional<ParsedRoadClass> parse_road_class(std::string_view highway) {
  constexpr std::string_view kLinkSuffix = "_link";
  bool link = false;
  if (highway.size() > kLinkSuffix.size() && highway.substr(highway.size() - kLinkSuffix.size()) == kLinkSuffix) {
    link = true;
    highway.remove_suffix(kLinkSuffix.size());
  }
  for (const ClassEntry& e : kClassTable) {
    if (e.name == highway) {
      if (link && !has_link(e.road_class)) return std::nullopt;
      return ParsedRoadClass{e.road_class, link};
    }
  }
  return std::nullopt;
}

std::uint8_t default_road_access(RoadClass c) {
  using namespace road_access;
  switch (c) {
    case RoadClass::kMotorway:
      return kCar;
    case RoadClass::kPath:
    case RoadClass::kFootway:
    case RoadClass::kPedestrian:
    case RoadClass::kSteps:
    case RoadClass::kBridleway:
      return kFoot;
    case RoadClass::kCycleway:
      return kBicycle | kFoot;
    default:
      return kAll;
  }
}

double RoadData::way_length_m(std::size_t w) const {
  const auto nodes = way(w);
  double length_m = 0.0;
  for (std::size_t i = 1; i < nodes.size(); ++i)
    length_m += std::hypot(node_x_m[nodes[i]] - node_x_m[nodes[i - 1]], node_y_m[nodes[i]] - node_y_m[nodes[i - 1]]);
  return length_m;
}

std::size_t RoadData::memory_bytes() const {
  std::size_t total = bytes(node_x_m) + bytes(node_y_m) + bytes(node_source_id) + bytes(way_offset) +
                      bytes(way_nodes) + bytes(way_class) + bytes(way_flags) + bytes(way_oneway) +
                      bytes(way_maxspeed_kmh) + bytes(way_access) + bytes(way_speed_kmh) + bytes(way_source_id) +
                      bytes(way_name) + bytes(names);
  for (const std::string& n : names)
    if (n.capacity() > 15) total += n.capacity();  // beyond the small-string buffer
  return total;
}

std::string RoadData::invariant_violation() const {
  const std::size_t n = node_x_m.size();
  if (node_y_m.size() != n) return "node_y_m has " + std::to_string(node_y_m.size()) + " entries, not " + std::to_string(n);
  if (!node_source_id.empty() && node_source_id.size() != n) return "node_source_id has the wrong size";
  if (way_offset.empty() || way_offset.front() != 0) return "way_offset must start with 0";
  if (way_offset.back() != way_nodes.size()) return "way_offset must end with way_nodes.size()";
  const std::size_t w_count = way_count();
  const std::array<std::size_t, 9> sizes{way_class.size(),       way_flags.size(),     way_oneway.size(),
                                         way_maxspeed_kmh.size(), way_access.size(),    way_speed_kmh.size(),
                                         way_source_id.size(),    way_name.size(),      w_count};
  for (std::size_t s : sizes)
    if (s != w_count) return "a per-way vector has " + std::to_string(s) + " entries for " + std::to_string(w_count) + " ways";
  if (names.empty() || !names[0].empty()) return "names[0] must be the empty name";
  std::vector<bool> used(n, false);
  for (std::size_t w = 0; w < w_count; ++w) {
    if (way_offset[w + 1] < way_offset[w] + 2) return "way " + std::to_string(w) + " has fewer than 2 nodes";
    const auto nodes = way(w);
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      if (nodes[i] >= n) return "way " + std::to_string(w) + " refers to node " + std::to_string(nodes[i]) + " of " + std::to_string(n);
      if (i > 0 && nodes[i] == nodes[i - 1]) return "way " + std::to_string(w) + " repeats a node";
      used[nodes[i]] = true;
    }
    if (way_name[w] >= names.size()) return "way " + std::to_string(w) + " has a name index out of range";
    if (road_class_index(way_class[w]) >= kRoadClassCount) return "way " + std::to_string(w) + " has an invalid class";
    if (way_oneway[w] < -1 || way_oneway[w] > 1) return "way " + std::to_string(w) + " has an invalid oneway";
  }
  for (std::size_t i = 0; i < n; ++i)
    if (!used[i]) return "node " + std::to_string(i) + " is used by no way";
  return {};
}

RoadSummary summarise(const RoadData& roads) {
  RoadSummary s;
  s.ways = roads.way_count();
  s.nodes = roads.node_count();
  s.ways_dropped_outside_clip = roads.load.ways_dropped_outside_clip;
  s.memory_bytes = roads.memory_bytes();
  if (s.nodes == 0) return s;

  // Bounding box.
  const auto [min_x, max_x] = std::minmax_element(roads.node_x_m.begin(), roads.node_x_m.end());
  const auto [min_y, max_y] = std::minmax_element(roads.node_y_m.begin(), roads.node_y_m.end());
  s.min_x_m = *min_x;
  s.max_x_m = *max_x;
  s.min_y_m = *min_y;
  s.max_y_m = *max_y;

  // Uses per node (saturating at 2): a ring's closing node counts once for its way.
  std::vector<std::uint8_t> uses(s.nodes, 0);
  DisjointSets sets(s.nodes);
  std::vector<double> way_length_m(s.ways, 0.0);
  for (std::size_t w = 0; w < s.ways; ++w) {
    const auto nodes = roads.way(w);
    const bool ring = nodes.size() > 2 && nodes.front() == nodes.back();
    const std::size_t counted = ring ? nodes.size() - 1 : nodes.size();
    for (std::size_t i = 0; i < counted; ++i)
      if (uses[nodes[i]] < 2) ++uses[nodes[i]];
    for (std::size_t i = 1; i < nodes.size(); ++i) sets.unite(nodes[i - 1], nodes[i]);
    way_length_m[w] = roads.way_length_m(w);
    s.segments += nodes.size() - 1;
  }
  s.junction_nodes = static_cast<std::size_t>(std::count(uses.begin(), uses.end(), std::uint8_t{2}));

  std::vector<double> component_length_m(s.nodes, 0.0);
  double total_m = 0.0;
  for (std::size_t w = 0; w < s.ways; ++w) {
    const auto nodes = roads.way(w);
    std::size_t edges = 1;
    for (std::size_t i = 1; i + 1 < nodes.size(); ++i)
      if (uses[nodes[i]] >= 2) ++edges;
    s.edges += edges;

    const double len_m = way_length_m[w];
    total_m += len_m;
    const std::size_t c = road_class_index(roads.way_class[w]);
    s.length_km_by_class[c] += len_m / units::kMetresPerKm;
    ++s.ways_by_class[c];
    if ((roads.way_flags[w] & road_flag::kLink) != 0) s.link_length_km += len_m / units::kMetresPerKm;
    if (roads.way_oneway[w] != road_oneway::kBoth) {
      ++s.oneway_ways;
      s.oneway_length_km += len_m / units::kMetresPerKm;
    }
    const std::uint8_t a = roads.way_access[w];
    const bool car = (a & road_access::kCar) != 0;
    const bool bicycle = (a & road_access::kBicycle) != 0;
    const bool foot = (a & road_access::kFoot) != 0;
    s.car_ways += car ? 1 : 0;
    s.bicycle_ways += bicycle ? 1 : 0;
    s.foot_ways += foot ? 1 : 0;
    s.car_only_ways += (car && !bicycle && !foot) ? 1 : 0;
    s.foot_only_ways += (foot && !bicycle && !car) ? 1 : 0;
    s.no_access_ways += a == 0 ? 1 : 0;
    s.maxspeed_ways += roads.way_maxspeed_kmh[w] > 0.0F ? 1 : 0;
    s.speed_ways += roads.way_speed_kmh[w] > 0.0F ? 1 : 0;
    s.named_ways += roads.way_name[w] != 0 ? 1 : 0;
    component_length_m[sets.find(nodes.front())] += len_m;
  }
  s.length_km = total_m / units::kMetresPerKm;

  std::uint32_t largest = std::numeric_limits<std::uint32_t>::max();
  for (std::uint32_t i = 0; i < s.nodes; ++i) {
    if (sets.find(i) != i || uses[i] == 0) continue;
    ++s.components;
    // Largest by length; ties (e.g. zero-length networks) by node count, then by the lower root index.
    if (largest == std::numeric_limits<std::uint32_t>::max() || component_length_m[i] > component_length_m[largest] ||
        (component_length_m[i] == component_length_m[largest] && sets.size_of_root(i) > sets.size_of_root(largest)))
      largest = i;
  }
  if (largest != std::numeric_limits<std::uint32_t>::max()) {
    s.largest_component_nodes = sets.size_of_root(largest);
    s.largest_component_length_km = component_length_m[largest] / units::kMetresPerKm;
    s.largest_component_length_share = total_m > 0.0 ? component_length_m[largest] / total_m : 0.0;
  }
  return s;
}

}  // namespace carereach
