#!/usr/bin/env bash
# Cross-check of carereach's raster engine against GRASS GIS r.cost, cell by cell, with timings.
#
# Needs GRASS GIS 8.2 or later (Debian package grass-core: `apt-get install grass-core`) and a build of the
# benchmark target carereach-raster-costdist (cmake --build BUILD --target carereach-raster-costdist). Not run in
# CI. docs/method/raster-travel-time.md ("Cross-check with GRASS") explains what is compared and lists figures.
#
# usage: scripts/crosscheck_grass_rcost.sh [options]
#   --build DIR        build folder holding bench/carereach-raster-costdist (default: build)
#   --size COLSxROWS   synthetic friction surface size (default 2000x2000, 100 m cells: 200 km square)
#   --seed N           seed of the synthetic surface (default 1)
#   --sources N        facilities on the synthetic surface (default 188)
#   --bundle DIR       instead of a synthetic surface, build the friction of a peers bundle (make_synthetic.py:
#                      population.tif + bundle.gpkg) exactly as the peers' GRASS runner does: roads rasterised
#                      per class at their speed_kmh (v.to.rast, r.series maximum), walking 5 km/h elsewhere
#   --type TYPE        facility type of the bundle (default township_health_center)
#   --runs N           timed runs of each tool, alternating (default 5; medians are reported)
#   --work DIR         working folder (default: a new temporary folder, removed at the end)
#   --keep             keep the working folder
# Exit status: 0 when every cell agrees within 0.01 min (same cells reached), 1 otherwise, 2 on a usage or
# set-up problem.
set -euo pipefail

SELF=$(readlink -f "$0")

# ---------------------------------------------------------------------------------------- inside GRASS
if [ "${1:-}" = "--inside-grass" ]; then
  shift
  WORK=$1 RUNS=$2 BIN=$3 BUNDLE=${4:-} TYPE=${5:-}
  export GRASS_VERBOSE=0 GRASS_OVERWRITE=1
  now() { date +%s.%N; }
  if [ -n "$BUNDLE" ]; then
    # The peers' friction: roads per class at their speed (the maximum where classes overlap), walking elsewhere.
    r.in.gdal --q input="$BUNDLE/population.tif" output=pop
    g.region raster=pop
    v.in.ogr --q input="$BUNDLE/bundle.gpkg" layer=roads output=roads type=line
    v.in.ogr --q input="$BUNDLE/bundle.gpkg" layer=facilities output=fac where="type = '$TYPE'"
    LIST=""
    for cls in motorway primary secondary tertiary residential track; do
      v.to.rast --q input=roads type=line where="highway = '$cls'" output="rd_$cls" use=attr \
        attribute_column=speed_kmh memory=2000
      LIST="$LIST,rd_$cls"
    done
    r.series --q input="${LIST#,}" method=maximum output=roadspeed
    r.mapcalc --q "fric_bundle = if(isnull(roadspeed), 3.6/5.0, 3.6/roadspeed)"
    r.out.gdal --q -c -f input=fric_bundle output="$WORK/friction_s_per_m.tif" type=Float32 nodata=-1 \
      createopt="COMPRESS=DEFLATE,TILED=YES"
    v.to.rast --q input=fac output=fac_r use=cat
    r.out.gdal --q -c input=fac_r output="$WORK/sources.tif" type=Int32 nodata=0 \
      createopt="COMPRESS=DEFLATE,TILED=YES"
  fi
  # Both tools read the same Float32 friction (seconds per metre; no-data = impassable) and the same start raster.
  r.in.gdal --q input="$WORK/friction_s_per_m.tif" output=fric
  g.region raster=fric
  r.in.gdal --q input="$WORK/sources.tif" output=src
  r.null --q map=src setnull=0
  RES=$(g.region -g | sed -n 's/^nsres=//p')
  # r.cost's input is the cost of crossing one cell: seconds per metre times the cell size.
  r.mapcalc --q "fric_cell = fric * $RES"
  for N in 16 8; do
    FLAG=""; [ "$N" = 16 ] && FLAG="-k"
    : > "$WORK/times_$N.txt"
    for i in $(seq 1 "$RUNS"); do
      t0=$(now)
      r.cost --q $FLAG input=fric_cell start_raster=src output="cost_$N" nearest="near_$N" memory=4000
      t1=$(now)
      OURS=$("$BIN" run --friction "$WORK/friction_s_per_m.tif" --sources "$WORK/sources.tif" --neighbours "$N" \
        --runs 1 --out "$WORK/ours_$N.tif" --nearest "$WORK/ours_near_$N.tif")
      t2=$(now)
      ENGINE=$(sed -n 's/.*engine_median_s=\([0-9.]*\).*/\1/p' <<<"$OURS")
      echo "$t0 $t1 $t2 $ENGINE" >> "$WORK/times_$N.txt"
    done
    # The engine alone, warm: the median of 10 calls in one process (as `carereach run` computes standard after
    # standard).
    "$BIN" run --friction "$WORK/friction_s_per_m.tif" --sources "$WORK/sources.tif" --neighbours "$N" --runs 10 \
      | sed -n 's/.*engine_median_s=\([0-9.]*\).*/\1/p' > "$WORK/warm_$N.txt"
    r.mapcalc --q "cost_min_$N = cost_$N / 60.0"
    r.out.gdal --q -c input="cost_min_$N" output="$WORK/grass_$N.tif" type=Float64 nodata=-1 \
      createopt="COMPRESS=DEFLATE,TILED=YES"
    r.out.gdal --q -c input="near_$N" output="$WORK/grass_near_$N.tif" type=Int32 nodata=0 \
      createopt="COMPRESS=DEFLATE,TILED=YES"
  done
  g.version | head -1 > "$WORK/grass_version.txt"
  exit 0
