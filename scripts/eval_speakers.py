#!/usr/bin/env python3
"""Speaker labelling on real voices: every method side by side, one run, the same files.

Usage::

    .venv/bin/python scripts/eval_speakers.py                      # all sets, all methods
    .venv/bin/python scripts/eval_speakers.py --sets fillets,real --methods app

Sets (``../shared/data/real``, see its README; the espeak set is made at run time):
- ``ami``: AMI meeting excerpts with speech (>= 5 s of reference speech: trn01 and trn02
  hold 3.3 s and 0.7 s and are left out), scored on ``ami.uem``;
- ``fillets``: the six Czech two-person dialogues;
- ``real``: conversations assembled from single real voices (``tests/real_conversations.py``);
- ``espeak``: the synthetic dev set (``speaker_devset.py``).

Methods:
- ``bare``: pyannote's own SpeakerDiarization, same weights (segmentation-3.0 + CAM++),
  ``segmentation_step`` 0.1, centroid clustering, threshold 0.7, ``min_cluster_size`` 12:
  the reference;
- ``pyannote``: the app's Diarizer with its splits turned off (pyannote's clusters only);
- ``app``: the app's Diarizer as shipped (``DiarizeOptions(exclusive=False)``); to tune its
  split threshold, run ``--methods app --threshold X`` for a few values.

DER: pyannote.metrics, collar 0.25 s, overlapped speech scored. Prints per file DER, missed,
false alarm, confusion (shares of the reference speech) and speakers found/true, then the
means per set and method, and the issue's goals.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench_writer import machine  # noqa: E402

REAL = ROOT.parent / "shared" / "data" / "real"
MIN_REFERENCE_SPEECH = 5.0
COLLAR = 0.25
SETS = ("ami", "fillets", "real", "espeak")
METHODS = ("bare", "pyannote", "app")


@dataclass(frozen=True)
class Item:
    uri: str
    path: Path
    reference: object  # pyannote.core.Annotation
    scored: tuple[float, float]  # (start, end) seconds


def _rttm(path: Path, uri: str):
    from pyannote.core import Annotation, Segment

    annotation = Annotation(uri=uri)
    for line in path.read_text().splitlines():
        fields = line.split()
        if len(fields) > 7 and fields[1] == uri:
            start = float(fields[3])
            annotation[Segment(start, start + float(fields[4]))] = fields[7]
    return annotation


def ami_set() -> list[Item]:
    folder = REAL / "ami"
    uem = {f[0]: (float(f[2]), float(f[3])) for f in (line.split() for line in (folder / "ami.uem").read_text().splitlines()) if f}
    items = []
    for path in sorted(folder.glob("*.flac")):
        reference = _rttm(folder / "ami.rttm", path.stem)
        if reference.get_timeline().support().duration() >= MIN_REFERENCE_SPEECH:
            items.append(Item(path.stem, path, reference, uem[path.stem]))
    return items


def fillets_set() -> list[Item]:
    import soundfile

    folder = REAL / "fillets_cs"
    return [Item(p.stem, p, _rttm(folder / f"{p.stem}.rttm", p.stem), (0.0, soundfile.info(str(p)).duration))
            for p in sorted(folder.glob("*.flac"))]


def conversation_items(conversations) -> list[Item]:
    return [Item(name, c.path, c.reference(), (0.0, c.duration)) for name, c in conversations]


def build_set(name: str, folder: Path) -> list[Item]:
    if name == "ami":
        return ami_set()
    if name == "fillets":
        return fillets_set()
    if name == "real":
        from tests.real_conversations import build_real_conversations

        return conversation_items(build_real_conversations(folder))
    from speaker_devset import build_dev_set

    return conversation_items((dev.name, c) for dev, c in build_dev_set(folder))


# -- methods ---------------------------------------------------------------------------------
class Bare:
    """pyannote's SpeakerDiarization with the reference settings."""

    def __init__(self) -> None:
        import torch

        from meeting_recorder.core.speakers.pipeline import build_pipeline
        from meeting_recorder.core.speakers.weights import find_weights

        torch.set_num_threads(1)
        self.pipeline, _ = build_pipeline(find_weights(), 0.1, 8)
        self.pipeline.instantiate({
            "segmentation": {"min_duration_off": 0.0},
            "clustering": {"method": "centroid", "min_cluster_size": 12, "threshold": 0.7},
        })

    def __call__(self, path: Path):
        import torch

        from meeting_recorder.core.audio import iter_blocks

        import numpy as np

        samples = np.concatenate(list(iter_blocks(path)))
        file = {"waveform": torch.from_numpy(samples).reshape(1, -1), "sample_rate": 16000, "uri": path.stem}
        with torch.inference_mode():
            return self.pipeline(file).speaker_diarization

    def close(self) -> None:
        self.pipeline = None


