"""The Files queue on a Ray cluster: several files at once, one per worker (issue 17).

``FileQueue.add`` hands a job here when the settings say "Run on: Cluster"; the job ids are
the file queue's and this queue's signals are connected to the file queue's own, so the
Files view, the tray and the library window see one queue either way.

``ClusterQueue`` lives on the UI thread and keeps the jobs that have not ended;
``ClusterWorker`` lives on the queue's own QThread and owns one ``core.cluster.ClusterJob``:
made and opened there on the first job (starting a local Ray for "local"), pumped while
files are in flight, closed (the workers' models released, a local Ray shut down) when the
queue has been idle for ``idle_close_ms`` (not while "keep models loaded" is on), when the
address or the job's options change, and when the thread ends. A file's outcome goes through ``QueueWorker.run``, which this
worker inherits: the exports (JSON, TXT, SRT under a stem of their own, or over the
transcript of a meeting transcribed again, keeping its title and tags), the meeting-library
add and the error messages are exactly the local queue's.

Public API
----------
``ClusterQueue(queue: FileQueue)``: signals as ``FileQueue``'s (``queued``, ``started``,
``loading_models``, ``model_chosen``, ``progress``, ``finished``, ``failed``, ``cancelled``,
``busy_changed``, ``library_added``, ``library_failed``), each connected to the same signal
of ``queue``. Methods: ``add(job) -> job.id``, ``cancel(job_id) -> bool`` (False: not one of
its jobs), ``cancel_all()``, ``is_busy()``, ``shutdown(timeout_ms) -> bool`` (bounded, as
``FileQueue.shutdown``). ``idle_close_ms``: how long an idle cluster job stays open.
"""

from __future__ import annotations

import logging
from collections import deque
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QThread, QTimer, Signal, Slot

from meeting_recorder.ui.file_queue import (
    SHUTDOWN_WAIT_MS, UNKNOWN, FileQueue, Job, QueueWorker, export_result, shown,
)
from meeting_recorder.ui.settings import global_glossary
from meeting_recorder.ui.threads import keep_until_finished

if TYPE_CHECKING:
    from meeting_recorder.core.cluster import ClusterJob, ClusterOptions

log = logging.getLogger(__name__)

PUMP_WAIT_S = 0.2  # the longest one pump blocks: new files and cancels are taken this often
IDLE_CLOSE_MS = 120_000  # an idle cluster keeps its models this long (starting one takes a while)
# FileQueue's signals that this queue emits for its own jobs (same names, same arguments).
FORWARDED = ("queued", "started", "loading_models", "model_chosen", "progress", "finished", "failed",
             "cancelled", "busy_changed", "library_added", "library_failed")


@dataclass(frozen=True)
class ClusterTask:
    """A job for the cluster, with where and how it runs (read from the settings when queued)."""

    job: Job
    address: str
    glossary: tuple[str, ...]
    close_after_ms: int | None  # idle time before the cluster job is closed (None: kept open)

    @property
    def key(self) -> tuple[Any, ...]:
        """Files with the same key share one opened ClusterJob (its options are per job)."""
        job = self.job
        return (self.address, job.model, job.device, job.language, job.speakers, job.speaker_count, self.glossary)


