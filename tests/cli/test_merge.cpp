// `carereach merge` (docs/cli/merge.md, docs/method/tiles.md#merging): the synthetic case of the tile tests
// (tile_fixture.hpp) run untiled, and tiled by grid and by county; every tile run, then merged. The expected values
// are the untiled run's: its coverage tables byte for byte, and its travel-time rasters cell for cell.

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <fstream>
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
using json = nlohmann::json;
namespace fs = std::filesystem;
using namespace carereach::test::tile_fixture;

namespace {

/// The tables of a run folder that a merge writes (all but the gap areas), by file name.
std::set<std::string> merged_kind_tables(const fs::path& run) {
  std::set<std::string> out;
  for (const auto& e : fs::directory_iterator(run / "tables")) {
    const std::string name = e.path().filename().string();
    if (name != "gaps.csv") out.insert(name);
  }
  return out;
}

/// Merged tables equal the untiled run's byte for byte; the VRTs give the untiled raster's value on every cell.
void check_merge(const fs::path& full, const fs::path& merged) {
  const std::set<std::string> want = merged_kind_tables(full);
  REQUIRE(want.count("coverage_county.csv") == 1);
  REQUIRE(want.count("summary.csv") == 1);
  REQUIRE(want.count("density_county.csv") == 1);
  REQUIRE(want.count("facility_counts_county.csv") == 1);
  CHECK(fs::exists(merged / "appendix.xlsx"));
  CHECK(merged_kind_tables(merged) == want);
  for (const std::string& name : want) {
    INFO(name);
    CHECK(slurp(merged / "tables" / name) == slurp(full / "tables" / name));
  }
  std::size_t rasters = 0;
  for (const auto& e : fs::directory_iterator(full)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("travel_time_", 0) != 0 || e.path().extension() != ".tif") continue;
    ++rasters;
    const fs::path vrt = merged / (e.path().stem().string() + ".vrt");
    INFO(vrt);
    REQUIRE(fs::exists(vrt));
    const Raster whole = read_tif(e.path());
    const Raster mosaic = read_tif(vrt);
    CHECK(mosaic.gt[1] == whole.gt[1]);
    std::size_t reached = 0;
    for (int r = 0; r < whole.rows; ++r)
      for (int c = 0; c < whole.cols; ++c) {
        const double x = whole.gt[0] + (c + 0.5) * whole.gt[1], y = whole.gt[3] + (r + 0.5) * whole.gt[5];
        const int mc = static_cast<int>(std::floor((x - mosaic.gt[0]) / mosaic.gt[1]));
        const int mr = static_cast<int>(std::floor((y - mosaic.gt[3]) / mosaic.gt[5]));
        INFO("cell " << c << "," << r);
        const bool inside = mc >= 0 && mc < mosaic.cols && mr >= 0 && mr < mosaic.rows;
        REQUIRE(inside == true);  // the study area fills its envelope: every cell is some tile's own
        REQUIRE(mosaic.valid(mc, mr) == whole.valid(c, r));
        if (whole.valid(c, r)) {
          ++reached;
          CHECK(mosaic.at(mc, mr) == whole.at(c, r));
        }
      }
    CHECK(reached > 50);
  }
  CHECK(rasters >= 1);
}

/// The files a merge writes (all but the output-folder marker), with their bytes.
std::map<std::string, std::string> merge_files(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file() && e.path().filename() != ".carereach-output.json")
      out[e.path().lexically_relative(dir).generic_string()] = slurp(e.path());
  return out;
}

}  // namespace

