#!/usr/bin/env bash
# Siting benchmark (docs/performance.md, "Siting"): `carereach site` on a synthetic region with the most populated
# cell of every 1 km block as candidates (about 10,000 in the prefecture, 150,000 in the province): maximal covering
# for a budget of 500 and the fewest sites to a 90 % share, each with the greedy method (greedy, the local search and
# the Lagrangian bound) and, in the prefecture, with the exact method (COIN-OR CBC, 60 s limit) and with --gap 0.01.
# Each greedy case runs RUNS times (default 3); the table gives the median and the range of the wall-clock seconds
# site.json reports per step, and the process's CPU seconds and peak memory (/usr/bin/time).
# Usage: bench/bench_siting.sh [BUILD_DIR] [OUT_DIR] [prefecture|province]   (defaults: build, out/bench-siting, prefecture)
set -euo pipefail
build="${1:-build}"
out="${2:-out/bench-siting}"
size="${3:-prefecture}"
runs="${RUNS:-3}"
bin="$build/src/cli/carereach"
region="out/synthetic/$size"
[[ -f "$region/scenario.toml" ]] || "$build/bench/carereach-make-synthetic" --size "$size" --seed 1 --out "$region"
mkdir -p "$out"
common=("$region/scenario.toml" --standard tcm_15min --candidates grid:1000 --new-type 村卫生室 --tags 中医阁)

one() {  # one() NAME ARGS...: a run into $out/NAME, its /usr/bin/time line into $out/NAME.time
  local name="$1"
  shift
  /usr/bin/time -f "%U %S %M" -o "$out/$name.time" "$bin" -q site "${common[@]}" "$@" --out "$out/$name" --overwrite >/dev/null
}

cases=("target90-greedy:--target-share 0.9 --method greedy" "budget500-greedy:--budget 500 --method greedy")
if [[ "$size" == "prefecture" ]]; then
  cases+=("target90-exact:--target-share 0.9 --method exact" "budget500-exact:--budget 500 --method exact"
          "target90-gap1:--target-share 0.9 --method exact --gap 0.01" "budget500-gap1:--budget 500 --method exact --gap 0.01")
fi
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
names=()
for c in "${cases[@]}"; do
  name="${c%%:*}"
  read -r -a args <<<"${c#*:}"
  n=1
  [[ "$name" == *greedy ]] && n="$runs"
  for ((i = 1; i <= n; ++i)); do  # the cases alternate within each round
    one "$name-$i" "${args[@]}"
    names+=("$name-$i")
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$out" "${names[@]}" <<'PY'
import json, statistics, sys
out, names = sys.argv[1], sys.argv[2:]
by_case = {}
for n in names:
    case = n.rsplit("-", 1)[0]
    s = json.load(open(f"{out}/{n}/site.json"))
    user, system, kb = open(f"{out}/{n}.time").read().split()
    by_case.setdefault(case, []).append((s, float(user) + float(system), int(kb) / 1024))

def fmt(values):
    m = statistics.median(values)
    return f"{m:.2f}" if len(values) == 1 else f"{m:.2f} ({min(values):.2f}–{max(values):.2f})"

print("| case | sites | persons added | gap | bound | reach s | reduce s | greedy + local search s | bound or solver s | whole s | CPU s | peak MiB |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for case, rows in by_case.items():
    s = rows[0][0]
    t = [r[0]["timings_s"] for r in rows]
    gap = "—" if s["gap"] is None else f"{100 * s['gap']:.2f} %"
    bound = "—" if s["bound"] is None else f"{s['bound']:,.0f}"
    print(f"| {case} | {len(s['sites'])} | {s['persons_covered_after'] - s['persons_covered_before']:,.0f} | {gap} | {bound} | "
          f"{fmt([x['reach'] for x in t])} | {fmt([x['reduce'] for x in t])} | {fmt([x['greedy'] for x in t])} | "
          f"{fmt([x['solver'] for x in t])} | {fmt([x['total'] for x in t])} | {fmt([r[1] for r in rows])} | "
          f"{fmt([r[2] for r in rows])} |")
    if s.get("time_limit_reached"):
        print(f"| ({case}: the solver's time limit was reached) |||||||||||")
PY
