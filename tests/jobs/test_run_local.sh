#!/bin/sh
# test_run_local.sh CAREREACH: a tile plan's run_local.sh (docs/cli/tile.md#running-the-tiles), on the hand-made
# plan of make_plan.sh (ordinary small scenarios as tiles, in a folder whose path has spaces):
#   1. every tile runs (xargs -P 2): exit 0, a run folder with run.json and logs/ID.status 0 for each;
#   2. one tile broken (its scenario is not TOML): exit 1, the message names that tile and no other, the other tiles
#      still ran; after fixing it, `run_local.sh TILE_ID` runs only that tile and exits 0;
#   3. the same with GNU parallel when it is installed (scripts/install-deps.sh --tests installs it);
#   4. a tile id not in the plan: exit 2.
set -u
carereach=$1
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/carereach-local-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 1' INT TERM HUP
fail() { echo "FAIL: $*" >&2; for f in "$plan"/logs/*.log; do [ -f "$f" ] && { echo "--- $f"; tail -n 20 "$f"; }; done; exit 1; }

plan="$work/tile plan"
sh "$here/make_plan.sh" "$plan" || fail "make_plan.sh"
"$carereach" jobs "$plan" --carereach "$carereach" >/dev/null || fail "carereach jobs"
for f in run_local.sh slurm.sbatch submit_slurm.sh; do [ -x "$plan/$f" ] || fail "$f is not executable"; done

check_runs() { # the tiles named must each have run.json and status 0
  for id in "$@"; do
    out=$(awk -F '\t' -v id="$id" '$2 == id { print $4 }' "$plan/tiles.txt")
    [ -f "$plan/$out/run.json" ] || fail "tile $id: no run.json in $plan/$out"
    [ "$(cat "$plan/logs/$id.status" 2>/dev/null)" = 0 ] || fail "tile $id: logs/$id.status is not 0"
  done
}

# run_case RUNNER_OPTION: steps 1 and 2 with xargs (--xargs) or GNU parallel ("")
run_case() {
  rm -rf "$plan/out" "$plan/logs"
  "$plan/run_local.sh" -j 2 $1 >"$work/out.txt" 2>&1 || { cat "$work/out.txt"; fail "run_local.sh $1: exit $?"; }
  grep -q "all 3 tile(s) finished" "$work/out.txt" || fail "no final line: $(cat "$work/out.txt")"
  check_runs north south-1 big_3

  cp "$plan/tiles/south-1/scenario.toml" "$work/good.toml"
  printf 'not toml = = 1\n' >>"$plan/tiles/south-1/scenario.toml"
  rm -rf "$plan/out/north"
  "$plan/run_local.sh" -j 2 $1 >"$work/out.txt" 2>&1
  code=$?
  cat "$work/out.txt"
  [ "$code" -eq 1 ] || fail "a broken tile: exit $code, not 1"
  grep -q "1 of 3 tile(s) failed: south-1\$" "$work/out.txt" || fail "the message does not name south-1 (alone)"
  [ "$(cat "$plan/logs/south-1.status")" = 3 ] || fail "south-1 did not fail with exit 3 (the scenario)"
  check_runs north big_3
  cp "$work/good.toml" "$plan/tiles/south-1/scenario.toml"
  "$plan/run_local.sh" $1 south-1 >"$work/out.txt" 2>&1 || { cat "$work/out.txt"; fail "re-running south-1: exit $?"; }
  grep -q "all 1 tile(s) finished" "$work/out.txt" || fail "re-running south-1 ran more than south-1"
  check_runs north south-1 big_3
}

run_case --xargs
echo "run_local.sh with xargs: passed"
if parallel --version 2>/dev/null | head -n 1 | grep -q 'GNU parallel'; then
  run_case ""
  grep -q "with parallel" "$work/out.txt" || fail "GNU parallel is installed but run_local.sh did not use it"
  echo "run_local.sh with GNU parallel: passed"
else
  echo "GNU parallel is not installed: run_local.sh with parallel not tested (scripts/install-deps.sh --tests installs it)"
fi

"$plan/run_local.sh" no-such-tile >"$work/out.txt" 2>&1
code=$?
[ "$code" -eq 2 ] || fail "an unknown tile id: exit $code, not 2"
grep -q "no tile 'no-such-tile'" "$work/out.txt" || fail "the message does not name the unknown tile"
echo "PASS"
