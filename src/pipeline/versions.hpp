#pragma once
// The versions a run records (run.json "versions", compare.json, the report's footer).

#include <map>
#include <string>

namespace carereach::pipeline {

/// carereach's version and those of the libraries it runs on: "carereach", "gdal", "proj", "geos", "boost".
std::map<std::string, std::string> versions();

}  // namespace carereach::pipeline
