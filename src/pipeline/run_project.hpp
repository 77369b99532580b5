#pragma once
// The QGIS project of a run folder (project.qgs, docs/cli/run.md): a group of base layers (facilities and zone
// outlines), then one group per computed standard — its gap areas, service area, zones coloured by its coverage,
// catchments and travel-time raster, each styled — with only the first standard's group shown. Layer and group names
// follow --lang; paths are relative, so the folder opens anywhere, offline.

#include <filesystem>
#include <string>
#include <vector>

#include "pipeline/run_analysis.hpp"
#include "io/layers.hpp"
#include "io/load.hpp"
#include "io/qgis_styles.hpp"
#include "report/table.hpp"

namespace carereach::pipeline {

/// `layers`: the layers written to layers.gpkg; `outputs`: the files of the folder (travel_time_<id>.tif …).
std::string run_project_qgs(const io::LoadedScenario& loaded, const RunAnalysis& analysis,
                            const std::vector<io::LayerData>& layers, const std::vector<std::string>& outputs,
                            report::Lang lang);

/// Writes the QGIS side of a run folder `dir` and adds each file to `outputs`: the .qml side-cars of the
/// accessibility and capacity-residual rasters, the SLD styles (styles/*.sld), project.qgs and project.qgz (the
/// same project zipped). `outputs` must already list the rasters and layers.gpkg.
void write_run_project(const std::filesystem::path& dir, const io::LoadedScenario& loaded,
                       const RunAnalysis& analysis, const std::vector<io::LayerData>& layers,
                       std::vector<std::string>& outputs, report::Lang lang);

/// The classes of an accessibility raster (per 1,000 persons): the quintile bounds of the populated cells' values,
/// to three significant digits (repeated bounds merged), red (least) to green (most).
std::vector<io::qgis::RasterClass> accessibility_raster_classes(const AccessibilityOutcome& o,
                                                                const std::vector<double>& persons, report::Lang lang);

}  // namespace carereach::pipeline
