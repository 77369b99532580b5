// A whole run of a scenario (what `carereach run` does): load → analyse → write. Moved here from the command line
// (cli/cmd_run.cpp), which now parses the options, calls run_scenario and prints the result.

#include "pipeline/run.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>

#include "io/files.hpp"
#include "io/raster_writer.hpp"
#include "io/scenario.hpp"
#include "pipeline/run_json.hpp"
#include "pipeline/run_tile.hpp"
#include "pipeline/run_map.hpp"
#include "pipeline/run_project.hpp"
#include "pipeline/run_tables.hpp"
#include "pipeline/travel_setup.hpp"
#include "pipeline/versions.hpp"
#include "report/writers.hpp"

namespace carereach::pipeline {

std::unique_ptr<LoadedRun> load_run(const RunConfig& config, RunObserver& observer) {
  auto run = std::make_unique<LoadedRun>();
  run->config = config;
  io::RunInfo& info = run->info;
  info.command = "run";
  if (!config.arguments.empty()) {
    info.arguments = config.arguments;
  } else {
    info.arguments = {config.scenario.string(), "--out", config.out.string()};
    if (config.overwrite) info.arguments.emplace_back("--overwrite");
    if (config.allow_network) info.arguments.emplace_back("--allow-network");
    if (config.lang != report::Lang::kZh) info.arguments.insert(info.arguments.end(), {"--lang", "en"});
  }
  info.started_at = io::utc_now_iso8601();
  info.versions = versions();

  io::check_output_path(config.out.string());
  io::Scenario scenario = io::read_scenario(config.scenario);
  // A tile refuses what cannot be computed tile by tile before any work (docs/method/tiles.md).
  if (scenario.tile) io::check_tileable(scenario, scenario.tile->file.string());
  io::OutputFolderOptions folder;
  folder.command = "run";
  folder.overwrite = config.overwrite;
  folder.inputs = io::scenario_input_paths(scenario);
  run->dir = std::make_unique<io::OutputDir>(config.out, folder);  // refuses a folder it may not replace before any work is done
  for (const auto& note : run->dir->recovery_notes()) observer.status(note);
  run->loaded = io::load_scenario(std::move(scenario), run->diag, io::LoadOptions{}, &observer);
  run->diag.throw_if_errors();

  const io::LoadedScenario& loaded = run->loaded;
  info.outputs = {"run.json"};
  if (!loaded.changes.lines.empty()) {
    info.changes["label_zh"] = loaded.scenario.changes.label_zh;
    info.changes["label_en"] = loaded.scenario.changes.label_en;
    info.changes["closed"] = loaded.changes.closed;
    info.changes["upgraded"] = loaded.changes.upgraded;
    info.changes["added"] = loaded.changes.added;
    info.changes["lines"] = loaded.changes.lines;
    info.changes["lines_zh"] = loaded.changes.lines_zh;
  }
  return run;
}

/// Per standard the travel-time GeoTIFF, coverage, gaps and catchments.
AnalysedRun analyse_loaded_run(LoadedRun& run, RunObserver& observer) {
  const io::LoadedScenario& loaded = run.loaded;
  const io::OutputDir& dir = *run.dir;
  io::RunInfo& info = run.info;
  Diagnostics& diag = run.diag;
  ProgressSink& progress = observer;
  AnalysedRun out;
  report::Table& access = out.access;
  access = facility_access_table();
  const auto t_all = std::chrono::steady_clock::now();
  const report::Lang lang = run.config.lang;
  out.layers = std::make_unique<RunLayers>(loaded);
  out.report = std::make_unique<RunReport>(loaded, lang);
  RunLayers& layers = *out.layers;
  RunReport& report = *out.report;
  out.analysis = analyse_run(loaded, diag, &progress, [&](StandardOutcome& o, const StandardCells& cells) {
    const Standard& st = *o.standard;
    {
      ProgressStep step(&progress, "layers " + st.id);
      const auto t0 = std::chrono::steady_clock::now();
      TracedCells gaps;  // traced once, for the gap layer and the report's gap map
      layers.add_standard(o, cells, &gaps);
      report.add_standard(o, cells, std::move(gaps));
      o.timings_s["layers"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }
    // The gaps' cells are in their polygons now; the tables copy the gaps and need only their figures.
    for (analysis::GapArea& g : o.gaps) std::vector<std::uint32_t>().swap(g.cells);
    if (cells.travel != nullptr) {
      const auto t0 = std::chrono::steady_clock::now();
      const std::string file = "travel_time_" + st.id + ".tif";
      if (loaded.tile) {
        // A tile's raster holds its own cells only: the halo's cells are no-data (docs/method/tiles.md).
        TravelTimeField own = cells.travel->field;
        for (std::size_t i = 0; i < own.minutes.size(); ++i)
          if (loaded.tile->own_cell[i] == 0) {
            own.minutes[i] = TravelTimeField::kUnreached;
            own.nearest[i] = TravelTimeField::kNoFacility;
          }
        io::write_travel_time_geotiff(dir.path() / file, own, loaded.analysis_crs, raster_metadata(loaded, st, *cells.travel));
      } else {
        io::write_travel_time_geotiff(dir.path() / file, cells.travel->field, loaded.analysis_crs,
                                      raster_metadata(loaded, st, *cells.travel));
      }
      // Its style, which QGIS applies when it opens the GeoTIFF: the report's band classes.
      const std::string style = "travel_time_" + st.id + ".qml";
      io::write_file_atomically(dir.path() / style, travel_time_raster_qml(o, lang));
      o.timings_s["geotiff"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      double travel_s = 0.0;
      for (const char* step : {"graph", "connectors", "friction", "search", "geotiff"})
        if (auto it = o.timings_s.find(step); it != o.timings_s.end()) travel_s += it->second;
      info.timings.push_back({"travel times " + st.id, travel_s});
      info.outputs.push_back(file);
      info.outputs.push_back(style);
      add_facility_access(access, loaded, st, *cells.travel);
    }
  });
  info.timings.push_back({"analysis", std::chrono::duration<double>(std::chrono::steady_clock::now() - t_all).count()});
  // The tables' figures: every output publishes their whole persons (report/published.hpp).
  out.tables = make_run_tables(loaded, out.analysis);
  return out;
}

namespace {

/// Everything after the analyses: the travel and coverage sections of run.json, facility_access.csv, the rasters
/// of capacity and accessibility, layers.gpkg, project.qgs, the tables and report.html.
void write_outputs(LoadedRun& run, AnalysedRun& analysed, RunResult& result) {
  const io::LoadedScenario& loaded = run.loaded;
  const io::OutputDir& dir = *run.dir;
  io::RunInfo& info = run.info;
  const report::Lang lang = run.config.lang;
  const RunAnalysis& analysis = analysed.analysis;
  const report::RunTables& tables = analysed.tables;
  const report::Table& access = analysed.access;
  nlohmann::ordered_json standards = nlohmann::ordered_json::array();

  for (const StandardOutcome& o : analysis.standards) {
    const Standard& st = *o.standard;
    nlohmann::ordered_json j;
    j["id"] = st.id;
    StandardSummary line;
    line.id = st.id;
    line.name_zh = st.name_zh;
    line.target_share = st.target_share;
    if (!o.not_computed.empty()) {
      j["status"] = "not computed: " + o.not_computed;
      j["reason_zh"] = o.not_computed_zh;
      j["hint"] = o.not_computed_hint;
      standards.push_back(j);
      line.not_computed = o.not_computed;
      result.standards.push_back(std::move(line));
      continue;
    }
    const report::PublishedCounts total = published_total(tables, st.id);
    if (st.threshold_min) {
      j["file"] = "travel_time_" + st.id + ".tif";
      j["engine"] = to_string(st.engine);
      j["mode"] = to_string(st.mode);
      add_method_json(j, o);
      j["threshold_min"] = *st.threshold_min;
      j["search_limit_min"] = o.limit;
      j["facilities"] = o.facility_ids.size();
      j["persons_within_threshold"] = total.covered;
      j["share_within_threshold"] = total.share();
      if (!io::source_date_epoch()) j["timings_s"] = o.timings_s;
    } else {
      j["status"] = "not computed: a distance standard (straight-line distance, in the coverage section)";
    }
    standards.push_back(j);
    line.share_covered = total.share();
    line.gap_areas = o.gaps.size();
    result.standards.push_back(std::move(line));
  }
  if (!access.rows.empty()) {
    io::write_file_atomically(dir.path() / "facility_access.csv", report::to_csv(access, lang));
    info.outputs.push_back("facility_access.csv");
  }
  io::write_file_atomically(dir.path() / "facility_zones.csv", report::to_csv(facility_list_table(loaded, analysis), lang));
  info.outputs.push_back("facility_zones.csv");
  info.travel = travel_settings_json(analysis.travel_settings, loaded.scenario);
  info.travel["standards"] = standards;
  // Capacity-aware coverage ([capacity.<id>]): the residual population raster and a summary per coverage.
  if (!analysis.capacity.empty()) {
    nlohmann::ordered_json caps = nlohmann::ordered_json::array();
    for (std::size_t k = 0; k < analysis.capacity.size(); ++k) {
      const CapacityOutcome& o = analysis.capacity[k];
      const CapacitySpec& spec = *o.spec;
      nlohmann::ordered_json j;
      j["id"] = spec.id;
      j["standard"] = spec.standard;
      j["mode"] = to_string(o.standard->mode);
      j["threshold_min"] = o.threshold_min;
      if (!spec.field.empty()) j["field"] = spec.field;
      else j["table"] = spec.table;
      j["persons_per_unit"] = spec.persons_per_unit;
      j["order"] = spec.order;
      CapacitySummary line;
      line.id = spec.id;
      line.name_zh = spec.name_zh;
      if (!o.computed()) {
        j["status"] = "not computed: " + o.not_computed;
        line.not_computed = o.not_computed;
        result.capacity.push_back(std::move(line));
        caps.push_back(j);
        continue;
      }
      const std::string file = "capacity_residual_" + spec.id + ".tif";
      io::write_persons_geotiff(dir.path() / file, loaded.population->surface.grid, o.result.residual,
                                loaded.analysis_crs,
                                "residual population after capacity coverage " + spec.id + " (persons)",
                                {{"CAREREACH_CAPACITY", spec.id}, {"CAREREACH_STANDARD", spec.standard},
                                 {"CAREREACH_THRESHOLD_MIN", report::format_fixed(o.threshold_min, 1)}});
      info.outputs.push_back(file);
      const report::CapacityTables& ct = tables.capacity[k];
      const std::vector<std::int64_t> served = report::published_served(tables, ct);
      std::int64_t served_total = 0;
      for (const auto v : served) served_total += v;
      std::size_t at_capacity = 0;
      double capacity_exact = 0.0;
      for (const auto& f : o.result.facilities) {
        if (f.status == analysis::CapacityStatus::kCapacityReached) ++at_capacity;
        capacity_exact += f.capacity;
      }
      j["file"] = file;
      j["facilities"] = o.facility_ids.size();
      j["facilities_at_capacity"] = at_capacity;
      j["capacity_persons_exact"] = capacity_exact;
      j["persons_served"] = served_total;
      if (!io::source_date_epoch()) j["timings_s"] = o.timings_s;
      caps.push_back(j);
      line.persons_served = served_total;
      line.facilities = o.facility_ids.size();
      line.facilities_at_capacity = at_capacity;
      result.capacity.push_back(std::move(line));
    }
    info.travel["capacity"] = caps;
  }
  if (!tables.siting.empty()) {
    nlohmann::ordered_json sitings = nlohmann::ordered_json::array();
    for (const report::SitingTables& st : tables.siting) {
      SitingSummary line;
      line.id = st.id;
      line.name_zh = st.name_zh;
      nlohmann::ordered_json j;
      j["id"] = st.id;
      j["standard"] = st.standard_id;
      if (!st.not_computed_en.empty()) {
        line.not_computed = st.not_computed_en;
        j["status"] = "not computed: " + st.not_computed_en;
      } else {
        const report::SitingPublished pub = report::publish_siting(st);
        line.sites = st.sites.size();
        line.share_before = pub.share(pub.before);
        line.share_after = pub.share(pub.after());
        line.method_en = st.method_en;
        j["objective"] = st.budget_objective ? "budget" : "target_share";
        j["sites"] = st.sites.size();
        if (!st.closable_text.empty()) {
          nlohmann::ordered_json closed = nlohmann::ordered_json::array();
          for (std::size_t i = 0; i < st.closed.size(); ++i)
            closed.push_back({{"id", st.closed[i].id}, {"name", st.closed[i].name}, {"lost_persons", -pub.closed_change[i]}});
          j["closed"] = closed;
          j["persons_covered_after_closures"] = pub.after_closures();
        }
        j["capacitated"] = !st.capacity_en.empty();
        j["persons_covered_before"] = pub.before;
        j["persons_covered_after"] = pub.after();
        j["persons_total"] = pub.total;
        j["target_reached"] = st.target_reached;
        j["proven_optimal"] = st.proven_optimal;
        j["gap"] = st.gap ? nlohmann::ordered_json(*st.gap) : nlohmann::ordered_json();
        j["method"] = st.method_en;
      }
      sitings.push_back(j);
      result.siting.push_back(std::move(line));
    }
    info.travel["siting"] = sitings;
  }
  info.coverage = coverage_json(analysis, tables);
  info.data_note_zh = tables.data_note_zh;
  info.data_note_en = tables.data_note_en;
  info.indicators = indicators_json(analysis);
  for (const IndicatorOutcome& o : analysis.plan_indicators) {
    const auto& r = o.result;
    IndicatorSummary line;
    line.id = o.indicator->id;
    line.name_zh = o.indicator->name_zh;
    line.level = analysis.levels[o.level].level.level;
    line.zones_met = r.zones_met;
    line.zones_not_met = r.zones_not_met;
    line.zones_not_assessed = r.zones_not_assessed;
    line.missing = r.missing;
    result.indicators.push_back(std::move(line));
  }

  // run.json: what the referral, accessibility and Huff tables say, in brief (modelled results with their
  // parameters).
  if (!loaded.scenario.access_models.empty()) {
    nlohmann::ordered_json m = nlohmann::ordered_json::object();
    for (const ReferralOutcome& o : analysis.referrals) {
      nlohmann::ordered_json j;
      j["standard"] = o.standard->id;
      if (!o.not_computed.empty()) j["status"] = "not computed: " + o.not_computed;
      j["threshold_min"] = o.spec->threshold_min;
      j["limit_min"] = o.limit_min;
      j["facilities"] = o.rows.size();
      std::size_t beyond = 0;
      for (const auto& row : o.rows)
        if (row.status != analysis::ReferralStatus::kOutsideGrid && !(row.minutes <= o.spec->threshold_min)) ++beyond;
      j["beyond_threshold"] = beyond;
      m["referral"][o.spec->id] = j;
    }
    for (const AccessibilityOutcome& o : analysis.accessibility) {
      nlohmann::ordered_json j;
      j["standard"] = o.standard->id;
      if (!o.not_computed.empty()) j["status"] = "not computed: " + o.not_computed;
      j["modelled"] = true;
      j["supply"] = to_string(o.spec->supply);
      j["decay"] = o.spec->decay;
      j["facilities"] = o.facility_ids.size();
      j["sum_population_times_index"] = o.result.population_weighted_total;
      j["supply_reaching_population"] = o.result.supply_reaching_population;
      m["accessibility"][o.spec->id] = j;
    }
    for (const HuffOutcome& o : analysis.huff) {
      nlohmann::ordered_json j;
      j["standard"] = o.standard->id;
      if (!o.not_computed.empty()) j["status"] = "not computed: " + o.not_computed;
      j["modelled"] = true;
      j["decay"] = o.spec->decay;
      j["beta"] = o.beta;
      j["calibrated"] = o.calibrated;
      if (o.fit) j["sse"] = o.fit->sse;
      j["limit_min"] = o.limit_min;
      nlohmann::ordered_json zones = nlohmann::ordered_json::object();
      const auto& zl = analysis.levels[o.level].level;
      for (std::size_t z = 0; z < zl.zones.size() && z < o.result.stay_share.size(); ++z)
        zones[zl.zones[z].code] = o.result.stay_share[z] ? nlohmann::ordered_json(*o.result.stay_share[z]) : nullptr;
      j["stay_share"] = zones;
      m["huff"][o.spec->id] = j;
    }
    info.access_models = m;
  }

  // The accessibility index per cell ([accessibility.<id>]): per 1,000 persons, no-data where nobody lives.
  for (const AccessibilityOutcome& o : analysis.accessibility) {
    if (!o.not_computed.empty()) continue;
    const PopulationGrid& pop = loaded.population->surface;
    std::vector<float> values(pop.persons.size(), std::numeric_limits<float>::quiet_NaN());
    for (std::size_t c = 0; c < values.size(); ++c)
      if (pop.persons[c] > 0) values[c] = static_cast<float>(1000.0 * o.result.accessibility[c]);
    const std::string file = "accessibility_" + o.spec->id + ".tif";
    io::write_index_geotiff(dir.path() / file, pop.grid, values, loaded.analysis_crs,
                            "E2SFCA accessibility (" + std::string(to_string(o.spec->supply)) + " per 1,000 persons)",
                            "per 1000 persons",
                            {{"CAREREACH_ACCESSIBILITY", o.spec->id}, {"CAREREACH_STANDARD", o.standard->id},
                             {"CAREREACH_SUPPLY", to_string(o.spec->supply)}, {"CAREREACH_DECAY", o.spec->decay},
                             {"CAREREACH_MODELLED", "yes"}});
    info.outputs.push_back(file);
  }
}

}  // namespace

RunResult write_run(LoadedRun& run, AnalysedRun* analysed, RunObserver& observer) {
  RunResult result;
  const io::LoadedScenario& loaded = run.loaded;
  const io::OutputDir& dir = *run.dir;
  io::RunInfo& info = run.info;
  Diagnostics& diag = run.diag;
  ProgressSink& progress = observer;
  if (analysed != nullptr) {
    write_outputs(run, *analysed, result);
    const RunAnalysis& analysis = analysed->analysis;
    const report::RunTables& tables = analysed->tables;
    RunLayers& layers = *analysed->layers;
    const RunReport& report = *analysed->report;
    const report::Lang lang = run.config.lang;
    std::vector<io::LayerData> all;
    std::vector<std::vector<geo::CellPolygons>> seat_zones;  // traced once, for zones_<level> and the report's maps
    {
      ProgressStep step(&progress, "layers.gpkg");
      const auto t0 = std::chrono::steady_clock::now();
      all = layers.finish(analysis, tables, &seat_zones);
      io::GeoPackageOptions options;
      options.timestamp = info.started_at;
      io::write_geopackage(dir.path() / "layers.gpkg", all, loaded.analysis_crs, loaded.output_crs, options);
      info.outputs.push_back("layers.gpkg");
      // The QGIS project over layers.gpkg and the rasters (project.qgs and .qgz), and the SLD styles.
      write_run_project(dir.path(), loaded, analysis, all, info.outputs, lang);
      info.timings.push_back({"layers.gpkg", std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()});
    }
    const auto t_tables = std::chrono::steady_clock::now();
    write_run_tables(tables, dir.path(), lang, info.outputs);
    info.timings.push_back({"tables", std::chrono::duration<double>(std::chrono::steady_clock::now() - t_tables).count()});
    {
      ProgressStep step(&progress, "report.html");
      const auto t0 = std::chrono::steady_clock::now();
      ReportContext context;
      context.date = report_date(info.started_at);
      context.version = info.versions.at("carereach");
      context.change_lines = lang == report::Lang::kZh ? loaded.changes.lines_zh : loaded.changes.lines;
      io::write_file_atomically(dir.path() / "report.html",
                                report.finish(analysis, all, tables, diag, context, std::move(seat_zones)));
      info.outputs.push_back("report.html");
      info.timings.push_back({"report.html", std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()});
    }
    {
      ProgressStep step(&progress, "map.html");
      const auto t0 = std::chrono::steady_clock::now();
      ReportContext context;
      context.date = report_date(info.started_at);
      io::write_file_atomically(dir.path() / "map.html", run_map_html(loaded, analysis, all, tables, context, lang));
      info.outputs.push_back("map.html");
      info.timings.push_back({"map.html", std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()});
    }
  }
  if (loaded.tile) {
    const RunAnalysis* analysis = analysed != nullptr ? &analysed->analysis : nullptr;
    io::write_file_atomically(dir.path() / "tile.json", tile_json(loaded, analysis, info).dump(2) + "\n");
    info.outputs.push_back("tile.json");
  }
  info.finished_at = io::utc_now_iso8601();
  io::write_file_atomically(dir.path() / "run.json", io::make_run_manifest(loaded, diag, info).dump(2) + "\n");
  run.dir->commit();

  result.folder = dir.target();
  result.outputs = info.outputs;
  result.coverage = info.coverage;
  result.timings = info.timings;
  result.diagnostics = diag;
  return result;
}

RunResult run_scenario(const RunConfig& config, RunObserver& observer) {
  const std::unique_ptr<LoadedRun> run = load_run(config, observer);
  if (!run->loaded.population) return write_run(*run, nullptr, observer);
  AnalysedRun analysed = analyse_loaded_run(*run, observer);
  return write_run(*run, &analysed, observer);
}

}  // namespace carereach::pipeline
