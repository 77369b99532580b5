#!/usr/bin/env bash
# Set-up command 1: installs what is missing, builds carereach and runs the demos.
# Usage: scripts/run-demo.sh [OUTPUT_DIR]    (default: out/bozhou)
# Writes OUTPUT_DIR (Bozhou baseline, Chinese), OUTPUT_DIR-subcentres (a scenario: a county medical sub-centre in
# each county), OUTPUT_DIR-compare (baseline against the scenario), OUTPUT_DIR-site (how many 中医阁 in which
# village clinics: `carereach site`), OUTPUT_DIR-en (English), and beside OUTPUT_DIR:
# xinyang (信阳市, no roads: straight-line estimates), porto-alegre and porto-alegre-en.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
out="${1:-out/bozhou}"
bin=build/src/cli/carereach

scripts/install-deps.sh
echo "carereach: building (Release) in build/"
scripts/build.sh build
echo "carereach: running the Bozhou demo (baseline, the sub-centre scenario, and their comparison)"
"$bin" run geodata/bozhou/scenario.toml --out "$out" --overwrite
"$bin" run geodata/bozhou/scenario_subcentres.toml --out "$out-subcentres" --overwrite
"$bin" compare "$out" "$out-subcentres" --out "$out-compare" --overwrite
echo "carereach: siting — how many 中医阁 in which village clinics"
"$bin" site geodata/bozhou/scenario_tcm_corners.toml --standard tcm_corner_15min --candidates existing:村卫生室 \
  --tags 中医阁 --target-share 0.75 --out "$out-site" --overwrite
echo "carereach: the Bozhou reports in English"
"$bin" -q run geodata/bozhou/scenario.toml --out "$out-en" --lang en --overwrite >/dev/null
here="$(dirname "$out")"
echo "carereach: the Xinyang demo (no road network: the time standards are straight-line estimates)"
"$bin" run geodata/xinyang/scenario.toml --out "$here/xinyang" --overwrite
echo "carereach: Porto Alegre in both languages"
"$bin" -q run geodata/porto-alegre/scenario.toml --out "$here/porto-alegre" --overwrite >/dev/null
"$bin" -q run geodata/porto-alegre/scenario.toml --out "$here/porto-alegre-en" --lang en --overwrite >/dev/null
echo "carereach: open the reports in a browser:"
for f in "$out/report.html" "$out/map.html" "$out-subcentres/report.html" "$out-compare/compare.html" "$out-compare/map.html" \
         "$out-site/report.html" "$out-en/report.html" "$here/xinyang/report.html" "$here/porto-alegre/report.html" \
         "$here/porto-alegre-en/report.html"; do
  echo "  $f"
done
