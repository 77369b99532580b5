// A real-data check of the GCJ-02 conversion: Amap county fences (GCJ-02) against independently drawn census
// county boundaries (WGS 84) of the same five prefectures (tests/data/reference/README.md). Converted with
// carereach's Transformer, matching county centroids must agree to well under 100 m; read naively as WGS 84 (as
// GDAL reports them) they are several hundred metres off.

#include <catch2/catch.hpp>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "geo/crs.hpp"
#include "geo/geos.hpp"

namespace geo = carereach::geo;

namespace {

const std::string kReferenceDir = std::string(CAREREACH_TEST_DATA) + "/reference/";

struct CountyShape {
  int adcode = 0;
  std::vector<unsigned char> wkb_lonlat;  ///< polygon or multipolygon, degrees
};

GDALDatasetUniquePtr open_vector(const std::string& path) {
  GDALAllRegister();
  GDALDatasetUniquePtr dataset(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
  if (!dataset) FAIL("cannot open " << path);
  return dataset;
}

std::vector<unsigned char> to_wkb(const OGRGeometry& g) {
  std::vector<unsigned char> wkb(g.WkbSize());
  g.exportToWkb(wkbNDR, wkb.data(), wkbVariantIso);
  return wkb;
}

/// County-level polygons of a layer (prefecture codes, ending in 00, are left out), keyed by the code field.
std::map<int, CountyShape> read_counties(const std::string& path, const char* code_field) {
  const GDALDatasetUniquePtr dataset = open_vector(path);
  OGRLayer* layer = dataset->GetLayer(0);
  REQUIRE(layer != nullptr);
  std::map<int, CountyShape> counties;
  for (const auto& feature : *layer) {
    const int adcode = feature->GetFieldAsInteger(code_field);
    const OGRGeometry* geometry = feature->GetGeometryRef();
    if (adcode % 100 == 0 || geometry == nullptr) continue;
    counties[adcode] = CountyShape{adcode, to_wkb(*geometry)};
  }
  return counties;
}

/// Converts every vertex of a (multi)polygon in place with a carereach Transformer.
void transform_rings(OGRGeometry& g, const geo::Transformer& transformer) {
  const auto transform_polygon = [&transformer](OGRPolygon& polygon) {
    for (OGRLinearRing* ring : polygon) {
      const int n = ring->getNumPoints();
      std::vector<double> x(static_cast<std::size_t>(n));
      std::vector<double> y(static_cast<std::size_t>(n));
      ring->getPoints(x.data(), sizeof(double), y.data(), sizeof(double));
      REQUIRE(transformer.transform(x, y) == 0);
      ring->setPoints(n, x.data(), y.data());
    }
  };
  switch (wkbFlatten(g.getGeometryType())) {
    case wkbPolygon:
      transform_polygon(*g.toPolygon());
      break;
    case wkbMultiPolygon:
      for (OGRPolygon* polygon : *g.toMultiPolygon()) transform_polygon(*polygon);
      break;
    default:
      FAIL("unexpected geometry type " << g.getGeometryName());
  }
}

/// Centroid, in the transformer's target CRS, of a polygon given as lon/lat WKB.
std::pair<double, double> projected_centroid(const std::vector<unsigned char>& wkb_lonlat,
                                             const geo::Transformer& transformer) {
  OGRGeometry* raw = nullptr;
  REQUIRE(OGRGeometryFactory::createFromWkb(wkb_lonlat.data(), nullptr, &raw, wkb_lonlat.size()) == OGRERR_NONE);
  const std::unique_ptr<OGRGeometry, decltype(&OGRGeometryFactory::destroyGeometry)> g(
      raw, &OGRGeometryFactory::destroyGeometry);
  transform_rings(*g, transformer);
  return geo::Geometry::from_wkb(to_wkb(*g)).centroid();
}

double median(std::vector<double> values) {
  REQUIRE_FALSE(values.empty());
  std::sort(values.begin(), values.end());
  const std::size_t mid = values.size() / 2;
  return values.size() % 2 == 1 ? values[mid] : 0.5 * (values[mid - 1] + values[mid]);
}

/// The transformers into one county's local analysis CRS: from WGS 84 and from GCJ-02.
struct LocalTransformers {
  geo::Transformer from_wgs84;
  geo::Transformer from_gcj02;
};

}  // namespace

TEST_CASE("GCJ-02 county fences agree with WGS 84 census boundaries after conversion", "[io][geo][gcj02][data]") {
  const auto fences = read_counties(kReferenceDir + "fences_5prefectures_2016_gcj02.geojson", "adcode");
  const auto census = read_counties(kReferenceDir + "counties_5prefectures_unprojected_wgs84.geojson", "CODE");

  std::map<std::string, LocalTransformers> transformers;  // by analysis CRS
  std::vector<double> before_m;
  std::vector<double> after_m;
  std::vector<double> after_east_m;   // signed components of the converted fence's centroid displacement
  std::vector<double> after_north_m;
  for (const auto& [adcode, census_county] : census) {
    const auto fence = fences.find(adcode);
    if (fence == fences.end()) continue;

    // Each county in its own Gauss-Kruger zone, chosen from its WGS 84 centroid.
    const auto [lon, lat] = geo::Geometry::from_wkb(census_county.wkb_lonlat).centroid();
    const geo::CrsSpec local = geo::choose_analysis_crs(lon, lat);
    auto it = transformers.find(local.definition);
    if (it == transformers.end()) {
      it = transformers
               .emplace(local.definition, LocalTransformers{geo::Transformer(geo::wgs84(), local),
                                                            geo::Transformer(geo::CrsSpec::parse("gcj02"), local)})
               .first;
    }
    const LocalTransformers& to_local = it->second;

    const auto truth = projected_centroid(census_county.wkb_lonlat, to_local.from_wgs84);
    const auto naive = projected_centroid(fence->second.wkb_lonlat, to_local.from_wgs84);      // GCJ-02 read as WGS 84
    const auto converted = projected_centroid(fence->second.wkb_lonlat, to_local.from_gcj02);  // GCJ-02 converted
    const double before = std::hypot(naive.first - truth.first, naive.second - truth.second);
    const double after = std::hypot(converted.first - truth.first, converted.second - truth.second);
    INFO(adcode << " (" << local.definition << "): centroid distance " << before << " m before, " << after
                << " m after conversion");
    CHECK(after < before);
    before_m.push_back(before);
    after_m.push_back(after);
    after_east_m.push_back(converted.first - truth.first);
    after_north_m.push_back(converted.second - truth.second);
  }

  REQUIRE(after_m.size() >= 30);  // 34 counties in the census file; a few codes changed between 2016 and 2020
  const double median_before_m = median(before_m);
  const double median_after_m = median(after_m);
  const double median_after_east_m = median(after_east_m);
  const double median_after_north_m = median(after_north_m);
  const double max_after_m = *std::max_element(after_m.begin(), after_m.end());
  WARN("GCJ-02 fences vs WGS 84 census boundaries, " << after_m.size() << " counties: median centroid distance "
       << median_before_m << " m before conversion, " << median_after_m << " m after (max " << max_after_m
       << " m); median displacement after conversion " << median_after_east_m << " m east, "
       << median_after_north_m << " m north");
  CHECK(median_after_m < 100.0);
  CHECK(median_before_m > 150.0);
  // What remains after conversion is the difference between two independently drawn and generalised boundary
  // sets, which has no common direction; a conversion error would show as a common shift.
  CHECK(std::abs(median_after_east_m) < 50.0);
  CHECK(std::abs(median_after_north_m) < 50.0);
}
