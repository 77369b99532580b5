// carereach-bench-load: times loading a scenario (the whole load_scenario and each of its steps, medians over
// several runs) next to the equivalent GDAL command-line steps on the same data, run the same number of times in
// the same session, and prints a Markdown table with the ratios, peak memory, the memory of the loaded
// structures and the exact reference commands. It reports; it asserts nothing about speed.
// docs/performance.md explains what is measured and gives figures.

#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gdal_priv.h>
#include <CLI/CLI.hpp>

#include "core/error.hpp"
#include "core/version.hpp"
#include "io/load.hpp"
#include "io/scenario.hpp"
#include "io/vector_source.hpp"
#include "core/text.hpp"

extern char** environ;

namespace fs = std::filesystem;
using namespace carereach;

namespace {

// ------------------------------------------------------------------------------------------------ helpers

double median(std::vector<double> v) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

/// Seconds with three significant figures.
std::string secs(double s) {
  if (s >= 100) return fixed(s, 0);
  if (s >= 10) return fixed(s, 1);
  if (s >= 1) return fixed(s, 2);
  return fixed(s, 3);
}

std::string thousands(double v) {
  const std::string digits = fixed(std::abs(v), 0);
  std::string out;
  const std::size_t lead = digits.size() % 3 == 0 ? 3 : digits.size() % 3;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i >= lead && (i - lead) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (v < 0 ? "-" : "") + out;
}

std::string mb(double bytes) {
  return fixed(bytes / (1024.0 * 1024.0), 1) + " MB";
}

/// An argument as a POSIX shell would need it written.
std::string shell_quote(const std::string& arg) {
  if (!arg.empty() &&
      arg.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-+=./:,@%") ==
          std::string::npos)
    return arg;
  std::string out = "'";
  for (const char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string command_text(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) out += (out.empty() ? "" : " ") + shell_quote(a);
  return out;
}

std::string first_line_of(const fs::path& file, const std::string& key) {
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(key, 0) == 0) return line.substr(key.size());
  return {};
}

// ------------------------------------------------------------------------------------------------ commands

struct CommandRun {
  double seconds = 0.0;
  long max_rss_kb = 0;
  int status = 0;
};

/// Runs argv (no shell) with stdout and stderr to /dev/null; wall time and the child's peak memory.
CommandRun run_command(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  CommandRun run;
  const auto t0 = std::chrono::steady_clock::now();
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    run.status = -1;
    return run;
  }
  int status = 0;
  rusage usage{};
  wait4(pid, &status, 0, &usage);
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  run.max_rss_kb = usage.ru_maxrss;
  run.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  return run;
}

bool read_all(int fd, void* data, std::size_t n) {
  auto* p = static_cast<char*>(data);
  while (n > 0) {
    const ssize_t got = read(fd, p, n);
    if (got <= 0) return false;
    p += got;
    n -= static_cast<std::size_t>(got);
  }
  return true;
}

bool write_all(int fd, const void* data, std::size_t n) {
  const auto* p = static_cast<const char*>(data);
  while (n > 0) {
    const ssize_t put = write(fd, p, n);
    if (put <= 0) return false;
    p += put;
    n -= static_cast<std::size_t>(put);
  }
  return true;
}

