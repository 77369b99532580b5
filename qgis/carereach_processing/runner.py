"""Running the carereach executable: finding it, reading its progress, stopping it, explaining its exit code.

Pure Python (no QGIS import), so that it can be tested with any python3 (tests/qgis/test_runner.py).

The command line draws its progress (a step's label, a bar with a percentage, the step's time) on stderr only when
stderr is a terminal. On POSIX the tool's stderr is therefore a pseudo-terminal, and what it draws there is parsed
into events (ProgressParser); elsewhere stderr is a pipe and only its messages arrive.
"""

import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time

# docs/exit-codes.md: the code, its name, what it means and what to do.
EXIT_CODES = {
    1: ("internal", "an unexpected failure inside carereach (a bug, or out of memory)",
        "report it with the command and the scenario"),
    2: ("usage", "the command line is wrong",
        "check the algorithm's parameters (see docs/cli/ for each option)"),
    3: ("scenario", "the scenario file is wrong",
        "correct the key the message names (docs/scenario.md)"),
    4: ("input", "an input dataset is wrong",
        "correct the file, layer, row or field the message names"),
    5: ("crs", "a coordinate reference system is missing, unknown or unsuitable",
        "declare crs = \"…\" on the source, or use analysis.crs = \"auto\""),
    6: ("output", "the output cannot be written, or may not be replaced",
        "choose another output folder, or tick 'Replace an earlier carereach output' (docs/output-folders.md)"),
    129: ("interrupted", "carereach was stopped (SIGHUP)", "nothing to repair: the unfinished output was removed"),
    130: ("interrupted", "carereach was stopped (Ctrl-C)", "nothing to repair: the unfinished output was removed"),
    143: ("interrupted", "carereach was stopped (SIGTERM)", "nothing to repair: the unfinished output was removed"),
}

EXECUTABLE_ENV = "CAREREACH_EXECUTABLE"


class ToolNotFound(Exception):
    pass


class ToolFailed(Exception):
    """carereach ended with a non-zero exit code; str() is the message for the user."""

    def __init__(self, command, code, messages):
        self.command = command
        self.code = code
        self.messages = list(messages)
        super().__init__(failure_message(command, code, self.messages))


def find_executable(configured="", environ=None, path=None):
    """The carereach executable: the configured path (provider setting), else $CAREREACH_EXECUTABLE, else PATH.

    Raises ToolNotFound with what was tried and how to fix it."""
    environ = os.environ if environ is None else environ
    tried = []
    for origin, candidate in (("the provider setting 'carereach executable'", configured or ""),
                              ("the environment variable " + EXECUTABLE_ENV, environ.get(EXECUTABLE_ENV, ""))):
        candidate = candidate.strip()
        if not candidate:
            continue
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
        tried.append(f"{origin} names '{candidate}', which is not an executable file")
    found = shutil.which("carereach", path=path if path is not None else environ.get("PATH", os.defpath))
    if found:
        return found
    tried.append("no 'carereach' on the PATH")
    raise ToolNotFound("the carereach executable was not found: " + "; ".join(tried) +
                       ". Install carereach, or set its path in Processing ▸ Options ▸ Providers ▸ carereach "
                       "▸ carereach executable (docs/qgis.md)")


def failure_message(command, code, messages):
    """The message for a failed command: what the exit code means, the tool's own error lines, what to do."""
    if code < 0:
        head = f"carereach {command} was stopped by signal {-code}"
        hint = ""
    else:
        name, meaning, hint = EXIT_CODES.get(code, ("unknown", "an exit code carereach does not document", ""))
        head = f"carereach {command} failed with exit code {code} ({name}: {meaning})"
    lines = [head]
    if messages:
        lines.append("")
        lines.extend(messages)
    if hint:
        lines.append("")
        lines.append("What to do: " + hint)
    return "\n".join(lines)


# --- what the tool prints -----------------------------------------------------------------------------------------

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_BAR = re.compile(r"^(?P<label>.*?) \[[# ]*\] (?P<percent>\d{1,3})%$")
_DONE = re.compile(r"^(?P<label>.*?) … (?P<seconds>\d+(?:\.\d+)?) s$")
_START = re.compile(r"^(?P<label>.*?) …$")


