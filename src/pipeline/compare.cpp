// carereach compare as a library call: what changes between two runs (a baseline and a scenario) — per zone and
// standard the covered population and share, the areas newly covered and newly uncovered, the change of every
// cell's travel time, and a table and Markdown summary of who gains and who loses. Moved here from the command line
// (cli/cmd_compare.cpp), which now parses the options, calls compare_runs and prints the result.

#include "pipeline/compare.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <tuple>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "io/files.hpp"
#include "io/layers.hpp"
#include "io/output_folder.hpp"
#include "io/polygonize.hpp"
#include "io/qgis_styles.hpp"
#include "io/raster_writer.hpp"
#include "io/run_manifest.hpp"
#include "pipeline/compare_map.hpp"
#include "pipeline/run_report.hpp"
#include "pipeline/versions.hpp"
#include "report/table.hpp"
#include "report/writers.hpp"

namespace carereach::pipeline {

namespace {

namespace fs = std::filesystem;

using json = nlohmann::json;

json read_run_json(const std::string& dir) {
  const fs::path file = fs::path(dir) / "run.json";
  std::ifstream in(file, std::ios::binary);
  if (!in)
    throw InputError("is not the folder of a finished run (no run.json)", Location{dir, {}, {}, {}, 0},
                     "give two folders written by `carereach run`");
  try {
    json j = json::parse(in);
    if (!j.contains("coverage") || !j["coverage"].is_array())
      throw InputError("has no coverage results", Location{file.string(), {}, {}, {}, 0},
                       "run the scenario again with this version of carereach");
    return j;
  } catch (const json::exception& e) {
    throw InputError(std::string("is not valid JSON: ") + e.what(), Location{file.string(), {}, {}, {}, 0});
  }
}

double num(const json& j, const char* key) {
  if (!j.contains(key) || !j[key].is_number()) return std::nan("");
  return j[key].get<double>();
}

/// tables/compare_indicators.csv: per planning indicator and zone, the count and whether the target is met in A and
/// in B, and what changed (新达标 newly met / 不再达标 no longer met).
report::Table indicator_compare_table() {
  using K = report::ColumnKind;
  report::Table t;
  t.id = "compare_indicators";
  t.sheet_zh = "规划指标对比";
  t.sheet_en = "Planning indicators";
  t.title_zh = "规划指标分区达标情况对比（基准 A → 情景 B）";
  t.title_en = "Planning indicators by zone, baseline A → scenario B";
  t.columns = {{"indicator", "指标", "Indicator", "", "", K::kText},
               {"code", "区划代码", "Code", "", "", K::kText},
               {"name", "名称", "Name", "", "", K::kText},
               {"count_a", "现有数 A", "Count A", "个", "facilities", K::kInteger},
               {"count_b", "现有数 B", "Count B", "个", "facilities", K::kInteger},
               {"met_a", "达标 A", "Met A", "", "", K::kText},
               {"met_b", "达标 B", "Met B", "", "", K::kText},
               {"missing_b", "尚缺 B", "Still missing B", "个", "facilities", K::kInteger},
               {"change", "变化", "Change", "", "", K::kText}};
  t.notes_zh.push_back("注：现有数、达标与尚缺见各次运行的附表5 规划指标；区划代码在两次运行中都有时才对比。");
  t.notes_en.push_back("Note: counts, met and missing as in each run's Table 5 Planning indicators; a zone is compared "
                       "when its code is in both runs.");
  return t;
}

report::Cell met_text(const json& met) {
  if (met.is_boolean()) return met.get<bool>() ? report::Cell::text("是", "Yes") : report::Cell::text("否", "No");
  return report::Cell::text("未评估", "not assessed");
}

/// The rows of one indicator, and the console line: "county_tertiary 三级医院县城全覆盖: 1 → 2 zones met (newly met:
/// 乙县)".
std::string add_indicator_rows(report::Table& t, const json& a, const json& b) {
  using report::Cell;
  const std::string id = b.value("indicator", std::string());
  const std::string name_zh = b.value("name_zh", std::string());
  const std::string name_en = b.value("name_en", std::string());
  std::map<std::string, const json*> zones_a;
  if (a.contains("zones"))
    for (const auto& z : a["zones"]) zones_a[z.value("code", std::string())] = &z;
  std::vector<std::string> newly;
  std::vector<std::string> lost;
  if (b.contains("zones"))
    for (const auto& zb : b["zones"]) {
      const std::string code = zb.value("code", std::string());
      const auto it = zones_a.find(code);
      if (it == zones_a.end()) continue;
      const json& za = *it->second;
      const json met_a = za.contains("met") ? za["met"] : json();
      const json met_b = zb.contains("met") ? zb["met"] : json();
      Cell change = Cell::text("", "");
      const bool was = met_a.is_boolean() && met_a.get<bool>();
      const bool is = met_b.is_boolean() && met_b.get<bool>();
      if (!was && is) {
        change = Cell::text("新达标", "newly met");
        newly.push_back(zb.value("name", code));
      } else if (was && !is) {
        change = Cell::text("不再达标", "no longer met");
        lost.push_back(zb.value("name", code));
      }
      report::Row row;
      row.cells = {Cell::text(name_zh.empty() ? name_en : name_zh, name_en), Cell::text(code),
                   Cell::text(zb.value("name", std::string())), Cell::num(num(za, "count")),
                   Cell::num(num(zb, "count")), met_text(met_a), met_text(met_b), Cell::num(num(zb, "missing")),
                   change};
      t.rows.push_back(std::move(row));
    }
  auto joined = [](const std::vector<std::string>& v) {
    std::string out;
    for (const auto& x : v) out += (out.empty() ? "" : ", ") + x;
    return out;
  };
  std::string line = id + " " + name_zh + ": " + std::to_string(a.value("zones_met", 0)) + " → " +
                     std::to_string(b.value("zones_met", 0)) + " zones met";
  if (!newly.empty()) line += " (newly met 新达标: " + joined(newly) + ")";
  if (!lost.empty()) line += " (no longer met 不再达标: " + joined(lost) + ")";
  return line;
}

/// A zone's figures in one run.
struct ZoneFigures {
  std::string name;
  std::string parent_code;
  double pop_total = 0, pop_covered = 0;
};

std::map<std::string, ZoneFigures> zones_of(const json& level) {
  std::map<std::string, ZoneFigures> out;
  for (const auto& z : level["zones"])
    out[z["code"].get<std::string>()] = {z.value("name", ""), z.value("parent_code", ""), num(z, "pop_total"),
                                         num(z, "pop_covered")};
  return out;
}

ZoneChange change(const std::string& code, const ZoneFigures& a, const ZoneFigures& b) {
  ZoneChange c;
  c.code = code;
  c.name = b.name;
  c.parent_code = b.parent_code;
  c.pop_total = b.pop_total;
  c.covered_a = a.pop_covered;
  c.covered_b = b.pop_covered;
  c.share_a = a.pop_total > 0 ? a.pop_covered / a.pop_total : 0;
  c.share_b = b.pop_total > 0 ? b.pop_covered / b.pop_total : 0;
  return c;
}

/// The classes of a travel-time difference raster (B − A, minutes): green where B is faster, red where it is
/// slower, a pale middle class for changes within one minute either way (rounding of the two runs' times).
std::vector<io::qgis::RasterClass> travel_time_difference_classes(report::Lang lang) {
  const bool zh = lang == report::Lang::kZh;
  using io::qgis::colour;
  return {{-30, colour("#1a9850"), zh ? "缩短 30 分钟以上" : "30 min or more faster"},
          {-10, colour("#91cf60"), zh ? "缩短 10–30 分钟" : "10–30 min faster"},
          {-1, colour("#d9ef8b"), zh ? "缩短 1–10 分钟" : "1–10 min faster"},
          {1, colour("#ffffbf"), zh ? "变化不足 1 分钟" : "within 1 min"},
          {10, colour("#fee08b"), zh ? "延长 1–10 分钟" : "1–10 min slower"},
          {30, colour("#fc8d59"), zh ? "延长 10–30 分钟" : "10–30 min slower"},
          {std::numeric_limits<double>::infinity(), colour("#d73027"), zh ? "延长 30 分钟以上" : "30 min or more slower"}};
}

/// The travel-time difference raster and the layers of newly covered and newly uncovered areas.
void compare_rasters(StandardChange& sc, const CompareConfig& config, const io::OutputDir& dir,
                     std::vector<io::LayerData>& layers, std::vector<std::string>& outputs,
                     std::string& raster_crs_wkt, ProgressSink& progress) {
  const std::string file = "travel_time_" + sc.id + ".tif";
  const fs::path fa = fs::path(config.run_a) / file;
  const fs::path fb = fs::path(config.run_b) / file;
  std::error_code ec;
  if (!fs::exists(fa, ec) || !fs::exists(fb, ec)) return;
  ProgressStep step(&progress, "compare " + sc.id);
  const io::MinutesRaster ra = io::read_travel_time_geotiff(fa);
  const io::MinutesRaster rb = io::read_travel_time_geotiff(fb);
  if (ra.grid.cols != rb.grid.cols || ra.grid.rows != rb.grid.rows || ra.grid.origin_x_m != rb.grid.origin_x_m ||
      ra.grid.origin_y_m != rb.grid.origin_y_m || ra.grid.cell_size_m != rb.grid.cell_size_m)
    throw InputError("is not on the grid of " + fa.string(), Location{fb.string(), {}, {}, {}, 0});
  raster_crs_wkt = rb.crs_wkt;
  sc.raster = true;
  const float threshold = static_cast<float>(sc.threshold_min);
  std::vector<float> diff(ra.minutes.size(), std::nanf(""));
  std::vector<std::uint32_t> labels(ra.minutes.size(), 0);
  std::size_t gained = 0, lost = 0;
  for (std::size_t c = 0; c < diff.size(); ++c) {
    const float ta = ra.minutes[c], tb = rb.minutes[c];
    if (std::isfinite(ta) && std::isfinite(tb)) diff[c] = tb - ta;
    const bool in_a = ta <= threshold, in_b = tb <= threshold;
    if (in_b && !in_a) labels[c] = 1, ++gained;
    if (in_a && !in_b) labels[c] = 2, ++lost;
  }
  sc.area_gained_km2 = static_cast<double>(gained) * ra.grid.cell_area_km2();
  sc.area_lost_km2 = static_cast<double>(lost) * ra.grid.cell_area_km2();
  const std::string diff_file = "travel_time_diff_" + sc.id + ".tif";
  io::write_minutes_difference_geotiff(dir.path() / diff_file, rb.grid, diff, rb.crs_wkt,
                                       {{"CAREREACH_STANDARD", sc.id}, {"CAREREACH_UNITS", "minutes, B - A"}});
  outputs.push_back(diff_file);
  // Its style: QGIS applies FILE.qml beside FILE.tif when it opens the raster; GIS that read SLD find the same
  // classes in styles/.
  const std::vector<io::qgis::RasterClass> classes = travel_time_difference_classes(config.lang);
  const std::string diff_qml = "travel_time_diff_" + sc.id + ".qml";
  io::write_file_atomically(dir.path() / diff_qml, io::qgis::raster_classes_qml(classes));
  outputs.push_back(diff_qml);
  std::filesystem::create_directories(dir.path() / "styles");
  io::write_file_atomically(dir.path() / ("styles/travel_time_diff_" + sc.id + ".sld"),
                            io::qgis::raster_classes_sld(classes, "travel_time_diff_" + sc.id));
  outputs.push_back("styles/travel_time_diff_" + sc.id + ".sld");

  io::LayerData l;
  l.name = "change_" + sc.id;
  l.title_zh = sc.name_zh + " 覆盖变化";
  l.description = sc.name_en + ": cells newly covered and newly uncovered in run B compared with run A";
  l.fields = {{"change", "变化", io::FieldDef::Type::kString},
              {"change_zh", "变化（中文）", io::FieldDef::Type::kString},
              {"area_km2", "面积（平方千米）", io::FieldDef::Type::kReal}};
  for (auto& p : io::polygonize_labels(rb.grid, labels, 0)) {
    io::LayerFeature f;
    f.geometry = std::move(p.polygon);
    f.values = {std::string(p.label == 1 ? "newly covered" : "newly uncovered"),
                std::string(p.label == 1 ? "新增覆盖" : "不再覆盖"),
                static_cast<double>(p.cell_count) * rb.grid.cell_area_km2()};
    l.features.push_back(std::move(f));
  }
  io::qgis::CategorizedFill style;
  style.field = "change";
  style.categories = {{"newly covered", io::qgis::colour("#1a9641"), "新增覆盖"},
                      {"newly uncovered", io::qgis::colour("#d7191c"), "不再覆盖"}};
  l.qml = io::qgis::categorized_fill_qml(style);
  layers.push_back(std::move(l));
}

std::vector<report::Table> make_tables(const std::vector<StandardChange>& changes) {
  std::map<std::string, report::Table> by_level;
  for (const auto& sc : changes) {
    for (const auto& lc : sc.levels) {
      report::Table& t = by_level[lc.level];
      if (t.columns.empty()) {
        t.id = "compare_" + lc.level;
        t.sheet_zh = "覆盖变化（" + lc.label_zh + "）";
        t.sheet_en = "Change (" + lc.label_en + ")";
        t.title_zh = "情景对比：服务圈覆盖人口变化（" + lc.label_zh + "）";
        t.title_en = "Scenario comparison: change of the population covered (" + lc.label_en + ")";
        using K = report::ColumnKind;
        t.columns = {{"standard", "服务标准", "Standard", "", "", K::kText},
                     {"code", "代码", "Code", "", "", K::kText},
                     {"name", "名称", "Name", "", "", K::kText},
                     {"pop_total", "常住人口", "Population", "人", "persons", K::kInteger},
                     {"covered_a", "基准覆盖人口", "Covered, baseline", "人", "persons", K::kInteger},
                     {"covered_b", "情景覆盖人口", "Covered, scenario", "人", "persons", K::kInteger},
                     {"delta_covered", "覆盖人口变化", "Change of covered", "人", "persons", K::kInteger},
                     {"share_a", "基准覆盖率", "Share, baseline", "%", "%", K::kPercent, 1},
                     {"share_b", "情景覆盖率", "Share, scenario", "%", "%", K::kPercent, 1},
                     {"delta_share", "覆盖率变化", "Change of share", "百分点", "points", K::kNumber, 1}};
        t.notes_zh = {"注：覆盖人口变化 = 情景覆盖人口 − 基准覆盖人口；每个服务标准先列合计行。",
                      "注：人数取自两次运行公布的整数（强制平衡，各区划之和等于合计）；覆盖率由人数计算，覆盖率变化为两个覆盖率"
                      "（各保留一位小数）之差。"};
        t.notes_en = {"Note: change = covered in the scenario − covered in the baseline; each standard's total "
                      "first.",
                      "Note: persons are the whole numbers both runs publish (forced totals: the zones add up to the "
                      "total); shares are computed from them, and the change of share is the difference of the two "
                      "shares as shown (one decimal)."};
      }
      auto row = [&](const ZoneChange& z, bool total) {
        report::Row r;
        r.total = total;
        r.cells = {report::Cell::text(sc.name_zh, sc.name_en),
                   total ? report::Cell::text("合计", "Total") : report::Cell::text(z.code),
                   total ? report::Cell::empty() : report::Cell::text(z.name + (lc.approximate ? "〔近似〕" : ""),
                                                                      z.name + (lc.approximate ? " (approx.)" : "")),
                   report::Cell::num(z.pop_total),
                   report::Cell::num(z.covered_a),
                   report::Cell::num(z.covered_b),
                   report::Cell::num(z.delta()),
                   report::Cell::num(z.share_a),
                   report::Cell::num(z.share_b),
                   report::Cell::num(z.delta_share_shown() * 100.0)};
        t.rows.push_back(std::move(r));
      };
      row(lc.total, true);
      for (const auto& z : lc.zones) row(z, false);
    }
  }
  std::vector<report::Table> out;
  for (auto& [level, t] : by_level) out.push_back(std::move(t));
  return out;
}

}  // namespace

CompareResult compare_runs(const CompareConfig& config, RunObserver& observer) {
  CompareResult result;
  io::check_output_path(config.out.string());
  const std::string started_at = io::utc_now_iso8601();
  const json a = read_run_json(config.run_a);
  const json b = read_run_json(config.run_b);
  const json& grid_a = a["counts"]["grid"];
  const json& grid_b = b["counts"]["grid"];
  if (grid_a != grid_b)
    throw InputError("the two runs are on different analysis grids (extent, cell size or CRS differ)",
                     Location{config.run_b, {}, {}, {}, 0}, "compare runs of scenarios with the same zones and [analysis]");
  io::OutputFolderOptions out_options;
  out_options.command = "compare";
  out_options.overwrite = config.overwrite;
  out_options.inputs = {config.run_a, config.run_b};
  io::OutputDir dir(config.out, out_options);
  for (const auto& note : dir.recovery_notes()) observer.status(note);
  ProgressSink& progress = observer;
  const report::Lang lang = config.lang;

  std::vector<StandardChange>& changes = result.changes;
  std::vector<io::LayerData> layers;
  std::vector<std::string>& outputs = result.outputs;
  std::vector<std::string>& warnings = result.warnings;
  std::string raster_crs_wkt;
  const std::string version = versions().at("carereach");
  for (const auto& sb : b["coverage"]) {
    const std::string id = sb["standard"];
    const auto sa_it = std::find_if(a["coverage"].begin(), a["coverage"].end(),
                                    [&](const json& s) { return s["standard"] == id; });
    if (sa_it == a["coverage"].end()) {
      warnings.push_back(id + ": " + (lang == report::Lang::kZh ? "基准运行中没有该服务标准，未对比" : "not in the baseline run; not compared"));
      continue;
    }
    if (sb.contains("status") || sa_it->contains("status")) {
      warnings.push_back(id + ": " + (lang == report::Lang::kZh ? "至少一次运行未计算该标准，未对比" : "not computed in one of the runs; not compared"));
      continue;
    }
    const json& sa = *sa_it;
    StandardChange sc;
    sc.id = id;
    sc.name_zh = sb.value("name_zh", id);
    sc.name_en = sb.value("name_en", id);
    sc.threshold_min = num(sb, "threshold_min");
    sc.target_share = num(sb, "target_share");
    std::map<std::string, std::string> names;  // codes of the coarser levels → names
    for (const auto& lb : sb["levels"]) {
      const auto la_it = std::find_if(sa["levels"].begin(), sa["levels"].end(),
                                      [&](const json& l) { return l["level"] == lb["level"]; });
      if (la_it == sa["levels"].end()) continue;
      LevelChange lc;
      lc.level = lb["level"];
      lc.label_zh = lb.value("label_zh", lc.level);
      lc.label_en = lb.value("label_en", lc.level);
      lc.approximate = lb.value("approximate", false);
      const auto za = zones_of(*la_it);
      const auto zb = zones_of(lb);
      ZoneFigures ta{"", "", num((*la_it)["total"], "pop_total"), num((*la_it)["total"], "pop_covered")};
      ZoneFigures tb{"", "", num(lb["total"], "pop_total"), num(lb["total"], "pop_covered")};
      lc.total = change("", ta, tb);
      for (const auto& z : lb["zones"]) {
        const std::string code = z["code"];
        if (auto it = za.find(code); it != za.end()) lc.zones.push_back(change(code, it->second, zb.at(code)));
      }
      // Names with the parent zone's name in front (several townships are called 城关镇).
      for (auto& zc : lc.zones)
        if (auto it = names.find(zc.parent_code); it != names.end()) zc.name = it->second + zc.name;
      for (const auto& z : lb["zones"]) names.emplace(z["code"].get<std::string>(), z.value("name", ""));
      sc.levels.push_back(std::move(lc));
    }
    if (std::isfinite(sc.threshold_min)) compare_rasters(sc, config, dir, layers, outputs, raster_crs_wkt, progress);
    changes.push_back(std::move(sc));
  }

  std::vector<report::Table> tables = make_tables(changes);
  // Planning indicators: zone by zone, met in A and in B (run.json "indicators").
  std::vector<std::string>& indicator_lines = result.indicator_lines;
  if (b.contains("indicators") && b["indicators"].is_array()) {
    report::Table t = indicator_compare_table();
    for (const auto& ib : b["indicators"]) {
      const std::string id = ib.value("indicator", std::string());
      const json* ia = nullptr;
      if (a.contains("indicators") && a["indicators"].is_array())
        for (const auto& x : a["indicators"])
          if (x.value("indicator", std::string()) == id) ia = &x;
      if (ia == nullptr) {
        warnings.push_back(id + ": " + (lang == report::Lang::kZh ? "基准运行中没有该规划指标，未对比"
                                                                   : "planning indicator not in the baseline run; not compared"));
        continue;
      }
      indicator_lines.push_back(add_indicator_rows(t, *ia, ib));
    }
    if (!t.rows.empty()) tables.push_back(std::move(t));
  }
  std::filesystem::create_directories(dir.path() / "tables");
  for (const auto& t : tables) {
    io::write_file_atomically(dir.path() / ("tables/" + t.id + ".csv"), report::to_csv(t, lang));
    outputs.push_back("tables/" + t.id + ".csv");
  }
  io::write_file_atomically(dir.path() / "compare.md", compare_markdown(a, b, changes, tables, lang));
  outputs.push_back("compare.md");
  {
    ProgressStep step(&progress, "compare.html");
    CompareReportInput in;
    in.run_a = &a;
    in.run_b = &b;
    in.dir_a = fs::path(config.run_a);
    in.dir_b = fs::path(config.run_b);
    in.changes = &changes;
    in.tables = &tables;
    in.change_layers = &layers;
    in.warnings = warnings;
    in.date = report_date(started_at);
    in.version = version;
    in.lang = lang;
    io::write_file_atomically(dir.path() / "compare.html", compare_html(in));
    outputs.push_back("compare.html");
    io::write_file_atomically(dir.path() / "map.html", compare_map_html(in));
    outputs.push_back("map.html");
  }
  if (!layers.empty()) {
    io::GeoPackageOptions options;
    options.timestamp = io::utc_now_iso8601();
    const geo::CrsSpec analysis_crs = geo::CrsSpec::from_wkt(raster_crs_wkt);
    const geo::CrsSpec output_crs = geo::CrsSpec::parse(b["settings"].value("output_crs", std::string("EPSG:4490")));
    io::write_geopackage(dir.path() / "layers.gpkg", layers, analysis_crs, output_crs, options);
    outputs.push_back("layers.gpkg");
  }
  // compare.json: what was compared, with what, and what was written.
  outputs.push_back("compare.json");
  nlohmann::ordered_json manifest;
  nlohmann::ordered_json args = nlohmann::ordered_json::array();
  if (!config.arguments.empty()) {
    for (const auto& arg : config.arguments) args.push_back(arg);
  } else {
    args = {config.run_a, config.run_b, "--out", config.out.string()};
    if (config.overwrite) args.push_back("--overwrite");
    if (lang != report::Lang::kZh) args.insert(args.end(), {"--lang", "en"});
  }
  manifest["carereach"] = {{"version", version}, {"command", "compare"}, {"arguments", args}};
  manifest["started_at"] = started_at;
  manifest["finished_at"] = io::utc_now_iso8601();
  for (const auto& [key, folder, run] : {std::tuple{"run_a", &config.run_a, &a}, std::tuple{"run_b", &config.run_b, &b}})
    manifest[key] = {{"folder", *folder},
                     {"scenario", (*run)["scenario"].value("name", std::string())},
                     {"started_at", run->value("started_at", std::string())},
                     {"run_json_sha256", io::sha256_file(fs::path(*folder) / "run.json")}};
  manifest["warnings"] = warnings;
  manifest["outputs"] = outputs;
  io::write_file_atomically(dir.path() / "compare.json", manifest.dump(2) + "\n");
  dir.commit();

  result.folder = dir.target();
  return result;
}

}  // namespace carereach::pipeline
