#!/usr/bin/env python3
"""Checks a carereach report.html the way a reader sees it: in headless Chromium, on screen and printed.

  1. Probe: a copy of the report with two injected scripts is loaded with --dump-dom. It fails on any script
     error and on every Chromium console message (that is where SVG attribute parse errors such as
     "Error: <path> attribute d: Expected number" appear; the report itself has no scripts). It measures every
     map (svg.carereach-map): a non-empty drawing (a shape in a g.map-layer of the nested svg.map-drawing with a
     non-zero bounding box that lies in the map frame), a legend (g.map-legend with a symbol and a text), a scale
     bar and a north arrow. It checks that nothing outside the file is loaded (no resource timing entries, no
     <img> in the live document; and, on the source text, no <script>, <iframe>, <img>, stylesheet <link>, no
     src= at all, no href= other than "#…" anchors, no event handler attribute, no CSS url() or @import), that
     the source has <meta charset="utf-8"> in its first 1024 bytes, that body's font-family names
     "Noto Sans CJK SC" (and that the font is installed), and that every --expect-text occurs as text in the page:
     in what it shows (document.body.innerText) or in its tooltips (the <title> of map features, in textContent).
  2. Screenshot: the report at 1280×2400 px must not be blank (more than 1 % non-white pixels, more than 8
     distinct colours).
  3. Print: the PDF Chromium prints must have A4 pages, portrait or landscape (the report's CSS sets
     @page { size: A4 } and prints the tables section on landscape A4),
     every body row of every table.report-table must lie whole on one page (its text found on a single page), and
     page 1 must hold every headline sentence (li.headline-sentence) and every headline bar's label: the printed
     first page says what the report found, not only what it was run on.

Exits 0 when every check passes; else prints one line per failure (naming the map, table or row) and exits 1.
"""

import argparse
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
sys.dont_write_bytecode = True  # no scripts/__pycache__ in the source tree from the import below
from headless_chromium import (CHROMIUM_NAMES, CHROMIUM_TIMEOUT_S, find_chromium,  # noqa: E402
                               inject, probe_result, probe_script, reexec_with_system_python, run_chromium)

INSTALL_HINT = "install chromium: scripts/install-deps.sh --tests"
FONT_FAMILY = "Noto Sans CJK SC"
SCREENSHOT_SIZE = (1280, 2400)
A4_PT = (595.0, 842.0)  # 210 × 297 mm; Chromium writes 594.96 × 841.92
A4_TOLERANCE_PT = 2.0
PROBE_ID = "carereach-probe"


def import_gdal_numpy():
    """osgeo.gdal and numpy, for reading the screenshot. Debian's python3-gdal is built for the system
    interpreter only: when another python3 comes first in PATH (a virtualenv, pyenv), run this script again with
    /usr/bin/python3 rather than fail."""
    try:
        import numpy
        from osgeo import gdal
    except ImportError:
        reexec_with_system_python(__file__)
        sys.exit("error: this check needs numpy and the GDAL Python bindings (Debian: python3-numpy python3-gdal; "
                 "scripts/install-deps.sh --tests)")
    gdal.UseExceptions()
    return gdal, numpy


# --------------------------------------------------------------------------------------------------------------
# Running Chromium: find_chromium and run_chromium are in scripts/headless_chromium.py. Each run here works in
# out_dir, has its profile in work, and its error names what it did ("chromium --dump-dom timed out after 120 s").


def written_file(stderr):
    """Chromium reports "<n> bytes written to file <path>" for --screenshot and --print-to-pdf."""
    m = re.findall(r"bytes written to file (.+?)\s*$", stderr, re.M)
    return m[-1] if m else None


def stderr_tail(stderr, lines=3):
    """Chromium's last error lines, for a failure message (without the D-Bus errors every headless run without a
    session bus prints)."""
    useful = [l for l in stderr.splitlines() if l.strip() and "dbus" not in l.lower()]
    errors = [l for l in useful if re.search(r":(ERROR|FATAL):", l)]
    return " | ".join((errors or useful)[-lines:]) or "no output"


# --------------------------------------------------------------------------------------------------------------
# Checks on the source text


