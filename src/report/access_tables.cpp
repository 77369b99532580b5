#include "report/access_tables.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "report/appendix.hpp"
#include "report/rounding.hpp"

namespace carereach::report {

namespace {

Cell total_label() { return Cell::text("合计", "Total"); }
Cell zone_name(const Zone& z) {
  if (!z.approximate) return Cell::text(z.name);
  return Cell::text(z.name + "〔近似〕", z.name + " (approx.)");
}
const std::string& level_zh(const ZoneLevel& l) { return l.label_zh.empty() ? l.level : l.label_zh; }
std::string level_en(const ZoneLevel& l) { return l.label_en.empty() ? l.level : l.label_en; }
void number(Table& t, const std::string& n) {
  t.sheet_zh = "附表" + n + " " + t.sheet_zh;
  t.title_zh = "附表" + n + " " + t.title_zh;
  t.sheet_en = "Table " + n + " " + t.sheet_en;
  t.title_en = "Table " + n + " " + t.title_en;
}
std::string minutes_text(double m) { return format_fixed(m, 0); }
void add_sources(Table& t, const RunTables& run) {
  std::string zh;
  for (const auto& s : run.sources_zh) zh += (zh.empty() ? "" : "；") + s;
  if (!zh.empty()) t.notes_zh.push_back("资料来源：" + zh + "。");
  const auto& en_list = run.sources_en.empty() ? run.sources_zh : run.sources_en;
  std::string en;
  for (const auto& s : en_list) en += (en.empty() ? "" : "; ") + s;
  if (!en.empty()) t.notes_en.push_back("Source: " + en + ".");
}
void not_computed(Table& t, const std::string& zh, const std::string& en) {
  t.notes_zh.push_back("注：未计算：" + zh + "。");
  t.notes_en.push_back("Note: not computed: " + en + ".");
}
/// Rounds a share from published whole numbers.
std::optional<double> share_of(std::int64_t part, std::int64_t whole) {
  if (whole <= 0) return std::nullopt;
  return static_cast<double>(part) / static_cast<double>(whole);
}

}  // namespace

// ---------------------------------------------------------------------------------------------- 附表9 可及性指数

Table accessibility_zone_table(const RunTables& run, std::size_t index) {
  const AccessibilityTables& a = run.access_models.accessibility.at(index);
  Table t;
  t.id = "accessibility_" + a.id;
  t.sheet_zh = "可及性指数（" + a.name_zh + "）";
  t.sheet_en = "Accessibility (" + (a.name_en.empty() ? a.name_zh : a.name_en) + ")";
  t.title_zh = run.region_zh + a.name_zh + "（两步移动搜寻法E2SFCA，每千人" + a.supply_zh + "）";
  t.title_en = (a.name_en.empty() ? a.name_zh : a.name_en) + " (E2SFCA, " + a.supply_en + " per 1,000 persons)";
  t.columns.push_back(text_col("level", "区划级别", "Level"));
  t.columns.push_back(text_col("code", "区划代码", "Code"));
  t.columns.push_back(text_col("name", "名称", "Name"));
  t.columns.push_back(int_col("population", "常住人口", "Population", "人", "persons"));
  t.columns.push_back(num_col("accessibility", "可及性指数（模型估计，每千人" + a.supply_zh + "）",
                              "Accessibility (modelled, " + a.supply_en + " per 1,000 persons)", "", "", 3));
  Row total;
  total.total = true;
  total.cells = {Cell::empty(), Cell::empty(), total_label(), Cell::num(std::round(a.population)),
                 Cell::num(a.population > 0 ? 1000.0 * a.weighted_total / a.population : std::nan(""))};
  t.rows.push_back(std::move(total));
  for (std::size_t l = 0; l < run.levels.size() && l < a.zone_value.size(); ++l) {
    const ZoneLevel& zl = run.levels[l];
    const std::vector<double> pop_exact = a.zone_population[l];
    const std::vector<std::int64_t> pop = round_to_total(pop_exact);
    for (std::size_t z = 0; z < zl.zones.size(); ++z) {
      Row r;
      r.cells = {Cell::text(level_zh(zl), level_en(zl)), Cell::text(zl.zones[z].code), zone_name(zl.zones[z]),
                 Cell::num(static_cast<double>(pop[z])),
                 pop_exact[z] > 0 ? Cell::num(1000.0 * a.zone_value[l][z]) : Cell::empty()};
      t.rows.push_back(std::move(r));
    }
  }
  t.notes_zh.push_back("注：模型估计。" + a.measure_zh + "；" + a.decay_zh + "。每个机构的供给（" + a.supply_zh +
                       "）按距离衰减权重分给其服务范围内的人口，区划值为人口加权平均（增强型两步移动搜寻法，2009年）。");
  t.notes_en.push_back("Note: modelled. " + a.measure_en + "; " + a.decay_en + ". Each facility's supply (" +
                       a.supply_en + ") is shared among the population within its reach, weighted by the decay; zone "
                       "values are population-weighted means (Luo & Qi 2009).");
  t.notes_zh.push_back("注：守恒检验：Σ人口×指数 = " + format_fixed(a.weighted_total, 1) + "，能服务到人口的机构供给合计 = " +
                       format_fixed(a.supply_reaching, 1) + "（全部机构 " + format_fixed(a.supply_total, 1) + "）。");
  t.notes_en.push_back("Note: conservation: Σ population × index = " + format_fixed(a.weighted_total, 1) +
                       "; supply of the facilities that reach anyone = " + format_fixed(a.supply_reaching, 1) +
                       " (all facilities " + format_fixed(a.supply_total, 1) + ").");
  if (a.supply_missing > 0) {
    t.notes_zh.push_back("注：" + std::to_string(a.supply_missing) + " 个机构缺少" + a.supply_zh + "，按 0 计。");
    t.notes_en.push_back("Note: " + std::to_string(a.supply_missing) + " facilities have no " + a.supply_en +
                         " and count as 0.");
  }
  if (!a.not_computed_zh.empty()) not_computed(t, a.not_computed_zh, a.not_computed_en);
  add_sources(t, run);
  return t;
}

Table accessibility_facility_table(const RunTables& run, std::size_t index) {
  const AccessibilityTables& a = run.access_models.accessibility.at(index);
  Table t;
  t.id = "accessibility_" + a.id + "_facilities";
  t.sheet_zh = "供需比（" + a.name_zh + "）";
  t.sheet_en = "Supply ratio (" + (a.name_en.empty() ? a.name_zh : a.name_en) + ")";
  t.title_zh = run.region_zh + a.name_zh + "：各机构供需比";
  t.title_en = (a.name_en.empty() ? a.name_zh : a.name_en) + ": supply-to-demand ratio per facility";
  t.columns.push_back(text_col("facility_id", "机构代码", "Facility ID"));
  t.columns.push_back(text_col("name", "机构名称", "Facility"));
  t.columns.push_back(text_col("zone", run.levels.empty() ? "区划" : level_zh(run.levels.front()),
                               run.levels.empty() ? "Zone" : level_en(run.levels.front())));
  t.columns.push_back(num_col("supply", a.supply_zh, a.supply_en, "", "", 0));
  t.columns.push_back(int_col("demand", "服务范围加权人口", "Weighted population in reach", "人", "persons"));
  t.columns.push_back(num_col("ratio", "供需比（每千人）", "Ratio (per 1,000 persons)", "", "", 3));
  for (const auto& f : a.facilities) {
    Row r;
    std::string zone;
    if (!run.levels.empty() && f.zone != kNoZoneIndex && f.zone < run.levels.front().zones.size())
      zone = run.levels.front().zones[f.zone].name;
    r.cells = {Cell::text(f.id), Cell::text(f.name), Cell::text(zone), Cell::num(f.supply), Cell::num(std::round(f.demand)),
               f.reaches_nobody ? Cell::text("服务范围内无人口", "nobody within reach")
                                : Cell::num(1000.0 * f.supply / f.demand)};
    t.rows.push_back(std::move(r));
  }
  t.notes_zh.push_back("注：模型估计。" + a.measure_zh + "；" + a.decay_zh + "。");
  t.notes_en.push_back("Note: modelled. " + a.measure_en + "; " + a.decay_en + ".");
  if (!a.not_computed_zh.empty()) not_computed(t, a.not_computed_zh, a.not_computed_en);
  add_sources(t, run);
  return t;
}

// ---------------------------------------------------------------------------------------------- 附表10 Huff

Table huff_table(const RunTables& run, std::size_t index) {
  const HuffTables& h = run.access_models.huff.at(index);
  const ZoneLevel& zl = run.levels.at(h.level);
  const std::size_t zones = zl.zones.size();
  Table t;
  t.id = "huff_" + h.id;
  t.sheet_zh = "县域就诊流向（模型估计）";
  t.sheet_en = "Visits by county (modelled)";
  t.title_zh = run.region_zh + "县域就诊流向（模型估计）：" + h.name_zh + "（按" + level_zh(zl) + "）";
  t.title_en = "Visits by county (modelled from geography): " + (h.name_en.empty() ? h.name_zh : h.name_en) + " (by " +
               level_en(zl) + ")";
  t.columns.push_back(text_col("code", "区划代码", "Code"));
  t.columns.push_back(text_col("name", level_zh(zl), level_en(zl)));
  t.columns.push_back(int_col("population", "常住人口", "Population", "人", "persons"));
  t.columns.push_back(int_col("in_reach", "可达机构的人口", "Population with a facility in reach", "人", "persons"));
  t.columns.push_back(int_col("stay", "本" + level_zh(zl) + "内就诊", "Visits within the zone", "人", "persons"));
  for (std::size_t d = 0; d < zones; ++d)
    t.columns.push_back(int_col("to_" + zl.zones[d].code, "流向" + zl.zones[d].name, "To " + zl.zones[d].name, "人", "persons"));
  t.columns.push_back(int_col("to_outside", "流向研究区外", "To outside the study area", "人", "persons"));
  t.columns.push_back(pct_col("stay_share", "县域就诊率（模型估计）", "Share staying in the zone (modelled)"));
  t.columns.push_back(pct_col("target", "目标", "Target"));
  t.columns.push_back(text_col("meets", "达标", "Meets target"));
  const bool observed = std::any_of(h.observed.begin(), h.observed.end(), [](const auto& o) { return o.has_value(); });
  if (observed) {
    t.columns.push_back(pct_col("observed", "实际县域就诊率", "Observed share"));
    t.columns.push_back(num_col("residual", "残差（模型−实际）", "Residual (modelled − observed)", "百分点", "points", 1));
  }
  t.columns.push_back(text_col("model", "模型参数（模型估计）", "Model (modelled from geography)"));
  // Whole persons: each row's flows apportioned to its residents in reach; the total row sums the rows.
  std::vector<std::vector<std::int64_t>> flows(zones);
  std::vector<std::int64_t> pop = round_to_total(h.population);
  std::vector<std::int64_t> sum(zones + 1, 0);
  std::int64_t reached_total = 0;
  std::int64_t stay_total = 0;
  std::int64_t pop_total = 0;
  std::vector<Row> rows;
  for (std::size_t z = 0; z < zones; ++z) {
    flows[z] = z < h.flows.size() ? round_to_total(h.flows[z]) : std::vector<std::int64_t>(zones + 1, 0);
    const std::int64_t reached = std::accumulate(flows[z].begin(), flows[z].end(), std::int64_t{0});
    Row r;
    r.cells.push_back(Cell::text(zl.zones[z].code));
    r.cells.push_back(zone_name(zl.zones[z]));
    r.cells.push_back(Cell::num(static_cast<double>(pop[z])));
    r.cells.push_back(Cell::num(static_cast<double>(reached)));
    r.cells.push_back(Cell::num(static_cast<double>(flows[z][z])));
    for (std::size_t d = 0; d <= zones; ++d) {
      r.cells.push_back(Cell::num(static_cast<double>(flows[z][d])));
      sum[d] += flows[z][d];
    }
    const auto share = share_of(flows[z][z], reached);
    r.cells.push_back(share ? Cell::num(*share) : Cell::empty());
    r.cells.push_back(Cell::num(h.target_share));
    const bool meets = share && *share + 1e-12 >= h.target_share;
    r.cells.push_back(!share ? Cell::empty() : meets ? Cell::text("是", "Yes") : Cell::text("否", "No").marked("✗"));
    if (observed) {
      r.cells.push_back(h.observed[z] ? Cell::num(*h.observed[z]) : Cell::empty());
      r.cells.push_back(h.observed[z] && share ? Cell::num(100.0 * (*share - *h.observed[z])) : Cell::empty());
    }
    r.cells.push_back(Cell::empty());
    reached_total += reached;
    stay_total += flows[z][z];
    pop_total += pop[z];
    rows.push_back(std::move(r));
  }
  Row total;
  total.total = true;
  total.cells = {Cell::empty(), total_label(), Cell::num(static_cast<double>(pop_total)),
                 Cell::num(static_cast<double>(reached_total)), Cell::num(static_cast<double>(stay_total))};
  for (std::size_t d = 0; d <= zones; ++d) total.cells.push_back(Cell::num(static_cast<double>(sum[d])));
  const auto share = share_of(stay_total, reached_total);
  total.cells.push_back(share ? Cell::num(*share) : Cell::empty());
  total.cells.push_back(Cell::num(h.target_share));
  total.cells.push_back(Cell::empty());
  if (observed) {
    total.cells.push_back(Cell::empty());
    total.cells.push_back(Cell::empty());
  }
  total.cells.push_back(Cell::text(h.params_zh, h.params_en));
  t.rows.push_back(std::move(total));
  for (auto& r : rows) t.rows.push_back(std::move(r));
  t.notes_zh.push_back("注：模型估计（按地理位置推算，非实际就诊统计）：" + h.params_zh +
                       "。每位居民的就诊按概率分配到可达机构，概率与机构吸引力×距离衰减成正比（哈夫概率模型）。");
  t.notes_en.push_back("Note: modelled from geography, not observed visits: " + h.params_en +
                       ". Each resident's visits are shared among the facilities in reach in proportion to "
                       "attractiveness × distance decay (Huff model).");
  if (!h.source_zh.empty() || !h.source_en.empty()) {
    t.notes_zh.push_back("注：目标来源：" + (h.source_zh.empty() ? h.source_en : h.source_zh) + "。");
    t.notes_en.push_back("Note: target from " + (h.source_en.empty() ? h.source_zh : h.source_en) + ".");
  }
  if (h.calibrated) {
    t.notes_zh.push_back("注：衰减参数按实际县域就诊率校准（最小二乘），β = " + format_fixed(h.beta, 4) +
                         "，残差平方和 " + format_fixed(h.sse, 6) +
                         (h.observed_label.empty() ? std::string() : "；实际就诊率来源：" + h.observed_label) + "。");
    t.notes_en.push_back("Note: the decay parameter is calibrated to the observed shares (least squares): β = " +
                         format_fixed(h.beta, 4) + ", sum of squared residuals " + format_fixed(h.sse, 6) +
                         (h.observed_label.empty() ? std::string() : "; observed shares from " + h.observed_label) + ".");
  }
  if (!h.not_computed_zh.empty()) not_computed(t, h.not_computed_zh, h.not_computed_en);
  add_sources(t, run);
  return t;
}

// ---------------------------------------------------------------------------------------------- 附表11 转诊时间

Table referral_table(const RunTables& run, std::size_t index) {
  const ReferralTables& r = run.access_models.referrals.at(index);
  const ZoneLevel* zl = r.level < run.levels.size() ? &run.levels[r.level] : nullptr;
  Table t;
  t.id = "referral_" + r.id;
  t.sheet_zh = "转诊时间（" + r.name_zh + "）";
  t.sheet_en = "Referral (" + (r.name_en.empty() ? r.name_zh : r.name_en) + ")";
  t.title_zh = run.region_zh + "转诊时间：" + r.name_zh;
  t.title_en = "Referral times: " + (r.name_en.empty() ? r.name_zh : r.name_en);
  t.columns.push_back(text_col("from_id", "机构代码", "Facility ID"));
  t.columns.push_back(text_col("from", "机构名称", "Facility"));
  t.columns.push_back(text_col("type", "机构类别", "Type"));
  t.columns.push_back(text_col("zone", zl ? level_zh(*zl) : "区划", zl ? level_en(*zl) : "Zone"));
  t.columns.push_back(text_col("to_id", "转诊机构代码", "Referral facility ID"));
  t.columns.push_back(text_col("to", "最近的转诊机构", "Nearest referral facility"));
  t.columns.push_back(num_col("minutes", "转诊时间", "Referral time", "分钟", "min", 1));
  t.columns.push_back(text_col("beyond", "超过" + minutes_text(r.threshold_min) + "分钟",
                               "Beyond " + minutes_text(r.threshold_min) + " min"));
  std::vector<std::size_t> order(r.rows.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  const auto key = [&](std::size_t i) {
    const double m = r.rows[i].minutes;
    return std::isnan(m) ? -1.0 : m;  // outside the grid last
  };
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return key(a) > key(b); });
  std::size_t beyond = 0;
  for (const std::size_t i : order) {
    const auto& row = r.rows[i];
    Row out;
    std::string zone;
    if (zl && row.zone != kNoZoneIndex && row.zone < zl->zones.size()) zone = zl->zones[row.zone].name;
    const bool over = !std::isnan(row.minutes) && row.minutes > r.threshold_min;
    beyond += over ? 1 : 0;
    out.cells = {Cell::text(row.from_id), Cell::text(row.from_name), Cell::text(row.from_type_zh, row.from_type_en),
                 Cell::text(zone), Cell::text(row.to_id), Cell::text(row.to_name),
                 std::isnan(row.minutes) ? Cell::text("不在分析范围内", "outside the grid") : Cell::num(row.minutes),
                 std::isnan(row.minutes) ? Cell::empty() : over ? Cell::text("是", "Yes").marked("✗") : Cell::text("否", "No")};
    t.rows.push_back(std::move(out));
  }
  t.notes_zh.push_back("注：" + r.measure_zh + "；机构按其所在网格单元接入路网（与有人口的网格相同）。超过" +
                       minutes_text(r.threshold_min) + "分钟的机构 " + std::to_string(beyond) + " 个，列于表首；" +
                       "“＞上限”为 " + minutes_text(r.limit_min) + " 分钟内无可达转诊机构。");
  t.notes_en.push_back("Note: " + r.measure_en + "; a facility joins the roads from its grid cell, as a populated cell "
                       "does. " + std::to_string(beyond) + " facilities are more than " + minutes_text(r.threshold_min) +
                       " minutes away, listed first; \"> limit\": no referral facility within " +
                       minutes_text(r.limit_min) + " minutes.");
  if (!r.not_computed_zh.empty()) not_computed(t, r.not_computed_zh, r.not_computed_en);
  add_sources(t, run);
  return t;
}

