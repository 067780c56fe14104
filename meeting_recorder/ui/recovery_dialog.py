"""Recordings repaired after a crash, offered to open, transcribe or discard.

``RecoveryDialog(recordings, parent=None)`` takes core ``RecoveredRecording``s. Signals:
``open_requested(str)`` (the recording's transcript, its ``.json`` when there is one, else
the ``.wav``), ``transcribe_requested(str)`` (the ``.wav``, for the window's queue),
``discarded(str)`` (the ``.wav`` just deleted). Methods, callable without ``exec()``:
``add_recordings(list)``, ``paths()``, ``open_recording(path=None)``,
``transcribe(path=None)``, ``discard(path=None, confirm=True) -> bool`` (``path`` None =
the selected row). ``confirm_discard(path)`` is the one question asked (a QMessageBox;
tests replace it). The dialog closes itself once its last row is discarded.

``RecoveryOffer(parent: QWidget)`` gathers recordings as they are recovered (``add``, a slot
for ``AudioWorker.recovered``) and offers each batch: ``recordings_recovered(list)``, then,
while ``auto_show`` is on, one non-modal ``RecoveryDialog`` (``dialog``) whose
``open_requested``/``transcribe_requested`` it passes on. ``close()`` closes the dialog.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView, QDialog, QDialogButtonBox, QHeaderView, QLabel, QMessageBox,
    QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from meeting_recorder.core.clock import format_clock

PATH_ROLE = Qt.ItemDataRole.UserRole
EXPORT_SUFFIXES = (".txt", ".srt", ".vtt", ".json", ".md", ".rttm", ".transcript.jsonl")


def recording_files(recording: Any) -> list[Path]:
    """The recording and every transcript file made for it (exports share its stem)."""
    wav = Path(recording.path)
    stem = wav.name[: -len(wav.suffix)] if wav.suffix else wav.name
    files = [wav, *(Path(p) for p in recording.transcript_files)]
    files += [wav.with_name(stem + suffix) for suffix in EXPORT_SUFFIXES]
    unique: list[Path] = []
    for path in files:
        if path not in unique:
            unique.append(path)
    return unique


def transcript_for(recording: Any) -> Path:
    """What "Open" shows: the JSON transcript when one was exported, else the audio."""
    for path in recording.transcript_files:
        if Path(path).suffix == ".json":
            return Path(path)
    return Path(recording.path)


class RecoveryDialog(QDialog):
    open_requested = Signal(str)
    transcribe_requested = Signal(str)
    discarded = Signal(str)

    def __init__(self, recordings: list[Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Recovered recordings"))
        self.resize(620, 300)
        self._recordings: dict[str, Any] = {}
        intro = QLabel(self.tr(
            "These recordings were interrupted (the app or the computer stopped) and have been "
            "repaired. Everything up to the last half second before the interruption is kept."))
        intro.setWordWrap(True)
        self.table = QTableWidget(0, 3, self)
        self.table.setHorizontalHeaderLabels([self.tr("Recording"), self.tr("Length"), self.tr("Transcript")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setAccessibleName(self.tr("Recovered recordings"))
        self.table.doubleClicked.connect(lambda: self.open_recording())
        self._build_buttons()
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table)
        layout.addWidget(self.buttons)
        self.add_recordings(recordings)

    def _build_buttons(self) -> None:
        self.buttons = QDialogButtonBox(self)
        self.open_button = QPushButton(self.tr("&Open"), self)
        self.open_button.setToolTip(self.tr("Open the recording's transcript"))
        self.transcribe_button = QPushButton(self.tr("&Transcribe"), self)
        self.transcribe_button.setToolTip(self.tr("Transcribe the whole recording again (adds it to the file queue)"))
        self.discard_button = QPushButton(self.tr("&Discard…"), self)
        self.discard_button.setToolTip(self.tr("Delete the recording and its transcript files"))
        role = QDialogButtonBox.ButtonRole.ActionRole
        for button in (self.open_button, self.transcribe_button, self.discard_button):
            self.buttons.addButton(button, role)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        self.open_button.clicked.connect(lambda: self.open_recording())
        self.transcribe_button.clicked.connect(lambda: self.transcribe())
        self.discard_button.clicked.connect(lambda: self.discard())
        self.table.itemSelectionChanged.connect(self._update_buttons)

    # -- rows --------------------------------------------------------------------------------
    def add_recordings(self, recordings: list[Any]) -> None:
        for recording in recordings:
            key = str(recording.path)
            if key in self._recordings:
                continue
            self._recordings[key] = recording
            row = self.table.rowCount()
            self.table.insertRow(row)
            name = QTableWidgetItem(Path(key).name)
            name.setData(PATH_ROLE, key)
            name.setToolTip(key)
            transcript = ", ".join(Path(p).suffix.lstrip(".") for p in recording.transcript_files)
            cells = (name, QTableWidgetItem(format_clock(recording.seconds)),
                     QTableWidgetItem(transcript or self.tr("none")))
            for column, item in enumerate(cells):
                self.table.setItem(row, column, item)
        if self.table.rowCount() and not self.table.selectedItems():
            self.table.selectRow(0)
        self._update_buttons()

    def paths(self) -> list[str]:
        return [self.table.item(row, 0).data(PATH_ROLE) for row in range(self.table.rowCount())]

    def _selected(self, path: str | Path | None) -> Any | None:
        if path is not None:
            return self._recordings.get(str(path))
        rows = self.table.selectionModel().selectedRows()
        return self._recordings.get(self.table.item(rows[0].row(), 0).data(PATH_ROLE)) if rows else None

    def _update_buttons(self) -> None:
        selected = bool(self.table.selectionModel().selectedRows())
        for button in (self.open_button, self.transcribe_button, self.discard_button):
            button.setEnabled(selected)

    # -- actions -----------------------------------------------------------------------------
    def open_recording(self, path: str | Path | None = None) -> None:
        recording = self._selected(path)
        if recording is not None:
            self.open_requested.emit(str(transcript_for(recording)))

    def transcribe(self, path: str | Path | None = None) -> None:
        recording = self._selected(path)
        if recording is not None:
            self.transcribe_requested.emit(str(recording.path))

    def confirm_discard(self, path: Path) -> bool:
        answer = QMessageBox.question(
            self, self.tr("Discard recording"),
            self.tr("Delete {name} and its transcript files? This cannot be undone.").format(name=path.name),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def discard(self, path: str | Path | None = None, confirm: bool = True) -> bool:
        """Delete the recording and its transcript files (after asking); True if deleted."""
        recording = self._selected(path)
        if recording is None:
            return False
        wav = Path(recording.path)
        if confirm and not self.confirm_discard(wav):
            return False
        for file in recording_files(recording):
            file.unlink(missing_ok=True)
        self._remove_row(str(wav))
        self.discarded.emit(str(wav))
        if not self.table.rowCount():
            self.accept()
        return True

    def _remove_row(self, key: str) -> None:
        self._recordings.pop(key, None)
        for row in range(self.table.rowCount()):
            if self.table.item(row, 0).data(PATH_ROLE) == key:
                self.table.removeRow(row)
                break
        self._update_buttons()


class RecoveryOffer(QObject):
    """Offers recovered recordings in batches, with at most one dialog open."""

    recordings_recovered = Signal(list)
    open_requested = Signal(str)
    transcribe_requested = Signal(str)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._window = parent
        self.auto_show = True
        self.dialog: RecoveryDialog | None = None
        self._pending: list[Any] = []

    @Slot(object)
    def add(self, recording: Any) -> None:
        if not self._pending:  # several arrive together: offer them in one go
            QTimer.singleShot(0, self._offer)
        self._pending.append(recording)

    def _offer(self) -> None:
        recordings, self._pending = self._pending, []
        if not recordings:
            return
        self.recordings_recovered.emit(recordings)
        if not self.auto_show:
            return
        if self.dialog is None:
            self.dialog = RecoveryDialog(recordings, self._window)
            self.dialog.open_requested.connect(self.open_requested)
            self.dialog.transcribe_requested.connect(self.transcribe_requested)
            self.dialog.finished.connect(self._closed)
        else:
            self.dialog.add_recordings(recordings)
        self.dialog.show()

    def _closed(self) -> None:
        dialog, self.dialog = self.dialog, None
        if dialog is not None:
            dialog.deleteLater()

    def close(self) -> None:
        if self.dialog is not None:
            self.dialog.close()
