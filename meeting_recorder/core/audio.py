"""Decode any file PyAV can read into bounded windows of 16 kHz mono float32.

Whole-file decoding would make memory grow with duration (faster-whisper computes the mel
spectrogram of its whole input at once), so files are read as a stream and cut into
windows of bounded length, each cut placed at the quietest moment near the window's end.

Bad inputs raise ``AudioDecodeError`` carrying an input-file event (``core/events.py``) that
names the file: ``probe`` refuses what is not a readable regular file with an audio track
(a pipe would block forever), ``iter_blocks`` skips damaged packets and fails at the end when
the track held nothing or far less than the file declares. Samples are made finite and
clipped to [-1, 1] as they are decoded, so NaN never reaches Whisper or the speaker model.
"""

from __future__ import annotations

import logging
import os
import stat
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from meeting_recorder.core import events
from meeting_recorder.core.errors import AudioDecodeError

log = logging.getLogger(__name__)

SAMPLE_RATE = 16000  # what Whisper, Silero VAD and the speaker models take: every analysis path
_FRAME = SAMPLE_RATE // 10  # 100 ms frames when looking for a quiet cut
# Damaged packets are skipped, as players do; this many in a row means the file is not audio.
MAX_BAD_PACKETS_IN_A_ROW = 50
# Decoding that ends this much short of the declared length means the file was cut short
# (AAC priming and MP3 padding differ by a few ms; a few skipped damaged packets by more).
TRUNCATION_TOLERANCE_SECONDS = 0.5
TRUNCATION_TOLERANCE_FRACTION = 0.01
_MP4_FAMILY = "mov,mp4,m4a,3gp,3g2,mj2"
INVALID_DATA = "Invalid data found when processing input"  # FFmpeg's words for AVERROR_INVALIDDATA


@dataclass(frozen=True)
class AudioInfo:
    path: Path
    duration: float | None  # seconds, from the container; None when it does not say


def _fail(event: events.Event) -> AudioDecodeError:
    return AudioDecodeError(event)


def _check_entry(path: Path) -> None:
    """The path must name a regular file: a FIFO or device would block or never end."""
    try:
        info = path.stat()  # follows links: a link loop or a dangling link fails here
    except (FileNotFoundError, NotADirectoryError):
        raise _fail(events.FileNotFound(str(path))) from None
    except OSError as error:  # a link loop, a folder without permission, a name too long
        raise _fail(events.Unreadable(str(path), error.strerror or str(error))) from None
    if stat.S_ISDIR(info.st_mode):
        raise _fail(events.IsFolder(str(path)))
    if not stat.S_ISREG(info.st_mode):
        raise _fail(events.NotAFile(str(path)))
    if info.st_size == 0:
        raise _fail(events.EmptyFile(str(path)))


def _check_wav_header(path: Path) -> None:
    """A WAV whose RIFF header promises more bytes than the file holds was cut short.
    Reading the header also finds a file that cannot be read at all (permissions)."""
    try:
        with open(path, "rb") as handle:
            header = handle.read(12)
            actual = os.fstat(handle.fileno()).st_size
    except OSError as error:
        raise _fail(events.Unreadable(str(path), error.strerror or str(error))) from None
    if len(header) < 12 or header[:4] != b"RIFF" or header[8:12] != b"WAVE":
        return
    declared = struct.unpack("<I", header[4:8])[0] + 8
    # 0 and 0xFFFFFFFF mean "unknown size" (streamed WAVs); those are not truncation.
    if declared not in (8, 0xFFFFFFFF + 8) and actual < declared:
        raise _fail(events.TruncatedWav(str(path), declared, actual))


def probe(path: str | Path) -> AudioInfo:
    """Check that ``path`` is a readable file with an audio track; raise a clear error if not."""
    import av

    path = Path(path)
    _check_entry(path)
    _check_wav_header(path)
    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            stream = _audio_stream(path, container)
            duration = None
            if stream.duration is not None and stream.time_base is not None:
                duration = float(stream.duration * stream.time_base)
            elif container.duration is not None:
                duration = container.duration / 1_000_000
    except av.error.FFmpegError as error:
        raise _fail(events.NotAudio(str(path), error.strerror)) from error
    except OSError as error:
        raise _fail(events.Unreadable(str(path), error.strerror or str(error))) from error
    return AudioInfo(path, duration)


def _audio_stream(path: Path, container: Any) -> Any:
    """The first audio track; a track without channels or rate is a guess by file name
    (random bytes called .flac), not audio."""
    if not container.streams.audio:
        raise _fail(events.NoAudioTrack(str(path)))
    stream = container.streams.audio[0]
    if not stream.codec_context.channels or not stream.codec_context.sample_rate:
        raise _fail(events.NotAudio(str(path), INVALID_DATA))
    return stream


