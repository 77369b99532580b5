#include "io/load.hpp"

#include <chrono>
#include <cmath>
#include <map>
#include <set>

#include "core/units.hpp"
#include "io/changes.hpp"
#include "io/crs_check.hpp"
#include "io/facilities.hpp"
#include "io/files.hpp"
#include "io/input_access.hpp"
#include "io/raster_inputs.hpp"
#include "io/raster_source.hpp"
#include "io/roads.hpp"

namespace carereach::io {

namespace fs = std::filesystem;

const LoadedZoneLevel* LoadedScenario::zone_level(const std::string& level) const {
  for (const auto& z : zones)
    if (z.level.level == level) return &z;
  return nullptr;
}

namespace {

/// Grids above this many cells are refused: the analysis would not fit a laptop's memory.
constexpr double kMaxGridCells = 400.0e6;

class Loader {
 public:
  Loader(Scenario scenario, Diagnostics& diag, const LoadOptions& options, ProgressSink* progress)
      : diag_(diag), options_(options), progress_(progress) {
    out_.scenario = std::move(scenario);
  }

  LoadedScenario run() {
    const Scenario& s = out_.scenario;
    check_inputs_are_files();
    if (options_.checksums) timed("checksums", [&] { checksums(); });
    timed("coordinate systems", [&] { choose_crs(); });
    timed("zones", [&] {
      for (const auto& spec : s.zones) guarded([&] { out_.zones.push_back(load_zone_level(spec, out_.analysis_crs, diag_, &out_.output_crs)); });
      check_parents();
      load_plan_inputs();
    });
    timed("study area and grid", [&] { guarded([&] { make_grid(); }); });
    if (out_.grid) timed("zone rasters", [&] { rasterize(); });
    if (s.population && out_.grid && out_.study_area_level)
      timed("population", [&] { guarded([&] { load_population_surface(); }); });
    if (!s.population)
      diag_.warn("population.missing"_code, "the scenario has no [population]: coverage shares cannot be computed",
                 Location{s.file.string(), {}, {}, "population", 0}, "add a [population] table (docs/scenario.md)");
    if (!s.facilities.empty())
      timed("facilities", [&] { guarded([&] { load_all_facilities(); }); });
    else
      diag_.warn("facilities.missing"_code, "the scenario has no [[facilities]]", Location{s.file.string(), {}, {}, "facilities", 0},
                 "add at least one [[facilities]] source");
    // After a memory refusal (validate goes on), the roads are not read: they may be what does not fit.
    if (s.roads && !memory_refused_) timed("roads", [&] { guarded([&] { out_.roads = load_roads(*s.roads, out_.analysis_crs, std::nullopt, diag_); }); });
    const RasterSpec& r = s.raster;
    if (out_.grid && (r.landcover || r.friction || r.dem || !r.barriers.empty()))
      timed("raster inputs", [&] { guarded([&] { out_.raster = load_raster_inputs(r, *out_.grid, out_.analysis_crs, diag_); }); });
    // GCJ-02/BD-09 coordinates declared as another system (docs/method/coordinates.md): a warning, never a stop.
    timed("coordinate check", [&] { check_declared_offsets(out_, diag_); });
    return std::move(out_);
  }

 private:
  template <class F>
  void timed(const std::string& step, F&& f) {
    ProgressStep p(progress_, step);
    const auto t0 = std::chrono::steady_clock::now();
    f();
    out_.timings.push_back({step, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()});
  }

  template <class F>
  void guarded(F&& f) {
    if (!options_.keep_going) {
      f();
      return;
    }
    try {
      f();
    } catch (const CodedError& e) {
      diag_.add(e.problem());
    } catch (const Error& e) {
      diag_.add(e);
    }
  }

