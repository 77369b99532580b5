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

Memory by stage: carereach runs on a pseudo-terminal, so that it names each step as it begins and ends, while
/proc/PID/status is read every few milliseconds (VmRSS, and VmHWM, the peak so far). Each reading is put in the
stage of the step running then: "load" (reading the inputs), "connectors" (a mode's road graph, snapping index
and cell connectors), "search" (the rest of the travel times, coverage, gap areas, catchments) and "outputs" (the
layers' polygons, layers.gpkg, tables, report). A stage's peak is the highest reading in it; it is compared with
the budget of docs/performance.md ("Memory budget"): BASE_MIB for the program and its libraries plus a number of
bytes per grid cell for the stage, and the report flags a stage OVER its budget. --quiet runs without a terminal
instead (no stages, no budget).

Sizes: tiny, prefecture (1 M cells), province (15 M cells), province2 (the province's area twice: 549 × 549 km,
30 M cells, twice the province's road nodes). Nothing is asserted about time; the machine may be shared, so
compare medians measured in one session. The exit status is 1 when a stage is over its memory budget.
"""
import argparse
import json
import math
import os
import pty
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SIZES = {
    "tiny": ["--size", "tiny"],
    "prefecture": ["--size", "prefecture"],
    "province": ["--size", "province"],
    # The province is 388 × 388 km with 3,090,897 road nodes (seed 1): twice its area and its nodes.
    "province2": ["--extent-km", "549", "--road-nodes", "6181794"],
}


# Memory budget (docs/performance.md, "Memory budget"): peak resident memory of a stage may be at most
# BASE_MIB (the program, its libraries, GDAL's and PROJ's caches) plus BUDGET_BYTES_PER_CELL[stage] × grid cells.
BASE_MIB = 100
BUDGET_BYTES_PER_CELL = {"load": 40, "connectors": 130, "search": 130, "outputs": 130}
STAGES = list(BUDGET_BYTES_PER_CELL)


def stage_of_step(label):
    """The stage a step of carereach's progress belongs to (None: keep the current one)."""
    if label.startswith(("road graph", "cell connectors")):
        return "connectors"
    if label.startswith(("travel time", "distances ")) or label.endswith("zones from seats"):
        return "search"
    if label.startswith(("layers", "report", "tables", "finish ", "export ")):
        return "outputs"
    return None


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


def read_status(pid):
    """(VmRSS, VmHWM) of a process in bytes, or None once it is gone."""
    try:
        with open(f"/proc/{pid}/status") as fh:
            text = fh.read()
    except OSError:
        return None
    rss = re.search(r"^VmRSS:\s+(\d+) kB", text, re.M)
    hwm = re.search(r"^VmHWM:\s+(\d+) kB", text, re.M)
    if not rss or not hwm:
        return None
    return int(rss.group(1)) * 1024, int(hwm.group(1)) * 1024


def run_once(exe, scenario, out, quiet):
    """One run: wall seconds, peak RSS in MiB (the kernel's, from wait4), run.json, and per stage its peak bytes."""
    cmd = [exe] + (["--quiet"] if quiet else []) + ["run", scenario, "--out", out, "--overwrite"]
    master = None
    if quiet:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    else:
        # stderr on a pseudo-terminal: carereach then shows its steps as they begin and end.
        master, slave = pty.openpty()
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=slave, stdin=subprocess.DEVNULL)
        os.close(slave)
    state = {"stage": "load", "done": False}
    peaks = {}
    lock = threading.Lock()

    def sample():
        last_hwm = 0
        while not state["done"]:
            st = read_status(p.pid)
            if st is not None:
                rss, hwm = st
                with lock:
                    stage = state["stage"]
                    # A new peak since the last reading was reached in this stage (or just before it began).
                    peaks[stage] = max(peaks.get(stage, 0), rss, hwm if hwm > last_hwm else 0)
                last_hwm = max(last_hwm, hwm)
            time.sleep(0.004)

    def step_event(label, ended):
        stage = stage_of_step(label)
        with lock:
            if not ended and stage is not None:
                state["stage"] = stage
            elif ended and stage == "connectors":
                state["stage"] = "search"  # the rest of the travel times

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    tail = ""
    if master is not None:
        buf = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            buf += chunk
            # Step lines: "label …" when it begins, "\r\x1b[Klabel … 1.23 s\n" when it ends, "\rlabel [###] 45%".
            *parts, rest = re.split(rb"[\r\n]", buf)
            buf = rest
            for raw in parts:
                line = raw.decode("utf-8", "replace").replace("\x1b[K", "").strip()
                if not line:
                    continue
                tail = (tail + line + "\n")[-3000:]
                m = re.match(r"^(.*?) …( [0-9.]+ s)?$", line)
                if not m:
                    continue
                label, ended = m.group(1), m.group(2) is not None
                step_event(label, ended)
            # A step that has begun and shows no progress yet: its line waits for the next "\r".
            pending = buf.decode("utf-8", "replace").replace("\x1b[K", "").strip()
            if pending.endswith(" …"):
                step_event(pending[:-2], False)
        os.close(master)
    else:
        tail = p.stderr.read().decode("utf-8", "replace")[-3000:]
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    state["done"] = True
    sampler.join()
    code = os.waitstatus_to_exitcode(status)
    p.returncode = code
    if code != 0:
        sys.stderr.write(tail)
        fail(f"carereach exited with {code} on {scenario}")
    rss_mb = usage.ru_maxrss / 1024.0
    with open(os.path.join(out, "run.json")) as fh:
        report = json.load(fh)
    # CPU seconds of the process (user + system, all threads): on a shared machine the wall time also counts
    # the waits for a core, the CPU time does not.
    peaks["cpu_s"] = usage.ru_utime + usage.ru_stime
    peaks["loadavg"] = os.getloadavg()[0]
    return wall, rss_mb, report, peaks


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
    ap.add_argument("--quiet", action="store_true",
                    help="run carereach --quiet without a terminal: no memory by stage, no budget check")
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
            wall, rss, report, peaks = run_once(args.carereach, scenario, os.path.join(work, size), args.quiet)
            runs.append((wall, rss, report, peaks))
            print(f"{size}: run {i + 1}/{args.runs}: {wall:.2f} s, {peaks['cpu_s']:.2f} s CPU, {rss:.0f} MiB, "
                  f"load {peaks['loadavg']:.1f}", file=sys.stderr, flush=True)
        results[size] = runs
    if not args.work:
        shutil.rmtree(work)

    # Rows: the steps in the order they first appear.
    order = []
    for size in sizes:
        for _, _, report, _ in results[size]:
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
            xs = [dict(steps_of(r)).get(name) for _, _, r, _ in results[size]]
            xs = [x for x in xs if x is not None]
            row.append(f"{med(xs):.3f}" if xs else "–")
        print(f"| {name} | " + " | ".join(row) + " |")
    walls = {s: med([w for w, _, _, _ in results[s]]) for s in sizes}
    cpus = {s: med([pk["cpu_s"] for _, _, _, pk in results[s]]) for s in sizes}
    peaks = {s: max(r for _, r, _, _ in results[s]) for s in sizes}
    print("| **whole run (process)** | " + " | ".join(f"**{walls[s]:.2f}**" for s in sizes) + " |")
    print("| CPU time of the process (user + system) | " + " | ".join(f"{cpus[s]:.2f}" for s in sizes) + " |")
    print("| load average (1 min) at the end of the runs | " + " | ".join(
        "–".join(f"{x:.1f}" for x in sorted({min(loads), max(loads)}))
        for loads in ([pk["loadavg"] for _, _, _, pk in results[s]] for s in sizes)) + " |")
    print("| peak memory (max RSS), MiB | " + " | ".join(f"{peaks[s]:,.0f}" for s in sizes) + " |")
    print("| bytes per grid cell | " + " | ".join(f"{peaks[s] * 1048576 / cells(s):.0f}" for s in sizes) + " |")
    print("| µs per grid cell | " + " | ".join(f"{walls[s] * 1e6 / cells(s):.2f}" for s in sizes) + " |")
    over = []
    if not args.quiet:
        for stage in STAGES:
            row = []
            for size in sizes:
                vals = [pk[stage] for _, _, _, pk in results[size] if stage in pk]
                if not vals:
                    row.append("–")
                    continue
                peak = max(vals)
                budget = BASE_MIB * 1048576 + BUDGET_BYTES_PER_CELL[stage] * cells(size)
                flag = ""
                if peak > budget:
                    flag = " **OVER**"
                    over.append(f"{size} {stage}: {peak / 1048576:,.0f} MiB > {budget / 1048576:,.0f} MiB")
                row.append(f"{peak / 1048576:,.0f} MiB, {max(0, peak - BASE_MIB * 1048576) / cells(size):.0f} B/cell "
                           f"(budget {BUDGET_BYTES_PER_CELL[stage]}){flag}")
            print(f"| peak memory in stage {stage}: MiB, bytes per cell above {BASE_MIB} MiB | "
                  + " | ".join(row) + " |")
    if len(sizes) >= 2:
        xs = [math.log(cells(s)) for s in sizes]
        mx = statistics.mean(xs)
        sxx = sum((x - mx) ** 2 for x in xs)
        if sxx > 0:
            print()
            for what, values in (("wall time", walls), ("CPU time", cpus)):
                ys = [math.log(values[s]) for s in sizes]
                my = statistics.mean(ys)
                slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx
                print(f"Whole run's {what} ∝ cells^{slope:.2f} (least squares on ln time against ln cells over "
                      f"{', '.join(sizes)}).")
    if over:
        print("\nOver the memory budget (docs/performance.md, \"Memory budget\"): " + "; ".join(over) + ".")
        sys.exit(1)


if __name__ == "__main__":
    main()