/// Runs the reference commands from a small process forked before anything is loaded. On Linux a child's peak
/// memory (ru_maxrss) includes that of the process that started it, so commands started from the benchmark
/// itself, after a load, would appear to use as much memory as the benchmark.
class Spawner {
 public:
  Spawner() {
    int to_child[2], from_child[2];
    if (pipe(to_child) != 0 || pipe(from_child) != 0) throw std::runtime_error("cannot create pipes");
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("cannot fork");
    if (pid_ == 0) {
      close(to_child[1]);
      close(from_child[0]);
      serve(to_child[0], from_child[1]);
      _exit(0);
    }
    close(to_child[0]);
    close(from_child[1]);
    out_ = to_child[1];
    in_ = from_child[0];
  }
  ~Spawner() {
    close(out_);
    close(in_);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  Spawner(const Spawner&) = delete;
  Spawner& operator=(const Spawner&) = delete;

  CommandRun run(const std::vector<std::string>& argv) {
    const auto argc = static_cast<std::uint32_t>(argv.size());
    bool ok = write_all(out_, &argc, sizeof argc);
    for (const auto& a : argv) {
      const auto len = static_cast<std::uint32_t>(a.size());
      ok = ok && write_all(out_, &len, sizeof len) && write_all(out_, a.data(), a.size());
    }
    CommandRun r;
    if (!ok || !read_all(in_, &r, sizeof r)) throw std::runtime_error("the command runner stopped");
    return r;
  }

 private:
  static void serve(int in, int out) {
    for (;;) {
      std::uint32_t argc = 0;
      if (!read_all(in, &argc, sizeof argc)) return;
      std::vector<std::string> argv(argc);
      for (auto& a : argv) {
        std::uint32_t len = 0;
        if (!read_all(in, &len, sizeof len)) return;
        a.resize(len);
        if (len > 0 && !read_all(in, a.data(), len)) return;
      }
      const CommandRun r = run_command(argv);
      if (!write_all(out, &r, sizeof r)) return;
    }
  }

  pid_t pid_ = -1;
  int out_ = -1;
  int in_ = -1;
};

/// The reference for one load step: GDAL command-line programs doing the equivalent work on the same inputs.
struct Reference {
  std::vector<std::vector<std::string>> commands;
  std::vector<std::string> notes;  ///< inputs left out, and why
  std::vector<double> seconds;     ///< per run: the commands together
  long max_rss_kb = 0;
  bool failed = false;
};

/// How the CRS is named on a GDAL command line: its authority code, else its WKT.
std::string gdal_crs(const geo::CrsSpec& crs) {
  const std::string code = crs.authority_code();
  return code.empty() ? crs.wkt() : code;
}

bool chinese_web_crs(const std::string& crs) {
  std::string s;
  for (const char c : crs) s += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s == "gcj02" || s == "gcj-02" || s == "bd09" || s == "bd-09";
}


/// The name of the first layer of a vector file ("" when it cannot be opened).
std::string first_layer_name(const fs::path& file) {
  GDALDataset* ds =
      GDALDataset::Open(file.string().c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr);
  if (ds == nullptr) return {};
  std::string name = ds->GetLayerCount() > 0 ? ds->GetLayer(0)->GetName() : "";
  GDALClose(ds);
  return name;
}

class ReferenceBuilder {
 public:
  ReferenceBuilder(const io::LoadedScenario& loaded, fs::path scratch) : ls_(loaded), scratch_(std::move(scratch)) {}

  std::map<std::string, Reference> build() {
    std::map<std::string, Reference> refs;
    checksums(refs["checksums"]);
    for (std::size_t i = 0; i < ls_.zones.size(); ++i) zone_read(refs["zones"], i);
    if (ls_.grid)
      for (std::size_t i = 0; i < ls_.zones.size(); ++i) zone_raster(refs["zone rasters"], i);
    if (ls_.grid && ls_.scenario.population) population(refs["population"]);
    for (const auto& f : ls_.scenario.facilities) vector_read(refs["facilities"], f.source, "facilities");
    if (ls_.scenario.roads) roads(refs["roads"]);
    std::erase_if(refs, [](const auto& kv) { return kv.second.commands.empty() && kv.second.notes.empty(); });
    return refs;
  }

 private:
  [[nodiscard]] std::string target() const { return gdal_crs(ls_.analysis_crs); }
  void checksums(Reference& r) {
    std::vector<std::string> cmd{"sha256sum"};
    for (const auto& in : ls_.inputs) cmd.push_back(in.path.string());
    if (cmd.size() > 1) r.commands.push_back(cmd);
  }

