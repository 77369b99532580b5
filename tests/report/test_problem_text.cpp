// Problems in Chinese (report/problem_text.hpp): every "…"_code literal in src/ has a Chinese kind and sentence
// (read from the sources, so that a new code without one fails here and never reaches a Chinese report in
// English), no entry is left over, and the sentences and locations hold no English prose (tests/english_prose.hpp,
// whose rule is checked first on hand cases). Also the Chinese names of coordinate systems (report/crs_name.hpp).

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <set>

#include "english_prose.hpp"
#include "core/crs_name.hpp"
#include "report/problem_text.hpp"

using namespace carereach;
using namespace carereach::report;
using carereach::test::english_words;
namespace fs = std::filesystem;

namespace {

/// Every problem code written in src/ as a "…"_code literal.
std::set<std::string> codes_in_sources() {
  const fs::path src = fs::path(CAREREACH_TEST_DATA).parent_path().parent_path() / "src";
  REQUIRE(fs::is_directory(src));
  const std::regex literal(R"re("([a-z0-9_.]+)"_code)re");
  std::set<std::string> codes;
  for (const auto& e : fs::recursive_directory_iterator(src)) {
    const std::string ext = e.path().extension().string();
    if (!e.is_regular_file() || (ext != ".cpp" && ext != ".hpp")) continue;
    std::ifstream in(e.path(), std::ios::binary);
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    for (auto it = std::sregex_iterator(text.begin(), text.end(), literal); it != std::sregex_iterator(); ++it)
      codes.insert((*it)[1]);
  }
  return codes;
}

}  // namespace

TEST_CASE("the English-prose rule of the tests", "[report][language]") {
  using V = std::vector<std::string>;
  CHECK(english_words("注：覆盖率为服务标准内常住人口占常住人口的比例。") == V{});
  CHECK(english_words("资料来源：区县：counties.geojson；乡镇：township\\_seats.csv（驻地点）") == V{});
  CHECK(english_words(
            "人口：模拟人口格网（100 m）；坐标系：EPSG:4548 CGCS2000 / 高斯-克吕格投影 3度带，中央经线 117°E") == V{});
  CHECK(english_words("tcm_15min,ZY341602,谯城区中医院,1.5 km²,GCJ-02,UTF-8,[[facilities]],OpenStreetMap") == V{});
  CHECK(english_words("依据：15-minute circle from national TCM development plans") ==
        V{"circle", "from", "national", "TCM", "development", "plans"});  // 15-minute: a token with a digit
  CHECK(english_words("CGCS2000 / 3-degree Gauss-Kruger CM 117E") == V{"Gauss-Kruger", "CM"});
  CHECK(english_words("Note: the share.") == V{"Note", "the", "share"});
  CHECK(english_words("walk") == V{"walk"});
}

TEST_CASE("every problem code of src/ has a Chinese kind and sentence, and every entry a code", "[report][language]") {
  const std::set<std::string> codes = codes_in_sources();
  REQUIRE(codes.size() > 50);
  for (const std::string& code : codes) {
    INFO(code << ": add it to kTexts in src/report/problem_text.cpp");
    const ProblemText* t = problem_text_zh(code);
    REQUIRE(t != nullptr);
    CHECK(t->code == code);
    CHECK_FALSE(t->kind_zh.empty());
    CHECK(std::string(t->sentence_zh).ends_with("。"));
    CHECK(english_words(t->kind_zh) == std::vector<std::string>{});
    CHECK(english_words(t->sentence_zh) == std::vector<std::string>{});
  }
  for (const ProblemText& t : problem_texts_zh()) {
    INFO(t.code << " is in kTexts but no longer in src/: remove it");
    CHECK(codes.count(std::string(t.code)) == 1);
  }
}

TEST_CASE("a problem in Chinese: kind, sentence and where, without the English message", "[report][language]") {
  Problem p;
  p.code = "facility.outside_study_area"_code;
  p.message = "facility 'ZY1' 城关医院 is outside the study area (2.3 km beyond its edge)";
  p.where = Location{"facilities.csv", {}, "row 12", "经度", 0};
  p.hint = "kept: people inside may still use it";
  CHECK(describe_zh(p) ==
        "【机构位于研究区域外】机构位于研究区域以外，仍予保留（区内居民可能前往）；距边界很远时请核对其坐标及声明的坐标"
        "系。"
        "（位置：文件 facilities.csv，第 12 行，字段 经度）");
  CHECK(location_zh(Location{"zones.geojson", "towns", "feature 7", "name", 0}) ==
        "文件 zones.geojson，图层 towns，要素 7，字段 name");
  CHECK(location_zh(Location{"scenario.toml", {}, {}, "standards.tcm_15min", 12}) ==
        "文件 scenario.toml，第 12 行，字段 standards.tcm_15min");
  CHECK(location_zh(Location{"f.csv", {}, "the field's name", {}, 0}) == "文件 f.csv，字段名");
  CHECK(location_zh(Location{}).empty());
  // Without a location, the sentence alone.
  p.where = {};
  CHECK(describe_zh(p).ends_with("坐标系。"));
}

TEST_CASE("coordinate systems by their Chinese names", "[report][language]") {
  CHECK(crs_name_zh("EPSG:4548 CGCS2000 / 3-degree Gauss-Kruger CM 117E") ==
        "EPSG:4548 CGCS2000 / 高斯-克吕格投影 3度带，中央经线 117°E");
  CHECK(crs_name_zh("EPSG:4490 China Geodetic Coordinate System 2000") == "EPSG:4490 2000国家大地坐标系（CGCS2000）");
  CHECK(crs_name_zh("EPSG:4527 CGCS2000 / 3-degree Gauss-Kruger zone 39") ==
        "EPSG:4527 CGCS2000 / 高斯-克吕格投影 3度带 第 39 带（带号加在东坐标前）");
  CHECK(crs_name_zh("EPSG:32650 WGS 84 / UTM zone 50N") == "EPSG:32650 WGS 84 / UTM 投影 第 50 带（北半球）");
  CHECK(crs_name_zh("EPSG:4326 WGS 84") == "EPSG:4326 WGS 84");
  CHECK(crs_name_zh("GCJ-02 (Chinese web-map offset of WGS 84)") == "GCJ-02（火星坐标，WGS 84 的网络地图偏移）");
  for (const char* name :
       {"EPSG:4548 CGCS2000 / 3-degree Gauss-Kruger CM 117E", "EPSG:4490 China Geodetic Coordinate System 2000",
        "EPSG:32650 WGS 84 / UTM zone 50N", "BD-09 (Baidu web-map offset of GCJ-02)"}) {
    INFO(name);
    CHECK(english_words(crs_name_zh(name)) == std::vector<std::string>{});
  }
  // A system carereach has no Chinese name for keeps its PROJ name.
  CHECK(crs_name_zh("EPSG:2154 RGF93 v1 / Lambert-93") == "EPSG:2154 RGF93 v1 / Lambert-93");
}
