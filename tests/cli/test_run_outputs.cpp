// What `carereach run` writes after the travel times — coverage in run.json, tables, appendix, report, layers —
// checked on the demos: conservation (zones add up to their totals and to the population on the grid; covered and
// uncovered add up to the population), the same bytes from the same inputs, a GeoPackage that ogrinfo reads with
// the layers and styles it should hold, golden tables for Bozhou, and `compare` against the TCM-corner scenario.

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iomanip>
#include <map>
#include <memory>
#include <set>
#include <sstream>

#include "cli_runner.hpp"

using namespace carereach::test;
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

/// One run of a demo per test binary: the runs take seconds, the checks are many.
struct DemoRun {
  TempDir tmp;
  fs::path out;
  json run;
  CliResult result;
  DemoRun(const std::string& demo, const std::string& scenario, const std::vector<std::string>& extra = {}) {
    out = tmp / "out";
    std::vector<std::string> args{"-q", "run", (fs::path(CAREREACH_GEODATA) / demo / scenario).string(), "--out",
                                  out.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    result = run_cli(args);
    if (result.code == 0) run = json::parse(slurp(out / "run.json"));
  }
};

const DemoRun& bozhou() {
  static const DemoRun r("bozhou", "scenario.toml");
  return r;
}

std::string command_output(const std::string& cmd, int* status) {
  std::unique_ptr<FILE, int (*)(FILE*)> p(popen(cmd.c_str(), "r"), pclose);
  std::string out;
  char buf[4096];
  while (p && std::fgets(buf, sizeof buf, p.get()) != nullptr) out += buf;
  *status = p ? pclose(p.release()) : -1;
  return out;
}

/// Conservation in run.json's coverage section: per standard and level, covered + uncovered = total in every zone;
/// the zones add up to the level's total exactly (they are added in zone order); every level's total equals the
/// population on the grid; the zones of a finer level add up to their parent.
void check_conservation(const json& run) {
  const double grid_total = run["counts"]["population"]["grid_total"].get<double>();
  REQUIRE(run.contains("coverage"));
  std::size_t checked = 0;
  for (const auto& st : run["coverage"]) {
    if (st.contains("status")) continue;
    INFO("standard " << st["standard"]);
    std::map<std::string, double> parent_totals;  // codes of the previous level → population
    for (const auto& level : st["levels"]) {
      INFO("level " << level["level"]);
      double sum_total = 0.0, sum_covered = 0.0;
      std::map<std::string, double> by_parent;
      for (const auto& z : level["zones"]) {
        const double total = z["pop_total"], covered = z["pop_covered"], uncovered = z["pop_uncovered"];
        CHECK(covered + uncovered == total);
        CHECK(covered <= total);
        sum_total += total;
        sum_covered += covered;
        by_parent[z["parent_code"].get<std::string>()] += total;
        ++checked;
      }
      CHECK(sum_total == level["total"]["pop_total"].get<double>());
      CHECK(sum_covered == level["total"]["pop_covered"].get<double>());
      CHECK(level["total"]["pop_total"].get<double>() == Approx(grid_total).epsilon(1e-9));
      for (const auto& [code, total] : parent_totals) {
        if (!by_parent.count(code)) continue;
        INFO("parent " << code);
        CHECK(by_parent[code] == Approx(total).epsilon(1e-9));
      }
      parent_totals.clear();
      for (const auto& z : level["zones"]) parent_totals[z["code"].get<std::string>()] = z["pop_total"];
    }
  }
  CHECK(checked > 0);
}

}  // namespace

TEST_CASE("run: the Bozhou demo writes every output, and its figures add up", "[cli][demo][outputs]") {
  const DemoRun& r = bozhou();
  INFO(r.result.all());
  REQUIRE(r.result.code == 0);
  for (const char* f : {"run.json", "layers.gpkg", "appendix.xlsx", "report.md", "tables/summary.csv",
                        "tables/coverage_county.csv", "tables/coverage_township.csv", "tables/density_county.csv",
                        "tables/gaps.csv", "travel_time_tcm_15min.tif", "facility_access.csv"})
    CHECK(fs::exists(r.out / f));
  check_conservation(r.run);
  // Five standards, the emergency radius by straight line with urban and rural radii.
  REQUIRE(r.run["coverage"].size() == 5);
  const auto& er = r.run["coverage"][4];
  CHECK(er["standard"] == "emergency_radius");
  CHECK(er["unit"] == "m");
  CHECK(er["distance_m_by_zone_class"]["urban"] == 5000.0);
  // Townships are derived from seats and say so.
  const auto& township = r.run["coverage"][0]["levels"][1];
  CHECK(township["level"] == "township");
  CHECK(township["approximate"] == true);
  // CSV tables open in Excel/WPS: UTF-8 with a byte-order mark.
  CHECK(slurp(r.out / "tables/coverage_county.csv").rfind("\xEF\xBB\xBF", 0) == 0);
}

