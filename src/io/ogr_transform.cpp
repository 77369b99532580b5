#include "io/ogr_transform.hpp"

#include <cmath>
#include <stdexcept>
#include <vector>

#include "core/error.hpp"

namespace carereach::io {

std::unique_ptr<OGRSpatialReference> make_srs(const geo::CrsSpec& crs) {
  auto srs = std::make_unique<OGRSpatialReference>();
  const std::string wkt = crs.wkt();
  if (srs->importFromWkt(wkt.c_str()) != OGRERR_NONE)
    throw CrsError("GDAL cannot read the coordinate system " + crs.display());
  srs->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  return srs;
}

OgrTransformAdapter::OgrTransformAdapter(const geo::CrsSpec& from, const geo::CrsSpec& to)
    : from_spec_(from), to_spec_(to), transformer_(from, to), source_(make_srs(from)), target_(make_srs(to)) {}

OgrTransformAdapter::~OgrTransformAdapter() = default;

int OgrTransformAdapter::Transform(int count, double* x, double* y, double*, double*, int* success) {
  const auto n = static_cast<std::size_t>(count);
  const std::size_t failed = transformer_.transform(std::span<double>(x, n), std::span<double>(y, n));
  if (success != nullptr)
    for (std::size_t i = 0; i < n; ++i) success[i] = std::isfinite(x[i]) && std::isfinite(y[i]) ? TRUE : FALSE;
  return failed == 0 ? TRUE : FALSE;
}

OGRCoordinateTransformation* OgrTransformAdapter::Clone() const { return new OgrTransformAdapter(from_spec_, to_spec_); }

OGRCoordinateTransformation* OgrTransformAdapter::GetInverse() const {
  return new OgrTransformAdapter(to_spec_, from_spec_);
}

geo::Geometry to_geos(const OGRGeometry& g) {
  std::vector<unsigned char> wkb(static_cast<std::size_t>(g.WkbSize()));
  if (g.exportToWkb(wkbNDR, wkb.data(), wkbVariantIso) != OGRERR_NONE)
    throw std::runtime_error("cannot export the geometry as WKB");
  return geo::Geometry::from_wkb(wkb);
}

std::unique_ptr<OGRGeometry> to_ogr(const geo::Geometry& g) {
  const std::vector<unsigned char> wkb = g.to_wkb();
  OGRGeometry* out = nullptr;
  if (OGRGeometryFactory::createFromWkb(wkb.data(), nullptr, &out, wkb.size()) != OGRERR_NONE || out == nullptr)
    throw std::runtime_error("cannot read a GEOS geometry back into OGR");
  return std::unique_ptr<OGRGeometry>(out);
}

}  // namespace carereach::io
