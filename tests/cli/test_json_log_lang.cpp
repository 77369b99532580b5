// Issue 15: `validate --json` and `run --json` (docs/cli/validate.md, docs/cli/run.md), the log levels (-q, -v,
// --log-level) and the language of error messages (--lang, the locale; docs/cli/README.md).

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "cli_runner.hpp"
#include "fixture.hpp"

using namespace carereach::test;
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

/// Sets (or unsets, with nullopt) an environment variable for the commands the test starts, and restores it.
class EnvVar {
 public:
  EnvVar(const char* name, std::optional<std::string> value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) setenv(name, value->c_str(), 1);
    else unsetenv(name);
  }
  ~EnvVar() {
    if (old_) setenv(name_, old_->c_str(), 1);
    else unsetenv(name_);
  }
  EnvVar(const EnvVar&) = delete;
  EnvVar& operator=(const EnvVar&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

/// stdout as one JSON value: fails the test when stdout holds anything else.
json parse_stdout(const CliResult& r) {
  INFO(r.all());
  json j;
  REQUIRE_NOTHROW(j = json::parse(r.out));
  REQUIRE(j.is_object());
  return j;
}

/// The rows of a CSV written by carereach (UTF-8 with a byte-order mark, CRLF; no quoted commas in these tables).
std::vector<std::vector<std::string>> csv_rows(const fs::path& file) {
  std::string text = slurp(file);
  REQUIRE(text.rfind("\xEF\xBB\xBF", 0) == 0);
  text.erase(0, 3);
  std::vector<std::vector<std::string>> rows;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find("\r\n", start);
    REQUIRE(end != std::string::npos);
    std::vector<std::string> cells;
    std::string cell;
    bool quoted = false;
    for (std::size_t i = start; i < end; ++i) {
      const char c = text[i];
      if (c == '"') quoted = !quoted;
      else if (c == ',' && !quoted) cells.push_back(std::move(cell)), cell.clear();
      else cell += c;
    }
    cells.push_back(cell);
    rows.push_back(cells);
    start = end + 2;
  }
  return rows;
}

std::size_t col(const std::vector<std::string>& header, const std::string& name) {
  const auto it = std::find(header.begin(), header.end(), name);
  INFO("column " << name);
  REQUIRE(it != header.end());
  return static_cast<std::size_t>(it - header.begin());
}

/// The fixture's facilities with row 3 (F2) missing its longitude.
std::string facilities_without_longitude() {
  return replace_all(Fixture::facilities_csv(), "乙县中医院,中医医院,县级医院,116.15,33.55", "乙县中医院,中医医院,县级医院,,33.55");
}

void check_empty_coordinate(const json& e) {
  CHECK(e["code"] == "coordinate.empty");
  CHECK(e["severity"] == "error");
  CHECK(e["exit_code"] == 4);
  CHECK(e["location"]["file"] == "facilities.csv");
  CHECK(e["location"]["feature"] == "row 3");
  CHECK(e["location"]["field"] == "经度");
  CHECK(e["message"] == "empty coordinate");
  CHECK(e["hint"] == "fill in the coordinate or remove the row");
}

}  // namespace

TEST_CASE("run --json: the summary on stdout gives the figures of the run's own tables", "[cli][json]") {
  Fixture fx;
  // Two time standards computed by the straight-line estimate (no roads in the fixture).
  fx.set_scenario(Fixture::scenario_toml() + "\n[standards.county_hospital_30min]\nengine = \"estimate\"\n" +
                  "\n[standards.primary_care_15min]\nengine = \"estimate\"\n");
  const fs::path out = fx.dir / "out";
  const auto r = run_cli({"run", fx.scenario(), "--out", out.string(), "--json"});
  INFO(r.all());
  REQUIRE(r.code == 0);
  const json j = parse_stdout(r);
  CHECK(j["schema_version"] == 1);
  CHECK(j["command"] == "run");
  CHECK(j["status"] == "ok");
  CHECK(j["exit_code"] == 0);
  CHECK(j["scenario"] == fx.scenario());
  CHECK(fs::equivalent(fs::path(j["output"].get<std::string>()), out));
  CHECK(j["errors"].empty());
  REQUIRE(j["warnings"].is_array());
  // The human lines went to stderr.
  CHECK_THAT(r.err, Catch::Contains("Outputs written to"));
  // Per standard: population, covered and share as the county table's total row (合计) says.
  const auto rows = csv_rows(out / "tables" / "coverage_county.csv");
  const auto& h = rows.at(0);
  const std::size_t is = col(h, "服务标准"), iname = col(h, "区县"), ip = col(h, "常住人口（人）"),
                    ic = col(h, "覆盖人口（人）");
  std::map<std::string, std::pair<long long, long long>> totals;  // by the standard's Chinese name
  for (std::size_t i = 1; i < rows.size(); ++i)
    if (rows[i].at(iname) == "合计") totals[rows[i].at(is)] = {std::stoll(rows[i].at(ip)), std::stoll(rows[i].at(ic))};
  REQUIRE(j["standards"].is_array());
  std::size_t computed = 0;
  for (const auto& s : j["standards"]) {
    INFO(s.dump());
    if (s["status"] != "computed") continue;
    ++computed;
    const std::string name = s["name_zh"];
    REQUIRE(totals.count(name) == 1);
    CHECK(s["population"].get<long long>() == totals[name].first);
    CHECK(s["covered"].get<long long>() == totals[name].second);
    CHECK(s["share"].get<double>() == Approx(double(totals[name].second) / double(totals[name].first)));
    CHECK(s["population"] == 3000);  // the census total of the fixture: 1,000 + 2,000 persons
  }
  CHECK(computed >= 3);
  CHECK(totals.size() == computed);
  // The standards without roads say why they were not computed.
  for (const auto& s : j["standards"])
    if (s["status"] != "computed") CHECK_THAT(s["reason"].get<std::string>(), Catch::Contains("roads"));
}

