// Resource density per zone (density.hpp; docs/method/density.md).

#include "analysis/density.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "analysis/coverage.hpp"

namespace carereach::analysis {

namespace {

constexpr std::size_t kAttributes = 6;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

const char* const kHealthPlan = "《“十四五”国民健康规划》（国办发〔2022〕11号）";
const char* const kTcmPlan = "《“十四五”中医药发展规划》（国办发〔2022〕5号）";

std::optional<double> attribute_of(const Facility& f, DensityAttribute a) {
  switch (a) {
    case DensityAttribute::kBeds: return f.beds;
    case DensityAttribute::kDoctors: return f.doctors;
    case DensityAttribute::kNurses: return f.nurses;
    case DensityAttribute::kGps: return f.gps;
    case DensityAttribute::kTcmBeds: return f.tcm_beds;
    case DensityAttribute::kTcmDoctors: return f.tcm_doctors;
  }
  return std::nullopt;
}

DensityIndicator per_population(const char* id, const char* name_zh, const char* name_en, const char* unit_zh,
                                const char* unit_en, DensityAttribute a, double per_persons, double target,
                                std::string source) {
  DensityIndicator d;
  d.id = id;
  d.name_zh = name_zh;
  d.name_en = name_en;
  d.unit_zh = unit_zh;
  d.unit_en = unit_en;
  d.attribute = a;
  d.per_persons = per_persons;
  d.target = target;
  d.target_source = std::move(source);
  return d;
}

/// The indicators' values and flags of a zone whose population and totals are set. `available`: per attribute,
/// whether any facility of the level gives it.
void evaluate(ZoneDensity& z, std::span<const DensityIndicator> indicators, const std::vector<bool>& available) {
  z.value.assign(indicators.size(), kNaN);
  z.below_target.assign(indicators.size(), -1);
  const auto total = [&](DensityAttribute a) { return z.totals[static_cast<std::size_t>(a)]; };
  const auto has = [&](DensityAttribute a) { return available[static_cast<std::size_t>(a)]; };
  for (std::size_t i = 0; i < indicators.size(); ++i) {
    const DensityIndicator& ind = indicators[i];
    double v = kNaN;
    if (ind.nurse_doctor_ratio) {
      if (has(DensityAttribute::kNurses) && has(DensityAttribute::kDoctors) && total(DensityAttribute::kDoctors) > 0)
        v = total(DensityAttribute::kNurses) / total(DensityAttribute::kDoctors);
    } else if (has(ind.attribute) && z.population > 0) {
      v = total(ind.attribute) * ind.per_persons / z.population;
    }
    z.value[i] = v;
    if (ind.target && !std::isnan(v)) z.below_target[i] = v < *ind.target ? 1 : 0;
  }
}

}  // namespace

std::vector<DensityIndicator> default_density_indicators() {
  using A = DensityAttribute;
  const std::string health_2025 = std::string(kHealthPlan) + "2025年目标";
  std::vector<DensityIndicator> out;
  out.push_back(per_population("beds_per_1000", "每千常住人口医疗卫生机构床位数", "Beds per 1,000 residents",
                               "张/千人", "beds per 1,000", A::kBeds, 1000.0, 7.4,
                               health_2025 + "7.4–7.5张，取下限"));
  out.push_back(per_population("doctors_per_1000", "每千常住人口执业（助理）医师数",
                               "Licensed (assistant) doctors per 1,000 residents", "人/千人", "per 1,000",
                               A::kDoctors, 1000.0, 3.2, health_2025));
  out.push_back(per_population("nurses_per_1000", "每千常住人口注册护士数", "Registered nurses per 1,000 residents",
                               "人/千人", "per 1,000", A::kNurses, 1000.0, 3.8, health_2025));
  out.push_back(per_population("gps_per_10000", "每万常住人口全科医生数",
                               "General practitioners per 10,000 residents", "人/万人", "per 10,000", A::kGps,
                               10000.0, 3.93, health_2025));
  out.push_back(per_population("tcm_beds_per_1000", "每千常住人口中医类床位数", "TCM beds per 1,000 residents",
                               "张/千人", "beds per 1,000", A::kTcmBeds, 1000.0, 0.85,
                               std::string(kTcmPlan) + "2025年每千人口公立中医医院床位数目标；本表计入所列全部机构的中医床位"));
  out.push_back(per_population("tcm_doctors_per_1000", "每千常住人口中医类别执业（助理）医师数",
                               "TCM doctors per 1,000 residents", "人/千人", "per 1,000", A::kTcmDoctors, 1000.0,
                               0.62, std::string(kTcmPlan) + "2025年目标"));
  DensityIndicator ratio;
  ratio.id = "nurse_doctor_ratio";
  ratio.name_zh = "医护比";
  ratio.name_en = "Nurses per doctor";
  ratio.unit_zh = "护士/医师";
  ratio.unit_en = "nurses per doctor";
  ratio.nurse_doctor_ratio = true;
  ratio.target = 1.2;
  ratio.target_source = health_2025 + "医护比1:1.2";
  out.push_back(std::move(ratio));
  return out;
}

LevelDensity zone_density(std::span<const Facility> facilities, std::span<const std::uint32_t> facility_zone,
                          std::span<const double> zone_population, std::span<const DensityIndicator> indicators,
                          bool include_planned) {
  if (facility_zone.size() != facilities.size())
    throw std::invalid_argument("zone density: " + std::to_string(facility_zone.size()) + " facility zones for " +
                                std::to_string(facilities.size()) + " facilities");
  const std::size_t zones = zone_population.size();
  LevelDensity out;
  out.zones.resize(zones);
  for (std::size_t z = 0; z < zones; ++z) {
    out.zones[z].population = zone_population[z];
    out.zones[z].totals.assign(kAttributes, 0.0);
    out.zones[z].reporting.assign(kAttributes, 0);
  }
  // Facilities in facility order: a zone's totals are summed in that order.
  for (std::size_t f = 0; f < facilities.size(); ++f) {
    const Facility& fac = facilities[f];
    const std::uint32_t z = facility_zone[f];
    if (z == kNoZone) continue;
    if (z >= zones)
      throw std::invalid_argument("zone density: facility " + fac.source_id + " has zone " + std::to_string(z) +
                                  " of " + std::to_string(zones));
    if (fac.status == FacilityStatus::kClosed || (fac.status == FacilityStatus::kPlanned && !include_planned)) continue;
    for (std::size_t a = 0; a < kAttributes; ++a) {
      const std::optional<double> v = attribute_of(fac, static_cast<DensityAttribute>(a));
      if (!v || !std::isfinite(*v)) continue;
      out.zones[z].totals[a] += *v;
      ++out.zones[z].reporting[a];
    }
  }
  // The total: the zones' sums in zone order.
  ZoneDensity& t = out.total;
  t.totals.assign(kAttributes, 0.0);
  t.reporting.assign(kAttributes, 0);
  for (const ZoneDensity& z : out.zones) {
    t.population += z.population;
    for (std::size_t a = 0; a < kAttributes; ++a) {
      t.totals[a] += z.totals[a];
      t.reporting[a] += z.reporting[a];
    }
  }
  // An attribute that no counted facility of the level gives is unknown, not zero.
  std::vector<bool> available(kAttributes);
  for (std::size_t a = 0; a < kAttributes; ++a) available[a] = t.reporting[a] > 0;
  for (ZoneDensity& z : out.zones) evaluate(z, indicators, available);
  evaluate(t, indicators, available);
  return out;
}

}  // namespace carereach::analysis
