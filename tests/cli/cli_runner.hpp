#pragma once
// Runs the carereach binary for command-line tests: exit code, stdout and stderr.

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "temp_dir.hpp"

namespace carereach::test {

struct CliResult {
  int code = -1;
  std::string out;
  std::string err;
  [[nodiscard]] std::string all() const { return out + err; }
};

inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}


/// Runs CAREREACH_BINARY with the arguments (no shell), in the given working folder.
inline CliResult run_cli(const std::vector<std::string>& args, const std::filesystem::path& cwd = {}) {
  TempDir io;
  const std::string out_file = (io / "stdout").string();
  const std::string err_file = (io / "stderr").string();
  std::vector<std::string> argv_s{CAREREACH_BINARY};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  const std::filesystem::path old_cwd = std::filesystem::current_path();
  if (!cwd.empty()) std::filesystem::current_path(cwd);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  if (!cwd.empty()) std::filesystem::current_path(old_cwd);
  posix_spawn_file_actions_destroy(&actions);
  CliResult r;
  if (rc != 0) return r;
  int status = 0;
  waitpid(pid, &status, 0);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = slurp(out_file);
  r.err = slurp(err_file);
  return r;
}

}  // namespace carereach::test
