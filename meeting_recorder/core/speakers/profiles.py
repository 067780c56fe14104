"""Named speaker profiles: enrollment from a voice sample, a persistent store, and matching.

    with Embedder() as embedder:
        profile = enroll(embedder, "Alice", "alice.m4a")            # or start=/end= for a span
    ProfileStore().add(profile)
    names = match_profiles({"SPEAKER_00": centroid, …}, ProfileStore().profiles())
    # {"SPEAKER_00": "Alice"}

A profile is a name, a unit-length CAM++ vector and the seconds of speech behind it. All
profiles live in one JSON file in the user data folder, rewritten atomically on each change;
a file that cannot be read is reported, never replaced.
"""

from __future__ import annotations

import json
import math
import threading
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from meeting_recorder.core.errors import EnrollmentError, ProfileError, ProfileStoreError
from meeting_recorder.core.speakers.campplus import DIMENSION, SAMPLE_RATE

# Cosine similarity of an enrollment vector (made by ``enroll``) and a conversation speaker's
# centroid (normalised mean of the CAM++ vectors of its true turns), measured 2026-11:
# - espeak voices A/B/C of tests/conversations.py, enrolled with sentences that are not in the
#   conversations, three conversations (AB 45 s, ABC 55 s, ABC 90 s):
#     same voice 0.97–0.99 (17 s samples), 0.90–0.98 (3.3 s samples);
#     different voice 0.41–0.52 (A–B, B–C), 0.60–0.67 (A–C, the closest pair).
#   The same conversation through a telephone band (300–3400 Hz) plus noise, clean enrollment:
#     same 0.67–0.78, different 0.42–0.66 — espeak voices are fragile across channels.
#   Several other espeak voices (en-us+m3, en-gb+f2, ko, en-us+croak) are 0.86–0.94 from A:
#   CAM++ hears them as one synthetic speaker, so they cannot serve as "unknown" voices.
# - Real speech (shared/data): JFK 0–5.5 s vs 5.5–11 s (3.0 and 4.5 s of speech) 0.73, and 0.70
#   when the second half is telephone-band filtered; different speakers (JFK vs the two
#   stereo_diarization voices, and those two) 0.28–0.45. Embedder's 2–5 s clips: same
#   0.71–0.87, different 0.26–0.48.
# 0.70 sits above every different-speaker pair (real 0.48, espeak 0.67) and below the
# same-speaker pairs with same-channel audio. A wrong name misleads more than a missing one,
# so the threshold leans high; a longer sample, or one taken from a transcript segment of
# the same kind of recording, gives higher same-speaker similarity.
PROFILE_THRESHOLD = 0.70

MIN_SPEECH_SECONDS = 2.0  # less speech than this gives an unreliable voice print
MAX_SPEECH_SECONDS = 60.0  # more adds little; it bounds memory and time for long files
PIECE_SECONDS = 10.0  # speech is embedded in pieces of at most this length, then averaged
MAX_NAME_LENGTH = 100

STORE_FILE = "profiles.json"
STORE_FORMAT = 1
EMBEDDING_ID = f"campplus-{DIMENSION}"  # profiles from another speaker model would not compare

# Silero VAD sees fixed-size chunks (zero-padded at the end) so that onnxruntime keeps one
# memory plan (see core/segmenter.py); 960 frames of 512 samples = 30.72 s.
_VAD_CHUNK = 960 * 512

# One read-modify-write at a time within this process (the window's threads, the CLI).
_STORE_LOCK = threading.RLock()


@dataclass(eq=False)  # numpy vectors have no single truth value for ==
class SpeakerProfile:
    name: str
    vector: np.ndarray  # unit-length float32 (DIMENSION,)
    seconds: float  # seconds of speech the vector was made from

    def __post_init__(self) -> None:
        self.name = normalize_name(self.name)
        self.vector = _unit(self.vector)
        self.seconds = float(self.seconds)


def normalize_name(name: str) -> str:
    """A speaker name stripped of surrounding spaces; ProfileError if it is not usable."""
    if not isinstance(name, str):
        raise ProfileError(f"a speaker name must be text, not {type(name).__name__}")
    name = " ".join(name.split())  # also folds tabs/newlines and runs of spaces into one space
    if not name:
        raise ProfileError("a speaker name cannot be empty")
    if any(unicodedata.category(ch).startswith("C") for ch in name):
        raise ProfileError(f"the speaker name {name!r} contains control characters")
    if len(name) > MAX_NAME_LENGTH:
        raise ProfileError(f"a speaker name can have at most {MAX_NAME_LENGTH} characters")
    return name


