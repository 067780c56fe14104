import random
import time

import numpy as np

from meeting_recorder.core import speaker_assignment
from meeting_recorder.core.speaker_assignment import Turn, TurnIndex, assign_speakers, speaker_at
from meeting_recorder.core.transcript import Segment, Word


def words(*items):
    return [Word(start, end, text) for start, end, text in items]


TURNS = [Turn(0.0, 4.0, "SPEAKER_00"), Turn(4.2, 9.0, "SPEAKER_01")]


def test_segment_takes_the_speaker_with_most_overlap():
    assert speaker_at(3.0, 6.0, TURNS) == "SPEAKER_01"
    assert speaker_at(0.5, 4.1, TURNS) == "SPEAKER_00"
    assert speaker_at(20.0, 21.0, TURNS) == "SPEAKER_01", "nearest turn when nothing overlaps"
    assert speaker_at(1.0, 2.0, []) is None


def test_segment_is_split_where_the_speaker_changes():
    segment = Segment(1.0, 7.0, "How are you? Fine, thanks.",
                      words(((1.0, 1.5, " How")), (1.5, 1.8, " are"), (1.8, 3.0, " you?"),
                            (4.5, 5.0, " Fine,"), (5.0, 7.0, " thanks.")))
    first, second = assign_speakers([segment], TURNS)
    assert (first.text, first.speaker, first.start, first.end) == ("How are you?", "SPEAKER_00", 1.0, 3.0)
    assert (second.text, second.speaker, second.start, second.end) == ("Fine, thanks.", "SPEAKER_01", 4.5, 7.0)


def test_segment_without_words_is_kept_whole():
    [segment] = assign_speakers([Segment(5.0, 6.0, "Okay.")], TURNS)
    assert segment.speaker == "SPEAKER_01" and segment.text == "Okay."


# -- live: one utterance cut into pieces for speaker labels -----------------------------------
def test_live_pieces_cut_at_pauses_and_segment_boundaries():
    from meeting_recorder.core.speakers.live_labels import pieces_at_pauses

    # Utterance from 10.0 s, 6 s long: a 0.3 s pause inside the first segment, then a second segment.
    first = Segment(10.0, 13.5, "one two three", words((10.1, 10.9, " one"), (10.9, 11.6, " two"),
                                                        (11.9, 13.5, " three")))
    second = Segment(13.6, 15.9, "four five", words((13.6, 14.5, " four"), (14.5, 15.9, " five")))
    pieces = pieces_at_pauses([first, second], offset=10.0, duration=6.0)
    assert [(round(a, 2), round(b, 2)) for a, b in pieces] == [(0.0, 1.75), (1.75, 3.55), (3.55, 6.0)]


def test_live_pieces_cover_the_utterance_and_are_never_too_short():
    from meeting_recorder.core.speakers.live_labels import pieces_at_pauses

    # Pauses every 0.5 s: the pieces they would make are too short and join their neighbours.
    many = Segment(0.0, 5.0, "x", [Word(t, t + 0.25, " x") for t in np.arange(0.0, 5.0, 0.5)])
    pieces = pieces_at_pauses([many], offset=0.0, duration=5.0, min_piece=1.0)
    assert pieces[0][0] == 0.0 and pieces[-1][1] == 5.0
    assert all(a[1] == b[0] for a, b in zip(pieces, pieces[1:])), "no gaps, no overlaps"
    assert all(end - start >= 1.0 for start, end in pieces)
    # No pause, no words, or an utterance shorter than one piece: one piece, as a whole.
    assert pieces_at_pauses([Segment(2.0, 4.0, "x")], offset=2.0, duration=2.5) == [(0.0, 2.5)]
    assert pieces_at_pauses([many], offset=0.0, duration=0.8) == [(0.0, 0.8)]


# -- speaker look-ups through a TurnIndex: same answers as the plain scan, much faster ---------
def reference_speaker_at(start, end, turns):
    """The plain O(turns) scan that TurnIndex replaced, kept as the reference."""
    if not turns:
        return None
    talk = {}
    for turn in turns:
        shared = max(0.0, min(end, turn.end) - max(start, turn.start))
        if shared > 0:
            talk[turn.speaker] = talk.get(turn.speaker, 0.0) + shared
    if talk:
        return max(talk, key=talk.__getitem__)
    middle = (start + end) / 2
    return min(turns, key=lambda t: min(abs(middle - t.start), abs(middle - t.end))).speaker


def reference_assign_speakers(segments, turns):
    ordered = sorted(turns, key=lambda t: t.start)
    result = []
    for segment in segments:
        if not segment.words:
            speaker = reference_speaker_at(segment.start, segment.end, ordered)
            result.append(Segment(segment.start, segment.end, segment.text, [], speaker))
            continue
        runs = []
        for word in segment.words:
            speaker = reference_speaker_at(word.start, word.end, ordered)
            if runs and runs[-1][0] == speaker:
                runs[-1][1].append(word)
            else:
                runs.append((speaker, [word]))
        if len(runs) == 1:
            result.append(Segment(segment.start, segment.end, segment.text, segment.words, runs[0][0]))
            continue
        for index, (speaker, words_) in enumerate(runs):
            start = segment.start if index == 0 else words_[0].start
            end = segment.end if index == len(runs) - 1 else words_[-1].end
            text = "".join(w.word for w in words_).strip()
            result.append(Segment(start, end, text, words_, speaker))
    return result


def random_span(rng, grid, low=-2.0, high=22.0):
    """A (start, end) pair: on a coarse grid (ties, touching, zero length) or any float;
    now and then reversed (end before start)."""
    if grid:
        start = rng.randrange(int(low * 4), int(high * 4)) / 4
        end = start + rng.choice([0.0, 0.25, 0.5, 1.0, 2.0, rng.randrange(0, 40) / 4])
    else:
        start = rng.uniform(low, high)
        end = start + rng.choice([0.0, rng.uniform(0, 0.5), rng.uniform(0, 3), rng.uniform(0, 15)])
    if rng.random() < 0.03:
        start, end = end, start
    return start, end


