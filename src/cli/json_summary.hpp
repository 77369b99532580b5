#pragma once
// The machine-readable summary of `validate --json`, `run --json` and `compare --json` on stdout
// (docs/cli/validate.md, docs/cli/run.md: the shape, with its schema version). Human messages go to stderr.

#include <string>

#include <nlohmann/json.hpp>

#include "core/diagnostics.hpp"
#include "core/messages.hpp"

namespace carereach::cli {

/// The version of the JSON summary's shape: raised when a field changes meaning or is removed (adding one does
/// not raise it).
inline constexpr int kJsonSchemaVersion = 1;

/// {"file", "layer", "feature", "field", "line"}: the parts that are set.
nlohmann::ordered_json location_json(const Location& where);

/// One problem: code (null for an error without a code of its own), severity, exit kind for errors, message and
/// hint (English), location; in Chinese also message_zh and hint_zh.
nlohmann::ordered_json problem_json(Severity severity, std::string_view code, ExitCode kind, const std::string& message,
                                    const Location& where, const std::string& hint, MessageLang lang);

/// The problems of one severity.
nlohmann::ordered_json problems_json(const Diagnostics& diag, Severity severity, MessageLang lang);

/// The head every summary starts with: schema_version, command, status ("ok" or "failed"), exit_code, scenario.
nlohmann::ordered_json summary_head(const std::string& command, int exit_code, const std::string& scenario);

/// The summary of a command stopped by an error: the head, the error under "errors", no warnings.
nlohmann::ordered_json failure_json(const std::string& command, const std::string& scenario, const Error& e,
                                    MessageLang lang);

/// Prints the summary on stdout (indented; bytes that are not UTF-8 replaced).
void print_json(const nlohmann::ordered_json& j);

}  // namespace carereach::cli
