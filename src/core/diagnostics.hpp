#pragma once
// Problems found while loading or computing that do not stop the work by themselves. Engines and loaders
// append to a Diagnostics list; the caller decides (validate prints them all, run stops on errors and writes
// warnings into run.json and the report).

#include <cstddef>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace carereach {

enum class Severity { kWarning, kError };

struct Problem {
  Severity severity = Severity::kWarning;
  ExitCode kind = ExitCode::kInput;  ///< for errors: the exit code this problem maps to
  std::string code;                  ///< stable machine-readable id, e.g. "facility.duplicate_id"
  std::string message;               ///< what is wrong, in a sentence
  Location where;
  std::string hint;                  ///< what to do about it
  [[nodiscard]] std::string describe() const;  ///< "where: message"
};

class Diagnostics {
 public:
  void warn(std::string code, std::string message, Location where = {}, std::string hint = {});
  void error(ExitCode kind, std::string code, std::string message, Location where = {}, std::string hint = {});
  void add(Problem p);
  /// Records an Error that stopped one input from loading (validate goes on with the other inputs).
  void add(const Error& e);

  [[nodiscard]] const std::vector<Problem>& all() const { return problems_; }
  [[nodiscard]] std::size_t error_count() const;
  [[nodiscard]] std::size_t warning_count() const;
  [[nodiscard]] bool has_errors() const { return error_count() > 0; }
  /// The first error, or nullptr.
  [[nodiscard]] const Problem* first_error() const;
  /// How many problems carry this code.
  [[nodiscard]] std::size_t count(const std::string& code) const;
  /// Throws the first error as an Error (with a note of how many more there are); no-op without errors.
  void throw_if_errors() const;

 private:
  std::vector<Problem> problems_;
};

}  // namespace carereach
