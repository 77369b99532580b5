#pragma once
// map.html of `carereach run`: the interactive map (report/map_page.hpp) filled from the run — every zone level of
// layers.gpkg simplified and transformed to WGS 84, each zone's published figures per computed standard (the
// whole persons of the tables), the share classes of report.html, and the facilities with the standards that count
// them. docs/map.md describes the page.

#include <string>
#include <vector>

#include "io/layers.hpp"
#include "io/load.hpp"
#include "pipeline/run_analysis.hpp"
#include "pipeline/run_report.hpp"
#include "report/appendix.hpp"
#include "report/map_page.hpp"

namespace carereach::pipeline {

/// The tolerance (metres in the analysis CRS) zone outlines are simplified to in map.html: 1/8000 of the larger side
/// of the study area's extent (about 25 m for a prefecture 200 km across — finer than a screen pixel until the map
/// is zoomed to a township). Zones made of cells (derived from their seats) are simplified to at least two cells,
/// as their staircase outlines would otherwise cost a vertex per cell edge.
double map_tolerance_m(double extent_width_m, double extent_height_m);

/// The page model of a run's map.html (exposed for the compare map, which draws the same zones).
report::MapPage run_map_page(const io::LoadedScenario& loaded, const RunAnalysis& analysis,
                             const std::vector<io::LayerData>& layers, const report::RunTables& tables,
                             const ReportContext& context, report::Lang lang);

/// map.html's text.
std::string run_map_html(const io::LoadedScenario& loaded, const RunAnalysis& analysis,
                         const std::vector<io::LayerData>& layers, const report::RunTables& tables,
                         const ReportContext& context, report::Lang lang);

}  // namespace carereach::pipeline
