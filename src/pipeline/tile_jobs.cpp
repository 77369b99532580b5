// The plan of a tiled run and its job scripts (tile_jobs.hpp; docs/cli/tile.md#running-the-tiles).

#include "pipeline/tile_jobs.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <fstream>
#include <set>
#include <sstream>
#include <system_error>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "io/files.hpp"

namespace carereach::pipeline {

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

constexpr std::int64_t kMiB = 1024 * 1024;

/// The margin on the estimates (docs/cli/tile.md#running-the-tiles): the estimate is of the tile's data; the
/// process, the libraries and GDAL's block cache add a fixed part, and a cluster node may be slower than the
/// reference machine and its file system shared.
constexpr double kMemoryFactor = 1.5;
constexpr std::int64_t kMemoryExtraMiB = 256;
constexpr double kTimeFactor = 2.0;
constexpr std::int64_t kTimeExtraMinutes = 5;

class PlanReader {
 public:
  explicit PlanReader(fs::path file) : file_(std::move(file)) {}

  [[noreturn]] void fail(const std::string& field, const std::string& what,
                         const std::string& hint = "write the plan again with `carereach tile`") const {
    throw InputError(what, Location{file_.string(), {}, {}, field, 0}, hint);
  }

  const json& member(const json& obj, const std::string& key, const std::string& field) const {
    const auto it = obj.find(key);
    if (it == obj.end()) fail(field, "is missing");
    return *it;
  }
  std::string text(const json& obj, const std::string& key, const std::string& field) const {
    const json& v = member(obj, key, field);
    if (!v.is_string()) fail(field, "is not a string");
    return v.get<std::string>();
  }
  double number(const json& obj, const std::string& key, const std::string& field) const {
    const json& v = member(obj, key, field);
    if (!v.is_number()) fail(field, "is not a number");
    const double x = v.get<double>();
    if (!std::isfinite(x) || x < 0) fail(field, "is negative");
    return x;
  }
  std::int64_t count(const json& obj, const std::string& key, const std::string& field) const {
    const json& v = member(obj, key, field);
    if (!v.is_number_integer()) fail(field, "is not a whole number");
    if (v.is_number_unsigned()) {
      if (v.get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) fail(field, "is too large");
      return static_cast<std::int64_t>(v.get<std::uint64_t>());
    }
    const std::int64_t x = v.get<std::int64_t>();
    if (x < 0) fail(field, "is negative");
    return x;
  }

  /// A path of a tile: relative to the plan folder and inside it; text a script line can hold.
  std::string inner_path(const json& obj, const std::string& key, const std::string& field) const {
    const std::string p = text(obj, key, field);
    if (p.empty()) fail(field, "is empty");
    for (const char c : p)
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f || c == '"')
        fail(field, "holds a control character or a double quote",
             "tile paths are written into the job scripts: use letters, digits, spaces, '-', '_', '.' and '/'");
    const fs::path path(p);
    if (path.is_absolute()) fail(field, "'" + p + "' is absolute: tile paths are relative to the plan folder");
    const fs::path normal = path.lexically_normal();
    if (normal.empty() || normal == "." || normal == "./" || *normal.begin() == "..")
      fail(field, "'" + p + "' is not inside the plan folder");
    return p;
  }

 private:
  fs::path file_;
};

bool valid_id(const std::string& id) {
  if (id.empty()) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

/// A tile path a script can hold: relative, inside the plan folder, without control characters or double quotes.
bool inside(const std::string& p) {
  if (p.empty()) return false;
  for (const char c : p)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f || c == '"') return false;
  const fs::path path(p);
  const fs::path normal = path.lexically_normal();
  return !path.is_absolute() && !normal.empty() && normal != "." && normal != "./" && *normal.begin() != "..";
}

/// 'text' for sh: single quotes, with each ' written as '\''.
std::string sh_quote(const std::string& s) {
  std::string out = "'";
  for (const char c : s) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

/// A path that goes into a script: no newline or tab (tiles.txt, script lines) and no double quote (#SBATCH).
std::string script_path(const fs::path& p, const std::string& what) {
  const std::string s = p.string();
  for (const char c : s)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f || c == '"')
      throw UsageError("the path of " + what + " holds a control character or a double quote, which the job "
                       "scripts cannot hold",
                       "move it to a folder whose name has none");
  return s;
}

std::int64_t ceil_div(double value, double unit) { return static_cast<std::int64_t>(std::ceil(value / unit)); }

