#!/usr/bin/env bash
# Siting benchmark (docs/performance.md, "Siting"): `carereach site` on the synthetic prefecture with about 10,000
# candidates (the most populated cell of every 1 km block), maximal covering for a budget and the fewest sites to a
# target share, each with the exact method (COIN-OR CBC) — site.json holds the greedy result, its time and the
# solver's beside it — and each again with --gap 0.01 (the Lagrangian bound proves greedy within 1 % or the solver
# stops there). The reach of the candidates is timed separately.
# Usage: bench/bench_siting.sh [BUILD_DIR] [OUT_DIR]     (defaults: build, out/bench-siting)
set -euo pipefail
build="${1:-build}"
out="${2:-out/bench-siting}"
bin="$build/src/cli/carereach"
region=out/synthetic/prefecture
[[ -f "$region/scenario.toml" ]] || "$build/bench/carereach-make-synthetic" --size prefecture --seed 1 --out "$region"
mkdir -p "$out"
common=("$region/scenario.toml" --standard tcm_15min --candidates grid:1000 --new-type 村卫生室 --tags 中医阁 --method exact)
"$bin" -q site "${common[@]}" --budget 500 --out "$out/budget500" --overwrite
"$bin" -q site "${common[@]}" --target-share 0.9 --out "$out/target90" --overwrite
"$bin" -q site "${common[@]}" --budget 500 --gap 0.01 --out "$out/budget500-gap1" --overwrite
"$bin" -q site "${common[@]}" --target-share 0.9 --gap 0.01 --out "$out/target90-gap1" --overwrite
for case in budget500 target90 budget500-gap1 target90-gap1; do
  python3 - "$out/$case/site.json" "$case" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
t = s["timings_s"]
print(f"{sys.argv[2]}: {s['candidates']} candidates, {s['reduction']['demand_rows']} demand rows, "
      f"{s['reduction']['candidates_kept']} candidates kept; reach {t['reach']:.1f} s; reduction {t['reduce']:.2f} s; "
      f"greedy {t['greedy']:.2f} s ({s['greedy']['sites']} sites, {s['greedy']['persons_added']:.0f} persons); "
      f"solver {t['solver']:.2f} s; method used {s['method_used']}, gap {s['gap']}, "
      f"{len(s['sites'])} sites, {s['persons_covered_after']} of {s['persons_total']} persons")
PY
done
