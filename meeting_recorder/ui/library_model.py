"""Qt models of the meeting library: the meetings table (sortable, filterable) and the
search results (each hit drawn as rich text with its matched words in bold).

``MeetingsModel`` holds ``core.library.Meeting`` rows as the library last sent them;
``MeetingsFilterProxy`` sorts by each column's raw value and filters by text, speaker, tag
and date range; ``SearchResultsModel`` holds ``SearchHit`` rows and ``HitDelegate`` paints
them. A title edited in place is not written here: ``rename_requested`` goes to the
library, which answers with the new list.
"""

from __future__ import annotations

import html
import time
from dataclasses import replace
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel, QAbstractTableModel, QCoreApplication, QModelIndex, QPersistentModelIndex, QRectF, QSize,
    QSortFilterProxyModel, Qt, Signal,
)
from PySide6.QtGui import QAbstractTextDocumentLayout, QColor, QFont, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import QAbstractScrollArea, QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from meeting_recorder.core.clock import format_clock

COL_TITLE, COL_DATE, COL_DURATION, COL_SPEAKERS, COL_TAGS, COL_STATUS = range(6)
MEETING_ROLE = Qt.ItemDataRole.UserRole  # the Meeting of a row (any column)
SORT_ROLE = Qt.ItemDataRole.UserRole + 1  # the raw value a column sorts by
HIT_ROLE = Qt.ItemDataRole.UserRole + 2  # the SearchHit of a result row
HTML_ROLE = Qt.ItemDataRole.UserRole + 3  # a result row as rich text
MISSING_ROLE = Qt.ItemDataRole.UserRole + 4  # a result row's meeting is missing (its files are gone)
MUTED_COLOUR = "#666666"  # a result's details (date, speaker, time) beside the meeting's title
MISSING_COLOUR = QColor("#8a8a8a")
Index = QModelIndex | QPersistentModelIndex


def date_text(started_at: float) -> str:
    """Local date and time, the same in every language (sorts as text too)."""
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(started_at))


def status_text(meeting: Any) -> str:
    """What state a meeting's files are in, in the user's language."""
    if meeting.missing:
        return QCoreApplication.translate("MeetingsModel", "Missing")
    if meeting.transcript_path is None:
        return QCoreApplication.translate("MeetingsModel", "Not transcribed")
    if meeting.transcript_missing:
        return QCoreApplication.translate("MeetingsModel", "Transcript missing")
    if meeting.audio_path is None or meeting.audio_missing:
        return QCoreApplication.translate("MeetingsModel", "No audio")
    return QCoreApplication.translate("MeetingsModel", "Transcribed")


def status_rank(meeting: Any) -> int:
    """Sort order of the status column: ready meetings first, missing ones last."""
    if meeting.missing:
        return 4
    if meeting.transcript_path is None:
        return 1
    if meeting.transcript_missing:
        return 3
    return 2 if meeting.audio_path is None or meeting.audio_missing else 0


def bold_spans(text: str, spans: Any) -> str:
    """``text`` as HTML with the (start, end) character spans in bold (overlaps merged)."""
    parts, at = [], 0
    for start, end in sorted((max(0, s), min(len(text), e)) for s, e in spans):
        if end <= at:
            continue
        start = max(start, at)
        parts.append(html.escape(text[at:start]))
        parts.append(f"<b>{html.escape(text[start:end])}</b>")
        at = end
    parts.append(html.escape(text[at:]))
    return "".join(parts)


def hit_html(hit: Any, muted: str = MUTED_COLOUR, missing: bool = False) -> str:
    """A search result: meeting, date, speaker and time on top, the segment below. ``muted``
    colours the details (the selection's text colour on a selected row); a missing
    meeting's result is muted all over and says so."""
    details = [date_text(hit.started_at)]
    if hit.speaker:
        details.append(html.escape(hit.speaker))
    details.append(format_clock(hit.start))
    if missing:
        details.append(html.escape(QCoreApplication.translate("MeetingsModel", "Missing")))
    text = (f"<div><span style='font-weight:600'>{html.escape(hit.meeting_title)}</span>"
            f"<span style='color:{muted}'> · {' · '.join(details)}</span></div>"
            f"<div>{bold_spans(hit.text, hit.highlights)}</div>")
    return f"<div style='color:{muted}'>{text}</div>" if missing else text


