#include "io/toml_reader.hpp"

#include "core/text.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <tuple>

namespace carereach::io {

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> prev(b.size() + 1);
  std::vector<std::size_t> cur(b.size() + 1);
  std::iota(prev.begin(), prev.end(), std::size_t{0});
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

namespace {
const char* type_name(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a number";
    case toml::node_type::boolean: return "true/false";
    case toml::node_type::array: return "a list";
    case toml::node_type::table: return "a table";
    default: return "a date/time";
  }
}
}  // namespace

TomlTable::TomlTable(const toml::table& table, std::string path, std::string file)
    : table_(&table), path_(std::move(path)), file_(std::move(file)) {}

bool TomlTable::has(const std::string& key) const { return table_->contains(key); }

int TomlTable::line() const { return static_cast<int>(table_->source().begin.line); }

int TomlTable::line_of(const std::string& key) const {
  const toml::node* n = table_->get(key);
  if (n == nullptr) return line();
  return static_cast<int>(n->source().begin.line);
}

std::string TomlTable::key_path(const std::string& key) const {
  if (path_.empty()) return key;
  if (key.empty()) return path_;
  return path_ + "." + key;
}

Location TomlTable::where(const std::string& key) const {
  Location at;
  at.file = file_;
  at.field = key_path(key);
  at.line = key.empty() ? line() : line_of(key);
  return at;
}

void TomlTable::fail(const std::string& key, const std::string& what, const std::string& hint) const {
  throw ScenarioError(what, where(key), hint);
}

void TomlTable::wrong_type(const std::string& key, const char* expected, const toml::node& n) const {
  fail(key, std::string("must be ") + expected + ", not " + type_name(n));
}

const toml::node* TomlTable::get(const std::string& key) {
  read_.insert(key);
  return table_->get(key);
}

const toml::node* TomlTable::take(const std::string& key) { return get(key); }

std::optional<std::string> TomlTable::string(const std::string& key) {
  const toml::node* n = get(key);
  if (n == nullptr) return std::nullopt;
  if (!n->is_string()) wrong_type(key, "a string (in quotes)", *n);
  return n->as_string()->get();
}

std::string TomlTable::string(const std::string& key, const std::string& fallback) {
  return string(key).value_or(fallback);
}

std::string TomlTable::required_string(const std::string& key, const std::string& hint) {
  auto v = string(key);
  if (!v || v->empty()) fail(key, "is required", hint);
  return *v;
}

std::optional<double> TomlTable::number(const std::string& key) {
  const toml::node* n = get(key);
  if (n == nullptr) return std::nullopt;
  if (n->is_integer()) return static_cast<double>(n->as_integer()->get());
  if (n->is_floating_point()) {
    const double v = n->as_floating_point()->get();
    if (!std::isfinite(v)) fail(key, "must be a finite number");
    return v;
  }
  wrong_type(key, "a number", *n);
}

double TomlTable::number(const std::string& key, double fallback) { return number(key).value_or(fallback); }

std::optional<std::int64_t> TomlTable::integer(const std::string& key) {
  const toml::node* n = get(key);
  if (n == nullptr) return std::nullopt;
  if (!n->is_integer()) wrong_type(key, "a whole number", *n);
  return n->as_integer()->get();
}

bool TomlTable::boolean(const std::string& key, bool fallback) {
  const toml::node* n = get(key);
  if (n == nullptr) return fallback;
  if (!n->is_boolean()) wrong_type(key, "true or false", *n);
  return n->as_boolean()->get();
}

