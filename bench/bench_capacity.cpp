// carereach-bench-capacity: times the capacity-aware coverage engine (analysis::capacity_coverage) on seeded
// synthetic grids, with the reach lists made here — each facility's populated cells within the threshold, timed by
// straight-line distance at a walking speed and a per-cell slowness factor, sorted by (minutes, cell) — so that the
// engine is measured on its own, without the per-facility searches (analysis::facility_reach), which are timed by
// `carereach run` (docs/performance.md, "Capacity-aware coverage"). Facilities are placed at the density of the
// issue's Niger case (3,248 facilities on about 220 M cells). Prints one Markdown row per size: cells, facilities,
// reach entries, engine wall and CPU time (medians of --repeat), CPU ns per cell, generation time, peak memory, persons
// served. It reports; it asserts nothing.

#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "analysis/capacity.hpp"

using namespace carereach;

namespace {

/// SplitMix64: the same seed gives the same grid on every machine.
struct Rng {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
};

/// CPU seconds of this process (user + system): on a shared machine the wall time also counts the waits for a core.
double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

long peak_rss_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Times the capacity-aware coverage engine on seeded synthetic grids"};
  std::uint32_t side = 4000;
  std::uint64_t seed = 1;
  double threshold_min = 120.0;
  double speed_kmh = 5.0;
  double cell_m = 100.0;
  double populated = 0.3;
  int repeat = 3;
  app.add_option("--side", side, "grid side in cells (side × side cells)");
  app.add_option("--seed", seed, "seed");
  app.add_option("--threshold-min", threshold_min, "threshold, minutes");
  app.add_option("--speed-kmh", speed_kmh, "straight-line speed, km/h");
  app.add_option("--populated", populated, "share of populated cells");
  app.add_option("--repeat", repeat, "engine runs (the median is reported)");
  CLI11_PARSE(app, argc, argv);

  Rng rng{seed};
  const std::size_t cells = static_cast<std::size_t>(side) * side;
  std::vector<double> persons(cells, 0.0);
  std::vector<float> slowness(cells, 1.0f);
  for (std::size_t c = 0; c < cells; ++c) {
    if (rng.unit() < populated) persons[c] = std::floor(1.0 + 40.0 * rng.unit() * rng.unit());
    slowness[c] = static_cast<float>(1.0 + rng.unit());
  }
  // Niger: 3,248 facilities on about 220 M cells.
  const std::size_t facilities = std::max<std::size_t>(1, static_cast<std::size_t>(std::llround(3248.0 * static_cast<double>(cells) / 220e6)));
  const double metres_per_min = speed_kmh * 1000.0 / 60.0;
  const int radius = static_cast<int>(std::ceil(threshold_min * metres_per_min / cell_m));
  std::vector<analysis::FacilityReach> reach(facilities);
  std::vector<double> capacity(facilities);
  std::size_t entries = 0;
  const auto g0 = std::chrono::steady_clock::now();
  for (std::size_t f = 0; f < facilities; ++f) {
    const int fx = static_cast<int>(rng.next() % side), fy = static_cast<int>(rng.next() % side);
    reach[f].facility = static_cast<std::uint32_t>(f);
    capacity[f] = std::floor(5000.0 + 30000.0 * rng.unit());
    auto& list = reach[f].cells;
    for (int y = std::max(0, fy - radius); y <= std::min<int>(static_cast<int>(side) - 1, fy + radius); ++y)
      for (int x = std::max(0, fx - radius); x <= std::min<int>(static_cast<int>(side) - 1, fx + radius); ++x) {
        const std::size_t c = static_cast<std::size_t>(y) * side + static_cast<std::size_t>(x);
        if (!(persons[c] > 0.0)) continue;
        const double m = std::hypot(x - fx, y - fy) * cell_m / metres_per_min * slowness[c];
        if (m > threshold_min) continue;
        list.push_back({static_cast<std::uint32_t>(c), static_cast<float>(m)});
      }
    std::sort(list.begin(), list.end(), [](const analysis::ReachedCell& a, const analysis::ReachedCell& b) {
      return a.minutes != b.minutes ? a.minutes < b.minutes : a.cell < b.cell;
    });
    entries += list.size();
  }
  const double gen_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - g0).count();

  std::vector<double> times, cpu;
  double served = 0.0;
  for (int r = 0; r < std::max(1, repeat); ++r) {
    analysis::CapacityInput in;
    in.reach = reach;
    in.capacity = capacity;
    in.persons = persons;
    const auto t0 = std::chrono::steady_clock::now();
    const double c0 = cpu_seconds();
    const analysis::CapacityResult res = analysis::capacity_coverage(in);
    cpu.push_back(cpu_seconds() - c0);
    times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    served = 0.0;
    for (const auto& f : res.facilities) served += f.served;
  }
  std::sort(times.begin(), times.end());
  std::sort(cpu.begin(), cpu.end());
  const double median = times[times.size() / 2], median_cpu = cpu[cpu.size() / 2];
  std::printf("| %zu | %zu | %zu | %.2f | %.2f | %.1f | %.1f | %ld | %.0f |\n", cells, facilities, entries, median,
              median_cpu, median_cpu * 1e9 / static_cast<double>(cells), gen_s, peak_rss_mb(), served);
  return 0;
}
