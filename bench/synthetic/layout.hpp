#pragma once
// The settlement pattern of a synthetic region: county seats, township seats and administrative villages with
// their populations, codes and names, and county polygons that partition the extent. Everything is in the
// projected CRS of the spec (metres).

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "geo/geos.hpp"
#include "synthetic/spec.hpp"

namespace carereach::synthetic {

/// A rectangle in the projected CRS, edges on multiples of the cell size.
struct Extent {
  double min_x_m = 0.0;
  double min_y_m = 0.0;
  double max_x_m = 0.0;
  double max_y_m = 0.0;
  [[nodiscard]] double width_m() const { return max_x_m - min_x_m; }
  [[nodiscard]] double height_m() const { return max_y_m - min_y_m; }
};

struct County {
  std::string code;         ///< 6-digit code 99PPCC (province 99 is not assigned in China: no clash with real codes)
  std::string name;         ///< ……区 / ……县
  std::string parent_code;  ///< the prefecture, 99PP00
  std::uint32_t seat_township = 0;  ///< the township whose seat is the county seat (城关镇)
  double urban_population = 0.0;    ///< persons of the county town around the seat
  geo::Geometry polygon;            ///< valid polygon or multipolygon; the counties partition the extent
};

struct Township {
  std::string code;  ///< 9 digits: county code + 1xx (镇) or 2xx (乡)
  std::string name;
  std::uint32_t county = 0;
  double x_m = 0.0;
  double y_m = 0.0;
  double population = 0.0;  ///< town population around the seat (0 for a county seat: the county town holds it)
  bool county_seat = false;
  bool town = true;  ///< 镇 (true) or 乡
};

struct Village {
  std::string code;  ///< 12 digits: township code + 2xx
  std::string name;
  std::uint32_t township = 0;
  double x_m = 0.0;
  double y_m = 0.0;
  double population = 0.0;
};

struct Layout {
  Extent extent;
  std::vector<County> counties;        ///< in code order
  std::vector<Township> townships;     ///< in code order
  std::vector<Village> villages;       ///< in code order
  std::size_t multipart_counties = 0;  ///< counties whose polygon has more than one part
};

/// The extent of the spec: centred on (centre_lon, centre_lat) projected into spec.crs, edges snapped to the cell
/// size. Throws CrsError when the CRS is unusable.
Extent make_extent(const SyntheticSpec& spec);

/// Places the settlements, partitions the extent into counties and assigns codes and names. Deterministic in
/// the seed. Throws std::runtime_error when a generated polygon is invalid or the partition does not cover the
/// extent (a defect of the generator, never of the input).
Layout make_layout(const SyntheticSpec& spec, const Extent& extent);

}  // namespace carereach::synthetic
