// Coverage of a service standard (coverage.hpp). docs/method/coverage.md states the rules; the comments here say
// how they are computed. Everything is deterministic: parallel parts write disjoint cells or sort under a total
// order, and every sum runs in a fixed order, so the results do not depend on the number of threads.

#include "analysis/coverage.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_sort.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>

#include "core/default_init.hpp"

namespace carereach::analysis {
namespace {

constexpr std::uint32_t kNone = TravelTimeField::kNoFacility;
constexpr float kInfF = std::numeric_limits<float>::infinity();
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// ------------------------------------------------------------------------------------------------------------
// Exact nearest point: a uniform grid of square buckets over the points, searched in square rings around the
// query's bucket. Pruning compares lower bounds with a small slack, so a point that rounding puts a hair closer
// than its bucket's bound is still examined: the answer is always the minimum of (distance², point index) over
// all points, exactly as a brute force computes it.

class PointIndex {
 public:
  PointIndex(std::span<const double> x_m, std::span<const double> y_m) {
    if (x_m.size() != y_m.size()) throw std::invalid_argument("nearest points: x and y differ in length");
    if (x_m.size() >= kNone) throw std::invalid_argument("nearest points: too many points");
    std::vector<std::uint32_t> pts;
    double min_x = kInf, min_y = kInf, max_x = -kInf, max_y = -kInf;
    for (std::size_t i = 0; i < x_m.size(); ++i) {
      if (!std::isfinite(x_m[i]) || !std::isfinite(y_m[i])) continue;
      pts.push_back(static_cast<std::uint32_t>(i));
      min_x = std::min(min_x, x_m[i]);
      max_x = std::max(max_x, x_m[i]);
      min_y = std::min(min_y, y_m[i]);
      max_y = std::max(max_y, y_m[i]);
    }
    if (pts.empty()) return;
    const double n = static_cast<double>(pts.size());
    const double w = max_x - min_x, h = max_y - min_y;
    // About two points per bucket; a line of points (no area) gets buckets along it; at most 4 n + 64 buckets.
    double b = std::sqrt(2.0 * w * h / n);
    b = std::max(b, std::max(w, h) / (2.0 * n));
    if (!(b > 0) || !std::isfinite(b)) b = std::max({w, h, 1.0});
    auto count_along = [&](double extent) { return static_cast<std::int64_t>(std::floor(extent / b)) + 1; };
    while (static_cast<double>(count_along(w)) * static_cast<double>(count_along(h)) > 4.0 * n + 64.0) b *= 2.0;
    x0_ = min_x;
    y0_ = min_y;
    bucket_m_ = b;
    nbx_ = count_along(w);
    nby_ = count_along(h);

    const std::size_t buckets = static_cast<std::size_t>(nbx_ * nby_);
    std::vector<std::uint32_t> bucket_of(pts.size());
    start_.assign(buckets + 1, 0);
    for (std::size_t k = 0; k < pts.size(); ++k) {
      bucket_of[k] = static_cast<std::uint32_t>(bucket(x_m[pts[k]], y_m[pts[k]]));
      ++start_[bucket_of[k] + 1];
    }
    for (std::size_t k = 0; k < buckets; ++k) start_[k + 1] += start_[k];
    std::vector<std::uint32_t> cursor(start_.begin(), start_.end() - 1);
    ix_.resize(pts.size());
    iy_.resize(pts.size());
    id_.resize(pts.size());
    for (std::size_t k = 0; k < pts.size(); ++k) {  // points in index order: stable within a bucket
      const std::uint32_t at = cursor[bucket_of[k]]++;
      ix_[at] = x_m[pts[k]];
      iy_[at] = y_m[pts[k]];
      id_[at] = pts[k];
    }

    // Chessboard distance (in buckets) from each bucket to the nearest bucket with a point: two-pass distance
    // transform with unit steps to the 8 neighbours. A query starts at the first ring that can hold a point.
    constexpr std::uint32_t kFar = std::numeric_limits<std::uint32_t>::max() / 2;
    empty_rings_.assign(buckets, kFar);
    for (std::size_t k = 0; k < buckets; ++k)
      if (start_[k + 1] > start_[k]) empty_rings_[k] = 0;
    auto relax = [&](std::int64_t i, std::int64_t j, std::int64_t di, std::int64_t dj) {
      const std::int64_t ni = i + di, nj = j + dj;
      if (ni < 0 || nj < 0 || ni >= nbx_ || nj >= nby_) return;
      std::uint32_t& d = empty_rings_[static_cast<std::size_t>(j * nbx_ + i)];
      d = std::min(d, empty_rings_[static_cast<std::size_t>(nj * nbx_ + ni)] + 1);
    };
    for (std::int64_t j = 0; j < nby_; ++j)
      for (std::int64_t i = 0; i < nbx_; ++i) {
        relax(i, j, -1, 0);
        relax(i, j, -1, -1);
        relax(i, j, 0, -1);
        relax(i, j, 1, -1);
      }
    for (std::int64_t j = nby_ - 1; j >= 0; --j)
      for (std::int64_t i = nbx_ - 1; i >= 0; --i) {
        relax(i, j, 1, 0);
        relax(i, j, 1, 1);
        relax(i, j, 0, 1);
        relax(i, j, -1, 1);
      }
  }