  /// Every input path is a file or folder on this computer (or the network is allowed): checked before anything
  /// is opened, since a device such as /dev/zero would be read without end and a URL reaches a server. A refused
  /// path stops the load, for validate too (the other inputs cannot be loaded without it): the first one is
  /// thrown, with the number of the others.
  void check_inputs_are_files() {
    const Scenario& s = out_.scenario;
    std::vector<const SourceSpec*> sources;
    for (const auto& z : s.zones) {
      sources.push_back(&z.source);
      if (z.seats) sources.push_back(&z.seats->source);
    }
    for (const auto& z : s.density.zone_totals) sources.push_back(&z.source);
    for (const auto& z : s.zone_targets)
      if (z.source) sources.push_back(&*z.source);
    if (s.population) {
      sources.push_back(&s.population->source);
      if (s.population->weights) sources.push_back(&*s.population->weights);
      if (s.population->settlements) sources.push_back(&s.population->settlements->source);
      if (s.population->finer) sources.push_back(&s.population->finer->source);
    }
    for (const auto& f : s.facilities) sources.push_back(&f.source);
    if (s.roads) sources.push_back(&s.roads->source);
    for (const auto* r : {&s.raster.landcover, &s.raster.classes_file, &s.raster.dem, &s.raster.friction,
                          &s.analysis.align_to})
      if (*r) sources.push_back(&**r);
    for (const auto& b : s.raster.barriers) sources.push_back(&b);
    std::vector<CodedError> refused;
    for (const SourceSpec* src : sources) {
      try {
        check_input_path(*src);
      } catch (const CodedError& e) {
        refused.push_back(e);
      }
    }
    if (refused.empty()) return;
    const CodedError& first = refused.front();
    if (refused.size() == 1) throw first;
    const std::size_t more = refused.size() - 1;
    throw CodedError(first.exit_code(), first.code(),
                     first.message() + " (and " + std::to_string(more) + " more input" + (more == 1 ? "" : "s") +
                         " refused: " + refused[1].where().field + (more > 1 ? ", …" : "") + ")",
                     first.where(), first.hint());
  }

  void add_input(const std::string& role, const SourceSpec& src) {
    InputFile in;
    in.role = role;
    in.path_as_written = src.path_as_written;
    in.path = src.path;
    std::error_code ec;
    if (!fs::is_regular_file(src.path, ec)) return;  // missing files are reported by the loaders
    in.bytes = fs::file_size(src.path, ec);
    in.sha256 = sha256_file(src.path);
    out_.inputs.push_back(in);
    // A shapefile is several files: the attributes and the projection matter as much as the shapes.
    if (src.path.extension() == ".shp" || src.path.extension() == ".SHP") {
      for (const char* ext : {".shx", ".dbf", ".prj", ".cpg"}) {
        fs::path side = src.path;
        side.replace_extension(ext);
        if (!fs::is_regular_file(side, ec)) continue;
        InputFile s2 = in;
        s2.path = side;
        s2.path_as_written = fs::path(src.path_as_written).replace_extension(ext).string();
        s2.bytes = fs::file_size(side, ec);
        s2.sha256 = sha256_file(side);
        out_.inputs.push_back(s2);
      }
    }
  }

  void checksums() {
    const Scenario& s = out_.scenario;
    SourceSpec scenario_file;
    scenario_file.path = s.file;
    scenario_file.path_as_written = s.file.filename().string();
    guarded([&] { add_input("scenario", scenario_file); });
    for (const auto& z : s.zones) {
      guarded([&] { add_input("zones:" + z.level, z.source); });
      if (z.seats) guarded([&] { add_input("zone seats:" + z.level, z.seats->source); });
    }
    for (const auto& z : s.density.zone_totals) guarded([&] { add_input("zone totals:" + z.level, z.source); });
    for (std::size_t i = 0; i < s.zone_targets.size(); ++i)
      if (s.zone_targets[i].source)
        guarded([&] { add_input("zone targets[" + std::to_string(i) + "]", *s.zone_targets[i].source); });
    if (s.population) {
      guarded([&] { add_input("population", s.population->source); });
      if (s.population->weights) guarded([&] { add_input("population weights", *s.population->weights); });
      if (s.population->settlements)
        guarded([&] { add_input("population settlements", s.population->settlements->source); });
      if (s.population->finer) guarded([&] { add_input("population finer totals", s.population->finer->source); });
    }
    for (std::size_t i = 0; i < s.facilities.size(); ++i)
      guarded([&] { add_input("facilities[" + std::to_string(i) + "]", s.facilities[i].source); });
    if (s.roads) guarded([&] { add_input("roads", s.roads->source); });
    if (s.raster.landcover) guarded([&] { add_input("land cover", *s.raster.landcover); });
    if (s.raster.classes_file) guarded([&] { add_input("land-cover speeds", *s.raster.classes_file); });
    if (s.raster.dem) guarded([&] { add_input("dem", *s.raster.dem); });
    if (s.raster.friction) guarded([&] { add_input("friction", *s.raster.friction); });
    if (s.analysis.align_to) guarded([&] { add_input("grid alignment", *s.analysis.align_to); });
    for (std::size_t i = 0; i < s.raster.barriers.size(); ++i)
      guarded([&] { add_input("barriers[" + std::to_string(i) + "]", s.raster.barriers[i]); });
  }

