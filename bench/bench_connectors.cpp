// carereach-bench-connectors: times the cell connectors of one scenario's road graph (network::build_cell_connectors,
// edge mode) next to a reference measured in the same rounds — one nearest-pieces query of the snapping index per
// populated cell, over the whole maximum access distance, in parallel blocks as before — checks that both give the
// same connectors (piece, fraction, walk) for every cell, and prints a Markdown report of medians and their ratio.
// It reports; it asserts nothing about speed. It also measures the memory of each stage (road graph, snapping index,
// connectors: bytes held and the rise of the peak resident memory, per populated cell) and prints PASS or FAIL
// against a budget per stage (exit status 1 on FAIL or on differing connectors). docs/performance.md ("Cell
// connectors") explains it and gives figures.

#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>
#include <CLI/CLI.hpp>

#include "core/error.hpp"
#include "core/standard.hpp"
#include "core/units.hpp"
#include "io/load.hpp"
#include "io/scenario.hpp"
#include "io/vector_source.hpp"
#include "network/connectors.hpp"
#include "network/graph.hpp"
#include "network/snap.hpp"

namespace fs = std::filesystem;
using namespace carereach;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

/// CPU seconds of the whole process (every thread), which a shared machine's load disturbs less than wall time.
double process_cpu_s() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string thousands(std::size_t n) {
  std::string s = std::to_string(n);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<std::size_t>(i), ",");
  return s;
}

/// A line of /proc/self/status ("VmRSS", "VmHWM"), in bytes; 0 when it cannot be read.
std::size_t status_bytes(const std::string& key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.compare(0, key.size() + 1, key + ":") == 0) return std::stoull(line.substr(key.size() + 1)) * 1024;
  }
  return 0;
}

/// Starts the peak resident memory (VmHWM) again from the current one; false where the kernel does not allow it.
bool reset_peak_rss() {
  std::ofstream out("/proc/self/clear_refs");
  out << "5";
  out.flush();
  return static_cast<bool>(out);
}

/// Memory budget of each stage, bytes per populated cell: what the stage's structure holds (its arrays'
/// capacities) and how far the resident memory rises above its level before the stage while the stage runs
/// (the structure and the stage's temporaries). docs/performance.md ("Cell connectors", its "Memory per stage")
/// gives the reasons for each figure; they follow from the run's budget ("Memory budget").
struct StageBudget {
  const char* stage;
  double held_bytes_per_cell;
  double peak_bytes_per_cell;
};
constexpr StageBudget kBudgets[] = {
    {"road graph", 16.0, 40.0},
    {"snapping index", 16.0, 40.0},
    {"cell connectors", 56.0, 80.0},
};

/// One stage as measured: bytes held by its result, and the rise of the peak resident memory during it.
struct StageMemory {
  std::string stage;
  std::size_t held_bytes = 0;
  std::size_t peak_rise_bytes = 0;
};

/// Runs build() and measures its stage: the result's bytes by held(result), the peak's rise over the resident
/// memory before it (0 where the peak cannot be reset).
template <class Build, class Held>
auto measure_stage(std::vector<StageMemory>& stages, const std::string& name, bool& peak_known, Build&& build,
                   Held&& held) {
  peak_known = reset_peak_rss() && peak_known;
  const std::size_t before = status_bytes("VmRSS");
  auto result = build();
  const std::size_t peak = status_bytes("VmHWM");
  stages.push_back({name, held(result), peak > before ? peak - before : 0});
  return result;
}

/// One connector as the reference finds it.
struct RefConnector {
  std::uint32_t piece = 0;
  float fraction = 0.0F;
  float leg_s = 0.0F;
};

