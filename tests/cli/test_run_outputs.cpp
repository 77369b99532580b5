// What `carereach run` writes after the travel times — coverage in run.json, tables, appendix, report, layers —
// checked on the demos: conservation (zones add up to their totals and to the population on the grid; covered and
// uncovered add up to the population), the same bytes from the same inputs, a GeoPackage that ogrinfo reads with
// the layers and styles it should hold, golden tables for Bozhou, and `compare` against the sub-centre scenario.

#include <catch2/catch.hpp>

#include <cpl_string.h>
#include <gdal.h>
#include <cpl_vsi.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iomanip>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <sstream>

#include "cli_runner.hpp"
#include "english_prose.hpp"

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

const DemoRun& xinyang() {
  static const DemoRun r("xinyang", "scenario.toml");
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

/// Conservation in run.json's coverage section: per standard and level, whole persons with covered + uncovered =
/// total in every zone; the zones add up to the level's total exactly; the zones of a finer level add up to their
/// parent exactly (where the level says it does); the exact figures beside them add up to the population on the
/// grid, and each whole number lies within 2 persons of its exact figure.
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
        REQUIRE(z["pop_total"].is_number_integer());
        REQUIRE(z["pop_covered"].is_number_integer());
        const double total = z["pop_total"], covered = z["pop_covered"], uncovered = z["pop_uncovered"];
        CHECK(covered + uncovered == total);
        CHECK(covered <= total);
        CHECK(std::abs(total - z["exact"]["pop_total"].get<double>()) < 2.0);
        CHECK(std::abs(covered - z["exact"]["pop_covered"].get<double>()) < 2.0);
        sum_total += total;
        sum_covered += covered;
        by_parent[z["parent_code"].get<std::string>()] += total;
        ++checked;
      }
      CHECK(sum_total == level["total"]["pop_total"].get<double>());
      CHECK(sum_covered == level["total"]["pop_covered"].get<double>());
      CHECK(level["total"]["exact"]["pop_total"].get<double>() == Approx(grid_total).epsilon(1e-9));
      if (level["adds_to_parent"] == true)
        for (const auto& [code, total] : parent_totals) {
          if (!by_parent.count(code)) continue;
          INFO("parent " << code);
          CHECK(by_parent[code] == total);
        }
      parent_totals.clear();
      for (const auto& z : level["zones"]) parent_totals[z["code"].get<std::string>()] = z["pop_total"];
    }
  }
  CHECK(checked > 0);
}

/// A CSV file of carereach (UTF-8 with a byte-order mark, CRLF line ends, RFC 4180 quoting) as rows of cells;
/// fails the test when the file is not written so.
std::vector<std::vector<std::string>> read_csv(const fs::path& file) {
  const std::string text = slurp(file);
  INFO(file);
  REQUIRE(text.rfind("\xEF\xBB\xBF", 0) == 0);
  std::vector<std::vector<std::string>> rows(1);
  std::string cell;
  bool quoted = false;
  for (std::size_t i = 3; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') cell += '"', ++i;
      else if (c == '"') quoted = false;
      else cell += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().push_back(std::move(cell));
      cell.clear();
    } else if (c == '\r') {
      REQUIRE(i + 1 < text.size());
      REQUIRE(text[i + 1] == '\n');  // CRLF, never a bare CR
      ++i;
      rows.back().push_back(std::move(cell));
      cell.clear();
      rows.emplace_back();
    } else {
      REQUIRE(c != '\n');  // a bare LF
      cell += c;
    }
  }
  REQUIRE(rows.back().empty());  // the last line ends with CRLF
  rows.pop_back();
  return rows;
}

std::size_t column(const std::vector<std::string>& header, const std::string& name) {
  const auto it = std::find(header.begin(), header.end(), name);
  INFO("column " << name);
  REQUIRE(it != header.end());
  return static_cast<std::size_t>(it - header.begin());
}

long long whole(const std::string& s) {
  INFO("'" << s << "' is not a whole number");
  REQUIRE(!s.empty());
  REQUIRE(s.find_first_not_of("-0123456789") == std::string::npos);
  return std::stoll(s);
}

std::string unzip_member(const fs::path& archive, const std::string& member) {
  int status = 0;
  const std::string out = command_output("/usr/bin/unzip -p '" + archive.string() + "' '" + member + "'", &status);
  REQUIRE(status == 0);
  return out;
}

/// The texts of an XLSX workbook a reader sees: the shared strings (every text cell) and the sheet names.
std::vector<std::string> xlsx_texts(const fs::path& xlsx) {
  std::vector<std::string> out;
  const std::regex text_element("<t(?: [^>]*)?>([^<]*)</t>");
  const std::string strings = unzip_member(xlsx, "xl/sharedStrings.xml");
  for (auto it = std::sregex_iterator(strings.begin(), strings.end(), text_element); it != std::sregex_iterator(); ++it)
    out.push_back((*it)[1]);
  const std::string workbook = unzip_member(xlsx, "xl/workbook.xml");
  const std::regex sheet("<sheet name=\"([^\"]*)\"");
  for (auto it = std::sregex_iterator(workbook.begin(), workbook.end(), sheet); it != std::sregex_iterator(); ++it)
    out.push_back((*it)[1]);
  return out;
}

}  // namespace

std::size_t count_of(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (auto at = s.find(what); at != std::string::npos; at = s.find(what, at + what.size())) ++n;
  return n;
}

