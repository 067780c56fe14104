"""One window per user: a second launch hands its files to the running app and exits.

The first instance listens on a local socket whose name comes from the application id,
the user id and ``MEETING_RECORDER_HOME`` (tests and portable installs are instances of
their own). A second launch connects, sends one JSON line ``{"files": [...], "cwd": ...}``
(absolute paths), waits for ``ok`` and exits 0 without a window; the first raises its
window and queues the files. A socket left by a crashed first instance refuses
connections: it is removed and the new start listens. A lock file around "connect, else
listen" makes two simultaneous first starts take turns, so exactly one of them listens
(QLockFile treats the lock of a dead process as stale, so a crash there blocks nothing).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QDir, QLockFile, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtNetwork import QAbstractSocket, QLocalServer, QLocalSocket

from meeting_recorder.identity import APP_ID

log = logging.getLogger(__name__)

NEW_INSTANCE_ENV = "MEETING_RECORDER_NEW_INSTANCE"  # =1: never hand off, never listen (tests, power users)
OPEN_REPORT_ENV = "MEETING_RECORDER_OPEN_REPORT"  # =FILE: a JSON line per open request (what the queue holds)
HOME_ENV = "MEETING_RECORDER_HOME"
ACK = b"ok\n"
CONNECT_TIMEOUT_MS = 2000
# The running app answers from its event loop: allow for a window still being built on a busy machine.
ACK_TIMEOUT_MS = 30000
LOCK_TIMEOUT_MS = 10000
READ_TIMEOUT_MS = 10000  # a connection that sends no complete request is dropped after this
MAX_REQUEST_BYTES = 4 * 1024 * 1024
SOCKET_PATH_LIMIT = 100  # sun_path holds 108 bytes on Linux


def _user_id() -> str:
    return str(os.getuid()) if hasattr(os, "getuid") else os.environ.get("USERNAME", "user")


def socket_dir() -> Path:
    """``$XDG_RUNTIME_DIR`` (private to the user, emptied at logout), else the temp folder."""
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    if runtime and Path(runtime).is_dir() and os.access(runtime, os.W_OK):
        return Path(runtime)
    return Path(QDir.tempPath())


def server_name(home: str | None = None) -> str:
    """The socket's path: one per user, and per ``MEETING_RECORDER_HOME`` when that is set."""
    home = os.environ.get(HOME_ENV, "") if home is None else home
    name = f"{APP_ID}.{_user_id()}"
    if home:
        name += "." + hashlib.sha256(os.path.abspath(home).encode()).hexdigest()[:12]
    path = socket_dir() / f"{name}.socket"
    if len(str(path)) > SOCKET_PATH_LIMIT:  # a long runtime folder: the temp folder's short name
        path = Path(QDir.tempPath()) / f"{name}.socket"
    return str(path)


def encode_request(files: Sequence[str], cwd: str) -> bytes:
    return json.dumps({"files": list(files), "cwd": cwd}).encode("utf-8") + b"\n"


def decode_request(line: bytes) -> list[str]:
    """The request's files as absolute paths (a relative one is taken from its ``cwd``).
    ValueError if it is not a request."""
    message = json.loads(line.decode("utf-8"))
    if not isinstance(message, dict) or not isinstance(message.get("files", []), list):
        raise ValueError("not an open request")
    cwd = str(message.get("cwd") or "/")
    files = [str(f) for f in message.get("files", [])]
    return [f if "://" in f else os.path.join(cwd, f) for f in files]


def send_request(name: str, files: Sequence[str], cwd: str,
                 ack_timeout_ms: int = ACK_TIMEOUT_MS) -> bool | None:
    """Hand ``files`` to the instance listening on ``name``: True once it acknowledged,
    False when nobody listens (no socket, or a stale one), None when it took the request
    but did not answer in time."""
    sock = QLocalSocket()
    sock.connectToServer(name)
    if not sock.waitForConnected(CONNECT_TIMEOUT_MS):
        return False
    sock.write(encode_request(files, cwd))
    sock.flush()
    answer = b""
    while not answer.endswith(b"\n"):
        if not sock.waitForReadyRead(ack_timeout_ms):
            sock.abort()
            return None
        answer += bytes(sock.readAll().data())
    sock.disconnectFromServer()
    return True if answer == ACK else None  # someone is there: never take the name from it


@dataclass(frozen=True)
class Claim:
    """The outcome of ``claim``: ``server`` when this process is the first instance,
    ``handed_off`` when another one took the files, ``problem`` when it did not answer."""

    server: InstanceServer | None = None
    handed_off: bool = False
    problem: str = ""
    name: str = ""


