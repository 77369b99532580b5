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

/// The travel modes of AccessMod's scenario table. In carereach the mode of a cell decides one thing only: whether
/// the slope changes its speed in an anisotropic search (walking cells follow Tobler's hiking function; bicycling
/// and motorised cells keep their speed on any slope).
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
  /// Land-cover class per cell (Grid::index order), or empty when there is no land cover: then every cell takes
  /// the default speed.
  std::span<const std::int32_t> land_cover;
  std::int32_t land_cover_nodata = std::numeric_limits<std::int32_t>::min();  ///< class value meaning "no data"
  std::span<const SpeedClass> speed_table;
  /// Road speed per cell in km/h (the fastest road of the mode rasterised into the cell; 0 = no road), or empty.
  std::span<const float> road_speed_kmh;
  SpeedMode road_mode = SpeedMode::kMotorized;  ///< mode of road cells
  /// Barrier per cell (non-zero = impassable: rivers, lakes, cliffs, closed borders), or empty.
  std::span<const std::uint8_t> barrier;
  /// A road drawn across a barrier crosses it (bridge, tunnel, ferry): the road cell stays passable. When false,
  /// barriers win over roads.
  bool roads_cross_barriers = true;
  double default_speed_kmh = 5.0;  ///< cells without land cover (no-data or no land cover at all): walking 5 km/h
  SpeedMode default_mode = SpeedMode::kWalking;
};

/// Where the cells' speeds came from.
struct FrictionStats {
  std::size_t road_cells = 0;
  std::size_t land_cover_cells = 0;        ///< speed from the table (passable classes)
  std::size_t default_cells = 0;           ///< no land cover: default speed
  std::size_t barrier_cells = 0;           ///< impassable because of a barrier
  std::size_t impassable_class_cells = 0;  ///< class with speed 0
  std::size_t unknown_class_cells = 0;     ///< class missing from the table: impassable
  std::size_t passable_cells = 0;
};

struct FrictionResult {
  FrictionSurface surface;
  FrictionStats stats;
  std::vector<Problem> warnings;
};

/// Builds the surface. Per cell, the first rule that applies:
///  1. a barrier (unless a road crosses it and roads_cross_barriers) → impassable;
///  2. a road (speed > 0) → the road speed, road_mode;
///  3. land cover no-data (or no land cover given) → default speed and mode;
///  4. a class of the table → its speed and mode (speed 0 → impassable);
///  5. a class missing from the table → impassable, with a warning naming the class (as AccessMod does).
/// Throws std::invalid_argument when an array does not have one entry per cell, and ScenarioError when the speed
/// table is unusable (a class twice, a negative or non-finite speed, a non-positive default speed).
FrictionResult build_friction(const FrictionInputs& in);

}  // namespace carereach::raster