  /// Reading a layer into memory in the analysis CRS: ogr2ogr to GDAL's Memory driver.
  void vector_read(Reference& r, const io::SourceSpec& src, const std::string& what) {
    if (chinese_web_crs(src.crs)) {
      r.notes.push_back(what + ": declared in " + src.crs + ", which GDAL does not know");
      return;
    }
    std::vector<std::string> cmd{"ogr2ogr", "-f", "Memory", "-t_srs", target()};
    if (!src.crs.empty()) cmd.insert(cmd.end(), {"-s_srs", src.crs});
    if (src.is_table_with_xy())
      cmd.insert(cmd.end(), {"-oo", "X_POSSIBLE_NAMES=" + src.x_field, "-oo", "Y_POSSIBLE_NAMES=" + src.y_field});
    cmd.insert(cmd.end(), {"/vsimem/reference", src.path.string()});
    if (!src.layer.empty()) cmd.push_back(src.layer);
    r.commands.push_back(cmd);
  }

  void zone_read(Reference& r, std::size_t i) {
    const io::LoadedZoneLevel& level = ls_.zones[i];
    const io::ZoneLevelSpec* spec = ls_.scenario.zone_level(level.level.level);
    if (spec != nullptr) vector_read(r, spec->source, "zones:" + level.level.level);
  }

  /// gdal_rasterize of the level's polygons onto the analysis grid (cell centres, like carereach). When the file
  /// is in another CRS, an OGR VRT reprojects it on the fly (gdal_rasterize does not reproject).
  void zone_raster(Reference& r, std::size_t i) {
    const io::LoadedZoneLevel& level = ls_.zones[i];
    if (level.kind != io::ZoneGeometryKind::kPolygons) return;
    const io::ZoneLevelSpec* spec = ls_.scenario.zone_level(level.level.level);
    if (spec == nullptr) return;
    if (chinese_web_crs(spec->source.crs)) {
      r.notes.push_back("zones:" + level.level.level + ": declared in " + spec->source.crs +
                        ", which GDAL does not know");
      return;
    }
    std::string source = spec->source.path.string();
    std::string layer = spec->source.layer.empty() ? first_layer_name(spec->source.path) : spec->source.layer;
    const bool same_crs = spec->source.crs.empty() && !level.source_crs.authority_code().empty() &&
                          level.source_crs.authority_code() == ls_.analysis_crs.authority_code();
    if (!same_crs) {
      const fs::path vrt = scratch_ / ("zones_" + level.level.level + ".vrt");
      std::ostringstream out;
      out << "<OGRVRTDataSource>\n  <OGRVRTWarpedLayer>\n    <OGRVRTLayer name=\"zones\">\n"
          << "      <SrcDataSource>" << xml_escape(fs::absolute(spec->source.path).string()) << "</SrcDataSource>\n";
      if (!layer.empty()) out << "      <SrcLayer>" << xml_escape(layer) << "</SrcLayer>\n";
      if (!spec->source.crs.empty()) out << "      <LayerSRS>" << xml_escape(spec->source.crs) << "</LayerSRS>\n";
      out << "    </OGRVRTLayer>\n    <TargetSRS>" << xml_escape(target()) << "</TargetSRS>\n"
          << "  </OGRVRTWarpedLayer>\n</OGRVRTDataSource>\n";
      std::ofstream(vrt) << out.str();
      source = vrt.string();
      layer = "zones";
      r.notes.push_back("zones:" + level.level.level +
                        ": gdal_rasterize does not reproject, so the layer is reprojected to " + target() +
                        " by a temporary OGR VRT, " + vrt.filename().string() + ":\n\n```xml\n" + out.str() + "```\n");
    }
    const Grid& g = *ls_.grid;
    std::vector<std::string> cmd{"gdal_rasterize",
                                 "-q",
                                 "-of",
                                 "MEM",
                                 "-ot",
                                 "UInt32",
                                 "-burn",
                                 "1",
                                 "-te",
                                 fixed(g.origin_x_m, 3),
                                 fixed(g.min_y_m(), 3),
                                 fixed(g.max_x_m(), 3),
                                 fixed(g.origin_y_m, 3),
                                 "-ts",
                                 std::to_string(g.cols),
                                 std::to_string(g.rows)};
    if (!layer.empty()) cmd.insert(cmd.end(), {"-l", layer});
    cmd.insert(cmd.end(), {source, "/vsimem/reference"});
    r.commands.push_back(cmd);
  }

