"""Linking speakers across diarization windows: pure numpy, no models (the model-backed
diarization tests are in test_speakers.py)."""

from __future__ import annotations

import numpy as np

from meeting_recorder.core.speakers.linking import WindowSpeaker, global_turns, link_speakers
from meeting_recorder.core.speakers.turns import SpeakerTurn


def _unit(*values: float) -> np.ndarray:
    vector = np.array(values, dtype=np.float64)
    return vector / np.linalg.norm(vector)


def test_linking_merges_across_windows_only():
    a, a_again, b = _unit(1, 0.05, 0), _unit(1, -0.05, 0), _unit(0, 1, 0)
    window_speakers = [
        WindowSpeaker(0, "0", a, 10), WindowSpeaker(0, "1", a_again, 5),  # same window: kept apart
        WindowSpeaker(1, "0", b, 8), WindowSpeaker(1, "1", a, 8),
    ]
    assignment = link_speakers(window_speakers, 0.8)
    assert assignment[0] != assignment[1] and assignment[3] in (assignment[0], assignment[1])
    assert len(set(assignment)) == 3
    assert len(set(link_speakers(window_speakers, 0.8, max_count=2))) == 2  # a count forces merges
    assert len(set(link_speakers(window_speakers, 0.8, min_count=4))) == 4


def test_global_turns_label_by_first_appearance_and_join_window_cuts():
    turns = global_turns([(5.0, 6.0, 7), (0.0, 2.0, 3), (2.02, 4.0, 3)])
    assert turns == [SpeakerTurn(0.0, 4.0, "SPEAKER_00"), SpeakerTurn(5.0, 6.0, "SPEAKER_01")]
