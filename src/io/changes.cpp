#include "io/changes.hpp"

#include <algorithm>
#include <unordered_map>

#include "core/error.hpp"
#include "geo/coordinate_check.hpp"
#include "io/input_checks.hpp"

namespace carereach::io {

namespace {

Location at(const std::string& file, const std::string& key, int line) { return Location{file, {}, {}, key, line}; }

void set_attributes(Facility& f, const FacilityAttributes& a) {
  if (a.beds) f.beds = a.beds;
  if (a.doctors) f.doctors = a.doctors;
  if (a.nurses) f.nurses = a.nurses;
  if (a.gps) f.gps = a.gps;
  if (a.tcm_beds) f.tcm_beds = a.tcm_beds;
  if (a.tcm_doctors) f.tcm_doctors = a.tcm_doctors;
  if (a.capacity) f.capacity = a.capacity;
}

std::vector<std::string> canonical_tags(const std::vector<std::string>& values, const Taxonomy& taxonomy,
                                        const Location& where) {
  std::vector<std::string> out;
  for (const auto& v : values) {
    auto tag = taxonomy.find_tag(v);
    if (!tag)
      throw ScenarioError("'" + v + "' is not a known tag", where,
                          "use a tag of docs/method/taxonomy.md (e.g. tcm_corner 中医阁, tcm_hall 中医馆), or declare it in "
                          "[[taxonomy.tags]]");
    out.push_back(*tag);
  }
  return out;
}

std::string joined(const std::vector<std::string>& v, std::size_t max_items = 8) {
  std::string s;
  for (std::size_t i = 0; i < v.size() && i < max_items; ++i) s += (i ? ", " : "") + v[i];
  if (v.size() > max_items) s += " … (" + std::to_string(v.size()) + ")";
  return s;
}

/// joined() for the Chinese lines: "A、B、C …（共 35 个）".
std::string joined_zh(const std::vector<std::string>& v, std::size_t max_items = 8) {
  std::string s;
  for (std::size_t i = 0; i < v.size() && i < max_items; ++i) s += (i ? "、" : "") + v[i];
  if (v.size() > max_items) s += " …（共 " + std::to_string(v.size()) + " 个）";
  return s;
}

/// The Chinese names of tags (their id when the taxonomy gives no Chinese name).
std::vector<std::string> tag_names_zh(const std::vector<std::string>& ids, const Taxonomy& taxonomy) {
  std::vector<std::string> out;
  for (const auto& id : ids) {
    const TagDef* tag = taxonomy.tag_by_id(id);
    out.push_back(tag != nullptr && !tag->name_zh.empty() ? tag->name_zh : id);
  }
  return out;
}

}  // namespace

ChangeSummary apply_changes(std::vector<Facility>& facilities, const ScenarioChanges& changes, const Taxonomy& taxonomy,
                            const geo::CrsSpec& analysis_crs, const std::string& scenario_file, Diagnostics& diag,
                            const geo::CrsSpec* output_crs) {
  ChangeSummary summary;
  std::unordered_map<std::string, std::size_t> by_id;
  for (std::size_t i = 0; i < facilities.size(); ++i) by_id.emplace(facilities[i].source_id, i);
  auto find = [&](const std::string& id, const Location& where) -> Facility& {
    auto it = by_id.find(id);
    if (it == by_id.end())
      throw ScenarioError("no facility has the id '" + id + "'", where,
                          "use the ids of the facility inputs (with their id_prefix); `carereach validate` lists the facilities");
    return facilities[it->second];
  };

  // --- close
  if (!changes.close.empty()) {
    const Location where = at(scenario_file, "changes.close", changes.close_line);
    for (const auto& id : changes.close) {
      Facility& f = find(id, where);
      if (f.status == FacilityStatus::kClosed) {
        diag.warn("changes.already_closed"_code, "facility '" + id + "' " + f.name + " is already closed", where);
        continue;
      }
      f.status = FacilityStatus::kClosed;
      ++summary.closed;
    }
    summary.lines.push_back("closed " + std::to_string(changes.close.size()) + ": " + joined(changes.close));
    summary.lines_zh.push_back("关闭 " + std::to_string(changes.close.size()) + " 个：" + joined_zh(changes.close));
  }

  // --- upgrade
  std::vector<bool> upgraded(facilities.size(), false);
  for (const FacilityUpgrade& up : changes.upgrade) {
    const Location where = at(scenario_file, up.key, up.line);
    const FacilityType* new_type = nullptr;
    if (!up.type.empty()) {
      new_type = taxonomy.find_type(up.type);
      if (new_type == nullptr)
        throw ScenarioError("'" + up.type + "' is not a facility type", at(scenario_file, up.key + ".type", up.line),
                            "use a type of docs/method/taxonomy.md (id or Chinese name)");
    }
    const std::vector<std::string> add = canonical_tags(up.add_tags, taxonomy, at(scenario_file, up.key + ".add_tags", up.line));
    const std::vector<std::string> remove =
        canonical_tags(up.remove_tags, taxonomy, at(scenario_file, up.key + ".remove_tags", up.line));
    for (const auto& id : up.ids) {
      Facility& f = find(id, at(scenario_file, up.key + ".ids", up.line));
      if (new_type != nullptr) f.type = new_type->id;
      if (!up.level.empty()) f.level = parse_level(up.level, &f.grade).value_or(f.level);
      // Tags: the facility's own (without the ones removed), plus the added ones, closed under the type's
      // implied tags and what tags imply.
      std::vector<std::string> tags;
      for (const auto& t : f.tags)
        if (std::find(remove.begin(), remove.end(), t) == remove.end()) tags.push_back(t);
      tags.insert(tags.end(), add.begin(), add.end());
      f.tags = taxonomy.close_tags(tags, taxonomy.type_by_id(f.type));
      set_attributes(f, up.attributes);
      upgraded[&f - facilities.data()] = true;
    }
    std::string what;
    if (new_type != nullptr) what += " type " + new_type->id;
    if (!up.level.empty()) what += " level " + up.level;
    if (!add.empty()) what += " +tags " + joined(add);
    if (!remove.empty()) what += " -tags " + joined(remove);
    summary.lines.push_back("upgraded " + std::to_string(up.ids.size()) + ":" + what + " (" + joined(up.ids) + ")");
    std::vector<std::string> what_zh;
    if (new_type != nullptr) what_zh.push_back("类别改为" + (new_type->name_zh.empty() ? new_type->id : new_type->name_zh));
    if (!up.level.empty()) what_zh.push_back("等级改为" + up.level);
    if (!add.empty()) what_zh.push_back("增加标签" + joined_zh(tag_names_zh(add, taxonomy)));
    if (!remove.empty()) what_zh.push_back("去除标签" + joined_zh(tag_names_zh(remove, taxonomy)));
    std::string what_zh_text;
    for (const auto& w : what_zh) what_zh_text += (what_zh_text.empty() ? "" : "，") + w;
    summary.lines_zh.push_back("调整 " + std::to_string(up.ids.size()) + " 个：" + what_zh_text + "（" +
                               joined_zh(up.ids) + "）");
  }
  summary.upgraded = static_cast<std::size_t>(std::count(upgraded.begin(), upgraded.end(), true));

  // --- add
  for (const FacilityAddition& a : changes.add) {
    const Location where = at(scenario_file, a.key, a.line);
    if (by_id.contains(a.id))
      throw ScenarioError("the id '" + a.id + "' is already used by another facility", at(scenario_file, a.key + ".id", a.line),
                          "give the new facility an id of its own");
    const FacilityType* type = taxonomy.find_type(a.type);
    if (type == nullptr)
      throw ScenarioError("'" + a.type + "' is not a facility type", at(scenario_file, a.key + ".type", a.line),
                          "use a type of docs/method/taxonomy.md (id or Chinese name)");
    Facility f;
    f.id = FacilityId(static_cast<std::uint32_t>(facilities.size()));
    f.source_id = a.id;
    f.name = a.name;
    f.type = type->id;
    if (!a.level.empty()) f.level = parse_level(a.level, &f.grade).value_or(FacilityLevel::kUnrated);
    f.tags = taxonomy.close_tags(canonical_tags(a.tags, taxonomy, at(scenario_file, a.key + ".tags", a.line)), type);
    set_attributes(f, a.attributes);
    geo::CrsSpec crs;
    try {
      crs = geo::CrsSpec::parse(a.crs);
    } catch (const CrsError& e) {
      throw CrsError(e.message(), at(scenario_file, a.key + ".crs", a.line), e.hint());
    }
    if (auto p = geo::CoordinateCheck(crs, analysis_and_output_targets(analysis_crs, output_crs)).check(a.x, a.y))
      throw ScenarioError(p->message, at(scenario_file, a.key + (p->axis == 'y' ? ".y" : ".x"), a.line),
                          p->hint + (crs.kind != geo::CrsKind::kProj || crs.is_geographic()
                                         ? "; give x as longitude and y as latitude"
                                         : ""));
    f.x_m = a.x;
    f.y_m = a.y;
    f.lon = a.x;
    f.lat = a.y;
    if (!geo::Transformer(crs, analysis_crs).transform(f.x_m, f.y_m) ||
        !geo::Transformer(crs, geo::wgs84()).transform(f.lon, f.lat))
      throw CrsError("the point (" + std::to_string(a.x) + ", " + std::to_string(a.y) + ") cannot be converted from " +
                         a.crs + " to the analysis CRS",
                     where, "give x as longitude and y as latitude for geographic CRSs");
    f.source_file = scenario_file;
    f.source_feature = a.key;
    by_id.emplace(f.source_id, facilities.size());
    summary.lines.push_back("added " + a.id + " " + a.name + " (" + type->id + ")");
    summary.lines_zh.push_back("新增 " + a.id + " " + a.name + "（" + (type->name_zh.empty() ? type->id : type->name_zh) +
                               "）");
    facilities.push_back(std::move(f));
    ++summary.added;
  }
  return summary;
}

}  // namespace carereach::io
