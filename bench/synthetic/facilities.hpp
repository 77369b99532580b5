#pragma once
// Synthetic facilities (医疗卫生机构): a general hospital and a TCM hospital in every county town, a township
// health centre (most with a 中医馆) at every township seat, a village clinic (some with a 中医阁) in every
// administrative village. Staff and bed numbers are drawn from plausible ranges for each type.

#include <string>
#include <vector>

#include "synthetic/layout.hpp"
#include "synthetic/spec.hpp"

namespace carereach::synthetic {

struct FacilityRow {
  std::string code;   ///< 机构代码: ZH/ZY + county code, WY + township code, CW + village code
  std::string name;   ///< 机构名称
  std::string type;   ///< 机构类别, Chinese (综合医院, 中医医院, 乡镇卫生院, 村卫生室)
  std::string level;  ///< 等级: 三级, 二级, 一级, 未定级
  std::string tags;   ///< 标签: 县级医院, 中医馆, 中医阁 or ""
  int beds = 0, doctors = 0, nurses = 0, gps = 0, tcm_beds = 0, tcm_doctors = 0;
  double x_m = 0.0;  ///< projected CRS of the spec
  double y_m = 0.0;
  std::string county_code;
  std::string township_code;  ///< "" for county hospitals
};

std::vector<FacilityRow> make_facilities(const SyntheticSpec& spec, const Layout& layout);

}  // namespace carereach::synthetic
