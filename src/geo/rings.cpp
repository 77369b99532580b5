// Coordinates of polygons and points read through the reentrant GEOS C API (the calling thread's context).

#define GEOS_USE_ONLY_R_API
#include "geo/rings.hpp"

#include <geos_c.h>

#include <stdexcept>
#include <string>

#include "geo/geos.hpp"

namespace carereach::geo {

namespace {

[[noreturn]] void fail(const char* operation) {
  throw std::runtime_error(std::string("GEOS ") + operation + " failed while reading coordinates");
}

/// The vertices of a LinearRing (or any simple curve), closing vertex included as GEOS stores it.
Ring read_ring(GEOSContextHandle_t ctx, const GEOSGeometry* ring) {
  if (ring == nullptr) fail("ring");
  const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(ctx, ring);
  if (seq == nullptr) fail("coordinate sequence");
  unsigned int size = 0;
  if (GEOSCoordSeq_getSize_r(ctx, seq, &size) == 0) fail("coordinate sequence size");
  Ring out;
  out.x.resize(size);
  out.y.resize(size);
  for (unsigned int i = 0; i < size; ++i) {
    if (GEOSCoordSeq_getXY_r(ctx, seq, i, &out.x[i], &out.y[i]) == 0) fail("coordinate");
  }
  return out;
}

/// Appends the rings of a non-empty Polygon.
void append_polygon(GEOSContextHandle_t ctx, const GEOSGeometry* polygon, std::vector<PolygonRings>& out) {
  if (polygon == nullptr) fail("polygon part");
  const char empty = GEOSisEmpty_r(ctx, polygon);
  if (empty == 2) fail("isEmpty");
  if (empty == 1) return;
  PolygonRings rings;
  rings.shell = read_ring(ctx, GEOSGetExteriorRing_r(ctx, polygon));
  const int holes = GEOSGetNumInteriorRings_r(ctx, polygon);
  if (holes < 0) fail("number of holes");
  rings.holes.reserve(static_cast<std::size_t>(holes));
  for (int i = 0; i < holes; ++i) rings.holes.push_back(read_ring(ctx, GEOSGetInteriorRingN_r(ctx, polygon, i)));
  out.push_back(std::move(rings));
}

}  // namespace

std::vector<PolygonRings> polygon_rings(const Geometry& g) {
  std::vector<PolygonRings> out;
  if (g.null()) return out;
  GEOSContextHandle_t ctx = geos_context();
  const int type = GEOSGeomTypeId_r(ctx, g.get());
  if (type == GEOS_POLYGON) {
    append_polygon(ctx, g.get(), out);
  } else if (type == GEOS_MULTIPOLYGON) {
    const int n = GEOSGetNumGeometries_r(ctx, g.get());
    if (n < 0) fail("number of parts");
    out.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) append_polygon(ctx, GEOSGetGeometryN_r(ctx, g.get(), i), out);
  }
  return out;
}

}  // namespace carereach::geo