TEST_CASE("run: the Bozhou demo writes every output, and its figures add up", "[cli][demo][outputs]") {
  const DemoRun& r = bozhou();
  INFO(r.result.all());
  REQUIRE(r.result.code == 0);
  for (const char* f : {"run.json", "layers.gpkg", "appendix.xlsx", "report.md", "tables/summary.csv",
                        "tables/coverage_county.csv", "tables/coverage_township.csv", "tables/density_county.csv",
                        "tables/gaps.csv", "travel_time_tcm_15min.tif", "facility_access.csv"})
    CHECK(fs::exists(r.out / f));
  check_conservation(r.run);
  // The five standards of the profile and the scenario's two variants, each listed after its base (the order of
  // geodata/bozhou/scenario.toml), the emergency radius by straight line with urban and rural radii.
  REQUIRE(r.run["coverage"].size() == 7);
  std::vector<std::string> ids, bases;
  for (const auto& c : r.run["coverage"]) {
    ids.push_back(c["standard"]);
    bases.push_back(c.value("variant_of", ""));
  }
  CHECK(ids == std::vector<std::string>{"tcm_15min", "tcm_15min_ebike", "primary_care_15min", "county_hospital_30min",
                                        "county_hospital_30min_estimate", "county_hospital_60min", "emergency_radius"});
  CHECK(bases == std::vector<std::string>{"", "tcm_15min", "", "", "county_hospital_30min", "", ""});
  // One sensitivity table per base with variants.
  CHECK(fs::exists(r.out / "tables/sensitivity_tcm_15min.csv"));
  CHECK(fs::exists(r.out / "tables/sensitivity_county_hospital_30min.csv"));
  const auto& er = r.run["coverage"][6];
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
  std::size_t rows = 0;  // the facilities of the demo: the data rows of its CSV, counted here
  {
    std::ifstream in(fs::path(CAREREACH_GEODATA) / "bozhou" / "facilities.csv");
    for (std::string line; std::getline(in, line);) rows += line.empty() ? 0 : 1;
  }
  REQUIRE(rows > 1);
  CHECK_THAT(fac, Catch::Contains("Feature Count: " + std::to_string(rows - 1)));
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
  // The QGIS project, zipped and not, and the SLD styles.
  CHECK(slurp(first.out / "project.qgs") == slurp(second.out / "project.qgs"));
  CHECK(slurp(first.out / "project.qgz") == slurp(second.out / "project.qgz"));
  for (const auto& e : fs::directory_iterator(first.out / "styles")) {
    INFO(e.path().filename());
    CHECK(slurp(e.path()) == slurp(second.out / "styles" / e.path().filename()));
  }
}

TEST_CASE("run: project.qgz holds project.qgs; styles/ holds the SLDs of the coverage, gap, service-area and "
          "travel-time styles", "[cli][demo][outputs][qgis]") {
  const DemoRun& r = bozhou();
  REQUIRE(r.result.code == 0);
  const std::string qgs = slurp(r.out / "project.qgs");
  REQUIRE(!qgs.empty());
  // The .qgz read through GDAL's zip reader (braces: GDAL does not know .qgz as a zip extension): one member, the
  // .qgs byte for byte.
  const std::string zip = "/vsizip/{" + (r.out / "project.qgz").string() + "}";
  char** members = VSIReadDir(zip.c_str());
  REQUIRE(CSLCount(members) == 1);
  CHECK(std::string(members[0]) == "project.qgs");
  CSLDestroy(members);
  VSILFILE* f = VSIFOpenL((zip + "/project.qgs").c_str(), "rb");
  REQUIRE(f != nullptr);
  std::string inner(qgs.size() + 1, '\0');
  inner.resize(VSIFReadL(inner.data(), 1, inner.size(), f));
  VSIFCloseL(f);
  CHECK(inner == qgs);
  // The capacity, referral and accessibility outputs of the demo are layers of the project; no basemap by default.
  for (const char* id : {"carereach_capacity_thc_beds", "carereach_capacity_residual_thc_beds",
                         "carereach_referral_village_to_thc", "carereach_accessibility_thc_beds"})
    CHECK_THAT(qgs, Catch::Contains(std::string("<id>") + id + "</id>"));
  CHECK_THAT(qgs, Catch::Contains("<layername>乡镇卫生院床位可及性指数（可及性指数，每千人）</layername>"));
  CHECK_THAT(qgs, !Catch::Contains("type=xyz"));
  for (const char* file : {"accessibility_thc_beds.qml", "capacity_residual_thc_beds.qml", "styles/gap_tcm_15min.sld",
                           "styles/service_area_tcm_15min.sld", "styles/zones_township__share_tcm_15min.sld",
                           "styles/zones_county__share_tcm_15min.sld", "styles/travel_time_tcm_15min.sld"}) {
    INFO(file);
    CHECK(fs::exists(r.out / file));
  }
  // The township coverage SLD: the five classes of the QML (red < 50 % … green ≥ 95 %) and NULL.
  const std::string sld = slurp(r.out / "styles/zones_township__share_tcm_15min.sld");
  CHECK(count_of(sld, "<se:Rule>") == 6);
  for (const char* colour : {"#d7191c", "#fdae61", "#ffffbf", "#a6d96a", "#1a9641"})
    CHECK_THAT(sld, Catch::Contains(std::string("<se:SvgParameter name=\"fill\">") + colour + "</se:SvgParameter>"));
  CHECK_THAT(sld, Catch::Contains("<ogc:PropertyName>share_tcm_15min</ogc:PropertyName>"));
  // The accessibility raster's classes are its quintiles: counted on the GeoTIFF as written, the share of the
  // populated cells (those not no-data) at or below each bound is within 3 points of 20 %, 40 %, 60 %, 80 % (the
  // bounds are rounded to three significant digits).
  {
    GDALAllRegister();
    GDALDatasetH ds = GDALOpen((r.out / "accessibility_thc_beds.tif").string().c_str(), GA_ReadOnly);
    REQUIRE(ds != nullptr);
    GDALRasterBandH band = GDALGetRasterBand(ds, 1);
    int has_nodata = 0;
    const double nodata = GDALGetRasterNoDataValue(band, &has_nodata);
    const int cols = GDALGetRasterXSize(ds);
    const int rows = GDALGetRasterYSize(ds);
    std::vector<float> cells(static_cast<std::size_t>(cols) * static_cast<std::size_t>(rows));
    REQUIRE(GDALRasterIO(band, GF_Read, 0, 0, cols, rows, cells.data(), cols, rows, GDT_Float32, 0, 0) == CE_None);
    GDALClose(ds);
    std::vector<double> values;
    for (const float v : cells)
      if (std::isfinite(v) && !(has_nodata != 0 && static_cast<double>(v) == nodata)) values.push_back(v);
    REQUIRE(values.size() > 1000);
    const std::string qml = slurp(r.out / "accessibility_thc_beds.qml");
    std::vector<double> bounds;
    const std::regex item("<item [^>]*value=\"([0-9.e+-]+)\"/>");
    for (auto it = std::sregex_iterator(qml.begin(), qml.end(), item); it != std::sregex_iterator(); ++it)
      bounds.push_back(std::stod((*it)[1]));
    REQUIRE(bounds.size() == 4);  // and the open class "inf"
    for (std::size_t i = 0; i < bounds.size(); ++i) {
      const double below = static_cast<double>(std::count_if(values.begin(), values.end(), [&](double v) {
                             return v <= bounds[i];
                           })) / static_cast<double>(values.size());
      INFO("bound " << bounds[i]);
      CHECK(std::abs(below - 0.2 * static_cast<double>(i + 1)) <= 0.03);
    }
  }
  // The referral lines now have a style in the GeoPackage.
  int status = 0;
  const std::string styles = command_output(
      "ogrinfo -ro '" + (r.out / "layers.gpkg").string() +
          "' -sql \"SELECT f_table_name FROM layer_styles WHERE useAsDefault = 1\" 2>&1",
      &status);
  REQUIRE(status == 0);
  CHECK_THAT(styles, Catch::Contains("= referral_village_to_thc"));
  // The report's page 1: one headline sentence per standard that is not a variant (five), before the overview.
  const std::string html = slurp(r.out / "report.html");
  CHECK(count_of(html, "<li class=\"headline-sentence\">") == 5);
  CHECK(html.find("<li class=\"headline-sentence\">15分钟中医药服务圈：覆盖 ") < html.find("id=\"overview\""));
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
  // facility_access.csv in English, written like the other tables (byte-order mark, CRLF).
  CHECK_THAT(slurp(r.out / "facility_access.csv"),
             Catch::StartsWith("\xEF\xBB\xBFStandard,Facility id,Name,Type,Mode,Method,Distance to the road (m),"
                               "Access time (s),Beyond the access limit,Joined to the network\r\n"));
  CHECK(r.run["scenario"]["region"] == "巴西南里奥格兰德州阿雷格里港市");
}

