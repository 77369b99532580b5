#include "io/load.hpp"

#include <chrono>
#include <cmath>
#include <map>
#include <set>
#include <tuple>

#include "io/resources.hpp"

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
    if (s.tile && out_.grid) timed("tile: own region", [&] { restrict_to_own_region(); });
    if (!s.population)
      diag_.warn("population.missing"_code, "the scenario has no [population]: coverage shares cannot be computed",
                 Location{s.file.string(), {}, {}, "population", 0}, "add a [population] table (docs/scenario.md)");
    if (!s.facilities.empty())
      timed("facilities", [&] { guarded([&] { load_all_facilities(); }); });
    else
      diag_.warn("facilities.missing"_code, "the scenario has no [[facilities]]", Location{s.file.string(), {}, {}, "facilities", 0},
                 "add at least one [[facilities]] source");
    // After a memory refusal (validate goes on), the roads are not read: they may be what does not fit.
    std::optional<ClipBox> clip;
    if (out_.tile) clip = ClipBox{out_.tile->window.min_x, out_.tile->window.min_y, out_.tile->window.max_x, out_.tile->window.max_y};
    if (s.roads && !memory_refused_) timed("roads", [&] { guarded([&] { out_.roads = load_roads(*s.roads, out_.analysis_crs, clip, diag_); }); });
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
    try {
      out_.output_crs = geo::CrsSpec::parse(s.analysis.output_crs);
    } catch (const CrsError& e) {
      throw CrsError(e.message(), Location{s.file.string(), {}, {}, "analysis.output_crs", 0}, e.hint());
    }
    if (s.analysis.align_to) {
      align_to_raster(*s.analysis.align_to);
      return;
    }
    std::tie(out_.analysis_crs, out_.analysis_crs_choice) = choose_scenario_crs(s);
    if (s.tile) {
      // The tile's CRS must be the parent's: the grid is the parent's cell for cell and the halo is in its metres.
      const Location at{s.tile->file.string(), {}, {}, "tile.crs", s.tile->line};
      geo::CrsSpec given;
      try {
        given = geo::CrsSpec::parse(s.tile->crs);
      } catch (const CrsError& e) {
        throw CodedError(ExitCode::kScenario, "tile.crs"_code, "the tile's crs: " + e.message(), at, e.hint());
      }
      if (given.authority_code() != out_.analysis_crs.authority_code() || given.authority_code().empty())
        throw CodedError(ExitCode::kScenario, "tile.crs"_code,
                         "the tile's crs " + given.display() + " is not the analysis CRS of its parent scenario (" +
                             out_.analysis_crs.display() + ")",
                         at, "make the tiles again with `carereach tile` from the parent as it is now");
      out_.analysis_crs_choice += " (fixed by the tile)";
    }
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
    if (out_.scenario.tile) env = tile_extent(env);
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
                                      rect_m2 > 0 ? std::min(1.0, out_.study_area.area() / rect_m2) : 1.0, options_.standards);
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

  /// A tile's grid extent: the parent's study-area extent cut to the window (own region ⊕ halo), widened to whole
  /// zones of the population level when population is spread from zone totals. Grid::covering snaps the edges to
  /// multiples of the cell size, as for the parent, so the tile's cells are the parent's.
  geo::Envelope tile_extent(const geo::Envelope& study) {
    const TileSpec& t = *out_.scenario.tile;
    const Location at{t.file.string(), {}, {}, "tile", t.line};
    TileLoad load;
    if (t.by == "grid") {
      load.own = geo::Envelope{t.box[0], t.box[1], t.box[2], t.box[3]};
    } else {
      const LoadedZoneLevel* level = out_.zone_level(t.level);
      if (level == nullptr)
        throw CodedError(ExitCode::kScenario, "tile.unknown_level"_code, "the zone level '" + t.level + "' did not load",
                         Location{t.file.string(), {}, {}, "tile.level", t.line}, "check the parent's [[zones]]");
      bool first = true;
      for (const std::string& code : t.codes) {
        std::size_t found = level->level.zones.size();
        for (std::size_t z = 0; z < level->level.zones.size(); ++z)
          if (level->level.zones[z].code == code) found = z;
        if (found == level->level.zones.size())
          throw CodedError(ExitCode::kScenario, "tile.unknown_code"_code,
                           "'" + code + "' is not a " + t.level + " zone code of the parent scenario",
                           Location{t.file.string(), {}, {}, "tile.codes", t.line},
                           "make the tiles again with `carereach tile` from the parent as it is now");
        const geo::Envelope e = level->polygons[found].envelope();
        if (first) load.own = e;
        else load.own.expand(e);
        first = false;
      }
    }
    load.window = geo::Envelope{load.own.min_x - t.halo_m, load.own.min_y - t.halo_m, load.own.max_x + t.halo_m,
                                load.own.max_y + t.halo_m};
    geo::Envelope env{std::max(study.min_x, load.window.min_x), std::max(study.min_y, load.window.min_y),
                      std::min(study.max_x, load.window.max_x), std::min(study.max_y, load.window.max_y)};
    if (env.empty())
      throw CodedError(ExitCode::kScenario, "tile.outside"_code, "the tile's own region and halo lie outside the parent's study area",
                       at, "make the tiles again with `carereach tile` from the parent");
    const auto& pop = out_.scenario.population;
    if (pop && pop->kind == PopulationKind::kZoneTotals) {
      // Every zone that reaches into the window is on the grid whole, so its total spreads over the same cells.
      if (const LoadedZoneLevel* level = out_.zone_level(pop->level)) {
        const geo::Envelope cut = env;  // the zones are tested against the window, not the grown extent
        for (const auto& poly : level->polygons) {
          const geo::Envelope e = poly.envelope();
          if (e.empty() || e.max_x <= cut.min_x || e.min_x >= cut.max_x || e.max_y <= cut.min_y || e.min_y >= cut.max_y)
            continue;
          env.expand(e);
        }
        env = geo::Envelope{std::max(study.min_x, env.min_x), std::max(study.min_y, env.min_y),
                            std::min(study.max_x, env.max_x), std::min(study.max_y, env.max_y)};
      }
    }
    out_.tile = std::move(load);
    return env;
  }

  /// A tile after its population is spread: cells outside the own region keep their place in the routing but not
  /// in any count — their persons are set to 0 (they are routed to only when populated, and the counts are over
  /// populated cells), they belong to no zone, and zones left without an own cell are dropped from the levels.
  void restrict_to_own_region() {
    const TileSpec& t = *out_.scenario.tile;
    TileLoad& load = *out_.tile;
    const Grid& grid = *out_.grid;
    load.own_cell.assign(grid.cell_count(), 0);
    if (t.by == "grid") {
      for (std::uint32_t r = 0; r < grid.rows; ++r)
        for (std::uint32_t c = 0; c < grid.cols; ++c) {
          const double x = grid.centre_x_m(c);
          const double y = grid.centre_y_m(r);
          if (x > t.box[0] && x < t.box[2] && y > t.box[1] && y < t.box[3]) load.own_cell[grid.index(c, r)] = 1;
        }
    } else {
      std::size_t li = 0;
      while (out_.zones[li].level.level != t.level) ++li;
      const auto& zones = out_.zones[li].level.zones;
      std::vector<std::uint8_t> own_zone(zones.size(), 0);
      for (std::size_t z = 0; z < zones.size(); ++z)
        own_zone[z] = std::find(t.codes.begin(), t.codes.end(), zones[z].code) != t.codes.end() ? 1 : 0;
      const auto& zr = out_.zone_rasters[li].zone_of_cell;
      for (std::size_t i = 0; i < zr.size(); ++i)
        if (zr[i] != ZoneRaster::kNone && own_zone[zr[i]] != 0) load.own_cell[i] = 1;
    }
    for (auto v : load.own_cell) load.own_cells += v;
    if (out_.population) {
      auto& persons = out_.population->surface.persons;
      for (std::size_t i = 0; i < persons.size(); ++i)
        if (load.own_cell[i] == 0 && persons[i] != 0.0) {
          load.halo_persons += persons[i];
          persons[i] = 0.0;
        }
      out_.population->input_total -= load.halo_persons;
    }
    // Zones: cells outside the own region belong to none; zones without an own cell leave the level.
    load.partial_zones.assign(out_.zones.size(), {});
    const geo::Envelope grid_env{grid.origin_x_m, grid.min_y_m(), grid.max_x_m(), grid.origin_y_m};
    for (std::size_t li = 0; li < out_.zones.size(); ++li) {
      LoadedZoneLevel& level = out_.zones[li];
      if (level.kind != ZoneGeometryKind::kPolygons) continue;
      ZoneRaster& zr = out_.zone_rasters[li];
      std::vector<std::size_t> own(level.level.zones.size(), 0);
      std::vector<std::size_t> other(level.level.zones.size(), 0);
      for (std::size_t i = 0; i < zr.zone_of_cell.size(); ++i) {
        const std::uint32_t z = zr.zone_of_cell[i];
        if (z == ZoneRaster::kNone) continue;
        if (load.own_cell[i] != 0) {
          ++own[z];
        } else {
          ++other[z];
          zr.zone_of_cell[i] = ZoneRaster::kNone;
        }
      }
      std::vector<std::uint32_t> new_index(level.level.zones.size(), ZoneRaster::kNone);
      LoadedZoneLevel kept;
      kept.level.level = level.level.level;
      kept.level.label_zh = level.level.label_zh;
      kept.level.label_en = level.level.label_en;
      kept.kind = level.kind;
      kept.repaired = level.repaired;
      kept.source_crs = level.source_crs;
      for (std::size_t z = 0; z < level.level.zones.size(); ++z) {
        if (own[z] == 0) continue;
        const geo::Envelope e = level.polygons[z].envelope();
        const bool cut = other[z] > 0 || e.min_x < grid_env.min_x || e.max_x > grid_env.max_x ||
                         e.min_y < grid_env.min_y || e.max_y > grid_env.max_y;
        if (cut) load.partial_zones[li].push_back(level.level.zones[z].code);
        new_index[z] = static_cast<std::uint32_t>(kept.level.zones.size());
        Zone zone = level.level.zones[z];
        zone.id = ZoneId(static_cast<std::uint32_t>(kept.level.zones.size()));
        kept.level.zones.push_back(zone);
        kept.polygons.push_back(std::move(level.polygons[z]));
      }
      for (auto& z : zr.zone_of_cell)
        if (z != ZoneRaster::kNone) z = new_index[z];
      zr.zone_count = kept.level.zones.size();
      level = std::move(kept);
      if (!load.partial_zones[li].empty())
        diag_.warn("tile.partial_zones"_code,
                   std::to_string(load.partial_zones[li].size()) + " " + level.level.level +
                       " zone(s) are cut by the tile's own region (e.g. " + load.partial_zones[li].front() +
                       "): their rows count the tile's own cells only",
                   Location{t.file.string(), {}, {}, "tile", t.line},
                   "a merge of the tiles adds up their rows (tile.json); a zone's row in one tile is a part of it");
    }
    // Seats, zone targets and zone totals refer to the zones by index: loaded again for the zones kept.
    out_.zone_targets.clear();
    out_.zone_totals.clear();
    Diagnostics again;  // their problems were reported on the first load
    reload_plan_inputs(again);
  }

  void reload_plan_inputs(Diagnostics& diag) {
    const Scenario& s = out_.scenario;
    for (LoadedZoneLevel& level : out_.zones) {
      const ZoneLevelSpec* spec = s.zone_level(level.level.level);
      if (spec != nullptr && spec->seats && level.kind == ZoneGeometryKind::kPolygons)
        level.zone_seats_m = load_zone_seats(*spec->seats, level, out_.analysis_crs, diag, &out_.output_crs);
    }
    if (!s.zone_targets.empty()) out_.zone_targets = load_zone_targets(s, out_.zones, diag);
    for (const ZoneTotalsSpec& spec : s.density.zone_totals)
      if (const LoadedZoneLevel* level = out_.zone_level(spec.level))
        out_.zone_totals.push_back(load_zone_totals(spec, *level, diag));
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
    if (out_.tile) {
      // A tile keeps the facilities in its window: those beyond cannot serve its own cells (docs/method/tiles.md).
      const geo::Envelope& w = out_.tile->window;
      const std::size_t before = out_.facilities.size();
      std::erase_if(out_.facilities, [&](const Facility& f) {
        return !(f.x_m >= w.min_x && f.x_m <= w.max_x && f.y_m >= w.min_y && f.y_m <= w.max_y);
      });
      out_.tile->facilities_dropped = before - out_.facilities.size();
      // Ids are dense indices into the loaded set (core/facility.hpp): numbered again for the facilities kept.
      for (std::size_t i = 0; i < out_.facilities.size(); ++i) out_.facilities[i].id = FacilityId(static_cast<std::uint32_t>(i));
    }
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

std::pair<geo::CrsSpec, std::string> choose_scenario_crs(const Scenario& s) {
  const Location at{s.file.string(), {}, {}, "analysis.crs", 0};
  if (s.analysis.crs == "auto") {
    const ZoneLevelSpec& spec =
        s.analysis.study_area_level.empty() ? s.zones.front() : *s.zone_level(s.analysis.study_area_level);
    const auto [lon, lat] = source_centre_lonlat(spec);
    char buf[160];
    std::snprintf(buf, sizeof buf, "auto: chosen for the study area centre %.3f°%c %.3f°%c", std::abs(lon),
                  lon >= 0 ? 'E' : 'W', std::abs(lat), lat >= 0 ? 'N' : 'S');
    return {geo::choose_analysis_crs(lon, lat), buf};
  }
  geo::CrsSpec crs;
  try {
    crs = geo::CrsSpec::parse(s.analysis.crs);
  } catch (const CrsError& e) {
    throw CrsError(e.message(), at, e.hint());
  }
  if (!crs.is_projected_metric())
    throw CrsError("the analysis CRS " + crs.display() + " is not a projected CRS in metres", at,
                   "use \"auto\" (the CGCS2000 Gauss–Krüger zone in China, UTM elsewhere) or a projected metric "
                   "CRS such as \"EPSG:4548\"");
  return {crs, "given in the scenario"};
}

LoadedScenario load_scenario(Scenario scenario, Diagnostics& diag, const LoadOptions& options, ProgressSink* progress) {
  return Loader(std::move(scenario), diag, options, progress).run();
}

}  // namespace carereach::io
