// carereach run SCENARIO.toml --out DIR — the main job: loads the scenario and writes the run folder.

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <limits>

#include "cli/command.hpp"
#include "cli/progress.hpp"
#include "pipeline/run_analysis.hpp"
#include "pipeline/run_json.hpp"
#include "pipeline/run_layers.hpp"
#include "pipeline/run_project.hpp"
#include "pipeline/run_report.hpp"
#include "pipeline/run_tables.hpp"
#include "cli/summary.hpp"
#include "pipeline/travel_setup.hpp"
#include "cli/versions.hpp"
#include "io/files.hpp"
#include "report/writers.hpp"
#include "io/input_access.hpp"
#include "io/load.hpp"
#include "io/output_folder.hpp"
#include "io/raster_writer.hpp"
#include "io/run_manifest.hpp"
#include "io/scenario.hpp"

namespace carereach::cli {
using namespace carereach::pipeline;  // the run's stages (src/pipeline)

namespace {

class RunCommand final : public Command {
 public:
  const char* name() const override { return "run"; }
  const char* summary() const override { return "Run a scenario: coverage tables, layers and travel times of every service standard, in one folder"; }
  void setup(CLI::App& app) override {
    app.add_option("scenario", scenario_, "Scenario file (.toml); see docs/scenario.md")->required();
    app.add_option("-o,--out", out_, "Output folder (written beside it and renamed when complete)")->required();
    app.add_flag("--overwrite", overwrite_, "Replace the output folder if carereach wrote it, unchanged (docs/output-folders.md)");
    app.add_option("--lang", lang_, "Language of the tables and report: zh (default) or en")
        ->check(CLI::IsMember({"zh", "en"}));
    app.add_flag("--allow-network", allow_network_, "Let inputs be read from the network (URLs, /vsicurl/ …): off by default, as a scenario or file from someone else must not reach servers");
  }
  int run(Console& console) override {
    io::lock_network_for_process(allow_network_);
    io::RunInfo info;
    info.command = "run";
    info.arguments = {scenario_, "--out", out_};
    if (overwrite_) info.arguments.emplace_back("--overwrite");
    if (allow_network_) info.arguments.emplace_back("--allow-network");
    if (lang_ != "zh") info.arguments.insert(info.arguments.end(), {"--lang", lang_});
    info.started_at = io::utc_now_iso8601();
    info.versions = versions();

    io::check_output_path(out_);
    io::Scenario scenario = io::read_scenario(scenario_);
    io::OutputFolderOptions folder;
    folder.command = "run";
    folder.overwrite = overwrite_;
    folder.inputs = io::scenario_input_paths(scenario);
    io::OutputDir dir(out_, folder);  // refuses a folder it may not replace before any work is done
    for (const auto& note : dir.recovery_notes()) console.info(note);
    Diagnostics diag;
    ConsoleProgress progress(console);
    const io::LoadedScenario loaded = io::load_scenario(std::move(scenario), diag, io::LoadOptions{}, &progress);
    diag.throw_if_errors();

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
    if (loaded.population) write_outputs(loaded, dir, info, diag, progress);
    info.finished_at = io::utc_now_iso8601();
    io::write_file_atomically(dir.path() / "run.json", io::make_run_manifest(loaded, diag, info).dump(2) + "\n");
    dir.commit();

    if (diag.warning_count() > 0) {
      console.info("Warnings 警告: " + grouped(double(diag.warning_count())));
      print_problems(console, diag, 5, "(all of them are in run.json)", ProblemStream::kStatus);
    }
    console.out("Outputs written to 输出目录: " + std::filesystem::absolute(dir.target()).lexically_normal().string());
    if (std::find(info.outputs.begin(), info.outputs.end(), "layers.gpkg") != info.outputs.end()) {
      console.out("  report.html — the planning report: findings, maps, tables, method (opens offline, prints to A4)");
      console.out("  report.md, appendix.xlsx, tables/*.csv — 规划附表: coverage, gaps and resource density per zone");
      console.out("  layers.gpkg — facilities, zones, service areas, catchments and gap areas (styled for QGIS)");
      console.out("  project.qgz (and project.qgs) — the QGIS project: every layer and raster styled, one group per standard");
      console.out("  styles/*.sld — the same styles as OGC SLD, for GIS that do not read QGIS styles");
      console.out("  facility_zones.csv — every facility with the code and name of its zone at every level");
      for (const auto& f : info.outputs)
        if (f.starts_with("travel_time_") && f.ends_with(".tif"))
          console.out("  " + f + " — minutes to the nearest facility (" + f.substr(12, f.size() - 16) +
                      "; Cloud-Optimized GeoTIFF, styled by the .qml beside it)");
      for (const auto& f : info.outputs)
        if (f.starts_with("capacity_residual_") && f.ends_with(".tif"))
          console.out("  " + f + " — persons no facility serves within its capacity (" + f.substr(18, f.size() - 22) + ")");
    }
    console.out("  run.json — inputs with checksums, settings, coordinate systems, counts, results, warnings, timings");
    if (!summary_lines_.empty()) console.out("Coverage 覆盖情况:");
    for (const auto& line : summary_lines_) console.out(line);
    if (!indicator_lines_.empty()) console.out("Planning indicators 规划指标:");
    for (const auto& line : indicator_lines_) console.out(line);
    return 0;
  }