/// The shell function both scripts use to run one tile (POSIX sh).
const char* const kRunTile = R"sh(# run_tile INDEX: runs the tile of line INDEX of tiles.txt (index, id, scenario, run folder; tab-separated,
# paths relative to the plan folder); carereach's output goes to logs/ID.log, its exit status to logs/ID.status.
run_tile() {
  tab=$(printf '\t')
  line=$(awk -F "$tab" -v i="$1" '$1 == i { print; exit }' "$plan/tiles.txt")
  if [ -z "$line" ]; then
    echo "carereach tiles: no tile has index $1 in $plan/tiles.txt" >&2
    return 2
  fi
  IFS="$tab" read -r index id scenario out <<EOF
$line
EOF
  mkdir -p "$plan/logs" "$(dirname "$plan/$out")"
  rm -f "$plan/logs/$id.status"
  echo "tile $id (index $index): started $(date -u '+%Y-%m-%dT%H:%M:%SZ') on $(hostname)"
  "$carereach" run "$plan/$scenario" --out "$plan/$out" --overwrite >"$plan/logs/$id.log" 2>&1
  status=$?
  echo "$status" >"$plan/logs/$id.status"
  echo "tile $id (index $index): exit $status at $(date -u '+%Y-%m-%dT%H:%M:%SZ'); log $plan/logs/$id.log"
  return "$status"
}
)sh";

std::string header_lines(const fs::path& plan, const fs::path& exe) {
  return "plan=" + sh_quote(script_path(plan, "the plan folder")) + "\n" +
         "carereach=" + sh_quote(script_path(exe, "the carereach executable")) + "\n" +
         "# CAREREACH=/path/to/carereach overrides the executable (e.g. where it is installed elsewhere on the nodes)\n"
         "if [ -n \"${CAREREACH:-}\" ]; then carereach=$CAREREACH; fi\n\n";
}

std::string human_mib(std::int64_t mib) { return std::to_string(mib) + "M"; }

std::string slurm_sbatch(const TilePlan& plan, const std::vector<TileEntry>& order, const fs::path& plan_abs,
                         const fs::path& exe) {
  TileRequest largest;
  for (const auto& t : order) {
    const TileRequest r = tile_request(t);
    largest.memory_mib = std::max(largest.memory_mib, r.memory_mib);
    largest.minutes = std::max(largest.minutes, r.minutes);
  }
  std::ostringstream s;
  s << "#!/bin/sh\n"
    << "# carereach tiles: a Slurm job array over the " << order.size() << " tile(s) of plan.json (scenario "
    << plan.scenario << ").\n"
    << "# Written by carereach from plan.json (`carereach jobs PLAN` writes it again). Array task i runs the tile of\n"
    << "# index i in tiles.txt (plus CAREREACH_TILE_OFFSET, which submit_slurm.sh sets). --mem and --time are the\n"
    << "# largest of any tile: its estimates x " << kMemoryFactor << " + " << kMemoryExtraMiB << " MiB, x "
    << kTimeFactor << " + " << kTimeExtraMinutes << " minutes. submit_slurm.sh submits the tiles by size\n"
    << "# class instead, each class with its own limits; options on the sbatch command line override these.\n"
    << "#SBATCH --job-name=carereach-tiles\n"
    << "#SBATCH --array=0-" << (order.size() - 1) << "\n"
    << "#SBATCH --ntasks=1\n"
    << "#SBATCH --cpus-per-task=1\n"
    << "#SBATCH --mem=" << human_mib(largest.memory_mib) << "\n"
    << "#SBATCH --time=" << slurm_time(largest.minutes) << "\n"
    << "#SBATCH --output=\"" << (plan_abs / "logs" / "slurm-%A_%a.out").string() << "\"\n"
    << "\n"
    << header_lines(plan_abs, exe) << kRunTile << "\n"
    << "if [ -z \"${SLURM_ARRAY_TASK_ID:-}\" ]; then\n"
    << "  echo \"carereach tiles: not a Slurm array task: submit this script with sbatch (or run run_local.sh)\" >&2\n"
    << "  exit 2\n"
    << "fi\n"
    << "run_tile $(( ${CAREREACH_TILE_OFFSET:-0} + SLURM_ARRAY_TASK_ID ))\n";
  return s.str();
}

