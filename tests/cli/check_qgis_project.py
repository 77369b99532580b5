#!/usr/bin/python3
"""The QGIS project of a run (project.qgz, and project.qgs) opened and drawn by QGIS itself, headless.

usage: check_qgis_project.py --carereach EXE --geodata DIR

Runs the Bozhou demo, copied into a temporary folder with `[output] basemap = "osm"` added, then, with QGIS's Python
API (Debian python3-qgis): reads project.qgz (and project.qgs), checks that every layer of it is valid (its source
found and read), that the groups are the base data and then one per computed standard with only the first shown,
that the names are Chinese; that the capacity, referral and accessibility outputs are layers of the group of the
standard they were measured with; that the OpenStreetMap basemap is the last layer of the panel and of the drawing
order, unticked; draws the shown layers offscreen (no network is needed: the basemap is off) and checks that the
drawing holds the colours of the township coverage classes, so the styles took effect. The project is also moved
with its folder to show that its paths are relative. Then each styles/*.sld: valid XML, the same class bounds and
colours as the QML of the same layer (read from the project and the .qml side-cars), and loaded by QGIS
(loadSldStyle). Exits 77 (skipped, with the reason) when QGIS's Python API is not installed.
"""
import argparse
import glob
import os
import xml.etree.ElementTree as ET
import shutil
import subprocess
import sys
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
try:
    from qgis.core import (QgsApplication, QgsLayerTreeLayer, QgsMapRendererParallelJob, QgsMapSettings, QgsProject,
                           QgsRasterLayer, QgsVectorLayer)
    from qgis.PyQt.QtCore import QSize
    from qgis.PyQt.QtGui import QColor
except ImportError as e:
    print(f"SKIPPED: QGIS's Python API is not installed ({e}); install the Debian packages qgis and python3-qgis")
    sys.exit(77)

failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def near(c, rgb, tol=24):
    return all(abs(a - b) <= tol for a, b in zip((c.red(), c.green(), c.blue()), rgb))


def qml_classes(root):
    """(lower, upper, #rrggbb) per range of a graduated renderer, or [(None, None, colour)] for a single symbol."""
    renderer = root.find(".//renderer-v2")
    colours = {}
    for sym in renderer.find("symbols"):
        prop = sym.find("./layer/prop[@k='color']")
        r, g, b = (int(x) for x in prop.get("v").split(",")[:3])
        colours[sym.get("name")] = f"#{r:02x}{g:02x}{b:02x}"
    if renderer.get("type") == "singleSymbol":
        return [(None, None, colours["0"])]
    return [(float(r.get("lower")), float(r.get("upper")), colours[r.get("symbol")]) for r in renderer.find("ranges")]


def sld_classes(root):
    ns = {"se": "http://www.opengis.net/se", "ogc": "http://www.opengis.net/ogc"}
    out = []
    for rule in root.iter("{http://www.opengis.net/se}Rule"):
        fill = rule.find(".//se:Fill/se:SvgParameter[@name='fill']", ns).text
        lits = [float(x.text) for x in rule.findall(".//ogc:Literal", ns)]
        if rule.find(".//ogc:PropertyIsNull", ns) is not None:
            out.append(("null", fill))
        else:
            out.append((tuple(lits), fill))
    return out


