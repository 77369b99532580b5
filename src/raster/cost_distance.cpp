#include "raster/cost_distance.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>
#include <string>

#ifdef __linux__
#include <sys/mman.h>
#endif

#include <chrono>
#include <cstdlib>
#include <memory>
#include <new>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "core/units.hpp"
#include "raster/bucket_queue.hpp"

namespace carereach::raster {

double tobler_speed_kmh(double slope) {
  return 6.0 * std::exp(-3.5 * std::fabs(slope + 0.05));
}
double tobler_flat_speed_kmh() {
  return tobler_speed_kmh(0.0);
}
double tobler_time_factor(double slope) {
  return std::exp(3.5 * (std::fabs(slope + 0.05) - 0.05));
}

namespace {
constexpr double kGravity = 9.81;  // m/s², AccessMod's value
}

double bicycle_power_w(double speed_ms, double slope, const BicyclePowerModel& m) {
  const double beta = std::atan(slope);
  const double drag = 0.5 * m.cda_m2 * m.air_density_kg_m3 * speed_ms * speed_ms;
  const double rolling_and_climb = m.mass_kg * kGravity * (m.rolling_resistance * std::cos(beta) + std::sin(beta));
  const double dynamic = m.dynamic_rolling_ns_m * std::cos(beta) * speed_ms;
  return speed_ms * (drag + rolling_and_climb + dynamic);
}

double bicycle_speed_kmh(double flat_speed_kmh, double slope, const BicyclePowerModel& m) {
  if (std::isnan(slope) || !(flat_speed_kmh > 0.0)) return std::numeric_limits<double>::quiet_NaN();
  if (slope == 0.0) return flat_speed_kmh;
  const double power = bicycle_power_w(flat_speed_kmh / units::kSecPerHour * units::kMetresPerKm, 0.0, m);
  // f(v) = a v³ + b v² + c v − power: f(0) < 0 and f is convex for v ≥ 0 (a, b > 0), so it has one positive root
  // and Newton's method from a point where f ≥ 0 comes down to it monotonically.
  const double beta = std::atan(slope);
  const double a = 0.5 * m.cda_m2 * m.air_density_kg_m3;
  const double b = m.dynamic_rolling_ns_m * std::cos(beta);
  const double c = m.mass_kg * kGravity * (m.rolling_resistance * std::cos(beta) + std::sin(beta));
  const auto f = [&](double v) { return ((a * v + b) * v + c) * v - power; };
  double v = std::max(1.0, flat_speed_kmh / 3.6);
  while (f(v) < 0.0) v *= 2.0;
  for (int i = 0; i < 100; ++i) {
    const double step = f(v) / ((3.0 * a * v + 2.0 * b) * v + c);
    v -= step;
    if (std::fabs(step) <= 1e-13 * v) break;
  }
  return v * units::kSecPerHour / units::kMetresPerKm;
}

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr float kInfF = std::numeric_limits<float>::infinity();
/// Width of the impassable frame around the working grid: a knight's move reaches 2 cells, so no step ever needs a
/// bounds check.
constexpr std::uint32_t kFrame = 2;
constexpr std::uint32_t kNone = TravelTimeField::kNoFacility;

/// One move of the neighbourhood, as offsets in the framed grid.
struct Move {
  std::ptrdiff_t to = 0;      ///< offset of the cell entered
  std::ptrdiff_t side_a = 0;  ///< knight's moves: the two cells passed between
  std::ptrdiff_t side_b = 0;
  double weight_m = 0.0;      ///< metres per unit of summed friction: s·L/2 (two cells) or s·√5/4 (four)
  double inv_length_m = 0.0;  ///< 1 / horizontal distance between the centres
};

/// The moves in order: W, E, N, S, NW, NE, SE, SW, then the knight's moves NNW, NNE, SSE, SSW, WNW, ENE, ESE, WSW.
/// A knight's move passes between two of the first eight neighbours: their indices.
constexpr std::array<int, 8> kKnightSideA = {2, 2, 3, 3, 0, 1, 1, 0};  // N, N, S, S, W, E, E, W
constexpr std::array<int, 8> kKnightSideB = {4, 5, 6, 7, 4, 5, 6, 7};  // NW, NE, SE, SW, NW, NE, SE, SW

/// Everything the search reads and writes about one cell, in one 16-byte record: a step looks at the time and the
/// friction of the cell it enters, which then share a cache line.
struct Cell {
  double dist = kInf;       ///< seconds
  float friction = kInfF;   ///< isotropic: seconds per metre; anisotropic: of non-walking cells (0 for walking)
  std::uint32_t label = 0;  ///< nearest facility (low 31 bits) | kExpanded
};
static_assert(sizeof(Cell) == 16);
constexpr std::uint32_t kExpanded = 0x80000000U;  ///< the cell's current time has been passed on to its neighbours
constexpr std::uint32_t kFacilityMask = 0x7FFFFFFFU;
constexpr std::uint32_t kNoneInternal = kFacilityMask;  ///< no facility (sorts after every facility number)

/// A fixed-size array of cells in memory aligned to 2 MiB and, on Linux, backed by transparent huge pages when the
/// system allows it (madvise mode): the search jumps between the wavefronts of all facilities, and with 4 KiB pages
/// address translation misses often (huge pages made the 4-million-cell search about a sixth faster).
class CellArray {
 public:
  CellArray() = default;
  CellArray(const CellArray&) = delete;
  CellArray& operator=(const CellArray&) = delete;
  ~CellArray() { std::free(data_); }
  void assign(std::size_t n, const Cell& value) {
    std::free(data_);
    constexpr std::size_t kHuge = std::size_t{2} << 20U;
    bytes_ = (n * sizeof(Cell) + kHuge - 1) / kHuge * kHuge;
    data_ = static_cast<Cell*>(std::aligned_alloc(kHuge, bytes_));
    if (data_ == nullptr) throw std::bad_alloc();
#ifdef __linux__
    madvise(data_, bytes_, MADV_HUGEPAGE);  // advice only: without huge pages it still works
#endif
    std::uninitialized_fill_n(data_, n, value);
  }
  Cell& operator[](std::size_t i) {
    return data_[i];
  }
  const Cell& operator[](std::size_t i) const {
    return data_[i];
  }
  Cell* data() {
    return data_;
  }
  [[nodiscard]] const Cell* data() const {
    return data_;
  }
  [[nodiscard]] std::size_t memory_bytes() const {
    return bytes_;
  }

