// RAII wrappers over the reentrant GEOS C API. Every call uses the GEOS context of the calling thread; GEOS
// messages are kept (never printed) and become the text of the GeometryError thrown on failure.

#define GEOS_USE_ONLY_R_API
#include "geo/geos.hpp"

#include <geos_c.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <utility>

namespace carereach::geo {

namespace {

/// A GEOS context that records the last error message instead of printing it. One per thread.
class GeosContext {
 public:
  GeosContext() : handle_(GEOS_init_r()) {
    if (handle_ == nullptr) throw std::runtime_error("GEOS: cannot create a context");
    GEOSContext_setErrorMessageHandler_r(handle_, &GeosContext::record, this);
    GEOSContext_setNoticeMessageHandler_r(handle_, &GeosContext::ignore, nullptr);
  }
  ~GeosContext() { GEOS_finish_r(handle_); }
  GeosContext(const GeosContext&) = delete;
  GeosContext& operator=(const GeosContext&) = delete;

  [[nodiscard]] GEOSContextHandle_t handle() const { return handle_; }
  [[nodiscard]] const std::string& last_error() const { return last_error_; }
  void clear_error() { last_error_.clear(); }

 private:
  static void record(const char* message, void* self) {
    if (message != nullptr) static_cast<GeosContext*>(self)->last_error_ = message;
  }
  static void ignore(const char* /*message*/, void* /*userdata*/) {}

