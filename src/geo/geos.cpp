// RAII wrappers over the reentrant GEOS C API. Every call uses the GEOS context of the calling thread; GEOS
// messages are kept (never printed) and become the text of the std::runtime_error thrown on failure.

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
  throw std::runtime_error("GEOS " + operation + " failed" + (message.empty() ? "" : ": " + message));
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

Geometry Geometry::make_valid_polygonal() const {
  require_geometry(*this, "MakeValid");
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

Geometry Geometry::simplified(double tolerance) const {
  require_geometry(*this, "simplify");
  if (!(tolerance >= 0.0) || !std::isfinite(tolerance))
    throw std::invalid_argument("simplify: the tolerance must be a finite number >= 0");
  thread_context().clear_error();
  return Geometry(checked(GEOSTopologyPreserveSimplify_r(ctx(), g_, tolerance), "simplify"));
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
  for (Geometry& part : parts) {
    if (!part.null()) owned.push_back(std::exchange(part.g_, nullptr));
  }
  thread_context().clear_error();
  const Geometry collection = make_collection(GEOS_GEOMETRYCOLLECTION, std::move(owned));
  return Geometry(checked(GEOSUnaryUnion_r(ctx(), collection.get()), "union"));
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
