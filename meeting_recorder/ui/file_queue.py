"""The file transcription queue: files are transcribed one after another on a QThread.

``FileQueue`` lives on the UI thread and keeps the waiting files; ``QueueWorker`` lives
on the queue's own QThread, holds the models (a TranscriptionEngine, plus a Diarizer when
speakers are on), loads them lazily there and runs ``core.transcribe_job`` one file at a
time. Results are exported as JSON (always: the editor opens it), TXT and SRT to
``settings.recordings_dir / "Transcripts"``. Nothing partial is ever written: exports
happen after the whole file is done, and a cancel that loses the race removes them.

Public API
----------
``FileQueue(settings: AppSettings, parent: QObject | None = None)``

Signals (``job`` is the id ``add`` returned; ``path`` the file as given, bytes that are not
UTF-8 shown as U+FFFD, since Qt strings cannot hold them):
    ``queued(job, path)``, ``loading_models(job)`` (only when models must be loaded first),
    ``started(job, path)`` (transcription begins),
    ``progress(job, fraction, eta_seconds)`` (-1.0 = not known),
    ``finished(job, path, outputs: list[str])`` (the JSON first),
    ``failed(job, path, message)``, ``cancelled(job, path)``, ``busy_changed(bool)``,
    ``library_added(job, meeting)`` / ``library_failed(job, message)`` (after ``finished``:
    the transcript was, or could not be, added to the meeting library; the transcription
    stands either way).
Methods: ``add(path, *, model, speakers, speaker_count, replaces, source) -> job`` (the
keywords transcribe a library meeting again: its own model and speaker count, the result
written over the meeting's transcript ``replaces``, keeping its title, tags, marks and
notes), ``cancel(job) -> bool``, ``cancel_all()``, ``is_busy()``, ``current_job()``, ``is_shut_down()``,
``shutdown(timeout_ms) -> bool`` (cancels, waits at most ``timeout_ms`` for the thread; idempotent).
With ``settings.files_run_on == "cluster"`` ``add`` hands the job to ``cluster_queue.ClusterQueue``
(several files at once on a Ray cluster), whose signals are this queue's; ``export_result`` is
the export both use.

Quitting never freezes the window: ``shutdown`` waits a few seconds at most. A job that is
in a step it cannot leave at once (a Whisper chunk, loading a model) ends by itself after
that step; its thread then releases the models and ends, kept referenced until it has
(a QThread destroyed while it runs aborts the process), and waited for at exit, when the
window is already gone.
"""

from __future__ import annotations

import json
import logging
import threading
from collections import deque
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, Signal, Slot

from meeting_recorder.ui.core_messages import describe_error
from meeting_recorder.ui.settings import RUN_ON_CLUSTER, AppSettings, global_glossary
from meeting_recorder.ui.threads import keep_until_finished

if TYPE_CHECKING:  # the model modules are imported on the worker thread, on first use
    from meeting_recorder.core.engine import TranscriptionEngine
    from meeting_recorder.core.speakers.diarizer import Diarizer
    from meeting_recorder.ui.cluster_queue import ClusterQueue

log = logging.getLogger(__name__)

UNKNOWN = -1.0  # "not known" in float signal arguments (Qt signals carry no None)
OUTPUT_FORMATS = ("json", "txt", "srt")  # JSON first: it is what "open result" opens
TRANSCRIPTS_FOLDER = "Transcripts"
# The longest the UI thread waits for the queue's thread when quitting: a cancelled job
# stops within ~0.1 s, then its Whisper chunk or VAD window ends (~1 s with tiny.en).
SHUTDOWN_WAIT_MS = 3000


@dataclass(frozen=True)
class Job:
    """One file to transcribe with the settings read when it was queued."""

    id: int
    path: str
    model: str
    device: str
    language: str
    speakers: bool
    out_dir: Path
    cancel: threading.Event
    speaker_count: int | None = None  # exactly this many speakers (None: found automatically)
    replaces: Path | None = None  # a meeting's transcript JSON the result is written over
    library: Path | None = None  # the meeting library the result is added to (None: not added)
    library_folders: tuple[Path, ...] = ()  # what that library rebuilds from if its database is lost
    source: str = "import"  # the meeting's source in the library ("recording" for a recording again)


def output_dir(settings: AppSettings) -> Path:
    return settings.recordings_dir / TRANSCRIPTS_FOLDER


