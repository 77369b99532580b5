#include "report/siting_tables.hpp"

#include <cmath>
#include <stdexcept>

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

std::string minutes_text(double v) {
  std::string s = format_fixed(v, 1);
  if (s.size() > 2 && s.ends_with(".0")) s.resize(s.size() - 2);
  return s;
}

std::string pct(double share) { return format_fixed(100.0 * share, 1) + " %"; }

const std::string& zh_or(const std::string& zh, const std::string& en) { return zh.empty() ? en : zh; }
const std::string& en_or(const std::string& en, const std::string& zh) { return en.empty() ? zh : en; }

std::string objective_zh(const SitingTables& s) {
  return s.budget_objective ? "预算 " + std::to_string(s.budget) + " 处，覆盖人口最多（最大覆盖模型）"
                            : "覆盖率达到 " + format_fixed(100.0 * s.target_share, 0) + " % 所需最少新建数（集合覆盖）";
}
std::string objective_en(const SitingTables& s) {
  return s.budget_objective ? "the most persons for a budget of " + std::to_string(s.budget) + " sites (maximal covering)"
                            : "the fewest sites for a share of " + format_fixed(100.0 * s.target_share, 0) +
                                  " % (set covering)";
}

/// The notes every siting table carries: what is modelled, the objective, the method with its gap, the reduction.
void add_notes(Table& t, const RunTables& run, const SitingTables& s) {
  t.notes_zh.push_back("注：模型结果。覆盖人口为" + s.standard_zh + "（" + s.mode_zh + " " + minutes_text(s.threshold_min) +
                       " 分钟）内的常住人口；现有机构保持不变，新建（升级）点位由候选点（" + s.candidates_text + "，" +
                       std::to_string(s.candidates) + " 个）中选出。目标：" + objective_zh(s) +
                       (s.per_zone_zh.empty() ? "" : "；" + s.per_zone_zh) + "。");
  t.notes_en.push_back("Note: modelled. Persons within " + minutes_text(s.threshold_min) + " minutes (" + s.mode_en +
                       ") of " + s.standard_en + "; the existing facilities stay, the new (upgraded) sites are chosen from " +
                       std::to_string(s.candidates) + " candidates (" + s.candidates_text + "). Objective: " +
                       objective_en(s) + (s.per_zone_en.empty() ? "" : "; " + s.per_zone_en) + ".");
  if (!s.closable_text.empty()) {
    t.notes_zh.push_back("注：允许关闭现有机构（" + s.closable_text + "，" + std::to_string(s.closable) +
                         " 处）：每关闭一处可多新建一处；关闭 " + std::to_string(s.closed.size()) + " 处，保留 " +
                         std::to_string(s.kept) + " 处。");
    t.notes_en.push_back("Note: existing facilities may be closed (" + s.closable_text + ", " + std::to_string(s.closable) +
                         "): each closure frees one new site; " + std::to_string(s.closed.size()) + " closed, " +
                         std::to_string(s.kept) + " kept.");
  }
  if (!s.capacity_zh.empty()) {
    t.notes_zh.push_back("注：考虑服务能力：" + s.capacity_zh + "；一个栅格的人口可由覆盖它的多处分担，现有（不关闭）机构的覆盖不受能力限制。");
    t.notes_en.push_back("Note: with capacities: " + s.capacity_en + "; a cell's persons may be split among the sites "
                         "covering it; the coverage of the existing facilities that stay is not capacitated.");
  }
  t.notes_zh.push_back("注：求解方法：" + s.method_zh + "。需求单元 " + std::to_string(s.coverable_cells) + " 个栅格合并为 " +
                       std::to_string(s.demand_rows) + " 行，保留候选点 " + std::to_string(s.candidates_kept) + " 个。");
  t.notes_en.push_back("Note: method: " + s.method_en + ". " + std::to_string(s.coverable_cells) +
                       " demand cells merged into " + std::to_string(s.demand_rows) + " rows; " +
                       std::to_string(s.candidates_kept) + " candidates kept.");
  if (!run.sources_zh.empty()) t.notes_zh.push_back("资料来源：" + join(run.sources_zh, "；") + "。");
  const auto& sources_en = run.sources_en.empty() ? run.sources_zh : run.sources_en;
  if (!sources_en.empty()) t.notes_en.push_back("Source: " + join(sources_en, "; ") + ".");
}

