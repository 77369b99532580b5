#!/usr/bin/python3
"""Compare the straight-line estimate (engine = "estimate") with the network engine, cell by cell.

For a scenario with roads, computes with `carereach traveltime` the travel times of four standards that differ only
in their engine — walking to primary care and driving to county hospitals, each by the network engine and by the
straight-line estimate with the shipped defaults — and prints, over the cells both reach, the quantiles of

    ratio = network time ÷ estimate time     (> 1: the estimate is too optimistic)

and of the circuity that would make the estimate match the network (ratio × the estimate's circuity). Only the
standard library and the GDAL command-line tools (gdal_translate) are used. docs/method/estimate.md records the
result for the Bozhou demo.

Usage:  compare_estimate_network.py [--scenario geodata/bozhou/scenario.toml] [--carereach build/src/cli/carereach]
"""

import argparse
import math
import re
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

STANDARDS = """
[standards]
defaults = false

[standards.walk_network]
name_en = "Primary care, walking, network"
types = ["community_health_center", "community_health_station", "subdistrict_health_center",
         "township_health_center", "village_clinic", "outpatient_department", "clinic"]
mode = "walk"
engine = "network"
threshold_min = 60

[standards.walk_estimate]
name_en = "Primary care, walking, estimate"
types = ["community_health_center", "community_health_station", "subdistrict_health_center",
         "township_health_center", "village_clinic", "outpatient_department", "clinic"]
mode = "walk"
engine = "estimate"
threshold_min = 60

[standards.car_network]
name_en = "County hospital, car, network"
types = ["general_hospital", "tcm_hospital", "integrated_hospital"]
tags_any = ["county_hospital"]
mode = "car"
engine = "network"
threshold_min = 60

[standards.car_estimate]
name_en = "County hospital, car, estimate"
types = ["general_hospital", "tcm_hospital", "integrated_hospital"]
tags_any = ["county_hospital"]
mode = "car"
engine = "estimate"
threshold_min = 60
"""


def derived_scenario(original: Path) -> str:
    """The scenario with absolute source paths and the four standards instead of its own."""
    text = original.read_text(encoding="utf-8")
    text = text[: text.index("[standards]")] if "[standards]" in text else text
    folder = original.resolve().parent

    def absolute(m: re.Match) -> str:
        return f'{m.group(1)}"{(folder / m.group(2)).as_posix()}"'

    return re.sub(r'^(\s*source\s*=\s*)"([^"]+)"', absolute, text, flags=re.M) + STANDARDS


def minutes(tif: Path) -> list:
    """Cell values in row order (None for no-data), read through gdal_translate's XYZ text."""
    xyz = subprocess.run(["gdal_translate", "-q", "-of", "XYZ", str(tif), "/vsistdout/"], check=True,
                         capture_output=True, text=True).stdout
    out = []
    for line in xyz.splitlines():
        v = float(line.split()[2])
        out.append(None if v == -9999 else v)
    return out


def quantile(sorted_values: list, q: float) -> float:
    """The value at rank ceil(q × n) (the smallest value with at least q of the values at or below it)."""
    k = max(0, min(len(sorted_values) - 1, math.ceil(q * len(sorted_values)) - 1))
    return sorted_values[k]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scenario", type=Path, default=REPO / "geodata" / "bozhou" / "scenario.toml")
    ap.add_argument("--carereach", type=Path, default=REPO / "build" / "src" / "cli" / "carereach")
    ap.add_argument("--circuity", type=float, default=1.3, help="the estimate's circuity (the shipped default)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="carereach-estimate-") as tmp:
        scenario = Path(tmp) / "scenario.toml"
        scenario.write_text(derived_scenario(args.scenario), encoding="utf-8")
        times = {}
        for std in ("walk_network", "walk_estimate", "car_network", "car_estimate"):
            tif = Path(tmp) / f"{std}.tif"
            subprocess.run([str(args.carereach), "-q", "traveltime", str(scenario), "-s", std, "-o", str(tif)],
                           check=True, stdout=subprocess.DEVNULL)
            times[std] = minutes(tif)
        for mode in ("walk", "car"):
            net, est = times[f"{mode}_network"], times[f"{mode}_estimate"]
            ratios = sorted(n / e for n, e in zip(net, est) if n is not None and e is not None and e > 0)
            if not ratios:
                print(f"{mode}: no cell reached by both")
                continue
            q = {p: quantile(ratios, p) for p in (0.1, 0.5, 0.9)}
            within = sum(1 for r in ratios if 0.8 <= r <= 1.25) / len(ratios)
            print(f"{mode}: {len(ratios)} cells reached by both; ratio network ÷ estimate: "
                  f"p10 {q[0.1]:.2f}, median {q[0.5]:.2f}, p90 {q[0.9]:.2f}; "
                  f"{100 * within:.0f} % of cells within 0.8–1.25; circuity that would match: "
                  f"median {q[0.5] * args.circuity:.2f}, p90 {q[0.9] * args.circuity:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
