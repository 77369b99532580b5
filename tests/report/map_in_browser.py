#!/usr/bin/env python3
"""Opens map.html of a small run (the Xinyang demo, in Chinese) in headless Chromium and checks it works offline.

Registered with ctest as map_in_browser; exits 1 when any check fails. The page is loaded from a copy with a probe
injected (scripts/headless_chromium.py), with every host name resolving to nothing. The probe, on the load event:
  - records script errors, failed loads, Content-Security-Policy violations and the resources the page fetched;
  - counts the zone paths and facility markers Leaflet drew in its SVG panes;
  - clicks a township's path (a DOM click event on the SVG path) and reads the popup that opens;
  - reads every zone's fill, picks the second standard in the switcher (a click on its radio button) and reads the
    fills again, then picks the county level and counts the zones.
The expected counts, fills and popup figures are computed here from the data the page embeds, with the share
classes of report.html written out below — not by the page's script. Every Chromium console message is a failure.
"""

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
sys.dont_write_bytecode = True
from headless_chromium import find_chromium, probe_script, run_offline_probe  # noqa: E402

PROBE_ID = "carereach-map-probe"
# report.html's share classes (pipeline/report_maps.hpp ShareClasses): share ≥ break → the next class.
BREAKS = [0.5, 0.8, 0.9, 0.95]
COLOURS = ["#d7191c", "#fdae61", "#ffffbf", "#a6d96a", "#1a9641"]
NO_DATA = "#d9d9d9"

HEAD_PROBE = ("<script>window.__errors=[];"
              "window.addEventListener('error',function(e){var t=e.target;window.__errors.push("
              "(t&&t!==window&&t.tagName)?('failed to load <'+t.tagName.toLowerCase()+'> '+(t.src||t.href||''))"
              ":('script error: '+e.message+' ('+e.filename+':'+e.lineno+')'));},true);"
              "document.addEventListener('securitypolicyviolation',function(e){window.__errors.push("
              "'CSP violation: '+e.violatedDirective+' '+e.blockedURI);});</script>")

BODY_PROBE = probe_script(r"""
  var r = {errors: [], zones: 0, facilities: 0, fillsBefore: [], fillsAfter: [], popup: null, tooltip: null,
           countyZones: 0, resources: [], title: '', probeError: null};
  function zonePaths() { return document.querySelectorAll('.leaflet-overlay-pane path.leaflet-interactive'); }
  try {
    var zones = zonePaths();
    r.zones = zones.length;
    r.facilities = document.querySelectorAll('.leaflet-facilities-pane path.cr-facility').length;
    for (var i = 0; i < zones.length; i++) r.fillsBefore.push(zones[i].getAttribute('fill'));
    // Hover, then click the township at index PICK.
    var target = zones[PICK];
    var box = target.getBoundingClientRect();
    var at = {bubbles: true, cancelable: true, view: window,
              clientX: box.left + box.width / 2, clientY: box.top + box.height / 2};
    target.dispatchEvent(new MouseEvent('mouseover', at));
    var tip = document.querySelector('.leaflet-tooltip');
    r.tooltip = tip ? tip.textContent : null;
    target.dispatchEvent(new MouseEvent('mousedown', at));
    target.dispatchEvent(new MouseEvent('mouseup', at));
    target.dispatchEvent(new MouseEvent('click', at));
    var popup = document.querySelector('.leaflet-popup-content');
    r.popup = popup ? popup.innerText : null;
    // The second standard.
    var radio = document.querySelector('input[name="cr-standard"][value="1"]');
    if (radio) radio.click();
    zones = zonePaths();
    for (var j = 0; j < zones.length; j++) r.fillsAfter.push(zones[j].getAttribute('fill'));
    // The coarsest level.
    var county = document.querySelector('input[name="cr-level"][value="0"]');
    if (county) county.click();
    r.countyZones = zonePaths().length;
    r.title = document.querySelector('header.map-head h1').textContent;
    r.resources = performance.getEntriesByType('resource').map(function (e) { return e.name; });
  } catch (e) {
    r.probeError = String(e && e.stack || e);
  }
  r.errors = (window.__errors || []).slice();
""", PROBE_ID)


