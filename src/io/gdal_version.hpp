#pragma once
#include <string>
namespace carereach::io {
std::string gdal_version();  ///< the GDAL release carereach runs on, e.g. "3.6.2"
}  // namespace carereach::io
