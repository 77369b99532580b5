#!/usr/bin/env python3
"""Writes one PNG screenshot per section of a carereach report.html, taken with headless Chromium.

For every <section class="report-section" id="ID"> it writes OUTDIR/report-ID.png: the report with everything
outside that section hidden (the other sections, the table of contents <nav>, the page heading), WIDTH px wide
and as tall as the section. The heights are measured first in one probe run (Chromium --dump-dom of a copy with
a measuring script: the section's getBoundingClientRect plus its bottom margin and the page's bottom padding);
then each section is shot from a copy of the report that only adds the hiding <style> (in a window somewhat
taller than the section, the PNG then cropped to the section's height with GDAL).
"""

import argparse
import json
import math
import os
import re
import shutil
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

sys.dont_write_bytecode = True  # no scripts/__pycache__ from the import below
from headless_chromium import (CHROMIUM_TIMEOUT_S, find_chromium, inject, probe_result, probe_script,  # noqa: E402
                               reexec_with_system_python, run_chromium)


def import_gdal():
    """osgeo.gdal, for cropping the PNGs. Debian's python3-gdal is built for the system interpreter only: when
    another python3 comes first in PATH (a virtualenv, pyenv), run this script again with /usr/bin/python3."""
    try:
        from osgeo import gdal
    except ImportError:
        reexec_with_system_python(__file__)
        sys.exit("error: this script needs the GDAL Python bindings (Debian: python3-gdal; "
                 "scripts/install-deps.sh --tests)")
    gdal.UseExceptions()
    return gdal

MAX_HEIGHT_PX = 2600
# Headless Chromium's page viewport is smaller than --window-size (by the height of the invisible browser
# toolbars, about 90 to 145 px), and content below the viewport may be left unpainted in a short window: so the
# window is made this much taller than the shot and the PNG is cropped afterwards.
WINDOW_EXTRA_PX = 300
PROBE_ID = "carereach-shot-probe"

# First child of <head> in every copy: replaces the dialogs, on which a headless Chromium would wait for ever (a
# report has no scripts, but a broken one might).
GUARD = ("<script>['alert','confirm','prompt','print'].forEach(function(n){window[n]=function(){};});</script>")

# End of <body> in the probe copy (in probe_script): for each section, applies its hiding style, measures, and
# writes the heights as JSON (ASCII, without < > &) into <pre id="carereach-shot-probe"> for --dump-dom to print.
PROBE_JS = r"""
  var style = document.getElementById('carereach-shot-style'), css = %s, r = {sections: {}, error: null};
  function px(v) { return parseFloat(v) || 0; }
  try {
    Object.keys(css).forEach(function (id) {
      style.textContent = css[id];
      var el = document.getElementById(id);
      if (!el) return;
      var rect = el.getBoundingClientRect(), s = getComputedStyle(el),
          b = getComputedStyle(document.body), h = getComputedStyle(document.documentElement);
      r.sections[id] = {
        height: rect.bottom + window.scrollY + px(s.marginBottom) + px(b.paddingBottom) + px(b.borderBottomWidth) +
                px(b.marginBottom) + px(h.paddingBottom) + px(h.borderBottomWidth),
        scrollWidth: document.documentElement.scrollWidth
      };
    });
  } catch (e) {
    r.error = String(e && e.stack || e);
  }
"""


