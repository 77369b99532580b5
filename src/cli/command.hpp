#pragma once
// A subcommand of the carereach tool. Each lives in its own file (cmd_<name>.cpp) and is registered in
// commands.cpp. setup() declares the options (checked by CLI11, no files opened); run() fills the options
// struct of one library function, calls it and prints the result.

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/console.hpp"

namespace carereach::cli {

class Command {
 public:
  virtual ~Command() = default;
  [[nodiscard]] virtual const char* name() const = 0;
  [[nodiscard]] virtual const char* summary() const = 0;
  virtual void setup(CLI::App& app) = 0;
  /// Does the work; returns the exit code. Throws carereach::Error for problems, which main() reports.
  virtual int run(Console& console) = 0;
};

/// Every subcommand, in the order `carereach --help` lists them.
std::vector<std::unique_ptr<Command>> make_commands();

/// The carereach executable that job scripts run: `given` (--carereach; it must be a file) or, when empty, this
/// process's own executable. Throws UsageError.
std::filesystem::path job_executable(const std::string& given);

}  // namespace carereach::cli