class SourceScanner(HTMLParser):
    """Collects, from the original HTML: the tags and attributes that would load something, the maps (for naming
    the map a console message's line falls in) and the body rows of every table.report-table."""

    def __init__(self):
        super().__init__(convert_charrefs=True)  # entities (&amp; &lt; &#8722; …) arrive unescaped
        self.external = []  # (line, description)
        self.scripted = False  # a <script>, an event handler or a javascript: URL
        self.maps = []  # dicts: start_line, end_line, name
        self.tables = []  # dicts: id, caption, line, rows: [dict(line, cells, cls)]
        self._svg_depth = 0
        self._map_stack = []  # (svg depth at which a map started, map dict)
        self._map_title_target = None
        self._tables = []  # open tables (innermost last); each: dict + "report" flag + "part"
        self._caption = None
        self._row = None
        self._cell = None

    # --- helpers
    def _line(self):
        return self.getpos()[0]

    def _close_cell(self):
        if self._row is not None and self._cell is not None:
            self._row["cells"].append("".join(self._cell))
        self._cell = None

    def _close_row(self):
        self._close_cell()
        if self._row is not None and self._tables:
            table = self._tables[-1]
            if table["report"]:
                table["rows"].append(self._row)
        self._row = None

    # --- parser callbacks
    def handle_starttag(self, tag, attrs):
        a = {k.lower(): (v or "") for k, v in attrs}
        classes = a.get("class", "").split()
        line = self._line()

        # Anything that could load a resource or run code.
        if tag in ("script", "iframe", "img", "object", "embed", "frame", "frameset", "audio", "video"):
            self.external.append((line, f"<{tag}> element"))
            self.scripted |= tag == "script"
        if tag == "link" and "stylesheet" in a.get("rel", "").lower().split():
            self.external.append((line, f'<link rel="stylesheet" href="{a.get("href", "")}">'))
        for name, value in a.items():
            v = value.strip()
            if name in ("src", "srcset", "poster", "data", "background") or name.endswith(":src"):
                self.external.append((line, f'<{tag} {name}="{v[:80]}">'))
            elif (name == "href" or name.endswith(":href")) and not v.startswith("#"):
                self.external.append((line, f'<{tag} {name}="{v[:80]}"> (only "#…" anchors are allowed)'))
            elif name.startswith("on"):
                self.external.append((line, f"<{tag} {name}=…> event handler"))
                self.scripted = True
            if v.lower().startswith("javascript:"):
                self.scripted = True
            elif name == "style" and re.search(r"url\(\s*['\"]?(?!#)", v, re.I):
                self.external.append((line, f'<{tag} style="…url(…)…">'))

        # Maps (their line span, to name the map a console message points into).
        if tag == "svg":
            self._svg_depth += 1
            if "carereach-map" in classes:
                m = {"start_line": line, "end_line": None, "name": a.get("aria-label", "")}
                self.maps.append(m)
                self._map_stack.append((self._svg_depth, m))
        elif (tag == "title" and self._map_stack and self._svg_depth == self._map_stack[-1][0]
              and not self._map_stack[-1][1].get("titled")):
            self._map_title_target = []  # the map's own <title>, not a tooltip inside a shape

        # Tables.
        if tag == "table":
            self._close_row()
            self._tables.append({"report": "report-table" in classes, "id": a.get("id", ""), "caption": "",
                                 "line": line, "rows": [], "part": None})
        elif not self._tables:
            return
        elif tag == "caption":
            self._caption = []
        elif tag in ("thead", "tbody", "tfoot"):
            self._close_row()
            self._tables[-1]["part"] = tag
        elif tag == "tr":
            self._close_row()
            if self._tables[-1]["part"] in (None, "tbody"):  # None: rows straight in <table>, an implied tbody
                self._row = {"line": line, "cells": [], "cls": a.get("class", "")}
        elif tag in ("td", "th"):
            self._close_cell()
            if self._row is not None:
                self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag == "svg":
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag == "svg":
            if self._map_stack and self._map_stack[-1][0] == self._svg_depth:
                self._map_stack.pop()[1]["end_line"] = self._line()
            self._svg_depth = max(0, self._svg_depth - 1)
        elif tag == "title" and self._map_title_target is not None:
            title = " ".join("".join(self._map_title_target).split())
            if self._map_stack:
                self._map_stack[-1][1]["titled"] = True
                if title:
                    self._map_stack[-1][1]["name"] = title
            self._map_title_target = None
        if not self._tables:
            return
        if tag == "caption" and self._caption is not None:
            self._tables[-1]["caption"] = " ".join("".join(self._caption).split())
            self._caption = None
        elif tag in ("td", "th"):
            self._close_cell()
        elif tag == "tr":
            self._close_row()
        elif tag in ("thead", "tbody", "tfoot"):
            self._close_row()
            self._tables[-1]["part"] = None
        elif tag == "table":
            self._close_row()
            table = self._tables.pop()
            if table["report"]:
                self.tables.append(table)

    def handle_data(self, data):
        if self._map_title_target is not None:
            self._map_title_target.append(data)
        if self._caption is not None:
            self._caption.append(data)
        if self._cell is not None:
            self._cell.append(data)


