#!/usr/bin/env python3
"""Live engine soak test: a simulated 24 h recording at accelerated speed, VAD and
transcription on, sampling memory, threads and open files every simulated minute.

Usage::

    .venv/bin/python scripts/bench_soak.py [--hours 24] [--speed 30] [--warmup-minutes 30]
                                           [--csv docs/soak.csv] [--png docs/soak.png]

A 60 s 16 kHz mono WAV (silence with two espeak-ng sentences, ~6 s of speech) is built in
a temporary folder and played in a loop by ``FileSource(loop=True, speed=S,
max_seconds=hours*3600)`` into a ``LiveSession`` with the ``tiny.en`` model. The simulated
time is the audio the source has delivered. The process is read every 0.05 s of wall time
(RSS, ``threading.active_count()``, the OS's thread count, open file descriptors); every
simulated minute the reading at the boundary and the min/max of that minute's readings go
to the CSV, and the PNG plots them. A transcription briefly needs ~50 MB and 2-3 extra
threads, so single readings jump; the per-minute minimum is the idle floor. Goals, after
the warm-up: RSS growth (max idle floor after the warm-up minus the floor at its end) <=
16 MB; OS threads and open fds flat (neither the per-minute floor nor the per-minute
ceiling reaches a higher value in the second half after the warm-up than in the first
half); transcription keeps up
(0 s skipped) and no frame dropped. At 30x (the default) tiny.en keeps up on 2 shared
cores; at 60x it skipped about an eighth of the audio.

The recording (~2.8 GB for 24 h) and transcripts go to the temporary folder, which is
removed at the end, also on errors and Ctrl+C. Only the CSV and PNG are kept.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import psutil
import soundfile

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench_writer import machine, verdict  # noqa: E402

from meeting_recorder.core.live_session import LiveCallbacks, LiveSession, LiveSettings  # noqa: E402
from meeting_recorder.core.sources import FileSource  # noqa: E402

SAMPLE_RATE = 16000
LOOP_SECONDS = 60.0
MODEL = "tiny.en"
RSS_GROWTH_GOAL_MB = 16.0
MB = 1e6
SOAK_SENTENCES = (
    ("Good morning everyone, let's look at the budget for next quarter.", 20.0),
    ("Please send the updated numbers to Sarah before Friday.", 26.0),
)  # (text, start second in the 60 s loop): two utterances per loop
POLL_SECONDS = 0.05  # wall time between readings; each minute's min/max come from these
CSV_COLUMNS = (
    "simulated_minutes", "rss_mb", "python_threads", "os_threads", "open_fds", "segments",
    "rss_min_mb", "rss_max_mb", "os_threads_min", "os_threads_max", "open_fds_min", "open_fds_max",
)


# -- test audio ------------------------------------------------------------------------
def run_tool(args: list[str]) -> None:
    result = subprocess.run(args, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:3])} ... failed ({result.returncode}): {result.stderr.strip()}")


def speak(text: str, folder: Path, name: str, voice: str = "en-us", rate: int = 160) -> np.ndarray:
    """espeak-ng, resampled by sox to 16 kHz mono; float32 samples in [-1, 1]."""
    raw, clip = folder / f"{name}.raw.wav", folder / f"{name}.wav"
    run_tool(["espeak-ng", "-v", voice, "-s", str(rate), "-w", str(raw), text])
    run_tool(["sox", "-D", str(raw), "-r", str(SAMPLE_RATE), "-c", "1", "-b", "16", str(clip)])
    samples, _ = soundfile.read(str(clip), dtype="float32")
    raw.unlink()
    clip.unlink()
    return samples


def place(parts: list[tuple[np.ndarray, float]], seconds: float) -> np.ndarray:
    """Clips at their start seconds over faint noise (-60 dBFS), ``seconds`` long."""
    rng = np.random.default_rng(7)
    audio = rng.normal(0, 0.001, int(seconds * SAMPLE_RATE)).astype(np.float32)
    for samples, start in parts:
        at = int(start * SAMPLE_RATE)
        end = min(len(audio), at + len(samples))
        audio[at:end] += samples[: end - at]
    return np.clip(audio, -1, 1)


def build_loop(folder: Path) -> tuple[Path, float]:
    parts = [(speak(text, folder, f"s{i}"), start) for i, (text, start) in enumerate(SOAK_SENTENCES)]
    speech = sum(len(samples) for samples, _ in parts) / SAMPLE_RATE
    path = folder / "loop.wav"
    soundfile.write(str(path), place(parts, LOOP_SECONDS), SAMPLE_RATE, subtype="PCM_16")
    return path, speech


# -- session ---------------------------------------------------------------------------
class CountingFileSource(FileSource):
    """FileSource that counts the frames it has delivered (the simulated clock)."""

    delivered_frames = 0

    def start(self, on_block, on_end) -> None:
        def counted(block: np.ndarray) -> None:
            on_block(block)
            self.delivered_frames += len(block)

        super().start(counted, on_end)

    @property
    def delivered_seconds(self) -> float:
        return self.delivered_frames / self.samplerate


@dataclass(frozen=True)
class Reading:
    rss_mb: float
    python_threads: int
    os_threads: int
    open_fds: int


@dataclass(frozen=True)
class Sample:
    """The reading at a simulated minute's boundary, and the range seen during that minute."""

    simulated_minutes: int
    rss_mb: float
    python_threads: int
    os_threads: int
    open_fds: int
    segments: int
    rss_min_mb: float
    rss_max_mb: float
    os_threads_min: int
    os_threads_max: int
    open_fds_min: int
    open_fds_max: int


