#!/usr/bin/env bash
# Rebuild the shipped demo data sets geodata/bozhou/, geodata/xinyang/ and geodata/porto-alegre/ from the source extracts kept in
# the repository. Safe to run again: the outputs are replaced, with the same bytes for the same inputs.
#
#   scripts/make-demo-data.sh
#
# Needs Debian's Python 3 (/usr/bin/python3) with python3-gdal, python3-numpy, python3-scipy and python3-shapely
# (installed here when missing), and the carereach binary, which converts the GCJ-02 seat coordinates of the
# Bozhou data to WGS 84: $CAREREACH_BIN, by default build/src/cli/carereach.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
py=/usr/bin/python3

missing=()
[ -x "$py" ] || missing+=(python3)
for mod_pkg in osgeo:python3-gdal numpy:python3-numpy scipy:python3-scipy shapely:python3-shapely; do
  mod="${mod_pkg%%:*}" pkg="${mod_pkg#*:}"
  if [ ! -x "$py" ] || ! "$py" -c "import $mod" >/dev/null 2>&1; then missing+=("$pkg"); fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing ${missing[*]}"
  if [ "$(id -u)" -eq 0 ]; then sudo=(); elif command -v sudo >/dev/null; then sudo=(sudo); else
    echo "error: missing Debian packages ${missing[*]}; install them as root: apt-get install ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq >/dev/null
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

export CAREREACH_BIN="${CAREREACH_BIN:-$repo/build/src/cli/carereach}"
if [ ! -x "$CAREREACH_BIN" ]; then
  echo "error: the carereach binary is missing: $CAREREACH_BIN" >&2
  echo "  build it:  cmake -S \"$repo\" -B \"$repo/build\" -G Ninja -DCMAKE_BUILD_TYPE=Release && cmake --build \"$repo/build\" --target carereach" >&2
  echo "  or set CAREREACH_BIN to an existing binary" >&2
  exit 1
fi

echo "== geodata/bozhou"
"$py" "$repo/scripts/make_demo_bozhou.py"
echo "== geodata/xinyang"
"$py" "$repo/scripts/make_demo_xinyang.py"
echo "== geodata/porto-alegre"
"$py" "$repo/scripts/make_demo_porto_alegre.py"

echo "== files"
cd "$repo"
for f in geodata/bozhou/* geodata/xinyang/* geodata/porto-alegre/*; do
  [ -f "$f" ] || continue
  printf '%10s  %s\n' "$(wc -c <"$f" | tr -d ' ')" "$f"
done
