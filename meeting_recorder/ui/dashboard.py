"""The resource dashboard: memory, CPU, GPU memory, free disk, recording size, temp usage.

Public API (embed it anywhere; it also works as a standalone widget):

    dashboard = ResourceDashboard(settings, parent=None, interval_ms=1000)
    dashboard.set_recording_provider(lambda: session_partial_path_or_None)
    dashboard.warning.connect(status_bar.showMessage)      # warning(str): once per crossing
    dashboard.warning_cleared.connect(status_bar.clearMessage)  # every warning is back under
    dashboard.low_disk_stop.connect(window.stop_recording)  # free disk < disk_stop_mb
    dashboard.sampled.connect(...)   # sampled(dict): the numbers, see ``ResourceSampler.sample``,
                                     # plus cpu_average_percent (last 10 s; the CPU warning uses it)
    dashboard.apply_settings()       # re-read thresholds and the recordings folder
    dashboard.refresh_now()          # sample at once on the calling thread (tests)
    dashboard.active_warnings()      # {kind: message} of the warnings shown now
    dashboard.shutdown()             # stop the timer, join the sampler thread (idempotent)

Thresholds come from ``AppSettings`` (rss_warning_mb, cpu_warning_percent, disk_warning_mb,
disk_stop_mb; 0 turns one off). ``low_disk_stop`` is emitted when free space first drops
under the stop level, and again whenever a new recording starts while it is still under;
the window decides whether a recording is running to stop.

The timer fires on the UI thread, but every read that touches the file system (free disk,
file sizes, the temp scan) runs on a sampler thread, so a slow network folder cannot freeze
the window; a tick is skipped while the previous sample is still being taken.
"""

from __future__ import annotations

import math
import os
import shutil
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psutil
from PySide6.QtCore import QCoreApplication, QObject, QThread, QTimer, Signal, Slot
from PySide6.QtWidgets import QFormLayout, QLabel, QVBoxLayout, QWidget

from meeting_recorder.core.resources import gpu_bytes_of
from meeting_recorder.ui.rss_plot import RssPlot
from meeting_recorder.ui.settings import AppSettings
from meeting_recorder.ui.threads import stop_thread

MIB = 1024 * 1024
PLOT_SECONDS = 600  # the plot shows the last 10 minutes
CPU_AVERAGE_SECONDS = 10  # the CPU warning looks at this average, so a busy second does not flicker it
TEMP_PREFIXES = ("meeting-recorder", "meeting_recorder")
TEMP_SUFFIXES = (".partial", ".transcript.jsonl")  # in-progress recordings and their journals
MAX_TEMP_ENTRIES = 2000  # bound on the walk inside our own temp folders
WARNING_STYLE = "background: #fff3cd; color: #5c4400; border: 1px solid #d08000; border-radius: 4px; padding: 6px;"
STOP_STYLE = "background: #f8d7da; color: #6b0f17; border: 1px solid #c0392b; border-radius: 4px; padding: 6px;"


def _tr(text: str) -> str:
    return QCoreApplication.translate("ResourceDashboard", text)


def format_bytes(value: int | None) -> str:
    if value is None:
        return _tr("unknown")
    if value >= 1024 * MIB:
        return _tr("{value} GB").format(value=f"{value / (1024 * MIB):.2f}")
    return _tr("{value} MB").format(value=f"{value / MIB:.0f}")


# -- reads (plain Python; no Qt) ------------------------------------------------------------
def existing_parent(path: Path) -> Path:
    """``path`` or its nearest parent that exists (the recordings folder may not exist yet)."""
    path = Path(path).absolute()
    while not path.exists() and path.parent != path:
        path = path.parent
    return path


def free_disk_bytes(folder: Path) -> int | None:
    try:
        return shutil.disk_usage(existing_parent(folder)).free
    except OSError:
        return None


def file_size(path: Path | None) -> int | None:
    if path is None:
        return None
    try:
        return os.stat(path).st_size
    except OSError:  # not created yet, or renamed at stop
        return None


def _tree_size(folder: str, budget: list[int]) -> int:
    """Size of the files under one of *our* temp folders, visiting at most ``budget`` entries."""
    total = 0
    for root, dirs, files in os.walk(folder):
        for name in files:
            if budget[0] <= 0:
                return total
            budget[0] -= 1
            total += file_size(Path(root, name)) or 0
        budget[0] -= len(dirs)
        if budget[0] <= 0:
            break
    return total


