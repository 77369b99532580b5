#!/usr/bin/python3
"""Build the Porto Alegre demo data set in geodata/porto-alegre/.

Reads geodata/porto-alegre/sources/poa_hexgrid.csv and checks geodata/porto-alegre/poa_osm.pbf (both from the
r5r package, see geodata/porto-alegre/README.md), and writes:

  population_hex.csv   H3 resolution-9 hexagon centroids with their population (IBGE 2010)
  population_hex.gpkg  the hexagons as polygons with their population (layer population_hex): each one the
                       Voronoi cell of its centroid among all 1,227, clipped to a disc of DISC_RADIUS metres
  facilities.csv       one row per public health facility, placed at the centroid of its hexagon
  municipality.gpkg    study-area polygon (layer municipality): the union of those hexagons, closed by CLEAN
                       metres

Usage:  make_demo_porto_alegre.py                      rebuild the outputs from sources/
        make_demo_porto_alegre.py --extract-from DIR   first refresh sources/ and poa_osm.pbf from DIR
                                                       (a folder holding poa_hexgrid.csv and poa_osm.pbf)
"""

import argparse
import csv
import hashlib
import io
import os
import shutil
import sys
from pathlib import Path

import numpy as np
from osgeo import gdal, ogr, osr
from scipy.spatial import cKDTree
from shapely import wkb as shapely_wkb
from shapely.geometry import MultiPoint, MultiPolygon, Point, Polygon, box
from shapely.geometry.polygon import orient
from shapely.ops import unary_union, voronoi_diagram

gdal.UseExceptions()
ogr.UseExceptions()
osr.UseExceptions()

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "geodata" / "porto-alegre"
SRC = OUT / "sources"

HEXGRID = "poa_hexgrid.csv"
PBF = "poa_osm.pbf"
PBF_SHA256 = "d0d692b2b13c3ccabb494856966ea40068fbb3b6d5534b70b9234c74f465787d"
POPULATION_TOTAL = 812_935
FACILITIES_TOTAL = 141
FACILITY_HEXAGONS = 117
HEXAGONS = 1_227
WORK_EPSG = 31982          # SIRGAS 2000 / UTM zone 22S, metres
# Every interior hexagon of the grid (six neighbours) is its centroid's Voronoi cell and lies within 187.2 m of
# the centroid (measured: the H3 resolution-9 circumradius here); a disc of 190 m therefore leaves interior
# cells whole and only rounds off the open-ended cells along the edge of the grid.
DISC_RADIUS = 190.0
INTERIOR_MAX_VERTEX = 187.5  # checked below: interior Voronoi cells must fit in this radius
CLEAN = 0.5                # m, closing distance that removes hairline gaps between cells
MAX_UNION_DIFFERENCE = 10.0  # m², largest area allowed between the hexagons' union and the study area (the closing)
GPKG_DATE = "2010-08-01T00:00:00.000Z"  # timestamp written into the GeoPackages (same bytes on every run)
MUNICIPALITY_CODE = "4314902"  # IBGE code of Porto Alegre
MUNICIPALITY_NAME = "Porto Alegre"


def log(msg):
    print(msg, flush=True)


