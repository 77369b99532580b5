#include "pipeline/run_tables.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <tuple>

#include "pipeline/run_access_models.hpp"
#include "core/taxonomy.hpp"
#include "core/text.hpp"
#include "io/files.hpp"
#include "report/writers.hpp"

namespace carereach::pipeline {

report::StandardTables standard_tables(const StandardOutcome& o, std::size_t level_count) {
  report::StandardTables st = report::describe_standard(*o.standard);
  if (!o.not_computed.empty()) {
    // Listed with its reason: a standard that could not be computed does not disappear from the report.
    st.not_computed_en = o.not_computed;
    st.not_computed_zh = o.not_computed_zh.empty() ? o.not_computed : o.not_computed_zh;
    return st;
  }
  if (o.standard->engine == TravelEngine::kEstimate && o.standard->threshold_min) {
    // The label of the values the run used (the scenario resolved them; the engine reports what it used).
    st.estimate_zh = estimate_label_zh(o.standard->mode, o.circuity, o.estimate_speed_kmh);
    st.estimate_en = estimate_label_en(o.standard->mode, o.circuity, o.estimate_speed_kmh);
  }
  for (std::size_t li = 0; li < level_count; ++li) {
    if (li < o.reported.size() && o.reported[li] && li < o.levels.size()) st.coverage.emplace_back(o.levels[li]);
    else st.coverage.emplace_back(std::nullopt);
  }
  st.gaps = o.gaps;
  return st;
}

namespace {

/// An English name without its explanation in parentheses, for the middle of a sentence: "General hospital (…)" →
/// "general hospital"; an acronym keeps its capitals ("TCM hall (in a township …)" → "TCM hall").
std::string short_en(const std::string& name) {
  const std::size_t at = name.find(" (");
  std::string out = at == std::string::npos ? name : name.substr(0, at);
  const auto upper = [](char c) { return c >= 'A' && c <= 'Z'; };
  if (!out.empty() && upper(out[0]) && (out.size() == 1 || !upper(out[1]))) out[0] = static_cast<char>(out[0] - 'A' + 'a');
  return out;
}

/// Tags as "中医馆或中医阁" / "TCM hall or TCM corner" (the id where the taxonomy has no such tag).
std::pair<std::string, std::string> describe_tags(const std::vector<std::string>& ids, const Taxonomy& taxonomy) {
  std::string zh;
  std::string en;
  for (const std::string& id : ids) {
    const TagDef* tag = taxonomy.tag_by_id(id);
    zh += (zh.empty() ? "" : "或") + (tag != nullptr ? tag->name_zh : id);
    en += (en.empty() ? "" : " or ") + (tag != nullptr ? short_en(tag->name_en) : id);
  }
  return {zh, en};
}

/// What a selector counts, in Chinese and in English: "三级及以上综合医院、中医医院（中医馆）".
std::pair<std::string, std::string> describe_selector(const FacilitySelector& sel, const Taxonomy& taxonomy) {
  std::string zh;
  std::string en;
  for (const std::string& id : sel.types) {
    const FacilityType* t = taxonomy.type_by_id(id);
    zh += (zh.empty() ? "" : "、") + (t ? t->name_zh : id);
    en += (en.empty() ? "" : ", ") + (t ? short_en(t->name_en) : id);
  }
  if (sel.types.empty()) {
    zh = "医疗卫生机构";
    en = "facilities";
  } else if (sel.types.size() > 1) {
    en = "(" + en + ")";
  }
  if (sel.min_level != FacilityLevel::kUnrated) {
    zh = std::string(to_label_zh(sel.min_level)) + (sel.min_level == FacilityLevel::kTertiary ? "" : "及以上") + zh;
    const char* level_en = sel.min_level == FacilityLevel::kTertiary    ? "tertiary "
                           : sel.min_level == FacilityLevel::kSecondary ? "secondary or higher "
                                                                        : "rated ";
    en = level_en + en;
  }
  if (!sel.tags_any.empty()) {
    const auto [tz, te] = describe_tags(sel.tags_any, taxonomy);
    zh += "（" + tz + "）";
    en += " (" + te + ")";
  }
  return {zh, en};
}

/// What the "with" selector of a share indicator asks: types, a level, tags.
std::pair<std::string, std::string> describe_with(const FacilitySelector& with, const Taxonomy& taxonomy) {
  if (with.types.empty() && with.min_level == FacilityLevel::kUnrated && !with.tags_any.empty())
    return describe_tags(with.tags_any, taxonomy);
  return describe_selector(with, taxonomy);
}

std::string zone_targets_label(const std::vector<io::LoadedZoneTargets>& zone_targets, const std::string& level) {
  for (const io::LoadedZoneTargets& t : zone_targets)
    if (t.level == level) {
      std::string out;
      for (const auto& l : t.labels) out += (out.empty() ? "" : "；") + l;
      return out;
    }
  return {};
}

}  // namespace

bool in_count_column(const Facility& f, const std::string& key) {
  if (key.rfind("type_", 0) == 0) return f.type == key.substr(5);
  if (key.rfind("level_", 0) == 0) return std::to_string(static_cast<int>(f.level)) == key.substr(6);
  if (key.rfind("tag_", 0) == 0) return f.has_tag(key.substr(4));
  return false;
}

report::FacilityCountTables facility_count_columns(const Taxonomy& taxonomy,
                                                   const std::function<bool(const std::string&)>& present) {
  report::FacilityCountTables fc;
  // Columns: the types present (taxonomy order), the levels present (三级 first), the tags present (taxonomy order).
  for (const FacilityType& t : taxonomy.types())
    if (present("type_" + t.id)) {
      fc.keys.push_back("type_" + t.id);
      fc.headers_zh.push_back(t.name_zh);
      fc.headers_en.push_back(t.name_en);
      fc.groups_zh.push_back("类别");
    }
  for (const FacilityLevel l : {FacilityLevel::kTertiary, FacilityLevel::kSecondary, FacilityLevel::kPrimary,
                                FacilityLevel::kUnrated})
    if (present("level_" + std::to_string(static_cast<int>(l)))) {
      fc.keys.push_back("level_" + std::to_string(static_cast<int>(l)));
      fc.headers_zh.push_back(to_label_zh(l));
      fc.headers_en.push_back(std::string("Level: ") + to_string(l));
      fc.groups_zh.push_back("等级");
    }
  for (const TagDef& t : taxonomy.tags())
    if (present("tag_" + t.id)) {
      fc.keys.push_back("tag_" + t.id);
      fc.headers_zh.push_back(t.name_zh);
      fc.headers_en.push_back("Tag: " + t.name_en);
      fc.groups_zh.push_back("标签");
    }
  return fc;
}

report::FacilityCountTables facility_counts(const io::LoadedScenario& loaded, const RunAnalysis& a) {
  std::vector<const Facility*> counted;
  for (const Facility& f : loaded.facilities) {
    if (f.status == FacilityStatus::kClosed) continue;
    if (loaded.tile && loaded.grid) {
      // A tile counts the facilities of its own cells: each facility in exactly one tile (docs/method/tiles.md).
      const auto cell = loaded.grid->cell_at(f.x_m, f.y_m);
      if (!cell || *cell >= loaded.tile->own_cell.size() || loaded.tile->own_cell[*cell] == 0) continue;
    }
    counted.push_back(&f);
  }
  report::FacilityCountTables fc = facility_count_columns(loaded.scenario.taxonomy, [&](const std::string& key) {
    return std::any_of(counted.begin(), counted.end(), [&](const Facility* f) { return in_count_column(*f, key); });
  });
  for (std::size_t li = 0; li < a.levels.size(); ++li) {
    const std::size_t zones = a.levels[li].level.zones.size();
    std::vector<std::vector<std::uint32_t>> by_zone(zones, std::vector<std::uint32_t>(fc.keys.size(), 0));
    std::vector<std::uint32_t> all(zones, 0);
    std::uint32_t outside = 0;
    for (const Facility* f : counted) {
      const std::uint32_t z = li < a.facility_zone.size() ? a.facility_zone[li][f->id.value] : analysis::kNoZone;
      if (z == analysis::kNoZone || z >= zones) {
        ++outside;
        continue;
      }
      ++all[z];
      for (std::size_t c = 0; c < fc.keys.size(); ++c)
        if (in_count_column(*f, fc.keys[c])) ++by_zone[z][c];
    }
    fc.by_level.push_back(std::move(by_zone));
    fc.all.push_back(std::move(all));
    fc.outside.push_back(outside);
  }
  return fc;
}

/// One [capacity.<id>]'s labels and results for 附表8 (report/capacity_tables.hpp).
static report::CapacityTables capacity_tables_of(const io::LoadedScenario& loaded, const RunAnalysis& analysis,
                                          const CapacityOutcome& o) {
  const CapacitySpec& spec = *o.spec;
  report::CapacityTables c;
  c.id = spec.id;
  c.name_zh = spec.name_zh;
  c.name_en = spec.name_en;
  c.standard_id = spec.standard;
  c.mode_zh = to_label_zh(o.standard->mode);
  c.mode_en = to_label_en(o.standard->mode);
  c.threshold_min = o.threshold_min;
  if (!spec.field.empty()) {
    c.units_zh = facility_attribute_label_zh(spec.field);
    c.units_en = spec.field;
  } else {
    c.units_zh = "按机构类别定额";
    c.units_en = "units by facility type";
  }
  c.persons_per_unit = spec.persons_per_unit;
  if (spec.order == "population") {
    c.order_zh = "按阈值内人口由多到少（同数按机构编号）";
    c.order_en = "by the population within the threshold, largest first (ties by facility number)";
  } else {
    c.order_zh = std::string("按") + facility_attribute_label_zh(spec.order) + "由多到少（同数按机构编号）";
    c.order_en = "by " + spec.order + ", largest first (ties by facility number)";
  }
  c.source_zh = spec.source_zh;
  c.source_en = spec.source_en;
  c.not_computed_zh = o.not_computed_zh;
  c.not_computed_en = o.not_computed;
  if (!o.computed()) return c;
  const Taxonomy& taxonomy = loaded.scenario.taxonomy;
  for (const std::uint32_t i : o.result.order) {
    const analysis::FacilityCapacity& r = o.result.facilities[i];
    const Facility& f = loaded.facilities[o.facility_ids[i]];
    report::CapacityFacilityRow row;
    row.id = f.source_id;
    row.name = f.name;
    if (const FacilityType* ft = taxonomy.type_by_id(f.type)) {
      row.type_zh = ft->name_zh;
      row.type_en = ft->name_en;
    } else {
      row.type_zh = f.type;
    }
    if (!analysis.levels.empty() && f.id.value < analysis.facility_zone_lowest.size()) {
      const std::uint32_t z = analysis.facility_zone_lowest[f.id.value];
      if (z != analysis::kNoZone) row.zone = analysis.levels.back().level.zones[z].name;
    }
    row.units = o.units[i];
    row.capacity = r.capacity;
    row.population_within = r.population_within;
    row.served = r.served;
    row.status = r.status;
    row.reached_min = r.reached_min;
    c.facilities.push_back(std::move(row));
  }
  for (std::size_t li = 0; li < analysis.levels.size(); ++li) {
    const LevelOnGrid& l = analysis.levels[li];
    analysis::LevelCoverage with, without;
    for (std::size_t z = 0; z < l.level.zones.size(); ++z) {
      analysis::CoverageStats a, b;
      a.pop_total = b.pop_total = l.population[z];
      a.pop_covered = std::min(o.covered_without[li][z], l.population[z]);
      b.pop_covered = std::min(o.covered_with[li][z], a.pop_covered);
      a.pop_uncovered = a.pop_total - a.pop_covered;
      b.pop_uncovered = b.pop_total - b.pop_covered;
      without.total.pop_total += a.pop_total;
      without.total.pop_covered += a.pop_covered;
      with.total.pop_total += b.pop_total;
      with.total.pop_covered += b.pop_covered;
      without.zones.push_back(a);
      with.zones.push_back(b);
    }
    c.without.emplace_back(std::move(without));
    c.with.emplace_back(std::move(with));
  }
  return c;
}

void add_zone_targets(report::StandardTables& st, const std::vector<io::LoadedZoneTargets>& zone_targets,
                      const std::vector<ZoneLevel>& levels) {
  for (const ZoneLevel& l : levels) {
    std::vector<std::optional<double>> targets;
    for (const io::LoadedZoneTargets& zt : zone_targets)
      if (zt.level == l.level)
        if (auto it = zt.by_id.find(st.id); it != zt.by_id.end() && it->second.size() == l.zones.size()) {
          targets = it->second;
          st.zone_targets_label = zone_targets_label(zone_targets, l.level);
        }
    st.zone_targets.push_back(std::move(targets));
  }
}

void add_sources(report::RunTables& t, const io::Scenario& s, const std::string& population_method_zh,
                 const std::string& population_method_en) {
  if (s.population) {
    std::string p = s.population->label.empty() ? s.population->source.path_as_written : s.population->label;
    if (!s.population->year.empty()) p += "（" + s.population->year + "）";
    // With the method (which names the source): how the persons were put on the grid (docs/method/population.md).
    t.sources_zh.push_back("人口：" + (!population_method_zh.empty() ? population_method_zh : p));
    t.sources_en.push_back("Population: " + (!population_method_en.empty() ? population_method_en : p));
  }
  for (const auto& z : s.zones) {
    t.sources_zh.push_back(z.label_zh + "：" + z.source.path_as_written +
                           (z.geometry == io::ZoneGeometryKind::kSeats ? "（驻地点，范围为近似推算）" : ""));
    t.sources_en.push_back(z.label_en + ": " + z.source.path_as_written +
                           (z.geometry == io::ZoneGeometryKind::kSeats ? " (seats; zones approximate)" : ""));
  }
  for (const auto& f : s.facilities) {
    t.sources_zh.push_back("医疗卫生机构：" + f.source.path_as_written);
    t.sources_en.push_back("Facilities: " + f.source.path_as_written);
  }
  for (const auto& z : s.density.zone_totals) {
    const std::string y = z.year.empty() ? "" : "（" + z.year + "）";
    t.sources_zh.push_back("资源总量（按" + z.level + "）：" + z.label + y);
    t.sources_en.push_back("Resource totals (per " + z.level + "): " + z.label + y);
  }
  if (!s.changes.empty()) {
    t.sources_zh.push_back("情景调整：" + (s.changes.label_zh.empty() ? std::string("[changes]") : s.changes.label_zh));
    t.sources_en.push_back("Scenario changes: " +
                           (s.changes.label_en.empty() ? std::string("[changes]") : s.changes.label_en));
  }
  if (s.roads) {
    const std::string r = s.roads->label.empty() ? s.roads->source.path_as_written : s.roads->label;
    t.sources_zh.push_back("道路：" + r + (s.roads->modelled ? "（模拟）" : ""));
    t.sources_en.push_back("Roads: " + r + (s.roads->modelled ? " (modelled)" : ""));
  }
}

std::string indicator_facility_name(const Facility& f) { return f.name.empty() ? f.source_id : f.name; }

report::IndicatorTables indicator_tables(const PlanIndicator& ind, std::size_t level, const Taxonomy& taxonomy,
                                         const std::vector<io::LoadedZoneTargets>& zone_targets,
                                         analysis::IndicatorResult result,
                                         std::vector<std::vector<std::string>> facility_names) {
  report::IndicatorTables it;
  it.id = ind.id;
  it.name_zh = ind.name_zh;
  it.name_en = ind.name_en;
  it.kind = ind.kind;
  it.level = level;
  std::tie(it.select_zh, it.select_en) = describe_selector(ind.select, taxonomy);
  if (ind.kind == IndicatorKind::kShare) std::tie(it.with_zh, it.with_en) = describe_with(ind.with, taxonomy);
  it.within_m = ind.within_m;
  it.target = ind.kind == IndicatorKind::kPresence ? ind.min_count : ind.target_share;
  it.source_zh = ind.source_zh;
  it.source_en = ind.source_en;
  it.zone_targets_label = zone_targets_label(zone_targets, ind.level);
  it.result = std::move(result);
  it.facility_names = std::move(facility_names);
  return it;
}

void add_density_labels(report::RunTables& t, const std::vector<io::LoadedZoneTotals>& zone_totals,
                        const std::vector<io::LoadedZoneTargets>& zone_targets) {
  for (const ZoneLevel& l : t.levels) {
    std::string label;
    std::string population;
    for (const io::LoadedZoneTotals& z : zone_totals)
      if (z.level == l.level) {
        label = z.label + (z.year.empty() ? "" : "（" + z.year + "）");
        population = z.population_label;
      }
    t.zone_totals_label_zh.push_back(label);
    t.zone_totals_population_zh.push_back(population);
    t.density_targets_label.push_back(zone_targets_label(zone_targets, l.level));
  }
}

report::RunTables make_run_tables(const io::LoadedScenario& loaded, const RunAnalysis& analysis) {
  const io::Scenario& s = loaded.scenario;
  report::RunTables t;
  t.scenario_zh = s.info.name;
  t.scenario_en = s.info.name_en;
  t.region_zh = s.info.region;
  t.region_en = s.info.region_en;
  for (const LevelOnGrid& l : analysis.levels) t.levels.push_back(l.level);
  for (const StandardOutcome& o : analysis.standards) {
    report::StandardTables st = standard_tables(o, analysis.levels.size());
    add_zone_targets(st, loaded.zone_targets, t.levels);
    t.standards.push_back(std::move(st));
  }
  t.density.indicators = analysis.indicators;
  for (const auto& d : analysis.density) t.density.by_level.emplace_back(d);
  add_density_labels(t, loaded.zone_totals, loaded.zone_targets);
  for (const IndicatorOutcome& o : analysis.plan_indicators) {
    std::vector<std::vector<std::string>> names;
    for (const auto& z : o.result.zones) {
      names.emplace_back();
      for (const std::uint32_t f : z.facilities) names.back().push_back(indicator_facility_name(loaded.facilities[f]));
    }
    t.indicators.push_back(
        indicator_tables(*o.indicator, o.level, s.taxonomy, loaded.zone_targets, o.result, std::move(names)));
  }
  if (!loaded.facilities.empty()) t.facility_counts = facility_counts(loaded, analysis);

  // Data sources, as the scenario labels them.
  const io::PopulationLoad* pop = loaded.population ? &*loaded.population : nullptr;
  add_sources(t, s, pop != nullptr ? pop->method_zh : std::string(), pop != nullptr ? pop->method : std::string());
  const DataNote note = data_note(s);
  t.data_note_zh = note.zh;
  t.data_note_en = note.en;
  for (const CapacityOutcome& o : analysis.capacity) t.capacity.push_back(capacity_tables_of(loaded, analysis, o));
  add_access_model_tables(t, loaded, analysis);
  for (const SitingOutcome& o : analysis.siting) t.siting.push_back(siting_tables_of(loaded, o));
  return t;
}

DataNote data_note(const io::Scenario& s) {
  DataNote note;
  if (!s.info.data_note.empty() || !s.info.data_note_en.empty()) {
    note.zh = s.info.data_note.empty() ? s.info.data_note_en : s.info.data_note;
    note.en = s.info.data_note_en.empty() ? s.info.data_note : s.info.data_note_en;
    return note;
  }
  // Said from what the scenario marks modelled, in the order of the data sources.
  std::vector<std::string> zh;
  std::vector<std::string> en;
  if (s.population && s.population->modelled) {
    const std::string label = s.population->label.empty() ? s.population->source.path_as_written : s.population->label;
    zh.push_back("人口分布（" + label + "）");
    en.push_back("the population (" + label + ")");
  }
  std::string facilities;
  for (const auto& f : s.facilities)
    if (f.modelled) facilities += (facilities.empty() ? "" : "、") + f.source.path_as_written;
  if (!facilities.empty()) {
    zh.push_back("医疗卫生机构（" + facilities + "）");
    std::string files;
    for (const auto& f : s.facilities)
      if (f.modelled) files += (files.empty() ? "" : ", ") + f.source.path_as_written;
    en.push_back("the facilities (" + files + ")");
  }
  if (s.roads && s.roads->modelled) {
    const std::string label = s.roads->label.empty() ? s.roads->source.path_as_written : s.roads->label;
    zh.push_back("道路（" + label + "）");
    en.push_back("the roads (" + label + ")");
  }
  if (zh.empty()) return note;
  std::string list_zh;
  for (std::size_t i = 0; i < zh.size(); ++i) list_zh += (i == 0 ? "" : i + 1 == zh.size() ? "和" : "、") + zh[i];
  std::string list_en;
  for (std::size_t i = 0; i < en.size(); ++i)
    list_en += (i == 0 ? "" : i + 1 == en.size() ? (en.size() > 2 ? ", and " : " and ") : ", ") + en[i];
  note.zh = "本报告的" + list_zh + "为模拟数据，不是调查或登记数据；结果说明方法与情景差异，不代表实际可及性。";
  note.en = "Modelled data: " + list_en + (en.size() > 1 ? " are" : " is") +
            " modelled, not surveyed or registered; the results show the method and the differences between "
            "scenarios, not actual access.";
  return note;
}

report::Table facility_access_table() {
  using K = report::ColumnKind;
  report::Table t;
  t.id = "facility_access";
  t.sheet_zh = "机构接入道路情况";
  t.sheet_en = "Facility access";
  t.title_zh = "各服务标准纳入机构接入道路情况";
  t.title_en = "How the facilities of each standard join the roads";
  t.columns = {{"standard", "服务标准", "Standard", "", "", K::kText},
               {"facility_id", "机构代码", "Facility id", "", "", K::kText},
               {"name", "机构名称", "Name", "", "", K::kText},
               {"type", "机构类别", "Type", "", "", K::kText},
               {"mode", "出行方式", "Mode", "", "", K::kText},
               {"engine", "计算方法", "Method", "", "", K::kText},
               {"snap_distance_m", "接入距离", "Distance to the road", "米", "m", K::kNumber, 1},
               {"access_leg_s", "接入用时", "Access time", "秒", "s", K::kNumber, 1},
               {"beyond_max_access", "超出接入距离上限", "Beyond the access limit", "", "", K::kText},
               {"joined", "已接入路网", "Joined to the network", "", "", K::kText}};
  return t;
}

void add_facility_access(report::Table& table, const io::LoadedScenario& loaded, const Standard& standard,
                         const analysis::StandardTravel& travel) {
  using report::Cell;
  auto yes_no = [](bool yes) { return yes ? Cell::text("是", "yes") : Cell::text("否", "no"); };
  const Cell engine = standard.engine == TravelEngine::kNetwork  ? Cell::text("路网法", "road network")
                      : standard.engine == TravelEngine::kRaster ? Cell::text("栅格成本距离法", "raster cost distance")
                                                                 : Cell::text("直线距离估算", "straight-line estimate");
  for (const auto& a : travel.access) {
    const Facility& f = loaded.facilities[a.facility];
    const FacilityType* type = loaded.scenario.taxonomy.type_by_id(f.type);
    report::Row row;
    row.cells = {Cell::text(standard.name_zh.empty() ? standard.id : standard.name_zh, standard.name_en),
                 Cell::text(f.source_id),
                 Cell::text(f.name),
                 type != nullptr ? Cell::text(type->name_zh, type->name_en) : Cell::text(f.type),
                 Cell::text(to_label_zh(standard.mode), to_label_en(standard.mode)),
                 engine,
                 Cell::num(a.snap_distance_m),
                 Cell::num(a.access_leg_s),
                 yes_no(a.beyond_max_access),
                 yes_no(a.joined)};
    table.rows.push_back(std::move(row));
  }
}

report::Table facility_list_table(const io::LoadedScenario& loaded, const RunAnalysis& analysis) {
  using K = report::ColumnKind;
  using report::Cell;
  report::Table t;
  t.id = "facilities";
  t.sheet_zh = "医疗卫生机构名录";
  t.sheet_en = "Facilities";
  t.title_zh = "医疗卫生机构名录（含所在区划）";
  t.title_en = "Facilities with the zones they lie in";
  t.columns = {{"facility_id", "机构代码", "Facility id", "", "", K::kText},
               {"name", "机构名称", "Name", "", "", K::kText},
               {"type", "机构类别", "Type", "", "", K::kText},
               {"level", "等级", "Level", "", "", K::kText},
               {"tags", "标签", "Tags", "", "", K::kText},
               {"status", "状态", "Status", "", "", K::kText}};
  for (const LevelOnGrid& l : analysis.levels) {
    t.columns.push_back({l.level.level + "_code", l.level.label_zh + "代码", l.level.label_en + " code", "", "", K::kText});
    t.columns.push_back({l.level.level + "_name", l.level.label_zh, l.level.label_en, "", "", K::kText});
  }
  // Per planning indicator, where each facility stands: the whole list behind 附表5's 相关机构 cells, for a filter.
  enum : std::uint8_t { kNone = 0, kCounted, kLacks, kHas };
  std::vector<std::vector<std::uint8_t>> indicator_status;
  for (const IndicatorOutcome& o : analysis.plan_indicators) {
    const PlanIndicator& ind = *o.indicator;
    const bool share = ind.kind == IndicatorKind::kShare;
    t.columns.push_back({"indicator_" + ind.id, ind.name_zh.empty() ? ind.name_en : ind.name_zh,
                         ind.name_en.empty() ? ind.name_zh : ind.name_en, "", "", K::kText});
    std::vector<std::uint8_t> status(loaded.facilities.size(), kNone);
    for (const auto& z : o.result.zones)
      for (const std::uint32_t f : z.facilities)
        if (f < status.size()) status[f] = share ? kLacks : kCounted;
    if (share)
      for (std::size_t f = 0; f < loaded.facilities.size(); ++f) {
        const bool in_zone = o.level < analysis.facility_zone.size() &&
                             analysis.facility_zone[o.level][loaded.facilities[f].id.value] != analysis::kNoZone;
        if (in_zone && status[f] == kNone && ind.select.matches(loaded.facilities[f]) && ind.with.matches(loaded.facilities[f]))
          status[f] = kHas;
      }
    indicator_status.push_back(std::move(status));
  }
  const Taxonomy& taxonomy = loaded.scenario.taxonomy;
  for (const Facility& f : loaded.facilities) {
    const FacilityType* type = taxonomy.type_by_id(f.type);
    std::string tags_zh;
    std::string tags_en;
    for (const auto& tag : f.tags) {
      const TagDef* def = taxonomy.tag_by_id(tag);
      tags_zh += (tags_zh.empty() ? "" : "、") + (def != nullptr ? def->name_zh : tag);
      tags_en += (tags_en.empty() ? "" : ";") + tag;
    }
    const Cell status = f.status == FacilityStatus::kClosed    ? Cell::text("关闭", "closed")
                        : f.status == FacilityStatus::kPlanned ? Cell::text("规划", "planned")
                                                               : Cell::text("在用", "active");
    report::Row row;
    row.cells = {Cell::text(f.source_id), Cell::text(f.name),
                 type != nullptr ? Cell::text(type->name_zh, type->name_en) : Cell::text(f.type),
                 Cell::text(to_label_zh(f.level), to_string(f.level)), Cell::text(tags_zh, tags_en), status};
    for (std::size_t li = 0; li < analysis.levels.size(); ++li) {
      const std::uint32_t z = li < analysis.facility_zone.size() ? analysis.facility_zone[li][f.id.value] : analysis::kNoZone;
      const auto& zones = analysis.levels[li].level.zones;
      row.cells.push_back(z < zones.size() ? Cell::text(zones[z].code) : Cell::empty());
      row.cells.push_back(z < zones.size() ? Cell::text(zones[z].name) : Cell::empty());
    }
    const std::size_t index = t.rows.size();
    for (const auto& of_indicator : indicator_status) {
      switch (of_indicator[index]) {
        case kCounted: row.cells.push_back(Cell::text("计入", "counted")); break;
        case kLacks: row.cells.push_back(Cell::text("尚不具备", "lacks it")); break;
        case kHas: row.cells.push_back(Cell::text("已具备", "has it")); break;
        default: row.cells.push_back(Cell::empty()); break;
      }
    }
    t.rows.push_back(std::move(row));
  }
  return t;
}

void write_run_tables(const report::RunTables& tables, const std::filesystem::path& dir, report::Lang lang,
                      std::vector<std::string>& outputs) {
  const std::vector<report::Table> appendix = report::appendix_tables(tables);
  std::filesystem::create_directories(dir / "tables");
  for (const report::Table& t : appendix) {
    const std::string name = "tables/" + t.id + ".csv";
    io::write_file_atomically(dir / name, report::to_csv(t, lang));
    outputs.push_back(name);
  }
  report::XlsxOptions options;
  options.subject = lang == report::Lang::kZh || tables.scenario_en.empty() ? tables.scenario_zh : tables.scenario_en;
  report::write_xlsx(dir / "appendix.xlsx", appendix, lang, options);
  outputs.push_back("appendix.xlsx");
  io::write_file_atomically(dir / "report.md", report::report_markdown(tables, lang));
  outputs.push_back("report.md");
}

}  // namespace carereach::pipeline

