#!/usr/bin/python3
"""Run carereach on a bundle of the peers' harness and write its results where the harness expects them.

usage: scripts/peers/carereach_on_bundle.py BUNDLE FACILITY_TYPE [options]

BUNDLE is a folder made by the harness's make_synthetic.py (population.tif, bundle.gpkg with the layers roads and
facilities, meta.json; EPSG:32650). FACILITY_TYPE is a value of the facilities layer's `type` field
(township_health_center, county_hospital, village_clinic, tcm_clinic).

What it does:
  1. Writes a carereach scenario per mode into BUNDLE/carereach/ (beside BUNDLE/out/): zones.geojson (one
     rectangle, the bundle's bbox, EPSG:32650), and FACILITY_TYPE-MODE.toml for each mode of --modes (node,
     edge, raster, edge-kK-dD). Analysis CRS EPSG:32650 (so lengths equal the harness's), 100 m cells, population.tif as the
     population, facilities from bundle.gpkg filtered by a standard that selects the type, roads from bundle.gpkg
     with speed_field = "speed_kmh" (cars drive every road at its speed_kmh, both ways), access walk 5 km/h,
     search limit 60 min.
  2. For each mode, runs `carereach traveltime` once with --nearest and --node-times (the outputs), then --runs
     times without them (the timed end-to-end runs: files -> travel-time GeoTIFF), and `carereach run` once for its
     own step timings (run.json timings_s).
  3. Writes BUNDLE/out/FACILITY_TYPE/<name>/ with the keys compare.py reads:
       result.json        A_share_15/30/60 (R_share_* for the raster engine), load_s, compute_s, total_s, and
                          carereach's step timings
       traveltime_min.tif Float32 minutes on the population grid, -1 = not reached within 60 min or unpopulated
       node_time.npz      xy (graph node coordinates, m), t (seconds, inf = not reached) — network engine only
     <name> is `carereach` for --snap node (the harness's DEF A), `carereach-edge` for carereach's default (3
     connectors per cell, 1,000 m maximum access distance), `carereach-edge-kK-dD` for edge snapping with K
     connectors and D metres, and `carereach-raster` for the raster engine (mode car, 16 neighbours, walking
     5 km/h off the roads).
  4. With --peers DIR (the harness folder), runs DIR/compare.py BUNDLE FACILITY_TYPE and, when the harness's
     networkx result is there, checks that carereach's node mode equals it: every node time within 0.01 s and
     the three shares within 1e-6. Exit status 1 when that check fails.

Timings: total_s is the median wall time of the timed `carereach traveltime` runs (process start to exit).
load_s is the sum of the load steps of `carereach run` (checksums excluded: `traveltime` skips them);
compute_s is carereach's routing-and-assignment step ("search": snapping the facilities, the bounded multi-source
search and the assignment of every populated cell), the counterpart of networkx's compute_s (Dijkstra +
assignment). Graph building and cell connectors are reported separately (graph_s, connectors_s) and count as
preparation, as networkx's graph building and KD-tree snapping do.

Needs Debian's /usr/bin/python3 with python3-gdal and python3-numpy, and a Release build of carereach.
"""
import argparse
import csv
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

import numpy as np
from osgeo import gdal, ogr

gdal.UseExceptions()
ogr.UseExceptions()

THRESHOLDS_MIN = (15, 30, 60)
SEARCH_LIMIT_MIN = 60.0
WALK_KMH = 5.0          # the harness's walking speed (access_common.WALK_KMH)
CELL_SIZE_M = 100.0
STANDARD_ID = "peer_reach"

