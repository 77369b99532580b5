#!/usr/bin/env bash
# Runs carereach's fuzz targets (docs/fuzzing.md) for a while each, from their seed corpus, and fails on any finding.
# Usage: tests/fuzz/run_fuzz.sh BUILD_DIR WORK_DIR [TARGET …]
#   BUILD_DIR  a build with -DCAREREACH_FUZZ=ON (clang), its targets built (cmake --build BUILD_DIR --target carereach_fuzz)
#   WORK_DIR   where the grown corpora (WORK_DIR/corpus/<target>), logs and crash inputs (WORK_DIR/findings) go
#   TARGET     fuzz_scenario … (default: every target that has a seed folder in tests/fuzz/corpus)
# Environment: CAREREACH_FUZZ_SECONDS (default 60) per target, CAREREACH_FUZZ_TIMEOUT (default 60) seconds one input
# may take before it counts as a hang, CAREREACH_FUZZ_ARGS extra libFuzzer options (e.g. "-jobs=1 -workers=1").
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${1:?usage: tests/fuzz/run_fuzz.sh BUILD_DIR WORK_DIR [TARGET …]}"
work="${2:?usage: tests/fuzz/run_fuzz.sh BUILD_DIR WORK_DIR [TARGET …]}"
shift 2
seconds="${CAREREACH_FUZZ_SECONDS:-60}"
timeout_s="${CAREREACH_FUZZ_TIMEOUT:-60}"
targets=("$@")
if (( ${#targets[@]} == 0 )); then
  for d in "$here"/corpus/*/; do targets+=("$(basename "$d")"); done
fi

# ASan/UBSan settings of the fuzz runs: every report is fatal. Leaks are left to the sanitizer test build: libFuzzer's
# own per-input leak check would stop at GEOS 3.11's, whose snapping noder loses a few hundred bytes when an overlay
# falls back to snapping (docs/fuzzing.md), a leak in the Debian library that carereach cannot mend.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0:allocator_may_return_null=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

mkdir -p "$work/findings"
failed=()
for t in "${targets[@]}"; do
  bin="$build/tests/fuzz/$t"
  [[ -x "$bin" ]] || { echo "carereach fuzz: $bin not built" >&2; exit 1; }
  mkdir -p "$work/corpus/$t"
  log="$work/$t.log"
  echo "carereach fuzz: $t for ${seconds} s (log: $log)"
  # The grown corpus comes first (new inputs are written there); the seeds in the source tree are only read.
  if "$bin" -max_total_time="$seconds" -timeout="$timeout_s" -rss_limit_mb=4096 -print_final_stats=1 \
       -artifact_prefix="$work/findings/$t-" ${CAREREACH_FUZZ_ARGS:-} \
       "$work/corpus/$t" "$here/corpus/$t" >"$log" 2>&1; then
    grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1 | sed "s/^/  /" || true
  else
    failed+=("$t")
    echo "carereach fuzz: $t FOUND A PROBLEM; the end of its log:" >&2
    tail -n 60 "$log" >&2
  fi
done
if (( ${#failed[@]} > 0 )); then
  echo "carereach fuzz: findings in ${failed[*]}; the inputs are in $work/findings/" >&2
  exit 1
fi
echo "carereach fuzz: ${#targets[@]} targets ran ${seconds} s each without a finding"
