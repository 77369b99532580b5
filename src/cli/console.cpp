#include "cli/console.hpp"

#include <unistd.h>

#include <cstdio>
#include <iostream>

namespace carereach::cli {

Console::Console() : interactive_(isatty(fileno(stderr)) != 0) {}

void Console::out(std::string_view line) const { std::cout << line << '\n' << std::flush; }

void Console::info(std::string_view line) const {
  if (!quiet_) std::cerr << line << '\n';
}

void Console::warning(std::string_view line) const { std::cerr << "warning: " << line << '\n'; }

void Console::error(std::string_view line) const { std::cerr << "error: " << line << '\n'; }

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
}

}  // namespace carereach::cli
