"""The library's SQLite file: connections, schema, migrations and write transactions.

One connection per thread (``Store.connection``), each in WAL mode with foreign keys on and
a busy timeout, so the live recorder, the Files queue and the window (threads or separate
processes) read while one of them writes, and writers queue instead of failing with
"database is locked". Every write is ``BEGIN IMMEDIATE`` (``Store.write``): the write lock is
taken up front, so a transaction never has to upgrade a read lock, which in WAL mode fails at
once (SQLITE_BUSY_SNAPSHOT) without waiting for the busy handler.

Durability: ``synchronous=NORMAL``. In WAL mode a commit is in the WAL (the OS's page cache)
when COMMIT returns, so a kill -9 of the process loses nothing committed; only a power cut
may lose the last transactions, which the next ``sync`` re-reads from the files (the files,
not the database, are the truth).

The schema version is ``PRAGMA user_version``; ``migrate`` brings an older file up to date.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

SCHEMA_VERSION = 2
BUSY_TIMEOUT_MS = 10_000
LOCKED_RETRY_SECONDS = 30.0  # BEGIN IMMEDIATE retried this long after busy_timeout gave up
# porter stems English words only: Hangul/CJK terms pass through unchanged (a test checks it).
FTS_TOKENIZER = "porter unicode61 remove_diacritics 2"
# Prefix indexes for 1-3 characters: the last word typed is a prefix query ("re" -> re*), and
# a Korean syllable is one ("회" -> 회*: every bigram starting with it); without them FTS5
# merges the doclists of every term with that prefix (~45 ms instead of ~10 ms at 700k rows,
# for +15 % of the file).
FTS_PREFIXES = "1 2 3"

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meetings (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL DEFAULT '',          -- the title the user set ('' = the default)
    default_title TEXT NOT NULL DEFAULT '',  -- the audio's (or transcript's) stem
    started_at REAL NOT NULL,
    duration REAL NOT NULL DEFAULT 0,
    source TEXT NOT NULL,
    audio_path TEXT UNIQUE,
    transcript_path TEXT UNIQUE,
    language TEXT NOT NULL DEFAULT '',
    model TEXT NOT NULL DEFAULT '',
    speakers TEXT NOT NULL DEFAULT '[]',     -- JSON list, first appearance order
    segment_count INTEGER NOT NULL DEFAULT 0,
    first_segment INTEGER NOT NULL DEFAULT 0,  -- its segments' ids (and index rowids) are
    last_segment INTEGER NOT NULL DEFAULT -1,  -- first_segment..last_segment, in order
    audio_missing INTEGER NOT NULL DEFAULT 0,
    transcript_missing INTEGER NOT NULL DEFAULT 0,
    CHECK (audio_path IS NOT NULL OR transcript_path IS NOT NULL)
);
CREATE INDEX IF NOT EXISTS meetings_started ON meetings(started_at);
CREATE TABLE IF NOT EXISTS tracks (
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    kind TEXT NOT NULL,
    path TEXT NOT NULL,
    PRIMARY KEY (meeting_id, position)
);
CREATE TABLE IF NOT EXISTS segments (
    id INTEGER PRIMARY KEY,                  -- also the rowid of its segments_fts row
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,                    -- its index in the transcript JSON
    start REAL NOT NULL,
    "end" REAL NOT NULL,
    speaker TEXT,
    text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS segments_meeting ON segments(meeting_id);
CREATE INDEX IF NOT EXISTS segments_speaker ON segments(speaker COLLATE NOCASE);
CREATE TABLE IF NOT EXISTS tags (
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    tag TEXT NOT NULL COLLATE NOCASE,
    PRIMARY KEY (meeting_id, tag)
);
CREATE INDEX IF NOT EXISTS tags_tag ON tags(tag);
CREATE TABLE IF NOT EXISTS marks (
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    time REAL NOT NULL,
    label TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS marks_meeting ON marks(meeting_id);
CREATE TABLE IF NOT EXISTS notes (
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    time REAL NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS notes_meeting ON notes(meeting_id);
CREATE TABLE IF NOT EXISTS folders (path TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS files (           -- what sync saw of each indexed file
    path TEXT PRIMARY KEY,
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    mtime_ns INTEGER NOT NULL,
    size INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS files_meeting ON files(meeting_id);
CREATE VIRTUAL TABLE IF NOT EXISTS segments_fts USING fts5(
    terms, tokenize='{FTS_TOKENIZER}', prefix='{FTS_PREFIXES}'
);
CREATE TRIGGER IF NOT EXISTS segments_fts_delete AFTER DELETE ON segments BEGIN
    DELETE FROM segments_fts WHERE rowid = old.id;
END;
"""

# Tables a rebuild empties (children first); `folders` is configuration and stays.
DATA_TABLES = ("segments_fts", "files", "tracks", "tags", "marks", "notes", "segments", "meetings")

SQLITE_CORRUPT = 11
SQLITE_NOTADB = 26


class StoreCorrupt(Exception):
    """The file is not a database, or its pages are damaged."""


