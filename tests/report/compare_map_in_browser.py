#!/usr/bin/env python3
"""Opens map.html of a comparison (the Xinyang demo against a copy that adds two county hospitals) in headless
Chromium and checks it works offline.

Registered with ctest as compare_map_in_browser; exits 1 when any check fails. It runs the Xinyang demo as is (A)
and a copy of its scenario with a [changes] block adding two general hospitals tagged 县级医院 at township seats
far from every county hospital (B), then `carereach compare A B --out C`. C/map.html is loaded from a copy with a
probe injected (scripts/headless_chromium.py), with every host name resolving to nothing. The probe, on the load
event:
  - records script errors, failed loads, Content-Security-Policy violations and the resources the page fetched;
  - reads the standard and level the switchers show, every zone path's code and fill, the change list's entries;
  - clicks the first entry of the list and reads the map's zoom, bounds and centre before and after, and the rows
    of the popup that opens;
  - reads the facility markers drawn in the changed style (dark blue) and clicks each for its popup.
The expected figures come from compare's own table C/tables/compare_township.csv (not from the page's script or
its embedded data): one list entry and one green or red zone per township whose covered population changed under
the standard shown, the popup's population, covered in A and B, share and change equal to the table's row, the two
added hospitals marked. Every Chromium console message is a failure.
"""

import argparse
import csv
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
sys.dont_write_bytecode = True
from headless_chromium import find_chromium, probe_script, run_offline_probe  # noqa: E402

PROBE_ID = "carereach-compare-map-probe"
GAIN, LOSS, CHANGED_FACILITY = "#1a9641", "#d7191c", "#1f3b73"
MINUS = "\u2212"
# The facilities scenario B adds: general hospitals tagged 县级医院 (counted by the county hospital standards) at
# the seats of 王岗乡 (平桥区) and 山店乡 (罗山县), both over 40 km from every county hospital of the demo.
ADDED = [("cmp-h1", "王岗乡中心医院", 113.825808, 32.482965), ("cmp-h2", "山店乡中心医院", 114.433241, 31.803335)]

HEAD_PROBE = ("<script>window.__errors=[];"
              "window.addEventListener('error',function(e){var t=e.target;window.__errors.push("
              "(t&&t!==window&&t.tagName)?('failed to load <'+t.tagName.toLowerCase()+'> '+(t.src||t.href||''))"
              ":('script error: '+e.message+' ('+e.filename+':'+e.lineno+')'));},true);"
              "document.addEventListener('securitypolicyviolation',function(e){window.__errors.push("
              "'CSP violation: '+e.violatedDirective+' '+e.blockedURI);});</script>")

BODY_PROBE = probe_script(r"""
  var r = {errors: [], standard: null, level: null, zones: [], paths: 0, list: [], zoomBefore: null,
           zoomAfter: null, boundsBefore: null, boundsAfter: null, centreAfter: null, popupHead: null,
           popupRows: [], facilities: 0, marked: [], resources: [], probeError: null};
  function checked(name) {
    var i = document.querySelector('input[name="' + name + '"]:checked');
    return i ? i.parentNode.textContent.trim() : null;
  }
  function click(el) {
    var box = el.getBoundingClientRect();
    var at = {bubbles: true, cancelable: true, view: window,
              clientX: box.left + box.width / 2, clientY: box.top + box.height / 2};
    el.dispatchEvent(new MouseEvent('mousedown', at));
    el.dispatchEvent(new MouseEvent('mouseup', at));
    el.dispatchEvent(new MouseEvent('click', at));
  }
  try {
    var M = window.carereachMap;
    r.standard = checked('cr-standard');
    r.level = checked('cr-level');
    r.paths = document.querySelectorAll('.leaflet-overlay-pane path.leaflet-interactive').length;
    M.zoneLayers[M.state.level].eachLayer(function (l) {
      r.zones.push({code: l.feature.properties.code, name: l.feature.properties.name,
                    fill: l._path ? l._path.getAttribute('fill') : null});
    });
    var items = document.querySelectorAll('.cr-changes li');
    for (var i = 0; i < items.length; i++) r.list.push(items[i].textContent);
    r.zoomBefore = M.map.getZoom();
    r.boundsBefore = M.map.getBounds().toBBoxString();
    if (items.length) items[0].click();
    r.zoomAfter = M.map.getZoom();
    r.boundsAfter = M.map.getBounds().toBBoxString();
    var c = M.map.getCenter();
    r.centreAfter = [c.lng, c.lat];
    var popup = document.querySelector('.leaflet-popup-content');
    if (popup) {
      var b = popup.querySelector('b'), small = popup.querySelector('small');
      r.popupHead = [b ? b.textContent : null, small ? small.textContent : null];
      var rows = popup.querySelectorAll('table.cr-figures tr');
      for (var k = 1; k < rows.length; k++) {
        var cells = [];
        rows[k].querySelectorAll('td').forEach(function (td) { cells.push(td.textContent); });
        r.popupRows.push({current: rows[k].className === 'current', cells: cells});
      }
    }
    var markers = document.querySelectorAll('.leaflet-facilities-pane path.cr-facility');
    r.facilities = markers.length;
    var marked = [];
    M.facilityLayer.eachLayer(function (l) {
      if (l._path && l._path.getAttribute('fill') === 'CHANGED') marked.push(l);
    });
    marked.forEach(function (l) {
      click(l._path);
      // The popup closed last fades out for 200 ms before it leaves the DOM: the new one comes after it.
      var all = document.querySelectorAll('.leaflet-popup-content');
      var p = all.length ? all[all.length - 1] : null;
      var ll = l.getLatLng();
      r.marked.push({lon: ll.lng, lat: ll.lat, radius: l.getRadius(), popup: p ? p.textContent : null});
    });
    r.resources = performance.getEntriesByType('resource').map(function (e) { return e.name; });
  } catch (e) {
    r.probeError = String(e && e.stack || e);
  }
  r.errors = (window.__errors || []).slice();
""".replace("CHANGED", CHANGED_FACILITY), PROBE_ID)


