#pragma once
// Planning appendices (规划附表) from analysis results: the builders turn one run's coverage, gap and density results
// into report::Tables (rendered by writers.hpp) and write the narrative of report.md.
//
// The appendix, in this order (k numbers the zone levels when there are several: 附表2-1 区县, 附表2-2 乡镇):
//   附表1    主要指标            summary            one row per standard, then one per density indicator
//   附表2-k  医疗资源配置        density_<level>    per zone: population, resources, per-1,000 values, flags
//   附表3-k  服务圈覆盖情况      coverage_<level>   per standard × zone, each standard's total row first
//   附表4    服务缺口清单        gaps               per standard its gap areas, its total row first
//   附表8-k  机构服务能力与负荷  capacity_<id>[_<level>]  per capacity coverage: facilities, then zones per level
//   附表9–11 accessibility index, Huff model, referral times (report/access_tables.hpp)
//   附表12-k 选址方案            siting_<id>[_<level>]    per siting: the coverage curve, then sites per zone level
// The table ids are the CSV file stems (tables/<id>.csv). Persons, beds, doctors … are the published whole numbers
// (report/published.hpp: they add up across columns and levels), shares and per-1,000 values are theirs.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analysis/coverage.hpp"
#include "analysis/density.hpp"
#include "analysis/indicators.hpp"
#include "core/indicator.hpp"
#include "core/standard.hpp"
#include "core/zone.hpp"
#include "report/capacity_tables.hpp"
#include "report/access_tables.hpp"
#include "report/siting_tables.hpp"
#include "report/table.hpp"

