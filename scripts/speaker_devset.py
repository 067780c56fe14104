"""The synthetic speaker dev set shared by ``eval_speakers.py`` and ``bench_speakers.py``.

Five espeak-ng conversations (voices A–D of ``tests/conversations.py``, which CAM++ tells
apart) with 2–4 speakers and short, mixed and long turns. Built at run time, never committed.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.conversations import Conversation, make_conversation  # noqa: E402


@dataclass(frozen=True)
class DevConversation:
    name: str
    voices: str
    seconds: float
    seed: int
    turn_seconds: tuple[float, float]


DEV_SET = (
    DevConversation("ab-short-turns", "AB", 90, 11, (1.0, 3.0)),
    DevConversation("abc-mixed-turns", "ABC", 120, 12, (2.0, 8.0)),
    DevConversation("abcd-long-turns", "ABCD", 150, 13, (4.0, 15.0)),
    DevConversation("bd-monologues", "BD", 90, 14, (8.0, 20.0)),
    DevConversation("acd-quick-exchange", "ACD", 120, 15, (1.0, 4.0)),
)


def build_dev_set(folder: Path) -> list[tuple[DevConversation, Conversation]]:
    return [
        (dev, make_conversation(folder / f"{dev.name}.wav", dev.voices, dev.seconds, dev.seed, dev.turn_seconds))
        for dev in DEV_SET
    ]


def der(conversation: Conversation, turns) -> float:
    """Diarization error rate (pyannote.metrics, no collar, overlap scored) over the whole file."""
    from pyannote.core import Annotation, Segment, Timeline
    from pyannote.metrics.diarization import DiarizationErrorRate

    hypothesis = Annotation()
    for turn in turns:
        hypothesis[Segment(turn.start, turn.end)] = turn.speaker
    uem = Timeline([Segment(0, conversation.duration)])
    return float(DiarizationErrorRate(collar=0.0, skip_overlap=False)(conversation.reference(), hypothesis, uem=uem))
