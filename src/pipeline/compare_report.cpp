#include "pipeline/compare_report.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <map>
#include <optional>
#include <set>

#include "analysis/coverage.hpp"
#include "pipeline/report_maps.hpp"
#include "geo/crs.hpp"
#include "core/crs_name.hpp"
#include "report/html_report.hpp"
#include "report/table.hpp"
#include "report/writers.hpp"

namespace carereach::pipeline {

namespace {

using report::Lang;
using json = nlohmann::json;


/// An object member, or an empty object when the run.json (of an earlier version) lacks it.
json member(const json& j, const char* key) { return j.is_object() ? j.value(key, json::object()) : json::object(); }

std::string scenario_name(const json& run, Lang lang) {
  const json s = member(run, "scenario");
  return in_lang(lang, s.value("name", std::string("?")), s.value("name_en", std::string()));
}

/// The scenario's changes as run.json lists them, in the language asked for ("lines_zh" in Chinese; a run.json of
/// an earlier version has only the English "lines").
std::vector<std::string> change_lines(const json& run, Lang lang) {
  const json c = member(run, "changes");
  const json zh = c.value("lines_zh", json::array());
  const json& lines = lang == Lang::kZh && !zh.empty() ? zh : c.value("lines", json::array());
  std::vector<std::string> out;
  for (const auto& line : lines)
    if (line.is_string()) out.push_back(line.get<std::string>());
  return out;
}

/// The last name of a folder as given ("out/bozhou/" → "bozhou").
std::string folder_name(const std::filesystem::path& dir) {
  std::filesystem::path p = dir.lexically_normal();
  if (p.filename().empty()) p = p.parent_path();
  return p.filename().string();
}

std::string share_pair(const ZoneChange& t) {
  char share[96];
  std::snprintf(share, sizeof share, "%.1f%% → %.1f%%", t.share_a * 100, t.share_b * 100);
  return share;
}

/// A facility's state in one run, from its layers.gpkg.
struct FacilityState {
  std::string name, status, tags;
  double x = 0, y = 0;
};

std::map<std::string, FacilityState> facility_states(const io::LayerData& layer) {
  std::map<std::string, FacilityState> out;
  auto field = [&](const char* name) {
    for (std::size_t i = 0; i < layer.fields.size(); ++i)
      if (layer.fields[i].name == name) return i;
    return layer.fields.size();
  };
  const std::size_t id = field("facility_id"), name = field("name"), status = field("status"), tags = field("tags");
  auto text = [](const io::LayerFeature& f, std::size_t i) {
    const std::string* s = i < f.values.size() ? std::get_if<std::string>(&f.values[i]) : nullptr;
    return s != nullptr ? *s : std::string();
  };
  for (const io::LayerFeature& f : layer.features) {
    if (f.geometry.null() || f.geometry.is_empty()) continue;
    const auto [x, y] = f.geometry.centroid();
    out[text(f, id)] = {text(f, name), text(f, status), text(f, tags), x, y};
  }
  return out;
}

/// The facilities that differ between the runs: added (in B only, or planned in A and active in B), closed (active
/// in A, closed or gone in B), changed (other status or tags).
struct FacilityChanges {
  report::MapLayerPoints added, closed, changed;
};

FacilityChanges facility_changes(const std::map<std::string, FacilityState>& a,
                                 const std::map<std::string, FacilityState>& b) {
  FacilityChanges c;
  auto put = [](report::MapLayerPoints& layer, const FacilityState& f) {
    layer.points.emplace_back(f.x, f.y);
    layer.titles.push_back(f.name);
  };
  for (const auto& [id, fb] : b) {
    const auto it = a.find(id);
    const bool active_b = fb.status != "closed";
    if (it == a.end() || (it->second.status == "planned" && fb.status == "active")) {
      if (active_b) put(c.added, fb);
    } else if (it->second.status != "closed" && !active_b) {
      put(c.closed, fb);
    } else if (it->second.status != fb.status || it->second.tags != fb.tags) {
      put(c.changed, fb);
    }
  }
  for (const auto& [id, fa] : a)
    if (!b.count(id) && fa.status != "closed") put(c.closed, fa);
  c.added.fill = {"#1a9641"};
  c.added.shape = report::PointShape::kTriangle;
  c.added.radius_px = 5;
  c.closed.fill = {"#d7191c"};
  c.closed.shape = report::PointShape::kSquare;
  c.closed.radius_px = 4;
  c.changed.fill = {"#2b83ba"};
  c.changed.shape = report::PointShape::kDiamond;
  c.changed.radius_px = 4.5;
  for (auto* l : {&c.added, &c.closed, &c.changed}) l->stroke = "#ffffff";
  return c;
}

}  // namespace

double ZoneChange::delta_share_shown() const {
  auto shown = [](double share) {
    const std::string text = report::format_fixed(share * 100.0, 1);
    double v = 0.0;
    std::from_chars(text.data(), text.data() + text.size(), v);
    return v;
  };
  return (shown(share_b) - shown(share_a)) / 100.0;
}

std::string signed_persons(double v) {
  return (v > 0 ? "+" : v < 0 ? "−" : "±") + report::format_fixed(std::abs(v), 0, true);
}

std::string signed_points(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s%.1f", v > 0 ? "+" : v < 0 ? "−" : "±", std::abs(v) * 100.0);
  return buf;
}

std::vector<report::Findings> compare_findings(const std::vector<StandardChange>& changes, Lang lang) {
  const bool zh = lang == Lang::kZh;
  std::vector<report::Findings> out;
  for (const auto& sc : changes) {
    if (sc.levels.empty()) continue;
    report::Findings f;
    f.title = in_lang(lang, sc.name_zh, sc.name_en);
    f.standard_id = sc.id;
    const ZoneChange& t = sc.levels.front().total;
    std::string line = zh ? "覆盖人口 " + signed_persons(t.delta()) + " 人（覆盖率 " + share_pair(t) + "，" +
                                signed_points(t.delta_share_shown()) + " 个百分点）"
                          : signed_persons(t.delta()) + " persons covered (share " + share_pair(t) + ", " +
                                signed_points(t.delta_share_shown()) + " points)";
    if (sc.raster) {
      char area[96];
      std::snprintf(area, sizeof area, "%.1f / %.1f", sc.area_gained_km2, sc.area_lost_km2);
      line += zh ? "；新增 / 不再覆盖面积 " + std::string(area) + " 平方千米"
                 : "; area newly covered / no longer covered " + std::string(area) + " km²";
    }
    f.items.push_back(line + (zh ? "。" : "."));
    // Who gains and who loses at the finest level.
    const LevelChange& finest = sc.levels.back();
    std::vector<const ZoneChange*> gain, loss;
    for (const auto& z : finest.zones) {
      if (z.delta() > 0.5) gain.push_back(&z);
      if (z.delta() < -0.5) loss.push_back(&z);
    }
    auto by_delta = [](const ZoneChange* x, const ZoneChange* y) {
      return std::abs(x->delta()) > std::abs(y->delta()) ||
             (std::abs(x->delta()) == std::abs(y->delta()) && x->code < y->code);
    };
    std::sort(gain.begin(), gain.end(), by_delta);
    std::sort(loss.begin(), loss.end(), by_delta);
    auto list = [&](const std::vector<const ZoneChange*>& v) {
      std::string s;
      for (std::size_t i = 0; i < v.size() && i < 5; ++i)
        s += (i ? (zh ? "、" : ", ") : "") + v[i]->name + " " + signed_persons(v[i]->delta());
      return s;
    };
    const std::string level = in_lang(lang, finest.label_zh, finest.label_en);
    if (!gain.empty())
      f.items.push_back(zh ? "受益最多的" + level + "（共 " + std::to_string(gain.size()) + " 个）：" + list(gain) + "。"
                           : "Gaining most (" + std::to_string(gain.size()) + " zones): " + list(gain) + ".");
    if (!loss.empty())
      f.items.push_back(zh ? "覆盖人口减少的" + level + "（共 " + std::to_string(loss.size()) + " 个）：" + list(loss) + "。"
                           : "Losing (" + std::to_string(loss.size()) + " zones): " + list(loss) + ".");
    if (gain.empty() && loss.empty())
      f.items.push_back(zh ? "各" + level + "覆盖人口无变化。" : "No zone changes.");
    out.push_back(std::move(f));
  }
  return out;
}

std::string compare_markdown(const json& a, const json& b, const std::vector<StandardChange>& changes,
                             const std::vector<report::Table>& tables, Lang lang) {
  const bool zh = lang == Lang::kZh;
  std::string md = zh ? "# 情景对比\n\n" : "# Scenario comparison\n\n";
  // Names come from the scenarios and their inputs: escaped as report.md escapes them.
  md += (zh ? "- 基准 A：" : "- Baseline A: ") + report::markdown_text(scenario_name(a, lang)) + "\n";
  md += (zh ? "- 情景 B：" : "- Scenario B: ") + report::markdown_text(scenario_name(b, lang)) + "\n";
  if (b.contains("changes"))
    for (const auto& line : change_lines(b, lang))
      md += "  - " + report::markdown_text(line) + "\n";
  md += zh ? "\n## 主要变化\n\n" : "\n## Main changes\n\n";
  for (const auto& f : compare_findings(changes, lang)) {
    md += "### " + report::markdown_text(f.title) + "\n\n";
    for (const auto& item : f.items) md += "- " + report::markdown_text(item) + "\n";
    md += "\n";
  }
  for (const auto& t : tables) md += report::to_markdown(t, lang) + "\n";
  return md;
}

std::string compare_html(const CompareReportInput& in) {
  const Lang L = in.lang;
  const bool zh = L == Lang::kZh;
  const json& a = *in.run_a;
  const json& b = *in.run_b;
  report::HtmlReport r;
  r.lang = L;
  const json scenario_b = member(b, "scenario");
  const std::string region =
      in_lang(L, scenario_b.value("region", std::string()), scenario_b.value("region_en", std::string()));
  r.title = zh ? region + "医疗卫生服务情景对比报告"
               : "Scenario comparison" + (region.empty() ? std::string() : " — " + region);
  r.subtitle = scenario_name(a, L) + " → " + scenario_name(b, L);

  // --- title block
  r.facts.push_back({in_lang(L, "基准 A", "Baseline A"), scenario_name(a, L) + " (" + folder_name(in.dir_a) + ")"});
  r.facts.push_back({in_lang(L, "情景 B", "Scenario B"), scenario_name(b, L) + " (" + folder_name(in.dir_b) + ")"});
  if (b.contains("changes")) {
    const json c = member(b, "changes");
    const std::string label = in_lang(L, c.value("label_zh", std::string()), c.value("label_en", std::string()));
    if (!label.empty()) r.facts.push_back({in_lang(L, "情景调整", "Scenario changes"), label});
    for (const auto& line : change_lines(b, L)) r.facts.push_back({"", line});
  }
  r.facts.push_back({in_lang(L, "报告日期", "Date"), in.date});
  const json crs_analysis = member(member(b, "crs"), "analysis");
  const std::string analysis_def = crs_analysis.value("definition", std::string());
  const std::string output_def = member(member(b, "crs"), "output").value("definition", std::string("EPSG:4490"));
  const std::string analysis_name = crs_analysis.value("name", analysis_def);
  r.facts.push_back({in_lang(L, "分析坐标系", "Analysis CRS"), zh ? crs_name_zh(analysis_name) : analysis_name});
  r.facts.push_back({in_lang(L, "运行时间", "Runs started"), a.value("started_at", std::string()) + " / " +
                                                             b.value("started_at", std::string())});

  // --- headlines and findings
  for (const auto& sc : *in.changes) {
    if (sc.levels.empty()) continue;
    const ZoneChange& t = sc.levels.front().total;
    report::Headline h;
    h.label = in_lang(L, sc.name_zh, sc.name_en);
    h.share = t.share_b;
    h.baseline = t.share_a;
    h.target = sc.target_share;
    h.meets = analysis::meets_target(t.share_b, sc.target_share);
    h.value_text = share_pair(t) + " (" + signed_persons(t.delta()) + ")";
    r.headlines.push_back(std::move(h));
  }
  r.findings = compare_findings(*in.changes, L);

  // --- maps: zones and facilities from both runs' layers.gpkg, in the analysis CRS
  std::vector<std::string> levels;
  if (!in.changes->empty())
    for (const auto& lc : in.changes->front().levels) levels.push_back(lc.level);
  // Runs of an earlier version name no CRS in run.json: their zones and facilities cannot be placed.
  const bool placed = !analysis_def.empty();
  if (!placed)
    r.warnings.push_back(zh ? "run.json 未记录坐标系（较早版本的运行），未绘制地图；请用本版本重新运行两个情景。"
                            : "run.json names no CRS (a run of an earlier version): no maps; run both scenarios again.");
  const geo::CrsSpec analysis_crs = geo::CrsSpec::parse(placed ? analysis_def : std::string("EPSG:4326"));
  const geo::CrsSpec output_crs = geo::CrsSpec::parse(output_def);
  std::vector<io::LayerData> zone_layers;
  std::optional<io::LayerData> fac_a, fac_b;
  const auto gpkg_a = in.dir_a / "layers.gpkg";
  const auto gpkg_b = in.dir_b / "layers.gpkg";
  std::error_code ec;
  if (placed && std::filesystem::exists(gpkg_b, ec)) {
    for (const auto& level : levels)
      if (auto l = io::read_geopackage_layer(gpkg_b, "zones_" + level, output_crs, analysis_crs))
        zone_layers.push_back(std::move(*l));
    fac_b = io::read_geopackage_layer(gpkg_b, "facilities", output_crs, analysis_crs);
  }
  if (placed && std::filesystem::exists(gpkg_a, ec)) fac_a = io::read_geopackage_layer(gpkg_a, "facilities", output_crs, analysis_crs);

  geo::Envelope env;
  bool have_env = false;
  for (const auto& l : zone_layers)
    for (const auto& f : l.features)
      if (!f.geometry.null() && !f.geometry.is_empty()) {
        const geo::Envelope e = f.geometry.envelope();
        if (!have_env) env = e, have_env = true;
        else env.expand(e);
      }
  static const std::vector<io::LayerData> kNone;
  for (const auto& l : placed ? *in.change_layers : kNone)
    for (const auto& f : l.features)
      if (!f.geometry.null() && !f.geometry.is_empty()) {
        const geo::Envelope e = f.geometry.envelope();
        if (!have_env) env = e, have_env = true;
        else env.expand(e);
      }
  if (have_env) {
    const MapFrame frame = make_map_frame(env, analysis_crs, L);
    std::vector<std::optional<ZoneShapes>> zones;
    for (const auto& level : levels) zones.push_back(zone_shapes(zone_layers, "zones_" + level, frame));
    const FacilityChanges fc = fac_a && fac_b ? facility_changes(facility_states(*fac_a), facility_states(*fac_b))
                                              : FacilityChanges{};
    auto context = [&](report::MapSpec& spec) {
      add_outlines(spec, zones);
      const std::vector<std::pair<const report::MapLayerPoints*, std::pair<const char*, const char*>>> kinds = {
          {&fc.added, {"新增机构", "Added facilities"}},
          {&fc.closed, {"关闭机构", "Closed facilities"}},
          {&fc.changed, {"调整机构（等级、标签）", "Changed facilities (level, tags)"}}};
      for (const auto& [layer, label] : kinds)
        if (!layer->points.empty()) {
          spec.layers.emplace_back(*layer);
          spec.legend.push_back({layer->fill.front(),
                                 in_lang(L, label.first, label.second) + " (" +
                                     std::to_string(layer->points.size()) + ")",
                                 true, layer->shape});
        }
    };
    for (const auto& sc : *in.changes) {
      if (sc.levels.empty()) continue;
      // A standard nothing changed for gets no maps (its findings say so).
      const bool unchanged = sc.area_gained_km2 == 0 && sc.area_lost_km2 == 0 &&
                             std::all_of(sc.levels.back().zones.begin(), sc.levels.back().zones.end(),
                                         [](const ZoneChange& z) { return std::abs(z.delta()) <= 0.5; });
      if (unchanged) continue;
      report::MapGroup g;
      g.id = "map-" + sc.id;
      g.title = in_lang(L, sc.name_zh, sc.name_en);
      const std::string name = g.title;
      // 1. Cells newly covered and no longer covered.
      const auto cl = std::find_if(in.change_layers->begin(), in.change_layers->end(),
                                   [&](const io::LayerData& l) { return l.name == "change_" + sc.id; });
      if (cl != in.change_layers->end()) {
        report::MapSpec spec = map_spec(frame, name + in_lang(L, " — 覆盖变化", " — change of coverage"), in_lang(L, "图例", "Legend"));
        spec.layers.emplace_back(ground_layer(zones));
        std::vector<geo::PolygonRings> gained, lost;
        for (const auto& f : cl->features) {
          const std::string* kind = f.values.empty() ? nullptr : std::get_if<std::string>(&f.values[0]);
          auto rings = drawable_rings(f.geometry, frame, 1.0);
          auto& into = kind != nullptr && *kind == "newly covered" ? gained : lost;
          into.insert(into.end(), rings.begin(), rings.end());
        }
        spec.layers.emplace_back(solid_layer(std::move(gained), "#1a9641"));
        spec.layers.emplace_back(solid_layer(std::move(lost), "#d7191c"));
        spec.legend = {{"#1a9641", in_lang(L, "新增覆盖", "Newly covered") + " (" +
                                       report::format_fixed(sc.area_gained_km2, 1) + " km²)"},
                       {"#d7191c", in_lang(L, "不再覆盖", "No longer covered") + " (" +
                                       report::format_fixed(sc.area_lost_km2, 1) + " km²)"}};
        context(spec);
        g.maps.push_back({report::render_svg(spec),
                          zh ? "新增覆盖：情景中到最近机构的时间不超过阈值而基准中超过；不再覆盖反之（所有格网，含无人口处）。"
                             : "Newly covered: within the threshold in the scenario but not in the baseline; no longer "
                               "covered: the reverse (every cell, also without population)."});
      }
      // 2. Change of the covered population per zone at the finest level with shapes.
      std::size_t k = zones.size();
      for (std::size_t j = 0; j < zones.size() && j < sc.levels.size(); ++j)
        if (zones[j]) k = j;
      if (k < zones.size()) {
        std::map<std::string, const ZoneChange*> by_code;
        for (const auto& z : sc.levels[k].zones) by_code[z.code] = &z;
        std::vector<double> delta;
        std::vector<std::string> titles;
        for (std::size_t z = 0; z < zones[k]->codes.size(); ++z) {
          const auto it = by_code.find(zones[k]->codes[z]);
          delta.push_back(it == by_code.end() ? std::nan("") : it->second->delta());
          titles.push_back((z < zones[k]->names.size() ? zones[k]->names[z] : "") +
                           (it == by_code.end() ? std::string()
                                                : ": " + signed_persons(it->second->delta()) + " (" + share_pair(*it->second) + ")"));
        }
        const std::vector<double> breaks{-1000, -0.5, 0.5, 1000, 5000};
        const std::vector<std::string> colours{"#d7191c", "#fdae61", "#f7f7f7", "#a6d96a", "#66bd63", "#1a9641"};
        const auto fills = report::class_colours(delta, breaks, colours, kNoDataColour);
        const LevelChange& lc = sc.levels[k];
        const std::string level = in_lang(L, lc.label_zh, lc.label_en);
        report::MapSpec spec = map_spec(frame, name + (zh ? " — 各" + level + "覆盖人口变化" : " — change of covered per " + level),
                                        in_lang(L, "覆盖人口变化（人）", "Change of covered (persons)"));
        spec.layers.emplace_back(filled_features(zones[k]->rings, fills, titles));
        spec.legend = {{colours[5], "> +5,000"}, {colours[4], "+1,000 – +5,000"}, {colours[3], "+1 – +1,000"},
                       {colours[2], in_lang(L, "无变化", "No change")}, {colours[1], "−1 – −1,000"},
                       {colours[0], "< −1,000"}};
        context(spec);
        g.maps.push_back({report::render_svg(spec),
                          zh ? "覆盖人口变化 = 情景覆盖人口 − 基准覆盖人口（附表）。"
                             : "Change = covered in the scenario − covered in the baseline (tables)."});
      }
      r.map_groups.push_back(std::move(g));
    }
    r.maps_note = zh ? "地图在分析坐标系中按正北向绘制；将鼠标停在区域或机构上可看到名称与数值。"
                     : "Maps are drawn north up in the analysis CRS; hover over a zone or facility to see its name and figures.";
  }

  // --- tables, method, warnings
  r.tables = *in.tables;
  report::Findings m;
  m.title = in_lang(L, "对比方法", "How the runs are compared");
  m.items.push_back(zh ? "两次运行使用同一分析格网（范围、格网大小、坐标系一致），各服务标准的阈值与目标取自情景 B。"
                       : "Both runs are on the same analysis grid (extent, cell size, CRS); thresholds and targets are those of run B.");
  m.items.push_back(zh ? "覆盖人口变化 = 情景 B 覆盖人口 − 基准 A 覆盖人口，按区域与合计计算；覆盖率变化以百分点计。"
                       : "Change of covered = covered in B − covered in A, per zone and in total; shares change in percentage points.");
  m.items.push_back(zh ? "出行时间差值栅格（travel_time_diff_<标准>.tif）= B − A（分钟），两次均可到达的格网才有值。"
                       : "The difference rasters (travel_time_diff_<standard>.tif) hold B − A in minutes where both runs reach the cell.");
  r.method.push_back(std::move(m));
  r.warnings.insert(r.warnings.begin(), in.warnings.begin(), in.warnings.end());
  r.footer = "carereach " + in.version +
             (zh ? " · 两次运行的输入与参数见各自的 run.json" : " · each run's run.json holds its inputs and settings");
  return report::render_html_report(r);
}

}  // namespace carereach::pipeline
