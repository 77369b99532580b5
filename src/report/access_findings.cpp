// Key findings of the accessibility models (附表9–11): the same figures as their tables, one block per analysis.

#include <algorithm>
#include <cmath>
#include <numeric>

#include "report/access_tables.hpp"
#include "report/appendix.hpp"
#include "report/rounding.hpp"

namespace carereach::report {

namespace {

std::string join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i > 0 ? sep : "") + parts[i];
  return out;
}
const std::string& or_zh(const std::string& en, const std::string& zh) { return en.empty() ? zh : en; }
const std::string& level_zh(const ZoneLevel& l) { return l.label_zh.empty() ? l.level : l.label_zh; }
const std::string& level_en(const ZoneLevel& l) { return l.label_en.empty() ? l.level : l.label_en; }
std::string minutes(double m) { return format_fixed(m, 0); }
std::string pct(double share) { return format_fixed(100.0 * share, 1); }

Findings accessibility_block(const RunTables& run, const AccessibilityTables& a, bool zh) {
  Findings f;
  f.title = zh ? "可及性指数：" + a.name_zh : "Accessibility index: " + or_zh(a.name_en, a.name_zh);
  if (!a.not_computed_zh.empty() || !a.not_computed_en.empty()) {
    f.items.push_back(zh ? "未计算：" + or_zh(a.not_computed_zh, a.not_computed_en) + "。"
                         : "Not computed: " + or_zh(a.not_computed_en, a.not_computed_zh) + ".");
    return f;
  }
  const double whole = a.population > 0 ? 1000.0 * a.weighted_total / a.population : std::nan("");
  const std::string value = std::isfinite(whole) ? format_fixed(whole, 3) : "—";
  f.items.push_back(zh ? "【模型估计】按增强型两步移动搜寻法（E2SFCA，" + a.decay_zh + "），全域可及性指数为每千人 " + value + " " +
                             a.supply_zh + "（" + a.measure_zh + "）。"
                       : "[Modelled] By the enhanced two-step floating catchment method (E2SFCA, " + a.decay_en +
                             "), the study area's accessibility is " + value + " " + a.supply_en + " per 1,000 persons (" +
                             a.measure_en + ").");
  // The first level's zones with a population: the highest and the lowest, as the table shows them (3 decimals).
  if (!run.levels.empty() && !a.zone_value.empty()) {
    const ZoneLevel& zl = run.levels.front();
    std::vector<std::size_t> zones;
    for (std::size_t z = 0; z < zl.zones.size() && z < a.zone_value[0].size(); ++z)
      if (a.zone_population[0][z] > 0) zones.push_back(z);
    std::stable_sort(zones.begin(), zones.end(),
                     [&](std::size_t x, std::size_t y) { return a.zone_value[0][x] > a.zone_value[0][y]; });
    if (zones.size() >= 2) {
      const auto item = [&](std::size_t z) {
        return zl.zones[z].name + (zh ? "（" : " (") + format_fixed(1000.0 * a.zone_value[0][z], 3) + (zh ? "）" : ")");
      };
      f.items.push_back(zh ? "各" + level_zh(zl) + "中最高为" + item(zones.front()) + "，最低为" + item(zones.back()) + "。详见附表9。"
                           : "By " + level_en(zl) + ", the highest is " + item(zones.front()) + ", the lowest " +
                                 item(zones.back()) + ". See Table 9.");
    }
  }
  return f;
}

