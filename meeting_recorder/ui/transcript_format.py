"""Qt-free helpers of the window: times as text, transcript lines, saving by format."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any


def format_clock(seconds: float, tenths: bool = False) -> str:
    """3.25 → "0:03" (or "0:03.2"); hours appear only when needed."""
    seconds = max(seconds, 0.0)
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
    return text + f".{int((seconds - whole) * 10)}" if tenths else text


def transcript_lines(transcript: Any) -> str:
    """One line per segment: "[0:01.2 → 0:04.0] text" (speaker added when known)."""
    lines = []
    for s in transcript.segments:
        speaker = f"{s.speaker}: " if s.speaker else ""
        lines.append(f"[{format_clock(s.start, True)} → {format_clock(s.end, True)}] {speaker}{s.text}")
    return "\n".join(lines)


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
