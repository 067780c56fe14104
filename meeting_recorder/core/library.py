"""The meeting library: every meeting in one SQLite file, searchable in English and Korean.

The files stay the truth: a meeting is its audio and its transcript JSON on disk; the title
and tags a user sets are written into the JSON too, so a lost or damaged database is rebuilt
by scanning the folders (``rebuild``; a damaged file is set aside and rebuilt on open). A
meeting whose files went away outside the app is flagged missing by ``sync``, never dropped.

Modules: ``library_store`` (connections, schema, transactions), ``library_scan`` (files to
rows), ``library_search`` (index terms, queries, highlights). ``add_transcript_data`` is the
fast path for callers that hold a Transcript already (the benchmark, the recorder).
"""

from __future__ import annotations

import functools
import json
import os
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from meeting_recorder.core import events
from meeting_recorder.core import library_scan as scan
from meeting_recorder.core import library_search as search_text
from meeting_recorder.core.errors import MeetingRecorderError
from meeting_recorder.core.library_rows import (
    find_segments, load_meetings, save_meeting, scan_folders, user_fields, write_json_fields,
)
from meeting_recorder.core.library_store import (
    Store, StoreCorrupt, StoreLocked, StoreTooNew, clear_data, db_path, fs_path, read_folders_file,
    write_folders_file,
    is_corruption, is_locked, record_file, set_aside,
)
from meeting_recorder.core.transcript import Mark, Note, Segment, Transcript

FOLDERS_SUFFIX = ".folders"  # the remembered folders, beside the database (survives its loss)
FULL_CHECK_BYTES = 16 << 20  # a database smaller than this has every page checked on open (~25 ms)
SEARCH_CANDIDATES = 2000  # a query matching more rows ranks only the newest this many
SEARCH_BUDGET_S = 0.03  # the index walk stops here (a rare phrase of common words); found rows are ranked


@dataclass(frozen=True)
class MeetingTrack:
    kind: str  # "mix" | "mic" | "system" | "audio"
    path: str


@dataclass(frozen=True)
class Meeting:
    id: int
    title: str
    started_at: float
    duration: float
    source: str
    audio_path: str | None
    tracks: tuple[MeetingTrack, ...]
    transcript_path: str | None
    language: str
    model: str
    speakers: tuple[str, ...]
    tags: tuple[str, ...]
    marks: tuple[Mark, ...]
    notes: tuple[Note, ...]
    segment_count: int
    missing: bool
    audio_missing: bool
    transcript_missing: bool


@dataclass(frozen=True)
class SearchHit:
    meeting_id: int
    meeting_title: str
    started_at: float
    segment_index: int
    start: float
    end: float
    speaker: str | None
    text: str
    highlights: tuple[tuple[int, int], ...]
    snippet: str


@dataclass(frozen=True)
class SearchFilter:
    since: float | None = None
    until: float | None = None
    speaker: str | None = None
    tag: str | None = None
    meeting_id: int | None = None


@dataclass(frozen=True)
class SyncReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    missing: int = 0
    errors: tuple[tuple[str, str], ...] = ()


class LibraryError(MeetingRecorderError):
    """``code``: "not_found", "locked", "io", "not_a_transcript", "not_audio", "corrupt", "too_new";
    ``event`` has the details (``str(error)`` is the English sentence)."""

    def __init__(self, code: str, event: events.Event) -> None:
        super().__init__(event)
        self.code = code


def _error(code: str, path: str | os.PathLike, reason: str = "") -> LibraryError:
    path = os.fsdecode(path)
    made = {"locked": lambda: events.LibraryLocked(path),
            "not_a_transcript": lambda: events.LibraryNotATranscript(path, reason),
            "corrupt": lambda: events.LibraryCorrupt(path, reason),
            "too_new": lambda: events.LibraryTooNew(path)}
    return LibraryError(code, made.get(code, lambda: events.LibraryFileError(path, reason))())


