"""The Files view on a real Qt event loop: real files, real models (tiny.en, speakers)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QProgressBar, QPushButton, QWidget

from meeting_recorder.ui.file_queue import SHUTDOWN_WAIT_MS, output_dir
from meeting_recorder.ui.threads import unfinished_threads
from meeting_recorder.ui.files_view import COL_ACTION, COL_PROGRESS, PROGRESS_STEPS, FilesView
from meeting_recorder.ui.settings import AppSettings
from tests.qt_drops import drop_files
from tests.needs import needs
from tests.speech import JFK, espeak, repeat_audio

LONG_WAIT_MS = 240_000  # real models on a busy 2-core machine (nice 19)
needs_jfk = needs(not JFK.is_file(), f"speech fixture {JFK} is missing")


def make_settings(tmp_path: Path, speakers: bool) -> AppSettings:
    settings = AppSettings(tmp_path / "settings.ini")
    settings.model = "tiny.en"
    settings.recordings_dir = tmp_path / "recordings"
    settings.speakers_enabled = speakers
    return settings


@pytest.fixture
def make_view(qtbot, tmp_path) -> Iterator:
    views: list[FilesView] = []

    def make(speakers: bool = False) -> FilesView:
        view = FilesView(make_settings(tmp_path, speakers))
        qtbot.addWidget(view)
        view.show()
        views.append(view)
        return view

    yield make
    for view in views:
        view.shutdown()  # bounded: a thread in a Whisper chunk ends by itself just after
        qtbot.waitUntil(lambda: ended(view), timeout=60_000)


@pytest.fixture(scope="module")
def short_speech(tmp_path_factory) -> Path:
    return espeak("Please send the quarterly report to the finance team before Friday.",
                  tmp_path_factory.mktemp("files") / "report.wav")


@pytest.fixture(scope="module")
def long_speech(tmp_path_factory, short_speech) -> Path:
    """About 5 minutes of speech: a job that is surely running when the window quits."""
    return repeat_audio(short_speech, tmp_path_factory.mktemp("long") / "long_meeting.wav", times=60)


def ended(view: FilesView) -> bool:
    """The queue's thread has ended (Qt 6's isRunning() is False already while it still
    releases the models in its ``finished`` signal; wait() knows better)."""
    return view.queue.thread.wait(0)


def really_running(thread: threading.Thread) -> bool:
    """A thread Python did not start (a QThread that ran Python code) stays listed as a
    ``_DummyThread``, alive, after it ended; its OS thread is what counts."""
    tasks = Path("/proc/self/task")
    if isinstance(thread, threading._DummyThread) and tasks.is_dir():
        return str(thread.native_id) in os.listdir(tasks)
    return thread.is_alive()


def our_threads() -> set[threading.Thread]:
    """Threads that would keep running: non-daemon ones and Whisper's helper."""
    return {t for t in threading.enumerate() if t.is_alive() and (not t.daemon or t.name == "whisper-inference")}


def wait_running(qtbot, view: FilesView) -> None:
    """Until Whisper is at work on the file (models loaded, job started, a moment later)."""
    qtbot.waitUntil(lambda: states(view) == ["running"], timeout=LONG_WAIT_MS)
    qtbot.wait(300)


def assert_nothing_written(view: FilesView) -> None:
    folder = output_dir(view.settings)
    assert not folder.exists() or not any(folder.iterdir())  # no transcript, no temp file


def states(view: FilesView) -> list[str]:
    return [state for _path, state in view.job_states()]


def wait_states(qtbot, view: FilesView, expected: list[str]) -> None:
    qtbot.waitUntil(lambda: states(view) == expected, timeout=LONG_WAIT_MS)


def action(view: FilesView, row: int) -> QWidget:
    return view.table.cellWidget(row, COL_ACTION)


