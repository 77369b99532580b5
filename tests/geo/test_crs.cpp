// CrsSpec parsing and description, the automatic analysis CRS, and Transformer results checked against values
// that follow from the projection definitions rather than from this code.

#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "geo/china_offsets.hpp"
#include "geo/crs.hpp"

namespace geo = carereach::geo;
using carereach::CrsError;
using geo::CrsKind;
using geo::CrsSpec;
using geo::Transformer;

namespace {

/// The message of the CrsError thrown by parse(text), or "" when nothing is thrown.
std::string parse_error(const std::string& text) {
  try {
    (void)CrsSpec::parse(text);
  } catch (const CrsError& e) {
    return std::string(e.what()) + " | hint: " + e.hint();
  }
  return {};
}

}  // namespace

// -----------------------------------------------------------------------------------------------------------------
// Parsing

TEST_CASE("CrsSpec::parse recognises GCJ-02 and BD-09 in any spelling", "[geo][crs]") {
  for (const char* text : {"gcj02", "GCJ02", "gcj-02", "GCJ-02", "Gcj-02", " gcj02 "}) {
    INFO(text);
    CHECK(CrsSpec::parse(text).kind == CrsKind::kGcj02);
  }
  for (const char* text : {"bd09", "BD09", "bd-09", "BD-09", "Bd-09"}) {
    INFO(text);
    CHECK(CrsSpec::parse(text).kind == CrsKind::kBd09);
  }
  const CrsSpec gcj = CrsSpec::parse("GCJ-02");
  CHECK(gcj.display() == "GCJ-02 (Chinese web-map offset of WGS 84)");
  CHECK(gcj.is_geographic());
  CHECK_FALSE(gcj.is_projected_metric());
  CHECK(gcj.authority_code().empty());
  CHECK(gcj.wkt().find("WGS 84") != std::string::npos);
}

TEST_CASE("CrsSpec::parse accepts what PROJ accepts", "[geo][crs]") {
  const CrsSpec gk = CrsSpec::parse("EPSG:4548");
  CHECK(gk.kind == CrsKind::kProj);
  CHECK(gk.definition == "EPSG:4548");
  CHECK(gk.display() == "EPSG:4548 CGCS2000 / 3-degree Gauss-Kruger CM 117E");
  CHECK(gk.authority_code() == "EPSG:4548");
  CHECK(gk.is_projected_metric());
  CHECK_FALSE(gk.is_geographic());
  CHECK(gk.wkt().rfind("PROJCRS[", 0) == 0);

  const CrsSpec cgcs = CrsSpec::parse("epsg:4490");
  CHECK(cgcs.is_geographic());
  CHECK_FALSE(cgcs.is_projected_metric());
  CHECK(cgcs.authority_code() == "EPSG:4490");

  // A PROJ string, with or without +type=crs: no identifier, but PROJ identifies the UTM zone.
  const CrsSpec utm = CrsSpec::parse("+proj=utm +zone=50 +datum=WGS84 +units=m +no_defs");
  CHECK(utm.is_projected_metric());
  CHECK(utm.authority_code() == "EPSG:32650");
  CHECK(utm.display() == "EPSG:32650 WGS 84 / UTM zone 50N");

  // Projected but in US survey feet: not what the analysis needs.
  CHECK_FALSE(CrsSpec::parse("EPSG:2263").is_projected_metric());

  // WKT, as read from a layer.
  const CrsSpec from_wkt = CrsSpec::from_wkt(gk.wkt());
  CHECK(from_wkt.authority_code() == "EPSG:4548");
  CHECK(from_wkt.is_projected_metric());
}

TEST_CASE("CrsSpec::parse rejects unknown text with a CrsError naming it", "[geo][crs][errors]") {
  for (const std::string text : {"EPSG:999999", "gcj03", "WGS85", "", "+proj=nonsense +type=crs"}) {
    INFO("text: '" << text << "'");
    const std::string message = parse_error(text);
    REQUIRE_FALSE(message.empty());
    CHECK(message.find("unknown coordinate reference system '" + text + "'") != std::string::npos);
    CHECK(message.find("gcj02") != std::string::npos);     // the hint lists the accepted forms
    CHECK(message.find("EPSG:4490") != std::string::npos);
  }
  CHECK_THROWS_AS(CrsSpec::from_wkt("GEOGCS[broken"), CrsError);
  try {
    (void)CrsSpec::parse("EPSG:999999");
  } catch (const CrsError& e) {
    CHECK(e.exit_code() == carereach::ExitCode::kCrs);
  }
}

// -----------------------------------------------------------------------------------------------------------------
// Automatic analysis CRS