/// The reference: every populated cell (slots as in `c`) asks the index for its K nearest pieces within D, in
/// parallel blocks of 4,096 cells. Slot s's connectors are out[s × K …], `count[s]` of them.
void reference_connectors(const network::SnapIndex& index, const network::CellConnectors& c,
                          std::vector<RefConnector>& out, std::vector<std::uint8_t>& count) {
  const Grid& grid = c.grid;
  const std::size_t k = c.options.max_connectors;
  const double speed_mps = units::kmh_to_mps(c.options.access_speed_kmh);
  out.assign(c.slot_count() * k, RefConnector{});
  count.assign(c.slot_count(), 0);
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, c.slot_count(), 4096), [&](const tbb::blocked_range<std::size_t>& r) {
    network::EdgePoint points[16];
    for (std::size_t s = r.begin(); s != r.end(); ++s) {
      const std::uint32_t cell = c.cell[s];
      const double x = grid.centre_x_m(cell % grid.cols);
      const double y = grid.centre_y_m(cell / grid.cols);
      const std::size_t found =
          index.nearest_pieces(x, y, c.options.max_access_distance_m, std::span<network::EdgePoint>(points, k));
      for (std::size_t j = 0; j < found; ++j)
        out[s * k + j] = RefConnector{points[j].piece, static_cast<float>(points[j].fraction),
                                      static_cast<float>(points[j].distance_m / speed_mps)};
      count[s] = static_cast<std::uint8_t>(found);
    }
  });
}

/// Cells whose connectors differ between the built connectors and the reference (as sets of (piece, fraction, walk)).
std::size_t differing_cells(const network::CellConnectors& c, const std::vector<RefConnector>& ref,
                            const std::vector<std::uint8_t>& ref_count) {
  const std::size_t k = c.options.max_connectors;
  std::vector<std::vector<RefConnector>> built(c.slot_count());
  for (std::uint32_t p = 0; p < c.graph_pieces; ++p)
    for (const network::PieceConnector& pc : c.connectors_on(p)) built[pc.slot].push_back({p, pc.fraction, pc.leg_s});
  auto by_piece = [](const RefConnector& a, const RefConnector& b) { return a.piece < b.piece; };
  std::size_t differ = 0;
  for (std::size_t s = 0; s < c.slot_count(); ++s) {
    std::vector<RefConnector> expected(ref.begin() + static_cast<std::ptrdiff_t>(s * k),
                                       ref.begin() + static_cast<std::ptrdiff_t>(s * k + ref_count[s]));
    std::sort(expected.begin(), expected.end(), by_piece);
    std::vector<RefConnector>& got = built[s];
    std::sort(got.begin(), got.end(), by_piece);
    const bool same = got.size() == expected.size() &&
                      std::equal(got.begin(), got.end(), expected.begin(), [](const RefConnector& a, const RefConnector& b) {
                        return a.piece == b.piece && a.fraction == b.fraction && a.leg_s == b.leg_s;
                      });
    if (!same) ++differ;
  }
  return differ;
}