namespace {

/// The JSON a map.html embeds in <script type="application/json" id="carereach-map-data">.
json map_data(const fs::path& file) {
  const std::string html = slurp(file);
  const std::string open = "<script type=\"application/json\" id=\"carereach-map-data\">";
  const auto start = html.find(open);
  REQUIRE(start != std::string::npos);
  const auto end = html.find("</script>", start);
  REQUIRE(end != std::string::npos);
  return json::parse(html.substr(start + open.size(), end - start - open.size()));
}

/// Whether (x, y) lies in a GeoJSON MultiPolygon (even-odd rule over every ring).
bool in_multipolygon(const json& geometry, double x, double y) {
  bool inside = false;
  for (const auto& polygon : geometry["coordinates"])
    for (const auto& ring : polygon)
      for (std::size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++) {
        const double xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
        if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) inside = !inside;
      }
  return inside;
}

}  // namespace

TEST_CASE("compare: a county medical sub-centre in each county", "[cli][demo][compare]") {
  const DemoRun& base = bozhou();
  REQUIRE(base.result.code == 0);
  const DemoRun scenario("bozhou", "scenario_subcentres.toml");
  INFO(scenario.result.all());
  REQUIRE(scenario.result.code == 0);
  CHECK(scenario.run["changes"]["added"] == 4);
  CHECK(scenario.run["changes"]["upgraded"] == 0);
  CHECK(scenario.run["changes"]["closed"] == 0);
  TempDir tmp;
  const auto r = run_cli({"compare", base.out.string(), scenario.out.string(), "--out", (tmp / "cmp").string()});
  INFO(r.all());
  REQUIRE(r.code == 0);
  for (const char* f : {"compare.md", "compare.html", "tables/compare_county.csv", "tables/compare_township.csv", "layers.gpkg",
                        "travel_time_diff_county_hospital_30min.tif"})
    CHECK(fs::exists(tmp / "cmp" / f));
  // Only the county hospital standards can change: the sub-centres are general hospitals tagged 县级医院, which no
  // other standard selects (they are neither primary care, nor TCM, nor tagged 急救).
  auto total = [](const json& run, const std::string& id) {
    for (const auto& s : run["coverage"])
      if (s["standard"] == id) return s["total"]["pop_covered"].get<double>();
    return std::nan("");
  };
  CHECK(total(scenario.run, "county_hospital_30min") > total(base.run, "county_hospital_30min"));
  CHECK(total(scenario.run, "county_hospital_30min_estimate") > total(base.run, "county_hospital_30min_estimate"));
  CHECK(total(scenario.run, "county_hospital_60min") >= total(base.run, "county_hospital_60min"));
  for (const char* id : {"tcm_15min", "tcm_15min_ebike", "primary_care_15min", "emergency_radius"})
    CHECK(total(scenario.run, id) == total(base.run, id));
  // Each county has a sub-centre in its largest gap: every county gains on the 30-minute standard; nobody loses.
  auto county = [](const json& run, const std::string& id, const std::string& code) {
    for (const auto& s : run["coverage"])
      if (s["standard"] == id)
        for (const auto& z : s["levels"][0]["zones"])
          if (z["code"] == code) return z["pop_covered"].get<double>();
    return std::nan("");
  };
  for (const char* code : {"341602", "341621", "341622", "341623"}) {
    INFO(code);
    CHECK(county(scenario.run, "county_hospital_30min", code) > county(base.run, "county_hospital_30min", code));
    CHECK(county(scenario.run, "county_hospital_60min", code) >= county(base.run, "county_hospital_60min", code));
  }
  CHECK_THAT(slurp(tmp / "cmp" / "compare.md"), Catch::Contains("县级医院30分钟可达"));
  // The difference raster opens styled: a QML beside it (diverging classes, green = faster in B) and an SLD.
  {
    const std::string qml = slurp(tmp / "cmp" / "travel_time_diff_county_hospital_30min.qml");
    const std::regex item("<item alpha=\"255\" color=\"(#[0-9a-f]{6})\" label=\"([^\"]*)\" value=\"([^\"]*)\"/>");
    std::vector<std::string> values, labels;
    for (auto it = std::sregex_iterator(qml.begin(), qml.end(), item); it != std::sregex_iterator(); ++it) {
      labels.push_back((*it)[2]);
      values.push_back((*it)[3]);
    }
    CHECK(values == std::vector<std::string>{"-30", "-10", "-1", "1", "10", "30", "inf"});
    REQUIRE(labels.size() == 7);
    CHECK(labels[0] == "缩短 30 分钟以上");
    CHECK(labels[6] == "延长 30 分钟以上");
    CHECK(fs::exists(tmp / "cmp" / "styles/travel_time_diff_county_hospital_30min.sld"));
    // Facilities were only added: no cell is slower in B, and some are faster by more than a minute, so the
    // raster's values fall in the green half of the classes.
    GDALAllRegister();
    GDALDatasetH ds = GDALOpen((tmp / "cmp" / "travel_time_diff_county_hospital_30min.tif").string().c_str(), GA_ReadOnly);
    REQUIRE(ds != nullptr);
    GDALRasterBandH band = GDALGetRasterBand(ds, 1);
    const int w = GDALGetRasterXSize(ds), h = GDALGetRasterYSize(ds);
    std::vector<float> cells(static_cast<std::size_t>(w) * static_cast<std::size_t>(h));
    REQUIRE(GDALRasterIO(band, GF_Read, 0, 0, w, h, cells.data(), w, h, GDT_Float32, 0, 0) == CE_None);
    int has_nodata = 0;
    const double nodata = GDALGetRasterNoDataValue(band, &has_nodata);
    GDALClose(ds);
    REQUIRE(has_nodata != 0);
    float lowest = 0, highest = -1e9f;
    for (float v : cells)
      if (std::isfinite(v) && static_cast<double>(v) != nodata) lowest = std::min(lowest, v), highest = std::max(highest, v);
    CHECK(highest <= 1e-3f);
    CHECK(lowest < -1.0f);
  }
  // map.html: under the 30-minute standard every county is listed as gained, from run.json's figures of A to B's.
  {
    const json m = map_data(tmp / "cmp" / "map.html");
    std::size_t s30 = m["standards"].size();
    for (std::size_t s = 0; s < m["standards"].size(); ++s)
      if (m["standards"][s]["id"] == "county_hospital_30min") s30 = s;
    REQUIRE(s30 < m["standards"].size());
    std::set<std::string> gained;
    for (const auto& c : m["changes"])
      if (c["standard"] == s30 && c["level"] == 0) {
        const std::string code = m["levels"][0]["zones"]["features"][c["zone"].get<std::size_t>()]["properties"]["code"];
        INFO(code);
        CHECK(c["before"].get<double>() == county(base.run, "county_hospital_30min", code));
        CHECK(c["after"].get<double>() == county(scenario.run, "county_hospital_30min", code));
        CHECK(c["after"] > c["before"]);
        gained.insert(code);
      }
    CHECK(gained == std::set<std::string>{"341602", "341621", "341622", "341623"});
  }
  // The scenario's changes in Chinese (run.json keeps both languages), and no English prose in the comparison's
  // Markdown and tables (the rule of tests/english_prose.hpp).
  CHECK(scenario.run["changes"]["lines_zh"][0] == "新增 CZX341602115 双沟镇县域医疗次中心（综合医院）");
  CHECK(scenario.run["changes"]["lines"][0] == "added CZX341602115 双沟镇县域医疗次中心 (general_hospital)");
  CHECK_THAT(slurp(tmp / "cmp" / "compare.md"), Catch::Contains("新增 CZX341602115 双沟镇县域医疗次中心"));
  CHECK_THAT(slurp(scenario.out / "report.html"), Catch::Contains("新增 CZX341602115 双沟镇县域医疗次中心"));
  {
    std::istringstream md(slurp(tmp / "cmp" / "compare.md"));
    for (std::string line; std::getline(md, line);) {
      INFO("compare.md: " << line);
      CHECK(carereach::test::english_words(line) == std::vector<std::string>{});
    }
    for (const char* level : {"county", "township"})
      for (const auto& row : read_csv(tmp / "cmp" / ("tables/compare_" + std::string(level) + ".csv")))
        for (const auto& cell : row) {
          INFO("compare_" << level << ".csv: " << cell);
          CHECK(carereach::test::english_words(cell) == std::vector<std::string>{});
        }
  }

  // The comparison tables add up as shown: change = scenario − baseline on every row, the zones to each
  // standard's total row, the townships to their county; the change of share is the difference of the shares shown.
  std::map<std::pair<std::string, std::string>, std::array<long long, 3>> county_rows, town_sums;
  for (const std::string level : {"county", "township"}) {
    const auto rows = read_csv(tmp / "cmp" / ("tables/compare_" + level + ".csv"));
    const auto& h = rows[0];
    const std::size_t is = column(h, "服务标准"), icode = column(h, "代码"), ia = column(h, "基准覆盖人口（人）"),
                      ib = column(h, "情景覆盖人口（人）"), id = column(h, "覆盖人口变化（人）"),
                      isa = column(h, "基准覆盖率（%）"), isb = column(h, "情景覆盖率（%）"),
                      ids = column(h, "覆盖率变化（百分点）");
    std::map<std::string, std::array<long long, 3>> sums, totals;
    for (std::size_t i = 1; i < rows.size(); ++i) {
      const auto& row = rows[i];
      INFO(level << " row " << i);
      const long long a = whole(row[ia]), b = whole(row[ib]), d = whole(row[id]);
      CHECK(b - a == d);
      char points[32];
      std::snprintf(points, sizeof points, "%.1f", std::stod(row[isb]) - std::stod(row[isa]));
      CHECK(row[ids] == (std::string(points) == "-0.0" ? "0.0" : points));
      if (row[icode] == "合计") {
        totals[row[is]] = {a, b, d};
        continue;
      }
      auto& s = sums[row[is]];
      s[0] += a, s[1] += b, s[2] += d;
      if (level == "county") {
        county_rows[{row[is], row[icode]}] = {a, b, d};
      } else {
        auto& t = town_sums[{row[is], row[icode].substr(0, 6)}];  // 341602001 lies in 341602
        t[0] += a, t[1] += b, t[2] += d;
      }
    }
    CHECK(sums == totals);
  }
  CHECK(town_sums == county_rows);

  // compare.html: the 30-minute standard's gain as the two run.json files give it, and two maps (change of coverage
  // with the added facilities, change per township) for each standard that changes — the three county hospital
  // standards; the unchanged ones get none.
  const std::string html = slurp(tmp / "cmp" / "compare.html");
  const double gain = total(scenario.run, "county_hospital_30min") - total(base.run, "county_hospital_30min");
  std::ostringstream grouped;
  const auto whole = static_cast<long long>(std::llround(gain));
  REQUIRE(whole >= 1000);
  REQUIRE(whole < 1000000);
  grouped << "+" << whole / 1000 << "," << std::setw(3) << std::setfill('0') << whole % 1000;
  CHECK_THAT(html, Catch::Contains("覆盖人口 " + grouped.str() + " 人"));
  CHECK_THAT(html, Catch::Contains("<span class=\"baseline\""));
  CHECK_THAT(html, Catch::Contains("县级医院30分钟可达 — 覆盖变化"));
  CHECK_THAT(html, Catch::Contains("县级医院30分钟可达（直线距离估算） — 覆盖变化"));
  CHECK_THAT(html, Catch::Contains("新增机构 (4)"));
  CHECK(html.find("15分钟中医药服务圈 — 覆盖变化") == std::string::npos);
  std::size_t maps = 0;
  for (auto at = html.find("class=\"carereach-map\""); at != std::string::npos; at = html.find("class=\"carereach-map\"", at + 1))
    ++maps;
  CHECK(maps == 6);
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
  // The Bozhou demo's beds (geodata/bozhou/README.md): 4 general hospitals × 1000 + 4 TCM hospitals × 600 + 80
  // township health centres × 40 + 9 community health centres × 20 (village clinics and stations have none) = 9,780
  // beds for 4,996,844 persons: 1.96 per 1,000, below the national 7.4, above a local target of 1.0.
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
  // The beds row: value 1.96 against target 1.00, met (是).
  bool found = false;
  std::istringstream lines(summary);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind("每千常住人口医疗卫生机构床位数", 0) == 0) {
      found = true;
      CHECK_THAT(line, Catch::Contains(",1.96,1.00,") && Catch::Contains(",是,"));
    }
  CHECK(found);

  tmp.write("bad.toml", base + "\n[density]\nsource = \"x\"\n[density.targets]\nbeds_per_person = 1.0\n");
  const auto bad = run_cli({"-q", "run", (tmp / "bad.toml").string(), "--out", (tmp / "out2").string()});
  CHECK(bad.code == 3);
  CHECK_THAT(bad.err, Catch::Contains("beds_per_person") && Catch::Contains("beds_per_1000"));
  CHECK_FALSE(fs::exists(tmp / "out2"));
}

