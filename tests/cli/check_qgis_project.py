#!/usr/bin/python3
"""The QGIS project of a run (project.qgs) opened and drawn by QGIS itself, headless.

usage: check_qgis_project.py --carereach EXE --geodata DIR

Runs the Bozhou demo into a temporary folder, then, with QGIS's Python API (Debian python3-qgis): reads the project,
checks that every layer of it is valid (its source found and read), that the groups are the base data and then one
per computed standard with only the first shown, that the names are Chinese; draws the shown layers offscreen and
checks that the drawing holds the colours of the township coverage classes and of the facilities, so the styles took
effect. The project is also moved with its folder to show that its paths are relative. Exits 77 (skipped, with the
reason) when QGIS's Python API is not installed.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
try:
    from qgis.core import QgsApplication, QgsMapRendererParallelJob, QgsMapSettings, QgsProject
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--carereach", required=True)
    ap.add_argument("--geodata", required=True)
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="carereach-qgis-")
    try:
        out = os.path.join(tmp, "run")
        subprocess.run([args.carereach, "-q", "run", os.path.join(args.geodata, "bozhou", "scenario.toml"), "--out", out],
                       check=True)
        # Moved with its folder: the project's paths are relative.
        moved = os.path.join(tmp, "moved elsewhere")
        shutil.move(out, moved)
        app = QgsApplication([], False)
        app.initQgis()
        project = QgsProject.instance()
        check(project.read(os.path.join(moved, "project.qgs")), "QGIS reads project.qgs")
        root = project.layerTreeRoot()
        groups = root.children()
        names = [g.name() for g in groups]
        print("groups:", names)
        check(len(groups) >= 3 and names[0] == "基础数据" and names[1] == "15分钟中医药服务圈",
              "groups: base data, then one per standard in the scenario's order (Chinese names)")
        check([g.isVisible() for g in groups[1:]] == [True] + [False] * (len(groups) - 2),
              "only the first standard's group is shown")
        layers = project.mapLayers()
        check(len(layers) == sum(len(g.children()) for g in groups), "every layer of the panel is a layer of the project")
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