def _key(name: str) -> str:
    return name.casefold()


def _unit(vector: np.ndarray) -> np.ndarray:
    vector = np.asarray(vector, dtype=np.float32).reshape(-1)
    if vector.shape != (DIMENSION,):
        raise ValueError(f"a speaker vector has {DIMENSION} values, not {vector.size}")
    norm = float(np.linalg.norm(vector))
    if not math.isfinite(norm) or norm == 0.0:
        raise ValueError("a speaker vector must be finite and non-zero")
    return (vector / norm).astype(np.float32)


class ProfileStore:
    """All profiles in ``folder/profiles.json`` (default: the user data folder's ``speakers``).

    Every call reads the file afresh and every change rewrites it atomically, so two stores on
    the same folder (the window and the command line) see each other's changes.
    """

    def __init__(self, folder: Path | str | None = None) -> None:
        if folder is None:
            from meeting_recorder.core.paths import user_data_dir

            folder = user_data_dir() / "speakers"
        self.folder = Path(folder)
        self.path = self.folder / STORE_FILE

    # -- reading ---------------------------------------------------------------------------
    def profiles(self) -> list[SpeakerProfile]:
        """Profiles in the order they were added."""
        return self._load()

    def __iter__(self) -> Iterator[SpeakerProfile]:
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())

    def __contains__(self, name: object) -> bool:
        try:
            return isinstance(name, str) and self._find(self._load(), name) is not None
        except ProfileError:  # not a usable name, so not a stored one
            return False

    def get(self, name: str) -> SpeakerProfile:
        """The profile called ``name`` (any letter case); ProfileError listing the names if none."""
        profiles = self._load()
        index = self._index(profiles, name)
        return profiles[index]

    # -- changes ---------------------------------------------------------------------------
    def add(self, profile: SpeakerProfile, replace: bool = False) -> None:
        """Store ``profile``; a name already taken (any letter case) is an error unless ``replace``."""
        with _STORE_LOCK:
            self._add(profile, replace)

    def _add(self, profile: SpeakerProfile, replace: bool) -> None:
        profiles = self._load()
        index = self._find(profiles, profile.name)
        if index is not None and not replace:
            raise ProfileError(f"a speaker named '{profiles[index].name}' is already enrolled")
        if index is None:
            profiles.append(profile)
        else:
            profiles[index] = profile
        self._save(profiles)

    def remove(self, name: str) -> SpeakerProfile:
        with _STORE_LOCK:
            profiles = self._load()
            removed = profiles.pop(self._index(profiles, name))
            self._save(profiles)
            return removed

    def rename(self, old: str, new: str) -> SpeakerProfile:
        """Give a profile a new name; only a change of letter case may reuse its own name."""
        with _STORE_LOCK:
            profiles = self._load()
            index = self._index(profiles, old)
            new = normalize_name(new)
            other = self._find(profiles, new)
            if other is not None and other != index:
                raise ProfileError(f"a speaker named '{profiles[other].name}' is already enrolled")
            profiles[index].name = new
            self._save(profiles)
            return profiles[index]

    def merge(self, source: str, into: str) -> SpeakerProfile:
        """Fold ``source`` into ``into``: seconds-weighted mean of the vectors; ``source`` goes."""
        with _STORE_LOCK:
            profiles = self._load()
            source_index, into_index = self._index(profiles, source), self._index(profiles, into)
            if source_index == into_index:
                raise ProfileError(f"cannot merge '{profiles[source_index].name}' into itself")
            a, b = profiles[source_index], profiles[into_index]
            weight_a, weight_b = max(a.seconds, 1e-3), max(b.seconds, 1e-3)
            merged = SpeakerProfile(b.name, a.vector * weight_a + b.vector * weight_b, a.seconds + b.seconds)
            profiles[into_index] = merged
            del profiles[source_index]
            self._save(profiles)
            return merged

    # -- internals -------------------------------------------------------------------------
    @staticmethod
    def _find(profiles: list[SpeakerProfile], name: str) -> int | None:
        key = _key(normalize_name(name))
        return next((i for i, p in enumerate(profiles) if _key(p.name) == key), None)

    def _index(self, profiles: list[SpeakerProfile], name: str) -> int:
        index = self._find(profiles, name)
        if index is None:
            known = ", ".join(p.name for p in profiles)
            enrolled = f"enrolled: {known}" if known else "no speakers are enrolled yet"
            raise ProfileError(f"no speaker named '{normalize_name(name)}' ({enrolled})")
        return index

    def _corrupt(self, problem: str) -> ProfileStoreError:
        return ProfileStoreError(
            f"the speaker profiles file {self.path} {problem}; it was left as it is "
            "(fix or move it away to start with no profiles)"
        )

    def _load(self) -> list[SpeakerProfile]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        except UnicodeDecodeError:
            raise self._corrupt("is not UTF-8 text") from None
        except OSError as error:
            raise ProfileStoreError(
                f"cannot read the speaker profiles file {self.path} ({error.strerror or error})"
            ) from error
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise self._corrupt(f"is not valid JSON (line {error.lineno}, column {error.colno})") from None
        if not isinstance(data, dict) or not isinstance(data.get("profiles"), list):
            raise self._corrupt("does not hold a list of profiles")
        if data.get("format") != STORE_FORMAT:
            raise self._corrupt(f"has format {data.get('format')!r}, this version reads format {STORE_FORMAT}")
        if data.get("embedding") != EMBEDDING_ID:
            raise self._corrupt(
                f"was made with the speaker model {data.get('embedding')!r}, not {EMBEDDING_ID}; enroll again"
            )
        profiles: list[SpeakerProfile] = []
        seen: set[str] = set()
        for number, entry in enumerate(data["profiles"], 1):
            try:
                profile = SpeakerProfile(entry["name"], np.array(entry["vector"], dtype=np.float64),
                                         float(entry["seconds"]))
                if not (math.isfinite(profile.seconds) and profile.seconds >= 0):
                    raise ValueError("bad seconds")
            except (KeyError, TypeError, ValueError, ProfileError) as error:
                raise self._corrupt(f"has an unreadable profile (number {number}: {error})") from None
            if _key(profile.name) in seen:
                raise self._corrupt(f"has the name '{profile.name}' twice")
            seen.add(_key(profile.name))
            profiles.append(profile)
        return profiles

    def _save(self, profiles: list[SpeakerProfile]) -> None:
        from meeting_recorder.core.export import write_atomic

        entries = [
            json.dumps({"name": p.name, "seconds": round(p.seconds, 3),
                        "vector": [round(float(v), 8) for v in p.vector]}, ensure_ascii=False)
            for p in profiles
        ]
        head = json.dumps({"format": STORE_FORMAT, "embedding": EMBEDDING_ID})[:-1]
        text = head + ', "profiles": [' + ("\n " + ",\n ".join(entries) + "\n" if entries else "") + "]}\n"
        try:
            write_atomic(self.path, text)
        except OSError as error:
            raise ProfileStoreError(
                f"could not save the speaker profiles to {self.path} ({error.strerror or error})"
            ) from error


