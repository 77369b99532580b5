#include "pipeline/run_json.hpp"

#include <cmath>

#include "report/rounding.hpp"

namespace carereach::pipeline {

namespace {

nlohmann::ordered_json number(double v) {
  if (std::isnan(v)) return nullptr;
  if (std::isinf(v)) return "beyond_limit";
  return v;
}

const report::StandardTables* standard_in(const report::RunTables& tables, const std::string& id) {
  for (const auto& s : tables.standards)
    if (s.id == id) return &s;
  return nullptr;
}

/// The published figures of a standard per level (empty when the tables do not have it).
std::vector<std::optional<report::PublishedCoverage>> published_of(const report::RunTables& tables,
                                                                   const std::string& id) {
  const report::StandardTables* s = standard_in(tables, id);
  if (s == nullptr) return {};
  return report::published_coverage(tables, *s);
}

}  // namespace

report::PublishedCounts published_total(const report::RunTables& tables, const std::string& standard_id) {
  for (const auto& level : published_of(tables, standard_id))
    if (level) return level->total;
  return {};
}

const analysis::CoverageStats& total_of(const RunAnalysis& analysis, const StandardOutcome& outcome) {
  static const analysis::CoverageStats kEmpty;
  for (std::size_t li = 0; li < outcome.levels.size() && li < analysis.levels.size(); ++li)
    if (outcome.reported[li]) return outcome.levels[li].total;
  return kEmpty;
}

nlohmann::ordered_json stats_json(const analysis::CoverageStats& s, const report::PublishedCounts& p) {
  nlohmann::ordered_json j;
  j["pop_total"] = p.total;
  j["pop_covered"] = p.covered;
  j["share_covered"] = p.share();
  j["pop_uncovered"] = p.uncovered();
  j["pop_reached"] = std::isfinite(s.pop_reached) ? report::round_half_even(s.pop_reached) : 0;
  j["mean"] = number(s.mean);
  j["p50"] = number(s.p50);
  j["p90"] = number(s.p90);
  j["max"] = number(s.max);
  j["n_facilities"] = s.n_facilities;
  j["exact"] = {{"pop_total", s.pop_total},
                {"pop_covered", s.pop_covered},
                {"share_covered", s.share_covered()},
                {"pop_uncovered", s.pop_uncovered},
                {"pop_reached", s.pop_reached}};
  return j;
}

void add_method_json(nlohmann::ordered_json& j, const StandardOutcome& o) {
  const Standard& st = *o.standard;
  if (!st.threshold_min) return;
  if (st.engine == TravelEngine::kEstimate) {
    j["method_zh"] = estimate_label_zh(st.mode, o.circuity, o.estimate_speed_kmh);
    j["method_en"] = estimate_label_en(st.mode, o.circuity, o.estimate_speed_kmh);
    j["circuity"] = o.circuity;
    j["estimate_speed_kmh"] = o.estimate_speed_kmh;
  }
  if (st.engine == TravelEngine::kRaster && o.friction) {
    const raster::FrictionStats& f = *o.friction;
    nlohmann::ordered_json s;
    s["mode_cells"] = f.source_cells;
    s["road_cells"] = f.road_cells;
    s["land_cover_cells"] = f.land_cover_cells;
    s["slower_class_cells"] = f.other_mode_cells;
    s["slowed_class_cells"] = f.slowed_cells;
    s["no_land_cover_cells"] = f.no_land_cover_cells;
    s["no_land_cover_populated_cells"] = f.no_land_cover_populated_cells;
    s["no_land_cover_persons"] = f.no_land_cover_persons;
    s["no_land_cover_walked_cells"] = f.default_cells;  // with no_land_cover = "default_speed"; else impassable
    s["barrier_cells"] = f.barrier_cells;
    s["impassable_class_cells"] = f.impassable_class_cells;
    s["unknown_class_cells"] = f.unknown_class_cells;
    j["speed_sources"] = s;
  }
}

nlohmann::ordered_json coverage_json(const RunAnalysis& analysis, const report::RunTables& tables) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const StandardOutcome& o : analysis.standards) {
    const Standard& st = *o.standard;
    nlohmann::ordered_json j;
    j["standard"] = st.id;
    j["name_zh"] = st.name_zh;
    j["name_en"] = st.name_en;
    if (!st.variant_of.empty()) j["variant_of"] = st.variant_of;
    if (!o.not_computed.empty()) {
      j["status"] = "not computed: " + o.not_computed;
      j["reason_zh"] = o.not_computed_zh;
      j["hint"] = o.not_computed_hint;
      out.push_back(j);
      continue;
    }
    j["unit"] = o.unit == analysis::CoverageUnit::kMinutes ? "min" : "m";
    if (st.threshold_min) j["threshold_min"] = *st.threshold_min;
    if (st.distance_m) j["distance_m"] = *st.distance_m;
    if (!st.distance_m_by_zone_class.empty()) j["distance_m_by_zone_class"] = st.distance_m_by_zone_class;
    j["mode"] = to_string(st.mode);
    j["engine"] = st.threshold_min ? to_string(st.engine) : "straight line";
    add_method_json(j, o);
    j["target_share"] = st.target_share;
    j["facilities"] = o.facility_ids.size();
    j["total"] = stats_json(total_of(analysis, o), published_total(tables, st.id));
    const auto published = published_of(tables, st.id);
    nlohmann::ordered_json levels = nlohmann::ordered_json::array();
    for (std::size_t li = 0; li < analysis.levels.size(); ++li) {
      if (!o.reported[li] || li >= published.size() || !published[li]) continue;
      const LevelOnGrid& l = analysis.levels[li];
      nlohmann::ordered_json lj;
      lj["level"] = l.level.level;
      lj["label_zh"] = l.level.label_zh;
      lj["label_en"] = l.level.label_en;
      lj["approximate"] = l.from_seats;
      lj["adds_to_parent"] = published[li]->adds_to_parent;
      lj["total"] = stats_json(o.levels[li].total, published[li]->total);
      nlohmann::ordered_json zones = nlohmann::ordered_json::array();
      for (std::size_t z = 0; z < l.level.zones.size(); ++z) {
        nlohmann::ordered_json zj;
        zj["code"] = l.level.zones[z].code;
        zj["name"] = l.level.zones[z].name;
        zj["parent_code"] = l.level.zones[z].parent_code;
        const auto tst = std::find_if(tables.standards.begin(), tables.standards.end(),
                                      [&](const report::StandardTables& x) { return x.id == st.id; });
        const double target = tst != tables.standards.end() ? tst->target_at(li, z) : st.target_share;
        if (target != st.target_share) zj["target_share"] = target;
        zj["meets_target"] = report::meets(published[li]->zones[z], target);
        zj.update(stats_json(o.levels[li].zones[z], published[li]->zones[z]));
        zones.push_back(zj);
      }
      lj["zones"] = zones;
      levels.push_back(lj);
    }
    j["levels"] = levels;
    j["gap_areas"] = o.gaps.size();
    out.push_back(j);
  }
  return out;
}

