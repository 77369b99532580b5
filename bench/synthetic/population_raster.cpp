#include "synthetic/population_raster.hpp"

#include <algorithm>
#include <cmath>

#include "core/population.hpp"
#include "synthetic/random.hpp"

namespace carereach::synthetic {

namespace {

/// Rural persons per cell of 100 m before the smooth variation (≈ 55 persons/km² between settlements).
constexpr double kRuralPerHectare = 0.55;
/// Kernels are cut at this many radii (the cut-off mass is given back by normalising over the stamp).
constexpr double kKernelReach = 5.0;

/// Adds `persons` around (x, y) with density ∝ exp(-d / radius), exactly `persons` in total over the cells of the
/// extent that the kernel reaches.
void stamp(PopulationRaster& r, double x, double y, double persons, double radius_m, std::vector<double>& weights) {
  const double reach = kKernelReach * radius_m;
  const double cs = r.cell_size_m;
  const long c0 = std::max(0L, static_cast<long>(std::floor((x - reach - r.origin_x_m) / cs)));
  const long c1 =
      std::min(static_cast<long>(r.cols) - 1, static_cast<long>(std::floor((x + reach - r.origin_x_m) / cs)));
  const long r0 = std::max(0L, static_cast<long>(std::floor((r.origin_y_m - (y + reach)) / cs)));
  const long r1 =
      std::min(static_cast<long>(r.rows) - 1, static_cast<long>(std::floor((r.origin_y_m - (y - reach)) / cs)));
  if (c0 > c1 || r0 > r1) return;
  const auto w = static_cast<std::size_t>(c1 - c0 + 1);
  weights.assign(w * static_cast<std::size_t>(r1 - r0 + 1), 0.0);
  double sum = 0.0;
  for (long row = r0; row <= r1; ++row) {
    const double cy = r.origin_y_m - (static_cast<double>(row) + 0.5) * cs;
    for (long col = c0; col <= c1; ++col) {
      const double cx = r.origin_x_m + (static_cast<double>(col) + 0.5) * cs;
      const double d = std::hypot(cx - x, cy - y);
      if (d > reach) continue;
      const double v = std::exp(-d / radius_m);
      weights[static_cast<std::size_t>(row - r0) * w + static_cast<std::size_t>(col - c0)] = v;
      sum += v;
    }
  }
  if (sum <= 0.0) return;
  const double scale = persons / sum;
  for (long row = r0; row <= r1; ++row) {
    float* out = r.persons.data() + static_cast<std::size_t>(row) * r.cols;
    const double* in = weights.data() + static_cast<std::size_t>(row - r0) * w;
    for (long col = c0; col <= c1; ++col) out[col] += static_cast<float>(in[col - c0] * scale);
  }
}

}  // namespace

float PopulationRaster::at(double x_m, double y_m) const {
  const double c = std::floor((x_m - origin_x_m) / cell_size_m);
  const double r = std::floor((origin_y_m - y_m) / cell_size_m);
  if (!(c >= 0 && r >= 0 && c < cols && r < rows)) return 0.0F;
  return persons[static_cast<std::size_t>(r) * cols + static_cast<std::size_t>(c)];
}

double PopulationRaster::total() const {
  CompensatedSum sum;
  for (const float v : persons) sum.add(v);
  return sum.value();
}

PopulationRaster make_population(const SyntheticSpec& spec, const Layout& layout) {
  PopulationRaster r;
  const Extent& e = layout.extent;
  r.cell_size_m = spec.cell_size_m;
  r.origin_x_m = e.min_x_m;
  r.origin_y_m = e.max_y_m;
  r.cols = static_cast<std::uint32_t>(std::llround(e.width_m() / r.cell_size_m));
  r.rows = static_cast<std::uint32_t>(std::llround(e.height_m() / r.cell_size_m));
  r.persons.assign(static_cast<std::size_t>(r.cols) * r.rows, 0.0F);

  // Rural floor: a smooth field (farmland denser, some patches empty: water, woods) times per-cell noise.
  const double per_cell = kRuralPerHectare * r.cell_size_m * r.cell_size_m / 10'000.0;
  const ValueNoise broad(spec.seed, Stream::kRuralField, 0, 12'000.0);
  const ValueNoise patches(spec.seed, Stream::kRuralField, 1, 3'000.0);
  for (std::uint32_t row = 0; row < r.rows; ++row) {
    const double y = r.origin_y_m - (row + 0.5) * r.cell_size_m;
    for (std::uint32_t col = 0; col < r.cols; ++col) {
      const double x = r.origin_x_m + (col + 0.5) * r.cell_size_m;
      const std::size_t i = static_cast<std::size_t>(row) * r.cols + col;
      if (patches.at(x, y) < -0.72) continue;  // empty patch
      const double field = 1.0 + 0.6 * broad.at(x, y);
      const double noise = 0.5 + hash_unit(spec.seed, Stream::kRuralNoise, i);
      r.persons[i] = static_cast<float>(per_cell * field * noise);
    }
  }

  std::vector<double> weights;
  for (const County& c : layout.counties) {
    const Township& seat = layout.townships[c.seat_township];
    stamp(r, seat.x_m, seat.y_m, c.urban_population, kCountyTownRadiusM, weights);
  }
  for (const Township& t : layout.townships)
    if (!t.county_seat) stamp(r, t.x_m, t.y_m, t.population, kTownRadiusM, weights);
  for (const Village& v : layout.villages) stamp(r, v.x_m, v.y_m, v.population, kVillageRadiusM, weights);
  return r;
}

}  // namespace carereach::synthetic