class Recorder:
    """Polls the process; one Sample per simulated minute, appended to the CSV at once."""

    def __init__(self, csv_path: Path) -> None:
        self.samples: list[Sample] = []
        self.process = psutil.Process()
        self.segments = 0
        self.statuses: list[str] = []
        self.errors: list[str] = []
        self._minute: list[Reading] = []
        csv_path.parent.mkdir(parents=True, exist_ok=True)
        self._handle = open(csv_path, "w", newline="", encoding="utf-8")
        self._csv = csv.writer(self._handle)
        self._csv.writerow(CSV_COLUMNS)

    def on_segment(self, segment) -> None:
        self.segments += 1

    def read(self) -> Reading:
        reading = Reading(
            self.process.memory_info().rss / MB,
            threading.active_count(),
            self.process.num_threads(),
            self.process.num_fds(),
        )
        self._minute.append(reading)
        return reading

    def take(self, minute: int) -> Sample:
        now = self.read()
        seen, self._minute = self._minute, []
        sample = Sample(
            minute, now.rss_mb, now.python_threads, now.os_threads, now.open_fds, self.segments,
            min(r.rss_mb for r in seen), max(r.rss_mb for r in seen),
            min(r.os_threads for r in seen), max(r.os_threads for r in seen),
            min(r.open_fds for r in seen), max(r.open_fds for r in seen),
        )
        self.samples.append(sample)
        row = [f"{v:.1f}" if isinstance(v, float) else v for v in vars(sample).values()]
        self._csv.writerow(row)
        self._handle.flush()
        return sample

    def close(self) -> None:
        self._handle.close()


def run_soak(folder: Path, loop: Path, args: argparse.Namespace, recorder: Recorder):
    source = CountingFileSource(loop, speed=args.speed, loop=True, max_seconds=args.hours * 3600)
    callbacks = LiveCallbacks(
        status=recorder.statuses.append,
        segment=recorder.on_segment,
        error=recorder.errors.append,
    )
    settings = LiveSettings(out_dir=folder / "recordings", model=MODEL)
    session = LiveSession(source, settings, callbacks)
    total_minutes = int(round(args.hours * 60))
    started = time.monotonic()
    try:
        session.start()
        recorder.take(0)
        minute = 1
        while minute <= total_minutes:
            ended = session.wait(POLL_SECONDS)
            recorder.read()
            while minute <= total_minutes and source.delivered_seconds >= minute * 60:
                sample = recorder.take(minute)
                if minute % 60 == 0:
                    print(f"  {minute / 60:5.1f} h simulated in {time.monotonic() - started:6.0f} s: "
                          f"RSS {sample.rss_mb:.0f} MB, threads {sample.python_threads}/{sample.os_threads}, "
                          f"fds {sample.open_fds}, segments {sample.segments}", flush=True)
                minute += 1
            if ended:
                break
        wall = time.monotonic() - started
        result = session.stop()
    finally:
        session.close()
    return result, wall


