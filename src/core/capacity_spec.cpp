#include "core/capacity_spec.hpp"

#include <array>
#include <utility>

namespace carereach {

namespace {

struct Attribute {
  const char* name;
  const char* label_zh;
  std::optional<double> Facility::* member;
};

const std::array<Attribute, 7>& attributes() {
  static const std::array<Attribute, 7> list{{
      {"beds", "床位数", &Facility::beds},
      {"doctors", "执业（助理）医师数", &Facility::doctors},
      {"nurses", "注册护士数", &Facility::nurses},
      {"gps", "全科医生数", &Facility::gps},
      {"tcm_beds", "中医床位数", &Facility::tcm_beds},
      {"tcm_doctors", "中医类别执业（助理）医师数", &Facility::tcm_doctors},
      {"capacity", "服务能力", &Facility::capacity},
  }};
  return list;
}

}  // namespace

std::optional<double> facility_attribute(const Facility& f, const std::string& name) {
  for (const Attribute& a : attributes())
    if (name == a.name) return f.*(a.member);
  return std::nullopt;
}

bool is_facility_attribute(const std::string& name) {
  for (const Attribute& a : attributes())
    if (name == a.name) return true;
  return false;
}

std::string facility_attribute_names() {
  std::string out;
  for (const Attribute& a : attributes()) out += (out.empty() ? "" : ", ") + std::string(a.name);
  return out;
}

const char* facility_attribute_label_zh(const std::string& name) {
  for (const Attribute& a : attributes())
    if (name == a.name) return a.label_zh;
  return "";
}

std::optional<double> capacity_table_units(const CapacitySpec& spec, const Facility& f) {
  const std::string with_level = f.type + "/" + std::to_string(static_cast<int>(f.level));
  if (auto it = spec.table.find(with_level); it != spec.table.end()) return it->second;
  if (auto it = spec.table.find(f.type); it != spec.table.end()) return it->second;
  return std::nullopt;
}

}  // namespace carereach
