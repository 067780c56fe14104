import numpy as np

from meeting_recorder.core.speaker_assignment import Turn, assign_speakers, speaker_at
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
