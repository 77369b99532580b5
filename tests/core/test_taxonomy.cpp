#include <catch2/catch.hpp>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "core/standard.hpp"
#include "core/taxonomy.hpp"
#include "core/text.hpp"

using namespace carereach;

TEST_CASE("built-in taxonomy finds types by id, Chinese name and alias", "[taxonomy]") {
  const Taxonomy t = Taxonomy::builtin();
  REQUIRE(t.find_type("township_health_center") != nullptr);
  CHECK(t.find_type("乡镇卫生院")->id == "township_health_center");
  CHECK(t.find_type("中心卫生院")->id == "township_health_center");
  CHECK(t.find_type("  中医院 ")->id == "tcm_hospital");
  CHECK(t.find_type("\xE3\x80\x80村卫生室")->id == "village_clinic");  // full-width space before the name
  CHECK(t.find_type("General Hospital")->id == "general_hospital");     // ASCII is case-insensitive
  CHECK(t.find_type("宠物医院") == nullptr);
}

TEST_CASE("tags close over type and tag implications", "[taxonomy]") {
  const Taxonomy t = Taxonomy::builtin();
  CHECK(t.find_tag("中医馆") == std::optional<std::string>("tcm_hall"));
  CHECK(t.find_tag("国医堂") == std::optional<std::string>("tcm_hall"));
  CHECK_FALSE(t.find_tag("牙科").has_value());

  // 中医馆 implies tcm; a TCM hospital has tcm by its type; a village clinic has none of its own.
  CHECK(t.close_tags({"tcm_hall"}, t.find_type("乡镇卫生院")) == std::vector<std::string>{"tcm", "tcm_hall"});
  CHECK(t.close_tags({}, t.find_type("中医医院")) == std::vector<std::string>{"tcm"});
  CHECK(t.close_tags({}, t.find_type("村卫生室")).empty());
  CHECK(t.close_tags({"tcm_corner", "tcm_corner"}, nullptr) == std::vector<std::string>{"tcm", "tcm_corner"});
}

TEST_CASE("scenario additions extend the taxonomy", "[taxonomy]") {
  Taxonomy t = Taxonomy::builtin();
  t.add_tag({"a", "甲", "A", {}, {"b"}});
  t.add_tag({"b", "乙", "B", {}, {"tcm"}});
  CHECK(t.close_tags({"a"}, nullptr) == std::vector<std::string>{"a", "b", "tcm"});  // chains are followed
  CHECK(t.add_type_alias("卫生院", "township_health_center"));
  CHECK(t.find_type("卫生院")->id == "township_health_center");
  CHECK_FALSE(t.add_type_alias("x", "no_such_type"));
  t.add_type({"ubs", "", "Basic health unit", FacilityCategory::kPrimaryCare, {"UBS"}, {}});
  CHECK(t.find_type("ubs")->name_en == "Basic health unit");
  CHECK(t.find_type("UBS")->id == "ubs");
}

TEST_CASE("hospital levels in Chinese and other notations", "[taxonomy]") {
  std::string grade;
  CHECK(parse_level("三级甲等", &grade) == FacilityLevel::kTertiary);
  CHECK(grade == "甲");
  CHECK(parse_level("三甲", &grade) == FacilityLevel::kTertiary);
  CHECK(grade == "甲");
  CHECK(parse_level("二级乙等", &grade) == FacilityLevel::kSecondary);
  CHECK(grade == "乙");
  CHECK(parse_level("二级", &grade) == FacilityLevel::kSecondary);
  CHECK(grade.empty());
  CHECK(parse_level("一级") == FacilityLevel::kPrimary);
  CHECK(parse_level("未定级") == FacilityLevel::kUnrated);
  CHECK(parse_level("") == FacilityLevel::kUnrated);
  CHECK(parse_level("III") == FacilityLevel::kTertiary);
  CHECK(parse_level("2") == FacilityLevel::kSecondary);
  CHECK_FALSE(parse_level("四级").has_value());
  CHECK_FALSE(parse_level("三级特等").has_value());
}

TEST_CASE("statuses and tag lists", "[taxonomy]") {
  CHECK(parse_status("在用") == FacilityStatus::kActive);
  CHECK(parse_status("") == FacilityStatus::kActive);
  CHECK(parse_status("停业") == FacilityStatus::kClosed);
  CHECK(parse_status("拟建") == FacilityStatus::kPlanned);
  CHECK_FALSE(parse_status("不知道").has_value());
  CHECK(split_list("中医馆、国医堂；tcm, x |y") == std::vector<std::string>{"中医馆", "国医堂", "tcm", "x", "y"});
  CHECK(split_list("  ").empty());
}