def check_source(text, failures):
    """Checks on the original text; returns the SourceScanner (maps and tables)."""
    head = text[:1024].lower()
    if not re.search(r"<meta\s+charset\s*=\s*[\"']?utf-8", head):
        failures.append('source: no <meta charset="utf-8"> in the first 1024 bytes (Chinese text may be '
                        "mis-decoded when the file is opened from disk)")
    scanner = SourceScanner()
    scanner.feed(text)
    scanner.close()
    scanner.source = text  # for the page-1 check of the print
    # One failure per source line: what the parser found in the tags there; else what plain text searches found
    # (they also see markup inside comments). Escaped text (&lt;img …) matches neither. The URL patterns are
    # looked for inside tags only, so that a name in the text such as "src=http://…" is not taken for markup.
    found = {}
    for line, what in scanner.external:
        found.setdefault(line, []).append(what)
    for pattern, what in ((r"<script\b", "<script"), (r"<iframe\b", "<iframe"), (r"<img\b", "<img"),
                          (r"<link\b[^>]*\brel\s*=\s*[\"']?stylesheet", "<link rel=stylesheet"),
                          (r"<[a-zA-Z][^<>]*?\s(?:[\w-]+:)?(?:src|href)\s*=\s*[\"']?\s*(?:https?:|//|file:)",
                           "src=/href= to http(s):, // or file:")):
        for m in re.finditer(pattern, text, re.I):
            line = text.count("\n", 0, m.start()) + 1
            if line not in found or found[line][0].startswith("text "):
                found.setdefault(line, []).append(f"text {text[m.start():m.start() + 60]!r} ({what})")
    for line in sorted(found):
        failures.append(f"self-contained: source line {line}: {'; '.join(dict.fromkeys(found[line]))}")
    # CSS that loads something.
    styles = "\n".join(re.findall(r"<style\b[^>]*>(.*?)</style>", text, re.I | re.S))
    for pattern, what in ((r"@import\b", "CSS @import"),
                          (r"url\(\s*[\"']?\s*(?!#|data:)", "CSS url() to something other than #… or data:")):
        for m in re.finditer(pattern, styles, re.I):
            failures.append(f"self-contained: a <style> block has {what}: {styles[m.start():m.start() + 60]!r}")
    return scanner


def map_at_line(maps, line):
    """The name of the map whose source lines hold `line`, or None."""
    for m in maps:
        if m["start_line"] <= line <= (m["end_line"] or m["start_line"]):
            return m["name"] or f"map at line {m['start_line']}"
    return None


# --------------------------------------------------------------------------------------------------------------
# 1. The probe

# First child of <head>: records script errors and failed loads, and replaces the dialogs (a headless Chromium
# waits for ever on an alert(), e.g. from an unescaped <img src=x onerror=alert(1)>) by a recorded error. Kept on
# ONE line so that the line numbers in Chromium's console messages still match the original file.
HEAD_PROBE = ("<script>window.__carereachErrors=[];"
              "['alert','confirm','prompt','print'].forEach(function(n){window[n]=function(m){"
              "window.__carereachErrors.push('the page called '+n+'('+(m===undefined?'':String(m))+')');};});"
              "window.addEventListener('error',function(e){var t=e.target;window.__carereachErrors.push("
              "(t&&t!==window&&t.tagName)?('failed to load <'+t.tagName.toLowerCase()+'> '+(t.src||t.href||''))"
              ":('script error: '+e.message+' ('+e.filename+':'+e.lineno+')'));},true);"
              "window.addEventListener('unhandledrejection',function(e){window.__carereachErrors.push("
              "'unhandled rejection: '+String(e.reason));});</script>")

