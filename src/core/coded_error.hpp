#pragma once
// An Error that carries the problem code of the Diagnostics entry it was thrown for (Diagnostics::throw_if_errors),
// so that the command line can name the code in its JSON summary and word the message in the user's language
// (core/messages.hpp). Caught as an Error everywhere else.

#include <string>
#include <utility>

#include "core/error.hpp"

namespace carereach {

class CodedError : public Error {
 public:
  CodedError(ExitCode kind, std::string code, std::string what, Location where, std::string hint)
      : Error(kind, std::move(what), std::move(where), std::move(hint)), code_(std::move(code)) {}
  /// The problem code (docs/exit-codes.md).
  [[nodiscard]] const std::string& code() const { return code_; }

 private:
  std::string code_;
};

/// The problem code of an error: its code when it is a CodedError, else empty (an error without a code of its own).
inline std::string code_of(const Error& e) {
  const auto* coded = dynamic_cast<const CodedError*>(&e);
  return coded == nullptr ? std::string() : coded->code();
}

}  // namespace carereach
