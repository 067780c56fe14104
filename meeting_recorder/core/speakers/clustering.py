"""Speaker labels inside one window: pyannote's clusters, split where they hold two voices.

pyannote clusters embeddings of 10 s chunks; on real recordings that is the better count
(its chunk embeddings average over a lot of speech), but a chunk's local speaker can hold two
similar voices, and then their chunk embeddings blur into one cluster. Measured on real
voices (2026-12, ``scripts/eval_speakers.py``): pyannote alone found 1–2 speakers in the
assembled 2–4 person real conversations (DER 0.25); clustering whole turns instead (the
previous method) split real voices that vary within themselves into 5–9 "speakers".

So each pyannote speaker's exclusive turns are cut into pieces of at most ``PIECE_SECONDS``,
each piece is embedded on its own, and the pieces of that speaker are split in two
(average linkage) for as long as both halves are substantial and their centroids are less
similar than ``threshold``. On real conversations a speaker split in two that way scored
0.72–0.91 between its halves, two merged voices 0.60–0.72.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from meeting_recorder.core.speakers.campplus import DIMENSION, MIN_FRAMES, SAMPLE_RATE, CampplusEncoder
from meeting_recorder.core.speakers.vectors import unit

PIECE_SECONDS = 4.0  # longer exclusive turns are cut into equal pieces no longer than this
MIN_PIECE_SECONDS = 1.0  # shorter pieces are too noisy to decide a split; they follow it
SPLIT_MIN_SECONDS = 5.0  # each half of a split needs this much speech …
SPLIT_MIN_SHARE = 0.15  # … and this share of the speaker's speech
MAX_SPLIT_DEPTH = 3  # one pyannote speaker becomes at most 2**3 speakers


@dataclass(frozen=True)
class Counts:
    """Speaker-count limits for one window (None: free)."""

    exact: int | None = None
    lower: int | None = None
    upper: int | None = None


@dataclass
class LocalSpeaker:
    vector: np.ndarray  # unit-length, seconds-weighted mean of its pieces' embeddings
    seconds: float


@dataclass(frozen=True)
class LabelledPiece:
    start: float
    end: float
    speaker: int
    vector: np.ndarray | None  # unit embedding, None when too short to embed


@dataclass
class _Piece:
    start: float
    end: float
    source: str  # the pyannote label it came from
    vector: np.ndarray | None  # unit embedding, None when too short to embed

    @property
    def seconds(self) -> float:
        return self.end - self.start


def label_window(
    encoder: CampplusEncoder,
    samples: np.ndarray,
    exclusive: list[tuple[float, float, str]],
    overlapped: list[tuple[float, float, str]],
    threshold: float,
    merge_threshold: float,
    counts: Counts = Counts(),
    tick: Callable[..., None] | None = None,
) -> tuple[list[LabelledPiece], list[tuple[float, float, int]], list[LocalSpeaker]]:
    """pyannote's (start, end, label) turns of one window (times relative to ``samples``) ->
    (labelled pieces of the exclusive turns, extra turns of overlapped speech, local
    speakers); speakers are 0..k-1.
    Speakers are split below ``threshold`` and merged at ``merge_threshold`` or more (the
    cosine similarity that links speakers across windows: one rule inside and between).
    ``tick(completed=i, total=n)`` after each embedded piece (progress, cancel point)."""
    pieces = _cut(exclusive)
    for done, piece in enumerate(pieces, 1):
        piece.vector = _embed(encoder, samples, piece.start, piece.end)
        if tick is not None:
            tick(completed=done, total=len(pieces))
    sources = sorted({p.source for p in pieces})
    # Splits may add speakers up to the upper bound; an exact count is pyannote's to keep.
    room = 0 if counts.exact is not None else None if counts.upper is None else max(0, counts.upper - len(sources))
    speaker_of: dict[int, int] = {}
    for source in sources:
        groups = _split(pieces, [i for i, p in enumerate(pieces) if p.source == source], threshold, room)
        room = None if room is None else room - (len(groups) - 1)
        for group in groups:
            index = len(set(speaker_of.values()))
            speaker_of.update({i: index for i in group})
    _place_unsplit(pieces, speaker_of)
    if counts.exact is None:
        _merge_alike(pieces, speaker_of, merge_threshold, counts.lower or 1)
    labelled = [LabelledPiece(p.start, p.end, speaker_of[i], p.vector) for i, p in enumerate(pieces)]
    extra = _overlap_turns(overlapped, pieces, speaker_of)
    return _renumber(labelled, extra, pieces, speaker_of)


def _cut(turns: list[tuple[float, float, str]]) -> list[_Piece]:
    pieces = []
    for start, end, source in sorted(turns):
        parts = max(1, math.ceil((end - start) / PIECE_SECONDS))
        step = (end - start) / parts
        pieces += [_Piece(start + k * step, start + (k + 1) * step, source, None) for k in range(parts)]
    return pieces


def _split(pieces: list[_Piece], members: list[int], threshold: float, allowed: int | None,
           depth: int = 0) -> list[list[int]]:
    """``members`` (piece indices of one speaker) as one group, or as groups of its long,
    embedded pieces, one per voice (the other pieces are placed by ``_place_unsplit``).
    ``allowed``: how many more speakers the split may add (None: any)."""
    usable = [i for i in members if pieces[i].vector is not None and pieces[i].seconds >= MIN_PIECE_SECONDS]
    if depth >= MAX_SPLIT_DEPTH or len(usable) < 4 or allowed == 0:
        return [members]
    halves = _two_halves(pieces, usable)
    if halves is None:
        return [members]
    a, b = halves
    seconds_a, seconds_b = _seconds(pieces, a), _seconds(pieces, b)
    big_enough = min(seconds_a, seconds_b) >= max(SPLIT_MIN_SECONDS, SPLIT_MIN_SHARE * (seconds_a + seconds_b))
    if not big_enough or float(_centroid(pieces, a) @ _centroid(pieces, b)) >= threshold:
        return [members]
    left = None if allowed is None else allowed - 1
    groups = _split(pieces, a, threshold, left, depth + 1)
    right = None if left is None else left - (len(groups) - 1)
    return groups + _split(pieces, b, threshold, right, depth + 1)


def _two_halves(pieces: list[_Piece], usable: list[int]) -> tuple[list[int], list[int]] | None:
    from scipy.cluster.hierarchy import fcluster, linkage

    vectors = np.stack([pieces[i].vector for i in usable])
    ids = fcluster(linkage(vectors, method="average", metric="cosine"), 2, criterion="maxclust")
    a = [i for i, c in zip(usable, ids) if c == 1]
    b = [i for i, c in zip(usable, ids) if c == 2]
    return (a, b) if a and b else None


def _place_unsplit(pieces: list[_Piece], speaker_of: dict[int, int]) -> None:
    """Pieces a split left out (short or not embedded) join the most similar of the speakers
    their source was split into, or, with no embedding, the speaker of the nearest piece."""
    missing = [i for i in range(len(pieces)) if i not in speaker_of]
    for i in missing:
        piece = pieces[i]
        candidates = {speaker_of[j] for j, p in enumerate(pieces) if p.source == piece.source and j in speaker_of}
        if not candidates:
            continue
        if piece.vector is not None and len(candidates) > 1:
            speaker_of[i] = max(candidates, key=lambda s: float(_speaker_centroid(pieces, speaker_of, s) @ piece.vector))
        else:
            speaker_of[i] = _nearest_labelled(pieces, speaker_of, i, candidates)


def _merge_alike(pieces: list[_Piece], speaker_of: dict[int, int], threshold: float, lower: int) -> None:
    """Join the two speakers with the most similar centroids while that is ≥ ``threshold``
    (pyannote sometimes keeps one voice as two clusters in a short window)."""
    while len(set(speaker_of.values())) > lower:
        centroids = {s: _speaker_centroid(pieces, speaker_of, s) for s in set(speaker_of.values())}
        pairs = [(float(va @ vb), a, b) for a, va in centroids.items() for b, vb in centroids.items()
                 if a < b and va is not None and vb is not None]
        if not pairs or max(pairs)[0] < threshold:
            return
        _, keep, gone = max(pairs)
        for i, s in speaker_of.items():
            if s == gone:
                speaker_of[i] = keep


def _nearest_labelled(pieces: list[_Piece], speaker_of: dict[int, int], i: int, candidates: set[int]) -> int:
    middle = (pieces[i].start + pieces[i].end) / 2
    options = [(abs((p.start + p.end) / 2 - middle), speaker_of[j]) for j, p in enumerate(pieces)
               if j in speaker_of and speaker_of[j] in candidates]
    return min(options)[1]


def _overlap_turns(overlapped: list[tuple[float, float, str]], pieces: list[_Piece],
                   speaker_of: dict[int, int]) -> list[tuple[float, float, int]]:
    """Overlapped speech: the parts of pyannote's overlap-aware turns that its exclusive turns
    give to someone else, labelled with the new speaker of that source's nearest piece."""
    extra = []
    for start, end, source in overlapped:
        own = [j for j, p in enumerate(pieces) if p.source == source and j in speaker_of]
        if not own:
            continue
        for gap_start, gap_end in _uncovered(start, end, [(pieces[j].start, pieces[j].end) for j in own]):
            others = sum(max(0.0, min(gap_end, p.end) - max(gap_start, p.start)) for p in pieces if p.source != source)
            if others < 0.5 * (gap_end - gap_start):  # a pause, not someone else talking: leave it
                continue
            middle = (gap_start + gap_end) / 2
            nearest = min(own, key=lambda j: abs((pieces[j].start + pieces[j].end) / 2 - middle))
            extra.append((gap_start, gap_end, speaker_of[nearest]))
    return extra