  GEOSContextHandle_t handle_;
  std::string last_error_;
};

GeosContext& thread_context() {
  thread_local GeosContext context;
  return context;
}

GEOSContextHandle_t ctx() { return thread_context().handle(); }

[[noreturn]] void throw_geos(const std::string& operation) {
  const std::string& message = thread_context().last_error();
  throw GeometryError("GEOS " + operation + " failed" + (message.empty() ? "" : ": " + message),
                      "check the geometry in a GIS (QGIS: Vector › Geometry Tools › Check Validity)");
}

/// Calls GEOS and throws with its message when the result is null.
template <typename T>
T* checked(T* result, const char* operation) {
  if (result == nullptr) throw_geos(operation);
  return result;
}

void require_geometry(const Geometry& g, const char* operation) {
  if (g.null()) throw std::runtime_error(std::string("GEOS ") + operation + ": null geometry");
}

/// False when a coordinate of the sequence is NaN, infinite or beyond ±Geometry::kMaxCoordinate.
bool sequence_finite(const GEOSCoordSequence* seq) {
  if (seq == nullptr) throw_geos("coordinate sequence");
  unsigned int size = 0;
  if (GEOSCoordSeq_getSize_r(ctx(), seq, &size) == 0) throw_geos("coordinate sequence size");
  for (unsigned int i = 0; i < size; ++i) {
    double x = 0.0;
    double y = 0.0;
    if (GEOSCoordSeq_getXY_r(ctx(), seq, i, &x, &y) == 0) throw_geos("coordinate");
    if (!(std::abs(x) <= Geometry::kMaxCoordinate) || !(std::abs(y) <= Geometry::kMaxCoordinate)) return false;
  }
  return true;
}

/// False when a coordinate of g (any type, collections included) is NaN, infinite or beyond ±kMaxCoordinate.
bool geometry_finite(const GEOSGeometry* g) {
  switch (GEOSGeomTypeId_r(ctx(), g)) {
    case GEOS_POINT:
    case GEOS_LINESTRING:
    case GEOS_LINEARRING:
      return GEOSisEmpty_r(ctx(), g) == 1 || sequence_finite(GEOSGeom_getCoordSeq_r(ctx(), g));
    case GEOS_POLYGON: {
      if (GEOSisEmpty_r(ctx(), g) == 1) return true;
      if (!geometry_finite(GEOSGetExteriorRing_r(ctx(), g))) return false;
      const int holes = GEOSGetNumInteriorRings_r(ctx(), g);
      for (int i = 0; i < holes; ++i)
        if (!geometry_finite(GEOSGetInteriorRingN_r(ctx(), g, i))) return false;
      return true;
    }
    default: {  // multi-geometries and collections
      const int n = GEOSGetNumGeometries_r(ctx(), g);
      for (int i = 0; i < n; ++i)
        if (!geometry_finite(GEOSGetGeometryN_r(ctx(), g, i))) return false;
      return true;
    }
  }
}

/// GEOS algorithms assume finite coordinates of sensible size: MakeValid (3.11) can crash on a NaN, and the
/// quadtree of TopologyPreserveSimplify doubles a cell until it holds a segment, which never ends once the doubling
/// overflows (coordinates of 1e250 and more). Refused here with a message that says what is wrong.
void require_finite(const Geometry& g, const char* operation) {
  if (g.all_coordinates_finite()) return;
  throw GeometryError(std::string("the geometry has a coordinate that is not a finite number (NaN or infinity) or "
                                  "lies beyond ±1e12, farther than any place on Earth in any unit; ") +
                          operation + " needs finite coordinates",
                      "check the coordinates of this feature in a GIS: such a value usually comes from a missing "
                      "value or a failed coordinate conversion");
}

// unique_ptr deleters for GEOS objects that are destroyed through the context.
template <typename T, void (*Destroy)(GEOSContextHandle_t, T*)>
struct GeosDeleter {
  void operator()(T* p) const noexcept {
    if (p != nullptr) Destroy(ctx(), p);
  }
};
using WkbReaderPtr = std::unique_ptr<GEOSWKBReader, GeosDeleter<GEOSWKBReader, GEOSWKBReader_destroy_r>>;
using WkbWriterPtr = std::unique_ptr<GEOSWKBWriter, GeosDeleter<GEOSWKBWriter, GEOSWKBWriter_destroy_r>>;
using WktReaderPtr = std::unique_ptr<GEOSWKTReader, GeosDeleter<GEOSWKTReader, GEOSWKTReader_destroy_r>>;
using WktWriterPtr = std::unique_ptr<GEOSWKTWriter, GeosDeleter<GEOSWKTWriter, GEOSWKTWriter_destroy_r>>;

struct GeosFree {
  void operator()(void* p) const noexcept {
    if (p != nullptr) GEOSFree_r(ctx(), p);
  }
};
template <typename T>
using GeosBuffer = std::unique_ptr<T, GeosFree>;

std::pair<double, double> point_xy(const Geometry& point, const char* operation) {
  double x = 0.0;
  double y = 0.0;
  if (GEOSGeomGetX_r(ctx(), point.get(), &x) == 0 || GEOSGeomGetY_r(ctx(), point.get(), &y) == 0) {
    throw_geos(operation);
  }
  return {x, y};
}

/// Appends clones of the polygons found in g (recursing into collections) to out.
void collect_polygons(const GEOSGeometry* g, std::vector<GEOSGeometry*>& out) {
  const int type = GEOSGeomTypeId_r(ctx(), g);
  if (type == GEOS_POLYGON) {
    if (GEOSisEmpty_r(ctx(), g) == 0) out.push_back(checked(GEOSGeom_clone_r(ctx(), g), "clone"));
    return;
  }
  if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
    const int n = GEOSGetNumGeometries_r(ctx(), g);
    for (int i = 0; i < n; ++i) collect_polygons(GEOSGetGeometryN_r(ctx(), g, i), out);
  }
}

/// A collection of the given type owning the geometries (GEOS takes them even when it fails).
Geometry make_collection(int type, std::vector<GEOSGeometry*> parts) {
  if (parts.size() > std::numeric_limits<unsigned int>::max()) throw std::length_error("GEOS: too many parts");
  return Geometry(checked(GEOSGeom_createCollection_r(ctx(), type, parts.data(),
                                                      static_cast<unsigned int>(parts.size())),
                          "create collection"));
}

}  // namespace

GEOSContextHandle_HS* geos_context() { return ctx(); }

// ---------------------------------------------------------------------------------------------------------------
// Envelope

void Envelope::expand(const Envelope& o) {
  if (o.empty()) return;
  if (empty()) {
    *this = o;
    return;
  }
  min_x = std::min(min_x, o.min_x);
  min_y = std::min(min_y, o.min_y);
  max_x = std::max(max_x, o.max_x);
  max_y = std::max(max_y, o.max_y);
}

// ---------------------------------------------------------------------------------------------------------------
// Geometry: ownership

Geometry::Geometry(GEOSGeom_t* owned) : g_(owned) {}

Geometry::~Geometry() {
  if (g_ != nullptr) GEOSGeom_destroy_r(ctx(), g_);
}

Geometry::Geometry(Geometry&& o) noexcept : g_(std::exchange(o.g_, nullptr)) {}

