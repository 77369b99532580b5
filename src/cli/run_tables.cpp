#include "cli/run_tables.hpp"

#include <filesystem>

#include "core/taxonomy.hpp"
#include "io/files.hpp"
#include "report/writers.hpp"

namespace carereach::cli {

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

report::RunTables make_run_tables(const io::LoadedScenario& loaded, const RunAnalysis& analysis) {
  const io::Scenario& s = loaded.scenario;
  report::RunTables t;
  t.scenario_zh = s.info.name;
  t.scenario_en = s.info.name_en;
  t.region_zh = s.info.region;
  t.region_en = s.info.region_en;
  for (const LevelOnGrid& l : analysis.levels) t.levels.push_back(l.level);
  for (const StandardOutcome& o : analysis.standards) {
    t.standards.push_back(standard_tables(o, analysis.levels.size()));
  }
  t.density.indicators = analysis.indicators;
  for (const auto& d : analysis.density) t.density.by_level.emplace_back(d);

  // Data sources, as the scenario labels them.
  if (s.population) {
    std::string p = s.population->label.empty() ? s.population->source.path_as_written : s.population->label;
    if (!s.population->year.empty()) p += "（" + s.population->year + "）";
    // With the method (which names the source): how the persons were put on the grid (docs/method/population.md).
    const io::PopulationLoad* pop = loaded.population ? &*loaded.population : nullptr;
    t.sources_zh.push_back("人口：" + (pop != nullptr && !pop->method_zh.empty() ? pop->method_zh : p));
    t.sources_en.push_back("Population: " + (pop != nullptr && !pop->method.empty() ? pop->method : p));
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
  const DataNote note = data_note(s);
  t.data_note_zh = note.zh;
  t.data_note_en = note.en;
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

}  // namespace carereach::cli
