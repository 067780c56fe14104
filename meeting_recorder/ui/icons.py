"""Icons for the window's views: the desktop theme's where it has one, else drawn here."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap


def painted_icon(draw: Callable[[QPainter], None]) -> QIcon:
    pixmap = QPixmap(32, 32)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    draw(painter)
    painter.end()
    return QIcon(pixmap)


def record_dot(painter: QPainter) -> None:  # a red dot
    painter.setBrush(QColor("#d32f2f"))
    painter.drawEllipse(5, 5, 22, 22)


def people(painter: QPainter) -> None:  # two heads and shoulders
    for x, colour in ((13, "#7d8fa8"), (3, "#3d6fb6")):
        painter.setBrush(QColor(colour))
        painter.drawEllipse(x + 5, 4, 10, 10)
        painter.drawRoundedRect(x, 16, 20, 13, 7, 7)


def view_icon(theme: str, fallback: QIcon) -> QIcon:
    """The desktop theme's icon where there is one (Linux), else ours."""
    return QIcon.fromTheme(theme, fallback)
