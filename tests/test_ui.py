"""The desktop window on a real Qt event loop, with real models and real audio files."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

import json
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from PySide6.QtCore import QLocale, QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QWidget

from meeting_recorder.ui.app import LANG_ENV, TRANSLATIONS_DIR, install_translators, remove_translators, ui_locale
from meeting_recorder.ui.main_window import MainWindow, State
from meeting_recorder.ui.transcript_format import export_target, format_clock

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"  # the repo sits beside shared/
JFK = DATA / "jfk.flac"
JFK_WORDS = "ask not what your country"
LONG_WAIT_MS = 120_000  # real models on a busy 2-core machine
BIN = Path(sys.executable).parent

needs_jfk = pytest.mark.skipif(not JFK.is_file(), reason=f"speech fixture {JFK} is missing")


def drop_files(target: QWidget, paths: Sequence[Path | str]) -> bool:
    """Drag the files onto ``target`` the way a file manager does; True if it was accepted."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    centre = target.rect().center()  # QDragEnterEvent takes a QPoint, QDropEvent a QPointF
    enter = QDragEnterEvent(centre, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(target, enter)
    if not enter.isAccepted():
        return False
    drop = QDropEvent(QPointF(centre), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(target, drop)
    return drop.isAccepted()


def assert_stopped(window: MainWindow) -> None:
    thread = window.worker_thread.thread
    assert not thread.isRunning()
    engine = window.worker_thread.worker.engine
    assert engine is None or engine.loaded is False


@pytest.fixture
def window(qtbot) -> Iterator[MainWindow]:
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.close()  # must cancel, join the worker thread and release the model
    assert_stopped(win)


def wait_done(qtbot, window: MainWindow, states: tuple[State, ...] = (State.DONE,)) -> None:
    qtbot.waitUntil(lambda: window.state in states, timeout=LONG_WAIT_MS)


@pytest.fixture(scope="module")
def long_audio(tmp_path_factory) -> Path:
    """About 66 s of speech: jfk.flac six times over."""
    samples, rate = sf.read(JFK, dtype="float32")
    path = tmp_path_factory.mktemp("long") / "long_meeting.wav"
    sf.write(path, np.concatenate([samples] * 6), rate)
    return path


# (1) --------------------------------------------------------------------------------------
def test_window_shows_without_heavy_imports(window: MainWindow) -> None:
    assert window.isVisible()
    assert window.open_button.text() == "Open file…"
    assert window.state is State.IDLE and not window.cancel_button.isEnabled()
    # A fresh interpreter, started the way the console script starts the app (no arguments).
    code = textwrap.dedent(
        """
        import json, sys
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication
        from meeting_recorder.cli import main
        from meeting_recorder.ui.main_window import MainWindow
        app = QApplication([])
        seen = {}
        def check():
            windows = [w for w in app.topLevelWidgets() if isinstance(w, MainWindow)]
            seen["visible"] = [w.isVisible() for w in windows]
            seen["heavy"] = sorted(m for m in ("torch", "faster_whisper", "ctranslate2", "onnxruntime", "av",
                                               "meeting_recorder.core.engine") if m in sys.modules)
            seen["window"] = windows[0] if windows else None
            app.quit()
        QTimer.singleShot(300, check)
        code = main([])
        win = seen.pop("window")
        seen["thread_running"] = win.worker_thread.thread.isRunning()
        print(json.dumps({"code": code, **seen}))
        """
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result == {"code": 0, "visible": [True], "heavy": [], "thread_running": False}


# (2) --------------------------------------------------------------------------------------
@needs_jfk
def test_drop_transcribes_and_saves(qtbot, window: MainWindow, tmp_path: Path) -> None:
    assert drop_files(window.drop_area, [JFK])
    qtbot.waitUntil(lambda: JFK_WORDS in window.transcript_view.toPlainText().lower(), timeout=LONG_WAIT_MS)
    wait_done(qtbot, window)
    text = window.transcript_view.toPlainText()
    assert re.match(r"\[0:00\.\d → 0:\d\d\.\d\] ", text), text  # every line starts with its times
    assert window.progress_bar.value() == window.progress_bar.maximum()
    assert window.errors == [] and window.error_label.isHidden()
    assert window.save_button.isEnabled() and window.transcript_combo.currentText() == "jfk.flac"

    # Save: the filter picks the format when no suffix is typed; a typed suffix wins.
    srt = window.save_transcript_to(str(tmp_path / "meeting"), "SubRip subtitles (*.srt)")
    assert srt == tmp_path / "meeting.srt" and "-->" in srt.read_text(encoding="utf-8")
    data = json.loads(window.save_transcript_to(str(tmp_path / "meeting.json"), "Plain text (*.txt)").read_text())
    assert JFK_WORDS in " ".join(s["text"] for s in data["segments"]).lower()


def test_drop_ignores_non_file_urls(window: MainWindow) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl("https://example.com/talk.mp3")])
    enter = QDragEnterEvent(QPoint(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window.drop_area, enter)
    assert not enter.isAccepted() and window.state is State.IDLE


# (3) --------------------------------------------------------------------------------------
@needs_jfk
def test_bad_file_reports_error_and_next_file_still_runs(qtbot, window: MainWindow, tmp_path: Path) -> None:
    empty = tmp_path / "empty recording.wav"
    empty.write_bytes(b"")
    assert drop_files(window.drop_area, [empty, JFK])
    wait_done(qtbot, window)
    assert len(window.errors) == 1 and "empty recording.wav" in window.errors[0]
    assert "empty" in window.error_label.text() and window.error_label.isVisible()
    assert JFK_WORDS in window.transcript_view.toPlainText().lower()
    assert window.status_label.text() == "Done: 1 of 2 file(s) transcribed."


# (4) --------------------------------------------------------------------------------------
@needs_jfk
def test_cancel_mid_file_keeps_nothing(qtbot, window: MainWindow, long_audio: Path) -> None:
    with qtbot.waitSignal(window.worker_thread.worker.progress, timeout=LONG_WAIT_MS):
        assert drop_files(window.drop_area, [long_audio, JFK])  # jfk waits in the queue
    assert window.cancel_button.isEnabled()
    qtbot.mouseClick(window.cancel_button, Qt.MouseButton.LeftButton)
    wait_done(qtbot, window, (State.CANCELLED, State.DONE))
    assert window.state is State.CANCELLED
    assert window.status_label.text() == "Cancelled. Nothing was saved."
    assert window.transcripts == [] and window.transcript_combo.count() == 0
    assert window.transcript_view.toPlainText() == "" and not window.save_button.isEnabled()
    assert window.progress_bar.value() == 0 and not window.cancel_button.isEnabled()
    assert sorted(p.name for p in long_audio.parent.iterdir()) == ["long_meeting.wav"]  # nothing written

    # The worker is ready for the next job after a cancel.
    assert drop_files(window.drop_area, [JFK])
    wait_done(qtbot, window)
    assert JFK_WORDS in window.transcript_view.toPlainText().lower()


# (5) --------------------------------------------------------------------------------------
def test_korean_translation_loads(qtbot, qapp, monkeypatch) -> None:
    monkeypatch.setenv(LANG_ENV, "ko")
    assert ui_locale().language() == QLocale.Language.Korean
    translators = install_translators(qapp)
    try:
        assert translators, "meeting_recorder_ko.qm did not load"
        win = MainWindow()
        qtbot.addWidget(win)
        assert win.open_button.text() == "파일 열기…"
        assert win.cancel_button.text() == "취소" and win.windowTitle() == "회의 녹음기"
        win.close()
        assert_stopped(win)
    finally:
        remove_translators(qapp, translators)
    monkeypatch.setenv(LANG_ENV, "en")  # the override also forces English on a Korean system
    assert install_translators(qapp) == []


def test_translations_complete_and_compiled(tmp_path: Path) -> None:
    """Every tr() string has a Korean translation and the committed .qm matches the .ts."""
    ts = TRANSLATIONS_DIR / "meeting_recorder_ko.ts"
    fresh = tmp_path / ts.name
    fresh.write_bytes(ts.read_bytes())
    sources = sorted(str(p) for p in TRANSLATIONS_DIR.parent.glob("*.py"))
    subprocess.run([str(BIN / "pyside6-lupdate"), *sources, "-ts", str(fresh), "-no-obsolete"],
                   check=True, capture_output=True, timeout=120)
    text = fresh.read_text(encoding="utf-8")
    assert 'type="unfinished"' not in text, "untranslated strings: run pyside6-lupdate and translate them"
    assert 'type="vanished"' not in text
    qm = tmp_path / "fresh.qm"
    subprocess.run([str(BIN / "pyside6-lrelease"), str(ts), "-qm", str(qm)], check=True, capture_output=True,
                   timeout=120)
    assert qm.read_bytes() == (TRANSLATIONS_DIR / "meeting_recorder_ko.qm").read_bytes(), "recompile the .qm"


# (6) --------------------------------------------------------------------------------------
@needs_jfk
def test_close_stops_thread_and_releases_model(qtbot, window: MainWindow) -> None:
    assert drop_files(window.drop_area, [JFK])
    wait_done(qtbot, window)
    engine = window.worker_thread.worker.engine
    assert engine is not None and engine.loaded and window.worker_thread.thread.isRunning()
    window.close()
    assert_stopped(window)
    assert engine.loaded is False


@needs_jfk
def test_close_while_transcribing(qtbot, window: MainWindow, long_audio: Path) -> None:
    with qtbot.waitSignal(window.worker_thread.worker.progress, timeout=LONG_WAIT_MS):
        assert drop_files(window.drop_area, [long_audio])
    window.close()  # cancels the running job, then joins the thread
    assert_stopped(window)
    assert window.transcripts == []


# helpers ----------------------------------------------------------------------------------
def test_format_helpers() -> None:
    assert format_clock(3.25) == "0:03" and format_clock(3.25, tenths=True) == "0:03.2"
    assert format_clock(3725) == "1:02:05"
    assert export_target("a/b", "WebVTT-자막 (*.vtt)") == (Path("a/b.vtt"), "vtt")
    assert export_target("a/b.MD", "JSON (*.json)") == (Path("a/b.MD"), "md")
    assert export_target("a/b.final", "") == (Path("a/b.final.txt"), "txt")


def test_qt_calls_keep_none_alive(qtbot) -> None:
    """PySide6 6.12.0 dropped a reference to None on every void call, which aborts Python
    3.11 within seconds ("none_dealloc"); the pinned 6.11.3 must not."""
    from PySide6.QtWidgets import QLabel

    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for i in range(2000):
        label.setText(str(i))
    assert sys.getrefcount(None) - before > -100
