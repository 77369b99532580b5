#pragma once
// Zone levels (区县, 乡镇 …) loaded from OGR sources into the analysis CRS, with invalid polygons repaired.

#include <optional>
#include <utility>
#include <string>
#include <vector>

#include "core/diagnostics.hpp"
#include "core/zone.hpp"
#include "geo/crs.hpp"
#include "geo/geos.hpp"
#include "io/scenario.hpp"

namespace carereach::io {

struct LoadedZoneLevel {
  ZoneLevel level;  ///< zones with code, name, parent code, area
  ZoneGeometryKind kind = ZoneGeometryKind::kPolygons;
  std::vector<geo::Geometry> polygons;              ///< kPolygons: one valid (multi)polygon per zone, analysis CRS
  std::vector<std::pair<double, double>> seats_m;   ///< kSeats: one point per zone, analysis CRS
  /// Per zone its seat in the analysis CRS: the points of a seat level, or [zones.seats] of a polygon level (nullopt
  /// for a zone without one); empty when the level has no seats.
  std::vector<std::optional<std::pair<double, double>>> zone_seats_m;
  std::size_t repaired = 0;                         ///< invalid polygons that were repaired
  geo::CrsSpec source_crs;
};

/// The centre of the extent of a zone level's features (those its filter keeps) in WGS 84 longitude/latitude, to
/// choose the analysis CRS before anything is projected. Throws like VectorSource.
std::pair<double, double> source_centre_lonlat(const ZoneLevelSpec& spec);

/// A zone's class from its name: "urban" for …街道 / …办事处, "rural" for …镇 / …乡 / …苏木, "" otherwise.
std::string zone_class_from_name(const std::string& name);
/// A zone's class from a class field's value: "urban" when it is one of urban_values, "" when empty, else "rural".
std::string zone_class_from_value(const std::string& value, const std::vector<std::string>& urban_values);

/// Loads one zone level. Fatal problems (missing file/layer/field, no CRS, empty layer) throw; problems of single
/// features (invalid polygon: repaired, warning; empty geometry, duplicate or empty code: error) go to diag.
/// Every vertex and seat must pass geo::CoordinateCheck, converting to the analysis CRS and, when given, to the
/// output CRS of the layers; codes and names must pass output_text_fault (io/input_checks.hpp).
LoadedZoneLevel load_zone_level(const ZoneLevelSpec& spec, const geo::CrsSpec& analysis_crs, Diagnostics& diag,
                                const geo::CrsSpec* output_crs = nullptr);

}  // namespace carereach::io