namespace carereach::report {

/// One service standard's labels and results.
struct StandardTables {
  std::string id;       ///< "tcm_15min"
  std::string name_zh;  ///< 15分钟中医药服务圈
  std::string name_en;
  std::string mode_zh;  ///< 步行 (distance standards: 直线距离)
  std::string mode_en;  ///< walking (distance standards: straight line)
  TravelEngine engine = TravelEngine::kNetwork;
  std::string threshold_zh;  ///< "15 分钟", "5 千米（城区）/ 15 千米（乡村）"
  std::string threshold_en;  ///< "15 min", "5 km (urban) / 15 km (rural)"
  analysis::CoverageUnit unit = analysis::CoverageUnit::kMinutes;  ///< of the times/distances in the results
  double target_share = 0.9;                                       ///< 0–1
  std::string source_zh;  ///< where the threshold and target come from, in Chinese (empty: source_en in both)
  std::string source_en;  ///< in English (empty: source_zh in both)
  [[nodiscard]] const std::string& source(Lang lang) const {
    if (lang == Lang::kEn) return source_en.empty() ? source_zh : source_en;
    return source_zh.empty() ? source_en : source_zh;
  }
  /// Not empty: the id of the standard this one is a variant of (the same service under another assumption). The
  /// sensitivity table (附表7) shows a base and its variants side by side; the key findings name the variants in
  /// their base's block and give them no block of their own.
  std::string variant_of;
  std::string estimate_zh;  ///< engine = estimate: "直线距离估算（绕行系数 1.3，机动车 35 千米/小时）" ("" otherwise)
  std::string estimate_en;  ///< "straight-line estimate (circuity 1.3, car 35 km/h)"
  /// Not empty: the standard was not computed, and why (each language its own text); it has no coverage and no
  /// gaps, and every table and finding that lists the standards says "未计算" / "not computed" with the reason.
  std::string not_computed_zh;
  std::string not_computed_en;
  /// Per RunTables::levels entry: the coverage at that level, or nullopt when the standard does not report it.
  std::vector<std::optional<analysis::LevelCoverage>> coverage;
  /// Per RunTables::levels entry: per zone its own target share ([[zone_targets]]), nullopt where target_share
  /// applies; empty (or an empty level) where no zone has one.
  std::vector<std::vector<std::optional<double>>> zone_targets;
  std::string zone_targets_label;  ///< where the per-zone targets come from
  /// The target that applies to zone `zone` of level `level`: its own, else target_share.
  [[nodiscard]] double target_at(std::size_t level, std::size_t zone) const {
    if (level < zone_targets.size() && zone < zone_targets[level].size() && zone_targets[level][zone])
      return *zone_targets[level][zone];
    return target_share;
  }
  [[nodiscard]] bool has_zone_targets(std::size_t level) const {
    return level < zone_targets.size() && !zone_targets[level].empty();
  }
  /// Sorted by rank. main_zone[k] is a zone index in RunTables::levels[k] (so gap_areas() must be given the levels'
  /// zone_of_cell in the same order), or kNoZone.
  std::vector<analysis::GapArea> gaps;
};

/// Labels of a Standard (everything but the results): names, mode and threshold texts, unit, target, source.
StandardTables describe_standard(const Standard& standard);

struct DensityTables {
  std::vector<analysis::DensityIndicator> indicators;
  /// Per RunTables::levels entry (nullopt: not computed at that level); value/below_target follow `indicators`.
  std::vector<std::optional<analysis::LevelDensity>> by_level;
};

/// One planning indicator (规划指标) with its labels and per-zone results.
struct IndicatorTables {
  std::string id;
  std::string name_zh;  ///< 三级医院县城全覆盖
  std::string name_en;
  IndicatorKind kind = IndicatorKind::kPresence;
  std::size_t level = 0;   ///< index in RunTables::levels
  std::string select_zh;   ///< what is counted, e.g. "三级及以上综合医院"
  std::string select_en;
  std::string with_zh;     ///< share: what the facilities should have, e.g. "中医馆"
  std::string with_en;
  std::optional<double> within_m;  ///< presence: counted within this distance of the zone's seat
  double target = 1.0;             ///< the scenario-wide target: a count (presence) or a share (share)
  std::string source_zh;
  std::string source_en;
  std::string zone_targets_label;  ///< where per-zone targets come from ("" when none applies)
  analysis::IndicatorResult result;
  /// Per zone: the names of result.zones[z].facilities (presence: counted; share: those without B).
  std::vector<std::vector<std::string>> facility_names;
  [[nodiscard]] const std::string& source(Lang lang) const {
    if (lang == Lang::kEn) return source_en.empty() ? source_zh : source_en;
    return source_zh.empty() ? source_en : source_zh;
  }
};

/// Facilities per zone by type, level and tag (附表 医疗卫生机构数). Columns in order; counts per level per zone.
struct FacilityCountTables {
  std::vector<std::string> keys;  ///< column keys: "type_<id>", "level_3", "tag_<id>"
  std::vector<std::string> headers_zh;
  std::vector<std::string> headers_en;
  std::vector<std::string> groups_zh;  ///< per column: 类别 / 等级 / 标签
  /// Per RunTables::levels entry: per zone, per column the count of facilities (closed ones left out), and the total
  /// of each zone in `all` (every facility counted once); empty where the level is not shown.
  std::vector<std::vector<std::vector<std::uint32_t>>> by_level;
  std::vector<std::vector<std::uint32_t>> all;
  std::vector<std::uint32_t> outside;  ///< per level: facilities in no zone of it
};

/// Everything the appendix shows of one run.
struct RunTables {
  std::string scenario_zh;  ///< 某市2025年现状
  std::string scenario_en;  ///< (empty: scenario_zh)
  std::string region_zh;    ///< the study area, e.g. 某市 (may be empty)
  std::string region_en;
  /// Coarse to fine (county, then township). A zone's parent_code names a zone of the previous level; zones marked
  /// approximate (boundaries derived from seats) are flagged 〔近似〕 / (approx.) in every table.
  std::vector<ZoneLevel> levels;
  std::vector<StandardTables> standards;
  DensityTables density;
  std::vector<IndicatorTables> indicators;  ///< planning indicators, in the scenario's order
  FacilityCountTables facility_counts;      ///< empty keys: not shown
  /// Per level: where its density resources and population come from when zone totals are given ("" otherwise).
  std::vector<std::string> zone_totals_label_zh;
  std::vector<std::string> zone_totals_population_zh;  ///< per level: the population the zone totals divide by
  std::vector<std::string> density_targets_label;      ///< per level: where per-zone density targets come from
  /// Data sources, one per line without prefix ("第七次全国人口普查乡镇常住人口"); every table lists them after
  /// 资料来源： / Source:.
  std::vector<std::string> sources_zh;
  std::vector<std::string> sources_en;  ///< (empty: sources_zh)
  /// One sentence saying which data are modelled (数据说明), the first of the key findings; empty: none.
  std::string data_note_zh;
  std::string data_note_en;  ///< (empty: data_note_zh)
  std::vector<CapacityTables> capacity;  ///< capacity-aware coverages (附表8), in the scenario's order
  AccessModelTables access_models;  ///< 附表9–11: accessibility index, Huff model, referral times
  std::vector<SitingTables> siting;  ///< facility sitings (附表12), in the scenario's order
};

// The builders below throw std::invalid_argument when the results do not match the levels (a zone count, a
// per-level vector of the wrong length, a main_zone out of range): that is a bug of the caller, not an input error.

/// 附表1 主要指标 (id "summary"). Columns: item, standard, pop_total, pop_covered, value, target, unit, meets, basis.
/// Coverage rows: value and target in % (1 decimal), over the first level that has the standard's coverage;
/// density rows: the total over the first level with density (2 decimals).
Table summary_table(const RunTables& run);

/// 附表2 医疗资源配置 at level `level` (id "density_<level id>"). Columns: code, [parent], name, population, beds,
/// doctors, nurses, gps, tcm_beds, tcm_doctors, one per indicator (key = indicator id; ✗ when below target),
/// below_target (count). Total row first. Requires density.by_level[level].
Table density_table(const RunTables& run, std::size_t level);

/// 附表3 服务圈覆盖情况 at level `level` (id "coverage_<level id>"). Columns: standard, code, [parent], name,
/// pop_total, pop_covered, share_covered (✗ when below target), pop_uncovered, then mean/p50/p90/max_time_min when
/// a time standard reports the level and mean/p50/p90/max_distance_km when a distance standard does (empty for the
/// other kind), n_facilities, target_share, meets_target. Per standard reporting the level: its total row,
/// then its zones in level order.
Table coverage_table(const RunTables& run, std::size_t level);

/// A coverage table's time or distance cell as the CSV shows it (mean, median, 90th percentile, maximum): minutes
/// with 1 decimal, or kilometres with 2, from a finite value in the measure's unit ("12.3", "4.56"). Values with the
/// same text are one bin of the distribution a tile hands to a merge (docs/method/tiles.md#merging).
std::string coverage_value_text(double value, analysis::CoverageUnit unit);

/// 附表4 服务缺口清单 (id "gaps"). Columns: standard, rank, population, area_km2, one zone name per level (key =
/// level id), min/mean_time_min and/or min/mean_distance_km. Per standard: a total row (合计: population and area
/// summed, the smallest min), then its gaps by rank.
/// With max_per_standard, each standard lists only its first (largest) gaps after its total row, which still
/// counts them all, and a first note says so (the HTML report shows 20; the workbook and CSV all).
Table gaps_table(const RunTables& run, std::size_t max_per_standard = SIZE_MAX);

/// 附表5 规划指标 (id "indicators"): per indicator its total row, then its zones: indicator, level, code, name,
/// count, of (share), share, target, target_from, met, missing, facilities. Requires run.indicators.
Table indicator_table(const RunTables& run);

/// 附表6 医疗卫生机构数 at level `level` (id "facility_counts_<level id>"): per zone the facilities by type, level and
/// tag, a total row first.
Table facility_count_table(const RunTables& run, std::size_t level);

/// 附表7 敏感性分析 of one base standard (id "sensitivity_<base id>"): the base and its variants side by side, per zone
/// of the coarsest level any of them reports (total row first). Columns: code, [parent], name, pop_total, then per
/// standard (base first) pop_covered_<id> and share_<id> (✗ below that standard's target). Throws
/// std::invalid_argument when `base` is out of range, is itself a variant, or none of the group has coverage.
Table sensitivity_table(const RunTables& run, std::size_t base);

/// The indices (into run.standards) of the standards that have variants, in their order: one 附表7 each.
std::vector<std::size_t> sensitivity_bases(const RunTables& run);

/// The coverage tables (附表3-k) of every level some standard reports, numbered as in the appendix.
std::vector<Table> coverage_tables(const RunTables& run);

/// The sensitivity tables (附表7-k), one per standard with variants, numbered as in the appendix.
std::vector<Table> sensitivity_tables(const RunTables& run);

/// Every table of the appendix in 附表 order, numbered (附表2-1 … when there are several levels): summary, density
/// per level that has it, coverage per level that some standard reports, gaps, and a sensitivity table per standard
/// that has variants (附表7-k).
/// max_gaps_per_standard as for gaps_table.
std::vector<Table> appendix_tables(const RunTables& run, std::size_t max_gaps_per_standard = SIZE_MAX);

/// One block of key findings: a heading and its sentences (plain text, each a whole sentence with its full stop;
/// escape before putting into HTML).
struct Findings {
  std::string title;        ///< the standard's name, or 医疗资源配置 / Health resources
  std::string standard_id;  ///< the standard's id ("" for the density block)
  std::vector<std::string> items;
};

/// The main findings: first the data note (数据说明, when the run has one), then the planning indicators (规划指标:
/// per indicator the zones met and the zones failing with what is missing), then one block per standard that is
/// not a variant (measure and target; share covered against target and the people outside; zones failing at the
/// finest level reported; the largest gap areas with their zones; its variants' shares, 敏感性分析), then one for the
/// density indicators (when computed). report.md and report.html both show these.
std::vector<Findings> key_findings(const RunTables& run, Lang lang);

/// The headline summary of page 1 of report.html: one sentence per standard that is not a variant, from the
/// published figures (the tables' rounded persons and shares): its share of the residents covered with the persons,
/// against its target; and, when people are outside it, the zone of the coarsest level with more than one zone that
/// has the most of them, with its persons and its share of all those outside. "15分钟中医药服务圈：覆盖 87.3% 的常住人口
/// （4,512,000 人），低于目标 90%；未覆盖人口最多的区县是利辛县（210,400 人，占未覆盖人口的 36.1%）。" A standard not
/// computed gets "…：未计算（reason）。".
std::vector<std::string> headline_sentences(const RunTables& run, Lang lang);

/// report.md: a title, the main findings per standard (share against target, people outside, zones failing at the
/// finest level reported, the largest gaps) and per density indicator, then every appendix table in Markdown.
std::string report_markdown(const RunTables& run, Lang lang);

}  // namespace carereach::report