  [[nodiscard]] bool empty() const { return id_.empty(); }
  [[nodiscard]] std::uint32_t id(std::uint32_t item) const { return id_[item]; }

  /// The item (position in the index) nearest to (qx, qy) within limit_m (inclusive) and its distance; (kNone,
  /// +inf) when there is none. `hint`: an item (or kNone) whose distance bounds the search; it only saves work.
  [[nodiscard]] std::pair<std::uint32_t, double> nearest(double qx, double qy, double limit_m,
                                                         std::uint32_t hint) const {
    if (id_.empty() || !(limit_m >= 0)) return {kNone, kInf};
    // Every point with sqrt(d²) ≤ limit has d² ≤ this bound (the factor covers the rounding of the square root).
    double bound = std::isinf(limit_m) ? kInf : limit_m * limit_m * (1.0 + 1e-12);
    if (hint != kNone) bound = std::min(bound, dist2(hint, qx, qy));
    std::uint32_t best = kNone;
    double best_d2 = bound;
    auto prune = [&](double lower_d2) { return lower_d2 > best_d2 * (1.0 + 1e-9) + 1e-6; };

    const double b = bucket_m_;
    const auto bx = clamp_index(std::floor((qx - x0_) / b));
    const auto by = clamp_index(std::floor((qy - y0_) / b));
    const double mx = qx - (x0_ + static_cast<double>(bx) * b), my = qy - (y0_ + static_cast<double>(by) * b);
    const double margin = std::max(0.0, std::min({mx, b - mx, my, b - my}));
    std::int64_t r = std::max({std::int64_t{0}, -bx, bx - (nbx_ - 1), -by, by - (nby_ - 1)});
    if (r == 0) r = empty_rings_[static_cast<std::size_t>(by * nbx_ + bx)];
    const std::int64_t r_max = std::max({bx, nbx_ - 1 - bx, by, nby_ - 1 - by, -bx, -by});

    auto visit = [&](std::int64_t i, std::int64_t j) {
      const double rx0 = x0_ + static_cast<double>(i) * b, ry0 = y0_ + static_cast<double>(j) * b;
      const double dx = std::max({0.0, rx0 - qx, qx - (rx0 + b)});
      const double dy = std::max({0.0, ry0 - qy, qy - (ry0 + b)});
      if (prune(dx * dx + dy * dy)) return;
      const std::size_t k = static_cast<std::size_t>(j * nbx_ + i);
      for (std::uint32_t it = start_[k]; it < start_[k + 1]; ++it) {
        const double d2 = dist2(it, qx, qy);
        if (d2 < best_d2 || (d2 == best_d2 && (best == kNone || id_[it] < id_[best]))) {
          best = it;
          best_d2 = d2;
        }
      }
    };
    for (; r <= r_max; ++r) {
      if (r > 0) {
        const double lower = static_cast<double>(r - 1) * b + margin;
        if (prune(lower * lower)) break;
      }
      if (r == 0) {
        visit(bx, by);
        continue;
      }
      const std::int64_t i_lo = std::max<std::int64_t>(bx - r, 0), i_hi = std::min(bx + r, nbx_ - 1);
      for (const std::int64_t j : {by - r, by + r})
        if (j >= 0 && j < nby_)
          for (std::int64_t i = i_lo; i <= i_hi; ++i) visit(i, j);
      const std::int64_t j_lo = std::max<std::int64_t>(by - r + 1, 0), j_hi = std::min(by + r - 1, nby_ - 1);
      for (const std::int64_t i : {bx - r, bx + r})
        if (i >= 0 && i < nbx_)
          for (std::int64_t j = j_lo; j <= j_hi; ++j) visit(i, j);
    }
    if (best == kNone) return {kNone, kInf};
    const double d = std::sqrt(best_d2);
    if (!(d <= limit_m)) return {kNone, kInf};
    return {best, d};
  }

