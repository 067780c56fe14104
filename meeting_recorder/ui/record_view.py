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

Before recording, the "what will happen" panel (``inputs_panel``: ``InputsPanel``) says which
inputs, model, language and folder the recording will use, and ``preview`` (``InputPreview``)
shows each input's level while the view is visible and idle; it is closed before the
recording opens the devices (the start waits for that, never blocking the UI thread), when
the view is hidden, when the choice changes (then reopened) and in ``shutdown()``.
During a recording the meters show the worker's ``source_level(track, rms)`` (a worker
without it: ``level(rms)`` on the microphone's).
``source_combo`` picks Microphone / System audio / Microphone + system audio;
``device_combo`` the microphone, ``system_combo`` the system audio device.
``apply_settings()`` re-reads model, language and folder for the panel (after Preferences).

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

from PySide6.QtCore import QMetaMethod, QModelIndex, Qt, QTimer, QUrl, Signal, Slot
from PySide6.QtGui import QAction, QDesktopServices, QFontMetrics, QHideEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QHeaderView, QLabel, QLineEdit, QPushButton, QSplitter, QStyle, QTableView,
    QVBoxLayout,
    QWidget,
)

from meeting_recorder.core.recovery import final_path
from meeting_recorder.ui.audio_worker import AudioWorkerThread
from meeting_recorder.ui.input_preview import InputPreview, InputsPanel, PreviewInput
from meeting_recorder.ui.live_transcript_model import LiveTranscriptModel, PartialTextDelegate
from meeting_recorder.ui.marks_notes import MarksNotesPanel
from meeting_recorder.ui.recovery_dialog import RecoveryDialog, RecoveryOffer
from meeting_recorder.ui.settings import AppSettings, global_glossary, resolve_audio_source
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
        self._pending_start: tuple | None = None  # a start waiting for the preview to close the inputs
        self._mic_listed = self._system_listed = False
        self._system_available = False  # "auto" records both (core's capture_choice, asked off this thread)
        self._shut_down = False
        self.audio = AudioWorkerThread(self)
        self.preview = InputPreview(self)
        self._build_ui()
        self._connect_worker()
        self._connect_preview()
        self._tick = QTimer(self)
        self._tick.setInterval(TICK_MS)
        self._tick.timeout.connect(self._update_progress)
        self._set_state(State.IDLE)

    # -- widgets -------------------------------------------------------------------------------
    def _build_ui(self) -> None:
        self._build_pickers()
        self.refresh_button = QPushButton(self.tr("Re&fresh"), self)
        self.refresh_button.setToolTip(self.tr("Look again for connected input devices"))
        self.refresh_button.clicked.connect(lambda: self.refresh_devices())
        self.inputs_panel = InputsPanel(self.settings, self.device_combo, self.system_combo, self)
        self._show_source(self.resolved_source())
        self.level_meter = self.inputs_panel.mic_meter.meter  # the microphone's bar
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

    def _build_pickers(self) -> None:
        self.source_combo = QComboBox(self)
        self.source_combo.addItem(self.tr("Microphone"), "mic")
        self.source_combo.addItem(self.tr("System audio"), "system")
        self.source_combo.addItem(self.tr("Microphone + system audio"), "both")
        self.source_combo.setToolTip(self.tr("Record your microphone, what the computer plays (the other side "
                                             "of a call), or both on two tracks"))
        self.source_label = QLabel(self.tr("Rec&ord from:"), self)
        self.source_label.setBuddy(self.source_combo)
        self.device_combo = QComboBox(self)
        self.device_combo.setToolTip(self.tr("The microphone or other input to record from"))
        self.device_combo.addItem(self.tr("System default"), "")
        if self.settings.input_device:  # shown before the device list arrives
            self.device_combo.addItem(self.settings.input_device, self.settings.input_device)
            self.device_combo.setCurrentIndex(1)
        self.system_combo = QComboBox(self)
        self.system_combo.setToolTip(self.tr("The sound output whose audio is recorded (its monitor)"))
        self.system_combo.addItem(self.tr("Default output"), "")
        if self.settings.system_device:
            self.system_combo.addItem(self.settings.system_device, self.settings.system_device)
            self.system_combo.setCurrentIndex(1)
        self.source_combo.currentIndexChanged.connect(self._source_chosen)
        # Picking the item "auto" shows already is a choice too: it stays when "auto" changes.
        self.source_combo.activated.connect(self._source_chosen)
        self.device_combo.currentIndexChanged.connect(self._device_chosen)
        self.system_combo.currentIndexChanged.connect(self._system_device_chosen)

    def _build_transcript(self) -> None:
        self.model = LiveTranscriptModel(self)
        view = self.transcript_view = QTableView(self)
        view.setModel(self.model)
        view.setAccessibleName(self.tr("Live transcript"))
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setWordWrap(True)
        view.setShowGrid(False)
        # The words being spoken: grey, the still-uncertain ones lighter and italic.
        view.setItemDelegateForColumn(LiveTranscriptModel.TEXT, PartialTextDelegate(view))
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
        self.inputs_panel.refresh_settings()
        if not self._devices_requested:  # the first time shown: PortAudio starts off the UI thread
            self.refresh_devices(rescan=False)
        else:
            self._update_preview()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self._update_preview()

    def refresh_devices(self, rescan: bool = True) -> None:
        """List the devices again (the preview reopens with them); ``rescan`` re-reads
        PortAudio's list, which must not happen under an open stream: the preview closes first."""
        self._devices_requested = True
        self._mic_listed = False
        self._system_listed = False
        self.preview.stop(then=lambda: self._list_devices(rescan))

    def _list_devices(self, rescan: bool) -> None:
        if self._shut_down:
            return
        self.audio.list_devices(rescan)
        if not hasattr(self.audio.worker, "system_devices_listed"):  # a worker that lists microphones only
            self._system_listed = True

    def apply_settings(self) -> None:
        """Preferences changed: the panel shows the model, language and folder anew."""
        self.inputs_panel.refresh_settings()

    def resolved_source(self) -> str:
        """"mic", "system" or "both": the saved choice, "auto" meaning both when system
        audio can be captured and is not what the microphone hears already."""
        return resolve_audio_source(self.settings.audio_source, self._system_available)

    def chosen_inputs(self) -> list[PreviewInput]:
        source = self.resolved_source()
        inputs = []
        if source in ("mic", "both"):
            inputs.append(PreviewInput("mic", self.device_combo.currentData() or None))
        if source in ("system", "both"):
            inputs.append(PreviewInput("system", self.system_combo.currentData() or None))
        return inputs

    def _show_source(self, source: str) -> None:
        combo = self.source_combo
        combo.blockSignals(True)  # showing the choice is not the user choosing
        combo.setCurrentIndex(max(0, combo.findData(source)))
        combo.blockSignals(False)
        self._show_inputs()

    def _source_chosen(self, index: int) -> None:
        self.settings.audio_source = self.source_combo.itemData(index) or "auto"
        self._show_source(self.resolved_source())
        self._update_preview()

    @Slot(list)
    def _on_system_devices(self, devices: list) -> None:
        default = next((device.name for device in devices if device.is_default), None)
        first = self.tr("Default output ({name})").format(name=default) if default else self.tr("Default output")
        names = [device.name for device in devices]
        entries = [(self._default_label(device.name if names.count(device.name) == 1  # two "Null Output"s
                                        else f"{device.name} ({device.id})", device.is_default), device.id)
                   for device in devices]  # by id: unique, and core finds a device by id or name
        self._fill(self.system_combo, first, entries, self.settings.system_device)
        self.preview.check_system_audio()  # then the preview opens what "auto" means

    @Slot(bool)
    def _on_system_checked(self, available: bool) -> None:
        self._system_available = available
        self._system_listed = True
        self._show_source(self.resolved_source())
        self._update_preview()

    def _system_device_chosen(self, index: int) -> None:
        self.settings.system_device = self.system_combo.itemData(index) or ""
        self._update_preview()

    def _default_label(self, name: str, is_default: bool) -> str:
        return self.tr("{name} (default)").format(name=name) if is_default else name

    def _fill(self, combo: QComboBox, first: str, entries: list[tuple[str, str]], saved: str) -> None:
        """A device picker anew: the default (data ""), the devices, the saved one even when
        it is not connected now; the saved one chosen."""
        combo.blockSignals(True)  # rebuilding the list is not the user choosing
        combo.clear()
        combo.addItem(first, "")
        for label, data in entries:
            combo.addItem(label, data)
        if saved and combo.findData(saved) < 0:
            combo.addItem(self.tr("{name} (not connected)").format(name=saved), saved)
        combo.setCurrentIndex(max(0, combo.findData(saved)))
        combo.blockSignals(False)

    @Slot(list)
    def _on_devices(self, devices: list) -> None:
        entries = [(self._default_label(device.name, device.is_default), device.name) for device in devices]
        self._fill(self.device_combo, self.tr("System default"), entries, self.settings.input_device)
        self._mic_listed = True
        self._update_preview()

    def _device_chosen(self, index: int) -> None:
        self.settings.input_device = self.device_combo.itemData(index) or ""
        self._update_preview()

    # -- the preview: levels before recording ----------------------------------------------------
    def _connect_preview(self) -> None:
        self.preview.level.connect(self._on_preview_level)
        self.preview.failed.connect(lambda track, message: self.inputs_panel.meter(track).show_problem(message))
        self.preview.system_audio_checked.connect(self._on_system_checked)

    def _preview_wanted(self) -> bool:
        return (self.isVisible() and self.state == State.IDLE and not self._shut_down and not self.source_file
                and self._mic_listed and self._system_listed)

    def _update_preview(self) -> None:
        """Open the chosen inputs for their levels when the view is shown and idle, else close them."""
        self._show_inputs()
        if not self._preview_wanted():
            self.preview.stop()
            return
        inputs = self.chosen_inputs()
        if tuple(inputs) == self.preview.inputs():
            return
        for item in inputs:
            self.inputs_panel.meter(item.track).begin(watch_silence=True)
            self.inputs_panel.meter(item.track).show_note(self.tr("Opening the input…"))
        self.preview.start(inputs)

    def _show_inputs(self) -> None:
        self.inputs_panel.set_inputs(self.resolved_source(), Path(self.source_file).name if self.source_file else "")

    @Slot(str, float)
    def _on_preview_level(self, track: str, rms: float) -> None:
        if self.state == State.IDLE:  # a last one queued before the recording started
            self.inputs_panel.meter(track).set_level(rms)

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
        worker.partial.connect(self._on_partial)
        if hasattr(worker, "source_level"):  # a level per track
            worker.source_level.connect(self._on_source_level)
        else:
            worker.level.connect(self.level_meter.set_level)
        if hasattr(worker, "system_devices_listed"):
            worker.system_devices_listed.connect(self._on_system_devices)
        worker.recovered.connect(self.recovery.add)
        worker.devices.connect(self._on_devices)

    @Slot(str, object)
    def _on_partial(self, track: str, partial: Any) -> None:
        self.model.show_partial(partial, track)
        if partial is not None:
            for row in range(max(0, self.model.rowCount() - 2), self.model.rowCount()):
                self.transcript_view.resizeRowToContents(row)  # the words grow in place
            if self._follow:
                self.jump_to_latest()

    @Slot(str, float)
    def _on_source_level(self, track: str, rms: float) -> None:
        if self.state != State.IDLE:
            self.inputs_panel.meter(track).set_level(rms)

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
        self._reset_columns()
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
