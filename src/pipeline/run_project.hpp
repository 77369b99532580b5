#pragma once
// The QGIS project of a run folder (project.qgs, docs/cli/run.md): a group of base layers (facilities and zone
// outlines), then one group per computed standard — its gap areas, service area, zones coloured by its coverage,
// catchments and travel-time raster, each styled — with only the first standard's group shown. Layer and group names
// follow --lang; paths are relative, so the folder opens anywhere, offline.

#include <string>
#include <vector>

#include "pipeline/run_analysis.hpp"
#include "io/layers.hpp"
#include "io/load.hpp"
#include "report/table.hpp"

namespace carereach::pipeline {

/// `layers`: the layers written to layers.gpkg; `outputs`: the files of the folder (travel_time_<id>.tif …).
std::string run_project_qgs(const io::LoadedScenario& loaded, const RunAnalysis& analysis,
                            const std::vector<io::LayerData>& layers, const std::vector<std::string>& outputs,
                            report::Lang lang);

}  // namespace carereach::pipeline
