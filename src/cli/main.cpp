// carereach command line: parses the subcommand, runs it, and turns errors into messages and exit codes
// (docs/exit-codes.md). This is the only place that catches exceptions.

#include <exception>
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>

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
  CLI::App app{"carereach — who can reach which health service within how many minutes.\n"
               "医疗卫生资源可达性与服务圈分析工具",
               "carereach"};
  app.set_version_flag("--version", cli::version_text(), "Print the version of carereach and its libraries");
  app.require_subcommand(1);
  app.fallthrough();
  bool quiet = false;
  app.add_flag("-q,--quiet", quiet, "No progress or status messages (results and errors are still printed)");
  app.footer("Run 'carereach <command> --help' for the options of a command. Documentation: docs/.");

  auto commands = cli::make_commands();
  std::vector<std::pair<CLI::App*, cli::Command*>> subs;
  for (auto& cmd : commands) {
    CLI::App* sub = app.add_subcommand(cmd->name(), cmd->summary());
    cmd->setup(*sub);
    subs.emplace_back(sub, cmd.get());
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    console.error(e.what());
    std::cerr << "  hint: run 'carereach --help' or 'carereach <command> --help'\n";
    return static_cast<int>(ExitCode::kUsage);
  }
  console.set_quiet(quiet);

  for (auto& [sub, cmd] : subs) {
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
  return static_cast<int>(ExitCode::kUsage);
}