bool not_computed(const SitingTables& s) { return !s.not_computed_zh.empty() || !s.not_computed_en.empty(); }

}  // namespace

SitingPublished publish_siting(const SitingTables& s) {
  SitingPublished p;
  p.total = round_half_even(s.total);
  p.before = round_half_even(s.before);
  double cum = s.before;
  std::int64_t prev = p.before;
  for (const SitingSiteRow& r : s.closed) {
    cum += r.gain;
    const std::int64_t v = round_half_even(cum);
    p.closed_cumulative.push_back(v);
    p.closed_change.push_back(v - prev);
    prev = v;
  }
  for (const SitingSiteRow& r : s.sites) {
    cum += r.gain;
    const std::int64_t v = round_half_even(cum);
    p.cumulative.push_back(v);
    p.gain.push_back(v - prev);
    prev = v;
  }
  return p;
}

Table siting_curve_table(const RunTables& run, const SitingTables& s) {
  Table t;
  t.id = "siting_" + s.id;
  t.sheet_zh = "选址方案";
  t.sheet_en = "Siting";
  t.title_zh = run.region_zh + "选址方案：" + s.name_zh + "，每新增一处的覆盖增量（模型结果）";
  t.title_en = "Siting: " + en_or(s.name_en, s.name_zh) + ", the coverage each new site adds (modelled)";
  const std::string finest_zh = run.levels.empty() ? "所在区划" : zh_or(run.levels.back().label_zh, run.levels.back().level);
  const std::string finest_en = run.levels.empty() ? "Zone" : en_or(run.levels.back().label_en, run.levels.back().level);
  t.columns = {int_col("rank", "顺序", "Rank", "", ""),
               text_col("site_id", "编码", "Id"),
               text_col("name", "名称", "Name"),
               text_col("action", "措施", "Action"),
               int_col("gain", "新增覆盖人口", "Persons added", "人", "persons"),
               int_col("covered", "累计覆盖人口", "Persons covered", "人", "persons"),
               Column{"share", "累计覆盖率", "Share covered", "%", "%", ColumnKind::kPercent, 1, 0},
               text_col("type", "机构类别", "Type"),
               text_col("zone", finest_zh, finest_en)};
  const bool cap = !s.capacity_zh.empty();
  if (cap) {
    t.columns.push_back(int_col("capacity", "服务能力", "Capacity", "人", "persons"));
    t.columns.push_back(int_col("assigned", "分配服务人口", "Persons assigned", "人", "persons"));
  }
  if (not_computed(s)) {
    Row row;
    row.cells.assign(t.columns.size(), Cell::empty());
    row.cells[2] = Cell::text("未计算：" + zh_or(s.not_computed_zh, s.not_computed_en),
                              "not computed: " + en_or(s.not_computed_en, s.not_computed_zh));
    t.rows.push_back(std::move(row));
    t.notes_zh.push_back("注：未计算——" + zh_or(s.not_computed_zh, s.not_computed_en) + "。");
    t.notes_en.push_back("Note: not computed — " + en_or(s.not_computed_en, s.not_computed_zh) + ".");
    return t;
  }
  const SitingPublished pub = publish_siting(s);
  t.rows.push_back(Row{{Cell::num(0), Cell::empty(), Cell::text("现有机构", "existing facilities"), Cell::empty(),
                        Cell::empty(), Cell::num(static_cast<double>(pub.before)), Cell::num(pub.share(pub.before)),
                        Cell::empty(), Cell::empty()},
                       false});
  if (cap) t.rows.back().cells.resize(t.columns.size(), Cell::empty());
  auto zone_of = [&](const SitingSiteRow& r) {
    if (!run.levels.empty() && run.levels.size() == r.zone.size() && r.zone.back() != kNoZoneIndex &&
        r.zone.back() < run.levels.back().zones.size())
      return Cell::text(run.levels.back().zones[r.zone.back()].name);
    return Cell::empty();
  };
  // Closures first (no rank: they are not sites to build), then the new sites.
  for (std::size_t i = 0; i < s.closed.size(); ++i) {
    const SitingSiteRow& r = s.closed[i];
    t.rows.push_back(Row{{Cell::empty(), Cell::text(r.id), Cell::text(r.name), Cell::text("关闭", "close"),
                          Cell::num(static_cast<double>(pub.closed_change[i])),
                          Cell::num(static_cast<double>(pub.closed_cumulative[i])), Cell::num(pub.share(pub.closed_cumulative[i])),
                          Cell::text(r.type_zh, r.type_en), zone_of(r)},
                         false});
    if (cap) {
      t.rows.back().cells.push_back(r.capacity ? Cell::num(std::round(*r.capacity)) : Cell::empty());
      t.rows.back().cells.push_back(Cell::num(0));
    }
  }
  for (std::size_t i = 0; i < s.sites.size(); ++i) {
    const SitingSiteRow& r = s.sites[i];
    t.rows.push_back(Row{{Cell::num(static_cast<double>(i + 1)), Cell::text(r.id), Cell::text(r.name),
                          r.upgrade ? Cell::text("升级", "upgrade") : Cell::text("新建", "new"),
                          Cell::num(static_cast<double>(pub.gain[i])), Cell::num(static_cast<double>(pub.cumulative[i])),
                          Cell::num(pub.share(pub.cumulative[i])), Cell::text(r.type_zh, r.type_en), zone_of(r)},
                         false});
    if (cap) {
      t.rows.back().cells.push_back(r.capacity ? Cell::num(std::round(*r.capacity)) : Cell::empty());
      t.rows.back().cells.push_back(Cell::num(static_cast<double>(round_half_even(r.assigned))));
    }
  }
  add_notes(t, run, s);
  if (!s.closed.empty()) {
    t.notes_zh.push_back("注：“关闭”行为模型关闭的现有机构，新增覆盖人口为负（依次关闭时失去覆盖的人口），位于新建点之前。");
    t.notes_en.push_back("Note: the \"close\" rows are the existing facilities the model closes, before the new sites; "
                         "their persons added are negative (the persons losing coverage as they close one after another).");
  }
  if (cap) {
    t.notes_zh.push_back("注：服务能力与分配服务人口为整数（四舍五入）；分配服务人口为最终方案中分给该点的人口（不超过其服务能力）。");
    t.notes_en.push_back("Note: capacity and persons assigned are rounded to whole persons; persons assigned are those the "
                         "final solution gives the site (at most its capacity).");
  }
  t.notes_zh.push_back("注：第 0 行为现有机构；顺序为每一步新增覆盖最多者。累计覆盖人口为整数，每行新增覆盖人口为相邻两行之差，"
                       "合计等于最后一行。总人口 " + format_fixed(static_cast<double>(pub.total), 0, true) + " 人。");
  t.notes_en.push_back("Note: row 0 is the existing facilities; each next site adds the most. Persons covered are whole "
                       "numbers and each gain the difference of two rows, so the gains add up to the last row. Total "
                       "population " + format_fixed(static_cast<double>(pub.total), 0, true) + ".");
  return t;
}