 private:
  Cell* data_ = nullptr;
  std::size_t bytes_ = 0;
};

/// A cell improved by a neighbour in another stripe: handed over between rounds.
struct Candidate {
  std::uint32_t cell = 0;
  std::uint32_t facility = 0;
  double time_s = 0.0;
};

/// A band of whole framed rows that one task owns during a round: only it writes the times and labels of these
/// cells. It reads the friction (never written during the search) of any cell, and hands improvements for the
/// cells of the stripes above and below (within 2 rows) over as candidates.
struct Stripe {
  std::size_t first = 0;        ///< framed index of the first cell owned
  std::size_t last = 0;         ///< one past the last cell owned
  std::size_t inner_first = 0;  ///< cells in [inner_first, inner_last) have their whole neighbourhood in the stripe
  std::size_t inner_last = 0;
  BucketQueue queue;
  std::vector<std::uint32_t> batch;
  std::vector<Candidate> to_previous;  ///< for the stripe above
  std::vector<Candidate> to_next;      ///< for the stripe below
  std::size_t expansions = 0;
  std::size_t pushes = 0;
};

/// The working state of one search, on the framed grid (width = cols + 4).
struct Search {
  std::size_t width = 0;
  CellArray cells;
  std::vector<float> walk_friction;  ///< anisotropic: seconds per metre of walking cells (0 elsewhere)
  std::vector<float> elevation;      ///< anisotropic: metres (NaN = no data)
  std::vector<float> bike_friction;  ///< anisotropic with the bicycle model: flat-ground s/m of bicycling cells
  BicyclePowerModel bike;
  std::array<Move, 16> moves{};
  int move_count = 8;
  double limit_s = std::numeric_limits<double>::max();
  double slope_sign = -1.0;  ///< towards the sources the traveller moves against the search
  std::vector<Stripe> stripes;
};

/// Gives v (a cell of the stripe) the label (nd, facility) when it is smaller (time first, then facility number) and
/// within the limit, and makes sure v will be expanded with it: a queue entry already waiting in the same bucket
/// serves (it reads the time when it is taken); otherwise v is queued (again).
inline void relax(Cell* cells, Stripe& st, double limit, std::size_t v, double nd, double dv, std::uint32_t facility) {
  Cell& c = cells[v];
  if (nd < dv) {
    if (nd > limit) return;
    const bool waiting = (c.label & kExpanded) == 0 && dv != kInf && st.queue.same_bucket(dv, nd);
    c.dist = nd;
    c.label = facility;
    if (!waiting) {
      st.queue.push(static_cast<std::uint32_t>(v), nd);
      ++st.pushes;
    }
  } else if (nd == dv && facility < (c.label & kFacilityMask) && nd <= limit) {
    const bool expanded = (c.label & kExpanded) != 0;
    c.label = facility;
    if (expanded) {  // already passed on: pass on the smaller facility number again
      st.queue.push(static_cast<std::uint32_t>(v), nd);
      ++st.pushes;
    }
  }
}

/// Offers time nd to neighbour v of a cell near the stripe's edge: relaxed here when the stripe owns v, handed
/// over otherwise.
inline void offer(Cell* cells, Stripe& st, double limit, std::size_t v, double nd, std::uint32_t facility) {
  if (!(nd <= limit)) return;
  if (v < st.first) {
    st.to_previous.push_back({static_cast<std::uint32_t>(v), facility, nd});
  } else if (v >= st.last) {
    st.to_next.push_back({static_cast<std::uint32_t>(v), facility, nd});
  } else {
    const double dv = cells[v].dist;
    if (nd <= dv) relax(cells, st, limit, v, nd, dv, facility);
  }
}

/// Asks the memory system for the 5 × 5 cells around a cell that will be expanded soon: the search is bound by the
/// latency of those loads (the cells of one bucket lie on the wavefronts of all facilities, scattered over the
/// grid), and requesting them early lets many be in flight at once.
inline void prefetch_neighbourhood(const Cell* cells, std::size_t width, std::uint32_t cell) {
  const Cell* base = cells + cell;
  const auto w = static_cast<std::ptrdiff_t>(width);
  for (std::ptrdiff_t dr = -2; dr <= 2; ++dr) {
    __builtin_prefetch(base + dr * w - 2, 1);
    __builtin_prefetch(base + dr * w + 2, 1);
  }
}

/// Expands the cells of the stripe's bucket b, and of b again while expansions queue cells into it. Cells whose
/// current time was passed on already are skipped. `expand(st, u)` does one cell.
template <class Expand>
void drain_bucket(Search& s, Stripe& st, std::uint64_t b, const Expand& expand) {
  constexpr std::size_t kPrefetchAhead = 8;
  Cell* cells = s.cells.data();
  st.queue.advance_to(b);
  while (st.queue.lowest() == b) {
    st.queue.take(b, st.batch);
    const std::vector<std::uint32_t>& batch = st.batch;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (i + kPrefetchAhead < batch.size()) prefetch_neighbourhood(cells, s.width, batch[i + kPrefetchAhead]);
      Cell& c = cells[batch[i]];
      if ((c.label & kExpanded) != 0) continue;
      c.label |= kExpanded;
      ++st.expansions;
      expand(st, batch[i]);
    }
  }
}

