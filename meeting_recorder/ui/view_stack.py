"""The window's views: a sidebar list (icon and name per view) beside a stack of pages.

Each page scrolls rather than forcing the window wider or taller than a small screen.
Icons come from the desktop's theme where it has them, else are drawn here.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSize, Qt, Signal, Slot
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QFrame, QHBoxLayout, QListWidget, QListWidgetItem, QScrollArea, QStackedWidget, QWidget


def painted_icon(draw: Callable[[QPainter], None]) -> QIcon:
    pixmap = QPixmap(32, 32)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    draw(painter)
    painter.end()
    return QIcon(pixmap)


def record_dot(painter: QPainter) -> None:
    painter.setBrush(QColor("#d32f2f"))
    painter.drawEllipse(5, 5, 22, 22)


def people(painter: QPainter) -> None:  # two heads and shoulders
    for x, colour in ((13, "#7d8fa8"), (3, "#3d6fb6")):
        painter.setBrush(QColor(colour))
        painter.drawEllipse(x + 5, 4, 10, 10)
        painter.drawRoundedRect(x, 16, 20, 13, 7, 7)


def view_icon(theme: str, fallback: QIcon) -> QIcon:
    """The desktop theme's icon where there is one (Linux), else the fallback."""
    return QIcon.fromTheme(theme, fallback)


class ViewStack(QWidget):
    """``add_view`` in order; ``current_changed(index)`` when the user or code switches."""

    current_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.keys: list[str] = []
        self.nav = QListWidget(self)
        self.nav.setObjectName("viewList")
        self.nav.setIconSize(QSize(24, 24))
        self.pages = QStackedWidget(self)
        self.nav.currentRowChanged.connect(self._on_row)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.nav)
        row.addWidget(self.pages, 1)

    def add_view(self, key: str, text: str, icon: QIcon, view: QWidget, tip: str = "") -> None:
        item = QListWidgetItem(icon, text, self.nav)
        item.setSizeHint(QSize(140, 40))
        item.setToolTip(tip or text)
        area = QScrollArea(self)
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.Shape.NoFrame)
        area.setWidget(view)
        self.pages.addWidget(area)
        self.keys.append(key)
        self.nav.setFixedWidth(self.nav.sizeHintForColumn(0) + 24)
        if self.nav.currentRow() < 0:
            self.nav.setCurrentRow(0)

    def show_view(self, key: str) -> None:
        self.nav.setCurrentRow(self.keys.index(key))

    def current_view(self) -> str:
        return self.keys[self.pages.currentIndex()]

    @Slot(int)
    def _on_row(self, row: int) -> None:
        if row >= 0:
            self.pages.setCurrentIndex(row)
            self.current_changed.emit(row)
