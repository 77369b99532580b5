#include "pipeline/run_map.hpp"

#include <algorithm>
#include <cmath>

#include "core/facility.hpp"
#include "geo/crs.hpp"
#include "pipeline/report_maps.hpp"
#include "report/published.hpp"

namespace carereach::pipeline {

namespace {

using report::Lang;

/// Rings from the analysis CRS to WGS 84 longitude/latitude, in place.
void to_wgs84(std::vector<geo::PolygonRings>& polygons, const geo::Transformer& t) {
  const auto ring = [&](geo::Ring& r) { t.transform(r.x, r.y); };
  for (geo::PolygonRings& p : polygons) {
    ring(p.shell);
    for (geo::Ring& h : p.holes) ring(h);
  }
}

}  // namespace

double map_tolerance_m(double extent_width_m, double extent_height_m) {
  const double side = std::max(extent_width_m, extent_height_m);
  return std::isfinite(side) && side > 0 ? side / 8000.0 : 0.0;
}

report::MapPage run_map_page(const io::LoadedScenario& loaded, const RunAnalysis& a,
                             const std::vector<io::LayerData>& layers, const report::RunTables& tables,
                             const ReportContext& context, Lang lang) {
  const bool zh = lang == Lang::kZh;
  const io::Scenario& sc = loaded.scenario;
  report::MapPage page;
  page.lang = lang;
  const std::string region = in_lang(lang, sc.info.region, sc.info.region_en);
  page.title = zh ? region + "医疗卫生服务可及性地图"
                  : "Access to health services — map" + (region.empty() ? std::string() : " — " + region);
  page.subtitle = in_lang(lang, sc.info.name, sc.info.name_en);
  page.date = context.date;

  const ShareClasses classes;
  page.classes = {classes.breaks, classes.colours, classes.labels, kNoDataColour, in_lang(lang, "无人口或不统计", "No population, or not reported")};

  // The standards that were computed, in the scenario's order, with their published figures.
  std::vector<const StandardOutcome*> outcomes;
  std::vector<std::vector<std::optional<report::PublishedCoverage>>> published;
  for (const StandardOutcome& o : a.standards) {
    if (!o.not_computed.empty()) continue;
    const report::StandardTables* st = nullptr;
    for (const auto& t : tables.standards)
      if (t.id == o.standard->id) st = &t;
    outcomes.push_back(&o);
    published.push_back(st != nullptr ? report::published_coverage(tables, *st)
                                      : std::vector<std::optional<report::PublishedCoverage>>{});
    page.standards.push_back({o.standard->id, in_lang(lang, o.standard->name_zh, o.standard->name_en),
                              o.standard->target_share});
  }

  // Zones: every level with shapes in layers.gpkg, simplified in the analysis CRS, then to WGS 84.
  geo::Envelope env;
  if (!loaded.study_area.null() && !loaded.study_area.is_empty()) {
    env = loaded.study_area.envelope();
  } else if (loaded.population) {
    const Grid& g = loaded.population->surface.grid;
    env = {g.origin_x_m, g.min_y_m(), g.max_x_m(), g.origin_y_m};
  }
  const double tolerance = map_tolerance_m(env.max_x - env.min_x, env.max_y - env.min_y);
  const double cell = loaded.population ? loaded.population->surface.grid.cell_size_m : 0.0;
  const geo::Transformer to_lonlat(loaded.analysis_crs, geo::wgs84());
  for (std::size_t k = 0; k < a.levels.size(); ++k) {
    const LevelOnGrid& l = a.levels[k];
    MapFrame frame;  // zone_shapes simplifies to frame.tolerance_m × 2 × pixels: pixels = 0.5 gives the tolerance
    frame.tolerance_m = l.from_seats ? std::max(tolerance, 2.0 * cell) : tolerance;
    std::optional<ZoneShapes> shapes = zone_shapes(layers, "zones_" + l.level.level, frame, 0.5);
    if (!shapes) continue;
    report::MapPageLevel level;
    level.id = l.level.level;
    level.label = in_lang(lang, l.level.label_zh, l.level.label_en);
    for (std::size_t z = 0; z < shapes->rings.size(); ++z) {
      report::MapPageZone zone;
      zone.name = shapes->names[z];
      zone.code = shapes->codes[z];
      zone.polygons = std::move(shapes->rings[z]);
      to_wgs84(zone.polygons, to_lonlat);
      for (std::size_t s = 0; s < outcomes.size(); ++s) {
        const bool has = k < outcomes[s]->reported.size() && outcomes[s]->reported[k] && k < published[s].size() &&
                         published[s][k] && z < published[s][k]->zones.size();
        if (has) {
          const report::PublishedCounts& c = published[s][k]->zones[z];
          zone.figures.push_back(report::MapPageFigures{c.total, c.covered});
        } else {
          zone.figures.emplace_back(std::nullopt);
        }
      }
      level.zones.push_back(std::move(zone));
    }
    page.levels.push_back(std::move(level));
  }

  // Facilities (closed ones are not drawn), each with the standards that count it.
  std::vector<std::vector<std::size_t>> counted_by(loaded.facilities.size());
  for (std::size_t s = 0; s < outcomes.size(); ++s)
    for (const std::uint32_t id : outcomes[s]->facility_ids)
      if (id < counted_by.size()) counted_by[id].push_back(s);
  const Taxonomy& taxonomy = sc.taxonomy;
  for (std::size_t i = 0; i < loaded.facilities.size(); ++i) {
    const Facility& f = loaded.facilities[i];
    if (f.status == FacilityStatus::kClosed) continue;
    const FacilityType* t = taxonomy.type_by_id(f.type);
    page.facilities.push_back({f.name, t != nullptr ? in_lang(lang, t->name_zh, t->name_en) : f.type,
                               zh ? to_label_zh(f.level) : to_string(f.level), f.lon, f.lat, counted_by[i], ""});
  }

  const std::string metres = report::format_fixed(tolerance, 0);
  page.note = zh ? "覆盖率 = 标准内人口 ÷ 常住人口（与附表相同的整数人口）；点击区域查看各标准的数值。边界简化约 " + metres +
                       " 米，坐标为 WGS 84；地图离线可用，不加载外部底图。"
                 : "Share = population within the standard ÷ population (the whole persons of the tables); click a "
                   "zone for its figures under every standard. Outlines simplified to about " +
                       metres + " m, coordinates in WGS 84; the page works offline and loads no base map.";
  return page;
}

std::string run_map_html(const io::LoadedScenario& loaded, const RunAnalysis& analysis,
                         const std::vector<io::LayerData>& layers, const report::RunTables& tables,
                         const ReportContext& context, Lang lang) {
  return report::render_map_page(run_map_page(loaded, analysis, layers, tables, context, lang));
}

}  // namespace carereach::pipeline
