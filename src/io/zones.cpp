#include "io/zones.hpp"

#include <ogr_geometry.h>

#include <set>
#include <unordered_map>

#include "core/units.hpp"
#include "io/input_checks.hpp"
#include "io/ogr_transform.hpp"
#include "io/vector_source.hpp"

namespace carereach::io {

namespace {

bool matches_filter(const ZoneLevelSpec& spec, const std::string& value) {
  for (const auto& v : spec.filter_values)
    if (v == value) return true;
  return false;
}

}  // namespace

std::pair<double, double> source_centre_lonlat(const ZoneLevelSpec& spec) {
  Diagnostics not_reported;  // load_zone_level reads the same source again and reports its warnings
  VectorSource src(spec.source, not_reported);
  // Only the features the level keeps (filter_field): a file of five prefectures filtered to one must not move
  // the centre, and with it the Gauss-Krüger zone, to the middle of all five.
  const int filter_i = spec.filter_field.empty() ? -1 : src.field_index(spec.filter_field, spec.source.key + ".filter_field", true);
  auto kept = [&](const OGRFeature& f) { return filter_i < 0 || matches_filter(spec, VectorSource::code(f, filter_i)); };
  OGREnvelope env;
  if (src.is_table()) {
    // Tables have no extent of their own: average the readable points.
    Diagnostics ignored;
    double sx = 0;
    double sy = 0;
    std::size_t n = 0;
    for (auto& f : src.layer()) {
      if (!kept(*f)) continue;
      if (auto p = src.point(*f, ignored, Severity::kWarning)) {
        sx += p->first;
        sy += p->second;
        ++n;
      }
    }
    if (n == 0) throw InputError("has no readable coordinates", src.where_file(), "check x_field, y_field and the rows");
    env.MinX = env.MaxX = sx / static_cast<double>(n);
    env.MinY = env.MaxY = sy / static_cast<double>(n);
  } else {
    // The extent of the geometries the coordinate check accepts: one vertex at 6e247 must not move the centre
    // (the zones' loader reports it, naming the feature).
    bool any = false;
    const geo::CoordinateCheck* check = src.coordinate_check();
    for (auto& f : src.layer()) {
      if (!kept(*f)) continue;
      const OGRGeometry* g = f->GetGeometryRef();
      if (g == nullptr || g->IsEmpty() || (check != nullptr && geometry_problem(*g, *check))) continue;
      OGREnvelope e;
      g->getEnvelope(&e);
      if (any) env.Merge(e);
      else env = e;
      any = true;
    }
    if (!any) throw InputError("has no extent (is the layer empty?)", src.where_file(), "give a layer with features");
  }
  double x = (env.MinX + env.MaxX) / 2;
  double y = (env.MinY + env.MaxY) / 2;
  geo::Transformer to_wgs84(src.crs(), geo::wgs84());
  if (!to_wgs84.transform(x, y))
    throw CrsError("the centre of the data cannot be converted to longitude/latitude", src.where_file(),
                   "check that the declared CRS matches the coordinates");
  return {x, y};
}


std::string zone_class_from_name(const std::string& name) {
  // 街道 (sub-district) and the older 办事处 are urban units; 镇, 乡 and 苏木 (Inner Mongolia) rural ones.
  for (const char* urban : {"街道", "办事处"})
    if (name.ends_with(urban)) return "urban";
  for (const char* rural : {"镇", "乡", "苏木"})
    if (name.ends_with(rural)) return "rural";
  return {};
}

std::string zone_class_from_value(const std::string& value, const std::vector<std::string>& urban_values) {
  if (value.empty()) return {};
  for (const auto& u : urban_values)
    if (value == u) return "urban";
  return "rural";
}

LoadedZoneLevel load_zone_level(const ZoneLevelSpec& spec, const geo::CrsSpec& analysis_crs, Diagnostics& diag,
                                const geo::CrsSpec* output_crs) {
  VectorSource src(spec.source, diag);
  LoadedZoneLevel out;
  out.kind = spec.geometry;
  out.level.level = spec.level;
  out.level.label_zh = spec.label_zh;
  out.level.label_en = spec.label_en;
  out.source_crs = src.crs();
  src.check_coordinates_reach(analysis_and_output_targets(analysis_crs, output_crs));

  const std::string key = spec.source.key;
  const int code_i = src.field_index(spec.code_field, key + ".code_field");
  const int name_i = src.field_index(spec.name_field, key + ".name_field");
  const int parent_i = src.field_index(spec.parent_field, key + ".parent_field", true);
  const int filter_i = src.field_index(spec.filter_field, key + ".filter_field", true);
  const int class_i = src.field_index(spec.class_field, key + ".class_field", true);

  if (spec.geometry == ZoneGeometryKind::kPolygons && !src.is_table()) {
    const auto gtype = wkbFlatten(src.layer().GetGeomType());
    if (gtype != wkbUnknown && gtype != wkbPolygon && gtype != wkbMultiPolygon && gtype != wkbGeometryCollection)
      throw InputError(std::string("holds ") + OGRGeometryTypeToName(gtype) + " features, not polygons",
                       src.where_file(), "zone levels need polygons; for points (seats) set geometry = \"seats\"");
  }
  if (spec.geometry == ZoneGeometryKind::kPolygons && src.is_table())
    throw InputError("is a table without polygons", src.where_file(),
                     "give a polygon layer, or set geometry = \"seats\" with x_field/y_field for seat points");

  OgrTransformAdapter to_analysis(out.source_crs, analysis_crs);
  geo::Transformer seat_transform(out.source_crs, analysis_crs);
  std::unordered_map<std::string, std::string> first_feature_of_code;
  std::size_t read = 0;

  for (auto& f : src.layer()) {
    const std::string code = VectorSource::code(*f, code_i);
    if (filter_i >= 0 && !matches_filter(spec, VectorSource::code(*f, filter_i))) continue;
    ++read;
    if (code.empty()) {
      diag.error(ExitCode::kInput, "zone.empty_code"_code, "zone has no code", src.where(*f, spec.code_field),
                 "every zone needs a code (e.g. its 6-digit adcode)");
      continue;
    }
    if (auto [it, inserted] = first_feature_of_code.emplace(code, src.feature_label(*f)); !inserted) {
      diag.error(ExitCode::kInput, "zone.duplicate_code"_code, "zone code " + code + " is also used by " + it->second,
                 src.where(*f, spec.code_field), "zone codes must be unique within a level; merge or recode the zones");
      continue;
    }
    Zone z;
    z.id = ZoneId(static_cast<std::uint32_t>(out.level.zones.size()));
    z.code = code;
    z.name = VectorSource::text(*f, name_i);
    z.parent_code = parent_i >= 0 ? VectorSource::code(*f, parent_i) : std::string();
    // Codes and names go into every table, the workbook and the report: found here, not when those are written.
    if (!check_output_text(z.code, "the zone code", src.where(*f, spec.code_field), Severity::kError, diag) ||
        !check_output_text(z.name, "the zone name", src.where(*f, spec.name_field), Severity::kError, diag) ||
        !check_output_text(z.parent_code, "the parent code", src.where(*f, spec.parent_field), Severity::kError, diag))
      continue;
    z.approximate = spec.geometry == ZoneGeometryKind::kSeats;
    z.zone_class = class_i >= 0 ? zone_class_from_value(VectorSource::text(*f, class_i), spec.urban_values)
                                : zone_class_from_name(z.name);

    if (spec.geometry == ZoneGeometryKind::kSeats) {
      auto p = src.point(*f, diag, Severity::kError);
      if (!p) continue;
      double x = p->first;
      double y = p->second;
      if (!seat_transform.transform(x, y)) {
        diag.error(ExitCode::kCrs, "zone.transform_failed"_code, "seat cannot be converted to the analysis CRS", src.where(*f));
        continue;
      }
      out.seats_m.emplace_back(x, y);
      out.level.zones.push_back(std::move(z));
      continue;
    }

    const OGRGeometry* g = f->GetGeometryRef();
    if (g == nullptr || g->IsEmpty()) {
      diag.error(ExitCode::kInput, "zone.no_geometry"_code, "zone " + code + " has no geometry", src.where(*f),
                 "give the zone a polygon, or remove it");
      continue;
    }
    const auto gtype = wkbFlatten(g->getGeometryType());
    if (gtype != wkbPolygon && gtype != wkbMultiPolygon) {
      diag.error(ExitCode::kInput, "zone.not_polygon"_code,
                 std::string("zone ") + code + " is a " + OGRGeometryTypeToName(gtype) + ", not a polygon", src.where(*f));
      continue;
    }
    if (const geo::CoordinateCheck* check = src.coordinate_check()) {
      if (auto problem = geometry_problem(*g, *check)) {
        report_coordinate(*problem, geometry_where(src, *f), Severity::kError, diag, "zone " + code + ", ");
        continue;
      }
    }
    std::unique_ptr<OGRGeometry> projected(g->clone());
    if (projected->transform(&to_analysis) != OGRERR_NONE) {
      diag.error(ExitCode::kCrs, "zone.transform_failed"_code, "zone " + code + " cannot be converted to the analysis CRS",
                 src.where(*f), "check the declared CRS of the zones");
      continue;
    }
    geo::Geometry geom;
    try {
      geom = to_geos(*projected);
      std::string reason;
      if (!geom.is_valid(&reason)) {
        geo::Geometry repaired = geom.make_valid_polygonal();
        const double before = std::abs(geom.area());
        diag.warn("zone.repaired"_code,
                  "invalid polygon of zone " + code + " (" + reason + ") was repaired; area " +
                      std::to_string(repaired.area() / units::kSqMetresPerSqKm) + " km²",
                  src.where(*f), before > 0 ? "" : "check the zone's outline in a GIS");
        geom = std::move(repaired);
        ++out.repaired;
      }
    } catch (const std::exception& e) {
      diag.error(ExitCode::kInput, "zone.bad_geometry"_code, "zone " + code + " has an unreadable geometry: " + e.what(),
                 src.where(*f));
      continue;
    }
    if (geom.is_empty() || geom.area() <= 0) {
      diag.error(ExitCode::kInput, "zone.empty_polygon"_code, "zone " + code + " has no area", src.where(*f),
                 "fix or remove the zone");
      continue;
    }
    z.area_km2 = geom.area() / units::kSqMetresPerSqKm;
    out.polygons.push_back(std::move(geom));
    out.level.zones.push_back(std::move(z));
  }

  if (read == 0) {
    if (filter_i >= 0)
      throw InputError("no feature has " + spec.filter_field + " in the filter values", src.where_file(spec.filter_field),
                       "check " + key + ".filter_values");
    throw InputError("the layer is empty", src.where_file(), "give a layer with the zones of level '" + spec.level + "'");
  }
  return out;
}

}  // namespace carereach::io