Geometry& Geometry::operator=(Geometry&& o) noexcept {
  if (this != &o) {
    if (g_ != nullptr) GEOSGeom_destroy_r(ctx(), g_);
    g_ = std::exchange(o.g_, nullptr);
  }
  return *this;
}

Geometry Geometry::clone() const {
  if (g_ == nullptr) return {};
  return Geometry(checked(GEOSGeom_clone_r(ctx(), g_), "clone"));
}

// ---------------------------------------------------------------------------------------------------------------
// Geometry: reading and writing

Geometry Geometry::from_wkb(std::span<const unsigned char> wkb) {
  thread_context().clear_error();
  const WkbReaderPtr reader(checked(GEOSWKBReader_create_r(ctx()), "WKB reader"));
  return Geometry(checked(GEOSWKBReader_read_r(ctx(), reader.get(), wkb.data(), wkb.size()), "WKB read"));
}

Geometry Geometry::from_wkt(std::string_view wkt) {
  thread_context().clear_error();
  const WktReaderPtr reader(checked(GEOSWKTReader_create_r(ctx()), "WKT reader"));
  const std::string text(wkt);
  return Geometry(checked(GEOSWKTReader_read_r(ctx(), reader.get(), text.c_str()), "WKT read"));
}

Geometry Geometry::point(double x, double y) {
  return Geometry(checked(GEOSGeom_createPointFromXY_r(ctx(), x, y), "create point"));
}

std::vector<unsigned char> Geometry::to_wkb() const {
  require_geometry(*this, "to WKB");
  const WkbWriterPtr writer(checked(GEOSWKBWriter_create_r(ctx()), "WKB writer"));
  GEOSWKBWriter_setByteOrder_r(ctx(), writer.get(), GEOS_WKB_NDR);
  std::size_t size = 0;
  const GeosBuffer<unsigned char> buffer(checked(GEOSWKBWriter_write_r(ctx(), writer.get(), g_, &size), "WKB write"));
  return {buffer.get(), buffer.get() + size};
}

std::string Geometry::to_wkt(int decimals) const {
  if (g_ == nullptr) return {};
  const WktWriterPtr writer(checked(GEOSWKTWriter_create_r(ctx()), "WKT writer"));
  GEOSWKTWriter_setTrim_r(ctx(), writer.get(), 1);
  GEOSWKTWriter_setRoundingPrecision_r(ctx(), writer.get(), decimals);
  const GeosBuffer<char> text(checked(GEOSWKTWriter_write_r(ctx(), writer.get(), g_), "WKT write"));
  return text.get();
}

// ---------------------------------------------------------------------------------------------------------------
// Geometry: predicates and measures

bool Geometry::is_empty() const {
  if (g_ == nullptr) return true;
  const char result = GEOSisEmpty_r(ctx(), g_);
  if (result == 2) throw_geos("isEmpty");
  return result == 1;
}

bool Geometry::is_valid(std::string* reason) const {
  require_geometry(*this, "isValid");
  const char result = GEOSisValid_r(ctx(), g_);
  if (result == 2) throw_geos("isValid");
  if (result == 1) return true;
  if (reason != nullptr) {
    const GeosBuffer<char> text(GEOSisValidReason_r(ctx(), g_));
    *reason = text ? text.get() : "invalid geometry";
  }
  return false;
}

bool Geometry::all_coordinates_finite() const {
  require_geometry(*this, "finite check");
  return geometry_finite(g_);
}

Geometry Geometry::make_valid_polygonal() const {
  require_geometry(*this, "MakeValid");
  require_finite(*this, "repairing a polygon (GEOS MakeValid)");
  thread_context().clear_error();
  Geometry valid(checked(GEOSMakeValid_r(ctx(), g_), "MakeValid"));
  if (valid.is_polygonal()) return valid;
  std::vector<GEOSGeometry*> polygons;
  try {
    collect_polygons(valid.get(), polygons);
  } catch (...) {
    for (GEOSGeometry* p : polygons) GEOSGeom_destroy_r(ctx(), p);
    throw;
  }
  if (polygons.empty()) return Geometry(checked(GEOSGeom_createEmptyPolygon_r(ctx()), "create empty polygon"));
  if (polygons.size() == 1) return Geometry(polygons.front());
  return make_collection(GEOS_MULTIPOLYGON, std::move(polygons));
}

