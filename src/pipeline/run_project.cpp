#include "pipeline/run_project.hpp"

#include <algorithm>

#include "pipeline/report_maps.hpp"
#include "pipeline/run_layers.hpp"
#include "pipeline/run_report.hpp"
#include "io/qgis_project.hpp"
#include "io/qgis_styles.hpp"

namespace carereach::pipeline {
namespace {

namespace qgis = io::qgis;
using report::Lang;

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
    if (g.layers.empty()) continue;
    project.groups.push_back(std::move(g));
    first = false;
  }
  return qgis::project_qgs(project);
}

}  // namespace carereach::pipeline