class ClusterWorker(QueueWorker):
    """Lives on the cluster queue's QThread: the ClusterJob and the files in flight on it."""

    def __init__(self) -> None:
        super().__init__()
        self.cluster: ClusterJob | None = None
        self.opening: ClusterJob | None = None  # while open() runs: abort_opening() stops it
        self.aborted = False  # the queue is shutting down: no job opens any more
        self.opened_for: tuple[Any, ...] | None = None  # the key the cluster job was opened for
        self.ready: Any = None  # its ClusterReady (workers, machines, GPUs), noted on each file's row
        self._choice: Any = None  # a ModelChosen, for the ClusterFileDone of its file that follows it
        self.close_after_ms: int | None = IDLE_CLOSE_MS
        self._waiting: deque[ClusterTask] = deque()  # not yet submitted to the cluster
        self._running: dict[int, Job] = {}  # by the cluster's file id: submitted, not ended
        self._outcomes: dict[int, Any] = {}  # by job id: a Transcript or an error, for ``_transcribe``
        self._pump_timer = QTimer(self)  # children move to the thread with the worker
        self._pump_timer.setInterval(0)  # each pump blocks up to PUMP_WAIT_S by itself
        self._pump_timer.timeout.connect(self._pump)
        self._idle_timer = QTimer(self)
        self._idle_timer.setSingleShot(True)
        self._idle_timer.timeout.connect(self.close_cluster)

    @Slot()
    def stop_timers(self) -> None:
        """On this thread as it ends (a timer cannot be stopped from another thread)."""
        self._pump_timer.stop()
        self._idle_timer.stop()

    # -- requests from the UI thread (queued) ------------------------------------------------
    @Slot(object)
    def take(self, task: ClusterTask) -> None:
        self._waiting.append(task)
        self.close_after_ms = task.close_after_ms
        self._idle_timer.stop()
        self._pump_timer.start()

    @Slot(int)
    def cancel_job(self, job_id: int) -> None:
        """The job's cancel event is set already; a submitted file is cancelled on the cluster
        (it answers with ClusterFileCancelled), a waiting one ends here."""
        for task in [t for t in self._waiting if t.job.id == job_id]:
            self._waiting.remove(task)
            self.cancelled.emit(job_id)
        for file_id, job in self._running.items():
            if job.id == job_id and self.cluster is not None:
                self.cluster.cancel(file_id)

    @Slot()
    def abort_opening(self) -> None:
        """From the UI thread: a cluster job still starting stops waiting for its workers."""
        self.aborted = True
        opening = self.opening
        if opening is not None:
            opening.abort()

    def close_cluster(self) -> None:
        """Release the workers' models and leave the cluster (a local Ray is shut down).
        On this thread, or after it has ended; files still in flight are dropped (the UI
        cancelled them)."""
        cluster, self.cluster, self.opened_for, self.ready = self.cluster, None, None, None
        self._running.clear()
        if cluster is None:
            return
        try:
            cluster.close()
        except Exception:  # closing must never end the thread with a traceback
            log.warning("closing the cluster job failed", exc_info=True)

    # -- the pump ----------------------------------------------------------------------------
    @Slot()
    def _pump(self) -> None:
        try:
            self._step()
        except Exception as error:  # a bug must not leave rows running forever, nor repeat each tick
            log.exception("the cluster queue failed")
            waiting, self._waiting = list(self._waiting), deque()
            self._fail_all(error)
            for task in waiting:
                self._end(task.job, error)

    def _step(self) -> None:
        for task in [t for t in self._waiting if t.job.cancel.is_set()]:  # never opens a cluster for them
            self._waiting.remove(task)
            self.cancelled.emit(task.job.id)
        if not self._running:
            if not self._waiting:
                return self._go_idle()
            self._open_for(self._waiting[0])
        self._submit_waiting()
        if self.cluster is None or not self._running:
            return
        try:
            events = self.cluster.pump(PUMP_WAIT_S)
        except Exception as error:  # e.g. the cluster went away: every file in flight fails
            self._fail_all(self._as_error(error, self.tr("The cluster at {address} stopped: {error}")))
            return
        for event in events:
            self._handle(event)

    def _go_idle(self) -> None:
        self._pump_timer.stop()
        if self.cluster is not None and self.close_after_ms is not None:
            self._idle_timer.start(max(0, self.close_after_ms))

    def _open_for(self, task: ClusterTask) -> None:
        """Open a cluster job for ``task``'s key (closing one opened for another); if that
        fails, every waiting file of that key fails with the same clear message."""
        if self.cluster is not None and self.opened_for == task.key:
            return
        self.close_cluster()
        self.loading_models.emit(task.job.id)  # like the local queue: the next file's row
        cluster = None
        try:
            from meeting_recorder.core.cluster import ClusterJob

            cluster = self.opening = ClusterJob(self._options(task))
            if self.aborted:  # shut down before the job began to open (else abort_opening saw it)
                cluster.abort()
            cluster.open()
        except Exception as error:  # unreachable, Ray missing, a model missing, a bad address
            if cluster is not None:
                cluster.close()
            failed = self._as_error(error, self.tr("Could not start the work on the cluster at {address}: {error}"),
                                    task.address)
            for same in [t for t in self._waiting if t.key == task.key]:
                self._waiting.remove(same)
                self._end(same.job, failed)
            return
        finally:
            self.opening = None
        self.cluster, self.opened_for = cluster, task.key

    def _options(self, task: ClusterTask) -> ClusterOptions:
        from meeting_recorder.core.cluster import ClusterOptions
        from meeting_recorder.core.errors import MeetingRecorderError

        job = task.job
        speakers = self._speaker_request(job.speaker_count) if job.speakers else None
        try:
            return ClusterOptions(address=task.address, model=job.model, device=job.device, language=job.language,
                                  speakers=speakers, glossary=task.glossary)
        except ValueError as error:  # the address (or a setting) is not valid: the user's words
            raise MeetingRecorderError(self.tr(
                "“{address}” is not a cluster address: use local, HOST:PORT or ray://HOST:PORT"
            ).format(address=task.address)) from error

    def _as_error(self, error: Exception, template: str, address: str = "") -> Exception:
        """A MeetingRecorderError as it is (its message is complete); anything else explained."""
        from meeting_recorder.core.errors import MeetingRecorderError

        if isinstance(error, MeetingRecorderError):
            return error
        log.warning("cluster error", exc_info=error)
        address = address or (self.opened_for[0] if self.opened_for else "")
        return MeetingRecorderError(template.format(address=address, error=f"{type(error).__name__}: {error}"))

    def _submit_waiting(self) -> None:
        """Every waiting file the opened cluster job can run; the cluster dispatches them."""
        if self.cluster is None:
            return
        for task in [t for t in self._waiting if t.key == self.opened_for]:
            self._waiting.remove(task)
            if task.job.cancel.is_set():
                self.cancelled.emit(task.job.id)
                continue
            try:
                self._running[self.cluster.submit(task.job.path)] = task.job
            except Exception as error:
                self._end(task.job, error)
                continue
            if self.ready is not None:
                self.model_chosen.emit(task.job.id, self.ready)

    def _handle(self, event: object) -> None:
        from meeting_recorder.core.cluster import (
            ClusterFileCancelled, ClusterFileDone, ClusterFileFailed, ClusterFileProgress, ClusterFileRetried,
            ClusterFileStarted, ClusterReady,
        )

        from meeting_recorder.core.events import ModelChosen

        if isinstance(event, ClusterReady):  # how many workers, machines, GPUs: on every file's row
            self.ready = event
            for job in self._running.values():
                self.model_chosen.emit(job.id, event)
            return
        if isinstance(event, ModelChosen):  # model "auto": which one the file got and why, as locally
            self._choice = event
            return
        file_id = getattr(event, "file_id", None)
        job = self._running.get(file_id)  # type: ignore[arg-type]
        if job is None:  # a file dropped meanwhile
            return
        if isinstance(event, ClusterFileStarted):
            self.started.emit(job.id)
        elif isinstance(event, ClusterFileProgress):
            fraction = UNKNOWN if event.fraction is None else float(event.fraction)
            eta = UNKNOWN if event.eta_seconds is None else float(event.eta_seconds)
            self.progress.emit(job.id, fraction, eta)
        elif isinstance(event, ClusterFileRetried):
            self.model_chosen.emit(job.id, event)  # shown on the row, as the model choice is
        elif isinstance(event, (ClusterFileDone, ClusterFileFailed, ClusterFileCancelled)):
            del self._running[file_id]  # type: ignore[arg-type]
            choice, self._choice = self._choice, None
            if isinstance(event, ClusterFileDone) and choice is not None and choice.file == event.path:
                self.model_chosen.emit(job.id, replace(choice, file=shown(job.path)))
            if isinstance(event, ClusterFileCancelled):
                self.cancelled.emit(job.id)
            else:
                self._end(job, event.transcript if isinstance(event, ClusterFileDone) else event.error)

    def _fail_all(self, error: Exception) -> None:
        """Every file in flight fails with ``error``; the cluster job is closed."""
        jobs = list(self._running.values())
        self.close_cluster()
        for job in jobs:
            self._end(job, error)

    # -- the outcome of one file: QueueWorker.run exports, adds to the library, signals --------
    def _end(self, job: Job, outcome: Any) -> None:
        self._outcomes[job.id] = outcome
        try:
            self.run(job)
        finally:
            self._outcomes.pop(job.id, None)

    def _transcribe(self, job: Job) -> list:
        """Called by ``QueueWorker.run`` for a file the cluster has ended (see ``_end``)."""
        outcome = self._outcomes[job.id]
        if isinstance(outcome, BaseException):
            raise outcome
        return export_result(job, outcome)


