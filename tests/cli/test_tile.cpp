// Tiled runs (docs/method/tiles.md): `carereach tile` and tile scenarios run by `carereach run`. A synthetic case in
// a projected CRS (EPSG:4548, metres): three 10 km square counties in a row, census totals, three facilities, a
// walking standard on the raster engine (4 km/h everywhere) and a straight-line one. Each tile's own cells must
// have the untiled run's travel times, the own cells partition the grid, and the tiles' exact zone sums add up to
// the untiled run's.

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <gdal_priv.h>
#include <nlohmann/json.hpp>

#include "cli_runner.hpp"
#include "tile_fixture.hpp"

using carereach::test::run_cli;
using carereach::test::slurp;
using carereach::test::TempDir;
using json = nlohmann::json;
namespace fs = std::filesystem;
using namespace carereach::test::tile_fixture;

namespace {

/// Per standard and county code: the exact sums of the tiles' tile.json.
using Sums = std::map<std::string, std::map<std::string, std::map<std::string, double>>>;

void add_tile_sums(const json& tile, Sums& sums) {
  for (const auto& st : tile["standards"])
    for (const auto& level : st["levels"])
      if (level["level"] == "county")
        for (const auto& z : level["zones"])
          for (const char* k : {"population", "population_covered", "population_reached"})
            sums[st["id"]][z["code"]][k] += z[k].get<double>();
}

/// The untiled run's per-county figures, from run.json's coverage (its unrounded persons).
Sums untiled_sums(const json& run) {
  Sums out;
  for (const auto& st : run["coverage"])
    for (const auto& level : st["levels"])
      if (level["level"] == "county")
        for (const auto& z : level["zones"]) {
          const json& exact = z["exact"];
          out[st["standard"]][z["code"]]["population"] = exact["pop_total"].get<double>();
          out[st["standard"]][z["code"]]["population_covered"] = exact["pop_covered"].get<double>();
          out[st["standard"]][z["code"]]["population_reached"] = exact["pop_reached"].get<double>();
        }
  return out;
}

void check_sums(const Sums& tiles, const Sums& whole) {
  REQUIRE_FALSE(whole.empty());
  for (const auto& [st, zones_of] : whole) {
    REQUIRE(tiles.count(st) == 1);
    for (const auto& [code, figures] : zones_of) {
      REQUIRE(tiles.at(st).count(code) == 1);
      for (const auto& [k, v] : figures) {
        INFO(st << " " << code << " " << k);
        CHECK(tiles.at(st).at(code).at(k) == Approx(v).epsilon(1e-9).margin(1e-9));
      }
    }
  }
}

/// The rows of a table (CSV as carereach writes it: UTF-8 with a BOM, no quoted commas in these tables) whose
/// zone code column is `code`, as header → value.
std::vector<std::map<std::string, std::string>> county_rows(const std::string& csv, const std::string& code) {
  auto split = [](std::string line) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::vector<std::string> cells;
    std::string cell;
    std::istringstream in(line);
    while (std::getline(in, cell, ',')) cells.push_back(cell);
    if (!line.empty() && line.back() == ',') cells.emplace_back();
    return cells;
  };
  std::istringstream in(csv.rfind("\xEF\xBB\xBF", 0) == 0 ? csv.substr(3) : csv);
  std::string line;
  std::getline(in, line);
  const auto header = split(line);
  std::vector<std::map<std::string, std::string>> rows;
  while (std::getline(in, line)) {
    const auto cells = split(line);
    if (std::find(cells.begin(), cells.end(), code) == cells.end()) continue;
    std::map<std::string, std::string> row;
    for (std::size_t i = 0; i < header.size() && i < cells.size(); ++i) row[header[i]] = cells[i];
    rows.push_back(row);
  }
  return rows;
}

