#!/usr/bin/env python3
"""Live transcription latency: how long after a sentence ends does its segment arrive?

Usage::

    .venv/bin/python scripts/bench_latency.py [--seconds 60] [--gap 1.5]

A ~60 s 16 kHz mono WAV of espeak-ng sentences, each followed by ``--gap`` seconds of
(faintly noisy) silence, is played by ``FileSource`` at real time (speed 1) into a
``LiveSession`` with the ``tiny.en`` model. For every segment the session emits:

    latency = (wall time the segment callback fired) - (t0 + segment.end)

where t0 is the wall time the source delivered its first block (a ``FileSource`` subclass
records it). The engine is warmed first: a loaded ``TranscriptionEngine`` (one untimed
transcription already done, Silero VAD loaded) is passed to ``LiveSession`` with
``keep_models_loaded=True``, so model loading is not part of any latency; every segment is
counted. Segments that only arrive while the session stops are listed but left out. A
``TranscriptionEngine`` subclass also times each ``transcribe_samples`` call, splitting
each latency into waiting (VAD silence and reads) and transcribing.
Goals with tiny.en on 2 cores: p50 <= 1.5 s, p95 <= 3 s.

Note: a ``FileSource`` block is delivered at the start of the 0.1 s it covers, a microphone
at its end, so a microphone would add up to 0.1 s.

Everything is written in a temporary folder that is removed at the end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench_soak import SAMPLE_RATE, place, speak  # noqa: E402
from bench_writer import machine, verdict  # noqa: E402

from meeting_recorder.core.engine import TranscribeOptions, TranscriptionEngine  # noqa: E402
from meeting_recorder.core.live_session import LiveCallbacks, LiveSession, LiveSettings  # noqa: E402
from meeting_recorder.core.sources import FileSource  # noqa: E402

MODEL = "tiny.en"
P50_GOAL = 1.5
P95_GOAL = 3.0
LEAD_SECONDS = 1.0
TAIL_SECONDS = 4.0  # after the last gap: the last sentence ends well before the file does
SENTENCES = (
    ("Good morning everyone, thanks for joining the weekly planning meeting.", "en-us", 165),
    ("The new onboarding process cut the support ticket time by a third.", "en-gb", 150),
    ("Could you send me the updated budget by Thursday afternoon?", "en-us+f3", 170),
    ("Our biggest risk right now is a single hardware supplier.", "en-us", 160),
    ("The marketing team wants a small pilot campaign in two cities.", "en-gb-x-rp+f2", 155),
    ("Please remember that the office is closed on Monday.", "en-us-nyc", 165),
    ("We measured the battery life at eleven hours.", "en-gb", 160),
    ("Does anyone have questions about the hiring plan?", "en-us", 150),
    ("Let's take a short break and continue in ten minutes.", "en-us+f3", 165),
    ("Thank you all, see you next Tuesday.", "en-gb", 160),
    ("The test results look promising, but we need more samples.", "en-us", 160),
    ("I'll share the action items after the call.", "en-gb-x-rp+f2", 160),
)


@dataclass(frozen=True)
class Call:
    """One ``transcribe_samples`` call of the live transcriber (wall times, monotonic)."""

    began: float
    ended: float
    audio_seconds: float


@dataclass(frozen=True)
class Arrival:
    wall: float  # time.monotonic() when the segment callback fired
    start: float
    end: float
    text: str
    during_stop: bool
    call: Call | None  # the transcription that produced it


class TimedEngine(TranscriptionEngine):
    """TranscriptionEngine that records when each transcription began and ended."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.calls: list[Call] = []

    def transcribe_samples(self, samples, *args, **kwargs):
        began = time.monotonic()
        try:
            return super().transcribe_samples(samples, *args, **kwargs)
        finally:
            self.calls.append(Call(began, time.monotonic(), len(samples) / SAMPLE_RATE))


class TimedFileSource(FileSource):
    """FileSource that records when it delivered its first block."""

    first_block_at: float | None = None

    def start(self, on_block, on_end) -> None:
        def timed(block: np.ndarray) -> None:
            if self.first_block_at is None:
                self.first_block_at = time.monotonic()
            on_block(block)

        super().start(timed, on_end)


def build_speech(folder: Path, seconds: float, gap: float) -> tuple[Path, list[tuple[float, float]], np.ndarray]:
    """Sentences with ``gap`` s of silence between them, until ``seconds`` is reached."""
    parts, spans, at = [], [], LEAD_SECONDS
    for i, (text, voice, rate) in enumerate(SENTENCES):
        samples = speak(text, folder, f"l{i}", voice, rate)
        length = len(samples) / SAMPLE_RATE
        if at + length + gap + TAIL_SECONDS > seconds and parts:
            break
        parts.append((samples, at))
        spans.append((at, at + length))
        at += length + gap
    path = folder / "speech.wav"
    audio = place(parts, max(seconds, at + TAIL_SECONDS))
    soundfile.write(str(path), audio, SAMPLE_RATE, subtype="PCM_16")
    return path, spans, parts[0][0]


