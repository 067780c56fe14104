"""Repair recordings left as ``*.wav.partial`` by a crash, a kill or a power cut.

The writer refreshes the header every half second, so a partial file already opens; this
makes the header describe every whole frame on disk, in place (O(1): two 4-byte fields and
at most one frame's worth of truncation), then renames the file to ``.wav`` and exports its
transcript journal.
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


def _find_chunks(handle) -> tuple[int, int, int]:
    """(samplerate, block_align, offset of the data chunk's size field)."""
    handle.seek(12)
    samplerate = block_align = 0
    while True:
        header = handle.read(8)
        if len(header) < 8:
            raise MeetingRecorderError("no data chunk")
        chunk_id, size = header[:4], struct.unpack("<I", header[4:])[0]
        if chunk_id == b"fmt ":
            fmt = handle.read(16)
            samplerate, block_align = struct.unpack("<I", fmt[4:8])[0], struct.unpack("<H", fmt[12:14])[0]
            handle.seek(size - 16 + (size & 1), os.SEEK_CUR)
        elif chunk_id == b"data":
            return samplerate, block_align, handle.tell() - 4
        else:
            handle.seek(size + (size & 1), os.SEEK_CUR)


def repair_wav(path: Path) -> tuple[float, int]:
    """Fix the RIFF and data sizes of a WAV whose writer never closed it; (seconds, rate)."""
    with open(path, "r+b") as handle:
        riff = handle.read(12)
        if len(riff) < 12 or riff[:4] != b"RIFF" or riff[8:12] != b"WAVE":
            raise MeetingRecorderError(f"{path}: not a WAV recording (no RIFF/WAVE header)")
        try:
            samplerate, block_align, size_field = _find_chunks(handle)
        except (MeetingRecorderError, struct.error) as error:
            raise MeetingRecorderError(f"{path}: the WAV header is damaged ({error})") from error
        if not samplerate or not block_align:
            raise MeetingRecorderError(f"{path}: the WAV header has no usable format chunk")
        data_start = size_field + 4
        file_size = os.fstat(handle.fileno()).st_size
        data_bytes = (file_size - data_start) // block_align * block_align
        handle.truncate(data_start + data_bytes)  # drop a half-written last frame
        handle.seek(4)
        handle.write(struct.pack("<I", data_start + data_bytes - 8))
        handle.seek(size_field)
        handle.write(struct.pack("<I", data_bytes))
    return data_bytes / block_align / samplerate, samplerate


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
