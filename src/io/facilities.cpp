#include "io/facilities.hpp"

#include <map>
#include <unordered_map>

#include "io/input_checks.hpp"
#include "io/vector_source.hpp"

namespace carereach::io {

namespace {

struct Columns {
  int id = -1, name = -1, type = -1, level = -1, tags = -1, status = -1;
  int beds = -1, doctors = -1, nurses = -1, gps = -1, tcm_beds = -1, tcm_doctors = -1, capacity = -1;
};

Columns find_columns(const VectorSource& src, const FacilitySourceSpec& spec) {
  const std::string k = spec.source.key + ".fields.";
  const FacilityFields& m = spec.fields;
  Columns c;
  c.id = src.field_index(m.id, k + "id");
  c.name = src.field_index(m.name, k + "name", true);
  c.type = src.field_index(m.type, k + "type", true);
  c.level = src.field_index(m.level, k + "level", true);
  c.tags = src.field_index(m.tags, k + "tags", true);
  c.status = src.field_index(m.status, k + "status", true);
  c.beds = src.field_index(m.beds, k + "beds", true);
  c.doctors = src.field_index(m.doctors, k + "doctors", true);
  c.nurses = src.field_index(m.nurses, k + "nurses", true);
  c.gps = src.field_index(m.gps, k + "gps", true);
  c.tcm_beds = src.field_index(m.tcm_beds, k + "tcm_beds", true);
  c.tcm_doctors = src.field_index(m.tcm_doctors, k + "tcm_doctors", true);
  c.capacity = src.field_index(m.capacity, k + "capacity", true);
  return c;
}

std::string join(const std::vector<std::string>& items, const std::string& sep = ", ") {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : sep) + i;
  return out;
}

std::string types_hint(const Taxonomy& taxonomy, const std::string& value) {
  const std::vector<std::string> near = taxonomy.nearest_types(value);
  std::string ids;
  for (const auto& t : taxonomy.types()) ids += (ids.empty() ? "" : ", ") + t.name_zh + " (" + t.id + ")";
  return (near.empty() ? std::string() : "nearest known types: " + join(near) + "; ") +
         "map the value in type_map, add it to [[taxonomy.types]] as an alias, or use one of: " + ids;
}

/// How often an unknown value was met in a source, and its first rows: reported once per value (docs/exit-codes.md).
struct UnknownValue {
  std::size_t count = 0;
  std::vector<std::string> rows;  ///< the first few "row 5" / "feature 7"
};
constexpr std::size_t kRowsNamed = 3;

/// "row 6, row 9, row 12 and 4 more" for a Location's feature.
std::string rows_text(const UnknownValue& u) {
  std::string out = join(u.rows);
  if (u.count > u.rows.size()) out += " and " + std::to_string(u.count - u.rows.size()) + " more";
  return out;
}
std::string rows_count(std::size_t n) { return std::to_string(n) + (n == 1 ? " row" : " rows"); }

/// Reads the rows of one source.
class SourceReader {
 public:
  SourceReader(const FacilitySourceSpec& spec, const Taxonomy& taxonomy, const geo::CrsSpec& analysis_crs,
               const geo::CrsSpec* output_crs, std::unordered_map<std::string, std::string>& seen_ids, Diagnostics& diag)
      : spec_(spec),
        taxonomy_(taxonomy),
        src_(spec.source, diag),
        cols_(find_columns(src_, spec)),
        crs_(src_.crs()),
        to_analysis_(crs_, analysis_crs),
        to_lonlat_(crs_, geo::wgs84()),
        seen_ids_(seen_ids),
        diag_(diag),
        severity_(spec.on_invalid == OnInvalid::kSkip ? Severity::kWarning : Severity::kError) {
    for (const auto& [value, id] : spec.type_map) type_map_[normalise_key(value)] = id;
    src_.check_coordinates_reach(analysis_and_output_targets(analysis_crs, output_crs));
  }

  void read_all(std::vector<Facility>& out) {
    std::size_t rows = 0;
    for (auto& f : src_.layer()) {
      ++rows;
      if (auto facility = read(*f)) {
        facility->id = FacilityId(static_cast<std::uint32_t>(out.size()));
        out.push_back(std::move(*facility));
      }
    }
    if (rows == 0)
      throw InputError("the layer is empty: no facilities", src_.where_file(),
                       "give a table with one row per facility, or remove this [[facilities]] source");
    report_unknown_values();
  }

