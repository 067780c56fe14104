"""The main process's side of the worker process (see ``host.py`` for the messages).

``WorkerClient`` starts the process on first need (``python -m
meeting_recorder.core.worker.host`` with one end of a socket pair: a fresh interpreter that
imports only what the models need, never the window, and never re-runs the caller's main
module as multiprocessing's spawn would), sends calls and
routes what comes back to the thread waiting for each call. If the process dies (SIGKILL,
a segfault in a native library, the OOM killer) every call in flight raises
``WorkerDied`` and the next call starts a new process; holders are created again there
(their models load on first use, as they did the first time).

``shutdown()`` ends the process (models released with it: the memory and the GPU context
go back to the system with the process). One client per main process: ``shared_client()``.
"""

from __future__ import annotations

import atexit
import collections
import itertools
import os
import queue
import socket
import subprocess
import sys
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from meeting_recorder.core.errors import MeetingRecorderError
from meeting_recorder.core.events import WorkerCrashed

START_TIMEOUT = 60.0  # a fresh interpreter importing numpy and the core: seconds on a slow disk
POLL_SECONDS = 0.1  # how often a waiting call looks at its cancel event


class WorkerDied(MeetingRecorderError):
    """The worker process ended during a call (killed, crashed, out of memory).
    ``generation``: which worker process (one death can reach several callers)."""

    def __init__(self, message: "str | WorkerCrashed" = "", generation: int | None = None) -> None:
        super().__init__(message)
        self.generation = generation


