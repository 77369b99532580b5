"""What a carereach output folder holds, read without QGIS (tests/qgis/test_runner.py tests it with plain python3).

- project_groups(): the layer tree of a run's project.qgs (groups, layers, what is shown), as the plugin loads it;
- gpkg_layers(): the feature layers of a GeoPackage (layers.gpkg of compare, sites.gpkg of site), in file order.
"""

import os
import sqlite3
import xml.etree.ElementTree as ET


class Layer:
    def __init__(self, layer_id, name, provider, source, visible):
        self.layer_id = layer_id
        self.name = name
        self.provider = provider
        self.source = source  # as written in the project: relative to its folder ("./layers.gpkg|layername=…")
        self.visible = visible

    def __repr__(self):
        return f"Layer({self.layer_id!r}, {self.name!r}, {self.provider!r}, {self.source!r}, {self.visible})"


class Group:
    def __init__(self, name, visible, expanded, layers):
        self.name = name
        self.visible = visible
        self.expanded = expanded
        self.layers = layers

    def __repr__(self):
        return f"Group({self.name!r}, {self.visible}, {self.expanded}, {self.layers!r})"


def _checked(element):
    return element.get("checked", "Qt::Checked") == "Qt::Checked"


def project_groups(project_path):
    """The groups of the project's layers panel, top first, each with its layers (top of the drawing first).

    Layers at the top level of the panel (none in a carereach project) come as a group named ""."""
    root = ET.parse(project_path).getroot()
    tree = root.find("layer-tree-group")
    if tree is None:
        raise ValueError(f"{project_path}: no layer tree (not a QGIS project written by carereach)")
    groups = []
    loose = []
    for child in tree:
        if child.tag == "layer-tree-group":
            layers = [Layer(l.get("id"), l.get("name"), l.get("providerKey"), l.get("source"), _checked(l))
                      for l in child.iter("layer-tree-layer")]
            groups.append(Group(child.get("name", ""), _checked(child), child.get("expanded", "1") == "1", layers))
        elif child.tag == "layer-tree-layer":
            loose.append(Layer(child.get("id"), child.get("name"), child.get("providerKey"), child.get("source"),
                               _checked(child)))
    if loose:
        groups.insert(0, Group("", True, True, loose))
    return groups


def gpkg_layers(gpkg_path):
    """The names of the feature layers (tables) of a GeoPackage, in the order they were written."""
    if not os.path.isfile(gpkg_path):
        raise FileNotFoundError(gpkg_path)
    con = sqlite3.connect(f"file:{gpkg_path}?mode=ro", uri=True)
    try:
        rows = con.execute("SELECT table_name FROM gpkg_contents WHERE data_type = 'features' ORDER BY rowid").fetchall()
    finally:
        con.close()
    return [r[0] for r in rows]
