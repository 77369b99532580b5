#include "io/raster_inputs.hpp"

#include <gdal_alg.h>
#include <gdal_priv.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "core/error.hpp"
#include "core/text.hpp"
#include "io/input_checks.hpp"
#include "io/ogr_transform.hpp"
#include "io/raster_source.hpp"
#include "io/vector_source.hpp"

namespace carereach::io {

namespace {

std::vector<LandCoverClass> read_classes_file(const SourceSpec& src, Diagnostics& diag) {
  VectorSource table(src, diag);
  auto column = [&](std::initializer_list<const char*> names, bool required) {
    for (const char* n : names) {
      const int i = table.layer().GetLayerDefn()->GetFieldIndex(n);
      if (i >= 0) return i;
    }
    if (required)
      throw InputError(std::string("has no column '") + *names.begin() + "'", table.where_file(),
                       "the speed table needs the columns class, label, speed_kmh (or speed) and mode");
    return -1;
  };
  const int class_i = column({"class"}, true);
  const int label_i = column({"label"}, false);
  const int speed_i = column({"speed_kmh", "speed"}, true);
  const int mode_i = column({"mode"}, false);
  std::vector<LandCoverClass> out;
  std::set<std::int32_t> seen;
  for (auto& f : table.layer()) {
    LandCoverClass c;
    const auto value = parse_number(VectorSource::text(*f, class_i));
    if (!value || std::floor(*value) != *value)
      throw InputError("class '" + VectorSource::text(*f, class_i) + "' is not a whole number", table.where(*f, "class"));
    c.value = static_cast<std::int32_t>(*value);
    if (!seen.insert(c.value).second)
      throw InputError("class " + std::to_string(c.value) + " is given twice", table.where(*f, "class"));
    c.label = VectorSource::text(*f, label_i);
    const auto speed = parse_number(VectorSource::text(*f, speed_i));
    if (!speed || *speed < 0 || *speed > 200)
      throw InputError("speed '" + VectorSource::text(*f, speed_i) + "' is not a speed from 0 to 200 km/h",
                       table.where(*f, "speed_kmh"));
    c.speed_kmh = *speed;
    c.mode = mode_i >= 0 ? ascii_lower(VectorSource::text(*f, mode_i)) : "walking";
    if (c.mode.empty()) c.mode = "walking";
    if (c.mode != "walking" && c.mode != "bicycling" && c.mode != "motorized")
      throw InputError("mode '" + c.mode + "' is not walking, bicycling or motorized", table.where(*f, "mode"));
    out.push_back(std::move(c));
  }
  if (out.empty()) throw InputError("the speed table is empty", table.where_file(), "give one row per land-cover class");
  return out;
}

/// Burns the features of a barrier source into `mask`: lines in every cell they touch, polygons in the cells
/// whose centres they contain.
std::size_t burn_barriers(const SourceSpec& src, const Grid& grid, const geo::CrsSpec& analysis_crs,
                          std::vector<std::uint8_t>& mask, Diagnostics& diag) {
  VectorSource source(src, diag);
  OgrTransformAdapter to_grid(source.crs(), analysis_crs);
  source.check_coordinates_reach(analysis_and_output_targets(analysis_crs, nullptr));
  std::vector<std::unique_ptr<OGRGeometry>> lines;
  std::vector<std::unique_ptr<OGRGeometry>> polygons;
  for (auto& f : source.layer()) {
    const OGRGeometry* g = f->GetGeometryRef();
    if (g == nullptr || g->IsEmpty()) continue;
    if (const geo::CoordinateCheck* check = source.coordinate_check())
      if (auto problem = geometry_problem(*g, *check))
        throw InputError("barrier " + problem->message, geometry_where(source, *f), problem->hint);
    std::unique_ptr<OGRGeometry> projected(g->clone());
    if (projected->transform(&to_grid) != OGRERR_NONE)
      throw CrsError("a barrier cannot be converted to the analysis CRS", source.where(*f), "check its CRS");
    const auto type = wkbFlatten(projected->getGeometryType());
    if (type == wkbPolygon || type == wkbMultiPolygon) polygons.push_back(std::move(projected));
    else if (type == wkbLineString || type == wkbMultiLineString) lines.push_back(std::move(projected));
    else
      throw InputError(std::string("a barrier must be a line or a polygon, not a ") + OGRGeometryTypeToName(type),
                       source.where(*f), "give lines (rivers, cliffs) or polygons (lakes)");
  }
  GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("MEM");
  GDALDatasetUniquePtr ds(mem->Create("", static_cast<int>(grid.cols), static_cast<int>(grid.rows), 1, GDT_Byte, nullptr));
  double gt[6] = {grid.origin_x_m, grid.cell_size_m, 0, grid.origin_y_m, 0, -grid.cell_size_m};
  ds->SetGeoTransform(gt);
  int band = 1;
  auto burn = [&](std::vector<std::unique_ptr<OGRGeometry>>& geoms, bool all_touched) {
    if (geoms.empty()) return;
    std::vector<OGRGeometryH> handles;
    for (auto& g : geoms) handles.push_back(OGRGeometry::ToHandle(g.get()));
    std::vector<double> values(handles.size(), 1.0);
    char* options[] = {const_cast<char*>(all_touched ? "ALL_TOUCHED=TRUE" : "ALL_TOUCHED=FALSE"), nullptr};
    if (GDALRasterizeGeometries(GDALDataset::ToHandle(ds.get()), 1, &band, static_cast<int>(handles.size()),
                                handles.data(), nullptr, nullptr, values.data(), options, nullptr, nullptr) != CE_None)
      throw InputError("cannot be rasterised (" + last_gdal_error() + ")", source.where_file());
  };
  burn(polygons, false);
  burn(lines, true);
  std::vector<std::uint8_t> burnt(grid.cell_count());
  if (ds->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, static_cast<int>(grid.cols), static_cast<int>(grid.rows),
                                     burnt.data(), static_cast<int>(grid.cols), static_cast<int>(grid.rows), GDT_Byte, 0,
                                     0) != CE_None)
    throw InputError("cannot be rasterised (" + last_gdal_error() + ")", source.where_file());
  std::size_t n = 0;
  for (std::size_t i = 0; i < burnt.size(); ++i) {
    if (burnt[i] == 0) continue;
    n += mask[i] == 0 ? 1 : 0;
    mask[i] = 1;
  }
  return n;
}

}  // namespace

