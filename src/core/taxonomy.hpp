#pragma once
// Facility type taxonomy, after the national classification of health institutions (卫生机构(组织)分类,
// 医疗卫生机构类别 in the health statistics yearbook), with the tags carereach's standards select on.
// The built-in taxonomy is documented in docs/method/taxonomy.md; a scenario may add types and aliases.

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/facility.hpp"

namespace carereach {

enum class FacilityCategory { kHospital, kPrimaryCare, kPublicHealth, kOther };

struct FacilityType {
  std::string id;       ///< "township_health_center"
  std::string name_zh;  ///< "乡镇卫生院"
  std::string name_en;  ///< "Township health centre"
  FacilityCategory category = FacilityCategory::kOther;
  std::vector<std::string> aliases;       ///< other spellings matched in input data (exact, after trimming)
  std::vector<std::string> implied_tags;  ///< tags every facility of this type has (e.g. tcm for 中医医院)
};

struct TagDef {
  std::string id;       ///< "tcm_hall"
  std::string name_zh;  ///< "中医馆"
  std::string name_en;
  std::vector<std::string> aliases;
  std::vector<std::string> implies;  ///< tcm_hall implies tcm
};

class Taxonomy {
 public:
  /// The shipped taxonomy (docs/method/taxonomy.md).
  static Taxonomy builtin();

  /// Adds a type, or extends an existing one with the same id (aliases and implied tags are appended).
  void add_type(FacilityType t);
  /// Adds a tag definition, or extends an existing one.
  void add_tag(TagDef t);
  /// Adds an alias for an existing type id; false when the type does not exist.
  bool add_type_alias(const std::string& alias, const std::string& type_id);

  [[nodiscard]] const std::vector<FacilityType>& types() const { return types_; }
  [[nodiscard]] const std::vector<TagDef>& tags() const { return tags_; }
  /// The type whose id, Chinese or English name, or alias equals the value (trimmed, case-insensitive for ASCII).
  [[nodiscard]] const FacilityType* find_type(std::string_view value) const;
  [[nodiscard]] const FacilityType* type_by_id(std::string_view id) const;
  /// The tag with this canonical id, or nullptr.
  [[nodiscard]] const TagDef* tag_by_id(std::string_view id) const;
  /// The canonical tag id for a value (id, Chinese name or alias), or nullopt.
  [[nodiscard]] std::optional<std::string> find_tag(std::string_view value) const;
  /// Up to k types nearest to an unknown value (by the edit distance to their id, names and aliases), as
  /// "乡镇卫生院 (township_health_center)": the "did you mean" of facility.unknown_type.
  [[nodiscard]] std::vector<std::string> nearest_types(std::string_view value, std::size_t k = 3) const;
  /// The same for tags: "中医馆 (tcm_hall)".
  [[nodiscard]] std::vector<std::string> nearest_tags(std::string_view value, std::size_t k = 3) const;
  /// Canonical, sorted, unique tags: the given ones, the type's implied tags, and what those imply.
  [[nodiscard]] std::vector<std::string> close_tags(const std::vector<std::string>& tags, const FacilityType* type) const;

 private:
  void index_type(std::size_t i);
  void index_tag(std::size_t i);
  std::vector<FacilityType> types_;
  std::vector<TagDef> tags_;
  std::unordered_map<std::string, std::size_t> type_index_;
  std::unordered_map<std::string, std::size_t> tag_index_;
};

/// Normalises a lookup key: trims ASCII and full-width spaces, lower-cases ASCII letters, reads full-width
/// parentheses （） as ASCII ones.
std::string normalise_key(std::string_view s);

/// Parses a hospital level: "三级甲等", "三甲", "3", "III", "tertiary", "二级", "一级", "未定级", "" …
/// Returns nullopt when the text is not a level. The grade (甲/乙/丙) is written to *grade when given.
std::optional<FacilityLevel> parse_level(std::string_view text, std::string* grade = nullptr);

/// Parses a status: 在用/运营/正常/active → active; 停业/关闭/撤销/closed → closed; 规划/拟建/在建/planned → planned.
std::optional<FacilityStatus> parse_status(std::string_view text);

/// Splits a tag list written as "中医馆;全科" / "tcm, tcm_hall" / "中医馆、国医堂" into trimmed items.
std::vector<std::string> split_list(std::string_view text);

}  // namespace carereach
