#include "pipeline/tile_plan.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "core/units.hpp"
#include "io/files.hpp"
#include "io/load.hpp"
#include "io/output_folder.hpp"
#include "io/resources.hpp"
#include "io/tile.hpp"
#include "io/zone_raster.hpp"
#include "io/zones.hpp"
#include "pipeline/tile_jobs.hpp"
#include "pipeline/versions.hpp"
#include "raster/cost_distance.hpp"

namespace carereach::pipeline {

namespace fs = std::filesystem;
using nlohmann::ordered_json;

namespace {

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

/// The fastest speed over roads of a mode, km/h: its class speeds (× the link factor when above 1); kMixed: the
/// faster of car and walk.
double fastest_road_kmh(const SpeedProfile& p, TravelMode mode) {
  if (mode == TravelMode::kMixed) return std::max(fastest_road_kmh(p, TravelMode::kCar), fastest_road_kmh(p, TravelMode::kWalk));
  const ModeSpeeds& m = p.mode(mode);
  double v = 0.0;
  for (double s : m.speed_kmh) v = std::max(v, s);
  return v * std::max(1.0, m.link_factor);
}

[[noreturn]] void speed_unknown(const io::Scenario& s, const std::string& standard, const std::string& why) {
  throw io::CodedError(ExitCode::kScenario, "tile.speed_unknown"_code,
                       "standard " + standard + ": the halo needs the fastest speed, and " + why,
                       Location{s.file.string(), {}, {}, "standards." + standard, 0},
                       "give the speeds in the scenario ([travel] or [[raster.classes]]), or run untiled "
                       "(docs/method/tiles.md)");
}

}  // namespace

double tile_halo_m(const io::Scenario& s, std::vector<HaloTerm>* terms) {
  const double cell = s.analysis.cell_size_m;
  const double diagonal = cell * std::sqrt(2.0);
  double halo = 0.0;
  for (const Standard& st : s.standards) {
    HaloTerm term;
    term.standard = st.id;
    if (!st.threshold_min) {
      double d = st.distance_m.value_or(0.0);
      for (const auto& [k, v] : st.distance_m_by_zone_class) d = std::max(d, v);
      term.reach_m = d + diagonal;
      term.rule = fmt("%.0f m", d) + " + " + fmt("%.0f m (one cell diagonal)", diagonal);
    } else {
      const double t_min = std::max(s.travel.search_limit_min, *st.threshold_min);
      double v_kmh = 0.0;
      double extra = 0.0;
      std::string extra_text;
      if (st.engine == TravelEngine::kEstimate) {
        const double circuity = std::max(1.0, st.circuity.value_or(1.0));
        v_kmh = st.estimate_speed_kmh.value_or(0.0) / circuity;
        extra = diagonal;
        extra_text = fmt("%.0f m (one cell diagonal)", diagonal);
      } else if (st.engine == TravelEngine::kNetwork) {
        if (s.roads && !s.roads->speed_field.empty() && (st.mode == TravelMode::kCar || st.mode == TravelMode::kMixed))
          speed_unknown(s, st.id, "the roads give cars their own speeds (speed_field), unknown before they are read");
        v_kmh = std::max(s.travel.profile.access_speed_kmh, fastest_road_kmh(s.travel.profile, st.mode));
        extra = s.travel.profile.max_access_distance_m + diagonal;
        extra_text = fmt("%.0f m (a connector)", s.travel.profile.max_access_distance_m) + " + " +
                     fmt("%.0f m (one cell diagonal)", diagonal);
      } else {  // raster
        if (s.raster.classes.empty() && s.raster.classes_file)
          speed_unknown(s, st.id, "the land-cover speeds are in a classes file, read only by the run");
        if (s.roads && !s.roads->speed_field.empty() && s.raster.burn_roads)
          speed_unknown(s, st.id, "the roads burned into the raster carry their own speeds (speed_field)");
        v_kmh = 0.0;
        for (const auto& c : s.raster.classes) v_kmh = std::max(v_kmh, c.speed_kmh);
        if (s.roads && s.raster.burn_roads)
          for (std::size_t m = 0; m < kTravelModeCount; ++m)
            v_kmh = std::max(v_kmh, fastest_road_kmh(s.travel.profile, static_cast<TravelMode>(m)));
        if (s.raster.no_land_cover_default_speed) v_kmh = std::max(v_kmh, s.raster.default_speed_kmh);
        if (s.raster.anisotropic) v_kmh /= raster::tobler_time_factor(-0.05);  // Tobler's fastest descent
        extra = 3.0 * cell + diagonal;
        extra_text = fmt("%.0f m (three cells of knight's moves and one diagonal)", extra);
      }
      const double v_mps = units::kmh_to_mps(v_kmh);
      term.reach_m = t_min * units::kSecPerMin * v_mps + extra;
      term.rule = fmt("%g min", t_min) + " × " + fmt("%.2f m/s", v_mps) + " + " + extra_text;
    }
    halo = std::max(halo, term.reach_m);
    if (terms != nullptr) terms->push_back(term);
  }
  return std::ceil(halo);
}

namespace {

struct Region {
  std::string id;
  std::string level;
  std::vector<std::string> codes;
  std::array<double, 4> box{};
  geo::Envelope own;
  std::size_t own_cells = 0;
};

/// Cells of `grid` (clipped to it) whose centres lie in any of `polygons` and, when box is given, in the box.
std::size_t count_cells(const std::vector<const geo::Geometry*>& polygons, const Grid& grid, const geo::Envelope& within) {
  std::vector<geo::Geometry> copies;
  for (const auto* p : polygons) copies.push_back(p->clone());
  io::LatticeWindow w;
  const double cs = grid.cell_size_m;
  w.col0 = std::max<std::int64_t>(0, static_cast<std::int64_t>(std::floor((within.min_x - grid.origin_x_m) / cs)));
  w.row0 = std::max<std::int64_t>(0, static_cast<std::int64_t>(std::floor((grid.origin_y_m - within.max_y) / cs)));
  const auto c1 = std::min<std::int64_t>(grid.cols, static_cast<std::int64_t>(std::ceil((within.max_x - grid.origin_x_m) / cs)));
  const auto r1 = std::min<std::int64_t>(grid.rows, static_cast<std::int64_t>(std::ceil((grid.origin_y_m - within.min_y) / cs)));
  if (c1 <= w.col0 || r1 <= w.row0) return 0;
  w.cols = c1 - w.col0;
  w.rows = r1 - w.row0;
  // A cell is counted once even where polygons overlap.
  std::set<std::pair<std::int64_t, std::int64_t>> seen;
  std::size_t n = 0;
  io::rasterize_polygons(copies, grid, w, [&](const io::CellRun& run) {
    for (std::int64_t c = std::max(run.col_begin, w.col0); c < std::min(run.col_end, w.col0 + w.cols); ++c)
      if (run.row >= w.row0 && run.row < w.row0 + w.rows && (copies.size() == 1 || seen.insert({run.row, c}).second)) ++n;
  });
  return n;
}

bool overlaps(const geo::Envelope& a, const geo::Envelope& b) {
  return !(a.max_x < b.min_x || a.min_x > b.max_x || a.max_y < b.min_y || a.min_y > b.max_y);
}

std::string toml_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

std::string number(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  std::string s = buf;
  if (s.find_first_of(".eE") == std::string::npos && s.find("inf") == std::string::npos) s += ".0";
  return s;
}

std::string generic(const fs::path& p) { return p.generic_string(); }

}  // namespace

TilePlanResult make_tile_plan(const TilePlanConfig& config) {
  io::check_output_path(config.out.string());
  io::Scenario s = io::read_scenario(config.scenario);
  const std::string at = s.file.string();
  if (s.tile)
    throw io::CodedError(ExitCode::kScenario, "tile.nested"_code, "is itself a tile scenario", Location{at, {}, {}, "tile", 0},
                         "make tiles from the scenario the tile was made from");
  if (s.analysis.align_to)
    throw io::CodedError(ExitCode::kScenario, "tile.align_to"_code,
                         "the scenario aligns its grid to a raster ([analysis] align_to), which tiles do not support",
                         Location{at, {}, {}, "analysis.align_to", 0}, "run it untiled, or drop align_to");
  io::check_tileable(s, at);
  std::string level_name = config.level.empty() ? config.by : config.level;
  if (config.by == "grid") {
    if (!(config.size_km > 0.0))
      throw UsageError("--by grid needs --size-km N (the side of a tile, km)", "e.g. --size-km 50");
  } else if (s.zone_level(level_name) == nullptr || s.zone_level(level_name)->geometry != io::ZoneGeometryKind::kPolygons) {
    throw io::CodedError(ExitCode::kScenario, "tile.unknown_level"_code,
                         "'" + level_name + "' is not a polygon zone level of the scenario", Location{at, {}, {}, "zones", 0},
                         "give --level with one of the scenario's [[zones]] levels");
  }
  TilePlanResult result;
  result.halo_m = tile_halo_m(s, &result.halo_terms);

  // The analysis CRS as the run chooses it, and the zones the plan needs.
  const auto [crs, choice] = io::choose_scenario_crs(s);
  result.crs = crs.authority_code();
  if (result.crs.empty())
    throw io::CodedError(ExitCode::kScenario, "tile.crs"_code, "the analysis CRS " + crs.display() + " has no authority code",
                         Location{at, {}, {}, "analysis.crs", 0}, "give [analysis] crs as \"EPSG:…\"");
  Diagnostics diag;
  const io::ZoneLevelSpec& study_spec =
      s.analysis.study_area_level.empty() ? s.zones.front() : *s.zone_level(s.analysis.study_area_level);
  std::map<std::string, io::LoadedZoneLevel> levels;
  auto load_level = [&](const std::string& name) -> const io::LoadedZoneLevel& {
    auto it = levels.find(name);
    if (it == levels.end()) it = levels.emplace(name, io::load_zone_level(*s.zone_level(name), crs, diag)).first;
    return it->second;
  };
  const io::LoadedZoneLevel& study = load_level(study_spec.level);
  diag.throw_if_errors();
  geo::Envelope study_env;
  bool first = true;
  for (const auto& p : study.polygons) {
    const geo::Envelope e = p.envelope();
    if (e.empty()) continue;
    if (first) study_env = e;
    else study_env.expand(e);
    first = false;
  }
  const double cell = s.analysis.cell_size_m;
  const Grid grid = Grid::covering(study_env.min_x, study_env.min_y, study_env.max_x, study_env.max_y, cell);

  std::vector<Region> regions;
  if (config.by == "grid") {
    const auto n = static_cast<std::uint32_t>(std::max(1.0, std::round(config.size_km * units::kMetresPerKm / cell)));
    for (std::uint32_t r0 = 0; r0 < grid.rows; r0 += n)
      for (std::uint32_t c0 = 0; c0 < grid.cols; c0 += n) {
        Region reg;
        const std::uint32_t c1 = std::min(grid.cols, c0 + n);
        const std::uint32_t r1 = std::min(grid.rows, r0 + n);
        reg.box = {grid.origin_x_m + c0 * cell, grid.origin_y_m - r1 * cell, grid.origin_x_m + c1 * cell,
                   grid.origin_y_m - r0 * cell};
        reg.own = geo::Envelope{reg.box[0], reg.box[1], reg.box[2], reg.box[3]};
        std::vector<const geo::Geometry*> polys;
        for (const auto& p : study.polygons)
          if (overlaps(p.envelope(), reg.own)) polys.push_back(&p);
        reg.own_cells = polys.empty() ? 0 : count_cells(polys, grid, reg.own);
        if (reg.own_cells == 0) continue;  // no cell of the study area: no tile
        char id[48];
        std::snprintf(id, sizeof id, "r%03u_c%03u", r0 / n, c0 / n);
        reg.id = id;
        regions.push_back(std::move(reg));
      }
  } else {
    const io::LoadedZoneLevel& zl = load_level(level_name);
    diag.throw_if_errors();
    std::set<std::string> ids;
    for (std::size_t z = 0; z < zl.level.zones.size(); ++z) {
      Region reg;
      reg.level = level_name;
      reg.codes = {zl.level.zones[z].code};
      for (char c : reg.codes.front())
        reg.id.push_back(std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' ? c : '_');
      if (!ids.insert(reg.id).second)
        throw io::CodedError(ExitCode::kScenario, "tile.duplicate_id"_code,
                             "two " + level_name + " zones give the tile id '" + reg.id + "'",
                             Location{zl.level.zones[z].code, {}, {}, s.zone_level(level_name)->code_field, 0},
                             "give the zones distinct codes");
      reg.own = zl.polygons[z].envelope();
      reg.own_cells = count_cells({&zl.polygons[z]}, grid, reg.own);
      regions.push_back(std::move(reg));
    }
  }

  // Population from zone totals: the tile's grid takes in whole zones of the population level (as the loader).
  const io::LoadedZoneLevel* pop_level = nullptr;
  if (s.population && s.population->kind == io::PopulationKind::kZoneTotals && s.zone_level(s.population->level) != nullptr)
    pop_level = &load_level(s.population->level);
  diag.throw_if_errors();

  io::OutputFolderOptions folder;
  folder.command = "tile";
  folder.overwrite = config.overwrite;
  folder.inputs = io::scenario_input_paths(s);
  io::OutputDir dir(config.out, folder);
  const fs::path plan_abs = fs::absolute(config.out).lexically_normal();
  const fs::path parent_abs = fs::absolute(s.file).lexically_normal();
  const std::string version = versions().at("carereach");

  ordered_json plan;
  plan["schema_version"] = 1;
  plan["carereach_version"] = version;
  plan["scenario"] = generic(parent_abs.lexically_relative(plan_abs));
  plan["scenario_sha256"] = io::sha256_file(s.file);
  plan["by"] = config.by;
  if (config.by != "grid") plan["level"] = level_name;
  else plan["size_km"] = config.size_km;
  plan["halo_m"] = result.halo_m;
  plan["crs"] = result.crs;
  plan["cell_size_m"] = cell;
  ordered_json halo_rule = ordered_json::array();
  for (const auto& t : result.halo_terms) halo_rule.push_back({{"standard", t.standard}, {"reach_m", t.reach_m}, {"rule", t.rule}});
  plan["halo_rule"] = halo_rule;
  plan["seconds_rule"] = "cells / " + fmt("%.0f", kTileCellsPerSecond) + " cells per second (an estimate)";
  ordered_json tiles = ordered_json::array();
  for (const Region& reg : regions) {
    geo::Envelope env{std::max(study_env.min_x, reg.own.min_x - result.halo_m), std::max(study_env.min_y, reg.own.min_y - result.halo_m),
                      std::min(study_env.max_x, reg.own.max_x + result.halo_m), std::min(study_env.max_y, reg.own.max_y + result.halo_m)};
    if (pop_level != nullptr) {
      const geo::Envelope cut = env;  // tested against the window, not the grown extent (as the loader)
      for (const auto& p : pop_level->polygons) {
        const geo::Envelope e = p.envelope();
        if (!e.empty() && e.max_x > cut.min_x && e.min_x < cut.max_x && e.max_y > cut.min_y && e.min_y < cut.max_y)
          env.expand(e);
      }
      env = geo::Envelope{std::max(study_env.min_x, env.min_x), std::max(study_env.min_y, env.min_y),
                          std::min(study_env.max_x, env.max_x), std::min(study_env.max_y, env.max_y)};
    }
    const Grid g = Grid::covering(env.min_x, env.min_y, env.max_x, env.max_y, cell);
    TilePlanTile t;
    t.id = reg.id;
    t.own_cells = reg.own_cells;
    t.cells = g.cell_count();
    const double w = g.cols * cell;
    const double h = g.rows * cell;
    t.memory_bytes = io::estimate_run_memory(s, w, h, static_cast<double>(t.cells), 1.0).bytes;
    t.seconds = static_cast<double>(t.cells) / kTileCellsPerSecond;
    result.tiles.push_back(t);

    const fs::path rel = fs::path("tiles") / reg.id / "scenario.toml";
    const fs::path tile_dir_abs = plan_abs / "tiles" / reg.id;
    std::string toml = "# carereach tile — generated by `carereach tile`; run with `carereach run THIS_FILE --out DIR`\n[tile]\n";
    toml += "scenario = " + toml_string(generic(parent_abs.lexically_relative(tile_dir_abs))) + "\n";
    toml += "plan = \"../../plan.json\"\n";
    toml += "id = " + toml_string(reg.id) + "\n";
    toml += "by = " + toml_string(config.by) + "\n";
    if (config.by == "grid") {
      toml += "box = [" + number(reg.box[0]) + ", " + number(reg.box[1]) + ", " + number(reg.box[2]) + ", " + number(reg.box[3]) + "]\n";
    } else {
      toml += "level = " + toml_string(level_name) + "\n";
      toml += "codes = [";
      for (std::size_t i = 0; i < reg.codes.size(); ++i) toml += (i ? ", " : "") + toml_string(reg.codes[i]);
      toml += "]\n";
    }
    toml += "halo_m = " + number(result.halo_m) + "\n";
    toml += "crs = " + toml_string(result.crs) + "\n";
    fs::create_directories(dir.path() / "tiles" / reg.id);
    io::write_file_atomically(dir.path() / rel, toml);
    result.outputs.push_back(generic(rel));

    ordered_json tj;
    tj["id"] = reg.id;
    tj["scenario"] = generic(rel);
    tj["out"] = "out/" + reg.id;
    tj["own_cells"] = t.own_cells;
    tj["cells"] = t.cells;
    tj["memory_bytes"] = t.memory_bytes;
    tj["seconds"] = t.seconds;
    tiles.push_back(tj);
  }
  plan["tiles"] = tiles;
  io::write_file_atomically(dir.path() / "plan.json", plan.dump(2) + "\n");
  result.outputs.insert(result.outputs.begin(), "plan.json");
  if (!config.carereach_exe.empty()) {
    write_job_scripts(read_tile_plan(dir.path()), dir.path(), config.carereach_exe, plan_abs);
    for (const char* f : kJobScriptFiles) result.outputs.emplace_back(f);
  }
  dir.commit();
  result.folder = dir.target();
  return result;
}

}  // namespace carereach::pipeline
