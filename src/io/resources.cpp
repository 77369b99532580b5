#include "io/resources.hpp"

#include <cpl_vsi.h>
#include <gdal_priv.h>
#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "core/text.hpp"
#include "io/vector_source.hpp"

namespace carereach::io {

namespace fs = std::filesystem;

namespace {

// The memory model of `carereach run` (docs/performance.md, "Memory before work"). Peak resident memory is
//   base + grid cells × (per cell + per zone level × levels)
//        + study-area cells × (per cell + per network mode × modes + raster engine)
//        + road nodes × (per node + per node and network mode × modes) + raster inputs (GDAL's block cache)
// The study-area cells are the grid's cells times the share of the grid's rectangle that the study area covers:
// travel times, connectors, coverage and polygons concern them only. The coefficients come from peak RSS
// measurements (docs/performance.md gives them, with the commands) and are rounded up, so that the estimate is
// above every measured peak, by 20–50 %.

/// Process, GDAL and PROJ (their databases), TBB, the code: 70 MB measured on a run of 600 cells.
constexpr double kBaseBytes = 100e6;
/// Per grid cell: population surface (8), the travel-time field of the standard being written and its GeoTIFF
/// blocks.
constexpr double kBytesPerCell = 24;
/// Per grid cell and zone level (the zone raster of a polygon level, the derived zones of a seat level).
constexpr double kBytesPerCellPerLevel = 4;
/// Per study-area cell: nearest facility, coverage and gap masks, band polygons, catchments, tables.
constexpr double kBytesPerAreaCell = 150;
/// Per study-area cell and network mode: the cell connectors (edge snapping, 3 per cell: about 51 bytes).
constexpr double kBytesPerAreaCellPerMode = 50;
/// Per study-area cell when the raster engine is used or [raster] names inputs: friction, cost, labels, land
/// cover, elevation, barriers, and the cell centres while a raster is sampled.
constexpr double kBytesPerAreaCellRaster = 48;
/// Per road node: the loaded roads (RoadData: 33 bytes per node from OpenStreetMap, up to 88 from line layers)
/// and the reader's node-location index.
constexpr double kBytesPerRoadNode = 100;
/// Per road node and network mode: the graph, the snapping index, the search labels.
constexpr double kBytesPerRoadNodePerMode = 120;

/// Bytes of a roads file per road node at least (so that size / this is an upper estimate of the nodes):
/// OSM PBF takes 6.9–7.6 bytes per node on the synthetic regions (whose ways carry few tags), compressed files
/// less than text.
double file_bytes_per_node(const std::string& path_lower) {
  auto ends = [&](const char* s) { return path_lower.ends_with(s); };
  if (ends(".pbf")) return 6;
  if (ends(".gz") || ends(".bz2") || ends(".zip") || ends(".7z") || path_lower.starts_with("/vsizip/") ||
      path_lower.starts_with("/vsigzip/") || path_lower.starts_with("/vsitar/"))
    return 4;
  if (ends(".osm") || ends(".xml")) return 40;
  if (ends(".geojson") || ends(".json") || ends(".csv") || ends(".kml") || ends(".gml") || ends(".txt")) return 20;
  return 16;  // GeoPackage, Shapefile, FlatGeobuf, FileGDB …: two doubles per vertex
}

std::uint64_t path_bytes(const fs::path& p) {
  std::error_code ec;
  const std::string s = p.string();
  if (!s.starts_with("/vsi")) {
    if (fs::is_directory(p, ec)) {
      std::uint64_t total = 0;
      for (const auto& e : fs::directory_iterator(p, ec))
        if (e.is_regular_file(ec)) total += e.file_size(ec);
      return total;
    }
    const auto n = fs::file_size(p, ec);
    return ec ? 0 : n;
  }
  VSIStatBufL st;
  if (VSIStatL(s.c_str(), &st) != 0) return 0;
  return static_cast<std::uint64_t>(st.st_size);
}

/// Bytes GDAL may keep of a raster in its block cache: its declared size, at most the cache's size.
std::uint64_t raster_cache_bytes(const SourceSpec& src) {
  ensure_gdal();
  CPLErrorReset();
  GDALDatasetUniquePtr ds(GDALDataset::Open(src.path.string().c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
  if (!ds || ds->GetRasterCount() < 1) return 0;  // the reader reports it
  const double pixels = double(ds->GetRasterXSize()) * double(ds->GetRasterYSize());
  const double bytes = pixels * GDALGetDataTypeSizeBytes(ds->GetRasterBand(1)->GetRasterDataType());
  return static_cast<std::uint64_t>(std::min(bytes, double(GDALGetCacheMax64())));
}

std::optional<std::uint64_t> read_number_file(const fs::path& p) {
  std::ifstream in(p);
  std::string text;
  if (!(in >> text) || text == "max") return std::nullopt;
  try {
    return std::stoull(text);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::optional<std::uint64_t> stat_line(const fs::path& p, const std::string& key) {
  std::ifstream in(p);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string k;
    std::uint64_t v = 0;
    if (fields >> k >> v && k == key) return v;
  }
  return std::nullopt;
}

/// Room left under the memory limits of the process's cgroups (v2: memory.max of its cgroup and of each one
/// above it; v1: memory.limit_in_bytes), counting the cgroup's reclaimable page cache as free.
std::optional<std::uint64_t> cgroup_room() {
  std::ifstream in("/proc/self/cgroup");
  std::string line;
  std::optional<std::uint64_t> room;
  auto consider = [&](const fs::path& dir, const char* limit_file, const char* usage_file, const char* cache_key) {
    const auto limit = read_number_file(dir / limit_file);
    if (!limit || *limit >= (std::uint64_t{1} << 60)) return;
    std::uint64_t used = read_number_file(dir / usage_file).value_or(0);
    const std::uint64_t cache = stat_line(dir / "memory.stat", cache_key).value_or(0);
    used = used > cache ? used - cache : 0;
    const std::uint64_t r = *limit > used ? *limit - used : 0;
    room = room ? std::min(*room, r) : r;
  };
  while (std::getline(in, line)) {
    const auto c1 = line.find(':');
    const auto c2 = line.find(':', c1 + 1);
    if (c1 == std::string::npos || c2 == std::string::npos) continue;
    const std::string controllers = line.substr(c1 + 1, c2 - c1 - 1);
    const fs::path rel = fs::path(line.substr(c2 + 1)).relative_path();
    if (controllers.empty()) {  // v2
      for (fs::path p = rel;; p = p.parent_path()) {
        consider(fs::path("/sys/fs/cgroup") / p, "memory.max", "memory.current", "inactive_file");
        if (p.empty()) break;
      }
    } else if (("," + controllers + ",").find(",memory,") != std::string::npos) {  // v1
      for (fs::path p = rel;; p = p.parent_path()) {
        consider(fs::path("/sys/fs/cgroup/memory") / p, "memory.limit_in_bytes", "memory.usage_in_bytes",
                 "total_inactive_file");
        if (p.empty()) break;
      }
    }
  }
  return room;
}

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string metres(double m) {
  return m >= 10000 ? fixed(m / 1000, 0) + " km" : m >= 1000 ? fixed(m / 1000, 1) + " km" : fixed(m, 0) + " m";
}

std::string cell_size(double m) {
  if (m >= 1) return fixed(m, std::abs(m - std::round(m)) < 1e-9 ? 0 : 1) + " m";
  return fixed(m, m >= 0.01 ? 2 : 4) + " m";
}

}  // namespace

std::string describe_count(double n) {
  if (n >= 1e9) return fixed(n / 1e9, n >= 1e10 ? 0 : 1) + " billion";
  if (n >= 1e6) return fixed(n / 1e6, n >= 1e7 ? 0 : 1) + " million";
  const auto whole = static_cast<long long>(std::llround(n));
  std::string digits = std::to_string(whole);
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) digits.insert(static_cast<std::size_t>(i), ",");
  return digits;
}

std::string describe_bytes(std::uint64_t bytes) {
  const double b = static_cast<double>(bytes);
  if (b >= 1e12) return fixed(b / 1e12, b >= 1e13 ? 0 : 1) + " TB";
  if (b >= 1e9) return fixed(b / 1e9, b >= 1e10 ? 0 : 1) + " GB";
  if (b >= 1e6) return fixed(b / 1e6, 0) + " MB";
  return fixed(b / 1e3, 0) + " kB";
}

MemoryAvailable memory_available() {
  if (const char* env = std::getenv("CAREREACH_MEMORY_AVAILABLE_MB"); env != nullptr && *env != '\0') {
    char* end = nullptr;
    const double mb = std::strtod(env, &end);
    if (end != env && *end == '\0' && mb >= 0 && std::isfinite(mb))
      return {static_cast<std::uint64_t>(mb * 1e6), "CAREREACH_MEMORY_AVAILABLE_MB"};
  }
  MemoryAvailable out{0, "MemAvailable"};
  if (const auto kb = stat_line("/proc/meminfo", "MemAvailable:")) out.bytes = *kb * 1024;
  if (const auto room = cgroup_room(); room && (*room < out.bytes || out.bytes == 0))
    out = {*room, "cgroup memory.max"};
  rlimit lim{};
  if (getrlimit(RLIMIT_AS, &lim) == 0 && lim.rlim_cur != RLIM_INFINITY) {
    const std::uint64_t used_kb = stat_line("/proc/self/status", "VmSize:").value_or(0);
    const std::uint64_t limit = lim.rlim_cur;
    const std::uint64_t room = limit > used_kb * 1024 ? limit - used_kb * 1024 : 0;
    if (room < out.bytes || out.bytes == 0) out = {room, "ulimit -v"};
  }
  return out;
}

MemoryEstimate estimate_run_memory(const Scenario& s, double width_m, double height_m, double cells, double area_share,
                                   const std::vector<std::string>& standards) {
  MemoryEstimate e;
  e.cells = cells;
  e.area_cells = cells * std::clamp(area_share, 0.0, 1.0);
  e.width_m = width_m;
  e.height_m = height_m;
  e.cell_size_m = s.analysis.cell_size_m;
  std::set<TravelMode> modes;
  for (const auto& st : s.standards) {
    if (!standards.empty() && std::find(standards.begin(), standards.end(), st.id) == standards.end()) continue;
    if (!st.threshold_min) continue;  // distance standards: straight lines
    if (st.engine == TravelEngine::kEstimate) continue;  // straight lines too: no graph, no friction
    if (st.engine == TravelEngine::kRaster)
      e.raster_engine = true;
    else if (s.roads && st.mode == TravelMode::kMixed) {
      modes.insert(TravelMode::kWalk);  // walking to a road, then by car: both graphs
      modes.insert(TravelMode::kCar);
    } else if (s.roads) {
      modes.insert(st.mode);
    }
  }
  // Seat levels become zones by travel time by car.
  for (const auto& z : s.zones)
    if (z.geometry == ZoneGeometryKind::kSeats && s.roads) modes.insert(TravelMode::kCar);
  e.network_modes = modes.size();
  const double levels = static_cast<double>(s.zones.size());
  const double modes_d = static_cast<double>(e.network_modes);
  const bool rasters =
      e.raster_engine || s.raster.landcover || s.raster.friction || s.raster.dem || !s.raster.barriers.empty();
  const double per_area_cell =
      kBytesPerAreaCell + kBytesPerAreaCellPerMode * modes_d + (rasters ? kBytesPerAreaCellRaster : 0.0);
  const double grid_bytes = cells * (kBytesPerCell + kBytesPerCellPerLevel * levels) + e.area_cells * per_area_cell;
  double road_bytes = 0;
  if (s.roads) {
    e.road_file_bytes = path_bytes(s.roads->source.path);
    e.road_nodes = static_cast<std::uint64_t>(
        std::ceil(double(e.road_file_bytes) / file_bytes_per_node(ascii_lower(s.roads->source.path.string()))));
    road_bytes = double(e.road_nodes) * (kBytesPerRoadNode + kBytesPerRoadNodePerMode * std::max(1.0, modes_d));
  }
  std::uint64_t raster_bytes = 0;
  if (s.population && s.population->kind == PopulationKind::kRaster)
    raster_bytes += raster_cache_bytes(s.population->source);
  if (s.population && s.population->weights) raster_bytes += raster_cache_bytes(*s.population->weights);
  {
    if (s.raster.landcover) raster_bytes += raster_cache_bytes(*s.raster.landcover);
    if (s.raster.dem) raster_bytes += raster_cache_bytes(*s.raster.dem);
    if (s.raster.friction) raster_bytes += raster_cache_bytes(*s.raster.friction);
  }
  raster_bytes = std::min<std::uint64_t>(raster_bytes, static_cast<std::uint64_t>(GDALGetCacheMax64()));
  e.parts = {{"base", static_cast<std::uint64_t>(kBaseBytes)},
             {"grid", static_cast<std::uint64_t>(std::min(grid_bytes, 1e18))},
             {"roads", static_cast<std::uint64_t>(road_bytes)},
             {"rasters", raster_bytes}};
  const double total = kBaseBytes + grid_bytes + road_bytes + double(raster_bytes);
  e.bytes = static_cast<std::uint64_t>(std::min(total, 1e18));
  return e;
}

void require_memory(const MemoryEstimate& need, const MemoryAvailable& have, const Scenario& s) {
  if (need.bytes <= have.bytes) return;
  const std::uint64_t grid = need.parts.size() > 1 ? need.parts[1].second : 0;
  const std::uint64_t roads = need.parts.size() > 2 ? need.parts[2].second : 0;
  std::string what = "the analysis grid of " + describe_count(need.cells) + " cells (" + cell_size(need.cell_size_m) +
                     " cells over " + metres(need.width_m) + " × " + metres(need.height_m) + ")";
  if (roads > grid)
    what = "the roads (" + s.roads->source.path_as_written + ", " + describe_bytes(need.road_file_bytes) + ": up to " +
           describe_count(double(need.road_nodes)) + " road nodes) with " + what;
  const std::string message = what + " needs about " + describe_bytes(need.bytes) + " of memory; " +
                              describe_bytes(have.bytes) + " are available (" + have.source + ")";
  // What to change: the cell size that would fit (cells scale with 1/size²), else the roads or the standards.
  std::string hint;
  const double fixed_bytes = double(need.bytes) - double(grid);
  const double per_cell = need.cells > 0 ? double(grid) / need.cells : 0;
  if (per_cell > 0 && double(have.bytes) > fixed_bytes) {
    const double max_cells = (double(have.bytes) - fixed_bytes) / per_cell;
    const double min_size = need.cell_size_m * std::sqrt(need.cells / max_cells);
    // a round size at least that large
    double size = 10;
    for (double c : {1.0, 2.0, 5.0, 10.0, 20.0, 25.0, 50.0, 100.0, 200.0, 250.0, 500.0, 1000.0, 2000.0, 5000.0})
      if (c >= min_size) {
        size = c;
        break;
      }
    if (min_size > 5000) size = std::ceil(min_size / 1000) * 1000;
    const double cells_then = std::ceil(need.width_m / size) * std::ceil(need.height_m / size);
    hint = "use a larger analysis.cell_size_m (" + cell_size(size) + " gives " + describe_count(cells_then) +
           " cells), or a smaller study area (analysis.study_area_level, or filter the zones)";
    if (need.network_modes > 1) hint += ", or fewer standards with different modes";
  } else {
    hint =
        "use roads that cover only the study area (clip the file, e.g. osmium extract -b), a larger "
        "analysis.cell_size_m, or fewer standards";
  }
  hint += "; docs/performance.md explains the estimate";
  throw CodedError(ExitCode::kScenario, "resources.memory"_code, message,
                   Location{s.file.string(), {}, {}, roads > grid ? "roads" : "analysis.cell_size_m", 0}, hint);
}

void require_raster_window(const SourceSpec& src, const std::string& what, std::int64_t width, std::int64_t height,
                           double pixel_size, const MemoryAvailable& have) {
  const double pixels = double(width) * double(height);
  // Reading streams blocks of rows: what must fit is a few rows, as doubles, plus the lattice of pixel corners.
  const double row_bytes = double(width) * 8.0 * 8.0;
  if (pixels <= kMaxRasterWindowPixels && row_bytes <= double(have.bytes)) return;
  const std::string shown = src.path_as_written.empty() ? src.path.string() : src.path_as_written;
  std::string size_note;
  if (pixel_size > 0) size_note = " of about " + cell_size(pixel_size);
  throw CodedError(
      ExitCode::kInput, "raster.window_too_large"_code,
      "the " + what + "'s window over the study area is " + describe_count(double(width)) + " × " +
          describe_count(double(height)) + " pixels" + size_note + " (" + describe_count(pixels) + " pixels, " +
          describe_bytes(static_cast<std::uint64_t>(std::min(pixels * 8.0, 1e18))) +
          " as values): more than carereach reads (" + describe_count(kMaxRasterWindowPixels) + " pixels; " +
          describe_bytes(have.bytes) + " of memory are available)",
      Location{shown, {}, {}, src.key, src.line},
      "resample the raster near the analysis cell size (gdalwarp -tr 100 100, with -r sum for persons, -r mode for "
      "classes, -r average for elevation) or clip it to the study area (gdal_translate -projwin), and name that "
      "file in " +
          src.key);
}

}  // namespace carereach::io
