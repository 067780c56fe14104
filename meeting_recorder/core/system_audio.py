"""System audio: what the speakers play (the other side of a call), as a live source.

Linux (PulseAudio, or PipeWire's pulse server): the *monitor* of an output (sink).
Windows: the WASAPI *loopback* of an output. macOS has no loopback that ``soundcard``
reaches; a loopback driver (BlackHole, Loopback, Soundflower) shows up as an input, and
such inputs are offered here.

Capture goes through ``soundcard`` (libpulse through cffi / WASAPI), imported only when
first needed: on Linux it connects to the sound server at import time. Its pulse backend
has flaws handled at the end of this file: it keeps one connection for the life of the
process (dead after a server restart), it aborts the whole process when a query meets a
dead server (``pa_operation_unref(NULL)``), its reads block while a stream is stalled, and
it fails to import under ``python -c``.

The track keeps time: WASAPI loopback delivers nothing while nothing plays, and a
suspended PulseAudio sink stalls its monitor, so the gaps are filled with silence and the
frames delivered follow the wall clock from ``started_at`` on. Silence is normal here.
"""

from __future__ import annotations

import atexit
import os
import queue
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

from meeting_recorder.core.events import (
    DeviceAmbiguous,
    DeviceOpenFailed,
    DeviceStopped,
    Event,
    NoSystemAudio,
    SystemAudioNotFound,
)
from meeting_recorder.core.sources import AudioSource, BlockCallback, DeviceError, EndCallback

SAMPLERATE = 48_000  # what we ask for; the sound server converts (soundcard does not report the device's rate)
LOOPBACK_INPUT_NAMES = ("blackhole", "loopback", "soundflower")  # macOS loopback drivers


@dataclass(frozen=True)
class SystemAudioDevice:
    id: str  # the backend's id: "alsa_output….monitor" (Linux), the endpoint id (Windows)
    name: str
    channels: int
    samplerate: int
    is_default: bool


# -- devices ---------------------------------------------------------------------------------


def _backend_devices() -> list[tuple[SystemAudioDevice, object]]:
    """(device, soundcard microphone) pairs; DeviceError when there is no sound server."""
    with _backend_lock:  # no reconnect (which frees the old connection) while we query
        return _query_devices(_soundcard())


def _query_devices(sc) -> list[tuple[SystemAudioDevice, object]]:
    try:
        if sys.platform == "darwin":
            candidates = [m for m in sc.all_microphones() if _is_loopback_driver(m.name)]
            default_ids = {candidates[0].id} if candidates else set()
        else:
            candidates = sc.all_microphones(include_loopback=True)
            default_ids = _default_loopback_ids(sc)
    except Exception as error:  # the server went away mid-query, a COM error…
        raise DeviceError(NoSystemAudio(f"{type(error).__name__}: {error}")) from error
    pairs = []
    for microphone in candidates:
        try:  # one device that vanished between the list and its details is left out
            if sys.platform == "darwin" or _is_loopback(microphone):
                device = SystemAudioDevice(str(microphone.id), microphone.name, int(microphone.channels),
                                           SAMPLERATE, microphone.id in default_ids)
                pairs.append((device, microphone))
        except Exception:
            continue
    return pairs


def _is_loopback(microphone) -> bool:
    return bool(microphone.isloopback) or str(microphone.id).endswith(".monitor")


def _is_loopback_driver(name: str) -> bool:
    return any(word in name.lower() for word in LOOPBACK_INPUT_NAMES)


def _default_loopback_ids(sc) -> set[str]:
    """Ids of the default output's loopback: the same id on Windows, "<sink>.monitor" on
    Linux (PulseAudio and PipeWire both name monitors so)."""
    try:
        speaker = sc.default_speaker()
    except Exception:  # no output at all
        return set()
    return {speaker.id, f"{speaker.id}.monitor"}


def list_system_devices(strict: bool = False) -> list[SystemAudioDevice]:
    """Sources of system audio: [] when there is no sound server or no output (``strict``:
    DeviceError(NoSystemAudio(reason)) instead, for a message that says why)."""
    try:
        return [device for device, _ in _backend_devices()]
    except DeviceError:
        if strict:
            raise
        return []


def default_system_device() -> SystemAudioDevice | None:
    """The loopback of the default output (Linux: the default sink's monitor)."""
    return next((d for d in list_system_devices() if d.is_default), None)