# End of <body> (made by probe_script): measures on the load event (when layout is done and every resource has
# loaded or failed) and writes the result as JSON into <pre id="carereach-probe">, which --dump-dom then prints.
# The JSON is escaped to ASCII without < > & so the serialised DOM carries it unchanged. It must not use console.*.
BODY_PROBE = probe_script(r"""
  var r = {errors: (window.__carereachErrors || []).slice(), maps: [], resources: [], imgCount: 0,
           fontFamily: '', innerText: '', textContent: '', probeError: null};
  function bbox(el) {
    try { var b = el.getBBox(); return {w: b.width, h: b.height}; } catch (e) { return {w: 0, h: 0}; }
  }
  function filled(b) { return b.w > 0 && b.h > 0; }
  // The client-space box of a rectangle given in el's user space (getBoundingClientRect of a nested <svg> is
  // the box of its content, not of its viewport, so it cannot tell whether the shapes lie in the frame).
  function clientBox(el, b) {
    var m = el.getScreenCTM && el.getScreenCTM();
    if (!m) return null;
    var xs = [], ys = [];
    [[b.x, b.y], [b.x + b.width, b.y], [b.x, b.y + b.height], [b.x + b.width, b.y + b.height]].forEach(
      function (p) { xs.push(m.a * p[0] + m.c * p[1] + m.e); ys.push(m.b * p[0] + m.d * p[1] + m.f); });
    return {left: Math.min.apply(null, xs), right: Math.max.apply(null, xs),
            top: Math.min.apply(null, ys), bottom: Math.max.apply(null, ys)};
  }
  function overlaps(a, b) {
    if (!a || !b) return true;  // cannot tell: do not fail on it
    return Math.min(a.right, b.right) > Math.max(a.left, b.left) &&
           Math.min(a.bottom, b.bottom) > Math.max(a.top, b.top);
  }
  var SHAPES = 'path, circle, rect, polygon, ellipse, use';
  try {
    var svgs = document.querySelectorAll('svg.carereach-map');
    for (var i = 0; i < svgs.length; i++) {
      var svg = svgs[i], title = svg.querySelector(':scope > title');
      var m = {index: i + 1, problems: [], layers: 0, shapes: 0, drawn: 0,
               name: (title && title.textContent.trim()) || svg.getAttribute('aria-label') || ''};
      var drawing = svg.querySelector('svg.map-drawing');
      if (!drawing) {
        m.problems.push('no nested svg.map-drawing');
      } else {
        var frame = clientBox(drawing.parentNode, {x: drawing.x.baseVal.value, y: drawing.y.baseVal.value,
                                                   width: drawing.width.baseVal.value,
                                                   height: drawing.height.baseVal.value});
        var layers = drawing.querySelectorAll('g.map-layer');
        m.layers = layers.length;
        if (!layers.length) m.problems.push('svg.map-drawing holds no g.map-layer');
        var shapes = drawing.querySelectorAll('g.map-layer :is(' + SHAPES + ')');
        var sized = 0;
        m.shapes = shapes.length;
        for (var k = 0; k < shapes.length; k++) {
          if (!filled(bbox(shapes[k]))) continue;
          sized++;
          if (overlaps(clientBox(shapes[k], shapes[k].getBBox()), frame)) m.drawn++;
        }
        if (m.layers && !m.shapes) m.problems.push('empty drawing: the map layers hold no shape element');
        else if (m.shapes && !sized)
          m.problems.push('empty drawing: none of the ' + m.shapes + ' shapes has a non-zero bounding box');
        else if (sized && !m.drawn)
          m.problems.push('empty drawing: all ' + sized + ' shapes lie outside the map frame');
      }
      var legend = svg.querySelector('g.map-legend');
      if (!legend) {
        m.problems.push('no g.map-legend');
      } else {
        if (!filled(bbox(legend))) m.problems.push('g.map-legend has an empty bounding box');
        var symbols = legend.querySelectorAll(SHAPES + ', line, polyline'), nsym = 0;
        for (var s = 0; s < symbols.length; s++) {
          var b = bbox(symbols[s]);
          if (filled(b) || (/^(line|polyline)$/.test(symbols[s].localName) && (b.w > 0 || b.h > 0))) nsym++;
        }
        if (!nsym) m.problems.push('g.map-legend has no visible swatch or symbol');
        var texts = legend.querySelectorAll('text'), ntext = 0;
        for (var t = 0; t < texts.length; t++) if (texts[t].textContent.trim() && filled(bbox(texts[t]))) ntext++;
        if (!ntext) m.problems.push('g.map-legend has no text');
      }
      ['map-scale-bar', 'map-north-arrow'].forEach(function (cls) {
        var g = svg.querySelector('g.' + cls);
        if (!g) m.problems.push('no g.' + cls);
        else if (!filled(bbox(g))) m.problems.push('g.' + cls + ' has an empty bounding box');
      });
      r.maps.push(m);
    }
    r.resources = performance.getEntriesByType('resource').map(function (e) { return e.name; });
    r.imgCount = document.getElementsByTagName('img').length;
    r.fontFamily = getComputedStyle(document.body).fontFamily;
    r.innerText = document.body.innerText;
    r.textContent = document.body.textContent;
  } catch (e) {
    r.probeError = String(e && e.stack || e);
  }
""", PROBE_ID)


