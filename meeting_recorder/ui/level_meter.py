"""A horizontal input level bar with peak hold (custom painted, no timers of its own).

``LevelMeter(parent=None)``: ``set_level(rms)`` takes the RMS (0..1 of full scale) that
``AudioWorker.level`` emits, ``reset()`` empties it; ``level()`` and ``peak()`` give the
shown values (0..1 of the bar). The bar is in decibels (-60..0 dBFS), as speech that looks
quiet on a linear scale is normal; green, amber above -12 dBFS, red above -3 dBFS.
"""

from __future__ import annotations

import math
import time

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

FLOOR_DB = -60.0
PEAK_HOLD_SECONDS = 1.5
PEAK_FALL_PER_SECOND = 0.5  # of the bar's length, once the hold is over
GREEN, AMBER, RED = QColor("#3aa655"), QColor("#e0a526"), QColor("#d64541")


def bar_fraction(rms: float) -> float:
    """RMS (0..1) → position on the bar (0..1) on the -60..0 dBFS scale."""
    if rms <= 0.0:
        return 0.0
    return min(1.0, max(0.0, 1.0 - 20.0 * math.log10(rms) / FLOOR_DB))


class LevelMeter(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName(self.tr("Input level"))
        self.setToolTip(self.tr("Input level of the microphone (the thin mark holds the recent peak)"))
        self._level = 0.0
        self._peak = 0.0
        self._peak_at = 0.0

    def sizeHint(self) -> QSize:
        return QSize(200, 14)

    def minimumSizeHint(self) -> QSize:
        return QSize(60, 10)

    def level(self) -> float:
        return self._level

    def peak(self) -> float:
        return self._peak

    def set_level(self, rms: float) -> None:
        now = time.monotonic()
        self._level = bar_fraction(rms)
        if self._level >= self._peak:
            self._peak, self._peak_at = self._level, now
        elif now - self._peak_at > PEAK_HOLD_SECONDS:  # levels arrive ~10 a second: fall with them
            fallen = self._peak - PEAK_FALL_PER_SECOND * (now - self._peak_at - PEAK_HOLD_SECONDS)
            self._peak = max(self._level, fallen)
        self.update()

    def reset(self) -> None:
        self._level = self._peak = self._peak_at = 0.0
        self.update()

    @staticmethod
    def colour_at(fraction: float) -> QColor:
        db = FLOOR_DB * (1.0 - fraction)
        return RED if db > -3.0 else AMBER if db > -12.0 else GREEN

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        frame = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        painter.setPen(self.palette().color(QPalette.ColorRole.Mid))
        painter.setBrush(self.palette().color(QPalette.ColorRole.Base))
        painter.drawRect(frame)
        inner = frame.adjusted(1.5, 1.5, -1.5, -1.5)
        painter.setPen(Qt.PenStyle.NoPen)
        if self._level > 0:
            painter.setBrush(self.colour_at(self._level))
            painter.drawRect(QRectF(inner.left(), inner.top(), inner.width() * self._level, inner.height()))
        if self._peak > 0:
            x = inner.left() + inner.width() * self._peak
            painter.setBrush(self.colour_at(self._peak))
            painter.drawRect(QRectF(max(inner.left(), x - 2.0), inner.top(), 2.0, inner.height()))
        painter.end()
