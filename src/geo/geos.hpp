#pragma once
// RAII wrappers over the GEOS C API (reentrant functions, one context per thread). Only what carereach needs.
// Failures throw std::runtime_error carrying GEOS's message. Geometries are released through the GEOS context of
// the thread that destroys them: do not give them static storage duration.

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

struct GEOSContextHandle_HS;
struct GEOSGeom_t;
struct GEOSPrepGeom_t;

namespace carereach::geo {

/// The GEOS context of the calling thread.
GEOSContextHandle_HS* geos_context();

struct Envelope {
  double min_x = 0, min_y = 0, max_x = 0, max_y = 0;
  [[nodiscard]] bool empty() const { return !(max_x >= min_x && max_y >= min_y); }
  void expand(const Envelope& o);
};

class Geometry {
 public:
  Geometry() = default;
  explicit Geometry(GEOSGeom_t* owned);  ///< takes ownership
  ~Geometry();
  Geometry(Geometry&& o) noexcept;
  Geometry& operator=(Geometry&& o) noexcept;
  Geometry(const Geometry&) = delete;
  Geometry& operator=(const Geometry&) = delete;
  [[nodiscard]] Geometry clone() const;

  static Geometry from_wkb(std::span<const unsigned char> wkb);  ///< throws std::runtime_error on bad WKB
  static Geometry from_wkt(std::string_view wkt);
  static Geometry point(double x, double y);
  [[nodiscard]] std::vector<unsigned char> to_wkb() const;
  [[nodiscard]] std::string to_wkt(int decimals = 3) const;

  [[nodiscard]] bool null() const { return g_ == nullptr; }
  [[nodiscard]] GEOSGeom_t* get() const { return g_; }
  [[nodiscard]] bool is_empty() const;
  /// True when valid; otherwise *reason (when given) says why, e.g. "Self-intersection at (x y)".
  [[nodiscard]] bool is_valid(std::string* reason = nullptr) const;
  /// A valid geometry covering the same area (GEOS MakeValid), keeping only polygonal parts.
  [[nodiscard]] Geometry make_valid_polygonal() const;
  /// A simpler outline for drawing at a small scale (GEOS TopologyPreserveSimplify, Douglas–Peucker that keeps rings
  /// simple and holes inside their shells): no vertex moves, vertices are dropped where the outline stays within
  /// `tolerance` (in CRS units, ≥ 0) of the original. Not for analysis: areas change by up to tolerance × length.
  [[nodiscard]] Geometry simplified(double tolerance) const;
  [[nodiscard]] double area() const;
  [[nodiscard]] Envelope envelope() const;
  /// Centroid (x, y).
  [[nodiscard]] std::pair<double, double> centroid() const;
  /// A point guaranteed to be inside (GEOSPointOnSurface).
  [[nodiscard]] std::pair<double, double> point_on_surface() const;
  [[nodiscard]] double distance(const Geometry& o) const;
  /// GEOSGeomTypeId: 0 point, 1 line string, 3 polygon, 4–6 multi-point/line/polygon, 7 collection; -1 for null.
  [[nodiscard]] int type_id() const;
  [[nodiscard]] bool is_polygonal() const;
  /// Union of many geometries (GEOSUnaryUnion of a collection); consumes them.
  static Geometry union_all(std::vector<Geometry> parts);

 private:
  GEOSGeom_t* g_ = nullptr;
};

/// A prepared geometry for fast repeated point-in-polygon tests. Keeps a reference to the source geometry,
/// which must outlive it.
class PreparedGeometry {
 public:
  explicit PreparedGeometry(const Geometry& g);
  ~PreparedGeometry();
  PreparedGeometry(PreparedGeometry&& o) noexcept;
  PreparedGeometry& operator=(PreparedGeometry&& o) noexcept;
  PreparedGeometry(const PreparedGeometry&) = delete;
  PreparedGeometry& operator=(const PreparedGeometry&) = delete;
  /// Point inside or on the boundary.
  [[nodiscard]] bool covers(double x, double y) const;

 private:
  const GEOSPrepGeom_t* p_ = nullptr;
};

}  // namespace carereach::geo
