#pragma once
// Friction surfaces of the raster (AccessMod-compatible) engine: for every grid cell, the seconds it takes to
// cross one metre of it. Built from a land-cover class per cell and a speed table (AccessMod's scenario table:
// class, label, speed in km/h, mode), with roads burned in and barriers made impassable.
// docs/method/raster-travel-time.md describes the rules.

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostics.hpp"
#include "core/grid.hpp"

namespace carereach::raster {

/// The travel modes of AccessMod's scenario table, slowest first. The mode of a cell decides whether the slope
/// changes its speed in an anisotropic search (walking cells follow Tobler's hiking function; bicycling and motorised
/// cells keep their speed on any slope); the mode of a land-cover class decides whether it is a speed source of the
/// traveller's mode (FrictionInputs::travel_mode, docs/method/raster-travel-time.md, "Speed sources of a mode").
enum class SpeedMode : std::uint8_t { kWalking, kBicycling, kMotorized };

/// "WALKING", "BICYCLING", "MOTORIZED" (AccessMod's spelling).
const char* to_string(SpeedMode m);
/// Parses AccessMod's mode names in any case ("walking", "MOTORIZED"); "MOTORISED" is accepted too.
std::optional<SpeedMode> parse_speed_mode(std::string_view s);

/// One row of the speed table.
struct SpeedClass {
  std::int32_t land_cover_class = 0;
  std::string label;
  double speed_kmh = 0.0;  ///< 0 = the class cannot be crossed (water, cliffs)
  SpeedMode mode = SpeedMode::kWalking;
};

struct FrictionSurface {
  static constexpr float kImpassable = std::numeric_limits<float>::infinity();

  Grid grid;
  std::vector<float> seconds_per_metre;  ///< per cell (Grid::index order); kImpassable = cannot be entered or crossed
  std::vector<SpeedMode> mode;           ///< per cell; empty = every cell is a walking cell