class ClusterQueue(QObject):
    """The cluster's jobs that have not ended (UI thread) and the thread that runs them."""

    queued = Signal(int, str)
    started = Signal(int, str)
    loading_models = Signal(int)
    model_chosen = Signal(int, str)
    progress = Signal(int, float, float)
    finished = Signal(int, str, list)
    failed = Signal(int, str, str)
    cancelled = Signal(int, str)
    busy_changed = Signal(bool)
    library_added = Signal(int, object)
    library_failed = Signal(int, str)
    _take = Signal(object)
    _cancel = Signal(int)

    def __init__(self, queue: FileQueue) -> None:
        super().__init__(queue)
        self.settings = queue.settings
        self.idle_close_ms = IDLE_CLOSE_MS
        self._jobs: dict[int, Job] = {}  # not ended, by id
        self._started: set[int] = set()  # running on a worker (a cancel waits for the worker)
        self._busy = False
        self._shut_down = False
        self.thread = QThread()
        self.thread.setObjectName("ClusterQueue")
        self.worker = ClusterWorker()
        self.worker.moveToThread(self.thread)
        self._take.connect(self.worker.take)
        self._cancel.connect(self.worker.cancel_job)
        # The cluster job goes with the thread, closed on it as it ends (as FileQueue's models).
        self.thread.finished.connect(self.worker.stop_timers, Qt.ConnectionType.DirectConnection)
        self.thread.finished.connect(self.worker.close_cluster, Qt.ConnectionType.DirectConnection)
        self.worker.started.connect(self._on_started)
        self.worker.loading_models.connect(self._on_loading_models)
        self.worker.model_chosen.connect(self._on_note)
        self.worker.progress.connect(self._on_progress)
        self.worker.finished.connect(self._on_finished)
        self.worker.failed.connect(self._on_failed)
        self.worker.cancelled.connect(self._on_cancelled)
        self.worker.library_added.connect(self._on_library_added)
        self.worker.library_failed.connect(self._on_library_failed)
        for name in FORWARDED:
            getattr(self, name).connect(getattr(queue, name))

    # -- requests from the UI ----------------------------------------------------------------
    def add(self, job: Job) -> int:
        if self._shut_down:
            raise RuntimeError("the cluster queue was shut down")
        keep = self.settings.keep_models_loaded
        task = ClusterTask(job, self.settings.cluster_address, global_glossary(), None if keep else self.idle_close_ms)
        self._jobs[job.id] = job
        self.queued.emit(job.id, shown(job.path))
        self._set_busy(True)
        if not self.thread.isRunning():  # started on first use
            self.thread.start()
        self._take.emit(task)
        return job.id

    def cancel(self, job_id: int) -> bool:
        """A running file stops on its worker within seconds; a waiting one is dropped at once."""
        job = self._jobs.get(job_id)
        if job is None:
            return False
        job.cancel.set()
        self._cancel.emit(job_id)
        if job_id not in self._started:
            self._drop(job_id)
            self.cancelled.emit(job_id, shown(job.path))
        return True

    def cancel_all(self) -> None:
        for job_id in reversed(list(self._jobs)):
            self.cancel(job_id)

    def is_busy(self) -> bool:
        return bool(self._jobs)

    def shutdown(self, timeout_ms: int = SHUTDOWN_WAIT_MS) -> bool:
        """Cancel everything and end the thread (the cluster job closed on it), waiting at
        most ``timeout_ms``: True when it has ended. Otherwise it ends by itself after the
        step it is in (opening, one pump, closing). Safe to call twice."""
        if not self._shut_down:
            self._shut_down = True
            for job_id, job in list(self._jobs.items()):
                job.cancel.set()
                self.cancelled.emit(job_id, shown(job.path))
            self._jobs.clear()
            self._set_busy(False)
            self.worker.abort_opening()
            self.thread.quit()
        if self.thread.wait(max(0, timeout_ms)):
            self.worker.close_cluster()  # never started, or ended: nothing left, or safe
            return True
        log.warning("the cluster queue's thread is still in a step it cannot leave; it ends by itself")
        keep_until_finished(self.thread, self.worker)
        return False

    # -- bookkeeping ---------------------------------------------------------------------------
    def _set_busy(self, busy: bool) -> None:
        if busy != self._busy:
            self._busy = busy
            self.busy_changed.emit(busy)

    def _drop(self, job_id: int) -> Job | None:
        """The job, no longer tracked (None if it was not: cancelled before, or shut down)."""
        job = self._jobs.pop(job_id, None)
        self._started.discard(job_id)
        self._set_busy(bool(self._jobs))
        return job

    # -- worker signals (queued onto the UI thread) ------------------------------------------
    @Slot(int)
    def _on_started(self, job_id: int) -> None:
        job = self._jobs.get(job_id)
        if job is not None and not job.cancel.is_set():
            self._started.add(job_id)
            self.started.emit(job_id, shown(job.path))

    @Slot(int)
    def _on_loading_models(self, job_id: int) -> None:
        if job_id in self._jobs:
            self.loading_models.emit(job_id)

    @Slot(int, object)
    def _on_note(self, job_id: int, event: Any) -> None:
        from meeting_recorder.ui.core_messages import translate_event

        if job_id in self._jobs:
            self.model_chosen.emit(job_id, translate_event(event))

    @Slot(int, float, float)
    def _on_progress(self, job_id: int, fraction: float, eta: float) -> None:
        job = self._jobs.get(job_id)
        if job is not None and not job.cancel.is_set():
            self.progress.emit(job_id, fraction, eta)

    @Slot(int, list)
    def _on_finished(self, job_id: int, outputs: list) -> None:
        job = self._drop(job_id)
        if job is not None:
            self.finished.emit(job_id, shown(job.path), outputs)

    @Slot(int, str)
    def _on_failed(self, job_id: int, message: str) -> None:
        job = self._drop(job_id)
        if job is not None:
            self.failed.emit(job_id, shown(job.path), message)

    @Slot(int)
    def _on_cancelled(self, job_id: int) -> None:
        job = self._drop(job_id)
        if job is not None:
            self.cancelled.emit(job_id, shown(job.path))

    @Slot(int, object)
    def _on_library_added(self, job_id: int, meeting: Any) -> None:
        if not self._shut_down:
            self.library_added.emit(job_id, meeting)

    @Slot(int, str)
    def _on_library_failed(self, job_id: int, message: str) -> None:
        if not self._shut_down:
            self.library_failed.emit(job_id, message)