TEST_CASE("validate --json: every problem with its code and location; stdout holds the JSON alone", "[cli][json]") {
  Fixture fx;
  fx.set_facilities(facilities_without_longitude());
  const auto r = run_cli({"validate", fx.scenario(), "--json"});
  CHECK(r.code == 4);
  const json j = parse_stdout(r);
  CHECK(j["schema_version"] == 1);
  CHECK(j["command"] == "validate");
  CHECK(j["status"] == "failed");
  CHECK(j["exit_code"] == 4);
  REQUIRE(j["errors"].size() == 1);
  check_empty_coordinate(j["errors"][0]);
  CHECK(j["counts"].is_object());
  CHECK_THAT(r.err, Catch::Contains("Problems 问题"));

  Fixture good;
  const auto ok = run_cli({"validate", good.scenario(), "--json"});
  CHECK(ok.code == 0);
  const json k = parse_stdout(ok);
  CHECK(k["status"] == "ok");
  CHECK(k["errors"].empty());
}

TEST_CASE("run --json on bad input: a JSON object with the error, and nothing written", "[cli][json]") {
  Fixture fx;
  const fs::path out = fx.dir / "out";
  SECTION("a bad row (exit 4, with its code)") {
    fx.set_facilities(facilities_without_longitude());
    const auto r = run_cli({"run", fx.scenario(), "--out", out.string(), "--json"});
    CHECK(r.code == 4);
    const json j = parse_stdout(r);
    CHECK(j["status"] == "failed");
    CHECK(j["exit_code"] == 4);
    REQUIRE(j["errors"].size() == 1);
    check_empty_coordinate(j["errors"][0]);
    CHECK_THAT(r.err, Catch::Contains("empty coordinate"));
  }
  SECTION("a bad scenario (exit 3, an error without a code of its own)") {
    fx.set_scenario(Fixture::scenario_toml() + "\n[analysis.nope\n");
    const auto r = run_cli({"run", fx.scenario(), "--out", out.string(), "--json"});
    CHECK(r.code == 3);
    const json j = parse_stdout(r);
    CHECK(j["exit_code"] == 3);
    REQUIRE(j["errors"].size() == 1);
    CHECK(j["errors"][0]["code"].is_null());
    CHECK(j["errors"][0]["exit_code"] == 3);
    CHECK(j["errors"][0]["location"]["file"].get<std::string>().find("scenario.toml") != std::string::npos);
    CHECK(j["errors"][0]["location"]["line"].get<int>() > 0);
  }
  SECTION("a CRS that does not exist (exit 5)") {
    fx.set_scenario(replace_all(Fixture::scenario_toml(), "crs = \"EPSG:4326\"", "crs = \"EPSG:99999\""));
    const auto r = run_cli({"run", fx.scenario(), "--out", out.string(), "--json"});
    CHECK(r.code == 5);
    const json j = parse_stdout(r);
    CHECK(j["exit_code"] == 5);
    REQUIRE(j["errors"].size() == 1);
    CHECK(j["errors"][0]["exit_code"] == 5);
  }
  SECTION("a usage error (exit 2)") {
    const auto r = run_cli({"run", fx.scenario(), "--json"});  // no --out
    CHECK(r.code == 2);
    const json j = parse_stdout(r);
    CHECK(j["exit_code"] == 2);
    CHECK(j["status"] == "failed");
  }
  CHECK_FALSE(fs::exists(out));
}

