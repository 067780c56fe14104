"""The Record view's live transcript table: rows sized as they arrive, the newest one followed.

``LiveTranscriptView(model: LiveTranscriptModel, parent=None)`` is a ``QTableView`` of the
model. The time and speaker columns widen to fit each new row and never shrink while
recording (``reset_columns()`` sizes them to their titles again, for the next recording);
wrapped rows get new heights when the text column changes width. The view follows the
newest line until the user scrolls back; ``following_changed(bool)`` says when that changes
(for a "jump to latest" button). Methods: ``is_following()``, ``jump_to_latest()``,
``reset_columns()``, ``show_partial(track, partial)`` (the words being spoken: they grow in
place, grey, the still-uncertain ones lighter and italic).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QStyle, QTableView, QWidget

from meeting_recorder.ui.live_transcript_model import LiveTranscriptModel, PartialTextDelegate

FOLLOW_SLACK = 4  # pixels from the bottom that still count as "at the bottom"


class LiveTranscriptView(QTableView):
    following_changed = Signal(bool)

    def __init__(self, model: LiveTranscriptModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.live_model = model
        self._follow = True
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setWordWrap(True)
        self.setShowGrid(False)
        # The words being spoken: grey, the still-uncertain ones lighter and italic.
        self.setItemDelegateForColumn(LiveTranscriptModel.TEXT, PartialTextDelegate(self))
        self.verticalHeader().hide()
        header = self.horizontalHeader()
        header.setStretchLastSection(True)
        # Qt's ResizeToContents sized these two to their titles only ("시간" is narrower than
        # "0:05"): they widen as rows arrive instead, and never shrink while recording.
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.reset_columns()
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        model.rowsInserted.connect(self._rows_inserted)
        # Wrapped rows need new heights when the text column changes width; one pass over
        # all rows after the resizing settles, not one per pixel.
        self._relayout = QTimer(self, singleShot=True, interval=100)
        self._relayout.timeout.connect(self.resizeRowsToContents)
        header.sectionResized.connect(lambda *_: self._relayout.start())
        bar = self.verticalScrollBar()
        bar.rangeChanged.connect(self._range_changed)
        bar.valueChanged.connect(self._scrolled)

    # -- column widths ---------------------------------------------------------------------------
    def _rows_inserted(self, parent: QModelIndex, first: int, last: int) -> None:
        for row in range(first, last + 1):
            self._fit_column(LiveTranscriptModel.TIME, row)
            self._fit_column(LiveTranscriptModel.SPEAKER, row)
            self.resizeRowToContents(row)

    def reset_columns(self) -> None:
        for column in (LiveTranscriptModel.TIME, LiveTranscriptModel.SPEAKER):
            self.resizeColumnToContents(column)  # the title's width while empty

    def _fit_column(self, column: int, row: int) -> None:
        model = self.live_model
        index = model.index(row, column)
        font = model.data(index, Qt.ItemDataRole.FontRole) or self.font()
        padding = 2 * self.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 8
        width = QFontMetrics(font).horizontalAdvance(model.data(index) or "") + padding
        header = self.horizontalHeader()
        if width > header.sectionSize(column):
            header.resizeSection(column, width)

    # -- the words being spoken ------------------------------------------------------------------
    @Slot(str, object)
    def show_partial(self, track: str, partial: Any) -> None:
        self.live_model.show_partial(partial, track)
        if partial is not None:
            rows = self.live_model.rowCount()
            for row in range(max(0, rows - 2), rows):
                self.resizeRowToContents(row)  # the words grow in place
            if self._follow:
                self.jump_to_latest()

    # -- autoscroll: follow the newest line unless the user scrolled back -------------------------
    def _range_changed(self, minimum: int, maximum: int) -> None:
        if self._follow:
            self.verticalScrollBar().setValue(maximum)

    def _scrolled(self, value: int) -> None:
        # Only a user (or jump_to_latest) moves the bar off or back to the bottom; growth
        # of the list alone never changes the value.
        self._set_following(value >= self.verticalScrollBar().maximum() - FOLLOW_SLACK)

    def _set_following(self, follow: bool) -> None:
        changed, self._follow = follow != self._follow, follow
        if changed:
            self.following_changed.emit(follow)

    def is_following(self) -> bool:
        return self._follow

    @Slot()
    def jump_to_latest(self) -> None:
        self._set_following(True)
        bar = self.verticalScrollBar()
        bar.setValue(bar.maximum())