class App:
    def __init__(self, threshold: float | None = None) -> None:
        from meeting_recorder.core.speakers import DiarizeOptions, Diarizer

        self.diarizer = Diarizer()
        self.options = DiarizeOptions(exclusive=False, **({} if threshold is None else {"threshold": threshold}))

    def __call__(self, path: Path):
        from pyannote.core import Annotation, Segment

        annotation = Annotation(uri=path.stem)
        for index, turn in enumerate(self.diarizer.diarize_file(path, self.options)):
            annotation[Segment(turn.start, turn.end), index] = turn.speaker
        return annotation

    def close(self) -> None:
        self.diarizer.close()


def make_method(name: str, threshold: float | None = None):
    """``threshold``: the app's split threshold instead of its default (to tune it)."""
    return {"bare": Bare, "pyannote": lambda: App(threshold=-1.0), "app": lambda: App(threshold)}[name]()


# -- scoring ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Score:
    der: float
    missed: float
    false_alarm: float
    confusion: float
    found: int
    true: int
    seconds: float  # wall time of the method on this file


def score(item: Item, hypothesis, seconds: float) -> Score:
    from pyannote.core import Segment, Timeline
    from pyannote.metrics.diarization import DiarizationErrorRate

    metric = DiarizationErrorRate(collar=COLLAR, skip_overlap=False)
    detail = metric(item.reference, hypothesis, uem=Timeline([Segment(*item.scored)]), detailed=True)
    total = detail["total"] or 1.0
    return Score(
        detail["diarization error rate"], detail["missed detection"] / total, detail["false alarm"] / total,
        detail["confusion"] / total, len(hypothesis.labels()), len(item.reference.labels()), seconds,
    )


def run(sets: dict[str, list[Item]], methods: list[str], threshold: float | None = None):
    results: dict[tuple[str, str, str], Score] = {}
    for method_name in methods:
        method = make_method(method_name, threshold)
        for set_name, items in sets.items():
            for item in items:
                start = time.perf_counter()
                hypothesis = method(item.path)
                results[(method_name, set_name, item.uri)] = score(item, hypothesis, time.perf_counter() - start)
                print(f"  {method_name} {set_name} {item.uri} done", file=sys.stderr, flush=True)
        method.close()
    return results


def report(sets: dict[str, list[Item]], methods: list[str], results) -> None:
    print("\nper file: DER  missed  false alarm  confusion  speakers found/true")
    for set_name, items in sets.items():
        print(f"\n{set_name}")
        print(f"{'file':42s}" + "".join(f"{m:>36s}" for m in methods))
        for item in items:
            cells = []
            for m in methods:
                s = results[(m, set_name, item.uri)]
                cells.append(f"{s.der:6.3f} {s.missed:5.3f} {s.false_alarm:5.3f} {s.confusion:5.3f} {s.found:>3d}/{s.true}")
            print(f"{item.uri:42s}" + "".join(f"{c:>36s}" for c in cells))
    print("\nmeans: DER  confusion (max)  count right  RTF")
    for set_name, items in sets.items():
        cells = []
        for m in methods:
            rows = [results[(m, set_name, item.uri)] for item in items]
            mean = sum(r.der for r in rows) / len(rows)
            confusion = sum(r.confusion for r in rows) / len(rows)
            worst = max(r.confusion for r in rows)
            right = sum(r.found == r.true for r in rows)
            rtf = sum(r.seconds for r in rows) / sum(i.scored[1] - i.scored[0] for i in items)
            cells.append(f"{mean:6.3f} {confusion:5.3f} ({worst:4.2f}) {right:>2d}/{len(rows)} {rtf:5.3f}")
        print(f"{set_name:10s}" + "".join(f"{m + ': ' + c:>44s}" for m, c in zip(methods, cells)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", default=",".join(SETS), help=f"comma list of {', '.join(SETS)}")
    parser.add_argument("--methods", default=",".join(METHODS), help=f"comma list of {', '.join(METHODS)}")
    parser.add_argument("--threshold", type=float, help="the app's split threshold (default: the shipped one)")
    args = parser.parse_args(argv)
    import meeting_recorder  # noqa: F401  (privacy/offline variables before pyannote loads)
    from meeting_recorder.core.speakers.torchaudio_compat import import_pyannote_audio

    import_pyannote_audio()
    print(f"eval_speakers  {time.strftime('%Y-%m-%dT%H:%M:%S')}\nmachine: {machine()}")
    methods = args.methods.split(",")
    with tempfile.TemporaryDirectory(prefix="eval_speakers_") as tmp:
        sets = {name: build_set(name, Path(tmp) / name) for name in args.sets.split(",")}
        results = run(sets, methods, args.threshold)
    report(sets, methods, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