def temp_usage_bytes(recordings: Path) -> int:
    """Our temp files: partial recordings and journals in the recordings folder (one level),
    atomic-write leftovers there, and ``meeting-recorder*`` entries in the system temp folder.
    Only our own temp folders are walked, never the whole of /tmp."""
    total = 0
    try:
        with os.scandir(recordings) as entries:
            for entry in entries:
                name = entry.name
                ours = name.endswith(TEMP_SUFFIXES) or (name.startswith(".") and name.endswith(".tmp"))
                if ours and entry.is_file(follow_symlinks=False):
                    total += entry.stat(follow_symlinks=False).st_size
    except OSError:
        pass
    budget = [MAX_TEMP_ENTRIES]
    try:
        with os.scandir(tempfile.gettempdir()) as entries:
            for entry in entries:
                if not entry.name.startswith(TEMP_PREFIXES):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    total += _tree_size(entry.path, budget)
                elif entry.is_file(follow_symlinks=False):
                    total += entry.stat(follow_symlinks=False).st_size
    except OSError:
        pass
    return total


def gpu_memory_bytes() -> int | None:
    """CUDA memory torch holds, or None for "no GPU". torch is never imported here: only a
    torch that the app already loaded is asked, and an uninitialised CUDA reads as 0."""
    torch = sys.modules.get("torch")
    if torch is None or getattr(getattr(torch, "__spec__", None), "_initializing", False):
        return None  # not imported, or being imported right now by another thread
    try:
        if not torch.cuda.is_available():
            return None
        if not torch.cuda.is_initialized():  # asking would create a CUDA context (hundreds of MB)
            return 0
        return sum(torch.cuda.memory_reserved(i) for i in range(torch.cuda.device_count()))
    except Exception:  # a half-broken CUDA install must not break the dashboard
        return None


class ResourceSampler:
    """One snapshot of the numbers; thread-safe (the UI thread and the sampler thread share it).
    The app is this process and its children: the model worker holds most of the memory."""

    def __init__(self) -> None:
        self._process = psutil.Process()
        self._children: dict[int, psutil.Process] = {}
        self._cores = psutil.cpu_count() or 1
        self._lock = threading.Lock()
        self._process.cpu_percent(None)  # the first reading is always 0: prime it

    def _workers(self) -> list[psutil.Process]:
        """The child processes now (the same objects as last time, so CPU readings continue)."""
        try:
            children = self._process.children(recursive=True)
        except psutil.Error:
            children = []
        known = {}
        for child in children:
            known[child.pid] = self._children.get(child.pid, child)
            if child.pid not in self._children:
                _reading(lambda: child.cpu_percent(None), 0.0)  # prime
        self._children = known
        return list(known.values())

    def sample(self, folder: Path, recording: Path | None) -> dict[str, Any]:
        """Keys: time (monotonic s), rss_bytes (the app: this process and its worker),
        worker_rss_bytes, cpu_percent (100 = every core busy), gpu_bytes (None = no GPU),
        disk_path, disk_free_bytes, recording_path and recording_bytes (None = not
        recording), temp_bytes."""
        with self._lock:
            workers = self._workers()
            worker_rss = sum(_reading(lambda w=w: w.memory_info().rss, 0) for w in workers)
            rss = self._process.memory_info().rss + worker_rss
            cpu = (self._process.cpu_percent(None)
                   + sum(_reading(lambda w=w: w.cpu_percent(None), 0.0) for w in workers)) / self._cores
        gpu = gpu_memory_bytes()
        if workers:
            in_workers = gpu_bytes_of([w.pid for w in workers])
            if in_workers is not None:
                gpu = (gpu or 0) + in_workers
        return {
            "time": time.monotonic(),
            "rss_bytes": rss,
            "worker_rss_bytes": worker_rss,
            "cpu_percent": cpu,
            "gpu_bytes": gpu,
            "disk_path": str(existing_parent(folder)),
            "disk_free_bytes": free_disk_bytes(folder),
            "recording_path": None if recording is None else str(recording),
            "recording_bytes": file_size(recording),
            "temp_bytes": temp_usage_bytes(folder),
        }


def _reading(read: Callable[[], Any], otherwise: Any) -> Any:
    """A child's reading, or ``otherwise`` if it ended meanwhile."""
    try:
        return read()
    except psutil.Error:
        return otherwise


class _SamplerWorker(QObject):
    done = Signal(object)

    def __init__(self, sampler: ResourceSampler) -> None:
        super().__init__()
        self.sampler = sampler

    @Slot(str, str)
    def take(self, folder: str, recording: str) -> None:
        self.done.emit(self.sampler.sample(Path(folder), Path(recording) if recording else None))


