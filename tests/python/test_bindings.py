"""The Python module against the command line: the same travel times as the GeoTIFFs `carereach traveltime`
writes (read back with GDAL's Python bindings), the same error messages and hints as the command line prints,
coverage rows that add up, and each facility's reach consistent with the travel field of all facilities.

Run by ctest (tests/python/CMakeLists.txt) with PYTHONPATH set to the module's build folder, CAREREACH_BINARY to
the carereach executable and CAREREACH_GEODATA to the demo data.
"""

import csv
import math
import os
import re
import subprocess
import tempfile
import unittest

import numpy as np
from osgeo import gdal, osr

import carereach

gdal.UseExceptions()

BINARY = os.environ["CAREREACH_BINARY"]
BOZHOU = os.path.join(os.environ["CAREREACH_GEODATA"], "bozhou", "scenario.toml")
STANDARD = "tcm_15min"


def run_cli(*args):
    return subprocess.run([BINARY, *args], capture_output=True, text=True, check=False)


class Bozhou(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="carereach-python-")
        cls.scenario = carereach.load_scenario(BOZHOU)
        cls.travel = cls.scenario.travel_times(STANDARD)
        # The reference: the command line's GeoTIFFs of the same standard.
        cls.tif = os.path.join(cls.tmp.name, "tcm.tif")
        cls.nearest_tif = os.path.join(cls.tmp.name, "nearest.tif")
        cls.cli = run_cli("traveltime", BOZHOU, "--standard", STANDARD, "--out", cls.tif, "--nearest", cls.nearest_tif)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_warnings_are_dicts(self):
        self.assertIsInstance(self.scenario.warnings, list)
        for w in self.scenario.warnings:
            self.assertEqual(w["severity"], "warning")
            self.assertRegex(w["code"], r"^[a-z0-9_]+(\.[a-z0-9_]+)*$")
            self.assertTrue(w["message"])
            self.assertEqual(set(w["location"]), {"file", "layer", "feature", "field", "line"})
        # validate() loads the same inputs and finds the same warnings.
        self.assertEqual([w["code"] for w in carereach.validate(BOZHOU)], [w["code"] for w in self.scenario.warnings])

    def test_travel_times_equal_the_geotiff(self):
        self.assertEqual(self.cli.returncode, 0, self.cli.stderr)
        ds = gdal.Open(self.tif)
        band = ds.GetRasterBand(1)
        expected = band.ReadAsArray()
        nodata = band.GetNoDataValue()
        minutes = self.travel["minutes"]
        self.assertEqual(minutes.dtype, np.float32)
        self.assertEqual(minutes.shape, (ds.RasterYSize, ds.RasterXSize))
        unreached = expected == nodata
        self.assertTrue(np.array_equal(np.isnan(minutes), unreached))
        self.assertTrue(np.array_equal(minutes[~unreached], expected[~unreached]))  # bit for bit
        self.assertGreater(int((~unreached).sum()), 1000)
        self.assertGreater(int(unreached.sum()), 0)

        self.assertEqual(tuple(self.travel["geotransform"]), tuple(ds.GetGeoTransform()))
        mine = osr.SpatialReference()
        mine.ImportFromWkt(self.travel["crs_wkt"])
        theirs = osr.SpatialReference()
        theirs.ImportFromWkt(ds.GetProjection())
        self.assertTrue(mine.IsSame(theirs))
        self.assertEqual(mine.GetAuthorityCode(None), "4548")  # [analysis] crs = "auto" in Bozhou: EPSG:4548

        nearest_ds = gdal.Open(self.nearest_tif)  # kept: a band does not keep its dataset open
        nearest = nearest_ds.GetRasterBand(1).ReadAsArray()
        self.assertEqual(self.travel["nearest"].dtype, np.uint32)
        self.assertTrue(np.array_equal(self.travel["nearest"], nearest))

    def test_coverage_rows_add_up(self):
        rows = self.scenario.coverage(STANDARD, "county")
        zones, total = rows[:-1], rows[-1]
        self.assertTrue(total["total"])
        self.assertEqual(len(zones), 4)  # Bozhou's four counties
        self.assertEqual({z["code"] for z in zones}, {"341602", "341621", "341622", "341623"})
        for r in rows:
            self.assertAlmostEqual(r["covered"] + r["uncovered"], r["population"], delta=1e-6 * r["population"])
            self.assertLessEqual(r["covered"], r["reached"] + 1e-6)
            self.assertAlmostEqual(r["share_covered"], r["covered"] / r["population"], places=12)
        for key in ("population", "covered", "uncovered", "reached", "facilities"):
            self.assertAlmostEqual(sum(z[key] for z in zones), total[key], delta=1e-6 * max(1.0, total[key]))
        # The county totals are the census totals the scenario spreads (census2020_counties.csv).
        with open(os.path.join(os.path.dirname(BOZHOU), "census2020_counties.csv"), encoding="utf-8-sig") as f:
            census = {r["code"]: float(r["census2020_pop"]) for r in csv.DictReader(f)}
        for z in zones:
            self.assertAlmostEqual(z["population"], census[z["code"]], delta=0.5)
        # The persons within 15 minutes the command line printed, from the same travel times.
        printed = [line for line in self.cli.stdout.splitlines() if line.startswith(STANDARD + " ")]
        self.assertEqual(len(printed), 1, self.cli.stdout)
        within = float(printed[0].split("facilities; ")[1].split(" of ")[0].replace(",", ""))
        self.assertAlmostEqual(total["covered"], within, delta=0.5)

        townships = self.scenario.coverage(STANDARD, "township")
        self.assertGreater(len(townships), 50)
        self.assertAlmostEqual(sum(z["covered"] for z in townships[:-1]), townships[-1]["covered"], delta=1e-3)
        self.assertTrue(all(z["approximate"] for z in townships[:-1]))  # zones derived from seats

    def test_facility_reach_agrees_with_the_travel_field(self):
        reach = self.scenario.facility_reach(STANDARD)
        facilities = self.scenario.facilities
        field = self.travel["minutes"].ravel()
        nearest = self.travel["nearest"].ravel()
        self.assertGreater(len(reach), 100)
        best = {}
        for index, cells, minutes in reach:
            self.assertEqual(cells.dtype, np.uint32)
            self.assertEqual(minutes.dtype, np.float32)
            self.assertEqual(len(cells), len(minutes))
            self.assertLess(index, len(facilities))
            self.assertTrue(np.all(minutes <= 15.0))
            # No facility alone is nearer than the nearest of them all.
            self.assertTrue(np.all(field[cells] <= minutes + 1e-4))
            for c, m in zip(cells.tolist(), minutes.tolist()):
                best[c] = min(best.get(c, math.inf), m)
        # Each reached cell's time is that of the facility nearest to it.
        for c, m in best.items():
            self.assertAlmostEqual(float(field[c]), m, delta=1e-4)
            self.assertGreater(int(nearest[c]), 0)

    def test_errors_of_a_call(self):
        with self.assertRaises(carereach.UsageError) as caught:
            self.scenario.travel_times("no_such_standard")
        self.assertIn("no standard 'no_such_standard'", str(caught.exception))
        self.assertIn(STANDARD, caught.exception.hint)
        self.assertEqual(caught.exception.exit_code, 2)
        with self.assertRaises(carereach.Error):
            self.scenario.coverage(STANDARD, "province")


