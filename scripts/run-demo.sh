#!/usr/bin/env bash
# Set-up command 1: installs what is missing, builds carereach and runs the main job on the Bozhou demo.
# Usage: scripts/run-demo.sh [OUTPUT_DIR]    (default: out/bozhou)
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