TEST_CASE("run: layers.gpkg reads with ogrinfo, with its layers and their QGIS styles", "[cli][demo][outputs]") {
  const DemoRun& r = bozhou();
  REQUIRE(r.result.code == 0);
  int status = 0;
  const std::string info = command_output("ogrinfo -ro -so '" + (r.out / "layers.gpkg").string() + "' 2>&1", &status);
  INFO(info);
  REQUIRE(status == 0);
  for (const char* layer : {"facilities (Point)", "zones_county (Multi Polygon)", "zones_township (Multi Polygon)",
                            "service_area_tcm_15min", "catchment_tcm_15min", "gap_tcm_15min",
                            "service_area_emergency_radius"})
    CHECK_THAT(info, Catch::Contains(layer));
  const std::string styles = command_output(
      "ogrinfo -ro '" + (r.out / "layers.gpkg").string() +
          "' -sql \"SELECT f_table_name FROM layer_styles WHERE useAsDefault = 1\" 2>&1",
      &status);
  REQUIRE(status == 0);
  CHECK_THAT(styles, Catch::Contains("= zones_township"));
  CHECK_THAT(styles, Catch::Contains("= gap_county_hospital_30min"));
  // The facility layer holds every facility in EPSG:4490.
  const std::string fac = command_output(
      "ogrinfo -ro -so '" + (r.out / "layers.gpkg").string() + "' facilities 2>&1", &status);
  CHECK_THAT(fac, Catch::Contains("Feature Count: 198"));
  CHECK_THAT(fac, Catch::Contains("4490"));
}

TEST_CASE("run: the same inputs give the same tables, byte for byte", "[cli][demo][outputs]") {
  const DemoRun& first = bozhou();
  REQUIRE(first.result.code == 0);
  const DemoRun second("bozhou", "scenario.toml");
  REQUIRE(second.result.code == 0);
  for (const auto& e : fs::directory_iterator(first.out / "tables")) {
    INFO(e.path().filename());
    CHECK(slurp(e.path()) == slurp(second.out / "tables" / e.path().filename()));
  }
  CHECK(slurp(first.out / "report.md") == slurp(second.out / "report.md"));
  CHECK(slurp(first.out / "appendix.xlsx") == slurp(second.out / "appendix.xlsx"));
}

TEST_CASE("run: Bozhou tables equal the golden ones (scripts/refresh-golden.sh renews them)", "[cli][demo][golden]") {
  const DemoRun& r = bozhou();
  REQUIRE(r.result.code == 0);
  const fs::path golden = fs::path(CAREREACH_TEST_DATA) / "golden" / "bozhou";
  std::size_t compared = 0;
  for (const auto& e : fs::directory_iterator(golden)) {
    INFO(e.path().filename() << ": if the change is intended, run scripts/refresh-golden.sh and review the diff");
    CHECK(slurp(r.out / "tables" / e.path().filename()) == slurp(e.path()));
    ++compared;
  }
  CHECK(compared >= 4);
}

