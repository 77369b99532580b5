#pragma once
// A tiny complete scenario written into a temporary folder: two square counties near 116°E 33.5°N (WGS 84),
// census totals, three facilities in a CSV with Chinese headers. Tests change one thing and check the outcome.

#include <string>

#include "cli_runner.hpp"

namespace carereach::test {

inline std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
  return s;
}

struct Fixture {
  TempDir dir;

  static std::string square(double x0, double y0, double size) {
    auto pt = [](double x, double y) { return "[" + std::to_string(x) + "," + std::to_string(y) + "]"; };
    return "[[" + pt(x0, y0) + "," + pt(x0 + size, y0) + "," + pt(x0 + size, y0 + size) + "," + pt(x0, y0 + size) +
           "," + pt(x0, y0) + "]]";
  }
  static std::string feature(const std::string& code, const std::string& name, const std::string& coords) {
    return R"({"type":"Feature","properties":{"code":")" + code + R"(","name":")" + name +
           R"("},"geometry":{"type":"Polygon","coordinates":)" + coords + "}}";
  }
  static std::string zones_geojson() {
    return R"({"type":"FeatureCollection","features":[)" + feature("100001", "甲县", square(116.0, 33.5, 0.1)) + "," +
           feature("100002", "乙县", square(116.1, 33.5, 0.1)) + "]}";
  }
  static std::string census_csv() { return "code,pop\n100001,1000\n100002,2000\n"; }
  static std::string facilities_csv() {
    return "机构代码,机构名称,机构类别,标签,经度,纬度\n"
           "F1,甲镇卫生院,乡镇卫生院,中医馆,116.05,33.55\n"
           "F2,乙县中医院,中医医院,县级医院,116.15,33.55\n"
           "F3,丙村卫生室,村卫生室,,116.12,33.52\n";
  }
  static std::string scenario_toml() {
    return R"([scenario]
name = "测试情景"
name_en = "Test scenario"

[analysis]
cell_size_m = 500

[[zones]]
level = "county"
source = "zones.geojson"
code_field = "code"
name_field = "name"

[population]
kind = "zone_totals"
source = "census.csv"
level = "county"
code_field = "code"
count_field = "pop"

[[facilities]]
source = "facilities.csv"
crs = "EPSG:4326"
x_field = "经度"
y_field = "纬度"
[facilities.fields]
id = "机构代码"
name = "机构名称"
type = "机构类别"
tags = "标签"
)";
  }

  Fixture() { write_all(zones_geojson(), census_csv(), facilities_csv(), scenario_toml()); }

  void write_all(const std::string& zones, const std::string& census, const std::string& facilities,
                 const std::string& scenario) const {
    dir.write("zones.geojson", zones);
    dir.write("census.csv", census);
    dir.write("facilities.csv", facilities);
    dir.write("scenario.toml", scenario);
  }
  [[nodiscard]] std::string scenario() const { return (dir / "scenario.toml").string(); }
  void set_scenario(const std::string& text) const { dir.write("scenario.toml", text); }
  void set_facilities(const std::string& text) const { dir.write("facilities.csv", text); }
  void set_zones(const std::string& text) const { dir.write("zones.geojson", text); }
};

}  // namespace carereach::test
