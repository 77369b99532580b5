#include "pipeline/run_capacity.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "analysis/reach.hpp"
#include "analysis/coverage.hpp"
#include "core/error.hpp"
#include "core/population.hpp"

namespace carereach::pipeline {

namespace {

/// The input column a facility's attribute came from (its source's [facilities.fields] mapping), for messages.
std::string column_of(const io::LoadedScenario& loaded, const Facility& f, const std::string& attribute) {
  for (const io::FacilitySourceSpec& src : loaded.scenario.facilities) {
    if (src.source.path_as_written != f.source_file) continue;
    const io::FacilityFields& m = src.fields;
    const std::string* col = attribute == "beds"          ? &m.beds
                             : attribute == "doctors"     ? &m.doctors
                             : attribute == "nurses"      ? &m.nurses
                             : attribute == "gps"         ? &m.gps
                             : attribute == "tcm_beds"    ? &m.tcm_beds
                             : attribute == "tcm_doctors" ? &m.tcm_doctors
                                                          : &m.capacity;
    return col->empty() ? std::string() : *col;
  }
  return {};
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

std::vector<CapacityOutcome> prepare_capacity(const io::LoadedScenario& loaded) {
  std::vector<CapacityOutcome> out;
  const io::Scenario& s = loaded.scenario;
  const std::string scenario_file = s.file.filename().string();
  for (const CapacitySpec& spec : s.capacity) {
    CapacityOutcome o;
    o.spec = &spec;
    for (const Standard& st : s.standards)
      if (st.id == spec.standard) o.standard = &st;
    if (o.standard == nullptr || !o.standard->threshold_min)  // checked when the scenario was read
      throw ScenarioError("capacity." + spec.id + ": '" + spec.standard + "' is not a time standard of this scenario",
                          Location{scenario_file, {}, {}, "capacity." + spec.id + ".standard", spec.line});
    o.threshold_min = spec.threshold_min.value_or(*o.standard->threshold_min);
    const FacilitySelector& sel = spec.select ? *spec.select : o.standard->select;
    for (const Facility& f : loaded.facilities) {
      if (!sel.matches(f)) continue;
      std::optional<double> units;
      if (!spec.field.empty()) {
        units = facility_attribute(f, spec.field);
        if (!units) {
          const std::string column = column_of(loaded, f, spec.field);
          throw InputError(
              "facility " + f.source_id + (f.name.empty() ? "" : " (" + f.name + ")") + " has no " +
                  facility_attribute_label_zh(spec.field) + " (" + spec.field + ") value, which [capacity." + spec.id +
                  "] needs as its capacity" +
                  (column.empty() ? "; no column is mapped to fields." + spec.field + " for its source" : ""),
              Location{f.source_file, {}, f.source_feature, column.empty() ? "fields." + spec.field : column, 0},
              column.empty()
                  ? "map the column in [facilities.fields] (" + spec.field + " = \"床位数\"), or give the capacity "
                        "by type: [capacity." + spec.id + ".table]"
                  : "fill in a number of 0 or more for every facility the capacity coverage counts (a missing, "
                    "negative or non-numeric value is left out); or give the capacity by type: [capacity." +
                        spec.id + ".table]");
        }
      } else {
        units = capacity_table_units(spec, f);
        if (!units)
          throw ScenarioError("capacity." + spec.id + ".table: no capacity for facility " + f.source_id + " (" + f.name +
                                  "), of type " + f.type + " and level " + to_label_zh(f.level),
                              Location{scenario_file, {}, {}, "capacity." + spec.id + ".table", spec.line},
                              "add the type (" + f.type + " = units) or the type and level (\"" + f.type + "/" +
                                  std::to_string(static_cast<int>(f.level)) + "\" = units) to the table");
      }
      o.facility_ids.push_back(f.id.value);
      o.units.push_back(*units);
      o.capacity.push_back(*units * spec.persons_per_unit);
    }
    out.push_back(std::move(o));
  }
  return out;
}

void compute_capacity(std::vector<CapacityOutcome>& outcomes, const Standard& standard, analysis::TravelModel& model,
                      const io::LoadedScenario& loaded, std::span<const std::span<const std::uint32_t>> zone_of_cell,
                      std::span<const std::size_t> zones_per_level, Diagnostics& diag, ProgressSink* progress) {
  const std::vector<double>& persons = model.population().persons;
  for (CapacityOutcome& o : outcomes) {
    if (o.standard != &standard || o.computed()) continue;
    const CapacitySpec& spec = *o.spec;
    std::vector<Facility> chosen;
    for (const std::uint32_t id : o.facility_ids) chosen.push_back(loaded.facilities[id]);
    if (chosen.empty())
      diag.warn("capacity.no_facility"_code,
                "capacity coverage " + spec.id + " counts no facility: everybody stays in the residual population",
                Location{loaded.scenario.file.filename().string(), {}, {}, "capacity." + spec.id, spec.line},
                "check the standard's selection, or types / tags_any in [capacity." + spec.id + "]");
    const auto t0 = std::chrono::steady_clock::now();
    // The standard's own travel times already warned about facilities far from roads: the per-facility searches'
    // warnings would repeat them; facilities that reach nobody are named once below.
    Diagnostics quiet;
    const std::vector<analysis::FacilityReach> reach =
        analysis::facility_reach(model, standard, chosen, o.threshold_min, quiet, progress);
    o.timings_s["reach"] = seconds_since(t0);
    std::string not_joined;
    std::size_t n_not_joined = 0;
    for (std::size_t i = 0; i < reach.size(); ++i)
      if (!reach[i].joined && n_not_joined++ < 5)
        not_joined += (not_joined.empty() ? "" : ", ") + chosen[i].source_id + " " + chosen[i].name;
    if (n_not_joined > 0)
      diag.warn("capacity.not_joined"_code,
                "capacity coverage " + spec.id + ": " + std::to_string(n_not_joined) +
                    (n_not_joined == 1 ? " facility is not joined to the roads or outside the grid and serves"
                                       : " facilities are not joined to the roads or outside the grid and serve") +
                    " nobody: " + not_joined +
                    (n_not_joined > 5 ? " and " + std::to_string(n_not_joined - 5) + " more" : ""),
                {}, "check their positions (facility_access.csv)");

    const auto t1 = std::chrono::steady_clock::now();
    std::vector<double> order_value;
    analysis::CapacityInput in;
    in.reach = reach;
    in.capacity = o.capacity;
    in.persons = persons;
    if (spec.order != "population") {
      in.order = analysis::CapacityOrder::kValue;
      for (const Facility& f : chosen) order_value.push_back(facility_attribute(f, spec.order).value_or(-1.0));
      in.order_value = order_value;
    }
    o.result = analysis::capacity_coverage(in);
    o.timings_s["capacity"] = seconds_since(t1);

    // Per zone: covered without capacity (within the threshold of some facility) and with it (taken).
    o.covered_without.clear();
    o.covered_with.clear();
    for (std::size_t li = 0; li < zone_of_cell.size(); ++li) {
      std::vector<CompensatedSum> without(zones_per_level[li]), with(zones_per_level[li]);
      const auto zc = zone_of_cell[li];
      for (std::size_t c = 0; c < zc.size(); ++c) {
        const std::uint32_t z = zc[c];
        if (z == analysis::kNoZone || !(persons[c] > 0.0)) continue;
        if (o.result.within[c]) without[z].add(persons[c]);
        const double taken = persons[c] - o.result.residual[c];
        if (taken > 0.0) with[z].add(std::min(taken, persons[c]));
      }
      std::vector<double> a(without.size()), b(with.size());
      for (std::size_t z = 0; z < a.size(); ++z) {
        a[z] = without[z].value();
        b[z] = std::min(with[z].value(), a[z]);  // a person taken is within the threshold
      }
      o.covered_without.push_back(std::move(a));
      o.covered_with.push_back(std::move(b));
    }
    if (zone_of_cell.empty()) o.covered_with.emplace_back();  // computed, without levels
  }
}

void finish_capacity(std::vector<CapacityOutcome>& outcomes, const std::string& standard_id, const std::string& why_en,
                     const std::string& why_zh) {
  for (CapacityOutcome& o : outcomes)
    if (o.standard != nullptr && o.standard->id == standard_id && !o.computed()) {
      o.not_computed = "its standard " + standard_id + " was not computed: " + why_en;
      o.not_computed_zh = "所依据的服务标准 " + standard_id + " 未计算：" + why_zh;
    }
}

}  // namespace carereach::pipeline
