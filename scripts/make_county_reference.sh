#!/usr/bin/env bash
# Rebuild data/reference/county_centroids_2021.csv, the county centroids carereach compares county zones with to
# detect GCJ-02/BD-09 coordinates declared as the wrong system (docs/method/coordinates.md). Same bytes for the
# same input.
#
#   scripts/make_county_reference.sh COUNTIES_TOPOJSON_GZ
#
# COUNTIES_TOPOJSON_GZ is counties-geo.topojson.gz of GitHub thebamboogrove/tudigong (data/reference/README.md):
# 2,990 county polygons, layer `county`, field CODE, in an Albers projection the file does not declare. Needs
# ogr2ogr (Debian package gdal-bin, with SpatiaLite) and awk.
set -euo pipefail

if [ $# -ne 1 ] || [ ! -f "$1" ]; then
  echo "usage: $0 COUNTIES_TOPOJSON_GZ" >&2
  exit 2
fi
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
input="$(readlink -f "$1")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The area centroid of every county in the source's own equal-area projection, converted to WGS 84
# longitude/latitude (GIS axis order: X = longitude).
ogr2ogr -f CSV "$work/centroids.csv" "/vsigzip/$input" \
  -dialect sqlite -sql "SELECT CODE AS code, ST_Centroid(geometry) AS geometry FROM county ORDER BY CODE" \
  -s_srs "+proj=aea +lat_0=36 +lat_1=24 +lat_2=48 +lon_0=104.5 +datum=WGS84" -t_srs EPSG:4326 \
  -lco GEOMETRY=AS_XY

# X,Y,code → code,lon,lat with 5 decimals (about 1 m).
out="$repo/data/reference/county_centroids_2021.csv"
awk -F, 'NR == 1 { print "code,lon,lat"; next }
         { gsub(/"/, "", $3); printf "%s,%.5f,%.5f\n", $3, $1, $2 }' "$work/centroids.csv" > "$out"
echo "$(($(wc -l < "$out") - 1)) counties → $out"
