#pragma once
// Helpers for the raster engine tests: small grids, seeded random friction surfaces, and an independent reference
// search (a textbook Dijkstra over an explicit neighbour graph, written without the engine's code).

#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <queue>
#include <random>
#include <utility>
#include <vector>

#include "core/grid.hpp"
#include "raster/cost_distance.hpp"
#include "raster/friction.hpp"

namespace carereach::raster::test {

inline Grid make_grid(std::uint32_t cols, std::uint32_t rows, double cell_size_m) {
  Grid g;
  g.origin_x_m = 500000.0;
  g.origin_y_m = 3000000.0;
  g.cell_size_m = cell_size_m;
  g.cols = cols;
  g.rows = rows;
  return g;
}

inline FrictionSurface uniform_surface(std::uint32_t cols, std::uint32_t rows, double cell_size_m,
                                       float seconds_per_metre) {
  FrictionSurface s;
  s.grid = make_grid(cols, rows, cell_size_m);
  s.seconds_per_metre.assign(s.grid.cell_count(), seconds_per_metre);
  return s;
}

/// Friction between 0.036 and 0.72 s/m (100 … 5 km/h) with a share of impassable cells.
inline FrictionSurface random_surface(std::uint32_t cols, std::uint32_t rows, double cell_size_m, unsigned seed,
                                      double impassable_share) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> speed(5.0, 100.0);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  FrictionSurface s;
  s.grid = make_grid(cols, rows, cell_size_m);
  s.seconds_per_metre.resize(s.grid.cell_count());
  for (float& f : s.seconds_per_metre) {
    const double v = speed(rng);
    f = unit(rng) < impassable_share ? FrictionSurface::kImpassable : static_cast<float>(3.6 / v);
  }
  return s;
}

/// The reference: edges listed explicitly, each with the cost of the GRASS r.cost rule as the r.cost manual and
/// source describe it (average of the cells the move touches times its length), or with Tobler's hiking function.
struct ReferenceResult {
  std::vector<double> seconds;  ///< +inf where not reached
  std::vector<std::uint32_t> facility;
};

struct ReferenceOptions {
  int neighbours = 16;
  double limit_s = std::numeric_limits<double>::infinity();
  const std::vector<float>* elevation = nullptr;  ///< anisotropic when set
  bool towards_sources = true;
};

inline ReferenceResult reference_search(const FrictionSurface& s, const std::vector<CostSource>& sources,
                                        const ReferenceOptions& opt) {
  const Grid& g = s.grid;
  const int cols = static_cast<int>(g.cols);
  const int rows = static_cast<int>(g.rows);
  const auto idx = [&](int r, int c) { return static_cast<std::size_t>(r) * g.cols + static_cast<std::size_t>(c); };
  const auto inside = [&](int r, int c) { return r >= 0 && c >= 0 && r < rows && c < cols; };
  const auto f = [&](int r, int c) { return static_cast<double>(s.seconds_per_metre[idx(r, c)]); };
  const auto walking = [&](int r, int c) { return s.mode_at(idx(r, c)) == SpeedMode::kWalking; };

  struct Edge {
    std::size_t to;
    double cost_s;
  };
  // Edges of the search graph: from u to v, traversed by the search (the traveller goes v → u when
  // travelling towards the sources).
  std::vector<std::vector<Edge>> edges(g.cell_count());
  struct Step {
    int dr, dc;
  };
  std::vector<Step> steps = {{0, 1}, {0, -1}, {1, 0}, {-1, 0}, {1, 1}, {1, -1}, {-1, 1}, {-1, -1}};
  if (opt.neighbours == 16) {
    for (const Step k : std::vector<Step>{{2, 1}, {2, -1}, {-2, 1}, {-2, -1}, {1, 2}, {1, -2}, {-1, 2}, {-1, -2}}) {
      steps.push_back(k);
    }
  }
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < cols; ++c) {
      for (const Step st : steps) {
        const int r2 = r + st.dr;
        const int c2 = c + st.dc;
        if (!inside(r2, c2)) continue;
        // The cells the move touches: both ends, and for a knight's move the two cells its line passes through.
        std::vector<std::pair<int, int>> touched = {{r, c}, {r2, c2}};
        if (std::abs(st.dr) == 2) {
          touched.emplace_back(r + st.dr / 2, c);
          touched.emplace_back(r + st.dr / 2, c + st.dc);
        } else if (std::abs(st.dc) == 2) {
          touched.emplace_back(r, c + st.dc / 2);
          touched.emplace_back(r + st.dr, c + st.dc / 2);
        }
        const double length_m = g.cell_size_m * std::sqrt(double(st.dr * st.dr + st.dc * st.dc));
        double factor = 1.0;
        if (opt.elevation != nullptr) {
          const double z_from = (*opt.elevation)[idx(r, c)];
          const double z_to = (*opt.elevation)[idx(r2, c2)];
          // The traveller's rise: towards the sources they walk from (r2, c2) to (r, c).
          const double rise = opt.towards_sources ? z_from - z_to : z_to - z_from;
          const double slope = rise / length_m;
          if (std::isnan(slope)) continue;
          const double tobler = 6.0 * std::exp(-3.5 * std::fabs(slope + 0.05));
          const double tobler_flat = 6.0 * std::exp(-3.5 * 0.05);
          factor = tobler_flat / tobler;
        }
        double mean_time_per_m = 0.0;
        bool blocked = false;
        for (const auto& [tr, tc] : touched) {
          const double fr = f(tr, tc);
          if (std::isinf(fr)) blocked = true;
          mean_time_per_m += fr * (opt.elevation != nullptr && walking(tr, tc) ? factor : 1.0);
        }
        if (blocked) continue;
        mean_time_per_m /= static_cast<double>(touched.size());
        edges[idx(r, c)].push_back({idx(r2, c2), mean_time_per_m * length_m});
      }
    }
  }

  ReferenceResult out;
  out.seconds.assign(g.cell_count(), std::numeric_limits<double>::infinity());
  out.facility.assign(g.cell_count(), TravelTimeField::kNoFacility);
  using Label = std::pair<double, std::uint32_t>;  // (seconds, facility): smaller wins
  using Entry = std::pair<Label, std::size_t>;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> pq;
  for (const CostSource& src : sources) {
    const Label l{src.initial_s, src.facility};
    if (l < Label{out.seconds[src.cell], out.facility[src.cell]} && src.initial_s <= opt.limit_s) {
      out.seconds[src.cell] = l.first;
      out.facility[src.cell] = l.second;
      pq.push({l, src.cell});
    }
  }
  while (!pq.empty()) {
    const auto [label, u] = pq.top();
    pq.pop();
    if (label != Label{out.seconds[u], out.facility[u]}) continue;
    for (const Edge& e : edges[u]) {
      const Label cand{label.first + e.cost_s, label.second};
      if (cand.first > opt.limit_s) continue;
      if (cand < Label{out.seconds[e.to], out.facility[e.to]}) {
        out.seconds[e.to] = cand.first;
        out.facility[e.to] = cand.second;
        pq.push({cand, e.to});
      }
    }
  }
  return out;
}

}  // namespace carereach::raster::test
