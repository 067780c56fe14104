#!/usr/bin/env python3
"""Whisper on a CUDA GPU (issue 13, item 4): real-time factor of tiny.en and base with CUDA
float16, and the GPU memory of this process before loading, while loaded and after
``close()`` (must return to its baseline). Under 5 minutes.

Usage::

    MEETING_RECORDER_IN_PROCESS=1 .venv/bin/python scripts/gpu_models.py [--seconds 120]

The models run in this process (``MEETING_RECORDER_IN_PROCESS=1``) so that the driver's
per-process figure (``nvidia-smi --query-compute-apps``) is this process's. The speech is JFK
repeated to ``--seconds`` (made at run time in a temporary folder). Exit status: 0 PASS, 1
FAIL (memory not back to baseline), 2 no NVIDIA GPU / no CUDA in CTranslate2.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
MIB = 1024 * 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=120.0)
    args = parser.parse_args(argv)
    import ctranslate2

    from meeting_recorder.core.engine import TranscribeOptions, TranscriptionEngine
    from meeting_recorder.core.resources import gpu_bytes_of
    from tests.speech import JFK, repeat_audio

    if ctranslate2.get_cuda_device_count() == 0 or gpu_bytes_of([os.getpid()]) is None:
        print("no CUDA GPU for CTranslate2 here (or no nvidia-smi): nothing to measure")
        return 2
    failures = 0
    with tempfile.TemporaryDirectory(prefix="meeting-recorder-gpu-") as temp:
        audio = repeat_audio(JFK, Path(temp) / "speech.wav", times=max(1, round(args.seconds / 11)))
        seconds = float(__import__("soundfile").info(audio).duration)
        for model in ("tiny.en", "base"):
            baseline = gpu_bytes_of([os.getpid()]) or 0
            engine = TranscriptionEngine(model, device="cuda")
            engine.load()
            loaded = gpu_bytes_of([os.getpid()]) or 0
            options = TranscribeOptions(language="en")
            engine.transcribe_file(audio, options)  # warm-up
            started = time.perf_counter()
            text = engine.transcribe_file(audio, options).text
            rtf = (time.perf_counter() - started) / seconds
            engine.close()
            after = gpu_bytes_of([os.getpid()]) or 0
            ok = after <= baseline
            failures += not ok
            print(f"{model:8s} CUDA float16: RTF {rtf:.4f} on {seconds:.0f} s; GPU memory baseline "
                  f"{baseline / MIB:.0f} MiB, loaded {loaded / MIB:.0f} MiB, after close {after / MIB:.0f} MiB "
                  f"{'ok' if ok else 'NOT BACK'}; text starts: {text[:40]!r}")
    print("PASS" if not failures else "FAIL")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
