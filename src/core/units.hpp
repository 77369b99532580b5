#pragma once
// Named unit conversions. Every quantity that carries a unit says so in its name (distance_m, speed_kmh,
// travel_time_min); conversions go through these constants only.

namespace carereach::units {

inline constexpr double kSecPerMin = 60.0;
inline constexpr double kMinPerHour = 60.0;
inline constexpr double kSecPerHour = 3600.0;
inline constexpr double kMetresPerKm = 1000.0;
inline constexpr double kSqMetresPerSqKm = 1.0e6;
inline constexpr double kPi = 3.14159265358979323846;
inline constexpr double kDegToRad = kPi / 180.0;
inline constexpr double kRadToDeg = 180.0 / kPi;

/// m/s from km/h.
constexpr double kmh_to_mps(double speed_kmh) { return speed_kmh * kMetresPerKm / kSecPerHour; }
/// Seconds to cover distance_m at speed_kmh.
constexpr double travel_seconds(double distance_m, double speed_kmh) { return distance_m / kmh_to_mps(speed_kmh); }

}  // namespace carereach::units