/// Applies the candidates the neighbouring stripes handed over to this one.
void take_candidates(Search& s, std::size_t i) {
  Stripe& st = s.stripes[i];
  Cell* cells = s.cells.data();
  const auto apply = [&](std::vector<Candidate>& from) {
    for (const Candidate& c : from) {
      const double dv = cells[c.cell].dist;
      if (c.time_s <= dv) relax(cells, st, s.limit_s, c.cell, c.time_s, dv, c.facility);
    }
    from.clear();
  };
  if (i > 0) apply(s.stripes[i - 1].to_next);
  if (i + 1 < s.stripes.size()) apply(s.stripes[i + 1].to_previous);
}

/// Runs f(i) for every stripe, in parallel when there are several.
template <class F>
void for_each_stripe(const Search& s, const F& f) {
  if (s.stripes.size() == 1) {
    f(std::size_t{0});
    return;
  }
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, s.stripes.size(), 1),
                    [&](const tbb::blocked_range<std::size_t>& r) {
                      for (std::size_t i = r.begin(); i != r.end(); ++i) f(i);
                    });
}

/// The search: bucket by bucket in increasing time, every stripe drains its cells of the bucket in parallel, then
/// the stripes take the candidates handed over to them; a bucket is done when no stripe has cells left in it. Each
/// stripe is label-correcting on its own, so the times and nearest facilities are the exact fixpoint whatever the
/// order of the work: parallel and serial runs give the same bytes.
template <class Expand>
void run_search(Search& s, const ProgressStep& step, std::size_t total, const Expand& expand) {
  for (;;) {
    std::uint64_t b = BucketQueue::kEmpty;
    for (const Stripe& st : s.stripes) b = std::min(b, st.queue.lowest());
    if (b == BucketQueue::kEmpty) break;
    for_each_stripe(s, [&](std::size_t i) { drain_bucket(s, s.stripes[i], b, expand); });
    bool handed_over = false;
    std::size_t expansions = 0;
    for (const Stripe& st : s.stripes) {
      handed_over = handed_over || !st.to_previous.empty() || !st.to_next.empty();
      expansions += st.expansions;
    }
    if (handed_over) for_each_stripe(s, [&](std::size_t i) { take_candidates(s, i); });
    step.update(std::min(expansions, total), total);
  }
}