  const ZoneLevelSpec& study_area_spec() const {
    const Scenario& s = out_.scenario;
    if (!s.analysis.study_area_level.empty()) return *s.zone_level(s.analysis.study_area_level);
    return s.zones.front();
  }

  void choose_crs() {
    const Scenario& s = out_.scenario;
    const Location at{s.file.string(), {}, {}, "analysis.crs", 0};
    try {
      out_.output_crs = geo::CrsSpec::parse(s.analysis.output_crs);
    } catch (const CrsError& e) {
      throw CrsError(e.message(), Location{s.file.string(), {}, {}, "analysis.output_crs", 0}, e.hint());
    }
    if (s.analysis.align_to) {
      align_to_raster(*s.analysis.align_to);
      return;
    }
    if (s.analysis.crs == "auto") {
      const auto [lon, lat] = source_centre_lonlat(study_area_spec());
      out_.analysis_crs = geo::choose_analysis_crs(lon, lat);
      char buf[160];
      std::snprintf(buf, sizeof buf, "auto: chosen for the study area centre %.3f°%c %.3f°%c", std::abs(lon),
                    lon >= 0 ? 'E' : 'W', std::abs(lat), lat >= 0 ? 'N' : 'S');
      out_.analysis_crs_choice = buf;
      return;
    }
    try {
      out_.analysis_crs = geo::CrsSpec::parse(s.analysis.crs);
    } catch (const CrsError& e) {
      throw CrsError(e.message(), at, e.hint());
    }
    if (!out_.analysis_crs.is_projected_metric())
      throw CrsError("the analysis CRS " + out_.analysis_crs.display() + " is not a projected CRS in metres", at,
                     "use \"auto\" (the CGCS2000 Gauss–Krüger zone in China, UTM elsewhere) or a projected metric "
                     "CRS such as \"EPSG:4548\"");
    out_.analysis_crs_choice = "given in the scenario";
  }

  /// [analysis] align_to: the analysis CRS and grid are the raster's. Refused: a geographic or non-metric CRS, a
  /// rotated raster, pixels that are not square (carereach's cells are), a cell size outside 1–10,000 m.
  void align_to_raster(const SourceSpec& src) {
    RasterSource r = open_raster(src, 1, src.key, src.line, "the grid to align the analysis to");
    const Location at{src.path_as_written, {}, {}, src.key, src.line};
    if (r.crs.is_geographic())
      throw CrsError("the raster to align to is in a geographic CRS (" + r.crs.display() +
                         "): its cells are degrees, not metres, and the analysis needs square cells in metres",
                     at,
                     "project it first (e.g. gdalwarp -t_srs EPSG:4548 -tr 100 100 in.tif out.tif, as AccessMod "
                     "projects its inputs) and align to the projected raster");
    if (!r.crs.is_projected_metric())
      throw CrsError("the raster to align to is not in a projected CRS in metres (" + r.crs.display() + ")", at,
                     "project it to a metric CRS such as EPSG:4548 first");
    const double* gt = r.gt;
    if (gt[2] != 0.0 || gt[4] != 0.0)
      throw InputError("the raster to align to is rotated (its geotransform has rotation terms)", at,
                       "warp it to a north-up raster first (gdalwarp)");
    const double cell = gt[1];
    if (!(cell > 0.0 && gt[5] < 0.0) || std::fabs(cell + gt[5]) > 1e-9 * cell)
      throw InputError("the raster to align to has pixels of " + std::to_string(gt[1]) + " × " +
                           std::to_string(std::fabs(gt[5])) + " m: carereach's cells are square (and north-up)",
                       at, "resample it to square pixels first (gdalwarp -tr SIZE SIZE)");
    if (!(cell >= 1.0 && cell <= 10000.0))
      throw InputError("the raster to align to has pixels of " + std::to_string(cell) +
                           " m; the analysis cell size must be between 1 and 10000 m",
                       at, "resample it (gdalwarp -tr 100 100)");
    out_.analysis_crs = r.crs;
    out_.scenario.analysis.cell_size_m = cell;
    aligned_ = Grid{};
    aligned_->origin_x_m = gt[0];
    aligned_->origin_y_m = gt[3];
    aligned_->cell_size_m = cell;
    aligned_->cols = static_cast<std::uint32_t>(r.ds->GetRasterXSize());
    aligned_->rows = static_cast<std::uint32_t>(r.ds->GetRasterYSize());
    out_.analysis_crs_choice = "aligned to " + src.path_as_written + " (its CRS, origin, cell size and extent)";
  }

