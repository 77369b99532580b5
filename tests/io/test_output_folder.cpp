// Output folders: what --overwrite may replace, and a replacement that survives a kill at every step
// (docs/output-folders.md).

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/error.hpp"
#include "io/output_folder.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;
using carereach::OutputError;
using carereach::UsageError;
using carereach::io::OutputDir;
using carereach::io::OutputFolderOptions;
using carereach::test::TempDir;

namespace {

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

OutputFolderOptions options(bool overwrite, std::vector<fs::path> inputs = {}) {
  OutputFolderOptions o;
  o.command = "run";
  o.overwrite = overwrite;
  o.inputs = std::move(inputs);
  return o;
}

/// Writes an output as a command would: a file saying which version it is and one in a subfolder.
void write_output(const fs::path& target, const std::string& version, const OutputFolderOptions& o) {
  OutputDir dir(target, o);
  write(dir.path() / "version.txt", version);
  write(dir.path() / "tables" / "a.csv", "a,b\n1," + version + "\n");
  dir.commit();
}

/// The names in a folder, sorted.
std::vector<std::string> names(const fs::path& folder) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(folder)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

/// The error message of an OutputDir that must refuse.
template <class E>
std::string refusal(const fs::path& target, const OutputFolderOptions& o) {
  try {
    OutputDir dir(target, o);
  } catch (const E& e) {
    return e.what();
  }
  return "(not refused)";
}

}  // namespace

TEST_CASE("output folder: a new output holds its files and a marker listing them, nothing beside it", "[io][output]") {
  TempDir tmp;
  const fs::path target = tmp / "out";
  write_output(target, "one", options(false));
  CHECK(names(tmp.path()) == std::vector<std::string>{"out"});  // no temporary folder, no lock file left
  CHECK(names(target) == std::vector<std::string>{".carereach-output.json", "tables", "version.txt"});
  const auto marker = nlohmann::json::parse(read(target / ".carereach-output.json"));
  CHECK(marker["command"] == "run");
  REQUIRE(marker["files"].size() == 2);
  CHECK(marker["files"][0]["path"] == "tables/a.csv");
  CHECK(marker["files"][0]["bytes"] == std::string("a,b\n1,one\n").size());
  CHECK(marker["files"][1]["path"] == "version.txt");
  // SHA-256 of "one", computed independently (sha256sum).
  CHECK(marker["files"][1]["sha256"] == "7692c3ad3540bb803c020b3aee66cd8887123234ea0c6e7143c0add73ff431ed");
}

TEST_CASE("output folder: --overwrite replaces only an unchanged carereach output", "[io][output]") {
  TempDir tmp;
  const fs::path target = tmp / "out";
  write_output(target, "old", options(false));

  SECTION("without --overwrite nothing is touched") {
    CHECK_THAT(refusal<OutputError>(target, options(false)), Catch::Contains("already exists"));
    CHECK(read(target / "version.txt") == "old");
  }
  SECTION("an unchanged output is replaced") {
    write_output(target, "new", options(true));
    CHECK(read(target / "version.txt") == "new");
    CHECK(names(tmp.path()) == std::vector<std::string>{"out"});
  }
  SECTION("a file the user put into it: refused, everything kept") {
    write(target / "规划.docx", "the plan");
    write(target / "data" / "notes.txt", "notes");
    CHECK_THAT(refusal<OutputError>(target, options(true)),
               Catch::Contains("did not write") && Catch::Contains("规划.docx") && Catch::Contains("data/notes.txt"));
    CHECK(read(target / "规划.docx") == "the plan");
    CHECK(read(target / "data" / "notes.txt") == "notes");
    CHECK(read(target / "version.txt") == "old");
  }
  SECTION("a file changed after carereach wrote it (same size, other bytes): refused") {
    write(target / "version.txt", "OLD");
    CHECK_THAT(refusal<OutputError>(target, options(true)), Catch::Contains("changed") && Catch::Contains("version.txt"));
    CHECK(read(target / "version.txt") == "OLD");
  }
  SECTION("a folder that holds an input of the command: refused") {
    write(target / "scenario.toml", "[scenario]\n");
    std::vector<fs::path> inputs{target / "scenario.toml"};
    CHECK_THAT(refusal<OutputError>(target, options(true, inputs)), Catch::Contains("input"));
    CHECK(fs::exists(target / "scenario.toml"));
  }
  SECTION("a folder inside which an input lies, deeper down: refused") {
    std::vector<fs::path> inputs{target / "tables" / "a.csv"};
    CHECK_THAT(refusal<OutputError>(target, options(true, inputs)), Catch::Contains("input"));
  }
  SECTION("a marker that is not carereach's JSON: refused") {
    write(target / ".carereach-output.json", "not json");
    CHECK_THAT(refusal<OutputError>(target, options(true)), Catch::Contains("cannot be read"));
  }
  SECTION("a file removed from the output by the user: nothing is lost by replacing the rest") {
    fs::remove(target / "tables" / "a.csv");
    write_output(target, "new", options(true));
    CHECK(read(target / "version.txt") == "new");
  }
}

