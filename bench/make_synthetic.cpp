// carereach-make-synthetic: writes a seeded synthetic region (counties, township seats, population raster,
// facilities, OpenStreetMap roads and a scenario.toml) that `carereach validate` accepts. The same arguments give
// the same bytes. docs/performance.md describes the data and the benchmark that uses it.

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include <gdal_priv.h>
#include <CLI/CLI.hpp>

#include "synthetic/facilities.hpp"
#include "synthetic/layout.hpp"
#include "synthetic/population_raster.hpp"
#include "synthetic/road_network.hpp"
#include "synthetic/spec.hpp"
#include "synthetic/writers.hpp"

namespace fs = std::filesystem;
using namespace carereach::synthetic;

namespace {

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;
constexpr double kMaxCells = 100.0e6;  // 400 MB of Float32 while generating
constexpr double kMaxRoadNodes = 50.0e6;
constexpr const char* kPartialFolder = ".synthetic-partial";

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Stopwatch {
 public:
  double lap() {
    const auto now = std::chrono::steady_clock::now();
    const double s = std::chrono::duration<double>(now - last_).count();
    last_ = now;
    return s;
  }
  [[nodiscard]] double total() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_ = start_;
};

std::string thousands(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.0f", v);
  std::string digits = buf;
  std::string out;
  const std::size_t lead = digits.size() % 3 == 0 ? 3 : digits.size() % 3;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (i - lead) % 3 == 0 && i >= lead) out += ',';
    out += digits[i];
  }
  return out;
}

/// The output folder must be new, empty, or an earlier output of this program (it holds synthetic.json).
void prepare_output(const fs::path& out, const FileNames& names) {
  std::error_code ec;
  if (fs::exists(out, ec)) {
    if (!fs::is_directory(out, ec)) throw UsageError(out.string() + " exists and is not a folder");
    bool empty = true;  // a partial folder left by an interrupted run does not count
    for (const auto& entry : fs::directory_iterator(out)) empty = empty && entry.path().filename() == kPartialFolder;
    if (!empty && !fs::exists(out / names.manifest, ec))
      throw UsageError(out.string() + " is not empty and holds no " + names.manifest +
                       ": give a new or empty folder (an earlier output of this program is replaced)");
  }
  fs::create_directories(out / kPartialFolder);
}

