#!/usr/bin/env bash
# Puts Leaflet (https://leafletjs.com, BSD-2-Clause) into a build tree for map.html: downloads the pinned npm
# tarball, checks it against the sha512 integrity the npm registry publishes for that version, and extracts
# leaflet.js, leaflet.css and LICENSE into <dest>. src/report/CMakeLists.txt calls it at configure time and embeds
# the three files in the carereach binary; map.html is then written with Leaflet inline and needs no network.
#
# Usage: scripts/vendor-leaflet.sh <dest> [<tarball>]
#   <dest>     folder to fill (created); the tarball is kept there too, so a second call needs no network
#   <tarball>  a local copy of leaflet-1.9.4.tgz to use instead of downloading (checked all the same)
set -euo pipefail

VERSION=1.9.4
URL="https://registry.npmjs.org/leaflet/-/leaflet-${VERSION}.tgz"
# dist.integrity of https://registry.npmjs.org/leaflet/1.9.4 (Subresource Integrity: sha512, base64).
INTEGRITY="sha512-nxS1ynzJOmOlHp+iL3FyWqK89GtNL8U8rvlMOsQdTTssxZwCXh8N2NB3GDQOL+YR3XnWyZAxwQixURb+FA74PA=="

die() { echo "vendor-leaflet: error: $*" >&2; exit 1; }

[[ $# -ge 1 && $# -le 2 ]] || die "usage: $0 <dest> [<tarball>]"
dest=$1
local_tgz=${2:-}
mkdir -p "$dest"
tgz="$dest/leaflet-${VERSION}.tgz"

integrity_of() {  # the SRI sha512 string of a file
  printf 'sha512-%s' "$(openssl dgst -sha512 -binary "$1" | base64 -w0)"
}

if [[ -n "$local_tgz" ]]; then
  [[ -f "$local_tgz" ]] || die "$local_tgz: no such file (the Leaflet tarball given)"
  cp "$local_tgz" "$tgz.part"
  mv "$tgz.part" "$tgz"
elif [[ ! -f "$tgz" || "$(integrity_of "$tgz")" != "$INTEGRITY" ]]; then
  command -v curl >/dev/null || die "curl is needed to download $URL (apt-get install curl), or pass a local tarball"
  echo "vendor-leaflet: downloading $URL"
  curl -fsSL --retry 3 -o "$tgz.part" "$URL" ||
    die "could not download $URL (no network? download it elsewhere and pass it: $0 <dest> leaflet-${VERSION}.tgz)"
  mv "$tgz.part" "$tgz"
fi

actual=$(integrity_of "$tgz")
if [[ "$actual" != "$INTEGRITY" ]]; then
  rm -f "$tgz"
  die "integrity mismatch for leaflet-${VERSION}.tgz: npm publishes $INTEGRITY, the file has $actual (removed; a corrupt or altered download)"
fi

tmp=$(mktemp -d "$dest/extract.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
tar -xzf "$tgz" -C "$tmp" package/dist/leaflet.js package/dist/leaflet.css package/LICENSE ||
  die "leaflet-${VERSION}.tgz lacks package/dist/leaflet.js, package/dist/leaflet.css or package/LICENSE"
# map.html inlines the script: it must not end its own <script> element early.
if grep -qi '</script' "$tmp/package/dist/leaflet.js"; then die "leaflet.js contains </script: cannot be inlined"; fi
if grep -qi '</style' "$tmp/package/dist/leaflet.css"; then die "leaflet.css contains </style: cannot be inlined"; fi
cp "$tmp/package/dist/leaflet.js" "$tmp/package/dist/leaflet.css" "$tmp/package/LICENSE" "$dest/"
echo "$VERSION" >"$dest/VERSION"
echo "vendor-leaflet: Leaflet $VERSION in $dest (integrity checked)"
