#!/usr/bin/python3
"""Opens every layer of a carereach layers.gpkg with QGIS (PyQGIS, no window) and checks that it loads as a GIS
user will see it: valid, in the expected CRS, with the style stored in the file (not QGIS's default single
symbol) and with the Chinese field aliases.

usage: scripts/check_qgis_layers.py LAYERS.gpkg [--crs EPSG:4490]

Needs QGIS's Python bindings (Debian package python3-qgis); not run in CI. Exit status 0 when every layer passes,
1 otherwise, 2 when QGIS is not installed.
"""
import argparse
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
try:
    from qgis.core import QgsApplication, QgsVectorLayer
    from osgeo import ogr
except ImportError:
    print("check_qgis_layers.py: QGIS's Python bindings are not installed (apt-get install python3-qgis)", file=sys.stderr)
    sys.exit(2)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("gpkg")
    ap.add_argument("--crs", default="EPSG:4490")
    args = ap.parse_args()
    names = [l.GetName() for l in ogr.Open(args.gpkg) if l.GetName() != "layer_styles"]
    app = QgsApplication([], False)
    app.initQgis()
    failures = 0
    for name in names:
        layer = QgsVectorLayer(f"{args.gpkg}|layername={name}", name, "ogr")
        problems = []
        if not layer.isValid():
            problems.append("not valid")
        else:
            if layer.crs().authid() != args.crs:
                problems.append(f"CRS {layer.crs().authid()}")
            renderer = layer.renderer().type()
            styled = renderer != "singleSymbol" or layer.renderer().symbol().color().alpha() < 255
            if not styled:
                problems.append("default style (the stored style was not applied)")
            aliases = [f.alias() for f in layer.fields() if f.name() != "fid"]
            if not any(aliases):
                problems.append("no field aliases")
        status = "ok" if not problems else "FAILED: " + "; ".join(problems)
        print(f"{name}: {layer.featureCount()} features, renderer {layer.renderer().type() if layer.isValid() else '-'}"
              f" — {status}")
        failures += bool(problems)
    app.exitQgis()
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