class SectionFinder(HTMLParser):
    """The ids of <section class="report-section" id="…">, in document order."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids = []

    def handle_starttag(self, tag, attrs):
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "section" and "report-section" in a.get("class", "").split() and a.get("id"):
            self.ids.append(a["id"])


def hiding_css(section_id):
    """Hides every element of the body that is not the section, inside it or an ancestor of it: the other
    sections, the <nav>, the heading. An attribute selector needs no CSS escaping of the id beyond quotes."""
    sel = '[id="' + section_id.replace("\\", "\\\\").replace('"', '\\"') + '"]'
    return f"body *:not(:has({sel})):not({sel}):not({sel} *) {{ display: none !important; }}\n"


def make_copy(text, style_css, body_script=""):
    """A copy of the report: GUARD first in <head>, a <style id="carereach-shot-style"> last in <head> (so it comes
    after the report's own style) and body_script at the end of <body>; starting with a UTF-8 byte order mark
    (see headless_chromium.inject). Raises ValueError when the report has no <head> start tag."""
    copy = inject(text, GUARD, f'<style id="carereach-shot-style">{style_css}</style>', body_script)
    if copy is None:
        raise ValueError("the report has no <head> start tag")
    return copy


def safe_name(section_id):
    return re.sub(r"[^A-Za-z0-9_.-]", "_", section_id)


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=f"A section taller than {MAX_HEIGHT_PX} px is cut at that height (its top part is shown; the "
               f"script says so). Each Chromium run is limited to {CHROMIUM_TIMEOUT_S} s. Needs chromium, "
               "python3-gdal and, for Chinese text, fonts-noto-cjk (scripts/install-deps.sh --tests).")
    parser.add_argument("report", metavar="REPORT.html", help="the report")
    parser.add_argument("outdir", metavar="OUTDIR", help="where to write report-<id>.png (created if missing)")
    parser.add_argument("--width", type=int, default=1100, help="window width in px (default: 1100)")
    parser.add_argument("--chromium", metavar="PATH", default=os.environ.get("CHROMIUM"),
                        help="the Chromium binary (default: $CHROMIUM, else chromium, chromium-browser or "
                             "google-chrome from PATH)")
    args = parser.parse_args()
    if args.width < 100:
        parser.error("--width must be at least 100")

    report = Path(args.report).resolve()
    if not report.is_file():
        sys.exit(f"error: {args.report}: no such file")
    gdal = import_gdal()
    chromium = find_chromium(args.chromium)
    if not chromium:
        sys.exit("error: chromium not found: install chromium: scripts/install-deps.sh --tests")
    text = report.read_bytes().decode("utf-8", "replace").lstrip("\ufeff")

    finder = SectionFinder()
    finder.feed(text)
    finder.close()
    ids = list(dict.fromkeys(finder.ids))
    if len(ids) < len(finder.ids):
        print("warning: some section ids occur more than once; each is shot once", file=sys.stderr)
    if not ids:
        sys.exit('error: the report has no <section class="report-section" id="…">')
    css = {i: hiding_css(i) for i in ids}

    outdir = Path(args.outdir).resolve()
    outdir.mkdir(parents=True, exist_ok=True)
    work = tempfile.mkdtemp(prefix="carereach-report-shots-")
    problems = 0
    try:
        # 1. Measure every section's height at this width, with the others hidden, in one run.
        probe = Path(work) / "probe.html"
        script = probe_script(PROBE_JS % json.dumps(css).replace("</", "<\\/"), PROBE_ID)  # no "</script>" in it
        try:
            probe.write_text(make_copy(text, "", script), encoding="utf-8")
        except ValueError as e:
            sys.exit(f"error: {e}")
        dom, err, error = run_chromium(
            chromium, ["--hide-scrollbars", f"--window-size={args.width},{MAX_HEIGHT_PX}", "--dump-dom"],
            probe.as_uri(), work)
        found = probe_result(dom, PROBE_ID)
        if error or found is None:
            sys.exit(f"error: measuring the sections failed: {error or 'no result in the dumped DOM'}")
        result = json.loads(found)
        if result.get("error"):
            sys.exit(f"error: measuring the sections failed: {result['error']}")

        # 2. One screenshot per section, the window as tall as the section (up to MAX_HEIGHT_PX).
        for section_id in ids:
            m = result["sections"].get(section_id)
            if not m:
                print(f"error: section {section_id!r} was not found in the page", file=sys.stderr)
                problems += 1
                continue
            full = max(1, math.ceil(m["height"]))
            height = min(full, MAX_HEIGHT_PX)
            copy = Path(work) / f"shot-{safe_name(section_id)}.html"
            copy.write_text(make_copy(text, css[section_id]), encoding="utf-8")
            png = outdir / f"report-{safe_name(section_id)}.png"
            shot = Path(work) / "shot.png"
            # With --screenshot=PATH Chromium writes exactly PATH (a bare --screenshot writes screenshot.png in
            # the working directory); the PNG is as large as the window.
            _, err, error = run_chromium(
                chromium, ["--hide-scrollbars", f"--window-size={args.width},{height + WINDOW_EXTRA_PX}",
                           f"--screenshot={shot}"], copy.as_uri(), work)
            if error or not shot.exists():
                print(f"error: section {section_id!r}: {error or 'no PNG written'}", file=sys.stderr)
                problems += 1
                continue
            gdal.Translate(str(png), str(shot), format="PNG", srcWin=[0, 0, args.width, height])
            shot.unlink()
            notes = []
            if full > MAX_HEIGHT_PX:
                notes.append(f"cut at {MAX_HEIGHT_PX} px of {full} px")
            if m["scrollWidth"] > args.width:
                notes.append(f"content is {m['scrollWidth']} px wide, cut at {args.width} px")
            print(f"{png}  ({args.width}×{height} px{'; ' + '; '.join(notes) if notes else ''})")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
