#include "cli/versions.hpp"

#include "pipeline/versions.hpp"

namespace carereach::cli {

std::map<std::string, std::string> versions() { return pipeline::versions(); }

std::string version_text() {
  auto v = versions();
  return "carereach " + v["carereach"] + " (GDAL " + v["gdal"] + ", PROJ " + v["proj"] + ", GEOS " + v["geos"] +
         ", Boost " + v["boost"] + ")";
}

}  // namespace carereach::cli
