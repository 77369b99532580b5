#include "report/appendix.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <map>
#include <stdexcept>

#include "core/text.hpp"
#include "core/units.hpp"
#include "report/published.hpp"
#include "report/writers.hpp"

namespace carereach::report {
namespace {

using analysis::CoverageStats;
using analysis::CoverageUnit;
using analysis::kNoZone;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr int kTimeDecimals = 1;      // minutes
constexpr int kDistanceDecimals = 2;  // kilometres
constexpr int kShareDecimals = kPercentDecimals;  // percent
constexpr int kDensityDecimals = 2;   // per 1,000
constexpr int kAreaDecimals = 2;      // km²
constexpr std::size_t kNarrativeZones = 5;
constexpr std::size_t kNarrativeGaps = 5;
const std::string kBelowMarker = "✗";

// ---------------------------------------------------------------------------------------------- small helpers

Cell yes_no(bool yes) {
  return yes ? Cell::text("是", "Yes") : Cell::text("否", "No");
}
Cell not_applicable() {
  return Cell::text("—", "—");
}
Cell total_label() {
  return Cell::text("合计", "Total");
}
/// A whole number of persons (or beds, doctors …) as published.
Cell persons_cell(std::int64_t v) {
  return Cell::num(static_cast<double>(v));
}
/// The standard's source in both languages (one of them when only one is given).
Cell source_cell(const StandardTables& s) {
  return Cell::text(s.source(Lang::kZh), s.source(Lang::kEn));
}

std::string shortest(double v) {
  std::array<char, 64> buf{};
  const auto res = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  return std::string(buf.data(), res.ptr);
}

std::string join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i > 0 ? sep : "") + parts[i];
  return out;
}

std::string lower_label(const ZoneLevel& level) {
  return ascii_lower(level.label_en.empty() ? level.level : level.label_en);
}

const std::string& label_zh(const ZoneLevel& level) {
  return level.label_zh.empty() ? level.level : level.label_zh;
}
const std::string& label_en(const ZoneLevel& level) {
  return level.label_en.empty() ? level.level : level.label_en;
}

Cell zone_name(const Zone& z) {
  if (!z.approximate) return Cell::text(z.name);
  return Cell::text(z.name + "〔近似〕", z.name + " (approx.)");
}

/// Resolves parent codes of a level against the previous level.
class Parents {
 public:
  Parents(const RunTables& run, std::size_t level) : run_(run), level_(level) {
    if (level > 0)
      for (std::size_t i = 0; i < run.levels[level - 1].zones.size(); ++i)
        index_.emplace(run.levels[level - 1].zones[i].code, i);
  }
  [[nodiscard]] bool has_parent_level() const { return level_ > 0; }
  [[nodiscard]] Cell of(const Zone& z) const {
    if (z.parent_code.empty()) return Cell::empty();
    const auto it = index_.find(z.parent_code);
    if (it == index_.end()) return Cell::text(z.parent_code);  // the code, when the parent level lacks it
    return zone_name(run_.levels[level_ - 1].zones[it->second]);
  }

 private:
  const RunTables& run_;
  std::size_t level_;
  std::map<std::string, std::size_t> index_;
};

void check_level(const RunTables& run, std::size_t level) {
  if (level >= run.levels.size())
    throw std::invalid_argument("report: level " + std::to_string(level) + " out of range (" +
                                std::to_string(run.levels.size()) + " levels)");
}

void check_size(std::size_t got, std::size_t want, const std::string& what) {
  if (got != want)
    throw std::invalid_argument("report: " + what + " has " + std::to_string(got) + " entries, expected " +
                                std::to_string(want));
}

const analysis::LevelCoverage* coverage_at(const RunTables& run, const StandardTables& s, std::size_t level) {
  if (s.coverage.empty()) return nullptr;
  check_size(s.coverage.size(), run.levels.size(), "coverage of standard '" + s.id + "'");
  if (!s.coverage[level]) return nullptr;
  check_size(s.coverage[level]->zones.size(), run.levels[level].zones.size(),
             "coverage of standard '" + s.id + "' at level '" + run.levels[level].level + "'");
  return &*s.coverage[level];
}

const analysis::LevelDensity* density_at(const RunTables& run, std::size_t level) {
  const auto& by_level = run.density.by_level;
  if (by_level.empty()) return nullptr;
  check_size(by_level.size(), run.levels.size(), "density by level");
  if (!by_level[level]) return nullptr;
  check_size(by_level[level]->zones.size(), run.levels[level].zones.size(),
             "density at level '" + run.levels[level].level + "'");
  return &*by_level[level];
}

/// The first (coarsest) level with the standard's coverage, or levels.size().
std::size_t first_coverage_level(const RunTables& run, const StandardTables& s) {
  for (std::size_t k = 0; k < run.levels.size(); ++k)
    if (coverage_at(run, s, k) != nullptr) return k;
  return run.levels.size();
}
/// The last (finest) level with the standard's coverage, or levels.size().
std::size_t finest_coverage_level(const RunTables& run, const StandardTables& s) {
  for (std::size_t k = run.levels.size(); k-- > 0;)
    if (coverage_at(run, s, k) != nullptr) return k;
  return run.levels.size();
}

bool any_approximate(const ZoneLevel& level) {
  return std::any_of(level.zones.begin(), level.zones.end(), [](const Zone& z) { return z.approximate; });
}

std::string engine_zh(const StandardTables& s) {
  switch (s.engine) {
    case TravelEngine::kNetwork: return "路网法";
    case TravelEngine::kRaster: return "栅格成本距离法";
    case TravelEngine::kEstimate: return s.estimate_zh.empty() ? "直线距离估算" : s.estimate_zh;
  }
  return {};
}
std::string engine_en(const StandardTables& s) {
  switch (s.engine) {
    case TravelEngine::kNetwork: return "road network";
    case TravelEngine::kRaster: return "raster cost distance";
    case TravelEngine::kEstimate: return s.estimate_en.empty() ? "straight-line estimate" : s.estimate_en;
  }
  return {};
}

/// "步行 15 分钟（路网法）" / "walking, 15 min (road network)"; distance standards name no engine.
/// An estimate's label carries its own brackets: "机动车 60 分钟，直线距离估算（…）" / "car, 60 min, straight-line
/// estimate (…)".
std::string method_zh(const StandardTables& s) {
  std::string t = s.mode_zh + " " + s.threshold_zh;
  if (s.unit != CoverageUnit::kMinutes) return t;
  return s.engine == TravelEngine::kEstimate ? t + "，" + engine_zh(s) : t + "（" + engine_zh(s) + "）";
}
std::string method_en(const StandardTables& s) {
  std::string t = s.mode_en + ", " + s.threshold_en;
  if (s.unit != CoverageUnit::kMinutes) return t;
  return s.engine == TravelEngine::kEstimate ? t + ", " + engine_en(s) : t + " (" + engine_en(s) + ")";
}

bool computed(const StandardTables& s) { return s.not_computed_zh.empty() && s.not_computed_en.empty(); }
/// The reason a standard was not computed, in the language asked (the other one when that is empty).
const std::string& not_computed_reason(const StandardTables& s, Lang lang) {
  return lang == Lang::kZh ? (s.not_computed_zh.empty() ? s.not_computed_en : s.not_computed_zh)
                           : (s.not_computed_en.empty() ? s.not_computed_zh : s.not_computed_en);
}

/// The common tail of every table's notes: the approximate-zone note and the data sources.
void add_common_notes(Table& t, const RunTables& run, bool approximate) {
  if (approximate) {
    t.notes_zh.push_back("注：名称后标〔近似〕的区划，其边界由驻地位置推算，并非勘定界线，相应数值仅供参考。");
    t.notes_en.push_back(
        "Note: zones marked (approx.) have boundaries derived from their seats, not surveyed boundaries; treat "
        "their figures as approximate.");
  }
  if (!run.sources_zh.empty()) t.notes_zh.push_back("资料来源：" + join(run.sources_zh, "；") + "。");
  const auto& en = run.sources_en.empty() ? run.sources_zh : run.sources_en;
  if (!en.empty()) t.notes_en.push_back("Source: " + join(en, "; ") + ".");
}

/// How the whole numbers of a table are made (docs/method/coverage.md, "Published figures"), and, when a level does
/// not nest in the one above, that its zones do not add up to their parents. `coverage`: persons covered and not
/// covered (else population and resources, with the per-1,000 values).
void add_rounding_notes(Table& t, const RunTables& run, std::size_t level, bool has_parent_level, bool adds_to_parent,
                        bool coverage) {
  const ZoneLevel& zl = run.levels[level];
  const bool nested = has_parent_level && level > 0;
  const ZoneLevel* up = nested ? &run.levels[level - 1] : nullptr;
  if (coverage) {
    t.notes_zh.push_back("注：人数为整数，按强制平衡修约：合计按四舍六入五成双取整，再按最大余数法逐级分配，各" +
                         label_zh(zl) + "之和等于合计" +
                         (nested ? "，同一" + label_zh(*up) + "内各" + label_zh(zl) + "之和等于该" + label_zh(*up) + "的数值"
                                 : std::string()) +
                         "；覆盖人口同样分配，未覆盖人口 = 常住人口 − 覆盖人口；覆盖率与是否达标按表中人数计算。");
    t.notes_en.push_back("Note: persons are whole numbers with forced totals: the total is rounded half to even and "
                         "apportioned level by level by the largest remainder, so that the " + lower_label(zl) +
                         " zones add up to the total" +
                         (nested ? " and to their " + lower_label(*up) : std::string()) +
                         "; persons covered are apportioned alike, not covered = population − covered; shares and "
                         "targets met are computed from the persons shown.");
  } else {
    t.notes_zh.push_back("注：常住人口与资源数为整数，按强制平衡修约：合计按四舍六入五成双取整，再按最大余数法逐级分配，各" +
                         label_zh(zl) + "之和等于合计" +
                         (nested ? "，同一" + label_zh(*up) + "内各" + label_zh(zl) + "之和等于该" + label_zh(*up) + "的数值"
                                 : std::string()) +
                         "；每千（万）人指标与是否达标按表中整数计算。");
    t.notes_en.push_back("Note: population and resources are whole numbers with forced totals: the total is rounded "
                         "half to even and apportioned level by level by the largest remainder, so that the " +
                         lower_label(zl) + " zones add up to the total" +
                         (nested ? " and to their " + lower_label(*up) : std::string()) +
                         "; values per 1,000 (10,000) and targets met are computed from the whole numbers shown.");
  }
  if (nested && !adds_to_parent) {
    t.notes_zh.push_back("注：部分" + label_zh(zl) + "与所属" + label_zh(*up) + "的范围不完全套合（或缺少所属" +
                         label_zh(*up) + "、或" + label_zh(*up) + "内有不属于任何" + label_zh(zl) + "的人口），这些" +
                         label_zh(*up) + "下各" + label_zh(zl) + "之和与" + label_zh(*up) + "的数值不一致。");
    t.notes_en.push_back("Note: some " + lower_label(zl) + " zones do not fit within their " + lower_label(*up) +
                         " (or have none, or part of a " + lower_label(*up) + " lies in no " + lower_label(zl) +
                         "): for those, the " + lower_label(zl) + " zones do not add up to the " + lower_label(*up) +
                         ".");
  }
}

