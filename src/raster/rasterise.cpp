#include "raster/rasterise.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace carereach::raster {

namespace {

/// Clips the parametric segment p(t) = a + t·(b − a), t in [t0, t1], to lo ≤ p ≤ hi along one axis
/// (Liang–Barsky). False when nothing is left.
bool clip_axis(double a, double b, double lo, double hi, double& t0, double& t1) {
  const double d = b - a;
  if (d == 0.0) return a >= lo && a <= hi;
  double ta = (lo - a) / d;
  double tb = (hi - a) / d;
  if (ta > tb) std::swap(ta, tb);
  t0 = std::max(t0, ta);
  t1 = std::min(t1, tb);
  return t0 <= t1;
}

std::int64_t clamp_index(double v, std::uint32_t n) {
  const double f = std::floor(v);
  if (f < 0.0) return 0;
  if (f > static_cast<double>(n) - 1.0) return static_cast<std::int64_t>(n) - 1;
  return static_cast<std::int64_t>(f);
}

}  // namespace

void cells_on_segment(const Grid& grid, double x0_m, double y0_m, double x1_m, double y1_m,
                      std::vector<std::size_t>& cells) {
  if (grid.cols == 0 || grid.rows == 0) return;
  // Continuous cell coordinates: u along columns (east), v along rows (south).
  const double u0 = (x0_m - grid.origin_x_m) / grid.cell_size_m;
  const double v0 = (grid.origin_y_m - y0_m) / grid.cell_size_m;
  const double u1 = (x1_m - grid.origin_x_m) / grid.cell_size_m;
  const double v1 = (grid.origin_y_m - y1_m) / grid.cell_size_m;
  const double ucols = grid.cols;
  const double vrows = grid.rows;

  if (u0 == u1 && v0 == v1) {  // a point: half-open cells
    if (const auto c = grid.cell_at(x0_m, y0_m)) cells.push_back(*c);
    return;
  }
  double t0 = 0.0;
  double t1 = 1.0;
  if (!clip_axis(u0, u1, 0.0, ucols, t0, t1) || !clip_axis(v0, v1, 0.0, vrows, t0, t1)) return;
  const double du = u1 - u0;
  const double dv = v1 - v0;
  const double ua = u0 + t0 * du;
  const double va = v0 + t0 * dv;
  const double ub = u0 + t1 * du;
  const double vb = v0 + t1 * dv;
  // A segment lying on the east or south edge of the grid touches no cell (half-open cells).
  if ((ua >= ucols && ub >= ucols) || (va >= vrows && vb >= vrows)) return;

  const std::int64_t step_c = du > 0.0 ? 1 : (du < 0.0 ? -1 : 0);
  const std::int64_t step_r = dv > 0.0 ? 1 : (dv < 0.0 ? -1 : 0);
  // First and last cell: the cells holding the segment just after its start and just before its end, so a segment
  // that starts or ends exactly on a cell edge does not list the cell it only touches.
  const auto first_index = [](double a, std::int64_t step, std::uint32_t n) {
    std::int64_t i = clamp_index(a, n);
    if (step < 0 && a == std::floor(a) && a > 0.0 && i == static_cast<std::int64_t>(a)) --i;
    return i;
  };
  const auto last_index = [](double b, std::int64_t step, std::uint32_t n) {
    std::int64_t i = clamp_index(b, n);
    if (step > 0 && b == std::floor(b) && i == static_cast<std::int64_t>(b) && i > 0) --i;
    return i;
  };
  std::int64_t c = first_index(ua, step_c, grid.cols);
  std::int64_t r = first_index(va, step_r, grid.rows);
  const std::int64_t c_end = last_index(ub, step_c, grid.cols);
  const std::int64_t r_end = last_index(vb, step_r, grid.rows);
  constexpr double kInf = std::numeric_limits<double>::infinity();
  // Parameter (in units of the whole segment) at which the next column / row edge is crossed.
  double next_c = kInf;
  double next_r = kInf;
  double delta_c = kInf;
  double delta_r = kInf;
  if (step_c != 0) {
    delta_c = 1.0 / std::fabs(du);
    const double edge = step_c > 0 ? static_cast<double>(c + 1) : static_cast<double>(c);
    next_c = t0 + std::fabs(edge - ua) * delta_c;
  }
  if (step_r != 0) {
    delta_r = 1.0 / std::fabs(dv);
    const double edge = step_r > 0 ? static_cast<double>(r + 1) : static_cast<double>(r);
    next_r = t0 + std::fabs(edge - va) * delta_r;
  }

  const auto emit = [&] { cells.push_back(grid.index(static_cast<std::uint32_t>(c), static_cast<std::uint32_t>(r))); };
  emit();
  std::int64_t steps = std::llabs(c_end - c) + std::llabs(r_end - r);
  while (steps-- > 0) {
    // Step across the nearer edge; never beyond the end cell on an axis (rounding), so the walk ends exactly there.
    const bool along_c = (r == r_end) || (c != c_end && next_c <= next_r);
    if (along_c) {
      c += step_c;
      next_c += delta_c;
    } else {
      r += step_r;
      next_r += delta_r;
    }
    emit();
  }
}