class MeetingsModel(QAbstractTableModel):
    """The library's meetings, one per row, in the order the library gave them."""

    rename_requested = Signal(int, str)  # meeting id, new title (an inline edit)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._meetings: list[Any] = []

    def set_meetings(self, meetings: list[Any]) -> None:
        self.beginResetModel()
        self._meetings = list(meetings)
        self.endResetModel()

    def meetings(self) -> list[Any]:
        return list(self._meetings)

    def meeting(self, row: int) -> Any:
        return self._meetings[row]

    def row_of(self, meeting_id: int) -> int:
        return next((row for row, m in enumerate(self._meetings) if m.id == meeting_id), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._meetings)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else 6

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return (self.tr("Title"), self.tr("Date"), self.tr("Duration"), self.tr("Speakers"), self.tr("Tags"),
                self.tr("Status"))[section]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        meeting, column = self._meetings[index.row()], index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self._text(meeting, column)
        if role == SORT_ROLE:
            return self._sort_value(meeting, column)
        if role == MEETING_ROLE:
            return meeting
        if role == Qt.ItemDataRole.ForegroundRole and meeting.missing:
            return MISSING_COLOUR
        if role == Qt.ItemDataRole.FontRole and meeting.missing:
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(meeting)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == COL_DURATION:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    @staticmethod
    def _text(meeting: Any, column: int) -> str:
        if column == COL_TITLE:
            return meeting.title
        if column == COL_DATE:
            return date_text(meeting.started_at)
        if column == COL_DURATION:
            return format_clock(meeting.duration)
        if column == COL_SPEAKERS:
            return ", ".join(meeting.speakers)
        if column == COL_TAGS:
            return ", ".join(meeting.tags)
        return status_text(meeting)

    @staticmethod
    def _sort_value(meeting: Any, column: int) -> Any:
        if column == COL_TITLE:
            return meeting.title.casefold()
        if column == COL_DATE:
            return float(meeting.started_at)
        if column == COL_DURATION:
            return float(meeting.duration)
        if column == COL_SPEAKERS:
            return len(meeting.speakers)
        if column == COL_TAGS:
            return ", ".join(meeting.tags).casefold()
        return status_rank(meeting)

    def _tooltip(self, meeting: Any) -> str:
        lines = [meeting.title]
        if meeting.missing:
            lines.append(self.tr("Its files were moved or deleted outside the app; it can only be forgotten."))
        if meeting.audio_path:
            lines.append(self.tr("Audio: {path}").format(path=meeting.audio_path))
        if meeting.transcript_path:
            lines.append(self.tr("Transcript: {path}").format(path=meeting.transcript_path))
        return "\n".join(lines)

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() == COL_TITLE and not self._meetings[index.row()].missing:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """An inline rename: shown at once, written by the library (``rename_requested``)."""
        if role != Qt.ItemDataRole.EditRole or index.column() != COL_TITLE or not index.isValid():
            return False
        meeting = self._meetings[index.row()]
        title = " ".join(str(value).split())
        if not title or title == meeting.title:
            return False
        self._meetings[index.row()] = replace(meeting, title=title)
        self.dataChanged.emit(index, index)
        self.rename_requested.emit(meeting.id, title)
        return True