/// Isotropic expansion (r.cost's rule). The candidate time of every neighbour is computed without branches and
/// compared at once; only the neighbours it improves (usually one or two of 16) take a branch. The knight's moves
/// reuse the frictions of the straight and diagonal neighbours they pass between.
template <bool kKnight>
struct IsotropicExpand {
  static constexpr int kMoves = kKnight ? 16 : 8;
  Search& s;
  std::array<std::ptrdiff_t, 16> to{};
  std::array<double, 16> weight{};

  explicit IsotropicExpand(Search& search) : s(search) {
    for (int k = 0; k < kMoves; ++k) {
      to[k] = s.moves[k].to;
      weight[k] = s.moves[k].weight_m;
    }
  }

  void operator()(Stripe& st, std::size_t u) const {
    Cell* cells = s.cells.data();
    const double limit = s.limit_s;
    const double du = cells[u].dist;
    const std::uint32_t nu = cells[u].label & kFacilityMask;
    const double fu = cells[u].friction;
    std::array<double, 8> f{};
    std::array<double, 16> nd{};
    for (int k = 0; k < 8; ++k) {
      f[k] = cells[u + to[k]].friction;
      nd[k] = du + (fu + f[k]) * weight[k];
    }
    if constexpr (kKnight) {
      for (int k = 8; k < 16; ++k) {
        const double fv = cells[u + to[k]].friction;
        nd[k] = du + ((fu + fv) + (f[kKnightSideA[k - 8]] + f[kKnightSideB[k - 8]])) * weight[k];
      }
    }
    if (u >= st.inner_first && u < st.inner_last) {
      unsigned improves = 0;
      std::array<double, 16> dv{};
      for (int k = 0; k < kMoves; ++k) {
        dv[k] = cells[u + to[k]].dist;
        improves |= (static_cast<unsigned>(nd[k] <= dv[k]) & static_cast<unsigned>(nd[k] <= limit)) << static_cast<unsigned>(k);
      }
      while (improves != 0) {
        const int k = __builtin_ctz(improves);
        improves &= improves - 1;
        relax(cells, st, limit, u + to[k], nd[k], dv[k], nu);
      }
    } else {
      for (int k = 0; k < kMoves; ++k) offer(cells, st, limit, u + to[k], nd[k], nu);
    }
  }
};

/// Anisotropic expansion: walking cells' friction times Tobler's factor for the slope of the move, in the
/// traveller's direction.
struct ToblerExpand {
  Search& s;

