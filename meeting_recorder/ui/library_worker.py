"""The meeting library off the UI thread: ``core.library.Library`` runs on two QThreads.

``LibraryClient`` lives on the UI thread; each request becomes a ``Request`` handed to a
``LibraryWorker`` on its own QThread, and every outcome comes back as one ``Reply``:

* the *writer* thread runs, in the order asked, every change (sync, import, add, rename,
  tags, delete, forget) and the meeting list; a change replies with the fresh list too;
* the *search* thread runs search-as-you-type, so typing never waits for a long import.
  Latest query wins: a query that a newer one has overtaken is skipped before it runs, and
  a reply to an old query is dropped here.

Both workers share one ``Library`` (it keeps one SQLite connection per thread), opened on
first use on a worker thread (a corrupt database is rebuilt by scanning, which may take a
while) and closed after both threads have ended.

Public API
----------
``LibraryClient(db_path, folders, parent=None)``
Signals: ``meetings_changed(list[Meeting])``, ``search_finished(str query, list[SearchHit])``,
``done(str op, object result)`` (after a change: rename/set_tags -> Meeting, delete -> list of
removed paths, sync/import_folder -> SyncReport, forget_missing -> int, add_* -> Meeting),
``failed(str op, str message)`` (the message in the user's language), ``notice(str)`` (e.g. a
damaged database was set aside and rebuilt from the files), ``idle_changed(bool)``.
Methods: ``configure(db_path, folders)``, ``reload(filter)``, ``search(query, filter, limit)``,
``sync()``, ``import_folder(path)``, ``add_recording(wav, transcript)``,
``add_transcript(json, audio, source)``, ``rename(id, title)``, ``set_tags(id, tags)``,
``delete(id, delete_files)``, ``forget_missing()``, ``is_idle()``, ``shutdown() -> bool``.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal, Slot

from meeting_recorder.ui.core_messages import describe_error, translate_event
from meeting_recorder.ui.threads import stop_thread

log = logging.getLogger(__name__)

SEARCH_LIMIT = 50
READS = ("search",)  # what the search thread runs; everything else goes to the writer
CHANGES = ("sync", "import_folder", "add_recording", "add_transcript", "rename", "set_tags", "delete",
           "forget_missing")


def library_db_path() -> Path:
    """The library's database: ``core.paths.library_path()`` (the user data folder;
    ``MEETING_RECORDER_HOME`` moves it, as in tests)."""
    from meeting_recorder.core import paths

    return paths.library_path()


@dataclass(frozen=True)
class LibraryConfig:
    """Which database, and the folders a sync scans (recordings and their transcripts)."""

    db_path: Path
    folders: tuple[Path, ...] = ()


@dataclass(frozen=True)
class Request:
    op: str  # a Library method (or "meetings")
    args: tuple[Any, ...]
    seq: int  # increasing per client: replies to old searches are dropped by it
    config: LibraryConfig


@dataclass(frozen=True)
class Reply:
    request: Request
    result: Any = None
    error: str | None = None  # the user's language
    meetings: list[Any] | None = field(default=None)  # the list after a change (or for "meetings")
    skipped: bool = False  # a search overtaken by a newer one before it ran
    notices: tuple[str, ...] = ()  # what opening the library did (a damaged one rebuilt), in words


class _SharedLibrary:
    """The ``Library`` both workers use, opened by whichever asks first (a lock keeps it one)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._library: Any = None
        self._config: LibraryConfig | None = None

    def get(self, config: LibraryConfig) -> Any:
        from meeting_recorder.core.library import Library

        with self._lock:
            if self._library is not None and self._config != config:  # another folder chosen in Preferences
                self._library.close()
                self._library = None
            if self._library is None:
                config.db_path.parent.mkdir(parents=True, exist_ok=True)
                self._library = Library(config.db_path, config.folders)
                self._config = config
            return self._library

    def take_events(self) -> list[Any]:
        """What opening the library reported (``Library.events``), once."""
        with self._lock:
            library = self._library
            if library is None or not getattr(library, "events", None):
                return []
            taken = list(library.events)
            library.events.clear()
            return taken

    def close(self) -> None:
        """After both threads have ended (it closes every thread's connection)."""
        with self._lock:
            library, self._library = self._library, None
        if library is not None:
            library.close()


def error_text(error: BaseException) -> str:
    """A library failure in the user's language: its event if it has one, else its text."""
    if isinstance(error, sqlite3.Error):
        return QCoreApplication.translate("LibraryClient", "The meeting library could not be read or written: {error}"
                                          ).format(error=error)
    if isinstance(error, OSError):
        return QCoreApplication.translate("LibraryClient", "The meeting library could not reach a file: {error}"
                                          ).format(error=error.strerror or error)
    return describe_error(error)


class LibraryWorker(QObject):
    """Runs requests on its thread; each ends in one ``replied`` signal."""

    replied = Signal(object)

    def __init__(self, shared: _SharedLibrary) -> None:
        super().__init__()
        self.shared = shared
        self.latest_search = 0  # written by the UI thread: searches older than this are skipped

    @Slot(object)
    def run(self, request: Request) -> None:
        if request.op == "search" and request.seq < self.latest_search:
            self.replied.emit(Reply(request, skipped=True))  # the newer query answers instead
            return
        notices: tuple[str, ...] = ()
        try:
            library = self.shared.get(request.config)
            notices = tuple(translate_event(event) for event in self.shared.take_events())
            result = self._call(library, request)
            meetings = library.meetings() if request.op in CHANGES else None
        except Exception as error:  # LibraryError, sqlite3.Error, OSError; a bug too, never a dead thread
            if not _is_expected(error):
                log.exception("library %s failed", request.op)
            self.replied.emit(Reply(request, error=error_text(error), notices=notices))
            return
        if request.op == "meetings":
            result, meetings = None, result
        self.replied.emit(Reply(request, result, meetings=meetings, notices=notices))

    @staticmethod
    def _call(library: Any, request: Request) -> Any:
        op, args = request.op, request.args
        if op == "meetings":
            return library.meetings(*args)
        if op == "delete":
            return [str(path) for path in library.delete(*args)]
        return getattr(library, op)(*args)


