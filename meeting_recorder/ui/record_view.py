"""The Record view: pick an input, record, watch the live transcript.

Public API
----------
``RecordView(settings: AppSettings, parent=None)`` — works standalone or inside the window.

Signals: ``recording_changed(bool)`` (True from the moment Record is pressed until the file
is finalized), ``status_message(str)``, ``recording_finished(str)`` (the saved ``.wav``),
``error_message(str)``, ``recordings_recovered(list)`` (core ``RecoveredRecording``s repaired
after a crash), ``open_requested(str)`` and ``transcribe_requested(str)`` (from the recovery
dialog: a transcript/recording to open, a recording to queue for transcription; with no
receiver, Open shows the file in the file manager).

Methods: ``start_recording()``, ``stop_recording(wait=True)`` (finalizes the file; with
``wait`` it returns once the ``.wav`` is on disk — for quit and low disk),
``toggle_recording()``, ``is_recording()``, ``current_recording_path() -> Path | None``
(the ``.wav.partial`` being written), ``check_recovered()`` (repair what a crash left in the
recordings folder, then offer it), ``refresh_devices()``, ``shutdown()`` (stop, free the
models, join the audio thread). ``record_action`` (Ctrl+R) may be put in a menu.
Attributes: ``source_file``/``source_speed`` play a file as if live (demos, tests);
``auto_offer_recovery`` (default True) shows ``RecoveryDialog`` for recovered recordings.

Before recording, ``inputs_panel`` says which inputs, model, language and folder the recording
will use and ``preview`` shows each input's level while the view is visible and idle; it is
closed before the recording opens the devices (the start waits for that, never blocking the
UI thread), when the view is hidden, when the choice changes (then reopened) and in
``shutdown()``. During a recording the meters show the worker's ``source_level(track, rms)``
(a worker without it: ``level(rms)`` on the microphone's). The pickers (``source_combo``,
``device_combo``, ``system_combo``), ``refresh_devices()``, ``apply_settings()``,
``resolved_source()`` and ``chosen_inputs()`` come from ``RecordInputs`` (record_inputs.py);
the transcript table is a ``LiveTranscriptView`` (live_transcript_view.py), with
``is_following()`` and ``jump_to_latest()``.

Settings read: model, language, device, speakers_enabled, keep_models_loaded,
recordings_dir; input_device, audio_source and system_device are read and written (the
pickers remember the choice). The session settings handed to the worker carry
``audio_source`` ("mic" | "system" | "both", "auto" already resolved) and ``system_device``.
"""

from __future__ import annotations

import time
from enum import Enum
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMetaMethod, Qt, QTimer, QUrl, Signal, Slot
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QSplitter, QStyle, QVBoxLayout, QWidget

from meeting_recorder.core.recovery import final_path
from meeting_recorder.ui.audio_worker import AudioWorkerThread
from meeting_recorder.ui.live_transcript_model import LiveTranscriptModel
from meeting_recorder.ui.live_transcript_view import LiveTranscriptView
from meeting_recorder.ui.marks_notes import MarksNotesPanel
from meeting_recorder.ui.record_inputs import RecordInputs
from meeting_recorder.ui.recovery_dialog import RecoveryDialog, RecoveryOffer
from meeting_recorder.ui.settings import AppSettings, global_glossary
from meeting_recorder.core.clock import format_clock
from meeting_recorder.ui.widgets import hbox

TICK_MS = 500  # elapsed time and file size refresh


def format_size(size: int) -> str:
    return f"{size / 1e6:.1f} MB" if size < 10e9 else f"{size / 1e9:.2f} GB"


class State(Enum):
    IDLE = "idle"
    STARTING = "starting"
    RECORDING = "recording"
    STOPPING = "stopping"