def fail(msg):
    sys.exit("make_demo_porto_alegre: " + msg)


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_csv(path, header, rows, types):
    """Write a UTF-8 CSV and its GDAL .csvt sidecar naming each column's type."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(buf.getvalue())
    assert len(types) == len(header)
    with open(path.with_suffix(".csvt"), "w", encoding="ascii", newline="") as f:
        f.write(",".join(f'"{t}"' for t in types) + "\n")


def srs(epsg):
    s = osr.SpatialReference()
    s.ImportFromEPSG(epsg)
    s.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    return s


def write_gpkg(path, layer, geom_type, fields, features):
    """Write one GeoPackage layer in WGS 84 with the same bytes on every run: written to a temporary file with a
    fixed timestamp, then moved into place. fields: [(name, OGR type)]; features: [(values, shapely geometry)]."""
    tmp = path.with_name("." + path.stem + ".tmp" + path.suffix)
    if tmp.exists():
        tmp.unlink()
    gdal.SetConfigOption("OGR_CURRENT_DATE", GPKG_DATE)
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(str(tmp))
    lyr = ds.CreateLayer(layer, srs(4326), geom_type, options=["FID=fid"])
    for name, ftype in fields:
        lyr.CreateField(ogr.FieldDefn(name, ftype))
    for values, geom in features:
        f = ogr.Feature(lyr.GetLayerDefn())
        for (name, _), v in zip(fields, values):
            f.SetField(name, v)
        g = ogr.CreateGeometryFromWkb(shapely_wkb.dumps(geom))
        if not g.IsValid():
            fail(f"{path.name}: a {layer} polygon is not valid after the transformation to WGS 84")
        f.SetGeometry(g)
        lyr.CreateFeature(f)
        f = None
    lyr = None
    ds = None
    gdal.SetConfigOption("OGR_CURRENT_DATE", None)
    os.replace(tmp, path)


def read_gpkg(path):
    """[(attributes dict, OGR geometry)] of the only layer of a GeoPackage."""
    ds = ogr.Open(str(path))
    lyr = ds.GetLayer(0)
    out = [(f.items(), f.GetGeometryRef().Clone()) for f in lyr]
    lyr = None
    ds = None
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--extract-from", metavar="DIR", type=Path,
                    help="refresh sources/poa_hexgrid.csv and poa_osm.pbf from DIR before building")
    args = ap.parse_args()
    SRC.mkdir(parents=True, exist_ok=True)
    if args.extract_from:
        shutil.copyfile(args.extract_from / HEXGRID, SRC / HEXGRID)
        shutil.copyfile(args.extract_from / PBF, OUT / PBF)
        log(f"copied {HEXGRID} and {PBF}")
    for p in (SRC / HEXGRID, OUT / PBF):
        if not p.is_file():
            fail(f"missing input {p}")
    if sha256(OUT / PBF) != PBF_SHA256:
        fail(f"{PBF} is not the r5r file (sha256 {sha256(OUT / PBF)})")

    with open(SRC / HEXGRID, encoding="utf-8-sig", newline="") as f:
        hexes = list(csv.DictReader(f))
    if len(hexes) != HEXAGONS or len({h["id"] for h in hexes}) != HEXAGONS:
        fail(f"expected {HEXAGONS} distinct hexagons, found {len(hexes)}")

    # ---- population_hex.csv
    pop = sum(int(h["population"]) for h in hexes)
    if pop != POPULATION_TOTAL:
        fail(f"population {pop} != {POPULATION_TOTAL}")
    write_csv(OUT / "population_hex.csv", ["id", "lon", "lat", "population"],
              [[h["id"], h["lon"], h["lat"], h["population"]] for h in hexes],
              ["String", "Real", "Real", "Integer"])
    log(f"population_hex.csv: {len(hexes):,} hexagons, population {pop:,}")

    # ---- facilities.csv: `healthcare` = public health facilities in the hexagon (empty in 5 rows: none)
    rows, n_hex = [], 0
    for h in hexes:
        k = int(h["healthcare"] or 0)
        if k > 0:
            n_hex += 1
        for j in range(1, k + 1):
            n = len(rows) + 1
            rows.append([f"poa-ubs-{n:03d}", f"Unidade de saúde {n:03d}", "public_health_facility",
                         h["lon"], h["lat"], h["id"], j, k])
    if len(rows) != FACILITIES_TOTAL or n_hex != FACILITY_HEXAGONS:
        fail(f"expected {FACILITIES_TOTAL} facilities in {FACILITY_HEXAGONS} hexagons, found {len(rows)} in {n_hex}")
    write_csv(OUT / "facilities.csv", ["id", "name", "type", "lon", "lat", "hex_id", "n_in_hex", "hex_count"], rows,
              ["String", "String", "String", "Real", "Real", "String", "Integer", "Integer"])
    log(f"facilities.csv: {len(rows)} facilities in {n_hex} hexagons "
        f"({sum(1 for r in rows if r[7] > 1)} of them share a centroid with another)")

    # ---- the Voronoi cells of the centroids, computed in UTM 22S
    wgs, utm = srs(4326), srs(WORK_EPSG)
    fwd = osr.CoordinateTransformation(wgs, utm)
    back = osr.CoordinateTransformation(utm, wgs)
    ll = [(float(h["lon"]), float(h["lat"])) for h in hexes]
    pts = np.array([p[:2] for p in fwd.TransformPoints(ll)])
    env = box(*MultiPoint([tuple(p) for p in pts]).bounds).buffer(2000, join_style=2)
    cells = list(voronoi_diagram(MultiPoint([tuple(p) for p in pts]), envelope=env).geoms)
    if len(cells) != len(pts):
        fail("Voronoi diagram does not have one cell per centroid")
    tree = cKDTree(pts)
    owner = [int(tree.query(np.array(c.centroid.coords[0]))[1]) for c in cells]
    if sorted(owner) != list(range(len(pts))):
        fail("Voronoi cells could not be matched to their centroids")
    nnd = tree.query(pts, k=7)[0]
    interior = nnd[:, 6] < 1.2 * np.median(nnd[:, 1])  # six neighbours at 306-340 m
    worst = 0.0
    for c, k in zip(cells, owner):
        if interior[k]:
            worst = max(worst, max(Point(v).distance(Point(pts[k])) for v in c.exterior.coords))
    if worst > INTERIOR_MAX_VERTEX:
        fail(f"an interior hexagon reaches {worst:.1f} m from its centroid, beyond {INTERIOR_MAX_VERTEX} m")
    def ring_to_wgs(r):
        return [(x, y) for x, y, *_ in back.TransformPoints(list(r.coords))]

    def polys_of(g):
        return list(g.geoms) if g.geom_type == "MultiPolygon" else [g]

    def valid_in(mp_wgs, epsg):
        t = osr.CoordinateTransformation(wgs, srs(epsg))
        return MultiPolygon([Polygon([q[:2] for q in t.TransformPoints(list(p.exterior.coords))],
                                     [[q[:2] for q in t.TransformPoints(list(i.coords))] for i in p.interiors])
                             for p in mp_wgs.geoms]).is_valid

    # the hexagons: each Voronoi cell clipped to its disc, in metres. Neighbouring cells share their vertices
    # exactly (the Voronoi vertices), so they tile without overlaps; along the edge of the grid the discs of two
    # neighbours can meet the shared Voronoi edge at different points, leaving hairline notches and gaps there.
    clipped = [c.intersection(Point(pts[k]).buffer(DISC_RADIUS, resolution=16)) for c, k in zip(cells, owner)]
    hexagon = [None] * len(pts)
    for c, k in zip(clipped, owner):
        if c.geom_type != "Polygon" or c.is_empty or not c.is_valid or not c.contains(Point(pts[k])):
            fail(f"the hexagon of {hexes[k]['id']} is not one valid polygon around its centroid")
        hexagon[k] = orient(c, 1.0)
    overlap = sum(h.area for h in hexagon) - unary_union(hexagon).area
    rounded_off = sum(1 for c, h in zip(cells, clipped) if h.area < c.area - 1e-6)

    # the study area: the hexagons merged, and the hairline gaps and spikes that leaves closed (by CLEAN m, far
    # below the 100 m of the analysis grid)
    area = unary_union(clipped)
    area = area.buffer(CLEAN, resolution=4, join_style=2).buffer(-CLEAN, resolution=4, join_style=2)
    area = area.simplify(0.01, preserve_topology=True)
    polys = sorted(polys_of(area), key=lambda p: (-round(p.area, 3), p.exterior.coords[0]))
    holes = sum(len(p.interiors) for p in polys)
    area_km2 = sum(p.area for p in polys) / 1e6
    log(f"municipality.gpkg: {len(polys)} part(s), {holes} hole(s), {area_km2:.1f} km2 "
        f"({interior.sum()} interior hexagons reach at most {worst:.1f} m; disc {DISC_RADIUS:.0f} m)")
    mp = MultiPolygon([Polygon(ring_to_wgs(p.exterior), [ring_to_wgs(i) for i in p.interiors]) for p in polys])
    for epsg in (4326, WORK_EPSG, 32722):  # valid as stored, and again in SIRGAS 2000 / WGS 84 UTM 22S
        if not (mp.is_valid if epsg == 4326 else valid_in(mp, epsg)):
            fail(f"the study-area polygon is not valid in EPSG:{epsg}")
    write_gpkg(OUT / "municipality.gpkg", "municipality", ogr.wkbMultiPolygon,
               [("code", ogr.OFTString), ("name", ogr.OFTString)], [([MUNICIPALITY_CODE, MUNICIPALITY_NAME], mp)])

    # ---- population_hex.gpkg: the hexagons in the order of the source, with their population
    hex_wgs = [Polygon(ring_to_wgs(h.exterior)) for h in hexagon]
    for h, row in zip(hex_wgs, hexes):
        if not (h.is_valid and valid_in(MultiPolygon([h]), 32722)):
            fail(f"the hexagon of {row['id']} is not valid in WGS 84 or in EPSG:32722")
    write_gpkg(OUT / "population_hex.gpkg", "population_hex", ogr.wkbPolygon,
               [("id", ogr.OFTString), ("population", ogr.OFTInteger)],
               [([row["id"], int(row["population"])], h) for row, h in zip(hexes, hex_wgs)])

    # ---- checks, on the files as written
    (_, muni), = read_gpkg(OUT / "municipality.gpkg")
    outside = 0
    for lon, lat in ll:
        p = ogr.Geometry(ogr.wkbPoint)
        p.AddPoint_2D(lon, lat)
        outside += not muni.Contains(p)
    if outside:
        fail(f"{outside} hexagon centroids fall outside the study area")
    written = read_gpkg(OUT / "population_hex.gpkg")
    if [a["id"] for a, _ in written] != [h["id"] for h in hexes]:
        fail("population_hex.gpkg does not hold the hexagons in the order of the source")
    if sum(a["population"] for a, _ in written) != POPULATION_TOTAL:
        fail("population_hex.gpkg does not hold the population total")
    for (a, g), (lon, lat) in zip(written, ll):
        p = ogr.Geometry(ogr.wkbPoint)
        p.AddPoint_2D(lon, lat)
        if not g.Contains(p):
            fail(f"the centroid of {a['id']} is not inside its hexagon")
    to_work = osr.CoordinateTransformation(wgs, utm)
    def utm_of(g):
        g = g.Clone()
        g.Transform(to_work)
        return shapely_wkb.loads(bytes(g.ExportToWkb()))
    hex_union = unary_union([utm_of(g) for _, g in written])
    study = utm_of(muni)
    difference = study.symmetric_difference(hex_union).area
    if difference > MAX_UNION_DIFFERENCE:
        fail(f"the hexagons' union differs from the study area by {difference:.1f} m2")
    areas = sorted(h.area for h in hexagon)
    log(f"population_hex.gpkg: {len(hexagon):,} hexagons ({rounded_off} rounded off by the disc along the edge of "
        f"the grid), {areas[0] / 1e3:.1f}-{areas[-1] / 1e3:.1f} thousand m2 "
        f"(median {areas[len(areas) // 2] / 1e3:.1f}), population {POPULATION_TOTAL:,}; overlaps {overlap:.1e} m2; "
        f"their union {hex_union.area / 1e6:.4f} km2 differs from the study area ({study.area / 1e6:.4f} km2) "
        f"by {difference:.2f} m2 (the closing)")
    log("wrote " + ", ".join(str((OUT / f).relative_to(REPO)) for f in
                             ("population_hex.csv", "population_hex.gpkg", "facilities.csv", "municipality.gpkg")) +
        f"; {PBF} checked")


if __name__ == "__main__":
    main()