class StoreLocked(Exception):
    """Another writer held the database for longer than we waited."""


class StoreTooNew(Exception):
    """The file was made by a newer version of the app (its user_version is higher)."""


def is_corruption(error: BaseException) -> bool:
    if not isinstance(error, sqlite3.DatabaseError):
        return False
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None and code & 0xFF in (SQLITE_CORRUPT, SQLITE_NOTADB):
        return True
    text = str(error).lower()
    return "malformed" in text or "not a database" in text or "corrupt" in text


def is_locked(error: BaseException) -> bool:
    return isinstance(error, sqlite3.OperationalError) and ("locked" in str(error) or "busy" in str(error))


def _open(path: Path) -> sqlite3.Connection:
    # isolation_level=None: no implicit transactions; `Store.write` says BEGIN IMMEDIATE itself.
    connection = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                                 check_same_thread=False)
    try:
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        connection.execute("PRAGMA foreign_keys = ON")
        mode = connection.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise sqlite3.OperationalError(f"could not switch to WAL (journal mode {mode})")
        connection.execute("PRAGMA synchronous = NORMAL")
    except BaseException:
        connection.close()
        raise
    return connection


def _begin_immediate(connection: sqlite3.Connection) -> None:
    """BEGIN IMMEDIATE, retried past the busy timeout (a rebuild can hold the lock a while)."""
    deadline = time.monotonic() + LOCKED_RETRY_SECONDS
    while True:
        try:
            connection.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as error:
            if not is_locked(error):
                raise
            if time.monotonic() > deadline:
                raise StoreLocked(str(error)) from error
            time.sleep(0.05)


def migrate(connection: sqlite3.Connection) -> None:
    """Create or upgrade the schema to SCHEMA_VERSION (re-checked under the write lock: two
    processes opening a new file at once both get here)."""
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    if version == SCHEMA_VERSION:
        return
    if version > SCHEMA_VERSION:
        raise StoreTooNew(f"schema version {version}, this app knows up to {SCHEMA_VERSION}")
    _begin_immediate(connection)
    try:
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        if version < 1:  # a new file: the current schema at once
            for statement in _statements(SCHEMA):
                connection.execute(statement)
        else:
            for step in MIGRATIONS[version - 1:]:  # MIGRATIONS[n - 1] brings version n to n + 1
                step(connection)
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise


def _to_v2(connection: sqlite3.Connection) -> None:
    """Version 2: each meeting's segment id range (searches within meetings read only it),
    and the index with a 1-character prefix index (its rows are copied, not recomputed)."""
    connection.execute("ALTER TABLE meetings ADD COLUMN first_segment INTEGER NOT NULL DEFAULT 0")
    connection.execute("ALTER TABLE meetings ADD COLUMN last_segment INTEGER NOT NULL DEFAULT -1")
    connection.execute("UPDATE meetings SET first_segment = coalesce((SELECT min(id) FROM segments "
                       "WHERE meeting_id = meetings.id), 0), last_segment = coalesce((SELECT max(id) "
                       "FROM segments WHERE meeting_id = meetings.id), -1)")
    connection.execute("ALTER TABLE segments_fts RENAME TO segments_fts_v1")
    connection.execute("DROP TRIGGER IF EXISTS segments_fts_delete")
    for statement in _statements(SCHEMA):  # IF NOT EXISTS: only the index and its trigger
        connection.execute(statement)
    connection.execute("INSERT INTO segments_fts(rowid, terms) SELECT rowid, terms FROM segments_fts_v1")
    connection.execute("DROP TABLE segments_fts_v1")


MIGRATIONS = (_to_v2,)


def _statements(script: str) -> list[str]:
    """Split a script into statements (executescript would commit our transaction)."""
    statements, current = [], ""
    for line in script.splitlines(keepends=True):
        if line.strip().startswith("--") and not current.strip():
            continue
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    return [s for s in statements if s]


