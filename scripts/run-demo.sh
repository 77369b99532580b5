#!/usr/bin/env bash
# Set-up command 1: installs what is missing, builds carereach and runs the main job on the Bozhou demo.
# Usage: scripts/run-demo.sh [OUTPUT_DIR]    (default: out/bozhou)
# Writes OUTPUT_DIR (Bozhou baseline, Chinese), OUTPUT_DIR-en (English), OUTPUT_DIR-tcm-corners (a scenario),
# OUTPUT_DIR-compare (baseline against the scenario), and porto-alegre, porto-alegre-en beside OUTPUT_DIR.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
out="${1:-out/bozhou}"

scripts/install-deps.sh
echo "carereach: building (Release) in build/"
scripts/build.sh build
echo "carereach: running the Bozhou demo (baseline, the TCM-corner scenario, and their comparison)"
build/src/cli/carereach run geodata/bozhou/scenario.toml --out "$out" --overwrite
build/src/cli/carereach run geodata/bozhou/scenario_tcm_corners.toml --out "$out-tcm-corners" --overwrite
build/src/cli/carereach compare "$out" "$out-tcm-corners" --out "$out-compare" --overwrite
echo "carereach: the reports in English, and Porto Alegre in both languages"
build/src/cli/carereach -q run geodata/bozhou/scenario.toml --out "$out-en" --lang en --overwrite >/dev/null
poa="$(dirname "$out")/porto-alegre"
build/src/cli/carereach -q run geodata/porto-alegre/scenario.toml --out "$poa" --overwrite >/dev/null
build/src/cli/carereach -q run geodata/porto-alegre/scenario.toml --out "$poa-en" --lang en --overwrite >/dev/null
echo "carereach: open the reports in a browser:"
for f in "$out/report.html" "$out-en/report.html" "$out-compare/compare.html" "$poa/report.html" "$poa-en/report.html"; do
  echo "  $f"
done