void cells_on_polyline(const Grid& grid, std::span<const double> xs_m, std::span<const double> ys_m,
                       std::vector<std::size_t>& cells) {
  if (xs_m.size() != ys_m.size()) throw std::invalid_argument("cells_on_polyline: xs and ys differ in length");
  if (xs_m.size() == 1) {
    cells_on_segment(grid, xs_m[0], ys_m[0], xs_m[0], ys_m[0], cells);
    return;
  }
  for (std::size_t i = 0; i + 1 < xs_m.size(); ++i) {
    const std::size_t before = cells.size();
    cells_on_segment(grid, xs_m[i], ys_m[i], xs_m[i + 1], ys_m[i + 1], cells);
    if (i == 0 || before == 0 || cells.size() == before) continue;
    const std::size_t prev = cells[before - 1];
    const std::size_t next = cells[before];
    const auto pc = static_cast<std::int64_t>(prev % grid.cols);
    const auto pr = static_cast<std::int64_t>(prev / grid.cols);
    const auto nc = static_cast<std::int64_t>(next % grid.cols);
    const auto nr = static_cast<std::int64_t>(next / grid.cols);
    if (std::llabs(nc - pc) == 1 && std::llabs(nr - pr) == 1) {  // meet on a corner: join across the column edge
      cells.insert(cells.begin() + static_cast<std::ptrdiff_t>(before),
                   grid.index(static_cast<std::uint32_t>(nc), static_cast<std::uint32_t>(pr)));
    }
  }
}

RoadRaster rasterise_way_speeds(const RoadData& roads, const Grid& grid, std::span<const float> way_speed_kmh) {
  if (way_speed_kmh.size() != roads.way_count()) {
    throw std::invalid_argument("rasterise_way_speeds: " + std::to_string(way_speed_kmh.size()) + " speeds for " +
                                std::to_string(roads.way_count()) + " ways");
  }
  RoadRaster out;
  out.speed_kmh.assign(grid.cell_count(), 0.0F);
  std::vector<std::size_t> cells;
  std::vector<double> xs;
  std::vector<double> ys;
  for (std::size_t w = 0; w < roads.way_count(); ++w) {
    const float speed = way_speed_kmh[w];
    if (!(speed > 0.0F)) continue;
    const auto nodes = roads.way(w);
    xs.clear();
    ys.clear();
    for (const std::uint32_t n : nodes) {
      xs.push_back(roads.node_x_m[n]);
      ys.push_back(roads.node_y_m[n]);
    }
    cells.clear();
    cells_on_polyline(grid, xs, ys, cells);
    for (const std::size_t cell : cells) {
      float& v = out.speed_kmh[cell];
      if (v == 0.0F) ++out.cells_with_road;
      v = std::max(v, speed);
    }
    if (!cells.empty()) ++out.ways_used;
  }
  return out;
}

RoadRaster rasterise_roads(const RoadData& roads, const Grid& grid,
                           const std::array<double, kRoadClassCount>& speed_kmh_by_class) {
  std::vector<float> speeds(roads.way_count(), 0.0F);
  for (std::size_t w = 0; w < roads.way_count(); ++w) {
    speeds[w] = static_cast<float>(std::max(0.0, speed_kmh_by_class[road_class_index(roads.way_class[w])]));
  }
  return rasterise_way_speeds(roads, grid, speeds);
}