 private:
  [[nodiscard]] double dist2(std::uint32_t item, double qx, double qy) const {
    const double dx = ix_[item] - qx, dy = iy_[item] - qy;
    return dx * dx + dy * dy;
  }
  static std::int64_t clamp_index(double v) {
    constexpr double kLimit = 1.0e15;
    return static_cast<std::int64_t>(std::clamp(v, -kLimit, kLimit));
  }
  [[nodiscard]] std::size_t bucket(double x, double y) const {
    const auto i = std::clamp<std::int64_t>(clamp_index(std::floor((x - x0_) / bucket_m_)), 0, nbx_ - 1);
    const auto j = std::clamp<std::int64_t>(clamp_index(std::floor((y - y0_) / bucket_m_)), 0, nby_ - 1);
    return static_cast<std::size_t>(j * nbx_ + i);
  }

  double x0_ = 0.0, y0_ = 0.0, bucket_m_ = 1.0;
  std::int64_t nbx_ = 0, nby_ = 0;
  std::vector<std::uint32_t> start_;        // per bucket (row-major from the lower left) its first item; + end
  std::vector<std::uint32_t> empty_rings_;  // per bucket: rings around it without any point
  std::vector<double> ix_, iy_;             // items (points in bucket order)
  std::vector<std::uint32_t> id_;           // point index of each item
};

// ------------------------------------------------------------------------------------------------------------
// Checks and small helpers

std::size_t checked_cells(const PopulationGrid& population, const CellMeasure& measure, const CellThreshold& threshold,
                          const char* what) {
  const std::size_t n = population.grid.cell_count();
  const auto fail = [&](const std::string& why) { throw std::invalid_argument(std::string(what) + ": " + why); };
  if (population.persons.size() != n) fail("the population has " + std::to_string(population.persons.size()) +
                                           " cells, its grid " + std::to_string(n));
  if (measure.grid.cols != population.grid.cols || measure.grid.rows != population.grid.rows)
    fail("the measure's grid differs from the population grid");
  if (measure.value.size() != n) fail("the measure has " + std::to_string(measure.value.size()) + " values for " +
                                      std::to_string(n) + " cells");
  if (!threshold.class_of_cell.empty() && threshold.class_of_cell.size() != n)
    fail("the threshold classes have " + std::to_string(threshold.class_of_cell.size()) + " cells for " +
         std::to_string(n));
  if (n > std::numeric_limits<std::uint32_t>::max()) fail("more than 2^32 cells");
  return n;
}

/// Within the standard: a finite value at most the cell's threshold (an unreached cell is never covered).
inline bool is_covered(float value, float threshold) { return std::isfinite(value) && value <= threshold; }

/// Unsigned keys that sort as the floats do (NaN taken as +inf), and back.
inline std::uint32_t order_bits(float v) {
  if (std::isnan(v)) v = kInfF;
  const auto u = std::bit_cast<std::uint32_t>(v);
  return (u & 0x80000000u) != 0 ? ~u : (u | 0x80000000u);
}
inline float from_order_bits(std::uint32_t k) {
  return std::bit_cast<float>((k & 0x80000000u) != 0 ? (k & 0x7fffffffu) : ~k);
}
inline float key_value(std::uint64_t key) { return from_order_bits(static_cast<std::uint32_t>(key >> 32)); }
inline std::uint32_t key_cell(std::uint64_t key) { return static_cast<std::uint32_t>(key & 0xffffffffu); }

constexpr std::array<double, 2> kQuantiles = {0.5, 0.9};

/// Weighted quantiles over keys sorted by value: for each q the first value at which the running population
/// reaches q × total (the smallest v with population(value ≤ v) ≥ q × total). If rounding keeps the running sum a
/// hair below (q close to 1), the largest value.
std::array<double, 2> sorted_quantiles(const std::uint64_t* first, const std::uint64_t* last,
                                       const std::vector<double>& persons, double total, CompensatedSum running = {},
                                       std::array<bool, 2> want = {true, true}) {
  std::array<double, 2> out = {kNaN, kNaN};
  if (first == last) return out;
  for (const std::uint64_t* k = first; k != last; ++k) {
    running.add(persons[key_cell(*k)]);
    const double have = running.value();
    bool all = true;
    for (std::size_t i = 0; i < kQuantiles.size(); ++i) {
      if (want[i] && std::isnan(out[i]) && have >= kQuantiles[i] * total) out[i] = key_value(*k);
      all = all && (!want[i] || !std::isnan(out[i]));
    }
    if (all) return out;
  }
  for (std::size_t i = 0; i < kQuantiles.size(); ++i)
    if (want[i] && std::isnan(out[i])) out[i] = key_value(*(last - 1));
  return out;
}

}  // namespace

// ------------------------------------------------------------------------------------------------------------

CellMeasure measure_from_travel_time(const TravelTimeField& field) {
  CellMeasure m;
  m.grid = field.grid;
  m.unit = CoverageUnit::kMinutes;
  m.value.assign(field.minutes.begin(), field.minutes.end());
  m.nearest.assign(field.nearest.begin(), field.nearest.end());
  return m;
}

NearestPoints nearest_points(const Grid& grid, std::span<const std::uint32_t> cells, std::span<const double> x_m,
                             std::span<const double> y_m, double limit_m) {
  const PointIndex index(x_m, y_m);
  NearestPoints out;
  out.point.assign(cells.size(), kNone);
  out.distance_m.assign(cells.size(), kInfF);
  const std::size_t n = grid.cell_count();
  for (const std::uint32_t c : cells)
    if (c >= n) throw std::invalid_argument("nearest points: cell " + std::to_string(c) + " is outside the grid");
  if (index.empty() || cells.empty()) return out;
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, cells.size(), 4096), [&](const tbb::blocked_range<std::size_t>& r) {
    std::uint32_t hint = kNone;
    for (std::size_t k = r.begin(); k < r.end(); ++k) {
      const std::uint32_t c = cells[k];
      const auto [item, d] = index.nearest(grid.centre_x_m(c % grid.cols), grid.centre_y_m(c / grid.cols), limit_m, hint);
      if (item == kNone) continue;
      hint = item;
      out.point[k] = index.id(item);
      out.distance_m[k] = static_cast<float>(d);
    }
  });
  return out;
}

