#!/usr/bin/python3
"""Build the Xinyang (信阳市, 411500) demo data set in geodata/xinyang/: the data a health commission has, without
a road network.

Reads only the copies in geodata/xinyang/sources/ (geodata/xinyang/README.md gives the source and licence
of each) and writes:

  counties.geojson            the 11 county-level units of the 2020 census (WGS 84): 10 counties and districts and
                              411571 信阳高新技术产业开发区
  census2020_counties.csv     their 2020 census totals
  township_seats.csv          the 182 township-level units with a seat position, in GCJ-02 as published (Amap),
                              with the number of their village-level units (the settlement weight)
  townships_without_seat.csv  the other 39 of the 221
  facilities.csv              an office-style facility list (GBK, Chinese headers, CRLF): modelled proxies — the
                              city's four hospitals at the prefecture seat, each county's three hospitals at its
                              seat, a 乡镇卫生院 or 社区卫生服务中心 for every 镇, 乡 and 街道, in GCJ-02; the 32 of
                              these whose township has no seat position have no coordinates, as in a real list

No coordinate is converted: the scenario declares GCJ-02 (crs = "gcj02") and carereach converts.

Usage:  make_demo_xinyang.py                      rebuild the outputs from sources/
        make_demo_xinyang.py --extract-from DIR   first refresh sources/ from a copy of the raw data
                                                  (DIR holds china-census2020/ and china-adcode-2016-gcj02/)
"""

import argparse
import csv
import io
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "geodata" / "xinyang"
SRC = OUT / "sources"

PREFECTURE = "411500"
# The 2020 census county-level units of 信阳市: the 2016 code list's ten, and 411571 信阳高新技术产业开发区, set up
# later from parts of them (the 2016 seats inside it carry the codes of 浉河区 and 平桥区).
COUNTIES = ["411502", "411503", "411521", "411522", "411523", "411524", "411525", "411526", "411527", "411528",
            "411571"]
DISTRICTS = {"411502", "411503"}   # served by the city hospitals
HIGH_TECH_ZONE = "411571"
CENSUS_TOTAL = 6_234_401

SRC_TOWNSHIPS = "townships_xinyang_2016_gcj02.csv"
SRC_ADCODE = "adcode_xinyang_2016_gcj02.csv"
SRC_CENSUS = "census2020_xinyang_counties.csv"
SRC_BOUNDARIES = "counties_xinyang_wgs84.geojson"
ADCODE_COLUMNS = ["code", "parent", "name", "level", "ur_code", "virtual", "dummy", "longitude", "latitude"]

# Proxy hospitals: (类别, 名称后缀, 等级, 标签, 床位, 医师, 护士, 全科, 中医床位, 中医医师, 偏移 (east, north) in 0.001°)
CITY_HOSPITALS = [
    ("综合医院", "中心医院", "三级甲等", "县级医院;急救", 3000, 1000, 1500, 30, 60, 40, (-2, 2)),
    ("中医医院", "中医院", "三级", "县级医院", 1000, 300, 450, 10, 800, 200, (2, 2)),
    ("妇幼保健院", "妇幼保健院", "三级", "", 500, 180, 300, 5, 20, 10, (-2, -2)),
    ("专科医院", "儿童医院", "二级", "", 400, 120, 200, 0, 0, 5, (2, -2)),
]
COUNTY_HOSPITALS = [
    ("综合医院", "人民医院", "二级甲等", "县级医院;急救", 800, 280, 400, 15, 30, 20, (-2, 2)),
    ("中医医院", "中医院", "二级甲等", "县级医院", 400, 120, 180, 8, 300, 60, (2, 2)),
    ("妇幼保健院", "妇幼保健院", "二级", "", 150, 60, 90, 3, 10, 5, (0, -2)),
]
TOWNSHIP_CENTRE = {  # (等级, 床位, 医师, 护士, 全科, 中医床位, 中医医师)
    "乡镇卫生院": ("一级", 40, 14, 12, 4, 6, 2),
    "社区卫生服务中心": ("一级", 20, 18, 16, 8, 4, 3),
}


def log(msg):
    print(msg, flush=True)


def fail(msg):
    sys.exit("make_demo_xinyang: " + msg)


def read_csv(path: Path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def write_csv(path: Path, header, rows, encoding="utf-8-sig", newline="\n", types=None):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator=newline)
    w.writerow(header)
    w.writerows(rows)
    with open(path, "w", encoding=encoding, newline="") as f:
        f.write(buf.getvalue())
    if types:
        assert len(types) == len(header)
        with open(path.with_suffix(".csvt"), "w", encoding="ascii", newline="") as f:
            f.write(",".join(f'"{t}"' for t in types) + "\n")