# -- report ----------------------------------------------------------------------------
def halves(values: list) -> tuple[list, list]:
    middle = len(values) // 2
    return values[:middle], values[middle:]


def judge_flat(label: str, samples: list[Sample], floor_key: str, ceiling_key: str, boundary_key: str) -> bool:
    """Flat: neither the per-minute floor nor the per-minute ceiling climbs: the second half
    after the warm-up reaches no higher value than the first half."""
    floors = [getattr(s, floor_key) for s in samples]
    ceilings = [getattr(s, ceiling_key) for s in samples]
    boundary = [getattr(s, boundary_key) for s in samples]
    floor_1, floor_2 = halves(floors)
    ceiling_1, ceiling_2 = halves(ceilings)
    flat = max(floor_2) <= max(floor_1) and max(ceiling_2) <= max(ceiling_1)
    print(f"  {label:<15} at minute boundaries min {min(boundary)}, max {max(boundary)}; "
          f"per-minute floor {min(floors)}..{max(floors)}, ceiling {min(ceilings)}..{max(ceilings)}; "
          f"max floor/ceiling 1st half {max(floor_1)}/{max(ceiling_1)}, 2nd half {max(floor_2)}/{max(ceiling_2)}  "
          f"{verdict(flat)}")
    return flat


def report(recorder: Recorder, result, wall: float, args: argparse.Namespace, speech: float) -> bool:
    after = [s for s in recorder.samples if s.simulated_minutes >= args.warmup_minutes]
    if len(after) < 4:
        print("too few samples after the warm-up to judge")
        return False
    base = after[0]
    floor_growth = max(s.rss_min_mb for s in after) - base.rss_min_mb
    raw_growth = max(s.rss_mb for s in after) - base.rss_mb
    hour = [s for s in after if s.simulated_minutes < base.simulated_minutes + 60]
    last_hour = [s for s in after if s.simulated_minutes > after[-1].simulated_minutes - 60]
    minutes = [s.simulated_minutes for s in after]
    slope = np.polyfit(minutes, [s.rss_min_mb for s in after], 1)[0] * 60
    loops = args.hours * 60
    print()
    print(f"Soak: {args.hours:g} h simulated at {args.speed:g}x in {wall / 60:.1f} min wall "
          f"({args.hours * 3600 / wall:.1f}x achieved); model {MODEL}; {LOOP_SECONDS:.0f} s loop with "
          f"{speech:.1f} s of speech in {len(SOAK_SENTENCES)} sentences")
    print(f"  recording: {result.seconds / 3600:.3f} h written, {result.segments} segments "
          f"({result.segments / loops:.2f} per loop, {len(SOAK_SENTENCES)} expected), error: {result.error}")
    print(f"  samples: {len(recorder.samples)} (one per simulated minute, each also with the min/max of "
          f"readings every {POLL_SECONDS:g} s wall); warm-up: first {args.warmup_minutes} simulated min")
    print(f"  RSS idle floor (per-minute min): {base.rss_min_mb:.1f} MB at minute {base.simulated_minutes}, "
          f"max after {base.rss_min_mb + floor_growth:.1f} MB, last {after[-1].rss_min_mb:.1f} MB, "
          f"trend {slope:+.2f} MB/h")
    print(f"  RSS peak (per-minute max): first hour after warm-up {max(s.rss_max_mb for s in hour):.1f} MB, "
          f"last hour {max(s.rss_max_mb for s in last_hour):.1f} MB")
    print(f"  RSS at minute boundaries: {base.rss_mb:.1f} MB at minute {base.simulated_minutes}, max after "
          f"{base.rss_mb + raw_growth:.1f} MB ({raw_growth:+.1f} MB; a boundary reading may fall inside a "
          f"transcription and include its working memory)")
    ok_rss = floor_growth <= RSS_GROWTH_GOAL_MB
    print(f"  RSS growth after warm-up (idle floor): {floor_growth:+.1f} MB  (goal <= {RSS_GROWTH_GOAL_MB:g} MB)  "
          f"{verdict(ok_rss)}")
    ok = ok_rss
    print(f"  Python threads  at minute boundaries min {min(s.python_threads for s in after)}, "
          f"max {max(s.python_threads for s in after)}")
    ok &= judge_flat("OS threads", after, "os_threads_min", "os_threads_max", "os_threads")
    ok &= judge_flat("open fds", after, "open_fds_min", "open_fds_max", "open_fds")
    keeps_up = result.skipped_seconds == 0 and result.dropped_frames == 0 and result.error is None
    ok &= keeps_up
    print(f"  transcription skipped {result.skipped_seconds:.1f} s, dropped frames {result.dropped_frames}  "
          f"(goal 0 and 0)  {verdict(keeps_up)}")
    if recorder.errors:
        print(f"  errors reported: {recorder.errors[:5]}")
    skips = [m for m in recorder.statuses if "skipped" in m]
    if skips:
        print(f"  skip messages: {len(skips)}, first: {skips[0]}")
    print(f"  load average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())} (2 shared cores)")
    print(f"  CSV: {args.csv}   plot: {args.png}")
    return ok


