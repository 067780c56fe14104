"""Live speaker labels on conversations with known turns: how much of the word time gets the
right label (best one-to-one map of labels to voices) and how many labels appear.

Sets (``--sets``, default all):

- ``espeak``: synthetic conversations from tests/conversations.py (espeak-ng voices, pauses of
  0.2–0.8 s, so about half the turns change inside one live utterance) and one-voice files,
  played at 5x real time with Whisper tiny.en; labels per piece of an utterance (the app) and,
  side by side, one label per utterance (the earlier behaviour). ~5 min on 2 cores.
- ``fillets``: the six real two-person Czech dialogues in shared/data/real/fillets_cs (voice
  actors, reference lines in NAME.json), at real time with Whisper base, language cs. ~12 min.
- ``real``: conversations of real voices assembled by tests/real_conversations.py (telephone
  band, several similar male voices, exact reference turns), at real time with tiny.en. ~9 min.

For the real sets the second column is the accuracy once the labels that ``LiveLabels``
revises after the fact (pieces of earlier utterances that turned out to be a new voice,
``LiveLabels.revised``) are applied, as a caller that relabels shown text would see it.
CAM++ and Whisper stay loaded between files.

    .venv/bin/python scripts/bench_live_speakers.py                 # all sets, ~26 min on 2 cores
    .venv/bin/python scripts/bench_live_speakers.py --sets fillets,real
"""

from __future__ import annotations

import argparse
import json
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
from tests.real_conversations import build_real_conversations, real_voices_dir  # noqa: E402

SETS = ("espeak", "fillets", "real")
FILLETS = real_voices_dir().parent / "fillets_cs"


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


def fillets() -> list[tuple[str, Conversation]]:
    """The fillets dialogues with their reference lines as turns."""
    made = []
    for path in sorted(FILLETS.glob("*.flac")):
        lines = json.loads(path.with_suffix(".json").read_text())
        turns = [(line["start"], line["end"], line["speaker"]) for line in lines]
        made.append((f"fillets {path.stem}", Conversation(path, turns, max(end for _, end, _ in turns))))
    return made


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


def revise(segments: list[Segment], revised: list[tuple[float, float, str]]) -> list[Segment]:
    """The segments word by word, each word taking the revised label of the piece it is in."""
    words = []
    for segment in segments:
        for word in segment.words:
            speaker = segment.speaker
            middle = (word.start + word.end) / 2
            for start, end, label in revised:  # in order: a later revision wins
                if start <= middle < end:
                    speaker = label
            words.append(Segment(word.start, word.end, word.word, [word], speaker))
    return words


def run(path: Path, engine: TranscriptionEngine, embedder: Embedder, speed: float, language: str,
        model: str) -> tuple[list[Segment], list[tuple[float, float, str]]]:
    """Play ``path`` through a LiveSession; its segments and the labels revised afterwards."""
    segments: list[Segment] = []
    made = []
    original = LiveSession._speaker_labels

    def keep(self):
        labels = original(self)
        made.append(labels)
        return labels

    LiveSession._speaker_labels = keep
    try:
        with tempfile.TemporaryDirectory() as out:
            settings = LiveSettings(out_dir=Path(out), keep_models_loaded=True, language=language, model=model)
            session = LiveSession(FileSource(path, speed=speed), settings,
                                  LiveCallbacks(status=lambda _: None, segment=segments.append, error=print),
                                  engine=engine, embedder=embedder)
            session.start()
            session.wait(1800)
            session.stop()
    finally:
        LiveSession._speaker_labels = original
    return segments, list(made[0].revised) if made and made[0] is not None else []


def whole_utterance(segments, offset, duration, **_) -> list[tuple[float, float]]:
    return [(0.0, duration)]  # the earlier behaviour: one label per utterance


def header(second: str) -> None:
    print(f"{'file':34s} {'voices':>6s}  {'labels':>6s} {'accuracy':>9s}  {second}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", default=",".join(SETS), help=f"comma-separated, of {', '.join(SETS)}")
    chosen = parser.parse_args().sets.split(",")
    if unknown := set(chosen) - set(SETS):
        parser.error(f"unknown set(s): {', '.join(sorted(unknown))}")
    print(f"bench_live_speakers  {datetime.now().isoformat(timespec='seconds')}  sets: {', '.join(chosen)}")
    print(f"machine: {machine()}; Whisper and CAM++ kept loaded")
    embedder = Embedder(num_threads=1)
    embedder.load()
    engines: dict[str, TranscriptionEngine] = {}

    def engine(model: str) -> TranscriptionEngine:
        if model not in engines:
            engines[model] = TranscriptionEngine(model)
            engines[model].load()
        return engines[model]

    with tempfile.TemporaryDirectory() as media_dir:
        media = Path(media_dir)
        if "espeak" in chosen:
            print("\nespeak voices, 5x real time, tiny.en")
            header("labels/accuracy with one label per utterance (before pieces)")
            pieces: Callable = live_labels.pieces_at_pauses
            for name, conversation in conversations(media) + [monologue(media, voice) for voice in "ABC"]:
                row = []
                for splitter in (pieces, whole_utterance):
                    live_labels.pieces_at_pauses = splitter
                    segments, _ = run(conversation.path, engine("tiny.en"), embedder, 5.0, "en", "tiny.en")
                    row.append((len({s.speaker for s in segments}), accuracy(segments, conversation)))
                live_labels.pieces_at_pauses = pieces
                print(f"{name:34s} {len(conversation.speakers):6d}  {row[0][0]:6d} {row[0][1]:9.3f}  "
                      f"{row[1][0]:6d} {row[1][1]:9.3f}", flush=True)
        real_sets = []
        if "fillets" in chosen:
            real_sets.append(("fillets_cs dialogues (Czech), real time, Whisper base", fillets(), "cs", "base"))
        if "real" in chosen:
            made = [(name.removeprefix("real_"), c) for name, c in build_real_conversations(media / "real")]
            real_sets.append(("assembled real voices (telephone band), real time, tiny.en", made, "en", "tiny.en"))
        for title, files, language, model in real_sets:
            print(f"\n{title}")
            header("accuracy once revised labels are applied")
            scores = []
            for name, conversation in files:
                segments, revised = run(conversation.path, engine(model), embedder, 1.0, language, model)
                labels = len({s.speaker for s in segments})
                shown, fixed = accuracy(segments, conversation), accuracy(revise(segments, revised), conversation)
                scores.append((shown, fixed, labels - len(conversation.speakers)))
                print(f"{name:34s} {len(conversation.speakers):6d}  {labels:6d} {shown:9.3f}  {fixed:9.3f} "
                      f"({len(revised)} revised)", flush=True)
            shown, fixed, extra = zip(*scores)
            print(f"{'mean / min':34s} {'':6s}  {'':6s} {np.mean(shown):9.3f}  {np.mean(fixed):9.3f}; "
                  f"min {min(shown):.3f} / {min(fixed):.3f}; labels - voices: {list(extra)}", flush=True)
    embedder.close()
    for loaded in engines.values():
        loaded.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