TEST_CASE("run --lang en writes English tables and report", "[cli][demo][outputs]") {
  const DemoRun r("porto-alegre", "scenario.toml", {"--lang", "en"});
  INFO(r.result.all());
  REQUIRE(r.result.code == 0);
  check_conservation(r.run);
  const std::string summary = slurp(r.out / "tables/summary.csv");
  CHECK_THAT(summary, Catch::Contains("Population"));
  CHECK_THAT(slurp(r.out / "report.md"), Catch::Contains("Main findings"));
  // The study area in English (region_en) titles the English reports; run.json keeps both names.
  CHECK_THAT(slurp(r.out / "report.md"), Catch::StartsWith("# Access to health services, Porto Alegre, Rio Grande do Sul"));
  CHECK_THAT(slurp(r.out / "report.html"),
             Catch::Contains("<h1>Access to health services — Porto Alegre, Rio Grande do Sul, Brazil</h1>"));
  CHECK_THAT(slurp(r.out / "report.html"), Catch::Contains("<html lang=\"en\">"));
  CHECK(r.run["scenario"]["region_en"] == "Porto Alegre, Rio Grande do Sul, Brazil");
  CHECK(r.run["scenario"]["region"] == "巴西南里奥格兰德州阿雷格里港市");
}

TEST_CASE("compare: TCM corners in the village clinics of two counties", "[cli][demo][compare]") {
  const DemoRun& base = bozhou();
  REQUIRE(base.result.code == 0);
  const DemoRun scenario("bozhou", "scenario_tcm_corners.toml");
  INFO(scenario.result.all());
  REQUIRE(scenario.result.code == 0);
  CHECK(scenario.run["changes"]["upgraded"] == 35);
  TempDir tmp;
  const auto r = run_cli({"compare", base.out.string(), scenario.out.string(), "--out", (tmp / "cmp").string()});
  INFO(r.all());
  REQUIRE(r.code == 0);
  for (const char* f : {"compare.md", "compare.html", "tables/compare_county.csv", "tables/compare_township.csv", "layers.gpkg",
                        "travel_time_diff_tcm_15min.tif"})
    CHECK(fs::exists(tmp / "cmp" / f));
  // Only the TCM circle changes: the corners are tagged tcm, and no other standard selects on that tag.
  auto total = [](const json& run, const std::string& id) {
    for (const auto& s : run["coverage"])
      if (s["standard"] == id) return s["total"]["pop_covered"].get<double>();
    return std::nan("");
  };
  CHECK(total(scenario.run, "tcm_15min") > total(base.run, "tcm_15min"));
  for (const char* id : {"primary_care_15min", "county_hospital_30min", "county_hospital_60min", "emergency_radius"})
    CHECK(total(scenario.run, id) == total(base.run, id));
  // 蒙城县 (341622) and 利辛县 (341623) gain; nobody loses (their neighbours may gain across the border).
  for (const auto& z : scenario.run["coverage"][0]["levels"][0]["zones"]) {
    const std::string code = z["code"];
    double before = 0;
    for (const auto& b : base.run["coverage"][0]["levels"][0]["zones"])
      if (b["code"] == code) before = b["pop_covered"];
    INFO(code);
    if (code == "341622" || code == "341623") CHECK(z["pop_covered"].get<double>() > before);
    else CHECK(z["pop_covered"].get<double>() >= before);
  }
  CHECK_THAT(slurp(tmp / "cmp" / "compare.md"), Catch::Contains("15分钟中医药服务圈"));

  // compare.html: the TCM circle's gain as the two run.json files give it, its two maps (change of coverage with
  // the 35 upgraded clinics, change per township); the unchanged standards get no maps.
  const std::string html = slurp(tmp / "cmp" / "compare.html");
  const double gain = total(scenario.run, "tcm_15min") - total(base.run, "tcm_15min");
  std::ostringstream grouped;
  const auto whole = static_cast<long long>(std::llround(gain));
  grouped << "+" << whole / 1000 << "," << std::setw(3) << std::setfill('0') << whole % 1000;
  REQUIRE(whole >= 1000);
  REQUIRE(whole < 1000000);
  CHECK_THAT(html, Catch::Contains("覆盖人口 " + grouped.str() + " 人"));
  CHECK_THAT(html, Catch::Contains("<span class=\"baseline\""));
  CHECK_THAT(html, Catch::Contains("15分钟中医药服务圈 — 覆盖变化"));
  CHECK_THAT(html, Catch::Contains("调整机构（等级、标签） (35)"));
  std::size_t maps = 0;
  for (auto at = html.find("class=\"carereach-map\""); at != std::string::npos; at = html.find("class=\"carereach-map\"", at + 1))
    ++maps;
  CHECK(maps == 2);
  CHECK(html.find("<img") == std::string::npos);

  // compare.json records both runs (with the checksum of their run.json) and the outputs; the folder is a
  // carereach output (its marker): --overwrite replaces it.
  const json manifest = json::parse(slurp(tmp / "cmp" / "compare.json"));
  CHECK(manifest["carereach"]["command"] == "compare");
  CHECK(manifest["run_a"]["folder"] == base.out.string());
  CHECK(manifest["run_b"]["started_at"] == scenario.run["started_at"]);
  CHECK(manifest["run_a"]["run_json_sha256"].get<std::string>().size() == 64);
  const auto outputs = manifest["outputs"].get<std::vector<std::string>>();
  for (const char* f : {"compare.html", "compare.md", "layers.gpkg", "compare.json"})
    CHECK(std::find(outputs.begin(), outputs.end(), f) != outputs.end());
  const auto again = run_cli({"-q", "compare", base.out.string(), scenario.out.string(), "--out", (tmp / "cmp").string(),
                              "--overwrite"});
  INFO(again.all());
  CHECK(again.code == 0);
  CHECK(fs::exists(tmp / "cmp" / "compare.html"));

  // Runs of an earlier version whose run.json names no CRS: the comparison is written, without maps, and says why.
  for (const auto& [from, to] : {std::pair{base.out, tmp / "old_a"}, std::pair{scenario.out, tmp / "old_b"}}) {
    fs::copy(from, to, fs::copy_options::recursive);
    json j = json::parse(slurp(to / "run.json"));
    j.erase("crs");
    std::ofstream(to / "run.json", std::ios::binary) << j.dump(2);
  }
  const auto old = run_cli({"-q", "compare", (tmp / "old_a").string(), (tmp / "old_b").string(), "--out",
                            (tmp / "cmp_old").string()});
  INFO(old.all());
  REQUIRE(old.code == 0);
  const std::string old_html = slurp(tmp / "cmp_old" / "compare.html");
  CHECK_THAT(old_html, Catch::Contains("run.json 未记录坐标系"));
  CHECK(old_html.find("class=\"carereach-map\"") == std::string::npos);
}

