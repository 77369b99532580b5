// Fuzz target: the scenario file (TOML) as io::parse_scenario reads it. The scenario lies in a private folder
// that holds files under the names the demo scenarios and docs/scenario.md use (empty, except the speed profiles:
// copies of data/speeds.toml), so that parsing goes past the "file not found" checks.
// Expected: a Scenario, or a ScenarioError / InputError / CrsError naming the key and line.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

#include "fuzz_common.hpp"
#include "io/scenario.hpp"

namespace {

const std::filesystem::path& scenario_dir() {
  static const std::filesystem::path dir = [] {
    const std::filesystem::path d = carereach::fuzz::temp_dir() / "scenario";
    std::filesystem::create_directories(d);
    for (const char* name : {"counties.geojson", "zones.geojson", "township_seats.csv", "facilities.csv",
                             "population_100m.tif", "pop.tif", "built_up.tif", "roads_modelled.gpkg", "blocks.gpkg",
                             "census_blocks.gpkg", "population_hex.gpkg", "municipality.gpkg", "rivers.gpkg",
                             "poa_osm.pbf", "roads.osm", "landcover.tif", "landcover_speeds.csv", "dem.tif",
                             "census2020_counties.csv", "villages.csv"}) {
      carereach::fuzz::write_file(d / name, nullptr, 0);
    }
    const std::filesystem::path speeds = std::filesystem::path(CAREREACH_SOURCE_DIR) / "data" / "speeds.toml";
    std::filesystem::copy_file(speeds, d / "speeds.toml", std::filesystem::copy_options::overwrite_existing);
    std::filesystem::copy_file(speeds, d / "my_speeds.toml", std::filesystem::copy_options::overwrite_existing);
    return d;
  }();
  return dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const std::filesystem::path file = scenario_dir() / "scenario.toml";
  carereach::fuzz::expect_only_carereach_errors([&] { (void)carereach::io::parse_scenario(text, file); });
  return 0;
}