 private:
  // A problem with this row: an error, or with on_invalid = "skip" a warning (the row or value is left out).
  void problem(ProblemCode code, const std::string& message, const OGRFeature& f, const std::string& field,
               const std::string& hint, bool row_dropped = true) {
    Problem p;
    p.severity = severity_;
    p.kind = ExitCode::kInput;
    p.code = code;
    p.message = message;
    if (severity_ == Severity::kWarning) p.message += row_dropped ? "; row left out" : "; value left empty";
    p.where = src_.where(f, field);
    p.hint = hint;
    diag_.add(std::move(p));
  }

  /// Counts an unknown value of a column, keeping its first rows.
  void note_unknown(std::map<std::string, UnknownValue>& seen, const std::string& value, const OGRFeature& f) {
    UnknownValue& u = seen[value];
    ++u.count;
    if (u.rows.size() < kRowsNamed) u.rows.push_back(src_.feature_label(f));
  }

  /// Where an unknown value was met: the file, its first rows and the column.
  Location where_rows(const UnknownValue& u, const std::string& field) const {
    Location at = src_.where_file(field);
    at.feature = rows_text(u);
    return at;
  }

  /// One problem per unknown value of each column, with its count and first rows (not one per row), and hints
  /// naming the nearest known terms.
  void report_unknown_values() {
    const FacilityFields& m = spec_.fields;
    for (const auto& [value, u] : unknown_types_) {
      Problem p;
      p.severity = severity_;
      p.kind = ExitCode::kInput;
      p.code = "facility.unknown_type"_code;
      p.message = "unknown facility type '" + value + "' (" + rows_count(u.count) + ")";
      if (severity_ == Severity::kWarning) p.message += u.count == 1 ? "; row left out" : "; rows left out";
      p.where = where_rows(u, m.type);
      p.hint = types_hint(taxonomy_, value);
      diag_.add(std::move(p));
    }
    for (const auto& [value, u] : unknown_tags_) {
      const std::vector<std::string> near = taxonomy_.nearest_tags(value);
      diag_.warn("facility.unknown_tag"_code, "tag '" + value + "' is not known (" + rows_count(u.count) + "); ignored",
                 where_rows(u, m.tags),
                 (near.empty() ? std::string() : "nearest known tags: " + join(near) + "; ") +
                     "add it to [[taxonomy.tags]] (e.g. as an alias of tcm_hall)");
    }
    for (const auto& [value, u] : unknown_levels_)
      diag_.warn("facility.unknown_level"_code,
                 "level '" + value + "' is not recognised (" + rows_count(u.count) + "); taken as 未定级 (unrated)",
                 where_rows(u, m.level), "use 三级甲等, 二级, 一级, 未定级 … or 3/2/1/0");
    for (const auto& [value, u] : unknown_statuses_)
      diag_.warn("facility.unknown_status"_code,
                 "status '" + value + "' is not recognised (" + rows_count(u.count) + "); taken as active",
                 where_rows(u, m.status), "use 在用/运营 (active), 停业/关闭 (closed) or 规划/拟建 (planned)");
  }

  std::optional<double> number(const OGRFeature& f, int col, const std::string& field) {
    const std::string s = VectorSource::text(f, col);
    if (s.empty()) return std::nullopt;
    auto v = parse_number(s);
    if (!v || *v < 0) {
      problem("facility.bad_number"_code, "'" + s + "' is not a non-negative number", f, field,
              "write counts as plain numbers (床位数 120), or leave the cell empty", false);
      return std::nullopt;
    }
    return v;
  }

