// A planner's files are never lost: --overwrite replaces only what carereach wrote, never a folder holding an
// input; Ctrl-C removes the unfinished output; the same inputs give the same bytes (docs/output-folders.md).

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <map>
#include <thread>

#include "cli_runner.hpp"
#include "fixture.hpp"

namespace fs = std::filesystem;
using namespace carereach::test;

namespace {

/// Every file under a folder (relative path → bytes).
std::map<std::string, std::string> contents(const fs::path& folder) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(folder))
    if (e.is_regular_file()) out[e.path().lexically_relative(folder).generic_string()] = slurp(e.path());
  return out;
}

std::vector<std::string> entries(const fs::path& folder) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(folder)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

/// A folder of a planner's own: a document, a data subfolder and a run.json that carereach did not write.
void make_planners_folder(const TempDir& dir, const std::string& name) {
  dir.write(name + "/规划.docx", "第十四个五年规划");
  dir.write(name + "/data/villages.csv", "code,name\n1,甲村\n");
  dir.write(name + "/run.json", "{\"note\": \"my own run log\"}\n");
}

/// Sets SOURCE_DATE_EPOCH for the runs of one test and restores it after.
struct SourceDateEpoch {
  explicit SourceDateEpoch(const char* value) { setenv("SOURCE_DATE_EPOCH", value, 1); }
  ~SourceDateEpoch() { unsetenv("SOURCE_DATE_EPOCH"); }
  SourceDateEpoch(const SourceDateEpoch&) = delete;
  SourceDateEpoch& operator=(const SourceDateEpoch&) = delete;
};

}  // namespace

TEST_CASE("--overwrite refuses a folder carereach did not write, for run, compare and export", "[cli][output]") {
  Fixture fx;
  make_planners_folder(fx.dir, "plans");
  const auto before = contents(fx.dir / "plans");
  const fs::path plans = fx.dir / "plans";

  const auto run = run_cli({"run", fx.scenario(), "--out", plans.string(), "--overwrite"});
  INFO(run.all());
  CHECK(run.code == 6);
  CHECK_THAT(run.err, Catch::Contains("plans") && Catch::Contains(".carereach-output.json"));

  REQUIRE(run_cli({"-q", "run", fx.scenario(), "--out", (fx.dir / "a").string()}).code == 0);
  const auto compare = run_cli({"compare", (fx.dir / "a").string(), (fx.dir / "a").string(), "--out", plans.string(),
                                "--overwrite"});
  INFO(compare.all());
  CHECK(compare.code == 6);

  const auto exported = run_cli({"export", (fx.dir / "a" / "layers.gpkg").string(), "--format", "shp",
                                 plans.string(), "--overwrite"});
  INFO(exported.all());
  CHECK(exported.code == 6);

  CHECK(contents(plans) == before);
}

TEST_CASE("--overwrite never replaces a folder that holds an input of the run", "[cli][output]") {
  Fixture fx;
  // The scenario and its data kept in a folder together with notes.
  fx.dir.write("notes.txt", "field notes");
  const auto before = contents(fx.dir.path());
  const auto r = run_cli({"run", fx.scenario(), "--out", fx.dir.path().string(), "--overwrite"});
  INFO(r.all());
  CHECK(r.code == 6);
  CHECK_THAT(r.err, Catch::Contains("input"));
  CHECK(contents(fx.dir.path()) == before);

  // An earlier output into which the scenario and its data were copied, to be run from there: refused as well.
  const fs::path out = fx.dir / "out";
  REQUIRE(run_cli({"-q", "run", fx.scenario(), "--out", out.string()}).code == 0);
  for (const char* f : {"scenario.toml", "zones.geojson", "census.csv", "facilities.csv"})
    fs::copy_file(fx.dir / f, out / f);
  const auto inside_before = contents(out);
  const auto again = run_cli({"run", (out / "scenario.toml").string(), "--out", out.string(), "--overwrite"});
  INFO(again.all());
  CHECK(again.code == 6);
  CHECK_THAT(again.err, Catch::Contains("input"));
  CHECK(contents(out) == inside_before);
}

TEST_CASE("compare refuses to write over one of the runs it compares", "[cli][output]") {
  Fixture fx;
  const fs::path a = fx.dir / "a";
  REQUIRE(run_cli({"-q", "run", fx.scenario(), "--out", a.string()}).code == 0);
  const auto before = contents(a);
  const auto r = run_cli({"compare", a.string(), a.string(), "--out", a.string(), "--overwrite"});
  INFO(r.all());
  CHECK(r.code == 6);
  CHECK_THAT(r.err, Catch::Contains("input"));
  CHECK(contents(a) == before);
}

TEST_CASE("an output folder with a file added or changed by the user is not replaced", "[cli][output]") {
  Fixture fx;
  const fs::path out = fx.dir / "out";
  REQUIRE(run_cli({"-q", "run", fx.scenario(), "--out", out.string()}).code == 0);
  // An unchanged output is replaced.
  CHECK(run_cli({"-q", "run", fx.scenario(), "--out", out.string(), "--overwrite"}).code == 0);
  // A planner edits the appendix in place.
  fx.dir.write("out/report.md", slurp(out / "report.md") + "\n补充说明。\n");
  const auto edited = contents(out);
  const auto r = run_cli({"run", fx.scenario(), "--out", out.string(), "--overwrite"});
  INFO(r.all());
  CHECK(r.code == 6);
  CHECK_THAT(r.err, Catch::Contains("report.md") && Catch::Contains("changed"));
  CHECK(contents(out) == edited);
}