namespace carereach::pipeline {

namespace {

std::pair<std::string, std::string> measure_of(const Standard& st, double limit_min) {
  const char* engine_zh = st.engine == TravelEngine::kNetwork ? "路网法" : st.engine == TravelEngine::kRaster ? "栅格法" : "直线距离估算";
  const char* engine_en = st.engine == TravelEngine::kNetwork ? "road network" : st.engine == TravelEngine::kRaster ? "raster" : "straight-line estimate";
  const std::string limit = report::format_fixed(limit_min, 0);
  return {"出行时间按标准“" + st.name_zh + "”的方式（" + to_label_zh(st.mode) + "，" + engine_zh + "）计算，搜索上限" + limit + "分钟",
          "travel times by the mode of standard " + st.id + " (" + to_label_en(st.mode) + ", " + engine_en +
              "), searched up to " + limit + " min"};
}

std::pair<std::string, std::string> quantity_labels(FacilityQuantity q) {
  switch (q) {
    case FacilityQuantity::kBeds: return {"床位数", "beds"};
    case FacilityQuantity::kDoctors: return {"执业（助理）医师数", "doctors"};
    case FacilityQuantity::kNurses: return {"注册护士数", "nurses"};
    case FacilityQuantity::kGps: return {"全科医生数", "general practitioners"};
    case FacilityQuantity::kTcmBeds: return {"中医床位数", "TCM beds"};
    case FacilityQuantity::kTcmDoctors: return {"中医类别执业（助理）医师数", "TCM doctors"};
    case FacilityQuantity::kCapacity: return {"服务能力", "capacity"};
    case FacilityQuantity::kCount: return {"机构数", "facilities"};
    case FacilityQuantity::kLevel: return {"医院等级（三级3、二级2、其他1）", "hospital level (tertiary 3, secondary 2, other 1)"};
  }
  return {"", ""};
}

std::string facility_name(const Facility& f) { return f.name.empty() ? f.source_id : f.name; }

}  // namespace

void add_access_model_tables(report::RunTables& t, const io::LoadedScenario& loaded, const RunAnalysis& a) {
  const Taxonomy& tax = loaded.scenario.taxonomy;
  const PopulationGrid& pop = loaded.population->surface;
  for (const ReferralOutcome& o : a.referrals) {
    report::ReferralTables r;
    r.id = o.spec->id;
    r.name_zh = o.spec->name_zh.empty() ? "转诊时间（" + o.spec->id + "）" : o.spec->name_zh;
    r.name_en = o.spec->name_en.empty() ? "Referral times (" + o.spec->id + ")" : o.spec->name_en;
    std::tie(r.measure_zh, r.measure_en) = measure_of(*o.standard, o.limit_min);
    r.threshold_min = o.spec->threshold_min;
    r.limit_min = o.limit_min;
    r.level = o.level;
    r.targets = o.targets;
    r.not_computed_zh = o.not_computed_zh;
    r.not_computed_en = o.not_computed;
    for (const analysis::ReferralRow& row : o.rows) {
      const Facility& f = loaded.facilities[row.from];
      report::ReferralTables::Row out;
      out.from_id = f.source_id;
      out.from_name = facility_name(f);
      if (const FacilityType* ft = tax.type_by_id(f.type)) {
        out.from_type_zh = ft->name_zh;
        out.from_type_en = ft->name_en;
      }
      out.zone = o.level < a.facility_zone.size() ? a.facility_zone[o.level][row.from] : report::kNoZoneIndex;
      if (row.status == analysis::ReferralStatus::kReached) {
        out.to_id = loaded.facilities[row.to].source_id;
        out.to_name = facility_name(loaded.facilities[row.to]);
        out.minutes = row.minutes;
      } else if (row.status == analysis::ReferralStatus::kOutsideGrid) {
        out.minutes = std::nan("");
      }
      r.rows.push_back(std::move(out));
    }
    t.access_models.referrals.push_back(std::move(r));
  }
  for (const AccessibilityOutcome& o : a.accessibility) {
    report::AccessibilityTables r;
    r.id = o.spec->id;
    r.name_zh = o.spec->name_zh.empty() ? "可及性指数（" + o.spec->id + "）" : o.spec->name_zh;
    r.name_en = o.spec->name_en.empty() ? "Accessibility index (" + o.spec->id + ")" : o.spec->name_en;
    std::tie(r.measure_zh, r.measure_en) = measure_of(*o.standard, o.decay.limit_min());
    std::tie(r.supply_zh, r.supply_en) = quantity_labels(o.spec->supply);
    if (o.decay.kind == analysis::DecayKind::kGaussian) {
      const std::string t0 = report::format_fixed(o.decay.t0_min, 0);
      r.decay_zh = "高斯衰减（t0 = " + t0 + " 分钟）";
      r.decay_en = "Gaussian decay (t0 = " + t0 + " min, Dai 2010)";
    } else {
      r.decay_zh = "分段衰减：";
      r.decay_en = "step decay:";
      for (std::size_t b = 0; b < o.decay.bands_min.size(); ++b) {
        const std::string m = report::format_fixed(o.decay.bands_min[b], 1);
        const std::string w = report::format_fixed(o.decay.weights[b], 2);
        r.decay_zh += (b ? "，" : "") + std::string("≤") + m + "分钟 " + w;
        r.decay_en += (b ? ", " : " ") + std::string("≤ ") + m + " min " + w;
      }
    }
    r.not_computed_zh = o.not_computed_zh;
    r.not_computed_en = o.not_computed;
    r.supply_missing = o.supply_missing;
    r.not_joined = o.not_joined;
    for (std::size_t j = 0; j < o.facility_ids.size(); ++j) {
      const Facility& f = loaded.facilities[o.facility_ids[j]];
      report::AccessibilityTables::FacilityRow fr;
      fr.id = f.source_id;
      fr.name = facility_name(f);
      fr.zone = a.facility_zone.empty() ? report::kNoZoneIndex : a.facility_zone.front()[f.id.value];
      if (j < o.result.supply.size()) {
        fr.supply = o.result.supply[j];
        fr.demand = o.result.demand[j];
        fr.reaches_nobody = o.result.reaches_nobody[j];
      } else {
        fr.supply = facility_quantity(f, o.spec->supply).value_or(0.0);
        fr.reaches_nobody = true;
      }
      r.supply_total += fr.supply;
      r.facilities.push_back(std::move(fr));
    }
    for (std::size_t l = 0; l < a.levels.size(); ++l) {
      r.zone_population.push_back(a.levels[l].population);
      r.zone_value.push_back(l < o.zone_value.size() ? o.zone_value[l]
                                                     : std::vector<double>(a.levels[l].population.size(), 0.0));
    }
    r.population = pop.total();
    r.weighted_total = o.result.population_weighted_total;
    r.supply_reaching = o.result.supply_reaching_population;
    t.access_models.accessibility.push_back(std::move(r));
  }
  for (const HuffOutcome& o : a.huff) {
    report::HuffTables r;
    r.id = o.spec->id;
    r.name_zh = o.spec->name_zh.empty() ? "就诊流向（模型估计，" + o.spec->id + "）" : o.spec->name_zh;
    r.name_en = o.spec->name_en.empty() ? "Where residents seek care (modelled, " + o.spec->id + ")" : o.spec->name_en;
    const auto [measure_zh, measure_en] = measure_of(*o.standard, o.limit_min);
    const auto [attr_zh, attr_en] = quantity_labels(o.spec->attractiveness);
    const std::string beta = report::format_fixed(o.beta, 4);
    const bool power = o.decay == analysis::HuffDecay::kPower;
    r.params_zh = std::string(power ? "幂函数衰减 f(t) = t^(−β)，β = " : "指数衰减 f(t) = e^(−βt)，β = ") + beta +
                  (power ? "" : "/分钟") + (o.calibrated ? "（按实际就诊率校准）" : "（给定）") + "，吸引力 = " + attr_zh +
                  "；" + measure_zh;
    r.params_en = std::string(power ? "power decay f(t) = t^(−β), β = " : "exponential decay f(t) = e^(−βt), β = ") +
                  beta + (power ? "" : " per min") + (o.calibrated ? " (calibrated to the observed shares)" : " (given)") +
                  ", attractiveness = " + attr_en + "; " + measure_en;
    r.level = o.level;
    r.target_share = o.spec->target_share;
    r.source_zh = o.spec->source_zh;
    r.source_en = o.spec->source_en;
    r.observed_label = o.spec->observed_label;
    r.not_computed_zh = o.not_computed_zh;
    r.not_computed_en = o.not_computed;
    const std::size_t zones = a.levels[o.level].level.zones.size();
    r.population = a.levels[o.level].population;
    r.flows = o.result.flows;
    if (r.flows.size() != zones) r.flows.assign(zones, std::vector<double>(zones + 1, 0.0));
    r.reached = o.result.reached_population;
    r.observed = o.observed;
    r.residual.assign(zones, std::nullopt);
    if (o.fit) {
      r.residual = o.fit->residuals;
      r.sse = o.fit->sse;
    }
    r.calibrated = o.calibrated;
    r.beta = o.beta;
    t.access_models.huff.push_back(std::move(r));
  }
}

}  // namespace carereach::pipeline
