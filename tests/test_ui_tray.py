"""The tray: Record/Stop, Show and Quit, the elapsed time in its tooltip, closing the window
while recording (kept in the tray, asked once), notifications on save and when the Files
queue finishes.

Real MainWindow on a real Qt event loop (offscreen), real recordings of a file played as if
live (silence: the live transcription has nothing to do, so the tests stay light). Offscreen
has no system tray: ``tray.tray_available`` is monkeypatched to say there is one where the
test is about the tray being there; ``RecorderTray.messages`` lists the notifications sent.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from PySide6.QtCore import QThread

from meeting_recorder.ui import tray as tray_module
from meeting_recorder.ui.main_window import MainWindow
from meeting_recorder.ui.settings import CLOSE_ASK, CLOSE_STOP, CLOSE_TO_TRAY, AppSettings
from tests.needs import needs
from tests.speech import JFK

LONG_WAIT_MS = 240_000  # a busy 2-core machine
needs_jfk = needs(not JFK.is_file(), f"speech fixture {JFK} is missing")


@pytest.fixture
def settings(tmp_path) -> AppSettings:
    app_settings = AppSettings(tmp_path / "settings.ini")
    app_settings.model = "tiny.en"
    app_settings.language = "en"
    app_settings.device = "cpu"
    app_settings.speakers_enabled = False
    app_settings.recordings_dir = tmp_path / "recordings"
    return app_settings


@pytest.fixture
def silence(tmp_path) -> Path:
    """Two minutes of silence: a recording that runs until it is stopped."""
    path = tmp_path / "silence.wav"
    sf.write(path, np.zeros(16000 * 120, dtype=np.float32), 16000)
    return path


@pytest.fixture
def with_tray(monkeypatch) -> None:
    monkeypatch.setattr(tray_module, "tray_available", lambda: True)


def running_qthreads(window: MainWindow) -> list[QThread]:
    return [t for t in window.findChildren(QThread) if t.isRunning()]


@pytest.fixture
def open_window(qtbot, settings) -> Iterator[Callable[[], MainWindow]]:
    """Shown windows; at the end each is closed without questions and must have no threads."""
    windows: list[MainWindow] = []

    def make() -> MainWindow:
        win = MainWindow(settings)
        win.show()
        qtbot.waitExposed(win)
        windows.append(win)
        return win

    yield make
    for win in windows:
        win.close_for_signal()
        assert running_qthreads(win) == []


def record_from_tray(qtbot, win: MainWindow, audio: Path) -> Path:
    """The tray's Record; returns the .wav.partial being written."""
    win.record_view.source_file = str(audio)
    win.tray.record_action.trigger()
    qtbot.waitUntil(lambda: win.record_view.current_recording_path() is not None, timeout=LONG_WAIT_MS)
    return Path(win.record_view.current_recording_path())


def final(partial: Path) -> Path:
    return partial.with_name(partial.name[: -len(".partial")])


def menu_texts(win: MainWindow) -> list[str]:
    return [a.text() for a in win.tray.menu.actions() if not a.isSeparator()]


def test_tray_record_stop_and_elapsed_time_without_a_system_tray(qtbot, open_window, silence) -> None:
    win = open_window()
    tray = win.tray
    assert not tray.icon.isVisible()  # offscreen: no tray to show it in
    assert menu_texts(win) == ["&Record", "&Show window", "&Quit"]
    assert tray.icon.toolTip() == "Meeting Recorder"
    idle_icon = tray.icon.icon().cacheKey()

    partial = record_from_tray(qtbot, win, silence)
    assert win.recording_label.isVisible() and menu_texts(win)[0] == "&Stop recording"
    assert tray.icon.icon().cacheKey() != idle_icon  # the icon with the red dot
    qtbot.waitUntil(lambda: re.search(r"\nRecording 0:0[2-9]$", tray.icon.toolTip()) is not None, timeout=15_000)

    with qtbot.waitSignal(win.record_view.recording_finished, timeout=LONG_WAIT_MS) as finished:
        tray.record_action.trigger()  # Stop
    assert Path(finished.args[0]) == final(partial) and final(partial).is_file() and not partial.exists()
    assert sf.info(final(partial)).duration >= 1.0
    assert menu_texts(win)[0] == "&Record" and tray.icon.toolTip() == "Meeting Recorder"
    assert tray.icon.icon().cacheKey() == idle_icon
    assert tray.messages == []  # no tray, no notification

    # Closing while recording with no tray: asked as before, never hidden into a tray that is not there.
    record_from_tray(qtbot, win, silence)
    win.ask_keep_recording_in_tray = lambda: pytest.fail("no tray: keeping the recording in it is not offered")
    asked: list[bool] = []
    win.ask_stop_recording = lambda: asked.append(True) or False  # Cancel
    win.close()
    assert asked == [True] and win.isVisible() and win.record_view.is_recording()


