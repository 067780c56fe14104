#!/usr/bin/env python3
"""GPU memory after stop (issue 12): live sessions with the models in the worker process, and
after each stop the GPU memory the NVIDIA driver reports for this process and its children
must be 0 (the worker has exited, taking its CUDA context with it).

Usage::

    .venv/bin/python scripts/gpu_release_check.py [--cycles 20] [--seconds 8] [--model tiny.en]

Each cycle: a ``LiveSession`` on a file played as fast as it can be read (``FileSource``,
speed 0) for ``--seconds`` of audio, speaker labels on, models on CUDA ("auto" picks it),
then ``stop()``; then ``nvidia-smi --query-compute-apps`` is read for this process and every
child. Also checked: torch never initialised CUDA in this process. The test audio is espeak-ng
speech made at run time in a temporary folder.

Exit status: 0 PASS, 1 FAIL, 2 no NVIDIA GPU here (``nvidia-smi`` missing or no device).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def app_pids() -> list[int]:
    import psutil

    me = psutil.Process()
    return [me.pid] + [child.pid for child in me.children(recursive=True)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cycles", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=8.0, help="audio per session (default 8)")
    parser.add_argument("--model", default="tiny.en")
    args = parser.parse_args(argv)
    if shutil.which("nvidia-smi") is None or subprocess.run(["nvidia-smi", "-L"], capture_output=True).returncode:
        print("no NVIDIA GPU here (nvidia-smi missing or no device): nothing to check")
        return 2

    from meeting_recorder.core.live_session import LiveCallbacks, LiveSession, LiveSettings
    from meeting_recorder.core.resources import gpu_bytes_of
    from meeting_recorder.core.sources import FileSource
    from meeting_recorder.core.worker import in_process
    from tests.speech import MEETING_SENTENCES, espeak

    if in_process():
        print("the models would run in this process (MEETING_RECORDER_IN_PROCESS or no worker possible)")
        return 1
    failures = 0
    with tempfile.TemporaryDirectory(prefix="meeting-recorder-gpu-") as temp:
        speech = espeak(" ".join(MEETING_SENTENCES), Path(temp) / "speech.wav")
        for cycle in range(1, args.cycles + 1):
            segments, errors = [], []
            callbacks = LiveCallbacks(segment=segments.append, error=errors.append)
            settings = LiveSettings(out_dir=Path(temp) / str(cycle), model=args.model)
            session = LiveSession(FileSource(speech, speed=0, max_seconds=args.seconds), settings, callbacks)
            started = time.monotonic()
            session.start()
            session.wait(300)
            during = gpu_bytes_of(app_pids())
            result = session.stop()
            after = gpu_bytes_of(app_pids())
            ok = after == 0 and result is not None and result.error is None and not errors
            failures += not ok
            print(f"cycle {cycle:2d}: {len(segments)} segments, GPU while running {(during or 0) / 2**20:.0f} MiB, "
                  f"after stop {(after or 0) / 2**20:.0f} MiB, {time.monotonic() - started:.1f} s  "
                  f"{'ok' if ok else 'FAIL ' + str(errors)}")
    torch = sys.modules.get("torch")
    if torch is not None and torch.cuda.is_initialized():
        print("FAIL: torch initialised CUDA in the main process")
        failures += 1
    print(f"{args.cycles - failures} of {args.cycles} cycles left no GPU memory held: {'PASS' if not failures else 'FAIL'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
