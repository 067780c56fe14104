"""The live recording on its own QThread: ``AudioWorker`` wraps core's ``LiveSession``.

Public API
----------
``AudioWorker(QObject)`` lives on a QThread; its slots run there, never on the UI thread.

Signals: ``status(str)``, ``level(float)`` (RMS 0..1, at most ~10 a second),
``segment(object)`` (core ``Segment``, ``speaker`` set when speakers are on), ``error(str)``, ``error_cleared()`` (the last error is over: transcription resumed after a worker crash),
``recovered(object)`` (core ``RecoveredRecording``), ``started(str)`` (the ``.wav.partial``
being written), ``stopped(object)`` (core ``SessionResult``, or None when the start failed),
``devices(list)`` (core ``InputDevice`` list), ``recovery_checked(list)`` (every
``RecoveredRecording`` that ``check_recovered`` repaired), ``library_added(object)`` (core
``library.Meeting``: a saved or recovered recording was added to the meeting library; one
that could not be is said on ``status``, the recording is safe either way).

Slots: ``start_recording(settings, device, source_file)``, ``stop_recording()``,
``check_recovered(folder)``, ``list_devices(refresh)``, ``release()``.

``settings`` is a ``LiveSettings`` or a plain dict (built on the UI thread, since QSettings
belongs there) with the keys ``recordings_dir``, ``model``, ``language``, ``device``
(compute device: auto | cpu | cuda), ``speakers_enabled``, ``keep_models_loaded``,
``disk_stop_mb`` (core stops and saves the recording at this much free space) and, for a
file played as if live, ``speed``. ``device`` is the *input* device name (None = system
default); ``source_file`` plays a file instead of a microphone (demos and tests).

``AudioWorkerThread(QObject)`` owns the QThread and the worker: ``start_recording``,
``stop_recording(wait=False)``, ``check_recovered``, ``list_devices`` and ``shutdown()``
(stop the session, release the models, quit and join the thread).
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject, QThread, QTimer, Signal, Slot

from meeting_recorder.ui.core_messages import describe_error, translate_event
from meeting_recorder.ui.threads import keep_until_finished, wait_responsive

if TYPE_CHECKING:  # the core live modules pull in PyAV and the engine: imported lazily
    from meeting_recorder.core.engine import TranscriptionEngine
    from meeting_recorder.core.events import Event
    from meeting_recorder.core.live_session import LiveSession, LiveSettings, SessionResult
    from meeting_recorder.core.speakers.embedding import Embedder

log = logging.getLogger(__name__)

QUIT_FINISH_SECONDS = 3.0  # on quit the last words get this long, then are cancelled
QUIT_WAIT_SECONDS = 30.0  # the most the window waits for the audio thread (it keeps painting)
STOP_WAIT_MARGIN = 15.0  # stop_recording(wait=True) waits finish_timeout plus this at most
LEVEL_PERIOD = 0.1  # seconds between level signals: a meter needs no more than ~10 a second
WATCH_MS = 100  # how often the worker looks whether the source ended by itself


def live_settings(settings: Any) -> tuple["LiveSettings", str, float]:
    """(LiveSettings, compute device, file speed) from a LiveSettings or a settings dict."""
    from meeting_recorder.core.live_session import LiveSettings
    from meeting_recorder.core.paths import recordings_dir

    if isinstance(settings, LiveSettings):
        return settings, "auto", 1.0
    values = dict(settings or {})
    speakers = bool(values.get("speakers_enabled", True))
    live = LiveSettings(
        out_dir=Path(values.get("recordings_dir") or recordings_dir()),
        language=str(values.get("language", "auto")),
        keep_models_loaded=bool(values.get("keep_models_loaded", False)),
        speakers=speakers,
        max_speakers=int(values.get("max_speakers", 8)),
        glossary=tuple(values.get("glossary", ())),
        self_name=str(values.get("self_name") or "You"),
    )
    if int(values.get("disk_stop_mb") or 0) > 0:  # the user's "stop below this much free space"
        from meeting_recorder.core.disk_space import MB, DiskLimits

        live.disk = DiskLimits(reserve_bytes=int(values["disk_stop_mb"]) * MB)
    if values.get("model"):
        live.model = str(values["model"])
    if values.get("formats"):
        live.formats = list(values["formats"])
    if speakers:
        live.known_speakers = _known_speakers()
    return live, str(values.get("device", "auto")), float(values.get("speed", 1.0))


def _known_speakers() -> dict:
    """Enrolled voices (name -> vector) so live labels use their names."""
    from meeting_recorder.core.speakers.profiles import enrolled_profiles

    # A corrupt profiles file: record without names (the speakers view says what happened).
    return {profile.name: profile.vector for profile in enrolled_profiles(lambda event: None)}


class StopRequest:
    """A stop someone waits for, a bounded time: ``deliver`` hands the result over, or says
    (False) that the waiter gave up, so the worker announces it with ``stopped`` instead."""

    def __init__(self, finish_timeout: float | None) -> None:
        self.finish_timeout = finish_timeout
        self.result: "SessionResult | None" = None
        self.done = threading.Event()
        self._lock = threading.Lock()
        self._abandoned = False

    def deliver(self, result: "SessionResult | None") -> bool:
        with self._lock:
            if self._abandoned:
                return False
            self.result = result
            self.done.set()
            return True

    def abandon(self) -> bool:
        """The waiter gives up; False if the result had arrived meanwhile (use it)."""
        with self._lock:
            self._abandoned = not self.done.is_set()
            return self._abandoned


class AudioWorker(QObject):
    """One live session at a time; lives on a QThread (see ``AudioWorkerThread``)."""

    status = Signal(str)
    level = Signal(float)
    segment = Signal(object)
    error = Signal(str)
    error_cleared = Signal()  # the problem shown last is over (transcription resumed)
    session_failed = Signal(str)  # the recording stopped by itself for this reason (show a dialog)
    recovered = Signal(object)
    started = Signal(str)
    stopped = Signal(object)
    devices = Signal(list)
    system_devices_listed = Signal(list)  # core.system_audio.SystemAudioDevice, after ``devices``
    source_level = Signal(str, float)  # "mic" or "system", RMS 0..1 (a call has both)
    partial = Signal(str, object)  # track, core.partials.PartialText or None (the utterance ended)
    recovery_checked = Signal(list)
    library_added = Signal(object)  # core library.Meeting of a saved or recovered recording

    def __init__(self) -> None:
        super().__init__()
        self.session: LiveSession | None = None
        self.engine: TranscriptionEngine | None = None  # kept between recordings only when asked
        self.embedder: Embedder | None = None
        self.last_result: SessionResult | None = None  # of the last recording this worker stopped
        self._watch: QTimer | None = None
        self._level_max = 0.0
        self._level_at = 0.0
        self._source_levels: dict[str, tuple[float, float]] = {}  # track -> (loudest, last sent)

    # -- recording ----------------------------------------------------------------------------
    @Slot(object, object, object)
    def start_recording(self, settings: Any, device: str | None = None, source_file: str | None = None) -> None:
        """Open the source, start the session; ``started`` or ``error`` + ``stopped(None)``."""
        if self.session is not None:
            self.error.emit(self.tr("A recording is already running."))
            return
        from meeting_recorder.core.errors import MeetingRecorderError

        self.last_result = live = None
        try:
            live, compute_device, speed = live_settings(settings)
            source, system_source = self._sources(settings, device, source_file, speed)
            session = self._session(source, live, compute_device, system_source)
            path = session.start()
        except (MeetingRecorderError, OSError, ValueError) as error:
            self._start_failed(describe_error(error), live is not None and live.keep_models_loaded)
            return
        except Exception as error:  # a bug must not kill the thread silently
            log.exception("starting the recording failed")
            self._start_failed(f"{type(error).__name__}: {error}", live is not None and live.keep_models_loaded)
            return
        self.session = session
        self._level_max, self._level_at = 0.0, 0.0
        self._watch_timer().start()
        self.started.emit(str(path))

    def _sources(self, settings: Any, device: str | None, source_file: str | None, speed: float):
        """(first source, a call's system source or None) as the settings choose."""
        from meeting_recorder.core.capture_choice import open_sources
        from meeting_recorder.core.sources import FileSource

        if source_file:
            return FileSource(source_file, speed=speed), None
        values = settings if isinstance(settings, dict) else {}
        choice = str(values.get("audio_source") or "auto")
        return open_sources(choice, device or None, str(values.get("system_device") or "") or None)

    def _session(self, source, live: "LiveSettings", compute_device: str, system_source=None) -> "LiveSession":
        from meeting_recorder.core.live_session import LiveCallbacks, LiveSession

        callbacks = LiveCallbacks(  # these run on core threads: only emit from them
            status=self._on_status,
            segment=self.segment.emit,
            level=self._on_level,
            source_level=self._on_source_level,
            partial=self.partial.emit,
            error=self._on_error,
            recovered=self._on_recovered,
        )
        from meeting_recorder.core.language_choice import live_model

        engine = self._engine_for(live_model(live.model, live.language), compute_device)
        return LiveSession(source, live, callbacks, engine=engine, embedder=self.embedder, system_source=system_source)

    def _engine_for(self, model: str, compute_device: str) -> "TranscriptionEngine":
        from meeting_recorder.core.worker import make_engine

        engine = self.engine
        if engine is not None and (engine.model_name != model or engine.device_preference != compute_device):
            engine.close()  # only one speech model in memory at a time
            engine = None
        self.engine = engine or make_engine(model, device=compute_device)
        return self.engine

    def _start_failed(self, message: str, keep: bool) -> None:
        self.error.emit(message)
        self._forget_models_unless_kept(keep)
        self.stopped.emit(None)

    def _forget_models_unless_kept(self, keep: bool = False) -> None:
        """The session released its models already; drop our handles too unless kept."""
        if not keep:
            if self.engine is not None:  # loaded or not: a worker's stand-in counts as held until closed
                self.engine.close()
            self.engine = None
            self.embedder = None

    def _on_status(self, event: "Event") -> None:
        """Core thread: the status line; transcription back after a worker crash also
        takes the crash message away."""
        from meeting_recorder.core.events import TranscriptionResumed

        if isinstance(event, TranscriptionResumed):
            self.error_cleared.emit()
        self.status.emit(translate_event(event))

    def _on_error(self, event: "Event") -> None:
        """Core thread: every error shows in the view; one that ends the recording by
        itself (disk full, disk write failed) also asks for a dialog."""
        from meeting_recorder.core.events import DiskFull, WriterFailed

        message = translate_event(event)
        self.error.emit(message)
        if isinstance(event, (DiskFull, WriterFailed)):
            self.session_failed.emit(message)

    def _on_level(self, rms: float) -> None:
        """Writer thread: a file played fast reports far more than 10 a second; keep the
        loudest of each period so short peaks still reach the meter."""
        self._level_max = max(self._level_max, rms)
        now = time.monotonic()
        if now - self._level_at >= LEVEL_PERIOD:
            self._level_at = now
            level, self._level_max = min(1.0, self._level_max), 0.0
            self.level.emit(level)

    def _on_source_level(self, track: str, rms: float) -> None:
        """Writer threads: each track's loudest level of each period, as ``_on_level``."""
        loudest, sent_at = self._source_levels.get(track, (0.0, 0.0))
        loudest, now = max(loudest, rms), time.monotonic()
        if now - sent_at >= LEVEL_PERIOD:
            self._source_levels[track] = (0.0, now)
            self.source_level.emit(track, min(1.0, loudest))
        else:
            self._source_levels[track] = (loudest, sent_at)

    def _watch_timer(self) -> QTimer:
        if self._watch is None:  # made here so it belongs to the worker's thread
            self._watch = QTimer(self)
            self._watch.setInterval(WATCH_MS)
            self._watch.timeout.connect(self._check_source)
        return self._watch

    @Slot()
    def _check_source(self) -> None:
        session = self.session
        if session is not None and session.ended.is_set():  # end of file, device error, disk full
            self.stop_recording()

    @Slot()
    def stop_recording(self) -> None:
        """Stop and finalize the file (the last words are transcribed first); ``stopped``."""
        if self.session is not None:
            self.stopped.emit(self._stop())

    @Slot(object)
    def stop_now(self, request: "StopRequest") -> None:
        """Like ``stop_recording``, for a caller waiting on ``request`` (bounded, see
        ``AudioWorkerThread.stop_recording``); if it stopped waiting, ``stopped`` as usual."""
        result = self._stop(request.finish_timeout)
        if not request.deliver(result) and result is not None:
            self.stopped.emit(result)

    def _stop(self, finish_timeout: float | None = None) -> "SessionResult | None":
        session, self.session = self.session, None
        if session is None:
            return None
        if self._watch is not None:
            self._watch.stop()
        try:
            result = session.stop(finish_timeout)
        except Exception as error:  # a bug: the session reports its own failures
            log.exception("stopping the recording failed")
            self.error.emit(self.tr("Stopping the recording failed: {error}").format(error=error))
            result = None
        keep = session.settings.keep_models_loaded
        if keep:
            self.embedder = session.embedder  # made by the session at its first start
        self._forget_models_unless_kept(keep)
        if result is not None and result.recording.suffix == ".wav" and result.recording.is_file():
            self._add_to_library(result.recording, result.transcript_files)  # not a .partial left to recover
        self.last_result = result
        return result

    def _on_recovered(self, recording: Any) -> None:
        """A leftover of a crash repaired as the session starts: into the library, then shown."""
        self._add_to_library(recording.path, recording.transcript_files)
        self.recovered.emit(recording)

    def _add_to_library(self, recording: Path, transcript_files: Any) -> None:
        """Best effort: a library that fails costs a status line, never the recording."""
        from meeting_recorder.core.auto_library import add_to_library
        from meeting_recorder.core.events import LibraryAddFailed

        added = add_to_library(recording, transcript_files)
        if isinstance(added, LibraryAddFailed):
            self.status.emit(translate_event(added))
        else:
            self.library_added.emit(added)

    @Slot(float)
    def release(self, finish_timeout: float = QUIT_FINISH_SECONDS) -> None:
        """Stop any recording (the last words get ``finish_timeout`` seconds), free the
        models, even kept ones, and end this thread's event loop (shutdown)."""
        try:
            self._stop(finish_timeout)
            if self.engine is not None:
                self.engine.close()
            if self.embedder is not None:
                self.embedder.close()
            self.engine = self.embedder = None
        finally:
            QThread.currentThread().quit()

    # -- recovery and devices ------------------------------------------------------------------
    @Slot(str)
    def check_recovered(self, folder: str) -> None:
        """Repair recordings a crash left as ``.wav.partial`` in ``folder``."""
        found: list = []
        if self.session is None:  # while recording, the only partial there is our own
            from meeting_recorder.core.export import FORMATS
            from meeting_recorder.core.recovery import recover_folder

            found, errors = recover_folder(Path(folder), list(FORMATS))
            for recording in found:
                self._on_recovered(recording)
            for message in errors:
                self.error.emit(self.tr("Could not recover a recording: {message}").format(message=message))
        self.recovery_checked.emit(found)

    @Slot(bool)
    def list_devices(self, refresh: bool) -> None:
        """Emit ``devices``; ``refresh`` re-reads PortAudio's list (new or unplugged devices)."""
        from meeting_recorder.core.sources import list_input_devices

        if refresh and self.session is None:  # PortAudio cannot restart under an open stream
            import sounddevice

            try:
                sounddevice._terminate()  # sounddevice's documented way to re-scan devices
                sounddevice._initialize()
            except Exception as error:  # an odd back end: keep the old list
                log.warning("re-scanning audio devices failed: %s", error)
        try:
            found = list_input_devices()
        except Exception as error:
            log.warning("listing audio devices failed: %s", error)
            found = []
        self.devices.emit(found)
        self.system_devices_listed.emit(self._system_devices())

    @staticmethod
    def _system_devices() -> list:
        try:
            from meeting_recorder.core.system_audio import list_system_devices

            return list_system_devices()
        except Exception as error:  # no sound server or library: no system audio to offer
            log.warning("listing system audio failed: %s", error)
            return []


class AudioWorkerThread(QObject):
    """Creates the QThread, moves the worker onto it and routes requests to it."""

    _start = Signal(object, object, object)
    _stop = Signal()
    _stop_now = Signal(object)
    _release = Signal(float)
    _recover = Signal(str)
    _devices = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.thread = QThread()
        self.thread.setObjectName("AudioWorker")
        self.worker = AudioWorker()
        self.worker.moveToThread(self.thread)
        # The worker lives on another thread, so these calls are queued and run over there.
        self._start.connect(self.worker.start_recording)
        self._stop.connect(self.worker.stop_recording)
        self._recover.connect(self.worker.check_recovered)
        self._devices.connect(self.worker.list_devices)
        # Queued too: a caller that needs the result waits a bounded time, handling events.
        self._stop_now.connect(self.worker.stop_now)
        self._release.connect(self.worker.release)
        self._shut_down = False
        app = QCoreApplication.instance()
        if app is not None:  # a safety net: a QThread destroyed while running aborts the process
            app.aboutToQuit.connect(self.shutdown)

    def _ensure_running(self) -> bool:
        if self._shut_down:
            return False
        if not self.thread.isRunning():  # started on first use: an unused view has no thread
            self.thread.start()
        return True

    def start_recording(self, settings: Any, device: str | None, source_file: str | None = None) -> None:
        if self._ensure_running():
            self._start.emit(settings, device, source_file)

    def stop_recording(self, wait: bool = False, finish_timeout: float | None = None) -> "SessionResult | None":
        """Ask the worker to stop; with ``wait``, wait (handling events, at most the last
        words' time plus a margin) until the file is finalized and return the result
        (``stopped`` is then not emitted for this recording). None if it is not back yet:
        ``stopped`` brings it later."""
        if not self.thread.isRunning():
            return None
        if not wait:
            self._stop.emit()
            return None
        request = StopRequest(finish_timeout)
        self._stop_now.emit(request)
        limit = (finish_timeout if finish_timeout is not None else 120.0) + STOP_WAIT_MARGIN
        if wait_responsive(request.done.is_set, limit) or not request.abandon():
            return request.result
        return None

    def check_recovered(self, folder: str | Path) -> None:
        if self._ensure_running():
            self._recover.emit(str(folder))

    def list_devices(self, refresh: bool = False) -> None:
        if self._ensure_running():
            self._devices.emit(refresh)

    def is_running(self) -> bool:
        return self.thread.isRunning()

    def add_mark(self, label: str = "") -> float | None:
        """Mark this moment of the recording (the journal is written at once, crash-safe,
        from this thread: a few ms); its time in seconds, or None when not recording."""
        session = self.worker.session
        return session.add_mark(label) if session is not None else None

    def add_note(self, text: str) -> float | None:
        """A note stamped with this moment of the recording; its time, or None."""
        session = self.worker.session
        return session.add_note(text) if session is not None else None

    def shutdown(self, wait_seconds: float = QUIT_WAIT_SECONDS) -> bool:
        """Stop the session (file finalized at once, the last words get a few seconds),
        free the models, end the thread. The window keeps handling events meanwhile and
        waits ``wait_seconds`` at most; True if the thread has ended."""
        self._shut_down = True
        if self.thread.isRunning():
            self._release.emit(QUIT_FINISH_SECONDS)  # the worker quits its thread when done
            if not wait_responsive(self.thread.isFinished, wait_seconds):
                # Destroying a running QThread aborts the process: keep the objects alive.
                # The recording was finalized first thing; only transcription is stuck.
                log.warning("the audio thread did not end within %.0f s", wait_seconds)
                keep_until_finished(self.thread, self.worker)
                return False
            self.thread.wait(1000)  # finished: returns at once
        return not self.thread.isRunning()

