// [siting.<id>] in `carereach run`: the siting tables (附表12) in the CSVs, report.md, report.html and appendix.xlsx,
// the sites_<id> layer, with the figures `carereach site` gives for the same options; `site` writes report.html and
// appendix.xlsx too; `compare` of a run before and after the site result's scenario gives the promised gain; bad
// [siting] tables are refused with the key named and exit code 3.

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include <cpl_vsi.h>
#include <gdal.h>
#include <ogr_api.h>

#include "cli_runner.hpp"
#include "fixture.hpp"

using namespace carereach::test;
namespace fs = std::filesystem;

namespace {

/// Two counties, a TCM hall in 甲县 (F1), a county TCM hospital (F2) and three village clinics (F3–F5) that can be
/// upgraded with a 中医阁; the standard counts TCM halls and corners within 60 minutes' walk (straight-line estimate).
struct SitingFixture : Fixture {
  explicit SitingFixture(const std::string& siting) {
    set_facilities("机构代码,机构名称,机构类别,标签,经度,纬度\n"
                   "F1,甲镇卫生院,乡镇卫生院,中医馆,116.05,33.55\n"
                   "F2,乙县中医院,中医医院,县级医院,116.15,33.55\n"
                   "F3,丙村卫生室,村卫生室,,116.12,33.52\n"
                   "F4,丁村卫生室,村卫生室,,116.02,33.58\n"
                   "F5,戊村卫生室,村卫生室,,116.18,33.58\n");
    set_scenario(scenario_toml() + R"(
[standards]
defaults = false

[standards.tcm_walk]
name_zh = "中医药服务步行圈"
name_en = "TCM walking circle"
tags_any = ["中医馆", "中医阁"]
mode = "walk"
engine = "estimate"
threshold_min = 30

[standards.tcm_radius]
name_zh = "中医药服务半径"
name_en = "TCM radius"
tags_any = ["中医馆", "中医阁"]
distance_m = 3000
)" + siting);
  }
};

const char* kSiting = R"(
[siting.corners]
standard = "tcm_walk"
candidates = "existing:村卫生室"
tags = ["中医阁"]
budget = 2
method = "exact"
)";

nlohmann::json json_of(const fs::path& p) { return nlohmann::json::parse(slurp(p)); }

/// The rows of a CSV written by carereach (BOM, CRLF), header included.
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

long long feature_count(const fs::path& gpkg, const char* layer) {
  GDALAllRegister();
  GDALDatasetH ds = GDALOpenEx(gpkg.string().c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr);
  if (ds == nullptr) return -1;
  OGRLayerH l = GDALDatasetGetLayerByName(ds, layer);
  const long long n = l == nullptr ? -1 : OGR_L_GetFeatureCount(l, 1);
  GDALClose(ds);
  return n;
}

/// A member of a zip file (the workbook's xl/workbook.xml), read with GDAL's /vsizip/.
std::string zip_member(const fs::path& zip, const std::string& member) {
  GDALAllRegister();
  const std::string path = "/vsizip/" + zip.string() + "/" + member;
  VSILFILE* f = VSIFOpenL(path.c_str(), "rb");
  if (f == nullptr) return {};
  std::string out;
  char buf[4096];
  for (std::size_t n; (n = VSIFReadL(buf, 1, sizeof buf, f)) > 0;) out.append(buf, n);
  VSIFCloseL(f);
  return out;
}

bool has_cjk(const std::string& s) {
  // UTF-8 lead bytes of U+3000–U+9FFF and the full-width forms (E3–E9, EF): Chinese text.
  for (unsigned char c : s)
    if (c >= 0xE3 && c <= 0xE9) return true;
  return false;
}

}  // namespace