/// A value in the measure's unit to the shown unit (minutes stay minutes, metres become kilometres).
double shown_value(double v, CoverageUnit unit) {
  return unit == CoverageUnit::kMetres ? v / units::kMetresPerKm : v;
}

bool has_unit(const RunTables& run, CoverageUnit unit) {
  return std::any_of(run.standards.begin(), run.standards.end(),
                     [&](const StandardTables& s) { return s.unit == unit && computed(s); });
}

const std::array<const char*, 6> kAttrKey = {"beds", "doctors", "nurses", "gps", "tcm_beds", "tcm_doctors"};
const std::array<const char*, 6> kAttrZh = {"床位数",   "执业（助理）医师", "注册护士",
                                            "全科医生", "中医类床位",       "中医类执业（助理）医师"};
const std::array<const char*, 6> kAttrEn = {
    "Beds", "Licensed (assistant) doctors", "Registered nurses", "General practitioners", "TCM beds", "TCM doctors"};
const std::array<const char*, 6> kAttrUnitZh = {"张", "人", "人", "人", "张", "人"};
const std::array<const char*, 6> kAttrUnitEn = {"beds", "persons", "persons", "persons", "beds", "persons"};

std::string basis_zh(const analysis::DensityIndicator& ind) {
  if (ind.nurse_doctor_ratio) return "注册护士数∶执业（助理）医师数";
  if (ind.per_persons == 1000.0) return "每千常住人口";
  if (ind.per_persons == 10000.0) return "每万常住人口";
  return "每" + shortest(ind.per_persons) + "常住人口";
}
std::string basis_en(const analysis::DensityIndicator& ind) {
  if (ind.nurse_doctor_ratio) return "nurses per doctor";
  return "per " + format_fixed(ind.per_persons, 0, true) + " residents";
}

std::string number_label(const std::string& base, std::size_t index, std::size_t count) {
  return count > 1 ? base + "-" + std::to_string(index + 1) : base;
}

void number_table(Table& t, const std::string& number) {
  t.sheet_zh = "附表" + number + " " + t.sheet_zh;
  t.title_zh = "附表" + number + " " + t.title_zh;
  t.sheet_en = "Table " + number + " " + t.sheet_en;
  t.title_en = "Table " + number + " " + t.title_en;
}

std::string region_prefix_zh(const RunTables& run) {
  return run.region_zh;
}
std::string region_suffix_en(const RunTables& run) {
  const std::string& r = run.region_en.empty() ? run.region_zh : run.region_en;
  return r.empty() ? "" : ", " + r;
}

}  // namespace

// ---------------------------------------------------------------------------------------------- standards

StandardTables describe_standard(const Standard& standard) {
  StandardTables s;
  s.id = standard.id;
  s.name_zh = standard.name_zh;
  s.name_en = standard.name_en;
  s.engine = standard.engine;
  s.target_share = standard.target_share;
  s.source_zh = standard.source_zh;
  s.source_en = standard.source_en;
  s.variant_of = standard.variant_of;
  if (standard.is_distance()) {
    s.unit = CoverageUnit::kMetres;
    s.mode_zh = "直线距离";
    s.mode_en = "straight line";
    std::vector<std::string> zh;
    std::vector<std::string> en;
    auto km = [](double m) { return shortest(m / units::kMetresPerKm); };
    // Urban first, then rural, then any other class in name order.
    std::vector<std::pair<std::string, double>> classes(standard.distance_m_by_zone_class.begin(),
                                                        standard.distance_m_by_zone_class.end());
    auto rank = [](const std::string& c) { return c == "urban" ? 0 : c == "rural" ? 1 : 2; };
    std::stable_sort(classes.begin(), classes.end(),
                     [&](const auto& a, const auto& b) { return rank(a.first) < rank(b.first); });
    for (const auto& [cls, m] : classes) {
      const std::string cls_zh = cls == "urban" ? "城区" : cls == "rural" ? "乡村" : cls;
      zh.push_back(km(m) + " 千米（" + cls_zh + "）");
      en.push_back(km(m) + " km (" + cls + ")");
    }
    if (standard.distance_m) {
      zh.push_back(km(*standard.distance_m) + " 千米" + (classes.empty() ? "" : "（其他）"));
      en.push_back(km(*standard.distance_m) + " km" + (classes.empty() ? "" : " (other)"));
    }
    s.threshold_zh = join(zh, " / ");
    s.threshold_en = join(en, " / ");
  } else {
    s.unit = CoverageUnit::kMinutes;
    s.mode_zh = to_label_zh(standard.mode);
    s.mode_en = to_label_en(standard.mode);
    const std::string t = standard.threshold_min ? shortest(*standard.threshold_min) : "?";
    s.threshold_zh = t + " 分钟";
    s.threshold_en = t + " min";
    if (standard.engine == TravelEngine::kEstimate && standard.circuity && standard.estimate_speed_kmh) {
      s.estimate_zh = estimate_label_zh(standard.mode, *standard.circuity, *standard.estimate_speed_kmh);
      s.estimate_en = estimate_label_en(standard.mode, *standard.circuity, *standard.estimate_speed_kmh);
    }
  }
  return s;
}

// ---------------------------------------------------------------------------------------------- sensitivity groups

std::vector<std::size_t> sensitivity_bases(const RunTables& run) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < run.standards.size(); ++i) {
    const StandardTables& b = run.standards[i];
    if (!b.variant_of.empty()) continue;
    const bool has_variants = std::any_of(run.standards.begin(), run.standards.end(),
                                          [&](const StandardTables& v) { return v.variant_of == b.id; });
    if (has_variants) out.push_back(i);
  }
  return out;
}

namespace {

/// The base standard and its variants, base first, variants in the run's order.
std::vector<const StandardTables*> sensitivity_group(const RunTables& run, std::size_t base) {
  if (base >= run.standards.size())
    throw std::invalid_argument("report: sensitivity base " + std::to_string(base) + " out of range");
  const StandardTables& b = run.standards[base];
  if (!b.variant_of.empty())
    throw std::invalid_argument("report: standard '" + b.id + "' is a variant, not a base of variants");
  std::vector<const StandardTables*> out{&b};
  for (const StandardTables& v : run.standards)
    if (v.variant_of == b.id) out.push_back(&v);
  return out;
}

/// The level of a sensitivity table: the coarsest level any standard of the group reports (levels.size(): none).
std::size_t sensitivity_level(const RunTables& run, const std::vector<const StandardTables*>& group) {
  std::size_t k = run.levels.size();
  for (const StandardTables* s : group) k = std::min(k, first_coverage_level(run, *s));
  return k;
}

/// The bases whose group has coverage somewhere: those get a 附表7.
std::vector<std::size_t> sensitivity_table_bases(const RunTables& run) {
  std::vector<std::size_t> out;
  for (const std::size_t b : sensitivity_bases(run))
    if (sensitivity_level(run, sensitivity_group(run, b)) < run.levels.size()) out.push_back(b);
  return out;
}

/// "7" when one standard has a sensitivity table, else "7-2" for the second; "" when it has none.
std::string sensitivity_number(const RunTables& run, std::size_t base) {
  const std::vector<std::size_t> bases = sensitivity_table_bases(run);
  const auto it = std::find(bases.begin(), bases.end(), base);
  if (it == bases.end()) return {};
  return number_label("7", static_cast<std::size_t>(it - bases.begin()), bases.size());
}

}  // namespace

// ---------------------------------------------------------------------------------------------- 附表1

Table summary_table(const RunTables& run) {
  Table t;
  t.id = "summary";
  t.sheet_zh = "主要指标";
  t.sheet_en = "Key indicators";
  t.title_zh = region_prefix_zh(run) + "医疗卫生服务主要指标";
  t.title_en = "Key indicators of health services" + region_suffix_en(run);
  t.columns = {text_col("item", "指标", "Indicator", 16),
               text_col("standard", "口径", "Measure"),
               int_col("pop_total", "常住人口", "Population", "人", "persons"),
               int_col("pop_covered", "覆盖人口", "Population covered", "人", "persons"),
               num_col("value", "现状值", "Value", "", "", kDensityDecimals),
               num_col("target", "目标值", "Target", "", "", kDensityDecimals),
               text_col("unit", "单位", "Unit"),
               text_col("meets", "是否达标", "Meets target"),
               text_col("basis", "依据", "Basis")};

  bool approximate = false;
  for (const StandardTables& s : run.standards) {
    const std::size_t k = first_coverage_level(run, s);
    Row row;
    // An estimate says so in its measure ("步行 15 分钟，直线距离估算（绕行系数 1.3，…）"): the CSV has no notes.
    row.cells = {Cell::text(s.name_zh, s.name_en),
                 s.engine == TravelEngine::kEstimate && s.unit == CoverageUnit::kMinutes
                     ? Cell::text(method_zh(s), method_en(s))
                     : Cell::text(s.mode_zh + " " + s.threshold_zh, s.mode_en + " " + s.threshold_en)};
    if (k < run.levels.size()) {
      approximate = approximate || any_approximate(run.levels[k]);
      const PublishedCounts total = published_coverage(run, s)[k]->total;
      const bool has_pop = total.total > 0;
      const bool ok = meets(total, s.target_share);
      Cell value = has_pop ? Cell::num(total.share() * 100.0, kShareDecimals) : Cell::empty();
      if (has_pop && !ok) value = value.marked(kBelowMarker);
      row.cells.insert(row.cells.end(), {persons_cell(total.total), persons_cell(total.covered), value,
                                         Cell::num(s.target_share * 100.0, kShareDecimals), Cell::text("%"),
                                         has_pop ? yes_no(ok) : not_applicable(), source_cell(s)});
    } else {
      row.cells.insert(row.cells.end(),
                       {Cell::empty(), Cell::empty(), Cell::empty(), Cell::num(s.target_share * 100.0, kShareDecimals),
                        Cell::text("%"), computed(s) ? not_applicable() : Cell::text("未计算", "Not computed"),
                        source_cell(s)});
    }
    t.rows.push_back(std::move(row));
  }

  std::size_t dk = 0;
  while (dk < run.levels.size() && density_at(run, dk) == nullptr) ++dk;
  if (dk < run.levels.size()) {
    const PublishedZoneDensity total = published_density(run)[dk]->total;
    const auto& inds = run.density.indicators;
    check_size(density_at(run, dk)->total.value.size(), inds.size(), "density indicator values");
    check_size(density_at(run, dk)->total.below_target.size(), inds.size(), "density below-target flags");
    for (std::size_t i = 0; i < inds.size(); ++i) {
      const auto& ind = inds[i];
      Cell value = Cell::num(total.value[i]);
      if (total.below_target[i] == 1) value = value.marked(kBelowMarker);
      t.rows.push_back(Row{{Cell::text(ind.name_zh, ind.name_en), Cell::text(basis_zh(ind), basis_en(ind)),
                            persons_cell(total.population), Cell::empty(), value,
                            ind.target ? Cell::num(*ind.target) : Cell::empty(), Cell::text(ind.unit_zh, ind.unit_en),
                            total.below_target[i] < 0 ? not_applicable() : yes_no(total.below_target[i] == 0),
                            Cell::text(ind.target_source)},
                           false});
    }
  }

  t.notes_zh.push_back("注：服务圈指标的现状值为覆盖率，即服务标准内常住人口占常住人口的比例；✗ 表示未达到目标值。");
  t.notes_en.push_back(
      "Note: for service standards the value is the share of the population within the standard; ✗ marks a "
      "value below its target.");
  for (const StandardTables& s : run.standards) {
    if (!computed(s)) {
      t.notes_zh.push_back("注：" + s.name_zh + "（" + method_zh(s) + "）未计算：" + not_computed_reason(s, Lang::kZh) + "。");
      t.notes_en.push_back("Note: " + pick(Lang::kEn, s.name_zh, s.name_en) + " (" + method_en(s) +
                           ") was not computed: " + not_computed_reason(s, Lang::kEn) + ".");
      continue;
    }
    t.notes_zh.push_back("注：" + s.name_zh + "按" + method_zh(s) + "计算。");
    t.notes_en.push_back("Note: " + pick(Lang::kEn, s.name_zh, s.name_en) + " is computed for " + method_en(s) + ".");
  }
  for (const StandardTables& s : run.standards) {
    if (s.variant_of.empty()) continue;
    const auto base = std::find_if(run.standards.begin(), run.standards.end(),
                                   [&](const StandardTables& b) { return b.id == s.variant_of; });
    if (base == run.standards.end()) continue;
    const std::string number = sensitivity_number(run, static_cast<std::size_t>(base - run.standards.begin()));
    t.notes_zh.push_back("注：" + s.name_zh + "为" + base->name_zh + "的敏感性分析口径" +
                         (number.empty() ? "" : "，各" + label_zh(run.levels[sensitivity_level(run, sensitivity_group(run, static_cast<std::size_t>(base - run.standards.begin())))]) +
                                                    "对比见附表" + number) + "。");
    t.notes_en.push_back("Note: " + pick(Lang::kEn, s.name_zh, s.name_en) + " is a sensitivity variant of " +
                         pick(Lang::kEn, base->name_zh, base->name_en) +
                         (number.empty() ? "" : "; Table " + number + " compares them") + ".");
  }
  if (dk < run.levels.size()) {
    t.notes_zh.push_back("注：资源配置指标为全域合计（各" + label_zh(run.levels[dk]) + "合计）。");
    t.notes_en.push_back("Note: resource indicators are totals over every " + lower_label(run.levels[dk]) + ".");
  }
  add_common_notes(t, run, approximate);
  return t;
}