def make_probe_copy(text, measure=True):
    """The report with HEAD_PROBE as the first child of <head> and (when measure) BODY_PROBE at the end of <body>,
    or None when there is no <head> start tag. A UTF-8 byte order mark keeps the decoding UTF-8 however far the
    injected script pushes <meta charset> (the original is checked for it separately)."""
    return inject(text, head_first=HEAD_PROBE, body_end=BODY_PROBE if measure else "")


def run_probe(chromium, report_text, scanner, work, out_dir, expect_texts, failures, summary):
    probe_text = make_probe_copy(report_text)
    if probe_text is None:
        failures.append("probe: the report has no <head> start tag")
        return
    probe_path = Path(out_dir) / "probe.html"
    probe_path.write_text(probe_text, encoding="utf-8")
    dom, err, error = run_chromium(
        chromium, ["--hide-scrollbars", f"--window-size={SCREENSHOT_SIZE[0]},{SCREENSHOT_SIZE[1]}",
                   "--enable-logging=stderr", "--v=0", "--dump-dom"],
        probe_path.as_uri(), out_dir, work, label="chromium --dump-dom")
    (Path(out_dir) / "probe-dom.html").write_text(dom, encoding="utf-8")
    (Path(out_dir) / "probe-chromium.log").write_text(err, encoding="utf-8")
    if error:
        failures.append(f"probe: {error} ({stderr_tail(err)})")

    # Every console message is a failure: the report has no scripts, and the probe logs nothing.
    for line in err.splitlines():
        if ":CONSOLE" not in line:
            continue
        msg = line.split("] ", 1)[-1].strip()
        where = ""
        m = re.search(r"source: (\S+) \((\d+)\)$", msg)
        if m:
            src_line = int(m.group(2))
            msg = msg[:m.start()].rstrip(", ")
            name = map_at_line(scanner.maps, src_line) if m.group(1) == probe_path.as_uri() else None
            where = f" (line {src_line}{', map ' + repr(name) if name else ''})"
        failures.append(f"console message{where}: {msg}")

    found = probe_result(dom, PROBE_ID)
    if found is None:
        failures.append(f"probe: no result in the dumped DOM (the page did not finish loading?) "
                        f"({stderr_tail(err)})")
        return
    try:
        r = json.loads(html.unescape(found))
    except ValueError as e:
        failures.append(f"probe: unreadable result: {e}")
        return
    if r.get("probeError"):
        failures.append(f"probe: the measuring script failed: {r['probeError']}")
    for e in r.get("errors", []):
        failures.append(f"page error: {e}")

    maps = r.get("maps", [])
    if not maps:
        failures.append("maps: the report has no svg.carereach-map")
    for m in maps:
        label = f"map {m['index']} {m['name']!r}" if m["name"] else f"map {m['index']} (no <title> or aria-label)"
        if not m["name"]:
            failures.append(f"{label}: no <title> or aria-label")
        for p in m["problems"]:
            failures.append(f"{label}: {p}")
    good = sum(1 for m in maps if not m["problems"])
    summary.append(f"maps: {len(maps)} checked, {good} with a drawing, legend, scale bar and north arrow "
                   f"({sum(m['drawn'] for m in maps)} shapes drawn in all)")

    for name in r.get("resources", []):
        failures.append(f"self-contained: the page loaded {name}")
    if r.get("imgCount"):
        failures.append(f"self-contained: the live document has {r['imgCount']} <img> element(s)")

    family = r.get("fontFamily", "")
    names = [f.strip().strip("'\"").lower() for f in family.split(",")]
    if FONT_FAMILY.lower() not in names:
        failures.append(f"font: body's computed font-family {family!r} does not name {FONT_FAMILY!r}")
    else:
        summary.append(f"font: body font-family {family}")

    # Shown text, then tooltips: a facility's name may appear only in the <title> of its map symbol.
    inner = r.get("innerText", "") + "\n" + r.get("textContent", "")
    collapsed = " ".join(inner.replace("\u00a0", " ").split())
    for expected in expect_texts:
        if expected not in inner and " ".join(expected.split()) not in collapsed:
            failures.append(f"text: {expected!r} does not occur as text in the page (innerText or textContent)")
    if expect_texts:
        summary.append(f"text: {len(expect_texts)} expected string(s) looked for in the rendered text")


