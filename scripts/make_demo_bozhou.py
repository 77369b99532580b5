#!/usr/bin/python3
"""Build the Bozhou (亳州市, 341600) demo data set in geodata/bozhou/.

Reads only the extracts in geodata/bozhou/sources/ (see geodata/bozhou/README.md for their sources and
licences) and writes:

  counties.geojson           the four county-level units (WGS 84)
  census2020_counties.csv    2020 census totals and urban shares of the four units
  township_seats.csv         the 83 township-level units with a seat, converted GCJ-02 -> WGS 84 by carereach
  townships_without_seat.csv the other 17 of the 100 township-level units
  facilities.csv             proxy facilities (乡镇卫生院, 社区卫生服务中心/站, 村卫生室, county hospitals)
  population_100m.tif        modelled population grid, 100 m, EPSG:4548, county sums = census totals
  roads_modelled.gpkg        modelled road skeleton (layer roads, EPSG:4326), one connected network

GCJ-02 -> WGS 84 is done by `carereach convert-coords` (binary from $CAREREACH_BIN, default
<repo>/build/src/cli/carereach).

Usage:  make_demo_bozhou.py                      rebuild the outputs from sources/
        make_demo_bozhou.py --extract-from DIR   first refresh sources/ from a copy of the raw data
                                                 (DIR holds china-census2020/ and china-adcode-2016-gcj02/)
"""

import argparse
import csv
import io
import json
import math
import os
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np
from osgeo import gdal, ogr, osr
from scipy import ndimage
from shapely import wkb as shapely_wkb
from shapely.geometry import LineString, MultiLineString, MultiPolygon, Point, Polygon, box, shape
from shapely.strtree import STRtree
from shapely.ops import unary_union

gdal.UseExceptions()
ogr.UseExceptions()
osr.UseExceptions()

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "geodata" / "bozhou"
SRC = OUT / "sources"

PREFECTURE = "341600"
PREFECTURE_SEAT_COUNTY = "341602"  # 谯城区 is the seat of 亳州市
COUNTIES = ["341602", "341621", "341622", "341623"]
CENSUS_TOTAL = 4_996_844

# ---------------------------------------------------------------- model parameters (documented in README.md)
SEED = 341600
CELL = 100.0                      # metres
GRID_EPSG = 4548                  # CGCS2000 / 3-degree Gauss-Kruger CM 117E
CORE_SHARE = 0.60                 # share of a county's urban population around the county seat
CORE_PEAK = 15_000.0              # persons/km2 at the centre of the county-seat kernel
TOWN_H = 600.0                    # m, e-folding distance of a township-seat kernel
HAMLETS_PER_KM2 = 1.0             # rural settlement points per km2 (random, fixed seed)
HAMLET_SIGMA = 150.0              # m, Gaussian spread of a rural settlement
RURAL_FLOOR = 0.4                 # share of the rural weight spread evenly over the county
HOSPITAL_OFFSET = 200.0           # m east/north of the county seat: 人民医院 at (-d,+d), 中医院 at (+d,-d)
COUNTY_LINK_CLEARANCE = 10_000.0  # m
KNN = 2                           # township seats linked to their k nearest township seats
MESH_SPACING = 2000.0             # m, modelled village-road mesh (0 disables it)

# Typical round values per facility type (proxies, not the real institutions' figures).
# 类别: (等级, 床位数, 执业医师数, 注册护士数, 全科医生数, 中医床位数, 中医执业医师数)
ATTRS = {
    "综合医院": ("二级", 1000, 350, 500, 20, 30, 25),
    "中医医院": ("二级", 600, 200, 300, 10, 450, 100),
    "乡镇卫生院": ("一级", 40, 14, 12, 4, 6, 2),
    "社区卫生服务中心": ("一级", 20, 18, 16, 8, 4, 3),
    "社区卫生服务站": ("未定级", 0, 3, 3, 1, 0, 0),
    "村卫生室": ("未定级", 0, 1, 0, 0, 0, 0),
}
TYPE_PREFIX = {"综合医院": "ZH", "中医医院": "ZY", "乡镇卫生院": "WY", "社区卫生服务中心": "SQ",
               "社区卫生服务站": "SZ", "村卫生室": "WS"}
TYPE_RANK = {t: i for i, t in enumerate(TYPE_PREFIX)}

ROAD_RANK = {"trunk": 0, "primary": 1, "secondary": 2, "tertiary": 3, "unclassified": 4, "residential": 5}

# Source extracts kept in the repository
SRC_TOWNSHIPS = "townships_bozhou_2016_gcj02.csv"
SRC_ADCODE = "adcode_bozhou_2016_gcj02.csv"
SRC_CENSUS = "census2020_bozhou_counties.csv"
SRC_BOUNDARIES = "counties_bozhou_wgs84.geojson"


def log(msg):
    print(msg, flush=True)