  /// Everything after loading: per standard the travel-time GeoTIFF, coverage, gaps and catchments; then the
  /// travel and coverage sections of run.json and facility_access.csv.
  void write_outputs(const io::LoadedScenario& loaded, const io::OutputDir& dir, io::RunInfo& info, Diagnostics& diag,
                     ProgressSink& progress) {
    nlohmann::ordered_json standards = nlohmann::ordered_json::array();
    report::Table access = facility_access_table();
    const auto t_all = std::chrono::steady_clock::now();
    const report::Lang lang = lang_ == "en" ? report::Lang::kEn : report::Lang::kZh;
    RunLayers layers(loaded);
    RunReport report(loaded, lang);
    RunAnalysis analysis = analyse_run(loaded, diag, &progress, [&](StandardOutcome& o, const StandardCells& cells) {
      const Standard& st = *o.standard;
      {
        ProgressStep step(&progress, "layers " + st.id);
        const auto t0 = std::chrono::steady_clock::now();
        layers.add_standard(o, cells);
        report.add_standard(o, cells);
        o.timings_s["layers"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      }
      if (cells.travel != nullptr) {
        const auto t0 = std::chrono::steady_clock::now();
        const std::string file = "travel_time_" + st.id + ".tif";
        io::write_travel_time_geotiff(dir.path() / file, cells.travel->field, loaded.analysis_crs,
                                      raster_metadata(loaded, st, *cells.travel));
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
    const report::RunTables tables = make_run_tables(loaded, analysis);

    for (const StandardOutcome& o : analysis.standards) {
      const Standard& st = *o.standard;
      nlohmann::ordered_json j;
      j["id"] = st.id;
      if (!o.not_computed.empty()) {
        j["status"] = "not computed: " + o.not_computed;
        j["reason_zh"] = o.not_computed_zh;
        j["hint"] = o.not_computed_hint;
        standards.push_back(j);
        summary_lines_.push_back("  " + st.id + " " + st.name_zh + ": not computed 未计算 — " + o.not_computed);
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
      char share[32];
      std::snprintf(share, sizeof share, "%.1f %%", 100.0 * total.share());
      summary_lines_.push_back("  " + st.id + " " + st.name_zh + ": " + share + " of the population covered (target " +
                               std::to_string(static_cast<int>(std::lround(st.target_share * 100))) + " %), " +
                               grouped(double(o.gaps.size())) + " gap areas");
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
        if (!o.computed()) {
          j["status"] = "not computed: " + o.not_computed;
          summary_lines_.push_back("  capacity " + spec.id + ": not computed 未计算 — " + o.not_computed);
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
        summary_lines_.push_back("  capacity " + spec.id + " " + spec.name_zh + ": " + grouped(double(served_total)) +
                                 " persons served 服务人口, " + std::to_string(at_capacity) + " of " +
                                 std::to_string(o.facility_ids.size()) + " facilities at capacity 能力用尽");
      }
      info.travel["capacity"] = caps;
    }
    info.coverage = coverage_json(analysis, tables);
    info.data_note_zh = tables.data_note_zh;
    info.data_note_en = tables.data_note_en;
    info.indicators = indicators_json(analysis);
    for (const IndicatorOutcome& o : analysis.plan_indicators) {
      const auto& r = o.result;
      const std::string level = analysis.levels[o.level].level.level;
      indicator_lines_.push_back("  " + o.indicator->id + " " + o.indicator->name_zh + ": " + std::to_string(r.zones_met) +
                                 " of " + std::to_string(r.zones_met + r.zones_not_met) + " " + level + " zones met" +
                                 (r.zones_not_assessed > 0 ? ", " + std::to_string(r.zones_not_assessed) + " not assessed" : "") +
                                 (r.missing > 0 ? ", " + std::to_string(r.missing) + (r.missing == 1 ? " facility" : " facilities") + " still missing" : ""));
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

    std::vector<io::LayerData> all;
    {
      ProgressStep step(&progress, "layers.gpkg");
      const auto t0 = std::chrono::steady_clock::now();
      all = layers.finish(analysis, tables);
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
      context.version = versions().at("carereach");
      context.change_lines = lang == report::Lang::kZh ? loaded.changes.lines_zh : loaded.changes.lines;
      io::write_file_atomically(dir.path() / "report.html", report.finish(analysis, all, tables, diag, context));
      info.outputs.push_back("report.html");
      info.timings.push_back({"report.html", std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()});
    }
  }

 private:
  std::string scenario_;
  std::string out_;
  bool overwrite_ = false;
  bool allow_network_ = false;
  std::string lang_ = "zh";
  std::vector<std::string> summary_lines_;
  std::vector<std::string> indicator_lines_;
};

}  // namespace

std::unique_ptr<Command> make_run_command() { return std::make_unique<RunCommand>(); }

}  // namespace carereach::cli
