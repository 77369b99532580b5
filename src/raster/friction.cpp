#include "raster/friction.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>
#include <stdexcept>
#include <unordered_map>

#include "core/error.hpp"
#include "core/population.hpp"
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

/// How the traveller uses a class: at its speed as a speed source of their mode, at its speed in a slower mode
/// (walking to the vehicle), or slowed to their own speed (a faster mode's class).
enum class ClassUse : std::uint8_t { kOwn, kSlowerMode, kSlowed };

struct ClassEntry {
  float seconds_per_metre = FrictionSurface::kImpassable;
  SpeedMode mode = SpeedMode::kWalking;
  ClassUse use = ClassUse::kOwn;
  double table_speed_kmh = 0.0;
};

}  // namespace

FrictionResult build_friction(const FrictionInputs& in) {
  const std::size_t cells = in.grid.cell_count();
  check_size(in.land_cover.size(), cells, "land_cover");
  check_size(in.road_speed_kmh.size(), cells, "road_speed_kmh");
  check_size(in.road_mode.size(), cells, "road_mode");
  for (const SpeedMode m : in.road_mode)
    if (m > in.travel_mode) throw std::invalid_argument("build_friction: a road cell of a faster mode than the traveller's");
  check_size(in.barrier.size(), cells, "barrier");
  check_size(in.persons.size(), cells, "persons");
  check_size(in.friction_s_per_m.size(), cells, "friction_s_per_m");
  if (!in.friction_s_per_m.empty() && !in.land_cover.empty())
    throw std::invalid_argument("build_friction: a friction surface and a land cover given together");
  for (const float f : in.friction_s_per_m)
    if (!std::isnan(f) && !(f > 0.0F && std::isfinite(f)))
      throw std::invalid_argument("build_friction: a friction of " + std::to_string(f) +
                                  " s/m (must be more than 0 and finite, or NaN for no data)");
  if (!(in.default_speed_kmh > 0.0) || !std::isfinite(in.default_speed_kmh)) {
    throw ScenarioError(
        "the default speed must be a positive number of km/h, not " + std::to_string(in.default_speed_kmh),
        field_location("default_speed_kmh"));
  }
  if (!(in.faster_class_speed_kmh > 0.0) || !std::isfinite(in.faster_class_speed_kmh))
    throw std::invalid_argument("build_friction: the traveller's own speed must be a positive number of km/h");

  std::unordered_map<std::int32_t, ClassEntry> table;
  std::map<std::int32_t, std::string> labels;
  for (const SpeedClass& c : in.speed_table) {
    if (!std::isfinite(c.speed_kmh) || c.speed_kmh < 0.0) {
      throw ScenarioError("land-cover class " + std::to_string(c.land_cover_class) + " (" + c.label + ") has speed " +
                              std::to_string(c.speed_kmh) + " km/h",
                          field_location("speed_table"), "give a speed ≥ 0 km/h (0 = impassable)");
    }
    ClassEntry e{friction_at_speed(c.speed_kmh), c.mode, ClassUse::kOwn, c.speed_kmh};
    if (e.seconds_per_metre != FrictionSurface::kImpassable && c.mode != in.travel_mode) {
      if (c.mode < in.travel_mode) {
        e.use = ClassUse::kSlowerMode;
      } else {
        // A faster mode's class (a MOTORIZED class for a walker): the traveller crosses it at their own speed.
        e.use = ClassUse::kSlowed;
        e.mode = in.travel_mode;
        e.seconds_per_metre = friction_at_speed(std::min(c.speed_kmh, in.faster_class_speed_kmh));
      }
    }
    if (!table.emplace(c.land_cover_class, e).second) {
      throw ScenarioError("land-cover class " + std::to_string(c.land_cover_class) + " is in the speed table twice",
                          field_location("speed_table"), "keep one row per class");
    }
    labels[c.land_cover_class] = c.label;
  }

  FrictionResult out;
  FrictionSurface& s = out.surface;
  s.grid = in.grid;
  s.seconds_per_metre.assign(cells, FrictionSurface::kImpassable);
  s.mode.assign(cells, SpeedMode::kWalking);
  const float default_friction = friction_at_speed(in.default_speed_kmh);
  std::map<std::int32_t, std::size_t> unknown;  // class → cells (ordered: stable warnings)
  std::map<std::int32_t, std::size_t> slowed;   // class → cells
  FrictionStats& st = out.stats;
  CompensatedSum persons_without;

  for (std::size_t i = 0; i < cells; ++i) {
    const bool road = !in.road_speed_kmh.empty() && in.road_speed_kmh[i] > 0.0F;
    const bool barrier = !in.barrier.empty() && in.barrier[i] != 0;
    if (barrier && !(road && in.roads_cross_barriers)) {
      ++st.barrier_cells;
      continue;
    }
    if (road) {
      s.seconds_per_metre[i] = friction_at_speed(in.road_speed_kmh[i]);
      s.mode[i] = in.road_mode.empty() ? in.travel_mode : in.road_mode[i];
      ++st.road_cells;
      if (s.mode[i] != in.travel_mode) ++st.road_other_mode_cells;
      continue;
    }
    if (!in.friction_s_per_m.empty() && !std::isnan(in.friction_s_per_m[i])) {
      s.seconds_per_metre[i] = in.friction_s_per_m[i];
      s.mode[i] = in.travel_mode;
      ++st.friction_cells;
      continue;
    }
    if (in.land_cover.empty() || in.land_cover[i] == in.land_cover_nodata) {
      ++st.no_land_cover_cells;
      if (!in.persons.empty() && in.persons[i] > 0.0) {
        ++st.no_land_cover_populated_cells;
        persons_without.add(in.persons[i]);
      }
      if (in.no_land_cover_default_speed) {
        s.seconds_per_metre[i] = default_friction;
        s.mode[i] = SpeedMode::kWalking;
        ++st.default_cells;
      }
      continue;
    }
    const auto it = table.find(in.land_cover[i]);
    if (it == table.end()) {
      ++unknown[in.land_cover[i]];
      ++st.unknown_class_cells;
      continue;
    }
    const ClassEntry& e = it->second;
    s.seconds_per_metre[i] = e.seconds_per_metre;
    s.mode[i] = e.mode;
    if (e.seconds_per_metre == FrictionSurface::kImpassable) {
      ++st.impassable_class_cells;
      continue;
    }
    ++st.land_cover_cells;
    if (e.use == ClassUse::kSlowerMode) ++st.other_mode_cells;
    if (e.use == ClassUse::kSlowed) {
      ++st.slowed_cells;
      ++slowed[in.land_cover[i]];
    }
  }
  st.no_land_cover_persons = persons_without.value();
  st.passable_cells = st.road_cells + st.default_cells + st.land_cover_cells + st.friction_cells;
  st.source_cells = (st.road_cells - st.road_other_mode_cells) + st.friction_cells + (st.land_cover_cells - st.other_mode_cells) +
                    (in.travel_mode == SpeedMode::kWalking ? st.default_cells : 0);

  for (const auto& [cls, n] : unknown) {
    out.warnings.push_back(Problem{Severity::kWarning, ExitCode::kOk, "raster.land_cover_class_unknown"_code,
                                   "land-cover class " + std::to_string(cls) + " is not in the speed table; its " +
                                       std::to_string(n) + " cells are impassable",
                                   field_location("speed_table"),
                                   "add the class to the speed table (speed 0 keeps it impassable)"});
  }
  for (const auto& [cls, n] : slowed) {
    const ClassEntry& e = table.at(cls);
    const std::string label = labels[cls].empty() ? "" : " (" + labels[cls] + ")";
    const auto speed_text = [](double v) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%g", v);
      return std::string(buf);
    };
    const SpeedClass* row = nullptr;
    for (const SpeedClass& c : in.speed_table)
      if (c.land_cover_class == cls) row = &c;
    out.warnings.push_back(Problem{
        Severity::kWarning, ExitCode::kOk, "raster.class_mode_slowed"_code,
        "land-cover class " + std::to_string(cls) + label + " is a " + to_string(row->mode) + " class at " +
            speed_text(e.table_speed_kmh) + " km/h: a " + to_string(in.travel_mode) + " traveller crosses its " +
            std::to_string(n) + " cells at " + speed_text(std::min(e.table_speed_kmh, in.faster_class_speed_kmh)) +
            " km/h, their own speed",
        field_location("speed_table"),
        "nothing to do when the class is a road or track the traveller uses at their own pace; give the class the "
        "mode of the people who cross it otherwise (docs/method/raster-travel-time.md)"});
  }
  if (st.no_land_cover_cells > 0) {
    char persons[32];
    std::snprintf(persons, sizeof persons, "%.0f", st.no_land_cover_persons);
    const std::string where = !in.friction_s_per_m.empty()
                                  ? std::to_string(st.no_land_cover_cells) +
                                        " cells off the roads have no friction (outside the friction raster or "
                                        "no-data in it)"
                              : in.land_cover.empty()
                                  ? "there is no land-cover raster: " + std::to_string(st.no_land_cover_cells) +
                                        " cells off the roads have no land cover"
                                  : std::to_string(st.no_land_cover_cells) +
                                        " cells off the roads have no land cover (outside the land-cover raster or "
                                        "no-data in it)";
    const std::string people = in.persons.empty() ? ""
                                                   : ", " + std::to_string(st.no_land_cover_populated_cells) +
                                                         " of them populated (" + persons + " persons)";
    char speed[32];
    std::snprintf(speed, sizeof speed, "%g", in.default_speed_kmh);
    if (in.no_land_cover_default_speed)
      out.warnings.push_back(Problem{Severity::kWarning, ExitCode::kOk, "raster.no_land_cover"_code,
                                     where + people + ": they are walked at " + speed +
                                         " km/h (no_land_cover = \"default_speed\")",
                                     field_location("no_land_cover"),
                                     "give these cells a land-cover class for a better speed"});
    else
      out.warnings.push_back(Problem{Severity::kWarning, ExitCode::kOk, "raster.no_land_cover"_code,
                                     where + people + ": they cannot be crossed (no_land_cover = \"impassable\", "
                                                      "as in AccessMod)",
                                     field_location("no_land_cover"),
                                     "extend the land cover over the study area, or set [raster] no_land_cover = "
                                     "\"default_speed\" to walk such cells at default_speed_kmh"});
  }
  return out;
}

}  // namespace carereach::raster
