// map.html: the page model rendered — the data embedded is the data given (parsed back from the page's JSON with
// nlohmann-json: figures, share classes, coordinates, facilities, changes), names from inputs stay text, Leaflet and
// its licence are inline (compared with the files scripts/vendor-leaflet.sh extracted), and the page forbids loads
// from elsewhere. Expected values are written by hand.

#include <catch2/catch.hpp>

#include <cmath>
#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "report/map_page.hpp"

using namespace carereach;
using namespace carereach::report;

namespace {

const std::string kMarkup = "</script><img src=x onerror=alert(1)>";

geo::Ring ring(std::vector<double> x, std::vector<double> y) { return geo::Ring{std::move(x), std::move(y)}; }

MapPage sample_page() {
  MapPage p;
  p.lang = Lang::kZh;
  p.title = "测试市医疗卫生服务可及性地图";
  p.subtitle = "基线";
  p.date = "2026-11-24";
  p.classes = {{0.5, 0.8, 0.9, 0.95},
               {"#d7191c", "#fdae61", "#ffffbf", "#a6d96a", "#1a9641"},
               {"< 50%", "50%–80%", "80%–90%", "90%–95%", "≥ 95%"},
               "#d9d9d9",
               "无人口"};
  p.standards = {{"tcm_15min", "15分钟中医药服务圈", 0.9}, {"county_30", "县级医院30分钟可达", 0.95}};
  MapPageLevel county{"county", "区县", {}};
  MapPageZone c;
  c.name = "甲县";
  c.code = "340001";
  // A closed square with a hole.
  c.polygons.push_back({ring({115.0, 116.0, 116.0, 115.0, 115.0}, {33.0, 33.0, 34.0, 34.0, 33.0}),
                        {ring({115.25, 115.5, 115.5, 115.25, 115.25}, {33.25, 33.25, 33.5, 33.5, 33.25})}});
  c.figures = {MapPageFigures{1000, 850}, MapPageFigures{1000, 950}};
  county.zones.push_back(c);
  MapPageLevel township{"township", "乡镇", {}};
  MapPageZone t1;
  t1.name = kMarkup;
  t1.code = "340001001";
  // An open ring (no closing vertex) with more than 5 decimals.
  t1.polygons.push_back({ring({115.1234567, 115.2, 115.2}, {33.7654321, 33.7, 33.8}), {}});
  t1.figures = {MapPageFigures{400, 100}, std::nullopt};
  MapPageZone t2;
  t2.name = "乙镇";
  t2.code = "340001002";
  t2.polygons.push_back({ring({115.5, 115.6, 115.6, 115.5}, {33.5, 33.5, 33.6, 33.5}), {}});
  t2.polygons.push_back({ring({115.7, 115.8, 115.8, 115.7}, {33.5, 33.5, 33.6, 33.5}), {}});
  t2.figures = {MapPageFigures{0, 0}, MapPageFigures{600, 480}};
  township.zones = {t1, t2};
  p.levels = {county, township};
  p.facilities = {{"亳州市中医院", "中医医院", "三级", 115.77, 33.85, {0, 1}, ""},
                  {kMarkup, "村卫生室", "未定级", 115.5, 33.55, {}, "新增"}};
  return p;
}

/// The JSON of <script type="application/json" id="carereach-map-data">.
nlohmann::json embedded_data(const std::string& html) {
  const std::string open = "<script type=\"application/json\" id=\"carereach-map-data\">";
  const auto start = html.find(open);
  REQUIRE(start != std::string::npos);
  const auto end = html.find("</script>", start + open.size());
  REQUIRE(end != std::string::npos);
  return nlohmann::json::parse(html.substr(start + open.size(), end - start - open.size()));
}

/// A file's text with CRLF line ends as LF (Leaflet's CSS and LICENSE have CRLF; the page has LF line ends).
std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in.good());
  std::ostringstream s;
  s << in.rdbuf();
  std::string t = s.str();
  std::erase(t, '\r');
  return t;
}

}  // namespace

