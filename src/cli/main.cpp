// carereach command line: parses the subcommand, runs it, and turns errors into messages and exit codes
// (docs/exit-codes.md). This is the only place that catches exceptions.

#include <exception>
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/app.hpp"
#include "cli/command.hpp"
#include "cli/interrupt.hpp"
#include "cli/versions.hpp"
#include "core/error.hpp"

namespace {

void report(const carereach::cli::Console& console, const carereach::Error& e) {
  console.error(e.what());
  if (!e.hint().empty()) std::cerr << "  hint: " << e.hint() << '\n';
}

}  // namespace

int main(int argc, char** argv) {
  using namespace carereach;
  cli::handle_interrupts();  // first: every thread started later inherits the blocked signals
  cli::Console console;
  cli::CommandLine cl = cli::make_command_line();
  CLI::App& app = *cl.app;
  app.set_version_flag("--version", cli::version_text(), "Print the version of carereach and its libraries");

  auto usage_error = [&](const std::string& message) {
    console.error(message);
    const std::string suggestion = cli::did_you_mean(cl, argc, argv);
    if (!suggestion.empty()) std::cerr << "  " << suggestion << '\n';
    std::cerr << "  hint: run 'carereach --help' or 'carereach <command> --help'\n";
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
  console.set_quiet(cl.quiet);
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
    try {
      return cmd->run(console);
    } catch (const Error& e) {
      report(console, e);
      return static_cast<int>(e.exit_code());
    } catch (const std::bad_alloc&) {
      console.error("out of memory; try a larger cell size or a smaller study area");
      return static_cast<int>(ExitCode::kInternal);
    } catch (const std::exception& e) {
      console.error(std::string("unexpected failure: ") + e.what());
      std::cerr << "  this is a bug in carereach; please report it with the command and the scenario\n";
      return static_cast<int>(ExitCode::kInternal);
    }
  }
  return usage_error("a command is required (run, validate, traveltime, compare, convert-coords, export …)");
}
