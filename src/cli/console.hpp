#pragma once
// Terminal output of the command line: results on stdout, messages and progress on stderr. Progress bars are
// drawn only when stderr is a terminal and --quiet was not given.

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

namespace carereach::cli {

class Console {
 public:
  Console();
  void set_quiet(bool q) { quiet_ = q; }
  [[nodiscard]] bool quiet() const { return quiet_; }
  [[nodiscard]] bool interactive() const { return interactive_ && !quiet_; }

  /// A line of results on stdout.
  void out(std::string_view line) const;
  /// A status message on stderr (suppressed by --quiet).
  void info(std::string_view line) const;
  void warning(std::string_view line) const;
  void error(std::string_view line) const;

  /// Starts a step with a label; progress(i, n) updates its bar; done() ends it with the elapsed time.
  void step(std::string_view label);
  void progress(std::size_t done, std::size_t total);
  void done();

 private:
  bool quiet_ = false;
  bool interactive_ = false;
  bool in_step_ = false;
  int last_percent_ = -1;
  std::string label_;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace carereach::cli
