"""Loading an output folder's layers into the project when an algorithm finishes, styled and grouped.

The layers are created while the algorithm runs and handed to Processing with context.addLayerToLoadOnCompletion;
when Processing has added each to the project, a post-processor (QgsProcessingLayerPostProcessorInterface) moves
it into its group: one group for the output folder at the top of the layers panel, and in it the groups of the
run's project.qgs (基础数据, then one per standard), in the same order, with the same layers shown and hidden.

A run's layers are read from its project.qgs exactly as QGIS reads a project (QgsMapLayer.readLayerXml), so each
carries the style the project gives it (the zones coloured by each standard's coverage, the travel-time classes of
the .qml beside each raster). Other outputs (compare, site) are GeoPackages whose styles are stored in the file and
GeoTIFFs with a .qml beside them: QGIS applies both when it opens the layer.
"""

import os
import uuid

from qgis.core import (QgsLayerTreeGroup, QgsMapLayer, QgsPathResolver, QgsProcessingContext,
                       QgsProcessingLayerPostProcessorInterface, QgsProject, QgsRasterLayer, QgsReadWriteContext,
                       QgsVectorLayer)
from qgis.PyQt.QtCore import QFile, QIODevice
from qgis.PyQt.QtXml import QDomDocument

from . import outputs

ORDER = "carereach/order"
RUN = "carereach/run"

# Processing keeps only a pointer to a layer's post-processor: the Python objects must outlive the algorithm.
_post_processors = []


class Entry:
    """A layer to load: its group (index, name, shown, expanded) and its place and visibility in the group."""

    def __init__(self, layer, group_index, group_name, group_visible, group_expanded, layer_index, visible):
        self.layer = layer
        self.group_index = group_index
        self.group_name = group_name
        self.group_visible = group_visible
        self.group_expanded = group_expanded
        self.layer_index = layer_index
        self.visible = visible


def run_entries(run_dir):
    """The layers of a run folder, read from its project.qgs with their styles."""
    project_path = os.path.join(run_dir, "project.qgs")
    groups = outputs.project_groups(project_path)
    doc = QDomDocument()
    f = QFile(project_path)
    if not f.open(QIODevice.ReadOnly):
        raise OSError(f"{project_path}: cannot be read")
    try:
        ok = doc.setContent(f)
        ok = ok[0] if isinstance(ok, tuple) else ok
    finally:
        f.close()
    if not ok:
        raise ValueError(f"{project_path}: not an XML document")
    elements = {}
    nodes = doc.elementsByTagName("maplayer")
    for i in range(nodes.count()):
        e = nodes.at(i).toElement()
        elements[e.firstChildElement("id").text()] = e
    rw = QgsReadWriteContext()
    rw.setPathResolver(QgsPathResolver(project_path))
    entries = []
    for gi, group in enumerate(groups):
        for li, item in enumerate(group.layers):
            e = elements.get(item.layer_id)
            if e is None:
                continue
            e = e.cloneNode(True).toElement()
            # A fresh id, so that the same run can be loaded twice into one project.
            id_el = e.firstChildElement("id")
            id_el.firstChild().setNodeValue(f"{item.layer_id}_{uuid.uuid4().hex[:12]}")
            layer = QgsRasterLayer() if e.attribute("type") == "raster" else QgsVectorLayer()
            layer.readLayerXml(e, rw)
            entries.append(Entry(layer, gi, group.name, group.visible, group.expanded, li, item.visible))
    return entries


def file_entries(items):
    """Layers of files: items are (group index, group name, layer name, path or OGR source, 'ogr' or 'gdal')."""
    entries = []
    counts = {}
    for gi, group_name, name, source, provider in items:
        layer = QgsVectorLayer(source, name, "ogr") if provider == "ogr" else QgsRasterLayer(source, name, "gdal")
        li = counts.get(gi, 0)
        counts[gi] = li + 1
        entries.append(Entry(layer, gi, group_name, gi == 0, True, li, True))
    return entries


class GroupPlacer(QgsProcessingLayerPostProcessorInterface):
    """Moves a loaded layer into its group under the output folder's group, in the order of the output."""

    def __init__(self, token, top_name, entry):
        super().__init__()
        self.token = token
        self.top_name = top_name
        self.group_index = entry.group_index
        self.group_name = entry.group_name
        self.group_visible = entry.group_visible
        self.group_expanded = entry.group_expanded
        self.layer_index = entry.layer_index
        self.visible = entry.visible

    def postProcessLayer(self, layer, context, feedback):
        project = context.project() or QgsProject.instance()
        place_layer(project, layer, self)


def _ordered_insert(parent, node, order):
    """Inserts node among the children of parent that carry an order, before the first with a larger one."""
    pos = 0
    for i, child in enumerate(parent.children()):
        other = child.customProperty(ORDER)
        if other is not None and int(other) < order:
            pos = i + 1
    node.setCustomProperty(ORDER, order)
    parent.insertChildNode(pos, node)


def place_layer(project, layer, placer):
    root = project.layerTreeRoot()
    node = root.findLayer(layer.id())
    if node is None:
        return
    top = next((g for g in root.children() if isinstance(g, QgsLayerTreeGroup) and g.customProperty(RUN) == placer.token),
               None)
    if top is None:
        top = root.insertGroup(0, placer.top_name)
        top.setCustomProperty(RUN, placer.token)
    parent = top
    if placer.group_name:
        parent = next((g for g in top.children()
                       if isinstance(g, QgsLayerTreeGroup) and g.customProperty(ORDER) is not None
                       and int(g.customProperty(ORDER)) == placer.group_index), None)
        if parent is None:
            parent = QgsLayerTreeGroup(placer.group_name, placer.group_visible)
            parent.setExpanded(placer.group_expanded)
            _ordered_insert(top, parent, placer.group_index)
    clone = node.clone()
    clone.setItemVisibilityChecked(placer.visible)
    clone.setExpanded(False)
    _ordered_insert(parent, clone, placer.layer_index)
    node.parent().removeChildNode(node)


def schedule(context, entries, top_name, feedback=None):
    """Hands the layers to Processing, to be added to the project and grouped when the algorithm has finished.
    Returns the number of layers scheduled (0 when there is no project, as under qgis_process). A layer QGIS cannot
    open is left out, with a warning."""
    project = context.project()
    if project is None:
        return 0
    token = uuid.uuid4().hex
    n = 0
    for entry in entries:
        layer = entry.layer
        if not layer.isValid():
            if feedback is not None:
                feedback.pushWarning(f"layer '{layer.name()}' ({layer.source()}) cannot be opened and is not loaded")
            continue
        context.temporaryLayerStore().addMapLayer(layer)
        details = QgsProcessingContext.LayerDetails(layer.name(), project, layer.name(), _layer_type(layer))
        details.forceName = True
        placer = GroupPlacer(token, top_name, entry)
        _post_processors.append(placer)
        details.setPostProcessor(placer)
        context.addLayerToLoadOnCompletion(layer.id(), details)
        n += 1
    return n


def _layer_type(layer):
    from qgis.core import QgsProcessingUtils
    return QgsProcessingUtils.LayerHint.Raster if layer.type() == QgsMapLayer.RasterLayer \
        else QgsProcessingUtils.LayerHint.Vector
