#pragma once
// The population surface on the analysis grid, from a raster (persons per pixel, any CRS), points with a count,
// zone totals spread over each zone's cells, or polygons with a count spread over the cells whose centres they
// contain (both uniformly or by a weight raster). The total is preserved: every person read is either in a
// study-area cell or in outside_total. docs/method/population.md has the rules.

#include <string>
#include <utility>
#include <vector>

#include "core/diagnostics.hpp"
#include "core/grid.hpp"
#include "core/population.hpp"
#include "geo/crs.hpp"
#include "io/scenario.hpp"
#include "io/zone_raster.hpp"
#include "io/zones.hpp"

namespace carereach::io {

struct PopulationLoad {
  PopulationGrid surface;    ///< persons per cell; 0 outside the study area
  double input_total = 0;    ///< persons in the input (raster: valid pixels of the window read; other kinds: counts)
  double outside_total = 0;  ///< persons that fell outside the study area (or could not be placed)
  std::string method;        ///< one sentence for reports (English; run.json, validate)
  std::string method_zh;     ///< the same in Chinese (Chinese reports and appendix)
  /// Points kind: an evenly spread sample of the points (analysis CRS), for the coordinate check (io/crs_check).
  std::vector<std::pair<double, double>> point_sample_m;
  /// Zone totals with settlement points: an evenly spread sample of those points (analysis CRS), likewise.
  std::vector<std::pair<double, double>> settlement_sample_m;
};

/// Loads the population onto `grid` (in analysis_crs). levels[i] and rasters[i] belong together; study_area is
/// the raster of the study-area level (a cell is in the study area when its zone is not kNone).
/// Throws InputError / CrsError / ScenarioError for fatal problems (missing file, band, field, CRS, level, a raster
/// that does not overlap the grid, polygons from a table or a layer of points or lines); problems of single rows
/// go to diag (bad counts, duplicate codes and bad polygons as errors; negative pixels, persons outside the study
/// area, unknown codes, zones without a total, repaired, tiny or overlapping polygons as warnings).
/// Invariant: surface.total() + outside_total == input_total (to rounding).
PopulationLoad load_population(const PopulationSpec& spec, const Grid& grid, const geo::CrsSpec& analysis_crs,
                               const std::vector<LoadedZoneLevel>& levels, const std::vector<ZoneRaster>& rasters,
                               const ZoneRaster& study_area, Diagnostics& diag);

/// A zone code as compared between a table and the zone layer: trimmed; integral numbers written as reals
/// ("341602.0", "3.41602E+05") become plain integers ("341602"). Other text is kept as it is.
std::string normalise_zone_code(const std::string& code);

}  // namespace carereach::io
