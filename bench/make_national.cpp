// carereach-make-national: the national-size benchmark case. The real county polygons and 2020 census county
// totals of China (geodata/china-national), for all of China or a subset of provinces, with modelled settlements
// (township seats and villages placed in each county by seeded rules), the census totals spread over them by
// carereach's own settlement kernels, synthetic facilities at the settlements and a synthetic road network made by
// the generator of carereach-make-synthetic. Writes a scenario folder that `carereach validate` accepts; the same
// arguments give the same bytes. docs/performance.md ("National-size case") describes the rules.

#include <sys/resource.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <limits>
#include <tuple>
#include <cmath>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "geo/geos.hpp"
#include "synthetic/facilities.hpp"
#include "synthetic/layout.hpp"
#include "synthetic/population_raster.hpp"
#include "synthetic/random.hpp"
#include "synthetic/road_network.hpp"
#include "synthetic/spec.hpp"
#include "synthetic/writers.hpp"

#ifndef CAREREACH_NATIONAL_DATA
#define CAREREACH_NATIONAL_DATA "geodata/china-national"
#endif

namespace fs = std::filesystem;
namespace geo = carereach::geo;
using namespace carereach::synthetic;

namespace {

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;
constexpr const char* kPartialFolder = ".national-partial";
constexpr const char* kManifest = "national.json";
constexpr const char* kGenerator = "carereach-make-national";
/// The projection of the county polygons (the file carries none; geodata/china-national/README.md).
constexpr const char* kAlbers = "+proj=aea +lat_0=36 +lat_1=24 +lat_2=48 +lon_0=104.5 +datum=WGS84 +units=m +no_defs";
constexpr double kMaxRoadNodes = 50.0e6;
/// The rules (docs/performance.md, "National-size case").
constexpr double kPersonsPerTownship = 30'000.0;   // one 乡镇卫生院 per township seat
constexpr double kRuralPersonsPerVillage = 1'000.0;  // one 村卫生室 per village
constexpr double kUrbanDensityPerKm2 = 10'000.0;     // the county town's built-up area, for placing its 街道
constexpr double kRoadCellM = 1'000.0;               // the coarse surface that steers the road generator

struct ArgumentError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct CensusRow {
  std::string name;
  long long persons = -1;  ///< -1: no figure
  double urban_share = 0.0;
};

struct Source {
  std::string code, name;
  geo::Geometry polygon;
};

std::string strip(std::string s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

/// population.csv: CODE,NAME,POPU,POPU_WM,POPU_ETHNIC,POPU_URB,… (UTF-8 with a BOM). A row with an empty POPU
/// (350527 金门县) has no figure.
std::map<std::string, CensusRow> read_census(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error(file.string() + ": cannot be read");
  std::string line;
  std::getline(in, line);
  if (line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
  std::vector<std::string> header;
  {
    std::stringstream ss(strip(line));
    for (std::string f; std::getline(ss, f, ',');) header.push_back(f);
  }
  auto column = [&](const char* name) {
    const auto it = std::find(header.begin(), header.end(), name);
    if (it == header.end()) throw std::runtime_error(file.string() + ": no column " + name);
    return static_cast<std::size_t>(it - header.begin());
  };
  const std::size_t c_code = column("CODE"), c_name = column("NAME"), c_pop = column("POPU"),
                    c_urb = column("POPU_URB");
  std::map<std::string, CensusRow> rows;
  std::size_t row_number = 1;
  while (std::getline(in, line)) {
    ++row_number;
    line = strip(line);
    if (line.empty()) continue;
    std::vector<std::string> f;
    std::stringstream ss(line);
    for (std::string v; std::getline(ss, v, ',');) f.push_back(v);
    f.resize(header.size());
    CensusRow r;
    r.name = f[c_name];
    if (!f[c_pop].empty()) {
      std::size_t used = 0;
      r.persons = std::stoll(f[c_pop], &used);
      if (used != f[c_pop].size() || r.persons < 0)
        throw std::runtime_error(file.string() + " row " + std::to_string(row_number) + ": POPU is not a count");
      r.urban_share = f[c_urb].empty() ? 0.0 : std::clamp(std::stod(f[c_urb]), 0.0, 1.0);
    }
    if (f[c_code].size() != 6) throw std::runtime_error(file.string() + " row " + std::to_string(row_number) + ": CODE is not 6 digits");
    rows[f[c_code]] = r;
  }
  return rows;
}

/// The county layer of the TopoJSON (gzipped), features of the wanted provinces, in code order.
std::vector<Source> read_counties(const fs::path& file, const std::set<std::string>& provinces) {
  const std::string name = "/vsigzip/" + fs::absolute(file).string();
  GDALDatasetUniquePtr ds(GDALDataset::Open(name.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
  if (!ds) throw std::runtime_error(file.string() + ": cannot be opened as TopoJSON");
  OGRLayer* layer = ds->GetLayerByName("county");
  if (layer == nullptr) throw std::runtime_error(file.string() + ": no layer 'county'");
  std::vector<Source> out;
  for (const auto& feature : *layer) {
    char code[16];
    std::snprintf(code, sizeof code, "%06lld", static_cast<long long>(feature->GetFieldAsInteger64("CODE")));
    if (!provinces.empty() && provinces.count(std::string(code, 2)) == 0) continue;
    const OGRGeometry* g = feature->GetGeometryRef();
    if (g == nullptr) throw std::runtime_error(file.string() + ": county " + code + " has no geometry");
    std::vector<unsigned char> wkb(g->WkbSize());
    g->exportToWkb(wkbNDR, wkb.data(), wkbVariantIso);
    geo::Geometry polygon = geo::Geometry::from_wkb(wkb);
    if (!polygon.is_valid()) polygon = polygon.make_valid_polygonal();
    out.push_back({code, feature->GetFieldAsString("NAME"), std::move(polygon)});
  }
  std::sort(out.begin(), out.end(), [](const Source& a, const Source& b) { return a.code < b.code; });
  for (std::size_t i = 1; i < out.size(); ++i)
    if (out[i].code == out[i - 1].code) throw std::runtime_error(file.string() + ": county " + out[i].code + " twice");
  return out;
}

/// A point uniformly at random in the polygon (rejection in its envelope), or within `radius` of (cx, cy) when
/// radius > 0 (falling back to the centre after many misses).
/// Points are moved to the centre of their analysis cell (the grid's origin is on multiples of the cell size),
/// and a point is kept only when that centre lies in the county, so the run finds every settlement in the county
/// its code names.
struct Sampler {
  const geo::Envelope env;
  const geo::PreparedGeometry& prepared;
  const double cell_m;
  [[nodiscard]] double centre(double v) const { return (std::floor(v / cell_m) + 0.5) * cell_m; }
  std::pair<double, double> any(Rng& rng) const {
    for (int tries = 0; tries < 100'000; ++tries) {
      const double x = centre(rng.uniform(env.min_x, env.max_x)), y = centre(rng.uniform(env.min_y, env.max_y));
      if (prepared.covers(x, y)) return {x, y};
    }
    throw std::runtime_error("no cell centre found inside a county polygon");
  }
  std::pair<double, double> near(Rng& rng, double cx, double cy, double radius) const {
    for (int tries = 0; tries < 200; ++tries) {
      const double a = rng.uniform(0.0, 6.283185307179586), r = radius * std::sqrt(rng.unit());
      const double x = centre(cx + r * std::cos(a)), y = centre(cy + r * std::sin(a));
      if (prepared.covers(x, y)) return {x, y};
    }
    return {cx, cy};
  }
};

std::string numbered(const char* format, std::size_t n) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, n);
  return buf;
}

struct Settlement {
  double x = 0.0, y = 0.0, weight = 0.0;
  std::string county_code;
  const char* kind = "";
};

/// Everything placed in one county, from the county's own draws (keyed by its code, so a county is the same in
/// every subset that holds it).
void place_county(Layout& layout, std::vector<Settlement>& settlements, std::uint32_t county_index,
                  const CensusRow& census, std::uint64_t seed, double cell_m) {
  County& county = layout.counties[county_index];
  const geo::PreparedGeometry prepared(county.polygon);
  const Sampler sampler{county.polygon.envelope(), prepared, cell_m};
  const auto key = static_cast<std::uint64_t>(std::stoull(county.code));
  Rng rng(hash64(seed, Stream::kTownships, key), Stream::kTownships);

  const auto persons = static_cast<double>(census.persons);
  const double urban = persons * census.urban_share;
  const double rural = persons - urban;
  const auto n_towns = static_cast<std::size_t>(std::max(1.0, std::round(persons / kPersonsPerTownship)));
  const auto n_urban = std::clamp<std::size_t>(static_cast<std::size_t>(std::round(static_cast<double>(n_towns) * census.urban_share)), 1, n_towns);
  const std::size_t n_rural_towns = n_towns - n_urban;
  const auto n_villages = static_cast<std::size_t>(std::round(rural / kRuralPersonsPerVillage));
  const double urban_radius_m = 1000.0 * std::sqrt(std::max(urban, 1.0) / kUrbanDensityPerKm2 / 3.141592653589793);

  // The county seat (城关镇, holding half the urban population, all of it when it is the only urban township),
  // the other urban townships (街道) within the county town, the rural towns anywhere in the county.
  const auto [sx, sy] = sampler.any(rng);
  county.urban_population = n_urban == 1 ? urban : urban / 2.0;
  const auto first_town = static_cast<std::uint32_t>(layout.townships.size());
  county.seat_township = first_town;
  for (std::size_t t = 0; t < n_towns; ++t) {
    Township town;
    town.code = county.code + numbered("%03zu", t + 1);
    town.county = county_index;
    town.county_seat = t == 0;
    town.town = true;
    if (t == 0) {
      town.x_m = sx;
      town.y_m = sy;
      town.name = "城关镇";
      settlements.push_back({sx, sy, county.urban_population, county.code, "county_town"});
    } else if (t < n_urban) {
      std::tie(town.x_m, town.y_m) = sampler.near(rng, sx, sy, urban_radius_m);
      town.name = county.name + numbered("第%zu街道", t);
      town.population = urban / 2.0 / static_cast<double>(n_urban - 1);
      settlements.push_back({town.x_m, town.y_m, town.population, county.code, "urban_township"});
    } else {
      std::tie(town.x_m, town.y_m) = sampler.any(rng);
      town.name = county.name + numbered("第%zu镇", t);
      town.population = 0.15 * rural / static_cast<double>(n_rural_towns);
      settlements.push_back({town.x_m, town.y_m, town.population, county.code, "town"});
    }
    layout.townships.push_back(std::move(town));
  }

  // Villages anywhere in the county, each belonging to the nearest rural town (the nearest township when the
  // county has none); 85 % of the rural population lives in them, in sizes of 0.5–1.5 times the mean.
  std::vector<std::size_t> per_town(n_towns, 0);
  const std::size_t town_from = n_rural_towns > 0 ? n_urban : 0;
  for (std::size_t v = 0; v < n_villages; ++v) {
    Village village;
    std::tie(village.x_m, village.y_m) = sampler.any(rng);
    std::size_t best = town_from;
    double best_d = std::numeric_limits<double>::infinity();
    for (std::size_t t = town_from; t < n_towns; ++t) {
      const Township& town = layout.townships[first_town + t];
      const double d = std::hypot(town.x_m - village.x_m, town.y_m - village.y_m);
      if (d < best_d) {
        best_d = d;
        best = t;
      }
    }
    const std::size_t number = ++per_town[best];
    if (number > 999) throw std::runtime_error("county " + county.code + ": more than 999 villages in a township");
    village.township = first_town + static_cast<std::uint32_t>(best);
    village.code = layout.townships[village.township].code + numbered("%03zu", number);
    village.name = numbered("第%zu村", number);
    village.population = 0.85 * rural / static_cast<double>(n_villages) * rng.uniform(0.5, 1.5);
    settlements.push_back({village.x_m, village.y_m, village.population, county.code, "village"});
    layout.villages.push_back(std::move(village));
  }
}

void fail(const fs::path& file, const std::string& what) { throw std::runtime_error(file.string() + ": " + what); }

/// Polygons as GeoJSON in the Albers CRS with text fields.
void write_polygons(const fs::path& file, const char* layer_name, const std::vector<std::string>& fields,
                    const std::vector<std::vector<std::string>>& values, const std::vector<const geo::Geometry*>& geoms) {
  GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GeoJSON");
  if (driver == nullptr) fail(file, "GDAL has no GeoJSON driver");
  GDALDatasetUniquePtr ds(driver->Create(file.string().c_str(), 0, 0, 0, GDT_Unknown, nullptr));
  if (!ds) fail(file, "cannot be created");
  OGRSpatialReference srs;
  srs.SetFromUserInput(kAlbers);
  srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  char** lco = nullptr;
  lco = CSLSetNameValue(lco, "COORDINATE_PRECISION", "1");
  lco = CSLSetNameValue(lco, "RFC7946", "NO");
  lco = CSLSetNameValue(lco, "WRITE_NAME", "YES");
  OGRLayer* layer = ds->CreateLayer(layer_name, &srs, wkbUnknown, lco);
  CSLDestroy(lco);
  if (layer == nullptr) fail(file, "cannot create the layer");
  for (const std::string& name : fields) {
    OGRFieldDefn field(name.c_str(), OFTString);
    if (layer->CreateField(&field) != OGRERR_NONE) fail(file, "cannot create a field");
  }
  for (std::size_t i = 0; i < geoms.size(); ++i) {
    OGRFeature feature(layer->GetLayerDefn());
    for (std::size_t f = 0; f < fields.size(); ++f) feature.SetField(fields[f].c_str(), values[i][f].c_str());
    const std::vector<unsigned char> wkb = geoms[i]->to_wkb();
    OGRGeometry* geometry = nullptr;
    if (OGRGeometryFactory::createFromWkb(wkb.data(), &srs, &geometry, wkb.size()) != OGRERR_NONE)
      fail(file, "cannot convert a polygon");
    feature.SetGeometryDirectly(geometry);
    if (layer->CreateFeature(&feature) != OGRERR_NONE) fail(file, "cannot write a feature");
  }
}

std::ofstream open_text(const fs::path& file) {
  std::ofstream out(file, std::ios::binary);
  if (!out) fail(file, "cannot be created");
  return out;
}

void close_text(std::ofstream& out, const fs::path& file) {
  out.close();
  if (!out) fail(file, "could not be written completely");
}

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string join(const std::vector<std::string>& items, const char* sep) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : sep) + s;
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "Writes the national-size benchmark case as a carereach scenario folder: the real county polygons and 2020\n"
      "census county totals of China (all, or some provinces) with modelled settlements, synthetic facilities and\n"
      "a synthetic road network. The same arguments give the same bytes.",
      kGenerator};
  std::string provinces_text;
  double cell_size_m = 100.0;
  std::uint64_t seed = 1;
  double road_nodes_per_km2 = 30.0;
  std::string roads_text = "synthetic";
  std::string data_text = CAREREACH_NATIONAL_DATA;
  std::string out_text;
  app.add_option("--provinces", provinces_text,
                 "Provinces to keep, by the first two digits of the county codes, e.g. 34,41 (default: all)");
  app.add_option("--cell-size", cell_size_m, "The scenario's analysis cell size, metres")
      ->check(CLI::Range(1.0, 10000.0))
      ->capture_default_str();
  app.add_option("--seed", seed, "Seed of every random choice")->capture_default_str();
  app.add_option("--road-nodes-per-km2", road_nodes_per_km2,
                 "Road nodes per km² of the subset's bounding box (as carereach-make-synthetic's explicit extents)")
      ->check(CLI::Range(0.5, 200.0))
      ->capture_default_str();
  app.add_option("--roads", roads_text,
                 "synthetic: a synthetic road network; none: no roads, every standard by the straight-line "
                 "estimate (engine = \"estimate\")")
      ->check(CLI::IsMember({"synthetic", "none"}))
      ->capture_default_str();
  app.add_option("--data", data_text, "Folder holding counties-geo.topojson.gz and population.csv")
      ->capture_default_str();
  app.add_option("--out", out_text, "Output folder: new, empty, or an earlier output of this program")->required();
  CLI11_PARSE(app, argc, argv);

