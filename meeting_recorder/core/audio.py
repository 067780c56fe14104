"""Decode any file PyAV can read into bounded windows of 16 kHz mono float32.

Whole-file decoding would make memory grow with duration (faster-whisper computes the mel
spectrogram of its whole input at once), so files are read as a stream and cut into
windows of bounded length, each cut placed at the quietest moment near the window's end.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from meeting_recorder.core.errors import AudioDecodeError

SAMPLE_RATE = 16000
_FRAME = SAMPLE_RATE // 10  # 100 ms frames when looking for a quiet cut


@dataclass(frozen=True)
class AudioInfo:
    path: Path
    duration: float | None  # seconds, from the container; None when it does not say


def _fail(path: Path, problem: str) -> AudioDecodeError:
    return AudioDecodeError(f"{path}: {problem}")


def _check_wav_header(path: Path) -> None:
    """A WAV whose RIFF header promises more bytes than the file holds was cut short."""
    with open(path, "rb") as handle:
        header = handle.read(12)
    if len(header) < 12 or header[:4] != b"RIFF" or header[8:12] != b"WAVE":
        return
    declared = struct.unpack("<I", header[4:8])[0] + 8
    actual = path.stat().st_size
    # 0 and 0xFFFFFFFF mean "unknown size" (streamed WAVs); those are not truncation.
    if declared not in (8, 0xFFFFFFFF + 8) and actual < declared:
        raise _fail(path, f"the WAV file is truncated (its header declares {declared} bytes, the file holds {actual})")


def probe(path: str | Path) -> AudioInfo:
    """Check that ``path`` is a readable file with an audio track; raise a clear error if not."""
    import av

    path = Path(path)
    if not path.exists():
        raise _fail(path, "file not found")
    if path.is_dir():
        raise _fail(path, "is a folder, not an audio or video file")
    if path.stat().st_size == 0:
        raise _fail(path, "the file is empty (0 bytes)")
    _check_wav_header(path)
    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            if not container.streams.audio:
                raise _fail(path, "has no audio track")
            stream = container.streams.audio[0]
            duration = None
            if stream.duration is not None and stream.time_base is not None:
                duration = float(stream.duration * stream.time_base)
            elif container.duration is not None:
                duration = container.duration / 1_000_000
    except av.error.FFmpegError as error:
        raise _fail(path, f"not a readable audio or video file ({error.strerror})") from error
    except OSError as error:
        raise _fail(path, f"cannot be read ({error.strerror or error})") from error
    return AudioInfo(path, duration)


def iter_blocks(path: str | Path) -> Iterator[np.ndarray]:
    """Yield the first audio track as 16 kHz mono float32 blocks, as it is decoded."""
    import av

    path = Path(path)
    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            stream = container.streams.audio[0]
            resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
            for frame in container.decode(stream):
                frame.pts = None  # let the resampler keep its own clock (gaps, bad pts)
                for out in resampler.resample(frame):
                    yield out.to_ndarray().reshape(-1)
            for out in resampler.resample(None):
                yield out.to_ndarray().reshape(-1)
    except av.error.FFmpegError as error:
        raise _fail(path, f"decoding failed ({error.strerror})") from error


def quiet_cut(samples: np.ndarray, search_start: int) -> int:
    """Index of the quietest 100 ms frame at or after ``search_start`` (the cut point)."""
    region = samples[search_start:]
    frames = len(region) // _FRAME
    if frames < 2:
        return len(samples)
    energy = np.square(region[: frames * _FRAME].reshape(frames, _FRAME)).mean(axis=1)
    return search_start + int(np.argmin(energy)) * _FRAME + _FRAME // 2


def iter_windows(
    blocks: Iterator[np.ndarray], window_seconds: float, search_seconds: float = 20.0
) -> Iterator[tuple[float, np.ndarray]]:
    """Group blocks into windows of at most ``window_seconds``: (start seconds, samples).

    Memory stays at about two windows whatever the file's length.
    """
    window = int(window_seconds * SAMPLE_RATE)
    search = int(min(search_seconds, window_seconds / 2) * SAMPLE_RATE)
    pending: list[np.ndarray] = []
    pending_samples = 0
    offset = 0
    for block in blocks:
        pending.append(block)
        pending_samples += len(block)
        while pending_samples >= window:
            joined = np.concatenate(pending)
            cut = quiet_cut(joined[:window], window - search)
            rest = joined[cut:].copy()  # so the big joined array can go after the window
            pending, pending_samples = [rest], len(rest)  # blocks dropped before the yield
            window_start, offset = offset, offset + cut
            yield window_start / SAMPLE_RATE, joined[:cut]
    if pending_samples:
        yield offset / SAMPLE_RATE, np.concatenate(pending)
