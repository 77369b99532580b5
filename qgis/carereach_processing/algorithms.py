"""The Processing algorithms: each runs one `carereach` command (docs/cli/<command>.md) with the same options."""

import os
import shlex

from qgis.core import (QgsProcessingAlgorithm, QgsProcessingException, QgsProcessingOutputBoolean,
                       QgsProcessingOutputFile, QgsProcessingOutputFolder, QgsProcessingOutputHtml,
                       QgsProcessingOutputString, QgsProcessingParameterBoolean, QgsProcessingParameterEnum,
                       QgsProcessingParameterFile, QgsProcessingParameterFileDestination,
                       QgsProcessingParameterFolderDestination, QgsProcessingParameterNumber,
                       QgsProcessingParameterRasterDestination, QgsProcessingParameterString)

from . import loading, outputs, runner
from .settings import configured_executable

LANGS = ["zh", "en"]
SNAPS = ["", "edge", "node"]
METHODS = ["auto", "greedy", "exact"]

HELP_TAIL = ("<p>The algorithm runs the <code>carereach</code> executable (the provider setting "
             "<i>carereach executable</i>, or the one on the PATH), shows its progress and messages in the log, and "
             "stops it when cancelled. A failure shows carereach's own message and exit code (docs/exit-codes.md). "
             "See docs/qgis.md.</p>")


class CarereachAlgorithm(QgsProcessingAlgorithm):
    COMMAND = ""
    DISPLAY = ""
    HELP = ""

    def createInstance(self):
        return type(self)()

    def name(self):
        return self.COMMAND

    def displayName(self):
        return self.DISPLAY

    def group(self):
        return ""

    def groupId(self):
        return ""

    def shortHelpString(self):
        return self.HELP + HELP_TAIL

    def helpUrl(self):
        return ""

    # --- shared parameters ---

    def add_scenario(self):
        self.addParameter(QgsProcessingParameterFile(
            "SCENARIO", "Scenario file (.toml)", behavior=QgsProcessingParameterFile.File, extension="toml"))

    def add_allow_network(self):
        p = QgsProcessingParameterBoolean(
            "ALLOW_NETWORK", "Let inputs be read from the network (URLs, /vsicurl/ …)", defaultValue=False)
        p.setFlags(p.flags() | p.FlagAdvanced)
        self.addParameter(p)

    def add_lang(self):
        self.addParameter(QgsProcessingParameterEnum(
            "LANG", "Language of the tables and report", options=["中文 zh", "English en"], defaultValue=0))

    def add_out_folder(self, label):
        self.addParameter(QgsProcessingParameterFolderDestination("OUTPUT", label))
        self.addParameter(QgsProcessingParameterBoolean(
            "OVERWRITE", "Replace an earlier carereach output in that folder (--overwrite)", defaultValue=False))

    def add_load(self):
        self.addParameter(QgsProcessingParameterBoolean(
            "LOAD_LAYERS", "Load the result layers into the project, styled and grouped", defaultValue=True))

    # --- running ---

    def execute(self, args, feedback):
        """Runs `carereach <COMMAND> args…`; returns its stdout lines. Raises QgsProcessingException on failure."""
        try:
            exe = runner.find_executable(configured_executable())
        except runner.ToolNotFound as e:
            raise QgsProcessingException(str(e))
        argv = [exe, self.COMMAND] + [str(a) for a in args]
        feedback.pushCommandInfo(" ".join(shlex.quote(a) for a in argv))

        def on_event(stream, event):
            kind = event[0]
            if kind == "step":
                # The bar shows the step's own progress, when carereach draws one (it does not say how many
                # steps a command has).
                feedback.setProgressText(event[1] + " …")
                feedback.setProgress(0)
            elif kind == "progress":
                feedback.setProgress(event[2])
            elif kind == "done":
                feedback.pushInfo(f"{event[1]} … {event[2]:.2f} s")
            else:
                text = event[1]
                if text.startswith(("error:", "错误：")):
                    feedback.reportError(text, False)
                elif text.startswith(("warning:", "警告：")):
                    feedback.pushWarning(text)
                elif stream == "stdout":
                    feedback.pushConsoleInfo(text)
                else:
                    feedback.pushInfo(text)

        try:
            code, out, err, canceled = runner.run_tool(argv, on_event=on_event, is_canceled=feedback.isCanceled)
            runner.check_result(self.COMMAND, code, out, err, canceled)
        except (runner.ToolNotFound, runner.ToolFailed) as e:
            raise QgsProcessingException(str(e))
        feedback.setProgress(100)
        return out

    def out_folder_args(self, parameters, context):
        out = self.parameterAsFileOutput(parameters, "OUTPUT", context)
        if not out:
            raise QgsProcessingException("no output folder given")
        args = ["--out", out]
        overwrite = self.parameterAsBool(parameters, "OVERWRITE", context)
        # A folder Processing created for the output (empty) is accepted by --overwrite, which replaces only an
        # empty folder or an unchanged carereach output.
        if overwrite or (os.path.isdir(out) and not os.listdir(out)):
            args.append("--overwrite")
        return out, args

    def lang_args(self, parameters, context):
        return ["--lang", LANGS[self.parameterAsEnum(parameters, "LANG", context)]]

    def network_args(self, parameters, context):
        return ["--allow-network"] if self.parameterAsBool(parameters, "ALLOW_NETWORK", context) else []

    def scenario(self, parameters, context):
        path = self.parameterAsFile(parameters, "SCENARIO", context)
        if not path:
            raise QgsProcessingException("no scenario file given")
        return path

    def load(self, parameters, context, feedback, entries, top_name):
        if not self.parameterAsBool(parameters, "LOAD_LAYERS", context):
            return
        n = loading.schedule(context, entries, top_name, feedback)
        if n:
            feedback.pushInfo(f"{n} layers will be loaded into the project, in the group '{top_name}'")