fi

# ---------------------------------------------------------------------------------------- driver
BUILD=build SIZE=2000x2000 SEED=1 SOURCES=188 BUNDLE="" TYPE=township_health_center RUNS=5 WORK="" KEEP=0
WORK_GIVEN=0
while [ $# -gt 0 ]; do
  case "$1" in
    --build) BUILD=$2; shift 2 ;;
    --size) SIZE=$2; shift 2 ;;
    --seed) SEED=$2; shift 2 ;;
    --sources) SOURCES=$2; shift 2 ;;
    --bundle) BUNDLE=$(readlink -f "$2"); shift 2 ;;
    --type) TYPE=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --work) WORK=$2; WORK_GIVEN=1; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) sed -n '2,21p' "$SELF" | sed -E 's/^# ?//'; exit 0 ;;
    *) echo "crosscheck_grass_rcost.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

if ! command -v grass >/dev/null 2>&1; then
  echo "crosscheck_grass_rcost.sh: GRASS GIS is not installed. This cross-check needs GRASS GIS 8.2 or later" >&2
  echo "(Debian/Ubuntu: apt-get install grass-core). Nothing was run." >&2
  exit 2
fi
BIN=$(readlink -f "$BUILD/bench/carereach-raster-costdist" 2>/dev/null || true)
if [ -z "$BIN" ] || [ ! -x "$BIN" ]; then
  echo "crosscheck_grass_rcost.sh: $BUILD/bench/carereach-raster-costdist not found; build it first:" >&2
  echo "  cmake -S . -B $BUILD -G Ninja -DCMAKE_BUILD_TYPE=Release && cmake --build $BUILD --target carereach-raster-costdist" >&2
  exit 2
fi
if [ -n "$BUNDLE" ] && { [ ! -f "$BUNDLE/population.tif" ] || [ ! -f "$BUNDLE/bundle.gpkg" ]; }; then
  echo "crosscheck_grass_rcost.sh: $BUNDLE has no population.tif and bundle.gpkg (a make_synthetic.py bundle)" >&2
  exit 2