def test_close_while_recording_keeps_it_in_the_tray_until_quit(qtbot, open_window, settings, silence,
                                                               with_tray) -> None:
    win = open_window()
    tray = win.tray
    assert tray.icon.isVisible()
    first = record_from_tray(qtbot, win, silence)
    asked: list[bool] = []

    def keep_and_remember() -> tuple[str, bool]:
        asked.append(True)
        return CLOSE_TO_TRAY, True

    win.ask_keep_recording_in_tray = keep_and_remember
    win.ask_stop_recording = lambda: pytest.fail("closing the window is not quitting")
    win.close()
    assert asked == [True] and win.isHidden() and win.record_view.is_recording()
    assert AppSettings(settings.path).close_while_recording == CLOSE_TO_TRAY  # remembered in the file
    assert tray.messages[-1][0] == "Still recording"

    tray.show_action.trigger()  # Show window
    assert win.isVisible()
    win.close()  # remembered: not asked again
    assert asked == [True] and win.isHidden() and win.record_view.is_recording()

    # Stop in the tray while the window is hidden: saved, and a notification names it.
    with qtbot.waitSignal(win.record_view.recording_finished, timeout=LONG_WAIT_MS):
        tray.record_action.trigger()
    assert final(first).is_file() and tray.messages[-1] == ("Recording saved", final(first).name)
    assert win.isHidden()

    # Quit in the tray: the normal way out (asked to stop; the recording is finalized).
    second = record_from_tray(qtbot, win, silence)
    qtbot.waitUntil(lambda: win.record_view.elapsed_label.text() not in ("", "0:00"), timeout=15_000)
    asked_stop: list[bool] = []
    win.ask_stop_recording = lambda: asked_stop.append(True) or True
    tray.quit_action.trigger()
    assert asked_stop == [True] and asked == [True]
    assert not win.record_view.is_recording() and final(second).is_file() and not second.exists()
    assert sf.info(final(second)).duration >= 1.0
    assert not tray.icon.isVisible() and running_qthreads(win) == []
    assert tray.messages[-1][1] == final(first).name  # none after quitting


def test_stop_and_quit_is_the_other_answer(qtbot, open_window, settings, silence, with_tray) -> None:
    win = open_window()
    partial = record_from_tray(qtbot, win, silence)
    win.ask_keep_recording_in_tray = lambda: (CLOSE_STOP, False)
    win.close()
    assert win.isHidden() and not win.record_view.is_recording()
    assert final(partial).is_file() and not partial.exists() and running_qthreads(win) == []
    assert settings.close_while_recording == CLOSE_ASK  # not remembered: asked next time


def test_the_close_choice_is_asked_once_and_remembered(open_window, settings, monkeypatch, with_tray) -> None:
    """``settle_recording`` is what closing while recording asks (no recording needed here)."""
    win = open_window()
    answers = iter([(None, True), (CLOSE_TO_TRAY, False), (CLOSE_STOP, True)])
    win.ask_keep_recording_in_tray = lambda: next(answers)
    assert not win.settle_recording() and win.isVisible()  # Cancel: stay, nothing remembered
    assert not win.settle_recording() and win.isHidden()  # Keep recording, this time only
    assert settings.close_while_recording == CLOSE_ASK
    win.show()
    assert win.settle_recording() and settings.close_while_recording == CLOSE_STOP  # Stop and quit, remembered
    win.ask_keep_recording_in_tray = lambda: pytest.fail("remembered: not asked")
    assert win.settle_recording()
    settings.close_while_recording = CLOSE_TO_TRAY
    assert not win.settle_recording() and win.isHidden()
    win.show()
    monkeypatch.setattr(tray_module, "tray_available", lambda: False)  # the tray went away: asked as before
    win.ask_stop_recording = lambda: False
    assert not win.settle_recording() and win.isVisible()


def test_notifications_only_with_a_tray_and_while_the_window_is_not_in_view(qtbot, open_window, monkeypatch,
                                                                             with_tray) -> None:
    win = open_window()
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)
    assert not win.tray.notify("Recording saved", "a.wav")  # the user is looking at the window
    win.hide()
    assert win.tray.notify("Recording saved", "a.wav")
    monkeypatch.setattr(tray_module, "tray_available", lambda: False)
    assert not win.tray.notify("Recording saved", "b.wav")
    assert win.tray.messages == [("Recording saved", "a.wav")]


@needs_jfk
def test_a_finished_queue_is_notified_with_its_counts(qtbot, open_window, tmp_path, with_tray) -> None:
    win = open_window()
    broken = tmp_path / "broken.wav"
    broken.write_bytes(b"not audio at all")
    win.hide()  # in the tray: the user is not looking
    with qtbot.waitSignal(win.files_view.busy_changed, timeout=10_000, check_params_cb=lambda busy: busy):
        win.add_files([str(JFK), str(broken)])
    qtbot.waitUntil(lambda: not win.files_view.is_busy(), timeout=LONG_WAIT_MS)
    assert win.tray.messages == [("Files finished", "1 transcribed, 1 failed")]
