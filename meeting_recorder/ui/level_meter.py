"""A horizontal input level bar with peak hold (custom painted, no timers of its own).

``LevelMeter(parent=None)``: ``set_level(rms)`` takes the RMS (0..1 of full scale) that
``AudioWorker.level`` emits, ``reset()`` empties it; ``level()`` and ``peak()`` give the
shown values (0..1 of the bar). The bar is in decibels (-60..0 dBFS), as speech that looks
quiet on a linear scale is normal; green, amber above -12 dBFS, red above -3 dBFS.

``SourceMeter(title, silence_hint, picker=None, parent=None)``: one input's row (its title,
the device picker, a ``LevelMeter``, and a line below for what is wrong). ``begin(watch_silence)`` starts
a fresh look at the input, ``set_level(rms)`` feeds it, ``show_problem(text)`` replaces the
bar by an inline message (a device that cannot be opened), ``show_note(text)`` says what is
going on (opening…). With ``watch_silence`` the hint appears after ``SILENCE_HINT_SECONDS``
of levels below ``SILENCE_RMS`` and goes as soon as there is sound.
"""

from __future__ import annotations

import math
import time

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

FLOOR_DB = -60.0
PEAK_HOLD_SECONDS = 1.5
PEAK_FALL_PER_SECOND = 0.5  # of the bar's length, once the hold is over
GREEN, AMBER, RED = QColor("#3aa655"), QColor("#e0a526"), QColor("#d64541")
SILENCE_RMS = 0.001  # -60 dBFS, the bottom of the bar: a muted input or an idle monitor
SILENCE_HINT_SECONDS = 4.0  # this long at the bottom of the bar before the hint shows
PROBLEM_STYLE = "color: #c0392b;"
NOTE_STYLE = "color: palette(mid);"


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


class SourceMeter(QWidget):
    """One input in the Record view: name, level bar, and an inline problem or hint."""

    def __init__(self, title: str, silence_hint: str, picker: QWidget | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.silence_hint = silence_hint
        self.title_label = QLabel(title, self)  # may hold a mnemonic: it focuses the picker
        self.title_label.setMinimumWidth(100)
        self.picker = picker
        self.meter = LevelMeter(self)
        self.meter.setAccessibleName(title.replace("&", "").rstrip(":"))
        self.meter.setToolTip(self.tr("Sound level of this input (the thin mark holds the recent peak)"))
        self.message_label = QLabel(self)
        self.message_label.setWordWrap(True)
        self.message_label.hide()
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.title_label)
        if picker is not None:
            self.title_label.setBuddy(picker)
            row.addWidget(picker, 2)
        row.addWidget(self.meter, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self.message_label)
        self._watch_silence = False
        self._problem = False
        self._first_level_at = 0.0
        self._sound_at = 0.0

    def begin(self, watch_silence: bool) -> None:
        """A fresh look at the input: empty bar, no message, the silence clock reset."""
        self._watch_silence = watch_silence
        self._problem = False
        self._first_level_at = self._sound_at = 0.0
        self.meter.reset()
        self.meter.show()
        self._clear_message()

    def set_level(self, rms: float) -> None:
        if self._problem:
            return  # a stray level after the device failed
        self.meter.set_level(rms)
        now = time.monotonic()
        if not self._first_level_at:
            self._first_level_at = now
            if not self.has_hint():
                self._clear_message()  # "Opening…" is over: audio arrives
        if rms >= SILENCE_RMS:
            self._sound_at = now
            if self.has_hint():
                self._clear_message()
        elif self._watch_silence and now - max(self._first_level_at, self._sound_at) >= SILENCE_HINT_SECONDS:
            self._show_message(self.silence_hint, NOTE_STYLE, hint=True)

    def show_problem(self, text: str) -> None:
        """The input cannot be used: its message instead of the bar."""
        self._problem = True
        self.meter.reset()
        self.meter.hide()
        self._show_message(text, PROBLEM_STYLE)

    def show_note(self, text: str) -> None:
        self._show_message(text, NOTE_STYLE)

    def has_level(self) -> bool:
        """A level arrived since ``begin``: the input delivers audio."""
        return bool(self._first_level_at)

    def has_problem(self) -> bool:
        return self._problem

    def has_hint(self) -> bool:
        return bool(self.message_label.property("hint")) and self.message_label.isVisibleTo(self)

    def message(self) -> str:
        return self.message_label.text() if self.message_label.isVisibleTo(self) else ""

    def _show_message(self, text: str, style: str, hint: bool = False) -> None:
        self.message_label.setText(text)
        self.message_label.setStyleSheet(style)
        self.message_label.setProperty("hint", hint)
        self.message_label.show()

    def _clear_message(self) -> None:
        self.message_label.clear()
        self.message_label.setProperty("hint", False)
        self.message_label.hide()