class Warnings(unittest.TestCase):
    def test_the_warnings_validate_prints(self):
        # Xinyang has facilities without coordinates and a county without settlements: warnings, no errors.
        path = os.path.join(os.environ["CAREREACH_GEODATA"], "xinyang", "scenario.toml")
        warnings = carereach.load_scenario(path).warnings
        cli = run_cli("validate", path)
        self.assertEqual(cli.returncode, 0, cli.stderr)
        text = cli.stdout + cli.stderr
        counts = re.search(r"(\d+) error\(s\), (\d+) warning\(s\)", text)
        self.assertIsNotNone(counts, text)
        self.assertEqual(int(counts.group(1)), 0)
        self.assertEqual(len(warnings), int(counts.group(2)))
        self.assertGreater(len(warnings), 10)
        # The command line prints the first warnings of each kind; each is one of the module's, word for word.
        printed = [line.strip()[len("warning: "):] for line in text.splitlines() if line.strip().startswith("warning: ")]
        self.assertGreater(len(printed), 10)
        texts = [w["text"] for w in warnings]
        for line in printed:
            self.assertIn(line, texts)
        empty = [w for w in warnings if w["code"] == "coordinate.empty"]
        self.assertGreater(len(empty), 0)
        self.assertEqual(len(empty), sum("empty coordinate" in t for t in texts))
        self.assertTrue(all(w["location"]["file"] == "facilities.csv" and w["location"]["feature"].startswith("row ")
                            for w in empty))
        self.assertEqual([w["text"] for w in carereach.validate(path)], texts)


class Errors(unittest.TestCase):
    def check_like_the_cli(self, text, cls, exit_code):
        with tempfile.TemporaryDirectory(prefix="carereach-python-") as tmp:
            path = os.path.join(tmp, "scenario.toml")
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            with self.assertRaises(cls) as caught:
                carereach.load_scenario(path)
            e = caught.exception
            self.assertIsInstance(e, carereach.Error)
            self.assertEqual(e.exit_code, exit_code)
            self.assertTrue(e.message)
            # The command line prints the same message and hint, and exits with the same code.
            cli = run_cli("validate", path)
            self.assertEqual(cli.returncode, exit_code)
            self.assertIn(str(e), cli.stderr)
            if e.hint:
                self.assertIn("hint: " + e.hint, cli.stderr)
            return e

    def test_malformed_toml(self):
        e = self.check_like_the_cli('[scenario]\nname = "x\n', carereach.ScenarioError, 3)
        self.assertEqual(e.location["line"], 2)

    def test_unknown_key(self):
        e = self.check_like_the_cli('[scenario]\nname = "x"\nnmae_en = "y"\n', carereach.ScenarioError, 3)
        self.assertIn("nmae_en", str(e))

    def test_missing_input(self):
        self.check_like_the_cli(
            '[scenario]\nname = "x"\n[[zones]]\nlevel = "county"\nsource = "counties.geojson"\ncode_field = "code"\n'
            'name_field = "name"\n', carereach.InputError, 4)

    def test_hierarchy(self):
        for name in ("UsageError", "ScenarioError", "InputError", "CrsError", "OutputError"):
            self.assertTrue(issubclass(getattr(carereach, name), carereach.Error))
        self.assertTrue(issubclass(carereach.Error, Exception))


if __name__ == "__main__":
    unittest.main()
