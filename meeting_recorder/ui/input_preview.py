"""Before Record is pressed: what a recording will do, with a live level per input.

``InputPreview(parent=None)`` opens the chosen inputs for their levels only (nothing is
written or kept) on a thread of its own, so a PulseAudio stream's ~3 s start never holds up
the window. Signals, always delivered on the UI thread (queued from the audio threads):
``level(str track, float rms)`` (track "mic" or "system", RMS 0..1, ~10 a second),
``opened(str track, str device_name)``, ``failed(str track, str message)`` (cannot be opened,
or stopped delivering audio), ``stopped()`` (every preview stream is closed and its thread
gone), ``system_audio_checked(bool)`` (the answer to ``check_system_audio()``: whether
"auto" records the system audio too, as core's ``capture_choice`` decides it).
Methods: ``start(inputs)`` (a sequence of ``PreviewInput``; the previous streams are closed
first, then these opened), ``stop(then=None)`` (returns at once; ``then`` runs once nothing
is open any more: right away when nothing was), ``inputs()``, ``is_running()``,
``check_system_audio()`` and ``shutdown(timeout=5.0) -> bool`` (joins the threads).

``InputsPanel(settings, mic_picker=None, system_picker=None, parent=None)``: the "what will
happen" panel — which inputs (one ``SourceMeter`` each, with its device picker), the model
and language as they will resolve for a live recording (``core.language_choice.live_model``),
and the folder the recording goes to (a link that opens it; ``Change…`` picks another through
``choose_folder``, which tests replace). ``meter(track)``, ``set_inputs(source, file_name="")``,
``set_recording(bool)`` (the summary hides while recording), ``refresh_settings()``.

A device that cannot be opened, or stops, shows its message in place of its meter (never a
dialog); an input silent for a few seconds before recording shows a hint (``SourceMeter``).
"""

from __future__ import annotations

import html
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QFrame, QLabel, QPushButton, QVBoxLayout, QWidget

from meeting_recorder.ui.core_messages import describe_error, translate_event
from meeting_recorder.ui.level_meter import SourceMeter
from meeting_recorder.ui.settings import AppSettings
from meeting_recorder.ui.widgets import hbox

log = logging.getLogger(__name__)

LEVEL_PERIOD = 0.1  # seconds between level signals per track
STOP_LIMIT_MS = 10_000  # a stream still closing after this long is left to end by itself
QUEUED = Qt.ConnectionType.QueuedConnection


@dataclass(frozen=True)
class PreviewInput:
    track: str  # "mic" or "system"
    device: str | None  # a device name; None = the default one


def open_source(item: PreviewInput):
    """The core source for a preview input (not started)."""
    if item.track == "system":
        from meeting_recorder.core.system_audio import SystemAudioSource

        return SystemAudioSource(item.device or None)
    from meeting_recorder.core.sources import MicrophoneSource

    return MicrophoneSource(item.device or None)


