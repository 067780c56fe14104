#!/usr/bin/env python3
"""The live path's words, and the speech its VAD finds, wherever the audio blocks fall.

Usage::

    .venv/bin/python scripts/eval_live_vad.py [--phases 8] [--sets real,espeak,ami] [--json PATH]

The live transcriber (``LiveTranscriber``: ring → level follower → Silero VAD segmenter →
tiny.en, speaker labels off) hears the same stream several times, each time after a few
samples of silence more (``--phases`` offsets in [0, 2048), a fixed pseudo-random set), as
happens when a device starts a little earlier or later. A live transcript should not
depend on that; its spread over the offsets is the measure.

Sets:
- ``real``: real voices with their reference words (``../shared/data/real/voices``):
  librivox (5 sentences), librispeech_mfa (3 files), allison_8k (39 prompts, 8 kHz),
  each set one stream of its recordings (resampled to 16 kHz) with 1.2 s pauses over a
  -60 dBFS noise floor. WER per set: mean, min and max over the offsets.
- ``espeak``: both sides of the test call (``tests/calls.py``): WER the same way.
- ``ami``: the 12 real far-field meeting excerpts: seconds of reference speech
  (``ami.rttm``, inside ``ami.uem``) inside the live segmenter's utterances, and seconds of
  utterance outside it (false alarm; includes the 0.2 s pads), mean over the offsets.

It only uses the app's own entry points, so the same file measures the code before a
change (``PYTHONPATH=<old checkout>``) and after it.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

import numpy as np
import soundfile as sf
from scipy import signal

ROOT = Path(__file__).resolve().parents[1]
sys.path.append(str(ROOT))  # tests.calls; appended: the measured code (PYTHONPATH) comes first
DATA = ROOT.parent / "shared" / "data" / "real"
VOICES = DATA / "voices"
RATE = 16000
FRAME = 512
PAUSE_SECONDS = 1.2
NOISE_DBFS = -60.0


def words(text: str) -> list[str]:
    import re

    return re.sub(r"[^a-z0-9' ]", " ", text.lower().replace("-", " ")).split()


def wer(reference: str, hypothesis: str) -> float:
    import jiwer

    return float(jiwer.wer(" ".join(words(reference)), " ".join(words(hypothesis)) or "<empty>"))


def load(path: Path) -> np.ndarray:
    samples, rate = sf.read(path, dtype="float32", always_2d=True)
    mono = samples.mean(axis=1)
    return mono if rate == RATE else signal.resample_poly(mono, RATE, rate).astype(np.float32)


def real_sets() -> dict[str, list[tuple[Path, str]]]:
    """Set name → (recording, its words)."""
    librivox = []
    for line in (VOICES / "librivox" / "transcription").read_text().splitlines():
        text, _, name = line.replace("<s>", "").replace("</s>", "").rpartition("(")
        path = VOICES / "librivox" / f"{name.strip(') ')}.wav"
        if path.is_file():
            librivox.append((path, text.strip()))
    librispeech = [(lab.with_suffix(suffix), lab.read_text().strip())
                   for lab in sorted((VOICES / "librispeech_mfa").glob("*.lab"))
                   for suffix in (".wav", ".flac") if lab.with_suffix(suffix).is_file()]
    allison = []
    for line in (VOICES / "allison_8k" / "transcripts.tsv").read_text().splitlines():
        name, _, text = line.partition("\t")
        if name and name != "tt-monkeys.wav" and (VOICES / "allison_8k" / name).is_file():
            allison.append((VOICES / "allison_8k" / name, text.strip()))
    return {"librivox": librivox, "librispeech": librispeech, "allison_8k": allison}


def stream_of(parts: list[np.ndarray], seed: int) -> np.ndarray:
    """The parts one after another, PAUSE_SECONDS apart, over a faint noise floor."""
    pause = np.zeros(int(PAUSE_SECONDS * RATE), np.float32)
    audio = np.concatenate([x for part in parts for x in (pause, part)] + [pause])
    floor = np.random.default_rng(seed).normal(0, 10 ** (NOISE_DBFS / 20), len(audio))
    return (audio + floor).astype(np.float32)


def offsets(count: int) -> list[int]:
    rng = random.Random(7)
    return [0] + sorted(rng.randrange(1, 2048) for _ in range(count - 1))


def live_segments(engine, audio: np.ndarray, offset: int, pad: float | None = None) -> list:
    """What the live transcriber commits for ``audio`` after ``offset`` samples of silence
    (offsets removed from the segment times)."""
    from meeting_recorder.core.engine import TranscribeOptions
    from meeting_recorder.core.live_transcriber import LiveTranscriber
    from meeting_recorder.core.ring_buffer import RingBuffer
    from meeting_recorder.core.segmenter import SegmenterOptions

    ring = RingBuffer(offset + len(audio) + RATE)
    ring.write(np.concatenate([np.zeros(offset, np.float32), audio]))
    segments, errors = [], []
    options = SegmenterOptions() if pad is None else SegmenterOptions(pad_seconds=pad)
    transcriber = LiveTranscriber(ring, engine, TranscribeOptions(language="en"), options,
                                  segments.append, lambda event: None, errors.append)
    transcriber.start()
    transcriber.finish(3600)
    assert not errors, errors
    return segments


def live_utterances(audio: np.ndarray, offset: int) -> list[tuple[int, int]]:
    """The live segmenter's utterances (sample spans of ``audio``), fed 0.25 s blocks
    through the level follower, as the live transcriber does."""
    from meeting_recorder.core.levels import LevelFollower
    from meeting_recorder.core.segmenter import Segmenter
    from meeting_recorder.core.worker import make_vad

    stream = np.concatenate([np.zeros(offset, np.float32), audio])
    follower, segmenter = LevelFollower(), Segmenter(vad_model=make_vad())
    utterances = []
    step = RATE // 4
    for start in range(0, len(stream), step):
        utterances += segmenter.feed(follower.process(stream[start : start + step]))
    utterances += segmenter.flush()
    return [(u.start - offset, u.end - offset) for u in utterances]


def ami_reference(file_id: str, frames: int) -> tuple[np.ndarray, np.ndarray]:
    """Per 32 ms frame: someone speaks (ami.rttm); inside the scored region (ami.uem)."""
    speech, scored = np.zeros(frames, bool), np.zeros(frames, bool)
    for line in (DATA / "ami" / "ami.uem").read_text().splitlines():
        parts = line.split()
        if parts and parts[0] == file_id:
            scored[int(float(parts[2]) * RATE / FRAME) : int(float(parts[3]) * RATE / FRAME)] = True
    for line in (DATA / "ami" / "ami.rttm").read_text().splitlines():
        parts = line.split()
        if len(parts) > 4 and parts[1] == file_id:
            onset, duration = float(parts[3]), float(parts[4])
            speech[int(onset * RATE / FRAME) : int((onset + duration) * RATE / FRAME) + 1] = True
    return speech, scored


def run_wer_set(name: str, engine, reference: str, audio: np.ndarray, phases: list[int], pad: float | None) -> dict:
    rates, texts = [], set()
    for offset in phases:
        text = " ".join(segment.text for segment in live_segments(engine, audio, offset, pad))
        rates.append(wer(reference, text))
        texts.add(text)
        print(f"  {name:14s} offset {offset:4d}: WER {rates[-1]:.3f}", flush=True)
    row = {"seconds": round(len(audio) / RATE, 1), "words": len(words(reference)), "wer_mean": round(float(np.mean(rates)), 4),
           "wer_min": round(min(rates), 4), "wer_max": round(max(rates), 4), "distinct_texts": len(texts)}
    print(f"{name:14s} {json.dumps(row)}", flush=True)
    return row


def run_ami(phases: list[int]) -> dict:
    rows = {}
    for path in sorted((DATA / "ami").glob("*.flac")):
        audio = load(path)
        frames = len(audio) // FRAME + 1
        speech, scored = ami_reference(path.stem, frames)
        hits, false_alarms, spans = [], [], set()
        for offset in phases:
            inside = np.zeros(frames, bool)
            utterances = live_utterances(audio, offset)
            spans.add(tuple(utterances))
            for start, end in utterances:
                inside[max(0, start) // FRAME : max(0, end) // FRAME] = True
            hits.append((inside & speech & scored).sum() * FRAME / RATE)
            false_alarms.append((inside & ~speech & scored).sum() * FRAME / RATE)
        rows[path.stem] = {"speech_s": round(float((speech & scored).sum() * FRAME / RATE), 2),
                           "hit_s": round(float(np.mean(hits)), 2), "hit_min_s": round(float(min(hits)), 2),
                           "hit_max_s": round(float(max(hits)), 2), "false_alarm_s": round(float(np.mean(false_alarms)), 2),
                           "distinct_cuts": len(spans)}
        print(f"ami {path.stem}: {json.dumps(rows[path.stem])}", flush=True)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--phases", type=int, default=8)
    parser.add_argument("--sets", default="real,espeak,ami")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--pad", type=float, help="the segmenter's pad_seconds (default: the app's)")
    parser.add_argument("--only", default="", help="real sets to run (comma-separated; default all)")
    args = parser.parse_args()
    os.environ.setdefault("MEETING_RECORDER_IN_PROCESS", "1")  # one process: the measured code only

    import meeting_recorder
    from meeting_recorder.core.engine import TranscriptionEngine

    chosen = set(args.sets.split(","))
    phases = offsets(args.phases)
    print(f"code: {Path(meeting_recorder.__file__).parent}; offsets {phases}", flush=True)
    results: dict = {"code": str(Path(meeting_recorder.__file__).parent), "offsets": phases}
    started = time.monotonic()
    engine = TranscriptionEngine("tiny.en")
    engine.load()
    if "real" in chosen:
        for index, (name, items) in enumerate(real_sets().items()):
            if args.only and name not in args.only.split(","):
                continue
            audio = stream_of([load(path) for path, _ in items], seed=index)
            reference = " ".join(text for _, text in items)
            results[name] = run_wer_set(name, engine, reference, audio, phases, args.pad)
    if "espeak" in chosen:
        import tempfile

        from tests.calls import make_call

        with tempfile.TemporaryDirectory(prefix="eval-live-vad-") as temp:
            call = make_call(Path(temp))
            for name, path, lines in (("espeak_local", call.mic, call.local_lines),
                                      ("espeak_remote", call.system, call.remote_lines)):
                results[name] = run_wer_set(name, engine, " ".join(t for *_, t in lines), load(path), phases, args.pad)
    if "ami" in chosen:
        results["ami"] = run_ami(phases)
    engine.close()
    results["seconds"] = round(time.monotonic() - started, 1)
    print(f"done in {results['seconds']} s", flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