  [[nodiscard]] bool passable(std::size_t cell) const { return seconds_per_metre[cell] != kImpassable; }
  /// The mode of a cell (kWalking when `mode` is empty).
  [[nodiscard]] SpeedMode mode_at(std::size_t cell) const { return mode.empty() ? SpeedMode::kWalking : mode[cell]; }
  [[nodiscard]] std::size_t memory_bytes() const {
    return seconds_per_metre.capacity() * sizeof(float) + mode.capacity() * sizeof(SpeedMode);
  }
};

/// Seconds per metre at a speed: 3.6 / speed_kmh; kImpassable for a speed of 0 (or less, or not a number).
float friction_at_speed(double speed_kmh);

/// Everything a friction surface is built from, as plain per-cell arrays on one grid (io rasterises the inputs).
struct FrictionInputs {
  Grid grid;
  /// Land-cover class per cell (Grid::index order), or empty when there is no land cover: then no cell has land
  /// cover.
  std::span<const std::int32_t> land_cover;
  std::int32_t land_cover_nodata = std::numeric_limits<std::int32_t>::min();  ///< class value meaning "no data"
  std::span<const SpeedClass> speed_table;
  /// A friction surface given directly, seconds per metre per cell (NaN = no data), or empty. When given it replaces
  /// the land cover (which must then be empty): a cell with a value takes it, in travel_mode (a speed source of the
  /// traveller's mode); a NaN cell is a cell without land cover (rule 3). Values must be > 0 and finite.
  std::span<const float> friction_s_per_m;
  /// Road speed per cell in km/h (the fastest road of the mode rasterised into it; 0 = no road), or empty.
  std::span<const float> road_speed_kmh;
  /// The mode of each road cell ([raster.road_modes]: the walk along a track in a car standard), or empty: every
  /// road cell is in travel_mode. A road mode must not be faster than travel_mode (the rasteriser gives the
  /// traveller's own mode there).
  std::span<const SpeedMode> road_mode;
  /// The traveller's mode (the standard's: walk → WALKING, bicycle and e-bike → BICYCLING, car and mixed →
  /// MOTORIZED). Road cells take it; land-cover classes of this mode are its speed sources.
  SpeedMode travel_mode = SpeedMode::kMotorized;
  /// A class of a faster mode than travel_mode (a MOTORIZED class for a walker) is crossed at the smaller of its
  /// speed and this one — the traveller's own speed off the roads — in travel_mode, with a warning.
  double faster_class_speed_kmh = 5.0;
  /// Barrier per cell (non-zero = impassable: rivers, lakes, cliffs, closed borders), or empty.
  std::span<const std::uint8_t> barrier;
  /// A road drawn across a barrier crosses it (bridge, tunnel, ferry): the road cell stays passable. When false,
  /// barriers win over roads.
  bool roads_cross_barriers = true;
  /// Cells without land cover (no-data, or no land cover at all) and without a road: impassable (false, as in
  /// AccessMod), or walked at default_speed_kmh (true: [raster] no_land_cover = "default_speed").
  bool no_land_cover_default_speed = false;
  double default_speed_kmh = 5.0;  ///< with no_land_cover_default_speed
  /// Persons per cell, or empty: only to count the people living on cells without land cover.
  std::span<const double> persons;
};

/// Where the cells' speeds came from.
struct FrictionStats {
  std::size_t road_cells = 0;
  std::size_t road_other_mode_cells = 0;   ///< of them: a road class of a slower mode ([raster.road_modes])
  std::size_t land_cover_cells = 0;        ///< speed from the table (passable classes, slowed ones included)
  std::size_t friction_cells = 0;          ///< speed from the friction surface given directly
  std::size_t slowed_cells = 0;            ///< of them: a class of a faster mode, crossed at faster_class_speed_kmh
  std::size_t other_mode_cells = 0;        ///< of them: a class of a slower mode (the walk to the vehicle)
  std::size_t no_land_cover_cells = 0;     ///< no land cover, no road, no barrier (impassable or at the default speed)
  std::size_t no_land_cover_populated_cells = 0;  ///< of them: with persons > 0
  double no_land_cover_persons = 0.0;             ///< the persons on them
  std::size_t default_cells = 0;           ///< no land cover, walked at the default speed (opt-in)
  std::size_t barrier_cells = 0;           ///< impassable because of a barrier
  std::size_t impassable_class_cells = 0;  ///< class with speed 0
  std::size_t unknown_class_cells = 0;     ///< class missing from the table: impassable
  std::size_t passable_cells = 0;
  /// Passable cells whose speed is the traveller's own: road cells, classes of travel_mode, slowed classes, and
  /// default-speed cells when the traveller walks. None: the surface has no speed for the mode at all.
  std::size_t source_cells = 0;
};

struct FrictionResult {
  FrictionSurface surface;
  FrictionStats stats;
  std::vector<Problem> warnings;
};

/// Builds the surface. Per cell, the first rule that applies:
///  1. a barrier (unless a road crosses it and roads_cross_barriers) → impassable;
///  2. a road (speed > 0) → the road speed, in the road's mode (road_mode) or travel_mode;
///  2b. a friction surface given directly: a cell with a value → that value, travel_mode;
///  3. no land cover (no-data, or no land cover given) → impassable, or the default speed walking when
///     no_land_cover_default_speed (counted, with the warning raster.no_land_cover either way);
///  4. a class of the table with speed 0 → impassable;
///  5. a class of travel_mode → its speed;
///  6. a class of a slower mode → its speed and mode (the traveller walks or cycles there);
///  7. a class of a faster mode → min(its speed, faster_class_speed_kmh), travel_mode, with the warning
///     raster.class_mode_slowed naming the class;
///  8. a class missing from the table → impassable, with a warning naming the class (as AccessMod does).
/// Throws std::invalid_argument when an array does not have one entry per cell, and ScenarioError when the speed
/// table is unusable (a class twice, a negative or non-finite speed, a non-positive default or own speed).
FrictionResult build_friction(const FrictionInputs& in);

}  // namespace carereach::raster
