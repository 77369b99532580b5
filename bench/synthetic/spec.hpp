#pragma once
// What the synthetic generator makes: the size presets and every knob, in one struct. docs/performance.md
// describes the generated data and how the presets were chosen.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace carereach::synthetic {

enum class RoadsFormat { kPbf, kOsmXml };

struct SyntheticSpec {
  std::string size_name = "prefecture";  ///< tiny | prefecture | province | custom (an explicit extent)
  double width_km = 100.0;
  double height_km = 100.0;
  double cell_size_m = 100.0;  ///< population raster pixels and the scenario's analysis cells
  std::uint64_t seed = 1;
  std::size_t road_nodes_target = 300'000;  ///< road nodes to aim for (the result is within a few per cent)
  RoadsFormat roads_format = RoadsFormat::kPbf;

  // Where the extent lies: its centre in CGCS2000 longitude/latitude, and the projected CRS the zones and the
  // raster are written in (the Gauss–Krüger zone that `crs = "auto"` picks for that centre).
  double centre_lon = 116.5;
  double centre_lat = 33.5;
  std::string crs = "EPSG:4548";

  // Settlement densities, from the averages of the North China Plain (a county per ~1,650 km², a township per
  // ~80 km², an administrative village per ~5.35 km²): a 10,000 km² prefecture gets ≈ 2,000 facilities.
  double km2_per_county = 1650.0;
  double km2_per_township = 80.0;
  double km2_per_village = 5.35;
  /// Road nodes per km² when the extent is given explicitly (the presets set road_nodes_target directly).
  double road_nodes_per_km2 = 30.0;

  [[nodiscard]] double area_km2() const { return width_km * height_km; }
  [[nodiscard]] std::size_t county_count() const;
  [[nodiscard]] std::size_t township_count() const;  ///< including one seat town (城关镇) per county
  [[nodiscard]] std::size_t village_count() const;
};

/// The preset of a size name (tiny: 3 × 2 km; prefecture: 100 × 100 km, 300 k road nodes; province:
/// 388 × 388 km, 3 M road nodes); nullopt for an unknown name.
std::optional<SyntheticSpec> preset(std::string_view size_name);

/// An explicit extent: "WxH" or "W" (square), in km; nullopt when malformed or not positive.
std::optional<std::pair<double, double>> parse_extent_km(std::string_view text);

}  // namespace carereach::synthetic
