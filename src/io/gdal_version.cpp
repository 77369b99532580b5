#include "io/gdal_version.hpp"

#include <gdal.h>

namespace carereach::io {

std::string gdal_version() { return GDALVersionInfo("RELEASE_NAME"); }

}  // namespace carereach::io