// ---------------------------------------------------------------------------------------------- 附表2

Table density_table(const RunTables& run, std::size_t level) {
  check_level(run, level);
  const analysis::LevelDensity* density = density_at(run, level);
  if (density == nullptr) throw std::invalid_argument("report: no density at level '" + run.levels[level].level + "'");
  const ZoneLevel& zl = run.levels[level];
  const auto& inds = run.density.indicators;
  const Parents parents(run, level);

  Table t;
  t.id = "density_" + zl.level;
  t.sheet_zh = "医疗资源配置（" + label_zh(zl) + "）";
  t.sheet_en = "Resources (" + label_en(zl) + ")";
  t.title_zh = region_prefix_zh(run) + "各" + label_zh(zl) + "医疗资源配置";
  t.title_en = "Health resources by " + lower_label(zl) + region_suffix_en(run);
  t.columns.push_back(text_col("code", "区划代码", "Code"));
  if (parents.has_parent_level())
    t.columns.push_back(text_col("parent", label_zh(run.levels[level - 1]), label_en(run.levels[level - 1])));
  t.columns.push_back(text_col("name", label_zh(zl), label_en(zl)));
  t.columns.push_back(int_col("population", "常住人口", "Population", "人", "persons"));
  for (std::size_t a = 0; a < kAttrKey.size(); ++a)
    t.columns.push_back(int_col(kAttrKey[a], kAttrZh[a], kAttrEn[a], kAttrUnitZh[a], kAttrUnitEn[a]));
  for (const auto& ind : inds)
    t.columns.push_back(num_col(ind.id, ind.name_zh, ind.name_en, ind.unit_zh, ind.unit_en, kDensityDecimals));
  t.columns.push_back(int_col("below_target", "未达标指标数", "Indicators below target", "项", "count"));
  // Zone totals (yearbooks) at this level: which resources and which population each row uses.
  const std::string totals_label = level < run.zone_totals_label_zh.size() ? run.zone_totals_label_zh[level] : "";
  const std::string totals_population =
      level < run.zone_totals_population_zh.size() ? run.zone_totals_population_zh[level] : "";
  const bool zone_inputs = density->zone_inputs;
  if (zone_inputs) {
    t.columns.push_back(text_col("resources_from", "资源数来源", "Resources from"));
    t.columns.push_back(text_col("population_basis", "人口口径（分母）", "Population divided by"));
  }
  // Per-zone targets at this level: a target column per indicator that has one for some zone.
  std::vector<std::size_t> own_target;
  for (std::size_t i = 0; i < inds.size(); ++i)
    if (std::any_of(density->zones.begin(), density->zones.end(), [&](const analysis::ZoneDensity& z) {
          return i < z.zone_target.size() && z.zone_target[i].has_value();
        })) {
      own_target.push_back(i);
      t.columns.push_back(num_col(inds[i].id + "_target", inds[i].name_zh + "目标值", pick(Lang::kEn, inds[i].name_zh, inds[i].name_en) + " target",
                                  inds[i].unit_zh, inds[i].unit_en, kDensityDecimals));
    }

  const PublishedDensity published = *published_density(run)[level];
  auto add = [&](const analysis::ZoneDensity& exact, const PublishedZoneDensity& z, std::vector<Cell> head,
                 bool total) {
    check_size(exact.totals.size(), kAttrKey.size(), "density attribute totals");
    check_size(exact.value.size(), inds.size(), "density indicator values");
    check_size(exact.below_target.size(), inds.size(), "density below-target flags");
    Row row{std::move(head), total};
    row.cells.push_back(persons_cell(z.population));
    for (const std::int64_t v : z.totals) row.cells.push_back(persons_cell(v));
    double below = 0;
    for (std::size_t i = 0; i < inds.size(); ++i) {
      Cell c = Cell::num(z.value[i]);
      if (z.below_target[i] == 1) {
        c = c.marked(kBelowMarker);
        ++below;
      }
      row.cells.push_back(std::move(c));
    }
    row.cells.push_back(Cell::num(below));
    if (zone_inputs) {
      const bool from_totals = std::any_of(exact.from_zone_total.begin(), exact.from_zone_total.end(),
                                           [](std::uint8_t v) { return v != 0; });
      const bool all_totals = !exact.from_zone_total.empty() &&
                              std::all_of(exact.from_zone_total.begin(), exact.from_zone_total.end(),
                                          [&](std::uint8_t v) { return v != 0; });
      row.cells.push_back(!from_totals ? Cell::text("机构数据", "facility data")
                          : total && !all_totals
                              ? Cell::text(totals_label + "（部分）", totals_label + " (in part)")
                              : Cell::text(totals_label, totals_label));
      row.cells.push_back(exact.population_given ? Cell::text(totals_population, totals_population)
                                                 : Cell::text("格网常住人口", "population on the grid"));
    }
    for (const std::size_t i : own_target) {
      const std::optional<double> target = total ? inds[i].target : exact.target(i, inds[i]);
      row.cells.push_back(target ? Cell::num(*target) : Cell::empty());
    }
    t.rows.push_back(std::move(row));
  };
  std::vector<Cell> head{Cell::empty()};
  if (parents.has_parent_level()) head.push_back(Cell::empty());
  head.push_back(total_label());
  add(density->total, published.total, head, true);
  for (std::size_t i = 0; i < zl.zones.size(); ++i) {
    const Zone& z = zl.zones[i];
    head = {Cell::text(z.code)};
    if (parents.has_parent_level()) head.push_back(parents.of(z));
    head.push_back(zone_name(z));
    add(density->zones[i], published.zones[i], head, false);
  }

  if (zone_inputs) {
    t.notes_zh.push_back("注：资源数取自" + totals_label + "（按" + label_zh(zl) + "汇总的数据），未提供的项目为填报该项数据的机构合计；" +
                         (totals_population.empty() ? std::string("每千（万）人指标以格网常住人口为分母")
                                                    : "每千（万）人指标以" + totals_population +
                                                          "为分母（未提供者以格网常住人口为分母）") +
                         "，见“人口口径”列；本表与其他层级的数值来源不同，不相互汇总。");
    t.notes_en.push_back("Note: resources are taken from " + totals_label + " (totals per " + lower_label(zl) +
                         "); items it does not give are the totals of the facilities that report them; values per "
                         "1,000 (10,000) divide by " +
                         (totals_population.empty() ? std::string("the population on the grid")
                                                    : totals_population + " (the population on the grid where none is given)") +
                         ", as the column Population divided by says; this table and the other levels have different "
                         "sources and do not add up to each other.");
  }
  if (!own_target.empty()) {
    const std::string label = level < run.density_targets_label.size() ? run.density_targets_label[level] : "";
    t.notes_zh.push_back("注：目标值列为各" + label_zh(zl) + "实际适用的目标" + (label.empty() ? "" : "（" + label + "）") +
                         "，未单列目标的" + label_zh(zl) + "适用全域目标。");
    t.notes_en.push_back("Note: the target columns give the target that applied to each " + lower_label(zl) +
                         (label.empty() ? "" : " (" + label + ")") + "; zones without their own use the general one.");
  }
  if (!zone_inputs) {
    t.notes_zh.push_back("注：资源数为填报该项数据的机构合计，已关闭的机构不计；✗ 表示低于目标值。");
    t.notes_en.push_back(
        "Note: resources are the totals of the facilities that report them, closed facilities excluded; ✗ marks a "
        "value below its target.");
  } else {
    t.notes_zh.push_back("注：机构合计中已关闭的机构不计；✗ 表示低于目标值。");
    t.notes_en.push_back("Note: closed facilities are excluded from facility totals; ✗ marks a value below its target.");
  }
  add_rounding_notes(t, run, level, published.has_parent_level, published.adds_to_parent, false);
  for (const auto& ind : inds) {
    if (!ind.target) continue;
    const std::string target = format_fixed(*ind.target, kDensityDecimals);
    t.notes_zh.push_back("注：" + ind.name_zh + "目标值 ≥ " + target + (ind.unit_zh.empty() ? "" : " " + ind.unit_zh) +
                         (ind.target_source.empty() ? "" : "（" + ind.target_source + "）") + "。");
    t.notes_en.push_back("Note: target for " + pick(Lang::kEn, ind.name_zh, ind.name_en) + ": at least " + target +
                         (ind.unit_en.empty() ? "" : " " + ind.unit_en) +
                         (ind.target_source.empty() ? "" : " (" + ind.target_source + ")") + ".");
  }
  add_common_notes(t, run, any_approximate(zl) || (level > 0 && any_approximate(run.levels[level - 1])));
  return t;
}

// ---------------------------------------------------------------------------------------------- 附表3

