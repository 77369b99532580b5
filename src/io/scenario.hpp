#pragma once
// The scenario file (TOML): what to analyse and how. docs/scenario.md is the reference for every key.
// Parsing checks the structure (unknown keys, types, ranges, files exist); the data behind the paths is read
// by the loaders (zones, population, facilities, roads).

#include <filesystem>
#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/capacity_spec.hpp"
#include "core/siting_spec.hpp"
#include "core/access_models.hpp"
#include "core/density_indicator.hpp"
#include "core/indicator.hpp"
#include "core/landcover.hpp"
#include "core/speeds.hpp"
#include "core/standard.hpp"
#include "core/taxonomy.hpp"

namespace carereach::io {

/// A data source named in the scenario: a file (any GDAL/OGR format or CSV), a layer, a declared CRS.
struct SourceSpec {
  std::string path_as_written;     ///< as in the scenario (used in messages)
  std::filesystem::path path;      ///< resolved against the scenario's folder
  std::string layer;               ///< OGR layer; empty = the only/first layer
  std::string crs;                 ///< declared CRS ("EPSG:4326", "gcj02", "bd09" …); empty = the file's own
  std::string x_field, y_field;    ///< for point tables without geometry (CSV): coordinate columns
  std::string encoding;            ///< text encoding (io/text_encoding.hpp): "" = detect (UTF-8, else GB18030)
  std::string key;                 ///< the scenario key that names it, e.g. "facilities[1]"
  int line = 0;                    ///< line of that key in the scenario file