def run(cmd):
    print("$ " + " ".join(str(c) for c in cmd), flush=True)
    done = subprocess.run([str(c) for c in cmd], capture_output=True, text=True)
    if done.returncode != 0:
        sys.stdout.write(done.stdout + done.stderr)
        sys.exit(f"command failed with exit code {done.returncode}")


def share_colour(fig):
    if not fig or fig["population"] <= 0:
        return NO_DATA
    share = fig["covered"] / fig["population"]
    return COLOURS[sum(1 for b in BREAKS if share >= b)]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--carereach", required=True)
    ap.add_argument("--geodata", required=True)
    ap.add_argument("--keep", help="keep the run and the checker's files in this folder")
    args = ap.parse_args()
    chromium = find_chromium(None)
    if not chromium:
        sys.exit("no Chromium on PATH (Debian package chromium)")
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="carereach-map-"))
    work.mkdir(parents=True, exist_ok=True)
    out = work / "xinyang"
    run([args.carereach, "-q", "run", Path(args.geodata) / "xinyang" / "scenario.toml", "--out", out, "--overwrite"])
    text = (out / "map.html").read_text(encoding="utf-8")

    m = re.search(r'<script type="application/json" id="carereach-map-data">(.*?)</script>', text, re.S)
    if not m:
        sys.exit("map.html holds no carereach-map-data")
    data = json.loads(m.group(1))
    townships = data["levels"][-1]["zones"]["features"]
    counties = data["levels"][0]["zones"]["features"]
    # The township to click: the first with figures under the first standard and people.
    pick = next(i for i, f in enumerate(townships)
                if f["properties"]["figures"][0] and f["properties"]["figures"][0]["population"] > 0)

    r, failures = run_offline_probe(chromium, text, HEAD_PROBE, BODY_PROBE.replace("PICK", str(pick)), PROBE_ID, work)

    if r:
        if r["zones"] != len(townships):
            failures.append(f"zone paths drawn: {r['zones']}, townships in the data: {len(townships)}")
        if r["facilities"] != len(data["facilities"]["features"]):
            failures.append(f"facility markers drawn: {r['facilities']}, "
                            f"facilities in the data: {len(data['facilities']['features'])}")
        for label, fills, s in (("first", r["fillsBefore"], 0), ("second", r["fillsAfter"], 1)):
            expected = [share_colour(f["properties"]["figures"][s]) for f in townships]
            wrong = [i for i, (a, b) in enumerate(zip(fills, expected)) if a != b]
            if len(fills) != len(expected) or wrong:
                failures.append(f"{label} standard: {len(wrong)} zone fills differ from the share classes "
                                f"(first at zone {wrong[:1]}); {len(fills)} fills for {len(expected)} zones")
        if r["fillsBefore"] == r["fillsAfter"]:
            failures.append("the standard switcher did not change the colouring")
        if r["countyZones"] != len(counties):
            failures.append(f"county level: {r['countyZones']} zone paths for {len(counties)} counties")
        p = townships[pick]["properties"]
        popup = r.get("popup") or ""
        if not popup:
            failures.append("clicking a township opened no popup")
        else:
            expected = [p["name"], "常住人口", "覆盖率"]
            for s, st in enumerate(data["standards"]):
                fig = p["figures"][s]
                if fig:
                    expected += [st["name"], f"{fig['population']:,}", f"{fig['covered']:,}"]
                    if fig["population"] > 0:
                        expected.append(f"{100 * fig['covered'] / fig['population']:.1f}%")
            missing = [t for t in expected if t not in popup]
            if missing:
                failures.append(f"the popup of {p['name']} lacks {missing}: {popup!r}")
        if not (r.get("tooltip") or "").startswith(p["name"]):
            failures.append(f"hovering {p['name']} showed no tooltip with its name: {r.get('tooltip')!r}")
        if not r["title"].endswith("医疗卫生服务可及性地图"):
            failures.append(f"title: {r['title']!r}")

    size = (out / "map.html").stat().st_size
    print(f"map.html: {size:,} bytes; {r.get('zones')} township paths, {r.get('facilities')} facility markers, "
          f"{r.get('countyZones')} county paths; popup of {townships[pick]['properties']['name']}: "
          f"{(r.get('popup') or '')[:80]!r}")
    for f in failures:
        print("FAIL: " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
