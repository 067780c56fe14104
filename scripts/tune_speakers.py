#!/usr/bin/env python3
"""Choose the diarization clustering threshold on the synthetic dev set.

Usage::

    .venv/bin/python scripts/tune_speakers.py [--thresholds 0.55,0.6,...]

For every threshold, every dev conversation (``speaker_devset.py``) is diarized with the
automatic speaker count; the table shows DER and found/true speaker count. The suggestion
is the middle of the widest run of thresholds where every conversation gets the right
count and DER <= 10 %: a margin on both sides matters more than the best single file,
because real voices are less distinct than espeak's.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench_writer import machine  # noqa: E402
from speaker_devset import build_dev_set, der  # noqa: E402

from meeting_recorder.core.speakers import DEFAULT_THRESHOLD, DiarizeOptions, Diarizer  # noqa: E402

MAX_DER = 0.10
DEFAULT_GRID = "0.50,0.55,0.60,0.65,0.70,0.75,0.80,0.85"


def sweep(dev_set, thresholds: list[float]) -> dict[float, list[tuple[float, int]]]:
    results: dict[float, list[tuple[float, int]]] = {}
    with Diarizer() as diarizer:
        diarizer.load()
        for threshold in thresholds:
            row = []
            for _, conversation in dev_set:
                turns = diarizer.diarize_file(conversation.path, DiarizeOptions(threshold=threshold))
                row.append((der(conversation, turns), len({t.speaker for t in turns})))
            results[threshold] = row
            print(f"  threshold {threshold:.2f} done", file=sys.stderr, flush=True)
    return results


def suggest(results, dev_set) -> tuple[float | None, list[float]]:
    good = [
        t for t, row in sorted(results.items())
        if all(d <= MAX_DER and n == len(c.speakers) for (d, n), (_, c) in zip(row, dev_set))
    ]
    runs: list[list[float]] = []
    ordered = sorted(results)
    for t in good:
        if runs and ordered.index(t) == ordered.index(runs[-1][-1]) + 1:
            runs[-1].append(t)
        else:
            runs.append([t])
    if not runs:
        return None, []
    widest = max(runs, key=len)
    return widest[len(widest) // 2], widest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--thresholds", default=DEFAULT_GRID, help=f"comma list (default {DEFAULT_GRID})")
    args = parser.parse_args(argv)
    thresholds = [float(x) for x in args.thresholds.split(",")]
    print(f"tune_speakers  {time.strftime('%Y-%m-%dT%H:%M:%S')}\nmachine: {machine()}")
    with tempfile.TemporaryDirectory(prefix="tune_speakers_") as tmp:
        dev_set = build_dev_set(Path(tmp))
        results = sweep(dev_set, thresholds)
    names = [dev.name for dev, _ in dev_set]
    print("\nDER % (speakers found/true) per dev conversation")
    print(f"{'threshold':>9}  " + "  ".join(f"{n:>20}" for n in names) + "   worst")
    for threshold, row in sorted(results.items()):
        cells = [f"{d * 100:5.1f} ({n}/{len(c.speakers)})" for (d, n), (_, c) in zip(row, dev_set)]
        worst = max(d for d, _ in row)
        print(f"{threshold:>9.2f}  " + "  ".join(f"{cell:>20}" for cell in cells) + f"  {worst * 100:5.1f}")
    choice, run = suggest(results, dev_set)
    if choice is None:
        print("\nno threshold gets every conversation right")
        return 1
    print(f"\nthresholds right on every conversation: {run[0]:.2f}–{run[-1]:.2f}; "
          f"suggested {choice:.2f} (current default {DEFAULT_THRESHOLD:.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