fi
if [ -z "$WORK" ]; then
  WORK=$(mktemp -d)
  [ "$KEEP" = 1 ] || trap 'rm -rf "$WORK"' EXIT
else
  mkdir -p "$WORK"
  WORK=$(readlink -f "$WORK")
fi

if [ -z "$BUNDLE" ]; then
  "$BIN" make-friction --cols "${SIZE%x*}" --rows "${SIZE#*x}" --seed "$SEED" --sources "$SOURCES" --out "$WORK"
  WHAT="synthetic surface ${SIZE} cells of 100 m, seed $SEED, $SOURCES facilities"
else
  WHAT="bundle $(basename "$BUNDLE"), facilities of type $TYPE"
fi

# GRASS runs in a throw-away location with the grid's CRS (EPSG:32650 for both kinds of input).
grass --tmp-location EPSG:32650 --exec bash "$SELF" --inside-grass "$WORK" "$RUNS" "$BIN" "$BUNDLE" "$TYPE" \
  > "$WORK/grass.log" 2>&1 || { echo "GRASS failed; its log:" >&2; cat "$WORK/grass.log" >&2; exit 2; }

# Median of numbers on standard input (the lower middle one for an even count).
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

status=0
echo "carereach raster engine vs $(cat "$WORK/grass_version.txt") r.cost — $WHAT, $RUNS alternating runs"
echo
echo "| neighbours | cells reached (both) | only one tool | max abs diff (min) | mean abs diff (min) | same nearest facility |"
echo "|---|---:|---:|---:|---:|---:|"
TIMES=""
for N in 16 8; do
  set +e
  CMP=$("$BIN" compare "$WORK/ours_$N.tif" "$WORK/grass_$N.tif" --ours-nearest "$WORK/ours_near_$N.tif" \
    --other-nearest "$WORK/grass_near_$N.tif" --tolerance-min 0.01)
  [ $? -eq 0 ] || status=1
  set -e
  field() { sed -n "s/.*$1=\([^ ]*\).*/\1/p" <<<"$CMP" | head -1; }
  BOTH=$(field cells_both); ONLY=$(( $(field only_ours) + $(field only_other) ))
  MAXD=$(field max_abs_diff_min); MEAND=$(field mean_abs_diff_min)
  NEAR=$(sed -n 's/.*nearest_same=.*(\(.*\)).*/\1/p' <<<"$CMP")
  GM=$(awk '{ printf "%.4f\n", $2 - $1 }' "$WORK/times_$N.txt" | median)
  PM=$(awk '{ printf "%.4f\n", $3 - $2 }' "$WORK/times_$N.txt" | median)
  OM=$(awk '{ print $4 }' "$WORK/times_$N.txt" | median)
  WM=$(cat "$WORK/warm_$N.txt")
  ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }
  LABEL=$N; [ "$N" = 16 ] && LABEL="16 (r.cost -k)"
  echo "| $LABEL | $BOTH | $ONLY | $MAXD | $MEAND | $NEAR |"
  TIMES="$TIMES| $LABEL | $GM | $OM | $(ratio "$GM" "$OM")× | $WM | $(ratio "$GM" "$WM")× | $PM | $(ratio "$GM" "$PM")× |
"
done
echo
echo "Seconds, medians of $RUNS alternating runs (r.cost, then carereach) on $(nproc) cores; the engine's time excludes"
echo "reading and writing GeoTIFFs; 'first call' is the only call in a fresh process, 'warm' the median of 10 calls in"
echo "one process; the whole program reads the friction and start GeoTIFFs and writes minutes and nearest (DEFLATE)."
echo
echo "| neighbours | r.cost | carereach engine, first call | ratio | carereach engine, warm | ratio | carereach whole program | ratio |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
printf "%s" "$TIMES"
echo
if [ "$KEEP" = 1 ] || [ "$WORK_GIVEN" = 1 ]; then echo "Working folder: $WORK"; fi
exit $status