TEST_CASE("merge of grid tiles: the untiled tables byte for byte, the rasters cell for cell; refusals; same bytes twice",
          "[cli][merge]") {
  // Facilities every 3 km, so that most zones have a median and a 90th percentile within the search limit.
  std::string facilities = "id,name,type,x,y\n";
  int n = 0;
  for (int x = 451500; x < 480000; x += 3000)
    for (int y = 3701500; y < 3710000; y += 3000) {
      const std::string id = std::to_string(++n);
      facilities += "F" + id + ",卫生室" + id + ",村卫生室," + std::to_string(x) + "," + std::to_string(y) + "\n";
    }
  // A planning indicator counted near the counties' seats (附表5): its zones are cut by the boxes, so a zone's
  // facilities come from several tiles; the third county has no seat (not assessed).
  Case c(3, facilities,
         "\n[zones.seats]\nsource = \"seats.csv\"\ncrs = \"EPSG:4548\"\nx_field = \"x\"\ny_field = \"y\"\n"
         "code_field = \"code\"\n\n[indicators.clinics_near_seat]\nkind = \"presence\"\nname_zh = \"驻地附近卫生室\"\n"
         "level = \"county\"\ntypes = [\"村卫生室\"]\nwithin_m = 4500\nmin_count = 3\n");
  c.dir.write("seats.csv", "code,x,y\n100001,455000,3705000\n100002,465000,3705000\n");
  const TiledRun run = run_untiled_and_tiles(c.scenario(), c.dir, {"--by", "grid", "--size-km", "8"});
  const fs::path& full = run.full;
  const fs::path& plan_dir = run.plan;
  const auto& tiles = run.tiles;
  REQUIRE(tiles.size() >= 4);

  const fs::path merged = c.dir / "merged";
  const auto rm = run_cli({"merge", plan_dir.string(), "--out", merged.string(), "--json"});
  INFO(rm.all());
  REQUIRE(rm.code == 0);
  const json summary = json::parse(rm.out);
  CHECK(summary["status"] == "ok");
  CHECK(summary["tiles"].size() == tiles.size());
  check_merge(full, merged);
  const std::string indicators = slurp(full / "tables" / "indicators.csv");
  INFO(indicators);
  CHECK(indicators.find("卫生室13、卫生室14") != std::string::npos);  // facilities of several tiles in one zone
  CHECK(indicators.find("未评估") != std::string::npos);               // the county without a seat
  // The quantiles are not all beyond the limit (the bins of tile.json are what gives them).
  const std::string table = slurp(full / "tables" / "coverage_county.csv");
  CHECK(std::count(table.begin(), table.end(), '\n') >= 8);
  CHECK(table.find("＞上限") == std::string::npos);
  const json m = read_json(merged / "merge.json");
  CHECK(m["schema_version"] == 1);
  CHECK(m["tiles"].size() == tiles.size());
  CHECK(m["plan"]["folder"] == "../plan");

  // Merging again gives the same bytes: into another folder, and over the first one with --overwrite.
  const fs::path again = c.dir / "merged2";
  REQUIRE(run_cli({"merge", plan_dir.string(), "--out", again.string()}).code == 0);
  CHECK(merge_files(again) == merge_files(merged));
  REQUIRE(run_cli({"merge", plan_dir.string(), "--out", merged.string()}).code == 6);  // exists, no --overwrite
  REQUIRE(run_cli({"merge", plan_dir.string(), "--out", merged.string(), "--overwrite"}).code == 0);
  CHECK(merge_files(again) == merge_files(merged));

  // A tile of another version, or of other settings, is refused naming the tile and the field.
  const fs::path second = tiles[1].second / "tile.json";
  const std::string original = slurp(second);
  const std::string id = tiles[1].first["id"].get<std::string>();
  // One field of the second tile's tile.json edited: merge refuses (exit 4, merge.mismatch) and writes nothing; the
  // one error, for the checks below.
  const auto mismatch = [&](const std::function<void(json&)>& edit, const std::string& out_name) {
    json t = json::parse(original);
    edit(t);
    std::ofstream(second, std::ios::binary) << t.dump(2);
    const auto r = run_cli({"merge", plan_dir.string(), "--out", (c.dir / out_name).string(), "--json"});
    INFO(r.all());
    CHECK(r.code == 4);
    const json j = json::parse(r.out);
    REQUIRE(j["errors"].size() == 1);
    CHECK(j["errors"][0]["code"] == "merge.mismatch");
    CHECK_FALSE(fs::exists(c.dir / out_name));
    return j["errors"][0];
  };
  {
    const json e = mismatch([](json& t) { t["carereach_version"] = "0.0.1-other"; }, "m_version");
    CHECK(e["message"].get<std::string>().find(id) != std::string::npos);
    CHECK(e["message"].get<std::string>().find("carereach_version") != std::string::npos);
  }
  {
    const json e = mismatch([](json& t) { t["settings"]["search_limit_min"] = 45; }, "m_settings");
    CHECK(e["message"].get<std::string>().find(id) != std::string::npos);
    CHECK(e["location"]["field"] == "settings.search_limit_min");
  }
  CHECK(mismatch([](json& t) { t["parent"]["scenario_sha256"] = std::string(64, '0'); },
                 "m_parent")["location"]["field"] == "parent.scenario_sha256");
  {
    // A tile.json of an older carereach, without the value bins: refused naming the field (in Chinese too).
    json t = json::parse(original);
    t["standards"][0]["levels"][0]["zones"][0].erase("value_bins");
    std::ofstream(second, std::ios::binary) << t.dump(2);
    const auto r = run_cli({"--lang", "zh", "merge", plan_dir.string(), "--out", (c.dir / "m_old").string()});
    INFO(r.all());
    CHECK(r.code == 4);
    CHECK(r.err.find("value_bins") != std::string::npos);
    CHECK(r.err.find("没有字段") != std::string::npos);
  }
  std::ofstream(second, std::ios::binary) << original;

  // A tile not run is refused, naming it and the command that runs it.
  fs::rename(tiles[2].second / "tile.json", tiles[2].second / "tile.json.away");
  const std::string missing = tiles[2].first["id"].get<std::string>();
  const auto r = run_cli({"merge", plan_dir.string(), "--out", (c.dir / "m_missing").string(), "--json"});
  INFO(r.all());
  CHECK(r.code == 4);
  const json j = json::parse(r.out);
  REQUIRE(j["errors"].size() == 1);
  CHECK(j["errors"][0]["code"] == "merge.missing_tiles");
  CHECK(j["errors"][0]["message"].get<std::string>().find(missing) != std::string::npos);
  const std::string hint = j["errors"][0]["hint"].get<std::string>();
  CHECK(hint.find("carereach run") != std::string::npos);
  CHECK(hint.find("tiles/" + missing + "/scenario.toml") != std::string::npos);
  CHECK(hint.find("out/" + missing) != std::string::npos);
  CHECK_FALSE(fs::exists(c.dir / "m_missing"));
}