TEST_CASE("run: every table of the Bozhou demo adds up, as shown", "[cli][demo][outputs][published]") {
  const DemoRun& r = bozhou();
  REQUIRE(r.result.code == 0);
  // 附表3: covered + not covered = population on every row; the share from the persons shown; each standard's
  // zones to its total row; the townships of a county to the county's row in 附表3-1.
  std::map<std::pair<std::string, std::string>, std::array<long long, 3>> county_rows, town_sums;
  for (const std::string level : {"county", "township"}) {
    const auto rows = read_csv(r.out / ("tables/coverage_" + level + ".csv"));
    const auto& h = rows[0];
    const std::size_t is = column(h, "服务标准"), ip = column(h, "常住人口（人）"), ic = column(h, "覆盖人口（人）"),
                      iu = column(h, "未覆盖人口（人）"), ish = column(h, "覆盖率（%）"),
                      iname = column(h, level == "county" ? "区县" : "乡镇");
    std::map<std::string, std::array<long long, 3>> sums, totals;
    for (std::size_t i = 1; i < rows.size(); ++i) {
      const auto& row = rows[i];
      INFO(level << " row " << i);
      const long long pop = whole(row[ip]), cov = whole(row[ic]), unc = whole(row[iu]);
      CHECK(cov + unc == pop);
      if (pop > 0) {
        char share[32];
        std::snprintf(share, sizeof share, "%.1f", 100.0 * double(cov) / double(pop));
        CHECK(row[ish] == share);
      }
      if (row[iname] == "合计") {
        totals[row[is]] = {pop, cov, unc};
        continue;
      }
      auto& s = sums[row[is]];
      s[0] += pop, s[1] += cov, s[2] += unc;
      if (level == "county") {
        county_rows[{row[is], row[iname]}] = {pop, cov, unc};
      } else {
        auto& t = town_sums[{row[is], row[column(h, "区县")]}];
        t[0] += pop, t[1] += cov, t[2] += unc;
      }
    }
    CHECK(sums == totals);
  }
  CHECK(town_sums == county_rows);
  // 附表2: population and resources; the townships to their county; beds per 1,000 from the numbers shown.
  std::map<std::string, std::vector<long long>> county_density, town_density;
  for (const std::string level : {"county", "township"}) {
    const auto rows = read_csv(r.out / ("tables/density_" + level + ".csv"));
    const auto& h = rows[0];
    const std::size_t iname = column(h, level == "county" ? "区县" : "乡镇");
    const std::vector<std::size_t> cols{column(h, "常住人口（人）"), column(h, "床位数（张）"),
                                        column(h, "执业（助理）医师（人）"), column(h, "注册护士（人）")};
    const std::size_t ibeds = column(h, "每千常住人口医疗卫生机构床位数（张/千人）");
    std::vector<long long> sum(cols.size(), 0), total;
    for (std::size_t i = 1; i < rows.size(); ++i) {
      std::vector<long long> v;
      for (std::size_t c : cols) v.push_back(whole(rows[i][c]));
      if (v[0] > 0) {
        char beds[32];
        std::snprintf(beds, sizeof beds, "%.2f", double(v[1]) * 1000.0 / double(v[0]));
        CHECK(rows[i][ibeds] == beds);
      }
      if (rows[i][iname] == "合计") {
        total = v;
        continue;
      }
      for (std::size_t k = 0; k < v.size(); ++k) sum[k] += v[k];
      if (level == "county") {
        county_density[rows[i][iname]] = v;
      } else {
        auto& s = town_density[rows[i][column(h, "区县")]];
        s.resize(v.size(), 0);
        for (std::size_t k = 0; k < v.size(); ++k) s[k] += v[k];
      }
    }
    CHECK(sum == total);
  }
  CHECK(town_density == county_density);
  // 附表4: the gaps to their total row.
  const auto gaps = read_csv(r.out / "tables/gaps.csv");
  std::map<std::string, long long> gap_sums, gap_totals;
  for (std::size_t i = 1; i < gaps.size(); ++i) {
    const long long pop = whole(gaps[i][column(gaps[0], "人口（人）")]);
    const std::string& standard = gaps[i][column(gaps[0], "服务标准")];
    if (gaps[i][column(gaps[0], "序号")] == "合计") gap_totals[standard] = pop;
    else gap_sums[standard] += pop;
  }
  CHECK(gap_sums == gap_totals);
  // report.md: the key finding of the TCM circle gives the total row's persons (grouped by thousands).
  const auto county = read_csv(r.out / "tables/coverage_county.csv");
  auto grouped = [](long long v) {
    std::string s = std::to_string(v);
    for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<std::size_t>(i), ",");
    return s;
  };
  const std::string covered = grouped(whole(county[1][column(county[0], "覆盖人口（人）")]));
  const std::string population = grouped(whole(county[1][column(county[0], "常住人口（人）")]));
  CHECK_THAT(slurp(r.out / "report.md"), Catch::Contains("（" + covered + " / " + population + " 人）"));
}

