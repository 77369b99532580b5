#!/usr/bin/env bash
# Configures and builds carereach (Release) in the given build folder.
# Usage: scripts/build.sh BUILD_DIR [extra cmake options…]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:?usage: scripts/build.sh BUILD_DIR [cmake options]}"
shift
jobs="$(nproc 2>/dev/null || echo 2)"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build "$build" --parallel "$jobs"