std::string submit_slurm(const TilePlan& plan, const fs::path& plan_abs) {
  std::ostringstream s;
  s << "#!/bin/sh\n"
    << "# carereach tiles: submits slurm.sbatch once per size class of tiles (indexes of tiles.txt), each class with\n"
    << "# the --mem and --time of its largest tile (estimates x " << kMemoryFactor << " + " << kMemoryExtraMiB
    << " MiB, x " << kTimeFactor << " + " << kTimeExtraMinutes << " minutes),\n"
    << "# in arrays of at most --max-array-size tasks (default 1000: Slurm's MaxArraySize is 1001 unless raised).\n"
    << "# Written by carereach from plan.json (`carereach jobs PLAN` writes it again).\n"
    << "# Usage: submit_slurm.sh [--max-array-size N] [sbatch options, e.g. --partition=P --account=A]\n"
    << "# Prints one line per array submitted, with its job id.\n"
    << "set -eu\n"
    << "plan=" << sh_quote(script_path(plan_abs, "the plan folder")) << "\n"
    << "max=1000\n"
    << "if [ \"${1:-}\" = \"--max-array-size\" ]; then\n"
    << "  [ $# -ge 2 ] || { echo \"submit_slurm.sh: --max-array-size needs a number\" >&2; exit 2; }\n"
    << "  max=$2\n"
    << "  shift 2\n"
    << "fi\n"
    << "case $max in ''|*[!0-9]*|0) echo \"submit_slurm.sh: --max-array-size wants a positive number\" >&2; exit 2 ;; esac\n"
    << "\n"
    << "# submit FIRST COUNT MEM TIME [sbatch options]: tiles FIRST .. FIRST+COUNT-1 of tiles.txt\n"
    << "submit() {\n"
    << "  first=$1; count=$2; mem=$3; time=$4\n"
    << "  shift 4\n"
    << "  done=0\n"
    << "  while [ \"$done\" -lt \"$count\" ]; do\n"
    << "    n=$((count - done))\n"
    << "    if [ \"$n\" -gt \"$max\" ]; then n=$max; fi\n"
    << "    offset=$((first + done))\n"
    << "    job=$(sbatch --parsable --array=0-$((n - 1)) --mem=\"$mem\" --time=\"$time\" \\\n"
    << "      --export=\"ALL,CAREREACH_TILE_OFFSET=$offset\" \"$@\" \"$plan/slurm.sbatch\")\n"
    << "    echo \"tiles $offset-$((offset + n - 1)) (--mem=$mem --time=$time): job $job\"\n"
    << "    done=$((done + n))\n"
    << "  done\n"
    << "}\n"
    << "\n";
  for (const auto& c : size_classes(plan))
    s << "submit " << c.first << " " << c.count << " " << human_mib(c.request.memory_mib) << " "
      << slurm_time(c.request.minutes) << " \"$@\"\n";
  return s.str();
}

