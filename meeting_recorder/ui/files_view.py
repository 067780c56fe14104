"""The Files view: drop or add audio/video files; they are transcribed one after another.

Each file is a row of the queue table: name, status, progress bar, time left and an action
(Cancel while waiting or running, "Open result" when done, the error message when it
failed). A bad file becomes an error row and the queue goes on. The work runs in
``file_queue.FileQueue`` on its own thread; results go to ``<recordings>/Transcripts``.
"Run on" (remembered in the settings) picks this computer, or a Ray cluster at an address
(``local`` starts one here): there several files run at once, one per worker
(``cluster_queue.ClusterQueue``, behind the same queue and rows). The choice is locked
while files are being transcribed.

Public API
----------
``FilesView(settings: AppSettings, parent: QWidget | None = None)``

Signals: ``status_message(str)``, ``open_transcript_requested(str json_path)``,
``busy_changed(bool)``, ``library_changed()`` (a finished file was added to the meeting library).
Methods: ``add_files(paths)``, ``transcribe_again(audio, transcript, model, speakers, speaker_count,
source) -> job`` (a library meeting with its own model and speaker count; the result replaces
its transcript), ``cancel_all()``, ``shutdown() -> bool`` (bounded), ``is_busy()``,
``open_files_dialog()`` (the "Add files…" dialog, for a menu's Ctrl+O),
``job_states() -> list[(path, state)]`` with the untranslated states of ``RowState``.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QFileDialog, QHeaderView, QLabel, QLineEdit, QProgressBar, QPushButton,
    QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from meeting_recorder.ui.file_queue import FileQueue, output_dir
from meeting_recorder.ui.settings import RUN_ON_CLUSTER, RUN_ON_LOCAL, AppSettings
from meeting_recorder.core.clock import format_clock
from meeting_recorder.ui.widgets import DropArea, ElidedLabel, hbox

MEDIA_PATTERNS = "*.wav *.flac *.mp3 *.m4a *.aac *.ogg *.opus *.wma *.mp4 *.mkv *.webm *.mov *.avi"
PROGRESS_STEPS = 1000
JOB_ROLE = Qt.ItemDataRole.UserRole  # on the File item: the job id
STATE_ROLE = Qt.ItemDataRole.UserRole + 1  # on the File item: a RowState value
RESULT_ROLE = Qt.ItemDataRole.UserRole + 2  # on the File item: the JSON result path
COL_FILE, COL_STATUS, COL_PROGRESS, COL_ETA, COL_ACTION = range(5)


class RowState(str, Enum):
    WAITING = "waiting"
    LOADING = "loading"
    RUNNING = "running"
    CANCELLING = "cancelling"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


def state_text(state: RowState) -> str:
    texts = {
        RowState.WAITING: QCoreApplication.translate("FilesView", "Waiting"),
        RowState.LOADING: QCoreApplication.translate("FilesView", "Loading models…"),
        RowState.RUNNING: QCoreApplication.translate("FilesView", "Transcribing"),
        RowState.CANCELLING: QCoreApplication.translate("FilesView", "Cancelling…"),
        RowState.DONE: QCoreApplication.translate("FilesView", "Done"),
        RowState.FAILED: QCoreApplication.translate("FilesView", "Error"),
        RowState.CANCELLED: QCoreApplication.translate("FilesView", "Cancelled"),
    }
    return texts[state]


class FilesView(QWidget):
    status_message = Signal(str)
    open_transcript_requested = Signal(str)
    busy_changed = Signal(bool)
    library_changed = Signal()

    def __init__(self, settings: AppSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.queue = FileQueue(settings, self)
        self.queue.queued.connect(self._on_queued)
        self.queue.started.connect(lambda job, _path: self._set_state(job, RowState.RUNNING))
        self.queue.loading_models.connect(lambda job: self._set_state(job, RowState.LOADING))
        self.queue.model_chosen.connect(self._on_model_chosen)
        self.queue.progress.connect(self._on_progress)
        self.queue.finished.connect(self._on_finished)
        self.queue.failed.connect(self._on_failed)
        self.queue.cancelled.connect(self._on_cancelled)
        self.queue.busy_changed.connect(self._on_busy_changed)
        self.queue.library_added.connect(lambda _job, _meeting: self.library_changed.emit())
        self.queue.library_failed.connect(self._on_library_failed)
        self._build_ui()

    # -- widgets -----------------------------------------------------------------------------
    def _build_ui(self) -> None:
        self.drop_area = DropArea(self)
        self.drop_area.setToolTip(self.tr("Drop audio or video files here to transcribe them"))
        self.drop_area.files_dropped.connect(self.add_files)
        self.add_button = QPushButton(self.tr("&Add files…"), self)
        self.add_button.setToolTip(self.tr("Choose audio or video files to transcribe (Ctrl+O)"))
        self.add_button.clicked.connect(self.open_files_dialog)
        self.cancel_all_button = QPushButton(self.tr("Cancel a&ll"), self)
        self.cancel_all_button.setToolTip(self.tr("Stop the current file and remove the waiting ones"))
        self.cancel_all_button.setEnabled(False)
        self.cancel_all_button.clicked.connect(self.cancel_all)
        self.clear_button = QPushButton(self.tr("C&lear finished"), self)
        self.clear_button.setToolTip(self.tr("Remove finished, failed and cancelled rows from the list"))
        self.clear_button.clicked.connect(self.clear_finished)
        self.folder_label = ElidedLabel(self)
        run_on_label = self._build_run_on()

        self.table = QTableWidget(0, 5, self)
        self.table.setHorizontalHeaderLabels(
            [self.tr("File"), self.tr("Status"), self.tr("Progress"), self.tr("Time left"), self.tr("Action")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(COL_FILE, QHeaderView.ResizeMode.Stretch)
        for column in (COL_STATUS, COL_ETA):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_ACTION, QHeaderView.ResizeMode.Stretch)  # room for error messages
        self.table.setColumnWidth(COL_PROGRESS, 160)
        self.table.setToolTip(
            self.tr("Files are transcribed one after another; double-click a finished file to open it"))
        self.table.cellDoubleClicked.connect(lambda row, _column: self.open_result(row))
        queue_label = QLabel(self.tr("&Queue:"), self)
        queue_label.setBuddy(self.table)

        layout = QVBoxLayout(self)
        layout.addWidget(self.drop_area)
        layout.addLayout(hbox(self.add_button, self.cancel_all_button, self.clear_button, None,
                              run_on_label, self.run_on, self.cluster_address))
        layout.addWidget(queue_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.folder_label)
        self._show_folder()
        self.setTabOrder(self.add_button, self.cancel_all_button)
        self.setTabOrder(self.cancel_all_button, self.clear_button)
        self.setTabOrder(self.clear_button, self.run_on)
        self.setTabOrder(self.run_on, self.cluster_address)
        self.setTabOrder(self.cluster_address, self.table)

    def _build_run_on(self) -> QLabel:
        """"Run on: [This computer | Cluster] [address]", from and to the settings."""
        self.run_on = QComboBox(self)
        self.run_on.addItem(self.tr("This computer"), RUN_ON_LOCAL)
        self.run_on.addItem(self.tr("Cluster"), RUN_ON_CLUSTER)
        self.run_on.setToolTip(self.tr(
            "Where files are transcribed: here, one after another, or on a Ray cluster, several at once (one per worker)"))
        self.run_on.setCurrentIndex(max(0, self.run_on.findData(self.settings.files_run_on)))
        self.run_on.currentIndexChanged.connect(self._on_run_on_changed)
        self.cluster_address = QLineEdit(self.settings.cluster_address, self)
        self.cluster_address.setPlaceholderText("local")
        self.cluster_address.setToolTip(self.tr(
            "The Ray cluster's address, e.g. 10.0.0.5:6379 or ray://10.0.0.5:10001; “local” starts a small cluster on this computer. The cluster must reach the files."))
        self.cluster_address.setAccessibleName(self.tr("Cluster address"))
        self.cluster_address.editingFinished.connect(self._on_address_edited)
        label = QLabel(self.tr("R&un on:"), self)
        label.setBuddy(self.run_on)
        self._enable_run_on(busy=False)
        return label

    @Slot(int)
    def _on_run_on_changed(self, _index: int) -> None:
        self.settings.files_run_on = self.run_on.currentData()
        self._enable_run_on(busy=self.is_busy())

    @Slot()
    def _on_address_edited(self) -> None:
        from meeting_recorder.core.cluster.options import parse_address  # no Ray import

        if self.cluster_address.text().strip() == self.settings.cluster_address:
            return
        self.settings.cluster_address = self.cluster_address.text()
        self.cluster_address.setText(self.settings.cluster_address)  # an empty field means "local"
        try:
            parse_address(self.settings.cluster_address)
        except ValueError:  # said now; files sent there would fail with the same words
            self.status_message.emit(self.tr(
                "“{address}” is not a cluster address: use local, HOST:PORT or ray://HOST:PORT"
            ).format(address=self.settings.cluster_address))

    def _enable_run_on(self, busy: bool) -> None:
        """Locked while files run (one queue's rows at a time); the address only for a cluster."""
        self.run_on.setEnabled(not busy)
        self.cluster_address.setEnabled(not busy and self.run_on.currentData() == RUN_ON_CLUSTER)

    def _show_folder(self) -> None:
        self.folder_label.set_full_text(self.tr("Transcripts go to {folder}").format(folder=output_dir(self.settings)))

    # -- public API --------------------------------------------------------------------------
    @Slot()
    def open_files_dialog(self) -> None:
        paths = self._ask_files()
        if paths:
            self.add_files(paths)

    def _ask_files(self) -> list[str]:
        """The file dialog (tests call ``add_files`` instead)."""
        filters = ";;".join([self.tr("Audio and video files ({patterns})").format(patterns=MEDIA_PATTERNS),
                             self.tr("All files (*)")])
        paths, _ = QFileDialog.getOpenFileNames(self, self.tr("Add audio or video files"), "", filters)
        return paths

    @Slot(list)
    def add_files(self, paths: Iterable[str | Path]) -> None:
        """Queue files in the order given; each gets a row at once (ignored after shutdown)."""
        if self.queue.is_shut_down():
            return
        self._show_folder()  # the recordings folder may have changed in the settings
        self._on_address_edited()  # typed, then files dropped at once: the field still has focus
        for path in paths:
            self.queue.add(path)

    def transcribe_again(self, audio: str, transcript: str | None, model: str, speakers: bool,
                         speaker_count: int | None = None, source: str = "import") -> int:
        """Transcribe a library meeting's audio again; the result replaces ``transcript`` (if
        it has one) and updates the same meeting. Returns the job id (-1 after shutdown)."""
        if self.queue.is_shut_down():
            return -1
        self._on_address_edited()
        return self.queue.add(audio, model=model, speakers=speakers, speaker_count=speaker_count,
                              replaces=transcript, source=source)

    @Slot(int, str)
    def _on_library_failed(self, job: int, message: str) -> None:
        """The transcript is saved; only the library does not list it yet (a sync retries)."""
        row = self._row_of(job)
        name = self.table.item(row, COL_FILE).text() if row >= 0 else ""
        self.status_message.emit(self.tr("Transcribed {name}, but it could not be added to the library: {error}"
                                         ).format(name=name, error=message))

    @Slot()
    def cancel_all(self) -> None:
        self.queue.cancel_all()

    def is_busy(self) -> bool:
        return self.queue.is_busy()

    def shutdown(self) -> bool:
        """Cancel, and end the worker thread (models released), waiting a few seconds at
        most: False when it still runs, to end by itself (see ``FileQueue.shutdown``)."""
        return self.queue.shutdown()

    def job_states(self) -> list[tuple[str, str]]:
        """(path, state) for every row, in order; states are ``RowState`` values."""
        rows = []
        for row in range(self.table.rowCount()):
            item = self.table.item(row, COL_FILE)
            rows.append((item.toolTip(), item.data(STATE_ROLE)))
        return rows

    def result_path(self, row: int) -> str | None:
        return self.table.item(row, COL_FILE).data(RESULT_ROLE)

    @Slot(int)
    def open_result(self, row: int) -> None:
        result = self.result_path(row) if 0 <= row < self.table.rowCount() else None
        if result:
            self.open_transcript_requested.emit(result)

    @Slot()
    def clear_finished(self) -> None:
        finished = (RowState.DONE, RowState.FAILED, RowState.CANCELLED)
        for row in reversed(range(self.table.rowCount())):
            if self.table.item(row, COL_FILE).data(STATE_ROLE) in finished:
                self.table.removeRow(row)

    # -- rows ----------------------------------------------------------------------------------
    def _row_of(self, job: int) -> int:
        for row in range(self.table.rowCount()):
            if self.table.item(row, COL_FILE).data(JOB_ROLE) == job:
                return row
        return -1

    def _on_model_chosen(self, job: int, message: str) -> None:
        """Which model the file gets and why (the language found in it): on the row."""
        row = self._row_of(job)
        if row >= 0:
            name = self.table.item(row, COL_FILE)
            name.setToolTip(f"{name.toolTip()}\n{message}")  # the path stays first
            self.table.item(row, COL_STATUS).setToolTip(message)

    def _set_state(self, job: int, state: RowState) -> int:
        row = self._row_of(job)
        if row >= 0:
            self.table.item(row, COL_FILE).setData(STATE_ROLE, state.value)
            self.table.item(row, COL_STATUS).setText(state_text(state))
        return row

    def _progress_bar(self, row: int) -> QProgressBar | None:
        widget = self.table.cellWidget(row, COL_PROGRESS)
        return widget if isinstance(widget, QProgressBar) else None

    def _remove_cell_widget(self, row: int, column: int) -> None:
        old = self.table.cellWidget(row, column)
        if old is not None:
            old.hide()  # removeCellWidget only deletes it later; it must not show until then
        self.table.removeCellWidget(row, column)

    def _set_action(self, row: int, widget: QWidget | None) -> None:
        self._remove_cell_widget(row, COL_ACTION)
        if widget is not None:
            self.table.setCellWidget(row, COL_ACTION, widget)

    def _button(self, text: str, tip: str, slot: object) -> QPushButton:
        button = QPushButton(text, self.table)
        button.setToolTip(tip)
        button.clicked.connect(slot)
        return button

    @Slot(int, str)
    def _on_queued(self, job: int, path: str) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        name = QTableWidgetItem(Path(path).name)
        name.setToolTip(path)
        name.setData(JOB_ROLE, job)
        self.table.setItem(row, COL_FILE, name)
        self.table.setItem(row, COL_STATUS, QTableWidgetItem())
        self.table.setItem(row, COL_ETA, QTableWidgetItem())
        bar = QProgressBar(self.table)
        bar.setRange(0, PROGRESS_STEPS)
        bar.setValue(0)
        self.table.setCellWidget(row, COL_PROGRESS, bar)
        self._set_action(row, self._button(self.tr("Cancel"), self.tr("Stop transcribing this file"),
                                           lambda: self._cancel_job(job)))
        self._set_state(job, RowState.WAITING)

    def _cancel_job(self, job: int) -> None:
        row = self._row_of(job)  # a running file (several on a cluster) takes a moment to stop
        state = self.table.item(row, COL_FILE).data(STATE_ROLE) if row >= 0 else None
        if self.queue.current_job() == job or state in (RowState.LOADING, RowState.RUNNING):
            self._set_state(job, RowState.CANCELLING)
        self.queue.cancel(job)

    @Slot(int, float, float)
    def _on_progress(self, job: int, fraction: float, eta: float) -> None:
        row = self._row_of(job)
        bar = self._progress_bar(row) if row >= 0 else None
        if bar is None:
            return
        if fraction < 0:  # the file does not say how long it is
            bar.setRange(0, 0)
            return
        bar.setRange(0, PROGRESS_STEPS)
        bar.setValue(round(fraction * PROGRESS_STEPS))
        self.table.item(row, COL_ETA).setText(format_clock(eta) if eta >= 0 else "")

    @Slot(int, str, list)
    def _on_finished(self, job: int, path: str, outputs: list) -> None:
        row = self._set_state(job, RowState.DONE)
        if row < 0:
            return
        bar = self._progress_bar(row)
        if bar is not None:
            bar.setRange(0, PROGRESS_STEPS)
            bar.setValue(PROGRESS_STEPS)
        self.table.item(row, COL_ETA).setText("")
        result = next((p for p in outputs if p.endswith(".json")), outputs[0] if outputs else "")
        self.table.item(row, COL_FILE).setData(RESULT_ROLE, result)
        self._set_action(row, self._button(self.tr("Open result"), self.tr("Open the transcript in the editor"),
                                           lambda: self.open_result(self._row_of(job))))
        self.status_message.emit(self.tr("Transcribed {name}").format(name=Path(path).name))

    @Slot(int, str, str)
    def _on_failed(self, job: int, path: str, message: str) -> None:
        row = self._set_state(job, RowState.FAILED)
        if row < 0:
            return
        self._end_row(row)
        # The row already names the file: show the reason, keep the full message as tooltip.
        prefix = f"{path}: "
        label = QLabel(message[len(prefix):] if message.startswith(prefix) else message, self.table)
        label.setTextFormat(Qt.TextFormat.PlainText)  # file names are not HTML
        label.setStyleSheet("color: #b00020;")
        label.setToolTip(message)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._set_action(row, label)
        self.table.item(row, COL_STATUS).setToolTip(message)
        self.status_message.emit(self.tr("Could not transcribe {name}").format(name=Path(path).name))

    @Slot(int, str)
    def _on_cancelled(self, job: int, path: str) -> None:
        row = self._set_state(job, RowState.CANCELLED)
        if row < 0:
            return
        self._end_row(row)
        self._set_action(row, None)
        self.status_message.emit(self.tr("Cancelled {name}; nothing was saved").format(name=Path(path).name))

    def _end_row(self, row: int) -> None:
        """A failed or cancelled row: no progress bar, no time left."""
        self._remove_cell_widget(row, COL_PROGRESS)
        self.table.item(row, COL_ETA).setText("")

    @Slot(bool)
    def _on_busy_changed(self, busy: bool) -> None:
        self.cancel_all_button.setEnabled(busy)
        self._enable_run_on(busy)
        if not busy and self.table.rowCount():
            done = sum(1 for _path, state in self.job_states() if state == RowState.DONE.value)
            self.status_message.emit(self.tr("Queue finished: {done} of {total} file(s) transcribed").format(
                done=done, total=self.table.rowCount()))
        self.busy_changed.emit(busy)
