"""Live speaker labels on synthetic conversations with quick turns: how much of the word time
gets the right label, with labels per piece of an utterance (the app) and, side by side in
the same run, with one label per utterance (the earlier behaviour).

Conversations come from tests/conversations.py (espeak-ng voices, pauses of 0.2–0.8 s, so
about half the turns change inside one live utterance); single-voice files check that one
voice stays one label. Each file is played through a LiveSession at 5x real time, so the
transcriber stays near real time as it would live (far behind, it labels whole utterances
to catch up), with Whisper tiny.en and CAM++ kept loaded.

    .venv/bin/python scripts/bench_live_speakers.py        # ~5 min on 2 cores
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import datetime
from itertools import permutations
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from meeting_recorder.core.engine import TranscriptionEngine  # noqa: E402
from meeting_recorder.core.live_session import LiveCallbacks, LiveSession, LiveSettings  # noqa: E402
from meeting_recorder.core.sources import FileSource  # noqa: E402
from meeting_recorder.core.speakers import live_labels  # noqa: E402
from meeting_recorder.core.speakers.embedding import Embedder  # noqa: E402
from meeting_recorder.core.transcript import Segment  # noqa: E402
from bench_writer import machine  # noqa: E402
from tests.conversations import SAMPLE_RATE, WORDS, Conversation, make_conversation, synthesize, write_wav  # noqa: E402

def conversations(media: Path) -> list[tuple[str, Conversation]]:
    made = [
        ("AB, 40 s", make_conversation(media / "ab3.wav", "AB", 40, seed=3)),
        ("AB, 60 s", make_conversation(media / "ab5.wav", "AB", 60, seed=5)),
        ("AB, 60 s, turns 4-10 s", make_conversation(media / "ab8.wav", "AB", 60, seed=8, turn_seconds=(4.0, 10.0))),
        ("ABC, 45 s", make_conversation(media / "abc7.wav", "ABC", 45, seed=7)),
        ("ABC, 90 s", make_conversation(media / "abc11.wav", "ABC", 90, seed=11)),
    ]
    return made


def monologue(media: Path, voice: str, seconds: float = 60.0) -> tuple[str, Conversation]:
    """One voice, phrases of 6-20 words with the same 0.2-0.8 s pauses as the conversations."""
    rng, pieces, turns, t = random.Random(2), [], [], 0.0
    while t < seconds:
        count = rng.randint(6, 20)
        start = rng.randrange(len(WORDS) - count)
        speech = synthesize(" ".join(WORDS[start : start + count]), voice)
        pause = np.zeros(int(rng.uniform(0.2, 0.8) * SAMPLE_RATE), np.float32)
        turns.append((t, t + len(speech) / SAMPLE_RATE, voice))
        pieces += [speech, pause]
        t += (len(speech) + len(pause)) / SAMPLE_RATE
    path = media / f"monologue_{voice}.wav"
    write_wav(path, np.concatenate(pieces))
    return f"one voice ({voice}), 60 s", Conversation(path, turns, t)


def accuracy(segments: list[Segment], conversation: Conversation) -> float:
    """Share of word time whose label is the true voice's under the best one-to-one map."""
    table: dict[str | None, Counter] = defaultdict(Counter)
    for segment in segments:
        for word in segment.words:
            voice = conversation.voice_at(word.start, word.end)
            if voice:
                table[segment.speaker][voice] += word.end - word.start
    voices = sorted({v for row in table.values() for v in row})
    total = sum(sum(row.values()) for row in table.values())
    labels = list(table)
    if len(labels) >= len(voices):
        best = max(sum(table[l][v] for l, v in zip(p, voices)) for p in permutations(labels, len(voices)))
    else:
        best = max(sum(table[l][v] for l, v in zip(labels, p)) for p in permutations(voices, len(labels)))
    return best / total if total else 0.0


def run(path: Path, engine: TranscriptionEngine, embedder: Embedder) -> list[Segment]:
    segments: list[Segment] = []
    with tempfile.TemporaryDirectory() as out:
        session = LiveSession(FileSource(path, speed=5.0), LiveSettings(out_dir=Path(out), keep_models_loaded=True),
                              LiveCallbacks(status=lambda _: None, segment=segments.append, error=print),
                              engine=engine, embedder=embedder)
        session.start()
        session.wait(900)
        session.stop()
    return segments


def whole_utterance(segments, offset, duration, **_) -> list[tuple[float, float]]:
    return [(0.0, duration)]  # the earlier behaviour: one label per utterance


def main() -> int:
    argparse.ArgumentParser(description=__doc__.split("\n\n")[0]).parse_args()
    print(f"bench_live_speakers  {datetime.now().isoformat(timespec='seconds')}")
    print(f"machine: {machine()}; model tiny.en, Whisper and CAM++ kept loaded")
    pieces: Callable = live_labels.pieces_at_pauses
    with tempfile.TemporaryDirectory() as media_dir:
        media = Path(media_dir)
        files = conversations(media) + [monologue(media, voice) for voice in "ABC"]
        engine, embedder = TranscriptionEngine("tiny.en"), Embedder(num_threads=1)
        engine.load()
        embedder.load()
        print(f"{'file':28s} {'voices':>6s}  {'per piece (app)':>22s}  {'per utterance (before)':>22s}")
        print(f"{'':28s} {'':>6s}  {'labels  accuracy':>22s}  {'labels  accuracy':>22s}")
        for name, conversation in files:
            row = []
            for splitter in (pieces, whole_utterance):
                live_labels.pieces_at_pauses = splitter
                segments = run(conversation.path, engine, embedder)
                row.append((len({s.speaker for s in segments}), accuracy(segments, conversation)))
            live_labels.pieces_at_pauses = pieces
            voices = len(conversation.speakers)
            print(f"{name:28s} {voices:6d}  {row[0][0]:>12d} {row[0][1]:9.3f}  {row[1][0]:>12d} {row[1][1]:9.3f}",
                  flush=True)
        embedder.close()
        engine.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