Table siting_zone_table(const RunTables& run, const SitingTables& s, std::size_t level) {
  if (level >= run.levels.size()) throw std::invalid_argument("report: siting " + s.id + " has no level " + std::to_string(level));
  const ZoneLevel& lvl = run.levels[level];
  const std::string lzh = zh_or(lvl.label_zh, lvl.level), len = en_or(lvl.label_en, lvl.level);
  const SitingPublished pub = publish_siting(s);
  const std::size_t zones = lvl.zones.size();
  std::vector<std::int64_t> count(zones, 0), gain(zones, 0), existing(zones, 0);
  std::int64_t outside = 0;
  for (std::size_t i = 0; i < s.sites.size(); ++i) {
    const std::uint32_t z = level < s.sites[i].zone.size() ? s.sites[i].zone[level] : kNoZoneIndex;
    if (z == kNoZoneIndex || z >= zones) {
      ++outside;
      continue;
    }
    ++count[z];
    gain[z] += pub.gain[i];
  }
  if (level < s.existing.size())
    for (std::size_t z = 0; z < zones && z < s.existing[level].size(); ++z) existing[z] = s.existing[level][z];
  const bool closures = !s.closable_text.empty();
  std::vector<std::int64_t> closed(zones, 0), lost(zones, 0);
  for (std::size_t i = 0; i < s.closed.size(); ++i) {
    const std::uint32_t z = level < s.closed[i].zone.size() ? s.closed[i].zone[level] : kNoZoneIndex;
    if (z == kNoZoneIndex || z >= zones) continue;
    ++closed[z];
    lost[z] -= pub.closed_change[i];
  }
  Table t;
  t.id = "siting_" + s.id + "_" + lvl.level;
  t.sheet_zh = "选址 " + lzh;
  t.sheet_en = "Sites " + len;
  t.title_zh = "选址方案：各" + lzh + "新建（升级）数——" + s.name_zh + "（模型结果）";
  t.title_en = "Siting: sites to build (or upgrade) per " + len + " — " + en_or(s.name_en, s.name_zh) + " (modelled)";
  t.columns = {text_col("code", "代码", "Code"), text_col("name", lzh, len),
               int_col("existing", "现有机构数", "Existing facilities", "个", "facilities"),
               int_col("sites", "新建（升级）数", "Sites to build or upgrade", "个", "sites"),
               int_col("gain", "新增覆盖人口", "Persons added", "人", "persons")};
  if (closures) {
    t.columns.push_back(int_col("closed", "关闭数", "Facilities closed", "个", "facilities"));
    t.columns.push_back(int_col("lost", "关闭减少覆盖人口", "Persons lost by closures", "人", "persons"));
  }
  std::int64_t sum_c = 0, sum_g = 0, sum_e = 0, sum_k = 0, sum_l = 0;
  for (std::size_t z = 0; z < zones; ++z) sum_c += count[z], sum_g += gain[z], sum_e += existing[z], sum_k += closed[z], sum_l += lost[z];
  t.rows.push_back(Row{{Cell::text("合计", "Total"), Cell::empty(), Cell::num(static_cast<double>(sum_e)),
                        Cell::num(static_cast<double>(sum_c)), Cell::num(static_cast<double>(sum_g))},
                       true});
  if (closures) {
    t.rows.back().cells.push_back(Cell::num(static_cast<double>(sum_k)));
    t.rows.back().cells.push_back(Cell::num(static_cast<double>(sum_l)));
  }
  for (std::size_t z = 0; z < zones; ++z) {
    const Zone& zone = lvl.zones[z];
    const Cell name = zone.approximate ? Cell::text(zone.name + "〔近似〕", zone.name + " (approx.)") : Cell::text(zone.name);
    t.rows.push_back(Row{{Cell::text(zone.code), name, Cell::num(static_cast<double>(existing[z])),
                          Cell::num(static_cast<double>(count[z])), Cell::num(static_cast<double>(gain[z]))},
                         false});
    if (closures) {
      t.rows.back().cells.push_back(Cell::num(static_cast<double>(closed[z])));
      t.rows.back().cells.push_back(Cell::num(static_cast<double>(lost[z])));
    }
  }
  if (not_computed(s)) {
    t.notes_zh.push_back("注：未计算——" + zh_or(s.not_computed_zh, s.not_computed_en) + "。");
    t.notes_en.push_back("Note: not computed — " + en_or(s.not_computed_en, s.not_computed_zh) + ".");
    return t;
  }
  add_notes(t, run, s);
  if (outside > 0) {
    t.notes_zh.push_back("注：" + std::to_string(outside) + " 处不在任何" + lzh + "内。");
    t.notes_en.push_back("Note: " + std::to_string(outside) + " sites lie in no " + len + ".");
  }
  return t;
}

