#pragma once
#include <string>
namespace carereach::geo {
std::string proj_version();  ///< "9.1.1"
std::string geos_version();  ///< "3.11.1"
}  // namespace carereach::geo
