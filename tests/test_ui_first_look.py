"""First look at the Record view: what a recording will do (inputs, model, language, folder)
and a live level per input before Record is pressed, on a real PulseAudio rig: a virtual
microphone (a null sink whose monitor is the default input) and virtual speakers (the default
output; its monitor is the system audio), espeak speech played into either."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

import subprocess
import threading
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from meeting_recorder.ui.input_preview import PreviewInput
from meeting_recorder.ui.record_view import RecordView, State
from meeting_recorder.ui.settings import AppSettings, resolve_audio_source
from tests.pulse import PulseUnavailable, VirtualMicrophone
from tests.speech import MEETING_SENTENCES, espeak

OPEN_WAIT_MS = 30_000  # a PulseAudio stream takes ~3 s to start; more on a busy 2-core machine
LONG_WAIT_MS = 180_000  # a real model loads for the recording
AUDIO_THREADS = ("input-preview", "mic-watchdog", "system-audio", "system-audio-reader", "system-audio-check")
LOUD = 0.4  # bar fraction: above -36 dBFS (espeak speech is about -20 dBFS)
UI_STALL_LIMIT = 1.0  # s: the longest the UI thread may be busy while inputs open (a stream start is ~2-3 s)


class Heartbeat:
    """The longest gap between ticks of a 20 ms timer on the UI thread."""

    def __init__(self) -> None:
        self.last = time.monotonic()
        self.longest = 0.0
        self.timer = QTimer(interval=20)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        now = time.monotonic()
        self.longest = max(self.longest, now - self.last)
        self.last = now

    def stop(self) -> float:
        self.timer.stop()
        return self.longest


class CallRig:
    """The virtual microphone plus a "Speakers" null sink made the default output."""

    SPEAKERS = "fl_speakers"

    def __init__(self, folder: Path) -> None:
        self.mic = VirtualMicrophone(folder)
        self.env = self.mic.env
        self.players: list[subprocess.Popen] = []

    def start(self) -> "CallRig":
        self.mic.start()
        try:
            self._pactl("load-module", "module-null-sink", f"sink_name={self.SPEAKERS}",
                        "sink_properties=device.description=Speakers")
            self._pactl("set-default-sink", self.SPEAKERS)  # the default source stays the mic's monitor
        except subprocess.CalledProcessError as error:
            self.mic.stop()
            raise PulseUnavailable(f"pactl failed: {error.stderr}") from error
        return self

    def _pactl(self, *args: str) -> None:
        subprocess.run(["pactl", *args], env=self.env, capture_output=True, text=True, timeout=30, check=True)

    def play_mic(self, wav: Path, delay: float = 0.0) -> subprocess.Popen:
        return self._keep(self.mic.play(wav, delay))

    def play_system(self, wav: Path, delay: float = 0.0) -> subprocess.Popen:
        command = f"sleep {delay}; exec paplay --device={self.SPEAKERS} '{wav}'"
        return self._keep(subprocess.Popen(["sh", "-c", command], env=self.env))

    def _keep(self, player: subprocess.Popen) -> subprocess.Popen:
        self.players.append(player)
        return player

    def silence(self) -> None:
        for player in self.players:
            if player.poll() is None:
                player.kill()
            player.wait(10)
        self.players.clear()

    def stop(self) -> None:
        self.silence()
        self.mic.stop()


def reinit_portaudio() -> None:
    import sounddevice

    sounddevice._terminate()  # PortAudio lists the devices of the server it sees now
    sounddevice._initialize()


@pytest.fixture(scope="module")
def rig(tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        call = CallRig(tmp_path_factory.mktemp("pulse"))
        try:
            call.start()
        except PulseUnavailable as error:
            pytest.skip(f"no virtual sound devices: {error}")
        for name in ("XDG_RUNTIME_DIR", "HOME"):
            patch.setenv(name, call.env[name])
        patch.delenv("PULSE_SERVER", raising=False)
        reinit_portaudio()
        yield call
        call.stop()
    reinit_portaudio()  # forget the virtual devices for later tests


@pytest.fixture
def quiet_rig(rig):
    yield rig
    rig.silence()


@pytest.fixture(scope="module")
def speech(tmp_path_factory) -> Path:
    """About 8 s of espeak English."""
    return espeak(" ".join(MEETING_SENTENCES[:2]), tmp_path_factory.mktemp("first-look") / "speech.wav")


@pytest.fixture
def settings(tmp_path) -> AppSettings:
    app_settings = AppSettings(tmp_path / "settings.ini")
    app_settings.recordings_dir = tmp_path / "recordings"
    app_settings.device = "cpu"
    return app_settings


@pytest.fixture
def make_view(qtbot, settings):
    """A shown RecordView in a plain window; shut down and checked for threads afterwards."""
    views: list[RecordView] = []
    hosts: list[QWidget] = []  # qtbot holds widgets weakly: keep the hosts alive

    def make(show: bool = True) -> RecordView:
        host = QWidget()
        hosts.append(host)
        qtbot.addWidget(host)
        view = RecordView(settings, host)
        host.resize(820, 560)
        view.resize(820, 560)
        views.append(view)
        if show:
            host.show()
            qtbot.waitExposed(host)
        return view

    yield make
    for view in views:
        view.shutdown()
        assert_no_audio_threads(view)


def assert_no_audio_threads(view: RecordView) -> None:
    assert not view.preview.is_running() and not view.audio.thread.isRunning()
    left = [t.name for t in threading.enumerate() if t.name in AUDIO_THREADS and t.is_alive()]
    assert not left, f"audio threads left: {left}"


def wait_previewing(qtbot, view: RecordView, tracks: tuple[str, ...]) -> None:
    """Until the preview has these tracks open and each meter has had a level."""
    qtbot.waitUntil(lambda: tuple(i.track for i in view.preview.inputs()) == tracks, timeout=OPEN_WAIT_MS)
    for track in tracks:
        meter = view.inputs_panel.meter(track)
        qtbot.waitUntil(lambda: meter.has_level() or meter.has_problem(), timeout=OPEN_WAIT_MS)
        assert not meter.has_problem(), meter.message()


def choose_source(view: RecordView, source: str) -> None:
    index = view.source_combo.findData(source)
    view.source_combo.setCurrentIndex(index)  # as the user's pick does (emits nothing if shown already)
    view.source_combo.activated.emit(index)


def test_audio_source_settings(tmp_path):
    settings = AppSettings(tmp_path / "settings.ini")
    assert settings.audio_source == "auto" and settings.system_device == ""
    settings.audio_source, settings.system_device = "both", "fl_speakers.monitor"
    again = AppSettings(tmp_path / "settings.ini")
    assert again.audio_source == "both" and again.system_device == "fl_speakers.monitor"
    again.audio_source = "loopback"  # not a choice: back to automatic
    assert again.audio_source == "auto"
    assert resolve_audio_source("auto", True) == "both" and resolve_audio_source("auto", False) == "mic"
    assert resolve_audio_source("system", False) == "system" and resolve_audio_source("mic", True) == "mic"


def test_panel_says_what_will_happen_and_meters_move_before_recording(qtbot, quiet_rig, make_view, settings,
                                                                     speech, tmp_path):
    settings.model, settings.language = "auto", "auto"
    heartbeat = Heartbeat()
    view = make_view()
    wait_previewing(qtbot, view, ("mic", "system"))  # auto: a call's two tracks
    assert heartbeat.stop() < UI_STALL_LIMIT, "opening the inputs held up the UI thread"
    panel = view.inputs_panel
    assert view.source_combo.currentData() == "both" and settings.audio_source == "auto"
    assert view.device_combo.isVisible() and view.system_combo.isVisible()
    assert view.system_combo.currentText() == "Default output (Monitor of Speakers)"
    offered = [view.system_combo.itemText(i) for i in range(view.system_combo.count())]
    assert "Monitor of Speakers (default)" in offered and "Monitor of Null Output" in offered
    assert "microphone and the system audio" in panel.heading.text()
    assert "base" in panel.model_label.text() and "tiny.en" in panel.model_label.text()
    assert panel.language_label.text() == "Language: detected from the speech"
    assert str(settings.recordings_dir) in panel.folder_label.text()
    # Nothing plays: both meters sit at the bottom and, after a few seconds, say so.
    qtbot.waitUntil(lambda: panel.mic_meter.has_hint() and panel.system_meter.has_hint(), timeout=20_000)
    assert panel.mic_meter.message() == "No sound from the microphone — is it muted?"
    assert panel.mic_meter.meter.peak() == 0.0
    # Speech into the microphone moves its meter only; the hint goes.
    quiet_rig.play_mic(speech)
    qtbot.waitUntil(lambda: panel.mic_meter.meter.peak() > LOUD, timeout=OPEN_WAIT_MS)
    assert not panel.mic_meter.has_hint() and panel.system_meter.meter.peak() == 0.0
    quiet_rig.silence()
    # The other side of the call: the system meter moves.
    quiet_rig.play_system(speech)
    qtbot.waitUntil(lambda: panel.system_meter.meter.peak() > LOUD, timeout=OPEN_WAIT_MS)
    assert not panel.system_meter.has_hint()
    screenshot = Path(os.environ.get("FIRST_LOOK_SCREENSHOT_DIR") or tmp_path) / "record-first-look.png"
    assert view.window().grab().save(str(screenshot)) and screenshot.stat().st_size > 0
    # Preferences changed: the panel follows.
    settings.language = "en"
    view.apply_settings()
    assert panel.model_label.text().startswith("Model: tiny.en") and panel.language_label.text() == "Language: English"
    chosen = tmp_path / "elsewhere"
    panel.choose_folder = lambda title, start: str(chosen)
    panel.folder_button.click()
    assert settings.recordings_dir == chosen and str(chosen) in panel.folder_label.text()


def test_choosing_microphone_hides_the_system_meter_and_hiding_stops_the_preview(qtbot, quiet_rig, make_view,
                                                                                 settings):
    view = make_view()
    wait_previewing(qtbot, view, ("mic", "system"))
    panel = view.inputs_panel
    choose_source(view, "mic")
    assert settings.audio_source == "mic"
    assert panel.system_meter.isHidden() and not view.system_combo.isVisible() and not panel.mic_meter.isHidden()
    assert panel.heading.text() == "Record captures the microphone."
    wait_previewing(qtbot, view, ("mic",))
    qtbot.waitUntil(lambda: not any(t.name.startswith("system-audio") for t in threading.enumerate()), timeout=10_000)
    choose_source(view, "system")
    assert panel.mic_meter.isHidden() and not view.device_combo.isVisible() and not panel.system_meter.isHidden()
    wait_previewing(qtbot, view, ("system",))
    assert view.preview.inputs() == (PreviewInput("system", None),)
    # Another view in front: nothing stays open.
    view.parentWidget().hide()
    qtbot.waitUntil(lambda: not view.preview.is_running(), timeout=10_000)
    assert view.preview.inputs() == ()
    view.parentWidget().show()
    wait_previewing(qtbot, view, ("system",))


def test_preview_stops_for_the_recording_and_on_shutdown(qtbot, quiet_rig, make_view, settings, speech):
    settings.model, settings.language, settings.speakers_enabled = "tiny.en", "en", False
    view = make_view()
    choose_source(view, "mic")
    wait_previewing(qtbot, view, ("mic",))
    view.start_recording()
    assert view.state == State.STARTING and view.preview.inputs() == ()
    qtbot.waitUntil(lambda: view.state == State.RECORDING, timeout=LONG_WAIT_MS)
    # The preview let go of the device before the recording opened it.
    assert not view.preview.is_running()
    assert not [t for t in threading.enumerate() if t.name == "input-preview"]
    assert not view.inputs_panel.summary.isVisibleTo(view)
    quiet_rig.play_mic(speech)  # the meter now shows the recording's own level
    qtbot.waitUntil(lambda: view.level_meter.peak() > LOUD, timeout=OPEN_WAIT_MS)
    with qtbot.waitSignal(view.recording_finished, timeout=LONG_WAIT_MS):
        view.stop_recording(wait=False)
    wait_previewing(qtbot, view, ("mic",))  # idle again: the levels are back
    view.shutdown()
    assert_no_audio_threads(view)


def test_a_start_cancelled_while_the_preview_closes(qtbot, quiet_rig, make_view, settings):
    view = make_view()
    choose_source(view, "mic")
    wait_previewing(qtbot, view, ("mic",))
    changes: list[bool] = []
    view.recording_changed.connect(changes.append)
    view.start_recording()
    view.stop_recording(wait=False)  # before the preview had closed: the worker never starts
    assert changes == [True, False] and view.state == State.IDLE
    qtbot.wait(500)
    assert not view.audio.worker.session and not list(settings.recordings_dir.glob("*"))


def test_a_device_that_fails_shows_an_inline_message(qtbot, quiet_rig, make_view, settings):
    settings.input_device = "no such microphone 1234"
    settings.system_device = "no such output 5678"
    settings.audio_source = "both"
    view = make_view()
    panel = view.inputs_panel
    qtbot.waitUntil(lambda: panel.mic_meter.has_problem() and panel.system_meter.has_problem(), timeout=OPEN_WAIT_MS)
    assert "no such microphone 1234" in panel.mic_meter.message()
    assert "no such output 5678" in panel.system_meter.message()
    assert panel.mic_meter.meter.isHidden() and panel.mic_meter.message_label.isVisible()
    assert view.device_combo.currentText() == "no such microphone 1234 (not connected)"
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
    # Choosing a device that works replaces the message by its meter.
    view.device_combo.setCurrentIndex(view.device_combo.findData(""))
    qtbot.waitUntil(lambda: panel.mic_meter.has_level(), timeout=OPEN_WAIT_MS)
    assert not panel.mic_meter.has_problem() and panel.mic_meter.meter.isVisible()
    assert "no such output 5678" in panel.system_meter.message()