std::string run_local(const TilePlan& plan, const fs::path& plan_abs, const fs::path& exe) {
  std::ostringstream s;
  s << "#!/bin/sh\n"
    << "# carereach tiles: runs the " << plan.tiles.size() << " tile(s) of plan.json on this machine, N at a time\n"
    << "# (GNU parallel when installed, else xargs -P). Written by carereach from plan.json (`carereach jobs PLAN`\n"
    << "# writes it again).\n"
    << "# Usage: run_local.sh [-j N] [--xargs] [TILE_ID ...]\n"
    << "#   -j N       tiles at a time (default: the number of processors, nproc); mind the memory: each tile\n"
    << "#              needs up to its estimate (plan.json memory_bytes)\n"
    << "#   --xargs    use xargs -P even when GNU parallel is installed\n"
    << "#   TILE_ID    run only these tiles (e.g. the ones that failed); default every tile\n"
    << "# Exits 0 when every tile it ran finished with exit 0, else 1 naming the tiles that failed (logs/ID.log).\n"
    << "set -u\n"
    << header_lines(plan_abs, exe) << kRunTile << "\n"
    << "if [ \"${1:-}\" = \"--one\" ]; then\n"
    << "  run_tile \"$2\"\n"
    << "  exit $?\n"
    << "fi\n"
    << "\n"
    << "usage() { sed -n '5,10p' \"$0\"; }\n"
    << "jobs=\"\"\n"
    << "runner=auto\n"
    << "while [ $# -gt 0 ]; do\n"
    << "  case $1 in\n"
    << "    -j|--jobs)\n"
    << "      [ $# -ge 2 ] || { echo \"run_local.sh: $1 needs a number\" >&2; exit 2; }\n"
    << "      jobs=$2; shift 2 ;;\n"
    << "    --xargs) runner=xargs; shift ;;\n"
    << "    -h|--help) usage; exit 0 ;;\n"
    << "    --) shift; break ;;\n"
    << "    -*) echo \"run_local.sh: unknown option $1\" >&2; usage >&2; exit 2 ;;\n"
    << "    *) break ;;\n"
    << "  esac\n"
    << "done\n"
    << "if [ -z \"$jobs\" ]; then jobs=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1); fi\n"
    << "case $jobs in ''|*[!0-9]*|0) echo \"run_local.sh: -j wants a positive number, not '$jobs'\" >&2; exit 2 ;; esac\n"
    << "\n"
    << "tab=$(printf '\\t')\n"
    << "tile_id() { awk -F \"$tab\" -v i=\"$1\" '$1 == i { print $2; exit }' \"$plan/tiles.txt\"; }\n"
    << "if [ $# -eq 0 ]; then\n"
    << "  indexes=$(cut -f 1 \"$plan/tiles.txt\")\n"
    << "else\n"
    << "  indexes=\"\"\n"
    << "  for want in \"$@\"; do\n"
    << "    i=$(awk -F \"$tab\" -v id=\"$want\" '$2 == id { print $1; exit }' \"$plan/tiles.txt\")\n"
    << "    if [ -z \"$i\" ]; then echo \"run_local.sh: no tile '$want' in $plan/tiles.txt\" >&2; exit 2; fi\n"
    << "    indexes=\"$indexes $i\"\n"
    << "  done\n"
    << "fi\n"
    << "mkdir -p \"$plan/logs\"\n"
    << "count=0\n"
    << "for i in $indexes; do rm -f \"$plan/logs/$(tile_id \"$i\").status\"; count=$((count + 1)); done\n"
    << "if [ \"$runner\" = auto ]; then\n"
    << "  if parallel --version 2>/dev/null | head -n 1 | grep -q 'GNU parallel'; then runner=parallel; else runner=xargs; fi\n"
    << "fi\n"
    << "echo \"run_local.sh: $count tile(s), $jobs at a time, with $runner\"\n"
    << "if [ \"$runner\" = parallel ]; then\n"
    << "  printf '%s\\n' $indexes | parallel --will-cite --quote -j \"$jobs\" \"$0\" --one '{}'\n"
    << "else\n"
    << "  printf '%s\\n' $indexes | xargs -P \"$jobs\" -n 1 \"$0\" --one\n"
    << "fi\n"
    << "\n"
    << "failed=\"\"\n"
    << "nfailed=0\n"
    << "for i in $indexes; do\n"
    << "  id=$(tile_id \"$i\")\n"
    << "  st=$(cat \"$plan/logs/$id.status\" 2>/dev/null || echo none)\n"
    << "  if [ \"$st\" != 0 ]; then failed=\"$failed $id\"; nfailed=$((nfailed + 1)); fi\n"
    << "done\n"
    << "if [ \"$nfailed\" -gt 0 ]; then\n"
    << "  echo \"run_local.sh: $nfailed of $count tile(s) failed:$failed\" >&2\n"
    << "  echo \"  their logs: $plan/logs/ID.log; after fixing, run them again with: $0$failed\" >&2\n"
    << "  exit 1\n"
    << "fi\n"
    << "echo \"run_local.sh: all $count tile(s) finished\"\n";
  return s.str();
}

void write_script(const fs::path& file, const std::string& text, bool executable) {
  io::write_file_atomically(file, text);
  if (executable) {
    std::error_code ec;
    fs::permissions(file,
                    fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec | fs::perms::others_read |
                        fs::perms::others_exec,
                    fs::perm_options::replace, ec);
    if (ec)
      throw OutputError("cannot be made executable: " + ec.message(), Location{file.string(), {}, {}, {}, 0},
                        "check the permissions of the plan folder");
  }
}

}  // namespace