/// The same through the plan's own job script (run_local.sh, xargs, two at once), as a planner runs a plan on one
/// machine: the script runs the carereach that wrote the plan.
std::vector<std::pair<json, fs::path>> run_tiles_by_script(const fs::path& plan_dir) {
  for (const char* f : {"tiles.txt", "slurm.sbatch", "submit_slurm.sh", "run_local.sh"}) {
    INFO(f);
    REQUIRE(fs::exists(plan_dir / f));
  }
  const std::string command = "sh '" + (plan_dir / "run_local.sh").string() + "' --xargs -j 2 >'" +
                              (plan_dir / "script.log").string() + "' 2>&1";
  const int status = std::system(command.c_str());
  std::ifstream log(plan_dir / "script.log");
  const std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  INFO(text);
  REQUIRE(status == 0);
  const json plan = read_json(plan_dir / "plan.json");
  std::vector<std::pair<json, fs::path>> out;
  for (const auto& t : plan["tiles"]) {
    const fs::path out_dir = plan_dir / t["out"].get<std::string>();
    REQUIRE(fs::exists(out_dir / "tile.json"));
    out.emplace_back(t, out_dir);
  }
  return out;
}

/// Grid tiles against the untiled run: every own cell's time is the untiled time on that cell, the halo is
/// no-data, every untiled cell is the own cell of exactly one tile, and the tiles' exact zone sums add up.
void check_grid_tiles(const fs::path& full, const std::vector<std::pair<json, fs::path>>& tiles,
                      const std::vector<std::string>& standards) {
  for (const std::string& st : standards) {
    const Raster whole = read_tif(full / ("travel_time_" + st + ".tif"));
    std::vector<int> owners(static_cast<std::size_t>(whole.cols) * whole.rows, 0);
    std::size_t compared = 0, reached = 0;
    for (const auto& [t, out] : tiles) {
      const json tile = read_json(out / "tile.json");
      const auto box = tile["tile"]["box"];
      const Raster part = read_tif(out / ("travel_time_" + st + ".tif"));
      const int dc = static_cast<int>(std::lround((part.gt[0] - whole.gt[0]) / 500.0));
      const int dr = static_cast<int>(std::lround((whole.gt[3] - part.gt[3]) / 500.0));
      REQUIRE(std::fabs(part.gt[0] - whole.gt[0] - dc * 500.0) < 1e-6);  // the parent's lattice
      for (int r = 0; r < part.rows; ++r)
        for (int col = 0; col < part.cols; ++col) {
          const double x = part.gt[0] + (col + 0.5) * 500.0, y = part.gt[3] - (r + 0.5) * 500.0;
          const bool own = x > box[0].get<double>() && x < box[2].get<double>() && y > box[1].get<double>() &&
                           y < box[3].get<double>();
          if (!own) {
            CHECK_FALSE(part.valid(col, r));  // the halo is not reported
            continue;
          }
          const int wc = col + dc, wr = r + dr;
          REQUIRE(wc >= 0);
          REQUIRE(wc < whole.cols);
          REQUIRE(wr >= 0);
          REQUIRE(wr < whole.rows);
          ++owners[static_cast<std::size_t>(wr) * whole.cols + wc];
          ++compared;
          INFO(st << " tile " << t["id"] << " cell " << col << "," << r);
          REQUIRE(part.valid(col, r) == whole.valid(wc, wr));
          if (whole.valid(wc, wr)) {
            ++reached;
            CHECK(part.at(col, r) == whole.at(wc, wr));
          }
        }
    }
    // Every cell of the untiled grid is the own cell of exactly one tile.
    for (std::size_t i = 0; i < owners.size(); ++i) REQUIRE(owners[i] == 1);
    CHECK(compared == owners.size());
    CHECK(reached > 50);  // the comparison is not over no-data alone
  }

  Sums sums;
  for (const auto& [t, out] : tiles) add_tile_sums(read_json(out / "tile.json"), sums);
  check_sums(sums, untiled_sums(read_json(full / "run.json")));
}

}  // namespace