class _PreviewRun:
    """One set of open inputs on its own thread: opens them, waits, closes them."""

    def __init__(self, inputs: tuple[PreviewInput, ...], relay: "InputPreview", unavailable: str) -> None:
        self.inputs = inputs
        self.relay = relay
        self.unavailable = unavailable  # made on the UI thread: the message for a missing back end
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, name="input-preview", daemon=True)

    def _run(self) -> None:
        sources = []
        try:
            for item in self.inputs:
                if self.stopping.is_set():
                    break
                source = self._open(item)
                if source is not None:
                    sources.append(source)
            self.stopping.wait()
        finally:
            for source in reversed(sources):
                try:
                    source.stop()
                except Exception:  # closing must go on for the others
                    log.warning("closing a preview input failed", exc_info=True)
            self.relay._ended_in.emit(self)

    def _open(self, item: PreviewInput):
        try:
            source = open_source(item)
            source.start(self._level_tap(item.track), lambda event: self._source_ended(item.track, event))
        except ImportError:
            self.relay._failed_in.emit(self, item.track, self.unavailable)
            return None
        except Exception as error:  # any device failure is shown inline, never raised here
            self.relay._failed_in.emit(self, item.track, describe_error(error))
            return None
        self.relay._opened_in.emit(self, item.track, getattr(source, "name", item.device or ""))
        return source

    def _level_tap(self, track: str) -> Callable[[np.ndarray], None]:
        """Audio thread: the loudest block RMS of each period goes to the meter."""
        state = {"max": 0.0, "at": 0.0}

        def on_block(block: np.ndarray) -> None:
            if self.stopping.is_set() or not len(block):
                return
            rms = float(np.sqrt(np.mean(np.square(block, dtype=np.float32)))) / 32768.0
            state["max"] = max(state["max"], rms)
            now = time.monotonic()
            if now - state["at"] >= LEVEL_PERIOD:
                state["at"] = now
                level, state["max"] = min(1.0, state["max"]), 0.0
                self.relay._level_in.emit(self, track, level)

        return on_block

    def _source_ended(self, track: str, event) -> None:
        if event is not None and not self.stopping.is_set():
            self.relay._failed_in.emit(self, track, translate_event(event))


