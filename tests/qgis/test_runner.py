#!/usr/bin/python3
"""The parts of the QGIS plugin that need no QGIS: reading the tool's terminal output, its exit codes, finding it,
stopping it, and reading an output folder (qgis/carereach_processing/runner.py and outputs.py).

usage: test_runner.py --plugin-dir DIR   (DIR holds carereach_processing/)

The tool is played by small Python scripts written into a temporary folder, so each behaviour (a bar redrawn with
carriage returns, an exit code, a tool that ignores SIGTERM) is certain; the expected values are written by hand
from docs/exit-codes.md and from what src/cli/console.cpp draws.
"""
import argparse
import os
import sqlite3
import stat
import sys
import tempfile
import textwrap
import time
import unittest

ap = argparse.ArgumentParser()
ap.add_argument("--plugin-dir", required=True)
args, rest = ap.parse_known_args()
sys.path.insert(0, args.plugin_dir)

from carereach_processing import outputs, runner  # noqa: E402  (no QGIS import)

# What Console draws on a terminal for `run` (src/cli/console.cpp): a step's start without a line end, the bar
# redrawn after a carriage return, the end of the step after "\r\x1b[K"; a nested step starts right after the outer.
TERMINAL = ("checksums …\r\x1b[Kchecksums … 0.03 s\n"
            "cell connectors (walk) …cell connectors …\rcell connectors [###############               ] 50%"
            "\rcell connectors [##############################] 100%\r\x1b[Kcell connectors … 1.25 s\n"
            "warning: facilities.csv, row 3: the facility lies outside the study area\n"
            "error: out: already exists\n"
            "  hint: choose another --out folder\n")
EXPECTED = [("step", "checksums"), ("done", "checksums", 0.03),
            ("step", "cell connectors (walk)"), ("step", "cell connectors"), ("progress", "cell connectors", 50), ("progress", "cell connectors", 100),
            ("done", "cell connectors", 1.25),
            ("message", "warning: facilities.csv, row 3: the facility lies outside the study area"),
            ("message", "error: out: already exists"), ("message", "  hint: choose another --out folder")]


class Parsing(unittest.TestCase):
    def test_whole(self):
        p = runner.ProgressParser()
        self.assertEqual(p.feed(TERMINAL) + p.close(), EXPECTED)

    def test_split_anywhere(self):
        # The reads of a terminal end anywhere: every split gives the same events.
        for cut in range(1, len(TERMINAL)):
            p = runner.ProgressParser()
            events = p.feed(TERMINAL[:cut]) + p.feed(TERMINAL[cut:]) + p.close()
            self.assertEqual(events, EXPECTED, f"split at {cut}: {TERMINAL[:cut]!r}")

    def test_start_reported_before_its_end(self):
        # A step's start has no line end: it is shown while the step runs, and only once.
        p = runner.ProgressParser()
        self.assertEqual(p.feed("roads …"), [("step", "roads")])
        self.assertEqual(p.feed("\r\x1b[Kroads … 2.00 s\n"), [("done", "roads", 2.0)])

    def test_error_messages(self):
        lines = ["Scenario 情景: x", "error: s.toml, line 3, field 'a.b': unknown key", "  hint: did you mean 'c'?",
                 "Problems 问题: 1 error(s)", "  not a hint"]
        self.assertEqual(runner.error_messages(lines), lines[1:3])
        # A Chinese run (--lang zh, or a Chinese locale) prints 错误：/提示： in a Chinese frame.
        zh = ["情景 x", "错误：文件 s.toml，第 3 行，字段「a.b」：unknown key", "  提示：did you mean 'c'?", "问题：1 个错误"]
        self.assertEqual(runner.error_messages(zh), zh[1:3])


