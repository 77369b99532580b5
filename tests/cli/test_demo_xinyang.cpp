// The Xinyang demo (geodata/xinyang): the data a health commission has and no road network. `validate` lists every
// standard with how it is computed; `run` labels every estimated standard as an estimate in the tables, the report
// and run.json, lists the standard it cannot compute as 未计算 with the reason, and keeps the census county totals —
// read here from the CSV itself, not from carereach.

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <map>
#include <sstream>

#include "cli_runner.hpp"
#include "english_prose.hpp"

using namespace carereach::test;
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

const fs::path kDemo = fs::path(CAREREACH_GEODATA) / "xinyang";

// The standards of geodata/xinyang/scenario.toml: the shipped profile's five, and the e-bike variant after its base.
const std::vector<std::string> kStandards{"tcm_15min",         "primary_care_15min",    "primary_care_15min_ebike",
                                          "county_hospital_30min", "county_hospital_60min", "emergency_radius"};
// The time standards the scenario sets to the straight-line estimate (the variant inherits it from its base).
const std::vector<std::string> kEstimated{"primary_care_15min", "primary_care_15min_ebike", "county_hospital_30min",
                                          "county_hospital_60min"};

/// census2020_counties.csv read plainly: code → census2020_pop (UTF-8 with a byte-order mark, no quoted cells).
std::map<std::string, long long> census_totals() {
  std::ifstream in(kDemo / "census2020_counties.csv", std::ios::binary);
  std::string line;
  REQUIRE(std::getline(in, line));
  if (line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
  auto split = [](const std::string& l) {
    std::vector<std::string> cells;
    std::stringstream ss(l);
    for (std::string c; std::getline(ss, c, ',');) cells.push_back(c);
    return cells;
  };
  const auto header = split(line);
  const auto col = [&](const std::string& name) {
    const auto it = std::find(header.begin(), header.end(), name);
    REQUIRE(it != header.end());
    return static_cast<std::size_t>(it - header.begin());
  };
  const std::size_t code = col("code"), pop = col("census2020_pop");
  std::map<std::string, long long> out;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    const auto cells = split(line);
    out[cells.at(code)] = std::stoll(cells.at(pop));
  }
  return out;
}

struct XinyangRun {
  TempDir tmp;
  fs::path out;
  CliResult result;
  json run;
  XinyangRun() {
    out = tmp / "xinyang";
    result = run_cli({"-q", "run", (kDemo / "scenario.toml").string(), "--out", out.string()});
    if (result.code == 0) run = json::parse(slurp(out / "run.json"));
  }
};

const XinyangRun& xinyang() {
  static const XinyangRun r;
  return r;
}

const json* coverage_of(const json& run, const std::string& id) {
  for (const auto& c : run["coverage"])
    if (c["standard"] == id) return &c;
  return nullptr;
}

}  // namespace

TEST_CASE("the Xinyang demo validates and lists every standard with its method", "[cli][demo][xinyang]") {
  const auto r = run_cli({"validate", (kDemo / "scenario.toml").string()});
  INFO(r.all());
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("county 区县: 11 zones"));
  // The census total of 信阳市 at the 2020 census: 6,234,401 (the CSV's rows add up to it, checked below).
  CHECK_THAT(r.out, Catch::Contains("6,234,401 persons in the input, 6,234,401 on the grid"));
  // Each standard on a line of its own, followed by how it is computed or why it is not.
  for (const std::string& id : kStandards) {
    INFO(id);
    const std::size_t at = r.out.find("\n  " + id + " ");
    REQUIRE(at != std::string::npos);
    const std::size_t next = r.out.find('\n', r.out.find('\n', at + 1) + 1);
    const std::string plan = r.out.substr(at, next - at);
    if (std::find(kEstimated.begin(), kEstimated.end(), id) != kEstimated.end()) {
      CHECK_THAT(plan, Catch::Contains("computed 计算: straight-line estimate (circuity 1.3"));
      CHECK_THAT(plan, Catch::Contains("直线距离估算（绕行系数 1.3"));
    } else if (id == "tcm_15min") {
      CHECK_THAT(plan, Catch::Contains("not computed"));
    } else {
      CHECK_THAT(plan, Catch::Contains("straight-line distance 直线距离"));
    }
  }
  CHECK_THAT(r.out, Catch::Contains("1 of 6 standards will not be computed"));
}