  void operator()(Stripe& st, std::size_t u) const {
    Cell* cells = s.cells.data();
    const float* fw = s.walk_friction.data();
    const float* z = s.elevation.data();
    const double limit = s.limit_s;
    const double du = cells[u].dist;
    const std::uint32_t nu = cells[u].label & kFacilityMask;
    const double zu = z[u];
    const bool inner = u >= st.inner_first && u < st.inner_last;
    for (int k = 0; k < s.move_count; ++k) {
      const Move& m = s.moves[k];
      const std::size_t v = u + m.to;
      if (inner && cells[v].dist < du) continue;  // a step costs ≥ 0: nothing to gain
      // Rise over run in the traveller's direction; NaN elevation makes the cost NaN and the step is not taken.
      const double slope = s.slope_sign * (double{z[v]} - zu) * m.inv_length_m;
      const double g = tobler_time_factor(slope);
      double walk = double{fw[u]} + fw[v];
      double other = double{cells[u].friction} + cells[v].friction;
      if (k >= 8) {
        walk += double{fw[u + m.side_a]} + fw[u + m.side_b];
        other += double{cells[u + m.side_a].friction} + cells[u + m.side_b].friction;
      }
      if (!s.bike_friction.empty()) {
        // Bicycling cells: the flat-ground friction becomes 1 / (the speed the same power gives on this slope).
        const float* fb = s.bike_friction.data();
        const auto on_slope = [&](float flat) {
          return flat == 0.0F ? 0.0 : 3.6 / bicycle_speed_kmh(3.6 / double{flat}, slope, s.bike);
        };
        other += on_slope(fb[u]) + on_slope(fb[v]);
        if (k >= 8) other += on_slope(fb[u + m.side_a]) + on_slope(fb[u + m.side_b]);
      }
      const double nd = du + (g * walk + other) * m.weight_m;
      if (std::isnan(nd)) continue;
      if (inner) {
        const double dv = cells[v].dist;
        if (nd <= dv) relax(cells, st, limit, v, nd, dv, nu);
      } else {
        offer(cells, st, limit, v, nd, nu);
      }
    }
  }
};

Problem warning(ProblemCode code, std::string message, std::string hint = {}) {
  return Problem{Severity::kWarning, ExitCode::kOk, code, std::move(message), Location{}, std::move(hint)};
}

}  // namespace

