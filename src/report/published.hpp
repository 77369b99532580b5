#pragma once
// The figures every output of a run publishes: whole persons (and whole beds, doctors …) that add up across the
// columns of a row and from the finest level to the total (report/rounding.hpp states the rule), with the shares
// and per-1,000 values computed from those whole numbers, so that a reader who recomputes a share from the persons
// shown gets the share shown. Tables, report.md, report.html, the layers and run.json all take their persons from
// here; run.json keeps the exact figures beside them.

#include <cstdint>
#include <optional>
#include <vector>

#include "report/appendix.hpp"

namespace carereach::report {

/// Whole persons of a zone (or a level's total) for one standard.
struct PublishedCounts {
  std::int64_t total = 0;
  std::int64_t covered = 0;
  [[nodiscard]] std::int64_t uncovered() const { return total - covered; }
  /// covered ÷ total of the whole persons (0 when nobody lives there).
  [[nodiscard]] double share() const {
    return total > 0 ? static_cast<double>(covered) / static_cast<double>(total) : 0.0;
  }
};

/// Whether the published share meets the target (analysis::meets_target on the share of the whole persons).
bool meets(const PublishedCounts& counts, double target_share);

struct PublishedCoverage {
  std::vector<PublishedCounts> zones;  ///< per zone of the level
  PublishedCounts total;               ///< the zones' sums: the total row
  /// The level's zones add up to the zones of the previous level (false: boundaries that do not nest, zones
  /// without a parent, or parents without children; the tables say so in a note).
  bool adds_to_parent = true;
  bool has_parent_level = false;  ///< the level was apportioned from the previous one
};

/// Per RunTables::levels entry, the published coverage of a standard (nullopt where it has no coverage). Levels are
/// nested by the zones' parent codes in the previous level when the standard reports both.
std::vector<std::optional<PublishedCoverage>> published_coverage(const RunTables& run, const StandardTables& s);

struct PublishedZoneDensity {
  std::int64_t population = 0;
  std::vector<std::int64_t> totals;       ///< per analysis::DensityAttribute (6)
  std::vector<double> value;              ///< per indicator, from the whole numbers; NaN: no value
  std::vector<std::int8_t> below_target;  ///< per indicator: 1 below, 0 at or above, -1 no target or no value
};

struct PublishedDensity {
  std::vector<PublishedZoneDensity> zones;
  PublishedZoneDensity total;
  bool adds_to_parent = true;
  bool has_parent_level = false;
};

/// Per RunTables::levels entry, the published density (nullopt where none was computed): population and resources
/// rounded like the coverage, the indicators recomputed from them.
std::vector<std::optional<PublishedDensity>> published_density(const RunTables& run);

/// Whole persons of a standard's gap areas (in rank order) adding up to their rounded sum.
std::vector<std::int64_t> published_gap_population(const StandardTables& s);
/// The gap areas in km² with `decimals` decimals, adding up to their rounded sum (returned as decimals-exact values).
std::vector<double> published_gap_area(const StandardTables& s, int decimals);

}  // namespace carereach::report