TEST_CASE("run: local density targets replace the national ones; an unknown indicator stops the run",
          "[cli][outputs][density]") {
  // The Bozhou demo's beds (geodata/bozhou/README.md): 4 general hospitals × 1000 + 4 TCM hospitals × 600 + 78
  // township health centres × 40 + 4 community health centres × 20 = 9,600 beds for 4,996,844 persons: 1.92 per
  // 1,000, below the national 7.4, above a local target of 1.0.
  const std::string base = slurp(fs::path(CAREREACH_GEODATA) / "bozhou" / "scenario.toml");
  TempDir tmp;
  for (const auto& f : fs::directory_iterator(fs::path(CAREREACH_GEODATA) / "bozhou"))
    if (f.is_regular_file()) fs::copy_file(f.path(), tmp / f.path().filename().string());
  tmp.write("local.toml", base + "\n[density]\nsource = \"本地规划（测试）\"\n[density.targets]\nbeds_per_1000 = 1.0\n");
  const auto r = run_cli({"-q", "run", (tmp / "local.toml").string(), "--out", (tmp / "out").string()});
  INFO(r.all());
  REQUIRE(r.code == 0);
  const std::string summary = slurp(tmp / "out" / "tables" / "summary.csv");
  CHECK_THAT(summary, Catch::Contains("本地规划（测试）"));
  // The beds row: value 1.92 against target 1.00, met (是).
  bool found = false;
  std::istringstream lines(summary);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind("每千常住人口医疗卫生机构床位数", 0) == 0) {
      found = true;
      CHECK_THAT(line, Catch::Contains(",1.92,1.00,") && Catch::Contains(",是,"));
    }
  CHECK(found);

  tmp.write("bad.toml", base + "\n[density]\nsource = \"x\"\n[density.targets]\nbeds_per_person = 1.0\n");
  const auto bad = run_cli({"-q", "run", (tmp / "bad.toml").string(), "--out", (tmp / "out2").string()});
  CHECK(bad.code == 3);
  CHECK_THAT(bad.err, Catch::Contains("beds_per_person") && Catch::Contains("beds_per_1000"));
  CHECK_FALSE(fs::exists(tmp / "out2"));
}