TEST_CASE("run: [siting.<id>] is computed with the run and carried by every output, as `site` computes it",
          "[cli][site][siting-run]") {
  SitingFixture fx(kSiting);
  const fs::path out = fx.dir / "run";
  const auto r = run_cli({"run", fx.scenario(), "--out", out.string()});
  INFO(r.all());
  REQUIRE(r.code == 0);
  // `site` with the same options
  const fs::path s_out = fx.dir / "site";
  const auto s = run_cli({"site", fx.scenario(), "--standard", "tcm_walk", "--candidates", "existing:村卫生室", "--tags",
                          "中医阁", "--budget", "2", "--method", "exact", "--out", s_out.string()});
  INFO(s.all());
  REQUIRE(s.code == 0);
  const auto site = json_of(s_out / "site.json");
  REQUIRE(site["sites"].size() == 2);

  // 附表12: row 0 the existing facilities, then the sites in the order `site` gives, the same whole persons
  const auto curve = csv(out / "tables" / "siting_corners.csv");
  REQUIRE(curve.size() == 1 + 1 + 2);
  CHECK(curve[1][5] == std::to_string(site["persons_covered_before"].get<long long>()));
  for (std::size_t i = 0; i < 2; ++i) {
    CHECK(curve[2 + i][1] == site["sites"][i]["id"].get<std::string>());
    CHECK(curve[2 + i][4] == std::to_string(site["sites"][i]["gain_persons"].get<long long>()));
    CHECK(curve[2 + i][5] == std::to_string(site["sites"][i]["covered_persons"].get<long long>()));
  }
  CHECK(curve.back()[5] == std::to_string(site["persons_covered_after"].get<long long>()));
  // and the before figure is the run's own coverage of the standard
  long long within = -1;
  const auto run_json = json_of(out / "run.json");
  for (const auto& st : run_json["travel"]["standards"])
    if (st["id"] == "tcm_walk") within = st["persons_within_threshold"];
  CHECK(within == site["persons_covered_before"].get<long long>());
  // per county: the sites and gains add up to the total row
  const auto county = csv(out / "tables" / "siting_corners_county.csv");
  REQUIRE(county.size() == 1 + 1 + 2);
  CHECK(county[1][3] == "2");
  CHECK(std::stoll(county[2][3]) + std::stoll(county[3][3]) == 2);
  CHECK(std::stoll(county[2][4]) + std::stoll(county[3][4]) == std::stoll(county[1][4]));
  CHECK(std::stoll(county[1][4]) ==
        site["persons_covered_after"].get<long long>() - site["persons_covered_before"].get<long long>());

  // the layer, the report, the workbook
  CHECK(feature_count(out / "layers.gpkg", "sites_corners") == 2);
  // … in run.json (the published figures of 附表12) and the console summary
  const auto run_manifest = json_of(out / "run.json");
  REQUIRE(run_manifest["travel"]["siting"].size() == 1);
  const auto& sj = run_manifest["travel"]["siting"][0];
  CHECK(sj["id"] == "corners");
  CHECK(sj["sites"] == 2);
  CHECK(sj["persons_covered_after"].get<long long>() - sj["persons_covered_before"].get<long long>() ==
        std::stoll(county[1][4]));
  CHECK_THAT(r.out, Catch::Contains("siting 选址 corners") && Catch::Contains("2 sites 处"));
  // … in the QGIS project, styled (the marker legend)
  const std::string qgs = slurp(out / "project.qgs");
  const auto layer_at = qgs.find("id=\"carereach_sites_corners\"");
  CHECK(layer_at != std::string::npos);
  CHECK_THAT(qgs, Catch::Contains("layername=sites_corners"));
  CHECK_THAT(qgs, Catch::Contains("新建 new site"));
  const std::string html = slurp(out / "report.html");
  CHECK_THAT(html, Catch::Contains("附表12") && Catch::Contains("选址方案") && Catch::Contains("求解方法：") &&
                       Catch::Contains("已证明最优（差距 0）"));
  CHECK_THAT(html, Catch::Contains("【模型结果】新建（升级）2 处"));
  CHECK_THAT(slurp(out / "report.md"), Catch::Contains("附表12") && Catch::Contains("选址方案"));
  CHECK_THAT(zip_member(out / "appendix.xlsx", "xl/workbook.xml"), Catch::Contains("附表12"));

  // `site` writes report.html and appendix.xlsx with the same tables
  CHECK_THAT(slurp(s_out / "report.html"), Catch::Contains("附表12") && Catch::Contains("已证明最优（差距 0）"));
  CHECK_THAT(zip_member(s_out / "appendix.xlsx", "xl/workbook.xml"), Catch::Contains("附表12"));
}

TEST_CASE("run: the siting tables in English have English headers and notes and the same figures",
          "[cli][site][siting-run][lang]") {
  SitingFixture fx(kSiting);
  const fs::path zh = fx.dir / "zh", en = fx.dir / "en";
  REQUIRE(run_cli({"run", fx.scenario(), "--out", zh.string()}).code == 0);
  const auto r = run_cli({"run", fx.scenario(), "--lang", "en", "--out", en.string()});
  INFO(r.all());
  REQUIRE(r.code == 0);
  for (const char* id : {"siting_corners", "siting_corners_county"}) {
    const auto a = csv(zh / "tables" / (std::string(id) + ".csv"));
    const auto b = csv(en / "tables" / (std::string(id) + ".csv"));
    REQUIRE(a.size() == b.size());
    for (const auto& h : b[0]) CHECK_FALSE(has_cjk(h));
    for (std::size_t row = 1; row < a.size(); ++row)
      for (std::size_t c = 0; c < a[row].size(); ++c) {
        // numbers are the same in both languages
        const bool number = !a[row][c].empty() && a[row][c].find_first_not_of("0123456789.-") == std::string::npos;
        if (number) CHECK(a[row][c] == b[row][c]);
      }
  }
  const std::string md = slurp(en / "report.md");
  const auto at = md.find("Table 12");
  REQUIRE(at != std::string::npos);
  CHECK_THAT(md, Catch::Contains("Method: exact (COIN-OR CBC), proven optimal (gap 0)"));
  CHECK_THAT(md, !Catch::Contains("求解方法"));
}

