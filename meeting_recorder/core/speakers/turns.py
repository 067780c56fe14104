"""Who speaks when: the result of diarization and of live labels, used by the transcript."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SpeakerTurn:
    start: float  # seconds from the start of the audio
    end: float
    speaker: str  # "SPEAKER_00", "SPEAKER_01", … in order of first appearance, or a name
