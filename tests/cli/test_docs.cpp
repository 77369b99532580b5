// Every subcommand has a page docs/cli/<command>.md that contains its `--help` text verbatim, so the synopsis in
// the documentation cannot drift from the program.

#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <vector>

#include "cli_runner.hpp"

using carereach::test::run_cli;
using carereach::test::slurp;
namespace fs = std::filesystem;

namespace {

/// The repository root: CAREREACH_TEST_DATA is <repo>/tests/data.
fs::path repo_root() {
  return fs::path(CAREREACH_TEST_DATA).lexically_normal().parent_path().parent_path();
}

/// The subcommands listed by `carereach --help`, in order.
std::vector<std::string> subcommands() {
  const auto top = run_cli({"--help"});
  REQUIRE(top.code == 0);
  const auto at = top.out.find("Subcommands:");
  REQUIRE(at != std::string::npos);
  std::istringstream lines(top.out.substr(at));
  std::string line;
  std::getline(lines, line);  // "Subcommands:"
  std::vector<std::string> names;
  while (std::getline(lines, line)) {
    if (line.rfind("  ", 0) != 0) break;  // the list ends at the first line that is not indented
    std::istringstream words(line);
    std::string name;
    if (words >> name) names.push_back(name);
  }
  return names;
}

}  // namespace

TEST_CASE("every command has a page in docs/cli with its --help text", "[cli][docs]") {
  const fs::path docs = repo_root() / "docs" / "cli";
  REQUIRE(fs::is_directory(docs));
  const auto names = subcommands();
  CHECK(names.size() >= 3);
  for (const auto& name : names) {
    INFO("command " << name << ": docs/cli/" << name << ".md");
    const fs::path page = docs / (name + ".md");
    REQUIRE(fs::exists(page));
    const auto help = run_cli({name, "--help"});
    REQUIRE(help.code == 0);
    REQUIRE_FALSE(help.out.empty());
    const std::string text = slurp(page);
    // The synopsis is the help text in a ```text block, copied unchanged.
    INFO("expected, verbatim:\n" << help.out);
    CHECK(text.find("```text\n" + help.out + "```") != std::string::npos);
    // The page links the exit codes.
    CHECK(text.find("../exit-codes.md") != std::string::npos);
  }
}
