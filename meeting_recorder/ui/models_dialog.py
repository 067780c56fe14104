"""Settings → Models: every Whisper model (embedded, downloaded, imported, downloadable) with
its size, languages and memory; download (after the user says yes), with progress, time left
and cancel; import a folder or .zip; remove. Downloads run on a QThread (``core/model_download``);
a cancelled or dropped download resumes next time. ``ask`` and ``choose_source`` are the
questions a test answers."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFileDialog, QHBoxLayout, QLabel, QLineEdit, QMessageBox, QProgressBar, QPushButton,
    QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from meeting_recorder.ui.threads import stop_thread

COLUMNS = 6  # name, status, size, languages, memory, speed


class _Downloader(QObject):
    """Lives on the dialog's thread for downloads; one at a time."""

    progress = Signal(object)  # core DownloadProgress
    finished = Signal(str, str)  # name, "" when installed, else the error (English, from core)

    @Slot(str, object, str)
    def download(self, name: str, cancel: threading.Event, endpoint: str) -> None:
        from meeting_recorder.core.errors import Cancelled, MeetingRecorderError
        from meeting_recorder.core.model_download import download_model

        try:
            download_model(name, endpoint=endpoint or None, progress=self.progress.emit, cancel=cancel, consent=True)
        except Cancelled:
            self.finished.emit(name, "cancelled")
        except MeetingRecorderError as error:
            self.finished.emit(name, str(error))
        else:
            self.finished.emit(name, "")


