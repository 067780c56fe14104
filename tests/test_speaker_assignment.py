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
