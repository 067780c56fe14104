"""Speaker enrollment on its own QThread: CAM++ is loaded, used and released off the UI thread.

    thread = EnrollThread(store_folder, keep_loaded=False)
    thread.worker.finished.connect(...)   # finished(job, name, seconds of speech)
    thread.worker.failed.connect(...)     # failed(job, kind, detail, seconds): see FAILURE_KINDS
    thread.submit(job, name, path, start, end, replace)
    thread.stop()                         # joins the thread and releases the model

The model is released after every job unless ``keep_loaded`` (the "keep models loaded"
setting); ``worker.last_embedder`` is a weak reference that tests use to see it is freed.
"""

from __future__ import annotations

import logging
import weakref
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot
from meeting_recorder.ui.threads import stop_thread

log = logging.getLogger(__name__)

# Why an enrollment failed, so the view can say it in the user's language:
#   silent   no speech in the file (or the span)      short    under 2 s of speech (seconds given)
#   audio    the file cannot be read as audio         span     start/end outside the file or reversed
#   model    the speaker model is missing/corrupt     profile  the name is taken or invalid, store error
#   other    anything else (a bug; logged)
FAILURE_KINDS = ("silent", "short", "audio", "span", "model", "profile", "other")


def classify(error: BaseException) -> tuple[str, float]:
    """(kind, seconds of speech found or -1) for an exception raised by enrollment."""
    from meeting_recorder.core import events
    from meeting_recorder.core.errors import (
        AudioDecodeError, EnrollmentError, ModelError, ProfileError, ProfileStoreError,
    )

    event = getattr(error, "event", None)
    if isinstance(error, EnrollmentError):  # core says which, as an event
        if isinstance(event, events.NoSpeech):
            return "silent", -1.0
        if isinstance(event, events.TooLittleSpeech):
            return "short", float(event.seconds)
        return "span", -1.0
    if isinstance(error, AudioDecodeError):
        return "audio", -1.0
    if isinstance(error, ModelError):
        return "model", -1.0
    if isinstance(error, (ProfileError, ProfileStoreError)):
        return "profile", -1.0
    if isinstance(error, ValueError):  # a span that is not one
        return "span", -1.0
    return "other", -1.0


class EnrollWorker(QObject):
    started = Signal(int)  # job
    finished = Signal(int, str, float)  # job, stored name, seconds of speech
    failed = Signal(int, str, str, float)  # job, kind, detail (core's English sentence), seconds or -1

    def __init__(self, store_folder: Path | None, keep_loaded: bool = False) -> None:
        super().__init__()
        self.store_folder = store_folder
        self.keep_loaded = keep_loaded
        self.embedder = None  # core Embedder while a job runs (or kept loaded)
        self.last_embedder: weakref.ref | None = None

    @Slot(int, str, str, object, object, bool)
    def enroll(self, job: int, name: str, path: str, start: float | None, end: float | None,
               replace: bool) -> None:
        """Runs in the worker thread (queued connection)."""
        from meeting_recorder.core.worker import make_embedder
        from meeting_recorder.core.speakers.enrollment import enroll
        from meeting_recorder.core.speakers.profiles import ProfileStore

        self.started.emit(job)
        try:
            if self.embedder is None:
                self.embedder = make_embedder()
                self.last_embedder = weakref.ref(self.embedder)
            profile = enroll(self.embedder, name, path, start=start, end=end)
            ProfileStore(self.store_folder).add(profile, replace=replace)
        except Exception as error:
            kind, seconds = classify(error)
            if kind == "other":
                log.exception("enrolling %s from %s failed", name, path)
            detail = str(error) if kind != "other" else f"{type(error).__name__}: {error}"
            self.failed.emit(job, kind, detail, seconds)
        else:
            self.finished.emit(job, profile.name, profile.seconds)
        finally:
            if not self.keep_loaded:
                self.release()

    def release(self) -> None:
        """Close and drop the model. Call from the worker thread or after it stopped."""
        embedder, self.embedder = self.embedder, None
        if embedder is not None:
            embedder.close()


class EnrollThread(QObject):
    """Owns the QThread and the worker; started on first use, so an idle view has no thread."""

    request = Signal(int, str, str, object, object, bool)

    def __init__(self, store_folder: Path | None, keep_loaded: bool = False,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.thread = QThread()
        self.thread.setObjectName("EnrollWorker")
        self.worker = EnrollWorker(store_folder, keep_loaded)
        self.worker.moveToThread(self.thread)
        self.request.connect(self.worker.enroll)  # queued: jobs run one after another over there
        self._stopped = False
        thread = self.thread  # joined even if the owner is deleted without stop()
        self.destroyed.connect(lambda *_: stop_thread(thread))

    def submit(self, job: int, name: str, path: str, start: float | None, end: float | None,
               replace: bool) -> None:
        if self._stopped:
            raise RuntimeError("the enrollment thread was stopped")
        if not self.thread.isRunning():
            self.thread.start()
        self.request.emit(job, name, path, start, end, replace)

    def stop(self) -> None:
        """Let the running job end (jobs still queued are dropped), end the thread, release the model."""
        self._stopped = True
        if stop_thread(self.thread, self.worker):
            self.worker.release()
        else:  # still embedding (at most 60 s of speech): it releases the model when it ends
            self.thread.finished.connect(self.worker.release, Qt.ConnectionType.DirectConnection)
            if self.thread.wait(0):  # it ended just now, before the connection
                self.worker.release()
