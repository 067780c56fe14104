"""The main window shell: views, menus and shortcuts, status bar, preferences, quitting.

Real Qt event loop (offscreen), real views, real models where a view runs a job.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import soundfile as sf
from PySide6.QtCore import QMimeData, QRect, Qt, QThread, QUrl
from PySide6.QtGui import QAction, QDragEnterEvent, QKeySequence
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel

from meeting_recorder.ui.about import help_html
from meeting_recorder.ui.main_window import VIEW_KEYS, MainWindow
from meeting_recorder.ui.questions import CANCEL, OPENING, QUITTING, SAVE
from meeting_recorder.ui.settings import AppSettings
from meeting_recorder.ui.settings_dialog import SettingsDialog
from tests.qt_drops import drop_files
from tests.speech import JFK, repeat_audio
from tests.needs import needs

LONG_WAIT_MS = 240_000  # real models on a busy 2-core machine (nice 19)
needs_jfk = needs(not JFK.is_file(), f"speech fixture {JFK} is missing")


def make_settings(path: Path) -> AppSettings:
    settings = AppSettings(path / "settings.ini")
    settings.model = "tiny.en"
    settings.speakers_enabled = False
    settings.recordings_dir = path / "recordings"
    return settings


def running_qthreads(window: MainWindow) -> list[QThread]:
    return [t for t in window.findChildren(QThread) if t.isRunning()]


@pytest.fixture
def open_window(qtbot, tmp_path) -> Iterator[Callable[..., MainWindow]]:
    """Makes shown windows; at the end each is closed without questions and must have no threads."""
    windows: list[MainWindow] = []

    def make(settings: AppSettings | None = None) -> MainWindow:
        win = MainWindow(settings or make_settings(tmp_path))  # not qtbot.addWidget: its close() could ask
        win.show()
        qtbot.waitExposed(win)
        windows.append(win)
        return win

    yield make
    for win in windows:
        win.close_for_signal()
        assert running_qthreads(win) == []


def action_for(window: MainWindow, shortcut: str) -> QAction:
    wanted = QKeySequence(shortcut)
    found = [a for a in window.findChildren(QAction) if wanted in a.shortcuts()]
    assert len(found) == 1, f"{shortcut}: {[a.text() for a in found]}"
    return found[0]


# -- views, menus, shortcuts -----------------------------------------------------------------
def test_views_menus_and_shortcuts(qtbot, open_window, monkeypatch) -> None:
    win = open_window()
    assert [win.nav.item(i).text() for i in range(win.nav.count())] == [
        "Record", "Files", "Transcript", "Speakers", "Resources", "Library"]
    assert [m.title() for m in (a.menu() for a in win.menuBar().actions())] == ["&File", "&View", "&Speakers", "&Help"]
    assert action_for(win, "Ctrl+O") is win.open_files_action
    assert action_for(win, "Ctrl+S") is win.save_action
    assert action_for(win, "Ctrl+Q") is win.quit_action
    assert action_for(win, "F1") is win.help_action
    assert action_for(win, "Ctrl+R") is win.record_view.record_action  # in the File menu too
    assert "Ctrl+O" in help_html() and win.help_action.text() and win.about_action.text()

    for number, key in enumerate(VIEW_KEYS, start=1):  # View menu: Ctrl+1 … Ctrl+5
        action_for(win, f"Ctrl+{number}").trigger()
        assert win.current_view() == key and win.pages.currentWidget().widget() is win.views[key]
        assert win.view_actions[number - 1].isChecked()

    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)  # shortcuts go to the active window
    qtbot.keyClick(win, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)  # a real key press
    assert win.current_view() == "files"
    win.show_view("record")
    asked: list[bool] = []
    monkeypatch.setattr(win.files_view, "_ask_files", lambda: asked.append(True) or [])
    qtbot.keyClick(win, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)  # Open files… goes to Files
    assert asked == [True] and win.current_view() == "files"


def test_status_bar_shows_view_messages_and_resource_warnings(qtbot, open_window, tmp_path) -> None:
    settings = make_settings(tmp_path)
    settings.rss_warning_mb = 1  # this process surely uses more: the dashboard must warn
    win = open_window(settings)
    for view in win.views.values():
        if hasattr(view, "status_message"):
            view.status_message.emit(f"hello from {type(view).__name__}")
            assert win.status_text() == f"hello from {type(view).__name__}"
    qtbot.waitUntil(win.warning_label.isVisible, timeout=20_000)
    assert "⚠" in win.warning_label.text() and "MB" in win.warning_label.text()
    win.dashboard.warning_cleared.emit()
    assert win.warning_label.isHidden()


def test_drop_ignores_non_file_urls(open_window) -> None:
    win = open_window()
    mime = QMimeData()
    mime.setUrls([QUrl("https://example.com/talk.mp3")])
    enter = QDragEnterEvent(win.rect().center(), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(win, enter)
    assert not enter.isAccepted()


# -- preferences -----------------------------------------------------------------------------
def test_settings_and_geometry_persist_across_restart(qtbot, open_window, tmp_path) -> None:
    first = open_window()
    first.setGeometry(QRect(40, 50, 640, 480))  # inside the 800x600 offscreen screen
    qtbot.waitUntil(lambda: first.geometry().size().width() == 640)
    dialog = first.make_preferences_dialog()
    qtbot.addWidget(dialog)
    dialog.language_combo.setCurrentIndex(dialog.language_combo.findData("ko"))  # tiny.en → base
    dialog.device_combo.setCurrentIndex(dialog.device_combo.findData("cpu"))
    dialog.speakers_check.setChecked(True)
    dialog.keep_models_check.setChecked(True)
    dialog.folder_edit.setText(str(tmp_path / "elsewhere"))
    dialog.disk_stop_spin.setValue(321)
    dialog.cpu_spin.setValue(0)
    dialog.ui_language_combo.setCurrentIndex(dialog.ui_language_combo.findData("ko"))
    dialog.accept()
    assert dialog.restart_needed
    first.apply_settings(dialog.restart_needed)
    assert "next start" in first.status_text()
    first.close()
    assert first.isHidden() and running_qthreads(first) == []

    second = open_window(AppSettings(tmp_path / "settings.ini"))  # a fresh QSettings on the same file
    assert second.geometry().size() == first.geometry().size()
    assert second.geometry().topLeft() == first.geometry().topLeft()
    s = second.settings
    assert (s.model, s.language, s.device, s.speakers_enabled, s.keep_models_loaded) == ("base", "ko", "cpu", True, True)
    assert (s.recordings_dir, s.disk_stop_mb, s.cpu_warning_percent, s.ui_language) == (
        tmp_path / "elsewhere", 321, 0, "ko")
    again = SettingsDialog(s)
    qtbot.addWidget(again)
    assert again.model_combo.currentData() == "base" and again.ui_language_combo.currentData() == "ko"
    assert again.cpu_spin.text() == "off"  # 0 turns a warning off, and says so


def test_preferences_model_folder_and_cancel(qtbot, tmp_path, monkeypatch) -> None:
    settings = make_settings(tmp_path)
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    model_dir = tmp_path / "my-model"
    model_dir.mkdir()
    monkeypatch.setattr(dialog, "choose_folder", lambda title, start: str(model_dir))
    dialog.model_button.click()
    dialog.folder_button.click()
    assert dialog.model_combo.currentData() == str(model_dir) and dialog.folder_edit.text() == str(model_dir)
    dialog.reject()  # Cancel writes nothing
    assert settings.model == "tiny.en" and settings.recordings_dir == tmp_path / "recordings"
    dialog.load()
    dialog.set_model(str(model_dir))
    dialog.apply()
    assert settings.model == str(model_dir) and not dialog.restart_needed
    assert SettingsDialog(settings).model_combo.currentText() == str(model_dir)
    mnemonics = [re.search(r"&(\w)", w.text()).group(1).lower()
                 for w in [*dialog.findChildren(QLabel), *dialog.findChildren(QAbstractButton)]
                 if re.search(r"&\w", w.text())]
    assert len(mnemonics) >= 12 and len(set(mnemonics)) == len(mnemonics), mnemonics  # Alt+letter reaches each
    for field in (dialog.model_combo, dialog.language_combo, dialog.device_combo, dialog.folder_edit,
                  dialog.rss_spin, dialog.disk_stop_spin, dialog.ui_language_combo):
        assert field.toolTip(), field  # every control explains itself


# -- files ------------------------------------------------------------------------------------
@needs_jfk
def test_dropped_file_is_transcribed_and_its_result_opens(qtbot, open_window) -> None:
    win = open_window()
    opened: list[str] = []
    win.files_view.open_transcript_requested.connect(opened.append)
    drop_files(win.nav, [JFK])  # anywhere on the window
    assert win.current_view() == "files"
    qtbot.waitUntil(lambda: win.files_view.job_states() == [(str(JFK), "done")], timeout=LONG_WAIT_MS)
    win.files_view.open_result(0)
    assert len(opened) == 1 and opened[0].endswith(".json") and Path(opened[0]).is_file()
    if hasattr(win.editor, "open_transcript"):
        assert win.current_view() == "transcript"


@needs_jfk
def test_close_while_files_are_transcribing_asks(qtbot, open_window, tmp_path) -> None:
    long_audio = repeat_audio(JFK, tmp_path / "long.wav", 8)
    win = open_window()
    win.add_files([str(long_audio)])
    qtbot.waitUntil(lambda: win.files_view.job_states()[0][1] == "running", timeout=LONG_WAIT_MS)
    answers = iter([False, True])
    asked: list[bool] = []
    win.ask_cancel_transcriptions = lambda: asked.append(True) or next(answers)
    win.close()  # "no": the window stays and keeps working
    assert asked == [True] and win.isVisible() and win.files_view.is_busy()
    win.close()  # "yes": cancelled, every thread joined
    assert asked == [True, True] and win.isHidden()
    assert running_qthreads(win) == [] and not win.files_view.is_busy()


# -- editor ------------------------------------------------------------------------------------
def write_transcript(path: Path) -> Path:
    segments = [{"start": 0.0, "end": 2.0, "text": "Hello there.", "speaker": "Speaker 1", "words": []},
                {"start": 2.0, "end": 4.0, "text": "General Kenobi.", "speaker": "Speaker 2", "words": []}]
    path.write_text(json.dumps({"file": "", "duration": 4.0, "language": "en", "model": "tiny.en",
                                "segments": segments}), encoding="utf-8")
    return path


def test_unsaved_edits_are_asked_about_on_open_and_quit(qtbot, open_window, tmp_path) -> None:
    first, second = write_transcript(tmp_path / "a.json"), write_transcript(tmp_path / "b.json")
    win = open_window()
    drop_files(win.nav, [first])  # a transcript dropped on the window opens in the editor
    assert win.current_view() == "transcript" and win.editor.path == first
    assert win.windowTitle() == "a.json[*]" and not win.isWindowModified()  # the desktop adds the app's name
    assert win.editor.set_segment_text(0, "Hello again.")
    assert win.isWindowModified() and win.editor.has_unsaved_changes()

    asked: list[str] = []
    answers = iter([CANCEL, CANCEL, SAVE])
    win.ask_unsaved_changes = lambda reason: asked.append(reason) or next(answers)
    assert not win.open_transcript_path(str(second))  # Cancel: the edits stay open
    assert win.editor.path == first
    win.close()  # Cancel: the window stays
    assert asked == [OPENING, QUITTING] and win.isVisible()
    win.close()  # Save: written, then closed
    assert win.isHidden() and running_qthreads(win) == []
    assert json.loads(first.read_text(encoding="utf-8"))["segments"][0]["text"] == "Hello again."


def test_save_and_export_without_a_transcript_say_so(open_window) -> None:
    win = open_window()
    win.save_action.trigger()
    assert "No transcript is open" in win.status_text()
    assert [a.text() for a in win.export_menu.actions()][0].endswith("…")


def test_enroll_the_selected_segments_speaker(qtbot, open_window, tmp_path) -> None:
    transcript = tmp_path / "jfk.json"
    segment = {"start": 0.0, "end": 11.0, "speaker": "Speaker 1", "words": [],
               "text": "And so my fellow Americans, ask not what your country can do for you."}
    transcript.write_text(json.dumps({"file": str(JFK), "duration": 11.0, "language": "en", "model": "tiny.en",
                                      "segments": [segment]}), encoding="utf-8")
    win = open_window()
    assert win.open_transcript_path(str(transcript)) and win.editor.audio_path == JFK
    win.enroll_segment_action.trigger()  # nothing selected: says what to do
    assert "Select a segment" in win.status_text()
    win.editor.table.selectRow(0)
    suggested: list[str] = []
    win.ask_speaker_name = lambda text: suggested.append(text) or "John Kennedy"
    win.enroll_segment_action.trigger()
    assert suggested == [""]  # a "Speaker N" label is no name to suggest
    assert win.editor.model.speakers() == ["John Kennedy"] and win.isWindowModified()
    qtbot.waitUntil(lambda: not win.speakers_view.is_busy(), timeout=LONG_WAIT_MS)
    assert win.speakers_view.speaker_names() == ["John Kennedy"], win.speakers_view.error_text()


# -- recording ---------------------------------------------------------------------------------
def start_file_recording(qtbot, win: MainWindow, audio: Path, speed: float = 1.0) -> Path:
    """Record ``audio`` played as if live; returns the .wav.partial being written."""
    win.record_view.source_file = str(audio)
    win.record_view.source_speed = speed
    win.record_view.record_action.trigger()  # File ▸ Record (Ctrl+R)
    qtbot.waitUntil(lambda: win.record_view.current_recording_path() is not None, timeout=LONG_WAIT_MS)
    assert win.recording_label.isVisible()
    return Path(win.record_view.current_recording_path())


@needs_jfk
def test_close_during_recording_asks_then_finalizes(qtbot, open_window, tmp_path) -> None:
    win = open_window()
    partial = start_file_recording(qtbot, win, repeat_audio(JFK, tmp_path / "long.wav", 6))
    assert partial.name.endswith(".wav.partial")
    sample = win.dashboard.refresh_now()  # the dashboard follows the recording being written
    assert sample["recording_path"] == str(partial)
    answers = iter([False, True])
    win.ask_stop_recording = lambda: next(answers)
    win.close()  # Cancel: still recording
    assert win.isVisible() and win.record_view.is_recording()
    qtbot.wait(1500)
    win.close()  # Stop and quit: the file is finalized before the window goes
    assert win.isHidden() and not win.record_view.is_recording()
    wav = partial.with_name(partial.name[: -len(".partial")])
    assert wav.is_file() and not partial.exists()
    info = sf.info(wav)
    assert info.frames > 0 and info.duration > 1.0
    assert running_qthreads(win) == []


@needs_jfk
def test_low_disk_stops_the_recording_and_the_transcript_opens(qtbot, open_window, tmp_path) -> None:
    win = open_window()
    partial = start_file_recording(qtbot, win, JFK, speed=2.0)
    qtbot.wait(2000)
    win.dashboard.low_disk_stop.emit()
    assert "almost out of free space" in win.status_text()
    qtbot.waitUntil(lambda: not win.record_view.is_recording(), timeout=LONG_WAIT_MS)
    assert partial.with_name(partial.name[: -len(".partial")]).is_file()
    # The finished recording's transcript opens in the editor.
    qtbot.waitUntil(lambda: win.editor.path is not None, timeout=LONG_WAIT_MS)
    assert win.current_view() == "transcript" and win.editor.path.suffix == ".json"
    assert not win.recording_label.isVisible()


@needs_jfk
def test_quit_while_whisper_is_slow_stays_responsive_and_bounded(qtbot, open_window, tmp_path) -> None:
    """Quitting never freezes the window: the file is finalized at once, the last words get a
    few seconds and are then cancelled, and the event loop runs all the while."""
    import time

    from PySide6.QtCore import QTimer

    from meeting_recorder.core.errors import Cancelled
    from meeting_recorder.ui.audio_worker import QUIT_WAIT_SECONDS

    win = open_window()
    partial = start_file_recording(qtbot, win, repeat_audio(JFK, tmp_path / "long.wav", 6))
    worker = win.record_view.audio.worker
    qtbot.waitUntil(lambda: worker.engine is not None and worker.engine.loaded, timeout=LONG_WAIT_MS)
    engine, transcribe = worker.engine, worker.engine.transcribe_samples

    def very_slow(*args, cancel=None, **kwargs):  # a large model on a slow CPU: a minute per utterance
        for _ in range(600):
            if cancel is not None and cancel.is_set():
                raise Cancelled()
            time.sleep(0.1)
        return transcribe(*args, cancel=cancel, **kwargs)

    engine.transcribe_samples = very_slow
    qtbot.wait(3000)  # an utterance is being transcribed, slowly
    ticks: list[int] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(100)
    started = time.monotonic()
    win.close_for_signal()
    took = time.monotonic() - started
    timer.stop()
    assert took < QUIT_WAIT_SECONDS, took
    assert len(ticks) >= 10, "the event loop ran while quitting (the window repaints)"
    wav = partial.with_name(partial.name[: -len(".partial")])
    assert wav.is_file() and not partial.exists() and sf.info(wav).duration > 2
    assert running_qthreads(win) == []


@needs_jfk
def test_disk_full_mid_recording_stops_it_and_says_so_in_a_dialog(qtbot, open_window, tmp_path) -> None:
    from PySide6.QtWidgets import QMessageBox

    from tests.test_faults_live import small_disk

    with small_disk(tmp_path / "disk", "8m") as disk:
        settings = make_settings(tmp_path)
        settings.recordings_dir = disk
        settings.disk_stop_mb = 5  # the user's "stop below": ~3 MB of recording fit
        win = open_window(settings)
        partial = start_file_recording(qtbot, win, repeat_audio(JFK, tmp_path / "long.wav", 6), speed=0)
        qtbot.waitUntil(lambda: not win.record_view.is_recording(), timeout=LONG_WAIT_MS)
        dialog = win.findChild(QMessageBox, "recording-failed-dialog")
        assert dialog is not None and dialog.isVisible()
        assert "almost full" in dialog.text() and "almost full" in win.record_view.error_label.text()
        wav = partial.with_name(partial.name[: -len(".partial")])
        assert wav.is_file() and not partial.exists()
        dialog.accept()
        win.close_for_signal()