def run(cmd):
    print("$ " + " ".join(str(c) for c in cmd), flush=True)
    done = subprocess.run([str(c) for c in cmd], capture_output=True, text=True)
    if done.returncode != 0:
        sys.stdout.write(done.stdout + done.stderr)
        sys.exit(f"command failed with exit code {done.returncode}")


def scenario_b(demo):
    """The demo's scenario with its sources as absolute paths and a [changes] block adding the ADDED hospitals."""
    text = (demo / "scenario.toml").read_text(encoding="utf-8")
    text = re.sub(r'^source = "([^"]+)"', lambda m: 'source = ' + json.dumps(str(demo / m.group(1))), text,
                  flags=re.M)
    text += '\n[changes]\nlabel_zh = "新增两所县级综合医院"\nlabel_en = "Two new county general hospitals"\n'
    for fid, name, lon, lat in ADDED:
        text += (f'\n[[changes.add]]\nid = "{fid}"\nname = "{name}"\ntype = "综合医院"\nlevel = "二级"\n'
                 f'tags = ["县级医院"]\nx = {lon}\ny = {lat}\ncrs = "gcj02"\n')
    return text


def whole(text):
    """A whole number as the page prints it: thousands with commas, a sign + or − (U+2212)."""
    t = text.strip().replace(",", "").replace(MINUS, "-").replace("+", "")
    return int(t)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--carereach", required=True)
    ap.add_argument("--geodata", required=True)
    ap.add_argument("--keep", help="keep the runs and the checker's files in this folder")
    args = ap.parse_args()
    chromium = find_chromium(None)
    if not chromium:
        sys.exit("no Chromium on PATH (Debian package chromium)")
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="carereach-compare-map-"))
    work.mkdir(parents=True, exist_ok=True)
    demo = Path(args.geodata).resolve() / "xinyang"
    (work / "scenario_b.toml").write_text(scenario_b(demo), encoding="utf-8")
    out_a, out_b, out_c = work / "a", work / "b", work / "c"
    run([args.carereach, "-q", "run", demo / "scenario.toml", "--out", out_a, "--overwrite"])
    run([args.carereach, "-q", "run", work / "scenario_b.toml", "--out", out_b, "--overwrite"])
    run([args.carereach, "-q", "compare", out_a, out_b, "--out", out_c, "--overwrite"])

    # compare's own table: per standard (its name) and township code, the row's figures.
    rows = {}
    with open(out_c / "tables" / "compare_township.csv", encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        col = {}
        for key, starts in (("standard", "服务标准"), ("code", "代码"), ("pop", "常住人口"), ("a", "基准覆盖人口"),
                            ("b", "情景覆盖人口"), ("delta", "覆盖人口变化"), ("share_b", "情景覆盖率")):
            col[key] = next(i for i, h in enumerate(header) if h.startswith(starts))
        for row in reader:
            if not row or row[col["code"]] in ("合计", ""):
                continue
            rows[(row[col["standard"]], row[col["code"]])] = {k: row[i] for k, i in col.items()}
    standards = list(dict.fromkeys(s for s, _ in rows))
    changed_standards = [s for s in standards if any(int(v["delta"]) != 0 for (t, _), v in rows.items() if t == s)]

    text = (out_c / "map.html").read_text(encoding="utf-8")
    r, failures = run_offline_probe(chromium, text, HEAD_PROBE, BODY_PROBE, PROBE_ID, work)
    if not changed_standards:
        failures.append("compare reports no township whose covered population changed: the scenario adds nothing")

    if r and changed_standards:
        shown = r["standard"]
        if shown != changed_standards[0]:
            failures.append(f"the page shows {shown!r}, not the first standard with a change {changed_standards[0]!r}")
        if r["level"] != "乡镇":
            failures.append(f"the page shows the level {r['level']!r}, not 乡镇")
        delta = {code: int(v["delta"]) for (s, code), v in rows.items() if s == shown}
        changed = {code: d for code, d in delta.items() if d != 0}
        codes = [z["code"] for z in r["zones"]]
        if r["paths"] != len(delta) or sorted(codes) != sorted(delta):
            failures.append(f"zone paths drawn: {r['paths']} ({len(codes)} zones), townships in the table: {len(delta)}")
        for z in r["zones"]:
            d = delta.get(z["code"], 0)
            want = GAIN if d > 0 else LOSS if d < 0 else None
            if (z["fill"] in (GAIN, LOSS) or want) and z["fill"] != want:
                failures.append(f"zone {z['name']} ({z['code']}): fill {z['fill']}, change {d:+d} in the table")
        drawn_changed = sum(1 for z in r["zones"] if z["fill"] in (GAIN, LOSS))
        if drawn_changed != len(changed):
            failures.append(f"{drawn_changed} zones drawn as changed, {len(changed)} changed in the table")
        # The list: one entry per changed township, "name ±N 人", largest change first.
        name_of = {z["code"]: z["name"] for z in r["zones"]}
        entries = []
        for t in r["list"]:
            m = re.fullmatch(r"(.+) ([+\u2212][\d,]+) 人", t)
            if not m:
                failures.append(f"list entry {t!r} is not 'name ±N 人'")
                continue
            entries.append((m.group(1), whole(m.group(2))))
        expected = sorted((name_of.get(c, c), d) for c, d in changed.items())
        if sorted(entries) != expected:
            failures.append(f"the change list {entries} differs from the table's changed townships {expected}")
        sizes = [abs(d) for _, d in entries]
        if sizes != sorted(sizes, reverse=True):
            failures.append(f"the change list is not ordered largest change first: {sizes}")
        # The click on the first entry: zoomed to that township, its popup with the table's figures.
        if entries:
            first_code = next((c for c, d in changed.items() if (name_of.get(c), d) == entries[0]), None)
            if r["zoomAfter"] is None or r["zoomAfter"] <= r["zoomBefore"] or r["boundsAfter"] == r["boundsBefore"]:
                failures.append(f"clicking the first entry did not zoom in: zoom {r['zoomBefore']} → {r['zoomAfter']}")
            head = r.get("popupHead") or [None, None]
            if head != [entries[0][0], first_code]:
                failures.append(f"clicking the first entry opened the popup {head}, not {[entries[0][0], first_code]}")
            popup_rows = {p["cells"][0]: p for p in r.get("popupRows", []) if p["cells"]}
            for s in standards:
                t = rows.get((s, first_code))
                p = popup_rows.get(s)
                if t is None:
                    continue
                if p is None or len(p["cells"]) != 6:
                    failures.append(f"popup of {first_code}: no figures for {s!r}: {p}")
                    continue
                got = {"pop": whole(p["cells"][1]), "b": whole(p["cells"][2]), "a": whole(p["cells"][4]),
                       "delta": whole(p["cells"][5])}
                want = {k: int(t[k]) for k in got}
                if got != want:
                    failures.append(f"popup of {first_code}, {s}: {got}, table: {want}")
                share = float(p["cells"][3].rstrip("%"))
                if abs(share - float(t["share_b"])) > 0.051:
                    failures.append(f"popup of {first_code}, {s}: share {share}%, table {t['share_b']}%")
                if p["current"] != (s == shown):
                    failures.append(f"popup of {first_code}: row {s!r} highlighted: {p['current']}")
        # The added hospitals are marked (dark blue, larger) and say 新增.
        marked = r.get("marked", [])
        if len(marked) != len(ADDED):
            failures.append(f"{len(marked)} facilities marked as changed, {len(ADDED)} added")
        for fid, name, lon, lat in ADDED:
            near = [m for m in marked if abs(m["lon"] - lon) < 0.02 and abs(m["lat"] - lat) < 0.02]
            if len(near) != 1 or name not in (near[0]["popup"] or "") or "新增" not in (near[0]["popup"] or ""):
                failures.append(f"added {name} ({lon}, {lat}): marked markers near it {near}")

    print(f"map.html: {(out_c / 'map.html').stat().st_size:,} bytes; standard {r.get('standard')!r}, "
          f"{r.get('paths')} township paths, {len(r.get('list', []))} list entries, first {r.get('list', [None])[:1]}; "
          f"zoom {r.get('zoomBefore')} → {r.get('zoomAfter')}; {r.get('facilities')} facility markers, "
          f"{len(r.get('marked', []))} marked")
    for f in failures:
        print("FAIL: " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
