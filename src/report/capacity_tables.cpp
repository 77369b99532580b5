#include "report/capacity_tables.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>

#include "report/appendix.hpp"
#include "report/published.hpp"
#include "report/rounding.hpp"

namespace carereach::report {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i > 0 ? sep : "") + parts[i];
  return out;
}

std::string shortest(double v) {
  if (std::floor(v) == v && std::abs(v) < 1e15) return format_fixed(v, 0);
  std::string s = format_fixed(v, 3);
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

/// A StandardTables carrying only coverage, for published_coverage.
StandardTables as_standard(const CapacityTables& c, bool with) {
  StandardTables s;
  s.id = c.id + (with ? "_with" : "_without");
  s.coverage = with ? c.with : c.without;
  return s;
}

/// The parameters of a capacity coverage, in one sentence per language (the first note of its tables).
std::pair<std::string, std::string> method_note(const CapacityTables& c) {
  const std::string ppu = shortest(c.persons_per_unit);
  std::string zh = "注：按服务标准 " + c.standard_id + " 的" + c.mode_zh + "出行时间，各机构在 " +
                   shortest(c.threshold_min) + " 分钟内由近及远接纳人口，直至服务能力用尽或达到时间阈值；已被接纳的人口不再计入后续机构。"
                   "服务能力 = " + c.units_zh + " × " + ppu + " 人；处理顺序：" + c.order_zh +
                   "。跨越能力的时间环按比例分摊（与 AccessMod 一致）。结果为模型估计，不是实际就诊量。";
  std::string en = "Note: along the travel times of standard " + c.standard_id + " (" + c.mode_en +
                   "), each facility takes the population within " + shortest(c.threshold_min) +
                   " minutes, nearest first, until its capacity is used up or the threshold is reached; persons taken "
                   "are not counted again for later facilities. Capacity = " + c.units_en + " × " + ppu +
                   " persons; order: " + c.order_en +
                   ". The ring of equal time that crosses the capacity is shared in proportion (as AccessMod does). "
                   "Modelled figures, not actual patient numbers.";
  return {zh, en};
}

void add_notes(Table& t, const RunTables& run, const CapacityTables& c) {
  const auto [zh, en] = method_note(c);
  t.notes_zh.push_back(zh);
  t.notes_en.push_back(en);
  if (!c.source_zh.empty() || !c.source_en.empty()) {
    t.notes_zh.push_back("服务能力依据：" + (c.source_zh.empty() ? c.source_en : c.source_zh) + "。");
    t.notes_en.push_back("Capacity basis: " + (c.source_en.empty() ? c.source_zh : c.source_en) + ".");
  }
  if (!run.sources_zh.empty()) t.notes_zh.push_back("资料来源：" + join(run.sources_zh, "；") + "。");
  const auto& sources_en = run.sources_en.empty() ? run.sources_zh : run.sources_en;
  if (!sources_en.empty()) t.notes_en.push_back("Source: " + join(sources_en, "; ") + ".");
}

std::string number_label(std::size_t index, std::size_t count) {
  return count > 1 ? "8-" + std::to_string(index + 1) : "8";
}

}  // namespace

std::string capacity_status_text(analysis::CapacityStatus s, Lang lang) {
  const bool zh = lang == Lang::kZh;
  switch (s) {
    case analysis::CapacityStatus::kCapacityReached: return zh ? "能力用尽" : "capacity reached";
    case analysis::CapacityStatus::kThresholdFirst: return zh ? "先达到时间阈值" : "threshold reached first";
    case analysis::CapacityStatus::kNoCapacity: return zh ? "服务能力为0" : "no capacity";
    case analysis::CapacityStatus::kNotJoined: return zh ? "未接入路网" : "not joined to the roads";
  }
  return {};
}

std::vector<std::int64_t> published_served(const RunTables& run, const CapacityTables& c) {
  std::vector<double> served;
  double sum = 0.0;
  for (const CapacityFacilityRow& f : c.facilities) {
    served.push_back(f.served);
    sum += f.served;
  }
  if (!c.with.empty() && c.with.front()) {
    const double exact = c.with.front()->total.pop_covered;
    if (std::abs(exact - sum) <= 1e-6 * std::max(1.0, exact)) {
      const auto pub = published_coverage(run, as_standard(c, true));
      if (pub.front()) {
        std::vector<std::int64_t> weights;
        for (const double v : served) weights.push_back(to_micro(v));
        return apportion(weights, pub.front()->total.covered);
      }
    }
  }
  return round_to_total(served);
}

