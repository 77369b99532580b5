#!/usr/bin/python3
"""The QGIS plugin carereach_processing in QGIS itself, headless.

usage: check_qgis_plugin.py --carereach EXE --synthetic GENERATOR --plugin-zip ZIP

1. qgis_process (QGIS's command-line Processing), with a fresh QGIS profile whose plugin folder holds the plugin
   unzipped from ZIP (as QGIS's "Install from ZIP" does) and whose provider setting names EXE: the provider and its
   five algorithms are listed; validate, run, traveltime, compare and site run on a tiny synthetic scenario and
   write what they promise; a scenario with a mistyped key fails with carereach's own message and exit code, and
   writes nothing.
2. QGIS's Python API, as the Processing toolbox runs an algorithm (processing.runAndLoadResults): after `run`, the
   project holds one group for the output folder with the groups and layers of the run's project.qgs — the same
   names, order, shown/hidden state and renderers as QGIS gives them when it opens project.qgs itself; running
   twice loads two groups; cancelling a run stops carereach, which leaves no output folder; an executable that is
   not there gives the plugin's message saying how to set it.

Exits 77 (skipped, with the reason) when qgis_process or QGIS's Python API is not installed.
"""
import argparse
import concurrent.futures
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile

failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        failures.append(what)


def find_qgis_process():
    """qgis_process; on Debian the program itself (qgis_process.bin), as Debian 12's wrapper script passes it an
    option (--noversioncheck) that QGIS 3.22's qgis_process refuses."""
    wrapper = shutil.which("qgis_process")
    if wrapper is None:
        return None
    binary = wrapper + ".bin"
    return binary if os.access(binary, os.X_OK) else wrapper


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--carereach", required=True)
    ap.add_argument("--synthetic", required=True)
    ap.add_argument("--plugin-zip", required=True)
    args = ap.parse_args()
    qgis_process = find_qgis_process()
    if qgis_process is None:
        print("SKIPPED: qgis_process is not installed; install the Debian packages qgis and python3-qgis")
        return 77
    try:
        import qgis.core  # noqa: F401
    except ImportError as e:
        print(f"SKIPPED: QGIS's Python API is not installed ({e}); install the Debian package python3-qgis")
        return 77
    started = time.monotonic()
    tmp = tempfile.mkdtemp(prefix="carereach-qgis-plugin-")
    try:
        qgis_process_checks(qgis_process, args, tmp)
        python_api_checks(args, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{time.monotonic() - started:.1f} s")
    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    return 0


def qgis_process_checks(qgis_process, args, tmp):
    home = os.path.join(tmp, "home")
    profile = os.path.join(home, ".local", "share", "QGIS", "QGIS3", "profiles", "default")
    plugins = os.path.join(tmp, "plugins")
    os.makedirs(os.path.join(profile, "QGIS"))
    with zipfile.ZipFile(args.plugin_zip) as z:
        z.extractall(plugins)
    check(os.path.isfile(os.path.join(plugins, "carereach_processing", "metadata.txt")),
          "the zip holds the folder carereach_processing with its metadata.txt")
    ini = os.path.join(profile, "QGIS", "QGIS3.ini")

    def write_profile(executable):
        with open(ini, "w", encoding="utf-8") as f:
            f.write("[PythonPlugins]\ncarereach_processing=true\n\n"
                    f"[Processing]\nConfiguration\\CAREREACH_EXECUTABLE={executable}\n")

    write_profile(os.path.abspath(args.carereach))
    os.makedirs(os.path.join(tmp, "runtime"), mode=0o700)
    env = dict(os.environ, HOME=home, QGIS_PLUGINPATH=plugins, QT_QPA_PLATFORM="offscreen", LC_ALL="C.UTF-8",
               XDG_RUNTIME_DIR=os.path.join(tmp, "runtime"))
    env.pop("CAREREACH_EXECUTABLE", None)
    # No carereach on the PATH: the provider setting alone must find it.
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep)
                                  if not os.path.exists(os.path.join(p, "carereach")))

    def qp(*argv):
        t = time.monotonic()
        json_flag = [] if argv[0] == "list" else ["--json"]
        r = subprocess.run([qgis_process, *json_flag, *argv], env=env, cwd=tmp, capture_output=True, text=True,
                           timeout=300)
        print(f"  qgis_process {' '.join(argv[:2])}: exit {r.returncode}, {time.monotonic() - t:.1f} s", flush=True)
        try:
            out = json.loads(r.stdout) if r.stdout.strip().startswith("{") else {}
        except json.JSONDecodeError:
            out = {}
        return r, out

    syn = os.path.join(tmp, "syn")
    subprocess.run([args.synthetic, "--size", "tiny", "--seed", "1", "--out", syn], check=True,
                   capture_output=True)
    scenario = os.path.join(syn, "scenario.toml")

    bad = os.path.join(syn, "bad.toml")
    with open(scenario, encoding="utf-8") as f:
        text = f.read()
    with open(bad, "w", encoding="utf-8") as f:
        f.write(text.replace("[analysis]\n", "[analysis]\ncell_sise_m = 100\n", 1))
    run_a = os.path.join(tmp, "run a")
    run_bad = os.path.join(tmp, "run bad")
    tt = os.path.join(tmp, "tcm.tif")
    nearest = os.path.join(tmp, "nearest.tif")
    site_out = os.path.join(tmp, "site")
    cmp_out = os.path.join(tmp, "compare")
    # qgis_process takes seconds to start: the independent commands run side by side.
    with concurrent.futures.ThreadPoolExecutor(max_workers=6) as pool:
        listed = pool.submit(qp, "list")
        validated = pool.submit(qp, "run", "carereach:validate", "--", f"SCENARIO={scenario}")
        ran = pool.submit(qp, "run", "carereach:run", "--", f"SCENARIO={scenario}", f"OUTPUT={run_a}", "LANG=1")
        ran_bad = pool.submit(qp, "run", "carereach:run", "--", f"SCENARIO={bad}", f"OUTPUT={run_bad}")
        timed = pool.submit(qp, "run", "carereach:traveltime", "--", f"SCENARIO={scenario}", "STANDARD=tcm_15min",
                            f"OUTPUT={tt}", f"NEAREST={nearest}", "SNAP=2")
        sited = pool.submit(qp, "run", "carereach:site", "--", f"SCENARIO={scenario}", "STANDARD=tcm_15min",
                            "CANDIDATES=grid:2000", "NEW_TYPE=村卫生室", "BUDGET=1", "METHOD=1", f"OUTPUT={site_out}")
        ran.result()
        compared = pool.submit(qp, "run", "carereach:compare", "--", f"RUN_A={run_a}", f"RUN_B={run_a}",
                               f"OUTPUT={cmp_out}")

    r, _ = listed.result()
    ours = sorted(l.split()[0] for l in r.stdout.splitlines() if l.strip().startswith("carereach:"))
    check(ours == ["carereach:compare", "carereach:run", "carereach:site", "carereach:traveltime",
                   "carereach:validate"], f"qgis_process lists the five algorithms of the provider: {ours}")

    r, out = validated.result()
    check(r.returncode == 0 and out.get("results", {}).get("VALID") is True,
          "validate: the synthetic scenario can run")
    check("The scenario can run." in out.get("results", {}).get("SUMMARY", ""),
          "validate: the summary is carereach's")

    r, out = ran.result()
    res = out.get("results", {})
    check(r.returncode == 0, "run: succeeds" + ("" if r.returncode == 0 else ": " + r.stdout[-2000:] + r.stderr[-2000:]))
    for key, name in (("OUTPUT", ""), ("LAYERS", "layers.gpkg"), ("REPORT", "report.html"),
                      ("PROJECT", "project.qgs"), ("RUN_JSON", "run.json")):
        path = res.get(key, "")
        check(os.path.normpath(path) == os.path.normpath(os.path.join(run_a, name)) and os.path.exists(path),
              f"run: output {key} is {os.path.join('run a', name)} and exists")
    log = "\n".join(out.get("log", {}).get("info", []))
    check("travel times tcm_15min … " in log and "layers.gpkg … " in log,
          "run: carereach's progress steps reach the Processing log")
    if os.path.isfile(os.path.join(run_a, "run.json")):
        with open(os.path.join(run_a, "run.json"), encoding="utf-8") as f:
            check("--lang" in json.load(f)["carereach"]["arguments"], "run: LANG=1 is passed as --lang en")

    r, _ = ran_bad.result()
    both = r.stdout + r.stderr
    check(r.returncode != 0, "run of a bad scenario: qgis_process fails")
    check("carereach run failed with exit code 3 (scenario: the scenario file is wrong)" in both,
          "run of a bad scenario: the exit code and what it means")
    # The algorithm runs carereach with --lang zh (its LANG parameter's default): the message comes in the Chinese
    # frame (docs/cli/README.md, "Language of messages"), with the English wording of an error without a template.
    check(("field 'analysis.cell_sise_m': unknown key" in both or "字段「analysis.cell_sise_m」：unknown key" in both)
          and "did you mean 'cell_size_m'?" in both,
          "run of a bad scenario: carereach's own message and hint")
    check(not os.path.exists(run_bad), "run of a bad scenario: no output folder")

    r, out = timed.result()
    check(r.returncode == 0 and os.path.isfile(tt) and os.path.isfile(nearest)
          and out.get("results", {}).get("OUTPUT") == tt, "traveltime: the travel-time and nearest rasters")

    r, out = compared.result()
    check(r.returncode == 0 and os.path.isfile(os.path.join(cmp_out, "compare.html"))
          and out.get("results", {}).get("REPORT") == os.path.join(cmp_out, "compare.html"),
          "compare: compare.html written and returned")

    r, out = sited.result()
    res = out.get("results", {})
    check(r.returncode == 0 and os.path.isfile(res.get("SITES", "")) and os.path.isfile(res.get("SCENARIO_OUT", "")),
          "site: sites.gpkg and scenario.toml written and returned")
    if os.path.isfile(os.path.join(site_out, "site.json")):
        with open(os.path.join(site_out, "site.json"), encoding="utf-8") as f:
            site = json.load(f)
        check("greedy" in json.dumps(site.get("method", site)), "site: METHOD=1 is passed as --method greedy")


