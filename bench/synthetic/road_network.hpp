#pragma once
// The synthetic road network, in the projected CRS of the layout: a jittered lattice of village roads
// (unclassified, residential in built-up areas, some tracks) that a random spanning tree keeps connected, and
// trunk/primary/secondary/tertiary roads between the seats, with a junction wherever two roads cross.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "synthetic/layout.hpp"
#include "synthetic/population_raster.hpp"
#include "synthetic/spec.hpp"

namespace carereach::synthetic {

enum class Highway : std::uint8_t { kTrunk, kPrimary, kSecondary, kTertiary, kUnclassified, kResidential, kTrack };
inline constexpr std::size_t kHighwayCount = 7;

/// The OSM highway value.
std::string_view highway_tag(Highway h);

struct RoadNetwork {
  std::vector<double> node_x_m;  ///< node i is written with OSM id i + 1
  std::vector<double> node_y_m;
  std::vector<std::uint32_t> way_offset{0};  ///< way w uses way_nodes[way_offset[w] … way_offset[w + 1])
  std::vector<std::uint32_t> way_nodes;
  std::vector<Highway> way_highway;
  std::vector<std::string> way_ref;  ///< "" = none
  std::vector<std::string> way_name;
  std::vector<std::uint16_t> way_maxspeed_kmh;  ///< 0 = no maxspeed tag

  // How it was built, for the summary.
  double lattice_spacing_m = 0.0;
  std::size_t lattice_junctions = 0;
  std::size_t lattice_edges = 0;
  std::size_t lattice_edges_kept = 0;
  std::size_t arterials = 0;
  std::size_t crossings = 0;

  [[nodiscard]] std::size_t node_count() const { return node_x_m.size(); }
  [[nodiscard]] std::size_t way_count() const { return way_highway.size(); }
  /// Length of every way of each class, km (Euclidean, projected CRS).
  [[nodiscard]] std::vector<double> length_km_by_class() const;
};

RoadNetwork make_roads(const SyntheticSpec& spec, const Layout& layout, const PopulationRaster& population);

}  // namespace carereach::synthetic
