"""The files of a call recorded on two tracks, and the mix players get.

A call is ``x.mic.wav`` (the microphone: the local person) and ``x.system.wav`` (what the
speakers played: the other side), each written crash-safe on its own (``.wav.partial``
while recording), on one clock (``track_clock.TrackAligner``). At stop, and on recovery
after a crash, the two are mixed into ``x.wav``, which players open and the transcript
(``x.json`` …) sits next to. The mix streams block by block (O(1) memory for hours of
audio) into a temp file renamed into place, so a kill half-way leaves no half mix: the
next recovery mixes again.
"""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import soundfile

from meeting_recorder.core.private_files import FILE_MODE, fsync_dir
from meeting_recorder.core.recovery import PARTIAL_SUFFIX

TRACKS = ("mic", "system")
MIX_BLOCK_FRAMES = 1 << 16
MIX_TEMP_SUFFIX = ".wav.mixing"


def track_partial(base: Path, track: str) -> Path:
    """``folder/x`` + "mic" → ``folder/x.mic.wav.partial`` (where that track records)."""
    return base.with_name(f"{base.name}.{track}{PARTIAL_SUFFIX}")


def track_wav(base: Path, track: str) -> Path:
    return base.with_name(f"{base.name}.{track}.wav")


def mix_path(base: Path) -> Path:
    return base.with_name(f"{base.name}.wav")


def call_base(track_file: Path) -> Path | None:
    """``x.mic.wav`` / ``x.system.wav.partial`` → ``x`` (None for any other file)."""
    name = track_file.name
    for track in TRACKS:
        for suffix in (f".{track}.wav", f".{track}{PARTIAL_SUFFIX}"):
            if name.endswith(suffix):
                return track_file.with_name(name[: -len(suffix)])
    return None


def _mono_blocks(path: Path, rate: int) -> Iterator[np.ndarray]:
    """The track as float32 mono blocks at ``rate`` (PyAV resamples when the devices'
    rates differ), then silence for ever: the shorter track is padded."""
    import av

    resampler = av.AudioResampler(format="flt", layout="mono", rate=rate)
    with soundfile.SoundFile(str(path)) as track:
        native = track.samplerate
        layout = "mono" if track.channels == 1 else "stereo"
        for block in track.blocks(MIX_BLOCK_FRAMES, dtype="int16", always_2d=True):
            frame = av.AudioFrame.from_ndarray(
                np.ascontiguousarray(block[:, :2]).reshape(1, -1), format="s16", layout=layout
            )
            frame.sample_rate = native
            for out in resampler.resample(frame):
                yield out.to_ndarray().reshape(-1)
    for out in resampler.resample(None):
        yield out.to_ndarray().reshape(-1)


def _frames_at(path: Path, rate: int) -> int:
    info = soundfile.info(str(path))
    return int(round(info.frames * rate / info.samplerate))


class _Reader:
    """Hands out exactly ``n`` samples at a time from a block iterator (zeros at its end)."""

    def __init__(self, blocks: Iterator[np.ndarray]) -> None:
        self._blocks = blocks
        self._pending = np.zeros(0, dtype=np.float32)

    def take(self, n: int) -> np.ndarray:
        parts, have = [self._pending], len(self._pending)
        while have < n:
            block = next(self._blocks, None)
            if block is None:
                parts.append(np.zeros(n - have, dtype=np.float32))
                break
            parts.append(block)
            have += len(block)
        joined = np.concatenate(parts)
        self._pending = joined[n:]
        return joined[:n]


def mix_tracks(mic: Path, system: Path, out: Path) -> float:
    """Write the mono mix of the two tracks at the microphone's rate into ``out``
    (atomically); returns its length in seconds. The sum is clipped, not scaled down: the
    two sides rarely peak together, and halving both would make every voice quieter. A
    system track that never began (its device gave nothing) counts as silence."""
    rate = soundfile.info(str(mic)).samplerate
    has_system = system.is_file()
    total = max(_frames_at(mic, rate), _frames_at(system, rate) if has_system else 0)
    temp = out.with_name(out.name[: -len(".wav")] + MIX_TEMP_SUFFIX)
    mic_reader = _Reader(_mono_blocks(mic, rate))
    system_reader = _Reader(_mono_blocks(system, rate) if has_system else iter(()))
    descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    os.close(descriptor)  # created 0600 first: libsndfile keeps the mode
    try:
        with soundfile.SoundFile(str(temp), "w", samplerate=rate, channels=1, format="RF64", subtype="PCM_16") as mix:
            done = 0
            while done < total:
                n = min(MIX_BLOCK_FRAMES, total - done)
                block = np.clip(mic_reader.take(n) + system_reader.take(n), -1.0, 1.0)
                mix.write((block * 32767.0).astype(np.int16))
                done += n
        with open(temp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(temp, out)
        fsync_dir(out.parent)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return total / rate


def unmixed_calls(folder: Path) -> list[Path]:
    """Bases of calls whose tracks are complete (no partial left) but not mixed yet."""
    if not folder.is_dir():
        return []
    bases = []
    for mic in sorted(folder.glob("*.mic.wav")):
        base = call_base(mic)
        if base is None or mix_path(base).exists():
            continue
        if any(track_partial(base, track).exists() for track in TRACKS):
            continue
        bases.append(base)
    return bases


def remove_stale_mixes(folder: Path) -> None:
    """Temp mixes of a process killed while mixing (the mix is made again)."""
    for temp in folder.glob(f"*{MIX_TEMP_SUFFIX}") if folder.is_dir() else []:
        temp.unlink(missing_ok=True)


def _taken(folder: Path, stem: str) -> bool:
    names = [f"{stem}{PARTIAL_SUFFIX}", f"{stem}.wav"]
    names += [f"{stem}.{track}{suffix}" for track in TRACKS for suffix in (PARTIAL_SUFFIX, ".wav")]
    return any((folder / name).exists() for name in names)


def new_recording_base(folder: Path) -> Path:
    """``folder/2026-12-02_101500`` (``-2``, ``-3`` … if any of its files exist)."""
    stamp = _dt.datetime.now().strftime("%Y-%m-%d_%H%M%S")
    stem, n = stamp, 1
    while _taken(folder, stem):
        n += 1
        stem = f"{stamp}-{n}"
    return folder / stem
