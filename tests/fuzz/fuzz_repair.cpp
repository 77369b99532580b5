// Fuzz target: polygon repair, the GEOS wrapper every loader of polygons uses (zones, population polygons, output
// layers): Geometry::is_valid with its reason, make_valid_polygonal, then what the loaders do with the result
// (area, union for the study area, a point inside, the rings the report draws). The geometry comes from the bytes
// (geometry_input.hpp: WKB, or coordinates made from the bytes).
// Expected: a repaired (valid, polygonal) geometry, or a geo::GeometryError. A repair that is not valid is a finding.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "fuzz_common.hpp"
#include "geo/geos.hpp"
#include "geo/rings.hpp"
#include "geometry_input.hpp"

using namespace carereach;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::expect_only_carereach_errors([&] {
    const geo::Geometry g = fuzz::geometry_from_bytes(data, size);
    std::string reason;
    const bool valid = g.is_valid(&reason);
    const geo::Geometry repaired = g.make_valid_polygonal();
    if (!repaired.is_polygonal()) {
      std::fprintf(stderr, "carereach fuzz: the repair is not polygonal (type %d)\n", repaired.type_id());
      std::abort();
    }
    std::string why;
    if (!repaired.is_valid(&why)) {
      std::fprintf(stderr, "carereach fuzz: the repair of a%s geometry is invalid: %s\n", valid ? " valid" : "n invalid",
                   why.c_str());
      std::abort();
    }
    (void)repaired.area();
    (void)geo::polygon_rings(repaired);
    if (repaired.is_empty()) return;
    (void)repaired.envelope();
    (void)repaired.point_on_surface();
    std::vector<geo::Geometry> parts;
    parts.push_back(repaired.clone());
    (void)geo::Geometry::union_all(std::move(parts)).area();
  });
  return 0;
}