  try {
    std::set<std::string> provinces;
    {
      std::stringstream ss(provinces_text);
      for (std::string p; std::getline(ss, p, ',');) {
        p = strip(p);
        if (p.empty()) continue;
        if (p.size() != 2 || !std::isdigit(static_cast<unsigned char>(p[0])) ||
            !std::isdigit(static_cast<unsigned char>(p[1])))
          throw ArgumentError("--provinces: expected two-digit province codes such as 34,41, got '" + p + "'");
        provinces.insert(p);
      }
    }
    const fs::path data(data_text), out(out_text);
    std::error_code ec;
    if (fs::exists(out, ec)) {
      if (!fs::is_directory(out, ec)) throw ArgumentError(out.string() + " exists and is not a folder");
      bool empty = true;
      for (const auto& entry : fs::directory_iterator(out)) empty = empty && entry.path().filename() == kPartialFolder;
      if (!empty && !fs::exists(out / kManifest, ec))
        throw ArgumentError(out.string() + " is not empty and holds no " + kManifest +
                         ": give a new or empty folder (an earlier output of this program is replaced)");
    }

    GDALAllRegister();
    CPLSetErrorHandler(CPLQuietErrorHandler);
    // GDAL would write an index (counties-geo.topojson.gz.properties) beside the gzipped input: the data folder is
    // read, never written.
    CPLSetConfigOption("CPL_VSIL_GZIP_WRITE_PROPERTIES", "NO");
    const auto started = std::chrono::steady_clock::now();
    const std::map<std::string, CensusRow> census = read_census(data / "population.csv");
    std::vector<Source> sources = read_counties(data / "counties-geo.topojson.gz", provinces);
    for (const std::string& p : provinces)
      if (std::none_of(sources.begin(), sources.end(), [&](const Source& s) { return s.code.rfind(p, 0) == 0; }))
        throw ArgumentError("--provinces: no county has a code starting with " + p);

    SyntheticSpec spec;
    spec.size_name = "national";
    spec.seed = seed;
    spec.cell_size_m = cell_size_m;
    spec.crs = kAlbers;
    spec.roads_format = RoadsFormat::kPbf;

    // Counties with a census figure; the others are left out and named.
    Layout layout;
    std::vector<std::string> left_out;
    std::vector<const CensusRow*> rows;
    for (Source& s : sources) {
      const auto it = census.find(s.code);
      if (it == census.end() || it->second.persons < 0) {
        left_out.push_back(s.code + " " + s.name);
        continue;
      }
      County c;
      c.code = s.code;
      c.name = s.name;
      c.parent_code = s.code.substr(0, 4) + "00";
      c.polygon = std::move(s.polygon);
      layout.counties.push_back(std::move(c));
      rows.push_back(&it->second);
    }
    if (layout.counties.empty()) throw ArgumentError("no county of the subset has a census figure");
    sources.clear();

    // The extent: the counties' envelope, edges on multiples of the cell size.
    geo::Envelope box = layout.counties.front().polygon.envelope();
    for (const County& c : layout.counties) {
      const geo::Envelope e = c.polygon.envelope();
      box.min_x = std::min(box.min_x, e.min_x);
      box.min_y = std::min(box.min_y, e.min_y);
      box.max_x = std::max(box.max_x, e.max_x);
      box.max_y = std::max(box.max_y, e.max_y);
    }
    const double snap = std::max(cell_size_m, kRoadCellM);
    layout.extent = {std::floor(box.min_x / snap) * snap, std::floor(box.min_y / snap) * snap,
                     std::ceil(box.max_x / snap) * snap, std::ceil(box.max_y / snap) * snap};
    spec.width_km = layout.extent.width_m() / 1000.0;
    spec.height_km = layout.extent.height_m() / 1000.0;
    const bool with_roads = roads_text == "synthetic";
    spec.road_nodes_target = with_roads ? static_cast<std::size_t>(spec.area_km2() * road_nodes_per_km2) : 0;
    if (static_cast<double>(spec.road_nodes_target) > kMaxRoadNodes)
      throw ArgumentError("the subset's bounding box (" + fixed(spec.area_km2(), 0) + " km²) needs " +
                       std::to_string(spec.road_nodes_target) + " road nodes, more than 50,000,000: choose fewer "
                       "provinces (--provinces), a lower --road-nodes-per-km2 or --roads none");

    std::vector<Settlement> settlements;
    for (std::uint32_t i = 0; i < layout.counties.size(); ++i)
      place_county(layout, settlements, i, *rows[i], seed, cell_size_m);
    for (const County& c : layout.counties)
      if (c.polygon.type_id() == 6 /* GEOS_MULTIPOLYGON */) ++layout.multipart_counties;

    // Prefectures: the union of their counties (the first four digits of the code and 00).
    std::map<std::string, std::vector<geo::Geometry>> prefecture_parts;
    for (const County& c : layout.counties) prefecture_parts[c.parent_code].push_back(c.polygon.clone());
    std::vector<std::pair<std::string, geo::Geometry>> prefectures;
    for (auto& [code, parts] : prefecture_parts) prefectures.emplace_back(code, geo::Geometry::union_all(std::move(parts)));

    // The coarse surface that steers the road generator (denser and residential roads in towns), then the roads
    // and the facilities.
    RoadNetwork roads;
    if (with_roads) {
      SyntheticSpec road_spec = spec;
      road_spec.cell_size_m = kRoadCellM;
      const PopulationRaster coarse = make_population(road_spec, layout);
      roads = make_roads(spec, layout, coarse);
    }
    const std::vector<FacilityRow> facilities = make_facilities(spec, layout);

    // Write into a partial folder, then move into place (the manifest last).
    const fs::path partial = out / kPartialFolder;
    fs::remove_all(partial);
    fs::create_directories(partial);
    const FileNames names;
    {
      std::vector<std::vector<std::string>> values;
      std::vector<const geo::Geometry*> geoms;
      for (const County& c : layout.counties) {
        values.push_back({c.code, c.name, c.parent_code, c.code.substr(0, 2) + "0000"});
        geoms.push_back(&c.polygon);
      }
      write_polygons(partial / "counties.geojson", "counties", {"code", "name", "prefecture_code", "province_code"},
                     values, geoms);
      values.clear();
      geoms.clear();
      for (const auto& [code, polygon] : prefectures) {
        values.push_back({code, code + (code.substr(2, 2) == "90" ? " 省直辖县级单位" : " 地级单位"), code.substr(0, 2) + "0000"});
        geoms.push_back(&polygon);
      }
      write_polygons(partial / "prefectures.geojson", "prefectures", {"code", "name", "province_code"}, values, geoms);
    }
    {
      std::ofstream f = open_text(partial / "county_population.csv");
      f << "code,name,population\n";
      for (std::size_t i = 0; i < layout.counties.size(); ++i)
        f << layout.counties[i].code << ',' << layout.counties[i].name << ',' << rows[i]->persons << '\n';
      close_text(f, partial / "county_population.csv");
    }
    {
      std::ofstream f = open_text(partial / "settlements.csv");
      f << "county_code,kind,x,y,weight\n";
      for (const Settlement& s : settlements)
        f << s.county_code << ',' << s.kind << ',' << fixed(s.x, 1) << ',' << fixed(s.y, 1) << ','
          << fixed(s.weight, 1) << '\n';
      close_text(f, partial / "settlements.csv");
    }
    write_township_seats(partial / names.township_seats, spec, layout);
    write_facilities(partial / names.facilities, spec, facilities);
    if (with_roads) write_roads(partial / names.roads, spec, roads);

    long long persons = 0;
    for (const CensusRow* r : rows) persons += r->persons;
    std::size_t thc = 0, clinics = 0, hospitals = 0;
    for (const FacilityRow& r : facilities) {
      if (r.type == "乡镇卫生院") ++thc;
      else if (r.type == "村卫生室") ++clinics;
      else ++hospitals;
    }
    const std::string subset = provinces.empty() ? std::string("all") : join({provinces.begin(), provinces.end()}, ",");
    char cell[32];
    std::snprintf(cell, sizeof cell, "%g", cell_size_m);
    {
      std::ofstream f = open_text(partial / "scenario.toml");
      f << "# National-size benchmark case made by carereach-make-national (docs/performance.md, \"National-size case\"):\n"
        << "# provinces " << subset << ", seed " << seed << ". Real: the county polygons and the 2020 census county totals.\n"
        << "# Modelled: settlements, how each county's total is spread, facilities, roads. A benchmark, not an\n"
        << "# assessment of access to care anywhere. Check: carereach validate scenario.toml\n\n"
        << "[scenario]\n"
        << "name = \"全国县级单元基准测试（省份 " << subset << "，种子 " << seed << "）\"\n"
        << "name_en = \"National county benchmark (provinces " << subset << ", seed " << seed << ")\"\n"
        << "region = \"中国（部分省份：" << subset << "）\"\n"
        << "region_en = \"China (provinces " << subset << ")\"\n"
        << "description = \"Benchmark data: real county boundaries and 2020 census county totals; modelled settlements, "
           "population spread, facilities and roads.\"\n"
        << "data_note = \"县界和2020年第七次人口普查县级常住人口为真实数据；县内人口分布（按模拟的乡镇驻地和村庄核密度分配）、"
        << (with_roads ? "医疗卫生机构和道路均为模拟数据" : "医疗卫生机构均为模拟数据，出行时间为直线距离估算（无道路数据）")
        << "，仅用于性能基准测试，不代表任何地区的实际可及性。\"\n"
        << "data_note_en = \"County boundaries and 2020 census county totals are real; the spread of each county's total "
           "(kernels around modelled township seats and villages)"
        << (with_roads ? ", the facilities and the roads are modelled"
                       : " and the facilities are modelled, and travel times are straight-line estimates (no roads)")
        << ", for a performance benchmark only: the results say nothing about real access anywhere.\"\n\n"
        << "[analysis]\n"
        << "crs = \"" << kAlbers << "\"   # Albers equal-area for China (the polygons' own projection)\n"
        << "cell_size_m = " << cell << "\n"
        << "output_crs = \"EPSG:4490\"\n"
        << "study_area_level = \"county\"\n\n"
        << "[[zones]]\n"
        << "level = \"county\"\nlabel_zh = \"区县\"\nlabel_en = \"County\"\n"
        << "source = \"counties.geojson\"\ncrs = \"" << kAlbers << "\"   # GeoJSON cannot name this CRS\n"
        << "code_field = \"code\"\nname_field = \"name\"\nparent_field = \"prefecture_code\"\nparent_level = \"prefecture\"\n\n"
        << "[[zones]]\n"
        << "level = \"prefecture\"\nlabel_zh = \"地市\"\nlabel_en = \"Prefecture\"\n"
        << "source = \"prefectures.geojson\"\ncrs = \"" << kAlbers << "\"\n"
        << "code_field = \"code\"\nname_field = \"name\"\n\n"
        << "[[zones]]\n"
        << "level = \"township\"\nlabel_zh = \"乡镇\"\nlabel_en = \"Township\"\ngeometry = \"seats\"\n"
        << "source = \"" << names.township_seats << "\"\n"
        << "crs = \"EPSG:4490\"\nx_field = \"longitude\"\ny_field = \"latitude\"\n"
        << "code_field = \"code\"\nname_field = \"name\"\nparent_field = \"county_code\"\nparent_level = \"county\"\n\n"
        << "[population]\n"
        << "kind = \"zone_totals\"\n"
        << "source = \"county_population.csv\"\n"
        << "level = \"county\"\ncode_field = \"code\"\ncount_field = \"population\"\n"
        << "year = \"2020\"\n"
        << "label = \"2020年人口普查县级常住人口（县内分布为模拟）\"\n"
        << "modelled = true\n\n"
        << "[population.settlements]\n"
        << "source = \"settlements.csv\"\n"
        << "crs = \"" << kAlbers << "\"\n"
        << "x_field = \"x\"\ny_field = \"y\"\nweight_field = \"weight\"\ncode_field = \"county_code\"\n"
        << "label = \"模拟的乡镇驻地和村庄\"\n\n"
        << "[[facilities]]\n"
        << "source = \"" << names.facilities << "\"\n"
        << "crs = \"EPSG:4490\"\nx_field = \"经度\"\ny_field = \"纬度\"\n"
        << "modelled = true\n\n"
        << "[facilities.fields]\n"
        << "id = \"机构代码\"\nname = \"机构名称\"\ntype = \"机构类别\"\nlevel = \"等级\"\ntags = \"标签\"\n"
        << "beds = \"床位数\"\ndoctors = \"执业医师数\"\nnurses = \"注册护士数\"\ngps = \"全科医生数\"\n"
        << "tcm_beds = \"中医床位数\"\ntcm_doctors = \"中医执业医师数\"\n\n";
      if (with_roads)
        f << "[roads]\n"
          << "source = \"" << names.roads << "\"\n"
          << "label = \"合成道路网\"\n"
          << "modelled = true\n\n";
      f << "[standards]\n"
        << "defaults = true\n"
        << "disable = [\"emergency_radius\"]   # no emergency points in the benchmark data\n";
      if (!with_roads)
        for (const char* id : {"tcm_15min", "primary_care_15min", "county_hospital_30min", "county_hospital_60min"})
          f << "\n[standards." << id << "]\nengine = \"estimate\"   # no roads: straight-line distance x circuity / speed\n";
      close_text(f, partial / "scenario.toml");
    }
    {
      using Json = nlohmann::ordered_json;
      Json j;
      j["generator"] = kGenerator;
      j["provinces"] = subset;
      j["seed"] = seed;
      j["crs"] = kAlbers;
      j["extent_m"] = {layout.extent.min_x_m, layout.extent.min_y_m, layout.extent.max_x_m, layout.extent.max_y_m};
      j["cell_size_m"] = cell_size_m;
      j["roads"] = roads_text;
      j["road_nodes_per_km2"] = with_roads ? road_nodes_per_km2 : 0.0;
      j["rules"] = {{"persons_per_township_health_centre", kPersonsPerTownship},
                    {"rural_persons_per_village_clinic", kRuralPersonsPerVillage},
                    {"hospitals_per_county", "one 综合医院 and one 中医医院 at the county seat"}};
      Json counts;
      counts["counties"] = layout.counties.size();
      counts["counties_with_several_parts"] = layout.multipart_counties;
      counts["counties_left_out"] = left_out;
      counts["prefectures"] = prefectures.size();
      counts["population"] = persons;
      counts["townships"] = layout.townships.size();
      counts["villages"] = layout.villages.size();
      counts["settlements"] = settlements.size();
      counts["facilities"] = facilities.size();
      counts["county_hospitals"] = hospitals;
      counts["township_health_centres"] = thc;
      counts["village_clinics"] = clinics;
      counts["road_nodes"] = roads.node_count();
      counts["road_ways"] = roads.way_count();
      counts["grid_cells_of_the_extent"] = std::llround(layout.extent.width_m() / cell_size_m) *
                                           std::llround(layout.extent.height_m() / cell_size_m);
      j["counts"] = counts;
      std::ofstream f = open_text(partial / kManifest);
      f << j.dump(2) << '\n';
      close_text(f, partial / kManifest);
    }
    fs::remove(out / names.roads, ec);  // an earlier output with roads
    for (const char* name : {"counties.geojson", "prefectures.geojson", "county_population.csv", "settlements.csv",
                             names.township_seats.c_str(), names.facilities.c_str(), names.roads.c_str(),
                             "scenario.toml", kManifest})
      if (fs::exists(partial / name)) fs::rename(partial / name, out / name);
    fs::remove_all(partial);

    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    std::printf("%s: provinces %s, seed %llu → %s\n", kGenerator, subset.c_str(),
                static_cast<unsigned long long>(seed), out.string().c_str());
    std::printf("  %zu counties (%zu left out: %s), %zu prefectures, %lld persons\n", layout.counties.size(),
                left_out.size(), left_out.empty() ? "none" : join(left_out, ", ").c_str(), prefectures.size(), persons);
    std::printf("  %zu townships, %zu villages; %zu facilities: %zu county hospitals, %zu 乡镇卫生院, %zu 村卫生室\n",
                layout.townships.size(), layout.villages.size(), facilities.size(), hospitals, thc, clinics);
    std::printf("  extent %.0f x %.0f km (%lld cells of %g m); roads: %zu nodes, %zu ways\n",
                layout.extent.width_m() / 1000.0, layout.extent.height_m() / 1000.0,
                static_cast<long long>(std::llround(layout.extent.width_m() / cell_size_m) *
                                       std::llround(layout.extent.height_m() / cell_size_m)),
                cell_size_m, roads.node_count(), roads.way_count());
    std::printf("  %.1f s, peak memory (max RSS) %.0f MB\n", seconds, static_cast<double>(usage.ru_maxrss) / 1024.0);
    return 0;
  } catch (const ArgumentError& e) {
    std::cerr << kGenerator << ": error: " << e.what() << '\n';
    return kExitUsage;
  } catch (const std::exception& e) {
    std::cerr << kGenerator << ": error: " << e.what() << '\n';
    return kExitFailure;
  }
}
