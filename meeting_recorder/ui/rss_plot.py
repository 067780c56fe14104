"""A small live plot of the process's memory (RSS), painted by hand (no plotting library).

    plot = RssPlot(capacity=601, window_seconds=600)
    plot.add_sample(time.monotonic(), rss_bytes)   # oldest samples drop out of a bounded ring
    plot.set_limit(warning_bytes)                  # dashed line at the warning level; 0 = none

Only the last ``window_seconds`` are drawn, scaled to the largest value shown (or the
warning level, whichever is higher), so a slow leak reads as a rising line.
"""

from __future__ import annotations

from collections import deque

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

MIB = 1024 * 1024


class RssPlot(QWidget):
    """Memory over time; ``points()`` gives the kept (time, bytes) samples, oldest first."""

    def __init__(self, parent: QWidget | None = None, *, capacity: int = 601,
                 window_seconds: float = 600.0) -> None:
        super().__init__(parent)
        self.capacity = max(2, int(capacity))
        self.window_seconds = float(window_seconds)
        self._samples: deque[tuple[float, int]] = deque(maxlen=self.capacity)  # bounded: hours stay cheap
        self._limit = 0
        self.setMinimumHeight(90)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setToolTip(self.tr("Memory used by Meeting Recorder over the last {minutes} minutes")
                        .format(minutes=round(self.window_seconds / 60)))
        self.setAccessibleName(self.tr("Memory plot"))

    def sizeHint(self) -> QSize:
        return QSize(360, 120)

    def add_sample(self, when: float, rss: int) -> None:
        if self._samples and when < self._samples[-1][0]:
            return  # a late sample from the worker; the plot only moves forward in time
        self._samples.append((float(when), int(rss)))
        self.update()

    def set_limit(self, limit_bytes: int) -> None:
        self._limit = max(0, int(limit_bytes))
        self.update()

    def points(self) -> list[tuple[float, int]]:
        return list(self._samples)

    def clear(self) -> None:
        self._samples.clear()
        self.update()

    # -- painting -----------------------------------------------------------------------------
    def _visible(self) -> list[tuple[float, int]]:
        if not self._samples:
            return []
        newest = self._samples[-1][0]
        return [(t, v) for t, v in self._samples if newest - t <= self.window_seconds]

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        painter.fillRect(self.rect(), palette.base())
        text_height = painter.fontMetrics().height()
        area = QRectF(self.rect()).adjusted(4, text_height + 4, -4, -4)
        painter.setPen(QPen(palette.mid().color(), 1))
        painter.drawRect(area)
        samples = self._visible()
        top = max([v for _, v in samples] + [self._limit, MIB])
        painter.setPen(palette.text().color())
        painter.drawText(QRectF(4, 2, self.width() - 8, text_height), Qt.AlignmentFlag.AlignLeft,
                         self.tr("Memory (max {mb} MB)").format(mb=round(top / MIB)))
        if self._limit:
            y = area.bottom() - area.height() * self._limit / top
            painter.setPen(QPen(QColor("#d08000"), 1, Qt.PenStyle.DashLine))
            painter.drawLine(QPointF(area.left(), y), QPointF(area.right(), y))
        if len(samples) < 2:
            painter.end()
            return
        newest = samples[-1][0]
        line = QPolygonF()
        for when, value in samples:
            x = area.right() - area.width() * (newest - when) / self.window_seconds
            line.append(QPointF(x, area.bottom() - area.height() * value / top))
        painter.setPen(QPen(QColor("#2f6fdf"), 2))
        painter.drawPolyline(line)
        painter.end()