TEST_CASE("run: the layers hold whole persons that add up like the tables", "[cli][demo][outputs][published]") {
  const DemoRun& r = bozhou();
  REQUIRE(r.result.code == 0);
  int status = 0;
  const std::string gpkg = (r.out / "layers.gpkg").string();
  // The persons fields are integers.
  const std::string info = command_output("ogrinfo -ro -so '" + gpkg + "' zones_township 2>&1", &status);
  REQUIRE(status == 0);
  CHECK_THAT(info, Catch::Contains("population: Integer"));
  CHECK_THAT(info, Catch::Contains("covered_tcm_15min: Integer"));
  CHECK_THAT(command_output("ogrinfo -ro -so '" + gpkg + "' catchment_tcm_15min 2>&1", &status),
             Catch::Contains("pop_within: Integer"));
  CHECK_THAT(command_output("ogrinfo -ro -so '" + gpkg + "' gap_tcm_15min 2>&1", &status),
             Catch::Contains("population: Integer"));
  // The townships of each county add up to the county, and the counties to the table's total.
  auto sums = [&](const std::string& sql) {
    std::map<std::string, std::string> out;
    const std::string text = command_output("ogrinfo -ro -q '" + gpkg + "' -sql \"" + sql + "\" 2>&1", &status);
    REQUIRE(status == 0);
    const std::regex line(
        "k \\(String\\) = ([0-9]+)\\s+p \\(Integer(?:64)?\\) = ([0-9]+)\\s+c \\(Integer(?:64)?\\) = ([0-9]+)");
    for (auto it = std::sregex_iterator(text.begin(), text.end(), line); it != std::sregex_iterator(); ++it)
      out[(*it)[1]] = std::string((*it)[2]) + "/" + std::string((*it)[3]);
    return out;
  };
  const auto towns = sums(
      "SELECT parent_code AS k, SUM(population) AS p, SUM(covered_tcm_15min) AS c FROM zones_township "
      "GROUP BY parent_code");
  const auto counties = sums("SELECT code AS k, SUM(population) AS p, SUM(covered_tcm_15min) AS c FROM zones_county "
                             "GROUP BY code");
  CHECK(counties.size() == 4);
  CHECK(towns == counties);
  const auto table = read_csv(r.out / "tables/coverage_county.csv");
  long long population = 0;
  for (const auto& [code, pc] : counties) population += std::stoll(pc.substr(0, pc.find('/')));
  CHECK(population == whole(table[1][column(table[0], "常住人口（人）")]));
}

