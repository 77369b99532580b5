#include "core/taxonomy.hpp"

#include "core/text.hpp"

#include <algorithm>
#include <cstdint>
#include <utility>
#include <set>

namespace carereach {

namespace {

FacilityType type(std::string id, std::string zh, std::string en, FacilityCategory cat,
                  std::vector<std::string> aliases = {}, std::vector<std::string> tags = {}) {
  return FacilityType{std::move(id), std::move(zh), std::move(en), cat, std::move(aliases), std::move(tags)};
}

}  // namespace

std::string normalise_key(std::string_view s) {
  // Full-width parentheses (what Chinese input methods type) read as ASCII ones: 护理院（站） = 护理院(站).
  std::string out = ascii_lower(trim(s));
  for (const auto& [wide, ascii] : {std::pair<std::string_view, char>{"\xEF\xBC\x88", '('}, {"\xEF\xBC\x89", ')'}})
    for (std::size_t at = out.find(wide); at != std::string::npos; at = out.find(wide, at + 1))
      out.replace(at, wide.size(), 1, ascii);
  return out;
}

Taxonomy Taxonomy::builtin() {
  using C = FacilityCategory;
  Taxonomy t;
  // Tags first: types refer to them.
  t.add_tag({"tcm", "中医药服务", "TCM services", {"中医", "中医药", "traditional chinese medicine"}, {}});
  t.add_tag({"tcm_hall", "中医馆", "TCM hall (in a township or community health centre)", {"国医堂", "中医综合服务区"}, {"tcm"}});
  t.add_tag({"tcm_corner", "中医阁", "TCM corner (in a village clinic or community health station)", {"中医角"}, {"tcm"}});
  t.add_tag({"model_tcm_hall", "示范中医馆", "Model TCM hall", {"中医馆示范", "示范国医堂"}, {"tcm_hall"}});
  t.add_tag({"county_hospital", "县级医院", "County-level hospital", {"县域医疗中心", "县级"}, {}});
  t.add_tag({"emergency", "急救站点", "Emergency care point", {"急救", "急救站", "急救分站"}, {}});
  t.add_tag({"chest_pain_center", "胸痛中心", "Chest pain centre", {"胸痛"}, {}});
  t.add_tag({"stroke_center", "卒中中心", "Stroke centre", {"卒中", "脑卒中中心", "卒中防治中心"}, {}});
  t.add_tag({"trauma_center", "创伤中心", "Trauma centre", {"创伤救治中心", "创伤"}, {}});
  t.add_tag({"maternal_critical_care", "危重孕产妇救治中心", "Critical maternal care centre", {"孕产妇救治中心"}, {}});
  t.add_tag({"neonatal_critical_care", "危重新生儿救治中心", "Critical neonatal care centre",
             {"新生儿救治中心", "危重儿童和新生儿救治中心"}, {}});
  t.add_tag({"community_hospital", "社区医院", "Community hospital (a community health centre of that standard)", {}, {}});
  t.add_tag({"quality_primary_care", "优质服务基层行", "Quality primary care standard reached",
             {"优质服务基层行达标", "优质服务基层行基本标准", "优质服务基层行推荐标准"}, {}});

  t.add_type(type("general_hospital", "综合医院", "General hospital", C::kHospital, {"人民医院", "综合性医院"}));
  t.add_type(type("tcm_hospital", "中医医院", "TCM hospital", C::kHospital, {"中医院"}, {"tcm"}));
  t.add_type(type("integrated_hospital", "中西医结合医院", "Integrated Chinese and Western medicine hospital",
                  C::kHospital, {}, {"tcm"}));
  t.add_type(type("ethnic_hospital", "民族医医院", "Ethnic medicine hospital", C::kHospital, {"民族医院"}, {"tcm"}));
  t.add_type(type("specialized_hospital", "专科医院", "Specialised hospital", C::kHospital,
                  {"口腔医院", "眼科医院", "肿瘤医院", "心血管病医院", "妇产医院", "儿童医院", "精神病医院", "传染病医院",
                   "骨科医院", "康复医院"}));
  t.add_type(type("nursing_hospital", "护理院", "Nursing hospital", C::kHospital, {"护理院(站)"}));
  t.add_type(type("maternal_child_health", "妇幼保健院", "Maternal and child health hospital", C::kPublicHealth,
                  {"妇幼保健院(所、站)", "妇幼保健所", "妇幼保健站", "妇幼保健计划生育服务中心", "妇幼保健计划生育服务站"}));
  t.add_type(type("community_health_center", "社区卫生服务中心", "Community health centre", C::kPrimaryCare,
                  {"街道社区卫生服务中心"}));
  t.add_type(type("community_health_station", "社区卫生服务站", "Community health station", C::kPrimaryCare,
                  {"社区卫生站"}));
  t.add_type(type("subdistrict_health_center", "街道卫生院", "Subdistrict health centre", C::kPrimaryCare));
  t.add_type(type("township_health_center", "乡镇卫生院", "Township health centre", C::kPrimaryCare,
                  {"中心卫生院", "乡卫生院", "镇卫生院", "卫生院", "乡镇中心卫生院", "乡(镇)卫生院"}));
  t.add_type(type("village_clinic", "村卫生室", "Village clinic", C::kPrimaryCare, {"村卫生所", "村医务室", "村卫生站", "村卫生室(所)"}));
  t.add_type(type("outpatient_department", "门诊部", "Outpatient department", C::kPrimaryCare,
                  {"综合门诊部", "中医门诊部"}));
  t.add_type(type("clinic", "诊所", "Clinic", C::kPrimaryCare, {"卫生所", "医务室", "中医诊所", "卫生所(室)"}));
  t.add_type(type("emergency_center", "急救中心", "Emergency medical centre", C::kPublicHealth,
                  {"急救中心(站)", "急救站", "120急救中心"}, {"emergency"}));
  t.add_type(type("disease_prevention_institute", "专科疾病防治院", "Specialised disease prevention institute",
                  C::kPublicHealth, {"专科疾病防治院(所、站)", "专科疾病防治所", "专科疾病防治站"}));
  t.add_type(type("disease_control_center", "疾病预防控制中心", "Centre for disease control and prevention",
                  C::kPublicHealth, {"疾控中心", "疾病预防控制所"}));
  return t;
}

void Taxonomy::index_type(std::size_t i) {
  const FacilityType& t = types_[i];
  for (const std::string* key : {&t.id, &t.name_zh, &t.name_en}) type_index_[normalise_key(*key)] = i;
  for (const auto& a : t.aliases) type_index_[normalise_key(a)] = i;
}

void Taxonomy::index_tag(std::size_t i) {
  const TagDef& t = tags_[i];
  for (const std::string* key : {&t.id, &t.name_zh, &t.name_en}) tag_index_[normalise_key(*key)] = i;
  for (const auto& a : t.aliases) tag_index_[normalise_key(a)] = i;
}

void Taxonomy::add_type(FacilityType t) {
  for (std::size_t i = 0; i < types_.size(); ++i) {
    if (types_[i].id != t.id) continue;
    auto& existing = types_[i];
    if (!t.name_zh.empty()) existing.name_zh = t.name_zh;
    if (!t.name_en.empty()) existing.name_en = t.name_en;
    existing.aliases.insert(existing.aliases.end(), t.aliases.begin(), t.aliases.end());
    existing.implied_tags.insert(existing.implied_tags.end(), t.implied_tags.begin(), t.implied_tags.end());
    index_type(i);
    return;
  }
  types_.push_back(std::move(t));
  index_type(types_.size() - 1);
}

void Taxonomy::add_tag(TagDef t) {
  for (std::size_t i = 0; i < tags_.size(); ++i) {
    if (tags_[i].id != t.id) continue;
    auto& existing = tags_[i];
    if (!t.name_zh.empty()) existing.name_zh = t.name_zh;
    if (!t.name_en.empty()) existing.name_en = t.name_en;
    existing.aliases.insert(existing.aliases.end(), t.aliases.begin(), t.aliases.end());
    existing.implies.insert(existing.implies.end(), t.implies.begin(), t.implies.end());
    index_tag(i);
    return;
  }
  tags_.push_back(std::move(t));
  index_tag(tags_.size() - 1);
}

bool Taxonomy::add_type_alias(const std::string& alias, const std::string& type_id) {
  for (std::size_t i = 0; i < types_.size(); ++i) {
    if (types_[i].id != type_id) continue;
    types_[i].aliases.push_back(alias);
    type_index_[normalise_key(alias)] = i;
    return true;
  }
  return false;
}

const FacilityType* Taxonomy::find_type(std::string_view value) const {
  auto it = type_index_.find(normalise_key(value));
  return it == type_index_.end() ? nullptr : &types_[it->second];
}

const FacilityType* Taxonomy::type_by_id(std::string_view id) const {
  for (const auto& t : types_)
    if (t.id == id) return &t;
  return nullptr;
}

const TagDef* Taxonomy::tag_by_id(std::string_view id) const {
  for (const auto& t : tags_)
    if (t.id == id) return &t;
  return nullptr;
}

std::optional<std::string> Taxonomy::find_tag(std::string_view value) const {
  auto it = tag_index_.find(normalise_key(value));
  if (it == tag_index_.end()) return std::nullopt;
  return tags_[it->second].id;
}

std::vector<std::string> Taxonomy::close_tags(const std::vector<std::string>& tags, const FacilityType* type) const {
  std::set<std::string> out(tags.begin(), tags.end());
  if (type != nullptr) out.insert(type->implied_tags.begin(), type->implied_tags.end());
  // Implications are shallow in the built-in set, but scenario tags may chain: iterate to a fixed point.
  for (bool grew = true; grew;) {
    grew = false;
    for (const auto& def : tags_) {
      if (!out.contains(def.id)) continue;
      for (const auto& implied : def.implies) grew |= out.insert(implied).second;
    }
  }
  return {out.begin(), out.end()};
}

namespace {

/// The `k` entries nearest to `value` among per-entry term lists, by their nearest term (edit_distance), labelled.
template <class Entries, class Terms, class Label>
std::vector<std::string> nearest_entries(std::string_view value, const Entries& entries, const Terms& terms,
                                         const Label& label, std::size_t k) {
  const std::string key = normalise_key(value);
  // Per entry its nearest term: the fewest edits, then the length nearest the value's (乡镇卫生所 is nearer to
  // 乡镇卫生院, one substitution, than to 卫生所, three deletions; 中医管 nearer to 中医馆 than to 中医).
  const std::size_t key_length = edit_distance(key, "");
  using Score = std::pair<std::size_t, std::size_t>;  // (distance, length difference)
  std::vector<std::pair<Score, std::size_t>> scored;  // (score, entry)
  for (std::size_t i = 0; i < entries.size(); ++i) {
    std::vector<std::string> own;
    for (const std::string& term : terms(entries[i])) own.push_back(normalise_key(term));
    if (nearest_terms(key, own, 1).empty()) continue;  // nothing in common
    Score best{SIZE_MAX, SIZE_MAX};
    for (const std::string& term : own) {
      const std::size_t length = edit_distance(term, "");
      best = std::min(best, Score{edit_distance(key, term), length > key_length ? length - key_length : key_length - length});
    }
    scored.emplace_back(best, i);
  }
  std::stable_sort(scored.begin(), scored.end(), [](const auto& p, const auto& q) { return p.first < q.first; });
  std::vector<std::string> out;
  for (std::size_t j = 0; j < scored.size() && j < k; ++j) out.push_back(label(entries[scored[j].second]));
  return out;
}

}  // namespace

std::vector<std::string> Taxonomy::nearest_types(std::string_view value, std::size_t k) const {
  return nearest_entries(
      value, types_,
      [](const FacilityType& t) {
        std::vector<std::string> terms{t.id, t.name_zh, t.name_en};
        terms.insert(terms.end(), t.aliases.begin(), t.aliases.end());
        return terms;
      },
      [](const FacilityType& t) { return t.name_zh + " (" + t.id + ")"; }, k);
}

std::vector<std::string> Taxonomy::nearest_tags(std::string_view value, std::size_t k) const {
  return nearest_entries(
      value, tags_,
      [](const TagDef& t) {
        std::vector<std::string> terms{t.id, t.name_zh, t.name_en};
        terms.insert(terms.end(), t.aliases.begin(), t.aliases.end());
        return terms;
      },
      [](const TagDef& t) { return t.name_zh + " (" + t.id + ")"; }, k);
}

std::optional<FacilityLevel> parse_level(std::string_view text, std::string* grade) {
  const std::string key = normalise_key(text);
  if (grade != nullptr) grade->clear();
  if (key.empty() || key == "未定级" || key == "未评级" || key == "0" || key == "unrated" || key == "none")
    return FacilityLevel::kUnrated;
  struct Pattern {
    std::string_view prefix;
    FacilityLevel level;
  };
  static constexpr Pattern kPatterns[] = {
      {"三级", FacilityLevel::kTertiary}, {"二级", FacilityLevel::kSecondary}, {"一级", FacilityLevel::kPrimary},
      {"三", FacilityLevel::kTertiary},   {"二", FacilityLevel::kSecondary},   {"一", FacilityLevel::kPrimary},
  };
  for (const auto& p : kPatterns) {
    if (!key.starts_with(p.prefix)) continue;
    std::string_view rest = std::string_view(key).substr(p.prefix.size());
    if (rest.empty()) return p.level;
    for (std::string_view g : {"甲", "乙", "丙"}) {
      if (rest == g || rest == std::string(g) + "等") {
        if (grade != nullptr) *grade = std::string(g);
        return p.level;
      }
    }
    if (rest == "未定等" || rest == "不定等") return p.level;
    return std::nullopt;
  }
  if (key == "3" || key == "iii" || key == "tertiary") return FacilityLevel::kTertiary;
  if (key == "2" || key == "ii" || key == "secondary") return FacilityLevel::kSecondary;
  if (key == "1" || key == "i" || key == "primary") return FacilityLevel::kPrimary;
  return std::nullopt;
}

std::optional<FacilityStatus> parse_status(std::string_view text) {
  const std::string key = normalise_key(text);
  static const std::set<std::string> active = {"", "active", "open", "operating", "在用", "运营", "正常", "开业", "营业"};
  static const std::set<std::string> closed = {"closed", "inactive", "停业", "关闭", "撤销", "注销", "歇业"};
  static const std::set<std::string> planned = {"planned", "proposed", "规划", "拟建", "在建", "新建", "筹建"};
  if (active.contains(key)) return FacilityStatus::kActive;
  if (closed.contains(key)) return FacilityStatus::kClosed;
  if (planned.contains(key)) return FacilityStatus::kPlanned;
  return std::nullopt;
}

std::vector<std::string> split_list(std::string_view text) {
  // Separators: ASCII , ; | / and whitespace-free Chinese 、，；
  static constexpr std::string_view kMultiByte[] = {"\xE3\x80\x81" /*、*/, "\xEF\xBC\x8C" /*，*/, "\xEF\xBC\x9B" /*；*/};
  std::vector<std::string> out;
  std::string current;
  auto flush = [&] {
    std::string item(trim(current));
    if (!item.empty()) out.push_back(std::move(item));
    current.clear();
  };
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (c == ',' || c == ';' || c == '|') {
      flush();
      ++i;
      continue;
    }
    bool matched = false;
    for (std::string_view sep : kMultiByte) {
      if (text.substr(i).starts_with(sep)) {
        flush();
        i += sep.size();
        matched = true;
        break;
      }
    }
    if (matched) continue;
    current.push_back(c);
    ++i;
  }
  flush();
  return out;
}

}  // namespace carereach
