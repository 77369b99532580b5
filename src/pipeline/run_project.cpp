#include "pipeline/run_project.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>

#include "pipeline/report_maps.hpp"
#include "pipeline/run_layers.hpp"
#include "pipeline/run_report.hpp"
#include "io/files.hpp"
#include "io/qgis_project.hpp"
#include "io/qgis_styles.hpp"
#include "report/table.hpp"

namespace carereach::pipeline {
namespace {

namespace qgis = io::qgis;
using report::Lang;

bool has_output(const std::vector<std::string>& outputs, const std::string& file) {
  return std::find(outputs.begin(), outputs.end(), file) != outputs.end();
}

/// Three significant digits, for class bounds read from data.
double three_digits(double v) {
  if (!(v > 0) || !std::isfinite(v)) return v;
  const double scale = std::pow(10.0, 2.0 - std::floor(std::log10(v)));
  return std::round(v * scale) / scale;
}

}  // namespace

std::vector<io::qgis::RasterClass> accessibility_raster_classes(const AccessibilityOutcome& o,
                                                                const std::vector<double>& persons, Lang lang) {
  // Quintiles of the index over the populated cells (the values the raster holds), per 1,000 persons.
  std::vector<double> v;
  for (std::size_t c = 0; c < persons.size() && c < o.result.accessibility.size(); ++c)
    if (persons[c] > 0 && std::isfinite(o.result.accessibility[c])) v.push_back(1000.0 * o.result.accessibility[c]);
  std::sort(v.begin(), v.end());
  const char* colours[] = {"#d7191c", "#fdae61", "#ffffbf", "#a6d96a", "#1a9641"};
  std::vector<double> uppers;
  if (!v.empty())
    for (int q = 1; q <= 4; ++q) {
      const double b = three_digits(v[static_cast<std::size_t>(q) * (v.size() - 1) / 5]);
      if (uppers.empty() || b > uppers.back()) uppers.push_back(b);
    }
  std::vector<io::qgis::RasterClass> classes;
  for (std::size_t i = 0; i < uppers.size(); ++i)
    classes.push_back({uppers[i], qgis::colour(colours[i]),
                       i == 0 ? "≤ " + report::format_fixed(uppers[i], 3)
                              : report::format_fixed(uppers[i - 1], 3) + "–" + report::format_fixed(uppers[i], 3)});
  const std::string last = uppers.empty() ? in_lang(lang, "全部", "all")
                                          : "> " + report::format_fixed(uppers.back(), 3);
  classes.push_back({std::numeric_limits<double>::infinity(), qgis::colour(colours[4]), last});
  return classes;
}

namespace {

/// The residual persons per cell after a capacity coverage: none (transparent), then rising reds.
std::vector<io::qgis::RasterClass> residual_raster_classes(Lang lang) {
  return {{0.0, {255, 255, 255, 0}, in_lang(lang, "0（已服务）", "0 (served)")},
          {1.0, qgis::colour("#fee5d9"), "≤ 1"},
          {5.0, qgis::colour("#fcae91"), "1–5"},
          {20.0, qgis::colour("#fb6a4a"), "5–20"},
          {std::numeric_limits<double>::infinity(), qgis::colour("#cb181d"), "> 20"}};
}

qgis::ProjectLayer basemap_layer(const io::OutputSpec& output, Lang lang) {
  qgis::ProjectLayer b;
  b.kind = qgis::ProjectLayer::Kind::kXyz;
  b.crs_authid = "EPSG:3857";
  b.visible = false;  // off: the project opens and draws offline
  if (output.basemap == "tianditu") {
    b.id = "carereach_basemap_tianditu";
    b.name = in_lang(lang, "天地图矢量底图（需联网）", "Tianditu basemap (online)");
    b.source = qgis::xyz_source(
        "https://t0.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=vec&STYLE=default"
        "&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=" + output.tianditu_key,
        18);
  } else {
    b.id = "carereach_basemap_osm";
    b.name = in_lang(lang, "OpenStreetMap 底图（需联网）", "OpenStreetMap basemap (online)");
    b.source = qgis::xyz_source("https://tile.openstreetmap.org/{z}/{x}/{y}.png", 19);
  }
  return b;
}

}  // namespace

namespace {

/// The layers of the capacity coverages, referral times and accessibility indices measured with standard `id`
/// (or, with id empty, of every standard not in `except`), for that standard's group: top of the drawing first.
std::vector<qgis::ProjectLayer> model_layers(const io::LoadedScenario& loaded, const RunAnalysis& analysis,
                                             const std::vector<io::LayerData>& layers,
                                             const std::vector<std::string>& outputs, Lang lang, const std::string& id,
                                             const std::vector<std::string>& except = {}) {
  auto ours = [&](const Standard* st) {
    if (st == nullptr) return false;
    if (!id.empty()) return st->id == id;
    return std::find(except.begin(), except.end(), st->id) == except.end();
  };
  auto find_layer = [&](const std::string& name) -> const io::LayerData* {
    const auto it = std::find_if(layers.begin(), layers.end(), [&](const io::LayerData& l) { return l.name == name; });
    return it == layers.end() ? nullptr : &*it;
  };
  auto vector_layer = [&](const io::LayerData& l, std::string name) {
    qgis::ProjectLayer p;
    p.kind = qgis::ProjectLayer::Kind::kVector;
    p.id = "carereach_" + l.name;
    p.name = std::move(name);
    p.source = "./layers.gpkg|layername=" + l.name;
    p.geometry = l.geometry_type == io::LayerData::GeometryType::kPoint        ? "Point"
                 : l.geometry_type == io::LayerData::GeometryType::kLineString ? "Line"
                                                                               : "Polygon";
    p.crs_authid = loaded.output_crs.authority_code();
    p.crs_wkt = loaded.output_crs.wkt();
    p.style_qml = l.qml;
    p.visible = false;
    return p;
  };
  auto raster_layer = [&](const std::string& file, std::string name, std::string qml) {
    qgis::ProjectLayer r;
    r.kind = qgis::ProjectLayer::Kind::kRaster;
    r.id = "carereach_" + file.substr(0, file.size() - 4);
    r.name = std::move(name);
    r.source = "./" + file;
    r.crs_authid = loaded.analysis_crs.authority_code();
    r.crs_wkt = loaded.analysis_crs.wkt();
    r.style_qml = std::move(qml);
    r.visible = false;
    return r;
  };
  auto named = [&](const std::string& zh, const std::string& en, const std::string& fallback) {
    return in_lang(lang, zh.empty() ? fallback : zh, en.empty() ? (zh.empty() ? fallback : zh) : en);
  };
  std::vector<qgis::ProjectLayer> out;
  for (const ReferralOutcome& o : analysis.referrals) {
    if (!o.not_computed.empty() || !ours(o.standard)) continue;
    if (const io::LayerData* l = find_layer("referral_" + o.spec->id))
      out.push_back(vector_layer(*l, named(o.spec->name_zh, o.spec->name_en, "referral " + o.spec->id) +
                                         in_lang(lang, "（转诊线）", " (referral lines)")));
  }
  for (const CapacityOutcome& o : analysis.capacity) {
    if (!o.computed() || !ours(o.standard)) continue;
    const std::string name = named(o.spec->name_zh, o.spec->name_en, "capacity " + o.spec->id);
    if (const io::LayerData* l = find_layer("capacity_" + o.spec->id))
      out.push_back(vector_layer(*l, name + in_lang(lang, "（按服务能力的服务范围，模型估计）",
                                                    " (catchments within capacity, modelled)")));
    const std::string tif = "capacity_residual_" + o.spec->id + ".tif";
    if (has_output(outputs, tif))
      out.push_back(raster_layer(tif, name + in_lang(lang, "（未获服务人口，人/格网）", " (persons not served, per cell)"),
                                 qgis::raster_classes_qml(residual_raster_classes(lang))));
  }
  for (const SitingOutcome& o : analysis.siting) {
    if (!o.computed() || !ours(o.standard)) continue;
    if (const io::LayerData* l = find_layer("sites_" + o.spec->id))
      out.push_back(vector_layer(*l, named(o.spec->name_zh, o.spec->name_en, "siting " + o.spec->id) +
                                         in_lang(lang, "（选址方案，模型结果）", " (chosen sites, modelled)")));
  }
  for (const AccessibilityOutcome& o : analysis.accessibility) {
    if (!o.not_computed.empty() || !ours(o.standard) || !loaded.population) continue;
    const std::string tif = "accessibility_" + o.spec->id + ".tif";
    if (!has_output(outputs, tif)) continue;
    out.push_back(raster_layer(
        tif,
        named(o.spec->name_zh, o.spec->name_en, "accessibility " + o.spec->id) +
            in_lang(lang, "（可及性指数，每千人）", " (accessibility index, per 1,000 persons)"),
        qgis::raster_classes_qml(accessibility_raster_classes(o, loaded.population->surface.persons, lang))));
  }
  return out;
}

}  // namespace

std::string run_project_qgs(const io::LoadedScenario& loaded, const RunAnalysis& analysis,
                            const std::vector<io::LayerData>& layers, const std::vector<std::string>& outputs,
                            Lang lang) {
  const std::string out_authid = loaded.output_crs.authority_code();
  const std::string out_wkt = loaded.output_crs.wkt();
  const std::string grid_authid = loaded.analysis_crs.authority_code();
  const std::string grid_wkt = loaded.analysis_crs.wkt();
  auto find_layer = [&](const std::string& name) -> const io::LayerData* {
    const auto it = std::find_if(layers.begin(), layers.end(), [&](const io::LayerData& l) { return l.name == name; });
    return it == layers.end() ? nullptr : &*it;
  };
  auto vector_layer = [&](const io::LayerData& l, std::string id, std::string name, std::string qml, bool visible) {
    qgis::ProjectLayer p;
    p.kind = qgis::ProjectLayer::Kind::kVector;
    p.id = "carereach_" + id;
    p.name = std::move(name);
    p.source = "./layers.gpkg|layername=" + l.name;
    p.geometry = l.geometry_type == io::LayerData::GeometryType::kPoint ? "Point" : "Polygon";
    p.crs_authid = out_authid;
    p.crs_wkt = out_wkt;
    p.style_qml = std::move(qml);
    p.visible = visible;
    return p;
  };

  qgis::Project project;
  project.title = in_lang(lang, loaded.scenario.info.name,
                          loaded.scenario.info.name_en.empty() ? loaded.scenario.info.name : loaded.scenario.info.name_en);
  project.crs_authid = out_authid;
  project.crs_wkt = out_wkt;

  // Base data: the facilities and every zone level as outlines (finest on top).
  qgis::ProjectGroup base;
  base.name = in_lang(lang, "基础数据", "Base data");
  if (const io::LayerData* f = find_layer("facilities"))
    base.layers.push_back(vector_layer(*f, "facilities", in_lang(lang, "医疗卫生机构", "Health facilities"), f->qml, true));
  for (std::size_t k = analysis.levels.size(); k-- > 0;) {
    const ZoneLevel& level = analysis.levels[k].level;
    const io::LayerData* z = find_layer("zones_" + level.level);
    if (z == nullptr) continue;
    qgis::SingleFill outline;
    outline.fill = {0, 0, 0, 0};
    outline.outline = {{60, 60, 60, 255}, k == 0 ? 0.6 : 0.25};
    const std::string label = in_lang(lang, level.label_zh, level.label_en.empty() ? level.level : level.label_en);
    base.layers.push_back(vector_layer(*z, "zones_" + level.level, label, qgis::single_fill_qml(outline), true));
  }
  project.groups.push_back(std::move(base));

  // One group per computed standard; only the first is shown (the others are a tick away).
  bool first = true;
  for (const StandardOutcome& o : analysis.standards) {
    if (!o.not_computed.empty()) continue;
    const Standard& st = *o.standard;
    qgis::ProjectGroup g;
    g.name = in_lang(lang, st.name_zh, st.name_en);
    g.visible = first;
    g.expanded = first;
    const std::string& id = st.id;
    if (const io::LayerData* l = find_layer("gap_" + id))
      g.layers.push_back(vector_layer(*l, id + "__gap", in_lang(lang, "服务缺口", "Gap areas"), l->qml, false));
    if (const io::LayerData* l = find_layer("service_area_" + id))
      g.layers.push_back(vector_layer(*l, id + "__service_area", in_lang(lang, "服务范围", "Service area"), l->qml, true));
    // The zones coloured by this standard's coverage, the finest reported level shown.
    bool shown = false;
    for (std::size_t k = analysis.levels.size(); k-- > 0;) {
      const ZoneLevel& level = analysis.levels[k].level;
      const io::LayerData* z = find_layer("zones_" + level.level);
      if (z == nullptr) continue;
      const bool has_share = std::any_of(z->fields.begin(), z->fields.end(),
                                         [&](const io::FieldDef& f) { return f.name == "share_" + id; });
      if (!has_share) continue;
      const std::string label = in_lang(lang, level.label_zh, level.label_en.empty() ? level.level : level.label_en);
      g.layers.push_back(vector_layer(*z, id + "__zones_" + level.level,
                                      in_lang(lang, label + "覆盖率", "Coverage by " + label), zone_share_qml("share_" + id),
                                      !shown));
      shown = true;
    }
    if (const io::LayerData* l = find_layer("catchment_" + id))
      g.layers.push_back(vector_layer(*l, id + "__catchment",
                                      in_lang(lang, "服务分区（最近机构）", "Catchments (nearest facility)"), l->qml, false));
    const std::string tif = "travel_time_" + id + ".tif";
    if (std::find(outputs.begin(), outputs.end(), tif) != outputs.end()) {
      qgis::ProjectLayer r;
      r.kind = qgis::ProjectLayer::Kind::kRaster;
      r.id = "carereach_" + id + "__travel_time";
      r.name = in_lang(lang, "出行时间（分钟）", "Travel time (minutes)");
      r.source = "./" + tif;
      r.crs_authid = grid_authid;
      r.crs_wkt = grid_wkt;
      r.style_qml = travel_time_raster_qml(o, lang);
      r.visible = false;
      g.layers.push_back(std::move(r));
    }
    for (qgis::ProjectLayer& l : model_layers(loaded, analysis, layers, outputs, lang, id)) g.layers.push_back(std::move(l));
    if (g.layers.empty()) continue;
    project.groups.push_back(std::move(g));
    first = false;
  }
  // Capacity, referral and accessibility outputs of a standard that has no group (not computed): a group of their own.
  {
    std::vector<std::string> grouped;
    for (const StandardOutcome& o : analysis.standards)
      if (o.not_computed.empty()) grouped.push_back(o.standard->id);
    qgis::ProjectGroup other;
    other.name = in_lang(lang, "其他分析", "Other analyses");
    other.visible = false;
    other.expanded = false;
    other.layers = model_layers(loaded, analysis, layers, outputs, lang, "", grouped);
    if (!other.layers.empty()) project.groups.push_back(std::move(other));
  }
  if (!loaded.scenario.output.basemap.empty()) project.basemap = basemap_layer(loaded.scenario.output, lang);
  return qgis::project_qgs(project);
}

void write_run_project(const std::filesystem::path& dir, const io::LoadedScenario& loaded,
                       const RunAnalysis& analysis, const std::vector<io::LayerData>& layers,
                       std::vector<std::string>& outputs, Lang lang) {
  // Side-car styles of the rasters QGIS opens by themselves (accessibility indices, capacity residuals).
  for (const AccessibilityOutcome& o : analysis.accessibility) {
    const std::string file = "accessibility_" + o.spec->id;
    if (!o.not_computed.empty() || !loaded.population || !has_output(outputs, file + ".tif")) continue;
    io::write_file_atomically(dir / (file + ".qml"), qgis::raster_classes_qml(accessibility_raster_classes(
                                                         o, loaded.population->surface.persons, lang)));
    outputs.push_back(file + ".qml");
  }
  for (const CapacityOutcome& o : analysis.capacity) {
    const std::string file = "capacity_residual_" + o.spec->id;
    if (!o.computed() || !has_output(outputs, file + ".tif")) continue;
    io::write_file_atomically(dir / (file + ".qml"), qgis::raster_classes_qml(residual_raster_classes(lang)));
    outputs.push_back(file + ".qml");
  }
  // The SLD styles (styles/), for GIS that do not read QML: the layers' own, the zones coloured by each
  // standard's coverage, and the travel-time classes.
  std::vector<std::pair<std::string, std::string>> slds;
  for (const io::LayerData& l : layers)
    if (!l.sld.empty()) slds.emplace_back(l.name, l.sld);
  for (const StandardOutcome& o : analysis.standards) {
    if (!o.not_computed.empty()) continue;
    for (const io::LayerData& l : layers) {
      if (!l.name.starts_with("zones_")) continue;
      const std::string field = "share_" + o.standard->id;
      if (std::none_of(l.fields.begin(), l.fields.end(), [&](const io::FieldDef& f) { return f.name == field; }))
        continue;
      slds.emplace_back(l.name + "__" + field, zone_share_sld(field, l.name));
    }
    if (has_output(outputs, "travel_time_" + o.standard->id + ".tif"))
      slds.emplace_back("travel_time_" + o.standard->id, travel_time_raster_sld(o, lang));
  }
  if (!slds.empty()) std::filesystem::create_directories(dir / "styles");
  for (const auto& [name, sld] : slds) {
    io::write_file_atomically(dir / "styles" / (name + ".sld"), sld);
    outputs.push_back("styles/" + name + ".sld");
  }
  // The project: project.qgs (plain text) and project.qgz (the same document zipped, QGIS's default format).
  const std::string qgs = run_project_qgs(loaded, analysis, layers, outputs, lang);
  io::write_file_atomically(dir / "project.qgs", qgs);
  outputs.push_back("project.qgs");
  io::qgis::write_qgz(dir / "project.qgz", "project.qgs", qgs);
  outputs.push_back("project.qgz");
}

}  // namespace carereach::pipeline