TEST_CASE("map page: the zones' figures and share classes are the ones given", "[map_page]") {
  const nlohmann::json d = embedded_data(render_map_page(sample_page()));
  REQUIRE(d["standards"].size() == 2);
  CHECK(d["standards"][0]["id"] == "tcm_15min");
  CHECK(d["standards"][1]["target"].get<double>() == Approx(0.95));
  REQUIRE(d["levels"].size() == 2);
  CHECK(d["levels"][0]["id"] == "county");
  CHECK(d["levels"][1]["label"] == "乡镇");

  const auto& county = d["levels"][0]["zones"]["features"][0]["properties"];
  CHECK(county["name"] == "甲县");
  CHECK(county["code"] == "340001");
  // 850 / 1000 = 0.85: class 2 (0.8 ≤ share < 0.9); 950 / 1000 = 0.95: class 4 (a break belongs to the class above).
  CHECK(county["figures"][0]["population"] == 1000);
  CHECK(county["figures"][0]["covered"] == 850);
  CHECK(county["figures"][0]["share"].get<double>() == Approx(0.85));
  CHECK(county["figures"][0]["cls"] == 2);
  CHECK(county["figures"][1]["covered"] == 950);
  CHECK(county["figures"][1]["cls"] == 4);

  const auto& zones = d["levels"][1]["zones"]["features"];
  REQUIRE(zones.size() == 2);
  // 100 / 400 = 0.25: class 0; the second standard does not report this zone's level: null.
  CHECK(zones[0]["properties"]["name"] == kMarkup);
  CHECK(zones[0]["properties"]["figures"][0]["cls"] == 0);
  CHECK(zones[0]["properties"]["figures"][1].is_null());
  // Nobody lives there: no share, no class; 480 / 600 = 0.8: class 2.
  CHECK(zones[1]["properties"]["figures"][0]["population"] == 0);
  CHECK(zones[1]["properties"]["figures"][0]["share"].is_null());
  CHECK(zones[1]["properties"]["figures"][0]["cls"].is_null());
  CHECK(zones[1]["properties"]["figures"][1]["cls"] == 2);
  CHECK(zones[1]["properties"]["index"] == 1);
}

TEST_CASE("map page: outlines are GeoJSON MultiPolygons of the coordinates given, closed, to 5 decimals",
          "[map_page]") {
  const nlohmann::json d = embedded_data(render_map_page(sample_page()));
  const auto& county = d["levels"][0]["zones"]["features"][0]["geometry"];
  CHECK(county["type"] == "MultiPolygon");
  REQUIRE(county["coordinates"].size() == 1);
  REQUIRE(county["coordinates"][0].size() == 2);  // shell and hole
  const auto& shell = county["coordinates"][0][0];
  REQUIRE(shell.size() == 5);
  CHECK(shell[1][0].get<double>() == 116.0);
  CHECK(shell[2][1].get<double>() == 34.0);
  const auto& hole = county["coordinates"][0][1];
  REQUIRE(hole.size() == 5);
  CHECK(hole[2][0].get<double>() == 115.5);
  CHECK(hole[2][1].get<double>() == 33.5);

  // The open ring is closed; 115.1234567 → 115.12346, 33.7654321 → 33.76543.
  const auto& open = d["levels"][1]["zones"]["features"][0]["geometry"]["coordinates"][0][0];
  REQUIRE(open.size() == 4);
  CHECK(open[0][0].get<double>() == Approx(115.12346).margin(1e-9));
  CHECK(open[0][1].get<double>() == Approx(33.76543).margin(1e-9));
  CHECK(open[3] == open[0]);
  // Two parts stay two polygons.
  CHECK(d["levels"][1]["zones"]["features"][1]["geometry"]["coordinates"].size() == 2);
}

TEST_CASE("map page: facilities are points with their name, type, level and standards", "[map_page]") {
  const nlohmann::json d = embedded_data(render_map_page(sample_page()));
  const auto& f = d["facilities"]["features"];
  REQUIRE(f.size() == 2);
  CHECK(f[0]["geometry"]["type"] == "Point");
  CHECK(f[0]["geometry"]["coordinates"][0].get<double>() == Approx(115.77).margin(1e-9));
  CHECK(f[0]["geometry"]["coordinates"][1].get<double>() == Approx(33.85).margin(1e-9));
  CHECK(f[0]["properties"]["name"] == "亳州市中医院");
  CHECK(f[0]["properties"]["type"] == "中医医院");
  CHECK(f[0]["properties"]["level"] == "三级");
  CHECK(f[0]["properties"]["standards"] == nlohmann::json::array({0, 1}));
  CHECK(f[1]["properties"]["standards"].empty());
  CHECK(f[1]["properties"]["name"] == kMarkup);
  CHECK(d["comparison"] == false);
  CHECK(d["changes"].empty());
}