TEST_CASE("the Xinyang demo runs: estimates labelled everywhere, no standard silently skipped", "[cli][demo][xinyang]") {
  const XinyangRun& r = xinyang();
  INFO(r.result.all());
  REQUIRE(r.result.code == 0);

  // run.json lists every standard of the scenario: computed, or not computed with its reason in both languages.
  std::vector<std::string> listed;
  for (const auto& c : r.run["coverage"]) listed.push_back(c["standard"]);
  CHECK(listed == kStandards);
  const json* tcm = coverage_of(r.run, "tcm_15min");
  REQUIRE(tcm != nullptr);
  CHECK(tcm->value("status", "").rfind("not computed: the network engine needs roads", 0) == 0);
  CHECK(tcm->value("reason_zh", "") == "路网法需要道路数据，情景中没有道路（[roads]）");
  for (const std::string& id : kEstimated) {
    INFO(id);
    const json* c = coverage_of(r.run, id);
    REQUIRE(c != nullptr);
    CHECK((*c)["engine"] == "estimate");
    CHECK((*c)["circuity"] == 1.3);
    CHECK((*c)["method_zh"].get<std::string>().rfind("直线距离估算（绕行系数 1.3，", 0) == 0);
    CHECK((*c)["method_en"].get<std::string>().rfind("straight-line estimate (circuity 1.3, ", 0) == 0);
    CHECK(c->contains("total"));
  }
  CHECK(coverage_of(r.run, "primary_care_15min_ebike")->value("variant_of", "") == "primary_care_15min");

  // The tables: 附表1 names the estimate in each estimated standard's measure, and the sensitivity table too.
  const std::string summary = slurp(r.out / "tables/summary.csv");
  CHECK_THAT(summary, Catch::Contains("15分钟医疗卫生服务圈,步行 15 分钟，直线距离估算（绕行系数 1.3，步行 5 千米/小时）,"));
  CHECK_THAT(summary, Catch::Contains("县级医院30分钟可达,机动车 30 分钟，直线距离估算（绕行系数 1.3，机动车 35 千米/小时）,"));
  CHECK_THAT(summary, Catch::Contains("15分钟中医药服务圈,步行 15 分钟,,,,90.0,%,未计算,"));
  CHECK_THAT(slurp(r.out / "tables/sensitivity_primary_care_15min.csv"), Catch::Contains("直线距离估算"));

  // The report: the data note first, each estimate said to be one, the skipped standard with 未计算 and its reason.
  const std::string md = slurp(r.out / "report.md");
  const std::size_t note = md.find("### 数据说明");
  REQUIRE(note != std::string::npos);
  CHECK(note < md.find("### 15分钟中医药服务圈"));
  CHECK_THAT(md, Catch::Contains("未计算：路网法需要道路数据"));
  std::size_t said = 0;
  for (std::size_t at = md.find("本项为直线距离估算，未使用道路网络"); at != std::string::npos;
       at = md.find("本项为直线距离估算，未使用道路网络", at + 1))
    ++said;
  CHECK(said == 3);  // the three estimated base standards; the variant is said in its base's block
  CHECK_THAT(md, Catch::Contains("敏感性分析（附表7）：按电动自行车 15 分钟，直线距离估算（绕行系数 1.3，电动自行车 20 千米/小时）计"));
  CHECK_THAT(slurp(r.out / "report.html"), Catch::Contains("直线距离估算（绕行系数 1.3，机动车 35 千米/小时）"));
  // No English prose in the Chinese report.md (the rule of tests/english_prose.hpp).
  std::istringstream lines(md);
  std::size_t n = 0;
  for (std::string line; std::getline(lines, line);) {
    INFO("report.md line " << ++n << ": " << line);
    CHECK(english_words(line) == std::vector<std::string>{});
  }
}

TEST_CASE("the Xinyang demo keeps the census county totals of its CSV", "[cli][demo][xinyang]") {
  const XinyangRun& r = xinyang();
  REQUIRE(r.result.code == 0);
  const std::map<std::string, long long> census = census_totals();
  REQUIRE(census.size() == 11);
  long long sum = 0;
  for (const auto& [code, pop] : census) sum += pop;
  CHECK(r.run["counts"]["population"]["input_total"].get<double>() == Approx(double(sum)).margin(0.5));
  CHECK(r.run["counts"]["population"]["grid_total"].get<double>() == Approx(double(sum)).margin(0.5));
  // Every computed standard's county table: each county holds its census total, and the total row the sum.
  std::size_t checked = 0;
  for (const auto& c : r.run["coverage"]) {
    if (!c.contains("levels")) continue;
    INFO(c["standard"]);
    const auto& county = c["levels"][0];
    REQUIRE(county["level"] == "county");
    REQUIRE(county["zones"].size() == census.size());
    for (const auto& z : county["zones"]) {
      INFO(z["code"]);
      REQUIRE(census.count(z["code"]) == 1);
      CHECK(z["pop_total"].get<long long>() == census.at(z["code"]));
    }
    CHECK(c["total"]["pop_total"].get<long long>() == sum);
    ++checked;
  }
  CHECK(checked == 5);  // every standard but tcm_15min
}
