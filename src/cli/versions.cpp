#include "cli/versions.hpp"

#include <gdal.h>

#include <boost/version.hpp>

#include "core/version.hpp"
#include "geo/versions.hpp"

namespace carereach::cli {

std::map<std::string, std::string> versions() {
  return {{"carereach", kVersion},
          {"gdal", GDALVersionInfo("RELEASE_NAME")},
          {"proj", geo::proj_version()},
          {"geos", geo::geos_version()},
          {"boost", std::to_string(BOOST_VERSION / 100000) + "." + std::to_string(BOOST_VERSION / 100 % 1000)}};
}

std::string version_text() {
  auto v = versions();
  return "carereach " + v["carereach"] + " (GDAL " + v["gdal"] + ", PROJ " + v["proj"] + ", GEOS " + v["geos"] +
         ", Boost " + v["boost"] + ")";
}

}  // namespace carereach::cli
