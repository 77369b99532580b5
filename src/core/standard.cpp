#include "core/standard.hpp"

#include <algorithm>
#include <array>
#include <charconv>

namespace carereach {

const char* to_string(TravelMode m) {
  switch (m) {
    case TravelMode::kWalk: return "walk";
    case TravelMode::kBicycle: return "bicycle";
    case TravelMode::kEbike: return "ebike";
    case TravelMode::kCar: return "car";
    case TravelMode::kMixed: return "mixed";
  }
  return "?";
}

const char* to_label_zh(TravelMode m) {
  switch (m) {
    case TravelMode::kWalk: return "步行";
    case TravelMode::kBicycle: return "自行车";
    case TravelMode::kEbike: return "电动自行车";
    case TravelMode::kCar: return "机动车";
    case TravelMode::kMixed: return "步行+机动车";
  }
  return "?";
}

const char* to_string(TripDirection d) { return d == TripDirection::kFromFacility ? "from" : "towards"; }

const char* to_label_en(TravelMode m) {
  switch (m) {
    case TravelMode::kWalk: return "walking";
    case TravelMode::kBicycle: return "bicycle";
    case TravelMode::kEbike: return "e-bike";
    case TravelMode::kCar: return "car";
    case TravelMode::kMixed: return "walking + car";
  }
  return "?";
}

const char* to_string(TravelEngine e) {
  switch (e) {
    case TravelEngine::kNetwork: return "network";
    case TravelEngine::kRaster: return "raster";
    case TravelEngine::kEstimate: return "estimate";
  }
  return "?";
}

std::optional<TravelMode> parse_travel_mode(const std::string& s) {
  for (TravelMode m : {TravelMode::kWalk, TravelMode::kBicycle, TravelMode::kEbike, TravelMode::kCar, TravelMode::kMixed})
    if (s == to_string(m)) return m;
  return std::nullopt;
}

std::optional<TravelEngine> parse_travel_engine(const std::string& s) {
  if (s == "network") return TravelEngine::kNetwork;
  if (s == "raster") return TravelEngine::kRaster;
  if (s == "estimate") return TravelEngine::kEstimate;
  return std::nullopt;
}

namespace {

/// 1.3 → "1.3", 35 → "35": the shortest text that reads back as the value (no locale).
std::string shortest(double v) {
  std::array<char, 32> buf{};
  const auto res = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  return std::string(buf.data(), res.ptr);
}

}  // namespace

std::string estimate_label_zh(TravelMode mode, double circuity, double speed_kmh) {
  return "直线距离估算（绕行系数 " + shortest(circuity) + "，" + to_label_zh(mode) + " " + shortest(speed_kmh) + " 千米/小时）";
}

std::string estimate_label_en(TravelMode mode, double circuity, double speed_kmh) {
  return "straight-line estimate (circuity " + shortest(circuity) + ", " + to_label_en(mode) + " " + shortest(speed_kmh) +
         " km/h)";
}

bool FacilitySelector::matches(const Facility& f) const {
  if (f.status == FacilityStatus::kClosed) return false;
  if (f.status == FacilityStatus::kPlanned && !include_planned) return false;
  if (!types.empty() && std::find(types.begin(), types.end(), f.type) == types.end()) return false;
  if (static_cast<int>(f.level) < static_cast<int>(min_level)) return false;
  if (!tags_any.empty() && std::none_of(tags_any.begin(), tags_any.end(), [&](const std::string& t) { return f.has_tag(t); }))
    return false;
  return true;
}

std::vector<Standard> default_standards() {
  std::vector<Standard> out;
  {
    Standard s;
    s.id = "tcm_15min";
    s.name_zh = "15分钟中医药服务圈";
    s.name_en = "15-minute TCM service circle";
    s.select.tags_any = {"tcm"};
    s.mode = TravelMode::kWalk;
    s.threshold_min = 15.0;
    s.target_share = 0.9;
    s.source_zh = "15分钟服务圈出自国家中医药发展规划；出行方式和目标覆盖率为本地假设";
    s.source_en = "15-minute circle from national TCM development plans; mode and target share are local assumptions";
    out.push_back(std::move(s));
  }
  {
    Standard s;
    s.id = "primary_care_15min";
    s.name_zh = "15分钟医疗卫生服务圈";
    s.name_en = "15-minute primary care circle";
    s.select.types = {"community_health_center", "community_health_station", "subdistrict_health_center",
                      "township_health_center", "village_clinic", "outpatient_department", "clinic"};
    s.mode = TravelMode::kWalk;
    s.threshold_min = 15.0;
    s.target_share = 0.9;
    s.source_zh = "15分钟医疗卫生服务圈出自国家卫生健康规划；出行方式和目标覆盖率为本地假设";
    s.source_en =
        "15-minute health service circle from national health service plans; mode and target share are local "
        "assumptions";
    out.push_back(std::move(s));
  }
  for (double minutes : {30.0, 60.0}) {
    Standard s;
    s.id = minutes == 30.0 ? "county_hospital_30min" : "county_hospital_60min";
    s.name_zh = minutes == 30.0 ? "县级医院30分钟可达" : "县级医院60分钟可达";
    s.name_en = minutes == 30.0 ? "County hospital within 30 minutes" : "County hospital within 60 minutes";
    s.select.types = {"general_hospital", "tcm_hospital", "integrated_hospital"};
    s.select.tags_any = {"county_hospital"};
    s.mode = TravelMode::kCar;
    s.threshold_min = minutes;
    s.target_share = minutes == 30.0 ? 0.9 : 1.0;
    s.source_zh = "县域医疗中心可达性；时间阈值和目标覆盖率为本地假设";
    s.source_en = "county medical centre reach (县域医疗中心); thresholds and targets are local assumptions";
    out.push_back(std::move(s));
  }
  {
    Standard s;
    s.id = "emergency_radius";
    s.name_zh = "急救半径";
    s.name_en = "Emergency radius";
    s.select.tags_any = {"emergency"};
    s.select.types = {};
    s.mode = TravelMode::kCar;
    s.distance_m_by_zone_class = {{"urban", 5000.0}, {"rural", 15000.0}};
    s.target_share = 1.0;
    s.source_zh = "院前急救服务半径：城区 ≤ 5 千米，农村 10–20 千米（取 15 千米），国卫医发〔2020〕19号";
    s.source_en = "pre-hospital emergency radius: urban ≤ 5 km, rural 10–20 km (15 km used), 国卫医发〔2020〕19号";
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace carereach
