#pragma once
// Planning indicators (规划指标) that count facilities per zone, as the municipal plans set them: presence ("every
// county has a tertiary hospital", "at least one 社区医院 per county") and shares of facilities ("every 乡镇卫生院
// has a 中医馆"). docs/method/indicators.md gives the plan text each comes from; analysis/indicators.hpp computes
// them.

#include <optional>
#include <string>

#include "core/standard.hpp"

namespace carereach {

enum class IndicatorKind {
  kPresence,  ///< every zone of the level has at least min_count facilities matching `select`
  kShare,     ///< of the facilities matching `select`, the share that also match `with`, against target_share
};

const char* to_string(IndicatorKind k);

struct PlanIndicator {
  std::string id;       ///< "county_tertiary_hospital"
  std::string name_zh;  ///< 三级医院县城全覆盖
  std::string name_en;
  IndicatorKind kind = IndicatorKind::kPresence;
  std::string level;          ///< the zone level whose zones are counted ("county")
  FacilitySelector select;    ///< presence: the facilities that count; share: the facilities the share is of (A)
  FacilitySelector with;      ///< share: what A must also have (B); its include_planned follows `select`
  double min_count = 1;       ///< presence: at least this many facilities per zone (a whole number ≥ 0)
  std::optional<double> within_m;  ///< presence: only facilities within this distance of the zone's seat count
  double target_share = 1.0;  ///< share: the share to reach, 0–1
  /// Where the indicator and its target come from (the plan's words), in Chinese and in English; each report shows
  /// the text of its language, the other one when only one is given.
  std::string source_zh;
  std::string source_en;
};

}  // namespace carereach