TEST_CASE("--out that names no new folder is refused before any work", "[cli][output]") {
  Fixture fx;
  for (const std::string& out : {std::string("."), std::string(""), std::string("./"), fx.dir.path().string()}) {
    const auto before = contents(fx.dir.path());
    const auto r = run_cli({"run", fx.scenario(), "--out", out, "--overwrite"}, fx.dir.path());
    INFO("--out '" << out << "': " << r.all());
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("--out"));
    CHECK(contents(fx.dir.path()) == before);
  }
}

namespace {

/// Starts carereach without waiting for it; stdout and stderr go to files in `io`.
pid_t start_cli(const std::vector<std::string>& args, const TempDir& io) {
  std::vector<std::string> argv_s{CAREREACH_BINARY};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  const std::string out = (io / "stdout").string();
  const std::string err = (io / "stderr").string();
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  return rc == 0 ? pid : -1;
}

/// Waits until the run's temporary folder beside `target` holds a GeoTIFF (the work is well under way).
bool wait_for_work(const fs::path& target, pid_t pid) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (std::chrono::steady_clock::now() < deadline) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(target.parent_path(), ec)) {
      const std::string name = e.path().filename().string();
      if (name.rfind("." + target.filename().string() + ".tmp-", 0) != 0) continue;
      for (const auto& f : fs::directory_iterator(e.path(), ec))
        if (f.path().extension() == ".tif") return true;
    }
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) return false;  // ended before
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

int wait_exit(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

TEST_CASE("Ctrl-C removes the unfinished output and leaves an earlier output as it was", "[cli][output][interrupt]") {
  TempDir tmp;
  const std::string scenario = std::string(CAREREACH_GEODATA) + "/bozhou/scenario.toml";
  Fixture fx;
  const fs::path out = tmp / "out";
  SECTION("a new output") {
    TempDir io;
    const pid_t pid = start_cli({"-q", "run", scenario, "--out", out.string()}, io);
    REQUIRE(pid > 0);
    REQUIRE(wait_for_work(out, pid));
    kill(pid, SIGINT);
    CHECK(wait_exit(pid) == 130);
    CHECK_THAT(slurp(io / "stderr"), Catch::Contains("interrupted"));
    CHECK(entries(tmp.path()).empty());  // no output, no temporary folder, no lock file
  }
  SECTION("replacing an earlier output") {
    REQUIRE(run_cli({"-q", "run", fx.scenario(), "--out", out.string()}).code == 0);
    const auto before = contents(out);
    for (const int sig : {SIGINT, SIGTERM}) {
      TempDir io;
      const pid_t pid = start_cli({"-q", "run", scenario, "--out", out.string(), "--overwrite"}, io);
      REQUIRE(pid > 0);
      REQUIRE(wait_for_work(out, pid));
      kill(pid, sig);
      CHECK(wait_exit(pid) == 128 + sig);
      CHECK(entries(tmp.path()) == std::vector<std::string>{"out"});
      CHECK(contents(out) == before);
    }
  }
}

TEST_CASE("the same inputs and SOURCE_DATE_EPOCH give the same bytes in every file", "[cli][output][determinism]") {
  const SourceDateEpoch epoch("1767225600");
  const std::string scenario = std::string(CAREREACH_GEODATA) + "/bozhou/scenario.toml";
  TempDir one;
  TempDir two;
  // Two runs from two folders: the command lines are the same (--out out), the folders are not.
  REQUIRE(run_cli({"-q", "run", scenario, "--out", "out"}, one.path()).code == 0);
  REQUIRE(run_cli({"-q", "run", scenario, "--out", "out"}, two.path()).code == 0);
  const auto a = contents(one / "out");
  const auto b = contents(two / "out");
  REQUIRE(a.size() >= 10);
  for (const char* f : {"layers.gpkg", "run.json", "appendix.xlsx", "report.html", ".carereach-output.json"})
    CHECK(a.count(f) == 1);
  for (const auto& [name, bytes] : a) {
    INFO(name);
    REQUIRE(b.count(name) == 1);
    CHECK(bytes == b.at(name));
  }
  // run.json says why it holds no timings.
  CHECK_THAT(a.at("run.json"), Catch::Contains("SOURCE_DATE_EPOCH"));
}

TEST_CASE("traveltime never writes over an input of the scenario", "[cli][output]") {
  Fixture fx;
  const auto before = slurp(fx.dir / "census.csv");
  const auto r = run_cli({"traveltime", fx.scenario(), "-s", "tcm_15min", "-o", (fx.dir / "census.csv").string(),
                          "--overwrite"});
  INFO(r.all());
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::Contains("census.csv") && Catch::Contains("input"));
  CHECK(slurp(fx.dir / "census.csv") == before);
}
