// A run and a comparison as library calls (pipeline/run.hpp, pipeline/compare.hpp): what they return, what they
// tell the observer, how they fail, and that they write the same bytes as `carereach run`.

#include <stdlib.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <map>
#include <numbers>
#include <string>
#include <vector>

#include "cli/fixture.hpp"
#include "core/error.hpp"
#include "pipeline/compare.hpp"
#include "pipeline/run.hpp"

using namespace carereach;
using carereach::test::Fixture;
using carereach::test::TempDir;

namespace {

/// The fixture's two counties (0.1° × 0.1° near 116°E 33.5°N; 甲县 1,000 persons, 乙县 2,000) on cells of 250 m,
/// with two distance standards that count the township health centre at the centre of 甲县 only.
std::string scenario_with_distance_standards() {
  return test::replace_all(Fixture::scenario_toml(), "cell_size_m = 500", "cell_size_m = 250") + R"(
[standards]
defaults = false

[standards.thc_100km]
name_zh = "乡镇卫生院100千米"
name_en = "Township health centre within 100 km"
types = ["township_health_center"]
distance_m = 100000
target_share = 0.9

[standards.thc_4km]
name_zh = "乡镇卫生院4千米"
name_en = "Township health centre within 4 km"
types = ["township_health_center"]
distance_m = 4000
target_share = 0.9
)";
}

/// Records what the run reports.
class Recorder final : public pipeline::RunObserver {
 public:
  void begin_step(std::string_view label) override { steps.emplace_back(label); }
  void status(std::string_view line) override { statuses.emplace_back(line); }
  std::vector<std::string> steps;
  std::vector<std::string> statuses;
};

/// Every file under a folder (relative name → bytes).
std::map<std::string, std::string> contents(const std::filesystem::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
    if (e.is_regular_file()) out[std::filesystem::relative(e.path(), dir).string()] = test::slurp(e.path());
  return out;
}

/// Works in another folder for one scope (the library call resolves relative paths as the command line does).
struct WorkingFolder {
  explicit WorkingFolder(const std::filesystem::path& dir) : old(std::filesystem::current_path()) {
    std::filesystem::current_path(dir);
  }
  ~WorkingFolder() { std::filesystem::current_path(old); }
  WorkingFolder(const WorkingFolder&) = delete;
  WorkingFolder& operator=(const WorkingFolder&) = delete;
  std::filesystem::path old;
};

/// Sets SOURCE_DATE_EPOCH for one test and restores it after.
struct SourceDateEpoch {
  explicit SourceDateEpoch(const char* value) { setenv("SOURCE_DATE_EPOCH", value, 1); }
  ~SourceDateEpoch() { unsetenv("SOURCE_DATE_EPOCH"); }
  SourceDateEpoch(const SourceDateEpoch&) = delete;
  SourceDateEpoch& operator=(const SourceDateEpoch&) = delete;
};

}  // namespace

TEST_CASE("run_scenario writes the whole folder and returns each standard's coverage", "[pipeline][run]") {
  Fixture fx;
  fx.set_scenario(scenario_with_distance_standards());
  pipeline::RunConfig config;
  config.scenario = fx.scenario();
  config.out = fx.dir / "out";
  Recorder observer;
  const pipeline::RunResult r = pipeline::run_scenario(config, observer);

  CHECK(r.folder == config.out);
  for (const char* f : {"run.json", "report.html", "layers.gpkg", "project.qgs", "facility_zones.csv"}) {
    INFO(f);
    CHECK(std::filesystem::exists(config.out / f));
    CHECK(std::find(r.outputs.begin(), r.outputs.end(), f) != r.outputs.end());
  }
  // Nothing is left beside the folder (the temporary folder was renamed).
  CHECK(fx.dir.files() == std::vector<std::string>{"census.csv", "facilities.csv", "out", "scenario.toml", "zones.geojson"});
  // The long steps were reported to the observer, which is how progress reaches a front end.
  CHECK(std::find(observer.steps.begin(), observer.steps.end(), "layers.gpkg") != observer.steps.end());
  CHECK(std::find(observer.steps.begin(), observer.steps.end(), "report.html") != observer.steps.end());

  REQUIRE(r.standards.size() == 2);
  // By hand: 100 km reach every cell of the two counties (about 19 km × 11 km): all 3,000 persons.
  CHECK(r.standards[0].id == "thc_100km");
  CHECK(r.standards[0].not_computed.empty());
  CHECK(r.standards[0].share_covered == Approx(1.0).margin(1e-12));
  CHECK(r.standards[0].target_share == Approx(0.9));
  // 4 km: a disc of π × 4² km² inside 甲县 (0.1° × 0.1° at 33.55°N: 9.276 km × 11.09 km), whose 1,000 persons are
  // spread evenly: 1,000 × 50.27 / 102.9 = 488.5 of 3,000 persons. The 250 m cells give it within a few percent.
  const double expected = 1000.0 * std::numbers::pi * 16.0 / (9.2763 * 11.0905) / 3000.0;
  CHECK(r.standards[1].id == "thc_4km");
  CHECK(r.standards[1].share_covered == Approx(expected).epsilon(0.04));
  CHECK(r.standards[1].share_covered < 0.2);
}