CellMeasure measure_straight_line(const PopulationGrid& population, std::span<const Facility> facilities,
                                  double limit_m, bool populated_only) {
  const Grid& grid = population.grid;
  const std::size_t n = grid.cell_count();
  if (population.persons.size() != n)
    throw std::invalid_argument("straight-line measure: the population has " +
                                std::to_string(population.persons.size()) + " cells, its grid " + std::to_string(n));
  // Points in FacilityId order, so that the index's tie rule (the smaller point) is the smaller FacilityId value.
  std::vector<std::size_t> order(facilities.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return facilities[a].id.value < facilities[b].id.value; });
  std::vector<double> xs(order.size()), ys(order.size());
  std::vector<std::uint32_t> ids(order.size());
  for (std::size_t k = 0; k < order.size(); ++k) {
    xs[k] = facilities[order[k]].x_m;
    ys[k] = facilities[order[k]].y_m;
    ids[k] = facilities[order[k]].id.value;
  }
  const PointIndex index(xs, ys);

  CellMeasure m;
  m.grid = grid;
  m.unit = CoverageUnit::kMetres;
  m.value.assign(n, kInfF);
  m.nearest.assign(n, kNone);
  if (index.empty()) return m;
  tbb::parallel_for(tbb::blocked_range<std::uint32_t>(0, grid.rows, 4), [&](const tbb::blocked_range<std::uint32_t>& r) {
    for (std::uint32_t row = r.begin(); row < r.end(); ++row) {
      const double y = grid.centre_y_m(row);
      std::uint32_t hint = kNone;  // the previous cell's answer bounds the search; it never changes the answer
      for (std::uint32_t col = 0; col < grid.cols; ++col) {
        const std::size_t c = grid.index(col, row);
        if (populated_only && !(population.persons[c] > 0)) continue;
        const auto [item, d] = index.nearest(grid.centre_x_m(col), y, limit_m, hint);
        if (item == kNone) continue;
        hint = item;
        m.value[c] = static_cast<float>(d);
        m.nearest[c] = ids[index.id(item)];
      }
    }
  });
  return m;
}