def random_turns(rng, grid):
    turns = []
    speakers = [f"SPEAKER_{i:02}" for i in range(rng.randint(1, 4))]
    for _ in range(rng.choice([0, 1, 2, 3, 5, 10, 20, 40])):
        if turns and rng.random() < 0.2:  # touching the previous turn, or sharing its start
            prev = turns[-1]
            start = rng.choice([prev.end, prev.start])
            end = start + (rng.randrange(0, 12) / 4 if grid else rng.uniform(0, 3))
        else:
            start, end = random_span(rng, grid, 0.0, 20.0)
        turns.append(Turn(start, end, rng.choice(speakers)))
    if rng.random() < 0.5:
        rng.shuffle(turns)  # unsorted input
    return turns


def test_turn_index_answers_like_the_plain_scan():
    rng = random.Random(1234)
    checked = 0
    for trial in range(1500):
        grid = trial % 2 == 0
        turns = random_turns(rng, grid)
        index = TurnIndex(turns)
        for _ in range(20):
            start, end = random_span(rng, grid)
            expected = reference_speaker_at(start, end, turns)
            assert speaker_at(start, end, turns) == expected, (start, end, turns)
            assert index.speaker_at(start, end) == expected, (start, end, turns)
            checked += 1
    assert checked == 30_000


def test_assign_speakers_matches_the_plain_scan():
    rng = random.Random(99)
    for trial in range(400):
        grid = trial % 2 == 1
        turns = random_turns(rng, grid)
        segments = []
        for _ in range(rng.randint(0, 6)):
            spans = sorted(random_span(rng, grid) for _ in range(rng.randint(0, 8)))
            words_ = [Word(a, b, f" w{i}") for i, (a, b) in enumerate(spans)]
            start, end = random_span(rng, grid)
            segments.append(Segment(start, end, "text", words_))
        assert assign_speakers(segments, turns) == reference_assign_speakers(segments, turns)


def test_a_long_earlier_turn_still_counts():
    turns = [Turn(0.0, 100.0, "A"), Turn(10.0, 12.0, "B"), Turn(50.0, 52.0, "C"), Turn(70.0, 71.0, "B")]
    assert speaker_at(80.0, 81.0, turns) == "A", "only the long turn overlaps"
    assert speaker_at(50.5, 51.0, turns) == "A", "equal overlap: the first speaker in start order"
    assert speaker_at(51.5, 53.0, turns) == "A"
    assert speaker_at(49.9, 50.3, turns) == "A"
    assert speaker_at(50.0, 55.0, [Turn(50.0, 52.0, "C"), Turn(0.0, 100.0, "A")]) == "A"
    assert speaker_at(100.5, 100.5, turns) == "A", "nearest end"
    # A zero-length word overlaps nothing: the nearest start or end wins, not the turn around it.
    assert speaker_at(60.0, 60.0, turns) == reference_speaker_at(60.0, 60.0, turns) == "C"
    assert speaker_at(70.4, 70.4, turns) == "B"


def meeting(rng, hours=3.0, turn_count=3000, word_count=30_000):
    """A synthetic diarization of a long meeting: back-to-back turns with small gaps, some
    overlapped speech, a few long turns; words over the whole meeting, some in the gaps."""
    duration = hours * 3600
    turns, t = [], 0.0
    mean = duration / turn_count
    while len(turns) < turn_count - 3:
        length = rng.uniform(0.3, 2 * mean - 0.3)
        start = t - rng.uniform(0, 1.0) if rng.random() < 0.1 else t  # overlapped speech
        turns.append(Turn(max(0.0, start), start + length, f"SPEAKER_{rng.randrange(6):02}"))
        t = start + length + rng.uniform(0, 0.4)
    turns += [Turn(600.0, 2400.0, "SPEAKER_06"), Turn(0.0, duration, "SPEAKER_07"),
              Turn(5000.0, 5000.0, "SPEAKER_08")]
    rng.shuffle(turns)
    starts = sorted(rng.uniform(0, duration) for _ in range(word_count))
    words_ = [Word(s, s + rng.uniform(0.0, 0.6), " w") for s in starts]
    segments = [Segment(chunk[0].start, chunk[-1].end, "x", chunk)
                for chunk in (words_[i:i + 15] for i in range(0, word_count, 15))]
    return segments, turns


def test_three_hour_meeting_is_quick(monkeypatch):
    segments, turns = meeting(random.Random(7))
    word_count = sum(len(s.words) for s in segments)
    counted = {"overlap": 0, "step": 0}
    overlap, step = speaker_assignment._overlap, TurnIndex._last_ending_after

    def counting_overlap(*args):
        counted["overlap"] += 1
        return overlap(*args)

    def counting_step(*args):
        counted["step"] += 1
        return step(*args)

    monkeypatch.setattr(speaker_assignment, "_overlap", counting_overlap)
    monkeypatch.setattr(TurnIndex, "_last_ending_after", counting_step)
    began = time.perf_counter()
    result = assign_speakers(segments, turns)
    elapsed = time.perf_counter() - began
    assert sum(len(s.words) for s in result) == word_count
    # The plain scan looked at every turn for every word: 90 million overlaps here. Each word
    # now looks only at the few turns that do overlap it (at most ~4 here, long turns included).
    assert counted["overlap"] <= 4 * word_count, counted
    assert counted["step"] <= 5 * word_count, counted
    assert elapsed < 5.0, f"{elapsed:.1f} s (the plain scan took ~20 s)"