def claim(files: Sequence[str], cwd: str, name: str | None = None) -> Claim:
    """Hand the files to the running instance, or become it. Never blocks the start for
    long: when the socket cannot be made at all, the app runs without single instance."""
    name = name or server_name()
    lock = QLockFile(name + ".lock")
    locked = lock.tryLock(LOCK_TIMEOUT_MS)  # not locked after that: go on regardless
    try:
        sent = send_request(name, files, cwd)
        if sent:
            return Claim(handed_off=True, name=name)
        if sent is None:
            return Claim(problem="the running Meeting Recorder did not answer", name=name)
        server = InstanceServer()
        if server.listen(name):
            return Claim(server=server, name=name)
        log.warning("single instance: cannot listen on %s (%s); running without it", name, server.error)
        return Claim(name=name)
    finally:
        if locked:
            lock.unlock()


class InstanceServer(QObject):
    """The first instance's end: each request is acknowledged at once, then ``requested``
    is emitted with its files (handled from the event loop, so a question the window asks
    meanwhile does not keep the second launch waiting)."""

    requested = Signal(list)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self.server.newConnection.connect(self._on_new_connection)
        self.error = ""
        self._buffers: dict[QLocalSocket, bytes] = {}

    def listen(self, name: str) -> bool:
        if self.server.listen(name):
            return True
        # Nobody answered on ``name`` (we hold the lock): a crashed instance's socket file.
        if self.server.serverError() == QAbstractSocket.SocketError.AddressInUseError:
            QLocalServer.removeServer(name)
            if self.server.listen(name):
                return True
        self.error = self.server.errorString()
        return False

    def name(self) -> str:
        return self.server.fullServerName()

    def close(self) -> None:
        """Stop listening; the socket file goes with it."""
        self.server.close()

    @Slot()
    def _on_new_connection(self) -> None:
        while self.server.hasPendingConnections():
            sock = self.server.nextPendingConnection()
            self._buffers[sock] = b""
            sock.readyRead.connect(lambda s=sock: self._read(s))
            sock.disconnected.connect(lambda s=sock: self._forget(s))
            QTimer.singleShot(READ_TIMEOUT_MS, sock, lambda s=sock: self._drop(s))
            self._read(sock)

    def _read(self, sock: QLocalSocket) -> None:
        if sock not in self._buffers:
            return
        data = self._buffers[sock] + bytes(sock.readAll().data())
        self._buffers[sock] = data
        if b"\n" not in data:
            if len(data) > MAX_REQUEST_BYTES:
                self._drop(sock)
            return
        try:
            files = decode_request(data.split(b"\n", 1)[0])
        except ValueError:  # json.JSONDecodeError and UnicodeDecodeError are ValueErrors
            log.warning("single instance: ignored a malformed request")
            self._drop(sock)
            return
        self._buffers.pop(sock, None)
        sock.write(ACK)
        sock.flush()
        sock.disconnectFromServer()
        QTimer.singleShot(0, self, lambda: self.requested.emit(files))

    def _drop(self, sock: QLocalSocket) -> None:
        if self._buffers.pop(sock, None) is not None:
            sock.abort()

    def _forget(self, sock: QLocalSocket) -> None:
        self._buffers.pop(sock, None)
        sock.deleteLater()


# -- the window's side ---------------------------------------------------------------------
def present(window: Any) -> None:
    """Bring the window to the front: shown if hidden, restored if minimized (a maximized
    window stays maximized, which ``showNormal`` would undo)."""
    if window.isMinimized():
        window.setWindowState((window.windowState() & ~Qt.WindowState.WindowMinimized) | Qt.WindowState.WindowActive)
    window.show()
    window.raise_()
    window.activateWindow()


def _tr(text: str) -> str:
    return QCoreApplication.translate("SingleInstance", text)


def open_in_window(window: Any, files: Sequence[str]) -> None:
    """Media files go into the Files queue, a transcript (.json/.jsonl) opens in the editor;
    a file that is not there is named in the status bar. No files: nothing to do."""
    from meeting_recorder.ui.main_window import TRANSCRIPT_SUFFIXES

    missing = [f for f in files if "://" in f or not Path(f).is_file()]
    found = [f for f in files if f not in missing]
    media = [f for f in found if not f.endswith(TRANSCRIPT_SUFFIXES)]
    transcripts = [f for f in found if f not in media]
    if media:
        window.add_files(media)
    if transcripts:  # the editor shows one transcript: the first
        window.open_transcript_path(transcripts[0])
    if missing:
        names = ", ".join(f if "://" in f else Path(f).name for f in missing)
        window.show_error(_tr("Could not open {files}: not a file on this computer.").format(files=names))
    report = os.environ.get(OPEN_REPORT_ENV)
    if report:
        write_open_report(window, Path(report))


def write_open_report(window: Any, path: Path) -> None:
    """For tests: what the window holds after an open request (its Files queue's rows, the
    open transcript, the status line), one JSON line appended per request."""
    line = {
        "pid": os.getpid(),
        "queue": [row_path for row_path, _state in window.files_view.job_states()],
        "transcript": None if window.editor.path is None else str(window.editor.path),
        "status": window.status_text(),
        "visible": window.isVisible(),
    }
    with path.open("a", encoding="utf-8") as out:
        out.write(json.dumps(line) + "\n")
