#include "cli/summary.hpp"

#include <cmath>
#include <cstdio>
#include <iostream>
#include <map>

#include "pipeline/travel_setup.hpp"
#include "core/units.hpp"

namespace carereach::cli {

std::string grouped(double value, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, std::abs(value));
  std::string digits(buf);
  const auto dot = digits.find('.');
  std::string whole = digits.substr(0, dot);
  const std::string frac = dot == std::string::npos ? "" : digits.substr(dot);
  std::string out;
  for (std::size_t i = 0; i < whole.size(); ++i) {
    if (i > 0 && (whole.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(whole[i]);
  }
  return (value < 0 && std::abs(value) >= 0.5 * std::pow(10.0, -decimals) ? "-" : "") + out + frac;
}

namespace {

std::string percent(double share, int decimals = 1) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f %%", decimals, 100.0 * share);
  return buf;
}

std::string minutes_or_metres(const Standard& s) {
  char buf[96];
  if (s.threshold_min) {
    std::snprintf(buf, sizeof buf, "≤ %g min", *s.threshold_min);
    return buf;
  }
  if (s.distance_m) {
    std::snprintf(buf, sizeof buf, "≤ %g km", *s.distance_m / units::kMetresPerKm);
    return buf;
  }
  std::string out;
  for (const auto& [cls, d] : s.distance_m_by_zone_class) {
    std::snprintf(buf, sizeof buf, "%s%s ≤ %g km", out.empty() ? "" : ", ", cls.c_str(), d / units::kMetresPerKm);
    out += buf;
  }
  return out;
}

}  // namespace

void print_summary(const Console& c, const io::LoadedScenario& l) {
  const io::Scenario& s = l.scenario;
  std::string title = s.info.name.empty() ? s.file.filename().string() : s.info.name;
  if (!s.info.name_en.empty()) title += " / " + s.info.name_en;
  c.out("Scenario 情景: " + title);
  if (!s.info.region.empty()) c.out("  Region 研究区: " + s.info.region);
  c.out("Analysis CRS 分析坐标系: " + l.analysis_crs.display() +
        (l.analysis_crs_choice.empty() ? "" : " (" + l.analysis_crs_choice + ")"));
  c.out("Output CRS 输出坐标系: " + l.output_crs.display());

  c.out("Zones 区划:");
  for (const auto& level : l.zones) {
    std::string line = "  " + level.level.level + " " + level.level.label_zh + ": " + grouped(double(level.level.zones.size()));
    if (level.kind == io::ZoneGeometryKind::kPolygons) {
      double area = 0;
      for (const auto& z : level.level.zones) area += z.area_km2;
      line += " zones, " + grouped(area, 1) + " km²";
      if (level.repaired > 0) line += ", " + std::to_string(level.repaired) + " invalid polygon(s) repaired";
    } else {
      line += " seats (approximate zones are derived from the seats in the coverage step)";
    }
    c.out(line);
  }
  if (l.grid) {
    const Grid& g = *l.grid;
    std::string line = "Grid 分析网格: " + grouped(g.cols) + " × " + grouped(g.rows) + " cells of " +
                       grouped(g.cell_size_m) + " m = " + grouped(double(g.cell_count())) + " cells";
    if (l.study_area_level && *l.study_area_level < l.zone_rasters.size()) {
      std::size_t inside = 0;
      for (auto z : l.zone_rasters[*l.study_area_level].zone_of_cell) inside += z != io::ZoneRaster::kNone ? 1 : 0;
      line += ", " + grouped(double(inside)) + " in the study area";
    }
    c.out(line);
  }
  if (l.population) {
    const auto& p = *l.population;
    const double grid_total = p.surface.total();
    c.out("Population 人口: " + grouped(p.input_total) + " persons in the input, " + grouped(grid_total) +
          " on the grid" + (p.input_total > 0 ? " (" + percent(grid_total / p.input_total, 4) + ")" : "") + ", " +
          grouped(p.outside_total) + " outside the study area, " + grouped(double(p.surface.populated_cells())) +
          " populated cells");
    if (!p.method.empty()) c.out("  method: " + p.method);
  }
  c.out("Facilities 医疗卫生机构: " + grouped(double(l.facilities.size())));
  std::map<std::string, std::size_t> by_type;
  std::map<std::string, std::size_t> by_tag;
  std::map<std::string, std::size_t> by_status;
  for (const auto& f : l.facilities) {
    ++by_type[f.type];
    for (const auto& t : f.tags) ++by_tag[t];
    ++by_status[to_string(f.status)];
  }
  for (const auto& type : s.taxonomy.types())
    if (by_type.count(type.id)) c.out("  " + type.name_zh + " " + type.id + ": " + grouped(double(by_type[type.id])));
  if (!by_tag.empty()) {
    std::string line = "  tags 标签:";
    for (const auto& tag : s.taxonomy.tags())
      if (by_tag.count(tag.id)) line += " " + tag.id + " " + tag.name_zh + " " + grouped(double(by_tag[tag.id])) + ";";
    line.pop_back();
    c.out(line);
  }
  if (by_status.size() > 1 || (!by_status.empty() && by_status.count("active") == 0)) {
    std::string line = "  status 状态:";
    for (const auto& [k, v] : by_status) line += " " + k + " " + grouped(double(v));
    c.out(line);
  }
  if (!l.changes.lines.empty()) {
    c.out("  changes 情景调整" + (s.changes.label_zh.empty() ? std::string() : " (" + s.changes.label_zh + ")") + ":");
    for (const auto& line : l.changes.lines) c.out("    " + line);
  }
  if (l.roads) {
    const RoadSummary r = summarise(*l.roads);
    char share[32];
    std::snprintf(share, sizeof share, "%.1f", 100.0 * r.largest_component_length_share);
    c.out("Roads 道路: " + grouped(double(r.ways)) + " ways, " + grouped(double(r.nodes)) + " nodes, " +
          grouped(double(r.segments)) + " segments, " + grouped(r.length_km, 1) + " km in " + grouped(double(r.components)) +
          " connected component(s) (the largest holds " + share + " % of the length)" +
          (s.roads && s.roads->modelled ? " — modelled" : ""));
    std::string line = "  by class 按等级:";
    for (std::size_t i = 0; i < kRoadClassCount; ++i)
      if (r.length_km_by_class[i] > 0)
        line += " " + std::string(road_class_name(road_class_at(i))) + " " + grouped(r.length_km_by_class[i], 1) + " km;";
    line.pop_back();
    c.out(line);
  }
  c.out("Standards 服务标准: " + std::to_string(s.standards.size()));
  for (const auto& st : s.standards) {
    std::size_t n = 0;
    for (const auto& f : l.facilities) n += st.select.matches(f) ? 1 : 0;
    c.out("  " + st.id + " " + st.name_zh + ": " + to_string(st.mode) + " " + to_label_zh(st.mode) + ", " +
          (st.threshold_min ? to_string(st.engine) : "straight line") + ", " + minutes_or_metres(st) + ", target " +
          percent(st.target_share, 0) + ", " + grouped(double(n)) + (n == 1 ? " facility" : " facilities") +
          (st.variant_of.empty() ? "" : "; a variant of " + st.variant_of + " 敏感性分析"));
    // How it will be computed, or why not (docs/cli/validate.md).
    for (const std::string& line : pipeline::standard_plan(l, st)) c.out("    " + line);
  }
  if (!s.indicators.empty()) {
    c.out("Planning indicators 规划指标: " + std::to_string(s.indicators.size()));
    for (const PlanIndicator& ind : s.indicators) {
      std::size_t a = 0;
      std::size_t b = 0;
      for (const auto& f : l.facilities) {
        if (!ind.select.matches(f)) continue;
        ++a;
        b += ind.kind == IndicatorKind::kShare && ind.with.matches(f) ? 1 : 0;
      }
      const std::string facilities = grouped(double(a)) + (a == 1 ? " facility" : " facilities");
      if (ind.kind == IndicatorKind::kPresence)
        c.out("  " + ind.id + " " + ind.name_zh + ": presence 存在 per " + ind.level + ", at least " +
              grouped(ind.min_count) + (ind.within_m ? " within " + grouped(*ind.within_m / 1000.0, 1) + " km of the seat" : "") +
              ", " + facilities + " match");
      else
        c.out("  " + ind.id + " " + ind.name_zh + ": share 比例 per " + ind.level + ", target " +
              percent(ind.target_share, 0) + ", " + facilities + " match, " + grouped(double(b)) + " of them already have it");
    }
  }
}

void print_problems(const Console& c, const Diagnostics& diag, std::size_t max_per_code, const std::string& more_note,
                    ProblemStream stream) {
  auto line = [&](const std::string& text) {
    if (stream == ProblemStream::kResult) c.out(text);
    else if (c.level() >= LogLevel::kWarn) std::cerr << text << '\n';
  };
  std::map<std::string, std::size_t> shown;
  std::map<std::string, std::size_t> hidden;
  for (const auto& p : diag.all()) {
    if (shown[p.code]++ >= max_per_code) {
      ++hidden[p.code];
      continue;
    }
    for (const std::string& text : c.problem_lines(p.severity, p.code.view(), p.message, p.where, p.hint))
      line("  " + text);
  }
  for (const auto& [code, n] : hidden) line("  … and " + grouped(double(n)) + " more of " + code + " " + more_note);
}

void print_errors(const Console& console, const Diagnostics& diag, std::size_t max_shown) {
  std::size_t errors = 0;
  for (const auto& p : diag.all()) {
    if (p.severity != Severity::kError || errors++ >= max_shown) continue;
    console.problem(p);
  }
  if (errors > max_shown) console.error("… and " + grouped(double(errors - max_shown)) + " more error(s)");
}

}  // namespace carereach::cli