def default_input_id() -> str | None:
    """The backend id of the default *input* (Linux: the default source), to tell whether
    the microphone already is a system-audio source; None when unknown."""
    try:
        with _backend_lock:
            return str(_soundcard().default_microphone().id)
    except Exception:  # no sound server, no input
        return None


def find_system_device(choice: str | None) -> SystemAudioDevice:
    """None/"" = the default; else an exact name or id, or a unique part of one."""
    return _find(choice)[0]


def _find(choice: str | None) -> tuple[SystemAudioDevice, object]:
    pairs = _backend_devices()
    if not pairs:
        raise DeviceError(NoSystemAudio("no output device"))
    if choice is None or choice == "":
        return next((p for p in pairs if p[0].is_default), pairs[0])
    match = [p for p in pairs if choice in (p[0].name, p[0].id)] or [
        p for p in pairs if choice.lower() in p[0].name.lower() or choice.lower() in p[0].id.lower()
    ]
    if len(match) != 1:
        names = ", ".join(f"{d.id} ({d.name})" for d, _ in (match or pairs))
        raise DeviceError((DeviceAmbiguous if match else SystemAudioNotFound)(choice, names))
    return match[0]


# -- the source ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Failed:
    """The reader's last word: the device failed."""

    reason: str


class SystemAudioSource(AudioSource):
    """int16 blocks of ``block_frames`` (0.1 s) of system audio, ≤ 2 channels, at 48 kHz.

    Two threads: a reader that takes what the backend gives, and a pacer that delivers
    whole blocks, fills the backend's gaps with silence and drops the oldest part of a
    late burst, so that ``frames_delivered`` stays within ``MAX_LAG``/``MAX_AHEAD`` of
    ``(now − started_at) × samplerate``.
    """

    kind = "system"  # the track it records (levels and files name it)
    OPEN_TIMEOUT = 10.0
    MAX_LAG = 0.3  # s the backend may run late (normal jitter) before silence is filled in
    MAX_AHEAD = 0.5  # s of burst beyond the clock that is dropped (audio from a stall)
    POLL = 0.02  # s between looks at the backend (Linux) and at the clock

    def __init__(self, device: str | None = None) -> None:
        self.device, self._microphone = _find(device)
        self.name = self.device.name
        self.samplerate = self.device.samplerate
        self.channels = max(1, min(self.device.channels, 2))
        self.started_at: float | None = None  # time.monotonic() that frame 0 stands for
        self.frames_delivered = 0
        self.frames_filled = 0  # silence put in for the backend's gaps
        self.frames_dropped = 0  # late audio dropped to keep time
        self._queue: queue.SimpleQueue[np.ndarray | _Failed] = queue.SimpleQueue()
        self._stop = threading.Event()
        self._opened = threading.Event()
        self._open_error: str | None = None
        self._reader: threading.Thread | None = None
        self._pacer: threading.Thread | None = None
        self._ended = False

    # -- reader: backend → queue ---------------------------------------------------------

    def start(self, on_block: BlockCallback, on_end: EndCallback) -> None:
        # The stream is opened and read on one thread (COM on Windows wants that).
        self._reader = threading.Thread(target=self._read, name="system-audio-reader", daemon=True)
        self._reader.start()
        if not self._opened.wait(self.OPEN_TIMEOUT):
            self._open_error = f"no answer from the sound server in {self.OPEN_TIMEOUT:.0f} s"
        if self._open_error is not None:
            self.stop()
            raise DeviceError(DeviceOpenFailed(self.name, self._open_error))
        self.started_at = time.monotonic()
        self._pacer = threading.Thread(target=self._pace, args=(on_block, on_end), name="system-audio")
        self._pacer.start()

    def _read(self) -> None:
        try:
            recorder = self._microphone.recorder(self.samplerate, self.channels, blocksize=self.block_frames)
            with _open_stream(recorder) as pulse_connection:
                self._opened.set()
                while not self._stop.is_set():
                    chunk = self._next_chunk(recorder, pulse_connection)
                    if chunk is not None and len(chunk):
                        self._queue.put(self._to_int16(chunk))
        except Exception as error:  # soundcard raises RuntimeError/AssertionError/COM errors
            reason = str(error) or type(error).__name__
            if not self._opened.is_set():
                self._open_error = reason
                self._opened.set()
            else:
                self._queue.put(_Failed(reason))

    def _next_chunk(self, recorder, pulse_connection) -> np.ndarray | None:
        if pulse_connection is not None and _pulse_would_block(recorder, pulse_connection):
            # Linux: never block (a stalled monitor would hold the thread), so stop() is prompt
            self._stop.wait(self.POLL)
            return None
        return recorder.record()  # Windows: zeros after ~40 ms of no packets; macOS: clocked

    def _to_int16(self, chunk: np.ndarray) -> np.ndarray:
        chunk = chunk.reshape(len(chunk), -1)
        if chunk.shape[1] != self.channels:  # mono from a stereo request, or more channels
            chunk = np.repeat(chunk[:, :1], self.channels, axis=1) if chunk.shape[1] == 1 else chunk[:, : self.channels]
        return np.clip(np.rint(chunk * 32767.0), -32768, 32767).astype(np.int16)

    # -- pacer: queue → whole blocks on time ---------------------------------------------

    def _pace(self, on_block: BlockCallback, on_end: EndCallback) -> None:
        try:
            self._pace_blocks(on_block, on_end)
        except Exception:  # a failing consumer: end like a device would, then show the bug
            self._end(on_end, DeviceStopped(self.name))
            raise

    def _pace_blocks(self, on_block: BlockCallback, on_end: EndCallback) -> None:
        block = self.block_frames
        pending = np.zeros((0, self.channels), dtype=np.int16)
        filling = False  # in a gap: keep the track level with the clock, block by block
        while not self._stop.is_set():
            try:
                item = self._queue.get(timeout=self.POLL)
            except queue.Empty:
                item = None
            if isinstance(item, _Failed):
                self._end(on_end, DeviceStopped(self.name))
                return
            if item is not None:
                pending = np.concatenate([pending, item]) if len(pending) else item
                filling = False
            due = int((time.monotonic() - self.started_at) * self.samplerate)
            pending = self._drop_late(pending, due)
            while len(pending) >= block and not self._stop.is_set():
                self._deliver(on_block, pending[:block])
                pending = pending[block:]
            lag = due - self.frames_delivered - len(pending)
            if lag > (block if filling else self.MAX_LAG * self.samplerate):
                filling = True
                pending = self._fill(on_block, pending, due)

    def _drop_late(self, pending: np.ndarray, due: int) -> np.ndarray:
        """A burst after a stall (the gap already filled) would run ahead: drop its oldest part."""
        ahead = self.frames_delivered + len(pending) - due
        if ahead <= self.MAX_AHEAD * self.samplerate:
            return pending
        dropped = min(len(pending), ahead)
        self.frames_dropped += dropped
        return pending[dropped:]

    def _fill(self, on_block: BlockCallback, pending: np.ndarray, due: int) -> np.ndarray:
        """Silence up to the clock (after what is pending, so the order stays right)."""
        block = self.block_frames
        silence = np.zeros((block, self.channels), dtype=np.int16)
        if len(pending):
            padded = np.concatenate([pending, silence[: block - len(pending)]])
            self.frames_filled += block - len(pending)
            self._deliver(on_block, padded)
            pending = pending[:0]
        while due - self.frames_delivered >= block and not self._stop.is_set():
            self.frames_filled += block
            self._deliver(on_block, silence)
        return pending

    def _deliver(self, on_block: BlockCallback, block: np.ndarray) -> None:
        on_block(block)
        self.frames_delivered += len(block)

    def _end(self, on_end: EndCallback, message: Event | None) -> None:
        if not self._ended:
            self._ended = True
            on_end(message)

    def stop(self) -> None:
        """Stop delivering blocks; returns once no more will come. Idempotent."""
        self._stop.set()
        for name in ("_pacer", "_reader"):
            thread = getattr(self, name)
            if thread is not None and thread is not threading.current_thread():
                # The reader never blocks long (see _next_chunk); the timeout only guards a
                # hung backend, whose daemon thread then cannot keep the app from exiting.
                thread.join(timeout=5.0 if name == "_reader" else None)
                setattr(self, name, None)