TEST_CASE("merge of county tiles: the untiled tables byte for byte, the rasters cell for cell", "[cli][merge]") {
  // With a variant, so that the sensitivity table (附表7) is merged too.
  Case c(3,
         "id,name,type,x,y\nF1,甲镇卫生院,乡镇卫生院,455250,3705250\nF2,乙县中医院,中医医院,465000,3705000\n"
         "F3,丙村卫生室,村卫生室,473000,3702000\n",
         "\n[standards.walk_20min]\nvariant_of = \"walk_30min\"\nname_zh = \"步行20分钟\"\nname_en = \"20 min walk\"\n"
         "threshold_min = 20\n");
  const TiledRun run = run_untiled_and_tiles(c.scenario(), c.dir, {"--by", "county"});
  const fs::path& full = run.full;
  const fs::path& plan_dir = run.plan;
  const auto& tiles = run.tiles;
  REQUIRE(tiles.size() == 3);
  const fs::path merged = c.dir / "merged";
  const auto rm = run_cli({"merge", plan_dir.string(), "--out", merged.string()});
  INFO(rm.all());
  REQUIRE(rm.code == 0);
  REQUIRE(fs::exists(full / "tables" / "sensitivity_walk_30min.csv"));
  check_merge(full, merged);

  // In English, as `run --lang en`.
  const fs::path full_en = c.dir / "full_en";
  REQUIRE(run_cli({"run", c.scenario(), "--out", full_en.string(), "--lang", "en"}).code == 0);
  const fs::path merged_en = c.dir / "merged_en";
  REQUIRE(run_cli({"merge", plan_dir.string(), "--out", merged_en.string(), "--lang", "en"}).code == 0);
  for (const std::string& name : merged_kind_tables(full_en)) {
    INFO(name);
    CHECK(slurp(merged_en / "tables" / name) == slurp(full_en / "tables" / name));
  }
  CHECK(slurp(merged_en / "tables" / "coverage_county.csv") != slurp(merged / "tables" / "coverage_county.csv"));
}

