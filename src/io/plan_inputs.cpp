// Inputs of the planning indicators (plan_inputs.hpp; docs/method/indicators.md).

#include "io/plan_inputs.hpp"

#include <algorithm>
#include <unordered_map>

#include "io/input_checks.hpp"
#include "io/population.hpp"
#include "io/vector_source.hpp"

namespace carereach::io {

namespace {

constexpr std::size_t kNamed = 5;

std::unordered_map<std::string, std::uint32_t> zone_index(const LoadedZoneLevel& level) {
  std::unordered_map<std::string, std::uint32_t> out;
  for (std::size_t z = 0; z < level.level.zones.size(); ++z)
    out.emplace(normalise_zone_code(level.level.zones[z].code), static_cast<std::uint32_t>(z));
  return out;
}

/// "A, B, C and 4 more" of the first few items.
std::string first_few(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size() && i < kNamed; ++i) out += (i ? ", " : "") + items[i];
  if (items.size() > kNamed) out += " and " + std::to_string(items.size() - kNamed) + " more";
  return out;
}

std::string rows(std::size_t n, const char* one, const char* many) { return std::to_string(n) + " " + (n == 1 ? one : many); }

/// Whether a column name looks like an id the author meant (lower-case ASCII letters, digits and _, with an _).
bool id_like(const std::string& name) {
  return name.find('_') != std::string::npos && std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
         });
}

}  // namespace

std::vector<std::optional<std::pair<double, double>>> load_zone_seats(const ZoneSeatsSpec& spec,
                                                                      const LoadedZoneLevel& level,
                                                                      const geo::CrsSpec& analysis_crs, Diagnostics& diag,
                                                                      const geo::CrsSpec* output_crs) {
  VectorSource src(spec.source, diag);
  const std::string key = spec.source.key;
  const int code_i = src.field_index(spec.code_field, key + ".code_field");
  src.check_coordinates_reach(analysis_and_output_targets(analysis_crs, output_crs));
  const geo::Transformer to_analysis(src.crs(), analysis_crs);
  const auto by_code = zone_index(level);
  std::vector<std::optional<std::pair<double, double>>> out(level.level.zones.size());
  std::vector<std::string> first_row(level.level.zones.size());
  std::vector<std::string> unknown;
  for (const auto& f : src.layer()) {
    const std::string code = normalise_zone_code(VectorSource::code(*f, code_i));
    const auto it = by_code.find(code);
    if (code.empty() || it == by_code.end()) {
      unknown.push_back(code.empty() ? src.feature_label(*f) + " (no code)" : code);
      continue;
    }
    auto p = src.point(*f, diag, Severity::kError);
    if (!p) continue;
    double x = p->first;
    double y = p->second;
    if (!to_analysis.transform(x, y)) {
      diag.error(ExitCode::kCrs, "zone.transform_failed"_code, "seat cannot be converted to the analysis CRS", src.where(*f));
      continue;
    }
    if (out[it->second]) {
      diag.error(ExitCode::kInput, "zones.seat_duplicate"_code,
                 "zone " + code + " has a second seat (the first is " + first_row[it->second] + ")",
                 src.where(*f, spec.code_field), "give one seat per zone");
      continue;
    }
    out[it->second] = std::make_pair(x, y);
    first_row[it->second] = src.feature_label(*f);
  }
  if (!unknown.empty())
    diag.warn("zones.seat_unknown_code"_code,
              rows(unknown.size(), "seat names", "seats name") + " no " + level.level.level + " zone: " + first_few(unknown) +
                  "; left out",
              src.where_file(spec.code_field), "check the seats' codes against the zones' codes");
  return out;
}

