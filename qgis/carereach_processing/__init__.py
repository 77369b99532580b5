"""carereach Processing provider for QGIS: the carereach command line as Processing algorithms (docs/qgis.md)."""


def classFactory(iface):
    from .plugin import CarereachProcessingPlugin
    return CarereachProcessingPlugin(iface)
