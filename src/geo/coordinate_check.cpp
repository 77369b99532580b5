#include "geo/coordinate_check.hpp"

#include <proj.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cmath>
#include <stdexcept>

namespace carereach::geo {

namespace {

constexpr double kMaxLon_deg = 180.0;
constexpr double kMaxLat_deg = 90.0;
constexpr double kDegreesPerTurn = 360.0;
/// Inputs whose values above this look like metres: the hint suggests declaring a projected CRS.
constexpr double kLooksProjected = 1000.0;

std::string degrees_text(double v, char positive, char negative) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g°%c", std::abs(v), v < 0 ? negative : positive);
  return buf;
}

/// Where a projected CRS may be used: its area of use (EPSG) widened by kAreaMargin_deg, in WGS 84 degrees.
struct Area {
  std::string role;
  std::string shown;  ///< "72°W–66°W, 0°N–84°N"
  double west = 0, south = 0, east = 0, north = 0;

  /// Degrees by which (lon, lat) lies outside the widened area; 0 inside.
  [[nodiscard]] double outside_by(double lon, double lat) const {
    const double m = CoordinateCheck::kAreaMargin_deg;
    double lat_out = 0.0;
    if (lat < south - m) lat_out = south - m - lat;
    if (lat > north + m) lat_out = lat - north - m;
    double lon_out = 0.0;
    double span = east - west;  // negative for an area across the antimeridian
    if (span < 0) span += kDegreesPerTurn;
    const double width = span + 2 * m;
    if (width < kDegreesPerTurn) {
      // Degrees east of the widened western edge, 0…360; beyond `width`, the nearer edge is how far out it is.
      const double from_west = std::fmod(std::fmod(lon - (west - m), kDegreesPerTurn) + kDegreesPerTurn, kDegreesPerTurn);
      if (from_west > width) lon_out = std::min(from_west - width, kDegreesPerTurn - from_west);
    }
    return std::max(lat_out, lon_out);
  }
};

/// The area of use PROJ knows for a projected CRS (EPSG codes carry one; a PROJ string does not).
std::optional<Area> area_of_use(const CrsSpec& crs, std::string role) {
  if (crs.kind != CrsKind::kProj || crs.is_geographic()) return std::nullopt;
  PJ_CONTEXT* ctx = proj_context_create();
  if (ctx == nullptr) return std::nullopt;
  proj_log_level(ctx, PJ_LOG_NONE);
  std::optional<Area> out;
  if (PJ* pj = proj_create(ctx, crs.definition.c_str())) {
    double w = 0, s = 0, e = 0, n = 0;
    if (proj_get_area_of_use(ctx, pj, &w, &s, &e, &n, nullptr) != 0 && w > -1000 && s > -1000 && e > -1000 &&
        n > -1000) {
      Area a;
      a.role = std::move(role);
      a.west = w;
      a.south = s;
      a.east = e;
      a.north = n;
      a.shown = degrees_text(w, 'E', 'W') + "–" + degrees_text(e, 'E', 'W') + ", " + degrees_text(s, 'N', 'S') + "–" +
                degrees_text(n, 'N', 'S');
      out = std::move(a);
    }
    proj_destroy(pj);
  }
  proj_context_destroy(ctx);
  return out;
}

}  // namespace

ProblemCode CoordinateProblem::code() const {
  switch (fault) {
    case CoordinateFault::kNotFinite: return "coordinate.not_a_number"_code;
    case CoordinateFault::kOutOfRange: return "coordinate.out_of_range"_code;
    case CoordinateFault::kNotConvertible: return "coordinate.not_convertible"_code;
  }
  return "coordinate.out_of_range"_code;
}