def shown(text: str) -> str:
    """``text`` (a path, a message naming one) for Qt, whose strings drop the bytes of a
    file name that are not UTF-8: those bytes become U+FFFD instead."""
    from meeting_recorder.core.transcribe_job import display_path

    return display_path(text)


def output_stem(out_dir: Path, source: str) -> str:
    """``meeting`` unless ``meeting.json`` there is another file's transcript; then
    ``meeting-2``, ``meeting-3``, … (two "meeting.wav" from different folders both stay).
    A very long name is cut (``transcribe_job.output_stem``)."""
    from meeting_recorder.core import transcribe_job

    stem = transcribe_job.output_stem(source)
    source = shown(source)  # as the transcript's "file" names it
    candidate, number = stem, 1
    while (out_dir / f"{candidate}.json").exists():
        try:
            existing = json.loads((out_dir / f"{candidate}.json").read_text(encoding="utf-8")).get("file")
        except (OSError, ValueError, AttributeError):
            existing = None
        if existing == source:  # the same file again: its transcript is replaced
            return candidate
        number += 1
        candidate = f"{stem}-{number}"
    return candidate


def export_result(job: Job, transcript: Any) -> list[Path]:
    """Write ``job``'s finished ``transcript`` (JSON, TXT, SRT): over the meeting transcript it
    replaces, keeping the user's title, tags, marks and notes, else to the job's folder under
    a stem of its own. Raises Cancelled (nothing kept) when cancelled meanwhile, OSError."""
    from meeting_recorder.core.errors import Cancelled
    from meeting_recorder.core.export import export
    from meeting_recorder.core.transcribe_job import exportable
    from meeting_recorder.ui.library_jobs import carried_over
    from meeting_recorder.ui.transcript_model import transcript_stem

    if job.replaces is not None:  # a meeting transcribed again: its transcript is replaced
        out_dir, stem = job.replaces.parent, transcript_stem(job.replaces)
        transcript = carried_over(transcript, job.replaces)  # the user's title, tags, marks, notes
    else:
        out_dir = job.out_dir
        out_dir.mkdir(parents=True, exist_ok=True)
        stem = output_stem(out_dir, transcript.file)
    outputs = export(exportable(transcript), out_dir, OUTPUT_FORMATS, stem=stem)
    # A cancel that came while writing keeps nothing, as promised; but a replaced
    # transcript is gone already: the new one stays (each file was written atomically).
    if job.cancel.is_set() and job.replaces is None:
        for written in outputs:
            written.unlink(missing_ok=True)
        raise Cancelled()
    return outputs