TEST_CASE("error messages in Chinese with --lang zh or a Chinese locale, in English otherwise", "[cli][lang]") {
  Fixture fx;
  fx.set_facilities(facilities_without_longitude());
  const std::string zh_line = "错误：文件 facilities.csv，第 3 行，字段「经度」：坐标为空";
  const std::string zh_hint = "提示：请填写坐标或删除该行";
  const std::string en_line = "error: facilities.csv, row 3, field '经度': empty coordinate";
  const std::string en_hint = "hint: fill in the coordinate or remove the row";
  SECTION("LANG=zh_CN.UTF-8") {
    const EnvVar all("LC_ALL", std::nullopt), messages("LC_MESSAGES", std::nullopt), lang("LANG", "zh_CN.UTF-8");
    const auto v = run_cli({"validate", fx.scenario()});
    CHECK(v.code == 4);
    CHECK_THAT(v.all(), Catch::Contains(zh_line) && Catch::Contains(zh_hint) &&
                            Catch::Contains("原文 (English): facilities.csv, row 3, field '经度': empty coordinate"));
    const auto r = run_cli({"run", fx.scenario(), "--out", (fx.dir / "out").string()});
    CHECK(r.code == 4);
    CHECK_THAT(r.err, Catch::Contains(zh_line) && Catch::Contains(zh_hint));
    // --lang en wins over the locale.
    const auto en = run_cli({"run", fx.scenario(), "--out", (fx.dir / "out").string(), "--lang", "en"});
    CHECK(en.code == 4);
    CHECK_THAT(en.err, Catch::Contains(en_line) && Catch::Contains(en_hint));
    CHECK_THAT(en.err, !Catch::Contains("错误："));
    const auto en2 = run_cli({"--lang", "en", "validate", fx.scenario()});
    CHECK_THAT(en2.all(), Catch::Contains(en_line) && !Catch::Contains("错误："));
  }
  SECTION("--lang zh under an English locale") {
    const EnvVar all("LC_ALL", "C.UTF-8");
    const auto v = run_cli({"validate", fx.scenario(), "--lang", "zh"});
    CHECK(v.code == 4);
    CHECK_THAT(v.all(), Catch::Contains(zh_line) && Catch::Contains(zh_hint));
    // The JSON summary keeps the English message and adds the Chinese one.
    const auto j = parse_stdout(run_cli({"--lang", "zh", "validate", fx.scenario(), "--json"}));
    REQUIRE(j["errors"].size() == 1);
    CHECK(j["errors"][0]["message"] == "empty coordinate");
    CHECK(j["errors"][0]["message_zh"] == "坐标为空");
    CHECK(j["errors"][0]["location_zh"] == "文件 facilities.csv，第 3 行，字段「经度」");
  }
  SECTION("English by default") {
    const EnvVar all("LC_ALL", "C.UTF-8");
    const auto v = run_cli({"validate", fx.scenario()});
    CHECK(v.code == 4);
    CHECK_THAT(v.all(), Catch::Contains(en_line) && Catch::Contains(en_hint));
    CHECK_THAT(v.all(), !Catch::Contains("错误：") && !Catch::Contains("提示："));
  }
}

TEST_CASE("log levels: error, warn, info, debug; -q and -v", "[cli][log]") {
  Fixture fx;
  // A facility far outside the study area: a warning (facility.outside_study_area).
  fx.set_facilities(Fixture::facilities_csv() + "F9,远处卫生院,乡镇卫生院,,117.50,34.50\n");
  auto run = [&](std::vector<std::string> global) {
    std::vector<std::string> args = std::move(global);
    for (const std::string& a : {std::string("run"), fx.scenario(), std::string("--out"), (fx.dir / "out").string(),
                                 std::string("--overwrite")})
      args.push_back(a);
    const auto r = run_cli(args);
    INFO(r.all());
    REQUIRE(r.code == 0);
    return r;
  };
  const auto info = run({});
  CHECK_THAT(info.err, Catch::Contains("warning: ") && Catch::Contains("F9"));
  CHECK_THAT(info.err, Catch::Contains("Warnings 警告"));
  CHECK_THAT(info.err, !Catch::Contains("debug:"));
  const auto debug = run({"--log-level", "debug"});
  CHECK_THAT(debug.err, Catch::Contains("debug: step '") && Catch::Contains("' took "));
  const auto v = run({"-v"});
  CHECK_THAT(v.err, Catch::Contains("debug: step '"));
  const auto warn = run({"--log-level", "warn"});
  CHECK_THAT(warn.err, Catch::Contains("warning: ") && !Catch::Contains("Warnings 警告") && !Catch::Contains("debug:"));
  const auto quiet = run({"-q"});
  CHECK(quiet.err == warn.err);
  const auto error = run({"--log-level", "error"});
  CHECK(error.err.empty());
  // Results stay on stdout at every level.
  for (const auto* r : {&info, &debug, &warn, &error}) CHECK_THAT(r->out, Catch::Contains("Outputs written to"));
}