def _optional(parameters, name):
    value = parameters.get(name)
    return None if value is None or value == "" else value


class ValidateAlgorithm(CarereachAlgorithm):
    COMMAND = "validate"
    DISPLAY = "Validate a scenario (情景检查)"
    HELP = ("<p>Loads a scenario and every input it names exactly as <i>Run a scenario</i> would, and lists every "
            "problem in the log. Fails with the first error's message when the scenario cannot run; writes nothing. "
            "(<code>carereach validate</code>, docs/cli/validate.md)</p>")

    def initAlgorithm(self, config=None):
        self.add_scenario()
        self.addParameter(QgsProcessingParameterBoolean(
            "ALL", "List every problem (by default at most 20 of each kind)", defaultValue=False))
        self.add_allow_network()
        self.addOutput(QgsProcessingOutputBoolean("VALID", "The scenario can run"))
        self.addOutput(QgsProcessingOutputString("SUMMARY", "Summary and problems"))

    def processAlgorithm(self, parameters, context, feedback):
        args = [self.scenario(parameters, context)]
        if self.parameterAsBool(parameters, "ALL", context):
            args.append("--all")
        args += self.network_args(parameters, context)
        out = self.execute(args, feedback)
        return {"VALID": True, "SUMMARY": "\n".join(out)}


class RunAlgorithm(CarereachAlgorithm):
    COMMAND = "run"
    DISPLAY = "Run a scenario (运行情景)"
    HELP = ("<p>Runs a scenario: coverage tables, layers, travel times of every service standard and the planning "
            "report, in one output folder (<code>carereach run</code>, docs/cli/run.md). The folder appears complete "
            "or not at all. When it is written, its layers are loaded into the project as the folder's project.qgs "
            "shows them: a group for the folder, in it 基础数据 and one group per standard, every layer styled.</p>")

    def initAlgorithm(self, config=None):
        self.add_scenario()
        self.add_out_folder("Output folder")
        self.add_lang()
        self.add_load()
        self.add_allow_network()
        self.addOutput(QgsProcessingOutputFolder("OUTPUT", "Output folder"))
        self.addOutput(QgsProcessingOutputFile("LAYERS", "Layers (layers.gpkg)"))
        self.addOutput(QgsProcessingOutputHtml("REPORT", "Report (report.html)"))
        self.addOutput(QgsProcessingOutputFile("PROJECT", "QGIS project (project.qgs)"))
        self.addOutput(QgsProcessingOutputFile("RUN_JSON", "Record of the run (run.json)"))

    def processAlgorithm(self, parameters, context, feedback):
        out, out_args = self.out_folder_args(parameters, context)
        args = [self.scenario(parameters, context)] + out_args + self.lang_args(parameters, context) \
            + self.network_args(parameters, context)
        self.execute(args, feedback)
        result = {"OUTPUT": out,
                  "LAYERS": os.path.join(out, "layers.gpkg"),
                  "REPORT": os.path.join(out, "report.html"),
                  "PROJECT": os.path.join(out, "project.qgs"),
                  "RUN_JSON": os.path.join(out, "run.json")}
        if self.parameterAsBool(parameters, "LOAD_LAYERS", context) and os.path.isfile(result["PROJECT"]):
            try:
                entries = loading.run_entries(out)
            except (OSError, ValueError) as e:
                feedback.reportError(f"the layers of {out} could not be loaded: {e}", False)
                entries = []
            self.load(parameters, context, feedback, entries, os.path.basename(os.path.normpath(out)))
        return result


