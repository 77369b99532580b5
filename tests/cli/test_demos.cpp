// The shipped demos validate and run; run.json is complete. Expected numbers come from the sources the demo
// data were built from (census totals, facility rows), and checksums from the system's sha256sum.

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>
#include <memory>

#include "cli_runner.hpp"

using namespace carereach::test;
namespace fs = std::filesystem;

namespace {

std::string sha256sum(const fs::path& file) {
  const std::string cmd = "sha256sum '" + file.string() + "'";
  std::unique_ptr<FILE, int (*)(FILE*)> p(popen(cmd.c_str(), "r"), pclose);
  char buf[65] = {};
  REQUIRE(p);
  REQUIRE(std::fread(buf, 1, 64, p.get()) == 64);
  return std::string(buf, 64);
}

std::size_t data_rows(const fs::path& csv) {
  std::ifstream in(csv);
  std::string line;
  std::size_t n = 0;
  while (std::getline(in, line))
    if (!line.empty()) ++n;
  return n - 1;  // header
}

/// 1441 → "1,441", as validate prints counts.
std::string grouped(std::size_t n) {
  std::string s = std::to_string(n);
  for (std::size_t at = s.size(); at > 3; at -= 3) s.insert(at - 3, ",");
  return s;
}

}  // namespace

TEST_CASE("the Bozhou demo validates", "[cli][demo]") {
  const fs::path demo = fs::path(CAREREACH_GEODATA) / "bozhou";
  const auto r = run_cli({"validate", (demo / "scenario.toml").string()});
  INFO(r.all());
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("EPSG:4548"));                    // CGCS2000 3° GK CM 117E for 115.5–116.7°E
  CHECK_THAT(r.out, Catch::Contains("county 区县: 4 zones"));
  CHECK_THAT(r.out, Catch::Contains("township 乡镇: " + std::to_string(data_rows(demo / "township_seats.csv"))));
  // Census 2020 county totals of 谯城区, 涡阳县, 蒙城县, 利辛县: 1,537,231 + 1,170,719 + 1,101,640 + 1,187,254.
  CHECK_THAT(r.out, Catch::Contains("4,996,844 persons in the input, 4,996,844 on the grid"));
  CHECK_THAT(r.out, Catch::Contains("Facilities 医疗卫生机构: " + grouped(data_rows(demo / "facilities.csv"))));
  CHECK_THAT(r.out, Catch::Contains("1 connected component"));
  CHECK_THAT(r.out, Catch::Contains("0 error(s), 0 warning(s)"));
}

TEST_CASE("the Porto Alegre demo validates", "[cli][demo]") {
  const fs::path demo = fs::path(CAREREACH_GEODATA) / "porto-alegre";
  const auto r = run_cli({"validate", (demo / "scenario.toml").string()});
  INFO(r.all());
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("EPSG:32722"));  // UTM zone 22S for 51.2°W 30.1°S
  // IBGE 2010 population of the hexagons (r5r's poa_hexgrid.csv): 812,935.
  CHECK_THAT(r.out, Catch::Contains("812,935 persons in the input, 812,935 on the grid"));
  CHECK_THAT(r.out, Catch::Contains("Facilities 医疗卫生机构: 141"));  // CNES facilities in r5r's hexagons
  CHECK_THAT(r.out, Catch::Contains("0 error(s)"));
}

TEST_CASE("run writes a complete run.json for the Bozhou demo", "[cli][demo]") {
  const fs::path demo = fs::path(CAREREACH_GEODATA) / "bozhou";
  TempDir tmp;
  const auto out = tmp / "bozhou";
  const auto r = run_cli({"run", (demo / "scenario.toml").string(), "--out", out.string()});
  INFO(r.all());
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains(out.string()));
  const auto j = nlohmann::json::parse(slurp(out / "run.json"));
  for (const char* key : {"carereach", "versions", "started_at", "finished_at", "scenario", "inputs", "settings", "crs",
                          "counts", "warnings", "timings_s", "outputs"})
    CHECK(j.contains(key));
  CHECK(j["versions"]["gdal"] == "3.6.2");
  CHECK(j["crs"]["analysis"]["code"] == "EPSG:4548");
  CHECK(j["crs"]["output"]["code"] == "EPSG:4490");
  CHECK(j["settings"]["cell_size_m"] == 100.0);
  CHECK(j["counts"]["population"]["grid_total"].get<double>() == Approx(4996844.0).epsilon(1e-9));
  CHECK(j["counts"]["zones"]["county"]["zones"] == 4);
  // Every input is listed with the checksum sha256sum computes, and the paths are the scenario's own.
  std::size_t checked = 0;
  for (const auto& in : j["inputs"]) {
    const fs::path p = demo / in["path"].get<std::string>();
    INFO(p);
    REQUIRE(fs::exists(p));
    CHECK(in["sha256"] == sha256sum(p));
    CHECK(in["bytes"] == fs::file_size(p));
    ++checked;
  }
  CHECK(checked == 7);  // scenario, counties, township seats, population totals, village seats, facilities, roads
  for (const char* step : {"zones", "population", "facilities", "roads"}) CHECK(j["timings_s"].contains(step));
  // Capacity-aware coverage of the township health centres ([capacity.thc_beds]): its facilities and capacity from
  // the facility rows (beds × 833), its 附表8 adding up, in the report.
  {
    std::ifstream in(demo / "facilities.csv");
    std::string line;
    std::getline(in, line);  // header: 机构代码,机构名称,机构类别,等级,标签,床位数,…
    std::size_t centres = 0;
    double beds = 0.0;
    while (std::getline(in, line)) {
      std::vector<std::string> cells;
      std::stringstream ls(line);
      std::string cell;
      while (std::getline(ls, cell, ',')) cells.push_back(cell);
      if (cells.size() > 5 && cells[2] == "乡镇卫生院") {
        ++centres;
        beds += std::stod(cells[5]);
      }
    }
    REQUIRE(j["travel"].contains("capacity"));
    const auto& c = j["travel"]["capacity"][0];
    CHECK(c["id"] == "thc_beds");
    CHECK(c["facilities"] == centres);
    CHECK(c["capacity_persons_exact"].get<double>() == Approx(beds * 833.0));
    std::ifstream table(out / "tables" / "capacity_thc_beds.csv");
    std::vector<long> served;
    std::getline(table, line);  // header
    std::size_t col = 0;
    {
      std::stringstream hs(line);
      std::string h;
      for (std::size_t i = 0; std::getline(hs, h, ','); ++i)
        if (h.rfind("服务人口", 0) == 0) col = i;
    }
    REQUIRE(col > 0);
    while (std::getline(table, line)) {
      std::vector<std::string> cells;
      std::stringstream ls(line);
      std::string cell;
      while (std::getline(ls, cell, ',')) cells.push_back(cell);
      REQUIRE(cells.size() > col);
      served.push_back(std::stol(cells[col]));
    }
    REQUIRE(served.size() == centres + 1);  // the total row first
    long sum = 0;
    for (std::size_t i = 1; i < served.size(); ++i) sum += served[i];
    CHECK(sum == served[0]);
    CHECK(c["persons_served"] == served[0]);
    CHECK(static_cast<double>(served[0]) <= beds * 833.0);
    CHECK_THAT(slurp(out / "report.html"), Catch::Contains("机构服务能力与负荷"));
    CHECK(fs::exists(out / "capacity_residual_thc_beds.tif"));
  }
  // No temporary folder is left beside the output.
  for (const auto& e : fs::directory_iterator(tmp.path())) CHECK(e.path().filename() == "bozhou");
}