def check_slds(folder):
    qgs = ET.parse(os.path.join(folder, "project.qgs")).getroot()
    styles = {m.findtext("id"): m for m in qgs.iter("maplayer")}
    slds = sorted(glob.glob(os.path.join(folder, "styles", "*.sld")))
    print("SLD files:", [os.path.basename(p) for p in slds])
    names = {os.path.basename(p)[:-4] for p in slds}
    check({"zones_township__share_tcm_15min", "gap_tcm_15min", "service_area_tcm_15min", "travel_time_tcm_15min"} <= names,
          "styles/ has the zone coverage, gap, service area and travel-time SLDs")
    for path in slds:
        name = os.path.basename(path)[:-4]
        try:
            sld = ET.parse(path).getroot()
        except ET.ParseError as e:
            check(False, f"{name}.sld is XML ({e})")
            continue
        if name.startswith("travel_time_"):
            qml = ET.parse(os.path.join(folder, name + ".qml")).getroot()
            items = [(float(i.get("value")), i.get("color")) for i in qml.iter("item")]
            entries = [(float(e.get("quantity")), e.get("color"))
                       for e in sld.iter("{http://www.opengis.net/sld}ColorMapEntry")]
            same = len(items) == len(entries) and all(
                c1 == c2 and (v1 == v2 or (v1 == float("inf") and v2 > 1e38)) for (v1, c1), (v2, c2) in zip(items, entries))
            check(same, f"{name}.sld has the classes and colours of {name}.qml")
            continue
        # The QML of the same layer: the project's layer with this style.
        if "__share_" in name:
            level, field = name.split("__")
            layer_id = "carereach_" + field[len("share_"):] + "__" + level
        else:
            layer_id = None
            for suffix in ("gap", "service_area"):
                if name.startswith(suffix + "_"):
                    layer_id = "carereach_" + name[len(suffix) + 1:] + "__" + suffix
        if layer_id not in styles:
            print(f"  {name}.sld: no layer of the project has its style (not compared)")
        else:
            q = qml_classes(styles[layer_id])
            s = sld_classes(sld)
            if q[0][0] is None:
                same = len(s) == 1 and s[0][1] == q[0][2]
            else:
                # The QML's last range is its no-data class; the SLD's last rule is PropertyIsNull.
                same = len(s) == len(q) and all(sc == (lo, hi) and sf == qf for (sc, sf), (lo, hi, qf) in zip(s[:-1], q[:-1])) \
                    and s[-1] == ("null", q[-1][2])
            check(same, f"{name}.sld has the class bounds and colours of the layer's QML")
        table = name.split("__")[0]
        layer = QgsVectorLayer(os.path.join(folder, "layers.gpkg") + "|layername=" + table, table, "ogr")
        message, ok = layer.loadSldStyle(path)
        check(ok and layer.renderer() is not None, f"QGIS loads {name}.sld ({message or 'ok'})")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--carereach", required=True)
    ap.add_argument("--geodata", required=True)
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="carereach-qgis-")
    try:
        out = os.path.join(tmp, "run")
        demo = os.path.join(tmp, "bozhou")
        shutil.copytree(os.path.join(args.geodata, "bozhou"), demo)
        with open(os.path.join(demo, "scenario.toml"), "a", encoding="utf-8") as f:
            f.write('\n[output]\nbasemap = "osm"\n')
        subprocess.run([args.carereach, "-q", "run", os.path.join(demo, "scenario.toml"), "--out", out], check=True)
        # Moved with its folder: the project's paths are relative.
        moved = os.path.join(tmp, "moved elsewhere")
        shutil.move(out, moved)
        app = QgsApplication([], False)
        app.initQgis()
        project = QgsProject.instance()
        check(project.read(os.path.join(moved, "project.qgs")), "QGIS reads project.qgs")
        qgs_layers = sorted(l.name() for l in project.mapLayers().values())
        project.clear()
        check(project.read(os.path.join(moved, "project.qgz")), "QGIS reads project.qgz")
        check(sorted(l.name() for l in project.mapLayers().values()) == qgs_layers,
              "project.qgz holds the layers of project.qgs")
        root = project.layerTreeRoot()
        # The basemap: the last node of the panel, a layer outside the groups, unticked, last in the drawing order.
        last = root.children()[-1]
        check(isinstance(last, QgsLayerTreeLayer) and "OpenStreetMap" in last.name() and not last.isVisible(),
              "the OpenStreetMap basemap is the last entry of the panel, unticked")
        if isinstance(last, QgsLayerTreeLayer):
            basemap = last.layer()
            check(basemap is not None and basemap.isValid() and basemap.providerType() == "wms"
                  and "type=xyz" in basemap.source(),
                  "the basemap is a valid XYZ tile layer (no network needed to open it)")
            check(root.layerOrder()[-1].id() == last.layerId(), "the basemap is drawn below every other layer")
            root.removeChildNode(last)  # the rest of the checks look at the run's own layers
        groups = root.children()
        names = [g.name() for g in groups]
        print("groups:", names)
        check(len(groups) >= 3 and names[0] == "基础数据" and names[1] == "15分钟中医药服务圈",
              "groups: base data, then one per standard in the scenario's order (Chinese names)")
        check([g.isVisible() for g in groups[1:]] == [True] + [False] * (len(groups) - 2),
              "only the first standard's group is shown")
        layers = {k: l for k, l in project.mapLayers().items() if l.providerType() != "wms"}
        check(len(layers) == sum(len(g.children()) for g in groups), "every layer of the panel is a layer of the project")
        # The capacity, referral and accessibility outputs, in the group of the standard they were measured with.
        hospital = [g for g in groups if g.name() == "县级医院30分钟可达"]
        in_group = {c.layerId(): c.name() for c in (hospital[0].children() if hospital else [])}
        print("county hospital group:", list(in_group.values()))
        for layer_id, what in [("carereach_capacity_thc_beds", "capacity catchments"),
                               ("carereach_capacity_residual_thc_beds", "capacity residual raster"),
                               ("carereach_referral_village_to_thc", "referral lines"),
                               ("carereach_accessibility_thc_beds", "accessibility raster")]:
            check(layer_id in in_group and any("\u4e00" <= ch <= "\u9fff" for ch in in_group.get(layer_id, "")),
                  f"{what} in the county hospital group with a Chinese name")
            layer = project.mapLayer(layer_id)
            styled = layer is not None and layer.renderer() is not None and (
                layer.renderer().type() in ("singlebandpseudocolor", "categorizedSymbol", "graduatedSymbol"))
            check(styled, f"{what} styled")
        invalid = [l.name() + " (" + l.source() + ")" for l in layers.values() if not l.isValid()]
        check(not invalid, "every layer is valid" + ("" if not invalid else ": " + ", ".join(invalid)))
        for l in layers.values():
            if l.type() == l.RasterLayer:
                check(l.renderer().type() == "singlebandpseudocolor", f"raster {l.name()} drawn in classes")
            check(moved in l.source(), f"layer {l.name()} found in the moved folder")
        shown = root.checkedLayers()
        settings = QgsMapSettings()
        settings.setLayers(shown)
        settings.setDestinationCrs(project.crs())
        extent = shown[0].extent()
        for l in shown[1:]:
            extent.combineExtentWith(l.extent())
        settings.setExtent(extent)
        settings.setOutputSize(QSize(600, 600))
        settings.setBackgroundColor(QColor(255, 255, 255))
        job = QgsMapRendererParallelJob(settings)
        job.start()
        job.waitForFinished()
        image = job.renderedImage()
        image.save(os.path.join(tmp, "project.png"))
        colours = [image.pixelColor(x, y) for x in range(0, 600, 3) for y in range(0, 600, 3)]
        # The township coverage classes (< 50 % red, 50–80 % orange …) and the village clinics' marker colour.
        coverage = {"#d7191c": (215, 25, 28), "#fdae61": (253, 174, 97), "#ffffbf": (255, 255, 191),
                    "#a6d96a": (166, 217, 106), "#1a9641": (26, 150, 65)}
        found = [name for name, rgb in coverage.items() if any(near(c, rgb) for c in colours)]
        print("coverage colours drawn:", found)
        check(len(found) >= 2, "the zones are drawn in their coverage classes")
        white = sum(1 for c in colours if near(c, (255, 255, 255), 2))
        check(white < len(colours) * 0.9, "the map is not blank")
        check_slds(moved)
        app.exitQgis()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
