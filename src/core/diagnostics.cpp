#include "core/diagnostics.hpp"

#include <algorithm>

#include "core/coded_error.hpp"

namespace carereach {

std::string Problem::describe() const {
  const std::string at = where.describe();
  return at.empty() ? message : at + ": " + message;
}

void Diagnostics::warn(ProblemCode code, std::string message, Location where, std::string hint) {
  problems_.push_back({Severity::kWarning, ExitCode::kOk, code, std::move(message), std::move(where),
                       std::move(hint)});
}

void Diagnostics::error(ExitCode kind, ProblemCode code, std::string message, Location where, std::string hint) {
  problems_.push_back({Severity::kError, kind, code, std::move(message), std::move(where), std::move(hint)});
}

void Diagnostics::add(Problem p) { problems_.push_back(std::move(p)); }

void Diagnostics::add(const Error& e) {
  problems_.push_back({Severity::kError, e.exit_code(), "input.not_loaded"_code, e.message(), e.where(), e.hint()});
}

std::size_t Diagnostics::error_count() const {
  return static_cast<std::size_t>(
      std::count_if(problems_.begin(), problems_.end(), [](const Problem& p) { return p.severity == Severity::kError; }));
}

std::size_t Diagnostics::warning_count() const { return problems_.size() - error_count(); }

const Problem* Diagnostics::first_error() const {
  auto it = std::find_if(problems_.begin(), problems_.end(), [](const Problem& p) { return p.severity == Severity::kError; });
  return it == problems_.end() ? nullptr : &*it;
}

std::size_t Diagnostics::count(std::string_view code) const {
  return static_cast<std::size_t>(
      std::count_if(problems_.begin(), problems_.end(), [&](const Problem& p) { return p.code == code; }));
}

void Diagnostics::throw_if_errors() const {
  const Problem* first = first_error();
  if (first == nullptr) return;
  std::string msg = first->message;
  const std::size_t more = error_count() - 1;
  if (more > 0) msg += " (and " + std::to_string(more) + " more error" + (more == 1 ? "" : "s") + "; 'carereach validate' lists them all)";
  throw CodedError(first->kind, first->code.str(), msg, first->where, first->hint);
}

}  // namespace carereach