class RecordView(RecordInputs, QWidget):  # the choice of inputs and their preview: record_inputs.py
    recording_changed = Signal(bool)
    status_message = Signal(str)
    recording_finished = Signal(str)
    error_message = Signal(str)
    recording_failed = Signal(str)  # it stopped by itself (disk full, disk write failed): why
    recordings_recovered = Signal(list)
    open_requested = Signal(str)
    transcribe_requested = Signal(str)

    def __init__(self, settings: AppSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.source_file: str | None = None
        self.source_speed = 1.0
        self.recovery = RecoveryOffer(self)
        self.recovery.recordings_recovered.connect(self.recordings_recovered)
        self.recovery.open_requested.connect(self._open_recovered)
        self.recovery.transcribe_requested.connect(self.transcribe_requested)
        self.state = State.IDLE
        self._path: Path | None = None
        self._started_at = 0.0
        self._pending_start: tuple | None = None  # a start waiting for the preview to close the inputs
        self._shut_down = False
        self.audio = AudioWorkerThread(self)
        self._init_inputs()
        self._build_ui()
        self._connect_worker()
        self._connect_preview()
        self._tick = QTimer(self)
        self._tick.setInterval(TICK_MS)
        self._tick.timeout.connect(self._update_progress)
        self._set_state(State.IDLE)

    # -- widgets -------------------------------------------------------------------------------
    def _build_ui(self) -> None:
        self._build_inputs()  # source and device pickers, refresh button, inputs panel with meters
        self.record_button = QPushButton(self)
        self.record_button.clicked.connect(self.toggle_recording)
        self.record_action = QAction(self.tr("&Record"), self)
        self.record_action.setShortcut(QKeySequence("Ctrl+R"))
        # The whole window: the view may sit in a tab while focus is elsewhere.
        self.record_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.record_action.triggered.connect(self.toggle_recording)
        self.addAction(self.record_action)
        self.elapsed_label = QLabel(self)
        self.elapsed_label.setToolTip(self.tr("Time recorded"))
        self.size_label = QLabel(self)
        self.size_label.setToolTip(self.tr("Size of the recording on disk"))
        self.file_label = QLabel(self)
        self.file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status_label = QLabel(self)
        self.status_label.setWordWrap(True)
        self.error_label = QLabel(self)
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #c0392b;")
        self.error_label.hide()
        self.terms_edit = QLineEdit(self)  # this meeting's glossary, before the global one
        self.terms_edit.setPlaceholderText(self.tr("Names and terms in this meeting, separated by commas"))
        self.terms_edit.setToolTip(self.tr("Spelled as written in this recording's transcript, together with "
                                           "the glossary of Preferences"))
        terms_label = QLabel(self.tr("&Terms:"), self)
        terms_label.setBuddy(self.terms_edit)
        self._build_transcript()
        self.marks_panel = MarksNotesPanel(self)  # Mark (Ctrl+M) and notes beside the transcript
        self.marks_panel.mark_requested.connect(self._add_mark)
        self.marks_panel.note_submitted.connect(self._add_note)
        self.marks_panel.set_recording(False)
        transcript_row = QSplitter(Qt.Orientation.Horizontal, self)
        transcript_row.addWidget(self.transcript_view)
        transcript_row.addWidget(self.marks_panel)
        transcript_row.setStretchFactor(0, 3)
        transcript_row.setStretchFactor(1, 1)
        transcript_row.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addLayout(hbox(self.source_label, self.source_combo, self.refresh_button, None))
        layout.addWidget(self.inputs_panel)  # the device pickers sit in it, next to their meters
        terms_row = hbox(terms_label, self.terms_edit)
        terms_row.setStretch(0, 0)
        terms_row.setStretch(1, 1)
        layout.addLayout(terms_row)
        layout.addLayout(hbox(self.record_button, 12, self.elapsed_label, 12, self.size_label, 12,
                              self.file_label, None))
        layout.addWidget(self.error_label)
        layout.addWidget(transcript_row, 1)
        layout.addLayout(hbox(self.status_label, self.jump_button))

    def _build_transcript(self) -> None:
        self.model = LiveTranscriptModel(self)
        self.transcript_view = LiveTranscriptView(self.model, self)  # follows the newest line
        self.transcript_view.setAccessibleName(self.tr("Live transcript"))
        self.jump_button = QPushButton(self.tr("&Jump to latest"), self)
        self.jump_button.setToolTip(self.tr("Scroll to the newest line and follow the transcript again"))
        self.jump_button.clicked.connect(self.jump_to_latest)
        self.jump_button.hide()
        self.transcript_view.following_changed.connect(lambda following: self.jump_button.setVisible(not following))

    def is_following(self) -> bool:
        return self.transcript_view.is_following()

    @Slot()
    def jump_to_latest(self) -> None:
        self.transcript_view.jump_to_latest()

    # -- recording ---------------------------------------------------------------------------------
    def _connect_worker(self) -> None:
        worker = self.audio.worker  # every connection is queued: the worker lives on its thread
        worker.started.connect(self._on_started)
        worker.stopped.connect(self._on_stopped)
        worker.status.connect(self._on_status)
        worker.error.connect(self._on_error)
        worker.error_cleared.connect(self.error_label.hide)
        worker.session_failed.connect(self.recording_failed)
        worker.segment.connect(self.model.add_segment)
        worker.partial.connect(self.transcript_view.show_partial)
        if hasattr(worker, "source_level"):  # a level per track
            worker.source_level.connect(self._on_source_level)
        else:
            worker.level.connect(self.level_meter.set_level)
        if hasattr(worker, "system_devices_listed"):
            worker.system_devices_listed.connect(self._on_system_devices)
        worker.recovered.connect(self.recovery.add)
        worker.devices.connect(self._on_devices)

    @Slot()
    def _add_mark(self) -> None:
        at = self.audio.add_mark()
        if at is not None:
            self.marks_panel.add_mark(at)

    @Slot(str)
    def _add_note(self, text: str) -> None:
        at = self.audio.add_note(text)
        if at is None:
            self.marks_panel.return_note(text)  # not lost: it stays in the box
        else:
            self.marks_panel.add_note(at, text)

    def is_recording(self) -> bool:
        return self.state != State.IDLE

    def current_recording_path(self) -> Path | None:
        return self._path if self.state in (State.RECORDING, State.STOPPING) else None

    @Slot()
    def toggle_recording(self) -> None:
        if self.state == State.IDLE:
            self.start_recording()
        elif self.state in (State.STARTING, State.RECORDING):
            self.stop_recording(wait=False)

    def _session_settings(self) -> dict[str, Any]:
        s = self.settings  # read here: QSettings belongs to the UI thread
        return {"recordings_dir": str(s.recordings_dir), "model": s.model, "language": s.language,
                "device": s.device, "speakers_enabled": s.speakers_enabled,
                "keep_models_loaded": s.keep_models_loaded, "disk_stop_mb": s.disk_stop_mb,
                "speed": self.source_speed, "glossary": self.meeting_glossary(),
                # A call's microphone track: the person at this computer, in their language.
                "self_name": self.tr("You", "the person at this computer, in a call's transcript"),
                "audio_source": self.resolved_source(), "system_device": self.system_combo.currentData() or ""}

    def meeting_glossary(self) -> tuple[str, ...]:
        """This meeting's terms (the box above the transcript), then the global glossary's."""
        from meeting_recorder.core import glossary

        return tuple(glossary.merge(glossary.parse(self.terms_edit.text().replace(",", "\n")), global_glossary()))

    def start_recording(self) -> None:
        if self.state != State.IDLE:
            return
        self.model.clear()
        self.marks_panel.clear()
        self.transcript_view.reset_columns()
        self.jump_to_latest()
        self.error_label.hide()
        self._path = None
        self._set_state(State.STARTING)
        self.recording_changed.emit(True)
        for track in ("mic", "system"):
            self.inputs_panel.meter(track).begin(watch_silence=False)
        device = self.device_combo.currentData() or None
        # The preview closes the devices first (an ALSA device opens once; PortAudio is
        # not re-entrant): the worker gets the start once they are closed, at once if none is open.
        self._pending_start = (self._session_settings(), device, self.source_file)
        self.preview.stop(then=self._start_pending)

    def _start_pending(self) -> None:
        request, self._pending_start = self._pending_start, None
        if request is not None and self.state == State.STARTING:
            self.audio.start_recording(*request)

    def stop_recording(self, wait: bool = True) -> None:
        """Stop and finalize the file; with ``wait`` return only once it is saved."""
        if self.state == State.IDLE:
            return
        if self._pending_start is not None:  # the worker was not asked yet: nothing to finalize
            self._pending_start = None
            self._finish(None)
            return
        self._set_state(State.STOPPING)
        if not wait:
            self.audio.stop_recording(wait=False)
            return
        result = self.audio.stop_recording(wait=True)
        if result is not None:
            self._finish(result)
        # Otherwise the recording had already ended (or never started): its queued
        # ``stopped`` signal is on the way and finishes the state.

    @Slot(str)
    def _on_started(self, path: str) -> None:
        if self.state != State.STARTING:
            return  # stopped with wait=True before this arrived
        self._path = Path(path)
        self._started_at = time.monotonic()
        self.file_label.setText(final_path(self._path).name)
        self.file_label.setToolTip(str(self._path))
        self._set_state(State.RECORDING)
        self._tick.start()

    @Slot(object)
    def _on_stopped(self, result: Any) -> None:
        if self.state != State.IDLE:
            self._finish(result)

    def _finish(self, result: Any) -> None:
        self._tick.stop()
        for track in ("mic", "system"):
            self.inputs_panel.meter(track).meter.reset()
        self._path = None
        self._set_state(State.IDLE)
        if result is not None:
            self.elapsed_label.setText(format_clock(result.seconds))
            try:
                self.size_label.setText(format_size(result.recording.stat().st_size))
            except OSError:
                pass
            self.file_label.setText(result.recording.name)
            self.file_label.setToolTip(str(result.recording))
        self.recording_changed.emit(False)
        if result is not None:
            self.status_message.emit(self.tr("Saved {path}").format(path=result.recording))
            self.recording_finished.emit(str(result.recording))

    def _set_state(self, state: State) -> None:
        self.state = state
        recording = state in (State.STARTING, State.RECORDING)
        style = QStyle.StandardPixmap.SP_MediaStop if recording else QStyle.StandardPixmap.SP_MediaPlay
        self.record_button.setIcon(self.style().standardIcon(style))
        texts = {State.IDLE: self.tr("&Record"), State.STARTING: self.tr("&Stop"),
                 State.RECORDING: self.tr("&Stop"), State.STOPPING: self.tr("Stopping…")}
        self.record_button.setText(texts[state])
        self.record_button.setToolTip(self.tr("Stop and save the recording (Space or Ctrl+R)") if recording
                                      else self.tr("Start recording from the chosen input (Space or Ctrl+R)"))
        self.record_button.setEnabled(state != State.STOPPING)
        self.record_action.setEnabled(state != State.STOPPING)
        self.record_action.setText(self.tr("&Stop recording") if recording else self.tr("&Record"))
        for widget in (self.source_combo, self.device_combo, self.system_combo, self.refresh_button):
            widget.setEnabled(state == State.IDLE)
        self.inputs_panel.set_recording(state != State.IDLE)
        self.marks_panel.set_recording(state == State.RECORDING)
        if state == State.IDLE:
            self.inputs_panel.refresh_settings()
            self._update_preview()  # the levels again, before the next recording
        if state == State.STARTING:
            self.elapsed_label.setText(format_clock(0))
            self.size_label.setText(format_size(0))
            self.file_label.clear()

    @Slot()
    def _update_progress(self) -> None:
        if self._path is None:
            return
        self.elapsed_label.setText(format_clock(time.monotonic() - self._started_at))
        try:
            self.size_label.setText(format_size(self._path.stat().st_size))
        except OSError:  # renamed at stop in the meantime
            pass

    @Slot(str)
    def _on_status(self, message: str) -> None:
        self.status_label.setText(message)
        self.status_message.emit(message)

    @Slot(str)
    def _on_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()
        self.error_message.emit(message)

    # -- recovery --------------------------------------------------------------------------------
    def check_recovered(self) -> None:
        """Repair (off the UI thread) what a crash left in the recordings folder."""
        if self.state == State.IDLE:  # a running session recovers its folder at start itself
            self.audio.check_recovered(self.settings.recordings_dir)

    @property
    def recovery_dialog(self) -> RecoveryDialog | None:
        return self.recovery.dialog

    @property
    def auto_offer_recovery(self) -> bool:
        return self.recovery.auto_show

    @auto_offer_recovery.setter
    def auto_offer_recovery(self, value: bool) -> None:
        self.recovery.auto_show = value

    def _open_recovered(self, path: str) -> None:
        if self.isSignalConnected(QMetaMethod.fromSignal(self.open_requested)):
            self.open_requested.emit(path)
        else:  # standalone: show the file where it lies
            self.reveal(Path(path))

    def reveal(self, path: Path) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))

    # -- shutdown ----------------------------------------------------------------------------------
    def shutdown(self) -> None:
        """Stop (file finalized at once, the last words get a few seconds), release the
        models and end the audio thread; the window keeps painting meanwhile (bounded)."""
        self._shut_down = True
        never_started, self._pending_start = self._pending_start is not None, None
        self.preview.shutdown()
        if never_started:  # still waiting for the preview to close: the worker never heard of it
            self._finish(None)
        if self.state != State.IDLE:
            self._set_state(State.STOPPING)
        self._tick.stop()
        self.audio.shutdown()
        if self.state != State.IDLE:  # a queued ``stopped`` will never be handled now
            self._finish(self.audio.worker.last_result)
        self.recovery.close()
