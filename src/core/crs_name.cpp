#include "core/crs_name.hpp"

#include <regex>

namespace carereach {

std::string crs_name_zh(std::string_view display) {
  const std::string text(display);
  // An EPSG code in front ("EPSG:4548 "), then the name.
  static const std::regex code_and_name(R"(^((?:[A-Z]+:[0-9]+ )?)(.*)$)");
  std::smatch m;
  if (!std::regex_match(text, m, code_and_name)) return text;
  const std::string code = m[1];
  const std::string name = m[2];
  std::smatch n;
  static const std::regex gauss_cm(R"(^CGCS2000 / ([36])-degree Gauss-Kruger CM ([0-9.]+)E$)");
  static const std::regex gauss_zone(R"(^CGCS2000 / ([36])-degree Gauss-Kruger zone ([0-9]+)$)");
  static const std::regex utm(R"(^WGS 84 / UTM zone ([0-9]+)([NS])$)");
  if (name == "China Geodetic Coordinate System 2000") return code + "2000国家大地坐标系（CGCS2000）";
  if (std::regex_match(name, n, gauss_cm))
    return code + "CGCS2000 / 高斯-克吕格投影 " + n[1].str() + "度带，中央经线 " + n[2].str() + "°E";
  if (std::regex_match(name, n, gauss_zone))
    return code + "CGCS2000 / 高斯-克吕格投影 " + n[1].str() + "度带 第 " + n[2].str() + " 带（带号加在东坐标前）";
  if (std::regex_match(name, n, utm))
    return code + "WGS 84 / UTM 投影 第 " + n[1].str() + " 带（" + (n[2] == "N" ? "北半球" : "南半球") + "）";
  if (name.starts_with("GCJ-02 (")) return code + "GCJ-02（火星坐标，WGS 84 的网络地图偏移）";
  if (name.starts_with("BD-09 (")) return code + "BD-09（百度坐标，GCJ-02 的偏移）";
  return text;
}

}  // namespace carereach
