"""Seconds as a clock for people: "0:03", "1:02:05", "0:03.2" (the window and the CLI's
live lines; transcript files use their formats' own stamps, written by ``export``)."""

from __future__ import annotations


def format_clock(seconds: float, tenths: bool = False) -> str:
    """3.25 → "0:03" (or "0:03.2"); hours appear only when needed."""
    seconds = max(seconds, 0.0)
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
    return text + f".{int((seconds - whole) * 10)}" if tenths else text