std::string coordinate_text(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

struct CoordinateCheck::Impl {
  struct Trip {
    std::string role;
    Transformer there;
    std::optional<Transformer> back;  ///< a round trip: the source's own domain (projected sources only)
  };
  CrsSpec crs;
  bool geographic = false;
  std::vector<Trip> trips;  ///< for a projected source, trips[0] goes to WGS 84
  std::vector<Area> areas;  ///< of the source and the targets that are projected and have one

  [[nodiscard]] std::optional<CoordinateProblem> range(double x, double y) const {
    CoordinateProblem p;
    if (!std::isfinite(x) || !std::isfinite(y)) {
      p.fault = CoordinateFault::kNotFinite;
      p.axis = std::isfinite(x) ? 'y' : 'x';
      p.message = "coordinate " + coordinate_text(p.axis == 'x' ? x : y) + " is not a finite number";
      p.hint = "fix the coordinate (or the geometry) in the source";
      return p;
    }
    p.fault = CoordinateFault::kOutOfRange;
    if (geographic) {
      const bool lon_ok = std::abs(x) <= kMaxLon_deg;
      const bool lat_ok = std::abs(y) <= kMaxLat_deg;
      if (lon_ok && lat_ok) return std::nullopt;
      p.axis = lon_ok ? 'y' : 'x';
      p.message = lon_ok ? "latitude " + coordinate_text(y) + " is out of range (-90…90)"
                         : "longitude " + coordinate_text(x) + " is out of range (-180…180)";
      p.hint = "longitude must be within -180…180 and latitude within -90…90";
      if (y >= 73.0 && y <= 136.0 && x >= 3.0 && x <= 54.0) p.hint = "longitude and latitude look swapped";
      else if ((std::abs(x) > kLooksProjected || std::abs(y) > kLooksProjected) && std::abs(x) <= kProjectedLimit &&
               std::abs(y) <= kProjectedLimit)
        p.hint = "these look like projected coordinates: declare the source's projected CRS (crs = \"EPSG:…\")";
      return p;
    }
    const bool x_ok = std::abs(x) <= kProjectedLimit;
    const bool y_ok = std::abs(y) <= kProjectedLimit;
    if (x_ok && y_ok) return std::nullopt;
    p.axis = x_ok ? 'y' : 'x';
    p.message = std::string(x_ok ? "y " : "x ") + coordinate_text(x_ok ? y : x) +
                " is out of range: beyond ±1e8, farther than any place on Earth in " + crs.display();
    p.hint = "fix the coordinate in the source, or declare the CRS the coordinates are really in";
    return p;
  }

  /// Whether the round trip of a projected point brought (x0, y0) back to (x1, y1).
  [[nodiscard]] static bool same_point(double x0, double y0, double x1, double y1) {
    return std::isfinite(x1) && std::isfinite(y1) && std::hypot(x0 - x1, y0 - y1) <= kRoundTripTolerance_m;
  }
};

CoordinateCheck::CoordinateCheck(const CrsSpec& crs, const std::vector<Target>& targets)
    : impl_(std::make_unique<Impl>()) {
  impl_->crs = crs;
  impl_->geographic = crs.kind != CrsKind::kProj || crs.is_geographic();
  // A projected source must reach longitude/latitude: that is where its domain ends (a Transverse Mercator
  // easting 50,000 km from its meridian comes back from PROJ as some other place, or not at all).
  if (!impl_->geographic) {
    impl_->trips.push_back({"longitude/latitude (WGS 84)", Transformer(crs, wgs84()), Transformer(wgs84(), crs)});
    if (auto a = area_of_use(crs, crs.display())) impl_->areas.push_back(std::move(*a));
  }
  // Each target must be reached with a finite result. Between two longitude/latitude systems (WGS 84, CGCS2000,
  // GCJ-02 …) every point in range converts: no conversion needed. Projected targets also bring their area of use.
  for (const Target& t : targets) {
    const bool target_geographic = t.crs.kind != CrsKind::kProj || t.crs.is_geographic();
    if (impl_->geographic && target_geographic) continue;
    if (auto a = area_of_use(t.crs, t.role)) impl_->areas.push_back(std::move(*a));
    Transformer there(crs, t.crs);
    if (there.is_identity()) continue;
    impl_->trips.push_back({t.role, std::move(there), std::nullopt});
  }
}

CoordinateCheck::~CoordinateCheck() = default;
CoordinateCheck::CoordinateCheck(CoordinateCheck&&) noexcept = default;
CoordinateCheck& CoordinateCheck::operator=(CoordinateCheck&&) noexcept = default;

const CrsSpec& CoordinateCheck::crs() const { return impl_->crs; }
bool CoordinateCheck::geographic() const { return impl_->geographic; }

std::optional<CoordinateProblem> CoordinateCheck::check(double x, double y) const {
  const double xs[1] = {x};
  const double ys[1] = {y};
  if (auto r = first_problem(xs, ys)) return std::move(r->problem);
  return std::nullopt;
}

std::optional<CoordinateRejection> CoordinateCheck::first_problem(std::span<const double> x,
                                                                  std::span<const double> y) const {
  if (x.size() != y.size()) throw std::invalid_argument("CoordinateCheck: x and y differ in length");
  std::optional<CoordinateRejection> first;
  auto note = [&](std::size_t i, CoordinateProblem p) {
    if (!first || i < first->index) first = CoordinateRejection{i, std::move(p)};
  };
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (auto p = impl_->range(x[i], y[i])) {
      note(i, std::move(*p));
      break;  // later points cannot come first
    }
  }
  // Only the points before the first range problem need converting.
  const std::size_t n = first ? first->index : x.size();
  if (n == 0) return first;
  // Longitude/latitude of each point, for the areas of use: the coordinates themselves for a geographic source
  // (GCJ-02 and BD-09 differ from WGS 84 by less than 0.01°), else the first trip's result.
  std::vector<double> lon(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(n));
  std::vector<double> lat(y.begin(), y.begin() + static_cast<std::ptrdiff_t>(n));
  std::vector<double> tx, ty, bx, by;
  for (std::size_t k = 0; k < impl_->trips.size(); ++k) {
    const Impl::Trip& trip = impl_->trips[k];
    tx.assign(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(n));
    ty.assign(y.begin(), y.begin() + static_cast<std::ptrdiff_t>(n));
    trip.there.transform(tx, ty);
    if (trip.back) {
      bx = tx;
      by = ty;
      trip.back->transform(bx, by);
    }
    if (k == 0 && !impl_->geographic) {
      lon = tx;
      lat = ty;
    }
    for (std::size_t i = 0; i < n; ++i) {
      if (first && first->index <= i) break;
      const bool reached = std::isfinite(tx[i]) && std::isfinite(ty[i]);
      if (reached && (!trip.back || impl_->same_point(x[i], y[i], bx[i], by[i]))) continue;
      CoordinateProblem p;
      p.fault = CoordinateFault::kNotConvertible;
      p.message = "the point (" + coordinate_text(x[i]) + ", " + coordinate_text(y[i]) + ") " +
                  (reached ? "does not convert to " + trip.role +
                                 " and back to the same place: it lies outside the area its coordinate system can "
                                 "describe"
                           : "cannot be converted to " + trip.role);
      p.hint = "check the coordinate and the coordinate system declared for the source";
      note(i, std::move(p));
      break;
    }
  }
  for (const Area& area : impl_->areas) {
    for (std::size_t i = 0; i < n; ++i) {
      if (first && first->index <= i) break;
      if (!std::isfinite(lon[i]) || !std::isfinite(lat[i])) continue;  // reported by its trip
      const double out = area.outside_by(lon[i], lat[i]);
      if (out <= 0) continue;
      CoordinateProblem p;
      p.fault = CoordinateFault::kOutOfRange;
      char where[96];
      std::snprintf(where, sizeof where, "%.4f°, %.4f°", lon[i], lat[i]);
      char by_deg[32];
      std::snprintf(by_deg, sizeof by_deg, "%.1f°", out);
      p.message = "the point (" + coordinate_text(x[i]) + ", " + coordinate_text(y[i]) + "; longitude/latitude " + where +
                  ") is " + by_deg + " beyond the area where " + area.role + " can be used (" + area.shown +
                  ", widened by " + coordinate_text(kAreaMargin_deg) + "°)";
      p.hint = "check the coordinate and the coordinate system declared for the source, and that the CRS suits the "
               "study area";
      note(i, std::move(p));
      break;
    }
  }
  return first;
}

}  // namespace carereach::geo