TEST_CASE("run_scenario by stages gives the folder run_scenario gives", "[pipeline][run]") {
  const SourceDateEpoch epoch("1767225600");
  Fixture fx;
  fx.set_scenario(scenario_with_distance_standards());
  pipeline::RunConfig config;
  config.scenario = fx.scenario();
  config.out = fx.dir / "whole";
  config.arguments = {"same"};  // run.json records the arguments: the same for both runs
  pipeline::RunObserver quiet;
  pipeline::run_scenario(config, quiet);

  config.out = fx.dir / "staged";
  const std::unique_ptr<pipeline::LoadedRun> run = pipeline::load_run(config, quiet);
  REQUIRE(run->loaded.population);
  CHECK(run->loaded.facilities.size() == 3);
  CHECK_FALSE(std::filesystem::exists(config.out));  // nothing is in place before write_run
  pipeline::AnalysedRun analysed = pipeline::analyse_loaded_run(*run, quiet);
  CHECK(analysed.analysis.standards.size() == 2);
  const pipeline::RunResult r = pipeline::write_run(*run, &analysed, quiet);
  CHECK(r.standards.size() == 2);
  CHECK(contents(fx.dir / "staged") == contents(fx.dir / "whole"));
}

TEST_CASE("run_scenario writes the bytes `carereach run` writes", "[pipeline][run]") {
  const SourceDateEpoch epoch("1767225600");
  Fixture fx;
  fx.set_scenario(scenario_with_distance_standards());
  // The command line into out/, moved aside; then the library into out/ from the same folder with the same
  // arguments.
  REQUIRE(test::run_cli({"-q", "run", "scenario.toml", "--out", "out", "--lang", "en"}, fx.dir.path()).code == 0);
  std::filesystem::rename(fx.dir / "out", fx.dir / "cli");
  pipeline::RunConfig config;
  config.scenario = "scenario.toml";
  config.out = "out";
  config.lang = report::Lang::kEn;
  pipeline::RunObserver quiet;
  pipeline::RunResult r;
  {
    const WorkingFolder here(fx.dir.path());
    r = pipeline::run_scenario(config, quiet);
  }

  const auto cli = contents(fx.dir / "cli");
  const auto lib = contents(fx.dir / "out");
  REQUIRE(cli.size() >= 10);
  CHECK(cli.size() == lib.size());
  for (const auto& [name, bytes] : cli) {
    INFO(name);
    REQUIRE(lib.count(name) == 1);
    CHECK(bytes == lib.at(name));
  }
  // The files the result names are those of the folder.
  for (const auto& f : r.outputs) {
    INFO(f);
    CHECK(lib.count(f) == 1);
  }
}

TEST_CASE("run_scenario throws carereach errors and leaves an earlier folder as it was", "[pipeline][run][errors]") {
  Fixture fx;
  fx.set_scenario(scenario_with_distance_standards());
  pipeline::RunObserver quiet;
  pipeline::RunConfig config;
  config.scenario = fx.scenario();

  SECTION("an output folder carereach did not write") {
    config.out = fx.dir / "mine";
    fx.dir.write("mine/notes.txt", "my own notes");
    CHECK_THROWS_AS(pipeline::run_scenario(config, quiet), OutputError);
    CHECK(test::slurp(fx.dir / "mine/notes.txt") == "my own notes");
    CHECK(fx.dir.files() ==
          std::vector<std::string>{"census.csv", "facilities.csv", "mine", "scenario.toml", "zones.geojson"});
  }
  SECTION("a broken input: nothing is written") {
    config.out = fx.dir / "out";
    fx.set_facilities(Fixture::facilities_csv() + "F9,文字坐标,村卫生室,,东经116度,33.5\n");
    try {
      pipeline::run_scenario(config, quiet);
      FAIL("no error");
    } catch (const Error& e) {
      CHECK(e.exit_code() == ExitCode::kInput);
      CHECK_THAT(e.what(), Catch::Contains("row 5") && Catch::Contains("is not a number"));
    }
    CHECK(fx.dir.files() == std::vector<std::string>{"census.csv", "facilities.csv", "scenario.toml", "zones.geojson"});
  }
}

TEST_CASE("compare_runs of a run with itself changes nothing", "[pipeline][compare]") {
  Fixture fx;
  fx.set_scenario(scenario_with_distance_standards());
  pipeline::RunObserver quiet;
  pipeline::RunConfig config;
  config.scenario = fx.scenario();
  config.out = fx.dir / "a";
  pipeline::run_scenario(config, quiet);

  pipeline::CompareConfig cc;
  cc.run_a = (fx.dir / "a").string();
  cc.run_b = (fx.dir / "a").string();
  cc.out = fx.dir / "cmp";
  const pipeline::CompareResult r = pipeline::compare_runs(cc, quiet);
  CHECK(r.folder == cc.out);
  CHECK(std::filesystem::exists(cc.out / "compare.json"));
  CHECK(std::filesystem::exists(cc.out / "compare.md"));
  CHECK(r.warnings.empty());
  REQUIRE(r.changes.size() == 2);
  for (const auto& sc : r.changes) {
    INFO(sc.id);
    REQUIRE_FALSE(sc.levels.empty());
    CHECK(sc.levels.front().total.pop_total == Approx(3000.0));
    CHECK(sc.levels.front().total.delta() == 0.0);
  }

  SECTION("a folder that is not a run is refused") {
    cc.run_b = (fx.dir / "nothing").string();
    cc.out = fx.dir / "cmp2";
    CHECK_THROWS_AS(pipeline::compare_runs(cc, quiet), InputError);
    CHECK_FALSE(std::filesystem::exists(cc.out));
  }
}
