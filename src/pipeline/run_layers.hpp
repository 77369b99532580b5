#pragma once
// The layers of `carereach run` (layers.gpkg, docs/layers.md): per standard its service area, catchments and gap
// areas, built while the standard's cells are in memory; then the facilities and one zone layer per level with
// the coverage and density columns; each with Chinese aliases and a QGIS style.

#include <cstdint>
#include <vector>

#include "geo/cell_polygons.hpp"
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

/// Cell polygons traced once for a layer (geo::trace_cell_polygons) and handed on to the report's maps, which
/// simplify them along shared boundaries (geo::simplify_cell_polygons needs the labels they were traced from).
struct TracedCells {
  std::vector<std::uint32_t> labels;        ///< per cell of the population grid; `no_label` where none
  std::uint32_t no_label = 0;
  std::vector<geo::CellPolygons> polygons;  ///< sorted by label, as traced
};

class RunLayers {
 public:
  explicit RunLayers(const io::LoadedScenario& loaded) : loaded_(loaded) {}

  /// service_area_<std>, catchment_<std> and gap_<std> of a computed standard. When `gaps` is given, it receives
  /// the gap areas' polygons as traced (labels: the gaps' ranks) for the report's gap map.
  void add_standard(const StandardOutcome& outcome, const StandardCells& cells, TracedCells* gaps = nullptr);

  /// facilities and zones_<level>, after every standard; then every layer in order.
  /// `tables`: the run's tables (make_run_tables), whose published figures the layers show. When `seat_zones` is
  /// given, it receives per level the polygons of zones derived from seats as traced (labels: zone indices of the
  /// level's zone_of_cell, no label kNoZone), and nothing for other levels, for the report's maps.
  std::vector<io::LayerData> finish(const RunAnalysis& analysis, const report::RunTables& tables,
                                    std::vector<std::vector<geo::CellPolygons>>* seat_zones = nullptr);

 private:
  const io::LoadedScenario& loaded_;
  std::vector<io::LayerData> per_standard_;
};

}  // namespace carereach::pipeline