def classify(segment):
    """One piece of terminal output (between carriage returns / line ends) as an event tuple:
    ("step", label), ("progress", label, percent), ("done", label, seconds), ("message", text), or None for
    nothing worth showing."""
    text = _ANSI.sub("", segment).rstrip()
    if not text.strip():
        return None
    m = _BAR.match(text)
    if m:
        return ("progress", m.group("label"), min(100, int(m.group("percent"))))
    m = _DONE.match(text)
    if m:
        return ("done", m.group("label"), float(m.group("seconds")))
    # A step that starts inside another is drawn straight after it: "cell connectors (walk) …cell connectors …".
    if text.endswith(" …"):
        parts = [p for p in text.split(" …") if p.strip()]
        if parts and "\n" not in text:
            return ("step", parts[-1].strip())
    return ("message", text)


def _starts(text):
    """The labels of the steps started in a piece, outer first: "a (walk) …b …" → ["a (walk)", "b"]."""
    return [p.strip() for p in _ANSI.sub("", text).rstrip().split(" …") if p.strip()]


class ProgressParser:
    """Turns the text the tool writes to its terminal into events, keeping an unfinished piece until it ends.

    A piece ends at a line end (a message, or a finished step) or a carriage return (the bar is redrawn). A step's
    start ("label …") is written without a line end, so it is reported as soon as it is read, once; a step started
    inside another is written straight after it ("cell connectors (walk) …cell connectors …") and reported too."""

    def __init__(self):
        self._pending = ""
        self._reported = []  # the starts of the pending piece already reported

    def feed(self, text):
        events = []
        self._pending += text
        while True:
            cut = min((i for i in (self._pending.find("\r"), self._pending.find("\n")) if i >= 0), default=-1)
            if cut < 0:
                break
            piece, self._pending = self._pending[:cut], self._pending[cut + 1:]
            events.extend(self._piece(piece, finished=True))
        if self._pending:
            events.extend(self._piece(self._pending, finished=False))
        return events

    def close(self):
        piece, self._pending = self._pending, ""
        return self._piece(piece, finished=True)

    def _piece(self, piece, finished):
        # A piece that begins by clearing the line is a step's end being written ("\x1b[Klabel … 0.03 s").
        if not finished and piece.startswith("\x1b[K"):
            return []
        event = classify(piece)
        if event is None:
            return []
        if event[0] == "step":
            labels = _starts(piece)
            done = len(self._reported) if labels[:len(self._reported)] == self._reported else 0
            self._reported = [] if finished else labels
            return [("step", label) for label in labels[done:]]
        self._reported = []
        if not finished:
            return []
        return [event]


def error_messages(lines):
    """The tool's error lines ("error: …", in a Chinese run "错误：…") with the indented lines that follow each (hint,
    did you mean)."""
    out = []
    keep = False
    for line in lines:
        if line.startswith(("error:", "错误：")):
            keep = True
            out.append(line)
        elif keep and line.startswith((" ", "\t")) and line.strip():
            out.append(line)
        else:
            keep = False
    return out


# --- running ------------------------------------------------------------------------------------------------------

def _pty_reader(fd, q, exited):
    """Reads the pseudo-terminal until the tool has exited and nothing more arrives. The parent keeps its side of
    the terminal open meanwhile, so what the tool wrote last (its error message) is read before the terminal
    closes, rather than depending on how the system reports a terminal whose other side closed."""
    import select
    try:
        while True:
            ready, _, _ = select.select([fd], [], [], 0.1)
            if not ready:
                if exited.is_set():
                    break
                continue
            try:
                data = os.read(fd, 65536)
            except OSError:
                break
            if not data:
                break
            q.put(("stderr", data))
    finally:
        q.put(("stderr", None))


def _reader(stream_name, fd, q):
    """Reads a file descriptor until it ends; a pseudo-terminal whose other side closed raises EIO, also an end."""
    try:
        while True:
            try:
                data = os.read(fd, 65536)
            except OSError:
                break
            if not data:
                break
            q.put((stream_name, data))
    finally:
        q.put((stream_name, None))


