"""What the Files queue's worker thread does for the meeting library: add a finished
transcript as a meeting, and carry a meeting's own additions (title, tags, marks, notes)
over to the transcript that replaces it when it is transcribed again. Plain functions:
they run on the queue's thread and raise; the queue reports their failures."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

CARRIED = ("title", "tags", "marks", "notes")  # what the user added to a transcript


def carried_over(transcript: Any, old_json: Path) -> Any:
    """``transcript`` with the title, tags, marks and notes of the one it replaces (a
    transcript that cannot be read adds nothing)."""
    from meeting_recorder.core.export import from_dict

    try:
        old = from_dict(json.loads(old_json.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        log.warning("the transcript %s being replaced cannot be read", old_json, exc_info=True)
        return transcript
    kept = {name: getattr(old, name) for name in CARRIED if hasattr(old, name) and hasattr(transcript, name)}
    return replace(transcript, **kept)


def add_to_library(db_path: Path, folders: Iterable[Path], transcript_json: Path, audio: str,
                   source: str) -> Any:
    """The transcript as a meeting (a new row, or its own row updated); returns the Meeting.
    Raises LibraryError, sqlite3.Error, OSError."""
    from meeting_recorder.core.library import Library

    library = Library(db_path, folders)
    try:
        return library.add_transcript(transcript_json, audio, source=source)
    finally:
        library.close()