Table coverage_table(const RunTables& run, std::size_t level) {
  check_level(run, level);
  const ZoneLevel& zl = run.levels[level];
  const Parents parents(run, level);
  // Time and distance columns only for the kinds of the standards that report this level.
  bool time = false;
  bool distance = false;
  for (const StandardTables& s : run.standards) {
    if (coverage_at(run, s, level) == nullptr) continue;
    (s.unit == CoverageUnit::kMinutes ? time : distance) = true;
  }

  Table t;
  t.id = "coverage_" + zl.level;
  t.sheet_zh = "服务圈覆盖情况（" + label_zh(zl) + "）";
  t.sheet_en = "Coverage (" + label_en(zl) + ")";
  t.title_zh = region_prefix_zh(run) + "各" + label_zh(zl) + "服务圈覆盖情况";
  t.title_en = "Service coverage by " + lower_label(zl) + region_suffix_en(run);
  t.columns.push_back(text_col("standard", "服务标准", "Standard"));
  t.columns.push_back(text_col("code", "区划代码", "Code"));
  if (parents.has_parent_level())
    t.columns.push_back(text_col("parent", label_zh(run.levels[level - 1]), label_en(run.levels[level - 1])));
  t.columns.push_back(text_col("name", label_zh(zl), label_en(zl)));
  t.columns.push_back(int_col("pop_total", "常住人口", "Population", "人", "persons"));
  t.columns.push_back(int_col("pop_covered", "覆盖人口", "Population covered", "人", "persons"));
  t.columns.push_back(pct_col("share_covered", "覆盖率", "Share covered"));
  t.columns.push_back(int_col("pop_uncovered", "未覆盖人口", "Population not covered", "人", "persons"));
  if (time) {
    t.columns.push_back(num_col("mean_time_min", "平均时间", "Mean time", "分钟", "min", kTimeDecimals));
    t.columns.push_back(num_col("p50_time_min", "中位时间", "Median time", "分钟", "min", kTimeDecimals));
    t.columns.push_back(num_col("p90_time_min", "90%人口时间", "90th percentile time", "分钟", "min", kTimeDecimals));
    t.columns.push_back(num_col("max_time_min", "最长时间", "Maximum time", "分钟", "min", kTimeDecimals));
  }
  if (distance) {
    t.columns.push_back(num_col("mean_distance_km", "平均距离", "Mean distance", "千米", "km", kDistanceDecimals));
    t.columns.push_back(num_col("p50_distance_km", "中位距离", "Median distance", "千米", "km", kDistanceDecimals));
    t.columns.push_back(
        num_col("p90_distance_km", "90%人口距离", "90th percentile distance", "千米", "km", kDistanceDecimals));
    t.columns.push_back(num_col("max_distance_km", "最远距离", "Maximum distance", "千米", "km", kDistanceDecimals));
  }
  t.columns.push_back(int_col("n_facilities", "机构数", "Facilities", "个", "count"));
  t.columns.push_back(pct_col("target_share", "目标覆盖率", "Target share"));
  t.columns.push_back(text_col("meets_target", "是否达标", "Meets target"));

  auto add = [&](const StandardTables& s, const CoverageStats& st, const PublishedCounts& pub, std::vector<Cell> head,
                 bool total, double target) {
    Row row{std::move(head), total};
    const bool has_pop = pub.total > 0;
    const bool ok = meets(pub, target);
    Cell share = has_pop ? Cell::num(pub.share()) : Cell::empty();
    if (has_pop && !ok) share = share.marked(kBelowMarker);
    row.cells.insert(row.cells.end(),
                     {persons_cell(pub.total), persons_cell(pub.covered), share, persons_cell(pub.uncovered())});
    for (CoverageUnit u : {CoverageUnit::kMinutes, CoverageUnit::kMetres}) {
      if ((u == CoverageUnit::kMinutes && !time) || (u == CoverageUnit::kMetres && !distance)) continue;
      for (double v : {st.mean, st.p50, st.p90, st.max})
        row.cells.push_back(s.unit == u ? Cell::num(shown_value(v, u)) : Cell::empty());
    }
    row.cells.push_back(Cell::num(static_cast<double>(st.n_facilities)));
    row.cells.push_back(Cell::num(target));
    row.cells.push_back(has_pop ? yes_no(ok) : not_applicable());
    t.rows.push_back(std::move(row));
  };

  bool has_parent_level = false;
  bool adds_to_parent = true;
  for (const StandardTables& s : run.standards) {
    const analysis::LevelCoverage* cov = coverage_at(run, s, level);
    if (cov == nullptr) continue;
    const PublishedCoverage published = *published_coverage(run, s)[level];
    has_parent_level = has_parent_level || published.has_parent_level;
    adds_to_parent = adds_to_parent && published.adds_to_parent;
    const Cell name = Cell::text(s.name_zh, s.name_en);
    std::vector<Cell> head{name, Cell::empty()};
    if (parents.has_parent_level()) head.push_back(Cell::empty());
    head.push_back(total_label());
    add(s, cov->total, published.total, head, true, s.target_share);
    for (std::size_t i = 0; i < zl.zones.size(); ++i) {
      const Zone& z = zl.zones[i];
      head = {name, Cell::text(z.code)};
      if (parents.has_parent_level()) head.push_back(parents.of(z));
      head.push_back(zone_name(z));
      add(s, cov->zones[i], published.zones[i], head, false, s.target_at(level, i));
    }
  }

  t.notes_zh.push_back("注：覆盖率为服务标准内常住人口占常住人口的比例；✗ 表示低于目标覆盖率。");
  t.notes_en.push_back(
      "Note: the share covered is the population within the standard over the population; ✗ marks "
      "a share below the target.");
  add_rounding_notes(t, run, level, has_parent_level, adds_to_parent, true);
  t.notes_zh.push_back("注：平均值按可达人口加权；中位数和90%人口值按全部人口计，落在计算范围以外的显示为「＞上限」。");
  t.notes_en.push_back(
      "Note: means are weighted by the population reached; medians and 90th percentiles count everybody, and show "
      "\"> limit\" when they fall beyond the search limit.");
  for (const StandardTables& s : run.standards) {
    if (coverage_at(run, s, level) == nullptr || !s.has_zone_targets(level)) continue;
    const std::string label = s.zone_targets_label;
    t.notes_zh.push_back("注：" + s.name_zh + "的目标覆盖率列为各" + label_zh(zl) + "实际适用的目标" +
                         (label.empty() ? "" : "（部分" + label_zh(zl) + "采用本区划目标：" + label + "）") +
                         "，合计行为全域目标。");
    t.notes_en.push_back("Note: " + pick(Lang::kEn, s.name_zh, s.name_en) + ": the target share column gives the target "
                         "that applied to each " + lower_label(zl) +
                         (label.empty() ? "" : " (some zones have their own: " + label + ")") +
                         "; the total row has the general one.");
  }
  for (const StandardTables& s : run.standards) {
    if (coverage_at(run, s, level) == nullptr) continue;
    t.notes_zh.push_back("注：" + s.name_zh + "按" + method_zh(s) + "计算" +
                         (s.source(Lang::kZh).empty() ? "" : "，依据：" + s.source(Lang::kZh)) + "。");
    t.notes_en.push_back("Note: " + pick(Lang::kEn, s.name_zh, s.name_en) + ": " + method_en(s) +
                         (s.source(Lang::kEn).empty() ? "" : "; basis: " + s.source(Lang::kEn)) + ".");
  }
  add_common_notes(t, run, any_approximate(zl) || (level > 0 && any_approximate(run.levels[level - 1])));
  return t;
}

std::string coverage_value_text(double value, CoverageUnit unit) {
  return format_fixed(shown_value(value, unit), unit == CoverageUnit::kMetres ? kDistanceDecimals : kTimeDecimals);
}

// ---------------------------------------------------------------------------------------------- 附表4

Table gaps_table(const RunTables& run, std::size_t max_per_standard) {
  bool cut = false;
  const bool time = has_unit(run, CoverageUnit::kMinutes);
  const bool distance = has_unit(run, CoverageUnit::kMetres);
  Table t;
  t.id = "gaps";
  t.sheet_zh = "服务缺口清单";
  t.sheet_en = "Service gaps";
  t.title_zh = region_prefix_zh(run) + "服务缺口清单";
  t.title_en = "Service gaps" + region_suffix_en(run);
  t.columns = {text_col("standard", "服务标准", "Standard"), int_col("rank", "序号", "Rank", "", ""),
               int_col("population", "人口", "Population", "人", "persons"),
               num_col("area_km2", "面积", "Area", "平方千米", "km²", kAreaDecimals)};
  for (const ZoneLevel& zl : run.levels) t.columns.push_back(text_col(zl.level, label_zh(zl), label_en(zl)));
  if (time) {
    t.columns.push_back(num_col("min_time_min", "最短时间", "Shortest time", "分钟", "min", kTimeDecimals));
    t.columns.push_back(num_col("mean_time_min", "平均时间", "Mean time", "分钟", "min", kTimeDecimals));
  }
  if (distance) {
    t.columns.push_back(num_col("min_distance_km", "最近距离", "Shortest distance", "千米", "km", kDistanceDecimals));
    t.columns.push_back(num_col("mean_distance_km", "平均距离", "Mean distance", "千米", "km", kDistanceDecimals));
  }

  auto measures = [&](Row& row, const StandardTables& s, double min_v, double mean_v) {
    for (CoverageUnit u : {CoverageUnit::kMinutes, CoverageUnit::kMetres}) {
      if ((u == CoverageUnit::kMinutes && !time) || (u == CoverageUnit::kMetres && !distance)) continue;
      row.cells.push_back(s.unit == u ? Cell::num(shown_value(min_v, u)) : Cell::empty());
      row.cells.push_back(s.unit == u ? Cell::num(shown_value(mean_v, u)) : Cell::empty());
    }
  };

  bool approximate = false;
  for (const StandardTables& s : run.standards) {
    if (!computed(s)) continue;  // no gaps to list: 附表1 says why
    const Cell name = Cell::text(s.name_zh, s.name_en);
    const std::vector<std::int64_t> gap_pop = published_gap_population(s);
    const std::vector<double> gap_area = published_gap_area(s, kAreaDecimals);
    std::int64_t pop = 0;
    double area = 0;
    double min_v = s.gaps.empty() ? kNaN : kInf;
    for (std::size_t j = 0; j < s.gaps.size(); ++j) {
      pop += gap_pop[j];
      area += gap_area[j];
      min_v = std::min(min_v, s.gaps[j].min_value);
    }
    Row total{{name, total_label(), persons_cell(pop), Cell::num(area)}, true};
    for (std::size_t k = 0; k < run.levels.size(); ++k) total.cells.push_back(Cell::empty());
    measures(total, s, min_v, kNaN);
    t.rows.push_back(std::move(total));
    for (std::size_t j = 0; j < s.gaps.size(); ++j) {
      if (j >= max_per_standard) {
        cut = true;
        break;
      }
      const auto& g = s.gaps[j];
      if (g.main_zone.size() > run.levels.size())
        throw std::invalid_argument("report: a gap of standard '" + s.id + "' has more zone levels than the run");
      Row row{{name, Cell::num(g.rank), persons_cell(gap_pop[j]), Cell::num(gap_area[j])}, false};
      for (std::size_t k = 0; k < run.levels.size(); ++k) {
        const std::uint32_t z = k < g.main_zone.size() ? g.main_zone[k] : kNoZone;
        if (z == kNoZone) {
          row.cells.push_back(Cell::empty());
          continue;
        }
        if (z >= run.levels[k].zones.size())
          throw std::invalid_argument("report: a gap of standard '" + s.id + "' names zone " + std::to_string(z) +
                                      " of level '" + run.levels[k].level + "', which has " +
                                      std::to_string(run.levels[k].zones.size()));
        approximate = approximate || run.levels[k].zones[z].approximate;
        row.cells.push_back(zone_name(run.levels[k].zones[z]));
      }
      measures(row, s, g.min_value, g.mean_value);
      t.rows.push_back(std::move(row));
    }
  }

  if (cut) {
    t.notes_zh.push_back("注：本报告每个服务标准列出人口最多的 " + std::to_string(max_per_standard) +
                         " 处缺口（合计行为全部缺口）；完整清单见 appendix.xlsx 与 tables/gaps.csv。");
    t.notes_en.push_back("Note: this report lists the " + std::to_string(max_per_standard) +
                         " gaps with the most people per standard (the total row counts every gap); appendix.xlsx and "
                         "tables/gaps.csv list them all.");
  }
  t.notes_zh.push_back(
      "注：服务缺口为服务标准以外、相互连通（八邻域）的有人口网格，按人口由多到少排序；所在区划为缺口内人口最多的区划"
      "。");
  t.notes_en.push_back(
      "Note: a service gap is a connected cluster (8 neighbours) of populated cells outside the standard, ranked by "
      "population; its zones are those holding most of its population.");
  t.notes_zh.push_back(
      "注：最短时间（距离）为缺口内离最近机构最近的网格的值，平均值按可达人口加权；超出计算范围的显示为「＞上限」。");
  t.notes_en.push_back(
      "Note: the shortest time (distance) is that of the gap's best-served cell; means are weighted by the "
      "population reached; \"> limit\" means beyond the search limit.");
  t.notes_zh.push_back("注：人口取整、面积取两位小数，按最大余数法分配，使各缺口之和等于合计行。");
  t.notes_en.push_back(
      "Note: persons are whole numbers and areas have two decimals, apportioned by the largest remainder so that "
      "the gaps add up to the total row.");
  add_common_notes(t, run, approximate);
  return t;
}