TilePlan read_tile_plan(const fs::path& plan_dir) {
  const fs::path file = plan_dir / "plan.json";
  const PlanReader r(file);
  std::ifstream in(file, std::ios::binary);
  if (!in)
    throw InputError("cannot be read: is this the folder of a tile plan?", Location{file.string(), {}, {}, {}, 0},
                     "give the folder written by `carereach tile SCENARIO --out PLAN`");
  json j;
  try {
    j = json::parse(in);
  } catch (const json::exception& e) {
    r.fail({}, std::string("is not valid JSON: ") + e.what());
  }
  if (!j.is_object()) r.fail({}, "is not a JSON object");

  TilePlan plan;
  const json& version = r.member(j, "schema_version", "schema_version");
  if (!version.is_number_integer()) r.fail("schema_version", "is not a whole number");
  if (version.get<std::int64_t>() != kTilePlanSchemaVersion)
    r.fail("schema_version",
           "is " + version.dump() + "; this carereach reads plans of schema_version " +
               std::to_string(kTilePlanSchemaVersion),
           "write the plan again with `carereach tile` of this version, or use the carereach that wrote it");
  plan.schema_version = kTilePlanSchemaVersion;
  plan.carereach_version = r.text(j, "carereach_version", "carereach_version");
  plan.scenario = r.text(j, "scenario", "scenario");
  plan.scenario_sha256 = r.text(j, "scenario_sha256", "scenario_sha256");
  plan.by = r.text(j, "by", "by");
  if (plan.by != "county" && plan.by != "prefecture" && plan.by != "grid")
    r.fail("by", "is '" + plan.by + "', not county, prefecture or grid");
  if (j.contains("level")) plan.level = r.text(j, "level", "level");
  plan.halo_m = r.number(j, "halo_m", "halo_m");
  plan.crs = r.text(j, "crs", "crs");
  plan.cell_size_m = r.number(j, "cell_size_m", "cell_size_m");
  if (plan.cell_size_m <= 0) r.fail("cell_size_m", "is not positive");

  const json& tiles = r.member(j, "tiles", "tiles");
  if (!tiles.is_array()) r.fail("tiles", "is not a list");
  if (tiles.empty()) r.fail("tiles", "is empty: the plan has no tile");
  std::set<std::string> ids;
  std::set<std::string> outs;
  for (std::size_t i = 0; i < tiles.size(); ++i) {
    const std::string at = "tiles[" + std::to_string(i) + "]";
    const json& t = tiles[i];
    if (!t.is_object()) r.fail(at, "is not an object");
    TileEntry e;
    e.id = r.text(t, "id", at + ".id");
    if (!valid_id(e.id)) r.fail(at + ".id", "'" + e.id + "' is not a tile id: letters, digits, '_' and '-' only");
    if (!ids.insert(e.id).second) r.fail(at + ".id", "'" + e.id + "' is the id of an earlier tile too");
    e.scenario = r.inner_path(t, "scenario", at + ".scenario");
    e.out = r.inner_path(t, "out", at + ".out");
    const std::string out_key = fs::path(e.out).lexically_normal().string();
    if (!outs.insert(out_key).second) r.fail(at + ".out", "'" + e.out + "' is the run folder of an earlier tile too");
    e.own_cells = r.count(t, "own_cells", at + ".own_cells");
    e.cells = r.count(t, "cells", at + ".cells");
    if (e.own_cells > e.cells) r.fail(at + ".own_cells", "is larger than cells (the tile's own cells are among them)");
    e.memory_bytes = r.count(t, "memory_bytes", at + ".memory_bytes");
    e.seconds = r.number(t, "seconds", at + ".seconds");
    plan.tiles.push_back(std::move(e));
  }
  // A run folder inside another tile's run folder would be removed by that tile's --overwrite.
  for (const auto& a : outs)
    for (const auto& b : outs)
      if (a != b && b.size() > a.size() && b.compare(0, a.size(), a) == 0 && (b[a.size()] == '/' || a.back() == '/'))
        r.fail("tiles", "the run folder '" + b + "' is inside the run folder '" + a + "' of another tile");
  return plan;
}

TileRequest tile_request(const TileEntry& tile) {
  TileRequest r;
  r.memory_mib = ceil_div(kMemoryFactor * static_cast<double>(tile.memory_bytes), static_cast<double>(kMiB)) +
                 kMemoryExtraMiB;
  r.minutes = ceil_div(kTimeFactor * tile.seconds, 60.0) + kTimeExtraMinutes;
  return r;
}