class MeetingsFilterProxy(QSortFilterProxyModel):
    """Sorts by raw values; keeps rows whose title, speakers, tags or date contain the text,
    and which match the chosen speaker, tag and date range (each optional)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self._text = ""
        self._speaker: str | None = None
        self._tag: str | None = None
        self._since: float | None = None
        self._until: float | None = None

    def set_text(self, text: str) -> None:
        self._change(_text=text.strip().casefold())

    def set_speaker(self, speaker: str | None) -> None:
        self._change(_speaker=speaker.casefold() if speaker else None)

    def set_tag(self, tag: str | None) -> None:
        self._change(_tag=tag.casefold() if tag else None)

    def set_date_range(self, since: float | None, until: float | None) -> None:
        self._change(_since=since, _until=until)

    def _change(self, **values: Any) -> None:
        """New filter values, rows re-filtered (Qt ≥ 6.9 wants begin/end around the change)."""
        self.beginFilterChange()
        for name, value in values.items():
            setattr(self, name, value)
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        meeting = self.sourceModel().index(source_row, 0, source_parent).data(MEETING_ROLE)
        if meeting is None:
            return False
        if self._speaker and self._speaker not in (s.casefold() for s in meeting.speakers):
            return False
        if self._tag and self._tag not in (t.casefold() for t in meeting.tags):
            return False
        if self._since is not None and meeting.started_at < self._since:
            return False
        if self._until is not None and meeting.started_at >= self._until:
            return False
        if not self._text:
            return True
        haystack = " ".join([meeting.title, *meeting.speakers, *meeting.tags, date_text(meeting.started_at)])
        return self._text in haystack.casefold()


class SearchResultsModel(QAbstractListModel):
    """The hits of the last search, best first."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.query = ""
        self._hits: list[Any] = []
        self._missing: set[int] = set()

    def set_hits(self, query: str, hits: list[Any]) -> None:
        self.beginResetModel()
        self.query, self._hits = query, list(hits)
        self.endResetModel()

    def set_missing(self, meeting_ids: set[int]) -> None:
        """The meetings whose files are gone: their results are greyed and cannot open."""
        if meeting_ids != self._missing:
            self._missing = set(meeting_ids)
            if self._hits:
                self.dataChanged.emit(self.index(0), self.index(len(self._hits) - 1))

    def hit(self, row: int) -> Any:
        return self._hits[row]

    def hits(self) -> list[Any]:
        return list(self._hits)

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._hits)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        hit = self._hits[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:  # plain text (accessibility, copy)
            speaker = f"{hit.speaker}: " if hit.speaker else ""
            return f"{hit.meeting_title} {format_clock(hit.start)} {speaker}{hit.text}"
        if role == HTML_ROLE:
            return hit_html(hit, missing=hit.meeting_id in self._missing)
        if role == HIT_ROLE:
            return hit
        if role == MISSING_ROLE:
            return hit.meeting_id in self._missing
        if role == Qt.ItemDataRole.ToolTipRole and hit.meeting_id in self._missing:
            return self.tr("This meeting's files were moved or deleted outside the app")
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tr("Enter or double-click: open the transcript here and play from {time}").format(
                time=format_clock(hit.start))
        return None


class HitDelegate(QStyledItemDelegate):
    """Paints a result's rich text (bold matches), wrapped to the list's width."""

    PADDING = 6

    def _document(self, option: QStyleOptionViewItem, index: Index, muted: str = MUTED_COLOUR) -> QTextDocument:
        document = QTextDocument()
        document.setDefaultFont(option.font)
        hit = index.data(HIT_ROLE)
        document.setHtml(hit_html(hit, muted, bool(index.data(MISSING_ROLE))) if hit is not None else "")
        document.setTextWidth(max(80, option.rect.width() - 2 * self.PADDING))
        return document

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        self.initStyleOption(option, index)
        widget: QWidget | None = option.widget
        style = widget.style() if widget is not None else None
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        group = QPalette.ColorGroup.Active if option.state & QStyle.StateFlag.State_Active else QPalette.ColorGroup.Inactive
        colour = option.palette.color(group, QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        document = self._document(option, index, colour.name() if selected else MUTED_COLOUR)
        option.text = ""  # the background and selection only; the text is the document's
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, widget)
        context = QAbstractTextDocumentLayout.PaintContext()
        context.palette.setColor(QPalette.ColorRole.Text, colour)
        painter.save()
        painter.translate(option.rect.left() + self.PADDING, option.rect.top() + self.PADDING)
        painter.setClipRect(QRectF(0, 0, option.rect.width() - self.PADDING, option.rect.height()))
        document.documentLayout().draw(painter, context)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        self.initStyleOption(option, index)
        view = option.widget
        if isinstance(view, QAbstractScrollArea):  # wrap to the list's width, not the item's last one
            option.rect.setWidth(view.viewport().width())
        document = self._document(option, index)
        return QSize(int(document.idealWidth()) + 2 * self.PADDING, int(document.size().height()) + 2 * self.PADDING)