// ---------------------------------------------------------------------------------------------- 附表5 规划指标

namespace {

std::string count_text(double v) { return format_fixed(v, 0); }
std::string share_text(double share) { return format_fixed(share * 100.0, kShareDecimals) + "%"; }

/// "三级及以上综合医院" / "每个区县至少 1 家…": what an indicator asks, in one language.
std::string indicator_ask(const RunTables& run, const IndicatorTables& ind, Lang lang) {
  const bool zh = lang == Lang::kZh;
  const ZoneLevel& zl = run.levels[ind.level];
  const std::string& sel = pick(lang, ind.select_zh, ind.select_en);
  if (ind.kind == IndicatorKind::kPresence) {
    const std::string near = ind.within_m ? (zh ? "（驻地 " + shortest(*ind.within_m / 1000.0) + " 千米内）"
                                                : " within " + shortest(*ind.within_m / 1000.0) + " km of its seat")
                                          : std::string();
    return zh ? "每个" + label_zh(zl) + "至少 " + count_text(ind.target) + " 家" + sel + near
              : "every " + lower_label(zl) + " has at least " + count_text(ind.target) + " " + sel + near;
  }
  const std::string& with = pick(lang, ind.with_zh, ind.with_en);
  return zh ? sel + "设有" + with + "的比例 ≥ " + share_text(ind.target)
            : "share of " + sel + " with " + with + " at least " + share_text(ind.target);
}

/// The facility names an indicator's row shows at most (report.html prints each row on one page).
constexpr std::size_t kIndicatorNamesShown = 20;

Cell met_cell(std::int8_t met) {
  if (met == 1) return Cell::text("是", "Yes");
  if (met == 0) return Cell::text("否", "No").marked(kBelowMarker);
  return Cell::text("未评估", "not assessed");
}

}  // namespace

Table indicator_table(const RunTables& run) {
  if (run.indicators.empty()) throw std::invalid_argument("report: no planning indicators");
  Table t;
  t.id = "indicators";
  t.sheet_zh = "规划指标";
  t.sheet_en = "Planning indicators";
  t.title_zh = region_prefix_zh(run) + "规划指标分区达标情况";
  t.title_en = "Planning indicators by zone" + region_suffix_en(run);
  t.columns = {text_col("indicator", "指标", "Indicator"),
               text_col("level", "区划层级", "Zone level"),
               text_col("code", "区划代码", "Code"),
               text_col("name", "名称", "Name"),
               int_col("count", "现有数", "Count", "个", "facilities"),
               int_col("of", "应有机构数", "Facilities assessed", "个", "facilities"),
               pct_col("share", "比例", "Share"),
               int_col("target_count", "目标数", "Target count", "个", "facilities"),
               pct_col("target_share", "目标比例", "Target share"),
               text_col("target_from", "目标来源", "Target from"),
               text_col("met", "是否达标", "Met"),
               int_col("missing", "尚缺", "Still missing", "个", "facilities"),
               text_col("facilities", "相关机构", "Facilities")};
  for (const IndicatorTables& ind : run.indicators) {
    check_level(run, ind.level);
    const ZoneLevel& zl = run.levels[ind.level];
    check_size(ind.result.zones.size(), zl.zones.size(), "indicator " + ind.id + " zones");
    const bool share = ind.kind == IndicatorKind::kShare;
    const Cell name = Cell::text(ind.name_zh.empty() ? ind.name_en : ind.name_zh, ind.name_en);
    const Cell level = Cell::text(label_zh(zl), label_en(zl));
    // The target that applied: a count (presence) or a share (share), each in its own column.
    auto target_cells = [&](Row& row, double v) {
      row.cells.push_back(share ? Cell::empty() : Cell::num(v));
      row.cells.push_back(share ? Cell::num(v) : Cell::empty());
    };
    // Total row: the zones met out of those assessed, the facilities summed, the share over the level.
    Row total{{name, level, Cell::empty(), total_label(),
               Cell::num(static_cast<double>(share ? ind.result.count : [&] {
                 std::uint32_t n = 0;
                 for (const auto& z : ind.result.zones) n += z.count;
                 return n;
               }())),
               share ? Cell::num(static_cast<double>(ind.result.of)) : Cell::empty(),
               share ? Cell::num(ind.result.share) : Cell::empty()},
              true};
    target_cells(total, ind.target);
    total.cells.insert(total.cells.end(), {Cell::text("全域目标", "scenario-wide"),
               Cell::text(std::to_string(ind.result.zones_met) + " / " +
                              std::to_string(ind.result.zones_met + ind.result.zones_not_met) + " 达标",
                          std::to_string(ind.result.zones_met) + " of " +
                              std::to_string(ind.result.zones_met + ind.result.zones_not_met) + " met"),
               Cell::num(static_cast<double>(ind.result.missing)), Cell::empty()});
    t.rows.push_back(std::move(total));
    for (std::size_t z = 0; z < zl.zones.size(); ++z) {
      const analysis::ZoneIndicator& r = ind.result.zones[z];
      // At most kIndicatorNamesShown names in the cell (a share indicator can list hundreds of village clinics);
      // the whole list is the indicator's column of facility_zones.csv.
      Cell facilities = Cell::empty();
      if (z < ind.facility_names.size()) {
        const std::vector<std::string>& all = ind.facility_names[z];
        if (all.size() <= kIndicatorNamesShown) {
          facilities = Cell::text(join(all, "、"));
        } else {
          const std::vector<std::string> head(all.begin(), all.begin() + kIndicatorNamesShown);
          const std::string n = format_fixed(static_cast<double>(all.size()), 0, true);
          const std::string column_zh = ind.name_zh.empty() ? ind.name_en : ind.name_zh;
          facilities = Cell::text(join(head, "、") + " 等 " + n + " 个（完整名单见 facility_zones.csv 的“" + column_zh + "”列）",
                                  join(head, ", ") + " and others, " + n + " in all (the whole list: the column \"" +
                                      pick(Lang::kEn, ind.name_zh, ind.name_en) + "\" of facility_zones.csv)");
        }
      }
      Row row{{name, level, Cell::text(zl.zones[z].code), zone_name(zl.zones[z]),
               Cell::num(static_cast<double>(r.count)), share ? Cell::num(static_cast<double>(r.of)) : Cell::empty(),
               share ? Cell::num(r.share) : Cell::empty()},
              false};
      target_cells(row, r.target);
      row.cells.insert(row.cells.end(), {r.zone_target ? Cell::text("本区划目标" + (ind.zone_targets_label.empty() ? "" : "（" + ind.zone_targets_label + "）"),
                                          "the zone's own" + (ind.zone_targets_label.empty() ? "" : " (" + ind.zone_targets_label + ")"))
                             : Cell::text("全域目标", "scenario-wide"),
               met_cell(r.met), r.met == -1 ? Cell::empty() : Cell::num(static_cast<double>(r.missing)),
               facilities});
      t.rows.push_back(std::move(row));
    }
  }
  t.notes_zh.push_back("注：存在类指标的“现有数”为区划内符合条件的机构数，“相关机构”列出这些机构；比例类指标的“现有数”为已具备所要求条件的机构数，"
                       "“应有机构数”为参与计算的机构数，“相关机构”列出尚不具备条件的机构，“尚缺”为达到目标还需新增（或改造）的机构数。"
                       "已关闭的机构不计。");
  t.notes_en.push_back("Note: for presence indicators, Count is the facilities of the zone that qualify, listed under "
                       "Facilities; for share indicators, Count is the facilities that already have what is asked, of "
                       "the Facilities assessed, Facilities lists those without it, and Still missing is the number to "
                       "build (or upgrade) to reach the target. Closed facilities are not counted.");
  for (const IndicatorTables& ind : run.indicators) {
    const std::string ask_zh = indicator_ask(run, ind, Lang::kZh);
    const std::string ask_en = indicator_ask(run, ind, Lang::kEn);
    t.notes_zh.push_back("注：" + (ind.name_zh.empty() ? ind.name_en : ind.name_zh) + "：" + ask_zh +
                         (ind.source(Lang::kZh).empty() ? "" : "（" + ind.source(Lang::kZh) + "）") + "。");
    t.notes_en.push_back("Note: " + pick(Lang::kEn, ind.name_zh, ind.name_en) + ": " + ask_en +
                         (ind.source(Lang::kEn).empty() ? "" : " (" + ind.source(Lang::kEn) + ")") + ".");
  }
  add_common_notes(t, run, false);
  return t;
}

// ---------------------------------------------------------------------------------------------- 附表6 机构数

