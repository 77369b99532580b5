#pragma once
// Speed profiles in TOML: the shipped profile (data/speeds.toml, compiled in), a profile file, and a scenario's
// overrides. docs/method/speeds.md lists every default with its source and the layout below.
//
// Layout (the shipped file is the body of a scenario's [travel] table):
//   access_speed_kmh = 5.0            # km/h, > 0 and ≤ 200
//   max_access_distance_m = 1000.0    # m, > 0 and ≤ 100000
//   [speeds.<mode>]                   # mode: walk, bicycle, ebike, car (mixed uses car and walk)
//   link_factor = 0.75                # > 0 and ≤ 1
//   cap_at_maxspeed = true
//   <class> = 55.0                    # km/h, > 0 and ≤ 200; class: an OSM highway value of RoadClass or "other"
//   [estimate.<mode>]                 # straight-line estimate (docs/method/estimate.md); optional in a profile file
//   speed_kmh = 35.0                  # km/h, > 0 and ≤ 200
//   circuity = 1.3                    # ≥ 1 and ≤ 5
// In a scenario: [travel] access_speed_kmh = …, and [travel.speeds.car] primary = 60.

#include <string>

#include <toml++/toml.h>

#include "core/speeds.hpp"
#include "io/toml_reader.hpp"

namespace carereach::io {

/// The shipped profile: data/speeds.toml as compiled into the program (parsed once). source = "data/speeds.toml".
SpeedProfile default_speed_profile();

/// A complete profile from TOML text: every class of walk, bicycle, ebike and car and both access keys are
/// required (link_factor defaults to 1, cap_at_maxspeed to false). Malformed TOML, unknown keys, classes and modes,
/// missing values and values out of range are ScenarioError naming file_for_messages, the key and the line.
SpeedProfile parse_speed_profile(const std::string& toml_text, const std::string& file_for_messages);

/// Applies the speed keys of a [travel] table to `profile`: access_speed_kmh, max_access_distance_m and the
/// speeds.<mode> tables, any subset of them. The speeds tables are checked completely (unknown modes and keys are
/// errors); other keys of `travel` are left unread for the caller, who calls travel.finish().
void apply_speed_overrides(SpeedProfile& profile, TomlTable& travel);

/// The same for a bare table (key_path: its key in the file, e.g. "travel"; file: the file as shown in messages),
/// where every key must be a speed key.
void apply_speed_overrides(SpeedProfile& profile, const toml::table& travel, const std::string& key_path,
                           const std::string& file);

}  // namespace carereach::io