void straight_line_to_points(const Grid& grid, std::span<const double> x_m, std::span<const double> y_m,
                             std::span<const std::uint32_t> ids, double limit_m, double scale, std::span<float> value,
                             std::span<std::uint32_t> nearest) {
  const std::size_t n = grid.cell_count();
  if (x_m.size() != y_m.size() || x_m.size() != ids.size())
    throw std::invalid_argument("straight line to points: x, y and ids differ in length");
  if (value.size() != n || nearest.size() != n)
    throw std::invalid_argument("straight line to points: the outputs need one entry per cell (" + std::to_string(n) + ")");
  // Points in id order, so that the index's tie rule (the smaller point) is the smaller id.
  std::vector<std::size_t> order(ids.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return ids[a] < ids[b]; });
  std::vector<double> xs(order.size()), ys(order.size());
  std::vector<std::uint32_t> sorted_ids(order.size());
  for (std::size_t k = 0; k < order.size(); ++k) {
    xs[k] = x_m[order[k]];
    ys[k] = y_m[order[k]];
    sorted_ids[k] = ids[order[k]];
  }
  const PointIndex index(xs, ys);
  tbb::parallel_for(tbb::blocked_range<std::uint32_t>(0, grid.rows, 4), [&](const tbb::blocked_range<std::uint32_t>& r) {
    for (std::uint32_t row = r.begin(); row < r.end(); ++row) {
      const double y = grid.centre_y_m(row);
      std::uint32_t hint = kNone;  // the previous cell's answer bounds the search; it never changes the answer
      for (std::uint32_t col = 0; col < grid.cols; ++col) {
        const std::size_t c = grid.index(col, row);
        value[c] = kInfF;
        nearest[c] = kNone;
        if (index.empty()) continue;
        const auto [item, d] = index.nearest(grid.centre_x_m(col), y, limit_m, hint);
        if (item == kNone) continue;
        hint = item;
        value[c] = static_cast<float>(scale * d);
        nearest[c] = sorted_ids[index.id(item)];
      }
    }
  });
}

std::vector<std::uint8_t> covered_cells(const PopulationGrid& population, const CellMeasure& measure,
                                        const CellThreshold& threshold) {
  const std::size_t n = checked_cells(population, measure, threshold, "covered cells");
  std::vector<std::uint8_t> out(n, 0);
  for (std::size_t c = 0; c < n; ++c)
    out[c] = population.persons[c] > 0 && is_covered(measure.value[c], threshold.at(c)) ? 1 : 0;
  return out;
}

