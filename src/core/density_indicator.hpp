#pragma once
// The resource-density indicators (医疗资源配置指标): beds, 执业(助理)医师, 注册护士, GPs, TCM beds, TCM doctors per
// 1,000 (or 10,000) residents and the nurse:doctor ratio, with their national targets and sources. Plain data in
// core, so that the scenario file can check indicator ids (density targets, per-zone targets) when it is read;
// analysis/density.hpp computes them. docs/method/density.md names the targets and sources.

#include <optional>
#include <string>
#include <vector>

namespace carereach {

/// The facility attributes a density counts, in this order everywhere (tables, totals, zone totals).
enum class DensityAttribute { kBeds, kDoctors, kNurses, kGps, kTcmBeds, kTcmDoctors };
inline constexpr std::size_t kDensityAttributes = 6;

/// "beds", "doctors", "nurses", "gps", "tcm_beds", "tcm_doctors": the attribute's key in the scenario and the tables.
const char* density_attribute_key(DensityAttribute a);

/// One indicator: a facility attribute per `per_persons` residents, or (ratio) nurses per doctor.
struct DensityIndicator {
  std::string id;       ///< "beds_per_1000"
  std::string name_zh;  ///< 每千常住人口医疗卫生机构床位数
  std::string name_en;
  std::string unit_zh;  ///< 张/千人
  std::string unit_en;  ///< beds per 1,000
  DensityAttribute attribute = DensityAttribute::kBeds;
  bool nurse_doctor_ratio = false;  ///< true: nurses ÷ doctors (医护比 1:x), attribute unused
  double per_persons = 1000.0;
  std::optional<double> target;      ///< at least this (none: reported without a target)
  std::string target_source;         ///< where the target comes from
};

/// The shipped indicators and national targets (docs/method/density.md).
std::vector<DensityIndicator> default_density_indicators();

}  // namespace carereach
