"""The Processing provider "carereach": the algorithms of algorithms.py."""

from qgis.core import QgsApplication, QgsProcessingProvider

from .algorithms import ALGORITHMS
from .settings import add_setting, remove_setting


class CarereachProvider(QgsProcessingProvider):
    def id(self):
        return "carereach"

    def name(self):
        return "carereach"

    def longName(self):
        return "carereach — access to health services (医疗卫生服务可及性)"

    def icon(self):
        return QgsApplication.getThemeIcon("/processingAlgorithm.svg")

    def load(self):
        add_setting(self)
        self.refreshAlgorithms()
        return True

    def unload(self):
        remove_setting()

    def loadAlgorithms(self):
        for cls in ALGORITHMS:
            self.addAlgorithm(cls())