  /// gdalwarp -r sum onto the analysis grid (mass-preserving resampling, like carereach's).
  void population(Reference& r) {
    const io::PopulationSpec& p = *ls_.scenario.population;
    if (p.kind != io::PopulationKind::kRaster) {
      r.notes.push_back("population: kind is not raster; no single GDAL command does the same");
      return;
    }
    if (chinese_web_crs(p.source.crs)) {
      r.notes.push_back("population: declared in " + p.source.crs + ", which GDAL does not know");
      return;
    }
    const Grid& g = *ls_.grid;
    std::vector<std::string> cmd{"gdalwarp", "-q", "-of", "MEM", "-r", "sum", "-ot", "Float64", "-t_srs", target()};
    if (!p.source.crs.empty()) cmd.insert(cmd.end(), {"-s_srs", p.source.crs});
    if (p.band != 1) cmd.insert(cmd.end(), {"-b", std::to_string(p.band)});
    cmd.insert(cmd.end(),
               {"-te", fixed(g.origin_x_m, 3), fixed(g.min_y_m(), 3), fixed(g.max_x_m(), 3), fixed(g.origin_y_m, 3),
                "-ts", std::to_string(g.cols), std::to_string(g.rows), p.source.path.string(), "/vsimem/reference"});
    r.commands.push_back(cmd);
  }

  /// OpenStreetMap: ogr2ogr of the "lines" layer (GDAL's OSM driver resolves the node locations of every way, as
  /// carereach does); a line layer: ogr2ogr of that layer. Both reprojected into the analysis CRS.
  void roads(Reference& r) {
    const io::RoadSpec& spec = *ls_.scenario.roads;
    if (spec.kind == io::RoadSourceKind::kOsm) {
      r.commands.push_back(
          {"ogr2ogr", "-f", "Memory", "-t_srs", target(), "/vsimem/reference", spec.source.path.string(), "lines"});
      return;
    }
    vector_read(r, spec.source, "roads");
  }