LevelCoverage zone_coverage(const PopulationGrid& population, const CellMeasure& measure,
                            const CellThreshold& threshold, std::span<const std::uint32_t> zone_of_cell,
                            std::size_t zone_count, std::span<const std::uint32_t> facility_zone) {
  const std::size_t n = checked_cells(population, measure, threshold, "zone coverage");
  if (zone_of_cell.size() != n)
    throw std::invalid_argument("zone coverage: " + std::to_string(zone_of_cell.size()) + " zone entries for " +
                                std::to_string(n) + " cells");
  const auto& persons = population.persons;

  // Pass 1, in cell order: the sums of each zone (compensated), its largest finite value, its populated cells.
  struct Acc {
    CompensatedSum total, covered, reached, weighted;
    float max = -kInfF;
    std::size_t cells = 0, reached_cells = 0;
  };
  std::vector<Acc> acc(zone_count);
  for (std::size_t c = 0; c < n; ++c) {
    const std::uint32_t z = zone_of_cell[c];
    if (z == kNoZone) continue;
    if (z >= zone_count)
      throw std::invalid_argument("zone coverage: cell " + std::to_string(c) + " has zone " + std::to_string(z) +
                                  " of " + std::to_string(zone_count));
    const double p = persons[c];
    if (!(p > 0)) continue;
    const float v = measure.value[c];
    Acc& a = acc[z];
    ++a.cells;
    a.total.add(p);
    if (std::isfinite(v)) {
      ++a.reached_cells;
      a.reached.add(p);
      a.weighted.add(p * static_cast<double>(v));
      a.max = std::max(a.max, v);
      if (v <= threshold.at(c)) a.covered.add(p);
    }
  }

  LevelCoverage out;
  out.zones.resize(zone_count);
  for (const std::uint32_t z : facility_zone) {
    if (z == kNoZone) continue;
    if (z >= zone_count)
      throw std::invalid_argument("zone coverage: a facility has zone " + std::to_string(z) + " of " +
                                  std::to_string(zone_count));
    ++out.zones[z].n_facilities;
  }
  for (std::size_t z = 0; z < zone_count; ++z) {
    CoverageStats& s = out.zones[z];
    const Acc& a = acc[z];
    s.pop_total = a.total.value();
    s.pop_covered = a.covered.value();
    s.pop_uncovered = s.pop_total - s.pop_covered;
    s.pop_reached = a.reached.value();
    if (a.reached_cells > 0) {
      s.mean = a.weighted.value() / s.pop_reached;
      s.max = a.max;
    }
  }

  // Pass 2: one key per populated cell of a zone, (value, cell) packed so that they sort by value then cell,
  // grouped by zone (counting sort); each zone's group sorted on its own for its quantiles.
  std::vector<std::size_t> offset(zone_count + 1, 0);
  for (std::size_t z = 0; z < zone_count; ++z) offset[z + 1] = offset[z] + acc[z].cells;
  UninitVector<std::uint64_t> keys(offset[zone_count]);
  {
    std::vector<std::size_t> cursor(offset.begin(), offset.end() - 1);
    for (std::size_t c = 0; c < n; ++c) {
      const std::uint32_t z = zone_of_cell[c];
      if (z == kNoZone || !(persons[c] > 0)) continue;
      keys[cursor[z]++] = (static_cast<std::uint64_t>(order_bits(measure.value[c])) << 32) | c;
    }
  }
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, zone_count, 1), [&](const tbb::blocked_range<std::size_t>& r) {
    for (std::size_t z = r.begin(); z < r.end(); ++z) {
      std::uint64_t* first = keys.data() + offset[z];
      std::uint64_t* last = keys.data() + offset[z + 1];
      if (first == last) continue;
      tbb::parallel_sort(first, last);  // keys are distinct (the cell is part of them): one order, whatever the threads
      const auto q = sorted_quantiles(first, last, persons, out.zones[z].pop_total);
      out.zones[z].p50 = q[0];
      out.zones[z].p90 = q[1];
    }
  });

  // The total: population figures are the zones' sums in zone order (so a column adds up to its total row).
  CoverageStats& t = out.total;
  double weighted = 0.0;
  bool any_reached = false;
  float max = -kInfF;
  for (std::size_t z = 0; z < zone_count; ++z) {
    const CoverageStats& s = out.zones[z];
    t.pop_total += s.pop_total;
    t.pop_covered += s.pop_covered;
    t.pop_uncovered += s.pop_uncovered;
    t.pop_reached += s.pop_reached;
    t.n_facilities += s.n_facilities;
    if (acc[z].reached_cells > 0) {
      weighted += acc[z].weighted.value();
      any_reached = true;
      max = std::max(max, acc[z].max);
    }
  }
  if (any_reached) {
    t.mean = weighted / t.pop_reached;
    t.max = max;
  }
  // Quantiles over every populated cell of every zone, without sorting them all: the population per bin of the
  // keys' top 16 bits (the bins are in value order), then only the keys of the bin where q × total is reached are
  // sorted and walked.
  if (!keys.empty() && t.pop_total > 0) {
    constexpr int kShift = 48;
    std::vector<CompensatedSum> bins(std::size_t{1} << 16);
    for (const std::uint64_t k : keys) bins[k >> kShift].add(persons[key_cell(k)]);
    for (std::size_t qi = 0; qi < kQuantiles.size(); ++qi) {
      const double target = kQuantiles[qi] * t.pop_total;
      CompensatedSum before;
      std::size_t bin = bins.size();
      for (std::size_t b = 0; b < bins.size(); ++b) {
        CompensatedSum with = before;
        with.add(bins[b].value());
        if (with.value() >= target) {
          bin = b;
          break;
        }
        before = with;
      }
      double value;
      if (bin == bins.size()) {  // rounding kept the sum below q × total: the largest value
        value = key_value(*std::max_element(keys.begin(), keys.end()));
      } else {
        std::vector<std::uint64_t> in_bin;
        for (const std::uint64_t k : keys)
          if ((k >> kShift) == bin) in_bin.push_back(k);
        std::sort(in_bin.begin(), in_bin.end());
        std::array<bool, 2> want = {false, false};
        want[qi] = true;
        value = sorted_quantiles(in_bin.data(), in_bin.data() + in_bin.size(), persons, t.pop_total, before, want)[qi];
      }
      (qi == 0 ? t.p50 : t.p90) = value;
    }
  }
  return out;
}