TEST_CASE("run: a Chinese run has no English prose in report.md, the appendix and the CSV tables",
          "[cli][demo][outputs][language]") {
  // The rule: tests/english_prose.hpp (identifiers, codes, file names, numbers, units and a few proper names are
  // allowed; any other ASCII word of two letters or more is English prose).
  const DemoRun& r = bozhou();
  REQUIRE(r.result.code == 0);
  std::size_t texts = 0;
  auto check = [&](const std::string& where, const std::string& text) {
    ++texts;
    INFO(where << ": " << text);
    CHECK(carereach::test::english_words(text) == std::vector<std::string>{});
  };
  std::istringstream md(slurp(r.out / "report.md"));
  std::size_t n = 0;
  for (std::string line; std::getline(md, line);) check("report.md line " + std::to_string(++n), line);
  std::vector<fs::path> csvs{r.out / "facility_access.csv"};
  for (const auto& e : fs::directory_iterator(r.out / "tables")) csvs.push_back(e.path());
  for (const auto& f : csvs)
    for (const auto& row : read_csv(f))
      for (const auto& cell : row) check(f.filename().string(), cell);
  for (const auto& t : xlsx_texts(r.out / "appendix.xlsx")) check("appendix.xlsx", t);
  CHECK(texts > 1000);
  // report.html: the text a reader sees (without the style sheet, the tags and their attributes), and the tooltips.
  // (By hand rather than std::regex, whose recursion overflows the stack on a page this size.)
  const std::string html = slurp(r.out / "report.html");
  std::string visible;
  for (std::size_t i = 0; i < html.size();) {
    if (html.compare(i, 6, "<style") == 0) {
      const std::size_t end = html.find("</style>", i);
      REQUIRE(end != std::string::npos);
      i = end + 8;
    } else if (html[i] == '<') {
      const std::size_t end = html.find('>', i);
      REQUIRE(end != std::string::npos);
      i = end + 1;
      visible += '\n';  // tags separate texts (a tooltip <title> is text too)
    } else {
      visible += html[i++];
    }
  }
  for (const auto& [entity, text] : {std::pair{"&lt;", "<"}, std::pair{"&gt;", ">"}, std::pair{"&quot;", "\""},
                                     std::pair{"&#39;", "'"}, std::pair{"&amp;", "&"}})
    for (std::size_t at = visible.find(entity); at != std::string::npos; at = visible.find(entity, at + 1))
      visible.replace(at, std::string_view(entity).size(), text);
  std::istringstream page(visible);
  for (std::string line; std::getline(page, line);) check("report.html", line);
}