RasterTravelData load_raster_inputs(const RasterSpec& spec, const Grid& grid, const geo::CrsSpec& analysis_crs,
                                      Diagnostics& diag) {
  RasterTravelData out;
  if (spec.landcover) {
    out.classes = spec.classes_file ? read_classes_file(*spec.classes_file, diag) : spec.classes;
    RasterSource lc = open_raster(*spec.landcover, spec.landcover_band, spec.landcover->key + ".band",
                                  spec.landcover->line, "land-cover classes");
    constexpr double kMissing = -2147483649.0;  // below every Int32
    const std::vector<double> values = sample_at_cell_centres(lc, grid, analysis_crs, Sampling::kNearest, kMissing);
    out.landcover.resize(values.size());
    std::set<std::int32_t> known;
    for (const auto& c : out.classes) known.insert(c.value);
    std::map<std::int32_t, std::size_t> unknown;
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (values[i] == kMissing) {
        out.landcover[i] = RasterTravelData::kNoClass;
        continue;
      }
      out.landcover[i] = static_cast<std::int32_t>(std::lround(values[i]));
      if (!known.contains(out.landcover[i])) ++unknown[out.landcover[i]];
    }
    for (const auto& [value, cells] : unknown)
      diag.warn("raster.unknown_class"_code,
                "land-cover class " + std::to_string(value) + " (" + std::to_string(cells) +
                    " cells) is not in the speed table: those cells cannot be crossed",
                Location{spec.landcover->path_as_written, {}, {}, {}, 0},
                "add the class to [[raster.classes]] (speed_kmh = 0 keeps it impassable and silences this)");
  }
  if (spec.friction) {
    RasterSource fr = open_raster(*spec.friction, spec.friction_band, spec.friction->key + ".band", spec.friction->line,
                                  "friction in seconds per metre");
    const std::vector<double> values =
        sample_at_cell_centres(fr, grid, analysis_crs, Sampling::kNearest, std::numeric_limits<double>::quiet_NaN());
    out.friction_s_per_m.resize(values.size());
    std::size_t bad = 0;
    std::size_t first_bad = 0;
    for (std::size_t i = 0; i < values.size(); ++i) {
      const double v = values[i];
      if (!std::isnan(v) && !(v > 0.0 && std::isfinite(v) && v <= std::numeric_limits<float>::max())) {
        if (bad++ == 0) first_bad = i;
      }
      out.friction_s_per_m[i] = static_cast<float>(v);
    }
    if (bad > 0) {
      char text[256];
      std::snprintf(text, sizeof text,
                    "%zu cells have a friction of 0 or less, or an infinite one (the first, %g s/m, at x = %.1f, "
                    "y = %.1f m in the analysis CRS): a friction must be more than 0 seconds per metre",
                    bad, values[first_bad], grid.centre_x_m(static_cast<std::uint32_t>(first_bad % grid.cols)),
                    grid.centre_y_m(static_cast<std::uint32_t>(first_bad / grid.cols)));
      throw InputError(text, Location{spec.friction->path_as_written, {}, {}, spec.friction->key, spec.friction->line},
                       "give seconds per metre (3.6 / km/h: 0.72 for 5 km/h); mark cells that cannot be crossed as "
                       "no-data, which no_land_cover makes impassable");
    }
  }
  if (spec.dem) {
    RasterSource dem = open_raster(*spec.dem, spec.dem_band, spec.dem->key + ".band", spec.dem->line, "elevation (metres)");
    const std::vector<double> values =
        sample_at_cell_centres(dem, grid, analysis_crs, Sampling::kBilinear, std::numeric_limits<double>::quiet_NaN());
    out.elevation_m.assign(values.begin(), values.end());
  }
  if (!spec.barriers.empty()) {
    out.barrier.assign(grid.cell_count(), 0);
    for (const auto& b : spec.barriers) out.barrier_cells += burn_barriers(b, grid, analysis_crs, out.barrier, diag);
  }
  return out;
}

}  // namespace carereach::io
