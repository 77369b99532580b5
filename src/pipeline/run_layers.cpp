#include "pipeline/run_layers.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>

#include "pipeline/run_tables.hpp"
#include "core/taxonomy.hpp"
#include "geo/cell_polygons.hpp"
#include "io/polygonize.hpp"
#include "io/qgis_styles.hpp"
#include "report/published.hpp"
#include "report/rounding.hpp"

namespace carereach::pipeline {

namespace {

using io::FieldDef;
using io::FieldValue;
using io::LayerData;
using io::LayerFeature;
using Type = io::FieldDef::Type;
namespace qgis = io::qgis;
using analysis::kNoZone;

constexpr std::uint32_t kNoLabel = 0;

FieldValue real(double v) { return v; }
FieldValue integer(std::int64_t v) { return v; }
FieldValue text(std::string v) { return v; }

/// The unit of a standard's values in the layers: minutes, or kilometres for distance standards.
double shown(double v, analysis::CoverageUnit unit) { return unit == analysis::CoverageUnit::kMetres ? v / 1000.0 : v; }
/// Field-name ending of a value: "_time_min" or "_distance_km".
std::string unit_suffix(analysis::CoverageUnit unit) {
  return unit == analysis::CoverageUnit::kMetres ? "_distance_km" : "_time_min";
}
std::string unit_zh(analysis::CoverageUnit unit) { return unit == analysis::CoverageUnit::kMetres ? "千米" : "分钟"; }


/// Share classes for zone maps (share of the population covered), red to green.
qgis::GraduatedFill share_style(const std::string& field) {
  qgis::GraduatedFill g;
  g.field = field;
  g.classes = {{0.0, 0.5, qgis::colour("#d7191c"), "< 50%"},
               {0.5, 0.8, qgis::colour("#fdae61"), "50%–80%"},
               {0.8, 0.9, qgis::colour("#ffffbf"), "80%–90%"},
               {0.9, 0.95, qgis::colour("#a6d96a"), "90%–95%"},
               {0.95, 1.0, qgis::colour("#1a9641"), "≥ 95%"}};
  g.outline = {{90, 90, 90, 255}, 0.2};
  return g;
}

/// The index of a facility in a standard's outcome (facility_ids, catchments), or nullopt when the standard does not
/// select it.
std::optional<std::size_t> catchment_index(const StandardOutcome& o, std::uint32_t facility) {
  const auto it = std::lower_bound(o.facility_ids.begin(), o.facility_ids.end(), facility);
  if (it == o.facility_ids.end() || *it != facility) return std::nullopt;
  return static_cast<std::size_t>(it - o.facility_ids.begin());
}

/// Whole persons of a standard's catchments (within the standard, and nearest), adding up to their rounded sums.
struct CatchmentPersons {
  std::vector<std::int64_t> within;
  std::vector<std::int64_t> nearest;
};
CatchmentPersons catchment_persons(const StandardOutcome& o) {
  std::vector<double> within;
  std::vector<double> nearest;
  for (const auto& c : o.catchments) {
    within.push_back(c.pop_within);
    nearest.push_back(c.pop_nearest);
  }
  return {report::round_to_total(within), report::round_to_total(nearest)};
}

}  // namespace

void RunLayers::add_standard(const StandardOutcome& o, const StandardCells& cells, TracedCells* gaps) {
  const Standard& st = *o.standard;
  const Grid& grid = cells.measure.grid;
  const PopulationGrid& pop = loaded_.population->surface;
  const std::string u = unit_suffix(o.unit);
  // A straight-line estimate is labelled in every layer of the standard: title, description and the mode field.
  const bool estimate = st.threshold_min && st.engine == TravelEngine::kEstimate;
  const std::string title_note = estimate ? "（" + estimate_label_zh(st.mode, o.circuity, o.estimate_speed_kmh) + "）" : "";
  const std::string description_note =
      estimate ? " — " + estimate_label_en(st.mode, o.circuity, o.estimate_speed_kmh) + ", no road network used" : "";

  // --- service area: the covered populated cells, smoothed without losing any
  {
    const std::vector<std::uint8_t> covered = analysis::covered_cells(pop, cells.measure, cells.threshold);
    std::vector<std::uint32_t> labels(covered.begin(), covered.end());
    LayerData l;
    l.name = "service_area_" + st.id;
    l.title_zh = st.name_zh + " 服务范围" + title_note;
    l.description = st.name_en + ": the populated cells within the standard" + description_note;
    l.fields = {{"standard", "服务标准", Type::kString},
                {"name_zh", "名称", Type::kString},
                {"mode", "出行方式", Type::kString},
                {"pop_covered", "覆盖人口（人）", Type::kInteger},
                {"area_km2", "面积（平方千米）", Type::kReal}};
    // The published total (whole persons, as the tables show it) of the first level the standard reports.
    std::int64_t covered_pop = 0;
    {
      report::RunTables t;
      for (const auto& z : loaded_.zones) t.levels.push_back(z.level);
      for (const auto& p : report::published_coverage(t, standard_tables(o, t.levels.size())))
        if (p) {
          covered_pop = p->total.covered;
          break;
        }
    }
    // Traced along the cell edges, the concave corners bevelled without an overlay (geo::smooth_cell_polygons: the
    // same outline as io::smooth_without_loss).
    for (auto& p : geo::trace_cell_polygons(grid, labels, kNoLabel)) {
      LayerFeature f;
      f.geometry = geo::polygons_geometry(geo::smooth_cell_polygons(p.polygons, grid.cell_size_m));
      f.values = {text(st.id), text(st.name_zh),
                  text(!st.threshold_min ? std::string("直线距离")
                       : estimate        ? std::string(to_label_zh(st.mode)) + "（直线距离估算）"
                                         : std::string(to_label_zh(st.mode))),
                  integer(covered_pop), real(static_cast<double>(p.cell_count) * grid.cell_area_km2())};
      l.features.push_back(std::move(f));
    }
    qgis::SingleFill style;
    l.qml = qgis::single_fill_qml(style);
    l.sld = qgis::single_fill_sld(style, l.name);
    per_standard_.push_back(std::move(l));
  }

  // --- catchments: the covered cells by their nearest facility
  {
    std::vector<std::uint32_t> labels(grid.cell_count(), kNoLabel);
    for (std::size_t c = 0; c < labels.size(); ++c) {
      const float v = cells.measure.value[c];
      if (pop.persons[c] > 0 && v <= cells.threshold.at(c) && cells.measure.nearest[c] != TravelTimeField::kNoFacility)
        labels[c] = cells.measure.nearest[c] + 1;
    }
    LayerData l;
    l.name = "catchment_" + st.id;
    l.title_zh = st.name_zh + " 服务人口范围" + title_note;
    l.description = st.name_en + ": the covered cells of each facility (its nearest)" + description_note;
    l.fields = {{"facility_id", "机构代码", Type::kString},
                {"name", "机构名称", Type::kString},
                {"type", "机构类别", Type::kString},
                {"pop_within", "标准内服务人口（人）", Type::kInteger},
                {"pop_nearest", "就近服务人口（人）", Type::kInteger},
                {"area_km2", "面积（平方千米）", Type::kReal},
                {"mean" + u, "平均" + std::string(o.unit == analysis::CoverageUnit::kMetres ? "距离" : "时间") + "（" +
                                  unit_zh(o.unit) + "）",
                 Type::kReal}};
    const CatchmentPersons persons = catchment_persons(o);
    for (auto& p : io::polygonize_labels(grid, labels, kNoLabel)) {
      const std::uint32_t id = p.label - 1;
      const Facility& fac = loaded_.facilities[id];
      const std::optional<std::size_t> c = catchment_index(o, id);
      LayerFeature f;
      f.geometry = std::move(p.polygon);
      f.values = {text(fac.source_id), text(fac.name), text(fac.type),
                  c ? integer(persons.within[*c]) : FieldValue{}, c ? integer(persons.nearest[*c]) : FieldValue{},
                  real(static_cast<double>(p.cell_count) * grid.cell_area_km2()),
                  real(c ? shown(o.catchments[*c].mean_within, o.unit) : NAN)};
      l.features.push_back(std::move(f));
    }
    qgis::GraduatedFill g;
    g.field = "pop_within";
    g.classes = {{0, 1000, qgis::colour("#edf8fb"), "< 1,000"},
                 {1000, 5000, qgis::colour("#b2e2e2"), "1,000–5,000"},
                 {5000, 20000, qgis::colour("#66c2a4"), "5,000–20,000"},
                 {20000, 50000, qgis::colour("#2ca25f"), "20,000–50,000"},
                 {50000, 1e12, qgis::colour("#006d2c"), "≥ 50,000"}};
    l.qml = qgis::graduated_fill_qml(g);
    per_standard_.push_back(std::move(l));
  }

  // --- gap areas
  {
    std::vector<std::uint32_t> labels(grid.cell_count(), kNoLabel);
    for (const auto& g : o.gaps)
      for (const auto c : g.cells) labels[c] = g.rank;
    LayerData l;
    l.name = "gap_" + st.id;
    l.title_zh = st.name_zh + " 服务缺口" + title_note;
    l.description = st.name_en + ": connected clusters of populated cells outside the standard" + description_note;
    l.fields = {{"rank", "排序（按人口）", Type::kInteger}, {"population", "人口（人）", Type::kInteger},
                {"area_km2", "面积（平方千米）", Type::kReal}};
    // Whole persons and areas of two decimals, as the gap table shows them.
    report::StandardTables gap_figures;
    gap_figures.gaps = o.gaps;
    const std::vector<std::int64_t> gap_pop = report::published_gap_population(gap_figures);
    const std::vector<double> gap_area = report::published_gap_area(gap_figures, 2);
    for (std::size_t li = 0; li < loaded_.zones.size(); ++li) {
      const std::string& level = loaded_.zones[li].level.level;
      l.fields.push_back({level + "_code", loaded_.zones[li].level.label_zh + "代码", Type::kString});
      l.fields.push_back({level + "_name", loaded_.zones[li].level.label_zh, Type::kString});
    }
    const std::string what = o.unit == analysis::CoverageUnit::kMetres ? "距离" : "时间";
    l.fields.push_back({"min" + u, "最近" + what + "（" + unit_zh(o.unit) + "）", Type::kReal});
    l.fields.push_back({"mean" + u, "平均" + what + "（" + unit_zh(o.unit) + "）", Type::kReal});
    // Traced once: the layer's geometry here, the polygons themselves for the report's gap map.
    std::vector<geo::CellPolygons> traced = geo::trace_cell_polygons(grid, labels, kNoLabel);
    for (auto& p : traced) {
      const analysis::GapArea& g = o.gaps[p.label - 1];
      LayerFeature f;
      f.geometry = geo::polygons_geometry(p.polygons);
      f.values = {integer(g.rank), integer(gap_pop[p.label - 1]), real(gap_area[p.label - 1])};
      for (std::size_t li = 0; li < loaded_.zones.size(); ++li) {
        const std::uint32_t z = li < g.main_zone.size() ? g.main_zone[li] : kNoZone;
        const auto& zones = loaded_.zones[li].level.zones;
        f.values.push_back(z == kNoZone ? FieldValue{} : text(zones[z].code));
        f.values.push_back(z == kNoZone ? FieldValue{} : text(zones[z].name));
      }
      f.values.push_back(real(shown(g.min_value, o.unit)));
      f.values.push_back(real(shown(g.mean_value, o.unit)));
      l.features.push_back(std::move(f));
    }
    if (gaps != nullptr) {
      gaps->labels = std::move(labels);
      gaps->no_label = kNoLabel;
      gaps->polygons = std::move(traced);
    }
    qgis::SingleFill style;
    style.fill = {215, 25, 28, 140};
    style.outline = {{165, 0, 38, 255}, 0.3};
    l.qml = qgis::single_fill_qml(style);
    l.sld = qgis::single_fill_sld(style, l.name);
    per_standard_.push_back(std::move(l));
  }
}

std::vector<io::LayerData> RunLayers::finish(const RunAnalysis& a, const report::RunTables& tables,
                                             std::vector<std::vector<geo::CellPolygons>>* seat_zones) {
  if (seat_zones != nullptr) seat_zones->assign(a.levels.size(), {});
  std::vector<io::LayerData> out;
  const Taxonomy& taxonomy = loaded_.scenario.taxonomy;

  // --- facilities, with their catchment population per standard
  {
    LayerData l;
    l.name = "facilities";
    l.title_zh = "医疗卫生机构";
    l.description = "Facilities as normalised by carereach (after the scenario's changes)";
    l.geometry_type = LayerData::GeometryType::kPoint;
    l.fields = {{"facility_id", "机构代码", Type::kString}, {"name", "机构名称", Type::kString},
                {"type", "机构类别代码", Type::kString},     {"type_zh", "机构类别", Type::kString},
                {"level", "等级", Type::kString},            {"tags", "标签", Type::kString},
                {"status", "状态", Type::kString},           {"beds", "床位数（张）", Type::kReal},
                {"doctors", "执业（助理）医师（人）", Type::kReal}, {"nurses", "注册护士（人）", Type::kReal},
                {"gps", "全科医生（人）", Type::kReal},      {"tcm_beds", "中医床位（张）", Type::kReal},
                {"tcm_doctors", "中医类别医师（人）", Type::kReal}, {"lon", "经度", Type::kReal},
                {"lat", "纬度", Type::kReal}};
    std::vector<CatchmentPersons> persons(a.standards.size());
    for (std::size_t si = 0; si < a.standards.size(); ++si) {
      const auto& o = a.standards[si];
      if (!o.not_computed.empty()) continue;
      l.fields.push_back({"pop_" + o.standard->id, o.standard->name_zh + " 服务人口（人）", Type::kInteger});
      persons[si] = catchment_persons(o);
    }
    for (const LevelOnGrid& lv : a.levels) {  // the zones each facility lies in: no spatial join needed
      l.fields.push_back({lv.level.level + "_code", lv.level.label_zh + "代码", Type::kString});
      l.fields.push_back({lv.level.level + "_name", lv.level.label_zh, Type::kString});
    }
    auto opt = [](const std::optional<double>& v) { return v ? FieldValue{*v} : FieldValue{}; };
    for (const Facility& fac : loaded_.facilities) {
      LayerFeature f;
      f.geometry = geo::Geometry::point(fac.x_m, fac.y_m);
      std::string tags;
      for (const auto& t : fac.tags) tags += (tags.empty() ? "" : ";") + t;
      const FacilityType* type = taxonomy.type_by_id(fac.type);
      f.values = {text(fac.source_id), text(fac.name), text(fac.type), text(type ? type->name_zh : fac.type),
                  text(to_label_zh(fac.level)), text(tags), text(to_string(fac.status)), opt(fac.beds),
                  opt(fac.doctors), opt(fac.nurses), opt(fac.gps), opt(fac.tcm_beds), opt(fac.tcm_doctors),
                  real(fac.lon), real(fac.lat)};
      for (std::size_t si = 0; si < a.standards.size(); ++si) {
        const auto& o = a.standards[si];
        if (!o.not_computed.empty()) continue;
        const std::optional<std::size_t> c = catchment_index(o, fac.id.value);
        f.values.push_back(c ? integer(persons[si].within[*c]) : FieldValue{});
      }
      for (std::size_t li = 0; li < a.levels.size(); ++li) {
        const std::uint32_t z = li < a.facility_zone.size() ? a.facility_zone[li][fac.id.value] : kNoZone;
        const auto& zones = a.levels[li].level.zones;
        f.values.push_back(z < zones.size() ? text(zones[z].code) : FieldValue{});
        f.values.push_back(z < zones.size() ? text(zones[z].name) : FieldValue{});
      }
      l.features.push_back(std::move(f));
    }
    qgis::CategorizedMarker m;
    m.field = "type";
    const std::vector<std::pair<std::string, std::string>> colours = {
        {"general_hospital", "#d7191c"},        {"tcm_hospital", "#1a9641"},
        {"integrated_hospital", "#7b3294"},     {"township_health_center", "#2b83ba"},
        {"community_health_center", "#5e3c99"}, {"community_health_station", "#b2abd2"},
        {"village_clinic", "#fdae61"}};
    for (const auto& [type, colour] : colours) {
      const FacilityType* t = taxonomy.type_by_id(type);
      m.categories.push_back({type, qgis::colour(colour), t ? t->name_zh : type});
    }
    m.categories.push_back({"", qgis::colour("#636363"), "其他"});
    l.qml = qgis::categorized_marker_qml(m);
    out.push_back(std::move(l));
  }

  // --- zones per level with coverage and density columns: whole persons and shares as the tables publish them
  const std::vector<std::optional<report::PublishedDensity>> published_density = report::published_density(tables);
  std::map<std::string, std::vector<std::optional<report::PublishedCoverage>>> published_coverage;
  for (const auto& st : tables.standards) published_coverage[st.id] = report::published_coverage(tables, st);
  for (std::size_t li = 0; li < a.levels.size(); ++li) {
    const LevelOnGrid& level = a.levels[li];
    LayerData l;
    l.name = "zones_" + level.level.level;
    l.title_zh = level.level.label_zh + (level.from_seats ? "（驻地推算，近似）" : "");
    l.description = level.level.label_en + (level.from_seats ? " zones derived from their seats (approximate)" : "") +
                    " with coverage and resource density";
    l.fields = {{"code", "代码", Type::kString},         {"name", "名称", Type::kString},
                {"parent_code", "上级代码", Type::kString}, {"approximate", "范围为近似", Type::kInteger},
                {"zone_class", "城乡类别", Type::kString},  {"population", "常住人口（人）", Type::kInteger},
                {"area_km2", "面积（平方千米）", Type::kReal}};
    std::vector<const StandardOutcome*> shown_standards;
    for (const auto& o : a.standards) {
      if (!o.not_computed.empty() || !o.reported[li]) continue;
      shown_standards.push_back(&o);
      const std::string& id = o.standard->id;
      l.fields.push_back({"share_" + id, o.standard->name_zh + " 覆盖率", Type::kReal});
      l.fields.push_back({"covered_" + id, o.standard->name_zh + " 覆盖人口（人）", Type::kInteger});
      l.fields.push_back({"meets_" + id, o.standard->name_zh + " 达标", Type::kInteger});
    }
    const report::PublishedDensity* density =
        li < published_density.size() && published_density[li] ? &*published_density[li] : nullptr;
    if (density != nullptr)
      for (const auto& ind : a.indicators) l.fields.push_back({ind.id, ind.name_zh + "（" + ind.unit_zh + "）", Type::kReal});
    std::vector<const IndicatorOutcome*> shown_indicators;
    for (const IndicatorOutcome& o : a.plan_indicators) {
      if (o.level != li) continue;
      shown_indicators.push_back(&o);
      const std::string& id = o.indicator->id;
      const std::string name = o.indicator->name_zh.empty() ? o.indicator->name_en : o.indicator->name_zh;
      l.fields.push_back({id + "_count", name + " 现有数", Type::kInteger});
      if (o.indicator->kind == IndicatorKind::kShare) {
        l.fields.push_back({id + "_of", name + " 应有机构数", Type::kInteger});
        l.fields.push_back({id + "_share", name + " 比例", Type::kReal});
      }
      l.fields.push_back({id + "_target", name + " 目标值", Type::kReal});
      l.fields.push_back({id + "_met", name + " 达标", Type::kInteger});
      l.fields.push_back({id + "_missing", name + " 尚缺", Type::kInteger});
    }

    // Geometry: the input polygons, or the seat zones' cells.
    std::vector<geo::Geometry> geometry(level.level.zones.size());
    if (level.from_seats) {
      std::vector<geo::CellPolygons> traced =
          geo::trace_cell_polygons(loaded_.population->surface.grid, level.zone_of_cell, kNoZone);
      for (auto& p : traced) geometry[p.label] = geo::polygons_geometry(p.polygons);
      if (seat_zones != nullptr) (*seat_zones)[li] = std::move(traced);
    } else {
      for (std::size_t z = 0; z < geometry.size() && z < loaded_.zones[li].polygons.size(); ++z)
        geometry[z] = loaded_.zones[li].polygons[z].clone();
    }
    for (std::size_t z = 0; z < level.level.zones.size(); ++z) {
      const Zone& zone = level.level.zones[z];
      LayerFeature f;
      f.geometry = std::move(geometry[z]);
      f.values = {text(zone.code),
                  text(zone.name),
                  text(zone.parent_code),
                  integer(level.from_seats ? 1 : 0),
                  text(zone.zone_class == "urban" ? "城区" : zone.zone_class == "rural" ? "乡村" : ""),
                  density != nullptr ? integer(density->zones[z].population)
                                     : integer(report::round_half_even(level.population[z])),
                  real(zone.area_km2)};
      for (const StandardOutcome* o : shown_standards) {
        const report::PublishedCounts s = (*published_coverage.at(o->standard->id)[li]).zones[z];
        f.values.push_back(s.total > 0 ? real(s.share()) : FieldValue{});
        f.values.push_back(integer(s.covered));
        const auto st = std::find_if(tables.standards.begin(), tables.standards.end(),
                                     [&](const report::StandardTables& x) { return x.id == o->standard->id; });
        const double target = st != tables.standards.end() ? st->target_at(li, z) : o->standard->target_share;
        f.values.push_back(integer(s.total > 0 && report::meets(s, target) ? 1 : 0));
      }
      if (density != nullptr)
        for (std::size_t k = 0; k < a.indicators.size(); ++k) f.values.push_back(real(density->zones[z].value[k]));
      for (const IndicatorOutcome* o : shown_indicators) {
        const analysis::ZoneIndicator& r = o->result.zones[z];
        f.values.push_back(integer(r.count));
        if (o->indicator->kind == IndicatorKind::kShare) {
          f.values.push_back(integer(r.of));
          f.values.push_back(r.of > 0 ? real(r.share) : FieldValue{});
        }
        f.values.push_back(real(r.target));
        f.values.push_back(r.met == -1 ? FieldValue{} : integer(r.met));
        f.values.push_back(r.met == -1 ? FieldValue{} : integer(r.missing));
      }
      l.features.push_back(std::move(f));
    }
    const std::string styled = shown_standards.empty() ? std::string() : "share_" + shown_standards.front()->standard->id;
    if (!styled.empty()) {
      l.qml = zone_share_qml(styled);  // its SLD: one per standard, styles/zones_<level>__share_<std>.sld
    }
    out.push_back(std::move(l));
  }

  for (auto& l : per_standard_) out.push_back(std::move(l));
  per_standard_.clear();

  // --- capacity catchments ([capacity.<id>]): per facility the cells it took persons from (a cell shared in the
  // ring that crossed a capacity goes to the facility that took most there; docs/method/capacity.md)
  for (std::size_t k = 0; k < a.capacity.size() && k < tables.capacity.size(); ++k) {
    const CapacityOutcome& o = a.capacity[k];
    if (!o.computed()) continue;
    const Grid& grid = loaded_.population->surface.grid;
    std::vector<std::uint32_t> labels(grid.cell_count(), kNoLabel);
    for (std::size_t c = 0; c < labels.size(); ++c)
      if (o.result.main_facility[c] != analysis::kNoFacilityIndex) labels[c] = o.result.main_facility[c] + 1;
    // Published whole persons of the facilities, as 附表8 shows them (its rows are in processing order).
    const std::vector<std::int64_t> served = report::published_served(tables, tables.capacity[k]);
    std::vector<double> caps;
    for (const auto& row : tables.capacity[k].facilities) caps.push_back(row.capacity);
    const std::vector<std::int64_t> capacity = report::round_to_total(caps);
    std::vector<std::size_t> row_of(o.result.facilities.size());
    for (std::size_t r = 0; r < o.result.order.size(); ++r) row_of[o.result.order[r]] = r;
    LayerData l;
    l.name = "capacity_" + o.spec->id;
    l.title_zh = o.spec->name_zh + " 按服务能力的服务范围（模型估计）";
    l.description = (o.spec->name_en.empty() ? o.spec->name_zh : o.spec->name_en) +
                    ": the cells each facility serves within its capacity (modelled)";
    l.fields = {{"facility_id", "机构代码", Type::kString}, {"name", "机构名称", Type::kString},
                {"order", "处理顺序", Type::kInteger},       {"capacity", "服务能力（人）", Type::kInteger},
                {"served", "服务人口（人）", Type::kInteger},  {"used_pct", "能力使用率（%）", Type::kReal},
                {"status", "说明", Type::kString},           {"area_km2", "面积（平方千米）", Type::kReal}};
    for (auto& p : io::polygonize_labels(grid, labels, kNoLabel)) {
      const std::size_t i = p.label - 1;
      const std::size_t r = row_of[i];
      const Facility& fac = loaded_.facilities[o.facility_ids[i]];
      LayerFeature f;
      f.geometry = std::move(p.polygon);
      f.values = {text(fac.source_id), text(fac.name), integer(static_cast<std::int64_t>(r + 1)), integer(capacity[r]),
                  integer(served[r]),
                  capacity[r] > 0 ? real(100.0 * static_cast<double>(served[r]) / static_cast<double>(capacity[r]))
                                  : FieldValue{},
                  text(report::capacity_status_text(o.result.facilities[i].status, report::Lang::kZh)),
                  real(static_cast<double>(p.cell_count) * grid.cell_area_km2())};
      l.features.push_back(std::move(f));
    }
    qgis::GraduatedFill g;
    g.field = "used_pct";
    g.classes = {{0, 50, qgis::colour("#edf8fb"), "< 50 %"},
                 {50, 90, qgis::colour("#b2e2e2"), "50–90 %"},
                 {90, 99.95, qgis::colour("#66c2a4"), "90–100 %"},
                 {99.95, 1e12, qgis::colour("#006d2c"), "100 %"}};
    l.qml = qgis::graduated_fill_qml(g);
    out.push_back(std::move(l));
  }

  // --- referral lines ([referral.<id>]): from each source facility to its nearest target, with the minutes
  for (const ReferralOutcome& o : a.referrals) {
    if (!o.not_computed.empty()) continue;
    LayerData l;
    l.name = "referral_" + o.spec->id;
    l.title_zh = o.spec->name_zh.empty() ? "转诊时间 " + o.spec->id : o.spec->name_zh;
    l.description = "Referral times: each facility to its nearest referral facility (docs/method/referral.md)";
    l.geometry_type = LayerData::GeometryType::kLineString;
    l.fields = {{"from_id", "机构代码", Type::kString},      {"from_name", "机构名称", Type::kString},
                {"to_id", "转诊机构代码", Type::kString},    {"to_name", "转诊机构", Type::kString},
                {"minutes", "转诊时间（分钟）", Type::kReal}, {"beyond", "超过阈值", Type::kInteger}};
    for (const analysis::ReferralRow& row : o.rows) {
      if (row.status != analysis::ReferralStatus::kReached) continue;
      const Facility& f = loaded_.facilities[row.from];
      const Facility& t = loaded_.facilities[row.to];
      LayerFeature feature;
      char wkt[160];
      std::snprintf(wkt, sizeof wkt, "LINESTRING (%.3f %.3f, %.3f %.3f)", f.x_m, f.y_m, t.x_m, t.y_m);
      feature.geometry = geo::Geometry::from_wkt(wkt);
      feature.values = {text(f.source_id), text(f.name), text(t.source_id), text(t.name), real(row.minutes),
                        integer(row.minutes > o.spec->threshold_min ? 1 : 0)};
      l.features.push_back(std::move(feature));
    }
    qgis::CategorizedLine style;
    style.field = "beyond";
    style.categories = {{"0", qgis::colour("#1a9641"), "≤ " + report::format_fixed(o.spec->threshold_min, 0) + " 分钟"},
                        {"1", qgis::colour("#d7191c"), "> " + report::format_fixed(o.spec->threshold_min, 0) + " 分钟"}};
    l.qml = qgis::categorized_line_qml(style);
    out.push_back(std::move(l));
  }

  // --- chosen sites ([siting.<id>]): in the order of the coverage curve (pipeline/run_siting.hpp)
  std::vector<ZoneLevel> zone_levels;
  for (const LevelOnGrid& level : a.levels) zone_levels.push_back(level.level);
  for (std::size_t k = 0; k < a.siting.size() && k < tables.siting.size(); ++k)
    if (a.siting[k].computed())
      out.push_back(siting_layer(a.siting[k], tables.siting[k], zone_levels, "sites_" + a.siting[k].spec->id));
  return out;
}

std::string zone_share_qml(const std::string& field) {
  qgis::GraduatedFill g = share_style(field);
  g.labels = qgis::Labels{"name"};
  return qgis::graduated_fill_qml(g);
}

std::string zone_share_sld(const std::string& field, const std::string& layer) {
  return qgis::graduated_fill_sld(share_style(field), layer);
}

}  // namespace carereach::pipeline