TEST_CASE("run: facility_access.csv is written like the other tables, in the run's language",
          "[cli][demo][outputs][language]") {
  const DemoRun& r = bozhou();
  REQUIRE(r.result.code == 0);
  const auto rows = read_csv(r.out / "facility_access.csv");  // byte-order mark, CRLF
  CHECK(rows[0] == std::vector<std::string>{"服务标准", "机构代码", "机构名称", "机构类别", "出行方式", "计算方法",
                                            "接入距离（米）", "接入用时（秒）", "超出接入距离上限", "已接入路网"});
  CHECK(rows[1][0] == "15分钟中医药服务圈");
  CHECK(rows[1][4] == "步行");
  CHECK(rows[1][5] == "路网法");
  CHECK((rows[1][9] == "是" || rows[1][9] == "否"));
}

TEST_CASE("run: warnings in the Chinese report are Chinese, with where they are", "[cli][demo][outputs][language]") {
  // The Xinyang demo warns about the facility rows without coordinates (coordinate.empty, with on_invalid = "skip");
  // run.json keeps the English message, the report says it in Chinese with the file, row and field.
  {
    const DemoRun& x = xinyang();
    REQUIRE(x.result.code == 0);
    bool warned = false;
    for (const auto& w : x.run["warnings"]) warned = warned || w["code"] == "coordinate.empty";
    REQUIRE(warned);
    const std::string html = slurp(x.out / "report.html");
    CHECK_THAT(html, Catch::Contains("【坐标为空】坐标为空，该行未能读入；请填写坐标或删除该行。（位置：文件 facilities.csv，第 30 行，字段 经度）"));
    CHECK(html.find("empty coordinate") == std::string::npos);
  }
  const DemoRun& r = bozhou();
  REQUIRE(r.result.code == 0);
  const std::string html = slurp(r.out / "report.html");
  // The standards' sources, the coordinate systems and the scenario's description in Chinese.
  CHECK_THAT(html, Catch::Contains("依据：15分钟服务圈出自国家中医药发展规划"));
  CHECK_THAT(html, Catch::Contains("2000国家大地坐标系"));
  CHECK(html.find("Gauss-Kruger") == std::string::npos);
  CHECK(html.find("Real county boundaries") == std::string::npos);
}