namespace {

/// The x and y of a curve's vertices.
struct Coords {
  std::vector<double> x, y;
};

Coords coords_of(const GEOSGeometry* curve) {
  const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(ctx(), curve);
  if (seq == nullptr) throw_geos("coordinate sequence");
  unsigned int size = 0;
  if (GEOSCoordSeq_getSize_r(ctx(), seq, &size) == 0) throw_geos("coordinate sequence size");
  Coords c;
  c.x.resize(size);
  c.y.resize(size);
  if (size > 0 && GEOSCoordSeq_copyToArrays_r(ctx(), seq, c.x.data(), c.y.data(), nullptr, nullptr) == 0)
    throw_geos("coordinates");
  return c;
}

/// A line string (or a linear ring) of vertices [from, to] of c.
Geometry curve_of(const Coords& c, std::size_t from, std::size_t to, bool ring) {
  const auto n = static_cast<unsigned int>(to - from + 1);
  GEOSCoordSequence* seq =
      checked(GEOSCoordSeq_copyFromArrays_r(ctx(), c.x.data() + from, c.y.data() + from, nullptr, nullptr, n),
              "coordinate sequence");
  // The constructors take the sequence, also when they fail.
  return Geometry(ring ? checked(GEOSGeom_createLinearRing_r(ctx(), seq), "linear ring")
                       : checked(GEOSGeom_createLineString_r(ctx(), seq), "line string"));
}

/// The polygons of a Polygon or MultiPolygon (not owned).
std::vector<const GEOSGeometry*> polygons_of(const GEOSGeometry* g) {
  if (GEOSGeomTypeId_r(ctx(), g) == GEOS_POLYGON) return {g};
  std::vector<const GEOSGeometry*> out;
  const int n = GEOSGetNumGeometries_r(ctx(), g);
  for (int i = 0; i < n; ++i) out.push_back(GEOSGetGeometryN_r(ctx(), g, i));
  return out;
}

/// The rings of a polygon, shell first (none for an empty polygon; not owned).
std::vector<const GEOSGeometry*> rings_of(const GEOSGeometry* polygon) {
  if (GEOSisEmpty_r(ctx(), polygon) == 1) return {};
  std::vector<const GEOSGeometry*> out{GEOSGetExteriorRing_r(ctx(), polygon)};
  const int holes = GEOSGetNumInteriorRings_r(ctx(), polygon);
  for (int i = 0; i < holes; ++i) out.push_back(GEOSGetInteriorRingN_r(ctx(), polygon, i));
  for (const GEOSGeometry* r : out)
    if (r == nullptr) throw_geos("ring");
  return out;
}

unsigned int vertex_count(const GEOSGeometry* curve) {
  unsigned int size = 0;
  const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(ctx(), curve);
  if (seq == nullptr || GEOSCoordSeq_getSize_r(ctx(), seq, &size) == 0) throw_geos("coordinate sequence size");
  return size;
}

/// GEOSGeom_transformXY callback: coordinates within Geometry::kTinyCoordinate of zero become zero.
int zero_tiny_coordinates(double* x, double* y, void* /*userdata*/) {
  if (std::abs(*x) < Geometry::kTinyCoordinate) *x = 0.0;
  if (std::abs(*y) < Geometry::kTinyCoordinate) *y = 0.0;
  return 1;
}

/// Releases the geometries of `parts` into a raw array for the GEOS constructors that take ownership.
std::vector<GEOSGeometry*> release_all(std::vector<Geometry>& parts) {
  std::vector<GEOSGeometry*> raw;
  raw.reserve(parts.size());
  for (Geometry& p : parts) raw.push_back(p.release());
  return raw;
}

}  // namespace

GEOSGeom_t* Geometry::release() { return std::exchange(g_, nullptr); }

