"""Giving window-local speakers global labels: constrained clustering of their centroids.

Each window of a long file is diarized on its own (bounded memory), so its labels mean
nothing outside it. Every (window, local speaker) pair has a centroid embedding; pairs are
merged greedily, most similar first (cosine of duration-weighted centroids), while the
similarity stays above a threshold. Two speakers of the same window are never merged
(that window's clustering already told them apart) unless a speaker-count limit forces it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from meeting_recorder.core.speakers.turns import SpeakerTurn
from meeting_recorder.core.speakers.vectors import unit_or_zero

LABEL_FORMAT = "SPEAKER_{:02d}"


@dataclass(frozen=True)
class WindowSpeaker:
    window: int
    label: str  # the speaker's label inside that window
    vector: np.ndarray  # unit-length centroid embedding
    seconds: float  # how long this speaker talks in the window (its weight)


@dataclass
class _Cluster:
    windows: set[int]
    members: list[int]
    total: np.ndarray  # sum of seconds-weighted unit vectors
    centroid: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.centroid = unit_or_zero(self.total)

    def absorb(self, other: "_Cluster") -> None:
        self.windows |= other.windows
        self.members += other.members
        self.total = self.total + other.total
        self.centroid = unit_or_zero(self.total)


def link_speakers(
    speakers: list[WindowSpeaker],
    threshold: float,
    *,
    min_count: int | None = None,
    max_count: int | None = None,
) -> list[int]:
    """Cluster index (0..k-1) for each of ``speakers``.

    Merging goes on while the best allowed pair has cosine similarity ≥ ``threshold``;
    regardless of it, it continues while there are more than ``max_count`` clusters and
    stops at ``min_count``.
    """
    clusters = [
        _Cluster({s.window}, [i], max(s.seconds, 1e-3) * np.asarray(s.vector, dtype=np.float64))
        for i, s in enumerate(speakers)
    ]
    while len(clusters) > 1 and (min_count is None or len(clusters) > min_count):
        forced = max_count is not None and len(clusters) > max_count
        pair = _best_pair(clusters, allow_same_window=False) or (
            _best_pair(clusters, allow_same_window=True) if forced else None
        )
        if pair is None:
            break
        similarity, a, b = pair
        if similarity < threshold and not forced:
            break
        clusters[a].absorb(clusters.pop(b))
    assignment = [0] * len(speakers)
    for index, cluster in enumerate(clusters):
        for member in cluster.members:
            assignment[member] = index
    return assignment


def _best_pair(clusters: list[_Cluster], *, allow_same_window: bool) -> tuple[float, int, int] | None:
    """(similarity, a, b) of the most similar pair, a < b, or None if no pair is allowed."""
    centroids = np.stack([c.centroid for c in clusters])
    similarity = centroids @ centroids.T
    n = len(clusters)
    similarity[np.tril_indices(n)] = -np.inf
    if not allow_same_window:
        for a in range(n):
            for b in range(a + 1, n):
                if clusters[a].windows & clusters[b].windows:
                    similarity[a, b] = -np.inf
    flat = int(np.argmax(similarity))
    a, b = divmod(flat, n)
    if not np.isfinite(similarity[a, b]):
        return None
    return float(similarity[a, b]), a, b


def cluster_centroids(speakers: list[WindowSpeaker], assignment: list[int]) -> dict[int, np.ndarray]:
    """Unit-length, talk-time-weighted centroid of each cluster (for naming by profile)."""
    sums: dict[int, np.ndarray] = {}
    for speaker, cluster in zip(speakers, assignment):
        weighted = max(speaker.seconds, 1e-3) * np.asarray(speaker.vector, dtype=np.float64)
        sums[cluster] = sums[cluster] + weighted if cluster in sums else weighted
    return {cluster: unit_or_zero(total).astype(np.float32) for cluster, total in sums.items()}


def label_of_clusters(turns: list[tuple[float, float, int]]) -> dict[int, str]:
    """Labels by order of first appearance: the cluster talking first is SPEAKER_00."""
    names: dict[int, str] = {}
    for _, _, cluster in sorted(turns):
        names.setdefault(cluster, LABEL_FORMAT.format(len(names)))
    return names


def global_turns(turns: list[tuple[float, float, int]], merge_gap: float = 0.05) -> list[SpeakerTurn]:
    """(start, end, cluster) -> SpeakerTurns labelled by first appearance, time-ordered.
    A turn that follows one of the same speaker within ``merge_gap`` is joined to it (window
    cuts split turns); nothing is joined across another speaker's turn."""
    turns = sorted(turns)
    names = label_of_clusters(turns)
    merged: list[SpeakerTurn] = []
    for start, end, cluster in turns:
        speaker = names[cluster]
        if merged and merged[-1].speaker == speaker and start - merged[-1].end <= merge_gap:
            merged[-1] = SpeakerTurn(merged[-1].start, max(merged[-1].end, end), speaker)
        else:
            merged.append(SpeakerTurn(start, end, speaker))
    return merged