def check_fonts_installed(failures):
    """The font must also be installed, or Chromium silently falls back (and may draw boxes for Chinese)."""
    if not shutil.which("fc-list"):
        return
    out = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True).stdout
    if FONT_FAMILY.lower() not in out.lower():
        failures.append(f"font: {FONT_FAMILY!r} is not installed (Debian package fonts-noto-cjk; "
                        "scripts/install-deps.sh)")


# --------------------------------------------------------------------------------------------------------------
# 2. Screenshot


def check_screenshot(chromium, report_uri, work, out_dir, failures, summary):
    target = Path(out_dir) / "report.png"
    # With --screenshot=PATH Chromium writes exactly PATH; a bare --screenshot writes screenshot.png in the
    # working directory. Either way it prints "<n> bytes written to file <path>" on stderr.
    _, err, error = run_chromium(
        chromium, ["--hide-scrollbars", f"--window-size={SCREENSHOT_SIZE[0]},{SCREENSHOT_SIZE[1]}",
                   f"--screenshot={target}"], report_uri, out_dir, work, label=f"chromium --screenshot={target}")
    reported = written_file(err)
    if not target.exists() and reported and Path(out_dir, reported).exists():
        shutil.move(str(Path(out_dir, reported)), target)
    if error or not target.exists():
        failures.append(f"screenshot: {error or 'no PNG written'} ({stderr_tail(err)})")
        return
    gdal, np = import_gdal_numpy()
    ds = gdal.Open(str(target))
    a = ds.ReadAsArray()
    if a.ndim == 2:  # grey
        a = a[np.newaxis]
    rgb = a[:3] if a.shape[0] >= 3 else np.repeat(a[:1], 3, axis=0)
    if a.shape[0] in (2, 4):  # transparent pixels count as white
        rgb = np.where(a[-1:] < 128, 255, rgb)
    rgb = rgb.astype(np.uint32)
    non_white = float(np.mean(rgb.min(axis=0) < 250))
    colours = len(np.unique((rgb[0] << 16) | (rgb[1] << 8) | rgb[2]))
    summary.append(f"screenshot: {ds.RasterXSize}×{ds.RasterYSize} px, {non_white:.1%} non-white, "
                   f"{colours} colours")
    if non_white <= 0.01:
        failures.append(f"screenshot: blank ({non_white:.2%} non-white pixels, need more than 1 %)")
    if colours <= 8:
        failures.append(f"screenshot: blank ({colours} distinct colours, need more than 8)")


# --------------------------------------------------------------------------------------------------------------
# 3. Print

# Characters Chromium's PDF text layer and pdftotext may give differently from the HTML: NFKC folds ligatures
# (ﬁ → fi), full-width forms and no-break/thin spaces; the minus sign and hyphens are mapped to "-"; then every
# space, control and format character (soft hyphen, zero-width space) is dropped.
_DASHES = str.maketrans({"\u2212": "-", "\u2010": "-", "\u2011": "-", "\u00ad": ""})


def squash(text):
    text = unicodedata.normalize("NFKC", text).translate(_DASHES)
    return "".join(c for c in text if not c.isspace() and unicodedata.category(c)[0] not in "ZC")


def check_page_one(pdf, scanner, raw, failures, summary):
    """Page 1 printed is not metadata only: every headline sentence and every headline bar's label of the source is
    on it (a report without a headline summary, e.g. compare.html, is not held to it)."""
    sentences = [squash(html.unescape(re.sub(r"<[^>]*>", "", m)))
                 for m in re.findall(r'<li class="headline-sentence">(.*?)</li>', scanner.source, re.S)]
    block = re.search(r'<div class="headlines">(.*?)\n</div>', scanner.source, re.S)
    labels = [squash(html.unescape(m)) for m in re.findall(r'<span class="label">(.*?)</span>', block.group(1))] \
        if block else []
    if not sentences and not labels:
        return
    layout = pdf_page_texts(pdf, 1, raw=False)[0]
    missing = [t for t in sentences + labels if t and t not in raw[0] and t not in layout]
    for t in missing:
        failures.append(f"print: page 1 lacks the headline text {t[:60]!r}")
    summary.append(f"page 1: {len(sentences)} headline sentence(s) and {len(labels)} bar(s) looked for, "
                   f"{len(sentences) + len(labels) - len(missing)} found")