# ------------------------------------------------------------------------------------------ source extracts
def extract_sources(data_dir: Path):
    """Refresh sources/ from the raw data (only with --extract-from)."""
    SRC.mkdir(parents=True, exist_ok=True)
    adc = data_dir / "china-adcode-2016-gcj02"
    with open(adc / "townships_5prefectures_2016_points_gcj02.csv", encoding="utf-8-sig", newline="") as f:
        lines = f.read().splitlines()
    kept = [ln for ln in lines[1:] if next(csv.reader([ln]))[2][:4] == PREFECTURE[:4]]
    with open(SRC / SRC_TOWNSHIPS, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join([lines[0]] + kept) + "\n")
    log(f"sources/{SRC_TOWNSHIPS}: {len(kept)} rows")
    with open(adc / "adcode_5prefectures_2016_gcj02.csv", encoding="utf-8-sig", newline="") as f:
        rows = [r for r in csv.DictReader(f)
                if r["code"][:4] == PREFECTURE[:4] and r["level"] in ("city", "county", "village")]
    write_csv(SRC / SRC_ADCODE, ADCODE_COLUMNS, [[r[k] for k in ADCODE_COLUMNS] for r in rows], encoding="utf-8")
    log(f"sources/{SRC_ADCODE}: {len(rows)} rows")
    with open(data_dir / "china-census2020" / "census2020_5prefectures_counties.csv", encoding="utf-8-sig",
              newline="") as f:
        lines = f.read().splitlines()
    kept = [ln for ln in lines[1:] if next(csv.reader([ln]))[2] == PREFECTURE]
    with open(SRC / SRC_CENSUS, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join([lines[0]] + kept) + "\n")
    log(f"sources/{SRC_CENSUS}: {len(kept)} rows")
    with open(data_dir / "china-census2020" / "counties_5prefectures_unprojected_wgs84.geojson", encoding="utf-8") as f:
        d = json.load(f)
    d["features"] = sorted((ft for ft in d["features"] if str(ft["properties"]["CODE"]) in COUNTIES),
                           key=lambda ft: str(ft["properties"]["CODE"]))
    with open(SRC / SRC_BOUNDARIES, "w", encoding="utf-8", newline="\n") as f:
        json.dump(d, f, ensure_ascii=False, indent=None, separators=(",", ":"))
        f.write("\n")
    log(f"sources/{SRC_BOUNDARIES}: {len(d['features'])} features")


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
    if kind in ("镇", "乡"):
        return "乡镇卫生院", name + "卫生院"
    if kind == "街道":
        base = name.replace("办事处", "")
        if not base.endswith("街道"):
            base += "街道"
        return "社区卫生服务中心", base + "社区卫生服务中心"
    return None  # 管理区, 农场, 开发区 …: no health centre of their own in the plan's rule


def short_county(name):
    return name


