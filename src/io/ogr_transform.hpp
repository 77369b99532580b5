#pragma once
// Bridges carereach's coordinate transformations (which know GCJ-02 and BD-09) to OGR geometries, and OGR
// geometries to GEOS.

#include <memory>

#include <ogr_geometry.h>
#include <ogr_spatialref.h>

#include "geo/crs.hpp"
#include "geo/geos.hpp"

namespace carereach::io {

/// An OGRCoordinateTransformation that runs a geo::Transformer, so OGRGeometry::transform() can convert
/// GCJ-02/BD-09 as well as any PROJ CRS. Coordinates in GIS order (x = longitude/easting).
class OgrTransformAdapter final : public OGRCoordinateTransformation {
 public:
  OgrTransformAdapter(const geo::CrsSpec& from, const geo::CrsSpec& to);
  ~OgrTransformAdapter() override;

  OGRSpatialReference* GetSourceCS() override { return source_.get(); }
  OGRSpatialReference* GetTargetCS() override { return target_.get(); }
  int Transform(int count, double* x, double* y, double* z, double* t, int* success) override;
  OGRCoordinateTransformation* Clone() const override;
  OGRCoordinateTransformation* GetInverse() const override;

 private:
  geo::CrsSpec from_spec_;
  geo::CrsSpec to_spec_;
  geo::Transformer transformer_;
  std::unique_ptr<OGRSpatialReference> source_;
  std::unique_ptr<OGRSpatialReference> target_;
};

/// An OGRSpatialReference for a CrsSpec (WGS 84 for GCJ-02/BD-09), in GIS axis order.
std::unique_ptr<OGRSpatialReference> make_srs(const geo::CrsSpec& crs);

/// Copies an OGR geometry into GEOS (via WKB). Throws std::runtime_error when GEOS rejects it.
geo::Geometry to_geos(const OGRGeometry& g);
/// Copies a GEOS geometry into a new OGR geometry.
std::unique_ptr<OGRGeometry> to_ogr(const geo::Geometry& g);

}  // namespace carereach::io
