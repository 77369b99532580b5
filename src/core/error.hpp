#pragma once
// The error types of carereach. Library code throws them; only the command line catches them and maps each
// kind to a documented exit code (docs/exit-codes.md).

#include <stdexcept>
#include <string>

namespace carereach {

/// Exit codes of the carereach command (docs/exit-codes.md). 124-127 and 137 are avoided: shells use them.
enum class ExitCode : int {
  kOk = 0,
  kInternal = 1,     ///< a bug: an unexpected exception
  kUsage = 2,        ///< wrong command-line arguments
  kScenario = 3,     ///< the scenario file: malformed TOML, unknown key, wrong type, bad value
  kInput = 4,        ///< an input dataset: missing or unreadable file, layer, field; bad rows; empty layer
  kCrs = 5,          ///< a coordinate reference system is missing, unknown or unsuitable
  kOutput = 6,       ///< the output cannot be written, or exists and --overwrite was not given
};

/// Where a problem is: every part is optional, the message names the parts that are set.
struct Location {
  std::string file;     ///< input or scenario file as the user wrote it
  std::string layer;    ///< OGR layer name
  std::string feature;  ///< feature id, or "row N" for CSV rows (1-based, header = row 1)
  std::string field;    ///< field (column) name, or a scenario key such as "facilities[0].x_field"
  int line = 0;         ///< line in a text file (scenario TOML), 0 when unknown

  [[nodiscard]] bool empty() const { return file.empty() && layer.empty() && feature.empty() && field.empty(); }
  /// "file.csv, layer 'x', row 12, field '经度'" (only the parts that are set).
  [[nodiscard]] std::string describe() const;
};

/// Base of every error carereach throws on purpose.
class Error : public std::runtime_error {
 public:
  Error(ExitCode code, std::string what, Location where = {}, std::string hint = {});
  [[nodiscard]] ExitCode exit_code() const { return code_; }
  [[nodiscard]] const Location& where() const { return where_; }
  [[nodiscard]] const std::string& hint() const { return hint_; }
  /// The bare message, without the location.
  [[nodiscard]] const std::string& message() const { return message_; }

 private:
  ExitCode code_;
  std::string message_;
  Location where_;
  std::string hint_;
};

struct UsageError : Error {
  explicit UsageError(std::string what, std::string hint = {}) : Error(ExitCode::kUsage, std::move(what), {}, std::move(hint)) {}
};
struct ScenarioError : Error {
  ScenarioError(std::string what, Location where, std::string hint = {})
      : Error(ExitCode::kScenario, std::move(what), std::move(where), std::move(hint)) {}
};
struct InputError : Error {
  InputError(std::string what, Location where, std::string hint = {})
      : Error(ExitCode::kInput, std::move(what), std::move(where), std::move(hint)) {}
};
struct CrsError : Error {
  CrsError(std::string what, Location where = {}, std::string hint = {})
      : Error(ExitCode::kCrs, std::move(what), std::move(where), std::move(hint)) {}
};
struct OutputError : Error {
  OutputError(std::string what, Location where = {}, std::string hint = {})
      : Error(ExitCode::kOutput, std::move(what), std::move(where), std::move(hint)) {}
};

}  // namespace carereach
