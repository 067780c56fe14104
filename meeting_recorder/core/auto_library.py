"""Finished and recovered recordings go into the meeting library by themselves.

Best effort on purpose: by the time this runs the recording and its transcript are on disk
(the files are the truth), so a library that cannot be opened or written costs a warning
event, never the recording; the library's next sync or rebuild finds the files anyway.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from meeting_recorder.core.errors import MeetingRecorderError
from meeting_recorder.core.events import LibraryAddFailed

if TYPE_CHECKING:
    from meeting_recorder.core.library import Meeting

log = logging.getLogger(__name__)


def library_folders(recordings: Path | None = None) -> list[Path]:
    """The folders a rebuild scans: the recordings folder (``recordings`` when given, e.g. a
    ``record --out`` or the window's chosen folder, else the default) and its Transcripts
    subfolder (where the Files view writes; a scan passes over it until it exists)."""
    from meeting_recorder.core.paths import recordings_dir

    folder = Path(recordings) if recordings is not None else recordings_dir()
    return [folder, folder / "Transcripts"]


def transcript_json(files: Iterable[Path]) -> Path | None:
    """The JSON among a recording's exported transcript files (the one the library reads)."""
    return next((Path(f) for f in files if Path(f).suffix == ".json"), None)


def add_to_library(recording: Path, transcript_files: Iterable[Path] = (), db_path: Path | None = None,
                   ) -> "Meeting | LibraryAddFailed":
    """Add a saved (or recovered) recording and its transcript to the library at ``db_path``
    (default: ``paths.library_path()``). Returns the meeting, or the warning to show."""
    recording = Path(recording)
    try:
        from meeting_recorder.core.library import Library
        from meeting_recorder.core.paths import library_path

        library = Library(db_path or library_path(), library_folders(recording.parent))
        try:
            return library.add_recording(recording, transcript_json(transcript_files))
        finally:
            library.close()
    except Exception as error:  # whatever the library does, the recording is already safe
        expected = isinstance(error, (MeetingRecorderError, OSError))  # LibraryError is one
        log.log(logging.DEBUG if expected else logging.WARNING, "adding %s to the library failed", recording,
                exc_info=not expected)  # a bug's traceback; the caller says the rest in words
        return LibraryAddFailed(str(recording), _reason(error))


def _reason(error: Exception) -> str:
    text = str(error) or type(error).__name__
    return getattr(error, "strerror", None) or text
