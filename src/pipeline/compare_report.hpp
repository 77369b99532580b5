#pragma once
// What `carereach compare` found, and its reports: the key findings (shared by compare.md and compare.html) and
// compare.html — the same kind of page as report.html, for the differences between two runs: a title block naming
// both runs and the scenario's changes, the share of each standard before and after, per standard a map of the
// areas newly covered and no longer covered with the facilities that changed and a map of the change of covered
// population per zone, the comparison tables and how they were computed.

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "io/layers.hpp"
#include "report/appendix.hpp"
#include "report/table.hpp"

namespace carereach::pipeline {

struct ZoneChange {
  std::string code, name, parent_code;
  double pop_total = 0;
  double covered_a = 0, covered_b = 0;
  double share_a = 0, share_b = 0;
  [[nodiscard]] double delta() const { return covered_b - covered_a; }
  /// share_b − share_a as the shares are shown (each rounded to 0.1 %): the change a reader computes from the table.
  [[nodiscard]] double delta_share_shown() const;
};

struct LevelChange {
  std::string level;
  std::string label_zh, label_en;
  bool approximate = false;
  ZoneChange total;
  std::vector<ZoneChange> zones;
};

struct StandardChange {
  std::string id, name_zh, name_en;
  double threshold_min = std::nan("");  ///< time standards
  double target_share = 0;
  std::vector<LevelChange> levels;
  double area_gained_km2 = 0, area_lost_km2 = 0;
  bool raster = false;  ///< the travel-time rasters were compared (change_<id> layer, difference GeoTIFF)
};

/// "+1,234", "−56", "±0".
std::string signed_persons(double v);
/// A share difference in percentage points: "+1.6", "−0.3", "±0.0".
std::string signed_points(double v);

/// Per standard: the covered population and share before and after, the area newly covered and no longer covered,
/// the zones (finest level) that gain most and those that lose.
std::vector<report::Findings> compare_findings(const std::vector<StandardChange>& changes, report::Lang lang);

/// compare.md: both runs, the scenario's changes, the findings and the tables.
std::string compare_markdown(const nlohmann::json& a, const nlohmann::json& b,
                             const std::vector<StandardChange>& changes, const std::vector<report::Table>& tables,
                             report::Lang lang);

/// The inputs of compare.html beyond the findings.
struct CompareReportInput {
  const nlohmann::json* run_a = nullptr;  ///< run.json of the baseline
  const nlohmann::json* run_b = nullptr;
  std::filesystem::path dir_a, dir_b;     ///< the two run folders (their layers.gpkg give zones and facilities)
  const std::vector<StandardChange>* changes = nullptr;
  const std::vector<report::Table>* tables = nullptr;
  const std::vector<io::LayerData>* change_layers = nullptr;  ///< change_<standard> in the analysis CRS
  std::vector<std::string> warnings;  ///< standards left out and why
  std::string date;
  std::string version;
  report::Lang lang = report::Lang::kZh;
};

/// The page. Reads zones_<level> and facilities from both runs' layers.gpkg (in the CRS run.json names); a run
/// without layers.gpkg gives maps without zones or facility changes. Throws InputError when a layers.gpkg cannot
/// be read.
std::string compare_html(const CompareReportInput& in);

}  // namespace carereach::pipeline
