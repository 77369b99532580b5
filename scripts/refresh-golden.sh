#!/usr/bin/env bash
# Renews the golden tables of the Bozhou demo (tests/data/golden/bozhou/), which tests/cli/test_run_outputs.cpp
# compares byte for byte with a fresh run. Run it after a change that is meant to change the figures, then review
# `git diff tests/data/golden` before committing: every changed number should be explained by the change.
# Usage: scripts/refresh-golden.sh [BUILD_DIR]   (default build/, built with scripts/build.sh)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build}"
exe="$build/src/cli/carereach"
[[ -x "$exe" ]] || { echo "refresh-golden: $exe not found; build first (scripts/build.sh)" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$exe" -q run "$root/geodata/bozhou/scenario.toml" --out "$work/run"
golden="$root/tests/data/golden/bozhou"
mkdir -p "$golden"
for t in summary coverage_county coverage_township density_county; do
  cp "$work/run/tables/$t.csv" "$golden/$t.csv"
done
echo "refresh-golden: renewed $(ls "$golden" | wc -l) tables in tests/data/golden/bozhou; review: git diff tests/data/golden"
