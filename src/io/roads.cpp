#include "io/roads.hpp"

#include <ogrsf_frmts.h>

#include <osmium/handler.hpp>
#include <osmium/handler/node_locations_for_ways.hpp>
#include <osmium/index/map/flex_mem.hpp>
#include <osmium/io/any_input.hpp>
#include <osmium/osm/way.hpp>
#include <osmium/visitor.hpp>
#include <protozero/exception.hpp>
#include <protozero/pbf_reader.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <compare>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "io/input_checks.hpp"
#include "io/vector_source.hpp"

namespace carereach::io {

namespace {

// ------------------------------------------------------------------------------------------------ text helpers

std::string_view trim(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n";
  const auto first = s.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(kSpace);
  return s.substr(first, last - first + 1);
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::optional<double> leading_number(std::string_view s, std::size_t& consumed) {
  double value = 0.0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value, std::chars_format::fixed);
  if (ec != std::errc() || !std::isfinite(value)) return std::nullopt;
  consumed = static_cast<std::size_t>(ptr - s.data());
  return value;
}

std::string shown_file(const SourceSpec& source) {
  return source.path_as_written.empty() ? source.path.string() : source.path_as_written;
}

std::string plural(std::size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

/// "feature 3, feature 9, feature 12 …" from a few examples and the total.
std::string examples_text(const std::vector<std::string>& examples, std::size_t total) {
  std::string out;
  for (std::size_t i = 0; i < examples.size(); ++i) {
    if (i > 0) out += ", ";
    out += examples[i];
  }
  if (total > examples.size()) out += " …";
  return out;
}

constexpr std::size_t kMaxExamples = 5;
constexpr std::size_t kMaxDistinctValues = 50;
constexpr double kMaxLineSpeedKmh = 200.0;
constexpr double kNodeGridPerMetre = 100.0;  // line layers: vertices identical after rounding to 1 cm are one node

void count_value(std::map<std::string, std::size_t>& values, std::string_view value) {
  auto it = values.find(std::string(value));
  if (it != values.end()) {
    ++it->second;
  } else if (values.size() < kMaxDistinctValues) {
    values.emplace(std::string(value), 1);
  } else {
    ++values["…"];
  }
}

// ------------------------------------------------------------------------------------------------ names

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

/// Distinct way names, interned into RoadData::names.
class NameTable {
 public:
  explicit NameTable(std::vector<std::string>& names) : names_(names) {}
  std::uint32_t intern(std::string_view name) {
    name = trim(name);
    if (name.empty()) return 0;
    if (const auto it = index_.find(name); it != index_.end()) return it->second;
    const auto id = static_cast<std::uint32_t>(names_.size());
    names_.emplace_back(name);
    index_.emplace(std::string(name), id);
    return id;
  }

 private:
  std::vector<std::string>& names_;
  std::unordered_map<std::string, std::uint32_t, StringHash, std::equal_to<>> index_;
};

// ------------------------------------------------------------------------------------------------ pending ways

struct WayAttrs {
  std::int64_t source_id = 0;
  float maxspeed_kmh = 0.0F;
  float speed_kmh = 0.0F;
  std::uint32_t name = 0;
  RoadClass road_class = RoadClass::kOther;
  std::uint8_t flags = 0;
  std::int8_t oneway = road_oneway::kBoth;
  std::uint8_t access = road_access::kAll;
};

/// Line-layer node key: the vertex rounded to the 1 cm grid of the analysis CRS.
struct GridKey {
  std::int64_t x = 0;
  std::int64_t y = 0;
  auto operator<=>(const GridKey&) const = default;
};

/// Ways whose node references are not yet resolved to shared nodes: every reference carries its key (OSM node
/// id or GridKey) and coordinates (WGS 84 lon/lat for OSM, analysis CRS metres for lines).
template <class Key>
struct PendingWays {
  std::vector<Key> ref_key;
  std::vector<double> ref_x;
  std::vector<double> ref_y;
  std::vector<std::uint32_t> way_offset{0};
  std::vector<WayAttrs> ways;
  std::size_t run_start = 0;

  void add(const Key& key, double x, double y) {
    if (ref_key.size() > run_start && ref_key.back() == key) return;  // the same node twice in a row
    ref_key.push_back(key);
    ref_x.push_back(x);
    ref_y.push_back(y);
  }
  /// Ends the current run of references as a way with attrs; a run of fewer than 2 nodes is discarded.
  bool close(const WayAttrs& attrs) {
    const bool keep = ref_key.size() >= run_start + 2;
    if (keep) {
      ways.push_back(attrs);
      way_offset.push_back(static_cast<std::uint32_t>(ref_key.size()));
    } else {
      ref_key.resize(run_start);
      ref_x.resize(run_start);
      ref_y.resize(run_start);
    }
    run_start = ref_key.size();
    return keep;
  }
};

template <class T>
void release(std::vector<T>& v) {
  std::vector<T>().swap(v);
}

/// Resolves references to shared nodes (equal keys = one node), projects OSM nodes, splits ways at nodes that
/// could not be projected, drops repeated nodes and ways outside the clip box, and packs RoadData.
template <class Key>
RoadData assemble(PendingWays<Key>& p, const geo::Transformer* project, const std::optional<ClipBox>& clip,
                  RoadLoadStats& stats) {
  const std::size_t ref_count = p.ref_key.size();
  if (ref_count >= std::numeric_limits<std::uint32_t>::max())
    throw std::length_error("more than 4 billion road node references");

  // 1. Node identity: sort (key, reference) pairs; the first reference of a key gives the node's coordinates.
  std::vector<std::uint32_t> ref_node(ref_count);
  std::vector<Key> node_key;
  std::vector<double> node_x;
  std::vector<double> node_y;
  {
    std::vector<std::pair<Key, std::uint32_t>> order(ref_count);
    for (std::size_t i = 0; i < ref_count; ++i) order[i] = {p.ref_key[i], static_cast<std::uint32_t>(i)};
    release(p.ref_key);
    std::sort(order.begin(), order.end());
    for (std::size_t i = 0; i < ref_count; ++i) {
      if (i == 0 || !(order[i].first == order[i - 1].first)) {
        node_key.push_back(order[i].first);
        node_x.push_back(p.ref_x[order[i].second]);
        node_y.push_back(p.ref_y[order[i].second]);
      }
      ref_node[order[i].second] = static_cast<std::uint32_t>(node_key.size() - 1);
    }
  }
  release(p.ref_x);
  release(p.ref_y);
  const std::size_t node_total = node_key.size();

  // 2. OSM: project every node once.
  std::vector<std::uint8_t> bad(node_total, 0);
  if (project != nullptr && node_total > 0) {
    project->transform(std::span<double>(node_x), std::span<double>(node_y));
    for (std::size_t i = 0; i < node_total; ++i) {
      if (!std::isfinite(node_x[i]) || !std::isfinite(node_y[i])) {
        bad[i] = 1;
        ++stats.vertices_not_transformed;
      }
    }
  }

  // 3. Ways: split at bad nodes, drop repeats, clip.
  RoadData out;
  out.way_nodes.reserve(ref_count);
  const std::size_t pending_ways = p.ways.size();
  for (std::size_t w = 0; w < pending_ways; ++w) {
    const WayAttrs& a = p.ways[w];
    std::size_t start = out.way_nodes.size();
    std::size_t parts = 0;
    auto flush = [&] {
      const std::size_t count = out.way_nodes.size() - start;
      bool keep = count >= 2;
      if (!keep && count > 0) ++stats.parts_degenerate;
      if (keep && clip) {
        keep = false;
        for (std::size_t i = start; i < out.way_nodes.size() && !keep; ++i)
          keep = clip->contains(node_x[out.way_nodes[i]], node_y[out.way_nodes[i]]);
        if (!keep) ++stats.ways_dropped_outside_clip;
      }
      if (keep) {
        ++parts;
        out.way_offset.push_back(static_cast<std::uint32_t>(out.way_nodes.size()));
        out.way_class.push_back(a.road_class);
        out.way_flags.push_back(a.flags);
        out.way_oneway.push_back(a.oneway);
        out.way_maxspeed_kmh.push_back(a.maxspeed_kmh);
        out.way_access.push_back(a.access);
        out.way_speed_kmh.push_back(a.speed_kmh);
        out.way_source_id.push_back(a.source_id);
        out.way_name.push_back(a.name);
      } else {
        out.way_nodes.resize(start);
      }
      start = out.way_nodes.size();
    };
    for (std::uint32_t r = p.way_offset[w]; r < p.way_offset[w + 1]; ++r) {
      const std::uint32_t node = ref_node[r];
      if (bad[node] != 0) {
        flush();
        continue;
      }
      if (out.way_nodes.size() > start && out.way_nodes.back() == node) continue;
      out.way_nodes.push_back(node);
    }
    flush();
    if (parts > 1) stats.parts_split += parts - 1;
  }
  release(ref_node);
  release(p.ways);

  // 4. Keep the nodes the ways use, in key order.
  constexpr std::uint32_t kUnused = std::numeric_limits<std::uint32_t>::max();
  std::vector<std::uint32_t> new_index(node_total, kUnused);
  for (std::uint32_t n : out.way_nodes) new_index[n] = 0;
  std::uint32_t used = 0;
  for (std::size_t i = 0; i < node_total; ++i)
    if (new_index[i] != kUnused) new_index[i] = used++;
  out.node_x_m.reserve(used);
  out.node_y_m.reserve(used);
  constexpr bool kOsmIds = std::is_same_v<Key, std::int64_t>;
  if constexpr (kOsmIds) out.node_source_id.reserve(used);
  for (std::size_t i = 0; i < node_total; ++i) {
    if (new_index[i] == kUnused) continue;
    out.node_x_m.push_back(node_x[i]);
    out.node_y_m.push_back(node_y[i]);
    if constexpr (kOsmIds) out.node_source_id.push_back(node_key[i]);
  }
  for (std::uint32_t& n : out.way_nodes) n = new_index[n];
  out.way_nodes.shrink_to_fit();
  out.way_offset.shrink_to_fit();
  out.way_class.shrink_to_fit();
  out.way_flags.shrink_to_fit();
  out.way_oneway.shrink_to_fit();
  out.way_maxspeed_kmh.shrink_to_fit();
  out.way_access.shrink_to_fit();
  out.way_speed_kmh.shrink_to_fit();
  out.way_source_id.shrink_to_fit();
  out.way_name.shrink_to_fit();
  out.load = stats;
  return out;
}

Location file_location(const SourceSpec& source) {
  Location at;
  at.file = shown_file(source);
  return at;
}

std::string source_key(const RoadSpec& spec) { return spec.source.key.empty() ? std::string("roads") : spec.source.key; }

void check_analysis_crs(const geo::CrsSpec& analysis_crs) {
  if (analysis_crs.kind != geo::CrsKind::kProj || !analysis_crs.is_projected_metric())
    throw CrsError("the analysis CRS " + analysis_crs.display() + " is not a projected CRS in metres; roads need one",
                   {}, "set analysis.crs = \"auto\" or to a Gauss–Krüger / UTM CRS such as \"EPSG:4547\"");
}

void throw_if_empty(const RoadData& roads, const SourceSpec& source, const std::optional<ClipBox>& clip) {
  if (roads.way_count() > 0) return;
  const RoadLoadStats& st = roads.load;
  const Location at = file_location(source);
  if (st.features_read == 0)
    throw InputError(st.source_kind == "osm" ? "holds no ways tagged highway=*" : "holds no features", at,
                     st.source_kind == "osm" ? "give an OpenStreetMap extract that covers the study area's roads"
                                             : "give a line layer with the roads of the study area");
  if (clip && st.ways_dropped_outside_clip > 0)
    throw InputError("none of its " + plural(st.ways_dropped_outside_clip, "road", "roads") +
                         " lies inside the study area", at,
                     "check that the roads cover the study area and that their coordinate system is right "
                     "(declare crs = \"…\" for the roads if the file has none or a wrong one)");
  throw InputError("holds no usable road (" + plural(st.features_read, "feature was", "features were") +
                       " read, " + std::to_string(st.features_excluded) + " excluded, " +
                       std::to_string(st.features_not_lines) + " without a line geometry)",
                   at, "'carereach validate' lists what was left out and why");
}

// ------------------------------------------------------------------------------------------------ access rules

enum class AccessValue { kUnknown, kAllow, kDeny };

AccessValue classify_access(const char* raw) {
  if (raw == nullptr) return AccessValue::kUnknown;
  std::string_view v(raw);
  if (const auto semi = v.find(';'); semi != std::string_view::npos) v = v.substr(0, semi);
  v = trim(v);
  static constexpr std::array<std::string_view, 7> kAllow{"yes",        "permissive", "designated", "destination",
                                                          "customers",  "official",   "discouraged"};
  static constexpr std::array<std::string_view, 11> kDeny{"no",        "private",   "agricultural", "forestry",
                                                          "delivery",  "military",  "emergency",    "psv",
                                                          "bus",       "use_sidepath", "dismount"};
  if (std::find(kAllow.begin(), kAllow.end(), v) != kAllow.end()) return AccessValue::kAllow;
  if (std::find(kDeny.begin(), kDeny.end(), v) != kDeny.end()) return AccessValue::kDeny;
  return AccessValue::kUnknown;
}

/// One mode: the most specific tag present with a known value decides. A mode-specific tag (foot, bicycle,
/// motorcar, motor_vehicle) can open a way the class keeps closed; a general one (vehicle, access) can only
/// close it, its "yes" keeps the class default (access=yes on a motorway does not invite walkers).
bool mode_allowed(const osmium::TagList& tags, std::initializer_list<const char*> specific,
                  std::initializer_list<const char*> general, bool class_default) {
  for (const char* key : specific) {
    const AccessValue v = classify_access(tags.get_value_by_key(key));
    if (v == AccessValue::kAllow) return true;
    if (v == AccessValue::kDeny) return false;
  }
  for (const char* key : general) {
    const AccessValue v = classify_access(tags.get_value_by_key(key));
    if (v == AccessValue::kAllow) return class_default;
    if (v == AccessValue::kDeny) return false;
  }
  return class_default;
}

/// libosmium keeps the tags of an object as "key\0value\0…" and steps from one tag to the next with strlen. A
/// string with a NUL byte inside (a damaged or hand-crafted .osm.pbf can hold one in its string table) shifts that
/// walk, which then reads past the end of the list. The list is walked here with bounds first: whole strings, an
/// even number of them, ending exactly at the end of the list.
bool tags_well_formed(const osmium::TagList& tags) {
  const unsigned char* p = tags.data() + sizeof(osmium::TagList);
  const unsigned char* const end = tags.data() + tags.byte_size();
  std::size_t strings = 0;
  while (p < end) {
    const void* nul = std::memchr(p, 0, static_cast<std::size_t>(end - p));
    if (nul == nullptr) return false;
    p = static_cast<const unsigned char*>(nul) + 1;
    ++strings;
  }
  return p == end && strings % 2 == 0;
}

/// The framing of an .osm.pbf checked before libosmium reads it: a sequence of [4-byte big-endian size][BlobHeader]
/// [Blob], each BlobHeader holding a non-empty type and a positive data size that fits in the file. libosmium 2.19
/// compares the type with strncmp on a null pointer when the type is missing (undefined behaviour, and such a
/// header passes as any type). Throws std::runtime_error naming the blob; reads only the headers.
void check_pbf_framing(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return;  // unreadable: the reader says so
  in.seekg(0, std::ios::end);
  const auto file_size = static_cast<std::uint64_t>(in.tellg());
  in.seekg(0);
  std::uint64_t at = 0;
  for (std::size_t blob = 1; at < file_size; ++blob) {
    const std::string which = "blob " + std::to_string(blob) + " (at byte " + std::to_string(at) + ")";
    unsigned char size_bytes[4];
    if (file_size - at < 4 || !in.read(reinterpret_cast<char*>(size_bytes), 4))
      throw std::runtime_error(which + ": the file ends inside a block size; the file is damaged or cut short");
    const std::uint32_t header_size = (std::uint32_t{size_bytes[0]} << 24) | (std::uint32_t{size_bytes[1]} << 16) |
                                      (std::uint32_t{size_bytes[2]} << 8) | std::uint32_t{size_bytes[3]};
    constexpr std::uint32_t kMaxHeader = 64U * 1024U;  // the PBF format's limit for a BlobHeader
    if (header_size == 0 || header_size > kMaxHeader || header_size > file_size - at - 4)
      throw std::runtime_error(which + ": a block header of " + std::to_string(header_size) +
                               " bytes; the file is damaged or not an .osm.pbf");
    std::string header(header_size, '\0');
    if (!in.read(header.data(), header_size))
      throw std::runtime_error(which + ": the file ends inside a block header; the file is damaged or cut short");
    std::size_t type_size = 0;
    std::int64_t data_size = 0;
    try {
      protozero::pbf_reader reader(header);
      while (reader.next()) {
        if (reader.tag() == 1 && reader.wire_type() == protozero::pbf_wire_type::length_delimited)
          type_size = reader.get_view().size();
        else if (reader.tag() == 3 && reader.wire_type() == protozero::pbf_wire_type::varint)
          data_size = reader.get_int32();
        else
          reader.skip();
      }
    } catch (const protozero::exception& e) {
      throw std::runtime_error(which + ": its block header cannot be decoded (" + e.what() + "); the file is damaged");
    }
    if (type_size == 0)
      throw std::runtime_error(which + ": its block header has no type; the file is damaged or not an .osm.pbf");
    const std::uint64_t after_header = at + 4 + header_size;
    if (data_size <= 0 || static_cast<std::uint64_t>(data_size) > file_size - after_header)
      throw std::runtime_error(which + ": a block of " + std::to_string(data_size) + " bytes where " +
                               std::to_string(file_size - after_header) + " remain; the file is damaged or cut short");
    at = after_header + static_cast<std::uint64_t>(data_size);
    in.seekg(static_cast<std::streamoff>(at));
  }
}

bool tag_is(const osmium::TagList& tags, const char* key, std::string_view value) {
  const char* v = tags.get_value_by_key(key);
  return v != nullptr && std::string_view(v) == value;
}

std::uint8_t osm_access(const osmium::TagList& tags, RoadClass road_class) {
  std::uint8_t base = default_road_access(road_class);
  // motorroad=yes (机动车专用路, expressway-like trunk roads): motor vehicles only.
  if (tag_is(tags, "motorroad", "yes") && (base & road_access::kCar) != 0) base = road_access::kCar;
  std::uint8_t access = 0;
  if (mode_allowed(tags, {"motorcar", "motor_vehicle"}, {"vehicle", "access"}, (base & road_access::kCar) != 0))
    access |= road_access::kCar;
  if (mode_allowed(tags, {"bicycle"}, {"vehicle", "access"}, (base & road_access::kBicycle) != 0))
    access |= road_access::kBicycle;
  if (mode_allowed(tags, {"foot"}, {"access"}, (base & road_access::kFoot) != 0)) access |= road_access::kFoot;
  return access;
}

// Highway values that are not usable roads or paths (lifecycle prefixes, areas, platforms, indoor features,
// bus-only ways, race tracks, climbing routes).
constexpr std::array<std::string_view, 21> kExcludedHighway{
    "construction", "proposed",  "abandoned", "disused",      "razed",        "dismantled", "demolished",
    "planned",      "no",        "platform",  "raceway",      "bus_guideway", "busway",     "elevator",
    "corridor",     "services",  "rest_area", "via_ferrata",  "escape",       "emergency_bay", "bus_stop"};

bool excluded_highway(std::string_view v) {
  return std::find(kExcludedHighway.begin(), kExcludedHighway.end(), v) != kExcludedHighway.end();
}

// ------------------------------------------------------------------------------------------------ OSM

using LocationIndex = osmium::index::map::FlexMem<osmium::unsigned_object_id_type, osmium::Location>;
using LocationHandler = osmium::handler::NodeLocationsForWays<LocationIndex, LocationIndex>;

struct MissingNodes {
  std::size_t ways_affected = 0;
  std::size_t ways_dropped = 0;
  std::vector<std::int64_t> example_way_ids;
};

/// Node references whose coordinates geo::CoordinateCheck refuses (out of range): an error.
struct RefusedNodes {
  std::size_t count = 0;
  std::string first;  ///< "node 5 of way 7"
  std::optional<geo::CoordinateProblem> first_problem;
};

class OsmRoadHandler : public osmium::handler::Handler {
 public:
  OsmRoadHandler(LocationHandler& locations, PendingWays<std::int64_t>& out, RoadLoadStats& stats, NameTable& names,
                 MissingNodes& missing, const geo::CoordinateCheck& check, RefusedNodes& refused)
      : locations_(locations), out_(out), stats_(stats), names_(names), missing_(missing), check_(check),
        refused_(refused) {}

  void node(const osmium::Node& node) {
    locations_.node(node);
    ++stats_.osm_nodes_read;
  }

  void way(osmium::Way& way) {
    const osmium::TagList& tags = way.tags();
    if (!tags_well_formed(tags))
      throw std::runtime_error("way " + std::to_string(way.id()) +
                               " has a tag with a NUL byte inside; the file is damaged");
    const char* highway_raw = tags.get_value_by_key("highway");
    if (highway_raw == nullptr) return;
    ++stats_.features_read;
    const std::string_view highway(highway_raw);
    if (excluded_highway(highway)) {
      ++stats_.features_excluded;
      count_value(stats_.excluded_values, "highway=" + std::string(highway));
      return;
    }
    if (tag_is(tags, "area", "yes")) {
      ++stats_.features_excluded;
      count_value(stats_.excluded_values, "area=yes");
      return;
    }

    WayAttrs a;
    a.source_id = way.id();
    const auto parsed = parse_road_class(highway);
    if (parsed && parsed->road_class != RoadClass::kOther) {
      a.road_class = parsed->road_class;
      if (parsed->link) a.flags |= road_flag::kLink;
    } else {
      a.road_class = RoadClass::kOther;
      ++stats_.unknown_class_features;
      count_value(stats_.unknown_class_values, highway);
    }
    a.access = osm_access(tags, a.road_class);

    const char* junction = tags.get_value_by_key("junction");
    const bool roundabout =
        junction != nullptr && (std::string_view(junction) == "roundabout" || std::string_view(junction) == "circular");
    a.oneway = (roundabout || a.road_class == RoadClass::kMotorway) ? road_oneway::kForward : road_oneway::kBoth;
    if (const char* oneway = tags.get_value_by_key("oneway"))
      if (const auto v = parse_osm_oneway(oneway)) a.oneway = *v;
    if (a.oneway != road_oneway::kBoth) {
      const char* cycleway = tags.get_value_by_key("cycleway");
      const bool opposite = cycleway != nullptr && std::string_view(cycleway).starts_with("opposite");
      if (tag_is(tags, "oneway:bicycle", "no") || opposite) a.flags |= road_flag::kOnewayNotForBicycle;
    }

    if (const char* maxspeed = tags.get_value_by_key("maxspeed")) {
      if (const auto v = parse_maxspeed_kmh(maxspeed)) {
        a.maxspeed_kmh = *v;
      } else {
        ++stats_.maxspeed_unparsed;
        count_value(stats_.maxspeed_unparsed_values, trim(maxspeed));
      }
    } else {
      // Direction-specific limits only: the lower of the two.
      const char* fwd = tags.get_value_by_key("maxspeed:forward");
      const char* bwd = tags.get_value_by_key("maxspeed:backward");
      const auto f = fwd != nullptr ? parse_maxspeed_kmh(fwd) : std::nullopt;
      const auto b = bwd != nullptr ? parse_maxspeed_kmh(bwd) : std::nullopt;
      if (f && b) a.maxspeed_kmh = (*f > 0 && *b > 0) ? std::min(*f, *b) : std::max(*f, *b);
      else if (f) a.maxspeed_kmh = *f;
      else if (b) a.maxspeed_kmh = *b;
    }
    if (const char* name = tags.get_value_by_key("name")) a.name = names_.intern(name);

    // Node locations (only for the ways kept: the handler sorts its index if the file was not sorted).
    locations_.way(way);
    std::size_t parts = 0;
    std::size_t missing_here = 0;
    for (const osmium::NodeRef& ref : way.nodes()) {
      const osmium::Location loc = ref.location();
      if (loc.is_defined()) {
        if (auto problem = check_.check(loc.lon_without_check(), loc.lat_without_check())) {
          if (refused_.count++ == 0) {
            refused_.first = "node " + std::to_string(ref.ref()) + " of way " + std::to_string(way.id());
            refused_.first_problem = std::move(problem);
          }
          if (out_.close(a)) ++parts;
          continue;
        }
      }
      if (!loc.valid()) {
        ++missing_here;
        if (out_.close(a)) ++parts;
        continue;
      }
      out_.add(ref.ref(), loc.lon_without_check(), loc.lat_without_check());
    }
    if (out_.close(a)) ++parts;
    if (parts > 1) stats_.parts_split += parts - 1;
    if (missing_here > 0) {
      stats_.node_refs_missing += missing_here;
      ++missing_.ways_affected;
      if (parts == 0) ++missing_.ways_dropped;
      if (missing_.example_way_ids.size() < kMaxExamples) missing_.example_way_ids.push_back(way.id());
    } else if (parts == 0) {
      ++stats_.parts_degenerate;  // a way with fewer than 2 distinct nodes
    }
  }

 private:
  LocationHandler& locations_;
  PendingWays<std::int64_t>& out_;
  RoadLoadStats& stats_;
  NameTable& names_;
  MissingNodes& missing_;
  const geo::CoordinateCheck& check_;
  RefusedNodes& refused_;
};

void check_readable_file(const SourceSpec& source, const std::string& key) {
  const Location at = file_location(source);
  std::error_code ec;
  if (!std::filesystem::exists(source.path, ec))
    throw InputError("file not found (resolved to " + source.path.string() + ")", at,
                     "check the path in the scenario (" + key +
                         "); relative paths are relative to the scenario file");
  if (std::filesystem::is_directory(source.path, ec))
    throw InputError("is a folder, not an OpenStreetMap file", at, "name the .osm.pbf file itself in " + key);
  std::ifstream probe(source.path, std::ios::binary);
  if (!probe) throw InputError("cannot be read (permission denied?)", at, "check the file's permissions");
}

RoadData load_osm(const RoadSpec& spec, const geo::CrsSpec& analysis_crs, const std::optional<ClipBox>& clip,
                  Diagnostics& diag) {
  const std::string key = source_key(spec);
  check_readable_file(spec.source, key);
  const Location at = file_location(spec.source);
  geo::Transformer to_analysis(geo::wgs84(), analysis_crs);
  if (!spec.source.crs.empty()) {
    const std::string declared = ascii_lower(trim(spec.source.crs));
    if (declared != "epsg:4326" && declared != "wgs84" && declared != "wgs 84")
      diag.warn("roads.osm_crs_ignored"_code,
                "the scenario declares crs = \"" + spec.source.crs +
                    "\" for an OpenStreetMap file; OpenStreetMap coordinates are always WGS 84 and are read as such",
                Location{{}, {}, {}, key + ".crs", spec.source.line}, "remove crs from " + key);
  }

  RoadData roads;
  RoadLoadStats stats;
  stats.source_kind = "osm";
  PendingWays<std::int64_t> pending;
  MissingNodes missing;
  RefusedNodes refused;
  const geo::CoordinateCheck check(geo::wgs84());
  {
    NameTable names(roads.names);
    LocationIndex positive_ids;
    LocationIndex negative_ids;  // hand-edited files (JOSM) use negative ids for new objects
    LocationHandler locations(positive_ids, negative_ids);
    locations.ignore_errors();
    OsmRoadHandler handler(locations, pending, stats, names, missing, check, refused);
    try {
      osmium::io::File file(spec.source.path.string());
      if (file.format() == osmium::io::file_format::pbf && file.compression() == osmium::io::file_compression::none)
        check_pbf_framing(spec.source.path);
      osmium::io::Reader reader(file, osmium::osm_entity_bits::node | osmium::osm_entity_bits::way,
                                osmium::io::read_meta::no);
      osmium::apply(reader, handler);
      reader.close();
    } catch (const std::exception& e) {
      throw InputError(std::string("cannot be read as OpenStreetMap data (") + e.what() + ")", at,
                       "give an OpenStreetMap file: .osm.pbf (recommended), .osm, .osm.bz2 or .osm.gz, e.g. an "
                       "extract from download.geofabrik.de; 'osmium fileinfo' checks a file");
    }
  }
  if (stats.osm_nodes_read == 0 && stats.features_read == 0)
    throw InputError("holds no OpenStreetMap nodes or ways", at,
                     "give an OpenStreetMap extract (.osm.pbf) that covers the study area");

  if (refused.count > 0) {
    Location where = at;
    where.feature = refused.first;
    report_coordinate(*refused.first_problem, where, Severity::kError, diag,
                      refused.count == 1 ? std::string()
                                         : std::to_string(refused.count) + " road node references are refused; the first: ");
  }
  RoadData assembled = assemble(pending, &to_analysis, clip, stats);
  assembled.names = std::move(roads.names);
  const RoadLoadStats& st = assembled.load;

  if (st.node_refs_missing > 0) {
    std::vector<std::string> examples;
    for (std::int64_t id : missing.example_way_ids) examples.push_back("way " + std::to_string(id));
    Location where = at;
    where.feature = examples_text(examples, missing.ways_affected);
    diag.warn("roads.osm_missing_nodes"_code,
              plural(st.node_refs_missing, "node reference", "node references") + " of " +
                  plural(missing.ways_affected, "way", "ways") +
                  " have no location in the file (the extract was cut without complete ways); the ways were "
                  "split at the gaps and " + plural(missing.ways_dropped, "way", "ways") +
                  " with fewer than 2 nodes left were dropped",
              where,
              "cut extracts with 'osmium extract --strategy complete_ways' (the default) and a margin around the "
              "study area");
  }
  if (st.vertices_not_transformed > 0)
    diag.warn("roads.transform_failed"_code,
              plural(st.vertices_not_transformed, "node", "nodes") + " could not be converted to the analysis CRS " +
                  analysis_crs.display() + "; ways were split there",
              at, "check that the analysis CRS suits the area of the extract");
  throw_if_empty(assembled, spec.source, clip);
  return assembled;
}

// ------------------------------------------------------------------------------------------------ line layers

struct ChineseClass {
  std::string_view name;
  RoadClass road_class;
  bool link;
  bool car_only;
};

// Chinese road-class names (行政等级, 技术等级, 城市道路等级 CJJ 37, common GIS vocabularies) and their OSM
// equivalents. docs/method/roads.md carries the same table; keep both in step.
constexpr std::array<ChineseClass, 68> kChineseClasses{{
    {"高速公路", RoadClass::kMotorway, false, false},
    {"高速", RoadClass::kMotorway, false, false},
    {"高速路", RoadClass::kMotorway, false, false},
    {"国家高速公路", RoadClass::kMotorway, false, false},
    {"国家高速", RoadClass::kMotorway, false, false},
    {"省级高速公路", RoadClass::kMotorway, false, false},
    {"省高速", RoadClass::kMotorway, false, false},
    {"匝道", RoadClass::kMotorway, true, false},
    {"高速匝道", RoadClass::kMotorway, true, false},
    {"互通匝道", RoadClass::kMotorway, true, false},
    {"城市快速路", RoadClass::kTrunk, false, true},
    {"快速路", RoadClass::kTrunk, false, true},
    {"城市快速干道", RoadClass::kTrunk, false, true},
    {"快速干道", RoadClass::kTrunk, false, true},
    {"国道", RoadClass::kTrunk, false, false},
    {"省道", RoadClass::kPrimary, false, false},
    {"县道", RoadClass::kSecondary, false, false},
    {"乡道", RoadClass::kTertiary, false, false},
    {"村道", RoadClass::kUnclassified, false, false},
    {"专用公路", RoadClass::kService, false, false},
    {"一级公路", RoadClass::kTrunk, false, false},
    {"二级公路", RoadClass::kPrimary, false, false},
    {"三级公路", RoadClass::kSecondary, false, false},
    {"四级公路", RoadClass::kTertiary, false, false},
    {"等外公路", RoadClass::kUnclassified, false, false},
    {"等外路", RoadClass::kUnclassified, false, false},
    {"农村公路", RoadClass::kUnclassified, false, false},
    {"乡村道路", RoadClass::kUnclassified, false, false},
    {"城市道路", RoadClass::kTertiary, false, false},
    {"城市主干路", RoadClass::kPrimary, false, false},
    {"城市主干道", RoadClass::kPrimary, false, false},
    {"主干路", RoadClass::kPrimary, false, false},
    {"主干道", RoadClass::kPrimary, false, false},
    {"城市次干路", RoadClass::kSecondary, false, false},
    {"城市次干道", RoadClass::kSecondary, false, false},
    {"次干路", RoadClass::kSecondary, false, false},
    {"次干道", RoadClass::kSecondary, false, false},
    {"城市支路", RoadClass::kResidential, false, false},
    {"支路", RoadClass::kResidential, false, false},
    {"街道", RoadClass::kResidential, false, false},
    {"街巷", RoadClass::kResidential, false, false},
    {"巷道", RoadClass::kResidential, false, false},
    {"胡同", RoadClass::kResidential, false, false},
    {"小区道路", RoadClass::kResidential, false, false},
    {"居住区道路", RoadClass::kResidential, false, false},
    {"内部道路", RoadClass::kService, false, false},
    {"单位内部道路", RoadClass::kService, false, false},
    {"机耕路", RoadClass::kTrack, false, false},
    {"机耕道", RoadClass::kTrack, false, false},
    {"田间道路", RoadClass::kTrack, false, false},
    {"生产路", RoadClass::kTrack, false, false},
    {"小路", RoadClass::kPath, false, false},
    {"小道", RoadClass::kPath, false, false},
    {"山路", RoadClass::kPath, false, false},
    {"步道", RoadClass::kPath, false, false},
    {"游步道", RoadClass::kPath, false, false},
    {"登山道", RoadClass::kPath, false, false},
    {"人行道", RoadClass::kFootway, false, false},
    {"步行道", RoadClass::kFootway, false, false},
    {"步行街", RoadClass::kPedestrian, false, false},
    {"自行车道", RoadClass::kCycleway, false, false},
    {"非机动车道", RoadClass::kCycleway, false, false},
    {"绿道", RoadClass::kCycleway, false, false},
    {"台阶", RoadClass::kSteps, false, false},
    {"阶梯", RoadClass::kSteps, false, false},
    {"梯道", RoadClass::kSteps, false, false},
    {"其他道路", RoadClass::kOther, false, false},
    {"其它道路", RoadClass::kOther, false, false},
}};

// The letters of Chinese route numbers (G104, S203, X012 …) as class codes.
constexpr std::array<std::pair<std::string_view, RoadClass>, 6> kRouteLetters{{
    {"G", RoadClass::kTrunk},
    {"S", RoadClass::kPrimary},
    {"X", RoadClass::kSecondary},
    {"Y", RoadClass::kTertiary},
    {"C", RoadClass::kUnclassified},
    {"Z", RoadClass::kService},
}};

struct ClassResolution {
  bool known = false;
  RoadClassMatch match;
  std::size_t features = 0;
  std::string first_feature;
};

/// Calls fn(const OGRSimpleCurve&) for every line part of g (multi-parts, collections and curves, which are
/// linearised). Returns false when g holds something that is not a line.
template <class F>
bool for_each_line(const OGRGeometry& g, F& fn) {
  switch (wkbFlatten(g.getGeometryType())) {
    case wkbLineString:
    case wkbLinearRing:
      fn(*g.toSimpleCurve());
      return true;
    case wkbMultiLineString:
    case wkbMultiCurve:
    case wkbGeometryCollection: {
      const OGRGeometryCollection* c = g.toGeometryCollection();
      bool all = true;
      for (int i = 0; i < c->getNumGeometries(); ++i) all = for_each_line(*c->getGeometryRef(i), fn) && all;
      return all;
    }
    case wkbCircularString:
    case wkbCompoundCurve: {
      const std::unique_ptr<OGRGeometry> linear(g.getLinearGeometry());
      return linear != nullptr && for_each_line(*linear, fn);
    }
    default:
      return false;
  }
}

struct FeatureProblems {
  std::size_t count = 0;
  std::vector<std::string> examples;
  void add(std::string example) {
    ++count;
    if (examples.size() < kMaxExamples) examples.push_back(std::move(example));
  }
};

RoadData load_lines(const RoadSpec& spec, const geo::CrsSpec& analysis_crs, const std::optional<ClipBox>& clip,
                    Diagnostics& diag) {
  const std::string key = source_key(spec);
  VectorSource src(spec.source, diag);
  const Location at = src.where_file();
  if (src.is_table())
    throw InputError("is a table, not a line layer", at,
                     "roads must be lines: give a GeoPackage, Shapefile, GeoJSON … line layer or an OSM file");
  switch (wkbFlatten(src.layer().GetGeomType())) {
    case wkbNone:
      throw InputError("has no geometry", at, "give a line layer of the roads");
    case wkbPoint:
    case wkbMultiPoint:
    case wkbPolygon:
    case wkbMultiPolygon:
    case wkbCurvePolygon:
    case wkbMultiSurface:
      throw InputError(std::string("holds ") + OGRGeometryTypeToName(src.layer().GetGeomType()) +
                           " geometries; roads must be lines",
                       at, "give a line layer (LineString / MultiLineString) of the roads");
    default:
      break;
  }

  const int class_index = src.field_index(spec.class_field, key + ".class_field", true);
  const int speed_index = src.field_index(spec.speed_field, key + ".speed_field", true);
  const int oneway_index = src.field_index(spec.oneway_field, key + ".oneway_field", true);
  const int name_index = src.field_index(spec.name_field, key + ".name_field", true);
  if (class_index < 0 && speed_index < 0)
    throw ScenarioError("roads from a line layer need a class field or a speed field",
                        Location{{}, {}, {}, key, spec.source.line},
                        "name the road-class column (class_field = \"…\") or a column of speeds in km/h "
                        "(speed_field = \"…\")");

  // The scenario's class map: input value -> class (OSM highway value, or a Chinese name of the table).
  std::map<std::string, RoadClassMatch, std::less<>> class_map;
  for (const auto& [from, to] : spec.class_map) {
    const auto m = match_road_class(to);
    if (!m)
      throw ScenarioError("class_map maps '" + from + "' to '" + to + "', which is not a road class",
                          Location{{}, {}, {}, key + ".class_map", spec.source.line},
                          "use an OpenStreetMap highway value: motorway, trunk, primary, secondary, tertiary, "
                          "unclassified, residential, living_street, service, track, path, footway, cycleway, "
                          "pedestrian, steps, bridleway (with _link for ramps) or other");
    class_map.emplace(std::string(trim(from)), *m);
  }

  const geo::CrsSpec source_crs = src.crs();
  std::optional<geo::Transformer> transformer;
  try {
    transformer.emplace(source_crs, analysis_crs);
  } catch (const CrsError& e) {
    throw CrsError(e.message(), at, e.hint());
  }

  RoadData roads;
  RoadLoadStats stats;
  stats.source_kind = "lines";
  PendingWays<GridKey> pending;
  NameTable names(roads.names);
  std::map<std::string, ClassResolution, std::less<>> classes;
  FeatureProblems bad_speed;
  FeatureProblems bad_oneway;
  FeatureProblems not_lines;
  FeatureProblems not_transformed;
  std::vector<double> xs;
  std::vector<double> ys;

  OGRLayer& layer = src.layer();
  layer.ResetReading();
  OGRFeatureUniquePtr feature;
  while (feature.reset(layer.GetNextFeature()), feature != nullptr) {
    const OGRFeature& f = *feature;
    ++stats.features_read;
    WayAttrs a;
    a.source_id = f.GetFID();

    // Class: the scenario's class map, then OSM highway values and the built-in Chinese names. Line layers
    // carry no direction by default (a motorway is often one line for both carriageways).
    if (class_index >= 0) {
      const std::string value = VectorSource::text(f, class_index);
      auto it = classes.find(value);
      if (it == classes.end()) {
        ClassResolution r;
        if (const auto mapped = class_map.find(value); mapped != class_map.end()) {
          r.known = true;
          r.match = mapped->second;
        } else if (const auto m = match_road_class(value)) {
          r.known = true;
          r.match = *m;
        }
        r.first_feature = src.feature_label(f);
        it = classes.emplace(value, std::move(r)).first;
      }
      ClassResolution& r = it->second;
      ++r.features;
      if (r.known) {
        a.road_class = r.match.road_class;
        if (r.match.link) a.flags |= road_flag::kLink;
      } else {
        ++stats.unknown_class_features;
      }
      a.access = r.known && r.match.car_only ? road_access::kCar : default_road_access(a.road_class);
    } else {
      a.access = default_road_access(a.road_class);
    }
    a.oneway = road_oneway::kBoth;

    if (speed_index >= 0) {
      const std::string value = VectorSource::text(f, speed_index);
      if (!value.empty()) {
        const auto v = parse_number(value);
        if (v && *v > 0.0 && *v <= kMaxLineSpeedKmh) {
          a.speed_kmh = static_cast<float>(*v);
        } else {
          ++stats.speed_values_bad;
          bad_speed.add(src.feature_label(f) + " '" + value + "'");
        }
      }
    }
    if (oneway_index >= 0) {
      const std::string value = VectorSource::text(f, oneway_index);
      if (const auto v = parse_line_oneway(value)) {
        a.oneway = *v;
      } else {
        ++stats.oneway_values_bad;
        bad_oneway.add(src.feature_label(f) + " '" + value + "'");
        a.oneway = road_oneway::kBoth;
      }
    }
    if (name_index >= 0) a.name = names.intern(VectorSource::text(f, name_index));

    const OGRGeometry* g = f.GetGeometryRef();
    if (g == nullptr || g->IsEmpty()) {
      ++stats.features_not_lines;
      not_lines.add(src.feature_label(f) + " (no geometry)");
      continue;
    }
    if (const geo::CoordinateCheck* check = src.coordinate_check()) {
      if (auto problem = geometry_problem(*g, *check)) {
        report_coordinate(*problem, geometry_where(src, f), Severity::kError, diag, "road ");
        continue;
      }
    }
    std::size_t parts = 0;
    std::size_t failed_here = 0;
    auto add_part = [&](const OGRSimpleCurve& line) {
      const int n = line.getNumPoints();
      xs.resize(static_cast<std::size_t>(n));
      ys.resize(static_cast<std::size_t>(n));
      for (int i = 0; i < n; ++i) {
        xs[static_cast<std::size_t>(i)] = line.getX(i);
        ys[static_cast<std::size_t>(i)] = line.getY(i);
      }
      transformer->transform(std::span<double>(xs), std::span<double>(ys));
      for (std::size_t i = 0; i < xs.size(); ++i) {
        if (!std::isfinite(xs[i]) || !std::isfinite(ys[i])) {
          ++failed_here;
          if (pending.close(a)) ++parts;
          continue;
        }
        const GridKey k{std::llround(xs[i] * kNodeGridPerMetre), std::llround(ys[i] * kNodeGridPerMetre)};
        pending.add(k, xs[i], ys[i]);
      }
      if (pending.close(a)) {
        ++parts;
      } else if (failed_here == 0) {
        ++stats.parts_degenerate;  // fewer than 2 distinct nodes after rounding to 1 cm
      }
    };
    // Non-line members of a collection that also holds lines are ignored; a feature without any line is reported.
    if (!for_each_line(*g, add_part) && parts == 0) {
      ++stats.features_not_lines;
      not_lines.add(src.feature_label(f) + " (" + OGRGeometryTypeToName(g->getGeometryType()) + ")");
    }
    if (parts > 1) stats.parts_split += parts - 1;
    if (failed_here > 0) {
      stats.vertices_not_transformed += failed_here;
      not_transformed.add(src.feature_label(f));
    }
  }

  RoadData assembled = assemble(pending, nullptr, clip, stats);
  assembled.names = std::move(roads.names);

  // Unknown class values: one warning per value, most frequent first.
  std::vector<std::pair<std::string, const ClassResolution*>> unknown;
  for (const auto& [value, r] : classes)
    if (!r.known) unknown.emplace_back(value, &r);
  std::stable_sort(unknown.begin(), unknown.end(),
                   [](const auto& x, const auto& y) { return x.second->features > y.second->features; });
  constexpr std::size_t kMaxClassWarnings = 20;
  for (std::size_t i = 0; i < unknown.size(); ++i) {
    const auto& [value, r] = unknown[i];
    assembled.load.unknown_class_values[value.empty() ? std::string("(empty)") : value] = r->features;
    if (i >= kMaxClassWarnings) continue;
    Location where = src.where_file(spec.class_field);
    where.feature = r->first_feature + (r->features > 1 ? " and " + std::to_string(r->features - 1) + " more" : "");
    const std::string shown = value.empty() ? std::string("an empty road class") : "road class '" + value + "'";
    diag.warn("roads.unknown_class"_code,
              plural(r->features, "feature has ", "features have ") + shown +
                  ", which carereach does not know; read as class 'other'",
              where,
              value.empty() ? std::string("fill in the class, or give these roads a speed (speed_field)")
                            : "map it in the scenario: [" + key + ".class_map] \"" + value +
                                  "\" = \"tertiary\" (any OpenStreetMap highway value)");
  }
  if (unknown.size() > kMaxClassWarnings) {
    std::size_t rest = 0;
    for (std::size_t i = kMaxClassWarnings; i < unknown.size(); ++i) rest += unknown[i].second->features;
    diag.warn("roads.unknown_class"_code,
              std::to_string(unknown.size() - kMaxClassWarnings) + " more unknown road classes (" +
                  plural(rest, "feature", "features") + ") were read as class 'other'",
              src.where_file(spec.class_field), "map them in the scenario's " + key + ".class_map");
  }
  if (bad_speed.count > 0) {
    Location where = src.where_file(spec.speed_field);
    where.feature = examples_text(bad_speed.examples, bad_speed.count);
    diag.warn("roads.bad_speed"_code,
              plural(bad_speed.count, "feature has a speed that is", "features have speeds that are") +
                  " not a number of km/h above 0 and up to 200; the class speed is used",
              where, "write speeds in km/h as numbers (e.g. 40), or leave the cell empty");
  }
  if (bad_oneway.count > 0) {
    Location where = src.where_file(spec.oneway_field);
    where.feature = examples_text(bad_oneway.examples, bad_oneway.count);
    diag.warn("roads.bad_oneway"_code,
              plural(bad_oneway.count, "feature has a oneway value", "features have oneway values") +
                  " that carereach does not understand; read as both directions",
              where, "use 1 (oneway along the line), -1 (against it) or 0 (both ways)");
  }
  if (not_lines.count > 0) {
    Location where = at;
    where.feature = examples_text(not_lines.examples, not_lines.count);
    diag.warn("roads.not_a_line"_code,
              plural(not_lines.count, "feature has", "features have") + " no line geometry and " +
                  (not_lines.count == 1 ? "was" : "were") + " left out",
              where, "give every road a LineString or MultiLineString geometry");
  }
  if (not_transformed.count > 0) {
    Location where = at;
    where.feature = examples_text(not_transformed.examples, not_transformed.count);
    diag.warn("roads.transform_failed"_code,
              plural(assembled.load.vertices_not_transformed, "vertex", "vertices") + " of " +
                  plural(not_transformed.count, "feature", "features") + " could not be converted from " +
                  source_crs.display() + " to " + analysis_crs.display() + "; the lines were split there",
              where, "check the coordinate system of the roads (declare crs = \"…\" in " + key + ")");
  }
  throw_if_empty(assembled, spec.source, clip);
  return assembled;
}

}  // namespace

// ------------------------------------------------------------------------------------------------ public

std::optional<float> parse_maxspeed_kmh(std::string_view value) {
  value = trim(value);
  if (value.empty()) return std::nullopt;
  if (value.find(';') != std::string_view::npos) {
    // Several limits (lanes, times): the lowest positive one; "none" only if all say none.
    std::optional<float> lowest;
    bool any = false;
    while (true) {
      const auto semi = value.find(';');
      const auto part = parse_maxspeed_kmh(value.substr(0, semi));
      if (!part) return std::nullopt;
      any = true;
      if (*part > 0.0F && (!lowest || *part < *lowest)) lowest = *part;
      if (semi == std::string_view::npos) break;
      value = value.substr(semi + 1);
    }
    return any ? std::optional<float>(lowest.value_or(0.0F)) : std::nullopt;
  }
  const std::string lower = ascii_lower(value);
  if (lower == "none" || lower == "unlimited") return 0.0F;
  if (lower == "walk") return kMaxspeedWalkKmh;
  std::size_t used = 0;
  const auto number = leading_number(lower, used);
  if (!number) return std::nullopt;
  const std::string_view unit = trim(std::string_view(lower).substr(used));
  double factor = 0.0;
  if (unit.empty() || unit == "km/h" || unit == "kmh" || unit == "kph") factor = 1.0;
  else if (unit == "mph") factor = 1.609344;
  else if (unit == "knots" || unit == "kn") factor = 1.852;
  else return std::nullopt;
  const double kmh = *number * factor;
  constexpr double kMaxPlausibleKmh = 300.0;
  if (!(kmh > 0.0 && kmh <= kMaxPlausibleKmh)) return std::nullopt;
  return static_cast<float>(kmh);
}

std::optional<std::int8_t> parse_osm_oneway(std::string_view value) {
  const std::string v = ascii_lower(trim(value));
  if (v == "yes" || v == "true" || v == "1") return road_oneway::kForward;
  if (v == "-1" || v == "reverse") return road_oneway::kReverse;
  if (v == "no" || v == "false" || v == "0" || v == "reversible" || v == "alternating") return road_oneway::kBoth;
  return std::nullopt;
}

std::optional<std::int8_t> parse_line_oneway(std::string_view value) {
  const std::string v = ascii_lower(trim(value));
  static constexpr std::array<std::string_view, 10> kForward{"yes", "true", "t", "y", "ft", "forward",
                                                            "是",  "单向", "正向", "顺向"};
  static constexpr std::array<std::string_view, 7> kReverse{"reverse", "tf", "backward", "反向", "逆向", "逆行", "-1"};
  static constexpr std::array<std::string_view, 9> kBoth{"", "no", "false", "f", "n", "b", "both", "否", "双向"};
  if (std::find(kForward.begin(), kForward.end(), v) != kForward.end()) return road_oneway::kForward;
  if (std::find(kReverse.begin(), kReverse.end(), v) != kReverse.end()) return road_oneway::kReverse;
  if (std::find(kBoth.begin(), kBoth.end(), v) != kBoth.end()) return road_oneway::kBoth;
  if (const auto n = parse_number(v)) {
    if (*n == 1.0) return road_oneway::kForward;
    if (*n == -1.0) return road_oneway::kReverse;
    if (*n == 0.0) return road_oneway::kBoth;
  }
  return std::nullopt;
}

std::optional<RoadClassMatch> match_road_class(std::string_view value) {
  value = trim(value);
  if (value.empty()) return std::nullopt;
  if (const auto osm = parse_road_class(ascii_lower(value)))
    return RoadClassMatch{osm->road_class, osm->link, false};
  for (const ChineseClass& c : kChineseClasses)
    if (c.name == value) return RoadClassMatch{c.road_class, c.link, c.car_only};
  for (const auto& [letter, road_class] : kRouteLetters)
    if (letter == value) return RoadClassMatch{road_class, false, false};
  return std::nullopt;
}

RoadData load_roads(const RoadSpec& spec, const geo::CrsSpec& analysis_crs, const std::optional<ClipBox>& clip,
                    Diagnostics& diag) {
  check_analysis_crs(analysis_crs);
  if (spec.kind == RoadSourceKind::kOsm) return load_osm(spec, analysis_crs, clip, diag);
  return load_lines(spec, analysis_crs, clip, diag);
}

}  // namespace carereach::io
