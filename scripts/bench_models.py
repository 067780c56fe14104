#!/usr/bin/env python3
"""The model table for this machine: every Whisper model the app knows, with its size,
languages and memory, the measured real-time factor of the installed ones, and the estimate
for the others (the catalog's cost relative to tiny × tiny's measured time).

Usage::

    .venv/bin/python scripts/bench_models.py [--seconds 60] [--rounds 2]

Each installed model transcribes the same ``--seconds`` of speech (JFK repeated, made at run
time in a temporary folder), language "en" for English-only models and "auto" otherwise,
``--rounds`` times after a warm-up; the median wall time / audio seconds is its RTF (lower
is faster). tiny's RTF for the estimates is tiny.en's (the same network size).
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def measure(model: str, audio: Path, rounds: int) -> float:
    from meeting_recorder.core.engine import TranscribeOptions, TranscriptionEngine
    from meeting_recorder.core.audio import probe

    seconds = probe(audio).duration
    options = TranscribeOptions(language="en" if model.endswith(".en") else "auto")
    engine = TranscriptionEngine(model)
    try:
        engine.load()
        engine.transcribe_file(audio, options)  # warm-up
        times = []
        for _ in range(rounds):
            started = time.perf_counter()
            engine.transcribe_file(audio, options)
            times.append(time.perf_counter() - started)
    finally:
        engine.close()
    return statistics.median(times) / seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)

    from meeting_recorder.core.model_catalog import CATALOG, installed_models, size_text
    from tests.speech import JFK, repeat_audio

    import os
    import psutil

    print(f"bench_models  {time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}")
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"{psutil.virtual_memory().total / 1e9:.0f} GB RAM, Python {platform.python_version()}")
    measured: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="meeting-recorder-models-") as temp:
        times = max(1, round(args.seconds / 11.0))  # JFK is 11 s
        audio = repeat_audio(JFK, Path(temp) / "speech.wav", times=times)
        for model in installed_models():
            measured[model.name] = measure(model.name, audio, args.rounds)
            print(f"  measured {model.name}: RTF {measured[model.name]:.3f}", flush=True)
    tiny = measured.get("tiny.en")
    installed = {model.name: model for model in installed_models()}
    print(f"\n{'model':<18} {'status':<11} {'size':>9}  {'languages':<13} {'RAM':>8} {'VRAM':>8}  RTF here")
    for entry in sorted(CATALOG, key=lambda e: (e.name not in installed, e.relative_cost, e.name)):
        status = installed[entry.name].source if entry.name in installed else "available"
        if entry.name in measured:
            rtf = f"{measured[entry.name]:.3f} (measured)"
        elif tiny is not None:
            rtf = f"~{tiny * entry.relative_cost:.2f} (estimate)"
        else:
            rtf = "?"
        print(f"{entry.name:<18} {status:<11} {size_text(entry.download_bytes):>9}  {entry.languages:<13} "
              f"{size_text(entry.ram_bytes):>8} {size_text(entry.vram_bytes):>8}  {rtf}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
