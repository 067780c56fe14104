"""Qt-free helpers of the window: saving a transcript by the format the user chose."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any


def export_target(path: str | Path, name_filter: str = "") -> tuple[Path, str]:
    """The file to write and its format: the typed suffix wins, else the dialog's filter.

    The filter's pattern ("*.srt") is read, not its name, which may be translated.
    """
    from meeting_recorder.core.export import FORMATS

    target = Path(path)
    fmt = target.suffix.lower().lstrip(".")
    if fmt in FORMATS:
        return target, fmt
    match = re.search(r"\*\.(\w+)", name_filter)
    fmt = match.group(1).lower() if match and match.group(1).lower() in FORMATS else "txt"
    return target.with_name(f"{target.name}.{fmt}"), fmt


def write_transcript(transcript: Any, path: str | Path, name_filter: str = "") -> Path:
    """Render with core.export and write atomically; raises OSError when it cannot."""
    from meeting_recorder.core.export import RENDERERS, write_atomic

    target, fmt = export_target(path, name_filter)
    write_atomic(target, RENDERERS[fmt](transcript))
    return target
