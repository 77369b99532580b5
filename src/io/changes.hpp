#pragma once
// A scenario's changes to the facilities ([changes], docs/scenario.md): close, upgrade and add, applied to the
// loaded set so that every standard runs on the changed facilities.

#include <string>
#include <vector>

#include "core/diagnostics.hpp"
#include "core/facility.hpp"
#include "core/taxonomy.hpp"
#include "geo/crs.hpp"
#include "io/scenario.hpp"

namespace carereach::io {

/// What apply_changes did, for run.json and reports.
struct ChangeSummary {
  std::size_t closed = 0;
  std::size_t upgraded = 0;  ///< facilities changed by at least one upgrade
  std::size_t added = 0;
  std::vector<std::string> lines;  ///< one readable line per change ("closed 2: A, B", "added X 名称 (type)")
  std::vector<std::string> lines_zh;  ///< the same in Chinese ("关闭 2 个：A、B", "新增 X 名称（乡镇卫生院）")
};

/// Applies the changes in the order close, upgrade, add. Closed facilities stay in the list with status closed
/// (no standard counts them); added ones are active, with source "scenario [changes]" and dense ids after the
/// loaded ones. An unknown id, an unknown type or tag, a duplicate new id or a point that geo::CoordinateCheck
/// refuses (not finite, out of range, not convertible to the analysis CRS or, when given, the output CRS) is a
/// ScenarioError naming the key; closing an already closed facility is a warning.
ChangeSummary apply_changes(std::vector<Facility>& facilities, const ScenarioChanges& changes, const Taxonomy& taxonomy,
                            const geo::CrsSpec& analysis_crs, const std::string& scenario_file, Diagnostics& diag,
                            const geo::CrsSpec* output_crs = nullptr);

}  // namespace carereach::io
