"""One long-lived helper thread per engine that runs Whisper inference.

Whisper works through 30 s chunks that cannot be interrupted, so inference runs off the
caller's thread: a cancel returns at once and the helper ends the job after its current
chunk. The helper lives as long as the loaded model. A thread per job would make glibc
hand out new malloc arenas to fresh threads, which grew a live session's memory by tens of
MB over its first hours.
"""

from __future__ import annotations

import contextlib
import queue
import threading
import weakref
from collections.abc import Callable, Iterator
from typing import Any

from meeting_recorder.core.errors import Cancelled

Produce = Callable[[], Iterator[Any]]

_DONE = object()
_QUIT = object()


class _Failure:
    def __init__(self, error: BaseException) -> None:
        self.error = error


class InferenceThread:
    """Runs one job at a time; ``run()`` streams its items back to the caller."""

    def __init__(self, name: str = "whisper-inference") -> None:
        self._jobs: queue.Queue = queue.Queue(maxsize=1)
        self._idle = threading.Event()
        self._idle.set()
        self._thread = threading.Thread(target=_serve, args=(self._jobs, self._idle), name=name, daemon=True)
        self._thread.start()
        # An engine dropped without close() must not leave its helper waiting forever.
        self._finalizer = weakref.finalize(self, self._jobs.put, _QUIT)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def wait_idle(self) -> None:
        """Wait until the previous job (perhaps cancelled) has finished its chunk."""
        self._idle.wait()

    def run(self, produce: Produce, cancel: threading.Event) -> Iterator[Any]:
        """Yield what ``produce()`` yields, produced on the helper thread. Raises Cancelled
        within ~0.1 s of ``cancel``; errors of ``produce`` are raised here."""
        self.wait_idle()
        results: queue.Queue = queue.Queue(maxsize=16)
        stop = threading.Event()
        self._idle.clear()
        self._jobs.put((produce, results, stop))
        try:
            yield from _drain(results, cancel)
        finally:
            stop.set()  # whatever ended this loop (cancel, Ctrl+C, error), the job stops too

    def close(self) -> None:
        """Finish the current job, then end the thread (idempotent)."""
        if self._finalizer.alive:
            self._finalizer()
        self._thread.join()


def _serve(jobs: queue.Queue, idle: threading.Event) -> None:
    while True:
        job = jobs.get()
        if job is _QUIT:
            return
        try:
            _pump(*job)
        finally:
            idle.set()


def _pump(produce: Produce, results: queue.Queue, stop: threading.Event) -> None:
    """Move produced items into ``results`` until done or stopped."""

    def put(item: Any) -> bool:
        while not stop.is_set():
            try:
                results.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    try:
        with contextlib.closing(produce()) as items:
            for item in items:
                if stop.is_set() or not put(item):
                    return
        put(_DONE)
    except BaseException as error:  # handed to the caller's thread
        put(_Failure(error))


def _drain(results: queue.Queue, cancel: threading.Event) -> Iterator[Any]:
    while True:
        if cancel.is_set():
            raise Cancelled()
        try:
            item = results.get(timeout=0.1)
        except queue.Empty:
            continue
        if item is _DONE:
            return
        if isinstance(item, _Failure):
            raise item.error
        yield item