# -- soundcard, made safe --------------------------------------------------------------------

_backend_lock = threading.RLock()
_open_streams = 0  # streams open on the current pulse connection (a stale one is freed only at 0)
_PULSE_ENV = ("PULSE_SERVER", "PULSE_RUNTIME_PATH", "PULSE_COOKIE", "XDG_RUNTIME_DIR", "HOME")
_connected_env: tuple[str | None, ...] | None = None  # what the current connection was made with


def _pulse_env() -> tuple[str | None, ...]:
    return tuple(os.environ.get(name) for name in _PULSE_ENV)


def _soundcard():
    """The soundcard module, connected to the sound server (DeviceError NoSystemAudio if not)."""
    with _backend_lock:
        argv = sys.argv
        if not argv or (argv[0] == "-c" and len(argv) < 2):
            sys.argv = ["meeting-recorder"]  # soundcard names its pulse client after sys.argv[1] then
        try:
            import soundcard

            if sys.platform.startswith("linux"):
                _repair_pulse()
            return soundcard
        except DeviceError:
            raise
        except Exception as error:
            _free_failed_import(error)
            raise DeviceError(NoSystemAudio(_why(error))) from error
        finally:
            sys.argv = argv


def _why(error: Exception) -> str:
    if isinstance(error, AssertionError):  # soundcard asserts that the pulse context is READY
        return "no connection to a sound server"
    if isinstance(error, OSError) and sys.platform.startswith("linux"):
        return f"libpulse is missing (Debian: libpulse0): {error}"
    return f"{type(error).__name__}: {error}"


