#pragma once
// Geometries made from fuzzer bytes, for the GEOS wrapper targets (polygon repair, report outlines).
//
// Byte 0 chooses how the rest is read:
//   0: WKB, as given (any geometry type GEOS reads);
//   1: coordinates as raw little-endian doubles (NaN, infinities, 1e308 and subnormals included);
//   2: coordinates as signed bytes on a grid (collinear runs, repeated points, touching and crossing rings);
//   3: coordinates as signed 16-bit integers on a grid, shifted to Gauss–Krüger-sized values (500 km, 3,700 km).
// For 1–3, byte 1 gives the shape: bits 0–1 polygon / multipolygon of two parts / line string / polygon with holes,
// bits 2–3 one to four rings (parts; one for a simple polygon or a line); byte 2 gives the grid step 10^(k − 4) for k = byte % 16. The points are shared
// out evenly among the rings; rings are closed and padded to four points, lines to two. The geometry is then built
// by GEOS's WKB reader, so what a ring may not be (open, too short) is refused there, as for a real input.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <utility>
#include <vector>

#include "geo/geos.hpp"

namespace carereach::fuzz {

using Point = std::pair<double, double>;

class WkbWriter {
 public:
  void header(std::uint32_t type) {
    bytes_.push_back(1);  // little-endian
    u32(type);
  }
  void u32(std::uint32_t v) {
    for (int i = 0; i < 4; ++i) bytes_.push_back(static_cast<unsigned char>(v >> (8 * i)));
  }
  void f64(double v) {
    unsigned char b[8];
    std::memcpy(b, &v, 8);
    bytes_.insert(bytes_.end(), b, b + 8);
  }
  void points(const std::vector<Point>& pts) {
    u32(static_cast<std::uint32_t>(pts.size()));
    for (const auto& [x, y] : pts) {
      f64(x);
      f64(y);
    }
  }
  void polygon(const std::vector<std::vector<Point>>& rings) {
    header(3);
    u32(static_cast<std::uint32_t>(rings.size()));
    for (const auto& r : rings) points(r);
  }
  [[nodiscard]] const std::vector<unsigned char>& bytes() const { return bytes_; }

 private:
  std::vector<unsigned char> bytes_;
};

inline std::vector<Point> read_points(int mode, double step, const std::uint8_t* p, std::size_t n) {
  std::vector<Point> out;
  if (mode == 1) {
    for (std::size_t i = 0; i + 16 <= n; i += 16) {
      double x = 0, y = 0;
      std::memcpy(&x, p + i, 8);
      std::memcpy(&y, p + i + 8, 8);
      out.emplace_back(x, y);
    }
  } else if (mode == 2) {
    for (std::size_t i = 0; i + 2 <= n; i += 2)
      out.emplace_back(static_cast<std::int8_t>(p[i]) * step, static_cast<std::int8_t>(p[i + 1]) * step);
  } else {
    constexpr double kEasting_m = 500000.0, kNorthing_m = 3700000.0;
    for (std::size_t i = 0; i + 4 <= n; i += 4) {
      const auto x = static_cast<std::int16_t>(p[i] | (p[i + 1] << 8));
      const auto y = static_cast<std::int16_t>(p[i + 2] | (p[i + 3] << 8));
      out.emplace_back(kEasting_m + x * step, kNorthing_m + y * step);
    }
  }
  return out;
}

/// The geometry the bytes describe. Throws geo::GeometryError (a carereach::Error) when GEOS cannot read it.
inline geo::Geometry geometry_from_bytes(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return geo::Geometry::from_wkt("POLYGON EMPTY");
  const int mode = data[0] & 3;
  if (mode == 0) return geo::Geometry::from_wkb(std::span<const unsigned char>(data + 1, size - 1));
  if (size < 3) return geo::Geometry::from_wkt("POLYGON EMPTY");
  const int shape = data[1] & 3;
  const std::size_t parts = (shape == 0 || shape == 2) ? 1 : 1 + ((data[1] >> 2) & 3);
  const double step = std::pow(10.0, (data[2] % 16) - 4);
  const std::vector<Point> pts = read_points(mode, step, data + 3, size - 3);

  std::vector<std::vector<Point>> rings(parts);
  const std::size_t per = std::max<std::size_t>(1, pts.size() / parts);
  for (std::size_t i = 0; i < pts.size(); ++i) rings[std::min(parts - 1, i / per)].push_back(pts[i]);
  const bool line = shape == 2;
  for (auto& r : rings) {
    if (r.empty()) r.emplace_back(0.0, 0.0);
    if (!line) r.push_back(r.front());
    while (r.size() < (line ? 2U : 4U)) r.insert(r.end() - 1, r.front());
  }
  WkbWriter w;
  if (line) {
    w.header(2);
    w.points(rings.front());
  } else if (shape == 1) {
    w.header(6);
    const std::size_t half = (rings.size() + 1) / 2;
    w.u32(rings.size() > 1 ? 2 : 1);
    w.polygon({rings.begin(), rings.begin() + static_cast<std::ptrdiff_t>(half)});
    if (rings.size() > 1) w.polygon({rings.begin() + static_cast<std::ptrdiff_t>(half), rings.end()});
  } else if (shape == 3) {
    w.polygon(rings);
  } else {
    w.polygon({rings.front()});
  }
  return geo::Geometry::from_wkb(w.bytes());
}

}  // namespace carereach::fuzz