TEST_CASE("tiles by grid: own cells have the untiled times, partition the grid, and their sums add up",
          "[cli][tile]") {
  Case c;
  const fs::path full = c.dir / "full";
  const auto r0 = run_cli({"run", c.scenario(), "--out", full.string()});
  INFO(r0.all());
  REQUIRE(r0.code == 0);
  const fs::path plan_dir = c.dir / "plan";
  const auto rp = run_cli({"tile", c.scenario(), "--by", "grid", "--size-km", "8", "--out", plan_dir.string(), "--json"});
  INFO(rp.all());
  REQUIRE(rp.code == 0);
  const json plan = read_json(plan_dir / "plan.json");
  // --json: stdout holds the summary alone, with the plan's halo and tiles.
  const json summary = json::parse(rp.out);
  CHECK(summary["status"] == "ok");
  CHECK(summary["halo_m"] == plan["halo_m"]);
  REQUIRE(summary["tiles"].size() == plan["tiles"].size());
  for (std::size_t i = 0; i < plan["tiles"].size(); ++i) {
    CHECK(summary["tiles"][i]["id"] == plan["tiles"][i]["id"]);
    CHECK(summary["tiles"][i]["cells"] == plan["tiles"][i]["cells"]);
    CHECK(summary["tiles"][i]["own_cells"] == plan["tiles"][i]["own_cells"]);
  }
  // The halo by hand: raster walking 40 min (the search limit) at 4 km/h = 2666.67 m, plus 3 cells and a diagonal
  // (1500 + 707.1 m) = 4873.8 → 4874 m; the straight line: 40 min at 5/1.25 = 4 km/h = 2666.67 + 707.1 → less.
  CHECK(plan["halo_m"].get<double>() == 4874.0);
  CHECK(plan["crs"] == "EPSG:4548");
  // 30 km × 10 km in 8 km squares: 4 columns × 2 rows.
  REQUIRE(plan["tiles"].size() == 8);
  const auto tiles = run_tiles(plan_dir);

  check_grid_tiles(full, tiles, {"walk_30min", "straight_20min"});
}

TEST_CASE("tiles by grid on the network engine: the roads clipped to the window give the untiled times",
          "[cli][tile]") {
  Case c;
  // Roads every 2 km both ways over the three counties, with a vertex every kilometre, and a primary road across.
  auto line = [](double x0, double y0, double x1, double y1, const char* cls) {
    const int n = static_cast<int>(std::lround(std::hypot(x1 - x0, y1 - y0) / 1000.0));
    std::string coords;
    for (int i = 0; i <= n; ++i)
      coords += (i ? "," : "") + std::string("[") + std::to_string(x0 + (x1 - x0) * i / n) + "," +
                std::to_string(y0 + (y1 - y0) * i / n) + "]";
    return R"({"type":"Feature","properties":{"highway":")" + std::string(cls) +
           R"("},"geometry":{"type":"LineString","coordinates":[)" + coords + "]}}";
  };
  std::string roads = R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4548"}},"features":[)";
  for (int x = 451000; x < 480000; x += 2000) roads += line(x, 3700000, x, 3710000, "residential") + ",";
  for (int y = 3701000; y < 3710000; y += 2000) roads += line(450000, y, 480000, y, "residential") + ",";
  roads += line(450000, 3700000, 480000, 3710000, "primary") + "]}";
  c.dir.write("roads.geojson", roads);
  std::string text = kScenario;
  text = text.substr(0, text.find("[travel]")) +
         "[roads]\nsource = \"roads.geojson\"\nclass_field = \"highway\"\n\n[travel]\nsearch_limit_min = 20\n\n"
         "[standards]\ndefaults = false\n\n[standards.bike_15min]\nname_zh = \"骑行15分钟\"\nthreshold_min = 15\n"
         "mode = \"bicycle\"\nengine = \"network\"\ntarget_share = 0.8\n";
  c.dir.write("scenario.toml", text);
  const TiledRun run = run_untiled_and_tiles(c.scenario(), c.dir, {"--by", "grid", "--size-km", "8"});
  // The halo is smaller than the study area, so tiles hold part of the roads only.
  REQUIRE(read_json(run.plan / "plan.json")["halo_m"].get<double>() < 12000.0);
  check_grid_tiles(run.full, run.tiles, {"bike_15min"});
}

