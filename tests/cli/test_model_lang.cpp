// The tables of the planning models — capacity (附表8), accessibility (附表9), Huff (附表10), referral (附表11) and
// siting (附表12) — and their key findings, in Chinese and with --lang en: the English run's headers and notes are
// English (a header may carry a place name, never only Chinese), and every figure equals the Chinese run's.

#include <catch2/catch.hpp>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "cli_runner.hpp"
#include "fixture.hpp"

using carereach::test::Fixture;
using carereach::test::run_cli;
using carereach::test::slurp;
namespace fs = std::filesystem;

namespace {

// F1, F5 township health centres (40 and 20 beds); F3, F6 village clinics; F2, F4 county hospitals (300, 100 beds).
const char* const kFacilities =
    "机构代码,机构名称,机构类别,等级,床位数,经度,纬度\n"
    "F1,甲镇卫生院,乡镇卫生院,一级,40,116.05,33.55\n"
    "F2,乙县中医院,中医医院,二级,300,116.15,33.55\n"
    "F3,丙村卫生室,村卫生室,,,116.12,33.52\n"
    "F4,甲县人民医院,综合医院,二级,100,116.03,33.56\n"
    "F5,乙镇卫生院,乡镇卫生院,一级,20,116.17,33.57\n"
    "F6,丁村卫生室,村卫生室,,,116.01,33.51\n";

std::string scenario() {
  std::string s = Fixture::scenario_toml();
  s = carereach::test::replace_all(s, "tags = \"标签\"\n", "level = \"等级\"\nbeds = \"床位数\"\n");
  return s + R"(
[standards]
defaults = false

[standards.car_est]
name_zh = "机动车估算"
name_en = "Car estimate"
types = ["综合医院", "中医医院"]
mode = "car"
engine = "estimate"
circuity = 1.0
estimate_speed_kmh = 60
threshold_min = 4

[capacity.beds]
name_zh = "医院床位服务能力"
name_en = "Hospital beds"
standard = "car_est"
field = "beds"
persons_per_unit = 5

[referral.vc_thc]
name_zh = "村卫生室至乡镇卫生院"
name_en = "Village clinics to township centres"
standard = "car_est"
from_types = ["村卫生室"]
to_types = ["乡镇卫生院"]
threshold_min = 6

[accessibility.thc]
name_zh = "乡镇卫生院床位可及性"
name_en = "Township centre beds"
standard = "car_est"
types = ["乡镇卫生院"]
supply = "beds"

[huff.hosp]
name_zh = "医院就诊流向"
name_en = "Hospital visits"
standard = "car_est"
attractiveness = "beds"
beta = 0.2
level = "county"

[siting.new_hosp]
standard = "car_est"
candidates = "grid:3000"
new_type = "综合医院"
budget = 2
method = "greedy"
)";
}

std::vector<std::vector<std::string>> csv(const fs::path& p) {
  // RFC 4180 as carereach writes it: fields with a comma or a quote are quoted, quotes doubled.
  std::string text = slurp(p);
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') field += '"', ++i;
      else if (c == '"') quoted = false;
      else field += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      row.push_back(field);
      field.clear();
    } else if (c == '\n') {
      row.push_back(field);
      field.clear();
      if (!(row.size() == 1 && row[0].empty())) rows.push_back(row);
      row.clear();
    } else if (c != '\r') {
      field += c;
    }
  }
  if (!field.empty() || !row.empty()) {
    row.push_back(field);
    rows.push_back(row);
  }
  return rows;
}

bool has_cjk(const std::string& s) {
  for (const unsigned char c : s)
    if (c >= 0xE3 && c <= 0xE9) return true;  // lead bytes of U+3000–U+9FFF
  return false;
}
bool has_latin(const std::string& s) {
  for (const char c : s)
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) return true;
  return false;
}
bool is_number(const std::string& s) {
  return !s.empty() && s.find_first_not_of("0123456789.-") == std::string::npos;
}

}  // namespace

