"""The live transcript as a table model: one row per segment (time, speaker, text), one
colour per speaker in order of first appearance."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QWidget

from meeting_recorder.core.clock import format_clock

SPEAKER_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e",
                   "#17becf", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22")


class LiveTranscriptModel(QAbstractTableModel):
    """Segments as rows (time, speaker, text); each speaker keeps one colour."""

    TIME, SPEAKER, TEXT = range(3)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.segments: list[Any] = []
        self._colours: dict[str, QColor] = {}
        self._bold = QFont()
        self._bold.setBold(True)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.segments)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else 3

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return (self.tr("Time"), self.tr("Speaker"), self.tr("Text"))[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        segment, column = self.segments[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.TIME:
                return format_clock(segment.start)
            return (segment.speaker or "") if column == self.SPEAKER else segment.text.strip()
        if role == Qt.ItemDataRole.ForegroundRole and column == self.SPEAKER and segment.speaker:
            return self.speaker_colour(segment.speaker)
        if role == Qt.ItemDataRole.FontRole and column == self.SPEAKER:
            return self._bold
        if role == Qt.ItemDataRole.ToolTipRole and column == self.TEXT:
            return segment.text.strip()
        if role == Qt.ItemDataRole.TextAlignmentRole:  # wrapped text grows down: keep rows top-aligned
            side = Qt.AlignmentFlag.AlignRight if column == self.TIME else Qt.AlignmentFlag.AlignLeft
            return int(side | Qt.AlignmentFlag.AlignTop)
        return None

    def speaker_colour(self, speaker: str) -> QColor:
        """Colours go out in order of first appearance, so the first speakers never clash."""
        if speaker not in self._colours:
            self._colours[speaker] = QColor(SPEAKER_COLOURS[len(self._colours) % len(SPEAKER_COLOURS)])
        return self._colours[speaker]

    def add_segment(self, segment: Any) -> None:
        row = len(self.segments)
        self.beginInsertRows(QModelIndex(), row, row)
        self.segments.append(segment)
        if segment.speaker:
            self.speaker_colour(segment.speaker)
        self.endInsertRows()

    def clear(self) -> None:
        self.beginResetModel()
        self.segments.clear()
        self._colours.clear()
        self.endResetModel()