TEST_CASE("choose_analysis_crs: Gauss-Kruger zones in China, UTM elsewhere", "[geo][crs]") {
  CHECK(geo::choose_analysis_crs(115.8, 33.8).definition == "EPSG:4548");    // Bozhou: CM 117E
  CHECK(geo::choose_analysis_crs(76.0, 39.5).definition == "EPSG:4534");     // Kashgar: CM 75E
  CHECK(geo::choose_analysis_crs(103.8, 25.5).definition == "EPSG:4544");    // Qujing: CM 105E
  CHECK(geo::choose_analysis_crs(134.9, 48.3).definition == "EPSG:4554");    // Fuyuan: CM 135E
  CHECK(geo::choose_analysis_crs(-51.2, -30.05).definition == "EPSG:32722"); // Porto Alegre
  CHECK(geo::choose_analysis_crs(24.9, 60.2).definition == "EPSG:32635");    // Helsinki
  CHECK(geo::choose_analysis_crs(139.69, 35.69).definition == "EPSG:32654"); // Tokyo: outside the China box
  CHECK_THROWS_AS(geo::choose_analysis_crs(std::nan(""), 30.0), CrsError);

  // The chosen codes are what the rule says: check the central meridian and false easting with PROJ.
  const CrsSpec bozhou = geo::choose_analysis_crs(115.8, 33.8);
  CHECK(bozhou.display() == "EPSG:4548 CGCS2000 / 3-degree Gauss-Kruger CM 117E");
  const std::string wkt = bozhou.wkt();
  CHECK(wkt.find("PARAMETER[\"Longitude of natural origin\",117") != std::string::npos);
  CHECK(wkt.find("PARAMETER[\"False easting\",500000") != std::string::npos);
  CHECK(geo::choose_analysis_crs(76.0, 39.5).display() == "EPSG:4534 CGCS2000 / 3-degree Gauss-Kruger CM 75E");
  for (int code = 4534; code <= 4554; ++code) {
    const int central_meridian_deg = 75 + 3 * (code - 4534);
    INFO("EPSG:" << code);
    CHECK(CrsSpec::parse("EPSG:" + std::to_string(code)).display() ==
          "EPSG:" + std::to_string(code) + " CGCS2000 / 3-degree Gauss-Kruger CM " +
              std::to_string(central_meridian_deg) + "E");
  }
  CHECK(geo::wgs84().authority_code() == "EPSG:4326");
}

// -----------------------------------------------------------------------------------------------------------------
// Transformer

TEST_CASE("Transformer EPSG:4326 -> EPSG:4548 on the central meridian", "[geo][crs][transform]") {
  const Transformer to_gk(geo::wgs84(), CrsSpec::parse("EPSG:4548"));
  CHECK_FALSE(to_gk.is_identity());

  // Transverse Mercator with k0 = 1, false easting 500 km: on the central meridian the easting is exactly the
  // false easting, and the northing at the equator is zero.
  double x = 117.0;
  double y = 0.0;
  REQUIRE(to_gk.transform(x, y));
  CHECK(x == Approx(500000.0).margin(1e-3));
  CHECK(y == Approx(0.0).margin(1e-3));

  // On the central meridian the northing is the meridian arc length. For the CGCS2000 ellipsoid (a = 6378137,
  // 1/f = 298.257222101) the arc from the equator to 30°N is 3,320,113.398 m: the integral of the meridian radius
  // of curvature a(1-e²)/(1-e² sin²φ)^1.5 from 0 to 30°, evaluated separately by Simpson's rule (WGS 84's
  // flattening gives the same to 0.1 mm). The easting stays 500 km on the central meridian.
  x = 117.0;
  y = 30.0;
  REQUIRE(to_gk.transform(x, y));
  CHECK(x == Approx(500000.0).margin(1e-3));
  CHECK(y == Approx(3320113.398).margin(0.01));

  // East of the central meridian the easting grows; GIS axis order whatever the EPSG axis order says.
  x = 118.0;
  y = 33.8;
  REQUIRE(to_gk.transform(x, y));
  CHECK(x > 500000.0 + 90000.0);
  CHECK(x < 500000.0 + 95000.0);
  CHECK(y > 3.7e6);
  CHECK(y < 3.8e6);
}

TEST_CASE("Transformer round trip EPSG:4326 -> EPSG:4548 -> EPSG:4326", "[geo][crs][transform]") {
  const Transformer forward(geo::wgs84(), CrsSpec::parse("EPSG:4548"));
  const Transformer back(CrsSpec::parse("EPSG:4548"), geo::wgs84());
  std::vector<double> lon;
  std::vector<double> lat;
  for (double a = 114.0; a <= 120.0; a += 0.5) {
    for (double b = 28.0; b <= 36.0; b += 0.5) {
      lon.push_back(a);
      lat.push_back(b);
    }
  }
  std::vector<double> x = lon;
  std::vector<double> y = lat;
  REQUIRE(forward.transform(x, y) == 0);
  REQUIRE(back.transform(x, y) == 0);
  for (std::size_t i = 0; i < x.size(); ++i) {
    INFO("(" << lon[i] << ", " << lat[i] << ")");
    CHECK(std::abs(x[i] - lon[i]) < 1e-9);
    CHECK(std::abs(y[i] - lat[i]) < 1e-9);
  }
}

