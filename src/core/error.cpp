#include "core/error.hpp"

namespace carereach {

std::string Location::describe() const {
  std::string out;
  auto add = [&out](const std::string& part) {
    if (part.empty()) return;
    if (!out.empty()) out += ", ";
    out += part;
  };
  add(file);
  if (line > 0) add("line " + std::to_string(line));
  if (!layer.empty()) add("layer '" + layer + "'");
  add(feature);
  if (!field.empty()) add("field '" + field + "'");
  return out;
}

namespace {
std::string compose(const std::string& what, const Location& where) {
  if (where.empty() && where.line == 0) return what;
  return where.describe() + ": " + what;
}
}  // namespace

Error::Error(ExitCode code, std::string what, Location where, std::string hint)
    : std::runtime_error(compose(what, where)),
      code_(code),
      message_(std::move(what)),
      where_(std::move(where)),
      hint_(std::move(hint)) {}

}  // namespace carereach