# ------------------------------------------------------------------------------------------------- main
def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--extract-from", metavar="DIR", type=Path,
                    help="refresh sources/ from the raw data in DIR before building")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    if args.extract_from:
        extract_sources(args.extract_from)
    for f in (SRC_TOWNSHIPS, SRC_ADCODE, SRC_CENSUS, SRC_BOUNDARIES):
        if not (SRC / f).is_file():
            fail(f"missing source copy {SRC / f}")

    towns = read_csv(SRC / SRC_TOWNSHIPS)
    adcode = read_csv(SRC / SRC_ADCODE)
    census = {r["adcode"]: r for r in read_csv(SRC / SRC_CENSUS)}
    with open(SRC / SRC_BOUNDARIES, encoding="utf-8") as f:
        bounds = {str(ft["properties"]["CODE"]): ft for ft in json.load(f)["features"]}
    if sorted(census) != COUNTIES or sorted(bounds) != COUNTIES:
        fail("the census and boundary copies must hold exactly the county-level units " + ", ".join(COUNTIES))
    total = sum(int(census[c]["census2020_pop"]) for c in COUNTIES)
    if total != CENSUS_TOTAL:
        fail(f"census total {total} != {CENSUS_TOTAL}")
    if len(towns) != 221:
        fail(f"expected 221 township-level units, found {len(towns)}")
    names = {c: census[c]["name"] for c in COUNTIES}

    # --- counties (WGS 84, as the census file), census totals
    feats = []
    for c in COUNTIES:
        p = bounds[c]["properties"]
        if p["NAME"] != names[c]:
            fail(f"name mismatch for {c}: {p['NAME']} / {names[c]}")
        feats.append({"type": "Feature",
                      "properties": {"code": c, "name": p["NAME"], "name_en": p["ENG_NAME"] or "Xinyang High-tech Zone",
                                     "parent_code": PREFECTURE},
                      "geometry": bounds[c]["geometry"]})
    with open(OUT / "counties.geojson", "w", encoding="utf-8", newline="\n") as f:
        f.write('{"type":"FeatureCollection","name":"counties",\n')
        f.write('"crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:OGC:1.3:CRS84"}},\n"features":[\n')
        f.write(",\n".join(json.dumps(ft, ensure_ascii=False, separators=(",", ":")) for ft in feats))
        f.write("\n]}\n")
    cols = ["census2020_pop", "urban_share", "age65p_share", "age0_14_share"]
    write_csv(OUT / "census2020_counties.csv", ["code", "name", "parent_code"] + cols,
              [[c, names[c], PREFECTURE] + [census[c][k] for k in cols] for c in COUNTIES],
              types=["String"] * 3 + ["Integer", "Real", "Real", "Real"])

    # --- township seats (GCJ-02 as published) with the number of their village-level units
    villages = [r for r in adcode if r["level"] == "village" and r["dummy"] != "t"]
    per_town = {}
    for v in villages:
        per_town[v["code"][:9]] = per_town.get(v["code"][:9], 0) + 1
    seats, missing = [], []
    for t in towns:
        code9, c = t["code"][:9], t["adcode"]
        kind = township_kind(t["name"])
        n = per_town.get(code9, 0)
        if t["longitude"]:
            seats.append([code9, t["name"], c, names[c], kind, n, t["longitude"], t["latitude"]])
        else:
            missing.append([code9, t["name"], c, names[c], kind, n])
    write_csv(OUT / "township_seats.csv",
              ["code", "name", "county_code", "county_name", "kind", "村级单位数", "longitude_gcj02", "latitude_gcj02"],
              seats, types=["String"] * 5 + ["Integer", "Real", "Real"])
    write_csv(OUT / "townships_without_seat.csv", ["code", "name", "county_code", "county_name", "kind", "村级单位数"],
              missing, types=["String"] * 5 + ["Integer"])
    no_villages = [s[1] for s in seats if s[5] == 0]
    log(f"township_seats.csv: {len(seats)} seats (GCJ-02), {sum(s[5] for s in seats):,} village-level units; "
        f"townships_without_seat.csv: {len(missing)}" +
        (f"; seats without village-level units (weight 0): {', '.join(no_villages)}" if no_villages else ""))

    # --- the office-style facility list (GBK, Chinese headers, CRLF)
    rows = []

    def row(name, ftype, county, town, level, tags, attrs, lon, lat, note=""):
        rows.append([str(len(rows) + 1), name, ftype, names[county], town, level, tags, *[str(a) for a in attrs],
                     lon, lat, note])

    county_seats = {r["code"][:6]: r for r in adcode if r["level"] == "county"}
    city = next(r for r in adcode if r["level"] == "city")

    def offset(r, d):
        return f"{float(r['longitude']) + d[0] / 1000:.6f}", f"{float(r['latitude']) + d[1] / 1000:.6f}"

    for ftype, suffix, level, tags, *attrs, d in CITY_HOSPITALS:
        row("信阳市" + suffix, ftype, "411502", "", level, tags, attrs, *offset(city, d), "市级医院，位置与属性为模拟")
    for c in COUNTIES:
        if c in DISTRICTS or c == HIGH_TECH_ZONE:
            continue
        for ftype, suffix, level, tags, *attrs, d in COUNTY_HOSPITALS:
            row(names[c] + suffix, ftype, c, "", level, tags, attrs, *offset(county_seats[c], d),
                "县级医院，位置与属性为模拟")
    for t in towns:
        tf = township_facility(t["name"], township_kind(t["name"]))
        if tf is None:
            continue
        a = TOWNSHIP_CENTRE[tf[0]]
        if t["longitude"]:
            row(tf[1], tf[0], t["adcode"], t["name"], a[0], "", a[1:], t["longitude"], t["latitude"],
                "位于乡镇驻地（模拟）")
        else:
            row(tf[1], tf[0], t["adcode"], t["name"], a[0], "", a[1:], "", "", "乡镇驻地无坐标，待补充")
    header = ["序号", "机构名称", "机构类别", "所属县区", "所属乡镇", "机构等级", "标签", "编制床位",
              "执业（助理）医师", "注册护士", "全科医生", "中医床位", "中医类别执业（助理）医师", "经度", "纬度", "备注"]
    write_csv(OUT / "facilities.csv", header, rows, encoding="gbk", newline="\r\n")
    without = sum(1 for r in rows if not r[13])
    by_type = {}
    for r in rows:
        by_type[r[2]] = by_type.get(r[2], 0) + 1
    log(f"facilities.csv (GBK): {len(rows)} rows, {without} without coordinates: " +
        ", ".join(f"{k} {v}" for k, v in by_type.items()))
    log("wrote " + ", ".join(str((OUT / f).relative_to(REPO)) for f in
                             ("counties.geojson", "census2020_counties.csv", "township_seats.csv",
                              "townships_without_seat.csv", "facilities.csv")))


if __name__ == "__main__":
    main()
