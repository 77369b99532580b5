// The Chinese message catalogue (core/messages.hpp): every code of docs/exit-codes.md has a template, the
// location is framed in Chinese, the quoted value is carried over, and the language follows the locale.

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "core/messages.hpp"

using namespace carereach;
namespace fs = std::filesystem;

namespace {

/// The codes of the catalogue of docs/exit-codes.md: table rows whose first cell is a code in backticks.
std::vector<std::string> documented_codes() {
  std::ifstream in(fs::path(CAREREACH_TEST_DATA) / ".." / ".." / "docs" / "exit-codes.md");
  REQUIRE(in.good());
  std::vector<std::string> codes;
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("| `", 0) != 0) continue;
    const std::size_t end = line.find('`', 3);
    if (end == std::string::npos) continue;
    const std::string code = line.substr(3, end - 3);
    if (code.find('.') == std::string::npos || code.find(' ') != std::string::npos) continue;
    codes.push_back(code);
  }
  return codes;
}

}  // namespace

TEST_CASE("every code of docs/exit-codes.md has a Chinese template, and every template a documented code",
          "[messages][docs]") {
  const auto codes = documented_codes();
  REQUIRE(codes.size() > 100);  // the table is read (123 codes when this test was written)
  for (const auto& code : codes) {
    INFO(code);
    const ZhTemplate* t = zh_template(code);
    CHECK(t != nullptr);
    if (t != nullptr) CHECK_FALSE(t->headline.empty());
  }
  const std::set<std::string> documented(codes.begin(), codes.end());
  std::set<std::string_view> seen;
  for (const auto code : zh_template_codes()) {
    INFO(code);
    CHECK(documented.count(std::string(code)) == 1);
    CHECK(seen.insert(code).second);  // one template per code
  }
}

TEST_CASE("the message language follows LC_ALL, then LC_MESSAGES, then LANG", "[messages]") {
  CHECK(message_lang_from_locale(nullptr, nullptr, "zh_CN.UTF-8") == MessageLang::kZh);
  CHECK(message_lang_from_locale("", "", "zh_TW.UTF-8") == MessageLang::kZh);
  CHECK(message_lang_from_locale("C.UTF-8", nullptr, "zh_CN.UTF-8") == MessageLang::kEn);  // LC_ALL wins
  CHECK(message_lang_from_locale(nullptr, "zh_CN.UTF-8", "en_US.UTF-8") == MessageLang::kZh);
  CHECK(message_lang_from_locale(nullptr, "en_GB.UTF-8", "zh_CN.UTF-8") == MessageLang::kEn);
  CHECK(message_lang_from_locale(nullptr, nullptr, nullptr) == MessageLang::kEn);
  CHECK(message_lang_from_locale(nullptr, nullptr, "C") == MessageLang::kEn);
}

TEST_CASE("the location in a Chinese frame", "[messages]") {
  Location at;
  at.file = "facilities.csv";
  at.feature = "row 8";
  at.field = "经度";
  CHECK(describe_location_zh(at) == "文件 facilities.csv，第 8 行，字段「经度」");
  Location gpkg;
  gpkg.file = "zones.gpkg";
  gpkg.layer = "towns";
  gpkg.feature = "feature 3";
  CHECK(describe_location_zh(gpkg) == "文件 zones.gpkg，图层「towns」，要素 3");
  Location toml;
  toml.file = "scenario.toml";
  toml.line = 26;
  toml.field = "facilities[0].encoding";
  CHECK(describe_location_zh(toml) == "文件 scenario.toml，第 26 行，字段「facilities[0].encoding」");
  CHECK(describe_location_zh(Location{}).empty());
}

TEST_CASE("the quoted value of an English message", "[messages]") {
  CHECK(quoted_value("coordinate '116°7'' is not a number") == "116°7'");
  CHECK(quoted_value("duplicate facility id 'F1' (first in row 2)") == "F1");
  CHECK(quoted_value("empty coordinate") == "");
  CHECK(quoted_value("unknown type '诊所甲'") == "诊所甲");
}

TEST_CASE("a problem worded in Chinese, and in English", "[messages]") {
  Location at;
  at.file = "facilities.csv";
  at.feature = "row 9";
  at.field = "经度";
  const auto zh = localise("coordinate.not_a_number", "coordinate 'abc' is not a number", at, "write decimals", MessageLang::kZh);
  CHECK(zh.translated);
  CHECK(zh.headline == "文件 facilities.csv，第 9 行，字段「经度」：坐标「abc」不是数字");
  CHECK(zh.hint.find("十进制") != std::string::npos);
  const auto en = localise("coordinate.not_a_number", "coordinate 'abc' is not a number", at, "write decimals", MessageLang::kEn);
  CHECK_FALSE(en.translated);
  CHECK(en.headline == "facilities.csv, row 9, field '经度': coordinate 'abc' is not a number");
  CHECK(en.hint == "write decimals");
  // Without a quoted value the placeholder goes, with its brackets.
  const auto bare = localise("facility.duplicate_id", "duplicate facility id", at, "", MessageLang::kZh);
  CHECK(bare.message == "机构编码重复");
  // A code without a template, and an error without a code: the English message in the Chinese frame.
  // (a message the phrase catalogue, core/phrases.cpp, does not know either)
  const auto none = localise("", "a message nobody wrote", at, "a hint nobody wrote", MessageLang::kZh);
  CHECK_FALSE(none.translated);
  CHECK(none.headline == "文件 facilities.csv，第 9 行，字段「经度」：a message nobody wrote");
  CHECK(none.hint == "a hint nobody wrote");
}