def warm_engine(warm_audio: np.ndarray) -> TimedEngine:
    from faster_whisper.vad import get_vad_model

    engine = TimedEngine(MODEL)
    engine.load()
    engine.transcribe_samples(warm_audio, TranscribeOptions(vad_filter=False))
    engine.calls.clear()
    get_vad_model()  # cached by faster-whisper: the live segmenter gets this instance
    return engine


def run(path: Path, folder: Path, engine: TimedEngine) -> tuple[list[Arrival], float, object]:
    arrivals: list[Arrival] = []
    stopping = False

    def on_segment(segment) -> None:
        # Segments are handed on after their transcribe_samples call returned: the last call.
        call = engine.calls[-1] if engine.calls else None
        arrivals.append(Arrival(time.monotonic(), segment.start, segment.end, segment.text, stopping, call))

    source = TimedFileSource(path, speed=1.0)
    settings = LiveSettings(out_dir=folder / "recordings", model=MODEL, keep_models_loaded=True)
    session = LiveSession(source, settings, LiveCallbacks(segment=on_segment), engine=engine)
    try:
        session.start()
        session.wait()
        stopping = True
        result = session.stop()
    finally:
        session.stop()
    assert source.first_block_at is not None
    return arrivals, source.first_block_at, result


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def report(arrivals: list[Arrival], t0: float, spans: list[tuple[float, float]], result) -> bool:
    live = [a for a in arrivals if not a.during_stop]
    latencies = [a.wall - (t0 + a.end) for a in live]
    print()
    print("latency = waiting (speech end until its transcription began: VAD silence, reads)")
    print("        + transcribing (the transcribe_samples call) + hand-over; times in seconds")
    print(f"{'#':>3} {'start':>7} {'end':>7} {'latency':>8} {'waiting':>8} {'transcr.':>8} {'audio':>6}  text")
    waits, decodes = [], []
    for i, arrival in enumerate(arrivals, 1):
        latency = arrival.wall - (t0 + arrival.end)
        flag = "  (during stop, left out)" if arrival.during_stop else ""
        call = arrival.call
        wait = call.began - (t0 + arrival.end) if call else float("nan")
        decode = call.ended - call.began if call else float("nan")
        audio = call.audio_seconds if call else float("nan")
        if not arrival.during_stop and call:
            waits.append(wait)
            decodes.append(decode)
        print(f"{i:>3} {arrival.start:>7.2f} {arrival.end:>7.2f} {latency:>8.2f} {wait:>8.2f} {decode:>8.2f} "
              f"{audio:>6.2f}  {arrival.text[:48]}{flag}")
    p50, p95 = percentile(latencies, 50), percentile(latencies, 95)
    print()
    print(f"sentences spoken: {len(spans)}; segments: {len(arrivals)} ({len(live)} live, "
          f"{len(arrivals) - len(live)} during stop); recording {result.seconds:.1f} s, "
          f"skipped {result.skipped_seconds:.1f} s, dropped frames {result.dropped_frames}")
    if latencies:
        print(f"latency min {min(latencies):.2f} s, mean {np.mean(latencies):.2f} s, max {max(latencies):.2f} s; "
              f"median waiting {percentile(waits, 50):.2f} s, median transcribing {percentile(decodes, 50):.2f} s")
    ok50, ok95 = p50 <= P50_GOAL, p95 <= P95_GOAL
    print(f"p50 {p50:.2f} s  (goal <= {P50_GOAL} s)  {verdict(ok50)}")
    print(f"p95 {p95:.2f} s  (goal <= {P95_GOAL} s)  {verdict(ok95)}")
    return ok50 and ok95 and bool(live)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="length of the speech file (default 60)")
    parser.add_argument("--gap", type=float, default=1.5, help="silence after each sentence (default 1.5 s)")
    parser.add_argument("--tmp-dir", type=Path, default=None, help="where the temporary folder goes")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench_latency_", dir=args.tmp_dir))
    engine = None
    try:
        print(f"bench_latency  {dt.datetime.now().isoformat(timespec='seconds')}")
        print(f"machine: {machine()}")
        path, spans, warm_audio = build_speech(folder, args.seconds, args.gap)
        length = soundfile.info(str(path)).duration
        print(f"speech file: {length:.1f} s, {len(spans)} sentences, {args.gap:g} s gaps; model {MODEL}; "
              f"engine warmed before the session (keep_models_loaded=True)", flush=True)
        engine = warm_engine(warm_audio)
        arrivals, t0, result = run(path, folder, engine)
        ok = report(arrivals, t0, spans, result)
        print()
        print(f"overall: {verdict(ok)}")
        return 0 if ok else 1
    finally:
        if engine is not None:
            engine.close()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
