// Fuzz target: the outline simplification of the report maps (pipeline::drawable_rings, as report.html and
// compare.html use it for zones, travel-time bands and gap areas: GEOS TopologyPreserveSimplify to half a pixel or a
// pixel of the map). The geometry comes from the bytes (geometry_input.hpp); the map frame is its envelope grown by
// a factor the last byte gives (2^0 … 2^15), so the tolerance ranges from a fraction of the shape to more than all
// of it (for a geometry within ±1e12 whose envelope has an area, as every study area has), and the last byte's top
// bit chooses half a pixel (boundaries) or a pixel (bands, gaps).
// Expected: rings to draw, or a geo::GeometryError. A hang (libFuzzer -timeout) is a finding.

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "pipeline/report_maps.hpp"
#include "fuzz_common.hpp"
#include "geo/crs.hpp"
#include "geo/geos.hpp"
#include "geometry_input.hpp"
#include "report/table.hpp"

using namespace carereach;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const geo::CrsSpec crs = geo::CrsSpec::parse("EPSG:4548");
  const std::uint8_t last = size > 0 ? data[size - 1] : 0;
  fuzz::expect_only_carereach_errors([&] {
    const geo::Geometry g = fuzz::geometry_from_bytes(data, size);
    if (g.is_empty()) return;
    geo::Envelope env = g.envelope();
    const bool has_area = (env.max_x - env.min_x) * (env.max_y - env.min_y) > 0;
    if (g.all_coordinates_finite() && has_area) {
      const double grow = std::ldexp(1.0, last % 16);
      const double cx = 0.5 * (env.min_x + env.max_x), cy = 0.5 * (env.min_y + env.max_y);
      const double hw = 0.5 * (env.max_x - env.min_x) * grow, hh = 0.5 * (env.max_y - env.min_y) * grow;
      env = {cx - hw, cy - hh, cx + hw, cy + hh};
    } else {
      // A run frames its maps on the study area: polygons of positive area (the loaders refuse zones without one)
      // within ±1e12 (union_all refuses others). A geometry beyond that, or a point, a line or a sliver whose
      // envelope has no area in doubles, is drawn in an ordinary frame instead, as it would be in a report.
      env = {0.0, 0.0, 100000.0, 100000.0};
    }
    const pipeline::MapFrame frame = pipeline::make_map_frame(env, crs, report::Lang::kZh);
    (void)pipeline::drawable_rings(g, frame, (last & 0x80) != 0 ? 1.0 : 0.5);
  });
  return 0;
}
