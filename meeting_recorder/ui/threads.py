"""Ending QThreads without freezing the window.

The UI thread never waits without a bound: ``stop_thread`` waits a few seconds at most;
a thread still in a step it cannot leave (a Whisper chunk, a model load) is kept referenced
here until it ends by itself, since destroying a running QThread aborts the process. At
exit, with the window gone, those are waited for so they release their models cleanly.
``wait_responsive`` waits while still handling events (the window repaints meanwhile).
"""

from __future__ import annotations

import atexit
import logging
import time
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QCoreApplication, QEventLoop, QObject, QThread

log = logging.getLogger(__name__)

STOP_WAIT_MS = 3000  # the most the UI thread waits for one thread to end

# Threads that outlived their stop: referenced here until they have ended.
_UNFINISHED: list[tuple[QThread, tuple[QObject, ...]]] = []


def stop_thread(thread: QThread, *keep: QObject, timeout_ms: int = STOP_WAIT_MS) -> bool:
    """Ask ``thread``'s event loop to quit and wait at most ``timeout_ms``; True when it has
    ended. Otherwise it (and ``keep``, e.g. its worker) stays referenced until it ends."""
    if not shiboken6.isValid(thread):  # at exit Qt may have deleted it first
        return True
    thread.quit()
    # Not isRunning(): Qt 6 says False already while the thread still runs its ``finished``.
    if thread.wait(max(0, timeout_ms)):
        return True
    log.warning("thread %s is still in a step it cannot leave; it ends by itself", thread.objectName())
    keep_until_finished(thread, *keep)
    return False


def keep_until_finished(thread: QThread, *keep: QObject) -> None:
    """Keep ``thread`` (and ``keep``) alive while it runs. Entries are dropped here and at
    exit, on the main thread: the last reference must not go on the thread itself."""
    _UNFINISHED[:] = [entry for entry in _UNFINISHED if not entry[0].wait(0) and entry[0] is not thread]
    _UNFINISHED.append((thread, keep))


def unfinished_threads() -> int:
    """How many threads outlived their stop and still run (for tests)."""
    return sum(1 for thread, _ in _UNFINISHED if not thread.wait(0))


def wait_responsive(done: Callable[[], bool], seconds: float) -> bool:
    """Wait up to ``seconds`` for ``done()`` on the UI thread while still handling events
    (the window repaints and stays responsive); True if it came true."""
    deadline = time.monotonic() + seconds
    while not done():
        if time.monotonic() >= deadline:
            return False
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.01)
    return True


@atexit.register
def _wait_for_unfinished() -> None:
    """At exit the window is gone: wait for those threads to end their step and release
    their models, rather than destroy a running QThread (which aborts the process)."""
    for thread, _ in _UNFINISHED:
        thread.wait()
    _UNFINISHED.clear()
