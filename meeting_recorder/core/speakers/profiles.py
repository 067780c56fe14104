"""Named speaker profiles and their persistent store.

    ProfileStore().add(profile)      # a profile from ``enrollment.enroll``
    ProfileStore().profiles()        # for ``matching.match_profiles``

A profile is a name, a unit-length CAM++ vector and the seconds of speech behind it. All
profiles live in one JSON file in the user data folder (0600 in a 0700 folder: voice
prints are personal data), rewritten atomically on each change. A file that is not a
profile file this version can use is never overwritten: it is renamed to
``profiles.json.corrupt`` (``-2``… if taken), the one read that finds it raises
``ProfileStoreError(ProfilesSetAside)`` saying so, and the store starts empty.
"""

from __future__ import annotations

import json
import math
import threading
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from meeting_recorder.core.errors import ProfileError, ProfileStoreError
from meeting_recorder.core.events import Event, ProfilesNotSaved, ProfilesSetAside, ProfilesUnreadable
from meeting_recorder.core.private_files import atomic_write, private_dir, set_aside
from meeting_recorder.core.speakers.campplus import DIMENSION
from meeting_recorder.core.speakers.vectors import unit


MAX_NAME_LENGTH = 100

STORE_FILE = "profiles.json"
STORE_FORMAT = 1
EMBEDDING_ID = f"campplus-{DIMENSION}"  # profiles from another speaker model would not compare


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
    return unit(vector).astype(np.float32)


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

    def _load(self) -> list[SpeakerProfile]:
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return []
        except OSError as error:  # e.g. no permission: the file may be fine, so it stays
            raise ProfileStoreError(ProfilesUnreadable(str(self.path), error.strerror or str(error))) from error
        try:
            return _parse(data)
        except _Unusable as problem:
            with _STORE_LOCK:
                try:
                    kept = set_aside(self.path)  # never overwritten: kept for its owner
                except FileNotFoundError:  # another thread or process moved it first and said so
                    return self._load()
                except OSError as error:
                    reason = f"{problem}; {error.strerror or error}"
                    raise ProfileStoreError(ProfilesUnreadable(str(self.path), reason)) from error
            raise ProfileStoreError(ProfilesSetAside(str(self.path), str(kept), str(problem))) from None

    def _save(self, profiles: list[SpeakerProfile]) -> None:
        entries = [
            json.dumps({"name": p.name, "seconds": round(p.seconds, 3),
                        "vector": [round(float(v), 8) for v in p.vector]}, ensure_ascii=False)
            for p in profiles
        ]
        head = json.dumps({"format": STORE_FORMAT, "embedding": EMBEDDING_ID})[:-1]
        text = head + ', "profiles": [' + ("\n " + ",\n ".join(entries) + "\n" if entries else "") + "]}\n"
        try:
            private_dir(self.folder)
            atomic_write(self.path, text.encode("utf-8"))
        except OSError as error:
            raise ProfileStoreError(ProfilesNotSaved(str(self.path), error.strerror or str(error))) from error


def enrolled_profiles(on_problem: Callable[[Event], None], folder: Path | None = None) -> list[SpeakerProfile]:
    """The enrolled voices for a transcription or recording that goes on without them if
    the profiles file cannot be used: its problem (set aside, unreadable) goes to
    ``on_problem`` and the job carries on with none."""
    try:
        return ProfileStore(folder).profiles()
    except ProfileStoreError as error:
        if error.event is not None:
            on_problem(error.event)
        return []


class _Unusable(Exception):
    """What is wrong with a profile file (the event's ``problem``)."""


def _parse(raw: bytes) -> list[SpeakerProfile]:
    """The profiles in a file's bytes; _Unusable if this version cannot use them."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise _Unusable("not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise _Unusable(f"not valid JSON: line {error.lineno}, column {error.colno}") from None
    if not isinstance(data, dict) or not isinstance(data.get("profiles"), list):
        raise _Unusable("no list of profiles in it")
    if data.get("format") != STORE_FORMAT:
        raise _Unusable(f"format {data.get('format')!r}; this version reads format {STORE_FORMAT}")
    if data.get("embedding") != EMBEDDING_ID:
        raise _Unusable(f"made with the speaker model {data.get('embedding')!r}, not {EMBEDDING_ID}; enroll again")
    profiles: list[SpeakerProfile] = []
    seen: set[str] = set()
    for number, entry in enumerate(data["profiles"], 1):
        try:
            profile = SpeakerProfile(entry["name"], np.array(entry["vector"], dtype=np.float64), float(entry["seconds"]))
            if not (math.isfinite(profile.seconds) and profile.seconds >= 0):
                raise ValueError("bad seconds")
        except (KeyError, TypeError, ValueError, ProfileError) as error:
            raise _Unusable(f"profile number {number} is unreadable ({error})") from None
        if _key(profile.name) in seen:
            raise _Unusable(f"the name '{profile.name}' twice")
        seen.add(_key(profile.name))
        profiles.append(profile)
    return profiles