class ExitCodes(unittest.TestCase):
    def test_each_documented_code(self):
        names = {1: "internal", 2: "usage", 3: "scenario", 4: "input", 5: "crs", 6: "output", 129: "interrupted",
                 130: "interrupted", 143: "interrupted"}
        for code, name in names.items():
            text = runner.failure_message("run", code, ["error: x"])
            self.assertTrue(text.startswith(f"carereach run failed with exit code {code} ({name}: "), text)
            self.assertIn("\nerror: x\n", text)
            self.assertIn("What to do: ", text)

    def test_scenario_error(self):
        with self.assertRaises(runner.ToolFailed) as cm:
            runner.check_result("validate", 3, ["error: s.toml, line 2, field 'x': unknown key", "  hint: h"], [],
                                False)
        self.assertEqual(str(cm.exception),
                         "carereach validate failed with exit code 3 (scenario: the scenario file is wrong)\n\n"
                         "error: s.toml, line 2, field 'x': unknown key\n  hint: h\n\n"
                         "What to do: correct the key the message names (docs/scenario.md)")

    def test_unknown_code_and_signal(self):
        self.assertIn("exit code 77 (unknown: an exit code carereach does not document)",
                      runner.failure_message("run", 77, []))
        self.assertEqual(runner.failure_message("run", -9, []), "carereach run was stopped by signal 9")

    def test_success(self):
        runner.check_result("run", 0, ["ok"], ["warning: w"], False)  # no exception


def write_tool(folder, name, body):
    path = os.path.join(folder, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(f"#!{sys.executable}\n" + textwrap.dedent(body))
    os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR)
    return path


