#pragma once
// The scenario's accessibility models beside the service standards: referral times between two groups of
// facilities ([referral.<id>], 附表11), the E2SFCA accessibility index ([accessibility.<id>], 附表9) and the Huff
// model of where residents seek care ([huff.<id>], 附表10). docs/scenario.md and docs/method/referral.md,
// accessibility.md, huff.md describe them.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/standard.hpp"

namespace carereach {

/// A facility attribute used as a quantity: supply (E2SFCA) or attractiveness (Huff).
enum class FacilityQuantity { kBeds, kDoctors, kNurses, kGps, kTcmBeds, kTcmDoctors, kCapacity, kCount, kLevel };

/// "beds", "doctors", … ("count": 1 per facility; "level": 三级 3, 二级 2, 一级 and 未定级 1).
std::optional<FacilityQuantity> parse_facility_quantity(const std::string& text);
const char* to_string(FacilityQuantity q);

struct ReferralSpec {
  std::string id;
  std::string name_zh;  ///< 村卫生室至乡镇卫生院转诊时间 (a default is made from the groups when not given)
  std::string name_en;
  std::string standard;   ///< the standard whose mode and engine measure the times
  FacilitySelector from;  ///< the facilities referred from
  FacilitySelector to;    ///< the facilities referred to (to_standard: that standard's selector)
  std::string to_standard;  ///< "" or the standard whose facilities are the targets
  double threshold_min = 30.0;  ///< rows beyond are flagged and listed
  std::optional<double> limit_min;  ///< search limit (default: the larger of [travel] search limit and threshold)
  std::string level;  ///< the zone level of the summary (default: the first level)
  int line = 0;
};

struct AccessibilitySpec {
  std::string id;
  std::string name_zh;
  std::string name_en;
  std::string standard;       ///< mode, engine and (by default) the facilities and threshold
  FacilitySelector select;    ///< the facilities (default: the standard's selector)
  FacilityQuantity supply = FacilityQuantity::kBeds;
  std::string decay = "step";  ///< "step" or "gaussian"
  std::vector<double> bands_min;  ///< step: upper bounds, ascending (default: the threshold in three equal bands)
  std::vector<double> weights;    ///< step: one per band (default 1, 0.68, 0.22 after Luo & Qi 2009)
  std::optional<double> t0_min;   ///< gaussian: catchment size (default: the standard's threshold)
  int line = 0;
};

struct HuffSpec {
  std::string id;
  std::string name_zh;
  std::string name_en;
  std::string standard;     ///< mode and engine (and by default the facilities)
  FacilitySelector select;  ///< the facilities (default: the standard's selector)
  FacilityQuantity attractiveness = FacilityQuantity::kBeds;
  std::string decay = "exponential";  ///< "exponential" (β per minute) or "power"
  std::optional<double> beta;         ///< default: 0.1 per minute (exponential) or 2 (power)
  std::optional<double> limit_min;    ///< search limit (default: the [travel] search limit)
  std::string level;                  ///< the zones whose stay share is modelled (default: the first level)
  double target_share = 0.9;          ///< 县域就诊率 target
  std::string source_zh;              ///< where the target comes from
  std::string source_en;
  std::map<std::string, double> observed;  ///< zone code → observed rate (calibration when not empty)
  std::map<std::string, int> observed_lines;  ///< zone code → its line in the scenario
  std::string observed_label;  ///< where the observed rates come from
  /// [huff.<id>.observed_table]: the observed rates as a table (one row per zone), instead of or beside `observed`.
  std::string observed_table_path;     ///< resolved path ("" = none)
  std::string observed_table_written;  ///< as written in the scenario
  std::string observed_table_layer;
  std::string observed_table_encoding;
  std::string observed_code_field;
  std::string observed_rate_field;
  int observed_table_line = 0;
  std::optional<std::pair<double, double>> beta_range;  ///< calibration search range (default per decay)
  int line = 0;
};

}  // namespace carereach

namespace carereach {

/// Every [referral.<id>], [accessibility.<id>] and [huff.<id>] of a scenario, in the order given.
struct AccessModelSpecs {
  std::vector<ReferralSpec> referral;
  std::vector<AccessibilitySpec> accessibility;
  std::vector<HuffSpec> huff;
  [[nodiscard]] bool empty() const { return referral.empty() && accessibility.empty() && huff.empty(); }
};

}  // namespace carereach
