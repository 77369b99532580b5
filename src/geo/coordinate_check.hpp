#pragma once
// The one plausibility check every input coordinate passes, whatever the input (zones, seats, facilities, population
// points and polygons, roads, barriers, added facilities): finite, inside the range the CRS allows (longitude and
// latitude, or ±1e8 for projected CRSs), a projected point convertible to WGS 84 and back to itself, convertible to
// the CRSs the run needs (analysis CRS, output CRS), and inside the area of use of every projected CRS involved,
// widened by 30°. docs/method/coordinates.md ("Which coordinates are accepted") gives the rule and the reasons.

#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/diagnostics.hpp"
#include "geo/crs.hpp"

namespace carereach::geo {

/// Why a coordinate was refused.
enum class CoordinateFault {
  kNotFinite,      ///< NaN or infinite
  kOutOfRange,     ///< longitude beyond ±180°, latitude beyond ±90°, a projected value beyond ±1e8, or far outside
                   ///< the area of use of a projected CRS
  kNotConvertible  ///< no finite result in WGS 84 or a target CRS, or a projected point's round trip through WGS 84
                   ///< does not come back
};

struct CoordinateProblem {
  CoordinateFault fault = CoordinateFault::kNotFinite;
  char axis = 0;        ///< 'x' or 'y' when one value is to blame, 0 when the point as a whole is
  std::string message;  ///< what is wrong, naming the value: "longitude 200 is outside -180…180"
  std::string hint;     ///< what to do
  /// The stable code for Diagnostics: "coordinate.not_a_number", "coordinate.out_of_range" or
  /// "coordinate.not_convertible".
  [[nodiscard]] ProblemCode code() const;
};

/// A problem at one point of a sequence.
struct CoordinateRejection {
  std::size_t index = 0;
  CoordinateProblem problem;
};

class CoordinateCheck {
 public:
  /// Projected coordinates beyond this, in the CRS's unit, are refused before any conversion (the Earth's
  /// circumference is 4.0e7 m; no projection of the Earth needs 1e8 metres or feet).
  static constexpr double kProjectedLimit = 1.0e8;
  /// A projected CRS with an area of use (EPSG codes have one) takes points within that area widened by this
  /// many degrees on every side: the widest study area (all of China, 62° of longitude) from a Gauss-Krüger or UTM
  /// zone at its centre fits, while a Transverse Mercator used 90° or more from its meridian, which maps points
  /// to places that do not exist, does not.
  static constexpr double kAreaMargin_deg = 30.0;
  /// A projected point's round trip through WGS 84 must come back within this many metres.
  static constexpr double kRoundTripTolerance_m = 1.0;

  struct Target {
    CrsSpec crs;
    std::string role;  ///< how messages name it: "the analysis CRS", "the output CRS (analysis.output_crs)"
  };

  /// Coordinates in `crs` (GIS axis order: x = longitude or easting) that must also convert to each target.
  /// Throws CrsError when a transformation cannot be set up.
  explicit CoordinateCheck(const CrsSpec& crs, const std::vector<Target>& targets = {});
  ~CoordinateCheck();
  CoordinateCheck(CoordinateCheck&&) noexcept;
  CoordinateCheck& operator=(CoordinateCheck&&) noexcept;
  CoordinateCheck(const CoordinateCheck&) = delete;
  CoordinateCheck& operator=(const CoordinateCheck&) = delete;

  /// nullopt when (x, y) is accepted.
  [[nodiscard]] std::optional<CoordinateProblem> check(double x, double y) const;
  /// The first point of the sequence that is refused, or nullopt when every one is accepted (converts in
  /// batches: cheaper than point by point for the vertices of a polygon).
  [[nodiscard]] std::optional<CoordinateRejection> first_problem(std::span<const double> x,
                                                                 std::span<const double> y) const;
  [[nodiscard]] const CrsSpec& crs() const;
  [[nodiscard]] bool geographic() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// "6e+247", "-1.5e+308", "115.7826", "nan": a coordinate value as messages show it (shortest round-trip form).
std::string coordinate_text(double v);

}  // namespace carereach::geo
