#pragma once
// report.html of `carereach run`: the page model (report/html_report.hpp) filled from the run — the title block,
// the key findings and headline bars, per standard a travel-time (or distance) map, a map of the share covered per
// zone and a map of the gap areas, a map of resource density against target, the appendix tables, the method and
// assumptions, and the warnings. docs/report.md describes every part.

#include <string>
#include <vector>

#include "pipeline/report_maps.hpp"
#include "pipeline/run_analysis.hpp"
#include "pipeline/run_layers.hpp"
#include "core/diagnostics.hpp"
#include "io/layers.hpp"
#include "io/load.hpp"
#include "io/qgis_styles.hpp"
#include "report/appendix.hpp"
#include "report/html_report.hpp"

namespace carereach::pipeline {

/// What the title block and footer say beyond the scenario.
struct ReportContext {
  std::string date;     ///< "2026-11-24" (the run's day, or SOURCE_DATE_EPOCH's)
  std::string version;  ///< carereach's version
  std::vector<std::string> change_lines;  ///< what the scenario's [changes] did (run.json "changes.lines")
};

class RunReport {
 public:
  RunReport(const io::LoadedScenario& loaded, report::Lang lang);

  /// The travel-time (or distance) bands of a computed standard, while its cells are in memory, and its gap areas
  /// for the gap map from their polygons as the layers traced them (RunLayers::add_standard; when none are given,
  /// the gap map simplifies the gap layer's geometries one by one).
  void add_standard(const StandardOutcome& outcome, const StandardCells& cells, TracedCells gaps = {});

  /// The page, after every standard, from the run's layers (zones, gap areas, facilities) and tables.
  /// `seat_zones`: per level the polygons of zones derived from seats as the layers traced them (RunLayers::finish);
  /// a level without them is drawn from its layer's geometries, simplified one by one.
  [[nodiscard]] std::string finish(const RunAnalysis& analysis, const std::vector<io::LayerData>& layers,
                                   const report::RunTables& tables, const Diagnostics& diag,
                                   const ReportContext& context,
                                   std::vector<std::vector<geo::CellPolygons>> seat_zones = {}) const;

 private:
  struct Bands {
    std::string standard_id;
    std::vector<std::string> labels;   ///< legend, best class first
    std::vector<std::string> colours;
    std::vector<std::vector<geo::PolygonRings>> rings;  ///< per class
    bool gaps_traced = false;                           ///< gap_rings holds the gap map's polygons
    std::vector<std::vector<geo::PolygonRings>> gap_rings;  ///< per gap area (rank − 1), simplified
  };
  [[nodiscard]] report::MapGroup standard_maps(const StandardOutcome& o, const RunAnalysis& a,
                                               const std::vector<io::LayerData>& layers,
                                               const std::vector<std::optional<ZoneShapes>>& zones,
                                               const report::RunTables& tables) const;
  [[nodiscard]] std::vector<report::Findings> method(const RunAnalysis& a) const;

  const io::LoadedScenario& loaded_;
  report::Lang lang_;
  MapFrame frame_;
  std::vector<Bands> bands_;
};

/// The QML side-car of a time standard's travel_time_<id>.tif: the report's band classes (within the standard,
/// then 2× and 4× the threshold below the search limit, then beyond), with the report's colours and labels.
std::string travel_time_raster_qml(const StandardOutcome& o, report::Lang lang);
/// The same classes as an SLD (styles/travel_time_<id>.sld), for GIS that do not read QML.
std::string travel_time_raster_sld(const StandardOutcome& o, report::Lang lang);
/// The classes both take.
std::vector<io::qgis::RasterClass> travel_time_raster_classes(const StandardOutcome& o, report::Lang lang);

/// The report's date: SOURCE_DATE_EPOCH (seconds since 1970, UTC) when it is set to a number — so that a build or
/// test can ask for the same bytes on another day — else the day of `started_at` ("2026-11-24T…").
std::string report_date(const std::string& started_at);

}  // namespace carereach::pipeline
