#pragma once
// Terminal output of the command line: results on stdout, messages and progress on stderr. Progress bars are
// drawn only when stderr is a terminal and the log level is info or debug. The log level (--log-level, -q, -v)
// chooses the messages on stderr: error (errors only), warn (+ warnings), info (+ status and progress, the
// default), debug (+ each step's time). With --json the results (stdout) go to stderr too, at level info, so that
// stdout holds the JSON summary alone. Errors and warnings are worded in the message language (core/messages.hpp).

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostics.hpp"
#include "core/messages.hpp"

namespace carereach::cli {

enum class LogLevel { kError = 0, kWarn = 1, kInfo = 2, kDebug = 3 };

/// "error", "warn", "info", "debug" → the level (kInfo for anything else).
LogLevel parse_log_level(const std::string& name);

class Console {
 public:
  Console();
  void set_level(LogLevel level) { level_ = level; }
  [[nodiscard]] LogLevel level() const { return level_; }
  /// --quiet: no status or progress (the level warn).
  void set_quiet(bool q) { if (q && level_ > LogLevel::kWarn) level_ = LogLevel::kWarn; }
  [[nodiscard]] bool quiet() const { return level_ < LogLevel::kInfo; }
  [[nodiscard]] bool interactive() const { return interactive_ && level_ >= LogLevel::kInfo; }
  void set_lang(MessageLang lang) { lang_ = lang; }
  [[nodiscard]] MessageLang lang() const { return lang_; }
  /// --json: stdout is the JSON summary's; results go to stderr (at the level info).
  void set_json(bool json) { json_ = json; }
  [[nodiscard]] bool json() const { return json_; }

  /// A line of results on stdout.
  void out(std::string_view line) const;
  /// A status message on stderr (suppressed by --quiet).
  void info(std::string_view line) const;
  void warning(std::string_view line) const;
  void error(std::string_view line) const;
  /// A detail at the level debug ("debug: …").
  void debug(std::string_view line) const;
  /// A problem in the message language: "error: <where>: <message>" and "  hint: …" (错误/提示 in Chinese, with
  /// the English original below), at the level of its severity.
  void problem(const Problem& p) const;
  /// An error that stopped the command, in the message language.
  void error(const Error& e) const;
  /// The lines of a problem as validate and run list them: headline, hint, and in Chinese the English original.
  [[nodiscard]] std::vector<std::string> problem_lines(Severity severity, std::string_view code,
                                                      const std::string& message, const Location& where,
                                                      const std::string& hint) const;

  /// Starts a step with a label; progress(i, n) updates its bar; done() ends it with the elapsed time.
  void step(std::string_view label);
  void progress(std::size_t done, std::size_t total);
  void done();

 private:
  LogLevel level_ = LogLevel::kInfo;
  MessageLang lang_ = MessageLang::kEn;
  bool json_ = false;
  bool interactive_ = false;
  bool in_step_ = false;
  int last_percent_ = -1;
  std::string label_;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace carereach::cli