TEST_CASE("compare: the run before and after the site result's scenario gains what `site` promised",
          "[cli][site][compare]") {
  SitingFixture fx("");
  const fs::path s_out = fx.dir / "site";
  const auto s = run_cli({"site", fx.scenario(), "--standard", "tcm_walk", "--candidates", "existing:村卫生室", "--tags",
                          "中医阁", "--budget", "2", "--out", s_out.string()});
  INFO(s.all());
  REQUIRE(s.code == 0);
  const auto site = json_of(s_out / "site.json");
  const long long gain = site["persons_covered_after"].get<long long>() - site["persons_covered_before"].get<long long>();
  REQUIRE(gain > 0);
  const fs::path a = fx.dir / "a", b = fx.dir / "b", c = fx.dir / "c";
  REQUIRE(run_cli({"run", fx.scenario(), "--out", a.string()}).code == 0);
  const auto rb = run_cli({"run", (s_out / "scenario.toml").string(), "--out", b.string()});
  INFO(rb.all());
  REQUIRE(rb.code == 0);
  const auto rc = run_cli({"compare", a.string(), b.string(), "--lang", "en", "--out", c.string()});
  INFO(rc.all());
  REQUIRE(rc.code == 0);
  const auto t = csv(c / "tables" / "compare_county.csv");
  REQUIRE(!t.empty());
  std::size_t change = 0;
  while (change < t[0].size() && t[0][change].rfind("Change", 0) != 0) ++change;
  REQUIRE(change < t[0].size());
  bool found = false;
  for (std::size_t row = 1; row < t.size(); ++row)
    if (t[row][0].find("TCM walking circle") != std::string::npos || t[row][0] == "tcm_walk") {
      CHECK(t[row][change] == std::to_string(gain));  // the standard's total row comes first
      found = true;
      break;
    }
  CHECK(found);
}

TEST_CASE("run: [siting.<id>] with closable and capacity gives `site`'s figures, closures in run.json, tables and layer",
          "[cli][site][siting-run][closure][capacity]") {
  SitingFixture fx(R"(
[siting.swap]
standard = "tcm_walk"
candidates = "existing:村卫生室"
tags = ["中医阁"]
budget = 1
closable = "ids:F1"
capacity = 400
method = "exact"
)");
  const fs::path out = fx.dir / "run";
  const auto r = run_cli({"run", fx.scenario(), "--out", out.string()});
  INFO(r.all());
  REQUIRE(r.code == 0);
  const fs::path s_out = fx.dir / "site";
  const auto s = run_cli({"site", fx.scenario(), "--standard", "tcm_walk", "--candidates", "existing:村卫生室", "--tags",
                          "中医阁", "--budget", "1", "--closable", "ids:F1", "--capacity", "400", "--method", "exact",
                          "--out", s_out.string()});
  INFO(s.all());
  REQUIRE(s.code == 0);
  const auto site = json_of(s_out / "site.json");
  const std::size_t closed = site["closed"].size(), sites = site["sites"].size();
  // the curve: row 0, the closures, the sites — the same whole persons as site.json
  const auto curve = csv(out / "tables" / "siting_swap.csv");
  REQUIRE(curve.size() == 1 + 1 + closed + sites);
  CHECK(curve[0].size() == 11);  // … with capacity and persons assigned
  CHECK(curve[1][5] == std::to_string(site["persons_covered_before"].get<long long>()));
  for (std::size_t i = 0; i < closed; ++i) {
    CHECK(curve[2 + i][1] == site["closed"][i]["id"].get<std::string>());
    CHECK(curve[2 + i][3] == "关闭");
    CHECK(curve[2 + i][4] == std::to_string(-site["closed"][i]["lost_persons"].get<long long>()));
  }
  for (std::size_t i = 0; i < sites; ++i) {
    CHECK(curve[2 + closed + i][4] == std::to_string(site["sites"][i]["gain_persons"].get<long long>()));
    CHECK(curve[2 + closed + i][9] == "400");
    CHECK(std::stoll(curve[2 + closed + i][10]) <= 400);
  }
  CHECK(curve.back()[5] == std::to_string(site["persons_covered_after"].get<long long>()));
  // run.json names the closures
  const auto run_json = json_of(out / "run.json");
  REQUIRE(run_json["travel"]["siting"].size() == 1);
  const auto& j = run_json["travel"]["siting"][0];
  CHECK(j["capacitated"] == true);
  REQUIRE(j["closed"].size() == closed);
  for (std::size_t i = 0; i < closed; ++i) CHECK(j["closed"][i]["id"] == site["closed"][i]["id"]);
  CHECK(j["persons_covered_after"] == site["persons_covered_after"]);
  // the layer has the closures and the sites
  CHECK(feature_count(out / "layers.gpkg", "sites_swap") == static_cast<long long>(closed + sites));
}

