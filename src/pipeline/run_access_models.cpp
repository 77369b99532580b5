#include "pipeline/run_access_models.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "analysis/reach.hpp"
#include "pipeline/travel_setup.hpp"
#include "core/error.hpp"
#include "io/vector_source.hpp"

namespace carereach::pipeline {

std::optional<double> facility_quantity(const Facility& f, FacilityQuantity q) {
  switch (q) {
    case FacilityQuantity::kBeds: return f.beds;
    case FacilityQuantity::kDoctors: return f.doctors;
    case FacilityQuantity::kNurses: return f.nurses;
    case FacilityQuantity::kGps: return f.gps;
    case FacilityQuantity::kTcmBeds: return f.tcm_beds;
    case FacilityQuantity::kTcmDoctors: return f.tcm_doctors;
    case FacilityQuantity::kCapacity: return f.capacity;
    case FacilityQuantity::kCount: return 1.0;
    case FacilityQuantity::kLevel:
      return f.level == FacilityLevel::kTertiary ? 3.0 : f.level == FacilityLevel::kSecondary ? 2.0 : 1.0;
  }
  return std::nullopt;
}

namespace {

const Standard& standard_by_id(const io::LoadedScenario& loaded, const std::string& id) {
  for (const Standard& st : loaded.scenario.standards)
    if (st.id == id) return st;
  throw std::logic_error("standard " + id + " was checked at load");
}

std::size_t level_by_name(const RunAnalysis& out, const std::string& level) {
  for (std::size_t i = 0; i < out.levels.size(); ++i)
    if (out.levels[i].level.level == level) return i;
  return 0;
}

Location where(const io::LoadedScenario& loaded, const std::string& key, int line) {
  return Location{loaded.scenario.file.filename().string(), {}, {}, key, line};
}

/// Why the standard's times cannot be computed (empty when they can), with a warning naming the table.
bool skipped(const io::LoadedScenario& loaded, const Standard& st, const std::string& key, int line, std::string& en,
             std::string& zh, Diagnostics& diag) {
  const analysis::NotComputed why = why_not_computable(loaded, st);
  if (why.empty()) return false;
  en = why.en;
  zh = why.zh;
  diag.warn("access_model.not_computed"_code, key + " was not computed: " + why.en, where(loaded, key, line), why.hint);
  return true;
}

/// Per facility what it reaches alone; warnings about the facilities (repeats of the standards' own) are counted
/// in `not_joined` only.
std::vector<analysis::FacilityReach> reaches_of(analysis::TravelModel& model, const Standard& st,
                                                const std::vector<Facility>& facilities, double limit,
                                                std::size_t& not_joined, ProgressSink* progress) {
  Diagnostics local;
  auto r = analysis::facility_reach(model, st, facilities, limit, local, progress);
  not_joined = static_cast<std::size_t>(
      std::count_if(r.begin(), r.end(), [](const analysis::FacilityReach& f) { return !f.joined; }));
  return r;
}

}  // namespace

void analyse_access_models(const io::LoadedScenario& loaded, analysis::TravelModel& model, RunAnalysis& out,
                           Diagnostics& diag, ProgressSink* progress) {
  const AccessModelSpecs& specs = loaded.scenario.access_models;
  const PopulationGrid& pop = loaded.population->surface;
  const double search_limit = model.settings().search_limit_min;

  // --- referral times
  for (const ReferralSpec& spec : specs.referral) {
    ReferralOutcome o;
    o.spec = &spec;
    o.standard = &standard_by_id(loaded, spec.standard);
    o.level = level_by_name(out, spec.level);
    o.limit_min = spec.limit_min.value_or(std::max(search_limit, spec.threshold_min));
    const std::string key = "referral." + spec.id;
    std::vector<const Facility*> from;
    std::vector<const Facility*> to;
    for (const Facility& f : loaded.facilities) {
      if (spec.from.matches(f)) from.push_back(&f);
      if (spec.to.matches(f)) to.push_back(&f);
    }
    o.targets = to.size();
    if (!skipped(loaded, *o.standard, key, spec.line, o.not_computed, o.not_computed_zh, diag)) {
      ProgressStep step(progress, "referral times " + spec.id);
      o.rows = analysis::referral_times(loaded.roads ? &*loaded.roads : nullptr, loaded.raster ? &*loaded.raster : nullptr,
                                        pop.grid, model.settings(), *o.standard, from, to, o.limit_min, diag);
      if (from.empty() || to.empty())
        diag.warn("referral.empty_group"_code,
                  key + ": " + (from.empty() ? "no facility matches from_types / from_tags_any"
                                             : "no facility matches the target group") +
                      ": the referral table is empty",
                  where(loaded, key, spec.line), "check the groups against the facilities' types and tags");
    }
    out.referrals.push_back(std::move(o));
  }

  // --- E2SFCA
  for (const AccessibilitySpec& spec : specs.accessibility) {
    AccessibilityOutcome o;
    o.spec = &spec;
    o.standard = &standard_by_id(loaded, spec.standard);
    const std::string key = "accessibility." + spec.id;
    if (spec.decay == "gaussian") {
      o.decay.kind = analysis::DecayKind::kGaussian;
      o.decay.t0_min = *spec.t0_min;
    } else {
      o.decay.bands_min = spec.bands_min;
      o.decay.weights = spec.weights;
    }
    std::vector<Facility> chosen;
    std::vector<double> supply;
    for (const Facility& f : loaded.facilities)
      if (spec.select.matches(f)) {
        chosen.push_back(f);
        o.facility_ids.push_back(f.id.value);
        const auto v = facility_quantity(f, spec.supply);
        if (!v) ++o.supply_missing;
        supply.push_back(v.value_or(0.0));
      }
    if (o.supply_missing > 0)
      diag.warn("accessibility.supply_missing"_code,
                key + ": " + std::to_string(o.supply_missing) + " of " + std::to_string(chosen.size()) +
                    " facilities have no " + to_string(spec.supply) + "; they count with a supply of 0",
                where(loaded, key + ".supply", spec.line), "fill the field in the facility list, or choose another supply");
    if (!skipped(loaded, *o.standard, key, spec.line, o.not_computed, o.not_computed_zh, diag)) {
      ProgressStep step(progress, "accessibility index " + spec.id);
      const auto reaches = reaches_of(model, *o.standard, chosen, o.decay.limit_min(), o.not_joined, nullptr);
      o.result = analysis::e2sfca(reaches, supply, pop.persons, o.decay);
      for (const LevelOnGrid& l : out.levels)
        o.zone_value.push_back(analysis::zone_accessibility(o.result.accessibility, pop.persons, l.zone_of_cell,
                                                            l.level.zones.size()));
      model.release(o.standard->mode);
    }
    out.accessibility.push_back(std::move(o));
  }

  // --- Huff
  for (const HuffSpec& spec : specs.huff) {
    HuffOutcome o;
    o.spec = &spec;
    o.standard = &standard_by_id(loaded, spec.standard);
    o.level = level_by_name(out, spec.level);
    o.limit_min = spec.limit_min.value_or(search_limit);
    o.decay = spec.decay == "power" ? analysis::HuffDecay::kPower : analysis::HuffDecay::kExponential;
    o.beta = spec.beta.value_or(o.decay == analysis::HuffDecay::kPower ? 2.0 : 0.1);
    const std::string key = "huff." + spec.id;
    const LevelOnGrid& level = out.levels[o.level];
    // Observed rates by zone code.
    o.observed.assign(level.level.zones.size(), std::nullopt);
    for (const auto& entry : spec.observed) {
      const std::string& code = entry.first;  // not a structured binding: clang 14 refuses those in a lambda
      const double rate = entry.second;
      auto it = std::find_if(level.level.zones.begin(), level.level.zones.end(), [&](const Zone& z) { return z.code == code; });
      if (it == level.level.zones.end())
        throw ScenarioError("'" + code + "' is not the code of a " + level.level.label_en + " zone",
                            where(loaded, key + ".observed." + code, spec.observed_lines.at(code)),
                            "observed rates are keyed by the zone codes of level '" + level.level.level + "'");
      o.observed[static_cast<std::size_t>(it - level.level.zones.begin())] = rate;
    }
    if (!spec.observed_table_path.empty()) {
      // [huff.<id>.observed_table]: one row per zone, the code and the rate (0–1).
      io::SourceSpec src;
      src.key = key + ".observed_table";
      src.line = spec.observed_table_line;
      src.path = spec.observed_table_path;
      src.path_as_written = spec.observed_table_written;
      src.layer = spec.observed_table_layer;
      src.encoding = spec.observed_table_encoding;
      io::VectorSource table(src, diag);
      const int code_i = table.field_index(spec.observed_code_field, src.key + ".code_field");
      const int rate_i = table.field_index(spec.observed_rate_field, src.key + ".rate_field");
      for (auto& f : table.layer()) {
        const std::string code = io::VectorSource::code(*f, code_i);
        const std::string text = io::VectorSource::text(*f, rate_i);
        if (code.empty() && text.empty()) continue;
        const auto rate = io::parse_number(text);
        if (!rate || !(*rate >= 0 && *rate <= 1))
          throw InputError("'" + text + "' is not an observed share between 0 and 1", table.where(*f, spec.observed_rate_field),
                           "write the share of visits that stay in the zone as a fraction (0.88 for 88 %)");
        auto it = std::find_if(level.level.zones.begin(), level.level.zones.end(), [&](const Zone& z) { return z.code == code; });
        if (it == level.level.zones.end())
          throw InputError("'" + code + "' is not the code of a " + level.level.label_en + " zone",
                           table.where(*f, spec.observed_code_field),
                           "observed rates are keyed by the zone codes of level '" + level.level.level + "'");
        o.observed[static_cast<std::size_t>(it - level.level.zones.begin())] = *rate;
      }
    }
    const bool any_observed = std::any_of(o.observed.begin(), o.observed.end(), [](const auto& v) { return v.has_value(); });
    std::vector<Facility> chosen;
    std::vector<std::uint32_t> fzone;
    for (const Facility& f : loaded.facilities)
      if (spec.select.matches(f)) {
        chosen.push_back(f);
        o.facility_ids.push_back(f.id.value);
        const auto v = facility_quantity(f, spec.attractiveness);
        if (!v) ++o.attractiveness_missing;
        o.attractiveness.push_back(v.value_or(0.0));
        fzone.push_back(out.facility_zone[o.level][f.id.value]);
      }
    if (o.attractiveness_missing > 0)
      diag.warn("huff.attractiveness_missing"_code,
                key + ": " + std::to_string(o.attractiveness_missing) + " of " + std::to_string(chosen.size()) +
                    " facilities have no " + to_string(spec.attractiveness) + "; nobody is modelled to choose them",
                where(loaded, key + ".attractiveness", spec.line),
                "fill the field in the facility list, or use attractiveness = \"level\"");
    if (!skipped(loaded, *o.standard, key, spec.line, o.not_computed, o.not_computed_zh, diag)) {
      ProgressStep step(progress, "Huff model " + spec.id);
      std::size_t not_joined = 0;
      const auto reaches = reaches_of(model, *o.standard, chosen, o.limit_min, not_joined, nullptr);
      const analysis::HuffInputs in = analysis::prepare_huff(reaches, o.attractiveness, pop.persons, level.zone_of_cell,
                                                             fzone, level.level.zones.size());
      if (any_observed) {
        const auto range = spec.beta_range.value_or(o.decay == analysis::HuffDecay::kPower ? std::pair{0.05, 5.0}
                                                                                           : std::pair{0.001, 1.0});
        try {
          o.fit = analysis::calibrate_huff(in, o.decay, o.observed, range.first, range.second);
          o.beta = o.fit->beta;
          o.calibrated = true;
          if (o.fit->beta <= range.first * 1.0001 || o.fit->beta >= range.second * 0.9999)
            diag.warn("huff.beta_at_bound"_code,
                      key + ": the fitted decay parameter " + std::to_string(o.fit->beta) +
                          " lies at the end of the search range: the observed rates are not matched inside it",
                      where(loaded, key + ".beta_range", spec.line), "widen beta_range, or check the observed rates");
        } catch (const std::invalid_argument&) {
          diag.warn("huff.not_calibrated"_code,
                    key + ": no zone with an observed rate has residents within reach of a facility; the decay "
                          "parameter was not calibrated",
                    where(loaded, key + ".observed", spec.line), "check the observed zone codes");
        }
      }
      o.result = analysis::huff(in, o.decay, o.beta);
      model.release(o.standard->mode);
    }
    out.huff.push_back(std::move(o));
  }
}

}  // namespace carereach::pipeline