@needs_jfk
def test_two_dropped_files_are_transcribed_one_after_another(qtbot, make_view, short_speech) -> None:
    view = make_view(speakers=True)
    events: list[tuple[str, int]] = []
    view.queue.started.connect(lambda job, _p: events.append(("started", job)))
    view.queue.finished.connect(lambda job, _p, _o: events.append(("finished", job)))
    fractions: list[float] = []
    view.queue.progress.connect(lambda _job, fraction, _eta: fractions.append(fraction))
    busy: list[bool] = []
    view.busy_changed.connect(busy.append)

    drop_files(view.drop_area, [JFK, short_speech])
    assert [Path(p).name for p, _s in view.job_states()] == ["jfk.flac", "report.wav"]
    assert view.is_busy()
    wait_states(qtbot, view, ["done", "done"])

    assert events == [("started", 1), ("finished", 1), ("started", 2), ("finished", 2)]  # one at a time
    assert fractions and max(fractions) == pytest.approx(1.0)
    for row in range(2):
        bar = view.table.cellWidget(row, COL_PROGRESS)
        assert isinstance(bar, QProgressBar) and bar.value() == PROGRESS_STEPS
    assert busy == [True, False] and not view.is_busy()
    folder = output_dir(view.settings)
    for stem in ("jfk", "report"):
        for suffix in ("json", "txt", "srt"):
            assert (folder / f"{stem}.{suffix}").is_file()
    data = json.loads((folder / "jfk.json").read_text(encoding="utf-8"))
    assert "ask not what your country" in " ".join(s["text"] for s in data["segments"]).lower()
    assert all(s["speaker"] for s in data["segments"])  # speakers were on

    button = action(view, 0)
    assert isinstance(button, QPushButton) and button.text() == "Open result"
    with qtbot.waitSignal(view.open_transcript_requested) as opened:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert opened.args == [str(folder / "jfk.json")]
    view.shutdown()
    assert view.queue.worker.engine is None and view.queue.worker.diarizer is None


def test_bad_files_become_error_rows_and_the_queue_goes_on(qtbot, make_view, tmp_path, short_speech) -> None:
    text_file = tmp_path / "notes.wav"
    text_file.write_text("this is not audio at all\n" * 20)
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    view = make_view()
    view.add_files([text_file, empty, short_speech])
    wait_states(qtbot, view, ["failed", "failed", "done"])

    for row, name in ((0, "notes.wav"), (1, "empty.wav")):
        label = action(view, row)  # the reason in the row, the whole message as its tooltip
        assert isinstance(label, QLabel) and name in label.toolTip() and name not in label.text()
        assert view.table.cellWidget(row, COL_PROGRESS) is None  # no progress bar on an error row
    assert "not a readable audio or video file" in action(view, 0).text()
    assert "empty" in action(view, 1).text()
    folder = output_dir(view.settings)
    assert sorted(p.name for p in folder.iterdir()) == ["report.json", "report.srt", "report.txt"]


@needs_jfk
def test_cancel_during_a_long_file_keeps_nothing_and_the_queue_goes_on(
    qtbot, make_view, tmp_path, short_speech
) -> None:
    long_file = repeat_audio(JFK, tmp_path / "long_meeting.wav", times=6)  # ~66 s
    view = make_view()
    messages: list[str] = []
    view.status_message.connect(messages.append)
    view.add_files([long_file, short_speech])
    fractions: list[float] = []
    view.queue.progress.connect(lambda job, fraction, _eta: job == 1 and fractions.append(fraction))
    qtbot.waitUntil(lambda: bool(fractions), timeout=LONG_WAIT_MS)
    assert states(view) == ["running", "waiting"]

    qtbot.mouseClick(action(view, 0), Qt.MouseButton.LeftButton)  # its "Cancel" button
    wait_states(qtbot, view, ["cancelled", "done"])
    assert fractions[-1] < 1.0
    folder = output_dir(view.settings)
    assert sorted(p.name for p in folder.iterdir()) == ["report.json", "report.srt", "report.txt"]
    assert "Cancelled long_meeting.wav; nothing was saved" in messages


def test_cancel_a_waiting_file_and_shutdown_leaves_no_threads(qtbot, make_view, tmp_path, short_speech) -> None:
    view = make_view()
    before = {t.ident for t in threading.enumerate()}
    view.add_files([short_speech, short_speech, short_speech])
    assert view.queue.cancel(2)  # a waiting file is dropped at once
    assert states(view) == ["waiting", "cancelled", "waiting"]
    qtbot.waitUntil(lambda: states(view)[0] in ("loading", "running"), timeout=LONG_WAIT_MS)

    view.shutdown()  # during the first file: cancels, waits (a few seconds at most)
    assert states(view) == ["cancelled", "cancelled", "cancelled"] and not view.is_busy()
    qtbot.waitUntil(lambda: ended(view), timeout=60_000)
    assert view.queue.worker.engine is None  # released on the thread as it ended
    assert view.shutdown()  # twice is fine
    def left() -> list[threading.Thread]:
        return [t for t in threading.enumerate() if t.ident not in before and really_running(t)]

    qtbot.waitUntil(lambda: not left(), timeout=10_000)  # the OS thread exits just after wait()
    assert not left(), left()
    assert not output_dir(view.settings).exists() or not any(output_dir(view.settings).iterdir())


