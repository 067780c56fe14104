#!/usr/bin/env python3
"""Crash drill: kill -9 live recordings at random moments, recover them, count what was lost.

Usage::

    .venv/bin/python scripts/crash_drill.py                      # 20 kills at real time, ~5 min on 2 cores
    .venv/bin/python scripts/crash_drill.py --runs 5 --speed 4   # a quick look

Each run starts ``meeting-recorder record --from-file SPEECH --speed S --out RUN_DIR`` (the
real CLI in its own process, speaker labels on by default as in the app), waits for its
``Recording to <path>`` line, lets it record for a random moment of ``--min``..``--max``
seconds of audio, kills it with SIGKILL, then runs ``meeting-recorder recover RUN_DIR``.

A run counts as recovered when ``recover`` succeeds, the ``.wav`` holds exactly the first
samples of the speech that was played (sample for sample), its transcript (JSON) holds every
segment the journal had on disk at the kill, and nothing is left behind (no ``.partial``,
journal or temp file). Seconds lost = seconds fed before the kill − seconds in the ``.wav``
(never below 0). Seconds fed = (kill − arrival of the ``Recording to`` line) × speed + one
0.1 s block (a FileSource sends its first block at once, then one block per 0.1 s / speed);
the line is printed right after the source starts, so this errs by the few milliseconds the
line takes to arrive. Design goal: < 1 s lost (blocks are appended as they come; the header
is refreshed every 0.5 s and ``recover`` rebuilds it from the file's size anyway).

The speech (two espeak-ng voices, ``tests/conversations.py``) is made at run time in a
temporary folder, which is removed at the end (``--keep`` keeps it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BLOCK_SECONDS = 0.1  # meeting_recorder.core.sources.BLOCK_SECONDS: a FileSource's block
GOAL_SECONDS_LOST = 1.0
LINE_TIMEOUT = 120.0  # start-up on a busy 2-core machine


@dataclass(frozen=True)
class DrillResult:
    run: int
    fed: float  # seconds of audio played into the recorder before the kill
    saved: float  # seconds in the recovered .wav
    exact: bool  # the .wav is the first samples of the speech, sample for sample
    journal_segments: int  # on disk when it was killed
    exported_segments: int  # in the recovered JSON transcript
    problem: str  # "" when recovered

    @property
    def lost(self) -> float:
        return max(0.0, self.fed - self.saved)

    @property
    def recovered(self) -> bool:
        return not self.problem


@dataclass
class Recording:
    process: subprocess.Popen
    partial: Path
    started: float  # monotonic time the "Recording to" line arrived
    speed: float
    output: list[str]  # the CLI's stdout lines, drained by a thread (a full pipe would stall it)


def make_speech(folder: Path, seconds: float, seed: int = 7) -> Path:
    """A two-voice espeak-ng conversation (16 kHz mono WAV) of about ``seconds``."""
    from tests.conversations import make_conversation

    return make_conversation(folder / "speech.wav", "AB", seconds, seed=seed).path


def start_recording(source: Path, out_dir: Path, speed: float, speakers: str = "on",
                    model: str = "tiny.en") -> Recording:
    """The real CLI recording ``source`` as if live; returns once its recording has started."""
    command = [sys.executable, "-m", "meeting_recorder", "record", "--from-file", str(source),
               "--speed", str(speed), "--out", str(out_dir), "--speakers", speakers, "--model", model]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                               start_new_session=True)  # a Ctrl+C of the drill does not reach it
    output: list[str] = []
    first_line = threading.Event()

    def drain() -> None:
        for line in process.stdout:
            output.append(line.rstrip("\n"))
            first_line.set()
        first_line.set()

    threading.Thread(target=drain, name="drill-stdout", daemon=True).start()
    if not first_line.wait(LINE_TIMEOUT) or not output or not output[0].startswith("Recording to "):
        process.kill()
        process.wait()
        raise RuntimeError(f"the recorder did not start: {output[:3]}")
    started = time.monotonic()
    return Recording(process, Path(output[0][len("Recording to "):]), started, speed, output)


def kill(recording: Recording, audio_seconds: float | None = None) -> float:
    """SIGKILL the recorder ``audio_seconds`` of audio after it started (now if None);
    returns the seconds of audio it had been fed."""
    if audio_seconds is not None:
        time.sleep(max(0.0, recording.started + audio_seconds / recording.speed - time.monotonic()))
    killed_at = time.monotonic()
    if recording.process.poll() is None:
        os.kill(recording.process.pid, signal.SIGKILL)
    recording.process.wait()
    return (killed_at - recording.started) * recording.speed + BLOCK_SECONDS


def journal_of(partial: Path) -> Path:
    return partial.with_name(partial.name[: -len(".wav.partial")] + ".transcript.jsonl")


def journal_segments(journal: Path) -> int:
    """Segments whose line reached the disk whole (a line cut by the kill does not count)."""
    if not journal.is_file():
        return 0
    count = 0
    for line in journal.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            count += "text" in json.loads(line)
        except json.JSONDecodeError:
            continue
    return count


def recover(folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "meeting_recorder", "recover", str(folder)],
                          capture_output=True, text=True, timeout=300)


def leftovers(folder: Path) -> list[str]:
    """What a finished recovery must not leave: partials, journals, temp files."""
    return sorted(p.name for p in folder.iterdir()
                  if p.name.endswith((".partial", ".jsonl", ".tmp")) or p.name.startswith("."))


def check(run: int, source: np.ndarray, partial: Path, fed: float, segments: int,
          result: subprocess.CompletedProcess) -> DrillResult:
    """Compare what ``recover`` left with what was played and journaled."""
    wav = partial.with_name(partial.name[: -len(".partial")])
    transcript = wav.with_suffix(".json")
    problems = []
    if result.returncode != 0:
        problems.append(f"recover exit {result.returncode}: {result.stderr.strip()[-200:]}")
    saved, exact, exported = 0.0, False, 0
    if wav.is_file():
        samples, rate = soundfile.read(wav, dtype="int16", always_2d=True)
        saved = len(samples) / rate
        exact = len(samples) <= len(source) and np.array_equal(samples, source[: len(samples)])
        if not exact:
            problems.append("the samples differ from the speech played")
    else:
        problems.append("no .wav")
    if transcript.is_file():
        exported = len(json.loads(transcript.read_text(encoding="utf-8"))["segments"])
    if exported != segments:
        problems.append(f"transcript has {exported} of {segments} journaled segments")
    left = leftovers(partial.parent)
    if left:
        problems.append(f"left behind: {', '.join(left)}")
    return DrillResult(run, fed, saved, exact, segments, exported, "; ".join(problems))


def drill_once(run: int, speech: Path, source: np.ndarray, folder: Path, speed: float, kill_at: float,
               speakers: str = "on", model: str = "tiny.en") -> DrillResult:
    """One live session killed after ``kill_at`` seconds of audio, then recovered."""
    recording = start_recording(speech, folder, speed, speakers, model)
    fed = min(kill(recording, kill_at), len(source) / soundfile.info(speech).samplerate)
    segments = journal_segments(journal_of(recording.partial))
    return check(run, source, recording.partial, fed, segments, recover(folder))


def drill(speech: Path, workdir: Path, runs: int, speed: float, span: tuple[float, float], seed: int,
          speakers: str = "on", model: str = "tiny.en",
          on_result: Callable[[DrillResult], None] = lambda result: None) -> list[DrillResult]:
    source, _ = soundfile.read(speech, dtype="int16", always_2d=True)
    rng = random.Random(seed)
    results = []
    for run in range(1, runs + 1):
        kill_at = rng.uniform(*span)
        result = drill_once(run, speech, source, workdir / f"run{run:02d}", speed, kill_at, speakers, model)
        results.append(result)
        on_result(result)
    return results


def summary(results: list[DrillResult]) -> str:
    lost = [r.lost for r in results if r.recovered] or [float("nan")]
    recovered = sum(r.recovered for r in results)
    return (f"recovered {recovered}/{len(results)}, seconds lost: max {max(lost):.2f}, "
            f"mean {statistics.fmean(lost):.2f}")


HEADER = f"{'run':>3}  {'fed s':>6}  {'saved s':>7}  {'lost s':>6}  {'exact':>5}  {'segments':>8}  result"


def row(result: DrillResult) -> str:
    segments = f"{result.exported_segments}/{result.journal_segments}"
    return (f"{result.run:>3}  {result.fed:>6.2f}  {result.saved:>7.2f}  {result.lost:>6.2f}  "
            f"{'yes' if result.exact else 'NO':>5}  {segments:>8}  {result.problem or 'recovered'}")


def machine() -> str:
    sys.path.insert(0, str(ROOT / "scripts"))
    from bench_writer import machine as describe

    return describe()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--speed", type=float, default=1.0, help="× real time (default 1)")
    parser.add_argument("--min", type=float, default=1.0, help="earliest kill, seconds of audio (default 1)")
    parser.add_argument("--max", type=float, default=20.0, help="latest kill, seconds of audio (default 20)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--speakers", choices=["on", "off"], default="on")
    parser.add_argument("--model", default="tiny.en")
    parser.add_argument("--keep", action="store_true", help="keep the speech and the recordings")
    args = parser.parse_args()
    if not 0 < args.min <= args.max:
        parser.error("--min must be > 0 and <= --max")
    workdir = Path(tempfile.mkdtemp(prefix="crash-drill-"))
    try:
        speech = make_speech(workdir, args.max + 10)
        print(f"crash drill {dt.datetime.now():%Y-%m-%d %H:%M}: {args.runs} kill -9s, speed {args.speed:g}, "
              f"kill after {args.min:g}-{args.max:g} s of audio, speakers {args.speakers}, model {args.model}")
        print(f"machine: {machine()}")
        print(HEADER, flush=True)
        results = drill(speech, workdir, args.runs, args.speed, (args.min, args.max), args.seed,
                        args.speakers, args.model, on_result=lambda r: print(row(r), flush=True))
        print(summary(results))
        ok = all(r.recovered and r.lost < GOAL_SECONDS_LOST for r in results)
        print(f"goal (< {GOAL_SECONDS_LOST:g} s lost, every recording recovered): {'PASS' if ok else 'FAIL'}")
        return 0 if ok else 1
    finally:
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