class QueueWorker(QObject):
    """Lives on the queue's QThread: one job at a time, models kept between jobs."""

    started = Signal(int)  # models loaded, transcription begins
    loading_models = Signal(int)
    progress = Signal(int, float, float)
    finished = Signal(int, list)
    failed = Signal(int, str)
    cancelled = Signal(int)
    model_chosen = Signal(int, object)  # job, core ModelChosen event (which model and why)
    library_added = Signal(int, object)  # job, core Meeting
    library_failed = Signal(int, str)

    def __init__(self) -> None:
        super().__init__()
        self.engine: TranscriptionEngine | None = None
        self.diarizer: Diarizer | None = None
        self.detector: Any = None  # identifies a file's language when the model is "auto"

    @Slot(object)
    def run(self, job: Job) -> None:
        """Runs on the worker thread (queued connection); every outcome is one signal."""
        from meeting_recorder.core.errors import Cancelled, MeetingRecorderError

        if job.cancel.is_set():  # cancelled while the request sat in the event queue
            self.cancelled.emit(job.id)
            return
        try:
            outputs = self._transcribe(job)
        except Cancelled:
            self.cancelled.emit(job.id)
        except MeetingRecorderError as error:  # bad file, missing model: the message is complete
            self.failed.emit(job.id, shown(describe_error(error)))
        except ValueError as error:  # e.g. an unknown language code
            self.failed.emit(job.id, f"{shown(job.path)}: {error}")
        except OSError as error:  # the transcripts folder is not writable, the disk is full
            message = QCoreApplication.translate("FileQueue", "{path}: could not write the transcript ({error})")
            self.failed.emit(job.id, message.format(path=shown(job.path), error=error.strerror or error))
        except Exception as error:  # a bug must not end the thread silently
            log.exception("transcribing %s failed", job.path)
            self.failed.emit(job.id, f"{shown(job.path)}: {type(error).__name__}: {error}")
        else:
            self.finished.emit(job.id, [str(p) for p in outputs])
            self._add_to_library(job, outputs)

    def _add_to_library(self, job: Job, outputs: list[Path]) -> None:
        """The transcript becomes (or updates) a meeting; a failure is reported, never fatal."""
        from meeting_recorder.ui.library_jobs import add_to_library

        transcript = next((p for p in outputs if p.suffix == ".json"), None)
        if job.library is None or transcript is None:
            return
        try:
            meeting = add_to_library(job.library, job.library_folders, transcript, job.path, job.source)
        except Exception as error:  # LibraryError, sqlite3.Error, OSError; a bug must not end the thread
            from meeting_recorder.ui.library_worker import error_text

            log.warning("adding %s to the library failed", transcript, exc_info=True)
            self.library_failed.emit(job.id, shown(error_text(error)))
        else:
            self.library_added.emit(job.id, meeting)

    def _transcribe(self, job: Job) -> list[Path]:
        from meeting_recorder.core.audio import probe
        from meeting_recorder.core.engine import TranscribeOptions
        from meeting_recorder.core.errors import Cancelled
        from meeting_recorder.core.transcribe_job import transcribe_with_speakers

        probe(job.path)  # a bad file fails at once, before any model is loaded
        choice = self._choose_model(job)
        job = replace(job, model=choice.model, language=choice.language)
        engine, diarizer = self._models(job)
        speakers = self._speaker_request(job.speaker_count) if diarizer is not None else None
        self.started.emit(job.id)  # the models are ready: transcription begins

        def on_progress(report: Any) -> None:
            fraction = UNKNOWN if report.fraction is None else float(report.fraction)
            eta = UNKNOWN if report.eta_seconds is None else float(report.eta_seconds)
            self.progress.emit(job.id, fraction, eta)

        transcript = transcribe_with_speakers(
            engine, diarizer, job.path, TranscribeOptions(language=job.language, glossary=global_glossary()), speakers,
            progress=on_progress, cancel=job.cancel,
        )
        if job.cancel.is_set():
            raise Cancelled()
        return export_result(job, transcript)

    def _choose_model(self, job: Job) -> Any:
        """The model for the job: the one chosen, the one for its language, or the one for the
        language identified in the file (the detector is kept like the other models)."""
        from meeting_recorder.core.language_choice import AUTO_MODEL, after_detection, as_event, model_for
        from meeting_recorder.core.worker import make_language_detector

        choice = model_for(job.model, job.language)
        if choice is None:
            self.loading_models.emit(job.id)
            if self.detector is None:
                self.detector = make_language_detector(device=job.device)
            choice = after_detection(*self.detector.detect_file(job.path))
        if job.model == AUTO_MODEL:
            self.model_chosen.emit(job.id, as_event(shown(job.path), choice))
        return choice

    def _models(self, job: Job) -> tuple[TranscriptionEngine, Diarizer | None]:
        from meeting_recorder.core.worker import make_diarizer, make_engine

        engine = self.engine
        if engine is not None and (engine.model_name, engine.device_preference) != (job.model, job.device):
            engine.close()  # one Whisper model in memory at a time
            engine = None
        if engine is None:
            engine = self.engine = make_engine(job.model, device=job.device)
        if not job.speakers and self.diarizer is not None:
            self.diarizer.close()
            self.diarizer = None
        if job.speakers and self.diarizer is None:
            self.diarizer = make_diarizer()
        if not engine.loaded or (self.diarizer is not None and not self.diarizer.loaded):
            self.loading_models.emit(job.id)
            engine.load()
            if self.diarizer is not None:
                self.diarizer.load()
        return engine, self.diarizer

    @staticmethod
    def _speaker_request(count: int | None = None) -> Any:
        """Exactly ``count`` speakers, else an automatic count; enrolled voices (read per job,
        so new ones count) named."""
        from meeting_recorder.core.errors import ProfileStoreError
        from meeting_recorder.core.speakers.diarizer import DiarizeOptions
        from meeting_recorder.core.speakers.profiles import ProfileStore
        from meeting_recorder.core.transcribe_job import SpeakerRequest

        try:
            profiles = ProfileStore().profiles()
        except ProfileStoreError:  # an unreadable profile file must not stop transcription
            log.warning("speaker profiles could not be read; speakers stay unnamed", exc_info=True)
            profiles = []
        return SpeakerRequest(options=DiarizeOptions(num_speakers=count), profiles=profiles)

    @Slot()
    def release(self) -> None:
        """Free the models. Call on the worker thread, or after it has stopped."""
        engine, self.engine = self.engine, None
        diarizer, self.diarizer = self.diarizer, None
        detector, self.detector = self.detector, None
        if detector is not None:
            detector.close()
        if engine is not None:
            engine.close()
        if diarizer is not None:
            diarizer.close()


