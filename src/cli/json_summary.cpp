#include "cli/json_summary.hpp"

#include <iostream>

#include "core/coded_error.hpp"

namespace carereach::cli {

nlohmann::ordered_json location_json(const Location& at) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  if (!at.file.empty()) j["file"] = at.file;
  if (!at.layer.empty()) j["layer"] = at.layer;
  if (!at.feature.empty()) j["feature"] = at.feature;
  if (!at.field.empty()) j["field"] = at.field;
  if (at.line > 0) j["line"] = at.line;
  return j;
}

nlohmann::ordered_json problem_json(Severity severity, std::string_view code, ExitCode kind, const std::string& message,
                                    const Location& where, const std::string& hint, MessageLang lang) {
  nlohmann::ordered_json j;
  j["code"] = code.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(std::string(code));
  j["severity"] = severity == Severity::kError ? "error" : "warning";
  if (severity == Severity::kError) j["exit_code"] = static_cast<int>(kind);
  j["message"] = message;
  j["hint"] = hint;
  j["location"] = location_json(where);
  if (lang == MessageLang::kZh) {
    const LocalisedMessage m = localise(code, message, where, hint, lang);
    j["message_zh"] = m.message;
    j["hint_zh"] = m.hint;
    j["location_zh"] = describe_location_zh(where);
  }
  return j;
}

nlohmann::ordered_json problems_json(const Diagnostics& diag, Severity severity, MessageLang lang) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const Problem& p : diag.all())
    if (p.severity == severity) out.push_back(problem_json(p.severity, p.code.view(), p.kind, p.message, p.where, p.hint, lang));
  return out;
}

nlohmann::ordered_json summary_head(const std::string& command, int exit_code, const std::string& scenario) {
  nlohmann::ordered_json j;
  j["schema_version"] = kJsonSchemaVersion;
  j["command"] = command;
  j["status"] = exit_code == 0 ? "ok" : "failed";
  j["exit_code"] = exit_code;
  j["scenario"] = scenario.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(scenario);
  return j;
}

nlohmann::ordered_json failure_json(const std::string& command, const std::string& scenario, const Error& e,
                                    MessageLang lang) {
  nlohmann::ordered_json j = summary_head(command, static_cast<int>(e.exit_code()), scenario);
  j["errors"] = nlohmann::ordered_json::array(
      {problem_json(Severity::kError, code_of(e), e.exit_code(), e.message(), e.where(), e.hint(), lang)});
  j["warnings"] = nlohmann::ordered_json::array();
  return j;
}

void print_json(const nlohmann::ordered_json& j) {
  std::cout << j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n' << std::flush;
}

}  // namespace carereach::cli
