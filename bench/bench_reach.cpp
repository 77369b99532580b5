// carereach-bench-reach: times what each facility reaches by itself (analysis::facility_reach) for one standard of
// a scenario — the local search against the whole-grid computation with the facility alone, measured in the same
// rounds on the same facilities — checks that both give the same cells and times, and prints a Markdown report of
// medians and their ratio. It reports; it asserts nothing about speed. docs/performance.md ("What each facility
// reaches") gives figures.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "analysis/reach.hpp"
#include "analysis/travel.hpp"
#include "pipeline/travel_setup.hpp"
#include "core/error.hpp"
#include "io/load.hpp"
#include "io/scenario.hpp"
#include "io/vector_source.hpp"

namespace fs = std::filesystem;
using namespace carereach;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
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

int bench(const fs::path& scenario_path, const std::string& standard_id, double limit_min, std::size_t sample,
          int runs) {
  io::ensure_gdal();
  Diagnostics diag;
  io::LoadedScenario loaded =
      io::load_scenario(io::read_scenario(scenario_path), diag, io::LoadOptions{false, false}, nullptr);
  diag.throw_if_errors();
  const auto& standards = loaded.scenario.standards;
  const auto it = std::find_if(standards.begin(), standards.end(), [&](const Standard& s) { return s.id == standard_id; });
  if (it == standards.end() || !it->threshold_min) {
    std::cerr << "carereach-bench-reach: no time standard '" << standard_id << "' in the scenario\n";
    return 2;
  }
  const Standard& st = *it;
  if (limit_min <= 0.0) limit_min = *st.threshold_min;
  std::vector<Facility> chosen;
  for (const Facility& f : loaded.facilities)
    if (st.select.matches(f)) chosen.push_back(f);
  analysis::TravelModel model = pipeline::make_travel_model(loaded);
  // The mode's structures (graph, connectors, friction) are built by a first facility, outside the timing.
  {
    Diagnostics d;
    model.prepare_reach(st, d);
  }
  const std::size_t n_sample = std::min(sample, chosen.size());
  const std::vector<Facility> sampled(chosen.begin(), chosen.begin() + static_cast<std::ptrdiff_t>(n_sample));
  std::vector<double> local_all_s, local_s, whole_s, ratio;
  std::size_t differ = 0, cells_reached = 0;
  for (int round = 0; round < runs; ++round) {
    Diagnostics d;
    auto t0 = std::chrono::steady_clock::now();
    const auto all = analysis::facility_reach(model, st, chosen, limit_min, d);
    local_all_s.push_back(seconds_since(t0));
    t0 = std::chrono::steady_clock::now();
    const auto local = analysis::facility_reach(model, st, sampled, limit_min, d);
    local_s.push_back(seconds_since(t0));
    t0 = std::chrono::steady_clock::now();
    const auto whole = analysis::facility_reach(model, st, sampled, limit_min, d, nullptr, analysis::ReachMethod::kWholeGrid);
    whole_s.push_back(seconds_since(t0));
    ratio.push_back(whole_s.back() / local_s.back());
    if (round == 0) {
      for (std::size_t k = 0; k < n_sample; ++k)
        if (local[k].cells != whole[k].cells || local[k].joined != whole[k].joined) ++differ;
      for (const auto& r : all) cells_reached += r.cells.size();
    }
    std::cerr << "round " << round + 1 << "/" << runs << ": all " << chosen.size() << " facilities "
              << fixed(local_all_s.back(), 3) << " s; sample of " << n_sample << ": local " << fixed(local_s.back(), 3)
              << " s, whole grid " << fixed(whole_s.back(), 3) << " s\n";
  }
  const Grid& grid = loaded.population->surface.grid;
  std::cout << "# What each facility reaches: " << scenario_path.string() << ", standard " << st.id << " ("
            << to_string(st.engine) << ", " << to_string(st.mode) << "), limit " << fixed(limit_min, 1) << " min\n\n";
  std::cout << "| | |\n|---|---:|\n";
  std::cout << "| grid cells | " << grid.cell_count() << " (" << grid.cols << " × " << grid.rows << ") |\n";
  std::cout << "| facilities of the standard | " << chosen.size() << " |\n";
  std::cout << "| (facility, cell) pairs within the limit | " << cells_reached << " |\n";
  std::cout << "| sampled facilities whose reach differs from the whole-grid computation | " << differ << " of "
            << n_sample << " |\n\n";
  std::cout << "| seconds, median of " << runs << " rounds | |\n|---|---:|\n";
  std::cout << "| local, all facilities | " << fixed(median(local_all_s), 3) << " |\n";
  std::cout << "| local, per facility | " << fixed(median(local_all_s) / static_cast<double>(std::max<std::size_t>(1, chosen.size())), 5) << " |\n";
  std::cout << "| whole grid, per facility (sample) | " << fixed(median(whole_s) / static_cast<double>(std::max<std::size_t>(1, n_sample)), 5) << " |\n";
  std::cout << "| ratio whole grid / local on the sample (median of the rounds' ratios) | " << fixed(median(ratio), 1) << " |\n";
  return differ == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Times what each facility of a standard reaches by itself, local search against the whole-grid\n"
               "computation, checks that both agree and prints medians and their ratio.",
               "carereach-bench-reach"};
  std::string scenario_text, standard;
  double limit = 0.0;
  std::size_t sample = 20;
  int runs = 3;
  app.add_option("scenario", scenario_text, "scenario.toml, or a folder holding one")->required();
  app.add_option("--standard", standard, "Time standard id")->required();
  app.add_option("--limit", limit, "Minutes (default: the standard's threshold)");
  app.add_option("--sample", sample, "Facilities also computed on the whole grid, for the check and the ratio")->capture_default_str();
  app.add_option("--runs", runs, "Measured rounds (medians are reported)")->check(CLI::Range(1, 100))->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  fs::path scenario(scenario_text);
  if (fs::is_directory(scenario)) scenario /= "scenario.toml";
  try {
    return bench(scenario, standard, limit, sample, runs);
  } catch (const Error& e) {
    std::cerr << "carereach-bench-reach: " << e.what() << '\n';
    if (!e.hint().empty()) std::cerr << "  hint: " << e.hint() << '\n';
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "carereach-bench-reach: " << e.what() << '\n';
    return 1;
  }
}
