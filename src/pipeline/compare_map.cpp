#include "pipeline/compare_map.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "geo/crs.hpp"
#include "pipeline/report_maps.hpp"
#include "pipeline/run_map.hpp"
#include "report/map_page.hpp"

namespace carereach::pipeline {

namespace {

using nlohmann::json;
using report::Lang;

json member(const json& j, const char* key) { return j.is_object() ? j.value(key, json::object()) : json::object(); }

std::string scenario_name(const json& run, Lang lang) {
  const json s = member(run, "scenario");
  return in_lang(lang, s.value("name", std::string("?")), s.value("name_en", std::string()));
}

/// The text of a field of a feature ("" when missing or not text).
std::string text_of(const io::LayerData& l, const io::LayerFeature& f, const char* field) {
  for (std::size_t i = 0; i < l.fields.size() && i < f.values.size(); ++i)
    if (l.fields[i].name == field)
      if (const auto* s = std::get_if<std::string>(&f.values[i])) return *s;
  return {};
}

double real_of(const io::LayerData& l, const io::LayerFeature& f, const char* field) {
  for (std::size_t i = 0; i < l.fields.size() && i < f.values.size(); ++i)
    if (l.fields[i].name == field) {
      if (const auto* d = std::get_if<double>(&f.values[i])) return *d;
      if (const auto* n = std::get_if<std::int64_t>(&f.values[i])) return static_cast<double>(*n);
    }
  return std::nan("");
}

}  // namespace

std::string compare_map_html(const CompareReportInput& in) {
  const Lang L = in.lang;
  const bool zh = L == Lang::kZh;
  const json& a = *in.run_a;
  const json& b = *in.run_b;
  const std::vector<StandardChange>& changes = *in.changes;
  report::MapPage page;
  page.lang = L;
  page.comparison = true;
  const json scenario_b = member(b, "scenario");
  const std::string region =
      in_lang(L, scenario_b.value("region", std::string()), scenario_b.value("region_en", std::string()));
  page.title = zh ? region + "医疗卫生服务情景对比地图"
                  : "Scenario comparison — map" + (region.empty() ? std::string() : " — " + region);
  page.subtitle = scenario_name(a, L) + " → " + scenario_name(b, L);
  page.date = in.date;
  const ShareClasses classes;
  page.classes = {classes.breaks, classes.colours, classes.labels, kNoDataColour, in_lang(L, "无变化", "Unchanged")};
  for (const StandardChange& s : changes) page.standards.push_back({s.id, in_lang(L, s.name_zh, s.name_en), s.target_share});

  // Zones of B's layers.gpkg, in the analysis CRS run.json names (as compare.html reads them).
  const json crs_analysis = member(member(b, "crs"), "analysis");
  const std::string analysis_def = crs_analysis.value("definition", std::string());
  const std::string output_def = member(member(b, "crs"), "output").value("definition", std::string("EPSG:4490"));
  std::vector<std::string> levels;
  if (!changes.empty())
    for (const LevelChange& lc : changes.front().levels) levels.push_back(lc.level);
  std::vector<io::LayerData> zone_layers;
  std::optional<io::LayerData> fac_a, fac_b;
  std::error_code ec;
  const auto gpkg_a = in.dir_a / "layers.gpkg";
  const auto gpkg_b = in.dir_b / "layers.gpkg";
  if (!analysis_def.empty() && std::filesystem::exists(gpkg_b, ec)) {
    const geo::CrsSpec analysis_crs = geo::CrsSpec::parse(analysis_def);
    const geo::CrsSpec output_crs = geo::CrsSpec::parse(output_def);
    for (const auto& level : levels)
      if (auto l = io::read_geopackage_layer(gpkg_b, "zones_" + level, output_crs, analysis_crs))
        zone_layers.push_back(std::move(*l));
    fac_b = io::read_geopackage_layer(gpkg_b, "facilities", output_crs, geo::wgs84());
    if (std::filesystem::exists(gpkg_a, ec))
      fac_a = io::read_geopackage_layer(gpkg_a, "facilities", output_crs, geo::wgs84());

    geo::Envelope env;
    bool have_env = false;
    for (const auto& l : zone_layers)
      for (const auto& f : l.features)
        if (!f.geometry.null() && !f.geometry.is_empty()) {
          const geo::Envelope e = f.geometry.envelope();
          if (!have_env) env = e, have_env = true;
          else env.expand(e);
        }
    MapFrame frame;  // zone_shapes simplifies to frame.tolerance_m with pixels = 0.5
    frame.tolerance_m = have_env ? map_tolerance_m(env.max_x - env.min_x, env.max_y - env.min_y) : 0.0;
    const geo::Transformer to_lonlat(analysis_crs, geo::wgs84());
    for (std::size_t k = 0; k < levels.size(); ++k) {
      const LevelChange& lc0 = changes.front().levels[k];
      MapFrame f = frame;
      // Zones made of cells (derived from seats): at least two cells, as in the run's map.html.
      if (lc0.approximate) f.tolerance_m = std::max(f.tolerance_m, 2.0 * member(b, "settings").value("cell_size_m", 0.0));
      std::optional<ZoneShapes> shapes = zone_shapes(zone_layers, "zones_" + levels[k], f, 0.5);
      if (!shapes) continue;
      const std::size_t level_index = page.levels.size();
      report::MapPageLevel level;
      level.id = levels[k];
      level.label = in_lang(L, lc0.label_zh, lc0.label_en);
      for (std::size_t z = 0; z < shapes->rings.size(); ++z) {
        report::MapPageZone zone;
        zone.name = shapes->names[z];
        zone.code = shapes->codes[z];
        zone.polygons = std::move(shapes->rings[z]);
        for (geo::PolygonRings& p : zone.polygons) {
          to_lonlat.transform(p.shell.x, p.shell.y);
          for (geo::Ring& h : p.holes) to_lonlat.transform(h.x, h.y);
        }
        for (std::size_t s = 0; s < changes.size(); ++s) {
          const ZoneChange* zc = nullptr;
          for (const LevelChange& lc : changes[s].levels)
            if (lc.level == levels[k])
              for (const ZoneChange& c : lc.zones)
                if (c.code == zone.code) zc = &c;
          if (zc == nullptr) {
            zone.figures.emplace_back(std::nullopt);
            continue;
          }
          const auto before = static_cast<std::int64_t>(std::llround(zc->covered_a));
          const auto after = static_cast<std::int64_t>(std::llround(zc->covered_b));
          const auto population = static_cast<std::int64_t>(std::llround(zc->pop_total));
          zone.figures.push_back(report::MapPageFigures{population, after});
          if (before != after) page.changes.push_back({s, level_index, z, before, after, population});
        }
        level.zones.push_back(std::move(zone));
      }
      page.levels.push_back(std::move(level));
    }
  }
  // The list runs from the largest change to the smallest.
  std::stable_sort(page.changes.begin(), page.changes.end(), [](const report::MapPageChange& x, const report::MapPageChange& y) {
    return std::llabs(x.covered_after - x.covered_before) > std::llabs(y.covered_after - y.covered_before);
  });

  // Facilities of B; those added, closed or changed since A say so.
  if (fac_b) {
    std::map<std::string, std::pair<std::string, std::string>> state_a;  // id → status, level + tags
    if (fac_a)
      for (const io::LayerFeature& f : fac_a->features)
        state_a[text_of(*fac_a, f, "facility_id")] = {text_of(*fac_a, f, "status"),
                                                      text_of(*fac_a, f, "level") + "|" + text_of(*fac_a, f, "tags")};
    for (const io::LayerFeature& f : fac_b->features) {
      const std::string id = text_of(*fac_b, f, "facility_id");
      const std::string status = text_of(*fac_b, f, "status");
      double lon = real_of(*fac_b, f, "lon"), lat = real_of(*fac_b, f, "lat");
      if ((!std::isfinite(lon) || !std::isfinite(lat)) && !f.geometry.null() && !f.geometry.is_empty()) {
        const auto [x, y] = f.geometry.centroid();
        lon = x;
        lat = y;
      }
      if (!std::isfinite(lon) || !std::isfinite(lat)) continue;
      std::string note;
      const auto it = state_a.find(id);
      const bool active_b = status == "active";
      if (fac_a && (it == state_a.end() || (it->second.first != "active" && active_b))) note = in_lang(L, "新增", "added");
      else if (fac_a && it->second.first == "active" && !active_b) note = in_lang(L, "关闭", "closed");
      else if (fac_a && it->second.second != text_of(*fac_b, f, "level") + "|" + text_of(*fac_b, f, "tags"))
        note = in_lang(L, "调整", "changed");
      if (note.empty() && !active_b) continue;
      report::MapPageFacility m;
      m.name = text_of(*fac_b, f, "name");
      m.type = zh ? text_of(*fac_b, f, "type_zh") : text_of(*fac_b, f, "type");
      m.level = text_of(*fac_b, f, "level");
      m.lon = lon;
      m.lat = lat;
      m.change = note;
      page.facilities.push_back(std::move(m));
    }
  }
  page.note = zh ? "绿色：情景 B 中覆盖人口增加的区域；红色：减少的区域；点击左侧列表缩放到该区域。坐标为 WGS 84；地图离线可用。"
                 : "Green: zones whose covered population grows in scenario B; red: zones where it falls; click an "
                   "entry of the list to zoom to it. Coordinates in WGS 84; the page works offline.";
  return report::render_map_page(page);
}

}  // namespace carereach::pipeline