std::vector<Catchment> catchments(const PopulationGrid& population, const CellMeasure& measure,
                                  const CellThreshold& threshold, std::span<const std::uint32_t> facility_ids) {
  const std::size_t n = checked_cells(population, measure, threshold, "catchments");
  if (measure.nearest.size() != n)
    throw std::invalid_argument("catchments: the measure has " + std::to_string(measure.nearest.size()) +
                                " nearest facilities for " + std::to_string(n) + " cells");
  // FacilityId values are dense indices: a table from id value to the first entry of facility_ids holding it.
  std::uint32_t max_id = 0;
  for (const std::uint32_t id : facility_ids)
    if (id != kNone) max_id = std::max(max_id, id);
  std::vector<std::uint32_t> slot(facility_ids.empty() ? 0 : std::size_t{max_id} + 1, kNone);
  for (std::size_t k = 0; k < facility_ids.size(); ++k)
    if (facility_ids[k] != kNone && slot[facility_ids[k]] == kNone) slot[facility_ids[k]] = static_cast<std::uint32_t>(k);

  struct Acc {
    CompensatedSum within, nearest, weighted;
    std::size_t cells_within = 0;
  };
  std::vector<Acc> acc(facility_ids.size());
  for (std::size_t c = 0; c < n; ++c) {
    const double p = population.persons[c];
    const std::uint32_t f = measure.nearest[c];
    const float v = measure.value[c];
    if (!(p > 0) || f >= slot.size() || slot[f] == kNone || !std::isfinite(v)) continue;
    Acc& a = acc[slot[f]];
    a.nearest.add(p);
    if (v <= threshold.at(c)) {
      a.within.add(p);
      a.weighted.add(p * static_cast<double>(v));
      ++a.cells_within;
    }
  }
  std::vector<Catchment> out(facility_ids.size());
  for (std::size_t k = 0; k < facility_ids.size(); ++k) {
    Catchment& ct = out[k];
    ct.facility = facility_ids[k];
    if (ct.facility == kNone) continue;
    const Acc& a = acc[slot[ct.facility]];  // a repeated id gets the figures of its first entry
    ct.pop_within = a.within.value();
    ct.pop_nearest = a.nearest.value();
    ct.cells_within = a.cells_within;
    if (a.cells_within > 0) ct.mean_within = a.weighted.value() / ct.pop_within;
  }
  return out;
}

