"""Live audio sources: a microphone (sounddevice) or a file played as if it were live.

A source calls ``on_block(int16 array frames × channels)`` from its own thread at its
native rate and channel count; the array is only valid during the call (the session copies
it into its preallocated pool). When the source ends by itself (end of file, device error)
it calls ``on_end(error_event_or_None)`` once (events: ``core/events.py``).
"""

from __future__ import annotations

import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from meeting_recorder.core.errors import MeetingRecorderError
from meeting_recorder.core.events import (
    DeviceAmbiguous,
    DeviceNotFound,
    DeviceOpenFailed,
    DeviceSilent,
    DeviceStopped,
    Event,
    NoInputDevice,
    PlaybackFailed,
)

BlockCallback = Callable[[np.ndarray], None]
EndCallback = Callable[[Event | None], None]
BLOCK_SECONDS = 0.1


class DeviceError(MeetingRecorderError):
    """The audio device cannot be opened or failed while recording."""


class AudioSource(ABC):
    samplerate: int
    channels: int
    name: str
    realtime = True  # a live device never waits; a file source may be held back

    @abstractmethod
    def start(self, on_block: BlockCallback, on_end: EndCallback) -> None: ...

    @abstractmethod
    def stop(self) -> None:
        """Stop delivering blocks; returns once no more will come. Idempotent."""

    @property
    def block_frames(self) -> int:
        return max(1, int(self.samplerate * BLOCK_SECONDS))


# -- microphone ------------------------------------------------------------------------


@dataclass(frozen=True)
class InputDevice:
    index: int
    name: str
    channels: int
    samplerate: int
    is_default: bool


def list_input_devices() -> list[InputDevice]:
    """Input devices PortAudio sees (empty when there is no sound card)."""
    import sounddevice

    try:
        devices = sounddevice.query_devices()
        default_input = sounddevice.default.device[0]
    except sounddevice.PortAudioError:
        return []
    return [
        InputDevice(i, d["name"], d["max_input_channels"], int(d["default_samplerate"]), i == default_input)
        for i, d in enumerate(devices)
        if d["max_input_channels"] > 0
    ]


def find_input_device(choice: str | int | None) -> InputDevice:
    """By index, exact name, or unique substring of the name; None means the default."""
    devices = list_input_devices()
    if not devices:
        raise DeviceError(NoInputDevice())
    if choice is None or choice == "":
        return next((d for d in devices if d.is_default), devices[0])
    if isinstance(choice, int) or str(choice).isdigit():
        match = [d for d in devices if d.index == int(choice)]
    else:
        match = [d for d in devices if d.name == choice] or [
            d for d in devices if str(choice).lower() in d.name.lower()
        ]
    if len(match) != 1:
        names = ", ".join(f"{d.index}: {d.name}" for d in devices)
        raise DeviceError((DeviceAmbiguous if match else DeviceNotFound)(str(choice), names))
    return match[0]


