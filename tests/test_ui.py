"""The app as a whole: start-up (no heavy imports before the window shows, preload after),
the interface language, translations, and small helpers. The window shell itself is tested
in test_ui_window.py, the views in test_ui_<view>.py."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import psutil
import pytest
from PySide6.QtCore import QLocale

from meeting_recorder.core.audio import probe
from meeting_recorder.core.errors import AudioDecodeError

from meeting_recorder.ui.app import (
    LANG_ENV, PRELOAD_ENV, STARTUP_STAMP_ENV, TRANSLATIONS_DIR, install_translators, remove_translators, ui_locale,
)
from meeting_recorder.ui.core_messages import describe_error, translate_event
from meeting_recorder.ui.main_window import MainWindow
from meeting_recorder.ui.settings import AppSettings
from meeting_recorder.core.clock import format_clock
from meeting_recorder.ui.transcript_format import export_target

BIN = Path(sys.executable).parent
MESSAGES = TRANSLATIONS_DIR.parent.parent / "messages.py"  # core events' words: translated with the ui


# -- start-up --------------------------------------------------------------------------------
STARTUP_CODE = textwrap.dedent(
    """
    import json, os, sys, threading, time
    from pathlib import Path
    import numpy  # its BLAS threads are part of the baseline, not the app's
    import psutil
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    from meeting_recorder.cli import main
    from meeting_recorder.ui.app import configure_application
    from meeting_recorder.ui.main_window import MainWindow
    from meeting_recorder.ui.settings import AppSettings

    def os_threads():
        return len(list(Path("/proc/self/task").iterdir()))

    app = QApplication([])
    configure_application(app)
    settings = AppSettings()  # the user's settings file, under MEETING_RECORDER_HOME
    settings.ui_language = "ko"
    settings.speakers_enabled = False  # preload faster-whisper only (torch takes long here)
    settings.keep_models_loaded = True  # so the worker starts with the window and imports ahead
    stamp = Path(os.environ["MEETING_RECORDER_STARTUP_STAMP"])
    seen = {"baseline_threads": os_threads()}

    def worker_preloaded():
        for child in psutil.Process().children():
            if "meeting_recorder.core.worker.host" in child.cmdline():
                seen["worker"] = child.pid
                return any("ctranslate2" in m.path for m in child.memory_maps())
        return False

    def poll():
        if stamp.is_file() and worker_preloaded():  # shown, then preloaded in the worker
            window = next(w for w in app.topLevelWidgets() if isinstance(w, MainWindow))
            seen["title"] = window.windowTitle()
            seen["menus"] = [a.text() for a in window.menuBar().actions()]
            seen["heavy_here"] = sorted(m for m in ("faster_whisper", "ctranslate2", "torch") if m in sys.modules)
            app.quit()

    timer = QTimer(interval=100, timeout=poll)
    timer.start()
    code = main([])  # the console script's path: no arguments opens the window
    timer.stop()
    for _ in range(50):  # a finished QThread's OS thread can take a moment to exit
        if os_threads() <= seen["baseline_threads"]:
            break
        time.sleep(0.05)
    print(json.dumps({"code": code, "stamp": json.loads(stamp.read_text()), "os_threads": os_threads(), "names": sorted((t / "comm").read_text().strip() for t in Path("/proc/self/task").iterdir()),
                      "python_threads": [t.name for t in threading.enumerate()],
                      "children": [c.pid for c in psutil.Process().children()], **seen}))
    """
)


def test_window_shows_before_heavy_imports_which_load_after_in_the_worker(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "MEETING_RECORDER_HOME": str(home),
           STARTUP_STAMP_ENV: str(tmp_path / "shown.json"), PRELOAD_ENV: "1"}
    env.pop(LANG_ENV, None)
    done = subprocess.run([sys.executable, "-c", STARTUP_CODE], capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["code"] == 0
    assert result["stamp"]["heavy"] == []  # nothing heavy was imported before the first paint
    assert result["heavy_here"] == []  # the models' libraries load in the worker, never here
    assert result["children"] == [] and not psutil.pid_exists(result["worker"])  # it ended with the window
    assert result["title"] == "회의 녹음기[*]" and result["menus"][0] == "파일(&F)"  # ui_language=ko from QSettings
    assert result["python_threads"] == ["MainThread"]
    assert result["os_threads"] <= result["baseline_threads"], result  # every thread the app started has ended
    assert (home / "config" / "meeting-recorder" / "meeting-recorder.conf").is_file()  # QSettings has its home


# -- languages -------------------------------------------------------------------------------
def test_ui_language_setting_and_override(monkeypatch) -> None:
    monkeypatch.delenv(LANG_ENV, raising=False)
    assert ui_locale("ko").language() == QLocale.Language.Korean
    assert ui_locale("en").language() == QLocale.Language.English
    assert ui_locale("system") == QLocale.system()
    monkeypatch.setenv(LANG_ENV, "en")  # the environment wins over the setting
    assert ui_locale("ko").language() == QLocale.Language.English


def test_korean_translation_loads(qtbot, qapp, monkeypatch, tmp_path) -> None:
    monkeypatch.setenv(LANG_ENV, "ko")
    assert ui_locale().language() == QLocale.Language.Korean
    translators = install_translators(qapp)
    try:
        assert translators, "meeting_recorder_ko.qm did not load"
        win = MainWindow(AppSettings(tmp_path / "settings.ini"))
        qtbot.addWidget(win)
        assert win.windowTitle() == "회의 녹음기[*]"
        assert win.menuBar().actions()[0].text() == "파일(&F)"
        assert win.quit_action.text() == "끝내기(&Q)"
        win.close()
    finally:
        remove_translators(qapp, translators)
    monkeypatch.setenv(LANG_ENV, "en")  # the override also forces English on a Korean system
    assert install_translators(qapp) == []


HANGUL = re.compile("[\uac00-\ud7a3]")


def sample_events() -> list:
    """One of every event core reports, its text fields marked so a test can find them."""
    import dataclasses
    import typing

    from meeting_recorder.core import events

    samples = []
    for cls in vars(events).values():
        if not (isinstance(cls, type) and issubclass(cls, events.Event)) or cls in (
                events.Event, events.Warning_, events.Error):
            continue
        hints = typing.get_type_hints(cls)
        choices = [{}]
        for field in dataclasses.fields(cls):
            kind = hints[field.name]
            if typing.get_origin(kind) is typing.Literal:
                choices = [{**c, field.name: v} for c in choices for v in typing.get_args(kind)]
                continue
            value = {str: f"<{field.name}>", float: 12.5, int: 123_000_000}.get(kind, (f"<{field.name}>",))
            choices = [{**c, field.name: value} for c in choices]
        samples += [cls(**c) for c in choices]
    return samples


def named_parts(event) -> list[str]:
    """The marked text fields that the event's template names (a sentence may leave some out)."""
    from meeting_recorder.messages import template_for

    template = template_for(event) or ""
    return [v for k, v in event.fields().items() if isinstance(v, str) and v.startswith("<") and "{" + k in template]


