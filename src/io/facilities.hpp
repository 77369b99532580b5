#pragma once
// Facilities from OGR sources or CSV tables: column mapping, type taxonomy, levels, tags, attributes, and
// coordinates converted into the analysis CRS (and WGS 84 degrees for output).

#include <vector>

#include "core/diagnostics.hpp"
#include "core/facility.hpp"
#include "core/taxonomy.hpp"
#include "geo/crs.hpp"
#include "io/scenario.hpp"

namespace carereach::io {

/// Loads every facility source of the scenario. Fatal problems (missing file, layer or column, no CRS, empty
/// layer) throw. Row problems (bad coordinate, empty or duplicate id, unknown type, bad number) are errors in
/// diag, or warnings with the row left out when the source says on_invalid = "skip". Ids are unique across
/// sources (after id_prefix); dense ids follow the order of sources and rows. Positions must pass
/// geo::CoordinateCheck (converting to the analysis CRS and, when given, the output CRS), ids and names
/// output_text_fault (io/input_checks.hpp).
std::vector<Facility> load_facilities(const std::vector<FacilitySourceSpec>& sources, const Taxonomy& taxonomy,
                                      const geo::CrsSpec& analysis_crs, Diagnostics& diag,
                                      const geo::CrsSpec* output_crs = nullptr);

}  // namespace carereach::io
