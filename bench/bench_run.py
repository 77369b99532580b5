#!/usr/bin/python3
"""Times `carereach run` on a scenario: medians of its own step timings and peak memory over several runs.

usage: bench/bench_run.py SCENARIO.toml [--carereach EXE] [--runs N] [--work DIR]

Each run is `carereach --quiet run SCENARIO --out DIR --overwrite` under /usr/bin/time (for the maximum resident set
size). The step timings are those run.json records: every load step, and per standard the graph, cell connectors,
friction and search (the graph and connectors are built once per mode, by the first standard of that mode, and
reused by the later ones). Prints a Markdown report: wall time, load steps, the travel steps per standard, peak
memory and bytes per grid cell and per road node. Nothing is asserted; the machine may be shared, so compare
medians, and ratios measured in the same session.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("scenario")
    ap.add_argument("--carereach", default=os.path.join(REPO, "build", "src", "cli", "carereach"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--work", help="folder for the run outputs (default: a temporary folder, removed at the end)")
    args = ap.parse_args()
    if not os.access(args.carereach, os.X_OK):
        sys.exit(f"bench_run.py: {args.carereach} is not an executable: build carereach first or pass --carereach")
    if args.runs < 1:
        sys.exit("bench_run.py: --runs must be at least 1")
    work = args.work or tempfile.mkdtemp(prefix="carereach-bench-run-")
    out = os.path.join(work, "run")
    cmd = [args.carereach, "--quiet", "run", args.scenario, "--out", out, "--overwrite"]

    walls, rss_mb, reports = [], [], []
    for i in range(args.runs):
        t0 = time.perf_counter()
        p = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, capture_output=True, text=True)
        walls.append(time.perf_counter() - t0)
        if p.returncode != 0:
            sys.stderr.write(p.stdout[-3000:] + p.stderr[-3000:])
            sys.exit(f"bench_run.py: carereach exited with {p.returncode}")
        rss_mb.append(int(p.stderr.strip().splitlines()[-1]) / 1024.0)
        with open(os.path.join(out, "run.json")) as fh:
            reports.append(json.load(fh))
        print(f"run {i + 1}/{args.runs}: {walls[-1]:.2f} s, {rss_mb[-1]:.0f} MB", file=sys.stderr)
    if not args.work:
        shutil.rmtree(work)

    med = statistics.median
    last = reports[-1]
    counts = last["counts"]
    cells = counts["grid"]["cells"]
    nodes = counts.get("roads", {}).get("nodes", 0)
    print(f"### `carereach run` on {last['scenario'].get('name', args.scenario)}: {args.runs} runs\n")
    print(f"{cells:,} cells ({counts['population']['populated_cells']:,} populated), "
          f"{counts['facilities']['total']:,} facilities, {nodes:,} road nodes.\n")
    print(f"Command: `carereach --quiet run {args.scenario} --out DIR --overwrite`\n")
    print("| step | median s | min–max s |")
    print("|---|---:|---|")
    print(f"| **whole run (process)** | **{med(walls):.2f}** | {min(walls):.2f}–{max(walls):.2f} |")
    for key in last["timings_s"]:
        xs = [r["timings_s"].get(key, float("nan")) for r in reports]
        print(f"| {key} | {med(xs):.3f} | {min(xs):.3f}–{max(xs):.3f} |")
    print()
    print("Travel steps per standard (medians, s; graph and connectors only where the mode was first used):\n")
    print("| standard | engine | mode | facilities | graph | connectors | friction | search |")
    print("|---|---|---|---:|---:|---:|---:|---:|")
    for i, st in enumerate(last["travel"]["standards"]):
        def m(key):
            xs = [r["travel"]["standards"][i].get("timings_s", {}).get(key) for r in reports]
            xs = [x for x in xs if x is not None]
            return f"{med(xs):.3f}" if xs else "–"
        print(f"| {st['id']} | {st.get('engine', '')} | {st.get('mode', '')} | {st.get('facilities', '')} | "
              f"{m('graph')} | {m('connectors')} | {m('friction')} | {m('search')} |")
    print()
    peak = max(rss_mb)
    print(f"Peak memory (max RSS, largest run): {peak:,.0f} MB, {peak * 1048576 / cells:.0f} bytes per grid cell "
          "(everything the process holds: inputs, graphs, connectors, travel-time fields, GDAL's cache).")


if __name__ == "__main__":
    main()