std::vector<GapArea> gap_areas(const PopulationGrid& population, const CellMeasure& measure,
                               const CellThreshold& threshold,
                               std::span<const std::span<const std::uint32_t>> zone_levels, double min_population,
                               std::span<const std::uint32_t> split_zone) {
  const std::size_t n = checked_cells(population, measure, threshold, "gap areas");
  for (const auto& level : zone_levels)
    if (level.size() != n)
      throw std::invalid_argument("gap areas: a zone level has " + std::to_string(level.size()) + " cells for " +
                                  std::to_string(n));
  if (!split_zone.empty() && split_zone.size() != n)
    throw std::invalid_argument("gap areas: the split zones have " + std::to_string(split_zone.size()) +
                                " cells for " + std::to_string(n));
  const bool split = !split_zone.empty();
  const Grid& grid = population.grid;
  const auto& persons = population.persons;
  auto in_gap = [&](std::size_t c) { return persons[c] > 0 && !is_covered(measure.value[c], threshold.at(c)); };

  // Pass 1, raster order: provisional labels joined by union-find over the four neighbours already seen (W, NW, N,
  // NE); with split zones, only neighbours of the same zone (outside every zone counts as one zone). The root of a
  // set is its smallest label, which is the label of its first cell.
  std::vector<std::uint32_t> label(n, kNone);
  std::vector<std::uint32_t> parent;
  auto find = [&](std::uint32_t a) {
    while (parent[a] != a) {
      parent[a] = parent[parent[a]];
      a = parent[a];
    }
    return a;
  };
  auto unite = [&](std::uint32_t a, std::uint32_t b) {
    a = find(a);
    b = find(b);
    if (a < b) parent[b] = a;
    else if (b < a) parent[a] = b;
  };
  for (std::uint32_t row = 0; row < grid.rows; ++row)
    for (std::uint32_t col = 0; col < grid.cols; ++col) {
      const std::size_t c = grid.index(col, row);
      if (!in_gap(c)) continue;
      std::uint32_t l = kNone;
      auto join = [&](std::size_t other) {
        const std::uint32_t lo = label[other];
        if (lo == kNone || (split && split_zone[other] != split_zone[c])) return;
        if (l == kNone) l = lo;
        else unite(l, lo);
      };
      if (col > 0) join(c - 1);
      if (row > 0) {
        const std::size_t up = c - grid.cols;
        if (col > 0) join(up - 1);
        join(up);
        if (col + 1 < grid.cols) join(up + 1);
      }
      if (l == kNone) {
        l = static_cast<std::uint32_t>(parent.size());
        parent.push_back(l);
      }
      label[c] = l;
    }

  // Pass 2, raster order: final components numbered by their first cell; their sums in cell order.
  std::vector<std::uint32_t> component_of_root(parent.size(), kNone);
  struct Comp {
    std::size_t cells = 0;
    std::uint32_t first_cell = 0;
    CompensatedSum pop, reached, weighted;
    double min_value = kInf;
  };
  std::vector<Comp> comps;
  for (std::size_t c = 0; c < n; ++c) {
    if (label[c] == kNone) continue;
    const std::uint32_t root = find(label[c]);
    if (component_of_root[root] == kNone) {
      component_of_root[root] = static_cast<std::uint32_t>(comps.size());
      comps.emplace_back();
      comps.back().first_cell = static_cast<std::uint32_t>(c);
    }
    const std::uint32_t k = component_of_root[root];
    label[c] = k;
    Comp& a = comps[k];
    const double p = persons[c];
    const float v = measure.value[c];
    ++a.cells;
    a.pop.add(p);
    if (std::isfinite(v)) {
      a.reached.add(p);
      a.weighted.add(p * static_cast<double>(v));
      a.min_value = std::min(a.min_value, static_cast<double>(v));
    }
  }
  parent.clear();
  parent.shrink_to_fit();
  component_of_root.clear();
  component_of_root.shrink_to_fit();

  // Keep those with enough population; rank by population (descending), then first cell.
  std::vector<std::uint32_t> kept;
  for (std::size_t k = 0; k < comps.size(); ++k)
    if (comps[k].pop.value() >= min_population) kept.push_back(static_cast<std::uint32_t>(k));
  std::sort(kept.begin(), kept.end(), [&](std::uint32_t a, std::uint32_t b) {
    const double pa = comps[a].pop.value(), pb = comps[b].pop.value();
    if (pa != pb) return pa > pb;
    return comps[a].first_cell < comps[b].first_cell;
  });
  std::vector<std::uint32_t> rank_of(comps.size(), kNone);
  std::vector<GapArea> out(kept.size());
  for (std::size_t r = 0; r < kept.size(); ++r) {
    const Comp& a = comps[kept[r]];
    rank_of[kept[r]] = static_cast<std::uint32_t>(r);
    GapArea& g = out[r];
    g.rank = static_cast<std::uint32_t>(r + 1);
    g.cells.reserve(a.cells);
    g.population = a.pop.value();
    g.area_km2 = static_cast<double>(a.cells) * grid.cell_area_km2();
    g.min_value = a.min_value;
    if (std::isfinite(a.min_value)) g.mean_value = a.weighted.value() / a.reached.value();
  }
  for (std::size_t c = 0; c < n; ++c)  // raster order: each gap's cells come out sorted
    if (label[c] != kNone && rank_of[label[c]] != kNone) out[rank_of[label[c]]].cells.push_back(static_cast<std::uint32_t>(c));

  // Main zone per level: the zone with the most of the gap's population (sums per zone in cell order); ties to the
  // smaller zone index; cells outside every zone of the level count for none.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> zone_cell;
  for (GapArea& g : out) {
    g.main_zone.assign(zone_levels.size(), kNoZone);
    for (std::size_t li = 0; li < zone_levels.size(); ++li) {
      zone_cell.clear();
      for (const std::uint32_t c : g.cells)
        if (zone_levels[li][c] != kNoZone) zone_cell.emplace_back(zone_levels[li][c], c);
      std::sort(zone_cell.begin(), zone_cell.end());
      double best = -kInf;
      for (std::size_t i = 0; i < zone_cell.size();) {
        const std::uint32_t z = zone_cell[i].first;
        CompensatedSum s;
        for (; i < zone_cell.size() && zone_cell[i].first == z; ++i) s.add(persons[zone_cell[i].second]);
        if (s.value() > best) {
          best = s.value();
          g.main_zone[li] = z;
        }
      }
    }
  }
  return out;
}

}  // namespace carereach::analysis
