#pragma once
// map.html of `carereach compare`: the zones of the scenario run (B) with, per standard, the zones whose covered
// population changed coloured gained or lost, a list of those changes that zooms to each, popups with each zone's
// figures before and after, and the facilities of B with those added, closed or changed marked. docs/map.md.

#include <string>

#include "pipeline/compare_report.hpp"

namespace carereach::pipeline {

/// The page (the same inputs as compare.html). A run without layers.gpkg, or whose run.json names no CRS, gives a
/// page with the list of changes but no zones. Throws InputError when a layers.gpkg cannot be read.
std::string compare_map_html(const CompareReportInput& in);

}  // namespace carereach::pipeline