TEST_CASE("map page: a name like markup stays text and cannot end the data's script element", "[map_page]") {
  MapPage p = sample_page();
  p.title = kMarkup;
  const std::string html = render_map_page(p);
  CHECK(html.find(kMarkup) == std::string::npos);
  CHECK(html.find("<title>&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;</title>") != std::string::npos);
  // Parsed back, the names are what was given.
  CHECK(embedded_data(html)["levels"][1]["zones"]["features"][0]["properties"]["name"] == kMarkup);
}

TEST_CASE("map page: Leaflet and its licence are inline, and nothing may load from elsewhere", "[map_page]") {
  const std::string html = render_map_page(sample_page());
  std::string js = read_text(CAREREACH_LEAFLET_DIR "/leaflet.js");
  js = js.substr(0, js.find("//# sourceMappingURL="));
  const std::string css = read_text(CAREREACH_LEAFLET_DIR "/leaflet.css");
  const std::string licence = read_text(CAREREACH_LEAFLET_DIR "/LICENSE");
  REQUIRE(js.size() > 100000);
  CHECK(html.find(js) != std::string::npos);
  CHECK(html.find(css) != std::string::npos);
  CHECK(html.find("sourceMappingURL") == std::string::npos);
  const auto comment = html.find("<!--");
  REQUIRE(comment != std::string::npos);
  const auto at = html.find(licence, comment);
  REQUIRE(at != std::string::npos);
  CHECK(html.find("-->", comment) > at);
  CHECK(html.find("BSD 2-Clause License") != std::string::npos);
  CHECK(std::string(leaflet_version()) == "1.9.4");
  CHECK(html.find("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';") != std::string::npos);
  CHECK(html.find("<script src") == std::string::npos);
  CHECK(html.find("<link") == std::string::npos);
}

TEST_CASE("map page: English texts in an English page", "[map_page]") {
  MapPage p = sample_page();
  p.lang = Lang::kEn;
  const std::string html = render_map_page(p);
  const nlohmann::json d = embedded_data(html);
  CHECK(d["lang"] == "en");
  CHECK(d["text"]["population"] == "Population");
  CHECK(html.find("<html lang=\"en\">") != std::string::npos);
  CHECK(html.find("Date: 2026-11-24") != std::string::npos);
  p.lang = Lang::kZh;
  const nlohmann::json z = embedded_data(render_map_page(p));
  CHECK(z["text"]["population"] == "常住人口");
}

TEST_CASE("map page: a comparison carries its changes", "[map_page]") {
  MapPage p = sample_page();
  p.comparison = true;
  p.changes = {{0, 1, 0, 100, 160, 400}, {1, 1, 1, 480, 420, 600}};
  const nlohmann::json d = embedded_data(render_map_page(p));
  CHECK(d["comparison"] == true);
  REQUIRE(d["changes"].size() == 2);
  CHECK(d["changes"][0]["zone"] == 0);
  CHECK(d["changes"][0]["before"] == 100);
  CHECK(d["changes"][0]["after"] == 160);
  CHECK(d["changes"][1]["standard"] == 1);
  CHECK(d["changes"][1]["after"] == 420);
}

TEST_CASE("map page: share classes", "[map_page]") {
  const std::vector<double> b{0.5, 0.8, 0.9, 0.95};
  CHECK(share_class(0.0, b) == 0u);
  CHECK(share_class(0.4999, b) == 0u);
  CHECK(share_class(0.5, b) == 1u);
  CHECK(share_class(0.9499, b) == 3u);
  CHECK(share_class(1.0, b) == 4u);
  CHECK_FALSE(share_class(std::nan(""), b).has_value());
  MapPage p = sample_page();
  p.classes.labels.pop_back();
  CHECK_THROWS_AS(render_map_page(p), std::invalid_argument);
}