std::string slurm_time(std::int64_t minutes) {
  const std::int64_t days = minutes / (24 * 60);
  const std::int64_t hours = (minutes / 60) % 24;
  const std::int64_t mins = minutes % 60;
  char buf[48];
  if (days > 0)
    std::snprintf(buf, sizeof buf, "%lld-%02lld:%02lld:00", static_cast<long long>(days), static_cast<long long>(hours),
                  static_cast<long long>(mins));
  else
    std::snprintf(buf, sizeof buf, "%02lld:%02lld:00", static_cast<long long>(hours), static_cast<long long>(mins));
  return buf;
}

std::vector<TileEntry> job_order(const TilePlan& plan) {
  std::vector<TileEntry> order = plan.tiles;
  std::stable_sort(order.begin(), order.end(), [](const TileEntry& a, const TileEntry& b) {
    const TileRequest ra = tile_request(a);
    const TileRequest rb = tile_request(b);
    if (ra.memory_mib != rb.memory_mib) return ra.memory_mib > rb.memory_mib;
    if (ra.minutes != rb.minutes) return ra.minutes > rb.minutes;
    return a.id < b.id;
  });
  return order;
}

std::vector<TileClass> size_classes(const TilePlan& plan) {
  const std::vector<TileEntry> order = job_order(plan);
  std::vector<TileClass> classes;
  for (std::size_t i = 0; i < order.size(); ++i) {
    const TileRequest r = tile_request(order[i]);
    if (classes.empty() || 2 * r.memory_mib < classes.back().request.memory_mib) {
      classes.push_back(TileClass{i, 0, r});
    }
    TileClass& c = classes.back();
    ++c.count;
    c.request.minutes = std::max(c.request.minutes, r.minutes);
  }
  return classes;
}

void write_job_scripts(const TilePlan& plan, const fs::path& plan_dir, const fs::path& carereach_exe,
                       const fs::path& named_dir) {
  if (plan.tiles.empty())
    throw InputError("has no tile", Location{(plan_dir / "plan.json").string(), {}, {}, "tiles", 0},
                     "write the plan again with `carereach tile`");
  // A plan built in memory gets the checks of read_tile_plan that keep the scripts sound.
  const fs::path plan_file = plan_dir / "plan.json";
  std::set<std::string> ids;
  for (std::size_t i = 0; i < plan.tiles.size(); ++i) {
    const TileEntry& t = plan.tiles[i];
    const std::string at = "tiles[" + std::to_string(i) + "]";
    if (!valid_id(t.id) || !ids.insert(t.id).second)
      throw InputError("'" + t.id + "' is not a tile id, or not unique", Location{plan_file.string(), {}, {}, at + ".id", 0});
    for (const auto& [key, p] : {std::pair<const char*, const std::string*>{"scenario", &t.scenario}, {"out", &t.out}})
      if (!inside(*p))
        throw InputError("'" + *p + "' is not a path inside the plan folder that a script can hold",
                         Location{plan_file.string(), {}, {}, at + "." + key, 0});
  }
  std::error_code ec;
  fs::path plan_abs = fs::absolute(named_dir.empty() ? plan_dir : named_dir).lexically_normal();
  if (!plan_abs.has_filename()) plan_abs = plan_abs.parent_path();  // "/a/plan/" → "/a/plan"
  fs::path write_dir = fs::absolute(plan_dir).lexically_normal();
  if (!write_dir.has_filename()) write_dir = write_dir.parent_path();
  const fs::path exe_abs = fs::absolute(carereach_exe).lexically_normal();
  const std::vector<TileEntry> order = job_order(plan);
  std::ostringstream tiles;
  for (std::size_t i = 0; i < order.size(); ++i)
    tiles << i << '\t' << order[i].id << '\t' << order[i].scenario << '\t' << order[i].out << '\n';
  // Every text first, so that a path the scripts cannot hold leaves the earlier scripts as they were.
  const std::string sbatch = slurm_sbatch(plan, order, plan_abs, exe_abs);
  const std::string submit = submit_slurm(plan, plan_abs);
  const std::string local = run_local(plan, plan_abs, exe_abs);
  fs::create_directories(write_dir / "logs", ec);
  if (ec)
    throw OutputError("cannot be created: " + ec.message(), Location{(plan_dir / "logs").string(), {}, {}, {}, 0},
                      "check the permissions of the plan folder");
  write_script(write_dir / "tiles.txt", tiles.str(), false);
  write_script(write_dir / "slurm.sbatch", sbatch, true);
  write_script(write_dir / "submit_slurm.sh", submit, true);
  write_script(write_dir / "run_local.sh", local, true);
}

}  // namespace carereach::pipeline