class Executable(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name
        self.tool = write_tool(self.dir, "carereach", "print('x')\n")

    def tearDown(self):
        self.tmp.cleanup()

    def test_order(self):
        other = write_tool(self.dir, "other", "")
        env = {"CAREREACH_EXECUTABLE": other, "PATH": self.dir}
        self.assertEqual(runner.find_executable(self.tool, env), self.tool)      # the setting first
        self.assertEqual(runner.find_executable("", env), other)                 # then the environment
        self.assertEqual(runner.find_executable("", {"PATH": self.dir}), self.tool)  # then the PATH

    def test_not_found(self):
        missing = os.path.join(self.dir, "nope", "carereach")
        with self.assertRaises(runner.ToolNotFound) as cm:
            runner.find_executable(missing, {"PATH": os.path.join(self.dir, "empty")})
        text = str(cm.exception)
        self.assertIn(f"names '{missing}', which is not an executable file", text)
        self.assertIn("no 'carereach' on the PATH", text)
        self.assertIn("Processing ▸ Options ▸ Providers ▸ carereach", text)


class Running(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def test_progress_messages_and_exit_code(self):
        tool = write_tool(self.dir, "tool", """
            import os, sys
            tty = os.isatty(2)
            print("Scenario 情景: 测试")
            if tty:
                sys.stderr.write("roads …"); sys.stderr.flush()
                sys.stderr.write("\\rroads [###############               ] 50%"); sys.stderr.flush()
                sys.stderr.write("\\r\\x1b[Kroads … 0.50 s\\n")
            sys.stderr.write("error: roads.osm.pbf: not found\\n  hint: check the path\\n")
            sys.exit(4)
            """)
        events = []
        code, out, err, canceled = runner.run_tool([tool], on_event=lambda s, e: events.append((s, e)))
        self.assertEqual((code, canceled), (4, False))
        self.assertEqual(out, ["Scenario 情景: 测试"])
        self.assertEqual(err, ["error: roads.osm.pbf: not found", "  hint: check the path"])
        if os.name == "posix":  # stderr is a terminal there, so the tool draws its progress
            self.assertIn(("stderr", ("progress", "roads", 50)), events)
            self.assertIn(("stderr", ("done", "roads", 0.5)), events)
        with self.assertRaises(runner.ToolFailed) as cm:
            runner.check_result("run", code, out, err, canceled)
        self.assertIn("exit code 4 (input: an input dataset is wrong)", str(cm.exception))
        self.assertIn("error: roads.osm.pbf: not found\n  hint: check the path", str(cm.exception))

    def test_cancel_sends_sigterm(self):
        marker = os.path.join(self.dir, "terminated")
        tool = write_tool(self.dir, "tool", f"""
            import signal, sys, time
            def stop(sig, frame):
                open({marker!r}, "w").close()
                sys.exit(143)
            signal.signal(signal.SIGTERM, stop)
            sys.stderr.write("travel times …"); sys.stderr.flush()
            time.sleep(60)
            """)
        seen = []
        started = time.monotonic()
        code, out, err, canceled = runner.run_tool([tool], on_event=lambda s, e: seen.append(e),
                                                   is_canceled=lambda: bool(seen))
        self.assertTrue(canceled)
        self.assertEqual(code, 143)
        self.assertTrue(os.path.exists(marker), "the tool got SIGTERM")
        self.assertLess(time.monotonic() - started, 30)
        with self.assertRaises(runner.ToolFailed) as cm:
            runner.check_result("run", code, out, err, canceled)
        self.assertIn("cancelled", str(cm.exception))

    def test_cancel_kills_a_tool_that_does_not_stop(self):
        tool = write_tool(self.dir, "tool", """
            import signal, sys, time
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            print("started", flush=True)
            time.sleep(60)
            """)
        seen = []
        code, _, _, canceled = runner.run_tool([tool], on_event=lambda s, e: seen.append(e),
                                               is_canceled=lambda: bool(seen), terminate_wait_s=0.5)
        self.assertTrue(canceled)
        self.assertEqual(code, -9)

    def test_missing_program(self):
        with self.assertRaises(runner.ToolNotFound):
            runner.run_tool([os.path.join(self.dir, "absent")])


PROJECT = """<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<qgis projectname="p" version="3.22.0-Białowieża">
 <layer-tree-group>
  <customproperties/>
  <layer-tree-group checked="Qt::Checked" expanded="1" name="基础数据">
   <layer-tree-layer checked="Qt::Checked" expanded="0" id="carereach_facilities" name="医疗卫生机构" providerKey="ogr" source="./layers.gpkg|layername=facilities"/>
  </layer-tree-group>
  <layer-tree-group checked="Qt::Unchecked" expanded="0" name="15分钟中医药服务圈">
   <layer-tree-layer checked="Qt::Unchecked" expanded="0" id="carereach_tcm__gap" name="服务缺口" providerKey="ogr" source="./layers.gpkg|layername=gap_tcm"/>
   <layer-tree-layer checked="Qt::Checked" expanded="0" id="carereach_tcm__tt" name="出行时间（分钟）" providerKey="gdal" source="./travel_time_tcm.tif"/>
  </layer-tree-group>
 </layer-tree-group>
</qgis>
"""


class Outputs(unittest.TestCase):
    def test_project_groups(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "project.qgs")
            with open(path, "w", encoding="utf-8") as f:
                f.write(PROJECT)
            groups = outputs.project_groups(path)
        self.assertEqual([(g.name, g.visible, g.expanded) for g in groups],
                         [("基础数据", True, True), ("15分钟中医药服务圈", False, False)])
        self.assertEqual([(l.layer_id, l.name, l.provider, l.source, l.visible) for l in groups[1].layers],
                         [("carereach_tcm__gap", "服务缺口", "ogr", "./layers.gpkg|layername=gap_tcm", False),
                          ("carereach_tcm__tt", "出行时间（分钟）", "gdal", "./travel_time_tcm.tif", True)])

    def test_gpkg_layers(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "x.gpkg")
            con = sqlite3.connect(path)
            con.execute("CREATE TABLE gpkg_contents (table_name TEXT PRIMARY KEY, data_type TEXT)")
            con.executemany("INSERT INTO gpkg_contents VALUES (?, ?)",
                            [("change_b", "features"), ("layer_styles", "attributes"), ("change_a", "features")])
            con.commit()
            con.close()
            self.assertEqual(outputs.gpkg_layers(path), ["change_b", "change_a"])


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