def run_tool(argv, on_event=None, is_canceled=None, env=None, cwd=None, terminate_wait_s=10.0):
    """Runs argv (the executable first), calling on_event(stream, event) for every event of its output:
    stream "stdout" gives ("message", line) per line, "stderr" the events of ProgressParser. is_canceled() is
    polled every 0.1 s: when it turns true the tool gets SIGTERM (it removes its unfinished output and exits 143)
    and, if still running after terminate_wait_s, SIGKILL.

    Returns (exit code, stdout lines, stderr message lines, canceled). The exit code is negative when a signal
    ended the tool without its own handling (as subprocess reports it)."""
    on_event = on_event or (lambda stream, event: None)
    is_canceled = is_canceled or (lambda: False)
    run_env = dict(os.environ if env is None else env)
    run_env.setdefault("LC_ALL", "C.UTF-8")
    use_pty = os.name == "posix"
    master = slave = None
    if use_pty:
        import pty
        import termios
        master, slave = pty.openpty()
        # No "\n" → "\r\n" on the way out: the parser sees the line ends the tool wrote.
        attrs = termios.tcgetattr(slave)
        attrs[1] &= ~termios.ONLCR
        termios.tcsetattr(slave, termios.TCSANOW, attrs)
    try:
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=slave if use_pty else subprocess.PIPE, env=run_env, cwd=cwd,
                                start_new_session=use_pty,
                                # Windows: no console window for the tool.
                                creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0) if os.name == "nt" else 0)
    except OSError as e:
        if use_pty:
            os.close(master)
            os.close(slave)
        raise ToolNotFound(f"carereach could not be started ({argv[0]}): {e}") from e
    q = queue.Queue()
    exited = threading.Event()
    threads = [threading.Thread(target=_reader, args=("stdout", proc.stdout.fileno(), q), daemon=True),
               threading.Thread(target=_pty_reader, args=(master, q, exited), daemon=True) if use_pty else
               threading.Thread(target=_reader, args=("stderr", proc.stderr.fileno(), q), daemon=True)]
    for t in threads:
        t.start()

    stdout_lines, stderr_messages = [], []
    out_pending = ""
    err_parser = ProgressParser()
    decoders = {"stdout": _decoder(), "stderr": _decoder()}
    open_streams = 2
    canceled = False
    kill_at = None

    def handle(stream, events):
        for event in events:
            if event[0] == "message":
                (stdout_lines if stream == "stdout" else stderr_messages).append(event[1])
            on_event(stream, event)

    while open_streams:
        if not canceled and is_canceled():
            canceled = True
            _signal(proc, signal.SIGTERM if os.name == "posix" else None)
            kill_at = time.monotonic() + terminate_wait_s
        if kill_at is not None and time.monotonic() > kill_at and proc.poll() is None:
            _signal(proc, signal.SIGKILL if os.name == "posix" else None)
            kill_at = None
        if not exited.is_set() and proc.poll() is not None:
            exited.set()
        try:
            stream, data = q.get(timeout=0.1)
        except queue.Empty:
            continue
        if data is None:
            open_streams -= 1
            text = decoders[stream].decode(b"", final=True)
        else:
            text = decoders[stream].decode(data)
        if stream == "stdout":
            out_pending += text
            *lines, out_pending = out_pending.split("\n")
            if data is None and out_pending:
                lines.append(out_pending)
                out_pending = ""
            handle(stream, [("message", _ANSI.sub("", l).rstrip("\r")) for l in lines if l.strip()])
        else:
            handle(stream, err_parser.feed(text))
            if data is None:
                handle(stream, err_parser.close())
    code = proc.wait()
    for t in threads:
        t.join(timeout=1)
    if use_pty:
        os.close(master)
        os.close(slave)
    else:
        proc.stderr.close()
    proc.stdout.close()
    return code, stdout_lines, stderr_messages, canceled


def _decoder():
    import codecs
    return codecs.getincrementaldecoder("utf-8")(errors="replace")


def _signal(proc, sig):
    if proc.poll() is not None:
        return
    try:
        if sig is None:
            proc.terminate()
        else:
            # The tool runs in its own session: signal it alone, as Ctrl-C would.
            proc.send_signal(sig)
    except OSError:
        pass


def check_result(command, code, stdout_lines, stderr_messages, canceled):
    """Raises ToolFailed (with the tool's error lines) unless the exit code is 0."""
    if code == 0 and not canceled:
        return
    messages = error_messages(stderr_messages) or error_messages(stdout_lines)
    if not messages:
        messages = stderr_messages[-10:]
    if canceled:
        messages = ["cancelled: carereach was stopped; an unfinished output folder is removed by carereach itself"] \
            + messages
    raise ToolFailed(command, code, messages)


if __name__ == "__main__":  # pragma: no cover - a manual check: python3 runner.py carereach validate s.toml
    rc, out, err, _ = run_tool(sys.argv[1:], on_event=lambda s, e: print(s, e))
    print("exit", rc)
