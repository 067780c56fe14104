"""Speaker labels inside one window: clustering whole-turn CAM++ embeddings.

pyannote's turns are reliable (on the 3-voice tests no turn mixed two voices), but its
labels are not: it clusters embeddings of 10 s chunks, and segmentation-3.0 often puts two
similar voices into one chunk-local speaker, so the chunk embeddings blur (DER 7–15 % on
3-minute 3-voice conversations). Embedding each whole turn instead separates the voices
(same voice 0.7–1.0 cosine, the closest two voices 0.48–0.73), giving 2–5 %.

Turns shorter than ``MIN_TURN_SECONDS`` give noisy embeddings; they take the label that most
of their pyannote speaker's long turns got.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from meeting_recorder.core.speakers.campplus import MIN_FRAMES, SAMPLE_RATE, CampplusEncoder

MIN_TURN_SECONDS = 1.0
FALLBACK_SECONDS = 30.0  # at most this much of a speaker's short turns is embedded together
# With an automatic count, a cluster with little long-turn speech is usually one voice's
# noisier short turns split off: on the dev set, 1–3 s turns made extra "speakers" of 1.0–1.7 s
# (1–2 % of the speech, cosine 0.71–0.81 to their voice) at thresholds 0.70–0.75, while real
# speakers of 60 s windows held ≥ 4.6 s (≥ 12 %). Such a cluster joins its nearest one.
SMALL_CLUSTER_SECONDS = 8.0  # small = under this …
SMALL_CLUSTER_SHARE = 0.05  # … and under this share of the window's speech
SMALL_CLUSTER_SIMILARITY = 0.45


@dataclass(frozen=True)
class Counts:
    """Speaker-count limits for one clustering (None: free)."""

    exact: int | None = None
    lower: int | None = None
    upper: int | None = None


@dataclass
class LocalSpeaker:
    vector: np.ndarray  # unit-length, seconds-weighted mean of its turns' embeddings
    seconds: float


def label_turns(
    encoder: CampplusEncoder,
    samples: np.ndarray,
    turns: list[tuple[float, float, str]],
    threshold: float,
    counts: Counts = Counts(),
    tick: Callable[..., None] | None = None,
) -> tuple[list[tuple[float, float, int]], list[LocalSpeaker]]:
    """(start, end, pyannote label) turns in ``samples`` (times relative to it) ->
    (start, end, local speaker index) turns and the local speakers.
    ``tick(completed=i, total=n)`` after each embedded turn (progress, cancel point)."""
    long_turns = [i for i, (start, end, _) in enumerate(turns) if end - start >= MIN_TURN_SECONDS]
    embedded: dict[int, np.ndarray] = {}
    for done, i in enumerate(long_turns, 1):
        vector = _embed(encoder, samples, [turns[i][:2]])
        if vector is not None:
            embedded[i] = vector
        if tick is not None:
            tick(completed=done, total=len(long_turns))
    ids = cluster(np.stack(list(embedded.values())), threshold, counts) if embedded else []
    if len(embedded) > 1 and counts.exact is None:
        seconds = np.array([turns[i][1] - turns[i][0] for i in embedded])
        ids = absorb_small_clusters(np.asarray(ids), np.stack(list(embedded.values())), seconds, counts.lower)
    cluster_of = dict(zip(embedded, (int(c) for c in ids)))
    members: dict[int, list[tuple[float, np.ndarray]]] = defaultdict(list)
    for i, c in cluster_of.items():
        members[c].append((turns[i][1] - turns[i][0], embedded[i]))
    # Each pyannote label's short turns follow the cluster that got most of its long-turn time.
    votes: dict[str, Counter] = defaultdict(Counter)
    for i, c in cluster_of.items():
        votes[turns[i][2]][c] += turns[i][1] - turns[i][0]
    limit = counts.exact or counts.upper
    for label in sorted({t[2] for t in turns} - set(votes)):  # only short turns: embed them together
        allow_new = limit is None or len(members) < limit
        index = _place_orphan(encoder, samples, [t for t in turns if t[2] == label], members, threshold, allow_new)
        if index is not None:
            votes[label][index] += 1.0
    labelled = []
    for i, (start, end, label) in enumerate(turns):
        c = cluster_of.get(i)
        if c is None and votes[label]:
            c = votes[label].most_common(1)[0][0]
        if c is not None:  # else: < 0.2 s of speech under a label of its own, dropped
            labelled.append((start, end, c))
    return _renumber(labelled, members)


def cluster(vectors: np.ndarray, threshold: float, counts: Counts = Counts()) -> np.ndarray:
    """Average-linkage clustering of unit vectors: groups whose mean pairwise cosine
    similarity is ≥ ``threshold`` are one speaker; counts override. Returns 0-based ids."""
    if len(vectors) == 1:
        return np.zeros(1, dtype=int)
    from scipy.cluster.hierarchy import fcluster, linkage

    tree = linkage(vectors, method="average", metric="cosine")
    ids = fcluster(tree, 1.0 - threshold, criterion="distance")
    wanted = counts.exact
    if wanted is None and counts.upper is not None and ids.max() > counts.upper:
        wanted = counts.upper
    if wanted is None and counts.lower is not None and ids.max() < counts.lower:
        wanted = counts.lower
    if wanted is not None:
        ids = fcluster(tree, min(wanted, len(vectors)), criterion="maxclust")
    return ids - 1


def absorb_small_clusters(
    ids: np.ndarray, vectors: np.ndarray, seconds: np.ndarray, lower: int | None = None
) -> np.ndarray:
    """Merge small clusters (see SMALL_CLUSTER_*) into their most similar cluster (centroid
    cosine ≥ SMALL_CLUSTER_SIMILARITY), smallest first, never below ``lower`` clusters.
    Returns ids renumbered 0..k-1."""
    ids = ids.copy()
    small_seconds = min(SMALL_CLUSTER_SECONDS, SMALL_CLUSTER_SHARE * float(seconds.sum()))
    while True:
        labels = sorted(set(ids.tolist()))
        if len(labels) <= max(lower or 1, 1):
            break
        talk = {c: float(seconds[ids == c].sum()) for c in labels}
        centroids = {c: _unit((seconds[ids == c, None] * vectors[ids == c]).sum(axis=0)) for c in labels}
        small = min(labels, key=talk.__getitem__)
        if talk[small] >= small_seconds:
            break
        others = [c for c in labels if c != small]
        nearest = max(others, key=lambda c: float(centroids[c] @ centroids[small]))
        if float(centroids[nearest] @ centroids[small]) < SMALL_CLUSTER_SIMILARITY:
            break
        ids[ids == small] = nearest
    _, renumbered = np.unique(ids, return_inverse=True)
    return renumbered


def _unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 else vector


def _embed(encoder: CampplusEncoder, samples: np.ndarray, spans: list[tuple[float, float]]) -> np.ndarray | None:
    """Unit-length embedding of the spans' audio joined, or None if under 0.2 s."""
    import torch

    audio = np.concatenate([samples[int(a * SAMPLE_RATE) : int(b * SAMPLE_RATE)] for a, b in spans])
    feats = encoder.features(torch.from_numpy(np.ascontiguousarray(audio, dtype=np.float32)))
    if feats.shape[0] < MIN_FRAMES:
        return None
    with torch.inference_mode():
        vector = encoder.embed_features(feats).numpy().astype(np.float64)
    norm = float(np.linalg.norm(vector))
    return vector / norm if np.isfinite(norm) and norm > 0 else None


