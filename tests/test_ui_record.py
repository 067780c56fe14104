"""The Record view on a real Qt event loop: real models, a file played as if live, a real
virtual microphone (PulseAudio), crash recovery and the level meter."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

import re
import shutil
import threading
from pathlib import Path

import pytest
import soundfile as sf
from PySide6.QtCore import QThread, Qt
from PySide6.QtWidgets import QWidget

from meeting_recorder.core.transcript import Segment
from meeting_recorder.ui.app import LANG_ENV, install_translators, remove_translators
from meeting_recorder.ui.level_meter import LevelMeter, bar_fraction
from meeting_recorder.ui.record_view import RecordView, State
from meeting_recorder.ui.recovery_dialog import RecoveryDialog
from meeting_recorder.ui.settings import AppSettings
from tests.pulse import PulseUnavailable, VirtualMicrophone
from tests.speech import MEETING_SENTENCES, espeak, wer

LONG_WAIT_MS = 180_000  # real models on a busy 2-core machine


@pytest.fixture(scope="module")
def speech(tmp_path_factory) -> tuple[Path, str]:
    """About 13 s of espeak English."""
    text = " ".join(MEETING_SENTENCES[:3])
    return espeak(text, tmp_path_factory.mktemp("record-speech") / "speech.wav"), text


@pytest.fixture
def settings(tmp_path) -> AppSettings:
    app_settings = AppSettings(tmp_path / "settings.ini")
    app_settings.recordings_dir = tmp_path / "recordings"
    app_settings.model = "tiny.en"
    app_settings.language = "en"
    app_settings.device = "cpu"
    return app_settings


@pytest.fixture
def make_view(qtbot, settings):
    """A RecordView inside a plain window; shut down (and checked) after the test."""
    views: list[RecordView] = []
    hosts: list[QWidget] = []  # qtbot holds widgets weakly: keep the hosts alive

    def make(**attributes) -> RecordView:
        host = QWidget()
        hosts.append(host)
        qtbot.addWidget(host)
        view = RecordView(settings, host)
        for name, value in attributes.items():
            setattr(view, name, value)
        views.append(view)
        return view

    yield make
    for view in views:
        view.shutdown()
        assert_no_audio_thread(view)


def assert_no_audio_thread(view: RecordView) -> None:
    assert not view.audio.thread.isRunning()
    assert not view.is_recording()
    worker = view.audio.worker
    assert worker.session is None and worker.engine is None and worker.embedder is None


def recordings(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def test_record_then_stop_with_file_source(qtbot, make_view, settings, speech):
    path, text = speech
    view = make_view(source_file=str(path), source_speed=1.5)
    levels: list[float] = []
    view.audio.worker.level.connect(levels.append)
    assert view.current_recording_path() is None and not view.is_recording()
    with qtbot.waitSignal(view.recording_changed, timeout=5000) as changed:
        qtbot.mouseClick(view.record_button, Qt.MouseButton.LeftButton)
    assert changed.args == [True] and view.is_recording()
    qtbot.waitUntil(lambda: view.state == State.RECORDING, timeout=LONG_WAIT_MS)
    partial = view.current_recording_path()
    assert partial is not None and partial.name.endswith(".wav.partial") and partial.parent == settings.recordings_dir
    qtbot.waitUntil(lambda: len(view.model.segments) >= 1, timeout=LONG_WAIT_MS)
    qtbot.waitUntil(lambda: view.elapsed_label.text() != "0:00" and view.size_label.text() != "0.0 MB",
                    timeout=10_000)
    first = view.model.segments[0]
    assert first.speaker and first.speaker.startswith("Speaker")
    speaker_cell = view.model.index(0, view.model.SPEAKER)
    assert view.model.data(speaker_cell) == first.speaker
    assert view.model.data(speaker_cell, Qt.ItemDataRole.ForegroundRole) == view.model.speaker_colour(first.speaker)
    assert view.record_button.text() == view.tr("&Stop")
    with qtbot.waitSignal(view.recording_finished, timeout=LONG_WAIT_MS) as finished:
        qtbot.mouseClick(view.record_button, Qt.MouseButton.LeftButton)
    wav = Path(finished.args[0])
    assert wav == partial.with_name(partial.name[: -len(".partial")])
    assert sf.info(wav).duration > 1.0 and not partial.exists()
    assert (wav.with_suffix(".json")).is_file()
    assert not view.is_recording() and view.current_recording_path() is None
    assert levels and max(levels) > 0.01
    said = " ".join(s.text for s in view.model.segments)
    assert said and wer(text, said) < 0.9  # stopped early: only part of the text was said
    view.shutdown()
    assert_no_audio_thread(view)


def test_recording_ends_with_the_file_and_levels_arrive(qtbot, make_view, settings, speech):
    path, _ = speech
    settings.speakers_enabled = False
    view = make_view(source_file=str(path), source_speed=4)
    levels: list[float] = []
    view.audio.worker.level.connect(levels.append)
    view.level_meter.set_level(0.0)
    with qtbot.waitSignal(view.recording_finished, timeout=LONG_WAIT_MS) as finished:
        view.start_recording()
    info = sf.info(finished.args[0])
    assert info.duration == pytest.approx(sf.info(path).duration, abs=0.05)
    assert len(view.model.segments) >= 1 and all(s.speaker is None for s in view.model.segments)
    assert view.audio.worker.engine is None, "models are released after each recording unless kept"
    # The file plays 40 blocks a second of audio; the meter gets at most ~10 a second.
    assert len(levels) >= 5 and len(levels) <= 12 * (sf.info(path).duration / 4) + 5
    assert max(levels) > 0.01


def test_korean_ui_shows_core_status_in_korean(qtbot, qapp, make_view, settings, speech, monkeypatch):
    path, _ = speech
    settings.speakers_enabled = False
    monkeypatch.setenv(LANG_ENV, "ko")
    translators = install_translators(qapp)
    try:
        view = make_view(source_file=str(path), source_speed=4)
        statuses: list[str] = []
        view.audio.worker.status.connect(statuses.append)
        with qtbot.waitSignal(view.recording_finished, timeout=LONG_WAIT_MS):
            view.start_recording()
        qtbot.waitUntil(lambda: any("메모리" in s for s in statuses), timeout=10_000)
    finally:
        remove_translators(qapp, translators)
    assert "실시간 전사 중" in statuses and any(s.startswith("녹음 저장됨: ") for s in statuses)
    english = [s for s in statuses if not re.search("[\uac00-\ud7a3]", s)]
    assert not english, f"shown in English: {english}"


def test_stop_recording_wait_finalizes_at_once(qtbot, make_view, settings, speech):
    path, _ = speech
    settings.speakers_enabled = False
    settings.keep_models_loaded = True
    view = make_view(source_file=str(path), source_speed=1)
    view.start_recording()
    qtbot.waitUntil(lambda: view.state == State.RECORDING, timeout=LONG_WAIT_MS)
    qtbot.wait(1500)
    partial = view.current_recording_path()
    finished: list[str] = []
    view.recording_finished.connect(finished.append)
    view.stop_recording(wait=True)
    # Returned: the file is final already, no event loop needed.
    wav = partial.with_name(partial.name[: -len(".partial")])
    assert finished == [str(wav)] and not view.is_recording()
    info = sf.info(wav)
    assert info.format in ("WAV", "WAVEX") and info.duration >= 1.0
    samples, _ = sf.read(wav, dtype="int16")
    assert len(samples) == info.frames and abs(samples).max() > 0  # readable to the last frame
    assert not partial.exists() and not list(settings.recordings_dir.glob("*.jsonl"))
    assert view.audio.worker.engine is not None, "keep_models_loaded keeps the engine between recordings"
    qtbot.wait(300)  # nothing queued may finish it a second time
    assert finished == [str(wav)]


def make_partial(folder: Path, source: Path) -> Path:
    """A recording as a crash leaves it: a WAV still named .wav.partial."""
    folder.mkdir(parents=True, exist_ok=True)
    wav = folder / "2026-01-01_090000.wav"
    samples, rate = sf.read(source, dtype="int16")
    sf.write(wav, samples[: rate * 3], rate, subtype="PCM_16")
    partial = wav.with_name(wav.name + ".partial")
    wav.rename(partial)
    return partial


def test_recovered_partial_is_offered_and_discarded(qtbot, make_view, settings, speech, monkeypatch):
    partial = make_partial(settings.recordings_dir, speech[0])
    view = make_view()
    with qtbot.waitSignal(view.recordings_recovered, timeout=30_000) as recovered:
        view.check_recovered()
    [recording] = recovered.args[0]
    wav = partial.with_name("2026-01-01_090000.wav")
    assert recording.path == wav and recording.seconds == pytest.approx(3.0, abs=0.01)
    assert not partial.exists() and sf.info(wav).duration == pytest.approx(3.0, abs=0.01)
    dialog = view.recovery_dialog
    assert isinstance(dialog, RecoveryDialog) and dialog.isVisible() and dialog.paths() == [str(wav)]
    with qtbot.waitSignal(view.transcribe_requested, timeout=1000) as queued:
        qtbot.mouseClick(dialog.transcribe_button, Qt.MouseButton.LeftButton)
    assert queued.args == [str(wav)]
    opened: list[str] = []
    view.open_requested.connect(opened.append)
    dialog.open_recording()
    assert opened == [str(wav)]  # no transcript was journaled: the audio itself
    monkeypatch.setattr(dialog, "confirm_discard", lambda path: False)
    assert not dialog.discard() and wav.exists()
    monkeypatch.setattr(dialog, "confirm_discard", lambda path: True)
    with qtbot.waitSignal(dialog.discarded, timeout=1000):
        qtbot.mouseClick(dialog.discard_button, Qt.MouseButton.LeftButton)
    assert recordings(settings.recordings_dir) == []
    qtbot.waitUntil(lambda: view.recovery_dialog is None, timeout=5000)  # closed with its last row


def test_discard_deletes_the_transcript_files_too(qtbot, tmp_path, speech):
    from meeting_recorder.core.recovery import RecoveredRecording

    wav = tmp_path / "2026-01-02_100000.wav"
    shutil.copy(speech[0], wav)
    exports = [wav.with_suffix(s) for s in (".txt", ".json", ".srt")]
    for export in exports:
        export.write_text("x")
    (tmp_path / "other.wav").write_bytes(b"keep")
    dialog = RecoveryDialog([RecoveredRecording(wav, 1.0, 16000, exports[:2])])
    qtbot.addWidget(dialog)
    assert dialog.paths() == [str(wav)]
    opened: list[str] = []
    dialog.open_requested.connect(opened.append)
    dialog.open_recording(wav)
    assert opened == [str(exports[1])]  # the JSON transcript
    assert dialog.discard(wav, confirm=False)
    assert recordings(tmp_path) == ["other.wav"]


def test_start_failure_shows_error_and_leaves_nothing(qtbot, make_view, settings):
    settings.input_device = "no such microphone 1234"
    view = make_view()
    assert view.device_combo.currentData() == "no such microphone 1234"
    with qtbot.waitActive(view.window()):
        view.window().show()
    view.record_button.setFocus()
    changes: list[bool] = []
    view.recording_changed.connect(changes.append)
    with qtbot.waitSignal(view.error_message, timeout=60_000) as error:
        qtbot.keyClick(view.record_button, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert "no such microphone 1234" in error.args[0] or "No audio input device" in error.args[0]
    qtbot.waitUntil(lambda: not view.is_recording(), timeout=10_000)
    assert changes == [True, False]
    assert view.error_label.isVisibleTo(view) and view.error_label.text() == error.args[0]
    assert recordings(settings.recordings_dir) == []
    view.shutdown()
    assert_no_audio_thread(view)
    assert not any(t.name in ("live-transcriber", "file-source", "mic-watchdog") for t in threading.enumerate())


def test_autoscroll_pauses_while_scrolled_back(qtbot, make_view):
    view = make_view()
    view.parentWidget().resize(600, 300)
    view.resize(600, 300)
    view.parentWidget().show()
    qtbot.waitExposed(view)
    bar = view.transcript_view.verticalScrollBar()
    for n in range(60):
        words = f"line {n} " + "word " * 12
        view.model.add_segment(Segment(n * 2.0, n * 2.0 + 1.5, words, speaker=f"Speaker {n % 3 + 1}"))
    qtbot.waitUntil(lambda: bar.maximum() > 0 and bar.value() == bar.maximum(), timeout=5000)
    assert view.is_following() and not view.jump_button.isVisible()
    bar.setValue(0)  # the user scrolls back to read
    assert not view.is_following() and view.jump_button.isVisible()
    view.model.add_segment(Segment(200.0, 201.0, "a new line", speaker="Speaker 1"))
    qtbot.wait(50)
    assert bar.value() == 0, "reading back must not be disturbed by new lines"
    qtbot.mouseClick(view.jump_button, Qt.MouseButton.LeftButton)
    assert bar.value() == bar.maximum() and view.is_following() and not view.jump_button.isVisible()
    view.model.add_segment(Segment(202.0, 203.0, "and another", speaker="Speaker 2"))
    qtbot.waitUntil(lambda: bar.value() == bar.maximum(), timeout=5000)
    colours = {view.model.speaker_colour(f"Speaker {n}").name() for n in (1, 2, 3)}
    assert len(colours) == 3 and view.model.speaker_colour("Speaker 1") == view.model.speaker_colour("Speaker 1")


def test_level_meter_peak_hold(qtbot):
    meter = LevelMeter()
    qtbot.addWidget(meter)
    assert bar_fraction(1.0) == 1.0 and bar_fraction(0.0) == 0.0 and bar_fraction(0.001) == pytest.approx(0.0)
    meter.set_level(0.5)
    loud = meter.level()
    meter.set_level(0.01)
    assert meter.level() < loud and meter.peak() == loud  # the peak is held
    meter.grab()  # paints without error
    meter.reset()
    assert meter.level() == meter.peak() == 0.0


# -- the real virtual microphone --------------------------------------------------------------------


@pytest.fixture
def virtual_mic(tmp_path, monkeypatch):
    """A PulseAudio null sink whose monitor is the default input, seen by this process."""
    mic = VirtualMicrophone(tmp_path / "pulse")
    try:
        mic.start()
    except PulseUnavailable as error:
        pytest.skip(f"no virtual microphone: {error}")
    for name in ("XDG_RUNTIME_DIR", "HOME"):
        monkeypatch.setenv(name, mic.env[name])
    monkeypatch.delenv("PULSE_SERVER", raising=False)
    yield mic
    mic.stop()
    monkeypatch.undo()
    import sounddevice

    sounddevice._terminate()  # forget the virtual devices for later tests
    sounddevice._initialize()


def test_virtual_microphone_record_stop_and_device_loss(qtbot, make_view, settings, virtual_mic, tmp_path):
    settings.speakers_enabled = True
    view = make_view()
    view.refresh_devices()  # PortAudio re-scans and finds the PulseAudio devices
    # (waitSignal on a worker signal would run pytest-qt's handler on the worker's thread)
    qtbot.waitUntil(lambda: view.device_combo.count() > 1, timeout=30_000)
    names = [view.device_combo.itemData(i) for i in range(view.device_combo.count())]
    assert "default" in names and view.device_combo.currentData() == ""
    text = " ".join(MEETING_SENTENCES[:2])
    said = espeak(text, tmp_path / "said.wav")
    view.start_recording()
    qtbot.waitUntil(lambda: view.state == State.RECORDING, timeout=LONG_WAIT_MS)
    player = virtual_mic.play(said, delay=0.5)
    qtbot.waitUntil(lambda: len(view.model.segments) >= 1, timeout=LONG_WAIT_MS)
    player.wait(30)
    qtbot.wait(2000)  # the last words end in silence, so the VAD closes them
    with qtbot.waitSignal(view.recording_finished, timeout=LONG_WAIT_MS) as finished:
        view.stop_recording(wait=False)
    heard = " ".join(s.text for s in view.model.segments)
    assert wer(text, heard) <= 0.3, heard
    assert all(s.speaker for s in view.model.segments)
    assert sf.info(finished.args[0]).duration > 3
    # The device disappears mid-recording: the file is finalized and the error shown.
    view.start_recording()
    qtbot.waitUntil(lambda: view.state == State.RECORDING, timeout=LONG_WAIT_MS)
    partial = view.current_recording_path()
    bytes_per_second = 44100 * 2 * 2  # PulseAudio's default: 44.1 kHz stereo
    qtbot.waitUntil(lambda: partial.stat().st_size > 1.5 * bytes_per_second, timeout=30_000)
    with qtbot.waitSignal(view.recording_finished, timeout=60_000) as lost:
        virtual_mic.kill_server()
    assert "stopped" in view.error_label.text() and view.error_label.isVisibleTo(view)
    assert sf.info(lost.args[0]).duration >= 1.0
    assert not list(settings.recordings_dir.glob("*.partial"))
    assert isinstance(view.audio.thread, QThread)