def pdf_page_sizes(pdf):
    out = subprocess.run(["pdfinfo", "-f", "1", "-l", "100000", str(pdf)], capture_output=True, text=True)
    if out.returncode != 0:
        return None, out.stderr.strip()
    sizes = [(int(n), float(w), float(h)) for n, w, h in
             re.findall(r"^Page\s+(\d+) size:\s+([\d.]+) x ([\d.]+) pts", out.stdout, re.M)]
    return sizes, None


def pdf_page_texts(pdf, pages, raw):
    """The squashed text of each page. -raw keeps the order of the PDF content stream, which for Chromium is the
    paint order: the cells of a table row come one after another, as in the HTML. The default (physical layout)
    order instead rebuilds lines from positions and may put a right-aligned number, or a header cell that wraps,
    away from the rest of its row; it is only the second try for a row -raw did not find."""
    texts = []
    for n in range(1, pages + 1):
        cmd = ["pdftotext", "-enc", "UTF-8", "-f", str(n), "-l", str(n)] + (["-raw"] if raw else []) + [str(pdf), "-"]
        out = subprocess.run(cmd, capture_output=True)
        texts.append(squash(out.stdout.decode("utf-8", "replace")))
    return texts


def split_hint(key, pages):
    """Where a row that is on no single page starts: the pages holding the longest start of its text. (Where the
    rest went is not told reliably: its pieces, such as a repeated type or number, may occur in other rows.)"""
    lo, hi = 0, len(key)  # binary search for the longest prefix found on some page (containment is monotonic)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        lo, hi = (mid, hi) if any(key[:mid] in p for p in pages) else (lo, mid - 1)
    if lo < 2:
        return " (its text is not in the PDF: hidden in print, or changed?)"
    where = [str(i + 1) for i, p in enumerate(pages) if key[:lo] in p]
    return (f" (only its first {lo} of {len(key)} characters, spaces left out, are together, on page "
            f"{', '.join(where[:3])}: cut by a page break?)")


def check_print(chromium, report_uri, scanner, work, out_dir, failures, summary):
    for tool in ("pdfinfo", "pdftotext"):
        if not shutil.which(tool):
            failures.append(f"print: {tool} not found (Debian package poppler-utils)")
            return
    pdf = Path(out_dir) / "report.pdf"
    _, err, error = run_chromium(chromium, ["--no-pdf-header-footer", f"--print-to-pdf={pdf}"],
                                 report_uri, out_dir, work, label=f"chromium --print-to-pdf={pdf}")
    if error or not pdf.exists():
        failures.append(f"print: {error or 'no PDF written'} ({stderr_tail(err)})")
        return

    sizes, error = pdf_page_sizes(pdf)
    if not sizes:
        failures.append(f"print: pdfinfo could not read {pdf}: {error}")
        return
    wrong = {}  # (w, h) -> pages of that size that is not A4 (portrait or landscape)
    landscape_pages = 0
    for n, w, h in sizes:
        portrait = abs(w - A4_PT[0]) <= A4_TOLERANCE_PT and abs(h - A4_PT[1]) <= A4_TOLERANCE_PT
        landscape = abs(w - A4_PT[1]) <= A4_TOLERANCE_PT and abs(h - A4_PT[0]) <= A4_TOLERANCE_PT
        landscape_pages += landscape
        if not (portrait or landscape):
            wrong.setdefault((w, h), []).append(n)
    for (w, h), numbers in wrong.items():
        which = f"page {numbers[0]}" if len(numbers) == 1 else f"{len(numbers)} pages ({numbers[0]}–{numbers[-1]})"
        failures.append(f"print: {which} {w:g} × {h:g} pt, not A4 (595 × 842 pt ± {A4_TOLERANCE_PT:g}, either way)")
    pages = len(sizes)

    raw = pdf_page_texts(pdf, pages, raw=True)
    summary.append(f"print: {pages} A4 page(s), {landscape_pages} of them landscape")
    if not any(raw):
        failures.append("print: the PDF has no text (is the report hidden in print?); its tables not checked")
        return
    check_page_one(pdf, scanner, raw, failures, summary)
    layout = None  # read only when needed
    nrows = 0
    for t_index, table in enumerate(scanner.tables, 1):
        label = f"table #{table['id']}" if table["id"] else f"table {t_index}"
        if table["caption"]:
            label += f" {table['caption']!r}"
        for r_index, row in enumerate(table["rows"], 1):
            key = squash("".join(row["cells"]))
            if not key:
                continue
            nrows += 1
            if any(key in page for page in raw):
                continue
            if layout is None:
                layout = pdf_page_texts(pdf, pages, raw=False)
            if any(key in page for page in layout):
                continue
            shown = " | ".join(" ".join(c.split()) for c in row["cells"])
            if len(shown) > 100:
                shown = shown[:99] + "…"
            hint = split_hint(key, raw)
            failures.append(f"{label}, body row {r_index} (source line {row['line']}): [{shown}] is not "
                            f"whole on any one PDF page{hint}")
    summary.append(f"tables: {len(scanner.tables)} report tables, {nrows} body rows, each looked for whole on "
                   f"one page")


