#!/usr/bin/python3
"""Build the Bozhou (亳州市, 341600) demo data set in geodata/bozhou/.

Reads only the extracts in geodata/bozhou/sources/ (see geodata/bozhou/README.md for their sources and
licences) and writes:

  counties.geojson           the four county-level units (WGS 84)
  census2020_counties.csv    2020 census totals and urban shares of the four units
  township_seats.csv         the 83 township-level units with a seat, converted GCJ-02 -> WGS 84 by carereach
  townships_without_seat.csv the other 17 of the 100 township-level units
  villages.csv               the 1,344 village-level units (村委会/居委会) of the 2016 code list with a position:
                             108 as published (converted), the others modelled within their township; each with a
                             settlement weight for the population (census totals by urban/rural class)
  facilities.csv             proxy facilities: a 村卫生室 (or 社区卫生服务站) at every village-level unit, a 乡镇卫生院
                             or 社区卫生服务中心 at every town or subdistrict, the county hospitals
  roads_modelled.gpkg        modelled road skeleton (layer roads, EPSG:4326), one connected network

The population is not a file here: the scenario spreads the census county totals over the village positions
([population.settlements], docs/method/population.md).

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
from shapely.geometry import LineString, MultiLineString, MultiPolygon, Point, Polygon, box, shape
from shapely.ops import linemerge, unary_union
from shapely.strtree import STRtree

gdal.UseExceptions()
ogr.UseExceptions()
osr.UseExceptions()

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "geodata" / "bozhou"
SRC = OUT / "sources"

PREFECTURE = "341600"
COUNTIES = ["341602", "341621", "341622", "341623"]
CENSUS_TOTAL = 4_996_844

# ---------------------------------------------------------------- model parameters (documented in README.md)
SEED = 341600
GRID_EPSG = 4548                  # CGCS2000 / 3-degree Gauss-Kruger CM 117E: all modelling in its metres
HOSPITAL_OFFSET = 200.0           # m: 人民医院 at (-d,+d) from the county seat, 中医院 at (+d,-d)
CORE_UR = {"111", "112", "121", "210"}  # urban-rural codes of a city proper, town or township centre
CORE_RADIUS = 1500.0              # m: such units are modelled within this distance of their township's seat
BOUNDARY_MARGIN = 300.0           # m: modelled positions lie at least this far inside their county
CANDIDATES = 30                   # best-candidate sampling: candidates per modelled village
COUNTY_LINK_CLEARANCE = 10_000.0  # m: a county-seat link passing a third seat closer than this is not built
PROVINCIAL_SECTORS = 4            # radial provincial roads per county seat (one per sector)
KNN = 2                           # township seats linked to their k nearest township seats
MESH_SPACING = 2000.0             # m: the rural road mesh; its lines alternate 乡道 (tertiary) and 村道 (unclassified)
TRACK_OFFSET = 1000.0             # m: farm tracks (机耕路) run halfway between the mesh lines
STREET_BLOCK = 500.0              # m: street grid of each county seat

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
TAGS = {
    "综合医院": "县级医院;急救",
    "中医医院": "县级医院",
    "乡镇卫生院": "中医馆",           # 亳州: every 乡镇卫生院 and 社区卫生服务中心 has a 中医馆
    "社区卫生服务中心": "中医馆",
    "社区卫生服务站": "中医药服务",     # 亳州: every 村卫生室 and 社区卫生服务站 offers TCM services
    "村卫生室": "中医药服务",
}
TYPE_PREFIX = {"综合医院": "ZH", "中医医院": "ZY", "乡镇卫生院": "WY", "社区卫生服务中心": "SQ",
               "社区卫生服务站": "SZ", "村卫生室": "WS"}
TYPE_RANK = {t: i for i, t in enumerate(TYPE_PREFIX)}

ROAD_RANK = {"trunk": 0, "primary": 1, "secondary": 2, "tertiary": 3, "unclassified": 4, "residential": 5,
             "track": 6}

# Source extracts kept in the repository
SRC_TOWNSHIPS = "townships_bozhou_2016_gcj02.csv"
SRC_ADCODE = "adcode_bozhou_2016_gcj02.csv"
SRC_CENSUS = "census2020_bozhou_counties.csv"
SRC_BOUNDARIES = "counties_bozhou_wgs84.geojson"
ADCODE_COLUMNS = ["code", "parent", "name", "level", "ur_code", "virtual", "dummy", "longitude", "latitude"]


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
    # adcode rows of the prefecture, its counties and every village-level unit, in the columns the script reads
    with open(adc / "adcode_5prefectures_2016_gcj02.csv", encoding="utf-8-sig", newline="") as f:
        rows = [r for r in csv.DictReader(f)
                if r["code"][:4] == PREFECTURE[:4] and r["level"] in ("city", "county", "village")]
    write_csv(SRC / SRC_ADCODE, ADCODE_COLUMNS, [[r[k] for k in ADCODE_COLUMNS] for r in rows], bom=False)
    log(f"sources/{SRC_ADCODE}: {len(rows)} rows")
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


def polygon_to_grid(poly):
    def ring(r):
        pts = TO_GRID.TransformPoints(list(r.coords))
        return [(p[0], p[1]) for p in pts]
    if poly.geom_type == "Polygon":
        return Polygon(ring(poly.exterior), [ring(i) for i in poly.interiors])
    return MultiPolygon([polygon_to_grid(p) for p in poly.geoms])


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
    """(type, name) of the primary-care facility of a township-level unit, or None."""
    if kind in ("镇", "乡"):
        return "乡镇卫生院", name + "卫生院"
    if kind == "街道":
        base = name.split("（")[0].replace("办事处", "")
        if not base.endswith("街道"):
            base += "街道"
        return "社区卫生服务中心", base + "社区卫生服务中心"
    return None  # 林场, 开发区, 园区 …: served by neighbouring township health centres


def village_kind(name):
    return "居委会" if name.endswith("居委会") or name.endswith("社区") else "村委会"


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


# ------------------------------------------------------------------------------------------------- inputs
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
    villages = [r for r in adcode if r["level"] == "village"]
    # Every village row must lie in one of the four counties and in a township of the township list.
    town_codes = {t["code"][:9] for t in towns}
    for v in villages:
        if v["code"][:6] not in COUNTIES or v["code"][:9] not in town_codes:
            fail(f"village {v['code']} {v['name']} lies in no county or township of the lists")
    if len(villages) != 1348:
        fail(f"expected 1,348 village-level rows, found {len(villages)}")
    return towns, adcode, villages, census, bounds


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
    with open(OUT / "counties.geojson", "w", encoding="utf-8", newline="\n") as f:
        f.write('{"type":"FeatureCollection","name":"counties",\n')
        f.write('"crs":' + json.dumps({"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}) +
                ',\n"features":[\n')
        f.write(",\n".join(json.dumps(ft, ensure_ascii=False, separators=(",", ":")) for ft in feats))
        f.write("\n]}\n")
    return {c: shape(bounds[c]["geometry"]) for c in COUNTIES}


def write_census(census):
    cols = ["census2020_pop", "urban_share", "age65p_share", "age0_14_share", "ghsl_pop", "ghsl_pop_density"]
    rows = [[c, census[c]["name"], census[c]["prefecture_adcode"]] + [census[c][k] for k in cols] for c in COUNTIES]
    write_csv(OUT / "census2020_counties.csv", ["code", "name", "parent_code"] + cols, rows,
              types=["String"] * 3 + ["Integer", "Real", "Real", "Real", "Integer", "Real"])


# ------------------------------------------------------------------------------------ modelled village positions
def random_point_in(poly, rng):
    minx, miny, maxx, maxy = poly.bounds
    for _ in range(10_000):
        p = (rng.uniform(minx, maxx), rng.uniform(miny, maxy))
        if poly.contains(Point(p)):
            return p
    fail("could not sample a point in a township territory")


def best_candidates(poly, k, fixed, rng):
    """k points spread over `poly` (Mitchell's best-candidate sampling): each new point is the one of CANDIDATES
    random candidates farthest from the points already there (`fixed` and those placed before)."""
    placed = list(fixed)
    out = []
    for _ in range(k):
        best, best_d = None, -1.0
        for _ in range(CANDIDATES):
            c = random_point_in(poly, rng)
            d = min((math.hypot(c[0] - q[0], c[1] - q[1]) for q in placed), default=math.inf)
            if d > best_d:
                best, best_d = c, d
        placed.append(best)
        out.append(best)
    return out


def township_territories(towns, county_geo_grid):
    """The Voronoi cell of each township seat among the seats of its county, clipped to the county: the county
    cut by the half-plane towards the seat of every bisector with another seat."""
    terr = {}
    for c in COUNTIES:
        seats = [t for t in towns if t["county"] == c]
        for t in seats:
            cell = county_geo_grid[c]
            tx, ty = t["g"]
            for o in seats:
                if o is t:
                    continue
                ox, oy = o["g"]
                mx, my = (tx + ox) / 2, (ty + oy) / 2
                dx, dy = tx - ox, ty - oy
                n = math.hypot(dx, dy)
                if n < 1.0:
                    continue
                ux, uy = dx / n, dy / n          # towards t
                L = 500_000.0
                px, py = -uy * L, ux * L          # along the bisector
                half = Polygon([(mx + px, my + py), (mx - px, my - py),
                                (mx - px + ux * L, my - py + uy * L), (mx + px + ux * L, my + py + uy * L)])
                cell = cell.intersection(half)
            terr[t["code"]] = cell
    return terr


def model_villages(villages, wgs, towns, towns_src, county_seat_g, county_geo_grid, census, rng):
    """Positions (EPSG:4548) of every village-level unit: as published where there is one, else modelled within its
    township (documented in README.md). Returns a list of dicts sorted by code; the 4 virtual units are left out."""
    seat_by_code = {t["code"]: t for t in towns}
    terr = township_territories(towns, county_geo_grid)
    by_town = {}
    for v in villages:
        if v["dummy"] == "t":
            continue  # 虚拟社区/虚拟生活区: statistical placeholders of zones without residents of their own
        by_town.setdefault(v["code"][:9], []).append(v)
    out = []
    anchors = {}
    for t in towns_src:
        code9, county = t["code"][:9], t["adcode"]
        vs = sorted(by_town.get(code9, []), key=lambda v: v["code"])
        if not vs and code9 not in seat_by_code:
            continue
        poly_c = county_geo_grid[county]
        inner = poly_c.buffer(-BOUNDARY_MARGIN)  # modelled positions keep clear of the county boundary
        real = {}
        for v in vs:
            p = wgs.get("village:" + v["code"])
            if p is None:
                continue
            g = to_grid(*p)
            if not poly_c.contains(Point(g)):
                log(f"  village {v['code']} {v['name']}: published position outside its county; modelled instead")
                continue
            real[v["code"]] = g
        if code9 in seat_by_code:
            anchor, anchor_kind = seat_by_code[code9]["g"], "seat"
            territory = terr[code9]
        elif real:
            xs = [g[0] for g in real.values()]
            ys = [g[1] for g in real.values()]
            anchor, anchor_kind = (sum(xs) / len(xs), sum(ys) / len(ys)), "villages"
            territory = None
        else:
            anchor, anchor_kind = county_seat_g[county], "county seat"
            territory = None
        if territory is None:
            # no Voronoi cell: a disc whose area is the township's share of its county by number of units
            n_county = sum(1 for v in villages if v["code"][:6] == county and v["dummy"] != "t")
            area = poly_c.area * len(vs) / max(n_county, 1)
            territory = Point(anchor).buffer(math.sqrt(area / math.pi), 64)
        territory = territory.intersection(inner)
        anchors[code9] = (anchor, anchor_kind)
        core_disc = Point(anchor).buffer(CORE_RADIUS, 64).intersection(inner)
        todo_core = [v for v in vs if v["code"] not in real and v["ur_code"] in CORE_UR]
        todo_rest = [v for v in vs if v["code"] not in real and v["ur_code"] not in CORE_UR]
        fixed = [anchor] + list(real.values())
        pos = dict(real)
        for v, p in zip(todo_core, best_candidates(core_disc, len(todo_core), fixed, rng)):
            pos[v["code"]] = p
        fixed += [pos[v["code"]] for v in todo_core]
        area_rest = territory if territory.area > 0 else core_disc
        for v, p in zip(todo_rest, best_candidates(area_rest, len(todo_rest), fixed, rng)):
            pos[v["code"]] = p
        for v in vs:
            out.append({"code": v["code"], "name": v["name"], "town": code9, "town_name": t["name"], "county": county,
                        "ur_code": v["ur_code"], "g": pos[v["code"]], "real": v["code"] in real,
                        "gcj02": (v["longitude"], v["latitude"]) if v["code"] in real else ("", "")})
    out.sort(key=lambda v: v["code"])
    # Settlement weights: the county's census urban (ur_code 1xx) or rural (2xx) population over its units of that
    # class; relative weights for the population kernel, not a census of the village.
    for c in COUNTIES:
        total = float(census[c]["census2020_pop"])
        urban = total * float(census[c]["urban_share"])
        vc = [v for v in out if v["county"] == c]
        n_urban = sum(1 for v in vc if v["ur_code"].startswith("1"))
        n_rural = len(vc) - n_urban
        for v in vc:
            v["weight"] = round(urban / n_urban) if v["ur_code"].startswith("1") else round((total - urban) / n_rural)
    return out, anchors


# ------------------------------------------------------------------------------------------------- roads
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


def ray_to_boundary(a, b, area, max_len=150_000.0):
    """The straight road from a through b, continued beyond b until it leaves `area`: the piece of the line within
    `area` that starts at b (or just b-a when b lies outside)."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    n = math.hypot(dx, dy)
    if n < 1.0:
        return None
    far = (b[0] + dx / n * max_len, b[1] + dy / n * max_len)
    clipped = LineString([b, far]).intersection(area)
    for g in getattr(clipped, "geoms", [clipped]):
        if g.geom_type == "LineString" and g.length >= 1.0 and g.distance(Point(b)) < 1.0:
            return g
    return None


def build_roads(county_names, county_seat_g, towns, villages, anchors, county_geo_grid, union_g, rng):
    """All geometry in EPSG:4548 metres. Returns list of (highway, name, LineString) before noding."""
    lines = []

    def add(hw, name, a, b):
        if math.hypot(a[0] - b[0], a[1] - b[1]) >= 1.0:
            lines.append((hw, name, LineString([a, b])))

    # 国道 (trunk): county seats linked (minimum spanning tree, and any other pair whose link passes no third seat
    # within COUNTY_LINK_CLEARANCE), each link continued through both seats to the edge of the prefecture
    cs = [county_seat_g[c] for c in COUNTIES]
    tree_pairs = {tuple(sorted(e)) for e in mst_edges(cs)[0]}
    for i in range(len(COUNTIES)):
        for j in range(i + 1, len(COUNTIES)):
            seg = LineString([cs[i], cs[j]])
            if (i, j) not in tree_pairs and not all(
                    seg.distance(Point(cs[k])) > COUNTY_LINK_CLEARANCE for k in range(len(cs)) if k not in (i, j)):
                continue
            name = f"{county_names[COUNTIES[i]]}—{county_names[COUNTIES[j]]}"
            add("trunk", name, cs[i], cs[j])
            for a, b in ((cs[i], cs[j]), (cs[j], cs[i])):
                r = ray_to_boundary(a, b, union_g)
                if r is not None:
                    lines.append(("trunk", name, r))

    # 省道 (primary): from each county seat, PROVINCIAL_SECTORS radial roads, each through the 镇 seat of its sector
    # farthest from the county seat and on to the edge of the prefecture
    for c in COUNTIES:
        cx, cy = county_seat_g[c]
        rot = rng.uniform(0, 2 * math.pi)
        best = {}
        for t in towns:
            if t["county"] != c or t["kind"] != "镇":
                continue
            ang = (math.atan2(t["g"][1] - cy, t["g"][0] - cx) - rot) % (2 * math.pi)
            sector = int(ang / (2 * math.pi / PROVINCIAL_SECTORS))
            d = math.hypot(t["g"][0] - cx, t["g"][1] - cy)
            if sector not in best or d > best[sector][0]:
                best[sector] = (d, t)
        for sector in sorted(best):
            t = best[sector][1]
            name = f"{county_names[c]}—{t['name']}"
            add("primary", name, county_seat_g[c], t["g"])
            r = ray_to_boundary(county_seat_g[c], t["g"], union_g)
            if r is not None:
                lines.append(("primary", name, r))

    # 县道 (secondary): every township seat to its county seat
    for t in towns:
        add("secondary", f"{county_names[t['county']]}—{t['name']}", county_seat_g[t["county"]], t["g"])
    # 乡道 (tertiary): township seats to each other — the minimum spanning tree of all seats plus links to each
    # seat's KNN nearest seats
    pts = [t["g"] for t in towns]
    edges, d = mst_edges(pts)
    pairs = {tuple(sorted(e)) for e in edges}
    for i in range(len(pts)):
        order = [j for j in np.argsort(d[i], kind="stable") if j != i][:KNN]
        pairs |= {tuple(sorted((i, int(j)))) for j in order}
    for i, j in sorted(pairs):
        add("tertiary", f"{towns[i]['name']}—{towns[j]['name']}", pts[i], pts[j])
    # a township without a seat: its anchor to the nearest township or county seat
    hubs = [(t["name"], t["g"]) for t in towns] + [(county_names[c], county_seat_g[c]) for c in COUNTIES]
    for code9, (anchor, kind) in sorted(anchors.items()):
        if kind == "seat":
            continue
        name, g = min(hubs, key=lambda h: (h[1][0] - anchor[0]) ** 2 + (h[1][1] - anchor[1]) ** 2)
        add("tertiary", f"{code9}—{name}", anchor, g)

    # 村道 (unclassified): within each township, every village to the nearest of its township's anchor and the
    # villages nearer to the anchor than itself (a tree towards the township seat)
    by_town = {}
    for v in villages:
        by_town.setdefault(v["town"], []).append(v)
    for code9, vs in sorted(by_town.items()):
        anchor = anchors[code9][0]
        order = sorted(vs, key=lambda v: (math.hypot(v["g"][0] - anchor[0], v["g"][1] - anchor[1]), v["code"]))
        nodes = [("", anchor)]
        for v in order:
            name, g = min(nodes, key=lambda n: (n[1][0] - v["g"][0]) ** 2 + (n[1][1] - v["g"][1]) ** 2)
            hw = "residential" if v["ur_code"] in ("111", "112") else "unclassified"
            add(hw, f"{v['name']}—{name or v['town_name']}", v["g"], g)
            nodes.append((v["name"], v["g"]))

    # street grid in each county seat; the seat is a grid node
    squares = []
    for c in COUNTIES:
        cx, cy = county_seat_g[c]
        half = 4500.0 if c == "341602" else 3500.0
        k = int(half // STREET_BLOCK)
        for i in range(-k, k + 1):
            lines.append(("residential", f"{county_names[c]}城区街道",
                          LineString([(cx - half, cy + i * STREET_BLOCK), (cx + half, cy + i * STREET_BLOCK)])))
            lines.append(("residential", f"{county_names[c]}城区街道",
                          LineString([(cx + i * STREET_BLOCK, cy - half), (cx + i * STREET_BLOCK, cy + half)])))
        squares.append(box(cx - half, cy - half, cx + half, cy + half))

    # the rural mesh over the rest of the four counties: lines every MESH_SPACING, alternately 乡道 and 村道, and
    # farm tracks halfway between them
    area = union_g.difference(unary_union(squares))
    minx, miny, maxx, maxy = area.bounds
    s = MESH_SPACING
    mesh = {"tertiary": [], "unclassified": [], "track": []}
    x0 = math.floor(minx / s) * s
    y0 = math.floor(miny / s) * s
    for i, x in enumerate(np.arange(x0, maxx + s, s)):
        mesh["tertiary" if i % 2 == 0 else "unclassified"].append(LineString([(x, miny - s), (x, maxy + s)]))
        mesh["track"].append(LineString([(x + TRACK_OFFSET, miny - s), (x + TRACK_OFFSET, maxy + s)]))
    for i, y in enumerate(np.arange(y0, maxy + s, s)):
        mesh["tertiary" if i % 2 == 0 else "unclassified"].append(LineString([(minx - s, y), (maxx + s, y)]))
        mesh["track"].append(LineString([(minx - s, y + TRACK_OFFSET), (maxx + s, y + TRACK_OFFSET)]))
    for hw, ls in mesh.items():
        clipped = MultiLineString(ls).intersection(area)
        for g in getattr(clipped, "geoms", [clipped]):
            if g.geom_type == "LineString" and g.length >= 1.0:
                lines.append((hw, "", g))
    return lines


def node_and_label(lines):
    """Node every crossing (at-grade junctions), give each piece the class/name of the highest-ranked input line
    it lies on. Returns list of (highway, name, input line index, [(x, y), ...]) with shared end points."""
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
        best = None
        for k in query(mid.buffer(0.01)):
            if lines[k][2].distance(mid) < 0.01:
                key = (ROAD_RANK[lines[k][0]], lines[k][1] == "", lines[k][1])
                if best is None or key < best[0]:
                    best = (key, lines[k], k)
        if best is None:
            fail("a noded road piece matches no input line")
        out.append((best[1][0], best[1][1], best[2], list(p.coords)))
    return out


def components(segs):
    """Union-find over lines that meet where they share a vertex (as carereach joins line layers)."""
    parent = {}

    def find(a):
        while parent.setdefault(a, a) != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for pts in segs:
        for q in pts[1:]:
            a, b = find(pts[0]), find(q)
            if a != b:
                parent[a] = b
    return find


def write_roads(pieces):
    # transform every distinct vertex once, so shared vertices stay identical
    verts = sorted({v for _, _, _, pts in pieces for v in pts})
    tr = TO_WGS84.TransformPoints(verts)
    m = {v: (round(t[0], 7), round(t[1], 7)) for v, t in zip(verts, tr)}
    # keep the connected network; only stray mesh fragments cut off by the county boundary may be dropped
    find = components([[m[v] for v in pts] for _, _, _, pts in pieces])
    sizes = {}
    for _, _, _, pts in pieces:
        r = find(m[pts[0]]); sizes[r] = sizes.get(r, 0) + 1
    main = max(sizes, key=lambda r: (sizes[r], r))
    dropped = [p for p in pieces if find(m[p[3][0]]) != main]
    if any(p[1] != "" for p in dropped):
        fail("the modelled road network is not connected: " + ", ".join(sorted({p[1] for p in dropped if p[1]})))
    # the pieces of one input line merged back into one line (its junctions stay vertices: carereach joins lines
    # at shared vertices), so the file holds about as many lines as were drawn
    owners = {}
    for p in pieces:
        if find(m[p[3][0]]) == main:
            owners.setdefault(p[2], []).append(p)
    segs = []
    for k, ps in owners.items():
        merged = linemerge([LineString(p[3]) for p in ps])
        for g in getattr(merged, "geoms", [merged]):
            pts = list(g.coords)
            ll = [m[v] for v in pts]
            ll = [q for i, q in enumerate(ll) if i == 0 or q != ll[i - 1]]
            if len(ll) >= 2:
                segs.append((ps[0][0], ps[0][1], ll, pts))
    segs.sort(key=lambda s: (ROAD_RANK[s[0]], s[1], s[2]))

    path = OUT / "roads_modelled.gpkg"
    tmp = OUT / ".roads_modelled.tmp.gpkg"
    if tmp.exists():
        tmp.unlink()
    gdal.SetConfigOption("OGR_CURRENT_DATE", "2020-11-01T00:00:00.000Z")
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(str(tmp))
    lyr = ds.CreateLayer("roads", WGS84, ogr.wkbLineString, options=["SPATIAL_INDEX=NO", "FID=fid"])
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


# ------------------------------------------------------------------------------------------------- main
def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--extract-from", metavar="DIR", type=Path,
                    help="refresh sources/ from the raw data in DIR before building")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    if args.extract_from:
        extract_sources(args.extract_from)
    carereach_binary()
    rng = np.random.Generator(np.random.PCG64(SEED))

    towns_src, adcode, villages_src, census, bounds = load_inputs()
    county_names = {c: census[c]["name"] for c in COUNTIES}

    # --- GCJ-02 -> WGS 84 for every published position, by carereach
    county_rows = {r["code"][:6]: r for r in adcode if r["level"] == "county" and r["code"][:6] in COUNTIES}
    with_pos = [v for v in villages_src if v["longitude"] and v["dummy"] != "t"]
    conv_in = [("county:" + c, county_rows[c]["longitude"], county_rows[c]["latitude"]) for c in COUNTIES]
    conv_in += [("town:" + t["code"], t["longitude"], t["latitude"]) for t in towns_src]
    conv_in += [("village:" + v["code"], v["longitude"], v["latitude"]) for v in with_pos]
    with tempfile.TemporaryDirectory(prefix="carereach-bozhou-") as td:
        wgs = convert_gcj02(conv_in, Path(td))
    shifts = [geodesic_m(float(lo), float(la), *wgs[k]) for k, lo, la in conv_in if lo]
    log(f"GCJ-02 -> WGS 84 by carereach: {len(shifts)} positions converted, shift median {np.median(shifts):.0f} m "
        f"(min {min(shifts):.0f}, max {max(shifts):.0f})")

    # --- counties, census
    county_geo = write_counties(census, bounds)
    county_geo_grid = {c: polygon_to_grid(county_geo[c]) for c in COUNTIES}
    union_g = unary_union([county_geo_grid[c] for c in COUNTIES])
    write_census(census)

    # --- township seats
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

    # --- villages: published or modelled positions, settlement weights
    county_seat_ll = {c: wgs["county:" + c] for c in COUNTIES}
    county_seat_g = {c: to_grid(*county_seat_ll[c]) for c in COUNTIES}
    villages, anchors = model_villages(villages_src, wgs, towns, towns_src, county_seat_g, county_geo_grid, census,
                                       rng)
    vrows = []
    for v in villages:
        ll = to_wgs84(*v["g"])
        v["ll"] = ll
        vrows.append([v["code"], v["name"], v["town"], v["town_name"], v["county"], village_kind(v["name"]),
                      v["ur_code"], "1" if v["ur_code"].startswith("1") else "0", v["weight"],
                      "高德" if v["real"] else "模拟", f"{ll[0]:.7f}", f"{ll[1]:.7f}", *v["gcj02"]])
    write_csv(OUT / "villages.csv",
              ["code", "name", "township_code", "township_name", "county_code", "kind", "ur_code", "urban",
               "人口权重", "position", "longitude", "latitude", "longitude_gcj02", "latitude_gcj02"], vrows,
              types=["String"] * 8 + ["Integer", "String", "Real", "Real", "Real", "Real"])
    n_real = sum(1 for v in villages if v["real"])
    kinds = {}
    for a in anchors.values():
        kinds[a[1]] = kinds.get(a[1], 0) + 1
    log(f"villages.csv: {len(villages)} village-level units, {n_real} at their published position, "
        f"{len(villages) - n_real} modelled (anchors: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())) + ")")
    for c in COUNTIES:
        vc = [v for v in villages if v["county"] == c]
        log(f"  {c} {county_names[c]}: {len(vc)} units, weights sum {sum(v['weight'] for v in vc):,} "
            f"(census {int(census[c]['census2020_pop']):,})")

    # --- facilities
    facs = []

    def fac(ftype, code, name, ll, county, town_code):
        a = ATTRS[ftype]
        facs.append((county, TYPE_RANK[ftype], code,
                     [TYPE_PREFIX[ftype] + code, name, ftype, a[0], TAGS[ftype], *a[1:],
                      f"{ll[0]:.7f}", f"{ll[1]:.7f}", county, town_code]))

    for c in COUNTIES:
        x, y = county_seat_g[c]
        short = county_names[c]
        fac("综合医院", c, f"{short}人民医院", to_wgs84(x - HOSPITAL_OFFSET, y + HOSPITAL_OFFSET), c, "")
        fac("中医医院", c, f"{short}中医院", to_wgs84(x + HOSPITAL_OFFSET, y - HOSPITAL_OFFSET), c, "")
    for t in towns_src:
        code9, c = t["code"][:9], t["adcode"]
        tf = township_facility(t["name"], township_kind(t["name"]))
        if tf is None or code9 not in anchors:
            continue
        fac(tf[0], code9, tf[1], to_wgs84(*anchors[code9][0]), c, code9)
    for v in villages:
        ftype, name = village_facility(v["name"], v["ur_code"])
        fac(ftype, v["code"], name, v["ll"], v["county"], v["town"])
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
    outside = [f"{f[3][0]} {f[3][1]}" for f in facs
               if not county_geo[f[3][13]].contains(Point(float(f[3][11]), float(f[3][12])))]
    log(f"facilities outside their county: {len(outside)}" + ("".join("\n  " + o for o in outside)))

    # --- roads
    lines = build_roads(county_names, county_seat_g, towns, villages, anchors, county_geo_grid, union_g, rng)
    pieces = node_and_label(lines)
    km, dropped = write_roads(pieces)
    n, ncomp = check_roads()
    if ncomp != 1:
        fail(f"roads_modelled.gpkg has {ncomp} connected components")
    area_km2 = union_g.area / 1e6
    counted = sum(v for k, v in km.items() if k not in ("residential", "track"))
    log(f"roads_modelled.gpkg: {n:,} lines, {ncomp} connected component ({dropped} stray mesh fragments dropped); "
        + ", ".join(f"{k} {v:,.0f} km" for k, v in sorted(km.items(), key=lambda kv: ROAD_RANK[kv[0]])))
    log(f"  public roads (trunk to unclassified) {counted:,.0f} km over {area_km2:,.0f} km2 = "
        f"{counted / area_km2:.2f} km/km2; with streets and farm tracks {sum(km.values()) / area_km2:.2f} km/km2")
    stale = OUT / "population_100m.tif"
    if stale.exists():
        stale.unlink()
    log("wrote " + ", ".join(str((OUT / f).relative_to(REPO)) for f in
                             ("counties.geojson", "census2020_counties.csv", "township_seats.csv",
                              "townships_without_seat.csv", "villages.csv", "facilities.csv",
                              "roads_modelled.gpkg")))


if __name__ == "__main__":
    main()