def fail(msg):
    sys.exit("make_demo_bozhou: " + msg)


# ------------------------------------------------------------------------------------------ source extracts
def extract_sources(data_dir: Path):
    """Refresh sources/ from the raw data (only with --extract-from)."""
    SRC.mkdir(parents=True, exist_ok=True)

    def filter_lines(src: Path, dst: Path, keep):
        with open(src, encoding="utf-8-sig", newline="") as f:
            lines = f.read().splitlines()
        header = lines[0]
        kept = [ln for ln in lines[1:] if keep(next(csv.reader([ln])))]
        with open(dst, "w", encoding="utf-8", newline="\n") as f:
            f.write("\n".join([header] + kept) + "\n")
        return len(kept)

    adc = data_dir / "china-adcode-2016-gcj02"
    n = filter_lines(adc / "townships_5prefectures_2016_points_gcj02.csv", SRC / SRC_TOWNSHIPS,
                     lambda r: r[2][:4] == PREFECTURE[:4])
    log(f"sources/{SRC_TOWNSHIPS}: {n} rows")
    # adcode rows: the prefecture and its counties, and the villages that have coordinates
    n = filter_lines(adc / "adcode_5prefectures_2016_gcj02.csv", SRC / SRC_ADCODE,
                     lambda r: r[0][:4] == PREFECTURE[:4] and
                     (r[3] in ("city", "county") or (r[3] == "village" and r[12] != "")))
    log(f"sources/{SRC_ADCODE}: {n} rows")
    n = filter_lines(data_dir / "china-census2020" / "census2020_5prefectures_counties.csv", SRC / SRC_CENSUS,
                     lambda r: r[2] == PREFECTURE)
    log(f"sources/{SRC_CENSUS}: {n} rows")
    with open(data_dir / "china-census2020" / "counties_5prefectures_unprojected_wgs84.geojson", encoding="utf-8") as f:
        d = json.load(f)
    d["features"] = sorted((ft for ft in d["features"] if str(ft["properties"]["CODE"]) in COUNTIES),
                           key=lambda ft: str(ft["properties"]["CODE"]))
    with open(SRC / SRC_BOUNDARIES, "w", encoding="utf-8", newline="\n") as f:
        json.dump(d, f, ensure_ascii=False, indent=None, separators=(",", ":"))
        f.write("\n")
    log(f"sources/{SRC_BOUNDARIES}: {len(d['features'])} features")