TEST_CASE("Transformer from GCJ-02 and BD-09 chains the offset inverses", "[geo][crs][transform]") {
  const std::array<geo::LonLat, 3> points{{{116.404, 39.915}, {115.78, 33.85}, {103.8, 25.5}}};

  const Transformer gcj_to_wgs(CrsSpec::parse("gcj02"), geo::wgs84());
  const Transformer bd_to_wgs(CrsSpec::parse("bd09"), geo::wgs84());
  const Transformer wgs_to_gcj(geo::wgs84(), CrsSpec::parse("gcj02"));
  const Transformer gcj_to_bd(CrsSpec::parse("gcj02"), CrsSpec::parse("bd09"));
  CHECK_FALSE(gcj_to_wgs.is_identity());
  CHECK_FALSE(gcj_to_bd.is_identity());
  for (const geo::LonLat p : points) {
    INFO("(" << p.lon << ", " << p.lat << ")");
    double x = p.lon;
    double y = p.lat;
    REQUIRE(gcj_to_wgs.transform(x, y));
    const geo::LonLat expected = geo::gcj02_to_wgs84(p);
    CHECK(x == expected.lon);
    CHECK(y == expected.lat);

    x = p.lon;
    y = p.lat;
    REQUIRE(bd_to_wgs.transform(x, y));
    CHECK(std::abs(x - geo::bd09_to_wgs84(p).lon) < 1e-12);
    CHECK(std::abs(y - geo::bd09_to_wgs84(p).lat) < 1e-12);

    x = p.lon;
    y = p.lat;
    REQUIRE(wgs_to_gcj.transform(x, y));
    CHECK(std::abs(x - geo::wgs84_to_gcj02(p).lon) < 1e-12);
    CHECK(std::abs(y - geo::wgs84_to_gcj02(p).lat) < 1e-12);

    x = p.lon;
    y = p.lat;
    REQUIRE(gcj_to_bd.transform(x, y));
    CHECK(std::abs(x - geo::gcj02_to_bd09(p).lon) < 1e-9);
    CHECK(std::abs(y - geo::gcj02_to_bd09(p).lat) < 1e-9);
  }

  // GCJ-02 straight to the Gauss-Kruger zone equals GCJ-02 -> WGS 84 -> EPSG:4548.
  const Transformer gcj_to_gk(CrsSpec::parse("gcj02"), CrsSpec::parse("EPSG:4548"));
  const Transformer wgs_to_gk(geo::wgs84(), CrsSpec::parse("EPSG:4548"));
  const geo::LonLat bozhou_gcj{115.78, 33.85};
  double x1 = bozhou_gcj.lon;
  double y1 = bozhou_gcj.lat;
  REQUIRE(gcj_to_gk.transform(x1, y1));
  const geo::LonLat bozhou_wgs = geo::gcj02_to_wgs84(bozhou_gcj);
  double x2 = bozhou_wgs.lon;
  double y2 = bozhou_wgs.lat;
  REQUIRE(wgs_to_gk.transform(x2, y2));
  CHECK(std::abs(x1 - x2) < 1e-6);
  CHECK(std::abs(y1 - y2) < 1e-6);

  // And the other way, EPSG:4548 -> GCJ-02.
  const Transformer gk_to_gcj(CrsSpec::parse("EPSG:4548"), CrsSpec::parse("gcj02"));
  REQUIRE(gk_to_gcj.transform(x1, y1));
  CHECK(std::abs(x1 - bozhou_gcj.lon) < 1e-9);
  CHECK(std::abs(y1 - bozhou_gcj.lat) < 1e-9);
}