Table facility_count_table(const RunTables& run, std::size_t level) {
  check_level(run, level);
  const FacilityCountTables& fc = run.facility_counts;
  if (level >= fc.by_level.size() || fc.by_level[level].empty())
    throw std::invalid_argument("report: no facility counts at level '" + run.levels[level].level + "'");
  const ZoneLevel& zl = run.levels[level];
  check_size(fc.by_level[level].size(), zl.zones.size(), "facility counts");
  const Parents parents(run, level);
  Table t;
  t.id = "facility_counts_" + zl.level;
  t.sheet_zh = "医疗卫生机构数（" + label_zh(zl) + "）";
  t.sheet_en = "Facilities (" + label_en(zl) + ")";
  t.title_zh = region_prefix_zh(run) + "各" + label_zh(zl) + "医疗卫生机构数";
  t.title_en = "Health facilities by " + lower_label(zl) + region_suffix_en(run);
  t.columns.push_back(text_col("code", "区划代码", "Code"));
  if (parents.has_parent_level())
    t.columns.push_back(text_col("parent", label_zh(run.levels[level - 1]), label_en(run.levels[level - 1])));
  t.columns.push_back(text_col("name", label_zh(zl), label_en(zl)));
  t.columns.push_back(int_col("all", "机构总数", "All facilities", "个", "facilities"));
  for (std::size_t c = 0; c < fc.keys.size(); ++c)
    t.columns.push_back(int_col(fc.keys[c], fc.groups_zh[c] + "：" + fc.headers_zh[c], fc.headers_en[c], "个", "facilities"));
  std::vector<double> sums(fc.keys.size() + 1, 0.0);
  std::vector<Row> zone_rows;
  for (std::size_t z = 0; z < zl.zones.size(); ++z) {
    Row row;
    row.cells.push_back(Cell::text(zl.zones[z].code));
    if (parents.has_parent_level()) row.cells.push_back(parents.of(zl.zones[z]));
    row.cells.push_back(zone_name(zl.zones[z]));
    const double all = fc.all[level][z];
    row.cells.push_back(Cell::num(all));
    sums[0] += all;
    check_size(fc.by_level[level][z].size(), fc.keys.size(), "facility count columns");
    for (std::size_t c = 0; c < fc.keys.size(); ++c) {
      row.cells.push_back(Cell::num(fc.by_level[level][z][c]));
      sums[c + 1] += fc.by_level[level][z][c];
    }
    zone_rows.push_back(std::move(row));
  }
  Row total;
  total.total = true;
  total.cells.push_back(Cell::empty());
  if (parents.has_parent_level()) total.cells.push_back(Cell::empty());
  total.cells.push_back(total_label());
  for (const double v : sums) total.cells.push_back(Cell::num(v));
  t.rows.push_back(std::move(total));
  for (auto& r : zone_rows) t.rows.push_back(std::move(r));
  t.notes_zh.push_back("注：已关闭的机构不计，规划中的机构计入；同一机构可有多个标签，各标签列之和可大于机构总数。");
  t.notes_en.push_back("Note: closed facilities are not counted, planned ones are; a facility may have several tags, so "
                       "the tag columns may add up to more than all facilities.");
  if (level < fc.outside.size() && fc.outside[level] > 0) {
    t.notes_zh.push_back("注：另有 " + std::to_string(fc.outside[level]) + " 个机构不在任何" + label_zh(zl) + "内，未计入。");
    t.notes_en.push_back("Note: " + std::to_string(fc.outside[level]) + " more facilities lie in no " + lower_label(zl) +
                         " and are not counted.");
  }
  add_common_notes(t, run, any_approximate(zl));
  return t;
}

// ---------------------------------------------------------------------------------------------- 附表7 敏感性分析

Table sensitivity_table(const RunTables& run, std::size_t base) {
  const std::vector<const StandardTables*> group = sensitivity_group(run, base);
  const StandardTables& b = *group.front();
  const std::size_t level = sensitivity_level(run, group);
  if (level >= run.levels.size())
    throw std::invalid_argument("report: no standard of the sensitivity group of '" + b.id + "' has coverage");
  const ZoneLevel& zl = run.levels[level];
  const Parents parents(run, level);

  Table t;
  t.id = "sensitivity_" + b.id;
  t.sheet_zh = "敏感性分析（" + b.name_zh + "）";
  t.sheet_en = "Sensitivity (" + pick(Lang::kEn, b.name_zh, b.name_en) + ")";
  t.title_zh = region_prefix_zh(run) + b.name_zh + "敏感性分析（各" + label_zh(zl) + "）";
  t.title_en = "Sensitivity of " + pick(Lang::kEn, b.name_zh, b.name_en) + " by " + lower_label(zl) +
               region_suffix_en(run);
  t.columns.push_back(text_col("code", "区划代码", "Code"));
  if (parents.has_parent_level())
    t.columns.push_back(text_col("parent", label_zh(run.levels[level - 1]), label_en(run.levels[level - 1])));
  t.columns.push_back(text_col("name", label_zh(zl), label_en(zl)));
  t.columns.push_back(int_col("pop_total", "常住人口", "Population", "人", "persons"));
  for (const StandardTables* s : group) {
    t.columns.push_back(int_col("pop_covered_" + s->id, "覆盖人口：" + method_zh(*s), "Covered: " + method_en(*s),
                                "人", "persons"));
    Column share = pct_col("share_" + s->id, "覆盖率：" + method_zh(*s), "Share covered: " + method_en(*s));
    t.columns.push_back(std::move(share));
  }

  // The published figures of each standard at this level (nullopt: not computed or not reported there).
  std::vector<std::optional<PublishedCoverage>> pub;
  for (const StandardTables* s : group) {
    if (coverage_at(run, *s, level) == nullptr) pub.emplace_back(std::nullopt);
    else pub.emplace_back(*published_coverage(run, *s)[level]);
  }
  auto add = [&](std::vector<Cell> head, bool total, std::size_t zone) {
    Row row{std::move(head), total};
    std::int64_t population = -1;
    for (const auto& p : pub)
      if (p) population = total ? p->total.total : p->zones[zone].total;
    row.cells.push_back(population >= 0 ? persons_cell(population) : Cell::empty());
    for (std::size_t m = 0; m < group.size(); ++m) {
      if (!pub[m]) {
        row.cells.push_back(Cell::empty());
        row.cells.push_back(Cell::empty());
        continue;
      }
      const PublishedCounts& c = total ? pub[m]->total : pub[m]->zones[zone];
      Cell share = c.total > 0 ? Cell::num(c.share()) : Cell::empty();
      if (c.total > 0 && !meets(c, group[m]->target_share)) share = share.marked(kBelowMarker);
      row.cells.push_back(persons_cell(c.covered));
      row.cells.push_back(std::move(share));
    }
    t.rows.push_back(std::move(row));
  };
  std::vector<Cell> head{Cell::empty()};
  if (parents.has_parent_level()) head.push_back(Cell::empty());
  head.push_back(total_label());
  add(head, true, 0);
  for (std::size_t i = 0; i < zl.zones.size(); ++i) {
    const Zone& z = zl.zones[i];
    head = {Cell::text(z.code)};
    if (parents.has_parent_level()) head.push_back(parents.of(z));
    head.push_back(zone_name(z));
    add(head, false, i);
  }

  t.notes_zh.push_back("注：同一服务在不同假设（出行方式、时间阈值或计算方法）下的覆盖情况并列，第一组为基准口径「" +
                       b.name_zh + "」，其余为其敏感性分析口径；结论随假设变化越大，越需要核实该假设。✗ 表示低于该口径的目标覆盖率。");
  t.notes_en.push_back("Note: the same service under different assumptions (mode, threshold or method) side by side: "
                       "the first pair is the base standard, \"" + pick(Lang::kEn, b.name_zh, b.name_en) +
                       "\", the others its variants; the more a result moves with an assumption, the more that "
                       "assumption needs checking. ✗ marks a share below that standard's target.");
  for (std::size_t m = 0; m < group.size(); ++m) {
    const StandardTables& s = *group[m];
    const std::string target_zh = "目标 " + format_fixed(s.target_share * 100.0, kShareDecimals) + "%";
    const std::string target_en = "target " + format_fixed(s.target_share * 100.0, kShareDecimals) + "%";
    if (!computed(s)) {
      t.notes_zh.push_back("注：" + s.name_zh + "（" + method_zh(s) + "）未计算：" + not_computed_reason(s, Lang::kZh) + "。");
      t.notes_en.push_back("Note: " + pick(Lang::kEn, s.name_zh, s.name_en) + " (" + method_en(s) +
                           ") was not computed: " + not_computed_reason(s, Lang::kEn) + ".");
    } else if (!pub[m]) {
      t.notes_zh.push_back("注：" + s.name_zh + "未按" + label_zh(zl) + "统计。");
      t.notes_en.push_back("Note: " + pick(Lang::kEn, s.name_zh, s.name_en) + " is not reported by " + lower_label(zl) + ".");
    } else {
      t.notes_zh.push_back("注：" + s.name_zh + "：" + method_zh(s) + "，" + target_zh +
                           (s.source(Lang::kZh).empty() ? "" : "，依据：" + s.source(Lang::kZh)) + "。");
      t.notes_en.push_back("Note: " + pick(Lang::kEn, s.name_zh, s.name_en) + ": " + method_en(s) + ", " + target_en +
                           (s.source(Lang::kEn).empty() ? "" : "; basis: " + s.source(Lang::kEn)) + ".");
    }
  }
  bool has_parent_level = false;
  bool adds_to_parent = true;
  for (const auto& p : pub)
    if (p) {
      has_parent_level = has_parent_level || p->has_parent_level;
      adds_to_parent = adds_to_parent && p->adds_to_parent;
    }
  add_rounding_notes(t, run, level, has_parent_level, adds_to_parent, true);
  add_common_notes(t, run, any_approximate(zl) || (level > 0 && any_approximate(run.levels[level - 1])));
  return t;
}

// ---------------------------------------------------------------------------------------------- the appendix

std::vector<Table> coverage_tables(const RunTables& run) {
  std::vector<std::size_t> coverage_levels;
  for (std::size_t k = 0; k < run.levels.size(); ++k)
    if (std::any_of(run.standards.begin(), run.standards.end(),
                    [&](const StandardTables& s) { return coverage_at(run, s, k) != nullptr; }))
      coverage_levels.push_back(k);
  std::vector<Table> out;
  for (std::size_t i = 0; i < coverage_levels.size(); ++i) {
    out.push_back(coverage_table(run, coverage_levels[i]));
    number_table(out.back(), number_label("3", i, coverage_levels.size()));
  }
  return out;
}

std::vector<Table> sensitivity_tables(const RunTables& run) {
  std::vector<Table> out;
  for (const std::size_t b : sensitivity_table_bases(run)) {
    out.push_back(sensitivity_table(run, b));
    number_table(out.back(), sensitivity_number(run, b));
  }
  return out;
}