void report_line(const char* what, double seconds) {
  std::printf("  %-28s %8.2f s\n", what, seconds);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "Writes a seeded synthetic region as a carereach scenario folder: county polygons, township seats, a\n"
      "population raster, facilities, an OpenStreetMap road network and scenario.toml. The same\n"
      "arguments give the same bytes.",
      "carereach-make-synthetic"};
  std::string size = "prefecture";
  std::string extent_text;
  double cell_size_m = 100.0;
  std::uint64_t seed = 1;
  std::size_t road_nodes = 0;
  std::string roads_format = "pbf";
  std::string out_text;
  app.add_option("--size", size,
                 "Preset: tiny (3 x 2 km), prefecture (100 x 100 km, 300 k road nodes), province "
                 "(388 x 388 km, 3 M road nodes)")
      ->check(CLI::IsMember({"tiny", "prefecture", "province"}))
      ->capture_default_str();
  app.add_option("--extent-km", extent_text, "Extent W or WxH in km instead of the preset's (road nodes: 30 per km²)");
  app.add_option("--cell-size-m", cell_size_m, "Population raster and analysis cell size, metres")
      ->check(CLI::Range(1.0, 10000.0))
      ->capture_default_str();
  app.add_option("--seed", seed, "Seed of every random choice")->capture_default_str();
  app.add_option("--road-nodes", road_nodes, "Road nodes to aim for (default: the preset's)");
  app.add_option("--roads-format", roads_format, "Road file: pbf (roads.osm.pbf) or osm (roads.osm, XML)")
      ->check(CLI::IsMember({"pbf", "osm"}))
      ->capture_default_str();
  app.add_option("--out", out_text, "Output folder: new, empty, or an earlier output of this program")->required();
  CLI11_PARSE(app, argc, argv);

  try {
    SyntheticSpec spec = *preset(size);
    spec.seed = seed;
    spec.cell_size_m = cell_size_m;
    spec.roads_format = roads_format == "osm" ? RoadsFormat::kOsmXml : RoadsFormat::kPbf;
    if (!extent_text.empty()) {
      const auto wh = parse_extent_km(extent_text);
      if (!wh) throw UsageError("--extent-km: expected W or WxH in km, e.g. 50 or 60x40, got '" + extent_text + "'");
      spec.size_name = "custom";
      spec.width_km = wh->first;
      spec.height_km = wh->second;
      spec.road_nodes_target = static_cast<std::size_t>(spec.area_km2() * spec.road_nodes_per_km2);
    }
    if (road_nodes > 0) spec.road_nodes_target = road_nodes;
    const double cells = spec.area_km2() * 1.0e6 / (spec.cell_size_m * spec.cell_size_m);
    if (cells > kMaxCells)
      throw UsageError("the extent needs " + thousands(cells) + " cells, more than " + thousands(kMaxCells) +
                       ": use a larger --cell-size-m or a smaller extent");
    if (cells < 4) throw UsageError("the extent holds fewer than 4 cells: use a smaller --cell-size-m");
    if (static_cast<double>(spec.road_nodes_target) > kMaxRoadNodes)
      throw UsageError("more than " + thousands(kMaxRoadNodes) + " road nodes asked for");
    spec.road_nodes_target = std::max<std::size_t>(spec.road_nodes_target, 20);

    const FileNames names = file_names(spec);
    const fs::path out(out_text);
    prepare_output(out, names);
    const fs::path partial = out / kPartialFolder;

    GDALAllRegister();
    CPLSetErrorHandler(CPLQuietErrorHandler);
    Stopwatch clock;
    std::printf("carereach-make-synthetic: %s, seed %llu, %g x %g km, %g m cells → %s\n", spec.size_name.c_str(),
                static_cast<unsigned long long>(spec.seed), spec.width_km, spec.height_km, spec.cell_size_m,
                out.string().c_str());
    std::vector<std::pair<const char*, double>> laps;
    const Extent extent = make_extent(spec);
    const Layout layout = make_layout(spec, extent);
    laps.emplace_back("settlements and counties", clock.lap());
    const PopulationRaster population = make_population(spec, layout);
    laps.emplace_back("population raster", clock.lap());
    const RoadNetwork roads = make_roads(spec, layout, population);
    laps.emplace_back("road network", clock.lap());
    const std::vector<FacilityRow> facilities = make_facilities(spec, layout);
    laps.emplace_back("facilities", clock.lap());

    write_counties(partial / names.counties, spec, layout);
    write_township_seats(partial / names.township_seats, spec, layout);
    write_facilities(partial / names.facilities, spec, facilities);
    laps.emplace_back("write zones and facilities", clock.lap());
    write_population(partial / names.population, spec, population);
    laps.emplace_back("write population GeoTIFF", clock.lap());
    write_roads(partial / names.roads, spec, roads);
    laps.emplace_back("write roads", clock.lap());
    write_scenario(partial / names.scenario, spec, names);
    const Inventory inventory = take_inventory(layout, facilities, population, roads);
    write_manifest(partial / names.manifest, spec, extent, inventory, names);
    // All files are complete: move them into place (the manifest last, as it marks a finished output).
    for (const std::string* name : {&names.counties, &names.township_seats, &names.facilities, &names.population,
                                    &names.roads, &names.scenario, &names.manifest})
      fs::rename(partial / *name, out / *name);
    fs::remove_all(partial);
    laps.emplace_back("write scenario and manifest", clock.lap());

    std::printf("  %s counties (%zu with several parts), %s townships, %s villages\n",
                thousands(static_cast<double>(inventory.counties)).c_str(), inventory.multipart_counties,
                thousands(static_cast<double>(inventory.townships)).c_str(),
                thousands(static_cast<double>(inventory.villages)).c_str());
    std::printf("  %s facilities: %zu 综合医院, %zu 中医医院, %zu 乡镇卫生院, %zu 村卫生室\n",
                thousands(static_cast<double>(inventory.facilities)).c_str(), inventory.general_hospitals,
                inventory.tcm_hospitals, inventory.township_centres, inventory.village_clinics);
    std::printf("  population: %s persons on %s cells of %g m\n", thousands(inventory.population).c_str(),
                thousands(static_cast<double>(inventory.cells)).c_str(), spec.cell_size_m);
    std::printf("  roads: %s nodes (target %s), %s ways, %s crossings, lattice spacing %.0f m\n",
                thousands(static_cast<double>(inventory.road_nodes)).c_str(),
                thousands(static_cast<double>(spec.road_nodes_target)).c_str(),
                thousands(static_cast<double>(inventory.road_ways)).c_str(),
                thousands(static_cast<double>(inventory.road_crossings)).c_str(), inventory.lattice_spacing_m);
    std::printf("  road km:");
    for (std::size_t h = 0; h < inventory.road_km_by_class.size(); ++h)
      std::printf(" %s %s;", std::string(highway_tag(static_cast<Highway>(h))).c_str(),
                  thousands(inventory.road_km_by_class[h]).c_str());
    std::printf("\n");
    for (const auto& [what, s] : laps) report_line(what, s);
    report_line("total", clock.total());
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    std::printf("  peak memory (max RSS)        %8.0f MB\n", static_cast<double>(usage.ru_maxrss) / 1024.0);
    return 0;
  } catch (const UsageError& e) {
    std::cerr << "carereach-make-synthetic: error: " << e.what() << '\n';
    return kExitUsage;
  } catch (const std::exception& e) {
    std::cerr << "carereach-make-synthetic: error: " << e.what() << '\n';
    return kExitFailure;
  }
}