  [[nodiscard]] bool is_table_with_xy() const { return !x_field.empty() || !y_field.empty(); }
};

struct AnalysisSpec {
  std::string crs = "auto";            ///< "auto" or a projected metric CRS
  double cell_size_m = 100.0;
  std::string output_crs = "EPSG:4490";  ///< CRS of output vector layers
  std::string study_area_level;        ///< zone level whose union is the study area; empty = the first level
  /// [analysis] align_to: a raster whose grid becomes the analysis grid (origin, cell size, extent and CRS), as
  /// AccessMod works on the grid of its project's rasters. Not together with crs or cell_size_m.
  std::optional<SourceSpec> align_to;
};

/// [output]: what the run folder's QGIS project adds beyond the run's own files.
struct OutputSpec {
  /// An XYZ tile basemap at the bottom of the QGIS project, off (unticked) so the project opens offline:
  /// "" (none, the default), "osm" (OpenStreetMap) or "tianditu" (天地图 vector map, needs tianditu_key).
  std::string basemap;
  std::string tianditu_key;  ///< the 天地图 browser key (tk); written into the project's tile URL
};

enum class ZoneGeometryKind { kPolygons, kSeats };

/// The seats (政府驻地: the county town of a county) of the zones of a polygon level ([zones.seats]): one point per
/// zone code, for planning indicators counted near the seat (within_m).
struct ZoneSeatsSpec {
  SourceSpec source;       ///< a point layer, or a table with x_field/y_field (and crs)
  std::string code_field;  ///< the zone code of each seat
};

struct ZoneLevelSpec {
  std::string level;  ///< "county", "township" …
  std::string label_zh;
  std::string label_en;
  ZoneGeometryKind geometry = ZoneGeometryKind::kPolygons;  ///< seats: points (乡镇政府驻地) from which zones are derived
  SourceSpec source;
  std::string code_field;
  std::string name_field;
  std::string parent_field;  ///< code of the parent zone
  std::string parent_level;  ///< level the parent codes refer to
  std::string filter_field;  ///< keep only features whose filter_field value is in filter_values
  std::vector<std::string> filter_values;
  std::string class_field;   ///< urban/rural class of each zone (emergency radius); empty: from the zone name
  std::vector<std::string> urban_values;  ///< class_field values meaning urban (the others are rural)
  std::optional<ZoneSeatsSpec> seats;      ///< polygon levels: the zones' seats ([zones.seats])
};

/// raster: persons per pixel; points: a count per point; zone totals: a count per zone of a zone level;
/// polygons: a count per polygon of any polygon layer (census blocks, hexagon grids).
enum class PopulationKind { kRaster, kPoints, kZoneTotals, kPolygons };

/// Settlement points (乡镇政府驻地, 村委会 …) that weight the spread of zone totals ([population.settlements]):
/// each point carries a Gaussian kernel; the weight surface is their sum (docs/method/population.md).
struct SettlementSpec {
  SourceSpec source;                  ///< a point layer, or a table with x_field/y_field (and crs)
  std::string weight_field;           ///< relative size of each settlement; empty: every point weighs 1
  std::string code_field;             ///< optional: the zone code of each point (or a longer code starting with it)
  std::string filter_field;           ///< keep only rows whose filter_field value is in filter_values
  std::vector<std::string> filter_values;
  std::optional<double> bandwidth_m;  ///< the kernel's σ; nullopt: from the points' spacing (sqrt(A / 12 n))
  int bandwidth_line = 0;
  std::string label;                  ///< how reports name the points ("乡镇驻地和村委会"); default 居民点 / settlements
};

/// Census totals of a finer zone level (乡镇街道) within the zones of the main table ([population.finer_totals]).
struct FinerTotalsSpec {
  SourceSpec source;
  std::string level;       ///< a zone level below population.level: polygons, or seats (points)
  std::string code_field;
  std::string count_field;
};

struct PopulationSpec {
  PopulationKind kind = PopulationKind::kRaster;
  SourceSpec source;
  int band = 1;                  ///< raster band (raster, weights)
  std::string count_field;       ///< points, zone totals and polygons: the persons column
  std::string level;             ///< zone totals: the zone level they belong to
  std::string code_field;        ///< zone totals: the zone code column
  std::optional<SourceSpec> weights;  ///< zone totals and polygons: optional raster of weights (e.g. built-up area)
  int weights_band = 1;
  std::optional<SettlementSpec> settlements;  ///< zone totals: settlement points weighting the spread
  std::optional<FinerTotalsSpec> finer;       ///< zone totals: totals of a finer level, spread within each zone
  std::string year;              ///< data year, for reports ("2020")
  std::string label;             ///< description of the source, for reports ("第七次全国人口普查")
  bool modelled = false;         ///< the population is modelled, not counted (said in the key findings)
};

enum class OnInvalid { kError, kSkip };

/// Column mapping of a facility source: output attribute -> input column.
struct FacilityFields {
  std::string id, name, type, level, tags, status;
  std::string beds, doctors, nurses, gps, tcm_beds, tcm_doctors, capacity;
};

struct FacilitySourceSpec {
  SourceSpec source;
  FacilityFields fields;
  std::map<std::string, std::string> type_map;  ///< input value -> taxonomy id (in addition to the taxonomy's aliases)
  std::string default_type;                     ///< when there is no type column (or it is empty)
  std::string default_level;
  std::vector<std::string> default_tags;        ///< added to every facility of this source
  std::string id_prefix;                        ///< prepended to ids (keeps ids of several sources apart)
  OnInvalid on_invalid = OnInvalid::kError;     ///< bad rows: stop (error) or leave out with a warning (skip)
  bool modelled = false;  ///< the facilities are modelled proxies, not a facility register (said in the key findings)
};

enum class RoadSourceKind { kOsm, kLines };

struct RoadSpec {
  RoadSourceKind kind = RoadSourceKind::kOsm;  ///< decided from the file extension (.osm, .osm.pbf, .pbf)
  SourceSpec source;
  std::string class_field;   ///< lines: road class (OSM highway values, or mapped with class_map)
  std::string speed_field;   ///< lines: speed in km/h (overrides the class speed)
  std::string oneway_field;  ///< lines: 1 / -1 / 0 (yes/no accepted)
  std::string name_field;
  std::map<std::string, std::string> class_map;  ///< input class value -> OSM highway class
  std::string label;         ///< description for reports ("OpenStreetMap 2024-05")
  bool modelled = false;     ///< the roads are modelled, not surveyed (said in reports)
};

enum class SnapRule { kEdge, kNode };

/// How cells and facilities join the road network and how far searches go ([travel]).
struct TravelSpec {
  SpeedProfile profile;                 ///< data/speeds.toml (or speeds_file) with the scenario's overrides
  std::string speeds_file;              ///< a whole profile file replacing the shipped one, as written
  std::uint32_t connectors_per_cell = 3;  ///< distinct roads a cell joins (edge snapping)
  SnapRule snap = SnapRule::kEdge;      ///< kNode: nearest graph node only (for comparisons with other tools)
  double search_limit_min = 120.0;      ///< travel times are computed up to this (at least each threshold)
};

/// Inputs of the raster (AccessMod-compatible) engine ([raster]); all optional.
struct RasterSpec {
  std::optional<SourceSpec> landcover;  ///< integer raster of land-cover classes
  int landcover_band = 1;
  std::vector<LandCoverClass> classes;  ///< speed table: inline [[raster.classes]] or read from classes_file
  std::optional<SourceSpec> classes_file;  ///< CSV with class,label,speed_kmh,mode
  /// A friction surface given directly, in seconds per metre ([raster.friction], AccessMod issue #487): in place of
  /// the land cover; no-data cells follow no_land_cover, values ≤ 0 or infinite are refused.
  std::optional<SourceSpec> friction;
  int friction_band = 1;
  std::optional<SourceSpec> dem;        ///< elevation in metres (anisotropic walking, Tobler)
  int dem_band = 1;
  std::vector<SourceSpec> barriers;     ///< lines/polygons that cannot be crossed (rivers, cliffs)
  int neighbours = 16;                  ///< 8, or 16 with knight's moves (as GRASS r.cost -k)
  bool anisotropic = false;             ///< Tobler's hiking function on the DEM for walking cells
  /// [raster.bicycle]: bicycling cells follow AccessMod's power balance on the DEM's slopes (needs anisotropic).
  std::optional<BicyclePowerModel> bicycle;
  bool burn_roads = true;               ///< roads (at the standard's mode speeds) over the land cover
  /// [raster.road_modes]: a travel mode per road class ("walking", "bicycling", "motorized"; empty: the standard's
  /// own), indexed by road_class_index.
  std::array<std::string, kRoadClassCount> road_modes{};
  /// Cells without land cover (outside the land-cover raster, no-data in it, or every cell when there is none):
  /// impassable (false, the default, as in AccessMod) or walked at default_speed_kmh (no_land_cover = "default_speed").
  bool no_land_cover_default_speed = false;
  double default_speed_kmh = 5.0;       ///< cells without land cover, with no_land_cover = "default_speed"
};

/// Values of facility attributes a change sets (absent: unchanged).
struct FacilityAttributes {
  std::optional<double> beds, doctors, nurses, gps, tcm_beds, tcm_doctors, capacity;
};

/// A facility the scenario adds inline ([[changes.add]]).
struct FacilityAddition {
  std::string id;
  std::string name;
  std::string type;   ///< taxonomy id, Chinese name or alias
  std::string level;  ///< 三级/二级/一级/未定级 …
  std::vector<std::string> tags;
  double x = 0.0;     ///< in `crs` (longitude first for geographic CRSs)
  double y = 0.0;
  std::string crs = "EPSG:4326";  ///< any CRS, or gcj02 / bd09
  FacilityAttributes attributes;
  std::string key;    ///< changes.add[0]
  int line = 0;
};

/// Changes to existing facilities ([[changes.upgrade]]): new type, level, tags added or removed, attributes set.
struct FacilityUpgrade {
  std::vector<std::string> ids;  ///< facility ids as in the inputs (after id_prefix)
  std::string type;
  std::string level;
  std::vector<std::string> add_tags;
  std::vector<std::string> remove_tags;
  FacilityAttributes attributes;
  std::string key;  ///< changes.upgrade[0]
  int line = 0;
};

/// What a scenario changes in the facilities ([changes]): applied after loading, in the order close, upgrade, add.
struct ScenarioChanges {
  std::string label_zh;  ///< e.g. 村卫生室新增中医阁 (for reports and compare)
  std::string label_en;
  std::vector<std::string> close;  ///< ids of facilities closed
  int close_line = 0;
  std::vector<FacilityUpgrade> upgrade;
  std::vector<FacilityAddition> add;
  [[nodiscard]] bool empty() const { return close.empty() && upgrade.empty() && add.empty(); }
};

/// Resources given as totals per zone ([[density.zone_totals]]), e.g. beds, doctors and nurses per county from a
/// statistical yearbook, with the population the yearbook divides by.
struct ZoneTotalsSpec {
  std::string level;       ///< the zone level of the codes
  SourceSpec source;       ///< a table (CSV, XLSX, any OGR layer) with one row per zone
  std::string code_field;
  std::vector<std::string> fields;  ///< per DensityAttribute (6): the column of that resource, "" when not given
  std::string population_field;     ///< the population the totals are per (常住人口 of the yearbook); "" = the grid's
  std::string label;                ///< where the totals come from (统计年鉴), shown with them: required
  std::string year;
  std::string population_label;     ///< how the tables name that population (default 统计年鉴常住人口)
  std::string key;                  ///< density.zone_totals[0]
  int line = 0;
};

/// Local targets of the resource-density indicators ([density]): indicator id → target, with their source.
struct DensitySpec {
  std::map<std::string, double> targets;  ///< e.g. beds_per_1000 = 6.5
  std::map<std::string, int> target_lines;  ///< line of each target in the scenario file (for errors)
  std::string source;                     ///< where the local targets come from (local plan)
  bool include_planned = false;           ///< planned facilities count in the density
  std::vector<ZoneTotalsSpec> zone_totals;  ///< resource totals per zone (at most one table per level)
};

/// What a per-zone target applies to: a standard's target share, a presence indicator's count, a share indicator's
/// target share, or a density indicator's target.
enum class TargetKind { kStandard, kPresence, kShare, kDensity };

/// Per-zone targets ([[zone_targets]]): for the zones of one level, targets that replace the scenario-wide ones of
/// standards, planning indicators and density indicators. Inline (`zones`) or as a table (`source`).
struct ZoneTargetsSpec {
  std::string level;
  std::string label;  ///< where the targets come from (each county's plan), shown beside them
  std::optional<SourceSpec> source;      ///< a table: one row per zone, code_field, a column per id
  std::string code_field;
  std::map<std::string, std::string> columns;  ///< table: id → column (empty: the columns named as ids)
  /// Inline: zone code → (id → target), with the line of each zone's entry.
  std::map<std::string, std::map<std::string, double>> values;
  std::map<std::string, int> value_lines;
  std::string key;  ///< zone_targets[0]
  int line = 0;
};

struct ScenarioInfo {
  std::string name;     ///< 亳州市 基线
  std::string name_en;
  std::string region;   ///< study area name
  std::string region_en;  ///< in English (empty: `region` in both languages)
  std::string description;     ///< free text (Chinese reports)
  std::string description_en;  ///< the same in English (--lang en; empty: description)
  /// One sentence saying which data are modelled, first in the key findings ("数据说明"); empty: said from what the
  /// scenario marks modelled ([roads], [population], [[facilities]] modelled = true), or nothing when nothing is.
  std::string data_note;
  std::string data_note_en;  ///< the same in English (empty: data_note)
};

/// A tile of a parent scenario ([tile], docs/method/tiles.md): the parent's inputs restricted to the tile's own
/// region and a halo around it; the run reports the own region only. Written by `carereach tile`.
struct TileSpec {
  std::filesystem::path file;      ///< the tile scenario file (the parent's `file` is Scenario::file)
  std::string parent_as_written;   ///< `scenario` as written in the tile file
  std::string plan_as_written;     ///< `plan` as written ("" when none)
  std::string id;                  ///< [A-Za-z0-9_-]+
  std::string by;                  ///< "county" | "prefecture" | "grid"
  std::string level;               ///< county/prefecture: the zone level of `codes`
  std::vector<std::string> codes;  ///< county/prefecture: the zones of the own region
  std::array<double, 4> box{};     ///< grid: own rectangle x0, y0, x1, y1 (analysis CRS, metres, on cell edges)
  double halo_m = 0.0;
  std::string crs;                 ///< the analysis CRS fixed for the tile
  int line = 0;                    ///< line of [tile]
};

struct Scenario {
  std::filesystem::path file;  ///< the scenario file
  std::filesystem::path dir;   ///< its folder: relative paths are resolved against it
  ScenarioInfo info;
  AnalysisSpec analysis;
  std::vector<ZoneLevelSpec> zones;
  std::optional<PopulationSpec> population;
  std::vector<FacilitySourceSpec> facilities;
  std::optional<RoadSpec> roads;
  TravelSpec travel;
  RasterSpec raster;
  ScenarioChanges changes;
  DensitySpec density;
  Taxonomy taxonomy;               ///< built-in taxonomy plus the scenario's additions
  std::vector<Standard> standards;  ///< defaults (unless disabled) with the scenario's overrides and additions
  std::vector<PlanIndicator> indicators;  ///< planning indicators ([indicators.<id>]), in the order given
  std::vector<ZoneTargetsSpec> zone_targets;  ///< per-zone targets ([[zone_targets]])
  std::vector<CapacitySpec> capacity;  ///< capacity-aware coverages ([capacity.<id>]), in the order given
  AccessModelSpecs access_models;  ///< [referral.<id>], [accessibility.<id>], [huff.<id>]
  std::vector<SitingSpec> siting;  ///< facility sitings ([siting.<id>]), in the order given
  OutputSpec output;               ///< [output]
  std::optional<TileSpec> tile;    ///< set when the file read was a tile scenario (its parent's content above)

  [[nodiscard]] const ZoneLevelSpec* zone_level(const std::string& level) const;
  /// What a per-zone target with this id applies to: a standard, a planning indicator or a density indicator id.
  [[nodiscard]] std::optional<TargetKind> target_kind(const std::string& id) const;
};

/// Why a per-zone target value is not valid for its kind ("" when it is): shares 0–1, counts whole numbers of 0 or
/// more, density targets 0 or more.
std::string target_value_fault(TargetKind kind, double value);

/// Every file the scenario reads: the scenario file itself, every source, the speed profile file. An output
/// folder may neither be one of them nor contain one.
std::vector<std::filesystem::path> scenario_input_paths(const Scenario& scenario);

/// Reads and checks a scenario file. Throws ScenarioError (malformed TOML, unknown key, wrong type, bad value —
/// with the line) or InputError (a named file does not exist).
Scenario read_scenario(const std::filesystem::path& file);
/// The same from text, with `file` used for messages and to resolve relative paths.
Scenario parse_scenario(const std::string& text, const std::filesystem::path& file);

}  // namespace carereach::io
