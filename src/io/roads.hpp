#pragma once
// Reading road networks: OpenStreetMap files (libosmium: .osm.pbf, .pbf, .osm, .osm.bz2, .osm.gz) or any OGR
// line layer with a class and/or speed field, into RoadData in the analysis CRS. docs/method/roads.md documents
// the tag rules, the Chinese road-class names, the node identity rule and the limits.

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/diagnostics.hpp"
#include "core/road_data.hpp"
#include "geo/crs.hpp"
#include "io/scenario.hpp"

namespace carereach::io {

/// Reads the roads named by spec into analysis_crs (a projected CRS in metres). Ways with no node inside clip
/// (when given) are left out and counted in RoadData::load. Problems with single ways or features (missing
/// node locations, unknown classes, bad speed or oneway values) go to diag as warnings.
/// Throws InputError when the file is missing, unreadable, not OSM / not a line layer, names a field it does
/// not have, or holds no usable road (inside clip); CrsError when a CRS is missing or unusable; ScenarioError
/// when a line layer has neither class_field nor speed_field or class_map maps to an unknown class.
RoadData load_roads(const RoadSpec& spec, const geo::CrsSpec& analysis_crs, const std::optional<ClipBox>& clip,
                    Diagnostics& diag);

// --- the tag and value rules, exposed for tests and for documentation checks

/// OSM maxspeed in km/h: "50", "50 km/h", "50kmh", "30 mph", "10 knots", "walk" (5 km/h), "none" (0, no
/// limit); "50;60" → the lowest. nullopt for anything else ("CN:urban", "signals", "variable", "0").
std::optional<float> parse_maxspeed_kmh(std::string_view value);

/// Walking pace for maxspeed=walk.
inline constexpr float kMaxspeedWalkKmh = 5.0F;

/// OSM oneway: yes/true/1 → +1; -1/reverse → -1; no/false/0 and reversible/alternating → 0. nullopt for
/// anything else (the class default applies).
std::optional<std::int8_t> parse_osm_oneway(std::string_view value);

/// A line layer's oneway field: 1/yes/true/t/y/FT/是/单向/正向 → +1; -1/reverse/TF/反向/逆向 → -1;
/// 0/no/false/f/n/B/both/否/双向 and "" → 0. nullopt for anything else.
std::optional<std::int8_t> parse_line_oneway(std::string_view value);

struct RoadClassMatch {
  RoadClass road_class = RoadClass::kOther;
  bool link = false;
  bool car_only = false;  ///< the name implies a road closed to walking and cycling (城市快速路)
};

/// A road-class value of a line layer: an OSM highway value (any case, *_link included, "other"), or a Chinese
/// class name of the built-in table (高速公路, 国道, 省道, 县道, 乡道, 村道, 城市主干路 …, documented in
/// docs/method/roads.md), or one of the administrative route letters G/S/X/Y/C/Z. nullopt when unknown.
std::optional<RoadClassMatch> match_road_class(std::string_view value);

}  // namespace carereach::io