Table referral_summary_table(const RunTables& run, std::size_t index) {
  const ReferralTables& r = run.access_models.referrals.at(index);
  const ZoneLevel& zl = run.levels.at(r.level);
  Table t;
  t.id = "referral_" + r.id + "_summary";
  t.sheet_zh = "转诊时间汇总（" + r.name_zh + "）";
  t.sheet_en = "Referral summary (" + (r.name_en.empty() ? r.name_zh : r.name_en) + ")";
  t.title_zh = run.region_zh + r.name_zh + "：各" + level_zh(zl) + "汇总";
  t.title_en = (r.name_en.empty() ? r.name_zh : r.name_en) + ": by " + level_en(zl);
  t.columns.push_back(text_col("code", "区划代码", "Code"));
  t.columns.push_back(text_col("name", level_zh(zl), level_en(zl)));
  t.columns.push_back(int_col("facilities", "机构数", "Facilities", "个", "facilities"));
  t.columns.push_back(int_col("within", minutes_text(r.threshold_min) + "分钟内", "Within " + minutes_text(r.threshold_min) + " min", "个", "facilities"));
  t.columns.push_back(int_col("beyond", "超过" + minutes_text(r.threshold_min) + "分钟", "Beyond " + minutes_text(r.threshold_min) + " min", "个", "facilities"));
  t.columns.push_back(int_col("not_reached", "搜索上限内无转诊机构", "None within the search limit", "个", "facilities"));
  t.columns.push_back(num_col("mean_min", "平均转诊时间", "Mean time", "分钟", "min", 1));
  t.columns.push_back(num_col("max_min", "最长转诊时间", "Longest time", "分钟", "min", 1));
  const std::size_t zones = zl.zones.size();
  struct Acc {
    std::int64_t n = 0, within = 0, beyond = 0, none = 0;
    double sum = 0.0, max = -1.0;
    std::int64_t timed = 0;
  };
  std::vector<Acc> acc(zones + 1);  // zones, then the total
  for (const auto& row : r.rows) {
    if (std::isnan(row.minutes)) continue;  // outside the grid: in no zone
    for (const std::size_t k : {static_cast<std::size_t>(row.zone < zones ? row.zone : zones + 1), zones}) {
      if (k > zones) continue;
      Acc& a = acc[k];
      ++a.n;
      if (std::isinf(row.minutes)) {
        ++a.none;
        ++a.beyond;
      } else {
        ++(row.minutes > r.threshold_min ? a.beyond : a.within);
        a.sum += row.minutes;
        ++a.timed;
        a.max = std::max(a.max, row.minutes);
      }
    }
  }
  const auto make = [&](const Acc& a, Cell code, Cell name, bool total) {
    Row out;
    out.total = total;
    out.cells = {std::move(code), std::move(name), Cell::num(static_cast<double>(a.n)),
                 Cell::num(static_cast<double>(a.within)), Cell::num(static_cast<double>(a.beyond)),
                 Cell::num(static_cast<double>(a.none)),
                 a.timed > 0 ? Cell::num(a.sum / static_cast<double>(a.timed)) : Cell::empty(),
                 a.none > 0 ? Cell::num(std::numeric_limits<double>::infinity())
                            : a.timed > 0 ? Cell::num(a.max) : Cell::empty()};
    return out;
  };
  t.rows.push_back(make(acc[zones], Cell::empty(), total_label(), true));
  for (std::size_t z = 0; z < zones; ++z) t.rows.push_back(make(acc[z], Cell::text(zl.zones[z].code), zone_name(zl.zones[z]), false));
  t.notes_zh.push_back("注：" + r.measure_zh + "；“超过”含搜索上限（" + minutes_text(r.limit_min) +
                       "分钟）内无转诊机构者；平均时间只计到达者。合计含不在任何" + level_zh(zl) + "内的机构。");
  t.notes_en.push_back("Note: " + r.measure_en + "; \"beyond\" includes facilities with no referral facility within the "
                       "search limit (" + minutes_text(r.limit_min) + " min); the mean counts the reached ones only. "
                       "The total includes facilities in no " + level_en(zl) + ".");
  if (!r.not_computed_zh.empty()) not_computed(t, r.not_computed_zh, r.not_computed_en);
  add_sources(t, run);
  return t;
}

void append_access_model_tables(const RunTables& run, std::vector<Table>& out) {
  const AccessModelTables& m = run.access_models;
  const auto label = [](const char* base, std::size_t i, std::size_t n) {
    return n > 1 ? std::string(base) + "-" + std::to_string(i + 1) : std::string(base);
  };
  std::size_t n = m.accessibility.size() * 2;
  for (std::size_t i = 0; i < m.accessibility.size(); ++i) {
    out.push_back(accessibility_zone_table(run, i));
    number(out.back(), label("9", 2 * i, n));
    out.push_back(accessibility_facility_table(run, i));
    number(out.back(), label("9", 2 * i + 1, n));
  }
  for (std::size_t i = 0; i < m.huff.size(); ++i) {
    out.push_back(huff_table(run, i));
    number(out.back(), label("10", i, m.huff.size()));
  }
  n = m.referrals.size() * 2;
  for (std::size_t i = 0; i < m.referrals.size(); ++i) {
    out.push_back(referral_table(run, i));
    number(out.back(), label("11", 2 * i, n));
    out.push_back(referral_summary_table(run, i));
    number(out.back(), label("11", 2 * i + 1, n));
  }
}

}  // namespace carereach::report
