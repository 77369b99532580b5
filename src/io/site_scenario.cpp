#include "io/site_scenario.hpp"

#include <fstream>
#include <sstream>

#include <toml++/toml.h>

#include "core/error.hpp"

namespace carereach::io {

namespace fs = std::filesystem;

namespace {

/// Rewrites the paths of input files (keys "source" and "speeds_file" whose value names a file that exists
/// relative to the scenario's folder) to be relative to `folder`. A "source" that names no file (the text source
/// of local density targets) is left as it is.
void rewrite_paths(toml::node& node, const fs::path& from_dir, const fs::path& folder) {
  if (auto* t = node.as_table()) {
    for (auto&& [key, value] : *t) {
      const std::string k(key.str());
      if ((k == "source" || k == "speeds_file") && value.is_string()) {
        const std::string written = value.as_string()->get();
        const fs::path p(written);
        if (p.is_absolute() || written.starts_with("/vsi")) continue;
        const fs::path resolved = fs::absolute(from_dir / p).lexically_normal();
        std::error_code ec;
        if (!fs::exists(resolved, ec)) continue;
        fs::path rel = resolved.lexically_relative(fs::absolute(folder).lexically_normal());
        if (rel.empty()) rel = resolved;
        *value.as_string() = rel.generic_string();
      } else {
        rewrite_paths(value, from_dir, folder);
      }
    }
  } else if (auto* a = node.as_array()) {
    for (auto& item : *a) rewrite_paths(item, from_dir, folder);
  }
}

toml::array strings(const std::vector<std::string>& v) {
  toml::array a;
  for (const auto& s : v) a.push_back(s);
  return a;
}

void put_attributes(toml::table& t, const FacilityAttributes& a) {
  auto put = [&](const char* key, const std::optional<double>& v) {
    if (v) t.insert_or_assign(key, *v);
  };
  put("beds", a.beds);
  put("doctors", a.doctors);
  put("nurses", a.nurses);
  put("gps", a.gps);
  put("tcm_beds", a.tcm_beds);
  put("tcm_doctors", a.tcm_doctors);
  put("capacity", a.capacity);
}

}  // namespace

std::string scenario_with_changes(const Scenario& scenario, const ScenarioChanges& extra, const fs::path& folder,
                                  const std::vector<std::string>& header) {
  std::ifstream in(scenario.file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  toml::table root;
  try {
    root = toml::parse(text.str(), scenario.file.string());
  } catch (const toml::parse_error& e) {
    throw ScenarioError("changed while carereach was reading it: " + std::string(e.description()),
                        Location{scenario.file.string(), {}, {}, {}, static_cast<int>(e.source().begin.line)},
                        "run the command again");
  }
  rewrite_paths(root, scenario.dir, folder);
  // The decision is taken: the result does not site again ([siting.<id>] of the scenario it started from).
  root.erase("siting");

  toml::table* changes = root["changes"].as_table();
  if (changes == nullptr) {
    root.insert_or_assign("changes", toml::table{});
    changes = root["changes"].as_table();
  }
  if (!extra.label_zh.empty()) changes->insert_or_assign("label_zh", extra.label_zh);
  if (!extra.label_en.empty()) changes->insert_or_assign("label_en", extra.label_en);
  if (!extra.close.empty()) {
    if (!(*changes)["close"].is_array()) changes->insert_or_assign("close", toml::array{});
    toml::array& closes = *(*changes)["close"].as_array();
    for (const std::string& id : extra.close) closes.push_back(id);
  }
  if (!extra.upgrade.empty()) {
    if (!(*changes)["upgrade"].is_array()) changes->insert_or_assign("upgrade", toml::array{});
    toml::array& ups = *(*changes)["upgrade"].as_array();
    for (const FacilityUpgrade& u : extra.upgrade) {
      toml::table t;
      t.insert_or_assign("ids", strings(u.ids));
      if (!u.type.empty()) t.insert_or_assign("type", u.type);
      if (!u.level.empty()) t.insert_or_assign("level", u.level);
      if (!u.add_tags.empty()) t.insert_or_assign("add_tags", strings(u.add_tags));
      if (!u.remove_tags.empty()) t.insert_or_assign("remove_tags", strings(u.remove_tags));
      put_attributes(t, u.attributes);
      ups.push_back(std::move(t));
    }
  }
  if (!extra.add.empty()) {
    if (!(*changes)["add"].is_array()) changes->insert_or_assign("add", toml::array{});
    toml::array& adds = *(*changes)["add"].as_array();
    for (const FacilityAddition& a : extra.add) {
      toml::table t;
      t.insert_or_assign("id", a.id);
      if (!a.name.empty()) t.insert_or_assign("name", a.name);
      t.insert_or_assign("type", a.type);
      if (!a.level.empty()) t.insert_or_assign("level", a.level);
      if (!a.tags.empty()) t.insert_or_assign("tags", strings(a.tags));
      t.insert_or_assign("x", a.x);
      t.insert_or_assign("y", a.y);
      t.insert_or_assign("crs", a.crs);
      put_attributes(t, a.attributes);
      adds.push_back(std::move(t));
    }
  }
  std::ostringstream out;
  for (const auto& line : header) out << "# " << line << "\n";
  out << "\n" << toml::toml_formatter(root) << "\n";
  return out.str();
}

}  // namespace carereach::io