Table capacity_facility_table(const RunTables& run, std::size_t k) {
  if (k >= run.capacity.size()) throw std::invalid_argument("report: no capacity coverage " + std::to_string(k));
  const CapacityTables& c = run.capacity[k];
  Table t;
  t.id = "capacity_" + c.id;
  t.sheet_zh = "机构服务能力与负荷";
  t.sheet_en = "Facility capacity and load";
  t.title_zh = run.region_zh + "机构服务能力与负荷：" + c.name_zh;
  t.title_en = "Facility capacity and load: " + (c.name_en.empty() ? c.name_zh : c.name_en);
  t.columns = {int_col("rank", "处理顺序", "Order", "", ""),
               text_col("facility_id", "机构代码", "Facility id"),
               text_col("name", "机构名称", "Name"),
               text_col("type", "机构类别", "Type"),
               text_col("zone", "所在区划", "Zone"),
               num_col("units", c.units_zh, c.units_en, "", "", 1),
               int_col("capacity", "服务能力", "Capacity", "人", "persons"),
               int_col("pop_within", "阈值内人口", "Population within the threshold", "人", "persons"),
               int_col("served", "服务人口", "Population served", "人", "persons"),
               pct_col("used", "能力使用率", "Capacity used"),
               num_col("reached_min", "能力用尽时间", "Time capacity reached", "分钟", "min", 1),
               text_col("status", "说明", "Status")};
  if (!c.not_computed_zh.empty() || !c.not_computed_en.empty()) {
    t.notes_zh.push_back("注：未计算——" + (c.not_computed_zh.empty() ? c.not_computed_en : c.not_computed_zh) + "。");
    t.notes_en.push_back("Note: not computed — " + (c.not_computed_en.empty() ? c.not_computed_zh : c.not_computed_en) + ".");
    Row row;
    row.total = true;
    row.cells.assign(t.columns.size(), Cell::empty());
    row.cells[2] = Cell::text("合计", "Total");
    row.cells.back() = Cell::text("未计算：" + (c.not_computed_zh.empty() ? c.not_computed_en : c.not_computed_zh),
                                  "not computed: " + (c.not_computed_en.empty() ? c.not_computed_zh : c.not_computed_en));
    t.rows.push_back(std::move(row));
    add_notes(t, run, c);
    return t;
  }
  const std::vector<std::int64_t> served = published_served(run, c);
  std::vector<double> caps;
  for (const CapacityFacilityRow& f : c.facilities) caps.push_back(f.capacity);
  const std::vector<std::int64_t> capacity = round_to_total(caps);
  std::int64_t served_total = 0, capacity_total = 0;
  std::size_t reached = 0;
  for (std::size_t i = 0; i < served.size(); ++i) {
    served_total += served[i];
    capacity_total += capacity[i];
    if (c.facilities[i].status == analysis::CapacityStatus::kCapacityReached) ++reached;
  }
  double units_total = 0.0;
  for (const CapacityFacilityRow& f : c.facilities) units_total += f.units;
  auto used = [](std::int64_t s, std::int64_t cap) {
    return cap > 0 ? static_cast<double>(s) / static_cast<double>(cap) : kNaN;
  };
  t.rows.push_back(Row{{Cell::empty(), Cell::empty(), Cell::text("合计", "Total"), Cell::empty(), Cell::empty(),
                        Cell::num(units_total), Cell::num(static_cast<double>(capacity_total)), Cell::empty(),
                        Cell::num(static_cast<double>(served_total)), Cell::num(used(served_total, capacity_total)),
                        Cell::empty(),
                        Cell::text(std::to_string(reached) + " / " + std::to_string(c.facilities.size()) + " 能力用尽",
                                   std::to_string(reached) + " of " + std::to_string(c.facilities.size()) +
                                       " at capacity")},
                       true});
  for (std::size_t i = 0; i < c.facilities.size(); ++i) {
    const CapacityFacilityRow& f = c.facilities[i];
    const bool at_capacity = f.status == analysis::CapacityStatus::kCapacityReached;
    t.rows.push_back(Row{{Cell::num(static_cast<double>(i + 1)), Cell::text(f.id), Cell::text(f.name),
                          Cell::text(f.type_zh, f.type_en), Cell::text(f.zone), Cell::num(f.units),
                          Cell::num(static_cast<double>(capacity[i])),
                          Cell::num(static_cast<double>(round_half_even(f.population_within))),
                          Cell::num(static_cast<double>(served[i])), Cell::num(used(served[i], capacity[i])),
                          at_capacity ? Cell::num(f.reached_min) : Cell::empty(),
                          Cell::text(capacity_status_text(f.status, Lang::kZh), capacity_status_text(f.status, Lang::kEn))},
                         false});
  }
  add_notes(t, run, c);
  t.notes_zh.push_back("注：服务人口与服务能力为整数，各机构之和等于合计；能力使用率 = 服务人口 ÷ 服务能力；阈值内人口为初始人口，"
                       "各机构的阈值范围可能重叠，故不合计。");
  t.notes_en.push_back("Note: persons served and capacities are whole numbers adding up to the total; capacity used = "
                       "persons served ÷ capacity; the population within the threshold is the initial population, and "
                       "the facilities' threshold areas may overlap, so it has no total.");
  return t;
}

