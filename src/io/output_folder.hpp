#pragma once
// Output folders that appear complete or not at all, that replace only what carereach itself wrote, and that
// survive a process killed at any moment (docs/output-folders.md describes the states and the recovery).
//
// A folder written by carereach holds a marker, `.carereach-output.json`, listing every file carereach wrote
// there with its size and SHA-256. `--overwrite` replaces a folder only when that marker is there and the folder
// holds exactly those files, unchanged, and nothing else — and never a folder that holds an input of the
// command. The new output is written into a hidden folder beside the target (`.NAME.tmp-TOKEN`), completed
// with its marker, and then swapped in atomically (Linux renameat2 RENAME_EXCHANGE); where the file system
// cannot swap, the old folder is first moved aside (`.NAME.old-TOKEN`) and the next command that writes the
// same folder finishes the replacement. A lock file beside the target (`.NAME.lock`, removed at the end) keeps
// two commands from writing one folder at once.

#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

namespace carereach::io {

/// The name of the marker file in every output folder carereach writes.
inline constexpr const char* kOutputMarker = ".carereach-output.json";

struct OutputFolderOptions {
  std::string command;  ///< "run", "compare", "export": recorded in the marker, named in messages
  bool overwrite = false;
  /// Paths the command reads (the scenario file, every input, the runs compared): the target may neither be
  /// one of them nor contain one.
  std::vector<std::filesystem::path> inputs;
  /// For tests: called after each step of a commit with the step's name (docs/output-folders.md), so that a
  /// test can kill the process there; and whether the atomic swap may be used (false: the two-rename path).
  std::function<void(const std::string& step)> on_step;
  bool allow_exchange = true;
};

/// Checks a --out path before any work: not empty, not the current folder or one above it, not the root.
/// Throws UsageError.
void check_output_path(const std::string& as_written, const char* option = "--out");

/// Throws UsageError when `output` (a file or folder a command is to write) is one of `inputs` or holds one.
void refuse_input_as_output(const std::filesystem::path& output, const std::string& as_written,
                            const std::vector<std::filesystem::path>& inputs);

/// Why a folder may not be replaced, or "" when it may: it is a carereach output (marker), holds only the files
/// the marker lists, unchanged, and none of `inputs`. Reads every file (checksums).
std::string why_not_replaceable(const std::filesystem::path& folder, const std::vector<std::filesystem::path>& inputs);

/// A folder's files as the marker lists them: path relative to the folder ('/' separators), size and SHA-256;
/// the marker itself is not listed. Sorted by path.
struct ListedFile {
  std::string path;
  std::uintmax_t bytes = 0;
  std::string sha256;
};
std::vector<ListedFile> list_folder(const std::filesystem::path& folder);

class OutputDir {
 public:
  /// Takes the target's lock, finishes or cleans up what an interrupted earlier command left beside the target
  /// (recovery_notes() says what), checks that the target may be written (OutputError otherwise: it exists
  /// without overwrite, it is not a carereach output, it holds an input …) and creates the temporary folder.
  OutputDir(std::filesystem::path target, OutputFolderOptions options);
  ~OutputDir();
  OutputDir(const OutputDir&) = delete;
  OutputDir& operator=(const OutputDir&) = delete;

  /// The temporary folder to write into.
  [[nodiscard]] const std::filesystem::path& path() const { return temp_; }
  [[nodiscard]] const std::filesystem::path& target() const { return target_; }
  /// What the constructor did about an earlier interrupted command (empty when there was nothing to do).
  [[nodiscard]] const std::vector<std::string>& recovery_notes() const { return notes_; }
  /// Writes the marker and puts the folder in place (replacing the old output when allowed, checked again).
  void commit();

 private:
  std::filesystem::path target_;
  std::filesystem::path temp_;
  std::string token_;
  OutputFolderOptions options_;
  int lock_fd_ = -1;
  std::filesystem::path lock_file_;
  bool committed_ = false;
  std::vector<std::string> notes_;
};

/// What a folder `target` left by an interrupted command becomes: finished (the complete new output moved in),
/// rolled back (the old output moved back) and the leftovers removed. Returns notes of what was done. The
/// caller holds the target's lock (OutputDir does this); exposed for tests.
std::vector<std::string> recover_output_folder(const std::filesystem::path& target);

// --- Temporary files and folders, removed when the process is interrupted ------------------------------------

/// Registers a temporary path (file or folder) for removal if the process is interrupted before the path is
/// renamed into place; unregistered by the destructor or by release().
class ScopedTemporary {
 public:
  explicit ScopedTemporary(std::filesystem::path path);
  ~ScopedTemporary();
  ScopedTemporary(const ScopedTemporary&) = delete;
  ScopedTemporary& operator=(const ScopedTemporary&) = delete;
  void release();

 private:
  std::filesystem::path path_;
  bool registered_ = true;
};

/// For the command line's interrupt handler: removes every registered temporary path and lock file, after any
/// commit in progress has finished renaming. Safe to call from a normal (non-signal) thread only.
void remove_temporaries_after_interrupt();

}  // namespace carereach::io