def python_api_checks(args, tmp):
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    os.environ.setdefault("XDG_RUNTIME_DIR", os.path.join(tmp, "runtime"))
    from qgis.core import (QgsApplication, QgsLayerTreeGroup, QgsLayerTreeLayer, QgsMapLayerStyle,
                           QgsProcessingException, QgsProcessingFeedback, QgsProcessingUtils, QgsProject)
    app = QgsApplication([], False)
    app.initQgis()
    sys.path.insert(0, os.path.join(QgsApplication.pkgDataPath(), "python", "plugins"))
    sys.path.insert(0, os.path.join(tmp, "plugins"))
    from processing.core.Processing import Processing
    from processing.core.ProcessingConfig import ProcessingConfig
    Processing.initialize()
    import processing
    import carereach_processing
    plugin = carereach_processing.classFactory(None)
    plugin.initProcessing()
    ProcessingConfig.setSettingValue("CAREREACH_EXECUTABLE", os.path.abspath(args.carereach))
    scenario = os.path.join(tmp, "syn", "scenario.toml")
    project = QgsProject.instance()

    out = os.path.join(tmp, "gui run")
    processing.runAndLoadResults("carereach:run", {"SCENARIO": scenario, "OUTPUT": out})
    # What QGIS itself makes of the run's project.qgs.
    reference = QgsProject()
    check(reference.read(os.path.join(out, "project.qgs")), "QGIS reads the run's project.qgs")

    def tree(root):
        rows = []
        for g in root.children():
            if isinstance(g, QgsLayerTreeGroup):
                layers = []
                for n in g.children():
                    if isinstance(n, QgsLayerTreeLayer):
                        l = n.layer()
                        style = QgsMapLayerStyle()
                        style.readFromLayer(l)
                        layers.append((n.name(), n.itemVisibilityChecked(), l.isValid(),
                                       l.renderer().type() if l.renderer() else None,
                                       os.path.normpath(l.source().split("|")[0]),
                                       hashlib.sha256(style.xmlData().encode()).hexdigest()[:12]))
                rows.append((g.name(), g.itemVisibilityChecked(), layers))
        return rows

    expected = tree(reference.layerTreeRoot())
    tops = [g for g in project.layerTreeRoot().children() if isinstance(g, QgsLayerTreeGroup)]
    check([g.name() for g in tops] == ["gui run"], f"one group for the output folder: {[g.name() for g in tops]}")
    if tops:
        got = tree(tops[0])
        check(got == expected, "its groups and layers are those of project.qgs as QGIS opens it: names, order, "
                               "shown or hidden, valid, renderer, source, the whole style")
        if got != expected:
            print("got:     ", got)
            print("expected:", expected)
        check(len(expected) >= 3 and all(row[2] for g in expected for row in g[2]),
              f"{len(expected)} groups, every layer valid")
        kinds = {row[3] for g in got for row in g[2]}
        check({"singlebandpseudocolor", "graduatedSymbol", "categorizedSymbol"} <= kinds,
              f"the styles took effect (renderers {sorted(k for k in kinds if k)})")

    # The toolbox's "Save to temporary folder": Processing makes up a folder (…/OUTPUT).
    second = processing.runAndLoadResults("carereach:run", {"SCENARIO": scenario, "OUTPUT": "TEMPORARY_OUTPUT"})
    run_2 = second.get("OUTPUT", "")
    check(os.path.basename(run_2) == "OUTPUT" and os.path.isfile(os.path.join(run_2, "run.json"))
          and os.path.dirname(os.path.dirname(run_2)) == QgsProcessingUtils.tempFolder(),
          f"a temporary output folder is one Processing makes up: {run_2}")
    tops = [g.name() for g in project.layerTreeRoot().children() if isinstance(g, QgsLayerTreeGroup)]
    check(tops == ["OUTPUT", "gui run"], f"a second run loads a second group on top: {tops}")
    check(len(project.mapLayers()) == 2 * sum(len(g[2]) for g in expected), "no layer lost to a repeated id")

    # compare and site: their GeoPackage layers (and compare's difference rasters) in a group of their own.
    processing.runAndLoadResults("carereach:compare", {"RUN_A": out, "RUN_B": run_2,
                                                       "OUTPUT": os.path.join(tmp, "gui compare")})
    top = project.layerTreeRoot().children()[0]
    rows = tree(top)
    # The compare's groups are the ids of the time standards computed (run.json).
    with open(os.path.join(out, "run.json"), encoding="utf-8") as f:
        standards = sorted(c["standard"] for c in json.load(f)["coverage"] if "status" not in c and "threshold_min" in c)
    check(top.name() == "gui compare" and sorted(g[0] for g in rows) == standards
          and all([(n, v, r if n.startswith("change_") else None) for (n, v, _, r, _, _) in g[2]]
                  == [(f"change_{g[0]}", True, "categorizedSymbol"), (f"travel_time_diff_{g[0]}", True, None)]
                  and all(l[2] for l in g[2]) for g in rows),
          f"compare: one group per standard with its change layer (styled) and difference raster: {rows}")
    processing.runAndLoadResults("carereach:site", {"SCENARIO": scenario, "STANDARD": "tcm_15min",
                                                    "CANDIDATES": "grid:2000", "NEW_TYPE": "村卫生室", "BUDGET": 1,
                                                    "OUTPUT": os.path.join(tmp, "gui site")})
    top = project.layerTreeRoot().children()[0]
    layers = [(n.name(), n.layer().isValid()) for n in top.children() if isinstance(n, QgsLayerTreeLayer)]
    check(top.name() == "gui site" and layers == [("sites", True)], f"site: the layer sites in its group: {layers}")

    class CancelAtFirstStep(QgsProcessingFeedback):
        def setProgressText(self, text):
            super().setProgressText(text)
            self.cancel()

    cancelled = os.path.join(tmp, "cancelled run")
    message = ""
    t = time.monotonic()
    try:
        processing.run("carereach:run", {"SCENARIO": scenario, "OUTPUT": cancelled}, feedback=CancelAtFirstStep())
    except QgsProcessingException as e:
        message = str(e)
    check("cancelled" in message and "exit code 143" in message,
          f"cancel: carereach stopped by SIGTERM (exit 143), in {time.monotonic() - t:.1f} s: {message[:200]!r}")
    check(not os.path.exists(cancelled), "cancel: no output folder left")

    # The setting names a file that is not a program (say, carereach was removed and a file left in its place),
    # and there is none on the PATH: the plugin says so and how to set it.
    not_a_program = os.path.join(tmp, "not a program", "carereach")
    os.makedirs(os.path.dirname(not_a_program))
    with open(not_a_program, "w", encoding="utf-8") as f:
        f.write("not a program\n")
    ProcessingConfig.setSettingValue("CAREREACH_EXECUTABLE", not_a_program)
    os.environ.pop("CAREREACH_EXECUTABLE", None)
    os.environ["PATH"] = os.path.join(tmp, "empty")
    message = ""
    try:
        processing.run("carereach:validate", {"SCENARIO": scenario})
    except QgsProcessingException as e:
        message = str(e)
    check("the carereach executable was not found" in message
          and f"names '{not_a_program}', which is not an executable file" in message
          and "Processing ▸ Options ▸ Providers ▸ carereach" in message,
          f"an executable that is not there: the plugin says so and how to set it ({message[:120]!r}…)")
    plugin.unload()


if __name__ == "__main__":
    sys.exit(main())