def plot(samples: list[Sample], path: Path, args: argparse.Namespace) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    hours = [s.simulated_minutes / 60 for s in samples]
    fig, axes = plt.subplots(4, 1, figsize=(10, 10), sharex=True)
    rss, threads, fds, segments = axes
    rss.fill_between(hours, [s.rss_min_mb for s in samples], [s.rss_max_mb for s in samples],
                     alpha=0.3, lw=0, label="min..max within the minute")
    rss.plot(hours, [s.rss_min_mb for s in samples], lw=1, label="idle floor (min)")
    rss.set_ylabel("RSS (MB)")
    threads.fill_between(hours, [s.os_threads_min for s in samples], [s.os_threads_max for s in samples],
                         alpha=0.3, lw=0, step="mid", label="OS, min..max within the minute")
    threads.plot(hours, [s.python_threads for s in samples], lw=1, drawstyle="steps-mid",
                 label="Python (at the minute)")
    threads.set_ylabel("threads")
    fds.fill_between(hours, [s.open_fds_min for s in samples], [s.open_fds_max for s in samples],
                     alpha=0.3, lw=0, step="mid", label="min..max within the minute")
    fds.plot(hours, [s.open_fds for s in samples], lw=1, drawstyle="steps-mid", label="at the minute")
    fds.set_ylabel("open fds")
    segments.plot(hours, [s.segments for s in samples], lw=1)
    segments.set_ylabel("segments")
    segments.set_xlabel("simulated hours")
    for ax in axes:
        ax.axvline(args.warmup_minutes / 60, color="grey", ls=":", lw=1)
        ax.grid(alpha=0.3)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(loc="lower right", fontsize=8)
    threads.set_ylim(0, max(s.os_threads_max for s in samples) + 3)
    fds.set_ylim(0, max(s.open_fds_max for s in samples) + 3)
    fig.suptitle(f"Live session soak: {args.hours:g} h at {args.speed:g}x, {MODEL} (dotted: end of warm-up)")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hours", type=float, default=24.0, help="simulated hours (default 24)")
    parser.add_argument("--speed", type=float, default=30.0, help="x real time (default 30)")
    parser.add_argument("--warmup-minutes", type=int, default=30, help="simulated minutes ignored by the goals")
    parser.add_argument("--csv", type=Path, default=ROOT / "docs" / "soak.csv")
    parser.add_argument("--png", type=Path, default=ROOT / "docs" / "soak.png")
    parser.add_argument("--tmp-dir", type=Path, default=None, help="where the temporary folder goes")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench_soak_", dir=args.tmp_dir))
    recorder = Recorder(args.csv)
    try:
        print(f"bench_soak  {dt.datetime.now().isoformat(timespec='seconds')}  pid {os.getpid()}")
        print(f"machine: {machine()}")
        print(f"temp folder {folder}; {args.hours:g} h at {args.speed:g}x; "
              f"expected wall time {args.hours * 60 / args.speed:.0f} min", flush=True)
        loop, speech = build_loop(folder)
        result, wall = run_soak(folder, loop, args, recorder)
        recorder.close()
        plot(recorder.samples, args.png, args)
        ok = report(recorder, result, wall, args, speech)
        print()
        print(f"overall: {verdict(ok)}")
        return 0 if ok else 1
    finally:
        recorder.close()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
