#pragma once
// What every fuzz target shares: the rule for exceptions (a carereach::Error is the expected answer to bad input;
// any other exception is a finding and aborts, so libFuzzer records the input) and a private temporary folder.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <string>
#include <system_error>
#include <typeinfo>

#include <unistd.h>

#include "core/error.hpp"

namespace carereach::fuzz {

/// Runs one input through `work`. A carereach::Error is a handled refusal; anything else aborts with its type and
/// message on stderr (a crash for libFuzzer).
template <typename Work>
void expect_only_carereach_errors(Work&& work) {
  try {
    work();
  } catch (const carereach::Error&) {
    // The input was refused with a message that names the problem: the expected outcome.
  } catch (const std::exception& e) {
    std::fprintf(stderr, "carereach fuzz: unexpected exception %s: %s\n", typeid(e).name(), e.what());
    std::abort();
  } catch (...) {
    std::fprintf(stderr, "carereach fuzz: unexpected exception of unknown type\n");
    std::abort();
  }
}

/// A folder of this process under $TMPDIR (or /tmp), made on first use and removed at exit. libFuzzer's -jobs and
/// -workers run separate processes, so each has its own.
inline const std::filesystem::path& temp_dir() {
  static const std::filesystem::path dir = [] {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/carereach-fuzz-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) {
      std::perror("carereach fuzz: mkdtemp");
      std::abort();
    }
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(temp_dir(), ec);
    });
    return std::filesystem::path(pattern);
  }();
  return dir;
}

/// Writes bytes to a file (replacing it); aborts when it cannot (a broken harness, not a finding in carereach).
inline void write_file(const std::filesystem::path& path, const std::uint8_t* data, std::size_t size) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr || (size > 0 && std::fwrite(data, 1, size, f) != size) || std::fclose(f) != 0) {
    std::perror("carereach fuzz: writing the input file");
    std::abort();
  }
}

}  // namespace carereach::fuzz
