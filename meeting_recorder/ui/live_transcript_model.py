"""The live transcript as a table model: one row per segment (time, speaker, text), one
colour per speaker in order of first appearance.

Below the committed segments, each track (microphone, system audio) may have one
provisional row: the words of the utterance being spoken (``core.partials.PartialText``),
grey, updated in place and removed when the committed text arrives. Provisional rows are
not segments: ``segments`` (what is counted and exported) never holds them.
``PartialTextDelegate`` draws their stable words grey and the tentative ones lighter and
italic; without it the whole provisional text is grey italic.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSize, Qt
from PySide6.QtGui import QAbstractTextDocumentLayout, QColor, QFont, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from meeting_recorder.core.clock import format_clock
from meeting_recorder.core.partials import PartialText

SPEAKER_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e",
                   "#17becf", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22")
STABLE_GREY = "#6e6e6e"  # provisional words two hypotheses agreed on
TENTATIVE_GREY = "#a3a3a3"  # the rest of the latest hypothesis: may still change

PROVISIONAL_ROLE = Qt.ItemDataRole.UserRole + 1  # True on a provisional row
STABLE_ROLE = Qt.ItemDataRole.UserRole + 2  # its stable words (TEXT column)
TENTATIVE_ROLE = Qt.ItemDataRole.UserRole + 3  # its tentative words (TEXT column)


class LiveTranscriptModel(QAbstractTableModel):
    """Segments as rows (time, speaker, text); each speaker keeps one colour. After them,
    one provisional row per track with the words being spoken."""

    TIME, SPEAKER, TEXT = range(3)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.segments: list[Any] = []
        self._partials: dict[str, PartialText] = {}  # track -> its provisional row, in row order
        self._colours: dict[str, QColor] = {}
        self._bold = QFont()
        self._bold.setBold(True)
        self._italic = QFont()
        self._italic.setItalic(True)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.segments) + len(self._partials)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else 3

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return (self.tr("Time"), self.tr("Speaker"), self.tr("Text"))[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if role == Qt.ItemDataRole.TextAlignmentRole:  # wrapped text grows down: keep rows top-aligned
            side = Qt.AlignmentFlag.AlignRight if column == self.TIME else Qt.AlignmentFlag.AlignLeft
            return int(side | Qt.AlignmentFlag.AlignTop)
        if row >= len(self.segments):
            return self._partial_data(self.partial_at(row), column, role)
        segment = self.segments[row]
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
        if role == PROVISIONAL_ROLE:
            return False
        return None

    def _partial_data(self, partial: PartialText, column: int, role: int) -> Any:
        if role == PROVISIONAL_ROLE:
            return True
        if role == Qt.ItemDataRole.DisplayRole:
            return (format_clock(partial.start), "", partial.text)[column]
        if role == Qt.ItemDataRole.ForegroundRole:
            return QColor(STABLE_GREY)
        if role == Qt.ItemDataRole.FontRole and column == self.TEXT:
            return self._italic  # provisional; the delegate sets the stable words upright
        if role == STABLE_ROLE and column == self.TEXT:
            return partial.stable
        if role == TENTATIVE_ROLE and column == self.TEXT:
            return partial.tentative
        return None

    def speaker_colour(self, speaker: str) -> QColor:
        """Colours go out in order of first appearance, so the first speakers never clash."""
        if speaker not in self._colours:
            self._colours[speaker] = QColor(SPEAKER_COLOURS[len(self._colours) % len(SPEAKER_COLOURS)])
        return self._colours[speaker]

    def add_segment(self, segment: Any) -> None:
        """A committed segment, after the others and before the provisional rows. It
        replaces its track's provisional row if it names its track (``segment.track``)."""
        track = getattr(segment, "track", None)
        if track is not None and track in self._partials:
            self.show_partial(None, track)
        row = len(self.segments)
        self.beginInsertRows(QModelIndex(), row, row)
        self.segments.append(segment)
        if segment.speaker:
            self.speaker_colour(segment.speaker)
        self.endInsertRows()

    # -- provisional rows ----------------------------------------------------------------------
    def show_partial(self, partial: PartialText | None, track: str = "") -> None:
        """Show (or update in place) the words being spoken on ``track`` (default: the
        partial's own track); None removes that track's provisional row."""
        track = track or (partial.track if partial is not None else "")
        tracks = list(self._partials)
        if partial is None:
            if track in self._partials:
                row = len(self.segments) + tracks.index(track)
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._partials[track]
                self.endRemoveRows()
            return
        if track in self._partials:
            row = len(self.segments) + tracks.index(track)
            self._partials[track] = partial
            self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))
            return
        row = self.rowCount()
        self.beginInsertRows(QModelIndex(), row, row)
        self._partials[track] = partial
        self.endInsertRows()

    def partial_at(self, row: int) -> PartialText:
        return list(self._partials.values())[row - len(self.segments)]

    def partial(self, track: str = "") -> PartialText | None:
        """The words being spoken on ``track`` now (None when nobody speaks there)."""
        return self._partials.get(track)

    def is_provisional(self, row: int) -> bool:
        return row >= len(self.segments)

    def clear(self) -> None:
        self.beginResetModel()
        self.segments.clear()
        self._partials.clear()
        self._colours.clear()
        self.endResetModel()


class PartialTextDelegate(QStyledItemDelegate):
    """Text column delegate: a provisional row's stable words grey and upright, its
    tentative words lighter grey and italic; every other cell as usual (word-wrapped)."""

    def _document(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QTextDocument:
        stable, tentative = index.data(STABLE_ROLE) or "", index.data(TENTATIVE_ROLE) or ""
        document = QTextDocument()
        font = QFont(option.font)
        font.setItalic(False)
        document.setDefaultFont(font)
        document.setDocumentMargin(2)
        parts = []
        if stable:
            parts.append(f'<span style="color:{STABLE_GREY}">{html.escape(stable)}</span>')
        if tentative:
            parts.append(f'<span style="color:{TENTATIVE_GREY}; font-style:italic">{html.escape(tentative)}</span>')
        document.setHtml(" ".join(parts))
        if option.rect.width() > 0:
            document.setTextWidth(option.rect.width())
        return document

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        if not index.data(PROVISIONAL_ROLE) or index.column() != LiveTranscriptModel.TEXT:
            super().paint(painter, option, index)
            return
        view_option = QStyleOptionViewItem(option)
        self.initStyleOption(view_option, index)
        document = self._document(view_option, index)
        view_option.text = ""  # the background and selection only; the words come from the document
        style = view_option.widget.style() if view_option.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, view_option, painter, view_option.widget)
        painter.save()
        painter.setClipRect(view_option.rect)
        painter.translate(view_option.rect.topLeft())
        context = QAbstractTextDocumentLayout.PaintContext()
        context.palette.setColor(QPalette.ColorRole.Text, QColor(STABLE_GREY))
        document.documentLayout().draw(painter, context)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        if not index.data(PROVISIONAL_ROLE) or index.column() != LiveTranscriptModel.TEXT:
            return super().sizeHint(option, index)
        view_option = QStyleOptionViewItem(option)
        self.initStyleOption(view_option, index)
        document = self._document(view_option, index)
        return QSize(int(document.idealWidth()), int(document.size().height()))
