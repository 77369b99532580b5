// Every command answers --help; --version names the libraries; unknown commands and options are usage errors.

#include <catch2/catch.hpp>

#include "cli_runner.hpp"

using carereach::test::run_cli;

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
