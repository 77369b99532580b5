#pragma once
// The inputs of the raster (AccessMod-compatible) engine, read onto the analysis grid: land-cover classes with
// their speed table, elevation, and barrier cells.

#include <cstdint>
#include <limits>
#include <vector>

#include "core/diagnostics.hpp"
#include "core/landcover.hpp"
#include "core/grid.hpp"
#include "geo/crs.hpp"
#include "io/scenario.hpp"

namespace carereach::io {

/// Reads what the scenario's [raster] table names. Lines are barriers in every cell they pass through; polygons
/// in the cells whose centres they contain. Throws like the other loaders; a land-cover class missing from the
/// speed table is a warning (such cells cannot be crossed).
RasterTravelData load_raster_inputs(const RasterSpec& spec, const Grid& grid, const geo::CrsSpec& analysis_crs,
                                      Diagnostics& diag);

}  // namespace carereach::io