  void check_parents() {
    const Scenario& s = out_.scenario;
    for (const auto& spec : s.zones) {
      if (spec.parent_level.empty()) continue;
      const LoadedZoneLevel* child = out_.zone_level(spec.level);
      const LoadedZoneLevel* parent = out_.zone_level(spec.parent_level);
      if (child == nullptr || parent == nullptr) continue;
      std::set<std::string> codes;
      for (const auto& z : parent->level.zones) codes.insert(z.code);
      std::map<std::string, std::size_t> missing;
      for (const auto& z : child->level.zones)
        if (!codes.contains(z.parent_code)) ++missing[z.parent_code];
      for (const auto& [code, n] : missing)
        diag_.warn("zone.unknown_parent"_code,
                   std::to_string(n) + " " + spec.level + " zone" + (n == 1 ? "" : "s") + " name parent code '" + code +
                       "', which is not a " + spec.parent_level + " zone",
                   Location{spec.source.path_as_written, {}, {}, spec.parent_field, 0},
                   "check the parent codes, or filter the level to the study area (filter_field)");
    }
  }

  /// The zones' seats, per-zone targets and zone totals (io/plan_inputs.hpp), once the zones are known.
  void load_plan_inputs() {
    const Scenario& s = out_.scenario;
    for (LoadedZoneLevel& level : out_.zones) {
      const ZoneLevelSpec* spec = s.zone_level(level.level.level);
      if (level.kind == ZoneGeometryKind::kSeats) {
        level.zone_seats_m.assign(level.seats_m.begin(), level.seats_m.end());
      } else if (spec != nullptr && spec->seats) {
        guarded([&] { level.zone_seats_m = load_zone_seats(*spec->seats, level, out_.analysis_crs, diag_, &out_.output_crs); });
      }
    }
    if (!s.zone_targets.empty()) guarded([&] { out_.zone_targets = load_zone_targets(s, out_.zones, diag_); });
    for (const ZoneTotalsSpec& spec : s.density.zone_totals)
      if (const LoadedZoneLevel* level = out_.zone_level(spec.level))
        guarded([&] { out_.zone_totals.push_back(load_zone_totals(spec, *level, diag_)); });
  }

