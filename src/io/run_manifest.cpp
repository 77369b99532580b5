#include "io/run_manifest.hpp"

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <map>

#include "core/text.hpp"

namespace carereach::io {

using json = nlohmann::ordered_json;

std::optional<std::time_t> source_date_epoch() {
  const char* epoch = std::getenv("SOURCE_DATE_EPOCH");
  if (epoch == nullptr || *epoch == '\0') return std::nullopt;
  char* end = nullptr;
  errno = 0;
  const long long s = std::strtoll(epoch, &end, 10);
  if (errno != 0 || end == nullptr || *end != '\0' || s < 0) return std::nullopt;
  return static_cast<std::time_t>(s);
}

std::string utc_now_iso8601() {
  const std::time_t t =
      source_date_epoch().value_or(std::chrono::system_clock::to_time_t(std::chrono::system_clock::now()));
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

namespace {

/// The same JSON with every string and key valid UTF-8 (invalid bytes as U+FFFD): a value quoted from an input in
/// a warning (an unknown tag, a road class) may hold bytes that are not UTF-8, and the JSON writer refuses them.
json utf8_safe(json j) {
  if (j.is_string()) return valid_utf8(j.get_ref<const std::string&>());
  if (j.is_array()) {
    for (auto& v : j) v = utf8_safe(std::move(v));
    return j;
  }
  if (!j.is_object()) return j;
  json out = json::object();
  for (auto& [key, value] : j.items()) out[valid_utf8(key)] = utf8_safe(std::move(value));
  return out;
}

json crs_json(const geo::CrsSpec& crs) {
  json j;
  j["definition"] = crs.definition;
  j["code"] = crs.authority_code();
  j["name"] = crs.display();
  return j;
}

json location_json(const Location& at) {
  json j = json::object();
  if (!at.file.empty()) j["file"] = at.file;
  if (!at.layer.empty()) j["layer"] = at.layer;
  if (!at.feature.empty()) j["feature"] = at.feature;
  if (!at.field.empty()) j["field"] = at.field;
  if (at.line > 0) j["line"] = at.line;
  return j;
}

json standard_json(const Standard& s) {
  json j;
  j["id"] = s.id;
  j["name_zh"] = s.name_zh;
  j["name_en"] = s.name_en;
  j["mode"] = to_string(s.mode);
  j["engine"] = to_string(s.engine);
  if (!s.variant_of.empty()) j["variant_of"] = s.variant_of;
  if (s.circuity) j["circuity"] = *s.circuity;
  if (s.estimate_speed_kmh) j["estimate_speed_kmh"] = *s.estimate_speed_kmh;
  if (s.threshold_min) j["threshold_min"] = *s.threshold_min;
  if (s.distance_m) j["distance_m"] = *s.distance_m;
  if (!s.distance_m_by_zone_class.empty()) j["distance_m_by_zone_class"] = s.distance_m_by_zone_class;
  j["target_share"] = s.target_share;
  json sel;
  sel["types"] = s.select.types;
  sel["tags_any"] = s.select.tags_any;
  sel["min_level"] = to_string(s.select.min_level);
  sel["include_planned"] = s.select.include_planned;
  j["select"] = sel;
  if (!s.report_levels.empty()) j["report_levels"] = s.report_levels;
  if (!s.source_zh.empty()) j["source_zh"] = s.source_zh;
  if (!s.source_en.empty()) j["source_en"] = s.source_en;
  return j;
}

}  // namespace

json scenario_counts(const LoadedScenario& loaded) {
  json counts;
  json zones = json::object();
  for (const auto& level : loaded.zones) {
    json z;
    z["label_zh"] = level.level.label_zh;
    z["geometry"] = level.kind == ZoneGeometryKind::kPolygons ? "polygons" : "seats";
    z["zones"] = level.level.zones.size();
    double area = 0;
    for (const auto& zone : level.level.zones) area += zone.area_km2;
    if (level.kind == ZoneGeometryKind::kPolygons) z["area_km2"] = area;
    z["repaired_polygons"] = level.repaired;
    zones[level.level.level] = z;
  }
  counts["zones"] = zones;
  if (loaded.grid) {
    const Grid& g = *loaded.grid;
    json grid;
    grid["cell_size_m"] = g.cell_size_m;
    grid["cols"] = g.cols;
    grid["rows"] = g.rows;
    grid["cells"] = g.cell_count();
    grid["origin_x_m"] = g.origin_x_m;
    grid["origin_y_m"] = g.origin_y_m;
    if (loaded.study_area_level && !loaded.zone_rasters.empty()) {
      const auto& mask = loaded.zone_rasters[*loaded.study_area_level].zone_of_cell;
      std::size_t inside = 0;
      for (auto z : mask) inside += z != ZoneRaster::kNone ? 1 : 0;
      grid["cells_in_study_area"] = inside;
    }
    counts["grid"] = grid;
  }
  if (loaded.population) {
    const auto& p = *loaded.population;
    json pop;
    pop["input_total"] = p.input_total;
    pop["grid_total"] = p.surface.total();
    pop["outside_study_area"] = p.outside_total;
    pop["populated_cells"] = p.surface.populated_cells();
    pop["method"] = p.method;
    pop["method_zh"] = p.method_zh;
    counts["population"] = pop;
  }
  {
    json fac;
    fac["total"] = loaded.facilities.size();
    std::map<std::string, std::size_t> by_type;
    std::map<std::string, std::size_t> by_tag;
    std::map<std::string, std::size_t> by_status;
    for (const auto& f : loaded.facilities) {
      ++by_type[f.type];
      for (const auto& t : f.tags) ++by_tag[t];
      ++by_status[to_string(f.status)];
    }
    fac["by_type"] = by_type;
    fac["by_tag"] = by_tag;
    fac["by_status"] = by_status;
    counts["facilities"] = fac;
  }
  if (loaded.roads) {
    const RoadSummary s = summarise(*loaded.roads);
    json r;
    r["ways"] = s.ways;
    r["nodes"] = s.nodes;
    r["segments"] = s.segments;
    r["length_km"] = s.length_km;
    json by_class = json::object();
    for (std::size_t i = 0; i < kRoadClassCount; ++i)
      if (s.length_km_by_class[i] > 0) by_class[std::string(road_class_name(road_class_at(i)))] = s.length_km_by_class[i];
    r["length_km_by_class"] = by_class;
    r["junction_nodes"] = s.junction_nodes;
    r["oneway_ways"] = s.oneway_ways;
    r["car_ways"] = s.car_ways;
    r["foot_only_ways"] = s.foot_only_ways;
    r["components"] = s.components;
    r["largest_component_length_share"] = s.largest_component_length_share;
    counts["roads"] = r;
  }
  return counts;
}

json make_run_manifest(const LoadedScenario& loaded, const Diagnostics& diag, const RunInfo& info) {
  const Scenario& s = loaded.scenario;
  json j;
  j["carereach"] = {{"version", info.versions.count("carereach") ? info.versions.at("carereach") : ""},
                    {"command", info.command},
                    {"arguments", info.arguments}};
  j["versions"] = info.versions;
  j["started_at"] = info.started_at;
  j["finished_at"] = info.finished_at;
  j["scenario"] = {{"file", s.file.filename().string()},
                   {"name", s.info.name},
                   {"name_en", s.info.name_en},
                   {"region", s.info.region},
                   {"region_en", s.info.region_en},
                   {"description", s.info.description},
                   {"description_en", s.info.description_en}};
  // The sentence the key findings open with: which data are modelled (the scenario's data_note, or said from what
  // it marks modelled).
  if (!info.data_note_zh.empty()) j["scenario"]["data_note_zh"] = info.data_note_zh;
  if (!info.data_note_en.empty()) j["scenario"]["data_note_en"] = info.data_note_en;
  json inputs = json::array();
  for (const auto& in : loaded.inputs)
    inputs.push_back({{"role", in.role}, {"path", in.path_as_written}, {"bytes", in.bytes}, {"sha256", in.sha256}});
  j["inputs"] = inputs;

  json settings;
  settings["analysis_crs"] = s.analysis.crs;
  settings["cell_size_m"] = s.analysis.cell_size_m;
  settings["output_crs"] = s.analysis.output_crs;
  settings["study_area_level"] =
      loaded.study_area_level ? loaded.zones[*loaded.study_area_level].level.level : std::string();
  json standards = json::array();
  for (const auto& st : s.standards) standards.push_back(standard_json(st));
  settings["standards"] = standards;
  j["settings"] = settings;

  json crs;
  crs["analysis"] = crs_json(loaded.analysis_crs);
  crs["analysis"]["choice"] = loaded.analysis_crs_choice;
  crs["output"] = crs_json(loaded.output_crs);
  j["crs"] = crs;
  j["counts"] = scenario_counts(loaded);

  json warnings = json::array();
  for (const auto& p : diag.all()) {
    if (p.severity != Severity::kWarning) continue;
    json w;
    w["code"] = p.code;
    w["message"] = p.message;
    w["where"] = location_json(p.where);
    if (!p.hint.empty()) w["hint"] = p.hint;
    warnings.push_back(w);
  }
  j["warnings"] = warnings;
  if (!info.changes.is_null()) j["changes"] = info.changes;
  if (!info.travel.is_null()) j["travel"] = info.travel;
  if (!info.coverage.is_null()) j["coverage"] = info.coverage;
  if (!info.indicators.is_null()) j["indicators"] = info.indicators;
  if (!info.access_models.is_null()) j["access_models"] = info.access_models;
  json timings = json::object();
  if (source_date_epoch()) {
    j["timings_note"] = kTimingsNotRecorded;
  } else {
    for (const auto& t : loaded.timings) timings[t.step] = t.seconds;
    for (const auto& t : info.timings) timings[t.step] = t.seconds;
  }
  j["timings_s"] = timings;
  j["outputs"] = info.outputs;
  return utf8_safe(std::move(j));
}

}  // namespace carereach::io