def _declared_seconds(path: Path, container: Any, stream: Any) -> float | None:
    """The audio track's length when the file states it exactly; None when it does not or
    when FFmpeg only estimates it (an MP3 without an Info/Xing/VBRI frame: from its size
    and first bitrate, which a VBR file with a quiet start overstates many times)."""
    if stream.duration is None or stream.time_base is None:
        return None
    name = container.format.name
    if name == "flac" or name == _MP4_FAMILY or (name == "mp3" and _has_mp3_length_tag(path)):
        return float(stream.duration * stream.time_base)
    return None


def _has_mp3_length_tag(path: Path) -> bool:
    """Whether the first MP3 frame is an Info/Xing/VBRI frame (it holds the frame count)."""
    with open(path, "rb") as handle:
        head = handle.read(10)
        skip = 0
        if head[:3] == b"ID3" and len(head) == 10:  # ID3v2: a syncsafe size, then the frames
            skip = 10 + sum((byte & 0x7F) << (7 * (3 - i)) for i, byte in enumerate(head[6:10]))
        handle.seek(skip)
        first_frame = handle.read(256)
    return any(tag in first_frame for tag in (b"Xing", b"Info", b"VBRI"))


def _finite(block: np.ndarray) -> tuple[np.ndarray, int]:
    """``block`` with NaN/Inf as silence, clipped to [-1, 1]: what Whisper's own loader gets
    from a 16-bit decode. A float file can hold anything; Whisper must never see NaN.
    Returns the block and how many samples were not numbers."""
    bad = 0
    if not np.isfinite(block).all():
        bad = int(np.count_nonzero(~np.isfinite(block)))
        np.nan_to_num(block, copy=False, nan=0.0, posinf=0.0, neginf=0.0)
    np.clip(block, -1.0, 1.0, out=block)
    return block, bad


def iter_blocks(path: str | Path) -> Iterator[np.ndarray]:
    """Yield the first audio track as 16 kHz mono float32 blocks, as it is decoded.

    Damaged packets are skipped (players do the same); a file that is not audio, one whose
    audio track is empty and one cut short of its declared length raise AudioDecodeError,
    the last two once decoding reaches the end (nothing is written before that)."""
    import av

    path = Path(path)
    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            stream = _audio_stream(path, container)
            declared = _declared_seconds(path, container, stream)
            counts = _Counts()
            resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
            for frame in _decode(path, container, stream, counts):
                frame.pts = None  # let the resampler keep its own clock (gaps, bad pts)
                for out in resampler.resample(frame):
                    yield counts.output(out.to_ndarray().reshape(-1))
            for out in resampler.resample(None):
                yield counts.output(out.to_ndarray().reshape(-1))
    except av.error.FFmpegError as error:
        raise _fail(events.DecodeFailed(str(path), error.strerror)) from error
    counts.check(path, declared)


class _Counts:
    """What decoding gave: input samples, output seconds, damaged packets, non-numbers."""

    def __init__(self) -> None:
        self.input_samples = 0
        self.output_samples = 0
        self.bad_packets = 0
        self.not_numbers = 0

    def output(self, block: np.ndarray) -> np.ndarray:
        block, bad = _finite(block)
        self.output_samples += len(block)
        self.not_numbers += bad
        return block

    def check(self, path: Path, declared: float | None) -> None:
        if self.bad_packets:
            log.warning("%s: skipped %d damaged packet(s)", path, self.bad_packets)
        if self.not_numbers:
            log.warning("%s: %d sample(s) were NaN or infinite; read as silence", path, self.not_numbers)
        decoded = self.output_samples / SAMPLE_RATE
        if declared is not None:
            tolerance = max(TRUNCATION_TOLERANCE_SECONDS, TRUNCATION_TOLERANCE_FRACTION * declared)
            if decoded < declared - tolerance:
                raise _fail(events.Truncated(str(path), round(declared, 1), round(decoded, 1)))
        if self.input_samples == 0:
            raise _fail(events.EmptyAudio(str(path)))


def _decode(path: Path, container: Any, stream: Any, counts: _Counts) -> Iterator[Any]:
    """The track's frames, packet by packet so that a damaged packet is skipped, not fatal."""
    import av

    in_a_row = 0
    for packet in container.demux(stream):
        try:
            frames = packet.decode()
        except av.error.InvalidDataError as error:
            counts.bad_packets += 1
            in_a_row += 1
            if in_a_row >= MAX_BAD_PACKETS_IN_A_ROW:
                raise _fail(events.DecodeFailed(str(path), error.strerror)) from error
            continue
        in_a_row = 0
        for frame in frames:
            counts.input_samples += frame.samples
            yield frame
    if counts.bad_packets and counts.input_samples == 0:  # nothing but damage
        raise _fail(events.DecodeFailed(str(path), INVALID_DATA))


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