std::vector<Table> siting_tables(const RunTables& run) {
  std::vector<Table> out;
  for (const SitingTables& s : run.siting) {
    out.push_back(siting_curve_table(run, s));
    if (not_computed(s)) continue;
    for (std::size_t level = 0; level < run.levels.size(); ++level) out.push_back(siting_zone_table(run, s, level));
  }
  for (std::size_t i = 0; i < out.size(); ++i) {
    const std::string n = out.size() > 1 ? "12-" + std::to_string(i + 1) : "12";
    out[i].sheet_zh = "附表" + n + " " + out[i].sheet_zh;
    out[i].title_zh = "附表" + n + " " + out[i].title_zh;
    out[i].sheet_en = "Table " + n + " " + out[i].sheet_en;
    out[i].title_en = "Table " + n + " " + out[i].title_en;
  }
  return out;
}

std::vector<Findings> siting_findings(const RunTables& run, Lang lang) {
  const bool zh = lang == Lang::kZh;
  std::vector<Findings> out;
  for (const SitingTables& s : run.siting) {
    Findings f;
    f.title = zh ? "选址方案：" + s.name_zh : "Siting: " + en_or(s.name_en, s.name_zh);
    if (not_computed(s)) {
      f.items.push_back(zh ? "未计算：" + zh_or(s.not_computed_zh, s.not_computed_en) + "。"
                           : "Not computed: " + en_or(s.not_computed_en, s.not_computed_zh) + ".");
      out.push_back(std::move(f));
      continue;
    }
    const SitingPublished pub = publish_siting(s);
    const std::string n = std::to_string(s.sites.size());
    const std::string before = pct(pub.share(pub.before)), after = pct(pub.share(pub.after()));
    const std::string target = format_fixed(100.0 * s.target_share, 0) + " %";
    std::string first;
    if (zh) {
      if (s.budget_objective)
        first = "【模型结果】新建（升级）" + n + " 处（预算 " + std::to_string(s.budget) + " 处），" + s.standard_zh + "覆盖率由 " +
                before + " 提高到 " + after + "，新增覆盖 " + format_fixed(static_cast<double>(pub.after() - pub.before), 0, true) + " 人。";
      else if (!s.target_reached)
        first = "【模型结果】候选点全部建成也达不到 " + target + "：最多 " + after + "（" + n + " 处），现状 " + before + "。";
      else if (s.sites.empty())
        first = "【模型结果】现状覆盖率 " + before + "，已达到 " + target + "，无需新建。";
      else
        first = "【模型结果】达到 " + target + " 需新建（升级）" + n + " 处，" + s.standard_zh + "覆盖率由 " + before + " 提高到 " + after + "。";
    } else {
      if (s.budget_objective)
        first = "[Modelled] " + n + " new (upgraded) sites (budget " + std::to_string(s.budget) + ") raise the coverage of " +
                en_or(s.standard_en, s.standard_zh) + " from " + before + " to " + after + ", " +
                format_fixed(static_cast<double>(pub.after() - pub.before), 0, true) + " more persons.";
      else if (!s.target_reached)
        first = "[Modelled] Even every candidate does not reach " + target + ": at most " + after + " (" + n + " sites); " +
                before + " today.";
      else if (s.sites.empty())
        first = "[Modelled] " + before + " covered today: " + target + " is reached already, nothing to build.";
      else
        first = "[Modelled] Reaching " + target + " needs " + n + " new (upgraded) sites; the coverage of " +
                en_or(s.standard_en, s.standard_zh) + " rises from " + before + " to " + after + ".";
    }
    f.items.push_back(first);
    if (!s.closed.empty()) {
      std::vector<std::string> names;
      for (std::size_t i = 0; i < s.closed.size() && i < 10; ++i) names.push_back(s.closed[i].name);
      const std::string lost = format_fixed(static_cast<double>(pub.before - pub.after_closures()), 0, true);
      const std::string k = std::to_string(s.closed.size());
      f.items.push_back(zh ? "其中关闭现有机构 " + k + " 处（" + join(names, "、") + (s.closed.size() > 10 ? "等" : "") +
                                 "），关闭减少覆盖 " + lost + " 人，由新建点补足。"
                           : "Of the existing facilities, " + k + " are closed (" + join(names, ", ") +
                                 (s.closed.size() > 10 ? " …" : "") + "), losing " + lost + " persons that the new sites make up for.");
    } else if (!s.closable_text.empty()) {
      f.items.push_back(zh ? "允许关闭的现有机构（" + s.closable_text + "）全部保留。"
                           : "The existing facilities that could be closed (" + s.closable_text + ") are all kept.");
    }
    if (!s.sites.empty()) {
      std::vector<std::string> names;
      for (std::size_t i = 0; i < s.sites.size() && i < 10; ++i)
        names.push_back(s.sites[i].name + (zh ? "（+" : " (+") + format_fixed(static_cast<double>(pub.gain[i]), 0, true) +
                        (zh ? " 人）" : ")"));
      const std::string more = s.sites.size() > 10 ? (zh ? "等 " + n + " 处" : " and " + std::to_string(s.sites.size() - 10) + " more") : "";
      f.items.push_back(zh ? "依次为：" + join(names, "、") + more + "。详见附表12。"
                           : "In order: " + join(names, ", ") + more + ". See Table 12.");
    }
    f.items.push_back(zh ? "求解方法：" + s.method_zh + "。" : "Method: " + s.method_en + ".");
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace carereach::report