def read_csv(path: Path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def write_csv(path: Path, header, rows, bom=True, types=None):
    """Write a CSV; with types, also the GDAL .csvt sidecar naming each column's type (codes stay text)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    with open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as f:
        f.write(buf.getvalue())
    if types:
        assert len(types) == len(header)
        with open(path.with_suffix(".csvt"), "w", encoding="ascii", newline="") as f:
            f.write(",".join(f'"{t}"' for t in types) + "\n")


# ------------------------------------------------------------------------------------------------- CRS helpers
def srs(epsg):
    s = osr.SpatialReference()
    s.ImportFromEPSG(epsg)
    s.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    return s


WGS84 = srs(4326)
GRID_SRS = srs(GRID_EPSG)
TO_GRID = osr.CoordinateTransformation(WGS84, GRID_SRS)
TO_WGS84 = osr.CoordinateTransformation(GRID_SRS, WGS84)


def to_grid(lon, lat):
    x, y, _ = TO_GRID.TransformPoint(lon, lat)
    return x, y


def to_wgs84(x, y):
    lon, lat, _ = TO_WGS84.TransformPoint(x, y)
    return lon, lat


def geodesic_m(lon1, lat1, lon2, lat2):
    r = 6371008.8
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


# ------------------------------------------------------------------------------------------- GCJ-02 -> WGS 84
def carereach_binary():
    b = os.environ.get("CAREREACH_BIN") or str(REPO / "build" / "src" / "cli" / "carereach")
    if not (os.path.isfile(b) and os.access(b, os.X_OK)):
        fail(f"the carereach binary is missing: {b}\n"
             "  build it:  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release && cmake --build build --target carereach\n"
             "  or point CAREREACH_BIN at an existing binary")
    return b


def convert_gcj02(rows, workdir: Path):
    """rows: list of (key, lon_text, lat_text) in GCJ-02. Returns {key: (lon, lat) or None} in WGS 84."""
    src = workdir / "seats_gcj02.csv"
    dst = workdir / "seats_wgs84.csv"
    write_csv(src, ["key", "longitude", "latitude"], [list(r) for r in rows], bom=False)
    cmd = [carereach_binary(), "convert-coords", "--from", "gcj02", "--to", "EPSG:4326",
           "--x-field", "longitude", "--y-field", "latitude", str(src), str(dst)]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        fail(f"carereach convert-coords failed (exit {p.returncode}):\n{p.stdout}{p.stderr}")
    out = read_csv(dst)
    if [r["key"] for r in out] != [r[0] for r in rows]:
        fail("carereach convert-coords changed the rows or their order")
    res = {}
    for r, (key, lon0, lat0) in zip(out, rows):
        lon, lat = (r.get("longitude") or "").strip(), (r.get("latitude") or "").strip()
        if (lon == "") != (lon0 == ""):
            fail(f"carereach convert-coords emptied or invented coordinates for {key}")
        res[key] = (float(lon), float(lat)) if lon else None
    return res


# ------------------------------------------------------------------------------------------------- naming
def township_kind(name):
    if "街道" in name or "办事处" in name:
        return "街道"
    if name.endswith("镇"):
        return "镇"
    if name.endswith("乡"):
        return "乡"
    return "其他"


def township_facility(name, kind):
    """(type, name) of the primary-care facility at a township seat, or None."""
    if kind in ("镇", "乡"):
        return "乡镇卫生院", name + "卫生院"
    if kind == "街道":
        base = name.split("（")[0].replace("办事处", "")
        if not base.endswith("街道"):
            base += "街道"
        return "社区卫生服务中心", base + "社区卫生服务中心"
    return None  # 林场, 开发区, 园区 …: served by neighbouring township health centres


def village_facility(name, ur_code):
    if name.endswith("村委会"):
        base, community = name[:-3] + "村", False
    elif name.endswith("社区居委会"):
        base, community = name[:-3], True
    elif name.endswith("居委会"):
        base, community = name[:-3] + "社区", True
    else:
        base, community = name, name.endswith("社区")
    if community and ur_code in ("111", "112"):  # a residents' committee in a city proper (主城区/城乡结合区)
        return "社区卫生服务站", base + "卫生服务站"
    return "村卫生室", base + "卫生室"


# ------------------------------------------------------------------------------------------------- main steps
def load_inputs():
    for f in (SRC_TOWNSHIPS, SRC_ADCODE, SRC_CENSUS, SRC_BOUNDARIES):
        if not (SRC / f).is_file():
            fail(f"missing source extract {SRC / f}")
    towns = read_csv(SRC / SRC_TOWNSHIPS)
    adcode = read_csv(SRC / SRC_ADCODE)
    census = {r["adcode"]: r for r in read_csv(SRC / SRC_CENSUS)}
    with open(SRC / SRC_BOUNDARIES, encoding="utf-8") as f:
        bounds = {str(ft["properties"]["CODE"]): ft for ft in json.load(f)["features"]}
    if sorted(census) != COUNTIES or sorted(bounds) != COUNTIES:
        fail("the census and boundary extracts must hold exactly the counties " + ", ".join(COUNTIES))
    total = sum(int(census[c]["census2020_pop"]) for c in COUNTIES)
    if total != CENSUS_TOTAL:
        fail(f"census total {total} != {CENSUS_TOTAL}")
    if len(towns) != 100:
        fail(f"expected 100 townships, found {len(towns)}")
    return towns, adcode, census, bounds


def write_counties(census, bounds):
    feats = []
    for c in COUNTIES:
        ft = bounds[c]
        g = ogr.CreateGeometryFromJson(json.dumps(ft["geometry"]))
        if not g.IsValid():
            fail(f"boundary of {c} is not a valid polygon")
        p = ft["properties"]
        if p["NAME"] != census[c]["name"]:
            fail(f"name mismatch for {c}: {p['NAME']} / {census[c]['name']}")
        feats.append({"type": "Feature",
                      "properties": {"code": c, "name": p["NAME"], "name_en": p["ENG_NAME"], "parent_code": PREFECTURE},
                      "geometry": ft["geometry"]})
    doc = {"type": "FeatureCollection", "name": "counties",
           "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
           "features": feats}
    with open(OUT / "counties.geojson", "w", encoding="utf-8", newline="\n") as f:
        f.write('{"type":"FeatureCollection","name":"counties",\n')
        f.write('"crs":' + json.dumps(doc["crs"]) + ',\n"features":[\n')
        f.write(",\n".join(json.dumps(ft, ensure_ascii=False, separators=(",", ":")) for ft in feats))
        f.write("\n]}\n")
    return {c: shape(bounds[c]["geometry"]) for c in COUNTIES}


def write_census(census):
    cols = ["census2020_pop", "urban_share", "age65p_share", "age0_14_share", "ghsl_pop", "ghsl_pop_density"]
    rows = [[c, census[c]["name"], census[c]["prefecture_adcode"]] + [census[c][k] for k in cols] for c in COUNTIES]
    write_csv(OUT / "census2020_counties.csv", ["code", "name", "parent_code"] + cols, rows,
              types=["String"] * 3 + ["Integer", "Real", "Real", "Real", "Integer", "Real"])


def polygon_to_grid(poly):
    def ring(r):
        xs, ys = zip(*r.coords)
        pts = TO_GRID.TransformPoints(list(zip(xs, ys)))
        return [(p[0], p[1]) for p in pts]
    if poly.geom_type == "Polygon":
        return Polygon(ring(poly.exterior), [ring(i) for i in poly.interiors])
    return MultiPolygon([polygon_to_grid(p) for p in poly.geoms])


def build_population(census, county_geo_grid, seats_grid, towns_by_county):
    """Returns (array, geotransform, county index array, stats)."""
    minx = min(g.bounds[0] for g in county_geo_grid.values())
    miny = min(g.bounds[1] for g in county_geo_grid.values())
    maxx = max(g.bounds[2] for g in county_geo_grid.values())
    maxy = max(g.bounds[3] for g in county_geo_grid.values())
    x0 = math.floor(minx / CELL) * CELL - CELL
    y1 = math.ceil(maxy / CELL) * CELL + CELL
    nx = int(math.ceil((maxx + CELL - x0) / CELL))
    ny = int(math.ceil((y1 - (miny - CELL)) / CELL))
    gt = (x0, CELL, 0.0, y1, 0.0, -CELL)

    # county index per cell (cell centre inside the polygon), rasterised on the same grid
    mem = ogr.GetDriverByName("Memory").CreateDataSource("counties")
    lyr = mem.CreateLayer("counties", GRID_SRS, ogr.wkbMultiPolygon)
    lyr.CreateField(ogr.FieldDefn("idx", ogr.OFTInteger))
    for i, c in enumerate(COUNTIES, start=1):
        f = ogr.Feature(lyr.GetLayerDefn())
        f.SetField("idx", i)
        f.SetGeometry(ogr.CreateGeometryFromWkb(shapely_wkb.dumps(county_geo_grid[c])))
        lyr.CreateFeature(f)
    rds = gdal.GetDriverByName("MEM").Create("", nx, ny, 1, gdal.GDT_Byte)
    rds.SetGeoTransform(gt)
    rds.SetProjection(GRID_SRS.ExportToWkt())
    gdal.RasterizeLayer(rds, [1], lyr, options=["ATTRIBUTE=idx"])
    cidx = rds.GetRasterBand(1).ReadAsArray().astype(np.int8)

    xs = x0 + (np.arange(nx) + 0.5) * CELL
    ys = y1 - (np.arange(ny) + 0.5) * CELL
    rng = np.random.Generator(np.random.PCG64(SEED))
    pop = np.zeros((ny, nx), dtype=np.float64)
    stats = {}

    def kernel(cx, cy, h, reach):
        """exp(-r/h) on the window around (cx, cy); returns (row slice, col slice, values)."""
        c0 = max(0, int((cx - reach - x0) / CELL)); c1 = min(nx, int((cx + reach - x0) / CELL) + 1)
        r0 = max(0, int((y1 - (cy + reach)) / CELL)); r1 = min(ny, int((y1 - (cy - reach)) / CELL) + 1)
        dx = xs[c0:c1][None, :] - cx
        dy = ys[r0:r1][:, None] - cy
        return slice(r0, r1), slice(c0, c1), np.exp(-np.hypot(dx, dy) / h)

    for i, c in enumerate(COUNTIES, start=1):
        mask = cidx == i
        ncell = int(mask.sum())
        total = float(census[c]["census2020_pop"])
        urban = total * float(census[c]["urban_share"])
        rural = total - urban
        core_mass = urban * CORE_SHARE
        towns = towns_by_county[c]
        town_mass = (urban - core_mass) / len(towns) if towns else 0.0
        if not towns:
            core_mass = urban
        core_h = math.sqrt(core_mass / (2 * math.pi * CORE_PEAK / 1e6))  # metres
        centres = [(seats_grid[c], core_h, core_mass)] + [(seats_grid[t], TOWN_H, town_mass) for t in towns]
        for (cx, cy), h, mass in centres:
            rs, cs, k = kernel(cx, cy, h, 8 * h)
            k = k * mask[rs, cs]
            s = k.sum()
            if s <= 0:
                fail(f"a settlement kernel of {c} falls entirely outside the county")
            pop[rs, cs] += k * (mass / s)
        # rural: random settlement points (fixed seed) with a Gaussian spread, over an even floor
        area_km2 = ncell * CELL * CELL / 1e6
        flat = np.flatnonzero(mask)
        pts = rng.choice(flat, size=int(round(area_km2 * HAMLETS_PER_KM2)), replace=True)
        counts = np.zeros(pop.size)
        np.add.at(counts, pts, 1.0)
        field = ndimage.gaussian_filter(counts.reshape(pop.shape), sigma=HAMLET_SIGMA / CELL, mode="constant")
        field = field / field[mask].mean()
        w = (RURAL_FLOOR + (1 - RURAL_FLOOR) * field) * mask
        pop += w * (rural / w.sum())
        stats[c] = {"cells": ncell, "area_km2": area_km2, "core_h_m": core_h, "towns": len(towns),
                    "rural_mean_density": rural / area_km2}

    out = np.full(pop.shape, -1.0, dtype=np.float32)
    inside = cidx > 0
    out[inside] = pop[inside].astype(np.float32)
    # exact per-county totals: rescale the Float32 cells (twice, to absorb rounding)
    for _ in range(2):
        for i, c in enumerate(COUNTIES, start=1):
            m = cidx == i
            s = float(out[m].astype(np.float64).sum())
            out[m] = (out[m].astype(np.float64) * (float(census[c]["census2020_pop"]) / s)).astype(np.float32)
    for i, c in enumerate(COUNTIES, start=1):
        m = cidx == i
        s = float(out[m].astype(np.float64).sum())
        target = float(census[c]["census2020_pop"])
        rel = abs(s - target) / target
        if rel > 1e-6:
            fail(f"population of {c} sums to {s}, census {target} (relative error {rel:.2e})")
        vals = out[m]
        stats[c].update({"sum": s, "rel_err": rel, "peak_density": float(vals.max()) * 100,
                         "median_density": float(np.median(vals)) * 100})
    return out, gt, cidx, stats


def write_raster(arr, gt):
    path = OUT / "population_100m.tif"
    tmp = OUT / ".population_100m.tmp.tif"
    mem = gdal.GetDriverByName("MEM").Create("", arr.shape[1], arr.shape[0], 1, gdal.GDT_Float32)
    mem.SetGeoTransform(gt)
    mem.SetProjection(GRID_SRS.ExportToWkt())
    b = mem.GetRasterBand(1)
    b.WriteArray(arr)
    b.SetNoDataValue(-1)
    b.SetDescription("population")
    b.SetUnitType("persons per cell")
    gdal.GetDriverByName("GTiff").CreateCopy(
        str(tmp), mem, options=["TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256", "COMPRESS=DEFLATE",
                                "PREDICTOR=3", "ZLEVEL=9"])
    mem = None
    os.replace(tmp, path)
    for aux in (str(path) + ".aux.xml",):
        if os.path.exists(aux):
            os.remove(aux)


def mst_edges(pts):
    """Prim's minimum spanning tree over a list of (x, y); returns index pairs (deterministic)."""
    n = len(pts)
    p = np.array(pts)
    d = np.hypot(p[:, None, 0] - p[None, :, 0], p[:, None, 1] - p[None, :, 1])
    used = np.zeros(n, bool); used[0] = True
    best = d[0].copy(); parent = np.zeros(n, int)
    edges = []
    for _ in range(n - 1):
        cand = np.where(used, np.inf, best)
        j = int(np.argmin(cand))
        edges.append((int(parent[j]), j))
        used[j] = True
        upd = (d[j] < best) & ~used
        best[upd] = d[j][upd]; parent[upd] = j
    return edges, d


def build_roads(county_names, county_seat_g, towns, villages, county_union_g):
    """All geometry in EPSG:4548 metres. Returns list of (highway, name, LineString) before noding."""
    lines = []

    def add(hw, name, a, b):
        if math.hypot(a[0] - b[0], a[1] - b[1]) >= 1.0:
            lines.append((hw, name, LineString([a, b])))

    # county seats: the minimum spanning tree is trunk; any other pair whose straight link passes no other county
    # seat within COUNTY_LINK_CLEARANCE is primary
    cs = [county_seat_g[c] for c in COUNTIES]
    tree_pairs = {tuple(sorted(e)) for e in mst_edges(cs)[0]}
    for i in range(len(COUNTIES)):
        for j in range(i + 1, len(COUNTIES)):
            a, b = COUNTIES[i], COUNTIES[j]
            seg = LineString([cs[i], cs[j]])
            if (i, j) in tree_pairs:
                hw = "trunk"
            elif all(seg.distance(Point(cs[k])) > COUNTY_LINK_CLEARANCE for k in range(len(cs)) if k not in (i, j)):
                hw = "primary"
            else:
                continue
            add(hw, f"{county_names[a]}—{county_names[b]}", cs[i], cs[j])

    # township seats: to their county seat, and to each other (MST + k nearest)
    for t in towns:
        add("secondary", f"{county_names[t['county']]}—{t['name']}", county_seat_g[t["county"]], t["g"])
    pts = [t["g"] for t in towns]
    edges, d = mst_edges(pts)
    pairs = {tuple(sorted(e)) for e in edges}
    for i in range(len(pts)):
        order = [j for j in np.argsort(d[i], kind="stable") if j != i][:KNN]
        pairs |= {tuple(sorted((i, int(j)))) for j in order}
    for i, j in sorted(pairs):
        add("tertiary", f"{towns[i]['name']}—{towns[j]['name']}", pts[i], pts[j])

    # village seats to the nearest township or county seat
    hubs = [(t["name"], t["g"]) for t in towns] + [(county_names[c], county_seat_g[c]) for c in COUNTIES]
    for v in villages:
        name, g = min(hubs, key=lambda h: (h[1][0] - v["g"][0]) ** 2 + (h[1][1] - v["g"][1]) ** 2)
        hw = "residential" if v["ur_code"] in ("111", "112") else "unclassified"
        add(hw, f"{v['name']}—{name}", v["g"], g)

    # street grid in each county seat; the seat is a grid node
    squares = []
    for c in COUNTIES:
        cx, cy = county_seat_g[c]
        half = TOWN_GRID_HALF[c]
        k = int(half // 500)
        for i in range(-k, k + 1):
            lines.append(("residential", f"{county_names[c]}城区街道",
                          LineString([(cx - half, cy + i * 500.0), (cx + half, cy + i * 500.0)])))
            lines.append(("residential", f"{county_names[c]}城区街道",
                          LineString([(cx + i * 500.0, cy - half), (cx + i * 500.0, cy + half)])))
        squares.append(box(cx - half, cy - half, cx + half, cy + half))

    # village-road mesh over the rest of the four counties
    if MESH_SPACING > 0:
        area = county_union_g.difference(unary_union(squares))
        minx, miny, maxx, maxy = area.bounds
        s = MESH_SPACING
        mesh = []
        for x in np.arange(math.floor(minx / s) * s, maxx + s, s):
            mesh.append(LineString([(x, miny - s), (x, maxy + s)]))
        for y in np.arange(math.floor(miny / s) * s, maxy + s, s):
            mesh.append(LineString([(minx - s, y), (maxx + s, y)]))
        clipped = MultiLineString(mesh).intersection(area)
        for g in getattr(clipped, "geoms", [clipped]):
            if g.geom_type == "LineString" and g.length >= 1.0:
                lines.append(("unclassified", "", g))
    return lines


TOWN_GRID_HALF = {}


def node_and_label(lines):
    """Node every crossing (at-grade junctions), give each piece the class/name of the highest-ranked input line
    it lies on. Returns list of (highway, name, [(x, y), ...]) with shared end points."""
    noded = unary_union([g for _, _, g in lines])
    pieces = list(getattr(noded, "geoms", [noded]))
    geoms = [g for _, _, g in lines]
    index = {id(g): k for k, g in enumerate(geoms)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Shapely 1.8 announces the 2.0 STRtree interface
        tree = STRtree(geoms)

    def query(g):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = tree.query(g)
        # Shapely 2 returns indices, Shapely 1.8 the geometries
        return sorted(int(r) if isinstance(r, (int, np.integer)) else index[id(r)] for r in res)

    out = []
    for p in pieces:
        mid = p.interpolate(0.5, normalized=True)
        cands = query(mid.buffer(0.01))
        best = None
        for k in cands:
            if lines[k][2].distance(mid) < 0.01:
                key = (ROAD_RANK[lines[k][0]], lines[k][1] == "", lines[k][1])
                if best is None or key < best[0]:
                    best = (key, lines[k])
        if best is None:
            fail("a noded road piece matches no input line")
        out.append((best[1][0], best[1][1], list(p.coords)))
    return out


def components(segs):
    parent = {}

    def find(a):
        while parent.setdefault(a, a) != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for pts in segs:
        a, b = find(pts[0]), find(pts[-1])
        if a != b:
            parent[a] = b
    return find


def write_roads(pieces):
    # transform every distinct vertex once, so shared end points stay identical
    verts = sorted({v for _, _, pts in pieces for v in pts})
    tr = TO_WGS84.TransformPoints(verts)
    m = {v: (round(t[0], 7), round(t[1], 7)) for v, t in zip(verts, tr)}
    segs = []
    for hw, name, pts in pieces:
        ll = [m[v] for v in pts]
        ll = [p for i, p in enumerate(ll) if i == 0 or p != ll[i - 1]]
        if len(ll) >= 2:
            segs.append((hw, name, ll, pts))
    # keep the connected network; only stray mesh fragments cut off by the county boundary may be dropped
    find = components([s[2] for s in segs])
    sizes = {}
    for s in segs:
        r = find(s[2][0]); sizes[r] = sizes.get(r, 0) + 1
    main = max(sizes, key=lambda r: (sizes[r], r))
    dropped = [s for s in segs if find(s[2][0]) != main]
    if any(s[0] != "unclassified" or s[1] != "" for s in dropped):
        fail("the modelled road network is not connected")
    segs = [s for s in segs if find(s[2][0]) == main]
    segs.sort(key=lambda s: (ROAD_RANK[s[0]], s[1], s[2]))

    path = OUT / "roads_modelled.gpkg"
    tmp = OUT / ".roads_modelled.tmp.gpkg"
    if tmp.exists():
        tmp.unlink()
    gdal.SetConfigOption("OGR_CURRENT_DATE", "2020-11-01T00:00:00.000Z")
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(str(tmp))
    lyr = ds.CreateLayer("roads", WGS84, ogr.wkbLineString, options=["SPATIAL_INDEX=YES", "FID=fid"])
    lyr.CreateField(ogr.FieldDefn("highway", ogr.OFTString))
    lyr.CreateField(ogr.FieldDefn("name", ogr.OFTString))
    lyr.StartTransaction()
    km = {}
    for hw, name, ll, pts in segs:
        f = ogr.Feature(lyr.GetLayerDefn())
        f.SetField("highway", hw)
        f.SetField("name", name)
        g = ogr.Geometry(ogr.wkbLineString)
        for x, y in ll:
            g.AddPoint_2D(x, y)
        f.SetGeometry(g)
        lyr.CreateFeature(f)
        km[hw] = km.get(hw, 0.0) + LineString(pts).length / 1000
    lyr.CommitTransaction()
    ds = None
    gdal.SetConfigOption("OGR_CURRENT_DATE", None)
    os.replace(tmp, path)
    return km, len(dropped)


def check_roads():
    ds = ogr.Open(str(OUT / "roads_modelled.gpkg"))
    lyr = ds.GetLayerByName("roads")
    segs = []
    for f in lyr:
        g = f.GetGeometryRef()
        segs.append([g.GetPoint_2D(i) for i in range(g.GetPointCount())])
    find = components(segs)
    roots = {find(s[0]) for s in segs}
    return len(segs), len(roots)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--extract-from", metavar="DIR", type=Path,
                    help="refresh sources/ from the raw data in DIR before building")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    if args.extract_from:
        extract_sources(args.extract_from)
    carereach_binary()

    towns_src, adcode, census, bounds = load_inputs()
    county_names = {c: census[c]["name"] for c in COUNTIES}

    # --- GCJ-02 -> WGS 84 for every seat, by carereach
    county_rows = {r["code"][:6]: r for r in adcode if r["level"] == "county" and r["code"][:6] in COUNTIES}
    village_rows = [r for r in adcode if r["level"] == "village" and r["longitude"]]
    conv_in = [("county:" + c, county_rows[c]["longitude"], county_rows[c]["latitude"]) for c in COUNTIES]
    conv_in += [("town:" + t["code"], t["longitude"], t["latitude"]) for t in towns_src]
    conv_in += [("village:" + v["code"], v["longitude"], v["latitude"]) for v in village_rows]
    with tempfile.TemporaryDirectory(prefix="carereach-bozhou-") as td:
        wgs = convert_gcj02(conv_in, Path(td))
    shifts = [geodesic_m(float(lo), float(la), *wgs[k]) for k, lo, la in conv_in if lo]
    log(f"GCJ-02 -> WGS 84 by carereach: {len(shifts)} seats converted, shift median {np.median(shifts):.0f} m "
        f"(min {min(shifts):.0f}, max {max(shifts):.0f})")

    # --- counties, census
    county_geo = write_counties(census, bounds)
    county_geo_grid = {c: polygon_to_grid(county_geo[c]) for c in COUNTIES}
    write_census(census)

    # --- township seats
    # townships with a seat position go to township_seats.csv; the others are listed in townships_without_seat.csv
    trows, missing, towns = [], [], []
    for t in towns_src:
        code9, c = t["code"][:9], t["adcode"]
        p = wgs["town:" + t["code"]]
        kind = township_kind(t["name"])
        if p:
            trows.append([code9, t["name"], c, county_names[c], kind, f"{p[0]:.7f}", f"{p[1]:.7f}",
                          t["longitude"], t["latitude"]])
            towns.append({"code": code9, "name": t["name"], "county": c, "kind": kind, "ll": p, "g": to_grid(*p)})
        else:
            missing.append([code9, t["name"], c, county_names[c], kind])
    write_csv(OUT / "township_seats.csv",
              ["code", "name", "county_code", "county_name", "kind", "longitude", "latitude",
               "longitude_gcj02", "latitude_gcj02"], trows, types=["String"] * 5 + ["Real"] * 4)
    write_csv(OUT / "townships_without_seat.csv", ["code", "name", "county_code", "county_name", "kind"], missing,
              types=["String"] * 5)
    log(f"township_seats.csv: {len(trows)} townships with a seat position; "
        f"townships_without_seat.csv: {len(missing)} without")

    # --- facilities
    facs = []

    def fac(ftype, code, name, ll, county, town_code, tags):
        a = ATTRS[ftype]
        facs.append((county, TYPE_RANK[ftype], code,
                     [TYPE_PREFIX[ftype] + code, name, ftype, a[0], tags, *a[1:],
                      f"{ll[0]:.7f}", f"{ll[1]:.7f}", county, town_code]))

    county_seat_ll = {c: wgs["county:" + c] for c in COUNTIES}
    county_seat_g = {c: to_grid(*county_seat_ll[c]) for c in COUNTIES}
    for c in COUNTIES:
        x, y = county_seat_g[c]
        short = county_names[c]
        fac("综合医院", c, f"{short}人民医院", to_wgs84(x - HOSPITAL_OFFSET, y + HOSPITAL_OFFSET), c, "", "县级医院;急救")
        fac("中医医院", c, f"{short}中医院", to_wgs84(x + HOSPITAL_OFFSET, y - HOSPITAL_OFFSET), c, "", "县级医院")
    for t in towns:
        tf = township_facility(t["name"], t["kind"])
        if tf:
            fac(tf[0], t["code"], tf[1], t["ll"], t["county"], t["code"], "中医馆")
    villages = []
    for v in village_rows:
        ll = wgs["village:" + v["code"]]
        ftype, name = village_facility(v["name"], v["ur_code"])
        fac(ftype, v["code"], name, ll, v["code"][:6], v["code"][:9], "")
        villages.append({"name": v["name"], "ur_code": v["ur_code"], "g": to_grid(*ll)})
    facs.sort(key=lambda f: f[:3])
    header = ["机构代码", "机构名称", "机构类别", "等级", "标签", "床位数", "执业医师数", "注册护士数", "全科医生数",
              "中医床位数", "中医执业医师数", "经度", "纬度", "所属县区代码", "所属乡镇代码"]
    write_csv(OUT / "facilities.csv", header, [f[3] for f in facs],
              types=["String"] * 5 + ["Integer"] * 6 + ["Real"] * 2 + ["String"] * 2)
    ids = [f[3][0] for f in facs]
    if len(set(ids)) != len(ids):
        fail("facility ids are not unique")
    by_type = {}
    for f in facs:
        by_type[f[3][2]] = by_type.get(f[3][2], 0) + 1
    log(f"facilities.csv: {len(facs)} facilities: " + ", ".join(f"{k} {v}" for k, v in by_type.items()))
    outside = []
    for f in facs:
        pt = Point(float(f[3][11]), float(f[3][12]))
        if not any(county_geo[c].contains(pt) for c in COUNTIES):
            outside.append(f"{f[3][0]} {f[3][1]}")
        elif not county_geo[f[3][13]].contains(pt):
            outside.append(f"{f[3][0]} {f[3][1]} (in a neighbouring county of the four)")
    log(f"facilities outside their county: {len(outside)}" + ("".join("\n  " + o for o in outside)))

    # --- population grid
    towns_by_county = {c: [t["code"] for t in towns if t["county"] == c] for c in COUNTIES}
    seats_grid = dict(county_seat_g)
    seats_grid.update({t["code"]: t["g"] for t in towns})
    arr, gt, cidx, pstats = build_population(census, county_geo_grid, seats_grid, towns_by_county)
    write_raster(arr, gt)
    log(f"population_100m.tif: {arr.shape[1]} x {arr.shape[0]} cells of {CELL:.0f} m, EPSG:{GRID_EPSG}")
    for c in COUNTIES:
        s = pstats[c]
        log(f"  {c} {county_names[c]}: sum {s['sum']:,.1f} (census {int(census[c]['census2020_pop']):,}, "
            f"rel. error {s['rel_err']:.1e}); {s['cells']:,} cells ({s['area_km2']:,.0f} km2); "
            f"peak {s['peak_density']:,.0f}/km2; median {s['median_density']:,.0f}/km2; "
            f"mean rural {s['rural_mean_density']:,.0f}/km2")

    # --- roads
    for c in COUNTIES:
        h = pstats[c]["core_h_m"]
        TOWN_GRID_HALF[c] = max(2000.0, math.ceil(2 * h / 500.0) * 500.0)
    union_g = unary_union([county_geo_grid[c] for c in COUNTIES])
    lines = build_roads(county_names, county_seat_g, towns, villages, union_g)
    pieces = node_and_label(lines)
    km, dropped = write_roads(pieces)
    n, ncomp = check_roads()
    if ncomp != 1:
        fail(f"roads_modelled.gpkg has {ncomp} connected components")
    log(f"roads_modelled.gpkg: {n:,} lines, {ncomp} connected component ({dropped} stray mesh fragments dropped); "
        + ", ".join(f"{k} {v:,.0f} km" for k, v in sorted(km.items(), key=lambda kv: ROAD_RANK[kv[0]])))
    log("wrote " + ", ".join(str((OUT / f).relative_to(REPO)) for f in
                             ("counties.geojson", "census2020_counties.csv", "township_seats.csv",
                              "townships_without_seat.csv", "facilities.csv",
                              "population_100m.tif", "roads_modelled.gpkg")))


if __name__ == "__main__":
    main()
