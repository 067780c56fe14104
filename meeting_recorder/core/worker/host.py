"""The worker process's side: it owns the models (Whisper, the diarizer, the speaker
embedder) and runs the calls the main process sends, each on a thread of its own, so a
cancel message can arrive while one runs. Callbacks of a call (progress, segments) go back
as events; the result or the exception ends it.

Messages (tuples over a ``multiprocessing.connection.Connection`` on a socket pair), main → worker:
  ("create", name, qualified class name, kwargs)   make a model holder (not loaded yet)
  ("call", call_id, name, method, args, kwargs, callbacks)   callbacks: kwarg names to forward
  ("cancel", call_id)                               set the call's ``cancel`` event
  ("drop", name)                                    close and forget a holder
  ("warm", modules)                                 import these now (models kept loaded)
  ("quit",)                                         close everything, exit
worker → main:
  ("ready", pid) once; ("event", call_id, kwarg, payload); ("result", call_id, value);
  ("error", call_id, exception)
"""

from __future__ import annotations

import importlib
import pickle
import threading
from multiprocessing.connection import Connection
from typing import Any


class _Host:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.objects: dict[str, Any] = {}
        self.cancels: dict[int, threading.Event] = {}
        self._send_lock = threading.Lock()
        self._threads: list[threading.Thread] = []

    def send(self, message: tuple) -> None:
        with self._send_lock:
            self.connection.send(message)

    def serve(self) -> None:
        self.send(("ready", __import__("os").getpid()))
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
                self.objects[name] = _class(qualified)(**kwargs)
            elif kind == "warm":  # import ahead of the first job (its errors surface then)
                threading.Thread(target=_import_all, args=(message[1],), name="warm", daemon=True).start()
            elif kind == "drop":
                holder = self.objects.pop(message[1], None)
                if holder is not None:
                    holder.close()
            elif kind == "cancel":
                event = self.cancels.get(message[1])
                if event is not None:
                    event.set()
            elif kind == "call":
                thread = threading.Thread(target=self._call, args=message[1:], name=f"call-{message[1]}")
                self._threads = [t for t in self._threads if t.is_alive()] + [thread]
                thread.start()
        self._close_all()

    def _call(self, call_id: int, name: str, method: str, args: tuple, kwargs: dict, callbacks: tuple) -> None:
        cancel = self.cancels[call_id] = threading.Event()
        try:
            for kwarg in callbacks:
                kwargs[kwarg] = self._forwarder(call_id, kwarg)
            if "cancel" in kwargs:
                kwargs["cancel"] = cancel
            target = self.objects[name]
            value = getattr(target, method)(*args, **kwargs)
            self.send(("result", call_id, value))
        except BaseException as error:  # everything goes back to the caller
            self.send(("error", call_id, _picklable(error)))
        finally:
            self.cancels.pop(call_id, None)

    def _forwarder(self, call_id: int, kwarg: str):
        return lambda payload=None: self.send(("event", call_id, kwarg, payload))

    def _close_all(self) -> None:
        for cancel in list(self.cancels.values()):
            cancel.set()
        for thread in self._threads:
            thread.join(10)
        for holder in self.objects.values():
            try:
                holder.close()
            except Exception:  # noqa: BLE001 — exiting anyway
                pass


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
    import os
    import sys

    if os.environ.get(PRELOAD_ENV):
        importlib.import_module(os.environ[PRELOAD_ENV])
    main(Connection(int(sys.argv[1])))