class TravelTimeAlgorithm(CarereachAlgorithm):
    COMMAND = "traveltime"
    DISPLAY = "Travel time to the nearest facility (可达时间栅格)"
    HELP = ("<p>Computes, for one time standard of a scenario, the travel time of every cell to the nearest "
            "facility the standard selects, as a GeoTIFF in minutes; optionally which facility that is "
            "(<code>carereach traveltime</code>, docs/cli/traveltime.md). Files that exist are replaced.</p>")

    def initAlgorithm(self, config=None):
        self.add_scenario()
        self.addParameter(QgsProcessingParameterString(
            "STANDARD", "Id of the time standard (e.g. tcm_15min; Validate lists them)"))
        self.addParameter(QgsProcessingParameterRasterDestination("OUTPUT", "Travel time (minutes)"))
        self.addParameter(QgsProcessingParameterRasterDestination(
            "NEAREST", "Nearest facility of each cell", optional=True, createByDefault=False))
        p = QgsProcessingParameterEnum("SNAP", "How facilities and cells join the roads",
                                       options=["the scenario's setting", "edge", "node"], defaultValue=0)
        p.setFlags(p.flags() | p.FlagAdvanced)
        self.addParameter(p)
        p = QgsProcessingParameterFileDestination("NODE_TIMES", "Time of every road-graph node (CSV)",
                                                  fileFilter="CSV files (*.csv)", optional=True,
                                                  createByDefault=False)
        p.setFlags(p.flags() | p.FlagAdvanced)
        self.addParameter(p)
        self.add_allow_network()

    def processAlgorithm(self, parameters, context, feedback):
        standard = self.parameterAsString(parameters, "STANDARD", context).strip()
        out = self.parameterAsOutputLayer(parameters, "OUTPUT", context)
        args = [self.scenario(parameters, context), "--standard", standard, "--out", out, "--overwrite"]
        result = {"OUTPUT": out}
        nearest = self.parameterAsOutputLayer(parameters, "NEAREST", context)
        if nearest:
            args += ["--nearest", nearest]
            result["NEAREST"] = nearest
        snap = SNAPS[self.parameterAsEnum(parameters, "SNAP", context)]
        if snap:
            args += ["--snap", snap]
        node_times = self.parameterAsFileOutput(parameters, "NODE_TIMES", context)
        if node_times:
            args += ["--node-times", node_times]
            result["NODE_TIMES"] = node_times
        args += self.network_args(parameters, context)
        self.execute(args, feedback)
        return result


class CompareAlgorithm(CarereachAlgorithm):
    COMMAND = "compare"
    DISPLAY = "Compare two runs (情景对比)"
    HELP = ("<p>Compares two finished runs — a baseline and a scenario — standard by standard and zone by zone: who "
            "gains coverage and who loses it (<code>carereach compare</code>, docs/cli/compare.md). The cells newly "
            "covered and no longer covered, and the differences of travel time, are loaded into the project.</p>")

    def initAlgorithm(self, config=None):
        self.addParameter(QgsProcessingParameterFile(
            "RUN_A", "Folder of the first run (the baseline)", behavior=QgsProcessingParameterFile.Folder))
        self.addParameter(QgsProcessingParameterFile(
            "RUN_B", "Folder of the second run (the scenario)", behavior=QgsProcessingParameterFile.Folder))
        self.add_out_folder("Output folder")
        self.add_lang()
        self.add_load()
        self.addOutput(QgsProcessingOutputFolder("OUTPUT", "Output folder"))
        self.addOutput(QgsProcessingOutputFile("LAYERS", "Layers (layers.gpkg)"))
        self.addOutput(QgsProcessingOutputHtml("REPORT", "Comparison (compare.html)"))

    def processAlgorithm(self, parameters, context, feedback):
        run_a = self.parameterAsFile(parameters, "RUN_A", context)
        run_b = self.parameterAsFile(parameters, "RUN_B", context)
        out, out_args = self.out_folder_args(parameters, context)
        self.execute([run_a, run_b] + out_args + self.lang_args(parameters, context), feedback)
        gpkg = os.path.join(out, "layers.gpkg")
        result = {"OUTPUT": out, "LAYERS": gpkg, "REPORT": os.path.join(out, "compare.html")}
        if self.parameterAsBool(parameters, "LOAD_LAYERS", context) and os.path.isfile(gpkg):
            items = []
            for i, name in enumerate(outputs.gpkg_layers(gpkg)):
                standard = name[len("change_"):] if name.startswith("change_") else name
                items.append((i, standard, name, f"{gpkg}|layername={name}", "ogr"))
                tif = os.path.join(out, f"travel_time_diff_{standard}.tif")
                if os.path.isfile(tif):
                    items.append((i, standard, f"travel_time_diff_{standard}", tif, "gdal"))
            self.load(parameters, context, feedback, loading.file_entries(items),
                      os.path.basename(os.path.normpath(out)))
        return result