# -- the widget -------------------------------------------------------------------------------
class ResourceDashboard(QWidget):
    warning = Signal(str)
    warning_cleared = Signal()
    low_disk_stop = Signal()
    sampled = Signal(dict)
    _request = Signal(str, str)  # folder, recording path ("" = none): to the sampler thread

    def __init__(self, settings: AppSettings, parent: QWidget | None = None, interval_ms: int = 1000) -> None:
        super().__init__(parent)
        self.settings = settings
        self.interval_ms = max(50, int(interval_ms))
        self._sampler = ResourceSampler()
        self._provider: Callable[[], Path | None] = lambda: None
        self._active: dict[str, str] = {}
        self._last_time = -math.inf
        self._last_recording: str | None = None
        self._busy = False
        self._shut_down = False
        cpu_samples = max(1, math.ceil(CPU_AVERAGE_SECONDS * 1000 / self.interval_ms))
        self._cpu_recent: deque[float] = deque(maxlen=cpu_samples)
        self._build_ui()
        self.apply_settings()
        self._thread = QThread()
        self._thread.setObjectName("ResourceSampler")
        self._worker = _SamplerWorker(self._sampler)
        self._worker.moveToThread(self._thread)
        self._request.connect(self._worker.take)  # queued: the reads run over there
        self._worker.done.connect(self._on_worker_sample)
        # Destroying a running QThread aborts the process; whoever deletes this widget without
        # calling shutdown() still gets the thread joined (the lambda holds the thread, not self).
        thread = self._thread
        self.destroyed.connect(lambda *_: stop_thread(thread))
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)
        self._timer = QTimer(self)
        self._timer.setInterval(self.interval_ms)
        self._timer.timeout.connect(self._tick)
        self._timer.start()

    def _build_ui(self) -> None:
        self.banner = QLabel(self)
        self.banner.setWordWrap(True)
        self.banner.setAccessibleName(self.tr("Resource warning"))
        self.banner.hide()
        self.rss_label, self.cpu_label, self.gpu_label = QLabel(self), QLabel(self), QLabel(self)
        self.disk_label, self.recording_label, self.temp_label = QLabel(self), QLabel(self), QLabel(self)
        form = QFormLayout()
        rows = (
            (self.tr("Memory:"), self.rss_label, self.tr("Memory used by Meeting Recorder (resident set size), its model process included")),
            (self.tr("CPU:"), self.cpu_label, self.tr("Share of all CPU cores used by Meeting Recorder")),
            (self.tr("GPU memory:"), self.gpu_label, self.tr("GPU memory held by the speech and speaker models")),
            (self.tr("Free disk:"), self.disk_label, self.tr("Free space where recordings are saved")),
            (self.tr("Recording:"), self.recording_label, self.tr("Size of the recording in progress")),
            (self.tr("Temporary files:"), self.temp_label,
             self.tr("Unfinished recordings, transcript journals and other temporary files")),
        )
        for caption, label, tip in rows:
            label.setToolTip(tip)
            label.setAccessibleName(caption.rstrip(":"))
            form.addRow(caption, label)
        capacity = math.ceil(PLOT_SECONDS * 1000 / self.interval_ms) + 1
        self.plot = RssPlot(self, capacity=capacity, window_seconds=PLOT_SECONDS)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(form)
        layout.addWidget(self.plot, 1)

    # -- public ---------------------------------------------------------------------------------
    def set_recording_provider(self, provider: Callable[[], Path | None] | None) -> None:
        """``provider()`` runs on the UI thread at each sample; it returns the file being
        recorded, or None when not recording."""
        self._provider = provider or (lambda: None)

    def apply_settings(self) -> None:
        self._limits = {
            "rss": max(0, self.settings.rss_warning_mb),
            "cpu": max(0, self.settings.cpu_warning_percent),
            "disk": max(0, self.settings.disk_warning_mb),
            "disk_stop": max(0, self.settings.disk_stop_mb),
        }
        self._folder = Path(self.settings.recordings_dir)
        self.plot.set_limit(self._limits["rss"] * MIB)

    def refresh_now(self) -> dict[str, Any]:
        """Sample on this thread right away and update everything; returns the sample."""
        sample = self._sampler.sample(self._folder, self._recording())
        self._apply(sample)
        return sample

    def active_warnings(self) -> dict[str, str]:
        return dict(self._active)

    def shutdown(self) -> None:
        if self._shut_down:
            return
        self._shut_down = True
        self._timer.stop()
        stop_thread(self._thread)

    # -- sampling -------------------------------------------------------------------------------
    def _recording(self) -> Path | None:
        path = self._provider()
        return Path(path) if path else None

    @Slot()
    def _tick(self) -> None:
        if self._busy or self._shut_down:
            return  # the previous sample is still out (a slow disk): do not pile up requests
        if not self._thread.isRunning():
            self._thread.start()
        self._busy = True
        recording = self._recording()
        self._request.emit(str(self._folder), str(recording) if recording else "")

    @Slot(object)
    def _on_worker_sample(self, sample: dict[str, Any]) -> None:
        self._busy = False
        if not self._shut_down:
            self._apply(sample)

    def _apply(self, sample: dict[str, Any]) -> None:
        if sample["time"] < self._last_time:
            return  # older than one refresh_now() already showed
        self._last_time = sample["time"]
        self._cpu_recent.append(sample["cpu_percent"])
        sample["cpu_average_percent"] = sum(self._cpu_recent) / len(self._cpu_recent)
        self._show(sample)
        self.plot.add_sample(sample["time"], sample["rss_bytes"])
        self._check(sample)
        self.sampled.emit(sample)

    def _show(self, sample: dict[str, Any]) -> None:
        worker = sample.get("worker_rss_bytes") or 0
        total = format_bytes(sample["rss_bytes"])
        self.rss_label.setText(self.tr("{total} (models: {models})").format(total=total, models=format_bytes(worker))
                               if worker else total)
        self.cpu_label.setText(self.tr("{percent} %").format(percent=f"{sample['cpu_percent']:.0f}"))
        gpu = sample["gpu_bytes"]
        self.gpu_label.setText(self.tr("no GPU") if gpu is None else format_bytes(gpu))
        self.disk_label.setText(self.tr("{free} free in {folder}").format(
            free=format_bytes(sample["disk_free_bytes"]), folder=sample["disk_path"]))
        recording = sample["recording_bytes"]
        self.recording_label.setText(self.tr("not recording") if recording is None else format_bytes(recording))
        self.temp_label.setText(format_bytes(sample["temp_bytes"]))

    # -- thresholds -----------------------------------------------------------------------------
    def _warnings(self, sample: dict[str, Any]) -> dict[str, str]:
        limits, active = self._limits, {}
        if limits["rss"] and sample["rss_bytes"] > limits["rss"] * MIB:
            active["rss"] = self.tr("Memory use is high: {used} (warning level {limit} MB).").format(
                used=format_bytes(sample["rss_bytes"]), limit=limits["rss"])
        if limits["cpu"] and sample["cpu_average_percent"] > limits["cpu"]:
            active["cpu"] = self.tr("CPU use is high: {percent} % (warning level {limit} %).").format(
                percent=f"{sample['cpu_average_percent']:.0f}", limit=limits["cpu"])
        free = sample["disk_free_bytes"]
        if free is not None and limits["disk_stop"] and free < limits["disk_stop"] * MIB:
            active["disk_stop"] = self.tr(
                "Only {free} free in {folder}: recording stops before the disk fills (stop level {limit} MB)."
            ).format(free=format_bytes(free), folder=sample["disk_path"], limit=limits["disk_stop"])
        elif free is not None and limits["disk"] and free < limits["disk"] * MIB:
            active["disk"] = self.tr("Disk space is low: {free} free in {folder} (warning level {limit} MB).").format(
                free=format_bytes(free), folder=sample["disk_path"], limit=limits["disk"])
        return active

    def _check(self, sample: dict[str, Any]) -> None:
        before, self._active = self._active, self._warnings(sample)
        self._show_banner()
        for kind, message in self._active.items():
            if kind not in before:
                self.warning.emit(message)
        recording = sample["recording_path"]
        new_recording = recording is not None and recording != self._last_recording
        self._last_recording = recording
        if "disk_stop" in self._active and ("disk_stop" not in before or new_recording):
            self.low_disk_stop.emit()
        if before and not self._active:
            self.warning_cleared.emit()

    def _show_banner(self) -> None:
        if not self._active:
            self.banner.hide()
            return
        self.banner.setStyleSheet(STOP_STYLE if "disk_stop" in self._active else WARNING_STYLE)
        self.banner.setText("\n".join(self._active.values()))
        self.banner.show()