TEST_CASE("run: each travel-time raster is a Cloud-Optimized GeoTIFF with the report's classes in a QML beside it",
          "[cli][demo][outputs]") {
  const DemoRun& r = bozhou();
  REQUIRE(r.result.code == 0);
  // tcm_15min: threshold 15 min, search limit 120: classes up to 15 (within), 30 (2×), 60 (4×), then the rest —
  // the bands of the report's maps, with their colours (green to red) and legend labels.
  const std::string qml = slurp(r.out / "travel_time_tcm_15min.qml");
  const std::regex item("<item alpha=\"255\" color=\"(#[0-9a-f]{6})\" label=\"([^\"]*)\" value=\"([^\"]*)\"/>");
  std::vector<std::string> colours, labels, values;
  for (auto it = std::sregex_iterator(qml.begin(), qml.end(), item); it != std::sregex_iterator(); ++it) {
    colours.push_back((*it)[1]);
    labels.push_back((*it)[2]);
    values.push_back((*it)[3]);
  }
  CHECK(values == std::vector<std::string>{"15", "30", "60", "inf"});
  CHECK(colours == std::vector<std::string>{"#1a9641", "#a6d96a", "#fdae61", "#d7191c"});
  REQUIRE(labels.size() == 4);
  CHECK(labels[1] == "15–30 分钟");
  const std::string html = slurp(r.out / "report.html");
  for (const std::string& l : labels) CHECK_THAT(html, Catch::Contains(l));  // the report's legend
  CHECK_THAT(qml, Catch::Contains("type=\"singlebandpseudocolor\""));
  CHECK_THAT(qml, Catch::Contains("colorRampType=\"DISCRETE\""));
  // Every time standard has both; the layout, overviews and statistics are those of a COG.
  for (const char* id : {"tcm_15min", "primary_care_15min", "county_hospital_30min", "county_hospital_60min"}) {
    INFO(id);
    CHECK(fs::exists(r.out / (std::string("travel_time_") + id + ".qml")));
    int status = 0;
    const std::string info =
        command_output("gdalinfo '" + (r.out / (std::string("travel_time_") + id + ".tif")).string() + "'", &status);
    REQUIRE(status == 0);
    CHECK_THAT(info, Catch::Contains("LAYOUT=COG"));
    CHECK_THAT(info, Catch::Contains("Overviews: 591x676, 295x338, 147x169"));  // 1182 × 1352 halved thrice
    CHECK_THAT(info, Catch::Contains("STATISTICS_MAXIMUM="));
  }
  CHECK_FALSE(fs::exists(r.out / "travel_time_emergency_radius.qml"));  // a distance standard has no raster
}

TEST_CASE("run: map.html of the Bozhou demo holds the published figures and places facilities in their counties",
          "[cli][demo][outputs][map]") {
  const DemoRun& r = bozhou();
  REQUIRE(r.result.code == 0);
  const json d = map_data(r.out / "map.html");
  // Every zone's figures per standard are run.json's (the published whole persons of the tables).
  std::size_t compared = 0;
  for (std::size_t s = 0; s < d["standards"].size(); ++s)
    for (const auto& level : d["levels"])
      for (const auto& f : level["zones"]["features"]) {
        const json& fig = f["properties"]["figures"][s];
        if (fig.is_null()) continue;
        bool found = false;
        for (const auto& c : r.run["coverage"])
          if (c["standard"] == d["standards"][s]["id"])
            for (const auto& l : c["levels"])
              if (l["level"] == level["id"])
                for (const auto& z : l["zones"])
                  if (z["code"] == f["properties"]["code"]) {
                    INFO(c["standard"] << " " << z["code"]);
                    CHECK(fig["population"] == z["pop_total"]);
                    CHECK(fig["covered"] == z["pop_covered"]);
                    found = true;
                    ++compared;
                  }
        CHECK(found);
      }
  CHECK(compared >= 7 * (4 + 83));  // 7 standards, 4 counties, 83 townships
  // Facilities: facility_zones.csv's, in its order; each lies in the outline of its county (WGS 84; outlines are
  // simplified, so a facility within metres of a border may fall outside: at least 99 % inside).
  const auto rows = read_csv(r.out / "facility_zones.csv");
  const auto& fac = d["facilities"]["features"];
  REQUIRE(fac.size() == rows.size() - 1);
  const std::size_t iname = column(rows[0], "机构名称"), icounty = column(rows[0], "区县代码");
  std::size_t inside = 0, placed = 0;
  for (std::size_t i = 0; i < fac.size(); ++i) {
    REQUIRE(fac[i]["properties"]["name"] == rows[i + 1][iname]);
    const double x = fac[i]["geometry"]["coordinates"][0], y = fac[i]["geometry"]["coordinates"][1];
    for (const auto& c : d["levels"][0]["zones"]["features"])
      if (c["properties"]["code"] == rows[i + 1][icounty]) {
        ++placed;
        if (in_multipolygon(c["geometry"], x, y)) ++inside;
      }
  }
  CHECK(placed == fac.size());
  CHECK(static_cast<double>(inside) >= 0.99 * static_cast<double>(placed));
}
