#pragma once
// Problems found while loading or computing that do not stop the work by themselves. Engines and loaders
// append to a Diagnostics list; the caller decides (validate prints them all, run stops on errors and writes
// warnings into run.json and the report).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace carereach {

enum class Severity { kWarning, kError };

/// A problem's stable machine-readable id, e.g. "facility.duplicate_id". It can only be made from a literal with
/// the suffix _code ("facility.duplicate_id"_code), so every code the program can emit is written out in the
/// source, where a test finds it and checks that docs/exit-codes.md documents it.
class ProblemCode {
 public:
  constexpr ProblemCode() = default;
  [[nodiscard]] constexpr std::string_view view() const { return text_; }
  [[nodiscard]] std::string str() const { return std::string(text_); }
  operator std::string() const { return str(); }  // NOLINT: codes are used as text (maps, JSON)
  friend constexpr bool operator==(ProblemCode a, std::string_view b) { return a.text_ == b; }
  friend consteval ProblemCode operator""_code(const char* text, std::size_t size);

 private:
  constexpr explicit ProblemCode(std::string_view text) : text_(text) {}
  std::string_view text_;
};

/// "facility.duplicate_id"_code: lower-case ASCII words of letters, digits and '_', joined by dots (checked when
/// the program is compiled).
consteval ProblemCode operator""_code(const char* text, std::size_t size) {
  if (size == 0) throw "a problem code is not empty";
  for (std::size_t i = 0; i < size; ++i) {
    const char c = text[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || (c == '.' && i > 0 && i + 1 < size);
    if (!ok) throw "a problem code is lower-case words joined by dots";
  }
  return ProblemCode(std::string_view(text, size));
}

struct Problem {
  Severity severity = Severity::kWarning;
  ExitCode kind = ExitCode::kInput;  ///< for errors: the exit code this problem maps to
  ProblemCode code;                  ///< stable machine-readable id, e.g. "facility.duplicate_id"_code
  std::string message;               ///< what is wrong, in a sentence
  Location where;
  std::string hint;                  ///< what to do about it
  [[nodiscard]] std::string describe() const;  ///< "where: message"
};

class Diagnostics {
 public:
  void warn(ProblemCode code, std::string message, Location where = {}, std::string hint = {});
  void error(ExitCode kind, ProblemCode code, std::string message, Location where = {}, std::string hint = {});
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
  [[nodiscard]] std::size_t count(std::string_view code) const;
  /// Throws the first error as an Error (with a note of how many more there are); no-op without errors.
  void throw_if_errors() const;

 private:
  std::vector<Problem> problems_;
};

}  // namespace carereach
