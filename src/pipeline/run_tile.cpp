#include "pipeline/run_tile.hpp"

#include <cmath>
#include <optional>
#include <stdexcept>

#include "pipeline/run_tables.hpp"

namespace carereach::pipeline {

namespace {

using nlohmann::ordered_json;

ordered_json envelope_json(const geo::Envelope& e) { return ordered_json::array({e.min_x, e.min_y, e.max_x, e.max_y}); }

ordered_json stats_json(const std::string& code, const analysis::CoverageStats& s) {
  ordered_json z;
  if (!code.empty()) z["code"] = code;
  z["population"] = s.pop_total;
  z["population_covered"] = s.pop_covered;
  z["population_uncovered"] = s.pop_uncovered;
  z["population_reached"] = s.pop_reached;
  z["facilities"] = s.n_facilities;
  return z;
}

/// What a merge needs for the zone's mean, median, 90th percentile and maximum (docs/method/tiles.md#merging).
void add_values(ordered_json& z, const TileZoneValues& v) {
  z["weighted_value_sum"] = v.weighted;
  z["max_value"] = std::isnan(v.max) ? ordered_json(nullptr) : ordered_json(v.max);
  z["cells_unreached"] = v.cells_unreached;
  ordered_json bins = ordered_json::array();
  for (const auto& [value, persons] : v.bins) bins.push_back(ordered_json::array({value, persons}));
  z["value_bins"] = bins;
}

/// Where a facility stands in the list a run loads (the [[facilities]] sources in order, each in file order): the
/// source's index and the row or feature number.
struct FacilityOrder {
  std::size_t source = 0;
  long long feature = 0;
};

FacilityOrder facility_order(const io::LoadedScenario& loaded, const Facility& f) {
  FacilityOrder at;
  const auto& sources = loaded.scenario.facilities;
  at.source = sources.size();
  for (std::size_t i = 0; i < sources.size(); ++i)
    if (sources[i].source.path_as_written == f.source_file) at.source = i;
  const std::size_t digits = f.source_feature.find_last_not_of("0123456789");
  const std::string number = digits == std::string::npos ? f.source_feature : f.source_feature.substr(digits + 1);
  if (!number.empty()) at.feature = std::stoll(number);
  return at;
}

}  // namespace

ordered_json tile_json(const io::LoadedScenario& loaded, const RunAnalysis* analysis, const io::RunInfo& info) {
  if (!loaded.scenario.tile || !loaded.tile) throw std::logic_error("tile_json: not a tile run");
  const io::TileSpec& t = *loaded.scenario.tile;
  const io::TileLoad& load = *loaded.tile;
  ordered_json j;
  j["schema_version"] = 1;
  j["carereach_version"] = info.versions.count("carereach") != 0 ? info.versions.at("carereach") : "";
  ordered_json tile;
  tile["id"] = t.id;
  tile["by"] = t.by;
  if (t.by == "grid") {
    tile["box"] = ordered_json::array({t.box[0], t.box[1], t.box[2], t.box[3]});
  } else {
    tile["level"] = t.level;
    tile["codes"] = t.codes;
  }
  tile["halo_m"] = t.halo_m;
  tile["crs"] = t.crs;
  tile["scenario"] = t.parent_as_written;
  tile["plan"] = t.plan_as_written;
  j["tile"] = tile;

  ordered_json parent;
  parent["scenario"] = loaded.scenario.file.filename().string();
  ordered_json inputs = ordered_json::array();
  for (const auto& in : loaded.inputs) {
    if (in.role == "scenario") parent["scenario_sha256"] = in.sha256;
    inputs.push_back({{"role", in.role}, {"path", in.path_as_written}, {"sha256", in.sha256}, {"bytes", in.bytes}});
  }
  parent["inputs"] = inputs;
  j["parent"] = parent;

  const io::Scenario& s = loaded.scenario;
  ordered_json settings;
  settings["analysis_crs"] = loaded.analysis_crs.authority_code();
  settings["cell_size_m"] = s.analysis.cell_size_m;
  settings["search_limit_min"] = s.travel.search_limit_min;
  settings["connectors_per_cell"] = s.travel.connectors_per_cell;
  settings["snap"] = s.travel.snap == io::SnapRule::kNode ? "node" : "edge";
  settings["speeds"] = s.travel.profile.source;
  ordered_json standards = ordered_json::array();
  for (const auto& st : s.standards) standards.push_back(st.id);
  settings["standards"] = standards;
  j["settings"] = settings;
  if (loaded.population)
    j["population_method"] = {{"zh", loaded.population->method_zh}, {"en", loaded.population->method}};

  if (loaded.grid) {
    const Grid& g = *loaded.grid;
    j["grid"] = {{"origin_x_m", g.origin_x_m}, {"origin_y_m", g.origin_y_m}, {"cell_size_m", g.cell_size_m},
                 {"cols", g.cols}, {"rows", g.rows}};
  }
  ordered_json own;
  own["cells"] = load.own_cells;
  own["envelope"] = envelope_json(load.own);
  own["window"] = envelope_json(load.window);
  own["halo_persons_not_counted"] = load.halo_persons;
  own["facilities_beyond_window"] = load.facilities_dropped;
  j["own_region"] = own;

  // Per zone level: the zones the tile reports, those cut by the own region, the persons of each; the facilities of
  // the own cells per zone (附表6's columns, a facility in exactly one tile) and the resources they give (附表2).
  std::optional<report::FacilityCountTables> counts;
  if (analysis != nullptr) counts = facility_counts(loaded, *analysis);
  j["facilities_loaded"] = !loaded.facilities.empty();
  if (counts) j["facility_columns"] = counts->keys;
  ordered_json levels = ordered_json::array();
  for (std::size_t li = 0; li < loaded.zones.size(); ++li) {
    ordered_json l;
    l["level"] = loaded.zones[li].level.level;
    l["partial"] = li < load.partial_zones.size() ? load.partial_zones[li] : std::vector<std::string>{};
    ordered_json zones = ordered_json::array();
    for (std::size_t z = 0; z < loaded.zones[li].level.zones.size(); ++z) {
      ordered_json zj;
      zj["code"] = loaded.zones[li].level.zones[z].code;
      if (analysis != nullptr && li < analysis->levels.size() && z < analysis->levels[li].population.size())
        zj["population"] = analysis->levels[li].population[z];
      if (counts && li < counts->by_level.size() && z < counts->by_level[li].size()) {
        zj["facilities_all"] = counts->all[li][z];
        zj["facility_counts"] = counts->by_level[li][z];
      }
      if (analysis != nullptr && li < analysis->density.size() && z < analysis->density[li].zones.size()) {
        const analysis::ZoneDensity& d = analysis->density[li].zones[z];
        zj["resources"] = d.facility_totals;
        zj["resources_reporting"] = d.reporting;
      }
      zones.push_back(zj);
    }
    l["zones"] = zones;
    if (counts && li < counts->outside.size()) l["facilities_outside"] = counts->outside[li];
    levels.push_back(l);
  }
  j["zones"] = levels;

  // Per planning indicator and zone: the counts of the own cells' facilities (a facility in exactly one tile) and the
  // facilities it lists, each with its place in the parent's facility list (source, row) for a merge to order them.
  ordered_json indicators = ordered_json::array();
  if (analysis != nullptr)
    for (const IndicatorOutcome& o : analysis->plan_indicators) {
      ordered_json ij;
      ij["id"] = o.indicator->id;
      ij["level"] = loaded.zones[o.level].level.level;
      ordered_json zones = ordered_json::array();
      for (std::size_t z = 0; z < o.result.zones.size(); ++z) {
        const analysis::ZoneIndicator& r = o.result.zones[z];
        ordered_json listed = ordered_json::array();
        for (const std::uint32_t f : r.facilities) {
          const Facility& fac = loaded.facilities[f];
          const FacilityOrder at = facility_order(loaded, fac);
          listed.push_back(ordered_json::array({at.source, at.feature, indicator_facility_name(fac)}));
        }
        zones.push_back({{"code", loaded.zones[o.level].level.zones[z].code},
                         {"count", r.count},
                         {"of", r.of},
                         {"facilities", listed}});
      }
      ij["zones"] = zones;
      indicators.push_back(ij);
    }
  j["indicators"] = indicators;

  ordered_json out = ordered_json::array();
  if (analysis != nullptr) {
    for (const StandardOutcome& o : analysis->standards) {
      ordered_json sj;
      sj["id"] = o.standard != nullptr ? o.standard->id : "";
      if (!o.not_computed.empty()) {
        sj["not_computed"] = o.not_computed;
        sj["not_computed_zh"] = o.not_computed_zh;
      }
      sj["unit"] = o.unit == analysis::CoverageUnit::kMinutes ? "minutes" : "metres";
      sj["limit"] = o.limit;
      if (o.standard != nullptr && o.standard->engine == TravelEngine::kEstimate) {
        sj["circuity"] = o.circuity;
        sj["estimate_speed_kmh"] = o.estimate_speed_kmh;
      }
      ordered_json ls = ordered_json::array();
      for (std::size_t li = 0; li < o.levels.size() && li < loaded.zones.size(); ++li) {
        ordered_json l;
        l["level"] = loaded.zones[li].level.level;
        l["reported"] = li < o.reported.size() && o.reported[li];
        ordered_json zones = ordered_json::array();
        const std::vector<TileZoneValues>* values = li < o.tile_values.size() ? &o.tile_values[li] : nullptr;
        for (std::size_t z = 0; z < o.levels[li].zones.size(); ++z) {
          ordered_json zj = stats_json(loaded.zones[li].level.zones[z].code, o.levels[li].zones[z]);
          if (values != nullptr && z < values->size()) add_values(zj, (*values)[z]);
          zones.push_back(std::move(zj));
        }
        l["zones"] = zones;
        l["total"] = stats_json("", o.levels[li].total);
        ls.push_back(l);
      }
      sj["levels"] = ls;
      sj["gap_areas"] = o.gaps.size();
      out.push_back(sj);
    }
  }
  j["standards"] = out;
  return j;
}

}  // namespace carereach::pipeline
