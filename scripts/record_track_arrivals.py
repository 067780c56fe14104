"""Record when each block of three paced FileSources arrives (the track-clock test's rig at
30× real time) and save it in the form tests/data/track_clock_arrivals_30x.npz has:
per source, int32 microseconds between arrivals. Replaying it (tests/test_track_clock.py)
puts real thread timing through TrackAligner without the two minutes or the machine's mood.

    .venv/bin/python scripts/record_track_arrivals.py OUT.npz [--minutes 20]
    .venv/bin/python scripts/record_track_arrivals.py --replay A.npz B.npz [--aligner OLD.py]

``--replay`` prints, per recording and follower, the worst misplacement after 5 minutes,
the error at the end and the drift found (``--aligner``: a track_clock.py of another
version, e.g. ``git show REV:meeting_recorder/core/track_clock.py > old.py``).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from meeting_recorder.core.sources import FileSource  # noqa: E402
from test_track_clock import RECORDED_RATES, SPEED, click_file, replay_arrivals  # noqa: E402

import importlib.util  # noqa: E402

DEVICES = {"A": (48000.0, 0.0), "B_fast": (48004.8, 1.5), "B_slow": (47995.2, -1.0)}  # clock rate, start


def record(minutes: float) -> dict[str, np.ndarray]:
    seconds = minutes * 60.0
    arrivals: dict[str, list[float]] = {name: [] for name in DEVICES}
    ended = {name: threading.Event() for name in DEVICES}
    with tempfile.TemporaryDirectory() as folder:
        sources = {}
        for name, (clock_rate, starts_at) in DEVICES.items():
            path = Path(folder) / f"{name}.wav"
            click_file(path, clock_rate, starts_at)
            sources[name] = FileSource(path, speed=SPEED, loop=True, max_seconds=seconds, clock_rate=clock_rate)

        def on_block(name: str):
            return lambda block: arrivals[name].append(time.monotonic())

        try:  # started in the test's order and spacing
            sources["B_slow"].start(on_block("B_slow"), lambda problem: ended["B_slow"].set())
            time.sleep(1.0 / SPEED)
            sources["A"].start(on_block("A"), lambda problem: ended["A"].set())
            time.sleep(1.5 / SPEED)
            sources["B_fast"].start(on_block("B_fast"), lambda problem: ended["B_fast"].set())
            for event in ended.values():
                event.wait(seconds / SPEED * 2 + 60)
        finally:
            for source in sources.values():
                source.stop()
    start = min(times[0] for times in arrivals.values())
    return {
        name: np.diff(np.round((np.array(times) - start) * 1e6).astype(np.int64), prepend=0).astype(np.int32)
        for name, times in arrivals.items()
    }


def aligner_class(path: Path | None):
    if path is None:
        from meeting_recorder.core.track_clock import TrackAligner

        return TrackAligner
    spec = importlib.util.spec_from_file_location("track_clock_variant", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module.TrackAligner


def replay(paths: list[Path], aligner: Path | None) -> None:
    for path in paths:
        for name, (errors, found) in replay_arrivals(np.load(path), aligner_class(aligner)).items():
            worst = max(abs(error) for at, error in errors if at >= 300)
            truth = (RECORDED_RATES[name] / RECORDED_RATES["A"] - 1) * 1e6
            print(f"{path.name} {name}: worst after 5 min {worst * 1e3:7.1f} ms, at the end "
                  f"{errors[-1][1] * 1e3:+7.1f} ms, drift {found.drift_ppm:+8.2f} ppm (true {truth:+.0f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, nargs="?")
    parser.add_argument("--minutes", type=float, default=20.0, help="device minutes (wall: ÷30)")
    parser.add_argument("--replay", type=Path, nargs="+", help="recordings to replay instead")
    parser.add_argument("--aligner", type=Path, help="with --replay: another track_clock.py")
    args = parser.parse_args()
    if args.replay:
        replay(args.replay, args.aligner)
        return
    if args.out is None:
        parser.error("OUT.npz is needed to record")
    gaps = record(args.minutes)
    np.savez_compressed(args.out, **gaps)
    for name, between in gaps.items():
        late = (np.cumsum(between) / 1e6 - np.arange(len(between)) * 4800 / DEVICES[name][0] / SPEED) * SPEED
        late -= late.min()
        print(f"{name}: {len(between)} blocks, lateness in device ms p50/p90/p99/max "
              f"{np.percentile(late, 50) * 1e3:.0f}/{np.percentile(late, 90) * 1e3:.0f}/"
              f"{np.percentile(late, 99) * 1e3:.0f}/{late.max() * 1e3:.0f}")


if __name__ == "__main__":
    main()
