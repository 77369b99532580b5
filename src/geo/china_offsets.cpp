// GCJ-02 and BD-09: the published forward formulas and iterative inverses. docs/method/coordinates.md explains
// the formulas, their constants and the measured accuracy of the inverses.

#include "geo/china_offsets.hpp"

#include <cmath>

#include "core/units.hpp"

namespace carereach::geo {

namespace {

using units::kDegToRad;
using units::kPi;
using units::kRadToDeg;

// The Krasovsky 1940 ellipsoid of the GCJ-02 algorithm.
constexpr double kKrasovskySemiMajorAxis_m = 6378245.0;
constexpr double kKrasovskyEccentricitySquared = 0.00669342162296594323;

// The rectangle inside which the published algorithm applies an offset (degrees).
constexpr double kOffsetAreaMinLon_deg = 72.004;
constexpr double kOffsetAreaMaxLon_deg = 137.8347;
constexpr double kOffsetAreaMinLat_deg = 0.8293;
constexpr double kOffsetAreaMaxLat_deg = 55.8271;

// The origin of the GCJ-02 offset polynomials (degrees).
constexpr double kPolynomialOriginLon_deg = 105.0;
constexpr double kPolynomialOriginLat_deg = 35.0;

// BD-09 constants: the angular frequency of its periodic terms and its constant shift (degrees).
constexpr double kBd09Frequency_per_deg = kPi * 3000.0 / 180.0;
constexpr double kBd09RadiusAmplitude_deg = 0.00002;
constexpr double kBd09AngleAmplitude_rad = 0.000003;
constexpr double kBd09ShiftLon_deg = 0.0065;
constexpr double kBd09ShiftLat_deg = 0.006;

// The inverses stop when the forward image of the estimate is this close to the input, or after this many
// steps (each step gains about three digits, so a handful are used in practice).
constexpr double kInverseTolerance_deg = 1e-9;
constexpr int kInverseMaxIterations = 50;

// Periodic terms in the longitude offset dx (degrees from 105°E) shared by both GCJ-02 shifts, in metres.
double gcj02_common_periodic_m(double dx_deg) {
  return (20.0 * std::sin(6.0 * dx_deg * kPi) + 20.0 * std::sin(2.0 * dx_deg * kPi)) * 2.0 / 3.0;
}

// The northward GCJ-02 shift in metres on the Krasovsky ellipsoid, as a function of the offsets (dx, dy) in
// degrees from 105°E, 35°N.
double gcj02_north_shift_m(double dx_deg, double dy_deg) {
  double shift_m = -100.0 + 2.0 * dx_deg + 3.0 * dy_deg + 0.2 * dy_deg * dy_deg + 0.1 * dx_deg * dy_deg +
                   0.2 * std::sqrt(std::abs(dx_deg));
  shift_m += gcj02_common_periodic_m(dx_deg);
  shift_m += (20.0 * std::sin(dy_deg * kPi) + 40.0 * std::sin(dy_deg / 3.0 * kPi)) * 2.0 / 3.0;
  shift_m += (160.0 * std::sin(dy_deg / 12.0 * kPi) + 320.0 * std::sin(dy_deg / 30.0 * kPi)) * 2.0 / 3.0;
  return shift_m;
}

// The eastward GCJ-02 shift in metres, same arguments.
double gcj02_east_shift_m(double dx_deg, double dy_deg) {
  double shift_m = 300.0 + dx_deg + 2.0 * dy_deg + 0.1 * dx_deg * dx_deg + 0.1 * dx_deg * dy_deg +
                   0.1 * std::sqrt(std::abs(dx_deg));
  shift_m += gcj02_common_periodic_m(dx_deg);
  shift_m += (20.0 * std::sin(dx_deg * kPi) + 40.0 * std::sin(dx_deg / 3.0 * kPi)) * 2.0 / 3.0;
  shift_m += (150.0 * std::sin(dx_deg / 12.0 * kPi) + 300.0 * std::sin(dx_deg / 30.0 * kPi)) * 2.0 / 3.0;
  return shift_m;
}

// The GCJ-02 offset (degrees) to add to a WGS 84 position inside the offset area: the metric shifts divided by
// the meridian and prime-vertical radii of curvature of the Krasovsky ellipsoid at that latitude.
LonLat gcj02_offset_deg(LonLat wgs) {
  const double dx_deg = wgs.lon - kPolynomialOriginLon_deg;
  const double dy_deg = wgs.lat - kPolynomialOriginLat_deg;
  const double lat_rad = wgs.lat * kDegToRad;
  const double sin_lat = std::sin(lat_rad);
  const double w2 = 1.0 - kKrasovskyEccentricitySquared * sin_lat * sin_lat;
  const double w = std::sqrt(w2);
  const double meridian_radius_m = kKrasovskySemiMajorAxis_m * (1.0 - kKrasovskyEccentricitySquared) / (w2 * w);
  const double parallel_radius_m = kKrasovskySemiMajorAxis_m / w * std::cos(lat_rad);
  return {gcj02_east_shift_m(dx_deg, dy_deg) / parallel_radius_m * kRadToDeg,
          gcj02_north_shift_m(dx_deg, dy_deg) / meridian_radius_m * kRadToDeg};
}

LonLat bd09_forward_in_area(LonLat gcj) {
  const double x = gcj.lon;
  const double y = gcj.lat;
  const double radius_deg = std::hypot(x, y) + kBd09RadiusAmplitude_deg * std::sin(y * kBd09Frequency_per_deg);
  const double angle_rad = std::atan2(y, x) + kBd09AngleAmplitude_rad * std::cos(x * kBd09Frequency_per_deg);
  return {radius_deg * std::cos(angle_rad) + kBd09ShiftLon_deg, radius_deg * std::sin(angle_rad) + kBd09ShiftLat_deg};
}

// Solves forward(p) = target by fixed-point iteration p <- p - (forward(p) - target), starting from start.
// The forward maps are the identity plus a slowly varying shift (its derivative is of order 1e-3 for GCJ-02 and
// 1e-2 for BD-09), so the iteration is a contraction and converges in a few steps.
template <typename Forward>
LonLat invert_by_fixed_point(LonLat target, LonLat start, Forward forward) {
  LonLat estimate = start;
  for (int i = 0; i < kInverseMaxIterations; ++i) {
    const LonLat image = forward(estimate);
    const double residual_lon_deg = image.lon - target.lon;
    const double residual_lat_deg = image.lat - target.lat;
    if (std::abs(residual_lon_deg) < kInverseTolerance_deg && std::abs(residual_lat_deg) < kInverseTolerance_deg) {
      break;
    }
    estimate.lon -= residual_lon_deg;
    estimate.lat -= residual_lat_deg;
  }
  return estimate;
}

bool finite(LonLat p) { return std::isfinite(p.lon) && std::isfinite(p.lat); }

}  // namespace

bool in_china_offset_area(LonLat p) {
  return p.lon >= kOffsetAreaMinLon_deg && p.lon <= kOffsetAreaMaxLon_deg && p.lat >= kOffsetAreaMinLat_deg &&
         p.lat <= kOffsetAreaMaxLat_deg;
}

LonLat wgs84_to_gcj02(LonLat p) {
  if (!in_china_offset_area(p)) return p;
  const LonLat offset_deg = gcj02_offset_deg(p);
  return {p.lon + offset_deg.lon, p.lat + offset_deg.lat};
}

LonLat gcj02_to_wgs84(LonLat p) {
  if (!finite(p) || !in_china_offset_area(p)) return p;
  // Start from the classic one-step estimate (the offset evaluated at the GCJ-02 point), then refine.
  const LonLat first_offset_deg = gcj02_offset_deg(p);
  const LonLat start{p.lon - first_offset_deg.lon, p.lat - first_offset_deg.lat};
  return invert_by_fixed_point(p, start, wgs84_to_gcj02);
}

LonLat gcj02_to_bd09(LonLat p) {
  if (!in_china_offset_area(p)) return p;
  return bd09_forward_in_area(p);
}

LonLat bd09_to_gcj02(LonLat p) {
  if (!finite(p) || !in_china_offset_area(p)) return p;
  const LonLat start{p.lon - kBd09ShiftLon_deg, p.lat - kBd09ShiftLat_deg};
  return invert_by_fixed_point(p, start, gcj02_to_bd09);
}

LonLat wgs84_to_bd09(LonLat p) { return gcj02_to_bd09(wgs84_to_gcj02(p)); }

LonLat bd09_to_wgs84(LonLat p) { return gcj02_to_wgs84(bd09_to_gcj02(p)); }

}  // namespace carereach::geo
