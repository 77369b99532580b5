#include "core/access_models.hpp"

#include <array>
#include <utility>

namespace carereach {

namespace {

constexpr std::array<std::pair<const char*, FacilityQuantity>, 9> kQuantities = {{
    {"beds", FacilityQuantity::kBeds},
    {"doctors", FacilityQuantity::kDoctors},
    {"nurses", FacilityQuantity::kNurses},
    {"gps", FacilityQuantity::kGps},
    {"tcm_beds", FacilityQuantity::kTcmBeds},
    {"tcm_doctors", FacilityQuantity::kTcmDoctors},
    {"capacity", FacilityQuantity::kCapacity},
    {"count", FacilityQuantity::kCount},
    {"level", FacilityQuantity::kLevel},
}};

}  // namespace

std::optional<FacilityQuantity> parse_facility_quantity(const std::string& text) {
  for (const auto& [name, q] : kQuantities)
    if (text == name) return q;
  return std::nullopt;
}

const char* to_string(FacilityQuantity q) {
  for (const auto& [name, v] : kQuantities)
    if (v == q) return name;
  return "?";
}

}  // namespace carereach
