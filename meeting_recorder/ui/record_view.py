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

Settings read: model, language, device, speakers_enabled, keep_models_loaded,
recordings_dir; input_device is read and written (the picker remembers the choice).
"""

from __future__ import annotations

import time
from enum import Enum
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMetaMethod, QModelIndex, Qt, QTimer, QUrl, Signal, Slot
from PySide6.QtGui import QAction, QDesktopServices, QFontMetrics, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QHeaderView, QLabel, QLineEdit, QPushButton, QStyle, QTableView, QVBoxLayout,
    QWidget,
)

from meeting_recorder.core.recovery import final_path
from meeting_recorder.ui.audio_worker import AudioWorkerThread
from meeting_recorder.ui.level_meter import LevelMeter
from meeting_recorder.ui.live_transcript_model import LiveTranscriptModel
from meeting_recorder.ui.recovery_dialog import RecoveryDialog, RecoveryOffer
from meeting_recorder.ui.settings import AppSettings, global_glossary
from meeting_recorder.core.clock import format_clock
from meeting_recorder.ui.widgets import hbox

TICK_MS = 500  # elapsed time and file size refresh
FOLLOW_SLACK = 4  # pixels from the bottom that still count as "at the bottom"


def format_size(size: int) -> str:
    return f"{size / 1e6:.1f} MB" if size < 10e9 else f"{size / 1e9:.2f} GB"


class State(Enum):
    IDLE = "idle"
    STARTING = "starting"
    RECORDING = "recording"
    STOPPING = "stopping"


class RecordView(QWidget):
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
        self._devices_requested = False
        self._follow = True
        self.audio = AudioWorkerThread(self)
        self._build_ui()
        self._connect_worker()
        self._tick = QTimer(self)
        self._tick.setInterval(TICK_MS)
        self._tick.timeout.connect(self._update_progress)
        self._set_state(State.IDLE)

    # -- widgets -------------------------------------------------------------------------------
    def _build_ui(self) -> None:
        self.device_combo = QComboBox(self)
        self.device_combo.setToolTip(self.tr("The microphone or other input to record from"))
        self.device_combo.addItem(self.tr("System default"), "")
        if self.settings.input_device:  # shown before the device list arrives
            self.device_combo.addItem(self.settings.input_device, self.settings.input_device)
            self.device_combo.setCurrentIndex(1)
        self.device_combo.currentIndexChanged.connect(self._device_chosen)
        device_label = QLabel(self.tr("&Input:"), self)
        device_label.setBuddy(self.device_combo)
        self.refresh_button = QPushButton(self.tr("Re&fresh"), self)
        self.refresh_button.setToolTip(self.tr("Look again for connected input devices"))
        self.refresh_button.clicked.connect(lambda: self.refresh_devices())
        self.level_meter = LevelMeter(self)
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
        layout = QVBoxLayout(self)
        device_row = hbox(device_label, self.device_combo, self.refresh_button)
        device_row.setStretch(0, 0)
        device_row.setStretch(1, 1)  # the picker takes the spare room
        layout.addLayout(device_row)
        layout.addLayout(hbox(terms_label, self.terms_edit))
        layout.addLayout(hbox(self.level_meter))
        layout.addLayout(hbox(self.record_button, 12, self.elapsed_label, 12, self.size_label, 12,
                              self.file_label, None))
        layout.addWidget(self.error_label)
        layout.addWidget(self.transcript_view, 1)
        layout.addLayout(hbox(self.status_label, self.jump_button))

    def _build_transcript(self) -> None:
        self.model = LiveTranscriptModel(self)
        view = self.transcript_view = QTableView(self)
        view.setModel(self.model)
        view.setAccessibleName(self.tr("Live transcript"))
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setWordWrap(True)
        view.setShowGrid(False)
        view.verticalHeader().hide()
        header = view.horizontalHeader()
        header.setStretchLastSection(True)
        # Qt's ResizeToContents sized these two to their titles only ("시간" is narrower than
        # "0:05"): they widen as rows arrive instead, and never shrink while recording.
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self._reset_columns()
        view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.model.rowsInserted.connect(self._rows_inserted)
        # Wrapped rows need new heights when the text column changes width; one pass over
        # all rows after the resizing settles, not one per pixel.
        self._relayout = QTimer(self, singleShot=True, interval=100)
        self._relayout.timeout.connect(view.resizeRowsToContents)
        header.sectionResized.connect(lambda *_: self._relayout.start())
        bar = view.verticalScrollBar()
        bar.rangeChanged.connect(self._range_changed)
        bar.valueChanged.connect(self._scrolled)
        self.jump_button = QPushButton(self.tr("&Jump to latest"), self)
        self.jump_button.setToolTip(self.tr("Scroll to the newest line and follow the transcript again"))
        self.jump_button.clicked.connect(self.jump_to_latest)
        self.jump_button.hide()

    # -- autoscroll: follow the newest line unless the user scrolled back -------------------------
    def _rows_inserted(self, parent: QModelIndex, first: int, last: int) -> None:
        for row in range(first, last + 1):
            self._fit_column(LiveTranscriptModel.TIME, row)
            self._fit_column(LiveTranscriptModel.SPEAKER, row)
            self.transcript_view.resizeRowToContents(row)

    def _reset_columns(self) -> None:
        for column in (LiveTranscriptModel.TIME, LiveTranscriptModel.SPEAKER):
            self.transcript_view.resizeColumnToContents(column)  # the title's width while empty

    def _fit_column(self, column: int, row: int) -> None:
        index = self.model.index(row, column)
        font = self.model.data(index, Qt.ItemDataRole.FontRole) or self.transcript_view.font()
        padding = 2 * self.transcript_view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 8
        width = QFontMetrics(font).horizontalAdvance(self.model.data(index) or "") + padding
        header = self.transcript_view.horizontalHeader()
        if width > header.sectionSize(column):
            header.resizeSection(column, width)

    def _range_changed(self, minimum: int, maximum: int) -> None:
        if self._follow:
            self.transcript_view.verticalScrollBar().setValue(maximum)

    def _scrolled(self, value: int) -> None:
        # Only a user (or jump_to_latest) moves the bar off or back to the bottom; growth
        # of the list alone never changes the value.
        self._follow = value >= self.transcript_view.verticalScrollBar().maximum() - FOLLOW_SLACK
        self.jump_button.setVisible(not self._follow)

    def is_following(self) -> bool:
        return self._follow

    @Slot()
    def jump_to_latest(self) -> None:
        self._follow = True
        bar = self.transcript_view.verticalScrollBar()
        bar.setValue(bar.maximum())
        self.jump_button.hide()

    # -- devices ---------------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._devices_requested:  # the first time shown: PortAudio starts off the UI thread
            self.refresh_devices(rescan=False)

    def refresh_devices(self, rescan: bool = True) -> None:
        self._devices_requested = True
        self.audio.list_devices(rescan)

    @Slot(list)
    def _on_devices(self, devices: list) -> None:
        saved = self.settings.input_device
        combo = self.device_combo
        combo.blockSignals(True)  # rebuilding the list is not the user choosing
        combo.clear()
        combo.addItem(self.tr("System default"), "")
        for device in devices:
            label = self.tr("{name} (default)").format(name=device.name) if device.is_default else device.name
            combo.addItem(label, device.name)
        if saved and combo.findData(saved) < 0:
            combo.addItem(self.tr("{name} (not connected)").format(name=saved), saved)
        combo.setCurrentIndex(max(0, combo.findData(saved)))
        combo.blockSignals(False)

    def _device_chosen(self, index: int) -> None:
        self.settings.input_device = self.device_combo.itemData(index) or ""

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
        worker.level.connect(self.level_meter.set_level)
        worker.recovered.connect(self.recovery.add)
        worker.devices.connect(self._on_devices)

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
                "speed": self.source_speed, "glossary": self.meeting_glossary()}

    def meeting_glossary(self) -> tuple[str, ...]:
        """This meeting's terms (the box above the transcript), then the global glossary's."""
        from meeting_recorder.core import glossary

        return tuple(glossary.merge(glossary.parse(self.terms_edit.text().replace(",", "\n")), global_glossary()))

    def start_recording(self) -> None:
        if self.state != State.IDLE:
            return
        self.model.clear()
        self._reset_columns()
        self.jump_to_latest()
        self.error_label.hide()
        self._path = None
        self._set_state(State.STARTING)
        self.recording_changed.emit(True)
        device = self.device_combo.currentData() or None
        self.audio.start_recording(self._session_settings(), device, self.source_file)

    def stop_recording(self, wait: bool = True) -> None:
        """Stop and finalize the file; with ``wait`` return only once it is saved."""
        if self.state == State.IDLE:
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
        self.level_meter.reset()
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
        self.device_combo.setEnabled(state == State.IDLE)
        self.refresh_button.setEnabled(state == State.IDLE)
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
        if self.state != State.IDLE:
            self._set_state(State.STOPPING)
        self._tick.stop()
        self.audio.shutdown()
        if self.state != State.IDLE:  # a queued ``stopped`` will never be handled now
            self._finish(self.audio.worker.last_result)
        self.recovery.close()
