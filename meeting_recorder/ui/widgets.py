"""Small widgets of the window: the drop target, a label that elides long paths and a
row-layout helper."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QResizeEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget


def hbox(*items: QWidget | int | None) -> QHBoxLayout:
    """A horizontal row: widgets, spacing (int) and stretch (None); the first widget
    of a row that has no stretch takes the spare room."""
    row = QHBoxLayout()
    for item in items:
        if item is None:
            row.addStretch(1)
        elif isinstance(item, int):
            row.addSpacing(item)
        else:
            row.addWidget(item)
    if None not in items:
        row.setStretch(0, 1)
    return row


def local_paths(event: QDragEnterEvent | QDragMoveEvent | QDropEvent) -> list[str]:
    """The local files in a drag; web links and other MIME data are ignored."""
    mime = event.mimeData()
    if not mime.hasUrls():
        return []
    return [url.toLocalFile() for url in mime.urls() if url.isLocalFile() and url.toLocalFile()]


class DropArea(QFrame):
    """Emits ``files_dropped`` with the local paths of everything dropped, in order."""

    files_dropped = Signal(list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dropArea")
        self.setAcceptDrops(True)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setMinimumHeight(96)
        self.label = QLabel(self.tr("Drop audio or video files here"), self)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        self._set_highlight(False)

    def _set_highlight(self, on: bool) -> None:
        # A dashed border says "drop here"; it turns solid blue while a drag hovers.
        border = "2px solid #2f6fdf" if on else "2px dashed #8a8a8a"
        background = "#e8f0ff" if on else "transparent"
        self.setStyleSheet(f"#dropArea {{ border: {border}; border-radius: 8px; background: {background}; }}")

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if local_paths(event):
            event.acceptProposedAction()
            self._set_highlight(True)
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if local_paths(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragLeaveEvent(self, event: object) -> None:
        self._set_highlight(False)

    def dropEvent(self, event: QDropEvent) -> None:
        self._set_highlight(False)
        paths = local_paths(event)
        if not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        self.files_dropped.emit(paths)


class ElidedLabel(QLabel):
    """One line of text shortened in the middle ("/home/…/Transcripts") to fit its width,
    so a long path never widens the window; the full text is in the tooltip."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def set_full_text(self, text: str) -> None:
        self._full = text
        self.setToolTip(text)
        self._elide()

    def full_text(self) -> str:
        return self._full

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        self.setText(self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideMiddle, max(self.width(), 40)))
