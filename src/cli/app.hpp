#pragma once
// The command line's definition, built once for parsing (main.cpp) and for the documents generated from it: the
// man page and the bash completion (`carereach --man-page`, `--bash-completion`; built into the installed tree),
// and the "did you mean" of a mistyped command or option.

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/command.hpp"

namespace carereach::cli {

struct CommandLine {
  std::unique_ptr<CLI::App> app;
  std::vector<std::unique_ptr<Command>> commands;
  std::vector<std::pair<CLI::App*, Command*>> subcommands;  ///< in the order of `carereach --help`
  bool quiet = false;
  bool verbose = false;          ///< -v: the log level debug
  std::string log_level;         ///< --log-level error|warn|info|debug (empty: info, or as -q / -v say)
  std::string lang;              ///< --lang zh|en: the language of messages (empty: the command's --lang, or the locale)
  bool man_page = false;         ///< --man-page: print the man page (roff) and exit
  bool bash_completion = false;  ///< --bash-completion: print the bash completion script and exit
};

/// The whole command line: global options, then every subcommand with its options.
CommandLine make_command_line();

/// The man page carereach(1), in roff, from the command line's definition: every command with its options, the exit
/// codes.
std::string man_page(const CommandLine& cl);

/// A bash completion script for carereach: commands, then each command's options; file names elsewhere.
std::string bash_completion(const CommandLine& cl);

/// After a usage error: "did you mean …?" for the first word of argv that is neither a command, an option of the
/// command given (or a global one), nor an option's value, when a command or option is close to it (at most a third
/// of its letters different, at least one; or it is a prefix). Empty when there is nothing to suggest.
std::string did_you_mean(const CommandLine& cl, int argc, const char* const* argv);

/// The edit distance of two ASCII words (insertions, deletions, substitutions, and transpositions of neighbours).
std::size_t edit_distance(const std::string& a, const std::string& b);

}  // namespace carereach::cli