std::vector<Table> appendix_tables(const RunTables& run, std::size_t max_gaps_per_standard) {
  std::vector<Table> out;
  out.push_back(summary_table(run));
  number_table(out.back(), "1");

  std::vector<std::size_t> density_levels;
  for (std::size_t k = 0; k < run.levels.size(); ++k)
    if (density_at(run, k) != nullptr) density_levels.push_back(k);
  for (std::size_t i = 0; i < density_levels.size(); ++i) {
    out.push_back(density_table(run, density_levels[i]));
    number_table(out.back(), number_label("2", i, density_levels.size()));
  }
  for (Table& t : coverage_tables(run)) out.push_back(std::move(t));
  out.push_back(gaps_table(run, max_gaps_per_standard));
  number_table(out.back(), "4");
  if (!run.indicators.empty()) {
    out.push_back(indicator_table(run));
    number_table(out.back(), "5");
  }
  std::vector<std::size_t> count_levels;
  for (std::size_t k = 0; k < run.levels.size(); ++k)
    if (k < run.facility_counts.by_level.size() && !run.facility_counts.by_level[k].empty()) count_levels.push_back(k);
  for (std::size_t i = 0; i < count_levels.size(); ++i) {
    out.push_back(facility_count_table(run, count_levels[i]));
    number_table(out.back(), number_label("6", i, count_levels.size()));
  }
  for (Table& t : sensitivity_tables(run)) out.push_back(std::move(t));
  for (Table& t : capacity_tables(run)) out.push_back(std::move(t));  // 附表8 (report/capacity_tables.hpp)
  append_access_model_tables(run, out);  // 附表9–11
  for (Table& t : siting_tables(run)) out.push_back(std::move(t));  // 附表12 (report/siting_tables.hpp)
  return out;
}

// ---------------------------------------------------------------------------------------------- report.md

namespace {

std::string persons(std::int64_t v) {
  return format_fixed(static_cast<double>(v), 0, true);
}
/// `v` as shown with `decimals` decimals (the same rounding as format_fixed).
double round_to_decimals(double v, int decimals) {
  const std::string text = format_fixed(v, decimals);
  double out = 0.0;
  std::from_chars(text.data(), text.data() + text.size(), out);  // locale-independent, like format_fixed
  return out;
}
std::string percent(double share) {
  return format_fixed(share * 100.0, kShareDecimals) + "%";
}

/// "B县A镇" (coarse to fine) / "A Town, B County" (fine to coarse) of a gap's main zones.
std::string gap_place(const RunTables& run, const analysis::GapArea& g, Lang lang) {
  std::vector<std::string> names;
  for (std::size_t k = 0; k < g.main_zone.size() && k < run.levels.size(); ++k)
    if (g.main_zone[k] != kNoZone && g.main_zone[k] < run.levels[k].zones.size())
      names.push_back(run.levels[k].zones[g.main_zone[k]].name);
  if (lang == Lang::kZh) return join(names, "");
  std::reverse(names.begin(), names.end());
  return join(names, ", ");
}

std::string measure_text(double v, CoverageUnit unit, Lang lang) {
  if (std::isnan(v)) return {};
  if (std::isinf(v)) return lang == Lang::kZh ? "超出计算范围" : "beyond the search limit";
  if (unit == CoverageUnit::kMetres)
    return format_fixed(v / units::kMetresPerKm, kDistanceDecimals) + (lang == Lang::kZh ? " 千米" : " km");
  return format_fixed(v, kTimeDecimals) + (lang == Lang::kZh ? " 分钟" : " min");
}

Findings standard_findings(const RunTables& run, const StandardTables& s, Lang lang) {
  const bool zh = lang == Lang::kZh;
  Findings f;
  f.title = pick(lang, s.name_zh, s.name_en);
  f.standard_id = s.id;
  std::string md;  // the current item
  auto item = [&] { f.items.push_back(std::move(md)); md.clear(); };
  md += zh ? "口径：" + method_zh(s) + "；目标：" + percent(s.target_share) + " 的常住人口在服务标准内" +
                 (s.source(lang).empty() ? "" : "（" + s.source(lang) + "）") + "。"
           : "Measure: " + method_en(s) + "; target: " + percent(s.target_share) +
                 " of the population within the standard" +
                 (s.source(lang).empty() ? "" : " (" + s.source(lang) + ")") + ".";
  item();
  if (!computed(s)) {
    md += zh ? "未计算：" + not_computed_reason(s, lang) + "。" : "Not computed: " + not_computed_reason(s, lang) + ".";
    item();
    return f;
  }
  if (s.engine == TravelEngine::kEstimate && s.unit == CoverageUnit::kMinutes) {
    md += zh ? "本项为直线距离估算，未使用道路网络：出行时间 = 直线距离 × 绕行系数 ÷ 速度，结果为近似值。"
             : "This is a straight-line estimate, not a route on a road network: time = straight-line distance × "
               "circuity ÷ speed; the figures are approximate.";
    item();
  }
  const std::size_t k0 = first_coverage_level(run, s);
  if (k0 == run.levels.size()) {
    md += zh ? "未计算覆盖情况。" : "Coverage was not computed.";
    item();
    return f;
  }
  const std::vector<std::optional<PublishedCoverage>> published = published_coverage(run, s);
  const PublishedCounts& total = published[k0]->total;
  const double share = total.share();
  const bool ok = meets(total, s.target_share);
  // Percentage points below the target, as the shares are shown (so that target − shown share = the points said).
  const double gap_pp = round_to_decimals(s.target_share * 100.0, kShareDecimals) -
                        round_to_decimals(share * 100.0, kShareDecimals);
  if (zh) {
    md += "覆盖率 " + percent(share) + "（" + persons(total.covered) + " / " + persons(total.total) +
          " 人），" + (ok ? "达到目标" : "低于目标 " + format_fixed(gap_pp, kShareDecimals) + " 个百分点") +
          "；服务标准以外 " + persons(total.uncovered()) + " 人。";
    item();
  } else {
    md += "Share covered " + percent(share) + " (" + persons(total.covered) + " of " + persons(total.total) +
          " people), " +
          (ok ? "meeting the target" : format_fixed(gap_pp, kShareDecimals) + " percentage points below the target") +
          "; " + persons(total.uncovered()) + " people outside the standard.";
    item();
  }

  // Zones failing at the finest level reported, the most people outside first.
  const std::size_t kf = finest_coverage_level(run, s);
  const ZoneLevel& zl = run.levels[kf];
  const PublishedCoverage& cov = *published[kf];
  std::vector<std::size_t> failing;
  for (std::size_t i = 0; i < cov.zones.size(); ++i)
    if (cov.zones[i].total > 0 && !meets(cov.zones[i], s.target_at(kf, i))) failing.push_back(i);
  std::stable_sort(failing.begin(), failing.end(), [&](std::size_t a, std::size_t b) {
    return cov.zones[a].uncovered() > cov.zones[b].uncovered();
  });
  if (failing.empty()) {
    md += zh ? "各" + label_zh(zl) + "均达到目标。" : "Every " + lower_label(zl) + " meets the target.";
    item();
  } else {
    std::vector<std::string> names;
    for (std::size_t j = 0; j < failing.size() && j < kNarrativeZones; ++j) {
      const Zone& z = zl.zones[failing[j]];
      const Cell zc = zone_name(z);
      const std::string& zn = pick(lang, zc.text_zh, zc.text_en);
      names.push_back(zn + (zh ? "（" + percent(cov.zones[failing[j]].share()) + "）"
                               : " (" + percent(cov.zones[failing[j]].share()) + ")"));
    }
    const bool more = failing.size() > kNarrativeZones;
    md += zh ? "未达标" + label_zh(zl) + " " + std::to_string(failing.size()) + " 个（共 " +
                   std::to_string(zl.zones.size()) + " 个）：" + join(names, "、") + (more ? "等" : "") + "。"
             : std::to_string(failing.size()) + " of " + std::to_string(zl.zones.size()) + " " +
                   lower_label(zl) + " zones below the target: " + join(names, ", ") + (more ? ", …" : "") + ".";
    item();
  }

  if (s.gaps.empty()) {
    md += zh ? "无服务缺口。" : "No service gaps.";
    item();
    return f;
  }
  std::vector<std::string> gaps;
  const std::vector<std::int64_t> gap_pop = published_gap_population(s);
  const std::vector<double> gap_area = published_gap_area(s, kAreaDecimals);
  for (std::size_t j = 0; j < s.gaps.size() && j < kNarrativeGaps; ++j) {
    const auto& g = s.gaps[j];
    const std::string place = gap_place(run, g, lang);
    const std::string m = measure_text(g.min_value, s.unit, lang);
    if (zh)
      gaps.push_back((place.empty() ? "" : place + " ") + persons(gap_pop[j]) + " 人，" +
                     format_fixed(gap_area[j], kAreaDecimals) + " 平方千米" + (m.empty() ? "" : "，最近处 " + m));
    else
      gaps.push_back((place.empty() ? "" : place + ": ") + persons(gap_pop[j]) + " people, " +
                     format_fixed(gap_area[j], kAreaDecimals) + " km²" + (m.empty() ? "" : ", nearest edge " + m));
  }
  md += zh ? "服务缺口 " + std::to_string(s.gaps.size()) + " 处，最大的：" + join(gaps, "；") + "。"
           : std::to_string(s.gaps.size()) + " service gaps; the largest: " + join(gaps, "; ") + ".";
  item();
  return f;
}

/// 规划指标: per indicator the zones met, the zones failing (with their count and what is missing) and the number
/// still to build.
/// A whole number with thousands grouped (1,344), as the findings write counts.
std::string grouped(std::uint64_t v) { return format_fixed(static_cast<double>(v), 0, true); }

std::optional<Findings> indicator_findings(const RunTables& run, Lang lang) {
  if (run.indicators.empty()) return std::nullopt;
  const bool zh = lang == Lang::kZh;
  Findings f;
  f.title = zh ? "规划指标" : "Planning indicators";
  for (const IndicatorTables& ind : run.indicators) {
    const ZoneLevel& zl = run.levels.at(ind.level);
    const bool share = ind.kind == IndicatorKind::kShare;
    const auto& r = ind.result;
    std::string line = pick(lang, ind.name_zh, ind.name_en) + (zh ? "（" : " (") + indicator_ask(run, ind, lang) +
                       (zh ? "）：" : "): ");
    const std::uint32_t assessed = r.zones_met + r.zones_not_met;
    if (share)
      line += zh ? "全域 " + grouped(r.count) + " / " + grouped(r.of) + " 个" +
                       (r.of > 0 ? "（" + percent(r.share) + "）" : std::string()) + "；"
                 : grouped(r.count) + " of " + grouped(r.of) +
                       (r.of > 0 ? " (" + percent(r.share) + ")" : std::string()) + " overall; ";
    std::vector<std::string> failing;
    for (std::size_t z = 0; z < r.zones.size(); ++z) {
      if (r.zones[z].met != 0) continue;
      const Cell zc = zone_name(zl.zones[z]);
      const std::string& zn = pick(lang, zc.text_zh, zc.text_en);
      const std::string have = share ? grouped(r.zones[z].count) + "/" + grouped(r.zones[z].of)
                                     : grouped(r.zones[z].count);
      failing.push_back(zn + (zh ? "（现有 " + have + "，尚缺 " + grouped(r.zones[z].missing) + "）"
                                 : " (" + have + ", " + grouped(r.zones[z].missing) + " missing)"));
    }
    if (failing.empty()) {
      line += zh ? "各" + label_zh(zl) + "均达标（" + grouped(r.zones_met) + " 个）"
                 : "met in every " + lower_label(zl) + " (" + grouped(r.zones_met) + ")";
    } else {
      line += zh ? "达标" + label_zh(zl) + " " + grouped(r.zones_met) + " / " + grouped(assessed) +
                       " 个；未达标 " + grouped(failing.size()) + " 个：" + join(failing, "、") + "；共尚缺 " +
                       grouped(r.missing) + " 个"
                 : grouped(r.zones_met) + " of " + grouped(assessed) + " " + lower_label(zl) +
                       " zones met; not met in " + grouped(failing.size()) + ": " + join(failing, ", ") + "; " +
                       grouped(r.missing) + " still missing in all";
    }
    if (r.zones_not_assessed > 0)
      line += zh ? "；" + grouped(r.zones_not_assessed) + " 个" + label_zh(zl) + "未评估（" +
                       (share ? std::string("无相应机构") : std::string("缺少驻地")) + "）"
                 : "; " + grouped(r.zones_not_assessed) + " not assessed (" +
                       (share ? std::string("no such facilities") : std::string("no seat")) + ")";
    f.items.push_back(line + (zh ? "。" : "."));
  }
  return f;
}

std::optional<Findings> density_findings(const RunTables& run, Lang lang) {
  std::size_t k0 = 0;
  while (k0 < run.levels.size() && density_at(run, k0) == nullptr) ++k0;
  if (k0 == run.levels.size() || run.density.indicators.empty()) return std::nullopt;
  std::size_t kf = k0;
  for (std::size_t k = k0; k < run.levels.size(); ++k)
    if (density_at(run, k) != nullptr) kf = k;
  const bool zh = lang == Lang::kZh;
  const std::vector<std::optional<PublishedDensity>> published = published_density(run);
  const PublishedZoneDensity& total = published[k0]->total;
  const PublishedDensity& fine = *published[kf];
  const ZoneLevel& zl = run.levels[kf];
  Findings f;
  f.title = zh ? "医疗资源配置" : "Health resources";
  const auto& inds = run.density.indicators;
  check_size(total.value.size(), inds.size(), "density indicator values");
  for (std::size_t i = 0; i < inds.size(); ++i) {
    const auto& ind = inds[i];
    const std::string& unit = pick(lang, ind.unit_zh, ind.unit_en);
    // No value: the facilities give none of the counts the indicator needs.
    const bool known = !std::isnan(total.value[i]);
    const std::string value = known ? format_fixed(total.value[i], kDensityDecimals) + (unit.empty() ? "" : " " + unit)
                                    : (zh ? "无数据（机构数据未提供相应数量）" : "no data (the facilities give no such counts)");
    std::string line = pick(lang, ind.name_zh, ind.name_en) + (zh ? "：" : ": ") + value;
    if (ind.target) {
      const std::string target = format_fixed(*ind.target, kDensityDecimals);
      const std::int8_t below = total.below_target[i];
      line += zh ? "，目标 ≥ " + target +
                       (below == 1   ? "，未达标"
                        : below == 0 ? "，达标"
                                     : "")
                 : ", target at least " + target +
                       (below == 1   ? ", below target"
                        : below == 0 ? ", met"
                                     : "");
      std::vector<std::string> names;
      for (std::size_t z = 0; z < fine.zones.size(); ++z)
        if (fine.zones[z].below_target.size() > i && fine.zones[z].below_target[i] == 1)
          names.push_back(format_cell(zone_name(zl.zones[z]), Column{}, lang));
      if (!names.empty()) {
        const std::size_t n = names.size();
        const bool more = n > kNarrativeZones;
        names.resize(std::min(n, kNarrativeZones));
        line += zh ? "；低于目标的" + label_zh(zl) + " " + std::to_string(n) + " 个：" + join(names, "、") +
                         (more ? "等" : "")
                   : "; " + std::to_string(n) + " " + lower_label(zl) + " zones below: " + join(names, ", ") +
                         (more ? ", …" : "");
      }
    }
    f.items.push_back(line + (zh ? "。" : "."));
  }
  return f;
}

}  // namespace