TEST_CASE("merge of the Bozhou demo in 2 × 2 grid tiles: the untiled tables byte for byte, the rasters cell for cell",
          "[cli][merge]") {
  // geodata/bozhou/scenario.toml without what a tile refuses (tile.not_tileable): [capacity], [referral],
  // [accessibility], [huff], [siting] and the township level (zones from seats), with the settlements' bandwidth
  // given; its inputs by absolute path. The
  // search limit is the longest threshold (60 minutes), so that the halos are no wider than the standards need.
  const fs::path geodata = fs::path(CAREREACH_GEODATA) / "bozhou";
  std::istringstream in(slurp(geodata / "scenario.toml"));
  std::string scenario;
  bool skip = false;
  int zone_levels = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("[", 0) == 0) {
      const std::string name = line.substr(line.find_first_not_of('['), line.find(']') - line.find_first_not_of('['));
      if (name == "zones") ++zone_levels;
      skip = name == "zones" ? zone_levels == 2 : false;
      for (const char* refused : {"capacity", "referral", "accessibility", "huff", "siting"})
        if (name.rfind(std::string(refused) + ".", 0) == 0) skip = true;
    }
    if (skip) continue;
    if (const auto at = line.find("source = \""); at == 0)
      line.insert(at + 10, geodata.generic_string() + "/");
    scenario += line + "\n";
    // A tile refuses a bandwidth derived from what it reads: the one `carereach validate` derives for Bozhou
    // (730 m), given.
    if (line.rfind("[population.settlements]", 0) == 0) scenario += "bandwidth_m = 730\n";
  }
  REQUIRE(scenario.find("bandwidth_m = 730") != std::string::npos);
  REQUIRE(zone_levels == 2);
  REQUIRE(scenario.find("level = \"township\"") == std::string::npos);
  REQUIRE(scenario.find("[capacity") == std::string::npos);
  REQUIRE(scenario.find("[huff") == std::string::npos);
  scenario += "\n[travel]\nsearch_limit_min = 60\n";
  TempDir dir;
  dir.write("scenario.toml", scenario);
  const std::string file = (dir / "scenario.toml").string();

  const fs::path full = dir / "full";
  const auto r0 = run_cli({"-q", "run", file, "--out", full.string()});
  INFO(r0.all());
  REQUIRE(r0.code == 0);
  const fs::path plan_dir = dir / "plan";
  const auto rp = run_cli({"-q", "tile", file, "--by", "grid", "--size-km", "70", "--out", plan_dir.string()});
  INFO(rp.all());
  REQUIRE(rp.code == 0);
  const auto tiles = run_tiles(plan_dir);
  REQUIRE(tiles.size() == 4);
  std::set<std::string> ids;
  for (const auto& t : tiles) ids.insert(t.first["id"].get<std::string>());
  CHECK(ids == std::set<std::string>{"r000_c000", "r000_c001", "r001_c000", "r001_c001"});
  const fs::path merged = dir / "merged";
  const auto rm = run_cli({"-q", "merge", plan_dir.string(), "--out", merged.string()});
  INFO(rm.all());
  REQUIRE(rm.code == 0);
  // The demo's planning indicators, variants (附表7) and several time standards are all there to be merged.
  REQUIRE(fs::exists(full / "tables" / "indicators.csv"));
  REQUIRE(fs::exists(full / "tables" / "sensitivity_tcm_15min.csv"));
  check_merge(full, merged);
  const std::string density = slurp(merged / "tables" / "density_county.csv");
  CHECK(density.find("341602") != std::string::npos);
  const json m = read_json(merged / "merge.json");
  std::set<std::string> left_out;
  for (const auto& n : m["not_merged"]) left_out.insert(n["output"].get<std::string>());
  CHECK(left_out.count("tables/gaps.csv") == 1);
  CHECK(left_out.count("tables/indicators.csv") == 0);
  // The indicators list facilities of several tiles in one zone, in the untiled run's order.
  CHECK(slurp(merged / "tables" / "indicators.csv").find("、") != std::string::npos);
  CHECK_FALSE(fs::exists(merged / "tables" / "gaps.csv"));
}