class WorkerClient:
    def __init__(self) -> None:
        self._lock = threading.Lock()  # process start/stop and the object table
        self._send_lock = threading.Lock()
        self._process: subprocess.Popen | None = None
        self._connection: Any = None
        self._reader: threading.Thread | None = None
        self._pending: dict[int, tuple[int, queue.Queue]] = {}  # call -> (process generation, answers)
        self._ids = itertools.count(1)
        self._objects: dict[str, tuple[str, dict]] = {}  # name -> (class, kwargs) to recreate
        self._created: set[str] = set()  # made in the current process
        self._abandoned: collections.deque[str] = collections.deque()  # holders collected unclosed
        self._quitting: int | None = None  # the generation we asked to quit
        self._lost: dict[int, str] = {}  # generation -> why it ended without being asked to
        self.generation = 0  # bumps with every new process (holders know to reload)
        self.starts = 0

    # -- lifecycle -----------------------------------------------------------------------
    @property
    def alive(self) -> bool:
        process = self._process
        return process is not None and process.poll() is None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self.alive else None

    def _ensure_started(self) -> None:
        if self.alive:
            return
        self._reap()
        ours, theirs = socket.socketpair()
        try:
            process = subprocess.Popen(
                [sys.executable, "-m", "meeting_recorder.core.worker.host", str(theirs.fileno())],
                pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL,
                # With OpenMP's default active wait, idle CTranslate2 threads of a model whose
                # loading thread had ended spun at their barriers and starved the work 4-16x
                # (scripts/bench_worker.py); passive waiting costs nothing measurable.
                env={"OMP_WAIT_POLICY": "PASSIVE", **os.environ},
            )
        except OSError as error:  # e.g. the interpreter cannot be executed by this user
            ours.close()
            raise WorkerDied(WorkerCrashed(f"the worker process could not be started ({error})")) from error
        finally:
            theirs.close()
        connection = Connection(ours.detach())
        if not connection.poll(START_TIMEOUT):
            process.kill()
            process.wait()
            connection.close()
            raise WorkerDied(WorkerCrashed("the worker process did not start"))
        try:
            connection.recv()  # ("ready", pid)
        except (EOFError, OSError) as error:
            process.wait()
            connection.close()
            raise WorkerDied(WorkerCrashed(f"the worker process failed to start (exit code {process.returncode})")) from error
        self._process, self._connection = process, connection
        self._created.clear()
        self.generation += 1
        self.starts += 1
        self._reader = threading.Thread(target=self._read, args=(connection, process, self.generation),
                                        name="worker-reader", daemon=True)
        self._reader.start()

    def shutdown(self, timeout: float = 10.0) -> None:
        """End the worker process (its models with it); the next call starts a new one."""
        with self._lock:
            process, connection = self._process, self._connection
            if process is None:
                return
            self._quitting = self.generation
            try:
                with self._send_lock:
                    connection.send(("quit",))
            except (OSError, ValueError):
                pass
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)
            self._reap()

    def _reap(self) -> None:
        """Forget a process that ended or is being replaced. The pipe is closed only after
        its reader thread has seen the end: closing an fd a thread still blocks on frees its
        number for the next process's pipe, and that reader would steal the new answers."""
        process, connection, reader = self._process, self._connection, self._reader
        self._process = self._connection = self._reader = None
        self._created.clear()
        if process is not None:
            if process.poll() is None:
                process.kill()
            process.wait(5)
        if reader is not None and reader is not threading.current_thread():
            reader.join(5)  # the process is gone: its end of the pipe is closed, recv sees EOF
        if connection is not None and (reader is None or not reader.is_alive()):
            connection.close()

    # -- objects and calls ------------------------------------------------------------------
    def register(self, name: str, qualified_class: str, **kwargs: Any) -> None:
        """A model holder the worker makes (again, after a restart) when it is first used."""
        with self._lock:
            self._objects[name] = (qualified_class, kwargs)

    def forget(self, name: str) -> None:
        """Close and drop a holder in the worker (if it is running)."""
        with self._lock:
            self._forget(name)

    def abandon(self, name: str) -> None:
        """A stand-in was garbage-collected without ``close()``: forget it at the next chance.
        (Called from a finalizer, which may run inside ``_lock``: only a deque append here.)"""
        self._abandoned.append(name)

    def _forget(self, name: str) -> None:
        self._objects.pop(name, None)
        if name in self._created and self.alive:
            self._created.discard(name)
            try:
                self._send(("drop", name))
            except WorkerDied:  # gone anyway
                pass

    def _forget_abandoned(self) -> None:
        while self._abandoned:
            self._forget(self._abandoned.popleft())

    def lost_reason(self, generation: int) -> str | None:
        """Why worker process ``generation`` ended by itself (killed, crashed), or None if it
        runs or was asked to quit."""
        return self._lost.get(generation)

    def warm(self, modules: list[str]) -> None:
        """Start the worker now and have it import ``modules`` (models kept loaded: the
        first job then finds them ready). It stays until ``shutdown``."""
        with self._lock:
            self._ensure_started()
            self._send(("warm", tuple(modules)))

    def holders(self) -> list[str]:
        with self._lock:
            self._forget_abandoned()
            return sorted(self._objects)

    def call(
        self,
        name: str,
        method: str,
        *args: Any,
        callbacks: dict[str, Callable[[Any], None]] | None = None,
        cancel: threading.Event | None = None,
        **kwargs: Any,
    ) -> Any:
        """``method`` of holder ``name`` in the worker; callbacks run on this thread as their
        events arrive. Raises what the method raised, or WorkerDied."""
        callbacks = callbacks or {}
        with self._lock:
            self._forget_abandoned()
            self._ensure_started()
            if name not in self._created:
                qualified, made_with = self._objects[name]
                self._send(("create", name, qualified, made_with))
                self._created.add(name)
            call_id = next(self._ids)
            answers: queue.Queue = queue.Queue()
            self._pending[call_id] = (self.generation, answers)
            if cancel is not None:
                kwargs["cancel"] = None  # the worker passes its own event, set by our "cancel"
            self._send(("call", call_id, name, method, args, kwargs, tuple(callbacks)))
        try:
            return self._wait(call_id, answers, callbacks, cancel, self._pending[call_id][0])
        finally:
            self._pending.pop(call_id, None)

    def _wait(self, call_id: int, answers: queue.Queue, callbacks: dict, cancel: threading.Event | None,
              generation: int) -> Any:
        cancel_sent = False
        while True:
            try:
                message = answers.get(timeout=POLL_SECONDS)
            except queue.Empty:
                if self.generation != generation or not self.alive:  # it ended and no answer came
                    if answers.empty():
                        raise WorkerDied(WorkerCrashed("the worker process ended during the job"), generation) from None
                    continue
                if cancel is not None and cancel.is_set() and not cancel_sent:
                    cancel_sent = True
                    self._send(("cancel", call_id))
                continue
            kind = message[0]
            if kind == "event":
                callbacks[message[2]](message[3])
            elif kind == "result":
                return message[2]
            elif kind == "error":
                raise message[2]
            elif kind == "died":
                raise WorkerDied(WorkerCrashed(message[1]), generation)

    def _send(self, message: tuple) -> None:
        try:
            with self._send_lock:
                self._connection.send(message)
        except (OSError, ValueError, AttributeError) as error:  # the pipe broke: the process died
            raise WorkerDied(WorkerCrashed(f"the worker process is gone ({error})"), self.generation) from error

    def _read(self, connection: Connection, process: subprocess.Popen, generation: int) -> None:
        """Route answers to their callers; when the pipe ends, fail every call in flight
        to this process."""
        while True:
            try:
                message = connection.recv()
            except (EOFError, OSError, ValueError):
                break
            entry = self._pending.get(message[1])
            if entry is not None:
                entry[1].put(message)
        try:
            code = process.wait(5)
        except subprocess.TimeoutExpired:
            code = None
        reason = "it was killed" if code is not None and code < 0 else f"exit code {code}"
        if self._quitting != generation:
            self._lost[generation] = f"the worker process ended ({reason})"
        for call_generation, answers in list(self._pending.values()):
            if call_generation == generation:
                answers.put(("died", f"the worker process ended during the job ({reason})"))


_SHARED: WorkerClient | None = None
_SHARED_LOCK = threading.Lock()


def shared_client() -> WorkerClient:
    """The worker of this process: offline jobs, live sessions and enrollment share it."""
    global _SHARED
    with _SHARED_LOCK:
        if _SHARED is None:
            _SHARED = WorkerClient()
            atexit.register(_SHARED.shutdown)  # kept models go with the app
        return _SHARED


def shutdown_shared() -> None:
    """End this process's worker if it has one (the app quitting: kept models go now, not
    at interpreter exit); starts nothing."""
    with _SHARED_LOCK:
        client = _SHARED
    if client is not None:
        client.shutdown()
