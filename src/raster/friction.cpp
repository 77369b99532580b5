#include "raster/friction.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <stdexcept>
#include <unordered_map>

#include "core/error.hpp"
#include "core/units.hpp"

namespace carereach::raster {

const char* to_string(SpeedMode m) {
  switch (m) {
    case SpeedMode::kWalking:
      return "WALKING";
    case SpeedMode::kBicycling:
      return "BICYCLING";
    case SpeedMode::kMotorized:
      return "MOTORIZED";
  }
  return "WALKING";
}

std::optional<SpeedMode> parse_speed_mode(std::string_view s) {
  std::string upper(s);
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  if (upper == "WALKING") return SpeedMode::kWalking;
  if (upper == "BICYCLING") return SpeedMode::kBicycling;
  if (upper == "MOTORIZED" || upper == "MOTORISED") return SpeedMode::kMotorized;
  return std::nullopt;
}

float friction_at_speed(double speed_kmh) {
  if (!(speed_kmh > 0.0) || !std::isfinite(speed_kmh)) return FrictionSurface::kImpassable;
  return static_cast<float>(units::kSecPerHour / units::kMetresPerKm / speed_kmh);
}

namespace {

void check_size(std::size_t size, std::size_t cells, const char* what) {
  if (size != 0 && size != cells) {
    throw std::invalid_argument(std::string("build_friction: ") + what + " has " + std::to_string(size) +
                                " entries for a grid of " + std::to_string(cells) + " cells");
  }
}

Location field_location(const char* field) {
  Location where;
  where.field = field;
  return where;
}

struct ClassEntry {
  float seconds_per_metre = FrictionSurface::kImpassable;
  SpeedMode mode = SpeedMode::kWalking;
};

}  // namespace

FrictionResult build_friction(const FrictionInputs& in) {
  const std::size_t cells = in.grid.cell_count();
  check_size(in.land_cover.size(), cells, "land_cover");
  check_size(in.road_speed_kmh.size(), cells, "road_speed_kmh");
  check_size(in.barrier.size(), cells, "barrier");
  if (!(in.default_speed_kmh > 0.0) || !std::isfinite(in.default_speed_kmh)) {
    throw ScenarioError(
        "the default speed must be a positive number of km/h, not " + std::to_string(in.default_speed_kmh),
        field_location("default_speed_kmh"));
  }

  std::unordered_map<std::int32_t, ClassEntry> table;
  for (const SpeedClass& c : in.speed_table) {
    if (!std::isfinite(c.speed_kmh) || c.speed_kmh < 0.0) {
      throw ScenarioError("land-cover class " + std::to_string(c.land_cover_class) + " (" + c.label + ") has speed " +
                              std::to_string(c.speed_kmh) + " km/h",
                          field_location("speed_table"), "give a speed ≥ 0 km/h (0 = impassable)");
    }
    if (!table.emplace(c.land_cover_class, ClassEntry{friction_at_speed(c.speed_kmh), c.mode}).second) {
      throw ScenarioError("land-cover class " + std::to_string(c.land_cover_class) + " is in the speed table twice",
                          field_location("speed_table"), "keep one row per class");
    }
  }

  FrictionResult out;
  FrictionSurface& s = out.surface;
  s.grid = in.grid;
  s.seconds_per_metre.assign(cells, FrictionSurface::kImpassable);
  s.mode.assign(cells, in.default_mode);
  const float default_friction = friction_at_speed(in.default_speed_kmh);
  std::map<std::int32_t, std::size_t> unknown;  // class → cells (ordered: stable warnings)
  FrictionStats& st = out.stats;

  for (std::size_t i = 0; i < cells; ++i) {
    const bool road = !in.road_speed_kmh.empty() && in.road_speed_kmh[i] > 0.0F;
    const bool barrier = !in.barrier.empty() && in.barrier[i] != 0;
    if (barrier && !(road && in.roads_cross_barriers)) {
      ++st.barrier_cells;
      continue;
    }
    if (road) {
      s.seconds_per_metre[i] = friction_at_speed(in.road_speed_kmh[i]);
      s.mode[i] = in.road_mode;
      ++st.road_cells;
      continue;
    }
    if (in.land_cover.empty() || in.land_cover[i] == in.land_cover_nodata) {
      s.seconds_per_metre[i] = default_friction;
      ++st.default_cells;
      continue;
    }
    const auto it = table.find(in.land_cover[i]);
    if (it == table.end()) {
      ++unknown[in.land_cover[i]];
      ++st.unknown_class_cells;
      continue;
    }
    s.seconds_per_metre[i] = it->second.seconds_per_metre;
    s.mode[i] = it->second.mode;
    if (it->second.seconds_per_metre == FrictionSurface::kImpassable) {
      ++st.impassable_class_cells;
    } else {
      ++st.land_cover_cells;
    }
  }
  st.passable_cells = st.road_cells + st.default_cells + st.land_cover_cells;

  for (const auto& [cls, n] : unknown) {
    out.warnings.push_back(Problem{Severity::kWarning, ExitCode::kOk, "raster.land_cover_class_unknown"_code,
                                   "land-cover class " + std::to_string(cls) + " is not in the speed table; its " +
                                       std::to_string(n) + " cells are impassable",
                                   field_location("speed_table"),
                                   "add the class to the speed table (speed 0 keeps it impassable)"});
  }
  return out;
}

}  // namespace carereach::raster
