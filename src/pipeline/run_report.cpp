#include "pipeline/run_report.hpp"

#include <algorithm>
#include <limits>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <map>
#include <set>

#include "core/road_data.hpp"
#include "core/taxonomy.hpp"
#include "geo/cell_polygons.hpp"
#include "io/polygonize.hpp"
#include "io/qgis_styles.hpp"
#include "io/run_manifest.hpp"
#include "core/crs_name.hpp"
#include "report/problem_text.hpp"
#include "report/published.hpp"

namespace carereach::pipeline {

namespace {

using report::Lang;
using report::MapLayerPoints;
using report::MapLayerPolygons;
using report::MapSpec;

/// Gap areas numbered on their map.
constexpr std::size_t kLabelledGaps = 5;
/// Gap areas per standard in the report's gap table.
constexpr std::size_t kGapRowsInReport = 20;
/// Warnings listed in the page (all of them are in run.json).
constexpr std::size_t kListedWarnings = 40;


/// A length or time in the standard's unit as shown: "15", "2.5".
std::string value_text(double v) {
  const double r = std::round(v * 10.0) / 10.0;
  return report::format_fixed(r, r == std::round(r) ? 0 : 1);
}

/// The value of a standard's measure in its display unit (minutes, or km for distance standards).
double shown(double v, analysis::CoverageUnit unit) { return unit == analysis::CoverageUnit::kMetres ? v / 1000.0 : v; }

std::string unit_text(analysis::CoverageUnit unit, Lang lang) {
  if (unit == analysis::CoverageUnit::kMetres) return in_lang(lang, "千米", "km");
  return in_lang(lang, "分钟", "min");
}

/// Band classes of a standard: class 0 is "within the standard" (the cells coverage counts), then the measure cut
/// at 2× and 4× the largest threshold (kept only below the search limit), the last class open-ended and holding the
/// cells not reached.
struct BandScheme {
  std::vector<float> upper;  ///< upper bound of classes 1 … n−2 in the measure's unit
  std::vector<std::string> labels;
  std::vector<std::string> colours;
};

BandScheme band_scheme(const StandardOutcome& o, const report::StandardTables& st, Lang lang) {
  const Standard& s = *o.standard;
  double m = 0.0;  // the largest threshold, in the measure's unit
  bool uniform = true;
  if (s.threshold_min) {
    m = *s.threshold_min;
  } else {
    if (s.distance_m) m = *s.distance_m;
    for (const auto& [cls, d] : s.distance_m_by_zone_class) {
      if (m > 0 && d != m) uniform = false;
      m = std::max(m, d);
    }
    if (s.distance_m && !s.distance_m_by_zone_class.empty()) uniform = false;
  }
  BandScheme b;
  for (const double f : {2.0, 4.0})
    if (f * m <= o.limit) b.upper.push_back(static_cast<float>(f * m));
  const std::string u = unit_text(o.unit, lang);
  b.labels.push_back(in_lang(lang, "标准内（" + st.threshold_zh + "）", "Within the standard (" + st.threshold_en + ")"));
  double lower = shown(m, o.unit);
  for (std::size_t i = 0; i < b.upper.size(); ++i) {
    const double up = shown(b.upper[i], o.unit);
    if (i == 0 && !uniform)
      b.labels.push_back(in_lang(lang, "标准外，≤ " + value_text(up) + " " + u, "Outside, ≤ " + value_text(up) + " " + u));
    else
      b.labels.push_back(value_text(lower) + "–" + value_text(up) + " " + u);
    lower = up;
  }
  b.labels.push_back(in_lang(lang, "＞ " + value_text(lower) + " " + u + "或未到达", "> " + value_text(lower) + " " + u +
                                                                                  " or not reached"));
  // Green (within) to red (farthest): 3 or 4 classes.
  b.colours = b.labels.size() == 4 ? std::vector<std::string>{"#1a9641", "#a6d96a", "#fdae61", "#d7191c"}
              : b.labels.size() == 3 ? std::vector<std::string>{"#1a9641", "#fdae61", "#d7191c"}
                                     : std::vector<std::string>{"#1a9641", "#d7191c"};
  return b;
}

}  // namespace

std::string travel_time_raster_qml(const StandardOutcome& o, report::Lang lang) {
  return io::qgis::raster_classes_qml(travel_time_raster_classes(o, lang));
}

std::string travel_time_raster_sld(const StandardOutcome& o, report::Lang lang) {
  return io::qgis::raster_classes_sld(travel_time_raster_classes(o, lang), "travel_time_" + o.standard->id);
}

std::vector<io::qgis::RasterClass> travel_time_raster_classes(const StandardOutcome& o, report::Lang lang) {
  const BandScheme b = band_scheme(o, report::describe_standard(*o.standard), lang);
  std::vector<io::qgis::RasterClass> classes;
  const double m = o.standard->threshold_min.value_or(0.0);
  classes.push_back({m, io::qgis::colour(b.colours.front()), b.labels.front()});
  for (std::size_t i = 0; i < b.upper.size(); ++i)
    classes.push_back({static_cast<double>(b.upper[i]), io::qgis::colour(b.colours[i + 1]), b.labels[i + 1]});
  classes.push_back({std::numeric_limits<double>::infinity(), io::qgis::colour(b.colours.back()), b.labels.back()});
  return classes;
}

namespace {

std::string road_class_text(RoadClass c, Lang lang) {
  if (lang == Lang::kEn) return std::string(road_class_name(c));
  switch (c) {
    case RoadClass::kMotorway: return "高速公路";
    case RoadClass::kTrunk: return "干线公路";
    case RoadClass::kPrimary: return "主干路";
    case RoadClass::kSecondary: return "次干路";
    case RoadClass::kTertiary: return "支路";
    case RoadClass::kUnclassified: return "乡村道路";
    case RoadClass::kResidential: return "居住区道路";
    case RoadClass::kTrack: return "机耕路";
    case RoadClass::kPath: return "小路";
    default: return std::string(road_class_name(c));
  }
}

}  // namespace

std::string report_date(const std::string& started_at) {
  if (const auto epoch = io::source_date_epoch()) {
    std::tm tm{};
    gmtime_r(&*epoch, &tm);
    char buf[16];
    std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
    return buf;
  }
  return started_at.substr(0, 10);
}

RunReport::RunReport(const io::LoadedScenario& loaded, Lang lang) : loaded_(loaded), lang_(lang) {
  geo::Envelope env;
  if (!loaded.study_area.null() && !loaded.study_area.is_empty()) {
    env = loaded.study_area.envelope();
  } else if (loaded.population) {
    const Grid& g = loaded.population->surface.grid;
    env = {g.origin_x_m, g.min_y_m(), g.max_x_m(), g.origin_y_m};
  }
  frame_ = make_map_frame(env, loaded.analysis_crs, lang);
}

void RunReport::add_standard(const StandardOutcome& o, const StandardCells& cells, TracedCells gaps) {
  const report::StandardTables st = report::describe_standard(*o.standard);
  BandScheme scheme = band_scheme(o, st, lang_);
  const PopulationGrid& pop = loaded_.population->surface;
  const analysis::CellMeasure& m = cells.measure;
  // Labels 1 … n: populated cells by class (the map shows where people live; empty cells are left blank).
  std::vector<std::uint32_t> labels(m.grid.cell_count(), 0);
  for (std::size_t c = 0; c < labels.size(); ++c) {
    if (!(pop.persons[c] > 0)) continue;
    const float v = m.value[c];
    std::uint32_t cls = 1;
    if (!(v <= cells.threshold.at(c))) {
      cls = static_cast<std::uint32_t>(scheme.upper.size()) + 2;
      for (std::size_t i = 0; i < scheme.upper.size(); ++i)
        if (v <= scheme.upper[i]) {
          cls = static_cast<std::uint32_t>(i) + 2;
          break;
        }
    }
    labels[c] = cls;
  }
  Bands b;
  b.standard_id = o.standard->id;
  b.labels = std::move(scheme.labels);
  b.colours = std::move(scheme.colours);
  b.rings.resize(b.labels.size());
  // Polygons at about one pixel per cell: finer cells cannot be seen and would only cost time and bytes.
  const auto factor = static_cast<std::uint32_t>(std::max(1.0, std::round(2.0 * frame_.tolerance_m / m.grid.cell_size_m)));
  // Traced along the cells and simplified to a pixel with the boundary between two bands simplified once for both
  // (geo::simplify_cell_polygons): neighbouring bands keep sharing their edges.
  const io::LabelGrid drawn = io::coarsen_labels(m.grid, labels, factor);
  std::vector<geo::CellPolygons> traced = geo::trace_cell_polygons(drawn.grid, drawn.labels, 0);
  geo::simplify_cell_polygons(traced, drawn.grid, drawn.labels, 0, frame_.tolerance_m * 2.0);
  for (auto& t : traced) b.rings[t.label - 1] = geo::drawable_cell_polygons(std::move(t.polygons));
  // The gap areas at one pixel, each boundary simplified once (gaps are 8-connected clusters: they never touch, so
  // their boundaries are with cells of no gap).
  if (!gaps.labels.empty()) {
    std::vector<std::vector<geo::PolygonRings>> rings = drawable_cell_rings(
        std::move(gaps.polygons), m.grid, gaps.labels, gaps.no_label, o.gaps.size(), frame_, 1.0);
    b.gap_rings.assign(std::make_move_iterator(rings.begin() + 1), std::make_move_iterator(rings.end()));
    b.gaps_traced = true;
  }
  bands_.push_back(std::move(b));
}

report::MapGroup RunReport::standard_maps(const StandardOutcome& o, const RunAnalysis& a,
                                          const std::vector<io::LayerData>& layers,
                                          const std::vector<std::optional<ZoneShapes>>& zones,
                                          const report::RunTables& tables) const {
  const Lang L = lang_;
  const Standard& s = *o.standard;
  const std::string name = in_lang(L, s.name_zh, s.name_en);
  report::MapGroup group;
  group.id = "map-" + s.id;
  group.title = name;

  // Context layers: the coarsest zones as a grey ground (ground_layer), outlines of every level (add_outlines).
  const std::size_t nlev = zones.size();
  MapLayerPoints facilities;
  for (const std::uint32_t id : o.facility_ids) {
    const Facility& f = loaded_.facilities[id];
    facilities.points.emplace_back(f.x_m, f.y_m);
    facilities.titles.push_back(f.name);
  }
  facilities.fill = {"#1f3b73"};
  facilities.stroke = "#ffffff";
  facilities.radius_px = 3.5;
  const std::string fac_label = in_lang(L, "纳入的机构（", "Facilities (") + std::to_string(o.facility_ids.size()) +
                                in_lang(L, " 个）", ")");

  // 1. Travel-time (or distance) bands.
  const auto bands = std::find_if(bands_.begin(), bands_.end(), [&](const Bands& b) { return b.standard_id == s.id; });
  const bool distance = o.unit == analysis::CoverageUnit::kMetres;
  // A straight-line estimate says so in the map's title, legend and caption.
  const bool estimate = !distance && s.engine == TravelEngine::kEstimate;
  const std::string estimate_text =
      estimate ? in_lang(L, estimate_label_zh(s.mode, o.circuity, o.estimate_speed_kmh),
                         estimate_label_en(s.mode, o.circuity, o.estimate_speed_kmh))
               : std::string();
  if (bands != bands_.end()) {
    MapSpec spec = map_spec(frame_,
                            name + in_lang(L, distance   ? " — 直线距离"
                                              : estimate ? " — 出行时间（直线距离估算）"
                                                         : " — 出行时间",
                                           distance   ? " — distance"
                                           : estimate ? " — travel time (straight-line estimate)"
                                                      : " — travel time"),
                            in_lang(L, distance   ? "到最近机构的直线距离"
                                       : estimate ? "到最近机构的出行时间（估算）"
                                                  : "到最近机构的出行时间",
                                    distance   ? "Straight line to the nearest"
                                    : estimate ? "Travel time to the nearest (estimate)"
                                               : "Travel time to the nearest"));
    spec.layers.emplace_back(ground_layer(zones));
    for (std::size_t i = bands->rings.size(); i-- > 0;)
      spec.layers.emplace_back(solid_layer(bands->rings[i], bands->colours[i]));
    add_outlines(spec, zones);
    spec.layers.emplace_back(facilities);
    for (std::size_t i = 0; i < bands->labels.size(); ++i) spec.legend.push_back({bands->colours[i], bands->labels[i]});
    spec.legend.push_back({"#1f3b73", fac_label, true});
    group.maps.push_back({report::render_svg(spec),
                          in_lang(L, "有人口的格网按到最近纳入机构的" + std::string(distance ? "直线距离" : "出行时间") +
                                     "分级；无人口处留白。" + (estimate ? "出行时间为" + estimate_text + "，未使用道路网络。" : ""),
                              std::string("Populated cells by ") + (distance ? "straight-line distance" : "travel time") +
                                  " to the nearest facility of the standard; cells without population are blank." +
                                  (estimate ? " Times are a " + estimate_text + ", not routes on a road network." : ""))});
  }

  // 2. Share covered per zone at the finest level the standard reports (and that has shapes).
  std::size_t kz = nlev;
  for (std::size_t k = 0; k < nlev; ++k)
    if (o.reported[k] && zones[k]) kz = k;
  // The published figures (whole persons that add up, as in the tables) of this standard.
  const report::StandardTables* st = nullptr;
  for (const auto& t : tables.standards)
    if (t.id == s.id) st = &t;
  const auto published = st != nullptr ? report::published_coverage(tables, *st)
                                       : std::vector<std::optional<report::PublishedCoverage>>{};
  if (kz < nlev && kz < published.size() && published[kz]) {
    const ShareClasses classes;
    const auto& cov = published[kz]->zones;
    std::vector<double> share(cov.size());
    std::vector<std::string> titles(cov.size());
    for (std::size_t z = 0; z < cov.size(); ++z) {
      share[z] = cov[z].total > 0 ? cov[z].share() : std::nan("");
      titles[z] = (z < zones[kz]->names.size() ? zones[kz]->names[z] : "") + ": " + percent_text(share[z]) + " (" +
                  persons_text(static_cast<double>(cov[z].covered)) + " / " +
                  persons_text(static_cast<double>(cov[z].total)) + ")";
    }
    const auto fills = report::class_colours(share, classes.breaks, classes.colours, kNoDataColour,
                                             report::ClassBounds::kLowerInclusive);
    const ZoneLevel& zl = a.levels[kz].level;
    const std::string level = in_lang(L, zl.label_zh, zl.label_en);
    MapSpec spec = map_spec(frame_, name + in_lang(L, " — 各" + level + "覆盖率", " — share covered per " + level),
                            in_lang(L, "覆盖率", "Share covered"));
    spec.layers.emplace_back(filled_features(zones[kz]->rings, fills, titles));
    add_outlines(spec, zones);
    for (std::size_t i = 0; i < classes.labels.size(); ++i) spec.legend.push_back({classes.colours[i], classes.labels[i]});
    spec.legend.push_back({kNoDataColour, in_lang(L, "无人口", "No population")});
    group.maps.push_back(
        {report::render_svg(spec),
         in_lang(L, "覆盖率 = 标准内人口 ÷ 常住人口；目标 " + percent_text(s.target_share) + "。" +
                    (a.levels[kz].from_seats ? "范围由驻地推算，为近似。" : ""),
             "Share = population within the standard ÷ population; target " + percent_text(s.target_share) + "." +
                 (a.levels[kz].from_seats ? " Zones derived from their seats (approximate)." : ""))});
  }

  // 3. Gap areas over the covered area, the largest numbered.
  const std::string gap_layer = "gap_" + s.id;
  const auto gl = std::find_if(layers.begin(), layers.end(), [&](const io::LayerData& l) { return l.name == gap_layer; });
  if (gl != layers.end()) {
    MapSpec spec = map_spec(frame_, name + in_lang(L, " — 服务缺口", " — service gaps"), in_lang(L, "图例", "Legend"));
    spec.layers.emplace_back(ground_layer(zones));
    if (bands != bands_.end() && !bands->rings.empty())
      spec.layers.emplace_back(solid_layer(bands->rings.front(), "#cfe8cf"));
    MapLayerPolygons gaps;
    report::MapLayerLabels ranks;
    ranks.font_px = 13;
    const std::vector<std::int64_t> gap_pop =
        st != nullptr ? report::published_gap_population(*st) : std::vector<std::int64_t>(o.gaps.size(), 0);
    const std::vector<double> gap_area =
        st != nullptr ? report::published_gap_area(*st, 2) : std::vector<double>(o.gaps.size(), 0.0);
    for (std::size_t i = 0; i < gl->features.size() && i < o.gaps.size(); ++i) {
      const analysis::GapArea& g = o.gaps[i];
      const std::string title = "#" + std::to_string(g.rank) + ": " + persons_text(static_cast<double>(gap_pop[i])) +
                                in_lang(L, " 人，", " people, ") + report::format_fixed(gap_area[i], 2) +
                                in_lang(L, " 平方千米", " km²");
      const std::vector<geo::PolygonRings> rings =
          bands != bands_.end() && bands->gaps_traced
              ? (i < bands->gap_rings.size() ? bands->gap_rings[i] : std::vector<geo::PolygonRings>{})
              : drawable_rings(gl->features[i].geometry, frame_, 1.0);
      for (const auto& p : rings) {
        gaps.polygons.push_back(p);
        gaps.titles.push_back(title);
      }
      if (g.rank <= kLabelledGaps && !gl->features[i].geometry.null() && !gl->features[i].geometry.is_empty()) {
        ranks.points.push_back(gl->features[i].geometry.point_on_surface());
        ranks.texts.push_back(std::to_string(g.rank));
      }
    }
    if (!gaps.polygons.empty()) gaps.fill = {"#d7191c"};
    gaps.stroke = "#a50026";
    gaps.stroke_width_px = 0.5;
    spec.layers.emplace_back(std::move(gaps));
    add_outlines(spec, zones);
    spec.layers.emplace_back(facilities);
    spec.layers.emplace_back(std::move(ranks));
    spec.legend = {{"#cfe8cf", in_lang(L, "标准内（有人口）", "Within the standard (populated)")},
                   {"#d7191c", in_lang(L, "服务缺口（标准外的连片人口）", "Service gap (populated, outside)")},
                   {"#1f3b73", fac_label, true}};
    group.maps.push_back(
        {report::render_svg(spec),
         in_lang(L, "服务缺口为标准外、相互连通（含对角）的有人口格网；数字为按人口排序的前 " + std::to_string(kLabelledGaps) +
                    " 处，详见附表4。共 " + std::to_string(o.gaps.size()) + " 处。",
             "Gaps are clusters of populated cells outside the standard (8-connected); the numbers mark the " +
                 std::to_string(kLabelledGaps) + " with the most people (Table 4). " + std::to_string(o.gaps.size()) +
                 " gaps in all.")});
  }
  return group;
}

std::vector<report::Findings> RunReport::method(const RunAnalysis& a) const {
  const Lang L = lang_;
  const bool zh = L == Lang::kZh;
  std::vector<report::Findings> out;
  const Taxonomy& taxonomy = loaded_.scenario.taxonomy;
  std::set<TravelMode> modes;
  bool network = false, raster = false;
  for (const StandardOutcome& o : a.standards) {
    const Standard& s = *o.standard;
    report::Findings f;
    f.title = in_lang(L, s.name_zh, s.name_en);
    f.standard_id = s.id;
    if (!o.not_computed.empty()) {
      f.items.push_back(zh ? "未计算：" + (o.not_computed_zh.empty() ? o.not_computed : o.not_computed_zh) + "。"
                           : "Not computed: " + o.not_computed + ".");
      out.push_back(std::move(f));
      continue;
    }
    const report::StandardTables st = report::describe_standard(s);
    if (s.threshold_min) {
      if (s.engine != TravelEngine::kEstimate) modes.insert(s.mode);
      if (s.engine == TravelEngine::kNetwork) network = true;
      if (s.engine == TravelEngine::kRaster) raster = true;
      const std::string method_zh = s.engine == TravelEngine::kNetwork  ? std::string("道路网络最短时间")
                                    : s.engine == TravelEngine::kRaster ? std::string("栅格累计成本（摩擦面）")
                                                                        : estimate_label_zh(s.mode, o.circuity, o.estimate_speed_kmh) +
                                                                              "，未使用道路网络";
      const std::string method_en = s.engine == TravelEngine::kNetwork  ? std::string("shortest time on the road network")
                                    : s.engine == TravelEngine::kRaster ? std::string("accumulated cost on a friction raster")
                                                                        : estimate_label_en(s.mode, o.circuity, o.estimate_speed_kmh) +
                                                                              ", no road network used";
      f.items.push_back(zh ? "出行方式：" + st.mode_zh + "；计算方法：" + method_zh + "；阈值：" + st.threshold_zh +
                                 "；计算上限：" + value_text(o.limit) + " 分钟。"
                           : "Mode: " + st.mode_en + "; method: " + method_en + "; threshold: " + st.threshold_en +
                                 "; search limit: " + value_text(o.limit) + " min.");
      if (s.engine == TravelEngine::kEstimate)
        f.items.push_back(zh ? "直线距离估算：出行时间 = 格网中心到最近纳入机构的直线距离 × 绕行系数 " + value_text(o.circuity) +
                                   " ÷ " + value_text(o.estimate_speed_kmh) +
                                   " 千米/小时；绕行系数与速度的来源见 docs/method/estimate.md。结果为近似值。"
                             : "Straight-line estimate: time = straight line from the cell centre to the nearest facility × "
                               "circuity " + value_text(o.circuity) + " ÷ " + value_text(o.estimate_speed_kmh) +
                                   " km/h; docs/method/estimate.md gives the sources of both. The figures are approximate.");
    } else {
      f.items.push_back(zh ? "直线距离：" + st.threshold_zh + "（按所在区域的城乡类别）；不计道路。"
                           : "Straight-line distance: " + st.threshold_en + " (by the zone's class); roads not used.");
      if (o.unclassified_population > 0)
        f.items.push_back(zh ? persons_text(o.unclassified_population) + " 人所在区域无城乡类别，按默认半径计。"
                             : persons_text(o.unclassified_population) +
                                   " people live in zones without a class and are held to the fallback radius.");
    }
    const std::string& source = st.source(L);
    f.items.push_back(zh ? "目标：" + percent_text(s.target_share) + " 的常住人口在标准内" +
                               (source.empty() ? "" : "；依据：" + source) + "。"
                         : "Target: " + percent_text(s.target_share) + " of the population within the standard" +
                               (source.empty() ? "" : "; basis: " + source) + ".");
    std::map<std::string, std::size_t> by_type;
    for (const std::uint32_t id : o.facility_ids) {
      const FacilityType* t = taxonomy.type_by_id(loaded_.facilities[id].type);
      by_type[t ? in_lang(L, t->name_zh, t->name_en) : loaded_.facilities[id].type]++;
    }
    std::string types;
    for (const auto& [t, n] : by_type) types += (types.empty() ? "" : (zh ? "、" : ", ")) + t + " " + std::to_string(n);
    f.items.push_back((zh ? "纳入机构 " : "Facilities included: ") + std::to_string(o.facility_ids.size()) +
                      (types.empty() ? "" : (zh ? "（" + types + "）" : " (" + types + ")")) + (zh ? "。" : "."));
    std::size_t not_joined = 0, beyond = 0;
    for (const auto& acc : o.access) {
      if (!acc.joined) ++not_joined;
      if (acc.beyond_max_access) ++beyond;
    }
    if (not_joined + beyond > 0)
      f.items.push_back(zh ? "接入：" + std::to_string(not_joined) + " 个机构未接入道路网络，" + std::to_string(beyond) +
                                 " 个距道路超过接入距离上限（见 facility_access.csv）。"
                           : "Access: " + std::to_string(not_joined) + " facilities not joined to the network, " +
                                 std::to_string(beyond) + " farther from a road than the access limit (facility_access.csv).");
    out.push_back(std::move(f));
  }

  const analysis::TravelSettings& ts = a.travel_settings;
  if (!modes.empty()) {
    report::Findings f;
    f.title = in_lang(L, "出行速度与接入", "Speeds and access");
    for (const TravelMode m : modes) {
      if (m == TravelMode::kMixed) continue;
      std::string line = zh ? std::string(to_label_zh(m)) + "（千米/小时）：" : std::string(to_label_en(m)) + " (km/h): ";
      bool first = true;
      for (const RoadClass c : {RoadClass::kMotorway, RoadClass::kTrunk, RoadClass::kPrimary, RoadClass::kSecondary,
                                RoadClass::kTertiary, RoadClass::kUnclassified, RoadClass::kResidential,
                                RoadClass::kTrack, RoadClass::kPath}) {
        const double v = ts.profile.mode(m).speed_kmh[static_cast<std::size_t>(c)];
        if (!(v > 0)) continue;
        line += (first ? "" : (zh ? "，" : ", ")) + road_class_text(c, L) + " " + value_text(v);
        first = false;
      }
      f.items.push_back(line + (zh ? "。" : "."));
    }
    if (network)
      f.items.push_back(
          zh ? "道路网络：格网中心与机构步行接入最近道路（步行 " + value_text(ts.profile.access_speed_kmh) +
                   " 千米/小时，接入距离上限 " + value_text(ts.profile.max_access_distance_m) + " 米），每个格网最多连接 " +
                   std::to_string(ts.connectors_per_cell) + " 处道路" + (ts.snap_to_nodes ? "（吸附到最近节点）" : "") +
                   "；速度表：" + ts.profile.source + "。"
             : "Road network: cell centres and facilities walk to the nearest road (" +
                   value_text(ts.profile.access_speed_kmh) + " km/h, at most " +
                   value_text(ts.profile.max_access_distance_m) + " m), up to " +
                   std::to_string(ts.connectors_per_cell) + " road links per cell" +
                   (ts.snap_to_nodes ? " (snapped to the nearest node)" : "") + "; speed table: " + ts.profile.source + ".");
    if (raster)
      f.items.push_back(zh ? "栅格引擎：" + std::to_string(ts.raster_neighbours) + " 邻域，" +
                                 (ts.raster_burn_roads ? "道路烧录入摩擦面，" : "") + "无土地覆盖的格网" +
                                 (ts.raster_no_land_cover_default_speed
                                      ? "按步行 " + value_text(ts.raster_default_speed_kmh) + " 千米/小时计。"
                                      : "不可通行。")
                           : "Raster engine: " + std::to_string(ts.raster_neighbours) + " neighbours, " +
                                 (ts.raster_burn_roads ? "roads burned into the friction, " : "") +
                                 "cells without land cover " +
                                 (ts.raster_no_land_cover_default_speed
                                      ? "walked at " + value_text(ts.raster_default_speed_kmh) + " km/h."
                                      : "impassable."));
    out.push_back(std::move(f));
  }

  report::Findings data;
  data.title = in_lang(L, "数据与口径", "Data and rules");
  if (loaded_.population) {
    const Grid& g = loaded_.population->surface.grid;
    data.items.push_back(zh ? "人口分布于 " + value_text(g.cell_size_m) + " 米格网（" + std::to_string(g.cols) + " 列 × " +
                                  std::to_string(g.rows) + " 行）；每个格网以其中心计算出行时间或距离。"
                            : "Population on a " + value_text(g.cell_size_m) + " m grid (" + std::to_string(g.cols) +
                                  " × " + std::to_string(g.rows) + " cells); each cell's time or distance is that of its centre.");
    const io::PopulationLoad& p = *loaded_.population;  // how the persons were put on the grid
    if (!(zh ? p.method_zh : p.method).empty())
      data.items.push_back(zh ? "人口分配：" + p.method_zh + "。" : "Population placed: " + p.method + ".");
  }
  for (const LevelOnGrid& l : a.levels)
    if (l.from_seats)
      data.items.push_back(zh ? l.level.label_zh + "范围未公布，由驻地按机动车出行时间在所属上级区域内推算，为近似范围。"
                              : l.level.label_en + " boundaries are not published: zones are derived from their seats by "
                                                   "car travel time within their parent zone, and are approximate.");
  data.items.push_back(zh ? "覆盖：到最近纳入机构的时间（距离）不超过阈值的格网人口计为覆盖；到不了的计为未覆盖。"
                          : "Covered: the population of cells whose time (distance) to the nearest facility is at most "
                            "the threshold; cells not reached are not covered.");
  data.items.push_back(zh ? "地图为正北向示意，边界按半个像素简化；数值以附表为准。"
                          : "Maps are north-up sketches with outlines simplified to half a pixel; the tables hold the numbers.");
  out.push_back(std::move(data));
  return out;
}

std::string RunReport::finish(const RunAnalysis& a, const std::vector<io::LayerData>& layers,
                              const report::RunTables& tables, const Diagnostics& diag, const ReportContext& context,
                              std::vector<std::vector<geo::CellPolygons>> seat_zones) const {
  const Lang L = lang_;
  const bool zh = L == Lang::kZh;
  const io::Scenario& sc = loaded_.scenario;
  report::HtmlReport r;
  r.lang = L;
  const std::string region = in_lang(L, sc.info.region, sc.info.region_en);
  r.title = zh ? region + "医疗卫生服务可及性分析报告"
               : "Access to health services" + (region.empty() ? std::string() : " — " + region);
  r.subtitle = in_lang(L, sc.info.name, sc.info.name_en);

  // --- title block
  auto fact = [&](const char* zh_label, const char* en_label, std::string value) {
    if (!value.empty()) r.facts.push_back({in_lang(L, zh_label, en_label), std::move(value)});
  };
  fact("研究区域", "Study area", region);
  fact("情景", "Scenario", r.subtitle);
  fact("说明", "Description", in_lang(L, sc.info.description, sc.info.description_en));
  fact("报告日期", "Date", context.date);
  const auto& sources = zh || tables.sources_en.empty() ? tables.sources_zh : tables.sources_en;
  for (std::size_t i = 0; i < sources.size(); ++i)
    r.facts.push_back({i == 0 ? in_lang(L, "数据来源", "Data sources") : "", sources[i]});
  for (const auto& line : context.change_lines) r.facts.push_back({in_lang(L, "情景调整", "Scenario changes"), line});
  fact("分析坐标系", "Analysis CRS",
       zh ? crs_name_zh(loaded_.analysis_crs.display()) : loaded_.analysis_crs.display());
  if (loaded_.population) {
    const Grid& g = loaded_.population->surface.grid;
    fact("格网", "Grid",
         value_text(g.cell_size_m) + (zh ? " 米，" : " m, ") + std::to_string(g.cols) + " × " + std::to_string(g.rows));
    fact("常住人口", "Population", persons_text(loaded_.population->surface.total()) + (zh ? " 人" : ""));
  }
  fact("医疗卫生机构", "Facilities", std::to_string(loaded_.facilities.size()) + (zh ? " 个" : ""));
  fact("图层坐标系", "CRS of the layers",
       zh ? crs_name_zh(loaded_.output_crs.display()) : loaded_.output_crs.display());

  // --- findings
  for (const report::StandardTables& st : tables.standards) {
    double share = std::nan("");
    for (const auto& c : report::published_coverage(tables, st))
      if (c) {
        share = c->total.share();
        break;
      }
    const bool meets = std::isfinite(share) && analysis::meets_target(share, st.target_share);
    const bool skipped = !st.not_computed_zh.empty() || !st.not_computed_en.empty();
    const bool estimate = st.engine == TravelEngine::kEstimate && st.unit == analysis::CoverageUnit::kMinutes;
    r.headlines.push_back({in_lang(L, st.name_zh, st.name_en) +
                               (estimate ? in_lang(L, "（直线距离估算）", " (straight-line estimate)") : std::string()),
                           share, st.target_share,
                           (skipped ? in_lang(L, "未计算", "not computed") : percent_text(share)) +
                               (zh ? "（目标 " : " (target ") + percent_text(st.target_share) + (zh ? "）" : ")"),
                           meets});
  }
  r.summary = report::headline_sentences(tables, L);
  r.findings = report::key_findings(tables, L);
  for (report::Findings& f : report::capacity_findings(tables, L)) r.findings.push_back(std::move(f));

  // --- maps
  std::vector<std::optional<ZoneShapes>> zones;
  for (std::size_t k = 0; k < a.levels.size(); ++k) {  // zones derived from seats are cells: simplified to a pixel
    const LevelOnGrid& l = a.levels[k];
    const std::string layer = "zones_" + l.level.level;
    if (l.from_seats && k < seat_zones.size() && !seat_zones[k].empty() && loaded_.population)
      zones.push_back(zone_shapes_from_cells(layers, layer, std::move(seat_zones[k]), loaded_.population->surface.grid,
                                             l.zone_of_cell, analysis::kNoZone, frame_, 1.0));
    else
      zones.push_back(zone_shapes(layers, layer, frame_, l.from_seats ? 1.0 : 0.5));
  }
  for (const StandardOutcome& o : a.standards)
    if (o.not_computed.empty()) r.map_groups.push_back(standard_maps(o, a, layers, zones, tables));
  // Density: the coarsest level with density and shapes, by the number of indicators below target.
  // (The published figures: values from the whole numbers of 附表2, as the tables show them.)
  const auto published_density = report::published_density(tables);
  for (std::size_t k = 0; k < a.levels.size() && k < published_density.size(); ++k) {
    if (!zones[k] || a.indicators.empty() || !published_density[k]) continue;
    const auto& dz = published_density[k]->zones;
    // No zone with a value (the facilities give no counts): a map of "no data" says nothing.
    const bool any_value = std::any_of(dz.begin(), dz.end(), [](const report::PublishedZoneDensity& z) {
      return std::any_of(z.value.begin(), z.value.end(), [](double v) { return std::isfinite(v); });
    });
    if (!any_value) break;
    std::vector<double> below(dz.size());
    std::vector<std::string> titles(dz.size());
    for (std::size_t z = 0; z < dz.size(); ++z) {
      std::size_t n = 0, with_target = 0;
      std::string detail;
      for (std::size_t i = 0; i < a.indicators.size() && i < dz[z].value.size(); ++i) {
        const auto& ind = a.indicators[i];
        if (dz[z].below_target[i] >= 0) ++with_target;
        if (dz[z].below_target[i] == 1) ++n;
        detail += "\n" + in_lang(L, ind.name_zh, ind.name_en) + ": " +
                  (std::isfinite(dz[z].value[i]) ? report::format_fixed(dz[z].value[i], 2) : "—") +
                  (ind.target ? " / " + report::format_fixed(*ind.target, 2) : "") + (dz[z].below_target[i] == 1 ? " ✗" : "");
      }
      below[z] = with_target > 0 ? static_cast<double>(n) : std::nan("");
      titles[z] = (z < zones[k]->names.size() ? zones[k]->names[z] : "") + detail;
    }
    const std::vector<double> breaks{0.5, 1.5, 2.5};
    const std::vector<std::string> colours{"#1a9641", "#ffffbf", "#fdae61", "#d7191c"};
    const auto fills = report::class_colours(below, breaks, colours, kNoDataColour);
    const ZoneLevel& zl = a.levels[k].level;
    const std::string level = in_lang(L, zl.label_zh, zl.label_en);
    MapSpec spec = map_spec(frame_, in_lang(L, "医疗资源配置 — 各" + level + "未达标指标数", "Health resources — indicators below target per " + level),
                            in_lang(L, "低于目标的指标", "Indicators below target"));
    spec.layers.emplace_back(filled_features(zones[k]->rings, fills, titles));
    add_outlines(spec, zones, k);
    spec.legend = {{colours[0], in_lang(L, "全部达标", "None")},
                   {colours[1], "1"},
                   {colours[2], "2"},
                   {colours[3], in_lang(L, "3 项及以上", "3 or more")},
                   {kNoDataColour, in_lang(L, "无目标或无数据", "No target or data")}};
    std::string targets;
    for (const auto& ind : a.indicators)
      if (ind.target)
        targets += (targets.empty() ? "" : (zh ? "；" : "; ")) + in_lang(L, ind.name_zh, ind.name_en) + " ≥ " +
                   report::format_fixed(*ind.target, 2) + " " + in_lang(L, ind.unit_zh, ind.unit_en);
    report::MapGroup g;
    g.id = "map-density";
    g.title = in_lang(L, "医疗资源配置", "Health resources");
    g.maps.push_back({report::render_svg(spec),
                      in_lang(L, "目标：" + targets + "。各指标数值见附表2。", "Targets: " + targets + ". Values in Table 2.")});
    r.map_groups.push_back(std::move(g));
    break;
  }
  // Accessibility index ([accessibility.<id>]): the finest level with shapes, by quartiles of the zone values.
  for (const report::AccessibilityTables& acc : tables.access_models.accessibility) {
    if (!acc.not_computed_zh.empty()) continue;
    std::size_t k = a.levels.size();
    while (k-- > 0)
      if (zones[k] && k < acc.zone_value.size()) break;
    if (k >= a.levels.size()) continue;
    std::vector<double> values(acc.zone_value[k].size());
    std::vector<std::string> titles(values.size());
    std::vector<double> sorted;
    for (std::size_t z = 0; z < values.size(); ++z) {
      values[z] = acc.zone_population[k][z] > 0 ? 1000.0 * acc.zone_value[k][z] : std::nan("");
      titles[z] = (z < zones[k]->names.size() ? zones[k]->names[z] : "") + "\n" +
                  (std::isnan(values[z]) ? std::string("—") : report::format_fixed(values[z], 3));
      if (!std::isnan(values[z])) sorted.push_back(values[z]);
    }
    if (sorted.empty()) continue;
    std::sort(sorted.begin(), sorted.end());
    std::vector<double> breaks;
    for (const double q : {0.25, 0.5, 0.75}) {
      const double b = sorted[static_cast<std::size_t>(q * static_cast<double>(sorted.size() - 1))];
      if (breaks.empty() || b > breaks.back()) breaks.push_back(b);
    }
    const std::vector<std::string> palette{"#d7191c", "#fdae61", "#a6d96a", "#1a9641"};
    const std::vector<std::string> colours(palette.end() - static_cast<std::ptrdiff_t>(breaks.size() + 1), palette.end());
    const auto fills = report::class_colours(values, breaks, colours, kNoDataColour);
    const ZoneLevel& zl = a.levels[k].level;
    const std::string level = in_lang(L, zl.label_zh, zl.label_en);
    const std::string name = in_lang(L, acc.name_zh, acc.name_en);
    MapSpec spec = map_spec(frame_, name + in_lang(L, "（模型估计）— 各" + level, " (modelled) — per " + level),
                            in_lang(L, "每千人" + acc.supply_zh, acc.supply_en + " per 1,000 persons"));
    spec.layers.emplace_back(filled_features(zones[k]->rings, fills, titles));
    add_outlines(spec, zones, k);
    for (std::size_t c = 0; c < colours.size(); ++c) {
      const std::string lo = c == 0 ? "" : report::format_fixed(breaks[c - 1], 3);
      const std::string hi = c < breaks.size() ? report::format_fixed(breaks[c], 3) : "";
      spec.legend.push_back({colours[c], lo.empty() ? "≤ " + hi : hi.empty() ? "> " + lo : lo + " – " + hi});
    }
    spec.legend.push_back({kNoDataColour, in_lang(L, "无人口", "Nobody")});
    report::MapGroup g;
    g.id = "map-accessibility-" + acc.id;
    g.title = name;
    g.maps.push_back({report::render_svg(spec),
                      in_lang(L, "模型估计（E2SFCA）：" + acc.decay_zh + "。分级为各区划数值的四分位数；数值见附表9。",
                              "Modelled (E2SFCA): " + acc.decay_en + ". Classes are quartiles of the zone values; values in Table 9.")});
    r.map_groups.push_back(std::move(g));
  }
  r.maps_note = zh ? "地图在分析坐标系中按正北向绘制，比例尺与指北针见各图右侧；将鼠标停在区域、缺口或机构上可看到名称与数值。"
                   : "Maps are drawn north up in the analysis CRS, with scale bar and north arrow on the right; hover "
                     "over a zone, gap or facility to see its name and figures.";

  // --- tables, method, warnings
  // The gap list keeps, per standard, its total and its largest gaps: a printed report of every small cluster
  // would run to dozens of pages; appendix.xlsx and tables/gaps.csv hold them all.
  r.tables = report::appendix_tables(tables, kGapRowsInReport);
  r.method = method(a);
  std::map<std::string, std::size_t> per_code;
  for (const Problem& p : diag.all())
    if (p.severity == Severity::kWarning) ++per_code[p.code];
  std::map<std::string, std::size_t> listed;
  std::size_t total = 0;
  for (const Problem& p : diag.all()) {
    if (p.severity != Severity::kWarning) continue;
    ++total;
    if (r.warnings.size() >= kListedWarnings || listed[p.code]++ >= 3) continue;
    // Chinese: the kind and sentence of the code with where it is (the English message and its details stay in
    // run.json); English: the message and its hint.
    std::string w = zh ? report::describe_zh(p) : p.describe();
    if (!zh && !p.hint.empty()) w += " (" + p.hint + ")";
    if (listed[p.code] == 3 && per_code[p.code] > 3)
      w += zh ? " …同类共 " + std::to_string(per_code[p.code]) + " 条"
              : " … " + std::to_string(per_code[p.code]) + " of this kind";
    r.warnings.push_back(std::move(w));
  }
  if (total > 0)
    r.warnings_note = zh ? "共 " + std::to_string(total) + " 条警告，全部列于 run.json（含各条的详细数值）；【】内为警告类别。"
                         : std::to_string(total) + " warnings in all; run.json lists every one.";
  r.footer = "carereach " + context.version +
             (zh ? " · 输入文件及其校验和、参数与计时见 run.json；图层见 layers.gpkg；附表见 appendix.xlsx"
                 : " · run.json holds the inputs with checksums, settings and timings; layers.gpkg the layers; "
                   "appendix.xlsx the tables");
  return report::render_html_report(r);
}

}  // namespace carereach::pipeline
