#include "io/scenario.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include "io/resources.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "io/input_access.hpp"
#include "io/speeds.hpp"
#include "io/text_encoding.hpp"
#include "io/toml_reader.hpp"

namespace carereach::io {

namespace fs = std::filesystem;

namespace {

/// Identifiers become parts of file, layer and field names (travel_time_<standard>.tif, zones_<level>): at most
/// this many characters, so every such name stays within the 255 bytes a file name may have.
constexpr std::size_t kMaxIdentifier = 64;

bool is_identifier(const std::string& s) {
  if (s.empty() || s.size() > kMaxIdentifier) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

class Parser {
 public:
  Parser(const fs::path& file, const fs::path& dir) : file_(file), dir_(dir), shown_(file.string()) {}

  Scenario parse(const toml::table& root) {
    if (root.contains("tile")) return parse_tile(root);
    Scenario s;
    s.file = file_;
    s.dir = dir_;
    TomlTable top(root, "", shown_);
    if (auto t = top.table("scenario")) s.info = parse_info(*t);
    if (auto t = top.table("analysis")) s.analysis = parse_analysis(*t);
    if (auto t = top.table("output")) s.output = parse_output(*t);
    s.taxonomy = Taxonomy::builtin();
    if (auto t = top.table("taxonomy")) parse_taxonomy(*t, s.taxonomy);

    auto zone_tables = top.array_of_tables("zones");
    if (zone_tables.empty())
      top.fail("zones", "at least one zone level is required",
               "add a [[zones]] table with level, source, code_field and name_field (docs/scenario.md)");
    for (auto& t : zone_tables) s.zones.push_back(parse_zone_level(t));
    check_zone_levels(s, zone_tables);

    if (auto t = top.table("population")) s.population = parse_population(*t, s);
    auto facility_tables = top.array_of_tables("facilities");
    for (auto& t : facility_tables) s.facilities.push_back(parse_facility_source(t, s.taxonomy));
    if (auto t = top.table("roads")) s.roads = parse_roads(*t);
    s.travel.profile = default_speed_profile();
    if (auto t = top.table("travel")) parse_travel(*t, s.travel);
    if (auto t = top.table("raster")) parse_raster(*t, s.raster);
    if (auto t = top.table("changes")) parse_changes(*t, s.changes);
    if (auto t = top.table("density")) parse_density(*t, s.density);

    std::optional<TomlTable> standards = top.table("standards");
    s.standards = parse_standards(standards ? &*standards : nullptr, s);
    if (auto t = top.table("indicators")) parse_indicators(*t, s);
    if (auto t = top.table("capacity")) parse_capacity(*t, s);
    if (auto t = top.table("siting")) parse_siting(*t, s);
    parse_access_models(top, s);
    for (auto& t : top.array_of_tables("zone_targets")) s.zone_targets.push_back(parse_zone_targets(t, s));
    check_zone_totals(s);
    top.finish();
    return s;
  }

 private:
  /// A tile scenario: only [tile]; everything else is the parent's (docs/scenario.md, [tile]).
  Scenario parse_tile(const toml::table& root) {
    TomlTable top(root, "", shown_);
    std::optional<TomlTable> tt = top.table("tile");
    top.finish();  // a tile file holds [tile] alone
    TomlTable& t = *tt;
    TileSpec tile;
    tile.file = file_;
    tile.line = t.line();
    tile.parent_as_written = t.required_string("scenario", "the parent scenario, relative to this file");
    tile.plan_as_written = t.string("plan", "");
    tile.id = t.required_string("id");
    if (!std::all_of(tile.id.begin(), tile.id.end(), [](char c) {
          return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-';
        }) || tile.id.size() > kMaxIdentifier)
      t.fail("id", "must be 1–64 letters, digits, '_' or '-'", "e.g. id = \"341602\"");
    tile.by = t.required_string("by");
    if (tile.by != "county" && tile.by != "prefecture" && tile.by != "grid")
      t.fail("by", "must be \"county\", \"prefecture\" or \"grid\", not \"" + tile.by + "\"");
    tile.crs = t.required_string("crs", "the parent's analysis CRS, e.g. crs = \"EPSG:4548\"");
    const std::optional<double> halo = t.number("halo_m");
    if (!halo) t.fail("halo_m", "is required", "the halo in metres (docs/method/tiles.md)");
    if (!(*halo > 0.0) || !std::isfinite(*halo))
      t.fail("halo_m", "must be a number of metres above 0", "docs/method/tiles.md says how carereach tile finds it");
    tile.halo_m = *halo;
    if (tile.by == "grid") {
      if (t.has("codes") || t.has("level"))
        t.fail(t.has("codes") ? "codes" : "level", "is for tiles by county or prefecture, not by grid",
               "give box = [x0, y0, x1, y1] alone");
      const toml::node* n = t.take("box");
      const toml::array* a = n != nullptr ? n->as_array() : nullptr;
      if (a == nullptr || a->size() != 4)
        t.fail("box", "must be an array of four numbers [x0, y0, x1, y1] (metres, analysis CRS)");
      for (std::size_t i = 0; i < 4; ++i) {
        const auto v = (*a)[i].value<double>();
        if (!v || !std::isfinite(*v)) t.fail("box", "must be an array of four numbers [x0, y0, x1, y1]");
        tile.box[i] = *v;
      }
      if (!(tile.box[0] < tile.box[2] && tile.box[1] < tile.box[3]))
        t.fail("box", "must have x0 < x1 and y0 < y1");
    } else {
      if (t.has("box")) t.fail("box", "is for tiles by grid", "give level and codes");
      tile.level = t.required_string("level");
      tile.codes = t.string_list("codes");
      if (tile.codes.empty()) t.fail("codes", "is required: the zone codes of the tile's own region");
    }
    t.finish();

    fs::path parent = fs::path(tile.parent_as_written);
    if (parent.is_relative()) parent = (dir_ / parent).lexically_normal();
    std::error_code ec;
    if (!fs::is_regular_file(parent, ec))
      throw CodedError(ExitCode::kScenario, "tile.missing_parent"_code, "the parent scenario '" + tile.parent_as_written + "' does not exist",
                       t.where("scenario"), "give the parent scenario's path relative to this tile file");
    Scenario s = read_scenario(parent);
    if (s.tile)
      throw CodedError(ExitCode::kScenario, "tile.nested"_code, "the parent scenario '" + tile.parent_as_written + "' is itself a tile",
                       t.where("scenario"), "name the scenario the tiles were made from");
    const Location at = t.where("scenario");
    if (s.analysis.align_to)
      throw CodedError(ExitCode::kScenario, "tile.align_to"_code, "the parent scenario aligns its grid to a raster ([analysis] align_to), "
                       "which tiles do not support", at, "run it untiled, or drop align_to");
    const ZoneLevelSpec* level = tile.by == "grid" ? nullptr : s.zone_level(tile.level);
    if (tile.by != "grid" && (level == nullptr || level->geometry != ZoneGeometryKind::kPolygons))
      throw CodedError(ExitCode::kScenario, "tile.unknown_level"_code, "'" + tile.level + "' is not a polygon zone level of the parent scenario",
                       t.where("level"), "name one of the parent's [[zones]] levels");
    if (tile.by == "grid") {
      const double cell = s.analysis.cell_size_m;
      for (double v : tile.box)
        if (std::fabs(v / cell - std::round(v / cell)) > 1e-9)
          throw CodedError(ExitCode::kScenario, "tile.box_off_grid"_code,
                           "the box is not on cell edges of the parent grid (multiples of " + std::to_string(cell) +
                               " m)",
                           t.where("box"), "let `carereach tile --by grid` write the boxes");
    }
    s.tile = std::move(tile);
    return s;
  }

  ScenarioInfo parse_info(TomlTable& t) {
    ScenarioInfo info;
    info.name = t.string("name", "");
    info.name_en = t.string("name_en", "");
    info.region = t.string("region", "");
    info.region_en = t.string("region_en", "");
    info.description = t.string("description", "");
    info.description_en = t.string("description_en", "");
    info.data_note = t.string("data_note", "");
    info.data_note_en = t.string("data_note_en", "");
    t.finish();
    return info;
  }

  OutputSpec parse_output(TomlTable& t) {
    OutputSpec o;
    o.basemap = t.string("basemap", "");
    o.tianditu_key = t.string("tianditu_key", "");
    if (o.basemap == "none") o.basemap.clear();
    if (!o.basemap.empty() && o.basemap != "osm" && o.basemap != "tianditu")
      t.fail("basemap", "unknown basemap '" + o.basemap + "'",
             "use \"osm\" (OpenStreetMap) or \"tianditu\" (天地图, with tianditu_key), or leave it out");
    if (o.basemap == "tianditu" && o.tianditu_key.empty())
      t.fail("tianditu_key", "the 天地图 basemap needs a key (tk)",
             "apply for a browser key at console.tianditu.gov.cn and set tianditu_key, or use basemap = \"osm\"");
    if (o.basemap != "tianditu" && !o.tianditu_key.empty())
      t.fail("tianditu_key", "a 天地图 key is given but basemap is not \"tianditu\"",
             "set basemap = \"tianditu\", or remove tianditu_key");
    for (const char c : o.tianditu_key)
      if (!std::isalnum(static_cast<unsigned char>(c)))
        t.fail("tianditu_key", "a 天地图 key holds letters and digits only", "copy the key (tk) as the console shows it");
    t.finish();
    return o;
  }

  AnalysisSpec parse_analysis(TomlTable& t) {
    AnalysisSpec a;
    a.crs = t.string("crs", "auto");
    a.cell_size_m = t.number("cell_size_m", 100.0);
    if (!(a.cell_size_m >= 1.0 && a.cell_size_m <= 10000.0))
      t.fail("cell_size_m", "must be between 1 and 10000 metres", "100 m is the usual cell size for 15-minute circles");
    a.output_crs = t.string("output_crs", "EPSG:4490");
    a.study_area_level = t.string("study_area_level", "");
    if (auto v = t.string("align_to")) {
      for (const char* key : {"crs", "cell_size_m"})
        if (t.has(key))
          t.fail(key, "the grid aligned to a raster (align_to) takes its CRS and cell size from that raster",
                 "remove " + std::string(key) + ", or align_to");
      SourceSpec src;
      src.key = t.key_path("align_to");
      src.line = t.line_of("align_to");
      src.path_as_written = *v;
      const fs::path p(*v);
      src.path = p.is_absolute() ? p : (dir_ / p).lexically_normal();
      std::error_code ec;
      if (!src.path_as_written.starts_with("/vsi") && !fs::exists(src.path, ec))
        throw InputError("file not found (resolved to " + src.path.string() + ")",
                         Location{src.path_as_written, {}, {}, src.key, src.line},
                         "check " + src.key + " in " + shown_ + "; relative paths are relative to the scenario file's folder");
      a.align_to = std::move(src);
    }
    t.finish();
    return a;
  }

  // Source keys shared by every data source table. `allow_xy` for point tables.
  SourceSpec parse_source(TomlTable& t, bool allow_xy, const std::string& source_key = "source") {
    SourceSpec src;
    src.key = t.path();
    src.line = t.line_of(source_key);
    src.path_as_written = t.required_string(source_key, "name the data file, relative to the scenario file");
    fs::path p(src.path_as_written);
    src.path = p.is_absolute() ? p : (dir_ / p).lexically_normal();
    std::error_code ec;
    if (!src.path_as_written.starts_with("/vsi") && !fs::exists(src.path, ec))
      throw InputError("file not found (resolved to " + src.path.string() + ")",
                       Location{src.path_as_written, {}, {}, t.key_path(source_key), t.line_of(source_key)},
                       "check " + t.key_path(source_key) + " in " + shown_ +
                           "; relative paths are relative to the scenario file's folder");
    src.layer = t.string("layer", "");
    src.crs = t.string("crs", "");
    src.encoding = t.string("encoding", "");
    if (!parse_text_encoding(src.encoding))
      t.fail("encoding", "unknown encoding '" + src.encoding + "'",
             "use " + text_encoding_values() + ", or leave it out to detect");
    if (allow_xy) {
      src.x_field = t.string("x_field", "");
      src.y_field = t.string("y_field", "");
      if (src.x_field.empty() != src.y_field.empty())
        t.fail(src.x_field.empty() ? "x_field" : "y_field", "x_field and y_field must be given together",
               "name both coordinate columns, e.g. x_field = \"经度\", y_field = \"纬度\"");
    }
    return src;
  }

  ZoneLevelSpec parse_zone_level(TomlTable& t) {
    ZoneLevelSpec z;
    z.level = t.required_string("level", "e.g. level = \"county\" or \"township\"");
    if (!is_identifier(z.level))
      t.fail("level", "must be a short identifier of lower-case letters, digits and _, at most 64 characters (e.g. \"county\")");
    z.label_zh = t.string("label_zh", "");
    z.label_en = t.string("label_en", "");
    const std::string geometry = t.string("geometry", "polygons");
    if (geometry == "polygons") z.geometry = ZoneGeometryKind::kPolygons;
    else if (geometry == "seats") z.geometry = ZoneGeometryKind::kSeats;
    else t.fail("geometry", "must be \"polygons\" or \"seats\"", "seats: points (e.g. 乡镇政府驻地) from which zones are derived");
    z.source = parse_source(t, z.geometry == ZoneGeometryKind::kSeats);
    z.code_field = t.required_string("code_field", "the field holding the zone code (adcode)");
    z.name_field = t.required_string("name_field", "the field holding the zone name");
    z.parent_field = t.string("parent_field", "");
    z.parent_level = t.string("parent_level", "");
    z.filter_field = t.string("filter_field", "");
    z.filter_values = t.string_list("filter_values");
    if (z.filter_field.empty() != z.filter_values.empty())
      t.fail(z.filter_field.empty() ? "filter_values" : "filter_field", "filter_field and filter_values go together");
    z.class_field = t.string("class_field", "");
    z.urban_values = t.string_list("urban_values");
    if (!z.urban_values.empty() && z.class_field.empty())
      t.fail("urban_values", "needs class_field (the field whose values are compared)");
    if (z.urban_values.empty()) z.urban_values = {"urban", "城区", "城镇", "街道", "办事处", "城市"};
    if (auto st = t.table("seats")) {
      if (z.geometry == ZoneGeometryKind::kSeats)
        st->fail("", "the level is given as seats already: its zones' seats are its points",
                 "remove [zones.seats] from this level");
      ZoneSeatsSpec seats;
      seats.source = parse_source(*st, true);
      if (!seats.source.is_table_with_xy() && is_table_extension(seats.source.path))
        st->fail("x_field", "a table of seats needs x_field and y_field (and crs)",
                 "e.g. x_field = \"lon\", y_field = \"lat\", crs = \"EPSG:4326\"");
      seats.code_field = st->required_string("code_field", "the column holding the code of the zone each seat belongs to");
      st->finish();
      z.seats = std::move(seats);
    }
    if (z.label_zh.empty()) z.label_zh = default_label_zh(z.level);
    if (z.label_en.empty()) z.label_en = default_label_en(z.level);
    t.finish();
    return z;
  }

  static std::string default_label_zh(const std::string& level) {
    if (level == "province") return "省";
    if (level == "prefecture" || level == "city") return "市";
    if (level == "county") return "区县";
    if (level == "township") return "乡镇";
    if (level == "village") return "村";
    return level;
  }
  static std::string default_label_en(const std::string& level) {
    std::string s = level;
    if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
    return s;
  }

  void check_zone_levels(const Scenario& s, std::vector<TomlTable>& tables) {
    std::set<std::string> seen;
    for (std::size_t i = 0; i < s.zones.size(); ++i) {
      const auto& z = s.zones[i];
      if (!seen.insert(z.level).second) tables[i].fail("level", "level '" + z.level + "' is given twice");
    }
    for (std::size_t i = 0; i < s.zones.size(); ++i) {
      const auto& z = s.zones[i];
      if (!z.parent_level.empty() && !seen.contains(z.parent_level))
        tables[i].fail("parent_level", "no zone level '" + z.parent_level + "' in this scenario");
      if (!z.parent_level.empty() && z.parent_field.empty())
        tables[i].fail("parent_field", "is required when parent_level is given");
    }
    if (!s.analysis.study_area_level.empty()) {
      const ZoneLevelSpec* z = s.zone_level(s.analysis.study_area_level);
      if (z == nullptr)
        throw ScenarioError("no zone level '" + s.analysis.study_area_level + "'", Location{shown_, {}, {}, "analysis.study_area_level", 0});
      if (z->geometry != ZoneGeometryKind::kPolygons)
        throw ScenarioError("the study area must be a polygon level", Location{shown_, {}, {}, "analysis.study_area_level", 0});
    } else if (s.zones.front().geometry != ZoneGeometryKind::kPolygons) {
      tables.front().fail("geometry", "the first zone level is the study area and must be polygons",
                          "put the polygon level (e.g. counties) first, or set analysis.study_area_level");
    }
  }

  PopulationSpec parse_population(TomlTable& t, const Scenario& s) {
    PopulationSpec p;
    const std::string kinds = "\"raster\", \"points\", \"zone_totals\" or \"polygons\"";
    const std::string kind = t.required_string("kind", kinds);
    if (kind == "raster") p.kind = PopulationKind::kRaster;
    else if (kind == "points") p.kind = PopulationKind::kPoints;
    else if (kind == "zone_totals") p.kind = PopulationKind::kZoneTotals;
    else if (kind == "polygons") p.kind = PopulationKind::kPolygons;
    else t.fail("kind", "must be " + kinds + ", not \"" + kind + "\"");
    if (const bool settlements = t.has("settlements"); (settlements || t.has("finer_totals")) &&
                                                        p.kind != PopulationKind::kZoneTotals)
      t.fail(settlements ? "settlements" : "finer_totals", "applies to kind = \"zone_totals\" only",
             "settlement points and finer totals say how census totals are spread over their zones");
    p.source = parse_source(t, p.kind == PopulationKind::kPoints);
    p.year = t.string("year", "");
    p.label = t.string("label", "");
    p.modelled = t.boolean("modelled", false);
    if (p.kind == PopulationKind::kRaster) {
      p.band = static_cast<int>(t.integer("band").value_or(1));
      if (p.band < 1) t.fail("band", "bands are numbered from 1");
    } else {
      p.count_field = t.required_string("count_field", "the column holding the number of persons");
    }
    if (p.kind == PopulationKind::kPoints && !p.source.is_table_with_xy() && ascii_lower(p.source.path.extension().string()) == ".csv")
      t.fail("x_field", "a CSV of points needs x_field and y_field (and crs)");
    if (p.kind == PopulationKind::kPolygons) {
      const std::string ext = ascii_lower(p.source.path.extension().string());
      if (ext == ".csv" || ext == ".txt" || ext == ".tsv" || ext == ".xlsx" || ext == ".xls" || ext == ".ods")
        t.fail("source", "kind = \"polygons\" needs a polygon layer; a table (" + ext + ") holds no polygons",
               "give a GeoPackage, Shapefile, GeoJSON … with one polygon per area, or use kind = \"points\" with "
               "x_field and y_field for a table of points");
    }
    if (p.kind == PopulationKind::kZoneTotals) {
      p.level = t.required_string("level", "the zone level the totals belong to, e.g. \"county\"");
      const ZoneLevelSpec* z = s.zone_level(p.level);
      if (z == nullptr) t.fail("level", "no zone level '" + p.level + "' in this scenario");
      if (z->geometry != ZoneGeometryKind::kPolygons)
        t.fail("level", "zone totals need a polygon level; '" + p.level + "' is given as seats",
               "give the totals of the polygon level above it here (e.g. the counties) and the seats' totals under "
               "[population.finer_totals], which spreads each around its seat within its county");
      p.code_field = t.required_string("code_field", "the column holding the zone code");
    }
    if (p.kind == PopulationKind::kZoneTotals || p.kind == PopulationKind::kPolygons) {
      if (auto w = t.string("weights")) {
        SourceSpec ws;
        ws.key = t.key_path("weights");
        ws.line = t.line_of("weights");
        ws.path_as_written = *w;
        fs::path wp(*w);
        ws.path = wp.is_absolute() ? wp : (dir_ / wp).lexically_normal();
        std::error_code ec;
        if (!fs::exists(ws.path, ec))
          throw InputError("file not found (resolved to " + ws.path.string() + ")",
                           Location{*w, {}, {}, ws.key, ws.line}, "check population.weights");
        p.weights = ws;
        p.weights_band = static_cast<int>(t.integer("weights_band").value_or(1));
      }
    }
    if (auto st = t.table("settlements")) p.settlements = parse_settlements(*st, s);
    if (auto ft = t.table("finer_totals")) p.finer = parse_finer_totals(*ft, s, p);
    t.finish();
    return p;
  }

  SettlementSpec parse_settlements(TomlTable& t, const Scenario& s) {
    SettlementSpec x;
    x.source = parse_source(t, true);
    if (!x.source.is_table_with_xy() && is_table_extension(x.source.path))
      t.fail("x_field", "a table of settlement points needs x_field and y_field (and crs)",
             "e.g. x_field = \"longitude\", y_field = \"latitude\", crs = \"gcj02\" for coordinates from Amap");
    x.weight_field = t.string("weight_field", "");
    x.code_field = t.string("code_field", "");
    x.filter_field = t.string("filter_field", "");
    x.filter_values = t.string_list("filter_values");
    if (x.filter_field.empty() != x.filter_values.empty())
      t.fail(x.filter_field.empty() ? "filter_values" : "filter_field", "filter_field and filter_values go together");
    x.label = t.string("label", "");
    x.bandwidth_m = t.number("bandwidth_m");
    x.bandwidth_line = t.line_of("bandwidth_m");
    if (x.bandwidth_m) {
      const double half_cell = s.analysis.cell_size_m / 2;
      if (!(*x.bandwidth_m >= half_cell && *x.bandwidth_m <= 50000.0))
        t.fail("bandwidth_m",
               "must be between half the cell size (" + shown_number(half_cell) + " m) and 50,000 m, not " +
                   shown_number(*x.bandwidth_m),
               "leave it out to derive it from the points' spacing (docs/method/population.md); village seats in "
               "the North China Plain give about 700 m, in the hilly south 900–1,200 m");
    }
    t.finish();
    return x;
  }

  FinerTotalsSpec parse_finer_totals(TomlTable& t, const Scenario& s, const PopulationSpec& p) {
    FinerTotalsSpec f;
    f.source = parse_source(t, false);
    f.level = t.required_string("level", "the finer zone level the totals belong to, e.g. \"township\"");
    if (s.zone_level(f.level) == nullptr) t.fail("level", "no zone level '" + f.level + "' in this scenario");
    if (f.level == p.level)
      t.fail("level", "names the level of the main table ('" + p.level + "')",
             "give the totals of a finer level (e.g. townships within counties)");
    f.code_field = t.required_string("code_field", "the column holding the zone code (e.g. the 9-digit township code)");
    f.count_field = t.required_string("count_field", "the column holding the number of persons");
    t.finish();
    return f;
  }

  static bool is_table_extension(const fs::path& path) {
    const std::string ext = ascii_lower(path.extension().string());
    return ext == ".csv" || ext == ".txt" || ext == ".tsv" || ext == ".xlsx" || ext == ".xls" || ext == ".ods";
  }

  static std::string shown_number(double v) {
    std::ostringstream o;
    o << v;
    return o.str();
  }

  FacilitySourceSpec parse_facility_source(TomlTable& t, const Taxonomy& taxonomy) {
    FacilitySourceSpec f;
    f.source = parse_source(t, true);
    f.default_type = t.string("default_type", "");
    if (!f.default_type.empty() && taxonomy.find_type(f.default_type) == nullptr)
      t.fail("default_type", "unknown facility type '" + f.default_type + "'", types_hint(taxonomy));
    f.default_level = t.string("default_level", "");
    if (!f.default_level.empty() && !parse_level(f.default_level))
      t.fail("default_level", "'" + f.default_level + "' is not a level", "use 三级/二级/一级/未定级 (or 3/2/1/0)");
    for (const auto& tag : t.string_list("default_tags")) {
      auto canonical = taxonomy.find_tag(tag);
      if (!canonical) t.fail("default_tags", "unknown tag '" + tag + "'", tags_hint(taxonomy));
      f.default_tags.push_back(*canonical);
    }
    f.id_prefix = t.string("id_prefix", "");
    const std::string on_invalid = t.string("on_invalid", "error");
    if (on_invalid == "error") f.on_invalid = OnInvalid::kError;
    else if (on_invalid == "skip") f.on_invalid = OnInvalid::kSkip;
    else t.fail("on_invalid", "must be \"error\" or \"skip\"");
    f.modelled = t.boolean("modelled", false);
    if (auto fields = t.table("fields")) {
      auto& m = f.fields;
      const std::pair<const char*, std::string*> keys[] = {
          {"id", &m.id},          {"name", &m.name},       {"type", &m.type},   {"level", &m.level},
          {"tags", &m.tags},      {"status", &m.status},   {"beds", &m.beds},   {"doctors", &m.doctors},
          {"nurses", &m.nurses},  {"gps", &m.gps},         {"tcm_beds", &m.tcm_beds},
          {"tcm_doctors", &m.tcm_doctors},                 {"capacity", &m.capacity}};
      for (const auto& [key, target] : keys) *target = fields->string(key, "");
      fields->finish();
    }
    for (const auto& [value, type_id] : t.string_map("type_map")) {
      if (taxonomy.type_by_id(type_id) == nullptr)
        t.fail("type_map", "'" + value + "' maps to unknown type id '" + type_id + "'", types_hint(taxonomy));
      f.type_map[value] = type_id;
    }
    if (f.fields.id.empty())
      t.fail("fields", "fields.id is required: every facility needs an id (scenarios close and upgrade facilities by id)",
             "e.g. [facilities.fields] id = \"机构代码\"");
    if (f.fields.type.empty() && f.default_type.empty())
      t.fail("fields", "give fields.type (a column) or default_type", types_hint(taxonomy));
    t.finish();
    return f;
  }

  RoadSpec parse_roads(TomlTable& t) {
    RoadSpec r;
    r.source = parse_source(t, false);
    const std::string name = ascii_lower(r.source.path.filename().string());
    r.kind = name.ends_with(".osm.pbf") || name.ends_with(".pbf") || name.ends_with(".osm") || name.ends_with(".osm.bz2")
                 ? RoadSourceKind::kOsm
                 : RoadSourceKind::kLines;
    r.class_field = t.string("class_field", "");
    r.speed_field = t.string("speed_field", "");
    r.oneway_field = t.string("oneway_field", "");
    r.name_field = t.string("name_field", "");
    for (const auto& [k, v] : t.string_map("class_map")) r.class_map[k] = v;
    r.label = t.string("label", "");
    r.modelled = t.boolean("modelled", false);
    if (r.kind == RoadSourceKind::kOsm) {
      for (const char* k : {"class_field", "speed_field", "oneway_field", "name_field"})
        if (t.has(k)) t.fail(k, "applies to line layers, not OSM files (OSM tags are read directly)");
      if (!r.source.crs.empty()) t.fail("crs", "OSM data is always WGS 84; remove crs");
    } else if (r.class_field.empty() && r.speed_field.empty()) {
      t.fail("class_field", "a road line layer needs class_field or speed_field",
             "class values are OSM highway names or Chinese road classes (高速公路, 国道, 省道, 县道 …)");
    }
    t.finish();
    return r;
  }

  void parse_travel(TomlTable& t, TravelSpec& travel) {
    if (auto file = t.string("speeds_file")) {
      fs::path p(*file);
      p = p.is_absolute() ? p : (dir_ / p).lexically_normal();
      SourceSpec as_source;  // a device or a pipe would be read without end (io/input_access.hpp)
      as_source.path = p;
      as_source.path_as_written = *file;
      as_source.key = t.key_path("speeds_file");
      as_source.line = t.line_of("speeds_file");
      check_input_path(as_source);
      std::ifstream in(p, std::ios::binary);
      if (!in)
        throw InputError("speed profile file not found or unreadable (resolved to " + p.string() + ")",
                         Location{*file, {}, {}, t.key_path("speeds_file"), t.line_of("speeds_file")},
                         "give a TOML file laid out like data/speeds.toml (docs/method/speeds.md)");
      std::ostringstream text;
      text << in.rdbuf();
      travel.speeds_file = *file;
      travel.profile = parse_speed_profile(text.str(), *file);
    }
    apply_speed_overrides(travel.profile, t);
    if (auto k = t.integer("connectors_per_cell")) {
      if (*k < 1 || *k > 8) t.fail("connectors_per_cell", "must be between 1 and 8");
      travel.connectors_per_cell = static_cast<std::uint32_t>(*k);
    }
    const std::string snap = t.string("snap", "edge");
    if (snap == "edge") travel.snap = SnapRule::kEdge;
    else if (snap == "node") travel.snap = SnapRule::kNode;
    else t.fail("snap", "must be \"edge\" or \"node\"",
                "edge: nearest points on roads (the default); node: nearest graph node, as simpler tools do");
    if (auto m = t.number("search_limit_min")) {
      if (!(*m > 0 && *m <= 1440)) t.fail("search_limit_min", "must be more than 0 and at most 1440 minutes");
      travel.search_limit_min = *m;
    }
    t.finish();
  }

  static FacilityAttributes parse_attributes(TomlTable& t) {
    FacilityAttributes a;
    auto take = [&](const char* key, std::optional<double>& into) {
      if (auto v = t.number(key)) {
        if (!(*v >= 0)) t.fail(key, "must be a number of 0 or more");
        into = *v;
      }
    };
    take("beds", a.beds);
    take("doctors", a.doctors);
    take("nurses", a.nurses);
    take("gps", a.gps);
    take("tcm_beds", a.tcm_beds);
    take("tcm_doctors", a.tcm_doctors);
    take("capacity", a.capacity);
    return a;
  }

  void parse_density(TomlTable& t, DensitySpec& d) {
    d.source = t.string("source", "");
    d.include_planned = t.boolean("include_planned", false);
    if (auto targets = t.table("targets")) {
      for (const std::string& id : targets->remaining()) {
        const auto v = targets->number(id);
        if (!v || !(*v >= 0)) targets->fail(id, "must be a number of 0 or more (the indicator's target)");
        d.targets[id] = *v;
        d.target_lines[id] = targets->line_of(id);
      }
      targets->finish();
    }
    if (!d.targets.empty() && d.source.empty())
      t.fail("source", "is required with local targets: name the plan they come from",
             "source = \"《某市“十四五”卫生健康规划》\"");
    const std::vector<DensityIndicator> known = default_density_indicators();
    for (const auto& target : d.targets) {
      const std::string& id = target.first;  // a structured binding cannot be captured by clang 14's lambdas
      if (std::none_of(known.begin(), known.end(), [&](const DensityIndicator& k) { return k.id == id; })) {
        std::string ids;
        for (const auto& k : known) ids += (ids.empty() ? "" : ", ") + k.id;
        throw ScenarioError("'" + id + "' is not a density indicator",
                            Location{shown_, {}, {}, "density.targets." + id, d.target_lines.at(id)},
                            "the indicators are: " + ids + " (docs/method/density.md)");
      }
    }
    for (auto& zt : t.array_of_tables("zone_totals")) d.zone_totals.push_back(parse_zone_totals(zt));
    t.finish();
  }

  ZoneTotalsSpec parse_zone_totals(TomlTable& t) {
    ZoneTotalsSpec z;
    z.key = t.path();
    z.line = t.line();
    z.level = t.required_string("level", "the zone level of the codes, e.g. \"county\"");
    z.source = parse_source(t, false);
    z.code_field = t.required_string("code_field", "the column holding the zone code");
    z.label = t.required_string("label", "where the totals come from, e.g. \"曲靖市统计年鉴（2021）\"");
    z.year = t.string("year", "");
    z.population_label = t.string("population_label", "");
    z.fields.assign(kDensityAttributes, "");
    if (auto fields = t.table("fields")) {
      for (std::size_t a = 0; a < kDensityAttributes; ++a)
        z.fields[a] = fields->string(density_attribute_key(static_cast<DensityAttribute>(a)), "");
      z.population_field = fields->string("population", "");
      fields->finish();
    }
    if (std::all_of(z.fields.begin(), z.fields.end(), [](const std::string& f) { return f.empty(); }) &&
        z.population_field.empty())
      t.fail("fields", "name at least one column: beds, doctors, nurses, gps, tcm_beds, tcm_doctors or population",
             "[density.zone_totals.fields] beds = \"床位数\", doctors = \"执业（助理）医师\", population = \"常住人口\"");
    if (!z.population_label.empty() && z.population_field.empty())
      t.fail("population_label", "names the population of fields.population, which is not given");
    t.finish();
    return z;
  }

  /// Zone totals name existing levels, at most one table per level (checked once the zones are known).
  void check_zone_totals(const Scenario& s) {
    std::set<std::string> seen;
    for (const ZoneTotalsSpec& z : s.density.zone_totals) {
      const Location at{shown_, {}, {}, z.key + ".level", z.line};
      if (s.zone_level(z.level) == nullptr)
        throw ScenarioError("no zone level '" + z.level + "' in this scenario", at);
      if (!seen.insert(z.level).second)
        throw ScenarioError("a second table of zone totals for level '" + z.level + "'", at,
                            "give one table per level (merge the columns into one file)");
    }
  }

  void parse_changes(TomlTable& t, ScenarioChanges& c) {
    c.label_zh = t.string("label_zh", "");
    c.label_en = t.string("label_en", "");
    c.close = t.string_list("close");
    c.close_line = t.line_of("close");
    auto upgrades = t.array_of_tables("upgrade");
    for (std::size_t i = 0; i < upgrades.size(); ++i) {
      TomlTable& u = upgrades[i];
      FacilityUpgrade up;
      up.key = u.path();
      up.line = u.line();
      up.ids = u.string_list("ids");
      if (up.ids.empty()) u.fail("ids", "is required: the ids of the facilities to change", "ids = [\"V341602001\"]");
      up.type = u.string("type", "");
      up.level = u.string("level", "");
      if (!up.level.empty() && !parse_level(up.level))
        u.fail("level", "'" + up.level + "' is not a level", "三级, 二级, 一级 or 未定级 (grades: 三级甲等 …)");
      up.add_tags = u.string_list("add_tags");
      up.remove_tags = u.string_list("remove_tags");
      up.attributes = parse_attributes(u);
      u.finish();
      c.upgrade.push_back(std::move(up));
    }
    auto adds = t.array_of_tables("add");
    for (std::size_t i = 0; i < adds.size(); ++i) {
      TomlTable& a = adds[i];
      FacilityAddition f;
      f.key = a.path();
      f.line = a.line();
      f.id = a.required_string("id", "a new id, unique in the scenario");
      f.name = a.string("name", "");
      f.type = a.required_string("type", "a facility type (taxonomy id or Chinese name, e.g. 村卫生室)");
      f.level = a.string("level", "");
      if (!f.level.empty() && !parse_level(f.level))
        a.fail("level", "'" + f.level + "' is not a level", "三级, 二级, 一级 or 未定级");
      f.tags = a.string_list("tags");
      const auto x = a.number("x");
      const auto y = a.number("y");
      if (!x) a.fail("x", "is required: the facility's x (longitude in a geographic CRS)");
      if (!y) a.fail("y", "is required: the facility's y (latitude in a geographic CRS)");
      f.x = *x;
      f.y = *y;
      f.crs = a.string("crs", "EPSG:4326");
      f.attributes = parse_attributes(a);
      a.finish();
      c.add.push_back(std::move(f));
    }
    t.finish();
  }

  // [raster.road_modes]: class = "walking" | "bicycling" | "motorized" (AccessMod's per-class mode, for roads).
  static void parse_road_modes(TomlTable& t, RasterSpec& r) {
    if (!t.has("road_modes")) return;
    std::string names;
    for (std::size_t c = 0; c < kRoadClassCount; ++c)
      names += (c == 0 ? "" : ", ") + std::string(road_class_name(road_class_at(c)));
    for (const auto& [key, value] : t.string_map("road_modes")) {
      const auto parsed = parse_road_class(key);
      if (!parsed || parsed->link) {
        std::string best;
        std::size_t best_distance = 3;
        for (std::size_t c = 0; c < kRoadClassCount; ++c) {
          const std::string name(road_class_name(road_class_at(c)));
          if (const std::size_t d = edit_distance(key, name); d < best_distance) {
            best_distance = d;
            best = name;
          }
        }
        t.fail("road_modes", "'" + key + "' is not a road class",
               best.empty() ? "the classes are " + names + " (*_link ways take the mode of their class)"
                            : "did you mean '" + best + "'?");
      }
      const std::string mode = ascii_lower(value);
      if (mode != "walking" && mode != "bicycling" && mode != "motorized")
        t.fail("road_modes", "the mode of class '" + key + "' must be walking, bicycling or motorized, not '" + value + "'",
               "as in AccessMod's travel scenario table (docs/method/raster-travel-time.md, A mode per road class)");
      r.road_modes[road_class_index(parsed->road_class)] = mode;
    }
    if (!r.burn_roads)
      t.fail("road_modes", "gives the roads' modes, but burn_roads = false leaves the roads out of the friction surface",
             "remove [raster.road_modes], or set burn_roads = true");
  }

  void parse_raster(TomlTable& t, RasterSpec& r) {
    if (auto lc = t.table("landcover")) {
      r.landcover = parse_source(*lc, false);
      r.landcover_band = static_cast<int>(lc->integer("band").value_or(1));
      if (r.landcover_band < 1) lc->fail("band", "bands are numbered from 1");
      lc->finish();
    }
    for (auto& c : t.array_of_tables("classes")) {
      LandCoverClass cls;
      const auto value = c.integer("class");
      if (!value) c.fail("class", "is required: the land-cover value of the class");
      cls.value = static_cast<std::int32_t>(*value);
      cls.label = c.string("label", "");
      const auto speed = c.number("speed_kmh");
      if (!speed) c.fail("speed_kmh", "is required (0 for classes that cannot be crossed, such as water)");
      if (!(*speed >= 0 && *speed <= 200)) c.fail("speed_kmh", "must be between 0 and 200 km/h");
      cls.speed_kmh = *speed;
      cls.mode = ascii_lower(c.string("mode", "walking"));
      if (cls.mode != "walking" && cls.mode != "bicycling" && cls.mode != "motorized")
        c.fail("mode", "must be walking, bicycling or motorized (as in AccessMod's travel scenario table)");
      for (const auto& other : r.classes)
        if (other.value == cls.value) c.fail("class", "class " + std::to_string(cls.value) + " is given twice");
      c.finish();
      r.classes.push_back(std::move(cls));
    }
    if (auto cf = t.table("classes_file")) {
      r.classes_file = parse_source(*cf, false);
      cf->finish();
    }
    if (auto fr = t.table("friction")) {
      r.friction = parse_source(*fr, false);
      r.friction_band = static_cast<int>(fr->integer("band").value_or(1));
      if (r.friction_band < 1) fr->fail("band", "bands are numbered from 1");
      fr->finish();
      if (r.landcover)
        t.fail("friction", "give a land cover with its speed table or a friction surface, not both",
               "the friction surface (seconds per metre) replaces the land cover; roads and barriers still apply");
    }
    if (auto dem = t.table("dem")) {
      r.dem = parse_source(*dem, false);
      r.dem_band = static_cast<int>(dem->integer("band").value_or(1));
      if (r.dem_band < 1) dem->fail("band", "bands are numbered from 1");
      dem->finish();
    }
    for (auto& b : t.array_of_tables("barriers")) {
      r.barriers.push_back(parse_source(b, false));
      b.finish();
    }
    if (auto n = t.integer("neighbours")) {
      if (*n != 8 && *n != 16) t.fail("neighbours", "must be 8 or 16 (16 adds knight's moves, as GRASS r.cost -k)");
      r.neighbours = static_cast<int>(*n);
    }
    r.anisotropic = t.boolean("anisotropic", false);
    r.burn_roads = t.boolean("burn_roads", true);
    parse_road_modes(t, r);
    if (auto v = t.string("no_land_cover")) {
      if (*v == "impassable") r.no_land_cover_default_speed = false;
      else if (*v == "default_speed") r.no_land_cover_default_speed = true;
      else
        t.fail("no_land_cover", "must be \"impassable\" or \"default_speed\", not '" + *v + "'",
               "cells without land cover cannot be crossed (as in AccessMod) unless you choose \"default_speed\"");
    }
    if (t.has("default_speed_kmh") && !r.no_land_cover_default_speed)
      t.fail("default_speed_kmh",
             "is used only with no_land_cover = \"default_speed\": cells without land cover are impassable by default",
             "add no_land_cover = \"default_speed\" to walk them at this speed (docs/method/raster-travel-time.md), "
             "or remove default_speed_kmh");
    r.default_speed_kmh = t.number("default_speed_kmh", 5.0);
    if (!(r.default_speed_kmh > 0 && r.default_speed_kmh <= 200))
      t.fail("default_speed_kmh", "must be more than 0 and at most 200 km/h");
    if (auto bt = t.table("bicycle")) {
      BicyclePowerModel b;
      const auto positive = [&](const char* key, double& value, double most) {
        value = bt->number(key, value);
        if (!(value > 0 && value <= most))
          bt->fail(key, "must be more than 0 and at most " + std::to_string(static_cast<int>(most)));
      };
      positive("mass_kg", b.mass_kg, 500);
      positive("cda_m2", b.cda_m2, 5);
      positive("rolling_resistance", b.rolling_resistance, 1);
      positive("dynamic_rolling_ns_m", b.dynamic_rolling_ns_m, 10);
      positive("air_density_kg_m3", b.air_density_kg_m3, 2);
      bt->finish();
      r.bicycle = b;
      if (!r.anisotropic)
        t.fail("bicycle", "the bicycling model follows the slope, and the search is isotropic",
               "add anisotropic = true and a [raster.dem] (docs/method/raster-travel-time.md, Bicycling on slopes)");
    }
    if (r.anisotropic && !r.dem)
      t.fail("anisotropic", "needs a DEM", "add [raster.dem] source = \"dem.tif\"");
    if (r.landcover && r.classes.empty() && !r.classes_file)
      t.fail("landcover", "a land-cover raster needs its speed table",
             "add [[raster.classes]] tables (class, label, speed_kmh, mode) or [raster.classes_file]");
    if (!r.classes.empty() && r.classes_file)
      t.fail("classes_file", "give the speed table inline ([[raster.classes]]) or as a file, not both");
    t.finish();
  }

  static std::string types_hint(const Taxonomy& taxonomy) {
    std::string ids;
    for (const auto& type : taxonomy.types()) ids += (ids.empty() ? "" : ", ") + type.id;
    return "known types: " + ids + " (docs/method/taxonomy.md; Chinese names such as 乡镇卫生院 work too)";
  }
  static std::string tags_hint(const Taxonomy& taxonomy) {
    std::string ids;
    for (const auto& tag : taxonomy.tags()) ids += (ids.empty() ? "" : ", ") + tag.id + " (" + tag.name_zh + ")";
    return "known tags: " + ids;
  }

  void parse_taxonomy(TomlTable& t, Taxonomy& taxonomy) {
    for (auto& tt : t.array_of_tables("tags")) {
      TagDef d;
      d.id = tt.required_string("id");
      if (!is_identifier(d.id)) tt.fail("id", "must be lower-case letters, digits and _, at most 64 characters");
      d.name_zh = tt.string("name_zh", "");
      d.name_en = tt.string("name_en", "");
      d.aliases = tt.string_list("aliases");
      d.implies = tt.string_list("implies");
      tt.finish();
      taxonomy.add_tag(std::move(d));
    }
    for (auto& tt : t.array_of_tables("types")) {
      FacilityType ft;
      ft.id = tt.required_string("id");
      if (!is_identifier(ft.id)) tt.fail("id", "must be lower-case letters, digits and _, at most 64 characters");
      const bool exists = taxonomy.type_by_id(ft.id) != nullptr;
      ft.name_zh = tt.string("name_zh", "");
      ft.name_en = tt.string("name_en", "");
      if (!exists && ft.name_zh.empty() && ft.name_en.empty()) tt.fail("name_zh", "a new type needs name_zh or name_en");
      const std::string cat = tt.string("category", exists ? "" : "other");
      if (cat == "hospital") ft.category = FacilityCategory::kHospital;
      else if (cat == "primary_care") ft.category = FacilityCategory::kPrimaryCare;
      else if (cat == "public_health") ft.category = FacilityCategory::kPublicHealth;
      else if (cat == "other" || cat.empty()) ft.category = exists ? taxonomy.type_by_id(ft.id)->category : FacilityCategory::kOther;
      else tt.fail("category", "must be hospital, primary_care, public_health or other");
      ft.aliases = tt.string_list("aliases");
      for (const auto& tag : tt.string_list("tags")) {
        auto canonical = taxonomy.find_tag(tag);
        if (!canonical) tt.fail("tags", "unknown tag '" + tag + "'", tags_hint(taxonomy));
        ft.implied_tags.push_back(*canonical);
      }
      tt.finish();
      taxonomy.add_type(std::move(ft));
    }
    // Tags may imply tags defined later in the list: check once everything is in.
    for (const auto& d : taxonomy.tags())
      for (const auto& implied : d.implies)
        if (!taxonomy.find_tag(implied)) t.fail("tags", "tag '" + d.id + "' implies unknown tag '" + implied + "'");
    t.finish();
  }

  /// The facility selector keys of a table (types, tags_any, min_level, include_planned), each with a prefix
  /// ("" or "with_"); keys not given leave `sel` as it is.
  void parse_selector(TomlTable& t, const std::string& prefix, FacilitySelector& sel, const Scenario& s) {
    if (t.has(prefix + "types")) {
      sel.types.clear();
      for (const auto& type : t.string_list(prefix + "types")) {
        const FacilityType* ft = s.taxonomy.find_type(type);
        if (ft == nullptr) t.fail(prefix + "types", "unknown facility type '" + type + "'", types_hint(s.taxonomy));
        sel.types.push_back(ft->id);
      }
    }
    if (t.has(prefix + "tags_any")) {
      sel.tags_any.clear();
      for (const auto& tag : t.string_list(prefix + "tags_any")) {
        auto canonical = s.taxonomy.find_tag(tag);
        if (!canonical) t.fail(prefix + "tags_any", "unknown tag '" + tag + "'", tags_hint(s.taxonomy));
        sel.tags_any.push_back(*canonical);
      }
    }
    if (auto v = t.string(prefix + "min_level")) {
      auto level = parse_level(*v);
      if (!level) t.fail(prefix + "min_level", "'" + *v + "' is not a level", "use 三级/二级/一级/未定级 (or 3/2/1/0)");
      sel.min_level = *level;
    }
  }

  /// Source texts of a standard or indicator: source (both languages) or source_zh / source_en.
  static void parse_sources(TomlTable& t, std::string& zh, std::string& en) {
    const auto source = t.string("source");
    const auto source_zh = t.string("source_zh");
    const auto source_en = t.string("source_en");
    if (source && (source_zh || source_en))
      t.fail("source", "give source (one text for both languages) or source_zh / source_en, not both",
             "source_zh = \"本地假设\" and source_en = \"local assumption\"");
    if (source || source_zh || source_en) {
      zh = source ? *source : source_zh.value_or("");
      en = source ? *source : source_en.value_or("");
    }
  }

  static std::string standards_hint(const Scenario& s) {
    std::string ids;
    for (const Standard& st : s.standards) ids += (ids.empty() ? "" : ", ") + st.id;
    return "standards of this scenario: " + ids;
  }

  // ---- [referral.<id>], [accessibility.<id>], [huff.<id>] (docs/scenario.md; after the standards they name)
  void parse_access_models(TomlTable& top, Scenario& s) {
    std::set<std::string> ids;
    const auto each = [&](const char* family, const auto& parse_one) {
      auto t = top.table(family);
      if (!t) return;
      for (const std::string& id : t->remaining()) {
        if (!is_identifier(id))
          t->fail(id, "ids are lower-case letters, digits and _, at most 64 characters (e.g. village_to_thc)");
        auto sub = t->table(id);
        if (!sub) t->fail(id, std::string("must be a table: [") + family + "." + id + "] with standard = …");
        if (!ids.insert(id).second)
          t->fail(id, "'" + id + "' is already the id of another referral, accessibility or Huff table",
                  "give each its own id: the output files are named by it");
        parse_one(*sub, id);
        sub->finish();
      }
      t->finish();
    };
    const auto standard_of = [&](TomlTable& t) -> const Standard& {
      const std::string id = t.required_string("standard", "the time standard whose mode and engine measure the times");
      auto it = std::find_if(s.standards.begin(), s.standards.end(), [&](const Standard& st) { return st.id == id; });
      if (it == s.standards.end()) t.fail("standard", "no standard '" + id + "' in this scenario", standards_hint(s));
      if (!it->threshold_min)
        t.fail("standard", "'" + id + "' is a distance standard: travel times need a time standard (threshold_min)");
      return *it;
    };
    const auto level_of = [&](TomlTable& t) {
      std::string level = t.string("level", s.zones.front().level);
      if (s.zone_level(level) == nullptr) t.fail("level", "no zone level '" + level + "' in this scenario");
      return level;
    };
    const auto quantity = [&](TomlTable& t, const char* key, FacilityQuantity fallback) {
      const auto v = t.string(key);
      if (!v) return fallback;
      const auto q = parse_facility_quantity(*v);
      if (!q)
        t.fail(key, "'" + *v + "' is not a facility attribute",
               "use beds, doctors, nurses, gps, tcm_beds, tcm_doctors, capacity, count (1 per facility) or level "
               "(三级 3, 二级 2, 一级 and 未定级 1)");
      return *q;
    };
    const auto positive = [&](TomlTable& t, const char* key) -> std::optional<double> {
      auto v = t.number(key);
      if (v && !(*v > 0 && *v <= 1440)) t.fail(key, "must be more than 0 and at most 1440 minutes");
      return v;
    };
    each("referral", [&](TomlTable& t, const std::string& id) {
      ReferralSpec r;
      r.id = id;
      r.line = t.line();
      r.name_zh = t.string("name_zh", "");
      r.name_en = t.string("name_en", "");
      const Standard& st = standard_of(t);
      r.standard = st.id;
      parse_selector(t, "from_", r.from, s);
      if (!t.has("from_types") && !t.has("from_tags_any") && !t.has("from_min_level"))
        t.fail("", "a referral needs the facilities it starts from: from_types, from_tags_any or from_min_level",
               "e.g. from_types = [\"村卫生室\"]");
      r.from.include_planned = r.to.include_planned = t.boolean("include_planned", false);
      if (auto ts = t.string("to_standard")) {
        auto it = std::find_if(s.standards.begin(), s.standards.end(), [&](const Standard& x) { return x.id == *ts; });
        if (it == s.standards.end()) t.fail("to_standard", "no standard '" + *ts + "' in this scenario", standards_hint(s));
        for (const char* k : {"to_types", "to_tags_any", "to_min_level"})
          if (t.has(k)) t.fail(k, "give the targets by to_standard or by to_types / to_tags_any / to_min_level, not both");
        r.to_standard = *ts;
        const bool planned = r.to.include_planned;
        r.to = it->select;
        r.to.include_planned = planned;
      } else {
        parse_selector(t, "to_", r.to, s);
        if (!t.has("to_types") && !t.has("to_tags_any") && !t.has("to_min_level"))
          t.fail("", "a referral needs the facilities it goes to: to_types, to_tags_any, to_min_level or to_standard",
                 "e.g. to_types = [\"乡镇卫生院\"]");
      }
      r.threshold_min = positive(t, "threshold_min").value_or(*st.threshold_min);
      r.limit_min = positive(t, "limit_min");
      if (r.limit_min && *r.limit_min < r.threshold_min)
        t.fail("limit_min", "must be at least threshold_min (the minutes beyond which a referral is listed)");
      r.level = level_of(t);
      s.access_models.referral.push_back(std::move(r));
    });
    each("accessibility", [&](TomlTable& t, const std::string& id) {
      AccessibilitySpec a;
      a.id = id;
      a.line = t.line();
      a.name_zh = t.string("name_zh", "");
      a.name_en = t.string("name_en", "");
      const Standard& st = standard_of(t);
      a.standard = st.id;
      // The facilities: the standard's selector, or the one given here (types, tags_any, min_level) alone.
      if (t.has("types") || t.has("tags_any") || t.has("min_level")) parse_selector(t, "", a.select, s);
      else a.select = st.select;
      a.select.include_planned = t.boolean("include_planned", false);
      a.supply = quantity(t, "supply", FacilityQuantity::kBeds);
      a.decay = t.string("decay", "step");
      if (a.decay != "step" && a.decay != "gaussian")
        t.fail("decay", "must be \"step\" or \"gaussian\", not \"" + a.decay + "\"");
      if (a.decay == "step") {
        if (t.has("t0_min")) t.fail("t0_min", "applies to decay = \"gaussian\"; a step decay has bands_min and weights");
        const auto numbers = [&](const char* key) {
          std::vector<double> out;
          const toml::node* n = t.take(key);
          if (n == nullptr) return out;
          const auto* arr = n->as_array();
          if (arr == nullptr) t.fail(key, "must be a list of numbers");
          for (const auto& e : *arr) {
            const auto v = e.value<double>();
            if (!v) t.fail(key, "must be a list of numbers");
            out.push_back(*v);
          }
          return out;
        };
        a.bands_min = numbers("bands_min");
        a.weights = numbers("weights");
        const double th = *st.threshold_min;
        if (a.bands_min.empty()) a.bands_min = {th / 3.0, 2.0 * th / 3.0, th};
        if (a.weights.empty() && a.bands_min.size() == 3) a.weights = {1.0, 0.68, 0.22};
        if (a.weights.size() != a.bands_min.size())
          t.fail("weights", "give one weight per band (" + std::to_string(a.bands_min.size()) + " bands)",
                 "e.g. bands_min = [10, 20, 30] and weights = [1, 0.68, 0.22]");
        for (std::size_t b = 0; b < a.bands_min.size(); ++b) {
          if (!(a.bands_min[b] > 0 && a.bands_min[b] <= 1440) || (b > 0 && !(a.bands_min[b] > a.bands_min[b - 1])))
            t.fail("bands_min", "must be ascending times of more than 0 and at most 1440 minutes");
          if (!(a.weights[b] >= 0 && a.weights[b] <= 1)) t.fail("weights", "must be weights between 0 and 1");
        }
      } else {
        for (const char* k : {"bands_min", "weights"})
          if (t.has(k)) t.fail(k, "applies to decay = \"step\"; a Gaussian decay has t0_min");
        a.t0_min = positive(t, "t0_min").value_or(*st.threshold_min);
      }
      s.access_models.accessibility.push_back(std::move(a));
    });
    each("huff", [&](TomlTable& t, const std::string& id) {
      HuffSpec h;
      h.id = id;
      h.line = t.line();
      h.name_zh = t.string("name_zh", "");
      h.name_en = t.string("name_en", "");
      const Standard& st = standard_of(t);
      h.standard = st.id;
      // The facilities: the standard's selector, or the one given here (types, tags_any, min_level) alone.
      if (t.has("types") || t.has("tags_any") || t.has("min_level")) parse_selector(t, "", h.select, s);
      else h.select = st.select;
      h.select.include_planned = t.boolean("include_planned", false);
      h.attractiveness = quantity(t, "attractiveness", FacilityQuantity::kBeds);
      h.decay = t.string("decay", "exponential");
      if (h.decay != "exponential" && h.decay != "power")
        t.fail("decay", "must be \"exponential\" or \"power\", not \"" + h.decay + "\"");
      h.beta = t.number("beta");
      if (h.beta && !(*h.beta > 0 && *h.beta <= 100)) t.fail("beta", "must be more than 0 and at most 100");
      h.limit_min = positive(t, "limit_min");
      h.level = level_of(t);
      if (auto v = t.number("target_share")) {
        if (!(*v >= 0 && *v <= 1)) t.fail("target_share", "must be a share between 0 and 1 (e.g. 0.9 for 90 %)");
        h.target_share = *v;
      }
      parse_sources(t, h.source_zh, h.source_en);
      if (auto obs = t.table("observed")) {
        for (const std::string& code : obs->remaining()) {
          const auto v = obs->number(code);
          if (!v || !(*v >= 0 && *v <= 1))
            obs->fail(code, "must be the observed share of visits that stay in the zone, between 0 and 1 (0.88)");
          h.observed[code] = *v;
          h.observed_lines[code] = obs->line_of(code);
        }
        obs->finish();
      }
      h.observed_label = t.string("observed_label", "");
      if (auto ot = t.table("observed_table")) {
        const SourceSpec src = parse_source(*ot, false);
        h.observed_table_path = src.path.string();
        h.observed_table_written = src.path_as_written;
        h.observed_table_layer = src.layer;
        h.observed_table_encoding = src.encoding;
        h.observed_table_line = src.line;
        h.observed_code_field = ot->required_string("code_field", "the column holding the zone code");
        h.observed_rate_field = ot->required_string("rate_field", "the column holding the observed rate (0–1)");
        ot->finish();
      }
      if (auto r = t.take("beta_range")) {
        const auto* arr = r->as_array();
        std::optional<double> lo;
        std::optional<double> hi;
        if (arr != nullptr && arr->size() == 2) {
          lo = (*arr)[0].value<double>();
          hi = (*arr)[1].value<double>();
        }
        if (!lo || !hi || !(*lo > 0 && *lo < *hi && *hi <= 100))
          t.fail("beta_range", "must be two numbers [lo, hi] with 0 < lo < hi ≤ 100");
        h.beta_range = std::pair{*lo, *hi};
      }
      s.access_models.huff.push_back(std::move(h));
    });
  }

  void parse_indicators(TomlTable& t, Scenario& s) {
    for (const std::string& id : t.remaining()) {
      if (!is_identifier(id))
        t.fail(id, "indicator ids are lower-case letters, digits and _, at most 64 characters (e.g. county_tertiary)");
      auto sub = t.table(id);
      if (!sub) t.fail(id, "must be a table: [indicators." + id + "] with kind, name_zh, level …");
      TomlTable& it = *sub;
      const bool taken = std::any_of(s.standards.begin(), s.standards.end(), [&](const Standard& st) { return st.id == id; });
      const std::vector<DensityIndicator> density = default_density_indicators();
      if (taken || std::any_of(density.begin(), density.end(), [&](const DensityIndicator& d) { return d.id == id; }))
        t.fail(id, "'" + id + "' is already the id of a " + (taken ? "service standard" : "density indicator"),
               "give the indicator its own id: per-zone targets name standards and indicators by id");
      PlanIndicator ind;
      ind.id = id;
      const std::string kind = it.required_string("kind", "\"presence\" (at least n facilities per zone) or \"share\"");
      if (kind == "presence") ind.kind = IndicatorKind::kPresence;
      else if (kind == "share") ind.kind = IndicatorKind::kShare;
      else it.fail("kind", "must be \"presence\" or \"share\", not \"" + kind + "\"",
                   "presence: every zone has at least min_count facilities; share: of the facilities selected, the "
                   "share that also match with_types / with_tags_any / with_min_level");
      ind.name_zh = it.string("name_zh", "");
      ind.name_en = it.string("name_en", "");
      if (ind.name_zh.empty() && ind.name_en.empty()) it.fail("name_zh", "an indicator needs name_zh or name_en");
      ind.level = it.string("level", s.zones.front().level);
      const ZoneLevelSpec* level = s.zone_level(ind.level);
      if (level == nullptr) it.fail("level", "no zone level '" + ind.level + "' in this scenario");
      parse_selector(it, "", ind.select, s);
      ind.select.include_planned = it.boolean("include_planned", false);
      if (ind.kind == IndicatorKind::kPresence) {
        for (const char* key : {"with_types", "with_tags_any", "with_min_level", "target_share"})
          if (it.has(key))
            it.fail(key, "applies to kind = \"share\"; a presence indicator counts facilities against min_count");
        if (auto n = it.number("min_count")) {
          if (!(*n >= 0 && *n <= 1e6 && std::floor(*n) == *n))
            it.fail("min_count", "must be a whole number of 0 or more (facilities per zone)");
          ind.min_count = *n;
        }
        if (auto d = it.number("within_m")) {
          if (!(*d > 0 && *d <= 500000)) it.fail("within_m", "must be more than 0 and at most 500,000 metres");
          if (level->geometry == ZoneGeometryKind::kPolygons && !level->seats)
            it.fail("within_m", "needs the seats of the zones of level '" + ind.level + "'",
                    "add [zones.seats] (source, code_field, x_field, y_field, crs) to that [[zones]] level: the county "
                    "towns (县政府驻地)");
          ind.within_m = *d;
        }
      } else {
        for (const char* key : {"min_count", "within_m"})
          if (it.has(key)) it.fail(key, "applies to kind = \"presence\"; a share indicator has target_share");
        parse_selector(it, "with_", ind.with, s);
        ind.with.include_planned = ind.select.include_planned;
        if (!it.has("with_types") && !it.has("with_tags_any") && !it.has("with_min_level"))
          it.fail("", "a share indicator needs what the facilities should have: with_types, with_tags_any or with_min_level",
                  "e.g. types = [\"township_health_center\"] and with_tags_any = [\"中医馆\"]");
        if (auto v = it.number("target_share")) {
          if (!(*v >= 0 && *v <= 1)) it.fail("target_share", "must be a share between 0 and 1 (e.g. 1 for 100 %)");
          ind.target_share = *v;
        }
      }
      parse_sources(it, ind.source_zh, ind.source_en);
      it.finish();
      s.indicators.push_back(std::move(ind));
    }
    t.finish();
  }

  /// The time standard `id` names (key "standard" of table `it`): refused naming the key when the scenario has no
  /// such standard, or when it is a distance standard (`what` needs travel times; `example` is a time standard).
  static const Standard& time_standard(TomlTable& it, const Scenario& s, const std::string& id, const char* what,
                                       const char* example) {
    const auto st = std::find_if(s.standards.begin(), s.standards.end(), [&](const Standard& x) { return x.id == id; });
    if (st == s.standards.end()) {
      std::string ids;
      for (const Standard& x : s.standards) ids += (ids.empty() ? "" : ", ") + x.id;
      it.fail("standard", "no standard '" + id + "' in this scenario", "the standards are: " + ids);
    }
    if (!st->threshold_min)
      it.fail("standard", "'" + id + "' is a distance standard; " + what + " needs travel times",
              std::string("name a time standard (threshold_min), e.g. ") + example);
    return *st;
  }

  /// [capacity.<id>]: capacity-aware coverage on a time standard's engine and mode (docs/method/capacity.md).
  void parse_capacity(TomlTable& t, Scenario& s) {
    for (const std::string& id : t.remaining()) {
      if (!is_identifier(id))
        t.fail(id, "capacity ids are lower-case letters, digits and _, at most 64 characters (e.g. thc_beds)");
      auto sub = t.table(id);
      if (!sub) t.fail(id, "must be a table: [capacity." + id + "] with standard, field, persons_per_unit …");
      TomlTable& it = *sub;
      CapacitySpec c;
      c.id = id;
      c.line = it.line();
      c.name_zh = it.string("name_zh", "");
      c.name_en = it.string("name_en", "");
      c.standard = it.required_string("standard", "the id of a time standard, e.g. \"primary_care_15min\"");
      const Standard* st = &time_standard(it, s, c.standard, "capacity coverage", "primary_care_15min");
      if (c.name_zh.empty()) c.name_zh = st->name_zh;
      if (c.name_en.empty()) c.name_en = st->name_en;
      if (it.has("types") || it.has("tags_any") || it.has("min_level")) {
        FacilitySelector sel;
        parse_selector(it, "", sel, s);
        sel.include_planned = it.boolean("include_planned", st->select.include_planned);
        c.select = sel;
      } else if (it.has("include_planned")) {
        it.fail("include_planned", "applies with types, tags_any or min_level; otherwise the standard's selection is used");
      }
      if (auto v = it.number("threshold_min")) {
        if (!(*v > 0 && *v <= 1440)) it.fail("threshold_min", "must be more than 0 and at most 1440 minutes");
        c.threshold_min = *v;
      }
      const bool has_field = it.has("field"), has_table = it.has("table");
      if (has_field == has_table)
        it.fail(has_field ? "table" : "field", "give the capacity from a facility attribute (field) or by type (table), one of them",
                "field = \"beds\" with persons_per_unit, or [capacity." + id + ".table] \"乡镇卫生院\" = 40");
      if (has_field) {
        c.field = it.required_string("field");
        if (!is_facility_attribute(c.field))
          it.fail("field", "'" + c.field + "' is not a facility attribute",
                  "use one of " + facility_attribute_names() + " (mapped in [facilities.fields])");
      } else {
        auto tab = it.table("table");
        if (!tab) it.fail("table", "must be a table: facility type (or type/level) = units, e.g. \"乡镇卫生院\" = 40");
        for (const std::string& key : tab->remaining()) {
          const auto slash = key.find('/');
          const std::string type_text = key.substr(0, slash);
          const FacilityType* ft = s.taxonomy.find_type(type_text);
          if (ft == nullptr) tab->fail(key, "unknown facility type '" + type_text + "'", types_hint(s.taxonomy));
          std::string k = ft->id;
          if (slash != std::string::npos) {
            auto level = parse_level(key.substr(slash + 1));
            if (!level) tab->fail(key, "'" + key.substr(slash + 1) + "' is not a level", "use 三级/二级/一级/未定级 (or 3/2/1/0)");
            k += "/" + std::to_string(static_cast<int>(*level));
          }
          const double v = tab->number(key, -1.0);
          if (!(v >= 0 && v <= 1e9)) tab->fail(key, "must be a number of 0 or more (capacity units per facility)");
          c.table[k] = v;
        }
        tab->finish();
        if (c.table.empty()) it.fail("table", "is empty: list the capacity units of each facility type");
      }
      c.persons_per_unit = it.number("persons_per_unit", 1.0);
      if (!(c.persons_per_unit > 0 && c.persons_per_unit <= 1e9))
        it.fail("persons_per_unit", "must be more than 0 (persons one unit serves, e.g. 833 per bed)");
      c.order = it.string("order", "population");
      if (c.order != "population" && !is_facility_attribute(c.order))
        it.fail("order", "must be \"population\" or a facility attribute (" + facility_attribute_names() + ")",
                "population: the facilities with most persons within the threshold first, as AccessMod does");
      parse_sources(it, c.source_zh, c.source_en);
      it.finish();
      s.capacity.push_back(std::move(c));
    }
    t.finish();
  }

  /// [siting.<id>]: facility siting on a time standard, as `carereach site` does (docs/method/siting.md).
  void parse_siting(TomlTable& t, Scenario& s) {
    for (const std::string& id : t.remaining()) {
      if (!is_identifier(id))
        t.fail(id, "siting ids are lower-case letters, digits and _, at most 64 characters (e.g. tcm_corners)");
      auto sub = t.table(id);
      if (!sub) t.fail(id, "must be a table: [siting." + id + "] with standard, candidates, budget or target_share …");
      TomlTable& it = *sub;
      SitingSpec c;
      c.id = id;
      c.line = it.line();
      c.name_zh = it.string("name_zh", "");
      c.name_en = it.string("name_en", "");
      c.standard = it.required_string("standard", "the id of a time standard, e.g. \"tcm_15min\"");
      const Standard* st = &time_standard(it, s, c.standard, "siting", "tcm_15min");
      if (c.name_zh.empty()) c.name_zh = st->name_zh;
      if (c.name_en.empty()) c.name_en = st->name_en;
      const std::string cand = it.required_string(
          "candidates", "existing:<facility types or tags> (e.g. \"existing:村卫生室\"), layer:<point file> or grid:<metres>");
      if (const std::string why = parse_siting_candidates(cand, c.candidates); !why.empty())
        it.fail("candidates", why, "use existing:<types or tags>, layer:<point file> or grid:<spacing in metres>");
      if (c.candidates.kind == SitingCandidates::Kind::kExisting)
        for (const std::string& x : c.candidates.selector)
          if (s.taxonomy.find_type(x) == nullptr && !s.taxonomy.find_tag(x))
            it.fail("candidates", "'" + x + "' is neither a facility type nor a tag", types_hint(s.taxonomy));
      if (c.candidates.kind == SitingCandidates::Kind::kLayer) {
        // Relative to the scenario file, as every input path.
        std::filesystem::path p(c.candidates.file);
        if (p.is_relative()) p = s.dir / p;
        c.candidates.path = p.lexically_normal().string();
      }
      for (const std::string& tag : it.string_list("tags")) {
        auto known = s.taxonomy.find_tag(tag);
        if (!known) it.fail("tags", "'" + tag + "' is not a known tag", "use a tag of docs/method/taxonomy.md (e.g. 中医阁)");
        c.tags.push_back(*known);
      }
      if (auto v = it.string("new_type")) {
        const FacilityType* ft = s.taxonomy.find_type(*v);
        if (ft == nullptr) it.fail("new_type", "unknown facility type '" + *v + "'", types_hint(s.taxonomy));
        c.new_type = ft->id;
      }
      const bool has_budget = it.has("budget"), has_target = it.has("target_share");
      if (has_budget && has_target)
        it.fail("target_share", "budget and target_share are two objectives: give one",
                "budget = N: the most persons for N sites; target_share = 0.9: the fewest sites for 90 %");
      if (has_budget) {
        const auto b = it.integer("budget");
        if (!b || *b < 1 || *b > 1000000) it.fail("budget", "must be a whole number from 1 to 1000000 (new sites)");
        c.budget = static_cast<std::uint32_t>(*b);
      }
      if (has_target) {
        const double v = it.number("target_share", -1.0);
        if (!(v >= 0 && v <= 1)) it.fail("target_share", "must be a share from 0 to 1 (e.g. 0.9)");
        c.target_share = v;
      }
      if (auto v = it.string("per_zone")) {
        if (const std::string why = parse_siting_per_zone(*v, c.per_zone_level, c.per_zone_min); !why.empty())
          it.fail("per_zone", why, "e.g. per_zone = \"township:1\" (K from 1 to 1000)");
        if (s.zone_level(c.per_zone_level) == nullptr) {
          std::string levels;
          for (const auto& z : s.zones) levels += (levels.empty() ? "" : ", ") + z.level;
          it.fail("per_zone", "no zone level '" + c.per_zone_level + "' in this scenario", "the levels are: " + levels);
        }
      }
      c.method = it.string("method", "auto");
      if (c.method != "auto" && c.method != "greedy" && c.method != "exact")
        it.fail("method", "must be \"greedy\", \"exact\" or \"auto\"");
      c.time_limit_s = it.number("time_limit_s", 60.0);
      if (!(c.time_limit_s >= 1 && c.time_limit_s <= 86400))
        it.fail("time_limit_s", "must be from 1 to 86400 seconds");
      c.accept_gap = it.number("gap", 0.0);
      if (!(c.accept_gap >= 0 && c.accept_gap <= 0.5))
        it.fail("gap", "must be from 0 to 0.5 (a relative optimality gap; 0: prove optimality)");
      if (auto v = it.string("closable")) {
        if (const std::string why = parse_siting_closable(*v, c.closable); !why.empty())
          it.fail("closable", why, "closable = \"existing:<types or tags>\" or \"ids:<facility ids>\" (e.g. \"ids:F1,F2\")");
        for (const std::string& x : c.closable.selector)
          if (s.taxonomy.find_type(x) == nullptr && !s.taxonomy.find_tag(x))
            it.fail("closable", "'" + x + "' is neither a facility type nor a tag", types_hint(s.taxonomy));
      }
      if (it.has("capacity")) {
        const double v = it.number("capacity", -1.0);
        if (!(v >= 0 && v <= 1e9)) it.fail("capacity", "must be a number of persons from 0 to 1e9 (what one site serves at most)");
        c.capacity = v;
      }
      if (auto v = it.string("capacity_field")) {
        if (!is_facility_attribute(*v))
          it.fail("capacity_field", "'" + *v + "' is not a facility attribute", "one of " + facility_attribute_names());
        c.capacity_field = *v;
      }
      if (it.has("persons_per_unit")) {
        if (c.capacity_field.empty())
          it.fail("persons_per_unit", "applies to capacity_field: give capacity_field too", "e.g. capacity_field = \"beds\"");
        c.persons_per_unit = it.number("persons_per_unit", 1.0);
        if (!(c.persons_per_unit > 0 && c.persons_per_unit <= 1e6))
          it.fail("persons_per_unit", "must be more than 0 and at most 1e6 (persons one unit serves)");
      }
      it.finish();
      s.siting.push_back(std::move(c));
    }
    t.finish();
  }

  ZoneTargetsSpec parse_zone_targets(TomlTable& t, const Scenario& s) {
    ZoneTargetsSpec z;
    z.key = t.path();
    z.line = t.line();
    z.level = t.required_string("level", "the zone level the codes belong to, e.g. \"county\"");
    if (s.zone_level(z.level) == nullptr) t.fail("level", "no zone level '" + z.level + "' in this scenario");
    z.label = t.required_string("label", "where the targets come from, e.g. \"各县区“十四五”卫生健康规划\"");
    const bool inline_values = t.has("zones");
    if (t.has("source") == inline_values)
      t.fail(inline_values ? "zones" : "source", "give the targets as a table (source) or inline (zones), one of them",
             "source = \"targets.csv\" with code_field, or [zone_targets.zones] \"411521\" = { beds_per_1000 = 7 }");
    auto check = [&](TomlTable& at, const std::string& key, const std::string& id, double value) {
      const auto kind = s.target_kind(id);
      if (!kind)
        at.fail(key, "'" + id + "' is not a standard, planning indicator or density indicator of this scenario",
                "per-zone targets name a standard id (tcm_15min), an [indicators.<id>] or a density indicator "
                "(beds_per_1000 …)");
      if (const std::string fault = target_value_fault(*kind, value); !fault.empty()) at.fail(key, fault);
    };
    if (inline_values) {
      auto zones = t.table("zones");
      if (!zones) t.fail("zones", "must be a table of zone code = { id = target, … }");
      for (const std::string& code : zones->remaining()) {
        auto entry = zones->table(code);
        if (!entry) zones->fail(code, "must be a table: \"" + code + "\" = { tcm_15min = 0.95 }");
        auto& into = z.values[code];
        z.value_lines[code] = zones->line_of(code);
        for (const std::string& id : entry->remaining()) {
          const auto v = entry->number(id);
          if (!v) entry->fail(id, "must be a number (the target)");
          check(*entry, id, id, *v);
          into[id] = *v;
        }
        entry->finish();
      }
      zones->finish();
    } else {
      z.source = parse_source(t, false);
      z.code_field = t.required_string("code_field", "the column holding the zone code");
      for (const auto& [id, column] : t.string_map("columns")) {
        if (!s.target_kind(id))
          t.fail("columns", "'" + id + "' is not a standard, planning indicator or density indicator of this scenario");
        z.columns[id] = column;
      }
    }
    t.finish();
    return z;
  }

  std::vector<Standard> parse_standards(TomlTable* t, const Scenario& s) {
    std::vector<Standard> out;
    const bool defaults = t == nullptr ? true : t->boolean("defaults", true);
    if (defaults) out = default_standards();
    if (t == nullptr) return out;
    for (const auto& id : t->string_list("disable")) {
      auto it = std::find_if(out.begin(), out.end(), [&](const Standard& st) { return st.id == id; });
      if (it == out.end()) t->fail("disable", "no standard '" + id + "' to disable");
      out.erase(it);
    }
    // The tables of the standards, in the file's order; variants (variant_of) come after the others, so that a
    // new variant copies its base with the base's own keys applied.
    std::vector<std::pair<std::string, TomlTable>> subs;
    std::set<std::string> declared_variants;
    for (const std::string& id : t->remaining()) {
      if (!is_identifier(id)) t->fail(id, "standard ids are lower-case letters, digits and _, at most 64 characters (e.g. tcm_15min)");
      auto sub = t->table(id);
      if (sub->has("variant_of")) declared_variants.insert(id);
      subs.emplace_back(id, std::move(*sub));
    }
    std::stable_partition(subs.begin(), subs.end(), [](const auto& p) { return !p.second.has("variant_of"); });
    for (auto& [id, sub] : subs) {
      auto find = [&out](const std::string& sid) {
        return std::find_if(out.begin(), out.end(), [&](const Standard& st) { return st.id == sid; });
      };
      std::string base;
      if (auto v = sub.string("variant_of")) {
        base = *v;
        std::string ids;
        for (const Standard& st : out)
          if (st.variant_of.empty() && st.id != id) ids += (ids.empty() ? "" : ", ") + st.id;
        if (base == id) sub.fail("variant_of", "a standard cannot be a variant of itself", "name the standard it varies: one of " + ids);
        // A variant not built yet (written later in the file) is still a variant: said before "no standard".
        if (declared_variants.count(base) > 0 || (find(base) != out.end() && !find(base)->variant_of.empty())) {
          const auto b = find(base);
          sub.fail("variant_of", "'" + base + "' is itself a variant; variants are grouped under one base standard",
                   b != out.end() && !b->variant_of.empty() ? "name the base standard '" + b->variant_of + "'"
                                                             : "name the standard '" + base + "' varies instead");
        }
        if (find(base) == out.end())
          sub.fail("variant_of", "no standard '" + base + "' to be a variant of", "standards of this scenario: " + ids);
      }
      auto it = find(id);
      if (it == out.end()) {
        Standard fresh;
        if (!base.empty()) {
          // A new variant starts as a copy of its base: the keys given change it.
          fresh = *find(base);
          fresh.name_zh.clear();
          fresh.name_en.clear();
          if (sub.has("mode") && !sub.has("estimate_speed_kmh")) fresh.estimate_speed_kmh.reset();
        } else {
          fresh.threshold_min.reset();
        }
        fresh.id = id;
        if (base.empty()) {
          out.push_back(std::move(fresh));
          it = out.end() - 1;
        } else {
          // Listed right after its base and the base's earlier variants, so tables show the group together.
          auto at = find(base) + 1;
          while (at != out.end() && at->variant_of == base) ++at;
          it = out.insert(at, std::move(fresh));
        }
        if (!sub.has("name_zh") && !sub.has("name_en")) sub.fail("", "a new standard needs name_zh or name_en");
        if (base.empty() && !sub.has("threshold_min") && !sub.has("distance_m"))
          sub.fail("", "a new standard needs threshold_min (minutes) or distance_m (metres)");
      }
      it->variant_of = base;
      parse_standard(sub, *it, s);
    }
    t->finish();
    // A straight-line estimate without its own circuity or speed takes the profile's for its mode; other engines
    // have none (a variant copied from an estimate and given another engine drops them).
    for (Standard& st : out) {
      if (st.engine != TravelEngine::kEstimate) {
        st.circuity.reset();
        st.estimate_speed_kmh.reset();
      }
      if (st.engine != TravelEngine::kEstimate || st.mode == TravelMode::kMixed) continue;
      const EstimateSpeed& e = s.travel.profile.estimate[mode_index(st.mode)];
      if (!st.circuity) st.circuity = e.circuity;
      if (!st.estimate_speed_kmh) st.estimate_speed_kmh = e.speed_kmh;
    }
    return out;
  }

  void parse_standard(TomlTable& t, Standard& st, const Scenario& s) {
    if (auto v = t.string("name_zh")) st.name_zh = *v;
    if (auto v = t.string("name_en")) st.name_en = *v;
    if (t.has("types")) {
      st.select.types.clear();
      for (const auto& type : t.string_list("types")) {
        const FacilityType* ft = s.taxonomy.find_type(type);
        if (ft == nullptr) t.fail("types", "unknown facility type '" + type + "'", types_hint(s.taxonomy));
        st.select.types.push_back(ft->id);
      }
    }
    if (t.has("tags_any")) {
      st.select.tags_any.clear();
      for (const auto& tag : t.string_list("tags_any")) {
        auto canonical = s.taxonomy.find_tag(tag);
        if (!canonical) t.fail("tags_any", "unknown tag '" + tag + "'", tags_hint(s.taxonomy));
        st.select.tags_any.push_back(*canonical);
      }
    }
    if (auto v = t.string("min_level")) {
      auto level = parse_level(*v);
      if (!level) t.fail("min_level", "'" + *v + "' is not a level", "use 三级/二级/一级/未定级 (or 3/2/1/0)");
      st.select.min_level = *level;
    }
    st.select.include_planned = t.boolean("include_planned", st.select.include_planned);
    if (auto v = t.string("mode")) {
      auto m = parse_travel_mode(*v);
      if (!m) t.fail("mode", "unknown mode '" + *v + "'", "use walk, bicycle, ebike, car or mixed");
      st.mode = *m;
    }
    if (auto v = t.string("engine")) {
      auto e = parse_travel_engine(*v);
      if (!e) t.fail("engine", "unknown engine '" + *v + "'", "use network, raster or estimate");
      st.engine = *e;
    }
    if (auto v = t.number("circuity")) {
      if (!(*v >= 1.0 && *v <= 5.0))
        t.fail("circuity", "must be at least 1 and at most 5",
               "road distance ÷ straight-line distance, e.g. 1.3 (docs/method/estimate.md)");
      st.circuity = *v;
    }
    if (auto v = t.number("estimate_speed_kmh")) {
      if (!(*v > 0 && *v <= 200)) t.fail("estimate_speed_kmh", "must be more than 0 and at most 200 km/h");
      st.estimate_speed_kmh = *v;
    }
    if (st.engine != TravelEngine::kEstimate) {
      // Keys of the estimate on a standard that does not use it would be silently ignored.
      for (const char* key : {"circuity", "estimate_speed_kmh"})
        if (t.has(key))
          t.fail(key, "applies only to engine = \"estimate\", and this standard uses the " +
                          std::string(to_string(st.engine)) + " engine",
                 "set engine = \"estimate\" for a straight-line estimate, or remove the key");
    } else if (st.mode == TravelMode::kMixed) {
      t.fail(t.has("engine") ? "engine" : "mode", "a straight-line estimate has one speed, and mode mixed has two",
             "use mode = \"car\" (or \"walk\") with engine = \"estimate\"");
    }
    if (auto v = t.string("direction")) {
      if (*v == "towards") st.direction = TripDirection::kTowardsFacility;
      else if (*v == "from") st.direction = TripDirection::kFromFacility;
      else t.fail("direction", "must be \"towards\" (patients travel to the facility) or \"from\" (outreach), not '" + *v + "'");
    }
    if (st.direction == TripDirection::kFromFacility && st.engine == TravelEngine::kNetwork)
      t.fail(t.has("direction") ? "direction" : "engine",
             "direction = \"from\" is not available with the network engine: its search runs towards the facilities "
             "(one-way streets would be taken the wrong way)",
             "use engine = \"raster\" for outreach times on slopes, or direction = \"towards\"");
    if (auto v = t.number("threshold_min")) {
      if (!(*v > 0 && *v <= 600)) t.fail("threshold_min", "must be more than 0 and at most 600 minutes");
      st.threshold_min = *v;
      st.distance_m.reset();
      st.distance_m_by_zone_class.clear();
    }
    if (const toml::node* n = t.take("distance_m")) {
      if (t.has("threshold_min")) t.fail("distance_m", "give threshold_min or distance_m, not both");
      st.threshold_min.reset();
      st.distance_m.reset();
      st.distance_m_by_zone_class.clear();
      auto check = [&](double d) {
        if (!(d > 0 && d <= 500000)) t.fail("distance_m", "distances must be more than 0 and at most 500 km");
        return d;
      };
      if (n->is_integer() || n->is_floating_point()) {
        st.distance_m = check(n->is_integer() ? static_cast<double>(n->as_integer()->get()) : n->as_floating_point()->get());
      } else if (n->is_table()) {
        for (const auto& [k, v] : *n->as_table()) {
          if (!v.is_integer() && !v.is_floating_point()) t.fail("distance_m", "values must be numbers (metres)");
          st.distance_m_by_zone_class[std::string(k.str())] =
              check(v.is_integer() ? static_cast<double>(v.as_integer()->get()) : v.as_floating_point()->get());
        }
        if (st.distance_m_by_zone_class.empty()) t.fail("distance_m", "give at least one zone class");
      } else {
        t.fail("distance_m", "must be a number of metres or a table such as { urban = 5000, rural = 15000 }");
      }
    }
    if (auto v = t.number("target_share")) {
      if (!(*v >= 0 && *v <= 1)) t.fail("target_share", "must be a share between 0 and 1 (e.g. 0.9 for 90 %)");
      st.target_share = *v;
    }
    if (t.has("report_levels")) {
      st.report_levels = t.string_list("report_levels");
      for (const auto& level : st.report_levels)
        if (s.zone_level(level) == nullptr) t.fail("report_levels", "no zone level '" + level + "' in this scenario");
    }
    // Any of source, source_zh, source_en replaces both texts: source is one text for both languages (a plan's
    // title), source_zh / source_en one each (a language left out shows the other).
    const auto source = t.string("source");
    const auto source_zh = t.string("source_zh");
    const auto source_en = t.string("source_en");
    if (source && (source_zh || source_en))
      t.fail("source", "give source (one text for both languages) or source_zh / source_en, not both",
             "source_zh = \"本地假设\" and source_en = \"local assumption\"");
    if (source || source_zh || source_en) {
      st.source_zh = source ? *source : source_zh.value_or("");
      st.source_en = source ? *source : source_en.value_or("");
    }
    t.finish();
  }

  fs::path file_;
  fs::path dir_;
  std::string shown_;
};

}  // namespace

const ZoneLevelSpec* Scenario::zone_level(const std::string& level) const {
  for (const auto& z : zones)
    if (z.level == level) return &z;
  return nullptr;
}

std::optional<TargetKind> Scenario::target_kind(const std::string& id) const {
  for (const auto& st : standards)
    if (st.id == id) return TargetKind::kStandard;
  for (const auto& ind : indicators)
    if (ind.id == id) return ind.kind == IndicatorKind::kPresence ? TargetKind::kPresence : TargetKind::kShare;
  for (const auto& d : default_density_indicators())
    if (d.id == id) return TargetKind::kDensity;
  return std::nullopt;
}

std::string target_value_fault(TargetKind kind, double v) {
  switch (kind) {
    case TargetKind::kStandard:
    case TargetKind::kShare:
      if (!(v >= 0 && v <= 1)) return "a target share must be between 0 and 1 (write 0.9 for 90 %)";
      return {};
    case TargetKind::kPresence:
      if (!(v >= 0 && v <= 1e6 && std::floor(v) == v)) return "a presence target must be a whole number of facilities, 0 or more";
      return {};
    case TargetKind::kDensity:
      if (!(v >= 0 && std::isfinite(v))) return "a density target must be a number of 0 or more";
      return {};
  }
  return {};
}

std::vector<fs::path> scenario_input_paths(const Scenario& s) {
  std::vector<fs::path> out{s.file};
  if (s.tile) out.push_back(s.tile->file);
  auto add = [&](const SourceSpec& src) { out.push_back(src.path); };
  for (const auto& z : s.zones) {
    add(z.source);
    if (z.seats) add(z.seats->source);
  }
  for (const auto& z : s.density.zone_totals) add(z.source);
  for (const auto& z : s.zone_targets)
    if (z.source) add(*z.source);
  if (s.population) {
    add(s.population->source);
    if (s.population->weights) add(*s.population->weights);
    if (s.population->settlements) add(s.population->settlements->source);
    if (s.population->finer) add(s.population->finer->source);
  }
  for (const auto& f : s.facilities) add(f.source);
  if (s.roads) add(s.roads->source);
  if (s.raster.landcover) add(*s.raster.landcover);
  if (s.raster.classes_file) add(*s.raster.classes_file);
  if (s.raster.dem) add(*s.raster.dem);
  if (s.raster.friction) add(*s.raster.friction);
  if (s.analysis.align_to) add(*s.analysis.align_to);
  for (const auto& b : s.raster.barriers) add(b);
  if (!s.travel.speeds_file.empty()) {
    const fs::path p(s.travel.speeds_file);
    out.push_back(p.is_absolute() ? p : (s.dir / p).lexically_normal());
  }
  for (const auto& x : s.siting)
    if (x.candidates.kind == SitingCandidates::Kind::kLayer) out.push_back(x.candidates.path);
  return out;
}

Scenario parse_scenario(const std::string& text, const fs::path& file) {
  toml::table root;
  try {
    root = toml::parse(text, file.string());
  } catch (const toml::parse_error& e) {
    Location at;
    at.file = file.string();
    at.line = static_cast<int>(e.source().begin.line);
    throw ScenarioError("is not valid TOML: " + std::string(e.description()) + " (column " +
                            std::to_string(e.source().begin.column) + ")",
                        at, "docs/scenario.md shows a complete example");
  }
  check_strings(root, file.string());
  fs::path dir = file.parent_path();
  if (dir.empty()) dir = ".";
  return Parser(file, dir).parse(root);
}

Scenario read_scenario(const fs::path& file) {
  std::error_code ec;
  if (!fs::exists(file, ec))
    throw InputError("scenario file not found", Location{file.string(), {}, {}, {}, 0},
                     "give the path of a scenario .toml file (docs/scenario.md)");
  if (fs::is_directory(file, ec))
    throw InputError("is a folder, not a scenario file", Location{file.string(), {}, {}, {}, 0},
                     "give the path of the scenario .toml file inside it");
  check_input_path(file, file.string(), "the scenario file");  // not /dev/zero or a pipe: read whole below
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError("cannot be read (permission denied?)", Location{file.string(), {}, {}, {}, 0});
  std::ostringstream ss;
  ss << in.rdbuf();
  return parse_scenario(ss.str(), file);
}

}  // namespace carereach::io
