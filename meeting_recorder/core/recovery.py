"""Repair recordings left as ``*.wav.partial`` by a crash, a kill or a power cut.

The writer refreshes the header every half second, so a partial file already opens; this
makes the header describe every whole frame on disk, in place (O(1): the size fields of a
RIFF or RF64 header and at most one frame's worth of truncation), then renames the file to
``.wav`` and exports its transcript journal.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from pathlib import Path

from meeting_recorder.core.errors import MeetingRecorderError
from meeting_recorder.core.transcript_log import export_journal

PARTIAL_SUFFIX = ".wav.partial"


@dataclass(frozen=True)
class RecoveredRecording:
    path: Path  # the repaired .wav
    seconds: float
    samplerate: int
    transcript_files: list[Path]


@dataclass(frozen=True)
class _Layout:
    samplerate: int
    block_align: int
    data_start: int  # first byte of audio
    data_size_field: int  # where the data chunk's 32-bit size is
    ds64: int | None  # RF64: where the ds64 chunk's fields start


def _read_layout(handle) -> _Layout:
    """Walk the chunks of a RIFF/RF64 WAVE file up to its data chunk."""
    magic = handle.read(12)
    if len(magic) < 12 or magic[:4] not in (b"RIFF", b"RF64") or magic[8:12] != b"WAVE":
        raise MeetingRecorderError("not a WAV recording (no RIFF/WAVE header)")
    samplerate = block_align = 0
    ds64 = None
    while True:
        header = handle.read(8)
        if len(header) < 8:
            raise MeetingRecorderError("the WAV header is damaged (no data chunk)")
        chunk_id, size = header[:4], struct.unpack("<I", header[4:])[0]
        if chunk_id == b"data":
            if not samplerate or not block_align:
                raise MeetingRecorderError("the WAV header has no usable format chunk")
            return _Layout(samplerate, block_align, handle.tell(), handle.tell() - 4, ds64)
        body = handle.tell()
        if chunk_id == b"fmt ":
            fmt = handle.read(16)
            samplerate, block_align = struct.unpack("<I", fmt[4:8])[0], struct.unpack("<H", fmt[12:14])[0]
        elif chunk_id == b"ds64":
            ds64 = body
        handle.seek(body + size + (size & 1))


def repair_wav(path: Path) -> tuple[float, int]:
    """Make the header of a WAV whose writer never closed it describe every whole frame on
    disk (RIFF, or RF64 past 4 GB); returns (seconds, sample rate)."""
    with open(path, "r+b") as handle:
        try:
            layout = _read_layout(handle)
        except (MeetingRecorderError, struct.error) as error:
            raise MeetingRecorderError(f"{path}: {error}") from error
        file_size = os.fstat(handle.fileno()).st_size
        data_bytes = (file_size - layout.data_start) // layout.block_align * layout.block_align
        handle.truncate(layout.data_start + data_bytes)  # drop a half-written last frame
        riff_size = layout.data_start + data_bytes - 8
        if layout.ds64 is not None:  # RF64: the real sizes are 64-bit fields of ds64
            handle.seek(0)
            handle.write(b"RF64\xff\xff\xff\xff")
            handle.seek(layout.ds64)
            handle.write(struct.pack("<QQQ", riff_size, data_bytes, data_bytes // layout.block_align))
            handle.seek(layout.data_size_field)
            handle.write(b"\xff\xff\xff\xff")
        elif riff_size > 0xFFFFFFFF:
            raise MeetingRecorderError(f"{path}: over 4 GB but has no RF64 (ds64) header to describe it")
        else:
            handle.seek(4)
            handle.write(struct.pack("<I", riff_size))
            handle.seek(layout.data_size_field)
            handle.write(struct.pack("<I", data_bytes))
    return data_bytes / layout.block_align / layout.samplerate, layout.samplerate


def journal_path(recording: Path) -> Path:
    """``2026-11-26_101500.wav`` (or ``.wav.partial``) → ``2026-11-26_101500.transcript.jsonl``."""
    name = recording.name
    stem = name[: -len(PARTIAL_SUFFIX)] if name.endswith(PARTIAL_SUFFIX) else Path(name).stem
    return recording.with_name(f"{stem}.transcript.jsonl")


def find_partials(folder: Path) -> list[Path]:
    return sorted(folder.glob(f"*{PARTIAL_SUFFIX}")) if folder.is_dir() else []


def recover_partial(partial: Path, formats: list[str] | None = None) -> RecoveredRecording:
    seconds, samplerate = repair_wav(partial)
    final = partial.with_name(partial.name[: -len(".partial")])
    os.replace(partial, final)
    journal = journal_path(partial)
    files = export_journal(journal, final, seconds, formats) if journal.is_file() else []
    return RecoveredRecording(final, seconds, samplerate, files)


def recover_folder(folder: Path, formats: list[str] | None = None) -> tuple[list[RecoveredRecording], list[str]]:
    """Repair every partial recording in ``folder``: (recovered, error messages)."""
    recovered, errors = [], []
    for partial in find_partials(folder):
        try:
            recovered.append(recover_partial(partial, formats))
        except (MeetingRecorderError, OSError) as error:
            errors.append(str(error))
    return recovered, errors