def _is_expected(error: BaseException) -> bool:
    try:
        from meeting_recorder.core.library import LibraryError
    except ImportError:
        return False
    return isinstance(error, (LibraryError, sqlite3.Error, OSError))


class LibraryClient(QObject):
    """The UI thread's handle on the library: requests go out, signals come back."""

    meetings_changed = Signal(list)
    search_finished = Signal(str, list)
    done = Signal(str, object)
    failed = Signal(str, str)
    notice = Signal(str)  # something the user should know that is not a failure (a damaged library rebuilt)
    idle_changed = Signal(bool)
    _to_writer = Signal(object)
    _to_search = Signal(object)

    def __init__(self, db_path: str | Path, folders: Iterable[str | Path] = (), parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.config = LibraryConfig(Path(db_path), tuple(Path(f) for f in folders))
        self._shared = _SharedLibrary()
        self._seq = 0
        self._search_seq = 0
        self._meetings_seq = 0
        self._pending = 0
        self._shut_down = False
        self.writer_thread, self.writer = self._thread("LibraryWriter", self._to_writer)
        self.search_thread, self.searcher = self._thread("LibrarySearch", self._to_search)
        # Ended even if the owner is deleted without shutdown(): a running QThread must not be destroyed.
        pairs = ((self.writer_thread, self.writer), (self.search_thread, self.searcher))
        self.destroyed.connect(lambda *_: [stop_thread(thread, worker) for thread, worker in pairs])

    def _thread(self, name: str, request: Signal) -> tuple[QThread, LibraryWorker]:
        thread = QThread()
        thread.setObjectName(name)
        worker = LibraryWorker(self._shared)
        worker.moveToThread(thread)
        request.connect(worker.run)
        worker.replied.connect(self._on_reply)
        return thread, worker

    # -- requests ----------------------------------------------------------------------------
    def configure(self, db_path: str | Path, folders: Iterable[str | Path]) -> None:
        """Another database or recordings folder (Preferences): used from the next request."""
        self.config = LibraryConfig(Path(db_path), tuple(Path(f) for f in folders))

    def reload(self, filter: Any = None) -> None:
        self._send("meetings", () if filter is None else (filter,))

    def search(self, query: str, filter: Any = None, limit: int = SEARCH_LIMIT) -> None:
        """Search as you type: only the newest query's results are delivered."""
        self._send("search", (query, filter, limit))

    def sync(self) -> None:
        self._send("sync", ())

    def import_folder(self, folder: str | Path) -> None:
        self._send("import_folder", (str(folder),))

    def add_recording(self, wav_path: str | Path, transcript_path: str | Path | None = None) -> None:
        self._send("add_recording", (str(wav_path), None if transcript_path is None else str(transcript_path)))

    def add_transcript(self, transcript_path: str | Path, audio_path: str | Path | None = None,
                       source: str = "import") -> None:
        self._send("add_transcript", (str(transcript_path), None if audio_path is None else str(audio_path), source))

    def rename(self, meeting_id: int, title: str) -> None:
        self._send("rename", (meeting_id, title))

    def set_tags(self, meeting_id: int, tags: Sequence[str]) -> None:
        self._send("set_tags", (meeting_id, tuple(tags)))

    def delete(self, meeting_id: int, delete_files: bool = True) -> None:
        self._send("delete", (meeting_id, delete_files))

    def forget_missing(self) -> None:
        self._send("forget_missing", ())

    def is_idle(self) -> bool:
        return self._pending == 0

    def _send(self, op: str, args: tuple[Any, ...]) -> None:
        if self._shut_down:
            return
        self._seq += 1
        request = Request(op, args, self._seq, self.config)
        if op in READS:
            self._search_seq = self._seq
            self.searcher.latest_search = self._seq  # an int store: the worker reads it between requests
        thread = self.search_thread if op in READS else self.writer_thread
        if not thread.isRunning():  # started on first use
            thread.start()
        self._pending += 1
        if self._pending == 1:
            self.idle_changed.emit(False)
        (self._to_search if op in READS else self._to_writer).emit(request)

    # -- replies -----------------------------------------------------------------------------
    @Slot(object)
    def _on_reply(self, reply: Reply) -> None:
        self._pending = max(0, self._pending - 1)
        if not self._shut_down and not reply.skipped:
            self._deliver(reply)
        if self._pending == 0:
            self.idle_changed.emit(True)

    def _deliver(self, reply: Reply) -> None:
        request = reply.request
        for text in reply.notices:
            self.notice.emit(text)
        if reply.error is not None:
            if request.op != "search" or request.seq == self._search_seq:
                self.failed.emit(request.op, reply.error)
        elif request.op == "search":
            if request.seq == self._search_seq:
                self.search_finished.emit(request.args[0], list(reply.result))
        else:
            if reply.meetings is not None and request.seq > self._meetings_seq:
                self._meetings_seq = request.seq
                self.meetings_changed.emit(list(reply.meetings))
            if request.op != "meetings":
                self.done.emit(request.op, reply.result)

    def shutdown(self) -> bool:
        """End both threads (a running step finishes first; a few seconds at most) and close
        the database. False when a thread still runs: it is kept until it ends. Idempotent."""
        self._shut_down = True
        ended = all([stop_thread(self.writer_thread, self.writer), stop_thread(self.search_thread, self.searcher)])
        if ended:
            self._shared.close()
        return ended
