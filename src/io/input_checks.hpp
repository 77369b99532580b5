#pragma once
// The checks every loader runs on what it reads, so that a problem is found when the inputs are loaded (and
// `carereach validate` reports it) rather than when an output is written: coordinates through the one
// geo::CoordinateCheck (docs/method/coordinates.md, "Which coordinates are accepted"), and texts that go into the
// outputs (names, codes, ids) through output_text_fault (UTF-8, no control characters, at most 32,767 characters).

#include <optional>
#include <string>
#include <vector>

#include <ogr_geometry.h>

#include "core/diagnostics.hpp"
#include "core/text.hpp"
#include "geo/coordinate_check.hpp"
#include "io/vector_source.hpp"

namespace carereach::io {

/// The first vertex of `g` (every point of every part, ring and line, in order) that `check` refuses, with
/// "vertex N: " (1-based) before the message; nullopt when every vertex is accepted.
std::optional<geo::CoordinateProblem> geometry_problem(const OGRGeometry& g, const geo::CoordinateCheck& check);

/// Where a feature's geometry is, for messages: the feature, and as the field the layer's geometry column (its
/// name, or "geometry" when the format has none, as GeoJSON and Shapefile).
Location geometry_where(const VectorSource& src, const OGRFeature& f);

/// The CRSs the positions of zones and facilities must reach: the analysis CRS, and the output CRS of the
/// layers (analysis.output_crs) when given.
std::vector<geo::CoordinateCheck::Target> analysis_and_output_targets(const geo::CrsSpec& analysis_crs,
                                                                       const geo::CrsSpec* output_crs);

/// Adds a refused coordinate to diag (kind: input error; code from the problem), `what` before the message
/// (e.g. "zone 341602: "), `note` after it (e.g. "; row left out").
void report_coordinate(const geo::CoordinateProblem& p, const Location& where, Severity severity, Diagnostics& diag,
                       const std::string& what = {}, const std::string& note = {});

/// Checks a text read from an input that is written into the outputs; when output_text_fault finds a fault,
/// reports it to diag (kind: input error; "text.not_utf8", "text.control_character" or "text.too_long") with the
/// given severity and returns false. `what` names the value in the message ("the zone name").
bool check_output_text(const std::string& value, const std::string& what, const Location& where, Severity severity,
                       Diagnostics& diag, const std::string& note = {});

}  // namespace carereach::io
