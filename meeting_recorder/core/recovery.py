"""Repair recordings left as ``*.wav.partial`` by a crash, a kill or a power cut.

The writer refreshes the header every half second, so a partial file already opens; this
makes the header describe every whole frame on disk, in place (O(1): the size fields of a
RIFF or RF64 header and at most one frame's worth of truncation), then renames the file to
``.wav`` and exports its transcript journal.

Every step can be cut short by a crash or a kill -9 and simply be done again: the repair
recomputes the header from the file's size; the rename is atomic; exports are atomic
writes; the journal is removed only once every export is on disk. A ``.wav`` whose journal
is still there (killed after the rename, or a live session killed while exporting) has its
transcript exported by the next ``recover_folder``, which also removes the temp files that
killed writers left behind.
"""

from __future__ import annotations

import fcntl
import os
import struct
from dataclasses import dataclass
from pathlib import Path

from meeting_recorder.core.errors import MeetingRecorderError
from meeting_recorder.core.private_files import FILE_MODE, fsync_dir, remove_stale_temps
from meeting_recorder.core.transcript_log import export_journal

PARTIAL_SUFFIX = ".wav.partial"
JOURNAL_SUFFIX = ".transcript.jsonl"


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
        os.fchmod(handle.fileno(), FILE_MODE)  # a voice recording: its owner's only
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
        handle.flush()
        os.fsync(handle.fileno())  # the header is on disk before the rename says "complete"
    return data_bytes / layout.block_align / layout.samplerate, layout.samplerate


def journal_path(recording: Path) -> Path:
    """``2026-11-26_101500.wav`` (or ``.wav.partial``) → ``2026-11-26_101500.transcript.jsonl``."""
    return recording.with_name(f"{recording_stem(recording)}{JOURNAL_SUFFIX}")


def recording_stem(recording: Path | str) -> str:
    """``x.wav.partial`` and ``x.wav`` → ``x``: the name the recording's files share (the
    one place that strips the suffix the writer adds while recording)."""
    name = Path(recording).name
    return name[: -len(PARTIAL_SUFFIX)] if name.endswith(PARTIAL_SUFFIX) else Path(name).stem


def final_path(partial: Path) -> Path:
    """``x.wav.partial`` → ``x.wav`` (where the recording goes once finished)."""
    return partial.with_name(f"{recording_stem(partial)}.wav")


def find_partials(folder: Path) -> list[Path]:
    return sorted(folder.glob(f"*{PARTIAL_SUFFIX}")) if folder.is_dir() else []


def _unexported_journals(folder: Path) -> list[Path]:
    """Journals next to a finished ``.wav`` (no ``.partial`` any more): their recording was
    saved but the transcript export did not finish."""
    journals = sorted(folder.glob(f"*{JOURNAL_SUFFIX}")) if folder.is_dir() else []
    return [j for j in journals if _wav_for(j).is_file() and not _partial_for(j).exists()]


def _wav_for(journal: Path) -> Path:
    return journal.with_name(journal.name[: -len(JOURNAL_SUFFIX)] + ".wav")


def _partial_for(journal: Path) -> Path:
    return journal.with_name(journal.name[: -len(JOURNAL_SUFFIX)] + PARTIAL_SUFFIX)


def _in_use(partial: Path) -> bool:
    """True while a running recorder holds the file locked (``fcntl.flock``); a killed one
    holds nothing, as the kernel drops its locks."""
    try:
        with open(partial, "rb") as handle:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    except OSError:
        return False
    return False


def recover_partial(partial: Path, formats: list[str] | None = None) -> RecoveredRecording:
    seconds, samplerate = repair_wav(partial)
    final = final_path(partial)
    os.replace(partial, final)
    fsync_dir(final.parent)
    journal = journal_path(partial)
    files = export_journal(journal, final, seconds, formats) if journal.is_file() else []
    return RecoveredRecording(final, seconds, samplerate, files)


def _finish_export(journal: Path, formats: list[str] | None) -> RecoveredRecording:
    """Export the journal of a recording that was already saved (killed before its export)."""
    import soundfile

    wav = _wav_for(journal)
    try:
        info = soundfile.info(str(wav))
    except RuntimeError as error:  # unreadable (LibsndfileError): the journal stays
        raise MeetingRecorderError(f"{wav}: {error}") from error
    files = export_journal(journal, wav, info.frames / info.samplerate, formats)
    return RecoveredRecording(wav, info.frames / info.samplerate, info.samplerate, files)


def _finish_calls(folder: Path, formats: list[str] | None, recovered: list, errors: list[str]) -> None:
    """Mix the tracks of calls a crash left unmixed and export their transcript."""
    from meeting_recorder.core.call_tracks import mix_path, mix_tracks, remove_stale_mixes, track_wav, unmixed_calls

    remove_stale_mixes(folder)
    for base in unmixed_calls(folder):
        mix = mix_path(base)
        try:
            seconds = mix_tracks(track_wav(base, "mic"), track_wav(base, "system"), mix)
            journal = journal_path(mix)
            files = export_journal(journal, mix, seconds, formats) if journal.is_file() else []
            import soundfile

            recovered.append(RecoveredRecording(mix, seconds, soundfile.info(str(mix)).samplerate, files))
        except (MeetingRecorderError, OSError, RuntimeError, ValueError) as error:
            errors.append(f"{mix}: {error}")


def recover_folder(folder: Path, formats: list[str] | None = None) -> tuple[list[RecoveredRecording], list[str]]:
    """Repair every partial recording in ``folder`` and export every journal a crash left
    behind: (recovered, error messages). Running it again after a crash redoes what is left."""
    from meeting_recorder.core.call_tracks import call_base

    recovered, errors = [], []
    for partial in find_partials(folder):
        if _in_use(partial):
            continue  # another process is recording into it right now
        try:
            repaired = recover_partial(partial, formats)
            if call_base(partial) is None:  # a call's track is reported with its mix
                recovered.append(repaired)
        except (MeetingRecorderError, OSError) as error:
            errors.append(str(error))
    _finish_calls(folder, formats, recovered, errors)
    for journal in _unexported_journals(folder):
        try:
            recovered.append(_finish_export(journal, formats))
        except (MeetingRecorderError, OSError) as error:
            errors.append(str(error))
    remove_stale_temps(folder)  # of writers killed mid-export; a live writer's are kept
    return recovered, errors