TEST_CASE("tiles by county: times, sums and the table rows of each county are the untiled run's", "[cli][tile]") {
  Case c;
  const fs::path full = c.dir / "full";
  REQUIRE(run_cli({"run", c.scenario(), "--out", full.string()}).code == 0);
  const fs::path plan_dir = c.dir / "plan";
  const auto rp = run_cli({"tile", c.scenario(), "--by", "county", "--out", plan_dir.string()});
  INFO(rp.all());
  REQUIRE(rp.code == 0);
  const json plan = read_json(plan_dir / "plan.json");
  REQUIRE(plan["tiles"].size() == 3);
  CHECK(plan["tiles"][0]["id"] == "100001");
  CHECK(plan["tiles"][0]["own_cells"] == 400);  // 10 km × 10 km of 500 m cells
  const auto tiles = run_tiles_by_script(plan_dir);
  Sums sums;
  for (const auto& [t, out] : tiles) {
    const json tile = read_json(out / "tile.json");
    add_tile_sums(tile, sums);
    // Only its own county is reported.
    for (const auto& level : tile["zones"]) {
      REQUIRE(level["zones"].size() == 1);
      CHECK(level["zones"][0]["code"] == t["id"]);
      CHECK(level["partial"].empty());
    }
    for (const std::string st : {"walk_30min", "straight_20min"}) {
      const Raster whole = read_tif(full / ("travel_time_" + st + ".tif"));
      const Raster part = read_tif(out / ("travel_time_" + st + ".tif"));
      const int dc = static_cast<int>(std::lround((part.gt[0] - whole.gt[0]) / 500.0));
      const int dr = static_cast<int>(std::lround((whole.gt[3] - part.gt[3]) / 500.0));
      const int code = std::stoi(t["id"].get<std::string>()) - 100001;
      const double x0 = 450000 + 10000 * code;
      for (int r = 0; r < part.rows; ++r)
        for (int col = 0; col < part.cols; ++col) {
          const double x = part.gt[0] + (col + 0.5) * 500.0;
          const bool own = x > x0 && x < x0 + 10000;
          if (!own) {
            CHECK_FALSE(part.valid(col, r));
            continue;
          }
          const int wc = col + dc, wr = r + dr;
          REQUIRE(part.valid(col, r) == whole.valid(wc, wr));
          if (whole.valid(wc, wr)) CHECK(part.at(col, r) == whole.at(wc, wr));
        }
    }
    // The tables: each row of this county has the untiled row's values, column by column (matched by header: a
    // tile's facility-count table has only the columns of the types in it). Whole persons are published by
    // apportioning the level's exact persons over its zones (report/published.hpp), so with other zones beside it a
    // county's covered persons may round the other way: within one person and its share within 0.1 point; the
    // exact sums are checked above.
    for (const std::string name : {"coverage_county.csv", "density_county.csv", "facility_counts_county.csv"}) {
      const auto tiled = county_rows(slurp(out / "tables" / name), t["id"]);
      const auto untiled = county_rows(slurp(full / "tables" / name), t["id"]);
      REQUIRE_FALSE(tiled.empty());
      REQUIRE(tiled.size() == untiled.size());
      for (std::size_t i = 0; i < tiled.size(); ++i)
        for (const auto& [column, value] : tiled[i]) {
          INFO(name << " " << t["id"] << " " << column << ": " << value << " vs " << untiled[i].at(column));
          REQUIRE(untiled[i].count(column) == 1);
          if (column.find("覆盖人口") != std::string::npos) {
            CHECK(std::fabs(std::stod(value) - std::stod(untiled[i].at(column))) <= 1.0);
          } else if (column.find("覆盖率") != std::string::npos) {
            CHECK(std::fabs(std::stod(value) - std::stod(untiled[i].at(column))) <= 0.1 + 1e-9);
          } else {
            CHECK(value == untiled[i].at(column));
          }
        }
    }
  }
  check_sums(sums, untiled_sums(read_json(full / "run.json")));
}

