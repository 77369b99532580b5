// Every command answers --help; --version names the libraries; unknown commands and options are usage errors, with
// a suggestion when one is close; the man page and the bash completion come from the same definitions.

#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <memory>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cli_runner.hpp"
#include "temp_dir.hpp"

using carereach::test::run_cli;
namespace test = carereach::test;

TEST_CASE("--version prints carereach and its libraries", "[cli]") {
  const auto r = run_cli({"--version"});
  CHECK(r.code == 0);
  CHECK_THAT(r.out, Catch::StartsWith("carereach ") && Catch::Contains("GDAL") && Catch::Contains("PROJ") &&
                        Catch::Contains("GEOS"));
}

TEST_CASE("--help lists every command", "[cli]") {
  const auto r = run_cli({"--help"});
  CHECK(r.code == 0);
  for (const char* cmd : {"run", "validate", "convert-coords"}) CHECK_THAT(r.out, Catch::Contains(cmd));
}

TEST_CASE("every command answers --help", "[cli]") {
  // The list comes from `carereach --help`, so a new command is checked without editing this test.
  const auto top = run_cli({"--help"});
  const auto at = top.out.find("Subcommands:");
  REQUIRE(at != std::string::npos);
  std::istringstream lines(top.out.substr(at));
  std::string line;
  std::getline(lines, line);
  int checked = 0;
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::string cmd;
    if (!(words >> cmd)) continue;
    if (line.rfind("  ", 0) != 0) break;  // the footer
    const auto r = run_cli({cmd, "--help"});
    INFO("command " << cmd);
    CHECK(r.code == 0);
    CHECK_THAT(r.out, Catch::Contains("Usage: carereach " + cmd));
    CHECK_THAT(r.out, Catch::Contains("Options:"));
    ++checked;
  }
  CHECK(checked >= 3);
}

TEST_CASE("usage errors exit with 2", "[cli]") {
  CHECK(run_cli({}).code == 2);
  CHECK(run_cli({"no-such-command"}).code == 2);
  const auto r = run_cli({"validate", "--no-such-option", "x.toml"});
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::Contains("--no-such-option"));
  CHECK(run_cli({"run", "scenario.toml"}).code == 2);  // --out is required
}

TEST_CASE("a mistyped command or option gets a suggestion", "[cli]") {
  const auto cmd = run_cli({"runn", "scenario.toml"});
  CHECK(cmd.code == 2);
  CHECK_THAT(cmd.err, Catch::Contains("did you mean 'carereach run'?"));
  const auto transposed = run_cli({"valdiate", "scenario.toml"});
  CHECK_THAT(transposed.err, Catch::Contains("did you mean 'carereach validate'?"));
  const auto opt = run_cli({"run", "scenario.toml", "--out", "o", "--overwrit"});
  CHECK(opt.code == 2);
  CHECK_THAT(opt.err, Catch::Contains("did you mean '--overwrite'?"));
  // An option of another command is not offered; nothing close, no suggestion.
  const auto far = run_cli({"validate", "scenario.toml", "--xyzzy"});
  CHECK(far.code == 2);
  CHECK_THAT(far.err, !Catch::Contains("did you mean"));
  const auto none = run_cli({});
  CHECK(none.code == 2);
  CHECK_THAT(none.err, Catch::Contains("a command is required"));
}

namespace {

/// The long options (--name) a help text lists.
std::set<std::string> long_options(const std::string& help) {
  std::set<std::string> out;
  const std::regex option("(--[a-z][a-z0-9-]*)");
  for (auto it = std::sregex_iterator(help.begin(), help.end(), option); it != std::sregex_iterator(); ++it)
    out.insert((*it)[1]);
  return out;
}

std::vector<std::string> commands_of(const std::string& top_help) {
  std::vector<std::string> out;
  const auto at = top_help.find("Subcommands:");
  std::istringstream lines(top_help.substr(at == std::string::npos ? 0 : at));
  std::string line;
  std::getline(lines, line);
  while (std::getline(lines, line)) {
    if (line.rfind("  ", 0) != 0) break;
    std::istringstream words(line);
    std::string cmd;
    if (words >> cmd) out.push_back(cmd);
  }
  return out;
}

}  // namespace

TEST_CASE("the man page has every command and every option of --help", "[cli]") {
  const auto man = run_cli({"--man-page"});
  REQUIRE(man.code == 0);
  CHECK_THAT(man.out, Catch::StartsWith(".TH CAREREACH 1"));
  // roff writes a hyphen as \-: undo it to compare with the help texts.
  std::string page = man.out;
  for (std::size_t at = page.find("\\-"); at != std::string::npos; at = page.find("\\-", at)) page.erase(at, 1);
  const auto top = run_cli({"--help"});
  const std::vector<std::string> commands = commands_of(top.out);
  REQUIRE(commands.size() >= 6);
  for (const std::string& cmd : commands) {
    INFO("command " << cmd);
    CHECK_THAT(page, Catch::Contains(".SS \"carereach " + cmd + "\""));
    for (const std::string& opt : long_options(run_cli({cmd, "--help"}).out)) {
      if (opt == "--help") continue;
      INFO("option " << opt);
      CHECK_THAT(page, Catch::Contains("\\fB" + opt + "\\fR"));
    }
  }
  for (const char* code : {".B 2\n", ".B 3\n", ".B 4\n", ".B 5\n", ".B 6\n"}) CHECK_THAT(page, Catch::Contains(code));
}

TEST_CASE("the bash completion completes commands, options and option values", "[cli]") {
  const test::TempDir dir;
  const auto script = run_cli({"--bash-completion"});
  REQUIRE(script.code == 0);
  const auto file = dir.path() / "carereach.bash";
  {
    std::ofstream out(file);
    out << script.out;
  }
  auto complete = [&](const std::string& words, int cword) {
    const std::string cmd = "bash -c 'source " + file.string() + "; COMP_WORDS=(" + words + "); COMP_CWORD=" +
                            std::to_string(cword) + "; _carereach; echo \"${COMPREPLY[*]}\"'";
    std::unique_ptr<FILE, int (*)(FILE*)> p(popen(cmd.c_str(), "r"), pclose);
    std::string out;
    char buf[512];
    while (p && std::fgets(buf, sizeof buf, p.get()) != nullptr) out += buf;
    return out;
  };
  CHECK(complete("carereach r", 1) == "run\n");
  CHECK(complete("carereach co", 1) == "compare convert-coords\n");
  CHECK(complete("carereach run --ov", 2) == "--overwrite\n");
  CHECK(complete("carereach traveltime --sn", 2) == "--snap\n");
  CHECK(complete("carereach run --lang \"\"", 3) == "zh en\n");
}