class Store:
    """Connections to one database file, one per thread, all closed by ``close``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: list[sqlite3.Connection] = []
        self._generation = 0  # bumped by reset(): every thread then opens a fresh connection
        self._closed = False

    def connection(self) -> sqlite3.Connection:
        local = self._local
        if getattr(local, "generation", None) == self._generation and local.connection is not None:
            return local.connection
        with self._lock:
            if self._closed:
                raise sqlite3.ProgrammingError("the library is closed")
            stale = getattr(local, "connection", None)
            if stale is not None:
                self._forget(stale)
            connection = _open(self.path)
            try:
                migrate(connection)
            except BaseException:
                connection.close()
                raise
            self._connections.append(connection)
            local.connection, local.generation = connection, self._generation
            return connection

    def _forget(self, connection: sqlite3.Connection) -> None:
        with contextlib.suppress(sqlite3.Error):
            connection.close()
        if connection in self._connections:
            self._connections.remove(connection)

    @contextlib.contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A BEGIN IMMEDIATE transaction: committed when the block ends, rolled back on error."""
        connection = self.connection()
        _begin_immediate(connection)
        try:
            yield connection
            connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:  # (a failed COMMIT, disk full, leaves it open)
                with contextlib.suppress(sqlite3.Error):
                    connection.execute("ROLLBACK")
            raise

    def check(self, full: bool) -> None:
        """Raise StoreCorrupt when the file is damaged: the header and schema always, the
        small tables' pages always, every page (``full``: seconds for a large library)."""
        connection = self.connection()
        try:
            tables = ("meetings", "tracks", "tags", "files", "folders") if not full else (None,)
            for table in tables:
                pragma = "PRAGMA quick_check" if table is None else f"PRAGMA quick_check({table})"
                result = [row[0] for row in connection.execute(pragma).fetchall()]
                if result != ["ok"]:
                    raise StoreCorrupt("; ".join(str(r) for r in result[:3]))
            connection.execute("SELECT count(*) FROM segments_fts WHERE segments_fts MATCH 'a'").fetchone()
        except sqlite3.DatabaseError as error:
            if is_corruption(error):
                raise StoreCorrupt(str(error)) from error
            raise

    def reset(self) -> None:
        """Close every connection (each thread reopens on its next call)."""
        with self._lock:
            for connection in list(self._connections):
                self._forget(connection)
            self._generation += 1

    def close(self) -> None:
        self.reset()
        with self._lock:
            self._closed = True


def set_aside(path: Path) -> Path:
    """Move a damaged database (and its -wal/-shm) to ``<name>.corrupt-<time>``; returns the new name."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{path}{suffix}")
        if source.exists():
            os.replace(source, f"{target}{suffix}")
    return target


# -- paths in the database -----------------------------------------------------------------------
_BYTES_MARK = "\uffff"  # a path whose name is not UTF-8 (a Latin-1 file name) is kept as hex


def db_path(path: str | os.PathLike) -> str:
    """``path`` as stored: SQLite text must be UTF-8, and a file name need not be."""
    text = os.fspath(path)
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return _BYTES_MARK + os.fsencode(text).hex()


def fs_path(text: str | None) -> str | None:
    if text is None or not text.startswith(_BYTES_MARK):
        return text
    return os.fsdecode(bytes.fromhex(text[len(_BYTES_MARK):]))


def file_state(path: str) -> tuple[int, int] | None:
    """(mtime_ns, size) of a file, None when it is not there."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size


def record_file(connection: sqlite3.Connection, path: str, meeting_id: int) -> None:
    """Remember what ``path`` looked like when indexed (sync skips it while unchanged)."""
    state = file_state(path)
    if state is None:
        connection.execute("DELETE FROM files WHERE path = ?", (db_path(path),))
    else:
        connection.execute("INSERT OR REPLACE INTO files(path, meeting_id, mtime_ns, size) VALUES (?, ?, ?, ?)",
                           (db_path(path), meeting_id, *state))


def next_segment_id(connection: sqlite3.Connection) -> int:
    return connection.execute("SELECT coalesce(max(id), 0) + 1 FROM segments").fetchone()[0]


def insert_segments(connection: sqlite3.Connection, meeting_id: int, rows: list[tuple], terms: list[str]) -> None:
    """Segments (start, end, speaker, text) with consecutive ids (we hold the write lock), and
    their index rows under the same ids: a meeting's segments are one rowid range, which a
    search within some meetings reads alone (meetings.first_segment/last_segment)."""
    first = next_segment_id(connection)
    connection.execute("UPDATE meetings SET first_segment = ?, last_segment = ? WHERE id = ?",
                       (first, first + len(rows) - 1, meeting_id))
    connection.executemany(
        'INSERT INTO segments(id, meeting_id, idx, start, "end", speaker, text) VALUES (?, ?, ?, ?, ?, ?, ?)',
        ((first + i, meeting_id, i, *row) for i, row in enumerate(rows)))
    connection.executemany("INSERT INTO segments_fts(rowid, terms) VALUES (?, ?)",
                           ((first + i, text) for i, text in enumerate(terms)))


def clear_data(connection: sqlite3.Connection) -> None:
    """Empty every data table at once (DROP and CREATE: deleting a million index rows one by
    one would take minutes); ``folders`` stays."""
    connection.execute("DROP TRIGGER IF EXISTS segments_fts_delete")
    for table in DATA_TABLES:
        connection.execute(f"DROP TABLE IF EXISTS {table}")
    for statement in _statements(SCHEMA):
        connection.execute(statement)


def read_folders_file(path: Path) -> list[str]:
    """The folders remembered in the plain file beside the database ([] when unreadable)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return [fs_path(p) for p in data.get("folders", []) if isinstance(p, str)]
    except (OSError, ValueError, AttributeError):
        return []


def write_folders_file(path: Path, folders: list[str]) -> None:
    """Replace the remembered folders' file atomically (it outlives a lost database)."""
    from meeting_recorder.core.export import write_atomic

    text = json.dumps({"folders": [db_path(p) for p in folders]}, ensure_ascii=False, indent=1)
    write_atomic(path, text + "\n")
