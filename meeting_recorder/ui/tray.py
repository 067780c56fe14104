"""The tray icon: the recording's state and elapsed time, Record/Stop, Show window and Quit,
and desktop notifications when a recording is saved or the Files queue finishes.

``RecorderTray(record_view, files_view, window)`` owns the ``QSystemTrayIcon`` and its
menu; it works without a system tray too (offscreen, some desktops): the actions and
the tooltip behave the same, only the icon is not shown and no notification is sent.
``tray_available()`` is the one availability check (tests monkeypatch it).

``TrayWindow`` is the main window's part (a mixin, like ``LibraryWindow``): closing the
window while recording asks once whether to keep recording in the tray (remembered when
the user ticks "Don't ask again"); kept, the window hides and the recording goes on until
Stop or Quit in the tray. ``quit_app()`` (tray Quit, File ▸ Quit) is the normal close
(``confirm_close`` and ``shutdown``: the recording is finalized), then ends the event
loop, which closing a hidden window does not do by itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QColor, QIcon, QPainter, QPen
from PySide6.QtWidgets import QCheckBox, QMenu, QMessageBox, QSystemTrayIcon, QWidget

from meeting_recorder.ui import questions
from meeting_recorder.ui.record_view import State
from meeting_recorder.ui.settings import CLOSE_ASK, CLOSE_STOP, CLOSE_TO_TRAY
from meeting_recorder.ui.view_stack import painted_icon

TICK_MS = 1000  # the tooltip's elapsed time
MESSAGE_MS = 8000  # how long a notification stays (desktops may choose otherwise)
ICON_PX = 64


def tray_available() -> bool:
    """Whether the desktop has a system tray (offscreen and some Wayland desktops do not)."""
    return QSystemTrayIcon.isSystemTrayAvailable()


def _grey_disc(painter: QPainter) -> None:
    painter.setBrush(QColor("#546e7a"))
    painter.drawEllipse(4, 4, 24, 24)


def base_icon(window: QWidget) -> QIcon:
    """The app's icon; the window's, or a painted one, if it cannot be loaded."""
    from meeting_recorder.ui.app_icon import app_icon

    for icon in (app_icon(), window.windowIcon()):
        if not icon.isNull():
            return icon
    return painted_icon(_grey_disc)


def recording_icon(base: QIcon) -> QIcon:
    """``base`` with a red dot in its lower right corner: recording."""
    pixmap = base.pixmap(ICON_PX, ICON_PX)
    if pixmap.deviceIndependentSize().width() < ICON_PX:  # a small bitmap icon: room for the dot
        pixmap = pixmap.scaled(ICON_PX, ICON_PX, Qt.AspectRatioMode.KeepAspectRatio,
                               Qt.TransformationMode.SmoothTransformation)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(QColor("white"), ICON_PX / 20))
    painter.setBrush(QColor("#d32f2f"))
    size = ICON_PX * 0.5
    painter.drawEllipse(ICON_PX - size - 2, ICON_PX - size - 2, size, size)
    painter.end()
    return QIcon(pixmap)


def keep_recording_question(parent: QWidget) -> tuple[str | None, bool]:
    """(CLOSE_TO_TRAY or CLOSE_STOP, remember) — (None, False) when cancelled."""
    box = QMessageBox(QMessageBox.Icon.Question,
                      QCoreApplication.translate("RecorderTray", "Recording in progress"),
                      QCoreApplication.translate("RecorderTray", "Keep recording in the tray?"),
                      QMessageBox.StandardButton.Cancel, parent)
    box.setInformativeText(QCoreApplication.translate(
        "RecorderTray", "The window closes and the recording goes on. The tray icon shows it; "
                        "Stop or Quit there saves it."))
    keep = box.addButton(QCoreApplication.translate("RecorderTray", "Keep recording"),
                         QMessageBox.ButtonRole.AcceptRole)
    stop = box.addButton(QCoreApplication.translate("RecorderTray", "Stop and quit"),
                         QMessageBox.ButtonRole.DestructiveRole)
    box.setDefaultButton(keep)
    remember = QCheckBox(QCoreApplication.translate("RecorderTray", "Don't ask again"), box)
    box.setCheckBox(remember)
    box.exec()
    clicked = box.clickedButton()
    choice = CLOSE_TO_TRAY if clicked is keep else CLOSE_STOP if clicked is stop else None
    return choice, choice is not None and remember.isChecked()


class RecorderTray(QObject):
    """The tray icon and its menu; ``messages`` lists every notification sent (title, text)."""

    show_requested = Signal()
    quit_requested = Signal()

    def __init__(self, record_view: Any, files_view: Any, window: QWidget) -> None:
        super().__init__(window)
        self.record_view = record_view
        self.window = window
        self.idle_icon = base_icon(window)
        self.busy_icon = recording_icon(self.idle_icon)
        self.messages: list[tuple[str, str]] = []
        self._shown_busy: bool | None = None
        self._shut_down = False
        self._queue_counts = [0, 0]  # transcribed, failed since the queue was last idle
        self.icon = QSystemTrayIcon(self.idle_icon, self)
        self._build_menu(window)
        self.icon.activated.connect(self._on_activated)
        self.icon.messageClicked.connect(self.show_requested)
        self._tick = QTimer(self)
        self._tick.setInterval(TICK_MS)
        self._tick.timeout.connect(self.refresh)
        record_view.recording_changed.connect(self._on_recording_changed)
        record_view.record_action.changed.connect(self.refresh)  # its text and enabled state follow the state
        record_view.recording_finished.connect(self._on_recording_saved)
        files_view.queue.finished.connect(lambda *_: self._count(0))
        files_view.queue.failed.connect(lambda *_: self._count(1))
        files_view.busy_changed.connect(self._on_queue_busy)
        self.refresh()
        if tray_available():
            self.icon.show()

    def _build_menu(self, window: QWidget) -> None:
        self.menu = QMenu(window)
        self.record_action = QAction(self)
        self.record_action.triggered.connect(lambda _checked=False: self.record_view.toggle_recording())
        self.show_action = QAction(self.tr("&Show window"), self)
        self.show_action.triggered.connect(self.show_requested)
        self.quit_action = QAction(self.tr("&Quit"), self)
        self.quit_action.triggered.connect(self.quit_requested)
        for action in (self.record_action, self.show_action, None, self.quit_action):
            self.menu.addSeparator() if action is None else self.menu.addAction(action)
        self.icon.setContextMenu(self.menu)

    # -- state --------------------------------------------------------------------------------
    @Slot(bool)
    def _on_recording_changed(self, recording: bool) -> None:
        self._tick.start() if recording else self._tick.stop()
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        state = self.record_view.state
        self.record_action.setText(self.tr("&Stop recording") if state in (State.STARTING, State.RECORDING)
                                   else self.tr("&Record"))
        self.record_action.setEnabled(state != State.STOPPING)
        busy = state != State.IDLE
        if busy != self._shown_busy:  # not every second: some trays flicker on each new icon
            self._shown_busy = busy
            self.icon.setIcon(self.busy_icon if busy else self.idle_icon)
        self.icon.setToolTip(self.tooltip())

    def tooltip(self) -> str:
        name = self.tr("Meeting Recorder")
        state = self.record_view.state
        if state == State.RECORDING:
            detail = self.tr("Recording {elapsed}").format(elapsed=self.record_view.elapsed_label.text())
        elif state == State.STARTING:
            detail = self.tr("Starting the recording…")
        elif state == State.STOPPING:
            detail = self.tr("Saving the recording…")
        else:
            return name
        return f"{name}\n{detail}"

    @Slot(QSystemTrayIcon.ActivationReason)
    def _on_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger, QSystemTrayIcon.ActivationReason.DoubleClick):
            self.show_requested.emit()

    # -- notifications ------------------------------------------------------------------------
    def notify(self, title: str, text: str) -> bool:
        """A desktop notification, unless there is no tray or the user is looking at the window."""
        if self._shut_down or not tray_available() or (self.window.isVisible() and self.window.isActiveWindow()):
            return False
        self.messages.append((title, text))
        if not self.icon.isVisible():  # the tray appeared after the start (a panel that starts late)
            self.icon.show()
        self.icon.showMessage(title, text, self.idle_icon, MESSAGE_MS)
        return True

    @Slot(str)
    def _on_recording_saved(self, path: str) -> None:
        self.notify(self.tr("Recording saved"), Path(path).name)

    def _count(self, index: int) -> None:
        self._queue_counts[index] += 1

    @Slot(bool)
    def _on_queue_busy(self, busy: bool) -> None:
        if busy:
            return
        (done, failed), self._queue_counts = self._queue_counts, [0, 0]
        if not done and not failed:  # all cancelled: the user knows
            return
        text = (self.tr("{done} transcribed, {failed} failed").format(done=done, failed=failed) if failed
                else self.tr("{done} transcribed").format(done=done))
        self.notify(self.tr("Files finished"), text)

    def shutdown(self) -> None:
        """Quitting: no more notifications, the icon goes."""
        self._shut_down = True
        self._tick.stop()
        self.icon.hide()


class TrayWindow:
    """The main window's tray part; it uses ``settings``, ``record_view``, ``files_view``,
    ``close`` and ``hide``/``show``."""

    settings: Any
    record_view: Any
    files_view: Any

    def _build_tray(self) -> None:
        self._quitting = False  # Quit (tray, File menu) closes for good, never into the tray
        self.tray = RecorderTray(self.record_view, self.files_view, self)
        self.tray.show_requested.connect(self.show_from_tray)
        self.tray.quit_requested.connect(self.quit_app)

    # The questions about a running recording; tests replace these methods.
    def ask_stop_recording(self) -> bool:
        return questions.stop_recording(self)

    def ask_keep_recording_in_tray(self) -> tuple[str | None, bool]:
        return keep_recording_question(self)

    def settle_recording(self) -> bool:
        """Closing while recording. True: stop it and go on closing. False: stay — the
        window stays, or hides into the tray while the recording goes on."""
        if self._quitting or not tray_available():
            return self.ask_stop_recording()
        choice = self.settings.close_while_recording
        if choice == CLOSE_ASK:
            choice, remember = self.ask_keep_recording_in_tray()
            if choice is None:
                return False
            if remember:
                self.settings.close_while_recording = choice
        if choice == CLOSE_TO_TRAY:
            self.hide_to_tray()
            return False
        return True

    def hide_to_tray(self) -> None:
        self.hide()
        self.tray.notify(QCoreApplication.translate("RecorderTray", "Still recording"),
                         QCoreApplication.translate("RecorderTray", "Click the tray icon to show the window."))

    @Slot()
    def show_from_tray(self) -> None:
        self.showNormal() if self.isMinimized() else self.show()
        self.raise_()
        self.activateWindow()

    @Slot()
    def quit_app(self) -> bool:
        """Close as Quit does (the questions, then shutdown); then end the event loop."""
        self._quitting = True
        try:
            closed = self.close()
        finally:
            self._quitting = False
        if closed:
            QCoreApplication.quit()  # does nothing where no event loop runs (tests)
        return closed
