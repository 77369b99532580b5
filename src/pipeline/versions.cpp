#include "pipeline/versions.hpp"

#include <boost/version.hpp>

#include "core/version.hpp"
#include "geo/versions.hpp"
#include "io/gdal_version.hpp"

namespace carereach::pipeline {

std::map<std::string, std::string> versions() {
  return {{"carereach", kVersion},
          {"gdal", io::gdal_version()},
          {"proj", geo::proj_version()},
          {"geos", geo::geos_version()},
          {"boost", std::to_string(BOOST_VERSION / 100000) + "." + std::to_string(BOOST_VERSION / 100 % 1000)}};
}

}  // namespace carereach::pipeline