def _uncovered(start: float, end: float, spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The parts of [start, end] that none of ``spans`` covers."""
    gaps, position = [], start
    for span_start, span_end in sorted(spans):
        if span_start > position:
            gaps.append((position, min(span_start, end)))
        position = max(position, span_end)
        if position >= end:
            break
    if position < end:
        gaps.append((position, end))
    return [(a, b) for a, b in gaps if b > a]


def _renumber(labelled: list[LabelledPiece], extra: list[tuple[float, float, int]], pieces: list[_Piece],
              speaker_of: dict[int, int]):
    """Speakers numbered 0..k-1, each with its LocalSpeaker."""
    seconds: dict[int, float] = {}
    for piece in labelled:
        seconds[piece.speaker] = seconds.get(piece.speaker, 0.0) + piece.end - piece.start
    new_id = {old: new for new, old in enumerate(sorted(seconds))}
    speakers = [LocalSpeaker(_vector_or_zero(_speaker_centroid(pieces, speaker_of, old)), seconds[old])
                for old in sorted(seconds)]
    renumbered = [LabelledPiece(p.start, p.end, new_id[p.speaker], p.vector) for p in labelled]
    return renumbered, [(s, e, new_id[c]) for s, e, c in extra if c in new_id], speakers


def _vector_or_zero(vector: np.ndarray | None) -> np.ndarray:
    """A speaker whose every piece was too short to embed links to nobody across windows."""
    return np.zeros(DIMENSION) if vector is None else vector


def _seconds(pieces: list[_Piece], members: list[int]) -> float:
    return sum(pieces[i].seconds for i in members)


def _centroid(pieces: list[_Piece], members: list[int]) -> np.ndarray:
    embedded = [i for i in members if pieces[i].vector is not None]
    return unit(sum(pieces[i].seconds * pieces[i].vector for i in embedded))


def _speaker_centroid(pieces: list[_Piece], speaker_of: dict[int, int], speaker: int) -> np.ndarray | None:
    """Unit centroid of a speaker's embedded pieces; None if none has an embedding."""
    members = [j for j, s in speaker_of.items() if s == speaker and pieces[j].vector is not None]
    return _centroid(pieces, members) if members else None


def _embed(encoder: CampplusEncoder, samples: np.ndarray, start: float, end: float) -> np.ndarray | None:
    """Unit CAM++ vector of samples[start:end] (seconds), None if too short or unusable."""
    import torch

    audio = samples[int(start * SAMPLE_RATE) : int(end * SAMPLE_RATE)]
    feats = encoder.features(torch.from_numpy(np.ascontiguousarray(audio, dtype=np.float32)))
    if feats.shape[0] < MIN_FRAMES:
        return None
    with torch.inference_mode():
        vector = encoder.embed_features(feats).numpy().astype(np.float64)
    norm = float(np.linalg.norm(vector))
    return vector / norm if np.isfinite(norm) and norm > 0 else None
