#include "core/indicator.hpp"

namespace carereach {

const char* to_string(IndicatorKind k) {
  switch (k) {
    case IndicatorKind::kPresence: return "presence";
    case IndicatorKind::kShare: return "share";
  }
  return "";
}

}  // namespace carereach