# Built-in taxonomy type ids (docs/method/taxonomy.md). A bundle type that is one of them is used as it is; the
# harness's other types are mapped to the taxonomy type they stand for.
TAXONOMY_TYPES = {
    "general_hospital", "tcm_hospital", "integrated_hospital", "ethnic_hospital", "specialized_hospital",
    "nursing_hospital", "maternal_child_health", "community_health_center", "community_health_station",
    "subdistrict_health_center", "township_health_center", "village_clinic", "outpatient_department", "clinic",
    "emergency_center", "disease_prevention_institute",
}
HARNESS_TYPES = {"county_hospital": "general_hospital", "tcm_clinic": "clinic"}

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def fail(msg, code=2):
    print(f"carereach_on_bundle.py: {msg}", file=sys.stderr)
    sys.exit(code)


def toml_str(s):
    return json.dumps(s, ensure_ascii=False)  # a JSON string is a valid TOML basic string


# ------------------------------------------------------------------------------------------------ scenario

def bundle_types(bundle):
    ds = ogr.Open(os.path.join(bundle, "bundle.gpkg"))
    lyr = ds.GetLayer("facilities")
    values = sorted({f.GetField("type") for f in lyr if f.GetField("type")})
    ds = None
    return values


def type_mapping(values):
    """Bundle type value -> taxonomy id, one id per value (so a standard selects exactly one bundle type), plus
    the new taxonomy types to declare for values that have no counterpart."""
    mapping, new_types, used = {}, [], set()
    for v in values:
        if v in TAXONOMY_TYPES and v not in used:
            mapping[v] = v
            used.add(v)
    for v in values:
        if v in mapping:
            continue
        target = HARNESS_TYPES.get(v)
        if target is None or target in used:
            target = "peer_" + re.sub(r"[^a-z0-9_]", "_", v.lower())
            new_types.append(target)
        mapping[v] = target
        used.add(target)
    return mapping, new_types


