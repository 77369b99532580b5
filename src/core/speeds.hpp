#pragma once
// Travel speeds per mode and road class, and the off-road access rules. The shipped defaults are in
// data/speeds.toml (docs/method/speeds.md names their sources); a scenario overrides any value.

#include <array>
#include <string>

#include "core/road_data.hpp"
#include "core/standard.hpp"

namespace carereach {

inline constexpr std::size_t kTravelModeCount = 5;
constexpr std::size_t mode_index(TravelMode m) { return static_cast<std::size_t>(m); }

/// Speeds of one mode. A class with speed 0 is not used by the mode (besides the access rules of the way); profiles
/// read from TOML give every class a speed above 0 and leave the choice of roads to the access rules.
struct ModeSpeeds {
  std::array<double, kRoadClassCount> speed_kmh{};
  double link_factor = 1.0;       ///< *_link ways (ramps) run at this share of their class speed
  bool cap_at_maxspeed = false;   ///< a way's OSM maxspeed caps the class speed (cars)
};

/// The straight-line estimate of one mode (engine = "estimate", docs/method/estimate.md): travel time = straight-line
/// distance × circuity ÷ speed_kmh.
struct EstimateSpeed {
  double speed_kmh = 0.0;  ///< average speed over the whole trip, km/h
  double circuity = 1.0;   ///< road distance ÷ straight-line distance, ≥ 1
};

/// Mode kMixed has no speeds of its own: it drives at the car speeds where cars may go and walks at the walk
/// speeds elsewhere (modes[mode_index(kMixed)] is not used).
struct SpeedProfile {
  std::array<ModeSpeeds, kTravelModeCount> modes{};  ///< indexed by mode_index(TravelMode)
  double access_speed_kmh = 5.0;          ///< walking off the network: cell ↔ road, facility ↔ road, cell ↔ facility
  double max_access_distance_m = 1000.0;  ///< farther than this from a road, a cell is not joined to the network
  std::array<EstimateSpeed, kTravelModeCount> estimate{};  ///< indexed by mode_index; kMixed has no estimate
  std::string source;                     ///< "data/speeds.toml", "data/speeds.toml + scenario.toml" when overridden

  [[nodiscard]] const ModeSpeeds& mode(TravelMode m) const { return modes[mode_index(m)]; }
  [[nodiscard]] ModeSpeeds& mode(TravelMode m) { return modes[mode_index(m)]; }
};

/// The speed of way `w` for a mode, km/h (docs/method/speeds.md, "How the speed of a road is found"); 0 when the
/// mode may not use it. The class speed of the mode (walk: foot access; bicycle and e-bike: bicycle access; car:
/// car access), times link_factor on *_link ways; a line layer's own speed replaces it for cars and caps it for
/// the other modes; capped at the way's maxspeed when the mode caps. kMixed: the faster of car and walk.
/// Direction (oneway) is not considered here.
double road_speed_kmh(const RoadData& roads, std::size_t w, TravelMode mode, const SpeedProfile& profile);

}  // namespace carereach