class SiteAlgorithm(CarereachAlgorithm):
    COMMAND = "site"
    DISPLAY = "Facility siting (选址)"
    HELP = ("<p>For one time standard, chooses among candidate sites — existing facilities to upgrade, points of a "
            "layer, or populated cells of a sub-grid — so that more of the population is within the threshold: the "
            "fewest sites for a target share, or the most persons for a budget (<code>carereach site</code>, "
            "docs/cli/site.md). The chosen sites are loaded into the project; the folder's scenario.toml runs the "
            "result with <i>Run a scenario</i>.</p>")

    def initAlgorithm(self, config=None):
        self.add_scenario()
        self.addParameter(QgsProcessingParameterString("STANDARD", "Id of the time standard to improve (e.g. tcm_15min)"))
        self.addParameter(QgsProcessingParameterString(
            "CANDIDATES", "Candidates: existing:<types or tags>, layer:<point file> or grid:<spacing m>"))
        self.addParameter(QgsProcessingParameterNumber(
            "BUDGET", "Budget: at most this many new sites (maximal covering)", type=QgsProcessingParameterNumber.Integer,
            minValue=1, maxValue=1000000, optional=True))
        self.addParameter(QgsProcessingParameterNumber(
            "TARGET_SHARE", "Target share of the population covered, 0–1 (default: the standard's target)",
            type=QgsProcessingParameterNumber.Double, minValue=0.0, maxValue=1.0, optional=True))
        self.addParameter(QgsProcessingParameterString(
            "TAGS", "Tags the upgraded or new sites get, comma-separated", optional=True))
        self.addParameter(QgsProcessingParameterString("NEW_TYPE", "Facility type of new sites", optional=True))
        self.addParameter(QgsProcessingParameterString(
            "PER_ZONE", "At least K facilities in every zone of a level (LEVEL:K, e.g. township:1)", optional=True))
        p = QgsProcessingParameterEnum("METHOD", "Method", options=METHODS, defaultValue=0)
        p.setFlags(p.flags() | p.FlagAdvanced)
        self.addParameter(p)
        p = QgsProcessingParameterNumber("TIME_LIMIT", "Solver time limit (s)", type=QgsProcessingParameterNumber.Double,
                                         minValue=1, maxValue=86400, defaultValue=60)
        p.setFlags(p.flags() | p.FlagAdvanced)
        self.addParameter(p)
        self.add_out_folder("Output folder")
        self.add_lang()
        self.add_load()
        self.add_allow_network()
        self.addOutput(QgsProcessingOutputFolder("OUTPUT", "Output folder"))
        self.addOutput(QgsProcessingOutputFile("SITES", "Chosen sites (sites.gpkg)"))
        self.addOutput(QgsProcessingOutputFile("SCENARIO_OUT", "The result as a scenario (scenario.toml)"))
        self.addOutput(QgsProcessingOutputFile("REPORT", "Report (report.md)"))

    def processAlgorithm(self, parameters, context, feedback):
        out, out_args = self.out_folder_args(parameters, context)
        args = [self.scenario(parameters, context),
                "--standard", self.parameterAsString(parameters, "STANDARD", context).strip(),
                "--candidates", self.parameterAsString(parameters, "CANDIDATES", context).strip()]
        if _optional(parameters, "BUDGET") is not None:
            args += ["--budget", str(self.parameterAsInt(parameters, "BUDGET", context))]
        if _optional(parameters, "TARGET_SHARE") is not None:
            args += ["--target-share", repr(self.parameterAsDouble(parameters, "TARGET_SHARE", context))]
        for name, option in (("TAGS", "--tags"), ("NEW_TYPE", "--new-type"), ("PER_ZONE", "--per-zone")):
            value = self.parameterAsString(parameters, name, context).strip()
            if value:
                args += [option, value]
        args += ["--method", METHODS[self.parameterAsEnum(parameters, "METHOD", context)],
                 "--time-limit", repr(self.parameterAsDouble(parameters, "TIME_LIMIT", context))]
        args += out_args + self.lang_args(parameters, context) + self.network_args(parameters, context)
        self.execute(args, feedback)
        sites = os.path.join(out, "sites.gpkg")
        result = {"OUTPUT": out, "SITES": sites, "SCENARIO_OUT": os.path.join(out, "scenario.toml"),
                  "REPORT": os.path.join(out, "report.md")}
        if self.parameterAsBool(parameters, "LOAD_LAYERS", context) and os.path.isfile(sites):
            items = [(0, "", name, f"{sites}|layername={name}", "ogr") for name in outputs.gpkg_layers(sites)]
            self.load(parameters, context, feedback, loading.file_entries(items),
                      os.path.basename(os.path.normpath(out)))
        return result


ALGORITHMS = [ValidateAlgorithm, RunAlgorithm, TravelTimeAlgorithm, CompareAlgorithm, SiteAlgorithm]
