"""The plugin: registers the Processing provider (in QGIS and in qgis_process, which calls initProcessing)."""

from qgis.core import QgsApplication

from .provider import CarereachProvider


class CarereachProcessingPlugin:
    def __init__(self, iface=None):
        self.iface = iface
        self.provider = None

    def initProcessing(self):
        if self.provider is None:
            self.provider = CarereachProvider()
            QgsApplication.processingRegistry().addProvider(self.provider)

    def initGui(self):
        self.initProcessing()

    def unload(self):
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