int bench(const fs::path& scenario_path, const std::string& mode_name, int runs) {
  io::ensure_gdal();
  Diagnostics diag;
  io::LoadedScenario loaded = io::load_scenario(io::read_scenario(scenario_path), diag, io::LoadOptions{false, false}, nullptr);
  diag.throw_if_errors();
  if (!loaded.population || !loaded.roads) {
    std::cerr << "carereach-bench-connectors: the scenario needs a population surface and roads\n";
    return 1;
  }
  const auto mode = parse_travel_mode(mode_name);
  if (!mode) {
    std::cerr << "carereach-bench-connectors: unknown mode '" << mode_name << "'\n";
    return 2;
  }
  const PopulationGrid& population = loaded.population->surface;
  // Memory per stage, measured once before the timed rounds: the graph, the snapping index and the connectors
  // are built one after the other as carereach run builds them for one mode.
  std::vector<StageMemory> stages;
  bool peak_known = true;
  const network::RoadGraph graph = measure_stage(
      stages, "road graph", peak_known,
      [&] { return network::build_graph(*loaded.roads, *mode, loaded.scenario.travel.profile); },
      [](const network::RoadGraph& g) { return g.memory_bytes(); });
  const network::SnapIndex index = measure_stage(
      stages, "snapping index", peak_known, [&] { return network::SnapIndex(*loaded.roads, graph); },
      [](const network::SnapIndex& i) { return i.memory_bytes(); });
  const network::ConnectorOptions options = network::ConnectorOptions::from_profile(
      loaded.scenario.travel.profile, network::SnapMode::kEdge, loaded.scenario.travel.connectors_per_cell);
  std::size_t populated_cells = 0;
  {
    const network::CellConnectors first = measure_stage(
        stages, "cell connectors", peak_known,
        [&] { return network::build_cell_connectors(population, graph, index, options); },
        [](const network::CellConnectors& c) { return c.memory_bytes(); });
    populated_cells = first.slot_count();
  }

  std::vector<double> built_s, reference_s, ratio, built_cpu_s, reference_cpu_s, cpu_ratio;
  std::vector<RefConnector> ref;
  std::vector<std::uint8_t> ref_count;
  network::CellConnectors connectors;
  std::size_t differ = 0;
  for (int round = 0; round < runs; ++round) {
    // Alternate which goes first, so that a burst of load on the shared machine hits both alike.
    auto time_built = [&] {
      connectors = network::CellConnectors{};
      const double c0 = process_cpu_s();
      const auto t0 = std::chrono::steady_clock::now();
      connectors = network::build_cell_connectors(population, graph, index, options);
      built_s.push_back(seconds_since(t0));
      built_cpu_s.push_back(process_cpu_s() - c0);
    };
    auto time_reference = [&] {
      const double c0 = process_cpu_s();
      const auto t0 = std::chrono::steady_clock::now();
      reference_connectors(index, connectors, ref, ref_count);
      reference_s.push_back(seconds_since(t0));
      reference_cpu_s.push_back(process_cpu_s() - c0);
    };
    if (round == 0 || round % 2 == 1) {
      time_built();
      time_reference();
    } else {
      time_reference();
      time_built();
    }
    ratio.push_back(reference_s.back() / built_s.back());
    cpu_ratio.push_back(reference_cpu_s.back() / built_cpu_s.back());
    if (round == 0) differ = differing_cells(connectors, ref, ref_count);
    std::cerr << "round " << round + 1 << "/" << runs << ": connectors " << fixed(built_s.back(), 3) << " s ("
              << fixed(built_cpu_s.back(), 3) << " s CPU), reference " << fixed(reference_s.back(), 3) << " s ("
              << fixed(reference_cpu_s.back(), 3) << " s CPU)\n";
  }
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);

  const Grid& grid = population.grid;
  std::cout << "# Cell connectors: " << scenario_path.string() << ", mode " << mode_name << "\n\n";
  std::cout << "| | |\n|---|---:|\n";
  std::cout << "| grid cells | " << thousands(grid.cell_count()) << " (" << grid.cols << " × " << grid.rows << ", "
            << grid.cell_size_m << " m) |\n";
  std::cout << "| populated cells | " << thousands(connectors.slot_count()) << " |\n";
  std::cout << "| graph nodes / pieces / segments | " << thousands(graph.node_count()) << " / "
            << thousands(graph.pieces.size()) << " / " << thousands(index.segment_count()) << " |\n";
  std::cout << "| snapping buckets | " << fixed(index.segment_bucket_size_m(), 0) << " m ("
            << fixed(index.segment_bucket_size_m() / grid.cell_size_m, 2) << " cells) |\n";
  std::cout << "| K, maximum access distance | " << options.max_connectors << ", " << options.max_access_distance_m
            << " m |\n";
  std::cout << "| connectors / cells without access | " << thousands(connectors.connector_count) << " / "
            << thousands(connectors.cells_without_access) << " |\n";
  std::cout << "| connectors' memory | " << fixed(static_cast<double>(connectors.memory_bytes()) / 1e6, 1) << " MB ("
            << fixed(static_cast<double>(connectors.memory_bytes()) / static_cast<double>(connectors.slot_count()), 1)
            << " bytes per populated cell) |\n";
  std::cout << "| cells whose connectors differ from the reference | " << thousands(differ) << " |\n\n";
  auto range = [](const std::vector<double>& v) {
    return " (" + fixed(*std::min_element(v.begin(), v.end()), 3) + "–" + fixed(*std::max_element(v.begin(), v.end()), 3) + ")";
  };
  std::cout << "| seconds, median of " << runs << " rounds (min–max) | wall-clock | CPU, all threads |\n|---|---:|---:|\n";
  std::cout << "| `build_cell_connectors` (links and piece lists included) | " << fixed(median(built_s), 3)
            << range(built_s) << " | " << fixed(median(built_cpu_s), 3) << range(built_cpu_s) << " |\n";
  std::cout << "| reference: one `SnapIndex::nearest_pieces` query per cell (connectors only) | "
            << fixed(median(reference_s), 3) << range(reference_s) << " | " << fixed(median(reference_cpu_s), 3)
            << range(reference_cpu_s) << " |\n";
  std::cout << "| ratio reference / build_cell_connectors (median of the rounds' ratios) | " << fixed(median(ratio), 2)
            << range(ratio) << " | " << fixed(median(cpu_ratio), 2) << range(cpu_ratio) << " |\n\n";
  std::cout << "Threads: " << tbb::this_task_arena::max_concurrency() << ".\n";
  std::cout << "Peak memory (max RSS) " << fixed(static_cast<double>(usage.ru_maxrss) / 1024.0, 0) << " MB.\n\n";

  // Memory per stage against its budget, bytes per populated cell.
  std::cout << "| stage | held | held per populated cell (budget) | peak rise | peak rise per populated cell (budget) | "
               "verdict |\n|---|---:|---:|---:|---:|---|\n";
  bool within_budget = true;
  const double per = static_cast<double>(std::max<std::size_t>(populated_cells, 1));
  for (const StageMemory& m : stages) {
    const StageBudget* budget = nullptr;
    for (const StageBudget& b : kBudgets)
      if (m.stage == b.stage) budget = &b;
    const double held = static_cast<double>(m.held_bytes) / per;
    const double rise = static_cast<double>(m.peak_rise_bytes) / per;
    const bool held_ok = held <= budget->held_bytes_per_cell;
    const bool rise_ok = !peak_known || rise <= budget->peak_bytes_per_cell;
    within_budget = within_budget && held_ok && rise_ok;
    std::cout << "| " << m.stage << " | " << fixed(static_cast<double>(m.held_bytes) / 1e6, 1) << " MB | "
              << fixed(held, 1) << " (" << fixed(budget->held_bytes_per_cell, 0) << ") | "
              << (peak_known ? fixed(static_cast<double>(m.peak_rise_bytes) / 1e6, 1) + " MB" : std::string("–"))
              << " | " << (peak_known ? fixed(rise, 1) : std::string("–")) << " ("
              << fixed(budget->peak_bytes_per_cell, 0) << ") | " << (held_ok && rise_ok ? "PASS" : "FAIL") << " |\n";
  }
  if (!peak_known) std::cout << "\n(The peak resident memory could not be reset here: the peak rises are not known.)\n";
  std::cout << "\nMemory budget: " << (within_budget ? "PASS" : "FAIL") << ".\n";
  return differ == 0 && within_budget ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "Times the cell connectors (edge mode) of a scenario's road graph against one nearest-pieces query per\n"
      "cell, in the same rounds; checks that both give the same connectors and prints medians and their ratio.",
      "carereach-bench-connectors"};
  std::string scenario_text;
  std::string mode = "car";
  int runs = 5;
  app.add_option("scenario", scenario_text, "scenario.toml, or a folder holding one")->required();
  app.add_option("--mode", mode, "Travel mode of the road graph (walk, bicycle, ebike, car, mixed)")->capture_default_str();
  app.add_option("--runs", runs, "Measured rounds (medians are reported)")->check(CLI::Range(1, 1000))->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  fs::path scenario(scenario_text);
  if (fs::is_directory(scenario)) scenario /= "scenario.toml";
  try {
    return bench(scenario, mode, runs);
  } catch (const Error& e) {
    std::cerr << "carereach-bench-connectors: " << e.what() << '\n';
    if (!e.hint().empty()) std::cerr << "  hint: " << e.hint() << '\n';
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "carereach-bench-connectors: " << e.what() << '\n';
    return 1;
  }
}
