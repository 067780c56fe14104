"""The Files view's "Run on: Cluster" on a real Qt event loop and a real local Ray (issue 17).

The cluster is the one ``ClusterJob`` starts for the address "local" (its own temp dir, two
workers on 127.0.0.1); real models (tiny.en, the model "auto" takes for English) and real speech (jfk.flac, cuts of the shared
real recordings). Every Ray process the test saw is gone at its end, and so is the thread.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

import json
import socket
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
import soundfile as sf
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QProgressBar

from meeting_recorder.core.language_choice import AUTO_MODEL
from meeting_recorder.ui import cluster_queue
from meeting_recorder.ui.file_queue import SHUTDOWN_WAIT_MS, output_dir
from meeting_recorder.ui.files_view import COL_ACTION, COL_FILE, COL_PROGRESS, COL_STATUS, PROGRESS_STEPS, FilesView
from meeting_recorder.ui.settings import RUN_ON_CLUSTER, RUN_ON_LOCAL, AppSettings
from tests.needs import needs, needs_modules
from tests.speech import JFK, SHARED_DATA, repeat_audio

LONG_WAIT_MS = 240_000  # a local Ray and two workers loading models on a busy 2-core machine
REAL = SHARED_DATA / "real"
AMI = REAL / "ami" / "trn00.flac"
READER = REAL / "voices" / "librispeech_mfa" / "cold_corpus.wav"
needs_data = needs(not (JFK.is_file() and AMI.is_file() and READER.is_file()), "shared speech data is missing")
needs_ray = needs_modules("ray")


def make_settings(path: Path, recordings: Path, address: str) -> AppSettings:
    settings = AppSettings(path)
    settings.model, settings.language = AUTO_MODEL, "en"  # the model for English: tiny.en
    settings.recordings_dir = recordings
    settings.speakers_enabled = False
    settings.files_run_on = RUN_ON_CLUSTER
    settings.cluster_address = address
    return settings


@pytest.fixture
def make_view(qtbot, tmp_path) -> Iterator:
    views: list[FilesView] = []

    def make(address: str = "local") -> FilesView:
        view = FilesView(make_settings(tmp_path / "settings.ini", tmp_path / "recordings", address))
        qtbot.addWidget(view)
        view.show()
        views.append(view)
        return view

    yield make
    for view in views:
        view.shutdown()
        qtbot.waitUntil(lambda: thread_ended(view), timeout=60_000)


def thread_ended(view: FilesView) -> bool:
    cluster = view.queue.cluster
    return view.queue.thread.wait(0) and (cluster is None or cluster.thread.wait(0))


def cut(source: Path, out: Path, seconds: float) -> Path:
    """The first ``seconds`` of ``source`` as a WAV of its own."""
    samples, rate = sf.read(source, dtype="float32")
    sf.write(out, samples[: int(seconds * rate)], rate)
    return out


def states(view: FilesView) -> list[str]:
    return [state for _path, state in view.job_states()]


def written(view: FilesView) -> list[str]:
    folder = output_dir(view.settings)
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RayProcesses:
    """Every process this test process started (Ray's GCS, raylet, workers), as they come."""

    def __init__(self) -> None:
        self.before = {p.pid for p in psutil.Process().children(recursive=True)}
        self.seen: dict[int, psutil.Process] = {}

    def look(self) -> bool:
        for process in psutil.Process().children(recursive=True):
            if process.pid not in self.before:
                self.seen.setdefault(process.pid, process)
        return True  # usable inside waitUntil conditions

    def alive(self) -> list[str]:
        left = []
        for process in self.seen.values():
            try:
                if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                    left.append(" ".join(process.cmdline())[:120])
            except psutil.NoSuchProcess:
                pass
        return left


@needs_ray
@needs_data
def test_files_run_at_once_on_a_local_cluster_and_a_running_one_is_cancelled(
    qtbot, make_view, tmp_path, monkeypatch
) -> None:
    monkeypatch.setattr(cluster_queue, "IDLE_CLOSE_MS", 2_000)  # then the cluster job closes by itself
    ray = RayProcesses()
    files = [JFK, cut(AMI, tmp_path / "ami_meeting.wav", 10), cut(READER, tmp_path / "reader.wav", 9)]
    not_audio = tmp_path / "notes.wav"
    not_audio.write_text("this is not audio at all\n" * 20)
    long_file = repeat_audio(JFK, tmp_path / "long_meeting.wav", times=8)  # ~90 s: surely running when cancelled
    view = make_view()
    running_together: list[int] = []
    view.queue.started.connect(lambda *_: running_together.append(states(view).count("running")))
    long_progress: list[float] = []
    view.queue.progress.connect(lambda job, fraction, _eta: job == 1 and long_progress.append(fraction))
    added: list[int] = []
    view.library_changed.connect(lambda: added.append(1))
    busy: list[bool] = []
    view.busy_changed.connect(busy.append)

    view.add_files([long_file, *files, not_audio, cut(AMI, tmp_path / "dropped.wav", 5)])
    assert states(view)[1:] == ["waiting"] * 5 and view.is_busy()
    assert view.queue.cancel(6) and states(view)[5] == "cancelled"  # a waiting file is dropped at once
    assert not view.run_on.isEnabled() and not view.cluster_address.isEnabled()  # locked while busy
    qtbot.waitUntil(lambda: ray.look() and bool(long_progress), timeout=LONG_WAIT_MS)
    assert states(view)[0] == "running"
    qtbot.mouseClick(view.table.cellWidget(0, COL_ACTION), Qt.MouseButton.LeftButton)  # the row's Cancel
    assert states(view)[0] in ("cancelling", "cancelled")

    qtbot.waitUntil(lambda: ray.look() and states(view) == ["cancelled", "done", "done", "done", "failed", "cancelled"],
                    timeout=LONG_WAIT_MS)
    assert max(running_together) == 2  # two workers: two files at once
    assert ray.seen, "no Ray process was started"
    assert busy == [True, False] and not view.is_busy() and view.run_on.isEnabled()
    assert long_progress[-1] < 1.0
    assert written(view) == sorted(f"{stem}.{ext}" for stem in ("jfk", "ami_meeting", "reader")
                                   for ext in ("json", "srt", "txt"))  # nothing of the cancelled file
    folder = output_dir(view.settings)
    jfk = json.loads((folder / "jfk.json").read_text(encoding="utf-8"))
    assert "ask not what your country" in " ".join(s["text"] for s in jfk["segments"]).lower()
    assert jfk["file"] == str(JFK)  # the driver's path
    reader = (folder / "reader.txt").read_text(encoding="utf-8").lower()
    assert "corpus" in reader or "cold" in reader, reader
    for row in range(1, 4):
        bar = view.table.cellWidget(row, COL_PROGRESS)
        assert isinstance(bar, QProgressBar) and bar.value() == PROGRESS_STEPS
    assert view.table.cellWidget(0, COL_PROGRESS) is None
    assert "2 worker(s) ready" in view.table.item(1, COL_FILE).toolTip()  # what the cluster is, on the row
    assert "jfk.flac: model tiny.en for language 'en'" in view.table.item(1, COL_STATUS).toolTip()  # as locally
    bad = view.table.cellWidget(4, COL_ACTION)  # the reason in the row, the whole message as its tooltip
    assert isinstance(bad, QLabel) and "not a readable audio or video file" in bad.text() and "notes.wav" in bad.toolTip()
    qtbot.waitUntil(lambda: len(added) == 3, timeout=10_000)  # each one a meeting in the library

    # Transcribed again (a library meeting) with one speaker: other options, so the cluster job is
    # opened again with the speaker models; its transcript is replaced, title and tags kept.
    jfk["title"], jfk["tags"] = "Inaugural address", ["history"]
    (folder / "jfk.json").write_text(json.dumps(jfk), encoding="utf-8")
    job = view.transcribe_again(str(JFK), str(folder / "jfk.json"), AUTO_MODEL, True, 1)
    with qtbot.waitSignal(view.queue.finished, timeout=LONG_WAIT_MS, check_params_cb=lambda j, *_: j == job):
        pass
    again = json.loads((folder / "jfk.json").read_text(encoding="utf-8"))
    assert (again["title"], again["tags"]) == ("Inaugural address", ["history"])
    assert {s["speaker"] for s in again["segments"]} == {"Speaker 1"}, again["segments"]
    assert written(view).count("jfk.json") == 1 and "jfk-2.json" not in written(view)

    # Idle: the cluster job closes by itself (models released, the local Ray shut down).
    qtbot.waitUntil(lambda: ray.look() and not ray.alive(), timeout=60_000)
    assert view.queue.cluster.worker.cluster is None

    # A new file opens it again; quitting while it runs returns within a bound, keeps nothing.
    view.add_files([long_file])
    qtbot.waitUntil(lambda: ray.look() and states(view)[-1] == "running", timeout=LONG_WAIT_MS)
    start = time.monotonic()
    view.shutdown()  # what the window does when it closes
    assert time.monotonic() - start < SHUTDOWN_WAIT_MS / 1000 + 0.5
    assert states(view)[-1] == "cancelled" and not view.is_busy()
    qtbot.waitUntil(lambda: thread_ended(view), timeout=60_000)  # at once, or after closing the cluster job
    qtbot.waitUntil(lambda: not ray.alive(), timeout=30_000)
    assert "long_meeting.json" not in written(view)


@needs_ray
@needs_data
def test_an_unreachable_cluster_fails_each_file_clearly_and_writes_nothing(qtbot, make_view, tmp_path) -> None:
    port = closed_port()
    ray = RayProcesses()
    view = make_view(f"127.0.0.1:{port}")
    failed: list[str] = []
    view.queue.failed.connect(lambda _job, _path, message: failed.append(message))
    view.add_files([JFK, cut(READER, tmp_path / "reader.wav", 5)])
    qtbot.waitUntil(lambda: states(view) == ["failed", "failed"], timeout=60_000)

    assert len(failed) == 2
    for row, message in enumerate(failed):
        assert f"127.0.0.1:{port}" in message and "Cannot reach the Ray cluster" in message, message
        label = view.table.cellWidget(row, COL_ACTION)
        assert isinstance(label, QLabel) and "Cannot reach the Ray cluster" in label.text()
        assert view.table.cellWidget(row, COL_PROGRESS) is None
    assert written(view) == [] and not view.is_busy()
    ray.look()
    assert not ray.alive()  # nothing was started for it
    view.shutdown()
    qtbot.waitUntil(lambda: thread_ended(view), timeout=30_000)


def test_without_ray_each_file_fails_with_the_install_hint(qtbot, make_view, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` fails as it does without the extra
    view = make_view()
    view.add_files([JFK])
    qtbot.waitUntil(lambda: states(view) == ["failed"], timeout=30_000)
    label = view.table.cellWidget(0, COL_ACTION)
    assert isinstance(label, QLabel) and "meeting-recorder[cluster]" in label.text(), label.text()
    assert written(view) == []


def test_a_bad_address_fails_each_file_in_words(qtbot, make_view) -> None:
    view = make_view("10.0.0.5:99999")
    view.add_files([JFK])
    qtbot.waitUntil(lambda: states(view) == ["failed"], timeout=30_000)
    label = view.table.cellWidget(0, COL_ACTION)
    assert isinstance(label, QLabel) and "“10.0.0.5:99999” is not a cluster address" in label.text(), label.text()
    assert written(view) == []


def test_the_run_on_choice_is_remembered(qtbot, tmp_path) -> None:
    path = tmp_path / "settings.ini"
    settings = AppSettings(path)
    assert (settings.files_run_on, settings.cluster_address) == (RUN_ON_LOCAL, "local")  # the defaults
    view = FilesView(settings)
    qtbot.addWidget(view)
    assert view.run_on.currentData() == RUN_ON_LOCAL and not view.cluster_address.isEnabled()

    view.run_on.setCurrentIndex(view.run_on.findData(RUN_ON_CLUSTER))
    assert view.cluster_address.isEnabled()
    messages: list[str] = []
    view.status_message.connect(messages.append)
    view.cluster_address.setText("10.0.0.5:99999")
    view.cluster_address.editingFinished.emit()
    assert messages == ["“10.0.0.5:99999” is not a cluster address: use local, HOST:PORT or ray://HOST:PORT"]
    view.cluster_address.setText(" 10.0.0.5:6379 ")
    view.cluster_address.editingFinished.emit()
    assert len(messages) == 1  # a good address says nothing
    view.shutdown()

    again = FilesView(AppSettings(path))  # a new window on the same settings file
    qtbot.addWidget(again)
    assert again.run_on.currentData() == RUN_ON_CLUSTER and again.cluster_address.text() == "10.0.0.5:6379"
    again.cluster_address.setText("")  # empty means this computer's own cluster
    again.cluster_address.editingFinished.emit()
    again.run_on.setCurrentIndex(again.run_on.findData(RUN_ON_LOCAL))
    assert not again.cluster_address.isEnabled()
    again.shutdown()
    reread = AppSettings(path)
    assert (reread.files_run_on, reread.cluster_address) == (RUN_ON_LOCAL, "local")
    assert again.queue.cluster is None  # never a cluster thread for a view that ran nothing there