class ModelsDialog(QDialog):
    _start = Signal(str, object, str)

    def __init__(self, parent: QWidget | None = None, settings: Any = None) -> None:
        super().__init__(parent)
        self.settings = settings  # AppSettings: the mirror is remembered there
        self.setWindowTitle(self.tr("Models"))
        self.setObjectName("modelsDialog")
        self._cancel: threading.Event | None = None
        self.table = QTableWidget(0, COLUMNS, self)
        self.table.setHorizontalHeaderLabels([
            self.tr("Model"), self.tr("Status"), self.tr("Size"), self.tr("Languages"),
            self.tr("Memory (CPU / GPU)"), self.tr("Speed"),
        ])
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.download_button = QPushButton(self.tr("&Download…"), self)
        self.import_button = QPushButton(self.tr("&Import…"), self)
        self.import_button.setToolTip(self.tr("Install a model folder or .zip copied from another machine"))
        self.remove_button = QPushButton(self.tr("&Remove"), self)
        self.cancel_button = QPushButton(self.tr("&Cancel download"), self)
        self.download_button.clicked.connect(self.download_selected)
        self.import_button.clicked.connect(self._import)
        self.remove_button.clicked.connect(self.remove_selected)
        self.cancel_button.clicked.connect(self.cancel_download)
        self.mirror_edit = QLineEdit(self)
        self.mirror_edit.setPlaceholderText(self.tr("Mirror (optional), e.g. https://hf-mirror.example.org"))
        self.mirror_edit.setToolTip(self.tr("Download from this Hugging Face mirror instead of huggingface.co; "
                                            "the system proxy is used either way"))
        self.mirror_edit.setText(settings.model_mirror if settings is not None else "")
        self.mirror_edit.editingFinished.connect(self._save_mirror)
        self.progress = QProgressBar(self)
        self.progress_label = QLabel(self)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        buttons = QHBoxLayout()
        for button in (self.download_button, self.import_button, self.remove_button, self.cancel_button):
            buttons.addWidget(button)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (self.table,):
            layout.addWidget(widget)
        layout.addLayout(buttons)
        layout.addWidget(self.mirror_edit)
        for widget in (self.progress, self.progress_label, self.message, close):
            layout.addWidget(widget)
        self._thread = QThread()
        self._thread.setObjectName("ModelDownload")
        self._worker = _Downloader()
        self._worker.moveToThread(self._thread)
        self._start.connect(self._worker.download)
        self._worker.progress.connect(self._on_progress)
        self._worker.finished.connect(self._on_finished)
        thread = self._thread
        self.destroyed.connect(lambda *_: stop_thread(thread))
        self.refresh()
        self._set_downloading(False)

    # -- the list ----------------------------------------------------------------------------
    def refresh(self) -> None:
        from meeting_recorder.core.model_catalog import downloadable_models, installed_models, size_text

        installed = {model.name: model for model in installed_models()}
        entries = {entry.name: entry for entry in downloadable_models()}
        names = sorted(set(installed) | set(entries), key=lambda n: (n not in installed, n))
        self.table.setRowCount(len(names))
        status_text = {"embedded": self.tr("built in"), "downloaded": self.tr("downloaded"),
                       "imported": self.tr("imported")}
        for row, name in enumerate(names):
            model = installed.get(name)
            entry = entries.get(name) or (model.entry if model is not None else None)
            size = (model.size_bytes if model is not None and model.size_bytes else 0) or (entry.download_bytes if entry else 0)
            languages = (model.languages if model is not None else None) or (entry.languages if entry else None)
            cells = (
                name,
                status_text[model.source] if model is not None else self.tr("can be downloaded"),
                size_text(size) if size else "?",
                {"multilingual": self.tr("many languages"), "English only": self.tr("English only")}.get(languages, "?"),
                f"{size_text(entry.ram_bytes)} / {size_text(entry.vram_bytes)}" if entry else "?",
                self._speed(name, entry),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(256, model.source if model is not None else "available")  # Qt.UserRole
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        self._update_buttons()

    def _speed(self, name: str, entry: Any) -> str:
        """Minutes of work per hour of audio here: measured on earlier jobs, or estimated."""
        from meeting_recorder.core.speed_estimate import estimate_rtf

        estimate = estimate_rtf(name)
        if estimate is None:
            return self.tr("{cost}× tiny's time").format(cost=f"{entry.relative_cost:g}") if entry else "?"
        rtf, measured = estimate
        text = self.tr("{minutes} min per hour of audio").format(minutes=f"{rtf * 60:.0f}")
        return text if measured else "~" + text

    def status_of(self, name: str) -> str | None:
        """"embedded", "downloaded", "imported", "available", or None (not listed)."""
        for row in range(self.table.rowCount()):
            if self.table.item(row, 0).text() == name:
                return self.table.item(row, 1).data(256)
        return None

    def select(self, name: str) -> None:
        for row in range(self.table.rowCount()):
            if self.table.item(row, 0).text() == name:
                self.table.selectRow(row)

    def _selected(self) -> tuple[str, str] | None:
        rows = {index.row() for index in self.table.selectedIndexes()}
        if len(rows) != 1:
            return None
        row = rows.pop()
        return self.table.item(row, 0).text(), self.table.item(row, 1).data(256)

    def _update_buttons(self) -> None:
        selected = self._selected()
        busy = self._cancel is not None
        self.download_button.setEnabled(not busy and selected is not None and selected[1] == "available")
        self.remove_button.setEnabled(not busy and selected is not None and selected[1] in ("downloaded", "imported"))
        self.import_button.setEnabled(not busy)

    # -- actions -----------------------------------------------------------------------------
    def ask(self, question: str) -> bool:
        return QMessageBox.question(self, self.tr("Download a model"), question) == QMessageBox.StandardButton.Yes

    def choose_source(self) -> str:
        return QFileDialog.getOpenFileName(self, self.tr("Import a model (.zip)"), str(Path.home()),
                                           self.tr("Model archives (*.zip);;All files (*)"))[0]

    @Slot()
    def download_selected(self) -> None:
        from meeting_recorder.core.model_catalog import catalog_entry, size_text
        from meeting_recorder.core.model_download import resolve_endpoint

        selected = self._selected()
        if selected is None or selected[1] != "available":
            return
        entry = catalog_entry(selected[0])
        question = self.tr("Download {name} ({size}) from {endpoint}? Nothing is sent but the request "
                           "for the files.").format(name=entry.name, size=size_text(entry.download_bytes),
                                                    endpoint=resolve_endpoint(self.mirror() or None))
        if not self.ask(question):
            return
        self._cancel = threading.Event()
        self._set_downloading(True)
        self.message.setText(self.tr("Downloading {name}…").format(name=entry.name))
        if not self._thread.isRunning():
            self._thread.start()
        self._start.emit(entry.name, self._cancel, self.mirror())

    def mirror(self) -> str:
        return self.mirror_edit.text().strip()

    @Slot()
    def _save_mirror(self) -> None:
        if self.settings is not None:
            self.settings.model_mirror = self.mirror()

    @Slot()
    def cancel_download(self) -> None:
        if self._cancel is not None:
            self._cancel.set()

    @Slot()
    def remove_selected(self) -> None:
        from meeting_recorder.core.errors import MeetingRecorderError
        from meeting_recorder.core.model_catalog import remove_model

        selected = self._selected()
        if selected is None:
            return
        try:
            remove_model(selected[0])
            self.message.setText(self.tr("{name} was removed.").format(name=selected[0]))
        except MeetingRecorderError as error:
            self.message.setText(str(error))
        self.refresh()

    @Slot()
    def _import(self) -> None:
        source = self.choose_source()
        if source:
            self.import_source(source)

    def import_source(self, source: str) -> None:
        from meeting_recorder.core.errors import MeetingRecorderError
        from meeting_recorder.core.model_catalog import import_model

        try:
            folder = import_model(source)
            self.message.setText(self.tr("Imported as {name}.").format(name=Path(folder).name))
        except MeetingRecorderError as error:
            self.message.setText(str(error))
        self.refresh()

    # -- download feedback -------------------------------------------------------------------
    def _set_downloading(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.progress_label.setVisible(busy)
        self.cancel_button.setVisible(busy)
        self._update_buttons()

    @Slot(object)
    def _on_progress(self, report: Any) -> None:
        from meeting_recorder.core.model_catalog import size_text

        self.progress.setMaximum(max(1, report.bytes_total // 1024))
        self.progress.setValue(report.bytes_done // 1024)
        left = "" if report.seconds_left is None else self.tr(", {seconds} s left").format(
            seconds=f"{report.seconds_left:.0f}")
        self.progress_label.setText(self.tr("{done} of {total}{left}").format(
            done=size_text(report.bytes_done), total=size_text(report.bytes_total), left=left))

    @Slot(str, str)
    def _on_finished(self, name: str, error: str) -> None:
        self._cancel = None
        self._set_downloading(False)
        if not error:
            self.message.setText(self.tr("{name} is ready to use.").format(name=name))
        elif error == "cancelled":
            self.message.setText(self.tr("Download of {name} cancelled; it resumes where it stopped next time.")
                                 .format(name=name))
        else:
            self.message.setText(error)
        self.refresh()

    def is_downloading(self) -> bool:
        return self._cancel is not None

    def shutdown(self) -> None:
        self.cancel_download()
        stop_thread(self._thread)

    def done(self, result: int) -> None:
        self.shutdown()
        super().done(result)
