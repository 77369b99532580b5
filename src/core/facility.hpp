#pragma once
// Facilities (医疗卫生机构) after loading and normalisation: positions in the analysis CRS, types from the
// taxonomy, attributes as numbers (absent when the source has no value).

#include <optional>
#include <string>
#include <vector>

#include "core/ids.hpp"

namespace carereach {

enum class FacilityStatus { kActive, kClosed, kPlanned };

/// 三级/二级/一级 hospital levels; kUnrated for 未定级 and for facilities without a level.
enum class FacilityLevel : int { kUnrated = 0, kPrimary = 1, kSecondary = 2, kTertiary = 3 };

struct Facility {
  FacilityId id;           ///< dense index in the loaded set
  std::string source_id;   ///< id as given in the input (unique within the scenario)
  std::string name;
  std::string type;        ///< taxonomy id, e.g. "township_health_center"
  FacilityLevel level = FacilityLevel::kUnrated;
  std::string grade;       ///< 甲/乙/丙 when given
  std::vector<std::string> tags;  ///< canonical tags, sorted, unique (implied tags of the type included)
  FacilityStatus status = FacilityStatus::kActive;

  std::optional<double> beds;         ///< 实有床位 / 编制床位
  std::optional<double> doctors;      ///< 执业(助理)医师
  std::optional<double> nurses;       ///< 注册护士
  std::optional<double> gps;          ///< 全科医生
  std::optional<double> tcm_beds;     ///< 中医床位
  std::optional<double> tcm_doctors;  ///< 中医类别执业(助理)医师
  std::optional<double> capacity;     ///< patients served per year (or any capacity unit the scenario states)

  double x_m = 0.0;  ///< position in the analysis CRS
  double y_m = 0.0;
  double lon = 0.0;  ///< position in geographic WGS84/CGCS2000 degrees (for output and messages)
  double lat = 0.0;

  std::string source_file;  ///< input file, as the scenario names it
  std::string source_feature;  ///< "row 12" or "feature 7"

  [[nodiscard]] bool has_tag(const std::string& tag) const;
};

const char* to_string(FacilityStatus s);
const char* to_string(FacilityLevel l);
/// Chinese label: 三级 / 二级 / 一级 / 未定级.
const char* to_label_zh(FacilityLevel l);

}  // namespace carereach