Findings huff_block(const RunTables& run, const HuffTables& h, bool zh) {
  Findings f;
  f.title = zh ? "县域就诊流向（模型估计）：" + h.name_zh : "Visits by county (modelled): " + or_zh(h.name_en, h.name_zh);
  if (!h.not_computed_zh.empty() || !h.not_computed_en.empty() || h.level >= run.levels.size()) {
    f.items.push_back(zh ? "未计算：" + or_zh(h.not_computed_zh, h.not_computed_en) + "。"
                         : "Not computed: " + or_zh(h.not_computed_en, h.not_computed_zh) + ".");
    return f;
  }
  const ZoneLevel& zl = run.levels[h.level];
  // Whole persons as 附表10: each zone's flows apportioned to its residents in reach.
  std::int64_t reached_total = 0, stay_total = 0;
  std::vector<std::string> below;
  for (std::size_t z = 0; z < zl.zones.size() && z < h.flows.size(); ++z) {
    const std::vector<std::int64_t> flows = round_to_total(h.flows[z]);
    const std::int64_t reached = std::accumulate(flows.begin(), flows.end(), std::int64_t{0});
    reached_total += reached;
    stay_total += flows[z];
    if (reached <= 0) continue;
    const double share = static_cast<double>(flows[z]) / static_cast<double>(reached);
    if (share + 1e-12 < h.target_share) below.push_back(zl.zones[z].name + (zh ? "（" : " (") + pct(share) + (zh ? "%）" : " %)"));
  }
  if (reached_total <= 0) {
    f.items.push_back(zh ? "【模型估计】没有居民可达所列机构，无法估计县域就诊率。"
                         : "[Modelled] No resident reaches the facilities: no share can be modelled.");
    return f;
  }
  const double share = static_cast<double>(stay_total) / static_cast<double>(reached_total);
  const std::string target = pct(h.target_share);
  f.items.push_back(zh ? "【模型估计】按地理位置推算（非实际就诊统计），居民就诊留在本" + level_zh(zl) + "的比例合计为 " + pct(share) +
                             "%（目标 " + target + "%）；参数：" + h.params_zh + "。"
                       : "[Modelled] From geography (not observed visits), " + pct(share) + " % of visits stay in the " +
                             level_en(zl) + " (target " + target + " %); parameters: " + h.params_en + ".");
  f.items.push_back(below.empty() ? (zh ? "各" + level_zh(zl) + "均达到目标。详见附表10。"
                                        : "Every " + level_en(zl) + " reaches the target. See Table 10.")
                                  : (zh ? "低于目标的" + level_zh(zl) + "：" + join(below, "、") + "。详见附表10。"
                                        : "Below the target: " + join(below, ", ") + ". See Table 10."));
  if (h.calibrated)
    f.items.push_back(zh ? "衰减参数按实际县域就诊率校准，β = " + format_fixed(h.beta, 4) + "。"
                         : "The decay parameter is calibrated to the observed shares: β = " + format_fixed(h.beta, 4) + ".");
  return f;
}

Findings referral_block(const ReferralTables& r, bool zh) {
  Findings f;
  f.title = zh ? "转诊时间：" + r.name_zh : "Referral times: " + or_zh(r.name_en, r.name_zh);
  if (!r.not_computed_zh.empty() || !r.not_computed_en.empty()) {
    f.items.push_back(zh ? "未计算：" + or_zh(r.not_computed_zh, r.not_computed_en) + "。"
                         : "Not computed: " + or_zh(r.not_computed_en, r.not_computed_zh) + ".");
    return f;
  }
  std::size_t n = 0, within = 0, beyond = 0, none = 0;
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < r.rows.size(); ++i) {
    const double m = r.rows[i].minutes;
    if (std::isnan(m)) continue;  // outside the grid
    ++n;
    if (std::isinf(m)) ++none;
    if (m > r.threshold_min) {
      ++beyond;
      order.push_back(i);
    } else {
      ++within;
    }
  }
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return r.rows[a].minutes > r.rows[b].minutes; });
  const std::string t = minutes(r.threshold_min);
  f.items.push_back(zh ? std::to_string(n) + " 个机构中，" + std::to_string(within) + " 个在 " + t + " 分钟内可达最近的转诊机构，" +
                             std::to_string(beyond) + " 个超过" + (none > 0 ? "（其中 " + std::to_string(none) + " 个在搜索上限 " +
                                                                     minutes(r.limit_min) + " 分钟内无转诊机构）" : std::string()) +
                             "；" + r.measure_zh + "。"
                       : "Of " + std::to_string(n) + " facilities, " + std::to_string(within) + " reach their nearest referral "
                             "facility within " + t + " minutes and " + std::to_string(beyond) + " do not" +
                             (none > 0 ? " (" + std::to_string(none) + " with none within the search limit of " +
                                             minutes(r.limit_min) + " minutes)" : std::string()) +
                             "; " + r.measure_en + ".");
  if (!order.empty()) {
    std::vector<std::string> names;
    for (std::size_t i = 0; i < order.size() && i < 5; ++i) {
      const auto& row = r.rows[order[i]];
      const std::string time = std::isinf(row.minutes) ? (zh ? "＞上限" : "> limit") : format_fixed(row.minutes, 1) + (zh ? " 分钟" : " min");
      names.push_back(row.from_name + (zh ? "（" : " (") + time + (zh ? "）" : ")"));
    }
    f.items.push_back(zh ? "最远的：" + join(names, "、") + "。详见附表11。" : "The farthest: " + join(names, ", ") + ". See Table 11.");
  }
  return f;
}

}  // namespace

std::vector<Findings> access_model_findings(const RunTables& run, Lang lang) {
  const bool zh = lang == Lang::kZh;
  std::vector<Findings> out;
  for (const AccessibilityTables& a : run.access_models.accessibility) out.push_back(accessibility_block(run, a, zh));
  for (const HuffTables& h : run.access_models.huff) out.push_back(huff_block(run, h, zh));
  for (const ReferralTables& r : run.access_models.referrals) out.push_back(referral_block(r, zh));
  return out;
}

}  // namespace carereach::report
