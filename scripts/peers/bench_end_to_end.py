#!/usr/bin/python3
"""Time carereach against the peers on one bundle, in one session: medians over several alternating runs.

usage: scripts/peers/bench_end_to_end.py BUNDLE FACILITY_TYPE --peers DIR [--runs N] [--grass] [--out FILE]

Each round runs, one after the other (so that load on a shared machine hits every command alike):
  carereach traveltime  node mode    (the harness's DEF A)       files -> travel-time GeoTIFF
  carereach traveltime  edge mode    (carereach's default)        files -> travel-time GeoTIFF
  carereach traveltime  raster engine (mode car, 16 neighbours)   files -> travel-time GeoTIFF
  networkx_msd.py       (the harness's reference peer, DIR/networkx_msd.py), end to end
  carereach run         node, edge and raster scenarios: carereach's own step timings (run.json timings_s)
With --grass, DIR/grass_rcost.sh runs once after the rounds (about 100 s on the 200 km bundle); otherwise the
figures of an earlier GRASS run in BUNDLE/out/FACILITY_TYPE/grass_rcost/result.json are used, when there.
pgRouting and QGIS are not re-run (minutes each): their result.json / logs under BUNDLE/out/FACILITY_TYPE/ are
quoted when present.

Wall times are measured around the process (Python's perf_counter around /usr/bin/time, which also gives the
maximum resident set size). The scenarios are those of carereach_on_bundle.py (written again here).
Writes a Markdown report to stdout and, with --out, a JSON file with every run.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import carereach_on_bundle as cob  # noqa: E402


def timed(cmd, env=None):
    t0 = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        sys.stderr.write(p.stdout[-3000:] + p.stderr[-3000:])
        cob.fail(f"command failed (exit {p.returncode}): {' '.join(cmd)}", 1)
    return wall, int(p.stderr.strip().splitlines()[-1]) / 1024.0


def med(xs):
    return statistics.median(xs) if xs else float("nan")


def rng(xs):
    return f"{min(xs):.3f}–{max(xs):.3f}" if xs else ""


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("bundle")
    ap.add_argument("type")
    ap.add_argument("--peers", required=True, help="the harness folder (networkx_msd.py, grass_rcost.sh)")
    ap.add_argument("--carereach", default=os.path.join(cob.REPO, "build", "src", "cli", "carereach"))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--grass", action="store_true", help="run grass_rcost.sh once after the rounds")
    ap.add_argument("--out", help="JSON file for every measured run")
    args = ap.parse_args()

    bundle = os.path.abspath(args.bundle.rstrip("/"))
    ftype = args.type
    exe = os.path.abspath(args.carereach)
    meta = json.load(open(os.path.join(bundle, "meta.json")))
    mapping, new_types = cob.type_mapping(cob.bundle_types(bundle))
    scen_dir = os.path.join(bundle, "carereach")
    os.makedirs(scen_dir, exist_ok=True)
    cob.write_zones(os.path.join(scen_dir, "zones.geojson"), meta["bbox"])
    scen = {}
    for m in ("node", "edge", "raster"):
        engine, snap, k, d, _ = cob.parse_mode(m)
        scen[m] = os.path.join(scen_dir, f"{ftype}-{m}.toml")
        with open(scen[m], "w") as fh:
            fh.write(cob.scenario_text(meta.get("name", os.path.basename(bundle)), ftype, mapping[ftype], mapping,
                                       new_types, snap, engine, k, d))
    work = os.path.join(bundle, "out", ftype, "bench")
    os.makedirs(work, exist_ok=True)
    tif = os.path.join(work, "t.tif")
    nx_script = os.path.join(args.peers, "networkx_msd.py")

    cmds = {
        "carereach node": [exe, "--quiet", "traveltime", scen["node"], "--standard", cob.STANDARD_ID, "--out", tif,
                           "--snap", "node", "--overwrite"],
        "carereach edge": [exe, "--quiet", "traveltime", scen["edge"], "--standard", cob.STANDARD_ID, "--out", tif,
                           "--snap", "edge", "--overwrite"],
        "carereach raster": [exe, "--quiet", "traveltime", scen["raster"], "--standard", cob.STANDARD_ID, "--out",
                             tif, "--overwrite"],
        "networkx": ["/usr/bin/python3", nx_script, bundle, ftype],
    }
    runs = {k: [] for k in cmds}
    rss = {k: [] for k in cmds}
    nx_steps = []
    cr_steps = {m: [] for m in scen}
    started = time.strftime("%Y-%m-%d %H:%M:%S")
    for i in range(args.runs):
        for k, c in cmds.items():
            w, r = timed(c)
            runs[k].append(w)
            rss[k].append(r)
            if k == "networkx":
                nx_steps.append(json.load(open(os.path.join(bundle, "out", ftype, "networkx", "result.json"))))
        for m in scen:
            out = os.path.join(work, f"run-{m}")
            w, r = timed([exe, "--quiet", "run", scen[m], "--out", out, "--overwrite"])
            j = json.load(open(os.path.join(out, "run.json")))
            st = next(s for s in j["travel"]["standards"] if s["id"] == cob.STANDARD_ID)
            steps = dict(j["timings_s"])
            steps.update({"std_" + a: b for a, b in st["timings_s"].items()})
            steps["run_wall"] = w
            steps["run_rss_mb"] = r
            cr_steps[m].append(steps)
        print(f"round {i + 1}/{args.runs}: " + ", ".join(f"{k} {runs[k][-1]:.2f} s" for k in cmds), file=sys.stderr)
    if os.path.exists(tif):
        os.remove(tif)

    grass = None
    if args.grass:
        w, r = timed([os.path.join(args.peers, "grass_rcost.sh"), bundle, ftype, "--no-walk"])
        grass = json.load(open(os.path.join(bundle, "out", ftype, "grass_rcost", "result.json")))
        grass["process_wall_s"] = w
        grass["max_rss_mb"] = r
        grass["measured"] = "this session"
    elif os.path.exists(os.path.join(bundle, "out", ftype, "grass_rcost", "result.json")):
        grass = json.load(open(os.path.join(bundle, "out", ftype, "grass_rcost", "result.json")))
        grass["measured"] = "earlier run"
    pg = None
    pg_file = os.path.join(bundle, "out", ftype, "pgrouting", "result.json")
    if os.path.exists(pg_file):
        pg = json.load(open(pg_file))
    finished = time.strftime("%Y-%m-%d %H:%M:%S")

    # ---------------------------------------------------------------------------------------------- report
    def step(m, key):
        return med([s.get(key, float("nan")) for s in cr_steps[m]])

    nx_e2e = med(runs["networkx"])
    nx_total = med([s["total_s"] for s in nx_steps])
    nx_compute = med([s["compute_s"] for s in nx_steps])
    print(f"### {os.path.basename(bundle)} / {ftype}: {args.runs} alternating rounds, {started} – {finished}\n")
    print("| command | median wall s | range | max RSS MB |")
    print("|---|---:|---|---:|")
    for k in cmds:
        print(f"| {k} | {med(runs[k]):.3f} | {rng(runs[k])} | {max(rss[k]):.0f} |")
    print(f"| networkx (its own total_s, after imports) | {nx_total:.3f} | {rng([s['total_s'] for s in nx_steps])} | |")
    print()
    print("carereach steps (`carereach run`, run.json timings_s, medians):\n")
    load_keys = [k for k in cr_steps["node"][0] if not k.startswith(("std_", "travel times", "run_"))]
    print("| scenario | " + " | ".join(load_keys) + " | graph | connectors | friction | search | travel step "
          "(incl. GeoTIFF) | run wall |")
    print("|---" * (len(load_keys) + 7) + "|")
    for m in scen:
        row = [f"{step(m, k):.3f}" for k in load_keys]
        row += [f"{step(m, 'std_' + k):.3f}" if k in cr_steps[m][0] or "std_" + k in cr_steps[m][0] else "–"
                for k in ("graph", "connectors", "friction", "search")]
        row += [f"{step(m, 'travel times ' + cob.STANDARD_ID):.3f}", f"{step(m, 'run_wall'):.3f}"]
        print(f"| {m} | " + " | ".join(row) + " |")
    print()
    print("networkx steps (result.json, medians): " + ", ".join(
        f"{k} {med([s[k] for s in nx_steps]):.3f}" for k in ("load_s", "build_graph_s", "snap_s", "dijkstra_s",
                                                          "assign_s", "compute_s", "total_s")))
    print()
    print("| comparison | carereach | peer | ratio (peer / carereach) |")
    print("|---|---:|---:|---:|")
    for m in ("node", "edge"):
        c = med(runs[f"carereach {m}"])
        print(f"| end to end, {m} mode vs networkx process | {c:.3f} s | {nx_e2e:.3f} s | {nx_e2e / c:.1f}× |")
        print(f"| end to end, {m} mode vs networkx total_s | {c:.3f} s | {nx_total:.3f} s | {nx_total / c:.1f}× |")
        s = step(m, "std_search")
        print(f"| routing + assignment, {m} mode vs networkx compute_s | {s:.4f} s | {nx_compute:.3f} s | "
              f"{nx_compute / s:.0f}× |")
        if grass:
            print(f"| end to end, {m} mode vs GRASS r.cost -k pipeline ({grass['measured']}) | {c:.3f} s | "
                  f"{grass['total_s']:.1f} s | {grass['total_s'] / c:.0f}× |")
        if pg:
            print(f"| end to end, {m} mode vs pgRouting ({'reused preparation' if pg.get('reused_preparation') else 'full'}) "
                  f"| {c:.3f} s | {pg['total_s']:.1f} s | {pg['total_s'] / c:.0f}× |")
    c = med(runs["carereach raster"])
    s = step("raster", "std_search")
    if grass:
        print(f"| raster engine search vs r.cost -k itself ({grass['measured']}) | {s:.3f} s | {grass['cost_s']:.2f} s | "
              f"{grass['cost_s'] / s:.0f}× |")
        print(f"| raster end to end vs GRASS pipeline | {c:.3f} s | {grass['total_s']:.1f} s | {grass['total_s'] / c:.0f}× |")
    if args.out:
        with open(args.out, "w") as fh:
            json.dump({"bundle": os.path.basename(bundle), "type": ftype, "started": started, "finished": finished,
                       "commands": {k: " ".join(v) for k, v in cmds.items()}, "wall_s": runs, "max_rss_mb": rss,
                       "networkx_steps": nx_steps, "carereach_steps": cr_steps, "grass": grass, "pgrouting": pg},
                      fh, indent=1)


if __name__ == "__main__":
    main()
