"""Measure launch → window shown for the desktop app, in fresh processes.

Each run starts ``meeting-recorder`` (the console script users run) with
``MEETING_RECORDER_STARTUP_STAMP=FILE``; at its first paint the window writes the time and
the heavy modules imported by then. The run's time is that stamp minus the moment just
before the process was started. Then the app gets SIGINT (as Ctrl+C in a terminal) and
must exit with code 0.

    .venv/bin/python scripts/measure_startup.py -n 7                 # offscreen
    .venv/bin/python scripts/measure_startup.py -n 7 --xvfb          # a real X server (xcb)

PASS when the median is within the limit (default 1.5 s) and torch/pyannote/faster-whisper
were not imported before the window showed, in every run. Each run gets a fresh settings
folder (MEETING_RECORDER_HOME), so no saved window state or recovery work is involved.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from meeting_recorder.ui.app import STARTUP_STAMP_ENV  # noqa: E402  (light: Qt core only)

APP = Path(sys.executable).parent / "meeting-recorder"
MUST_NOT_BE_LOADED = ("torch", "pyannote.audio", "faster_whisper", "ctranslate2")


@contextmanager
def xvfb(enabled: bool) -> Iterator[dict[str, str]]:
    """Environment for the app: a private Xvfb display (xcb), or the offscreen platform."""
    if not enabled:
        yield {"QT_QPA_PLATFORM": "offscreen"}
        return
    display = f":{90 + os.getpid() % 100}"
    server = subprocess.Popen(["Xvfb", display, "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        socket = Path(f"/tmp/.X11-unix/X{display[1:]}")
        deadline = time.monotonic() + 10
        while not socket.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        yield {"QT_QPA_PLATFORM": "xcb", "DISPLAY": display}
    finally:
        server.terminate()
        server.wait(timeout=10)


def command() -> list[str]:
    if APP.exists():
        return [str(APP)]
    return [sys.executable, "-c", "import sys; from meeting_recorder.cli import main; sys.exit(main([]))"]


def one_run(extra_env: dict[str, str], timeout: float) -> dict:
    with tempfile.TemporaryDirectory(prefix="mr-startup-") as folder:
        stamp = Path(folder) / "shown.json"
        env = {**os.environ, **extra_env, "MEETING_RECORDER_HOME": str(Path(folder) / "home"),
               STARTUP_STAMP_ENV: str(stamp)}
        started = time.time()
        process = subprocess.Popen(command(), env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + timeout
        while not stamp.exists() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        time.sleep(0.05)  # let the writer finish the file
        shown = json.loads(stamp.read_text()) if stamp.exists() else None
        if process.poll() is None:
            process.send_signal(signal.SIGINT)  # Ctrl+C: the app closes its window and exits
        try:
            code = process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            code = process.wait()
        errors = process.stderr.read().decode(errors="replace") if process.stderr else ""
    if shown is None:
        return {"ok": False, "error": f"no window within {timeout:.0f} s (exit {code}): {errors[-500:]}"}
    return {"ok": code == 0, "seconds": shown["shown"] - started, "heavy": shown["heavy"], "exit": code,
            "error": "" if code == 0 else errors[-500:]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", "--runs", type=int, default=5)
    parser.add_argument("--limit", type=float, default=1.5, help="seconds allowed for the median run")
    parser.add_argument("--xvfb", action="store_true", help="a real X server (Xvfb) instead of offscreen")
    parser.add_argument("--timeout", type=float, default=60)
    args = parser.parse_args()
    if args.xvfb and not shutil.which("Xvfb"):
        parser.error("Xvfb is not installed")

    times: list[float] = []
    failures: list[str] = []
    with xvfb(args.xvfb) as extra_env:
        for index in range(1, args.runs + 1):
            run = one_run(extra_env, args.timeout)
            if "seconds" in run:
                times.append(run["seconds"])
            heavy = [m for m in run.get("heavy", []) if m in MUST_NOT_BE_LOADED]
            if heavy:
                failures.append(f"run {index}: {', '.join(heavy)} imported before the window showed")
            if not run["ok"]:
                failures.append(f"run {index}: {run['error'] or 'exit ' + str(run.get('exit'))}")
            shown = f"{run['seconds']:.3f} s" if "seconds" in run else "—"
            print(f"run {index}: shown after {shown}, heavy modules loaded by then: {run.get('heavy') or 'none'}, "
                  f"exit {run.get('exit', '?')}", flush=True)
    platform = "xcb (Xvfb)" if args.xvfb else "offscreen"
    if not times:
        print(f"FAIL: the window never showed ({platform})")
        return 1
    median, worst = statistics.median(times), max(times)
    passed = median <= args.limit and not failures
    print(f"{platform}, {len(times)} runs: median {median:.3f} s, max {worst:.3f} s, min {min(times):.3f} s "
          f"(limit {args.limit:.1f} s for the median)")
    for failure in failures:
        print("  " + failure)
    print("PASS" if passed else "FAIL")
    return 0 if passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
