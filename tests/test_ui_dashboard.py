"""The resource dashboard on a real Qt event loop: real psutil/disk readings, real files."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget

from meeting_recorder.ui.dashboard import MIB, ResourceDashboard
from meeting_recorder.ui.settings import AppSettings


@pytest.fixture
def settings(tmp_path) -> AppSettings:
    values = AppSettings(tmp_path / "settings.ini")
    values.recordings_dir = tmp_path / "recordings"
    # Only the threshold a test is about is on; the defaults could fire on a busy machine.
    values.rss_warning_mb = values.cpu_warning_percent = values.disk_warning_mb = values.disk_stop_mb = 0
    return values


@pytest.fixture
def make_dashboard(qtbot, settings) -> Iterator[Callable[..., ResourceDashboard]]:
    made: list[ResourceDashboard] = []
    hosts: list[QWidget] = []  # qtbot holds widgets weakly; the test keeps its hosts alive

    def make(interval_ms: int = 60_000) -> ResourceDashboard:
        host = QWidget()  # embedded in a plain widget, as the window will do
        qtbot.addWidget(host)
        hosts.append(host)
        dashboard = ResourceDashboard(settings, host, interval_ms=interval_ms)
        made.append(dashboard)
        return dashboard

    yield make
    for dashboard in made:
        dashboard.shutdown()
        assert not dashboard._thread.isRunning()


def test_samples_real_numbers_on_the_timer(qtbot, make_dashboard, settings):
    dashboard = make_dashboard(interval_ms=100)
    # The timer path: the reads run on the sampler thread and come back by a queued signal.
    with qtbot.waitSignal(dashboard.sampled, timeout=10_000) as blocker:
        pass
    sample = blocker.args[0]
    assert sample["rss_bytes"] > 10 * MIB
    assert sample["disk_free_bytes"] > 0
    assert sample["disk_path"] == str(settings.recordings_dir.parent)  # nearest existing parent
    assert sample["cpu_percent"] >= 0 and sample["recording_bytes"] is None and sample["temp_bytes"] == 0
    assert dashboard._thread.isRunning()
    assert dashboard.rss_label.text().endswith(("MB", "GB")) and dashboard.disk_label.text().startswith(
        tuple("0123456789"))
    assert dashboard.recording_label.text() == "not recording"
    assert dashboard.gpu_label.text() == "no GPU"  # CPU-only torch (or none loaded): never "0 MB"
    assert dashboard.banner.isHidden()
    dashboard.shutdown()
    assert not dashboard._thread.isRunning()
    dashboard.shutdown()  # idempotent


def test_plot_keeps_a_bounded_ring(make_dashboard):
    dashboard = make_dashboard(interval_ms=60_000)  # 10 minutes of one-a-minute samples: 11 points
    capacity = dashboard.plot.capacity
    assert capacity == 11
    for _ in range(4 * capacity):
        dashboard.refresh_now()
    points = dashboard.plot.points()
    assert len(points) == capacity
    assert [t for t, _ in points] == sorted(t for t, _ in points) and all(rss > 0 for _, rss in points)
    dashboard.plot.grab()  # paints without error with a full ring and a warning line
    dashboard.settings.rss_warning_mb = 1
    dashboard.apply_settings()
    dashboard.plot.grab()


def test_tiny_rss_threshold_warns_once_and_clears(qtbot, make_dashboard, settings):
    settings.rss_warning_mb = 1
    dashboard = make_dashboard()
    warnings, cleared = [], []
    dashboard.warning.connect(warnings.append)
    dashboard.warning_cleared.connect(lambda: cleared.append(True))
    for _ in range(3):
        dashboard.refresh_now()
    assert len(warnings) == 1 and warnings[0].startswith("Memory use is high")
    assert "warning level 1 MB" in warnings[0]
    assert not dashboard.banner.isHidden() and "Memory use is high" in dashboard.banner.text()
    assert set(dashboard.active_warnings()) == {"rss"} and not cleared
    settings.rss_warning_mb = 1_000_000
    dashboard.apply_settings()
    dashboard.refresh_now()
    assert cleared == [True] and dashboard.banner.isHidden() and dashboard.active_warnings() == {}
    dashboard.refresh_now()
    assert cleared == [True] and len(warnings) == 1
    settings.rss_warning_mb = 1  # a second crossing warns again
    dashboard.apply_settings()
    dashboard.refresh_now()
    assert len(warnings) == 2


def test_cpu_threshold_warns(make_dashboard, settings):
    settings.cpu_warning_percent = 1
    dashboard = make_dashboard(interval_ms=60_000)  # one sample per average: the reading itself counts
    warnings = []
    dashboard.warning.connect(warnings.append)
    dashboard.refresh_now()
    spin_until = time.process_time() + 0.3  # CPU time, not wall time: the machine may be busy
    while time.process_time() < spin_until:
        pass
    sample = dashboard.refresh_now()
    assert sample["cpu_percent"] > 1 and sample["cpu_average_percent"] == sample["cpu_percent"]
    assert [w for w in warnings if w.startswith("CPU use is high")] and "cpu" in dashboard.active_warnings()
    settings.cpu_warning_percent = 0  # off
    dashboard.apply_settings()
    dashboard.refresh_now()
    assert dashboard.active_warnings() == {} and dashboard.banner.isHidden()


def test_low_disk_emits_stop_once_per_crossing_and_per_new_recording(qtbot, make_dashboard, settings, tmp_path):
    free_mb = shutil.disk_usage(tmp_path).free // MIB
    settings.disk_stop_mb = free_mb + 1000
    dashboard = make_dashboard()
    stops, warnings = [], []
    dashboard.low_disk_stop.connect(lambda: stops.append(True))
    dashboard.warning.connect(warnings.append)
    with qtbot.waitSignal(dashboard.low_disk_stop, timeout=1000):
        dashboard.refresh_now()
    dashboard.refresh_now()
    assert len(stops) == 1 and len(warnings) == 1 and "recording stops" in warnings[0]
    assert "#f8d7da" in dashboard.banner.styleSheet()  # the red banner, not the amber one
    # A recording started while the disk is still short: the window must hear it again.
    recording = tmp_path / "recordings" / "2026-01-01_100000.wav.partial"
    dashboard.set_recording_provider(lambda: recording)
    dashboard.refresh_now()
    dashboard.refresh_now()
    assert len(stops) == 2 and len(warnings) == 1
    settings.disk_stop_mb = 0
    settings.disk_warning_mb = free_mb + 1000  # now only the (amber) warning level is crossed
    dashboard.apply_settings()
    dashboard.refresh_now()
    assert len(stops) == 2 and set(dashboard.active_warnings()) == {"disk"}
    assert "#fff3cd" in dashboard.banner.styleSheet()


def test_recording_size_and_temp_usage_follow_the_files(make_dashboard, settings, tmp_path, monkeypatch):
    system_temp = tmp_path / "system-temp"
    (system_temp / "meeting_recorder_job").mkdir(parents=True)
    (system_temp / "meeting_recorder_job" / "chunk.bin").write_bytes(b"x" * 3000)
    (system_temp / "meeting-recorder-x.wav").write_bytes(b"x" * 700)
    (system_temp / "someone-else.tmp").write_bytes(b"x" * 50_000)  # not ours: not counted
    monkeypatch.setattr(tempfile, "tempdir", str(system_temp))
    folder = settings.recordings_dir
    folder.mkdir()
    (folder / "old.wav").write_bytes(b"x" * 10_000)  # a finished recording is not temporary
    recording = folder / "2026-01-01_100000.wav.partial"
    dashboard = make_dashboard()
    dashboard.set_recording_provider(lambda: recording)
    assert dashboard.refresh_now()["recording_bytes"] is None  # not created yet
    sizes = []
    with open(recording, "wb") as handle:
        for chunk in (1000, 4000, 32_000):
            handle.write(b"\0" * chunk)
            handle.flush()
            sample = dashboard.refresh_now()
            sizes.append(sample["recording_bytes"])
            assert sample["temp_bytes"] == sample["recording_bytes"] + 3700
    assert sizes == [1000, 5000, 37_000]
    assert dashboard.recording_label.text() == "0 MB"
    Path(folder / "2026-01-01_100000.transcript.jsonl").write_text("{}\n")
    assert dashboard.refresh_now()["temp_bytes"] == 37_000 + 3700 + 3
    dashboard.set_recording_provider(None)
    assert dashboard.refresh_now()["recording_bytes"] is None
    assert dashboard.recording_label.text() == "not recording"
