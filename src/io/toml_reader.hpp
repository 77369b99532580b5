#pragma once
// Reading a toml++ table key by key, with errors that name the scenario file, the key path and the line, and
// a check that no unknown key is left (with a "did you mean" suggestion).

#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <toml++/toml.h>

#include "core/error.hpp"

namespace carereach::io {

class TomlTable {
 public:
  /// path: the key path of this table for messages ("facilities[1].fields"); file: the scenario file as shown.
  TomlTable(const toml::table& table, std::string path, std::string file);

  [[nodiscard]] bool has(const std::string& key) const;
  [[nodiscard]] const std::string& path() const { return path_; }
  [[nodiscard]] int line() const;
  [[nodiscard]] int line_of(const std::string& key) const;
  /// Location of a key (or of this table when key is empty) for errors.
  [[nodiscard]] Location where(const std::string& key = {}) const;
  [[nodiscard]] std::string key_path(const std::string& key) const;

  std::optional<std::string> string(const std::string& key);
  std::string string(const std::string& key, const std::string& fallback);
  std::string required_string(const std::string& key, const std::string& hint = {});
  std::optional<double> number(const std::string& key);
  double number(const std::string& key, double fallback);
  std::optional<std::int64_t> integer(const std::string& key);
  bool boolean(const std::string& key, bool fallback);
  std::vector<std::string> string_list(const std::string& key);
  /// A string → string table (e.g. a column mapping); every value must be a string.
  std::vector<std::pair<std::string, std::string>> string_map(const std::string& key);
  std::optional<TomlTable> table(const std::string& key);
  std::vector<TomlTable> array_of_tables(const std::string& key);
  /// Marks a key as read without reading it (for keys handled by hand).
  const toml::node* take(const std::string& key);
  /// The keys not read yet.
  [[nodiscard]] std::vector<std::string> remaining() const;

  /// Throws ScenarioError for the first key that was never read: unknown keys are errors.
  void finish() const;

  [[noreturn]] void fail(const std::string& key, const std::string& what, const std::string& hint = {}) const;

 private:
  const toml::node* get(const std::string& key);
  [[noreturn]] void wrong_type(const std::string& key, const char* expected, const toml::node& n) const;

  const toml::table* table_;
  std::string path_;
  std::string file_;
  std::set<std::string> read_;
};

/// Checks every key and string value of a parsed TOML document with output_text_fault (core/text.hpp): TOML
/// escapes can write a NUL or another control character (\u0000), which the outputs cannot carry and C APIs
/// would cut the text at. Throws ScenarioError naming the key path and line of the first fault.
void check_strings(const toml::table& root, const std::string& file);

/// Levenshtein distance, for "did you mean".
std::size_t edit_distance(const std::string& a, const std::string& b);

}  // namespace carereach::io