namespace {

/// The sentence of a base standard's block naming its variants' shares: "敏感性分析（附表7）：按电动自行车 15 分钟（路网法）计，
/// 覆盖率 98.7%（4,931,000 人），达到目标。"
std::string sensitivity_item(const RunTables& run, std::size_t base, Lang lang) {
  const bool zh = lang == Lang::kZh;
  const std::vector<const StandardTables*> group = sensitivity_group(run, base);
  std::vector<std::string> parts;
  for (std::size_t m = 1; m < group.size(); ++m) {
    const StandardTables& v = *group[m];
    const std::string by = zh ? "按" + method_zh(v) + "计，" : "by " + method_en(v) + ": ";
    const std::size_t k = first_coverage_level(run, v);
    if (!computed(v) || k >= run.levels.size()) {
      parts.push_back(by + (zh ? "未计算" : "not computed"));
      continue;
    }
    const PublishedCounts total = published_coverage(run, v)[k]->total;
    const double gap_pp = round_to_decimals(v.target_share * 100.0, kShareDecimals) -
                          round_to_decimals(total.share() * 100.0, kShareDecimals);
    const bool ok = meets(total, v.target_share);
    if (zh)
      parts.push_back(by + "覆盖率 " + percent(total.share()) + "（" + persons(total.covered) + " 人），" +
                      (ok ? "达到目标" : "低于目标 " + format_fixed(gap_pp, kShareDecimals) + " 个百分点"));
    else
      parts.push_back(by + percent(total.share()) + " covered (" + persons(total.covered) + " people), " +
                      (ok ? "meeting the target" : format_fixed(gap_pp, kShareDecimals) + " percentage points below the target"));
  }
  const std::string number = sensitivity_number(run, base);
  if (number.empty()) return zh ? "敏感性分析：" + join(parts, "；") + "。" : "Sensitivity: " + join(parts, "; ") + ".";
  return zh ? "敏感性分析（附表" + number + "）：" + join(parts, "；") + "。"
            : "Sensitivity (Table " + number + "): " + join(parts, "; ") + ".";
}

}  // namespace

std::vector<Findings> key_findings(const RunTables& run, Lang lang) {
  std::vector<Findings> out;
  const std::string& note = lang == Lang::kEn && !run.data_note_en.empty() ? run.data_note_en : run.data_note_zh;
  if (!note.empty()) {
    Findings f;
    f.title = lang == Lang::kZh ? "数据说明" : "About the data";
    f.items.push_back(note);
    out.push_back(std::move(f));
  }
  if (auto p = indicator_findings(run, lang)) out.push_back(std::move(*p));
  const std::vector<std::size_t> bases = sensitivity_bases(run);
  for (std::size_t i = 0; i < run.standards.size(); ++i) {
    const StandardTables& s = run.standards[i];
    if (!s.variant_of.empty()) continue;  // said in its base's block (and shown in 附表7)
    out.push_back(standard_findings(run, s, lang));
    if (std::find(bases.begin(), bases.end(), i) != bases.end())
      out.back().items.push_back(sensitivity_item(run, i, lang));
  }
  if (auto d = density_findings(run, lang)) out.push_back(std::move(*d));
  for (Findings& f : access_model_findings(run, lang)) out.push_back(std::move(f));
  for (Findings& f : siting_findings(run, lang)) out.push_back(std::move(f));
  return out;
}

std::vector<std::string> headline_sentences(const RunTables& run, Lang lang) {
  const bool zh = lang == Lang::kZh;
  std::vector<std::string> out;
  for (const StandardTables& s : run.standards) {
    if (!s.variant_of.empty()) continue;
    const std::string name = pick(lang, s.name_zh, s.name_en);
    if (!computed(s)) {
      out.push_back(zh ? name + "：未计算（" + not_computed_reason(s, lang) + "）。"
                       : name + ": not computed (" + not_computed_reason(s, lang) + ").");
      continue;
    }
    const std::size_t k0 = first_coverage_level(run, s);
    if (k0 == run.levels.size()) {
      out.push_back(zh ? name + "：未计算覆盖情况。" : name + ": coverage was not computed.");
      continue;
    }
    const std::vector<std::optional<PublishedCoverage>> published = published_coverage(run, s);
    const PublishedCounts& total = published[k0]->total;
    const bool ok = meets(total, s.target_share);
    std::string t = zh ? name + "：覆盖 " + percent(total.share()) + " 的常住人口（" + persons(total.covered) + " 人），" +
                             (ok ? "达到目标 " : "低于目标 ") + percent(s.target_share)
                       : name + ": " + percent(total.share()) + " of residents covered (" + persons(total.covered) +
                             " people), " + (ok ? "meeting the target of " : "below the target of ") +
                             percent(s.target_share);
    // Where the people outside are: the coarsest level with more than one zone.
    std::size_t kz = run.levels.size();
    for (std::size_t k = k0; k < run.levels.size() && kz == run.levels.size(); ++k)
      if (published[k] && published[k]->zones.size() > 1) kz = k;
    if (total.uncovered() > 0 && kz < run.levels.size()) {
      const std::vector<PublishedCounts>& zones = published[kz]->zones;
      std::size_t most = 0;
      for (std::size_t z = 1; z < zones.size(); ++z)
        if (zones[z].uncovered() > zones[most].uncovered()) most = z;
      const std::int64_t outside = published[kz]->total.uncovered();
      if (zones[most].uncovered() > 0 && outside > 0) {
        const double part = static_cast<double>(zones[most].uncovered()) / static_cast<double>(outside);
        const ZoneLevel& level = run.levels[kz];
        t += zh ? "；未覆盖人口最多的" + level.label_zh + "是" + level.zones[most].name + "（" +
                      persons(zones[most].uncovered()) + " 人，占未覆盖人口的 " + percent(part) + "）"
                : "; most people outside live in " + level.zones[most].name + " (" +
                      persons(zones[most].uncovered()) + ", " + percent(part) + " of those outside)";
      }
    }
    out.push_back(t + (zh ? "。" : "."));
  }
  return out;
}

std::string report_markdown(const RunTables& run, Lang lang) {
  const bool zh = lang == Lang::kZh;
  std::string md;
  // Every text from the inputs or the scenario (region, scenario and zone names) goes through markdown_text, as
  // report.html escapes it: a name holding `<script>`, `|` or `*` shows as written.
  if (zh) {
    md += "# " + markdown_text(run.region_zh + "医疗卫生服务可及性分析报告") + "\n\n";
    md += "情景：" + markdown_text(run.scenario_zh) + "\n\n";
    md += "## 主要发现\n\n";
  } else {
    md += "# " + markdown_text("Access to health services" + region_suffix_en(run)) + "\n\n";
    md += "Scenario: " + markdown_text(pick(lang, run.scenario_zh, run.scenario_en)) + "\n\n";
    md += "## Main findings\n\n";
  }
  for (const Findings& f : key_findings(run, lang)) {
    md += "### " + markdown_text(f.title) + "\n\n";
    for (const std::string& item : f.items) md += "- " + markdown_text(item) + "\n";
    md += "\n";
  }
  md += zh ? "## 附表\n" : "## Appendix tables\n";
  for (const Table& t : appendix_tables(run)) md += "\n" + to_markdown(t, lang);
  return md;
}

}  // namespace carereach::report
