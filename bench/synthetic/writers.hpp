#pragma once
// Writing a synthetic region as a carereach scenario folder. Every writer produces the same bytes for the same
// input (no timestamps, no host names, fixed number formats).

#include <array>
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "synthetic/facilities.hpp"
#include "synthetic/layout.hpp"
#include "synthetic/population_raster.hpp"
#include "synthetic/road_network.hpp"
#include "synthetic/spec.hpp"

namespace carereach::synthetic {

/// File names inside the scenario folder.
struct FileNames {
  std::string scenario = "scenario.toml";
  std::string counties = "counties.geojson";
  std::string township_seats = "township_seats.csv";
  std::string population = "population_100m.tif";
  std::string facilities = "facilities.csv";
  std::string roads = "roads.osm.pbf";
  std::string manifest = "synthetic.json";
};

FileNames file_names(const SyntheticSpec& spec);

/// County polygons as GeoJSON in the spec's projected CRS: code, name, parent_code.
void write_counties(const std::filesystem::path& file, const SyntheticSpec& spec, const Layout& layout);
/// Township seats as a UTF-8 CSV with CGCS2000 longitude/latitude.
void write_township_seats(const std::filesystem::path& file, const SyntheticSpec& spec, const Layout& layout);
/// Facilities as a UTF-8 CSV with Chinese headers and CGCS2000 longitude/latitude.
void write_facilities(const std::filesystem::path& file, const SyntheticSpec& spec,
                      const std::vector<FacilityRow>& rows);
/// Population as a Float32 GeoTIFF, tiled 256 × 256, DEFLATE with the floating-point predictor.
void write_population(const std::filesystem::path& file, const SyntheticSpec& spec, const PopulationRaster& raster);
/// Roads as OpenStreetMap (PBF or XML by spec.roads_format), WGS 84, nodes then ways in id order.
void write_roads(const std::filesystem::path& file, const SyntheticSpec& spec, const RoadNetwork& roads);
/// The scenario file that ties the inputs together.
void write_scenario(const std::filesystem::path& file, const SyntheticSpec& spec, const FileNames& names);

/// What was generated, for synthetic.json and the summary.
struct Inventory {
  std::size_t counties = 0, multipart_counties = 0, townships = 0, villages = 0;
  std::size_t facilities = 0, general_hospitals = 0, tcm_hospitals = 0, township_centres = 0, village_clinics = 0;
  std::size_t cells = 0;
  double population = 0.0;
  std::size_t road_nodes = 0, road_ways = 0, road_crossings = 0;
  double lattice_spacing_m = 0.0;
  std::vector<double> road_km_by_class;
};

Inventory take_inventory(const Layout& layout, const std::vector<FacilityRow>& facilities,
                         const PopulationRaster& raster, const RoadNetwork& roads);

/// synthetic.json: the parameters and the inventory (no timings: the file is as deterministic as the data).
void write_manifest(const std::filesystem::path& file, const SyntheticSpec& spec, const Extent& extent,
                    const Inventory& inventory, const FileNames& names);

}  // namespace carereach::synthetic