  void make_grid() {
    const ZoneLevelSpec& spec = study_area_spec();
    for (std::size_t i = 0; i < out_.zones.size(); ++i)
      if (out_.zones[i].level.level == spec.level) out_.study_area_level = i;
    if (!out_.study_area_level) return;  // the level failed to load: reported already
    const LoadedZoneLevel& level = out_.zones[*out_.study_area_level];
    if (level.polygons.empty()) return;
    std::vector<geo::Geometry> parts;
    for (const auto& p : level.polygons) parts.push_back(p.clone());
    out_.study_area = geo::Geometry::union_all(std::move(parts));
    geo::Envelope env = out_.study_area.envelope();
    const double cell = out_.scenario.analysis.cell_size_m;
    if (aligned_) {
      // The grid is the raster's, whatever the study area: the study area beyond it is not computed.
      const Grid& g = *aligned_;
      const double right = g.origin_x_m + g.cols * cell;
      const double bottom = g.origin_y_m - g.rows * cell;
      if (env.min_x < g.origin_x_m || env.max_x > right || env.min_y < bottom || env.max_y > g.origin_y_m) {
        const double inside = std::max(0.0, std::min(env.max_x, right) - std::max(env.min_x, g.origin_x_m)) *
                              std::max(0.0, std::min(env.max_y, g.origin_y_m) - std::max(env.min_y, bottom));
        const double whole = (env.max_x - env.min_x) * (env.max_y - env.min_y);
        char share[32];
        std::snprintf(share, sizeof share, "%.1f", whole > 0 ? 100.0 * (1.0 - inside / whole) : 0.0);
        diag_.warn("analysis.align_to_partial"_code,
                   "the raster the grid is aligned to does not cover the whole study area: " + std::string(share) +
                       " % of the study area's bounding box lies outside it; people and facilities there are left "
                       "out of the travel times",
                   Location{out_.scenario.analysis.align_to->path_as_written, {}, {},
                            out_.scenario.analysis.align_to->key, out_.scenario.analysis.align_to->line},
                   "align to a raster that covers the study area, or choose a smaller study area");
      }
      env = geo::Envelope{g.origin_x_m, bottom, right, g.origin_y_m};
    }
    const double cells = std::ceil((env.max_x - env.min_x) / cell) * std::ceil((env.max_y - env.min_y) / cell);
    // Memory before work: nothing of the size of the grid is allocated yet.
    const double rect_m2 = (env.max_x - env.min_x) * (env.max_y - env.min_y);
    out_.memory = estimate_run_memory(out_.scenario, env.max_x - env.min_x, env.max_y - env.min_y, cells,
                                      rect_m2 > 0 ? out_.study_area.area() / rect_m2 : 1.0, options_.standards);
    out_.memory_available = memory_available();
    memory_refused_ = out_.memory->bytes > out_.memory_available.bytes;
    require_memory(*out_.memory, out_.memory_available, out_.scenario);
    if (cells > kMaxGridCells)
      throw ScenarioError("the study area needs " + std::to_string(static_cast<long long>(cells)) + " cells of " +
                              std::to_string(static_cast<int>(cell)) + " m, more than the limit of 400 million",
                          Location{out_.scenario.file.string(), {}, {}, "analysis.cell_size_m", 0},
                          "use a larger cell size, or split the study area into prefectures");
    out_.grid = aligned_ ? *aligned_ : Grid::covering(env.min_x, env.min_y, env.max_x, env.max_y, cell);
  }

  void rasterize() {
    for (const auto& level : out_.zones) {
      if (level.kind == ZoneGeometryKind::kPolygons) out_.zone_rasters.push_back(rasterize_zones(level, *out_.grid));
      else out_.zone_rasters.push_back(ZoneRaster{level.level.level, {}});
    }
  }

  void load_population_surface() {
    const auto& levels = out_.zones;
    out_.population = load_population(*out_.scenario.population, *out_.grid, out_.analysis_crs, levels, out_.zone_rasters,
                                       out_.zone_rasters[*out_.study_area_level], diag_);
  }

  void load_all_facilities() {
    const Scenario& s = out_.scenario;
    out_.facilities = load_facilities(s.facilities, s.taxonomy, out_.analysis_crs, diag_, &out_.output_crs);
    if (!s.changes.empty())
      out_.changes = apply_changes(out_.facilities, s.changes, s.taxonomy, out_.analysis_crs,
                                   s.file.filename().string(), diag_, &out_.output_crs);
    if (out_.study_area.null()) return;
    const geo::PreparedGeometry area(out_.study_area);
    for (const auto& f : out_.facilities) {
      if (area.covers(f.x_m, f.y_m)) continue;
      const double km = out_.study_area.distance(geo::Geometry::point(f.x_m, f.y_m)) / units::kMetresPerKm;
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.1f km", km);
      diag_.warn("facility.outside_study_area"_code,
                 "facility '" + f.source_id + "' " + f.name + " is outside the study area (" + buf + " beyond its edge)",
                 Location{f.source_file, {}, f.source_feature, {}, 0},
                 km > 50 ? "check its coordinates and their declared CRS" : "kept: people inside may still use it");
    }
  }

  LoadedScenario out_;
  std::optional<Grid> aligned_;  ///< [analysis] align_to: the raster's grid
  bool memory_refused_ = false;
  Diagnostics& diag_;
  LoadOptions options_;
  ProgressSink* progress_;
};

}  // namespace

LoadedScenario load_scenario(Scenario scenario, Diagnostics& diag, const LoadOptions& options, ProgressSink* progress) {
  return Loader(std::move(scenario), diag, options, progress).run();
}

}  // namespace carereach::io
