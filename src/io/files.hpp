#pragma once
// File helpers of the io layer: checksums of inputs, and output folders that appear complete or not at all.

#include <cstdint>
#include <filesystem>
#include <string>

namespace carereach::io {

/// SHA-256 of a file's bytes, as 64 lower-case hex digits. Throws InputError when it cannot be read.
std::string sha256_file(const std::filesystem::path& file);
/// SHA-256 of a string (for tests and for hashing text outputs).
std::string sha256_text(const std::string& text);

/// An output folder written in a temporary folder beside it and renamed into place by commit(), so a run that
/// fails leaves no half-written output and the previous output intact.
///  - If the target exists and overwrite is false: OutputError (nothing is touched).
///  - If the target exists and is not a carereach output (no run.json of `run`, no compare.json of `compare`) and
///    not empty: OutputError even with
///    overwrite, so a mistyped path cannot delete someone's folder.
///  - If commit() is never called (an error), the temporary folder is removed.
class OutputDir {
 public:
  OutputDir(std::filesystem::path target, bool overwrite);
  ~OutputDir();
  OutputDir(const OutputDir&) = delete;
  OutputDir& operator=(const OutputDir&) = delete;

  /// The temporary folder to write into.
  [[nodiscard]] const std::filesystem::path& path() const { return temp_; }
  [[nodiscard]] const std::filesystem::path& target() const { return target_; }
  /// Moves the temporary folder into place (replacing the old output when allowed).
  void commit();

 private:
  std::filesystem::path target_;
  std::filesystem::path temp_;
  bool overwrite_ = false;
  bool committed_ = false;
};

/// Writes text to a file through a temporary file in the same folder and a rename.
void write_file_atomically(const std::filesystem::path& file, const std::string& content);

}  // namespace carereach::io