def test_every_event_has_words() -> None:
    from meeting_recorder.messages import render, template_for

    found = sample_events()
    assert len(found) > 40
    for event in found:
        assert template_for(event) is not None, event.code
        assert all(v in render(event) for v in named_parts(event)), render(event)


def test_core_events_shown_in_korean(qapp, monkeypatch, tmp_path) -> None:
    """core/ reports events; the UI shows each in Korean, its parts kept."""
    from meeting_recorder.core.events import TranscribingLive

    monkeypatch.setenv(LANG_ENV, "ko")
    translators = install_translators(qapp)
    try:
        for event in sample_events():
            shown = translate_event(event)
            assert HANGUL.search(shown), event
            assert all(v in shown for v in named_parts(event)), shown
        # Real errors raised by core/ carry their event.
        empty, folder = tmp_path / "empty.wav", tmp_path / "folder.mp3"
        empty.touch()
        folder.mkdir()
        for path in (empty, folder, tmp_path / "missing.flac"):
            with pytest.raises(AudioDecodeError) as error:
                probe(path)
            shown = describe_error(error.value)
            assert HANGUL.search(shown) and str(path) in shown
        assert describe_error(ValueError("some library's own words")) == "some library's own words"
    finally:
        remove_translators(qapp, translators)
    assert translate_event(TranscribingLive()) == "Transcribing live"  # English again


def test_translations_complete_and_compiled(tmp_path: Path) -> None:
    """Every tr() string has a Korean translation and the committed .qm matches the .ts."""
    ts = TRANSLATIONS_DIR / "meeting_recorder_ko.ts"
    fresh = tmp_path / ts.name
    fresh.write_bytes(ts.read_bytes())
    sources = [*sorted(str(p) for p in TRANSLATIONS_DIR.parent.glob("*.py")), str(MESSAGES)]
    subprocess.run([str(BIN / "pyside6-lupdate"), *sources, "-ts", str(fresh), "-no-obsolete"],
                   check=True, capture_output=True, timeout=120)
    text = fresh.read_text(encoding="utf-8")
    assert 'type="unfinished"' not in text, "untranslated strings: run pyside6-lupdate and translate them"
    assert 'type="vanished"' not in text
    qm = tmp_path / "fresh.qm"
    subprocess.run([str(BIN / "pyside6-lrelease"), str(ts), "-qm", str(qm)], check=True, capture_output=True,
                   timeout=120)
    assert qm.read_bytes() == (TRANSLATIONS_DIR / "meeting_recorder_ko.qm").read_bytes(), "recompile the .qm"


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
