#include "synthetic/writers.hpp"

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <osmium/builder/osm_object_builder.hpp>
#include <osmium/io/any_output.hpp>
#include <osmium/io/header.hpp>
#include <osmium/memory/buffer.hpp>
#include <osmium/osm/box.hpp>
#include <osmium/osm/location.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <memory>
#include <stdexcept>

#include "geo/crs.hpp"

namespace carereach::synthetic {

namespace fs = std::filesystem;

namespace {

constexpr const char* kGenerator = "carereach-make-synthetic";
constexpr const char* kUtf8Bom = "\xEF\xBB\xBF";

[[noreturn]] void fail(const fs::path& file, const std::string& what) {
  const char* gdal = CPLGetLastErrorMsg();
  throw std::runtime_error(file.string() + ": " + what +
                           (gdal != nullptr && *gdal != '\0' ? std::string(" (") + gdal + ")" : ""));
}

struct GdalCloser {
  void operator()(GDALDataset* ds) const noexcept { GDALClose(ds); }
};
using DatasetPtr = std::unique_ptr<GDALDataset, GdalCloser>;

struct CslFree {
  void operator()(char** list) const noexcept { CSLDestroy(list); }
};
using Options = std::unique_ptr<char*, CslFree>;

Options options(std::initializer_list<std::pair<const char*, const char*>> items) {
  char** list = nullptr;
  for (const auto& [k, v] : items) list = CSLSetNameValue(list, k, v);
  return Options(list);
}

OGRSpatialReference spatial_ref(const std::string& definition) {
  OGRSpatialReference srs;
  if (srs.SetFromUserInput(definition.c_str()) != OGRERR_NONE) throw std::runtime_error("unknown CRS " + definition);
  srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  return srs;
}

std::ofstream open_text(const fs::path& file) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error(file.string() + ": cannot be written");
  return out;
}

void close_text(std::ofstream& out, const fs::path& file) {
  out.close();
  if (!out) throw std::runtime_error(file.string() + ": write failed");
}

/// Longitude/latitude with 7 decimals (about 1 cm).
std::string lonlat_text(double lon, double lat) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.7f,%.7f", lon, lat);
  return buf;
}

