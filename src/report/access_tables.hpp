#pragma once
// The appendix tables of the accessibility models: 附表9 可及性指数 (E2SFCA), 附表10 县域就诊流向（模型估计） (Huff) and
// 附表11 转诊时间 (referral times). Plain data in, language-neutral Tables out (report/table.hpp).

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "report/table.hpp"

namespace carereach::report {

struct RunTables;

inline constexpr std::uint32_t kNoZoneIndex = std::numeric_limits<std::uint32_t>::max();

/// One [referral.<id>].
struct ReferralTables {
  std::string id;
  std::string name_zh;
  std::string name_en;
  std::string measure_zh;  ///< 按标准“…”的出行方式（小汽车，路网法）
  std::string measure_en;
  double threshold_min = 30.0;
  double limit_min = 120.0;
  std::size_t level = 0;  ///< RunTables::levels index of the summary
  std::size_t targets = 0;
  std::string not_computed_zh;  ///< not empty: not computed (the tables say why)
  std::string not_computed_en;
  struct Row {
    std::string from_id;
    std::string from_name;
    std::string from_type_zh;
    std::string from_type_en;
    std::uint32_t zone = kNoZoneIndex;  ///< at `level`
    std::string to_id;                  ///< empty: no target within the limit
    std::string to_name;
    double minutes = std::numeric_limits<double>::infinity();  ///< +inf: not reached; NaN: outside the grid
  };
  std::vector<Row> rows;  ///< in facility order
};

/// One [accessibility.<id>].
struct AccessibilityTables {
  std::string id;
  std::string name_zh;
  std::string name_en;
  std::string measure_zh;  ///< the standard, mode and engine
  std::string measure_en;
  std::string supply_zh;  ///< 床位数
  std::string supply_en;  ///< beds
  std::string decay_zh;   ///< 分段衰减：≤10分钟 1，≤20分钟 0.68，≤30分钟 0.22
  std::string decay_en;
  std::string not_computed_zh;
  std::string not_computed_en;
  struct FacilityRow {
    std::string id;
    std::string name;
    std::uint32_t zone = kNoZoneIndex;  ///< at the first level
    double supply = 0.0;
    double demand = 0.0;  ///< weighted population of the catchment
    bool reaches_nobody = false;
  };
  std::vector<FacilityRow> facilities;
  /// Per RunTables::levels entry, per zone: population and population-weighted mean accessibility (per person).
  std::vector<std::vector<double>> zone_population;
  std::vector<std::vector<double>> zone_value;
  double population = 0.0;        ///< the whole grid
  double weighted_total = 0.0;    ///< Σ P·A
  double supply_reaching = 0.0;   ///< Σ S over the facilities that reach someone
  double supply_total = 0.0;
  std::size_t supply_missing = 0;
  std::size_t not_joined = 0;
};

/// One [huff.<id>].
struct HuffTables {
  std::string id;
  std::string name_zh;
  std::string name_en;
  std::string params_zh;  ///< 模型估计：… (decay, β, attractiveness, mode, limit; calibrated or given)
  std::string params_en;
  std::size_t level = 0;
  double target_share = 0.9;
  std::string source_zh;
  std::string source_en;
  std::string observed_label;
  std::string not_computed_zh;
  std::string not_computed_en;
  /// Per zone of the level: residents, residents with a facility in reach, flows[z][d] (d = zones: outside every
  /// zone), observed rate and residual (calibration).
  std::vector<double> population;
  std::vector<double> reached;
  std::vector<std::vector<double>> flows;
  std::vector<std::optional<double>> observed;
  std::vector<std::optional<double>> residual;
  bool calibrated = false;
  double beta = 0.0;
  double sse = 0.0;
};

struct AccessModelTables {
  std::vector<ReferralTables> referrals;
  std::vector<AccessibilityTables> accessibility;
  std::vector<HuffTables> huff;
};

/// 附表9 可及性指数 (id "accessibility_<id>"): per level, per zone the population and the accessibility per 1,000
/// persons (a total row first for the study area), then "accessibility_<id>_facilities": per facility its supply,
/// weighted demand and ratio per 1,000.
Table accessibility_zone_table(const RunTables& run, std::size_t index);
Table accessibility_facility_table(const RunTables& run, std::size_t index);

/// 附表10 县域就诊流向（模型估计） (id "huff_<id>"): per zone its residents' modelled visits (whole persons, each row
/// adding up to the residents in reach) staying in the zone, going to each other zone and outside, the stay share
/// against the target, and the observed rate and residual when calibrated. A total row first.
Table huff_table(const RunTables& run, std::size_t index);

/// 附表11 转诊时间 (id "referral_<id>"): per source facility the nearest target and the minutes, the ones beyond the
/// threshold first (longest first); "referral_<id>_summary": per zone of the level the facilities, within and
/// beyond the threshold, not reached, mean and longest time, a total row first.
Table referral_table(const RunTables& run, std::size_t index);
Table referral_summary_table(const RunTables& run, std::size_t index);

/// Appends the tables above, numbered 附表9, 10, 11 (9-1, 9-2 … when there are several).
void append_access_model_tables(const RunTables& run, std::vector<Table>& out);

struct Findings;

/// The key findings on each accessibility index (【模型估计】 the study area's value, the zones of the first level with
/// the highest and lowest), Huff model (【模型估计】 the modelled 县域就诊率 against its target, the zones below it, the
/// parameters) and referral (the facilities within and beyond the threshold, the farthest), from the figures the
/// tables publish (report/access_findings.cpp).
std::vector<Findings> access_model_findings(const RunTables& run, Lang lang);

}  // namespace carereach::report
