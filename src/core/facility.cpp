#include "core/facility.hpp"

#include <algorithm>

namespace carereach {

bool Facility::has_tag(const std::string& tag) const { return std::binary_search(tags.begin(), tags.end(), tag); }

const char* to_string(FacilityStatus s) {
  switch (s) {
    case FacilityStatus::kActive: return "active";
    case FacilityStatus::kClosed: return "closed";
    case FacilityStatus::kPlanned: return "planned";
  }
  return "?";
}

const char* to_string(FacilityLevel l) {
  switch (l) {
    case FacilityLevel::kUnrated: return "unrated";
    case FacilityLevel::kPrimary: return "primary";
    case FacilityLevel::kSecondary: return "secondary";
    case FacilityLevel::kTertiary: return "tertiary";
  }
  return "?";
}

const char* to_label_zh(FacilityLevel l) {
  switch (l) {
    case FacilityLevel::kUnrated: return "未定级";
    case FacilityLevel::kPrimary: return "一级";
    case FacilityLevel::kSecondary: return "二级";
    case FacilityLevel::kTertiary: return "三级";
  }
  return "?";
}

}  // namespace carereach
