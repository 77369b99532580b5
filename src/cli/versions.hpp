#pragma once
#include <map>
#include <string>

namespace carereach::cli {
/// carereach's version and those of the libraries it runs on.
std::map<std::string, std::string> versions();
/// The text of `carereach --version`.
std::string version_text();
}  // namespace carereach::cli
