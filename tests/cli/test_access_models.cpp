// Referral times, the accessibility index (E2SFCA) and the Huff model on the command line: a run without roads (the
// straight-line estimate at circuity 1 and 60 km/h, so a minute is a kilometre), checked against distances worked
// out from the facilities' coordinates, the conservation property, rows that add up, labels, and bad input.
// Two square counties: 甲县 100001 (116.0–116.1 E), 乙县 100002 (116.1–116.2 E), 33.5–33.6 N.

#include <catch2/catch.hpp>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "cli_runner.hpp"
#include "fixture.hpp"

using carereach::test::Fixture;
using carereach::test::run_cli;
using carereach::test::slurp;
namespace fs = std::filesystem;

namespace {

// F1, F5 township health centres (40 and 20 beds); F3, F6 village clinics; F2, F4 county hospitals (300, 100 beds).
const char* const kFacilities =
    "机构代码,机构名称,机构类别,等级,床位数,经度,纬度\n"
    "F1,甲镇卫生院,乡镇卫生院,一级,40,116.05,33.55\n"
    "F2,乙县中医院,中医医院,二级,300,116.15,33.55\n"
    "F3,丙村卫生室,村卫生室,,,116.12,33.52\n"
    "F4,甲县人民医院,综合医院,二级,100,116.03,33.56\n"
    "F5,乙镇卫生院,乡镇卫生院,一级,20,116.17,33.57\n"
    "F6,丁村卫生室,村卫生室,,,116.01,33.51\n";

std::string scenario(const std::string& more) {
  std::string s = Fixture::scenario_toml();
  s = carereach::test::replace_all(s, "cell_size_m = 500", "cell_size_m = 100");
  s = carereach::test::replace_all(s, "tags = \"标签\"\n", "level = \"等级\"\nbeds = \"床位数\"\n");
  return s + R"(
[standards]
defaults = false

[standards.car_est]
name_zh = "机动车估算"
types = ["综合医院", "中医医院"]
mode = "car"
engine = "estimate"
circuity = 1.0
estimate_speed_kmh = 60
threshold_min = 30
)" + more;
}

/// The rows of a CSV written by carereach (BOM, CRLF; no quoted commas here), header included.
std::vector<std::vector<std::string>> csv(const fs::path& p) {
  std::string text = slurp(p);
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);
  std::vector<std::vector<std::string>> rows;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(at, end - at);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::vector<std::string> cells;
    std::size_t from = 0;
    for (std::size_t comma; (comma = line.find(',', from)) != std::string::npos; from = comma + 1)
      cells.push_back(line.substr(from, comma - from));
    cells.push_back(line.substr(from));
    rows.push_back(cells);
    at = end + 1;
  }
  return rows;
}

std::size_t column(const std::vector<std::vector<std::string>>& rows, const std::string& header) {
  for (std::size_t c = 0; c < rows.at(0).size(); ++c)
    if (rows[0][c] == header) return c;
  FAIL("no column " << header);
  return 0;
}

const std::vector<std::string>& row_with(const std::vector<std::vector<std::string>>& rows, const std::string& key) {
  for (std::size_t r = 1; r < rows.size(); ++r)
    if (std::find(rows[r].begin(), rows[r].end(), key) != rows[r].end()) return rows[r];
  FAIL("no row with " << key);
  return rows[0];
}

/// Distance in km between two points of the fixture (WGS 84, a local spherical approximation good to 0.5 % here).
double km(double lon1, double lat1, double lon2, double lat2) {
  const double rad = 3.14159265358979323846 / 180.0;
  const double dx = (lon2 - lon1) * rad * 6371.0 * std::cos(0.5 * (lat1 + lat2) * rad);
  const double dy = (lat2 - lat1) * rad * 6371.0;
  return std::hypot(dx, dy);
}

}  // namespace

