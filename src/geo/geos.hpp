#pragma once
// RAII wrappers over the GEOS C API (reentrant functions, one context per thread). Only what carereach needs.
// Failures throw GeometryError carrying GEOS's message. Geometries are released through the GEOS context of the
// thread that destroys them: do not give them static storage duration.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.hpp"

struct GEOSContextHandle_HS;
struct GEOSGeom_t;
struct GEOSPrepGeom_t;

namespace carereach::geo {

/// A geometry GEOS cannot read or work on: WKB or WKT it cannot parse, a coordinate that is not a finite number, a
/// topology it cannot resolve. An InputError (exit code 4) without a location: the caller knows which file and
/// feature the geometry came from and adds them (a std::runtime_error, as every carereach::Error).
struct GeometryError : InputError {
  explicit GeometryError(std::string what, std::string hint = {})
      : InputError(std::move(what), Location{}, std::move(hint)) {}
};

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

  static Geometry from_wkb(std::span<const unsigned char> wkb);  ///< throws GeometryError on bad WKB
  static Geometry from_wkt(std::string_view wkt);
  static Geometry point(double x, double y);
  [[nodiscard]] std::vector<unsigned char> to_wkb() const;
  [[nodiscard]] std::string to_wkt(int decimals = 3) const;

  [[nodiscard]] bool null() const { return g_ == nullptr; }
  [[nodiscard]] GEOSGeom_t* get() const { return g_; }
  /// Gives up ownership: the caller destroys the geometry (or hands it to a GEOS function that takes it).
  [[nodiscard]] GEOSGeom_t* release();
  [[nodiscard]] bool is_empty() const;
  /// True when valid; otherwise *reason (when given) says why, e.g. "Self-intersection at (x y)".
  [[nodiscard]] bool is_valid(std::string* reason = nullptr) const;
  /// Coordinates beyond ±1e12 (a million kilometres, or degrees, or feet) are no place on Earth; GEOS's spatial
  /// indexes do not end on the largest ones (see simplified).
  static constexpr double kMaxCoordinate = 1e12;
  /// True when every coordinate (x and y) is a finite number within ±kMaxCoordinate: no NaN, no infinity, nothing
  /// absurdly large. True for empty geometries.
  [[nodiscard]] bool all_coordinates_finite() const;
  /// A valid geometry covering the same area (GEOS MakeValid), keeping only polygonal parts. Throws GeometryError
  /// for a geometry with a coordinate that is not finite (GEOS 3.11 MakeValid can crash on a NaN) or beyond
  /// ±kMaxCoordinate, and when GEOS fails.
  [[nodiscard]] Geometry make_valid_polygonal() const;
  /// A simpler outline for drawing at a small scale (GEOS TopologyPreserveSimplify, Douglas–Peucker that keeps rings
  /// simple and holes inside their shells): no vertex moves, vertices are dropped where the outline stays within
  /// `tolerance` (in CRS units, ≥ 0) of the original. Not for analysis: areas change by up to tolerance × length.
  ///
  /// Bounded work: Douglas–Peucker splits a run of vertices at its farthest vertex. On a staircase whose corners all
  /// lie beyond the tolerance at the same distance — the diagonal edge of an area made of cells, drawn with a
  /// tolerance below 0.7 cell — it splits off one vertex at a time, and with GEOS's topology checks the work grows
  /// with the square of the ring's length: minutes for a ring of 60,000 vertices. The rings of a (multi)polygon
  /// longer than kSimplifyPieceVertices are therefore cut into pieces of that many vertices, which GEOS simplifies
  /// together as lines (no piece crosses another, each keeps its end points) and which are joined again, so the
  /// work grows with the length. The only difference to simplifying the whole ring is that the ends of the pieces
  /// (one vertex in kSimplifyPieceVertices) are kept. `stats`, when given, says whether that happened.
  /// Throws GeometryError for a geometry with a coordinate that is not finite or beyond ±kMaxCoordinate: GEOS's
  /// quadtree of segments doubles a cell until it holds a segment, and with coordinates of 1e250 and more the
  /// doubling overflows and never ends. At the other end, coordinates within ±kTinyCoordinate of zero are snapped to
  /// zero first: squared in GEOS's distances they underflow to zero, and the simplification can then loop for ever
  /// (coordinates of 1e-250 … 1e-300); no map shows the difference.
  struct SimplifyStats {
    std::size_t rings_in_pieces = 0;  ///< rings longer than kSimplifyPieceVertices, simplified in pieces
    std::size_t pieces = 0;           ///< the pieces of those rings
  };
  static constexpr std::size_t kSimplifyPieceVertices = 512;
  static constexpr double kTinyCoordinate = 1e-100;
  [[nodiscard]] Geometry simplified(double tolerance, SimplifyStats* stats = nullptr) const;
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
  /// Union of many geometries (GEOSUnaryUnion of a collection); consumes them. Throws GeometryError when a part has
  /// a coordinate that is not finite or beyond ±kMaxCoordinate.
  static Geometry union_all(std::vector<Geometry> parts);
  /// The polygons of `parts` (Polygons and MultiPolygons; null and empty parts are skipped) gathered into one
  /// MultiPolygon, in order, without any overlay: the union when the parts' interiors are disjoint and their
  /// boundaries meet at most at points (e.g. the connected parts of one label on a grid, which touch at corners
  /// only), where union_all would node every edge for nothing. The caller guarantees that; nothing is checked. A
  /// single polygon is returned as a Polygon, no polygon at all as an empty Polygon. Consumes the parts; throws
  /// std::invalid_argument for a part that is not polygonal.
  static Geometry multi_polygon(std::vector<Geometry> parts);

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
