#!/usr/bin/env python3
"""Writes the reports a planner reads and checks each in headless Chromium (check_report_in_browser.py).

The reports: Bozhou in Chinese and in English, Porto Alegre in English and in Chinese, Porto Alegre with a facility
named like markup (it must show as text and run nothing), and the comparison of the Bozhou baseline with the
TCM-corner scenario. Registered with ctest as report_in_browser; exits 1 when any check fails.
"""

import argparse
import csv
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

MARKUP = "<img src=x onerror=alert(1)>"


def run(cmd):
    """Runs a command, prints it, and stops the test with its output when it fails."""
    print("$ " + " ".join(str(c) for c in cmd), flush=True)
    done = subprocess.run([str(c) for c in cmd], capture_output=True, text=True)
    if done.returncode != 0:
        sys.stdout.write(done.stdout + done.stderr)
        sys.exit(f"command failed with exit code {done.returncode}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--carereach", required=True, help="the carereach binary")
    ap.add_argument("--geodata", required=True, help="the demo data folder (geodata/)")
    ap.add_argument("--keep", help="keep the reports and the checker's files in this folder")
    args = ap.parse_args()

    checker = Path(__file__).with_name("check_report_in_browser.py")
    geodata = Path(args.geodata)
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="carereach-browser-"))
    work.mkdir(parents=True, exist_ok=True)
    # Fixed report date: the reports are the same bytes on every day.
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1767225600")
    try:
        reports = []  # (label, report file, texts that must show)
        for demo, lang in [("bozhou", "zh"), ("bozhou", "en"), ("porto-alegre", "en"), ("porto-alegre", "zh"),
                          ("xinyang", "zh")]:
            out = work / f"{demo}-{lang}"
            run([args.carereach, "-q", "run", geodata / demo / "scenario.toml", "--out", out, "--lang", lang,
                 "--overwrite"])
            reports.append((f"{demo} {lang}", out / "report.html", []))

        # Porto Alegre with its first facility renamed to markup.
        markup_dir = work / "porto-alegre-markup-data"
        if markup_dir.exists():
            shutil.rmtree(markup_dir)
        shutil.copytree(geodata / "porto-alegre", markup_dir)
        with open(markup_dir / "facilities.csv", newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
        rows[1][rows[0].index("name")] = MARKUP
        with open(markup_dir / "facilities.csv", "w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows(rows)
        out = work / "porto-alegre-markup"
        run([args.carereach, "-q", "run", markup_dir / "scenario.toml", "--out", out, "--overwrite"])
        reports.append(("porto-alegre with a markup name", out / "report.html", [MARKUP]))

        # The comparison of the Bozhou baseline with the sub-centre scenario.
        subcentres = work / "bozhou-subcentres"
        run([args.carereach, "-q", "run", geodata / "bozhou" / "scenario_subcentres.toml", "--out", subcentres,
             "--overwrite"])
        out = work / "bozhou-compare"
        run([args.carereach, "-q", "compare", work / "bozhou-zh", subcentres, "--out", out, "--overwrite"])
        reports.append(("bozhou compare", out / "compare.html", []))

        failed = []
        for label, report, texts in reports:
            print(f"\n== {label}: {report.name}", flush=True)
            cmd = [sys.executable, checker, report, "--out", report.parent / "browser-check"]
            for t in texts:
                cmd += ["--expect-text", t]
            if subprocess.run([str(c) for c in cmd]).returncode != 0:
                failed.append(label)
        if failed:
            sys.exit("browser checks failed for: " + ", ".join(failed))
        print(f"\nall {len(reports)} reports passed the browser checks")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
