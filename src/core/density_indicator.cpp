// The shipped density indicators (density_indicator.hpp; docs/method/density.md).

#include "core/density_indicator.hpp"

namespace carereach {

namespace {

const char* const kHealthPlan = "《“十四五”国民健康规划》（国办发〔2022〕11号）";
const char* const kTcmPlan = "《“十四五”中医药发展规划》（国办发〔2022〕5号）";

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

}  // namespace

const char* density_attribute_key(DensityAttribute a) {
  switch (a) {
    case DensityAttribute::kBeds: return "beds";
    case DensityAttribute::kDoctors: return "doctors";
    case DensityAttribute::kNurses: return "nurses";
    case DensityAttribute::kGps: return "gps";
    case DensityAttribute::kTcmBeds: return "tcm_beds";
    case DensityAttribute::kTcmDoctors: return "tcm_doctors";
  }
  return "";
}

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

}  // namespace carereach
