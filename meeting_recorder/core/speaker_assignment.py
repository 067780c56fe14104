"""Give transcript segments the speaker of the diarization turns they overlap.

Each word goes to the speaker who talks most during it (nearest turn when none overlaps);
a segment whose words change speaker is split at those words, so a quick exchange inside
one Whisper segment still reads as two speakers.
"""

from __future__ import annotations

from collections.abc import Sequence

from meeting_recorder.core.speakers.linking import SpeakerTurn as Turn
from meeting_recorder.core.transcript import Segment, Word


def _overlap(start: float, end: float, turn: Turn) -> float:
    return max(0.0, min(end, turn.end) - max(start, turn.start))


def speaker_at(start: float, end: float, turns: Sequence[Turn]) -> str | None:
    """The speaker with the most overlap with [start, end]; else the nearest turn's."""
    if not turns:
        return None
    talk: dict[str, float] = {}
    for turn in turns:
        shared = _overlap(start, end, turn)
        if shared > 0:
            talk[turn.speaker] = talk.get(turn.speaker, 0.0) + shared
    if talk:
        return max(talk, key=talk.__getitem__)
    middle = (start + end) / 2
    nearest = min(turns, key=lambda t: min(abs(middle - t.start), abs(middle - t.end)))
    return nearest.speaker


def _split_by_word_speaker(segment: Segment, turns: Sequence[Turn]) -> list[Segment]:
    runs: list[tuple[str | None, list[Word]]] = []
    for word in segment.words:
        speaker = speaker_at(word.start, word.end, turns)
        if runs and runs[-1][0] == speaker:
            runs[-1][1].append(word)
        else:
            runs.append((speaker, [word]))
    if len(runs) == 1:
        return [Segment(segment.start, segment.end, segment.text, segment.words, runs[0][0])]
    pieces = []
    for index, (speaker, words) in enumerate(runs):
        start = segment.start if index == 0 else words[0].start
        end = segment.end if index == len(runs) - 1 else words[-1].end
        text = "".join(w.word for w in words).strip()
        pieces.append(Segment(start, end, text, words, speaker))
    return pieces


def assign_speakers(segments: Sequence[Segment], turns: Sequence[Turn]) -> list[Segment]:
    """New segments with ``speaker`` set, split where the speaker changes mid-segment."""
    ordered = sorted(turns, key=lambda t: t.start)
    result: list[Segment] = []
    for segment in segments:
        if segment.words:
            result.extend(_split_by_word_speaker(segment, ordered))
        else:
            speaker = speaker_at(segment.start, segment.end, ordered)
            result.append(Segment(segment.start, segment.end, segment.text, [], speaker))
    return result