# -- enrollment ---------------------------------------------------------------------------
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
        return _unit(total)
    except ValueError as error:  # e.g. audio that decodes to NaNs
        raise EnrollmentError(f"no usable voice print from the speech in {where} ({error})") from None


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
    """
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
            raise EnrollmentError(f"{path} is only {decoded:.1f} s long; the span starts at {start:.1f} s")
    if not pieces:
        raise EnrollmentError(f"no speech found in {where} (silent or only noise)")
    if speech < MIN_SPEECH_SECONDS:
        raise EnrollmentError(
            f"only {_floor1(speech)} s of speech in {where}; at least {MIN_SPEECH_SECONDS:g} s is needed"
        )
    return SpeakerProfile(name, _embed_speech(embedder, pieces, where), round(speech, 2))


# -- matching -----------------------------------------------------------------------------
def match_profiles(
    centroids: Mapping[str, np.ndarray],
    profiles: Sequence[SpeakerProfile],
    threshold: float = PROFILE_THRESHOLD,
) -> dict[str, str]:
    """Speaker label -> profile name, one to one, for pairs with cosine similarity ≥ threshold.

    The most similar pair is taken first; each label and each profile is used at most once,
    so two speakers never get the same name. Labels without a match are left out.
    """
    labels = list(centroids)
    if not labels or not profiles:
        return {}
    label_matrix = np.stack([_unit(centroids[label]) for label in labels])
    profile_matrix = np.stack([_unit(p.vector) for p in profiles])
    similarity = label_matrix @ profile_matrix.T
    pairs = sorted(
        ((float(similarity[i, j]), i, j) for i in range(len(labels)) for j in range(len(profiles))),
        key=lambda pair: -pair[0],
    )
    names: dict[str, str] = {}
    used: set[int] = set()
    for score, i, j in pairs:
        if score < threshold:
            break
        if labels[i] in names or j in used:
            continue
        names[labels[i]] = profiles[j].name
        used.add(j)
    return names