# --------------------------------------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Needs chromium, poppler-utils (pdfinfo, pdftotext), fonts-noto-cjk, python3-gdal and "
               "python3-numpy. Each Chromium run is limited to %d s." % CHROMIUM_TIMEOUT_S)
    parser.add_argument("report", metavar="REPORT.html", help="the report to check")
    parser.add_argument("--out", metavar="DIR",
                        help="write report.png, report.pdf and the probe's files (probe.html, probe-dom.html, "
                             "probe-chromium.log) here and keep them (default: a temporary directory, removed)")
    parser.add_argument("--expect-text", metavar="TEXT", nargs="+", action="extend", default=[],
                        help="text that must occur in the rendered page, e.g. a facility name with markup in it "
                             "that must show as text (one or more; give REPORT.html first)")
    parser.add_argument("--chromium", metavar="PATH", default=os.environ.get("CHROMIUM"),
                        help="the Chromium binary (default: $CHROMIUM, else chromium, chromium-browser or "
                             "google-chrome from PATH)")
    args = parser.parse_args()

    report = Path(args.report).resolve()
    if not report.is_file():
        print(f"FAIL: {args.report}: no such file")
        return 1
    import_gdal_numpy()  # fail (or switch interpreter) before doing any work
    chromium = find_chromium(args.chromium)
    if not chromium:
        print(f"FAIL: chromium not found ({args.chromium or ', '.join(CHROMIUM_NAMES)}): {INSTALL_HINT}")
        return 1

    failures, summary = [], []
    try:
        text = report.read_bytes().decode("utf-8")
    except UnicodeDecodeError as e:
        print(f"FAIL: {report} is not UTF-8: {e}")
        return 1
    if text.startswith("\ufeff"):
        text = text[1:]

    work = tempfile.mkdtemp(prefix="carereach-report-check-")
    out_dir = Path(args.out).resolve() if args.out else Path(work) / "out"
    out_dir.mkdir(parents=True, exist_ok=True)
    try:
        scanner = check_source(text, failures)
        check_fonts_installed(failures)
        run_probe(chromium, text, scanner, work, out_dir, args.expect_text, failures, summary)
        # The screenshot and the PDF are taken of the report itself. One that runs code (already a failure) is
        # taken from a copy whose only change is HEAD_PROBE, so that an alert() cannot stall Chromium.
        uri = report.as_uri()
        if scanner.scripted and make_probe_copy(text, measure=False):
            guarded = out_dir / "guarded.html"
            guarded.write_text(make_probe_copy(text, measure=False), encoding="utf-8")
            uri = guarded.as_uri()
            summary.append("the report runs code: screenshot and PDF taken of guarded.html (dialogs disabled)")
        check_screenshot(chromium, uri, work, out_dir, failures, summary)
        check_print(chromium, uri, scanner, work, out_dir, failures, summary)
    finally:
        shutil.rmtree(work, ignore_errors=True)  # --out is outside it and stays

    print(f"checked {report}")
    for line in summary:
        print(f"  {line}")
    if args.out:
        print(f"  files kept in {out_dir}")
    for f in failures:
        print(f"FAIL: {f}")
    print(f"{len(failures)} failure(s)" if failures else "all checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