class MicrophoneSource(AudioSource):
    """A sounddevice InputStream at the device's native rate and channel count (≤ 2)."""

    WATCHDOG_SECONDS = 2.0  # no audio for this long while running counts as a device error
    FIRST_BLOCK_SECONDS = 8.0  # some back ends (PulseAudio under load) take seconds to deliver the first block

    def __init__(self, device: str | int | None = None) -> None:
        self.device = find_input_device(device)
        self.name = self.device.name
        self.samplerate = self.device.samplerate
        self.channels = min(self.device.channels, 2)
        self._stream = None
        self._stopping = threading.Event()
        self._watchdog: threading.Thread | None = None
        self._opened_at = 0.0
        self._last_block = 0.0  # 0.0 until the first block: the first wait is longer
        self._ended = False
        self._on_end: EndCallback | None = None
        self.overflows = 0

    def start(self, on_block: BlockCallback, on_end: EndCallback) -> None:
        import sounddevice

        self._on_end = on_end

        def callback(indata: np.ndarray, frames: int, time_info: object, status: object) -> None:
            if status:  # input overflow: the OS dropped audio before we saw it
                self.overflows += 1
            self._last_block = time.monotonic()
            on_block(indata)

        try:
            self._stream = sounddevice.InputStream(
                device=self.device.index,
                samplerate=self.samplerate,
                channels=self.channels,
                dtype="int16",
                blocksize=self.block_frames,
                callback=callback,
                finished_callback=self._finished,
            )
            self._opened_at, self._last_block = time.monotonic(), 0.0
            self._stream.start()
        except sounddevice.PortAudioError as error:
            self._close_stream()
            raise DeviceError(DeviceOpenFailed(self.name, str(error))) from error
        self._watchdog = threading.Thread(target=self._watch, name="mic-watchdog")
        self._watchdog.start()

    def _finished(self) -> None:
        if not self._stopping.is_set():  # the stream ended without being asked to
            self._end(DeviceStopped(self.name))

    def _watch(self) -> None:
        while not self._stopping.wait(0.25):
            if self._last_block == 0.0:
                silent_for, limit = time.monotonic() - self._opened_at, self.FIRST_BLOCK_SECONDS
            else:
                silent_for, limit = time.monotonic() - self._last_block, self.WATCHDOG_SECONDS
            if silent_for > limit:
                self._end(DeviceSilent(self.name))
                return

    def _end(self, message: Event | None) -> None:
        if not self._ended and self._on_end is not None:
            self._ended = True
            self._on_end(message)

    def _close_stream(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            try:
                stream.abort()
            except Exception:  # the device may be gone already; closing is all we need
                pass
            stream.close(ignore_errors=True)

    def stop(self) -> None:
        self._stopping.set()
        self._close_stream()
        if self._watchdog is not None and self._watchdog is not threading.current_thread():
            self._watchdog.join()
            self._watchdog = None


# -- file played as live ---------------------------------------------------------------


class FileSource(AudioSource):
    """Plays a file's first audio track, unchanged (native rate, ≤ 2 channels, int16), at
    ``speed`` × real time (0 = as fast as the consumer takes it). ``clock_rate``: the frames
    per second it really delivers (default its sample rate), for a device whose crystal is
    off (two-track clock tests: 48 004.8 frames/s is a 48 kHz device 100 ppm fast)."""

    realtime = False

    def __init__(
        self,
        path: str | Path,
        speed: float = 1.0,
        max_seconds: float | None = None,
        loop: bool = False,
        clock_rate: float | None = None,
    ) -> None:
        import av

        from meeting_recorder.core.audio import probe

        self.path = Path(path)
        probe(self.path)  # clear errors for missing/empty/non-audio files
        with av.open(str(self.path)) as container:
            stream = container.streams.audio[0]
            self.samplerate = stream.codec_context.sample_rate
            self.channels = min(stream.codec_context.channels, 2)
        self.name = self.path.name
        self.speed = speed
        self.clock_rate = float(clock_rate or self.samplerate)
        self.loop = loop  # play again from the start (soak runs); needs max_seconds or stop()
        self.max_frames = None if max_seconds is None else int(max_seconds * self.samplerate)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, on_block: BlockCallback, on_end: EndCallback) -> None:
        self._thread = threading.Thread(target=self._play, args=(on_block, on_end), name="file-source")
        self._thread.start()

    def _blocks(self):
        """Decoded int16 blocks; with ``loop``, the file again and again through the same
        container and resampler (a new resampler per pass briefly added 3 threads and
        4 file descriptors each time: the soak saw them as spikes)."""
        import av

        layout = "mono" if self.channels == 1 else "stereo"
        resampler = av.AudioResampler(format="s16", layout=layout, rate=self.samplerate)
        with av.open(str(self.path)) as container:
            stream = container.streams.audio[0]
            while True:
                for frame in container.decode(stream):
                    frame.pts = None
                    for out in resampler.resample(frame):
                        yield out.to_ndarray().reshape(-1, self.channels)
                if not self.loop or self._stop.is_set():
                    break
                container.seek(0)
        for out in resampler.resample(None):
            yield out.to_ndarray().reshape(-1, self.channels)

    def _play(self, on_block: BlockCallback, on_end: EndCallback) -> None:
        message: Event | None = None
        self._sent = 0
        self._started = time.monotonic()
        block = self.block_frames
        pending = np.zeros((0, self.channels), dtype=np.int16)
        try:
            for decoded in self._blocks():
                pending = np.concatenate([pending, decoded]) if len(pending) else decoded
                while len(pending) >= block:
                    chunk, pending = pending[:block], pending[block:]
                    if not self._send(chunk, on_block):
                        return
            if len(pending):
                self._send(pending, on_block)
        except Exception as error:  # decoding failed mid-file
            message = PlaybackFailed(str(self.path), str(error))
        finally:
            if not self._stop.is_set():
                on_end(message)

    def _send(self, chunk: np.ndarray, on_block: BlockCallback) -> bool:
        """Deliver one block on time; False once stopped or at the length limit."""
        if self.max_frames is not None:
            chunk = chunk[: self.max_frames - self._sent]
        if self._stop.is_set() or not len(chunk):
            return False
        self._pace(self._started, self._sent)
        on_block(chunk)
        self._sent += len(chunk)
        return self.max_frames is None or self._sent < self.max_frames

    def _pace(self, started: float, sent_frames: int) -> None:
        if self.speed <= 0:
            return
        due = started + sent_frames / self.clock_rate / self.speed
        self._stop.wait(max(0.0, due - time.monotonic()))

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join()
            self._thread = None