TEST_CASE("run: a bad [siting.<id>] is refused naming the key, exit code 3, nothing written", "[cli][site][bad-input]") {
  auto refused = [](const std::string& siting, const std::string& message) {
    SitingFixture fx(siting);
    const fs::path out = fx.dir / "out";
    const auto r = run_cli({"run", fx.scenario(), "--out", out.string()});
    INFO(r.all());
    CHECK(r.code == 3);
    CHECK_THAT(r.err, Catch::Contains(message));
    CHECK_FALSE(fs::exists(out));
  };
  SECTION("unknown standard") {
    refused("[siting.x]\nstandard = \"nope\"\ncandidates = \"existing:村卫生室\"\n", "no standard 'nope'");
  }
  SECTION("a distance standard") {
    refused("[siting.x]\nstandard = \"tcm_radius\"\ncandidates = \"existing:村卫生室\"\n", "siting needs travel times");
  }
  SECTION("both objectives") {
    refused("[siting.x]\nstandard = \"tcm_walk\"\ncandidates = \"existing:村卫生室\"\nbudget = 1\ntarget_share = 0.5\n",
            "budget and target_share are two objectives");
  }
  SECTION("a budget larger than the candidates") {
    refused("[siting.x]\nstandard = \"tcm_walk\"\ncandidates = \"existing:村卫生室\"\ntags = [\"中医阁\"]\nbudget = 4\n",
            "[siting.x] budget 4 is larger than the 3 candidates");
  }
  SECTION("unknown candidates kind") {
    refused("[siting.x]\nstandard = \"tcm_walk\"\ncandidates = \"roads:1\"\n", "unknown kind 'roads'");
  }
  SECTION("an accepted gap out of range") {
    refused("[siting.x]\nstandard = \"tcm_walk\"\ncandidates = \"existing:村卫生室\"\nbudget = 1\ngap = 0.7\n",
            "must be from 0 to 0.5");
  }
  SECTION("an unknown closable kind") {
    refused("[siting.x]\nstandard = \"tcm_walk\"\ncandidates = \"existing:村卫生室\"\nbudget = 1\nclosable = \"all:1\"\n",
            "unknown kind 'all'");
  }
  SECTION("a closable id that is no facility of the standard") {
    refused("[siting.x]\nstandard = \"tcm_walk\"\ncandidates = \"existing:村卫生室\"\ntags = [\"中医阁\"]\nbudget = 1\n"
            "closable = \"ids:F1,F9\"\n",
            "[siting.x] closable ids:F1,F9: 'F9' is not a facility that standard 'tcm_walk' counts");
  }
  SECTION("a negative capacity") {
    refused("[siting.x]\nstandard = \"tcm_walk\"\ncandidates = \"existing:村卫生室\"\nbudget = 1\ncapacity = -5\n",
            "must be a number of persons from 0 to 1e9");
  }
  SECTION("a capacity field that is no attribute") {
    refused("[siting.x]\nstandard = \"tcm_walk\"\ncandidates = \"existing:村卫生室\"\nbudget = 1\ncapacity_field = \"rooms\"\n",
            "'rooms' is not a facility attribute");
  }
  SECTION("persons per unit without a capacity field") {
    refused("[siting.x]\nstandard = \"tcm_walk\"\ncandidates = \"existing:村卫生室\"\nbudget = 1\ncapacity = 10\npersons_per_unit = 5\n",
            "applies to capacity_field");
  }
  SECTION("a per-zone minimum that cannot be met") {
    refused("[siting.x]\nstandard = \"tcm_walk\"\ncandidates = \"existing:村卫生室\"\ntags = [\"中医阁\"]\nper_zone = \"county:3\"\n",
            "[siting.x] per_zone county:3 cannot be met: 甲县 (100001: 1 existing, 1 candidate)");
  }
}