def test_models_stay_loaded_when_asked(qtbot, make_view, short_speech) -> None:
    view = make_view()
    view.settings.keep_models_loaded = True
    view.add_files([short_speech])
    wait_states(qtbot, view, ["done"])
    qtbot.wait(200)  # a release, had one been asked for, would have run by now
    assert view.queue.worker.engine is not None and view.queue.worker.engine.loaded
    view.settings.keep_models_loaded = False
    view.add_files([short_speech])  # the same file again: its transcript is replaced
    wait_states(qtbot, view, ["done", "done"])
    qtbot.waitUntil(lambda: view.queue.worker.engine is None, timeout=10_000)
    assert sorted(p.name for p in output_dir(view.settings).iterdir()) == ["report.json", "report.srt", "report.txt"]


def test_quitting_during_a_long_job_returns_within_a_bound(qtbot, make_view, long_speech) -> None:
    before = our_threads()
    view = make_view()
    view.add_files([long_speech])
    wait_running(qtbot, view)

    start = time.monotonic()
    view.shutdown()  # what the window does when it closes
    assert time.monotonic() - start < SHUTDOWN_WAIT_MS / 1000 + 0.5
    assert states(view) == ["cancelled"] and not view.is_busy()
    qtbot.waitUntil(lambda: ended(view), timeout=30_000)  # at once, or just after its Whisper step
    assert view.queue.worker.engine is None
    assert_nothing_written(view)
    assert our_threads() <= before


def test_a_thread_that_outlives_quitting_ends_by_itself(qtbot, make_view, long_speech) -> None:
    """No wait at all: Whisper is mid-chunk, so the thread is left to end after it."""
    before = our_threads()
    view = make_view()
    view.add_files([long_speech])
    wait_running(qtbot, view)

    start = time.monotonic()
    assert view.queue.shutdown(timeout_ms=0) is False
    assert time.monotonic() - start < 0.5
    assert unfinished_threads() == 1 and states(view) == ["cancelled"]
    qtbot.waitUntil(lambda: unfinished_threads() == 0, timeout=30_000)
    assert view.queue.worker.engine is None  # it released the model on its way out
    assert_nothing_written(view)
    assert our_threads() <= before


EXIT_DURING_A_JOB = """
import sys, time
from pathlib import Path
from PySide6.QtWidgets import QApplication
from meeting_recorder.ui.files_view import FilesView
from meeting_recorder.ui.settings import AppSettings

app = QApplication([])
folder = Path(sys.argv[2])
settings = AppSettings(folder / "settings.ini")
settings.model, settings.recordings_dir, settings.speakers_enabled = "tiny.en", folder / "recordings", False
view = FilesView(settings)
running = []
view.queue.started.connect(lambda *_: running.append(time.monotonic()))
view.add_files([sys.argv[1]])
while not running or time.monotonic() < running[0] + 0.3:  # Whisper is at work
    app.processEvents()
    time.sleep(0.02)
print("quitting; thread ended:", view.queue.shutdown(timeout_ms=0), flush=True)
sys.exit(0)  # at once, while the queue's thread is still in its Whisper chunk
"""


def test_the_process_exits_cleanly_when_the_thread_outlives_the_window(tmp_path, long_speech) -> None:
    """A QThread destroyed while it runs aborts the process: at exit it is waited for."""
    result = subprocess.run([sys.executable, "-c", EXIT_DURING_A_JOB, str(long_speech), str(tmp_path)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "quitting; thread ended: False" in result.stdout, result.stdout  # it outlived the window
    assert "Destroyed while thread" not in result.stderr
    folder = tmp_path / "recordings" / "Transcripts"
    assert not folder.exists() or not any(folder.iterdir())
