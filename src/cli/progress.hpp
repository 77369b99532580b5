#pragma once
#include "cli/console.hpp"
#include "core/progress.hpp"

namespace carereach::cli {

/// Shows the library's progress reports on the console.
class ConsoleProgress final : public ProgressSink {
 public:
  explicit ConsoleProgress(Console& console) : console_(console) {}
  void begin_step(std::string_view label) override { console_.step(label); }
  void update(std::size_t done, std::size_t total) override { console_.progress(done, total); }
  void end_step() override { console_.done(); }

 private:
  Console& console_;
};

}  // namespace carereach::cli
