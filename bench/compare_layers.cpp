// carereach-compare-layers BEFORE.gpkg AFTER.gpkg: two runs' layers.gpkg compared layer by layer and feature by
// feature (docs/performance.md). Attributes must be equal as text; a geometry is "same bytes" (ISO WKB), else "same
// normalised" (GEOS normalisation — ring order, start vertex, orientation — then exactly the same coordinates),
// else "topologically equal" (GEOSEquals), else different. Exit code 0 when no attribute and no geometry differs
// beyond topological equality, 1 otherwise, 2 when a file cannot be read. Prints one line per layer.

#define GEOS_USE_ONLY_R_API
#include <gdal_priv.h>
#include <geos_c.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace {

struct Geos {
  GEOSContextHandle_t h = GEOS_init_r();
  ~Geos() { GEOS_finish_r(h); }
};

std::vector<unsigned char> wkb_of(const OGRGeometry& g) {
  std::vector<unsigned char> w(g.WkbSize());
  g.exportToWkb(wkbNDR, w.data(), wkbVariantIso);
  return w;
}

struct Counts {
  long n = 0, same_bytes = 0, same_normalised = 0, topo_equal = 0, differ = 0, attr_differ = 0;
  double max_area_diff = 0.0;
  double max_symdiff = 0.0;  ///< of the features that differ
};

void compare_geometry(const Geos& geos, const OGRGeometry* ga, const OGRGeometry* gb, Counts& c) {
  if (ga == nullptr || gb == nullptr) {
    ++((ga == nullptr && gb == nullptr) ? c.same_bytes : c.differ);
    return;
  }
  const std::vector<unsigned char> wa = wkb_of(*ga), wb = wkb_of(*gb);
  if (wa == wb) {
    ++c.same_bytes;
    return;
  }
  GEOSGeometry* x = GEOSGeomFromWKB_buf_r(geos.h, wa.data(), wa.size());
  GEOSGeometry* y = GEOSGeomFromWKB_buf_r(geos.h, wb.data(), wb.size());
  if (x == nullptr || y == nullptr) {
    ++c.differ;
  } else {
    double ax = 0.0, ay = 0.0;
    GEOSArea_r(geos.h, x, &ax);
    GEOSArea_r(geos.h, y, &ay);
    c.max_area_diff = std::max(c.max_area_diff, std::abs(ax - ay));
    GEOSNormalize_r(geos.h, x);
    GEOSNormalize_r(geos.h, y);
    if (GEOSEqualsExact_r(geos.h, x, y, 0.0) == 1) ++c.same_normalised;
    else if (GEOSEquals_r(geos.h, x, y) == 1) ++c.topo_equal;
    else {
      ++c.differ;
      // How far apart: the area of the symmetric difference (0 up to rounding for outlines built two ways).
      if (GEOSGeometry* d = GEOSSymDifference_r(geos.h, x, y)) {
        double ad = 0.0;
        GEOSArea_r(geos.h, d, &ad);
        c.max_symdiff = std::max(c.max_symdiff, ad);
        GEOSGeom_destroy_r(geos.h, d);
      }
    }
  }
  if (x != nullptr) GEOSGeom_destroy_r(geos.h, x);
  if (y != nullptr) GEOSGeom_destroy_r(geos.h, y);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fputs("usage: carereach-compare-layers BEFORE.gpkg AFTER.gpkg\n", stderr);
    return 2;
  }
  GDALAllRegister();
  const GDALDatasetUniquePtr a(GDALDataset::Open(argv[1], GDAL_OF_VECTOR));
  const GDALDatasetUniquePtr b(GDALDataset::Open(argv[2], GDAL_OF_VECTOR));
  if (!a || !b) {
    std::fputs("cannot open both files\n", stderr);
    return 2;
  }
  const Geos geos;
  long bad = 0;
  if (a->GetLayerCount() != b->GetLayerCount()) {
    std::puts("the number of layers differs");
    ++bad;
  }
  for (int i = 0; i < std::min(a->GetLayerCount(), b->GetLayerCount()); ++i) {
    OGRLayer* la = a->GetLayer(i);
    OGRLayer* lb = b->GetLayer(i);
    if (std::string(la->GetName()) != lb->GetName()) {
      std::printf("layer %d: %s against %s\n", i, la->GetName(), lb->GetName());
      ++bad;
      continue;
    }
    Counts c;
    la->ResetReading();
    lb->ResetReading();
    while (true) {
      const OGRFeatureUniquePtr fa(la->GetNextFeature());
      const OGRFeatureUniquePtr fb(lb->GetNextFeature());
      if (!fa || !fb) {
        if (fa || fb) {
          std::printf("%s: the number of features differs\n", la->GetName());
          ++bad;
        }
        break;
      }
      ++c.n;
      bool same_attributes = fa->GetFieldCount() == fb->GetFieldCount();
      for (int k = 0; same_attributes && k < fa->GetFieldCount(); ++k)
        same_attributes = std::string(fa->GetFieldAsString(k)) == fb->GetFieldAsString(k);
      if (!same_attributes) ++c.attr_differ;
      compare_geometry(geos, fa->GetGeometryRef(), fb->GetGeometryRef(), c);
    }
    std::printf("%-44s features %ld: same bytes %ld, same normalised %ld, topologically equal %ld, DIFFERENT %ld, "
                "attributes differ %ld, largest area difference %g, largest symmetric difference of those that differ %g\n",
                la->GetName(), c.n, c.same_bytes, c.same_normalised, c.topo_equal, c.differ, c.attr_differ,
                c.max_area_diff, c.max_symdiff);
    bad += c.differ + c.attr_differ;
  }
  std::puts(bad == 0 ? "equivalent" : "DIFFERENT");
  return bad == 0 ? 0 : 1;
}