Table capacity_zone_table(const RunTables& run, std::size_t k, std::size_t level) {
  if (k >= run.capacity.size()) throw std::invalid_argument("report: no capacity coverage " + std::to_string(k));
  const CapacityTables& c = run.capacity[k];
  if (level >= run.levels.size() || level >= c.with.size() || !c.with[level] || !c.without[level])
    throw std::invalid_argument("report: capacity coverage " + c.id + " has no zones at level " + std::to_string(level));
  const ZoneLevel& zl = run.levels[level];
  const std::string lzh = zl.label_zh.empty() ? zl.level : zl.label_zh;
  const std::string len = zl.label_en.empty() ? zl.level : zl.label_en;
  const auto with = published_coverage(run, as_standard(c, true));
  const auto without = published_coverage(run, as_standard(c, false));
  const PublishedCoverage& w = *with[level];
  const PublishedCoverage& wo = *without[level];
  std::map<std::string, const Zone*> parents;
  const bool has_parent = level > 0;
  if (has_parent)
    for (const Zone& z : run.levels[level - 1].zones) parents.emplace(z.code, &z);
  Table t;
  t.id = "capacity_" + c.id + "_" + zl.level;
  t.sheet_zh = "服务能力覆盖（" + lzh + "）";
  t.sheet_en = "Capacity coverage (" + len + ")";
  t.title_zh = run.region_zh + "分" + lzh + "考虑服务能力的覆盖人口：" + c.name_zh;
  t.title_en = "Population covered with and without capacity, by " + len + ": " + (c.name_en.empty() ? c.name_zh : c.name_en);
  t.columns.push_back(text_col("code", "区划代码", "Code"));
  if (has_parent) t.columns.push_back(text_col("parent", "上级区划", "Parent"));
  t.columns.push_back(text_col("name", "名称", "Name"));
  t.columns.push_back(int_col("pop_total", "总人口", "Population", "人", "persons"));
  t.columns.push_back(int_col("covered_without", "阈值内人口（不计能力）", "Within the threshold (without capacity)", "人", "persons"));
  t.columns.push_back(pct_col("share_without", "覆盖率（不计能力）", "Share without capacity"));
  t.columns.push_back(int_col("covered_with", "获得服务人口（计能力）", "Served (with capacity)", "人", "persons"));
  t.columns.push_back(pct_col("share_with", "覆盖率（计能力）", "Share with capacity"));
  t.columns.push_back(int_col("beyond_capacity", "阈值内但超出能力", "Within the threshold, beyond capacity", "人", "persons"));
  auto row = [&](Cell code, Cell parent, Cell name, const PublishedCounts& a, const PublishedCounts& b, bool total) {
    Row r;
    r.total = total;
    r.cells.push_back(std::move(code));
    if (has_parent) r.cells.push_back(std::move(parent));
    r.cells.push_back(std::move(name));
    r.cells.push_back(Cell::num(static_cast<double>(a.total)));
    r.cells.push_back(Cell::num(static_cast<double>(a.covered)));
    r.cells.push_back(Cell::num(a.share()));
    r.cells.push_back(Cell::num(static_cast<double>(b.covered)));
    r.cells.push_back(Cell::num(b.share()));
    r.cells.push_back(Cell::num(static_cast<double>(a.covered - b.covered)));
    return r;
  };
  t.rows.push_back(row(Cell::empty(), Cell::empty(), Cell::text("合计", "Total"), wo.total, w.total, true));
  for (std::size_t z = 0; z < zl.zones.size(); ++z) {
    const Zone& zone = zl.zones[z];
    Cell parent = Cell::empty();
    if (has_parent && !zone.parent_code.empty()) {
      const auto it = parents.find(zone.parent_code);
      parent = it == parents.end() ? Cell::text(zone.parent_code) : Cell::text(it->second->name);
    }
    const Cell name = zone.approximate ? Cell::text(zone.name + "〔近似〕", zone.name + " (approx.)") : Cell::text(zone.name);
    t.rows.push_back(row(Cell::text(zone.code), parent, name, wo.zones[z], w.zones[z], false));
  }
  add_notes(t, run, c);
  t.notes_zh.push_back("注：人数为整数，按强制平衡修约，各" + lzh + "之和等于合计；“阈值内但超出能力”为两列整数之差。");
  t.notes_en.push_back("Note: whole persons, rounded so that the " + len +
                       " rows add up to the total; \"beyond capacity\" is the difference of the two published columns.");
  return t;
}