def _guarded(method):
    """SQLite's errors as LibraryError; a damaged database found mid-way is set aside,
    rebuilt, and the call made once more."""

    @functools.wraps(method)
    def wrapper(self: "Library", *args, **kwargs):
        try:
            try:
                return method(self, *args, **kwargs)
            except (StoreCorrupt, sqlite3.DatabaseError) as error:
                if not (isinstance(error, StoreCorrupt) or is_corruption(error)) or self._recovering:
                    raise
                self._recover(str(error))
                return method(self, *args, **kwargs)
        except StoreLocked as error:
            raise _error("locked", self.path) from error
        except StoreCorrupt as error:
            raise _error("corrupt", self.path, str(error)) from error
        except sqlite3.DatabaseError as error:
            if is_corruption(error):
                raise _error("corrupt", self.path, str(error)) from error
            raise _error("locked" if is_locked(error) else "io", self.path, str(error)) from error

    return wrapper


def _meeting(fields: dict) -> Meeting:
    tracks = tuple(MeetingTrack(kind, path) for kind, path in fields.pop("tracks"))
    return Meeting(tracks=tracks, **fields)


def _clean_title(title: str) -> str:
    return " ".join(str(title).split())


class Library:
    """See library_api.md. Thread-safe (a connection per thread); several Library objects,
    in this process or others, may share one file."""

    def __init__(self, db_path: str | Path, folders: Iterable[str | Path] = ()) -> None:
        self.path = Path(os.path.abspath(db_path))
        self._default_folders = [scan.absolute(f) for f in folders]
        self.events: list[events.Event] = []  # what opening it did (LibraryRebuilt)
        self.set_aside: Path | None = None
        self._recovering = False
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise _error("io", self.path.parent, error.strerror or str(error)) from error
        new = not self.path.exists() or self.path.stat().st_size == 0
        self._store = Store(self.path)
        try:
            self._open()
        except StoreTooNew as error:
            self._store.close()
            raise _error("too_new", self.path) from error
        if new and self._folders():
            self.sync()

    @_guarded
    def _open(self) -> None:
        try:
            self._store.connection()
            self._store.check(full=self.path.stat().st_size < FULL_CHECK_BYTES)
        except sqlite3.DatabaseError as error:
            if is_corruption(error):
                raise StoreCorrupt(str(error)) from error
            raise

    def _recover(self, reason: str) -> None:
        """Set the damaged file aside, start a new one and fill it from the files."""
        self._recovering = True
        try:
            self._store.reset()
            kept = set_aside(self.path)
            self.set_aside = kept
            self.events.append(events.LibraryRebuilt(str(self.path), str(kept)))
            self._store.connection()
            self._scan(self._folders())
        except OSError as error:
            raise _error("corrupt", self.path, f"{reason}; {error.strerror or error}") from error
        finally:
            self._recovering = False

    def close(self) -> None:
        self._store.close()

    def __enter__(self) -> "Library":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- remembered folders -------------------------------------------------------------------
    @property
    def _folders_file(self) -> Path:
        return self.path.with_name(self.path.name + FOLDERS_SUFFIX)

    def _folders(self) -> list[str]:
        rows = self._store.connection().execute("SELECT path FROM folders ORDER BY path").fetchall()
        found = self._default_folders + [fs_path(r[0]) for r in rows] + read_folders_file(self._folders_file)
        return list(dict.fromkeys(found))

    def _remember(self, folder: str) -> None:
        with self._store.write() as c:
            c.execute("INSERT OR IGNORE INTO folders(path) VALUES (?)", (db_path(folder),))
        remembered = list(dict.fromkeys(read_folders_file(self._folders_file) + [folder]))
        try:
            write_folders_file(self._folders_file, remembered)
        except OSError as error:
            raise _error("io", self._folders_file, error.strerror or str(error)) from error

    # -- adding -------------------------------------------------------------------------------
    @_guarded
    def add_transcript(self, transcript_path: str | Path, audio_path: str | Path | None = None,
                       source: str = "import") -> Meeting:
        path = scan.absolute(transcript_path)
        data = self._read(lambda: scan.read_transcript(path, scan.absolute(audio_path) if audio_path else None))
        return self.meeting(self._save(data, source)[0])

    @_guarded
    def add_transcript_data(self, transcript: Transcript, transcript_path: str | Path | None,
                            audio_path: str | Path | None = None, source: str = "import") -> Meeting:
        """Like add_transcript, from a Transcript in memory (the JSON is not read; it should
        hold the same). With no transcript_path the meeting is its audio's."""
        if not transcript_path and not audio_path:
            raise ValueError("add_transcript_data needs a transcript_path or an audio_path")
        path = scan.absolute(transcript_path) if transcript_path else None
        audio = scan.absolute(audio_path) if audio_path else None
        data = scan.plain_dict(transcript)
        meeting_data = self._read(lambda: scan.transcript_data(data, path or audio or "", audio))
        if path is None:
            meeting_data.transcript_path = None
        return self.meeting(self._save(meeting_data, source)[0])

    @_guarded
    def add_recording(self, wav_path: str | Path, transcript_path: str | Path | None = None) -> Meeting:
        wav = scan.absolute(wav_path)
        if transcript_path is None:
            beside = str(Path(wav).with_suffix(".json"))
            transcript_path = beside if os.path.isfile(beside) else None
        if transcript_path is not None:
            return self.add_transcript(transcript_path, wav, source="recording")
        return self.meeting(self._save(self._read(lambda: scan.audio_data(wav)), "recording")[0])

    @_guarded
    def add_audio(self, audio_path: str | Path) -> Meeting:
        audio = scan.absolute(audio_path)
        return self.meeting(self._save(self._read(lambda: scan.audio_data(audio)), "import")[0])

    @staticmethod
    def _read(reader):
        try:
            return reader()
        except scan.ScanError as error:
            raise _error(error.code, error.path, error.reason) from error

    def _save(self, data: scan.MeetingData, source: str) -> tuple[int, str]:
        meeting_id, status, write_back = save_meeting(self._store, data, source)
        if write_back is not None:
            self._write_fields(meeting_id, *write_back)
        return meeting_id, status

    @_guarded
    def import_folder(self, folder: str | Path) -> SyncReport:
        path = scan.absolute(folder)
        if not os.path.isdir(path):
            raise _error("io", path, "folder not found")
        self._remember(path)
        return self._scan([path])

    @_guarded
    def sync(self, folders: Iterable[str | Path] | None = None) -> SyncReport:
        roots = [scan.absolute(f) for f in folders] if folders is not None else self._folders()
        return self._scan(roots)

    @_guarded
    def rebuild(self) -> SyncReport:
        kept = user_fields(self._store.connection())  # titles/tags of meetings without a JSON
        with self._store.write() as c:
            clear_data(c)
        return self._scan(self._folders(), extra=kept)

    def _scan(self, roots: list[str], extra=None) -> SyncReport:
        counts = scan_folders(self._store, roots, self._save, extra or {})
        return SyncReport(counts["added"], counts["updated"], counts["unchanged"], counts["missing"],
                          tuple(counts["errors"]))

    # -- reading --------------------------------------------------------------------------------
    @_guarded
    def meetings(self, filter: SearchFilter | None = None) -> list[Meeting]:
        return [_meeting(fields) for fields in load_meetings(self._store.connection(), filter)]

    @_guarded
    def meeting(self, meeting_id: int) -> Meeting:
        found = load_meetings(self._store.connection(), SearchFilter(meeting_id=int(meeting_id)))
        if not found:
            raise LibraryError("not_found", events.LibraryMeetingNotFound(int(meeting_id)))
        return _meeting(found[0])

    @_guarded
    def segments(self, meeting_id: int) -> list[Segment]:
        self.meeting(meeting_id)
        rows = self._store.connection().execute(
            'SELECT start, "end", text, speaker FROM segments WHERE meeting_id = ? ORDER BY idx', (meeting_id,))
        return [Segment(start, end, text, speaker=speaker) for start, end, text, speaker in rows]

    @_guarded
    def search(self, query: str, filter: SearchFilter | None = None, limit: int = 50) -> list[SearchHit]:
        parsed = search_text.parse_query(query or "")
        expression = search_text.fts_expression(parsed)
        if not expression or limit <= 0:
            return []
        rows = find_segments(self._store.connection(), expression, filter, limit, SEARCH_CANDIDATES,
                             SEARCH_BUDGET_S)
        spans = search_text.highlights(parsed, [row["text"] for row in rows])
        return [SearchHit(row["meeting_id"], row["title"], row["started_at"], row["idx"], row["start"],
                          row["end"], row["speaker"], row["text"], found,
                          search_text.snippet(row["text"], found)) for row, found in zip(rows, spans)]

    @_guarded
    def speakers(self) -> list[str]:
        names: dict[str, str] = {}
        for (speakers,) in self._store.connection().execute("SELECT speakers FROM meetings"):
            for name in json.loads(speakers):
                names.setdefault(name.casefold(), name)
        return sorted(names.values(), key=str.casefold)

    @_guarded
    def tags(self) -> list[str]:
        rows = self._store.connection().execute("SELECT DISTINCT tag FROM tags").fetchall()
        return scan.clean_tags([r[0] for r in rows])

    # -- editing --------------------------------------------------------------------------------
    @_guarded
    def rename(self, meeting_id: int, title: str) -> Meeting:
        meeting = self.meeting(meeting_id)
        self._write_fields(meeting.id, _clean_title(title), list(meeting.tags))
        return self.meeting(meeting.id)

    @_guarded
    def set_tags(self, meeting_id: int, tags: Iterable[str]) -> Meeting:
        meeting = self.meeting(meeting_id)
        title = self._user_title(meeting.id)
        self._write_fields(meeting.id, title, scan.clean_tags(list(tags)))
        return self.meeting(meeting.id)

    def _user_title(self, meeting_id: int) -> str:
        row = self._store.connection().execute("SELECT title FROM meetings WHERE id = ?", (meeting_id,)).fetchone()
        return row[0] if row else ""

    def _write_fields(self, meeting_id: int, title: str, tags: list[str]) -> None:
        """Title and tags into the transcript JSON (atomically, when it is on disk), then the row."""
        connection = self._store.connection()
        row = connection.execute("SELECT transcript_path, default_title FROM meetings WHERE id = ?",
                                 (meeting_id,)).fetchone()
        if row is None:
            raise LibraryError("not_found", events.LibraryMeetingNotFound(meeting_id))
        transcript, default = fs_path(row[0]), row[1]
        title = "" if title == default else title
        if transcript and os.path.isfile(transcript):
            try:
                write_json_fields(transcript, title, tags)
            except scan.ScanError as error:
                raise _error(error.code, error.path, error.reason) from error
            except OSError as error:
                raise _error("io", transcript, error.strerror or str(error)) from error
        with self._store.write() as c:
            c.execute("UPDATE meetings SET title = ? WHERE id = ?", (title, meeting_id))
            c.execute("DELETE FROM tags WHERE meeting_id = ?", (meeting_id,))
            c.executemany("INSERT OR IGNORE INTO tags(meeting_id, tag) VALUES (?, ?)", ((meeting_id, t) for t in tags))
            if transcript:
                record_file(c, transcript, meeting_id)

    @_guarded
    def delete(self, meeting_id: int, delete_files: bool = True) -> list[Path]:
        meeting = self.meeting(meeting_id)
        removed: list[Path] = []
        if delete_files:
            audio = [t.path for t in meeting.tracks] or ([meeting.audio_path] if meeting.audio_path else [])
            transcripts = [meeting.transcript_path] if meeting.transcript_path else []
            if meeting.audio_path and scan.started_from_name(scan.stem_of(meeting.audio_path)) is not None:
                transcripts.append(str(Path(meeting.audio_path).with_suffix(".json")))  # a recording's own
            for path in scan.companion_files(audio, transcripts):
                try:
                    os.unlink(path)
                except FileNotFoundError:
                    continue
                except OSError as error:  # the row stays: a sync shows what is left
                    raise _error("io", path, error.strerror or str(error)) from error
                removed.append(Path(path))
        with self._store.write() as c:
            c.execute("DELETE FROM meetings WHERE id = ?", (meeting.id,))
        return removed

    @_guarded
    def forget_missing(self) -> int:
        with self._store.write() as c:
            return c.execute("DELETE FROM meetings WHERE (audio_path IS NULL OR audio_missing) "
                             "AND (transcript_path IS NULL OR transcript_missing)").rowcount
