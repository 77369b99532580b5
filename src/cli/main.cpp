// carereach command line: parses the subcommand, runs it, and turns errors into messages and exit codes
// (docs/exit-codes.md). This is the only place that catches exceptions.

#include <cstdlib>
#include <cstring>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/app.hpp"
#include "cli/command.hpp"
#include "cli/interrupt.hpp"
#include "cli/json_summary.hpp"
#include "cli/versions.hpp"
#include "core/error.hpp"
#include "core/messages.hpp"

namespace {

using carereach::MessageLang;

/// The value of a subcommand's option when it was given on the command line, else "".
std::string given(CLI::App* sub, const std::string& name) {
  const CLI::Option* o = sub == nullptr ? nullptr : sub->get_option_no_throw(name);
  if (o == nullptr || o->count() == 0 || o->get_type_size() == 0) return {};
  return o->as<std::string>();
}

bool flag_given(CLI::App* sub, const std::string& name) {
  const CLI::Option* o = sub == nullptr ? nullptr : sub->get_option_no_throw(name);
  return o != nullptr && o->count() > 0;
}

/// The language of messages: the global --lang, else the command's own --lang when given, else the locale.
MessageLang message_lang(const carereach::cli::CommandLine& cl, CLI::App* sub) {
  std::string lang = cl.lang.empty() ? given(sub, "--lang") : cl.lang;
  if (lang == "zh") return MessageLang::kZh;
  if (lang == "en") return MessageLang::kEn;
  return carereach::message_lang_from_locale(std::getenv("LC_ALL"), std::getenv("LC_MESSAGES"), std::getenv("LANG"));
}

/// The language asked for by --lang zh|en (or --lang=…) anywhere on the command line, else the locale's.
MessageLang message_lang_of_argv(int argc, char** argv) {
  std::string lang;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--lang" && i + 1 < argc) lang = argv[i + 1];
    else if (a.rfind("--lang=", 0) == 0) lang = a.substr(7);
  }
  if (lang == "zh") return MessageLang::kZh;
  if (lang == "en") return MessageLang::kEn;
  return carereach::message_lang_from_locale(std::getenv("LC_ALL"), std::getenv("LC_MESSAGES"), std::getenv("LANG"));
}

}  // namespace

int main(int argc, char** argv) {
  using namespace carereach;
  cli::handle_interrupts();  // first: every thread started later inherits the blocked signals
  cli::Console console;
  cli::CommandLine cl = cli::make_command_line();
  CLI::App& app = *cl.app;
  app.set_version_flag("--version", cli::version_text(), "Print the version of carereach and its libraries");

  // Before the arguments are parsed (and when they cannot be): --lang zh|en anywhere on the line, else the locale.
  console.set_lang(message_lang_of_argv(argc, argv));
  bool json_asked = false;  // --json anywhere: a usage error is given as JSON too
  for (int i = 1; i < argc; ++i) json_asked = json_asked || std::strcmp(argv[i], "--json") == 0;
  auto usage_error = [&](const std::string& message) {
    const std::string hint = "run 'carereach --help' or 'carereach <command> --help'";
    if (json_asked) cli::print_json(cli::failure_json("", "", UsageError(message, hint), console.lang()));
    // The error, then the suggestion, then the hint (and in Chinese the English original).
    const std::vector<std::string> lines = console.problem_lines(Severity::kError, {}, message, {}, hint);
    std::cerr << lines.front() << '\n';
    const std::string suggestion = cli::did_you_mean(cl, argc, argv);
    if (!suggestion.empty())
      std::cerr << "  "
                << (console.lang() == MessageLang::kZh ? translate_phrase(suggestion).value_or(suggestion) : suggestion)
                << '\n';
    for (std::size_t i = 1; i < lines.size(); ++i) std::cerr << lines[i] << '\n';
    return static_cast<int>(ExitCode::kUsage);
  };
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return usage_error(e.what());
  }
  if (cl.verbose) console.set_level(cli::LogLevel::kDebug);
  console.set_quiet(cl.quiet);
  if (!cl.log_level.empty()) console.set_level(cli::parse_log_level(cl.log_level));
  if (cl.man_page) {
    std::cout << cli::man_page(cl);
    return static_cast<int>(ExitCode::kOk);
  }
  if (cl.bash_completion) {
    std::cout << cli::bash_completion(cl);
    return static_cast<int>(ExitCode::kOk);
  }

  for (auto& [sub, cmd] : cl.subcommands) {
    if (!sub->parsed()) continue;
    console.set_lang(message_lang(cl, sub));
    const bool json = flag_given(sub, "--json");
    console.set_json(json);
    console.debug(std::string("messages in ") + (console.lang() == MessageLang::kZh ? "Chinese (zh)" : "English (en)"));
    try {
      return cmd->run(console);
    } catch (const Error& e) {
      if (json) cli::print_json(cli::failure_json(sub->get_name(), given(sub, "scenario"), e, console.lang()));
      console.error(e);
      return static_cast<int>(e.exit_code());
    } catch (const std::bad_alloc&) {
      console.error("out of memory; try a larger cell size or a smaller study area");
      return static_cast<int>(ExitCode::kInternal);
    } catch (const std::exception& e) {
      if (json) {
        nlohmann::ordered_json j = cli::summary_head(sub->get_name(), static_cast<int>(ExitCode::kInternal), given(sub, "scenario"));
        j["errors"] = nlohmann::ordered_json::array({cli::problem_json(Severity::kError, {}, ExitCode::kInternal,
            std::string("unexpected failure: ") + e.what(), {}, "this is a bug in carereach; please report it with the command and the scenario", MessageLang::kEn)});
        j["warnings"] = nlohmann::ordered_json::array();
        cli::print_json(j);
      }
      console.error(std::string("unexpected failure: ") + e.what());
      std::cerr << "  this is a bug in carereach; please report it with the command and the scenario\n";
      return static_cast<int>(ExitCode::kInternal);
    }
  }
  return usage_error("a command is required (run, validate, traveltime, compare, convert-coords, export …)");
}
