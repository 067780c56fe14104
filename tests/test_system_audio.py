"""System audio capture (core/system_audio.py) against a real PulseAudio server: a virtual
call (tests/pulse.py ``VirtualCall``) with a microphone sink and a speakers sink."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import threading
import time

import numpy as np
import pytest
import soundfile as sf

from tests.needs import needs, needs_modules, skip_or_fail
from tests.pulse import PulseUnavailable, VirtualCall

pytestmark = [
    needs_modules("soundcard", "sounddevice"),
    needs(shutil.which("sox") is None, "sox is not installed (make test installs it)"),
]


@pytest.fixture
def call(tmp_path, monkeypatch):
    """A private PulseAudio server with a microphone and speakers, seen by this process."""
    rig = VirtualCall(tmp_path / "pulse")
    try:
        rig.start()
    except PulseUnavailable as error:
        skip_or_fail(f"no virtual call: {error}")
    rig.enter_process(monkeypatch)
    yield rig
    rig.stop()
    monkeypatch.undo()
    rig.leave_process()


def tone(path, hz: float, seconds: float, db: float = -6.0):
    subprocess.run(["sox", "-n", "-r", "48000", "-c", "2", "-b", "16", str(path), "synth", str(seconds),
                    "sine", str(hz), "vol", f"{db}dB"], check=True, capture_output=True, timeout=60)
    return path


def rms(samples: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(samples.astype(np.float64) / 32768.0)))) if samples.size else 0.0


def dominant_hz(samples: np.ndarray, rate: int) -> float:
    mono = samples.astype(np.float64).mean(axis=1)
    spectrum = np.abs(np.fft.rfft(mono * np.hanning(len(mono))))
    return float(np.fft.rfftfreq(len(mono), 1 / rate)[np.argmax(spectrum)])


class Capture:
    """Blocks a source delivers, with the moment each came, and how it ended."""

    def __init__(self) -> None:
        self.blocks: list[np.ndarray] = []
        self.ended: list[object] = []
        self.end_seen = threading.Event()

    def on_block(self, block: np.ndarray) -> None:
        self.blocks.append(block.copy())

    def on_end(self, event) -> None:
        self.ended.append(event)
        self.end_seen.set()

    def audio(self, first_block: int = 0) -> np.ndarray:
        return np.concatenate(self.blocks[first_block:])


def wait_until(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def system_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("system-audio")]


# -- devices --------------------------------------------------------------------------------


def test_lists_the_speakers_monitor_as_the_default(call):
    from meeting_recorder.core.system_audio import (
        default_input_id,
        default_system_device,
        find_system_device,
        list_system_devices,
    )

    devices = {d.id: d for d in list_system_devices()}
    assert set(devices) >= {call.SPEAKERS_MONITOR, call.MIC_MONITOR}
    speakers = devices[call.SPEAKERS_MONITOR]
    assert speakers.is_default and not devices[call.MIC_MONITOR].is_default
    assert speakers.name == "Monitor of Virtual speakers" and speakers.channels == 2 and speakers.samplerate == 48000
    assert default_system_device() == speakers
    assert find_system_device(None) == find_system_device("") == speakers
    assert find_system_device("virtual SPEAKERS") == find_system_device(call.SPEAKERS_MONITOR) == speakers
    assert default_input_id() == call.MIC_MONITOR  # the microphone is not the system audio


def test_bad_device_names_are_clear_errors(call):
    from meeting_recorder.core.events import DeviceAmbiguous, SystemAudioNotFound
    from meeting_recorder.core.sources import DeviceError
    from meeting_recorder.core.system_audio import SystemAudioSource

    with pytest.raises(DeviceError) as missing:
        SystemAudioSource("no such output")
    assert isinstance(missing.value.event, SystemAudioNotFound)
    assert "'no such output' matches no system audio source" in str(missing.value)
    assert call.SPEAKERS_MONITOR in str(missing.value)  # says what there is
    with pytest.raises(DeviceError) as ambiguous:
        SystemAudioSource("virtual")  # both monitors
    assert isinstance(ambiguous.value.event, DeviceAmbiguous)


def test_no_sound_server_is_a_clear_error(tmp_path, monkeypatch):
    from meeting_recorder.core.events import NoSystemAudio
    from meeting_recorder.core.sources import DeviceError
    from meeting_recorder.core.system_audio import SystemAudioSource, default_system_device, list_system_devices

    # An explicit server address that nothing answers: libpulse never autospawns for it.
    monkeypatch.setenv("PULSE_SERVER", f"unix:{tmp_path / 'no-server'}")
    assert list_system_devices() == [] and default_system_device() is None
    with pytest.raises(DeviceError) as error:
        SystemAudioSource()
    assert isinstance(error.value.event, NoSystemAudio)
    assert "no connection to a sound server" in str(error.value)


# -- capture --------------------------------------------------------------------------------


def test_records_the_speakers_and_not_the_microphone(call, tmp_path):
    from meeting_recorder.core.system_audio import SystemAudioSource

    near, far = tone(tmp_path / "near.wav", 440, 1.5), tone(tmp_path / "far.wav", 1000, 1.5)
    source = SystemAudioSource()
    assert (source.samplerate, source.channels, source.block_frames) == (48000, 2, 4800)
    capture = Capture()
    source.start(capture.on_block, capture.on_end)
    try:
        assert wait_until(lambda: source.frames_delivered >= 48000, 10)  # past the first stream's start
        call.play_mic(near).wait(30)
        time.sleep(0.5)
        mic_phase_end = len(capture.blocks)
        call.play_remote(far).wait(30)
        time.sleep(1.0)
    finally:
        source.stop()
    assert rms(capture.audio()[: mic_phase_end * 4800]) < 1e-4  # the microphone's tone is not heard
    loud = [b for b in capture.blocks[mic_phase_end:] if rms(b) > 0.1]
    assert len(loud) >= 12, [round(rms(b), 3) for b in capture.blocks[mic_phase_end:]]  # ~1.5 s of tone
    tone_part = np.concatenate(loud)
    assert abs(dominant_hz(tone_part, 48000) - 1000) < 10
    sent = rms(sf.read(far, dtype="int16")[0])
    assert abs(20 * np.log10(rms(tone_part) / sent)) < 1.0  # the level comes through unchanged
    assert capture.ended == []


def test_keeps_time_through_silence_and_a_stalled_monitor(call):
    from meeting_recorder.core.system_audio import SystemAudioSource

    source = SystemAudioSource(call.SPEAKERS_MONITOR)
    capture = Capture()
    source.start(capture.on_block, capture.on_end)
    try:
        time.sleep(3.0)  # nothing plays
        quiet = source.frames_delivered / ((time.monotonic() - source.started_at) * source.samplerate)
        call.suspend_speakers(True)  # the monitor now delivers nothing at all
        filled_before = source.frames_filled
        time.sleep(2.0)
        call.suspend_speakers(False)
        filled = source.frames_filled - filled_before
        time.sleep(1.0)
        stalled = source.frames_delivered / ((time.monotonic() - source.started_at) * source.samplerate)
    finally:
        source.stop()
    assert 0.9 <= quiet <= 1.1 and 0.9 <= stalled <= 1.1, (quiet, stalled)
    assert filled >= 1.4 * source.samplerate  # the stall was filled with silence
    assert {b.shape for b in capture.blocks} == {(4800, 2)} and capture.blocks[0].dtype == np.int16
    assert capture.ended == []  # silence is no error


def test_stop_is_idempotent_and_leaves_no_thread(call):
    from meeting_recorder.core.system_audio import SystemAudioSource

    source = SystemAudioSource()
    capture = Capture()
    source.start(capture.on_block, capture.on_end)
    assert wait_until(lambda: len(capture.blocks) >= 3, 10)
    call.suspend_speakers(True)  # a stalled monitor must not hold stop() up
    time.sleep(0.5)
    asked = time.monotonic()
    source.stop()
    took = time.monotonic() - asked
    count = len(capture.blocks)
    source.stop()
    time.sleep(0.3)
    assert len(capture.blocks) == count and not system_threads()
    assert took < 1.0 and capture.ended == []


def test_losing_the_server_ends_the_source_once(call):
    from meeting_recorder.core.events import DeviceStopped
    from meeting_recorder.core.system_audio import SystemAudioSource

    source = SystemAudioSource()
    capture = Capture()
    source.start(capture.on_block, capture.on_end)
    try:
        assert wait_until(lambda: len(capture.blocks) >= 3, 10)
        call.kill_server()
        assert capture.end_seen.wait(10)
        time.sleep(0.3)
    finally:
        source.stop()
    assert len(capture.ended) == 1 and isinstance(capture.ended[0], DeviceStopped)
    assert not system_threads()


def test_microphone_waits_longer_for_its_first_block_than_for_the_next(call):
    """A microphone slow to deliver its first block (PulseAudio on a busy machine) is not
    a lost device; one that stops once it has delivered is, after WATCHDOG_SECONDS."""
    from meeting_recorder.core.events import DeviceSilent
    from meeting_recorder.core.sources import MicrophoneSource

    mic, capture = MicrophoneSource(), Capture()
    assert mic.FIRST_BLOCK_SECONDS >= 3 * mic.WATCHDOG_SECONDS
    call.suspend_mic(True)  # opened, but nothing comes yet
    mic.start(capture.on_block, capture.on_end)
    try:
        time.sleep(mic.WATCHDOG_SECONDS * 2)
        assert capture.ended == [] and capture.blocks == []
        call.suspend_mic(False)
        assert wait_until(lambda: capture.blocks, 10), capture.ended
        call.suspend_mic(True)  # the device stops after it had delivered
        stopped_at = time.monotonic()
        assert wait_until(lambda: capture.ended, mic.FIRST_BLOCK_SECONDS)
        waited = time.monotonic() - stopped_at
    finally:
        mic.stop()
        call.suspend_mic(False)
    assert [type(e) for e in capture.ended] == [DeviceSilent]
    assert waited < mic.FIRST_BLOCK_SECONDS  # the shorter watchdog, not the first-block wait
    assert not [t for t in threading.enumerate() if t.name == "mic-watchdog"]


def test_microphone_and_system_audio_at_once(call, tmp_path):
    """Both devices in one process: the near side on the microphone, the far side on the
    speakers' monitor, and the far side's bleed into the microphone 10 dB down."""
    from meeting_recorder.core.sources import MicrophoneSource
    from meeting_recorder.core.system_audio import SystemAudioSource

    near, far = tone(tmp_path / "near.wav", 440, 1.5), tone(tmp_path / "far.wav", 1000, 1.5)
    mic, system = MicrophoneSource(), SystemAudioSource()
    heard_mic, heard_system = Capture(), Capture()
    mic.start(heard_mic.on_block, heard_mic.on_end)
    system.start(heard_system.on_block, heard_system.on_end)
    try:
        assert wait_until(lambda: heard_mic.blocks and system.frames_delivered >= 48000, 15)
        mic_start, system_start = len(heard_mic.blocks), len(heard_system.blocks)
        players = [call.play_mic(near), call.play_remote(far)]
        for player in players:
            player.wait(30)
        time.sleep(1.0)
        mic_mid, system_mid = len(heard_mic.blocks), len(heard_system.blocks)
        players = [call.play_remote(far), call.play_bleed(far, -10)]
        for player in players:
            player.wait(30)
        time.sleep(1.0)
    finally:
        mic.stop()
        system.stop()
    assert abs(dominant_hz(heard_mic.audio(mic_start)[: (mic_mid - mic_start) * mic.block_frames], mic.samplerate)
               - 440) < 10
    assert abs(dominant_hz(heard_system.audio(system_start)[: (system_mid - system_start) * 4800], 48000) - 1000) < 10
    bleed = heard_mic.audio(mic_mid)
    far_in_system = heard_system.audio(system_mid)
    assert abs(dominant_hz(bleed, mic.samplerate) - 1000) < 10
    level = 20 * np.log10(loudest(bleed, mic.block_frames) / loudest(far_in_system, 4800))
    assert -12 < level < -8, level
    assert heard_mic.ended == [] and heard_system.ended == []


def loudest(samples: np.ndarray, block: int) -> float:
    return max(rms(b) for b in np.array_split(samples, max(1, len(samples) // block)))


# -- the devices command --------------------------------------------------------------------


def test_devices_command_lists_inputs_and_system_audio(call):
    result = subprocess.run([sys.executable, "-m", "meeting_recorder", "devices"], env=call.env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    inputs, system = result.stdout.split("System audio (monitor/loopback) sources:")
    assert "default" in inputs and "[default]" in inputs
    lines = [line.strip() for line in system.strip().splitlines()]
    assert f"{call.SPEAKERS_MONITOR}: Monitor of Virtual speakers (2 ch, 48000 Hz)  [default]" in lines
    assert f"{call.MIC_MONITOR}: Monitor of Virtual microphone (2 ch, 48000 Hz)" in lines


def test_devices_command_without_a_sound_server(tmp_path):
    env = dict(os.environ, PULSE_SERVER=f"unix:{tmp_path / 'no-server'}")
    result = subprocess.run([sys.executable, "-m", "meeting_recorder", "devices"], env=env,
                            capture_output=True, text=True, timeout=120)
    assert "System audio (monitor/loopback) sources:\n  none: System audio cannot be recorded" in result.stdout
    assert "Traceback" not in result.stderr


def test_soundcard_loads_lazily():
    """The window must appear fast: importing the module does not load soundcard."""
    code = ("import sys; import meeting_recorder.core.system_audio; "
            "print('soundcard' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "False", result.stderr
    assert importlib.util.find_spec("soundcard") is not None
