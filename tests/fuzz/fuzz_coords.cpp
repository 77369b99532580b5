// Fuzz target: coordinate conversion. The input is text: a first line of numbers (longitude latitude pairs, any
// form strtod reads, "nan" and "inf" included) and the rest a CRS definition as a user writes it in a scenario or
// on the command line ("EPSG:4548", "gcj02", a PROJ string, WKT …).
// Checked beyond "no crash": GCJ-02/BD-09 forward and inverse give finite results for finite input, and inside
// the offset area the inverse is the inverse (forward(inverse(p)) within 1e-8° of p, as documented: 1e-9°);
// CrsSpec::parse either gives a CRS or throws CrsError; a Transformer from it to WGS 84 and one from GCJ-02 to it
// convert or report failure, and choose_analysis_crs refuses non-finite positions with a CrsError.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "fuzz_common.hpp"
#include "geo/china_offsets.hpp"
#include "geo/crs.hpp"

using namespace carereach;

namespace {

// The forward image of an inverse lies this close to the input (docs/method/coordinates.md says 1e-9°; a margin
// for the last digits of large coordinates).
constexpr double kRoundTripTolerance_deg = 1e-8;
// Inside the offset area by this much: near its edge the inverse may step outside, where the offset is zero.
constexpr double kAreaMargin_deg = 0.5;

[[noreturn]] void finding(const char* what, geo::LonLat p, geo::LonLat q) {
  std::fprintf(stderr, "carereach fuzz: %s: (%.17g, %.17g) -> (%.17g, %.17g)\n", what, p.lon, p.lat, q.lon, q.lat);
  std::abort();
}

bool finite(geo::LonLat p) { return std::isfinite(p.lon) && std::isfinite(p.lat); }

bool well_inside(geo::LonLat p) {
  return geo::in_china_offset_area({p.lon - kAreaMargin_deg, p.lat - kAreaMargin_deg}) &&
         geo::in_china_offset_area({p.lon + kAreaMargin_deg, p.lat + kAreaMargin_deg});
}

void check_offsets(geo::LonLat p) {
  using Map = geo::LonLat (*)(geo::LonLat);
  const struct {
    Map forward, inverse;
    const char* name;
  } pairs[] = {{geo::wgs84_to_gcj02, geo::gcj02_to_wgs84, "GCJ-02"},
               {geo::gcj02_to_bd09, geo::bd09_to_gcj02, "BD-09 from GCJ-02"},
               {geo::wgs84_to_bd09, geo::bd09_to_wgs84, "BD-09 from WGS 84"}};
  for (const auto& m : pairs) {
    const geo::LonLat f = m.forward(p);
    const geo::LonLat i = m.inverse(p);
    if (finite(p) && !finite(f)) finding(m.name, p, f);
    if (finite(p) && !finite(i)) finding(m.name, p, i);
    if (finite(p) && well_inside(p)) {
      const geo::LonLat back = m.forward(i);
      if (std::abs(back.lon - p.lon) > kRoundTripTolerance_deg || std::abs(back.lat - p.lat) > kRoundTripTolerance_deg)
        finding("forward(inverse(p)) is not p", p, back);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const std::size_t eol = text.find('\n');
  const std::string numbers = text.substr(0, eol);
  const std::string crs_text = eol == std::string::npos ? std::string() : text.substr(eol + 1);

  std::vector<double> xs, ys;
  const char* p = numbers.c_str();
  for (int k = 0; k < 16; ++k) {
    char* end = nullptr;
    const double x = std::strtod(p, &end);
    if (end == p) break;
    p = end;
    const double y = std::strtod(p, &end);
    if (end == p) break;
    p = end;
    xs.push_back(x);
    ys.push_back(y);
  }
  for (std::size_t k = 0; k < xs.size(); ++k) check_offsets({xs[k], ys[k]});

  fuzz::expect_only_carereach_errors([&] {
    if (!xs.empty()) (void)geo::choose_analysis_crs(xs.front(), ys.front());
  });
  if (crs_text.empty()) return 0;
  fuzz::expect_only_carereach_errors([&] {
    const geo::CrsSpec crs = geo::CrsSpec::parse(crs_text);
    (void)crs.display();
    (void)crs.authority_code();
    (void)crs.wkt();
    (void)crs.is_geographic();
    (void)crs.is_projected_metric();
    // PROJ takes milliseconds to set up a transformation: one each way (through WGS 84 and from GCJ-02).
    static const geo::CrsSpec gcj02 = geo::CrsSpec::parse("gcj02");
    const geo::Transformer to(crs, geo::wgs84());
    const geo::Transformer from(gcj02, crs);
    std::vector<double> x = xs, y = ys;
    (void)to.transform(x, y);
    (void)from.transform(x, y);
    (void)to.is_identity();
  });
  return 0;
}