nlohmann::ordered_json indicators_json(const RunAnalysis& analysis) {
  if (analysis.plan_indicators.empty()) return nullptr;
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const IndicatorOutcome& o : analysis.plan_indicators) {
    const PlanIndicator& ind = *o.indicator;
    const bool share = ind.kind == IndicatorKind::kShare;
    nlohmann::ordered_json j;
    j["indicator"] = ind.id;
    j["name_zh"] = ind.name_zh;
    j["name_en"] = ind.name_en;
    j["kind"] = to_string(ind.kind);
    j["level"] = ind.level;
    j["target"] = share ? ind.target_share : ind.min_count;
    if (ind.within_m) j["within_m"] = *ind.within_m;
    j["zones_met"] = o.result.zones_met;
    j["zones_not_met"] = o.result.zones_not_met;
    j["zones_not_assessed"] = o.result.zones_not_assessed;
    j["missing"] = o.result.missing;
    const auto& zones = analysis.levels[o.level].level.zones;
    nlohmann::ordered_json zj = nlohmann::ordered_json::array();
    for (std::size_t z = 0; z < zones.size(); ++z) {
      const analysis::ZoneIndicator& r = o.result.zones[z];
      nlohmann::ordered_json e;
      e["code"] = zones[z].code;
      e["name"] = zones[z].name;
      e["count"] = r.count;
      if (share) e["of"] = r.of;
      e["target"] = r.target;
      e["zone_target"] = r.zone_target;
      if (r.met == -1) e["met"] = nullptr;
      else e["met"] = r.met == 1;
      e["missing"] = r.missing;
      zj.push_back(e);
    }
    j["zones"] = zj;
    out.push_back(j);
  }
  return out;
}

nlohmann::ordered_json coverage_digest_json(const nlohmann::ordered_json& coverage) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  if (!coverage.is_array()) return out;
  for (const auto& c : coverage) {
    nlohmann::ordered_json j;
    j["id"] = c.value("standard", "");
    j["name_zh"] = c.value("name_zh", "");
    j["name_en"] = c.value("name_en", "");
    if (c.contains("status")) {
      j["status"] = "not computed";
      j["reason"] = c["status"];
      if (c.contains("reason_zh")) j["reason_zh"] = c["reason_zh"];
      out.push_back(j);
      continue;
    }
    j["status"] = "computed";
    if (c.contains("threshold_min")) j["threshold_min"] = c["threshold_min"];
    if (c.contains("distance_m")) j["distance_m"] = c["distance_m"];
    if (c.contains("distance_m_by_zone_class")) j["distance_m_by_zone_class"] = c["distance_m_by_zone_class"];
    const auto& total = c.at("total");
    j["population"] = total.at("pop_total");
    j["covered"] = total.at("pop_covered");
    j["share"] = total.at("share_covered");
    j["target_share"] = c.at("target_share");
    j["meets_target"] = report::meets(report::PublishedCounts{total.at("pop_total").get<std::int64_t>(),
                                                              total.at("pop_covered").get<std::int64_t>()},
                                      c.at("target_share").get<double>());
    out.push_back(j);
  }
  return out;
}

}  // namespace carereach::pipeline