  const io::LoadedScenario& ls_;
  fs::path scratch_;
};

// ------------------------------------------------------------------------------------------------ machine

std::string machine_text() {
  std::string cpu = first_line_of("/proc/cpuinfo", "model name\t: ");
  std::string mem = first_line_of("/proc/meminfo", "MemTotal:");
  mem.erase(0, mem.find_first_not_of(' '));
  double mem_gb = 0.0;
  try {
    mem_gb = std::stod(mem) / (1024.0 * 1024.0);
  } catch (const std::exception&) {
  }
  return std::to_string(std::thread::hardware_concurrency()) + " cores" + (cpu.empty() ? "" : " (" + cpu + ")") + ", " +
         fixed(mem_gb, 1) + " GiB RAM";
}

// ------------------------------------------------------------------------------------------------ the run

/// "county" or "county, township": the levels that have a raster (polygon levels).
std::string zone_levels_text(const std::vector<io::ZoneRaster>& rasters) {
  std::string out;
  for (const auto& r : rasters)
    if (!r.zone_of_cell.empty()) out += (out.empty() ? "" : ", ") + r.level;
  return out.empty() ? "none" : out;
}

struct StepTimes {
  std::vector<double> seconds;
};

int bench(const fs::path& scenario_path, int runs, int warmup, bool with_reference, bool checksums) {
  Spawner spawner;  // first, while this process is small
  io::ensure_gdal();
  const io::LoadOptions options{false, checksums};
  auto load_once = [&](double& read_s, double& total_s) {
    const auto t0 = std::chrono::steady_clock::now();
    io::Scenario scenario = io::read_scenario(scenario_path);
    const auto t1 = std::chrono::steady_clock::now();
    Diagnostics diag;
    io::LoadedScenario loaded = io::load_scenario(std::move(scenario), diag, options, nullptr);
    const auto t2 = std::chrono::steady_clock::now();
    diag.throw_if_errors();
    read_s = std::chrono::duration<double>(t1 - t0).count();
    total_s = std::chrono::duration<double>(t2 - t0).count();
    return loaded;
  };

  // The first load (a warm-up unless --warmup 0) also gives the grid and inputs the references need.
  double read_s = 0.0, total_s = 0.0;
  std::vector<std::string> step_order{"scenario file"};
  std::map<std::string, StepTimes> steps;
  std::vector<double> totals;
  auto record = [&](const io::LoadedScenario& ls, double read, double total) {
    steps["scenario file"].seconds.push_back(read);
    for (const auto& t : ls.timings) {
      if (std::find(step_order.begin(), step_order.end(), t.step) == step_order.end()) step_order.push_back(t.step);
      steps[t.step].seconds.push_back(t.seconds);
    }
    totals.push_back(total);
  };

  std::fprintf(stderr, "carereach-bench-load: probe load of %s\n", scenario_path.string().c_str());
  std::optional<io::LoadedScenario> probe(load_once(read_s, total_s));
  if (warmup == 0) record(*probe, read_s, total_s);
  for (int w = 1; w < warmup; ++w) load_once(read_s, total_s);

  // Figures about the data and the memory of the loaded structures (from the probe).
  const io::LoadedScenario& ls = *probe;
  const std::size_t cells = ls.grid ? ls.grid->cell_count() : 0;
  std::size_t study_cells = 0, zone_raster_bytes = 0;
  if (ls.study_area_level && *ls.study_area_level < ls.zone_rasters.size())
    study_cells = ls.zone_rasters[*ls.study_area_level].covered_cells();
  for (const auto& zr : ls.zone_rasters) zone_raster_bytes += zr.zone_of_cell.capacity() * sizeof(std::uint32_t);
  const std::size_t population_bytes = ls.population ? ls.population->surface.persons.capacity() * sizeof(double) : 0;
  const std::size_t road_nodes = ls.roads ? ls.roads->node_count() : 0;
  const std::size_t road_ways = ls.roads ? ls.roads->way_count() : 0;
  const std::size_t road_bytes = ls.roads ? ls.roads->memory_bytes() : 0;
  std::uintmax_t input_bytes = 0;
  for (const auto& in : ls.inputs) input_bytes += in.bytes;
  const std::string name = ls.scenario.info.name_en.empty() ? ls.scenario.info.name : ls.scenario.info.name_en;
  const std::string crs = ls.analysis_crs.display();
  const double population_total = ls.population ? ls.population->surface.total() : 0.0;
  const std::size_t facility_count = ls.facilities.size();
  const std::string raster_levels = zone_levels_text(ls.zone_rasters);

  fs::path scratch = fs::temp_directory_path() / ("carereach-bench-load-" + std::to_string(getpid()));
  fs::create_directories(scratch);
  std::map<std::string, Reference> refs;
  if (with_reference) refs = ReferenceBuilder(ls, scratch).build();
  Reference startup;
  startup.commands.push_back({"ogrinfo", "--version"});
  probe.reset();

  // The measured runs: carereach, then each reference, in turn, so both see the same machine conditions.
  std::vector<std::pair<std::string, Reference*>> ordered;
  for (auto& [step, ref] : refs) ordered.emplace_back(step, &ref);
  if (with_reference) ordered.emplace_back("startup", &startup);
  for (int run = 0; run < runs; ++run) {
    if (!(warmup == 0 && run == 0)) {
      std::fprintf(stderr, "  run %d/%d: carereach\n", run + 1, runs);
      const io::LoadedScenario loaded = load_once(read_s, total_s);
      record(loaded, read_s, total_s);
    }
    for (auto& [step, ref] : ordered) {
      if (ref->commands.empty()) continue;
      std::fprintf(stderr, "  run %d/%d: reference for %s\n", run + 1, runs, step.c_str());
      double sum = 0.0;
      for (const auto& cmd : ref->commands) {
        const CommandRun cr = spawner.run(cmd);
        if (cr.status != 0) ref->failed = true;
        sum += cr.seconds;
        ref->max_rss_kb = std::max(ref->max_rss_kb, cr.max_rss_kb);
      }
      ref->seconds.push_back(sum);
    }
  }
  rusage self{};
  getrusage(RUSAGE_SELF, &self);
  std::error_code ec;
  fs::remove_all(scratch, ec);

  // ---------------------------------------------------------------------------------------------- report
  std::ostringstream md;
  md << "## Load benchmark: " << name << "\n\n";
  md << "- scenario: `" << scenario_path.string() << "`\n";
  md << "- machine: " << machine_text() << "; carereach " << kVersion << ", GDAL " << GDALVersionInfo("RELEASE_NAME")
     << "\n";
  md << "- data: " << thousands(static_cast<double>(cells)) << " grid cells ("
     << thousands(static_cast<double>(study_cells)) << " in the study area), " << thousands(population_total)
     << " persons, " << thousands(static_cast<double>(facility_count)) << " facilities, "
     << thousands(static_cast<double>(road_nodes)) << " road nodes in " << thousands(static_cast<double>(road_ways))
     << " ways; inputs " << mb(static_cast<double>(input_bytes)) << "; analysis CRS " << crs << "\n";
  md << "- runs: " << runs << " measured (medians; min–max in brackets)"
     << (warmup > 0 ? ", after " + std::to_string(warmup) + " warm-up load(s)" : "")
     << (with_reference ? "; each run loads with carereach, then runs every reference command once" : "") << "\n";
  if (!checksums) md << "- checksums of the inputs switched off (--no-checksums)\n";
  md << "\n";

  const double startup_s = median(startup.seconds);
  md << "| step | carereach median, s | GDAL reference | reference median, s | ratio carereach / reference | "
        "ratio, reference net of start-up |\n";
  md << "|---|---:|---|---:|---:|---:|\n";
  double with_ref_cr = 0.0, with_ref_ref = 0.0;
  auto range = [](const std::vector<double>& v) {
    if (v.empty()) return std::string();
    return " [" + secs(*std::min_element(v.begin(), v.end())) + "–" + secs(*std::max_element(v.begin(), v.end())) + "]";
  };
  auto reference_label = [](const Reference& r) {
    std::map<std::string, int> programs;
    for (const auto& c : r.commands) ++programs[c.front()];
    std::string label;
    for (const auto& [p, n] : programs)
      label += (label.empty() ? "" : " + ") + ("`" + p + "`") + (n > 1 ? " ×" + std::to_string(n) : "");
    return label.empty() ? std::string("—") : label;
  };

  for (const auto& step : step_order) {
    const auto& times = steps[step].seconds;
    const double cr = median(times);
    md << "| " << step << " | " << secs(cr) << range(times) << " | ";
    const auto it = refs.find(step);
    if (it == refs.end() || it->second.seconds.empty()) {
      md << "— | — | — | — |\n";
      continue;
    }
    const Reference& r = it->second;
    const double ref = median(r.seconds);
    // Each command pays GDAL's start-up (process, drivers, PROJ database) once; subtracted, the rest is the work.
    const auto gdal_commands =
        std::count_if(r.commands.begin(), r.commands.end(), [](const auto& c) { return c.front() != "sha256sum"; });
    const double net = ref - static_cast<double>(gdal_commands) * startup_s;
    const bool net_known = gdal_commands > 0 && net > 0.005;
    md << reference_label(r) << (r.failed ? " (failed)" : "") << " | " << secs(ref) << range(r.seconds) << " | "
       << (ref > 0 ? fixed(cr / ref, 2) : "—") << " | " << (net_known ? fixed(cr / net, 2) : "—") << " |\n";
    with_ref_cr += cr;
    with_ref_ref += ref;
  }
  md << "| **load_scenario, whole** (scenario file included) | **" << secs(median(totals)) << "**" << range(totals)
     << " | | | | |\n";
  if (with_reference && with_ref_ref > 0)
    md << "| steps with a reference, together | " << secs(with_ref_cr) << " | | " << secs(with_ref_ref) << " | "
       << fixed(with_ref_cr / with_ref_ref, 2) << " | |\n";
  if (with_reference && !startup.seconds.empty())
    md << "| *start-up of one GDAL command* | | `ogrinfo --version` | " << secs(startup_s) << range(startup.seconds)
       << " | | |\n";
  md << "\n";

  md << "Peak memory (max RSS): carereach-bench-load " << mb(static_cast<double>(self.ru_maxrss) * 1024.0)
     << " (the largest of its loads, with GDAL's block cache)";
  long worst = 0;
  std::string worst_step;
  for (const auto& [step, r] : refs)
    if (r.max_rss_kb > worst) {
      worst = r.max_rss_kb;
      worst_step = step;
    }
  if (worst > 0)
    md << "; largest reference command " << mb(static_cast<double>(worst) * 1024.0) << " (" << worst_step << ")";
  md << ".\n\n";

  md << "Loaded structures:\n";
  if (cells > 0) {
    md << "- population surface: " << mb(static_cast<double>(population_bytes)) << " = "
       << fixed(static_cast<double>(population_bytes) / static_cast<double>(cells), 1) << " bytes per grid cell\n";
    md << "- zone rasters (" << raster_levels << "): " << mb(static_cast<double>(zone_raster_bytes)) << " = "
       << fixed(static_cast<double>(zone_raster_bytes) / static_cast<double>(cells), 1) << " bytes per grid cell\n";
  }
  if (road_nodes > 0)
    md << "- roads (RoadData::memory_bytes): " << mb(static_cast<double>(road_bytes)) << " = "
       << fixed(static_cast<double>(road_bytes) / static_cast<double>(road_nodes), 1) << " bytes per road node ("
       << fixed(static_cast<double>(road_bytes) / static_cast<double>(std::max<std::size_t>(road_ways, 1)), 1)
       << " per way)\n";
  md << "\n";

  if (with_reference) {
    md << "Reference commands (each run executes them without a shell, output discarded):\n\n```sh\n";
    for (const auto& step : step_order) {
      const auto it = refs.find(step);
      if (it == refs.end()) continue;
      for (const auto& c : it->second.commands) md << "# " << step << "\n" << command_text(c) << "\n";
    }
    md << "# start-up\nogrinfo --version\n```\n";
    for (const auto& [step, r] : refs)
      for (const auto& n : r.notes) md << "\nNote (" << step << "): " << n << (n.ends_with("\n") ? "" : ".\n");
    bool any_failed = false;
    for (const auto& [step, r] : refs) any_failed = any_failed || r.failed;
    if (any_failed) md << "\n\nA reference command failed (non-zero exit): its time does not measure the same work.";
    md << "\n";
  }
  std::cout << md.str();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "Times loading a carereach scenario (whole load and each step, medians over --runs) next to the\n"
      "equivalent GDAL command-line steps on the same data, and prints a Markdown table with the ratios,\n"
      "peak memory, the memory of the loaded structures and the exact reference commands.",
      "carereach-bench-load"};
  std::string scenario_text;
  int runs = 5;
  int warmup = 1;
  bool no_reference = false;
  bool no_checksums = false;
  app.add_option("scenario", scenario_text,
                 "scenario.toml, or a folder holding one (e.g. an output of "
                 "carereach-make-synthetic)")
      ->required();
  app.add_option("--runs", runs, "Measured runs (medians are reported)")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  app.add_option("--warmup", warmup, "Loads before the measured runs (not counted)")
      ->check(CLI::Range(0, 100))
      ->capture_default_str();
  app.add_flag("--no-reference", no_reference, "Time carereach only, without the GDAL reference commands");
  app.add_flag("--no-checksums", no_checksums, "Load without the SHA-256 checksums of the inputs");
  CLI11_PARSE(app, argc, argv);

  fs::path scenario(scenario_text);
  if (fs::is_directory(scenario)) scenario /= "scenario.toml";
  try {
    return bench(scenario, runs, warmup, !no_reference, !no_checksums);
  } catch (const Error& e) {
    std::cerr << "carereach-bench-load: " << e.what() << '\n';
    if (!e.hint().empty()) std::cerr << "  hint: " << e.hint() << '\n';
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "carereach-bench-load: " << e.what() << '\n';
    return 1;
  }
}