/// Projected coordinates to CGCS2000 longitude/latitude.
std::pair<std::vector<double>, std::vector<double>> to_lonlat(const SyntheticSpec& spec, std::vector<double> x,
                                                              std::vector<double> y, const char* target) {
  const geo::Transformer t(geo::CrsSpec::parse(spec.crs), geo::CrsSpec::parse(target));
  if (t.transform(std::span<double>(x), std::span<double>(y)) != 0)
    throw std::runtime_error("some coordinates could not be converted to " + std::string(target));
  return {std::move(x), std::move(y)};
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (const char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

FileNames file_names(const SyntheticSpec& spec) {
  FileNames n;
  char buf[64];
  std::snprintf(buf, sizeof buf, "population_%gm.tif", spec.cell_size_m);
  n.population = buf;
  if (spec.roads_format == RoadsFormat::kOsmXml) n.roads = "roads.osm";
  return n;
}

void write_counties(const fs::path& file, const SyntheticSpec& spec, const Layout& layout) {
  GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GeoJSON");
  if (driver == nullptr) fail(file, "GDAL has no GeoJSON driver");
  std::error_code ec;
  fs::remove(file, ec);
  DatasetPtr ds(driver->Create(file.string().c_str(), 0, 0, 0, GDT_Unknown, nullptr));
  if (!ds) fail(file, "cannot be created");
  OGRSpatialReference srs = spatial_ref(spec.crs);
  const Options lco = options({{"COORDINATE_PRECISION", "2"}, {"RFC7946", "NO"}, {"WRITE_NAME", "YES"}});
  OGRLayer* layer = ds->CreateLayer("counties", &srs, wkbUnknown, lco.get());
  if (layer == nullptr) fail(file, "cannot create the layer");
  for (const char* name : {"code", "name", "parent_code"}) {
    OGRFieldDefn field(name, OFTString);
    if (layer->CreateField(&field) != OGRERR_NONE) fail(file, "cannot create a field");
  }
  for (const County& c : layout.counties) {
    OGRFeature feature(layer->GetLayerDefn());
    feature.SetField("code", c.code.c_str());
    feature.SetField("name", c.name.c_str());
    feature.SetField("parent_code", c.parent_code.c_str());
    const std::vector<unsigned char> wkb = c.polygon.to_wkb();
    OGRGeometry* geometry = nullptr;
    if (OGRGeometryFactory::createFromWkb(wkb.data(), &srs, &geometry, wkb.size()) != OGRERR_NONE)
      fail(file, "cannot convert a county polygon");
    feature.SetGeometryDirectly(geometry);
    if (layer->CreateFeature(&feature) != OGRERR_NONE) fail(file, "cannot write a county");
  }
  ds.reset();
}

void write_township_seats(const fs::path& file, const SyntheticSpec& spec, const Layout& layout) {
  std::vector<double> x, y;
  for (const Township& t : layout.townships) {
    x.push_back(t.x_m);
    y.push_back(t.y_m);
  }
  const auto [lon, lat] = to_lonlat(spec, std::move(x), std::move(y), "EPSG:4490");
  std::ofstream out = open_text(file);
  out << kUtf8Bom << "code,name,county_code,county_name,kind,longitude,latitude\n";
  for (std::size_t i = 0; i < layout.townships.size(); ++i) {
    const Township& t = layout.townships[i];
    const County& c = layout.counties[t.county];
    out << t.code << ',' << csv_field(t.name) << ',' << c.code << ',' << csv_field(c.name) << ','
        << (t.town ? "镇" : "乡") << ',' << lonlat_text(lon[i], lat[i]) << '\n';
  }
  close_text(out, file);
}

void write_facilities(const fs::path& file, const SyntheticSpec& spec, const std::vector<FacilityRow>& rows) {
  std::vector<double> x, y;
  for (const FacilityRow& r : rows) {
    x.push_back(r.x_m);
    y.push_back(r.y_m);
  }
  const auto [lon, lat] = to_lonlat(spec, std::move(x), std::move(y), "EPSG:4490");
  std::ofstream out = open_text(file);
  out << kUtf8Bom
      << "机构代码,机构名称,机构类别,等级,标签,床位数,执业医师数,注册护士数,全科医生数,中医床位数,中医执业医师数,"
         "经度,纬度,所属县区代码,所属乡镇代码\n";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const FacilityRow& r = rows[i];
    out << r.code << ',' << csv_field(r.name) << ',' << r.type << ',' << r.level << ',' << r.tags << ',' << r.beds
        << ',' << r.doctors << ',' << r.nurses << ',' << r.gps << ',' << r.tcm_beds << ',' << r.tcm_doctors << ','
        << lonlat_text(lon[i], lat[i]) << ',' << r.county_code << ',' << r.township_code << '\n';
  }
  close_text(out, file);
}

void write_population(const fs::path& file, const SyntheticSpec& spec, const PopulationRaster& raster) {
  GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GTiff");
  if (driver == nullptr) fail(file, "GDAL has no GTiff driver");
  const Options co = options({{"TILED", "YES"},
                              {"BLOCKXSIZE", "256"},
                              {"BLOCKYSIZE", "256"},
                              {"COMPRESS", "DEFLATE"},
                              {"PREDICTOR", "3"},
                              {"ZLEVEL", "6"},
                              {"BIGTIFF", "IF_SAFER"}});
  DatasetPtr ds(driver->Create(file.string().c_str(), static_cast<int>(raster.cols), static_cast<int>(raster.rows), 1,
                               GDT_Float32, co.get()));
  if (!ds) fail(file, "cannot be created");
  double gt[6] = {raster.origin_x_m, raster.cell_size_m, 0.0, raster.origin_y_m, 0.0, -raster.cell_size_m};
  if (ds->SetGeoTransform(gt) != CE_None) fail(file, "cannot set the geotransform");
  const OGRSpatialReference srs = spatial_ref(spec.crs);
  if (ds->SetSpatialRef(&srs) != CE_None) fail(file, "cannot set the CRS");
  GDALRasterBand* band = ds->GetRasterBand(1);
  band->SetDescription("persons per cell");
  if (band->RasterIO(GF_Write, 0, 0, static_cast<int>(raster.cols), static_cast<int>(raster.rows),
                     const_cast<float*>(raster.persons.data()), static_cast<int>(raster.cols),
                     static_cast<int>(raster.rows), GDT_Float32, 0, 0, nullptr) != CE_None)
    fail(file, "cannot write the pixels");
  CPLErrorReset();
  ds.reset();  // closing writes the last tiles
  if (CPLGetLastErrorType() >= CE_Failure) fail(file, "cannot be completed");
}

void write_roads(const fs::path& file, const SyntheticSpec& spec, const RoadNetwork& roads) {
  auto [lon, lat] = to_lonlat(spec, roads.node_x_m, roads.node_y_m, "EPSG:4326");
  osmium::Box box;
  for (std::size_t i = 0; i < lon.size(); ++i) box.extend(osmium::Location(lon[i], lat[i]));

  osmium::io::Header header;
  header.set("generator", kGenerator);
  header.set("sorting", "Type_then_ID");
  header.add_box(box);
  const bool pbf = spec.roads_format == RoadsFormat::kPbf;
  osmium::io::File out(file.string(), pbf ? "pbf,add_metadata=false" : "osm,add_metadata=false");
  osmium::io::Writer writer(out, header, osmium::io::overwrite::allow);

  constexpr std::size_t kBufferBytes = 8U * 1024U * 1024U;
  osmium::memory::Buffer buffer(kBufferBytes, osmium::memory::Buffer::auto_grow::yes);
  auto flush_if_full = [&] {
    if (buffer.committed() < kBufferBytes - 64U * 1024U) return;
    writer(std::move(buffer));
    buffer = osmium::memory::Buffer(kBufferBytes, osmium::memory::Buffer::auto_grow::yes);
  };
  for (std::size_t i = 0; i < lon.size(); ++i) {
    {
      osmium::builder::NodeBuilder node(buffer);
      node.set_id(static_cast<osmium::object_id_type>(i + 1));
      node.set_location(osmium::Location(lon[i], lat[i]));
    }
    buffer.commit();
    flush_if_full();
  }
  char maxspeed[16];
  for (std::size_t w = 0; w < roads.way_count(); ++w) {
    {
      osmium::builder::WayBuilder way(buffer);
      way.set_id(static_cast<osmium::object_id_type>(w + 1));
      {
        osmium::builder::WayNodeListBuilder nodes(way);
        for (std::uint32_t k = roads.way_offset[w]; k < roads.way_offset[w + 1]; ++k)
          nodes.add_node_ref(static_cast<osmium::object_id_type>(roads.way_nodes[k]) + 1);
      }
      osmium::builder::TagListBuilder tags(way);
      tags.add_tag("highway", std::string(highway_tag(roads.way_highway[w])));
      if (!roads.way_ref[w].empty()) tags.add_tag("ref", roads.way_ref[w]);
      if (!roads.way_name[w].empty()) tags.add_tag("name", roads.way_name[w]);
      if (roads.way_maxspeed_kmh[w] > 0) {
        std::snprintf(maxspeed, sizeof maxspeed, "%u", static_cast<unsigned>(roads.way_maxspeed_kmh[w]));
        tags.add_tag("maxspeed", maxspeed);
      }
    }
    buffer.commit();
    flush_if_full();
  }
  if (buffer.committed() > 0) writer(std::move(buffer));
  writer.close();
}

void write_scenario(const fs::path& file, const SyntheticSpec& spec, const FileNames& names) {
  char cell[32];
  std::snprintf(cell, sizeof cell, "%g", spec.cell_size_m);
  std::ofstream out = open_text(file);
  out << "# Synthetic region made by carereach-make-synthetic (docs/performance.md): seed " << spec.seed << ", size "
      << spec.size_name << ", " << spec.width_km << " x " << spec.height_km << " km.\n"
      << "# Every place, person, facility and road in it is invented; the codes use province 99, which China does\n"
      << "# not assign. Check: carereach validate " << names.scenario << "\n\n"
      << "[scenario]\n"
      << "name = \"合成测试地区（" << spec.size_name << "，种子 " << spec.seed << "）\"\n"
      << "name_en = \"Synthetic test region (" << spec.size_name << ", seed " << spec.seed << ")\"\n"
      << "region = \"合成研究区\"\n"
      << "description = \"Synthetic data for tests and benchmarks: Voronoi-like counties, clustered population, "
         "facilities at the seats and villages, a modelled road network.\"\n\n"
      << "[analysis]\n"
      << "crs = \"auto\"               # the extent lies around " << spec.centre_lon << "°E " << spec.centre_lat
      << "°N: " << spec.crs << "\n"
      << "cell_size_m = " << cell << "\n"
      << "output_crs = \"EPSG:4490\"\n\n"
      << "[[zones]]\n"
      << "level = \"county\"\nlabel_zh = \"区县\"\nlabel_en = \"County\"\n"
      << "source = \"" << names.counties << "\"\n"
      << "code_field = \"code\"\nname_field = \"name\"\nparent_field = \"parent_code\"\n\n"
      << "[[zones]]\n"
      << "level = \"township\"\nlabel_zh = \"乡镇\"\nlabel_en = \"Township\"\ngeometry = \"seats\"\n"
      << "source = \"" << names.township_seats << "\"\n"
      << "crs = \"EPSG:4490\"\nx_field = \"longitude\"\ny_field = \"latitude\"\n"
      << "code_field = \"code\"\nname_field = \"name\"\nparent_field = \"county_code\"\nparent_level = \"county\"\n\n"
      << "[population]\n"
      << "kind = \"raster\"\n"
      << "source = \"" << names.population << "\"\n"
      << "year = \"2020\"\n"
      << "label = \"合成人口格网（" << cell << " m）\"\n\n"
      << "[[facilities]]\n"
      << "source = \"" << names.facilities << "\"\n"
      << "crs = \"EPSG:4490\"\nx_field = \"经度\"\ny_field = \"纬度\"\n\n"
      << "[facilities.fields]\n"
      << "id = \"机构代码\"\nname = \"机构名称\"\ntype = \"机构类别\"\nlevel = \"等级\"\ntags = \"标签\"\n"
      << "beds = \"床位数\"\ndoctors = \"执业医师数\"\nnurses = \"注册护士数\"\ngps = \"全科医生数\"\n"
      << "tcm_beds = \"中医床位数\"\ntcm_doctors = \"中医执业医师数\"\n\n"
      << "[roads]\n"
      << "source = \"" << names.roads << "\"\n"
      << "label = \"合成道路网\"\n"
      << "modelled = true\n\n"
      << "[standards]\n"
      << "defaults = true\n"
      << "disable = [\"emergency_radius\"]   # no emergency points in the synthetic data\n";
  close_text(out, file);
}

Inventory take_inventory(const Layout& layout, const std::vector<FacilityRow>& facilities,
                         const PopulationRaster& raster, const RoadNetwork& roads) {
  Inventory inv;
  inv.counties = layout.counties.size();
  inv.multipart_counties = layout.multipart_counties;
  inv.townships = layout.townships.size();
  inv.villages = layout.villages.size();
  inv.facilities = facilities.size();
  for (const FacilityRow& f : facilities) {
    if (f.type == "综合医院")
      ++inv.general_hospitals;
    else if (f.type == "中医医院")
      ++inv.tcm_hospitals;
    else if (f.type == "乡镇卫生院")
      ++inv.township_centres;
    else
      ++inv.village_clinics;
  }
  inv.cells = raster.persons.size();
  inv.population = raster.total();
  inv.road_nodes = roads.node_count();
  inv.road_ways = roads.way_count();
  inv.road_crossings = roads.crossings;
  inv.lattice_spacing_m = roads.lattice_spacing_m;
  inv.road_km_by_class = roads.length_km_by_class();
  return inv;
}

void write_manifest(const fs::path& file, const SyntheticSpec& spec, const Extent& extent, const Inventory& inv,
                    const FileNames& names) {
  using Json = nlohmann::ordered_json;
  auto rounded = [](double v, int decimals) {
    const double scale = std::pow(10.0, decimals);
    return std::round(v * scale) / scale;
  };
  Json j;
  j["generator"] = kGenerator;
  j["size"] = spec.size_name;
  j["seed"] = spec.seed;
  j["crs"] = spec.crs;
  j["extent_m"] = {extent.min_x_m, extent.min_y_m, extent.max_x_m, extent.max_y_m};
  j["width_km"] = extent.width_m() / 1000.0;
  j["height_km"] = extent.height_m() / 1000.0;
  j["cell_size_m"] = spec.cell_size_m;
  j["road_nodes_target"] = spec.road_nodes_target;
  Json counts;
  counts["counties"] = inv.counties;
  counts["counties_with_several_parts"] = inv.multipart_counties;
  counts["townships"] = inv.townships;
  counts["villages"] = inv.villages;
  counts["facilities"] = inv.facilities;
  counts["general_hospitals"] = inv.general_hospitals;
  counts["tcm_hospitals"] = inv.tcm_hospitals;
  counts["township_health_centers"] = inv.township_centres;
  counts["village_clinics"] = inv.village_clinics;
  counts["cells"] = inv.cells;
  counts["population"] = rounded(inv.population, 0);
  counts["road_nodes"] = inv.road_nodes;
  counts["road_ways"] = inv.road_ways;
  counts["road_crossings"] = inv.road_crossings;
  counts["lattice_spacing_m"] = rounded(inv.lattice_spacing_m, 1);
  j["counts"] = counts;
  Json km;
  for (std::size_t h = 0; h < inv.road_km_by_class.size(); ++h)
    km[std::string(highway_tag(static_cast<Highway>(h)))] = rounded(inv.road_km_by_class[h], 1);
  j["road_km_by_class"] = km;
  j["files"] = {names.scenario, names.counties, names.township_seats, names.population, names.facilities, names.roads};
  std::ofstream out = open_text(file);
  out << j.dump(2) << '\n';
  close_text(out, file);
}

}  // namespace carereach::synthetic