std::vector<LoadedZoneTargets> load_zone_targets(const Scenario& scenario, const std::vector<LoadedZoneLevel>& levels,
                                                 Diagnostics& diag) {
  std::vector<LoadedZoneTargets> out;
  const std::string file = scenario.file.filename().string();
  for (const LoadedZoneLevel& level : levels) {
    LoadedZoneTargets t;
    t.level = level.level.level;
    const auto by_code = zone_index(level);
    const std::size_t zones = level.level.zones.size();
    for (const ZoneTargetsSpec& spec : scenario.zone_targets) {
      if (spec.level != t.level) continue;
      t.labels.push_back(spec.label);
      std::vector<std::string> unknown;
      // One target of one zone and id, from a row (table) or an entry (inline): a second is an error.
      auto put = [&](const std::string& id, std::uint32_t zone, double value, const Location& at) {
        auto& v = t.by_id[id];
        if (v.empty()) v.assign(zones, std::nullopt);
        if (v[zone]) {
          diag.error(ExitCode::kInput, "targets.duplicate_zone"_code,
                     "a second target " + id + " for zone " + level.level.zones[zone].code + " " +
                         level.level.zones[zone].name,
                     at, "give each zone's target once (one row per zone, one table per level and id)");
          return;
        }
        v[zone] = value;
      };
      if (!spec.source) {
        for (const auto& [code, targets] : spec.values) {
          const Location at{file, {}, {}, spec.key + ".zones." + code, spec.value_lines.count(code) ? spec.value_lines.at(code) : 0};
          const auto it = by_code.find(normalise_zone_code(code));
          if (it == by_code.end()) {
            unknown.push_back(code);
            continue;
          }
          for (const auto& [id, value] : targets) put(id, it->second, value, at);
        }
        if (!unknown.empty())
          diag.warn("targets.unknown_zone"_code,
                    rows(unknown.size(), "code names", "codes name") + " no " + t.level + " zone: " + first_few(unknown) +
                        "; their targets are not used",
                    Location{file, {}, {}, spec.key + ".zones", spec.line},
                    "check the codes against the zones' codes (the scenario-wide targets apply to the zones without one)");
        continue;
      }
      VectorSource src(*spec.source, diag);
      const std::string key = spec.source->key;
      const int code_i = src.field_index(spec.code_field, key + ".code_field");
      std::vector<std::pair<std::string, int>> columns;  // (id, column index)
      std::vector<std::string> column_names;
      if (!spec.columns.empty()) {
        for (const auto& [id, column] : spec.columns) {
          columns.emplace_back(id, src.field_index(column, key + ".columns." + id));
          column_names.push_back(column);
        }
      } else {
        std::vector<std::string> strange;
        const std::vector<std::string> names = src.field_names();
        for (std::size_t c = 0; c < names.size(); ++c) {
          if (scenario.target_kind(names[c])) {
            columns.emplace_back(names[c], static_cast<int>(c));
            column_names.push_back(names[c]);
          } else if (id_like(names[c])) {
            strange.push_back(names[c]);
          }
        }
        if (!strange.empty())
          diag.warn("targets.unknown_column"_code,
                    "column" + std::string(strange.size() == 1 ? " " : "s ") + first_few(strange) +
                        (strange.size() == 1 ? " looks" : " look") +
                        " like an id but names no standard, planning indicator or density indicator; not read",
                    src.where_file(), "name the column as the id it is for, or map it in " + key + ".columns");
        if (columns.empty())
          throw InputError("has no target column: no column is named as a standard, planning indicator or density "
                           "indicator id",
                           src.where_file(), "name the columns as the ids (tcm_15min, beds_per_1000 …), or map them in " +
                                                 key + ".columns");
      }
      for (const auto& f : src.layer()) {
        const std::string code = normalise_zone_code(VectorSource::code(*f, code_i));
        const auto it = by_code.find(code);
        if (code.empty() || it == by_code.end()) {
          unknown.push_back(code.empty() ? src.feature_label(*f) + " (no code)" : code);
          continue;
        }
        for (std::size_t c = 0; c < columns.size(); ++c) {
          const auto& [id, idx] = columns[c];
          const std::string text = VectorSource::text(*f, idx);
          if (text.empty()) continue;  // the scenario-wide target applies
          const std::optional<double> v = parse_number(text);
          const std::string fault = v ? target_value_fault(*scenario.target_kind(id), *v) : "is not a number";
          if (!fault.empty()) {
            diag.error(ExitCode::kInput, "targets.bad_value"_code,
                       "target '" + text + "' of " + id + (v ? ": " + fault : " " + fault), src.where(*f, column_names[c]),
                       "write the target as a number (a share as 0.9 for 90 %, a count as a whole number), or leave "
                       "the cell empty for the scenario-wide target");
            continue;
          }
          put(id, it->second, *v, src.where(*f, column_names[c]));
        }
      }
      if (!unknown.empty())
        diag.warn("targets.unknown_zone"_code,
                  rows(unknown.size(), "row names", "rows name") + " no " + t.level + " zone: " + first_few(unknown) +
                      "; their targets are not used",
                  src.where_file(spec.code_field),
                  "check the codes against the zones' codes (the scenario-wide targets apply to the zones without one)");
    }
    if (!t.labels.empty()) out.push_back(std::move(t));
  }
  return out;
}

