// The data note (数据说明): what the scenario marks modelled ([population] and [[facilities]] modelled = true)
// reaches the key findings of report.md and run.json as the first block, in the report's language; a scenario's own
// data_note replaces it; a scenario that marks nothing has no such block.

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli_runner.hpp"
#include "fixture.hpp"

using namespace carereach::test;
using json = nlohmann::json;

namespace {

struct Ran {
  CliResult result;
  std::string md;
  json run;
};

Ran run_fixture(const Fixture& fx, const std::string& scenario, const std::string& lang = "zh") {
  fx.set_scenario(scenario);
  static int runs = 0;  // a new output folder for each run
  const auto out = fx.dir / ("out-" + lang + "-" + std::to_string(++runs));
  Ran r;
  r.result = run_cli({"-q", "run", fx.scenario(), "--out", out.string(), "--lang", lang});
  if (r.result.code == 0) {
    r.md = slurp(out / "report.md");
    r.run = json::parse(slurp(out / "run.json"));
  }
  return r;
}

/// The fixture's scenario with `modelled = true` added to [population] (with a label) and to [[facilities]].
std::string marked_scenario() {
  std::string s = Fixture::scenario_toml();
  s = replace_all(s, "count_field = \"pop\"\n", "count_field = \"pop\"\nlabel = \"模拟人口\"\nmodelled = true\n");
  s = replace_all(s, "y_field = \"纬度\"\n", "y_field = \"纬度\"\nmodelled = true\n");
  return s;
}

}  // namespace

TEST_CASE("run: the modelled marks give the key findings' first block, 数据说明", "[cli][data_note]") {
  Fixture fx;
  const Ran zh = run_fixture(fx, marked_scenario());
  INFO(zh.result.all());
  REQUIRE(zh.result.code == 0);
  // The sentence of docs/scenario.md ([scenario] data_note), with the population's label and the facility file.
  const std::string sentence =
      "本报告的人口分布（模拟人口）和医疗卫生机构（facilities.csv）为模拟数据，不是调查或登记数据；"
      "结果说明方法与情景差异，不代表实际可及性。";
  const std::size_t findings = zh.md.find("## 主要发现");
  const std::size_t note = zh.md.find("### 数据说明\n\n- " + sentence);
  REQUIRE(findings != std::string::npos);
  REQUIRE(note != std::string::npos);
  CHECK(note > findings);
  CHECK(zh.md.find("### ", findings) == note);  // the first block of the findings
  CHECK(zh.run["scenario"]["data_note_zh"] == sentence);

  const Ran en = run_fixture(fx, marked_scenario(), "en");
  REQUIRE(en.result.code == 0);
  const std::string sentence_en =
      "Modelled data: the population (模拟人口) and the facilities (facilities.csv) are modelled, not surveyed or "
      "registered; the results show the method and the differences between scenarios, not actual access.";
  CHECK_THAT(en.md, Catch::Contains("### About the data\n\n- " + sentence_en));
  CHECK(en.run["scenario"]["data_note_en"] == sentence_en);
}

TEST_CASE("run: the scenario's data_note replaces the sentence; nothing marked, no note", "[cli][data_note]") {
  Fixture fx;
  const std::string own = "本情景的机构名录为示例。";
  std::string scenario = replace_all(marked_scenario(), "name_en = \"Test scenario\"\n",
                                     "name_en = \"Test scenario\"\ndata_note = \"" + own + "\"\n");
  const Ran r = run_fixture(fx, scenario);
  INFO(r.result.all());
  REQUIRE(r.result.code == 0);
  CHECK_THAT(r.md, Catch::Contains("### 数据说明\n\n- " + own + "\n"));
  CHECK(r.md.find("本报告的人口分布") == std::string::npos);
  CHECK(r.run["scenario"]["data_note_zh"] == own);

  const Ran plain = run_fixture(fx, Fixture::scenario_toml());
  REQUIRE(plain.result.code == 0);
  CHECK(plain.md.find("数据说明") == std::string::npos);
  CHECK_FALSE(plain.run["scenario"].contains("data_note_zh"));
}
