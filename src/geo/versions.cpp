#include "geo/versions.hpp"

#include <geos_c.h>
#include <proj.h>

namespace carereach::geo {

std::string proj_version() { return proj_info().version; }

std::string geos_version() {
  // GEOSversion() reads "3.11.1-CAPI-1.17.1": keep the library version only.
  std::string v = GEOSversion();
  return v.substr(0, v.find('-'));
}

}  // namespace carereach::geo