Geometry Geometry::simplified(double tolerance, SimplifyStats* stats) const {
  require_geometry(*this, "simplify");
  if (!(tolerance >= 0.0) || !std::isfinite(tolerance))
    throw std::invalid_argument("simplify: the tolerance must be a finite number >= 0");
  require_finite(*this, "simplifying an outline");
  thread_context().clear_error();
  if (stats != nullptr) *stats = {};
  // Snapped first: coordinates within kTinyCoordinate of zero become zero (see the header).
  const Geometry snapped(checked(GEOSGeom_transformXY_r(ctx(), g_, &zero_tiny_coordinates, nullptr), "snap"));
  const GEOSGeometry* g = snapped.get();

  // Rings longer than kSimplifyPieceVertices: see the header. Other geometries go to GEOS as they are.
  const int type = snapped.type_id();
  bool long_ring = false;
  if (type == GEOS_POLYGON || type == GEOS_MULTIPOLYGON)
    for (const GEOSGeometry* p : polygons_of(g))
      for (const GEOSGeometry* r : rings_of(p)) long_ring = long_ring || vertex_count(r) > kSimplifyPieceVertices;
  if (!long_ring) return Geometry(checked(GEOSTopologyPreserveSimplify_r(ctx(), g, tolerance), "simplify"));

  // One collection of every ring, whole (a LinearRing) or in pieces (LineStrings sharing their end vertices), in
  // the order of polygons and rings; `pieces` remembers how many items each ring became.
  std::vector<Geometry> items;
  std::vector<std::vector<std::size_t>> pieces;  // per polygon, per ring
  for (const GEOSGeometry* p : polygons_of(g)) {
    pieces.emplace_back();
    for (const GEOSGeometry* r : rings_of(p)) {
      const Coords c = coords_of(r);
      if (c.x.size() <= kSimplifyPieceVertices) {
        items.emplace_back(checked(GEOSGeom_clone_r(ctx(), r), "clone"));
        pieces.back().push_back(1);
        continue;
      }
      std::size_t count = 0;
      for (std::size_t from = 0; from + 1 < c.x.size(); from += kSimplifyPieceVertices, ++count)
        items.push_back(curve_of(c, from, std::min(from + kSimplifyPieceVertices, c.x.size() - 1), false));
      pieces.back().push_back(count);
      if (stats != nullptr) {
        ++stats->rings_in_pieces;
        stats->pieces += count;
      }
    }
  }
  const Geometry collection = make_collection(GEOS_GEOMETRYCOLLECTION, release_all(items));
  const Geometry simple(checked(GEOSTopologyPreserveSimplify_r(ctx(), collection.get(), tolerance), "simplify"));

  // Join the pieces again and rebuild the polygons.
  int next = 0;
  std::vector<Geometry> polygons;
  for (const auto& ring_pieces : pieces) {
    std::vector<Geometry> rings;
    for (const std::size_t count : ring_pieces) {
      Coords joined;
      for (std::size_t k = 0; k < count; ++k) {
        const GEOSGeometry* part = GEOSGetGeometryN_r(ctx(), simple.get(), next++);
        if (part == nullptr) throw_geos("simplified part");
        const Coords c = coords_of(part);
        const std::size_t skip = k == 0 ? 0 : 1;  // the first vertex repeats the last of the previous piece
        joined.x.insert(joined.x.end(), c.x.begin() + static_cast<std::ptrdiff_t>(skip), c.x.end());
        joined.y.insert(joined.y.end(), c.y.begin() + static_cast<std::ptrdiff_t>(skip), c.y.end());
      }
      if (joined.x.size() < 4) joined = {};  // collapsed: GEOS keeps rings at 4 vertices, so not expected
      rings.push_back(joined.x.empty() ? Geometry(checked(GEOSGeom_createEmptyLineString_r(ctx()), "empty ring"))
                                       : curve_of(joined, 0, joined.x.size() - 1, true));
    }
    if (rings.empty() || rings.front().is_empty()) continue;
    std::vector<Geometry> holes;
    for (std::size_t i = 1; i < rings.size(); ++i)
      if (!rings[i].is_empty()) holes.push_back(std::move(rings[i]));
    std::vector<GEOSGeometry*> raw_holes = release_all(holes);
    GEOSGeometry* shell = rings.front().release();
    // GEOSGeom_createPolygon takes the rings, also when it fails.
    polygons.emplace_back(checked(GEOSGeom_createPolygon_r(ctx(), shell, raw_holes.data(),
                                                           static_cast<unsigned int>(raw_holes.size())),
                                  "polygon"));
  }
  // As for a whole geometry, the result is valid when the input was: GEOS keeps the pieces from crossing. An invalid
  // input is not repaired here (repairing a scribble can take minutes; the callers repair what they load).
  return polygons.size() == 1 && type == GEOS_POLYGON ? std::move(polygons.front())
                                                      : make_collection(GEOS_MULTIPOLYGON, release_all(polygons));
}

double Geometry::area() const {
  require_geometry(*this, "area");
  double area = 0.0;
  if (GEOSArea_r(ctx(), g_, &area) == 0) throw_geos("area");
  return area;
}