class FileQueue(QObject):
    """The waiting files (UI thread) and the worker thread that transcribes them."""

    queued = Signal(int, str)
    started = Signal(int, str)
    loading_models = Signal(int)
    model_chosen = Signal(int, str)  # job, which model and why, in the user's language
    progress = Signal(int, float, float)
    finished = Signal(int, str, list)
    failed = Signal(int, str, str)
    cancelled = Signal(int, str)
    busy_changed = Signal(bool)
    library_added = Signal(int, object)  # job, core Meeting
    library_failed = Signal(int, str)  # job, why (the transcription itself succeeded)
    _run = Signal(object)  # to the worker (queued: it runs over there)
    _release = Signal()

    def __init__(self, settings: AppSettings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self._waiting: deque[Job] = deque()
        self._current: Job | None = None
        self._next_id = 0
        self._busy = False
        self._shut_down = False
        self.cluster: ClusterQueue | None = None  # jobs run on a Ray cluster, made on the first one
        self.thread = QThread()
        self.thread.setObjectName("FileQueue")
        self.worker = QueueWorker()
        self.worker.moveToThread(self.thread)
        self._run.connect(self.worker.run)
        self._release.connect(self.worker.release)
        # The models go with the thread, released on it as it ends: after a shutdown that
        # did not wait for it too (nothing else touches the worker then).
        self.thread.finished.connect(self.worker.release, Qt.ConnectionType.DirectConnection)
        self.worker.started.connect(self._on_started)
        self.worker.loading_models.connect(self.loading_models)
        self.worker.model_chosen.connect(self._on_model_chosen)
        self.worker.progress.connect(self._on_progress)
        self.worker.finished.connect(self._on_finished)
        self.worker.failed.connect(self._on_failed)
        self.worker.cancelled.connect(self._on_cancelled)
        self.worker.library_added.connect(self._on_library_added)
        self.worker.library_failed.connect(self._on_library_failed)

    # -- requests from the UI ----------------------------------------------------------------
    def add(self, path: str | Path, *, model: str | None = None, speakers: bool | None = None,
            speaker_count: int | None = None, replaces: str | Path | None = None, source: str = "import") -> int:
        """Queue one file; returns its job id (signals name the job by it). The keywords
        override the settings (transcribing a library meeting again, see the module doc)."""
        if self._shut_down:
            raise RuntimeError("the file queue was shut down")
        self._next_id += 1
        settings = self.settings
        from meeting_recorder.ui.library_worker import library_db_path

        folders = (settings.recordings_dir, output_dir(settings))
        job = Job(self._next_id, str(path), model or settings.model, settings.device, settings.language,
                  settings.speakers_enabled if speakers is None else speakers, output_dir(settings),
                  threading.Event(), speaker_count, None if replaces is None else Path(replaces),
                  library_db_path(), folders, source)
        if settings.files_run_on == RUN_ON_CLUSTER:  # several at once, one per worker: ui/cluster_queue.py
            return self._cluster_queue().add(job)
        self._waiting.append(job)
        self.queued.emit(job.id, shown(job.path))
        self._advance()
        return job.id

    def _cluster_queue(self) -> ClusterQueue:
        if self.cluster is None:
            from meeting_recorder.ui.cluster_queue import ClusterQueue

            self.cluster = ClusterQueue(self)  # its signals are this queue's
        return self.cluster

    def cancel(self, job_id: int) -> bool:
        """Cancel the running job (it stops within a moment) or drop a waiting one."""
        if self.cluster is not None and self.cluster.cancel(job_id):
            return True
        if self._current is not None and self._current.id == job_id:
            self._current.cancel.set()  # thread-safe; the worker answers with ``cancelled``
            return True
        for job in self._waiting:
            if job.id == job_id:
                self._waiting.remove(job)
                self.cancelled.emit(job.id, shown(job.path))
                self._set_busy(self._current is not None or bool(self._waiting))
                return True
        return False

    def cancel_all(self) -> None:
        if self.cluster is not None:
            self.cluster.cancel_all()
        while self._waiting:
            self.cancel(self._waiting[-1].id)
        if self._current is not None:
            self.cancel(self._current.id)

    def is_busy(self) -> bool:
        return self._busy or (self.cluster is not None and self.cluster.is_busy())

    def is_shut_down(self) -> bool:
        return self._shut_down

    def current_job(self) -> int | None:
        return None if self._current is None else self._current.id

    def shutdown(self, timeout_ms: int = SHUTDOWN_WAIT_MS) -> bool:
        """Cancel everything and end the thread, waiting at most ``timeout_ms``: True when
        it has ended (models released). Otherwise it ends by itself after the step it is in,
        releasing the models on its way out. Safe to call twice."""
        cluster_ended = self.cluster is None or self.cluster.shutdown(timeout_ms)  # bounded too
        if not self._shut_down:
            self.cancel_all()
            self._shut_down = True
            job, self._current = self._current, None
            if job is not None:  # its own answer is ignored from now on, so say it here
                self.cancelled.emit(job.id, shown(job.path))
            self._set_busy(False)
            self.thread.quit()
        # Bounded: never a frozen window. (Not isRunning(): Qt 6 says False already while
        # the thread still releases the models in its ``finished`` signal.)
        if self.thread.wait(max(0, timeout_ms)):
            self.worker.release()  # the thread never started, or has ended: nothing left, or safe
            return cluster_ended
        log.warning("the file queue's thread is still in a step it cannot leave; it ends by itself")
        keep_until_finished(self.thread, self.worker)
        return False

    # -- scheduling --------------------------------------------------------------------------
    def _advance(self) -> None:
        if self._shut_down or self._current is not None:
            return
        if not self._waiting:
            self._set_busy(False)
            if not self.settings.keep_models_loaded:
                self._release.emit()  # runs after the last job, on the worker thread
            return
        self._current = self._waiting.popleft()
        self._set_busy(True)
        if not self.thread.isRunning():  # started on first use: an unused view has no thread
            self.thread.start()
        self._run.emit(self._current)

    def _set_busy(self, busy: bool) -> None:
        if busy != self._busy:
            self._busy = busy
            self.busy_changed.emit(busy)

    def _take(self, job_id: int) -> Job | None:
        """The current job if ``job_id`` is it (stale signals after shutdown are ignored)."""
        if self._shut_down or self._current is None or self._current.id != job_id:
            return None
        job, self._current = self._current, None
        return job

    # -- worker signals (queued onto the UI thread) ------------------------------------------
    @Slot(int)
    def _on_started(self, job_id: int) -> None:
        if self._current is not None and self._current.id == job_id:
            self.started.emit(job_id, shown(self._current.path))

    @Slot(int, object)
    def _on_model_chosen(self, job_id: int, event: Any) -> None:
        from meeting_recorder.ui.core_messages import translate_event

        if self._current is not None and self._current.id == job_id:
            self.model_chosen.emit(job_id, translate_event(event))

    @Slot(int, float, float)
    def _on_progress(self, job_id: int, fraction: float, eta: float) -> None:
        if self._current is not None and self._current.id == job_id and not self._current.cancel.is_set():
            self.progress.emit(job_id, fraction, eta)

    @Slot(int, list)
    def _on_finished(self, job_id: int, outputs: list) -> None:
        job = self._take(job_id)
        if job is not None:
            self.finished.emit(job.id, shown(job.path), outputs)
            self._advance()

    @Slot(int, str)
    def _on_failed(self, job_id: int, message: str) -> None:
        job = self._take(job_id)
        if job is not None:
            self.failed.emit(job.id, shown(job.path), message)
            self._advance()

    @Slot(int, object)
    def _on_library_added(self, job_id: int, meeting: Any) -> None:
        if not self._shut_down:  # after ``finished``: the job is no longer the current one
            self.library_added.emit(job_id, meeting)

    @Slot(int, str)
    def _on_library_failed(self, job_id: int, message: str) -> None:
        if not self._shut_down:
            self.library_failed.emit(job_id, message)

    @Slot(int)
    def _on_cancelled(self, job_id: int) -> None:
        job = self._take(job_id)
        if job is not None:
            self.cancelled.emit(job.id, shown(job.path))
            self._advance()


