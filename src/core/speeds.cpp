#include "core/speeds.hpp"

#include <algorithm>

namespace carereach {

namespace {

std::uint8_t access_bit(TravelMode mode) {
  switch (mode) {
    case TravelMode::kWalk: return road_access::kFoot;
    case TravelMode::kBicycle:
    case TravelMode::kEbike: return road_access::kBicycle;
    case TravelMode::kCar:
    case TravelMode::kMixed: return road_access::kCar;
  }
  return 0;
}

}  // namespace

double road_speed_kmh(const RoadData& roads, std::size_t w, TravelMode mode, const SpeedProfile& profile) {
  if (mode == TravelMode::kMixed)
    return std::max(road_speed_kmh(roads, w, TravelMode::kCar, profile), road_speed_kmh(roads, w, TravelMode::kWalk, profile));
  if ((roads.way_access[w] & access_bit(mode)) == 0) return 0.0;
  const ModeSpeeds& ms = profile.mode(mode);
  double v = ms.speed_kmh[road_class_index(roads.way_class[w])];
  if (!(v > 0.0)) return 0.0;  // the class is closed to this mode
  if ((roads.way_flags[w] & road_flag::kLink) != 0) v *= ms.link_factor;
  const double own = roads.way_speed_kmh[w];
  if (own > 0.0) v = mode == TravelMode::kCar ? own : std::min(v, own);  // a layer's speeds are motor speeds
  const double maxspeed = roads.way_maxspeed_kmh[w];
  if (ms.cap_at_maxspeed && maxspeed > 0.0) v = std::min(v, maxspeed);
  return v > 0.0 ? v : 0.0;
}

}  // namespace carereach
