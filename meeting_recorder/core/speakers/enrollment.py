"""Enrollment: a speaker profile from a voice sample (a file, or a span of a recording).

    with Embedder() as embedder:
        profile = enroll(embedder, "Alice", "alice.m4a")            # or start=/end= for a span
    ProfileStore().add(profile)
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from meeting_recorder.core.events import NoSpeech, NoVoicePrint, SpanAfterEnd, TooLittleSpeech
from meeting_recorder.core.errors import EnrollmentError
from meeting_recorder.core.speakers.campplus import DIMENSION, SAMPLE_RATE
from meeting_recorder.core.speakers.profiles import SpeakerProfile, normalize_name
from meeting_recorder.core.speakers.vectors import unit

MIN_SPEECH_SECONDS = 2.0  # less speech than this gives an unreliable voice print
MAX_SPEECH_SECONDS = 60.0  # more adds little; it bounds memory and time for long files
PIECE_SECONDS = 10.0  # speech is embedded in pieces of at most this length, then averaged

# Silero VAD sees fixed-size chunks (zero-padded at the end) so that onnxruntime keeps one
# memory plan (see core/segmenter.py); 960 frames of 512 samples = 30.72 s.
_VAD_CHUNK = 960 * 512


def _vad_options():
    from faster_whisper.vad import VadOptions

    # Tight cuts (30 ms pad) so the speech seconds counted are close to the real ones.
    return VadOptions(threshold=0.5, min_speech_duration_ms=200, min_silence_duration_ms=300, speech_pad_ms=30)


def _speech_pieces(path: Path, start: float | None, end: float | None) -> tuple[list[np.ndarray], float, float]:
    """Speech in ``path`` (within [start, end]) as arrays, at most MAX_SPEECH_SECONDS in all.

    Returns (pieces, speech seconds kept, seconds of the file decoded). Decoding stops
    once enough speech is found; memory stays at one VAD chunk plus the speech kept.
    """
    from faster_whisper.vad import get_speech_timestamps

    from meeting_recorder.core.audio import iter_blocks

    first = 0 if start is None else int(round(start * SAMPLE_RATE))
    last = None if end is None else int(round(end * SAMPLE_RATE))
    options = _vad_options()
    budget = int(MAX_SPEECH_SECONDS * SAMPLE_RATE)
    pieces: list[np.ndarray] = []
    kept = 0
    position = 0  # samples of the file decoded so far
    chunk = np.zeros(_VAD_CHUNK, dtype=np.float32)
    filled = 0

    def scan(length: int) -> None:
        nonlocal kept
        chunk[length:] = 0.0  # the same input shape every time
        for stamp in get_speech_timestamps(chunk, options):
            s, e = stamp["start"], min(stamp["end"], length)
            if e > s and kept < budget:
                piece = chunk[s : min(e, s + budget - kept)].copy()
                pieces.append(piece)
                kept += len(piece)

    for block in iter_blocks(path):
        block_start, position = position, position + len(block)
        lo = max(first - block_start, 0)
        hi = len(block) if last is None else min(len(block), last - block_start)
        while lo < hi:
            take = min(hi - lo, _VAD_CHUNK - filled)
            chunk[filled : filled + take] = block[lo : lo + take]
            filled += take
            lo += take
            if filled == _VAD_CHUNK:
                scan(filled)
                filled = 0
        if kept >= budget or (last is not None and position >= last):
            break
    if filled and kept < budget:
        scan(filled)
    return pieces, kept / SAMPLE_RATE, position / SAMPLE_RATE


def _embed_speech(embedder, pieces: list[np.ndarray], where: str) -> np.ndarray:
    """Seconds-weighted mean of the embeddings of ≤ PIECE_SECONDS parts of the joined speech."""
    speech = np.concatenate(pieces)
    parts = max(1, math.ceil(len(speech) / (PIECE_SECONDS * SAMPLE_RATE)))
    total = np.zeros(DIMENSION, dtype=np.float64)
    try:
        for part in np.array_split(speech, parts):  # equal parts, so none is a tiny leftover
            total += embedder.embed(part).astype(np.float64) * len(part)
        return unit(total)
    except ValueError as error:  # e.g. audio that decodes to NaNs
        raise EnrollmentError(NoVoicePrint(where, str(error))) from None


def _floor1(seconds: float) -> str:
    """One decimal, rounded down: 1.97 s must not read as "2.0 s … at least 2 s"."""
    return f"{math.floor(seconds * 10) / 10:.1f}"


def enroll(embedder, name: str, path: str | Path, start: float | None = None,
           end: float | None = None) -> SpeakerProfile:
    """A profile for ``name`` from the speech in ``path`` (or in its [start, end] seconds).

    A transcript segment is enrolled as its recording plus the segment's times. Only speech
    (Silero VAD) counts; at most MAX_SPEECH_SECONDS of it is used. AudioDecodeError for a file
    that cannot be read, EnrollmentError for no speech or less than MIN_SPEECH_SECONDS of it,
    ValueError for a span that is not one (negative start, end not after start).
    Runs where ``embedder``'s model is: the worker process for its stand-in.
    """
    return embedder.enroll_profile(name, str(path), start=start, end=end)


def enroll_here(embedder, name: str, path: str | Path, start: float | None = None,
                end: float | None = None) -> SpeakerProfile:
    """``enroll`` in this process."""
    from meeting_recorder.core.audio import probe

    name = normalize_name(name)
    if start is not None and (not math.isfinite(start) or start < 0):
        raise ValueError(f"the start time must be 0 s or later, not {start}")
    if end is not None and (not math.isfinite(end) or end <= (start or 0.0)):
        raise ValueError(f"the end time ({end} s) must come after the start time ({start or 0.0} s)")
    path = Path(path)
    probe(path)  # missing, empty, not audio: a clear AudioDecodeError before anything else
    pieces, speech, decoded = _speech_pieces(path, start, end)
    where = str(path)
    if start is not None or end is not None:
        span = f"{start or 0.0:.1f} s and " + ("the end" if end is None else f"{end:.1f} s")
        where = f"{path} between {span}"
        if start is not None and decoded <= start:  # the whole file was decoded: it ends before the span
            raise EnrollmentError(SpanAfterEnd(str(path), round(decoded, 1), round(start, 1)))
    if not pieces:
        raise EnrollmentError(NoSpeech(where))
    if speech < MIN_SPEECH_SECONDS:
        raise EnrollmentError(TooLittleSpeech(where, _floor1(speech), MIN_SPEECH_SECONDS))
    return SpeakerProfile(name, _embed_speech(embedder, pieces, where), round(speech, 2))