def _repair_pulse() -> None:
    """Make soundcard's pulse backend survive a server that died or restarted."""
    import soundcard.pulseaudio as pulse

    cls = pulse._PulseAudio
    if not getattr(cls, "_null_operations_safe", False):
        unref = cls._pa_operation_unref

        def unref_unless_null(self, operation) -> None:  # libpulse aborts the process on NULL
            if operation != pulse._ffi.NULL:
                unref(self, operation)

        cls._pa_operation_unref = unref_unless_null
        cls._null_operations_safe = True
    global _connected_env
    if _connected_env is None:
        _connected_env = _pulse_env()  # the connection made at import
    moved = _connected_env != _pulse_env() and _open_streams == 0  # another server asked for (tests)
    if _pulse_ready(pulse._pulse) and not moved:
        return
    fresh = cls.__new__(cls)
    try:
        fresh.__init__()
    except Exception as error:
        _shutdown_connection(fresh)
        raise DeviceError(NoSystemAudio(_why(error))) from error
    stale, pulse._pulse = pulse._pulse, fresh
    _connected_env = _pulse_env()
    atexit.unregister(stale._shutdown)
    atexit.register(fresh._shutdown)
    if _open_streams == 0:  # else a stream of the dead server may still be closing: leave it be
        _shutdown_connection(stale)


def _pulse_ready(connection) -> bool:
    import soundcard.pulseaudio as pulse

    return connection._pa_context_get_state(connection.context) == pulse._pa.PA_CONTEXT_READY


def _shutdown_connection(connection) -> None:
    """Stop a pulse connection's main-loop thread (it keeps running after a failed connect)."""
    try:
        connection._shutdown()
    except Exception:  # never got as far as a context: nothing more to free
        pass


def _free_failed_import(error: BaseException) -> None:
    """soundcard connects at import; when that fails, its half-made connection is only
    reachable from the traceback."""
    tb = error.__traceback__
    while tb is not None:
        connection = tb.tb_frame.f_locals.get("self")
        if tb.tb_frame.f_code.co_name == "__init__" and type(connection).__name__ == "_PulseAudio":
            _shutdown_connection(connection)
            return
        tb = tb.tb_next


@contextmanager
def _open_stream(recorder):
    """Open ``recorder``; yields the pulse connection it was made on (None off Linux)."""
    global _open_streams
    with _backend_lock:  # the connection cannot change while the stream is made on it
        _soundcard()  # reconnects if the sound server restarted since the device was found
        connection = None
        if sys.platform.startswith("linux"):
            import soundcard.pulseaudio as pulse

            connection = pulse._pulse
        recorder.__enter__()
        _open_streams += 1
    try:
        yield connection
    finally:
        try:
            recorder.__exit__(None, None, None)
        finally:
            with _backend_lock:
                _open_streams -= 1


def _pulse_would_block(recorder, connection) -> bool:
    """Whether a read would wait; raises when the stream failed (server gone)."""
    import soundcard.pulseaudio as pulse

    if connection._pa_stream_get_state(recorder.stream) != pulse._pa.PA_STREAM_READY:
        raise RuntimeError("the sound server closed the stream")
    return connection._pa_stream_readable_size(recorder.stream) == 0