CostDistanceResult cost_distance(const FrictionSurface& friction, std::span<const CostSource> sources,
                                 const CostDistanceOptions& options, ProgressSink* progress) {
  const Grid& grid = friction.grid;
  const std::size_t cells = grid.cell_count();
  if (friction.seconds_per_metre.size() != cells) {
    throw std::invalid_argument("cost_distance: friction has " + std::to_string(friction.seconds_per_metre.size()) +
                                " cells for a grid of " + std::to_string(cells));
  }
  if (!friction.mode.empty() && friction.mode.size() != cells) {
    throw std::invalid_argument("cost_distance: friction mode is not one entry per cell");
  }
  const bool tobler = !options.elevation_m.empty();
  if (tobler && options.elevation_m.size() != cells) {
    throw std::invalid_argument("cost_distance: elevation has " + std::to_string(options.elevation_m.size()) +
                                " cells for a grid of " + std::to_string(cells));
  }
  if (!(grid.cell_size_m > 0.0)) throw std::invalid_argument("cost_distance: cell size must be positive");
  const bool knight = options.neighbourhood == Neighbourhood::k16;

  CostDistanceResult out;
  out.field.grid = grid;
  out.field.minutes.assign(cells, TravelTimeField::kUnreached);
  out.field.nearest.assign(cells, kNone);
  if (cells == 0) return out;

  using Clock = std::chrono::steady_clock;
  const auto seconds_since = [](Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
  };
  const auto t_setup = Clock::now();
  const std::size_t cols = grid.cols;
  const std::size_t rows = grid.rows;
  Search s;
  s.width = cols + 2 * kFrame;
  const std::size_t framed = s.width * (rows + 2 * kFrame);
  if (framed > std::numeric_limits<std::uint32_t>::max()) {
    throw std::invalid_argument("cost_distance: grid of " + std::to_string(cells) +
                                " cells is too large for one search; split it into tiles");
  }
  const auto framed_index = [&](std::size_t cell) { return (cell / cols + kFrame) * s.width + (cell % cols + kFrame); };
  s.limit_s = std::isnan(options.limit_s) ? -1.0 : std::min(options.limit_s, std::numeric_limits<double>::max());
  s.slope_sign = options.direction == TravelDirection::kTowardsSources ? -1.0 : 1.0;

  // --- moves: offsets in the framed grid, r.cost's step lengths
  {
    const double cs = grid.cell_size_m;
    const auto w = static_cast<std::ptrdiff_t>(s.width);
    std::size_t k = 0;
    const auto add = [&](int dr, int dc, int ar, int ac, int br, int bc) {
      Move& m = s.moves[k];
      m.to = dr * w + dc;
      m.side_a = ar * w + ac;
      m.side_b = br * w + bc;
      const double length_m = cs * std::sqrt(static_cast<double>(dr * dr + dc * dc));
      m.weight_m = length_m / (k >= 8 ? 4.0 : 2.0);  // mean of four cells for a knight's move, of two otherwise
      m.inv_length_m = 1.0 / length_m;
      ++k;
    };
    add(0, -1, 0, 0, 0, 0);   // W
    add(0, 1, 0, 0, 0, 0);    // E
    add(-1, 0, 0, 0, 0, 0);   // N
    add(1, 0, 0, 0, 0, 0);    // S
    add(-1, -1, 0, 0, 0, 0);  // NW
    add(-1, 1, 0, 0, 0, 0);   // NE
    add(1, 1, 0, 0, 0, 0);    // SE
    add(1, -1, 0, 0, 0, 0);   // SW
    // Knight's moves: the two cells the straight line between the centres passes through.
    add(-2, -1, -1, 0, -1, -1);  // NNW: N, NW
    add(-2, 1, -1, 0, -1, 1);    // NNE: N, NE
    add(2, 1, 1, 0, 1, 1);       // SSE: S, SE
    add(2, -1, 1, 0, 1, -1);     // SSW: S, SW
    add(-1, -2, 0, -1, -1, -1);  // WNW: W, NW
    add(-1, 2, 0, 1, -1, 1);     // ENE: E, NE
    add(1, 2, 0, 1, 1, 1);       // ESE: E, SE
    add(1, -2, 0, -1, 1, -1);    // WSW: W, SW
    s.move_count = knight ? 16 : 8;
  }

  // --- framed working arrays (the frame is impassable)
  s.cells.assign(framed, Cell{kInf, kInfF, kNoneInternal});
  if (tobler) {
    s.walk_friction.assign(framed, 0.0F);
    s.elevation.assign(framed, std::numeric_limits<float>::quiet_NaN());
    if (options.bicycle) {
      s.bike_friction.assign(framed, 0.0F);
      s.bike = *options.bicycle;
    }
  }
  std::size_t bad_friction = 0;
  float min_f = kInfF;
  float max_f = 0.0F;
  for (std::size_t r = 0; r < rows; ++r) {
    const std::size_t src = r * cols;
    const std::size_t dst = (r + kFrame) * s.width + kFrame;
    for (std::size_t c = 0; c < cols; ++c) {
      float f = friction.seconds_per_metre[src + c];
      if (std::isnan(f) || f < 0.0F) {  // r.cost makes negative costs null
        ++bad_friction;
        f = kInfF;
      }
      if (f != kInfF) {
        if (f > 0.0F) min_f = std::min(min_f, f);
        max_f = std::max(max_f, f);
      }
      if (tobler) {
        s.elevation[dst + c] = options.elevation_m[src + c];
        if (f != kInfF && friction.mode_at(src + c) == SpeedMode::kWalking) {
          s.walk_friction[dst + c] = f;
          f = 0.0F;
        } else if (f != kInfF && f > 0.0F && options.bicycle && friction.mode_at(src + c) == SpeedMode::kBicycling) {
          s.bike_friction[dst + c] = f;
          f = 0.0F;
        }
      }
      s.cells[dst + c].friction = f;
    }
  }
  if (bad_friction > 0) {
    out.warnings.push_back(warning(
        "raster.friction_invalid"_code,
        std::to_string(bad_friction) + " cells have a negative or undefined friction; they are treated as impassable"));
  }

  // --- bucket width. With a width no larger than the cheapest step, a bucket's cells are final when it is reached
  // and each cell is expanded once (Dial's algorithm); but fast roads make that width tiny, most buckets hold a thin
  // sliver of every wavefront, and the search spends its time waiting for memory. So the width is half the straight
  // step across a cell of median friction (36 s for 100 m cells at 5 km/h): a cell improved within its own bucket
  // (along a road) is expanded again, which keeps every time exact (label correction) and costs well under 1 % more
  // expansions. The circular window spans the dearest step; a dearer step waits in an overflow list.
  {
    const double cs = grid.cell_size_m;
    const double longest = knight ? std::sqrt(5.0) : std::sqrt(2.0);
    const double slope_min = tobler ? tobler_time_factor(-0.05) : 1.0;  // the cheapest slope
    const double slope_max = tobler ? 4.0 : 1.0;                        // a guess for the window only
    std::vector<float> sample;
    const std::size_t stride = std::max<std::size_t>(1, cells / 65536);
    for (std::size_t i = 0; i < cells; i += stride) {
      const float f = friction.seconds_per_metre[i];
      if (f >= 0.0F && f != kInfF) sample.push_back(f);
    }
    double width = (min_f != kInfF) ? 0.999 * double{min_f} * cs * slope_min : 1.0;
    if (!sample.empty()) {
      std::nth_element(sample.begin(), sample.begin() + static_cast<std::ptrdiff_t>(sample.size() / 2), sample.end());
      width = std::max(width, 0.5 * double{sample[sample.size() / 2]} * cs * slope_min);
    }
    const double dearest = double{max_f} * cs * longest * slope_max;
    constexpr double kMaxBuckets = 65536.0;
    if (dearest / width > kMaxBuckets - 2.0) width = dearest / (kMaxBuckets - 2.0);
    if (!(width > 0.0) || !std::isfinite(width)) width = 1.0;
    out.stats.bucket_width_s = width;
    out.stats.buckets = BucketQueue::window_for(width, dearest);
  }
  // --- stripes: bands of rows, a few per thread, at least 64 rows each
  {
    const std::size_t framed_rows = rows + 2 * kFrame;
    const std::size_t wanted = 4 * static_cast<std::size_t>(std::max(1, tbb::this_task_arena::max_concurrency()));
    const std::size_t count = std::clamp<std::size_t>(framed_rows / 64, 1, wanted);
    s.stripes.resize(count);
    for (std::size_t i = 0; i < count; ++i) {
      Stripe& st = s.stripes[i];
      st.first = framed_rows * i / count * s.width;
      st.last = framed_rows * (i + 1) / count * s.width;
      st.inner_first = st.first + 2 * s.width;
      st.inner_last = st.last - 2 * s.width;
      st.queue = BucketQueue(out.stats.bucket_width_s, out.stats.buckets);
    }
  }
  const auto owner = [&](std::size_t p) -> Stripe& {
    for (Stripe& st : s.stripes) {
      if (p < st.last) return st;
    }
    return s.stripes.back();
  };

  // --- sources: the smallest (time, facility) per cell; independent of the order given
  {
    std::size_t outside = 0;
    std::size_t beyond_limit = 0;
    std::vector<std::size_t> started;
    started.reserve(sources.size());
    for (const CostSource& src : sources) {
      if (src.cell >= cells) {
        ++outside;
        continue;
      }
      if (src.facility >= kNoneInternal && src.facility != kNone) {
        throw std::invalid_argument("cost_distance: facility number " + std::to_string(src.facility) +
                                    " is too large (at most 2^31 - 2)");
      }
      if (!(src.initial_s >= 0.0) || src.initial_s > s.limit_s) {
        ++beyond_limit;
        continue;
      }
      const std::uint32_t fac = src.facility == kNone ? kNoneInternal : src.facility;
      Cell& c = s.cells[framed_index(src.cell)];
      if (c.dist == kInf) started.push_back(framed_index(src.cell));
      if (src.initial_s < c.dist || (src.initial_s == c.dist && fac < c.label)) {
        c.dist = src.initial_s;
        c.label = fac;
      }
    }
    std::sort(started.begin(), started.end());
    std::size_t on_impassable = 0;
    for (const std::size_t p : started) {
      const Cell& c = s.cells[p];
      if (c.friction == kInfF && (!tobler || s.walk_friction[p] == 0.0F) &&
          (s.bike_friction.empty() || s.bike_friction[p] == 0.0F))
        ++on_impassable;
      owner(p).queue.push(static_cast<std::uint32_t>(p), c.dist);
    }
    out.stats.sources_used = started.size();
    if (outside > 0) {
      out.warnings.push_back(warning("raster.source_outside_grid"_code,
                                     std::to_string(outside) + " facilities lie outside the grid and were left out"));
    }
    if (beyond_limit > 0) {
      out.warnings.push_back(warning("raster.source_beyond_limit"_code,
                                     std::to_string(beyond_limit) +
                                         " facilities start with a time that is negative or beyond the limit and were "
                                         "left out"));
    }
    if (on_impassable > 0) {
      out.warnings.push_back(warning("raster.source_impassable"_code,
                                     std::to_string(on_impassable) +
                                         " facility cells are impassable (barrier, water or a class of speed 0): "
                                         "these facilities reach only their own cell",
                                     "check the facility positions against the land cover and barriers"));
    }
  }

  out.stats.setup_s = seconds_since(t_setup);
  // --- the search
  const auto t_search = Clock::now();
  {
    const ProgressStep step(progress, "travel time over the friction surface");
    const std::size_t total = cells;
    if (tobler) {
      run_search(s, step, total, ToblerExpand{s});
    } else if (knight) {
      run_search(s, step, total, IsotropicExpand<true>(s));
    } else {
      run_search(s, step, total, IsotropicExpand<false>(s));
    }
    step.update(total, total);
  }
  out.stats.search_s = seconds_since(t_search);
  const auto t_output = Clock::now();
  out.stats.memory_bytes =
      s.cells.memory_bytes() + s.walk_friction.capacity() * sizeof(float) + s.elevation.capacity() * sizeof(float) +
      s.bike_friction.capacity() * sizeof(float);
  for (const Stripe& st : s.stripes) {
    out.stats.expansions += st.expansions;
    out.stats.pushes += st.pushes;
    out.stats.memory_bytes += st.queue.peak_memory_bytes() + st.batch.capacity() * sizeof(std::uint32_t) +
                              (st.to_previous.capacity() + st.to_next.capacity()) * sizeof(Candidate);
  }

  // --- minutes and nearest facility, back on the unframed grid
  std::vector<std::size_t> reached_per_row(rows, 0);
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, rows), [&](const tbb::blocked_range<std::size_t>& range) {
    for (std::size_t r = range.begin(); r != range.end(); ++r) {
      const std::size_t src = (r + kFrame) * s.width + kFrame;
      const std::size_t dst = r * cols;
      std::size_t reached = 0;
      for (std::size_t c = 0; c < cols; ++c) {
        const Cell& cell = s.cells[src + c];
        if (cell.dist <= s.limit_s) {
          out.field.minutes[dst + c] = static_cast<float>(cell.dist / units::kSecPerMin);
          const std::uint32_t fac = cell.label & kFacilityMask;
          out.field.nearest[dst + c] = fac == kNoneInternal ? kNone : fac;
          ++reached;
        }
      }
      reached_per_row[r] = reached;
    }
  });
  for (const std::size_t n : reached_per_row) out.stats.cells_reached += n;
  // Expansions beyond one per reached cell are label corrections.
  out.stats.re_expansions =
      out.stats.expansions > out.stats.cells_reached ? out.stats.expansions - out.stats.cells_reached : 0;
  out.stats.output_s = seconds_since(t_output);
  return out;
}

}  // namespace carereach::raster
