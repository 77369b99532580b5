#!/usr/bin/env bash
# Installs the Debian 12 packages carereach needs to build, run and test, when they are missing.
# Usage: scripts/install-deps.sh [--tests]   (as root, or with sudo available)
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git ca-certificates
  curl openssl   # scripts/vendor-leaflet.sh: Leaflet for map.html, fetched and checked at configure time
  libgdal-dev gdal-bin libgeos-dev libproj-dev proj-bin proj-data
  libboost-graph-dev libtbb-dev libtomlplusplus-dev libcli11-dev nlohmann-json3-dev libxlsxwriter-dev
  libosmium2-dev libprotozero-dev zlib1g-dev libbz2-dev libexpat1-dev libssl-dev
  coinor-libcbc-dev catch2 libbenchmark-dev fonts-noto-cjk
  pybind11-dev python3-dev python3-numpy   # the Python module (python/, docs/python.md)
)
if [[ "${1:-}" == "--tests" ]]; then
  # The tests also read the demo data with GDAL's Python bindings in a few cross-checks, look inside the XLSX
  # files they write with unzip, and open the HTML reports in headless Chromium (screenshot, print to PDF, read
  # back with poppler's pdftotext and pdfinfo).
  # The Python module's test (tests/python) runs under Debian's python3 and reads GeoTIFFs with python3-gdal.
  # scripts/run-tests.sh also builds the fuzz targets with clang's libFuzzer (runtime in libclang-rt-14-dev).
  # QGIS (qgis, python3-qgis) opens and draws the QGIS project of a run, headless.
  # The job scripts of a tile plan (tests/jobs): run_local.sh with GNU parallel (parallel), and slurm.sbatch on a
  # single-node Slurm the test starts (slurm-wlm: slurmctld, slurmd and the client commands; the test uses
  # auth/none, so the munge daemon that the packages pull in is not started).
  packages+=(python3 python3-gdal python3-numpy unzip chromium poppler-utils clang libclang-rt-14-dev
             qgis python3-qgis parallel slurm-wlm)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if (( ${#missing[@]} == 0 )); then
  echo "carereach: all ${#packages[@]} Debian packages are installed"
  exit 0
fi

echo "carereach: installing ${#missing[@]} Debian package(s): ${missing[*]}"
sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "error: run as root (or install sudo)" >&2; exit 1; }
  sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "carereach: packages installed"