namespace {

/// The lines of a Chinese error: 错误：… and its 提示：… (validate indents them in its list), not the English original.
std::vector<std::string> zh_error_lines(const std::string& err) {
  std::vector<std::string> out;
  std::istringstream in(err);
  std::string line;
  while (std::getline(in, line)) {
    const std::string trimmed = line.substr(std::min(line.find_first_not_of(' '), line.size()));
    if (trimmed.rfind("错误：", 0) == 0 || trimmed.rfind("提示：", 0) == 0) out.push_back(trimmed);
  }
  return out;
}

/// An English sentence in a line: two English words in a row outside quotes and 「」 (names, keys and values are
/// quoted there; file names have no space).
/// The detail a library gives in its own words (the TOML parser's, PROJ's) is carried over as it is.
bool has_english_sentence(std::string line) {
  for (const std::string library : {"解析器的说明：", "（PROJ："})
    if (const std::size_t at = line.find(library); at != std::string::npos) line.resize(at);
  std::string bare;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line.compare(i, 3, "「") == 0) {
      const std::size_t end = line.find("」", i);
      if (end == std::string::npos) break;
      i = end + 2;
      continue;
    }
    if (line[i] == '\'' || line[i] == '"') {
      const std::size_t end = line.find(line[i], i + 1);
      if (end == std::string::npos) break;
      i = end;
      continue;
    }
    bare += line[i];
  }
  static const std::regex two_words("[A-Za-z]{2,} [A-Za-z]{2,}");
  return std::regex_search(bare, two_words);
}

}  // namespace

TEST_CASE("in a Chinese run, errors without a code of their own are worded in Chinese too", "[cli][lang]") {
  Fixture fx;
  struct Case {
    std::string what;
    std::vector<std::string> args;  // empty: validate the fixture's scenario (rewritten by edit)
    std::pair<std::string, std::string> edit;
    int code;
    std::string zh;  // Chinese text the error must hold
  };
  const std::vector<Case> cases = {
      {"unknown key", {}, {"cell_size_m = 500", "cel_size_m = 500"}, 3, "未知的键"},
      {"wrong type", {}, {"cell_size_m = 500", "cell_size_m = \"500\""}, 3, "应为数字，而不是字符串"},
      {"malformed TOML", {}, {"cell_size_m = 500", "cell_size_m = = 500"}, 3, "不是有效的 TOML"},
      {"value out of range", {}, {"cell_size_m = 500", "cell_size_m = 0"}, 3, "须在 1 到 10000 米之间"},
      {"no such zone level", {}, {"level = \"county\"\ncode_field = \"code\"\ncount_field", "level = \"town\"\ncode_field = \"code\"\ncount_field"}, 3, "本情景中没有区划级别「town」"},
      {"missing input file", {}, {"source = \"census.csv\"", "source = \"census_2020.csv\""}, 4, "找不到文件"},
      {"unknown CRS", {}, {"crs = \"EPSG:4326\"", "crs = \"EPSG:999999\""}, 5, "未知的坐标系"},
      {"missing scenario file", {"validate", (fx.dir / "nothere.toml").string()}, {}, 4, "找不到情景文件"},
      {"unknown option", {"validate", fx.scenario(), "--overwrit"}, {}, 2, "多余的参数"},
      {"missing argument", {"validate"}, {}, 2, "为必填项"},
      {"output exists", {"run", fx.scenario(), "--out", (fx.dir / "old_out").string()}, {}, 6, "已存在"},
  };
  std::filesystem::create_directories(fx.dir / "old_out");
  for (const Case& c : cases) {
    INFO(c.what);
    fx.set_scenario(c.edit.first.empty() ? Fixture::scenario_toml()
                                         : replace_all(Fixture::scenario_toml(), c.edit.first, c.edit.second));
    std::vector<std::string> args = {"--lang", "zh"};
    const std::vector<std::string> command = c.args.empty() ? std::vector<std::string>{"validate", fx.scenario()} : c.args;
    args.insert(args.end(), command.begin(), command.end());
    const auto r = run_cli(args);
    INFO(r.all());
    CHECK(r.code == c.code);
    const auto lines = zh_error_lines(r.all());  // validate lists its problems on stdout
    REQUIRE_FALSE(lines.empty());
    REQUIRE(lines.front().rfind("错误：", 0) == 0);
    CHECK_THAT(lines.front(), Catch::Contains(c.zh));
    for (const std::string& line : lines) {
      INFO(line);
      CHECK_FALSE(has_english_sentence(line));
    }
    // the English original is kept, below
    CHECK_THAT(r.all(), Catch::Contains("原文 (English)"));
  }
}
