"""Marks and notes: the Record view's panel for taking them, and the list that shows them.

Public API
----------
``MarksNotesList(parent=None)``: a ``QListWidget`` of marks and notes in time order, each
row "⚑ 12:03  label" or "✎ 12:40  text". Signal ``time_activated(float)`` (a row clicked
or activated: its time in seconds). Methods ``add_mark(time, label="")``,
``add_note(time, text)``, ``set_items(marks, notes)``, ``clear()``, ``entries()`` (the
rows: (kind, time, text), kind "mark" or "note").

``MarksNotesPanel(parent=None)``: a "Mark" button, a one-line notes box (Enter adds the
note) and the list of this recording's marks and notes. ``mark_action`` (a ``QAction``,
Ctrl+M, window-wide) does what the button does; it is added to the panel, and may be
added to the window too. Signals: ``mark_requested()``, ``note_submitted(str)`` (the note's
text, stripped), ``time_activated(float)``. Methods: ``add_mark(time, label="")`` and
``add_note(time, text)`` (show one the session has journaled, with its time),
``return_note(text)`` (a note the session could not take goes back into the box),
``set_recording(bool)``, ``clear()``.

Marks and notes are taken only while recording: outside a recording the button, the action
and the notes box are disabled. A note being typed when the recording stops stays in the
box (not lost, not sent); it can be sent during the next recording.
"""

from __future__ import annotations

import bisect

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QLineEdit, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget

from meeting_recorder.core.clock import format_clock
from meeting_recorder.core.transcript import Mark, Note
from meeting_recorder.ui.widgets import hbox

MARK_SHORTCUT = "Ctrl+M"
TIME_ROLE = Qt.ItemDataRole.UserRole  # seconds into the recording
KIND_ROLE = Qt.ItemDataRole.UserRole + 1  # "mark" or "note"
TEXT_ROLE = Qt.ItemDataRole.UserRole + 2  # the label or the note, as given


class MarksNotesList(QListWidget):
    time_activated = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setAccessibleName(self.tr("Marks and notes"))
        self.itemClicked.connect(self._on_item)
        self.itemActivated.connect(self._on_item)  # Enter on a row

    def add_mark(self, time: float, label: str = "") -> None:
        text = label.strip() or self.tr("Mark")
        self._insert("mark", time, label, f"⚑ {format_clock(time)}  {text}")

    def add_note(self, time: float, text: str) -> None:
        self._insert("note", time, text, f"✎ {format_clock(time)}  {text.strip()}")

    def set_items(self, marks: list[Mark], notes: list[Note]) -> None:
        self.clear()
        for mark in marks:
            self.add_mark(mark.time, mark.label)
        for note in notes:
            self.add_note(note.time, note.text)

    def entries(self) -> list[tuple[str, float, str]]:
        return [(self.item(row).data(KIND_ROLE), self.item(row).data(TIME_ROLE), self.item(row).data(TEXT_ROLE))
                for row in range(self.count())]

    def _insert(self, kind: str, time: float, text: str, shown: str) -> None:
        """In time order (a later one of the same time goes after), then scrolled into view."""
        times = [self.item(row).data(TIME_ROLE) for row in range(self.count())]
        row = bisect.bisect_right(times, time)
        item = QListWidgetItem(shown)
        item.setData(TIME_ROLE, float(time))
        item.setData(KIND_ROLE, kind)
        item.setData(TEXT_ROLE, text)
        item.setToolTip(shown)
        self.insertItem(row, item)
        self.scrollToItem(item)

    @Slot(QListWidgetItem)
    def _on_item(self, item: QListWidgetItem) -> None:
        self.time_activated.emit(float(item.data(TIME_ROLE)))


class MarksNotesPanel(QWidget):
    mark_requested = Signal()
    note_submitted = Signal(str)
    time_activated = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._recording = False
        self.mark_action = QAction(self.tr("&Mark"), self)
        self.mark_action.setShortcut(QKeySequence(MARK_SHORTCUT))
        # The whole window: focus may be in the notes box, the transcript or elsewhere.
        self.mark_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.mark_action.setToolTip(self.tr("Mark this moment of the recording (Ctrl+M)"))
        self.mark_action.triggered.connect(self._on_mark)
        self.addAction(self.mark_action)
        self.mark_button = QPushButton(self.tr("&Mark"), self)
        self.mark_button.setToolTip(self.mark_action.toolTip())
        self.mark_button.clicked.connect(self.mark_action.trigger)
        self.note_edit = QLineEdit(self)
        self.note_edit.setToolTip(self.tr("A note for this moment of the recording; Enter adds it with the time"))
        self.note_edit.returnPressed.connect(self._on_note)
        note_label = QLabel(self.tr("&Note:"), self)
        note_label.setBuddy(self.note_edit)
        self.list = MarksNotesList(self)
        self.list.time_activated.connect(self.time_activated)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        # Two rows: beside the transcript the panel is narrow, and the note box needs the width.
        layout.addLayout(hbox(self.mark_button, None))
        row = hbox(note_label, self.note_edit)
        row.setStretch(0, 0)
        row.setStretch(1, 1)  # the box takes the spare room
        layout.addLayout(row)
        layout.addWidget(self.list, 1)
        self.setTabOrder(self.note_edit, self.mark_button)
        self.setTabOrder(self.mark_button, self.list)
        self.set_recording(False)

    def set_recording(self, recording: bool) -> None:
        self._recording = recording
        for control in (self.mark_action, self.mark_button, self.note_edit):
            control.setEnabled(recording)
        self.note_edit.setPlaceholderText(
            self.tr("Type a note, press Enter") if recording
            else self.tr("Only while recording"))

    def is_recording(self) -> bool:
        return self._recording

    def add_mark(self, time: float, label: str = "") -> None:
        self.list.add_mark(time, label)

    def add_note(self, time: float, text: str) -> None:
        self.list.add_note(time, text)

    def return_note(self, text: str) -> None:
        """Put back a submitted note the session refused (stopped meanwhile, journal
        failed), unless something new was typed since."""
        if not self.note_edit.text().strip():
            self.note_edit.setText(text)

    def clear(self) -> None:
        """Empty the list for a new recording (a note still in the box stays there)."""
        self.list.clear()

    @Slot()
    def _on_mark(self) -> None:
        if self._recording:
            self.mark_requested.emit()

    @Slot()
    def _on_note(self) -> None:
        text = self.note_edit.text().strip()
        if self._recording and text:
            self.note_edit.clear()
            self.note_submitted.emit(text)