TEST_CASE("output folder: folders carereach did not write are never replaced", "[io][output]") {
  TempDir tmp;
  SECTION("a folder with a run.json of its own and a document") {
    const fs::path target = tmp / "plans";
    write(target / "run.json", "{}");
    write(target / "规划.docx", "the plan");
    write(target / "data" / "x.csv", "x");
    CHECK_THAT(refusal<OutputError>(target, options(true)), Catch::Contains("run.json") && Catch::Contains("marker"));
    CHECK(names(target) == std::vector<std::string>{"data", "run.json", "规划.docx"});
  }
  SECTION("a folder without a marker") {
    const fs::path target = tmp / "docs";
    write(target / "a.txt", "a");
    CHECK_THAT(refusal<OutputError>(target, options(true)), Catch::Contains("not written by carereach"));
    CHECK(read(target / "a.txt") == "a");
  }
  SECTION("a symbolic link to a carereach output") {
    write_output(tmp / "real", "old", options(false));
    fs::create_directory_symlink(tmp / "real", tmp / "link");
    CHECK_THAT(refusal<OutputError>(tmp / "link", options(true)), Catch::Contains("symbolic link"));
    CHECK(read(tmp / "real" / "version.txt") == "old");
  }
  SECTION("a file") {
    write(tmp / "file", "x");
    CHECK_THAT(refusal<OutputError>(tmp / "file", options(true)), Catch::Contains("not a folder"));
  }
  SECTION("an empty folder is replaced (nothing can be lost)") {
    fs::create_directory(tmp / "empty");
    write_output(tmp / "empty", "new", options(true));
    CHECK(read(tmp / "empty" / "version.txt") == "new");
  }
}

TEST_CASE("output folder: the --out path itself", "[io][output]") {
  TempDir tmp;
  const fs::path old_cwd = fs::current_path();
  fs::create_directories(tmp / "work");
  fs::current_path(tmp / "work");
  auto usage = [](const std::string& p) {
    try {
      carereach::io::check_output_path(p);
    } catch (const UsageError& e) {
      return std::string(e.what());
    }
    return std::string("(accepted)");
  };
  CHECK_THAT(usage(""), Catch::Contains("empty"));
  CHECK_THAT(usage("  "), Catch::Contains("empty"));
  CHECK_THAT(usage("."), Catch::Contains("current folder"));
  CHECK_THAT(usage("./"), Catch::Contains("current folder"));
  CHECK_THAT(usage(".."), Catch::Contains("current folder"));
  CHECK_THAT(usage((tmp / "work").string()), Catch::Contains("current folder"));
  CHECK_THAT(usage("/"), Catch::Contains("root"));
  CHECK(usage("out") == "(accepted)");
  CHECK(usage("../other") == "(accepted)");
  fs::current_path(old_cwd);
}

