#pragma once
// A road network as read from OpenStreetMap or a line layer, before it becomes a routing graph: flat arrays of
// nodes (analysis-CRS metres) and ways (polylines over those nodes with class, direction, access and speed
// attributes). A node that several ways use is stored once, so the router can split ways at shared nodes.
// docs/method/roads.md describes how the loaders fill it and what summarise() reports.

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace carereach {

/// Road classes: the OSM highway values carereach distinguishes (the *_link values map onto their class with
/// the link flag set), plus kOther for anything else that is still a road. The underlying value indexes fixed
/// per-class tables (speed profiles, summaries).
enum class RoadClass : std::uint8_t {
  kMotorway,
  kTrunk,
  kPrimary,
  kSecondary,
  kTertiary,
  kUnclassified,
  kResidential,
  kLivingStreet,
  kService,
  kTrack,
  kPath,
  kFootway,
  kCycleway,
  kPedestrian,
  kSteps,
  kBridleway,
  kOther,
};
inline constexpr std::size_t kRoadClassCount = 17;

/// Index of a class into per-class tables.
constexpr std::size_t road_class_index(RoadClass c) { return static_cast<std::size_t>(c); }
/// The class with a given index (0 … kRoadClassCount-1).
constexpr RoadClass road_class_at(std::size_t i) { return static_cast<RoadClass>(i); }

/// The OSM highway value of a class ("motorway" … "bridleway"), "other" for kOther.
std::string_view road_class_name(RoadClass c);

struct ParsedRoadClass {
  RoadClass road_class = RoadClass::kOther;
  bool link = false;  ///< a *_link value (motorway_link → kMotorway, link = true)
};
/// Parses an OSM highway value of the table, a *_link value, or "other" (exact, lower case). nullopt otherwise.
std::optional<ParsedRoadClass> parse_road_class(std::string_view highway);

/// Per-mode access bits (RoadData::way_access).
namespace road_access {
inline constexpr std::uint8_t kFoot = 1U << 0U;
inline constexpr std::uint8_t kBicycle = 1U << 1U;
inline constexpr std::uint8_t kCar = 1U << 2U;
inline constexpr std::uint8_t kAll = kFoot | kBicycle | kCar;
}  // namespace road_access

/// Access of a class before any tag: motorway car only; footway, path, steps, pedestrian, bridleway foot only;
/// cycleway bicycle and foot; every other class all modes.
std::uint8_t default_road_access(RoadClass c);

/// Per-way flag bits (RoadData::way_flags).
namespace road_flag {
inline constexpr std::uint8_t kLink = 1U << 0U;                ///< a *_link way (ramp, slip road, 匝道)
inline constexpr std::uint8_t kOnewayNotForBicycle = 1U << 1U;  ///< bicycles may ride against the oneway
}  // namespace road_flag

/// Direction of travel on a way, relative to the order of its nodes. Oneway applies to cars (and to bicycles
/// unless road_flag::kOnewayNotForBicycle is set); walking is always allowed both ways.
namespace road_oneway {
inline constexpr std::int8_t kBoth = 0;
inline constexpr std::int8_t kForward = 1;
inline constexpr std::int8_t kReverse = -1;
}  // namespace road_oneway

/// A rectangle in the analysis CRS (metres): loaders drop ways with no node inside it (edges inclusive).
struct ClipBox {
  double min_x_m = 0.0;
  double min_y_m = 0.0;
  double max_x_m = 0.0;
  double max_y_m = 0.0;
  [[nodiscard]] bool contains(double x_m, double y_m) const {
    return x_m >= min_x_m && x_m <= max_x_m && y_m >= min_y_m && y_m <= max_y_m;
  }
};

/// What the loader read, left out and could not interpret. Information for `carereach validate` and run.json;
/// the problems that need the user's attention are also in the Diagnostics the loader was given.
struct RoadLoadStats {
  std::string source_kind;                 ///< "osm" or "lines"
  std::size_t osm_nodes_read = 0;          ///< OSM: every node in the file (road or not)
  std::size_t features_read = 0;           ///< OSM: ways with a highway tag; lines: features
  std::size_t features_excluded = 0;       ///< OSM: excluded highway values and area=yes
  std::map<std::string, std::size_t> excluded_values;  ///< "highway=construction" → 12, "area=yes" → 3
  std::size_t unknown_class_features = 0;  ///< read as class "other"
  std::map<std::string, std::size_t> unknown_class_values;  ///< value → features
  std::size_t node_refs_missing = 0;       ///< OSM: node references without a location in the file
  std::size_t vertices_not_transformed = 0;  ///< coordinates the CRS transformation could not convert
  std::size_t parts_split = 0;             ///< extra ways from multi-part lines and from gaps (missing nodes)
  std::size_t parts_degenerate = 0;        ///< pieces dropped with fewer than 2 distinct nodes
  std::size_t features_not_lines = 0;      ///< lines: features without a line geometry (skipped)
  std::size_t ways_dropped_outside_clip = 0;  ///< ways with no node inside the clip box
  std::size_t maxspeed_unparsed = 0;       ///< OSM: maxspeed values not understood (way gets maxspeed 0)
  std::map<std::string, std::size_t> maxspeed_unparsed_values;  ///< up to 50 distinct values
  std::size_t speed_values_bad = 0;        ///< lines: speed field not a positive number ≤ 200 km/h
  std::size_t oneway_values_bad = 0;       ///< lines: oneway field value not understood (read as both ways)
};

/// The road network in structure-of-arrays form. Invariants (checked by invariant_violation()):
/// node_x_m, node_y_m have one entry per node; node_source_id too, or is empty (line layers); way_offset has
/// way_count() + 1 entries starting at 0 and ascending; way w uses way_nodes[way_offset[w] … way_offset[w+1]),
/// at least 2 nodes, no node twice in a row; every per-way vector has way_count() entries; every node is used
/// by at least one way; names[0] is "".
struct RoadData {
  // --- nodes
  std::vector<double> node_x_m;               ///< analysis CRS easting, metres
  std::vector<double> node_y_m;               ///< analysis CRS northing, metres
  std::vector<std::int64_t> node_source_id;   ///< OSM node id; empty for line layers

  // --- ways (a way is a polyline with one set of attributes; OSM ways and line features may become several)
  std::vector<std::uint32_t> way_offset{0};   ///< CSR offsets into way_nodes (way_count() + 1 entries)
  std::vector<std::uint32_t> way_nodes;       ///< node indices
  std::vector<RoadClass> way_class;
  std::vector<std::uint8_t> way_flags;        ///< road_flag bits
  std::vector<std::int8_t> way_oneway;        ///< road_oneway: 0 both, +1 forward, -1 reverse
  std::vector<float> way_maxspeed_kmh;        ///< legal limit from OSM maxspeed; 0 = none known
  std::vector<std::uint8_t> way_access;       ///< road_access bits
  std::vector<float> way_speed_kmh;           ///< speed from a line layer's speed field; 0 = none (use the class)
  std::vector<std::int64_t> way_source_id;    ///< OSM way id or OGR feature id
  std::vector<std::uint32_t> way_name;        ///< index into names; 0 = no name
  std::vector<std::string> names{std::string()};  ///< distinct way names; names[0] = ""

  RoadLoadStats load;

  [[nodiscard]] std::size_t node_count() const { return node_x_m.size(); }
  [[nodiscard]] std::size_t way_count() const { return way_offset.empty() ? 0 : way_offset.size() - 1; }
  /// The node indices of way w, in order.
  [[nodiscard]] std::span<const std::uint32_t> way(std::size_t w) const {
    return {way_nodes.data() + way_offset[w], static_cast<std::size_t>(way_offset[w + 1] - way_offset[w])};
  }
  [[nodiscard]] const std::string& way_name_text(std::size_t w) const { return names[way_name[w]]; }
  /// Length of way w in metres (Euclidean, analysis CRS).
  [[nodiscard]] double way_length_m(std::size_t w) const;
  /// Bytes held by the vectors (capacity), for memory figures.
  [[nodiscard]] std::size_t memory_bytes() const;
  /// "" when the invariants hold, else a description of the first violation (for tests and debugging).
  [[nodiscard]] std::string invariant_violation() const;
};

/// Figures about a road network for `carereach validate` and the run report.
struct RoadSummary {
  std::size_t ways = 0;
  std::size_t nodes = 0;
  std::size_t junction_nodes = 0;  ///< nodes where ways meet: used by ≥ 2 ways, or twice by one way (not
                                   ///< counting the closing node of a ring)
  std::size_t segments = 0;        ///< straight pieces between consecutive nodes of a way
  std::size_t edges = 0;           ///< pieces of ways between junctions and way ends (what a graph would hold)
  double length_km = 0.0;
  std::array<double, kRoadClassCount> length_km_by_class{};
  std::array<std::size_t, kRoadClassCount> ways_by_class{};
  double link_length_km = 0.0;     ///< of which *_link ways
  std::size_t oneway_ways = 0;
  double oneway_length_km = 0.0;
  std::size_t car_ways = 0;        ///< open to cars
  std::size_t bicycle_ways = 0;    ///< open to bicycles
  std::size_t foot_ways = 0;       ///< open to walking
  std::size_t car_only_ways = 0;   ///< cars but neither foot nor bicycle (motorways)
  std::size_t foot_only_ways = 0;  ///< walking but neither car nor bicycle
  std::size_t no_access_ways = 0;  ///< open to none of the modes (access=no/private)
  std::size_t maxspeed_ways = 0;   ///< with a maxspeed
  std::size_t speed_ways = 0;      ///< with a speed from the line layer's speed field
  std::size_t named_ways = 0;
  std::size_t components = 0;      ///< connected components (undirected, all modes)
  std::size_t largest_component_nodes = 0;
  double largest_component_length_km = 0.0;
  double largest_component_length_share = 0.0;  ///< 0 … 1 (0 for an empty network)
  /// Bounding box of the nodes (analysis CRS); all 0 for an empty network.
  double min_x_m = 0.0;
  double min_y_m = 0.0;
  double max_x_m = 0.0;
  double max_y_m = 0.0;
  std::size_t ways_dropped_outside_clip = 0;  ///< from the loader (information, not a warning)
  std::size_t memory_bytes = 0;               ///< RoadData::memory_bytes()
};

/// Counts, lengths (Euclidean, metres → km), junctions and connected components (union-find over the ways'
/// consecutive nodes). Pure; O(nodes + way nodes).
RoadSummary summarise(const RoadData& roads);

}  // namespace carereach