TEST_CASE("a facility inside the halo serves the tile's cells; one beyond it is left out", "[cli][tile]") {
  // Two counties; only facilities in county 100002: one 1 km east of county 100001's edge (inside the halo), one
  // 8 km east of it (beyond the halo of 4874 m). FAR comes first: the tile leaves it out, and NEAR becomes its
  // first facility (facility ids are indices of the set loaded, numbered again).
  Case c(2, "id,name,type,x,y\nFAR,远卫生院,乡镇卫生院,468000,3705250\nNEAR,近卫生院,乡镇卫生院,461000,3705250\n");
  const fs::path plan_dir = c.dir / "plan";
  REQUIRE(run_cli({"tile", c.scenario(), "--by", "county", "--out", plan_dir.string()}).code == 0);
  const fs::path out = plan_dir / "out" / "100001";
  const auto r = run_cli({"run", (plan_dir / "tiles" / "100001" / "scenario.toml").string(), "--out", out.string()});
  INFO(r.all());
  REQUIRE(r.code == 0);
  const json tile = read_json(out / "tile.json");
  CHECK(tile["own_region"]["facilities_beyond_window"] == 1);
  const Raster straight = read_tif(out / "travel_time_straight_20min.tif");
  // The east column of county 100001: centre x = 459750; the row of y = 3705250 (row 9 from the top edge at
  // 3710000). Straight line to NEAR: 1250 m × 1.25 ÷ (5 km/h = 83.333 m/min) = 18.75 min.
  const int col = static_cast<int>(std::lround((459750 - straight.gt[0]) / 500.0 - 0.5));
  const int row = static_cast<int>(std::lround((straight.gt[3] - 3705250) / 500.0 - 0.5));
  REQUIRE(straight.valid(col, row));
  CHECK(straight.at(col, row) == Approx(18.75).epsilon(1e-6));
  // The raster walk from the same cell: NEAR's cell centre is 461250 (x) — 1500 m east, three straight moves of
  // 500 m at 4 km/h (66.667 m/min) = 22.5 min.
  const Raster walk = read_tif(out / "travel_time_walk_30min.tif");
  CHECK(walk.at(col, row) == Approx(22.5).epsilon(1e-5));
  // A cell at the west edge (x = 450250): NEAR is 10.75 km away (161 min straight), FAR farther: beyond the limit.
  const int west = static_cast<int>(std::lround((450250 - straight.gt[0]) / 500.0 - 0.5));
  CHECK_FALSE(straight.valid(west, row));
  // The untiled run gives the same two figures.
  const fs::path full = c.dir / "full";
  REQUIRE(run_cli({"run", c.scenario(), "--out", full.string()}).code == 0);
  const Raster whole = read_tif(full / "travel_time_straight_20min.tif");
  const int wc = static_cast<int>(std::lround((459750 - whole.gt[0]) / 500.0 - 0.5));
  const int wr = static_cast<int>(std::lround((whole.gt[3] - 3705250) / 500.0 - 0.5));
  CHECK(whole.at(wc, wr) == straight.at(col, row));
}