class InputPreview(QObject):
    """Live levels of the chosen inputs while nothing is recorded."""

    level = Signal(str, float)
    opened = Signal(str, str)
    failed = Signal(str, str)
    stopped = Signal()
    system_audio_checked = Signal(bool)
    # From the audio threads, queued to this object on the UI thread; the run filters old ones out.
    _level_in = Signal(object, str, float)
    _opened_in = Signal(object, str, str)
    _failed_in = Signal(object, str, str)
    _ended_in = Signal(object)
    _checked_in = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runs: list[_PreviewRun] = []  # every run whose thread has not reported its end
        self._current: _PreviewRun | None = None
        self._wanted: tuple[PreviewInput, ...] = ()
        self._launch_pending = False
        self._then: list[Callable[[], None]] = []
        self._helpers: list[threading.Thread] = []
        self._shut_down = False
        self._level_in.connect(self._on_level, QUEUED)
        self._opened_in.connect(self._on_opened, QUEUED)
        self._failed_in.connect(self._on_failed, QUEUED)
        self._ended_in.connect(self._on_ended, QUEUED)
        self._checked_in.connect(self._on_checked, QUEUED)
        self._give_up = QTimer(self, singleShot=True, interval=STOP_LIMIT_MS)
        self._give_up.timeout.connect(self._stop_waiting)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)

    # -- control (UI thread) ------------------------------------------------------------------
    def start(self, inputs: Sequence[PreviewInput]) -> None:
        """Show these inputs' levels; the ones open now are closed first."""
        wanted = tuple(inputs)
        if self._shut_down or (wanted == self._wanted and (self._current is not None or self._launch_pending)):
            return
        self._wanted = wanted
        self._close_runs()
        self._launch_pending = True
        if not self._runs:
            self._drain()

    def stop(self, then: Callable[[], None] | None = None) -> None:
        """Close every preview input without waiting; ``then`` runs once all are closed."""
        self._wanted = ()
        self._launch_pending = False
        self._close_runs()
        if then is not None:
            self._then.append(then)
        if not self._runs:
            self._drain()

    def inputs(self) -> tuple[PreviewInput, ...]:
        return self._wanted

    def is_running(self) -> bool:
        return bool(self._runs)

    def shutdown(self, timeout: float = 5.0) -> bool:
        """Close everything and join the threads (at most ``timeout``); True when none is left."""
        self._shut_down = True
        self._then.clear()
        self.stop()
        deadline = time.monotonic() + timeout
        for thread in [run.thread for run in self._runs] + self._helpers:
            thread.join(max(0.0, deadline - time.monotonic()))
        alive = self._runs = [run for run in self._runs if run.thread.is_alive()]
        if alive:
            log.warning("%d input preview thread(s) still closing a device", len(alive))
        return not alive and not any(t.is_alive() for t in self._helpers)

    def check_system_audio(self) -> None:
        """Emit ``system_audio_checked`` (asked on a short thread: it talks to the sound server)."""
        if self._shut_down:
            return

        def work() -> None:
            try:
                from meeting_recorder.core.capture_choice import system_audio_available

                available = system_audio_available()
            except Exception:  # no back end at all: the microphone alone
                log.warning("checking for system audio failed", exc_info=True)
                available = False
            self._checked_in.emit(available)

        self._helpers = [thread for thread in self._helpers if thread.is_alive()]
        helper = threading.Thread(target=work, name="system-audio-check", daemon=True)
        self._helpers.append(helper)
        helper.start()

    @Slot(bool)
    def _on_checked(self, available: bool) -> None:
        if not self._shut_down:
            self.system_audio_checked.emit(available)

    # -- runs ------------------------------------------------------------------------------
    def _close_runs(self) -> None:
        self._current = None
        for run in self._runs:
            run.stopping.set()
        if self._runs:
            self._give_up.start()

    def _drain(self) -> None:
        """Nothing is open: run what waited for that, then open what is wanted."""
        self._give_up.stop()
        callbacks, self._then = self._then, []
        for callback in callbacks:
            callback()
        if self._launch_pending and not self._runs and not self._shut_down:
            self._launch_pending = False
            unavailable = self.tr("System audio capture is not available in this version.")
            run = self._current = _PreviewRun(self._wanted, self, unavailable)
            self._runs.append(run)
            run.thread.start()

    @Slot(object)
    def _on_ended(self, run: _PreviewRun) -> None:
        if run in self._runs:
            self._runs.remove(run)
        if self._current is run:
            self._current = None
        if not self._runs:
            self.stopped.emit()
            self._drain()

    @Slot()
    def _stop_waiting(self) -> None:
        """A device did not close in time (a hung back end): go on without it; shutdown
        still waits for its thread a bounded time."""
        stuck = [run for run in self._runs if run is not self._current]
        log.warning("%d preview input(s) did not close within %d ms", len(stuck), STOP_LIMIT_MS)
        self._helpers.extend(run.thread for run in stuck)
        self._runs = [run for run in self._runs if run is self._current]
        if not self._runs:
            self._drain()

    @Slot(object, str, float)
    def _on_level(self, run: _PreviewRun, track: str, rms: float) -> None:
        if run is self._current:
            self.level.emit(track, rms)

    @Slot(object, str, str)
    def _on_opened(self, run: _PreviewRun, track: str, name: str) -> None:
        if run is self._current:
            self.opened.emit(track, name)

    @Slot(object, str, str)
    def _on_failed(self, run: _PreviewRun, track: str, message: str) -> None:
        if run is self._current:
            self.failed.emit(track, message)