TEST_CASE("facility selectors", "[standard]") {
  Facility f;
  f.type = "township_health_center";
  f.tags = {"tcm", "tcm_hall"};
  FacilitySelector s;
  s.tags_any = {"tcm"};
  CHECK(s.matches(f));
  f.status = FacilityStatus::kClosed;
  CHECK_FALSE(s.matches(f));  // closed facilities never count
  f.status = FacilityStatus::kPlanned;
  CHECK_FALSE(s.matches(f));
  s.include_planned = true;
  CHECK(s.matches(f));
  s.types = {"general_hospital"};
  CHECK_FALSE(s.matches(f));
  s.types = {"township_health_center"};
  s.min_level = FacilityLevel::kSecondary;
  CHECK_FALSE(s.matches(f));
  f.level = FacilityLevel::kTertiary;
  CHECK(s.matches(f));
}

TEST_CASE("default standards are complete", "[standard]") {
  const auto standards = default_standards();
  const Taxonomy t = Taxonomy::builtin();
  std::vector<std::string> ids;
  for (const auto& s : standards) {
    ids.push_back(s.id);
    CHECK_FALSE(s.name_zh.empty());
    CHECK_FALSE(s.name_en.empty());
    CHECK((s.threshold_min.has_value() != s.is_distance()));
    for (const auto& type : s.select.types) CHECK(t.type_by_id(type) != nullptr);
    for (const auto& tag : s.select.tags_any) CHECK(t.find_tag(tag).has_value());
  }
  CHECK(ids == std::vector<std::string>{"tcm_15min", "primary_care_15min", "county_hospital_30min",
                                        "county_hospital_60min", "emergency_radius"});
}

TEST_CASE("taxonomy: the terms offices write map to the types and tags out of the box", "[taxonomy]") {
  // docs/method/taxonomy.md, "Office vocabulary", names where each term comes from.
  const Taxonomy t = Taxonomy::builtin();
  auto type_of = [&](const char* v) {
    const FacilityType* ft = t.find_type(v);
    return ft == nullptr ? std::string("<none>") : ft->id;
  };
  CHECK(type_of("卫生院") == "township_health_center");
  CHECK(type_of("中心卫生院") == "township_health_center");
  CHECK(type_of("乡（镇）卫生院") == "township_health_center");  // full-width parentheses read as ASCII ones
  CHECK(type_of("村卫生站") == "village_clinic");                 // Guangdong
  CHECK(type_of("社区卫生站") == "community_health_station");
  CHECK(type_of("妇幼保健计划生育服务中心") == "maternal_child_health");
  CHECK(type_of("疾控中心") == "disease_control_center");
  CHECK(type_of("儿童医院") == "specialized_hospital");
  CHECK(type_of("护理院（站）") == "nursing_hospital");
  CHECK(t.find_tag("胸痛中心") == std::optional<std::string>("chest_pain_center"));
  CHECK(t.find_tag("卒中中心") == std::optional<std::string>("stroke_center"));
  CHECK(t.find_tag("社区医院") == std::optional<std::string>("community_hospital"));
  CHECK(t.find_tag("优质服务基层行达标") == std::optional<std::string>("quality_primary_care"));
  // 示范中医馆 is a 中医馆 and so TCM.
  CHECK(t.close_tags({"model_tcm_hall"}, nullptr) == std::vector<std::string>{"model_tcm_hall", "tcm", "tcm_hall"});
}

TEST_CASE("taxonomy: an unknown value's nearest known terms", "[taxonomy]") {
  const Taxonomy t = Taxonomy::builtin();
  // 乡镇卫生所 is one character from 乡镇卫生院 (edit distance 1): the nearest type.
  const auto types = t.nearest_types("乡镇卫生所");
  REQUIRE(!types.empty());
  CHECK(types.front() == "乡镇卫生院 (township_health_center)");
  // 中医管 (a typing slip) is one substitution from 中医馆, from 中医阁 and from 中医药 (an alias of tcm): those three,
  // in the taxonomy's order; 示范中医馆 (three edits) is left out of the first three.
  const auto tags = t.nearest_tags("中医管");
  CHECK(tags == std::vector<std::string>{"中医药服务 (tcm)", "中医馆 (tcm_hall)", "中医阁 (tcm_corner)"});
  // Nothing in common: no suggestion.
  CHECK(t.nearest_types("@@").empty());
}

TEST_CASE("text: edit distance counts characters, not bytes", "[text]") {
  CHECK(edit_distance("乡镇卫生院", "乡镇卫生所") == 1);
  CHECK(edit_distance("kitten", "sitting") == 3);
  CHECK(edit_distance("", "中医") == 2);
  CHECK(nearest_terms("中医管", {"中医馆", "中医阁", "急救"}, 2) == std::vector<std::string>{"中医馆", "中医阁"});
}
