#include "cli/console.hpp"

#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "core/coded_error.hpp"

namespace carereach::cli {

LogLevel parse_log_level(const std::string& name) {
  if (name == "error") return LogLevel::kError;
  if (name == "warn") return LogLevel::kWarn;
  if (name == "debug") return LogLevel::kDebug;
  return LogLevel::kInfo;
}

Console::Console() : interactive_(isatty(fileno(stderr)) != 0) {}

void Console::out(std::string_view line) const {
  if (!json_) std::cout << line << '\n' << std::flush;
  else if (level_ >= LogLevel::kInfo) std::cerr << line << '\n';
}

void Console::info(std::string_view line) const {
  if (level_ >= LogLevel::kInfo) std::cerr << line << '\n';
}

void Console::warning(std::string_view line) const {
  if (level_ >= LogLevel::kWarn) std::cerr << (lang_ == MessageLang::kZh ? "警告：" : "warning: ") << line << '\n';
}

void Console::error(std::string_view line) const {
  if (lang_ == MessageLang::kZh) std::cerr << "错误：" << translate_phrase(line).value_or(std::string(line)) << '\n';
  else std::cerr << "error: " << line << '\n';
}

void Console::debug(std::string_view line) const {
  if (level_ >= LogLevel::kDebug) std::cerr << "debug: " << line << '\n';
}

std::vector<std::string> Console::problem_lines(Severity severity, std::string_view code, const std::string& message,
                                                const Location& where, const std::string& hint) const {
  const bool zh = lang_ == MessageLang::kZh;
  const LocalisedMessage m = localise(code, message, where, hint, lang_);
  std::vector<std::string> lines;
  const char* kind = severity == Severity::kError ? (zh ? "错误：" : "error: ") : (zh ? "警告：" : "warning: ");
  lines.push_back(kind + m.headline);
  if (!m.hint.empty()) lines.push_back(std::string(zh ? "  提示：" : "  hint: ") + m.hint);
  if (zh && m.translated) {
    const std::string at = where.describe();
    std::string original = at.empty() ? message : at + ": " + message;
    if (!hint.empty()) original += " (hint: " + hint + ")";
    lines.push_back("  原文 (English): " + original);
  }
  return lines;
}

void Console::problem(const Problem& p) const {
  if (p.severity == Severity::kWarning && level_ < LogLevel::kWarn) return;
  for (const std::string& line : problem_lines(p.severity, p.code.view(), p.message, p.where, p.hint))
    std::cerr << line << '\n';
}

void Console::error(const Error& e) const {
  for (const std::string& line : problem_lines(Severity::kError, code_of(e), e.message(), e.where(), e.hint()))
    std::cerr << line << '\n';
}

void Console::step(std::string_view label) {
  label_ = label;
  in_step_ = true;
  last_percent_ = -1;
  started_ = std::chrono::steady_clock::now();
  if (interactive()) std::cerr << label_ << " …" << std::flush;
}

void Console::progress(std::size_t done_count, std::size_t total) {
  if (!interactive() || !in_step_ || total == 0) return;
  const int percent = static_cast<int>(100.0 * static_cast<double>(done_count) / static_cast<double>(total));
  if (percent == last_percent_) return;
  last_percent_ = percent;
  constexpr int kWidth = 30;
  const int filled = percent * kWidth / 100;
  std::cerr << '\r' << label_ << " [" << std::string(static_cast<std::size_t>(filled), '#')
            << std::string(static_cast<std::size_t>(kWidth - filled), ' ') << "] " << percent << "%" << std::flush;
}

void Console::done() {
  if (!in_step_) return;
  in_step_ = false;
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  if (interactive()) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.2f s", s);
    std::cerr << '\r' << "\x1b[K" << label_ << " … " << buf << '\n';
  }
  if (level_ >= LogLevel::kDebug) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.3f s", s);
    debug("step '" + label_ + "' took " + buf);
  }
}

}  // namespace carereach::cli