  std::optional<Facility> read(const OGRFeature& f) {
    Facility fac;
    fac.source_file = spec_.source.path_as_written;
    fac.source_feature = src_.feature_label(f);
    const FacilityFields& m = spec_.fields;

    const std::string raw_id = VectorSource::code(f, cols_.id);
    if (raw_id.empty()) {
      problem("facility.empty_id"_code, "facility has no id", f, m.id, "give every facility a unique id");
      return std::nullopt;
    }
    fac.source_id = spec_.id_prefix + raw_id;
    if (auto it = seen_ids_.find(fac.source_id); it != seen_ids_.end()) {
      problem("facility.duplicate_id"_code, "duplicate facility id '" + fac.source_id + "' (first at " + it->second + ")", f,
              m.id, "ids must be unique; when two sources reuse ids, give one an id_prefix");
      return std::nullopt;
    }
    fac.name = VectorSource::text(f, cols_.name);
    // The id and the name go into the layers, facility_access.csv and the report: checked here, not when written.
    const std::string dropped = severity_ == Severity::kWarning ? "; row left out" : "";
    if (!check_output_text(fac.source_id, "the facility id", src_.where(f, m.id), severity_, diag_, dropped) ||
        !check_output_text(fac.name, "the facility name", src_.where(f, m.name), severity_, diag_, dropped))
      return std::nullopt;

    // Type: the source's own mapping first, then the taxonomy (ids, names, aliases), then the default.
    std::string type_value = VectorSource::text(f, cols_.type);
    const FacilityType* type = nullptr;
    if (!type_value.empty()) {
      if (auto it = type_map_.find(normalise_key(type_value)); it != type_map_.end()) type = taxonomy_.type_by_id(it->second);
      else type = taxonomy_.find_type(type_value);
      if (type == nullptr) {  // reported once per value, with its count and first rows (read_all)
        note_unknown(unknown_types_, type_value, f);
        return std::nullopt;
      }
    } else if (!spec_.default_type.empty()) {
      type = taxonomy_.find_type(spec_.default_type);
    } else {
      problem("facility.empty_type"_code, "facility has no type", f, m.type, "fill in the type, or set default_type");
      return std::nullopt;
    }
    fac.type = type->id;

    const std::string level_text = cols_.level >= 0 ? VectorSource::text(f, cols_.level) : spec_.default_level;
    if (auto level = parse_level(level_text.empty() ? spec_.default_level : level_text, &fac.grade)) {
      fac.level = *level;
    } else {
      note_unknown(unknown_levels_, level_text, f);
    }

    std::vector<std::string> tags = spec_.default_tags;
    for (const auto& item : split_list(VectorSource::text(f, cols_.tags))) {
      if (auto tag = taxonomy_.find_tag(item)) tags.push_back(*tag);
      else note_unknown(unknown_tags_, item, f);
    }
    fac.tags = taxonomy_.close_tags(tags, type);

    if (cols_.status >= 0) {
      const std::string s = VectorSource::text(f, cols_.status);
      if (auto st = parse_status(s)) fac.status = *st;
      else note_unknown(unknown_statuses_, s, f);
    }

    fac.beds = number(f, cols_.beds, m.beds);
    fac.doctors = number(f, cols_.doctors, m.doctors);
    fac.nurses = number(f, cols_.nurses, m.nurses);
    fac.gps = number(f, cols_.gps, m.gps);
    fac.tcm_beds = number(f, cols_.tcm_beds, m.tcm_beds);
    fac.tcm_doctors = number(f, cols_.tcm_doctors, m.tcm_doctors);
    fac.capacity = number(f, cols_.capacity, m.capacity);

    auto p = src_.point(f, diag_, severity_, severity_ == Severity::kWarning ? "; row left out" : "");
    if (!p) return std::nullopt;
    fac.x_m = p->first;
    fac.y_m = p->second;
    fac.lon = p->first;
    fac.lat = p->second;
    if (!to_analysis_.transform(fac.x_m, fac.y_m) || !to_lonlat_.transform(fac.lon, fac.lat)) {
      problem("facility.transform_failed"_code, "coordinates cannot be converted to the analysis CRS", f, spec_.source.x_field,
              "check the declared CRS of this source");
      return std::nullopt;
    }
    seen_ids_.emplace(fac.source_id, spec_.source.path_as_written + " " + fac.source_feature);
    return fac;
  }

  const FacilitySourceSpec& spec_;
  const Taxonomy& taxonomy_;
  VectorSource src_;
  Columns cols_;
  geo::CrsSpec crs_;
  geo::Transformer to_analysis_;
  geo::Transformer to_lonlat_;
  std::unordered_map<std::string, std::string>& seen_ids_;
  Diagnostics& diag_;
  Severity severity_;
  std::unordered_map<std::string, std::string> type_map_;
  std::map<std::string, UnknownValue> unknown_types_;
  std::map<std::string, UnknownValue> unknown_tags_;
  std::map<std::string, UnknownValue> unknown_levels_;
  std::map<std::string, UnknownValue> unknown_statuses_;
};

}  // namespace

std::vector<Facility> load_facilities(const std::vector<FacilitySourceSpec>& sources, const Taxonomy& taxonomy,
                                      const geo::CrsSpec& analysis_crs, Diagnostics& diag,
                                      const geo::CrsSpec* output_crs) {
  std::vector<Facility> out;
  std::unordered_map<std::string, std::string> seen_ids;
  for (const auto& spec : sources) SourceReader(spec, taxonomy, analysis_crs, output_crs, seen_ids, diag).read_all(out);
  return out;
}

}  // namespace carereach::io
