"""OnlineSpeakers (live speaker clustering) on synthetic vectors: pure numpy, no models, so
these run wherever the package imports (the model-backed live tests are in
test_live_speakers.py)."""

from __future__ import annotations

import numpy as np
import pytest

from meeting_recorder.core.speakers.online import MIN_SECONDS, NEW_SPEAKER_SECONDS, WINDOW, OnlineSpeakers


def _unit(vector):
    return vector / np.linalg.norm(vector)


def _voices(n: int, seed: int = 0, dim: int = 192) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [_unit(rng.standard_normal(dim)) for _ in range(n)]


def _utterance(voice: np.ndarray, rng, noise: float = 0.03) -> np.ndarray:
    """A noisy utterance of ``voice`` (cosine ≈ 0.92 to it; random voices are ≈ 0 apart)."""
    return _unit(voice + noise * rng.standard_normal(len(voice)))


def test_online_state_is_bounded():
    speakers = OnlineSpeakers(max_speakers=8)
    rng = np.random.default_rng(1)
    voices = _voices(12, seed=1)
    labels = {speakers.assign(_utterance(voices[i % 12], rng), seconds=3.0) for i in range(1000)}
    assert speakers.count == 8 and len(speakers.centroids()) == 8
    assert labels == {f"Speaker {n}" for n in range(1, 9)}
    assert speakers._sums.shape == (8, 192)  # preallocated: nothing grows per piece
    assert len(speakers._window) == WINDOW  # the last pieces only
    for centroid in speakers.centroids().values():
        assert np.linalg.norm(centroid) == pytest.approx(1.0, abs=1e-5)


def _final_labels(speakers: OnlineSpeakers, pieces) -> list[str]:
    """Labels of ``pieces`` ((vector, seconds)), each as revised by the end."""
    labels = []
    for key, (vector, seconds) in enumerate(pieces):
        labels.append(speakers.assign(vector, seconds, key=key))
        for revised, label in speakers.revisions().items():
            labels[revised] = label
    return labels


def test_online_labels_are_stable_in_order_of_appearance():
    rng = np.random.default_rng(2)
    a, b, c = _voices(3, seed=2)
    speakers = OnlineSpeakers()
    sequence = [a, b, a, c, b, a, c, c, b, a] * 5
    labels = _final_labels(speakers, [(_utterance(v, rng), float(rng.uniform(2, 6))) for v in sequence])
    truth = {}
    for voice, label in zip(sequence, labels):  # as revised: b's first piece waited for evidence
        assert truth.setdefault(id(voice), label) == label
    assert truth[id(a)] == "Speaker 1" and {truth[id(b)], truth[id(c)]} == {"Speaker 2", "Speaker 3"}
    centroids = speakers.centroids()
    assert list(centroids) == ["Speaker 1", "Speaker 2", "Speaker 3"]
    assert centroids[truth[id(b)]] @ b > 0.99  # the running mean converges on the voice


def test_online_new_voice_needs_two_agreeing_pieces():
    """One piece somewhat unlike the speaker so far is not yet a new speaker (on real voices a
    single odd piece often is the same person); a second one like it is, and the first is
    revised."""
    rng = np.random.default_rng(3)
    a, other = _voices(2, seed=3)
    b = _unit(0.6 * a + 0.8 * other)  # cosine 0.6 to a: a near voice, not clearly another
    speakers = OnlineSpeakers()
    assert speakers.assign(_utterance(a, rng), 4.0, key="a1") == "Speaker 1"
    assert speakers.assign(_utterance(a, rng), 3.0, key="a2") == "Speaker 1"
    before = speakers.centroids()["Speaker 1"]
    assert speakers.assign(_utterance(b, rng), 3.0, key="b1") == "Speaker 1"  # provisional
    assert speakers.count == 1 and np.array_equal(speakers.centroids()["Speaker 1"], before)  # not confirmed
    assert speakers.revisions() == {}
    assert speakers.assign(_utterance(b, rng), 2.0, key="b2") == "Speaker 2"
    assert speakers.revisions() == {"b1": "Speaker 2"}
    assert np.array_equal(speakers.centroids()["Speaker 1"], before)
    assert speakers.assign(_utterance(a, rng), 3.0) == "Speaker 1"
    assert speakers.assign(_utterance(b, rng), 3.0) == "Speaker 2"


def test_online_very_different_long_piece_is_a_speaker_at_once():
    rng = np.random.default_rng(9)
    a, b = _voices(2, seed=9)  # cosine ~0: far under FAST_RATIO of a's cohesion
    speakers = OnlineSpeakers()
    speakers.assign(_utterance(a, rng), 3.0, key="a1")
    assert speakers.assign(_utterance(b, rng), 1.5, key="b1") == "Speaker 1"  # a's cohesion not known yet
    speakers.assign(_utterance(a, rng), 3.0, key="a2")
    assert speakers.revisions() == {}
    assert speakers.assign(_utterance(b, rng), NEW_SPEAKER_SECONDS, key="b2") == "Speaker 2"
    # b's first piece, which waited under a's label, is claimed by the new speaker.
    assert speakers.revisions() == {"b1": "Speaker 2"}
    assert speakers.assign(_utterance(b, rng), 1.5) == "Speaker 2"
    assert speakers.assign(_utterance(a, rng), 1.5) == "Speaker 1"


