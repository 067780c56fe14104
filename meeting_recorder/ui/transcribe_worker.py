"""A QObject that runs core's TranscriptionEngine on its own QThread.

The UI thread never transcribes, decodes or loads a model: it asks for jobs through a
queued signal and hears back through signals. ``faster_whisper`` (and everything it pulls
in) is imported here on first use, in the worker thread, so the window opens quickly.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

if TYPE_CHECKING:  # only for annotations; importing the engine module for real is lazy
    from meeting_recorder.core.engine import TranscriptionEngine

log = logging.getLogger(__name__)

UNKNOWN = -1.0  # stands for "not known" in float signal arguments (Qt signals carry no None)


class TranscribeWorker(QObject):
    """Lives on a QThread; one job at a time, one engine (re-created when the model changes)."""

    # Every signal carries the job's path so the window can ignore stale ones.
    loading_model = Signal(str, str)  # path, model name
    started = Signal(str)  # path: the model is loaded, decoding/transcribing begins
    progress = Signal(str, float, float, float)  # path, fraction 0..1, eta s, processed s
    finished = Signal(str, object)  # path, core Transcript
    failed = Signal(str, str)  # path, user-readable message (already names the file)
    cancelled = Signal(str)  # path

    def __init__(self) -> None:
        super().__init__()
        self.engine: TranscriptionEngine | None = None

    @Slot(str, str, str, object)
    def transcribe(self, path: str, model: str, language: str, cancel: threading.Event) -> None:
        """Runs in the worker thread (called through a queued connection)."""
        if cancel.is_set():  # cancelled while the request sat in the queue
            self.cancelled.emit(path)
            return
        from meeting_recorder.core.engine import TranscribeOptions
        from meeting_recorder.core.errors import Cancelled, MeetingRecorderError

        def on_progress(report: Any) -> None:
            fraction = UNKNOWN if report.fraction is None else float(report.fraction)
            eta = UNKNOWN if report.eta_seconds is None else float(report.eta_seconds)
            self.progress.emit(path, fraction, eta, float(report.processed_seconds))

        try:
            engine = self._engine_for(model)
            if not engine.loaded:
                self.loading_model.emit(path, model)
                engine.load()
            self.started.emit(path)
            transcript = engine.transcribe_file(
                path, TranscribeOptions(language=language), progress=on_progress, cancel=cancel
            )
        except Cancelled:
            self.cancelled.emit(path)
        except MeetingRecorderError as error:
            self.failed.emit(path, str(error))
        except ValueError as error:  # e.g. an unknown language code
            self.failed.emit(path, f"{path}: {error}")
        except Exception as error:  # a bug must not kill the thread silently
            log.exception("transcribing %s failed", path)
            self.failed.emit(path, f"{path}: {type(error).__name__}: {error}")
        else:
            if cancel.is_set():  # cancel arrived after the last segment: still nothing kept
                self.cancelled.emit(path)
            else:
                self.finished.emit(path, transcript)

    def _engine_for(self, model: str) -> TranscriptionEngine:
        from meeting_recorder.core.engine import TranscriptionEngine

        if self.engine is not None and self.engine.model_name != model:
            self.engine.close()  # only one model in memory at a time
            self.engine = None
        if self.engine is None:
            self.engine = TranscriptionEngine(model)
        return self.engine

    def release(self) -> None:
        """Free the model. Call only when no job runs (the thread stopped or is idle)."""
        if self.engine is not None:
            self.engine.close()


class WorkerThread(QObject):
    """Owns the QThread and the worker; ``stop()`` cancels, joins and releases the model."""

    request = Signal(str, str, str, object)  # path, model, language, cancel event

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.thread = QThread()
        self.thread.setObjectName("TranscribeWorker")
        self.worker = TranscribeWorker()
        self.worker.moveToThread(self.thread)
        # Different thread affinity: this connection is queued, so the job runs over there.
        self.request.connect(self.worker.transcribe)
        self._cancel: threading.Event | None = None
        self._stopped = False

    def submit(self, path: str, model: str, language: str) -> None:
        if self._stopped:
            raise RuntimeError("the transcription thread was stopped")
        if not self.thread.isRunning():  # started on first use: an unused window has no thread
            self.thread.start()
        # The event belongs to the job from the moment it is asked for, so a cancel that
        # comes before the worker picks the job up still counts.
        self._cancel = threading.Event()
        self.request.emit(path, model, language, self._cancel)

    def cancel(self) -> None:
        """Thread-safe: only sets an Event; the engine checks it between segments."""
        if self._cancel is not None:
            self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel is not None and self._cancel.is_set()

    def stop(self, timeout_ms: int = 30_000) -> bool:
        """Cancel, end the thread's event loop, wait for it, then release the model."""
        self._stopped = True
        self.cancel()
        if self.thread.isRunning():
            self.thread.quit()
            if not self.thread.wait(timeout_ms):
                # Destroying a running QThread aborts the process, and the engine lock is
                # held until the job ends, so the only safe choice left is to keep waiting.
                log.warning("transcription did not stop within %d ms; waiting for it", timeout_ms)
                self.thread.wait()
        self.worker.release()
        return not self.thread.isRunning()
