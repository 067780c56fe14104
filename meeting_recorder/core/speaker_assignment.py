"""Give transcript segments the speaker of the diarization turns they overlap.

Each word goes to the speaker who talks most during it (nearest turn when none overlaps);
a segment whose words change speaker is split at those words, so a quick exchange inside
one Whisper segment still reads as two speakers.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from itertools import accumulate

from meeting_recorder.core.speakers.turns import SpeakerTurn as Turn
from meeting_recorder.core.transcript import Segment, Word


def _overlap(start: float, end: float, turn: Turn) -> float:
    return max(0.0, min(end, turn.end) - max(start, turn.start))


class TurnIndex:
    """Turns sorted once so each look-up costs O(log n) per overlapping turn, not O(n).

    Answers exactly as a plain scan over ``turns`` in the given order would, ties included:
    overlaps are summed in that order, and the first turn wins among equally near ones.
    """

    def __init__(self, turns: Sequence[Turn]):
        self.turns = list(turns)
        count = len(self.turns)
        by_start = sorted(range(count), key=lambda i: self.turns[i].start)
        by_end = sorted(range(count), key=lambda i: self.turns[i].end)
        self._start_owner = by_start  # position in start order -> index into turns
        self._starts = [self.turns[i].start for i in by_start]
        self._end_owner = by_end
        self._ends = [self.turns[i].end for i in by_end]
        # Over turns in start order: their ends, the running max of those, and
        # _max_end[k][p] = max of the ends at positions p .. p + 2**k - 1 (a sparse table).
        ends = [self.turns[i].end for i in by_start]
        self._running_max_end = list(accumulate(ends, max))
        self._max_end = [ends]
        width = 1
        while 2 * width <= count:
            level = self._max_end[-1]
            self._max_end.append([max(a, b) for a, b in zip(level, level[width:])])
            width *= 2

    def speaker_at(self, start: float, end: float) -> str | None:
        """The speaker with the most overlap with [start, end]; else the nearest turn's."""
        if not self.turns:
            return None
        talk: dict[str, float] = {}
        for index in self._overlapping(start, end):
            turn = self.turns[index]
            shared = _overlap(start, end, turn)
            if shared > 0:
                talk[turn.speaker] = talk.get(turn.speaker, 0.0) + shared
        if talk:
            return max(talk, key=talk.__getitem__)
        return self.turns[self._nearest((start + end) / 2)].speaker

    def _overlapping(self, start: float, end: float) -> list[int]:
        """Indices (ascending) of the turns starting before ``end`` and ending after ``start``."""
        found = []
        position = bisect_left(self._starts, end)  # turns at positions below start before `end`
        while (position := self._last_ending_after(start, position)) >= 0:
            found.append(self._start_owner[position])
        found.sort()
        return found

    def _last_ending_after(self, time: float, position: int) -> int:
        """The last position before ``position`` (start order) whose turn ends after ``time``; else -1."""
        if position == 0 or self._running_max_end[position - 1] <= time:
            return -1
        if self._max_end[0][position - 1] > time:  # the usual case: the turn just before
            return position - 1
        # Some earlier (long) turn still ends after `time`: skip, largest first, the blocks of
        # turns that all end by `time`; the turn just before what is left is the one.
        for level in reversed(range(len(self._max_end))):
            width = 1 << level
            if position >= width and self._max_end[level][position - width] <= time:
                position -= width
        return position - 1

    def _nearest(self, middle: float) -> int:
        """Index of the turn with a start or end nearest ``middle``; the lowest index on ties."""
        best_distance, best = float("inf"), 0  # 0 stays only if no distance is finite, as min() does
        for values, owners in ((self._starts, self._start_owner), (self._ends, self._end_owner)):
            split = bisect_left(values, middle)
            # Distances grow walking away from `middle` either way: walk while they tie or beat.
            for step, position in ((-1, split - 1), (1, split)):
                while 0 <= position < len(values):
                    distance = abs(middle - values[position])
                    if not distance <= best_distance:
                        break
                    if distance < best_distance or owners[position] < best:
                        best_distance, best = distance, owners[position]
                    position += step
        return best


def speaker_at(start: float, end: float, turns: Sequence[Turn] | TurnIndex) -> str | None:
    """The speaker with the most overlap with [start, end]; else the nearest turn's.

    For many look-ups over the same turns, pass a ``TurnIndex`` of them (built once).
    """
    index = turns if isinstance(turns, TurnIndex) else TurnIndex(turns)
    return index.speaker_at(start, end)


def _split_by_word_speaker(segment: Segment, turns: TurnIndex) -> list[Segment]:
    runs: list[tuple[str | None, list[Word]]] = []
    for word in segment.words:
        speaker = turns.speaker_at(word.start, word.end)
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
    # Sorted by start as before, so ties still go to the earliest-starting turn.
    index = TurnIndex(sorted(turns, key=lambda t: t.start))
    result: list[Segment] = []
    for segment in segments:
        if segment.words:
            result.extend(_split_by_word_speaker(segment, index))
        else:
            speaker = index.speaker_at(segment.start, segment.end)
            result.append(Segment(segment.start, segment.end, segment.text, [], speaker))
    return result