std::vector<float> way_speeds_for_mode(const RoadData& roads, TravelMode mode, const SpeedProfile& profile) {
  std::vector<float> speeds(roads.way_count(), 0.0F);
  for (std::size_t w = 0; w < roads.way_count(); ++w) speeds[w] = static_cast<float>(road_speed_kmh(roads, w, mode, profile));
  return speeds;
}

RoadRaster rasterise_roads(const RoadData& roads, const Grid& grid, TravelMode mode, const SpeedProfile& profile) {
  return rasterise_way_speeds(roads, grid, way_speeds_for_mode(roads, mode, profile));
}

SpeedMode raster_mode_of(TravelMode mode) {
  switch (mode) {
    case TravelMode::kWalk: return SpeedMode::kWalking;
    case TravelMode::kBicycle:
    case TravelMode::kEbike: return SpeedMode::kBicycling;
    case TravelMode::kCar:
    case TravelMode::kMixed: return SpeedMode::kMotorized;
  }
  return SpeedMode::kWalking;
}

WayModes way_speeds_with_modes(const RoadData& roads, TravelMode mode, const SpeedProfile& profile,
                               const RoadClassModes& class_modes) {
  const SpeedMode own = raster_mode_of(mode);
  WayModes out;
  out.speed_kmh.assign(roads.way_count(), 0.0F);
  out.mode.assign(roads.way_count(), own);
  for (std::size_t w = 0; w < roads.way_count(); ++w) {
    const std::optional<SpeedMode> m = class_modes[road_class_index(roads.way_class[w])];
    if (m && *m < own) {
      const TravelMode slower = *m == SpeedMode::kWalking ? TravelMode::kWalk : TravelMode::kBicycle;
      out.speed_kmh[w] = static_cast<float>(road_speed_kmh(roads, w, slower, profile));
      out.mode[w] = *m;
    } else {
      out.speed_kmh[w] = static_cast<float>(road_speed_kmh(roads, w, mode, profile));
    }
  }
  return out;
}

RoadRaster rasterise_way_modes(const RoadData& roads, const Grid& grid, const WayModes& ways) {
  if (ways.speed_kmh.size() != roads.way_count() || ways.mode.size() != roads.way_count())
    throw std::invalid_argument("rasterise_way_modes: not one speed and one mode per way");
  RoadRaster out;
  out.speed_kmh.assign(grid.cell_count(), 0.0F);
  out.mode.assign(grid.cell_count(), SpeedMode::kWalking);
  std::vector<std::size_t> cells;
  std::vector<double> xs;
  std::vector<double> ys;
  for (std::size_t w = 0; w < roads.way_count(); ++w) {
    const float speed = ways.speed_kmh[w];
    if (!(speed > 0.0F)) continue;
    xs.clear();
    ys.clear();
    for (const std::uint32_t n : roads.way(w)) {
      xs.push_back(roads.node_x_m[n]);
      ys.push_back(roads.node_y_m[n]);
    }
    cells.clear();
    cells_on_polyline(grid, xs, ys, cells);
    for (const std::size_t cell : cells) {
      float& v = out.speed_kmh[cell];
      SpeedMode& m = out.mode[cell];
      if (v == 0.0F) ++out.cells_with_road;
      if (speed > v || (speed == v && ways.mode[w] > m)) {
        v = speed;
        m = ways.mode[w];
      }
    }
    if (!cells.empty()) ++out.ways_used;
  }
  return out;
}

void mark_polyline(const Grid& grid, std::span<const double> xs_m, std::span<const double> ys_m,
                   std::vector<std::uint8_t>& mask) {
  if (mask.size() != grid.cell_count()) throw std::invalid_argument("mark_polyline: mask is not one entry per cell");
  std::vector<std::size_t> cells;
  cells_on_polyline(grid, xs_m, ys_m, cells);
  for (const std::size_t c : cells) mask[c] = 1;
}

}  // namespace carereach::raster