def write_zones(path, bbox):
    x0, y0, x1, y1 = bbox
    gj = {
        "type": "FeatureCollection",
        "name": "bundle_extent",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32650"}},
        "features": [{
            "type": "Feature",
            "properties": {"code": "1", "name": "bundle extent"},
            "geometry": {"type": "Polygon",
                         "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]},
        }],
    }
    with open(path, "w") as fh:
        json.dump(gj, fh)


def scenario_text(bundle_name, ftype, taxonomy_id, mapping, new_types, snap, engine, connectors=3,
                  max_access_m=1000.0):
    lines = [
        f"# Written by scripts/peers/carereach_on_bundle.py for the peers' bundle {bundle_name}, type {ftype}.",
        "# The harness's definition: every road drivable both ways at its speed_kmh, walking 5 km/h, 60 min limit.",
        "[scenario]",
        f"name = {toml_str(f'peers bundle {bundle_name}: {ftype} ({engine}, snap {snap})')}",
        "",
        "[analysis]",
        'crs = "EPSG:32650"',
        f"cell_size_m = {CELL_SIZE_M:g}",
        'output_crs = "EPSG:32650"',
        "",
        "[[zones]]",
        'level = "bundle"',
        'source = "zones.geojson"',
        'crs = "EPSG:32650"',
        'code_field = "code"',
        'name_field = "name"',
        "",
        "[population]",
        'kind = "raster"',
        'source = "../population.tif"',
        "",
        "[[facilities]]",
        'source = "../bundle.gpkg"',
        'layer = "facilities"',
        "[facilities.fields]",
        'id = "id"',
        'name = "name"',
        'type = "type"',
        'beds = "beds"',
        "[facilities.type_map]",
    ]
    for v, t in sorted(mapping.items()):
        if v != t:
            lines.append(f"{toml_str(v)} = {toml_str(t)}")
    lines += [
        "",
        "[roads]",
        'source = "../bundle.gpkg"',
        'layer = "roads"',
        'class_field = "highway"',
        'speed_field = "speed_kmh"',
        "modelled = true",
        "",
        "[travel]",
        f'snap = "{snap}"',
        f"search_limit_min = {SEARCH_LIMIT_MIN:g}",
        f"connectors_per_cell = {connectors}",
        f"access_speed_kmh = {WALK_KMH:g}",
        f"max_access_distance_m = {max_access_m:g}",
        "",
        "[raster]",
        "neighbours = 16",
        'no_land_cover = "default_speed"',
        f"default_speed_kmh = {WALK_KMH:g}",
        "",
    ]
    for t in new_types:
        lines += ["[[taxonomy.types]]", f"id = {toml_str(t)}", f"name_zh = {toml_str(t)}",
                  f"name_en = {toml_str(t)}", 'category = "other"', ""]
    lines += [
        "[standards]",
        "defaults = false",
        "",
        f"[standards.{STANDARD_ID}]",
        f"name_zh = {toml_str(ftype + ' 60分钟')}",
        f"name_en = {toml_str(ftype + ' within 60 minutes by car')}",
        f"types = [{toml_str(taxonomy_id)}]",
        'mode = "car"',
        f'engine = "{engine}"',
        "threshold_min = 60",
        "",
    ]
    return "\n".join(lines)


# ------------------------------------------------------------------------------------------------ running

def run_timed(cmd):
    """Run a command; return (wall seconds, max RSS in MB) or exit with its output on failure."""
    t0 = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        sys.stderr.write(p.stdout + p.stderr)
        fail(f"command failed (exit {p.returncode}): {' '.join(cmd)}", 1)
    rss_kb = int(p.stderr.strip().splitlines()[-1])
    return wall, rss_kb / 1024.0


def read_population(bundle):
    ds = gdal.Open(os.path.join(bundle, "population.tif"))
    a = ds.GetRasterBand(1).ReadAsArray().astype(np.float64)
    gt = ds.GetGeoTransform()
    ds = None
    return a, gt


def read_carereach_minutes(path, shape, gt):
    ds = gdal.Open(path)
    b = ds.GetRasterBand(1)
    a = b.ReadAsArray().astype(np.float64)
    nodata = b.GetNoDataValue()
    g = ds.GetGeoTransform()
    ds = None
    if a.shape != shape or any(abs(p - q) > 1e-6 for p, q in zip(g, gt)):
        fail(f"{path}: grid {a.shape} {g} differs from population.tif {shape} {gt}", 1)
    unreached = ~np.isfinite(a)
    if nodata is not None:
        unreached |= a == nodata
    a[unreached] = np.inf
    return a


def shares(t_min, pop):
    m = pop > 0
    tot = float(pop[m].sum())
    return {T: round(float(pop[m & (t_min <= T)].sum()) / tot, 6) for T in THRESHOLDS_MIN}


def write_minutes_tif(path, t_min, pop, src_path):
    """The harness's convention: Float32 minutes, -1 = not reached or unpopulated, on the population grid."""
    a = np.where((pop > 0) & np.isfinite(t_min), t_min, -1.0).astype(np.float32)
    src = gdal.Open(src_path)
    drv = gdal.GetDriverByName("GTiff")
    ds = drv.Create(path, a.shape[1], a.shape[0], 1, gdal.GDT_Float32, ["COMPRESS=DEFLATE", "TILED=YES"])
    ds.SetGeoTransform(src.GetGeoTransform())
    ds.SetProjection(src.GetProjection())
    b = ds.GetRasterBand(1)
    b.SetNoDataValue(-1.0)
    b.WriteArray(a)
    ds = None
    src = None


def node_times_npz(csv_path, npz_path):
    xy, t = [], []
    with open(csv_path) as fh:
        for row in csv.DictReader(fh):
            xy.append((float(row["x_m"]), float(row["y_m"])))
            t.append(float(row["time_s"]) if row["time_s"] else math.inf)
    np.savez_compressed(npz_path, xy=np.array(xy, dtype=np.float64), t=np.array(t, dtype=np.float64))
    return len(t), int(np.isfinite(np.array(t)).sum())


def run_json_timings(exe, scenario, workdir):
    """`carereach run` once; returns its timings_s and the standard's travel timings."""
    out = os.path.join(workdir, "run")
    if os.path.isdir(out):
        shutil.rmtree(out)
    wall, rss = run_timed([exe, "--quiet", "run", scenario, "--out", out])
    with open(os.path.join(out, "run.json")) as fh:
        j = json.load(fh)
    timings = j["timings_s"]
    std = next(s for s in j["travel"]["standards"] if s["id"] == STANDARD_ID)
    std["warnings"] = [w["code"] + ": " + w["message"] for w in j.get("warnings", [])]
    return timings, std, wall, rss


def carereach_version(exe):
    p = subprocess.run([exe, "--version"], capture_output=True, text=True)
    return (p.stdout.strip().splitlines() or ["?"])[0]


def parse_mode(mode):
    """node | edge | raster | edge-kK-dD (edge snapping with K connectors per cell and D m maximum access distance)
    -> (engine, snap, K, D, output folder name)."""
    if mode == "node":
        return "network", "node", 3, 1000.0, "carereach"
    if mode == "edge":
        return "network", "edge", 3, 1000.0, "carereach-edge"
    if mode == "raster":
        return "raster", "edge", 3, 1000.0, "carereach-raster"
    m = re.fullmatch(r"edge-k([1-8])-d(\d+)", mode)
    if m:
        return "network", "edge", int(m.group(1)), float(m.group(2)), f"carereach-{mode}"
    return None


def one_mode(args, exe, bundle, ftype, scen_dir, mode, pop, gt, nfac):
    engine, snap, connectors, max_access_m, name = parse_mode(mode)
    out = os.path.join(bundle, "out", ftype, name)
    os.makedirs(out, exist_ok=True)
    scenario = os.path.join(scen_dir, f"{ftype}-{mode}.toml")
    tif = os.path.join(out, "carereach_minutes.tif")
    near = os.path.join(out, "carereach_nearest.tif")
    nodes_csv = os.path.join(out, "node_times.csv")

    # The outputs (one run with the extra files).
    cmd = [exe, "--quiet", "traveltime", scenario, "--standard", STANDARD_ID, "--out", tif, "--nearest", near,
           "--overwrite"]
    if engine == "network":
        cmd += ["--snap", snap, "--node-times", nodes_csv]
    run_timed(cmd)

    # The timed runs: files -> travel-time GeoTIFF, nothing else.
    timed_tif = os.path.join(out, "timed_minutes.tif")
    tcmd = [exe, "--quiet", "traveltime", scenario, "--standard", STANDARD_ID, "--out", timed_tif, "--overwrite"]
    if engine == "network":
        tcmd += ["--snap", snap]
    walls, rsss = [], []
    for _ in range(args.runs):
        w, r = run_timed(tcmd)
        walls.append(w)
        rsss.append(r)
    os.remove(timed_tif)

    timings, std, run_wall, _ = run_json_timings(exe, scenario, out)
    load_steps = {k: v for k, v in timings.items() if not k.startswith("travel times") and k != "checksums"}
    load_s = sum(load_steps.values())
    st = std.get("timings_s", {})

    t_min = read_carereach_minutes(tif, pop.shape, gt)
    sh = shares(t_min, pop)
    write_minutes_tif(os.path.join(out, "traveltime_min.tif"), t_min, pop, os.path.join(bundle, "population.tif"))
    prefix = "R_" if engine == "raster" else "A_"
    res = {
        "peer": name, "version": carereach_version(exe), "bundle": os.path.basename(bundle), "facility_type": ftype,
        "engine": engine, "mode": "car", "n_facilities": nfac,
        "definition": {
            "node": "DEF A: facilities start at their nearest graph node at 0 s; cells walk straight to their nearest "
                    "node at 5 km/h (carereach --snap node)",
            "edge": f"carereach edge snapping (default): facilities and cells join the nearest points of roads, "
                    f"{connectors} connector(s) per cell within {max_access_m:,.0f} m, direct walks to facilities "
                    f"within {max_access_m:,.0f} m, each facility's own access walk",
            "raster": "carereach raster engine: roads rasterised at their speed_kmh (fastest per cell), walking 5 km/h "
                      "elsewhere, 16 neighbours (r.cost -k step rule)",
        }[snap if engine == "network" else "raster"],
        "connectors_per_cell": connectors if engine == "network" and snap == "edge" else None,
        "max_access_distance_m": max_access_m if engine == "network" and snap == "edge" else None,
        **{f"{prefix}share_{T}": v for T, v in sh.items()},
        "load_s": round(load_s, 4),
        "graph_s": round(st.get("graph", 0.0), 4),
        "connectors_s": round(st.get("connectors", 0.0), 4),
        "friction_s": round(st.get("friction", 0.0), 4),
        "search_s": round(st.get("search", 0.0), 4),
        "compute_s": round(st.get("search", 0.0), 4),
        "run_travel_times_s": round(timings.get(f"travel times {STANDARD_ID}", float("nan")), 4),
        "run_load_steps_s": {k: round(v, 4) for k, v in load_steps.items()},
        "run_wall_s": round(run_wall, 4),
        "total_s": round(statistics.median(walls), 4),
        "total_runs_s": [round(w, 4) for w in walls],
        "max_rss_mb": round(max(rsss), 1),
        "warnings": std["warnings"],
        "command": " ".join(tcmd),
    }
    if engine == "network":
        n, reached = node_times_npz(nodes_csv, os.path.join(out, "node_time.npz"))
        res["graph_nodes"] = n
        res["nodes_reached_60"] = reached
    with open(os.path.join(out, "result.json"), "w") as fh:
        json.dump(res, fh, indent=1)
    shown = {k: res[k] for k in res if "share" in k or k in ("total_s", "load_s", "compute_s", "graph_s",
                                                               "connectors_s", "friction_s", "nodes_reached_60")}
    print(f"{name}: {json.dumps(shown)}")
    return res


def check_against_networkx(bundle, ftype):
    """carereach node mode vs networkx: node times within 0.01 s, shares within 1e-6. Returns a list of problems."""
    d = os.path.join(bundle, "out", ftype)
    nx_dir, cr_dir = os.path.join(d, "networkx"), os.path.join(d, "carereach")
    if not os.path.exists(os.path.join(nx_dir, "result.json")):
        return None
    problems = []
    nx_res = json.load(open(os.path.join(nx_dir, "result.json")))
    cr_res = json.load(open(os.path.join(cr_dir, "result.json")))
    for T in THRESHOLDS_MIN:
        k = f"A_share_{T}"
        if abs(nx_res[k] - cr_res[k]) > 1e-6:
            problems.append(f"{k}: carereach {cr_res[k]} vs networkx {nx_res[k]}")
    ref = np.load(os.path.join(nx_dir, "node_time.npz"))
    ours = np.load(os.path.join(cr_dir, "node_time.npz"))
    rk = {(int(round(x * 100)), int(round(y * 100))): t for (x, y), t in zip(ref["xy"], ref["t"])}
    worst, unmatched, one_only, compared = 0.0, 0, 0, 0
    for (x, y), t in zip(ours["xy"], ours["t"]):
        t0 = rk.get((int(round(x * 100)), int(round(y * 100))))
        if t0 is None:
            unmatched += 1
        elif np.isinf(t0) != np.isinf(t):
            one_only += 1
        elif np.isfinite(t):
            compared += 1
            worst = max(worst, abs(t - t0))
    if unmatched or one_only or worst > 0.01 or len(ours["t"]) != len(ref["t"]):
        problems.append(f"node times: {compared} compared, max |dt| {worst:.4f} s, {one_only} reached by one only, "
                        f"{unmatched} unmatched, {len(ours['t'])} vs {len(ref['t'])} nodes")
    print(f"check carereach (node) vs networkx: {compared} reached nodes, max |dt| {worst:.5f} s; shares "
          + ", ".join(f"{cr_res[f'A_share_{T}']:.6f}/{nx_res[f'A_share_{T}']:.6f}" for T in THRESHOLDS_MIN)
          + (" — OK" if not problems else " — FAILED"))
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("bundle", help="bundle folder (make_synthetic.py output)")
    ap.add_argument("type", help="facility type (value of the facilities layer's `type` field)")
    ap.add_argument("--carereach", default=os.path.join(REPO, "build", "src", "cli", "carereach"),
                    help="carereach executable (default: build/src/cli/carereach of this repository)")
    ap.add_argument("--modes", default="node,edge",
                    help="comma-separated: node (DEF A), edge (carereach's default), raster, and edge variants "
                         "edge-kK-dD (K connectors per cell, D m maximum access distance; e.g. edge-k1-d10000); "
                         "default node,edge")
    ap.add_argument("--raster", action="store_true", help="also run the raster engine (same as adding raster)")
    ap.add_argument("--runs", type=int, default=1, help="timed end-to-end runs per mode (median reported)")
    ap.add_argument("--peers", help="the harness folder (holding compare.py): compare and check at the end")
    args = ap.parse_args()

    bundle = os.path.abspath(args.bundle.rstrip("/"))
    ftype = args.type
    exe = os.path.abspath(args.carereach)
    for f in ("population.tif", "bundle.gpkg", "meta.json"):
        if not os.path.exists(os.path.join(bundle, f)):
            fail(f"{bundle} has no {f}: give a bundle made by the harness's make_synthetic.py")
    if not os.access(exe, os.X_OK):
        fail(f"{exe} is not an executable; build carereach first (cmake --build build) or pass --carereach")
    if args.runs < 1:
        fail("--runs must be at least 1")
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    if args.raster and "raster" not in modes:
        modes.append("raster")
    for m in modes:
        if parse_mode(m) is None:
            fail(f"unknown mode {m} (node, edge, raster, edge-kK-dD such as edge-k1-d10000)")

    with open(os.path.join(bundle, "meta.json")) as fh:
        meta = json.load(fh)
    if int(meta.get("epsg", 32650)) != 32650:
        fail(f"the bundle is in EPSG:{meta['epsg']}; this script writes EPSG:32650 scenarios")
    values = bundle_types(bundle)
    if ftype not in values:
        fail(f"no facility of type {ftype} in {bundle}/bundle.gpkg (types: {', '.join(values)})")
    mapping, new_types = type_mapping(values)
    nfac = int(meta.get("facilities", {}).get(ftype, 0))

    scen_dir = os.path.join(bundle, "carereach")
    os.makedirs(scen_dir, exist_ok=True)
    write_zones(os.path.join(scen_dir, "zones.geojson"), meta["bbox"])
    for m in modes:
        engine, snap, connectors, max_access_m, _ = parse_mode(m)
        with open(os.path.join(scen_dir, f"{ftype}-{m}.toml"), "w") as fh:
            fh.write(scenario_text(meta.get("name", os.path.basename(bundle)), ftype, mapping[ftype], mapping,
                                   new_types, snap, engine, connectors, max_access_m))

    pop, gt = read_population(bundle)
    for m in modes:
        one_mode(args, exe, bundle, ftype, scen_dir, m, pop, gt, nfac)

    status = 0
    if args.peers:
        compare = os.path.join(args.peers, "compare.py")
        if not os.path.exists(compare):
            fail(f"{compare} not found (--peers is the harness folder)")
        p = subprocess.run(["/usr/bin/python3", compare, bundle, ftype], capture_output=True, text=True)
        sys.stdout.write(p.stdout)
        if p.returncode != 0:
            sys.stderr.write(p.stderr)
            status = 1
        if "node" in modes:
            problems = check_against_networkx(bundle, ftype)
            if problems is None:
                print("no networkx result: run the harness's networkx_msd.py BUNDLE TYPE first for the exact check")
            elif problems:
                for pr in problems:
                    print("  " + pr)
                status = 1
    sys.exit(status)


if __name__ == "__main__":
    main()