std::vector<std::string> TomlTable::string_list(const std::string& key) {
  const toml::node* n = get(key);
  if (n == nullptr) return {};
  if (n->is_string()) return {n->as_string()->get()};
  if (!n->is_array()) wrong_type(key, "a list of strings", *n);
  std::vector<std::string> out;
  for (const toml::node& item : *n->as_array()) {
    if (!item.is_string()) fail(key, std::string("must be a list of strings; an item is ") + type_name(item));
    out.push_back(item.as_string()->get());
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> TomlTable::string_map(const std::string& key) {
  const toml::node* n = get(key);
  if (n == nullptr) return {};
  if (!n->is_table()) wrong_type(key, "a table of names to strings", *n);
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [k, v] : *n->as_table()) {
    const std::string name(k.str());
    if (!v.is_string()) {
      Location at = where(key);
      at.field = key_path(key) + "." + name;
      at.line = static_cast<int>(v.source().begin.line);
      throw ScenarioError(std::string("must be a string, not ") + type_name(v), at);
    }
    out.emplace_back(name, v.as_string()->get());
  }
  return out;
}

std::optional<TomlTable> TomlTable::table(const std::string& key) {
  const toml::node* n = get(key);
  if (n == nullptr) return std::nullopt;
  if (!n->is_table()) wrong_type(key, "a table", *n);
  return TomlTable(*n->as_table(), key_path(key), file_);
}

std::vector<TomlTable> TomlTable::array_of_tables(const std::string& key) {
  const toml::node* n = get(key);
  if (n == nullptr) return {};
  if (n->is_table()) return {TomlTable(*n->as_table(), key_path(key), file_)};
  if (!n->is_array()) wrong_type(key, ("a list of tables ([[" + key_path(key) + "]])").c_str(), *n);
  std::vector<TomlTable> out;
  std::size_t i = 0;
  for (const toml::node& item : *n->as_array()) {
    if (!item.is_table())
      fail(key, std::string("must be a list of tables ([[") + key_path(key) + "]]); an item is " + type_name(item));
    out.emplace_back(*item.as_table(), key_path(key) + "[" + std::to_string(i++) + "]", file_);
  }
  return out;
}

std::vector<std::string> TomlTable::remaining() const {
  // toml++ keeps a table's keys sorted by name; the user's order is the order in the file (where a key was
  // written), so that standards and indicators are listed as the scenario lists them.
  struct Key {
    toml::source_index line, column;
    std::string name;
  };
  std::vector<Key> keys;
  for (const auto& [k, v] : *table_)
    if (!read_.contains(std::string(k.str())))
      keys.push_back(Key{k.source().begin.line, k.source().begin.column, std::string(k.str())});
  std::stable_sort(keys.begin(), keys.end(), [](const Key& a, const Key& b) {
    return std::tie(a.line, a.column) < std::tie(b.line, b.column);
  });
  std::vector<std::string> out;
  out.reserve(keys.size());
  for (Key& k : keys) out.push_back(std::move(k.name));
  return out;
}

void TomlTable::finish() const {
  for (const auto& [k, v] : *table_) {
    const std::string key(k.str());
    if (read_.contains(key)) continue;
    std::string hint;
    std::size_t best = 3;
    for (const auto& known : read_) {
      const std::size_t d = edit_distance(key, known);
      if (d < best) {
        best = d;
        hint = "did you mean '" + known + "'?";
      }
    }
    if (hint.empty()) hint = "docs/scenario.md lists the keys of every table";
    Location at;
    at.file = file_;
    at.field = key_path(key);
    at.line = static_cast<int>(v.source().begin.line);
    throw ScenarioError("unknown key", at, hint);
  }
}

namespace {

void check_node(const toml::node& node, const std::string& path, const std::string& file) {
  auto fail = [&](const std::string& what, const TextFault& fault, const toml::node& at) {
    throw ScenarioError(what + " " + fault.message, Location{file, {}, {}, path, static_cast<int>(at.source().begin.line)},
                        fault.kind == TextFault::kTooLong ? "shorten the text" : "remove the control character (\\u00XX)");
  };
  if (const auto* t = node.as_table()) {
    for (const auto& [key, value] : *t) {
      const std::string name(key.str());
      const std::string child = path.empty() ? name : path + "." + name;
      if (const TextFault fault = output_text_fault(name)) {
        Location at{file, {}, {}, child, static_cast<int>(value.source().begin.line)};
        throw ScenarioError("the key " + std::string(fault.message), at, "rename the key");
      }
      check_node(value, child, file);
    }
  } else if (const auto* a = node.as_array()) {
    for (std::size_t i = 0; i < a->size(); ++i) check_node((*a)[i], path + "[" + std::to_string(i) + "]", file);
  } else if (const auto* v = node.as_string()) {
    if (const TextFault fault = output_text_fault(v->get())) fail("the text", fault, node);
  }
}

}  // namespace

void check_strings(const toml::table& root, const std::string& file) { check_node(root, {}, file); }

}  // namespace carereach::io