LoadedZoneTotals load_zone_totals(const ZoneTotalsSpec& spec, const LoadedZoneLevel& level, Diagnostics& diag) {
  VectorSource src(spec.source, diag);
  const std::string key = spec.source.key;
  const int code_i = src.field_index(spec.code_field, key + ".code_field");
  std::vector<int> cols(kDensityAttributes, -1);
  for (std::size_t a = 0; a < kDensityAttributes; ++a)
    if (!spec.fields[a].empty())
      cols[a] = src.field_index(spec.fields[a], key + ".fields." + density_attribute_key(static_cast<DensityAttribute>(a)));
  const int pop_i = spec.population_field.empty() ? -1 : src.field_index(spec.population_field, key + ".fields.population");
  const auto by_code = zone_index(level);
  const std::size_t zones = level.level.zones.size();
  LoadedZoneTotals out;
  out.level = spec.level;
  out.label = spec.label;
  out.year = spec.year;
  out.fields = spec.fields;
  if (pop_i >= 0) out.population_label = spec.population_label.empty() ? "统计年鉴常住人口" : spec.population_label;
  out.totals.assign(zones, std::vector<std::optional<double>>(kDensityAttributes));
  out.population.assign(zones, std::nullopt);
  std::vector<std::string> first_row(zones);
  std::vector<std::string> unknown;
  auto value = [&](const OGRFeature& f, int idx, const std::string& field) -> std::optional<double> {
    const std::string text = VectorSource::text(f, idx);
    if (text.empty()) return std::nullopt;
    const std::optional<double> v = parse_number(text);
    if (!v || *v < 0) {
      diag.error(ExitCode::kInput, "zone_totals.bad_number"_code, "'" + text + "' is not a number of 0 or more",
                 src.where(f, field), "write the total as a plain number (床位数 35300), or leave the cell empty");
      return std::nullopt;
    }
    return v;
  };
  std::size_t rows_read = 0;
  for (const auto& f : src.layer()) {
    ++rows_read;
    const std::string code = normalise_zone_code(VectorSource::code(*f, code_i));
    const auto it = by_code.find(code);
    if (code.empty() || it == by_code.end()) {
      unknown.push_back(code.empty() ? src.feature_label(*f) + " (no code)" : code);
      continue;
    }
    const std::uint32_t z = it->second;
    if (!first_row[z].empty()) {
      diag.error(ExitCode::kInput, "zone_totals.duplicate_code"_code,
                 "zone code " + code + " appears again (first in " + first_row[z] + ")", src.where(*f, spec.code_field),
                 "give one row per zone");
      continue;
    }
    first_row[z] = src.feature_label(*f);
    for (std::size_t a = 0; a < kDensityAttributes; ++a)
      if (cols[a] >= 0) out.totals[z][a] = value(*f, cols[a], spec.fields[a]);
    if (pop_i >= 0) out.population[z] = value(*f, pop_i, spec.population_field);
  }
  if (rows_read == 0) throw InputError("has no rows", src.where_file(), "give one row per zone with its totals");
  if (!unknown.empty())
    diag.warn("zone_totals.unknown_code"_code,
              rows(unknown.size(), "row names", "rows name") + " no " + spec.level + " zone: " + first_few(unknown) +
                  "; not used",
              src.where_file(spec.code_field), "check that the table and the zone layer use the same codes");
  std::vector<std::string> missing;
  for (std::size_t z = 0; z < zones; ++z)
    if (first_row[z].empty()) missing.push_back(level.level.zones[z].code + " " + level.level.zones[z].name);
  if (!missing.empty())
    diag.warn("zone_totals.missing_zone"_code,
              rows(missing.size(), spec.level.c_str(), spec.level.c_str()) + " zone" + (missing.size() == 1 ? " has" : "s have") +
                  " no row: " + first_few(missing) + "; their resources are the facilities' and their population the grid's",
              src.where_file(spec.code_field), "add a row for every zone of the level to use the totals throughout");
  return out;
}

}  // namespace carereach::io