def _place_orphan(
    encoder: CampplusEncoder,
    samples: np.ndarray,
    turns: list[tuple[float, float, str]],
    members: dict[int, list[tuple[float, np.ndarray]]],
    threshold: float,
    allow_new: bool,
) -> int | None:
    """A pyannote speaker with only short turns: the most similar cluster if similar
    enough (or if no new one is allowed), else a new cluster of its own."""
    spans, total = [], 0.0
    for start, end, _ in turns:
        spans.append((start, end))
        total += end - start
        if total >= FALLBACK_SECONDS:
            break
    vector = _embed(encoder, samples, spans)
    if vector is None:
        return None
    if members:
        best = max(members, key=lambda i: float(_centroid(members[i]) @ vector))
        if not allow_new or float(_centroid(members[best]) @ vector) >= threshold:
            return best
    index = max(members, default=-1) + 1
    members[index].append((total, vector))
    return index


def _centroid(weighted: list[tuple[float, np.ndarray]]) -> np.ndarray:
    total = sum(w * v for w, v in weighted)
    return total / np.linalg.norm(total)


def _renumber(
    labelled: list[tuple[float, float, int]], members: dict[int, list[tuple[float, np.ndarray]]]
) -> tuple[list[tuple[float, float, int]], list[LocalSpeaker]]:
    """Cluster ids made 0..k-1 (only those with turns), with each one's LocalSpeaker."""
    seconds: dict[int, float] = defaultdict(float)
    for start, end, c in labelled:
        seconds[c] += end - start
    new_id = {old: new for new, old in enumerate(sorted(seconds))}
    speakers = [LocalSpeaker(_centroid(members[old]), seconds[old]) for old in sorted(seconds)]
    return [(start, end, new_id[c]) for start, end, c in labelled], speakers
