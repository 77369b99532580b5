#!/usr/bin/python3
"""Step timings of `carereach run` on synthetic regions of several sizes, side by side.

usage: bench/bench_sizes.py [--sizes prefecture,province,province2] [--runs N] [--data DIR] [--work DIR]
                            [--carereach EXE] [--make-synthetic EXE] [--seed N]

For each size, the region is generated once with carereach-make-synthetic into DATA/<size> (kept, and reused
while its synthetic.json says it was made with the same arguments), then `carereach --quiet run` runs N times
under /usr/bin/time. The report is one Markdown table: every step that run.json times (`timings_s`: the load
steps, "travel times <standard>", "analysis", the outputs), then per standard its travel steps (graph, connectors,
search …, under "travel[<standard>]"), the whole run, the peak memory and the bytes per grid cell; one column of
medians per size, so a step that grows out of step with the others is seen at once. Below the table, the fitted
exponent of the whole run's time in the cell count (least squares on the logarithms), when two sizes or more ran.

Sizes: tiny, prefecture (1 M cells), province (15 M cells), province2 (the province's area twice: 549 × 549 km,
30 M cells, twice the province's road nodes). Nothing is asserted; the machine may be shared, so compare medians
measured in one session.
"""
import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SIZES = {
    "tiny": ["--size", "tiny"],
    "prefecture": ["--size", "prefecture"],
    "province": ["--size", "province"],
    # The province is 388 × 388 km with 3,090,897 road nodes (seed 1): twice its area and its nodes.
    "province2": ["--extent-km", "549", "--road-nodes", "6181794"],
}


def fail(msg):
    sys.exit(f"bench_sizes.py: {msg}")


def generate(make_synthetic, size, seed, folder):
    args = SIZES[size] + ["--seed", str(seed)]
    stamp = os.path.join(folder, "bench_sizes.json")
    if os.path.exists(stamp) and os.path.exists(os.path.join(folder, "scenario.toml")):
        with open(stamp) as fh:
            if json.load(fh).get("args") == args:
                return
    print(f"{size}: generating ({' '.join(args)}) …", file=sys.stderr)
    p = subprocess.run([make_synthetic] + args + ["--out", folder], capture_output=True, text=True)
    if p.returncode != 0:
        sys.stderr.write(p.stdout[-2000:] + p.stderr[-2000:])
        fail(f"carereach-make-synthetic failed for {size} (exit {p.returncode})")
    with open(stamp, "w") as fh:
        json.dump({"args": args}, fh)


def run_once(exe, scenario, out):
    cmd = ["/usr/bin/time", "-f", "%M", exe, "--quiet", "run", scenario, "--out", out, "--overwrite"]
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        sys.stderr.write(p.stdout[-3000:] + p.stderr[-3000:])
        fail(f"carereach exited with {p.returncode} on {scenario}")
    rss_mb = int(p.stderr.strip().splitlines()[-1]) / 1024.0
    with open(os.path.join(out, "run.json")) as fh:
        report = json.load(fh)
    return wall, rss_mb, report


def steps_of(report):
    """Ordered (name, seconds) of one run.json: timings_s, then each standard's travel timings."""
    out = list(report.get("timings_s", {}).items())
    for st in report.get("travel", {}).get("standards", []):
        for key, value in st.get("timings_s", {}).items():
            out.append((f"travel[{st['id']}] {key}", value))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="prefecture,province,province2")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--data", default=os.path.join(REPO, "out", "synthetic-sizes"),
                    help="where the regions are generated and kept (default: out/synthetic-sizes)")
    ap.add_argument("--work", help="folder for the run outputs (default: a temporary folder, removed at the end)")
    ap.add_argument("--carereach", default=os.path.join(REPO, "build", "src", "cli", "carereach"))
    ap.add_argument("--make-synthetic", default=os.path.join(REPO, "build", "bench", "carereach-make-synthetic"))
    args = ap.parse_args()
    sizes = [s for s in args.sizes.split(",") if s]
    for s in sizes:
        if s not in SIZES:
            fail(f"unknown size '{s}' (one of {', '.join(SIZES)})")
    for exe in (args.carereach, args.make_synthetic):
        if not os.access(exe, os.X_OK):
            fail(f"{exe} is not an executable: build it first or pass its path")
    if args.runs < 1:
        fail("--runs must be at least 1")

    work = args.work or tempfile.mkdtemp(prefix="carereach-bench-sizes-")
    results = {}
    for size in sizes:
        folder = os.path.join(args.data, size)
        os.makedirs(args.data, exist_ok=True)
        generate(args.make_synthetic, size, args.seed, folder)
        scenario = os.path.join(folder, "scenario.toml")
        runs = []
        for i in range(args.runs):
            wall, rss, report = run_once(args.carereach, scenario, os.path.join(work, size))
            runs.append((wall, rss, report))
            print(f"{size}: run {i + 1}/{args.runs}: {wall:.2f} s, {rss:.0f} MB", file=sys.stderr)
        results[size] = runs
    if not args.work:
        shutil.rmtree(work)

    # Rows: the steps in the order they first appear.
    order = []
    for size in sizes:
        for _, _, report in results[size]:
            for name, _ in steps_of(report):
                if name not in order:
                    order.append(name)
    med = statistics.median

    def cells(size):
        return results[size][-1][2]["counts"]["grid"]["cells"]

    print("### `carereach run` on synthetic regions: medians of "
          f"{args.runs} run{'s' if args.runs > 1 else ''}, seconds\n")
    print("| step | " + " | ".join(sizes) + " |")
    print("|---|" + "---:|" * len(sizes))
    print("| grid cells | " + " | ".join(f"{cells(s):,}" for s in sizes) + " |")
    for name in order:
        row = []
        for size in sizes:
            xs = [dict(steps_of(r)).get(name) for _, _, r in results[size]]
            xs = [x for x in xs if x is not None]
            row.append(f"{med(xs):.3f}" if xs else "–")
        print(f"| {name} | " + " | ".join(row) + " |")
    walls = {s: med([w for w, _, _ in results[s]]) for s in sizes}
    peaks = {s: max(r for _, r, _ in results[s]) for s in sizes}
    print("| **whole run (process)** | " + " | ".join(f"**{walls[s]:.2f}**" for s in sizes) + " |")
    print("| peak memory (max RSS), MiB | " + " | ".join(f"{peaks[s]:,.0f}" for s in sizes) + " |")
    print("| bytes per grid cell | " + " | ".join(f"{peaks[s] * 1048576 / cells(s):.0f}" for s in sizes) + " |")
    print("| µs per grid cell | " + " | ".join(f"{walls[s] * 1e6 / cells(s):.2f}" for s in sizes) + " |")
    if len(sizes) >= 2:
        xs = [math.log(cells(s)) for s in sizes]
        ys = [math.log(walls[s]) for s in sizes]
        mx, my = statistics.mean(xs), statistics.mean(ys)
        sxx = sum((x - mx) ** 2 for x in xs)
        if sxx > 0:
            slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx
            print(f"\nWhole run ∝ cells^{slope:.2f} (least squares over {', '.join(sizes)}).")


if __name__ == "__main__":
    main()
