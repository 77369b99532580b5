#pragma once
#include "cli/console.hpp"
#include "pipeline/observer.hpp"

namespace carereach::cli {

/// Shows the library's progress reports and the pipeline's status messages on the console (stderr).
class ConsoleProgress final : public pipeline::RunObserver {
 public:
  explicit ConsoleProgress(Console& console) : console_(console) {}
  void begin_step(std::string_view label) override { console_.step(label); }
  void update(std::size_t done, std::size_t total) override { console_.progress(done, total); }
  void end_step() override { console_.done(); }
  void status(std::string_view line) override { console_.info(line); }

 private:
  Console& console_;
};

}  // namespace carereach::cli