TEST_CASE("run: referral times from village clinics to township health centres", "[cli][referral]") {
  Fixture fx;
  fx.set_facilities(kFacilities);
  fx.set_scenario(scenario(R"(
[referral.vc_thc]
name_zh = "村卫生室至乡镇卫生院"
standard = "car_est"
from_types = ["村卫生室"]
to_types = ["乡镇卫生院"]
threshold_min = 6
)"));
  const fs::path out = fx.dir / "out";
  const auto r = run_cli({"run", fx.scenario(), "--out", out.string()});
  INFO(r.all());
  REQUIRE(r.code == 0);
  const auto rows = csv(out / "tables" / "referral_vc_thc.csv");
  REQUIRE(rows.size() == 3);  // header and two clinics
  // F3 (116.12, 33.52): F5 is nearer than F1. F6 (116.01, 33.51): F1. One minute per kilometre, from the clinic's
  // cell centre: at most half a cell diagonal (0.071 km) off.
  const double f3 = km(116.12, 33.52, 116.17, 33.57);
  const double f6 = km(116.01, 33.51, 116.05, 33.55);
  REQUIRE(f3 > 6.0);  // beyond the threshold
  REQUIRE(f6 < 6.0);
  const auto& r3 = row_with(rows, "F3");
  const auto& r6 = row_with(rows, "F6");
  CHECK(r3[column(rows, "转诊机构代码")] == "F5");
  CHECK(r6[column(rows, "转诊机构代码")] == "F1");
  CHECK(std::stod(r3[column(rows, "转诊时间（分钟）")]) == Approx(f3).margin(0.071 + 0.05 + 0.005 * f3));
  CHECK(std::stod(r6[column(rows, "转诊时间（分钟）")]) == Approx(f6).margin(0.071 + 0.05 + 0.005 * f6));
  CHECK(r3[column(rows, "超过6分钟")] == "是");
  CHECK(r6[column(rows, "超过6分钟")] == "否");
  CHECK(rows[1][0] == "F3");  // beyond the threshold first

  const auto sum = csv(out / "tables" / "referral_vc_thc_summary.csv");
  const auto& total = row_with(sum, "合计");
  CHECK(total[column(sum, "机构数（个）")] == "2");
  CHECK(total[column(sum, "超过6分钟（个）")] == "1");
  CHECK(row_with(sum, "乙县")[column(sum, "超过6分钟（个）")] == "1");
  CHECK(row_with(sum, "甲县")[column(sum, "6分钟内（个）")] == "1");

  // The line layer: one line per clinic, from the clinic to its target.
  GDALAllRegister();
  std::unique_ptr<GDALDataset> ds(static_cast<GDALDataset*>(
      GDALOpenEx((out / "layers.gpkg").string().c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr)));
  REQUIRE(ds);
  OGRLayer* l = ds->GetLayerByName("referral_vc_thc");
  REQUIRE(l != nullptr);
  CHECK(l->GetFeatureCount() == 2);
  for (auto& f : *l) {
    const OGRGeometry* g = f->GetGeometryRef();
    REQUIRE(g != nullptr);
    REQUIRE(wkbFlatten(g->getGeometryType()) == wkbLineString);
    const auto* line = g->toLineString();
    const std::string from = f->GetFieldAsString("from_id");
    // EPSG:4490 output: x is longitude.
    CHECK(line->getX(0) == Approx(from == "F3" ? 116.12 : 116.01).margin(1e-6));
    CHECK(line->getX(1) == Approx(from == "F3" ? 116.17 : 116.05).margin(1e-6));
  }
  CHECK(slurp(out / "report.md").find("附表11") != std::string::npos);
}

TEST_CASE("run: the accessibility index conserves the supply, per zone and in the GeoTIFF", "[cli][accessibility]") {
  Fixture fx;
  fx.set_facilities(kFacilities);
  fx.set_scenario(scenario(R"(
[accessibility.thc]
standard = "car_est"
types = ["乡镇卫生院"]
supply = "beds"
decay = "gaussian"
t0_min = 60
)"));
  const fs::path out = fx.dir / "out";
  const auto r = run_cli({"run", fx.scenario(), "--out", out.string()});
  INFO(r.all());
  REQUIRE(r.code == 0);
  const auto rows = csv(out / "tables" / "accessibility_thc.csv");
  const auto& total = row_with(rows, "合计");
  const double pop = std::stod(total[column(rows, "常住人口（人）")]);
  const double index = std::stod(total[column(rows, "可及性指数（模型估计，每千人床位数）")]);
  CHECK(pop == 3000);
  // Every cell is within 60 minutes (60 km) of both centres: Σ P·A = 40 + 20 beds.
  CHECK(index * pop / 1000.0 == Approx(60.0).margin(0.0005 * pop / 1000.0 + 1e-9));
  // Per county, population-weighted: Σ_z P_z A_z = the study area's.
  const double a = std::stod(row_with(rows, "甲县")[column(rows, "可及性指数（模型估计，每千人床位数）")]);
  const double b = std::stod(row_with(rows, "乙县")[column(rows, "可及性指数（模型估计，每千人床位数）")]);
  CHECK((1000 * a + 2000 * b) / 1000.0 == Approx(60.0).margin(0.01));
  // The raster: per 1,000 persons on every populated cell (all are within reach), between the counties' values'
  // range ends (a cell's index cannot exceed the most favoured cell's).
  GDALAllRegister();
  std::unique_ptr<GDALDataset> ds(static_cast<GDALDataset*>(
      GDALOpenEx((out / "accessibility_thc.tif").string().c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY, nullptr, nullptr, nullptr)));
  REQUIRE(ds);
  GDALRasterBand* band = ds->GetRasterBand(1);
  const int w = band->GetXSize();
  const int h = band->GetYSize();
  std::vector<float> v(static_cast<std::size_t>(w) * static_cast<std::size_t>(h));
  REQUIRE(band->RasterIO(GF_Read, 0, 0, w, h, v.data(), w, h, GDT_Float32, 0, 0) == CE_None);
  std::size_t valid = 0;
  double lo = 1e9;
  double hi = -1e9;
  for (const float x : v)
    if (x != -9999.0f) {
      ++valid;
      lo = std::min(lo, static_cast<double>(x));
      hi = std::max(hi, static_cast<double>(x));
    }
  CHECK(valid > 0);
  CHECK(lo > 0.0);
  CHECK(lo <= std::min(a, b) + 1e-3);
  CHECK(hi >= std::max(a, b) - 1e-3);
  const auto facilities = csv(out / "tables" / "accessibility_thc_facilities.csv");
  CHECK(facilities.size() == 3);
  CHECK(slurp(out / "report.md").find("高斯衰减（t0 = 60 分钟") != std::string::npos);
}

TEST_CASE("run: the Huff model per county, labelled as modelled, and its calibration", "[cli][huff]") {
  Fixture fx;
  fx.set_facilities(kFacilities);
  const std::string huff = R"(
[huff.hosp]
standard = "car_est"
attractiveness = "beds"
decay = "exponential"
beta = 0.2
level = "county"
source_zh = "信阳市区域医疗中心建设方案"
)";
  fx.set_scenario(scenario(huff));
  const fs::path out = fx.dir / "out";
  const auto r = run_cli({"run", fx.scenario(), "--out", out.string()});
  INFO(r.all());
  REQUIRE(r.code == 0);
  const auto rows = csv(out / "tables" / "huff_hosp.csv");
  const std::string text = slurp(out / "tables" / "huff_hosp.csv");
  CHECK(text.find("模型估计") != std::string::npos);
  CHECK(text.find("β = 0.2000/分钟（给定）") != std::string::npos);
  // Each row adds up: in zone + to the other zone + outside = residents in reach = residents (all within 120 min).
  for (const std::string name : {"甲县", "乙县"}) {
    const auto& row = row_with(rows, name);
    const long a = std::stol(row[column(rows, "流向甲县（人）")]);
    const long b = std::stol(row[column(rows, "流向乙县（人）")]);
    const long o = std::stol(row[column(rows, "流向研究区外（人）")]);
    const long reach = std::stol(row[column(rows, "可达机构的人口（人）")]);
    CHECK(a + b + o == reach);
    CHECK(reach == (name == "甲县" ? 1000 : 2000));
    const long stay = name == "甲县" ? a : b;
    CHECK(std::stol(row[column(rows, "本区县内就诊（人）")]) == stay);
    CHECK(std::stod(row[column(rows, "县域就诊率（模型估计）（%）")]) ==
          Approx(100.0 * static_cast<double>(stay) / static_cast<double>(reach)).margin(0.05));
  }
  // Each county's own hospital is the nearer one for most of its residents: most visits stay.
  CHECK(std::stod(row_with(rows, "甲县")[column(rows, "县域就诊率（模型估计）（%）")]) > 50.0);

  SECTION("observed rates from a table give the same fit as inline ones") {
    fx.dir.write("rates.csv", "区划代码,县域就诊率\n100001,0.7\n100002,0.9\n");
    fx.set_scenario(scenario(huff + "observed = { \"100001\" = 0.7, \"100002\" = 0.9 }\n"));
    const fs::path a = fx.dir / "inline";
    REQUIRE(run_cli({"run", fx.scenario(), "--out", a.string()}).code == 0);
    fx.set_scenario(scenario(huff + "[huff.hosp.observed_table]\nsource = \"rates.csv\"\ncode_field = \"区划代码\"\n"
                                    "rate_field = \"县域就诊率\"\n"));
    const fs::path b = fx.dir / "table";
    const auto rt = run_cli({"run", fx.scenario(), "--out", b.string()});
    INFO(rt.all());
    REQUIRE(rt.code == 0);
    CHECK(slurp(a / "tables" / "huff_hosp.csv") == slurp(b / "tables" / "huff_hosp.csv"));
    // A code that is no county: refused, naming the row.
    fx.dir.write("rates.csv", "区划代码,县域就诊率\n100001,0.7\n100009,0.9\n");
    const auto bad = run_cli({"run", fx.scenario(), "--out", (fx.dir / "bad").string()});
    CHECK(bad.code == 4);
    CHECK_THAT(bad.err, Catch::Contains("'100009' is not the code of a"));
    CHECK_THAT(bad.err, Catch::Contains("row 3"));
  }
  SECTION("with observed rates, beta is calibrated and the residuals are shown") {
    fx.set_scenario(scenario(huff + "observed = { \"100001\" = 0.7, \"100002\" = 0.9 }\nobserved_label = \"统计年鉴\"\n"));
    const fs::path out2 = fx.dir / "out2";
    const auto r2 = run_cli({"run", fx.scenario(), "--out", out2.string()});
    INFO(r2.all());
    REQUIRE(r2.code == 0);
    const auto rows2 = csv(out2 / "tables" / "huff_hosp.csv");
    const std::string text2 = slurp(out2 / "tables" / "huff_hosp.csv");
    CHECK(text2.find("（按实际就诊率校准）") != std::string::npos);
    CHECK(slurp(out2 / "report.md").find("衰减参数按实际县域就诊率校准") != std::string::npos);
    const auto& a = row_with(rows2, "甲县");
    const double modelled = std::stod(a[column(rows2, "县域就诊率（模型估计）（%）")]);
    CHECK(std::stod(a[column(rows2, "实际县域就诊率（%）")]) == Approx(70.0));
    CHECK(std::stod(a[column(rows2, "残差（模型−实际）（百分点）")]) == Approx(modelled - 70.0).margin(0.11));
  }
}

TEST_CASE("bad input of referral, accessibility and Huff tables", "[cli][bad_input][access_models]") {
  Fixture fx;
  fx.set_facilities(kFacilities);
  const auto refused = [&](const std::string& more, const std::string& expected, int code) {
    fx.set_scenario(scenario(more));
    const auto r = run_cli({"run", fx.scenario(), "--out", (fx.dir / "bad").string()});
    INFO(r.all());
    CHECK(r.code == code);
    CHECK(r.err.find(expected) != std::string::npos);
    CHECK_FALSE(fs::exists(fx.dir / "bad" / "report.html"));
  };
  refused("[referral.x]\nstandard = \"nope\"\nfrom_types = [\"村卫生室\"]\nto_types = [\"乡镇卫生院\"]\n",
          "no standard 'nope'", 3);
  refused("[referral.x]\nstandard = \"car_est\"\nto_types = [\"乡镇卫生院\"]\n", "from_types", 3);
  refused("[referral.x]\nstandard = \"car_est\"\nfrom_types = [\"村卫生室\"]\n", "to_types", 3);
  refused("[accessibility.x]\nstandard = \"car_est\"\nsupply = \"money\"\n", "'money' is not a facility attribute", 3);
  refused("[accessibility.x]\nstandard = \"car_est\"\nbands_min = [10, 20]\nweights = [1]\n", "one weight per band", 3);
  refused("[accessibility.x]\nstandard = \"car_est\"\nbands_min = [20, 10]\nweights = [1, 0.5]\n", "ascending", 3);
  refused("[huff.x]\nstandard = \"car_est\"\ndecay = \"linear\"\n", "\"exponential\" or \"power\"", 3);
  refused("[huff.x]\nstandard = \"car_est\"\nobserved = { \"100001\" = 1.5 }\n", "between 0 and 1", 3);
  refused("[huff.x]\nstandard = \"car_est\"\nobserved = { \"999999\" = 0.8 }\n", "'999999' is not the code", 3);
  refused("[huff.x]\nstandard = \"car_est\"\n[referral.x]\nstandard = \"car_est\"\nfrom_types = [\"村卫生室\"]\n"
          "to_types = [\"乡镇卫生院\"]\n",
          "already the id", 3);
}

TEST_CASE("the Bozhou demo shows referral times, the accessibility index and the Huff model, with figures that add up",
          "[cli][demo][access_models]") {
  const fs::path demo = fs::path(CAREREACH_GEODATA) / "bozhou";
  carereach::test::TempDir tmp;
  const fs::path out = tmp / "bozhou";
  const auto r = run_cli({"-q", "run", (demo / "scenario.toml").string(), "--out", out.string()});
  INFO(r.all());
  REQUIRE(r.code == 0);
  const std::string html = slurp(out / "report.html");
  for (const char* title : {"附表9-1", "附表10", "附表11-1", "附表11-2", "县域就诊流向（模型估计）", "转诊时间"})
    CHECK(html.find(title) != std::string::npos);
  // appendix.xlsx lists the sheets.
  GDALAllRegister();
  const std::string workbook = "/vsizip/" + (out / "appendix.xlsx").string() + "/xl/workbook.xml";
  VSILFILE* f = VSIFOpenL(workbook.c_str(), "rb");
  REQUIRE(f != nullptr);
  std::string xml;
  char buf[4096];
  for (std::size_t n; (n = VSIFReadL(buf, 1, sizeof buf, f)) > 0;) xml.append(buf, n);
  VSIFCloseL(f);
  for (const char* sheet : {"附表9-1", "附表10", "附表11-1"}) CHECK(xml.find(sheet) != std::string::npos);

  // Referral: 1,315 village clinics; the summary's counties add up to its total.
  const auto sum = csv(out / "tables" / "referral_village_to_thc_summary.csv");
  const auto& total = row_with(sum, "合计");
  CHECK(total[column(sum, "机构数（个）")] == "1315");
  for (const std::string col : {"机构数（个）", "20分钟内（个）", "超过20分钟（个）"}) {
    long s = 0;
    for (std::size_t k = 2; k < sum.size(); ++k)
      if (!sum[k][0].empty()) s += std::stol(sum[k][column(sum, col)]);
    CHECK(s == std::stol(total[column(sum, col)]));
  }
  const auto rows = csv(out / "tables" / "referral_village_to_thc.csv");
  CHECK(rows.size() == 1316);
  // Huff: every row adds up to its residents in reach, and the counties to the total.
  const auto h = csv(out / "tables" / "huff_county_hospitals.csv");
  long stay = 0;
  long reach = 0;
  for (std::size_t k = 2; k < h.size(); ++k) {
    if (h[k][0].empty()) continue;
    long row = 0;
    for (std::size_t c = 0; c < h[0].size(); ++c)
      if (h[0][c].rfind("流向", 0) == 0) row += std::stol(h[k][c]);
    CHECK(row == std::stol(h[k][column(h, "可达机构的人口（人）")]));
    stay += std::stol(h[k][column(h, "本区县内就诊（人）")]);
    reach += row;
  }
  CHECK(stay == std::stol(row_with(h, "合计")[column(h, "本区县内就诊（人）")]));
  CHECK(reach == std::stol(row_with(h, "合计")[column(h, "可达机构的人口（人）")]));
  // E2SFCA: the population-weighted index of the study area times its population is the beds that reach anyone.
  const auto a = csv(out / "tables" / "accessibility_thc_beds.csv");
  const auto fac = csv(out / "tables" / "accessibility_thc_beds_facilities.csv");
  double beds = 0.0;
  for (std::size_t k = 1; k < fac.size(); ++k)
    if (fac[k][column(fac, "供需比（每千人）")] != "服务范围内无人口") beds += std::stod(fac[k][column(fac, "床位数")]);
  const auto& at = row_with(a, "合计");
  const double pop = std::stod(at[column(a, "常住人口（人）")]);
  CHECK(std::stod(at[column(a, "可及性指数（模型估计，每千人床位数）")]) * pop / 1000.0 ==
        Approx(beds).margin(0.0005 * pop / 1000.0 + 1e-6));
  CHECK(fs::exists(out / "accessibility_thc_beds.tif"));
}

TEST_CASE("warnings of referral, accessibility and Huff tables are in run.json", "[cli][access_models]") {
  Fixture fx;
  fx.set_facilities(kFacilities);
  // Village clinics have no beds; no facility is a 社区卫生服务中心; rates of 0 cannot be met inside [0.1, 0.2].
  fx.set_scenario(scenario(R"(
[referral.none]
standard = "car_est"
from_types = ["村卫生室"]
to_types = ["社区卫生服务中心"]

[accessibility.vc]
standard = "car_est"
types = ["村卫生室", "乡镇卫生院"]
supply = "beds"

[huff.vh]
standard = "car_est"
types = ["村卫生室", "综合医院"]
attractiveness = "beds"
observed = { "100001" = 0.0, "100002" = 0.0 }
beta_range = [0.1, 0.2]
)"));
  const fs::path out = fx.dir / "out";
  const auto r = run_cli({"run", fx.scenario(), "--out", out.string()});
  INFO(r.all());
  REQUIRE(r.code == 0);
  const std::string json = slurp(out / "run.json");
  for (const char* code : {"referral.empty_group", "accessibility.supply_missing", "huff.attractiveness_missing",
                           "huff.beta_at_bound"})
    CHECK(json.find(std::string("\"") + code + "\"") != std::string::npos);
  // The clinics are listed as not reached, not left out.
  const auto rows = csv(out / "tables" / "referral_none.csv");
  REQUIRE(rows.size() == 3);
  CHECK(rows[1][column(rows, "转诊时间（分钟）")] == "＞上限");
}