TEST_CASE("Transformer identity, failures and spans", "[geo][crs][transform]") {
  CHECK(Transformer(geo::wgs84(), CrsSpec::parse("EPSG:4326")).is_identity());
  CHECK(Transformer(CrsSpec::parse("gcj02"), CrsSpec::parse("GCJ-02")).is_identity());
  CHECK(Transformer(CrsSpec::parse("EPSG:4548"), CrsSpec::parse("EPSG:4548")).is_identity());
  CHECK_FALSE(Transformer(geo::wgs84(), CrsSpec::parse("EPSG:4490")).is_identity());

  // Identity keeps values; points that cannot be converted become +inf and are counted.
  const Transformer identity(geo::wgs84(), geo::wgs84());
  double x = 116.0;
  double y = 40.0;
  CHECK(identity.transform(x, y));
  CHECK(x == 116.0);
  CHECK(y == 40.0);

  const Transformer back(CrsSpec::parse("EPSG:4548"), geo::wgs84());
  std::vector<double> xs{500000.0, std::nan(""), 1e30};
  std::vector<double> ys{3'700'000.0, 3'700'000.0, 0.0};
  CHECK(back.transform(xs, ys) == 2);
  CHECK(std::isfinite(xs[0]));
  CHECK(xs[0] == Approx(117.0).margin(1e-9));
  CHECK(std::isinf(xs[1]));
  CHECK(std::isinf(ys[1]));
  CHECK(std::isinf(xs[2]));
  CHECK(std::isinf(ys[2]));

  // Latitude beyond the pole.
  const Transformer forward(geo::wgs84(), CrsSpec::parse("EPSG:4548"));
  x = 117.0;
  y = 95.0;
  CHECK_FALSE(forward.transform(x, y));
  CHECK(std::isinf(x));

  std::vector<double> short_y{1.0};
  CHECK_THROWS_AS(back.transform(xs, short_y), std::invalid_argument);

  // Movable.
  Transformer moved = Transformer(geo::wgs84(), CrsSpec::parse("EPSG:4548"));
  x = 117.0;
  y = 0.0;
  CHECK(moved.transform(x, y));
  CHECK(x == Approx(500000.0).margin(1e-3));
}

TEST_CASE("Transformers of a pair made again, also on other threads, give the same coordinates", "[geo][crs][transform]") {
  // The operation of a pair is found once per process and copied for the next Transformer of the pair: every copy
  // must convert exactly as the first, and pairs must not be mixed up (the same CRSs in the other direction, the
  // offset pseudo-CRSs that share PROJ's WGS 84).
  const std::vector<std::pair<CrsSpec, CrsSpec>> pairs{
      {CrsSpec::parse("EPSG:4548"), geo::wgs84()},     {geo::wgs84(), CrsSpec::parse("EPSG:4548")},
      {CrsSpec::parse("gcj02"), CrsSpec::parse("EPSG:4548")}, {CrsSpec::parse("bd09"), CrsSpec::parse("EPSG:4548")},
      {CrsSpec::parse("EPSG:4548"), CrsSpec::parse("EPSG:4490")}, {geo::wgs84(), geo::wgs84()}};
  const auto convert = [](const std::pair<CrsSpec, CrsSpec>& pair) {
    const bool from_projected = pair.first.definition == "EPSG:4548";
    std::vector<double> x = from_projected ? std::vector<double>{500000.0, 412345.678, 587654.321}
                                           : std::vector<double>{117.0, 116.123456, 117.987654};
    std::vector<double> y = from_projected ? std::vector<double>{3700000.0, 3712345.678, 3800000.5}
                                           : std::vector<double>{33.5, 33.123456, 34.0};
    const Transformer t(pair.first, pair.second);
    t.transform(x, y);
    return std::make_pair(x, y);
  };
  std::vector<std::pair<std::vector<double>, std::vector<double>>> first;
  for (const auto& pair : pairs) first.push_back(convert(pair));
  // The first pair's direction and its reverse differ (not one operation for both).
  CHECK(first[0].first[0] == Approx(117.0).margin(1e-9));
  CHECK(first[1].first[0] == Approx(500000.0).margin(1e-3));
  CHECK(first[2].first != first[3].first);
  std::vector<std::thread> threads;
  std::vector<int> differ(4, 0);
  for (int k = 0; k < 4; ++k)
    threads.emplace_back([&, k] {
      for (int round = 0; round < 3; ++round)
        for (std::size_t i = 0; i < pairs.size(); ++i)
          if (convert(pairs[i]) != first[i]) ++differ[static_cast<std::size_t>(k)];
    });
  for (auto& t : threads) t.join();
  CHECK(differ == std::vector<int>(4, 0));
}

TEST_CASE("names are accepted only when they are a CRS's own name", "[crs]") {
  using carereach::geo::CrsSpec;
  // PROJ's database lookup is loose: "foo" would find Amersfoort. Such guesses are refused.
  for (const char* bad : {"foo", "bar", "wgs", "Amers"}) {
    INFO(bad);
    CHECK_THROWS_AS(CrsSpec::parse(bad), carereach::CrsError);
  }
  CHECK(CrsSpec::parse("WGS 84").is_geographic());
  CHECK(CrsSpec::parse("wgs 84").is_geographic());  // case does not matter
  CHECK(CrsSpec::parse("CGCS2000 / 3-degree Gauss-Kruger CM 117E").authority_code() == "EPSG:4548");
  CHECK(CrsSpec::parse("EPSG:4490").is_geographic());
  CHECK(CrsSpec::parse("urn:ogc:def:crs:EPSG::4548").is_projected_metric());
  CHECK(CrsSpec::parse("+proj=utm +zone=50 +datum=WGS84 +type=crs").is_projected_metric());
}
