"""The transcript editor: open a transcript, fix its text, name its speakers, listen, export.

Opens any transcript JSON the app writes (offline or live) and the ``.transcript.jsonl``
journal of an unfinished recording (its edits are saved to ``<name>.edited.json``, since
the recorder writes ``<name>.json`` when it finishes). A click on a segment plays the
audio from that segment's start; the audio is the JSON's "file", else the audio file with
the transcript's name next to it. Marks and notes taken while recording are listed beside
the segments; a click on one selects the segment at its time and plays from there. Saving
keeps them.

Public API
----------
``TranscriptEditor(settings: AppSettings, parent: QWidget | None = None)``

Signals: ``status_message(str)``, ``modified_changed(bool)``.
Methods: ``open_transcript(path) -> bool``, ``save() -> bool``,
``export_to(path, fmt) -> Path | None`` (fmt: txt, srt, vtt, json, md, rttm; no dialog),
``rename_speaker(old, new) -> int``, ``set_segment_text(row, text)``, ``play_segment(row)``,
``go_to_time(seconds) -> int`` (selects the segment at that time, plays from there),
``has_unsaved_changes()``, ``open_dialog()`` (asks first if there are unsaved changes),
``shutdown()`` (stops playback). Attributes: ``path`` (the JSON saves go to),
``audio_path``, ``model`` (``SegmentModel``), ``player`` (``AudioPlayer``), ``marks_list``
(``MarksNotesList``).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QModelIndex, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView, QFileDialog, QHeaderView, QInputDialog, QLabel, QListWidget, QListWidgetItem,
    QMenu, QMessageBox, QPushButton, QSplitter, QTableView, QToolButton, QVBoxLayout, QWidget,
)

from meeting_recorder.ui.audio_player import AudioPlayer
from meeting_recorder.ui.marks_notes import MarksNotesList
from meeting_recorder.ui.settings import AppSettings
from meeting_recorder.core.clock import format_clock
from meeting_recorder.ui.transcript_model import (
    COL_SPEAKER, COL_TEXT, COL_TIME, SegmentModel, find_audio, load_transcript, transcript_stem,
)
from meeting_recorder.ui.widgets import hbox

EXPORT_FORMATS = ("txt", "srt", "vtt", "json", "md", "rttm")
OLD_NAME_ROLE = Qt.ItemDataRole.UserRole  # on a speakers-list item: the name before an edit


def format_name(fmt: str) -> str:
    names = {
        "txt": QCoreApplication.translate("TranscriptEditor", "Plain text"),
        "srt": QCoreApplication.translate("TranscriptEditor", "SubRip subtitles"),
        "vtt": QCoreApplication.translate("TranscriptEditor", "WebVTT subtitles"),
        "json": QCoreApplication.translate("TranscriptEditor", "JSON"),
        "md": QCoreApplication.translate("TranscriptEditor", "Markdown"),
        "rttm": QCoreApplication.translate("TranscriptEditor", "RTTM speaker turns"),
    }
    return names[fmt]


class TranscriptEditor(QWidget):
    status_message = Signal(str)
    modified_changed = Signal(bool)

    def __init__(self, settings: AppSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.path: Path | None = None
        self.audio_path: Path | None = None
        self.model = SegmentModel(self)
        self.model.modified_changed.connect(self._on_modified)
        self.player = AudioPlayer(self)
        self.player.position_changed.connect(self._on_position)
        self.player.playing_changed.connect(self._on_playing)
        self.player.error.connect(self.status_message)
        self._build_ui()
        self._refresh_marks()
        self._update_controls()

    # -- widgets -------------------------------------------------------------------------------
    def _build_ui(self) -> None:
        self.title_label = QLabel(self.tr("No transcript open"), self)
        self.title_label.setTextFormat(Qt.TextFormat.PlainText)
        self.open_button = self._button(self.tr("&Open…"), self.tr("Open a transcript (JSON)"), self.open_dialog)
        self.save_button = self._button(self.tr("&Save"), self.tr("Save your changes to the transcript's JSON file"),
                                        self.save)
        self.export_button = QToolButton(self)
        self.export_button.setText(self.tr("&Export"))
        self.export_button.setToolTip(self.tr("Export the transcript as TXT, SRT, VTT, JSON, Markdown or RTTM"))
        self.export_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.export_menu = QMenu(self.export_button)
        for fmt in EXPORT_FORMATS:
            action = self.export_menu.addAction(self.tr("{name} (.{fmt})…").format(name=format_name(fmt), fmt=fmt))
            action.setData(fmt)
            action.triggered.connect(lambda _checked=False, f=fmt: self.export_dialog(f))
        self.export_button.setMenu(self.export_menu)
        self.play_button = self._button(self.tr("&Play"), self.tr("Play or pause the audio"), self.toggle_playback)
        self.position_label = QLabel(self)

        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(COL_TIME, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_SPEAKER, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_TEXT, QHeaderView.ResizeMode.Stretch)
        self.table.setToolTip(self.tr("Click a segment to play it; double-click or F2 edits its text"))
        self.table.clicked.connect(self._on_segment_clicked)
        self.table.activated.connect(self._on_segment_clicked)  # Enter on a row plays it too
        segments_label = QLabel(self.tr("Se&gments:"), self)
        segments_label.setBuddy(self.table)

        self.speakers_list = QListWidget(self)
        self.speakers_list.setToolTip(self.tr("Double-click or press F2 on a speaker to rename all their segments"))
        self.speakers_list.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                           | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.speakers_list.itemChanged.connect(self._on_speaker_edited)
        speakers_label = QLabel(self.tr("Spea&kers:"), self)
        speakers_label.setBuddy(self.speakers_list)
        self.rename_button = self._button(
            self.tr("&Rename speaker…"), self.tr("Rename the selected speaker everywhere"), self.rename_dialog)
        self.marks_list = MarksNotesList(self)
        self.marks_list.setToolTip(self.tr("Marks and notes taken while recording; click one to go to its moment"))
        self.marks_list.time_activated.connect(self.go_to_time)
        self.marks_label = QLabel(self.tr("&Marks && notes:"), self)
        self.marks_label.setBuddy(self.marks_list)

        side = QWidget(self)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(speakers_label)
        side_layout.addWidget(self.speakers_list, 1)
        side_layout.addWidget(self.rename_button)
        side_layout.addWidget(self.marks_label)
        side_layout.addWidget(self.marks_list, 1)
        main = QWidget(self)
        main_layout = QVBoxLayout(main)
        main_layout.setContentsMargins(0, 0, 0, 0)
        main_layout.addWidget(segments_label)
        main_layout.addWidget(self.table, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(main)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 1)

        layout = QVBoxLayout(self)
        layout.addLayout(hbox(self.title_label, self.open_button, self.save_button, self.export_button,
                              self.play_button, self.position_label))
        layout.addWidget(splitter, 1)
        for first, second in ((self.open_button, self.save_button), (self.save_button, self.export_button),
                              (self.export_button, self.play_button), (self.play_button, self.table),
                              (self.table, self.speakers_list), (self.speakers_list, self.rename_button),
                              (self.rename_button, self.marks_list)):
            self.setTabOrder(first, second)

    def _button(self, text: str, tip: str, slot: object) -> QPushButton:
        button = QPushButton(text, self)
        button.setToolTip(tip)
        button.clicked.connect(slot)
        return button

    def _update_controls(self) -> None:
        is_open = self.model.transcript is not None
        for widget in (self.save_button, self.export_button):
            widget.setEnabled(is_open)
        self.play_button.setEnabled(is_open and self.audio_path is not None and self.player.available)
        self.rename_button.setEnabled(bool(self.model.speakers()))
        if not self.player.available:
            self.play_button.setToolTip(self.tr("Audio playback needs QtMultimedia (PySide6-Addons)"))
        elif is_open and self.audio_path is None:
            self.play_button.setToolTip(self.tr("The audio of this transcript was not found"))
        name = self.tr("No transcript open") if self.path is None else self.path.name
        self.title_label.setText(("* " if self.model.is_modified() else "") + name)
        self.title_label.setToolTip("" if self.path is None else str(self.path))

    def _refresh_speakers(self) -> None:
        self.speakers_list.blockSignals(True)  # filling the list is not a rename
        self.speakers_list.clear()
        for name in self.model.speakers():
            item = QListWidgetItem(name, self.speakers_list)
            item.setData(OLD_NAME_ROLE, name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
            item.setBackground(self.model.speaker_colour(name))  # the same colour as in the table
            item.setForeground(QColor("#111111"))
        self.speakers_list.blockSignals(False)
        self._update_controls()

    def _refresh_marks(self) -> None:
        transcript = self.model.transcript
        marks, notes = (transcript.marks, transcript.notes) if transcript is not None else ([], [])
        self.marks_list.set_items(marks, notes)
        for widget in (self.marks_label, self.marks_list):  # only transcripts that have some
            widget.setVisible(bool(marks or notes))

    # -- opening and saving --------------------------------------------------------------------
    def open_transcript(self, path: str | Path) -> bool:
        """Open a transcript JSON or a live journal; unsaved edits of the last one are dropped
        (check ``has_unsaved_changes`` first). False, with a status message, on failure."""
        try:
            transcript, save_path = load_transcript(path)
        except (OSError, ValueError) as error:
            message = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
            self.status_message.emit(self.tr("Could not open {path}: {error}").format(path=path, error=message))
            return False
        self.player.stop()
        self.path = save_path
        self.model.set_transcript(transcript)
        self.audio_path = find_audio(transcript, Path(path))
        self.player.set_source(self.audio_path)
        self.position_label.clear()
        self._refresh_speakers()
        self._refresh_marks()
        self.status_message.emit(self.tr("Opened {path}").format(path=path))
        return True

    def close_transcript(self) -> None:
        """Show nothing (the transcript's files were deleted): a later save cannot bring them back."""
        self.player.stop()
        self.path = None
        self.audio_path = None
        self.player.set_source(None)
        self.model.set_transcript(None)
        self.position_label.clear()
        self._refresh_speakers()
        self._refresh_marks()
        self._update_controls()

    def adopt_title_and_tags(self, title: str, tags: list[str]) -> None:
        """The library renamed or tagged this transcript (and wrote its JSON): a later save
        keeps the new title and tags instead of writing the old ones back."""
        if self.model.transcript is not None:
            self.model.transcript.title = title
            self.model.transcript.tags = list(tags)

    @Slot()
    def open_dialog(self) -> None:
        if self.has_unsaved_changes() and not self._ask_discard():
            return
        path = self._ask_open_path()
        if path:
            self.open_transcript(path)

    def _ask_open_path(self) -> str:
        """The open dialog (tests call ``open_transcript``)."""
        folder = str(self.path.parent if self.path else self.settings.recordings_dir)
        filters = ";;".join([self.tr("Transcripts (*.json *.transcript.jsonl)"), self.tr("All files (*)")])
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Open transcript"), folder, filters)
        return path

    def _ask_discard(self) -> bool:
        answer = QMessageBox.question(self, self.tr("Unsaved changes"),
                                      self.tr("The transcript has unsaved changes. Discard them?"),
                                      QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Discard

    def has_unsaved_changes(self) -> bool:
        return self.model.is_modified()

    @Slot()
    def save(self) -> bool:
        """Write the transcript back to its JSON file atomically."""
        if self.model.transcript is None or self.path is None:
            return False
        if self.export_to(self.path, "json") is None:
            return False
        self.model.set_modified(False)
        return True

    def export_to(self, path: str | Path, fmt: str) -> Path | None:
        """Render with core.export and write atomically; None (and a status message) on failure."""
        from meeting_recorder.core.export import RENDERERS, write_atomic

        if self.model.transcript is None:
            return None
        target = Path(path)
        try:
            write_atomic(target, RENDERERS[fmt](self.model.transcript))
        except OSError as error:
            self.status_message.emit(self.tr("Could not save {path}: {error}").format(
                path=target, error=error.strerror or error))
            return None
        self.status_message.emit(self.tr("Saved {path}").format(path=target))
        return target

    def export_dialog(self, fmt: str) -> None:
        path = self._ask_export_path(fmt)
        if path:
            self.export_to(path, fmt)

    def _ask_export_path(self, fmt: str) -> str:
        """The save dialog for one format (tests call ``export_to``)."""
        assert self.path is not None
        stem = transcript_stem(self.path) or "transcript"
        suggested = str(self.path.with_name(f"{stem}.{fmt}"))
        name_filter = self.tr("{name} (*.{fmt})").format(name=format_name(fmt), fmt=fmt)
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export transcript"), suggested, name_filter)
        if path and not path.lower().endswith(f".{fmt}"):
            path += f".{fmt}"
        return path

    # -- edits -----------------------------------------------------------------------------------
    def set_segment_text(self, row: int, text: str) -> bool:
        return self.model.set_text(row, text)

    def rename_speaker(self, old: str, new: str) -> int:
        """Rename every segment of ``old``; returns how many changed."""
        changed = self.model.rename_speaker(old, new)
        if changed:
            self.status_message.emit(self.tr("Renamed {old} to {new}").format(old=old, new=" ".join(new.split())))
        self._refresh_speakers()
        return changed

    @Slot()
    def rename_dialog(self) -> None:
        item = self.speakers_list.currentItem() or self.speakers_list.item(0)
        if item is None:
            return
        old = item.data(OLD_NAME_ROLE)
        new = self._ask_speaker_name(old)
        if new:
            self.rename_speaker(old, new)

    def _ask_speaker_name(self, old: str) -> str:
        new, accepted = QInputDialog.getText(self, self.tr("Rename speaker"),
                                             self.tr("New name for {name}:").format(name=old), text=old)
        return new if accepted else ""

    @Slot(QListWidgetItem)
    def _on_speaker_edited(self, item: QListWidgetItem) -> None:
        old, new = item.data(OLD_NAME_ROLE), " ".join(item.text().split())
        if new and self.model.rename_speaker(old, new):
            self.status_message.emit(self.tr("Renamed {old} to {new}").format(old=old, new=new))
        # The list is rebuilt (a merge leaves one entry, an empty name gets the old one back)
        # after the item's editor has closed: the item must outlive this signal.
        QTimer.singleShot(0, self._refresh_speakers)

    @Slot(bool)
    def _on_modified(self, modified: bool) -> None:
        self._update_controls()
        self.modified_changed.emit(modified)

    # -- playback --------------------------------------------------------------------------------
    def play_segment(self, row: int) -> bool:
        segments = self.model.segments()
        if not 0 <= row < len(segments):
            return False
        return self.player.play_from(segments[row].start)

    @Slot(float)
    def go_to_time(self, seconds: float) -> int:
        """Select the segment being said at ``seconds`` (else the last one before it) and
        play from there if the audio is at hand; returns its row (-1: no segments)."""
        segments = self.model.segments()
        row = self.model.row_at(seconds)
        if row < 0:
            row = max((i for i, s in enumerate(segments) if s.start <= seconds), default=0 if segments else -1)
        if row >= 0:
            index = self.model.index(row, COL_TEXT)
            self.table.selectRow(row)
            self.table.scrollTo(index)
        if self.audio_path is not None and self.player.available:
            self.player.play_from(seconds)
        return row

    @Slot(QModelIndex)
    def _on_segment_clicked(self, index: QModelIndex) -> None:
        if index.isValid() and not self.table.isPersistentEditorOpen(index):
            self.play_segment(index.row())

    @Slot()
    def toggle_playback(self) -> None:
        self.player.toggle()

    @Slot(float)
    def _on_position(self, seconds: float) -> None:
        self.model.set_playing_row(self.model.row_at(seconds))
        if self.model.transcript is not None:
            self.position_label.setText(f"{format_clock(seconds)} / {format_clock(self.model.transcript.duration)}")

    @Slot(bool)
    def _on_playing(self, playing: bool) -> None:
        self.play_button.setText(self.tr("&Pause") if playing else self.tr("&Play"))
        if not playing:
            self.model.set_playing_row(-1)

    def shutdown(self) -> None:
        """Stop playback and free the audio backend."""
        self.player.close()
