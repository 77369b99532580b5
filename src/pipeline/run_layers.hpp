#pragma once
// The layers of `carereach run` (layers.gpkg, docs/layers.md): per standard its service area, catchments and gap
// areas, built while the standard's cells are in memory; then the facilities and one zone layer per level with
// the coverage and density columns; each with Chinese aliases and a QGIS style.

#include <vector>

#include "pipeline/run_analysis.hpp"
#include "io/layers.hpp"
#include "io/load.hpp"
#include "report/appendix.hpp"

namespace carereach::pipeline {

/// The style of a zones layer coloured by a standard's coverage share (field share_<standard>), labelled by name —
/// the one layers.gpkg gives the zones for the first standard, for any standard (the QGIS project's groups).
std::string zone_share_qml(const std::string& field);
/// The same style as an SLD for the layer `layer` (styles/ of the run folder).
std::string zone_share_sld(const std::string& field, const std::string& layer);

class RunLayers {
 public:
  explicit RunLayers(const io::LoadedScenario& loaded) : loaded_(loaded) {}

  /// service_area_<std>, catchment_<std> and gap_<std> of a computed standard.
  void add_standard(const StandardOutcome& outcome, const StandardCells& cells);

  /// facilities and zones_<level>, after every standard; then every layer in order.
  /// `tables`: the run's tables (make_run_tables), whose published figures the layers show.
  std::vector<io::LayerData> finish(const RunAnalysis& analysis, const report::RunTables& tables);

 private:
  const io::LoadedScenario& loaded_;
  std::vector<io::LayerData> per_standard_;
};

}  // namespace carereach::pipeline