std::vector<Table> capacity_tables(const RunTables& run) {
  std::vector<Table> out;
  for (std::size_t k = 0; k < run.capacity.size(); ++k) {
    out.push_back(capacity_facility_table(run, k));
    const CapacityTables& c = run.capacity[k];
    for (std::size_t level = 0; level < run.levels.size(); ++level)
      if (level < c.with.size() && c.with[level] && level < c.without.size() && c.without[level])
        out.push_back(capacity_zone_table(run, k, level));
  }
  for (std::size_t i = 0; i < out.size(); ++i) {
    const std::string n = number_label(i, out.size());
    out[i].sheet_zh = "附表" + n + " " + out[i].sheet_zh;
    out[i].title_zh = "附表" + n + " " + out[i].title_zh;
    out[i].sheet_en = "Table " + n + " " + out[i].sheet_en;
    out[i].title_en = "Table " + n + " " + out[i].title_en;
  }
  return out;
}

std::vector<Findings> capacity_findings(const RunTables& run, Lang lang) {
  const bool zh = lang == Lang::kZh;
  std::vector<Findings> out;
  for (const CapacityTables& c : run.capacity) {
    Findings f;
    f.title = zh ? "机构服务能力与负荷：" + c.name_zh : "Facility capacity and load: " + (c.name_en.empty() ? c.name_zh : c.name_en);
    if (!c.not_computed_zh.empty() || !c.not_computed_en.empty()) {
      f.items.push_back(zh ? "未计算：" + (c.not_computed_zh.empty() ? c.not_computed_en : c.not_computed_zh) + "。"
                           : "Not computed: " + (c.not_computed_en.empty() ? c.not_computed_zh : c.not_computed_en) + ".");
      out.push_back(std::move(f));
      continue;
    }
    const std::vector<std::int64_t> served = published_served(run, c);
    std::vector<double> caps;
    for (const CapacityFacilityRow& r : c.facilities) caps.push_back(r.capacity);
    const std::vector<std::int64_t> capacity = round_to_total(caps);
    std::int64_t served_total = 0, capacity_total = 0;
    std::size_t reached = 0, threshold_first = 0;
    for (std::size_t i = 0; i < served.size(); ++i) {
      served_total += served[i];
      capacity_total += capacity[i];
      if (c.facilities[i].status == analysis::CapacityStatus::kCapacityReached) ++reached;
      if (c.facilities[i].status == analysis::CapacityStatus::kThresholdFirst) ++threshold_first;
    }
    const std::string ppu = shortest(c.persons_per_unit);
    const std::string minutes = shortest(c.threshold_min);
    if (zh)
      f.items.push_back("【模型估计】按" + c.units_zh + " × " + ppu + " 人估算服务能力，" + std::to_string(c.facilities.size()) +
                        " 家机构合计可服务 " + format_fixed(static_cast<double>(capacity_total), 0, true) + " 人；在" +
                        c.mode_zh + " " + minutes + " 分钟内按能力分配后实际服务 " +
                        format_fixed(static_cast<double>(served_total), 0, true) + " 人。");
    else
      f.items.push_back("[Modelled] With capacity = " + c.units_en + " × " + ppu + " persons, the " +
                        std::to_string(c.facilities.size()) + " facilities can serve " +
                        format_fixed(static_cast<double>(capacity_total), 0, true) + " persons; allocated within " +
                        minutes + " minutes (" + c.mode_en + "), they serve " +
                        format_fixed(static_cast<double>(served_total), 0, true) + ".");
    const auto with = published_coverage(run, as_standard(c, true));
    const auto without = published_coverage(run, as_standard(c, false));
    if (!with.empty() && with.front() && without.front()) {
      const PublishedCounts& w = with.front()->total;
      const PublishedCounts& wo = without.front()->total;
      const std::string sw = format_fixed(100.0 * w.share(), 1), swo = format_fixed(100.0 * wo.share(), 1);
      if (zh)
        f.items.push_back("不计服务能力时阈值内人口占 " + swo + "%（" + format_fixed(static_cast<double>(wo.covered), 0, true) +
                          " 人），计入服务能力后获得服务的人口占 " + sw + "%（" +
                          format_fixed(static_cast<double>(w.covered), 0, true) + " 人），另有 " +
                          format_fixed(static_cast<double>(wo.covered - w.covered), 0, true) + " 人在时间阈值内但超出机构服务能力。");
      else
        f.items.push_back("Without capacity, " + swo + " % of the population (" +
                          format_fixed(static_cast<double>(wo.covered), 0, true) + ") is within the threshold; with "
                          "capacity, " + sw + " % (" + format_fixed(static_cast<double>(w.covered), 0, true) +
                          ") is served, and " + format_fixed(static_cast<double>(wo.covered - w.covered), 0, true) +
                          " persons are within the threshold but beyond the facilities' capacity.");
    }
    // The facilities at capacity with the most persons within their threshold (the most loaded).
    std::vector<std::size_t> loaded;
    for (std::size_t i = 0; i < c.facilities.size(); ++i)
      if (c.facilities[i].status == analysis::CapacityStatus::kCapacityReached) loaded.push_back(i);
    std::stable_sort(loaded.begin(), loaded.end(), [&](std::size_t a, std::size_t b) {
      const double la = c.facilities[a].capacity > 0 ? c.facilities[a].population_within / c.facilities[a].capacity : 0;
      const double lb = c.facilities[b].capacity > 0 ? c.facilities[b].population_within / c.facilities[b].capacity : 0;
      return la > lb;
    });
    std::vector<std::string> names;
    for (std::size_t i = 0; i < loaded.size() && i < 5; ++i) {
      const CapacityFacilityRow& r = c.facilities[loaded[i]];
      const double ratio = r.capacity > 0 ? r.population_within / r.capacity : 0.0;
      names.push_back(r.name + (zh ? "（阈值内人口为能力的 " : " (population within the threshold ") +
                      format_fixed(ratio, 1) + (zh ? " 倍）" : " × capacity)"));
    }
    if (zh)
      f.items.push_back(std::to_string(reached) + " 家机构在时间阈值内用尽服务能力，" + std::to_string(threshold_first) +
                        " 家先达到时间阈值（尚有余力）" + (names.empty() ? "。" : "；负荷最重的：" + join(names, "、") + "。") +
                        "详见附表8。");
    else
      f.items.push_back(std::to_string(reached) + " facilities use up their capacity within the threshold, " +
                        std::to_string(threshold_first) + " reach the threshold first (capacity left)" +
                        (names.empty() ? "." : "; the most loaded: " + join(names, ", ") + ".") + " See Table 8.");
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace carereach::report
