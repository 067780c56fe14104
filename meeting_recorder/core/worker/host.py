"""The worker process's side: it owns the models (Whisper, the VAD, the diarizer, the
speaker embedder) and runs the calls the main process sends.

Each holder gets one thread for its whole life, which runs its calls in order: a model stays
on the thread that loaded it (CTranslate2's and torch's OpenMP pools are tied to the thread
that first used them; with a new thread per call they were left spinning, 4-16x slower), and
the main loop stays free to take a cancel while a call runs. Callbacks of a call (progress,
segments) go back as events; the result or the exception ends it.

Messages (tuples over a ``multiprocessing.connection.Connection`` on a socket pair), main → worker:
  ("create", name, qualified class name, kwargs)   make a model holder (not loaded yet)
  ("call", call_id, name, method, args, kwargs, callbacks)   callbacks: kwarg names to forward
  ("cancel", call_id)                               set the call's ``cancel`` event
  ("drop", name)                                    close and forget a holder
  ("warm", modules)                                 import these now (models kept loaded)
  ("quit",)                                         exit now
worker → main:
  ("ready", pid) once; ("event", call_id, kwarg, payload); ("result", call_id, value);
  ("error", call_id, exception)
"""

from __future__ import annotations

import importlib
import os
import pickle
import queue
import sys
import threading
from multiprocessing.connection import Connection
from typing import Any

_CLOSE = None  # ends a holder's thread


class _Holder:
    """One model holder and the thread that runs its calls."""

    def __init__(self, host: "_Host", name: str, qualified: str, kwargs: dict) -> None:
        self.host = host
        self.calls: queue.SimpleQueue = queue.SimpleQueue()
        self.target: Any = None
        self._make = (qualified, kwargs)
        self.thread = threading.Thread(target=self._serve, name=f"holder-{name}", daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            call = self.calls.get()
            if call is _CLOSE:
                break
            self.host.run_call(self, *call)
        if self.target is not None:
            try:
                self.target.close()
            except Exception:  # noqa: BLE001 — dropped anyway; the process may exit next
                pass
            self.target = None

    def object(self) -> Any:
        """The holder, made on this thread at its first call (a bad class fails that call)."""
        if self.target is None:
            qualified, kwargs = self._make
            self.target = _class(qualified)(**kwargs)
        return self.target


class _Host:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.holders: dict[str, _Holder] = {}
        self.cancels: dict[int, threading.Event] = {}
        self._send_lock = threading.Lock()

    def send(self, message: tuple) -> None:
        with self._send_lock:
            self.connection.send(message)

    def serve(self) -> None:
        self.send(("ready", os.getpid()))
        while True:
            try:
                message = self.connection.recv()
            except (EOFError, OSError):  # the main process is gone: nothing to serve
                break
            kind = message[0]
            if kind == "quit":
                break
            if kind == "create":
                _, name, qualified, kwargs = message
                self.holders[name] = _Holder(self, name, qualified, kwargs)
            elif kind == "call":
                call_id, name = message[1], message[2]
                holder = self.holders.get(name)
                if holder is None:
                    self.send(("error", call_id, RuntimeError(f"no model holder {name!r} in the worker")))
                    continue
                self.cancels[call_id] = threading.Event()  # before it runs: a cancel may come first
                holder.calls.put(message[1:])
            elif kind == "cancel":
                event = self.cancels.get(message[1])
                if event is not None:
                    event.set()
            elif kind == "drop":
                holder = self.holders.pop(message[1], None)
                if holder is not None:
                    holder.calls.put(_CLOSE)
            elif kind == "warm":  # import ahead of the first job (its errors surface then)
                threading.Thread(target=_import_all, args=(message[1],), name="warm", daemon=True).start()
        self.exit()

    def run_call(self, holder: _Holder, call_id: int, name: str, method: str, args: tuple, kwargs: dict,
                 callbacks: tuple) -> None:
        cancel = self.cancels.get(call_id) or threading.Event()
        try:
            for kwarg in callbacks:
                kwargs[kwarg] = self._forwarder(call_id, kwarg)
            if "cancel" in kwargs:
                kwargs["cancel"] = cancel
            value = getattr(holder.object(), method)(*args, **kwargs)
            self.send(("result", call_id, value))
        except BaseException as error:  # everything goes back to the caller
            self.send(("error", call_id, _picklable(error)))
        finally:
            self.cancels.pop(call_id, None)

    def _forwarder(self, call_id: int, kwarg: str):
        return lambda payload=None: self.send(("event", call_id, kwarg, payload))

    @staticmethod
    def exit() -> None:
        """Leave at once. The models' memory, threads and GPU context go back to the system
        with the process; closing them one by one and the interpreter's own teardown (torch's
        in particular) only made the main process wait ~2 s at the end of every job."""
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)


def _import_all(modules: tuple[str, ...]) -> None:
    for module in modules:
        try:
            importlib.import_module(module)
        except Exception:  # noqa: BLE001
            pass


def _class(qualified: str) -> type:
    module, _, name = qualified.rpartition(".")
    return getattr(importlib.import_module(module), name)


def _picklable(error: BaseException) -> BaseException:
    """The exception itself when it crosses a pipe, else a RuntimeError with its text."""
    try:
        pickle.loads(pickle.dumps(error))
        return error
    except Exception:  # noqa: BLE001
        return RuntimeError(f"{type(error).__name__}: {error}")


def main(connection: Connection) -> None:
    _Host(connection).serve()


PRELOAD_ENV = "MEETING_RECORDER_WORKER_PRELOAD"  # a module imported first (tests: a network guard)

if __name__ == "__main__":  # python -m meeting_recorder.core.worker.host FD (see client.py)
    if os.environ.get(PRELOAD_ENV):
        importlib.import_module(os.environ[PRELOAD_ENV])
    main(Connection(int(sys.argv[1])))
