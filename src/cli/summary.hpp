#pragma once
// The readable summary of a loaded scenario and its problems (validate prints both; run prints a short form).

#include <cstddef>
#include <string>

#include "cli/console.hpp"
#include "core/diagnostics.hpp"
#include "io/load.hpp"

namespace carereach::cli {

void print_summary(const Console& console, const io::LoadedScenario& loaded);
/// Prints problems, at most max_per_code of each code, then "… and N more of <code> <more_note>".
/// validate prints them as its result (stdout); run as status messages (stderr, silenced by --quiet).
enum class ProblemStream { kResult, kStatus };
void print_problems(const Console& console, const Diagnostics& diag, std::size_t max_per_code,
                    const std::string& more_note, ProblemStream stream = ProblemStream::kResult);

/// The errors of a failed command on stderr, each with its hint, at most `max_shown` of them and then a count of
/// the rest (commands that report every bad row: export, convert-coords).
void print_errors(const Console& console, const Diagnostics& diag, std::size_t max_shown = 20);

/// 1234567.8 → "1,234,568" (decimals = 0) or "1,234,567.8" (decimals = 1).
std::string grouped(double value, int decimals = 0);

}  // namespace carereach::cli