Envelope Geometry::envelope() const {
  Envelope env{std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity(),
               -std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()};
  if (is_empty()) return env;
  if (GEOSGeom_getExtent_r(ctx(), g_, &env.min_x, &env.min_y, &env.max_x, &env.max_y) == 0) throw_geos("extent");
  return env;
}

std::pair<double, double> Geometry::centroid() const {
  require_geometry(*this, "centroid");
  const Geometry c(checked(GEOSGetCentroid_r(ctx(), g_), "centroid"));
  return point_xy(c, "centroid of an empty geometry");
}

std::pair<double, double> Geometry::point_on_surface() const {
  require_geometry(*this, "point on surface");
  const Geometry p(checked(GEOSPointOnSurface_r(ctx(), g_), "point on surface"));
  return point_xy(p, "point on surface of an empty geometry");
}

double Geometry::distance(const Geometry& o) const {
  require_geometry(*this, "distance");
  require_geometry(o, "distance");
  double distance = 0.0;
  if (GEOSDistance_r(ctx(), g_, o.g_, &distance) == 0) throw_geos("distance");
  return distance;
}

int Geometry::type_id() const { return g_ == nullptr ? -1 : GEOSGeomTypeId_r(ctx(), g_); }

bool Geometry::is_polygonal() const {
  const int type = type_id();
  return type == GEOS_POLYGON || type == GEOS_MULTIPOLYGON;
}

Geometry Geometry::union_all(std::vector<Geometry> parts) {
  std::vector<GEOSGeometry*> owned;
  owned.reserve(parts.size());
  for (const Geometry& part : parts)
    if (!part.null()) require_finite(part, "a union");
  for (Geometry& part : parts) {
    if (!part.null()) owned.push_back(std::exchange(part.g_, nullptr));
  }
  thread_context().clear_error();
  const Geometry collection = make_collection(GEOS_GEOMETRYCOLLECTION, std::move(owned));
  return Geometry(checked(GEOSUnaryUnion_r(ctx(), collection.get()), "union"));
}

Geometry Geometry::multi_polygon(std::vector<Geometry> parts) {
  std::vector<GEOSGeometry*> polygons;
  try {
    for (Geometry& part : parts) {
      if (part.null()) continue;
      const int type = part.type_id();
      if (type == GEOS_POLYGON) {
        if (!part.is_empty()) polygons.push_back(part.release());
      } else if (type == GEOS_MULTIPOLYGON) {
        collect_polygons(part.get(), polygons);
      } else {
        throw std::invalid_argument("multi_polygon: a part is not a polygon or multipolygon");
      }
    }
  } catch (...) {
    for (GEOSGeometry* p : polygons) GEOSGeom_destroy_r(ctx(), p);
    throw;
  }
  thread_context().clear_error();
  if (polygons.empty()) return Geometry(checked(GEOSGeom_createEmptyPolygon_r(ctx()), "create empty polygon"));
  if (polygons.size() == 1) return Geometry(polygons.front());
  return make_collection(GEOS_MULTIPOLYGON, std::move(polygons));
}

// ---------------------------------------------------------------------------------------------------------------
// PreparedGeometry

PreparedGeometry::PreparedGeometry(const Geometry& g) {
  require_geometry(g, "prepare");
  p_ = checked(GEOSPrepare_r(ctx(), g.get()), "prepare");
}

PreparedGeometry::~PreparedGeometry() {
  if (p_ != nullptr) GEOSPreparedGeom_destroy_r(ctx(), p_);
}

PreparedGeometry::PreparedGeometry(PreparedGeometry&& o) noexcept : p_(std::exchange(o.p_, nullptr)) {}

PreparedGeometry& PreparedGeometry::operator=(PreparedGeometry&& o) noexcept {
  if (this != &o) {
    if (p_ != nullptr) GEOSPreparedGeom_destroy_r(ctx(), p_);
    p_ = std::exchange(o.p_, nullptr);
  }
  return *this;
}

bool PreparedGeometry::covers(double x, double y) const {
  if (p_ == nullptr) return false;
  const Geometry point = Geometry::point(x, y);
  const char result = GEOSPreparedCovers_r(ctx(), p_, point.get());
  if (result == 2) throw_geos("prepared covers");
  return result == 1;
}

}  // namespace carereach::geo