def test_online_short_pieces_do_not_start_speakers():
    rng = np.random.default_rng(3)
    a, b = _voices(2, seed=3)
    speakers = OnlineSpeakers()
    assert speakers.assign(_utterance(a, rng), 4.0) == "Speaker 1"
    before = speakers.centroids()["Speaker 1"]
    # A new voice in short pieces takes the current speaker's label and moves nothing.
    for _ in range(5):
        assert speakers.assign(_utterance(b, rng), MIN_SECONDS / 2) == "Speaker 1"
    assert speakers.count == 1 and np.array_equal(speakers.centroids()["Speaker 1"], before)
    # Two pieces of b of NEW_SPEAKER_SECONDS in all make it a speaker.
    speakers.assign(_utterance(b, rng), NEW_SPEAKER_SECONDS / 2)
    assert speakers.assign(_utterance(b, rng), NEW_SPEAKER_SECONDS / 2) == "Speaker 2"
    # Once b is known, a short piece of b gets b's label, whoever spoke before.
    assert speakers.assign(_utterance(a, rng), 3.0) == "Speaker 1"
    assert speakers.assign(_utterance(b, rng), MIN_SECONDS / 2) == "Speaker 2"


def test_online_one_voice_that_varies_stays_one_speaker():
    """Pieces of one voice as spread out as real speech (pairwise cosine ~0.55, like the
    fillets actors) never start a second speaker."""
    rng = np.random.default_rng(7)
    voice = _voices(1, seed=7)[0]
    speakers = OnlineSpeakers()
    labels = {speakers.assign(_utterance(voice, rng, noise=0.065), float(rng.uniform(1, 4))) for _ in range(300)}
    assert labels == {"Speaker 1"}


def test_online_blended_speaker_is_split():
    """Two voices that went into one speaker (here: alternating, each piece matching the
    blend) are split once the window shows two groups."""
    rng = np.random.default_rng(8)
    a, b = _voices(2, seed=8)
    speakers = OnlineSpeakers()
    speakers.assign(_unit(a + b), 4.0)  # a piece holding both voices starts the speaker
    labels = _final_labels(speakers, [(_utterance(v, rng), 3.0) for v in [a, b] * 10])
    assert speakers.count == 2
    assert len(set(labels[-6::2])) == 1 and len(set(labels[-5::2])) == 1 and labels[-1] != labels[-2]


def test_online_full_goes_to_nearest():
    rng = np.random.default_rng(4)
    a, b, c = _voices(3, seed=4)
    speakers = OnlineSpeakers(max_speakers=2)
    _final_labels(speakers, [(_utterance(v, rng), 3.0) for v in (a, a, b, b)])
    assert speakers.labels() == ["Speaker 1", "Speaker 2"]
    near_b = _unit(c + 0.5 * b)  # a third voice: nearer b than a
    for _ in range(4):
        assert speakers.assign(near_b, 3) == "Speaker 2"
    assert speakers.count == 2


def test_online_known_names_synthetic():
    """An enrolled voice nobody has yet is a speaker from its first piece."""
    rng = np.random.default_rng(5)
    alice, bob, stranger = _voices(3, seed=5)
    speakers = OnlineSpeakers(known={"Alice": alice, "Bob": bob})
    assert speakers.assign(_utterance(stranger, rng), 3) == "Speaker 1"
    assert speakers.assign(_utterance(alice, rng), 3) == "Alice"
    assert speakers.assign(_utterance(stranger, rng), 3) == "Speaker 1"
    assert speakers.assign(_utterance(alice, rng), 3) == "Alice"
    assert speakers.assign(_utterance(bob, rng), 3) == "Bob"
    assert list(speakers.centroids()) == ["Speaker 1", "Alice", "Bob"]


def test_online_known_name_used_once_and_rename():
    rng = np.random.default_rng(6)
    alice, other = _voices(2, seed=6)
    twin = _unit(0.75 * alice + 0.66 * other)  # matches Alice's enrollment (0.75) but is another voice
    speakers = OnlineSpeakers(known={"Alice": alice}, known_threshold=0.5)
    labels = _final_labels(speakers, [(_utterance(v, rng), 3.0) for v in (alice, alice, twin, twin, alice, twin)])
    assert labels == ["Alice", "Alice", "Speaker 1", "Speaker 1", "Alice", "Speaker 1"]
    speakers.rename("Speaker 1", "Carol")
    assert list(speakers.centroids()) == ["Alice", "Carol"]
    with pytest.raises(ValueError):
        speakers.rename("Carol", "Alice")
    with pytest.raises(KeyError):
        speakers.rename("Speaker 9", "Dave")