TEST_CASE("--lang en: the model tables have English headers and notes and the Chinese run's figures",
          "[cli][lang][capacity][referral][accessibility][huff][site]") {
  Fixture fx;
  fx.set_facilities(kFacilities);
  fx.set_scenario(scenario());
  const fs::path zh = fx.dir / "zh", en = fx.dir / "en";
  const auto rz = run_cli({"run", fx.scenario(), "--out", zh.string()});
  INFO(rz.all());
  REQUIRE(rz.code == 0);
  const auto re = run_cli({"run", fx.scenario(), "--lang", "en", "--out", en.string()});
  INFO(re.all());
  REQUIRE(re.code == 0);

  std::set<std::string> families;
  for (const auto& entry : fs::directory_iterator(zh / "tables")) {
    const std::string id = entry.path().stem().string();
    std::string family;
    for (const char* f : {"capacity_", "referral_", "accessibility_", "huff_", "siting_"})
      if (id.rfind(f, 0) == 0) family = f;
    if (family.empty()) continue;
    families.insert(family);
    INFO("table " << id);
    const auto a = csv(entry.path());
    REQUIRE(fs::exists(en / "tables" / (id + ".csv")));
    const auto b = csv(en / "tables" / (id + ".csv"));
    REQUIRE(a.size() == b.size());
    REQUIRE(a[0].size() == b[0].size());
    for (const auto& h : b[0]) {
      INFO("header " << h);
      CHECK((!has_cjk(h) || has_latin(h)));  // a place name may follow an English word ("To 甲县")
    }
    std::size_t numbers = 0;
    for (std::size_t r = 1; r < a.size(); ++r)
      for (std::size_t c = 0; c < a[r].size() && c < b[r].size(); ++c)
        if (is_number(a[r][c])) {
          ++numbers;
          CHECK(a[r][c] == b[r][c]);
        }
    CHECK(numbers > 0);
  }
  CHECK(families == std::set<std::string>{"capacity_", "referral_", "accessibility_", "huff_", "siting_"});

  // The English report: the notes and findings of these tables are English, labelled as modelled where modelled.
  const std::string md = slurp(en / "report.md");
  for (const char* zh_only : {"注：", "资料来源", "附表", "模型估计", "模型结果", "【"}) {
    INFO(zh_only);
    CHECK(md.find(zh_only) == std::string::npos);
  }
  for (const char* block : {"### Accessibility index: Township centre beds", "### Visits by county (modelled): Hospital visits",
                            "### Referral times: Village clinics to township centres", "### Siting: Car estimate"}) {
    INFO(block);
    CHECK(md.find(block) != std::string::npos);
  }
  // (Markdown escapes the brackets of [Modelled])
  CHECK(md.find("\\[Modelled\\] By the enhanced two-step floating catchment method") != std::string::npos);
  CHECK(md.find("\\[Modelled\\] From geography (not observed visits)") != std::string::npos);
  // and the Chinese report has the same blocks, labelled 模型估计
  const std::string mz = slurp(zh / "report.md");
  CHECK(mz.find("### 可及性指数：乡镇卫生院床位可及性") != std::string::npos);
  CHECK(mz.find("【模型估计】按增强型两步移动搜寻法") != std::string::npos);
  CHECK(mz.find("【模型估计】按地理位置推算（非实际就诊统计）") != std::string::npos);
  CHECK(mz.find("### 转诊时间：村卫生室至乡镇卫生院") != std::string::npos);
  CHECK(mz.find("### 选址方案：机动车估算") != std::string::npos);
}

TEST_CASE("key findings of referral times: the facilities within and beyond the threshold, by hand",
          "[cli][referral]") {
  Fixture fx;
  fx.set_facilities(kFacilities);
  fx.set_scenario(scenario());
  const fs::path out = fx.dir / "out";
  const auto r = run_cli({"run", fx.scenario(), "--out", out.string()});
  INFO(r.all());
  REQUIRE(r.code == 0);
  // F3 (116.12, 33.52) to F5 (116.17, 33.57) is about 7.1 km (beyond 6 minutes at 60 km/h, circuity 1); F6 (116.01,
  // 33.51) to F1 (116.05, 33.55) about 5.7 km (within).
  const std::string md = slurp(out / "report.md");
  CHECK(md.find("2 个机构中，1 个在 6 分钟内可达最近的转诊机构，1 个超过") != std::string::npos);
  CHECK(md.find("最远的：丙村卫生室（") != std::string::npos);
}
