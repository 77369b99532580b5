// Fuzz target: OpenStreetMap import (io::load_roads with a [roads] source of kind osm, through libosmium). Built
// twice: fuzz_osm_xml reads the bytes as an .osm (XML) file, fuzz_osm_pbf as an .osm.pbf file
// (CAREREACH_FUZZ_OSM_SUFFIX). The file lies in the process's private folder; the analysis CRS is the Bozhou demo's
// (EPSG:4548), and a clip box around the demo area is used for inputs of odd size, none for the others.
// Expected: RoadData and warnings, or an InputError / CrsError.

#include <cstddef>
#include <cstdint>
#include <optional>

#include "core/diagnostics.hpp"
#include "core/road_data.hpp"
#include "fuzz_common.hpp"
#include "geo/crs.hpp"
#include "io/roads.hpp"

using namespace carereach;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const geo::CrsSpec analysis_crs = geo::CrsSpec::parse("EPSG:4548");
  static const std::filesystem::path file = fuzz::temp_dir() / ("roads" CAREREACH_FUZZ_OSM_SUFFIX);
  fuzz::write_file(file, data, size);
  io::RoadSpec spec;
  spec.kind = io::RoadSourceKind::kOsm;
  spec.source.path = file;
  spec.source.path_as_written = "roads" CAREREACH_FUZZ_OSM_SUFFIX;
  spec.source.key = "roads";
  spec.source.line = 20;
  std::optional<ClipBox> clip;
  // Bozhou's counties in EPSG:4548, roughly (metres).
  if (size % 2 == 1) clip = ClipBox{430000.0, 3660000.0, 560000.0, 3820000.0};
  fuzz::expect_only_carereach_errors([&] {
    Diagnostics diag;
    (void)io::load_roads(spec, analysis_crs, clip, diag);
  });
  return 0;
}