TEST_CASE("bad [tile] inputs exit 3 and write nothing", "[cli][tile]") {
  Case c(2);
  c.dir.write("nested/scenario.toml", "[tile]\nscenario = \"../t_ok.toml\"\nid = \"a\"\nby = \"county\"\nlevel = \"county\"\n"
                                      "codes = [\"100001\"]\nhalo_m = 1000\ncrs = \"EPSG:4548\"\n");
  c.dir.write("t_ok.toml", "[tile]\nscenario = \"scenario.toml\"\nid = \"a\"\nby = \"county\"\nlevel = \"county\"\n"
                           "codes = [\"100001\"]\nhalo_m = 1000\ncrs = \"EPSG:4548\"\n");
  c.dir.write("capacity.toml", std::string(kScenario) +
                                            "\n[capacity.beds]\nname_zh = \"床位\"\nstandard = \"walk_30min\"\nthreshold_min = 30\nfield = \"beds\"\npersons_per_unit = 833\n");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"[tile]\nscenario = \"missing.toml\"\nid = \"a\"\nby = \"county\"\nlevel = \"county\"\ncodes = [\"100001\"]\nhalo_m = 1000\ncrs = \"EPSG:4548\"\n",
       "the parent scenario 'missing.toml' does not exist"},
      {"[tile]\nscenario = \"t_ok.toml\"\nid = \"a\"\nby = \"county\"\nlevel = \"county\"\ncodes = [\"100001\"]\nhalo_m = 1000\ncrs = \"EPSG:4548\"\n",
       "is itself a tile"},
      {"[tile]\nscenario = \"scenario.toml\"\nid = \"a\"\nby = \"county\"\nlevel = \"county\"\ncodes = [\"999999\"]\nhalo_m = 1000\ncrs = \"EPSG:4548\"\n",
       "'999999' is not a county zone code of the parent scenario"},
      {"[tile]\nscenario = \"scenario.toml\"\nid = \"a\"\nby = \"grid\"\nbox = [450000, 3700000, 455100, 3705000]\nhalo_m = 1000\ncrs = \"EPSG:4548\"\n",
       "the box is not on cell edges of the parent grid"},
      {"[tile]\nscenario = \"scenario.toml\"\nid = \"a\"\nby = \"grid\"\nbox = [450000, 3700000, 455000, 3705000]\nhalo_m = 0\ncrs = \"EPSG:4548\"\n",
       "field 'tile.halo_m': must be a number of metres above 0"},
      {"[tile]\nscenario = \"scenario.toml\"\nid = \"a\"\nby = \"grid\"\nbox = [450000, 3700000, 455000, 3705000]\nhalo_m = 1000\ncrs = \"EPSG:32650\"\n",
       "is not the analysis CRS of its parent scenario"},
      {"[tile]\nscenario = \"scenario.toml\"\nid = \"a\"\nby = \"county\"\nlevel = \"township\"\ncodes = [\"100001\"]\nhalo_m = 1000\ncrs = \"EPSG:4548\"\n",
       "'township' is not a polygon zone level of the parent scenario"},
      {"[tile]\nscenario = \"capacity.toml\"\nid = \"a\"\nby = \"county\"\nlevel = \"county\"\ncodes = [\"100001\"]\nhalo_m = 1000\ncrs = \"EPSG:4548\"\n",
       "[capacity.beds] cannot be computed tile by tile"},
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const auto& [text, expect] = cases[i];
    c.dir.write("bad.toml", text);
    const fs::path out = c.dir / ("out" + std::to_string(i));
    const auto before = c.dir.files();
    const auto r = run_cli({"run", (c.dir / "bad.toml").string(), "--out", out.string()});
    INFO(text << "\n" << r.all());
    CHECK(r.code == 3);
    CHECK_THAT(r.all(), Catch::Contains(expect));
    CHECK_FALSE(fs::exists(out));
    CHECK(c.dir.files() == before);  // no temporary folder left beside it either
  }
  // `carereach tile` refuses the same section before writing a plan.
  const auto r = run_cli({"tile", (c.dir / "capacity.toml").string(), "--by", "county", "--out",
                          (c.dir / "plan").string()});
  CHECK(r.code == 3);
  CHECK_THAT(r.all(), Catch::Contains("[capacity.beds] cannot be computed tile by tile"));
  CHECK_FALSE(fs::exists(c.dir / "plan"));
  const auto rj = run_cli({"tile", (c.dir / "capacity.toml").string(), "--by", "county", "--out",
                           (c.dir / "plan").string(), "--json"});
  CHECK(rj.code == 3);
  const json failure = json::parse(rj.out);
  CHECK(failure["status"] == "failed");
  CHECK(failure["errors"][0]["code"] == "tile.not_tileable");
  CHECK_FALSE(fs::exists(c.dir / "plan"));
  // `carereach validate` of such a tile says so before loading anything, as `run` does.
  c.dir.write("bad.toml", cases.back().first);
  const auto v = run_cli({"validate", (c.dir / "bad.toml").string()});
  INFO(v.all());
  CHECK(v.code == 3);
  CHECK_THAT(v.all(), Catch::Contains("[capacity.beds] cannot be computed tile by tile"));
}

TEST_CASE("settlements with a derived bandwidth are refused for tiles; a given bandwidth is accepted", "[cli][tile]") {
  // The bandwidth derived from the points' spacing, √(A / 12n), uses the points and area a run reads: a tile reads
  // its window only, so its bandwidth (and where the persons sit) would differ from the untiled run's.
  Case c;
  c.dir.write("villages.csv", "x,y\n452000,3702000\n457000,3706000\n463000,3703000\n471000,3708000\n476000,3701000\n");
  const std::string settlements = "\n[population.settlements]\nsource = \"villages.csv\"\ncrs = \"EPSG:4548\"\n"
                                  "x_field = \"x\"\ny_field = \"y\"\n";
  c.dir.write("derived.toml", std::string(kScenario) + settlements);
  c.dir.write("given.toml", std::string(kScenario) + settlements + "bandwidth_m = 1500\n");
  const auto r = run_cli({"tile", (c.dir / "derived.toml").string(), "--by", "county", "--out", (c.dir / "plan").string()});
  INFO(r.all());
  CHECK(r.code == 3);
  CHECK_THAT(r.all(), Catch::Contains("[population.settlements] without bandwidth_m cannot be computed tile by tile"));
  CHECK_FALSE(fs::exists(c.dir / "plan"));
  const auto ok = run_cli({"tile", (c.dir / "given.toml").string(), "--by", "county", "--out", (c.dir / "plan2").string()});
  INFO(ok.all());
  CHECK(ok.code == 0);
  CHECK(fs::exists(c.dir / "plan2" / "plan.json"));
}