class InputsPanel(QFrame):
    """What pressing Record will do, and whether the inputs can be heard."""

    def __init__(self, settings: AppSettings, mic_picker: QWidget | None = None,
                 system_picker: QWidget | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.setObjectName("inputsPanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.heading = QLabel(self)
        self.heading.setWordWrap(True)
        self.mic_meter = SourceMeter(self.tr("M&icrophone:"), self.tr("No sound from the microphone — is it muted?"),
                                     mic_picker, self)
        self.system_meter = SourceMeter(self.tr("S&ystem audio:"),
                                        self.tr("No sound from the system audio — is anything playing?"),
                                        system_picker, self)
        self.model_label = QLabel(self)
        self.model_label.setWordWrap(True)
        self.language_label = QLabel(self)
        self.folder_label = QLabel(self)
        self.folder_label.setTextFormat(Qt.TextFormat.RichText)
        self.folder_label.setToolTip(self.tr("Open the folder"))
        self.folder_label.linkActivated.connect(lambda _: self.open_folder())
        self.folder_button = QPushButton(self.tr("Chan&ge…"), self)
        self.folder_button.setToolTip(self.tr("Choose another folder for new recordings"))
        self.folder_button.clicked.connect(self._change_folder)
        self.summary = QWidget(self)  # hidden while recording: the file name says it then
        summary = QVBoxLayout(self.summary)
        summary.setContentsMargins(0, 0, 0, 0)
        summary.addWidget(self.model_label)
        summary.addWidget(self.language_label)
        summary.addLayout(hbox(self.folder_label, self.folder_button, None))
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.mic_meter)
        layout.addWidget(self.system_meter)
        layout.addWidget(self.summary)
        self.refresh_settings()

    def meter(self, track: str) -> SourceMeter:
        return self.system_meter if track == "system" else self.mic_meter

    def set_inputs(self, source: str, file_name: str = "") -> None:
        """Which inputs a recording takes: "mic", "system" or "both" (or a file played as if live)."""
        headings = {"mic": self.tr("Record captures the microphone."),
                    "system": self.tr("Record captures the system audio (what you hear)."),
                    "both": self.tr("Record captures the microphone and the system audio, each on its own track.")}
        self.heading.setText(self.tr("Record plays {name} as if it were live.").format(name=file_name) if file_name
                             else headings.get(source, headings["mic"]))
        self.mic_meter.setVisible(source in ("mic", "both") and not file_name)
        self.system_meter.setVisible(source in ("system", "both") and not file_name)

    def set_recording(self, recording: bool) -> None:
        self.summary.setVisible(not recording)

    def refresh_settings(self) -> None:
        """Model, language and folder as the next recording will use them."""
        s = self.settings
        self.model_label.setText(self.model_text(s.model, s.language))
        self.language_label.setText(self.language_text(s.language))
        folder = str(s.recordings_dir)
        url = QUrl.fromLocalFile(folder).toString()
        self.folder_label.setText(self.tr("Saved in: {folder}").format(
            folder=f'<a href="{html.escape(url)}">{html.escape(folder)}</a>'))

    def model_text(self, model: str, language: str) -> str:
        from meeting_recorder.core.language_choice import AUTO_MODEL, live_model

        used = live_model(model, language)
        if model and model != AUTO_MODEL:
            return self.tr("Model: {model} (chosen in Preferences)").format(model=used)
        if language == "en":
            return self.tr("Model: {model} — chosen automatically for English").format(model=used)
        if language not in ("", "auto"):
            return self.tr("Model: {model} — chosen automatically (multilingual) for {language}").format(
                model=used, language=self.language_name(language))
        return self.tr("Model: {model} — chosen automatically (multilingual; with the language set to "
                       "English, the faster tiny.en)").format(model=used)

    def language_text(self, language: str) -> str:
        if language in ("", "auto"):
            return self.tr("Language: detected from the speech")
        return self.tr("Language: {language}").format(language=self.language_name(language))

    def language_name(self, code: str) -> str:
        names = {"en": self.tr("English"), "ko": self.tr("Korean"), "ja": self.tr("Japanese"),
                 "zh": self.tr("Chinese"), "de": self.tr("German"), "fr": self.tr("French"),
                 "es": self.tr("Spanish")}
        return names.get(code, code)

    # -- the folder ------------------------------------------------------------------------------
    def open_folder(self) -> None:
        """Show the recordings folder (or, before the first recording, the nearest existing parent)."""
        folder = Path(self.settings.recordings_dir)
        while not folder.is_dir() and folder.parent != folder:
            folder = folder.parent
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def choose_folder(self, title: str, start: str) -> str:  # tests replace this
        return QFileDialog.getExistingDirectory(self, title, start)

    @Slot()
    def _change_folder(self) -> None:
        folder = self.choose_folder(self.tr("Choose the recordings folder"), str(self.settings.recordings_dir))
        if folder:
            self.settings.recordings_dir = folder
            self.refresh_settings()
