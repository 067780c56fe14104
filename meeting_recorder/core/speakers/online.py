"""Live speaker labels: online clustering of utterance embeddings with bounded state.

Each committed utterance's CAM++ vector (live: each piece of one, see ``live_labels``) is
compared with the running centroid of every speaker heard so far (at most
``max_speakers``). It joins the most similar one when the cosine similarity reaches
``threshold``; otherwise it starts a new speaker, or, once ``max_speakers`` exist, takes
the nearest one's label (without moving its centroid).
Centroids are seconds-weighted means, renormalised to unit length, so state is a few arrays
of ``max_speakers`` rows whatever the length of the session.

Labels are "Speaker 1", "Speaker 2", … in order of appearance, or the name of an enrolled
person whose voice the new speaker matches (``known``). A label never changes during a
session except by ``rename`` and one upgrade: a speaker still settling (its first
``SETTLE_UTTERANCES`` utterances) that comes to match an enrolled person takes that name.
It never goes back.

    speakers = OnlineSpeakers(known={"Alice": alice_vector})
    label = speakers.assign(embedder.embed(utterance), seconds=len(utterance) / 16000)
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

# Cosine similarity of an utterance to a speaker's centroid at which it is that speaker.
# Measured with CAM++ (2026-11), utterances cut as the live VAD cuts them:
# - espeak voices A/B/C (tests/conversations.py), utterance vs voice centroid: same ≥ 0.81 for
#   ≥ 1 s utterances (0.69 under 1 s); other voices ≤ 0.57 (A–B, B–C), but 0.66 for the
#   near-twins A and C.
# - real speech (shared/data; JFK's phrases and the two stereo_diarization voices): same
#   speaker 0.70–0.86 between ≥ 2 s phrases, 0.55–0.61 for a 1.4 s phrase; different ≤ 0.47.
# 0.60 sits midway between real same (≥ 0.70) and different (≤ 0.48) speakers. In simulated
# 40-utterance sessions on these vectors it labels 97.6 % of A–B / B–C speech right (the
# misses: a new voice's first utterance shorter than NEW_SPEAKER_SECONDS), but merges the
# espeak near-twins A and C in about half the sessions; 0.65 separates them, yet leaves only
# 0.05 of margin for a real speaker's own variation, and real voices matter more.
DEFAULT_THRESHOLD = 0.60
# An enrolled person's vector must match a speaker's centroid this well to name it; the same
# value as the offline profile matching (profiles.PROFILE_THRESHOLD): a wrong name misleads
# more than a missing one.
DEFAULT_KNOWN_THRESHOLD = 0.70
DEFAULT_MAX_SPEAKERS = 8
# Shorter utterances take the label of the speaker they clearly match, else the current
# speaker's, and do not move any centroid: their embeddings are too noisy to trust.
MIN_SECONDS = 1.0
# Only utterances at least this long may start a new speaker: a 1–2 s utterance of a known
# speaker can fall under the threshold and would otherwise split that speaker in two. One
# that matches nobody goes to the current speaker.
NEW_SPEAKER_SECONDS = 2.0
SETTLE_UTTERANCES = 3  # a speaker can still be matched to an enrolled name until this many
LABEL_FORMAT = "Speaker {}"


def _unit(vector: np.ndarray) -> np.ndarray:
    vector = np.asarray(vector, dtype=np.float32).reshape(-1)
    norm = float(np.linalg.norm(vector))
    if not np.isfinite(norm) or norm == 0.0:
        raise ValueError("a speaker embedding must be a finite, non-zero vector")
    return vector / norm


class OnlineSpeakers:
    """Online speaker clustering for one session. Not thread-safe: call from one thread."""

    def __init__(
        self,
        *,
        threshold: float = DEFAULT_THRESHOLD,
        max_speakers: int = DEFAULT_MAX_SPEAKERS,
        known: Mapping[str, np.ndarray] | None = None,
        known_threshold: float = DEFAULT_KNOWN_THRESHOLD,
        min_seconds: float = MIN_SECONDS,
        new_speaker_seconds: float = NEW_SPEAKER_SECONDS,
    ) -> None:
        if max_speakers < 1:
            raise ValueError("max_speakers must be at least 1")
        self.threshold = threshold
        self.max_speakers = max_speakers
        self.known_threshold = known_threshold
        self.min_seconds = min_seconds
        self.new_speaker_seconds = max(new_speaker_seconds, min_seconds)
        self._known_names = list(known or {})
        self._known = np.stack([_unit(v) for v in (known or {}).values()]) if known else None
        self._used_names: set[str] = set()
        self._centroids: np.ndarray | None = None  # (max_speakers, dim), first _count rows used
        self._weights = np.zeros(max_speakers, dtype=np.float64)  # seconds heard per speaker
        self._utterances = np.zeros(max_speakers, dtype=np.int64)
        self._labels: list[str] = []
        self._numbered = 0  # "Speaker N" labels handed out so far
        self._last: int | None = None  # index of the most recent speaker

    # -- queries ---------------------------------------------------------------------------
    @property
    def count(self) -> int:
        return len(self._labels)

    def labels(self) -> list[str]:
        return list(self._labels)

    def centroids(self) -> dict[str, np.ndarray]:
        """Label -> unit-length centroid (copies), in order of appearance."""
        if self._centroids is None:
            return {}
        return {label: self._centroids[i].copy() for i, label in enumerate(self._labels)}

    # -- updates ---------------------------------------------------------------------------
    def assign(self, vector: np.ndarray, seconds: float) -> str:
        """The label of the speaker of one utterance (``vector``: its embedding)."""
        vector = _unit(vector)
        if self._known is not None and self._known.shape[1] != len(vector):
            raise ValueError(f"enrolled voices have {self._known.shape[1]} dimensions, this embedding {len(vector)}")
        if self._centroids is None:
            self._centroids = np.zeros((self.max_speakers, len(vector)), dtype=np.float32)
        if not self._labels:
            return self._label(self._new_speaker(vector, seconds))
        similarities = self._centroids[: self.count] @ vector
        best = int(np.argmax(similarities))
        matched = similarities[best] >= self.threshold
        if seconds < self.min_seconds:
            # Too short to trust: the speaker it clearly matches, else whoever spoke last.
            index = best if matched else self._current()
        elif matched:
            index = best
            self._update(index, vector, seconds)
        elif self.count >= self.max_speakers:
            index = best  # a voice beyond the limit: the nearest speaker's label, centroid untouched
        elif seconds < self.new_speaker_seconds:
            index = self._current()
        else:
            index = self._new_speaker(vector, seconds)
        return self._label(index)

    def rename(self, label: str, new_name: str) -> None:
        """Call the speaker labelled ``label`` ``new_name`` from now on."""
        if label not in self._labels:
            raise KeyError(f"no speaker labelled {label!r}")
        if new_name != label and new_name in self._labels:
            raise ValueError(f"another speaker is already called {new_name!r}")
        index = self._labels.index(label)
        self._labels[index] = new_name
        self._used_names.add(new_name)
        self._utterances[index] = max(self._utterances[index], SETTLE_UTTERANCES)  # user's word is final

    # -- internals -------------------------------------------------------------------------
    def _current(self) -> int:
        return self._last if self._last is not None else 0

    def _label(self, index: int) -> str:
        self._last = index
        return self._labels[index]

    def _new_speaker(self, vector: np.ndarray, seconds: float) -> int:
        assert self._centroids is not None
        index = self.count
        self._centroids[index] = vector
        self._weights[index] = max(seconds, 1e-3)
        self._utterances[index] = 1
        name = self._known_name(vector)
        if name is None:
            self._numbered += 1
            name = LABEL_FORMAT.format(self._numbered)
            while name in self._labels:  # a user renamed someone to "Speaker N"
                self._numbered += 1
                name = LABEL_FORMAT.format(self._numbered)
        self._labels.append(name)
        return index

    def _update(self, index: int, vector: np.ndarray, seconds: float) -> None:
        assert self._centroids is not None
        weight = self._weights[index]
        merged = self._centroids[index] * weight + vector * seconds
        self._centroids[index] = _unit(merged)
        self._weights[index] = weight + seconds
        self._utterances[index] += 1
        if self._utterances[index] <= SETTLE_UTTERANCES and self._labels[index] not in self._used_names:
            name = self._known_name(self._centroids[index])
            if name is not None:  # settling towards an enrolled voice: one-way upgrade
                self._labels[index] = name

    def _known_name(self, centroid: np.ndarray) -> str | None:
        """The best-matching enrolled name not given to anyone yet, if it matches well enough."""
        if self._known is None:
            return None
        similarities = self._known @ centroid
        for i in np.argsort(-similarities):
            name = self._known_names[int(i)]
            if similarities[i] < self.known_threshold:
                return None
            if name not in self._used_names and name not in self._labels:
                self._used_names.add(name)
                return name
        return None