TEST_CASE("output folder: two commands cannot write one folder at once", "[io][output]") {
  TempDir tmp;
  OutputDir first(tmp / "out", options(false));
  CHECK_THAT(refusal<OutputError>(tmp / "out", options(true)), Catch::Contains("another carereach command"));
}

TEST_CASE("output folder: a temporary-looking folder that carereach did not make is left alone", "[io][output]") {
  TempDir tmp;
  write(tmp / ".out.tmp-1-2" / "mine.txt", "mine");
  write_output(tmp / "out", "new", options(false));
  CHECK(read(tmp / ".out.tmp-1-2" / "mine.txt") == "mine");
}

namespace {

/// In a child process: writes the "new" output over the "old" one and kills itself (SIGKILL) right after the
/// commit step `kill_at`. Returns how the child ended.
int replace_and_kill(const fs::path& target, const std::string& kill_at, bool allow_exchange) {
  const pid_t pid = fork();
  if (pid == 0) {
    try {
      OutputFolderOptions o = options(true);
      o.allow_exchange = allow_exchange;
      o.on_step = [&](const std::string& step) {
        if (step == kill_at) raise(SIGKILL);
      };
      write_output(target, "new", o);
    } catch (...) {
      _exit(3);
    }
    _exit(0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFSIGNALED(status) ? -WTERMSIG(status) : WEXITSTATUS(status);
}

struct KillCase {
  bool exchange;
  std::string step;
  bool target_exists_after_kill;
  std::string after_recovery;  ///< the version in the target once the next command has cleaned up
};

}  // namespace

TEST_CASE("output folder: killed at any step of a replacement, the next command restores a whole output",
          "[io][output][kill]") {
  const std::vector<KillCase> cases = {
      // Atomic swap (renameat2 RENAME_EXCHANGE): the target is never missing.
      {true, "staged", true, "old"},
      {true, "exchanged", true, "new"},
      {true, "old-aside", true, "new"},
      {true, "old-removed", true, "new"},
      // Two renames (file systems without the swap): killed between them, the target is missing until the next
      // command finishes the replacement.
      {false, "staged", true, "old"},
      {false, "old-aside", false, "new"},
      {false, "new-in-place", true, "new"},
      {false, "old-removed", true, "new"},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION((c.exchange ? "swap, " : "two renames, ") << "killed after " << c.step) {
      TempDir tmp;
      const fs::path target = tmp / "out";
      write_output(target, "old", options(false));
      REQUIRE(replace_and_kill(target, c.step, c.exchange) == -SIGKILL);
      CHECK(fs::exists(target) == c.target_exists_after_kill);
      if (fs::exists(target)) {
        // Whatever is there is one whole output, old or new, never a mixture.
        const std::string v = read(target / "version.txt");
        CHECK((v == "old" || v == "new"));
        CHECK(read(target / "tables" / "a.csv") == "a,b\n1," + v + "\n");
      }
      // The next command that writes the folder (here: one that then fails and commits nothing) cleans up.
      std::vector<std::string> notes;
      {
        OutputDir next(target, options(true));
        notes = next.recovery_notes();
      }
      if (c.step != "old-removed") CHECK_FALSE(notes.empty());  // something was left to finish or remove
      REQUIRE(fs::exists(target));
      CHECK(read(target / "version.txt") == c.after_recovery);
      CHECK(read(target / "tables" / "a.csv") == "a,b\n1," + c.after_recovery + "\n");
      CHECK(names(tmp.path()) == std::vector<std::string>{"out"});
      // And it is an output carereach may replace again.
      write_output(target, "third", options(true));
      CHECK(read(target / "version.txt") == "third");
    }
  }
}

TEST_CASE("output folder: a command that fails before its commit leaves the old output and nothing else",
          "[io][output]") {
  TempDir tmp;
  const fs::path target = tmp / "out";
  write_output(target, "old", options(false));
  {
    OutputDir dir(target, options(true));
    write(dir.path() / "version.txt", "half");
  }  // no commit: an error
  CHECK(read(target / "version.txt") == "old");
  CHECK(names(tmp.path()) == std::vector<std::string>{"out"});
}
