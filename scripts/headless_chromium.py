"""Helpers for the scripts that load a carereach report in headless Chromium (standard library only).

Used by scripts/report_screenshots.py and tests/report/check_report_in_browser.py. It offers:

  find_chromium(explicit)     the Chromium binary: `explicit` if it is on PATH or a path, else the first of
                              CHROMIUM_NAMES on PATH; None when there is none
  run_chromium(...)           one headless Chromium run in a fresh profile and its own process group, killed
                              after CHROMIUM_TIMEOUT_S; returns (stdout, stderr, error or None)
  reexec_with_system_python(script)
                              for a failed `from osgeo import gdal`: runs the script again with /usr/bin/python3
                              (Debian's python3-gdal is built for the system interpreter only)
  inject(text, ...)           a copy of a report with scripts or styles inserted first and last in <head> and at
                              the end of <body>
  probe_script(js, pre_id)    a <script> that runs `js` on the load event and writes its result `r` as JSON into
                              <pre id="pre_id">, for Chromium's --dump-dom to print
  probe_result(dom, pre_id)   that JSON text, found in the dumped DOM
"""

import html
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile

CHROMIUM_TIMEOUT_S = 120
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
SYSTEM_PYTHON = "/usr/bin/python3"


def find_chromium(explicit):
    """The Chromium binary: `explicit` (a name or a path) when given and found, else the first of CHROMIUM_NAMES
    on PATH; None when there is none."""
    if explicit:
        return explicit if shutil.which(explicit) else None
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


def run_chromium(chromium, args, url, cwd, profile_root=None, label="chromium"):
    """Runs headless Chromium once with `args` on `url`, in the working directory `cwd`, in its own fresh profile
    (a temporary directory in profile_root, default cwd; so several runs can go at once) and in its own process
    group, which is killed whole after CHROMIUM_TIMEOUT_S. Returns (stdout, stderr, error or None); the error
    starts with `label` ("<label> timed out after 120 s", "<label> exited with status 1")."""
    profile = tempfile.mkdtemp(prefix="profile-", dir=cwd if profile_root is None else profile_root)
    cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={profile}", *args, url]
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=CHROMIUM_TIMEOUT_S)
        error = None if proc.returncode == 0 else f"{label} exited with status {proc.returncode}"
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        out, err = proc.communicate()
        error = f"{label} timed out after {CHROMIUM_TIMEOUT_S} s"
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return out.decode("utf-8", "replace"), err.decode("utf-8", "replace"), error


def reexec_with_system_python(script):
    """Call when importing osgeo (python3-gdal) failed. Debian's python3-gdal is built for the system interpreter
    only: when another python3 comes first in PATH (a virtualenv, pyenv), this runs `script` (the caller's
    __file__) again with /usr/bin/python3 and the same arguments, and does not return. It returns (for the caller
    to fail) when there is no /usr/bin/python3, when this already is it, or when this run is such a re-run
    (CAREREACH_NO_REEXEC is set)."""
    if (os.path.exists(SYSTEM_PYTHON) and os.path.realpath(sys.executable) != os.path.realpath(SYSTEM_PYTHON)
            and not os.environ.get("CAREREACH_NO_REEXEC")):
        os.environ["CAREREACH_NO_REEXEC"] = "1"
        sys.stdout.flush()
        os.execv(SYSTEM_PYTHON, [SYSTEM_PYTHON, os.path.abspath(script)] + sys.argv[1:])


def inject(text, head_first="", head_last="", body_end=""):
    """A copy of the report text with head_first right after the <head> start tag, head_last before </head> (so
    it comes after the report's own <style>; right after head_first when there is no </head>) and body_end
    before the last </body> (at the end when there is none). None when there is no <head> start tag. The copy
    starts with a UTF-8 byte order mark, which keeps the decoding UTF-8 however far the inserted text pushes
    <meta charset> beyond the first 1024 bytes."""
    m = re.search(r"<head\b[^>]*>", text, re.I)
    if not m:
        return None
    head_end = text.lower().find("</head>", m.end())
    if head_end < 0:
        text = text[:m.end()] + head_first + head_last + text[m.end():]
    else:
        text = text[:m.end()] + head_first + text[m.end():head_end] + head_last + text[head_end:]
    end = text.lower().rfind("</body>")
    text = text + body_end if end < 0 else text[:end] + body_end + text[end:]
    return "\ufeff" + text


# The end of every probe: the result r as JSON, escaped to ASCII without < > & so that the serialised DOM carries
# it unchanged, in a <pre> appended to <body>.
_PROBE_OUTPUT = r"""  var pre = document.createElement('pre');
  pre.id = '%s';
  pre.textContent = JSON.stringify(r).replace(/[<>&\u007f-\uffff]/g, function (c) {
    return '\\u' + ('000' + c.charCodeAt(0).toString(16)).slice(-4);
  });
  document.body.appendChild(pre);
});
</script>
"""


def probe_script(js, pre_id):
    """A <script> for the end of <body> that, on the load event (when layout is done and every resource has
    loaded or failed), runs `js` (lines of statements, in strict mode, that set a variable r; starting and
    ending with a newline) and writes r as JSON into <pre id="pre_id">, which Chromium's --dump-dom then prints
    (read it back with probe_result). `js` must not hold "</script>"; pre_id is a plain id (letters, digits,
    "-", "_")."""
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", pre_id):
        raise ValueError(f"not a plain id: {pre_id!r}")
    return "<script>\nwindow.addEventListener('load', function () {\n  'use strict';" + js + _PROBE_OUTPUT % pre_id


def probe_result(dom, pre_id):
    """The text of the last <pre id="pre_id"> in the DOM Chromium dumped (the probe's JSON), or None when there
    is none (the page did not finish loading, or the probe did not run)."""
    start = dom.rfind(f'<pre id="{pre_id}">')
    if start < 0:
        return None
    start += len(f'<pre id="{pre_id}">')
    return dom[start:dom.find("</pre>", start)]


def run_offline_probe(chromium, text, head_first, body_end, probe_id, work):
    """Loads the page `text` with the probe scripts injected into headless Chromium, every host name unresolvable,
    and returns the probe's result (a dict; {} when there is none) and the failures every offline page check shares:
    Chromium's own error, any console message, no probe result, the probe's error, the page's script or load errors
    and every resource it fetched."""
    probe_path = work / "probe.html"
    probe_path.write_text(inject(text, head_first=head_first, body_end=body_end), encoding="utf-8")
    dom, err, error = run_chromium(
        chromium, ["--window-size=1280,900", "--enable-logging=stderr", "--v=0", "--dump-dom",
                   "--host-resolver-rules=MAP * ~NOTFOUND"], probe_path.as_uri(), work, label="chromium --dump-dom")
    failures = [error] if error else []
    for line in err.splitlines():
        if ":CONSOLE" in line:
            failures.append("console message: " + line.split("] ", 1)[-1].strip())
    found = probe_result(dom, probe_id)
    if found is None:
        failures.append("no probe result in the dumped DOM")
        r = {}
    else:
        r = json.loads(html.unescape(found))
    if r.get("probeError"):
        failures.append("probe failed: " + r["probeError"])
    for e in r.get("errors", []):
        failures.append("page error: " + e)
    for name in r.get("resources", []):
        failures.append("the page loaded " + name)
    return r, failures
